# SPDX-License-Identifier: LGPL-2.1-or-later
"""Two in-process engines exchanging packets from Python."""
import errno
import select

import pytest

import pywireguard as wg
from conftest import engine_available, ipv4_packet
from pywireguard import Device, Engine, Key, Peer, PacketStatus

pytestmark = pytest.mark.usefixtures("need_engine")

A_EP, B_EP = "192.0.2.1:51820", "192.0.2.2:51820"


class Clock:
    def __init__(self):
        self.ns = 1_000_000_000

    def __call__(self):
        return self.ns


def pair(clock=None, **kw):
    ka, kb = Key.generate(), Key.generate()
    a = Engine(Device(private_key=ka, listen_port=51820,
                      peers=[Peer(kb.public_key(), endpoint=B_EP, allowed_ips=["10.0.0.2/32"])]),
               clock=clock, **kw)
    b = Engine(Device(private_key=kb, listen_port=51820,
                      peers=[Peer(ka.public_key(), allowed_ips=["10.0.0.1/32"])]),
               clock=clock, **kw)
    return a, b, ka, kb


def handshake(a, b):
    """Send one packet a -> b, carrying the handshake by hand; return what b delivered."""
    pkt = ipv4_packet("10.0.0.1", "10.0.0.2", b"hello from python")
    (r,) = a.encrypt([pkt])
    assert r.status in (PacketStatus.CONSUMED, PacketStatus.SEND), r
    init = a.take_sent()
    assert len(init) == 1 and len(init[0][0]) == 148  # a handshake initiation
    (r,) = b.decrypt([(init[0][0], A_EP)])
    assert r.status == PacketStatus.CONSUMED, r
    resp = b.take_sent()
    assert len(resp) == 1 and len(resp[0][0]) == 92  # the response
    assert str(resp[0][1]) == A_EP
    (r,) = a.decrypt([(resp[0][0], B_EP)])
    assert r.status == PacketStatus.CONSUMED, r
    staged = a.take_sent()  # the packet that waited for the handshake
    assert staged and str(staged[0][1]) == B_EP
    out = b.decrypt([(d, A_EP) for d, _ in staged])
    delivered = [x.data for x in out if x.status == PacketStatus.DELIVER]
    return pkt, delivered


def test_two_engines_exchange_packets():
    a, b, ka, kb = pair()
    with a, b:
        pkt, delivered = handshake(a, b)
        assert delivered == [pkt]
        # Now the session is up: a batch each way without any handshake.
        batch = [ipv4_packet("10.0.0.2", "10.0.0.1", bytes([i]) * (i * 37)) for i in range(1, 9)]
        res = b.encrypt(batch)
        assert [r.status for r in res] == [PacketStatus.SEND] * 8
        assert all(str(r.endpoint) == A_EP for r in res)
        assert all(len(r.data) >= len(p) + 32 for r, p in zip(res, batch))
        back = a.decrypt([(r.data, B_EP) for r in res])
        assert [r.data for r in back] == batch
        # Replaying a datagram is dropped.
        (r,) = a.decrypt([(res[0].data, B_EP)])
        assert r.status == PacketStatus.DROP and r.reason == wg.DropReason.REPLAY
        # Statistics and last handshake through the model.
        peer = a.get_device().peers[0]
        assert peer.public_key == kb.public_key()
        assert peer.last_handshake_time is not None
        assert peer.rx_bytes > 0 and peer.tx_bytes > 0


def test_events_as_callback_iterator_and_fd():
    seen = []
    a, b, ka, kb = pair(on_event=seen.append)
    with a, b:
        fd = a.fileno()
        handshake(a, b)
        assert select.select([fd], [], [], 0)[0] == [fd]
        evs = list(a.events())
        assert evs and evs == [e for e in seen if e in evs]
        assert evs[0].type == wg.EventType.HANDSHAKE_COMPLETE
        assert evs[0].public_key == kb.public_key()
        assert list(a.events()) == []
        assert select.select([fd], [], [], 0)[0] == []


