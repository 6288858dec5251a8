/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Deletion vectors: every blob and portable bitmap of Java's spec samples with
 * exact positions, hand-made corrupt blobs (each rejection named), random sets
 * through a test serializer (array, bitmap and run containers, with and
 * without the offset header), reading at an offset of a file, and Puffin files
 * (Java's samples, plain and zstd, and one holding a DV).
 */
#include "st_test.h"

#include <supertable/errors.h>
#include <supertable/sys/alloc.h>

#include "parquet/compress.h"
#include "scan/deletes_int.h"
#include "scan/puffin.h"
#include "util/buf.h"

#define DV_DIR "iceberg-fixtures/java-core-spec-samples/deletion-vectors/"
#define PUFFIN_DIR "iceberg-fixtures/java-core-spec-samples/puffin/"

static st_posset *decode_file(const char *name, int framed)
{
    size_t len;
    uint8_t *b = st_test_read_file(st_test_resource(name), &len);
    st_posset *s = NULL;
    if (framed)
        st_pass(st_dv_decode(&s, b, len, name));
    else
        st_pass(st_dv_decode_portable(&s, b, len, name));
    free(b);
    return s;
}

static void expect_positions(const st_posset *s, const int64_t *pos, int n)
{
    st_assert_eq_i64(st_posset_count(s), n);
    for (int i = 0; i < n; i++) {
        st_assert_msg(st_posset_contains(s, pos[i]), "missing %lld", (long long)pos[i]);
        if (i == 0 || pos[i - 1] != pos[i] - 1)
            st_assert_msg(pos[i] == 0 || !st_posset_contains(s, pos[i] - 1), "extra %lld",
                          (long long)(pos[i] - 1));
        if (i == n - 1 || pos[i + 1] != pos[i] + 1)
            st_assert_msg(!st_posset_contains(s, pos[i] + 1), "extra %lld",
                          (long long)(pos[i] + 1));
    }
}

void test_scan_dv__empty(void)
{
    st_posset *s = decode_file(DV_DIR "empty-position-index.bin", 1);
    st_assert_eq_i64(st_posset_count(s), 0);
    st_assert(!st_posset_contains(s, 0));
    st_posset_free(s);
}

void test_scan_dv__small_alternating(void)
{
    st_posset *s = decode_file(DV_DIR "small-alternating-values-position-index.bin", 1);
    uint8_t keep[12];
    expect_positions(s, (int64_t[]){1, 3, 5, 7, 9}, 5);
    memset(keep, 1, sizeof(keep));
    st_posset_clear(s, 0, 12, keep);
    st_assert_eq_mem(keep, ((uint8_t[]){1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 1}), 12);
    st_posset_free(s);
}

void test_scan_dv__small_and_large(void)
{
    st_posset *s = decode_file(DV_DIR "small-and-large-values-position-index.bin", 1);
    expect_positions(s, (int64_t[]){100, 101, 2147483747LL, 2147483748LL}, 4);
    st_posset_free(s);
}

void test_scan_dv__all_container_types(void)
{
    st_posset *s = decode_file(DV_DIR "all-container-types-position-index.bin", 1);
    const int64_t k1 = (int64_t)1 << 32;
    int64_t count = 0;
    uint8_t *keep;
    /* (bitmap << 32) | (container << 16) | value; ranges half-open */
    struct { int64_t first, end; } parts[] = {
        {5, 6}, {7, 8}, {65536 + 1, 65536 + 1000}, {2 * 65536 + 1, 2 * 65536 + 65535},
        {k1 + 10, k1 + 11}, {k1 + 20, k1 + 21}, {k1 + 65536 + 10, k1 + 65536 + 500},
        {k1 + 2 * 65536 + 1, k1 + 2 * 65536 + 65535},
    };
    for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
        count += parts[i].end - parts[i].first;
        st_assert_msg(st_posset_contains(s, parts[i].first), "first of part %zu", i);
        st_assert_msg(st_posset_contains(s, parts[i].end - 1), "last of part %zu", i);
        st_assert_msg(!st_posset_contains(s, parts[i].first - 1), "before part %zu", i);
        st_assert_msg(!st_posset_contains(s, parts[i].end), "after part %zu", i);
    }
    st_assert_eq_i64(count, 132561);
    st_assert_eq_i64(st_posset_count(s), count);
    /* clear over the first bitmap's three containers */
    keep = malloc(3 * 65536);
    memset(keep, 1, 3 * 65536);
    st_posset_clear(s, 0, 3 * 65536, keep);
    for (int64_t i = 0; i < 3 * 65536; i++) {
        int del = i == 5 || i == 7 || (i >= 65537 && i < 66536) ||
                  (i >= 2 * 65536 + 1 && i < 3 * 65536 - 1);
        if (keep[i] != !del)
            st_assert_msg(0, "position %lld keep %d", (long long)i, keep[i]);
    }
    free(keep);
    st_posset_free(s);
}

