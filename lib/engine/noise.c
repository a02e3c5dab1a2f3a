// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Noise_IKpsk2_25519_ChaChaPoly_BLAKE2s, as the WireGuard whitepaper §5.4
 * specifies it, and the keypairs it yields (current, previous, next).
 */
#include <string.h>

#include "engine.h"
#include "error.h"
#include "util.h"

static const char handshake_name[] = "Noise_IKpsk2_25519_ChaChaPoly_BLAKE2s";
static const char identifier_name[] = "WireGuard v1 zx2c4 Jason@zx2c4.com";

static void mix_hash(uint8_t hash[NOISE_HASH_LEN], const void *src, size_t len)
{
	struct blake2s_state st;

	blake2s_init(&st, NOISE_HASH_LEN, NULL, 0);
	blake2s_update(&st, hash, NOISE_HASH_LEN);
	blake2s_update(&st, src, len);
	blake2s_final(&st, hash);
}

static void handshake_init(uint8_t ck[NOISE_HASH_LEN], uint8_t hash[NOISE_HASH_LEN],
			   const uint8_t remote_static[NOISE_PUBLIC_KEY_LEN])
{
	struct blake2s_state st;

	/* ck = HASH(construction); h = HASH(HASH(ck || identifier) || responder's static key). */
	blake2s(ck, NOISE_HASH_LEN, handshake_name, strlen(handshake_name), NULL, 0);
	blake2s_init(&st, NOISE_HASH_LEN, NULL, 0);
	blake2s_update(&st, ck, NOISE_HASH_LEN);
	blake2s_update(&st, identifier_name, strlen(identifier_name));
	blake2s_final(&st, hash);
	mix_hash(hash, remote_static, NOISE_PUBLIC_KEY_LEN);
}

static bool mix_dh(uint8_t ck[NOISE_HASH_LEN], uint8_t key[NOISE_SYMMETRIC_KEY_LEN],
		   const uint8_t priv[NOISE_PUBLIC_KEY_LEN], const uint8_t pub[NOISE_PUBLIC_KEY_LEN])
{
	uint8_t dh[NOISE_PUBLIC_KEY_LEN];
	bool ok = curve25519(dh, priv, pub);	/* false for a low-order point */

	if (ok)
		wg_kdf(ck, key, NULL, ck, dh, sizeof(dh));
	wg_memzero(dh, sizeof(dh));
	return ok;
}

static bool mix_precomputed_dh(uint8_t ck[NOISE_HASH_LEN], uint8_t key[NOISE_SYMMETRIC_KEY_LEN],
			       const struct noise_handshake *hs)
{
	if (!hs->static_static_ok)
		return false;
	wg_kdf(ck, key, NULL, ck, hs->precomputed_static_static, NOISE_PUBLIC_KEY_LEN);
	return true;
}

/*
 * e: our ephemeral into hs and its public key into public_key, with its DH
 * with the peer's static key (es or se) into dh.  The peer's spare when it
 * has one (wiped as it is taken), else made now.
 */
static bool take_ephemeral(struct engine_peer *peer, uint8_t public_key[NOISE_PUBLIC_KEY_LEN],
			   uint8_t dh[NOISE_PUBLIC_KEY_LEN])
{
	struct wg_engine *engine = peer->engine;
	struct noise_handshake *hs = &peer->handshake;
	struct wg_ephemeral now, *e = &hs->spare;

	if (engine->test_have_ephemeral || !e->ready) {
		e = &now;
		if (!wg_ephemeral_make(e, hs->remote_static,
				       engine->test_have_ephemeral ? engine->test_ephemeral : NULL))
			return false;
	}
	memcpy(hs->ephemeral_private, e->private_key, NOISE_PUBLIC_KEY_LEN);
	memcpy(public_key, e->public_key, NOISE_PUBLIC_KEY_LEN);
	memcpy(dh, e->dh_remote_static, NOISE_PUBLIC_KEY_LEN);
	wg_memzero(e, sizeof(*e));
	return true;
}

