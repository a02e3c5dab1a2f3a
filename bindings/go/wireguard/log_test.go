// SPDX-License-Identifier: LGPL-2.1-or-later

package wireguard

import (
	"strings"
	"sync"
	"testing"
	"time"
)

func TestSetLogger(t *testing.T) {
	var mu sync.Mutex
	var got []string
	SetLogger(func(level LogLevel, msg string) {
		mu.Lock()
		defer mu.Unlock()
		got = append(got, msg)
	}, LogInfo)
	// wg(8) accepts host bits in AllowedIPs; the library says so at INFO.
	text := "[Peer]\nPublicKey = " + mustKey(t).PublicKey().String() + "\nAllowedIPs = 10.0.0.1/24\n"
	if _, _, err := ParseConfig([]byte(text), "log.conf", 0); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(2 * time.Second)
	for {
		mu.Lock()
		n := len(got)
		mu.Unlock()
		if n > 0 || time.Now().After(deadline) {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	SetLogger(nil, 0)
	mu.Lock()
	defer mu.Unlock()
	if len(got) != 1 || !strings.Contains(got[0], "log.conf:3") {
		t.Fatalf("log messages %q, want one about log.conf:3", got)
	}
	// Nothing after SetLogger(nil).
	ParseConfig([]byte(text), "log.conf", 0)
	if len(got) != 1 {
		t.Errorf("messages after SetLogger(nil): %q", got[1:])
	}
}
