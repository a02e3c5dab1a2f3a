#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# wg-engine@.service: systemd-analyze verify finds nothing to say (any
# message, even an "unknown key" warning, fails); the sandbox keeps what
# issue #18 asks for; and, as root, the unit's own ExecStart and
# ExecStartPost lines, run with only the capabilities the unit leaves
# (CAP_NET_ADMIN), bring up an interface configured from a wg-quick file.
#   check-unit.sh UNIT WG_ENGINE
set -u
unit=$1 engine=$(readlink -f "$2")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
status=0

for want in 'CapabilityBoundingSet=CAP_NET_ADMIN' 'ProtectSystem=strict' 'ProtectHome=yes' \
	'NoNewPrivileges=yes' 'DeviceAllow=/dev/net/tun rw' 'RuntimeDirectoryPreserve=yes'; do
	grep -qx "$want" "$unit" || { echo "FAIL: $unit lacks $want"; status=1; }
done

if command -v systemd-analyze >/dev/null; then
	# verify resolves ExecStart: point it at the built daemon.
	sed "s|^ExecStart=.*/wg-engine |ExecStart=$engine |" "$unit" >"$tmp/wg-engine@.service"
	systemd-analyze verify --man=no "$tmp/wg-engine@wg0.service" >"$tmp/verify" 2>&1
	if [ $? != 0 ] || [ -s "$tmp/verify" ]; then
		echo "FAIL: systemd-analyze verify:"; cat "$tmp/verify"; status=1
	else
		echo "ok: systemd-analyze verify"
	fi
else
	echo "(systemd-analyze not installed: verify not run)"
fi

if [ "$(id -u)" != 0 ] || [ ! -c /dev/net/tun ] || ! command -v setpriv >/dev/null ||
	! command -v unshare >/dev/null || ! command -v wg-quick >/dev/null; then
	echo "(the unit's commands not run: needs root, /dev/net/tun, setpriv, unshare and wg-quick)"
	exit $status
fi
# The commands as systemd would run them for instance wgunit: %i, $$, %%
# and the quoted \\ unescaped.
name=wgunit
post=$(sed -n 's/^ExecStartPost=//p' "$unit" | sed "s/%i/$name/g; s/\\\$\\\$/\$/g; s/%%/%/g; s/\\\\\\\\/\\\\/g")
post=${post#/bin/sh -c \'}
post=${post%\'}
printf '[Interface]\nPrivateKey = %s\nAddress = 10.77.0.1/24\nListenPort = 51999\nPostUp = false\n[Peer]\nPublicKey = %s\nAllowedIPs = 10.78.0.0/16\n' \
	"$(wg genkey)" "$(wg genkey | wg pubkey)" >"$tmp/$name.conf"
cat >"$tmp/run.sh" <<SCRIPT
set -e
mount -t tmpfs none /etc/wireguard
mount -t tmpfs none /run
cp "$tmp/$name.conf" /etc/wireguard/
caps="setpriv --bounding-set=-all,+net_admin --inh-caps=-all --no-new-privs"
LOG_LEVEL=error \$caps "$engine" $name
\$caps /bin/sh -c '$post'
wg show $name listen-port | grep -qx 51999
wg show $name allowed-ips | grep -q '10.78.0.0/16'
ip link del $name
SCRIPT
mkdir -p /etc/wireguard
if unshare --mount --net sh "$tmp/run.sh" >"$tmp/out" 2>&1; then
	echo "ok: ExecStart and ExecStartPost with only CAP_NET_ADMIN"
else
	echo "FAIL: the unit's commands under its capability bounding set:"; cat "$tmp/out"
	echo "ExecStartPost as run: $post"
	status=1
fi
exit $status
