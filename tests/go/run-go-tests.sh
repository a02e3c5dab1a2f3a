#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Run the Go bindings' checks against the library in this build tree:
# go vet, then go test -race.  Usage:
#   run-go-tests.sh GO SOURCE_ROOT LIBWIREGUARD_SO BUILD_DIR [go test args]
# Exits 77 (skip) without Go.  Ends with "N passed, N failed".
# Builds as a consumer would: no SWIG (its output is committed), no
# CGO_CFLAGS; pkg-config finds this build tree's library.
set -u
go=$1 src=$2 lib=$3 build=$4
shift 4
if [ ! -x "$go" ]; then
	echo "SKIP: no Go toolchain (install one, e.g. golang-go or /usr/local/go)"
	exit 77
fi
libdir=$(cd "$(dirname "$lib")" && pwd)
export PKG_CONFIG_PATH="$(dirname "$libdir")/meson-uninstalled${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
export LD_LIBRARY_PATH="$libdir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
unset CGO_CFLAGS CGO_LDFLAGS
# No network, no toolchain switch, no VCS stamping (worktrees confuse it).
export GOTOOLCHAIN=local GOPROXY=off GOFLAGS=-buildvcs=false
# Keep the build cache in the build tree when there is no usable home.
if [ -z "${HOME:-}" ] || [ ! -w "${HOME:-/nonexistent}" ]; then
	export GOCACHE="$build/go-cache"
fi
cd "$src/bindings/go" || exit 1
status=0
"$go" vet ./... || status=1
unformatted=$("$(dirname "$go")/gofmt" -l . "$src/examples/go" 2>&1)
if [ -n "$unformatted" ]; then
	echo "gofmt -l: $unformatted"
	status=1
fi
(cd "$src/examples/go" && "$go" vet ./...) || status=1
out=$build/go-test.log
"$go" test -race -count=1 -v "$@" ./... >"$out" 2>&1 || status=1
cat "$out"
passed=$(grep -c -- '^--- PASS' "$out")
failed=$(grep -c -- '^--- FAIL' "$out")
skipped=$(grep -c -- '^--- SKIP' "$out")
[ "$status" -ne 0 ] && [ "$failed" -eq 0 ] && failed=1
echo "$passed passed, $failed failed ($skipped skipped)"
exit $status
