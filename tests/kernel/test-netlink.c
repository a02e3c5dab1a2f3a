// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The kernel backend against the real Linux driver (run inside the VM by
 * vm.sh): every attribute round-trips, wg(8) and the library agree in both
 * directions, split messages, per-allowed-IP removal, errors that leave the
 * device unchanged, ifindex and network namespace handles, rtnetlink.
 */
#include <fcntl.h>
#include <time.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "kutil.h"
#include "netlink_internal.h"
#include "random-config.h"
#include "test.h"

static void clamp(wg_key k)
{
	k[0] &= 248;
	k[31] = (k[31] & 127) | 64;
}

/* A device with every attribute the kernel keeps. */
static wg_device *full_config(const char *name)
{
	wg_device *dev = wg_device_new(name);
	wg_peer *a, *b, *c;

	dev->flags = WGDEVICE_HAS_PRIVATE_KEY | WGDEVICE_HAS_LISTEN_PORT | WGDEVICE_HAS_FWMARK | WGDEVICE_REPLACE_PEERS;
	rand_key(dev->private_key);	/* unclamped on purpose: the kernel clamps */
	dev->listen_port = 51820;
	dev->fwmark = 0x1234;

	a = wg_device_add_peer(dev);
	a->flags = WGPEER_HAS_PUBLIC_KEY | WGPEER_HAS_PRESHARED_KEY | WGPEER_HAS_PERSISTENT_KEEPALIVE_INTERVAL;
	rand_key(a->public_key);
	rand_key(a->preshared_key);
	a->persistent_keepalive_interval = 25;
	a->endpoint.addr4.sin_family = AF_INET;
	a->endpoint.addr4.sin_port = htons(51821);
	inet_pton(AF_INET, "192.0.2.7", &a->endpoint.addr4.sin_addr);
	add_aip(a, AF_INET, "10.0.0.0", 24);
	add_aip(a, AF_INET, "10.1.2.3", 32);
	add_aip(a, AF_INET6, "fd00:1::", 64);

	b = wg_device_add_peer(dev);
	b->flags = WGPEER_HAS_PUBLIC_KEY | WGPEER_HAS_PROTOCOL_VERSION;
	b->protocol_version = 1;
	rand_key(b->public_key);
	b->endpoint.addr6.sin6_family = AF_INET6;
	b->endpoint.addr6.sin6_port = htons(1234);
	b->endpoint.addr6.sin6_scope_id = 1;
	inet_pton(AF_INET6, "fe80::1", &b->endpoint.addr6.sin6_addr);
	add_aip(b, AF_INET6, "2001:db8::1", 128);
	add_aip(b, AF_INET, "0.0.0.0", 0);

	c = wg_device_add_peer(dev);
	c->flags = WGPEER_HAS_PUBLIC_KEY;
	rand_key(c->public_key);
	c->endpoint.addr6.sin6_family = AF_INET6;
	c->endpoint.addr6.sin6_port = htons(65535);
	inet_pton(AF_INET6, "2001:db8::42", &c->endpoint.addr6.sin6_addr);
	return dev;
}

static void test_roundtrip(void)
{
	wg_device *set = full_config("wgt0"), *got = NULL;
	wg_key priv, pub;
	wg_peer *p, *q;
	char *lib, *wg, *want;

	CHECK(wg_add_device("wgt0") == 0);
	CHECK(wg_add_device("wgt0") == -EEXIST);
	CHECK(wg_set_device(set) == 0);
	CHECK(wg_get_device(&got, "wgt0") == 0);
	if (!got)
		return;
	memcpy(priv, set->private_key, sizeof(priv));
	clamp(priv);
	wg_generate_public_key(pub, priv);
	CHECK(!strcmp(got->name, "wgt0"));
	CHECK(got->ifindex > 0);
	CHECK(got->flags & WGDEVICE_HAS_PRIVATE_KEY);
	CHECK(got->flags & WGDEVICE_HAS_PUBLIC_KEY);
	CHECK_MEM(got->private_key, priv, 32);
	CHECK_MEM(got->public_key, pub, 32);
	CHECK(got->listen_port == 51820);
	CHECK(got->fwmark == 0x1234);
	for (p = set->first_peer, q = got->first_peer; p && q; p = p->next_peer, q = q->next_peer) {
		wg_allowedip *x, *y;

		CHECK_MEM(q->public_key, p->public_key, 32);
		CHECK((q->flags & WGPEER_HAS_PRESHARED_KEY) == (p->flags & WGPEER_HAS_PRESHARED_KEY));
		if (p->flags & WGPEER_HAS_PRESHARED_KEY)
			CHECK_MEM(q->preshared_key, p->preshared_key, 32);
		CHECK(q->endpoint.addr.sa_family == p->endpoint.addr.sa_family);
		if (p->endpoint.addr.sa_family == AF_INET)
			CHECK_MEM(&q->endpoint.addr4, &p->endpoint.addr4, sizeof(struct sockaddr_in));
		else
			CHECK_MEM(&q->endpoint.addr6, &p->endpoint.addr6, sizeof(struct sockaddr_in6));
		CHECK(q->persistent_keepalive_interval == p->persistent_keepalive_interval);
		CHECK(q->flags & WGPEER_HAS_PROTOCOL_VERSION);
		CHECK(q->protocol_version == 1);
		CHECK(q->last_handshake_time.tv_sec == 0 && q->rx_bytes == 0 && q->tx_bytes == 0);
		for (x = p->first_allowedip, y = q->first_allowedip; x && y; x = x->next_allowedip, y = y->next_allowedip) {
			CHECK(x->family == y->family && x->cidr == y->cidr);
			CHECK_MEM(&y->ip6, &x->ip6, x->family == AF_INET ? 4 : 16);
		}
		CHECK(!x && !y);
	}
	CHECK(!p && !q);

	/* The library reads what wg(8) reads, and what was set. */
	lib = conf_text(got);
	wg = sh_out("wg showconf wgt0");
	memcpy(set->private_key, priv, 32);
	want = conf_text(set);
	CHECK(text_equal("library vs wg showconf", lib, wg));
	CHECK(text_equal("library vs what was set", lib, want));
	{
		/* And the library's own emitter prints what wg(8) prints. */
		char *fmt = NULL;

		CHECK(wg_config_format(&fmt, got, NULL) == 0);
		CHECK(text_equal("wg_config_format vs wg showconf", fmt, wg));
		wg_config_free_text(fmt);
	}
	free(lib);
	free(wg);
	free(want);

	/* By index, same device. */
	{
		wg_device *byidx = NULL;

		CHECK(wg_get_device_by_index(&byidx, got->ifindex) == 0);
		CHECK(byidx && !strcmp(byidx->name, "wgt0") && byidx->first_peer);
		wg_free_device(byidx);
	}
	wg_free_device(got);
	wg_free_device(set);
}

