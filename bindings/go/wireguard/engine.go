// SPDX-License-Identifier: LGPL-2.1-or-later

package wireguard

import (
	"net"
	"net/netip"
	"sync"
	"syscall"
	"time"
	"unsafe"

	"libwireguard.invalid/go/capi"
)

// EngineOptions configures NewEngine.
type EngineOptions struct {
	// Send receives the datagrams the engine sends unprompted (handshakes,
	// keepalives, cookie replies, packets that waited for a handshake), in
	// order. It is called before the Engine method that produced them
	// returns (by another goroutine's method call when several run at
	// once), after the C call; data is only valid during the call. It may
	// call the engine again. Required.
	Send func(data []byte, to netip.AddrPort)

	// MTU caps padding; 0 means 1420.
	MTU int

	// Events is the capacity of the Events channel (default 64). When the
	// channel is full, further events are dropped and counted.
	Events int

	// SimulatedClock makes the engine read time from SetTime instead of the
	// system clocks (for tests of timers), starting at zero.
	SimulatedClock bool
}

// Engine is an in-process WireGuard engine: the whole protocol, with packets
// in and out through Batches and no I/O of its own. It is configured with
// the same Config as a device. Its methods are safe for concurrent use;
// Close must be called to free it.
type Engine struct {
	mu      sync.RWMutex // Close (write) against everything else (read)
	engine  capi.Struct_SS_wg_engine
	sink    capi.Wggo_sink
	opts    EngineOptions
	events  chan Event
	dropped uint64
	dmu     sync.Mutex // orders dispatching of what the callbacks queued
}

// NewEngine creates an engine with no keys and no peers.
func NewEngine(opts EngineOptions) (*Engine, error) {
	const op = "wireguard: new engine"
	if opts.Send == nil {
		return nil, invalid(op, "EngineOptions.Send is required")
	}
	if opts.MTU < 0 || opts.MTU > 65535 {
		return nil, invalid(op, "MTU out of range")
	}
	if opts.Events <= 0 {
		opts.Events = 64
	}
	e := &Engine{opts: opts, events: make(chan Event, opts.Events)}
	e.sink = capi.Wggo_sink_new()
	if isNil(e.sink) {
		return nil, &Error{Op: op, Errno: syscall.ENOMEM}
	}
	if opts.SimulatedClock {
		capi.Wggo_sink_set_clock(e.sink, 0, 0)
	}
	errp := []int64{0}
	err := call(op, func() int {
		e.engine = capi.Wggo_engine_new(e.sink, uint(opts.MTU), errp)
		return int(errp[0])
	})
	if err != nil {
		capi.Wggo_sink_free(e.sink)
		return nil, err
	}
	return e, nil
}

// Close frees the engine, wiping its keys, and closes the Events channel.
// It waits for calls in progress; later calls return net.ErrClosed.
func (e *Engine) Close() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.sink == nil {
		return nil
	}
	capi.Wg_engine_free(e.engine)
	e.dmu.Lock()
	capi.Wggo_sink_free(e.sink)
	e.sink = nil
	e.dmu.Unlock()
	close(e.events)
	return nil
}

// enter guards a call against Close; unless it returns an error (the
// engine is closed: net.ErrClosed), the caller must call e.mu.RUnlock.
func (e *Engine) enter(op string) error {
	e.mu.RLock()
	if e.sink == nil {
		e.mu.RUnlock()
		return &Error{Op: op, Message: "engine closed", Errno: syscall.EBADF, cause: net.ErrClosed}
	}
	return nil
}

