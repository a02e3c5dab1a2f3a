#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""count-tests.py LOG: "passed failed skipped" of a meson test log (testlog*.json)."""
import json
import sys

passed = failed = skipped = 0
for line in open(sys.argv[1]):
    result = json.loads(line)["result"]
    if result in ("OK", "EXPECTEDFAIL"):
        passed += 1
    elif result == "SKIP":
        skipped += 1
    else:
        failed += 1
print(passed, failed, skipped)
