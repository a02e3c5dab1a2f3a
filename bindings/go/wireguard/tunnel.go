// SPDX-License-Identifier: LGPL-2.1-or-later

package wireguard

import (
	"net"
	"os"
	"runtime/cgo"
	"sync"
	"sync/atomic"
	"syscall"

	"libwireguard.invalid/go/capi"
)

// TunnelOptions configures NewTunnel.
type TunnelOptions struct {
	// Name is the interface to create ("wg%d" lets the kernel choose), or
	// an existing TUN interface to attach to. Leave it empty to use TUN.
	Name string
	// TUN is an open TUN device (IFF_TUN | IFF_NO_PI) to use when Name is
	// empty; the tunnel uses a duplicate, so the caller still closes it.
	TUN *os.File

	UAPI         bool // serve /var/run/wireguard/NAME.sock for wg(8) and Client
	NoOffload    bool // use none of the kernel's offloads (UDP GSO/GRO, TUN vnet)
	Threads      int  // lanes (a thread per direction each); 0: one per two online CPUs
	ListenPort   int  // 0: random
	FirewallMark int
	MTU          int // of a created interface; 0: 1420
	Events       int // capacity of the Events channel (default 64)

	// Control, if not nil, is called with each UDP socket the tunnel
	// creates, before it is bound (in NewTunnel, Rebind, and Configure with
	// a new ListenPort), as net.ListenConfig's Control is: network is
	// "udp4" or "udp6". It is where an Android app calls
	// VpnService.protect(fd) through c.Control. An error fails that call
	// and changes nothing; a syscall.Errno in it is the call's errno
	// (otherwise EPERM). It runs on a thread of the library's or the
	// caller's, must not call the Tunnel, and must not close the socket.
	Control func(network string, c syscall.RawConn) error
}

// Tunnel is an engine wired to the system, as wireguard-go is: a TUN
// interface, UDP sockets and worker threads of the library's own. Its
// methods are safe for concurrent use; Close must be called to free it.
type Tunnel struct {
	mu      sync.RWMutex // Close (write) against everything else
	tunnel  capi.Struct_SS_wg_tunnel
	sink    capi.Wggo_sink
	name    string
	events  chan Event
	done    chan struct{}
	stopped sync.Once
	closing atomic.Bool
	pump    sync.WaitGroup
	dropped atomic.Uint64
	control cgo.Handle // Control, for the C hook; 0 without one
	// The queue's and the stopped fd's waits in the runtime poller.
	sinkPoll, stoppedPoll *pollFD
}

// NewTunnel creates the interface (or attaches to it), binds the UDP
// sockets and starts the threads; the tunnel has no keys and no peers yet.
// It needs CAP_NET_ADMIN. The interface and the sockets belong to the
// network namespace of the calling OS thread.
func NewTunnel(opts TunnelOptions) (*Tunnel, error) {
	const op = "wireguard: new tunnel"
	if opts.ListenPort < 0 || opts.ListenPort > 65535 || opts.MTU < 0 || opts.Threads < 0 ||
		opts.FirewallMark < 0 || int64(opts.FirewallMark) > 1<<32-1 {
		return nil, invalid(op, "option out of range")
	}
	if (opts.Name == "") == (opts.TUN == nil) {
		return nil, invalid(op, "set exactly one of Name and TUN")
	}
	if opts.Events <= 0 {
		opts.Events = 64
	}
	fd := -1
	if opts.TUN != nil {
		var err error
		if fd, err = syscall.Dup(int(opts.TUN.Fd())); err != nil {
			return nil, &Error{Op: op, Errno: err.(syscall.Errno), Message: "dup: " + err.Error()}
		}
	}
	var flags uint32
	if opts.UAPI {
		flags |= uint32(capi.WG_TUNNEL_UAPI)
	}
	if opts.NoOffload {
		flags |= uint32(capi.WG_TUNNEL_NO_OFFLOAD)
	}
	t := &Tunnel{events: make(chan Event, opts.Events), done: make(chan struct{})}
	if t.sink = capi.Wggo_sink_new(); isNil(t.sink) {
		if fd >= 0 {
			syscall.Close(fd)
		}
		return nil, &Error{Op: op, Errno: syscall.ENOMEM}
	}
	var hook uint
	if opts.Control != nil {
		t.control = cgo.NewHandle(socketHook(opts.Control))
		hook = socketHookAddr()
	}
	errp := []int64{0}
	err := call(op, func() int {
		t.tunnel = capi.Wggo_tunnel_new(t.sink, opts.Name, fd, uint(flags), uint(opts.Threads),
			uint16(opts.ListenPort), uint(opts.FirewallMark), uint(opts.MTU), hook, uint(t.control), errp)
		return int(errp[0])
	})
	if err != nil {
		if fd >= 0 {
			syscall.Close(fd) // not taken over on failure
		}
		capi.Wggo_sink_free(t.sink)
		t.freeControl()
		return nil, err
	}
	t.name = capi.Wg_tunnel_name(t.tunnel)
	stoppedFD := capi.Wg_tunnel_stopped_fd(t.tunnel)
	sink, err := newPollFD(capi.Wggo_sink_fd(t.sink), "wg-tunnel-events")
	if err == nil {
		if t.stoppedPoll, err = newPollFD(stoppedFD, "wg-tunnel-stopped"); err != nil {
			sink.close()
		}
	}
	if err != nil {
		capi.Wg_tunnel_free(t.tunnel)
		capi.Wggo_sink_free(t.sink)
		t.freeControl()
		return nil, &Error{Op: op, Errno: err.(syscall.Errno), Message: err.Error()}
	}
	t.sinkPoll = sink
	t.pump.Add(1)
	go t.run(sink, t.stoppedPoll, stoppedFD)
	return t, nil
}

