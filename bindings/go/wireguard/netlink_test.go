// SPDX-License-Identifier: LGPL-2.1-or-later

package wireguard

import (
	"errors"
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
)

// Links, addresses and routes in a namespace of the test's own, through a
// handle opened from outside it; `ip` checks each change. Kernel WireGuard
// devices are tried too, where the kernel has WireGuard.
func TestNetlink(t *testing.T) {
	ns := needRootNetns(t)
	f, err := os.Open("/var/run/netns/" + ns)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	nl, err := OpenNetlink(f)
	if err != nil {
		t.Fatalf("OpenNetlink: %v", err)
	}
	defer nl.Close()
	run(t, "ip", "-n", ns, "link", "add", "d0", "type", "veth", "peer", "name", "d1")
	ipOut := func(args ...string) string {
		return run(t, "ip", append([]string{"-n", ns}, args...)...)
	}

	if err := nl.SetLinkMTU("d0", 1400); err != nil {
		t.Fatal(err)
	}
	if err := nl.SetLinkUp("d0", true); err != nil {
		t.Fatal(err)
	}
	if out := ipOut("-o", "link", "show", "d0"); !strings.Contains(out, "mtu 1400") || !strings.Contains(out, ",UP") {
		t.Errorf("after MTU and up: %s", out)
	}
	if err := nl.SetLinkUp("nope0", true); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("SetLinkUp(missing link) = %v, want os.ErrNotExist", err)
	}

	addrs := []netip.Prefix{netip.MustParsePrefix("10.9.0.1/24"), netip.MustParsePrefix("fd09::1/64")}
	for _, a := range addrs {
		if err := nl.AddAddress("d0", a); err != nil {
			t.Fatalf("AddAddress(%v): %v", a, err)
		}
		if !strings.Contains(ipOut("-o", "addr", "show", "dev", "d0"), a.String()) {
			t.Errorf("ip addr does not show %v", a)
		}
	}
	if err := nl.AddAddress("d0", addrs[0]); !errors.Is(err, os.ErrExist) {
		t.Errorf("adding %v twice: %v, want os.ErrExist", addrs[0], err)
	}
	if err := nl.DeleteAddress("d0", addrs[0]); err != nil {
		t.Error(err)
	}
	if strings.Contains(ipOut("-o", "addr", "show", "dev", "d0"), addrs[0].String()) {
		t.Errorf("%v still there after DeleteAddress", addrs[0])
	}
	if err := nl.DeleteAddress("d0", addrs[0]); !errors.Is(err, syscall.EADDRNOTAVAIL) {
		t.Errorf("deleting %v twice: %v, want EADDRNOTAVAIL", addrs[0], err)
	}

	routes := []struct {
		p     netip.Prefix
		table int
		show  []string
	}{
		{netip.MustParsePrefix("10.10.0.0/16"), 0, []string{"route", "show", "dev", "d0"}},
		{netip.MustParsePrefix("fd10::/48"), 100, []string{"-6", "route", "show", "table", "100"}},
	}
	for _, r := range routes {
		if err := nl.AddRoute("d0", r.p, r.table); err != nil {
			t.Fatalf("AddRoute(%v): %v", r.p, err)
		}
		if !strings.Contains(ipOut(r.show...), r.p.String()) {
			t.Errorf("ip %v does not show %v", r.show, r.p)
		}
		if err := nl.DeleteRoute("d0", r.p, r.table); err != nil {
			t.Error(err)
		}
		if strings.Contains(ipOut(r.show...), r.p.String()) {
			t.Errorf("route %v still there", r.p)
		}
		if err := nl.DeleteRoute("d0", r.p, r.table); !errors.Is(err, syscall.ESRCH) {
			t.Errorf("deleting route %v twice: %v, want ESRCH", r.p, err)
		}
	}
	if err := nl.AddRoute("d0", netip.Prefix{}, 0); !errors.Is(err, syscall.EINVAL) {
		t.Errorf("AddRoute(invalid) = %v, want EINVAL", err)
	}

	// A link that is not WireGuard, and one that does not exist.
	for _, name := range []string{"d0", "nope0"} {
		if _, err := nl.Device(name); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("Device(%s) = %v, want os.ErrNotExist", name, err)
		}
	}
	// A kernel WireGuard device, where the kernel has WireGuard.
	err = nl.CreateDevice("wgk0")
	if errors.Is(err, syscall.EOPNOTSUPP) {
		t.Logf("kernel WireGuard devices not tried: %v", err)
	} else if err != nil {
		t.Errorf("CreateDevice: %v", err)
	} else {
		priv := mustKey(t)
		if err := nl.ConfigureDevice("wgk0", Config{PrivateKey: &priv, ListenPort: ptr(51999)}); err != nil {
			t.Error(err)
		}
		d, err := nl.Device("wgk0")
		if err != nil || d.Type != LinuxKernel || !d.PublicKey.Equal(priv.PublicKey()) || d.ListenPort != 51999 {
			t.Errorf("Device(wgk0) = %+v, %v", d, err)
		}
		if names, err := nl.DeviceNames(); err != nil || len(names) != 1 || names[0] != "wgk0" {
			t.Errorf("DeviceNames = %q, %v", names, err)
		}
		if err := nl.DeleteDevice("wgk0"); err != nil {
			t.Error(err)
		}
	}
	if err := nl.DeleteDevice("d0"); err == nil {
		t.Error("DeleteDevice removed a veth link")
	}

	nl.Close()
	if err := nl.SetLinkUp("d0", false); !errors.Is(err, syscall.EBADF) {
		t.Errorf("call after Close: %v, want EBADF", err)
	}
}

// needRootNetns creates a network namespace for the test, removed at its
// end, or skips the test without root, TUN or ip(8).
func needRootNetns(t *testing.T) string {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root (network namespace, TUN device)")
	}
	if _, err := os.Stat("/dev/net/tun"); err != nil {
		t.Skip("no /dev/net/tun")
	}
	if _, err := exec.LookPath("ip"); err != nil {
		t.Skip("ip not installed")
	}
	ns := fmt.Sprintf("wggt%d", os.Getpid()%1000000)
	run(t, "ip", "netns", "add", ns)
	t.Cleanup(func() { exec.Command("ip", "netns", "del", ns).Run() })
	return ns
}
