/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * SipHash-2-4: the reference vectors (key 00..0f, message 00..len-1, as in
 * the paper's vectors.h), then random keys and lengths against OpenSSL's
 * SIPHASH MAC through the openssl(1) tool when it has one.
 */
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

#include "siphash.h"
#include "test.h"
#include "util.h"

static const struct {
	size_t len;
	const char *out;	/* little-endian bytes of the 64-bit result */
} vectors[] = {
	{ 0, "310e0edd47db6f72" }, { 1, "fd67dc93c539f874" },
	{ 2, "5a4fa9d909806c0d" }, { 7, "37d1018bf50002ab" },
	{ 8, "6224939a79f5f593" }, { 15, "e545be4961ca29a1" },
	{ 16, "db9bc2577fcc2a3f" }, { 63, "724506eb4c328a95" },
};

/* OpenSSL's answer as 16 hex digits, or "" if the tool cannot give one. */
static void openssl_siphash(char out[17], const uint8_t key[16], const uint8_t *msg, size_t len)
{
	char path[] = "/tmp/wg-siphash-XXXXXX", cmd[256];
	int fd = mkstemp(path);
	FILE *f;

	out[0] = 0;
	if (fd < 0)
		return;
	if (write(fd, msg, len) != (ssize_t)len) {
		close(fd);
		unlink(path);
		return;
	}
	close(fd);
	int n = snprintf(cmd, sizeof(cmd), "openssl mac -macopt size:8 -macopt hexkey:");
	for (int i = 0; i < 16; i++)
		n += snprintf(cmd + n, sizeof(cmd) - (size_t)n, "%02x", key[i]);
	snprintf(cmd + n, sizeof(cmd) - (size_t)n, " -in %s SIPHASH 2>/dev/null", path);
	f = popen(cmd, "r");
	if (f) {
		if (fscanf(f, "%16s", out) != 1)
			out[0] = 0;
		pclose(f);
	}
	unlink(path);
}

int main(void)
{
	uint8_t key[16], msg[64], want[8], got[8];
	int compared = 0;

	for (int i = 0; i < 16; i++)
		key[i] = (uint8_t)i;
	for (int i = 0; i < 64; i++)
		msg[i] = (uint8_t)i;
	for (size_t i = 0; i < ARRAY_SIZE(vectors); i++) {
		test_unhex(want, vectors[i].out);
		wg_put_le64(got, wg_siphash(key, msg, vectors[i].len));
		CHECK_MEM(got, want, 8);
	}

	for (int round = 0; round < 12; round++) {
		char hex[17];
		size_t len = (size_t)round * 5 % 64;

		wg_random_bytes(key, sizeof(key));
		wg_random_bytes(msg, sizeof(msg));
		openssl_siphash(hex, key, msg, len);
		if (!hex[0])
			break;
		for (int i = 0; hex[i]; i++)
			hex[i] = (char)(hex[i] | 0x20);	/* lower case */
		test_unhex(want, hex);
		wg_put_le64(got, wg_siphash(key, msg, len));
		CHECK_MEM(got, want, 8);
		compared++;
	}
	printf("compared %d random cases with openssl(1)%s\n", compared,
	       compared ? "" : " (openssl without SIPHASH: skipped)");
	return test_done();
}
