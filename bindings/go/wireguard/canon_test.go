// SPDX-License-Identifier: LGPL-2.1-or-later

package wireguard

import (
	"bytes"
	"fmt"
	"math/rand"
	"net"
	"net/netip"
	"testing"
	"time"
)

func TestApplyAndCanonical(t *testing.T) {
	priv := mustKey(t)
	priv[0] |= 7 // unclamped: Apply clamps it
	p1, p2 := mustKey(t).PublicKey(), mustKey(t).PublicKey()
	state, err := (&Device{}).Apply(Config{PrivateKey: &priv, Peers: []PeerConfig{
		{PublicKey: p1, AllowedIPs: []netip.Prefix{netip.MustParsePrefix("10.0.0.1/24"), netip.MustParsePrefix("10.1.0.0/16")}},
		{PublicKey: p2, AllowedIPs: []netip.Prefix{netip.MustParsePrefix("10.1.0.0/16")}}, // moves it from p1
	}})
	if err != nil {
		t.Fatal(err)
	}
	clamped := priv
	clamped[0] &^= 7
	if !state.PrivateKey.Equal(clamped) || !state.PublicKey.Equal(clamped.PublicKey()) {
		t.Errorf("private key %v (want clamped %v), public %v", state.PrivateKey, clamped, state.PublicKey)
	}
	want := map[Key][]netip.Prefix{
		p1: {netip.MustParsePrefix("10.0.0.0/24")},
		p2: {netip.MustParsePrefix("10.1.0.0/16")},
	}
	for _, p := range state.Peers {
		if !samePrefixes(p.AllowedIPs, want[p.PublicKey]) {
			t.Errorf("peer %v: allowed IPs %v, want %v", p.PublicKey, p.AllowedIPs, want[p.PublicKey])
		}
	}

	canon, err := state.Canonical()
	if err != nil {
		t.Fatal(err)
	}
	if len(canon.Peers) != 2 || bytes.Compare(canon.Peers[0].PublicKey[:], canon.Peers[1].PublicKey[:]) > 0 {
		t.Errorf("canonical peers not sorted by key: %v", canon.Peers)
	}
	// Peers in the other order are the same configuration.
	swapped := *state
	swapped.Peers = []Peer{state.Peers[1], state.Peers[0]}
	if same, err := swapped.Same(state); err != nil || !same {
		t.Errorf("Same(reordered) = %v, %v", same, err)
	}
	other := *state
	other.ListenPort++
	if same, _ := other.Same(state); same {
		t.Error("Same ignores the listen port")
	}
}

// For random pairs of states, applying Diff(from, to) to from gives to.
func TestDiffProperty(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	keys := make([]Key, 6)
	for i := range keys {
		keys[i] = mustKey(t).PublicKey()
	}
	psk := mustKey(t)
	randomState := func() *Device {
		d := &Device{ListenPort: rng.Intn(3) * 1000}
		if rng.Intn(2) == 0 {
			k := mustKey(t)
			d.PrivateKey = k
		}
		for i, k := range keys {
			if rng.Intn(2) == 0 {
				continue
			}
			p := Peer{PublicKey: k, PersistentKeepaliveInterval: time.Duration(rng.Intn(2)*25) * time.Second}
			if rng.Intn(2) == 0 {
				p.PresharedKey = psk
			}
			if rng.Intn(2) == 0 {
				p.Endpoint = &net.UDPAddr{IP: net.IPv4(192, 0, 2, byte(rng.Intn(3))), Port: 51820}
			}
			for j := 0; j < rng.Intn(4); j++ {
				p.AllowedIPs = append(p.AllowedIPs,
					netip.MustParsePrefix(fmt.Sprintf("10.%d.%d.0/24", i, rng.Intn(4))))
			}
			d.Peers = append(d.Peers, p)
		}
		return d
	}
	for round := 0; round < 40; round++ {
		from, to := randomState(), randomState()
		// An endpoint is never cleared by a diff: give to the ones it would keep.
		for i := range to.Peers {
			if to.Peers[i].Endpoint == nil {
				if f := findPeer(from, to.Peers[i].PublicKey); f != nil {
					to.Peers[i].Endpoint = f.Endpoint
				}
			}
		}
		for _, flags := range []DiffFlags{0, DiffRemoveAllowedIPs} {
			diff, err := Diff(from, to, flags)
			if err != nil {
				t.Fatal(err)
			}
			got, err := from.Apply(diff)
			if err != nil {
				t.Fatalf("round %d: apply diff: %v", round, err)
			}
			if same, err := got.Same(to); err != nil || !same {
				t.Fatalf("round %d flags %d: from+diff != to\nfrom %+v\nto   %+v\ndiff %+v\ngot  %+v", round, flags, from, to, diff, got)
			}
			if flags == 0 {
				for _, p := range diff.Peers {
					if len(p.RemoveAllowedIPs) > 0 {
						t.Errorf("round %d: RemoveAllowedIPs without DiffRemoveAllowedIPs", round)
					}
				}
			}
		}
		if diff, _ := Diff(to, to, 0); diff.ReplacePeers || len(diff.Peers) > 0 || diff.PrivateKey != nil || diff.ListenPort != nil {
			t.Errorf("round %d: Diff(to, to) = %+v, want nothing", round, diff)
		}
	}
}
