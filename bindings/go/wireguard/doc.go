// SPDX-License-Identifier: LGPL-2.1-or-later

// Package wireguard drives WireGuard through libwireguard: keys, the
// configuration of kernel and userspace devices (Client, Netlink), wg(8)'s
// configuration files, and the in-process engine (Engine, with Batch).
//
// Read types (Device, Peer) are separate from write types (Config,
// PeerConfig), as in wgctrl: in a Config only non-nil fields are applied.
//
//	c, _ := wireguard.New()
//	defer c.Close()
//	key, _ := wireguard.GeneratePrivateKey()
//	port := 51820
//	err := c.ConfigureDevice("wg0", wireguard.Config{PrivateKey: &key, ListenPort: &port})
//	if errors.Is(err, os.ErrNotExist) { ... }
//
// Errors are *Error values carrying the library's message; they unwrap to a
// syscall.Errno. The package is safe for concurrent use unless a type says
// otherwise; C memory is released by the call that allocated it, or by Free
// and Close.
package wireguard
