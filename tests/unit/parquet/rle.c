/* SPDX-License-Identifier: Apache-2.0 */
/* Tests for the RLE/bit-packed hybrid: decoder, its fast paths, and the encoder. */
#include "st_test.h"

#include <supertable/errors.h>
#include <supertable/sys/alloc.h>
#include "parquet/encoding.h"
#include "util/buf.h"

static uint64_t rng_state = 0x2545F4914F6CDD1Dull;

static uint64_t rnd(void)
{
    uint64_t x = rng_state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return rng_state = x;
}

static uint32_t mask_of(unsigned w) { return w == 32 ? 0xffffffffu : (1u << w) - 1; }

/* kind 0: uniform; 1: runs of 1..40; 2: long runs with random stretches between */
static void gen(uint32_t *v, size_t n, unsigned w, int kind)
{
    size_t i = 0;
    while (i < n) {
        uint32_t x = (uint32_t)rnd() & mask_of(w);
        size_t run = kind == 0 ? 1
                   : kind == 1 ? 1 + rnd() % 40
                   : rnd() % 3 ? 1 : 50 + rnd() % 500;
        for (size_t j = 0; j < run && i < n; j++)
            v[i++] = x;
    }
}

static void encode(st_buf *b, const uint32_t *v, size_t n, unsigned w)
{
    pq_rle_encoder e;
    st_buf_clear(b);
    st_pass(pq_rle_encoder_init(&e, b, w));
    /* feed in uneven pieces so runs straddle calls */
    for (size_t i = 0; i < n;) {
        size_t k = 1 + rnd() % 100;
        k = k < n - i ? k : n - i;
        st_pass(pq_rle_encoder_put(&e, v + i, k));
        i += k;
    }
    st_pass(pq_rle_encoder_finish(&e));
}

/* An exact-size heap copy, so that ASan sees any read past the end. */
static uint8_t *exact_copy(const st_buf *b, size_t len)
{
    uint8_t *p = st_malloc(len ? len : 1);
    if (len)
        memcpy(p, b->ptr, len);
    return p;
}

void test_parquet_rle__roundtrip_every_width(void)
{
    static const size_t lengths[] = {1, 5, 8, 13, 31, 100, 1001, 4099};
    st_buf b = ST_BUF_INIT;
    uint32_t *v = st_malloc(5000 * 4), *out = st_malloc(5000 * 4);
    for (unsigned w = 0; w <= 32; w++)
        for (int kind = 0; kind < 3; kind++)
            for (size_t li = 0; li < sizeof(lengths) / sizeof(lengths[0]); li++) {
                size_t n = lengths[li];
                gen(v, n, w, kind);
                encode(&b, v, n, w);
                uint8_t *p = exact_copy(&b, b.len);
                pq_rle_decoder d;
                st_pass(pq_rle_init(&d, p, b.len, w));
                /* uneven batches exercise the partial-group buffer */
                for (size_t i = 0; i < n;) {
                    size_t k = 1 + rnd() % 70;
                    k = k < n - i ? k : n - i;
                    st_pass(pq_rle_get(&d, out + i, k));
                    i += k;
                }
                st_assert_msg(memcmp(v, out, n * 4) == 0, "w %u kind %d n %zu", w, kind, n);
                st_assert(w == 0 || pq_rle_get(&d, out, 9) == ST_ECORRUPT);
                st_free(p);
            }
    st_free(v);
    st_free(out);
    st_buf_dispose(&b);
}

void test_parquet_rle__known_bytes(void)
{
    /* bit-packed run of 0..7 at width 3 (the spec's example), then 100 x 5 as RLE */
    static const uint8_t expect[] = {0x03, 0x88, 0xC6, 0xFA, 0xC8, 0x01, 0x05};
    uint32_t v[108], out[108];
    st_buf b = ST_BUF_INIT;
    for (int i = 0; i < 108; i++)
        v[i] = i < 8 ? (uint32_t)i : 5;
    encode(&b, v, 108, 3);
    st_assert_eq_i64(b.len, sizeof(expect));
    st_assert_eq_mem(b.ptr, expect, sizeof(expect));
    pq_rle_decoder d;
    st_pass(pq_rle_init(&d, expect, sizeof(expect), 3));
    st_pass(pq_rle_get(&d, out, 108));
    st_assert_eq_mem(out, v, sizeof(v));
    /* a value wider than one byte is stored in ceil(w/8) bytes, little-endian */
    static const uint8_t wide[] = {0x14, 0x34, 0x12, 0x01};
    st_pass(pq_rle_init(&d, wide, sizeof(wide), 17));
    st_pass(pq_rle_get(&d, out, 10));
    st_assert_eq_u64(out[9], 0x11234);
    st_buf_dispose(&b);
}

