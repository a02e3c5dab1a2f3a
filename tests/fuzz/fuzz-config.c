// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * wg(8) config text: parse (numeric endpoints only, so no DNS traffic); what
 * parses must print, parse again and print the same; canonical form and a
 * diff against the empty device must succeed and reach it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <wireguard.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	wg_device *dev = NULL, *again = NULL, *empty = NULL, *diff = NULL;
	wg_quick_config *quick = NULL, *quick2 = NULL;
	char *a = NULL, *b = NULL;

	if (wg_config_parse(&dev, &quick, (const char *)data, size, "fuzz", WG_CONFIG_NUMERIC))
		return 0;
	if (wg_config_format(&a, dev, quick) ||
	    wg_config_parse(&again, &quick2, a, strlen(a), "again", WG_CONFIG_NUMERIC) ||
	    wg_config_format(&b, again, quick2) || strcmp(a, b))
		abort();
	empty = wg_device_new(NULL);
	if (!empty || wg_device_canonicalize(again) || wg_device_diff(&diff, empty, again, 0) ||
	    wg_device_apply(empty, diff) || wg_device_canonicalize(empty))
		abort();
	wg_config_free_text(a);
	wg_config_free_text(b);
	wg_free_device(dev);
	wg_free_device(again);
	wg_free_device(empty);
	wg_free_device(diff);
	wg_quick_config_free(quick);
	wg_quick_config_free(quick2);
	return 0;
}
