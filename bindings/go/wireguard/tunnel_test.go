// SPDX-License-Identifier: LGPL-2.1-or-later

package wireguard

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"reflect"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
)

// inNetns runs f on an OS thread moved into the network namespace ns; the
// threads a tunnel starts inherit it.
func inNetns(ns string, f func() error) error {
	runtime.LockOSThread()
	orig, err := os.Open(fmt.Sprintf("/proc/self/task/%d/ns/net", syscall.Gettid()))
	if err != nil {
		runtime.UnlockOSThread()
		return err
	}
	defer orig.Close()
	target, err := os.Open("/var/run/netns/" + ns)
	if err != nil {
		runtime.UnlockOSThread()
		return err
	}
	defer target.Close()
	setns := func(fd uintptr) error {
		if _, _, e := syscall.RawSyscall(sysSetns, fd, syscall.CLONE_NEWNET, 0); e != 0 {
			return e
		}
		return nil
	}
	if err := setns(target.Fd()); err != nil {
		runtime.UnlockOSThread()
		return err
	}
	ferr := f()
	// A thread that cannot return stays locked and dies with its goroutine.
	if setns(orig.Fd()) == nil {
		runtime.UnlockOSThread()
	}
	return ferr
}

// A tunnel in a namespace of the test's own: configured and read in-process
// and over its UAPI socket, and stopping when its interface is deleted.
func TestTunnel(t *testing.T) {
	ns := needRootNetns(t)
	name := ns + "w"
	var tun *Tunnel
	err := inNetns(ns, func() (err error) {
		tun, err = NewTunnel(TunnelOptions{Name: name, UAPI: true, Threads: 1})
		return err
	})
	if err != nil {
		t.Fatalf("NewTunnel: %v", err)
	}
	defer tun.Close()
	if tun.Name() != name {
		t.Errorf("Name() = %q, want %q", tun.Name(), name)
	}
	priv, peerPub := mustKey(t), mustKey(t).PublicKey()
	err = tun.Configure(Config{PrivateKey: &priv, Peers: []PeerConfig{{
		PublicKey:  peerPub,
		Endpoint:   &net.UDPAddr{IP: net.IPv4(192, 0, 2, 1), Port: 51820},
		AllowedIPs: []netip.Prefix{netip.MustParsePrefix("10.7.0.0/16")},
	}}})
	if err != nil {
		t.Fatalf("Configure: %v", err)
	}
	dev, err := tun.Device()
	if err != nil {
		t.Fatal(err)
	}
	if !dev.PublicKey.Equal(priv.PublicKey()) || dev.ListenPort == 0 || len(dev.Peers) != 1 ||
		!reflect.DeepEqual(dev.Peers[0].AllowedIPs, []netip.Prefix{netip.MustParsePrefix("10.7.0.0/16")}) {
		t.Errorf("Device() = %+v", dev)
	}
	if _, err := exec.LookPath("wg"); err == nil {
		out, err := exec.Command("wg", "show", name, "dump").CombinedOutput()
		switch {
		case err != nil:
			t.Errorf("wg show %s dump: %v\n%s", name, err, out)
		case !reflect.DeepEqual(wgDump(dev), sortedLines(string(out))):
			t.Errorf("wg show dump over UAPI:\n%s\nwant:\n%s", out, strings.Join(wgDump(dev), "\n"))
		}
	}
	c, _ := New()
	defer c.Close()
	if cdev, err := c.Device(name); err != nil {
		t.Errorf("Client.Device over UAPI: %v", err)
	} else if !reflect.DeepEqual(cdev, dev) {
		t.Errorf("Client.Device over UAPI = %+v, want %+v", cdev, dev)
	}

	select {
	case <-tun.Done():
		t.Fatal("Done before the interface was deleted")
	default:
	}
	run(t, "ip", "-n", ns, "link", "del", name)
	select {
	case <-tun.Done():
	case <-time.After(3 * time.Second):
		t.Error("Done not closed 3 s after the interface was deleted")
	}
	if err := tun.Close(); err != nil {
		t.Error(err)
	}
	if _, ok := <-tun.Events(); ok {
		t.Error("Events still open after Close")
	}
}

// setns(2) on x86-64; the syscall package does not name it.
const sysSetns = 308

