// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The wg_netlink handle: netlink sockets opened inside a chosen network
 * namespace, and the request/reply loop both netlink backends share.
 */
#include <fcntl.h>
#include <sched.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "error.h"
#include "genl_wireguard.h"
#include "nlsock.h"
#include "util.h"

#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK 11
#endif
#ifndef NETLINK_CAP_ACK
#define NETLINK_CAP_ACK 10
#endif

static _Thread_local char ext_msg[160];

const char *nl_ext_msg(void)
{
	return ext_msg;
}

static void handle_init(struct wg_netlink *nl)
{
	memset(nl, 0, sizeof(*nl));
	nl->netns_fd = -1;
	nl->allowedip_flags = -1;
	nl->seq = (uint32_t)time(NULL);
}

static void handle_fini(struct wg_netlink *nl)
{
	for (int i = 0; i < NL_NSOCKS; i++)
		if (nl->sock[i])
			mnl_socket_close(nl->sock[i]);
	if (nl->netns_fd >= 0)
		close(nl->netns_fd);
	/* The last reply read into it may have been a dump with the keys. */
	if (nl->buf)
		wg_memzero(nl->buf, NL_RECV_BUFFER);
	free(nl->buf);
}

/*
 * A socket lives in the namespace of the thread that created it, so enter
 * the handle's namespace just for socket(2) and come straight back.
 */
static int socket_in_ns(struct wg_netlink *nl, int proto, int flags, struct mnl_socket **out)
{
	static const int bus[NL_NSOCKS] = { NETLINK_GENERIC, NETLINK_ROUTE };
	int self = -1, ret = 0;
	struct mnl_socket *sock = NULL;

	if (nl->netns_fd >= 0) {
		self = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
		if (self < 0)
			return wg_error(errno, "cannot open this thread's network namespace: %s", strerror(errno));
		if (setns(nl->netns_fd, CLONE_NEWNET) < 0) {
			ret = wg_error(errno, "cannot enter the network namespace: %s", strerror(errno));
			close(self);
			return ret;
		}
	}
	sock = mnl_socket_open2(bus[proto], SOCK_CLOEXEC | flags);
	if (!sock)
		ret = wg_error(errno, "cannot open a netlink socket: %s", strerror(errno));
	if (self >= 0) {
		if (setns(self, CLONE_NEWNET) < 0) {
			/* Leaving the thread in the wrong namespace would be worse. */
			wg_log(WG_LOG_ERROR, "cannot return to the original network namespace: %s", strerror(errno));
			abort();
		}
		close(self);
	}
	*out = sock;
	return ret;
}

static int open_socket(struct wg_netlink *nl, int proto)
{
	struct mnl_socket *sock = NULL;
	int ret = socket_in_ns(nl, proto, 0, &sock), one = 1;

	if (ret < 0)
		return ret;
	if (mnl_socket_bind(sock, 0, MNL_SOCKET_AUTOPID) < 0) {
		ret = wg_error(errno, "cannot bind a netlink socket: %s", strerror(errno));
		mnl_socket_close(sock);
		return ret;
	}
	/* Error messages from the kernel, and ACKs that do not echo our (large) requests. */
	mnl_socket_setsockopt(sock, NETLINK_EXT_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(sock, NETLINK_CAP_ACK, &one, sizeof(one));
	nl->sock[proto] = sock;
	nl->portid[proto] = mnl_socket_get_portid(sock);
	return 0;
}

int nl_open_mcast(struct wg_netlink *nl, int proto, const unsigned *groups, size_t n,
		  struct mnl_socket **out)
{
	struct mnl_socket *sock = NULL;
	int ret = socket_in_ns(nl, proto, SOCK_NONBLOCK, &sock);

	if (ret < 0)
		return ret;
	if (mnl_socket_bind(sock, 0, MNL_SOCKET_AUTOPID) < 0) {
		ret = wg_error(errno, "cannot bind a netlink socket: %s", strerror(errno));
		goto err;
	}
	for (size_t i = 0; i < n; i++) {
		int group = (int)groups[i];

		if (mnl_socket_setsockopt(sock, NETLINK_ADD_MEMBERSHIP, &group, sizeof(group)) < 0) {
			ret = wg_error(errno, "cannot join netlink group %d: %s", group, strerror(errno));
			goto err;
		}
	}
	*out = sock;
	return 0;
err:
	mnl_socket_close(sock);
	return ret;
}

/* After a failed exchange the socket may hold the rest of a reply: start afresh. */
static void reset_socket(struct wg_netlink *nl, int proto)
{
	if (nl->sock[proto])
		mnl_socket_close(nl->sock[proto]);
	nl->sock[proto] = NULL;
}

int nl_get(struct wg_netlink **nl, struct wg_netlink *tmp, struct wg_netlink *given)
{
	if (given) {
		*nl = given;
		return 0;
	}
	handle_init(tmp);
	tmp->buf = malloc(NL_RECV_BUFFER);
	if (!tmp->buf)
		return wg_error(ENOMEM, "out of memory");
	*nl = tmp;
	return 0;
}

void nl_put(struct wg_netlink *nl, struct wg_netlink *tmp)
{
	if (nl == tmp)
		handle_fini(tmp);
}

static void save_ext_msg(const struct nlmsghdr *nlh)
{
	const struct nlmsgerr *err = mnl_nlmsg_get_payload(nlh);
	size_t off = sizeof(*err);
	const struct nlattr *attr;

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += err->msg.nlmsg_len - sizeof(err->msg);
	if (off > mnl_nlmsg_get_payload_len(nlh))
		return;
	mnl_attr_for_each(attr, nlh, off) {
		if (mnl_attr_get_type(attr) == NLMSGERR_ATTR_MSG &&
		    mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) == 0) {
			snprintf(ext_msg, sizeof(ext_msg), "%s", mnl_attr_get_str(attr));
			return;
		}
	}
}