static int rt_has(const char *cmd, const char *needle)
{
	char *out = sh_out("%s", cmd);
	int found = out && strstr(out, needle) != NULL;

	free(out);
	return found;
}

/* What wg setconf sets, the library reads back identically. */
static void test_from_wg(void)
{
	static const char conf[] =
		"[Interface]\n"
		"ListenPort = 4242\n"
		"FwMark = 0xbeef\n"
		"PrivateKey = yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk=\n"
		"\n"
		"[Peer]\n"
		"PublicKey = xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg=\n"
		"PresharedKey = FpCyhws9cxwWoV4xELtfJvjJN+zQVRPISllRWgeopVE=\n"
		"AllowedIPs = 10.192.122.3/32, 10.192.124.0/24, fd00::/8\n"
		"Endpoint = 192.95.5.69:51820\n"
		"PersistentKeepalive = 15\n"
		"\n"
		"[Peer]\n"
		"PublicKey = TrMvSoP4jYQlY6RIzBgbssQqY3vxI2Pi+y71lOWWXX0=\n"
		"AllowedIPs = 10.192.122.4/32, 192.168.0.0/16\n"
		"Endpoint = [2001:db8::5]:51820\n"
		"\n"
		"[Peer]\n"
		"PublicKey = gN65BkIKy1eCE9pP1wdc8ROUtkHLF2PfAqYdyYBz6EA=\n"
		"AllowedIPs = 10.10.10.230/32\n";
	char *lib, *wg;
	FILE *f = fopen("/tmp/wgt1.conf", "w");

	fputs(conf, f);
	fclose(f);
	CHECK(wg_add_device("wgt1") == 0);
	CHECK(sh("wg setconf wgt1 /tmp/wgt1.conf") == 0);
	lib = lib_text("wgt1");
	wg = sh_out("wg showconf wgt1");
	CHECK(text_equal("library vs wg showconf after wg setconf", lib, wg));
	CHECK(text_equal("library vs the file wg setconf read", lib, conf));
	free(lib);
	free(wg);
	CHECK(wg_del_device("wgt1") == 0);

	/* The same text through the library's parser and wg_set_device(). */
	{
		wg_device *dev = NULL;

		CHECK(wg_config_parse(&dev, NULL, conf, strlen(conf), "wgt1.conf", WG_CONFIG_NUMERIC) == 0);
		CHECK(wg_add_device("wgt3") == 0);
		if (dev) {
			strcpy(dev->name, "wgt3");
			CHECK(wg_set_device(dev) == 0);
		}
		wg_free_device(dev);
		wg = sh_out("wg showconf wgt3");
		CHECK(text_equal("wg showconf after the library set a parsed file", wg, conf));
		free(wg);

		/* wg(8) 1.0.2025's "-prefix"/"+prefix": one allowed IP removed, one added. */
		static const char change[] =
			"[Peer]\n"
			"PublicKey = xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg=\n"
			"AllowedIPs = -10.192.124.0/24, +10.50.0.0/16\n";
		dev = NULL;
		CHECK(wg_config_parse(&dev, NULL, change, strlen(change), "change", WG_CONFIG_APPEND) == 0);
		if (dev) {
			strcpy(dev->name, "wgt3");
			CHECK(wg_set_device(dev) == 0);
		}
		wg_free_device(dev);
		CHECK(rt_has("wg showconf wgt3", "AllowedIPs = 10.192.122.3/32, fd00::/8, 10.50.0.0/16\n"));
		CHECK(rt_has("wg showconf wgt3", "AllowedIPs = 10.192.122.4/32, 192.168.0.0/16\n"));
		CHECK(wg_del_device("wgt3") == 0);
	}
}

