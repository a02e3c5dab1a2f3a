# SPDX-License-Identifier: LGPL-2.1-or-later
"""Events of every kind of device (wg_watch): kernel, userspace daemons and
in-process engines, through one file descriptor.

    with Watch(interval=0.5, silent_after=30) as w:
        for ev in w:                      # blocks between events
            print(ev)                     # "wg0 handshake <key> <time>"

    async for ev in Watch():              # asyncio: loop.add_reader on the fd,
        ...                               # no thread, no polling

The watch owns no thread: iteration waits on fileno() and reads what is
pending; read() never blocks.
"""
from __future__ import annotations

import asyncio
import collections
import json
import os
import select
from dataclasses import dataclass
from typing import Any, Iterable, Optional, Union

from ._wireguard import ffi, lib
from .errors import check
from .handle import Handle
from .key import PublicKey

__all__ = ["Watch", "WatchEvent"]

_NUMERIC = {"mtu", "listen-port", "fwmark", "keepalive", "up", "down"}


@dataclass(frozen=True)
class WatchEvent:
    """One event.  kind is wg-monitor's name ("peer-added", "endpoint", ...);
    before/after are ints for numeric kinds, else strings (an endpoint
    "192.0.2.1:51820", a prefix "10.0.0.0/24", a public key, a time), or
    None where the kind has no such side."""
    kind: str
    device: str
    ifindex: int
    time: float
    peer: Optional[PublicKey]
    before: Any
    after: Any
    error: int
    pushed: bool
    text: str

    def __str__(self) -> str:
        return self.text


def _event(cev) -> WatchEvent:
    buf = ffi.new("char[1024]")
    lib.wg_watch_format(buf, 1024, cev, 0)
    text = ffi.string(buf).decode(errors="replace")
    lib.wg_watch_format(buf, 1024, cev, lib.WG_WATCH_FORMAT_JSON)
    obj = json.loads(ffi.string(buf).decode(errors="replace"))
    kind = obj["kind"]
    before, after = obj.get("before"), obj.get("after")
    if kind in _NUMERIC:
        before, after = int(cev.before.number), int(cev.after.number)
    peer = None
    if cev.flags & lib.WG_WATCH_EVENT_PEER:
        peer = PublicKey(bytes(ffi.buffer(cev.public_key, 32)))
    return WatchEvent(kind=kind, device=obj["device"], ifindex=int(cev.ifindex),
                      time=cev.time.tv_sec + cev.time.tv_nsec / 1e9, peer=peer,
                      before=before, after=after, error=int(cev.error),
                      pushed=bool(cev.flags & lib.WG_WATCH_EVENT_PUSHED), text=text)


