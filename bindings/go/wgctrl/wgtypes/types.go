// SPDX-License-Identifier: LGPL-2.1-or-later

// Package wgtypes holds the plain data types of package wgctrl, shaped as
// wgctrl-go's wgtypes (allowed IPs are []net.IPNet), so that a program
// written for wgctrl-go ports by changing its imports. Package
// libwireguard.invalid/go/wireguard has the same types with net/netip, plus
// what wgctrl-go lacks (engines, tunnels, config files, diffs); Native and
// FromNative convert between the two.
package wgtypes

import (
	"net"
	"time"

	"libwireguard.invalid/go/wireguard"
)

// KeyLen is the length of a Key in bytes.
const KeyLen = wireguard.KeyLen

// A Key is a Curve25519 private or public key, or a preshared key: the same
// type as wireguard.Key (String, PublicKey, constant-time Equal, ...).
type Key = wireguard.Key

// GeneratePrivateKey returns a new random, clamped private key.
func GeneratePrivateKey() (Key, error) { return wireguard.GeneratePrivateKey() }

// GenerateKey returns a new random key, for use as a preshared key.
func GenerateKey() (Key, error) { return wireguard.GenerateKey() }

// NewKey copies a 32-byte slice into a Key.
func NewKey(b []byte) (Key, error) { return wireguard.NewKey(b) }

// ParseKey parses a base64 key, as wg(8) prints them.
func ParseKey(s string) (Key, error) { return wireguard.ParseKey(s) }

// DeviceType says which implementation runs a device; the values are
// wgctrl-go's.
type DeviceType int

// Device types. This library drives the Linux kernel's devices and
// userspace ones; the BSD and Windows kernels are listed for programs that
// name them.
const (
	Unknown DeviceType = iota
	LinuxKernel
	OpenBSDKernel
	FreeBSDKernel
	WindowsKernel
	Userspace
)

func (t DeviceType) String() string {
	switch t {
	case LinuxKernel:
		return "Linux kernel"
	case OpenBSDKernel:
		return "OpenBSD kernel"
	case FreeBSDKernel:
		return "FreeBSD kernel"
	case WindowsKernel:
		return "Windows kernel"
	case Userspace:
		return "userspace"
	}
	return "unknown"
}

// Device is a WireGuard device's configuration and state, as read back.
type Device struct {
	Name         string
	Type         DeviceType
	PrivateKey   Key // zero if the caller may not read it
	PublicKey    Key
	ListenPort   int
	FirewallMark int
	Peers        []Peer
}

// Peer is one peer of a Device, as read back.
type Peer struct {
	PublicKey                   Key
	PresharedKey                Key
	Endpoint                    *net.UDPAddr // nil if none is known
	PersistentKeepaliveInterval time.Duration
	LastHandshakeTime           time.Time // zero if there was none
	ReceiveBytes                int64
	TransmitBytes               int64
	AllowedIPs                  []net.IPNet
	ProtocolVersion             int
}

// Config changes a device. Only non-nil fields are applied.
type Config struct {
	PrivateKey   *Key
	ListenPort   *int
	FirewallMark *int

	// ReplacePeers removes every peer not listed in Peers.
	ReplacePeers bool
	Peers        []PeerConfig
}

// PeerConfig adds, changes or removes the peer PublicKey. Only non-nil
// fields are applied.
type PeerConfig struct {
	PublicKey Key

	// Remove deletes the peer; every other field is then ignored.
	Remove bool
	// UpdateOnly changes the peer only if it exists; it is never created.
	UpdateOnly bool

	PresharedKey                *Key
	Endpoint                    *net.UDPAddr
	PersistentKeepaliveInterval *time.Duration

	// ReplaceAllowedIPs removes the peer's allowed IPs before adding AllowedIPs.
	ReplaceAllowedIPs bool
	AllowedIPs        []net.IPNet
}
