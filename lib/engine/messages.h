/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * WireGuard's wire formats and protocol constants (from the whitepaper and
 * the Linux driver's messages.h).  No functions: every length below is
 * derived from the constants so the layouts document themselves.
 */
#ifndef WG_MESSAGES_H
#define WG_MESSAGES_H

#include <stdint.h>

#include "blake2s.h"
#include "crypto.h"
#include "replay.h"
#include "tai64n.h"

enum noise_lengths {
	NOISE_PUBLIC_KEY_LEN = CURVE25519_KEY_SIZE,
	NOISE_SYMMETRIC_KEY_LEN = CHACHA20POLY1305_KEY_SIZE,
	NOISE_TIMESTAMP_LEN = TAI64N_SIZE,
	NOISE_AUTHTAG_LEN = CHACHA20POLY1305_AUTHTAG_SIZE,
	NOISE_HASH_LEN = BLAKE2S_HASH_SIZE,
};

#define noise_encrypted_len(plain_len) ((plain_len) + NOISE_AUTHTAG_LEN)

enum cookie_values {
	COOKIE_SECRET_MAX_AGE_S = 2 * 60,
	COOKIE_SECRET_LATENCY_S = 5,
	COOKIE_NONCE_LEN = XCHACHA20POLY1305_NONCE_SIZE,
	COOKIE_LEN = 16,
};

#define NS_PER_S 1000000000ULL

/* Protocol timing and limits, in seconds unless said otherwise. */
enum limits {
	REKEY_TIMEOUT = 5,
	REKEY_TIMEOUT_JITTER_MAX_NS = 333000000,	/* up to a third of a second */
	REKEY_AFTER_TIME = 120,
	REJECT_AFTER_TIME = 180,
	REKEY_ATTEMPT_TIME = 90,
	KEEPALIVE_TIMEOUT = 10,
	INITIATIONS_PER_SECOND = 50,
	/* MAX_PEERS_PER_DEVICE: WG_MAX_PEERS_PER_DEVICE in set_plan.h, where it is enforced. */
	MAX_TIMER_HANDSHAKES = REKEY_ATTEMPT_TIME / REKEY_TIMEOUT,
	MAX_QUEUED_INCOMING_HANDSHAKES = 4096,
	/* Under load: this many handshake messages within one second. */
	UNDER_LOAD_HANDSHAKES = MAX_QUEUED_INCOMING_HANDSHAKES / 8,
	MAX_STAGED_PACKETS = 128,
};

#define REKEY_AFTER_MESSAGES (1ULL << 60)
/* 2^64 - 2^13 - 1, as the whitepaper gives it. */
#define REJECT_AFTER_MESSAGES (UINT64_MAX - WG_REPLAY_BITS_TOTAL)

enum message_type {
	MESSAGE_INVALID = 0,
	MESSAGE_HANDSHAKE_INITIATION = 1,
	MESSAGE_HANDSHAKE_RESPONSE = 2,
	MESSAGE_HANDSHAKE_COOKIE = 3,
	MESSAGE_DATA = 4,
};

/*
 * All fields are byte arrays (little-endian integers read with wg_le32 and
 * friends), so the structs have no padding and no alignment needs: a
 * datagram can be overlaid at any offset of a caller's buffer.
 */
struct message_header {
	uint8_t type[4];	/* u8 type, then three zero bytes: read as le32 */
};

struct message_macs {
	uint8_t mac1[COOKIE_LEN];
	uint8_t mac2[COOKIE_LEN];
};

struct message_handshake_initiation {
	struct message_header header;
	uint8_t sender_index[4];
	uint8_t unencrypted_ephemeral[NOISE_PUBLIC_KEY_LEN];
	uint8_t encrypted_static[noise_encrypted_len(NOISE_PUBLIC_KEY_LEN)];
	uint8_t encrypted_timestamp[noise_encrypted_len(NOISE_TIMESTAMP_LEN)];
	struct message_macs macs;
};

struct message_handshake_response {
	struct message_header header;
	uint8_t sender_index[4];
	uint8_t receiver_index[4];
	uint8_t unencrypted_ephemeral[NOISE_PUBLIC_KEY_LEN];
	uint8_t encrypted_nothing[noise_encrypted_len(0)];
	struct message_macs macs;
};

struct message_handshake_cookie {
	struct message_header header;
	uint8_t receiver_index[4];
	uint8_t nonce[COOKIE_NONCE_LEN];
	uint8_t encrypted_cookie[noise_encrypted_len(COOKIE_LEN)];
};

struct message_data {
	struct message_header header;
	uint8_t key_idx[4];
	uint8_t counter[8];
	uint8_t encrypted_data[];
};

#define message_data_len(plain_len) (noise_encrypted_len(plain_len) + sizeof(struct message_data))

enum message_alignments {
	MESSAGE_PADDING_MULTIPLE = 16,
	MESSAGE_MINIMUM_LENGTH = message_data_len(0),
};

_Static_assert(sizeof(struct message_handshake_initiation) == 148, "initiation is 148 bytes");
_Static_assert(sizeof(struct message_handshake_response) == 92, "response is 92 bytes");
_Static_assert(sizeof(struct message_handshake_cookie) == 64, "cookie reply is 64 bytes");
_Static_assert(sizeof(struct message_data) == 16, "data header is 16 bytes");
_Static_assert(MESSAGE_MINIMUM_LENGTH == 32, "keepalive is 32 bytes");

#endif
