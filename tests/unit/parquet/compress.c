/* SPDX-License-Identifier: Apache-2.0 */
/* Tests for parquet/compress: every codec's round trip, strict sizes, foreign framings,
 * damaged input, allocation failure, threads, codec names and the page CRC. */
#include "st_test.h"

#include <pthread.h>
#include <stdbool.h>
#include <lz4.h>
#include <lz4frame.h>
#include <zlib.h>
#include <zstd.h>

#include <supertable/errors.h>
#include <supertable/sys/alloc.h>
#include "parquet/compress.h"

#define MIB ((size_t)1 << 20)

static const pq_codec writable[] = {PQ_CODEC_UNCOMPRESSED, PQ_CODEC_SNAPPY, PQ_CODEC_GZIP,
                                    PQ_CODEC_LZ4_RAW,      PQ_CODEC_ZSTD,   PQ_CODEC_BROTLI};
#define N_WRITABLE (sizeof(writable) / sizeof(writable[0]))

static const char *cname(pq_codec c)
{
    static const char *const names[] = {"UNCOMPRESSED", "SNAPPY", "GZIP", "LZO",
                                        "BROTLI",       "LZ4",    "ZSTD", "LZ4_RAW"};
    return (unsigned)c < 8 ? names[c] : "?";
}

static uint64_t rng_next(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

static uint8_t *make_random(size_t n, uint64_t seed)
{
    uint8_t *p = malloc(n ? n : 1);
    for (size_t i = 0; i < n; i++)
        p[i] = (uint8_t)rng_next(&seed);
    return p;
}

/* Column-like text: compressible, but not one repeated byte. */
static uint8_t *make_repetitive(size_t n)
{
    static const char *const status[] = {"SHIPPED", "PENDING", "RETURNED", "ON_HOLD"};
    uint8_t *p = malloc(n ? n : 1);
    size_t o = 0;
    for (size_t row = 0; o < n; row++) {
        char line[96];
        int k = snprintf(line, sizeof(line), "row %zu status=%s qty=%zu\n", row,
                         status[row % 4], row % 50);
        size_t take = (size_t)k < n - o ? (size_t)k : n - o;
        memcpy(p + o, line, take);
        o += take;
    }
    return p;
}

/* A heap copy of exactly n bytes, so ASan sees any read past the end. */
static uint8_t *exact_copy(const uint8_t *p, size_t n)
{
    uint8_t *q = malloc(n ? n : 1);
    if (n)
        memcpy(q, p, n);
    return q;
}

/* Compresses into a buffer that already holds a prefix, checks the bound, returns the
 * compressed bytes as an exact-size heap copy. */
static uint8_t *compress_copy(pq_codec c, int level, const uint8_t *src, size_t n, size_t *clen)
{
    st_buf out = ST_BUF_INIT;
    uint8_t *copy;
    st_pass(st_buf_put(&out, "hdr", 3));
    st_pass(pq_compress(c, level, src, n, &out));
    st_assert(memcmp(out.ptr, "hdr", 3) == 0);
    *clen = out.len - 3;
    st_assert_msg(*clen <= pq_compress_bound(c, n), "%s level %d: %zu bytes exceed the bound %zu",
                  cname(c), level, *clen, pq_compress_bound(c, n));
    copy = exact_copy(out.ptr + 3, *clen);
    st_buf_dispose(&out);
    return copy;
}

static void roundtrip(pq_codec c, int level, const uint8_t *src, size_t n)
{
    size_t clen;
    uint8_t *comp = compress_copy(c, level, src, n, &clen);
    uint8_t *dst = n ? malloc(n) : NULL;
    int rc = pq_decompress(c, comp, clen, dst, n);
    st_assert_msg(rc == 0, "%s level %d, %zu bytes: %s", cname(c), level, n, st_test__errmsg());
    if (n)
        st_assert_msg(memcmp(dst, src, n) == 0, "%s level %d: data differs", cname(c), level);
    free(dst);
    free(comp);
}

void test_parquet_compress__roundtrip_every_codec(void)
{
    uint8_t *rnd = make_random(MIB, 42), *rep = make_repetitive(MIB);
    static const uint8_t tiny[] = "hello parquet";
    for (size_t i = 0; i < N_WRITABLE; i++) {
        roundtrip(writable[i], 0, NULL, 0);
        roundtrip(writable[i], 0, tiny, 1);
        roundtrip(writable[i], 0, tiny, sizeof(tiny) - 1);
        roundtrip(writable[i], 0, rnd, MIB);
        roundtrip(writable[i], 0, rep, MIB);
    }
    free(rnd);
    free(rep);
}

void test_parquet_compress__repetitive_input_shrinks(void)
{
    uint8_t *rep = make_repetitive(MIB);
    for (size_t i = 1; i < N_WRITABLE; i++) {
        size_t clen;
        uint8_t *comp = compress_copy(writable[i], 0, rep, MIB, &clen);
        st_assert_msg(clen < MIB / 4, "%s: %zu bytes", cname(writable[i]), clen);
        free(comp);
    }
    free(rep);
}

void test_parquet_compress__explicit_levels(void)
{
    static const struct {
        pq_codec c;
        int level;
    } cases[] = {
        {PQ_CODEC_ZSTD, -5},   {PQ_CODEC_ZSTD, 1},    {PQ_CODEC_ZSTD, 3},
        {PQ_CODEC_ZSTD, 12},   {PQ_CODEC_GZIP, 1},    {PQ_CODEC_GZIP, 9},
        {PQ_CODEC_BROTLI, 1},  {PQ_CODEC_BROTLI, 6},  {PQ_CODEC_BROTLI, 11},
        {PQ_CODEC_LZ4_RAW, 1}, {PQ_CODEC_LZ4_RAW, 9}, {PQ_CODEC_LZ4_RAW, 12},
        {PQ_CODEC_SNAPPY, 7},  {PQ_CODEC_UNCOMPRESSED, 3},
    };
    size_t n = 64 << 10;
    uint8_t *data = make_repetitive(n), *rnd = make_random(4096, 7);
    memcpy(data + 1000, rnd, 4096);
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        roundtrip(cases[i].c, cases[i].level, data, n);
        roundtrip(cases[i].c, cases[i].level, NULL, 0);
    }
    free(data);
    free(rnd);
}