static void mix_psk(uint8_t ck[NOISE_HASH_LEN], uint8_t hash[NOISE_HASH_LEN], uint8_t key[NOISE_SYMMETRIC_KEY_LEN],
		    const uint8_t psk[NOISE_SYMMETRIC_KEY_LEN])
{
	uint8_t temp[NOISE_HASH_LEN];

	wg_kdf(ck, temp, key, ck, psk, NOISE_SYMMETRIC_KEY_LEN);
	mix_hash(hash, temp, sizeof(temp));
	wg_memzero(temp, sizeof(temp));
}

static void message_encrypt(uint8_t *dst, const uint8_t *src, size_t len, const uint8_t key[NOISE_SYMMETRIC_KEY_LEN],
			    uint8_t hash[NOISE_HASH_LEN])
{
	chacha20poly1305_encrypt(dst, src, len, hash, NOISE_HASH_LEN, 0, key);
	mix_hash(hash, dst, noise_encrypted_len(len));
}

static bool message_decrypt(uint8_t *dst, const uint8_t *src, size_t src_len, const uint8_t key[NOISE_SYMMETRIC_KEY_LEN],
			    uint8_t hash[NOISE_HASH_LEN])
{
	if (!chacha20poly1305_decrypt(dst, src, src_len, hash, NOISE_HASH_LEN, 0, key))
		return false;
	mix_hash(hash, src, src_len);
	return true;
}

static void message_ephemeral(uint8_t ck[NOISE_HASH_LEN], uint8_t hash[NOISE_HASH_LEN],
			      const uint8_t ephemeral[NOISE_PUBLIC_KEY_LEN])
{
	mix_hash(hash, ephemeral, NOISE_PUBLIC_KEY_LEN);
	wg_kdf(ck, NULL, NULL, ck, ephemeral, NOISE_PUBLIC_KEY_LEN);
}

void wg_noise_set_static_identity(struct noise_static_identity *id, const uint8_t private_key[32])
{
	static const uint8_t zero[NOISE_PUBLIC_KEY_LEN];

	memcpy(id->static_private, private_key, NOISE_PUBLIC_KEY_LEN);
	curve25519_clamp(id->static_private);
	/* An all-zero private key removes the identity, as in the kernel. */
	id->has_identity = !wg_ct_equal(private_key, zero, NOISE_PUBLIC_KEY_LEN) &&
			   curve25519_generate_public(id->static_public, id->static_private);
	if (!id->has_identity) {
		wg_memzero(id->static_private, sizeof(id->static_private));
		memset(id->static_public, 0, sizeof(id->static_public));
	}
}

void wg_noise_precompute_static_static(struct engine_peer *peer)
{
	const struct noise_static_identity *id = &peer->engine->identity;
	struct noise_handshake *hs = &peer->handshake;

	hs->static_static_ok = id->has_identity &&
		curve25519(hs->precomputed_static_static, id->static_private, hs->remote_static);
	if (!hs->static_static_ok)
		memset(hs->precomputed_static_static, 0, NOISE_PUBLIC_KEY_LEN);
}

void wg_noise_handshake_clear(struct engine_peer *peer)
{
	struct noise_handshake *hs = &peer->handshake;

	if (hs->local_index)
		engine_peer_index_del(peer, hs->local_index);
	hs->state = HANDSHAKE_ZEROED;
	hs->local_index = hs->remote_index = 0;
	wg_memzero(hs->ephemeral_private, sizeof(hs->ephemeral_private));
	wg_memzero(hs->remote_ephemeral, sizeof(hs->remote_ephemeral));
	wg_memzero(hs->hash, sizeof(hs->hash));
	wg_memzero(hs->chaining_key, sizeof(hs->chaining_key));
}

static void keypair_drop(struct engine_peer *peer, struct noise_keypair *kp)
{
	if (!kp || !kp->in_use)
		return;
	engine_peer_index_del(peer, kp->local_index);
	wg_memzero(kp, sizeof(*kp));
}

void wg_noise_keypairs_clear(struct engine_peer *peer)
{
	struct noise_keypairs *kps = &peer->keypairs;

	for (int i = 0; i < 3; i++)
		keypair_drop(peer, &kps->slot[i]);
	kps->current = kps->previous = kps->next = NULL;
}

void wg_noise_expire_current_peer_keypairs(struct engine_peer *peer)
{
	struct noise_keypairs *kps = &peer->keypairs;

	wg_noise_handshake_clear(peer);
	/* Sending stops at once; receiving goes on until the keys age out. */
	if (kps->current)
		kps->current->sending_counter = REJECT_AFTER_MESSAGES;
	if (kps->next)
		kps->next->sending_counter = REJECT_AFTER_MESSAGES;
}

