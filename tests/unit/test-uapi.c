// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The UAPI text protocol (both directions) and the UAPI client backend,
 * against an in-process daemon built from the same text code plus
 * wg_device_apply(), and against a daemon that hangs.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "strbuf.h"
#include "test.h"
#include "uapi.h"
#include "uapi_text.h"
#include "wireguard.h"

/* A reply captured from Debian's wireguard-go 0.0.20220316. */
static const char go_reply[] =
	"private_key=c809f3e5317e9575c9b5ed78b638b7ce530dabe85ddab614220241801ddf0669\n"
	"listen_port=51820\n"
	"fwmark=4660\n"
	"public_key=4eb32f4a83f88d842563a448cc181bb2c42a637bf12363e2fb2ef594e5965d7d\n"
	"preshared_key=0000000000000000000000000000000000000000000000000000000000000000\n"
	"protocol_version=1\n"
	"endpoint=192.0.2.7:1\n"
	"last_handshake_time_sec=0\n"
	"last_handshake_time_nsec=0\n"
	"tx_bytes=0\n"
	"rx_bytes=0\n"
	"persistent_keepalive_interval=0\n"
	"allowed_ip=0.0.0.0/0\n"
	"allowed_ip=::/0\n"
	"public_key=1c88a3f71373248c8b28049286246a2326f1674537c062e251e2753ca7fcca4c\n"
	"preshared_key=c53201039adba14be71f886da1d8dbe9eebded08cb111b75340078999aa9f038\n"
	"protocol_version=1\n"
	"endpoint=[fe80::1%lo]:51820\n"
	"last_handshake_time_sec=1700000000\n"
	"last_handshake_time_nsec=123456789\n"
	"tx_bytes=18446744073709551615\n"
	"rx_bytes=42\n"
	"persistent_keepalive_interval=25\n"
	"allowed_ip=10.192.122.3/32\n"
	"allowed_ip=fd00::1/128\n";

static char *format(int (*fn)(FILE *, const wg_device *), const wg_device *dev, int *ret)
{
	struct strbuf sb = { 0 };
	FILE *f = strbuf_fopen(&sb);
	char *s = NULL;

	*ret = fn(f, dev);
	fclose(f);
	if (strbuf_finish(&sb, &s))
		return NULL;
	return s;
}

static void test_get_roundtrip(void)
{
	wg_device *dev = NULL;
	wg_peer *p;
	char *s;
	int ret;

	CHECK(uapi_text_parse_get(go_reply, strlen(go_reply), &dev) == 0);
	if (!dev)
		return;
	CHECK(dev->flags == (WGDEVICE_HAS_PRIVATE_KEY | WGDEVICE_HAS_PUBLIC_KEY |
			     WGDEVICE_HAS_LISTEN_PORT | WGDEVICE_HAS_FWMARK));
	CHECK(dev->fwmark == 4660 && dev->listen_port == 51820);
	p = dev->first_peer;
	CHECK(p && !(p->flags & WGPEER_HAS_PRESHARED_KEY) && p->protocol_version == 1);
	p = p->next_peer;
	CHECK(p && (p->flags & WGPEER_HAS_PRESHARED_KEY) && p->persistent_keepalive_interval == 25);
	CHECK(p->last_handshake_time.tv_sec == 1700000000 && p->last_handshake_time.tv_nsec == 123456789);
	CHECK(p->tx_bytes == UINT64_MAX && p->rx_bytes == 42);
	CHECK(p->endpoint.addr6.sin6_scope_id == 1);
	/* Our server's reply is byte-identical to wireguard-go's. */
	s = format(uapi_text_format_get, dev, &ret);
	CHECK(ret == 0 && s && !strcmp(s, go_reply));
	if (s && strcmp(s, go_reply))
		fprintf(stderr, "got:\n%s\n", s);
	free(s);
	/* And wg showconf's view of it. */
	{
		char *conf = NULL;

		CHECK(wg_config_format(&conf, dev, NULL) == 0);
		CHECK(conf && strstr(conf, "[Interface]\nListenPort = 51820\nFwMark = 0x1234\nPrivateKey = "
				     "yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk=\n\n[Peer]\n"));
		wg_config_free_text(conf);
	}
	wg_free_device(dev);

	/* A stop at errno=, and malformed replies. */
	dev = NULL;
	CHECK(uapi_text_parse_get("listen_port=1\nerrno=0\nlisten_port=x\n", 35, &dev) == 0 &&
	      dev->listen_port == 1);
	wg_free_device(dev);
	static const char *const bad[] = {
		"listen_port=65536\n", "public_key=zz\n", "public_key=" "00000000000000000000000000000000"
		"00000000000000000000000000000000\nallowed_ip=10.0.0.1\n", "no equals\n",
		"private_key=00\n", "public_key=" "00000000000000000000000000000000"
		"00000000000000000000000000000000\nrx_bytes=-1\n",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		dev = (wg_device *)0x1;
		CHECK(uapi_text_parse_get(bad[i], strlen(bad[i]), &dev) == -EPROTO && dev == (wg_device *)0x1);
	}
}

