#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# run-fuzzer.sh HARNESS SEEDS WORKDIR: fuzz for $FUZZ_SECONDS (default 30)
# seconds, starting from the seeds and what earlier runs kept in WORKDIR.
# Prints one line "fuzz NAME: N runs in S s, corpus C" (tools/run-fuzz.sh
# adds up the CPU time); exits 1 on a finding, whose input is left in
# WORKDIR-crash-* (or -timeout-*, -oom-*, -leak-*).
set -u
exe=$1 seeds=$2 work=$3
name=$(basename "$exe")
mkdir -p "$work"
log=$work.log
# -error_exitcode: libFuzzer's default, 77, is what meson and this script take for "skipped".
"$exe" -max_total_time="${FUZZ_SECONDS:-30}" -timeout=60 -rss_limit_mb=2048 -print_final_stats=1 -error_exitcode=1 \
	-artifact_prefix="$work-" "$work" "$seeds" >"$log" 2>&1
rc=$?
runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
echo "$name: ${runs:-?} runs in ${FUZZ_SECONDS:-30} s, corpus $(ls "$work" | wc -l) inputs, exit $rc"
if [ $rc -ne 0 ]; then
	tail -60 "$log"
	exit 1
fi
exit 0