// run moves events from the C queue to the channel and watches for the
// tunnel stopping by itself. Both wait in Go's runtime poller on
// descriptors (the queue's eventfd, the tunnel's stopped fd): no goroutine
// sleeps in C or polls on a timer, and an event is on the channel as soon
// as the engine emits it.
func (t *Tunnel) run(sink, stopped *pollFD, stoppedFD int) {
	defer t.pump.Done()
	t.pump.Add(1)
	go func() {
		defer t.pump.Done()
		stopped.wait(func() bool {
			if t.closing.Load() {
				return true
			}
			if capi.Wggo_fd_ready(stoppedFD) != 0 {
				t.stopped.Do(func() { close(t.done) })
				return true
			}
			return false
		})
	}()
	sink.wait(func() bool {
		for {
			item := capi.Wggo_sink_pop(t.sink, 0)
			if isNil(item) {
				return t.closing.Load()
			}
			if item.GetKind() == int(capi.WGGO_EVENT) {
				ev := item.GetEvent()
				out := Event{Type: EventType(ev.GetType())}
				copy(out.PublicKey[:], ev.GetPublic_key())
				out.Endpoint, _, _ = endpointAddrPort(ev.GetEndpoint())
				select {
				case t.events <- out:
				default:
					t.dropped.Add(1)
				}
			}
			capi.Wggo_item_free(item)
		}
	})
}

// Name is the interface's name (the kernel's choice for a template).
func (t *Tunnel) Name() string { return t.name }

// Events delivers what happens to peers; it is closed by Close.
func (t *Tunnel) Events() <-chan Event { return t.events }

// DroppedEvents counts events lost because the Events channel was full.
func (t *Tunnel) DroppedEvents() uint64 { return t.dropped.Load() }

// Done is closed when the tunnel stopped by itself (its interface was
// deleted, or I/O failed for good) or was closed.
func (t *Tunnel) Done() <-chan struct{} { return t.done }

// enter guards a call against Close as Engine.enter does.
func (t *Tunnel) enter(op string) error {
	t.mu.RLock()
	if t.sink == nil {
		t.mu.RUnlock()
		return &Error{Op: op, Message: "tunnel closed", Errno: syscall.EBADF, cause: net.ErrClosed}
	}
	return nil
}

// Configure applies cfg as Client.ConfigureDevice does; a new ListenPort
// rebinds the sockets.
func (t *Tunnel) Configure(cfg Config) error {
	const op = "wireguard: configure tunnel"
	if err := t.enter(op); err != nil {
		return err
	}
	defer t.mu.RUnlock()
	dev, err := newCDevice(op, "", &cfg)
	if err != nil {
		return err
	}
	defer capi.Wg_free_device(dev)
	return call(op, func() int { return capi.Wg_tunnel_set_device(t.tunnel, dev) })
}

func (t *Tunnel) freeControl() {
	if t.control != 0 {
		t.control.Delete()
		t.control = 0
	}
}

// Rebind closes the UDP sockets and opens new ones on the same port, after a
// network change (as wireguard-apple's wgBumpSockets), keeping peers and
// sessions. On error the tunnel keeps its old sockets. The new sockets
// belong to the network namespace of the calling OS thread, as in NewTunnel.
func (t *Tunnel) Rebind() error {
	const op = "wireguard: rebind tunnel"
	if err := t.enter(op); err != nil {
		return err
	}
	defer t.mu.RUnlock()
	return call(op, func() int { return capi.Wg_tunnel_rebind(t.tunnel) })
}

// Device reads the configuration and statistics; ListenPort is the port
// actually bound.
func (t *Tunnel) Device() (*Device, error) {
	const op = "wireguard: read tunnel"
	if err := t.enter(op); err != nil {
		return nil, err
	}
	defer t.mu.RUnlock()
	out := []uintptr{0}
	if err := call(op, func() int { return capi.Wg_tunnel_get_device(t.tunnel, out) }); err != nil {
		return nil, err
	}
	dev := capi.SwigcptrWg_device(out[0])
	defer capi.Wg_free_device(dev)
	d := goDevice(dev)
	d.Name = t.name
	d.Type = Userspace
	return d, nil
}

// Close stops the threads, removes the UAPI socket and a created interface,
// wipes the keys, and closes Events and Done.
func (t *Tunnel) Close() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.sink == nil {
		return nil
	}
	t.closing.Store(true)
	capi.Wggo_sink_close(t.sink) // wakes the event loop
	t.stoppedPoll.interrupt()
	t.pump.Wait()
	t.sinkPoll.close()
	t.stoppedPoll.close()
	capi.Wg_tunnel_free(t.tunnel) // its threads may still queue events: the sink outlives them
	capi.Wggo_sink_free(t.sink)
	t.freeControl()
	t.sink = nil
	close(t.events)
	t.stopped.Do(func() { close(t.done) })
	return nil
}
