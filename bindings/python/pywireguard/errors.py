# SPDX-License-Identifier: LGPL-2.1-or-later
"""Exceptions: every failure of the C library becomes a WireGuardError."""
import errno as _errno
import os

from ._wireguard import ffi, lib

__all__ = ["WireGuardError", "NoSuchDeviceError", "WireGuardFileNotFoundError",
           "WireGuardPermissionError", "WireGuardTimeoutError", "InvalidArgumentError", "check",
           "check_ptr", "error_from_errno"]


class WireGuardError(OSError):
    """A libwireguard call failed.

    ``.errno`` is the positive errno value the C function returned (negated)
    and ``.strerror`` the library's own message (wg_last_error()), which says
    more than os.strerror() would.
    """


class NoSuchDeviceError(WireGuardError, FileNotFoundError):
    """ENODEV: no such device (also catchable as FileNotFoundError)."""


class WireGuardFileNotFoundError(WireGuardError, FileNotFoundError):
    """ENOENT: no such file (a configuration file, a UAPI socket)."""


class WireGuardPermissionError(WireGuardError, PermissionError):
    """EPERM/EACCES: the call needs privileges (CAP_NET_ADMIN, root)."""


class WireGuardTimeoutError(WireGuardError, TimeoutError):
    """ETIMEDOUT: a userspace daemon did not answer in time (set_uapi_timeout);
    also catchable as TimeoutError."""


class InvalidArgumentError(WireGuardError, ValueError):
    """EINVAL: a malformed key, address, port or configuration (also a
    ValueError, as Python code expects of bad values)."""


_CLASSES = {
    _errno.EINVAL: InvalidArgumentError,
    _errno.ENODEV: NoSuchDeviceError,
    _errno.ENOENT: WireGuardFileNotFoundError,
    _errno.EPERM: WireGuardPermissionError,
    _errno.EACCES: WireGuardPermissionError,
    _errno.ETIMEDOUT: WireGuardTimeoutError,
}


def last_error() -> str:
    """The calling thread's last libwireguard error message ("" if none)."""
    return ffi.string(lib.wg_last_error()).decode("utf-8", "replace")


def error_from_errno(err: int, message: str = "") -> WireGuardError:
    """The exception for a positive errno, with the library's message."""
    message = message or last_error() or os.strerror(err)
    return _CLASSES.get(err, WireGuardError)(err, message)


def check(ret: int) -> int:
    """Return ret if it is >= 0, else raise the WireGuardError for -ret.

    Must be called right after the C call: the message is per thread and
    replaced by the next failing call.
    """
    if ret < 0:
        raise error_from_errno(-ret)
    return ret


def invalid(message: str) -> InvalidArgumentError:
    """The exception for a bad value caught on the Python side."""
    return InvalidArgumentError(_errno.EINVAL, message)


def check_ptr(ptr):
    """Return ptr, or raise the WireGuardError for errno if it is NULL."""
    if ptr == ffi.NULL:
        raise error_from_errno(ffi.errno or _errno.EIO)
    return ptr
