/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Growable byte buffers (libgit2's git_str). A zeroed st_buf (ST_BUF_INIT) is
 * empty and owns nothing; st_buf_dispose() frees and re-zeroes it. `ptr` is
 * NUL-terminated whenever the buffer was filled with the string helpers.
 * Not thread-safe; one owner at a time.
 */
#ifndef ST_UTIL_BUF_H
#define ST_UTIL_BUF_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef struct st_buf {
    uint8_t *ptr;
    size_t len;
    size_t cap;
} st_buf;

#define ST_BUF_INIT {NULL, 0, 0}

/* Ensures room for `extra` more bytes (plus a NUL); 0 or ST_ENOMEM. */
int st_buf_grow(st_buf *b, size_t extra);
/* Ensures capacity >= cap; 0 or ST_ENOMEM. */
int st_buf_reserve(st_buf *b, size_t cap);
int st_buf_put(st_buf *b, const void *data, size_t n);
int st_buf_puts(st_buf *b, const char *s);
int st_buf_putc(st_buf *b, char c);
int st_buf_printf(st_buf *b, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
int st_buf_vprintf(st_buf *b, const char *fmt, va_list ap);
/* Sets len to 0, keeping the allocation. */
static inline void st_buf_clear(st_buf *b) { b->len = 0; if (b->ptr) b->ptr[0] = 0; }
/* Frees the storage. */
void st_buf_dispose(st_buf *b);
/* Takes the storage out of the buffer (the caller st_free()s it); the buffer is reset. */
uint8_t *st_buf_detach(st_buf *b);
/* A NUL-terminated view; "" for an empty, unallocated buffer. */
static inline const char *st_buf_cstr(const st_buf *b) { return b->ptr ? (const char *)b->ptr : ""; }

/* Orders byte strings as unsigned bytes, a shorter prefix first (UTF-8 code
 * point order for strings): -1, 0 or 1. NULL is fine with a zero length. */
static inline int st_bytes_cmp(const uint8_t *a, size_t al, const uint8_t *b, size_t bl)
{
    size_t n = al < bl ? al : bl;
    int c = n ? memcmp(a, b, n) : 0;
    if (c)
        return c < 0 ? -1 : 1;
    return (al > bl) - (al < bl);
}

#endif
