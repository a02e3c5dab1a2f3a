// SPDX-License-Identifier: CC0-1.0

// A starting point for Go programs using libwireguard: keys, the WireGuard
// devices on this machine, and two in-process engines that complete a
// handshake and carry a packet over a wire in memory (no root, no kernel
// module, no network).
//
//	go run .                  # the engines, then list devices
//	go run . -dev wg0         # also show one device, as `wg show` would
//	go run . -up wg0.conf     # as root: a userspace interface from a
//	                          # wg-quick file, until Ctrl-C or `ip link del`
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"log"
	"net"
	"net/netip"
	"os"
	"os/signal"
	"syscall"
	"time"

	"libwireguard.invalid/go/wireguard"
)

func main() {
	dev := flag.String("dev", "", "a WireGuard device to show")
	up := flag.String("up", "", "bring up a userspace interface from this wg-quick file")
	flag.Parse()
	log.SetFlags(0)

	if *up != "" {
		if err := tunnel(*up); err != nil {
			log.Fatal(err)
		}
		return
	}

	if err := engines(); err != nil {
		log.Fatalf("engines: %v", err)
	}

	c, err := wireguard.New()
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	devs, err := c.Devices()
	if err != nil {
		log.Fatalf("listing devices: %v", err)
	}
	fmt.Printf("\n%d WireGuard device(s) on this machine\n", len(devs))
	for _, d := range devs {
		show(d)
	}
	if *dev != "" {
		d, err := c.Device(*dev)
		if errors.Is(err, os.ErrNotExist) {
			log.Fatalf("%s: no such WireGuard device (%v)", *dev, err)
		} else if err != nil {
			log.Fatal(err)
		}
		show(d)
	}
}

func show(d *wireguard.Device) {
	fmt.Printf("interface: %s\n  public key: %s\n  listening port: %d\n", d.Name, d.PublicKey, d.ListenPort)
	for _, p := range d.Peers {
		endpoint, handshake := "(none)", "never"
		if p.Endpoint != nil {
			endpoint = p.Endpoint.String()
		}
		if !p.LastHandshakeTime.IsZero() {
			handshake = p.LastHandshakeTime.Format(time.RFC3339)
		}
		fmt.Printf("peer: %s\n  endpoint: %s\n  allowed ips: %v\n  latest handshake: %s\n  transfer: %d B received, %d B sent\n",
			p.PublicKey, endpoint, p.AllowedIPs, handshake, p.ReceiveBytes, p.TransmitBytes)
	}
}

// side is one engine and the datagrams on their way to it.
type side struct {
	name   string
	engine *wireguard.Engine
	inbox  [][]byte
	addr   netip.AddrPort // how the other side addresses it: a label here
}

