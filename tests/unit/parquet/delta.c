/* SPDX-License-Identifier: Apache-2.0 */
/* Tests for DELTA_BINARY_PACKED, DELTA_LENGTH_BYTE_ARRAY and DELTA_BYTE_ARRAY. */
#include "st_test.h"

#include <supertable/errors.h>
#include <supertable/sys/alloc.h>
#include "parquet/encoding.h"
#include "util/buf.h"

static uint64_t rng_state = 0xD1B54A32D192ED03ull;

static uint64_t rnd(void)
{
    uint64_t x = rng_state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return rng_state = x;
}

static uint64_t mask_of(unsigned w) { return w == 64 ? ~0ull : (1ull << w) - 1; }

static uint8_t *exact_copy(const uint8_t *src, size_t len)
{
    uint8_t *p = st_malloc(len ? len : 1);
    if (len)
        memcpy(p, src, len);
    return p;
}

/* Offset of the first block's width bytes in an encoding by pq_delta_encode_*. */
static size_t first_widths_at(const uint8_t *p)
{
    size_t i = 0;
    for (int v = 0; v < 5; v++)
        while (p[i++] & 0x80)
            ;
    return i;
}

void test_parquet_delta__spec_example_1(void)
{
    /* Encodings.md example 1: 1..5, block size 8, 1 miniblock, all deltas 1 */
    static const uint8_t spec[] = {0x08, 0x01, 0x05, 0x02, 0x02, 0x00};
    static const uint8_t ours[] = {0x80, 0x01, 0x04, 0x05, 0x02, 0x02, 0x00, 0x00, 0x00, 0x00};
    int64_t vals[5] = {1, 2, 3, 4, 5}, out[5];
    int32_t out32[5];
    pq_delta_decoder d;
    size_t size;
    st_pass(pq_delta_init(&d, spec, sizeof(spec)));
    st_assert_eq_u64(pq_delta_count(&d), 5);
    st_pass(pq_delta_get_i64(&d, out, 5));
    st_assert_eq_mem(out, vals, sizeof(vals));
    st_pass(pq_delta_size(spec, sizeof(spec), &size));
    st_assert_eq_u64(size, sizeof(spec));
    st_buf b = ST_BUF_INIT;
    st_pass(pq_delta_encode_i64(&b, vals, 5));
    st_assert_eq_i64(b.len, sizeof(ours));
    st_assert_eq_mem(b.ptr, ours, sizeof(ours));
    st_pass(pq_delta_init(&d, ours, sizeof(ours)));
    st_pass(pq_delta_get_i32(&d, out32, 5));
    st_assert_eq_i64(out32[4], 5);
    st_buf_dispose(&b);
}

void test_parquet_delta__spec_example_2(void)
{
    /* Encodings.md example 2: 7,5,3,1,2,3,4,5: min delta -2, relative 0,0,0,3,3,3,3 at
     * 2 bits, packed LSB first with one value of padding: 0xC0 0x3F */
    static const uint8_t spec[] = {0x08, 0x01, 0x08, 0x0E, 0x03, 0x02, 0xC0, 0x3F};
    static const uint8_t ours[] = {0x80, 0x01, 0x04, 0x08, 0x0E, 0x03, 0x02, 0x00, 0x00, 0x00,
                                   0xC0, 0x3F, 0, 0, 0, 0, 0, 0};
    int32_t vals[8] = {7, 5, 3, 1, 2, 3, 4, 5}, out[8];
    pq_delta_decoder d;
    size_t size;
    st_pass(pq_delta_init(&d, spec, sizeof(spec)));
    st_pass(pq_delta_get_i32(&d, out, 8));
    st_assert_eq_mem(out, vals, sizeof(vals));
    st_pass(pq_delta_size(spec, sizeof(spec), &size));
    st_assert_eq_u64(size, sizeof(spec));
    st_buf b = ST_BUF_INIT;
    st_pass(pq_delta_encode_i32(&b, vals, 8));
    st_assert_eq_i64(b.len, sizeof(ours));
    st_assert_eq_mem(b.ptr, ours, sizeof(ours));
    st_buf_dispose(&b);
}