class Watch(Handle):
    """A watch on WireGuard devices (wg_watch_open).

    :param devices:      names to watch (also before they exist), or None for all.
    :param interval:     seconds between re-readings (>= 0.01).
    :param silent_after: seconds without handshake or data before a peer is
                         "silent"; None: never.
    :param netns:        a network namespace (path or open fd): its kernel
                         devices only.
    :param kernel, uapi: watch kernel devices / /var/run/wireguard sockets.
    :param push:         use a daemon's pushed events where offered.
    :param queue_max:    events held before an "overflow" event (0: 4096).
    """

    def __init__(self, devices: Optional[Iterable[str]] = None, *, interval: float = 1.0,
                 silent_after: Optional[float] = None, netns: Union[str, int, None] = None,
                 kernel: bool = True, uapi: bool = True, push: bool = True, queue_max: int = 0):
        self._watch = ffi.NULL
        self._pending: collections.deque = collections.deque()
        self._objects: dict = {}   # engines and tunnels added: kept alive
        opts = ffi.new("struct wg_watch_options *")
        opts.size = ffi.sizeof("struct wg_watch_options")
        opts.interval_ms = int(round(interval * 1000))
        opts.silent_after_ms = int(round(silent_after * 1000)) if silent_after else 0
        opts.queue_max = queue_max
        opts.flags = ((0 if kernel else lib.WG_WATCH_NO_KERNEL) | (0 if uapi else lib.WG_WATCH_NO_UAPI) |
                      (0 if push else lib.WG_WATCH_NO_PUSH))
        keep = []
        if devices is not None:
            names = [ffi.new("char[]", d.encode()) for d in devices]
            arr = ffi.new("char *[]", names + [ffi.NULL])
            opts.devices = arr
            keep += [names, arr]
        fd = -1
        if isinstance(netns, str):
            fd = os.open(netns, os.O_RDONLY | os.O_CLOEXEC)
        elif isinstance(netns, int):
            fd = netns
        opts.netns_fd = fd
        out = ffi.new("wg_watch **")
        try:
            check(lib.wg_watch_open(out, opts))
        finally:
            if isinstance(netns, str):
                os.close(fd)
        self._watch = out[0]

    def close(self) -> None:
        if self._watch != ffi.NULL:
            for obj in self._objects.values():
                self._unfeed(obj)
            lib.wg_watch_close(self._watch)
            self._watch = ffi.NULL
            self._objects.clear()

    def _feed(self, obj, name: str) -> None:
        cbs = obj._cbs
        with cbs.watch_lock:
            cbs.watches[self._watch] = name.encode()

    def _unfeed(self, obj) -> None:
        cbs = obj._cbs
        with cbs.watch_lock:
            cbs.watches.pop(self._watch, None)

    def _ptr(self):
        if self._watch == ffi.NULL:
            raise ValueError("the watch is closed")
        return self._watch

    def fileno(self) -> int:
        """The fd to wait on (readable when read() has work); owned by the watch."""
        return lib.wg_watch_fd(self._ptr())

    def read(self, max_events: int = 64) -> list[WatchEvent]:
        """The events pending now, without waiting ([] if none)."""
        arr = ffi.new("struct wg_watch_event[]", max_events)
        n = check(lib.wg_watch_read(self._ptr(), arr, max_events, ffi.sizeof("struct wg_watch_event")))
        return [_event(arr + i) for i in range(n)]

    def add_engine(self, name: str, engine) -> None:
        """Watch an in-process Engine under name: re-read every interval, and
        its own events (handshakes, roaming, unreachable, expired) fed to the
        watch as they happen (wg_watch_feed), marked pushed.  Keep the engine
        open until remove_device() or close()."""
        check(lib.wg_watch_add_engine(self._ptr(), name.encode(), engine._ptr()))
        self._objects[name] = engine
        self._feed(engine, name)

    def add_tunnel(self, tunnel) -> None:
        """Watch a Tunnel of this process under its interface name, like
        add_engine (its events are fed from the tunnel's threads)."""
        check(lib.wg_watch_add_tunnel(self._ptr(), tunnel._ptr()))
        self._objects[tunnel.name] = tunnel
        self._feed(tunnel, tunnel.name)

    def remove_device(self, name: str) -> None:
        """Stop watching an engine or tunnel added here (a device-removed follows)."""
        obj = self._objects.get(name)
        if obj is not None:
            self._unfeed(obj)
        check(lib.wg_watch_remove_device(self._ptr(), name.encode()))
        self._objects.pop(name, None)

    def __iter__(self):
        return self

    def __next__(self) -> WatchEvent:
        while not self._pending:
            self._pending.extend(self.read())
            if not self._pending:
                select.select([self.fileno()], [], [])
        return self._pending.popleft()

    def __aiter__(self):
        return self

    async def __anext__(self) -> WatchEvent:
        loop = asyncio.get_running_loop()
        while not self._pending:
            self._pending.extend(self.read())
            if self._pending:
                break
            fut = loop.create_future()
            fd = self.fileno()
            loop.add_reader(fd, lambda: fut.done() or fut.set_result(None))
            try:
                await fut
            finally:
                loop.remove_reader(fd)
        return self._pending.popleft()
