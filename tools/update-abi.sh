#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Record the current ABI as the baseline that tests/unit/check-abi.sh holds
# later builds to.  Run after an intended, compatible addition to the API.
set -eu
cd "$(dirname "$0")/.."
build=${1:-build}
meson compile -C "$build" >/dev/null
abidw --headers-dir include --no-corpus-path --out-file lib/libwireguard.abi "$build/lib/libwireguard.so"
echo "wrote lib/libwireguard.abi"
