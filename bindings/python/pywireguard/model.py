# SPDX-License-Identifier: LGPL-2.1-or-later
"""The configuration model (device -> peers -> allowed IPs) in Python types.

Device, Peer and AllowedIP mirror struct wg_device, wg_peer and
wg_allowedip.  A field that is None is "not set": on a set it is left
unchanged, on a get it was not reported.  to_c() builds the C tree (owned by
a cffi gc handle that calls wg_free_device) and from_c() reads one back.
"""
from __future__ import annotations

import datetime as _dt
import ipaddress
import socket
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Iterable, Mapping, NamedTuple, Optional, Tuple, Union

from ._wireguard import ffi, lib
from .errors import check_ptr, error_from_errno, invalid
from .key import Key, PublicKey

__all__ = ["Endpoint", "AllowedIP", "Peer", "Device", "KeyLike", "EndpointLike", "AllowedIPLike"]

IPAddress = Union[ipaddress.IPv4Address, ipaddress.IPv6Address]
IPNetwork = Union[ipaddress.IPv4Network, ipaddress.IPv6Network]
# What the constructors accept; the attributes then hold the first type.
KeyLike = Union[Key, str, bytes]
EndpointLike = Union["Endpoint", str, Tuple[Any, ...]]
AllowedIPLike = Union["AllowedIP", IPNetwork, IPAddress, str]
_EPOCH = _dt.datetime(1970, 1, 1, tzinfo=_dt.timezone.utc)
_U16, _U32, _U64 = 0xFFFF, 0xFFFFFFFF, 0xFFFFFFFFFFFFFFFF
_IFNAMSIZ = 16


