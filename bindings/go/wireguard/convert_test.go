// SPDX-License-Identifier: LGPL-2.1-or-later

package wireguard

import (
	"errors"
	"net"
	"net/netip"
	"reflect"
	"syscall"
	"testing"
	"time"

	"libwireguard.invalid/go/capi"
)

func ptr[T any](v T) *T { return &v }

func mustKey(t *testing.T) Key {
	t.Helper()
	k, err := GeneratePrivateKey()
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// A Config goes into the C model and comes back as the same Device.
func TestConfigRoundTrip(t *testing.T) {
	priv, psk := mustKey(t), mustKey(t)
	pub1, pub2, pub3 := mustKey(t).PublicKey(), mustKey(t).PublicKey(), mustKey(t).PublicKey()
	cfg := Config{
		PrivateKey:   &priv,
		ListenPort:   ptr(51820),
		FirewallMark: ptr(0xdeadbeef),
		ReplacePeers: true,
		Peers: []PeerConfig{{
			PublicKey:                   pub1,
			PresharedKey:                &psk,
			Endpoint:                    &net.UDPAddr{IP: net.IPv4(192, 0, 2, 1), Port: 51820},
			PersistentKeepaliveInterval: ptr(25 * time.Second),
			ReplaceAllowedIPs:           true,
			AllowedIPs: []netip.Prefix{
				netip.MustParsePrefix("10.0.0.0/24"),
				netip.MustParsePrefix("fd00::/64"),
				netip.MustParsePrefix("::ffff:10.1.0.0/112"), // IPv4-mapped: sent as 10.1.0.0/16
			},
		}, {
			PublicKey:        pub2,
			Endpoint:         &net.UDPAddr{IP: net.ParseIP("2001:db8::1"), Port: 1, Zone: "7"},
			UpdateOnly:       true,
			RemoveAllowedIPs: []netip.Prefix{netip.MustParsePrefix("10.9.0.0/16")},
		}, {
			PublicKey: pub3,
			Remove:    true,
		}},
	}
	dev, err := newCDevice("test", "wgtest0", &cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer capi.Wg_free_device(dev)

	// The flags say what is applied.
	wantDevFlags := capi.WGDEVICE_HAS_PRIVATE_KEY | capi.WGDEVICE_HAS_LISTEN_PORT |
		capi.WGDEVICE_HAS_FWMARK | capi.WGDEVICE_REPLACE_PEERS
	if got := dev.GetFlags(); got != uint(wantDevFlags) {
		t.Errorf("device flags %#x, want %#x", got, wantDevFlags)
	}
	p := dev.GetFirst_peer()
	wantFlags := []capi.Enum_SS_wg_peer_flags{
		capi.WGPEER_HAS_PUBLIC_KEY | capi.WGPEER_HAS_PRESHARED_KEY |
			capi.WGPEER_HAS_PERSISTENT_KEEPALIVE_INTERVAL | capi.WGPEER_REPLACE_ALLOWEDIPS,
		capi.WGPEER_HAS_PUBLIC_KEY | capi.WGPEER_UPDATE_ONLY,
		capi.WGPEER_HAS_PUBLIC_KEY | capi.WGPEER_REMOVE_ME,
	}
	for i, want := range wantFlags {
		if isNil(p) {
			t.Fatalf("peer %d missing", i)
		}
		if got := p.GetFlags(); got != uint(want) {
			t.Errorf("peer %d flags %#x, want %#x", i, got, want)
		}
		p = p.GetNext_peer()
	}
	if a := dev.GetFirst_peer().GetNext_peer().GetFirst_allowedip(); a.GetFlags() != uint(capi.WGALLOWEDIP_REMOVE_ME) {
		t.Errorf("removed allowed IP flags %#x", a.GetFlags())
	}

	got := goDevice(dev)
	want := &Device{
		Name:         "wgtest0",
		PrivateKey:   priv,
		ListenPort:   51820,
		FirewallMark: 0xdeadbeef,
		Peers: []Peer{{
			PublicKey:                   pub1,
			PresharedKey:                psk,
			Endpoint:                    &net.UDPAddr{IP: net.IPv4(192, 0, 2, 1).To4(), Port: 51820},
			PersistentKeepaliveInterval: 25 * time.Second,
			AllowedIPs: []netip.Prefix{
				netip.MustParsePrefix("10.0.0.0/24"),
				netip.MustParsePrefix("fd00::/64"),
				netip.MustParsePrefix("10.1.0.0/16"),
			},
		}, {
			PublicKey:  pub2,
			Endpoint:   &net.UDPAddr{IP: net.ParseIP("2001:db8::1"), Port: 1, Zone: zoneName(7)},
			AllowedIPs: []netip.Prefix{netip.MustParsePrefix("10.9.0.0/16")},
		}, {
			PublicKey: pub3,
		}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("round trip:\n got %+v\nwant %+v", got, want)
		for i := range got.Peers {
			t.Logf("peer %d: got %+v", i, got.Peers[i])
		}
	}
}

func zoneName(i int) string {
	if ifi, err := net.InterfaceByIndex(i); err == nil {
		return ifi.Name
	}
	return "7"
}

// Invalid input is refused before anything reaches C, with EINVAL.
func TestConfigInvalid(t *testing.T) {
	k := mustKey(t)
	for name, cfg := range map[string]Config{
		"port":      {ListenPort: ptr(65536)},
		"negport":   {ListenPort: ptr(-1)},
		"fwmark":    {FirewallMark: ptr(-1)},
		"keepalive": {Peers: []PeerConfig{{PublicKey: k, PersistentKeepaliveInterval: ptr(65536 * time.Second)}}},
		"endpoint":  {Peers: []PeerConfig{{PublicKey: k, Endpoint: &net.UDPAddr{Port: 1}}}},
		"epport":    {Peers: []PeerConfig{{PublicKey: k, Endpoint: &net.UDPAddr{IP: net.IPv4(1, 2, 3, 4), Port: 70000}}}},
		"prefix":    {Peers: []PeerConfig{{PublicKey: k, AllowedIPs: []netip.Prefix{{}}}}},
		"mapped":    {Peers: []PeerConfig{{PublicKey: k, AllowedIPs: []netip.Prefix{netip.MustParsePrefix("::ffff:0:0/64")}}}},
	} {
		_, err := newCDevice("test", "wgtest0", &cfg)
		if !errors.Is(err, syscall.EINVAL) {
			t.Errorf("%s: %v, want EINVAL", name, err)
		}
	}
	if _, err := newCDevice("test", "a-name-that-is-too-long", &Config{}); !errors.Is(err, syscall.EINVAL) {
		t.Errorf("long name: %v, want EINVAL", err)
	}
}