void test_parquet_rle__bitpacked_roundtrip(void)
{
    /* no repeats at all: one bit-packed run whose last group is padded */
    uint32_t v[203], out[203];
    st_buf b = ST_BUF_INIT;
    for (int i = 0; i < 203; i++)
        v[i] = (uint32_t)i;
    encode(&b, v, 203, 8);
    st_assert_eq_i64(b.len, 1 + 208);
    pq_rle_decoder d;
    st_pass(pq_rle_init(&d, b.ptr, b.len, 8));
    st_pass(pq_rle_get(&d, out, 203));
    st_assert_eq_mem(out, v, sizeof(v));
    st_buf_dispose(&b);
}

void test_parquet_rle__padding_cut_off_is_accepted(void)
{
    /* declares 2 groups (16 values) at width 8 but carries only 10 bytes */
    uint8_t data[11] = {0x05};
    uint32_t out[16];
    for (int i = 0; i < 10; i++)
        data[1 + i] = (uint8_t)(i * 3);
    pq_rle_decoder d;
    st_pass(pq_rle_init(&d, data, sizeof(data), 8));
    st_pass(pq_rle_get(&d, out, 10));
    st_assert_eq_u64(out[9], 27);
    st_fail_with(ST_ECORRUPT, pq_rle_get(&d, out, 1));
    st_assert_contains(st_error_last()->message, "ends after 10 values");
}

void test_parquet_rle__every_truncation_fails_cleanly(void)
{
    uint32_t v[300], out[300];
    st_buf b = ST_BUF_INIT;
    for (unsigned w = 1; w <= 32; w += 3) {
        gen(v, 300, w, 2);
        encode(&b, v, 300, w);
        for (size_t len = 0; len < b.len; len++) {
            uint8_t *p = exact_copy(&b, len);
            pq_rle_decoder d;
            st_pass(pq_rle_init(&d, p, len, w));
            int rc = pq_rle_get(&d, out, 300);
            /* only padding of the final group can go without losing values */
            if (rc == 0)
                st_assert_msg(len + w > b.len && memcmp(out, v, sizeof(v)) == 0,
                              "w %u len %zu of %zu decoded", w, len, b.len);
            else
                st_assert_eq_i64(rc, ST_ECORRUPT);
            st_free(p);
        }
    }
    st_buf_dispose(&b);
}

void test_parquet_rle__width_zero_reads_nothing(void)
{
    uint32_t out[50];
    int16_t lv[50];
    pq_rle_decoder d;
    memset(out, 0xff, sizeof(out));
    st_pass(pq_rle_init(&d, NULL, 0, 0));
    st_pass(pq_rle_get(&d, out, 50));
    st_assert_eq_u64(out[49], 0);
    st_pass(pq_rle_get_levels(&d, lv, 50, 0));
    st_assert_eq_i64(lv[7], 0);
}

