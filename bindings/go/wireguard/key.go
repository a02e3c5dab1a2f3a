// SPDX-License-Identifier: LGPL-2.1-or-later

package wireguard

import (
	"crypto/subtle"
	"encoding/hex"
	"fmt"

	"libwireguard.invalid/go/capi"
)

// KeyLen is the length of a WireGuard key in bytes.
const KeyLen = 32

// A Key is a Curve25519 private or public key, or a preshared key.
type Key [KeyLen]byte

// GeneratePrivateKey returns a new random, clamped Curve25519 private key.
// The error is always nil (the library aborts rather than return a weak key);
// it is there for wgctrl compatibility.
func GeneratePrivateKey() (Key, error) {
	var k Key
	capi.Wg_generate_private_key(k[:])
	return k, nil
}

// GenerateKey returns a new random 32-byte key, for use as a preshared key.
func GenerateKey() (Key, error) {
	var k Key
	capi.Wg_generate_preshared_key(k[:])
	return k, nil
}

// NewKey copies a 32-byte slice into a Key.
func NewKey(b []byte) (Key, error) {
	var k Key
	if len(b) != KeyLen {
		return k, invalid("wireguard: new key", fmt.Sprintf("key is %d bytes, want %d", len(b), KeyLen))
	}
	copy(k[:], b)
	return k, nil
}

// ParseKey decodes a base64 key (44 characters, as wg(8) prints it), in
// constant time.
func ParseKey(s string) (Key, error) {
	var k Key
	err := call("wireguard: parse key", func() int { return capi.Wg_key_from_base64(k[:], s) })
	return k, err
}

// ParseHexKey decodes a key of 64 hexadecimal digits (the UAPI form).
func ParseHexKey(s string) (Key, error) {
	var k Key
	err := call("wireguard: parse hex key", func() int { return capi.Wg_key_from_hex(k[:], s) })
	return k, err
}

// PublicKey derives the public key of a private key.
func (k Key) PublicKey() Key {
	var pub Key
	capi.Wg_generate_public_key(pub[:], k[:])
	return pub
}

// String returns the base64 encoding, as wg(8) prints keys.
func (k Key) String() string {
	var b [45]byte
	capi.Wg_key_to_base64(b[:], k[:])
	return string(b[:44])
}

// Hex returns the 64 lowercase hexadecimal digits of the UAPI form.
func (k Key) Hex() string {
	return hex.EncodeToString(k[:])
}

// Equal compares two keys in constant time.
func (k Key) Equal(o Key) bool {
	return subtle.ConstantTimeCompare(k[:], o[:]) == 1
}

// IsZero reports whether the key is all zeros, in constant time.
func (k Key) IsZero() bool {
	var zero Key
	return k.Equal(zero)
}
