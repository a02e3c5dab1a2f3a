# SPDX-License-Identifier: LGPL-2.1-or-later
"""wg(8) configuration files: parse ("wg setconf"/"addconf") and format ("showconf").

wg-quick(8)'s extra [Interface] keys (Address, DNS, MTU, Table, Pre/PostUp,
Pre/PostDown, SaveConfig) are kept in a QuickConfig on Device.wg_quick, so
format_config() writes them back.
"""
from __future__ import annotations

import os
from typing import Iterator, Mapping, Optional, Union

from ._wireguard import ffi, lib
from .errors import check
from .model import Device

__all__ = ["QuickConfig", "parse_config", "load_config", "format_config", "save_config"]


def _quick_keys() -> dict[str, int]:
    # From the header's enum wg_quick_key: WG_QUICK_POST_UP -> "PostUp".
    special = {"DNS": "DNS", "MTU": "MTU"}
    out = {}
    for n in dir(lib):
        if n.startswith("WG_QUICK_"):
            words = n[len("WG_QUICK_"):].split("_")
            out["".join(special.get(w, w.capitalize()) for w in words)] = getattr(lib, n)
    return dict(sorted(out.items(), key=lambda kv: kv[1]))


QUICK_KEYS = _quick_keys()


class QuickConfig(Mapping[str, list]):
    """wg-quick's keys from a parsed file, read-only: {"Address": [...], ...}.

    Keys with no entries are absent.  Owns the C wg_quick_config.
    """

    def __init__(self, cdata):
        self._c = ffi.gc(cdata, lib.wg_quick_config_free)

    def _entries(self, key: int) -> list[str]:
        n = lib.wg_quick_config_count(self._c, key)
        return [ffi.string(lib.wg_quick_config_get(self._c, key, i)).decode() for i in range(n)]

    def __getitem__(self, name: str) -> list[str]:
        key = QUICK_KEYS.get(name)
        entries = self._entries(key) if key is not None else []
        if not entries:
            raise KeyError(name)
        return entries

    def __iter__(self) -> Iterator[str]:
        return (name for name, key in QUICK_KEYS.items()
                if lib.wg_quick_config_count(self._c, key))

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def __repr__(self) -> str:
        return "QuickConfig(%r)" % dict(self)

    def __eq__(self, other):
        if isinstance(other, Mapping):
            return dict(self) == dict(other)
        return NotImplemented


def _flags(append: bool, strict: bool, numeric: bool) -> int:
    return ((lib.WG_CONFIG_APPEND if append else 0) | (lib.WG_CONFIG_STRICT if strict else 0) |
            (lib.WG_CONFIG_NUMERIC if numeric else 0))


def _result(dev_out, quick_out) -> Device:
    try:
        dev = Device.from_c(dev_out[0])
    finally:
        lib.wg_free_device(dev_out[0])
    if quick_out[0] != ffi.NULL:
        quick = QuickConfig(quick_out[0])
        dev.wg_quick = quick if len(quick) else None
    return dev


def parse_config(text: Union[str, bytes], *, source_name: Optional[str] = None,
                 append: bool = False, strict: bool = False, numeric: bool = False) -> Device:
    """Parse wg(8)'s configuration format into a set-style Device.

    :param append:  `wg addconf` semantics (only what the text names is
                    set); default is `wg setconf` (replace peers, reset the
                    interface fields the text omits).
    :param strict:  reject wg-quick's keys as wg(8) does.
    :param numeric: never resolve host names in Endpoint.
    Raises WireGuardError(EINVAL) with "NAME:LINE: reason" for bad text.
    """
    data = text.encode() if isinstance(text, str) else bytes(text)
    dev_out = ffi.new("wg_device **")
    quick_out = ffi.new("wg_quick_config **")
    check(lib.wg_config_parse(dev_out, quick_out, data, len(data),
                              source_name.encode() if source_name else ffi.NULL,
                              _flags(append, strict, numeric)))
    return _result(dev_out, quick_out)


def load_config(path: Union[str, os.PathLike], *, append: bool = False, strict: bool = False,
                numeric: bool = False) -> Device:
    """Parse a configuration file; the name comes from "NAME.conf" as in wg-quick.

    Raises WireGuardFileNotFoundError (ENOENT, a FileNotFoundError) for a
    missing file, WireGuardError(EINVAL) for bad text.
    """
    dev_out = ffi.new("wg_device **")
    quick_out = ffi.new("wg_quick_config **")
    check(lib.wg_config_parse_file(dev_out, quick_out, os.fsencode(path),
                                   _flags(append, strict, numeric)))
    return _result(dev_out, quick_out)


def format_config(device: Device) -> str:
    """The device as `wg showconf` prints it (plus wg-quick keys if it has them).

    The text may contain the private key; Python cannot wipe str objects.
    """
    quick = device.wg_quick._c if isinstance(device.wg_quick, QuickConfig) else ffi.NULL
    out = ffi.new("char **")
    check(lib.wg_config_format(out, device.to_c(), quick))
    try:
        return ffi.string(out[0]).decode()
    finally:
        lib.wg_config_free_text(out[0])


def save_config(device: Device, path: Union[str, os.PathLike]) -> None:
    """Write format_config(device) to path, readable by its owner only."""
    text = format_config(device)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(text)