void test_parquet_rle__corrupt_input(void)
{
    uint32_t out[64];
    pq_rle_decoder d;
    st_fail_with(ST_ECORRUPT, pq_rle_init(&d, NULL, 0, 33));
    static const uint8_t wide33[] = {33, 0x02, 0};
    st_fail_with(ST_ECORRUPT, pq_rle_init_dict(&d, wide33, sizeof(wide33)));
    st_fail_with(ST_ECORRUPT, pq_rle_init_dict(&d, NULL, 0));
    /* RLE value that does not fit the width */
    static const uint8_t big[] = {0x10, 0x09};
    st_pass(pq_rle_init(&d, big, sizeof(big), 3));
    st_fail_with(ST_ECORRUPT, pq_rle_get(&d, out, 8));
    /* header varint longer than 32 bits, and cut off */
    static const uint8_t longhdr[] = {0xff, 0xff, 0xff, 0xff, 0x7f, 0x00};
    st_pass(pq_rle_init(&d, longhdr, sizeof(longhdr), 3));
    st_fail_with(ST_ECORRUPT, pq_rle_get(&d, out, 1));
    static const uint8_t cut[] = {0x80};
    st_pass(pq_rle_init(&d, cut, sizeof(cut), 3));
    st_fail_with(ST_ECORRUPT, pq_rle_get(&d, out, 1));
    /* RLE run without its value */
    static const uint8_t novalue[] = {0x10};
    st_pass(pq_rle_init(&d, novalue, sizeof(novalue), 3));
    st_fail_with(ST_ECORRUPT, pq_rle_get(&d, out, 1));
    /* length prefix beyond the data */
    static const uint8_t prefix[] = {5, 0, 0, 0, 0x02, 0x01};
    size_t used;
    st_fail_with(ST_ECORRUPT, pq_rle_init_prefixed(&d, prefix, sizeof(prefix), 1, &used));
    st_fail_with(ST_ECORRUPT, pq_rle_init_prefixed(&d, prefix, 3, 1, &used));
}

void test_parquet_rle__prefixed_levels(void)
{
    int16_t lv[1000], out[1000];
    st_buf b = ST_BUF_INIT;
    pq_rle_encoder e;
    st_pass(st_buf_put(&b, "hdr", 3));
    for (int i = 0; i < 1000; i++)
        lv[i] = (int16_t)(i % 97 < 60 ? 2 : i % 3);
    st_pass(pq_rle_encoder_init_prefixed(&e, &b, 2));
    st_pass(pq_rle_encoder_put_levels(&e, lv, 1000));
    st_pass(pq_rle_encoder_finish(&e));
    st_pass(st_buf_put(&b, "tail", 4));
    pq_rle_decoder d;
    size_t used = 0;
    st_pass(pq_rle_init_prefixed(&d, b.ptr + 3, b.len - 3, 2, &used));
    st_assert_eq_i64(used, b.len - 3 - 4);
    st_assert_eq_mem(b.ptr + 3 + used, "tail", 4);
    st_pass(pq_rle_get_levels(&d, out, 1000, 2));
    st_assert_eq_mem(out, lv, sizeof(lv));
    /* a level above the max is corrupt, in a bit-packed and in an RLE run */
    st_pass(pq_rle_init_prefixed(&d, b.ptr + 3, b.len - 3, 2, NULL));
    st_fail_with(ST_ECORRUPT, pq_rle_get_levels(&d, out, 1000, 1));
    st_buf_dispose(&b);
}

void test_parquet_rle__all_equal_levels_fast_path(void)
{
    st_buf b = ST_BUF_INIT;
    pq_rle_encoder e;
    int16_t out[4096];
    st_pass(pq_rle_encoder_init(&e, &b, 1));
    st_pass(pq_rle_encoder_put_repeat(&e, 1, 3000000000ull));
    st_pass(pq_rle_encoder_put_repeat(&e, 1, 5));
    st_pass(pq_rle_encoder_finish(&e));
    /* split at the spec's 2^31 - 1 run cap: two runs of 6 bytes each at most */
    st_assert(b.len <= 12);
    pq_rle_decoder d;
    st_pass(pq_rle_init(&d, b.ptr, b.len, 1));
    st_pass(pq_rle_skip(&d, 3000000000ull - 100));
    st_pass(pq_rle_get_levels(&d, out, 105, 1));
    st_assert_eq_i64(out[104], 1);
    st_fail_with(ST_ECORRUPT, pq_rle_get_levels(&d, out, 1, 1));
    /* the encoder refuses values that do not fit */
    st_buf_clear(&b);
    st_pass(pq_rle_encoder_init(&e, &b, 3));
    uint32_t bad = 8;
    st_fail_with(ST_EINVALID, pq_rle_encoder_put(&e, &bad, 1));
    st_fail_with(ST_EINVALID, pq_rle_encoder_put_repeat(&e, 9, 4));
    int16_t neg = -1;
    st_fail_with(ST_EINVALID, pq_rle_encoder_put_levels(&e, &neg, 1));
    st_fail_with(ST_EINVALID, pq_rle_encoder_init(&e, &b, 33));
    st_buf_dispose(&b);
}

