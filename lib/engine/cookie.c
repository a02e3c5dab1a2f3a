// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * mac1, mac2 and cookie replies (whitepaper §5.4.4, §5.4.7).  mac1 proves
 * the sender knows our public key; under load, mac2 proves it can receive at
 * its source address, from a cookie we sent it encrypted with XChaCha20.
 */
#include <string.h>

#include "engine.h"
#include "util.h"

static const char mac1_key_label[] = "mac1----";
static const char cookie_key_label[] = "cookie--";

static void precompute_key(uint8_t key[NOISE_SYMMETRIC_KEY_LEN], const uint8_t pubkey[NOISE_PUBLIC_KEY_LEN],
			   const char *label)
{
	struct blake2s_state st;

	blake2s_init(&st, NOISE_SYMMETRIC_KEY_LEN, NULL, 0);
	blake2s_update(&st, label, strlen(label));
	blake2s_update(&st, pubkey, NOISE_PUBLIC_KEY_LEN);
	blake2s_final(&st, key);
}

int wg_cookie_checker_init(struct cookie_checker *checker)
{
	memset(checker, 0, sizeof(*checker));
	return -wg_mutex_init(&checker->lock);
}

void wg_cookie_checker_free(struct cookie_checker *checker)
{
	wg_mutex_destroy(&checker->lock);
	wg_memzero(checker, sizeof(*checker));
}

void wg_cookie_checker_precompute_device_keys(struct cookie_checker *checker, const uint8_t *public_key)
{
	if (public_key) {
		precompute_key(checker->cookie_encryption_key, public_key, cookie_key_label);
		precompute_key(checker->message_mac1_key, public_key, mac1_key_label);
	} else {
		memset(checker->cookie_encryption_key, 0, NOISE_SYMMETRIC_KEY_LEN);
		memset(checker->message_mac1_key, 0, NOISE_SYMMETRIC_KEY_LEN);
	}
}

void wg_cookie_maker_init(struct cookie_maker *maker, const uint8_t peer_public_key[NOISE_PUBLIC_KEY_LEN])
{
	memset(maker, 0, sizeof(*maker));
	precompute_key(maker->cookie_decryption_key, peer_public_key, cookie_key_label);
	precompute_key(maker->message_mac1_key, peer_public_key, mac1_key_label);
}

/* The macs are the last 32 bytes of both handshake messages. */
static size_t mac1_offset(size_t len)
{
	return len - sizeof(struct message_macs);
}

static size_t mac2_offset(size_t len)
{
	return len - COOKIE_LEN;
}

static void compute_mac1(uint8_t mac1[COOKIE_LEN], const uint8_t *msg, size_t len,
			 const uint8_t key[NOISE_SYMMETRIC_KEY_LEN])
{
	blake2s(mac1, COOKIE_LEN, msg, mac1_offset(len), key, NOISE_SYMMETRIC_KEY_LEN);
}

static void compute_mac2(uint8_t mac2[COOKIE_LEN], const uint8_t *msg, size_t len, const uint8_t cookie[COOKIE_LEN])
{
	blake2s(mac2, COOKIE_LEN, msg, mac2_offset(len), cookie, COOKIE_LEN);
}

/* cookie = MAC(secret, source address || source port), secret renewed every two minutes. */
static void make_cookie(uint8_t cookie[COOKIE_LEN], const wg_endpoint *src, struct wg_engine *engine)
{
	struct cookie_checker *checker = &engine->cookie_checker;
	uint64_t now = wg_engine_now(engine);
	struct blake2s_state st;

	wg_mutex_lock(&checker->lock);
	if (!checker->secret_set ||
	    wg_birthdate_has_expired(checker->secret_birthdate, COOKIE_SECRET_MAX_AGE_S, now)) {
		wg_random_bytes(checker->secret, sizeof(checker->secret));
		checker->secret_birthdate = now;
		checker->secret_set = true;
	}
	blake2s_init(&st, COOKIE_LEN, checker->secret, NOISE_HASH_LEN);
	wg_mutex_unlock(&checker->lock);

	if (src->addr.sa_family == AF_INET) {
		blake2s_update(&st, &src->addr4.sin_addr, sizeof(src->addr4.sin_addr));
		blake2s_update(&st, &src->addr4.sin_port, sizeof(src->addr4.sin_port));
	} else if (src->addr.sa_family == AF_INET6) {
		blake2s_update(&st, &src->addr6.sin6_addr, sizeof(src->addr6.sin6_addr));
		blake2s_update(&st, &src->addr6.sin6_port, sizeof(src->addr6.sin6_port));
	}
	blake2s_final(&st, cookie);
}

