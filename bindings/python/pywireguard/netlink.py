# SPDX-License-Identifier: LGPL-2.1-or-later
"""Kernel devices in any network namespace, and wg-quick's link, address
and route steps, through one reusable netlink handle (wg_netlink)."""
from __future__ import annotations

import ipaddress
import os
import socket
from typing import Union

from ._wireguard import ffi, lib
from .handle import Handle
from .errors import check, check_ptr
from .model import Device

__all__ = ["Netlink", "get_device_by_index"]

Interface = Union[str, ipaddress.IPv4Interface, ipaddress.IPv6Interface]
Network = Union[str, ipaddress.IPv4Network, ipaddress.IPv6Network]


def _names(buf) -> list[str]:
    try:
        out, off = [], 0
        while buf[off] != b"\0":
            name = ffi.string(buf + off)
            out.append(name.decode(errors="replace"))
            off += len(name) + 1
        return out
    finally:
        lib.free(buf)


def _family(addr) -> int:
    return socket.AF_INET if addr.version == 4 else socket.AF_INET6


class Netlink(Handle):
    """A handle on the kernel WireGuard devices and links of one namespace.

    :param netns: None for this process's namespace, a path such as
                  "/run/netns/NAME" or "/proc/PID/ns/net", or an open fd
                  (the handle keeps its own copy).

    Reuse one handle for many calls; close it (or use ``with``).  These
    calls always use the kernel, never a UAPI socket.
    """

    def __init__(self, netns: Union[None, str, os.PathLike, int] = None):
        self._nl = ffi.NULL
        out = ffi.new("wg_netlink **")
        if netns is None or isinstance(netns, int):
            check(lib.wg_netlink_open(out, -1 if netns is None else netns))
        else:
            fd = os.open(netns, os.O_RDONLY | os.O_CLOEXEC)
            try:
                check(lib.wg_netlink_open(out, fd))
            finally:
                os.close(fd)
        self._nl = out[0]

    def close(self) -> None:
        if self._nl != ffi.NULL:
            lib.wg_netlink_close(self._nl)
            self._nl = ffi.NULL

    def _ptr(self):
        if self._nl == ffi.NULL:
            raise ValueError("netlink handle is closed")
        return self._nl

    # --- WireGuard devices ---------------------------------------------------

    def get_device(self, name_or_index: Union[str, int]) -> Device:
        """Read a kernel device by name or interface index."""
        out = ffi.new("wg_device **")
        if isinstance(name_or_index, int):
            check(lib.wg_netlink_get_device_by_index(self._ptr(), out, name_or_index))
        else:
            check(lib.wg_netlink_get_device(self._ptr(), out, name_or_index.encode()))
        try:
            return Device.from_c(out[0])
        finally:
            lib.wg_free_device(out[0])

    def set_device(self, config: Device) -> None:
        """Apply config to the device config.name (or config.ifindex)."""
        check(lib.wg_netlink_set_device(self._ptr(), config.to_c()))

    def add_device(self, name: str) -> None:
        """ip link add NAME type wireguard."""
        check(lib.wg_netlink_add_device(self._ptr(), name.encode()))

    def delete_device(self, name: str) -> None:
        """Delete a kernel WireGuard link (other links are left alone)."""
        check(lib.wg_netlink_del_device(self._ptr(), name.encode()))

    def list_devices(self) -> list[str]:
        """Names of the kernel WireGuard links in this namespace."""
        return _names(check_ptr(lib.wg_netlink_list_device_names(self._ptr())))

    # --- links, addresses, routes (what wg-quick does) -------------------------

    def set_up(self, name: str, up: bool = True) -> None:
        """ip link set NAME up|down (any link)."""
        check(lib.wg_link_set_up(self._ptr(), name.encode(), up))

    def set_mtu(self, name: str, mtu: int) -> None:
        """ip link set NAME mtu MTU."""
        check(lib.wg_link_set_mtu(self._ptr(), name.encode(), mtu))

    def add_address(self, name: str, address: Interface) -> None:
        """ip address add ADDR/PREFIX dev NAME ("10.0.0.1/24")."""
        a = ipaddress.ip_interface(address)
        check(lib.wg_addr_add(self._ptr(), name.encode(), _family(a), a.ip.packed,
                              a.network.prefixlen))

    def delete_address(self, name: str, address: Interface) -> None:
        """ip address del ADDR/PREFIX dev NAME."""
        a = ipaddress.ip_interface(address)
        check(lib.wg_addr_del(self._ptr(), name.encode(), _family(a), a.ip.packed,
                              a.network.prefixlen))

    def add_route(self, name: str, dest: Network, table: int = 0) -> None:
        """ip route add DEST/PREFIX dev NAME [table TABLE]."""
        n = ipaddress.ip_network(dest)
        check(lib.wg_route_add(self._ptr(), name.encode(), _family(n),
                               n.network_address.packed, n.prefixlen, table))

    def delete_route(self, name: str, dest: Network, table: int = 0) -> None:
        """ip route del DEST/PREFIX dev NAME [table TABLE]."""
        n = ipaddress.ip_network(dest)
        check(lib.wg_route_del(self._ptr(), name.encode(), _family(n),
                               n.network_address.packed, n.prefixlen, table))


def get_device_by_index(ifindex: int) -> Device:
    """Read a kernel device by interface index, in this process's namespace."""
    out = ffi.new("wg_device **")
    check(lib.wg_get_device_by_index(out, ifindex))
    try:
        return Device.from_c(out[0])
    finally:
        lib.wg_free_device(out[0])
