// SPDX-License-Identifier: LGPL-2.1-or-later

package wireguard

import (
	"net/netip"
	"testing"
)

// BenchmarkEngineSealOpen encrypts a batch of 64 full-size packets on one
// engine and decrypts them on the other, through the Go binding: compare its
// throughput with bench/bench-engine's "seal+open" column to see what the
// binding costs.
//
//	go test -run - -bench SealOpen ./wireguard
func BenchmarkEngineSealOpen(b *testing.B) {
	const n, size = 64, 1420 - 28
	t := &testing.T{}
	var toA, toB wire
	ea, err := NewEngine(EngineOptions{Send: toB.send})
	if err != nil {
		b.Skip(err)
	}
	defer ea.Close()
	eb, _ := NewEngine(EngineOptions{Send: toA.send})
	defer eb.Close()
	privA, privB := mustKey(t), mustKey(t)
	epA, epB := netip.MustParseAddrPort("192.0.2.1:1"), netip.MustParseAddrPort("192.0.2.2:2")
	ea.Configure(Config{PrivateKey: &privA, Peers: []PeerConfig{{PublicKey: privB.PublicKey(), Endpoint: udpAddrOf(epB),
		AllowedIPs: []netip.Prefix{netip.MustParsePrefix("10.0.0.2/32")}}}})
	eb.Configure(Config{PrivateKey: &privB, Peers: []PeerConfig{{PublicKey: privA.PublicKey(), Endpoint: udpAddrOf(epA),
		AllowedIPs: []netip.Prefix{netip.MustParsePrefix("10.0.0.1/32")}}}})
	enc, _ := NewBatch(n, 1420)
	dec, _ := NewBatch(n, 1420)
	defer enc.Free()
	defer dec.Free()
	enc.Add(ipv4("10.0.0.1", "10.0.0.2", nil), netip.AddrPort{})
	ea.Encrypt(enc)
	for i := 0; i < 3; i++ { // handshake
		for _, hop := range []struct {
			e    *Engine
			w    *wire
			from netip.AddrPort
		}{{eb, &toB, epA}, {ea, &toA, epB}} {
			for _, d := range hop.w.queue {
				dec.Reset()
				dec.Add(d, hop.from)
				hop.e.Decrypt(dec)
			}
			hop.w.queue = nil
		}
	}
	pkt := ipv4("10.0.0.1", "10.0.0.2", make([]byte, size))
	b.SetBytes(int64(n * len(pkt)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		enc.Reset()
		dec.Reset()
		for j := 0; j < n; j++ {
			enc.Add(pkt, netip.AddrPort{})
		}
		ea.Encrypt(enc)
		for j := 0; j < n; j++ {
			if err := dec.Add(enc.Packet(j).Data, epA); err != nil {
				b.Fatal(err)
			}
		}
		eb.Decrypt(dec)
		if p := dec.Packet(n - 1); p.Status != PacketDeliver {
			b.Fatalf("status %d reason %d", p.Status, p.Reason)
		}
	}
}
