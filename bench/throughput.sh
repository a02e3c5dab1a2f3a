#!/bin/sh
# Tunnel throughput: iperf3 TCP, 1 and 4 streams, through wg-engine<->wg-engine
# and wireguard-go<->wireguard-go between two network namespaces over one
# veth pair, in the same run; plus CPU seconds per GB moved, summed over both
# daemons (utime + stime from /proc/PID/stat).  Needs root.
#
#   bench/throughput.sh [WG_ENGINE [SECONDS]]     (default build/tools/wg-engine, 5)
#
# Other implementations join the table when on PATH or named by env:
# WIREGUARD_GO_MODERN=/path/to/wireguard-go (a recent build), BORINGTUN=boringtun-cli.
set -u
cd "$(dirname "$0")/.."
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
	rm -f /var/run/wireguard/bt?$$.sock
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

# tunnel NAME CMD: both daemons, configured with wg(8), then the two runs
tunnel() {
	name=$1 cmd=$2 ia=bta$$ ib=btb$$
	ip netns exec $A $cmd -f $ia >$TMP/$name.a.log 2>&1 & pa=$!
	ip netns exec $B $cmd -f $ib >$TMP/$name.b.log 2>&1 & pb=$!
	PIDS="$PIDS $pa $pb"
	for _ in $(seq 250); do [ -S /var/run/wireguard/$ia.sock ] && [ -S /var/run/wireguard/$ib.sock ] && break; sleep 0.02; done
	ip netns exec $A wg set $ia private-key $TMP/a listen-port 51900 \
		peer $(wg pubkey <$TMP/b) endpoint 192.168.242.2:51901 allowed-ips 10.77.0.2/32
	ip netns exec $B wg set $ib private-key $TMP/b listen-port 51901 \
		peer $(wg pubkey <$TMP/a) allowed-ips 10.77.0.1/32
	ip -n $A addr add 10.77.0.1/24 dev $ia && ip -n $A link set $ia up
	ip -n $B addr add 10.77.0.2/24 dev $ib && ip -n $B link set $ib up
	for _ in $(seq 50); do ip netns exec $A ping -c1 -W1 -q 10.77.0.2 >/dev/null && break; done
	iperf "$name" 10.77.0.2 1 $pa $pb
	iperf "$name" 10.77.0.2 4 $pa $pb
	kill $pa $pb; wait $pa $pb 2>/dev/null
}

iperf "veth (no tunnel)" 192.168.242.2 1
tunnel "wireguard-go $(wireguard-go --version | sed -n 's/^wireguard-go //p')" wireguard-go
[ -n "${WIREGUARD_GO_MODERN:-}" ] && tunnel "wireguard-go (modern)" "$WIREGUARD_GO_MODERN"
[ -n "${BORINGTUN:-}" ] && tunnel "boringtun" "$BORINGTUN --disable-drop-privileges"
tunnel "wg-engine" "$WG_ENGINE"

python3 - $TMP/rows <<'PY'
import sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1])]
base = {r[1]: r for r in rows if r[0].startswith("wireguard-go v")}
print(f"{'implementation':28} {'streams':>7} {'Gbit/s':>8} {'CPU s/GB':>9} {'x wg-go':>8} {'CPU/GB vs wg-go':>16}")
for r in rows:
    name, streams, gbits, cpu = r[:4]
    b = base.get(streams)
    ratio = cpu_ratio = "-"
    if b and gbits != "failed" and b[2] != "failed":
        ratio = f"{float(gbits) / float(b[2]):.2f}"
        if b[3] != "-" and cpu != "-" and float(b[3]) > 0 and float(cpu) > 0:
            cpu_ratio = f"{float(cpu) / float(b[3]):.2f}"
    if cpu in ("-", "0.00"):
        cpu = "-"
    print(f"{name:28} {streams:>7} {gbits:>8} {cpu:>9} {ratio:>8} {cpu_ratio:>16}")
PY
