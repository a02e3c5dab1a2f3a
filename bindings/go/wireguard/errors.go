// SPDX-License-Identifier: LGPL-2.1-or-later

package wireguard

import (
	"os"
	"runtime"
	"syscall"

	"libwireguard.invalid/go/capi"
)

// Error is a failure reported by libwireguard: the operation, the errno the
// C function returned and the library's message for it.
//
// It unwraps to its syscall.Errno, so errors.Is(err, syscall.EINVAL) and
// errors.Is(err, os.ErrPermission) work; ENODEV also matches os.ErrNotExist
// (a missing device, as in wgctrl).
type Error struct {
	Op      string        // the Go method that failed, e.g. "wireguard: get device"
	Errno   syscall.Errno // the errno the C call returned
	Message string        // the library's message, or "" if it gave none

	notExist bool  // also matches os.ErrNotExist (see Client.Device)
	cause    error // also matched by errors.Is (net.ErrClosed for a closed Engine or Tunnel)
}

func (e *Error) Error() string {
	if e.Message != "" {
		return e.Op + ": " + e.Message
	}
	return e.Op + ": " + e.Errno.Error()
}

// Unwrap returns the errno.
func (e *Error) Unwrap() error { return e.Errno }

// Is reports ENODEV as os.ErrNotExist, which syscall.Errno does not, a
// closed Engine or Tunnel as net.ErrClosed, and ETIMEDOUT (a userspace
// daemon that did not answer, see Client.SetUAPITimeout) as
// os.ErrDeadlineExceeded.
func (e *Error) Is(target error) bool {
	if e.cause != nil && target == e.cause {
		return true
	}
	if target == os.ErrDeadlineExceeded {
		return e.Errno == syscall.ETIMEDOUT
	}
	return target == os.ErrNotExist && (e.Errno == syscall.ENODEV || e.notExist)
}

// Timeout reports whether the call gave up waiting (ETIMEDOUT), as
// net.Error's Timeout does.
func (e *Error) Timeout() bool { return e.Errno == syscall.ETIMEDOUT }

// call runs one C function that returns 0 or a negative errno, and reads the
// message on the same OS thread: the library keeps it per thread.
func call(op string, f func() int) error {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if ret := f(); ret < 0 {
		return &Error{Op: op, Errno: syscall.Errno(-ret), Message: capi.Wggo_error_message()}
	}
	return nil
}

// invalid reports bad input caught on the Go side, before any C call.
func invalid(op, msg string) error {
	return &Error{Op: op, Errno: syscall.EINVAL, Message: msg}
}
