/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A fixed pool of worker threads that runs parallel-for jobs: st_pool_run()
 * calls fn(payload, i) for i in [0, count) across the workers and the calling
 * thread, and returns when all calls have returned. The first failing call's
 * error (code and message) is re-raised on the calling thread; the remaining
 * indexes are skipped once a call has failed.
 *
 * Thread-safety: st_pool_run() may be called from several threads (jobs run one
 * after another). A call from inside a job runs its work inline, serially, so
 * nested parallelism cannot deadlock.
 */
#ifndef ST_UTIL_POOL_H
#define ST_UTIL_POOL_H

#include <stddef.h>

typedef struct st_pool st_pool;
typedef int (*st_pool_fn)(void *payload, size_t index);

/* Starts `threads` workers (negative: one per online CPU minus the caller; 0: none,
 * jobs run on the caller). Free with st_pool_free. */
int st_pool_new(st_pool **out, int threads);
void st_pool_free(st_pool *pool);
/* Number of threads that share a job, the caller included. */
int st_pool_width(const st_pool *pool);
/* Runs fn over [0, count); 0 or the first failure's code. */
int st_pool_run(st_pool *pool, size_t count, st_pool_fn fn, void *payload);

/*
 * The process-wide pool, created on first use with one thread per CPU
 * (SUPERTABLE_THREADS overrides). Never freed; NULL with an error on failure.
 */
st_pool *st_pool_default(void);

/* Number of online CPUs (at least 1). */
int st_cpu_count(void);

#endif