/* Values whose deltas are r in [0, 2^w) with 2^w - 1 and 0 at the start of every
 * miniblock, so that every miniblock has exactly bit width w. */
static void gen_width(int64_t *v, size_t n, unsigned w)
{
    v[0] = (int64_t)rnd();
    for (size_t i = 1; i < n; i++) {
        size_t pos = (i - 1) % 32;
        uint64_t r = rnd() & mask_of(w);
        if (pos == 0)
            r = w == 64 ? 0x8000000000000000ull : mask_of(w);
        else if (pos == 1)
            r = w == 64 ? 0x7fffffffffffffffull : 0;
        v[i] = (int64_t)((uint64_t)v[i - 1] + r);
    }
}

void test_parquet_delta__roundtrip_every_width_i64(void)
{
    static const size_t lengths[] = {0, 1, 2, 3, 33, 128, 129, 130, 300, 1000};
    int64_t *v = st_malloc(1000 * 8), *out = st_malloc(1000 * 8);
    st_buf b = ST_BUF_INIT;
    for (unsigned w = 0; w <= 64; w++)
        for (size_t li = 0; li < sizeof(lengths) / sizeof(lengths[0]); li++) {
            size_t n = lengths[li], size;
            gen_width(v, n ? n : 1, w);
            st_buf_clear(&b);
            st_pass(pq_delta_encode_i64(&b, v, n));
            if (n > 2)
                st_assert_eq_u64(b.ptr[first_widths_at(b.ptr)], w);
            uint8_t *p = exact_copy(b.ptr, b.len);
            pq_delta_decoder d;
            st_pass(pq_delta_init(&d, p, b.len));
            st_assert_eq_u64(pq_delta_count(&d), n);
            for (size_t i = 0; i < n;) {
                size_t k = 1 + rnd() % 100;
                k = k < n - i ? k : n - i;
                st_pass(pq_delta_get_i64(&d, out + i, k));
                i += k;
            }
            st_assert_msg(n == 0 || memcmp(v, out, n * 8) == 0, "w %u n %zu", w, n);
            st_fail_with(ST_ECORRUPT, pq_delta_get_i64(&d, out, 1));
            st_pass(pq_delta_size(p, b.len, &size));
            st_assert_eq_u64(size, b.len);
            st_free(p);
        }
    st_free(v);
    st_free(out);
    st_buf_dispose(&b);
}

void test_parquet_delta__roundtrip_every_width_i32(void)
{
    int64_t v64[700];
    int32_t v[700], out[700];
    st_buf b = ST_BUF_INIT;
    for (unsigned w = 0; w <= 32; w++) {
        size_t n = 677;
        gen_width(v64, n, w);
        for (size_t i = 0; i < n; i++)
            v[i] = (int32_t)(uint32_t)v64[i];
        if (w == 32) {
            v[5] = INT32_MIN;
            v[6] = INT32_MAX;
            v[7] = INT32_MIN;
        }
        st_buf_clear(&b);
        st_pass(pq_delta_encode_i32(&b, v, n));
        pq_delta_decoder d;
        st_pass(pq_delta_init(&d, b.ptr, b.len));
        for (size_t i = 0; i < n;) {
            size_t k = 1 + rnd() % 200;
            k = k < n - i ? k : n - i;
            st_pass(pq_delta_get_i32(&d, out + i, k));
            i += k;
        }
        st_assert_msg(memcmp(v, out, n * 4) == 0, "w %u", w);
    }
    st_buf_dispose(&b);
}

void test_parquet_delta__int64_extremes_wrap(void)
{
    int64_t v[] = {INT64_MIN, INT64_MAX, INT64_MIN, 0, -1, INT64_MAX, INT64_MAX, INT64_MIN, 1,
                   INT64_MIN + 1, INT64_MAX - 1, 0};
    size_t n = sizeof(v) / sizeof(v[0]);
    int64_t out[16];
    st_buf b = ST_BUF_INIT;
    st_pass(pq_delta_encode_i64(&b, v, n));
    pq_delta_decoder d;
    st_pass(pq_delta_init(&d, b.ptr, b.len));
    st_pass(pq_delta_get_i64(&d, out, n));
    st_assert_eq_mem(out, v, sizeof(v));
    /* all equal extremes: width 0 */
    int64_t same[200];
    for (int i = 0; i < 200; i++)
        same[i] = INT64_MIN;
    st_buf_clear(&b);
    st_pass(pq_delta_encode_i64(&b, same, 200));
    st_pass(pq_delta_init(&d, b.ptr, b.len));
    st_pass(pq_delta_get_i64(&d, out, 16));
    st_assert_eq_i64(out[15], INT64_MIN);
    st_buf_dispose(&b);
}

