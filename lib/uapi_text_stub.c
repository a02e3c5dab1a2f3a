// SPDX-License-Identifier: LGPL-2.1-or-later
/* Placeholder until uapi_text.c lands from the uapi branch: remove then. */
#include "error.h"
#include "uapi_text.h"

int uapi_text_parse_set(const char *text, size_t len, wg_device **dev)
{
	(void)text;
	(void)len;
	(void)dev;
	return wg_error(EOPNOTSUPP, "UAPI text protocol not built");
}

int uapi_text_format_get(FILE *out, const wg_device *dev)
{
	(void)out;
	(void)dev;
	return wg_error(EOPNOTSUPP, "UAPI text protocol not built");
}