#define PK1 "4eb32f4a83f88d842563a448cc181bb2c42a637bf12363e2fb2ef594e5965d7d"
#define PK2 "1c88a3f71373248c8b28049286246a2326f1674537c062e251e2753ca7fcca4c"

static void test_set_text(void)
{
	wg_device *dev = wg_device_new("x"), *back = NULL;
	wg_peer *p;
	wg_allowedip *a;
	char *s;
	int ret;

	dev->flags = WGDEVICE_HAS_PRIVATE_KEY | WGDEVICE_HAS_LISTEN_PORT | WGDEVICE_HAS_FWMARK |
		     WGDEVICE_REPLACE_PEERS;
	memset(dev->private_key, 0xab, 32);
	dev->listen_port = 7;
	dev->fwmark = 0;
	p = wg_device_add_peer(dev);
	wg_key_from_hex(p->public_key, PK1);
	p->flags = WGPEER_HAS_PUBLIC_KEY | WGPEER_REMOVE_ME;
	p = wg_device_add_peer(dev);
	wg_key_from_hex(p->public_key, PK2);
	p->flags = WGPEER_HAS_PUBLIC_KEY | WGPEER_UPDATE_ONLY | WGPEER_HAS_PRESHARED_KEY |
		   WGPEER_HAS_PERSISTENT_KEEPALIVE_INTERVAL | WGPEER_REPLACE_ALLOWEDIPS |
		   WGPEER_HAS_PROTOCOL_VERSION;
	p->protocol_version = 1;
	p->persistent_keepalive_interval = 0;
	p->endpoint.addr4.sin_family = AF_INET;
	p->endpoint.addr4.sin_port = htons(51820);
	inet_pton(AF_INET, "192.0.2.1", &p->endpoint.addr4.sin_addr);
	a = wg_peer_add_allowedip(p);
	a->family = AF_INET6;
	inet_pton(AF_INET6, "fd00::", &a->ip6);
	a->cidr = 8;
	s = format(uapi_text_format_set, dev, &ret);
	CHECK(ret == 0 && s && !strcmp(s,
		"listen_port=7\nfwmark=0\n"
		"private_key=abababababababababababababababababababababababababababababababab\n"
		"replace_peers=true\npublic_key=" PK1 "\nremove=true\n"
		"public_key=" PK2 "\nupdate_only=true\n"
		"preshared_key=0000000000000000000000000000000000000000000000000000000000000000\n"
		"endpoint=192.0.2.1:51820\npersistent_keepalive_interval=0\nprotocol_version=1\n"
		"replace_allowed_ips=true\nallowed_ip=fd00::/8\n"));
	/* The strict server parser reads it back to the same set. */
	CHECK(s && uapi_text_parse_set(s, strlen(s), &back) == 0);
	if (back) {
		char *s2 = format(uapi_text_format_set, back, &ret);

		CHECK(ret == 0 && s2 && !strcmp(s, s2));
		free(s2);
	}
	wg_free_device(back);
	free(s);

	/* Bad sets: refused before anything is written. */
	a->cidr = 129;
	s = format(uapi_text_format_set, dev, &ret);
	CHECK(ret == -EINVAL && s && !*s);
	free(s);
	a->cidr = 8;
	a->flags = WGALLOWEDIP_REMOVE_ME;
	s = format(uapi_text_format_set, dev, &ret);
	CHECK(ret == -EOPNOTSUPP && s && !*s);
	free(s);
	wg_free_device(dev);
}

