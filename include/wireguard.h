/* SPDX-License-Identifier: LGPL-2.1-or-later */
/**
 * \file
 * \brief libwireguard — configure WireGuard devices and run the WireGuard protocol
 * in-process, through one stable C ABI.
 *
 * Global rules, stated once so that each function's documentation stays short:
 *
 *  - Pointers must not be NULL unless a parameter's documentation says so.
 *
 *  - Errors.  A function that can fail returns a negative errno value
 *    (-EINVAL, -ENODEV, ...) and also sets errno to its absolute value.  A
 *    human-readable message describing the last failure of the calling thread
 *    is returned by wg_last_error().  Failing functions change nothing that
 *    the caller can observe unless their documentation says otherwise.
 *
 *  - The library never prints.  Diagnostics go to the callback installed
 *    with wg_set_log_callback() (none by default).
 *
 *  - Threads.  Functions that take no handle are safe to call from any thread
 *    concurrently.  A handle (wg_device, wg_engine, ...) may be used by one
 *    thread at a time unless its section says otherwise.
 *
 *  - Ownership.  Whatever a function returns through a pointer-to-pointer is
 *    owned by the caller and is released with the matching free function.
 *    Strings passed in are copied when they must outlive the call.
 *
 *  - ABI.  The soname is libwireguard.so.1; every exported symbol starts with
 *    "wg_" and belongs to a symbol version node that only grows.  Opaque
 *    handles are only ever used through pointers.  The configuration structs
 *    below (wg_device, wg_peer, wg_allowedip) are public so that they read
 *    naturally (and as embeddable-wg-library's callers use them); fields are
 *    only ever appended at their end, and a field appended after 1.0 is read
 *    only when a flag bit of 1.0's flags field says it is set (as
 *    WGPEER_HAS_PROTOCOL_VERSION does for protocol_version).  Hence:
 *
 *      - Structs the library allocates (wg_device_new(), wg_device_add_peer(),
 *        wg_peer_add_allowedip(), or returned by wg_get_device() and the
 *        like) have the running library's size: use them through pointers
 *        only, never copy them by value or allocate them with sizeof.  They
 *        are the only ones that wg_free_device() may free, and the only
 *        states that functions changing a configuration in place
 *        (wg_device_apply()'s state, wg_device_canonicalize()) accept.
 *
 *      - Structs the caller owns (on the stack, static, inside its own
 *        structs, as embeddable-wg-library's examples build them) are safe
 *        as read-only input (wg_set_device(), wg_netlink_set_device(),
 *        wg_engine_set_device(), wg_device_apply()'s set, ...) when every
 *        byte is initialized (an initializer or memset, so that unused flag
 *        bits are 0): the library reads them only during the call, keeps no
 *        pointer to them, never frees or reallocates them, and reads no byte
 *        beyond the 1.0 size of each struct unless a flag the caller set
 *        asks for it; such code keeps working with every later 1.x library.
 *        Never pass them to wg_free_device(), wg_device_add_peer() or
 *        wg_peer_add_allowedip(), nor link library-allocated and
 *        caller-owned nodes in one list that the library will free.
 *
 *  - Secrets (private and preshared keys) are wiped from every buffer the
 *    library frees, and compared in constant time.
 */
#ifndef WIREGUARD_H
#define WIREGUARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
/* struct sockaddr_in{,6}, AF_INET{,6}, IFNAMSIZ: from winsock on Windows. */
#ifdef _WIN32
#include <winsock2.h>
#include <ws2tcpip.h>
#ifndef IFNAMSIZ
#define IFNAMSIZ 16
#endif
#else
#include <net/if.h>
#include <netinet/in.h>
#include <sys/socket.h>
#endif

/* Without _DEFAULT_SOURCE (e.g. -std=c11 alone) glibc's <net/if.h> has only
 * POSIX's IF_NAMESIZE, and C99's <time.h> no struct timespec.  (SWIG, which
 * reads no system header, sees the header as before.) */
#if !defined(IFNAMSIZ) && !defined(SWIG)
/** Size of an interface name with its NUL: <net/if.h>'s, or POSIX's IF_NAMESIZE. */
#define IFNAMSIZ IF_NAMESIZE
#endif
#ifndef SWIG
struct timespec;
#endif

