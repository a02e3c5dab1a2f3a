# SPDX-License-Identifier: LGPL-2.1-or-later
"""The in-process WireGuard engine: packets and time in, packets and events out.

An Engine does no I/O of its own in this mode: feed it plaintext IP packets
with encrypt() and UDP datagrams with decrypt(); the datagrams it must send
unprompted (handshakes, keepalives, packets that waited for a handshake) go
to ``on_send`` (or, without one, to take_sent()).  Call tick() when the
number of nanoseconds it last returned has passed.
"""
from __future__ import annotations

import collections
import enum
import logging
import os
import threading
from typing import AsyncIterator, Callable, Iterable, Iterator, NamedTuple, Optional, Union

from ._wireguard import ffi, lib
from .handle import Handle
from .errors import check
from .key import PublicKey
from .model import Device, Endpoint, _endpoint

__all__ = ["Engine", "Event", "EventType", "PacketResult", "PacketStatus", "DropReason",
           "HEADROOM", "TAILROOM"]

HEADROOM: int = lib.WG_PACKET_HEADROOM
TAILROOM: int = lib.WG_PACKET_TAILROOM


from .enums import DropReason, EventType, PacketStatus  # noqa: E402  (re-exported)


def _as(enum_type, value):
    try:
        return enum_type(value)
    except ValueError:
        return value


# Per-packet conversions are the cost of the Python data path: look them up.
_STATUS = {int(m): m for m in PacketStatus}
_REASON = {int(m): m for m in DropReason}
_SEND, _DELIVER = int(lib.WG_PACKET_SEND), int(lib.WG_PACKET_DELIVER)
_EP_SIZE = ffi.sizeof("wg_endpoint")


class _EndpointCache:
    """Endpoint <-> raw wg_endpoint bytes, memoised within one batch."""

    def __init__(self):
        self.to_raw: dict = {}
        self.from_raw: dict = {}

    def raw(self, ep) -> bytes:
        r = self.to_raw.get(ep)
        if r is None:
            c = ffi.new("wg_endpoint *")
            _endpoint(ep)._to_c(c[0])
            r = self.to_raw[ep] = bytes(ffi.buffer(c))
        return r

    def endpoint(self, cdata) -> Optional[Endpoint]:
        raw = bytes(ffi.buffer(ffi.addressof(cdata, "endpoint"), _EP_SIZE))
        e = self.from_raw.get(raw)
        if e is None:
            e = self.from_raw[raw] = Endpoint._from_c(cdata.endpoint)
        return e


class PacketResult(NamedTuple):
    """What the engine did with one packet.

    data is the datagram (SEND) or decrypted IP packet (DELIVER), else None;
    endpoint is where a SEND datagram goes; reason says why a DROP happened.
    """

    status: PacketStatus
    data: Optional[bytes]
    endpoint: Optional[Endpoint]
    reason: DropReason


class Event(NamedTuple):
    """A peer's state changed (handshake complete, endpoint moved, ...)."""

    type: EventType
    public_key: PublicKey
    endpoint: Optional[Endpoint]


class _Callbacks:
    """What the C callbacks reach through their ctx handle.

    Kept apart from Engine so that the handle does not make the engine part
    of a reference cycle; the Engine keeps this object (and its handle)
    alive for as long as the C engine exists.
    """

    def __init__(self, on_send, on_event, on_log, clock, realtime, max_events):
        self.on_send = on_send
        self.on_event = on_event
        self.on_log = on_log
        self.clock = clock
        self.realtime = realtime
        self.sent: collections.deque = collections.deque()
        self.events: collections.deque = collections.deque(maxlen=max_events)
        self.eventfd = -1
        self.error: Optional[BaseException] = None
        self.on_socket: Optional[Callable[[int, int], None]] = None   # Tunnel's socket hook
        # Watches this engine was added to (Watch.add_engine/add_tunnel):
        # {watch pointer: device name}; each event is fed to them
        # (wg_watch_feed) from the thread that runs the engine.  The lock
        # keeps a watch from being closed while an event is fed to it.
        self.watches: dict = {}
        self.watch_lock = threading.Lock()

    def feed(self, event) -> None:
        """Hand a C event to every watch this engine was added to."""
        with self.watch_lock:
            for wptr, name in self.watches.items():
                lib.wg_watch_feed(wptr, name, event)

    def fail(self, e: BaseException, where: str) -> None:
        """Log e (a callback raised it, under C) and keep the first one for
        the caller: the engine call it happened in, or the tunnel's next
        events()/wait_stopped()/close() re-raises it."""
        _log.error("exception in the %s callback (re-raised by the waiting call)", where, exc_info=e)
        if self.error is None:
            self.error = e


_log = logging.getLogger("pywireguard")


@ffi.def_extern(name="_pywg_wg_engine_send_fn")
def _send_cb(datagrams, n, ctx):
    cbs = ffi.from_handle(ctx)
    try:
        out = []
        for i in range(n):
            d = datagrams[i]
            out.append((bytes(ffi.buffer(d.buf + d.offset, d.len)), Endpoint._from_c(d.endpoint)))
        if cbs.on_send is not None:
            cbs.on_send(out)
        else:
            cbs.sent.extend(out)
    except BaseException as e:  # noqa: B902 - re-raised after the C call returns
        cbs.fail(e, "send")


