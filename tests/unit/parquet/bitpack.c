/* SPDX-License-Identifier: Apache-2.0 */
/* Tests for bit packing/unpacking, bitmap copies and the deprecated BIT_PACKED levels. */
#include "st_test.h"

#include <supertable/errors.h>
#include <supertable/sys/alloc.h>
#include "parquet/encoding.h"

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;

static uint64_t rnd(void)
{
    uint64_t x = rng_state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return rng_state = x;
}

static uint64_t mask_of(unsigned w) { return w == 64 ? ~0ull : (1ull << w) - 1; }

static const size_t LENGTHS[] = {0, 1, 3, 7, 8, 9, 31, 32, 33, 63, 64, 65, 100, 257, 1029};
#define N_LENGTHS (sizeof(LENGTHS) / sizeof(LENGTHS[0]))

void test_parquet_bitpack__roundtrip32_every_width(void)
{
    for (unsigned w = 0; w <= 32; w++) {
        for (size_t li = 0; li < N_LENGTHS; li++) {
            size_t n = LENGTHS[li], bytes = pq_bitpack_bytes(n, w);
            uint32_t *in = st_malloc((n + 1) * 4), *out = st_malloc((n + 1) * 4);
            /* exactly sized, so ASan catches any read or write past the packed bytes */
            uint8_t *packed = st_malloc(bytes ? bytes : 1);
            for (size_t i = 0; i < n; i++)
                in[i] = (uint32_t)(rnd() & mask_of(w));
            if (n)
                in[n - 1] = (uint32_t)mask_of(w);
            pq_pack32(in, packed, n, w);
            if (bytes && (n * w) % 8)
                st_assert((packed[bytes - 1] >> ((n * w) % 8)) == 0);
            pq_unpack32(packed, out, n, w);
            st_assert_msg(n == 0 || memcmp(in, out, n * 4) == 0, "width %u n %zu", w, n);
            st_free(in);
            st_free(out);
            st_free(packed);
        }
    }
}

void test_parquet_bitpack__roundtrip64_every_width(void)
{
    for (unsigned w = 0; w <= 64; w++) {
        for (size_t li = 0; li < N_LENGTHS; li++) {
            size_t n = LENGTHS[li], bytes = pq_bitpack_bytes(n, w);
            uint64_t *in = st_malloc((n + 1) * 8), *out = st_malloc((n + 1) * 8);
            uint8_t *packed = st_malloc(bytes ? bytes : 1);
            for (size_t i = 0; i < n; i++)
                in[i] = rnd() & mask_of(w);
            if (n)
                in[0] = mask_of(w);
            pq_pack64(in, packed, n, w);
            pq_unpack64(packed, out, n, w);
            st_assert_msg(n == 0 || memcmp(in, out, n * 8) == 0, "width %u n %zu", w, n);
            /* the 32-bit packer writes the same bytes */
            if (w <= 32 && n) {
                uint32_t *in32 = st_malloc(n * 4);
                uint8_t *packed32 = st_malloc(bytes ? bytes : 1);
                for (size_t i = 0; i < n; i++)
                    in32[i] = (uint32_t)in[i];
                pq_pack32(in32, packed32, n, w);
                st_assert(bytes == 0 || memcmp(packed, packed32, bytes) == 0);
                st_free(in32);
                st_free(packed32);
            }
            st_free(in);
            st_free(out);
            st_free(packed);
        }
    }
}

void test_parquet_bitpack__spec_example(void)
{
    /* Encodings.md, RLE section: 0..7 with bit width 3 */
    static const uint8_t expect[] = {0x88, 0xC6, 0xFA};
    uint32_t vals[8] = {0, 1, 2, 3, 4, 5, 6, 7}, out[8];
    uint8_t packed[3];
    pq_pack32(vals, packed, 8, 3);
    st_assert_eq_mem(packed, expect, 3);
    pq_unpack32(expect, out, 8, 3);
    st_assert_eq_mem(out, vals, sizeof(vals));
}

void test_parquet_bitpack__extra_bits_masked_when_packing(void)
{
    uint32_t vals[3] = {0xffffffff, 0, 0xffffffff}, out[3];
    uint8_t packed[1];
    pq_pack32(vals, packed, 3, 2);
    st_assert_eq_u64(packed[0], 0x33);
    pq_unpack32(packed, out, 3, 2);
    st_assert_eq_u64(out[0], 3);
    st_assert_eq_u64(out[1], 0);
    st_assert_eq_u64(out[2], 3);
}