void test_parquet_rle__skip_matches_get(void)
{
    uint32_t v[5000], out[5000];
    st_buf b = ST_BUF_INIT;
    for (unsigned w = 1; w <= 20; w += 4) {
        gen(v, 5000, w, 2);
        encode(&b, v, 5000, w);
        pq_rle_decoder d;
        st_pass(pq_rle_init(&d, b.ptr, b.len, w));
        size_t i = 0;
        while (i < 5000) {
            size_t k = 1 + rnd() % 300;
            k = k < 5000 - i ? k : 5000 - i;
            if (rnd() & 1) {
                st_pass(pq_rle_skip(&d, k));
            } else {
                st_pass(pq_rle_get(&d, out, k));
                st_assert_msg(memcmp(out, v + i, k * 4) == 0, "w %u at %zu", w, i);
            }
            i += k;
        }
    }
    st_buf_dispose(&b);
}

void test_parquet_rle__booleans_as_bits(void)
{
    uint32_t v[777];
    uint8_t bits[200], ref[200];
    st_buf b = ST_BUF_INIT;
    for (int kind = 0; kind < 3; kind++) {
        gen(v, 777, 1, kind);
        /* encode from a bitmap at an odd offset */
        memset(bits, 0, sizeof(bits));
        for (size_t i = 0; i < 777; i++)
            bits[(i + 3) / 8] |= (uint8_t)(v[i] << ((i + 3) % 8));
        pq_rle_encoder e;
        st_buf_clear(&b);
        st_pass(pq_rle_encoder_init_prefixed(&e, &b, 1));
        st_pass(pq_rle_encoder_put_bits(&e, bits, 3, 777));
        st_pass(pq_rle_encoder_finish(&e));
        pq_rle_decoder d;
        st_pass(pq_rle_init_prefixed(&d, b.ptr, b.len, 1, NULL));
        memset(ref, 0xa5, sizeof(ref));
        memcpy(bits, ref, sizeof(bits));
        for (size_t i = 0; i < 777; i++) {
            size_t o = i + 5;
            ref[o / 8] = (uint8_t)((ref[o / 8] & ~(1u << (o % 8))) | (v[i] << (o % 8)));
        }
        for (size_t i = 0; i < 777;) {
            size_t k = 1 + rnd() % 90;
            k = k < 777 - i ? k : 777 - i;
            st_pass(pq_rle_get_bits(&d, bits, 5 + i, k));
            i += k;
        }
        st_assert_eq_mem(bits, ref, sizeof(ref));
    }
    st_buf_dispose(&b);
}

void test_parquet_rle__gather_widths(void)
{
    static const size_t widths[] = {1, 2, 3, 4, 8, 12, 16, 20};
    enum { N = 3001, DICT = 37 };
    uint32_t idx[N];
    uint8_t dict[DICT * 20], *out = st_malloc(N * 20), *ref = st_malloc(N * 20);
    st_buf b = ST_BUF_INIT;
    for (size_t i = 0; i < sizeof(dict); i++)
        dict[i] = (uint8_t)rnd();
    for (int kind = 0; kind < 3; kind++) {
        gen(idx, N, 6, kind);
        for (size_t i = 0; i < N; i++)
            idx[i] %= DICT;
        encode(&b, idx, N, 6);
        for (size_t wi = 0; wi < sizeof(widths) / sizeof(widths[0]); wi++) {
            size_t w = widths[wi];
            for (size_t i = 0; i < N; i++)
                memcpy(ref + i * w, dict + idx[i] * w, w);
            pq_rle_decoder d;
            st_pass(pq_rle_init(&d, b.ptr, b.len, 6));
            /* each batch into an exact-size buffer: ASan sees any store past the end */
            for (size_t i = 0; i < N;) {
                size_t k = 1 + rnd() % 2000;
                k = k < N - i ? k : N - i;
                uint8_t *o = st_malloc(k * w);
                st_pass(pq_rle_gather(&d, dict, w, DICT, o, k));
                memcpy(out + i * w, o, k * w);
                st_free(o);
                i += k;
            }
            st_assert_msg(memcmp(out, ref, N * w) == 0, "kind %d width %zu", kind, w);
        }
    }
    st_free(out);
    st_free(ref);
    st_buf_dispose(&b);
}

