# SPDX-License-Identifier: LGPL-2.1-or-later
"""Keys: generation, public keys against wg(8) and python-cryptography, codecs, errors."""
import base64
import errno
import shutil
import subprocess

import pytest

import pywireguard as wg
from pywireguard import Key, PublicKey, WireGuardError


def test_generate_is_clamped_and_random():
    keys = [bytes(Key.generate()) for _ in range(16)]
    assert len(set(keys)) == 16
    for k in keys:
        assert k[0] & 7 == 0 and k[31] & 0x80 == 0 and k[31] & 0x40


@pytest.mark.skipif(shutil.which("wg") is None, reason="wg (wireguard-tools) not installed")
def test_public_key_matches_wg_pubkey():
    for _ in range(8):
        priv = Key.generate()
        out = subprocess.run(["wg", "pubkey"], input=priv.to_base64() + "\n", check=True,
                             capture_output=True, text=True).stdout.strip()
        assert priv.public_key().to_base64() == out
        assert priv.public_key() == PublicKey.from_base64(out)


@pytest.mark.skipif(shutil.which("wg") is None, reason="wg (wireguard-tools) not installed")
def test_wg_genkey_keys_are_accepted():
    text = subprocess.run(["wg", "genkey"], check=True, capture_output=True,
                          text=True).stdout.strip()
    assert Key.from_base64(text).to_base64() == text


def test_public_key_matches_cryptography():
    x25519 = pytest.importorskip("cryptography.hazmat.primitives.asymmetric.x25519")
    from cryptography.hazmat.primitives import serialization
    for _ in range(8):
        priv = Key.generate()
        other = x25519.X25519PrivateKey.from_private_bytes(bytes(priv)).public_key()
        raw = other.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        assert bytes(priv.public_key()) == raw


def test_codecs_round_trip_and_match_python():
    k = Key.generate_preshared()
    raw = bytes(k)
    assert k.to_base64() == base64.b64encode(raw).decode()
    assert k.to_hex() == raw.hex()
    assert Key.from_base64(k.to_base64()) == k
    assert Key.from_hex(k.to_hex()) == k
    assert Key.from_hex(k.to_hex().upper()) == k
    assert Key(raw) == k and bytes(Key(raw)) == raw


@pytest.mark.parametrize("text", [
    "", "short", "A" * 43, "A" * 44, "A" * 43 + "==", "A" * 45,
    "!" * 43 + "=", "A" * 42 + "B=", "A" * 42 + "=A",
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\0=",
])
def test_bad_base64_raises_einval(text):
    with pytest.raises(WireGuardError) as e:
        Key.from_base64(text)
    assert e.value.errno == errno.EINVAL
    assert isinstance(e.value, OSError)
    assert e.value.strerror


@pytest.mark.parametrize("text", ["", "00", "0" * 63, "0" * 65, "g" * 64, "0" * 62 + " 0"])
def test_bad_hex_raises_einval(text):
    with pytest.raises(WireGuardError) as e:
        Key.from_hex(text)
    assert e.value.errno == errno.EINVAL


@pytest.mark.parametrize("n", [0, 31, 33])
def test_bad_length_raises_einval(n):
    with pytest.raises(WireGuardError) as e:
        Key(b"\1" * n)
    assert e.value.errno == errno.EINVAL


def test_repr_never_shows_private_material():
    k = Key.generate()
    for text in (repr(k), str(k), "%s %r" % (k, k), repr([k]), repr(wg.Device(private_key=k))):
        assert k.to_base64() not in text and k.to_hex() not in text
        assert k.to_base64()[:10] not in text
    pub = k.public_key()
    assert pub.to_base64() in repr(pub) and str(pub) == pub.to_base64()


def test_equality_and_hash():
    a, b = Key.generate(), Key.generate()
    assert a != b and not (a == b)
    assert a == Key(bytes(a)) and hash(a) == hash(Key(bytes(a)))
    assert a != bytes(a)  # keys only equal keys
    assert len({a, Key(bytes(a)), b}) == 2
    assert Key(b"\0" * 32).is_zero() and not a.is_zero()


def test_keys_are_not_pickled():
    import pickle
    with pytest.raises(TypeError):
        pickle.dumps(Key.generate())
