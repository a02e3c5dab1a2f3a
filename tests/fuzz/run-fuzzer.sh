#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# run-fuzzer.sh HARNESS SEEDS WORKDIR: fuzz for $FUZZ_SECONDS (default 30)
# seconds, starting from the seeds and what earlier runs kept in WORKDIR.
# Prints one line "fuzz NAME: N runs in S s, corpus C" (tools/run-fuzz.sh
# adds up the CPU time); exits non-zero on a finding, whose input is left
# in WORKDIR-crash-*.
set -u
exe=$1 seeds=$2 work=$3
name=$(basename "$exe")
mkdir -p "$work"
log=$work.log
"$exe" -max_total_time="${FUZZ_SECONDS:-30}" -timeout=20 -rss_limit_mb=2048 -print_final_stats=1 \
	-artifact_prefix="$work-" "$work" "$seeds" >"$log" 2>&1
rc=$?
runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
echo "$name: ${runs:-?} runs in ${FUZZ_SECONDS:-30} s, corpus $(ls "$work" | wc -l) inputs, exit $rc"
if [ $rc -ne 0 ] && [ $rc -ne 77 ]; then
	tail -60 "$log"
	exit 1
fi
[ $rc -eq 77 ] && exit 77
exit 0
