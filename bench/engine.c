// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The engine in process, one core: seal+open of 1420-byte IP packets in
 * batches of 64 through wg_engine_encrypt() and wg_engine_decrypt() (Gbit/s
 * of plaintext), and complete handshakes per second (initiation, response
 * and the first data message, both engines' work), for each crypto
 * implementation this build has.  Usage: bench-engine [seconds per cell]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <arpa/inet.h>

#include <wireguard.h>

#include "crypto.h"
#include "reference.h"
#include "engine.h"

#define PACKET 1420
#define BATCH 64

struct node {
	wg_engine *engine;
	wg_endpoint addr;
	/* Datagrams the engine sent on its own (handshakes, staged packets). */
	uint8_t out[8][PACKET + 64];
	uint32_t out_len[8];
	unsigned int n_out;
};

static uint64_t fake_now = 1000000000000ULL;
static struct node a, b;

static double now(void)
{
	return bench_cpu_now();
}

static uint64_t clock_cb(void *ctx)
{
	(void)ctx;
	return fake_now;
}

/* Wall-clock time follows the fake clock: initiation timestamps must increase. */
static void realtime_cb(struct timespec *ts, void *ctx)
{
	(void)ctx;
	ts->tv_sec = (time_t)(fake_now / 1000000000ULL);
	ts->tv_nsec = (long)(fake_now % 1000000000ULL);
}

static void send_cb(const struct wg_packet *p, size_t n, void *ctx)
{
	struct node *node = ctx;

	for (size_t i = 0; i < n && node->n_out < 8; i++) {
		if (p[i].len > sizeof(node->out[0]))
			continue;
		memcpy(node->out[node->n_out], p[i].buf + p[i].offset, p[i].len);
		node->out_len[node->n_out++] = p[i].len;
	}
}

/* Deliver what `from` sent on its own to `to`; returns how many. */
static unsigned int flush(struct node *from, struct node *to)
{
	unsigned int n = from->n_out;
	uint8_t buf[PACKET + 128];

	from->n_out = 0;
	for (unsigned int i = 0; i < n; i++) {
		struct wg_packet pkt = { .buf = buf, .size = sizeof(buf), .offset = 32, .len = from->out_len[i],
					 .endpoint = from->addr };

		memcpy(buf + 32, from->out[i], from->out_len[i]);
		wg_engine_decrypt(to->engine, &pkt, 1);
	}
	return n;
}

static void setup(void)
{
	struct wg_engine_options o = { .size = sizeof(o), .send = send_cb, .clock = clock_cb,
					 .realtime = realtime_cb };
	uint8_t priv[2][32];

	wg_generate_private_key(priv[0]);
	wg_generate_private_key(priv[1]);
	a.addr.addr4.sin_family = b.addr.addr4.sin_family = AF_INET;
	a.addr.addr4.sin_port = 1;
	b.addr.addr4.sin_port = 2;
	for (int side = 0; side < 2; side++) {
		struct node *node = side ? &b : &a, *other = side ? &a : &b;
		wg_device *dev = wg_device_new(NULL);
		wg_peer *peer = wg_device_add_peer(dev);
		wg_allowedip *aip = wg_peer_add_allowedip(peer);

		o.ctx = node;
		if (wg_engine_new(&node->engine, &o))
			exit(1);
		dev->flags = WGDEVICE_HAS_PRIVATE_KEY;
		memcpy(dev->private_key, priv[side], 32);
		peer->flags = WGPEER_HAS_PUBLIC_KEY;
		wg_generate_public_key(peer->public_key, priv[!side]);
		peer->endpoint = other->addr;
		aip->family = AF_INET;
		aip->cidr = 0;
		if (wg_engine_set_device(node->engine, dev))
			exit(1);
		wg_free_device(dev);
	}
}

static uint8_t ip_packet[PACKET];

static void send_one(void)
{
	uint8_t buf[PACKET + WG_PACKET_HEADROOM + WG_PACKET_TAILROOM];
	struct wg_packet pkt = { .buf = buf, .size = sizeof(buf), .offset = WG_PACKET_HEADROOM, .len = PACKET };

	memcpy(buf + WG_PACKET_HEADROOM, ip_packet, PACKET);
	wg_engine_encrypt(a.engine, &pkt, 1);
}

/* One complete handshake: a's session is made unusable, a packet restarts it. */
static void handshake(void)
{
	wg_key b_pub;

	fake_now += 6 * 1000000000ULL;	/* past REKEY_TIMEOUT and the initiation flood guard */
	wg_engine_tick(a.engine);
	wg_engine_tick(b.engine);
	wg_generate_public_key(b_pub, b.engine->identity.static_private);
	wg_engine_test_set_send_counter(a.engine, b_pub, REJECT_AFTER_MESSAGES);
	send_one();			/* staged; initiation */
	if (flush(&a, &b) != 1)		/* initiation -> response */
		exit(2);
	if (flush(&b, &a) != 1)		/* response -> staged data */
		exit(3);
	if (flush(&a, &b) != 1)		/* data: b confirms */
		exit(4);
	flush(&b, &a);
}

static double handshakes_per_second(double seconds)
{
	double start = now(), t;
	long n = 0;

	do {
		handshake();
		n++;
		t = now() - start;
	} while (t < seconds);
	return (double)n / t;
}

static double gbits_per_second(double seconds)
{
	static uint8_t bufs[BATCH][PACKET + 64];
	struct wg_packet pkts[BATCH];
	double start = now(), t;
	long n = 0;

	do {
		for (int i = 0; i < BATCH; i++) {
			pkts[i] = (struct wg_packet){ .buf = bufs[i], .size = sizeof(bufs[i]),
						      .offset = WG_PACKET_HEADROOM, .len = PACKET };
			memcpy(bufs[i] + WG_PACKET_HEADROOM, ip_packet, PACKET);
		}
		wg_engine_encrypt(a.engine, pkts, BATCH);
		for (int i = 0; i < BATCH; i++)
			pkts[i].endpoint = a.addr;
		wg_engine_decrypt(b.engine, pkts, BATCH);
		for (int i = 0; i < BATCH; i++)
			if (pkts[i].status != WG_PACKET_DELIVER || pkts[i].len != PACKET)
				exit(5);
		n += BATCH;
		t = now() - start;
	} while (t < seconds);
	return (double)n * PACKET * 8 / t / 1e9;
}

/* Configuration at scale: set and read back 10,000 peers with 2 allowed IPs each. */
static void bench_config(void)
{
	struct wg_engine_options o = { .size = sizeof(o), .send = send_cb, .ctx = &a };
	enum { PEERS = 10000 };
	wg_engine *e;
	wg_device *dev = wg_device_new(NULL);
	double t0, t1, t2;

	if (wg_engine_new(&e, &o))
		exit(6);
	dev->flags = WGDEVICE_HAS_PRIVATE_KEY;
	wg_generate_private_key(dev->private_key);
	for (int i = 0; i < PEERS; i++) {
		wg_peer *p = wg_device_add_peer(dev);

		p->flags = WGPEER_HAS_PUBLIC_KEY;
		wg_generate_private_key(p->public_key);	/* any 32 bytes will do */
		for (int j = 0; j < 2; j++) {
			wg_allowedip *aip = wg_peer_add_allowedip(p);

			aip->family = AF_INET;
			aip->ip4.s_addr = htonl(0x0a000000u | (uint32_t)i << 8 | (uint32_t)j << 7);
			aip->cidr = 25;
		}
	}
	t0 = now();
	if (wg_engine_set_device(e, dev))
		exit(7);
	t1 = now();
	wg_free_device(dev);
	if (wg_engine_get_device(e, &dev))
		exit(8);
	t2 = now();
	wg_free_device(dev);
	for (int i = 0; i < 1000; i++)
		wg_engine_tick(e);
	double t3 = now();
	wg_engine_free(e);
	printf("\nset_device %d peers x 2 allowed IPs: %.3f s (three X25519 per peer: static-static, a spare ephemeral and its DH); get_device: %.3f s;\n"
	       "wg_engine_tick with all of them idle: %.2f us\n", PEERS, t1 - t0, t2 - t1, (t3 - t2) * 1e3);
}

int main(int argc, char **argv)
{
	static const char *const impls[] = { "default", "openssl", "bearssl", "fe51", "fe64" };
	double seconds = argc > 1 ? atof(argv[1]) : 1.0, default_gbps = 0;

	/* A 1420-byte IPv4 packet 10.0.0.1 -> 10.0.0.2. */
	ip_packet[0] = 0x45;
	ip_packet[2] = PACKET >> 8;
	ip_packet[3] = PACKET & 0xff;
	ip_packet[12] = 10, ip_packet[15] = 1;
	ip_packet[16] = 10, ip_packet[19] = 2;
	setup();

	printf("libwireguard engine, in process, one core (%.1f s of CPU time per cell)\n\n", seconds);
	printf("%-10s %-10s %-10s %14s %16s\n", "provider", "AEAD", "X25519", "seal+open Gb/s", "handshakes/s");
	for (size_t i = 0; i < sizeof(impls) / sizeof(impls[0]); i++) {
		if (i && !wg_crypto_select(impls[i]))
			continue;
		handshake();	/* a fresh session with this implementation */
		double gbps = gbits_per_second(seconds);
		double hs = handshakes_per_second(seconds);
		printf("%-10s %-10s %-10s %14.2f %16.0f\n", impls[i], wg_aead()->name, wg_x25519()->name, gbps, hs);
		if (i == 0)
			default_gbps = gbps;
	}
	wg_engine_free(a.engine);
	wg_engine_free(b.engine);

	/* The same work done by independent implementations, in this run. */
	double openssl = ref_openssl_aead(seconds), sodium = ref_sodium_aead(seconds);
	double bearssl = ref_bearssl_aead(seconds);
	double dh_sodium = ref_sodium_x25519(seconds), dh_bearssl = ref_bearssl_x25519(seconds);
	printf("\nthe raw primitives, called directly (same packet size, same run):\n");
	printf("  ChaCha20-Poly1305 seal+open Gb/s: OpenSSL EVP %.2f, libsodium %.2f, BearSSL %.2f\n",
	       openssl * REF_PACKET * 8 / 1e9, sodium * REF_PACKET * 8 / 1e9, bearssl * REF_PACKET * 8 / 1e9);
	printf("  X25519 ops/s: libsodium %.0f, BearSSL %.0f\n", dh_sodium, dh_bearssl);
	printf("  engine (default) seal+open vs raw OpenSSL EVP: %.2fx;"
	       " a handshake is 8 X25519: at most %.0f/s at libsodium's speed\n",
	       default_gbps / (openssl * REF_PACKET * 8 / 1e9), dh_sodium / 8);
	bench_config();
	return 0;
}
