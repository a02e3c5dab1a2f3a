// SPDX-License-Identifier: LGPL-2.1-or-later
/* wg(8) config files: parse, print (`wg showconf` format), errors, fuzzing. */
#include <errno.h>
#include <stdint.h>

#include "os_net.h"
#include "test.h"
#include "wireguard.h"

#define K1 "yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk="
#define K2 "HIgo9xNzJMWLKASShiTqIybxZ0U3wGLiUeJ1PKf8ykw="
#define K3 "xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg="
#define K4 "TrMvSoP4jYQlY6RIzBgbssQqY3vxI2Pi+y71lOWWXX0="

static const char full[] =
	"# a comment line\n"
	"[Interface]\n"
	"PrivateKey = " K1 "   # trailing comment\n"
	"ListenPort = 51820\n"
	"FwMark = 0x1234\n"
	"\n"
	"[Peer]\n"
	"PublicKey = " K2 "\n"
	"PresharedKey = " K3 "\n"
	"AllowedIPs = 10.192.122.3/32, 10.192.124.1/24\n"
	"AllowedIPs = fd00::1/128\n"
	"Endpoint = [2001:db8::1]:51820\n"
	"PersistentKeepalive = 25\n"
	"\n"
	"[peer]\n"
	"publickey=" K4 "\n"
	"Endpoint = 192.0.2.7:1\n"
	"Allowed IPs = 0.0.0.0/0,::/0\n";

/* What `wg showconf` prints for it (host bits kept, as the text had them). */
static const char full_showconf[] =
	"[Interface]\n"
	"ListenPort = 51820\n"
	"FwMark = 0x1234\n"
	"PrivateKey = " K1 "\n"
	"\n"
	"[Peer]\n"
	"PublicKey = " K2 "\n"
	"PresharedKey = " K3 "\n"
	"AllowedIPs = 10.192.122.3/32, 10.192.124.1/24, fd00::1/128\n"
	"Endpoint = [2001:db8::1]:51820\n"
	"PersistentKeepalive = 25\n"
	"\n"
	"[Peer]\n"
	"PublicKey = " K4 "\n"
	"AllowedIPs = 0.0.0.0/0, ::/0\n"
	"Endpoint = 192.0.2.7:1\n";

static int parse(wg_device **dev, const char *text, uint32_t flags)
{
	return wg_config_parse(dev, NULL, text, strlen(text), NULL, flags);
}

static void test_full(void)
{
	wg_device *dev = NULL;
	wg_peer *p;
	wg_allowedip *a;
	wg_key k;
	char *text = NULL;
	int n = 0;

	CHECK(parse(&dev, full, 0) == 0);
	if (!dev)
		return;
	CHECK(dev->flags == (WGDEVICE_REPLACE_PEERS | WGDEVICE_HAS_PRIVATE_KEY |
			     WGDEVICE_HAS_LISTEN_PORT | WGDEVICE_HAS_FWMARK));
	CHECK(wg_key_from_base64(k, K1) == 0 && wg_key_equal(k, dev->private_key));
	CHECK(dev->listen_port == 51820 && dev->fwmark == 0x1234);
	p = dev->first_peer;
	CHECK(p && p->next_peer && !p->next_peer->next_peer);
	CHECK(p->flags == (WGPEER_HAS_PUBLIC_KEY | WGPEER_HAS_PRESHARED_KEY |
			   WGPEER_REPLACE_ALLOWEDIPS | WGPEER_HAS_PERSISTENT_KEEPALIVE_INTERVAL));
	CHECK(p->persistent_keepalive_interval == 25);
	CHECK(p->endpoint.addr.sa_family == AF_INET6 && ntohs(p->endpoint.addr6.sin6_port) == 51820);
	wg_for_each_allowedip(p, a)
		n++;
	CHECK(n == 3);
	a = p->first_allowedip->next_allowedip;
	CHECK(a->family == AF_INET && a->cidr == 24 && a->ip4.s_addr == inet_addr("10.192.124.1"));
	CHECK(p->last_allowedip->family == AF_INET6 && p->last_allowedip->cidr == 128);
	p = p->next_peer;
	CHECK(p->flags == (WGPEER_HAS_PUBLIC_KEY | WGPEER_REPLACE_ALLOWEDIPS));
	CHECK(p->endpoint.addr4.sin_addr.s_addr == inet_addr("192.0.2.7"));

	CHECK(wg_config_format(&text, dev, NULL) == 0);
	CHECK(text && !strcmp(text, full_showconf));
	if (text && strcmp(text, full_showconf))
		fprintf(stderr, "got:\n%s\nwant:\n%s\n", text, full_showconf);
	wg_free_device(dev);

	/* Round trip: the printed form parses back to the same print. */
	dev = NULL;
	CHECK(parse(&dev, text, 0) == 0);
	if (dev) {
		char *again = NULL;

		CHECK(wg_config_format(&again, dev, NULL) == 0 && !strcmp(again, text));
		wg_config_free_text(again);
	}
	wg_free_device(dev);
	wg_config_free_text(text);
}