def _uint(name: str, value: Optional[int], maximum: int) -> Optional[int]:
    """value if it is None or an int in 0..maximum: TypeError for another
    type, ValueError out of range (never cffi's OverflowError later)."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError("%s must be an int, not %s" % (name, type(value).__name__))
    if not 0 <= value <= maximum:
        raise invalid("%s %d is out of range 0..%d" % (name, value, maximum))
    return value


def _key(name: str, value: object, cls: type) -> object:
    """A Key of class cls from a Key, 32 bytes or base64/hex text."""
    if value is None or type(value) is cls:
        return value
    if isinstance(value, Key):
        return cls(bytes(value))
    if isinstance(value, bytes) and len(value) in (44, 64):  # base64 or hex text
        return cls(value.decode("ascii", "replace"))
    if isinstance(value, (str, bytes, bytearray, memoryview)):
        return cls(value)
    raise TypeError("%s must be a Key, bytes or str, not %s" % (name, type(value).__name__))


class Endpoint(NamedTuple):
    """A UDP endpoint: an IP address and a port (scope_id for IPv6 link-local)."""

    host: IPAddress
    port: int
    scope_id: int = 0
    flowinfo: int = 0

    @classmethod
    def parse(cls, text: str) -> "Endpoint":
        """Parse "192.0.2.1:51820" or "[2001:db8::1]:51820" (numeric hosts only)."""
        import errno
        if not isinstance(text, str):
            raise TypeError("an endpoint is parsed from str, not %s" % type(text).__name__)
        try:
            host, _, port = text.rpartition(":")
            if host.startswith("["):
                host = host[1:-1] if host.endswith("]") else ""
            scope = 0
            if "%" in host:
                host, _, ifname = host.partition("%")
                scope = int(ifname) if ifname.isdigit() else socket.if_nametoindex(ifname)
            addr = ipaddress.ip_address(host)
            port_n = int(port)
            if not 0 <= port_n <= 65535:
                raise ValueError("port out of range")
        except (ValueError, OSError) as e:
            raise error_from_errno(errno.EINVAL, "bad endpoint %r: %s" % (text, e)) from None
        return cls(addr, port_n, scope)

    def __str__(self) -> str:
        if self.host.version == 6:
            scope = "%%%d" % self.scope_id if self.scope_id else ""
            return "[%s%s]:%d" % (self.host, scope, self.port)
        return "%s:%d" % (self.host, self.port)

    def _checked(self) -> "Endpoint":
        try:
            host = ipaddress.ip_address(self.host)
        except ValueError as e:
            raise invalid("bad endpoint address: %s" % e) from None
        port = _uint("endpoint port", self.port, _U16)
        scope = _uint("endpoint scope_id", self.scope_id, _U32)
        flow = _uint("endpoint flowinfo", self.flowinfo, 0xFFFFF)
        if host == self.host:
            return self
        return Endpoint(host, port or 0, scope or 0, flow or 0)

    def _to_c(self, ep: Any) -> None:
        host = ipaddress.ip_address(self.host)
        if host.version == 4:
            ep.addr4.sin_family = socket.AF_INET
            ep.addr4.sin_port = socket.htons(self.port)
            ffi.memmove(ffi.addressof(ep.addr4, "sin_addr"), host.packed, 4)
        else:
            ep.addr6.sin6_family = socket.AF_INET6
            ep.addr6.sin6_port = socket.htons(self.port)
            ep.addr6.sin6_flowinfo = socket.htonl(self.flowinfo)
            ep.addr6.sin6_scope_id = self.scope_id
            ffi.memmove(ffi.addressof(ep.addr6, "sin6_addr"), host.packed, 16)

    @classmethod
    def _from_c(cls, ep: Any) -> Optional["Endpoint"]:
        if ep.addr.sa_family == socket.AF_INET:
            raw = bytes(ffi.buffer(ffi.addressof(ep.addr4, "sin_addr"), 4))
            return cls(ipaddress.IPv4Address(raw), socket.ntohs(ep.addr4.sin_port))
        if ep.addr.sa_family == socket.AF_INET6:
            raw = bytes(ffi.buffer(ffi.addressof(ep.addr6, "sin6_addr"), 16))
            return cls(ipaddress.IPv6Address(raw), socket.ntohs(ep.addr6.sin6_port),
                       ep.addr6.sin6_scope_id, socket.ntohl(ep.addr6.sin6_flowinfo))
        return None


def _endpoint(value: object) -> Optional[Endpoint]:
    """An Endpoint from an Endpoint, "host:port" text or a (host, port, ...)
    tuple, checked: ValueError for a bad address or port, TypeError for
    anything else."""
    if value is None:
        return None
    if isinstance(value, Endpoint):
        return value._checked()
    if isinstance(value, str):
        return Endpoint.parse(value)
    if isinstance(value, tuple) and 2 <= len(value) <= 4:
        return Endpoint(*value)._checked()
    raise TypeError("an endpoint is an Endpoint, \"host:port\" or a (host, port) tuple, not %s"
                    % type(value).__name__)


@dataclass
class AllowedIP:
    """One prefix a peer may use as source and receives as destination.

    ``network`` accepts anything ipaddress.ip_network() takes; host bits are
    masked off as the kernel does.  ``remove`` deletes the prefix on a set.
    """

    network: IPNetwork
    remove: bool = False

    if TYPE_CHECKING:
        def __init__(self, network: Union[IPNetwork, IPAddress, str], remove: bool = False) -> None: ...

    def __post_init__(self) -> None:
        if not isinstance(self.network, (ipaddress.IPv4Network, ipaddress.IPv6Network)):
            if not isinstance(self.network, (str, ipaddress.IPv4Address, ipaddress.IPv6Address, tuple)):
                raise TypeError("an allowed IP is a network, address or str, not %s"
                                % type(self.network).__name__)
            try:
                self.network = ipaddress.ip_network(self.network, strict=False)
            except ValueError as e:
                raise invalid("bad allowed IP: %s" % e) from None

    def __str__(self) -> str:
        """As wg(8) writes it: "10.0.0.0/24" ("-10.0.0.0/24" to remove)."""
        return ("-" if self.remove else "") + str(self.network)


@dataclass
class Peer:
    """A peer, identified by its public key.

    On a set: None leaves a field unchanged; ``remove`` deletes the peer;
    ``replace_allowed_ips`` makes allowed_ips the complete list;
    ``update_only`` never creates the peer.  On a get: the statistics
    (last_handshake_time, rx_bytes, tx_bytes) are filled in.
    """

    public_key: PublicKey
    preshared_key: Optional[Key] = None
    endpoint: Optional[Endpoint] = None
    persistent_keepalive_interval: Optional[int] = None
    allowed_ips: list[AllowedIP] = field(default_factory=list)
    protocol_version: Optional[int] = None
    remove: bool = False
    replace_allowed_ips: bool = False
    update_only: bool = False
    last_handshake_time: Optional[_dt.datetime] = None
    rx_bytes: int = 0
    tx_bytes: int = 0

    if TYPE_CHECKING:
        def __init__(self, public_key: KeyLike, preshared_key: Optional[KeyLike] = None,
                     endpoint: Optional[EndpointLike] = None,
                     persistent_keepalive_interval: Optional[int] = None,
                     allowed_ips: Iterable[AllowedIPLike] = (), protocol_version: Optional[int] = None,
                     remove: bool = False, replace_allowed_ips: bool = False, update_only: bool = False,
                     last_handshake_time: Optional[_dt.datetime] = None,
                     rx_bytes: int = 0, tx_bytes: int = 0) -> None: ...

    def __post_init__(self) -> None:
        # Checked here, where the value arrived, and again by to_c().
        if self.public_key is None:
            raise TypeError("a peer needs a public key")
        self.public_key = _key("public_key", self.public_key, PublicKey)  # type: ignore[assignment]
        self.preshared_key = _key("preshared_key", self.preshared_key, Key)  # type: ignore[assignment]
        self.endpoint = _endpoint(self.endpoint)
        _uint("persistent_keepalive_interval", self.persistent_keepalive_interval, _U16)
        _uint("protocol_version", self.protocol_version, _U32)
        _uint("rx_bytes", self.rx_bytes, _U64)
        _uint("tx_bytes", self.tx_bytes, _U64)
        if isinstance(self.allowed_ips, (str, AllowedIP)):
            raise TypeError("allowed_ips is a list")
        self.allowed_ips = [a if isinstance(a, AllowedIP) else AllowedIP(a)
                            for a in self.allowed_ips]


@dataclass
class Device:
    """A WireGuard device's configuration and state.

    On a set: None leaves a field unchanged; ``replace_peers`` makes peers
    the complete list.  ``public_key`` is derived from private_key on a get.
    """

    name: str = ""
    private_key: Optional[Key] = None
    public_key: Optional[PublicKey] = None
    listen_port: Optional[int] = None
    fwmark: Optional[int] = None
    peers: list[Peer] = field(default_factory=list)
    replace_peers: bool = False
    ifindex: int = 0
    # wg-quick's keys when parsed from a file (a configfile.QuickConfig).
    wg_quick: Optional[Mapping[str, list[str]]] = field(default=None, compare=False)

    if TYPE_CHECKING:
        def __init__(self, name: str = "", private_key: Optional[KeyLike] = None,
                     public_key: Optional[KeyLike] = None, listen_port: Optional[int] = None,
                     fwmark: Optional[int] = None, peers: Iterable[Peer] = (), replace_peers: bool = False,
                     ifindex: int = 0, wg_quick: Optional[Mapping[str, list[str]]] = None) -> None: ...

    def __post_init__(self) -> None:
        # Checked here, where the value arrived, and again by to_c().
        if not isinstance(self.name, str):
            raise TypeError("name must be a str, not %s" % type(self.name).__name__)
        if len(self.name.encode()) >= _IFNAMSIZ or "\0" in self.name:
            raise invalid("interface name %r: at most %d bytes, no NUL" % (self.name, _IFNAMSIZ - 1))
        self.private_key = _key("private_key", self.private_key, Key)  # type: ignore[assignment]
        self.public_key = _key("public_key", self.public_key, PublicKey)  # type: ignore[assignment]
        _uint("listen_port", self.listen_port, _U16)
        _uint("fwmark", self.fwmark, _U32)
        _uint("ifindex", self.ifindex, _U32)
        if isinstance(self.peers, Peer):
            raise TypeError("peers is a list")
        self.peers = list(self.peers)
        for p in self.peers:
            if not isinstance(p, Peer):
                raise TypeError("peers holds Peer objects, not %s" % type(p).__name__)

    def to_config(self) -> str:
        """This device in wg(8)'s configuration format (see format_config)."""
        from .configfile import format_config
        return format_config(self)

    def peer(self, public_key: Key) -> Optional[Peer]:
        """The peer with this public key, or None."""
        return next((p for p in self.peers if p.public_key == public_key), None)

    # --- conversion to and from struct wg_device -------------------------

    def to_c(self) -> Any:
        """A new C wg_device tree; freed (keys wiped) when the cdata is collected."""
        self.__post_init__()
        name = self.name.encode()
        dev = ffi.gc(check_ptr(lib.wg_device_new(name or ffi.NULL)), lib.wg_free_device)
        flags = 0
        if self.replace_peers:
            flags |= lib.WGDEVICE_REPLACE_PEERS
        if self.private_key is not None:
            flags |= lib.WGDEVICE_HAS_PRIVATE_KEY
            ffi.memmove(dev.private_key, self.private_key._key, 32)
        if self.public_key is not None:
            flags |= lib.WGDEVICE_HAS_PUBLIC_KEY
            ffi.memmove(dev.public_key, self.public_key._key, 32)
        if self.listen_port is not None:
            flags |= lib.WGDEVICE_HAS_LISTEN_PORT
            dev.listen_port = self.listen_port
        if self.fwmark is not None:
            flags |= lib.WGDEVICE_HAS_FWMARK
            dev.fwmark = self.fwmark
        dev.flags = flags
        dev.ifindex = self.ifindex
        for p in self.peers:
            _peer_to_c(p, check_ptr(lib.wg_device_add_peer(dev)))
        return dev

    @classmethod
    def from_c(cls, dev: Any) -> "Device":
        """Read a C wg_device tree (not freed here)."""
        f = dev.flags
        out = cls(name=ffi.string(dev.name).decode(errors="replace"), ifindex=dev.ifindex,
                  replace_peers=bool(f & lib.WGDEVICE_REPLACE_PEERS))
        if f & lib.WGDEVICE_HAS_PRIVATE_KEY:
            out.private_key = Key._from_cdata(dev.private_key)
        if f & lib.WGDEVICE_HAS_PUBLIC_KEY:
            out.public_key = PublicKey._from_cdata(dev.public_key)
        if f & lib.WGDEVICE_HAS_LISTEN_PORT:
            out.listen_port = dev.listen_port
        if f & lib.WGDEVICE_HAS_FWMARK:
            out.fwmark = dev.fwmark
        p = dev.first_peer
        while p != ffi.NULL:
            out.peers.append(_peer_from_c(p))
            p = p.next_peer
        return out


