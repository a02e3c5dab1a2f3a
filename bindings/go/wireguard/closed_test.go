// SPDX-License-Identifier: LGPL-2.1-or-later

package wireguard

import (
	"errors"
	"net"
	"net/netip"
	"testing"
	"time"
)

// Every call on a closed Engine returns net.ErrClosed instead of panicking.
func TestClosedEngine(t *testing.T) {
	e, err := NewEngine(EngineOptions{Send: func([]byte, netip.AddrPort) {}})
	if err != nil {
		t.Fatal(err)
	}
	b, err := NewBatch(1, 1420)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Free()
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	if err := e.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	checks := map[string]error{
		"Configure": e.Configure(Config{}),
		"Encrypt":   e.Encrypt(b),
		"Decrypt":   e.Decrypt(b),
		"SetTime":   e.SetTime(time.Second, time.Unix(0, 0)),
	}
	_, checks["Device"] = e.Device()
	_, checks["Tick"] = e.Tick()
	for name, err := range checks {
		if !errors.Is(err, net.ErrClosed) {
			t.Errorf("%s on a closed Engine: %v, want net.ErrClosed", name, err)
		}
	}
}

// Tunnel likewise; a Tunnel that Close freed has the zero value's state.
func TestClosedTunnel(t *testing.T) {
	tun := &Tunnel{events: make(chan Event), done: make(chan struct{})}
	checks := map[string]error{"Configure": tun.Configure(Config{}), "Rebind": tun.Rebind()}
	_, checks["Device"] = tun.Device()
	for name, err := range checks {
		if !errors.Is(err, net.ErrClosed) {
			t.Errorf("%s on a closed Tunnel: %v, want net.ErrClosed", name, err)
		}
	}
	if err := tun.Close(); err != nil {
		t.Errorf("Close of a closed Tunnel: %v", err)
	}
}