static void test_showconf_shapes(void)
{
	wg_device *dev = wg_device_new("wg0");
	wg_peer *p = wg_device_add_peer(dev);
	char *text = NULL;

	/* Nothing set: wg showconf prints the bare section and a blank line. */
	dev->first_peer = dev->last_peer = NULL;
	CHECK(wg_config_format(&text, dev, NULL) == 0 && !strcmp(text, "[Interface]\n\n"));
	wg_config_free_text(text);
	dev->first_peer = dev->last_peer = p;

	/* Scoped IPv6 endpoints print with the interface name, as getnameinfo does. */
	wg_key_from_base64(p->public_key, K2);
	p->endpoint.addr6.sin6_family = AF_INET6;
	inet_pton(AF_INET6, "fe80::1", &p->endpoint.addr6.sin6_addr);
	p->endpoint.addr6.sin6_port = htons(7);
	p->endpoint.addr6.sin6_scope_id = 1;
	p->persistent_keepalive_interval = 65535;
	dev->fwmark = 0xffffffff;
	CHECK(wg_config_format(&text, dev, NULL) == 0);
	CHECK(text && !strcmp(text, "[Interface]\nFwMark = 0xffffffff\n\n[Peer]\nPublicKey = " K2
			 "\nEndpoint = [fe80::1%lo]:7\nPersistentKeepalive = 65535\n"));
	wg_config_free_text(text);
	wg_free_device(dev);

	/* ... and parse back, by name and by number. */
	dev = NULL;
	CHECK(parse(&dev, "[Peer]\nPublicKey=" K2 "\nEndpoint=[fe80::1%lo]:7\n", 0) == 0);
	CHECK(dev && dev->first_peer->endpoint.addr6.sin6_scope_id == 1);
	wg_free_device(dev);
	dev = NULL;
	CHECK(parse(&dev, "[Peer]\nPublicKey=" K2 "\nEndpoint=[fe80::1%1]:7\n", 0) == 0);
	CHECK(dev && dev->first_peer->endpoint.addr6.sin6_scope_id == 1);
	wg_free_device(dev);
}

static void test_semantics(void)
{
	wg_device *dev = NULL;

	/* addconf: only what is named. */
	CHECK(parse(&dev, "[Interface]\nListenPort=1\n[Peer]\nPublicKey=" K2 "\n", WG_CONFIG_APPEND) == 0);
	CHECK(dev && dev->flags == WGDEVICE_HAS_LISTEN_PORT);
	wg_free_device(dev);
	/* setconf of an empty text still resets everything. */
	dev = NULL;
	CHECK(parse(&dev, "", 0) == 0);
	CHECK(dev && dev->flags == (WGDEVICE_REPLACE_PEERS | WGDEVICE_HAS_PRIVATE_KEY |
				    WGDEVICE_HAS_LISTEN_PORT | WGDEVICE_HAS_FWMARK) &&
	      wg_key_is_zero(dev->private_key) && !dev->first_peer);
	wg_free_device(dev);
	/* off, decimal fwmark; no AllowedIPs still replaces them (with none). */
	dev = NULL;
	CHECK(parse(&dev, "[Interface]\nFwMark=off\n[Peer]\nPublicKey=" K2
		    "\nPersistentKeepalive=off\n", 0) == 0);
	CHECK(dev && dev->fwmark == 0 && dev->first_peer->persistent_keepalive_interval == 0 &&
	      (dev->first_peer->flags & WGPEER_HAS_PERSISTENT_KEEPALIVE_INTERVAL) &&
	      (dev->first_peer->flags & WGPEER_REPLACE_ALLOWEDIPS) && !dev->first_peer->first_allowedip);
	wg_free_device(dev);
	dev = NULL;
	CHECK(parse(&dev, "[Interface]\nFwMark=4294967295\n", 0) == 0 && dev->fwmark == 0xffffffff);
	wg_free_device(dev);
	/* Incremental AllowedIPs ('+'/'-') drop REPLACE_ALLOWEDIPS. */
	dev = NULL;
	CHECK(parse(&dev, "[Peer]\nPublicKey=" K2 "\nAllowedIPs=+10.0.0.0/8,-fd00::/64\n", 0) == 0);
	CHECK(dev && !(dev->first_peer->flags & WGPEER_REPLACE_ALLOWEDIPS) &&
	      dev->first_peer->first_allowedip->flags == 0 &&
	      dev->first_peer->last_allowedip->flags == WGALLOWEDIP_REMOVE_ME);
	wg_free_device(dev);
	/* Host names resolve (from /etc/hosts here), unless WG_CONFIG_NUMERIC. */
	dev = NULL;
	CHECK(parse(&dev, "[Peer]\nPublicKey=" K2 "\nEndpoint=localhost:51820\n", 0) == 0);
	CHECK(dev && (dev->first_peer->endpoint.addr.sa_family == AF_INET ||
		      dev->first_peer->endpoint.addr.sa_family == AF_INET6));
	wg_free_device(dev);
	dev = NULL;
	CHECK(parse(&dev, "[Peer]\nPublicKey=" K2 "\nEndpoint=localhost:51820\n", WG_CONFIG_NUMERIC) == -EINVAL);
	CHECK(!dev && strstr(wg_last_error(), "(config):3: "));
	/* CRLF line ends. */
	dev = NULL;
	CHECK(parse(&dev, "[Interface]\r\nListenPort = 9\r\n", 0) == 0 && dev->listen_port == 9);
	wg_free_device(dev);
}