void test_parquet_delta__every_truncation_fails_cleanly(void)
{
    enum { N = 300 };
    int64_t v[N], out[N];
    st_buf b = ST_BUF_INIT;
    for (unsigned w = 1; w <= 64; w += 9) {
        gen_width(v, N, w);
        st_buf_clear(&b);
        st_pass(pq_delta_encode_i64(&b, v, N));
        /* 299 deltas: the last miniblock holds 11 values; the rest of it is padding */
        size_t droppable = 4 * w - (11 * w + 7) / 8;
        for (size_t len = 0; len < b.len; len++) {
            uint8_t *p = exact_copy(b.ptr, len);
            pq_delta_decoder d;
            size_t size;
            int rc = pq_delta_init(&d, p, len);
            if (rc == 0)
                rc = pq_delta_get_i64(&d, out, N);
            int rs = pq_delta_size(p, len, &size);
            if (len + droppable >= b.len) {
                st_pass(rc);
                st_pass(rs);
                st_assert_eq_u64(size, len);
                st_assert_eq_mem(out, v, sizeof(v));
            } else {
                st_assert_msg(rc == ST_ECORRUPT, "w %u len %zu of %zu: %d", w, len, b.len, rc);
                st_assert_eq_i64(rs, ST_ECORRUPT);
            }
            st_free(p);
        }
    }
    st_buf_dispose(&b);
}

void test_parquet_delta__corrupt_headers_and_widths(void)
{
    pq_delta_decoder d;
    int32_t o32[4];
    int64_t o64[4];
    size_t size;
    static const uint8_t zero_block[] = {0x00, 0x01, 0x02, 0x00};
    static const uint8_t odd_block[] = {0x64, 0x01, 0x02, 0x00};
    static const uint8_t bad_split[] = {0x80, 0x01, 0x03, 0x02, 0x00};
    static const uint8_t small_mb[] = {0x80, 0x01, 0x20, 0x02, 0x00};
    static const uint8_t cut[] = {0x80, 0x01, 0x04};
    st_fail_with(ST_ECORRUPT, pq_delta_init(&d, zero_block, sizeof(zero_block)));
    st_fail_with(ST_ECORRUPT, pq_delta_init(&d, odd_block, sizeof(odd_block)));
    st_fail_with(ST_ECORRUPT, pq_delta_init(&d, bad_split, sizeof(bad_split)));
    st_fail_with(ST_ECORRUPT, pq_delta_init(&d, small_mb, sizeof(small_mb)));
    st_fail_with(ST_ECORRUPT, pq_delta_init(&d, cut, sizeof(cut)));
    st_fail_with(ST_ECORRUPT, pq_delta_size(cut, sizeof(cut), &size));
    /* 3 values, one block: min delta 0, first miniblock 33 bits wide */
    uint8_t w33[10 + 132] = {0x80, 0x01, 0x04, 0x03, 0x00, 0x00, 33, 0, 0, 0};
    w33[10] = 0x05;
    /* INT32 wraps modulo 2^32: a 33-bit miniblock (DuckDB writes them) is accepted. */
    st_pass(pq_delta_init(&d, w33, sizeof(w33)));
    st_pass(pq_delta_get_i32(&d, o32, 3));
    st_assert_eq_i64(o32[1], 5);
    st_pass(pq_delta_init(&d, w33, sizeof(w33)));
    st_pass(pq_delta_get_i64(&d, o64, 3));
    st_assert_eq_i64(o64[1], 5);
    w33[6] = 65;
    st_pass(pq_delta_init(&d, w33, sizeof(w33)));
    st_fail_with(ST_ECORRUPT, pq_delta_get_i64(&d, o64, 3));
    st_fail_with(ST_ECORRUPT, pq_delta_size(w33, sizeof(w33), &size));
    /* miniblock widths cut off */
    st_pass(pq_delta_init(&d, w33, 8));
    st_fail_with(ST_ECORRUPT, pq_delta_get_i64(&d, o64, 2));
}