def _peer_to_c(p: Peer, cp: Any) -> None:
    p.__post_init__()
    flags = lib.WGPEER_HAS_PUBLIC_KEY
    ffi.memmove(cp.public_key, p.public_key._key, 32)
    if p.preshared_key is not None:
        flags |= lib.WGPEER_HAS_PRESHARED_KEY
        ffi.memmove(cp.preshared_key, p.preshared_key._key, 32)
    if p.persistent_keepalive_interval is not None:
        flags |= lib.WGPEER_HAS_PERSISTENT_KEEPALIVE_INTERVAL
        cp.persistent_keepalive_interval = p.persistent_keepalive_interval
    if p.protocol_version is not None:
        flags |= lib.WGPEER_HAS_PROTOCOL_VERSION
        cp.protocol_version = p.protocol_version
    if p.remove:
        flags |= lib.WGPEER_REMOVE_ME
    if p.replace_allowed_ips:
        flags |= lib.WGPEER_REPLACE_ALLOWEDIPS
    if p.update_only:
        flags |= lib.WGPEER_UPDATE_ONLY
    cp.flags = flags
    if p.endpoint is not None:
        p.endpoint._to_c(cp.endpoint)
    if p.last_handshake_time is not None:
        delta = p.last_handshake_time - _EPOCH
        cp.last_handshake_time.tv_sec = delta.days * 86400 + delta.seconds
        cp.last_handshake_time.tv_nsec = delta.microseconds * 1000
    cp.rx_bytes = p.rx_bytes
    cp.tx_bytes = p.tx_bytes
    for a in p.allowed_ips:
        ca = check_ptr(lib.wg_peer_add_allowedip(cp))
        net = a.network
        if net.version == 4:
            ca.family = socket.AF_INET
            ffi.memmove(ffi.addressof(ca, "ip4"), net.network_address.packed, 4)
        else:
            ca.family = socket.AF_INET6
            ffi.memmove(ffi.addressof(ca, "ip6"), net.network_address.packed, 16)
        ca.cidr = net.prefixlen
        ca.flags = lib.WGALLOWEDIP_REMOVE_ME if a.remove else 0


