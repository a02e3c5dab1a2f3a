# SPDX-License-Identifier: LGPL-2.1-or-later
"""The process-wide log callback (wg_set_log_callback)."""
from __future__ import annotations

import logging
from typing import Callable, Optional

from ._wireguard import ffi, lib

__all__ = ["set_log_callback", "log_to_logging"]

_current = None  # keeps the handle (and callback) alive while installed


class _Sink:
    """The process-wide log callback: nothing waits on it, so an exception
    it raises is logged through logging ("pywireguard") and kept in .error."""

    def __init__(self, fn: Callable[[int, str], None]) -> None:
        self.on_log = fn
        self.error: Optional[BaseException] = None

    def fail(self, e: BaseException, where: str) -> None:
        logging.getLogger("pywireguard").error("exception in the %s callback", where, exc_info=e)
        self.error = self.error or e


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
