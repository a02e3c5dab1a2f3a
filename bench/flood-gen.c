// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * A handshake flood for bench/flood.sh: initiations with random contents
 * and a valid mac1 for the target's public key (so that they get past the
 * cheap check and cost the target either a DH or a cookie reply), each from
 * another spoofed IPv4 source (raw socket, IP_HDRINCL), at a fixed rate.
 * Only inside network namespaces the benchmark creates.
 *
 *   flood-gen DST_IP DST_PORT PUBKEY_BASE64 PPS SECONDS [SOURCES=65536]
 *
 * Prints the number of datagrams sent.
 */
#include <arpa/inet.h>
#include <netinet/ip.h>
#include <netinet/udp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include <wireguard.h>

#include "blake2s.h"

enum { BATCH = 64, MSG = 148 };

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	static uint8_t pkts[BATCH][20 + 8 + MSG];
	struct mmsghdr mm[BATCH];
	struct iovec iov[BATCH];
	struct sockaddr_in dst = { .sin_family = AF_INET };
	uint8_t mac1_key[32];
	wg_key pub;
	struct blake2s_state st;
	unsigned long long sent = 0;
	double pps, secs, t0;
	uint32_t sources, n = 0;
	int fd, one = 1;

	if (argc < 6 || inet_pton(AF_INET, argv[1], &dst.sin_addr) != 1 || wg_key_from_base64(pub, argv[3])) {
		fprintf(stderr, "usage: flood-gen DST_IP DST_PORT PUBKEY_BASE64 PPS SECONDS [SOURCES]\n");
		return 2;
	}
	pps = atof(argv[4]);
	secs = atof(argv[5]);
	sources = argc > 6 ? (uint32_t)atoi(argv[6]) : 65536;
	fd = socket(AF_INET, SOCK_RAW, IPPROTO_RAW);
	if (fd < 0 || setsockopt(fd, IPPROTO_IP, IP_HDRINCL, &one, sizeof(one)) < 0) {
		perror("raw socket");
		return 1;
	}
	blake2s_init(&st, 32, NULL, 0);
	blake2s_update(&st, "mac1----", 8);
	blake2s_update(&st, pub, 32);
	blake2s_final(&st, mac1_key);
	for (int i = 0; i < BATCH; i++) {
		iov[i] = (struct iovec){ .iov_base = pkts[i], .iov_len = sizeof(pkts[i]) };
		mm[i] = (struct mmsghdr){ .msg_hdr = { .msg_name = &dst, .msg_namelen = sizeof(dst),
							.msg_iov = &iov[i], .msg_iovlen = 1 } };
	}
	t0 = now();
	while (now() - t0 < secs) {
		for (int i = 0; i < BATCH; i++, n++) {
			uint8_t *ip = pkts[i], *udp = ip + 20, *m = udp + 8;
			uint32_t src = htonl(0x0ac80000u + 1 + n % sources);	/* 10.200.0.0/16 and up */

			memset(ip, 0, 28);
			ip[0] = 0x45;
			ip[2] = (uint8_t)((20 + 8 + MSG) >> 8);
			ip[3] = (uint8_t)(20 + 8 + MSG);
			ip[8] = 64;
			ip[9] = IPPROTO_UDP;
			memcpy(ip + 12, &src, 4);
			memcpy(ip + 16, &dst.sin_addr, 4);
			udp[0] = (uint8_t)((40000 + n % 20000) >> 8);
			udp[1] = (uint8_t)(40000 + n % 20000);
			udp[2] = (uint8_t)(atoi(argv[2]) >> 8);
			udp[3] = (uint8_t)atoi(argv[2]);
			udp[5] = 8 + MSG;	/* length; checksum 0: none */
			if (getrandom(m, MSG, 0) != MSG)
				return 1;
			m[0] = 1;
			m[1] = m[2] = m[3] = 0;
			blake2s(m + 116, 16, m, 116, mac1_key, 32);
			memset(m + 132, 0, 16);
		}
		int r = sendmmsg(fd, mm, BATCH, 0);

		if (r > 0)
			sent += (unsigned)r;
		/* Pace to the rate. */
		double ahead = (double)sent / pps - (now() - t0);

		if (ahead > 0) {
			struct timespec ts = { (time_t)ahead, (long)((ahead - (double)(time_t)ahead) * 1e9) };

			nanosleep(&ts, NULL);
		}
	}
	printf("%llu\n", sent);
	return 0;
}