void test_parquet_compress__level_out_of_range(void)
{
    static const struct {
        pq_codec c;
        int level;
    } cases[] = {
        {PQ_CODEC_GZIP, -1},    {PQ_CODEC_GZIP, 10},    {PQ_CODEC_BROTLI, -1},
        {PQ_CODEC_BROTLI, 12},  {PQ_CODEC_LZ4_RAW, 13}, {PQ_CODEC_LZ4_RAW, -1},
        {PQ_CODEC_ZSTD, 23},    {PQ_CODEC_ZSTD, -200000},
    };
    st_buf out = ST_BUF_INIT;
    st_pass(st_buf_put(&out, "keep", 4));
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        st_fail_with(ST_EINVALID, pq_compress(cases[i].c, cases[i].level,
                                              (const uint8_t *)"abc", 3, &out));
        st_assert_contains(st_error_last()->message, "level");
        st_assert_eq_u64(out.len, 4);
    }
    st_buf_dispose(&out);
}

/* Decoding into one byte less or more than the real size must fail, naming the codec. */
static void expect_size_mismatch_fails(pq_codec c, const uint8_t *comp, size_t clen, size_t n)
{
    uint8_t *small = malloc(n), *big = malloc(n + 1);
    char want[32];
    int rc;
    snprintf(want, sizeof(want), "%zu", n - 1);
    rc = pq_decompress(c, comp, clen, small, n - 1);
    st_assert_msg(rc == ST_ECORRUPT, "%s into %zu of %zu bytes returned %d", cname(c), n - 1, n,
                  rc);
    st_assert_eq_i64(st_error_last()->klass, ST_ERROR_CODEC);
    st_assert_contains(st_error_last()->message, cname(c));
    st_assert_contains(st_error_last()->message, want);
    snprintf(want, sizeof(want), "%zu", n + 1);
    rc = pq_decompress(c, comp, clen, big, n + 1);
    st_assert_msg(rc == ST_ECORRUPT, "%s into %zu of %zu bytes returned %d", cname(c), n + 1, n,
                  rc);
    st_assert_eq_i64(st_error_last()->klass, ST_ERROR_CODEC);
    st_assert_contains(st_error_last()->message, cname(c));
    st_assert_contains(st_error_last()->message, want);
    free(small);
    free(big);
}

