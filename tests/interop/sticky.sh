#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Sticky source addresses (issue #15, fault 5).  A wg-engine server has two
# addresses on one veth in one subnet; its clients write to the secondary
# one, which routing would not pick as the source of replies.  Replies must
# leave from the address each client wrote to, as the Linux driver
# (endpoint.src4/src6) and wireguard-go (sticky sockets) do: a client's
# endpoint, which follows the source of what it receives (roaming), stays
# the secondary address, over IPv4 and IPv6.  Then the secondary addresses
# are removed: the server's sends from them fail, it forgets them, and the
# tunnels keep working from the addresses routing picks.
. "$(dirname "$0")/lib.sh"
setup_underlay
# Routing picks .1 and ::1 as sources towards B: .1 is the subnet's primary
# IPv4 address (.11 a secondary), and among IPv6 addresses that tie, the
# kernel takes the newest, so ::1 is added again after ::11.
ip -n "$A" addr add 192.168.241.11/24 dev "va$$"
ip -n "$A" addr add fd00:241::11/64 dev "va$$" nodad
ip -n "$A" addr del fd00:241::1/64 dev "va$$"
ip -n "$A" addr add fd00:241::1/64 dev "va$$" nodad
S=wis$$ C4=wic$$ C6=wid$$	# server in A; IPv4 and IPv6 clients in B
keypair s
keypair c4
keypair c6
start_daemon "$A" engine $S || exit 1
start_daemon "$B" engine $C4 || exit 1
start_daemon "$B" engine $C6 || exit 1
inA wg set $S private-key "$TMP/s.key" listen-port 51820 \
	peer "$(cat "$TMP/c4.pub")" allowed-ips 10.200.0.2/32 \
	peer "$(cat "$TMP/c6.pub")" allowed-ips 10.201.0.2/32
inB wg set $C4 private-key "$TMP/c4.key" \
	peer "$(cat "$TMP/s.pub")" endpoint 192.168.241.11:51820 allowed-ips 10.200.0.0/24
inB wg set $C6 private-key "$TMP/c6.key" \
	peer "$(cat "$TMP/s.pub")" endpoint "[fd00:241::11]:51820" allowed-ips 10.201.0.0/24
ip -n "$A" addr add 10.200.0.1/24 dev $S
ip -n "$A" addr add 10.201.0.1/24 dev $S
ip -n "$A" link set $S up
ip -n "$B" addr add 10.200.0.2/24 dev $C4 && ip -n "$B" link set $C4 up
ip -n "$B" addr add 10.201.0.2/24 dev $C6 && ip -n "$B" link set $C6 up

if command -v wireguard-go >/dev/null; then
	G=wig$$		# a wireguard-go client too (IPv4)
	keypair g
	start_daemon "$B" wggo $G || exit 1
	inA wg set $S peer "$(cat "$TMP/g.pub")" allowed-ips 10.202.0.2/32
	inB wg set $G private-key "$TMP/g.key" \
		peer "$(cat "$TMP/s.pub")" endpoint 192.168.241.11:51820 allowed-ips 10.202.0.0/24
	ip -n "$A" addr add 10.202.0.1/24 dev $S
	ip -n "$B" addr add 10.202.0.2/24 dev $G && ip -n "$B" link set $G up
fi

endpoint_is() {	# NS IFACE ENDPOINT: its one peer's endpoint, exactly
	got=$(ip netns exec "$1" wg show "$2" endpoints | awk '{ print $2 }')
	[ "$got" = "$3" ] || { echo "  $2: endpoint $got, want $3"; return 1; }
}

check "IPv4: ping through the secondary address" ping_ok "$B" 10.200.0.1
check "IPv6: ping through the secondary address" ping_ok "$B" 10.201.0.1
check "IPv4: the server replies from the address written to" endpoint_is "$B" $C4 192.168.241.11:51820
check "IPv6: the server replies from the address written to" endpoint_is "$B" $C6 "[fd00:241::11]:51820"
check "IPv4: the server sends data from it too" ping_ok "$A" 10.200.0.2
check "IPv6: the server sends data from it too" ping_ok "$A" 10.201.0.2
check "IPv4: still the secondary address" endpoint_is "$B" $C4 192.168.241.11:51820
check "IPv6: still the secondary address" endpoint_is "$B" $C6 "[fd00:241::11]:51820"
if [ -n "${G:-}" ]; then
	check "wireguard-go client: ping" ping_ok "$B" 10.202.0.1
	check "wireguard-go client: the server replies from the address written to" \
		endpoint_is "$B" $G 192.168.241.11:51820
fi

# The remembered addresses go away: sends from them fail (EINVAL); the
# server forgets them and routing picks .1 and ::1, which the clients follow.
ip -n "$A" addr del 192.168.241.11/24 dev "va$$"
ip -n "$A" addr del fd00:241::11/64 dev "va$$"
check "IPv4 address removed: the server still reaches the client" ping_ok "$A" 10.200.0.2
check "IPv6 address removed: the server still reaches the client" ping_ok "$A" 10.201.0.2
check "IPv4 address removed: the client follows to the primary" endpoint_is "$B" $C4 192.168.241.1:51820
check "IPv6 address removed: the client follows to the primary" endpoint_is "$B" $C6 "[fd00:241::1]:51820"
check "IPv4 address removed: ping from the client" ping_ok "$B" 10.200.0.1
check "IPv6 address removed: ping from the client" ping_ok "$B" 10.201.0.1
check "IPv4: TCP from the server, sha256 intact" tcp_transfer "$A" "$B" 10.200.0.2
if [ -n "${G:-}" ]; then
	check "wireguard-go client: the server still reaches it" ping_ok "$A" 10.202.0.2
	check "wireguard-go client: follows to the primary" endpoint_is "$B" $G 192.168.241.1:51820
fi
finish