void test_parquet_delta__unneeded_miniblocks_have_no_data(void)
{
    /* 2 values: the block's later miniblocks carry garbage widths and no bytes */
    static const uint8_t p[] = {0x80, 0x01, 0x04, 0x02, 0x14, 0x02, 0x00, 0xff, 0xff, 0xff};
    int32_t out[2];
    size_t size;
    pq_delta_decoder d;
    st_pass(pq_delta_init(&d, p, sizeof(p)));
    st_pass(pq_delta_get_i32(&d, out, 2));
    st_assert_eq_i64(out[0], 10);
    st_assert_eq_i64(out[1], 11);
    st_pass(pq_delta_size(p, sizeof(p), &size));
    st_assert_eq_u64(size, sizeof(p));
}

static void make_strings(st_buf *data, int32_t *off, size_t n, int shared)
{
    static const char alpha[] = "abcd";
    char prev[64] = "";
    size_t prev_len = 0;
    st_buf_clear(data);
    off[0] = 0;
    for (size_t i = 0; i < n; i++) {
        char s[64];
        size_t keep = shared && prev_len ? rnd() % (prev_len + 1) : 0;
        size_t len = keep + rnd() % (i % 10 == 9 ? 40 : 6);
        if (len > 60)
            len = 60;
        memcpy(s, prev, keep);
        for (size_t j = keep; j < len; j++)
            s[j] = alpha[rnd() % 4];
        st_pass(st_buf_put(data, s, len));
        off[i + 1] = (int32_t)data->len;
        memcpy(prev, s, len);
        prev_len = len;
    }
}

void test_parquet_delta__dlba_spec_example(void)
{
    static const char *w[] = {"Hello", "World", "Foobar", "ABCDEF"};
    int32_t off[5] = {0}, got[5];
    st_buf data = ST_BUF_INIT, enc = ST_BUF_INIT, out = ST_BUF_INIT;
    for (int i = 0; i < 4; i++) {
        st_pass(st_buf_puts(&data, w[i]));
        off[i + 1] = (int32_t)data.len;
    }
    st_pass(pq_dlba_encode(&enc, off, data.ptr, 4));
    st_assert(enc.len > 22);
    st_assert_eq_mem(enc.ptr + enc.len - 22, "HelloWorldFoobarABCDEF", 22);
    pq_delta_decoder lens;
    st_pass(pq_delta_init(&lens, enc.ptr, enc.len - 22));
    st_pass(pq_delta_get_i32(&lens, got, 4));
    st_assert(got[0] == 5 && got[1] == 5 && got[2] == 6 && got[3] == 6);
    /* decode after existing bytes: offsets continue from data->len */
    pq_dlba_decoder d;
    st_pass(st_buf_put(&out, "xyz", 3));
    got[0] = 3;
    st_pass(pq_dlba_init(&d, enc.ptr, enc.len, 4));
    st_pass(pq_dlba_get(&d, 1, got, &out));
    st_pass(pq_dlba_get(&d, 3, got + 1, &out));
    st_assert(got[1] == 8 && got[2] == 13 && got[3] == 19 && got[4] == 25);
    st_assert_eq_mem(out.ptr, "xyzHelloWorldFoobarABCDEF", 25);
    st_fail_with(ST_ECORRUPT, pq_dlba_get(&d, 1, got, &out));
    st_fail_with(ST_ECORRUPT, pq_dlba_init(&d, enc.ptr, enc.len, 3));
    st_buf_dispose(&data);
    st_buf_dispose(&enc);
    st_buf_dispose(&out);
}

