// SPDX-License-Identifier: LGPL-2.1-or-later

package wireguard

// Conversions between the Go types and the C configuration model.

import (
	"fmt"
	"math"
	"net"
	"net/netip"
	"strconv"
	"syscall"
	"time"

	"libwireguard.invalid/go/capi"
)

// endpointLen is what capi.Wggo_endpoint_get writes: address, port, scope.
const endpointLen = 22

func isNil(p interface{ Swigcptr() uintptr }) bool { return p.Swigcptr() == 0 }

// newCDevice builds a C configuration from cfg; the caller frees it with
// capi.Wg_free_device, which wipes the keys. Nothing is allocated on error.
func newCDevice(op, name string, cfg *Config) (dev capi.Wg_device, err error) {
	if err = validate(op, name, cfg); err != nil {
		return nil, err
	}
	err = call(op, func() int {
		dev = capi.Wg_device_new(name)
		if isNil(dev) {
			return -int(syscall.ENOMEM)
		}
		return 0
	})
	if err != nil {
		return nil, err
	}
	var flags uint32
	if cfg.PrivateKey != nil {
		setKey(dev.SetPrivate_key, *cfg.PrivateKey)
		flags |= uint32(capi.WGDEVICE_HAS_PRIVATE_KEY)
	}
	if cfg.ListenPort != nil {
		dev.SetListen_port(uint16(*cfg.ListenPort))
		flags |= uint32(capi.WGDEVICE_HAS_LISTEN_PORT)
	}
	if cfg.FirewallMark != nil {
		dev.SetFwmark(uint(*cfg.FirewallMark))
		flags |= uint32(capi.WGDEVICE_HAS_FWMARK)
	}
	if cfg.ReplacePeers {
		flags |= uint32(capi.WGDEVICE_REPLACE_PEERS)
	}
	dev.SetFlags(uint(flags))
	for i := range cfg.Peers {
		if err = addCPeer(op, dev, &cfg.Peers[i]); err != nil {
			capi.Wg_free_device(dev)
			return nil, err
		}
	}
	return dev, nil
}

// setKey passes a copy of k: cgo refuses a slice into a struct that also
// holds pointers (as Config does). The copy is wiped afterwards.
func setKey(set func([]byte), k Key) {
	buf := new(Key)
	*buf = k
	set(buf[:])
	*buf = Key{}
}

// validate catches what the C types cannot hold, so nothing is truncated.
func validate(op, name string, cfg *Config) error {
	if len(name) >= syscall.IFNAMSIZ {
		return invalid(op, fmt.Sprintf("interface name %q is longer than %d bytes", name, syscall.IFNAMSIZ-1))
	}
	if cfg.ListenPort != nil && (*cfg.ListenPort < 0 || *cfg.ListenPort > math.MaxUint16) {
		return invalid(op, fmt.Sprintf("listen port %d out of range", *cfg.ListenPort))
	}
	if cfg.FirewallMark != nil && (*cfg.FirewallMark < 0 || int64(*cfg.FirewallMark) > math.MaxUint32) {
		return invalid(op, fmt.Sprintf("firewall mark %d out of range", *cfg.FirewallMark))
	}
	for i := range cfg.Peers {
		p := &cfg.Peers[i]
		if k := p.PersistentKeepaliveInterval; k != nil && (*k < 0 || *k > math.MaxUint16*time.Second) {
			return invalid(op, fmt.Sprintf("peer %s: persistent keepalive %v out of range", p.PublicKey, *k))
		}
		if e := p.Endpoint; e != nil {
			if e.IP.To4() == nil && e.IP.To16() == nil {
				return invalid(op, fmt.Sprintf("peer %s: endpoint %v has no IP address", p.PublicKey, e))
			}
			if e.Port < 0 || e.Port > math.MaxUint16 {
				return invalid(op, fmt.Sprintf("peer %s: endpoint port %d out of range", p.PublicKey, e.Port))
			}
		}
		for _, lists := range [][]netip.Prefix{p.AllowedIPs, p.RemoveAllowedIPs} {
			for _, pfx := range lists {
				if !pfx.IsValid() {
					return invalid(op, fmt.Sprintf("peer %s: invalid allowed IP %v", p.PublicKey, pfx))
				}
			}
		}
	}
	return nil
}

