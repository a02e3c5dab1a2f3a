#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Tunnel throughput: iperf3 TCP, 1 and 4 streams, through wg-engine<->wg-engine
# and wireguard-go<->wireguard-go between two network namespaces over one
# veth pair, in the same run; plus CPU seconds per GB moved, summed over both
# daemons (utime + stime from /proc/PID/stat).  Needs root.
#
#   bench/throughput.sh [WG_ENGINE [SECONDS]]     (default build/tools/wg-engine, 5)
#
# Columns: Gbit/s (iperf3's received rate), CPU s/GB (both daemons' CPU time
# per GB received), then both as ratios to Debian's wireguard-go and, when
# present, to a modern wireguard-go (x: throughput ratio, higher is better;
# CPU x: CPU per GB ratio, lower is better).
#
# ROUNDS=N (default 2): each implementation runs N times, alternating; the
# table shows each one's best.
# Other implementations join the table when named by env:
# WIREGUARD_GO_MODERN=/path/to/wireguard-go (a recent build), BORINGTUN=boringtun-cli;
# unset, they are taken from $WGBENCH_DIR/bin (default /opt/wgbench, where
# bench/install-peers.sh puts the pinned versions) when present there.
# WG_ENGINE_BASE=/path/to/wg-engine (another build, e.g. before a change)
# joins as "wg-engine (base)", with columns of ratios to it.
#
# Then the handshake's cost to the first ping: HANDSHAKES=N (default 21) fresh
# handshakes per implementation, interleaved across implementations; each one
# is the first ping's round trip minus the median of the next 3 pings.  The
# table gives each one's median and its ratios to wireguard-go's.
set -u
umask 077
cd "$(dirname "$0")/.."
WGBENCH_DIR=${WGBENCH_DIR:-/opt/wgbench}
if [ -z "${WIREGUARD_GO_MODERN+set}" ] && [ -x "$WGBENCH_DIR/bin/wireguard" ]; then
	WIREGUARD_GO_MODERN=$WGBENCH_DIR/bin/wireguard
fi
if [ -z "${BORINGTUN+set}" ] && [ -x "$WGBENCH_DIR/bin/boringtun-cli" ]; then
	BORINGTUN=$WGBENCH_DIR/bin/boringtun-cli
fi
WG_ENGINE=$(realpath "${1:-build/tools/wg-engine}")
DUR=${2:-5}
[ "$(id -u)" = 0 ] || { echo "needs root"; exit 1; }
for t in iperf3 wg wireguard-go python3; do
	command -v $t >/dev/null || { echo "$t missing: run tools/install-deps.sh"; exit 1; }