void test_parquet_delta__dlba_roundtrip_and_truncation(void)
{
    enum { N = 500 };
    int32_t off[N + 1], got[N + 1];
    st_buf data = ST_BUF_INIT, enc = ST_BUF_INIT, out = ST_BUF_INIT;
    make_strings(&data, off, N, 0);
    st_pass(st_buf_put(&data, "!", 1));
    off[N] += 1;     /* a non-empty last value: every truncation loses bytes */
    st_pass(pq_dlba_encode(&enc, off, data.ptr, N));
    for (size_t len = 0; len <= enc.len; len++) {
        uint8_t *p = exact_copy(enc.ptr, len);
        pq_dlba_decoder d;
        st_buf_clear(&out);
        got[0] = 0;
        int rc = pq_dlba_init(&d, p, len, N);
        for (size_t i = 0; rc == 0 && i < N;) {
            size_t k = 1 + rnd() % 150;
            k = k < N - i ? k : N - i;
            rc = pq_dlba_get(&d, k, got + i, &out);
            i += k;
        }
        if (len == enc.len) {
            st_pass(rc);
            st_assert_eq_mem(got, off, sizeof(off));
            st_assert_eq_mem(out.ptr, data.ptr, data.len);
        } else {
            st_assert_msg(rc == ST_ECORRUPT, "len %zu of %zu: %d", len, enc.len, rc);
        }
        st_free(p);
    }
    /* a negative length */
    int32_t lens[2] = {3, -1};
    st_buf_clear(&enc);
    st_pass(pq_delta_encode_i32(&enc, lens, 2));
    st_pass(st_buf_put(&enc, "abc", 3));
    pq_dlba_decoder d;
    st_pass(pq_dlba_init(&d, enc.ptr, enc.len, 2));
    st_fail_with(ST_ECORRUPT, pq_dlba_get(&d, 2, got, &out));
    st_buf_dispose(&data);
    st_buf_dispose(&enc);
    st_buf_dispose(&out);
}

void test_parquet_delta__dba_spec_example(void)
{
    static const char *w[] = {"axis", "axle", "babble", "babyhood"};
    int32_t off[5] = {0}, got[5], pre[4], suf[4];
    st_buf data = ST_BUF_INIT, enc = ST_BUF_INIT, out = ST_BUF_INIT;
    for (int i = 0; i < 4; i++) {
        st_pass(st_buf_puts(&data, w[i]));
        off[i + 1] = (int32_t)data.len;
    }
    st_pass(pq_dba_encode(&enc, off, data.ptr, 4));
    size_t size;
    pq_delta_decoder d;
    st_pass(pq_delta_init(&d, enc.ptr, enc.len));
    st_pass(pq_delta_get_i32(&d, pre, 4));
    st_assert(pre[0] == 0 && pre[1] == 2 && pre[2] == 0 && pre[3] == 3);
    st_pass(pq_delta_size(enc.ptr, enc.len, &size));
    st_pass(pq_delta_init(&d, enc.ptr + size, enc.len - size));
    st_pass(pq_delta_get_i32(&d, suf, 4));
    st_assert(suf[0] == 4 && suf[1] == 2 && suf[2] == 6 && suf[3] == 5);
    st_assert_eq_mem(enc.ptr + enc.len - 17, "axislebabbleyhood", 17);
    pq_dba_decoder dd;
    got[0] = 0;
    st_pass(pq_dba_init(&dd, enc.ptr, enc.len, 4));
    st_pass(pq_dba_get(&dd, 2, got, &out));
    st_pass(pq_dba_get(&dd, 2, got + 2, &out));
    st_assert_eq_mem(got, off, sizeof(off));
    st_assert_eq_mem(out.ptr, "axisaxlebabblebabyhood", 22);
    pq_dba_dispose(&dd);
    st_buf_dispose(&data);
    st_buf_dispose(&enc);
    st_buf_dispose(&out);
}

