/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Applying sets to states in memory (config_apply.c, on set_plan.c's plan), shared with config_canon.c. */
#ifndef WG_CONFIG_APPLY_H
#define WG_CONFIG_APPLY_H

#include <wireguard.h>

/*
 * wg_device_apply(), or with as_state, as wg_device_canonicalize() reads its
 * input: peers need no HAS_PUBLIC_KEY, and a nonzero value counts as given
 * even without its HAS_ flag.
 */
int wg_config_apply(wg_device *state, const wg_device *set, bool as_state);

/*
 * Commit a result computed in a scratch device: dst takes src's settings
 * and peers but keeps its own name and ifindex; src takes dst's old peers,
 * so that freeing src frees them.
 */
void wg_config_move(wg_device *dst, wg_device *src);

#endif
