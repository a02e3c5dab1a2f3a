#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# An idle wg-engine wakes only when its timers require it (issue #15): with
# 1,000 peers and no traffic no timer is armed, so over 3 s its threads
# should not switch in voluntarily more than a handful of times (the timer
# thread used to wake every 100 ms: ~30).  Then a packet to a peer arms the
# handshake timers, and the retries still happen (the timer thread woke for
# the earlier deadline the packet set).
. "$(dirname "$0")/lib.sh"
setup_underlay
E=wiw$$
keypair a
start_daemon "$A" engine $E "WG_ENGINE_THREADS=1" || exit 1
eval pid=\$PID_$E
{
	echo "private_key=$(base64 -d <"$TMP/a.key" | od -An -v -tx1 | tr -d ' \n')"
	for i in $(seq 1000); do
		echo "public_key=$(head -c 32 /dev/urandom | od -An -v -tx1 | tr -d ' \n')"
		echo "allowed_ip=10.$((i / 250)).$((i % 250)).0/24"
	done
} >"$TMP/peers"
printf 'set=1\n%s\n\n' "$(cat "$TMP/peers")" | "$PYTHON" "$HERE/uapi-request.py" /var/run/wireguard/$E.sock >/dev/null
check "1000 peers configured" sh -c "[ \$(ip netns exec $A wg show $E peers | wc -l) = 1000 ]"
tunnel_addresses "$A" $E 1

switches() {	# voluntary context switches of every thread of the daemon
	cat /proc/$pid/task/*/status 2>/dev/null | awk '/^voluntary_ctxt_switches/ { n += $2 } END { print n }'
}
sleep 0.5
s0=$(switches)
sleep 3
s1=$(switches)
n=$((s1 - s0))
check "idle for 3 s with 1000 peers: $n voluntary wake-ups (at most 6)" [ "$n" -le 6 ]

# A packet for a peer with an endpoint: an initiation now, retries every
# ~5 s (REKEY_TIMEOUT) without an answer: the timer thread must wake for them.
key1=$(head -c 32 /dev/urandom | base64)
inA wg set $E peer "$key1" endpoint 192.168.241.2:51999 allowed-ips 10.99.0.0/24
ip -n "$A" route add 10.99.0.0/24 dev $E
ip netns exec "$B" "$PYTHON" - >"$TMP/initiations" <<'PY' &
import socket, select, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("192.168.241.2", 51999))
print("ready", flush=True)
n, end = 0, time.monotonic() + 7
while time.monotonic() < end:
    r, _, _ = select.select([s], [], [], 0.1)
    if r:
        n += s.recv(2048)[:1] == b"\x01"
print(n)
PY
listener=$!
wait_for 5 grep -q ready "$TMP/initiations"
inA ping -c 1 -W 1 10.99.0.1 >/dev/null 2>&1
wait $listener
got=$(tail -n 1 "$TMP/initiations")
check "an unanswered initiation is retried after REKEY_TIMEOUT ($got initiations in 7 s)" [ "${got:-0}" -ge 2 ]
finish
