/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Helpers shared by the files of the spec layer: the minimal big-endian form
 * of a decimal (single-value binary and the bucket hash use the same bytes),
 * murmur3 of one long (the bucket hash of every integer-like type, inlined
 * into the vector loops) and floor division.
 */
#ifndef ST_SPEC_SPEC_INT_H
#define ST_SPEC_SPEC_INT_H

#include <stddef.h>
#include <stdint.h>

#include "supertable/vector.h"

/* The unscaled value as minimal-length big-endian two's complement (Java's
 * BigInteger.toByteArray(): at least one byte). Returns the length. */
size_t st_spec_decimal_to_be(uint8_t out[16], st_decimal128 d);
/* The inverse for 1..16 bytes (sign-extended). */
st_decimal128 st_spec_decimal_from_be(const uint8_t *p, size_t n);

/* ------------------------------------------------------------- murmur3 */

static inline uint32_t st_mm3_rotl(uint32_t x, int r)
{
    return (x << r) | (x >> (32 - r));
}

/* One 4-byte block folded into the running hash. */
static inline uint32_t st_mm3_block(uint32_t h, uint32_t k)
{
    k *= 0xcc9e2d51u;
    k = st_mm3_rotl(k, 15);
    k *= 0x1b873593u;
    h ^= k;
    h = st_mm3_rotl(h, 13);
    return h * 5 + 0xe6546b64u;
}

static inline uint32_t st_mm3_final(uint32_t h, size_t len)
{
    h ^= (uint32_t)len;
    h ^= h >> 16;
    h *= 0x85ebca6bu;
    h ^= h >> 13;
    h *= 0xc2b2ae35u;
    h ^= h >> 16;
    return h;
}

/* murmur3_x86_32(seed 0) of the 8 little-endian bytes of v: Guava's hashLong,
 * which Iceberg uses for int, long, date, time and timestamps. */
static inline uint32_t st_mm3_long(int64_t v)
{
    uint64_t u = (uint64_t)v;
    uint32_t h = st_mm3_block(0, (uint32_t)u);
    h = st_mm3_block(h, (uint32_t)(u >> 32));
    return st_mm3_final(h, 8);
}

/* (hash & INT_MAX) % n: the bucket of a hash. */
static inline int32_t st_mm3_bucket(uint32_t hash, int32_t n)
{
    return (int32_t)((hash & 0x7fffffffu) % (uint32_t)n);
}

/* ------------------------------------------------------------ division */

/* Floor division and modulo for b > 0 (toward -infinity, as Iceberg's
 * transforms want for values before 1970 and negative truncations). */
static inline int64_t st_floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return q - ((a % b) < 0);
}

static inline int64_t st_floor_mod(int64_t a, int64_t b)
{
    int64_t r = a % b;
    return r < 0 ? r + b : r;
}

#endif
