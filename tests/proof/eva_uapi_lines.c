/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Eva harness for lib/config/uapi_text.c's line splitter (next_line() and
 * parse_device()'s loop), as both parsers use it: any UAPI_MAX bytes of any
 * content, any length 0..UAPI_MAX.  Every line handed to a key handler has
 * its key and value as NUL-terminated strings inside the line buffer (the
 * stub below reads them with strlen, which Eva checks); the key handlers
 * themselves are checked by eva_uapi_keys.c for any such strings.
 */
#include "__fc_builtin.h"
#include "uapi_text.c"

#ifndef UAPI_MAX
#define UAPI_MAX 16
#endif

/* Assumed (error.c records a message for the calling thread). */
/*@ assigns \result \from err;
    ensures \result == -err; */
int wg_error(int err, const char *fmt, ...);

/* Stands for parse_set_key / parse_get_key: reads both strings, then any verdict. */
static int any_key(struct lines *l, wg_device *dev, wg_peer **peer)
{
	size_t k = strlen(l->key);
	size_t v = strlen(l->value);

	(void)dev;
	(void)peer;
	switch (Frama_C_interval(0, 3)) {
	case 0:
		return 0;
	case 1:
		return 1;	/* stop: errno= in a get reply */
	case 2:
		return -EINVAL;
	default:
		return -ENOMEM;
	}
}

static char text[UAPI_MAX];

int main(void)
{
	wg_device *dev = NULL;
	size_t len = Frama_C_interval(0, UAPI_MAX);

	/*@ split len; */
	Frama_C_make_unknown(text, sizeof(text));
	if (parse_device(text, len, &dev, any_key, Frama_C_interval(0, 1) ? set_bad_line : get_bad_line) == 0)
		wg_free_device(dev);
	return 0;
}
