# SPDX-License-Identifier: LGPL-2.1-or-later
"""Device calls: error paths, and the userspace backend against a UAPI server
written here in Python (an implementation independent of the library's)."""
import errno
import os
import socket
import threading

import pytest

import pywireguard as wg
from pywireguard import Device, Key, Peer, WireGuardError

MISSING = "wgpymiss%d" % (os.getpid() % 100000)


def expect_enodev(call):
    with pytest.raises(WireGuardError) as e:
        call()
    if e.value.errno == errno.EOPNOTSUPP:
        pytest.skip("backend not built yet: " + e.value.strerror)
    assert e.value.errno == errno.ENODEV, e.value
    assert isinstance(e.value, wg.NoSuchDeviceError)
    assert isinstance(e.value, FileNotFoundError) and isinstance(e.value, OSError)
    assert e.value.strerror


def test_get_missing_device_is_enodev():
    expect_enodev(lambda: wg.get_device(MISSING))


def test_set_missing_device_is_enodev():
    expect_enodev(lambda: wg.set_device(Device(name=MISSING, listen_port=1)))


def test_delete_missing_device_is_enodev():
    if os.geteuid() != 0:
        pytest.skip("needs root (without it the kernel says EPERM first)")
    expect_enodev(lambda: wg.delete_device(MISSING))


def test_set_without_name_is_einval():
    with pytest.raises(WireGuardError) as e:
        wg.set_device(Device(listen_port=1))
    assert e.value.errno == errno.EINVAL


def test_list_devices():
    names = wg.list_devices()
    assert isinstance(names, list) and all(isinstance(n, str) and n for n in names)
    assert MISSING not in names


def test_check_maps_errno():
    assert wg.check(0) == 0 and wg.check(7) == 7
    for err, cls in [(errno.ENODEV, wg.NoSuchDeviceError), (errno.EPERM, PermissionError),
                     (errno.EINVAL, WireGuardError)]:
        with pytest.raises(cls) as e:
            wg.check(-err)
        assert e.value.errno == err


# --- a userspace device served by a minimal UAPI server ---------------------

class FakeUAPI:
    """Serves get=1 with a fixed reply and records set=1 requests."""

    def __init__(self, name, reply):
        self.path = "/var/run/wireguard/%s.sock" % name
        self.reply = reply
        self.sets = []
        os.makedirs("/var/run/wireguard", mode=0o700, exist_ok=True)
        if os.path.exists(self.path):
            os.unlink(self.path)
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.bind(self.path)
        self.sock.listen(8)
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            # The client probes liveness with a bare connect: survive that.
            try:
                with conn:
                    self.handle(conn)
            except OSError:
                pass

    def handle(self, conn):
        f = conn.makefile("rw", newline="\n")
        lines = []
        while True:
            line = f.readline()
            if line in ("", "\n"):
                break
            lines.append(line.rstrip("\n"))
        if not lines:
            return
        if lines[0] == "get=1":
            f.write(self.reply + "errno=0\n\n")
        elif lines[0] == "set=1":
            self.sets.append(lines[1:])
            f.write("errno=0\n\n")
        else:
            f.write("errno=22\n\n")
        f.flush()

    def close(self):
        self.sock.close()
        try:
            os.unlink(self.path)
        except FileNotFoundError:
            pass


@pytest.fixture
def fake_uapi():
    if os.geteuid() != 0:
        pytest.skip("needs root to create /var/run/wireguard/*.sock")
    servers = []

    def make(name, reply=""):
        s = FakeUAPI(name, reply)
        servers.append(s)
        return s
    yield make
    for s in servers:
        s.close()


def skip_unless_uapi(e):
    if e.errno == errno.EOPNOTSUPP:
        pytest.skip("UAPI backend not built yet: " + e.strerror)


