# SPDX-License-Identifier: LGPL-2.1-or-later
"""100,000 get/set-like calls do not grow the resident set size."""
import gc
import os

import pytest

import pywireguard as wg
from conftest import engine_available
from pywireguard import Device, Key, Peer

N = 100_000
# Generous for allocator noise, far below what 100,000 leaked keys, device
# trees or callback handles would take (3-50 MB).
BOUND = 2 * 1024 * 1024


def rss():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def measure(step, n):
    for i in range(n // 10):  # warm up caches and allocator pools
        step(i)
    gc.collect()
    before = rss()
    for i in range(n):
        step(i)
    gc.collect()
    return rss() - before


def test_measurement_sees_a_real_leak():
    leaked = []

    def step(i):
        leaked.append(int(wg.ffi.cast("uintptr_t", wg.lib.wg_device_new(b"leak"))))
    grew = measure(step, 40_000)
    # Free them again so later tests start clean.
    for p in leaked:
        wg.lib.wg_free_device(wg.ffi.cast("wg_device *", p))
    assert grew > BOUND


def test_key_conversions():
    k = Key.generate()
    b64, hexs = k.to_base64(), k.to_hex()

    def step(i):
        assert Key.from_base64(b64) == Key.from_hex(hexs)
        k.to_base64()
        if i % 50 == 0:  # X25519 is slow; a leak per call still shows
            k.public_key()
        try:
            Key.from_base64("A" * 43 + "!")
        except wg.WireGuardError:
            pass
    grew = measure(step, N)
    print("key conversions: %d x 4 calls, RSS grew %d KiB" % (N, grew // 1024))
    assert grew < BOUND


def test_device_model_round_trips():
    d = Device(name="wgleak", private_key=Key.generate(), listen_port=1,
               peers=[Peer(Key.generate().public_key(), endpoint="192.0.2.1:1",
                           allowed_ips=["10.0.0.0/24", "fd00::/64"])])

    def step(i):
        Device.from_c(d.to_c())
    n = N // 4  # each round trip is 10 C calls
    grew = measure(step, n)
    print("device round trips: %d, RSS grew %d KiB" % (n, grew // 1024))
    assert grew < BOUND


def test_engine_set_get():
    ok, why = engine_available()
    if not ok:
        pytest.skip(why)
    peer = Key.generate().public_key()
    with wg.Engine(Device(private_key=Key.generate())) as e:
        def step(i):
            e.configure(Device(peers=[Peer(peer, allowed_ips=["10.%d.0.0/16" % (i % 200)],
                                           replace_allowed_ips=True)]))
            e.get_device()
        grew = measure(step, N // 2)
    print("engine set+get: %d x 2 calls, RSS grew %d KiB" % (N // 2, grew // 1024))
    assert grew < BOUND


def test_engine_lifecycles():
    ok, why = engine_available()
    if not ok:
        pytest.skip(why)

    def step(i):
        with wg.Engine(on_event=lambda ev: None):
            pass
    grew = measure(step, 20_000)
    assert grew < BOUND
