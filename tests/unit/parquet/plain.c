/* SPDX-License-Identifier: Apache-2.0 */
/* Tests for PLAIN BYTE_ARRAY, FIXED_LEN_BYTE_ARRAY and BOOLEAN decoding and encoding. */
#include "st_test.h"

#include <supertable/errors.h>
#include <supertable/sys/alloc.h>
#include "parquet/encoding.h"
#include "util/buf.h"

static uint64_t rng_state = 0xBF58476D1CE4E5B9ull;

static uint64_t rnd(void)
{
    uint64_t x = rng_state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return rng_state = x;
}

void test_parquet_plain__binary_roundtrip_in_batches(void)
{
    enum { N = 700 };
    int32_t off[N + 1], got[N + 1];
    st_buf data = ST_BUF_INIT, enc = ST_BUF_INIT, out = ST_BUF_INIT;
    off[0] = 0;
    for (int i = 0; i < N; i++) {
        size_t len = i % 50 == 0 ? 100 + rnd() % 100 : rnd() % 33;
        for (size_t j = 0; j < len; j++)
            st_pass(st_buf_putc(&data, (char)('a' + rnd() % 26)));
        off[i + 1] = (int32_t)data.len;
    }
    st_pass(pq_plain_binary_encode(&enc, off, data.ptr, N));
    st_assert_eq_i64(enc.len, 4 * N + data.len);
    /* exact-size input so that the 16-byte copies are seen not to overread */
    uint8_t *p = st_malloc(enc.len);
    memcpy(p, enc.ptr, enc.len);
    size_t pos = 0;
    got[0] = 0;
    for (size_t i = 0; i < N;) {
        size_t k = 1 + rnd() % 90, used;
        k = k < N - i ? k : N - i;
        st_pass(pq_plain_binary_decode(p + pos, enc.len - pos, k, got + i, &out, &used));
        pos += used;
        i += k;
    }
    st_assert_eq_u64(pos, enc.len);
    st_assert_eq_mem(got, off, sizeof(off));
    st_assert_eq_i64(out.len, data.len);
    st_assert_eq_mem(out.ptr, data.ptr, data.len);
    /* every truncation fails and appends nothing */
    for (size_t len = 0; len < enc.len; len += 1 + len / 100) {
        size_t before = out.len;
        st_fail_with(ST_ECORRUPT, pq_plain_binary_decode(p, len, N, got, &out, NULL));
        st_assert_eq_u64(out.len, before);
    }
    st_free(p);
    /* a length pointing past the end */
    static const uint8_t bad[] = {2, 0, 0, 0, 'h', 'i', 0xff, 0xff, 0xff, 0x7f, 'x'};
    st_fail_with(ST_ECORRUPT, pq_plain_binary_decode(bad, sizeof(bad), 2, got, &out, NULL));
    st_assert_contains(st_error_last()->message, "value 1");
    st_buf_dispose(&data);
    st_buf_dispose(&enc);
    st_buf_dispose(&out);
}

void test_parquet_plain__fixed(void)
{
    uint8_t p[30], out[30];
    int32_t off[6];
    st_buf data = ST_BUF_INIT;
    size_t used;
    for (int i = 0; i < 30; i++)
        p[i] = (uint8_t)i;
    st_pass(pq_plain_fixed_decode(p, 30, 6, 5, out, &used));
    st_assert_eq_u64(used, 30);
    st_assert_eq_mem(out, p, 30);
    st_fail_with(ST_ECORRUPT, pq_plain_fixed_decode(p, 29, 6, 5, out, &used));
    st_pass(st_buf_put(&data, "ab", 2));
    off[0] = 2;
    st_pass(pq_plain_fixed_to_binary(p, 30, 6, 5, off, &data, &used));
    st_assert_eq_i64(off[5], 32);
    st_assert_eq_i64(off[1], 8);
    st_assert_eq_mem(data.ptr + 2, p, 30);
    st_fail_with(ST_ECORRUPT, pq_plain_fixed_to_binary(p, 10, 6, 2, off, &data, &used));
    st_buf_dispose(&data);
}

void test_parquet_plain__bool(void)
{
    uint8_t bits[40], out[40], ref[40];
    st_buf enc = ST_BUF_INIT;
    for (int iter = 0; iter < 200; iter++) {
        for (size_t i = 0; i < sizeof(bits); i++) {
            bits[i] = (uint8_t)rnd();
            out[i] = ref[i] = (uint8_t)rnd();
        }
        size_t off = rnd() % 16, n = rnd() % 250, first = rnd() % 9, oo = rnd() % 13;
        st_buf_clear(&enc);
        st_pass(pq_plain_bool_encode(&enc, bits, off, n));
        st_assert_eq_u64(enc.len, (n + 7) / 8);
        if (n % 8)
            st_assert((enc.ptr[enc.len - 1] >> (n % 8)) == 0);
        if (first > n)
            first = n;
        for (size_t i = first; i < n; i++) {
            unsigned bit = (bits[(off + i) / 8] >> ((off + i) % 8)) & 1;
            size_t o = oo + i - first;
            ref[o / 8] = (uint8_t)((ref[o / 8] & ~(1u << (o % 8))) | (bit << (o % 8)));
        }
        st_pass(pq_plain_bool_decode(enc.ptr, enc.len, first, n - first, out, oo));
        st_assert_eq_mem(out, ref, sizeof(ref));
    }
    st_fail_with(ST_ECORRUPT, pq_plain_bool_decode(bits, 2, 10, 7, out, 0));
    st_buf_dispose(&enc);
}
