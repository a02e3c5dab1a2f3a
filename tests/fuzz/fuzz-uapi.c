// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The UAPI text parsers: the first byte picks the server's strict "set"
 * parser or the client's "get" reply parser.  What parses prints and parses
 * back to the same text; a parsed set applies to an empty device.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <wireguard.h>

#include "strbuf.h"
#include "uapi_text.h"

static char *print(int (*fn)(FILE *, const wg_device *), const wg_device *dev, int *ret)
{
	struct strbuf sb = { 0 };
	FILE *f = strbuf_fopen(&sb);
	char *s = NULL;

	if (!f)
		abort();
	*ret = fn(f, dev);
	fclose(f);
	if (strbuf_finish(&sb, &s))
		abort();
	return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int (*parse)(const char *, size_t, wg_device **);
	int (*fmt)(FILE *, const wg_device *);
	wg_device *dev = NULL, *again = NULL;
	char *a, *b = NULL;
	bool set;
	int r1, r2 = -1;

	if (!size)
		return 0;
	set = data[0] & 1;
	parse = set ? uapi_text_parse_set : uapi_text_parse_get;
	fmt = set ? uapi_text_format_set : uapi_text_format_get;
	if (parse((const char *)data + 1, size - 1, &dev))
		return 0;
	a = print(fmt, dev, &r1);
	if (!r1 && !parse(a, strlen(a), &again))
		b = print(fmt, again, &r2);
	/* The client refuses to send some parsed sets (a REMOVE_ME prefix it
	 * cannot express); everything else must come back identical. */
	if (!(set && r1 == -EOPNOTSUPP) && (r1 || r2 || !b || strcmp(a, b)))
		abort();
	if (set) {
		wg_device *empty = wg_device_new(NULL);

		if (!empty || wg_device_apply(empty, dev))
			abort();
		wg_free_device(empty);
	}
	free(a);
	free(b);
	wg_free_device(dev);
	wg_free_device(again);
	return 0;
}
