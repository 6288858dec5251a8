/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Helpers shared by the encoding implementations (bitpack.c, rle.c, delta.c,
 * bss.c, plain.c): unaligned little-endian loads and stores, ULEB128 and zigzag,
 * and the group unpackers' dispatch tables. Not part of encoding.h's API.
 *
 * FORMAT notes: ULEB128 stores 7 bits per byte, least significant group first, the
 * high bit set on every byte but the last; zigzag maps signed v to
 * (v << 1) ^ (v >> 63) so small magnitudes of either sign stay short.
 */
#ifndef ST_PARQUET_ENCODING_INT_H
#define ST_PARQUET_ENCODING_INT_H

#include <stdint.h>
#include <string.h>

#include <supertable/errors.h>

#include "parquet/encoding.h"

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the Parquet encodings assume a little-endian machine (loads are plain memcpy)"
#endif

#define PQ_CORRUPT(...) st_error_set(ST_ECORRUPT, ST_ERROR_PARQUET, __VA_ARGS__)

#if defined(__GNUC__)
#define PQ_INLINE static inline __attribute__((always_inline))
#define PQ_LIKELY(x) __builtin_expect(!!(x), 1)
#define PQ_UNLIKELY(x) __builtin_expect(!!(x), 0)
#else
#define PQ_INLINE static inline
#define PQ_LIKELY(x) (x)
#define PQ_UNLIKELY(x) (x)
#endif

/* p + len without forming NULL + 0, which UBSan reports in C. */
static inline const uint8_t *pq_end(const uint8_t *p, size_t len) { return len ? p + len : p; }

/* memcpy keeps unaligned access defined (UBSan); compilers emit one mov. */
static inline uint64_t pq_ld64(const uint8_t *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}
static inline uint32_t pq_ld32(const uint8_t *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}
static inline void pq_st32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }
static inline void pq_st64(uint8_t *p, uint64_t v) { memcpy(p, &v, 8); }

/*
 * Reads a ULEB128 of at most max_bits bits (32 or 64) at *pp, advancing it.
 * 0, or -1 when it is truncated or too long for max_bits; sets no error.
 */
static inline int pq_uleb_read(const uint8_t **pp, const uint8_t *end, uint64_t *out,
                               unsigned max_bits)
{
    const uint8_t *p = *pp;
    uint64_t v = 0;
    for (unsigned shift = 0; p < end; shift += 7) {
        uint8_t b = *p++;
        if (shift >= max_bits || (shift > 0 && (uint64_t)(b & 0x7f) >> (max_bits - shift)))
            return -1;
        v |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80)) {
            *pp = p;
            *out = v;
            return 0;
        }
    }
    return -1;
}

/* Writes a ULEB128 of v to p (room for 10 bytes); returns the bytes written. */
static inline size_t pq_uleb_write(uint8_t *p, uint64_t v)
{
    size_t n = 0;
    while (v >= 0x80) {
        p[n++] = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    p[n++] = (uint8_t)v;
    return n;
}

static inline uint64_t pq_zigzag_encode(uint64_t v) { return (v << 1) ^ (0 - (v >> 63)); }
static inline uint64_t pq_zigzag_decode(uint64_t v) { return (v >> 1) ^ (0 - (v & 1)); }

/* Whole groups of 32 values of one width: in advances 4*width bytes per group. */
typedef void (*pq_unpack32_groups_fn)(const uint8_t *in, uint32_t *out, size_t groups);
typedef void (*pq_unpack64_groups_fn)(const uint8_t *in, uint64_t *out, size_t groups);
extern const pq_unpack32_groups_fn pq_unpack32_groups[33];
extern const pq_unpack64_groups_fn pq_unpack64_groups[65];

/* Bytes of an n-value group prefix: the first n values of a group (n <= 32). */
static inline size_t pq_group_bytes(size_t n, unsigned w) { return (n * w + 7) / 8; }

/*
 * Makes room for `bytes` more byte-array bytes in data, refusing to pass what
 * int32 offsets can address. 0, ST_EUNSUPPORTED or ST_ENOMEM. The 16 spare bytes
 * let copy loops write whole 16-byte blocks past a value's end.
 */
static inline int pq_reserve_binary(st_buf *data, uint64_t bytes)
{
    if (data->len > INT32_MAX || bytes > (uint64_t)INT32_MAX - data->len)
        return st_error_set(ST_EUNSUPPORTED, ST_ERROR_PARQUET,
                            "byte-array data passes 2 GiB, more than int32 offsets address");
    return st_buf_reserve(data, data->len + (size_t)bytes + 16);
}

#endif
