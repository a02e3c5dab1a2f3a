#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Cross-check the library's crypto against independent implementations:
hashlib (BLAKE2s, HMAC), python cryptography (ChaCha20-Poly1305, X25519),
libsodium through ctypes (XChaCha20-Poly1305, X25519) and wg(8) (public keys).
Usage: crosscheck.py ORACLE [PROVIDER]"""
import ctypes
import ctypes.util
import hashlib
import hmac
import os
import random
import shutil
import shlex
import subprocess
import sys

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305

passed = failed = 0
rng = random.Random(int.from_bytes(os.urandom(8), "little"))


def check(ok, what):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
        print("FAIL:", what, file=sys.stderr)


def h(b):
    return b.hex() if b else "-"


def rand(n):
    return bytes(rng.getrandbits(8) for _ in range(n))


def ask(queries):
    # Cross builds: through qemu-user or wine (tests/meson.build).
    cmd = shlex.split(os.environ.get("WG_EXE_WRAPPER", "")) + [sys.argv[1]] + sys.argv[2:3]
    out = subprocess.run(cmd, input="".join(q + "\n" for q in queries), capture_output=True, text=True)
    if out.returncode == 77:
        print("provider unavailable; skipping")
        sys.exit(77)
    lines = out.stdout.splitlines()
    assert len(lines) == len(queries), out.stderr
    return lines


def kdf3(ck, data):
    prk = hmac.new(ck, data, hashlib.blake2s).digest()
    t1 = hmac.new(prk, b"\x01", hashlib.blake2s).digest()
    t2 = hmac.new(prk, t1 + b"\x02", hashlib.blake2s).digest()
    t3 = hmac.new(prk, t2 + b"\x03", hashlib.blake2s).digest()
    return " ".join(x.hex() for x in (t1, t2, t3))


def main():
    cases = []  # (query, expected)
    seq = bytes(range(256))
    key = bytes(range(32))
    # The 256-length sequences, unkeyed and keyed, as RFC 7693's reference tests do.
    for i in range(256):
        cases.append((f"blake2s 32 - {h(seq[:i])}", hashlib.blake2s(seq[:i]).hexdigest()))
        cases.append((f"blake2s 32 {h(key)} {h(seq[:i])}", hashlib.blake2s(seq[:i], key=key).hexdigest()))
    for _ in range(300):
        outlen, kl, ml = rng.randint(1, 32), rng.randint(0, 32), rng.randint(0, 700)
        k, m = rand(kl), rand(ml)
        cases.append((f"blake2s {outlen} {h(k)} {h(m)}", hashlib.blake2s(m, key=k, digest_size=outlen).hexdigest()))
    for _ in range(200):
        k, m = rand(rng.choice([0, 1, 32, 64, 65, 100])), rand(rng.randint(0, 300))
        cases.append((f"hmac {h(k)} {h(m)}", hmac.new(k, m, hashlib.blake2s).hexdigest()))
    for _ in range(100):
        ck, m = rand(32), rand(rng.choice([0, 32, 33, 100]))
        cases.append((f"kdf3 {h(ck)} {h(m)}", kdf3(ck, m)))
    for _ in range(300):
        k, ad, m = rand(32), rand(rng.choice([0, 1, 16, 32, 33])), rand(rng.randint(0, 2000))
        nonce = rng.getrandbits(64)
        ct = ChaCha20Poly1305(k).encrypt(b"\0\0\0\0" + nonce.to_bytes(8, "little"), m, ad or None)
        cases.append((f"aead {h(k)} {nonce} {h(ad)} {h(m)}", ct.hex()))
    for _ in range(100):
        s, p = rand(32), rand(32)
        try:
            want = X25519PrivateKey.from_private_bytes(s).exchange(X25519PublicKey.from_public_bytes(p)).hex()
        except ValueError:  # all-zero result: the library must refuse too
            want = "fail"
        cases.append((f"x25519 {h(s)} {h(p)}", want))
    # u from p to 2^255 - 1 (non-canonical), with and without bit 255, and
    # scalars with every bit set.
    P = 2**255 - 19
    for i in range(19):
        for top in (0, 2**255):
            s = rand(32) if i % 2 else b"\xff" * 32
            p = (P + i + top).to_bytes(32, "little")
            try:
                want = X25519PrivateKey.from_private_bytes(s).exchange(X25519PublicKey.from_public_bytes(p)).hex()
            except ValueError:
                want = "fail"
            cases.append((f"x25519 {h(s)} {h(p)}", want))

    sodium = ctypes.util.find_library("sodium")
    if sodium:
        lib = ctypes.CDLL(sodium)
        lib.sodium_init()
        for _ in range(100):
            k, n, ad, m = rand(32), rand(24), rand(rng.choice([0, 12])), rand(rng.randint(0, 1000))
            buf = ctypes.create_string_buffer(len(m) + 16)
            ol = ctypes.c_ulonglong()
            lib.crypto_aead_xchacha20poly1305_ietf_encrypt(buf, ctypes.byref(ol), m, ctypes.c_ulonglong(len(m)),
                                                           ad, ctypes.c_ulonglong(len(ad)), None, n, k)
            cases.append((f"xaead {h(k)} {h(n)} {h(ad)} {h(m)}", buf.raw.hex()))
        # X25519 against libsodium's too: random points and the non-canonical ones.
        points = [rand(32) for _ in range(200)] + [(P + i).to_bytes(32, "little") for i in range(19)]
        for p in points:
            s, q = rand(32), ctypes.create_string_buffer(32)
            ok = lib.crypto_scalarmult_curve25519(q, s, p) == 0
            cases.append((f"x25519 {h(s)} {h(p)}", q.raw.hex() if ok else "fail"))
    else:
        print("libsodium not found: XChaCha20-Poly1305 and X25519 not checked against it")

    answers = ask([q for q, _ in cases])
    for (q, want), got in zip(cases, answers):
        check(got == want, f"{q[:60]}...: got {got[:70]} want {want[:70]}")

    # Public keys: the library's equal wg(8)'s on 1,000 random private keys.
    wg = shutil.which("wg")
    if wg:
        pairs = [line.split() for line in ask(["genkey"] * 1000)]
        for priv, pub in pairs:
            out = subprocess.run([wg, "pubkey"], input=priv + "\n", capture_output=True, text=True).stdout.strip()
            check(out == pub, f"wg pubkey {priv}: {out} != {pub}")
    else:
        print("wg(8) not installed: public keys checked against cryptography only")
        for priv, pub in (line.split() for line in ask(["genkey"] * 200)):
            import base64
            sk = X25519PrivateKey.from_private_bytes(base64.b64decode(priv))
            check(base64.b64encode(sk.public_key().public_bytes_raw()).decode() == pub, "pubkey " + priv)

    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
