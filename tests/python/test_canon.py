# SPDX-License-Identifier: LGPL-2.1-or-later
"""Canonical form, apply, equality and diff from Python."""
import pytest

import pywireguard as wg
from pywireguard import AllowedIP, Device, Key, Peer

pytestmark = pytest.mark.skipif(not wg.canon_available(),
                                reason="canonical form and diff not in this libwireguard yet")

PRIV = Key.generate()
K1, K2, K3 = (Key.generate().public_key() for _ in range(3))


def state(**over):
    d = Device(name="wgc", private_key=PRIV, listen_port=51820, peers=[
        Peer(K1, endpoint="192.0.2.1:1", allowed_ips=["10.1.0.0/16", "fd01::/64"]),
        Peer(K2, allowed_ips=["10.2.0.0/16"], persistent_keepalive_interval=25),
    ])
    for k, v in over.items():
        setattr(d, k, v)
    return d


def test_canonical_masks_merges_and_sorts():
    d = Device(private_key=PRIV, peers=[
        Peer(K2, allowed_ips=["10.2.3.4/16"]),
        Peer(K1, allowed_ips=["fd01::1/64", "10.1.0.0/16", "10.2.0.0/16"]),
        Peer(PRIV.public_key(), allowed_ips=["10.9.0.0/16"]),  # our own key: dropped
    ])
    c = wg.canonical(d)
    keys = [bytes(p.public_key) for p in c.peers]
    assert keys == sorted(keys) and len(keys) == 2
    owners = {str(a.network): bytes(p.public_key) for p in c.peers for a in p.allowed_ips}
    assert owners["10.2.0.0/16"] == bytes(K1)  # listed last for K1: moves there
    k1 = c.peer(K1)
    assert [a.network.version for a in k1.allowed_ips] == sorted(
        a.network.version for a in k1.allowed_ips)


def test_equal_ignores_order_and_statistics():
    a, b = state(), state()
    b.peers.reverse()
    b.peers[0].rx_bytes = 999
    assert wg.config_equal(a, b)
    b.peers[0].persistent_keepalive_interval = 5
    assert not wg.config_equal(a, b)


def test_diff_then_apply_reaches_the_target():
    cur = state()
    want = state(listen_port=4000)
    want.peers = [Peer(K1, endpoint="192.0.2.1:1", allowed_ips=["10.1.0.0/16"]),
                  Peer(K3, allowed_ips=["10.3.0.0/16"])]
    d = wg.diff(cur, want)
    assert d.listen_port == 4000 and d.private_key is None
    by = {bytes(p.public_key): p for p in d.peers}
    assert by[bytes(K2)].remove and not by[bytes(K3)].remove
    assert by[bytes(K1)].update_only
    assert wg.config_equal(wg.apply(cur, d), want)
    assert wg.diff(want, want).peers == []


def test_diff_with_single_removals():
    cur = state()
    want = state()
    want.peers[0].allowed_ips = [AllowedIP("10.1.0.0/16")]
    d = wg.diff(cur, want, remove_allowed_ips=True)
    (p,) = d.peers
    assert [(str(a.network), a.remove) for a in p.allowed_ips] == [("fd01::/64", True)]
    assert wg.config_equal(wg.apply(cur, d), want)


def test_bad_state_is_einval():
    c = state().to_c()
    c.first_peer.first_allowedip.cidr = 99
    with pytest.raises(wg.WireGuardError) as e:
        wg.check(wg.lib.wg_device_canonicalize(c))
    assert e.value.errno == 22
