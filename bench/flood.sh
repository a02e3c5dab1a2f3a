#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Handshake flood: a server daemon in one namespace takes a flood of bogus
# handshake initiations (valid mac1, random contents, each from another
# spoofed source: build/bench/flood-gen) over one veth, while a legitimate
# client in another namespace (always wireguard-go, so only the server
# differs) makes fresh handshakes with it over another veth.  For each
# server implementation, in the same run: the server's CPU time per bogus
# datagram it received (utime + stime from /proc/PID/stat over the kernel's
# rx_packets of its veth), and the legitimate client's time to its first
# ping reply with a fresh handshake, idle and during the flood (medians).
# Ratios are against Debian's wireguard-go measured alike.  Needs root.
#
#   bench/flood.sh [WG_ENGINE [PPS [SAMPLES]]]   (build/tools/wg-engine, 20000, 3)
#
# Other servers join by env, as in bench/throughput.sh: WIREGUARD_GO_MODERN=PATH,
# WG_ENGINE_OLD=PATH (another wg-engine build, e.g. before a change).
# FLOOD_BUSY=N runs N busy-looping processes for the whole run (every server
# alike), standing for a loaded machine: a daemon then gets its threads'
# share of the CPU, not the CPU (the flooder runs at nice -10 then, so that
# it still offers PPS).
set -u
umask 077
cd "$(dirname "$0")/.."
WG_ENGINE=$(realpath "${1:-build/tools/wg-engine}")
PPS=${2:-20000}
SAMPLES=${3:-3}
FLOOD_GEN=$(realpath "${FLOOD_GEN:-build/bench/flood-gen}")
[ "$(id -u)" = 0 ] || { echo "needs root"; exit 1; }
for t in wg wireguard-go python3 "$FLOOD_GEN" "$WG_ENGINE"; do
	command -v "$t" >/dev/null || { echo "$t missing (tools/install-deps.sh, meson compile)"; exit 1; }
