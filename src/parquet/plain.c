/* SPDX-License-Identifier: Apache-2.0 */
/*
 * PLAIN decoding and encoding of the types that are more than a memcpy:
 * BYTE_ARRAY, FIXED_LEN_BYTE_ARRAY (into offsets + data form) and BOOLEAN.
 *
 * FORMAT BYTE_ARRAY: per value, u32 LE length then that many bytes.
 * FORMAT FIXED_LEN_BYTE_ARRAY: the values' bytes back to back.
 * FORMAT BOOLEAN: one bit per value, LSB first, the last byte zero-padded.
 */
#include "parquet/encoding_int.h"
#include "util/alloc.h"

int pq_plain_binary_decode(const uint8_t *p, size_t len, size_t n, int32_t *offsets,
                           st_buf *data, size_t *consumed)
{
    const uint8_t *q = p, *end = pq_end(p, len);
    uint64_t total = 0;
    int rc;
    /* Pass 1 checks every length and sizes the output, so that pass 2 can copy with
     * no checks and the buffer grows once, to exactly the batch. */
    for (size_t i = 0; i < n; i++) {
        if (end - q < 4)
            return PQ_CORRUPT("PLAIN BYTE_ARRAY: value %zu: length cut off at byte %zu", i,
                              (size_t)(q - p));
        uint32_t l = pq_ld32(q);
        if (l > (size_t)(end - q) - 4)
            return PQ_CORRUPT("PLAIN BYTE_ARRAY: value %zu at byte %zu is %u bytes long, only "
                              "%zu remain", i, (size_t)(q - p), l, (size_t)(end - q) - 4);
        q += 4 + (size_t)l;
        total += l;
    }
    if ((rc = pq_reserve_binary(data, total)) < 0)
        return rc;
    uint8_t *dst = data->ptr + data->len;
    int32_t pos = (int32_t)data->len;
    q = p;
    for (size_t i = 0; i < n; i++) {
        uint32_t l = pq_ld32(q);
        q += 4;
        /* whole 16-byte blocks, overshooting into the reserved slack, while the
         * source has the bytes; short strings then cost one load and one store */
        if (PQ_LIKELY((size_t)(end - q) >= ((size_t)l + 15) / 16 * 16)) {
            for (uint32_t j = 0; j < l; j += 16)
                memcpy(dst + j, q + j, 16);
        } else {
            memcpy(dst, q, l);
        }
        dst += l;
        q += l;
        pos += (int32_t)l;
        offsets[i + 1] = pos;
    }
    data->len = (size_t)pos;
    if (consumed)
        *consumed = (size_t)(q - p);
    return 0;
}

int pq_plain_binary_encode(st_buf *out, const int32_t *offsets, const uint8_t *data, size_t n)
{
    size_t need;
    if (n == 0)
        return 0;
    if (offsets[n] < offsets[0] || st_mul_overflow(n, 4, &need) ||
        st_add_overflow(need, (size_t)(offsets[n] - offsets[0]), &need))
        return st_error_set(ST_EINVALID, ST_ERROR_PARQUET, "PLAIN BYTE_ARRAY: bad offsets");
    if (st_buf_grow(out, need) < 0)
        return ST_ENOMEM;
    uint8_t *dst = out->ptr + out->len;
    for (size_t i = 0; i < n; i++) {
        int32_t l = offsets[i + 1] - offsets[i];
        if (l < 0)
            return st_error_set(ST_EINVALID, ST_ERROR_PARQUET,
                                "PLAIN BYTE_ARRAY: offsets decrease at value %zu", i);
        pq_st32(dst, (uint32_t)l);
        memcpy(dst + 4, data + offsets[i], (size_t)l);
        dst += 4 + l;
    }
    out->len = (size_t)(dst - out->ptr);
    return 0;
}

static int fixed_bounds(size_t len, size_t width, size_t n, size_t *bytes)
{
    if (st_mul_overflow(width, n, bytes) || *bytes > len)
        return PQ_CORRUPT("PLAIN FIXED_LEN_BYTE_ARRAY: %zu values of %zu bytes, the data has "
                          "%zu bytes", n, width, len);
    return 0;
}

int pq_plain_fixed_decode(const uint8_t *p, size_t len, size_t width, size_t n, void *out,
                          size_t *consumed)
{
    size_t bytes;
    if (fixed_bounds(len, width, n, &bytes) < 0)
        return ST_ECORRUPT;
    if (bytes)
        memcpy(out, p, bytes);
    if (consumed)
        *consumed = bytes;
    return 0;
}

int pq_plain_fixed_to_binary(const uint8_t *p, size_t len, size_t width, size_t n,
                             int32_t *offsets, st_buf *data, size_t *consumed)
{
    size_t bytes;
    int rc;
    if (fixed_bounds(len, width, n, &bytes) < 0)
        return ST_ECORRUPT;
    if ((rc = pq_reserve_binary(data, bytes)) < 0)
        return rc;
    if (bytes)
        memcpy(data->ptr + data->len, p, bytes);
    int32_t pos = (int32_t)data->len;
    for (size_t i = 0; i < n; i++) {
        pos += (int32_t)width;
        offsets[i + 1] = pos;
    }
    data->len += bytes;
    if (consumed)
        *consumed = bytes;
    return 0;
}

int pq_plain_bool_decode(const uint8_t *p, size_t len, size_t first, size_t n, uint8_t *out,
                         size_t out_off)
{
    if (len > SIZE_MAX / 8 || first > len * 8 || n > len * 8 - first)
        return PQ_CORRUPT("PLAIN BOOLEAN: values %zu..%zu wanted, %zu bytes hold %zu", first,
                          first + n, len, len * 8);
    pq_bitmap_copy(out, out_off, p, first, n);
    return 0;
}

int pq_plain_bool_encode(st_buf *out, const uint8_t *bits, size_t off, size_t n)
{
    size_t bytes = (n + 7) / 8;
    if (st_buf_grow(out, bytes) < 0)
        return ST_ENOMEM;
    if (bytes == 0)
        return 0;
    memset(out->ptr + out->len, 0, bytes);
    pq_bitmap_copy(out->ptr + out->len, 0, bits, off, n);
    out->len += bytes;
    return 0;
}
