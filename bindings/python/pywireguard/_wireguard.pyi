# SPDX-License-Identifier: LGPL-2.1-or-later
# The cffi extension, generated from include/wireguard.h: its functions and
# constants are the header's, untyped for Python type checkers.
from typing import Any

ffi: Any
lib: Any