// dispatch hands what the callbacks queued to Send and the Events channel.
// Called without e.mu held, so that Send may call the engine again.
func (e *Engine) dispatch() {
	e.dmu.Lock()
	defer e.dmu.Unlock()
	for e.sink != nil {
		item := capi.Wggo_sink_pop(e.sink, 0)
		if isNil(item) {
			return
		}
		switch item.GetKind() {
		case int(capi.WGGO_DATAGRAM):
			to, _, _ := endpointAddrPort(item.GetEndpoint())
			data := unsafe.Slice(item.GetData(), item.GetLen())
			// Unlocked while Send runs, so that it may feed this engine.
			e.dmu.Unlock()
			e.opts.Send(data, to)
			e.dmu.Lock()
		case int(capi.WGGO_EVENT):
			ev := item.GetEvent()
			var out Event
			out.Type = EventType(ev.GetType())
			copy(out.PublicKey[:], ev.GetPublic_key())
			out.Endpoint, _, _ = endpointAddrPort(ev.GetEndpoint())
			select {
			case e.events <- out:
			default:
				e.dropped++
			}
		}
		capi.Wggo_item_free(item)
	}
}

// Events delivers what happens to peers (handshakes, roaming, expiry). It
// is closed by Close.
func (e *Engine) Events() <-chan Event { return e.events }

// DroppedEvents counts events lost because the Events channel was full.
func (e *Engine) DroppedEvents() uint64 {
	e.dmu.Lock()
	defer e.dmu.Unlock()
	return e.dropped
}

// Configure applies cfg as Client.ConfigureDevice does. Invalid input
// changes nothing.
func (e *Engine) Configure(cfg Config) error {
	const op = "wireguard: configure engine"
	if err := e.enter(op); err != nil {
		return err
	}
	dev, err := newCDevice(op, "", &cfg)
	if err == nil {
		err = call(op, func() int { return capi.Wg_engine_set_device(e.engine, dev) })
		capi.Wg_free_device(dev)
	}
	e.mu.RUnlock()
	e.dispatch()
	return err
}

// Device reads the engine's configuration and statistics.
func (e *Engine) Device() (*Device, error) {
	const op = "wireguard: read engine"
	if err := e.enter(op); err != nil {
		return nil, err
	}
	defer e.mu.RUnlock()
	out := []uintptr{0}
	if err := call(op, func() int { return capi.Wg_engine_get_device(e.engine, out) }); err != nil {
		return nil, err
	}
	dev := capi.SwigcptrWg_device(out[0])
	defer capi.Wg_free_device(dev)
	return goDevice(dev), nil
}

// Encrypt turns the batch's plaintext IP packets into datagrams, in place.
// Each packet becomes PacketSend (Data is now a datagram for Endpoint),
// PacketConsumed (kept until a handshake completes) or PacketDrop.
func (e *Engine) Encrypt(b *Batch) error {
	if err := e.enter("wireguard: encrypt"); err != nil {
		return err
	}
	if b.n > 0 {
		capi.Wg_engine_encrypt(e.engine, b.cptrFor(), int64(b.n))
	}
	e.mu.RUnlock()
	e.dispatch()
	return nil
}

// Decrypt processes the batch's datagrams from the network, in place. Each
// becomes PacketDeliver (Data is now a plaintext IP packet), PacketConsumed
// (a handshake message or keepalive) or PacketDrop.
func (e *Engine) Decrypt(b *Batch) error {
	if err := e.enter("wireguard: decrypt"); err != nil {
		return err
	}
	if b.n > 0 {
		capi.Wg_engine_decrypt(e.engine, b.cptrFor(), int64(b.n))
	}
	e.mu.RUnlock()
	e.dispatch()
	return nil
}

// Tick runs due timers and returns how long until it is next needed.
func (e *Engine) Tick() (time.Duration, error) {
	if err := e.enter("wireguard: tick"); err != nil {
		return 0, err
	}
	ns := capi.Wg_engine_tick(e.engine)
	e.mu.RUnlock()
	e.dispatch()
	if ns > uint64(1<<63-1) {
		return time.Duration(1<<63 - 1), nil
	}
	return time.Duration(ns), nil
}

// SetTime sets the simulated clock (EngineOptions.SimulatedClock): mono is
// the monotonic time since the engine's start, wall the wall-clock time.
func (e *Engine) SetTime(mono time.Duration, wall time.Time) error {
	if err := e.enter("wireguard: set time"); err != nil {
		return err
	}
	defer e.mu.RUnlock()
	capi.Wggo_sink_set_clock(e.sink, uint64(mono), wall.UnixNano())
	return nil
}
