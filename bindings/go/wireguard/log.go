// SPDX-License-Identifier: LGPL-2.1-or-later

package wireguard

import (
	"sync"
	"unsafe"

	"libwireguard.invalid/go/capi"
)

// LogLevel is the severity of a library message, most severe first.
type LogLevel int

// Log levels, as enum wg_log_level.
const (
	LogError LogLevel = 1
	LogInfo  LogLevel = 2
	LogDebug LogLevel = 3
)

var logger struct {
	mu   sync.Mutex
	sink capi.Wggo_sink
	done chan struct{}
}

// SetLogger sends the library's messages up to max (e.g. LogInfo) to f,
// which runs on a goroutine of its own, one message at a time, in order.
// SetLogger(nil, 0) stops logging (the default); when it returns, f is
// called no more. The library logs process-wide: the last call wins.
func SetLogger(f func(level LogLevel, msg string), max LogLevel) {
	logger.mu.Lock()
	defer logger.mu.Unlock()
	if logger.sink != nil {
		capi.Wggo_clear_log_sink()
		capi.Wggo_sink_close(logger.sink)
		<-logger.done
		capi.Wggo_sink_free(logger.sink)
		logger.sink = nil
	}
	if f == nil {
		return
	}
	sink := capi.Wggo_sink_new()
	if isNil(sink) {
		return
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			item := capi.Wggo_sink_pop(sink, -1)
			if isNil(item) {
				return // closed and drained
			}
			if item.GetKind() == int(capi.WGGO_LOG) {
				f(LogLevel(item.GetLevel()), string(unsafe.Slice(item.GetData(), item.GetLen())))
			}
			capi.Wggo_item_free(item)
		}
	}()
	logger.sink, logger.done = sink, done
	capi.Wggo_set_log_sink(sink, int(max))
}
