#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# The layers call only downward: every symbol a layer's archive needs from
# the library is defined by the layer itself or by a layer it stands on.
# Usage: check-layers.sh NAME=ARCHIVE:LOWER,LOWER... ...
set -eu
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
for spec; do
	name=${spec%%=*} rest=${spec#*=}
	nm --defined-only -g "${rest%%:*}" | awk 'NF == 3 { print $3 }' | sort -u >"$dir/$name.def"
	nm -u "${rest%%:*}" | awk '{ print $2 }' | sort -u >"$dir/$name.undef"
done
cat "$dir"/*.def | sort -u >"$dir/all"
passed=0 failed=0
for spec; do
	name=${spec%%=*} lower=${spec#*:}
	allowed=$dir/$name.def
	for l in $(echo "$lower" | tr , ' '); do allowed="$allowed $dir/$l.def"; done
	# shellcheck disable=SC2086
	bad=$(sort -u $allowed | comm -23 "$dir/$name.undef" - | comm -12 - "$dir/all")
	if [ -n "$bad" ]; then
		echo "layer $name calls upward or sideways:"; echo "$bad" | sed 's/^/  /'
		failed=$((failed + 1))
	else
		passed=$((passed + 1))
	fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