def test_events_async():
    import asyncio
    a, b, ka, kb = pair()

    async def main():
        async def first_event():
            async for ev in a.aevents():
                return ev

        task = asyncio.ensure_future(first_event())
        await asyncio.sleep(0)  # the consumer waits on the eventfd
        handshake(a, b)
        return await asyncio.wait_for(task, 5)

    with a, b:
        ev = asyncio.run(main())
        assert ev.type == wg.EventType.HANDSHAKE_COMPLETE and ev.public_key == kb.public_key()


def test_wrong_key_is_dropped():
    a, b, ka, kb = pair()
    with a, b:
        pkt, delivered = handshake(a, b)
        mallory = Engine(Device(private_key=Key.generate(),
                                peers=[Peer(kb.public_key(), endpoint=B_EP,
                                           allowed_ips=["10.0.0.0/24"])]))
        with mallory:
            (r,) = mallory.encrypt([ipv4_packet("10.0.0.1", "10.0.0.2", b"x")])
            forged = mallory.take_sent()
            (r,) = b.decrypt([(forged[0][0], A_EP)])
            assert r.status == PacketStatus.DROP


def test_no_peer_for_destination_is_dropped():
    a, b, ka, kb = pair()
    with a, b:
        (r,) = a.encrypt([ipv4_packet("10.0.0.1", "10.9.9.9", b"nowhere")])
        assert r.status == PacketStatus.DROP and r.reason == wg.DropReason.NO_PEER


def test_tick_with_simulated_clock_retransmits():
    clock = Clock()
    a, b, ka, kb = pair(clock=clock)
    with a, b:
        a.encrypt([ipv4_packet("10.0.0.1", "10.0.0.2", b"x")])
        assert len(a.take_sent()) == 1
        wait = a.tick()
        assert 0 < wait <= 6 * 10**9
        clock.ns += 6 * 10**9  # REKEY_TIMEOUT (5 s) + jitter passed
        a.tick()
        again = a.take_sent()
        assert len(again) == 1 and len(again[0][0]) == 148


def test_callback_exception_is_raised_by_the_call():
    def boom(datagrams):
        raise RuntimeError("from on_send")
    a, b, ka, kb = pair(on_send=boom)
    with a, b:
        with pytest.raises(RuntimeError, match="from on_send"):
            a.encrypt([ipv4_packet("10.0.0.1", "10.0.0.2", b"x")])


def test_bad_config_is_einval_and_changes_nothing():
    a, b, ka, kb = pair()
    with a, b:
        before = a.get_device()
        bad = Device(peers=[Peer(Key.generate().public_key(), allowed_ips=["10.0.0.0/8"])])
        c = bad.to_c()
        c.first_peer.first_allowedip.cidr = 33  # impossible for IPv4
        with pytest.raises(wg.WireGuardError) as e:
            wg.check(wg.lib.wg_engine_set_device(a._engine, c))
        assert e.value.errno == errno.EINVAL
        assert a.get_device() == before


def test_closed_engine():
    a, b, ka, kb = pair()
    a.close()
    a.close()
    b.close()
    with pytest.raises(ValueError):
        a.tick()


def test_engine_unavailable_reason_is_clear():
    ok, why = engine_available()
    assert ok, why


def test_callbacks_live_as_long_as_the_engine():
    import gc
    seen = []
    a, b, ka, kb = pair(on_event=lambda ev: seen.append(ev.type))
    gc.collect()  # nothing but the engines holds the lambdas and their handles
    with a, b:
        handshake(a, b)
    assert wg.EventType.HANDSHAKE_COMPLETE in seen


def test_engine_is_collected():
    import gc
    import weakref
    a = Engine(on_event=lambda ev: None, on_send=lambda d: None)
    ref = weakref.ref(a)
    del a
    gc.collect()
    assert ref() is None