void test_parquet_rle__gather_index_out_of_range(void)
{
    int64_t dict[5] = {10, 20, 30, 40, 50}, out[100];
    uint32_t idx[100];
    st_buf b = ST_BUF_INIT;
    pq_rle_decoder d;
    /* in a bit-packed run */
    for (int i = 0; i < 100; i++)
        idx[i] = (uint32_t)(i % 5);
    idx[77] = 5;
    encode(&b, idx, 100, 3);
    st_pass(pq_rle_init(&d, b.ptr, b.len, 3));
    st_fail_with(ST_ECORRUPT, pq_rle_gather(&d, dict, 8, 5, out, 100));
    st_assert_contains(st_error_last()->message, "index 5 out of range");
    /* in an RLE run */
    for (int i = 0; i < 100; i++)
        idx[i] = i < 50 ? 1 : 6;
    encode(&b, idx, 100, 3);
    st_pass(pq_rle_init(&d, b.ptr, b.len, 3));
    st_pass(pq_rle_gather(&d, dict, 8, 5, out, 50));
    st_assert_eq_i64(out[49], 20);
    st_fail_with(ST_ECORRUPT, pq_rle_gather(&d, dict, 8, 5, out, 50));
    /* an empty dictionary refuses every index */
    st_pass(pq_rle_init(&d, b.ptr, b.len, 3));
    st_fail_with(ST_ECORRUPT, pq_rle_gather(&d, dict, 8, 0, out, 1));
    /* dictionary page indices: a bit width byte first */
    uint8_t page[64] = {3};
    memcpy(page + 1, b.ptr, b.len);
    st_pass(pq_rle_init_dict(&d, page, b.len + 1));
    st_pass(pq_rle_gather(&d, dict, 8, 5, out, 10));
    st_assert_eq_i64(out[0], 20);
    st_buf_dispose(&b);
}

void test_parquet_rle__gather_binary(void)
{
    static const char *words[] = {"", "a", "hello", "dictionary entry", "x"};
    int32_t doff[6] = {0};
    char ddata[64];
    for (int i = 0; i < 5; i++) {
        size_t l = strlen(words[i]);
        memcpy(ddata + doff[i], words[i], l);
        doff[i + 1] = doff[i] + (int32_t)l;
    }
    uint32_t idx[2000];
    gen(idx, 2000, 3, 1);
    for (int i = 0; i < 2000; i++)
        idx[i] %= 5;
    st_buf enc = ST_BUF_INIT, data = ST_BUF_INIT;
    encode(&enc, idx, 2000, 3);
    pq_rle_decoder d;
    int32_t *off = st_malloc(2001 * 4);
    st_pass(st_buf_put(&data, "zz", 2));
    off[0] = 2;
    st_pass(pq_rle_init(&d, enc.ptr, enc.len, 3));
    st_pass(pq_rle_gather_binary(&d, doff, (const uint8_t *)ddata, 5, 1500, off, &data));
    st_pass(pq_rle_gather_binary(&d, doff, (const uint8_t *)ddata, 5, 500, off + 1500, &data));
    for (int i = 0; i < 2000; i++) {
        const char *w = words[idx[i]];
        st_assert_eq_i64(off[i + 1] - off[i], strlen(w));
        st_assert(memcmp(data.ptr + off[i], w, strlen(w)) == 0);
    }
    st_assert_eq_i64(off[2000], data.len);
    st_free(off);
    st_buf_dispose(&enc);
    st_buf_dispose(&data);
}
