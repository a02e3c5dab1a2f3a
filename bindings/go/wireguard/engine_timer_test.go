// SPDX-License-Identifier: LGPL-2.1-or-later

package wireguard

import (
	"net/netip"
	"testing"
	"time"
)

// With a simulated clock, timers fire on Tick without waiting: a peer that
// received data and sent nothing back sends a keepalive after 10 s.
func TestEngineTimers(t *testing.T) {
	var toA, toB wire
	epoch := time.Unix(1700000000, 0)
	newSim := func(send func([]byte, netip.AddrPort)) *Engine {
		e, err := NewEngine(EngineOptions{Send: send, SimulatedClock: true})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { e.Close() })
		e.SetTime(time.Second, epoch)
		return e
	}
	a, b := newSim(toB.send), newSim(toA.send)
	privA, privB := mustKey(t), mustKey(t)
	epA, epB := netip.MustParseAddrPort("192.0.2.1:1"), netip.MustParseAddrPort("192.0.2.2:2")
	for _, c := range []struct {
		e          *Engine
		priv, peer Key
		ep         netip.AddrPort
		allowed    string
	}{{a, privA, privB.PublicKey(), epB, "10.0.0.2/32"}, {b, privB, privA.PublicKey(), epA, "10.0.0.1/32"}} {
		priv := c.priv
		if err := c.e.Configure(Config{PrivateKey: &priv, Peers: []PeerConfig{{
			PublicKey: c.peer, Endpoint: udpAddrOf(c.ep),
			AllowedIPs: []netip.Prefix{netip.MustParsePrefix(c.allowed)},
		}}}); err != nil {
			t.Fatal(err)
		}
	}
	batch, err := NewBatch(4, 1420)
	if err != nil {
		t.Fatal(err)
	}
	defer batch.Free()
	pump := func(e *Engine, w *wire, from netip.AddrPort) (delivered int) {
		for len(w.queue) > 0 {
			d := w.queue[0]
			w.queue = w.queue[1:]
			batch.Reset()
			batch.Add(d, from)
			e.Decrypt(batch)
			if batch.Packet(0).Status == PacketDeliver {
				delivered++
			}
		}
		return delivered
	}
	batch.Add(ipv4("10.0.0.1", "10.0.0.2", []byte("x")), netip.AddrPort{})
	a.Encrypt(batch)
	got := 0
	for i := 0; i < 3; i++ {
		got += pump(b, &toB, epA)
		pump(a, &toA, epB)
	}
	if got != 1 {
		t.Fatalf("B received %d packets, want 1", got)
	}

	// B owes A a keepalive 10 s after receiving data; not before.
	b.SetTime(5*time.Second, epoch.Add(4*time.Second))
	b.Tick()
	if n := len(toA.queue); n != 0 {
		t.Fatalf("%d datagrams from B after 4 s, want none", n)
	}
	b.SetTime(12*time.Second, epoch.Add(11*time.Second))
	b.Tick()
	if len(toA.queue) != 1 || len(toA.queue[0]) != 32 {
		t.Fatalf("after 11 s B sent %d datagrams, want one 32-byte keepalive", len(toA.queue))
	}
	batch.Reset()
	batch.Add(toA.queue[0], epB)
	a.Decrypt(batch)
	if s := batch.Packet(0).Status; s != PacketConsumed {
		t.Errorf("keepalive status at A: %d, want consumed", s)
	}
}
