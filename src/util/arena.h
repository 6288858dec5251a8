/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A bump allocator for many small allocations that die together (a parsed
 * footer, a schema, a query's AST). Freed all at once by st_arena_dispose().
 * With ST_DEBUG_ARENA defined each allocation is a separate st_malloc so that
 * AddressSanitizer sees overflows between them.
 * Not thread-safe.
 */
#ifndef ST_UTIL_ARENA_H
#define ST_UTIL_ARENA_H

#include <stddef.h>

typedef struct st_arena_block st_arena_block;

typedef struct st_arena {
    st_arena_block *head;
    size_t block_size; /* 0: default 16 KiB */
} st_arena;

#define ST_ARENA_INIT {NULL, 0}

/* 16-byte aligned memory that lives until st_arena_dispose(); NULL on OOM. */
void *st_arena_alloc(st_arena *a, size_t n);
/* Zeroed variant. */
void *st_arena_calloc(st_arena *a, size_t count, size_t size);
/* Copies a string into the arena. */
char *st_arena_strdup(st_arena *a, const char *s);
char *st_arena_strndup(st_arena *a, const char *s, size_t n);
/* "parent.name" (just "name" when parent is NULL or empty), in the arena. */
char *st_arena_join(st_arena *a, const char *parent, const char *name);
/* Frees every allocation. The arena may be reused. */
void st_arena_dispose(st_arena *a);

#endif
