#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Print the meson targets (build-relative paths) of the programs that the
tests of the given suites run, so that a build can compile those alone:
    meson compile -C DIR $(tools/suite-programs.py DIR SUITE...)
The archives and libraries they link come with them; scripts and sources
are left out.  Used by run-cross.sh and run-nothreads.sh."""
import json
import os
import sys


def main(argv):
    root = os.path.abspath(argv[1]) + "/"
    suites = set(argv[2:])
    seen = []
    with open(root + "meson-info/intro-tests.json") as f:
        tests = json.load(f)
    for t in tests:
        if not any(s.split(":")[-1] in suites for s in t["suite"]):
            continue
        for a in t["cmd"]:
            a = a[len(root):] if a.startswith(root) else a
            if a.endswith(".exe"):
                a = a[:-4]
            name = a.rsplit("/", 1)[-1]
            if a.startswith(("/", "-")) or "../" in a or "/" not in a or "." in name:
                continue
            if a not in seen:
                seen.append(a)
    print("\n".join(seen))


if __name__ == "__main__":
    main(sys.argv)
