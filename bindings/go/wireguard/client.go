// SPDX-License-Identifier: LGPL-2.1-or-later

package wireguard

import (
	"errors"
	"math"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"libwireguard.invalid/go/capi"
)

// Client configures WireGuard devices, kernel and userspace alike: as wg(8)
// does, a name with a UAPI socket in /var/run/wireguard/ (wireguard-go,
// boringtun, our wg-engine) is userspace, any other name is the kernel's.
//
// A Client holds no C resources; it is safe for concurrent use.
type Client struct {
	mu      sync.RWMutex
	closed  bool
	timeout atomic.Int64 // UAPI timeout in ms; 0: the library's default (10 s)
}

// errClosed is returned by a Client's methods after Close.
var errClosed = errors.New("wireguard: client closed")

// New returns a Client.
func New() (*Client, error) {
	return &Client{}, nil
}

// Close releases the client; later calls fail.
func (c *Client) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.closed = true
	return nil
}

// SetUAPITimeout bounds how long this Client waits for a userspace daemon
// (a UAPI socket): each accept, read and reply of Device, Devices and
// ConfigureDevice on such a device gives up after d. The error then matches
// syscall.ETIMEDOUT and os.ErrDeadlineExceeded, and its Timeout method
// reports true. Zero restores the library's default, 10 s; kernel devices
// are not affected. A negative or sub-millisecond d fails with an error
// matching syscall.EINVAL and changes nothing. It is safe to call while
// other calls run; they keep the timeout they started with.
func (c *Client) SetUAPITimeout(d time.Duration) error {
	if d < 0 || (d > 0 && d < time.Millisecond) || d.Milliseconds() > math.MaxInt32 {
		return invalid("wireguard: set UAPI timeout", "timeout "+d.String()+" out of range")
	}
	c.timeout.Store(d.Milliseconds())
	return nil
}

// uapiCall is call with the Client's UAPI timeout set on the OS thread that
// makes the C call (the library keeps the setting per thread), and the
// thread's previous setting put back afterwards.
func (c *Client) uapiCall(op string, f func() int) error {
	return call(op, func() int {
		prev := capi.Wg_set_uapi_timeout(int(c.timeout.Load()))
		defer capi.Wg_set_uapi_timeout(prev)
		return f()
	})
}

func (c *Client) check() error {
	if c.closed {
		return errClosed
	}
	return nil
}

// Devices returns every WireGuard device. A device that disappears while
// the list is read is left out, and so is a userspace device whose daemon
// does not answer in time (the library logs it, see SetLogger): one hung
// daemon does not fail the whole listing.
func (c *Client) Devices() ([]*Device, error) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if err := c.check(); err != nil {
		return nil, err
	}
	names, err := deviceNames()
	if err != nil {
		return nil, err
	}
	devs := make([]*Device, 0, len(names))
	for _, name := range names {
		d, err := c.getDevice(name)
		if errors.Is(err, os.ErrNotExist) || errors.Is(err, syscall.ETIMEDOUT) {
			continue
		}
		if err != nil {
			return nil, err
		}
		devs = append(devs, d)
	}
	return devs, nil
}

func deviceNames() ([]string, error) {
	var names string
	errp := []int64{0}
	err := call("wireguard: list devices", func() int {
		names = capi.Wggo_list_device_names(errp)
		return int(errp[0])
	})
	if err != nil || names == "" {
		return nil, err
	}
	return strings.Split(strings.TrimSuffix(names, "\n"), "\n"), nil
}

// Device reads the device name. A missing device gives an error that
// matches os.ErrNotExist.
func (c *Client) Device(name string) (*Device, error) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if err := c.check(); err != nil {
		return nil, err
	}
	return c.getDevice(name)
}

func (c *Client) getDevice(name string) (*Device, error) {
	op := "wireguard: get device " + name
	out := []uintptr{0}
	err := c.uapiCall(op, func() int { return capi.Wg_get_device(out, name) })
	if err != nil {
		// wgctrl's rule: a link that is not WireGuard, or no backend for
		// it, is a WireGuard device that does not exist.
		var e *Error
		if errors.As(err, &e) && e.Errno == syscall.EOPNOTSUPP {
			e.notExist = true
		}
		return nil, err
	}
	dev := capi.SwigcptrWg_device(out[0])
	defer capi.Wg_free_device(dev)
	d := goDevice(dev)
	// The library chose the backend this way too (wg(8)'s rule).
	d.Type = LinuxKernel
	if _, err := os.Stat(uapiSocketDir + "/" + name + ".sock"); err == nil {
		d.Type = Userspace
	}
	return d, nil
}

const uapiSocketDir = "/var/run/wireguard"

// ConfigureDevice applies cfg to the device name. Invalid input changes
// nothing and gives an error matching syscall.EINVAL.
func (c *Client) ConfigureDevice(name string, cfg Config) error {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if err := c.check(); err != nil {
		return err
	}
	op := "wireguard: configure device " + name
	dev, err := newCDevice(op, name, &cfg)
	if err != nil {
		return err
	}
	defer capi.Wg_free_device(dev)
	return c.uapiCall(op, func() int { return capi.Wg_set_device(dev) })
}

// CreateDevice creates a kernel WireGuard interface.
func (c *Client) CreateDevice(name string) error {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if err := c.check(); err != nil {
		return err
	}
	return call("wireguard: create device "+name, func() int { return capi.Wg_add_device(name) })
}

// DeleteDevice deletes a kernel WireGuard interface.
func (c *Client) DeleteDevice(name string) error {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if err := c.check(); err != nil {
		return err
	}
	return call("wireguard: delete device "+name, func() int { return capi.Wg_del_device(name) })
}
