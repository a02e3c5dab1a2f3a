#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Install the throughput benchmark's other peers, pinned, into DIR/bin
# (default /opt/wgbench): a modern wireguard-go (`go install`) and boringtun's
# daemon (`cargo install`).  Idempotent: a binary already built from the pinned
# version is kept.  Needs network access to the Go module proxy and crates.io,
# go and cargo on PATH; not part of CI.  bench/throughput.sh finds them there.
#
#   bench/install-peers.sh [DIR]
set -eu
DIR=${1:-/opt/wgbench}
WIREGUARD_GO_VERSION=v0.0.0-20260522210424-ecfc5a8d5446
BORINGTUN_VERSION=0.7.1
mkdir -p "$DIR/bin"

if go version -m "$DIR/bin/wireguard" 2>/dev/null |
	grep -q "mod	golang.zx2c4.com/wireguard	$WIREGUARD_GO_VERSION"; then
	echo "wireguard-go $WIREGUARD_GO_VERSION already in $DIR/bin"
else
	command -v go >/dev/null || { echo "go missing (golang-go or go.dev/dl)"; exit 1; }
	GOBIN="$DIR/bin" go install "golang.zx2c4.com/wireguard@$WIREGUARD_GO_VERSION"
fi

# cargo install is itself idempotent for a pinned version in the same root.
command -v cargo >/dev/null || { echo "cargo missing (rustup.rs)"; exit 1; }
cargo install -q --root "$DIR" boringtun-cli --version "$BORINGTUN_VERSION"
"$DIR/bin/boringtun-cli" --version
