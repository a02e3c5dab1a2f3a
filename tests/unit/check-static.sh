#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# The installed static archive defines only wg_ globals, and a program can
# link it together with a library that defines the same internal names.
# Usage: check-static.sh libwireguard.a SRCDIR INCLUDEDIR "DEP LIBS"
# (CFLAGS: what the library was built with that the program needs too, e.g. -fsanitize=)
set -eu
archive=$1 src=$2 include=$3 deplibs=$4
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
bad=$(nm -g --defined-only "$archive" | awk 'NF == 3 && $3 !~ /^wg_/ { print $3 }')
if [ -n "$bad" ]; then
	echo "libwireguard.a defines globals without the wg_ prefix:"; echo "$bad"
	exit 1
fi
# shellcheck disable=SC2086
${CC:-cc} ${CFLAGS:-} -c -o "$dir/clash.o" "$src/clash.c"
ar rc "$dir/libclash.a" "$dir/clash.o"
# libclash first: its names must win for the program and stay out of the
# library's own calls.
# shellcheck disable=SC2086
${CC:-cc} ${CFLAGS:-} -I"$include" -o "$dir/clash" "$src/clash-main.c" "$dir/libclash.a" "$archive" $deplibs
"$dir/clash"
