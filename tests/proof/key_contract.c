/*
 * ACSL contracts of lib/key.c's decoders (base64 and hex keys come from
 * configuration files and the UAPI socket), proved with WP: no run-time
 * error for any input, and, as the header promises, the key is left
 * untouched on error.
 */
#include <errno.h>
#include <string.h>

#include "../include/wireguard.h"
#include "error.h"

/* Assumed (lib/error.c records a message for the calling thread). */
/*@ requires err > 0;
    assigns \nothing;
    ensures \result == -err; */
int wg_error(int err, const char *fmt, ...);

/*@ requires \valid(key + (0 .. 31));
    requires \valid_read(base64 + (0 .. 44));
    requires \separated(key + (0 .. 31), base64 + (0 .. 44));
    assigns key[0 .. 31];
    ensures result: \result == 0 || \result == -EINVAL;
    ensures untouched: \result != 0 ==> \forall integer i; 0 <= i < 32 ==> key[i] == \old(key[i]);
*/
int wg_key_from_base64(wg_key key, const wg_key_b64_string base64);

/*@ requires \valid(key + (0 .. 31));
    requires valid_read_nstring(hex, 65);
    requires \separated(key + (0 .. 31), hex + (0 .. 64));
    assigns key[0 .. 31];
    ensures result: \result == 0 || \result == -EINVAL;
    ensures untouched: \result != 0 ==> \forall integer i; 0 <= i < 32 ==> key[i] == \old(key[i]);
*/
int wg_key_from_hex(wg_key key, const char *hex);