bool wg_noise_keypair_usable(const struct noise_keypair *kp, uint64_t now)
{
	return kp && kp->in_use && !wg_birthdate_has_expired(kp->birthdate, REJECT_AFTER_TIME, now);
}

bool wg_noise_handshake_create_initiation(struct message_handshake_initiation *dst, struct engine_peer *peer)
{
	struct wg_engine *engine = peer->engine;
	struct noise_handshake *hs = &peer->handshake;
	uint8_t timestamp[NOISE_TIMESTAMP_LEN], key[NOISE_SYMMETRIC_KEY_LEN], dh[NOISE_PUBLIC_KEY_LEN];
	struct timespec now;
	bool ok = false;

	if (!engine->identity.has_identity || !hs->static_static_ok)
		goto out;
	wg_noise_handshake_clear(peer);
	wg_put_le32(dst->header.type, MESSAGE_HANDSHAKE_INITIATION);
	handshake_init(hs->chaining_key, hs->hash, hs->remote_static);

	/* e */
	if (!take_ephemeral(peer, dst->unencrypted_ephemeral, dh))
		goto out;
	message_ephemeral(hs->chaining_key, hs->hash, dst->unencrypted_ephemeral);

	/* es */
	wg_kdf(hs->chaining_key, key, NULL, hs->chaining_key, dh, sizeof(dh));
	/* s */
	message_encrypt(dst->encrypted_static, engine->identity.static_public, NOISE_PUBLIC_KEY_LEN, key, hs->hash);
	/* ss */
	if (!mix_precomputed_dh(hs->chaining_key, key, hs))
		goto out;
	/* {t} */
	wg_engine_realtime(engine, &now);
	tai64n_encode(timestamp, now);
	message_encrypt(dst->encrypted_timestamp, timestamp, NOISE_TIMESTAMP_LEN, key, hs->hash);

	hs->local_index = engine_peer_index_add(peer, INDEX_SLOT_HANDSHAKE);
	if (!hs->local_index)
		goto out;
	wg_put_le32(dst->sender_index, hs->local_index);
	hs->state = HANDSHAKE_CREATED_INITIATION;
	ok = true;
out:
	if (!ok)
		wg_noise_handshake_clear(peer);
	wg_memzero(key, sizeof(key));
	wg_memzero(dh, sizeof(dh));
	return ok;
}

struct engine_peer *wg_noise_handshake_consume_initiation(const struct message_handshake_initiation *src,
							      struct wg_engine *engine, bool *replay_out)
{
	const struct noise_static_identity *id = &engine->identity;
	struct engine_peer *peer = NULL;
	struct noise_handshake *hs;
	uint8_t key[NOISE_SYMMETRIC_KEY_LEN], chaining_key[NOISE_HASH_LEN], hash[NOISE_HASH_LEN];
	uint8_t s[NOISE_PUBLIC_KEY_LEN], e[NOISE_PUBLIC_KEY_LEN], t[NOISE_TIMESTAMP_LEN];
	uint64_t now;
	bool replay, flood;

	*replay_out = false;
	if (!id->has_identity)
		goto out;
	handshake_init(chaining_key, hash, id->static_public);

	/* e */
	memcpy(e, src->unencrypted_ephemeral, sizeof(e));
	message_ephemeral(chaining_key, hash, e);
	/* es */
	if (!mix_dh(chaining_key, key, id->static_private, e))
		goto out;
	/* s */
	if (!message_decrypt(s, src->encrypted_static, sizeof(src->encrypted_static), key, hash))
		goto out;

	/* Only now do we know who claims to be talking: is it a peer of ours? */
	peer = engine_peer_lookup_by_key(engine, s);
	if (!peer)
		goto out;
	wg_mutex_lock(&peer->lock);
	hs = &peer->handshake;

	/* ss */
	if (!mix_precomputed_dh(chaining_key, key, hs))
		goto fail;
	/* {t} */
	if (!message_decrypt(t, src->encrypted_timestamp, sizeof(src->encrypted_timestamp), key, hash))
		goto fail;

