/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target for the page codecs. Input layout:
 *   byte 0     bits 0-2: the codec (pq_codec 0..7); bit 7: round-trip mode;
 *              bits 3-4: the compression level in round-trip mode
 *   bytes 1-2  the declared uncompressed size, little-endian (up to 64 KiB)
 *   rest       the page data
 * Decode mode feeds the data to pq_decompress() with an output buffer of exactly
 * the declared size, so ASan catches any write past it. Round-trip mode
 * compresses the data and requires it back unchanged and within the bound.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <supertable/errors.h>
#include "parquet/compress.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void round_trip(pq_codec codec, int level, const uint8_t *src, size_t n)
{
    st_buf out = ST_BUF_INIT;
    uint8_t *back;
    if (pq_compress(codec, level, src, n, &out) != 0) {
        /* Only codecs that cannot be written may refuse (or memory may run out). */
        if (codec != PQ_CODEC_LZO && codec != PQ_CODEC_LZ4 && st_error_last()->code != ST_ENOMEM)
            __builtin_trap();
        st_buf_dispose(&out);
        return;
    }
    if (out.len > pq_compress_bound(codec, n))
        __builtin_trap();
    back = malloc(n ? n : 1);
    if (!back)
        __builtin_trap();
    if (pq_decompress(codec, out.ptr, out.len, n ? back : NULL, n) != 0 ||
        (n && memcmp(back, src, n) != 0))
        __builtin_trap();
    free(back);
    st_buf_dispose(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    pq_codec codec;
    size_t dst_len, n;
    const uint8_t *src;
    uint8_t *dst;
    int rc;

    if (size < 3)
        return 0;
    codec = (pq_codec)(data[0] & 7);
    dst_len = (size_t)data[1] | (size_t)data[2] << 8;
    src = data + 3;
    n = size - 3;
    if (data[0] & 0x80) {
        round_trip(codec, (data[0] >> 3) & 3, src, n);
        return 0;
    }
    dst = dst_len ? malloc(dst_len) : NULL;
    if (dst_len && !dst)
        __builtin_trap();
    rc = pq_decompress(codec, n ? src : NULL, n, dst, dst_len);
    if (rc != 0 && rc != ST_ECORRUPT && rc != ST_EUNSUPPORTED && rc != ST_ENOMEM)
        __builtin_trap();
    if (rc == 0 && codec == PQ_CODEC_UNCOMPRESSED &&
        (n != dst_len || (n && memcmp(dst, src, n) != 0)))
        __builtin_trap();
    free(dst);
    return 0;
}