// Two tunnels in two namespaces joined by a veth pair carry a ping; the
// addresses and links are set through Netlink, and both tunnels report the
// handshake on their Events channels.
func TestTunnelPing(t *testing.T) {
	nsA := needRootNetns(t)
	nsB := nsA + "b"
	run(t, "ip", "netns", "add", nsB)
	t.Cleanup(func() { exec.Command("ip", "netns", "del", nsB).Run() })
	if _, err := exec.LookPath("ping"); err != nil {
		t.Skip("ping not installed")
	}
	run(t, "ip", "-n", nsA, "link", "add", "va", "type", "veth", "peer", "name", "vb", "netns", nsB)
	under := map[string]netip.Prefix{nsA: netip.MustParsePrefix("192.168.77.1/24"), nsB: netip.MustParsePrefix("192.168.77.2/24")}
	inner := map[string]netip.Prefix{nsA: netip.MustParsePrefix("10.77.0.1/24"), nsB: netip.MustParsePrefix("10.77.0.2/24")}
	veth := map[string]string{nsA: "va", nsB: "vb"}
	keys := map[string]Key{nsA: mustKey(t), nsB: mustKey(t)}
	tunnels := map[string]*Tunnel{}
	for _, ns := range []string{nsA, nsB} {
		f, err := os.Open("/var/run/netns/" + ns)
		if err != nil {
			t.Fatal(err)
		}
		nl, err := OpenNetlink(f)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		defer nl.Close()
		for _, step := range []error{nl.SetLinkUp("lo", true), nl.AddAddress(veth[ns], under[ns]), nl.SetLinkUp(veth[ns], true)} {
			if step != nil {
				t.Fatal(step)
			}
		}
		var tun *Tunnel
		err = inNetns(ns, func() (err error) {
			tun, err = NewTunnel(TunnelOptions{Name: ns + "t", Threads: 1, ListenPort: 51877})
			return err
		})
		if err != nil {
			t.Fatalf("NewTunnel in %s: %v", ns, err)
		}
		defer tun.Close()
		tunnels[ns] = tun
		if err := nl.AddAddress(tun.Name(), inner[ns]); err != nil {
			t.Fatal(err)
		}
		if err := nl.SetLinkUp(tun.Name(), true); err != nil {
			t.Fatal(err)
		}
	}
	for ns, peer := range map[string]string{nsA: nsB, nsB: nsA} {
		priv := keys[ns]
		err := tunnels[ns].Configure(Config{PrivateKey: &priv, Peers: []PeerConfig{{
			PublicKey:  keys[peer].PublicKey(),
			Endpoint:   &net.UDPAddr{IP: under[peer].Addr().AsSlice(), Port: 51877},
			AllowedIPs: []netip.Prefix{netip.PrefixFrom(inner[peer].Addr(), 32)},
		}}})
		if err != nil {
			t.Fatal(err)
		}
	}
	out, err := exec.Command("ip", "netns", "exec", nsA, "ping", "-c", "1", "-W", "3", inner[nsB].Addr().String()).CombinedOutput()
	if err != nil {
		t.Fatalf("ping through the tunnels: %v\n%s", err, out)
	}
	for ns, tun := range tunnels {
		select {
		case ev := <-tun.Events():
			if ev.Type != EventHandshakeComplete {
				t.Errorf("%s: first event %v", ns, ev.Type)
			}
		case <-time.After(2 * time.Second):
			t.Errorf("%s: no handshake event", ns)
		}
		d, err := tun.Device()
		if err != nil || d.Peers[0].LastHandshakeTime.IsZero() || d.Peers[0].ReceiveBytes == 0 {
			t.Errorf("%s after the ping: %+v, %v", ns, d, err)
		}
	}
	// After a network change: new sockets on the same port, same session.
	for ns, tun := range tunnels {
		if err := inNetns(ns, tun.Rebind); err != nil {
			t.Fatalf("%s: Rebind: %v", ns, err)
		}
		if d, err := tun.Device(); err != nil || d.ListenPort != 51877 {
			t.Errorf("%s after Rebind: %+v, %v", ns, d, err)
		}
	}
	out, err = exec.Command("ip", "netns", "exec", nsA, "ping", "-c", "1", "-W", "3", inner[nsB].Addr().String()).CombinedOutput()
	if err != nil {
		t.Fatalf("ping after Rebind: %v\n%s", err, out)
	}
	for ns, tun := range tunnels {
		select {
		case ev := <-tun.Events():
			t.Errorf("%s: %v after Rebind: the session should have been kept", ns, ev.Type)
		default:
		}
	}
}

// Control sees each UDP socket before its bind, in NewTunnel, Rebind and a
// port change; its error fails the call and changes nothing.
func TestTunnelControl(t *testing.T) {
	ns := needRootNetns(t)
	type seen struct {
		network string
		port    int
	}
	var got []seen
	var refuse error
	control := func(network string, c syscall.RawConn) error {
		err := c.Control(func(fd uintptr) {
			sa, err := syscall.Getsockname(int(fd))
			port := -1
			switch sa := sa.(type) {
			case *syscall.SockaddrInet4:
				port = sa.Port
			case *syscall.SockaddrInet6:
				port = sa.Port
			}
			if err != nil {
				port = -1
			}
			got = append(got, seen{network, port})
		})
		if err != nil {
			return err
		}
		return refuse
	}
	var tun *Tunnel
	err := inNetns(ns, func() (err error) {
		tun, err = NewTunnel(TunnelOptions{Name: ns + "c", Threads: 1, Control: control})
		return err
	})
	if err != nil {
		t.Fatalf("NewTunnel: %v", err)
	}
	defer tun.Close()
	check := func(when string) {
		t.Helper()
		if len(got) == 0 || len(got) > 2 || got[0].network != "udp6" && got[0].network != "udp4" {
			t.Errorf("%s: Control saw %v", when, got)
		}
		for _, s := range got {
			if s.port != 0 {
				t.Errorf("%s: a socket was bound before Control: %v", when, got)
			}
		}
		got = nil
	}
	check("NewTunnel")
	if err := inNetns(ns, tun.Rebind); err != nil {
		t.Fatalf("Rebind: %v", err)
	}
	check("Rebind")
	if err := inNetns(ns, func() error { return tun.Configure(Config{ListenPort: ptr(51866)}) }); err != nil {
		t.Fatalf("Configure: %v", err)
	}
	check("Configure")
	refuse = syscall.EACCES
	err = inNetns(ns, tun.Rebind)
	if !errors.Is(err, syscall.EACCES) {
		t.Errorf("Rebind with Control failing: %v, want EACCES", err)
	}
	refuse = fmt.Errorf("not an errno")
	err = inNetns(ns, func() error { return tun.Configure(Config{ListenPort: ptr(51867)}) })
	if !errors.Is(err, syscall.EPERM) {
		t.Errorf("Configure with Control failing: %v, want EPERM", err)
	}
	if d, err := tun.Device(); err != nil || d.ListenPort != 51866 {
		t.Errorf("after the failures: %+v, %v; want port 51866", d, err)
	}
}
