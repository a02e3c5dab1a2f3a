#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""canon.py: sort the peers of `wg showconf`, `wg show dump` or read-device
output read from stdin.  wireguard-go lists peers in Go map order (random),
so only the set of peers, each printed in full, can be compared."""
import re, sys

text = sys.stdin.read()
lines = text.splitlines(keepends=True)
if lines and "\t" in lines[0] and "[Interface]" not in text:   # wg show dump
    sys.stdout.write(lines[0] + "".join(sorted(lines[1:])))
    sys.exit()
start = re.compile(r"^(\[Peer\]|peer flags)")
head, blocks = [], []
for line in lines:
    if start.match(line):
        blocks.append([line])
    elif blocks:
        blocks[-1].append(line)
    else:
        head.append(line)
# A blank line separates showconf's sections; keep it with every block.
blocks = ["".join(b).rstrip("\n") + "\n" for b in blocks]
sys.stdout.write("".join(head).rstrip("\n") + "\n" + "".join(sorted(blocks)))
