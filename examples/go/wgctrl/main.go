// SPDX-License-Identifier: CC0-1.0

// A wgctrl-go program ported by changing its imports only: it uses the API
// surface of wgctrl-go's own cmd/wgctrl (New, Close, Devices, Device, the
// wgtypes Device and Peer with []net.IPNet) and prints what `wg show` would.
//
//	go run ./wgctrl [DEVICE]
package main

import (
	"flag"
	"fmt"
	"log"
	"net"
	"strings"

	// Was: golang.zx2c4.com/wireguard/wgctrl and .../wgctrl/wgtypes.
	"libwireguard.invalid/go/wgctrl"
	"libwireguard.invalid/go/wgctrl/wgtypes"
)

func main() {
	flag.Parse()

	client, err := wgctrl.New()
	if err != nil {
		log.Fatalf("cannot open wgctrl: %v", err)
	}
	defer client.Close()

	var devs []*wgtypes.Device
	if name := flag.Arg(0); name != "" {
		d, err := client.Device(name)
		if err != nil {
			log.Fatalf("cannot read device %q: %v", name, err)
		}
		devs = []*wgtypes.Device{d}
	} else if devs, err = client.Devices(); err != nil {
		log.Fatalf("cannot list devices: %v", err)
	}

	for _, d := range devs {
		showDevice(d)
		for _, p := range d.Peers {
			showPeer(p)
		}
	}
}

func showDevice(d *wgtypes.Device) {
	fmt.Printf("interface: %s (%s)\n  public key: %s\n  private key: (hidden)\n  listening port: %d\n\n",
		d.Name, d.Type.String(), d.PublicKey.String(), d.ListenPort)
}

func showPeer(p wgtypes.Peer) {
	fmt.Printf("peer: %s\n  endpoint: %s\n  allowed ips: %s\n  latest handshake: %s\n  transfer: %d B received, %d B sent\n\n",
		p.PublicKey.String(), p.Endpoint.String(), joinIPNets(p.AllowedIPs),
		p.LastHandshakeTime.String(), p.ReceiveBytes, p.TransmitBytes)
}

func joinIPNets(nets []net.IPNet) string {
	out := make([]string, 0, len(nets))
	for _, n := range nets {
		out = append(out, n.String())
	}
	return strings.Join(out, ", ")
}
