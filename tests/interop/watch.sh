#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# The watch on userspace daemons, seen through wg-monitor: wg-engine and
# wireguard-go appear (inotify), their configuration changes and handshakes
# arrive within the interval (re-read over the UAPI), a daemon that stops
# answering and one that dies are reported, and examples/mesh-routes routes
# a wg-engine peer's allowed IPs once its handshake completes.
. "$(dirname "$0")/lib.sh"
command -v wireguard-go >/dev/null || skip "wireguard-go not installed (tools/install-deps.sh)"
WG_MONITOR=${WG_MONITOR:?set WG_MONITOR}
MESH_ROUTES=${MESH_ROUTES:?set MESH_ROUTES}
setup_underlay
E=wie$$ G=wig$$
"$WG_MONITOR" --interval 0.2 $E $G >"$TMP/monitor.out" 2>"$TMP/monitor.err" &
PIDS="$PIDS $!"
# At the default 1 s, in JSON: how late handshakes arrive, pushed or re-read.
"$WG_MONITOR" --json $E $G >"$TMP/monitor.json" 2>&1 &
PIDS="$PIDS $!"
# Watches on one network namespace each: a daemon's socket is in the same
# /var/run/wireguard for all, but only the namespace's own daemon counts.
for ns in "$A" "$B"; do
	"$WG_MONITOR" --netns "/run/netns/$ns" --interval 0.2 $E $G >"$TMP/monitor-$ns.out" 2>&1 &
	PIDS="$PIDS $!"
done
sleep 0.3

# saw SECONDS LINE: the monitor printed LINE (keys hold '+' and '/': no regex).
saw() {
	wait_for "$1" grep -qxF "$2" "$TMP/monitor.out" || { echo "no '$2' in:"; cat "$TMP/monitor.out"; return 1; }
}
# saw_start SECONDS TEXT: a line starting with TEXT.
saw_start() {
	wait_for "$1" awk -v p="$2" 'index($0, p) == 1 { f = 1 } END { exit !f }' "$TMP/monitor.out" ||
		{ echo "no line starting '$2' in:"; cat "$TMP/monitor.out"; return 1; }
}

start_daemon "$A" engine $E || exit 1
start_daemon "$B" wggo $G || exit 1
check "wg-engine appears" saw 2 "$E device-added"
check "wireguard-go appears" saw 2 "$G device-added"
keypair a
keypair b
inA wg set $E private-key "$TMP/a.key" listen-port 51820
inB wg set $G private-key "$TMP/b.key" listen-port 51821
check "private key of wg-engine" saw 2 "$E private-key (none) -> $(cat "$TMP/a.pub")"
check "listen port of wireguard-go" wait_for 2 grep -q "^$G listen-port [0-9]* -> 51821$" "$TMP/monitor.out"
tunnel_addresses "$A" $E 1
tunnel_addresses "$B" $G 2
ip netns exec "$A" "$MESH_ROUTES" --interval 0.2 --silent-after 60 $E >"$TMP/mesh.log" 2>&1 &
PIDS="$PIDS $!"
inA wg set $E peer "$(cat "$TMP/b.pub")" endpoint 192.168.241.2:51821 allowed-ips 10.200.0.2/32,10.201.0.0/24
inB wg set $G peer "$(cat "$TMP/a.pub")" allowed-ips 10.200.0.1/32,10.202.0.0/24
# The Python version of the example routes wireguard-go's peer (found by re-reading).
if [ -n "${PYWG_PATH:-}" ]; then
	# (in a sanitized build, with the sanitizer runtimes preloaded into python)
	ip netns exec "$B" env PYTHONPATH="$PYWG_PATH" LD_PRELOAD="${PYTHON_PRELOAD:-}" \
		ASAN_OPTIONS="${PYTHON_PRELOAD:+detect_leaks=0}" "$PYTHON" "$MESH_ROUTES_PY" $G 60 >"$TMP/mesh-py.log" 2>&1 &
	PIDS="$PIDS $!"