static void test_set_strict(void)
{
	static const struct {
		const char *text;
		unsigned int line;
	} bad[] = {
		{ "bogus=1\n", 1 },
		{ "listen_port=1\nlisten_port=65536\n", 2 },
		{ "listen_port=+1\n", 1 },
		{ "listen_port= 1\n", 1 },
		{ "fwmark=4294967296\n", 1 },
		{ "fwmark=0x10\n", 1 },
		{ "private_key=abc\n", 1 },
		{ "replace_peers=false\n", 1 },
		{ "allowed_ip=10.0.0.0/8\n", 1 },
		{ "noequals\n", 1 },
		{ "public_key=" PK1 "\nprivate_key=" PK2 "\n", 2 },
		{ "public_key=" PK1 "\nlisten_port=1\n", 2 },
		{ "public_key=" PK1 "\nbogus=1\n", 2 },
		{ "public_key=" PK1 "x\n", 1 },
		{ "public_key=" PK1 "\nremove=1\n", 2 },
		{ "public_key=" PK1 "\nupdate_only=TRUE\n", 2 },
		{ "public_key=" PK1 "\nreplace_allowed_ips=yes\n", 2 },
		{ "public_key=" PK1 "\nallowed_ip=10.0.0.1\n", 2 },
		{ "public_key=" PK1 "\nallowed_ip=10.0.0.1/33\n", 2 },
		{ "public_key=" PK1 "\nallowed_ip=-10.0.0.1/32\n", 2 },
		{ "public_key=" PK1 "\nendpoint=::1:5\n", 2 },
		{ "public_key=" PK1 "\nendpoint=example.com:5\n", 2 },
		{ "public_key=" PK1 "\nendpoint=1.2.3.4\n", 2 },
		{ "public_key=" PK1 "\nendpoint=[::1]:65536\n", 2 },
		{ "public_key=" PK1 "\npersistent_keepalive_interval=65536\n", 2 },
		{ "public_key=" PK1 "\nprotocol_version=2\n", 2 },
		{ "public_key=" PK1 "\npreshared_key=" PK2 "00\n", 2 },
	};
	char want[64];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		wg_device *dev = (wg_device *)0x1;
		int ret = uapi_text_parse_set(bad[i].text, strlen(bad[i].text), &dev);

		snprintf(want, sizeof(want), "UAPI set line %u: ", bad[i].line);
		CHECK(ret == -EINVAL && dev == (wg_device *)0x1 && !strncmp(wg_last_error(), want, strlen(want)));
		if (ret != -EINVAL || strncmp(wg_last_error(), want, strlen(want)))
			fprintf(stderr, "case %zu: %d '%s'\n", i, ret, wg_last_error());
	}
	/* Sequencing: replace_allowed_ips drops prefixes named before it; a
	 * blank line ends the request. */
	{
		static const char t[] = "public_key=" PK1 "\nallowed_ip=10.0.0.0/8\nreplace_allowed_ips=true\n"
					"allowed_ip=10.1.0.0/16\n\nbogus\n";
		wg_device *dev = NULL;

		CHECK(uapi_text_parse_set(t, strlen(t), &dev) == 0);
		CHECK(dev && dev->first_peer->first_allowedip == dev->first_peer->last_allowedip &&
		      dev->first_peer->first_allowedip->cidr == 16 &&
		      (dev->first_peer->flags & WGPEER_REPLACE_ALLOWEDIPS));
		wg_free_device(dev);
	}
}

