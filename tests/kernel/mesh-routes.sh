#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# examples/mesh-routes on the Linux driver (inside the VM): a route to the
# peer's allowed IPs appears when a handshake completes, goes when the peer
# falls silent, comes back with traffic, and goes when someone else removes
# the peer with `wg set`.
set -eu
umask 077
ip netns add a
ip netns add b
wg genkey > ka
wg genkey > kb
ip link add wga type wireguard
ip link add wgb type wireguard
wg set wga private-key ka listen-port 1001 peer "$(wg pubkey < kb)" endpoint 127.0.0.1:1002 allowed-ips 10.7.0.2/32,10.8.0.0/24 persistent-keepalive 1
wg set wgb private-key kb listen-port 1002 peer "$(wg pubkey < ka)" endpoint 127.0.0.1:1001 allowed-ips 10.7.0.1/32 persistent-keepalive 1
ip link set wga netns a
ip link set wgb netns b
ip -n a addr add 10.7.0.1/32 dev wga
ip -n b addr add 10.7.0.2/32 dev wgb
ip -n a link set wga up
b_up() {	# routes through a link are flushed when it goes down
	ip -n b link set wgb up
	ip -n b route replace 10.7.0.1/32 dev wgb
}
ip netns exec a mesh-routes --silent-after 2 --interval 0.2 wga > log 2>&1 &
pid=$!
wait_route() {	# want (present|absent) seconds
	i=0
	while [ $i -lt $(($2 * 10)) ]; do
		if ip -n a route show dev wga | grep -q '10.8.0.0/24'; then have=present; else have=absent; fi
		[ "$have" = "$1" ] && return 0
		sleep 0.1
		i=$((i + 1))
	done
	echo "route is $have, wanted $1"; cat log; ip -n a route; return 1
}
fail=0
# wgb is down: keepalives go nowhere, no handshake, no route.
sleep 1
wait_route absent 1 || fail=1
b_up
wait_route present 5 || fail=1
ip netns exec a ping -c 1 -W 2 10.7.0.2 >/dev/null || { echo "no ping through the installed route"; fail=1; }
# Silence: b goes down, a hears nothing for 2 s.
ip -n b link set wgb down
wait_route absent 6 || fail=1
b_up
wait_route present 6 || fail=1
# Someone else removes the peer.
ip netns exec a wg set wga peer "$(wg pubkey < kb)" remove
wait_route absent 3 || fail=1
kill $pid
wait $pid || true
cat log
[ $fail -eq 0 ] && echo "mesh-routes: routes followed handshakes, silence and removal"
exit $fail