@ffi.def_extern(name="_pywg_wg_engine_event_fn")
def _event_cb(event, ctx):
    cbs = ffi.from_handle(ctx)
    try:
        if cbs.watches:
            cbs.feed(event)
        ev = Event(_as(EventType, event.type), PublicKey._from_cdata(event.public_key),
                   Endpoint._from_c(event.endpoint))
        cbs.events.append(ev)
        if cbs.eventfd >= 0:
            os.eventfd_write(cbs.eventfd, 1)
        if cbs.on_event is not None:
            cbs.on_event(ev)
    except BaseException as e:  # noqa: B902
        cbs.fail(e, "event")


@ffi.def_extern(name="_pywg_wg_engine_clock_fn")
def _clock_cb(ctx):
    cbs = ffi.from_handle(ctx)
    try:
        return int(cbs.clock())
    except BaseException as e:  # noqa: B902
        cbs.fail(e, "clock")
        return 0


@ffi.def_extern(name="_pywg_wg_engine_realtime_fn")
def _realtime_cb(now, ctx):
    cbs = ffi.from_handle(ctx)
    try:
        ns = int(cbs.realtime())
        now.tv_sec, now.tv_nsec = divmod(ns, 1_000_000_000)
    except BaseException as e:  # noqa: B902
        cbs.fail(e, "realtime")


@ffi.def_extern(name="_pywg_wg_log_fn")
def _log_cb(level, msg, ctx):
    sink = ffi.from_handle(ctx)
    try:
        sink.on_log(level, ffi.string(msg).decode("utf-8", "replace"))
    except BaseException as e:  # noqa: B902 - logged; an engine's call re-raises it
        sink.fail(e, "log")


class _EventSource:
    """Events as a callback, as an iterator, and as a pollable fd."""

    _cbs: _Callbacks

    def _reraise(self) -> None:
        """Raise what a callback raised since the last call, if anything."""
        e, self._cbs.error = self._cbs.error, None
        if e is not None:
            raise e

    def events(self) -> Iterator[Event]:
        """Yield the queued events, oldest first, until the queue is empty;
        then raise what a callback raised, if one did."""
        q = self._cbs.events
        if self._cbs.eventfd >= 0:
            try:
                os.eventfd_read(self._cbs.eventfd)
            except BlockingIOError:
                pass
        while q:
            yield q.popleft()
        self._reraise()

    def fileno(self) -> int:
        """An eventfd that is readable while events are queued (for select,
        asyncio's add_reader, ...); drained by events()."""
        if self._cbs.eventfd < 0:
            self._cbs.eventfd = os.eventfd(len(self._cbs.events), os.EFD_NONBLOCK | os.EFD_CLOEXEC)
        return self._cbs.eventfd

    async def aevents(self) -> AsyncIterator[Event]:
        """Yield events as they come, for ``async for`` in an asyncio loop."""
        import asyncio
        loop = asyncio.get_running_loop()
        fd = self.fileno()
        while True:
            for ev in self.events():
                yield ev
            ready = loop.create_future()
            loop.add_reader(fd, lambda: ready.done() or ready.set_result(None))
            try:
                await ready
            finally:
                loop.remove_reader(fd)


Datagram = Union[bytes, tuple]


