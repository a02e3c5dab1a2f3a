// SPDX-License-Identifier: LGPL-2.1-or-later

package wgctrl

import (
	"errors"
	"fmt"
	"net"
	"os"
	"runtime"
	"syscall"
	"testing"
	"time"

	"libwireguard.invalid/go/wgctrl/wgtypes"
	"libwireguard.invalid/go/wireguard"
)

// startTunnel runs a userspace device with a UAPI socket in a network
// namespace of its own (its OS thread is never given back to Go).
func startTunnel(t *testing.T) string {
	if os.Geteuid() != 0 {
		t.Skip("needs root (network namespace, TUN device)")
	}
	if _, err := os.Stat("/dev/net/tun"); err != nil {
		t.Skip("no /dev/net/tun")
	}
	type result struct {
		tun *wireguard.Tunnel
		err error
	}
	ch := make(chan result)
	stop := make(chan struct{})
	go func() {
		runtime.LockOSThread() // not unlocked: the thread dies with the goroutine
		if err := syscall.Unshare(syscall.CLONE_NEWNET); err != nil {
			ch <- result{err: err}
			return
		}
		tun, err := wireguard.NewTunnel(wireguard.TunnelOptions{Name: fmt.Sprintf("wgctl%d", os.Getpid()%100000), UAPI: true})
		ch <- result{tun, err}
		if err == nil {
			<-stop
			tun.Close()
		}
		close(ch)
	}()
	r := <-ch
	if r.err != nil {
		t.Fatal(r.err)
	}
	t.Cleanup(func() { close(stop); <-ch })
	return r.tun.Name()
}

// What a wgctrl-go program does: configure with []net.IPNet, read back.
func TestClientRoundTrip(t *testing.T) {
	name := startTunnel(t)
	c, err := New()
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	priv, _ := wgtypes.GeneratePrivateKey()
	peer, _ := wgtypes.GenerateKey()
	psk, _ := wgtypes.GenerateKey()
	port := 0
	ka := 25 * time.Second
	_, v4, _ := net.ParseCIDR("10.9.0.0/16")
	_, v6, _ := net.ParseCIDR("fd00:9::/64")
	err = c.ConfigureDevice(name, wgtypes.Config{PrivateKey: &priv, ListenPort: &port, ReplacePeers: true,
		Peers: []wgtypes.PeerConfig{{PublicKey: peer, PresharedKey: &psk, PersistentKeepaliveInterval: &ka,
			Endpoint:   &net.UDPAddr{IP: net.ParseIP("192.0.2.7"), Port: 51820},
			AllowedIPs: []net.IPNet{*v4, *v6}}}})
	if err != nil {
		t.Fatal(err)
	}
	d, err := c.Device(name)
	if err != nil {
		t.Fatal(err)
	}
	if d.Name != name || d.Type != wgtypes.Userspace || d.PublicKey != priv.PublicKey() || d.ListenPort == 0 ||
		len(d.Peers) != 1 {
		t.Fatalf("device: %+v", d)
	}
	p := d.Peers[0]
	if p.PublicKey != peer || p.PresharedKey != psk || p.PersistentKeepaliveInterval != ka ||
		p.Endpoint.String() != "192.0.2.7:51820" || len(p.AllowedIPs) != 2 ||
		p.AllowedIPs[0].String() != "10.9.0.0/16" || p.AllowedIPs[1].String() != "fd00:9::/64" {
		t.Fatalf("peer: %+v", p)
	}
	devs, err := c.Devices()
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, d := range devs {
		found = found || d.Name == name
	}
	if !found {
		t.Errorf("Devices() lacks %s", name)
	}
	// Bad input changes nothing and says EINVAL.
	bad := wgtypes.Config{Peers: []wgtypes.PeerConfig{{PublicKey: peer, ReplaceAllowedIPs: true,
		AllowedIPs: []net.IPNet{{IP: net.IPv4(10, 0, 0, 0).To4(), Mask: net.IPMask{255, 0, 255, 0}}}}}}
	if err := c.ConfigureDevice(name, bad); !errors.Is(err, syscall.EINVAL) {
		t.Errorf("bad mask: %v", err)
	}
	if d, _ := c.Device(name); len(d.Peers) != 1 || len(d.Peers[0].AllowedIPs) != 2 {
		t.Errorf("a refused config changed the device: %+v", d)
	}
}

func TestMissingDevice(t *testing.T) {
	c, _ := New()
	defer c.Close()
	if _, err := c.Device("wgnosuch0"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing device: %v, want os.ErrNotExist", err)
	}
}
