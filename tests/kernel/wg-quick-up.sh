#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Inside the VM: examples/wg-quick-up brings a device up from a wg-quick file
# with the library alone; ip(8) and wg(8) check the result.
set -eu
mkdir -p /tmp/wq
cat > /tmp/wq/wgq0.conf <<'CONF'
[Interface]
PrivateKey = yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk=
ListenPort = 51820
Address = 10.192.122.1/24, fd00:122::1/64
MTU = 1380
Table = 4242

[Peer]
PublicKey = xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg=
AllowedIPs = 10.192.124.0/24, fd00:124::/48, 0.0.0.0/0
Endpoint = 192.0.2.5:51820
CONF
fail=0
check() {	# DESCRIPTION COMMAND... (the command's success is the check)
	what=$1; shift
	if "$@" >/dev/null 2>&1; then echo "ok: $what"; else echo "FAILED: $what"; fail=1; fi
}
wg-quick-up /tmp/wq/wgq0.conf
check "the link is up" sh -c 'ip -o link show wgq0 | grep -q ",UP"'
check "MTU 1380" sh -c '[ "$(cat /sys/class/net/wgq0/mtu)" = 1380 ]'
check "IPv4 address" sh -c 'ip -o addr show dev wgq0 | grep -q "10.192.122.1/24"'
check "IPv6 address" sh -c 'ip -o addr show dev wgq0 | grep -q "fd00:122::1/64"'
check "IPv4 route in table 4242" sh -c 'ip route show table 4242 | grep -q "10.192.124.0/24 dev wgq0"'
check "IPv6 route in table 4242" sh -c 'ip -6 route show table 4242 | grep -q "fd00:124::/48 dev wgq0"'
check "no default route" sh -c '! ip route show table 4242 | grep -q default'
check "wg(8) reads the peer" sh -c 'wg showconf wgq0 | grep -q "AllowedIPs = 10.192.124.0/24, fd00:124::/48, 0.0.0.0/0"'
check "wg(8) reads the key" sh -c 'wg show wgq0 public-key | grep -q "HIgo9xNzJMWLKASShiTqIybxZ0U3wGLiUeJ1PKf8ykw="'
check "a second up fails cleanly" sh -c '! wg-quick-up /tmp/wq/wgq0.conf'
check "the first device is intact" sh -c 'wg show wgq0 listen-port | grep -q 51820'
if [ $fail -eq 0 ]; then echo "11 passed, 0 failed"; else echo "some checks failed"; fi
exit $fail