def _peer_from_c(cp: Any) -> Peer:
    f = cp.flags
    peer = Peer(public_key=PublicKey._from_cdata(cp.public_key),
                remove=bool(f & lib.WGPEER_REMOVE_ME),
                replace_allowed_ips=bool(f & lib.WGPEER_REPLACE_ALLOWEDIPS),
                update_only=bool(f & lib.WGPEER_UPDATE_ONLY),
                rx_bytes=cp.rx_bytes, tx_bytes=cp.tx_bytes,
                endpoint=Endpoint._from_c(cp.endpoint))
    if f & lib.WGPEER_HAS_PRESHARED_KEY:
        peer.preshared_key = Key._from_cdata(cp.preshared_key)
    if f & lib.WGPEER_HAS_PERSISTENT_KEEPALIVE_INTERVAL:
        peer.persistent_keepalive_interval = cp.persistent_keepalive_interval
    if f & lib.WGPEER_HAS_PROTOCOL_VERSION:
        peer.protocol_version = cp.protocol_version
    ts = cp.last_handshake_time
    if ts.tv_sec or ts.tv_nsec:
        peer.last_handshake_time = _EPOCH + _dt.timedelta(seconds=ts.tv_sec,
                                                          microseconds=ts.tv_nsec // 1000)
    a = cp.first_allowedip
    while a != ffi.NULL:
        if a.family == socket.AF_INET:
            raw = bytes(ffi.buffer(ffi.addressof(a, "ip4"), 4))
        else:
            raw = bytes(ffi.buffer(ffi.addressof(a, "ip6"), 16))
        net = ipaddress.ip_network((raw, a.cidr), strict=False)
        peer.allowed_ips.append(AllowedIP(net, remove=bool(a.flags & lib.WGALLOWEDIP_REMOVE_ME)))
        a = a.next_allowedip
    return peer
