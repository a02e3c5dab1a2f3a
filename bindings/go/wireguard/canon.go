// SPDX-License-Identifier: LGPL-2.1-or-later

package wireguard

// Configurations computed in memory with the Linux driver's semantics: what
// a device becomes after a Config, canonical form, and the smallest Config
// between two states (as `wg syncconf` sends).

import (
	"libwireguard.invalid/go/capi"
)

// newCState builds a C state (as wg_get_device returns) from d.
func newCState(op string, d *Device) (capi.Wg_device, error) {
	cfg := d.Config()
	dev, err := newCDevice(op, d.Name, &cfg)
	if err != nil {
		return nil, err
	}
	// Statistics are part of a state; Config has none.
	i := 0
	for p := dev.GetFirst_peer(); !isNil(p) && i < len(d.Peers); p = p.GetNext_peer() {
		gp := &d.Peers[i]
		i++
		p.SetRx_bytes(uint64(gp.ReceiveBytes))
		p.SetTx_bytes(uint64(gp.TransmitBytes))
		if !gp.LastHandshakeTime.IsZero() {
			ts := p.GetLast_handshake_time()
			ts.SetTv_sec(gp.LastHandshakeTime.Unix())
			ts.SetTv_nsec(int64(gp.LastHandshakeTime.Nanosecond()))
		}
		p.SetProtocol_version(uint(gp.ProtocolVersion))
	}
	return dev, nil
}

// Apply returns what the device d becomes after cfg, computed in memory as
// the Linux driver would apply it: private keys clamped, host bits of
// allowed IPs cleared, a prefix added to one peer taken from another, and
// so on. A new, empty Device with Apply turns a parsed Config into a state.
func (d *Device) Apply(cfg Config) (*Device, error) {
	const op = "wireguard: apply config"
	state, err := newCState(op, d)
	if err != nil {
		return nil, err
	}
	defer capi.Wg_free_device(state)
	set, err := newCDevice(op, d.Name, &cfg)
	if err != nil {
		return nil, err
	}
	defer capi.Wg_free_device(set)
	if err := call(op, func() int { return capi.Wg_device_apply(state, set) }); err != nil {
		return nil, err
	}
	out := goDevice(state)
	out.Type = d.Type
	return out, nil
}

// Canonical returns d in canonical form: the state a new device would have
// after being set to d, with peers sorted by public key and each peer's
// allowed IPs by family, address and length. Two canonical devices compare
// with reflect.DeepEqual once statistics are left aside; see also Same.
func (d *Device) Canonical() (*Device, error) {
	const op = "wireguard: canonical form"
	state, err := newCState(op, d)
	if err != nil {
		return nil, err
	}
	defer capi.Wg_free_device(state)
	if err := call(op, func() int { return capi.Wg_device_canonicalize(state) }); err != nil {
		return nil, err
	}
	out := goDevice(state)
	out.Type = d.Type
	return out, nil
}

// Same reports whether d and o configure the same thing: keys, port, mark,
// and each peer's keys, endpoint, keepalive and allowed IPs, whatever their
// order. Names, statistics and handshakes are ignored.
func (d *Device) Same(o *Device) (bool, error) {
	const op = "wireguard: compare devices"
	a, err := newCState(op, d)
	if err != nil {
		return false, err
	}
	defer capi.Wg_free_device(a)
	b, err := newCState(op, o)
	if err != nil {
		return false, err
	}
	defer capi.Wg_free_device(b)
	if err := call(op, func() int {
		if r := capi.Wg_device_canonicalize(a); r < 0 {
			return r
		}
		return capi.Wg_device_canonicalize(b)
	}); err != nil {
		return false, err
	}
	return capi.Wg_device_equal(a, b), nil
}

// DiffFlags change what Diff produces.
type DiffFlags uint32

// DiffRemoveAllowedIPs removes single allowed IPs (RemoveAllowedIPs)
// instead of resending the whole list of a peer that lost some (Linux 6.16
// and later, our engine; emulated elsewhere by the library).
const DiffRemoveAllowedIPs DiffFlags = 1 << 0

// Diff returns the smallest Config that turns the device state from into
// to, as `wg syncconf` computes it: device fields that differ, removed
// peers, new peers in full, and for changed peers UpdateOnly with only what
// changed. An endpoint is never cleared. Nothing to do gives a zero Config.
func Diff(from, to *Device, flags DiffFlags) (Config, error) {
	const op = "wireguard: diff"
	a, err := newCState(op, from)
	if err != nil {
		return Config{}, err
	}
	defer capi.Wg_free_device(a)
	b, err := newCState(op, to)
	if err != nil {
		return Config{}, err
	}
	defer capi.Wg_free_device(b)
	out := []uintptr{0}
	if err := call(op, func() int { return capi.Wg_device_diff(out, a, b, uint(flags)) }); err != nil {
		return Config{}, err
	}
	diff := capi.SwigcptrWg_device(out[0])
	defer capi.Wg_free_device(diff)
	return *goConfig(diff), nil
}
