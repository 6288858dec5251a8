/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Thread pool: workers take tasks from one FIFO queue under one mutex. Tasks are
 * coarse (a column chunk, a slice of a parallel-for), so one lock is not a
 * bottleneck and keeps the design obvious.
 *
 * A task belongs to a group, which counts its unfinished tasks and keeps the
 * first failure. Waiting on a group runs queued tasks until the group is done
 * ("helping"), so the waiting thread is one more worker and nested waits make
 * progress. A parallel-for is a group of width "runner" tasks that claim indexes
 * from an atomic counter, so uneven items still balance.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <unistd.h>

#include "util/alloc.h"
#include "util/pool.h"

typedef struct task {
    struct task *next;
    st_pool_fn fn;
    void *payload;
    size_t index;
    st_task_group *group;
} task;

struct st_task_group {
    st_pool *pool;
    size_t pending;             /* queued or running, under pool->lock */
    atomic_int failed;
    st_error_saved err;         /* the first failure, written once */
};

struct st_pool {
    pthread_mutex_t lock;
    pthread_cond_t work;        /* a task was queued, or shutdown */
    pthread_cond_t done;        /* some group's pending count reached 0 */
    task *head, *tail;
    pthread_t *threads;
    int n_threads;
    int shutdown;
};

/* ------------------------------------------------------------ execution */

static void finish(st_pool *p, st_task_group *g)
{
    pthread_mutex_lock(&p->lock);
    if (--g->pending == 0)
        pthread_cond_broadcast(&p->done);
    pthread_mutex_unlock(&p->lock);
}

static void run_task(st_pool *p, task *t)
{
    st_task_group *g = t->group;
    if (!atomic_load(&g->failed) && t->fn(t->payload, t->index) < 0) {
        int expected = 0;
        if (atomic_compare_exchange_strong(&g->failed, &expected, 1))
            st_error_save(&g->err);
    }
    st_free(t);
    finish(p, g);
}

/* Takes the first queued task; called with the lock held. */
static task *pop(st_pool *p)
{
    task *t = p->head;
    if (t) {
        p->head = t->next;
        if (!p->head)
            p->tail = NULL;
    }
    return t;
}

static void *worker_main(void *arg)
{
    st_pool *p = arg;
    pthread_mutex_lock(&p->lock);
    for (;;) {
        task *t;
        while (!p->shutdown && !p->head)
            pthread_cond_wait(&p->work, &p->lock);
        if (!(t = pop(p)))
            break; /* shutdown with an empty queue */
        pthread_mutex_unlock(&p->lock);
        run_task(p, t);
        pthread_mutex_lock(&p->lock);
    }
    pthread_mutex_unlock(&p->lock);
    return NULL;
}

/* ------------------------------------------------------------ groups */

int st_task_group_new(st_task_group **out, st_pool *pool)
{
    st_task_group *g = st_calloc(1, sizeof(*g));
    *out = NULL;
    if (!g)
        return ST_ENOMEM;
    g->pool = pool;
    *out = g;
    return 0;
}

int st_task_group_add(st_task_group *g, st_pool_fn fn, void *payload, size_t index)
{
    st_pool *p = g->pool;
    task *t;
    if (!p || p->n_threads == 0) {
        /* No workers: run now, so that a group without a pool is just a loop. */
        int rc;
        if (atomic_load(&g->failed))
            return 0;
        if ((rc = fn(payload, index)) < 0) {
            atomic_store(&g->failed, 1);
            st_error_save(&g->err);
        }
        return rc;
    }
    if (!(t = st_malloc(sizeof(*t))))
        return ST_ENOMEM;
    *t = (task){NULL, fn, payload, index, g};
    pthread_mutex_lock(&p->lock);
    g->pending++;
    if (p->tail)
        p->tail->next = t;
    else
        p->head = t;
    p->tail = t;
    pthread_cond_signal(&p->work);
    pthread_mutex_unlock(&p->lock);
    return 0;
}

int st_task_group_wait(st_task_group *g)
{
    st_pool *p = g->pool;
    if (p && p->n_threads > 0) {
        pthread_mutex_lock(&p->lock);
        while (g->pending > 0) {
            task *t = pop(p);
            if (t) {
                pthread_mutex_unlock(&p->lock);
                run_task(p, t);
                pthread_mutex_lock(&p->lock);
            } else {
                pthread_cond_wait(&p->done, &p->lock);
            }
        }
        pthread_mutex_unlock(&p->lock);
    }
    if (atomic_load(&g->failed))
        return st_error_restore(&g->err);
    return 0;
}