done
S=fls$$ C=flc$$ F=flf$$ TMP=$(mktemp -d) PIDS="" BUSY_PIDS=""
cleanup() {
	for p in $PIDS $BUSY_PIDS; do kill "$p" 2>/dev/null; done
	for n in $S $C $F; do
		ip netns pids $n 2>/dev/null | xargs -r kill -9 2>/dev/null
		ip netns del $n 2>/dev/null
	done
	rm -f /var/run/wireguard/fl?$$.sock
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
for n in $S $C $F; do ip netns add $n || exit 1; ip -n $n link set lo up; done
ip link add sc$$ netns $S type veth peer name cs$$ netns $C
ip link add sf$$ netns $S type veth peer name fs$$ netns $F
ip -n $S addr add 192.168.243.1/24 dev sc$$ && ip -n $S link set sc$$ up
ip -n $C addr add 192.168.243.2/24 dev cs$$ && ip -n $C link set cs$$ up
ip -n $S addr add 192.168.244.1/24 dev sf$$ && ip -n $S link set sf$$ up
ip -n $F addr add 192.168.244.2/24 dev fs$$ && ip -n $F link set fs$$ up
# Cookie replies to the spoofed sources go back to the flooder (and die there).
ip -n $S route add default via 192.168.244.2
ip netns exec $F sysctl -qw net.ipv4.ip_forward=0
wg genkey >$TMP/s; wg genkey >$TMP/c
SPUB=$(wg pubkey <$TMP/s) CPUB=$(wg pubkey <$TMP/c)

cpu_ticks() { cut -d' ' -f14,15 /proc/$1/stat | awk '{ print $1 + $2 }'; }
rx_packets() { ip netns exec $S cat /sys/class/net/sf$$/statistics/rx_packets; }
# UDP datagrams the server's kernel dropped for a full socket receive buffer.
rcvbuf_errors() { ip netns exec $S awk '/^Udp:/ { if (n++) print $6 }' /proc/net/snmp; }

# A fresh handshake (peers removed and re-added on both sides), then the
# first ping's reply: ms from sending it, handshake included.
handshake_ms() {	# IS IC
	ip netns exec $S wg set $1 peer $CPUB remove
	ip netns exec $C wg set $2 peer $SPUB remove
	ip netns exec $S wg set $1 peer $CPUB allowed-ips 10.78.0.2/32
	ip netns exec $C wg set $2 peer $SPUB endpoint 192.168.243.1:51820 allowed-ips 10.78.0.1/32
	t=$(ip netns exec $C ping -c1 -W20 10.78.0.1 | sed -n 's/.*time=\([0-9.]*\).*/\1/p')
	echo "${t:-20000}"
}

median() { sort -n | awk '{ v[NR] = $1 } END { print NR ? v[int((NR + 1) / 2)] : 0 }'; }

# server NAME CMD: one row of the table.
server() {
	name=$1 cmd=$2 is=fls$$ ic=flc$$
	ip netns exec $S env LOG_LEVEL=${FLOOD_DEBUG:+debug} $cmd -f $is >$TMP/server.log 2>&1 & ps=$!
	ip netns exec $C wireguard-go -f $ic >$TMP/client.log 2>&1 & pc=$!
	PIDS="$PIDS $ps $pc"
	for _ in $(seq 250); do [ -S /var/run/wireguard/$is.sock ] && [ -S /var/run/wireguard/$ic.sock ] && break; sleep 0.02; done
	ip netns exec $S wg set $is private-key $TMP/s listen-port 51820
	ip netns exec $C wg set $ic private-key $TMP/c
	ip -n $S addr add 10.78.0.1/24 dev $is && ip -n $S link set $is up
	ip -n $C addr add 10.78.0.2/24 dev $ic && ip -n $C link set $ic up
	idle=$(for _ in $(seq "$SAMPLES"); do handshake_ms $is $ic; done | median)
	dur=$((SAMPLES * 8 + 4))
	# Beside busy loops the flooder keeps its rate (nice -10); the servers do not.
	ip netns exec $F nice -n "$([ "${FLOOD_BUSY:-0}" = 0 ] && echo 0 || echo -10)" \
		"$FLOOD_GEN" 192.168.244.1 51820 "$SPUB" "$PPS" $dur >$TMP/sent &
	fpid=$!
	sleep 2
	t0=$(cpu_ticks $ps) r0=$(rx_packets) w0=$(date +%s.%N) e0=$(rcvbuf_errors)
	flood=$(for _ in $(seq "$SAMPLES"); do handshake_ms $is $ic; sleep 1; done | median)
	t1=$(cpu_ticks $ps) r1=$(rx_packets) w1=$(date +%s.%N) e1=$(rcvbuf_errors)
	wait $fpid
	kill $ps $pc 2>/dev/null; wait $ps $pc 2>/dev/null
	[ -n "${FLOOD_DEBUG:-}" ] && { echo "== $name"; grep -v "^$" $TMP/server.log | sort | uniq -c | sort -rn | head -20; }
	python3 - "$name" "$t0" "$t1" "$r0" "$r1" "$w0" "$w1" "$(getconf CLK_TCK)" "$idle" "$flood" "$e0" "$e1" >>$TMP/rows <<'PY'
import sys
name, t0, t1, r0, r1, w0, w1, hz, idle, flood, e0, e1 = sys.argv[1:]
pkts = int(r1) - int(r0)
cpu = (int(t1) - int(t0)) / int(hz)
print(f"{name}\t{pkts / (float(w1) - float(w0)):.0f}\t{cpu / max(pkts, 1) * 1e6:.2f}\t{cpu / (float(w1) - float(w0)):.2f}\t{float(idle):.1f}\t{float(flood):.1f}\t{(int(e1) - int(e0)) / max(pkts, 1) * 100:.1f}")
PY
}

: >$TMP/rows
for _ in $(seq "${FLOOD_BUSY:-0}"); do
	sh -c 'while :; do :; done' & BUSY_PIDS="$BUSY_PIDS $!"
done
server "wireguard-go $(wireguard-go --version | sed -n 's/^wireguard-go //p')" wireguard-go
[ -n "${WIREGUARD_GO_MODERN:-}" ] && server "wireguard-go (modern)" "$WIREGUARD_GO_MODERN"
[ -n "${WG_ENGINE_OLD:-}" ] && server "wg-engine (old)" "$(realpath "$WG_ENGINE_OLD")"
server "wg-engine" "$WG_ENGINE"

python3 - $TMP/rows "$PPS" "$SAMPLES" "${FLOOD_BUSY:-0}" <<'PY'
import sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1])]
print(f"handshake flood at {sys.argv[2]} datagrams/s offered (bogus initiations, valid mac1, spoofed sources);")
print(f"legitimate client: wireguard-go, {sys.argv[3]} fresh handshakes idle and during the flood (medians)")
if sys.argv[4] != "0":
    print(f"{sys.argv[4]} busy-looping processes beside (FLOOD_BUSY)")
base = rows[0]
hdr = ("server", "rx pkt/s", "CPU us/pkt", "cores", "hs idle ms", "hs flood ms", "rcvbuf drop%", "CPU x", "hs flood x")
print("%-28s %9s %10s %6s %10s %11s %12s %7s %10s" % hdr)
for r in rows:
    cx = float(r[2]) / float(base[2]) if float(base[2]) else 0
    hx = float(r[5]) / float(base[5]) if float(base[5]) else 0
    print("%-28s %9s %10s %6s %10s %11s %12s %7.2f %10.2f" % (r[0], r[1], r[2], r[3], r[4], r[5], r[6], cx, hx))
print("rcvbuf drop%: datagrams the kernel dropped at the server's full socket buffer, per datagram received")
print("CPU x, hs flood x: ratio to the first row (lower is better)")
PY
