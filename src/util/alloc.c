/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The one path every allocation takes: a replaceable allocator and a failure
 * injector, so tests can fail the n-th allocation and check that each cleanup
 * path works (curl's "torture", SQLite's *fault.test). The library never aborts
 * on out-of-memory; it returns ST_ENOMEM.
 */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "util/alloc.h"

static void *libc_malloc(size_t n, void *p) { (void)p; return malloc(n); }
static void *libc_realloc(void *ptr, size_t n, void *p) { (void)p; return realloc(ptr, n); }
static void libc_free(void *ptr, void *p) { (void)p; free(ptr); }

static st_allocator g_alloc = {libc_malloc, libc_realloc, libc_free, NULL};

/* Countdown to an injected failure; negative when injection is off. */
static atomic_long g_fail_countdown = -1;
static atomic_long g_succeeded = 0;

int st_allocator_set(const st_allocator *a)
{
    if (!a) {
        g_alloc = (st_allocator){libc_malloc, libc_realloc, libc_free, NULL};
        return 0;
    }
    if (!a->malloc_fn || !a->realloc_fn || !a->free_fn)
        return st_error_set(ST_EINVALID, ST_ERROR_INVALID, "allocator has a NULL function");
    g_alloc = *a;
    return 0;
}

long st_alloc_fail_after(long n)
{
    long done = atomic_exchange(&g_succeeded, 0);
    atomic_store(&g_fail_countdown, n);
    return done;
}

/* True when this allocation must fail by injection. */
static int injected_failure(void)
{
    long c = atomic_load(&g_fail_countdown);
    if (c < 0)
        return 0;
    c = atomic_fetch_sub(&g_fail_countdown, 1);
    if (c == 0)
        return 1;
    if (c < 0)
        atomic_store(&g_fail_countdown, -1);
    return 0;
}

void *st_malloc(size_t n)
{
    void *p;
    if (injected_failure()) {
        st_error_set_oom();
        return NULL;
    }
    p = g_alloc.malloc_fn(n ? n : 1, g_alloc.payload);
    if (!p)
        st_error_set_oom();
    else
        atomic_fetch_add_explicit(&g_succeeded, 1, memory_order_relaxed);
    return p;
}

void *st_calloc(size_t n, size_t size)
{
    size_t total;
    void *p;
    if (__builtin_mul_overflow(n, size, &total)) {
        st_error_set_oom();
        return NULL;
    }
    p = st_malloc(total);
    if (p)
        memset(p, 0, total);
    return p;
}

void *st_realloc(void *ptr, size_t n)
{
    void *p;
    if (!ptr)
        return st_malloc(n);
    if (injected_failure()) {
        st_error_set_oom();
        return NULL;
    }
    p = g_alloc.realloc_fn(ptr, n ? n : 1, g_alloc.payload);
    if (!p)
        st_error_set_oom();
    else
        atomic_fetch_add_explicit(&g_succeeded, 1, memory_order_relaxed);
    return p;
}

void st_free(void *ptr)
{
    if (ptr)
        g_alloc.free_fn(ptr, g_alloc.payload);
}

char *st_strdup(const char *s)
{
    return s ? st_memdup(s, strlen(s) + 1) : NULL;
}

char *st_strndup(const char *s, size_t n)
{
    size_t len = strnlen(s, n);
    char *p = st_malloc(len + 1);
    if (p) {
        memcpy(p, s, len);
        p[len] = 0;
    }
    return p;
}

void *st_memdup(const void *src, size_t n)
{
    void *p = st_malloc(n);
    if (p && n)
        memcpy(p, src, n);
    return p;
}

void *st_mallocarray(size_t count, size_t size)
{
    size_t total;
    if (__builtin_mul_overflow(count, size, &total)) {
        st_error_set_oom();
        return NULL;
    }
    return st_malloc(total);
}

void *st_reallocarray(void *ptr, size_t count, size_t size)
{
    size_t total;
    if (__builtin_mul_overflow(count, size, &total)) {
        st_error_set_oom();
        return NULL;
    }
    return st_realloc(ptr, total);
}
