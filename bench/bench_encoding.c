/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Micro-benchmark of the Parquet encodings' decoders (the reader's hot path):
 * bit unpacking, RLE dictionary gathers, DELTA_BINARY_PACKED, DELTA_LENGTH_BYTE_ARRAY
 * and BYTE_STREAM_SPLIT. Prints ns/value, best of several runs.
 *
 * Two shapes per decoder: "batched" decodes the whole input in batches of 4096
 * values into one reused output buffer, as the reader does (output stays in
 * cache); "one shot" decodes everything into one big array, which adds the cost of
 * writing the output to memory. FORMAT of the output: one line per case.
 * Usage: bench_encoding [scale]   (scale 1 = the documented sizes; 0.1 for a smoke run)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <supertable/sys/alloc.h>
#include "parquet/encoding.h"
#include "util/buf.h"

#define BATCH 4096
#define RUNS 7

static uint64_t rng_state = 0x853C49E6748FEA9Bull;

static uint64_t rnd(void)
{
    uint64_t x = rng_state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return rng_state = x;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static volatile uint64_t sink;

static void *xmalloc(size_t n)
{
    void *p = st_malloc(n);
    if (!p) {
        fprintf(stderr, "out of memory\n");
        exit(1);
    }
    return p;
}

static void check(int rc, const char *what)
{
    if (rc != 0) {
        fprintf(stderr, "%s failed: %d\n", what, rc);
        exit(1);
    }
}

static void report(const char *name, double best, size_t n)
{
    printf("%-44s %7.3f ns/value  %8.1f M values/s\n", name, best * 1e9 / (double)n,
           (double)n / best / 1e6);
}

static void bench_unpack(size_t n)
{
    static const unsigned widths[] = {1, 3, 8, 12, 17, 32};
    uint32_t *big = xmalloc(n * 4), *out = xmalloc(BATCH * 4), *vals = xmalloc(n * 4);
    for (size_t wi = 0; wi < sizeof(widths) / sizeof(widths[0]); wi++) {
        unsigned w = widths[wi];
        uint8_t *packed = xmalloc(pq_bitpack_bytes(n, w) + 8);
        for (size_t i = 0; i < n; i++)
            vals[i] = (uint32_t)rnd() & (w == 32 ? ~0u : (1u << w) - 1);
        pq_pack32(vals, packed, n, w);
        double best = 1e9, best_big = 1e9;
        for (int r = 0; r < RUNS; r++) {
            double t = now();
            for (size_t i = 0; i < n; i += BATCH) {
                size_t k = n - i < BATCH ? n - i : BATCH;
                pq_unpack32(packed + i / 8 * w, out, k, w);
                sink += out[k - 1];
            }
            t = now() - t;
            best = t < best ? t : best;
            t = now();
            pq_unpack32(packed, big, n, w);
            t = now() - t;
            sink += big[n - 1];
            best_big = t < best_big ? t : best_big;
        }
        if (memcmp(big, vals, n * 4) != 0) {
            fprintf(stderr, "unpack width %u: wrong values\n", w);
            exit(1);
        }
        char name[64];
        snprintf(name, sizeof(name), "unpack32 w=%-2u batched", w);
        report(name, best, n);
        snprintf(name, sizeof(name), "unpack32 w=%-2u one shot", w);
        report(name, best_big, n);
        st_free(packed);
    }
    st_free(big);
    st_free(out);
    st_free(vals);
}

/* Dictionary indices, random (all bit-packed) or with runs of ~20 (RLE runs). */
static void bench_gather(size_t n, unsigned w, int runs)
{
    size_t dict_count = ((size_t)1 << w) - 3;
    int64_t *dict = xmalloc(dict_count * 8), *out = xmalloc(BATCH * 8), *big = xmalloc(n * 8);
    uint32_t *idx = xmalloc(n * 4);
    st_buf enc = ST_BUF_INIT;
    pq_rle_encoder e;
    for (size_t i = 0; i < dict_count; i++)
        dict[i] = (int64_t)rnd();
    for (size_t i = 0; i < n;) {
        uint32_t v = (uint32_t)(rnd() % dict_count);
        size_t len = runs ? 1 + rnd() % 40 : 1;
        for (size_t j = 0; j < len && i < n; j++)
            idx[i++] = v;
    }
    check(pq_rle_encoder_init(&e, &enc, w), "encoder init");
    check(pq_rle_encoder_put(&e, idx, n), "encode");
    check(pq_rle_encoder_finish(&e), "encode finish");
    double best = 1e9, best_big = 1e9;
    for (int r = 0; r < RUNS; r++) {
        pq_rle_decoder d;
        check(pq_rle_init(&d, enc.ptr, enc.len, w), "rle init");
        double t = now();
        for (size_t i = 0; i < n; i += BATCH) {
            size_t k = n - i < BATCH ? n - i : BATCH;
            check(pq_rle_gather(&d, dict, 8, dict_count, out, k), "gather");
            sink += (uint64_t)out[k - 1];
        }
        t = now() - t;
        best = t < best ? t : best;
        check(pq_rle_init(&d, enc.ptr, enc.len, w), "rle init");
        t = now();
        check(pq_rle_gather(&d, dict, 8, dict_count, big, n), "gather");
        t = now() - t;
        best_big = t < best_big ? t : best_big;
    }
    for (size_t i = 0; i < n; i++)
        if (big[i] != dict[idx[i]]) {
            fprintf(stderr, "gather: wrong value at %zu\n", i);
            exit(1);
        }
    char name[64];
    const char *kind = runs ? "runs  " : "random";
    snprintf(name, sizeof(name), "rle gather i64 w=%-2u %s batched", w, kind);
    report(name, best, n);
    snprintf(name, sizeof(name), "rle gather i64 w=%-2u %s one shot", w, kind);
    report(name, best_big, n);
    st_free(dict);
    st_free(out);
    st_free(big);
    st_free(idx);
    st_buf_dispose(&enc);
}

/* Definition levels of an optional column: 0/1, random (worst case) or mostly 1. */
static void bench_levels(size_t n, int sparse_nulls)
{
    int16_t *lv = xmalloc(n * 2), *out = xmalloc(BATCH * 2);
    st_buf enc = ST_BUF_INIT;
    pq_rle_encoder e;
    for (size_t i = 0; i < n; i++)
        lv[i] = (int16_t)(sparse_nulls ? rnd() % 100 != 0 : rnd() & 1);
    double best = 1e9, best_enc = 1e9;
    for (int r = 0; r < RUNS; r++) {
        st_buf_clear(&enc);
        double t = now();
        check(pq_rle_encoder_init(&e, &enc, 1), "encoder init");
        check(pq_rle_encoder_put_levels(&e, lv, n), "encode levels");
        check(pq_rle_encoder_finish(&e), "encode finish");
        t = now() - t;
        best_enc = t < best_enc ? t : best_enc;
        pq_rle_decoder d;
        check(pq_rle_init(&d, enc.ptr, enc.len, 1), "rle init");
        t = now();
        for (size_t i = 0; i < n; i += BATCH) {
            size_t k = n - i < BATCH ? n - i : BATCH;
            check(pq_rle_get_levels(&d, out, k, 1), "levels");
            if (memcmp(out, lv + i, k * 2) != 0) {
                fprintf(stderr, "levels: wrong values\n");
                exit(1);
            }
        }
        t = now() - t;
        best = t < best ? t : best;
    }
    report(sparse_nulls ? "rle levels w=1 1% nulls decode (+memcmp)"
                        : "rle levels w=1 random decode (+memcmp)", best, n);
    report(sparse_nulls ? "rle levels w=1 1% nulls encode" : "rle levels w=1 random encode",
           best_enc, n);
    st_free(lv);
    st_free(out);
    st_buf_dispose(&enc);
}

static void bench_delta(size_t n)
{
    int64_t *vals = xmalloc(n * 8), *out = xmalloc(BATCH * 8), *big = xmalloc(n * 8);
    st_buf enc = ST_BUF_INIT;
    vals[0] = 1000000;
    for (size_t i = 1; i < n; i++)
        vals[i] = vals[i - 1] + (int64_t)(rnd() % 1000);
    check(pq_delta_encode_i64(&enc, vals, n), "delta encode");
    double best = 1e9, best_big = 1e9;
    for (int r = 0; r < RUNS; r++) {
        pq_delta_decoder d;
        check(pq_delta_init(&d, enc.ptr, enc.len), "delta init");
        double t = now();
        for (size_t i = 0; i < n; i += BATCH) {
            size_t k = n - i < BATCH ? n - i : BATCH;
            check(pq_delta_get_i64(&d, out, k), "delta get");
            sink += (uint64_t)out[k - 1];
        }
        t = now() - t;
        best = t < best ? t : best;
        check(pq_delta_init(&d, enc.ptr, enc.len), "delta init");
        t = now();
        check(pq_delta_get_i64(&d, big, n), "delta get");
        t = now() - t;
        best_big = t < best_big ? t : best_big;
    }
    if (memcmp(big, vals, n * 8) != 0) {
        fprintf(stderr, "delta: wrong values\n");
        exit(1);
    }
    report("delta i64 ascending (w~10) batched", best, n);
    report("delta i64 ascending (w~10) one shot", best_big, n);
    printf("%-44s %7.3f bytes/value\n", "  (encoded size)", (double)enc.len / (double)n);
    st_free(vals);
    st_free(out);
    st_free(big);
    st_buf_dispose(&enc);
}

static void bench_dlba(size_t n)
{
    int32_t *off = xmalloc((n + 1) * 4), *got = xmalloc((n + 1) * 4);
    st_buf data = ST_BUF_INIT, enc = ST_BUF_INIT, out = ST_BUF_INIT;
    char s[20];
    off[0] = 0;
    for (size_t i = 0; i < n; i++) {
        for (int j = 0; j < 20; j++)
            s[j] = (char)('a' + rnd() % 26);
        check(st_buf_put(&data, s, 20), "put");
        off[i + 1] = (int32_t)data.len;
    }
    check(pq_dlba_encode(&enc, off, data.ptr, n), "dlba encode");
    double best = 1e9, best_big = 1e9;
    for (int r = 0; r < RUNS; r++) {
        pq_dlba_decoder d;
        check(pq_dlba_init(&d, enc.ptr, enc.len, n), "dlba init");
        double t = now();
        for (size_t i = 0; i < n; i += BATCH) {
            size_t k = n - i < BATCH ? n - i : BATCH;
            st_buf_clear(&out);
            got[0] = 0;
            check(pq_dlba_get(&d, k, got, &out), "dlba get");
            sink += (uint64_t)got[k];
        }
        t = now() - t;
        best = t < best ? t : best;
        check(pq_dlba_init(&d, enc.ptr, enc.len, n), "dlba init");
        st_buf_dispose(&out);
        got[0] = 0;
        t = now();
        check(pq_dlba_get(&d, n, got, &out), "dlba get");
        t = now() - t;
        best_big = t < best_big ? t : best_big;
    }
    if (memcmp(got, off, (n + 1) * 4) != 0 || memcmp(out.ptr, data.ptr, data.len) != 0) {
        fprintf(stderr, "dlba: wrong values\n");
        exit(1);
    }
    report("dlba 20-byte strings batched", best, n);
    report("dlba 20-byte strings one shot (cold buffer)", best_big, n);
    /* the PLAIN form of the same strings, for comparison */
    st_buf plain = ST_BUF_INIT;
    check(pq_plain_binary_encode(&plain, off, data.ptr, n), "plain encode");
    best = 1e9;
    for (int r = 0; r < RUNS; r++) {
        size_t pos = 0, used;
        double t = now();
        for (size_t i = 0; i < n; i += BATCH) {
            size_t k = n - i < BATCH ? n - i : BATCH;
            st_buf_clear(&out);
            got[0] = 0;
            check(pq_plain_binary_decode(plain.ptr + pos, plain.len - pos, k, got, &out, &used),
                  "plain decode");
            pos += used;
            sink += (uint64_t)got[k];
        }
        t = now() - t;
        best = t < best ? t : best;
    }
    report("plain byte_array 20-byte strings batched", best, n);
    st_free(off);
    st_free(got);
    st_buf_dispose(&data);
    st_buf_dispose(&enc);
    st_buf_dispose(&out);
    st_buf_dispose(&plain);
}

static void bench_bss(size_t n)
{
    double *vals = xmalloc(n * 8), *out = xmalloc(BATCH * 8), *big = xmalloc(n * 8);
    st_buf enc = ST_BUF_INIT;
    for (size_t i = 0; i < n; i++)
        vals[i] = (double)(rnd() % 1000000) / 100.0;
    check(pq_bss_encode(&enc, vals, 8, n), "bss encode");
    double best = 1e9, best_big = 1e9, best_enc = 1e9;
    for (int r = 0; r < RUNS; r++) {
        double t = now();
        for (size_t i = 0; i < n; i += BATCH) {
            size_t k = n - i < BATCH ? n - i : BATCH;
            check(pq_bss_decode(enc.ptr, enc.len, 8, i, k, out), "bss decode");
            sink += (uint64_t)out[k - 1];
        }
        t = now() - t;
        best = t < best ? t : best;
        t = now();
        check(pq_bss_decode(enc.ptr, enc.len, 8, 0, n, big), "bss decode");
        t = now() - t;
        best_big = t < best_big ? t : best_big;
        st_buf_clear(&enc);
        t = now();
        check(pq_bss_encode(&enc, vals, 8, n), "bss encode");
        t = now() - t;
        best_enc = t < best_enc ? t : best_enc;
    }
    if (memcmp(big, vals, n * 8) != 0) {
        fprintf(stderr, "bss: wrong values\n");
        exit(1);
    }
    report("bss double batched", best, n);
    report("bss double one shot", best_big, n);
    report("bss double encode", best_enc, n);
    st_free(vals);
    st_free(out);
    st_free(big);
    st_buf_dispose(&enc);
}

int main(int argc, char **argv)
{
    double scale = argc > 1 ? atof(argv[1]) : 1.0;
    size_t n = (size_t)(10000000 * scale);
    if (n < BATCH)
        n = BATCH;
    bench_unpack(n);
    bench_gather(n, 5, 0);
    bench_gather(n, 12, 0);
    bench_gather(n, 5, 1);
    bench_levels(n, 0);
    bench_levels(n, 1);
    bench_delta(n);
    bench_dlba(n / 10);
    bench_bss(n);
    return (int)(sink & 0);
}