void test_parquet_compress__exact_size_enforced(void)
{
    static const uint8_t tiny[] = "hello parquet";
    uint8_t *rep = make_repetitive(MIB);
    for (size_t i = 0; i < N_WRITABLE; i++) {
        size_t clen;
        uint8_t *comp = compress_copy(writable[i], 0, tiny, sizeof(tiny) - 1, &clen);
        expect_size_mismatch_fails(writable[i], comp, clen, sizeof(tiny) - 1);
        free(comp);
        comp = compress_copy(writable[i], 0, rep, MIB, &clen);
        expect_size_mismatch_fails(writable[i], comp, clen, MIB);
        free(comp);
    }
    free(rep);
}

void test_parquet_compress__mismatch_says_which_way(void)
{
    static const pq_codec streams[] = {PQ_CODEC_GZIP, PQ_CODEC_ZSTD, PQ_CODEC_BROTLI};
    uint8_t *rep = make_repetitive(10000), *dst = malloc(10001);
    for (size_t i = 0; i < sizeof(streams) / sizeof(streams[0]); i++) {
        size_t clen;
        uint8_t *comp = compress_copy(streams[i], 0, rep, 10000, &clen);
        st_fail_with(ST_ECORRUPT, pq_decompress(streams[i], comp, clen, dst, 9999));
        st_assert_contains(st_error_last()->message, "more bytes than declared");
        st_fail_with(ST_ECORRUPT, pq_decompress(streams[i], comp, clen, dst, 10001));
        st_assert_contains(st_error_last()->message, "only 10000 bytes");
        free(comp);
    }
    free(rep);
    free(dst);
}

static size_t gzip_member(uint8_t *out, size_t cap, const char *text, int window_bits)
{
    z_stream zs;
    memset(&zs, 0, sizeof(zs));
    st_assert(deflateInit2(&zs, 6, Z_DEFLATED, window_bits, 8, Z_DEFAULT_STRATEGY) == Z_OK);
    zs.next_in = (Bytef *)text;
    zs.avail_in = (uInt)strlen(text);
    zs.next_out = out;
    zs.avail_out = (uInt)cap;
    st_assert(deflate(&zs, Z_FINISH) == Z_STREAM_END);
    deflateEnd(&zs);
    return cap - zs.avail_out;
}

void test_parquet_compress__gzip_concatenated_members(void)
{
    uint8_t buf[512], dst[64], *src;
    size_t n = 0;
    n += gzip_member(buf + n, sizeof(buf) - n, "hello ", 31);
    n += gzip_member(buf + n, sizeof(buf) - n, "", 31);
    n += gzip_member(buf + n, sizeof(buf) - n, "parquet world", 31);
    src = exact_copy(buf, n);
    st_pass(pq_decompress(PQ_CODEC_GZIP, src, n, dst, 19));
    st_assert_eq_mem(dst, "hello parquet world", 19);
    /* The second member's bytes count toward the size check too. */
    st_fail_with(ST_ECORRUPT, pq_decompress(PQ_CODEC_GZIP, src, n, dst, 18));
    st_fail_with(ST_ECORRUPT, pq_decompress(PQ_CODEC_GZIP, src, n, dst, 20));
    free(src);

    /* Anything but another member after the first is corruption, not padding. */
    n = gzip_member(buf, sizeof(buf), "hello", 31);
    buf[n++] = 0;
    buf[n++] = 0;
    src = exact_copy(buf, n);
    st_fail_with(ST_ECORRUPT, pq_decompress(PQ_CODEC_GZIP, src, n, dst, 5));
    free(src);

    /* Header auto-detection also takes a zlib stream. */
    n = gzip_member(buf, sizeof(buf), "zlib wrapped", 15);
    src = exact_copy(buf, n);
    st_pass(pq_decompress(PQ_CODEC_GZIP, src, n, dst, 12));
    st_assert_eq_mem(dst, "zlib wrapped", 12);
    free(src);
}

