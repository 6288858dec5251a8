/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target for the Parquet encodings: arbitrary bytes through every decoder.
 * FORMAT of an input: byte 0 picks the decoder, byte 1 its bit width or value width,
 * bytes 2-3 a value count or dictionary size (LE), the rest is the encoded data.
 * Decoders must fail cleanly, never read past the data (ASan) and, where values come
 * out, re-encoding and decoding them again must give the same values.
 */
#include <stdint.h>
#include <string.h>

#include <supertable/errors.h>
#include <supertable/sys/alloc.h>
#include "parquet/encoding.h"
#include "util/buf.h"

#define MAX_VALUES 65536

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint32_t u32s[MAX_VALUES];
static uint32_t u32s2[MAX_VALUES];
static int64_t i64s[MAX_VALUES];
static int64_t i64s2[MAX_VALUES];
static int32_t i32s[MAX_VALUES + 1];
static int16_t levels[MAX_VALUES];
static uint8_t bytes[MAX_VALUES * 16];

static void check(int cond)
{
    if (!cond)
        __builtin_trap();
}

/* Decodes in batches of varying size so the partial-group paths are exercised. */
static size_t batch(size_t i, size_t n)
{
    size_t k = 1 + (i * 7919) % 257;
    return k < n - i ? k : n - i;
}

static void fuzz_rle(const uint8_t *p, size_t len, unsigned w, size_t n, int mode)
{
    pq_rle_decoder d;
    int rc;
    if (mode == 1) {
        size_t used;
        if (pq_rle_init_prefixed(&d, p, len, w, &used) < 0)
            return;
        check(used <= len);
    } else if (mode == 2) {
        if (pq_rle_init_dict(&d, p, len) < 0)
            return;
        w = d.bit_width;
    } else if (pq_rle_init(&d, p, len, w) < 0) {
        return;
    }
    size_t i = 0;
    for (rc = 0; rc == 0 && i < n; i += batch(i, n)) {
        size_t k = batch(i, n);
        if (mode == 1 && (i & 1))
            rc = pq_rle_skip(&d, k);
        else
            rc = pq_rle_get(&d, u32s + i, k);
        if (mode == 1 && (i & 1) && rc == 0)
            memset(u32s + i, 0xff, k * 4);
    }
    if (rc != 0 || mode == 1)
        return;
    /* round trip what came out */
    st_buf b = ST_BUF_INIT;
    pq_rle_encoder e;
    if (pq_rle_encoder_init(&e, &b, w) == 0 && pq_rle_encoder_put(&e, u32s, n) == 0 &&
        pq_rle_encoder_finish(&e) == 0) {
        check(pq_rle_init(&d, b.ptr, b.len, w) == 0);
        check(pq_rle_get(&d, u32s2, n) == 0);
        check(memcmp(u32s, u32s2, n * 4) == 0);
    }
    st_buf_dispose(&b);
}

static void fuzz_rle_levels(const uint8_t *p, size_t len, unsigned w, size_t n, int max_level)
{
    pq_rle_decoder d;
    if (pq_rle_init(&d, p, len, w % 17) < 0)
        return;
    for (size_t i = 0; i < n; i += batch(i, n))
        if (pq_rle_get_levels(&d, levels + i, batch(i, n), max_level) < 0)
            return;
    for (size_t i = 0; i < n; i++)
        check(levels[i] >= 0 && levels[i] <= max_level);
}

static void fuzz_rle_bits(const uint8_t *p, size_t len, size_t n)
{
    pq_rle_decoder d;
    if (pq_rle_init(&d, p, len, 1) < 0)
        return;
    for (size_t i = 0; i < n; i += batch(i, n))
        if (pq_rle_get_bits(&d, bytes, i + 3, batch(i, n)) < 0)
            return;
}

static void fuzz_gather(const uint8_t *p, size_t len, unsigned vw, size_t dict_count)
{
    static uint8_t dict[256 * 20];
    size_t w = 1 + vw % 20, n = MAX_VALUES / 16;
    pq_rle_decoder d;
    dict_count %= 257;
    for (size_t i = 0; i < sizeof(dict); i++)
        dict[i] = (uint8_t)i;
    if (pq_rle_init_dict(&d, p, len) < 0)
        return;
    for (size_t i = 0; i < n; i += batch(i, n))
        if (pq_rle_gather(&d, dict, w, dict_count, bytes + i * w, batch(i, n)) < 0)
            return;
}

static void fuzz_gather_binary(const uint8_t *p, size_t len, size_t dict_count)
{
    static const uint8_t words[] = "abcdefghijklmnopqrstuvwxyz";
    int32_t doff[27];
    st_buf out = ST_BUF_INIT;
    pq_rle_decoder d;
    size_t n = 4096;
    dict_count %= 27;
    for (int i = 0; i < 27; i++)
        doff[i] = i;
    if (pq_rle_init_dict(&d, p, len) == 0) {
        i32s[0] = 0;
        for (size_t i = 0; i < n; i += batch(i, n))
            if (pq_rle_gather_binary(&d, doff, words, dict_count ? dict_count - 1 : 0,
                                     batch(i, n), i32s + i, &out) < 0)
                break;
    }
    st_buf_dispose(&out);
}

