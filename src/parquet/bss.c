/* SPDX-License-Identifier: Apache-2.0 */
/*
 * BYTE_STREAM_SPLIT decoding and encoding for any value width.
 *
 * FORMAT: N values of k bytes are stored as k streams of N bytes, stream j holding
 * byte j of every value: byte j of value i is at p[j*N + i]. No header, no padding.
 *
 * It is a transpose of an N x k byte matrix. For k = 4 and 8 with SSE2, 16 values
 * at a time are transposed in registers: one round of byte unpacks over pairs of
 * vectors (j, j + k/2) rotates the bits of every byte's index in the 16*k-byte
 * tile left by one, so a fixed number of rounds turns "stream, value" order into
 * "value, byte" order (2 rounds for k = 4, 3 for k = 8) and back (4 rounds both).
 * Each stream is read sequentially, which the hardware prefetchers follow; other
 * widths go through tiles small enough that the strided side stays in L1.
 */
#include "parquet/encoding_int.h"
#include "util/alloc.h"

#if defined(__SSE2__)
#include <emmintrin.h>

#define LO8 _mm_unpacklo_epi8
#define HI8 _mm_unpackhi_epi8
#define ROUND4(v) do { \
        __m128i t0_ = LO8(v[0], v[2]), t1_ = HI8(v[0], v[2]); \
        __m128i t2_ = LO8(v[1], v[3]), t3_ = HI8(v[1], v[3]); \
        v[0] = t0_; v[1] = t1_; v[2] = t2_; v[3] = t3_; \
    } while (0)
#define ROUND8(v) do { \
        __m128i t0_ = LO8(v[0], v[4]), t1_ = HI8(v[0], v[4]); \
        __m128i t2_ = LO8(v[1], v[5]), t3_ = HI8(v[1], v[5]); \
        __m128i t4_ = LO8(v[2], v[6]), t5_ = HI8(v[2], v[6]); \
        __m128i t6_ = LO8(v[3], v[7]), t7_ = HI8(v[3], v[7]); \
        v[0] = t0_; v[1] = t1_; v[2] = t2_; v[3] = t3_; \
        v[4] = t4_; v[5] = t5_; v[6] = t6_; v[7] = t7_; \
    } while (0)
#define LOADU(p) _mm_loadu_si128((const __m128i *)(const void *)(p))
#define STOREU(p, v) _mm_storeu_si128((__m128i *)(void *)(p), (v))
#endif

/* Any width, any count: tiles of TILE values keep the scattered side in L1. */
#define TILE 256

static void decode_generic(const uint8_t *s, size_t stride, size_t k, uint8_t *out, size_t n)
{
    for (size_t i0 = 0; i0 < n; i0 += TILE) {
        size_t cnt = n - i0 < TILE ? n - i0 : TILE;
        for (size_t j = 0; j < k; j++) {
            const uint8_t *src = s + j * stride + i0;
            uint8_t *dst = out + i0 * k + j;
            for (size_t i = 0; i < cnt; i++)
                dst[i * k] = src[i];
        }
    }
}

static void encode_generic(const uint8_t *in, size_t k, uint8_t *out, size_t stride, size_t n)
{
    for (size_t i0 = 0; i0 < n; i0 += TILE) {
        size_t cnt = n - i0 < TILE ? n - i0 : TILE;
        for (size_t j = 0; j < k; j++) {
            const uint8_t *src = in + i0 * k + j;
            uint8_t *dst = out + j * stride + i0;
            for (size_t i = 0; i < cnt; i++)
                dst[i] = src[i * k];
        }
    }
}

static void decode4(const uint8_t *s, size_t N, uint8_t *out, size_t n)
{
    size_t i = 0;
#if defined(__SSE2__)
    for (; i + 16 <= n; i += 16) {
        __m128i v[4] = {LOADU(s + i), LOADU(s + N + i), LOADU(s + 2 * N + i),
                        LOADU(s + 3 * N + i)};
        ROUND4(v);
        ROUND4(v);
        for (int j = 0; j < 4; j++)
            STOREU(out + 4 * i + 16 * j, v[j]);
    }
#endif
    for (; i < n; i++) {
        uint32_t v = (uint32_t)s[i] | (uint32_t)s[N + i] << 8 | (uint32_t)s[2 * N + i] << 16 |
                     (uint32_t)s[3 * N + i] << 24;
        pq_st32(out + 4 * i, v);
    }
}

