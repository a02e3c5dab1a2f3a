/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Independent crypto implementations measured in the same run as ours. */
#ifndef WG_BENCH_REFERENCE_H
#define WG_BENCH_REFERENCE_H

#define REF_PACKET 1420

/* CPU time of the calling thread, in seconds: per-core figures that hold on a busy machine. */
double bench_cpu_now(void);
/* Calls of fn per CPU second, run for about `seconds`. */
double bench_rate(void (*fn)(void), double seconds);

/* ChaCha20-Poly1305 seal+open of one REF_PACKET-byte packet, per second. */
double ref_openssl_aead(double seconds);
double ref_sodium_aead(double seconds);
double ref_bearssl_aead(double seconds);
/* X25519 operations per second. */
double ref_sodium_x25519(double seconds);
double ref_bearssl_x25519(double seconds);

#endif
