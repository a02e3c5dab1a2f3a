#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""uapi-clients.py SOCKET PID: clients that try to stall a UAPI server.

While an idle client, a slowloris, a client that pipelines requests and never
reads the replies, and 200 non-blocking connects hold their connections, a
plain `get` from another client must be answered within 100 ms (wireguard-go
answers in ~10 ms).  Then SIGTERM must stop the daemon (PID) within 1 s while
the stuck reader is still connected.  Prints one line per check."""
import errno, os, signal, socket, sys, threading, time

SOCK, PID = sys.argv[1], int(sys.argv[2])
LIMIT = 0.100
failed = 0


def check(ok, desc):
    global failed
    print(("ok - " if ok else "FAIL - ") + desc, flush=True)
    failed += not ok


def timed_get():
    """Seconds for one get=1 on a fresh connection (5 s at most)."""
    t0 = time.monotonic()
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(5)
    try:
        s.connect(SOCK)
        s.sendall(b"get=1\n\n")
        reply = b""
        while b"errno=" not in reply or not reply.endswith(b"\n\n"):
            b = s.recv(65536)
            if not b:
                return 99.0
            reply += b
    except OSError:
        return 99.0
    finally:
        s.close()
    return time.monotonic() - t0


def worst_get(n=5):
    return max(timed_get() for _ in range(n))


# Warm up (first-use costs), then each client in turn; each stays connected.
timed_get()
held = []

idle = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
idle.connect(SOCK)
held.append(idle)
t = worst_get()
check(t < LIMIT, f"an idle connection does not delay a get ({t * 1000:.1f} ms)")

slow = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
slow.connect(SOCK)
held.append(slow)
stop_slow = threading.Event()


def slowloris():
    for c in b"set=1\nlisten_port=1":
        if stop_slow.wait(0.05):
            return
        try:
            slow.send(bytes([c]))
        except OSError:
            return


th = threading.Thread(target=slowloris)
th.start()
time.sleep(0.2)
t = worst_get()
check(t < LIMIT, f"a slowloris (a byte every 50 ms) does not delay a get ({t * 1000:.1f} ms)")
stop_slow.set()
th.join()

# Pipeline gets and never read: the server's replies fill the socket buffers.
stuck = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
stuck.connect(SOCK)
stuck.setblocking(False)
held.append(stuck)
last_sent = time.monotonic()
deadline = last_sent + 3
while time.monotonic() < deadline and time.monotonic() - last_sent < 0.3:
    try:
        stuck.send(b"get=1\n\n" * 64)
        last_sent = time.monotonic()
    except BlockingIOError:
        time.sleep(0.01)
check(time.monotonic() < deadline, "the stuck reader's requests back up (the server stopped reading them)")
t = worst_get()
check(t < LIMIT, f"a client that never reads its replies does not delay a get ({t * 1000:.1f} ms)")

# 200 non-blocking connects at once, as Go's net.Dial (and so wgctrl-go) does.
refused = 0
for _ in range(200):
    c = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    c.setblocking(False)
    try:
        c.connect(SOCK)
    except BlockingIOError:
        refused += 1
    except OSError as e:
        refused += 1
        print("#", os.strerror(e.errno))
    held.append(c)
check(refused == 0, f"200 non-blocking connects: {refused} got EAGAIN")
t = worst_get()
check(t < LIMIT, f"200 open connections do not delay a get ({t * 1000:.1f} ms)")
t = worst_get()
check(t < LIMIT, f"... nor does everything above at once ({t * 1000:.1f} ms)")


def gone(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] == "Z"
    except FileNotFoundError:
        return True


os.kill(PID, signal.SIGTERM)
t0 = time.monotonic()
while not gone(PID) and time.monotonic() - t0 < 5:
    time.sleep(0.01)
t = time.monotonic() - t0
check(gone(PID) and t < 1.0, f"SIGTERM stops the daemon while a client is stuck ({t * 1000:.0f} ms)")
for c in held:
    c.close()
sys.exit(1 if failed else 0)