/* Decimal limits, exactly: each limit and every last digit one above it
 * (parse_uint's overflow test, rewritten for the proof in
 * tests/proof/eva_uapi_keys.c, must keep the same boundary). */
static void test_number_limits(void)
{
	static const struct {
		const char *key, *max;
	} set_keys[] = { { "listen_port", "65535" }, { "fwmark", "4294967295" } };
	static const struct {
		const char *key, *max;
	} get_keys[] = { { "tx_bytes", "18446744073709551615" },
			 { "last_handshake_time_sec", "9223372036854775807" },
			 { "last_handshake_time_sec", "-9223372036854775807" } };
	char text[128], num[32];

	for (size_t i = 0; i < sizeof(set_keys) / sizeof(set_keys[0]); i++)
		for (int d = 0; d <= 9; d++) {
			size_t n = strlen(set_keys[i].max);
			wg_device *dev = NULL;
			int ret;

			/* The limit with its last digit replaced by d: valid up to the limit's own. */
			snprintf(num, sizeof(num), "%.*s%d", (int)(n - 1), set_keys[i].max, d);
			snprintf(text, sizeof(text), "%s=%s\n", set_keys[i].key, num);
			ret = uapi_text_parse_set(text, strlen(text), &dev);
			CHECK(ret == (d <= set_keys[i].max[n - 1] - '0' ? 0 : -EINVAL));
			if (!ret)
				CHECK(strtoull(num, NULL, 10) ==
				      (i == 0 ? dev->listen_port : dev->fwmark));
			wg_free_device(dev);
			/* One more digit is always too many. */
			snprintf(text, sizeof(text), "%s=%s%d\n", set_keys[i].key, set_keys[i].max, d);
			dev = NULL;
			CHECK(uapi_text_parse_set(text, strlen(text), &dev) == -EINVAL);
		}
	for (size_t i = 0; i < sizeof(get_keys) / sizeof(get_keys[0]); i++)
		for (int d = 0; d <= 9; d++) {
			size_t n = strlen(get_keys[i].max);
			wg_device *dev = NULL;
			int ret;

			snprintf(num, sizeof(num), "%.*s%d", (int)(n - 1), get_keys[i].max, d);
			snprintf(text, sizeof(text), "public_key=" PK1 "\n%s=%s\n", get_keys[i].key, num);
			ret = uapi_text_parse_get(text, strlen(text), &dev);
			CHECK(ret == (d <= get_keys[i].max[n - 1] - '0' ? 0 : -EPROTO));
			if (!ret)
				CHECK(i == 0 ? dev->first_peer->tx_bytes == strtoull(num, NULL, 10) :
					       (long long)dev->first_peer->last_handshake_time.tv_sec ==
						       strtoll(num, NULL, 10));
			wg_free_device(dev);
		}
}

/* Random mutations of valid texts: no crash or leak (ASan); whatever parses
 * prints to text that parses and prints the same. */
static uint64_t rng = 0x3c6ef372fe94f82bULL;
static uint32_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)rng;
}

