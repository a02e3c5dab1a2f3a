#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# wg-engine on both sides; one brought up by wg-quick (which runs wg-engine
# because the kernel has no WireGuard), the other by wg(8).  Then a listen
# port change (the UDP sockets rebind), a malformed UAPI request (refused,
# nothing changes), and wg-quick down (the daemon exits, its socket goes).
. "$(dirname "$0")/lib.sh"
command -v wg-quick >/dev/null || skip "wg-quick not installed (tools/install-deps.sh)"
setup_underlay
Q=wiq$$ E=wie$$
keypair a
keypair b
IFACES="$IFACES $Q"

# B without offloads (its kernel then checks the checksums of the segments
# that A's engine cut from TSO super-packets) and with two lanes (a
# multi-queue TUN and SO_REUSEPORT sockets).
start_daemon "$B" engine $E "WG_ENGINE_NO_OFFLOAD=1 WG_ENGINE_THREADS=2" || exit 1
inB wg set $E private-key "$TMP/b.key" listen-port 51821 \
	peer "$(cat "$TMP/a.pub")" allowed-ips 10.200.0.1/32,fd00:200::1/128
tunnel_addresses "$B" $E 2

cat >"$TMP/$Q.conf" <<CONF
[Interface]
PrivateKey = $(cat "$TMP/a.key")
ListenPort = 51820
Address = 10.200.0.1/24, fd00:200::1/64

[Peer]
PublicKey = $(cat "$TMP/b.pub")
Endpoint = 192.168.241.2:51821
AllowedIPs = 10.200.0.2/32, fd00:200::2/128
CONF
check "wg-quick up with WG_QUICK_USERSPACE_IMPLEMENTATION=wg-engine" \
	inA env WG_QUICK_USERSPACE_IMPLEMENTATION="$WG_ENGINE" wg-quick up "$TMP/$Q.conf"
check "wg-quick's interface has its UAPI socket (mode 0600)" \
	sh -c "[ \"\$(stat -c %a /var/run/wireguard/$Q.sock)\" = 600 ]"
check "wg show reads the private key back" \
	sh -c "[ \"\$(ip netns exec $A wg show $Q private-key)\" = \"$(cat "$TMP/a.key")\" ]"
check "ping over IPv4" ping_ok "$A" 10.200.0.2
check "ping back over IPv4" ping_ok "$B" 10.200.0.1
check "ping over IPv6" ping_ok "$A" fd00:200::2
check "ping back over IPv6" ping_ok "$B" fd00:200::1
check "TCP A->B over IPv4, sha256 intact" tcp_transfer "$A" "$B" 10.200.0.2
check "TCP B->A over IPv6, sha256 intact" tcp_transfer "$B" "$A" fd00:200::1

udp_port() { ip netns exec "$1" ss -Huln "sport = :$2" | grep -q .; }
check "listen-port change: wg set succeeds" inA wg set $Q listen-port 51830
check "listen-port change: bound to the new port" udp_port "$A" 51830
check "listen-port change: the old port is closed" sh -c "! ip netns exec $A ss -Huln 'sport = :51820' | grep -q ."
check "listen-port change: wg show reports it" sh -c "[ \"\$(ip netns exec $A wg show $Q listen-port)\" = 51830 ]"
check "listen-port change: traffic flows from the new port" ping_ok "$A" 10.200.0.2
check "listen-port change: the peer roamed to the new port" endpoint_has "$B" $E 192.168.241.1:51830

marked() {	# NS PORT MARK: both sockets on PORT carry the mark
	[ "$(ip netns exec "$1" ss -Hulne "sport = :$2" 2>/dev/null | grep -c "fwmark:$3")" = 2 ]
}
check "fwmark: wg set succeeds" inA wg set $Q fwmark 0x1234
check "fwmark: both UDP sockets carry it" marked "$A" 51830 0x1234
check "fwmark: a rebind keeps it" sh -c "ip netns exec $A wg set $Q listen-port 51831 && ip netns exec $A wg set $Q listen-port 51830"
check "fwmark: ... on the new sockets" marked "$A" 51830 0x1234
check "fwmark: traffic still flows" ping_ok "$A" 10.200.0.2

before=$(inA wg showconf $Q)
reply=$(printf 'set=1\nlisten_port=51840\nno_such_key=1\n\n' |
	"$PYTHON" "$HERE/uapi-request.py" /var/run/wireguard/$Q.sock)
check "malformed set: refused with an errno" sh -c "echo '$reply' | grep -q '^errno=-[1-9]'"
check "malformed set: nothing changed" sh -c "[ \"\$(ip netns exec $A wg showconf $Q)\" = '$before' ]"
reply=$(printf 'set=1\npublic_key=zz\n\n' | "$PYTHON" "$HERE/uapi-request.py" /var/run/wireguard/$Q.sock)
check "malformed key: refused with an errno" sh -c "echo '$reply' | grep -q '^errno=-[1-9]'"
reply=$(printf 'get=1\n\n' | "$PYTHON" "$HERE/uapi-request.py" /var/run/wireguard/$Q.sock)
check "raw get: ends with errno=0" sh -c "echo '$reply' | tail -n 1 | grep -qx errno=0"
check "still working after bad requests" ping_ok "$A" 10.200.0.2

check "wg-quick down" inA wg-quick down "$TMP/$Q.conf"
check "wg-quick down: the daemon removed its socket" wait_for 5 sh -c "! test -e /var/run/wireguard/$Q.sock"
check "wg-quick down: the daemon exited" wait_for 5 sh -c "! ip netns pids $A | grep -q ."

eval "epid=\$PID_$E"
kill "$epid"
check "SIGTERM: wg-engine exits" wait_for 5 exited "$epid"
check "SIGTERM: its socket is removed" sh -c "! test -e /var/run/wireguard/$E.sock"
check "SIGTERM: its interface is gone" sh -c "! ip -n $B link show $E 2>/dev/null"
finish
