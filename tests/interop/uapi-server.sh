#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# wg-engine's UAPI server under hostile or careless clients (issue #15):
# no client can stall another (uapi-clients.py), errors reach wg(8) as
# wireguard-go sends them (errno=-N), a failed get logs its own cause, a
# request ended by EOF instead of a blank line is applied (as wireguard-go
# does), and 50 concurrent writers leave one consistent configuration.
. "$(dirname "$0")/lib.sh"
setup_underlay
E=wiu$$
SOCK=/var/run/wireguard/$E.sock
keypair a
start_daemon "$A" engine $E || exit 1
inA wg set $E private-key "$TMP/a.key" listen-port 51777

# A port someone else holds: wg(8) must print the errno's text.
inA "$PYTHON" -c 'import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("0.0.0.0", 51778))
time.sleep(30)' &
holder=$!
PIDS="$PIDS $holder"
wait_for 5 sh -c "ip netns exec $A ss -Huln 'sport = :51778' | grep -q ." || exit 1
inA wg set $E listen-port 51778 >"$TMP/wg.out" 2>&1
check "a taken port fails the set" [ $? -ne 0 ]
check "wg(8) prints the errno's text ($(cat "$TMP/wg.out"))" grep -q "Address already in use" "$TMP/wg.out"
check "the reply's errno is negative, as wireguard-go's" \
	sh -c "printf 'set=1\nlisten_port=51778\n\n' | '$PYTHON' '$HERE/uapi-request.py' $SOCK | grep -qx 'errno=-98'"
kill $holder

# A get whose client left before the reply: its log line names its own
# cause, not the failed set's message from before.
"$PYTHON" -c 'import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM); s.connect(sys.argv[1])
s.send(b"get=1\n\n"); s.close()' $SOCK
sleep 0.3
check "a failed get does not log a stale message" sh -c "! grep 'UAPI get' '$TMP/$E.log' | grep -q 'in use'"

# EOF instead of the blank line: applied, and answered (the client only
# shut its write side).
eof_set() {
	"$PYTHON" -c 'import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM); s.settimeout(5); s.connect(sys.argv[1])
s.sendall(b"set=1\nlisten_port=51779\n"); s.shutdown(socket.SHUT_WR)
r = b""
while True:
    b = s.recv(4096)
    if not b: break
    r += b
sys.exit(r != b"errno=0\n\n")' $SOCK
}
check "a set ended by EOF is answered errno=0" eof_set
check "... and applied" sh -c "[ \"\$(ip netns exec $A wg show $E listen-port)\" = 51779 ]"

# A set that fails after its port change would be made: a daemon without
# CAP_NET_ADMIN and CAP_NET_RAW (on a TUN made for it) cannot set a fwmark.  The port, the
# very sockets (their inodes) and the configuration stay as they were.
F=wif$$
ip -n "$A" tuntap add dev $F mode tun user 0 || exit 1
IFACES="$IFACES $F"
LOG_LEVEL=error WG_ENGINE_THREADS=1 ip netns exec "$A" setpriv --bounding-set=-net_admin,-net_raw \
	"$WG_ENGINE" -f $F >"$TMP/$F.log" 2>&1 &
PIDS="$PIDS $!"
wait_for 10 test -S /var/run/wireguard/$F.sock || { cat "$TMP/$F.log"; exit 1; }
inA wg set $F private-key "$TMP/a.key" listen-port 51780 peer "$(wg genkey | wg pubkey)" allowed-ips 10.11.0.0/16
inodes() { ip netns exec $A ss -Hulne "sport = :$1" 2>/dev/null | grep -o 'ino:[0-9]*' | sort | tr '\n' ' '; }
before_conf=$(inA wg showconf $F)
before_ino=$(inodes 51780)
check "a set whose fwmark is refused fails" sh -c "! ip netns exec $A wg set $F listen-port 51790 fwmark 7 2>/dev/null"
check "... the port is as it was" sh -c "[ \"\$(ip netns exec $A wg show $F listen-port)\" = 51780 ]"
check "... the same sockets ($before_ino)" [ "$(inodes 51780)" = "$before_ino" ]
check "... the new port was never left bound" sh -c "! ip netns exec $A ss -Huln 'sport = :51790' | grep -q ."
check "... the configuration is unchanged" sh -c "[ \"\$(ip netns exec $A wg showconf $F)\" = '$before_conf' ]"
check "... and a set without fwmark still works" inA wg set $F listen-port 51781
check "... to the new port" sh -c "[ \"\$(ip netns exec $A wg show $F listen-port)\" = 51781 ]"

# 50 writers at once, each moving one prefix to its own new peer: every
# set succeeds, every peer exists, and the prefix ends on exactly one.
pids="" readers=""
for i in $(seq 50); do
	(pub=$(wg genkey | wg pubkey) && inA wg set $E peer "$pub" allowed-ips 10.9.0.0/24,10.10.$i.0/24) &
	pids="$pids $!"
	inA wg show $E >/dev/null &
	readers="$readers $!"
done
bad=0
for p in $pids; do wait $p || bad=$((bad + 1)); done
for p in $readers; do wait $p || bad=$((bad + 1)); done
check "50 concurrent sets and gets all succeed ($bad failed)" [ $bad -eq 0 ]
check "... and all 50 peers exist" sh -c "[ \$(ip netns exec $A wg show $E peers | wc -l) = 50 ]"
check "... and the shared prefix is on one peer" \
	sh -c "[ \$(ip netns exec $A wg show $E allowed-ips | grep -c '10.9.0.0/24') = 1 ]"

eval pid=\$PID_$E
"$PYTHON" "$HERE/uapi-clients.py" $SOCK "$pid" | tee "$TMP/clients.out"
passed=$((passed + $(grep -c '^ok' "$TMP/clients.out")))
failed=$((failed + $(grep -c '^FAIL' "$TMP/clients.out")))
finish
