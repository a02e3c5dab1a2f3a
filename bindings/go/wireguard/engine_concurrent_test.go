// SPDX-License-Identifier: LGPL-2.1-or-later

package wireguard

import (
	"bytes"
	"fmt"
	"net/netip"
	"sync"
	"testing"
)

// Several goroutines encrypt on one engine and decrypt on the other at once
// (run with -race); every packet arrives intact.
func TestEngineConcurrent(t *testing.T) {
	var mu sync.Mutex
	var toA, toB wire
	locked := func(w *wire) func([]byte, netip.AddrPort) {
		return func(d []byte, to netip.AddrPort) {
			mu.Lock()
			defer mu.Unlock()
			w.send(d, to)
		}
	}
	a, b := newEngine(t, locked(&toB)), newEngine(t, locked(&toA))
	privA, privB := mustKey(t), mustKey(t)
	epA, epB := netip.MustParseAddrPort("192.0.2.1:1"), netip.MustParseAddrPort("192.0.2.2:2")
	a.Configure(Config{PrivateKey: &privA, Peers: []PeerConfig{{PublicKey: privB.PublicKey(), Endpoint: udpAddrOf(epB),
		AllowedIPs: []netip.Prefix{netip.MustParsePrefix("10.0.0.2/32")}}}})
	b.Configure(Config{PrivateKey: &privB, Peers: []PeerConfig{{PublicKey: privA.PublicKey(), Endpoint: udpAddrOf(epA),
		AllowedIPs: []netip.Prefix{netip.MustParsePrefix("10.0.0.1/32")}}}})

	// Handshake first, on one goroutine.
	batch, _ := NewBatch(1, 1420)
	defer batch.Free()
	batch.Add(ipv4("10.0.0.1", "10.0.0.2", nil), netip.AddrPort{})
	a.Encrypt(batch)
	for i := 0; i < 3; i++ {
		for _, hop := range []struct {
			e    *Engine
			w    *wire
			from netip.AddrPort
		}{{b, &toB, epA}, {a, &toA, epB}} {
			mu.Lock()
			q := hop.w.queue
			hop.w.queue = nil
			mu.Unlock()
			for _, d := range q {
				batch.Reset()
				batch.Add(d, hop.from)
				hop.e.Decrypt(batch)
			}
		}
	}

	const workers, rounds, per = 4, 20, 8
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			enc, _ := NewBatch(per, 1420)
			dec, _ := NewBatch(per, 1420)
			defer enc.Free()
			defer dec.Free()
			for r := 0; r < rounds; r++ {
				enc.Reset()
				dec.Reset()
				var want [][]byte
				for i := 0; i < per; i++ {
					p := ipv4("10.0.0.1", "10.0.0.2", []byte(fmt.Sprintf("worker %d round %d packet %d", w, r, i)))
					want = append(want, p)
					enc.Add(p, netip.AddrPort{})
				}
				a.Encrypt(enc)
				for i := 0; i < per; i++ {
					p := enc.Packet(i)
					if p.Status != PacketSend {
						errs <- fmt.Errorf("encrypt: status %d reason %d", p.Status, p.Reason)
						return
					}
					dec.Add(p.Data, epA)
				}
				b.Decrypt(dec)
				for i := 0; i < per; i++ {
					// Replays are per session, and counters interleave across
					// workers: a packet may only be dropped for lateness, never
					// corrupted.
					p := dec.Packet(i)
					if p.Status == PacketDeliver && !bytes.Equal(p.Data, want[i]) {
						errs <- fmt.Errorf("packet %d corrupted", i)
						return
					}
					if p.Status == PacketDrop && p.Reason != DropReplay {
						errs <- fmt.Errorf("decrypt: dropped, reason %d", p.Reason)
						return
					}
				}
			}
		}(w)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	d, err := b.Device()
	if err != nil {
		t.Fatal(err)
	}
	if d.Peers[0].ReceiveBytes == 0 {
		t.Error("B received nothing")
	}
}
