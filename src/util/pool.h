/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A fixed pool of worker threads fed by one FIFO task queue.
 *
 * Two ways to use it:
 *  - st_pool_run(): parallel-for. fn(payload, i) for i in [0, count) across the
 *    workers and the calling thread; returns when all calls have returned.
 *  - task groups: st_task_group_add() queues single tasks that start at once on
 *    idle workers; st_task_group_wait() waits for the group's tasks. Producers
 *    use groups to work ahead (a reader decoding the next row groups while the
 *    consumer handles the current one).
 * A thread that waits (in either) runs queued tasks meanwhile, any group's, so a
 * wait from inside a task cannot deadlock and no core idles while work is queued.
 *
 * Errors: the first failing task's error (code and message) is re-raised on the
 * waiting thread; the group's remaining tasks are skipped once one has failed.
 *
 * Thread-safety: every function may be called from any thread, a group by one
 * thread at a time.
 */
#ifndef ST_UTIL_POOL_H
#define ST_UTIL_POOL_H

#include <stddef.h>

typedef struct st_pool st_pool;
typedef struct st_task_group st_task_group;
typedef int (*st_pool_fn)(void *payload, size_t index);

/* Starts `threads` workers (negative: one per online CPU minus the caller; 0: none,
 * tasks then run in the waiting thread). Free with st_pool_free. */
int st_pool_new(st_pool **out, int threads);
/* Stops the workers once the queue is empty. NULL-safe. */
void st_pool_free(st_pool *pool);
/* Number of threads that share the work, the caller included. */
int st_pool_width(const st_pool *pool);
/* Runs fn over [0, count); 0 or the first failure's code. A NULL pool runs serially. */
int st_pool_run(st_pool *pool, size_t count, st_pool_fn fn, void *payload);

/* A set of queued tasks that can be waited for together. NULL pool: tasks run at add. */
int st_task_group_new(st_task_group **out, st_pool *pool);
/*
 * Queues fn(payload, index). After a task of the group has failed, later tasks
 * are skipped. Returns 0, or the task's error when it ran inline (NULL pool),
 * or ST_ENOMEM (the task is then not queued).
 */
int st_task_group_add(st_task_group *g, st_pool_fn fn, void *payload, size_t index);
/* Waits for every queued task of the group; 0 or the first failure's code. */
int st_task_group_wait(st_task_group *g);
/* Waits for the group's tasks, then frees it. NULL-safe. */
void st_task_group_free(st_task_group *g);

/*
 * The process-wide pool, created on first use with one thread per CPU
 * (SUPERTABLE_THREADS overrides). Never freed; NULL with an error on failure.
 */
st_pool *st_pool_default(void);

/* Number of online CPUs (at least 1). */
int st_cpu_count(void);

#endif