/* Peer flags: replace allowed IPs, remove, update-only, replace peers. */
static void test_updates(void)
{
	wg_device *dev = wg_device_new("wgt0"), *got = NULL;
	wg_peer *p, *first;
	wg_key k1, k2, k3;
	char *before, *after;

	rand_key(k1);
	rand_key(k2);
	rand_key(k3);
	dev->flags = WGDEVICE_REPLACE_PEERS;
	p = wg_device_add_peer(dev);
	p->flags = WGPEER_HAS_PUBLIC_KEY;
	memcpy(p->public_key, k1, 32);
	add_aip(p, AF_INET, "10.9.0.0", 16);
	p = wg_device_add_peer(dev);
	p->flags = WGPEER_HAS_PUBLIC_KEY;
	memcpy(p->public_key, k2, 32);
	add_aip(p, AF_INET, "10.8.0.1", 32);
	CHECK(wg_set_device(dev) == 0);
	wg_free_device(dev);

	/* Replace k1's allowed IPs; add one to k2; remove nothing else. */
	dev = wg_device_new("wgt0");
	p = wg_device_add_peer(dev);
	p->flags = WGPEER_HAS_PUBLIC_KEY | WGPEER_REPLACE_ALLOWEDIPS;
	memcpy(p->public_key, k1, 32);
	add_aip(p, AF_INET6, "fd01::", 48);
	p = wg_device_add_peer(dev);
	p->flags = WGPEER_HAS_PUBLIC_KEY;
	memcpy(p->public_key, k2, 32);
	add_aip(p, AF_INET, "10.8.0.2", 32);
	/* Update-only of an unknown peer creates nothing. */
	p = wg_device_add_peer(dev);
	p->flags = WGPEER_HAS_PUBLIC_KEY | WGPEER_UPDATE_ONLY;
	memcpy(p->public_key, k3, 32);
	add_aip(p, AF_INET, "10.7.0.0", 24);
	CHECK(wg_set_device(dev) == 0);
	wg_free_device(dev);
	CHECK(wg_get_device(&got, "wgt0") == 0);
	first = got ? got->first_peer : NULL;
	CHECK(first && first->first_allowedip && first->first_allowedip->family == AF_INET6 &&
	      first->first_allowedip->cidr == 48 && !first->first_allowedip->next_allowedip);
	CHECK(first && first->next_peer && first->next_peer->first_allowedip &&
	      first->next_peer->first_allowedip->next_allowedip &&
	      first->next_peer->first_allowedip->next_allowedip->ip4.s_addr == inet_addr("10.8.0.2"));
	CHECK(first && first->next_peer && !first->next_peer->next_peer);
	wg_free_device(got);

	/* Remove k1. */
	before = lib_text("wgt0");
	dev = wg_device_new("wgt0");
	p = wg_device_add_peer(dev);
	p->flags = WGPEER_HAS_PUBLIC_KEY | WGPEER_REMOVE_ME;
	memcpy(p->public_key, k1, 32);
	CHECK(wg_set_device(dev) == 0);
	wg_free_device(dev);
	CHECK(wg_get_device(&got, "wgt0") == 0);
	CHECK(got && got->first_peer && !got->first_peer->next_peer && !memcmp(got->first_peer->public_key, k2, 32));
	wg_free_device(got);
	after = lib_text("wgt0");
	CHECK(before && after && strcmp(before, after));
	free(before);
	free(after);
}

static wg_peer *find_peer(wg_device *dev, const wg_key key)
{
	wg_peer *p;

	wg_for_each_peer(dev, p)
		if (!memcmp(p->public_key, key, 32))
			return p;
	return NULL;
}

