#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# The committed SWIG output (bindings/go/capi/capi.go, capi_wrap.c) is what
# SWIG makes from capi.i and include/wireguard.h now: regenerate into a
# temporary directory and compare.  Fails with the command that fixes it.
#   check-capi.sh SOURCE_ROOT [GO]   (GO's gofmt formats the output)
set -u
src=$1
[ -n "${2:-}" ] && PATH=$(dirname "$2"):$PATH
if ! command -v swig >/dev/null; then
	echo "SKIP: swig not installed (apt-get install swig)"
	exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
sh "$src/bindings/go/capi/generate.sh" "$tmp" || exit 1
status=0
for f in capi.go capi_wrap.c; do
	if ! diff -u "$src/bindings/go/capi/$f" "$tmp/$f" >"$tmp/$f.diff"; then
		head -n 40 "$tmp/$f.diff"
		echo "FAIL: bindings/go/capi/$f is stale"
		status=1
	fi
done
if [ "$status" -ne 0 ]; then
	echo "regenerate it: (cd bindings/go && go generate ./capi)   # or sh bindings/go/capi/generate.sh"
else
	echo "PASS: capi.go and capi_wrap.c match include/wireguard.h and capi.i"
fi
exit $status
