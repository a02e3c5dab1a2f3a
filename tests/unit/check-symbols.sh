#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# The shared library exports only wg_ symbols, each declared in the public
# header, under the versioned node of the linker script.
set -eu
lib=$1 header=$2
passed=0 failed=0
syms=$(nm -D --defined-only "$lib" | awk '$2 ~ /^[TDBR]$/ { print $3 }')
[ -n "$syms" ] || { echo "no symbols exported from $lib"; exit 1; }
for s in $syms; do
	name=${s%%@*}
	case $name in
	LIBWIREGUARD_*) continue ;;	# the version node itself
	wg_*) ;;
	*) echo "exported symbol without wg_ prefix: $s"; failed=$((failed + 1)); continue ;;
	esac
	if ! grep -Eq "\\b$name\\(" "$header"; then
		echo "exported but not declared in the header: $name"; failed=$((failed + 1)); continue
	fi
	case $s in
	*@LIBWIREGUARD_*) passed=$((passed + 1)) ;;
	*) echo "unversioned symbol: $s"; failed=$((failed + 1)) ;;
	esac
done
# And the other way round: every function the header declares is exported.
# (declarations start a line; comments and typedefs of function types do not count)
for name in $(grep -Ev '^\s*(/?\*|typedef|#)' "$header" | grep -Eo '\bwg_[a-z0-9_]+\(' | tr -d '(' | sort -u); do
	if echo "$syms" | grep -q "^$name@"; then passed=$((passed + 1)); else
		echo "declared in the header but not exported: $name"; failed=$((failed + 1)); fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
