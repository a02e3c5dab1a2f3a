#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Build with warnings as errors (and the API reference, whose Doxygen warnings
# are errors too) and run every test suite; the engine suite's C programs
# again under valgrind memcheck; every suite whose code is C we build again
# under AddressSanitizer and UndefinedBehaviorSanitizer (SANITIZED_SUITES);
# the engine suite in a build without threads (tools/run-nothreads.sh);
# then every parser's fuzzer for FUZZ_SECONDS (30) in a clang build
# (tools/run-fuzz.sh); then the cross suite on other CPUs and systems
# (tools/run-cross.sh).  Prints one closing line "all suites: N passed,
# N failed, N skipped" over all runs.
set -u
cd "$(dirname "$0")/.."
status=0
summary() {	# count results in a meson test log
	python3 tools/count-tests.py "$1"
}

meson setup build-ci -Dwerror=true -Ddocs=true --wipe >/dev/null 2>&1 || meson setup build-ci -Dwerror=true -Ddocs=true || exit 1
meson compile -C build-ci || exit 1
# CI_DEBS=1: also build the Debian packages (a few minutes) so that the
# debian suite installs them into a throwaway root and runs the examples.
if [ "${CI_DEBS:-0}" = 1 ]; then
	DEB_BUILD_OPTIONS="nocheck parallel=2" tools/build-debs.sh build-deb || status=1
fi
meson test -C build-ci --print-errorlogs --num-processes 2 "$@" || status=1
set -- $(summary build-ci/meson-logs/testlog.json)
passed=$1 failed=$2 skipped=$3

# Memcheck over the engine suite's C programs (golden-handshake is a Python
# driver: valgrind would check the interpreter).  Errors and leaks fail.
meson test -C build-ci --no-rebuild --setup valgrind --print-errorlogs --num-processes 2 \
	engine config threads conformance-edges soak-2h || status=1
set -- $(summary build-ci/meson-logs/testlog-valgrind.json)
passed=$((passed + $1)) failed=$((failed + $2)) skipped=$((skipped + $3))

# The locks' contracts (lib/base/lock.h) checked by clang's thread-safety analysis.
CC=clang meson setup build-tsa -Dwerror=true -Dc_args=-Wthread-safety --wipe >/dev/null 2>&1 ||
	CC=clang meson setup build-tsa -Dwerror=true -Dc_args=-Wthread-safety || exit 1
meson compile -C build-tsa wg-engine-core wg-tunnel || exit 1

# No threads at all (-Dthreads=false): the engine suite, and nm finds no
# pthread symbol in the portable layers (tools/run-nothreads.sh).
tools/run-nothreads.sh build-nothreads >build-ci/nothreads.log 2>&1 || { tail -n 40 build-ci/nothreads.log; status=1; }
set -- $(summary build-nothreads/meson-logs/testlog.json)
passed=$((passed + $1)) failed=$((failed + $2)) skipped=$((skipped + $3))

meson setup build-asan -Dwerror=true -Db_sanitize=address,undefined -Db_lundef=false --wipe >/dev/null 2>&1 ||
	meson setup build-asan -Dwerror=true -Db_sanitize=address,undefined -Db_lundef=false || exit 1
meson compile -C build-asan || exit 1
# Not here: go (cgo would need a -asan toolchain build of its own), packaging
# (no C), and of the examples go-example and readme-snippet, which build a
# program outside meson without the sanitizers: such a program cannot load
# an ASan library (the runtime must come first).  The python suite preloads
# the runtimes into the interpreter (tests/python/meson.build).
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
# Sanitized code runs several times slower: three times the test and VM time limits.
# Suite nosan: the two tests whose minutes there would check no more code
# (tests/kernel/meson.build, tests/interop/meson.build).
ASAN_OPTIONS=detect_leaks=1 VM_TIMEOUT_MULTIPLIER=3 meson test -C build-asan --print-errorlogs --num-processes 2 \
	--timeout-multiplier 3 --suite unit --suite engine --suite kernel --suite interop --suite python \
	--no-suite nosan || status=1
set -- $(summary build-asan/meson-logs/testlog.json)
passed=$((passed + $1)) failed=$((failed + $2)) skipped=$((skipped + $3))
ASAN_OPTIONS=detect_leaks=1 meson test -C build-asan --print-errorlogs demo || status=1
set -- $(summary build-asan/meson-logs/testlog.json)
passed=$((passed + $1)) failed=$((failed + $2)) skipped=$((skipped + $3))
unset UBSAN_OPTIONS

# Fuzzing: each parser for 30 s in a clang ASan+UBSan build (the fuzz suite).
tools/run-fuzz.sh build-fuzz || status=1
set -- $(summary build-fuzz/meson-logs/testlog-fuzz.json)
passed=$((passed + $1)) failed=$((failed + $2)) skipped=$((skipped + $3))

# Other CPUs and systems: armhf, arm64, s390x under qemu-user, Windows under
# wine, macOS compile-and-link (tools/run-cross.sh; a few minutes when warm).
mkdir -p build-cross
tools/run-cross.sh >build-cross/summary.log 2>&1 || status=1
cat build-cross/summary.log
set -- $(tail -n 1 build-cross/summary.log | sed 's/[^0-9 ]//g')
passed=$((passed + $1)) failed=$((failed + $2)) skipped=$((skipped + $3))

echo "all suites: $passed passed, $failed failed, $skipped skipped"
exit $status
