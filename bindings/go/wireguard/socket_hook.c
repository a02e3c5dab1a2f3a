// SPDX-License-Identifier: LGPL-2.1-or-later
// The C side of TunnelOptions.Control: a wg_tunnel_socket_fn that calls Go
// (a file of its own: cgo allows no C definitions next to //export).
#include <stdint.h>

#include "_cgo_export.h"

static int wggo_socket_hook(int fd, int family, void *ctx)
{
	return wggoSocketHook(fd, family, (uintptr_t)ctx);
}

uintptr_t wggo_socket_hook_addr(void)
{
	return (uintptr_t)wggo_socket_hook;
}