static void test_quick(void)
{
	static const char text[] =
		"[Interface]\n"
		"Address = 10.0.0.1/24, fd00::1/64\n"
		"Address = 10.0.1.1\n"
		"DNS = 1.1.1.1,example.com\n"
		"MTU = 1420\n"
		"Table = off\n"
		"PreUp = echo 'pre up'  # comment\n"
		"PostUp = iptables -A FORWARD -i %i -j ACCEPT\n"
		"PostUp = true\n"
		"PreDown = x\n"
		"PostDown = y z\n"
		"SaveConfig = true\n"
		"PrivateKey = " K1 "\n";
	wg_quick_config *q = NULL;
	wg_device *dev = NULL;
	char *out = NULL;

	CHECK(wg_config_parse(&dev, &q, text, strlen(text), "wg0.conf", 0) == 0);
	CHECK(wg_quick_config_count(q, WG_QUICK_ADDRESS) == 3);
	CHECK(!strcmp(wg_quick_config_get(q, WG_QUICK_ADDRESS, 1), "fd00::1/64"));
	CHECK(!strcmp(wg_quick_config_get(q, WG_QUICK_ADDRESS, 2), "10.0.1.1"));
	CHECK(wg_quick_config_get(q, WG_QUICK_ADDRESS, 3) == NULL);
	CHECK(wg_quick_config_count(q, WG_QUICK_DNS) == 2);
	CHECK(!strcmp(wg_quick_config_get(q, WG_QUICK_DNS, 1), "example.com"));
	CHECK(!strcmp(wg_quick_config_get(q, WG_QUICK_MTU, 0), "1420"));
	CHECK(!strcmp(wg_quick_config_get(q, WG_QUICK_TABLE, 0), "off"));
	CHECK(!strcmp(wg_quick_config_get(q, WG_QUICK_PRE_UP, 0), "echo 'pre up'"));
	CHECK(wg_quick_config_count(q, WG_QUICK_POST_UP) == 2);
	CHECK(!strcmp(wg_quick_config_get(q, WG_QUICK_POST_UP, 0),
		      "iptables -A FORWARD -i %i -j ACCEPT"));
	CHECK(!strcmp(wg_quick_config_get(q, WG_QUICK_POST_DOWN, 0), "y z"));
	CHECK(!strcmp(wg_quick_config_get(q, WG_QUICK_SAVE_CONFIG, 0), "true"));
	CHECK(wg_quick_config_count(NULL, WG_QUICK_DNS) == 0);
	CHECK(wg_quick_config_count(q, (enum wg_quick_key)99) == 0);
	CHECK(dev && (dev->flags & WGDEVICE_HAS_PRIVATE_KEY));
	CHECK(wg_config_format(&out, dev, q) == 0);
	CHECK(out && !strcmp(out, "[Interface]\nPrivateKey = " K1 "\n"
			     "Address = 10.0.0.1/24, fd00::1/64, 10.0.1.1\n"
			     "DNS = 1.1.1.1, example.com\nMTU = 1420\nTable = off\n"
			     "PreUp = echo 'pre up'\n"
			     "PostUp = iptables -A FORWARD -i %i -j ACCEPT\nPostUp = true\n"
			     "PreDown = x\nPostDown = y z\nSaveConfig = true\n\n"));
	/* Printed wg-quick text parses back to the same thing. */
	if (out) {
		wg_quick_config *q2 = NULL;
		wg_device *dev2 = NULL;
		char *out2 = NULL;

		CHECK(wg_config_parse(&dev2, &q2, out, strlen(out), NULL, 0) == 0);
		CHECK(wg_config_format(&out2, dev2, q2) == 0 && !strcmp(out, out2));
		wg_config_free_text(out2);
		wg_quick_config_free(q2);
		wg_free_device(dev2);
	}
	wg_config_free_text(out);
	wg_quick_config_free(q);
	wg_free_device(dev);

	/* Ignored when not asked for, rejected when strict. */
	dev = NULL;
	CHECK(parse(&dev, text, 0) == 0);
	wg_free_device(dev);
	dev = (wg_device *)0x1;
	CHECK(parse(&dev, text, WG_CONFIG_STRICT) == -EINVAL && dev == (wg_device *)0x1);
	CHECK(strstr(wg_last_error(), "(config):2: ") != NULL);
}

