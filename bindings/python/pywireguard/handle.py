# SPDX-License-Identifier: LGPL-2.1-or-later
"""What every object owning a C handle shares: close() on exit from a
``with`` block and on garbage collection."""

from __future__ import annotations


class Handle:
    """Mixin: subclasses define close(), which must be idempotent."""

    def close(self) -> None:  # pragma: no cover - always overridden
        raise NotImplementedError

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __del__(self):
        # Interpreter shutdown may have torn down the module already.
        try:
            self.close()
        except Exception:
            pass
