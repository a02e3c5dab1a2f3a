#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# The README's C snippet, compiled the way the README says (pkg-config
# libwireguard, here from the build tree) and run.
set -eu
readme=$1 build=$2
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
awk '/^```c$/ { on = 1; next } /^```$/ { if (on) exit } on' "$readme" >"$dir/example.c"
[ -s "$dir/example.c" ] || { echo "no C snippet in $readme"; exit 1; }
export PKG_CONFIG_PATH="$build/meson-uninstalled"
cc -Wall -Werror -o "$dir/example" "$dir/example.c" $(pkg-config --cflags --libs libwireguard)
LD_LIBRARY_PATH="$build/lib" "$dir/example" >"$dir/out" 2>&1
cat "$dir/out"
grep -q '^public key: [A-Za-z0-9+/]\{43\}=$' "$dir/out"
grep -q '^rejected: ' "$dir/out"
echo "1 passed, 0 failed"
