// SPDX-License-Identifier: LGPL-2.1-or-later

package wireguard

import (
	"context"
	"encoding/json"
	"strings"
	"syscall"
	"time"

	"libwireguard.invalid/go/capi"
)

// WatchOptions configures Watch. The zero value watches every device of
// the caller's network namespace, reading them again every second.
type WatchOptions struct {
	Devices     []string      // names to watch (also before they exist); nil: all
	Interval    time.Duration // between re-readings; 0: 1 s, at least 10 ms
	SilentAfter time.Duration // a peer is "silent" after this long without handshake or data; 0: never
	NetNS       int           // an open network namespace fd (its kernel devices only); 0: the caller's
	NoKernel    bool          // ignore kernel devices
	NoUAPI      bool          // ignore /var/run/wireguard sockets
	NoPush      bool          // never subscribe to a daemon's pushed events
	QueueMax    int           // events held before an "overflow" event; 0: 4096
	Buffer      int           // capacity of the returned channel; 0: 64

	// In-process devices: engines by the name to report them under, and
	// tunnels (under their interface names). They are re-read every
	// Interval, and their own events (handshakes, roaming, unreachable,
	// expired) are fed to the watch as they happen, marked Pushed. They
	// must stay open until the returned channel is closed (cancel ctx and
	// drain it first): the watch reads them until then.
	Engines map[string]*Engine
	Tunnels []*Tunnel
}

// An engine or tunnel a watch reads and is fed by.
type watchFeed struct {
	sink capi.Wggo_sink
}

// addInProcess adds opts' engines and tunnels to w and has their sinks feed
// it; on error, what was added is undone by the caller's wg_watch_close
// after unfeed.
func addInProcess(op string, w capi.Struct_SS_wg_watch, opts *WatchOptions, feeds *[]watchFeed) error {
	add := func(name string, sink capi.Wggo_sink, addFn func() int) error {
		if err := call(op, addFn); err != nil {
			return err
		}
		if capi.Wggo_sink_watch(sink, w, name) < 0 {
			return &Error{Op: op, Errno: syscall.ENOSPC, Message: name + ": fed to too many watches (8)"}
		}
		*feeds = append(*feeds, watchFeed{sink})
		return nil
	}
	for name, e := range opts.Engines {
		if e == nil {
			return invalid(op, "nil engine "+name)
		}
		if err := e.enter(op); err != nil {
			return err
		}
		err := add(name, e.sink, func() int { return capi.Wg_watch_add_engine(w, name, e.engine) })
		e.mu.RUnlock()
		if err != nil {
			return err
		}
	}
	for _, t := range opts.Tunnels {
		if t == nil {
			return invalid(op, "nil tunnel")
		}
		if err := t.enter(op); err != nil {
			return err
		}
		err := add(t.name, t.sink, func() int { return capi.Wg_watch_add_tunnel(w, t.tunnel) })
		t.mu.RUnlock()
		if err != nil {
			return err
		}
	}
	return nil
}

func unfeed(w capi.Struct_SS_wg_watch, feeds []watchFeed) {
	for _, f := range feeds {
		capi.Wggo_sink_unwatch(f.sink, w)
	}
}

// WatchEvent is one event, as wg-monitor prints it. Kind is its name
// ("device-added", "peer-added", "endpoint", "handshake", "silent",
// "overflow", "error", ...); Before and After are the old and new values
// as text (an endpoint, a prefix, a number, a public key, a time) where
// the kind has them.
type WatchEvent struct {
	Kind    string
	Device  string
	Ifindex int
	Time    time.Time
	Peer    *Key
	Before  string
	After   string
	Err     syscall.Errno // "error" and "device-removed": why; 0 for "error" means resolved
	Pushed  bool          // pushed by the engine or daemon, not found by re-reading
}

type watchJSON struct {
	Time    float64 `json:"time"`
	Device  string  `json:"device"`
	Ifindex int     `json:"ifindex"`
	Kind    string  `json:"kind"`
	Peer    string  `json:"peer"`
	Before  string  `json:"before"`
	After   string  `json:"after"`
	Error   int     `json:"error"`
	Pushed  bool    `json:"pushed"`
}