static void test_fuzz(void)
{
	static const char set_text[] =
		"listen_port=7\nfwmark=3\nprivate_key=" PK2 "\nreplace_peers=true\n"
		"public_key=" PK1 "\nupdate_only=true\npreshared_key=" PK2 "\n"
		"endpoint=[2001:db8::1]:51820\npersistent_keepalive_interval=25\nprotocol_version=1\n"
		"replace_allowed_ips=true\nallowed_ip=10.0.0.0/8\nallowed_ip=fd00::/64\n"
		"public_key=" PK2 "\nremove=true\n";
	static const char *const snippets[] = { "\n", "=", "/", ":", "[", "]", "-", "0", "9",
		"public_key=" PK1 "\n", "remove=true\n", "allowed_ip=", "endpoint=", "\n\n", "%" };
	const char *seeds[2] = { set_text, go_reply };
	unsigned int parsed[2] = { 0, 0 }, stable[2] = { 0, 0 };
	char buf[4096];

	for (int iter = 0; iter < 20000; iter++) {
		int which = iter % 2, ret;
		size_t len = strlen(seeds[which]);
		wg_device *dev = NULL, *dev2 = NULL;

		memcpy(buf, seeds[which], len);
		for (int m = 0, muts = 1 + (int)(rnd() % 3); m < muts; m++) {
			size_t pos = len ? rnd() % len : 0;

			if (rnd() % 3 == 0 && len) {
				buf[pos] = (char)rnd();
			} else if (rnd() % 2) {
				size_t n = rnd() % 8;

				if (pos + n > len)
					n = len - pos;
				memmove(buf + pos, buf + pos + n, len - pos - n);
				len -= n;
			} else {
				const char *sn = snippets[rnd() % (sizeof(snippets) / sizeof(snippets[0]))];
				size_t n = strlen(sn);

				if (len + n < sizeof(buf)) {
					memmove(buf + pos + n, buf + pos, len - pos);
					memcpy(buf + pos, sn, n);
					len += n;
				}
			}
		}
		ret = which ? uapi_text_parse_get(buf, len, &dev) : uapi_text_parse_set(buf, len, &dev);
		if (!ret) {
			int (*fmt)(FILE *, const wg_device *) = which ? uapi_text_format_get : uapi_text_format_set;
			char *a, *b = NULL;
			int r1, r2 = -1;

			parsed[which]++;
			a = format(fmt, dev, &r1);
			if (!r1 && a && !(which ? uapi_text_parse_get(a, strlen(a), &dev2) :
					    uapi_text_parse_set(a, strlen(a), &dev2)))
				b = format(fmt, dev2, &r2);
			/* A set the client refuses to send (bad cidr...) cannot parse: fine. */
			if (r1 == -EINVAL || (a && b && !r2 && !strcmp(a, b)))
				stable[which]++;
			else
				fprintf(stderr, "unstable (%d, %d):\n%.*s\n--\n%s\n", r1, r2, (int)len, buf, a ? a : "");
			free(a);
			free(b);
			wg_free_device(dev2);
			wg_free_device(dev);
		}
	}
	fprintf(stderr, "fuzz: %u set and %u get mutants parsed\n", parsed[0], parsed[1]);
	CHECK(parsed[0] > 100 && parsed[1] > 100);
	CHECK(stable[0] == parsed[0] && stable[1] == parsed[1]);
}

/* ---- an in-process daemon ---- */

struct daemon {
	int listen_fd;
	bool hang;		/* accept, read, never answer */
	int refuse;		/* answer every set with errno=-refuse */
	const char *errno_text;	/* or with errno=errno_text, verbatim */
	pthread_mutex_t lock;
	wg_device *state;
	int requests;
};

