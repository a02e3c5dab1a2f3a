// SPDX-License-Identifier: LGPL-2.1-or-later
/* The TUN interface: IP packets without any header, one fd per queue; and
 * the same as wg_tun_sys_ops, the data path in batches (tunnel_io.h). */
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "error.h"
#include "tunnel.h"
#include "util.h"

static int open_queue(const char *name, bool multi, bool vnet, char actual[IFNAMSIZ])
{
	struct ifreq ifr = { 0 };
	int fd, err;

	fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		err = errno;
		return wg_error(err, "/dev/net/tun: %s", strerror(err));
	}
	ifr.ifr_flags = IFF_TUN | IFF_NO_PI | (multi ? IFF_MULTI_QUEUE : 0) | (vnet ? IFF_VNET_HDR : 0);
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		err = errno;
		close(fd);
		if (err == EPERM)
			return wg_error(EPERM, "%s: creating a TUN interface needs CAP_NET_ADMIN", name);
		/* An interface of another kind, or a TUN with other flags or
		 * already attached. */
		if (err == EINVAL || err == EBUSY)
			return wg_error(EBUSY, "%s: exists and is not a TUN interface we can attach to", name);
		return wg_error(err, "%s: TUNSETIFF: %s", name, strerror(err));
	}
	memcpy(actual, ifr.ifr_name, IFNAMSIZ);
	actual[IFNAMSIZ - 1] = '\0';
	return fd;
}

int wg_tun_open(const char *name, unsigned queues, bool vnet, int *fds, char actual[IFNAMSIZ],
		bool *created)
{
	unsigned i;
	int fd;

	if (!*name || strlen(name) >= IFNAMSIZ)
		return wg_error(EINVAL, "invalid interface name '%s'", name);
	*created = !strchr(name, '%') ? if_nametoindex(name) == 0 : true;
	for (i = 0; i < queues; i++) {
		/* Later queues attach to the first's interface by its real name. */
		fd = open_queue(i ? actual : name, queues > 1, vnet, actual);
		if (fd < 0)
			goto err;
		fds[i] = fd;
	}
	return 0;
err:
	while (i--)
		close(fds[i]);
	return fd;
}

bool wg_tun_enable_offload(const int *fds, unsigned n)
{
	/* TSO: the stack hands us up to 64 KiB of one TCP flow per read, with
	 * the checksum left to us; worker.c cuts it up (offload.c). */
	unsigned offload = TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6 | TUN_F_TSO_ECN;

	for (unsigned i = 0; i < n; i++)
		if (ioctl(fds[i], TUNSETOFFLOAD, offload) < 0)
			return false;
	return true;
}

int wg_tun_attach(int fd, bool *vnet, char actual[IFNAMSIZ])
{
	struct ifreq ifr = { 0 };
	int err;

	if (ioctl(fd, TUNGETIFF, &ifr) < 0) {
		err = errno;
		return wg_error(err == EBADFD || err == ENOTTY ? EINVAL : err,
				"fd %d is not an attached TUN device", fd);
	}
	if ((ifr.ifr_flags & (IFF_TUN | IFF_TAP | IFF_NO_PI)) != (IFF_TUN | IFF_NO_PI))
		return wg_error(EINVAL, "%s: the TUN fd needs IFF_TUN | IFF_NO_PI", ifr.ifr_name);
	*vnet = ifr.ifr_flags & IFF_VNET_HDR;
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) < 0)
		return wg_error(errno, "fcntl: %s", strerror(errno));
	memcpy(actual, ifr.ifr_name, IFNAMSIZ);
	actual[IFNAMSIZ - 1] = '\0';
	return 0;
}

static int mtu_ioctl(const char *name, unsigned long req, uint32_t *mtu)
{
	struct ifreq ifr = { 0 };
	int fd, ret = 0;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return wg_error(errno, "socket: %s", strerror(errno));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	ifr.ifr_mtu = (int)*mtu;
	if (ioctl(fd, req, &ifr) < 0)
		ret = wg_error(errno, "%s: MTU: %s", name, strerror(errno));
	else
		*mtu = (uint32_t)ifr.ifr_mtu;
	close(fd);
	return ret;
}

int wg_tun_set_mtu(const char *name, uint32_t mtu)
{
	return mtu_ioctl(name, SIOCSIFMTU, &mtu);
}

int wg_tun_get_mtu(const char *name, uint32_t *mtu)
{
	return mtu_ioctl(name, SIOCGIFMTU, mtu);
}

/* The system's TUN as wg_tun_ops (tunnel_io.h). */
static int sys_open(void *ctx, const char *name, unsigned queues, bool vnet, int *fds,
		    char actual[IFNAMSIZ], bool *created)
{
	(void)ctx;
	return wg_tun_open(name, queues, vnet, fds, actual, created);
}

static int sys_attach(void *ctx, int fd, bool *vnet, char actual[IFNAMSIZ])
{
	(void)ctx;
	return wg_tun_attach(fd, vnet, actual);
}

static bool sys_enable_offload(void *ctx, const int *fds, unsigned n)
{
	(void)ctx;
	return wg_tun_enable_offload(fds, n);
}

static int sys_set_mtu(void *ctx, const char *name, uint32_t mtu)
{
	(void)ctx;
	return wg_tun_set_mtu(name, mtu);
}

static int sys_get_mtu(void *ctx, const char *name, uint32_t *mtu)
{
	(void)ctx;
	return wg_tun_get_mtu(name, mtu);
}

/* One read() per packet (a TUN queue gives one packet per call) until the
 * batch is full or the queue empty. */
static int sys_read(void *ctx, int fd, struct iovec *bufs, size_t n)
{
	size_t i = 0;
	ssize_t r;

	(void)ctx;
	while (i < n) {
		r = read(fd, bufs[i].iov_base, bufs[i].iov_len);
		if (r > 0) {
			bufs[i++].iov_len = (size_t)r;
			continue;
		}
		if (r < 0 && errno == EINTR)
			continue;
		if (i)
			break;	/* the error, if any, comes back on the next call */
		if (r == 0 || errno == EAGAIN)
			return 0;
		return -errno;
	}
	return (int)i;
}

static int sys_write(void *ctx, int fd, const struct wg_tun_msg *msgs, size_t n)
{
	(void)ctx;
	for (size_t i = 0; i < n; i++)
		if (writev(fd, msgs[i].iov, msgs[i].niov) < 0 && errno == EBADFD)
			return -EBADFD;
	return 0;
}

static void sys_close(void *ctx, int fd)
{
	(void)ctx;
	close(fd);
}

const struct wg_tun_ops wg_tun_sys_ops = {
	.open = sys_open,
	.attach = sys_attach,
	.enable_offload = sys_enable_offload,
	.set_mtu = sys_set_mtu,
	.get_mtu = sys_get_mtu,
	.read = sys_read,
	.write = sys_write,
	.close = sys_close,
};