func addCPeer(op string, dev capi.Wg_device, pc *PeerConfig) error {
	var p capi.Wg_peer
	if err := call(op, func() int {
		if p = capi.Wg_device_add_peer(dev); isNil(p) {
			return -int(syscall.ENOMEM)
		}
		return 0
	}); err != nil {
		return err
	}
	flags := uint32(capi.WGPEER_HAS_PUBLIC_KEY)
	setKey(p.SetPublic_key, pc.PublicKey)
	if pc.Remove {
		p.SetFlags(uint(flags | uint32(capi.WGPEER_REMOVE_ME)))
		return nil
	}
	if pc.UpdateOnly {
		flags |= uint32(capi.WGPEER_UPDATE_ONLY)
	}
	if pc.PresharedKey != nil {
		setKey(p.SetPreshared_key, *pc.PresharedKey)
		flags |= uint32(capi.WGPEER_HAS_PRESHARED_KEY)
	}
	if pc.PersistentKeepaliveInterval != nil {
		p.SetPersistent_keepalive_interval(uint16(*pc.PersistentKeepaliveInterval / time.Second))
		flags |= uint32(capi.WGPEER_HAS_PERSISTENT_KEEPALIVE_INTERVAL)
	}
	if e := pc.Endpoint; e != nil {
		addr := e.IP.To4()
		if addr == nil {
			addr = e.IP.To16()
		}
		if ret := capi.Wggo_endpoint_set(p.GetEndpoint(), addr, uint16(e.Port), uint(zoneIndex(e.Zone))); ret < 0 {
			return invalid(op, fmt.Sprintf("peer %s: bad endpoint %v", pc.PublicKey, e))
		}
	}
	if pc.ReplaceAllowedIPs {
		flags |= uint32(capi.WGPEER_REPLACE_ALLOWEDIPS)
	}
	p.SetFlags(uint(flags))
	for _, lists := range []struct {
		prefixes []netip.Prefix
		flags    uint32
	}{{pc.AllowedIPs, 0}, {pc.RemoveAllowedIPs, uint32(capi.WGALLOWEDIP_REMOVE_ME)}} {
		for _, pfx := range lists.prefixes {
			var a capi.Wg_allowedip
			if err := call(op, func() int {
				if a = capi.Wg_peer_add_allowedip(p); isNil(a) {
					return -int(syscall.ENOMEM)
				}
				return 0
			}); err != nil {
				return err
			}
			addr := pfx.Addr().Unmap()
			bits := pfx.Bits()
			if pfx.Addr().Is4In6() && !addr.Is4In6() {
				bits -= 96
				if bits < 0 {
					return invalid(op, fmt.Sprintf("peer %s: allowed IP %v is not an IPv4 prefix", pc.PublicKey, pfx))
				}
			}
			capi.Wggo_allowedip_set(a, addr.AsSlice())
			a.SetCidr(byte(bits))
			a.SetFlags(uint(lists.flags))
		}
	}
	return nil
}

// zoneIndex turns a UDPAddr zone (an interface name or index) into a scope id.
func zoneIndex(zone string) uint32 {
	if zone == "" {
		return 0
	}
	if n, err := strconv.ParseUint(zone, 10, 32); err == nil {
		return uint32(n)
	}
	if ifi, err := net.InterfaceByName(zone); err == nil {
		return uint32(ifi.Index)
	}
	return 0
}

// endpointAddrPort reads a C endpoint; ok is false when there is none.
func endpointAddrPort(ep capi.Wg_endpoint) (ap netip.AddrPort, scope uint32, ok bool) {
	var b [endpointLen]byte
	var addr netip.Addr
	switch capi.Wggo_endpoint_get(ep, b[:]) {
	case syscall.AF_INET:
		addr = netip.AddrFrom4(*(*[4]byte)(b[:4]))
	case syscall.AF_INET6:
		addr = netip.AddrFrom16(*(*[16]byte)(b[:16]))
	default:
		return ap, 0, false
	}
	port := uint16(b[16]) | uint16(b[17])<<8
	scope = uint32(b[18]) | uint32(b[19])<<8 | uint32(b[20])<<16 | uint32(b[21])<<24
	return netip.AddrPortFrom(addr, port), scope, true
}

func udpAddr(ep capi.Wg_endpoint) *net.UDPAddr {
	ap, scope, ok := endpointAddrPort(ep)
	if !ok {
		return nil
	}
	u := net.UDPAddrFromAddrPort(ap)
	if scope != 0 {
		u.Zone = strconv.FormatUint(uint64(scope), 10)
		if ifi, err := net.InterfaceByIndex(int(scope)); err == nil {
			u.Zone = ifi.Name
		}
	}
	return u
}

// goDevice copies a C device into Go memory.
func goDevice(dev capi.Wg_device) *Device {
	d := &Device{
		Name:         dev.GetName(),
		ListenPort:   int(dev.GetListen_port()),
		FirewallMark: int(dev.GetFwmark()),
	}
	copy(d.PrivateKey[:], dev.GetPrivate_key())
	copy(d.PublicKey[:], dev.GetPublic_key())
	for p := dev.GetFirst_peer(); !isNil(p); p = p.GetNext_peer() {
		gp := Peer{
			Endpoint:                    udpAddr(p.GetEndpoint()),
			PersistentKeepaliveInterval: time.Duration(p.GetPersistent_keepalive_interval()) * time.Second,
			ReceiveBytes:                int64(p.GetRx_bytes()),
			TransmitBytes:               int64(p.GetTx_bytes()),
			ProtocolVersion:             int(p.GetProtocol_version()),
		}
		copy(gp.PublicKey[:], p.GetPublic_key())
		copy(gp.PresharedKey[:], p.GetPreshared_key())
		if ts := p.GetLast_handshake_time(); ts.GetTv_sec() != 0 || ts.GetTv_nsec() != 0 {
			gp.LastHandshakeTime = time.Unix(ts.GetTv_sec(), ts.GetTv_nsec())
		}
		for a := p.GetFirst_allowedip(); !isNil(a); a = a.GetNext_allowedip() {
			var b [16]byte
			var addr netip.Addr
			switch capi.Wggo_allowedip_get(a, b[:]) {
			case syscall.AF_INET:
				addr = netip.AddrFrom4(*(*[4]byte)(b[:4]))
			case syscall.AF_INET6:
				addr = netip.AddrFrom16(b)
			default:
				continue
			}
			gp.AllowedIPs = append(gp.AllowedIPs, netip.PrefixFrom(addr, int(a.GetCidr())))
		}
		d.Peers = append(d.Peers, gp)
	}
	return d
}