static void serve(struct daemon *d, int fd)
{
	char buf[1 << 16];
	size_t len = 0;

	for (;;) {
		ssize_t r;
		char *end;

		if (len >= 2 && (end = memmem(buf, len, "\n\n", 2))) {
			struct strbuf sb = { 0 };
			FILE *f = strbuf_fopen(&sb);

			pthread_mutex_lock(&d->lock);
			d->requests++;
			if (!strncmp(buf, "get=1\n", 6)) {
				uapi_text_format_get(f, d->state);
				fputs("errno=0\n\n", f);
			} else if (!strncmp(buf, "set=1\n", 6)) {
				wg_device *set = NULL;
				int ret = uapi_text_parse_set(buf + 6, (size_t)(end + 1 - buf - 6), &set);

				if (!ret && d->refuse)
					ret = -d->refuse;
				else if (!ret && !d->errno_text)
					ret = wg_device_apply(d->state, set);
				wg_free_device(set);
				if (d->errno_text)
					fprintf(f, "errno=%s\n\n", d->errno_text);
				else
					fprintf(f, "errno=%d\n\n", ret);	/* negative, as wireguard-go */
			}
			pthread_mutex_unlock(&d->lock);
			fclose(f);
			if (sb.len)
				(void)!write(fd, sb.buf, sb.len);
			strbuf_wipe(&sb);
			break;
		}
		r = read(fd, buf + len, sizeof(buf) - len);
		if (r <= 0)
			break;
		len += (size_t)r;
	}
}

static void *daemon_main(void *arg)
{
	struct daemon *d = arg;

	for (;;) {
		int fd = accept(d->listen_fd, NULL, NULL);

		if (fd < 0)
			return NULL;
		if (d->hang) {
			struct pollfd pfd = { .fd = d->listen_fd, .events = POLLIN };

			poll(&pfd, 1, 3000);
			close(fd);
			continue;
		}
		serve(d, fd);
		close(fd);
	}
}

static char sockdir[] = "/tmp/wguapiXXXXXX";

