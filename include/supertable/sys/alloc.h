/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Extension point: the allocator every allocation of the library goes through,
 * and allocation-failure injection for tests.
 */
#ifndef SUPERTABLE_SYS_ALLOC_H
#define SUPERTABLE_SYS_ALLOC_H

#include "../common.h"

ST_BEGIN_DECL

/** A replacement allocator. All three must be set; `payload` is passed back. */
typedef struct st_allocator {
    void *(*malloc_fn)(size_t n, void *payload);
    void *(*realloc_fn)(void *ptr, size_t n, void *payload);
    void (*free_fn)(void *ptr, void *payload);
    void *payload;
} st_allocator;

/**
 * Installs `a` (copied), or the C library's allocator when `a` is NULL. Call it
 * before any other st_ function: memory must be freed by the allocator that
 * allocated it. Thread-safety: not safe while other threads use the library.
 */
ST_EXTERN(int) st_allocator_set(const st_allocator *a);

/** Allocates `n` bytes; NULL with an ST_ENOMEM error on failure. Thread-safe. */
ST_EXTERN(void *) st_malloc(size_t n);
/** Allocates n*size zeroed bytes; NULL on failure or overflow. Thread-safe. */
ST_EXTERN(void *) st_calloc(size_t n, size_t size);
/** Resizes; on failure returns NULL and leaves `ptr` allocated. Thread-safe. */
ST_EXTERN(void *) st_realloc(void *ptr, size_t n);
/** Frees memory from st_malloc/st_calloc/st_realloc or any `char **out` string. */
ST_EXTERN(void) st_free(void *ptr);

/**
 * Test hook: the allocation that follows `n` successful ones fails, then all
 * succeed again. n < 0 disables injection. Returns how many allocations have
 * succeeded since the last call (so a sweep knows when it has covered all).
 * Thread-safety: process-wide counter, atomic.
 */
ST_EXTERN(long) st_alloc_fail_after(long n);

ST_END_DECL

#endif