def test_userspace_get_through_uapi(fake_uapi):
    name = "wgpyu%d" % (os.getpid() % 100000)
    priv, psk, peer = Key.generate(), Key.generate_preshared(), Key.generate().public_key()
    reply = ("private_key=%s\nlisten_port=51820\nfwmark=7\npublic_key=%s\npreshared_key=%s\n"
             "endpoint=[2001:db8::5]:1234\nlast_handshake_time_sec=1700000000\n"
             "last_handshake_time_nsec=5000\ntx_bytes=10\nrx_bytes=20\n"
             "persistent_keepalive_interval=25\nallowed_ip=10.1.0.0/16\nallowed_ip=fd00::1/128\n"
             "protocol_version=1\n" % (priv.to_hex(), peer.to_hex(), psk.to_hex()))
    fake_uapi(name, reply)
    try:
        dev = wg.get_device(name)
    except WireGuardError as e:
        skip_unless_uapi(e)
        raise
    assert dev.name == name
    assert dev.private_key == priv and dev.public_key == priv.public_key()
    assert dev.listen_port == 51820 and dev.fwmark == 7
    (p,) = dev.peers
    assert p.public_key == peer and p.preshared_key == psk
    assert str(p.endpoint) == "[2001:db8::5]:1234"
    assert p.last_handshake_time.timestamp() == 1700000000.000005
    assert (p.tx_bytes, p.rx_bytes, p.persistent_keepalive_interval) == (10, 20, 25)
    assert [str(a.network) for a in p.allowed_ips] == ["10.1.0.0/16", "fd00::1/128"]
    assert name in wg.list_devices()


def test_userspace_set_through_uapi(fake_uapi):
    name = "wgpyv%d" % (os.getpid() % 100000)
    server = fake_uapi(name)
    priv, peer = Key.generate(), Key.generate().public_key()
    cfg = Device(name=name, private_key=priv, listen_port=4242, replace_peers=True,
                 peers=[Peer(peer, endpoint="192.0.2.9:7", allowed_ips=["10.2.0.0/24"],
                             replace_allowed_ips=True, persistent_keepalive_interval=5)])
    try:
        wg.set_device(cfg)
    except WireGuardError as e:
        skip_unless_uapi(e)
        raise
    (lines,) = server.sets
    for want in ["private_key=" + priv.to_hex(), "listen_port=4242", "replace_peers=true",
                 "public_key=" + peer.to_hex(), "endpoint=192.0.2.9:7",
                 "replace_allowed_ips=true", "allowed_ip=10.2.0.0/24",
                 "persistent_keepalive_interval=5"]:
        assert want in lines, (want, lines)
    assert lines.index("public_key=" + peer.to_hex()) < lines.index("allowed_ip=10.2.0.0/24")


def test_hung_daemon_raises_timeout_error():
    """A daemon that accepts but never answers: TimeoutError (ETIMEDOUT) after
    this thread's set_uapi_timeout, not the default 10 s (issue #15)."""
    import time
    if os.geteuid() != 0:
        pytest.skip("needs root to create /var/run/wireguard/*.sock")
    name = "wgpyhung%d" % (os.getpid() % 100000)
    path = "/var/run/wireguard/%s.sock" % name
    os.makedirs("/var/run/wireguard", exist_ok=True)
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.bind(path)
    s.listen(8)		# never accepted: connects succeed, nothing answers
    with pytest.raises(ValueError):
        wg.set_uapi_timeout(-1)
    prev = wg.set_uapi_timeout(0.2)
    try:
        assert wg.set_uapi_timeout(0.2) == 0.2
        t0 = time.monotonic()
        with pytest.raises(TimeoutError) as e:
            wg.get_device(name)
        assert e.value.errno == errno.ETIMEDOUT
        assert isinstance(e.value, wg.WireGuardTimeoutError)
        assert 0.15 < time.monotonic() - t0 < 3
        # Another thread keeps its own (default) setting.
        seen = []
        th = threading.Thread(target=lambda: seen.append(wg.set_uapi_timeout(None)))
        th.start()
        th.join()
        assert seen == [None]
    finally:
        wg.set_uapi_timeout(prev)
        s.close()
        os.unlink(path)