static int listen_on(const char *name)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	snprintf(addr.sun_path, sizeof(addr.sun_path), "%s/%s.sock", sockdir, name);
	if (bind(fd, (struct sockaddr *)&addr, sizeof(addr)) || listen(fd, 8)) {
		perror("bind");
		exit(1);
	}
	return fd;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void test_client(void)
{
	struct daemon d = { .lock = PTHREAD_MUTEX_INITIALIZER };
	wg_device *set, *got = NULL, *want = NULL;
	wg_peer *p;
	wg_allowedip *a;
	pthread_t th;
	char *names, *before = NULL, *after = NULL;
	bool listed = false;

	d.state = wg_device_new("fake0");
	d.listen_fd = listen_on("fake0");
	pthread_create(&th, NULL, daemon_main, &d);

	CHECK(wg_config_parse(&set, NULL,
		"[Interface]\nListenPort=51820\nPrivateKey=yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk=\n"
		"[Peer]\nPublicKey=xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg=\n"
		"AllowedIPs=10.0.0.0/24,10.0.1.0/24,fd00::/64\nEndpoint=[fe80::1%lo]:5\n"
		"[Peer]\nPublicKey=TrMvSoP4jYQlY6RIzBgbssQqY3vxI2Pi+y71lOWWXX0=\nPersistentKeepalive=25\n",
		300, NULL, 0) == 0);
	strcpy(set->name, "fake0");
	CHECK(wg_set_device(set) == 0);
	CHECK(wg_get_device(&got, "fake0") == 0);
	wg_device_copy(&want, set);
	wg_device_canonicalize(want);
	if (got) {
		CHECK(!strcmp(got->name, "fake0"));
		wg_device_canonicalize(got);
		CHECK(wg_device_equal(got, want));
	}
	wg_free_device(got);

	/* Per-IP removal is emulated with replace_allowed_ips. */
	wg_free_device(set);
	set = wg_device_new("fake0");
	p = wg_device_add_peer(set);
	p->flags = WGPEER_HAS_PUBLIC_KEY;
	wg_key_from_base64(p->public_key, "xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg=");
	a = wg_peer_add_allowedip(p);
	a->family = AF_INET;
	a->ip4.s_addr = htonl(0x0a000100);
	a->cidr = 24;
	a->flags = WGALLOWEDIP_REMOVE_ME;
	CHECK(wg_set_device(set) == 0);
	CHECK(wg_device_apply(want, set) == 0);
	got = NULL;
	CHECK(wg_get_device(&got, "fake0") == 0);
	if (got) {
		wg_device_canonicalize(got);
		wg_device_canonicalize(want);
		CHECK(wg_device_equal(got, want));
		CHECK(got->first_peer && got->last_peer->first_allowedip &&
		      got->last_peer->first_allowedip->next_allowedip &&
		      !got->last_peer->first_allowedip->next_allowedip->next_allowedip);
	}

	/* A prefix taken from one peer and removed again in the same entry is
	 * gone from both (the emulation must fix up the peer it was taken from). */
	{
		wg_device *t = wg_device_new("fake0"), *model = NULL, *now = NULL;
		wg_peer *q = wg_device_add_peer(t);
		wg_allowedip *x;

		q->flags = WGPEER_HAS_PUBLIC_KEY | WGPEER_UPDATE_ONLY;
		wg_key_from_base64(q->public_key, "TrMvSoP4jYQlY6RIzBgbssQqY3vxI2Pi+y71lOWWXX0=");
		x = wg_peer_add_allowedip(q);
		x->family = AF_INET6;
		inet_pton(AF_INET6, "fd00::", &x->ip6);
		x->cidr = 64;
		x = wg_peer_add_allowedip(q);
		x->family = AF_INET6;
		inet_pton(AF_INET6, "fd00::1", &x->ip6);
		x->cidr = 64;
		x->flags = WGALLOWEDIP_REMOVE_ME;
		CHECK(wg_get_device(&model, "fake0") == 0);
		CHECK(model && wg_device_apply(model, t) == 0);
		CHECK(wg_set_device(t) == 0);
		CHECK(wg_get_device(&now, "fake0") == 0);
		if (model && now) {
			const wg_peer *pp;
			const wg_allowedip *aa;
			int v6 = 0;

			wg_device_canonicalize(model);
			wg_device_canonicalize(now);
			CHECK(wg_device_equal(model, now));
			wg_for_each_peer(now, pp)
				wg_for_each_allowedip(pp, aa)
					v6 += aa->family == AF_INET6;
			CHECK(v6 == 0);
		}
		wg_free_device(model);
		wg_free_device(now);
		wg_free_device(t);
	}
	wg_free_device(got);
	got = NULL;
	CHECK(wg_get_device(&got, "fake0") == 0 && wg_device_canonicalize(got) == 0);

	/* Bad input: refused before sending, nothing changes. */
	wg_config_format(&before, got, NULL);
	d.requests = 0;
	a->flags = 0;
	a->cidr = 40;
	CHECK(wg_set_device(set) == -EINVAL && d.requests == 0);
	/* The server side refuses a malformed request whole (errno=-22, as
	 * wireguard-go writes it) and applies none of it. */
	{
		int fd = socket(AF_UNIX, SOCK_STREAM, 0);
		struct sockaddr_un addr = { .sun_family = AF_UNIX };
		char reply[64] = { 0 };

		snprintf(addr.sun_path, sizeof(addr.sun_path), "%s/fake0.sock", sockdir);
		CHECK(connect(fd, (struct sockaddr *)&addr, sizeof(addr)) == 0);
		(void)!write(fd, "set=1\nlisten_port=1\nbogus=1\n\n", 29);
		CHECK(read(fd, reply, sizeof(reply) - 1) > 0 && !strcmp(reply, "errno=-22\n\n"));
		close(fd);
	}
	/* A daemon's refusal becomes -errno with a message. */
	a->cidr = 24;
	d.refuse = EADDRINUSE;
	CHECK(wg_set_device(set) == -EADDRINUSE && strstr(wg_last_error(), "fake0: ") &&
	      strstr(wg_last_error(), "refused"));
	d.refuse = 0;
	/* An errno no int can hold (or whose negation overflows) is a malformed reply. */
	d.errno_text = "-9223372036854775808";
	CHECK(wg_set_device(set) == -EPROTO && strstr(wg_last_error(), "malformed errno"));
	d.errno_text = "4294967298";
	CHECK(wg_set_device(set) == -EPROTO);
	d.errno_text = NULL;
	wg_free_device(got);
	got = NULL;
	CHECK(wg_get_device(&got, "fake0") == 0);
	wg_device_canonicalize(got);
	wg_config_format(&after, got, NULL);
	CHECK(before && after && !strcmp(before, after));
	wg_config_free_text(before);
	wg_config_free_text(after);
	wg_free_device(got);

	/* Listing. */
	names = wg_list_device_names();
	for (char *n = names; n && *n; n += strlen(n) + 1)
		listed |= !strcmp(n, "fake0");
	CHECK(listed);
	free(names);

	/* A name without a socket is not ours; bad names never are. */
	CHECK(wg_get_device(&got, "fake0/../x") < 0);

	shutdown(d.listen_fd, SHUT_RDWR);
	close(d.listen_fd);
	pthread_join(th, NULL);
	wg_free_device(d.state);
	wg_free_device(set);
	wg_free_device(want);
}