static void put_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

/* One Hadoop block of `src`, split into `chunks` LZ4 chunks; returns bytes written. */
static size_t hadoop_block(uint8_t *out, const uint8_t *src, size_t n, int chunks)
{
    size_t o = 4, done = 0;
    put_be32(out, (uint32_t)n);
    for (int k = 0; k < chunks; k++) {
        size_t part = k == chunks - 1 ? n - done : n / (size_t)chunks;
        int c = LZ4_compress_default((const char *)src + done, (char *)out + o + 4, (int)part,
                                     LZ4_compressBound((int)part));
        st_assert(c > 0);
        put_be32(out + o, (uint32_t)c);
        o += 4 + (size_t)c;
        done += part;
    }
    return o;
}

void test_parquet_compress__lz4_hadoop_framing(void)
{
    size_t n = 100000, half = 60000, len = 0;
    uint8_t *data = make_repetitive(n), *buf = malloc(2 * (size_t)LZ4_compressBound((int)n) + 64);
    uint8_t *dst = malloc(n), *src;

    /* Two blocks, as parquet-mr writes a page larger than its buffer. */
    len += hadoop_block(buf + len, data, half, 1);
    len += hadoop_block(buf + len, data + half, n - half, 1);
    src = exact_copy(buf, len);
    st_pass(pq_decompress(PQ_CODEC_LZ4, src, len, dst, n));
    st_assert_eq_mem(dst, data, n);
    expect_size_mismatch_fails(PQ_CODEC_LZ4, src, len, n);
    for (size_t t = 0; t < len; t++) {
        uint8_t *cut = exact_copy(src, t);
        st_fail_with(ST_ECORRUPT, pq_decompress(PQ_CODEC_LZ4, cut, t, dst, n));
        free(cut);
    }
    free(src);

    /* Several chunks inside one block. */
    len = hadoop_block(buf, data, n, 3);
    src = exact_copy(buf, len);
    st_pass(pq_decompress(PQ_CODEC_LZ4, src, len, dst, n));
    st_assert_eq_mem(dst, data, n);
    free(src);

    /* A block header that claims more than the page: not Hadoop, and nothing else fits. */
    len = hadoop_block(buf, data, n, 1);
    put_be32(buf, (uint32_t)n + 1);
    src = exact_copy(buf, len);
    st_fail_with(ST_ECORRUPT, pq_decompress(PQ_CODEC_LZ4, src, len, dst, n));
    st_assert_contains(st_error_last()->message, "LZ4");
    free(src);

    free(data);
    free(buf);
    free(dst);
}

void test_parquet_compress__lz4_empty_hadoop_pages(void)
{
    /* Hadoop writes a zero-length block with no chunk; Arrow adds an empty chunk. */
    static const uint8_t hadoop[] = {0, 0, 0, 0};
    static const uint8_t arrow[] = {0, 0, 0, 0, 0, 0, 0, 1, 0};
    uint8_t *src = exact_copy(hadoop, sizeof(hadoop));
    st_pass(pq_decompress(PQ_CODEC_LZ4, src, sizeof(hadoop), NULL, 0));
    free(src);
    src = exact_copy(arrow, sizeof(arrow));
    st_pass(pq_decompress(PQ_CODEC_LZ4, src, sizeof(arrow), NULL, 0));
    free(src);
}

