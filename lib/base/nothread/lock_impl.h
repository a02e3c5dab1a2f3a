/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * lock.h's locks without threads (-Dthreads=false): for a program with one
 * thread and no thread library (bare metal, an RTOS task that owns the
 * engine).  Every lock is a no-op, a "once" is a flag, and thread-local
 * storage is plain static storage.  Calling the library from two threads
 * of such a build is undefined.
 */
#ifndef WG_LOCK_IMPL_H
#define WG_LOCK_IMPL_H

#include <stdbool.h>

#define WG_THREAD_LOCAL

typedef struct {
	char unused;
} wg_mutex_impl, wg_rwlock_impl;
typedef bool wg_once;
#define WG_MUTEX_IMPL_INIT { 0 }
#define WG_ONCE_INIT false

static inline int wg_mutex_impl_init(wg_mutex_impl *m)
{
	(void)m;
	return 0;
}

static inline void wg_mutex_impl_destroy(wg_mutex_impl *m)
{
	(void)m;
}

static inline void wg_mutex_impl_lock(wg_mutex_impl *m)
{
	(void)m;
}

static inline void wg_mutex_impl_unlock(wg_mutex_impl *m)
{
	(void)m;
}

static inline int wg_rwlock_impl_init(wg_rwlock_impl *l, bool prefer_readers, bool prefer_writers)
{
	(void)l;
	(void)prefer_readers;
	(void)prefer_writers;
	return 0;
}

static inline void wg_rwlock_impl_destroy(wg_rwlock_impl *l)
{
	(void)l;
}

static inline void wg_rwlock_impl_rdlock(wg_rwlock_impl *l)
{
	(void)l;
}

static inline void wg_rwlock_impl_wrlock(wg_rwlock_impl *l)
{
	(void)l;
}

static inline void wg_rwlock_impl_unlock(wg_rwlock_impl *l)
{
	(void)l;
}

static inline void wg_once_run(wg_once *once, void (*fn)(void))
{
	if (!*once) {
		*once = true;
		fn();
	}
}

#endif
