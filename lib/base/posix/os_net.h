/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Address conversion and name resolution (inet_pton, inet_ntop,
 * getaddrinfo): where POSIX declares them.  lib/base/windows/os_net.h is the
 * same for Winsock; meson puts one of the two folders on the include path.
 */
#ifndef WG_OS_NET_H
#define WG_OS_NET_H

#include <arpa/inet.h>
#include <netdb.h>
#include <sys/socket.h>

#endif
