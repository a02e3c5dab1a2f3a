# SPDX-License-Identifier: LGPL-2.1-or-later
"""pywireguard.Tunnel (the managed engine), each test in a network namespace
of its own (the child Python process runs inside it)."""
import os
import shutil
import subprocess
import sys

import pytest

import pywireguard as wg

COMMON = r'''
import os, subprocess, sys
import pywireguard as wg
from pywireguard import Device, Key, Peer
priv, peer = Key.generate(), Key.generate().public_key()
'''

LIFECYCLE = COMMON + r'''
seen = []
with wg.Tunnel("wgpyt%d", threads=1, on_event=seen.append) as t:
    name = t.name
    assert name.startswith("wgpyt"), name
    assert os.path.exists("/sys/class/net/" + name)
    t.configure(Device(private_key=priv, listen_port=51888,
                       peers=[Peer(peer, endpoint="127.0.0.1:9", allowed_ips=["10.7.0.0/24"])]))
    d = t.get_device()
    assert d.name == name and d.private_key == priv and d.listen_port == 51888, d
    assert [p.public_key for p in d.peers] == [peer]
    assert str(d.peers[0].endpoint) == "127.0.0.1:9"
    t.configure(Device(peers=[Peer(peer, remove=True)]))
    assert t.get_device().peers == []
    assert t.fileno() >= 0 and list(t.events()) == []
    # Deleting the interface stops the tunnel by itself.
    assert not t.wait_stopped(0)
    subprocess.run(["ip", "link", "del", name], check=True)
    assert t.wait_stopped(10)
with wg.Tunnel("wgpyc%d") as t:
    name = t.name
assert not os.path.exists("/sys/class/net/" + name), "close() removes the interface"
print("child ok")
'''

UAPI = COMMON + r'''
with wg.Tunnel("wgpyu%d", uapi=True, threads=1) as t:
    name = t.name
    t.configure(Device(private_key=priv, peers=[Peer(peer, allowed_ips=["10.7.0.0/24"])]))
    r = subprocess.run(["wg", "showconf", name], capture_output=True, text=True)
    if r.returncode != 0:
        print("wg showconf over the tunnel's UAPI socket failed: " + r.stderr.strip())
        sys.exit(77)
    # wg(8) reads it through the socket; pywireguard parses wg(8)'s text.
    u = wg.parse_config(r.stdout)
    assert u.private_key == priv and [p.public_key for p in u.peers] == [peer]
    # And the library's own UAPI client, by name, when it is built.
    try:
        g = wg.get_device(name)
    except wg.WireGuardError as e:
        assert e.errno == 95, e
        print("library UAPI client not built: " + e.strerror)
        sys.exit(77)
    assert g.private_key == priv and [p.public_key for p in g.peers] == [peer]
    wg.set_device(Device(name=name, peers=[Peer(peer, remove=True)]))
    assert t.get_device().peers == []
    assert name in wg.list_devices()
assert not os.path.exists("/var/run/wireguard/%s.sock" % name)
print("child ok")
'''

SOCKETS = COMMON + r'''
import errno, socket
seen = []
refuse = []

def on_socket(fd, family):
    s = socket.socket(fileno=os.dup(fd))      # a real, still unbound UDP socket
    assert s.type == socket.SOCK_DGRAM and s.family == family, (s, family)
    assert s.getsockname()[1] == 0, s.getsockname()
    s.close()
    if refuse:
        raise refuse[0]
    seen.append((fd, family))

def ports(fds):
    return {socket.socket(fileno=os.dup(fd)).getsockname()[1] for fd, _ in fds}

with wg.Tunnel("wgpys%d", threads=1, on_socket=on_socket) as t:
    port = t.get_device().listen_port
    assert len(seen) in (1, 2) and socket.AF_INET in [f for _, f in seen], seen
    assert ports(seen) == {port}, (ports(seen), port)
    n = len(seen)
    seen.clear()
    t.rebind()
    assert len(seen) == n and ports(seen) == {port} and t.get_device().listen_port == port
    seen.clear()
    t.configure(Device(listen_port=51877))
    assert len(seen) == n and ports(seen) == {51877}
    refuse.append(OSError(errno.EACCES, "protect() failed"))
    try:
        t.rebind()
        raise AssertionError("rebind should fail")
    except wg.WireGuardError as e:
        assert e.errno == errno.EACCES, e
    try:
        t.configure(Device(listen_port=51878))
        raise AssertionError("configure should fail")
    except wg.WireGuardError as e:
        assert e.errno == errno.EACCES, e
    assert t.get_device().listen_port == 51877
    refuse[0] = KeyError("bug in the hook")
    try:
        t.rebind()
        raise AssertionError("rebind should fail")
    except KeyError:
        pass              # the hook's own exception, re-raised by the call
    assert t.get_device().listen_port == 51877
    refuse.clear()
    t.rebind()
refuse.append(OSError(errno.EPERM, "no"))
try:
    wg.Tunnel("wgpys%d", on_socket=on_socket)
    raise AssertionError("Tunnel() should fail")
except wg.WireGuardError as e:
    assert e.errno == errno.EPERM, e
print("child ok")
'''


def run_in_namespace(script):
    if not wg.tunnel_available():
        pytest.skip("managed engine (wg_tunnel_new) not in this libwireguard yet")
    if os.geteuid() != 0:
        pytest.skip("needs root (network namespace, TUN)")
    if not os.path.exists("/dev/net/tun") or not shutil.which("ip"):
        pytest.skip("no /dev/net/tun or no ip(8)")
    ns = "pywgt%d" % os.getpid()
    subprocess.run(["ip", "netns", "add", ns], check=True)
    try:
        r = subprocess.run(["ip", "netns", "exec", ns, sys.executable, "-c", script],
                           capture_output=True, text=True, timeout=60)
    finally:
        subprocess.run(["ip", "netns", "del", ns])
    if r.returncode == 77:
        pytest.skip(r.stdout.strip().splitlines()[-1])
    assert r.returncode == 0 and "child ok" in r.stdout, r.stdout + r.stderr


