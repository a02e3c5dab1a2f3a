#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Recompute a WireGuard handshake from the whitepaper with hashlib, hmac and
the `cryptography` package, and compare every byte with what the engine sent
(golden-handshake.c: fixed keys, ephemerals, preshared key and time)."""
import hashlib
import hmac
import json
import os
import shlex
import struct
import subprocess
import sys

try:
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
    from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
    from cryptography.hazmat.primitives import serialization
except ImportError:
    print("python3-cryptography is not installed")
    sys.exit(77)

passed = failed = 0


def check(name, got, want):
    global passed, failed
    if got == want:
        passed += 1
    else:
        failed += 1
        print(f"{name}: got  {got.hex() if isinstance(got, bytes) else got}\n"
              f"{' ' * len(name)}  want {want.hex() if isinstance(want, bytes) else want}", file=sys.stderr)


def hash_(*parts):
    h = hashlib.blake2s()
    for p in parts:
        h.update(p)
    return h.digest()


def mac(key, data):
    return hashlib.blake2s(data, digest_size=16, key=key).digest()


def hmac_(key, data):
    return hmac.new(key, data, hashlib.blake2s).digest()


def kdf(n, ck, data):
    prk = hmac_(ck, data)
    out, t = [], b""
    for i in range(1, n + 1):
        t = hmac_(prk, t + bytes([i]))
        out.append(t)
    return out


def priv(b):
    return X25519PrivateKey.from_private_bytes(b)


def pub(b):
    return priv(b).public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def dh(private, public):
    return priv(private).exchange(X25519PublicKey.from_public_bytes(public))


def aead(key, counter, plaintext, ad):
    return ChaCha20Poly1305(key).encrypt(b"\0" * 4 + struct.pack("<Q", counter), plaintext, ad)


def fill(start):
    return bytes((start + i) & 0xff for i in range(32))


a_priv, b_priv, a_eph, b_eph, psk = fill(0x10), fill(0x40), fill(0x70), fill(0xa0), fill(0xd0)
a_pub, b_pub = pub(a_priv), pub(b_priv)

# Cross builds: through qemu-user or wine (tests/meson.build).
wrapper = shlex.split(os.environ.get("WG_EXE_WRAPPER", ""))
out = subprocess.run(wrapper + [sys.argv[1]], check=True, capture_output=True, text=True).stdout
got = {k: bytes.fromhex(v) for k, v in json.loads(out).items()}
init, resp, data = got["initiation"], got["response"], got["data"]
# Indices are random: take them from the messages, everything else is fixed.
i_index, r_index = init[4:8], resp[4:8]

# The constants of DESIGN.md §3.
ck = hash_(b"Noise_IKpsk2_25519_ChaChaPoly_BLAKE2s")
check("initial chaining key", ck, bytes.fromhex("60e26daef327efc02ec335e2a025d2d016eb4206f87277f52d38d1988b78cd36"))
h = hash_(ck, b"WireGuard v1 zx2c4 Jason@zx2c4.com")
check("initial hash", h, bytes.fromhex("2211b361081ac566691243db458ad5322d9c6c662293e8b70ee19c65ba079ef3"))

# Initiation: a -> b.
h = hash_(h, b_pub)
e_i = pub(a_eph)
h = hash_(h, e_i)
ck, = kdf(1, ck, e_i)
ck, k = kdf(2, ck, dh(a_eph, b_pub))
enc_static = aead(k, 0, a_pub, h)
h = hash_(h, enc_static)
ck, k = kdf(2, ck, dh(a_priv, b_pub))
sec = 1700000000 + 1000
nsec = 123456789 & ~((1 << 24) - 1)     # rounded down, as the engine does
timestamp = struct.pack(">QI", 0x400000000000000a + sec, nsec)
enc_time = aead(k, 0, timestamp, h)
h = hash_(h, enc_time)
msg = struct.pack("<I", 1) + i_index + e_i + enc_static + enc_time
msg += mac(hash_(b"mac1----", b_pub), msg) + bytes(16)
check("initiation", init, msg)

# Response: b -> a.
e_r = pub(b_eph)
h = hash_(h, e_r)
ck, = kdf(1, ck, e_r)
ck, = kdf(1, ck, dh(b_eph, e_i))
ck, = kdf(1, ck, dh(b_eph, a_pub))
ck, t, k = kdf(3, ck, psk)
h = hash_(h, t)
enc_nothing = aead(k, 0, b"", h)
msg = struct.pack("<I", 2) + r_index + i_index + e_r + enc_nothing
msg += mac(hash_(b"mac1----", a_pub), msg) + bytes(16)
check("response", resp, msg)

# Transport keys, and a's first data message: the staged packet, padded to 16.
send_i, recv_i = kdf(2, ck, b"")
plain = got["plaintext"]
padded = plain + bytes(-len(plain) % 16)
msg = struct.pack("<I", 4) + r_index + struct.pack("<Q", 0) + aead(send_i, 0, padded, b"")
check("data", data, msg)

# Cookie reply: b's cookie, encrypted with XChaCha20-Poly1305 under
# HASH("cookie--" || b's public key), bound to the mac1 of a's initiation.
def hchacha20(key, nonce16):
    def rotl(v, n):
        return ((v << n) | (v >> (32 - n))) & 0xffffffff

    def qr(x, a, b, c, d):
        x[a] = (x[a] + x[b]) & 0xffffffff; x[d] = rotl(x[d] ^ x[a], 16)
        x[c] = (x[c] + x[d]) & 0xffffffff; x[b] = rotl(x[b] ^ x[c], 12)
        x[a] = (x[a] + x[b]) & 0xffffffff; x[d] = rotl(x[d] ^ x[a], 8)
        x[c] = (x[c] + x[d]) & 0xffffffff; x[b] = rotl(x[b] ^ x[c], 7)

    x = [0x61707865, 0x3320646e, 0x79622d32, 0x6b206574]
    x += list(struct.unpack("<8I", key)) + list(struct.unpack("<4I", nonce16))
    for _ in range(10):
        qr(x, 0, 4, 8, 12); qr(x, 1, 5, 9, 13); qr(x, 2, 6, 10, 14); qr(x, 3, 7, 11, 15)
        qr(x, 0, 5, 10, 15); qr(x, 1, 6, 11, 12); qr(x, 2, 7, 8, 13); qr(x, 3, 4, 9, 14)
    return struct.pack("<8I", *(x[0:4] + x[12:16]))


init2, reply, init3 = got["initiation2"], got["cookie_reply"], got["initiation3"]
check("cookie reply type and receiver", reply[:8], struct.pack("<I", 3) + init2[4:8])
nonce, sealed = reply[8:32], reply[32:64]
subkey = hchacha20(hash_(b"cookie--", b_pub), nonce[:16])
cookie = ChaCha20Poly1305(subkey).decrypt(b"\0" * 4 + nonce[16:], sealed, init2[116:132])
check("cookie length", len(cookie), 16)
check("initiation2 mac1", init2[116:132], mac(hash_(b"mac1----", b_pub), init2[:116]))
check("initiation2 mac2 (no cookie yet)", init2[132:], bytes(16))
check("initiation3 mac1", init3[116:132], mac(hash_(b"mac1----", b_pub), init3[:116]))
check("initiation3 mac2", init3[132:], mac(cookie, init3[:132]))

print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
