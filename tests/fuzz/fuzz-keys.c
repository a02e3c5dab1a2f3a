// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Key text: base64 (wg(8), config files) and hex (UAPI).  What decodes must
 * encode back to the same text (hex: in lowercase); what does not decode
 * leaves the output untouched.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <wireguard.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char text[128];
	wg_key key, untouched;
	wg_key_b64_string b64;
	wg_key_hex_string hex;

	if (size >= sizeof(text))
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	memset(key, 0xa5, sizeof(key));
	memcpy(untouched, key, sizeof(key));
	if (!wg_key_from_base64(key, text)) {
		wg_key_to_base64(b64, key);
		if (strcmp(b64, text))
			abort();
	} else if (memcmp(key, untouched, sizeof(key))) {
		abort();
	}
	memcpy(key, untouched, sizeof(key));
	if (!wg_key_from_hex(key, text)) {
		wg_key_to_hex(hex, key);
		for (size_t i = 0; i < 64; i++)
			if (hex[i] != tolower((unsigned char)text[i]))
				abort();
		if (strlen(text) != 64)
			abort();
	} else if (memcmp(key, untouched, sizeof(key))) {
		abort();
	}
	return 0;
}
