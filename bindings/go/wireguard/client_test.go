// SPDX-License-Identifier: LGPL-2.1-or-later

package wireguard

import (
	"errors"
	"fmt"
	"os"
	"syscall"
	"testing"
)

func TestMissingDevice(t *testing.T) {
	c, err := New()
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	name := fmt.Sprintf("wgno%d", os.Getpid()%100000)
	_, err = c.Device(name)
	if !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("Device(%s) = %v, want os.ErrNotExist", name, err)
	}
	var e *Error
	if !errors.As(err, &e) || e.Message == "" || e.Errno == 0 {
		t.Errorf("error %#v lacks the library's errno or message", err)
	}
	var errno syscall.Errno
	if !errors.As(err, &errno) {
		t.Errorf("error %v does not wrap a syscall.Errno", err)
	}
	t.Logf("Device(%s): %v", name, err)

	// Listing never fails for want of a kernel module.
	devs, err := c.Devices()
	if err != nil {
		t.Fatalf("Devices: %v", err)
	}
	for _, d := range devs {
		if d.Name == name {
			t.Errorf("Devices lists %s", name)
		}
	}
}

func TestClientClosed(t *testing.T) {
	c, _ := New()
	c.Close()
	if _, err := c.Device("wg0"); err == nil {
		t.Error("Device after Close succeeded")
	}
	if err := c.ConfigureDevice("wg0", Config{}); err == nil {
		t.Error("ConfigureDevice after Close succeeded")
	}
}

// Bad input to ConfigureDevice fails with EINVAL before any backend is asked.
func TestConfigureInvalid(t *testing.T) {
	c, _ := New()
	defer c.Close()
	err := c.ConfigureDevice("wgno0", Config{ListenPort: ptr(1 << 20)})
	if !errors.Is(err, syscall.EINVAL) {
		t.Errorf("ConfigureDevice(bad port) = %v, want EINVAL", err)
	}
}
