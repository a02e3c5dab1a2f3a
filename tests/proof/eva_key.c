/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Eva harness for lib/crypto/key.c's decoders (keys arrive in configuration
 * files and on the UAPI socket): any 45 bytes as a base64 key and any 65
 * bytes as a hex key, NUL or not.  No run-time error.
 */
#include "__fc_builtin.h"
#include "crypto.h"
#include "error.h"

/* Assumed (error.c records a message for the calling thread). */
/*@ assigns \result \from err;
    ensures \result == -err; */
int wg_error(int err, const char *fmt, ...);

int main(void)
{
	wg_key_b64_string b64;
	char hex[sizeof(wg_key_hex_string)];
	wg_key key = { 0 };

	Frama_C_make_unknown(b64, sizeof(b64));
	(void)wg_key_from_base64(key, b64);
	Frama_C_make_unknown(hex, sizeof(hex));
	(void)wg_key_from_hex(key, hex);
	return 0;
}