/* Each bad text fails with -EINVAL, names the line, returns nothing. */
static void test_errors(void)
{
	static const struct {
		const char *text;
		unsigned int line;
	} bad[] = {
		{ "ListenPort = 1\n", 1 },
		{ "[Interface]\nListenPort = 65536\n", 2 },
		{ "[Interface]\nListenPort = -1\n", 2 },
		{ "[Interface]\nListenPort = \n", 2 },
		{ "[Interface]\nListenPort = 1a\n", 2 },
		{ "[Interface]\nListenPort = off\n", 2 },
		{ "[Interface]\nFwMark = 0x100000000\n", 2 },
		{ "[Interface]\nFwMark = 0x\n", 2 },
		{ "[Interface]\nFwMark = -1\n", 2 },
		{ "[Interface]\nFwMark = 12z\n", 2 },
		{ "[Interface]\n\n\nPrivateKey = abc\n", 4 },
		{ "[Interface]\nPrivateKey = " K1 "x\n", 2 },
		{ "[Interface]\nPrivateKey = yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmn=\n", 2 },
		{ "[Interface]\nPublicKey = " K1 "\n", 2 },
		{ "[Interface]\nBogus = 1\n", 2 },
		{ "[Interface]\nno equals sign\n", 2 },
		{ "[Interface]\n= value\n", 2 },
		{ "[Interfaces]\n", 1 },
		{ "[Interface\n", 1 },
		{ "[Interface]\nMTU = 67\n", 2 },
		{ "[Interface]\nMTU = 65536\n", 2 },
		{ "[Interface]\nMTU = 1e3\n", 2 },
		{ "[Interface]\nSaveConfig = yes\n", 2 },
		{ "[Interface]\nAddress = 10.0.0.1/33\n", 2 },
		{ "[Interface]\nAddress = 10.0.0.1,,10.0.0.2\n", 2 },
		{ "[Interface]\nAddress = 10.0.0.1,\n", 2 },
		{ "[Interface]\nAddress = foo\n", 2 },
		{ "[Interface]\nDNS = ,\n", 2 },
		{ "[Interface]\nTable = \n", 2 },
		{ "[Peer]\nPublicKey = " K2 "\nAddress = 10.0.0.1\n", 3 },
		{ "[Peer]\nAllowedIPs = 10.0.0.0/8\n", 1 },
		{ "[Interface]\n[Peer]\nPublicKey = " K2 "\n[Peer]\nEndpoint=1.2.3.4:5\n", 4 },
		{ "[Peer]\nPublicKey = " K2 "\nAllowedIPs = 10.0.0.0/33\n", 3 },
		{ "[Peer]\nPublicKey = " K2 "\nAllowedIPs = ::/129\n", 3 },
		{ "[Peer]\nPublicKey = " K2 "\nAllowedIPs = 10.0.0.0/\n", 3 },
		{ "[Peer]\nPublicKey = " K2 "\nAllowedIPs = 10.0.0.0/-1\n", 3 },
		{ "[Peer]\nPublicKey = " K2 "\nAllowedIPs = 10.0.0.0/1a\n", 3 },
		{ "[Peer]\nPublicKey = " K2 "\nAllowedIPs = 10.0.0/8\n", 3 },
		{ "[Peer]\nPublicKey = " K2 "\nAllowedIPs = 10.0.0.256\n", 3 },
		{ "[Peer]\nPublicKey = " K2 "\nAllowedIPs = fd00:::1/64\n", 3 },
		{ "[Peer]\nPublicKey = " K2 "\nAllowedIPs = 10.0.0.1,\n", 3 },
		{ "[Peer]\nPublicKey = " K2 "\nAllowedIPs = ,10.0.0.1\n", 3 },
		{ "[Peer]\nPublicKey = " K2 "\nAllowedIPs = 10.0.0.1,,::1\n", 3 },
		{ "[Peer]\nPublicKey = " K2 "\nAllowedIPs = /8\n", 3 },
		{ "[Peer]\nPublicKey = " K2 "\nEndpoint = 1.2.3.4\n", 3 },
		{ "[Peer]\nPublicKey = " K2 "\nEndpoint = 1.2.3.4:\n", 3 },
		{ "[Peer]\nPublicKey = " K2 "\nEndpoint = 1.2.3.4:65536\n", 3 },
		{ "[Peer]\nPublicKey = " K2 "\nEndpoint = 1.2.3.4:-1\n", 3 },
		{ "[Peer]\nPublicKey = " K2 "\nEndpoint = 1.2.3.4:http\n", 3 },
		{ "[Peer]\nPublicKey = " K2 "\nEndpoint = :51820\n", 3 },
		{ "[Peer]\nPublicKey = " K2 "\nEndpoint = [::1:51820\n", 3 },
		{ "[Peer]\nPublicKey = " K2 "\nEndpoint = [::1]51820\n", 3 },
		{ "[Peer]\nPublicKey = " K2 "\nEndpoint = []:51820\n", 3 },
		{ "[Peer]\nPublicKey = " K2 "\nEndpoint = 300.1.1.1:5\n", 3 },
		{ "[Peer]\nPublicKey = " K2 "\nEndpoint = [fe80::1%nosuchif0]:5\n", 3 },
		{ "[Peer]\nPublicKey = " K2 "\nPersistentKeepalive = 65536\n", 3 },
		{ "[Peer]\nPublicKey = " K2 "\nPersistentKeepalive = on\n", 3 },
		{ "[Peer]\nPublicKey = " K2 "\nPresharedKey = zz\n", 3 },
		{ "[Peer]\nPublicKey = " K2 "\nListenPort = 1\n", 3 },
		{ "[Peer]\nPublicKey = " K2 "\nUnknown = 1\n", 3 },
		{ "[Peer]\nPublicKey = " K2 "\nAllowedIPs = \n", 3 },
		{ "[Peer]\nPublicKey = \n", 2 },
		{ "[Interface]\nListenPort =\n", 2 },
	};
	char want[64];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		wg_device *dev = (wg_device *)0x1;
		wg_quick_config *q = (wg_quick_config *)0x1;
		int ret = wg_config_parse(&dev, &q, bad[i].text, strlen(bad[i].text), "t.conf",
					  WG_CONFIG_NUMERIC);

		snprintf(want, sizeof(want), "t.conf:%u: ", bad[i].line);
		CHECK(ret == -EINVAL && dev == (wg_device *)0x1 && q == (wg_quick_config *)0x1);
		CHECK(!strncmp(wg_last_error(), want, strlen(want)));
		if (ret != -EINVAL || strncmp(wg_last_error(), want, strlen(want)))
			fprintf(stderr, "case %zu: ret %d, error '%s', want '%s'\n", i, ret,
				wg_last_error(), want);
	}
	/* Secrets never appear in messages. */
	{
		wg_device *dev = NULL;
		static const char t[] = "[Interface]\nPrivateKey = " K1 "AAAA\n";

		CHECK(parse(&dev, t, 0) == -EINVAL && !strstr(wg_last_error(), "yAnz5"));
	}
	/* A NUL byte inside the text. */
	{
		wg_device *dev = NULL;
		static const char t[] = "[Interface]\nListenPort = 1\0 2\n";

		CHECK(wg_config_parse(&dev, NULL, t, sizeof(t) - 1, NULL, 0) == -EINVAL && !dev);
		CHECK(strstr(wg_last_error(), "(config):2:") != NULL);
	}
}

