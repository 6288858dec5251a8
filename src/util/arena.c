/* SPDX-License-Identifier: Apache-2.0 */
/* Arena: a list of blocks; large requests get a block of their own. */
#include <string.h>

#include "util/alloc.h"
#include "util/arena.h"

struct st_arena_block {
    st_arena_block *next;
    size_t used, cap;
    _Alignas(16) unsigned char data[];
};

void *st_arena_alloc(st_arena *a, size_t n)
{
    st_arena_block *b = a->head;
    size_t need = (n + 15) & ~(size_t)15;
    if (need < n) {
        st_error_set_oom();
        return NULL;
    }
#ifndef ST_DEBUG_ARENA
    if (b && b->cap - b->used >= need) {
        void *p = b->data + b->used;
        b->used += need;
        return p;
    }
#endif
    {
        size_t bs = a->block_size ? a->block_size : 16384, cap;
#ifdef ST_DEBUG_ARENA
        bs = 0;
#endif
        cap = need > bs ? need : bs;
        if (cap > SIZE_MAX - sizeof(st_arena_block)) {
            st_error_set_oom();
            return NULL;
        }
        b = st_malloc(sizeof(st_arena_block) + cap);
        if (!b)
            return NULL;
        b->cap = cap;
        b->used = need;
        /* Keep the block with free room at the head: a big one-off goes second. */
        if (a->head && need > (a->block_size ? a->block_size : 16384)) {
            b->next = a->head->next;
            a->head->next = b;
        } else {
            b->next = a->head;
            a->head = b;
        }
        return b->data;
    }
}

void *st_arena_calloc(st_arena *a, size_t count, size_t size)
{
    size_t n;
    void *p;
    if (__builtin_mul_overflow(count, size, &n)) {
        st_error_set_oom();
        return NULL;
    }
    p = st_arena_alloc(a, n);
    if (p)
        memset(p, 0, n);
    return p;
}

char *st_arena_strndup(st_arena *a, const char *s, size_t n)
{
    char *p = st_arena_alloc(a, n + 1);
    if (p) {
        memcpy(p, s, n);
        p[n] = 0;
    }
    return p;
}

char *st_arena_strdup(st_arena *a, const char *s)
{
    return s ? st_arena_strndup(a, s, strlen(s)) : NULL;
}

char *st_arena_join(st_arena *a, const char *parent, const char *name)
{
    size_t lp = parent ? strlen(parent) : 0, ln = strlen(name);
    char *p = st_arena_alloc(a, lp + ln + 2);
    if (!p)
        return NULL;
    if (lp) {
        memcpy(p, parent, lp);
        p[lp++] = '.';
    }
    memcpy(p + lp, name, ln + 1);
    return p;
}

void st_arena_dispose(st_arena *a)
{
    st_arena_block *b = a->head;
    while (b) {
        st_arena_block *next = b->next;
        st_free(b);
        b = next;
    }
    a->head = NULL;
}