func engines() error {
	alice := &side{name: "alice", addr: netip.MustParseAddrPort("192.0.2.1:51820")}
	bob := &side{name: "bob", addr: netip.MustParseAddrPort("192.0.2.2:51820")}
	aliceKey, _ := wireguard.GeneratePrivateKey()
	bobKey, _ := wireguard.GeneratePrivateKey()

	for _, s := range []struct {
		me, peer      *side
		key, peerKey  wireguard.Key
		peerAllowedIP string
	}{
		{alice, bob, aliceKey, bobKey.PublicKey(), "10.0.0.2/32"},
		{bob, alice, bobKey, aliceKey.PublicKey(), "10.0.0.1/32"},
	} {
		peer := s.peer
		e, err := wireguard.NewEngine(wireguard.EngineOptions{
			// Datagrams the engine sends by itself (handshakes, packets that
			// waited for one) go onto the wire towards the peer.
			Send: func(data []byte, to netip.AddrPort) {
				peer.inbox = append(peer.inbox, append([]byte(nil), data...))
			},
		})
		if err != nil {
			return err
		}
		defer e.Close()
		s.me.engine = e
		key := s.key
		err = e.Configure(wireguard.Config{
			PrivateKey: &key,
			Peers: []wireguard.PeerConfig{{
				PublicKey:  s.peerKey,
				Endpoint:   net.UDPAddrFromAddrPort(peer.addr),
				AllowedIPs: []netip.Prefix{netip.MustParsePrefix(s.peerAllowedIP)},
			}},
		})
		if err != nil {
			return err
		}
		fmt.Printf("%-5s public key %s\n", s.me.name, s.key.PublicKey())
	}

	batch, err := wireguard.NewBatch(16, 1420)
	if err != nil {
		return err
	}
	defer batch.Free()

	// Alice encrypts a packet for bob: it waits while a handshake starts.
	packet := udpPacket("10.0.0.1", "10.0.0.2", []byte("hello from alice"))
	batch.Add(packet, netip.AddrPort{})
	alice.engine.Encrypt(batch)
	fmt.Printf("alice -> bob: packet status %d (3 = waiting for a handshake)\n", batch.Packet(0).Status)

	// Carry datagrams until the wire is quiet.
	var received []byte
	for round := 0; round < 4; round++ {
		for _, s := range []struct{ to, from *side }{{bob, alice}, {alice, bob}} {
			for _, d := range s.to.inbox {
				batch.Reset()
				batch.Add(d, s.from.addr)
				s.to.engine.Decrypt(batch)
				if p := batch.Packet(0); p.Status == wireguard.PacketDeliver {
					received = append([]byte(nil), p.Data...)
					fmt.Printf("%s received a %d-byte IP packet\n", s.to.name, len(p.Data))
				}
			}
			s.to.inbox = nil
		}
	}
	if !bytes.Equal(received, packet) {
		return errors.New("the packet did not get through")
	}
	for _, s := range []*side{alice, bob} {
		select {
		case ev := <-s.engine.Events():
			fmt.Printf("%s: %v with %s\n", s.name, ev.Type, ev.PublicKey)
		default:
		}
	}
	d, err := alice.engine.Device()
	if err != nil {
		return err
	}
	fmt.Printf("alice's peer: %d bytes sent, %d received\n", d.Peers[0].TransmitBytes, d.Peers[0].ReceiveBytes)
	return nil
}

// udpPacket builds an IPv4 UDP packet (WireGuard checks only the addresses).
func udpPacket(src, dst string, payload []byte) []byte {
	p := make([]byte, 28+len(payload))
	p[0], p[8], p[9] = 0x45, 64, 17
	p[2], p[3] = byte(len(p)>>8), byte(len(p))
	s, d := netip.MustParseAddr(src).As4(), netip.MustParseAddr(dst).As4()
	copy(p[12:], s[:])
	copy(p[16:], d[:])
	p[24], p[25] = byte((8+len(payload))>>8), byte(8+len(payload))
	copy(p[28:], payload)
	return p
}

// tunnel does what `wg-quick up` does with a userspace implementation: the
// interface, its configuration, addresses, MTU and a route per allowed IP.
func tunnel(path string) error {
	name, cfg, quick, err := wireguard.ParseConfigFile(path, 0)
	if err != nil {
		return err
	}
	if name == "" {
		return fmt.Errorf("%s: name the file INTERFACE.conf", path)
	}
	mtu := 0
	if quick.MTU != "" {
		fmt.Sscan(quick.MTU, &mtu)
	}
	tun, err := wireguard.NewTunnel(wireguard.TunnelOptions{Name: name, UAPI: true, MTU: mtu})
	if err != nil {
		return err
	}
	defer tun.Close()
	if err := tun.Configure(*cfg); err != nil {
		return err
	}
	nl, err := wireguard.OpenNetlink(nil)
	if err != nil {
		return err
	}
	defer nl.Close()
	for _, a := range quick.Address {
		p, err := netip.ParsePrefix(a)
		if err != nil { // an address without a length is a host
			addr, err := netip.ParseAddr(a)
			if err != nil {
				return err
			}
			p = netip.PrefixFrom(addr, addr.BitLen())
		}
		if err := nl.AddAddress(name, p); err != nil {
			return err
		}
	}
	if err := nl.SetLinkUp(name, true); err != nil {
		return err
	}
	for _, peer := range cfg.Peers {
		for _, p := range peer.AllowedIPs {
			if err := nl.AddRoute(name, p.Masked(), 0); err != nil && !errors.Is(err, os.ErrExist) {
				return err
			}
		}
	}
	d, err := tun.Device()
	if err != nil {
		return err
	}
	show(d)
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGINT, syscall.SIGTERM)
	for {
		select {
		case ev := <-tun.Events():
			fmt.Printf("%v: %v at %v\n", ev.PublicKey, ev.Type, ev.Endpoint)
		case <-tun.Done():
			fmt.Println(name, "was deleted")
			return nil
		case <-stop:
			return nil
		}
	}
}
