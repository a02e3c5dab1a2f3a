// SPDX-License-Identifier: LGPL-2.1-or-later

package wgtypes

import (
	"errors"
	"net"
	"net/netip"
	"syscall"
	"testing"

	"libwireguard.invalid/go/wireguard"
)

func mustCIDR(s string) net.IPNet {
	_, n, err := net.ParseCIDR(s)
	if err != nil {
		panic(err)
	}
	return *n
}

// IPNets in every form wgctrl-go accepts become the same prefixes.
func TestNativeAllowedIPs(t *testing.T) {
	cases := []struct {
		in   net.IPNet
		want string
	}{
		{mustCIDR("10.0.0.0/8"), "10.0.0.0/8"},
		{net.IPNet{IP: net.ParseIP("192.0.2.1"), Mask: net.CIDRMask(32, 32)}, "192.0.2.1/32"},   // 16-byte IPv4
		{net.IPNet{IP: net.ParseIP("192.0.2.0"), Mask: net.CIDRMask(120, 128)}, "192.0.2.0/24"}, // mapped mask
		{mustCIDR("2001:db8::/32"), "2001:db8::/32"},
		{mustCIDR("::/0"), "::/0"},
		{mustCIDR("0.0.0.0/0"), "0.0.0.0/0"},
	}
	for _, c := range cases {
		cfg, err := Config{Peers: []PeerConfig{{AllowedIPs: []net.IPNet{c.in}}}}.Native()
		if err != nil {
			t.Fatalf("%v: %v", c.in, err)
		}
		if got := cfg.Peers[0].AllowedIPs[0].String(); got != c.want {
			t.Errorf("%v: got %s, want %s", c.in, got, c.want)
		}
	}
	bad := []net.IPNet{
		{IP: net.ParseIP("10.0.0.0").To4(), Mask: net.IPMask{255, 0, 255, 0}}, // not a prefix
		{IP: net.ParseIP("2001:db8::"), Mask: net.CIDRMask(8, 32)},            // IPv6 with an IPv4 mask
		{IP: nil, Mask: net.CIDRMask(8, 32)},
	}
	for _, n := range bad {
		_, err := Config{Peers: []PeerConfig{{AllowedIPs: []net.IPNet{n}}}}.Native()
		if !errors.Is(err, syscall.EINVAL) {
			t.Errorf("%v: got %v, want EINVAL", n, err)
		}
	}
}

// A device read by package wireguard keeps every field, with 4-byte IPv4.
func TestFromNative(t *testing.T) {
	k, _ := GeneratePrivateKey()
	d := &wireguard.Device{Name: "wg0", Type: wireguard.Userspace, PrivateKey: k, PublicKey: k.PublicKey(),
		ListenPort: 51820, FirewallMark: 7, Peers: []wireguard.Peer{{
			PublicKey: k.PublicKey(), ReceiveBytes: 5, TransmitBytes: 6, ProtocolVersion: 1,
			Endpoint:   &net.UDPAddr{IP: net.IPv4(192, 0, 2, 1), Port: 1},
			AllowedIPs: []netip.Prefix{netip.MustParsePrefix("10.1.0.0/16"), netip.MustParsePrefix("fd00::/8")}}}}
	got := FromNative(d)
	if got.Name != "wg0" || got.Type != Userspace || got.Type.String() != "userspace" || got.PrivateKey != k ||
		got.ListenPort != 51820 || got.FirewallMark != 7 || len(got.Peers) != 1 {
		t.Fatalf("device: %+v", got)
	}
	p := got.Peers[0]
	if p.ReceiveBytes != 5 || p.TransmitBytes != 6 || p.ProtocolVersion != 1 || p.Endpoint.String() != "192.0.2.1:1" {
		t.Errorf("peer: %+v", p)
	}
	if len(p.AllowedIPs) != 2 || p.AllowedIPs[0].String() != "10.1.0.0/16" || len(p.AllowedIPs[0].IP) != 4 ||
		p.AllowedIPs[1].String() != "fd00::/8" {
		t.Errorf("allowed IPs: %v", p.AllowedIPs)
	}
	if FromNative(nil) != nil {
		t.Error("FromNative(nil) != nil")
	}
}

// The values and names are wgctrl-go's.
func TestDeviceType(t *testing.T) {
	want := map[DeviceType]string{0: "unknown", 1: "Linux kernel", 2: "OpenBSD kernel", 3: "FreeBSD kernel",
		4: "Windows kernel", 5: "userspace"}
	for v, s := range want {
		if v.String() != s {
			t.Errorf("%d: %q, want %q", int(v), v.String(), s)
		}
	}
	if Unknown != 0 || LinuxKernel != 1 || Userspace != 5 {
		t.Error("constants moved")
	}
}
