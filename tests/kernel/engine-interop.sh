#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Inside the kernel VM (vm.sh): wg-engine against the Linux driver (issue #15).
# Namespace k has a kernel WireGuard device, namespace e wg-engine; a veth
# pair joins them.  Handshakes started from either side, pings both ways
# over IPv4 and IPv6, a TCP transfer each way compared by sha256.
# Usage: engine-interop.sh offload|no-offload (wg-engine's TUN TSO/GRO and
# UDP GSO/GRO on or off).
set -u
umask 077	# private keys in files
mode=${1:-offload}
passed=0 failed=0
check() {
	desc=$1; shift
	if "$@"; then passed=$((passed + 1)); echo "ok - $desc"; else failed=$((failed + 1)); echo "FAIL - $desc"; fi
}
inK() { ip netns exec k "$@"; }
inE() { ip netns exec e "$@"; }
wait_for() {	# TENTHS COMMAND...
	n=$1; shift
	while [ "$n" -gt 0 ]; do "$@" 2>/dev/null && return 0; sleep 0.1; n=$((n - 1)); done
	return 1
}
ping_ok() { wait_for 50 ip netns exec "$1" ping -c 1 -W 1 -q "$2" >/dev/null; }
handshake_done() { out=$(ip netns exec "$1" wg show "$2" latest-handshakes) && [ -n "$out" ] && ! echo "$out" | awk '{ print $2 }' | grep -qx 0; }
port=7700
tcp_transfer() {	# FROM TO ADDR
	port=$((port + 1))
	head -c 1000000 /dev/urandom > data
	want=$(sha256sum < data | cut -d' ' -f1)
	rm -f got
	# busybox nc -l ends at EOF on its stdin: give it one that stays open.
	# The digest is written by the pipeline's last stage as soon as nc
	# ends, not when the whole pipeline (and so the sleep) has ended.
	ip netns exec "$2" sh -c "sleep 60 | nc -l -p $port | { sha256sum | cut -d' ' -f1 > got.tmp && mv got.tmp got; }" &
	sleep 0.5
	ip netns exec "$1" nc -w 3 "$3" $port < data
	wait_for 900 test -s got || { echo "no transfer"; return 1; }
	[ "$(cat got)" = "$want" ] || { echo "sha256 $(cat got) != $want"; return 1; }
}

ip netns add k && ip netns add e || exit 1
ip link add vk netns k type veth peer name ve netns e || exit 1
for ns in k e; do ip -n $ns link set lo up; done
ip -n k addr add 192.168.50.1/24 dev vk && ip -n k link set vk up
ip -n e addr add 192.168.50.2/24 dev ve && ip -n e link set ve up
wg genkey > k.key; wg pubkey < k.key > k.pub
wg genkey > e.key; wg pubkey < e.key > e.pub

ip -n k link add wgk type wireguard || exit 1
inK wg set wgk private-key k.key listen-port 51820 peer "$(cat e.pub)" \
	endpoint 192.168.50.2:51821 allowed-ips 10.7.0.2/32,fd07::2/128
ip -n k addr add 10.7.0.1/24 dev wgk
ip -n k addr add fd07::1/64 dev wgk nodad
ip -n k link set wgk up

mkdir -p /var/run/wireguard
if [ $mode = no-offload ]; then env=WG_ENGINE_NO_OFFLOAD=1; else env=WG_ENGINE_NO_OFFLOAD=0; fi
inE env $env LOG_LEVEL=error wg-engine -f wge > engine-$mode.log 2>&1 &
epid=$!
wait_for 100 test -S /var/run/wireguard/wge.sock || { cat engine-$mode.log; exit 1; }
inE wg set wge private-key e.key listen-port 51821 peer "$(cat k.pub)" \
	endpoint 192.168.50.1:51820 allowed-ips 10.7.0.1/32,fd07::1/128
ip -n e addr add 10.7.0.2/24 dev wge
ip -n e addr add fd07::2/64 dev wge nodad
ip -n e link set wge up

if [ $mode = offload ]; then
	check "$mode: wg-engine initiates, the kernel answers (ping over IPv4)" ping_ok e 10.7.0.1
else
	check "$mode: the kernel initiates, wg-engine answers (ping over IPv4)" ping_ok k 10.7.0.2
fi
check "$mode: both sides record the handshake" sh -c "ip netns exec k wg show wgk latest-handshakes | grep -qv '	0$' && ip netns exec e wg show wge latest-handshakes | grep -qv '	0$'"
check "$mode: ping kernel -> engine over IPv4" ping_ok k 10.7.0.2
check "$mode: ping engine -> kernel over IPv6" ping_ok e fd07::1
check "$mode: ping kernel -> engine over IPv6" ping_ok k fd07::2
check "$mode: TCP engine -> kernel, sha256 intact" tcp_transfer e k 10.7.0.1
check "$mode: TCP kernel -> engine, sha256 intact" tcp_transfer k e 10.7.0.2
kill $epid; wait $epid
if grep -q -E 'Sanitizer|runtime error' engine-*.log; then failed=$((failed + 1)); fi
[ $failed -eq 0 ] || cat engine-*.log
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
