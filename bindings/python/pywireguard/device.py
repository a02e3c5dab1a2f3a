# SPDX-License-Identifier: LGPL-2.1-or-later
"""Devices run by the kernel or by a userspace daemon, through the same calls.

Like wg(8), a name with a UAPI socket in /var/run/wireguard/ is a userspace
device (ours, wireguard-go's, boringtun's); any other name is the kernel's.
"""
from __future__ import annotations

from ._wireguard import ffi, lib
from .errors import check, check_ptr
from .model import Device

__all__ = ["get_device", "set_device", "list_devices", "create_device", "delete_device",
           "set_uapi_timeout"]


def set_uapi_timeout(seconds: float | None) -> float | None:
    """Bound how long this thread waits for a userspace daemon (wg_set_uapi_timeout).

    get_device() and set_device() on a userspace device raise
    WireGuardTimeoutError (a TimeoutError, errno ETIMEDOUT) when its daemon
    does not accept, read or answer within ``seconds`` (each wait).  None
    restores the default (10 s).  The setting is per thread; returns the
    previous one (None for the default).
    """
    if seconds is None:
        ms = 0
    elif seconds <= 0:
        from .errors import invalid
        raise invalid(f"a UAPI timeout must be positive, not {seconds!r}")
    else:
        ms = max(1, min(int(round(seconds * 1000)), 2**31 - 1))
    prev = check(lib.wg_set_uapi_timeout(ms))
    return prev / 1000 if prev else None


def get_device(name: str) -> Device:
    """Read a device's configuration and state (wg_get_device).

    Raises NoSuchDeviceError (errno ENODEV) if there is no such device,
    WireGuardPermissionError without CAP_NET_ADMIN.
    """
    out = ffi.new("wg_device **")
    check(lib.wg_get_device(out, name.encode()))
    try:
        return Device.from_c(out[0])
    finally:
        lib.wg_free_device(out[0])


def set_device(config: Device) -> None:
    """Apply config to the device config.name (wg_set_device).

    Only fields that are not None (and the flags remove, replace_peers,
    replace_allowed_ips, update_only) are applied.
    """
    if not config.name:
        import errno
        from .errors import error_from_errno
        raise error_from_errno(errno.EINVAL, "set_device needs a device name")
    check(lib.wg_set_device(config.to_c()))


def list_devices() -> list[str]:
    """Names of all WireGuard devices, kernel and userspace."""
    names = check_ptr(lib.wg_list_device_names())
    try:
        out, off = [], 0
        while names[off] != b"\0":
            name = ffi.string(names + off)
            out.append(name.decode(errors="replace"))
            off += len(name) + 1
        return out
    finally:
        lib.free(names)


def create_device(name: str) -> None:
    """Create a kernel WireGuard interface (ip link add NAME type wireguard).

    Userspace devices are created by starting their daemon (e.g. wg-engine).
    """
    check(lib.wg_add_device(name.encode()))


def delete_device(name: str) -> None:
    """Delete a kernel WireGuard interface."""
    check(lib.wg_del_device(name.encode()))
