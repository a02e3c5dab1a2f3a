// SPDX-License-Identifier: LGPL-2.1-or-later

package wgtypes

import (
	"fmt"
	"net"
	"net/netip"
	"syscall"

	"libwireguard.invalid/go/wireguard"
)

// FromNative converts a device read by package wireguard.
func FromNative(d *wireguard.Device) *Device {
	if d == nil {
		return nil
	}
	out := &Device{
		Name:         d.Name,
		Type:         fromNativeType(d.Type),
		PrivateKey:   d.PrivateKey,
		PublicKey:    d.PublicKey,
		ListenPort:   d.ListenPort,
		FirewallMark: d.FirewallMark,
		Peers:        make([]Peer, 0, len(d.Peers)),
	}
	for _, p := range d.Peers {
		ips := make([]net.IPNet, 0, len(p.AllowedIPs))
		for _, pfx := range p.AllowedIPs {
			ips = append(ips, ipNet(pfx))
		}
		out.Peers = append(out.Peers, Peer{
			PublicKey:                   p.PublicKey,
			PresharedKey:                p.PresharedKey,
			Endpoint:                    p.Endpoint,
			PersistentKeepaliveInterval: p.PersistentKeepaliveInterval,
			LastHandshakeTime:           p.LastHandshakeTime,
			ReceiveBytes:                p.ReceiveBytes,
			TransmitBytes:               p.TransmitBytes,
			AllowedIPs:                  ips,
			ProtocolVersion:             p.ProtocolVersion,
		})
	}
	return out
}

func fromNativeType(t wireguard.DeviceType) DeviceType {
	switch t {
	case wireguard.LinuxKernel:
		return LinuxKernel
	case wireguard.Userspace:
		return Userspace
	}
	return Unknown
}

// ipNet is pfx as wgctrl-go gives it: a 4-byte IP for IPv4.
func ipNet(pfx netip.Prefix) net.IPNet {
	a := pfx.Addr()
	return net.IPNet{IP: net.IP(a.AsSlice()), Mask: net.CIDRMask(pfx.Bits(), a.BitLen())}
}

// Native converts the config for package wireguard. It fails (matching
// syscall.EINVAL) on an allowed IP whose mask is not a prefix length.
func (c Config) Native() (wireguard.Config, error) {
	out := wireguard.Config{
		PrivateKey:   c.PrivateKey,
		ListenPort:   c.ListenPort,
		FirewallMark: c.FirewallMark,
		ReplacePeers: c.ReplacePeers,
	}
	for _, pc := range c.Peers {
		np := wireguard.PeerConfig{
			PublicKey:                   pc.PublicKey,
			Remove:                      pc.Remove,
			UpdateOnly:                  pc.UpdateOnly,
			PresharedKey:                pc.PresharedKey,
			Endpoint:                    pc.Endpoint,
			PersistentKeepaliveInterval: pc.PersistentKeepaliveInterval,
			ReplaceAllowedIPs:           pc.ReplaceAllowedIPs,
		}
		for _, n := range pc.AllowedIPs {
			pfx, err := prefix(n)
			if err != nil {
				return wireguard.Config{}, err
			}
			np.AllowedIPs = append(np.AllowedIPs, pfx)
		}
		out.Peers = append(out.Peers, np)
	}
	return out, nil
}

// prefix converts an IPNet as wgctrl-go reads one: IPv4 when the IP has an
// IPv4 form (4 bytes, or 16 bytes v4-mapped) and the mask is 4 bytes, or 16
// bytes with the 96 leading ones of a mapped mask.
func prefix(n net.IPNet) (netip.Prefix, error) {
	ones, bits := n.Mask.Size()
	if bits == 0 {
		return netip.Prefix{}, fmt.Errorf("wgtypes: allowed IP %v: mask %v is not a prefix length: %w",
			n.IP, n.Mask, syscall.EINVAL)
	}
	if ip4 := n.IP.To4(); ip4 != nil && (bits == 32 || (bits == 128 && ones >= 96)) {
		if bits == 128 {
			ones -= 96
		}
		a, _ := netip.AddrFromSlice(ip4)
		return netip.PrefixFrom(a, ones), nil
	}
	ip16 := n.IP.To16()
	if ip16 == nil || bits != 128 {
		return netip.Prefix{}, fmt.Errorf("wgtypes: allowed IP %v/%d: not an IPv4 or IPv6 prefix: %w",
			n.IP, ones, syscall.EINVAL)
	}
	a, _ := netip.AddrFromSlice(ip16)
	return netip.PrefixFrom(a, ones), nil
}