static void decode8(const uint8_t *s, size_t N, uint8_t *out, size_t n)
{
    size_t i = 0;
#if defined(__SSE2__)
    for (; i + 16 <= n; i += 16) {
        __m128i v[8];
        for (int j = 0; j < 8; j++)
            v[j] = LOADU(s + (size_t)j * N + i);
        ROUND8(v);
        ROUND8(v);
        ROUND8(v);
        for (int j = 0; j < 8; j++)
            STOREU(out + 8 * i + 16 * j, v[j]);
    }
#endif
    if (i < n)
        decode_generic(s + i, N, 8, out + 8 * i, n - i);
}

static void encode4(const uint8_t *in, uint8_t *out, size_t n)
{
    size_t i = 0;
#if defined(__SSE2__)
    for (; i + 16 <= n; i += 16) {
        __m128i v[4];
        for (int j = 0; j < 4; j++)
            v[j] = LOADU(in + 4 * i + 16 * j);
        ROUND4(v);
        ROUND4(v);
        ROUND4(v);
        ROUND4(v);
        for (int j = 0; j < 4; j++)
            STOREU(out + (size_t)j * n + i, v[j]);
    }
#endif
    for (; i < n; i++) {
        uint32_t v = pq_ld32(in + 4 * i);
        out[i] = (uint8_t)v;
        out[n + i] = (uint8_t)(v >> 8);
        out[2 * n + i] = (uint8_t)(v >> 16);
        out[3 * n + i] = (uint8_t)(v >> 24);
    }
}

static void encode8(const uint8_t *in, uint8_t *out, size_t n)
{
    size_t i = 0;
#if defined(__SSE2__)
    for (; i + 16 <= n; i += 16) {
        __m128i v[8];
        for (int j = 0; j < 8; j++)
            v[j] = LOADU(in + 8 * i + 16 * j);
        ROUND8(v);
        ROUND8(v);
        ROUND8(v);
        ROUND8(v);
        for (int j = 0; j < 8; j++)
            STOREU(out + (size_t)j * n + i, v[j]);
    }
#endif
    if (i < n)
        encode_generic(in + 8 * i, 8, out + i, n, n - i);
}

int pq_bss_decode(const uint8_t *p, size_t len, size_t width, size_t first, size_t n, void *out)
{
    if (width == 0)
        return st_error_set(ST_EINVALID, ST_ERROR_PARQUET, "BYTE_STREAM_SPLIT: width 0");
    if (len % width)
        return PQ_CORRUPT("BYTE_STREAM_SPLIT: %zu bytes is not a multiple of the %zu-byte "
                          "value width", len, width);
    size_t N = len / width;
    if (first > N || n > N - first)
        return PQ_CORRUPT("BYTE_STREAM_SPLIT: values %zu..%zu wanted, the page has %zu",
                          first, first + n, N);
    if (n == 0)
        return 0;
    switch (width) {
    case 4: decode4(p + first, N, out, n); break;
    case 8: decode8(p + first, N, out, n); break;
    case 1: memcpy(out, p + first, n); break;
    default: decode_generic(p + first, N, width, out, n);
    }
    return 0;
}

int pq_bss_encode(st_buf *out, const void *values, size_t width, size_t n)
{
    size_t bytes;
    if (width == 0)
        return st_error_set(ST_EINVALID, ST_ERROR_PARQUET, "BYTE_STREAM_SPLIT: width 0");
    if (st_mul_overflow(width, n, &bytes))
        return st_error_set_oom();
    if (bytes == 0)
        return 0;
    if (st_buf_grow(out, bytes) < 0)
        return ST_ENOMEM;
    uint8_t *dst = out->ptr + out->len;
    switch (width) {
    case 4: encode4(values, dst, n); break;
    case 8: encode8(values, dst, n); break;
    case 1: memcpy(dst, values, n); break;
    default: encode_generic(values, width, dst, n, n);
    }
    out->len += bytes;
    return 0;
}
