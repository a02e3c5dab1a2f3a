// SPDX-License-Identifier: LGPL-2.1-or-later
/* Placeholder until the engine core lands: the API exists, and refuses. */
#include "error.h"
#include "util.h"

WG_EXPORT int wg_engine_new(wg_engine **engine, const struct wg_engine_options *options)
{
	(void)engine;
	(void)options;
	return wg_error(EOPNOTSUPP, "engine not built");
}

WG_EXPORT void wg_engine_free(wg_engine *engine)
{
	(void)engine;
}

WG_EXPORT int wg_engine_set_device(wg_engine *engine, const wg_device *dev)
{
	(void)engine;
	(void)dev;
	return wg_error(EOPNOTSUPP, "engine not built");
}

WG_EXPORT int wg_engine_get_device(wg_engine *engine, wg_device **dev)
{
	(void)engine;
	(void)dev;
	return wg_error(EOPNOTSUPP, "engine not built");
}

WG_EXPORT void wg_engine_encrypt(wg_engine *engine, struct wg_packet *packets, size_t n)
{
	(void)engine;
	for (size_t i = 0; i < n; i++)
		packets[i].status = WG_PACKET_DROP;
}

WG_EXPORT void wg_engine_decrypt(wg_engine *engine, struct wg_packet *packets, size_t n)
{
	(void)engine;
	for (size_t i = 0; i < n; i++)
		packets[i].status = WG_PACKET_DROP;
}

WG_EXPORT uint64_t wg_engine_tick(wg_engine *engine)
{
	(void)engine;
	return UINT64_MAX;
}
