#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Install what the cross suite (tools/run-cross.sh) builds and runs with:
#   armhf, arm64  Debian's cross compilers and the target's -dev packages
#                 through multiarch (dpkg --add-architecture), run by qemu-user;
#   s390x         (big-endian; its multiarch -dev packages conflict with the
#                 host's) Debian's cross compiler plus a sysroot of the target's
#                 -dev packages from a first-stage debootstrap, kept in
#                 /var/cache/libwireguard/sysroot-s390x;
#   windows       mingw-w64, wine64;
#   macos         zig cc (PyPI ziglang) in /var/cache/libwireguard/zigvenv;
#   and BearSSL for Windows and macOS, cross-built from Debian's own source
#                 package into /var/cache/libwireguard/bearssl-TARGET.
# Idempotent (a warm machine only checks); needs root.  Called by install-deps.sh.
set -eu
cache=/var/cache/libwireguard
here=$(cd "$(dirname "$0")" && pwd)
apt_install() {
	apt-get -o DPkg::Lock::Timeout=900 install -y -q --no-install-recommends "$@"
}
export DEBIAN_FRONTEND=noninteractive
mkdir -p "$cache"

# Multiarch for the little-endian ARM targets.
archs=$(dpkg --print-foreign-architectures)
need_update=
for a in armhf arm64; do
	echo "$archs" | grep -qx "$a" || { dpkg --add-architecture "$a"; need_update=1; }
done
packages="
	crossbuild-essential-armhf crossbuild-essential-arm64 qemu-user-static
	libbearssl-dev:armhf libmnl-dev:armhf libssl-dev:armhf pkgconf:armhf
	libbearssl-dev:arm64 libmnl-dev:arm64 libssl-dev:arm64 pkgconf:arm64
	gcc-s390x-linux-gnu libc6-dev-s390x-cross debootstrap
	mingw-w64 wine64 dpkg-dev python3-venv
"
missing=""
for p in $packages; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing="$missing $p"
done
if [ -n "$missing" ] || [ -n "$need_update" ]; then
	apt-get -o DPkg::Lock::Timeout=900 update -q
fi
[ -z "$missing" ] || apt_install $missing

# s390x sysroot: the first stage of debootstrap downloads and checks the
# packages; unpacking them with dpkg-deb -x needs no s390x binary to run.
sysroot=$cache/sysroot-s390x
if [ ! -e "$sysroot/.done" ]; then
	stage=$cache/s390x-stage
	rm -rf "$stage" "$sysroot"
	debootstrap --arch=s390x --variant=minbase --foreign \
		--include=libbearssl-dev,libmnl-dev,libssl-dev \
		bookworm "$stage" http://deb.debian.org/debian
	mkdir -p "$sysroot"
	for d in "$stage"/var/cache/apt/archives/*.deb; do dpkg-deb -x "$d" "$sysroot"; done
	rm -rf "$stage"
	touch "$sysroot/.done"
fi

# zig cc for the macOS compile check, and its wrapper for meson (zig-cc).
zig=$cache/zigvenv
if [ ! -x "$zig/bin/python3" ] || ! "$zig/bin/python3" -m ziglang version >/dev/null 2>&1; then
	rm -rf "$zig"
	python3 -m venv "$zig"
	"$zig/bin/pip" install -q ziglang
fi
cmp -s "$here/cross/zig-cc" "$zig/bin/zig-cc" || install -m 755 "$here/cross/zig-cc" "$zig/bin/zig-cc"

# BearSSL for Windows and macOS, from Debian's source package (a private
# source list: same archive, same keyring, the host's apt setup untouched).
zigc="$zig/bin/python3 -m ziglang"
for target in mingw x86_64-macos aarch64-macos; do
	out=$cache/bearssl-$target
	[ ! -e "$out/lib/libbearssl.a" ] || continue
	src=$cache/bearssl-src
	if [ ! -d "$src"/bearssl-*/ ]; then
		rm -rf "$src"
		mkdir -p "$src/lists/partial"
		echo 'deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian bookworm main' \
			>"$src/sources.list"
		aptsrc="-o Dir::Etc::SourceList=$src/sources.list -o Dir::Etc::SourceParts=- -o Dir::State::Lists=$src/lists"
		apt-get $aptsrc update -q
		(cd "$src" && apt-get $aptsrc source -q -o APT::Sandbox::User=root bearssl)
	fi
	case $target in
	mingw) cc=x86_64-w64-mingw32-gcc ar=x86_64-w64-mingw32-ar ;;
	*) cc="$zigc cc -target $target" ar="$zigc ar" ;;
	esac
	rm -rf "$out.tmp"
	CC=$cc AR=$ar "$here/cross/build-bearssl.sh" "$(ls -d "$src"/bearssl-*/ | head -n 1)" "$out.tmp"
	mv "$out.tmp" "$out"
done
rm -rf "$cache/bearssl-src"
