/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The one path every allocation takes: a replaceable allocator and a failure
 * injector, so tests can fail the n-th allocation and check that each cleanup
 * path works (curl's "torture", SQLite's *fault.test). The library never aborts
 * on out-of-memory; it returns ST_ENOMEM.
 *
 * LARGE BLOCKS. Decoding allocates the same few megabytes of vectors for every
 * row group and frees them when the consumer is done. Handed back to the C
 * library, that memory returns to the kernel and the next row group pays for
 * page faults and zeroing again: measured, a third of the decode time of a
 * 10-million-row file. So blocks of 64 KiB and more are rounded up to a power
 * of two and kept, when freed, in a per-size cache (bounded: 256 MiB in all,
 * SUPERTABLE_ALLOC_CACHE_MB overrides) for the next allocation of that class.
 * Growing a large block within its class is free, which makes vector doubling
 * cheap. Sanitizer builds skip the cache so use-after-free stays detectable.
 *
 * Every block carries a 16-byte header with its size (which keeps the 16-byte
 * alignment of malloc); st_free needs it to file a block in the cache.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "util/alloc.h"

#if defined(__SANITIZE_ADDRESS__)
#define ST_NO_BLOCK_CACHE 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ST_NO_BLOCK_CACHE 1
#endif
#endif

typedef struct {
    size_t size;      /* usable bytes after the header */
    size_t pad;
} block_header;

#define HDR sizeof(block_header)
#define LARGE_MIN_SHIFT 16  /* 64 KiB */
#define LARGE_MAX_SHIFT 36  /* 64 GiB: larger requests bypass the cache */
#define N_CLASSES (LARGE_MAX_SHIFT - LARGE_MIN_SHIFT + 1)
#define CACHE_SLOTS 16      /* blocks kept per class */

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

/* ------------------------------------------------------------ block cache */

typedef struct {
    pthread_mutex_t lock;
    void *blocks[N_CLASSES][CACHE_SLOTS];
    int count[N_CLASSES];
    size_t bytes;       /* cached in all */
    size_t limit;
    int initialised;
} block_cache;

#ifndef ST_NO_BLOCK_CACHE
static block_cache g_cache = {PTHREAD_MUTEX_INITIALIZER, {{0}}, {0}, 0, 0, 0};
#endif

/* The class of a large request (its size rounded up to 2^(class + MIN)), or -1. */
static int size_class(size_t n)
{
    int shift;
    if (n < ((size_t)1 << LARGE_MIN_SHIFT))
        return -1;
    shift = 64 - __builtin_clzll((unsigned long long)(n - 1));
    return shift > LARGE_MAX_SHIFT ? -1 : shift - LARGE_MIN_SHIFT;
}

static size_t class_size(int c)
{
    return (size_t)1 << (c + LARGE_MIN_SHIFT);
}

#ifndef ST_NO_BLOCK_CACHE
static size_t cache_limit(void)
{
    if (!g_cache.initialised) {
        const char *env = getenv("SUPERTABLE_ALLOC_CACHE_MB");
        long mb = env ? strtol(env, NULL, 10) : 256;
        g_cache.limit = mb < 0 ? 0 : (size_t)mb << 20;
        g_cache.initialised = 1;
    }
    return g_cache.limit;
}
#endif

static block_header *cache_take(int c)
{
    block_header *h = NULL;
#ifndef ST_NO_BLOCK_CACHE
    pthread_mutex_lock(&g_cache.lock);
    if (g_cache.count[c] > 0) {
        h = g_cache.blocks[c][--g_cache.count[c]];
        g_cache.bytes -= class_size(c);
    }
    pthread_mutex_unlock(&g_cache.lock);
#else
    (void)c;
#endif
    return h;
}

/* Keeps a freed block for reuse; 0 when the cache is full (the caller frees it). */
static int cache_put(block_header *h)
{
#ifndef ST_NO_BLOCK_CACHE
    int c = size_class(h->size), kept = 0;
    if (c < 0 || class_size(c) != h->size)
        return 0;
    pthread_mutex_lock(&g_cache.lock);
    if (g_cache.count[c] < CACHE_SLOTS && g_cache.bytes + h->size <= cache_limit()) {
        g_cache.blocks[c][g_cache.count[c]++] = h;
        g_cache.bytes += h->size;
        kept = 1;
    }
    pthread_mutex_unlock(&g_cache.lock);
    return kept;
#else
    (void)h;
    return 0;
#endif
}

/* ------------------------------------------------------------ the wrappers */

static void *raw_alloc(size_t n)
{
    int c = size_class(n);
    block_header *h;
    if (c >= 0) {
        n = class_size(c);
        if ((h = cache_take(c)) != NULL)
            return h + 1;
    }
    if (n > SIZE_MAX - HDR)
        return NULL;
    h = g_alloc.malloc_fn(n + HDR, g_alloc.payload);
    if (!h)
        return NULL;
    h->size = n;
    return h + 1;
}

static void raw_free(block_header *h)
{
    if (!cache_put(h))
        g_alloc.free_fn(h, g_alloc.payload);
}

void *st_malloc(size_t n)
{
    void *p;
    if (injected_failure()) {
        st_error_set_oom();
        return NULL;
    }
    p = raw_alloc(n ? n : 1);
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
    block_header *h, *nh;
    void *p;
    if (!ptr)
        return st_malloc(n);
    if (injected_failure()) {
        st_error_set_oom();
        return NULL;
    }
    if (!n)
        n = 1;
    h = (block_header *)ptr - 1;
    if (n <= h->size && (size_class(h->size) >= 0 || n > h->size / 2)) {
        /* Fits: large blocks keep their class; small ones shrink only by half. */
        atomic_fetch_add_explicit(&g_succeeded, 1, memory_order_relaxed);
        return ptr;
    }
    if (size_class(n) < 0 && size_class(h->size) < 0) {
        if (n > SIZE_MAX - HDR || !(nh = g_alloc.realloc_fn(h, n + HDR, g_alloc.payload))) {
            st_error_set_oom();
            return NULL;
        }
        nh->size = n;
        atomic_fetch_add_explicit(&g_succeeded, 1, memory_order_relaxed);
        return nh + 1;
    }
    /* A large block on either side: move between classes through the cache. */
    if (!(p = raw_alloc(n))) {
        st_error_set_oom();
        return NULL;
    }
    memcpy(p, ptr, h->size < n ? h->size : n);
    raw_free(h);
    atomic_fetch_add_explicit(&g_succeeded, 1, memory_order_relaxed);
    return p;
}

void st_free(void *ptr)
{
    if (ptr)
        raw_free((block_header *)ptr - 1);
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
