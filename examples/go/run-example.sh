#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Build and run the Go example against this build tree.
#   run-example.sh GO SOURCE_ROOT LIBWIREGUARD_SO BUILD_DIR
# Exits 77 (skip) without Go.  Builds as the README tells a consumer to:
# no SWIG, no CGO_CFLAGS; pkg-config finds this build tree's library.
# As root, also tries -up in a network namespace of its own.
set -u
go=$1 src=$2 lib=$3 build=$4
if [ ! -x "$go" ]; then
	echo "SKIP: needs a Go toolchain"
	exit 77
fi
libdir=$(cd "$(dirname "$lib")" && pwd)
export PKG_CONFIG_PATH="$(dirname "$libdir")/meson-uninstalled${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
export LD_LIBRARY_PATH="$libdir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
unset CGO_CFLAGS CGO_LDFLAGS
export GOTOOLCHAIN=local GOPROXY=off GOFLAGS=-buildvcs=false
if [ -z "${HOME:-}" ] || [ ! -w "${HOME:-/nonexistent}" ]; then
	export GOCACHE="$build/go-cache"
fi
cd "$src/examples/go" || exit 1
"$go" build -o "$build/go-example" . || exit 1
"$build/go-example" || exit 1
# A wgctrl-go program with only its imports changed (examples/go/wgctrl).
"$go" build -o "$build/go-wgctrl" ./wgctrl || exit 1
"$go" vet ./... || exit 1

# -up, as root: a userspace interface in a namespace of our own, from a
# wg-quick file; it must exit by itself once the interface is deleted.
if [ "$(id -u)" != 0 ] || ! command -v ip >/dev/null || ! command -v wg >/dev/null ||
	[ ! -c /dev/net/tun ]; then
	echo "(-up not tried: needs root, ip, wg and /dev/net/tun)"
	exit 0
fi
ns=wgex$$ ifname=wgex$$ tmp=$(mktemp -d)
cleanup() {
	[ -n "${pid:-}" ] && kill "$pid" 2>/dev/null
	ip netns del "$ns" 2>/dev/null
	rm -f "/var/run/wireguard/$ifname.sock"
	rm -rf "$tmp"
}
trap cleanup EXIT
ip netns add "$ns" || exit 1
printf '[Interface]\nPrivateKey = %s\nAddress = 10.88.0.1/24\nMTU = 1380\n[Peer]\nPublicKey = %s\nAllowedIPs = 10.89.0.0/16\n' \
	"$(wg genkey)" "$(wg genkey | wg pubkey)" >"$tmp/$ifname.conf"
ip netns exec "$ns" "$build/go-example" -up "$tmp/$ifname.conf" >"$tmp/out" 2>&1 &
pid=$!
for _ in $(seq 100); do [ -S "/var/run/wireguard/$ifname.sock" ] && break; sleep 0.05; done
sleep 0.2
status=0
wg show "$ifname" allowed-ips | grep -q "10.89.0.0/16" || { echo "FAIL: wg show $ifname"; status=1; }
ip -n "$ns" route | grep -q "10.89.0.0/16 dev $ifname" || { echo "FAIL: no route"; status=1; }
ip -n "$ns" -o link show "$ifname" | grep -q "mtu 1380" || { echo "FAIL: MTU"; status=1; }
# The wgctrl port reads the same device through its UAPI socket.
"$build/go-wgctrl" "$ifname" >"$tmp/wgctrl" 2>&1 || { echo "FAIL: go-wgctrl $ifname"; status=1; }
grep -q "^interface: $ifname (userspace)" "$tmp/wgctrl" && grep -q "allowed ips: 10.89.0.0/16$" "$tmp/wgctrl" ||
	{ echo "FAIL: go-wgctrl output:"; cat "$tmp/wgctrl"; status=1; }
ip -n "$ns" link del "$ifname"
for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
if kill -0 "$pid" 2>/dev/null; then
	echo "FAIL: -up did not exit when its interface was deleted"
	status=1
else
	wait "$pid" || status=1
	pid=
fi
cat "$tmp/out"
exit $status
