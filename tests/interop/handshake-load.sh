#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# "Under load" by the depth of wg-engine's handshake queue, as the Linux
# driver decides it (issue #15), not by the rate of handshakes:
#  1. 800 initiations a second with a valid mac1 (random contents, spoofed
#     sources: flood-gen) are more than the old rule's 512/s but a backlog of
#     none: they must not put wg-engine under load.  A legitimate peer's
#     fresh handshake then completes at once (under load it first fetches a
#     cookie and waits REKEY_TIMEOUT, 5 s), and the junk earns no cookies.
#  2. 40,000 a second, against a wg-engine held to one CPU: more than its
#     handshake threads can answer on any machine we run on (on two free
#     cores they kept up with 20,000), so its queue backs up and it answers
#     with cookies; the legitimate peer still gets through with one, and
#     data over an established tunnel keeps flowing, since the workers only
#     sort handshakes into the queue (a flood no longer holds up data).
. "$(dirname "$0")/lib.sh"
FLOOD_GEN=${FLOOD_GEN:?set FLOOD_GEN to flood-gen}
setup_underlay
S=whs$$ C=whc$$
keypair s
keypair c
start_daemon "$A" engine $S || exit 1
eval "taskset -a -p -c 0 \$PID_$S" >/dev/null || exit 1
start_daemon "$B" engine $C || exit 1
inA wg set $S private-key "$TMP/s.key" listen-port 51820 peer "$(cat "$TMP/c.pub")" allowed-ips 10.78.0.2/32
inB wg set $C private-key "$TMP/c.key" peer "$(cat "$TMP/s.pub")" endpoint 192.168.241.1:51820 \
	allowed-ips 10.78.0.1/32
ip -n "$A" addr add 10.78.0.1/24 dev $S && ip -n "$A" link set $S up
ip -n "$B" addr add 10.78.0.2/24 dev $C && ip -n "$B" link set $C up
# Cookie replies to the spoofed sources (10.200.0.0/16) go back to B and die there.
ip -n "$A" route add 10.200.0.0/16 via 192.168.241.2
rx_b() { inB cat /sys/class/net/vb$$/statistics/rx_packets; }
# ms to the first ping reply (a fresh handshake included), or 99999
first_ping_ms() {
	t=$(inB ping -c 1 -W "$1" 10.78.0.1 | sed -n 's/.*time=\([0-9.]*\).*/\1/p')
	echo "${t:-99999}"
}

# 1.5 s in: the old rule (more than 512 in a second) would hold by then.
inB "$FLOOD_GEN" 192.168.241.1 51820 "$(cat "$TMP/s.pub")" 800 3 >"$TMP/sent1" &
fpid=$!
sleep 1.5
r0=$(rx_b)
ms=$(first_ping_ms 4)
wait $fpid
r1=$(rx_b)
check "800/s valid-mac1 initiations ($(cat "$TMP/sent1") sent): legitimate handshake + ping in $ms ms (< 1000)" \
	awk "BEGIN { exit !($ms < 1000) }"
check "no cookie replies to the flood ($((r1 - r0)) datagrams back to its side, < 100)" [ $((r1 - r0)) -lt 100 ]

# A fresh handshake for phase 2: the client forgets its session.
inB wg set $C peer "$(cat "$TMP/s.pub")" remove
inB wg set $C peer "$(cat "$TMP/s.pub")" endpoint 192.168.241.1:51820 allowed-ips 10.78.0.1/32
inB "$FLOOD_GEN" 192.168.241.1 51820 "$(cat "$TMP/s.pub")" 40000 30 >"$TMP/sent2" &
fpid=$!
sleep 1
r0=$(rx_b)
ms=$(first_ping_ms 12)
r1=$(rx_b)
check "40000/s: cookies for the flood ($((r1 - r0)) datagrams back to its side)" [ $((r1 - r0)) -gt 1000 ]
check "40000/s: legitimate handshake through a cookie round in $ms ms (< 12000)" \
	awk "BEGIN { exit !($ms < 12000) }"
loss=$(inB ping -c 20 -i 0.05 -W 1 10.78.0.1 | sed -n 's/.* \([0-9.]*\)% packet loss.*/\1/p')
check "40000/s: pings over the tunnel meanwhile, ${loss:-100}% lost (< 10)" awk "BEGIN { exit !(${loss:-100} < 10) }"
kill $fpid 2>/dev/null
wait $fpid
finish