static void test_file(void)
{
	/* In the working directory (the build tree): portable C, no mkdtemp(). */
	const char *path = "wg-test7.conf";
	wg_device *dev = NULL;
	wg_quick_config *q = NULL;
	FILE *f;

	f = fopen(path, "w");
	fputs(full, f);
	fclose(f);
	CHECK(wg_config_parse_file(&dev, &q, path, 0) == 0);
	CHECK(dev && !strcmp(dev->name, "wg-test7") && dev->listen_port == 51820);
	wg_free_device(dev);
	wg_quick_config_free(q);

	f = fopen(path, "w");
	fputs("[Interface]\n\nListenPort = x\n", f);
	fclose(f);
	dev = NULL;
	CHECK(wg_config_parse_file(&dev, NULL, path, 0) == -EINVAL && !dev);
	CHECK(strstr(wg_last_error(), "wg-test7.conf:3: ") != NULL);
	remove(path);
	CHECK(wg_config_parse_file(&dev, NULL, path, 0) == -ENOENT && !dev);
	CHECK(wg_config_parse_file(&dev, NULL, ".", 0) == -EISDIR && !dev);
}

/* Random mutations of valid text: never a crash or leak (ASan), and whatever
 * parses prints to text that parses to the same print. */
static uint64_t rng = 0x9e3779b97f4a7c15ULL;
static uint32_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)rng;
}

