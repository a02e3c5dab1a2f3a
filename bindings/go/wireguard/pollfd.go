// SPDX-License-Identifier: LGPL-2.1-or-later

package wireguard

import (
	"os"
	"syscall"
	"time"

	"libwireguard.invalid/go/capi"
)

// pollFD waits on a file descriptor the library owns (a watch's, a sink's)
// through Go's runtime poller: no goroutine sleeps in C and none polls on a
// timer. It holds a non-blocking duplicate, so closing it leaves the
// library's descriptor alone.
type pollFD struct {
	fd int // the library's
	f  *os.File
	rc syscall.RawConn
}

func newPollFD(fd int, name string) (*pollFD, error) {
	d, err := syscall.Dup(fd)
	if err != nil {
		return nil, err
	}
	syscall.CloseOnExec(d)
	// The poller only takes non-blocking descriptors; the flag is shared
	// with the library's (a dup shares the open file), which never blocks
	// on it: it only polls it.
	if err := syscall.SetNonblock(d, true); err != nil {
		syscall.Close(d)
		return nil, err
	}
	f := os.NewFile(uintptr(d), name)
	rc, err := f.SyscallConn()
	if err != nil {
		f.Close()
		return nil, err
	}
	return &pollFD{fd: fd, f: f, rc: rc}, nil
}

// wait runs drain each time the descriptor is readable, until drain returns
// true or interrupt is called (then it returns the poller's error). drain
// must take everything that is pending: the poller reports edges.
func (p *pollFD) wait(drain func() bool) error {
	return p.rc.Read(func(uintptr) bool {
		// Still readable after draining (work left for a next round):
		// drain again rather than wait for an edge that will not come.
		for {
			if drain() {
				return true
			}
			if capi.Wggo_fd_ready(p.fd) == 0 {
				return false
			}
		}
	})
}

// interrupt makes a wait in progress (or the next one) return.
func (p *pollFD) interrupt() { p.f.SetReadDeadline(time.Unix(1, 0)) }

func (p *pollFD) close() { p.f.Close() }
