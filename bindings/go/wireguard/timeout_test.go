// SPDX-License-Identifier: LGPL-2.1-or-later

package wireguard

import (
	"errors"
	"fmt"
	"net"
	"os"
	"syscall"
	"testing"
	"time"
)

func TestSetUAPITimeoutInvalid(t *testing.T) {
	c, _ := New()
	defer c.Close()
	for _, d := range []time.Duration{-time.Millisecond, time.Microsecond, 1 << 62} {
		if err := c.SetUAPITimeout(d); !errors.Is(err, syscall.EINVAL) {
			t.Errorf("SetUAPITimeout(%v) = %v, want EINVAL", d, err)
		}
	}
	if err := c.SetUAPITimeout(0); err != nil {
		t.Errorf("SetUAPITimeout(0) = %v", err)
	}
}

// A daemon socket that accepts connections (the listen backlog does) but
// never answers: Device gives up after the Client's timeout, not the
// library's default 10 s, with an error that says it timed out; Devices
// leaves that device out instead of failing (issue #15, fault 8).
func TestUAPITimeoutHungDaemon(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root to create " + uapiSocketDir + "/*.sock")
	}
	name := fmt.Sprintf("wggohung%d", os.Getpid()%100000)
	if err := os.MkdirAll(uapiSocketDir, 0o755); err != nil {
		t.Fatal(err)
	}
	path := uapiSocketDir + "/" + name + ".sock"
	l, err := net.Listen("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close() // also removes the socket file
	c, _ := New()
	defer c.Close()
	if err := c.SetUAPITimeout(200 * time.Millisecond); err != nil {
		t.Fatal(err)
	}

	start := time.Now()
	_, err = c.Device(name)
	took := time.Since(start)
	if err == nil {
		t.Fatal("Device on a daemon that never answers succeeded")
	}
	if !errors.Is(err, syscall.ETIMEDOUT) || !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Errorf("error %v matches neither ETIMEDOUT nor os.ErrDeadlineExceeded", err)
	}
	var te interface{ Timeout() bool }
	if !errors.As(err, &te) || !te.Timeout() {
		t.Errorf("error %v does not report Timeout()", err)
	}
	if errors.Is(err, os.ErrNotExist) {
		t.Errorf("a hung daemon reported as a missing device: %v", err)
	}
	if took < 150*time.Millisecond || took > 3*time.Second {
		t.Errorf("Device took %v with a 200 ms timeout", took)
	}

	start = time.Now()
	devs, err := c.Devices()
	took = time.Since(start)
	if err != nil {
		t.Fatalf("Devices failed because of one hung daemon: %v", err)
	}
	for _, d := range devs {
		if d.Name == name {
			t.Errorf("Devices listed the hung daemon's device")
		}
	}
	if took > 3*time.Second {
		t.Errorf("Devices took %v with a 200 ms timeout", took)
	}

	// ConfigureDevice obeys it too.
	start = time.Now()
	err = c.ConfigureDevice(name, Config{ListenPort: new(int)})
	if !errors.Is(err, syscall.ETIMEDOUT) || time.Since(start) > 3*time.Second {
		t.Errorf("ConfigureDevice: %v after %v", err, time.Since(start))
	}
}