// Watch reports what happens to WireGuard devices (kernel, userspace
// daemons) on the returned channel until ctx is done; then the channel is
// closed. Events come from the library's watch (wg_watch_open): one file
// descriptor that Go's runtime poller waits on, so no goroutine polls.
func Watch(ctx context.Context, opts WatchOptions) (<-chan WatchEvent, error) {
	const op = "wireguard: watch"
	var flags uint32
	if opts.NoKernel {
		flags |= uint32(capi.WG_WATCH_NO_KERNEL)
	}
	if opts.NoUAPI {
		flags |= uint32(capi.WG_WATCH_NO_UAPI)
	}
	if opts.NoPush {
		flags |= uint32(capi.WG_WATCH_NO_PUSH)
	}
	for _, d := range opts.Devices {
		if d == "" || strings.ContainsAny(d, " ") || len(d) >= 16 {
			return nil, invalid(op, "bad device name "+d)
		}
	}
	if opts.Devices != nil && len(opts.Devices) == 0 {
		return nil, invalid(op, "an empty device list watches nothing")
	}
	if opts.Interval < 0 || opts.SilentAfter < 0 || opts.QueueMax < 0 || opts.Buffer < 0 {
		return nil, invalid(op, "negative option")
	}
	netns := -1
	if opts.NetNS > 0 {
		netns = opts.NetNS
	}
	if opts.Buffer == 0 {
		opts.Buffer = 64
	}
	var w capi.Struct_SS_wg_watch
	errp := []int64{0}
	err := call(op, func() int {
		w = capi.Wggo_watch_open(strings.Join(opts.Devices, " "), netns, uint(flags),
			uint(opts.Interval/time.Millisecond), uint(opts.SilentAfter/time.Millisecond),
			uint(opts.QueueMax), errp)
		return int(errp[0])
	})
	if err != nil {
		return nil, err
	}
	var feeds []watchFeed
	if err := addInProcess(op, w, &opts, &feeds); err != nil {
		unfeed(w, feeds)
		capi.Wg_watch_close(w)
		return nil, err
	}
	p, err := newPollFD(capi.Wg_watch_fd(w), "wg-watch")
	if err != nil {
		unfeed(w, feeds)
		capi.Wg_watch_close(w)
		return nil, &Error{Op: op, Errno: err.(syscall.Errno), Message: err.Error()}
	}
	out := make(chan WatchEvent, opts.Buffer)
	go watchLoop(ctx, w, p, feeds, out)
	return out, nil
}

func watchLoop(ctx context.Context, w capi.Struct_SS_wg_watch, p *pollFD, feeds []watchFeed, out chan<- WatchEvent) {
	const batch = 64
	buf := capi.Wggo_watch_events_new(int64(batch))
	defer func() {
		capi.Wggo_watch_events_free(buf)
		p.close()
		unfeed(w, feeds)
		capi.Wg_watch_close(w)
		close(out)
	}()
	finished := make(chan struct{})
	defer close(finished)
	go func() {
		select {
		case <-ctx.Done():
			p.interrupt()
		case <-finished:
		}
	}()
	p.wait(func() bool {
		for {
			n := capi.Wggo_watch_read(w, buf, int64(batch))
			if n <= 0 {
				return ctx.Err() != nil
			}
			for i := 0; i < n; i++ {
				ev := decodeWatchEvent(capi.Wggo_watch_event_json(buf, int64(i)))
				select {
				case out <- ev:
				case <-ctx.Done():
					return true
				}
			}
		}
	})
}

func decodeWatchEvent(text string) WatchEvent {
	var j watchJSON
	if err := json.Unmarshal([]byte(text), &j); err != nil {
		return WatchEvent{Kind: "malformed", Before: text}
	}
	sec := int64(j.Time)
	ev := WatchEvent{
		Kind: j.Kind, Device: j.Device, Ifindex: j.Ifindex, Before: j.Before, After: j.After,
		Err: syscall.Errno(j.Error), Pushed: j.Pushed,
		Time: time.Unix(sec, int64((j.Time-float64(sec))*1e9)),
	}
	if j.Peer != "" {
		if k, err := ParseKey(j.Peer); err == nil {
			ev.Peer = &k
		}
	}
	return ev
}
