#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Roaming: one side's underlay address moves; traffic resumes and the other
# side follows the new endpoint.  A wg-engine moves, against a wg-engine and
# against a wireguard-go.  (Debian's wireguard-go as the mover keeps its old
# source address for ~15 s: its own behaviour, not tested here.)
. "$(dirname "$0")/lib.sh"
setup_underlay
M=wim$$ F=wif$$		# engine pair: mover in A, fixed in B
keypair a
keypair b
start_daemon "$A" engine $M || exit 1
start_daemon "$B" engine $F || exit 1
inA wg set $M private-key "$TMP/a.key" listen-port 51820 \
	peer "$(cat "$TMP/b.pub")" endpoint 192.168.241.2:51821 allowed-ips 10.200.0.2/32,fd00:200::2/128
inB wg set $F private-key "$TMP/b.key" listen-port 51821 \
	peer "$(cat "$TMP/a.pub")" allowed-ips 10.200.0.1/32,fd00:200::1/128
tunnel_addresses "$A" $M 1
tunnel_addresses "$B" $F 2

if command -v wireguard-go >/dev/null; then
	GM=wig$$ GF=wih$$	# engine moving in A, wireguard-go fixed in B
	keypair c
	keypair d
	start_daemon "$A" engine $GM || exit 1
	start_daemon "$B" wggo $GF || exit 1
	inA wg set $GM private-key "$TMP/c.key" listen-port 51822 \
		peer "$(cat "$TMP/d.pub")" endpoint 192.168.241.2:51823 allowed-ips 10.201.0.2/32
	inB wg set $GF private-key "$TMP/d.key" listen-port 51823 \
		peer "$(cat "$TMP/c.pub")" allowed-ips 10.201.0.1/32
	ip -n "$A" addr add 10.201.0.1/24 dev $GM && ip -n "$A" link set $GM up
	ip -n "$B" addr add 10.201.0.2/24 dev $GF && ip -n "$B" link set $GF up
fi

check "engine pair: ping before the move" ping_ok "$A" 10.200.0.2
check "engine pair: endpoint is the old address" endpoint_has "$B" $F 192.168.241.1:51820
[ -n "${GM:-}" ] && check "engine -> wireguard-go: ping before the move" ping_ok "$A" 10.201.0.2

for new in 11 12; do
	ip -n "$A" addr flush dev "va$$" scope global
	ip -n "$A" addr add "192.168.241.$new/24" dev "va$$"
	check "moved to .$new: engine pair: ping resumes" ping_ok "$A" 10.200.0.2
	check "moved to .$new: engine pair: the fixed side follows" endpoint_has "$B" $F "192.168.241.$new:51820"
	check "moved to .$new: engine pair: ping back" ping_ok "$B" 10.200.0.1
	if [ -n "${GM:-}" ]; then
		check "moved to .$new: engine -> wireguard-go: ping resumes" ping_ok "$A" 10.201.0.2
		check "moved to .$new: engine -> wireguard-go: wireguard-go follows" \
			endpoint_has "$B" $GF "192.168.241.$new:51822"
		check "moved to .$new: engine -> wireguard-go: ping back" ping_ok "$B" 10.201.0.1
	fi
done
check "engine pair: TCP after roaming, sha256 intact" tcp_transfer "$B" "$A" 10.200.0.1
finish
