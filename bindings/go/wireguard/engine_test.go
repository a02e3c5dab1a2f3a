// SPDX-License-Identifier: LGPL-2.1-or-later

package wireguard

import (
	"bytes"
	"encoding/binary"
	"errors"
	"net/netip"
	"syscall"
	"testing"
	"time"
)

// wire is datagrams in flight, in memory; nothing touches a network.
type wire struct {
	queue [][]byte
	from  netip.AddrPort
}

func (w *wire) send(data []byte, _ netip.AddrPort) {
	w.queue = append(w.queue, append([]byte(nil), data...))
}

// newEngine makes an engine closed at the end of the test.
func newEngine(t *testing.T, send func([]byte, netip.AddrPort)) *Engine {
	t.Helper()
	e, err := NewEngine(EngineOptions{Send: send})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	return e
}

// ipv4 builds an IPv4/UDP packet (checksums are not checked by WireGuard).
func ipv4(src, dst string, payload []byte) []byte {
	p := make([]byte, 28+len(payload))
	p[0] = 0x45
	binary.BigEndian.PutUint16(p[2:], uint16(len(p)))
	p[8], p[9] = 64, 17
	s, d := netip.MustParseAddr(src).As4(), netip.MustParseAddr(dst).As4()
	copy(p[12:], s[:])
	copy(p[16:], d[:])
	var sum uint32
	for i := 0; i < 20; i += 2 {
		sum += uint32(binary.BigEndian.Uint16(p[i:]))
	}
	for sum>>16 != 0 {
		sum = sum&0xffff + sum>>16
	}
	binary.BigEndian.PutUint16(p[10:], ^uint16(sum))
	binary.BigEndian.PutUint16(p[20:], 1000)
	binary.BigEndian.PutUint16(p[22:], 2000)
	binary.BigEndian.PutUint16(p[24:], uint16(8+len(payload)))
	copy(p[28:], payload)
	return p
}

func TestEngineOptions(t *testing.T) {
	if _, err := NewEngine(EngineOptions{}); !errors.Is(err, syscall.EINVAL) {
		t.Errorf("NewEngine without Send: %v, want EINVAL", err)
	}
	if _, err := NewBatch(0, 1500); !errors.Is(err, syscall.EINVAL) {
		t.Errorf("NewBatch(0): %v, want EINVAL", err)
	}
	b, err := NewBatch(2, 100)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Free()
	if err := b.Add(make([]byte, 100+PacketTailroom+1), netip.AddrPort{}); !errors.Is(err, syscall.EINVAL) {
		t.Errorf("Add(too big): %v, want EINVAL", err)
	}
	ep := netip.MustParseAddrPort("[2001:db8::2]:51820")
	pkt := []byte("hello")
	for i := 0; i < 2; i++ {
		if err := b.Add(pkt, ep); err != nil {
			t.Fatal(err)
		}
	}
	if err := b.Add(pkt, ep); err == nil {
		t.Error("Add to a full batch succeeded")
	}
	if p := b.Packet(1); !bytes.Equal(p.Data, pkt) || p.Endpoint != ep {
		t.Errorf("Packet(1) = %q from %v", p.Data, p.Endpoint)
	}
	b.Free()
	b.Free()
}

// Two engines complete a handshake and carry packets both ways, over an
// in-memory wire.
// enginePair is engines A (10.0.0.1, at 192.0.2.1:51820) and B (10.0.0.2, at
// 192.0.2.2:51820) joined by in-memory wires, each the other's peer.
type enginePair struct {
	a, b         *Engine
	toA, toB     *wire
	privA, privB Key
}

func newEnginePair(t *testing.T, psk *Key) *enginePair {
	t.Helper()
	p := &enginePair{toA: &wire{}, toB: &wire{}, privA: mustKey(t), privB: mustKey(t)}
	p.a = newEngine(t, p.toB.send)
	p.b = newEngine(t, p.toA.send)
	p.toA.from = netip.MustParseAddrPort("192.0.2.2:51820")
	p.toB.from = netip.MustParseAddrPort("192.0.2.1:51820")
	configure := func(e *Engine, priv, peer Key, ep netip.AddrPort, allowed string) {
		t.Helper()
		err := e.Configure(Config{PrivateKey: &priv, Peers: []PeerConfig{{
			PublicKey:    peer,
			PresharedKey: psk,
			Endpoint:     udpAddrOf(ep),
			AllowedIPs:   []netip.Prefix{netip.MustParsePrefix(allowed)},
		}}})
		if err != nil {
			t.Fatal(err)
		}
	}
	configure(p.a, p.privA, p.privB.PublicKey(), p.toA.from, "10.0.0.2/32")
	configure(p.b, p.privB, p.privA.PublicKey(), p.toB.from, "10.0.0.1/32")
	return p
}

