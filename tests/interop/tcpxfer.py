#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""tcpxfer.py recv ADDR PORT     -> prints the sha256 of everything received
   tcpxfer.py send ADDR PORT FILE -> sends FILE (retries connecting for 10 s)"""
import hashlib, socket, sys, time

mode, addr, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
family = socket.AF_INET6 if ":" in addr else socket.AF_INET
if mode == "recv":
    srv = socket.socket(family, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind((addr, port))
    srv.listen(1)
    srv.settimeout(20)
    conn, _ = srv.accept()
    conn.settimeout(20)
    h = hashlib.sha256()
    while True:
        b = conn.recv(1 << 16)
        if not b:
            break
        h.update(b)
    print(h.hexdigest())
else:
    deadline = time.time() + 10
    while True:
        try:
            s = socket.create_connection((addr, port), timeout=5)
            break
        except OSError:
            if time.time() > deadline:
                raise
            time.sleep(0.05)
    s.settimeout(20)
    with open(sys.argv[4], "rb") as f:
        s.sendfile(f)
    s.shutdown(socket.SHUT_WR)
    s.recv(1)
    s.close()
