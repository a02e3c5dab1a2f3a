// SPDX-License-Identifier: LGPL-2.1-or-later

package wireguard

import (
	"bytes"
	"encoding/base64"
	"errors"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
)

// Public keys derived through the library match wg(8)'s.
func TestKeysAgainstWG(t *testing.T) {
	wg, err := exec.LookPath("wg")
	if err != nil {
		t.Skip("wg(8) not installed (apt-get install wireguard-tools)")
	}
	for i := 0; i < 4; i++ {
		priv, _ := GeneratePrivateKey()
		cmd := exec.Command(wg, "pubkey")
		cmd.Stdin = strings.NewReader(priv.String() + "\n")
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("wg pubkey: %v", err)
		}
		want, err := ParseKey(strings.TrimSpace(string(out)))
		if err != nil {
			t.Fatalf("ParseKey(wg pubkey output): %v", err)
		}
		if got := priv.PublicKey(); !got.Equal(want) {
			t.Errorf("PublicKey() = %s, wg pubkey = %s", got, want)
		}
	}
	// And the other way: a key from wg genkey.
	out, err := exec.Command(wg, "genkey").Output()
	if err != nil {
		t.Fatalf("wg genkey: %v", err)
	}
	priv, err := ParseKey(strings.TrimSpace(string(out)))
	if err != nil {
		t.Fatalf("ParseKey(wg genkey output): %v", err)
	}
	cmd := exec.Command(wg, "pubkey")
	cmd.Stdin = bytes.NewReader(out)
	pub, err := cmd.Output()
	if err != nil {
		t.Fatalf("wg pubkey: %v", err)
	}
	if got := priv.PublicKey().String(); got != strings.TrimSpace(string(pub)) {
		t.Errorf("PublicKey() = %s, wg pubkey = %s", got, pub)
	}
}

func TestKeyEncodings(t *testing.T) {
	k, _ := GenerateKey()
	if k.IsZero() {
		t.Fatal("GenerateKey returned zeros")
	}
	if s := k.String(); s != base64.StdEncoding.EncodeToString(k[:]) {
		t.Errorf("String() = %s, encoding/base64 says %s", s, base64.StdEncoding.EncodeToString(k[:]))
	}
	for _, parse := range []struct {
		name string
		f    func(string) (Key, error)
		s    string
	}{{"base64", ParseKey, k.String()}, {"hex", ParseHexKey, k.Hex()}, {"HEX", ParseHexKey, strings.ToUpper(k.Hex())}} {
		got, err := parse.f(parse.s)
		if err != nil || !got.Equal(k) {
			t.Errorf("%s round trip: %v, %v", parse.name, got, err)
		}
	}
	priv, _ := GeneratePrivateKey()
	if priv[0]&7 != 0 || priv[31]&0x80 != 0 || priv[31]&0x40 == 0 {
		t.Errorf("private key not clamped: %x", priv)
	}
	if priv.PublicKey().Equal(priv) || priv.Equal(Key{}) || !(Key{}).IsZero() {
		t.Error("Equal/IsZero wrong")
	}
	if _, err := NewKey(make([]byte, 31)); !errors.Is(err, syscall.EINVAL) {
		t.Errorf("NewKey(31 bytes) = %v, want EINVAL", err)
	}
}

func TestBadKeys(t *testing.T) {
	good := Key{1, 2, 3}.String()
	for _, s := range []string{
		"", "short", good[:43], good + "A", good[:43] + "!", // length and alphabet
		good[:42] + "B=", // nonzero unused low bits
		strings.Repeat("g", 64), strings.Repeat("a", 63),
	} {
		_, err1 := ParseKey(s)
		_, err2 := ParseHexKey(s)
		for _, err := range []error{err1, err2} {
			if !errors.Is(err, syscall.EINVAL) {
				t.Errorf("parse %q: %v, want EINVAL", s, err)
				continue
			}
			var e *Error
			if !errors.As(err, &e) || e.Message == "" {
				t.Errorf("parse %q: no library message in %#v", s, err)
			}
		}
	}
}

// The library keeps its message per OS thread; goroutines move between
// threads, so each failure must still carry its own message.
func TestErrorMessagesPerCall(t *testing.T) {
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 200; i++ {
				if g%2 == 0 {
					if _, err := ParseKey("x"); err == nil || !strings.Contains(err.Error(), "parse key") {
						t.Errorf("ParseKey: %v", err)
						return
					}
				} else {
					k, _ := GeneratePrivateKey()
					if _, err := ParseKey(k.String()); err != nil {
						t.Errorf("ParseKey(valid): %v", err)
						return
					}
				}
			}
		}(g)
	}
	wg.Wait()
}