def test_tunnel_lifecycle():
    run_in_namespace(LIFECYCLE)


def test_tunnel_uapi():
    if not shutil.which("wg"):
        pytest.skip("wg (wireguard-tools) not installed")
    run_in_namespace(UAPI)


def test_tunnel_socket_hook_and_rebind():
    """on_socket sees each UDP socket before bind, at rebind() and at a port
    change; an OSError fails the call with its errno and changes nothing."""
    run_in_namespace(SOCKETS)


def test_tunnel_errors():
    if wg.tunnel_available():
        with pytest.raises(wg.WireGuardError) as e:
            wg.Tunnel("x" * 40)  # longer than IFNAMSIZ
        assert e.value.errno in (22, 1)  # EINVAL, or EPERM when not root
    else:
        with pytest.raises(wg.WireGuardError) as e:
            wg.Tunnel()
        assert e.value.errno == 95


PEER_CHILD = r'''
import json, sys
import pywireguard as wg
from pywireguard import Device, Key, Peer

cfg = json.loads(sys.stdin.readline())
events = []
with wg.Tunnel(cfg["ifname"], threads=1, on_event=events.append,
               config=Device(private_key=Key.from_base64(cfg["priv"]),
                             listen_port=cfg["port"],
                             peers=[Peer(cfg["peer"], endpoint=cfg["endpoint"],
                                         allowed_ips=[cfg["allowed"]])])) as t:
    print("ready", t.name, flush=True)
    sys.stdin.readline()  # the parent says when to stop
    dev = t.get_device()
    p = dev.peers[0]
    print("stats", p.rx_bytes, p.tx_bytes, p.last_handshake_time is not None, flush=True)
    print("events", ",".join(e.type.name for e in t.events()), flush=True)
'''


def test_two_tunnels_ping_over_veth():
    """Two Tunnels in two namespaces joined by a veth; ping through them."""
    if not shutil.which("ping"):
        pytest.skip("ping not installed")
    if not wg.tunnel_available():
        pytest.skip("managed engine (wg_tunnel_new) not in this libwireguard yet")
    if os.geteuid() != 0 or not os.path.exists("/dev/net/tun") or not shutil.which("ip"):
        pytest.skip("needs root, /dev/net/tun and ip(8)")
    import json
    pid = os.getpid()
    nsa, nsb = "pywga%d" % pid, "pywgb%d" % pid
    ka, kb = wg.Key.generate(), wg.Key.generate()
    procs = []

    def ip(*args):
        subprocess.run(["ip", *args], check=True)
    try:
        ip("netns", "add", nsa)
        ip("netns", "add", nsb)
        ip("-n", nsa, "link", "add", "veth0", "type", "veth", "peer", "name", "veth1",
           "netns", nsb)
        ip("-n", nsa, "addr", "add", "10.199.1.1/24", "dev", "veth0")
        ip("-n", nsb, "addr", "add", "10.199.1.2/24", "dev", "veth1")
        for ns, dev in ((nsa, "veth0"), (nsb, "veth1")):
            ip("-n", ns, "link", "set", dev, "up")
            ip("-n", ns, "link", "set", "lo", "up")
        sides = [(nsa, "wgpya", ka, kb, "10.199.1.2:51002", "10.199.2.2/32", 51001, "10.199.2.1"),
                 (nsb, "wgpyb", kb, ka, "10.199.1.1:51001", "10.199.2.1/32", 51002, "10.199.2.2")]
        for ns, ifname, priv, peer, endpoint, allowed, port, addr in sides:
            p = subprocess.Popen(["ip", "netns", "exec", ns, sys.executable, "-c", PEER_CHILD],
                                 stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True)
            procs.append(p)
            p.stdin.write(json.dumps({"ifname": ifname, "priv": priv.to_base64(),
                                      "peer": peer.public_key().to_base64(),
                                      "endpoint": endpoint, "allowed": allowed,
                                      "port": port}) + "\n")
            p.stdin.flush()
            line = p.stdout.readline()
            assert line.startswith("ready"), line + p.stderr.read()
            name = line.split()[1]
            ip("-n", ns, "addr", "add", addr + "/24", "dev", name)
            ip("-n", ns, "link", "set", name, "up")
        r = subprocess.run(["ip", "netns", "exec", nsa, "ping", "-c", "3", "-i", "0.2", "-W", "5",
                            "10.199.2.2"], capture_output=True, text=True, timeout=60)
        assert r.returncode == 0, r.stdout + r.stderr
        assert " 0% packet loss" in r.stdout, r.stdout
        outs = []
        for p in procs:
            out, err = p.communicate("stop\n", timeout=30)
            assert p.returncode == 0, out + err
            outs.append(out)
        for out in outs:
            stats = next(l for l in out.splitlines() if l.startswith("stats")).split()
            assert int(stats[1]) > 0 and int(stats[2]) > 0 and stats[3] == "True", out
        assert any("HANDSHAKE_COMPLETE" in out for out in outs), outs
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()
        subprocess.run(["ip", "netns", "del", nsa], stderr=subprocess.DEVNULL)
        subprocess.run(["ip", "netns", "del", nsb], stderr=subprocess.DEVNULL)
