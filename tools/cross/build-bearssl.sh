#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Cross-build BearSSL's static library from its source tree (Debian's source
# package, tools/install-cross.sh fetches it) with any C compiler:
#   CC="x86_64-w64-mingw32-gcc" AR="x86_64-w64-mingw32-ar" build-bearssl.sh SRC OUT
#   CC="zig cc -target aarch64-macos" AR="zig ar" build-bearssl.sh SRC OUT
# OUT gets lib/libbearssl.a and include/.
set -eu
src=$(cd "$1" && pwd); out=$2
mkdir -p "$out/obj" "$out/lib" "$out/include"
cd "$src"
find src -name '*.c' | while read -r f; do
	echo "$CC -O2 -Iinc -Isrc -c $f -o $out/obj/$(echo "$f" | tr / _ | sed 's/\.c$/.o/')"
done | xargs -P 2 -I{} sh -c '{}'
rm -f "$out/lib/libbearssl.a"
$AR rcs "$out/lib/libbearssl.a" "$out"/obj/*.o
rm -rf "$out/obj"
cp inc/*.h "$out/include/"
