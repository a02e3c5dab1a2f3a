#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# UAPI conformance: a wg-engine and a wireguard-go configured identically
# with wg setconf / wg syncconf read back identically, through wg(8) and
# through the C API (wg_get_device over the UAPI client).  Peers are compared
# as a set (canon.py): wireguard-go lists them in random order.
. "$(dirname "$0")/lib.sh"
command -v wireguard-go >/dev/null || skip "wireguard-go not installed (tools/install-deps.sh)"
READ_DEVICE=${READ_DEVICE:?}
setup_underlay
E=wic$$ G=wid$$
start_daemon "$A" engine $E || exit 1
start_daemon "$B" wggo $G || exit 1
for k in dev p1 p2 p3; do keypair $k; done
wg genpsk >"$TMP/psk"

cat >"$TMP/one.conf" <<CONF
[Interface]
PrivateKey = $(cat "$TMP/dev.key")
ListenPort = 51850
FwMark = 0x42

[Peer]
PublicKey = $(cat "$TMP/p1.pub")
PresharedKey = $(cat "$TMP/psk")
Endpoint = 192.168.241.9:51000
AllowedIPs = 10.0.0.0/8, 192.168.5.0/24, fd00:1::/64
PersistentKeepalive = 25

[Peer]
PublicKey = $(cat "$TMP/p2.pub")
Endpoint = [fd00:241::9]:51001
AllowedIPs = 10.1.0.1/32, ::/0

[Peer]
PublicKey = $(cat "$TMP/p3.pub")
CONF
# Then: p2 removed, p3 gets prefixes, p1 loses its key and keepalive.
cat >"$TMP/two.conf" <<CONF
[Interface]
PrivateKey = $(cat "$TMP/dev.key")
ListenPort = 51851

[Peer]
PublicKey = $(cat "$TMP/p1.pub")
Endpoint = 192.168.241.9:51002
AllowedIPs = 10.0.0.0/8

[Peer]
PublicKey = $(cat "$TMP/p3.pub")
AllowedIPs = 172.16.0.0/12, 10.1.0.1/32
CONF

# Counters and handshake times are state, not configuration, and move on
# their own (persistent keepalives start handshakes): left out.
same() {	# WHAT: the output of a command is identical for both devices
	inA $1 $E 2>&1 | sed "s/$E/IFACE/g" | no_state | "$PYTHON" "$HERE/canon.py" >"$TMP/e.out"
	inB $1 $G 2>&1 | sed "s/$G/IFACE/g" | no_state | "$PYTHON" "$HERE/canon.py" >"$TMP/g.out"
	diff -u "$TMP/g.out" "$TMP/e.out" && [ -s "$TMP/e.out" ]
}

no_state() {	# dump: handshake, rx, tx columns of peer lines; read-device: stats lines
	awk -F '\t' 'BEGIN { OFS = "\t" } NF == 8 { $5 = $6 = $7 = "-" } { print }' |
		grep -Ev '^  (rx|handshake) '
}

for step in "setconf one" "syncconf two" "setconf one" "setconf two"; do
	set -- $step
	inA wg $1 $E "$TMP/$2.conf"
	inB wg $1 $G "$TMP/$2.conf"
	check "wg $step: wg showconf identical" same "wg showconf"
	check "wg $step: wg show dump identical" same "wg show dump"
	check "wg $step: wg_get_device() reads both identically" same "$READ_DEVICE"
done
check "wg show interfaces lists the engine" sh -c "wg show interfaces | grep -qw $E"
check "wg_list_device_names() would see the socket" test -S "/var/run/wireguard/$E.sock"
finish