class Engine(_EventSource, Handle):
    """A WireGuard engine in this process (wg_engine).

    :param config:   optional Device configuration applied right away.
    :param on_send:  called with a list of (datagram bytes, Endpoint) that the
                     engine sends on its own; default: queue for take_sent().
    :param on_event: called with each Event; events are also queued for
                     events() (at most max_events, oldest dropped).
    :param on_log:   called with (level, message) for this engine's log.
    :param clock:    returns monotonic nanoseconds (for simulated time).
    :param realtime: returns wall-clock nanoseconds since the epoch.
    :param mtu:      padding limit; 0 means 1420.

    Use as a context manager, or call close(); callbacks stay alive as long
    as the engine does.  Exceptions raised in callbacks are re-raised by the
    engine call during which they happened.
    """

    def __init__(self, config: Optional[Device] = None, *,
                 on_send: Optional[Callable[[list], None]] = None,
                 on_event: Optional[Callable[[Event], None]] = None,
                 on_log: Optional[Callable[[int, str], None]] = None,
                 clock: Optional[Callable[[], int]] = None,
                 realtime: Optional[Callable[[], int]] = None,
                 mtu: int = 0, max_events: int = 4096):
        self._engine = ffi.NULL
        self._cbs = _Callbacks(on_send, on_event, on_log, clock, realtime, max_events)
        self._handle = ffi.new_handle(self._cbs)
        opts = ffi.new("struct wg_engine_options *")
        opts.size = ffi.sizeof("struct wg_engine_options")
        opts.ctx = self._handle
        opts.send = lib._pywg_wg_engine_send_fn
        opts.event = lib._pywg_wg_engine_event_fn
        if on_log is not None:
            opts.log = lib._pywg_wg_log_fn
        if clock is not None:
            opts.clock = lib._pywg_wg_engine_clock_fn
        if realtime is not None:
            opts.realtime = lib._pywg_wg_engine_realtime_fn
        opts.mtu = mtu
        out = ffi.new("wg_engine **")
        check(lib.wg_engine_new(out, opts))
        self._engine = out[0]
        if config is not None:
            self.configure(config)

    # --- lifetime ----------------------------------------------------------

    def close(self) -> None:
        """Destroy the engine, wiping its keys.  Idempotent."""
        if self._engine != ffi.NULL:
            lib.wg_engine_free(self._engine)
            self._engine = ffi.NULL
        if self._cbs.eventfd >= 0:
            os.close(self._cbs.eventfd)
            self._cbs.eventfd = -1

    def _ptr(self):
        if self._engine == ffi.NULL:
            raise ValueError("engine is closed")
        return self._engine

    # --- configuration ---------------------------------------------------

    def configure(self, config: Device) -> None:
        """Apply a configuration with set_device() semantics (name ignored)."""
        ret = lib.wg_engine_set_device(self._ptr(), config.to_c())
        self._reraise()
        check(ret)

    def get_device(self) -> Device:
        """The configuration and statistics, as get_device() reads them."""
        out = ffi.new("wg_device **")
        check(lib.wg_engine_get_device(self._ptr(), out))
        try:
            return Device.from_c(out[0])
        finally:
            lib.wg_free_device(out[0])

    # --- data path ---------------------------------------------------------

    @staticmethod
    def _batch(items: list, endpoints: list, room: tuple, cache: _EndpointCache):
        head, tail = room
        n = len(items)
        arr = ffi.new("struct wg_packet[]", n)
        buf = ffi.new("uint8_t[]", sum(head + len(d) + tail for d in items) or 1)
        off = 0
        for i, data in enumerate(items):
            p = arr[i]
            size = head + len(data) + tail
            p.buf = buf + off
            p.size = size
            p.offset = head
            p.len = len(data)
            ffi.memmove(buf + off + head, data, len(data))
            if endpoints[i] is not None:
                ffi.memmove(ffi.addressof(p, "endpoint"), cache.raw(endpoints[i]), _EP_SIZE)
            off += size
        return arr, buf

    @staticmethod
    def _results(arr, n: int, cache: _EndpointCache) -> list[PacketResult]:
        out = []
        for i in range(n):
            p = arr[i]
            st = p.status
            data = endpoint = None
            if st == _SEND or st == _DELIVER:
                data = ffi.buffer(p.buf + p.offset, p.len)[:]
                if st == _SEND:
                    endpoint = cache.endpoint(p)
            out.append(PacketResult(_STATUS.get(st, st), data, endpoint,
                                    _REASON.get(p.reason, p.reason)))
        return out

    def encrypt(self, packets: Iterable[bytes]) -> list[PacketResult]:
        """Encrypt plaintext IP packets (wg_engine_encrypt) in one batch.

        Each packet is copied into a buffer with HEADROOM and TAILROOM.
        Results: SEND (data is the datagram for endpoint), CONSUMED (staged
        until a handshake completes; its datagrams go to on_send) or DROP.
        """
        items = [bytes(p) for p in packets]
        if not items:
            return []
        cache = _EndpointCache()
        arr, buf = self._batch(items, [None] * len(items), (HEADROOM, TAILROOM), cache)
        lib.wg_engine_encrypt(self._ptr(), arr, len(items))
        self._reraise()
        return self._results(arr, len(items), cache)

    def decrypt(self, datagrams: Iterable[Datagram]) -> list[PacketResult]:
        """Process received UDP datagrams (wg_engine_decrypt) in one batch.

        Each item is (data, source endpoint) or bare data.  Results: DELIVER
        (data is the IP packet), CONSUMED (handshake or keepalive) or DROP.
        """
        items, endpoints = [], []
        for d in datagrams:
            if isinstance(d, tuple):
                items.append(bytes(d[0]))
                endpoints.append(d[1])
            else:
                items.append(bytes(d))
                endpoints.append(None)
        if not items:
            return []
        cache = _EndpointCache()
        arr, buf = self._batch(items, endpoints, (0, 0), cache)
        lib.wg_engine_decrypt(self._ptr(), arr, len(items))
        self._reraise()
        return self._results(arr, len(items), cache)

    def tick(self) -> int:
        """Run due timers; return nanoseconds until tick() is next needed."""
        ret = lib.wg_engine_tick(self._ptr())
        self._reraise()
        return int(ret)

    def take_sent(self) -> list[tuple[bytes, Optional[Endpoint]]]:
        """Datagrams the engine sent on its own since the last call
        (only when no on_send callback was given)."""
        out = list(self._cbs.sent)
        self._cbs.sent.clear()
        return out
