#!/bin/sh
# Build and run the Go example against this build tree.
#   run-example.sh GO SOURCE_ROOT LIBWIREGUARD_SO BUILD_DIR
# Exits 77 (skip) without Go or SWIG, or while the library's engine is a
# placeholder.
set -u
go=$1 src=$2 lib=$3 build=$4
if [ ! -x "$go" ] || ! command -v swig >/dev/null; then
	echo "SKIP: needs a Go toolchain and swig"
	exit 77
fi
libdir=$(cd "$(dirname "$lib")" && pwd)
hash=$(cat "$src/include/wireguard.h" "$src/bindings/go/capi/capi.swig" | sha256sum | cut -c1-16)
export CGO_CFLAGS="-I$src/include -DWG_HEADER_HASH=$hash"
export CGO_LDFLAGS="-L$libdir -Wl,-rpath,$libdir"
export GOTOOLCHAIN=local GOPROXY=off GOFLAGS=-buildvcs=false
if [ -z "${HOME:-}" ] || [ ! -w "${HOME:-/nonexistent}" ]; then
	export GOCACHE="$build/go-cache"
fi
cd "$src/examples/go" || exit 1
"$go" build -o "$build/go-example" . || exit 1
out=$("$build/go-example" 2>&1)
status=$?
echo "$out"
if [ $status -ne 0 ] && echo "$out" | grep -q "engine not built"; then
	echo "SKIP: the library's engine is not built yet"
	exit 77
fi
exit $status