void test_parquet_delta__dba_shared_prefixes_in_batches(void)
{
    enum { N = 3000 };
    int32_t *off = st_malloc((N + 1) * 4), *got = st_malloc((N + 1) * 4);
    st_buf data = ST_BUF_INIT, enc = ST_BUF_INIT, out = ST_BUF_INIT;
    make_strings(&data, off, N, 1);
    st_pass(pq_dba_encode(&enc, off, data.ptr, N));
    st_assert(enc.len < data.len);
    uint8_t *p = exact_copy(enc.ptr, enc.len);
    pq_dba_decoder d;
    st_pass(pq_dba_init(&d, p, enc.len, N));
    got[0] = 0;
    for (size_t i = 0; i < N;) {
        size_t k = 1 + rnd() % 700;
        k = k < N - i ? k : N - i;
        st_pass(pq_dba_get(&d, k, got + i, &out));
        i += k;
    }
    st_assert_eq_mem(got, off, (N + 1) * 4);
    st_assert_eq_mem(out.ptr, data.ptr, data.len);
    st_fail_with(ST_ECORRUPT, pq_dba_get(&d, 1, got, &out));
    pq_dba_dispose(&d);
    /* batches into a buffer that is emptied each time keep working */
    st_pass(pq_dba_init(&d, p, enc.len, N));
    for (size_t i = 0; i < N; i += 100) {
        st_buf_clear(&out);
        got[0] = 0;
        st_pass(pq_dba_get(&d, 100, got, &out));
        st_assert_eq_i64(got[100], off[i + 100] - off[i]);
        st_assert_eq_mem(out.ptr, data.ptr + off[i], (size_t)got[100]);
    }
    pq_dba_dispose(&d);
    /* every truncation fails */
    for (size_t len = 0; len < enc.len; len += 1 + len / 50) {
        int rc = pq_dba_init(&d, p, len, N);
        st_buf_clear(&out);
        if (rc == 0)
            rc = pq_dba_get(&d, N, got, &out);
        st_assert_msg(rc == ST_ECORRUPT, "len %zu", len);
        pq_dba_dispose(&d);
    }
    st_free(p);
    st_free(off);
    st_free(got);
    st_buf_dispose(&data);
    st_buf_dispose(&enc);
    st_buf_dispose(&out);
}

void test_parquet_delta__dba_corrupt(void)
{
    st_buf enc = ST_BUF_INIT, out = ST_BUF_INIT;
    int32_t pre[2] = {0, 5}, soff[3] = {0, 2, 3}, got[3] = {0};
    pq_dba_decoder d;
    /* the second value keeps 5 bytes of a 2-byte value */
    st_pass(pq_delta_encode_i32(&enc, pre, 2));
    st_pass(pq_dlba_encode(&enc, soff, (const uint8_t *)"abc", 2));
    st_pass(pq_dba_init(&d, enc.ptr, enc.len, 2));
    st_fail_with(ST_ECORRUPT, pq_dba_get(&d, 2, got, &out));
    pq_dba_dispose(&d);
    /* counts that disagree */
    st_buf_clear(&enc);
    st_pass(pq_delta_encode_i32(&enc, pre, 1));
    st_pass(pq_dlba_encode(&enc, soff, (const uint8_t *)"abc", 2));
    st_fail_with(ST_ECORRUPT, pq_dba_init(&d, enc.ptr, enc.len, 2));
    pq_dba_dispose(&d);
    st_buf_dispose(&enc);
    st_buf_dispose(&out);
}

void test_parquet_delta__dba_prefixes_checked_before_reserving(void)
{
    /* found by fuzzing: prefix lengths far beyond the previous value's length made
     * the decoder reserve 2 GiB before it noticed */
    static const uint8_t p[] = {
        0x20, 0x04, 0xf1, 0x00, 0x80, 0x80, 0x80, 0x80, 0xe9, 0xff, 0x06, 0x80, 0xff, 0x1b,
        0x00, 0x00, 0x00, 0x00, 0xfa, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x02, 0x00, 0x00, 0x83, 0xa6, 0xc0, 0xb7, 0x20, 0x04, 0xf1, 0x00, 0x00, 0x00,
        0x00, 0x80, 0x80, 0x80, 0xff, 0x80, 0xf9, 0x3a, 0x80, 0x00
    };
    st_buf out = ST_BUF_INIT;
    int32_t got[1025] = {0};
    pq_dba_decoder d;
    int rc = pq_dba_init(&d, p, sizeof(p), 65536);
    if (rc == 0)
        rc = pq_dba_get(&d, pq_dba_left(&d) < 1024 ? (size_t)pq_dba_left(&d) : 1024, got, &out);
    st_assert_eq_i64(rc, ST_ECORRUPT);
    st_assert(out.cap < 4096);
    pq_dba_dispose(&d);
    st_buf_dispose(&out);
}
