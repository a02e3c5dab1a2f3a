/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Eva harness for one step of lib/config/uapi_text.c's line splitter,
 * next_line(), from any state of the line buffer that parse_device() can
 * leave (any bytes, its last byte 0: n < sizeof(buf) is checked before
 * every copy, so buf[4095] is only ever written 0) and any text.  It checks
 * that the step reads only the text and the line buffer, hands the key
 * handler a NUL-terminated key and value inside the buffer, and leaves the
 * buffer's last byte 0.  next_line() sees the text only through p and end,
 * so a text that starts at p stands for p anywhere in a longer one.  Two
 * modes (docs/PROOFS.md, "The UAPI text parser"):
 *
 *  - default: ANY length up to 1 TiB, the text in one large array, so a
 *    read past `end` but inside the array would not be caught; reads past
 *    the line buffer or the array are;
 *  - -DSTEP_EXACT=N: every length 0..N, one Eva state each, the text in a
 *    block of exactly that length (a read past `end` is caught), and p
 *    checked to stay in the text.
 *
 * Together, the step of an induction over the lines: no run-time error in
 * parse_device()'s loop on a text of any length.
 */
#include "__fc_builtin.h"
#include "uapi_text.c"

static struct lines l;

#ifdef STEP_EXACT
int main(void)
{
	size_t len = Frama_C_size_t_interval(0, STEP_EXACT);
	char *text;
	int r;

	/*@ split len; */
	text = malloc(len);
	if (!text)
		return 0;
	Frama_C_make_unknown(text, len);
#else
static char text[(size_t)1 << 40];

int main(void)
{
	size_t len = Frama_C_size_t_interval(0, sizeof(text));
	int r;

	Frama_C_make_unknown(text, sizeof(text));
#endif
	Frama_C_make_unknown(l.buf, sizeof(l.buf) - 1);
	l.buf[sizeof(l.buf) - 1] = '\0';
	l.key = l.value = l.buf;
	l.n = Frama_C_unsigned_int_interval(0, UINT_MAX - 1);
	l.p = text;
	l.end = text + len;
	r = next_line(&l);
	/*@ assert last_nul: l.buf[sizeof(l.buf) - 1] == '\0'; */
#ifdef STEP_EXACT
	/*@ assert inside: text <= l.p <= l.end; */
#endif
	if (r > 0) {
		(void)strlen(l.key);
		(void)strlen(l.value);
	}
	return 0;
}