/* WGALLOWEDIP_REMOVE_ME: native on Linux >= 6.16, emulated before. */
static void test_remove_allowedip(void)
{
	wg_device *dev = wg_device_new("wgt0"), *got = NULL;
	wg_peer *p;
	wg_key k, k2;
	char *text, *want;

	rand_key(k);
	rand_key(k2);
	dev->flags = WGDEVICE_REPLACE_PEERS;
	p = wg_device_add_peer(dev);
	p->flags = WGPEER_HAS_PUBLIC_KEY | WGPEER_HAS_PERSISTENT_KEEPALIVE_INTERVAL;
	p->persistent_keepalive_interval = 7;
	memcpy(p->public_key, k, 32);
	add_aip(p, AF_INET, "10.1.0.0", 24);
	add_aip(p, AF_INET, "10.2.0.0", 24);
	add_aip(p, AF_INET6, "fd02::", 64);
	add_aip(p, AF_INET, "10.3.0.1", 32);
	p = wg_device_add_peer(dev);
	p->flags = WGPEER_HAS_PUBLIC_KEY;
	memcpy(p->public_key, k2, 32);
	add_aip(p, AF_INET, "10.4.0.0", 24);
	CHECK(wg_set_device(dev) == 0);
	wg_free_device(dev);

	/* Remove 10.2.0.0/24 (given with host bits) and fd02::/64, add 10.5.0.0/24,
	 * remove a prefix the peer does not have and one that k2 owns. */
	dev = wg_device_new("wgt0");
	p = wg_device_add_peer(dev);
	p->flags = WGPEER_HAS_PUBLIC_KEY;
	memcpy(p->public_key, k, 32);
	add_aip(p, AF_INET, "10.2.0.9", 24)->flags = WGALLOWEDIP_REMOVE_ME;
	add_aip(p, AF_INET6, "fd02::", 64)->flags = WGALLOWEDIP_REMOVE_ME;
	add_aip(p, AF_INET, "10.5.0.0", 24);
	add_aip(p, AF_INET, "10.6.0.0", 24)->flags = WGALLOWEDIP_REMOVE_ME;
	add_aip(p, AF_INET, "10.4.0.0", 24)->flags = WGALLOWEDIP_REMOVE_ME;
	CHECK(wg_set_device(dev) == 0);
	wg_free_device(dev);
	CHECK(wg_get_device(&got, "wgt0") == 0);
	p = got ? find_peer(got, k) : NULL;
	text = p ? conf_text(got) : NULL;
	CHECK(p && p->persistent_keepalive_interval == 7);	/* the peer was not recreated */
	{
		int n = 0, seen = 0;
		wg_allowedip *a;

		if (p)
			wg_for_each_allowedip(p, a) {
				char ip[64];

				n++;
				inet_ntop(a->family, &a->ip6, ip, sizeof(ip));
				if ((!strcmp(ip, "10.1.0.0") && a->cidr == 24) || (!strcmp(ip, "10.3.0.1") && a->cidr == 32) ||
				    (!strcmp(ip, "10.5.0.0") && a->cidr == 24))
					seen++;
			}
		CHECK(n == 3 && seen == 3);
	}
	/* k2 keeps its prefix: a removal only concerns the peer it names. */
	p = got ? find_peer(got, k2) : NULL;
	CHECK(p && p->first_allowedip && p->first_allowedip->ip4.s_addr == inet_addr("10.4.0.0"));
	wg_free_device(got);

	/* A removal for a new peer creates it with the additions only. */
	dev = wg_device_new("wgt0");
	p = wg_device_add_peer(dev);
	p->flags = WGPEER_HAS_PUBLIC_KEY;
	rand_key(p->public_key);
	add_aip(p, AF_INET, "10.77.0.0", 24);
	add_aip(p, AF_INET, "10.78.0.0", 24)->flags = WGALLOWEDIP_REMOVE_ME;
	CHECK(wg_set_device(dev) == 0);
	CHECK(wg_get_device(&got, "wgt0") == 0);
	p = got ? find_peer(got, dev->first_peer->public_key) : NULL;
	CHECK(p && p->first_allowedip && !p->first_allowedip->next_allowedip &&
	      p->first_allowedip->ip4.s_addr == inet_addr("10.77.0.0"));
	wg_free_device(got);
	wg_free_device(dev);

	/* The same peer twice with a removal: applied in order, as the driver does (emulated or not). */
	dev = wg_device_new("wgt0");
	p = wg_device_add_peer(dev);
	p->flags = WGPEER_HAS_PUBLIC_KEY;
	memcpy(p->public_key, k, 32);
	add_aip(p, AF_INET, "10.9.9.0", 24);
	p = wg_device_add_peer(dev);
	p->flags = WGPEER_HAS_PUBLIC_KEY;
	memcpy(p->public_key, k, 32);
	add_aip(p, AF_INET, "10.1.0.0", 24)->flags = WGALLOWEDIP_REMOVE_ME;
	CHECK(wg_get_device(&got, "wgt0") == 0);
	CHECK(got && wg_device_apply(got, dev) == 0);
	want = got ? conf_text(got) : NULL;
	wg_free_device(got);
	CHECK(wg_set_device(dev) == 0);
	wg_free_device(dev);
	free(text);
	text = lib_text("wgt0");
	CHECK(want && strstr(want, "10.9.9.0/24") && !strstr(want, "10.1.0.0/24"));
	CHECK(text_equal("device after a peer listed twice", text, want));
	free(text);
	free(want);
}

/*
 * Random sets (every flag, peers listed twice, own-key peers, prefixes moving
 * and removed) through the driver and through wg_device_apply(): same states,
 * same errors.  Half the rounds remove single prefixes (emulated before 6.16).
 */
