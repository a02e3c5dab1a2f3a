# SPDX-License-Identifier: LGPL-2.1-or-later
"""pywireguard.Tunnel (the managed engine) in a network namespace of its own."""
import os
import shutil
import subprocess
import sys

import pytest

import pywireguard as wg

CHILD = r'''
import os, subprocess
import pywireguard as wg
from pywireguard import Device, Key, Peer

priv, peer = Key.generate(), Key.generate().public_key()
with wg.Tunnel("wgpyt%d", uapi=True, threads=1) as t:
    name = t.name
    assert name.startswith("wgpyt"), name
    t.configure(Device(private_key=priv, listen_port=51888,
                       peers=[Peer(peer, endpoint="127.0.0.1:9", allowed_ips=["10.7.0.0/24"])]))
    d = t.get_device()
    assert d.private_key == priv and d.listen_port == 51888, d
    assert d.peers[0].public_key == peer
    # The same device by name, through its UAPI socket.
    u = wg.get_device(name)
    assert u.private_key == priv and [p.public_key for p in u.peers] == [peer]
    wg.set_device(Device(name=name, peers=[Peer(peer, remove=True)]))
    assert t.get_device().peers == []
    assert name in wg.list_devices()
    assert t.fileno() >= 0 and list(t.events()) == []
    # Deleting the interface stops the tunnel by itself.
    assert not t.wait_stopped(0)
    subprocess.run(["ip", "link", "del", name], check=True)
    assert t.wait_stopped(10)
assert not os.path.exists("/var/run/wireguard/%s.sock" % name)
print("child ok")
'''


def test_tunnel_in_a_namespace():
    if not wg.tunnel_available():
        pytest.skip("managed engine (wg_tunnel_new) not in this libwireguard yet")
    if os.geteuid() != 0:
        pytest.skip("needs root (network namespace, TUN)")
    if not os.path.exists("/dev/net/tun") or not shutil.which("ip"):
        pytest.skip("no /dev/net/tun or no ip(8)")
    ns = "pywgt%d" % os.getpid()
    subprocess.run(["ip", "netns", "add", ns], check=True)
    try:
        r = subprocess.run(["ip", "netns", "exec", ns, sys.executable, "-c", CHILD],
                           capture_output=True, text=True, timeout=60)
        assert r.returncode == 0 and "child ok" in r.stdout, r.stdout + r.stderr
    finally:
        subprocess.run(["ip", "netns", "del", ns])


def test_tunnel_without_managed_engine_is_clear():
    if wg.tunnel_available():
        with pytest.raises(wg.WireGuardError):
            wg.Tunnel("x" * 40)  # too long a name: EINVAL
    else:
        with pytest.raises(wg.WireGuardError) as e:
            wg.Tunnel()
        assert e.value.errno == 95