static void *other_thread_timeout(void *arg)
{
	(void)arg;
	return (void *)(intptr_t)wg_set_uapi_timeout(0);
}

static void test_hung_daemon(void)
{
	struct daemon d = { .hang = true, .lock = PTHREAD_MUTEX_INITIALIZER };
	wg_device *got = (wg_device *)0x1, *set = wg_device_new("hung0");
	pthread_t th, other;
	void *other_ret;
	double t0, t1;

	d.listen_fd = listen_on("hung0");
	pthread_create(&th, NULL, daemon_main, &d);
	/* The public setting, for this thread only (issue #15). */
	CHECK(wg_set_uapi_timeout(-1) == -EINVAL);
	CHECK(wg_set_uapi_timeout(300) == 0);
	CHECK(wg_set_uapi_timeout(300) == 300);
	pthread_create(&other, NULL, other_thread_timeout, NULL);
	pthread_join(other, &other_ret);
	CHECK(other_ret == NULL);	/* another thread still has the default */
	t0 = now();
	CHECK(wg_get_device(&got, "hung0") == -ETIMEDOUT && got == (wg_device *)0x1);
	t1 = now();
	CHECK(t1 - t0 >= 0.25 && t1 - t0 < 2.5);
	CHECK(strstr(wg_last_error(), "hung0") != NULL);
	set->flags = WGDEVICE_HAS_LISTEN_PORT;
	CHECK(wg_set_device(set) == -ETIMEDOUT);
	CHECK(wg_set_uapi_timeout(0) == 300);
	shutdown(d.listen_fd, SHUT_RDWR);
	close(d.listen_fd);
	pthread_join(th, NULL);
	wg_free_device(set);

	/* A stale socket (nobody listening) is no userspace device: the name
	 * goes to the kernel backend, which has no such device either. */
	close(listen_on("stale0"));
	got = (wg_device *)0x1;
	{
		int ret = wg_get_device(&got, "stale0");
		char *names = wg_list_device_names();
		bool listed = false;

		fprintf(stderr, "stale socket: %d %s\n", ret, wg_last_error());
		CHECK(ret < 0 && got == (wg_device *)0x1 && !strstr(wg_last_error(), "userspace"));
		for (char *n = names; n && *n; n += strlen(n) + 1)
			listed |= !strcmp(n, "stale0");
		CHECK(names && !listed);
		free(names);
	}
}

int main(void)
{
	char path[128];

	test_get_roundtrip();
	test_set_text();
	test_set_strict();
	test_number_limits();
	test_fuzz();
	if (!mkdtemp(sockdir))
		return 1;
	uapi_socket_dir = sockdir;
	test_client();
	test_hung_daemon();
	for (const char *const *n = (const char *const[]){ "fake0", "hung0", "stale0", NULL }; *n; n++) {
		snprintf(path, sizeof(path), "%s/%s.sock", sockdir, *n);
		unlink(path);
	}
	rmdir(sockdir);
	return test_done();
}