func TestEnginePair(t *testing.T) {
	psk, _ := GenerateKey()
	pair := newEnginePair(t, &psk)
	a, b, toA, toB := pair.a, pair.b, pair.toA, pair.toB
	pubA, pubB := pair.privA.PublicKey(), pair.privB.PublicKey()

	dev, err := a.Device()
	if err != nil {
		t.Fatal(err)
	}
	if !dev.PublicKey.Equal(pubA) || len(dev.Peers) != 1 || !dev.Peers[0].PublicKey.Equal(pubB) {
		t.Fatalf("engine A reads back %+v", dev)
	}

	batch, err := NewBatch(8, 1420)
	if err != nil {
		t.Fatal(err)
	}
	defer batch.Free()

	// deliver runs the wire until it is quiet; returns the delivered packets.
	deliver := func() (got [][]byte) {
		for round := 0; len(toA.queue)+len(toB.queue) > 0; round++ {
			if round > 10 {
				t.Fatal("the engines keep talking")
			}
			for _, hop := range []struct {
				e *Engine
				w *wire
			}{{b, toB}, {a, toA}} {
				q := hop.w.queue
				hop.w.queue = nil
				for len(q) > 0 {
					batch.Reset()
					for len(q) > 0 && batch.Len() < batch.Cap() {
						if err := batch.Add(q[0], hop.w.from); err != nil {
							t.Fatal(err)
						}
						q = q[1:]
					}
					hop.e.Decrypt(batch)
					for i := 0; i < batch.Len(); i++ {
						p := batch.Packet(i)
						switch p.Status {
						case PacketDeliver:
							got = append(got, append([]byte(nil), p.Data...))
						case PacketDrop:
							t.Errorf("datagram dropped: reason %d", p.Reason)
						}
					}
				}
			}
		}
		return got
	}

	// A -> B: the first packet waits for the handshake.
	ping := ipv4("10.0.0.1", "10.0.0.2", []byte("ping from A"))
	batch.Reset()
	batch.Add(ping, netip.AddrPort{})
	a.Encrypt(batch)
	if s := batch.Packet(0).Status; s != PacketConsumed {
		t.Fatalf("first packet status %d, want consumed (staged for a handshake)", s)
	}
	if len(toB.queue) != 1 || len(toB.queue[0]) != 148 {
		t.Fatalf("expected one 148-byte initiation on the wire, have %d datagrams", len(toB.queue))
	}
	got := deliver()
	if len(got) != 1 || !bytes.Equal(got[0], ping) {
		t.Fatalf("B received %q, want the ping", got)
	}

	// B -> A now goes straight out.
	pong := ipv4("10.0.0.2", "10.0.0.1", []byte("pong from B"))
	batch.Reset()
	batch.Add(pong, netip.AddrPort{})
	b.Encrypt(batch)
	p := batch.Packet(0)
	if p.Status != PacketSend || p.Endpoint != toB.from {
		t.Fatalf("B's reply: status %d to %v", p.Status, p.Endpoint)
	}
	toA.queue = append(toA.queue, append([]byte(nil), p.Data...))
	if got := deliver(); len(got) != 1 || !bytes.Equal(got[0], pong) {
		t.Fatalf("A received %q, want the pong", got)
	}

	// A spoofed inner source is dropped.
	batch.Reset()
	batch.Add(ipv4("10.0.0.9", "10.0.0.1", nil), netip.AddrPort{})
	b.Encrypt(batch)
	data := append([]byte(nil), batch.Packet(0).Data...)
	batch.Reset()
	batch.Add(data, toA.from)
	a.Decrypt(batch)
	if p := batch.Packet(0); p.Status != PacketDrop || p.Reason != DropSource {
		t.Errorf("spoofed source: status %d reason %d", p.Status, p.Reason)
	}

	// Both saw the handshake.
	for name, e := range map[string]*Engine{"A": a, "B": b} {
		select {
		case ev := <-e.Events():
			if ev.Type != EventHandshakeComplete {
				t.Errorf("%s: event %v", name, ev.Type)
			}
		case <-time.After(time.Second):
			t.Errorf("%s: no handshake event", name)
		}
	}
	dev, err = a.Device()
	if err != nil {
		t.Fatal(err)
	}
	if pr := dev.Peers[0]; pr.LastHandshakeTime.IsZero() || pr.TransmitBytes == 0 || pr.ReceiveBytes == 0 {
		t.Errorf("A's peer after traffic: %+v", pr)
	}
	if d, _ := a.Tick(); d <= 0 {
		t.Errorf("Tick = %v", d)
	}
}