static void test_random_sets(void)
{
	int agree = 0, total = 0, errors = 0;
	struct rc r;

	rc_init(&r, 0x6b65726e);
	for (int round = 0; round < 12; round++) {
		wg_device *reset = wg_device_new("wgt0"), *model = NULL;

		r.allowedip_removal = round % 2;
		reset->flags = WGDEVICE_REPLACE_PEERS | WGDEVICE_HAS_PRIVATE_KEY | WGDEVICE_HAS_LISTEN_PORT |
			       WGDEVICE_HAS_FWMARK;
		reset->listen_port = 40001;
		CHECK(wg_set_device(reset) == 0);
		wg_free_device(reset);
		CHECK(wg_get_device(&model, "wgt0") == 0);
		if (!model)
			return;
		for (int step = 0; step < 12; step++) {
			wg_device *set = rc_set(&r, "wgt0"), *got = NULL;
			int want = rc_spoil(&r, set), a, b;

			a = wg_set_device(set);
			b = wg_device_apply(model, set);
			CHECK(a == want && b == want);
			errors += a != 0;
			CHECK(wg_get_device(&got, "wgt0") == 0);
			agree += rc_agrees(set, got, model, "kernel");
			total++;
			wg_free_device(got);
			wg_free_device(set);
		}
		wg_free_device(model);
	}
	fprintf(stderr, "random sets, kernel vs wg_device_apply: %d/%d states agree, %d refused by both\n", agree,
		total, errors);
	CHECK(agree == total);
}

/* Clear what test_split sets, without removing the peers. */
static void reset_peers(const wg_device *dev)
{
	wg_device *reset = wg_device_new("wgt0");
	const wg_peer *p;

	reset->flags = WGDEVICE_HAS_PRIVATE_KEY;	/* zero: no key */
	wg_for_each_peer(dev, p) {
		wg_peer *r = wg_device_add_peer(reset);

		r->flags = WGPEER_HAS_PUBLIC_KEY | WGPEER_REPLACE_ALLOWEDIPS | WGPEER_HAS_PRESHARED_KEY |
			   WGPEER_HAS_PERSISTENT_KEEPALIVE_INTERVAL;
		memcpy(r->public_key, p->public_key, 32);
		r->endpoint.addr4.sin_family = AF_INET;
		r->endpoint.addr4.sin_port = htons(9);
	}
	wg_netlink_set_msg_size = 32768;
	CHECK(wg_set_device(reset) == 0);
	wg_free_device(reset);
}

/* The probe for per-allowed-IP removal answers as the kernel version says. */
static void test_probe(void)
{
	struct utsname u;
	wg_netlink *nl = NULL;
	int major = 0, minor = 0, family;

	uname(&u);
	sscanf(u.release, "%d.%d", &major, &minor);
	CHECK(wg_netlink_open(&nl, -1) == 0);
	if (!nl)
		return;
	family = nl_wg_family(nl, "probe");
	CHECK(family > 0);
	CHECK(kernel_probe_allowedip_flags(nl, (uint16_t)family) == (major > 6 || (major == 6 && minor >= 16)));
	wg_netlink_close(nl);
}

