/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Parallel-for thread pool. One job at a time: the job's indexes are claimed
 * with an atomic counter by the workers and the caller alike, so a slow item
 * never holds up the rest. Workers sleep on a condition variable between jobs,
 * woken by a generation number.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <unistd.h>

#include "util/alloc.h"
#include "util/pool.h"

struct st_pool {
    pthread_mutex_t lock;
    pthread_cond_t wake, done;
    pthread_mutex_t run_lock;  /* serialises st_pool_run callers */
    pthread_t *threads;
    int n_threads;
    int shutdown;
    unsigned long generation;

    /* the current job */
    st_pool_fn fn;
    void *payload;
    size_t count;
    atomic_size_t next;
    atomic_int failed;
    int active;                /* workers still inside the job */
    st_error_saved err;
};

static _Thread_local int tls_in_job;

static void run_items(st_pool *p)
{
    size_t i;
    tls_in_job = 1;
    while (!atomic_load(&p->failed) && (i = atomic_fetch_add(&p->next, 1)) < p->count) {
        if (p->fn(p->payload, i) < 0) {
            int expected = 0;
            if (atomic_compare_exchange_strong(&p->failed, &expected, 1))
                st_error_save(&p->err);
        }
    }
    tls_in_job = 0;
}

static void *worker_main(void *arg)
{
    st_pool *p = arg;
    unsigned long seen = 0;
    pthread_mutex_lock(&p->lock);
    for (;;) {
        while (!p->shutdown && p->generation == seen)
            pthread_cond_wait(&p->wake, &p->lock);
        if (p->shutdown)
            break;
        seen = p->generation;
        pthread_mutex_unlock(&p->lock);
        run_items(p);
        pthread_mutex_lock(&p->lock);
        if (--p->active == 0)
            pthread_cond_signal(&p->done);
    }
    pthread_mutex_unlock(&p->lock);
    return NULL;
}

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
    pthread_mutex_init(&p->run_lock, NULL);
    pthread_cond_init(&p->wake, NULL);
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
    pthread_cond_broadcast(&p->wake);
    pthread_mutex_unlock(&p->lock);
    for (int i = 0; i < p->n_threads; i++)
        pthread_join(p->threads[i], NULL);
    pthread_mutex_destroy(&p->lock);
    pthread_mutex_destroy(&p->run_lock);
    pthread_cond_destroy(&p->wake);
    pthread_cond_destroy(&p->done);
    st_free(p->threads);
    st_free(p);
}

int st_pool_width(const st_pool *p)
{
    return p ? p->n_threads + 1 : 1;
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
    int failed;
    if (!p || p->n_threads == 0 || count <= 1 || tls_in_job)
        return run_serial(count, fn, payload);
    pthread_mutex_lock(&p->run_lock);
    pthread_mutex_lock(&p->lock);
    p->fn = fn;
    p->payload = payload;
    p->count = count;
    atomic_store(&p->next, 0);
    atomic_store(&p->failed, 0);
    p->active = p->n_threads;
    p->generation++;
    pthread_cond_broadcast(&p->wake);
    pthread_mutex_unlock(&p->lock);

    run_items(p);

    pthread_mutex_lock(&p->lock);
    while (p->active > 0)
        pthread_cond_wait(&p->done, &p->lock);
    pthread_mutex_unlock(&p->lock);
    failed = atomic_load(&p->failed);
    if (failed)
        st_error_restore(&p->err);
    pthread_mutex_unlock(&p->run_lock);
    return failed ? p->err.code : 0;
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