	/* A timestamp not newer than the last is a replayed initiation. */
	now = wg_engine_now(engine);
	replay = memcmp(t, hs->latest_timestamp, NOISE_TIMESTAMP_LEN) <= 0;
	flood = hs->last_initiation_consumption &&
		hs->last_initiation_consumption + NS_PER_S / INITIATIONS_PER_SECOND > now;
	if (replay || flood) {
		*replay_out = true;
		goto fail;
	}

	/* Success: commit the new state. */
	wg_noise_handshake_clear(peer);
	memcpy(hs->remote_ephemeral, e, sizeof(e));
	memcpy(hs->latest_timestamp, t, sizeof(t));
	memcpy(hs->hash, hash, sizeof(hash));
	memcpy(hs->chaining_key, chaining_key, sizeof(chaining_key));
	hs->remote_index = wg_le32(src->sender_index);
	hs->last_initiation_consumption = now;
	hs->state = HANDSHAKE_CONSUMED_INITIATION;
	goto out;
fail:
	wg_mutex_unlock(&peer->lock);
	peer = NULL;
out:
	wg_memzero(key, sizeof(key));
	wg_memzero(hash, sizeof(hash));
	wg_memzero(chaining_key, sizeof(chaining_key));
	return peer;
}

bool wg_noise_handshake_create_response(struct message_handshake_response *dst, struct engine_peer *peer)
{
	struct noise_handshake *hs = &peer->handshake;
	uint8_t key[NOISE_SYMMETRIC_KEY_LEN], dh[NOISE_PUBLIC_KEY_LEN];
	bool ok = false;

	if (hs->state != HANDSHAKE_CONSUMED_INITIATION)
		goto out;
	wg_put_le32(dst->header.type, MESSAGE_HANDSHAKE_RESPONSE);
	wg_put_le32(dst->receiver_index, hs->remote_index);

	/* e */
	if (!take_ephemeral(peer, dst->unencrypted_ephemeral, dh))
		goto out;
	message_ephemeral(hs->chaining_key, hs->hash, dst->unencrypted_ephemeral);
	/* ee */
	if (!mix_dh(hs->chaining_key, NULL, hs->ephemeral_private, hs->remote_ephemeral))
		goto out;
	/* se */
	wg_kdf(hs->chaining_key, NULL, NULL, hs->chaining_key, dh, sizeof(dh));
	/* psk */
	mix_psk(hs->chaining_key, hs->hash, key, hs->preshared_key);
	/* {} */
	message_encrypt(dst->encrypted_nothing, NULL, 0, key, hs->hash);

	hs->local_index = engine_peer_index_add(peer, INDEX_SLOT_HANDSHAKE);
	if (!hs->local_index)
		goto out;
	wg_put_le32(dst->sender_index, hs->local_index);
	hs->state = HANDSHAKE_CREATED_RESPONSE;
	ok = true;
out:
	if (!ok)
		wg_noise_handshake_clear(peer);
	wg_memzero(key, sizeof(key));
	wg_memzero(dh, sizeof(dh));
	return ok;
}

struct engine_peer *wg_noise_handshake_consume_response(const struct message_handshake_response *src,
							    struct wg_engine *engine)
{
	const struct noise_static_identity *id = &engine->identity;
	struct engine_peer *peer;
	struct noise_handshake *hs;
	struct index_entry entry;
	uint8_t key[NOISE_SYMMETRIC_KEY_LEN], hash[NOISE_HASH_LEN], chaining_key[NOISE_HASH_LEN];
	uint8_t e[NOISE_PUBLIC_KEY_LEN], empty[1];	/* no plaintext, but never a NULL buffer */
	bool ok = false;

	if (!id->has_identity)
		return NULL;
	if (!engine_peer_index_lookup(engine, wg_le32(src->receiver_index), &entry) ||
	    entry.slot != INDEX_SLOT_HANDSHAKE)
		return NULL;
	peer = entry.peer;
	wg_mutex_lock(&peer->lock);
	hs = &peer->handshake;
	if (hs->state != HANDSHAKE_CREATED_INITIATION || hs->local_index != wg_le32(src->receiver_index))
		goto out;
	memcpy(hash, hs->hash, sizeof(hash));
	memcpy(chaining_key, hs->chaining_key, sizeof(chaining_key));

