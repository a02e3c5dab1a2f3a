#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# A build with no threads at all (-Dthreads=false: lock.h's no-op locks,
# no tunnel, BearSSL only): only the engine suite's programs are built, and
# the suite runs; its no-threads test checks with nm that the portable
# layers' archives and a program linked from them reference no pthread_*,
# C11 thread or TLS function.  Usage: run-nothreads.sh [BUILD_DIR]
set -u
cd "$(dirname "$0")/.."
dir=${1:-build-nothreads}
opts="-Dwerror=true -Dthreads=false -Dbackends=disabled -Dtunnel=disabled -Dcrypto=bearssl"
meson setup "$dir" $opts --wipe >/dev/null 2>&1 || meson setup "$dir" $opts >/dev/null || exit 1
# The engine suite's programs only (examples, bindings and tools need the backends).
targets=$(python3 tools/suite-programs.py "$dir" engine) || exit 1
meson compile -C "$dir" $targets >"$dir/engine-build.log" 2>&1 || { tail -n 30 "$dir/engine-build.log"; exit 1; }
meson test -C "$dir" --no-rebuild --print-errorlogs --num-processes 2 --suite engine