void test_parquet_compress__lz4_raw_block_and_frame(void)
{
    size_t n = 50000, clen;
    uint8_t *data = make_repetitive(n), *dst = malloc(n), *comp, *src;
    size_t cap = LZ4F_compressFrameBound(n, NULL);
    uint8_t *frame = malloc(2 * cap);

    /* Older parquet-cpp: a bare block under codec 5. */
    comp = compress_copy(PQ_CODEC_LZ4_RAW, 0, data, n, &clen);
    st_pass(pq_decompress(PQ_CODEC_LZ4, comp, clen, dst, n));
    st_assert_eq_mem(dst, data, n);
    expect_size_mismatch_fails(PQ_CODEC_LZ4, comp, clen, n);
    free(comp);

    /* The frame format, two frames back to back. */
    clen = LZ4F_compressFrame(frame, cap, data, 20000, NULL);
    st_assert(!LZ4F_isError(clen));
    clen += LZ4F_compressFrame(frame + clen, cap, data + 20000, n - 20000, NULL);
    src = exact_copy(frame, clen);
    st_pass(pq_decompress(PQ_CODEC_LZ4, src, clen, dst, n));
    st_assert_eq_mem(dst, data, n);
    expect_size_mismatch_fails(PQ_CODEC_LZ4, src, clen, n);
    for (size_t t = 0; t < clen; t += 97)
        st_fail_with(ST_ECORRUPT, pq_decompress(PQ_CODEC_LZ4, src, t, dst, n));
    free(src);

    free(data);
    free(dst);
    free(frame);
}

void test_parquet_compress__zstd_frames(void)
{
    uint8_t buf[512], *src;
    uint8_t dst[16];
    size_t n = ZSTD_compress(buf, sizeof(buf), "abc", 3, 1);
    st_assert(!ZSTD_isError(n));
    n += ZSTD_compress(buf + n, sizeof(buf) - n, "defg", 4, 1);
    src = exact_copy(buf, n);
    st_pass(pq_decompress(PQ_CODEC_ZSTD, src, n, dst, 7));
    st_assert_eq_mem(dst, "abcdefg", 7);
    free(src);

    /* A frame holding nothing is valid and decodes to nothing. */
    n = ZSTD_compress(buf, sizeof(buf), "", 0, 1);
    st_assert(!ZSTD_isError(n) && n > 0);
    src = exact_copy(buf, n);
    st_pass(pq_decompress(PQ_CODEC_ZSTD, src, n, NULL, 0));
    st_fail_with(ST_ECORRUPT, pq_decompress(PQ_CODEC_ZSTD, src, n, dst, 1));
    free(src);

    /* A frame without a content size (streaming writers) is bounded by dst_len alone. */
    {
        ZSTD_CCtx *c = ZSTD_createCCtx();
        ZSTD_inBuffer in = {"streamed data", 13, 0};
        ZSTD_outBuffer out = {buf, sizeof(buf), 0};
        st_assert(ZSTD_compressStream2(c, &out, &in, ZSTD_e_end) == 0);
        ZSTD_freeCCtx(c);
        src = exact_copy(buf, out.pos);
        st_pass(pq_decompress(PQ_CODEC_ZSTD, src, out.pos, dst, 13));
        st_assert_eq_mem(dst, "streamed data", 13);
        st_fail_with(ST_ECORRUPT, pq_decompress(PQ_CODEC_ZSTD, src, out.pos, dst, 12));
        st_assert_contains(st_error_last()->message, "more bytes than declared");
        free(src);
    }
}

void test_parquet_compress__truncated_inputs_fail(void)
{
    size_t n = 6000;
    uint8_t *data = make_repetitive(n), *rnd = make_random(500, 3), *dst = malloc(n);
    memcpy(data + 2000, rnd, 500);
    for (size_t i = 0; i < N_WRITABLE; i++) {
        size_t clen;
        uint8_t *comp = compress_copy(writable[i], 0, data, n, &clen);
        /* Every proper prefix, each in an exact-size buffer. */
        for (size_t t = 0; t < clen; t++) {
            uint8_t *cut = exact_copy(comp, t);
            int rc = pq_decompress(writable[i], cut, t, dst, n);
            st_assert_msg(rc == ST_ECORRUPT, "%s cut to %zu of %zu bytes returned %d",
                          cname(writable[i]), t, clen, rc);
            free(cut);
        }
        /* Codec 5 with its fallbacks must not accept a cut raw block either. */
        if (writable[i] == PQ_CODEC_LZ4_RAW) {
            for (size_t t = 0; t < clen; t++) {
                uint8_t *cut = exact_copy(comp, t);
                st_fail_with(ST_ECORRUPT, pq_decompress(PQ_CODEC_LZ4, cut, t, dst, n));
                free(cut);
            }
        }
        free(comp);
    }
    free(data);
    free(rnd);
    free(dst);
}

