// SPDX-License-Identifier: LGPL-2.1-or-later

package wireguard

import (
	"context"
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"syscall"
	"testing"
	"time"
)

// next waits for an event of the given kind (others are skipped).
func nextKind(t *testing.T, ch <-chan WatchEvent, kind string) WatchEvent {
	t.Helper()
	deadline := time.After(5 * time.Second)
	for {
		select {
		case ev, ok := <-ch:
			if !ok {
				t.Fatalf("channel closed waiting for %q", kind)
			}
			if ev.Kind == kind {
				return ev
			}
		case <-deadline:
			t.Fatalf("no %q event within 5 s", kind)
		}
	}
}

func TestWatchBadOptions(t *testing.T) {
	ctx := context.Background()
	if _, err := Watch(ctx, WatchOptions{Devices: []string{"a b"}}); err == nil {
		t.Fatal("a name with a space was accepted")
	}
	if _, err := Watch(ctx, WatchOptions{Interval: time.Millisecond}); err == nil {
		t.Fatal("a 1 ms interval was accepted")
	} else if !isErrno(err, syscall.EINVAL) {
		t.Fatalf("want EINVAL, got %v", err)
	}
}

func isErrno(err error, e syscall.Errno) bool {
	we, ok := err.(*Error)
	return ok && we.Errno == e
}

// The watch on wg-engine: it appears, a change made with wg(8) arrives,
// and cancelling the context closes the channel.
func TestWatchDaemon(t *testing.T) {
	daemon := os.Getenv("WG_ENGINE")
	if os.Geteuid() != 0 || daemon == "" {
		t.Skip("needs root and WG_ENGINE")
	}
	if _, err := exec.LookPath("wg"); err != nil {
		t.Skip("wg not installed")
	}
	ifname := fmt.Sprintf("wgw%d", os.Getpid()%1000000)
	ctx, cancel := context.WithCancel(context.Background())
	ch, err := Watch(ctx, WatchOptions{Devices: []string{ifname}, NoKernel: true, Interval: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	run(t, "ip", "netns", "add", ifname)
	t.Cleanup(func() { exec.Command("ip", "netns", "del", ifname).Run() })
	cmd := exec.Command("ip", "netns", "exec", ifname, daemon, "-f", ifname)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		cmd.Wait()
		os.Remove("/var/run/wireguard/" + ifname + ".sock")
	})
	nextKind(t, ch, "device-added")
	run(t, "wg", "set", ifname, "listen-port", "4242")
	// The first reading reports the port the daemon chose; then ours.
	ev := nextKind(t, ch, "listen-port")
	if ev.After != "4242" {
		ev = nextKind(t, ch, "listen-port")
	}
	if ev.Device != ifname || ev.After != "4242" {
		t.Fatalf("unexpected event %+v", ev)
	}
	cancel()
	for range ch {
	}
}

// An engine given in WatchOptions.Engines feeds the watch its handshake at
// once (pushed: the interval is far too long for a re-reading to find it),
// and is no longer fed once the channel is closed.
func TestWatchFedByEngine(t *testing.T) {
	pair := newEnginePair(t, nil)
	a, b, toA, toB := pair.a, pair.b, pair.toA, pair.toB
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ch, err := Watch(ctx, WatchOptions{Devices: []string{"no-such-dev"}, NoKernel: true, NoUAPI: true,
		Interval: time.Minute, Engines: map[string]*Engine{"a": a}})
	if err != nil {
		t.Fatal(err)
	}
	batch, err := NewBatch(8, 1420)
	if err != nil {
		t.Fatal(err)
	}
	defer batch.Free()
	batch.Add(ipv4("10.0.0.1", "10.0.0.2", []byte("ping")), netip.AddrPort{})
	a.Encrypt(batch)
	// The initiation to B, the response to A: the handshake is complete.
	for _, hop := range []struct {
		e *Engine
		w *wire
	}{{b, toB}, {a, toA}} {
		batch.Reset()
		for _, d := range hop.w.queue {
			batch.Add(d, hop.w.from)
		}
		hop.w.queue = nil
		hop.e.Decrypt(batch)
	}
	ev := nextKind(t, ch, "handshake")
	if !ev.Pushed || ev.Device != "a" || ev.Peer == nil || !ev.Peer.Equal(pair.privB.PublicKey()) {
		t.Fatalf("handshake event %+v", ev)
	}
	cancel()
	for range ch {
	}
	// A watch that cannot take an engine fails whole (and unfeeds it).
	if _, err := Watch(context.Background(), WatchOptions{Engines: map[string]*Engine{"": a}}); err == nil {
		t.Fatal("an empty engine name was accepted")
	}
}