static void test_fuzz(void)
{
	static const char *const snippets[] = {
		"\n", "=", ",", "/", ":", "[", "]", "#", " ", "\r", "-", "+", "0x", "off", "%",
		"[Peer]\n", "[Interface]\n", "AllowedIPs=", "Endpoint=", "::", "65535", "/0",
		"PublicKey=" K3 "\n", "\xff", "Address=", "MTU=", "1.2.3.4",
	};
	char buf[2048];
	unsigned int parsed = 0, stable = 0;

	for (int iter = 0; iter < 30000; iter++) {
		size_t len = strlen(full);
		int muts = 1 + (int)(rnd() % 4);
		wg_device *dev = NULL;
		wg_quick_config *q = NULL;

		memcpy(buf, full, len);
		for (int m = 0; m < muts; m++) {
			size_t pos = len ? rnd() % len : 0;

			switch (rnd() % 4) {
			case 0:	/* flip a byte */
				if (len)
					buf[pos] = (char)rnd();
				break;
			case 1:	/* delete a run */ {
				size_t n = rnd() % 16;

				if (pos + n > len)
					n = len - pos;
				memmove(buf + pos, buf + pos + n, len - pos - n);
				len -= n;
				break;
			}
			default: { /* insert a snippet */
				const char *s = snippets[rnd() % (sizeof(snippets) / sizeof(snippets[0]))];
				size_t n = strlen(s);

				if (len + n >= sizeof(buf))
					break;
				memmove(buf + pos + n, buf + pos, len - pos);
				memcpy(buf + pos, s, n);
				len += n;
			}
			}
		}
		if (wg_config_parse(&dev, &q, buf, len, NULL, WG_CONFIG_NUMERIC) == 0) {
			char *a = NULL, *b = NULL;
			wg_device *dev2 = NULL;
			wg_quick_config *q2 = NULL;

			parsed++;
			if (wg_config_format(&a, dev, q) == 0 &&
			    wg_config_parse(&dev2, &q2, a, strlen(a), NULL, WG_CONFIG_NUMERIC) == 0 &&
			    wg_config_format(&b, dev2, q2) == 0 && !strcmp(a, b))
				stable++;
			else
				fprintf(stderr, "unstable:\n%.*s\n--\n%s\n", (int)len, buf, a ? a : "");
			wg_config_free_text(a);
			wg_config_free_text(b);
			wg_free_device(dev2);
			wg_quick_config_free(q2);
		}
		wg_free_device(dev);
		wg_quick_config_free(q);
	}
	fprintf(stderr, "fuzz: %u of 30000 mutants parsed\n", parsed);
	CHECK(parsed > 100 && stable == parsed);
}

int main(void)
{
	test_full();
	test_showconf_shapes();
	test_semantics();
	test_quick();
	test_errors();
	test_file();
	test_fuzz();
	return test_done();
}
