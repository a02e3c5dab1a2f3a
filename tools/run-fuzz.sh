#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Fuzz every parser that takes outside input (tests/fuzz/meson.build lists
# them) in a clang ASan+UBSan build, FUZZ_SECONDS each (default 30), two at
# a time.  CI runs it from tools/run-tests.sh; for a long run:
#     FUZZ_SECONDS=3600 tools/run-fuzz.sh            # about 6 hours of CPU
# Inputs found are kept in BUILD/fuzz-corpus/NAME for the next run; a crash
# is left in BUILD/fuzz-corpus/NAME-crash-* and fails the run.
set -u
cd "$(dirname "$0")/.."
build=${1:-build-fuzz}
if ! command -v clang >/dev/null; then
	echo "run-fuzz: clang is not installed" >&2
	exit 1
fi
if [ ! -f "$build/build.ninja" ]; then
	CC=clang meson setup "$build" -Dwerror=true -Db_sanitize=address,undefined -Db_lundef=false \
		-Dc_args=-fsanitize=fuzzer-no-link >/dev/null || exit 1
fi
targets=$(python3 - <<'PY'
import re
s = open('tests/fuzz/meson.build').read()
d = s[s.index('harnesses = {'):s.index('}', s.index('harnesses = {'))]
print(' '.join('tests/fuzz/fuzz-' + k for k in re.findall(r"'([a-z-]+)': '[a-z]+'", d)))
PY
)
meson compile -C "$build" $targets || exit 1
# CPU time of the fuzzers themselves (the machine may be shared: wall time overstates it).
UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 ASAN_OPTIONS=detect_leaks=1 python3 - "$build" <<'PY'
import resource, subprocess, sys, time
t = time.time()
rc = subprocess.call(['meson', 'test', '-C', sys.argv[1], '--no-rebuild', '--setup', 'fuzz', '--suite', 'fuzz',
                      '--num-processes', '2', '--print-errorlogs'])
r = resource.getrusage(resource.RUSAGE_CHILDREN)
cpu = r.ru_utime + r.ru_stime
print('fuzz: %.0f CPU-seconds (%.3f CPU-hours) in %.0f s wall' % (cpu, cpu / 3600, time.time() - t))
with open(sys.argv[1] + '/fuzz-cpu-seconds.log', 'a') as f:
    f.write('%s %.0f\n' % (time.strftime('%FT%TZ', time.gmtime()), cpu))
sys.exit(rc)
PY
status=$?
grep -h '^fuzz-' "$build"/meson-logs/testlog-fuzz.txt 2>/dev/null | grep ' runs in ' || true
exit $status
