#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""uapi-request.py SOCKET: send stdin as one raw UAPI request, print the reply."""
import socket, sys

s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.settimeout(10)
s.connect(sys.argv[1])
s.sendall(sys.stdin.buffer.read())
reply = b""
while not reply.endswith(b"\n\n"):
    b = s.recv(65536)
    if not b:
        break
    reply += b
sys.stdout.write(reply.decode())
