#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# The cross suite: build the library and its tests for other CPUs and
# systems and run them there (tools/install-cross.sh installs everything):
#   armhf, arm64, s390x   the `cross` suite (tests/meson.build) under qemu-user
#   windows               the unit and engine suites under wine64
#   macos (x86_64, arm64) a compile-and-link check with zig cc (nothing runs)
# Usage: run-cross.sh [TARGET...]   (default: all).  Builds in build-cross/TARGET,
# logs in build-cross/TARGET*.log.
# Only the programs the target's suites run are compiled (not the examples,
# tools and benchmarks a full build makes), and the targets run in
# CROSS_JOBS groups at once (default: one per two online CPUs), each group
# one target after another.
# Last line: "cross: N passed, N failed, N skipped".
set -u
cd "$(dirname "$0")/.."
targets=${*:-armhf arm64 s390x windows macos-x86_64 macos-aarch64}
mkdir -p build-cross
export WINEDEBUG=-all
cpus=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1)
jobs=${CROSS_JOBS:-$((cpus / 2))}
[ "$jobs" -ge 1 ] 2>/dev/null || jobs=1

# One target: its report line on stdout, "PASSED FAILED SKIPPED" in
# build-cross/TARGET.count.
run_target() {
	t=$1
	dir=build-cross/$t
	ini=tools/cross/$t.ini
	start=$(date +%s)
	count=build-cross/$t.count
	echo "0 1 0" >"$count"	# until it is known better
	if [ ! -e "$dir/build.ninja" ]; then	# never configured, or interrupted
		rm -rf "$dir"
		# From inside build-cross: zig cc leaves an empty a.o in the directory
		# meson's compiler probes run in (the source tree's top, otherwise).
		if ! (cd build-cross && meson setup "$t" .. --cross-file "../$ini" -Dwerror=true) >"$dir.setup.log" 2>&1; then
			# Without the toolchain (tools/install-cross.sh not run): skipped.
			echo "cross $t: cannot configure (see $dir.setup.log): skipped"
			rm -rf "$dir"
			echo "0 0 1" >"$count"
			return
		fi
		rm -f "$dir.setup.log"
	fi
	case $t in
	macos-*) suites="" ;;	# everything: compiling and linking is the test
	windows) suites="unit engine" ;;
	*) suites="cross" ;;
	esac
	progs=""
	if [ -n "$suites" ]; then
		# Reconfigure first if meson.build changed, so that the test list is current.
		ninja -C "$dir" build.ninja >"$dir.log" 2>&1
		progs=$(python3 tools/suite-programs.py "$dir" $suites)
	fi
	if ! meson compile -C "$dir" $progs >>"$dir.log" 2>&1; then
		tail -n 30 "$dir.log"
		echo "cross $t: build FAILED"
		return
	fi
	if [ -z "$suites" ]; then
		echo "cross $t: compiled and linked ($(($(date +%s) - start)) s)"
		echo "1 0 0" >"$count"
		return
	fi
	# One wineserver for the whole run: between two test programs the
	# server may be exiting just as the next one connects ("wine client
	# error: recvmsg: Connection reset by peer"), failing a passing test.
	# It needs the prefix's directory; wineboot fills it and starts wine's
	# own services here, with no test's output to hold open while they run.
	ws=/usr/lib/wine/wineserver64
	if [ "$t" = windows ] && [ -x $ws ] && mkdir -p "${WINEPREFIX:-$HOME/.wine}" && $ws -p; then
		/usr/lib/wine/wine64 wineboot </dev/null >/dev/null 2>&1
	fi
	# qemu-user and wine run the tests 3-10 times slower than natively.
	# WG_TEST_QUICK: the conformance cases' edges, fewer points between them.
	# shellcheck disable=SC2046
	WG_TEST_QUICK=1 meson test -C "$dir" --no-rebuild --print-errorlogs --num-processes 2 --timeout-multiplier 5 \
		$(for s in $suites; do echo --suite "$s"; done) >"$dir.test.log" 2>&1 ||
		grep -E '^ *[0-9]+/[0-9]+ .*(FAIL|TIMEOUT|ERROR)' "$dir.test.log"
	[ "$t" = windows ] && [ -x $ws ] && $ws -k
	python3 tools/count-tests.py "$dir/meson-logs/testlog.json" >"$count"
	echo "cross $t: $(grep -E '^(Ok|Fail|Skipped|Timeout):' "$dir.test.log" | tr -s ' \n' ' ')($(($(date +%s) - start)) s)"
}

# Deal the targets round-robin into groups; each group runs in the background.
i=0
for t in $targets; do
	eval "group_$((i % jobs))=\"\${group_$((i % jobs)):-} $t\""
	i=$((i + 1))
done
g=0
while [ "$g" -lt "$jobs" ]; do
	eval "members=\${group_$g:-}"
	if [ -n "$members" ]; then
		(for t in $members; do run_target "$t" >"build-cross/$t.report" 2>&1; done) &
	fi
	g=$((g + 1))
done
wait

passed=0 failed=0 skipped=0
for t in $targets; do
	cat "build-cross/$t.report"
	set -- $(cat "build-cross/$t.count")
	passed=$((passed + $1)) failed=$((failed + $2)) skipped=$((skipped + $3))
done
echo "cross: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