void test_parquet_compress__corrupted_inputs_fail_cleanly(void)
{
    static const pq_codec all[] = {PQ_CODEC_SNAPPY, PQ_CODEC_GZIP, PQ_CODEC_LZ4_RAW,
                                   PQ_CODEC_ZSTD, PQ_CODEC_BROTLI};
    size_t n = 8000;
    uint8_t *data = make_repetitive(n), *dst = malloc(n);
    uint64_t seed = 99;
    for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
        size_t clen;
        uint8_t *comp = compress_copy(all[i], 0, data, n, &clen);
        for (int iter = 0; iter < 400; iter++) {
            uint8_t *bad = exact_copy(comp, clen);
            int flips = 1 + (int)(rng_next(&seed) % 3), rc;
            for (int f = 0; f < flips; f++)
                bad[rng_next(&seed) % clen] ^= (uint8_t)(1 + rng_next(&seed) % 255);
            /* Flipped literals may still decode to the right size; anything else is an error. */
            rc = pq_decompress(all[i], bad, clen, dst, n);
            st_assert_msg(rc == 0 || rc == ST_ECORRUPT, "%s returned %d", cname(all[i]), rc);
            rc = pq_decompress(PQ_CODEC_LZ4, bad, clen, dst, n);
            st_assert(rc == 0 || rc == ST_ECORRUPT);
            free(bad);
        }
        free(comp);
    }
    /* Noise is never a valid page of a given size. */
    for (size_t len = 1; len < 3000; len = len * 3 + 1) {
        uint8_t *noise = make_random(len, len);
        for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
            st_fail_with(ST_ECORRUPT, pq_decompress(all[i], noise, len, dst, 4096));
        st_fail_with(ST_ECORRUPT, pq_decompress(PQ_CODEC_LZ4, noise, len, dst, 4096));
        free(noise);
    }
    free(data);
    free(dst);
}

void test_parquet_compress__checksums_and_trailers_are_checked(void)
{
    size_t n = 4000, clen;
    uint8_t *data = make_repetitive(n), *dst = malloc(n), *comp, *longer;

    /* gzip's CRC-32 trailer. */
    comp = compress_copy(PQ_CODEC_GZIP, 0, data, n, &clen);
    comp[clen - 6] ^= 0x40;
    st_fail_with(ST_ECORRUPT, pq_decompress(PQ_CODEC_GZIP, comp, clen, dst, n));
    free(comp);

    /* Bytes after the end of a stream. */
    static const pq_codec enders[] = {PQ_CODEC_BROTLI, PQ_CODEC_ZSTD, PQ_CODEC_SNAPPY,
                                      PQ_CODEC_LZ4_RAW};
    for (size_t i = 0; i < sizeof(enders) / sizeof(enders[0]); i++) {
        comp = compress_copy(enders[i], 0, data, n, &clen);
        longer = malloc(clen + 1);
        memcpy(longer, comp, clen);
        longer[clen] = 0x5a;
        st_fail_with(ST_ECORRUPT, pq_decompress(enders[i], longer, clen + 1, dst, n));
        free(longer);
        free(comp);
    }
    free(data);
    free(dst);
}

void test_parquet_compress__lzo_unsupported(void)
{
    static const uint8_t some[] = {1, 2, 3, 4};
    uint8_t dst[4];
    st_buf out = ST_BUF_INIT;
    st_fail_with(ST_EUNSUPPORTED, pq_decompress(PQ_CODEC_LZO, some, 4, dst, 4));
    st_assert_contains(st_error_last()->message, "LZO");
    st_assert_eq_i64(st_error_last()->klass, ST_ERROR_CODEC);
    st_fail_with(ST_EUNSUPPORTED, pq_compress(PQ_CODEC_LZO, 0, some, 4, &out));
    st_assert_contains(st_error_last()->message, "LZO");
    st_fail_with(ST_EUNSUPPORTED, pq_compress(PQ_CODEC_LZ4, 0, some, 4, &out));
    st_assert_contains(st_error_last()->message, "LZ4_RAW");
    st_fail_with(ST_EUNSUPPORTED, pq_compress((pq_codec)42, 0, some, 4, &out));
    st_fail_with(ST_EUNSUPPORTED, pq_decompress((pq_codec)42, some, 4, dst, 4));
    st_assert_eq_u64(out.len, 0);
    st_assert_eq_u64(pq_compress_bound(PQ_CODEC_LZO, 100), 0);
    st_assert_eq_u64(pq_compress_bound(PQ_CODEC_LZ4, 100), 0);
    st_buf_dispose(&out);
}

