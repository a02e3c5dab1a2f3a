#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# The engine core starts no thread: neither the portable layers' archives
# (base, crypto, config, engine) nor a program built from them alone, without
# -pthread or threads_dep (tests/engine/golden-handshake.c), reference
# anything that creates a thread, and the program needs no libpthread.
# With --none (a -Dthreads=false build), they reference no pthread_* or
# thrd_*/mtx_* function at all: not even a lock.
# Usage: check-no-threads.sh [--none] PROGRAM ARCHIVE...
set -eu
creators='^(pthread_create|thrd_create|clone|clone3|fork|vfork|posix_spawn|timer_create)(@.*)?$'
if [ "$1" = --none ]; then
	creators='^(pthread_.*|thrd_.*|mtx_.*|cnd_.*|call_once|__tls_get_addr|clone|clone3|fork|vfork|posix_spawn|timer_create)(@.*)?$'
	shift
fi
prog=$1
shift
failed=0
for f in "$prog" "$@"; do
	[ -r "$f" ] || { echo "$f: no such file"; exit 1; }
	found=$(nm -u "$f" 2>/dev/null | awk '{ print $NF }' | grep -E "$creators" | sort -u || true)
	if [ -n "$found" ]; then
		echo "$f references:" $found
		failed=1
	fi
done
if readelf -d "$prog" | grep -q 'NEEDED.*libpthread'; then
	echo "$prog needs libpthread"
	failed=1
fi
echo "needed by $prog:" $(readelf -d "$prog" | sed -n 's/.*NEEDED.*\[\(.*\)\]/\1/p')
[ "$failed" = 0 ] && echo "no thread is created by the engine core (symbols checked: $creators)"
exit "$failed"
