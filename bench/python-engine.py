#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""What the Python layer costs on the engine's data path.

Two in-process engines with a session up; each round encrypts a batch of
1420-byte IP packets on one and decrypts the datagrams on the other.  Rows:
the same work through pywireguard's Engine.encrypt()/decrypt() (bytes in,
PacketResult out) and through the raw cffi calls on prebuilt wg_packet
arrays (the floor: what the C engine costs from any language).  CPU time of
this process, so a busy machine skews it less.

    PYTHONPATH=build/bindings/python python3 bench/python-engine.py [ROUNDS]
"""
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests", "python"))
from conftest import ipv4_packet  # noqa: E402
from test_engine import A_EP, handshake, pair  # noqa: E402

import pywireguard as wg  # noqa: E402
from pywireguard import ffi, lib  # noqa: E402

BATCH, SIZE = 64, 1420
rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 300
a, b, _, _ = pair()
handshake(a, b)
pkt = ipv4_packet("10.0.0.1", "10.0.0.2", b"x" * (SIZE - 20))
pkts = [pkt] * BATCH


def layer():
    for _ in range(rounds):
        res = a.encrypt(pkts)
        out = b.decrypt([(r.data, A_EP) for r in res])
    assert out[0].data == pkt


def raw():
    room = wg.HEADROOM + SIZE + wg.TAILROOM
    tbuf = ffi.new("uint8_t[]", room * BATCH)
    tarr = ffi.new("struct wg_packet[]", BATCH)
    buf = ffi.new("uint8_t[]", room * BATCH)
    arr = ffi.new("struct wg_packet[]", BATCH)
    for i in range(BATCH):
        ffi.memmove(tbuf + i * room + wg.HEADROOM, pkt, SIZE)
        tarr[i].buf, tarr[i].size = buf + i * room, room
        tarr[i].offset, tarr[i].len = wg.HEADROOM, SIZE
    nbytes = ffi.sizeof(tarr)
    for _ in range(rounds):
        ffi.memmove(buf, tbuf, room * BATCH)
        ffi.memmove(arr, tarr, nbytes)
        lib.wg_engine_encrypt(a._engine, arr, BATCH)
        lib.wg_engine_decrypt(b._engine, arr, BATCH)
    assert arr[0].status == lib.WG_PACKET_DELIVER


def measure(fn):
    t = time.process_time()
    fn()
    return time.process_time() - t


t_raw, t_layer = measure(raw), measure(layer)
gbit = lambda t: rounds * BATCH * SIZE * 8 / t / 1e9  # noqa: E731
print("%-40s %10s %10s %8s" % ("encrypt+decrypt, %d x %d B" % (BATCH, SIZE), "Gbit/s",
                                "pkt/s", "ratio"))
print("%-40s %10.2f %10.0f %8.2f" % ("raw cffi calls (C engine)", gbit(t_raw),
                                      rounds * BATCH / t_raw, 1.0))
print("%-40s %10.2f %10.0f %8.2f" % ("pywireguard Engine (bytes in/out)", gbit(t_layer),
                                      rounds * BATCH / t_layer, t_raw / t_layer))
