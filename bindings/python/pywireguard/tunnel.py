# SPDX-License-Identifier: LGPL-2.1-or-later
"""The managed engine (Linux): a TUN interface, UDP sockets and threads.

A Tunnel is what wireguard-go is, inside this process: its worker threads
move packets between a TUN interface and UDP on their own.  Configure it
like any device (configure(), or get_device()/set_device() by name through
its UAPI socket when uapi=True).  Needs CAP_NET_ADMIN and /dev/net/tun.
"""
from __future__ import annotations

import errno as _errno
import os
import select
from typing import Callable, Optional

from ._wireguard import ffi, lib
from .engine import Event, _Callbacks, _EventSource
from .handle import Handle
from .errors import check, error_from_errno
from .model import Device

__all__ = ["Tunnel", "tunnel_available"]


def tunnel_available() -> bool:
    """Whether this libwireguard has the managed engine (wg_tunnel_new)."""
    return hasattr(lib, "wg_tunnel_new")


@ffi.def_extern(name="_pywg_wg_tunnel_socket_fn")
def _socket_cb(fd, family, ctx):
    cbs = ffi.from_handle(ctx)
    try:
        cbs.on_socket(fd, family)
        return 0
    except OSError as e:
        return -(e.errno or _errno.EIO)
    except BaseException as e:  # noqa: B902 - re-raised by the call that made the socket
        cbs.fail(e, "socket")
        return -_errno.EPERM


class Tunnel(_EventSource, Handle):
    """A managed WireGuard interface run by this process (wg_tunnel).

    :param ifname:      interface to create ("wg%d" templates allowed) or an
                        existing TUN interface to attach to; None with tun_fd.
    :param config:      optional Device applied right away.
    :param tun_fd:      an open TUN fd (IFF_TUN | IFF_NO_PI, IFF_VNET_HDR for
                        offloads) that the tunnel takes over; it stays the
                        caller's if the constructor raises.
    :param uapi:        serve /var/run/wireguard/NAME.sock for wg(8) & co.
    :param offload:     use UDP GSO/GRO and TUN offloads when available.
    :param threads:     lanes (a TUN queue and UDP sockets, two threads
                        each); 0 = one per two online CPUs; at most 64.
    :param listen_port: UDP port; 0 = random.
    :param on_event:    called with each Event, on the tunnel's threads;
                        events are also queued for events() / fileno().
    :param on_socket:   called as on_socket(fd, family) with each UDP socket
                        the tunnel creates, before it is bound (here, at
                        rebind() and at a listen-port change): e.g. Android's
                        VpnService.protect(fd).  Raising OSError fails that
                        call with its errno and changes nothing; another
                        exception fails it with EPERM and is re-raised by it.
                        It must not call back into the tunnel, nor close fd.

    The interface and socket go away with close() (or the with block).
    """

    def __init__(self, ifname: Optional[str] = "wg%d", config: Optional[Device] = None, *,
                 tun_fd: Optional[int] = None, uapi: bool = False, offload: bool = True,
                 threads: int = 0, listen_port: int = 0, fwmark: int = 0, mtu: int = 0,
                 on_event: Optional[Callable[[Event], None]] = None, max_events: int = 4096,
                 on_socket: Optional[Callable[[int, int], None]] = None):
        self._tunnel = ffi.NULL
        self._cbs = _Callbacks(None, on_event, None, None, None, max_events)
        self._cbs.on_socket = on_socket
        if not tunnel_available():
            raise error_from_errno(_errno.EOPNOTSUPP, "managed engine not in this libwireguard")
        self._handle = ffi.new_handle(self._cbs)
        opts = ffi.new("struct wg_tunnel_options *")
        opts.size = ffi.sizeof("struct wg_tunnel_options")
        name = ffi.new("char[]", ifname.encode()) if ifname else ffi.NULL
        opts.ifname = name
        opts.tun_fd = -1 if tun_fd is None else tun_fd
        opts.flags = ((lib.WG_TUNNEL_UAPI if uapi else 0) |
                      (0 if offload else lib.WG_TUNNEL_NO_OFFLOAD))
        opts.threads = threads
        opts.listen_port = listen_port
        opts.fwmark = fwmark
        opts.mtu = mtu
        opts.event = lib._pywg_wg_engine_event_fn
        opts.ctx = self._handle
        if on_socket is not None:
            opts.socket = lib._pywg_wg_tunnel_socket_fn
            opts.socket_ctx = self._handle
        out = ffi.new("wg_tunnel **")
        ret = lib.wg_tunnel_new(out, opts)
        self._reraise()
        check(ret)
        self._tunnel = out[0]
        if config is not None:
            try:
                self.configure(config)
            except BaseException:
                self.close()
                raise

    def _ptr(self):
        if self._tunnel == ffi.NULL:
            raise ValueError("tunnel is closed")
        return self._tunnel

    @property
    def name(self) -> str:
        """The interface's name (the kernel's choice for a template)."""
        return ffi.string(lib.wg_tunnel_name(self._ptr())).decode()

    def configure(self, config: Device) -> None:
        """Apply a configuration with set_device() semantics (name ignored)."""
        ret = lib.wg_tunnel_set_device(self._ptr(), config.to_c())
        self._reraise()
        check(ret)

    def rebind(self) -> None:
        """Reopen the UDP sockets on the same port after a network change
        (through on_socket again), keeping peers and sessions.  On error
        the old sockets stay.  The new sockets belong to the calling
        thread's network namespace."""
        ret = lib.wg_tunnel_rebind(self._ptr())
        self._reraise()
        check(ret)

    def get_device(self) -> Device:
        """The configuration and statistics; listen_port is the bound port."""
        out = ffi.new("wg_device **")
        check(lib.wg_tunnel_get_device(self._ptr(), out))
        try:
            dev = Device.from_c(out[0])
        finally:
            lib.wg_free_device(out[0])
        dev.name = dev.name or self.name
        return dev

    def stopped_fd(self) -> int:
        """An fd that turns readable once the tunnel stopped by itself
        (its interface was deleted); owned by the tunnel."""
        return lib.wg_tunnel_stopped_fd(self._ptr())

    def wait_stopped(self, timeout: Optional[float] = None) -> bool:
        """Block until the tunnel stopped by itself; False on timeout.  Raises
        what an on_event callback raised, if one did."""
        stopped = bool(select.select([self.stopped_fd()], [], [], timeout)[0])
        self._reraise()
        return stopped

    def close(self) -> None:
        """Stop the threads, remove the interface and socket, wipe the keys."""
        if self._tunnel != ffi.NULL:
            lib.wg_tunnel_free(self._tunnel)
            self._tunnel = ffi.NULL
        if self._cbs.eventfd >= 0:
            os.close(self._cbs.eventfd)
            self._cbs.eventfd = -1
        self._reraise()
