# SPDX-License-Identifier: LGPL-2.1-or-later
"""Pythonic errors: a bad value raises ValueError (a wrong type TypeError) in
the call that received it, never cffi's OverflowError or a later OSError;
a callback's exception is logged and re-raised where the caller waits."""
import errno
import ipaddress
import logging

import pytest

import pywireguard as wg
from conftest import ipv4_packet
from pywireguard import AllowedIP, Device, Endpoint, Engine, Key, Peer

PUB = Key.generate().public_key()


def test_key_from_text():
    k = Key.generate()
    assert Key(k.to_base64()) == k and Key(k.to_hex()) == k
    assert wg.PublicKey(str(PUB)) == PUB
    for bad in ("", "x", "A" * 43 + "!", "g" * 64):
        with pytest.raises(ValueError):
            Key(bad)
    for wrong in (5, None, 1.5, ["a"]):
        with pytest.raises(TypeError):
            Key(wrong)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        Key.from_base64("short")
    with pytest.raises(TypeError):
        Key.from_hex(64)  # type: ignore[arg-type]


def test_invalid_is_value_error_and_wireguard_error():
    with pytest.raises(ValueError) as e:
        Key(b"short")
    assert isinstance(e.value, wg.WireGuardError) and e.value.errno == errno.EINVAL


@pytest.mark.parametrize("kwargs", [
    {"listen_port": 65536}, {"listen_port": -1}, {"fwmark": 1 << 32}, {"name": "a" * 16},
    {"private_key": "not a key"},
])
def test_device_bad_values(kwargs):
    with pytest.raises(ValueError):
        Device(**kwargs)


@pytest.mark.parametrize("kwargs", [
    {"listen_port": "51820"}, {"listen_port": 1.0}, {"fwmark": True}, {"name": 5},
    {"private_key": 5}, {"peers": [5]},
])
def test_device_wrong_types(kwargs):
    with pytest.raises(TypeError):
        Device(**kwargs)


@pytest.mark.parametrize("kwargs", [
    {"endpoint": "192.0.2.1:65536"}, {"endpoint": "192.0.2.300:1"}, {"endpoint": "nohost"},
    {"endpoint": Endpoint("192.0.2.1", 70000)},  # type: ignore[arg-type]
    {"endpoint": ("192.0.2.1", -1)}, {"persistent_keepalive_interval": 65536},
    {"allowed_ips": ["10.0.0.300/8"]}, {"allowed_ips": ["10.0.0.0/33"]}, {"preshared_key": "x"},
])
def test_peer_bad_values(kwargs):
    with pytest.raises(ValueError):
        Peer(PUB, **kwargs)


@pytest.mark.parametrize("kwargs", [
    {"endpoint": 5}, {"persistent_keepalive_interval": "25"}, {"allowed_ips": [5]},
    {"allowed_ips": "10.0.0.0/8"}, {"preshared_key": 1},
])
def test_peer_wrong_types(kwargs):
    with pytest.raises(TypeError):
        Peer(PUB, **kwargs)


def test_bad_public_key():
    with pytest.raises(ValueError):
        Peer("not a key")
    with pytest.raises(TypeError):
        Peer(None)  # type: ignore[arg-type]


def test_changed_after_construction_is_still_value_error():
    # No OverflowError from cffi: to_c() checks again.
    dev = Device(private_key=Key.generate(), peers=[Peer(PUB)])
    dev.listen_port = 1 << 20
    with pytest.raises(ValueError):
        wg.format_config(dev)
    dev.listen_port = 1
    dev.peers[0].persistent_keepalive_interval = -5
    with pytest.raises(ValueError):
        dev.to_c()


def test_config_text():
    with pytest.raises(ValueError):
        wg.parse_config("[Interface]\nListenPort = 99999\n")
    with pytest.raises(ValueError):
        wg.parse_config("[Peer]\nPublicKey = nope\n")


def test_endpoint_parse():
    for bad in ("", "1.2.3.4", "1.2.3.4:x", "[::1:1", "1.2.3.4:70000"):
        with pytest.raises(ValueError):
            Endpoint.parse(bad)
    with pytest.raises(TypeError):
        Endpoint.parse(5)  # type: ignore[arg-type]


def test_str_is_wg_text():
    assert str(AllowedIP("10.1.2.3/8")) == "10.0.0.0/8"
    assert str(AllowedIP("2001:db8::/32", remove=True)) == "-2001:db8::/32"
    assert str(Endpoint.parse("[2001:db8::1]:51820")) == "[2001:db8::1]:51820"
    assert str(Endpoint(ipaddress.ip_address("192.0.2.1"), 1)) == "192.0.2.1:1"
    assert ", ".join(map(str, Peer(PUB, allowed_ips=["10.0.0.1/32", "::/0"]).allowed_ips)) == "10.0.0.1/32, ::/0"


def test_callback_exception_logged_and_reraised(caplog):
    kb = Key.generate()

    def boom(datagrams):
        raise RuntimeError("from on_send")
    with Engine(Device(private_key=Key.generate(),
                       peers=[Peer(kb.public_key(), endpoint="192.0.2.2:1", allowed_ips=["10.0.0.2/32"])]),
                on_send=boom) as e:
        with caplog.at_level(logging.ERROR, logger="pywireguard"):
            with pytest.raises(RuntimeError, match="from on_send"):
                e.encrypt([ipv4_packet("10.0.0.1", "10.0.0.2", b"x")])
        assert any("send callback" in r.getMessage() and r.exc_info for r in caplog.records)
        e.tick()  # raised once, not again
