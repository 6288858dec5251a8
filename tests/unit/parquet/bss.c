/* SPDX-License-Identifier: Apache-2.0 */
/* Tests for BYTE_STREAM_SPLIT decoding and encoding. */
#include "st_test.h"

#include <supertable/errors.h>
#include <supertable/sys/alloc.h>
#include "parquet/encoding.h"
#include "util/buf.h"

static uint64_t rng_state = 0x94D049BB133111EBull;

static uint64_t rnd(void)
{
    uint64_t x = rng_state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return rng_state = x;
}

void test_parquet_bss__spec_example(void)
{
    /* Encodings.md: three 4-byte values */
    static const uint8_t vals[] = {0xAA, 0xBB, 0xCC, 0xDD, 0x00, 0x11, 0x22, 0x33,
                                   0xA3, 0xB4, 0xC5, 0xD6};
    static const uint8_t enc[] = {0xAA, 0x00, 0xA3, 0xBB, 0x11, 0xB4, 0xCC, 0x22, 0xC5,
                                  0xDD, 0x33, 0xD6};
    uint8_t out[12];
    st_buf b = ST_BUF_INIT;
    st_pass(pq_bss_encode(&b, vals, 4, 3));
    st_assert_eq_i64(b.len, 12);
    st_assert_eq_mem(b.ptr, enc, 12);
    st_pass(pq_bss_decode(enc, 12, 4, 0, 3, out));
    st_assert_eq_mem(out, vals, 12);
    st_buf_dispose(&b);
}

void test_parquet_bss__roundtrip_every_width(void)
{
    static const size_t counts[] = {0, 1, 15, 16, 17, 31, 32, 100, 1000, 4099};
    st_buf b = ST_BUF_INIT;
    for (size_t w = 1; w <= 20; w++)
        for (size_t ci = 0; ci < sizeof(counts) / sizeof(counts[0]); ci++) {
            size_t n = counts[ci];
            uint8_t *vals = st_malloc(n * w + 1), *out = st_malloc(n * w + 1);
            for (size_t i = 0; i < n * w; i++)
                vals[i] = (uint8_t)rnd();
            st_buf_clear(&b);
            st_pass(pq_bss_encode(&b, vals, w, n));
            st_assert_eq_i64(b.len, n * w);
            /* stream j holds byte j of every value */
            for (size_t i = 0; i < n; i += 1 + n / 7)
                for (size_t j = 0; j < w; j++)
                    st_assert(b.ptr[j * n + i] == vals[i * w + j]);
            uint8_t *p = st_malloc(n * w + 1);
            if (n)
                memcpy(p, b.ptr, n * w);
            st_pass(pq_bss_decode(p, n * w, w, 0, n, out));
            st_assert_msg(n == 0 || memcmp(out, vals, n * w) == 0, "w %zu n %zu", w, n);
            /* a window, as a reader taking batches would */
            if (n > 10) {
                size_t first = n / 3, k = n / 2;
                st_pass(pq_bss_decode(p, n * w, w, first, k, out));
                st_assert(memcmp(out, vals + first * w, k * w) == 0);
            }
            st_free(p);
            st_free(vals);
            st_free(out);
        }
    st_buf_dispose(&b);
}

void test_parquet_bss__doubles(void)
{
    double v[333], out[333];
    st_buf b = ST_BUF_INIT;
    for (int i = 0; i < 333; i++)
        v[i] = i * 1.25 - 100.0;
    st_pass(pq_bss_encode(&b, v, 8, 333));
    st_pass(pq_bss_decode(b.ptr, b.len, 8, 0, 333, out));
    for (int i = 0; i < 333; i++)
        st_assert_eq_dbl(out[i], v[i]);
    st_buf_dispose(&b);
}

void test_parquet_bss__errors(void)
{
    uint8_t p[12] = {0}, out[16];
    st_fail_with(ST_ECORRUPT, pq_bss_decode(p, 11, 4, 0, 1, out));
    st_fail_with(ST_ECORRUPT, pq_bss_decode(p, 12, 4, 0, 4, out));
    st_fail_with(ST_ECORRUPT, pq_bss_decode(p, 12, 4, 2, 2, out));
    st_fail_with(ST_ECORRUPT, pq_bss_decode(p, 12, 4, 4, 0, out));
    st_fail_with(ST_EINVALID, pq_bss_decode(p, 12, 0, 0, 1, out));
    st_pass(pq_bss_decode(p, 12, 4, 3, 0, out));
}
