// SPDX-License-Identifier: LGPL-2.1-or-later

package wireguard

import (
	"bufio"
	"bytes"
	"fmt"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"reflect"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Userspace daemons (our wg-engine, and wireguard-go when installed) run in a
// network namespace of the test's own; the Client drives them through their
// UAPI sockets, and wg(8) reads back what was set as an independent check.
func TestUAPIDaemons(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root (network namespace, TUN device)")
	}
	if _, err := os.Stat("/dev/net/tun"); err != nil {
		t.Skip("no /dev/net/tun")
	}
	for _, tool := range []string{"ip", "wg"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not installed (tools/install-deps.sh)", tool)
		}
	}
	daemons := map[string]string{}
	if p := os.Getenv("WG_ENGINE"); p != "" {
		daemons["wg-engine"] = p
	}
	if p, err := exec.LookPath("wireguard-go"); err == nil {
		daemons["wireguard-go"] = p
	}
	if len(daemons) == 0 {
		t.Skip("no userspace daemon: set WG_ENGINE, or install wireguard-go")
	}
	names := make([]string, 0, len(daemons))
	for n := range daemons {
		names = append(names, n)
	}
	sort.Strings(names)
	for i, n := range names {
		path := daemons[n]
		ifname := fmt.Sprintf("wggo%d%c", os.Getpid()%1000000, 'a'+i)
		t.Run(n, func(t *testing.T) { testDaemon(t, path, ifname) })
	}
}

func run(t *testing.T, name string, args ...string) string {
	t.Helper()
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return string(out)
}

