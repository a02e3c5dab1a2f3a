// SPDX-License-Identifier: LGPL-2.1-or-later

package wireguard

import (
	"net"
	"net/netip"
	"time"
)

// DeviceType says which implementation runs a device.
type DeviceType int

// Device types, as wgctrl names them.
const (
	Unknown     DeviceType = iota // not known (engines, tunnels, parsed configs)
	LinuxKernel                   // the Linux kernel's WireGuard
	Userspace                     // a daemon with a UAPI socket (wg-engine, wireguard-go, ...)
)

func (t DeviceType) String() string {
	switch t {
	case LinuxKernel:
		return "Linux kernel"
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
	AllowedIPs                  []netip.Prefix
	ProtocolVersion             int
}

// Config changes a device. Only non-nil fields are applied; the rest of the
// device stays as it is.
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
	AllowedIPs        []netip.Prefix
	// RemoveAllowedIPs removes these prefixes from the peer.
	RemoveAllowedIPs []netip.Prefix
}

// EventType says what an Event reports.
type EventType int

// Event types, as in enum wg_event_type.
const (
	EventHandshakeComplete EventType = 1 // a new session is up
	EventSessionExpired    EventType = 2 // a session's keys were wiped
	EventEndpointChanged   EventType = 3 // a peer roamed to a new address
	EventPeerUnreachable   EventType = 4 // handshakes were given up
)

func (t EventType) String() string {
	switch t {
	case EventHandshakeComplete:
		return "handshake complete"
	case EventSessionExpired:
		return "session expired"
	case EventEndpointChanged:
		return "endpoint changed"
	case EventPeerUnreachable:
		return "peer unreachable"
	}
	return "unknown event"
}

// Event is something that happened to a peer of an engine.
type Event struct {
	Type      EventType
	PublicKey Key
	Endpoint  netip.AddrPort // the peer's current endpoint, if any
}