static void fuzz_delta(const uint8_t *p, size_t len, int is32)
{
    pq_delta_decoder d;
    size_t size;
    int rs = pq_delta_size(p, len, &size);
    if (pq_delta_init(&d, p, len) < 0)
        return;
    size_t n = pq_delta_count(&d) < MAX_VALUES ? (size_t)pq_delta_count(&d) : MAX_VALUES;
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < n; i += batch(i, n))
        rc = is32 ? pq_delta_get_i32(&d, i32s + i, batch(i, n))
                  : pq_delta_get_i64(&d, i64s + i, batch(i, n));
    if (rs == 0)
        check(size <= len);
    if (rc != 0)
        return;
    st_buf b = ST_BUF_INIT;
    if (is32) {
        check(pq_delta_encode_i32(&b, i32s, n) == 0);
        check(pq_delta_init(&d, b.ptr, b.len) == 0);
        check(pq_delta_get_i32(&d, (int32_t *)(void *)i64s2, n) == 0);
        check(memcmp(i32s, i64s2, n * 4) == 0);
    } else {
        check(pq_delta_encode_i64(&b, i64s, n) == 0);
        check(pq_delta_init(&d, b.ptr, b.len) == 0);
        check(pq_delta_get_i64(&d, i64s2, n) == 0);
        check(memcmp(i64s, i64s2, n * 8) == 0);
    }
    st_buf_dispose(&b);
}

static void fuzz_dlba(const uint8_t *p, size_t len, int prefixed)
{
    st_buf out = ST_BUF_INIT;
    /* each batch into an emptied buffer, as a reader does: DELTA_BYTE_ARRAY may
     * legitimately expand a few bytes into much more, which must not pile up */
    if (!prefixed) {
        pq_dlba_decoder d;
        if (pq_dlba_init(&d, p, len, MAX_VALUES) == 0) {
            size_t n = (size_t)pq_dlba_left(&d);
            for (size_t i = 0; i < n; i += batch(i, n)) {
                st_buf_clear(&out);
                i32s[0] = 0;
                if (pq_dlba_get(&d, batch(i, n), i32s, &out) < 0)
                    break;
                check(out.len <= len);
            }
        }
    } else {
        pq_dba_decoder d;
        if (pq_dba_init(&d, p, len, MAX_VALUES) == 0) {
            size_t n = (size_t)pq_dba_left(&d);
            for (size_t i = 0; i < n; i += batch(i, n)) {
                st_buf_clear(&out);
                i32s[0] = 0;
                if (pq_dba_get(&d, batch(i, n), i32s, &out) < 0)
                    break;
            }
        }
        pq_dba_dispose(&d);
    }
    st_buf_dispose(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 4)
        return 0;
    unsigned which = data[0], w = data[1];
    size_t n = (size_t)(data[2] | data[3] << 8);
    const uint8_t *p = data + 4;
    size_t len = size - 4;
    /* an exact-size copy, so ASan reports any read past the end */
    uint8_t *copy = st_malloc(len ? len : 1);
    if (!copy)
        return 0;
    if (len)
        memcpy(copy, p, len);
    p = copy;
    switch (which % 17) {
    case 0:
        w %= 33;
        pq_unpack32(p, u32s, w ? (len * 8 / w < MAX_VALUES ? len * 8 / w : MAX_VALUES) : n, w);
        break;
    case 1:
        w %= 65;
        pq_unpack64(p, (uint64_t *)(void *)i64s,
                    w ? (len * 8 / w < MAX_VALUES ? len * 8 / w : MAX_VALUES) : n, w);
        break;
    case 2: fuzz_rle(p, len, w % 34, n, 0); break;
    case 3: fuzz_rle(p, len, w % 33, n, 1); break;
    case 4: fuzz_rle(p, len, 0, n, 2); break;
    case 5: fuzz_rle_levels(p, len, w, n, (int)(n % 40)); break;
    case 6: fuzz_rle_bits(p, len, n % (MAX_VALUES * 8 - 8)); break;
    case 7: fuzz_gather(p, len, w, n); break;
    case 8: fuzz_gather_binary(p, len, n); break;
    case 9: fuzz_delta(p, len, 1); break;
    case 10: fuzz_delta(p, len, 0); break;
    case 11: fuzz_dlba(p, len, 0); break;
    case 12: fuzz_dlba(p, len, 1); break;
    case 13: {
        size_t vw = 1 + w % 17, cnt = len / vw;
        if (pq_bss_decode(p, len, vw, 0, cnt < MAX_VALUES ? cnt : MAX_VALUES, bytes) == 0 &&
            len % vw == 0 && cnt > 3)
            pq_bss_decode(p, len, vw, cnt / 3, cnt / 3, bytes);
        break;
    }
    case 14: {
        st_buf out = ST_BUF_INIT;
        size_t used = 0;
        i32s[0] = 0;
        if (pq_plain_binary_decode(p, len, n, i32s, &out, &used) == 0)
            check(used <= len && out.len <= len);
        st_buf_dispose(&out);
        break;
    }
    case 15:
        pq_plain_bool_decode(p, len, w, n, bytes, 5);
        break;
    case 16:
        pq_bitpacked_msb_get_levels(p, len, w % 18, n % 64, levels, n, (int)w);
        break;
    }
    st_free(copy);
    st_error_clear();
    return 0;
}
