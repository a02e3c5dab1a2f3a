#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Compile wireguard-tools' contrib/embeddable-wg-library/test.c, unchanged,
# against an installed libwireguard (found with pkg-config), and with --run
# run it (it creates and deletes the kernel device wgtest0: root and the
# WireGuard module needed).  Without a file argument, test.c is downloaded
# from wireguard-tools' repository, so this needs the network and is not part
# of CI; tests/kernel/embeddable.c is the in-tree equivalent that CI runs.
#
#   tools/check-embeddable.sh [--run] [PATH/TO/test.c]
#
# CFLAGS and LIBS override pkg-config (e.g. CFLAGS=-Iinclude LIBS="-Lbuild/lib
# -lwireguard -Wl,-rpath,$PWD/build/lib" to use a build tree).
set -eu
run=false
[ "${1:-}" = --run ] && { run=true; shift; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if [ $# -ge 1 ]; then
	cp "$1" "$tmp/test.c"
else
	url=https://git.zx2c4.com/wireguard-tools/plain/contrib/embeddable-wg-library/test.c
	curl -fsSL "$url" -o "$tmp/test.c" || wget -qO "$tmp/test.c" "$url"
fi
cflags=${CFLAGS-$(pkg-config --cflags libwireguard)}
libs=${LIBS-$(pkg-config --libs libwireguard)}
# test.c includes "wireguard.h": only ours may be found, never a copy beside it.
cc -Wall -o "$tmp/test" "$tmp/test.c" $cflags $libs
echo "test.c compiles against libwireguard's header"
if $run; then
	"$tmp/test"
	echo "test.c ran"
fi
