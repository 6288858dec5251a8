/* SPDX-License-Identifier: Apache-2.0 */
/* Growable byte buffers: amortised doubling, always one spare byte for a NUL. */
#include <stdio.h>

#include "util/alloc.h"
#include "util/buf.h"

int st_buf_reserve(st_buf *b, size_t cap)
{
    size_t ncap;
    uint8_t *p;
    if (cap < b->cap)
        return 0;
    ncap = b->cap ? b->cap : 64;
    while (ncap <= cap) {
        if (ncap > SIZE_MAX / 2)
            return st_error_set_oom();
        ncap *= 2;
    }
    p = st_realloc(b->ptr, ncap);
    if (!p)
        return ST_ENOMEM;
    b->ptr = p;
    b->cap = ncap;
    return 0;
}

int st_buf_grow(st_buf *b, size_t extra)
{
    size_t need;
    if (st_add_overflow(b->len, extra, &need))
        return st_error_set_oom();
    return st_buf_reserve(b, need);
}

int st_buf_put(st_buf *b, const void *data, size_t n)
{
    if (st_buf_grow(b, n) < 0)
        return ST_ENOMEM;
    if (n)
        memcpy(b->ptr + b->len, data, n);
    b->len += n;
    b->ptr[b->len] = 0;
    return 0;
}

int st_buf_puts(st_buf *b, const char *s)
{
    return st_buf_put(b, s, strlen(s));
}

int st_buf_putc(st_buf *b, char c)
{
    return st_buf_put(b, &c, 1);
}

int st_buf_vprintf(st_buf *b, const char *fmt, va_list ap)
{
    va_list ap2;
    int n;
    va_copy(ap2, ap);
    n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        return st_error_set(ST_EINVALID, ST_ERROR_INVALID, "bad format string");
    if (st_buf_grow(b, (size_t)n) < 0)
        return ST_ENOMEM;
    vsnprintf((char *)b->ptr + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
    return 0;
}

int st_buf_printf(st_buf *b, const char *fmt, ...)
{
    va_list ap;
    int rc;
    va_start(ap, fmt);
    rc = st_buf_vprintf(b, fmt, ap);
    va_end(ap);
    return rc;
}

void st_buf_dispose(st_buf *b)
{
    st_free(b->ptr);
    b->ptr = NULL;
    b->len = b->cap = 0;
}

uint8_t *st_buf_detach(st_buf *b)
{
    uint8_t *p = b->ptr;
    b->ptr = NULL;
    b->len = b->cap = 0;
    return p;
}
