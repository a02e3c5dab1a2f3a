# SPDX-License-Identifier: LGPL-2.1-or-later
"""pywireguard: Python bindings for libwireguard.

    >>> from pywireguard import Key, Device, Peer
    >>> priv = Key.generate()
    >>> dev = Device(name="wg0", private_key=priv, listen_port=51820,
    ...              peers=[Peer(Key.generate().public_key(), allowed_ips=["10.0.0.2/32"])])

Everything is generated from include/wireguard.h through cffi; the raw
module is available as pywireguard.ffi / pywireguard.lib.
"""
from ._wireguard import ffi, lib
from .canon import apply, canon_available, canonical, config_equal, diff, sync_device
from .configfile import QuickConfig, format_config, load_config, parse_config, save_config
from .device import (create_device, delete_device, get_device, list_devices, set_device,
                     set_uapi_timeout)
from .engine import (HEADROOM, TAILROOM, DropReason, Engine, Event, EventType, PacketResult,
                     PacketStatus)
from .errors import (InvalidArgumentError, NoSuchDeviceError, WireGuardError,
                     WireGuardFileNotFoundError, WireGuardPermissionError, WireGuardTimeoutError,
                     check)
from .key import Key, PublicKey
from .tunnel import Tunnel, tunnel_available
from .watch import Watch, WatchEvent
from .netlink import Netlink, get_device_by_index
from .log import log_to_logging, set_log_callback
from .model import AllowedIP, Device, Endpoint, Peer

__version__ = ffi.string(lib.wg_version()).decode()

__all__ = [
    "ffi", "lib", "check", "WireGuardError", "NoSuchDeviceError", "WireGuardFileNotFoundError",
    "WireGuardPermissionError", "WireGuardTimeoutError", "InvalidArgumentError",
    "Key", "PublicKey", "Endpoint", "AllowedIP", "Peer", "Device",
    "canonical", "apply", "config_equal", "diff", "sync_device", "canon_available",
    "QuickConfig", "parse_config", "load_config", "format_config", "save_config",
    "Netlink", "get_device_by_index",
    "get_device", "set_device", "list_devices", "create_device", "delete_device", "set_uapi_timeout",
    "Engine", "Tunnel", "tunnel_available", "Event", "EventType", "PacketResult", "PacketStatus", "DropReason",
    "HEADROOM", "TAILROOM", "set_log_callback", "log_to_logging", "Watch", "WatchEvent",
]