// udpAddrOf converts an AddrPort, nil when it is not valid.
func udpAddrOf(ap netip.AddrPort) *net.UDPAddr {
	if !ap.IsValid() {
		return nil
	}
	return net.UDPAddrFromAddrPort(ap)
}

// goConfig reads a set-style C device (as wg_config_parse makes) into a
// Config: its flags say which fields are set.
func goConfig(dev capi.Wg_device) *Config {
	has := func(flags uint, f interface{}) bool {
		switch f := f.(type) {
		case capi.Enum_SS_wg_device_flags:
			return flags&uint(f) != 0
		case capi.Enum_SS_wg_peer_flags:
			return flags&uint(f) != 0
		}
		return false
	}
	d := goDevice(dev)
	flags := dev.GetFlags()
	cfg := &Config{ReplacePeers: has(flags, capi.WGDEVICE_REPLACE_PEERS)}
	if has(flags, capi.WGDEVICE_HAS_PRIVATE_KEY) {
		cfg.PrivateKey = &d.PrivateKey
	}
	if has(flags, capi.WGDEVICE_HAS_LISTEN_PORT) {
		cfg.ListenPort = &d.ListenPort
	}
	if has(flags, capi.WGDEVICE_HAS_FWMARK) {
		cfg.FirewallMark = &d.FirewallMark
	}
	i := 0
	for p := dev.GetFirst_peer(); !isNil(p); p = p.GetNext_peer() {
		gp := &d.Peers[i]
		i++
		pf := p.GetFlags()
		pc := PeerConfig{
			PublicKey:         gp.PublicKey,
			Remove:            has(pf, capi.WGPEER_REMOVE_ME),
			UpdateOnly:        has(pf, capi.WGPEER_UPDATE_ONLY),
			Endpoint:          gp.Endpoint,
			ReplaceAllowedIPs: has(pf, capi.WGPEER_REPLACE_ALLOWEDIPS),
		}
		if has(pf, capi.WGPEER_HAS_PRESHARED_KEY) {
			pc.PresharedKey = &gp.PresharedKey
		}
		if has(pf, capi.WGPEER_HAS_PERSISTENT_KEEPALIVE_INTERVAL) {
			pc.PersistentKeepaliveInterval = &gp.PersistentKeepaliveInterval
		}
		// goDevice kept the prefixes in order; split them by their flag.
		j := 0
		for a := p.GetFirst_allowedip(); !isNil(a) && j < len(gp.AllowedIPs); a = a.GetNext_allowedip() {
			if a.GetFamily() != syscall.AF_INET && a.GetFamily() != syscall.AF_INET6 {
				continue
			}
			if a.GetFlags()&uint(capi.WGALLOWEDIP_REMOVE_ME) != 0 {
				pc.RemoveAllowedIPs = append(pc.RemoveAllowedIPs, gp.AllowedIPs[j])
			} else {
				pc.AllowedIPs = append(pc.AllowedIPs, gp.AllowedIPs[j])
			}
			j++
		}
		cfg.Peers = append(cfg.Peers, pc)
	}
	return cfg
}

// Config returns the Config that sets a device to exactly d: every field,
// ReplacePeers and ReplaceAllowedIPs (what `wg showconf` prints).
func (d *Device) Config() Config {
	cfg := Config{ReplacePeers: true, ListenPort: new(int), FirewallMark: new(int)}
	*cfg.ListenPort, *cfg.FirewallMark = d.ListenPort, d.FirewallMark
	if !d.PrivateKey.IsZero() {
		k := d.PrivateKey
		cfg.PrivateKey = &k
	}
	for _, p := range d.Peers {
		pc := PeerConfig{
			PublicKey:                   p.PublicKey,
			ReplaceAllowedIPs:           true,
			AllowedIPs:                  append([]netip.Prefix(nil), p.AllowedIPs...),
			PersistentKeepaliveInterval: new(time.Duration),
		}
		*pc.PersistentKeepaliveInterval = p.PersistentKeepaliveInterval
		if p.Endpoint != nil {
			e := *p.Endpoint
			pc.Endpoint = &e
		}
		if !p.PresharedKey.IsZero() {
			k := p.PresharedKey
			pc.PresharedKey = &k
		}
		cfg.Peers = append(cfg.Peers, pc)
	}
	return cfg
}
