// SPDX-License-Identifier: LGPL-2.1-or-later

// Package wgctrl configures WireGuard devices with wgctrl-go's API: a
// program written for golang.zx2c4.com/wireguard/wgctrl ports by importing
// libwireguard.invalid/go/wgctrl and .../wgctrl/wgtypes instead. It is a thin
// layer over package libwireguard.invalid/go/wireguard, whose Client it
// wraps (kernel devices over netlink, userspace ones over their UAPI
// socket, chosen per name as wg(8) does).
//
// A missing device gives an error matching os.ErrNotExist, as in wgctrl-go.
package wgctrl

import (
	"libwireguard.invalid/go/wgctrl/wgtypes"
	"libwireguard.invalid/go/wireguard"
)

// Client configures WireGuard devices. It is safe for concurrent use.
type Client struct {
	c *wireguard.Client
}

// New returns a Client.
func New() (*Client, error) {
	c, err := wireguard.New()
	if err != nil {
		return nil, err
	}
	return &Client{c: c}, nil
}

// Close releases the client; later calls fail.
func (c *Client) Close() error { return c.c.Close() }

// Devices returns every WireGuard device.
func (c *Client) Devices() ([]*wgtypes.Device, error) {
	devs, err := c.c.Devices()
	if err != nil {
		return nil, err
	}
	out := make([]*wgtypes.Device, 0, len(devs))
	for _, d := range devs {
		out = append(out, wgtypes.FromNative(d))
	}
	return out, nil
}

// Device reads the device name.
func (c *Client) Device(name string) (*wgtypes.Device, error) {
	d, err := c.c.Device(name)
	if err != nil {
		return nil, err
	}
	return wgtypes.FromNative(d), nil
}

// ConfigureDevice applies cfg to the device name. Invalid input changes
// nothing and gives an error matching syscall.EINVAL.
func (c *Client) ConfigureDevice(name string, cfg wgtypes.Config) error {
	native, err := cfg.Native()
	if err != nil {
		return err
	}
	return c.c.ConfigureDevice(name, native)
}
