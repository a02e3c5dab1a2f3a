# SPDX-License-Identifier: LGPL-2.1-or-later
"""WireGuard keys: Curve25519 private/public keys and preshared keys."""
from __future__ import annotations

import errno as _errno

from ._wireguard import ffi, lib
from .errors import check, error_from_errno

__all__ = ["Key", "PublicKey"]

KEY_LEN = ffi.sizeof("wg_key")


class Key:
    """A 32-byte key (private, preshared or public).

    Immutable.  Equality is constant time (wg_key_equal).  ``repr()`` and
    ``str()`` never show the key: use to_base64() or bytes() explicitly.
    The C buffer is wiped when the object is collected.
    """

    __slots__ = ("_key", "__weakref__")

    def __init__(self, data: str | bytes | bytearray | memoryview):
        """A key from 32 raw bytes, or from text: base64 (44 characters, as
        wg(8) prints keys) or 64 hexadecimal digits.  ValueError if it is
        neither, TypeError for other types."""
        self._key = ffi.new("wg_key")
        if isinstance(data, str):
            if len(data) == 64:
                self._decode(lib.wg_key_from_hex, data, "hex key")
            else:
                self._decode(lib.wg_key_from_base64, data, "base64 key")
            return
        if not isinstance(data, (bytes, bytearray, memoryview)):
            raise TypeError("a key is made from bytes or a base64/hex str, not %s" % type(data).__name__)
        raw = bytes(data)
        if len(raw) != KEY_LEN:
            raise error_from_errno(_errno.EINVAL, "a key is %d bytes, not %d" % (KEY_LEN, len(raw)))
        ffi.memmove(self._key, raw, KEY_LEN)

    def _decode(self, fn, text: str | bytes, what: str) -> None:
        if isinstance(text, str):
            text = text.encode("ascii", "replace")
        elif not isinstance(text, bytes):
            raise TypeError("a %s is str or bytes, not %s" % (what, type(text).__name__))
        width = 44 if fn is lib.wg_key_from_base64 else 64
        if len(text) != width or b"\0" in text:
            raise error_from_errno(_errno.EINVAL, "a %s is %d characters" % (what, width))
        check(fn(self._key, text))

    @classmethod
    def _from_cdata(cls, cdata) -> "Key":
        key = cls.__new__(cls)
        key._key = ffi.new("wg_key")
        ffi.memmove(key._key, cdata, KEY_LEN)
        return key

    @classmethod
    def generate(cls) -> "Key":
        """A new random, clamped Curve25519 private key."""
        key = cls.__new__(cls)
        key._key = ffi.new("wg_key")
        lib.wg_generate_private_key(key._key)
        return key

    @classmethod
    def generate_preshared(cls) -> "Key":
        """A new random 32-byte preshared key."""
        key = cls.__new__(cls)
        key._key = ffi.new("wg_key")
        lib.wg_generate_preshared_key(key._key)
        return key

    @classmethod
    def from_base64(cls, text: str | bytes) -> "Key":
        """Decode standard base64 (44 characters); ValueError otherwise."""
        key = cls.__new__(cls)
        key._key = ffi.new("wg_key")
        key._decode(lib.wg_key_from_base64, text, "base64 key")
        return key

    @classmethod
    def from_hex(cls, text: str | bytes) -> "Key":
        """Decode 64 hexadecimal digits (either case); ValueError otherwise."""
        key = cls.__new__(cls)
        key._key = ffi.new("wg_key")
        key._decode(lib.wg_key_from_hex, text, "hex key")
        return key

    def public_key(self) -> "PublicKey":
        """The Curve25519 public key of this private key."""
        pub = PublicKey.__new__(PublicKey)
        pub._key = ffi.new("wg_key")
        lib.wg_generate_public_key(pub._key, self._key)
        return pub

    def to_base64(self) -> str:
        """Standard base64 with padding (44 characters)."""
        out = ffi.new("wg_key_b64_string")
        lib.wg_key_to_base64(out, self._key)
        return ffi.string(out).decode("ascii")

    def to_hex(self) -> str:
        """64 lowercase hexadecimal digits (the UAPI form)."""
        out = ffi.new("wg_key_hex_string")
        lib.wg_key_to_hex(out, self._key)
        return ffi.string(out).decode("ascii")

    def is_zero(self) -> bool:
        """Whether all 32 bytes are zero (constant time)."""
        return bool(lib.wg_key_is_zero(self._key))

    def __bytes__(self) -> bytes:
        return bytes(ffi.buffer(self._key))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Key):
            return NotImplemented
        return bool(lib.wg_key_equal(self._key, other._key))

    def __ne__(self, other: object) -> bool:
        eq = self.__eq__(other)
        return eq if eq is NotImplemented else not eq

    def __hash__(self) -> int:
        # SipHash with the process's secret seed: usable as a dict key.
        return hash(bytes(ffi.buffer(self._key)))

    def __repr__(self) -> str:
        return "<%s (hidden)>" % type(self).__name__

    __str__ = __repr__

    def __reduce__(self):
        raise TypeError("keys are not pickled implicitly; use bytes(key)")

    def __del__(self):
        key = getattr(self, "_key", None)
        if key is not None:
            ffi.memmove(key, b"\0" * KEY_LEN, KEY_LEN)


class PublicKey(Key):
    """A public key: the same as Key, but safe to show, so repr() shows it."""

    __slots__ = ()

    def public_key(self):
        raise TypeError("a public key has no public key")

    def __repr__(self) -> str:
        return "PublicKey(%r)" % self.to_base64()

    def __str__(self) -> str:
        return self.to_base64()
