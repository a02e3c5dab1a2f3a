// SPDX-License-Identifier: LGPL-2.1-or-later

package wireguard

import (
	"fmt"
	"net/netip"
	"syscall"
	"unsafe"

	"libwireguard.invalid/go/capi"
)

// Room an Engine needs around a packet to encrypt it in place.
const (
	PacketHeadroom = capi.WG_PACKET_HEADROOM
	PacketTailroom = capi.WG_PACKET_TAILROOM
)

// PacketStatus is what an Engine did with a packet.
type PacketStatus int

// Packet statuses, as in enum wg_packet_status.
const (
	PacketDrop     PacketStatus = 0 // discarded; see Packet.Reason
	PacketSend     PacketStatus = 1 // Data is a datagram for Endpoint
	PacketDeliver  PacketStatus = 2 // Data is a decrypted IP packet
	PacketConsumed PacketStatus = 3 // taken by the engine; nothing to do
)

// DropReason says why a packet was dropped, as in enum wg_drop_reason.
type DropReason int

// Drop reasons.
const (
	DropNone DropReason = iota
	DropNoPeer
	DropNoRoom
	DropMalformed
	DropUnknownIndex
	DropAuth
	DropReplay
	DropSource
	DropExpired
	DropRateLimit
	DropQueueFull
	DropNoKey
)

// A Batch is a set of packet buffers in C memory that an Engine encrypts or
// decrypts in place, with no copies and no allocations per packet. Load
// packets with Add, pass the batch to Engine.Encrypt or Engine.Decrypt, read
// the results with Packet, then Reset and reuse it. Free releases the
// memory, wiping it. A Batch is not safe for concurrent use.
type Batch struct {
	pkts capi.Wg_packet // count packets with their buffers, one allocation
	cap  int
	size int
	n    int
}

// NewBatch allocates count buffers that each hold a packet of up to mtu
// bytes plus the room encryption needs.
func NewBatch(count, mtu int) (*Batch, error) {
	size := mtu + PacketHeadroom + PacketTailroom
	if count <= 0 || mtu <= 0 || size > 1<<20 {
		return nil, invalid("wireguard: new batch", fmt.Sprintf("bad count %d or mtu %d", count, mtu))
	}
	p := capi.Wggo_packets_new(int64(count), uint(size))
	if isNil(p) {
		return nil, &Error{Op: "wireguard: new batch", Errno: syscall.ENOMEM}
	}
	return &Batch{pkts: p, cap: count, size: size}, nil
}

// Free releases the batch's memory after wiping it; the batch must not be
// used afterwards. Free is idempotent.
func (b *Batch) Free() {
	if b.pkts != nil {
		capi.Wggo_packets_free(b.pkts, int64(b.cap))
		b.pkts = nil
	}
}

// Len is the number of packets in the batch; Cap how many it can hold.
func (b *Batch) Len() int { return b.n }

// Cap is the number of packets the batch can hold.
func (b *Batch) Cap() int { return b.cap }

// Reset empties the batch.
func (b *Batch) Reset() { b.n = 0 }

func (b *Batch) at(i int) capi.Wg_packet {
	if b.pkts == nil {
		panic("wireguard: use of a freed Batch")
	}
	if i < 0 || i >= b.cap {
		panic("wireguard: Batch index out of range")
	}
	return capi.Wggo_packet_at(b.pkts, int64(i))
}

// Add copies a packet into the next buffer: an IP packet to encrypt, or a
// datagram to decrypt with ep its source. It fails if the batch is full or
// data too large.
func (b *Batch) Add(data []byte, ep netip.AddrPort) error {
	if b.n == b.cap {
		return invalid("wireguard: batch add", "batch is full")
	}
	if len(data) > b.size-PacketHeadroom-PacketTailroom {
		return invalid("wireguard: batch add", fmt.Sprintf("packet of %d bytes exceeds the batch's mtu", len(data)))
	}
	p := b.at(b.n)
	buf := unsafe.Slice(p.GetBuf(), b.size)
	copy(buf[PacketHeadroom:], data)
	p.SetOffset(uint(PacketHeadroom))
	p.SetLen(uint(len(data)))
	p.SetStatus(0)
	p.SetReason(0)
	if err := setEndpoint(p.GetEndpoint(), ep); err != nil {
		return err
	}
	b.n++
	return nil
}

func setEndpoint(e capi.Wg_endpoint, ep netip.AddrPort) error {
	var addr []byte
	if ep.IsValid() {
		a := ep.Addr()
		if a.Is4In6() {
			a = a.Unmap()
		}
		addr = a.AsSlice()
	}
	scope := uint32(0)
	if ep.Addr().Zone() != "" {
		scope = zoneIndex(ep.Addr().Zone())
	}
	if capi.Wggo_endpoint_set(e, addr, ep.Port(), uint(scope)) < 0 {
		return invalid("wireguard: endpoint", "bad endpoint "+ep.String())
	}
	return nil
}

// Packet is a view of one packet of a Batch.
type Packet struct {
	// Data is the packet, in the batch's C memory: valid until the batch is
	// changed or freed. Copy what must outlive that.
	Data     []byte
	Status   PacketStatus
	Reason   DropReason
	Endpoint netip.AddrPort // a datagram's destination (encrypt) or source
}

// Packet returns packet i (0 <= i < Len).
func (b *Batch) Packet(i int) Packet {
	if i >= b.n {
		panic("wireguard: Batch index out of range")
	}
	p := b.at(i)
	buf := unsafe.Slice(p.GetBuf(), b.size)
	off, n := int(p.GetOffset()), int(p.GetLen())
	if off > b.size || n > b.size-off {
		panic("wireguard: engine returned a packet outside its buffer")
	}
	ep, _, _ := endpointAddrPort(p.GetEndpoint())
	return Packet{
		Data:     buf[off : off+n : off+n],
		Status:   PacketStatus(p.GetStatus()),
		Reason:   DropReason(p.GetReason()),
		Endpoint: ep,
	}
}
