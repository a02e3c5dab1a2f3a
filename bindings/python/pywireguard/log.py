# SPDX-License-Identifier: LGPL-2.1-or-later
"""The process-wide log callback (wg_set_log_callback)."""
from __future__ import annotations

import logging
from typing import Callable, Optional

from ._wireguard import ffi, lib

__all__ = ["set_log_callback", "log_to_logging"]

_current = None  # keeps the handle (and callback) alive while installed


class _Sink:
    def __init__(self, fn):
        self.on_log = fn


def set_log_callback(fn: Optional[Callable[[int, str], None]],
                     max_level: int = lib.WG_LOG_INFO) -> None:
    """Send the library's log lines to fn(level, message); None discards them.

    fn may be called from any thread and must not call into pywireguard.
    """
    global _current
    if fn is None:
        lib.wg_set_log_callback(ffi.NULL, ffi.NULL, 0)
        _current = None
        return
    handle = ffi.new_handle(_Sink(fn))
    lib.wg_set_log_callback(lib._pywg_wg_log_fn, handle, max_level)
    _current = handle


_LEVELS = {lib.WG_LOG_ERROR: logging.ERROR, lib.WG_LOG_INFO: logging.INFO,
           lib.WG_LOG_DEBUG: logging.DEBUG}


def log_to_logging(logger: Optional[logging.Logger] = None,
                   max_level: int = lib.WG_LOG_INFO) -> None:
    """Forward the library's log to a logging.Logger ("wireguard" by default)."""
    logger = logger or logging.getLogger("wireguard")
    set_log_callback(lambda lvl, msg: logger.log(_LEVELS.get(lvl, logging.DEBUG), msg), max_level)
