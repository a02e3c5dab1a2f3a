/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* lib/base/posix/os_net.h for Winsock (os_windows.c starts it). */
#ifndef WG_OS_NET_H
#define WG_OS_NET_H

#include <winsock2.h>
#include <ws2tcpip.h>

#endif