	/* e */
	memcpy(e, src->unencrypted_ephemeral, sizeof(e));
	message_ephemeral(chaining_key, hash, e);
	/* ee */
	if (!mix_dh(chaining_key, NULL, hs->ephemeral_private, e))
		goto out;
	/* se */
	if (!mix_dh(chaining_key, NULL, id->static_private, e))
		goto out;
	/* psk */
	mix_psk(chaining_key, hash, key, hs->preshared_key);
	/* {} */
	if (!message_decrypt(empty, src->encrypted_nothing, sizeof(src->encrypted_nothing), key, hash))
		goto out;

	memcpy(hs->remote_ephemeral, e, sizeof(e));
	memcpy(hs->hash, hash, sizeof(hash));
	memcpy(hs->chaining_key, chaining_key, sizeof(chaining_key));
	hs->remote_index = wg_le32(src->sender_index);
	hs->state = HANDSHAKE_CONSUMED_RESPONSE;
	ok = true;
out:
	if (!ok) {
		wg_mutex_unlock(&peer->lock);
		peer = NULL;
	}
	wg_memzero(key, sizeof(key));
	wg_memzero(hash, sizeof(hash));
	wg_memzero(chaining_key, sizeof(chaining_key));
	return peer;
}

static struct noise_keypair *free_slot(struct noise_keypairs *kps)
{
	for (int i = 0; i < 3; i++)
		if (!kps->slot[i].in_use)
			return &kps->slot[i];
	return NULL;
}

bool wg_noise_handshake_begin_session(struct engine_peer *peer)
{
	struct noise_handshake *hs = &peer->handshake;
	struct noise_keypairs *kps = &peer->keypairs;
	struct noise_keypair *kp, *prev_current, *prev_previous, *prev_next;
	bool initiator;

	if (hs->state != HANDSHAKE_CREATED_RESPONSE && hs->state != HANDSHAKE_CONSUMED_RESPONSE)
		return false;
	initiator = hs->state == HANDSHAKE_CONSUMED_RESPONSE;

	/*
	 * Make room first: the rotation below drops at least one keypair, and
	 * three slots are enough because at most two survive it.
	 */
	prev_current = kps->current;
	prev_previous = kps->previous;
	prev_next = kps->next;
	if (initiator) {
		if (prev_next) {
			/* Never confirmed by the peer, but newer than current. */
			kps->next = NULL;
			kps->previous = prev_next;
			keypair_drop(peer, prev_current);
		} else {
			kps->previous = prev_current;
		}
		keypair_drop(peer, prev_previous);
		kps->current = NULL;
	} else {
		keypair_drop(peer, prev_next);
		kps->next = NULL;
	}
	kp = free_slot(kps);
	if (!kp)
		return false;	/* cannot happen: see above */

	memset(kp, 0, sizeof(*kp));
	kp->i_am_the_initiator = initiator;
	/* Transport keys: (initiator send, responder send) = KDF2(ck, ""). */
	if (initiator)
		wg_kdf(kp->sending_key, kp->receiving_key, NULL, hs->chaining_key, NULL, 0);
	else
		wg_kdf(kp->receiving_key, kp->sending_key, NULL, hs->chaining_key, NULL, 0);
	wg_replay_init(&kp->replay);
	kp->birthdate = wg_engine_now(peer->engine);
	kp->remote_index = hs->remote_index;
	/*
	 * The keypair takes over the handshake's receiver index: the peer
	 * already knows it from our initiation or response.
	 */
	kp->local_index = hs->local_index;
	engine_peer_index_retarget(peer, hs->local_index, (unsigned int)(kp - kps->slot));
	hs->local_index = 0;
	wg_noise_handshake_clear(peer);
	kp->in_use = true;
	if (initiator)
		kps->current = kp;
	else
		kps->next = kp;
	return true;
}

bool wg_noise_received_with_keypair(struct engine_peer *peer, struct noise_keypair *kp)
{
	struct noise_keypairs *kps = &peer->keypairs;

	if (kp != kps->next)
		return false;
	/* The peer used our "next" keypair: the handshake is confirmed. */
	keypair_drop(peer, kps->previous);
	kps->previous = kps->current;
	kps->current = kp;
	kps->next = NULL;
	return true;
}