done
A=bna$$ B=bnb$$ TMP=$(mktemp -d) PIDS=""
cleanup() {
	for p in $PIDS; do kill "$p" 2>/dev/null; done
	ip netns pids $A 2>/dev/null | xargs -r kill -9 2>/dev/null
	ip netns pids $B 2>/dev/null | xargs -r kill -9 2>/dev/null
	ip netns del $A 2>/dev/null; ip netns del $B 2>/dev/null
	rm -f /var/run/wireguard/bt??$$.sock
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
ip netns add $A && ip netns add $B || exit 1
ip link add va$$ netns $A type veth peer name vb$$ netns $B
ip -n $A addr add 192.168.242.1/24 dev va$$ && ip -n $A link set va$$ up && ip -n $A link set lo up
ip -n $B addr add 192.168.242.2/24 dev vb$$ && ip -n $B link set vb$$ up && ip -n $B link set lo up
wg genkey >$TMP/a; wg genkey >$TMP/b
ip netns exec $B iperf3 -s -D -I $TMP/iperf.pid >/dev/null

cpu_ticks() {	# PID...: utime + stime in clock ticks
	for p in "$@"; do cut -d' ' -f14,15 /proc/$p/stat; done | awk '{ s += $1 + $2 } END { print s }'
}

# iperf NAME SERVER_ADDR STREAMS PIDS...: one table row
iperf() {
	name=$1 addr=$2 streams=$3; shift 3
	t0=$(cpu_ticks "$@")
	ip netns exec $A iperf3 -c $addr -t $DUR -P $streams -J >$TMP/out.json 2>&1
	t1=$(cpu_ticks "$@")
	python3 - "$name" "$streams" "$t0" "$t1" "$(getconf CLK_TCK)" $TMP/out.json >>$TMP/rows <<'PY'
import json, sys
name, streams, t0, t1, hz, path = sys.argv[1:]
try:
    r = json.load(open(path))["end"]["sum_received"]
except Exception as e:
    print(f"{name}\t{streams}\tfailed\t-\t-"); sys.exit()
gbits = r["bits_per_second"] / 1e9
gb = r["bytes"] / 1e9
cpu = (int(t1) - int(t0)) / int(hz) if t0 else 0
print(f"{name}\t{streams}\t{gbits:.2f}\t{cpu / gb if t0 else 0:.2f}\t{r['bytes']}")
PY
}

# tunnel N NAME CMD: both daemons of implementation N, configured with wg(8);
# inner addresses 10.77.N.1/.2.  All stay up; the rounds below alternate.
tunnel() {
	n=$1 name=$2 cmd=$3 ia=bt${1}a$$ ib=bt${1}b$$
	ip netns exec $A $cmd -f $ia >$TMP/$n.a.log 2>&1 & pa=$!
	ip netns exec $B $cmd -f $ib >$TMP/$n.b.log 2>&1 & pb=$!
	PIDS="$PIDS $pa $pb"
	for _ in $(seq 250); do [ -S /var/run/wireguard/$ia.sock ] && [ -S /var/run/wireguard/$ib.sock ] && break; sleep 0.02; done
	ip netns exec $A wg set $ia private-key $TMP/a listen-port $((51900 + 2 * n)) \
		peer $(wg pubkey <$TMP/b) endpoint 192.168.242.2:$((51901 + 2 * n)) allowed-ips 10.77.$n.2/32
	ip netns exec $B wg set $ib private-key $TMP/b listen-port $((51901 + 2 * n)) \
		peer $(wg pubkey <$TMP/a) allowed-ips 10.77.$n.1/32
	ip -n $A addr add 10.77.$n.1/24 dev $ia && ip -n $A link set $ia up
	ip -n $B addr add 10.77.$n.2/24 dev $ib && ip -n $B link set $ib up
	for _ in $(seq 50); do ip netns exec $A ping -c1 -W1 -q 10.77.$n.2 >/dev/null && break; done
	echo "$n	$name	$pa $pb" >>$TMP/tunnels
}

rtt() {	# ADDR: one ping's round trip in ms
	ip netns exec $A ping -c1 -W2 "$1" | sed -n 's/.*time=\([0-9.]*\).*/\1/p'
}

# handshake N NAME IA IB: one sample of the first ping's extra time when it
# must wait for a handshake: peers removed and re-added on both sides (fresh
# sessions, no cached keys), one ping, then the median of 3 more once the
# session is up.
handshake() {
	ip netns exec $A wg set $3 peer $(wg pubkey <$TMP/b) remove
	ip netns exec $B wg set $4 peer $(wg pubkey <$TMP/a) remove
	ip netns exec $B wg set $4 peer $(wg pubkey <$TMP/a) allowed-ips 10.77.$1.1/32
	ip netns exec $A wg set $3 peer $(wg pubkey <$TMP/b) \
		endpoint 192.168.242.2:$((51901 + 2 * $1)) allowed-ips 10.77.$1.2/32
	first=$(rtt 10.77.$1.2)
	steady=$(for _ in 1 2 3; do rtt 10.77.$1.2; done | sort -n | sed -n 2p)
	echo "$2	${first:-0}	${steady:-0}" >>$TMP/handshakes
}

: >$TMP/tunnels
: >$TMP/rows
tunnel 1 "wireguard-go $(wireguard-go --version | sed -n 's/^wireguard-go //p')" wireguard-go
[ -n "${WIREGUARD_GO_MODERN:-}" ] && tunnel 2 "wireguard-go (modern)" "$WIREGUARD_GO_MODERN"
[ -n "${BORINGTUN:-}" ] && tunnel 3 "boringtun" "$BORINGTUN --disable-drop-privileges"
tunnel 4 "wg-engine" "$WG_ENGINE"
[ -n "${WG_ENGINE_BASE:-}" ] && tunnel 5 "wg-engine (base)" "$(realpath "$WG_ENGINE_BASE")"

# Rounds alternate the implementations, so that load from elsewhere on the
# machine falls on all of them alike; the table keeps each one's best round.
for round in $(seq "${ROUNDS:-2}"); do
	iperf "veth (no tunnel)" 192.168.242.2 1
	while IFS='	' read -r n name pids; do
		iperf "$name" 10.77.$n.2 1 $pids
		iperf "$name" 10.77.$n.2 4 $pids
	done <$TMP/tunnels
done

# Handshakes after the throughput rounds: each sample leaves the tunnel with
# fresh keys, as after a restart.  Interleaved, like the rounds.
: >$TMP/handshakes
for _ in $(seq "${HANDSHAKES:-21}"); do
	while IFS='	' read -r n name pids; do
		handshake "$n" "$name" bt${n}a$$ bt${n}b$$
	done <$TMP/tunnels
done

python3 - $TMP/rows <<'PY'
import sys
best = {}
for l in open(sys.argv[1]):
    r = l.rstrip("\n").split("\t")
    key = (r[0], r[1])
    score = float(r[2]) if r[2] != "failed" else -1
    if key not in best or score > best[key][0]:
        best[key] = (score, r)
rows = [v[1] for v in best.values()]

def ratio(r, base_name, col):
    b = best.get((base_name, r[1]))
    if not b or "failed" in (r[2], b[1][2]) or "-" in (r[col], b[1][col]):
        return "-"
    x, y = float(r[col]), float(b[1][col])
    return f"{x / y:.2f}" if x > 0 and y > 0 else "-"

debian = next((k[0] for k in best if k[0].startswith("wireguard-go v")), "")
modern = "wireguard-go (modern)"
cols = [("Gbit/s", 2, None), ("CPU s/GB", 3, None), ("x Debian", 2, debian),
        ("CPU x Debian", 3, debian)]
if any(k[0] == modern for k in best):
    cols += [("x modern", 2, modern), ("CPU x modern", 3, modern)]
if any(k[0] == "wg-engine (base)" for k in best):
    cols += [("x base", 2, "wg-engine (base)"), ("CPU x base", 3, "wg-engine (base)")]
print(f"{'implementation':28} {'streams':>7} " + " ".join(f"{c[0]:>{max(9, len(c[0]))}}" for c in cols))
for r in rows:
    if r[3] in ("0.00", "-"):
        r[3] = "-"
    cells = []
    for title, col, base in cols:
        v = r[col] if base is None else ratio(r, base, col)
        cells.append(f"{v:>{max(9, len(title))}}")
    print(f"{r[0]:28} {r[1]:>7} " + " ".join(cells))
PY

python3 - $TMP/handshakes <<'PY'
import statistics, sys
added, steady = {}, {}
for l in open(sys.argv[1]):
    name, first, st = l.rstrip("\n").split("\t")
    if float(first) > 0 and float(st) > 0:
        added.setdefault(name, []).append(float(first) - float(st))
        steady.setdefault(name, []).append(float(st))
med = {k: statistics.median(v) for k, v in added.items()}
debian = next((k for k in med if k.startswith("wireguard-go v")), None)
modern = "wireguard-go (modern)" if "wireguard-go (modern)" in med else None
def q(v, p):
    v = sorted(v)
    return v[min(len(v) - 1, int(p * len(v)))]
print()
print("handshake time added to the first ping, ms: first ping - median of the next 3")
print(f"{'implementation':28} {'samples':>7} {'median':>7} {'q25':>7} {'q75':>7} {'steady':>7} {'x Debian':>9} {'x modern':>9}")
for name, v in added.items():
    m = med[name]
    xd = f"{m / med[debian]:.2f}" if debian and med[debian] > 0 else "-"
    xm = f"{m / med[modern]:.2f}" if modern and med[modern] > 0 else "-"
    print(f"{name:28} {len(v):7} {m:7.3f} {q(v, .25):7.3f} {q(v, .75):7.3f} "
          f"{statistics.median(steady[name]):7.3f} {xd:>9} {xm:>9}")
PY