#ifdef __cplusplus
extern "C" {
#endif

/** Anonymous unions are C11; this keeps the header usable from C99 too. */
#if defined(__GNUC__) && !defined(__cplusplus)
#define WG_ANON_UNION __extension__
#else
#define WG_ANON_UNION
#endif

/* ------------------------------------------------------------------------ */
/* Version, errors, logging                                                 */
/* ------------------------------------------------------------------------ */

#define WG_VERSION_MAJOR 1	/**< version of the header; wg_version() gives the library's */
#define WG_VERSION_MINOR 0	/**< see WG_VERSION_MAJOR */
#define WG_VERSION_PATCH 0	/**< see WG_VERSION_MAJOR */

/**
 * \brief Version of the library that is running, as "MAJOR.MINOR.PATCH".
 */
const char *wg_version(void);

/**
 * \brief Message describing the calling thread's last failure.
 *
 * The string is owned by the library and stays valid until the same thread
 * calls another libwireguard function.  It is "" when nothing failed yet.
 */
const char *wg_last_error(void);

/** Log levels, most severe first (a callback receives levels <= its maximum). */
enum wg_log_level {
	WG_LOG_ERROR = 1,
	WG_LOG_INFO = 2,
	WG_LOG_DEBUG = 3,
};

/**
 * \brief Log callback.
 *
 * \param level  one of enum wg_log_level.
 * \param msg    NUL-terminated message without trailing newline; valid only
 *               during the call.
 * \param ctx    the pointer given to wg_set_log_callback().
 */
typedef void wg_log_fn(int level, const char *msg, void *ctx);

/**
 * \brief Install the process-wide log callback.
 *
 * \param fn         callback, or NULL to discard all messages (the default).
 * \param ctx        passed to every call of fn; may be NULL.
 * \param max_level  most verbose level delivered (e.g. WG_LOG_INFO).
 *
 * The callback may be called from any thread, including the managed engine's
 * workers; it must not call back into the library.
 */
void wg_set_log_callback(wg_log_fn *fn, void *ctx, int max_level);

/* ------------------------------------------------------------------------ */
/* Keys                                                                     */
/* ------------------------------------------------------------------------ */

/* These names and types match embeddable-wg-library's so callers compile
 * unchanged. */
/** A Curve25519 key (private, public or preshared): 32 bytes. */
typedef uint8_t wg_key[32];
/** A key in base64 with its NUL: 45 bytes. */
typedef char wg_key_b64_string[((sizeof(wg_key) + 2) / 3) * 4 + 1];
/** A key in lowercase hexadecimal with its NUL: 65 bytes. */
typedef char wg_key_hex_string[sizeof(wg_key) * 2 + 1];

/**
 * \brief Generate a Curve25519 private key (random, clamped).
 *
 * \param private_key  output.
 *
 * Aborts the process if the kernel's random generator is unavailable
 * (getrandom(2) fails for a reason other than EINTR): a key from anything
 * weaker would be worse than no key.
 */
void wg_generate_private_key(wg_key private_key);

/**
 * \brief Generate a random 32-byte preshared key.
 *
 * \param preshared_key  output.
 */
void wg_generate_preshared_key(wg_key preshared_key);

/**
 * \brief Derive the public key of a private key.
 *
 * \param public_key   output.
 * \param private_key  input; clamped before use as Curve25519 requires.
 */
void wg_generate_public_key(wg_key public_key, const wg_key private_key);

/**
 * \brief Encode a key as standard base64 with padding (44 characters).
 *
 * \param base64  output, NUL-terminated.
 * \param key     input.
 */
void wg_key_to_base64(wg_key_b64_string base64, const wg_key key);

/**
 * \brief Decode a base64 key, in constant time.
 *
 * \param key     output; untouched on error.
 * \param base64  exactly 44 characters of the standard alphabet ending in '='
 *                whose unused low bits are zero.
 * \return 0, or -EINVAL for anything else.
 */
int wg_key_from_base64(wg_key key, const wg_key_b64_string base64);

/**
 * \brief Encode a key as 64 lowercase hexadecimal digits (the UAPI form).
 */
void wg_key_to_hex(wg_key_hex_string hex, const wg_key key);

/**
 * \brief Decode 64 hexadecimal digits (either case), in constant time.
 *
 * \return 0, or -EINVAL; key is untouched on error.
 */
int wg_key_from_hex(wg_key key, const char *hex);

/**
 * \brief Whether a key is all zeros (constant time).
 */
bool wg_key_is_zero(const wg_key key);

/**
 * \brief Whether two keys are equal (constant time).
 */
bool wg_key_equal(const wg_key a, const wg_key b);

/* ------------------------------------------------------------------------ */
/* Configuration model: device -> peers -> allowed IPs                      */
/* ------------------------------------------------------------------------ */

/*
 * One model for every backend (kernel, userspace UAPI, in-process engine).
 * The same structure is read back by a get and written by a set: on a set,
 * the flags say which fields to apply; on a get, which fields are known.
 * The field layout matches embeddable-wg-library's; fields only grow at the
 * end (see "ABI" above).
 */

/** A time that does not overflow in 2038 (the last handshake's wall-clock time). */
struct wg_timespec64 {
	int64_t tv_sec;		/**< seconds since the Unix epoch; 0 = never */
	int64_t tv_nsec;	/**< nanoseconds, 0..999999999 */
};

#if !defined(WG_NO_TIMESPEC64) && !defined(SWIG)
/**
 * embeddable-wg-library's name for struct wg_timespec64, so that its callers
 * compile unchanged: `struct timespec64` is the same type (the symbols and the
 * ABI only ever name wg_timespec64).  A program that has a struct timespec64
 * of its own defines WG_NO_TIMESPEC64 before including this header.
 */
#define timespec64 wg_timespec64
#endif

/** Flags of an allowed IP (wg_allowedip.flags). */
enum wg_allowedip_flags {
	/** Remove this prefix from the peer instead of adding it. */
	WGALLOWEDIP_REMOVE_ME = 1U << 0,
};

/** An allowed IP prefix of a peer, in the peer's list. */
typedef struct wg_allowedip {
	uint16_t family;	/**< AF_INET or AF_INET6 */
	WG_ANON_UNION union {
		struct in_addr ip4;	/**< when family is AF_INET */
		struct in6_addr ip6;	/**< when family is AF_INET6 */
	};
	uint8_t cidr;		/**< prefix length: 0..32 or 0..128 */
	struct wg_allowedip *next_allowedip;	/**< next in the list, or NULL */
	/* since 1.0 beyond embeddable-wg-library: */
	uint32_t flags;		/**< enum wg_allowedip_flags */
} wg_allowedip;

/** Which fields of a wg_peer to apply (set) or are known (get). */
enum wg_peer_flags {
	WGPEER_REMOVE_ME = 1U << 0,		/**< remove this peer */
	WGPEER_REPLACE_ALLOWEDIPS = 1U << 1,	/**< drop its other allowed IPs */
	WGPEER_HAS_PUBLIC_KEY = 1U << 2,	/**< public_key is set */
	WGPEER_HAS_PRESHARED_KEY = 1U << 3,	/**< preshared_key is set (zeros: none) */
	WGPEER_HAS_PERSISTENT_KEEPALIVE_INTERVAL = 1U << 4,	/**< persistent_keepalive_interval is set */
	/** Only update an existing peer; never create one. */
	WGPEER_UPDATE_ONLY = 1U << 5,
	WGPEER_HAS_PROTOCOL_VERSION = 1U << 6,	/**< protocol_version is set */
};

/** A peer's UDP address, IPv4 or IPv6. */
typedef union wg_endpoint {
	struct sockaddr addr;	/**< addr.sa_family == 0: no endpoint */
	struct sockaddr_in addr4;	/**< when addr.sa_family is AF_INET */
	struct sockaddr_in6 addr6;	/**< when addr.sa_family is AF_INET6 */
} wg_endpoint;

/** A peer of a device, in the device's list. */
typedef struct wg_peer {
	uint32_t flags;		/**< enum wg_peer_flags */

	wg_key public_key;	/**< identifies the peer */
	wg_key preshared_key;	/**< all zeros: none */

	wg_endpoint endpoint;	/**< its UDP address */

	struct wg_timespec64 last_handshake_time;	/**< read only */
	uint64_t rx_bytes;	/**< read only: bytes of datagrams received */
	uint64_t tx_bytes;	/**< read only: bytes of datagrams sent */
	uint16_t persistent_keepalive_interval;	/**< seconds, 0 = off */

	struct wg_allowedip *first_allowedip;	/**< its allowed IPs, or NULL */
	struct wg_allowedip *last_allowedip;	/**< the last of them, or NULL */
	struct wg_peer *next_peer;	/**< next in the list, or NULL */
	/* since 1.0 beyond embeddable-wg-library: */
	uint32_t protocol_version;	/**< 0 = unspecified, 1 = current */
} wg_peer;

/** Which fields of a wg_device to apply (set) or are known (get). */
enum wg_device_flags {
	WGDEVICE_REPLACE_PEERS = 1U << 0,	/**< remove the peers not in the list */
	WGDEVICE_HAS_PRIVATE_KEY = 1U << 1,	/**< private_key is set (zeros: none) */
	WGDEVICE_HAS_PUBLIC_KEY = 1U << 2,	/**< public_key is known */
	WGDEVICE_HAS_LISTEN_PORT = 1U << 3,	/**< listen_port is set */
	WGDEVICE_HAS_FWMARK = 1U << 4,		/**< fwmark is set */
};

/** A device's configuration and state: the root of the model. */
typedef struct wg_device {
	char name[IFNAMSIZ];	/**< interface name */
	uint32_t ifindex;	/**< interface index (read only) */

	uint32_t flags;		/**< enum wg_device_flags */

	wg_key public_key;	/**< derived from private_key */
	wg_key private_key;	/**< secret: wiped when freed */

	uint32_t fwmark;	/**< mark of the UDP sockets; 0 = none */
	uint16_t listen_port;	/**< UDP port; 0 = random */

	struct wg_peer *first_peer;	/**< its peers, or NULL */
	struct wg_peer *last_peer;	/**< the last of them, or NULL */
} wg_device;

/** Loop over a device's peers: for each, __peer points to it. */
#define wg_for_each_peer(__dev, __peer) \
	for ((__peer) = (__dev)->first_peer; (__peer); (__peer) = (__peer)->next_peer)
/** Loop over a peer's allowed IPs: for each, __allowedip points to it. */
#define wg_for_each_allowedip(__peer, __allowedip) \
	for ((__allowedip) = (__peer)->first_allowedip; (__allowedip); \
	     (__allowedip) = (__allowedip)->next_allowedip)

/**
 * \brief Allocate an empty device configuration.
 *
 * \param name  interface name (at most IFNAMSIZ - 1 bytes), or NULL.
 * \return the device, or NULL with errno ENOMEM or EINVAL (name too long).
 */
wg_device *wg_device_new(const char *name);

/**
 * \brief Append a zeroed peer to a device.
 *
 * \return the peer (owned by dev), or NULL with errno ENOMEM.
 */
wg_peer *wg_device_add_peer(wg_device *dev);

/**
 * \brief Append a zeroed allowed IP to a peer.
 *
 * \return the allowed IP (owned by peer), or NULL with errno ENOMEM.
 */
wg_allowedip *wg_peer_add_allowedip(wg_peer *peer);

/**
 * \brief Free a device with all its peers and allowed IPs, wiping keys.
 *
 * \param dev  may be NULL.
 */
void wg_free_device(wg_device *dev);

/* ------------------------------------------------------------------------ */
/* Devices: kernel (generic netlink) and userspace (UAPI socket)            */
/* ------------------------------------------------------------------------ */

/*
 * These calls work whichever implementation runs a device: like wg(8), a
 * name with a UAPI socket in /var/run/wireguard/ (ours, wireguard-go's,
 * boringtun's) is userspace, any other name is the kernel's.  The names and
 * semantics match embeddable-wg-library's.
 */

/**
 * \brief Read a device's configuration and state.
 *
 * \param dev          output; free with wg_free_device().
 * \param device_name  interface name.
 * \return 0; -ENODEV if there is no such device; -EOPNOTSUPP if the link is
 *         not WireGuard; -EPERM without CAP_NET_ADMIN; other -errno.
 */
int wg_get_device(wg_device **dev, const char *device_name);

/**
 * \brief Apply a configuration to the device dev->name.
 *
 * Only what dev->flags, peer->flags and allowedip->flags select is changed.
 * Bad input (a malformed endpoint, a prefix longer than its family) returns
 * -EINVAL with nothing applied.
 */
int wg_set_device(wg_device *dev);

/**
 * \brief Create a kernel WireGuard interface (ip link add NAME type wireguard).
 */
int wg_add_device(const char *device_name);

/**
 * \brief Delete a kernel WireGuard interface.
 */
int wg_del_device(const char *device_name);

/**
 * \brief Bound how long the calling thread waits for userspace daemons.
 *
 * wg_get_device() and wg_set_device() on a userspace device (a UAPI socket:
 * wireguard-go, boringtun, wg-engine) give up with -ETIMEDOUT when its daemon
 * does not accept, read or answer within this time (each wait, not the
 * whole call), so a hung daemon cannot hang the caller.  The setting
 * belongs to the calling thread: one caller's choice changes no other's.
 * A thread starts with the default, 10000 ms.
 *
 * \param timeout_ms  milliseconds, or 0 for the default.
 * \return the thread's previous setting (0: the default); -EINVAL if
 *         timeout_ms is negative (nothing changes).
 */
int wg_set_uapi_timeout(int timeout_ms);

/**
 * \brief Names of all WireGuard devices, kernel and userspace.
 *
 * \return "first\0second\0last\0\0" (free with free()), or NULL with errno.
 */
char *wg_list_device_names(void);

/**
 * Loop over the names that wg_list_device_names() returned: for each,
 * __name points to it and __len is its length (embeddable-wg-library's
 * macro; uses strlen()).
 */
#define wg_for_each_device_name(__names, __name, __len) \
	for ((__name) = (__names); ((__len) = strlen(__name)) != 0; (__name) += (__len) + 1)

/*
 * Kernel devices in any network namespace, by name or by index, and what
 * wg-quick does around them (links, addresses, routes), so that a network
 * manager needs no second netlink library.
 *
 * A wg_netlink handle holds the netlink sockets of one network namespace and
 * is reused across calls (a mesh daemon doing many small updates saves a
 * socket and a family lookup per call).  Every function below that takes a
 * handle also accepts NULL, meaning a temporary one in the caller's own
 * namespace.  These calls always use the kernel, never a UAPI socket.
 *
 * A configuration too large for one 32 KiB netlink message (more than about
 * 150 peers or 800 allowed IPs) is applied in several; the kernel applies
 * each on its own, so a failure after the first (out of memory, a
 * concurrent deletion) leaves the earlier part applied.  Everything that can
 * be checked beforehand is checked before the first message is sent.
 */

/** A handle on the kernel devices of one network namespace (opaque). */
typedef struct wg_netlink wg_netlink;

/**
 * \brief Open a handle on the kernel devices of a network namespace.
 *
 * \param nl        output; close with wg_netlink_close().
 * \param netns_fd  a network namespace (an open /run/netns/NAME or
 *                  /proc/PID/ns/net; the handle keeps its own copy), or -1
 *                  for the caller's namespace.
 * \return 0; -EBADF or -EINVAL if netns_fd is not a network namespace;
 *         -EPERM if entering it needs CAP_SYS_ADMIN the caller lacks;
 *         -ENOMEM; other -errno from socket(2).
 *
 * The calling thread enters the namespace only for the duration of this
 * call (and of a later call that must reopen a socket); sockets keep their
 * namespace afterwards.  A handle may live as long as the program: when the
 * WireGuard module is unloaded its calls give the documented -ENODEV or
 * -EOPNOTSUPP, and once the module is loaded again they work as before.
 */
int wg_netlink_open(wg_netlink **nl, int netns_fd);

/**
 * \brief Close a handle.  nl may be NULL.
 */
void wg_netlink_close(wg_netlink *nl);

/**
 * \brief Read a kernel device's configuration and state, by name.
 *
 * \param nl    handle, or NULL for the caller's namespace.
 * \param dev   output; free with wg_free_device().
 * \param name  interface name.
 * \return 0; -ENODEV if there is no such link; -EOPNOTSUPP if the link is
 *         not WireGuard or the kernel lacks WireGuard; -EPERM without
 *         CAP_NET_ADMIN; -EPROTO for a malformed reply; -ENOMEM.
 *
 * A dump that the kernel interrupts because the device changed is restarted,
 * so the result is one consistent snapshot.
 */
int wg_netlink_get_device(wg_netlink *nl, wg_device **dev, const char *name);

/**
 * \brief Like wg_netlink_get_device(), by interface index.
 *
 * \return as wg_netlink_get_device(); -EINVAL for index 0.
 */
int wg_netlink_get_device_by_index(wg_netlink *nl, wg_device **dev, uint32_t ifindex);

/**
 * \brief Read a kernel device by interface index, in the caller's namespace.
 *
 * The same as wg_netlink_get_device_by_index(NULL, dev, ifindex).
 */
int wg_get_device_by_index(wg_device **dev, uint32_t ifindex);

/**
 * \brief Apply a configuration to a kernel device.
 *
 * \param nl   handle, or NULL for the caller's namespace.
 * \param dev  the device is dev->name, or dev->ifindex when the name is "".
 * \return 0; -EINVAL for bad input (an address family other than AF_INET
 *         and AF_INET6, a prefix longer than its family, an endpoint that
 *         is neither, a peer without WGPEER_HAS_PUBLIC_KEY, a protocol
 *         version other than 1, unknown flags; one peer listed twice when
 *         one of the entries removes allowed IPs on a kernel that needs
 *         the emulation below), with nothing applied; -ENODEV; -EOPNOTSUPP
 *         (not WireGuard); -EPERM; -ENOMEM; another -errno from the kernel
 *         (with its message), after which an earlier part may be applied.
 *
 * Semantics are wg_set_device()'s.  An allowed IP flagged
 * WGALLOWEDIP_REMOVE_ME is removed by the kernel where it supports that
 * (Linux >= 6.16, probed once per handle); on older kernels the library
 * reads the peer's allowed IPs and replaces them with the resulting set in
 * the same peer update, which is equivalent unless another program changes
 * that peer's allowed IPs at the same moment.
 */
int wg_netlink_set_device(wg_netlink *nl, wg_device *dev);

/**
 * \brief Create a kernel WireGuard link (ip link add NAME type wireguard).
 *
 * \param nl    handle, or NULL for the caller's namespace.
 * \param name  1 to IFNAMSIZ - 1 bytes.
 * \return 0; -EEXIST; -EINVAL for a bad name; -EOPNOTSUPP if the kernel
 *         lacks WireGuard; -EPERM.
 */
int wg_netlink_add_device(wg_netlink *nl, const char *name);

/**
 * \brief Delete a kernel WireGuard link.
 *
 * \param nl    handle, or NULL for the caller's namespace.
 * \param name  the link.
 * \return 0; -ENODEV; -EOPNOTSUPP if the link is not WireGuard (it is left
 *         alone); -EINVAL for a bad name; -EPERM.
 */
int wg_netlink_del_device(wg_netlink *nl, const char *name);

/**
 * \brief Names of the kernel WireGuard links of the handle's namespace.
 *
 * \param nl  handle, or NULL for the caller's namespace.
 * \return "first\0second\0last\0\0" (free with free()), or NULL with errno
 *         ENOMEM, EPROTO (malformed reply) or another from the kernel.
 */
char *wg_netlink_list_device_names(wg_netlink *nl);

/**
 * \brief Bring a link up or down (ip link set NAME up|down).
 *
 * \param nl    handle, or NULL for the caller's namespace.
 * \param name  any link, WireGuard or not.
 * \param up    true for up.
 * \return 0; -ENODEV; -EPERM; other -errno from the kernel.
 */
int wg_link_set_up(wg_netlink *nl, const char *name, bool up);

/**
 * \brief Set a link's MTU (ip link set NAME mtu MTU).
 *
 * \return 0; -ENODEV; -EINVAL if the MTU is out of the link's range; -EPERM.
 */
int wg_link_set_mtu(wg_netlink *nl, const char *name, uint32_t mtu);

/**
 * \brief Move a link to another network namespace (ip link set NAME netns NS).
 *
 * \param nl        handle of the namespace the link is in, or NULL.
 * \param name      the link.
 * \param netns_fd  the destination namespace.
 * \return 0; -ENODEV; -EBADF or -EINVAL for a bad namespace; -EEXIST if
 *         the destination has a link of that name; -EPERM.
 *
 * A WireGuard link keeps its UDP socket in the namespace where it was
 * created: create it where the traffic should flow, then move it to where
 * its users are (the pattern of wg(8)'s netns documentation).
 */
int wg_link_set_netns(wg_netlink *nl, const char *name, int netns_fd);

/**
 * \brief Add an address to a link (ip address add ADDR/PREFIX dev NAME).
 *
 * \param nl      handle, or NULL for the caller's namespace.
 * \param name    the link.
 * \param family  AF_INET or AF_INET6.
 * \param addr    struct in_addr or struct in6_addr.
 * \param prefix  prefix length, at most 32 or 128.
 * \return 0; -EEXIST if the link has it; -EINVAL for a bad family or
 *         prefix; -ENODEV; -EPERM.
 */
int wg_addr_add(wg_netlink *nl, const char *name, int family, const void *addr, uint8_t prefix);

/**
 * \brief Remove an address from a link (ip address del ADDR/PREFIX dev NAME).
 *
 * \return 0; -EADDRNOTAVAIL if the link does not have it; -EINVAL;
 *         -ENODEV; -EPERM.
 */
int wg_addr_del(wg_netlink *nl, const char *name, int family, const void *addr, uint8_t prefix);

/**
 * \brief Route a prefix through a link (ip route add DEST/PREFIX dev NAME
 *        [table TABLE]), as wg-quick does for each allowed IP.
 *
 * \param nl      handle, or NULL for the caller's namespace.
 * \param name    the link.
 * \param family  AF_INET or AF_INET6.
 * \param dest    struct in_addr or struct in6_addr; host bits must be zero.
 * \param prefix  prefix length, at most 32 or 128.
 * \param table   routing table, or 0 for the main table.
 * \return 0; -EEXIST if the route exists; -EINVAL; -ENODEV; -EPERM.
 */
int wg_route_add(wg_netlink *nl, const char *name, int family, const void *dest, uint8_t prefix,
		 uint32_t table);

/**
 * \brief Remove a route added by wg_route_add() (same arguments).
 *
 * \return 0; -ESRCH if there is no such route; -EINVAL; -ENODEV; -EPERM.
 */
int wg_route_del(wg_netlink *nl, const char *name, int family, const void *dest, uint8_t prefix,
		 uint32_t table);

/* ------------------------------------------------------------------------ */
/* Configuration files                                                      */
/* ------------------------------------------------------------------------ */

/*
 * The format wg(8) reads with `wg setconf` / `wg addconf` and prints with
 * `wg showconf`:
 *
 *   [Interface]
 *   PrivateKey = <base64>        ListenPort = 0..65535
 *   FwMark = off | N | 0xN
 *   [Peer]
 *   PublicKey = <base64>         PresharedKey = <base64>
 *   AllowedIPs = 10.0.0.0/24, fd00::1, ...   (repeatable; "+p"/"-p" add or
 *                                             remove one prefix, as wg(8) 1.0.2025+)
 *   Endpoint = host:port | [v6%scope]:port
 *   PersistentKeepalive = off | 0..65535
 *
 * As in wg(8): '#' starts a comment, whitespace anywhere in a line is
 * ignored, keys and section names are case-insensitive, a key without a
 * value is an error.  Stricter than wg(8): ports are decimal only (no
 * service names, no wrap-around past 65535).  wg-quick(8)'s own
 * [Interface] keys (Address, DNS, MTU, Table, PreUp, PostUp, PreDown,
 * PostDown, SaveConfig) are collected into a wg_quick_config instead of
 * being rejected; for those, inner whitespace of the value is kept.
 */

/** wg-quick(8)'s extra [Interface] keys; opaque, read with the accessors. */
typedef struct wg_quick_config wg_quick_config;

/** The wg-quick(8) keys a wg_quick_config holds. */
enum wg_quick_key {
	WG_QUICK_ADDRESS = 0,	/**< one entry per address: "10.0.0.1/24" */
	WG_QUICK_DNS,		/**< one entry per server or search domain */
	WG_QUICK_MTU,		/**< at most one entry, decimal 68..65535 */
	WG_QUICK_TABLE,		/**< at most one entry: "off", "auto", a number or name */
	WG_QUICK_PRE_UP,	/**< one entry per line, in file order */
	WG_QUICK_POST_UP,	/**< one entry per line, in file order */
	WG_QUICK_PRE_DOWN,	/**< one entry per line, in file order */
	WG_QUICK_POST_DOWN,	/**< one entry per line, in file order */
	WG_QUICK_SAVE_CONFIG,	/**< at most one entry: "true" or "false" */
};

/** How wg_config_parse() reads a configuration. */
enum wg_config_flags {
	/** `wg addconf` semantics: only what the text names is set.  Without it
	 * (`wg setconf`): REPLACE_PEERS, and the private key, listen port and
	 * fwmark are set even when absent (to none / random / off). */
	WG_CONFIG_APPEND = 1U << 0,
	/** Reject wg-quick(8)'s keys as wg(8) does. */
	WG_CONFIG_STRICT = 1U << 1,
	/** Never resolve host names in Endpoint (only numeric addresses). */
	WG_CONFIG_NUMERIC = 1U << 2,
};

/**
 * \brief Parse a configuration in wg(8)'s format.
 *
 * Every peer gets WGPEER_REPLACE_ALLOWEDIPS (as wg(8) does) unless one of
 * its AllowedIPs entries starts with '+' or '-'.  Host names in Endpoint are
 * resolved with getaddrinfo(3) (which may block) unless WG_CONFIG_NUMERIC.
 *
 * \param dev          output, a set-style device with an empty name; free
 *                     with wg_free_device().
 * \param quick        output for wg-quick's keys (free with
 *                     wg_quick_config_free()), or NULL to ignore them.
 * \param text         the configuration; need not be NUL-terminated.
 * \param len          its length in bytes.
 * \param source_name  name used in error messages (e.g. a file name), or NULL
 *                     for "(config)".
 * \param flags        enum wg_config_flags.
 * \return 0; -EINVAL for malformed text, with "NAME:LINE: reason" in
 *         wg_last_error() and nothing returned; -ENOMEM.
 */
int wg_config_parse(wg_device **dev, wg_quick_config **quick, const char *text, size_t len,
		    const char *source_name, uint32_t flags);

/**
 * \brief Parse a configuration file, as wg_config_parse().
 *
 * dev->name is set from a file name "NAME.conf" when NAME is a valid
 * interface name (as wg-quick(8) does), and left empty otherwise.
 *
 * \return 0; -EINVAL as wg_config_parse(); -ENOENT, -EACCES or another -errno
 *         from opening or reading path; -EFBIG beyond 64 MiB; -ENOMEM.
 */
int wg_config_parse_file(wg_device **dev, wg_quick_config **quick, const char *path,
			 uint32_t flags);

/**
 * \brief Print a device as `wg showconf` does, byte for byte.
 *
 * Field selection follows wg(8): PrivateKey and PresharedKey when their
 * HAS flag is set, ListenPort, FwMark and PersistentKeepalive when nonzero,
 * Endpoint when it has a family.  With quick, its keys follow the
 * [Interface] keys (wg-quick's format).
 *
 * \param text   output, NUL-terminated; release with wg_config_free_text(),
 *               which wipes the private key it may contain.
 * \param dev    the device.
 * \param quick  wg-quick keys to add, or NULL.
 * \return 0, or -ENOMEM.
 */
int wg_config_format(char **text, const wg_device *dev, const wg_quick_config *quick);

/**
 * \brief Wipe and free text returned by wg_config_format().  text may be NULL.
 */
void wg_config_free_text(char *text);

/**
 * \brief Number of entries for a wg-quick key (0 when quick is NULL).
 */
size_t wg_quick_config_count(const wg_quick_config *quick, enum wg_quick_key key);

/**
 * \brief One entry of a wg-quick key, or NULL past the last one.
 *
 * The string is owned by quick.  Entries were validated when parsed:
 * Address entries are an IP address with an optional "/prefix", MTU is
 * decimal, SaveConfig is "true" or "false".
 */
const char *wg_quick_config_get(const wg_quick_config *quick, enum wg_quick_key key,
				size_t index);

/**
 * \brief Free a wg_quick_config.  quick may be NULL.
 */
void wg_quick_config_free(wg_quick_config *quick);

/* ------------------------------------------------------------------------ */
/* Canonical form and diff                                                  */
/* ------------------------------------------------------------------------ */

/*
 * A "state" is a whole configuration: what wg_get_device() returns, or a
 * parsed config file.  A "set" is what wg_set_device() takes: flags select
 * what changes.  These functions compute on states and sets in memory with
 * the Linux driver's semantics, so that callers send only what changed.
 */

/**
 * \brief Deep copy of a device with its peers and allowed IPs.
 *
 * \return 0, or -ENOMEM with *copy untouched.
 */
int wg_device_copy(wg_device **copy, const wg_device *dev);

/**
 * \brief Apply a set onto a state in memory, as the Linux driver would.
 *
 * In order: REPLACE_PEERS drops every peer; a new private key is clamped,
 * its public key derived, and a peer with that public key removed; listen
 * port and fwmark; then each peer in list order: a peer whose key is the
 * device's own public key is ignored; REMOVE_ME removes it; a missing peer
 * is created unless UPDATE_ONLY; preshared key, endpoint (when it has a
 * family), keepalive; REPLACE_ALLOWEDIPS drops its prefixes; then each
 * allowed IP, host bits cleared, is added (taking it from another peer that
 * had it) or, with WGALLOWEDIP_REMOVE_ME, removed if this peer has it.
 * Statistics of existing peers are kept; new peers start at zero.
 *
 * The result's flags describe a state: WGDEVICE_HAS_PRIVATE_KEY and
 * HAS_PUBLIC_KEY when there is a private key, HAS_LISTEN_PORT and
 * HAS_FWMARK; per peer HAS_PUBLIC_KEY, HAS_PERSISTENT_KEEPALIVE_INTERVAL,
 * and HAS_PRESHARED_KEY when it is not zero.
 *
 * \param state  the state to change (name and ifindex are kept).
 * \param set    the changes.
 * A peer listed twice is applied twice, in order, as the driver does.  The
 * same rules are implemented once and used by every backend: the engine
 * (wg_engine_set_device()), and the kernel before Linux 6.16 and UAPI
 * daemons when a set removes single allowed IPs (the library reads the
 * device and sends whole lists that reach this function's result).
 *
 * \return 0; -EINVAL for unknown flags, a peer without WGPEER_HAS_PUBLIC_KEY,
 *         a protocol version other than 0 or 1, an allowed IP of another
 *         family or with a prefix longer than its family, or an endpoint of
 *         another family; -ENOMEM when out of memory or when the result would
 *         have more than 2^20 peers (the Linux driver's limit).  On error
 *         state is unchanged.
 */
int wg_device_apply(wg_device *state, const wg_device *set);

/**
 * \brief Put a state in canonical form, in place.
 *
 * The result is the state a new device would have after wg_set_device()
 * of dev (so a parsed config file becomes what `wg setconf` would leave):
 * allowed IPs have their host bits cleared, a prefix listed for several
 * peers stays with the last, a peer listed twice is merged as two sets would
 * be, a peer with the device's own public key is dropped, the private key is
 * clamped.  So that hand-built states work too, peers need no
 * WGPEER_HAS_PUBLIC_KEY and a nonzero value counts as given even without
 * its HAS_ flag.  Peers are then sorted by public key, and each peer's
 * allowed IPs by family (IPv4 first), address and prefix length.  Result
 * flags are as for wg_device_apply().
 *
 * \return 0, -EINVAL as wg_device_apply(), or -ENOMEM; dev is unchanged on
 *         error.
 */
int wg_device_canonicalize(wg_device *dev);

/**
 * \brief Whether two canonical states configure the same thing.
 *
 * Compares private key, listen port, fwmark and, in order, each peer's
 * public and preshared keys, endpoint, keepalive interval and allowed IPs.
 * Names, ifindexes, flags, statistics and protocol versions are ignored.
 */
bool wg_device_equal(const wg_device *a, const wg_device *b);

/** Options of wg_device_diff(). */
enum wg_diff_flags {
	/** Remove single allowed IPs with WGALLOWEDIP_REMOVE_ME (Linux 6.16+,
	 * our engine; emulated for UAPI devices) instead of resending the whole
	 * list of a peer that lost one with WGPEER_REPLACE_ALLOWEDIPS. */
	WG_DIFF_REMOVE_ALLOWEDIPS = 1U << 0,
};

/**
 * \brief The smallest set that turns state from into state to.
 *
 * Both are canonicalized (on copies) first.  The result names to->name (or
 * from->name when to's is empty) and contains: the device fields that
 * differ; peers only in from with WGPEER_REMOVE_ME; peers only in to, with
 * REPLACE_ALLOWEDIPS and all their fields; for peers in both whose
 * configuration differs, UPDATE_ONLY and only the changed fields, plus the
 * allowed IPs they gain and, for those they lose (to nobody else),
 * REPLACE_ALLOWEDIPS with the whole list or, with WG_DIFF_REMOVE_ALLOWEDIPS,
 * REMOVE_ME entries.  A prefix that moves to another peer is only added
 * there (the add moves it).  An endpoint can be set but never cleared (as
 * with `wg syncconf`): a peer that has one in from and none in to keeps it.
 * Nothing changed gives a set with no flags and no peers.
 *
 * \param diff   output set; free with wg_free_device().
 * \param from   current state.
 * \param to     wanted state.
 * \param flags  enum wg_diff_flags.
 * \return 0, -EINVAL as wg_device_canonicalize(), or -ENOMEM.
 */
int wg_device_diff(wg_device **diff, const wg_device *from, const wg_device *to, uint32_t flags);

/* ------------------------------------------------------------------------ */
/* The in-process engine                                                    */
/* ------------------------------------------------------------------------ */

/*
 * The whole WireGuard protocol as a state machine: plaintext IP packets and
 * UDP datagrams in, datagrams and IP packets out, in batches and in place.
 * The engine does no I/O of its own: datagrams it must send unprompted
 * (handshakes, keepalives, cookie replies, packets that waited for a
 * handshake) go to the send callback.  It is configured through the same
 * wg_device model as every other backend.
 *
 * Threads: every wg_engine_* function except wg_engine_free() may be called
 * from several threads at once on the same engine.  Configuration
 * (wg_engine_set_device) waits for the calls in progress and holds new ones
 * back while it runs, so traffic cannot starve it; packets of
 * different peers never contend, packets of one peer only briefly (the
 * AEAD runs outside any lock).  Callbacks run on the calling thread, with no
 * per-peer lock held but with the engine's configuration lock held for
 * reading: they may call wg_engine_encrypt(), wg_engine_decrypt(),
 * wg_engine_tick() and wg_engine_get_device(), but not
 * wg_engine_set_device() or wg_engine_free() (that would deadlock).
 *
 * Memory: nothing is allocated per packet.  Packets that wait for a
 * handshake are copied into an engine-wide pool of at most 4096 buffers of
 * the MTU (grown in chunks on first need, then reused), at most 128 per
 * peer; beyond that, or for packets larger than the MTU, the status is DROP
 * with WG_DROP_QUEUE_FULL or WG_DROP_NO_ROOM.
 */

/** An in-process engine (opaque). */
typedef struct wg_engine wg_engine;

/** An encrypt needs this much room before the IP packet (the data header) ... */
#define WG_PACKET_HEADROOM 16
/** ... and this much after it (padding to 16 bytes, then the 16-byte tag). */
#define WG_PACKET_TAILROOM 32

/** What became of a packet (wg_packet.status). */
enum wg_packet_status {
	WG_PACKET_DROP = 0,	/**< discarded; see wg_packet.reason */
	WG_PACKET_SEND = 1,	/**< buf[offset..+len) is a datagram for .endpoint */
	WG_PACKET_DELIVER = 2,	/**< buf[offset..+len) is a decrypted IP packet */
	WG_PACKET_CONSUMED = 3,	/**< taken by the engine (handshake, keepalive, or
				 * copied to wait for a handshake); buf is free */
};

/** Why a packet was dropped (reason is 0 for other statuses). */
enum wg_drop_reason {
	WG_DROP_NONE = 0,	/**< not dropped */
	WG_DROP_NO_PEER,	/**< no allowed IP matches the destination */
	WG_DROP_NO_ROOM,	/**< headroom or tailroom too small */
	WG_DROP_MALFORMED,	/**< not an IP packet / not a WireGuard message */
	WG_DROP_UNKNOWN_INDEX,	/**< data for a session we do not have */
	WG_DROP_AUTH,		/**< failed authentication */
	WG_DROP_REPLAY,		/**< counter already seen or too old; an initiation
				 * not newer than the last one */
	WG_DROP_SOURCE,		/**< inner source not in the peer's allowed IPs */
	WG_DROP_EXPIRED,	/**< session past its time or message limit */
	WG_DROP_RATELIMIT,	/**< handshake dropped by the rate limiter / cookie */
	WG_DROP_QUEUE_FULL,	/**< the staged queue for a handshake is full */
	WG_DROP_NO_KEY,		/**< the device has no private key */
	WG_DROP_NO_ENDPOINT,	/**< the peer's endpoint is not known yet */
};

/**
 * One packet buffer.  Callers own the memory and arrays of these; the layout
 * is fixed for ABI version 1.
 */
struct wg_packet {
	uint8_t *buf;		/**< the buffer */
	uint32_t size;		/**< its capacity */
	uint32_t offset;	/**< where the packet starts in buf */
	uint32_t len;		/**< its length */
	int16_t status;		/**< enum wg_packet_status, set by the engine */
	uint16_t reason;	/**< enum wg_drop_reason, set by the engine */
	wg_endpoint endpoint;	/**< datagrams: the remote UDP address */
	/**
	 * Datagrams: the local address, opaque to the engine.  Given to
	 * wg_engine_decrypt(), where a datagram arrived (zeros: unknown); the
	 * engine keeps it per peer with the endpoint and puts it on what it
	 * sends that peer, so a driver can send from the address the peer wrote
	 * to (the managed tunnel does).  Zeros when never given.  Leave it
	 * zero if you do not use it.
	 */
	uint64_t reserved[2];
};

/** The kinds of wg_event. */
enum wg_event_type {
	WG_EVENT_HANDSHAKE_COMPLETE = 1,	/**< a new session is up */
	WG_EVENT_SESSION_EXPIRED,	/**< keys zeroed after 3 x REJECT_AFTER_TIME */
	WG_EVENT_ENDPOINT_CHANGED,	/**< roaming: a peer's address moved */
	WG_EVENT_PEER_UNREACHABLE,	/**< handshake given up after REKEY_ATTEMPT_TIME */
};

/** Something that happened to a peer, given to the event callback. */
struct wg_event {
	uint32_t type;		/**< enum wg_event_type */
	wg_key public_key;	/**< the peer concerned */
	wg_endpoint endpoint;	/**< its current endpoint */
};

/**
 * Datagrams for the wire that no caller asked for (see above): handshake
 * messages, cookie replies, keepalives and staged packets once a session is
 * up.  Each has status WG_PACKET_SEND and its destination in .endpoint; the
 * buffers belong to the engine and are valid only during the call.
 */
typedef void wg_engine_send_fn(const struct wg_packet *datagrams, size_t n, void *ctx);
/** Receives each event; runs on the thread of the call that caused it. */
typedef void wg_engine_event_fn(const struct wg_event *event, void *ctx);
/**
 * Monotonic nanoseconds, for tests that simulate time.  The clock must keep
 * counting while the machine is suspended: a phone that slept through
 * REJECT_AFTER_TIME (180 s) must find its sessions expired on waking, not use
 * them again.  The default does (CLOCK_BOOTTIME on Linux and Android,
 * CLOCK_MONOTONIC on macOS and iOS, GetTickCount64() on Windows);
 * CLOCK_MONOTONIC on Linux would not.
 */
typedef uint64_t wg_engine_clock_fn(void *ctx);
/** Wall-clock time, for tests that simulate time. */
typedef void wg_engine_realtime_fn(struct timespec *now, void *ctx);

/** Options of wg_engine_new(); a versioned struct: set size = sizeof(struct wg_engine_options). */
struct wg_engine_options {
	size_t size;		/**< sizeof(struct wg_engine_options) */
	void *ctx;			/**< passed to every callback */
	wg_engine_send_fn *send;	/**< required */
	wg_engine_event_fn *event;	/**< may be NULL */
	wg_log_fn *log;			/**< every level, filter in it; NULL: the
					 * process-wide callback (wg_set_log_callback) */
	wg_engine_clock_fn *clock;	/**< may be NULL: counts suspended time (above) */
	wg_engine_realtime_fn *realtime; /**< may be NULL: CLOCK_REALTIME */
	uint32_t mtu;			/**< padding limit; 0 = 1420 */
	/* Since 1.1 (a 1.0 caller's smaller size reads them as 0): */
	uint32_t max_peers;		/**< refuse sets beyond this many peers; 0 = no limit */
	uint32_t max_staged;		/**< packets waiting for handshakes, all peers together;
					 * 0 = 4096 (the most) */
};

/*
 * The engine on phones and embedded devices (what the apps embedding it
 * need; README "Platforms" says what runs where):
 *  - Portable: the engine, keys, crypto, configuration model, files and UAPI
 *    text build for Linux, Android, macOS, iOS and Windows, 32- and 64-bit,
 *    either byte order; the engine does no I/O and starts no thread (the
 *    caller's threads may call it concurrently; it locks for them).
 *  - Suspend: the default clock counts suspended time (wg_engine_clock_fn),
 *    so sessions older than 180 s are dead on waking.  Run wg_engine_tick()
 *    on wake-up; it needs no other call.
 *  - Memory: an empty engine takes about 50 KB of heap, each peer about
 *    5.4 KB (bench/memory.c prints both; the README has the table), and
 *    packets waiting for handshakes at most max_staged slots of
 *    headroom + MTU + tailroom (about 1.5 KB each; 6 MB at the default 4096).
 *    max_peers and max_staged bound both.
 */

/**
 * \brief Create an engine with no keys and no peers.
 *
 * \param engine   output; free with wg_engine_free().
 * \param options  copied; size is sizeof(struct wg_engine_options) (or 1.0's,
 *                 without max_peers and max_staged), send is required, mtu 0
 *                 or 68..65535, max_staged 0..4096.
 * \return 0, -EINVAL for bad options, or -ENOMEM.
 */
int wg_engine_new(wg_engine **engine, const struct wg_engine_options *options);

/**
 * \brief Destroy an engine, wiping every key it held.  engine may be NULL.
 */
void wg_engine_free(wg_engine *engine);

/**
 * \brief Apply a configuration, with wg_set_device()'s semantics.
 *
 * As the kernel does: WGDEVICE_REPLACE_PEERS removes every peer first;
 * WGPEER_REMOVE_ME removes a peer; WGPEER_UPDATE_ONLY never creates one;
 * WGPEER_REPLACE_ALLOWEDIPS clears the peer's prefixes before adding;
 * WGALLOWEDIP_REMOVE_ME removes one prefix if the peer owns it; adding a
 * prefix another peer owns moves it; a peer with the device's own public
 * key is ignored; a new private key drops the peer that has its public key
 * and ends current sessions.  Turning a persistent keepalive on sends one at
 * once.  dev->name, ifindex are ignored; listen_port and fwmark are only
 * stored (the engine has no socket).
 *
 * Each new peer costs three X25519: the static-static DH, and the peer's
 * next ephemeral key with its DH, made ahead so that a handshake waits for
 * four X25519 rather than eight.  The ephemerals are made once traffic
 * flows again, so it does not wait for them.
 *
 * The set is validated and planned by the same code as wg_device_apply()
 * (so every backend answers the same), then applied all or nothing: every
 * allocation it needs is made before anything changes.
 *
 * \return 0; -EINVAL for invalid input, as wg_device_apply() (unknown flags,
 *         a peer without WGPEER_HAS_PUBLIC_KEY, an endpoint family other than
 *         AF_INET/AF_INET6, a prefix longer than its family, an unknown
 *         protocol version); -ENOSPC when the set would leave more than
 *         options->max_peers peers; -ENOMEM when out of memory or when the
 *         set would leave more than 2^20 peers (the Linux driver's limit).
 *         On error nothing is changed.
 */
int wg_engine_set_device(wg_engine *engine, const wg_device *dev);

/**
 * \brief Read the configuration and statistics, as wg_get_device() does.
 *
 * \param engine  the engine.
 * \param dev  output, free with wg_free_device(): keys, listen_port,
 *             fwmark, and per peer the preshared key, endpoint, allowed IPs
 *             (host bits masked), persistent keepalive, rx/tx bytes of
 *             datagrams and the wall-clock time of the last handshake.
 * \return 0 or -ENOMEM.
 */
int wg_engine_get_device(wg_engine *engine, wg_device **dev);

/**
 * \brief Encrypt plaintext IP packets from the app, in place.
 *
 * Each packet's status becomes SEND (now a datagram for .endpoint), CONSUMED
 * (staged until a handshake completes; the engine copied it) or DROP.
 */
void wg_engine_encrypt(wg_engine *engine, struct wg_packet *packets, size_t n);

/**
 * \brief Process UDP datagrams from the network, in place.
 *
 * .endpoint is each datagram's source.  Each status becomes DELIVER (now a
 * plaintext IP packet), CONSUMED (a handshake message or keepalive) or DROP.
 */
void wg_engine_decrypt(wg_engine *engine, struct wg_packet *packets, size_t n);

/**
 * \brief Run due timers (retransmits, keepalives, rekeys, expiry), and make
 *        new ephemeral keys for peers whose handshakes used theirs.
 *
 * Costs O(1) when nothing is due, else O(number of peers), plus two X25519
 * for each new ephemeral key.  Until one is made, a handshake with that peer
 * makes its own, a little slower.
 *
 * \return nanoseconds until wg_engine_tick() is next needed, at most one
 *         second (packets may arm timers in between, never less than a
 *         second ahead).
 */
uint64_t wg_engine_tick(wg_engine *engine);

/*
 * Handshakes apart from data (since 1.1).  A handshake message costs the
 * engine up to four X25519s; data costs one AEAD.  A driver that decrypts
 * every datagram as it comes lets a flood of initiations hold up the data
 * behind them.  The Linux driver and wireguard-go instead put handshake
 * messages into a bounded queue of their own, decrypted by other threads,
 * and are "under load" (handshakes without a cookie from us get a cookie
 * reply instead of X25519s) while that queue is an eighth full and for one
 * second after.  wg_engine_classify() sorts datagrams for such a queue, and
 * wg_engine_set_handshake_queue() tells the engine its depth.  Without a
 * queue (the default) the engine is under load while more than 512 handshake
 * messages with a valid mac1 arrive a second, and for one second after; a
 * rate cannot tell a burst that a fast machine absorbs (a server's peers
 * all reconnecting) from a backlog that a slow one cannot.
 */

/** What wg_engine_classify() says a received datagram is. */
enum wg_datagram_class {
	WG_DATAGRAM_OTHER = 0,		/**< data, a keepalive, a cookie reply, or
					 * malformed: cheap, decrypt it at once */
	WG_DATAGRAM_HANDSHAKE = 1,	/**< an initiation or a response whose mac1
					 * is for our public key: costs X25519s,
					 * decrypt it from the handshake queue */
	WG_DATAGRAM_JUNK = 2,		/**< a handshake message of the wrong size,
					 * failing mac1, or arriving while we have
					 * no private key: wg_engine_decrypt()
					 * would drop it; drop it */
	WG_DATAGRAM_HANDSHAKE_COOKIE = 3, /**< a HANDSHAKE whose mac2 is a cookie we
					 * gave its source address: its sender
					 * answered our cookie reply, so it can
					 * receive there; decrypt it before the
					 * others (it gets through under load) */
};

/**
 * \brief Sort a received datagram before decrypting it (see above).
 *
 * Costs one BLAKE2s over a handshake message (its mac1), a second one when
 * mac1 is valid and mac2 is not zero, and nothing for other datagrams;
 * changes nothing (the rate limiter is left to wg_engine_decrypt()).
 * Thread-safe like wg_engine_decrypt().
 *
 * \param engine  the engine.
 * \param pkt     a datagram as wg_engine_decrypt() takes it (buf, size,
 *                offset, len); only read.
 * \return an enum wg_datagram_class.
 */
int wg_engine_classify(wg_engine *engine, const struct wg_packet *pkt);

/**
 * \brief Decide "under load" by the depth of the caller's handshake queue,
 *        as the Linux driver does, instead of by rate.
 *
 * Call it before each wg_engine_decrypt() of messages taken from the queue
 * (any thread).  A handshake message that wg_engine_decrypt() processes
 * then finds the engine under load when the last depth given was at least
 * capacity / 8, or was so within the last second (by the engine's clock).
 * With MAX_QUEUED_INCOMING_HANDSHAKES, the Linux driver's capacity, that is
 * 512 messages.
 *
 * \param engine    the engine.
 * \param depth     messages in the queue, counting those about to be
 *                  decrypted.
 * \param capacity  how many the queue holds at most (it drops beyond), 8 or
 *                  more; 0 returns to the default (rate) and ignores depth
 *                  (give 0).
 * \return 0, or -EINVAL when capacity is 1..7 or depth exceeds capacity
 *         (nothing changed).
 */
int wg_engine_set_handshake_queue(wg_engine *engine, uint32_t depth, uint32_t capacity);

/* ------------------------------------------------------------------------ */
/* Managed engine (Linux): a TUN interface, UDP sockets and threads          */
/* ------------------------------------------------------------------------ */

/*
 * An engine wired to the system, as wireguard-go is: worker threads read IP
 * packets from a TUN interface, encrypt them and send them over UDP, and
 * decrypt the datagrams they receive into the interface; a timer thread runs
 * wg_engine_tick(); optionally a UAPI socket /var/run/wireguard/NAME.sock
 * (mode 0600) lets wg(8), wg_get_device() and wg_set_device() drive it by
 * name.  The tunnel owns its engine.  It stops by itself when its interface
 * is deleted (e.g. `ip link del`): wg_tunnel_stopped_fd() then turns readable.
 *
 * Threads: wg_tunnel_set_device(), wg_tunnel_get_device(), wg_tunnel_rebind(),
 * wg_tunnel_name() and wg_tunnel_stopped_fd() may be called from several threads at once;
 * wg_tunnel_free() by one thread when no other call on the tunnel runs.
 * The event callback runs on the tunnel's threads.
 */

/** A managed engine (opaque). */
typedef struct wg_tunnel wg_tunnel;

/** Options of a tunnel (wg_tunnel_options.flags). */
enum wg_tunnel_flags {
	/** Serve the UAPI socket /var/run/wireguard/NAME.sock. */
	WG_TUNNEL_UAPI = 1U << 0,
	/** Use none of the kernel's offloads (UDP GSO/GRO, TUN vnet headers). */
	WG_TUNNEL_NO_OFFLOAD = 1U << 1,
};

/**
 * Called with each UDP socket the tunnel creates, after socket() and the
 * tunnel's own socket options and before bind(): at wg_tunnel_new(), at a
 * listen-port change in wg_tunnel_set_device(), and at wg_tunnel_rebind().
 * This is where an Android app calls VpnService.protect(fd), so that the
 * tunnel's own datagrams bypass the VPN, or where a socket is bound to one
 * network (SO_BINDTODEVICE, Android's Network.bindSocket()).
 * Runs on the thread of the call that creates the socket, with the tunnel's
 * configuration lock held: it must not call back into the tunnel.  It must
 * not close fd, and owns nothing of it after returning.
 *
 * \param fd      the new socket (SOCK_DGRAM, not yet bound).
 * \param family  AF_INET or AF_INET6 (an AF_INET6 socket is IPV6_V6ONLY).
 * \param ctx     wg_tunnel_options.socket_ctx.
 * \return 0 to go on, or a negative errno: the socket is closed, and the call
 *         that was creating it fails with that errno, having changed nothing.
 */
typedef int wg_tunnel_socket_fn(int fd, int family, void *ctx);

/** Options of wg_tunnel_new(); a versioned struct: set size = sizeof(struct wg_tunnel_options). */
struct wg_tunnel_options {
	size_t size;		/**< sizeof(struct wg_tunnel_options) */
	/** Interface to create (a "%d" template such as "wg%d" is allowed), or
	 * to attach to if it is an existing TUN interface; NULL: use tun_fd. */
	const char *ifname;
	/** When ifname is NULL: an open TUN file descriptor (IFF_TUN |
	 * IFF_NO_PI, with IFF_VNET_HDR if offloads are wanted) that the
	 * tunnel takes over and closes when freed; the caller keeps it if
	 * wg_tunnel_new() fails. */
	int tun_fd;
	uint32_t flags;			/**< enum wg_tunnel_flags */
	/** Lanes: a TUN queue and a UDP socket pair each, served by two
	 * threads (one per direction); 0 = one per two online CPUs; at
	 * most 64. */
	uint32_t threads;
	uint16_t listen_port;		/**< UDP port; 0 = random */
	uint32_t fwmark;		/**< SO_MARK of the UDP sockets; 0 = none */
	uint32_t mtu;			/**< of a created interface; 0 = 1420 */
	wg_engine_event_fn *event;	/**< may be NULL */
	void *ctx;			/**< passed to event */
	/* Since 1.1 (a 1.0 caller's smaller size reads them as 0): */
	wg_tunnel_socket_fn *socket;	/**< may be NULL; see wg_tunnel_socket_fn */
	void *socket_ctx;		/**< passed to socket */
};

/**
 * \brief Create a TUN interface (or attach to one), bind the UDP sockets,
 *        and start the worker, timer and UAPI threads.
 *
 * The new tunnel has no keys and no peers: configure it with
 * wg_tunnel_set_device(), or through its UAPI socket.
 *
 * \param tunnel   output; free with wg_tunnel_free().
 * \param options  see struct wg_tunnel_options.
 * \return 0; -EINVAL for bad options; -EPERM without CAP_NET_ADMIN;
 *         -EBUSY if ifname exists and is not a TUN interface we may attach
 *         to; -EADDRINUSE if the listen port or the UAPI socket is taken;
 *         the socket hook's errno (wg_tunnel_socket_fn); -ENOMEM; another
 *         -errno from the system.
 */
int wg_tunnel_new(wg_tunnel **tunnel, const struct wg_tunnel_options *options);

/**
 * \brief Stop the threads, remove the UAPI socket and a created interface,
 *        close everything and wipe the keys.  tunnel may be NULL.
 */
void wg_tunnel_free(wg_tunnel *tunnel);

/**
 * \brief Apply a configuration, with wg_set_device()'s semantics.
 *
 * dev->name is ignored.  A new listen port rebinds the UDP sockets (briefly
 * pausing the workers); a new fwmark is applied to them.
 *
 * \return 0; -EINVAL for invalid input, with nothing changed; -EADDRINUSE
 *         if the new port is taken (nothing changed); the socket hook's
 *         errno if it refused a new port's socket (nothing changed); -ENOMEM.
 */
int wg_tunnel_set_device(wg_tunnel *tunnel, const wg_device *dev);

/**
 * \brief Read the configuration and statistics, as wg_get_device() does;
 *        listen_port is the port actually bound.
 *
 * \param tunnel  the tunnel.
 * \param dev     output; free with wg_free_device().
 * \return 0 or -ENOMEM.
 */
int wg_tunnel_get_device(wg_tunnel *tunnel, wg_device **dev);

/**
 * \brief Close the UDP sockets and open new ones on the same port, after a
 *        network change (what wireguard-apple's wgBumpSockets does).
 *
 * A phone that moved from Wi-Fi to cellular may keep sockets tied to the
 * network that went away (by wg_tunnel_socket_fn, or by the system).  The
 * new sockets go through wg_tunnel_socket_fn again and get the same fwmark;
 * peers, sessions and endpoints are kept, so traffic goes on without a new
 * handshake; the local address each peer last wrote to is forgotten (routing
 * picks the source until the peer writes again).  Like every socket the tunnel creates, the new ones belong to
 * the network namespace of the calling thread.  The new set is bound beside
 * the old one before the old one is closed (the old sockets allow it with
 * SO_REUSEADDR for that moment), so a failure leaves the tunnel on its old
 * sockets.  Datagrams that arrive on an old socket between the two are lost,
 * as on a network change.
 *
 * \param tunnel  the tunnel.
 * \return 0; the socket hook's errno (nothing changed); -EADDRINUSE if the
 *         port was taken meanwhile by another socket allowing reuse (nothing
 *         changed); -ENOMEM; another -errno from the system.
 */
int wg_tunnel_rebind(wg_tunnel *tunnel);

/**
 * \brief The interface's name (the kernel's choice for a template).
 */
const char *wg_tunnel_name(const wg_tunnel *tunnel);

/**
 * \brief A file descriptor that becomes readable (POLLIN) once the tunnel
 *        stopped by itself: its interface was deleted or I/O failed for good.
 *
 * It stays owned by the tunnel; after it fires, call wg_tunnel_free().
 */
int wg_tunnel_stopped_fd(const wg_tunnel *tunnel);

/* ------------------------------------------------------------------------ */
/* Watching devices: one event feed for kernel, userspace and in-process    */
/* ------------------------------------------------------------------------ */

/*
 * A watch reports what happens to WireGuard devices, whichever
 * implementation runs them, through one pollable file descriptor and a
 * non-blocking read, in the manner of libinput and inotify: wait for
 * wg_watch_fd() to be readable in any event loop (poll, epoll, GLib, libuv,
 * asyncio, Go's runtime poller), then call wg_watch_read().  The library
 * owns no thread; all its work happens inside wg_watch_read().
 *
 * Where the events come from:
 *  - kernel devices: link events (added, removed, renamed, up, down, MTU)
 *    from rtnetlink multicast as they happen; configuration and peer events
 *    by re-reading each device every interval and comparing it with the last
 *    reading in canonical form (the kernel's WireGuard family has no
 *    multicast group; if a kernel ever offers one, the watch joins it and
 *    re-reads a device as soon as it announces a change);
 *  - userspace devices (a socket in /var/run/wireguard: ours, wireguard-go,
 *    boringtun): sockets appearing and disappearing through inotify, state
 *    by asynchronous "get" requests every interval;
 *  - in-process engines and tunnels: registered with wg_watch_add_engine()
 *    or wg_watch_add_tunnel() and re-read every interval, with the engine's
 *    own events (handshakes, roaming) pushed at once by wg_watch_feed().
 *
 * Guarantees: the events of one device arrive in the order of the changes
 * the watch observed.  Between two readings the watch sees states, not
 * steps: a change undone within one interval produces no event.  None is
 * lost silently: when more events are due than the queue holds, the events
 * of the devices concerned are dropped and replaced by one
 * WG_WATCH_OVERFLOW event per device, after which the caller should read
 * that device again (wg_get_device()) instead of relying on the events it
 * missed.  Failures (a daemon that died or does not answer) are events too;
 * wg_watch_read() never waits for a device.
 *
 * Threads: wg_watch_feed() may be called from any thread at any time
 * (it is meant for engine and tunnel callbacks); every other function on a
 * watch by one thread at a time.
 */

/** A watch on devices (opaque). */
typedef struct wg_watch wg_watch;

/** What happened.  "before" and "after" are the event's values (see below). */
enum wg_watch_kind {
	/* Devices; before/after.number is 0/1 for DOWN/UP, the MTU for MTU. */
	WG_WATCH_DEVICE_ADDED = 1,	/**< a device appeared */
	WG_WATCH_DEVICE_REMOVED,	/**< it is gone (with its peers) */
	WG_WATCH_DEVICE_UP,		/**< its link went up */
	WG_WATCH_DEVICE_DOWN,		/**< its link went down */
	WG_WATCH_DEVICE_RENAMED,	/**< before.name -> after.name (= device) */
	WG_WATCH_DEVICE_MTU,		/**< before.number -> after.number */
	/* Device configuration. */
	WG_WATCH_PRIVATE_KEY,		/**< before.key -> after.key: the PUBLIC keys */
	WG_WATCH_LISTEN_PORT,		/**< before.number -> after.number */
	WG_WATCH_FWMARK,		/**< before.number -> after.number */
	/* Peers (public_key says which). */
	WG_WATCH_PEER_ADDED,		/**< followed by its endpoint and allowed IPs */
	WG_WATCH_PEER_REMOVED,		/**< its allowed IPs go with it: no event each */
	WG_WATCH_ENDPOINT,		/**< before.endpoint -> after.endpoint */
	WG_WATCH_ALLOWEDIP_ADDED,	/**< after.prefix */
	WG_WATCH_ALLOWEDIP_REMOVED,	/**< before.prefix */
	WG_WATCH_PRESHARED_KEY,		/**< changed (the keys are not reported) */
	WG_WATCH_KEEPALIVE,		/**< before.number -> after.number (seconds) */
	WG_WATCH_HANDSHAKE,		/**< a handshake completed; after.time is when */
	WG_WATCH_PEER_SILENT,		/**< no handshake and nothing received for
					 * silent_after_ms; before.time: the last
					 * handshake (0 = never) */
	WG_WATCH_PEER_ACTIVE,		/**< a silent peer received data or completed
					 * a handshake again */
	/* The watch itself. */
	WG_WATCH_OVERFLOW,		/**< events of this device (all devices when
					 * device is "") were dropped: read it again */
	WG_WATCH_DEVICE_ERROR,		/**< error != 0: the device cannot be read
					 * (a daemon that died or does not answer);
					 * error == 0: it answers again */
	/* Only from in-process engines and daemons that push events. */
	WG_WATCH_PEER_UNREACHABLE,	/**< handshake attempts given up (90 s) */
	WG_WATCH_SESSION_EXPIRED,	/**< session keys zeroed (540 s idle) */
	/* A watch on a network namespace (netns_fd). */
	WG_WATCH_NAMESPACE_GONE,	/**< device "": nothing holds the namespace
					 * any more (no process in it, no bind
					 * mount of it such as /run/netns/NAME);
					 * its kernel devices were reported
					 * removed just before, and the watch let
					 * go of it (its other devices are still
					 * watched) */
};

/** An allowed-IP prefix. */
struct wg_watch_prefix {
	uint16_t family;	/**< AF_INET or AF_INET6 */
	uint8_t cidr;		/**< prefix length */
	uint8_t reserved;	/**< zero */
	WG_ANON_UNION union {
		struct in_addr ip4;	/**< when family is AF_INET */
		struct in6_addr ip6;	/**< when family is AF_INET6 */
	};
};

/** One side of a change; which field holds it depends on the kind. */
struct wg_watch_value {
	uint64_t number;		/**< MTU, port, fwmark, keepalive, up (1)/down (0) */
	char name[IFNAMSIZ];		/**< RENAMED */
	wg_key key;			/**< PRIVATE_KEY: the public key (zero: none) */
	wg_endpoint endpoint;		/**< ENDPOINT (family 0: none) */
	struct wg_watch_prefix prefix;	/**< ALLOWEDIP_* */
	struct wg_timespec64 time;	/**< HANDSHAKE, PEER_SILENT: wall clock */
};

/** Flags of a wg_watch_event. */
enum wg_watch_event_flags {
	WG_WATCH_EVENT_PEER = 1U << 0,	/**< public_key names a peer */
	WG_WATCH_EVENT_PUSHED = 1U << 1, /**< pushed by the engine or daemon, not
					  * found by re-reading */
};

/**
 * A versioned struct that only grows at its end: the caller tells
 * wg_watch_read() the size it was compiled with and the library fills that
 * much (and sets size to what it filled).
 */
struct wg_watch_event {
	uint32_t size;			/**< bytes filled by the library */
	uint32_t kind;			/**< enum wg_watch_kind */
	uint32_t flags;			/**< enum wg_watch_event_flags */
	uint32_t ifindex;		/**< 0 when the device has no link (yet) */
	char device[IFNAMSIZ];		/**< "" only for a watch-wide OVERFLOW */
	wg_key public_key;		/**< the peer, with WG_WATCH_EVENT_PEER */
	struct wg_timespec64 time;	/**< wall clock when the watch saw it */
	int32_t error;			/**< DEVICE_ERROR, DEVICE_REMOVED: errno or 0 */
	uint32_t reserved;		/**< zero */
	struct wg_watch_value before;	/**< the value before the change */
	struct wg_watch_value after;	/**< the value after it */
};

/** Options of a watch (wg_watch_options.flags). */
enum wg_watch_flags {
	WG_WATCH_NO_KERNEL = 1U << 0,	/**< ignore kernel devices */
	WG_WATCH_NO_UAPI = 1U << 1,	/**< ignore /var/run/wireguard sockets */
	WG_WATCH_NO_PUSH = 1U << 2,	/**< never subscribe to a daemon's pushed
					 * events: re-read only */
};

/** A versioned struct: set size = sizeof(struct wg_watch_options). */
struct wg_watch_options {
	size_t size;			/**< sizeof(struct wg_watch_options) */
	/** Devices to watch by name, NULL-terminated, or NULL for every device.
	 * A name that does not exist yet is reported when it appears. */
	const char *const *devices;
	/** Devices of this network namespace (an open /run/netns/NAME or
	 * /proc/PID/ns/net; the watch keeps its own copy), or -1 for the
	 * caller's.  With a namespace: its kernel devices, and the userspace
	 * daemons living in it.  /var/run/wireguard is a path of the caller's
	 * mount namespace, shared by daemons of every network namespace (as
	 * with `ip netns exec`): a socket's daemon is placed by its pid
	 * (SO_PEERCRED, /proc/PID/ns/net) at the first connection and only
	 * this namespace's are reported.  When nothing holds the namespace any
	 * more, WG_WATCH_NAMESPACE_GONE (the watch's own reference does not
	 * count; an fd kept by another program or a mount in another mount
	 * namespace is not seen). */
	int netns_fd;
	uint32_t flags;			/**< enum wg_watch_flags */
	uint32_t interval_ms;		/**< re-read period; 0 = 1000; min 10 */
	uint32_t silent_after_ms;	/**< PEER_SILENT after this long; 0 = never */
	uint32_t queue_max;		/**< events held before OVERFLOW; 0 = 4096 */
};

/**
 * \brief Start watching devices.
 *
 * Devices that exist now are read once (kernel and in-process ones at once,
 * userspace ones by the first answers to come) as the baseline: they
 * produce no events, what changes after does.  A device that appears later
 * produces DEVICE_ADDED and then the events of its configuration as changes
 * from an empty device.
 *
 * \param watch    output; close with wg_watch_close().
 * \param options  see struct wg_watch_options; NULL for the defaults (every
 *                 device of the caller's namespace, 1 s).
 * \return 0; -EINVAL for bad options (size too small, an interval below
 *         10 ms, a device name of IFNAMSIZ bytes or more); -EBADF if
 *         netns_fd is not a namespace; -EPERM if the namespace cannot be
 *         entered; -ENOMEM; another -errno from the system.  A kernel
 *         without WireGuard is not an error.
 */
int wg_watch_open(wg_watch **watch, const struct wg_watch_options *options);

/**
 * \brief Stop watching and release everything.  watch may be NULL.
 */
void wg_watch_close(wg_watch *watch);

/**
 * \brief The file descriptor to wait on: readable (POLLIN) whenever
 *        wg_watch_read() has something to do or to return.
 *
 * It stays owned by the watch; do not read it or close it.
 */
int wg_watch_fd(const wg_watch *watch);

/**
 * \brief Process what is pending and return queued events, without waiting.
 *
 * \param watch       the watch.
 * \param events      room for n events of event_size bytes each.
 * \param n           how many events fit.
 * \param event_size  sizeof(struct wg_watch_event) as the caller knows it;
 *                    at least offsetof(struct wg_watch_event, before).
 * \return how many events were stored (0: none now; wait for the fd), or
 *         -EINVAL for a too small event_size.  Failures of single devices
 *         are reported as events, never as a return value.
 */
int wg_watch_read(wg_watch *watch, void *events, size_t n, size_t event_size);

/**
 * \brief Watch an in-process engine under a name of the caller's choice.
 *
 * The engine is re-read every interval (wg_engine_get_device()); its own
 * events reach the watch when the engine's event callback passes them to
 * wg_watch_feed() with the same name.  Remove it with
 * wg_watch_remove_device() before freeing the engine.
 *
 * \return 0; -EEXIST if the watch already has a device of that name;
 *         -EINVAL for a bad name; -ENOMEM.
 */
int wg_watch_add_engine(wg_watch *watch, const char *name, wg_engine *engine);

/**
 * \brief Watch a managed tunnel (under wg_tunnel_name()), as an engine.
 *
 * A tunnel that serves its UAPI socket is also seen there: give the watch
 * WG_WATCH_NO_UAPI or a device list without its name, or add it here only.
 * Remove it with wg_watch_remove_device() before freeing the tunnel.
 *
 * \return as wg_watch_add_engine().
 */
int wg_watch_add_tunnel(wg_watch *watch, wg_tunnel *tunnel);

/**
 * \brief Stop watching a device added by name with wg_watch_add_engine()
 *        or wg_watch_add_tunnel(); a DEVICE_REMOVED event follows.
 *
 * \return 0; -ENOENT if the watch has no such in-process device.
 */
int wg_watch_remove_device(wg_watch *watch, const char *name);

/**
 * \brief Hand an engine event to the watch (from any thread, never blocks
 *        for long: it queues the event and wakes the watch's fd).
 *
 * Meant to be called from a wg_engine_event_fn or a tunnel's event
 * callback.  HANDSHAKE_COMPLETE, ENDPOINT_CHANGED, PEER_UNREACHABLE and
 * SESSION_EXPIRED become WG_WATCH_HANDSHAKE, WG_WATCH_ENDPOINT,
 * WG_WATCH_PEER_UNREACHABLE and WG_WATCH_SESSION_EXPIRED with
 * WG_WATCH_EVENT_PUSHED; once a device has pushed a handshake, its
 * re-readings no longer report handshakes (which would repeat them).
 *
 * \param watch   the watch.
 * \param device  the name given to wg_watch_add_engine() or the tunnel's.
 * \param event   the engine's event, as its callback received it.
 * \return 0; -ENOENT if the watch has no such in-process device (the
 *         event is dropped); -ENOBUFS if the queue is full (an OVERFLOW
 *         event for this device, and only this one, will say so).
 */
int wg_watch_feed(wg_watch *watch, const char *device, const struct wg_event *event);

/**
 * \brief The kind's name as wg-monitor prints it ("peer-added", ...), or
 *        NULL for an unknown kind.
 */
const char *wg_watch_kind_name(uint32_t kind);

/** Options of the event formatter. */
enum wg_watch_format_flags {
	WG_WATCH_FORMAT_JSON = 1U << 0,	/**< one JSON object instead of a line */
};

/**
 * \brief Print an event as one line of text (as wg-monitor does), without
 *        a trailing newline.
 *
 * Text: "DEVICE KIND [PEER] [before -> after]", keys in base64, e.g.
 * "wg0 endpoint xTIB...= 192.0.2.1:51820 -> 192.0.2.7:51820".  JSON: an
 * object with "device", "ifindex", "kind", "time" (seconds, fractional),
 * and "peer", "before", "after", "error" where they apply.
 *
 * \param buf    output, NUL-terminated, truncated to len.
 * \param len    size of buf (512 bytes always suffice).
 * \param event  an event as wg_watch_read() filled it (its size is honoured).
 * \param flags  enum wg_watch_format_flags.
 * \return the length of the whole line (as snprintf), or -EINVAL.
 */
int wg_watch_format(char *buf, size_t len, const struct wg_watch_event *event, uint32_t flags);

#ifdef __cplusplus
}
#endif

#endif /* WIREGUARD_H */