void test_parquet_compress__empty_input_every_codec(void)
{
    static const uint8_t nothing[1] = {0};
    uint8_t dst[1];
    for (int c = PQ_CODEC_UNCOMPRESSED; c <= PQ_CODEC_LZ4_RAW; c++) {
        st_pass(pq_decompress((pq_codec)c, NULL, 0, NULL, 0));
        st_pass(pq_decompress((pq_codec)c, nothing, 0, dst, 0));
        if (c != PQ_CODEC_LZO)
            st_fail_with(ST_ECORRUPT, pq_decompress((pq_codec)c, NULL, 0, dst, 1));
    }
    st_fail_with(ST_EINVALID, pq_decompress(PQ_CODEC_ZSTD, NULL, 5, dst, 1));
    st_fail_with(ST_EINVALID, pq_decompress(PQ_CODEC_ZSTD, nothing, 1, NULL, 5));
}

void test_parquet_compress__bounds(void)
{
    for (size_t i = 0; i < N_WRITABLE; i++) {
        st_assert(pq_compress_bound(writable[i], 0) <= 64);
        st_assert(pq_compress_bound(writable[i], MIB) >= MIB);
        st_assert(pq_compress_bound(writable[i], MIB) < MIB + MIB / 4);
        st_assert(pq_compress_bound(writable[i], SIZE_MAX - 1) == SIZE_MAX ||
                  writable[i] == PQ_CODEC_UNCOMPRESSED);
    }
    st_assert_eq_u64(pq_compress_bound(PQ_CODEC_LZ4_RAW, (size_t)LZ4_MAX_INPUT_SIZE + 1),
                     SIZE_MAX);
}

void test_parquet_compress__codec_from_name(void)
{
    static const struct {
        const char *name;
        pq_codec c;
    } ok[] = {{"zstd", PQ_CODEC_ZSTD},       {"ZSTD", PQ_CODEC_ZSTD},
              {"Snappy", PQ_CODEC_SNAPPY},   {"gzip", PQ_CODEC_GZIP},
              {"LZ4_RAW", PQ_CODEC_LZ4_RAW}, {"lz4", PQ_CODEC_LZ4},
              {"brotli", PQ_CODEC_BROTLI},   {"none", PQ_CODEC_UNCOMPRESSED},
              {"Uncompressed", PQ_CODEC_UNCOMPRESSED}};
    static const char *const bad[] = {"", "lzo", "zst", "lz4raw", "zstd ", "gzip2"};
    pq_codec c;
    for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
        c = (pq_codec)99;
        st_pass(pq_codec_from_name(ok[i].name, &c));
        st_assert_eq_i64(c, ok[i].c);
    }
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        c = (pq_codec)99;
        st_fail_with(ST_EINVALID, pq_codec_from_name(bad[i], &c));
        st_assert_eq_i64(c, 99);
    }
    st_fail_with(ST_EINVALID, pq_codec_from_name(NULL, &c));
}

void test_parquet_compress__crc32(void)
{
    const uint8_t *check = (const uint8_t *)"123456789";
    st_assert_eq_u64(pq_crc32(0, check, 9), 0xCBF43926u);
    st_assert_eq_u64(pq_crc32(pq_crc32(0, check, 4), check + 4, 5), 0xCBF43926u);
    st_assert_eq_u64(pq_crc32(0xCBF43926u, NULL, 0), 0xCBF43926u);
    st_assert_eq_u64(pq_crc32(0, NULL, 0), 0);
}

/* ---- allocation failure: each attempt runs on a fresh thread so that the
 * per-thread ZSTD contexts are created (and can fail) every time ---- */

typedef struct {
    pq_codec codec;
    bool decode;
    const uint8_t *src;
    size_t src_len;
    size_t n;
    int rc;
    bool out_intact;
} oom_job;

