#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Run interop-uapi against Debian's wireguard-go (or the daemon given as the
# second argument, e.g. wg-engine) inside a private network namespace.
# Needs root; skips (77) without it or without the tools.
set -u
bin=$1
daemon=${2:-wireguard-go}
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root (network namespaces, TUN)"; exit 77; }
for t in "$daemon" wg ip; do
	command -v $t >/dev/null || { echo "SKIP: $t not installed (tools/install-deps.sh)"; exit 77; }
done
[ -c /dev/net/tun ] || { echo "SKIP: no /dev/net/tun"; exit 77; }
ns=wgiu$$
ifname=wgu$$
pid=
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	ip netns del "$ns" 2>/dev/null
	# The socket directory is the host's, not the namespace's.
	rm -f "/var/run/wireguard/$ifname.sock"
}
trap cleanup EXIT INT TERM
ip netns add "$ns" || { echo "SKIP: cannot create a network namespace"; exit 77; }
ip -n "$ns" link set lo up
LOG_LEVEL=error ip netns exec "$ns" "$daemon" -f "$ifname" >"/tmp/$ifname.log" 2>&1 &
pid=$!
for i in $(seq 50); do
	[ -S "/var/run/wireguard/$ifname.sock" ] && break
	sleep 0.1
done
[ -S "/var/run/wireguard/$ifname.sock" ] || { echo "$daemon did not start:"; cat "/tmp/$ifname.log"; exit 1; }
ip netns exec "$ns" "$bin" "$ifname" "$(basename "$daemon")"
status=$?
rm -f "/tmp/$ifname.log"
exit $status
