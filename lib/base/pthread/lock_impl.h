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

/*
 * A rwlock that prefers readers must let a thread that holds it for reading
 * take it again while a writer waits (the engine's callbacks re-enter it).
 * glibc's can (PTHREAD_RWLOCK_PREFER_READER_NP); winpthreads' and Darwin's
 * cannot: a second read behind a waiting writer waits for ever (the thread
 * stress test hung under wine, issue #16).  There the kind gets a lock of
 * our own: readers enter whenever no writer holds it.  (The engine's writer
 * gate keeps its writers from starving.)
 */
typedef struct {
	pthread_rwlock_t l;
	bool own;		/* the counting lock below instead of l */
	pthread_mutex_t m;
	pthread_cond_t c;
	unsigned readers;
	bool writer;
} wg_rwlock_impl;
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

/* 0 or a positive errno. */
static inline int wg_rwlock_impl_init(wg_rwlock_impl *l, bool prefer_readers, bool prefer_writers)
{
	pthread_rwlockattr_t attr;
	int ret;

	l->own = false;
	if (!prefer_readers && !prefer_writers)
		return pthread_rwlock_init(&l->l, NULL);
#ifdef PTHREAD_RWLOCK_PREFER_READER_NP
	pthread_rwlockattr_init(&attr);
	pthread_rwlockattr_setkind_np(&attr, prefer_readers ? PTHREAD_RWLOCK_PREFER_READER_NP :
					     PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
	ret = pthread_rwlock_init(&l->l, &attr);
	pthread_rwlockattr_destroy(&attr);
	return ret;
#else
	(void)attr;
	if (prefer_writers)	/* what the others do anyway */
		return pthread_rwlock_init(&l->l, NULL);
	l->own = true;
	l->readers = 0;
	l->writer = false;
	ret = pthread_mutex_init(&l->m, NULL);
	if (ret)
		return ret;
	ret = pthread_cond_init(&l->c, NULL);
	if (ret)
		pthread_mutex_destroy(&l->m);
	return ret;
#endif
}

static inline void wg_rwlock_impl_destroy(wg_rwlock_impl *l)
{
	if (l->own) {
		pthread_cond_destroy(&l->c);
		pthread_mutex_destroy(&l->m);
	} else {
		pthread_rwlock_destroy(&l->l);
	}
}

static inline void wg_rwlock_impl_rdlock(wg_rwlock_impl *l)
{
	if (!l->own) {
		pthread_rwlock_rdlock(&l->l);
		return;
	}
	pthread_mutex_lock(&l->m);
	while (l->writer)
		pthread_cond_wait(&l->c, &l->m);
	l->readers++;
	pthread_mutex_unlock(&l->m);
}

static inline void wg_rwlock_impl_wrlock(wg_rwlock_impl *l)
{
	if (!l->own) {
		pthread_rwlock_wrlock(&l->l);
		return;
	}
	pthread_mutex_lock(&l->m);
	while (l->writer || l->readers)
		pthread_cond_wait(&l->c, &l->m);
	l->writer = true;
	pthread_mutex_unlock(&l->m);
}

static inline void wg_rwlock_impl_unlock(wg_rwlock_impl *l)
{
	if (!l->own) {
		pthread_rwlock_unlock(&l->l);
		return;
	}
	pthread_mutex_lock(&l->m);
	if (l->writer)
		l->writer = false;
	else
		l->readers--;
	if (!l->writer && !l->readers)
		pthread_cond_broadcast(&l->c);
	pthread_mutex_unlock(&l->m);
}

/* fn runs once in the process, before any caller returns. */
static inline void wg_once_run(wg_once *once, void (*fn)(void))
{
	pthread_once(once, fn);
}

#endif