void st_task_group_free(st_task_group *g)
{
    st_error_saved keep;
    if (!g)
        return;
    /* Tasks may still point at their payloads: never free under them. */
    st_error_save(&keep);
    st_task_group_wait(g);
    st_error_restore(&keep);
    st_free(g);
}

/* ------------------------------------------------------------ parallel-for */

typedef struct {
    st_pool_fn fn;
    void *payload;
    size_t count;
    atomic_size_t next;
    st_task_group *group;
} for_job;

static int for_runner(void *payload, size_t unused)
{
    for_job *j = payload;
    size_t i;
    (void)unused;
    while (!atomic_load(&j->group->failed) && (i = atomic_fetch_add(&j->next, 1)) < j->count) {
        int rc = j->fn(j->payload, i);
        if (rc < 0)
            return rc;
    }
    return 0;
}

static int run_serial(size_t count, st_pool_fn fn, void *payload)
{
    for (size_t i = 0; i < count; i++) {
        int rc = fn(payload, i);
        if (rc < 0)
            return rc;
    }
    return 0;
}

int st_pool_run(st_pool *p, size_t count, st_pool_fn fn, void *payload)
{
    st_task_group g = {p, 0, 0, {0, 0, 0, {0}}};
    for_job j = {fn, payload, count, 0, &g};
    size_t runners;
    int rc;
    if (!p || p->n_threads == 0 || count <= 1)
        return run_serial(count, fn, payload);
    runners = (size_t)p->n_threads < count - 1 ? (size_t)p->n_threads : count - 1;
    for (size_t r = 0; r < runners; r++)
        if (st_task_group_add(&g, for_runner, &j, r) < 0)
            break; /* out of memory for a runner: the caller still does all the work */
    rc = for_runner(&j, 0);
    if (rc < 0) {
        int expected = 0;
        if (atomic_compare_exchange_strong(&g.failed, &expected, 1))
            st_error_save(&g.err);
    }
    return st_task_group_wait(&g);
}

/* ------------------------------------------------------------ lifecycle */

int st_cpu_count(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : (int)n;
}

int st_pool_new(st_pool **out, int threads)
{
    st_pool *p;
    *out = NULL;
    if (threads < 0)
        threads = st_cpu_count() - 1;
    p = st_calloc(1, sizeof(*p));
    if (!p)
        return ST_ENOMEM;
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->work, NULL);
    pthread_cond_init(&p->done, NULL);
    if (threads > 0) {
        p->threads = st_calloc((size_t)threads, sizeof(pthread_t));
        if (!p->threads) {
            st_pool_free(p);
            return ST_ENOMEM;
        }
    }
    for (int i = 0; i < threads; i++) {
        if (pthread_create(&p->threads[i], NULL, worker_main, p) != 0) {
            st_pool_free(p);
            return st_error_set(ST_ERROR, ST_ERROR_THREAD, "cannot start worker thread");
        }
        p->n_threads++;
    }
    *out = p;
    return 0;
}

void st_pool_free(st_pool *p)
{
    if (!p)
        return;
    pthread_mutex_lock(&p->lock);
    p->shutdown = 1;
    pthread_cond_broadcast(&p->work);
    pthread_mutex_unlock(&p->lock);
    for (int i = 0; i < p->n_threads; i++)
        pthread_join(p->threads[i], NULL);
    pthread_mutex_destroy(&p->lock);
    pthread_cond_destroy(&p->work);
    pthread_cond_destroy(&p->done);
    st_free(p->threads);
    st_free(p);
}

int st_pool_width(const st_pool *p)
{
    return p ? p->n_threads + 1 : 1;
}

static st_pool *g_default;
static pthread_once_t g_default_once = PTHREAD_ONCE_INIT;

static void default_init(void)
{
    const char *env = getenv("SUPERTABLE_THREADS");
    long n = env ? strtol(env, NULL, 10) : 0;
    /* n counts the caller; the pool starts n-1 workers. */
    if (n <= 0 || n > 1024)
        n = st_cpu_count();
    if (st_pool_new(&g_default, (int)n - 1) < 0)
        g_default = NULL;
}

st_pool *st_pool_default(void)
{
    pthread_once(&g_default_once, default_init);
    return g_default;
}
