/* SPDX-License-Identifier: Apache-2.0 */
/* Internal allocation helpers on top of the public st_malloc family. */
#ifndef ST_UTIL_ALLOC_H
#define ST_UTIL_ALLOC_H

#include <stdbool.h>
#include <string.h>
#include <supertable/sys/alloc.h>
#include <supertable/errors.h>

/* Duplicates a string (NULL-safe); NULL with ST_ENOMEM on failure. */
char *st_strdup(const char *s);
/* Duplicates at most n bytes and NUL-terminates. */
char *st_strndup(const char *s, size_t n);
/* Duplicates n bytes. */
void *st_memdup(const void *p, size_t n);
/* Allocates count*size bytes, checking the multiplication. */
void *st_mallocarray(size_t count, size_t size);
/* Resizes to count*size bytes, checking the multiplication. */
void *st_reallocarray(void *ptr, size_t count, size_t size);

/* Overflow-checked size arithmetic: false (and ST_EINVALID set) on overflow. */
static inline bool st_add_overflow(size_t a, size_t b, size_t *out)
{
    return __builtin_add_overflow(a, b, out);
}
static inline bool st_mul_overflow(size_t a, size_t b, size_t *out)
{
    return __builtin_mul_overflow(a, b, out);
}

#define ST_ALLOC_CHECK(p) do { if (!(p)) return ST_ENOMEM; } while (0)

#endif
