// SPDX-License-Identifier: LGPL-2.1-or-later

package wireguard

import (
	"errors"
	"net/netip"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"syscall"
	"testing"
	"time"

	"libwireguard.invalid/go/capi"
)

func TestParseAndFormatConfig(t *testing.T) {
	priv, psk := mustKey(t), mustKey(t)
	pub := mustKey(t).PublicKey()
	text := "[Interface]\n" +
		"PrivateKey = " + priv.String() + "\n" +
		"ListenPort = 51820\n" +
		"Address = 10.0.0.1/24, fd00::1/64\n" +
		"DNS = 10.0.0.53\n" +
		"MTU = 1380\n" +
		"[Peer] # a comment\n" +
		"PublicKey = " + pub.String() + "\n" +
		"PresharedKey = " + psk.String() + "\n" +
		"AllowedIPs = 10.0.0.2/32, fd00::2/128\n" +
		"Endpoint = [2001:db8::1]:51821\n" +
		"PersistentKeepalive = 25\n"
	cfg, quick, err := ParseConfig([]byte(text), "wg0.conf", ConfigNumeric)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.PrivateKey == nil || !cfg.PrivateKey.Equal(priv) || cfg.ListenPort == nil || *cfg.ListenPort != 51820 ||
		!cfg.ReplacePeers || len(cfg.Peers) != 1 {
		t.Fatalf("parsed %+v", cfg)
	}
	p := cfg.Peers[0]
	wantIPs := []netip.Prefix{netip.MustParsePrefix("10.0.0.2/32"), netip.MustParsePrefix("fd00::2/128")}
	if !p.PublicKey.Equal(pub) || p.PresharedKey == nil || !p.PresharedKey.Equal(psk) ||
		p.Endpoint.String() != "[2001:db8::1]:51821" || *p.PersistentKeepaliveInterval != 25*time.Second ||
		!p.ReplaceAllowedIPs || !reflect.DeepEqual(p.AllowedIPs, wantIPs) {
		t.Errorf("parsed peer %+v", p)
	}
	if !reflect.DeepEqual(quick.Address, []string{"10.0.0.1/24", "fd00::1/64"}) || quick.MTU != "1380" ||
		!reflect.DeepEqual(quick.DNS, []string{"10.0.0.53"}) {
		t.Errorf("wg-quick keys %+v", quick)
	}

	// Printed and parsed again, it is the same configuration.
	out, err := FormatConfig(*cfg)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(out), "PrivateKey = "+priv.String()+"\n") ||
		!strings.Contains(string(out), "AllowedIPs = 10.0.0.2/32, fd00::2/128\n") {
		t.Errorf("formatted:\n%s", out)
	}
	again, _, err := ParseConfig(out, "formatted", ConfigStrict|ConfigNumeric)
	if err != nil {
		t.Fatalf("parse formatted text: %v\n%s", err, out)
	}
	if !reflect.DeepEqual(again, cfg) {
		t.Errorf("format+parse changed the config:\n got %+v\nwant %+v", again, cfg)
	}

	// A file: its name names the device.
	path := filepath.Join(t.TempDir(), "wgtest1.conf")
	if err := os.WriteFile(path, []byte(text), 0600); err != nil {
		t.Fatal(err)
	}
	name, fcfg, _, err := ParseConfigFile(path, ConfigNumeric)
	if err != nil || name != "wgtest1" || !reflect.DeepEqual(fcfg, cfg) {
		t.Errorf("ParseConfigFile: %q %+v %v", name, fcfg, err)
	}
	if _, _, _, err := ParseConfigFile(path+".missing", 0); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v, want os.ErrNotExist", err)
	}
}

func TestParseConfigErrors(t *testing.T) {
	for _, text := range []string{
		"[Interface]\nPrivateKey = nonsense\n",
		"[Interface]\nListenPort = 65536\n",
		"[Peer]\nAllowedIPs = 10.0.0.0/33\n",
		"[Interface]\nAddress = 10.0.0.1/24\n", // strict: wg-quick key
	} {
		_, _, err := ParseConfig([]byte(text), "bad.conf", ConfigStrict)
		if !errors.Is(err, syscall.EINVAL) || !strings.Contains(err.Error(), "bad.conf:") {
			t.Errorf("ParseConfig(%q) = %v, want EINVAL naming bad.conf:LINE", text, err)
		}
	}
}

// Device.Config sets a device back to what was read.
func TestDeviceConfig(t *testing.T) {
	priv := mustKey(t)
	d := &Device{PrivateKey: priv, ListenPort: 1234, Peers: []Peer{{
		PublicKey:  mustKey(t).PublicKey(),
		AllowedIPs: []netip.Prefix{netip.MustParsePrefix("10.1.0.0/16")},
	}}}
	dev, err := newCDevice("test", "", ptr(d.Config()))
	if err != nil {
		t.Fatal(err)
	}
	got := goDevice(dev)
	capi.Wg_free_device(dev)
	got.Peers[0].Endpoint = nil
	if !reflect.DeepEqual(got, d) {
		t.Errorf("Device.Config round trip:\n got %+v\nwant %+v", got, d)
	}
}
