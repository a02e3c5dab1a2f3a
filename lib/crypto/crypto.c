// SPDX-License-Identifier: LGPL-2.1-or-later
/* Choosing among the crypto implementations: the fastest available by default. */
#include <stdlib.h>

#include "crypto.h"
#include "error.h"
#include "lock.h"
#include "os.h"
#include "util.h"

/* Fastest first; the last entry of each list is always available. */
static const struct wg_aead_impl *(*const aeads[])(void) = {
#ifdef WG_HAVE_OPENSSL
	wg_aead_openssl_get,
#endif
	wg_aead_bearssl_get,
};

static const struct wg_x25519_impl *(*const x25519s[])(void) = {
	wg_x25519_fe64_get,
	wg_x25519_fe51_get,
	wg_x25519_bearssl_get,
};

static const struct wg_aead_impl *aead;
static const struct wg_x25519_impl *x25519;
static wg_once env_once = WG_ONCE_INIT;

/*
 * WG_CRYPTO=NAME in the environment picks, before first use, the
 * implementation of that name for each primitive it provides, as
 * wg_crypto_select() does: so that whole daemons and test suites can run on
 * each one.  The others keep the default.
 */
static void select_from_env(void)
{
	const char *name = wg_os_secure_getenv("WG_CRYPTO");

	if (name && *name && !wg_crypto_select(name))
		wg_log(WG_LOG_ERROR, "WG_CRYPTO=%s: no implementation of that name here, using the defaults", name);
}

/* Racing first calls pick the same implementation, so a relaxed race is benign. */
const struct wg_aead_impl *wg_aead(void)
{
	const struct wg_aead_impl *p = __atomic_load_n(&aead, __ATOMIC_ACQUIRE);

	if (!p) {
		wg_once_run(&env_once, select_from_env);
		p = __atomic_load_n(&aead, __ATOMIC_ACQUIRE);
	}
	for (size_t i = 0; !p && i < ARRAY_SIZE(aeads); i++)
		if ((p = aeads[i]()))
			__atomic_store_n(&aead, p, __ATOMIC_RELEASE);
	return p;
}

const struct wg_x25519_impl *wg_x25519(void)
{
	const struct wg_x25519_impl *p = __atomic_load_n(&x25519, __ATOMIC_ACQUIRE);

	if (!p) {
		wg_once_run(&env_once, select_from_env);
		p = __atomic_load_n(&x25519, __ATOMIC_ACQUIRE);
	}
	for (size_t i = 0; !p && i < ARRAY_SIZE(x25519s); i++)
		if ((p = x25519s[i]()))
			__atomic_store_n(&x25519, p, __ATOMIC_RELEASE);
	return p;
}

bool wg_crypto_select(const char *name)
{
	bool found = false;

	for (size_t i = 0; i < ARRAY_SIZE(aeads); i++) {
		const struct wg_aead_impl *p = aeads[i]();

		if (p && !strcmp(p->name, name)) {
			__atomic_store_n(&aead, p, __ATOMIC_RELEASE);
			found = true;
		}
	}
	for (size_t i = 0; i < ARRAY_SIZE(x25519s); i++) {
		const struct wg_x25519_impl *p = x25519s[i]();

		if (p && !strcmp(p->name, name)) {
			__atomic_store_n(&x25519, p, __ATOMIC_RELEASE);
			found = true;
		}
	}
	return found;
}
