# SPDX-License-Identifier: LGPL-2.1-or-later
"""Configuration files through pywireguard: parse, format, load, save."""
import errno
import os
import stat

import pytest

import pywireguard as wg
from pywireguard import Device, Key, Peer, WireGuardError

PRIV, PEER, PSK = Key.generate(), Key.generate().public_key(), Key.generate_preshared()
TEXT = """# a comment
[Interface]
PrivateKey = {priv}
ListenPort = 51820
FwMark = 0x42
Address = 10.0.0.1/24, fd00::1/64
DNS = 10.0.0.53
PostUp = echo up  two   spaces

[Peer]
PublicKey = {peer}
PresharedKey = {psk}
AllowedIPs = 10.0.0.0/24, fd00::/64
Endpoint = 192.0.2.1:51821
PersistentKeepalive = 25
""".format(priv=PRIV.to_base64(), peer=PEER.to_base64(), psk=PSK.to_base64())


def test_parse():
    d = wg.parse_config(TEXT)
    assert d.private_key == PRIV and d.listen_port == 51820 and d.fwmark == 0x42
    assert d.replace_peers  # setconf semantics
    (p,) = d.peers
    assert p.public_key == PEER and p.preshared_key == PSK
    assert str(p.endpoint) == "192.0.2.1:51821" and p.persistent_keepalive_interval == 25
    assert [str(a.network) for a in p.allowed_ips] == ["10.0.0.0/24", "fd00::/64"]
    assert p.replace_allowed_ips
    assert d.wg_quick["Address"] == ["10.0.0.1/24", "fd00::1/64"]
    assert d.wg_quick["DNS"] == ["10.0.0.53"]
    assert d.wg_quick["PostUp"] == ["echo up  two   spaces"]
    assert "MTU" not in d.wg_quick and set(d.wg_quick) == {"Address", "DNS", "PostUp"}


def test_append_mode_sets_only_what_is_named():
    d = wg.parse_config("[Peer]\nPublicKey = %s\nAllowedIPs = +10.1.0.0/16\n" % PEER.to_base64(),
                        append=True)
    assert not d.replace_peers and d.private_key is None and d.listen_port is None
    assert not d.peers[0].replace_allowed_ips


def test_strict_rejects_wg_quick_keys():
    with pytest.raises(WireGuardError) as e:
        wg.parse_config(TEXT, strict=True, source_name="wg9.conf")
    assert e.value.errno == errno.EINVAL and "wg9.conf:" in e.value.strerror


@pytest.mark.parametrize("bad", ["[Interface]\nListenPort = 70000\n",
                                 "[Peer]\nPublicKey = nope\n",
                                 "[Interface]\nBogus = 1\n",
                                 "PrivateKey = x\n"])
def test_bad_text_is_einval_with_line(bad):
    with pytest.raises(WireGuardError) as e:
        wg.parse_config(bad, source_name="t.conf")
    assert e.value.errno == errno.EINVAL
    assert "t.conf:" in e.value.strerror


def test_format_round_trip():
    d = Device(private_key=PRIV, listen_port=1234, fwmark=7,
               peers=[Peer(PEER, preshared_key=PSK, endpoint="[2001:db8::1]:443",
                           allowed_ips=["10.2.0.0/16", "fd01::/48"],
                           persistent_keepalive_interval=15)])
    text = wg.format_config(d)
    assert PRIV.to_base64() in text and "ListenPort = 1234" in text
    back = wg.parse_config(text)
    assert back.private_key == PRIV and back.listen_port == 1234 and back.fwmark == 7
    (p,) = back.peers
    assert (p.public_key, p.preshared_key, p.endpoint, p.allowed_ips,
            p.persistent_keepalive_interval) == (PEER, PSK, d.peers[0].endpoint,
                                                 d.peers[0].allowed_ips, 15)
    assert d.to_config() == text


def test_format_keeps_wg_quick_keys():
    text = wg.format_config(wg.parse_config(TEXT))
    assert "Address = 10.0.0.1/24" in text and "PostUp = echo up  two   spaces" in text


def test_save_and_load(tmp_path):
    path = tmp_path / "wgpy0.conf"
    wg.save_config(wg.parse_config(TEXT), path)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    d = wg.load_config(path)
    assert d.name == "wgpy0" and d.private_key == PRIV and d.wg_quick["DNS"] == ["10.0.0.53"]


def test_load_missing_file_is_enoent(tmp_path):
    with pytest.raises(FileNotFoundError) as e:
        wg.load_config(tmp_path / "missing.conf")
    assert e.value.errno == errno.ENOENT and isinstance(e.value, WireGuardError)
