#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# The man pages: groff finds nothing to warn about in any of them, and
# libwireguard(3) names every section page generated from the header.
#   check-man.sh MAN_SOURCE_DIR MAN_BUILD_DIR
set -u
src=$1 out=$2
status=0
for page in "$src"/*.[0-9] "$out"/libwireguard-*.3; do
	warn=$(LC_ALL=C.UTF-8 groff -man -ww -z -Tutf8 "$page" 2>&1)
	[ -z "$warn" ] || { echo "FAIL: $page: $warn"; status=1; }
done
for page in "$out"/libwireguard-*.3; do
	name=$(basename "$page" .3)
	grep -q "^\.BR $(echo "$name" | sed 's/-/\\\\-/g') (3)" "$src/libwireguard.3" ||
		{ echo "FAIL: libwireguard(3) does not name $name(3)"; status=1; }
done
[ $status = 0 ] && echo "ok: $(ls "$src"/*.[0-9] "$out"/libwireguard-*.3 | wc -l) pages"
exit $status
