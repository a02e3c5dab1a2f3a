// SPDX-License-Identifier: LGPL-2.1-or-later

package wireguard

import (
	"encoding/binary"
	"fmt"
	"net/netip"
	"sync"
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
	cptr capi.Wg_packet // count packets with their buffers, one allocation
	pkts []cPacket      // the same packets, read and written from Go
	size int
	n    int
}

// cPacket mirrors struct wg_packet (its layout is fixed for ABI version 1,
// and checked against the C compiler's in NewBatch), so that filling and
// reading a batch costs no cgo call per packet.
type cPacket struct {
	buf      *byte
	size     uint32
	offset   uint32
	len      uint32
	status   int16
	reason   uint16
	endpoint [28]byte // union wg_endpoint: sockaddr_in / sockaddr_in6
	reserved [2]uint64
}

var layout struct {
	once sync.Once
	ok   bool
}

func layoutOK() bool {
	layout.once.Do(func() {
		var p cPacket
		want := int64(unsafe.Sizeof(p))<<24 | int64(unsafe.Offsetof(p.endpoint))<<16 |
			int64(unsafe.Offsetof(p.status))<<8 | int64(unsafe.Offsetof(p.len))
		layout.ok = capi.Wggo_packet_layout() == want
	})
	return layout.ok
}

// NewBatch allocates count buffers that each hold an IP packet of up to mtu
// bytes with the room encryption needs, or the datagram such a packet
// becomes (up to mtu+PacketTailroom bytes).
func NewBatch(count, mtu int) (*Batch, error) {
	const op = "wireguard: new batch"
	size := mtu + PacketHeadroom + PacketTailroom
	if count <= 0 || count > 1<<20 || mtu <= 0 || size > 1<<20 {
		return nil, invalid(op, fmt.Sprintf("bad count %d or mtu %d", count, mtu))
	}
	if !layoutOK() {
		return nil, &Error{Op: op, Errno: syscall.ENOTSUP, Message: "struct wg_packet differs from this binding's copy"}
	}
	p := capi.Wggo_packets_new(int64(count), uint(size))
	if isNil(p) {
		return nil, &Error{Op: op, Errno: syscall.ENOMEM}
	}
	pkts := unsafe.Slice((*cPacket)(unsafe.Pointer(capi.Wggo_packets_base(p))), count)
	return &Batch{cptr: p, pkts: pkts, size: size}, nil
}

// Free releases the batch's memory after wiping it; the batch must not be
// used afterwards. Free is idempotent.
func (b *Batch) Free() {
	if b.cptr != nil {
		capi.Wggo_packets_free(b.cptr, int64(len(b.pkts)))
		b.cptr, b.pkts, b.n = nil, nil, 0
	}
}

// Len is the number of packets in the batch.
func (b *Batch) Len() int { return b.n }

// Cap is the number of packets the batch can hold.
func (b *Batch) Cap() int { return len(b.pkts) }

// Reset empties the batch.
func (b *Batch) Reset() { b.n = 0 }

// cptrFor gives the C packets to an engine call.
func (b *Batch) cptrFor() capi.Wg_packet {
	if b.cptr == nil {
		panic("wireguard: use of a freed Batch")
	}
	return b.cptr
}

func (b *Batch) buf(p *cPacket) []byte {
	return unsafe.Slice(p.buf, b.size)
}

// Add copies a packet into the next buffer: an IP packet to encrypt, or a
// datagram to decrypt with ep its source. It fails if the batch is full or
// data too large.
func (b *Batch) Add(data []byte, ep netip.AddrPort) error {
	if b.cptr == nil {
		panic("wireguard: use of a freed Batch")
	}
	if b.n == len(b.pkts) {
		return invalid("wireguard: batch add", "batch is full")
	}
	if len(data) > b.size-PacketHeadroom {
		return invalid("wireguard: batch add", fmt.Sprintf("packet of %d bytes exceeds the batch's buffers", len(data)))
	}
	p := &b.pkts[b.n]
	if !putSockaddr(&p.endpoint, ep) {
		return invalid("wireguard: batch add", "bad endpoint "+ep.String())
	}
	copy(b.buf(p)[PacketHeadroom:], data)
	p.offset = uint32(PacketHeadroom)
	p.len = uint32(len(data))
	p.status, p.reason = 0, 0
	b.n++
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
	if i < 0 || i >= b.n {
		panic("wireguard: Batch index out of range")
	}
	p := &b.pkts[i]
	off, n := int(p.offset), int(p.len)
	if off > b.size || n > b.size-off {
		panic("wireguard: engine returned a packet outside its buffer")
	}
	ep, _ := getSockaddr(&p.endpoint)
	return Packet{
		Data:     b.buf(p)[off : off+n : off+n],
		Status:   PacketStatus(p.status),
		Reason:   DropReason(p.reason),
		Endpoint: ep,
	}
}

// putSockaddr writes ep as a sockaddr_in or sockaddr_in6 (zeros when ep is
// not valid).
func putSockaddr(sa *[28]byte, ep netip.AddrPort) bool {
	*sa = [28]byte{}
	if !ep.IsValid() {
		return true
	}
	a := ep.Addr()
	if a.Is4In6() {
		a = a.Unmap()
	}
	binary.BigEndian.PutUint16(sa[2:], ep.Port())
	if a.Is4() {
		*(*uint16)(unsafe.Pointer(&sa[0])) = syscall.AF_INET
		a4 := a.As4()
		copy(sa[4:], a4[:])
		return true
	}
	*(*uint16)(unsafe.Pointer(&sa[0])) = syscall.AF_INET6
	a16 := a.As16()
	copy(sa[8:], a16[:])
	if z := a.Zone(); z != "" {
		*(*uint32)(unsafe.Pointer(&sa[24])) = zoneIndex(z)
	}
	return true
}

// getSockaddr reads a sockaddr_in or sockaddr_in6; ok is false for none.
func getSockaddr(sa *[28]byte) (ep netip.AddrPort, ok bool) {
	port := binary.BigEndian.Uint16(sa[2:])
	switch *(*uint16)(unsafe.Pointer(&sa[0])) {
	case syscall.AF_INET:
		return netip.AddrPortFrom(netip.AddrFrom4(*(*[4]byte)(sa[4:8])), port), true
	case syscall.AF_INET6:
		return netip.AddrPortFrom(netip.AddrFrom16(*(*[16]byte)(sa[8:24])), port), true
	}
	return ep, false
}