static void *oom_attempt(void *arg)
{
    oom_job *j = arg;
    if (j->decode) {
        uint8_t *dst = malloc(j->n);
        j->rc = pq_decompress(j->codec, j->src, j->src_len, dst, j->n);
        free(dst);
    } else {
        st_buf out = ST_BUF_INIT;
        j->out_intact = st_buf_put(&out, "x", 1) == 0;
        if (j->out_intact) {
            j->rc = pq_compress(j->codec, 0, j->src, j->src_len, &out);
            j->out_intact = j->rc == 0 || (out.len == 1 && out.ptr[0] == 'x');
        } else {
            j->rc = ST_ENOMEM;
            j->out_intact = true;
        }
        st_buf_dispose(&out);
    }
    return NULL;
}

static void oom_sweep(oom_job *j)
{
    for (long i = 0;; i++) {
        pthread_t t;
        long done;
        st_assert_msg(i < 2000, "%s: allocation sweep does not end", cname(j->codec));
        st_alloc_fail_after(i);
        st_assert(pthread_create(&t, NULL, oom_attempt, j) == 0);
        pthread_join(t, NULL);
        done = st_alloc_fail_after(-1);
        st_assert_msg(j->rc == 0 || j->rc == ST_ENOMEM, "%s %s, failing allocation %ld: %d",
                      cname(j->codec), j->decode ? "decode" : "encode", i, j->rc);
        if (!j->decode)
            st_assert(j->out_intact);
        /* Succeeded with fewer allocations than the injection point: all covered. */
        if (j->rc == 0 && done < i)
            return;
    }
}

void test_parquet_compress__out_of_memory(void)
{
    size_t n = 20000;
    uint8_t *data = make_repetitive(n);
    for (size_t i = 0; i < N_WRITABLE; i++) {
        oom_job j = {writable[i], false, data, n, n, 0, true};
        size_t clen;
        uint8_t *comp;
        oom_sweep(&j);
        comp = compress_copy(writable[i], 0, data, n, &clen);
        j.decode = true;
        j.src = comp;
        j.src_len = clen;
        oom_sweep(&j);
        free(comp);
    }
    {
        size_t cap = LZ4F_compressFrameBound(n, NULL), clen;
        uint8_t *frame = malloc(cap);
        oom_job j = {PQ_CODEC_LZ4, true, frame, 0, n, 0, true};
        clen = LZ4F_compressFrame(frame, cap, data, n, NULL);
        st_assert(!LZ4F_isError(clen));
        j.src_len = clen;
        oom_sweep(&j);
        free(frame);
    }
    free(data);
}

typedef struct {
    uint64_t seed;
    int failures;
} thread_job;

static void *codec_worker(void *arg)
{
    thread_job *j = arg;
    size_t n = 30000;
    uint8_t *data = malloc(n), *dst = malloc(n);
    for (int round = 0; round < 30; round++) {
        pq_codec c = writable[(j->seed + (uint64_t)round) % N_WRITABLE];
        st_buf out = ST_BUF_INIT;
        uint64_t s = j->seed * 1000 + (uint64_t)round;
        for (size_t i = 0; i < n; i++)
            data[i] = i % 64 == 0 ? (uint8_t)rng_next(&s) : (uint8_t)(data[i - 1] + 1);
        if (pq_compress(c, 0, data, n, &out) != 0 ||
            pq_decompress(c, out.ptr, out.len, dst, n) != 0 || memcmp(dst, data, n) != 0)
            j->failures++;
        st_buf_dispose(&out);
    }
    free(data);
    free(dst);
    return NULL;
}

void test_parquet_compress__threads(void)
{
    pthread_t t[4];
    thread_job jobs[4];
    for (int i = 0; i < 4; i++) {
        jobs[i] = (thread_job){(uint64_t)i + 1, 0};
        st_assert(pthread_create(&t[i], NULL, codec_worker, &jobs[i]) == 0);
    }
    for (int i = 0; i < 4; i++) {
        pthread_join(t[i], NULL);
        st_assert_eq_i64(jobs[i].failures, 0);
    }
}
