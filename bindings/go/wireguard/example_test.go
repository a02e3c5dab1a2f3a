// SPDX-License-Identifier: LGPL-2.1-or-later

package wireguard_test

import (
	"errors"
	"fmt"
	"os"
	"syscall"

	"libwireguard.invalid/go/wireguard"
)

func ExampleParseKey() {
	priv, err := wireguard.ParseKey("yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk=")
	if err != nil {
		panic(err)
	}
	fmt.Println(priv.PublicKey())
	_, err = wireguard.ParseKey("not a key")
	fmt.Println(errors.Is(err, syscall.EINVAL))
	// Output:
	// HIgo9xNzJMWLKASShiTqIybxZ0U3wGLiUeJ1PKf8ykw=
	// true
}

func ExampleClient_Device() {
	c, err := wireguard.New()
	if err != nil {
		panic(err)
	}
	defer c.Close()
	_, err = c.Device("wgnosuchdevice")
	fmt.Println(errors.Is(err, os.ErrNotExist))
	// Output: true
}

func ExampleParseConfig() {
	cfg, quick, err := wireguard.ParseConfig([]byte(`
[Interface]
PrivateKey = yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk=
ListenPort = 51820
Address = 10.0.0.1/24

[Peer]
PublicKey = xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg=
AllowedIPs = 10.0.0.2/32
Endpoint = 192.0.2.1:51820
`), "wg0.conf", 0)
	if err != nil {
		panic(err)
	}
	fmt.Println(*cfg.ListenPort, cfg.Peers[0].AllowedIPs, cfg.Peers[0].Endpoint, quick.Address)
	// Output: 51820 [10.0.0.2/32] 192.0.2.1:51820 [10.0.0.1/24]
}