/* Every message size from tiny to large splits somewhere else; the result must not change. */
static void test_split(void)
{
	wg_device *dev = wg_device_new("wgt0");
	char *want, *got, *wg;
	size_t saved = wg_netlink_set_msg_size;
	wg_peer *p;
	int bad = 0;

	dev->flags = WGDEVICE_REPLACE_PEERS | WGDEVICE_HAS_PRIVATE_KEY | WGDEVICE_HAS_LISTEN_PORT | WGDEVICE_HAS_FWMARK;
	rand_key(dev->private_key);
	clamp(dev->private_key);
	dev->listen_port = 4321;
	dev->fwmark = 7;
	for (int i = 0; i < 12; i++) {
		p = wg_device_add_peer(dev);
		p->flags = WGPEER_HAS_PUBLIC_KEY | WGPEER_HAS_PRESHARED_KEY | WGPEER_HAS_PERSISTENT_KEEPALIVE_INTERVAL;
		rand_key(p->public_key);
		rand_key(p->preshared_key);
		p->persistent_keepalive_interval = (uint16_t)(i + 1);
		p->endpoint.addr4.sin_family = AF_INET;
		p->endpoint.addr4.sin_port = htons((uint16_t)(1000 + i));
		p->endpoint.addr4.sin_addr.s_addr = htonl(0xc0000200 + (uint32_t)i);
		for (int j = 0; j < (i % 4) * 37; j++) {
			wg_allowedip *a = wg_peer_add_allowedip(p);

			a->family = (j & 1) ? AF_INET6 : AF_INET;
			a->cidr = (j & 1) ? 128 : 32;
			if (a->family == AF_INET) {
				a->ip4.s_addr = htonl(0x0a000000 | (uint32_t)i << 16 | (uint32_t)j);
			} else {
				a->ip6.s6_addr[0] = 0xfd;
				a->ip6.s6_addr[14] = (uint8_t)i;
				a->ip6.s6_addr[15] = (uint8_t)j;
			}
		}
	}
	want = conf_text(dev);
	/* Create the peers once (each costs the kernel a Curve25519 operation);
	 * later rounds replace every peer's allowed IPs instead. */
	CHECK(wg_set_device(dev) == 0);
	dev->flags &= ~(uint32_t)WGDEVICE_REPLACE_PEERS;
	wg_for_each_peer(dev, p)
		p->flags |= WGPEER_REPLACE_ALLOWEDIPS;
	for (size_t size = 160; size < 9000; size = size < 1500 ? size + 23 : size * 2) {
		wg_netlink_set_msg_size = size;
		/* Start each round from something else, so a stale result cannot pass. */
		reset_peers(dev);
		if (wg_set_device(dev) < 0) {
			fprintf(stderr, "set with %zu-byte messages: %s\n", size, wg_last_error());
			bad++;
			continue;
		}
		got = lib_text("wgt0");
		if (!text_equal("split set", got, want)) {
			fprintf(stderr, "  (message size %zu)\n", size);
			bad++;
		}
		free(got);
	}
	CHECK(bad == 0);

	/* An update-only peer split over messages stays update-only in each:
	 * an unknown one is not created by a continuation. */
	{
		wg_device *upd = wg_device_new("wgt0"), *after = NULL;
		wg_peer *u = wg_device_add_peer(upd);

		u->flags = WGPEER_HAS_PUBLIC_KEY | WGPEER_UPDATE_ONLY;
		rand_key(u->public_key);
		for (int j = 0; j < 60; j++) {
			wg_allowedip *a = wg_peer_add_allowedip(u);

			a->family = AF_INET;
			a->cidr = 32;
			a->ip4.s_addr = htonl(0x0b000000 + (uint32_t)j);
		}
		wg_netlink_set_msg_size = 300;
		CHECK(wg_set_device(upd) == 0);
		CHECK(wg_get_device(&after, "wgt0") == 0);
		CHECK(after && !find_peer(after, u->public_key));
		wg_free_device(after);
		wg_free_device(upd);
	}
	wg_netlink_set_msg_size = saved;
	wg = sh_out("wg showconf wgt0");
	CHECK(text_equal("wg showconf after split sets", wg, want));
	free(wg);
	free(want);
	wg_free_device(dev);
}

static void test_errors(void)
{
	wg_device *dev = NULL, *bad;
	wg_peer *p;
	char *before, *after;
	int ret;

	CHECK(wg_get_device(&dev, "nosuchdev") == -ENODEV);
	CHECK(errno == ENODEV && strstr(wg_last_error(), "nosuchdev"));
	bad = wg_device_new("nosuchdev");
	CHECK(wg_set_device(bad) == -ENODEV && strstr(wg_last_error(), "nosuchdev"));
	wg_free_device(bad);
	CHECK(wg_del_device("nosuchdev") == -ENODEV);

	CHECK(sh("ip link add dum0 type dummy && ip link add vet0 type veth peer name vet1") == 0);
	CHECK(wg_get_device(&dev, "dum0") == -EOPNOTSUPP && strstr(wg_last_error(), "dum0"));
	CHECK(wg_get_device(&dev, "vet0") == -EOPNOTSUPP && strstr(wg_last_error(), "vet0"));
	bad = wg_device_new("vet1");
	CHECK(wg_set_device(bad) == -EOPNOTSUPP && strstr(wg_last_error(), "vet1"));
	wg_free_device(bad);
	CHECK(wg_del_device("dum0") == -EOPNOTSUPP);
	CHECK(sh("ip link show dum0 >/dev/null") == 0);	/* left alone */
	{
		char *names = wg_list_device_names();
		bool has_wgt0 = false, has_dum0 = false;

		for (char *n = names; n && *n; n += strlen(n) + 1) {
			has_wgt0 |= !strcmp(n, "wgt0");
			has_dum0 |= !strcmp(n, "dum0");
		}
		CHECK(names && has_wgt0 && !has_dum0);
		free(names);
	}

	/* Malformed input: -EINVAL, and the device stays as it was, even when the
	 * bad part comes after enough peers to need several messages. */
	before = lib_text("wgt0");
	for (int kind = 0; kind < 7; kind++) {
		wg_allowedip *a;

		bad = wg_device_new("wgt0");
		bad->flags = WGDEVICE_REPLACE_PEERS | WGDEVICE_HAS_LISTEN_PORT;
		bad->listen_port = 999;
		for (int i = 0; i < 400; i++) {
			p = wg_device_add_peer(bad);
			p->flags = WGPEER_HAS_PUBLIC_KEY;
			rand_key(p->public_key);
			add_aip(p, AF_INET, "10.200.0.0", 16);
		}
		p = wg_device_add_peer(bad);
		p->flags = WGPEER_HAS_PUBLIC_KEY;
		rand_key(p->public_key);
		a = add_aip(p, AF_INET, "10.201.0.0", 16);
		switch (kind) {
		case 0: a->family = AF_UNIX; break;
		case 1: a->cidr = 33; break;
		case 2: a->family = AF_INET6; a->cidr = 129; break;
		case 3: p->endpoint.addr.sa_family = AF_UNIX; break;
		case 4: p->flags &= ~(uint32_t)WGPEER_HAS_PUBLIC_KEY; break;
		case 5: p->flags |= WGPEER_HAS_PROTOCOL_VERSION; p->protocol_version = 2; break;
		case 6: p->flags |= 1U << 30; break;
		}
		ret = wg_set_device(bad);
		CHECK(ret == -EINVAL && errno == EINVAL && strstr(wg_last_error(), "wgt0"));
		if (ret != -EINVAL)
			fprintf(stderr, "kind %d: %d %s\n", kind, ret, wg_last_error());
		wg_free_device(bad);
	}
	after = lib_text("wgt0");
	CHECK(text_equal("device after rejected sets", after, before));
	free(before);
	free(after);

	/* Without CAP_NET_ADMIN: -EPERM. */
	{
		pid_t pid = fork();
		int st;

		if (pid == 0) {
			wg_device *d = NULL;
			int r1, r2;

			if (setuid(65534) < 0)
				_exit(3);
			r1 = wg_get_device(&d, "wgt0");
			r2 = wg_add_device("wgt9");
			_exit(r1 == -EPERM && r2 == -EPERM && strstr(wg_last_error(), "wgt9") ? 0 : 1);
		}
		CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0);
	}
	sh("ip link del dum0; ip link del vet0");
}

