# SPDX-License-Identifier: LGPL-2.1-or-later
"""The configuration model: Python -> C wg_device tree -> Python."""
import datetime as dt
import errno
import ipaddress
import socket

import pytest

import pywireguard as wg
from pywireguard import AllowedIP, Device, Endpoint, Key, Peer, WireGuardError, ffi, lib


def sample():
    priv = Key.generate()
    return Device(
        name="wgtest0", private_key=priv, public_key=priv.public_key(), listen_port=51820,
        fwmark=0x42, replace_peers=True,
        peers=[
            Peer(Key.generate().public_key(), preshared_key=Key.generate_preshared(),
                 endpoint="192.0.2.1:51821", persistent_keepalive_interval=25,
                 allowed_ips=["10.0.0.0/24", "fd00::/64", AllowedIP("10.9.0.0/16", remove=True)],
                 replace_allowed_ips=True, protocol_version=1,
                 last_handshake_time=dt.datetime(2024, 5, 6, 7, 8, 9, 123456,
                                                 tzinfo=dt.timezone.utc),
                 rx_bytes=1 << 40, tx_bytes=12345),
            Peer(Key.generate().public_key(), endpoint="[2001:db8::1]:443", update_only=True),
            Peer(Key.generate().public_key(), remove=True),
        ])


def test_round_trip_python_c_python():
    d = sample()
    back = Device.from_c(d.to_c())
    assert back == d


def test_c_tree_fields_are_what_the_header_says():
    d = sample()
    c = d.to_c()
    assert ffi.string(c.name) == b"wgtest0"
    assert c.flags == (lib.WGDEVICE_REPLACE_PEERS | lib.WGDEVICE_HAS_PRIVATE_KEY |
                       lib.WGDEVICE_HAS_PUBLIC_KEY | lib.WGDEVICE_HAS_LISTEN_PORT |
                       lib.WGDEVICE_HAS_FWMARK)
    assert c.listen_port == 51820 and c.fwmark == 0x42
    assert bytes(ffi.buffer(c.private_key)) == bytes(d.private_key)
    p = c.first_peer
    assert p.flags & lib.WGPEER_HAS_PRESHARED_KEY and p.flags & lib.WGPEER_REPLACE_ALLOWEDIPS
    assert p.flags & lib.WGPEER_HAS_PERSISTENT_KEEPALIVE_INTERVAL
    assert p.endpoint.addr4.sin_family == socket.AF_INET
    # Network byte order in the sockaddr, as the kernel wants.
    raw = bytes(ffi.buffer(ffi.addressof(p.endpoint, "addr4"), 8))
    assert raw[2:4] == (51821).to_bytes(2, "big") and raw[4:8] == bytes([192, 0, 2, 1])
    assert p.last_handshake_time.tv_sec == 1714979289
    assert p.last_handshake_time.tv_nsec == 123456000
    a = p.first_allowedip
    cidrs = []
    while a != ffi.NULL:
        cidrs.append((a.family, a.cidr, a.flags))
        a = a.next_allowedip
    assert cidrs == [(socket.AF_INET, 24, 0), (socket.AF_INET6, 64, 0),
                     (socket.AF_INET, 16, lib.WGALLOWEDIP_REMOVE_ME)]
    p2 = p.next_peer
    assert p2.endpoint.addr6.sin6_family == socket.AF_INET6
    assert p2.flags & lib.WGPEER_UPDATE_ONLY and not p2.flags & lib.WGPEER_HAS_PRESHARED_KEY
    assert p2.next_peer.flags & lib.WGPEER_REMOVE_ME
    assert p2.next_peer.next_peer == ffi.NULL
    assert c.last_peer == p2.next_peer


def test_unset_fields_stay_unset():
    c = Device(name="x").to_c()
    assert c.flags == 0
    back = Device.from_c(c)
    assert back.private_key is None and back.listen_port is None and back.fwmark is None
    c = Device(peers=[Peer(Key.generate().public_key())]).to_c()
    p = c.first_peer  # owned by c: keep c alive
    assert p.flags == lib.WGPEER_HAS_PUBLIC_KEY and p.endpoint.addr.sa_family == 0


def test_types():
    d = Device.from_c(sample().to_c())
    p = d.peers[0]
    assert isinstance(p.public_key, wg.PublicKey)
    assert isinstance(p.endpoint.host, ipaddress.IPv4Address) and p.endpoint.port == 51821
    assert str(p.endpoint) == "192.0.2.1:51821"
    assert str(d.peers[1].endpoint) == "[2001:db8::1]:443"
    assert isinstance(p.allowed_ips[1].network, ipaddress.IPv6Network)
    assert p.last_handshake_time.tzinfo is not None
    assert d.peer(p.public_key) is p and d.peer(Key.generate()) is None


def test_peer_key_forms():
    k = Key.generate().public_key()
    for form in (k, k.to_base64(), k.to_base64().encode(), bytes(k), Key(bytes(k))):
        p = Peer(form)
        assert isinstance(p.public_key, wg.PublicKey) and p.public_key == k
    with pytest.raises(WireGuardError):
        Peer(b"short")


def test_host_bits_are_masked():
    assert AllowedIP("10.1.2.3/8").network == ipaddress.ip_network("10.0.0.0/8")


@pytest.mark.parametrize("text", ["10.0.0.300/8", "10.0.0.0/33", "fd00::/129", "nonsense"])
def test_bad_allowed_ip(text):
    with pytest.raises(WireGuardError) as e:
        AllowedIP(text)
    assert e.value.errno == errno.EINVAL


@pytest.mark.parametrize("text", ["192.0.2.1", "192.0.2.1:99999", "[::1:1", "host:1", ":1"])
def test_bad_endpoint(text):
    with pytest.raises(WireGuardError) as e:
        Endpoint.parse(text)
    assert e.value.errno == errno.EINVAL


def test_name_too_long_is_einval():
    with pytest.raises(WireGuardError) as e:
        Device(name="x" * 16).to_c()
    assert e.value.errno == errno.EINVAL
