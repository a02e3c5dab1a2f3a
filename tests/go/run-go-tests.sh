#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Run the Go bindings' checks against the library in this build tree:
# go vet, then go test -race.  Usage:
#   run-go-tests.sh GO SOURCE_ROOT LIBWIREGUARD_SO BUILD_DIR [go test args]
# Exits 77 (skip) when Go or SWIG is missing.  Ends with "N passed, N failed".
set -u
go=$1 src=$2 lib=$3 build=$4
shift 4
if [ ! -x "$go" ]; then
	echo "SKIP: no Go toolchain (install one, e.g. golang-go or /usr/local/go)"
	exit 77
fi
if ! command -v swig >/dev/null; then
	echo "SKIP: swig not installed (apt-get install swig)"
	exit 77
fi
libdir=$(cd "$(dirname "$lib")" && pwd)
# The header's hash in CGO_CFLAGS: the go tool does not track headers outside
# the package, and a changed header must regenerate the SWIG wrapper.
hash=$(cat "$src/include/wireguard.h" "$src/bindings/go/capi/capi.swig" | sha256sum | cut -c1-16)
export CGO_CFLAGS="-I$src/include -DWG_HEADER_HASH=$hash"
export CGO_LDFLAGS="-L$libdir -Wl,-rpath,$libdir"
# No network, no toolchain switch, no VCS stamping (worktrees confuse it).
export GOTOOLCHAIN=local GOPROXY=off GOFLAGS=-buildvcs=false
# Keep the build cache in the build tree when there is no usable home.
if [ -z "${HOME:-}" ] || [ ! -w "${HOME:-/nonexistent}" ]; then
	export GOCACHE="$build/go-cache"
fi
cd "$src/bindings/go" || exit 1
status=0
# SWIG's generated runtime converts uintptr to unsafe.Pointer: vet the
# generated package without that check.  go vet cannot re-read a SWIG package
# that another command built with the same flags, so vet gets flags of its own.
CGO_CFLAGS="$CGO_CFLAGS -DWG_GO_VET" "$go" vet -unsafeptr=false ./capi || status=1
"$go" vet ./wireguard || status=1
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