/* Links, addresses and routes, and the same in another namespace through a handle. */
static void test_rtnetlink(void)
{
	struct in_addr a4, r4;
	struct in6_addr a6, r6;
	char *mtu;

	inet_pton(AF_INET, "10.33.0.1", &a4);
	inet_pton(AF_INET, "10.34.0.0", &r4);
	inet_pton(AF_INET6, "fd33::1", &a6);
	inet_pton(AF_INET6, "fd34::", &r6);
	CHECK(wg_link_set_mtu(NULL, "wgt0", 1380) == 0);
	mtu = sh_out("cat /sys/class/net/wgt0/mtu");
	CHECK(mtu && atoi(mtu) == 1380);
	free(mtu);
	CHECK(wg_link_set_mtu(NULL, "wgt0", 0) == -EINVAL);
	CHECK(wg_link_set_up(NULL, "wgt0", true) == 0);
	CHECK(rt_has("ip -o link show wgt0", ",UP"));
	CHECK(wg_addr_add(NULL, "wgt0", AF_INET, &a4, 24) == 0);
	CHECK(wg_addr_add(NULL, "wgt0", AF_INET, &a4, 24) == -EEXIST);
	CHECK(wg_addr_add(NULL, "wgt0", AF_INET6, &a6, 64) == 0);
	CHECK(rt_has("ip -o addr show dev wgt0", "10.33.0.1/24"));
	CHECK(rt_has("ip -o addr show dev wgt0", "fd33::1/64"));
	CHECK(wg_route_add(NULL, "wgt0", AF_INET, &r4, 16, 0) == 0);
	CHECK(wg_route_add(NULL, "wgt0", AF_INET, &r4, 16, 0) == -EEXIST);
	CHECK(wg_route_add(NULL, "wgt0", AF_INET6, &r6, 48, 0) == 0);
	CHECK(wg_route_add(NULL, "wgt0", AF_INET, &r4, 16, 1234) == 0);
	CHECK(wg_route_add(NULL, "wgt0", AF_INET6, &r6, 48, 70000) == 0);
	CHECK(rt_has("ip route show dev wgt0", "10.34.0.0/16"));
	CHECK(rt_has("ip -6 route show dev wgt0", "fd34::/48"));
	CHECK(rt_has("ip route show table 1234", "10.34.0.0/16 dev wgt0"));
	CHECK(rt_has("ip -6 route show table 70000", "fd34::/48 dev wgt0"));
	CHECK(wg_route_del(NULL, "wgt0", AF_INET, &r4, 16, 1234) == 0);
	CHECK(!rt_has("ip route show table 1234", "10.34.0.0/16"));
	CHECK(wg_route_del(NULL, "wgt0", AF_INET, &r4, 16, 1234) == -ESRCH);
	CHECK(wg_route_del(NULL, "wgt0", AF_INET, &r4, 16, 0) == 0);
	CHECK(wg_addr_del(NULL, "wgt0", AF_INET, &a4, 24) == 0);
	CHECK(wg_addr_del(NULL, "wgt0", AF_INET, &a4, 24) == -EADDRNOTAVAIL);
	CHECK(!rt_has("ip -o addr show dev wgt0", "10.33.0.1/24"));
	CHECK(wg_addr_add(NULL, "wgt0", AF_INET, &a4, 33) == -EINVAL);
	CHECK(wg_addr_add(NULL, "wgt0", AF_UNIX, &a4, 8) == -EINVAL);
	CHECK(wg_addr_add(NULL, "nosuchdev", AF_INET, &a4, 24) == -ENODEV && strstr(wg_last_error(), "nosuchdev"));
	CHECK(wg_route_add(NULL, "nosuchdev", AF_INET, &r4, 16, 0) == -ENODEV);
	CHECK(wg_link_set_up(NULL, "nosuchdev", true) == -ENODEV);
	CHECK(wg_link_set_up(NULL, "wgt0", false) == 0);
	CHECK(!rt_has("ip -o link show wgt0", ",UP"));
}

