# SPDX-License-Identifier: LGPL-2.1-or-later
"""Configurations computed in memory: canonical form, apply, equality, diff.

A "state" is a whole configuration (what get_device() returns, or a parsed
file); a "set" is what set_device() takes.  These follow the Linux driver's
semantics, so that sync_device() sends only what changed, like `wg syncconf`.
"""
from __future__ import annotations

import errno as _errno

from ._wireguard import ffi, lib
from .errors import check, error_from_errno
from .model import Device

__all__ = ["canonical", "apply", "config_equal", "diff", "sync_device", "canon_available"]


def canon_available() -> bool:
    """Whether this libwireguard has the canonical/diff functions."""
    return hasattr(lib, "wg_device_diff")


def _need():
    if not canon_available():
        raise error_from_errno(_errno.EOPNOTSUPP, "canonical form and diff not in this libwireguard")


def _out(cdev) -> Device:
    try:
        return Device.from_c(cdev)
    finally:
        lib.wg_free_device(cdev)


def canonical(state: Device) -> Device:
    """The state a new device would have after set_device(state): host bits
    cleared, duplicates merged, peers sorted by key (wg_device_canonicalize)."""
    _need()
    c = state.to_c()
    check(lib.wg_device_canonicalize(c))
    return Device.from_c(c)


def apply(state: Device, changes: Device) -> Device:
    """A new state: changes (a set) applied onto state as the driver would."""
    _need()
    c = state.to_c()
    check(lib.wg_device_apply(c, changes.to_c()))
    return Device.from_c(c)


def config_equal(a: Device, b: Device) -> bool:
    """Whether two states configure the same thing (statistics, names and
    flags ignored); both are canonicalized first."""
    _need()
    ca, cb = a.to_c(), b.to_c()
    check(lib.wg_device_canonicalize(ca))
    check(lib.wg_device_canonicalize(cb))
    return bool(lib.wg_device_equal(ca, cb))


def diff(current: Device, wanted: Device, *, remove_allowed_ips: bool = False) -> Device:
    """The smallest set that turns current into wanted (wg_device_diff).

    remove_allowed_ips: remove single prefixes with AllowedIP.remove (Linux
    6.16+, our engine, UAPI) instead of resending a peer's whole list.
    """
    _need()
    out = ffi.new("wg_device **")
    check(lib.wg_device_diff(out, current.to_c(), wanted.to_c(),
                             lib.WG_DIFF_REMOVE_ALLOWEDIPS if remove_allowed_ips else 0))
    return _out(out[0])


def sync_device(name: str, wanted: Device, **kw) -> Device:
    """Make device name configure exactly wanted, sending only the difference
    (like `wg syncconf`).  Returns the set that was applied."""
    from .device import get_device, set_device
    changes = diff(get_device(name), wanted, **kw)
    changes.name = name
    if changes.peers or changes.private_key is not None or changes.listen_port is not None \
            or changes.fwmark is not None:
        set_device(changes)
    return changes
