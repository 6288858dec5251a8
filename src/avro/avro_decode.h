/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Avro binary decoding primitives (Avro 1.11 specification, "Binary
 * Encoding") for decoders that read records straight from a block's bytes
 * (spec/manifest_read.c, spec/manifest_list.c).
 *
 * Every function reads at *pp, never past `end`, and advances *pp only on
 * success; a failure returns -1 and sets no message (the caller knows which
 * record and block it was reading). Bytes and strings are returned as
 * borrowed pointers into the block.
 */
#ifndef ST_AVRO_AVRO_DECODE_H
#define ST_AVRO_AVRO_DECODE_H

#include <stdint.h>
#include <string.h>

#include "avro/avro_file.h"

/* st_avro_get_long's general case: any length, checked byte by byte. */
static inline int st_avro_get_long_more(const uint8_t **pp, const uint8_t *end, int64_t *out)
{
    const uint8_t *p = *pp;
    uint64_t v = 0, b;
    for (int shift = 0;; shift += 7) {
        if (shift == 70 || p >= end)
            return -1;
        b = *p++;
        v |= (b & 0x7f) << shift;
        if (!(b & 0x80))
            break;
    }
    *out = (int64_t)(v >> 1) ^ -(int64_t)(v & 1);
    *pp = p;
    return 0;
}

/* A zig-zag varint long of at most 10 bytes. */
static inline int st_avro_get_long(const uint8_t **pp, const uint8_t *end, int64_t *out)
{
    const uint8_t *p = *pp;
    uint64_t v;
    if (end - p >= 3) {
        /* 1 to 3 bytes (values of -2^20 .. 2^20-1) without a loop: field
         * ids, counts, sizes, lengths, union branches */
        v = p[0];
        if (v < 0x80) {
            p += 1;
            goto done;
        }
        v = (v & 0x7f) | (uint64_t)p[1] << 7;
        if (p[1] < 0x80) {
            p += 2;
            goto done;
        }
        v = (v & 0x3fff) | (uint64_t)p[2] << 14;
        if (p[2] < 0x80) {
            p += 3;
            goto done;
        }
    }
    return st_avro_get_long_more(pp, end, out);
done:
    *out = (int64_t)(v >> 1) ^ -(int64_t)(v & 1);
    *pp = p;
    return 0;
}

/* An int (a long in int32 range) when `is_int`, else a long. */
static inline int st_avro_get_intlike(const uint8_t **pp, const uint8_t *end, int is_int,
                                      int64_t *out)
{
    if (st_avro_get_long(pp, end, out) < 0 || (is_int && (*out < INT32_MIN || *out > INT32_MAX)))
        return -1;
    return 0;
}

/* Bytes or a string: a length, then that many bytes (borrowed). */
static inline int st_avro_get_bytes(const uint8_t **pp, const uint8_t *end, const uint8_t **ptr,
                                    size_t *len)
{
    const uint8_t *p = *pp;
    int64_t n;
    if (st_avro_get_long(&p, end, &n) < 0 || n < 0 || n > end - p)
        return -1;
    *ptr = p;
    *len = (size_t)n;
    *pp = p + n;
    return 0;
}

/* `n` raw bytes (a fixed). */
static inline int st_avro_get_raw(const uint8_t **pp, const uint8_t *end, size_t n,
                                  const uint8_t **ptr)
{
    if ((size_t)(end - *pp) < n)
        return -1;
    *ptr = *pp;
    *pp += n;
    return 0;
}

/* A boolean: one byte, 0 or 1. */
static inline int st_avro_get_boolean(const uint8_t **pp, const uint8_t *end, int *out)
{
    if (*pp >= end || **pp > 1)
        return -1;
    *out = *(*pp)++;
    return 0;
}

/* A float or double (little-endian IEEE 754). */
static inline int st_avro_get_float(const uint8_t **pp, const uint8_t *end, float *out)
{
    if (end - *pp < 4)
        return -1;
    memcpy(out, *pp, 4);
    *pp += 4;
    return 0;
}

static inline int st_avro_get_double(const uint8_t **pp, const uint8_t *end, double *out)
{
    if (end - *pp < 8)
        return -1;
    memcpy(out, *pp, 8);
    *pp += 8;
    return 0;
}

/*
 * The item count of the next block of an array or map: 0 at the end. A
 * negative count is followed by the block's byte size, which is read and
 * ignored. The count is refused when `item_min` bytes per item would not fit
 * before `end` (items of 0 bytes: more than 2^20 in one block).
 */
static inline int st_avro_get_block_count(const uint8_t **pp, const uint8_t *end, size_t item_min,
                                          int64_t *count)
{
    const uint8_t *p = *pp;
    int64_t n, size;
    if (st_avro_get_long(&p, end, &n) < 0)
        return -1;
    if (n < 0) {
        if (n == INT64_MIN || st_avro_get_long(&p, end, &size) < 0 || size < 0)
            return -1;
        n = -n;
    }
    if (item_min ? (uint64_t)n > (uint64_t)(end - p) / item_min : n > (1 << 20))
        return -1;
    *count = n;
    *pp = p;
    return 0;
}

/*
 * Skips one datum of type `t` (the whole of it, nested values included),
 * checking it as it goes: lengths within the block, union branches and enum
 * symbols in range, booleans 0 or 1, ints in range, nesting at most 64 deep.
 */
int st_avro_skip(const st_avro_type *t, const uint8_t **pp, const uint8_t *end);

#endif
