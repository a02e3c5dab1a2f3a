// SPDX-License-Identifier: LGPL-2.1-or-later

package wireguard

/*
#include <stdint.h>
uintptr_t wggo_socket_hook_addr(void);
*/
import "C"

import (
	"errors"
	"runtime/cgo"
	"syscall"
)

// socketHook is what the C trampoline (socket_hook.c) reaches through ctx.
type socketHook func(network string, c syscall.RawConn) error

// socketConn is a syscall.RawConn over a socket the tunnel owns; only
// Control is allowed (the socket is not bound yet, and not the caller's).
type socketConn struct{ fd uintptr }

func (c socketConn) Control(f func(fd uintptr)) error { f(c.fd); return nil }
func (socketConn) Read(func(fd uintptr) bool) error   { return syscall.EOPNOTSUPP }
func (socketConn) Write(func(fd uintptr) bool) error  { return syscall.EOPNOTSUPP }

//export wggoSocketHook
func wggoSocketHook(fd, family C.int, ctx C.uintptr_t) C.int {
	network := "udp4"
	if family == syscall.AF_INET6 {
		network = "udp6"
	}
	err := cgo.Handle(ctx).Value().(socketHook)(network, socketConn{uintptr(fd)})
	if err == nil {
		return 0
	}
	var errno syscall.Errno
	if errors.As(err, &errno) && errno != 0 {
		return -C.int(errno)
	}
	return -C.int(syscall.EPERM)
}

// socketHookAddr is the C function to give the tunnel as its socket hook.
func socketHookAddr() uint { return uint(C.wggo_socket_hook_addr()) }
