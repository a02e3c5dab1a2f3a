/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * lock.h's locks with threads (-Dthreads=true, the default): POSIX threads
 * (glibc, musl, bionic, Darwin, mingw-w64's winpthreads).
 */
#ifndef WG_LOCK_IMPL_H
#define WG_LOCK_IMPL_H

#include <pthread.h>
#include <stdbool.h>

#define WG_THREAD_LOCAL _Thread_local

typedef pthread_mutex_t wg_mutex_impl;
typedef pthread_rwlock_t wg_rwlock_impl;
typedef pthread_once_t wg_once;
#define WG_MUTEX_IMPL_INIT PTHREAD_MUTEX_INITIALIZER
#define WG_ONCE_INIT PTHREAD_ONCE_INIT

static inline int wg_mutex_impl_init(wg_mutex_impl *m)
{
	return pthread_mutex_init(m, NULL);
}

static inline void wg_mutex_impl_destroy(wg_mutex_impl *m)
{
	pthread_mutex_destroy(m);
}

static inline void wg_mutex_impl_lock(wg_mutex_impl *m)
{
	pthread_mutex_lock(m);
}

static inline void wg_mutex_impl_unlock(wg_mutex_impl *m)
{
	pthread_mutex_unlock(m);
}

/* 0 or a positive errno.  The preferences are glibc's; elsewhere the default. */
static inline int wg_rwlock_impl_init(wg_rwlock_impl *l, bool prefer_readers, bool prefer_writers)
{
	pthread_rwlockattr_t attr;
	int ret;

	if (!prefer_readers && !prefer_writers)
		return pthread_rwlock_init(l, NULL);
	pthread_rwlockattr_init(&attr);
#ifdef PTHREAD_RWLOCK_PREFER_READER_NP
	pthread_rwlockattr_setkind_np(&attr, prefer_readers ? PTHREAD_RWLOCK_PREFER_READER_NP :
					     PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
#endif
	ret = pthread_rwlock_init(l, &attr);
	pthread_rwlockattr_destroy(&attr);
	return ret;
}

static inline void wg_rwlock_impl_destroy(wg_rwlock_impl *l)
{
	pthread_rwlock_destroy(l);
}

static inline void wg_rwlock_impl_rdlock(wg_rwlock_impl *l)
{
	pthread_rwlock_rdlock(l);
}

static inline void wg_rwlock_impl_wrlock(wg_rwlock_impl *l)
{
	pthread_rwlock_wrlock(l);
}

static inline void wg_rwlock_impl_unlock(wg_rwlock_impl *l)
{
	pthread_rwlock_unlock(l);
}

/* fn runs once in the process, before any caller returns. */
static inline void wg_once_run(wg_once *once, void (*fn)(void))
{
	pthread_once(once, fn);
}

#endif
