/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Position sets: adds in any order, ranges across chunk boundaries, unions,
 * the chosen chunk forms, clearing keep masks, positions near 2^63, large
 * random sets against a byte-per-position reference, and allocation failures.
 */
#include "st_test.h"

#include <supertable/errors.h>
#include <supertable/sys/alloc.h>

#include "scan/deletes_int.h"

static uint64_t rng(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

/* Checks s against ref[0..n) by membership, count and clear over windows. */
static void check_against(const st_posset *s, const uint8_t *ref, int64_t n, uint64_t seed)
{
    int64_t count = 0;
    uint8_t *keep = malloc((size_t)n);
    for (int64_t i = 0; i < n; i++) {
        count += ref[i];
        if (st_posset_contains(s, i) != ref[i])
            st_assert_msg(0, "position %lld: contains %d, expected %d", (long long)i,
                          st_posset_contains(s, i), ref[i]);
    }
    st_assert_eq_i64(st_posset_count(s), count);
    /* whole range */
    memset(keep, 1, (size_t)n);
    st_posset_clear(s, 0, n, keep);
    for (int64_t i = 0; i < n; i++)
        if (keep[i] != !ref[i])
            st_assert_msg(0, "clear: position %lld keep %d", (long long)i, keep[i]);
    /* random windows */
    for (int w = 0; w < 200; w++) {
        int64_t first = (int64_t)(rng(&seed) % (uint64_t)n);
        int64_t len = (int64_t)(rng(&seed) % (uint64_t)(n - first)) + 1;
        if (w % 3 == 0 && len > 200000)
            len = (int64_t)(rng(&seed) % 200000) + 1;
        memset(keep, 1, (size_t)len);
        st_posset_clear(s, first, len, keep);
        for (int64_t i = 0; i < len; i++)
            if (keep[i] != !ref[first + i])
                st_assert_msg(0, "window %lld+%lld: position %lld keep %d", (long long)first,
                              (long long)len, (long long)(first + i), keep[i]);
    }
    free(keep);
}

void test_scan_posset__basic(void)
{
    st_posset *s;
    uint8_t keep[10];
    st_pass(st_posset_new(&s));
    st_assert_eq_i64(st_posset_count(s), 0);
    st_pass(st_posset_add(s, 7));
    st_pass(st_posset_add(s, 3));
    st_pass(st_posset_add(s, 7));
    st_pass(st_posset_add(s, 0));
    st_fail_with(ST_EINVALID, st_posset_add(s, -1));
    st_fail_with(ST_EINVALID, st_posset_add_range(s, -5, 2));
    st_fail_with(ST_EINVALID, st_posset_add_range(s, 5, 2));
    st_pass(st_posset_add_range(s, 4, 4));      /* empty */
    st_assert_eq_i64(st_posset_count(s), 3);    /* exact before sealing too */
    st_pass(st_posset_seal(s));
    st_pass(st_posset_seal(s));                  /* idempotent */
    st_assert_eq_i64(st_posset_count(s), 3);
    st_assert(st_posset_contains(s, 0) && st_posset_contains(s, 3) && st_posset_contains(s, 7));
    st_assert(!st_posset_contains(s, 1) && !st_posset_contains(s, 4) &&
              !st_posset_contains(s, 8) && !st_posset_contains(s, -1) &&
              !st_posset_contains(s, 65536 + 7));
    memset(keep, 1, sizeof(keep));
    keep[5] = 0;                                 /* zeros stay zeros */
    st_posset_clear(s, 0, 10, keep);
    st_assert_eq_mem(keep, ((uint8_t[]){0, 1, 1, 0, 1, 0, 1, 0, 1, 1}), 10);
    memset(keep, 1, sizeof(keep));
    st_posset_clear(s, 5, 3, keep);              /* 5, 6, 7 */
    st_assert_eq_mem(keep, ((uint8_t[]){1, 1, 0, 1, 1, 1, 1, 1, 1, 1}), 10);
    memset(keep, 1, sizeof(keep));
    st_posset_clear(s, -3, 5, keep);             /* -3 .. 1: position 0 */
    st_assert_eq_mem(keep, ((uint8_t[]){1, 1, 1, 0, 1, 1, 1, 1, 1, 1}), 10);
    memset(keep, 1, sizeof(keep));
    st_posset_clear(s, 0, 0, keep);
    st_posset_clear(s, 8, 2, keep);
    st_assert_eq_mem(keep, ((uint8_t[]){1, 1, 1, 1, 1, 1, 1, 1, 1, 1}), 10);
    st_posset_free(s);
    st_posset_free(NULL);
}

void test_scan_posset__empty(void)
{
    st_posset *s;
    uint8_t keep[4] = {1, 1, 1, 1};
    st_pass(st_posset_new(&s));
    st_pass(st_posset_seal(s));
    st_assert_eq_i64(st_posset_count(s), 0);
    st_assert(!st_posset_contains(s, 0));
    st_posset_clear(s, 0, 4, keep);
    st_assert_eq_mem(keep, ((uint8_t[]){1, 1, 1, 1}), 4);
    st_assert_eq_i64(st_posset_chunk_count(s), 0);
    st_posset_free(s);
}

void test_scan_posset__ranges_across_chunks(void)
{
    const int64_t start = 65530, end = 65536 * 4 + 5;   /* [65530, 262149) */
    st_posset *s;
    uint8_t *ref = calloc(65536 * 6, 1);
    st_pass(st_posset_new(&s));
    st_pass(st_posset_add_range(s, start, end));
    for (int64_t i = start; i < end; i++)
        ref[i] = 1;
    st_pass(st_posset_seal(s));
    st_assert_eq_i64(st_posset_count(s), end - start);
    st_assert(!st_posset_contains(s, start - 1));
    st_assert(st_posset_contains(s, start));
    st_assert(st_posset_contains(s, 65535) && st_posset_contains(s, 65536));
    st_assert(st_posset_contains(s, end - 1));
    st_assert(!st_posset_contains(s, end));
    /* every chunk is one run: 65530..65535, three full ones, 0..4 */
    st_assert_eq_i64(st_posset_chunk_count(s), 5);
    for (int i = 0; i < 5; i++)
        st_assert_eq_i64(st_posset_chunk_kind(s, i), PS_RUNS);
    check_against(s, ref, 65536 * 6, 42);

    /* punch single positions into a full chunk and a range into an array one */
    st_pass(st_posset_add(s, 65536 * 5 + 1));
    st_pass(st_posset_add_range(s, 100, 30000));       /* chunk 0 becomes a bitmap */
    ref[65536 * 5 + 1] = 1;
    for (int64_t i = 100; i < 30000; i++)
        ref[i] = 1;
    st_pass(st_posset_seal(s));
    check_against(s, ref, 65536 * 6, 43);
    st_assert_eq_i64(st_posset_chunk_kind(s, 0), PS_RUNS);    /* two runs beat 8 KiB */
    free(ref);
    st_posset_free(s);
}

void test_scan_posset__forms(void)
{
    st_posset *s;
    uint64_t seed = 7;
    st_pass(st_posset_new(&s));
    /* chunk 0: every other value: 32768 values, 32768 runs -> bitmap */
    for (int v = 0; v < 65536; v += 2)
        st_pass(st_posset_add(s, v));
    /* chunk 1: 100 random values -> array */
    for (int i = 0; i < 100; i++)
        st_pass(st_posset_add(s, 65536 + (int64_t)(rng(&seed) % 65536)));
    /* chunk 2: 5000 values in 3 runs -> runs */
    st_pass(st_posset_add_range(s, 2 * 65536 + 10, 2 * 65536 + 2010));
    st_pass(st_posset_add_range(s, 2 * 65536 + 3000, 2 * 65536 + 5000));
    st_pass(st_posset_add_range(s, 2 * 65536 + 9000, 2 * 65536 + 10000));
    /* chunk 3: 4097 distinct values one by one, in descending order -> bitmap */
    for (int v = 4096 * 3; v >= 0; v -= 3)
        st_pass(st_posset_add(s, 3 * 65536 + v));
    st_pass(st_posset_seal(s));
    st_assert_eq_i64(st_posset_chunk_count(s), 4);
    st_assert_eq_i64(st_posset_chunk_kind(s, 0), PS_BITMAP);
    st_assert_eq_i64(st_posset_chunk_kind(s, 1), PS_ARRAY);
    st_assert_eq_i64(st_posset_chunk_kind(s, 2), PS_RUNS);
    st_assert_eq_i64(st_posset_chunk_kind(s, 3), PS_BITMAP);
    st_assert(st_posset_contains(s, 3 * 65536) && st_posset_contains(s, 3 * 65536 + 12288));
    st_assert(!st_posset_contains(s, 3 * 65536 + 1));
    st_assert(st_posset_contains(s, 2 * 65536 + 2009) && !st_posset_contains(s, 2 * 65536 + 2010));
    st_posset_free(s);
}

void test_scan_posset__high_positions(void)
{
    st_posset *s;
    uint8_t keep[8];
    st_pass(st_posset_new(&s));
    st_pass(st_posset_add(s, INT64_MAX));
    st_pass(st_posset_add(s, INT64_MAX - 65536));
    st_pass(st_posset_add_range(s, INT64_MAX - 3, INT64_MAX));   /* -3, -2, -1 */
    st_pass(st_posset_add(s, (int64_t)1 << 40));
    st_pass(st_posset_seal(s));
    st_assert_eq_i64(st_posset_count(s), 6);
    st_assert(st_posset_contains(s, INT64_MAX));
    st_assert(st_posset_contains(s, INT64_MAX - 1) && !st_posset_contains(s, INT64_MAX - 4));
    st_assert(st_posset_contains(s, (int64_t)1 << 40));
    memset(keep, 1, sizeof(keep));
    st_posset_clear(s, INT64_MAX - 5, 8, keep);     /* runs past INT64_MAX: clamped */
    st_assert_eq_mem(keep, ((uint8_t[]){1, 1, 0, 0, 0, 0, 1, 1}), 8);
    st_posset_free(s);
}

void test_scan_posset__union_and_reopen(void)
{
    st_posset *a, *b;
    uint8_t *ref = calloc(65536 * 4, 1);
    uint64_t seed = 99;
    st_pass(st_posset_new(&a));
    st_pass(st_posset_new(&b));
    for (int i = 0; i < 3000; i++) {
        int64_t p = (int64_t)(rng(&seed) % (65536 * 4));
        st_pass(st_posset_add(i % 2 ? a : b, p));
        ref[p] = 1;
    }
    st_pass(st_posset_add_range(b, 65536, 65536 * 2));            /* a full chunk */
    st_pass(st_posset_add_range(a, 65536 * 3 + 7, 65536 * 3 + 9000));
    for (int64_t i = 65536; i < 65536 * 2; i++)
        ref[i] = 1;
    for (int64_t i = 65536 * 3 + 7; i < 65536 * 3 + 9000; i++)
        ref[i] = 1;
    st_pass(st_posset_seal(b));
    st_pass(st_posset_union(a, b));      /* sealed into unsealed */
    st_pass(st_posset_union(a, a));
    st_pass(st_posset_seal(a));
    check_against(a, ref, 65536 * 4, 5);
    /* reopen a sealed set (its runs become bitmaps on write), then union again */
    st_pass(st_posset_add(a, 65536 * 3 + 9500));
    ref[65536 * 3 + 9500] = 1;
    st_pass(st_posset_union(b, a));      /* unsealed source too */
    st_pass(st_posset_seal(a));
    st_pass(st_posset_seal(b));
    check_against(a, ref, 65536 * 4, 6);
    check_against(b, ref, 65536 * 4, 7);
    st_posset_free(a);
    st_posset_free(b);
    free(ref);
}

/* Random adds (unsorted, duplicates), ranges and unions against a reference. */
void test_scan_posset__random_large(void)
{
    const int64_t n = (int64_t)1 << 22;   /* 64 chunks */
    uint8_t *ref = calloc((size_t)n, 1);
    uint64_t seed = 0x9e3779b97f4a7c15ULL;
    for (int round = 0; round < 4; round++) {
        st_posset *s, *t;
        st_pass(st_posset_new(&s));
        st_pass(st_posset_new(&t));
        memset(ref, 0, (size_t)n);
        /* density varies by round: sparse, medium, dense, mixed */
        int adds = round == 0 ? 2000 : round == 1 ? 200000 : round == 2 ? 3000000 : 500000;
        for (int i = 0; i < adds; i++) {
            int64_t p = (int64_t)(rng(&seed) % (uint64_t)n);
            if (round == 3 && (i & 1))   /* clustered */
                p = (p & ~0x3FFFF) | (int64_t)(rng(&seed) % 5000);
            st_pass(st_posset_add(i % 3 ? s : t, p));
            ref[p] = 1;
        }
        for (int i = 0; i < 20; i++) {
            int64_t a = (int64_t)(rng(&seed) % (uint64_t)n);
            int64_t len = (int64_t)(rng(&seed) % (i % 4 ? 3000 : 300000));
            if (a + len > n)
                len = n - a;
            st_pass(st_posset_add_range(i % 2 ? s : t, a, a + len));
            memset(ref + a, 1, (size_t)len);
        }
        st_pass(st_posset_seal(t));
        st_pass(st_posset_union(s, t));
        st_pass(st_posset_seal(s));
        check_against(s, ref, n, seed);
        st_posset_free(s);
        st_posset_free(t);
    }
    free(ref);
}

/* Chunks created in random key order: the build index grows and the seal sorts. */
void test_scan_posset__many_chunks_random_order(void)
{
    st_posset *s;
    uint64_t seed = 3;
    int64_t want = 0;
    uint8_t keep[3];
    st_pass(st_posset_new(&s));
    for (int i = 0; i < 20000; i++) {
        int64_t key = (int64_t)((uint64_t)i * 7919 % 20000);
        st_pass(st_posset_add(s, key * 65536 + 5));
        st_pass(st_posset_add(s, key * 65536 + 5));
        want++;
    }
    (void)seed;
    st_pass(st_posset_seal(s));
    st_assert_eq_i64(st_posset_count(s), want);
    st_assert_eq_i64(st_posset_chunk_count(s), 20000);
    for (int64_t key = 0; key < 20000; key += 37) {
        st_assert(st_posset_contains(s, key * 65536 + 5));
        st_assert(!st_posset_contains(s, key * 65536 + 4));
        memset(keep, 1, 3);
        st_posset_clear(s, key * 65536 + 4, 3, keep);
        st_assert_eq_mem(keep, ((uint8_t[]){1, 0, 1}), 3);
    }
    st_posset_free(s);
}

static int build_some(st_posset **out)
{
    st_posset *s = NULL, *t = NULL;
    int rc;
    uint64_t seed = 11;
    *out = NULL;
    if ((rc = st_posset_new(&s)) < 0 || (rc = st_posset_new(&t)) < 0)
        goto fail;
    for (int i = 0; i < 6000; i++)
        if ((rc = st_posset_add(s, (int64_t)(rng(&seed) % 400000))) < 0)
            goto fail;
    if ((rc = st_posset_add_range(t, 70000, 300000)) < 0 ||
        (rc = st_posset_add(t, 5)) < 0 || (rc = st_posset_seal(t)) < 0 ||
        (rc = st_posset_union(s, t)) < 0 || (rc = st_posset_seal(s)) < 0)
        goto fail;
    st_posset_free(t);
    *out = s;
    return 0;
fail:
    st_posset_free(s);
    st_posset_free(t);
    return rc;
}

void test_scan_posset__alloc_failures(void)
{
    st_posset *ok, *s;
    long n;
    st_pass(build_some(&ok));
    for (n = 0;; n++) {
        long done;
        int rc;
        st_assert_msg(n < 100000, "the allocation sweep does not end");
        st_alloc_fail_after(n);
        rc = build_some(&s);
        done = st_alloc_fail_after(-1);
        if (rc == 0) {
            st_assert_eq_i64(st_posset_count(s), st_posset_count(ok));
            st_posset_free(s);
            if (done <= n)
                break;
            continue;
        }
        st_assert_msg(rc == ST_ENOMEM, "failing allocation %ld gave %d (%s)", n, rc,
                      st_error_last()->message);
    }
    st_assert(n > 10);
    st_posset_free(ok);
}
