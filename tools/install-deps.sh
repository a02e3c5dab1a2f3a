#!/bin/sh
# Install, by name from Debian 12's archive, everything the project builds and
# tests with.  Idempotent; needs root.
set -eu
packages="
	build-essential meson ninja-build pkg-config
	libmnl-dev libbearssl-dev libsodium-dev libssl-dev
	python3 python3-cffi python3-cryptography python3-pytest abigail-tools
	wireguard-tools iproute2 iputils-ping
"
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
if ! python3 -c 'import cryptography, cffi, pytest' 2>/dev/null; then
	python3 -m pip install -q cryptography cffi pytest
fi