void test_parquet_bitpack__bitmap_copy_any_offsets(void)
{
    uint8_t src[40], dst[40], ref[40];
    for (int iter = 0; iter < 2000; iter++) {
        for (size_t i = 0; i < sizeof(src); i++) {
            src[i] = (uint8_t)rnd();
            dst[i] = ref[i] = (uint8_t)rnd();
        }
        size_t so = rnd() % 64, dof = rnd() % 64, n = rnd() % (sizeof(src) * 8 - 64);
        for (size_t i = 0; i < n; i++) {
            unsigned bit = (src[(so + i) / 8] >> ((so + i) % 8)) & 1;
            size_t b = dof + i;
            ref[b / 8] = (uint8_t)((ref[b / 8] & ~(1u << (b % 8))) | (bit << (b % 8)));
        }
        pq_bitmap_copy(dst, dof, src, so, n);
        st_assert_msg(memcmp(dst, ref, sizeof(dst)) == 0, "src %zu dst %zu n %zu", so, dof, n);
    }
}

void test_parquet_bitpack__bitmap_fill(void)
{
    uint8_t b[8] = {0};
    pq_bitmap_fill(b, 3, 20, 1);
    st_assert_eq_u64(b[0], 0xf8);
    st_assert_eq_u64(b[1], 0xff);
    st_assert_eq_u64(b[2], 0x7f);
    st_assert_eq_u64(b[3], 0);
    pq_bitmap_fill(b, 4, 3, 0);
    st_assert_eq_u64(b[0], 0x88);
}

/* MSB-first packing, as the deprecated encoding does it (test-side reference). */
static void pack_msb(const int16_t *v, size_t n, unsigned w, uint8_t *out)
{
    memset(out, 0, pq_bitpack_bytes(n, w));
    for (size_t i = 0; i < n; i++)
        for (unsigned b = 0; b < w; b++) {
            size_t bit = i * w + b;
            if ((v[i] >> (w - 1 - b)) & 1)
                out[bit / 8] |= (uint8_t)(0x80 >> (bit % 8));
        }
}

void test_parquet_bitpack__bit_packed_msb_spec_example(void)
{
    /* Encodings.md, BIT_PACKED section: 0..7 with bit width 3 */
    static const uint8_t data[] = {0x05, 0x39, 0x77};
    int16_t out[8];
    st_pass(pq_bitpacked_msb_get_levels(data, 3, 3, 0, out, 8, 7));
    for (int i = 0; i < 8; i++)
        st_assert_eq_i64(out[i], i);
    st_pass(pq_bitpacked_msb_get_levels(data, 3, 3, 5, out, 3, 7));
    st_assert_eq_i64(out[0], 5);
    st_assert_eq_i64(out[2], 7);
    st_fail_with(ST_ECORRUPT, pq_bitpacked_msb_get_levels(data, 3, 3, 0, out, 8, 6));
    st_fail_with(ST_ECORRUPT, pq_bitpacked_msb_get_levels(data, 3, 3, 1, out, 8, 7));
    st_fail_with(ST_ECORRUPT, pq_bitpacked_msb_get_levels(data, 2, 3, 0, out, 8, 7));
}

void test_parquet_bitpack__bit_packed_msb_roundtrip(void)
{
    int16_t in[300], out[300];
    uint8_t packed[600];
    for (unsigned w = 0; w <= 16; w++) {
        size_t n = 297;
        for (size_t i = 0; i < n; i++)
            in[i] = (int16_t)(rnd() & mask_of(w) & 0x7fff);
        pack_msb(in, n, w, packed);
        size_t bytes = pq_bitpack_bytes(n, w);
        st_pass(pq_bitpacked_msb_get_levels(packed, bytes, w, 0, out, n, 0x7fff));
        st_assert_eq_mem(in, out, n * 2);
        st_pass(pq_bitpacked_msb_get_levels(packed, bytes, w, 100, out, 50, 0x7fff));
        st_assert_eq_mem(in + 100, out, 50 * 2);
    }
}
