// SPDX-License-Identifier: LGPL-2.1-or-later

package wireguard

import (
	"errors"
	"fmt"
	"net/netip"
	"os"
	"strings"
	"sync"
	"syscall"

	"libwireguard.invalid/go/capi"
)

// Netlink drives the kernel's WireGuard devices of one network namespace,
// and does what wg-quick does around them (links, addresses, routes). It
// keeps its netlink sockets across calls, for programs that make many small
// updates. It never uses a UAPI socket: see Client for that. Safe for
// concurrent use; Close releases the sockets.
type Netlink struct {
	mu sync.Mutex // the C handle is used by one thread at a time
	nl capi.Struct_SS_wg_netlink
}

// OpenNetlink opens a handle on the namespace netns (an open
// /run/netns/NAME or /proc/PID/ns/net; the handle keeps its own copy), or on
// the caller's namespace if netns is nil.
func OpenNetlink(netns *os.File) (*Netlink, error) {
	fd := -1
	if netns != nil {
		fd = int(netns.Fd())
	}
	out := []uintptr{0}
	err := call("wireguard: open netlink", func() int { return capi.Wg_netlink_open(out, fd) })
	if err != nil {
		return nil, err
	}
	return &Netlink{nl: capi.SwigcptrStruct_SS_wg_netlink(out[0])}, nil
}

// Close releases the handle; later calls fail.
func (n *Netlink) Close() error {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.nl != nil {
		capi.Wg_netlink_close(n.nl)
		n.nl = nil
	}
	return nil
}

// do runs f with the handle held, failing once closed.
func (n *Netlink) do(op string, f func() int) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.nl == nil {
		return &Error{Op: op, Errno: syscall.EBADF, Message: "netlink handle closed"}
	}
	return call(op, f)
}

// Device reads a kernel device by name. A missing link, or one that is not
// WireGuard, gives an error matching os.ErrNotExist.
func (n *Netlink) Device(name string) (*Device, error) {
	out := []uintptr{0}
	err := n.do("wireguard: get device "+name, func() int { return capi.Wg_netlink_get_device(n.nl, out, name) })
	return netlinkDevice(out, err)
}

// DeviceByIndex reads a kernel device by interface index.
func (n *Netlink) DeviceByIndex(ifindex int) (*Device, error) {
	out := []uintptr{0}
	err := n.do(fmt.Sprint("wireguard: get device #", ifindex), func() int {
		return capi.Wg_netlink_get_device_by_index(n.nl, out, uint(ifindex))
	})
	return netlinkDevice(out, err)
}

func netlinkDevice(out []uintptr, err error) (*Device, error) {
	if err != nil {
		var e *Error
		if errors.As(err, &e) && e.Errno == syscall.EOPNOTSUPP {
			e.notExist = true
		}
		return nil, err
	}
	dev := capi.SwigcptrWg_device(out[0])
	defer capi.Wg_free_device(dev)
	d := goDevice(dev)
	d.Type = LinuxKernel
	return d, nil
}

// ConfigureDevice applies cfg to the kernel device name, as
// Client.ConfigureDevice does.
func (n *Netlink) ConfigureDevice(name string, cfg Config) error {
	op := "wireguard: configure device " + name
	dev, err := newCDevice(op, name, &cfg)
	if err != nil {
		return err
	}
	defer capi.Wg_free_device(dev)
	return n.do(op, func() int { return capi.Wg_netlink_set_device(n.nl, dev) })
}

// CreateDevice creates a kernel WireGuard link.
func (n *Netlink) CreateDevice(name string) error {
	return n.do("wireguard: create device "+name, func() int { return capi.Wg_netlink_add_device(n.nl, name) })
}

// DeleteDevice deletes a kernel WireGuard link (never another kind).
func (n *Netlink) DeleteDevice(name string) error {
	return n.do("wireguard: delete device "+name, func() int { return capi.Wg_netlink_del_device(n.nl, name) })
}

// DeviceNames lists the namespace's kernel WireGuard links.
func (n *Netlink) DeviceNames() ([]string, error) {
	var names string
	errp := []int64{0}
	err := n.do("wireguard: list devices", func() int {
		names = capi.Wggo_netlink_list_device_names(n.nl, errp)
		return int(errp[0])
	})
	if err != nil || names == "" {
		return nil, err
	}
	return strings.Split(strings.TrimSuffix(names, "\n"), "\n"), nil
}

// SetLinkUp brings any link up or down (ip link set NAME up|down).
func (n *Netlink) SetLinkUp(name string, up bool) error {
	return n.do("wireguard: set link "+name, func() int { return capi.Wg_link_set_up(n.nl, name, up) })
}

// SetLinkMTU sets a link's MTU.
func (n *Netlink) SetLinkMTU(name string, mtu int) error {
	if mtu <= 0 || int64(mtu) > 1<<32-1 {
		return invalid("wireguard: set mtu "+name, fmt.Sprint("MTU ", mtu, " out of range"))
	}
	return n.do("wireguard: set mtu "+name, func() int { return capi.Wg_link_set_mtu(n.nl, name, uint(mtu)) })
}

// rawPrefix gives the family and address bytes of a prefix for the C calls.
func rawPrefix(op string, p netip.Prefix) (family int, addr []byte, bits byte, err error) {
	if !p.IsValid() {
		return 0, nil, 0, invalid(op, fmt.Sprintf("invalid prefix %v", p))
	}
	a := p.Addr()
	if a.Is4() {
		return syscall.AF_INET, a.AsSlice(), byte(p.Bits()), nil
	}
	return syscall.AF_INET6, a.AsSlice(), byte(p.Bits()), nil
}

// AddAddress adds an address to a link (ip address add 10.0.0.1/24 dev NAME).
func (n *Netlink) AddAddress(name string, p netip.Prefix) error {
	op := "wireguard: add address " + p.String() + " to " + name
	fam, addr, bits, err := rawPrefix(op, p)
	if err != nil {
		return err
	}
	return n.do(op, func() int { return capi.Wg_addr_add(n.nl, name, fam, addr, bits) })
}

// DeleteAddress removes an address from a link.
func (n *Netlink) DeleteAddress(name string, p netip.Prefix) error {
	op := "wireguard: delete address " + p.String() + " from " + name
	fam, addr, bits, err := rawPrefix(op, p)
	if err != nil {
		return err
	}
	return n.do(op, func() int { return capi.Wg_addr_del(n.nl, name, fam, addr, bits) })
}

// AddRoute routes a prefix through a link, in table (0: main), as wg-quick
// does for each allowed IP. The prefix must have no host bits.
func (n *Netlink) AddRoute(name string, p netip.Prefix, table int) error {
	op := "wireguard: add route " + p.String() + " via " + name
	fam, addr, bits, err := rawPrefix(op, p)
	if err != nil {
		return err
	}
	return n.do(op, func() int { return capi.Wg_route_add(n.nl, name, fam, addr, bits, uint(table)) })
}

// DeleteRoute removes a route added by AddRoute.
func (n *Netlink) DeleteRoute(name string, p netip.Prefix, table int) error {
	op := "wireguard: delete route " + p.String() + " via " + name
	fam, addr, bits, err := rawPrefix(op, p)
	if err != nil {
		return err
	}
	return n.do(op, func() int { return capi.Wg_route_del(n.nl, name, fam, addr, bits, uint(table)) })
}
