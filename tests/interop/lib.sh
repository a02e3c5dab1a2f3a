# SPDX-License-Identifier: LGPL-2.1-or-later
# Shared by the interop tests (sourced).  Two network namespaces joined by a
# veth pair; every name carries the test's pid so that tests run in parallel;
# everything is removed on exit, even on failure.  Traffic stays inside.
set -u
umask 077	# private keys in files
WG_ENGINE=${WG_ENGINE:?set WG_ENGINE to the wg-engine binary}
PYTHON=${PYTHON:-python3}
HERE=$(cd "$(dirname "$0")" && pwd)

skip() { echo "SKIP: $*"; exit 77; }
[ "$(id -u)" = 0 ] || skip "needs root (network namespaces, TUN)"
[ -c /dev/net/tun ] || skip "no /dev/net/tun"
for tool in ip wg; do
	command -v $tool >/dev/null || skip "$tool not installed (tools/install-deps.sh)"
done
ip netns add "wgprobe$$" 2>/dev/null || skip "cannot create network namespaces"
ip netns del "wgprobe$$"

passed=0 failed=0
ok() { passed=$((passed + 1)); echo "ok - $*"; }
fail() { failed=$((failed + 1)); echo "FAIL - $*"; }
# check DESCRIPTION COMMAND...: run it, count the result.
check() {
	desc=$1; shift
	if "$@"; then ok "$desc"; else fail "$desc"; fi
}
finish() {
	echo "$passed passed, $failed failed"
	[ "$failed" -eq 0 ]
}

A=wia$$ B=wib$$			# namespaces
TMP=$(mktemp -d)
PIDS=""
IFACES=""			# names whose UAPI sockets we may leave behind
cleanup() {
	status=$?
	for pid in $PIDS; do kill "$pid" 2>/dev/null; done
	for pid in $PIDS; do
		for _ in $(seq 100); do exited "$pid" && break; sleep 0.02; done
		kill -9 "$pid" 2>/dev/null
	done
	# Sanitizer builds: the daemons' reports count as failures.
	if grep -l -E 'Sanitizer|runtime error' "$TMP"/*.log 2>/dev/null; then
		cat "$TMP"/*.log
		status=1
	fi
	ip netns pids "$A" 2>/dev/null | xargs -r kill -9 2>/dev/null
	ip netns pids "$B" 2>/dev/null | xargs -r kill -9 2>/dev/null
	ip netns del "$A" 2>/dev/null
	ip netns del "$B" 2>/dev/null
	for i in $IFACES; do rm -f "/var/run/wireguard/$i.sock"; done
	rm -rf "$TMP"
	exit $status
}
trap cleanup EXIT
trap 'exit 1' INT TERM

inA() { ip netns exec "$A" "$@"; }
inB() { ip netns exec "$B" "$@"; }

# Underlay: 192.168.241.1/.2 and fd00:241::1/::2 on the veth pair.
setup_underlay() {
	ip netns add "$A" && ip netns add "$B" || exit 1
	ip link add "va$$" netns "$A" type veth peer name "vb$$" netns "$B" || exit 1
	ip -n "$A" link set lo up
	ip -n "$B" link set lo up
	ip -n "$A" addr add 192.168.241.1/24 dev "va$$"
	ip -n "$B" addr add 192.168.241.2/24 dev "vb$$"
	ip -n "$A" addr add fd00:241::1/64 dev "va$$" nodad
	ip -n "$B" addr add fd00:241::2/64 dev "vb$$" nodad
	ip -n "$A" link set "va$$" up
	ip -n "$B" link set "vb$$" up
}

# wait_for SECONDS COMMAND...: poll until it succeeds, for that long at most.
wait_for() {
	deadline=$(($(date +%s) + $1)); shift
	while :; do
		"$@" 2>/dev/null && return 0
		[ "$(date +%s)" -lt "$deadline" ] || return 1
		sleep 0.02
	done
}

# start_daemon NS IMPL IFACE [VAR=VALUE]: run wg-engine or wireguard-go in
# the foreground (so we know its pid) and wait for its UAPI socket.
start_daemon() {
	ns=$1 impl=$2 iface=$3
	case $impl in
	engine) cmd=$WG_ENGINE ;;
	wggo) cmd=wireguard-go ;;
	esac
	IFACES="$IFACES $iface"
	LOG_LEVEL=${LOG_LEVEL:-error} ip netns exec "$ns" env ${4:-} "$cmd" -f "$iface" >"$TMP/$iface.log" 2>&1 &
	PIDS="$PIDS $!"
	eval "PID_$iface=$!"
	wait_for 10 test -S "/var/run/wireguard/$iface.sock" || { echo "$impl did not start:"; cat "$TMP/$iface.log"; return 1; }
	# A library built without the UAPI text protocol cannot be configured.
	if ip netns exec "$ns" wg show "$iface" 2>&1 | grep -q "Operation not supported"; then
		skip "this build's UAPI server has no text protocol (uapi_text.c)"
	fi
}

# addresses NS IFACE N: inner addresses 10.200.0.N/24 and fd00:200::N/64, up.
tunnel_addresses() {
	ip -n "$1" addr add "10.200.0.$3/24" dev "$2"
	ip -n "$1" addr add "fd00:200::$3/64" dev "$2" nodad
	ip -n "$1" link set "$2" up
}

keypair() {
	wg genkey >"$TMP/$1.key"
	wg pubkey <"$TMP/$1.key" >"$TMP/$1.pub"
}

# ping_ok NS ADDRESS: succeeds once a ping gets through (5 s at most).
ping_ok() {
	wait_for 5 ip netns exec "$1" ping -c 1 -W 1 -q "$2" >/dev/null
}

# tcp_transfer FROM_NS TO_NS TO_ADDR: send random bytes over TCP, compare sha256.
tcp_transfer() {
	port=$((20000 + ($$ % 10000)))
	head -c "${XFER_BYTES:-8000000}" /dev/urandom >"$TMP/xfer"
	want=$(sha256sum <"$TMP/xfer" | cut -d' ' -f1)
	ip netns exec "$2" "$PYTHON" "$HERE/tcpxfer.py" recv "$3" "$port" >"$TMP/xfer.sum" &
	rpid=$!
	ip netns exec "$1" "$PYTHON" "$HERE/tcpxfer.py" send "$3" "$port" "$TMP/xfer" || { kill $rpid; return 1; }
	wait $rpid || return 1
	got=$(cat "$TMP/xfer.sum")
	[ "$got" = "$want" ] || { echo "sha256 $got != $want"; return 1; }
}

handshake_done() {	# NS IFACE: every peer has a handshake time
	out=$(ip netns exec "$1" wg show "$2" latest-handshakes) || return 1
	[ -n "$out" ] && ! echo "$out" | awk '{ print $2 }' | grep -qx 0
}

endpoint_has() {	# NS IFACE TEXT: a peer's endpoint contains TEXT
	ip netns exec "$1" wg show "$2" endpoints | grep -qF "$3"
}

exited() {	# PID: gone, or a zombie waiting for us
	[ ! -e "/proc/$1" ] || grep -q '^[0-9]* (.*) Z' "/proc/$1/stat"
}