/* Returns 1 while more of the reply is due, else 0 or -errno. */
static int read_reply(struct wg_netlink *nl, int proto, uint32_t seq, nl_msg_fn *cb, void *data,
		      int *cb_err, bool *intr)
{
	ssize_t n = mnl_socket_recvfrom(nl->sock[proto], nl->buf, NL_RECV_BUFFER);
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)nl->buf;
	int len = (int)n;

	if (n < 0)
		return -errno;
	for (; nl_msg_ok(nlh, len); nlh = mnl_nlmsg_next(nlh, &len)) {
		/* Leftovers of an earlier, abandoned exchange. */
		if (nlh->nlmsg_seq != seq || nlh->nlmsg_pid != nl->portid[proto])
			continue;
		if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
			*intr = true;
		switch (nlh->nlmsg_type) {
		case NLMSG_NOOP:
		case NLMSG_OVERRUN:
			continue;
		case NLMSG_ERROR: {
			const struct nlmsgerr *err = mnl_nlmsg_get_payload(nlh);

			if (mnl_nlmsg_get_payload_len(nlh) < sizeof(err->error))
				return -EPROTO;
			if (err->error < 0) {
				save_ext_msg(nlh);
				return err->error;
			}
			return 0;
		}
		case NLMSG_DONE:
			/* A dump reports its error here. */
			if (mnl_nlmsg_get_payload_len(nlh) >= sizeof(int)) {
				int err = *(const int *)mnl_nlmsg_get_payload(nlh);

				if (err < 0)
					return err;
			}
			return 0;
		default:
			if (!*cb_err && !*intr && cb)
				*cb_err = cb(nlh, data);
		}
	}
	if (len)
		return -EPROTO;	/* a truncated message */
	return 1;
}

int nl_request(struct wg_netlink *nl, int proto, struct nlmsghdr *nlh, nl_msg_fn *cb, void *data)
{
	int ret, cb_err = 0;
	bool intr = false;

	ext_msg[0] = '\0';
	if (!nl->sock[proto]) {
		ret = open_socket(nl, proto);
		if (ret < 0)
			return ret;
	}
	nlh->nlmsg_seq = ++nl->seq;
	nlh->nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
	if (mnl_socket_sendto(nl->sock[proto], nlh, nlh->nlmsg_len) < 0) {
		ret = -errno;
		reset_socket(nl, proto);
		return ret;
	}
	do
		ret = read_reply(nl, proto, nlh->nlmsg_seq, cb, data, &cb_err, &intr);
	while (ret == 1);
	if (ret == -EPROTO || ret == -ENOBUFS || ret == -EAGAIN)
		reset_socket(nl, proto);	/* the rest of the reply may still be queued */
	if (ret < 0)
		return ret;
	if (intr)
		return -EINTR;
	return cb_err;
}

struct nlmsghdr *nl_put_genl(void *buf, uint16_t type, uint8_t cmd, uint8_t version, uint16_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *genl;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = flags;	/* nl_request() adds NLM_F_REQUEST | NLM_F_ACK */
	genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
	genl->cmd = cmd;
	genl->version = version;
	return nlh;
}

static int family_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *attr;

	mnl_attr_for_each(attr, nlh, sizeof(struct genlmsghdr)) {
		if (mnl_attr_get_type(attr) == CTRL_ATTR_FAMILY_ID &&
		    mnl_attr_validate(attr, MNL_TYPE_U16) == 0)
			*(uint16_t *)data = mnl_attr_get_u16(attr);
	}
	return 0;
}

int nl_wg_family(struct wg_netlink *nl, const char *devname)
{
	uint8_t buf[256];
	struct nlmsghdr *nlh;
	uint16_t id = 0;
	int ret;

	if (nl->wg_family)
		return nl->wg_family;
	nlh = nl_put_genl(buf, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1, 0);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, WG_GENL_NAME);
	ret = nl_request(nl, NL_GENL, nlh, family_cb, &id);
	if (ret == -ENOENT || (!ret && !id))
		return wg_error(EOPNOTSUPP, "%s: the kernel has no WireGuard support (no generic netlink family \"wireguard\")",
				devname);
	if (ret < 0)
		return wg_error(-ret, "%s: cannot look up the WireGuard netlink family: %s", devname, strerror(-ret));
	nl->wg_family = id;
	return id;
}

WG_EXPORT int wg_netlink_open(wg_netlink **nl, int netns_fd)
{
	wg_netlink *h = malloc(sizeof(*h));
	int ret;

	if (!h)
		return wg_error(ENOMEM, "out of memory");
	handle_init(h);
	h->buf = malloc(NL_RECV_BUFFER);
	if (!h->buf) {
		free(h);
		return wg_error(ENOMEM, "out of memory");
	}
	if (netns_fd >= 0) {
		h->netns_fd = fcntl(netns_fd, F_DUPFD_CLOEXEC, 0);
		if (h->netns_fd < 0) {
			ret = wg_error(errno, "bad network namespace descriptor %d: %s", netns_fd, strerror(errno));
			goto err;
		}
	}
	/* Open both sockets now, so a bad fd or a missing privilege shows here. */
	for (int i = 0; i < NL_NSOCKS; i++) {
		ret = open_socket(h, i);
		if (ret < 0)
			goto err;
	}
	*nl = h;
	return 0;
err:
	handle_fini(h);
	free(h);
	return ret;
}

WG_EXPORT void wg_netlink_close(wg_netlink *nl)
{
	if (!nl)
		return;
	handle_fini(nl);
	free(nl);
}