bool wg_cookie_mac1_valid(struct wg_engine *engine, const uint8_t *msg, size_t len)
{
	const struct message_macs *macs = (const struct message_macs *)(msg + mac1_offset(len));
	uint8_t computed_mac[COOKIE_LEN];
	bool valid;

	compute_mac1(computed_mac, msg, len, engine->cookie_checker.message_mac1_key);
	valid = wg_ct_equal(computed_mac, macs->mac1, COOKIE_LEN);
	wg_memzero(computed_mac, sizeof(computed_mac));
	return valid;
}

bool wg_cookie_mac2_valid(struct wg_engine *engine, const uint8_t *msg, size_t len, const wg_endpoint *src)
{
	const struct message_macs *macs = (const struct message_macs *)(msg + mac1_offset(len));
	uint8_t computed_mac[COOKIE_LEN], cookie[COOKIE_LEN];
	bool valid;

	make_cookie(cookie, src, engine);
	compute_mac2(computed_mac, msg, len, cookie);
	valid = wg_ct_equal(computed_mac, macs->mac2, COOKIE_LEN);
	wg_memzero(cookie, sizeof(cookie));
	wg_memzero(computed_mac, sizeof(computed_mac));
	return valid;
}

enum cookie_mac_state wg_cookie_check_mac2(struct wg_engine *engine, const uint8_t *msg, size_t len,
					   const wg_endpoint *src)
{
	/* A wrong or missing mac2 still has a valid mac1: it earns a cookie. */
	if (!wg_cookie_mac2_valid(engine, msg, len, src))
		return VALID_MAC_BUT_NO_COOKIE;
	if (!wg_ratelimiter_allow(&engine->ratelimiter, src, wg_engine_now(engine)))
		return VALID_MAC_WITH_COOKIE_BUT_RATELIMITED;
	return VALID_MAC_WITH_COOKIE;
}

void wg_cookie_add_mac_to_packet(uint8_t *msg, size_t len, struct engine_peer *peer, uint64_t now)
{
	struct message_macs *macs = (struct message_macs *)(msg + mac1_offset(len));
	struct cookie_maker *maker = &peer->cookie;

	compute_mac1(macs->mac1, msg, len, maker->message_mac1_key);
	memcpy(maker->last_mac1_sent, macs->mac1, COOKIE_LEN);
	maker->have_sent_mac1 = true;

	/* A cookie is good for as long as the secret that made it, less latency. */
	if (maker->is_valid &&
	    !wg_birthdate_has_expired(maker->birthdate, COOKIE_SECRET_MAX_AGE_S - COOKIE_SECRET_LATENCY_S, now))
		compute_mac2(macs->mac2, msg, len, maker->cookie);
	else
		memset(macs->mac2, 0, COOKIE_LEN);
}

void wg_cookie_message_create(struct message_handshake_cookie *dst, const uint8_t *msg, size_t len,
			      uint32_t index, const wg_endpoint *src, struct wg_engine *engine)
{
	const struct message_macs *macs = (const struct message_macs *)(msg + mac1_offset(len));
	uint8_t cookie[COOKIE_LEN];

	wg_put_le32(dst->header.type, MESSAGE_HANDSHAKE_COOKIE);
	wg_put_le32(dst->receiver_index, index);
	wg_random_bytes(dst->nonce, COOKIE_NONCE_LEN);
	make_cookie(cookie, src, engine);
	xchacha20poly1305_encrypt(dst->encrypted_cookie, cookie, COOKIE_LEN, macs->mac1, COOKIE_LEN, dst->nonce,
				  engine->cookie_checker.cookie_encryption_key);
	wg_memzero(cookie, sizeof(cookie));
}

bool wg_cookie_message_consume(const struct message_handshake_cookie *src, struct wg_engine *engine)
{
	struct index_entry entry;
	struct engine_peer *peer;
	struct cookie_maker *maker;
	uint8_t cookie[COOKIE_LEN];
	bool ok = false;

	if (!engine_peer_index_lookup(engine, wg_le32(src->receiver_index), &entry))
		return false;
	peer = entry.peer;
	wg_mutex_lock(&peer->lock);
	maker = &peer->cookie;
	/* The reply is bound to the mac1 of the handshake we sent last. */
	if (!maker->have_sent_mac1)
		goto out;
	if (!xchacha20poly1305_decrypt(cookie, src->encrypted_cookie, sizeof(src->encrypted_cookie),
				       maker->last_mac1_sent, COOKIE_LEN, src->nonce, maker->cookie_decryption_key))
		goto out;
	memcpy(maker->cookie, cookie, COOKIE_LEN);
	maker->birthdate = wg_engine_now(engine);
	maker->is_valid = true;
	maker->have_sent_mac1 = false;
	ok = true;
out:
	wg_mutex_unlock(&peer->lock);
	wg_memzero(cookie, sizeof(cookie));
	return ok;
}
