// SPDX-License-Identifier: LGPL-2.1-or-later

package wireguard

import (
	"syscall"

	"libwireguard.invalid/go/capi"
)

// ConfigFlags change how ParseConfig reads a configuration.
type ConfigFlags uint32

// Flags for ParseConfig, as enum wg_config_flags.
const (
	// ConfigAppend gives `wg addconf` semantics: only what the text names
	// is set. Without it (`wg setconf`), peers are replaced and the
	// interface's key, port and mark are set even when absent.
	ConfigAppend ConfigFlags = 1 << 0
	// ConfigStrict rejects wg-quick(8)'s keys, as wg(8) does.
	ConfigStrict ConfigFlags = 1 << 1
	// ConfigNumeric never resolves host names in Endpoint.
	ConfigNumeric ConfigFlags = 1 << 2
)

// QuickConfig holds wg-quick(8)'s own [Interface] keys, as found in the text.
type QuickConfig struct {
	Address    []string // "10.0.0.1/24", one per address
	DNS        []string
	MTU        string // "" if absent
	Table      string
	PreUp      []string
	PostUp     []string
	PreDown    []string
	PostDown   []string
	SaveConfig string
}

// ParseConfig parses a configuration in wg(8)'s format (as `wg setconf`
// reads it; wg-quick's keys go to the QuickConfig). name labels error
// messages ("name:LINE: reason"); a malformed text gives an error matching
// syscall.EINVAL.
func ParseConfig(text []byte, name string, flags ConfigFlags) (*Config, *QuickConfig, error) {
	if name == "" {
		name = "(config)"
	}
	devOut, quickOut := []uintptr{0}, []uintptr{0}
	err := call("wireguard: parse config", func() int {
		return capi.Wg_config_parse(devOut, quickOut, text, name, uint(flags))
	})
	return parsed(devOut, quickOut, err)
}

// ParseConfigFile parses a configuration file as ParseConfig does. The
// device name, taken from a file name NAME.conf as wg-quick(8) does, is
// returned too ("" if the file name is not an interface name).
func ParseConfigFile(path string, flags ConfigFlags) (string, *Config, *QuickConfig, error) {
	devOut, quickOut := []uintptr{0}, []uintptr{0}
	err := call("wireguard: parse config file", func() int {
		return capi.Wg_config_parse_file(devOut, quickOut, path, uint(flags))
	})
	name := ""
	if err == nil {
		name = capi.SwigcptrWg_device(devOut[0]).GetName()
	}
	cfg, quick, err := parsed(devOut, quickOut, err)
	return name, cfg, quick, err
}

func parsed(devOut, quickOut []uintptr, err error) (*Config, *QuickConfig, error) {
	if err != nil {
		return nil, nil, err
	}
	dev := capi.SwigcptrWg_device(devOut[0])
	defer capi.Wg_free_device(dev)
	quick := capi.SwigcptrStruct_SS_wg_quick_config(quickOut[0])
	defer capi.Wg_quick_config_free(quick)

	get := func(key capi.Enum_SS_wg_quick_key) []string {
		var out []string
		n := capi.Wg_quick_config_count(quick, key)
		for i := int64(0); i < n; i++ {
			out = append(out, capi.Wg_quick_config_get(quick, key, i))
		}
		return out
	}
	one := func(key capi.Enum_SS_wg_quick_key) string {
		if v := get(key); len(v) > 0 {
			return v[0]
		}
		return ""
	}
	q := &QuickConfig{
		Address:    get(capi.WG_QUICK_ADDRESS),
		DNS:        get(capi.WG_QUICK_DNS),
		MTU:        one(capi.WG_QUICK_MTU),
		Table:      one(capi.WG_QUICK_TABLE),
		PreUp:      get(capi.WG_QUICK_PRE_UP),
		PostUp:     get(capi.WG_QUICK_POST_UP),
		PreDown:    get(capi.WG_QUICK_PRE_DOWN),
		PostDown:   get(capi.WG_QUICK_POST_DOWN),
		SaveConfig: one(capi.WG_QUICK_SAVE_CONFIG),
	}
	return goConfig(dev), q, nil
}

// FormatConfig prints cfg as `wg showconf` does (the fields cfg sets). The
// text holds the private key if cfg does: wipe it when done.
func FormatConfig(cfg Config) ([]byte, error) {
	const op = "wireguard: format config"
	dev, err := newCDevice(op, "", &cfg)
	if err != nil {
		return nil, err
	}
	defer capi.Wg_free_device(dev)
	buf := make([]byte, 4096)
	for {
		var n int64
		err := call(op, func() int {
			n = capi.Wggo_config_format(dev, capi.SwigcptrStruct_SS_wg_quick_config(0), buf)
			if n < 0 {
				return int(n)
			}
			return 0
		})
		if err != nil {
			return nil, err
		}
		if n <= int64(len(buf)) {
			return buf[:n], nil
		}
		for i := range buf {
			buf[i] = 0
		}
		if n > 1<<30 {
			return nil, &Error{Op: op, Errno: syscall.EFBIG}
		}
		buf = make([]byte, n)
	}
}
