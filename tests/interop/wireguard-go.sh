#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# wg-engine in one namespace, Debian's wireguard-go in the other, both
# configured only with wg(8): handshake, pings both ways over IPv4 and IPv6
# inside the tunnel, TCP transfers checked by sha256; first the engine
# initiates over an IPv4 underlay, then wireguard-go over IPv6.
. "$(dirname "$0")/lib.sh"
command -v wireguard-go >/dev/null || skip "wireguard-go not installed (tools/install-deps.sh)"
setup_underlay
E=wie$$ G=wig$$
start_daemon "$A" engine $E || exit 1
start_daemon "$B" wggo $G || exit 1
keypair a
keypair b
inA wg set $E private-key "$TMP/a.key" listen-port 51820
inB wg set $G private-key "$TMP/b.key" listen-port 51821
tunnel_addresses "$A" $E 1
tunnel_addresses "$B" $G 2

both_handshakes() { handshake_done "$1" "$2" && handshake_done "$3" "$4"; }

# round INITIATOR_NS INITIATOR_IF RESPONDER_NS RESPONDER_IF ENDPOINT_OF_RESPONDER INITIATOR_UNDERLAY
round() {
	ins=$1 iif=$2 rns=$3 rif=$4 endpoint=$5 iaddr=$6
	if [ "$ins" = "$A" ]; then ipub=$TMP/a.pub rpub=$TMP/b.pub in=1 rn=2
	else ipub=$TMP/b.pub rpub=$TMP/a.pub in=2 rn=1; fi
	# A fresh pair of peers: only the initiator knows where the other is.
	ip netns exec "$ins" wg set "$iif" peer "$(cat "$rpub")" remove
	ip netns exec "$rns" wg set "$rif" peer "$(cat "$ipub")" remove
	ip netns exec "$ins" wg set "$iif" peer "$(cat "$rpub")" endpoint "$endpoint" \
		allowed-ips "10.200.0.$rn/32,fd00:200::$rn/128"
	ip netns exec "$rns" wg set "$rif" peer "$(cat "$ipub")" \
		allowed-ips "10.200.0.$in/32,fd00:200::$in/128"
	check "$iif initiates: ping over IPv4" ping_ok "$ins" "10.200.0.$rn"
	check "$iif initiates: handshake on both sides" both_handshakes "$ins" "$iif" "$rns" "$rif"
	check "$iif initiates: the responder learned the endpoint $iaddr" endpoint_has "$rns" "$rif" "$iaddr"
	check "$iif initiates: ping back over IPv4" ping_ok "$rns" "10.200.0.$in"
	check "$iif initiates: ping over IPv6" ping_ok "$ins" "fd00:200::$rn"
	check "$iif initiates: ping back over IPv6" ping_ok "$rns" "fd00:200::$in"
	check "$iif initiates: TCP over IPv4 to the responder, sha256 intact" \
		tcp_transfer "$ins" "$rns" "10.200.0.$rn"
	check "$iif initiates: TCP over IPv6 to the initiator, sha256 intact" \
		tcp_transfer "$rns" "$ins" "fd00:200::$in"
}

round "$A" $E "$B" $G 192.168.241.2:51821 192.168.241.1
round "$B" $G "$A" $E "[fd00:241::1]:51820" "[fd00:241::2]"
if [ -n "${WG_CRYPTO:-}" ]; then
	check "the engine ran on WG_CRYPTO=$WG_CRYPTO" grep -q "crypto [a-z0-9/]*$WG_CRYPTO" "$TMP/$E.log"
fi
check "rx and tx counters moved on the engine" \
	sh -c "ip netns exec $A wg show $E transfer | awk '{ exit !(\$2 > 1000000 && \$3 > 1000000) }'"
finish