func testDaemon(t *testing.T, daemon, ifname string) {
	ns := ifname
	run(t, "ip", "netns", "add", ns)
	t.Cleanup(func() { exec.Command("ip", "netns", "del", ns).Run() })
	sock := "/var/run/wireguard/" + ifname + ".sock"
	cmd := exec.Command("ip", "netns", "exec", ns, daemon, "-f", ifname)
	cmd.Env = append(os.Environ(), "WG_PROCESS_FOREGROUND=1", "LOG_LEVEL=error")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(3 * time.Second):
			cmd.Process.Kill()
			<-done
		}
		os.Remove(sock)
	})
	for i := 0; ; i++ {
		if _, err := os.Stat(sock); err == nil {
			break
		}
		if i == 250 {
			t.Fatalf("%s did not create %s\n%s", daemon, sock, stderr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}

	c, _ := New()
	defer c.Close()
	priv, psk := mustKey(t), mustKey(t)
	pub1, pub2, pub3 := mustKey(t).PublicKey(), mustKey(t).PublicKey(), mustKey(t).PublicKey()
	cfg := Config{
		PrivateKey:   &priv,
		ListenPort:   ptr(0),
		ReplacePeers: true,
		Peers: []PeerConfig{{
			PublicKey:    pub1,
			PresharedKey: &psk,
			// Nothing is sent there: the tunnel is down and no keepalive is set.
			Endpoint:   &net.UDPAddr{IP: net.IPv4(192, 0, 2, 1), Port: 51820},
			AllowedIPs: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/24"), netip.MustParsePrefix("fd00::/64")},
		}, {
			PublicKey:  pub2,
			Endpoint:   &net.UDPAddr{IP: net.ParseIP("2001:db8::2"), Port: 4242},
			AllowedIPs: []netip.Prefix{netip.MustParsePrefix("10.1.0.0/16")},
		}},
	}
	err := c.ConfigureDevice(ifname, cfg)
	if err != nil {
		t.Fatalf("ConfigureDevice: %v", err)
	}
	dev, err := c.Device(ifname)
	if err != nil {
		t.Fatalf("Device: %v", err)
	}
	if dev.Name != ifname || dev.Type != Userspace || !dev.PrivateKey.Equal(priv) || !dev.PublicKey.Equal(priv.PublicKey()) || dev.ListenPort == 0 {
		t.Errorf("device read back: %+v", dev)
	}
	if len(dev.Peers) != 2 {
		t.Fatalf("read back %d peers, want 2", len(dev.Peers))
	}
	if p := findPeer(dev, pub1); p == nil || !p.PresharedKey.Equal(psk) || p.Endpoint.String() != "192.0.2.1:51820" ||
		!samePrefixes(p.AllowedIPs, cfg.Peers[0].AllowedIPs) {
		t.Errorf("peer 1 read back: %+v", p)
	}
	if p := findPeer(dev, pub2); p == nil || p.Endpoint.String() != "[2001:db8::2]:4242" {
		t.Errorf("peer 2 read back: %+v", p)
	}

	// wg(8), another UAPI client, agrees.
	if want, got := wgDump(dev), run(t, "wg", "show", ifname, "dump"); !reflect.DeepEqual(want, sortedLines(got)) {
		t.Errorf("wg show dump:\n%s\nwant:\n%s", got, strings.Join(want, "\n"))
	}

	// Changes: remove peer 2, replace peer 1's allowed IPs, update-only an
	// unknown peer (must not be created), a keepalive.
	err = c.ConfigureDevice(ifname, Config{Peers: []PeerConfig{
		{PublicKey: pub2, Remove: true},
		{PublicKey: pub1, ReplaceAllowedIPs: true, AllowedIPs: []netip.Prefix{netip.MustParsePrefix("10.2.0.0/16")},
			PersistentKeepaliveInterval: ptr(0 * time.Second)},
		{PublicKey: pub3, UpdateOnly: true, AllowedIPs: []netip.Prefix{netip.MustParsePrefix("10.3.0.0/16")}},
	}})
	if err != nil {
		t.Fatalf("ConfigureDevice (changes): %v", err)
	}
	dev, err = c.Device(ifname)
	if err != nil {
		t.Fatal(err)
	}
	if len(dev.Peers) != 1 || !dev.Peers[0].PublicKey.Equal(pub1) ||
		!samePrefixes(dev.Peers[0].AllowedIPs, []netip.Prefix{netip.MustParsePrefix("10.2.0.0/16")}) {
		t.Errorf("after changes: %+v", dev.Peers)
	}

	// wg syncconf: a config file's state reached through Diff.
	text := fmt.Sprintf("[Interface]\nPrivateKey = %s\nListenPort = %d\n[Peer]\nPublicKey = %s\nAllowedIPs = 10.4.0.0/16, fd04::/64\n[Peer]\nPublicKey = %s\nAllowedIPs = 10.2.0.0/24\n",
		priv, dev.ListenPort, pub3, pub1)
	parsed, _, err := ParseConfig([]byte(text), "sync.conf", ConfigNumeric)
	if err != nil {
		t.Fatal(err)
	}
	want, err := new(Device).Apply(*parsed)
	if err != nil {
		t.Fatal(err)
	}
	diff, err := Diff(dev, want, 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.ConfigureDevice(ifname, diff); err != nil {
		t.Fatalf("ConfigureDevice(diff): %v", err)
	}
	dev, err = c.Device(ifname)
	if err != nil {
		t.Fatal(err)
	}
	// The device keeps peer 1's endpoint (a diff never clears one).
	for i := range want.Peers {
		if want.Peers[i].PublicKey.Equal(pub1) {
			want.Peers[i].Endpoint = findPeer(dev, pub1).Endpoint
		}
	}
	if same, err := dev.Same(want); err != nil || !same {
		t.Errorf("after syncing to sync.conf: %+v (%v)\nwant %+v", dev, err, want)
	}

	devs, err := c.Devices()
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, d := range devs {
		found = found || d.Name == ifname
	}
	if !found {
		t.Errorf("Devices() does not list %s", ifname)
	}
}

func findPeer(d *Device, k Key) *Peer {
	for i := range d.Peers {
		if d.Peers[i].PublicKey.Equal(k) {
			return &d.Peers[i]
		}
	}
	return nil
}

func samePrefixes(a, b []netip.Prefix) bool {
	s := func(p []netip.Prefix) []string {
		var out []string
		for _, x := range p {
			out = append(out, x.String())
		}
		sort.Strings(out)
		return out
	}
	return reflect.DeepEqual(s(a), s(b))
}

// wgDump is what `wg show NAME dump` prints for d, lines sorted.
func wgDump(d *Device) []string {
	orNone := func(k Key) string {
		if k.IsZero() {
			return "(none)"
		}
		return k.String()
	}
	fwmark := "off"
	if d.FirewallMark != 0 {
		fwmark = fmt.Sprint(d.FirewallMark)
	}
	lines := []string{fmt.Sprintf("%s\t%s\t%d\t%s", orNone(d.PrivateKey), d.PublicKey, d.ListenPort, fwmark)}
	for _, p := range d.Peers {
		ep := "(none)"
		if p.Endpoint != nil {
			ep = p.Endpoint.String()
		}
		ips := "(none)"
		if len(p.AllowedIPs) > 0 {
			var s []string
			for _, a := range p.AllowedIPs {
				s = append(s, a.String())
			}
			ips = strings.Join(s, ",")
		}
		hs := int64(0)
		if !p.LastHandshakeTime.IsZero() {
			hs = p.LastHandshakeTime.Unix()
		}
		ka := "off"
		if p.PersistentKeepaliveInterval != 0 {
			ka = fmt.Sprint(int(p.PersistentKeepaliveInterval / time.Second))
		}
		lines = append(lines, fmt.Sprintf("%s\t%s\t%s\t%s\t%d\t%d\t%d\t%s",
			p.PublicKey, orNone(p.PresharedKey), ep, ips, hs, p.ReceiveBytes, p.TransmitBytes, ka))
	}
	sort.Strings(lines)
	return lines
}

func sortedLines(s string) []string {
	var out []string
	sc := bufio.NewScanner(strings.NewReader(s))
	for sc.Scan() {
		out = append(out, sc.Text())
	}
	sort.Strings(out)
	return out
}
