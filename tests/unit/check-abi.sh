#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# The ABI of the built library against the checked-in baseline
# (lib/libwireguard.abi): new functions are fine; any other change (a removed
# or changed function, a changed type, even a struct grown at its end) fails
# until a person accepts it by refreshing the baseline with tools/update-abi.sh.
set -u
lib=$1 baseline=$2 headers=$3
command -v abidiff >/dev/null || { echo "abidiff (abigail-tools) not installed"; exit 77; }
abidiff --no-added-syms --headers-dir2 "$headers" "$baseline" "$lib"
rc=$?
# abidiff exits 0 only when nothing but additions changed (added symbols are
# not reported): any other change, compatible or not, needs a new baseline.
if [ $rc -ne 0 ]; then
	echo "0 passed, 1 failed"
	exit 1
fi
echo "1 passed, 0 failed"