static void test_netns(void)
{
	wg_netlink *nl = NULL;
	wg_device *dev, *got = NULL;
	wg_peer *p;
	struct in_addr a4;
	char *names, *wg, *want;
	int fd;

	CHECK(sh("ip netns add wgtest") == 0);
	fd = open("/run/netns/wgtest", O_RDONLY | O_CLOEXEC);
	CHECK(fd >= 0);
	CHECK(wg_netlink_open(&nl, fd) == 0);
	close(fd);	/* the handle keeps its own */
	CHECK(wg_netlink_open(&(wg_netlink *){ NULL }, 0) < 0);	/* stdin is no namespace */
	if (!nl)
		return;
	CHECK(wg_netlink_add_device(nl, "wgns0") == 0);
	CHECK(wg_netlink_add_device(nl, "wgns1") == 0);
	CHECK(sh("ip link show wgns0 >/dev/null 2>&1") != 0);	/* not in ours */
	CHECK(wg_get_device(&got, "wgns0") == -ENODEV);
	dev = wg_device_new("wgns0");
	dev->flags = WGDEVICE_HAS_PRIVATE_KEY | WGDEVICE_HAS_LISTEN_PORT;
	wg_generate_private_key(dev->private_key);
	dev->listen_port = 7777;
	p = wg_device_add_peer(dev);
	p->flags = WGPEER_HAS_PUBLIC_KEY;
	rand_key(p->public_key);
	add_aip(p, AF_INET, "10.44.0.0", 16);
	CHECK(wg_netlink_set_device(nl, dev) == 0);
	CHECK(wg_netlink_get_device(nl, &got, "wgns0") == 0);
	want = conf_text(dev);
	wg = sh_out("ip netns exec wgtest wg showconf wgns0");
	CHECK(text_equal("netns: wg showconf vs what was set", wg, want));
	free(wg);
	if (got) {
		wg_device *byidx = NULL;
		char *a, *b;

		CHECK(wg_netlink_get_device_by_index(nl, &byidx, got->ifindex) == 0);
		a = conf_text(got);
		b = byidx ? conf_text(byidx) : NULL;
		CHECK(text_equal("netns: by index vs by name", b, a));
		free(a);
		free(b);
		/* Set by index: the name left empty. */
		if (byidx) {
			wg_device *set = wg_device_new(NULL);

			set->ifindex = byidx->ifindex;
			set->flags = WGDEVICE_HAS_FWMARK;
			set->fwmark = 42;
			CHECK(wg_netlink_set_device(nl, set) == 0);
			wg_free_device(set);
		}
		wg_free_device(byidx);
		wg_free_device(got);
		CHECK(rt_has("ip netns exec wgtest wg show wgns0 fwmark", "0x2a"));
	}
	free(want);
	names = wg_netlink_list_device_names(nl);
	CHECK(names && !strcmp(names, "wgns0") && !strcmp(names + 6, "wgns1") && names[12] == '\0');
	free(names);
	inet_pton(AF_INET, "10.45.0.1", &a4);
	CHECK(wg_addr_add(nl, "wgns0", AF_INET, &a4, 24) == 0);
	CHECK(wg_route_add(nl, "wgns0", AF_INET, &a4, 32, 0) == -ENETDOWN);	/* the kernel's word, passed on */
	CHECK(wg_link_set_up(nl, "wgns0", true) == 0);
	CHECK(wg_route_add(nl, "wgns0", AF_INET, &a4, 32, 0) == 0);
	CHECK(rt_has("ip netns exec wgtest ip -o addr show dev wgns0", "10.45.0.1/24"));
	CHECK(wg_netlink_del_device(nl, "wgns1") == 0);
	CHECK(wg_netlink_del_device(nl, "wgns1") == -ENODEV);
	wg_free_device(dev);
	wg_netlink_close(nl);
	sh("ip netns del wgtest");
}

/* Each part prints its time: the whole suite has a budget of minutes under TCG. */
#define RUN(fn) do { \
	struct timespec t0, t1; \
	clock_gettime(CLOCK_MONOTONIC, &t0); \
	fn(); \
	clock_gettime(CLOCK_MONOTONIC, &t1); \
	printf("%-24s %6.2f s\n", #fn, (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9); \
} while (0)

int main(void)
{
	RUN(test_roundtrip);
	RUN(test_from_wg);
	RUN(test_updates);
	RUN(test_probe);
	RUN(test_remove_allowedip);
	RUN(test_random_sets);
	RUN(test_split);
	RUN(test_errors);
	RUN(test_rtnetlink);
	RUN(test_netns);
	CHECK(wg_del_device("wgt0") == 0);
	CHECK(wg_del_device("wgt0") == -ENODEV);
	return test_done();
}