fi
check "peer added on wg-engine" saw 2 "$E peer-added $(cat "$TMP/b.pub")"
check "its endpoint" saw 2 "$E endpoint $(cat "$TMP/b.pub") (none) -> 192.168.241.2:51821"
check "its allowed IP" saw 2 "$E allowed-ip-added $(cat "$TMP/b.pub") 10.201.0.0/24"
check "peer added on wireguard-go" saw 2 "$G allowed-ip-added $(cat "$TMP/a.pub") 10.202.0.0/24"
check "ping through the tunnel" ping_ok "$A" 10.200.0.2
check "handshake on wg-engine" saw_start 2 "$E handshake $(cat "$TMP/b.pub") "
check "handshake on wireguard-go" saw_start 2 "$G handshake $(cat "$TMP/a.pub") "
check "wireguard-go learned the endpoint (roaming)" saw 2 "$G endpoint $(cat "$TMP/a.pub") (none) -> 192.168.241.1:51820"
# latency IFACE: ms from a handshake to the watch seeing it (JSON monitor); "pushed" if it was.
latency() {
	wait_for 3 grep -q "\"device\":\"$1\",.*\"kind\":\"handshake\"" "$TMP/monitor.json" || return 1
	"$PYTHON" - "$1" "$TMP/monitor.json" <<'PY'
import json, sys
for line in open(sys.argv[2]):
    e = json.loads(line)
    if e["device"] == sys.argv[1] and e["kind"] == "handshake":
        print("%.1f %s" % ((e["time"] - float(e["after"])) * 1000, "pushed" if e.get("pushed") else "re-read"))
        break
PY
}
lat_e=$(latency $E) lat_g=$(latency $G)
echo "handshake to event (ms, how): wg-engine $lat_e, wireguard-go $lat_g (interval 1 s)"
check "wg-engine's handshake was pushed, within 50 ms" \
	sh -c "echo '$lat_e' | awk '{ exit !(\$2 == \"pushed\" && \$1 < 50) }'"
check "wireguard-go's was found by re-reading, within the interval" \
	sh -c "echo '$lat_g' | awk '{ exit !(\$2 == \"re-read\" && \$1 < 1100) }'"
check "mesh-routes routed the peer's allowed IPs on wg-engine" \
	wait_for 3 sh -c "ip -n $A route show dev $E | grep -q '^10.201.0.0/24'"
if [ -n "${PYWG_PATH:-}" ]; then
	check "mesh_routes.py routed wireguard-go's peer after its handshake" \
		wait_for 3 sh -c "ip -n $B route show dev $G | grep -q '^10.202.0.0/24'"
	cat "$TMP/mesh-py.log"
	inB wg set $G peer "$(cat "$TMP/a.pub")" remove
	check "mesh_routes.py withdrew the routes of the removed peer" \
		wait_for 4 sh -c "! ip -n $B route show dev $G | grep -q '^10.202.0.0/24'" || cat "$TMP/mesh-py.log"
fi
inA wg set $E peer "$(cat "$TMP/b.pub")" allowed-ips 10.200.0.2/32
check "allowed IP removed" saw 2 "$E allowed-ip-removed $(cat "$TMP/b.pub") 10.201.0.0/24"
check "mesh-routes withdrew its route" \
	wait_for 3 sh -c "! ip -n $A route show dev $E | grep -q '^10.201.0.0/24'"
inA wg set $E peer "$(cat "$TMP/b.pub")" remove
check "peer removed (by someone else)" saw 2 "$E peer-removed $(cat "$TMP/b.pub")"
check "mesh-routes withdrew every route of the peer" \
	wait_for 3 sh -c "! ip -n $A route show dev $E | grep -q '^10.200.0.2'"
check "no error reported while the daemons started and worked" sh -c "! grep -q ' error ' $TMP/monitor.out"
# A daemon that stops answering, then answers again.
eval "kill -STOP \$PID_$G"
check "a daemon that does not answer is reported" saw 5 "$G error Connection timed out"
eval "kill -CONT \$PID_$G"
check "and when it answers again" saw 3 "$G error resolved"
# A daemon that dies without removing its socket, and one that exits cleanly.
eval "kill -KILL \$PID_$E"
check "a daemon that died is reported" saw 5 "$E error Connection refused"
eval "kill -TERM \$PID_$G"
check "a daemon that exits is removed" saw 3 "$G device-removed"
check "wg-monitor printed nothing on stderr" test ! -s "$TMP/monitor.err"
# in_ns NS SECONDS LINE: the namespace's monitor printed LINE.
in_ns() {
	wait_for "$2" grep -qxF "$3" "$TMP/monitor-$1.out" || { echo "no '$3' in:"; cat "$TMP/monitor-$1.out"; return 1; }
}
check "a watch on namespace A sees its daemon appear" in_ns "$A" 1 "$E device-added"
check "its configuration" in_ns "$A" 1 "$E private-key (none) -> $(cat "$TMP/a.pub")"
# Each watch reads on its own timer: a read in flight when the daemon died
# reports "Connection reset by peer" first, and a loaded machine (a
# sanitized daemon takes long to exit) delays the next read.
check "and its death" in_ns "$A" 5 "$E error Connection refused"
check "a watch on namespace B sees its daemon appear and leave" \
	sh -c "grep -qxF '$G device-added' $TMP/monitor-$B.out && grep -qxF '$G device-removed' $TMP/monitor-$B.out"
check "neither sees the other namespace's daemon" \
	sh -c "! grep -q '^$G ' $TMP/monitor-$A.out && ! grep -q '^$E ' $TMP/monitor-$B.out"
finish
