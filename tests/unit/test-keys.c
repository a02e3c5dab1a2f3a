// SPDX-License-Identifier: LGPL-2.1-or-later
/* Key encodings: round trips, the one valid encoding of each key, and rejection
 * of everything else with nothing written. */
#include <errno.h>

#include "tai64n.h"
#include "test.h"
#include "wireguard.h"

static void base64(void)
{
	wg_key k, back, untouched;
	wg_key_b64_string s;

	for (int i = 0; i < 1000; i++) {
		wg_generate_preshared_key(k);
		wg_key_to_base64(s, k);
		CHECK(strlen(s) == 44 && s[43] == '=');
		CHECK(wg_key_from_base64(back, s) == 0);
		CHECK_MEM(back, k, 32);
	}
	memset(k, 0xff, 32);
	wg_key_to_base64(s, k);
	CHECK(!strcmp(s, "//////////////////////////////////////////8="));
	memset(k, 0, 32);
	wg_key_to_base64(s, k);
	CHECK(!strcmp(s, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="));

	static const char *const bad[] = {
		"",
		"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",	  /* 43: no padding */
		"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",	  /* 44 without '=' */
		"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==",  /* 45 */
		"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAB=",	  /* nonzero trailing bits */
		"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA*=",	  /* bad character */
		"AAAAAAAAAAAAAAAAAAAAAAAA AAAAAAAAAAAAAAAAAA=",	  /* space */
		"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA-A=",	  /* url-safe alphabet */
		"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\xc3=", /* non-ASCII */
		"=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
	};
	memset(untouched, 0x5a, 32);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memcpy(k, untouched, 32);
		errno = 0;
		CHECK(wg_key_from_base64(k, bad[i]) == -EINVAL);
		CHECK(errno == EINVAL);
		CHECK(wg_last_error()[0] != '\0');
		CHECK_MEM(k, untouched, 32);
	}
	/* Every character of the alphabet decodes to its own value. */
	static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	for (int i = 0; i < 64; i++) {
		char t[45];
		memset(t, 'A', 44);
		t[43] = '=';
		t[44] = '\0';
		t[0] = alphabet[i];
		CHECK(wg_key_from_base64(k, t) == 0);
		CHECK(k[0] == (uint8_t)(i << 2));
	}
}

static void hex(void)
{
	wg_key k, back, untouched;
	wg_key_hex_string h;

	for (int i = 0; i < 1000; i++) {
		wg_generate_preshared_key(k);
		wg_key_to_hex(h, k);
		CHECK(strlen(h) == 64);
		CHECK(wg_key_from_hex(back, h) == 0);
		CHECK_MEM(back, k, 32);
	}
	for (int i = 0; i < 32; i++)
		k[i] = (uint8_t)(i * 8 + 7);
	wg_key_to_hex(h, k);
	CHECK(!strcmp(h, "070f171f272f373f474f575f676f777f878f979fa7afb7bfc7cfd7dfe7eff7ff"));
	CHECK(wg_key_from_hex(back, "070F171F272F373F474F575F676F777F878F979FA7AFB7BFC7CFD7DFE7EFF7FF") == 0);
	CHECK_MEM(back, k, 32);

	static const char *const bad[] = {
		"",
		"070f171f272f373f474f575f676f777f878f979fa7afb7bfc7cfd7dfe7eff7f",
		"070f171f272f373f474f575f676f777f878f979fa7afb7bfc7cfd7dfe7eff7ff0",
		"g70f171f272f373f474f575f676f777f878f979fa7afb7bfc7cfd7dfe7eff7ff",
		"070f171f272f373f474f575f676f777f878f979fa7afb7bfc7cfd7dfe7eff7f ",
		"0x0f171f272f373f474f575f676f777f878f979fa7afb7bfc7cfd7dfe7eff7ff",
	};
	memset(untouched, 0xa5, 32);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memcpy(back, untouched, 32);
		CHECK(wg_key_from_hex(back, bad[i]) == -EINVAL);
		CHECK_MEM(back, untouched, 32);
	}
}

static void generation(void)
{
	wg_key a, b, pa, pb;

	wg_generate_private_key(a);
	wg_generate_private_key(b);
	CHECK(!wg_key_equal(a, b));
	CHECK((a[0] & 7) == 0 && (a[31] & 0x80) == 0 && (a[31] & 0x40) != 0);
	wg_generate_public_key(pa, a);
	wg_generate_public_key(pb, b);
	CHECK(!wg_key_is_zero(pa));
	CHECK(!wg_key_equal(pa, pb));

	wg_key z = { 0 };
	CHECK(wg_key_is_zero(z));
	z[31] = 1;
	CHECK(!wg_key_is_zero(z));
	CHECK(wg_key_equal(a, a));
}

static void tai64n(void)
{
	uint8_t t[12], want[12];

	/* 1 s after the epoch, 999,999,999 ns rounded down to a multiple of 2^24. */
	tai64n_encode(t, (struct timespec){ .tv_sec = 1, .tv_nsec = 999999999 });
	test_unhex(want, "400000000000000b3b000000");
	CHECK_MEM(t, want, 12);
	tai64n_encode(t, (struct timespec){ .tv_sec = 1700000000, .tv_nsec = 16777215 });
	test_unhex(want, "400000006553f10a00000000");
	CHECK_MEM(t, want, 12);
}

static void model(void)
{
	wg_device *dev = wg_device_new("wg0");

	CHECK(dev && !strcmp(dev->name, "wg0"));
	for (int i = 0; i < 3; i++) {
		wg_peer *p = wg_device_add_peer(dev);
		for (int j = 0; j < 4; j++)
			CHECK(wg_peer_add_allowedip(p) != NULL);
	}
	int peers = 0, aips = 0;
	wg_peer *p;
	wg_allowedip *a;
	wg_for_each_peer(dev, p) {
		peers++;
		wg_for_each_allowedip(p, a)
			aips++;
	}
	CHECK(peers == 3 && aips == 12);
	wg_free_device(dev);
	wg_free_device(NULL);

	CHECK(wg_device_new("a-name-that-is-too-long") == NULL);
	CHECK(errno == EINVAL);
}

int main(void)
{
	base64();
	hex();
	generation();
	tai64n();
	model();
	CHECK(!strcmp(wg_version(), "1.0.0"));
	return test_done();
}
