#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# The cross suite: build the library and its tests for other CPUs and
# systems and run them there (tools/install-cross.sh installs everything):
#   armhf, arm64, s390x   the `cross` suite (tests/meson.build) under qemu-user
#   windows               the unit and engine suites under wine64
#   macos (x86_64, arm64) a compile-and-link check with zig cc (nothing runs)
# Usage: run-cross.sh [TARGET...]   (default: all).  Builds in build-cross/TARGET,
# logs in build-cross/TARGET*.log.
# Last line: "cross: N passed, N failed, N skipped".
set -u
cd "$(dirname "$0")/.."
targets=${*:-armhf arm64 s390x windows macos-x86_64 macos-aarch64}
passed=0 failed=0 skipped=0
mkdir -p build-cross
export WINEDEBUG=-all
count() {	# add a meson test log's results
	set -- $(python3 tools/count-tests.py "$1")
	passed=$((passed + $1)) failed=$((failed + $2)) skipped=$((skipped + $3))
}
for t in $targets; do
	dir=build-cross/$t
	ini=tools/cross/$t.ini
	start=$(date +%s)
	if [ ! -e "$dir/build.ninja" ]; then	# never configured, or interrupted
		rm -rf "$dir"
		if ! meson setup "$dir" --cross-file "$ini" -Dwerror=true >"$dir.setup.log" 2>&1; then
			# Without the toolchain (tools/install-cross.sh not run): skipped.
			echo "cross $t: cannot configure (see $dir.setup.log): skipped"
			rm -rf "$dir"
			skipped=$((skipped + 1))
			continue
		fi
		rm -f "$dir.setup.log"
	fi
	if ! meson compile -C "$dir" >"$dir.log" 2>&1; then
		tail -n 30 "$dir.log"
		echo "cross $t: build FAILED"
		failed=$((failed + 1))
		continue
	fi
	case $t in
	macos-*)
		echo "cross $t: compiled and linked ($(($(date +%s) - start)) s)"
		passed=$((passed + 1))
		continue ;;
	windows) suites="--suite unit --suite engine" ;;
	*) suites="--suite cross" ;;
	esac
	# qemu-user and wine run the tests 3-10 times slower than natively.
	# WG_TEST_QUICK: the conformance cases' edges, fewer points between them.
	WG_TEST_QUICK=1 meson test -C "$dir" --no-rebuild --print-errorlogs --num-processes 2 --timeout-multiplier 5 $suites >"$dir.test.log" 2>&1 ||
		grep -E '^ *[0-9]+/[0-9]+ .*(FAIL|TIMEOUT|ERROR)' "$dir.test.log"
	count "$dir/meson-logs/testlog.json"
	echo "cross $t: $(grep -E '^(Ok|Fail|Skipped|Timeout):' "$dir.test.log" | tr -s ' \n' ' ')($(($(date +%s) - start)) s)"
done
echo "cross: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