void test_scan_dv__portable_samples(void)
{
    st_posset *s;
    size_t len;
    uint8_t *b;
    s = decode_file(DV_DIR "64mapempty.bin", 0);
    st_assert_eq_i64(st_posset_count(s), 0);
    st_posset_free(s);

    s = decode_file(DV_DIR "64map32bitvals.bin", 0);
    expect_positions(s, (int64_t[]){0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, 10);
    st_posset_free(s);

    s = decode_file(DV_DIR "64mapspreadvals.bin", 0);
    st_assert_eq_i64(st_posset_count(s), 100);
    for (int64_t k = 0; k < 10; k++) {
        for (int64_t v = 0; v < 10; v++)
            st_assert(st_posset_contains(s, k << 32 | v));
        st_assert(!st_posset_contains(s, k << 32 | 10));
        st_assert(!st_posset_contains(s, (k << 32) - 1) || k == 0);
    }
    st_assert(!st_posset_contains(s, (int64_t)10 << 32));
    st_posset_free(s);

    b = st_test_read_file(st_test_resource(DV_DIR "64maphighvals.bin"), &len);
    st_fail_with(ST_ECORRUPT, st_dv_decode_portable(&s, b, len, "64maphighvals.bin"));
    st_assert_contains(st_error_last()->message, "64maphighvals.bin");
    st_assert_contains(st_error_last()->message, "2^63");
    st_assert(s == NULL);
    free(b);
}

/* ------------------------------------------------------------ building blobs */

static void put16(st_buf *b, uint32_t v)
{
    uint8_t x[2] = {(uint8_t)v, (uint8_t)(v >> 8)};
    st_pass(st_buf_put(b, x, 2));
}

static void put32(st_buf *b, uint32_t v)
{
    uint8_t x[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
    st_pass(st_buf_put(b, x, 4));
}

static void put64(st_buf *b, uint64_t v)
{
    put32(b, (uint32_t)v);
    put32(b, (uint32_t)(v >> 32));
}

static void put_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

/* Frames a portable vector as a deletion-vector blob (the caller frees it). */
static uint8_t *frame(const st_buf *vec, size_t *len)
{
    uint8_t *b = malloc(vec->len + 12);
    put_be32(b, (uint32_t)vec->len + 4);
    b[4] = 0xD1;
    b[5] = 0xD3;
    b[6] = 0x39;
    b[7] = 0x64;
    memcpy(b + 8, vec->ptr, vec->len);
    put_be32(b + 8 + vec->len, pq_crc32(0, b + 4, vec->len + 4));
    *len = vec->len + 12;
    return b;
}

static int decode_vec(st_buf *vec, st_posset **s)
{
    size_t len;
    uint8_t *b = frame(vec, &len);
    int rc = st_dv_decode(s, b, len, "test.bin");
    free(b);
    return rc;
}

static void expect_corrupt(st_buf *vec, const char *what)
{
    st_posset *s = (st_posset *)1;
    st_fail_with(ST_ECORRUPT, decode_vec(vec, &s));
    st_assert(s == NULL);
    st_assert_contains(st_error_last()->message, "test.bin");
    st_assert_contains(st_error_last()->message, what);
    st_buf_dispose(vec);
}

/* One 32-bit bitmap with a no-run cookie and a single array container. */
static void array_bitmap(st_buf *b, uint32_t key32, uint32_t key16, const uint16_t *v, int n,
                         int declared)
{
    put32(b, key32);
    put32(b, 12346);
    put32(b, 1);
    put16(b, key16);
    put16(b, (uint32_t)declared - 1);
    put32(b, 0);                            /* offset (not checked) */
    for (int i = 0; i < n; i++)
        put16(b, v[i]);
}

void test_scan_dv__corrupt_framing(void)
{
    size_t len;
    uint8_t *good = st_test_read_file(st_test_resource(DV_DIR
                                      "small-alternating-values-position-index.bin"), &len);
    uint8_t *b = malloc(len + 1);
    st_posset *s;

    st_fail_with(ST_ECORRUPT, st_dv_decode(&s, good, 19, "short.bin"));
    st_assert_contains(st_error_last()->message, "short.bin");
    st_assert_contains(st_error_last()->message, "too short");
    st_fail_with(ST_ECORRUPT, st_dv_decode(&s, good, len - 1, "cut.bin"));
    st_assert_contains(st_error_last()->message, "length field");
    memcpy(b, good, len);
    b[len] = 0;
    st_fail_with(ST_ECORRUPT, st_dv_decode(&s, b, len + 1, "long.bin"));
    st_assert_contains(st_error_last()->message, "length field");

    memcpy(b, good, len);
    b[3]++;
    st_fail_with(ST_ECORRUPT, st_dv_decode(&s, b, len, "len.bin"));
    st_assert_contains(st_error_last()->message, "len.bin");

    memcpy(b, good, len);
    b[5] = 0;
    st_fail_with(ST_ECORRUPT, st_dv_decode(&s, b, len, "magic.bin"));
    st_assert_contains(st_error_last()->message, "magic");

    memcpy(b, good, len);
    b[len - 1] ^= 1;
    st_fail_with(ST_ECORRUPT, st_dv_decode(&s, b, len, "crc.bin"));
    st_assert_contains(st_error_last()->message, "CRC");

    memcpy(b, good, len);
    b[30] ^= 0x40;                          /* a value byte: the CRC catches it */
    st_fail_with(ST_ECORRUPT, st_dv_decode(&s, b, len, "flip.bin"));
    st_assert_contains(st_error_last()->message, "CRC");
    free(b);
    free(good);
}

void test_scan_dv__corrupt_structure(void)
{
    st_buf v = ST_BUF_INIT;
    uint16_t vals[4] = {1, 2, 3, 4}, unsorted[3] = {5, 9, 7};

    /* a sane vector decodes (the helpers are right) */
    put64(&v, 2);
    array_bitmap(&v, 0, 0, vals, 4, 4);
    array_bitmap(&v, 1, 3, vals, 4, 4);
    {
        st_posset *s;
        st_pass(decode_vec(&v, &s));
        expect_positions(s, (int64_t[]){1, 2, 3, 4, ((int64_t)1 << 32) + 3 * 65536 + 1,
                                        ((int64_t)1 << 32) + 3 * 65536 + 2,
                                        ((int64_t)1 << 32) + 3 * 65536 + 3,
                                        ((int64_t)1 << 32) + 3 * 65536 + 4}, 8);
        st_posset_free(s);
        st_buf_dispose(&v);
    }

    put64(&v, 1);
    put32(&v, 0);
    put32(&v, 12345);
    put32(&v, 0);
    expect_corrupt(&v, "cookie");

    put64(&v, 2);
    array_bitmap(&v, 1, 0, vals, 4, 4);
    array_bitmap(&v, 0, 0, vals, 4, 4);
    expect_corrupt(&v, "out of order");

    put64(&v, 2);
    array_bitmap(&v, 1, 0, vals, 4, 4);
    array_bitmap(&v, 1, 0, vals, 4, 4);
    expect_corrupt(&v, "out of order");

    put64(&v, 1);
    array_bitmap(&v, 0x80000000u, 0, vals, 4, 4);
    expect_corrupt(&v, "2^63");

    put64(&v, 1);
    array_bitmap(&v, 0, 0, vals, 4, 10);     /* declares 10 values, holds 4 */
    expect_corrupt(&v, "array container");

    put64(&v, 1);
    array_bitmap(&v, 0, 0, unsorted, 3, 3);
    expect_corrupt(&v, "values out of order");

    put64(&v, 5);                            /* 5 bitmaps cannot fit */
    array_bitmap(&v, 0, 0, vals, 4, 4);
    expect_corrupt(&v, "cannot fit");

    put64(&v, 1);
    array_bitmap(&v, 0, 0, vals, 4, 4);
    put16(&v, 0);
    expect_corrupt(&v, "after the bitmap");

    /* two containers out of order */
    put64(&v, 1);
    put32(&v, 0);
    put32(&v, 12346);
    put32(&v, 2);
    put16(&v, 5);
    put16(&v, 0);
    put16(&v, 4);
    put16(&v, 0);
    put32(&v, 0);
    put32(&v, 0);
    put16(&v, 1);
    put16(&v, 1);
    expect_corrupt(&v, "container keys out of order");

    /* too many containers */
    put64(&v, 1);
    put32(&v, 0);
    put32(&v, 12346);
    put32(&v, 65537);
    expect_corrupt(&v, "containers");

    /* run containers: cookie 12347 with 1 container, flag set */
#define RUN_BITMAP(v, nruns, card)                                                          \
    do {                                                                                    \
        put64(v, 1);                                                                        \
        put32(v, 0);                                                                        \
        put32(v, 12347);                      /* 1 container (0 + 1) */                     \
        st_pass(st_buf_putc(v, 1));           /* it is a run container */                   \
        put16(v, 0);                                                                        \
        put16(v, (card) - 1);                                                               \
        put16(v, nruns);                                                                    \
    } while (0)
    RUN_BITMAP(&v, 1, 10);
    put16(&v, 65530);
    put16(&v, 9);                           /* 65530 .. 65539 */
    expect_corrupt(&v, "passes the container end");

    RUN_BITMAP(&v, 2, 20);
    put16(&v, 10);
    put16(&v, 9);
    put16(&v, 15);                          /* overlaps 10..19 */
    put16(&v, 9);
    expect_corrupt(&v, "runs out of order");

    RUN_BITMAP(&v, 1, 11);
    put16(&v, 10);
    put16(&v, 9);                           /* 10 values, header says 11 */
    expect_corrupt(&v, "header says");

    RUN_BITMAP(&v, 0, 1);
    expect_corrupt(&v, "without runs");

    RUN_BITMAP(&v, 3, 3);
    put16(&v, 1);
    put16(&v, 0);                           /* runs cut short */
    expect_corrupt(&v, "runs at byte");

    /* a bitmap container whose bits disagree with its cardinality */
    put64(&v, 1);
    put32(&v, 0);
    put32(&v, 12346);
    put32(&v, 1);
    put16(&v, 0);
    put16(&v, 5000 - 1);
    put32(&v, 0);
    for (int i = 0; i < 1024; i++)
        put64(&v, i < 78 ? ~0ULL : 0);      /* 4992 bits */
    expect_corrupt(&v, "4992 bits set");

    put64(&v, 1);
    put32(&v, 0);
    put32(&v, 12346);
    put32(&v, 1);
    put16(&v, 0);
    put16(&v, 5000 - 1);
    put32(&v, 0);
    put64(&v, 0);                            /* bitmap cut short */
    expect_corrupt(&v, "bitmap container");
#undef RUN_BITMAP
}

/* ------------------------------------------------------------ round trips */

static uint64_t rng(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

/*
 * Serializes sorted unique positions the way a Roaring writer would: runs
 * where a container is one contiguous range (when `runs`), arrays up to 4096,
 * bitmaps beyond.
 */
static void serialize(st_buf *out, const int64_t *pos, size_t n, int runs)
{
    size_t i = 0, nb = 0;
    st_buf body = ST_BUF_INIT;
    while (i < n) {
        uint32_t key32 = (uint32_t)(pos[i] >> 32);
        size_t j = i, nc = 0;
        st_buf hdr = ST_BUF_INIT, data = ST_BUF_INIT;
        uint8_t flags[8192] = {0};
        while (j < n && (uint32_t)(pos[j] >> 32) == key32) {
            uint32_t key16 = (uint32_t)(pos[j] >> 16) & 0xFFFF;
            size_t k = j;
            while (k < n && (pos[k] >> 16) == (pos[j] >> 16))
                k++;
            uint32_t card = (uint32_t)(k - j);
            int contiguous = pos[k - 1] - pos[j] == (int64_t)card - 1;
            put16(&hdr, key16);
            put16(&hdr, card - 1);
            if (runs && contiguous) {
                flags[nc / 8] |= (uint8_t)(1 << (nc % 8));
                put16(&data, 1);
                put16(&data, (uint32_t)(pos[j] & 0xFFFF));
                put16(&data, card - 1);
            } else if (card <= 4096) {
                for (size_t m = j; m < k; m++)
                    put16(&data, (uint32_t)(pos[m] & 0xFFFF));
            } else {
                uint64_t w[1024] = {0};
                for (size_t m = j; m < k; m++)
                    w[(pos[m] & 0xFFFF) >> 6] |= 1ULL << (pos[m] & 63);
                for (int q = 0; q < 1024; q++)
                    put64(&data, w[q]);
            }
            nc++;
            j = k;
        }
        put32(&body, key32);
        if (runs) {
            put32(&body, 12347 | (uint32_t)(nc - 1) << 16);
            st_pass(st_buf_put(&body, flags, (nc + 7) / 8));
        } else {
            put32(&body, 12346);
            put32(&body, (uint32_t)nc);
        }
        st_pass(st_buf_put(&body, hdr.ptr, hdr.len));
        if (!runs || nc >= 4)
            for (size_t c = 0; c < nc; c++)
                put32(&body, 0);               /* offsets: the reader does not need them */
        st_pass(st_buf_put(&body, data.ptr, data.len));
        st_buf_dispose(&hdr);
        st_buf_dispose(&data);
        nb++;
        i = j;
    }
    put64(out, nb);
    st_pass(st_buf_put(out, body.ptr, body.len));
    st_buf_dispose(&body);
}

static int cmp64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

void test_scan_dv__random_roundtrip(void)
{
    uint64_t seed = 12345;
    for (int round = 0; round < 12; round++) {
        size_t cap = 300000, n = 0, u = 0;
        int64_t *pos = malloc(cap * sizeof(int64_t));
        st_buf v = ST_BUF_INIT;
        st_posset *s;
        int kinds = round % 4;
        /* sparse values over several 32-bit keys, dense chunks, full ranges */
        for (int c = 0; c < 40; c++) {
            int64_t base = (int64_t)(rng(&seed) % 3) << 32 | (int64_t)(rng(&seed) % 64) << 16;
            int mode = (int)(rng(&seed) % 3);
            if (kinds == 1)
                mode = 0;
            if (mode == 0)
                for (int k = 0; k < 50; k++)
                    pos[n++] = base + (int64_t)(rng(&seed) % 65536);
            else if (mode == 1)
                for (int k = 0; k < 6000; k++)
                    pos[n++] = base + (int64_t)(rng(&seed) % 65536);
            else {
                int64_t a = (int64_t)(rng(&seed) % 65536), len = (int64_t)(rng(&seed) % 3000) + 1;
                if (round % 3 == 0)
                    a = 0, len = 65536;
                for (int64_t k = a; k < a + len && k < 65536; k++)
                    pos[n++] = base + k;
            }
            if (n > cap - 70000)
                break;
        }
        qsort(pos, n, sizeof(int64_t), cmp64);
        for (size_t i = 0; i < n; i++)
            if (i == 0 || pos[i] != pos[i - 1])
                pos[u++] = pos[i];
        serialize(&v, pos, u, round % 2);
        st_pass(decode_vec(&v, &s));
        st_assert_eq_i64(st_posset_count(s), (int64_t)u);
        for (size_t i = 0; i < u; i++) {
            st_assert(st_posset_contains(s, pos[i]));
            if (i + 1 == u || pos[i + 1] != pos[i] + 1)
                st_assert(!st_posset_contains(s, pos[i] + 1));
        }
        st_buf_dispose(&v);
        st_posset_free(s);
        free(pos);
    }
}

void test_scan_dv__alloc_failures(void)
{
    size_t len;
    uint8_t *b = st_test_read_file(st_test_resource(DV_DIR
                                   "all-container-types-position-index.bin"), &len);
    long n;
    for (n = 0;; n++) {
        st_posset *s = NULL;
        long done;
        int rc;
        st_assert_msg(n < 10000, "the allocation sweep does not end");
        st_alloc_fail_after(n);
        rc = st_dv_decode(&s, b, len, "x");
        done = st_alloc_fail_after(-1);
        if (rc == 0) {
            st_assert_eq_i64(st_posset_count(s), 132561);
            st_posset_free(s);
            if (done <= n)
                break;
            continue;
        }
        st_assert_msg(rc == ST_ENOMEM, "failing allocation %ld gave %d", n, rc);
        st_assert(s == NULL);
    }
    st_assert(n > 3);
    free(b);
}

/* ------------------------------------------------------------ files */

static void write_file(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    st_assert(f != NULL);
    st_assert(fwrite(data, 1, len, f) == len);
    fclose(f);
}

void test_scan_dv__read_at_offset(void)
{
    size_t len;
    uint8_t *blob = st_test_read_file(st_test_resource(DV_DIR
                                      "small-and-large-values-position-index.bin"), &len);
    uint8_t *file = calloc(len + 100, 1);
    const char *path = st_test_path("dv.puffin");
    st_posset *s;
    memcpy(file + 37, blob, len);
    write_file(path, file, len + 100);
    st_pass(st_dv_read(&s, path, 37, (int64_t)len));
    expect_positions(s, (int64_t[]){100, 101, 2147483747LL, 2147483748LL}, 4);
    st_posset_free(s);

    st_fail_with(ST_ECORRUPT, st_dv_read(&s, path, 36, (int64_t)len));   /* misplaced */
    st_assert_contains(st_error_last()->message, "dv.puffin@36");
    st_fail_with(ST_ECORRUPT, st_dv_read(&s, path, (int64_t)len + 90, (int64_t)len));
    st_assert_contains(st_error_last()->message, "pass the end");
    st_fail_with(ST_ECORRUPT, st_dv_read(&s, path, -1, 10));
    st_fail_with(ST_ENOTFOUND, st_dv_read(&s, st_test_path("missing.puffin"), 0, 10));
    free(file);
    free(blob);
}

void test_scan_dv__puffin_samples(void)
{
    st_puffin *p;
    uint8_t *plain[2], *z;
    size_t plain_len[2], zlen;

    st_pass(st_puffin_open(&p, st_test_resource(PUFFIN_DIR "empty-puffin-uncompressed.bin")));
    st_assert_eq_i64(p->n_blobs, 0);
    st_assert(st_puffin_property(p, NULL, "created-by") == NULL);
    st_fail_with(ST_EINVALID, st_puffin_read_blob(p, 0, &z, &zlen));
    st_puffin_free(p);

    st_pass(st_puffin_open(&p, st_test_resource(PUFFIN_DIR
                                                "sample-metric-data-uncompressed.bin")));
    st_assert_eq_i64(p->n_blobs, 2);
    st_assert_eq_str(p->blobs[0].type, "some-blob");
    st_assert_eq_i64(p->blobs[0].n_fields, 1);
    st_assert_eq_i64(p->blobs[0].fields[0], 1);
    st_assert_eq_i64(p->blobs[0].snapshot_id, 2);
    st_assert_eq_i64(p->blobs[0].sequence_number, 1);
    st_assert_eq_i64(p->blobs[0].offset, 4);
    st_assert_eq_i64(p->blobs[0].length, 9);
    st_assert(p->blobs[0].codec == NULL);
    st_assert_eq_str(p->blobs[1].type, "some-other-blob");
    st_assert_eq_i64(p->blobs[1].fields[0], 2);
    st_assert_eq_i64(p->blobs[1].offset, 13);
    st_assert_eq_i64(p->blobs[1].length, 83);
    st_assert_eq_str(st_puffin_property(p, NULL, "created-by"), "Test 1234");
    for (int i = 0; i < 2; i++)
        st_pass(st_puffin_read_blob(p, i, &plain[i], &plain_len[i]));
    st_assert_eq_i64(plain_len[0], 9);
    st_assert_eq_mem(plain[0], "abcdefghi", 9);
    st_assert_eq_i64(plain_len[1], 83);
    st_assert_eq_mem(plain[1], "some blob \0 binary data", 23);
    st_puffin_free(p);

    st_pass(st_puffin_open(&p, st_test_resource(PUFFIN_DIR
                                                "sample-metric-data-compressed-zstd.bin")));
    st_assert_eq_i64(p->n_blobs, 2);
    st_assert_eq_str(p->blobs[0].codec, "zstd");
    st_assert_eq_i64(p->blobs[0].length, 22);
    st_assert_eq_i64(p->blobs[1].offset, 26);
    for (int i = 0; i < 2; i++) {
        st_pass(st_puffin_read_blob(p, i, &z, &zlen));
        st_assert_eq_i64(zlen, plain_len[i]);
        st_assert_eq_mem(z, plain[i], zlen);
        st_free(z);
        st_free(plain[i]);
    }
    st_puffin_free(p);
}

void test_scan_dv__puffin_with_dv(void)
{
    size_t len;
    uint8_t *blob = st_test_read_file(st_test_resource(DV_DIR
                                      "all-container-types-position-index.bin"), &len);
    st_buf f = ST_BUF_INIT;
    const char *path = st_test_path("dv.puffin");
    char json[512];
    uint8_t tail[12] = {0};
    st_puffin *p;
    st_posset *s;
    int n = snprintf(json, sizeof(json),
                     "{\"blobs\":[{\"type\":\"deletion-vector-v1\",\"fields\":[2147483645],"
                     "\"snapshot-id\":-1,\"sequence-number\":-1,\"offset\":4,\"length\":%zu,"
                     "\"properties\":{\"referenced-data-file\":\"s3://b/data/f.parquet\","
                     "\"cardinality\":\"132561\"}}],\"properties\":{\"created-by\":\"t\"}}",
                     len);
    st_pass(st_buf_put(&f, "PFA1", 4));
    st_pass(st_buf_put(&f, blob, len));
    st_pass(st_buf_put(&f, "PFA1", 4));
    st_pass(st_buf_put(&f, json, (size_t)n));
    tail[0] = (uint8_t)n;
    tail[1] = (uint8_t)(n >> 8);
    memcpy(tail + 8, "PFA1", 4);
    st_pass(st_buf_put(&f, tail, 12));
    write_file(path, f.ptr, f.len);

    st_pass(st_puffin_open(&p, path));
    st_assert_eq_i64(p->n_blobs, 1);
    st_assert_eq_str(p->blobs[0].type, "deletion-vector-v1");
    st_assert_eq_i64(p->blobs[0].fields[0], 2147483645);
    st_assert_eq_str(st_puffin_property(p, &p->blobs[0], "referenced-data-file"),
                     "s3://b/data/f.parquet");
    st_pass(st_dv_read(&s, path, p->blobs[0].offset, p->blobs[0].length));
    st_assert_eq_i64(st_posset_count(s), 132561);
    st_posset_free(s);
    st_puffin_free(p);

    /* damaged variants */
    f.ptr[f.len - 1] = 'X';
    write_file(path, f.ptr, f.len);
    st_fail_with(ST_ECORRUPT, st_puffin_open(&p, path));
    st_assert_contains(st_error_last()->message, "magic");
    f.ptr[f.len - 1] = '1';
    f.ptr[f.len - 8] = 1;                   /* compressed footer */
    write_file(path, f.ptr, f.len);
    st_fail_with(ST_EUNSUPPORTED, st_puffin_open(&p, path));
    f.ptr[f.len - 8] = 0;
    f.ptr[f.len - 12] = (uint8_t)(n + 1);   /* payload size off by one */
    write_file(path, f.ptr, f.len);
    st_fail_with(ST_ECORRUPT, st_puffin_open(&p, path));
    write_file(path, "PFA1", 4);
    st_fail_with(ST_ECORRUPT, st_puffin_open(&p, path));
    st_assert_contains(st_error_last()->message, "too short");
    st_buf_dispose(&f);
    free(blob);
}

void test_scan_dv__puffin_bad_footers(void)
{
    static const char *bad[] = {
        "[1,2]",
        "{\"blobs\":{}}",
        "{\"blobs\":[{\"type\":1,\"fields\":[],\"snapshot-id\":1,\"sequence-number\":1,"
        "\"offset\":4,\"length\":0}]}",
        "{\"blobs\":[{\"type\":\"t\",\"fields\":[\"x\"],\"snapshot-id\":1,"
        "\"sequence-number\":1,\"offset\":4,\"length\":0}]}",
        "{\"blobs\":[{\"type\":\"t\",\"fields\":[],\"snapshot-id\":1,"
        "\"sequence-number\":1,\"offset\":4}]}",
        "{\"blobs\":[{\"type\":\"t\",\"fields\":[],\"snapshot-id\":1,"
        "\"sequence-number\":1,\"offset\":4,\"length\":1000}]}",
        "{\"blobs\":[],\"properties\":{\"a\":1}}",
        "{\"blobs\":[",
    };
    const char *path = st_test_path("bad.puffin");
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        st_buf f = ST_BUF_INIT;
        uint8_t tail[12] = {0};
        size_t n = strlen(bad[i]);
        st_puffin *p;
        FILE *fp;
        st_pass(st_buf_put(&f, "PFA1PFA1", 8));
        st_pass(st_buf_put(&f, bad[i], n));
        tail[0] = (uint8_t)n;
        memcpy(tail + 8, "PFA1", 4);
        st_pass(st_buf_put(&f, tail, 12));
        fp = fopen(path, "wb");
        fwrite(f.ptr, 1, f.len, fp);
        fclose(fp);
        st_fail_with(ST_ECORRUPT, st_puffin_open(&p, path));
        st_assert_contains(st_error_last()->message, "bad.puffin");
        st_buf_dispose(&f);
    }
}
