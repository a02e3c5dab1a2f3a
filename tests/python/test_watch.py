# SPDX-License-Identifier: LGPL-2.1-or-later
"""The watch from Python: iterator, asyncio (add_reader on the fd), context
manager, on an in-process engine; 10,000 events leak no fd and no memory."""
import asyncio
import os
import resource

import pytest

from pywireguard import Device, Engine, Key, Peer, Watch

pytestmark = pytest.mark.usefixtures("need_engine")


def quiet_watch(**kw):
    # Only what is added here: no host devices.
    return Watch(["no-such-dev"], kernel=False, uapi=False, interval=0.02, **kw)


def test_iterator_and_context_manager():
    eng = Engine(Device(private_key=Key.generate(), listen_port=1000))
    with quiet_watch() as w:
        w.add_engine("e", eng)
        assert w.read() == []
        k = Key.generate().public_key()
        eng.configure(Device(listen_port=2000, peers=[Peer(k, endpoint="192.0.2.9:7", allowed_ips=["10.1.0.0/16"])]))
        got = [next(w) for _ in range(4)]
        kinds = [e.kind for e in got]
        assert kinds == ["listen-port", "peer-added", "endpoint", "allowed-ip-added"]
        assert (got[0].before, got[0].after) == (1000, 2000)
        assert got[1].peer == k and got[2].after == "192.0.2.9:7" and got[3].after == "10.1.0.0/16"
        assert str(got[0]) == "e listen-port 1000 -> 2000"
        w.remove_device("e")
        assert next(w).kind == "device-removed"
    with pytest.raises(ValueError):
        w.fileno()
    eng.close()


def test_async_for():
    eng = Engine(Device(private_key=Key.generate()))

    async def main():
        with quiet_watch() as w:
            w.add_engine("e", eng)
            loop = asyncio.get_running_loop()
            loop.call_later(0.05, eng.configure, Device(fwmark=7))
            async for ev in w:
                return ev

    ev = asyncio.run(asyncio.wait_for(main(), 5))
    assert ev.kind == "fwmark" and ev.after == 7
    eng.close()


def fds():
    return len(os.listdir("/proc/self/fd"))


def rss_kib():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024


def drain(w, want, timeout=5.0):
    import time
    got, t0 = 0, time.monotonic()
    while got < want and time.monotonic() - t0 < timeout:
        got += len(w.read(4096))
        time.sleep(0.005)
    return got


def test_ten_thousand_events_leak_nothing():
    eng = Engine(Device(private_key=Key.generate()))
    keys = [Key.generate().public_key() for _ in range(500)]
    add = Device(peers=[Peer(k) for k in keys])
    remove = Device(peers=[Peer(k, remove=True) for k in keys])
    fds0 = fds()
    with quiet_watch(queue_max=1000) as w:
        w.add_engine("e", eng)
        fds_open = fds()
        total, rss = 0, []
        for round_ in range(12):
            eng.configure(add)
            total += drain(w, 500)
            eng.configure(remove)
            total += drain(w, 500)
            rss.append(rss_kib())
            assert fds() == fds_open
        assert total == 12000
        # Memory is flat once the first rounds have warmed the allocator.
        assert rss[-1] - rss[2] < 2048, rss
        w.remove_device("e")
    assert fds() == fds0
    eng.close()


def _events_within(w, seconds):
    import select
    import time
    got, end = [], time.monotonic() + seconds
    while time.monotonic() < end:
        select.select([w.fileno()], [], [], max(0.0, end - time.monotonic()))
        got += w.read()
    return got


def test_engine_events_are_fed_to_the_watch():
    # A handshake between two Python engines reaches the watch at once,
    # pushed (the interval is far too long for a re-reading to find it).
    from test_engine import handshake, pair
    a, b, ka, kb = pair()
    with Watch(["no-such-dev"], kernel=False, uapi=False, interval=60) as w:
        w.add_engine("a", a)
        assert w.read() == []
        handshake(a, b)
        got = [e for e in _events_within(w, 1.0) if e.kind == "handshake"]
        assert len(got) == 1 and got[0].pushed and got[0].device == "a"
        assert got[0].peer == kb.public_key()
        # Removed: the engine feeds the watch no more.
        w.remove_device("a")
        assert a._cbs.watches == {}
    # Closed: neither.
    with Watch(["no-such-dev"], kernel=False, uapi=False, interval=60) as w:
        w.add_engine("b", b)
    assert b._cbs.watches == {}
    a.close()
    b.close()
