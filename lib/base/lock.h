/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The library's locks: pthread mutexes and rwlocks behind types that carry
 * clang's thread-safety capabilities, so that "this field is protected by
 * that lock" is written as WG_GUARDED_BY(lock) and checked by
 * -Wthread-safety (the CI builds with clang and that flag) instead of
 * being a comment.  Other compilers see plain pthread calls.
 *
 * What is under them is lock_impl.h, one per build (meson -Dthreads):
 * base/pthread/ (POSIX threads) or base/nothread/ (no-ops, for a program
 * with one thread and no thread library).  It also gives wg_once,
 * WG_ONCE_INIT, wg_once_run() and WG_THREAD_LOCAL.
 */
#ifndef WG_LOCK_H
#define WG_LOCK_H

#include <stdbool.h>

#include "lock_impl.h"

#if defined(__clang__)
#define WG_TSA(x) __attribute__((x))
#else
#define WG_TSA(x)
#endif
#define WG_CAPABILITY(name) WG_TSA(capability(name))
#define WG_GUARDED_BY(lock) WG_TSA(guarded_by(lock))
#define WG_PT_GUARDED_BY(lock) WG_TSA(pt_guarded_by(lock))
#define WG_REQUIRES(...) WG_TSA(requires_capability(__VA_ARGS__))
#define WG_REQUIRES_SHARED(...) WG_TSA(requires_shared_capability(__VA_ARGS__))
#define WG_ACQUIRE(...) WG_TSA(acquire_capability(__VA_ARGS__))
#define WG_ACQUIRE_SHARED(...) WG_TSA(acquire_shared_capability(__VA_ARGS__))
#define WG_RELEASE(...) WG_TSA(release_capability(__VA_ARGS__))
#define WG_RELEASE_SHARED(...) WG_TSA(release_shared_capability(__VA_ARGS__))
#define WG_RELEASE_GENERIC(...) WG_TSA(release_generic_capability(__VA_ARGS__))
#define WG_EXCLUDES(...) WG_TSA(locks_excluded(__VA_ARGS__))
#define WG_ASSERT_CAPABILITY(x) WG_TSA(assert_capability(x))
/* For the few functions whose locking the analysis cannot follow; say why at each. */
#define WG_NO_TSA WG_TSA(no_thread_safety_analysis)

typedef struct WG_CAPABILITY("mutex") wg_mutex {
	wg_mutex_impl m;
} wg_mutex;
/* A mutex with static storage, ready without wg_mutex_init(). */
#define WG_MUTEX_INIT { WG_MUTEX_IMPL_INIT }

typedef struct WG_CAPABILITY("rwlock") wg_rwlock {
	wg_rwlock_impl l;
} wg_rwlock;

/* 0 or a positive errno, as pthread_mutex_init(). */
static inline int wg_mutex_init(wg_mutex *m)
{
	return wg_mutex_impl_init(&m->m);
}

static inline void wg_mutex_destroy(wg_mutex *m)
{
	wg_mutex_impl_destroy(&m->m);
}

static inline void wg_mutex_lock(wg_mutex *m) WG_ACQUIRE(m) WG_NO_TSA;
static inline void wg_mutex_lock(wg_mutex *m)
{
	wg_mutex_impl_lock(&m->m);
}

static inline void wg_mutex_unlock(wg_mutex *m) WG_RELEASE(m) WG_NO_TSA;
static inline void wg_mutex_unlock(wg_mutex *m)
{
	wg_mutex_impl_unlock(&m->m);
}

/*
 * Tells the analysis that m is held here, where it cannot see it: a function
 * that returns an object locked.  Costs nothing at run time.
 */
static inline void wg_mutex_assert_held(wg_mutex *m) WG_ASSERT_CAPABILITY(m);
static inline void wg_mutex_assert_held(wg_mutex *m)
{
	(void)m;
}

enum wg_rwlock_kind {
	WG_RWLOCK_DEFAULT,
	/* A thread holding a read lock may take it again while a writer waits. */
	WG_RWLOCK_PREFER_READERS,
	/* A waiting writer goes before new readers (no recursive read locks). */
	WG_RWLOCK_PREFER_WRITERS,
};

/* 0 or a positive errno.  The kinds are glibc's; elsewhere the default. */
static inline int wg_rwlock_init(wg_rwlock *l, enum wg_rwlock_kind kind)
{
	return wg_rwlock_impl_init(&l->l, kind == WG_RWLOCK_PREFER_READERS, kind == WG_RWLOCK_PREFER_WRITERS);
}

static inline void wg_rwlock_destroy(wg_rwlock *l)
{
	wg_rwlock_impl_destroy(&l->l);
}

static inline void wg_rwlock_read_lock(wg_rwlock *l) WG_ACQUIRE_SHARED(l) WG_NO_TSA;
static inline void wg_rwlock_read_lock(wg_rwlock *l)
{
	wg_rwlock_impl_rdlock(&l->l);
}

static inline void wg_rwlock_read_unlock(wg_rwlock *l) WG_RELEASE_SHARED(l) WG_NO_TSA;
static inline void wg_rwlock_read_unlock(wg_rwlock *l)
{
	wg_rwlock_impl_unlock(&l->l);
}

static inline void wg_rwlock_write_lock(wg_rwlock *l) WG_ACQUIRE(l) WG_NO_TSA;
static inline void wg_rwlock_write_lock(wg_rwlock *l)
{
	wg_rwlock_impl_wrlock(&l->l);
}

static inline void wg_rwlock_write_unlock(wg_rwlock *l) WG_RELEASE(l) WG_NO_TSA;
static inline void wg_rwlock_write_unlock(wg_rwlock *l)
{
	wg_rwlock_impl_unlock(&l->l);
}

#endif
