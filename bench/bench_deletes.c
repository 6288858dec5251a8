/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Micro-benchmark of applying delete files while reading:
 *   - position sets: 10M rows of one data file with 1% of positions deleted
 *     (random), built, sealed, then st_posset_clear over the rows in batches
 *     of 64Ki rows (as a reader clears one batch at a time) and in one call;
 *     also a deletion vector of the same positions decoded;
 *   - position-delete files: 1M (file_path, pos) rows over 10 data files
 *     (zstd, 100k-row row groups) read for all 10 files, and for one (the
 *     other row groups skipped by their file_path bounds);
 *   - equality sets: 100k long keys (and 100k (long, string) keys), then
 *     st_eqset_apply on 1M rows of which ~10% match.
 * Prints the best of RUNS. Usage: bench_deletes [rows] [dir]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "scan/deletes.h"
#include "supertable/errors.h"
#include "supertable/parquet.h"

#define RUNS 5

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void check(int rc, const char *what)
{
    if (rc != 0) {
        fprintf(stderr, "%s failed: %s\n", what, st_error_last()->message);
        exit(1);
    }
}

static uint64_t rng(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

static void bench_positions(int64_t rows)
{
    int64_t ndel = rows / 100;
    int64_t *pos = malloc(sizeof(int64_t) * (size_t)ndel);
    uint8_t *keep = malloc((size_t)rows);
    double best_build = 1e9, best_clear = 1e9, best_one = 1e9;
    uint64_t seed = 42;
    int64_t kept = 0;
    for (int64_t i = 0; i < ndel; i++)
        pos[i] = (int64_t)(rng(&seed) % (uint64_t)rows);
    for (int run = 0; run < RUNS; run++) {
        st_posset *s;
        double t0 = now(), t1, t2, t3;
        check(st_posset_new(&s), "posset");
        for (int64_t i = 0; i < ndel; i++)
            check(st_posset_add(s, pos[i]), "add");
        check(st_posset_seal(s), "seal");
        t1 = now();
        memset(keep, 1, (size_t)rows);
        t2 = now();
        for (int64_t first = 0; first < rows; first += 65536)
            st_posset_clear(s, first, rows - first < 65536 ? rows - first : 65536, keep + first);
        t3 = now();
        if (t1 - t0 < best_build)
            best_build = t1 - t0;
        if (t3 - t2 < best_clear)
            best_clear = t3 - t2;
        memset(keep, 1, (size_t)rows);
        t2 = now();
        st_posset_clear(s, 0, rows, keep);
        t3 = now();
        if (t3 - t2 < best_one)
            best_one = t3 - t2;
        if (run == 0) {
            kept = 0;
            for (int64_t i = 0; i < rows; i++)
                kept += keep[i];
            printf("positions: %lld rows, %lld adds, %lld distinct deleted, %lld kept\n",
                   (long long)rows, (long long)ndel, (long long)st_posset_count(s),
                   (long long)kept);
        }
        st_posset_free(s);
    }
    printf("  build (add + seal):          %8.2f ms  (%.1f ns/add)\n", best_build * 1e3,
           best_build * 1e9 / (double)ndel);
    printf("  clear, 64Ki-row batches:     %8.2f ms  (%.3f ns/row)\n", best_clear * 1e3,
           best_clear * 1e9 / (double)rows);
    printf("  clear, one call:             %8.2f ms  (%.3f ns/row)\n", best_one * 1e3,
           best_one * 1e9 / (double)rows);
    free(pos);
    free(keep);
}

static void bench_posdel(const char *dir)
{
    enum { FILES = 10, PER = 100000 };
    st_field f[2] = {{2147483546, "file_path", 1, st_type_primitive(ST_TYPE_STRING), NULL},
                     {2147483545, "pos", 1, st_type_primitive(ST_TYPE_LONG), NULL}};
    st_parquet_write_options o = ST_PARQUET_WRITE_OPTIONS_INIT;
    char names[FILES][128], path[1024];
    const char *paths[FILES];
    st_parquet_writer *w;
    st_type *schema;
    st_batch *b;
    uint64_t seed = 5;
    double best_all = 1e9, best_one = 1e9;

    snprintf(path, sizeof path, "%s/bench-posdel-%d.parquet", dir, (int)getpid());
    check(st_type_struct_new(&schema, f, 2), "schema");
    check(st_batch_new(&b, schema, FILES * PER), "batch");
    for (int i = 0; i < FILES; i++) {
        snprintf(names[i], sizeof names[i],
                 "s3://warehouse/db/table/data/00000-%d-6fdcdaeb-591f-4ae0-a39a-75c7fba53907.parquet",
                 i);
        paths[i] = names[i];
        int64_t p = 0;
        for (int k = 0; k < PER; k++) {
            p += 1 + (int64_t)(rng(&seed) % 199);   /* ~1% of 10M rows */
            check(st_vector_append_bytes(b->columns[0], names[i], strlen(names[i])), "append");
            check(st_vector_append_i64(b->columns[1], p), "append");
        }
    }
    check(st_batch_seal(b), "seal");
    o.row_group_rows = PER;
    check(st_parquet_writer_open(&w, path, schema, &o), "writer");
    check(st_parquet_writer_write(w, b), "write");
    check(st_parquet_writer_close(w, NULL), "close");
    for (int run = 0; run < RUNS; run++) {
        st_posset *sets[FILES] = {0};
        double t0 = now(), t1, t2;
        check(st_posdel_read(path, paths, sets, FILES), "posdel");
        for (int i = 0; i < FILES; i++)
            check(st_posset_seal(sets[i]), "seal");
        t1 = now();
        for (int i = 0; i < FILES; i++)
            st_posset_free(sets[i]);
        memset(sets, 0, sizeof sets);
        t1 -= t0;
        t2 = now();
        check(st_posdel_read(path, paths + 4, sets, 1), "posdel");
        check(st_posset_seal(sets[0]), "seal");
        t2 = now() - t2;
        if (run == 0)
            printf("position-delete file: %d rows, %d data files, %lld positions for file 4\n",
                   FILES * PER, FILES, (long long)st_posset_count(sets[0]));
        st_posset_free(sets[0]);
        if (t1 < best_all)
            best_all = t1;
        if (t2 < best_one)
            best_one = t2;
    }
    printf("  read + seal, all 10 files:   %8.2f ms  (%.1f ns/row)\n", best_all * 1e3,
           best_all * 1e9 / (FILES * PER));
    printf("  read + seal, one file:       %8.2f ms\n", best_one * 1e3);
    remove(path);
    st_batch_free(b);
    st_type_free(schema);
}

static st_batch *long_batch(st_type *schema, int n, uint64_t *seed, uint64_t domain, int names)
{
    st_batch *b;
    char buf[32];
    check(st_batch_new(&b, schema, n), "batch");
    for (int i = 0; i < n; i++) {
        int64_t v = (int64_t)(rng(seed) % domain);
        check(st_vector_append_i64(b->columns[0], v), "append");
        if (names) {
            int len = snprintf(buf, sizeof buf, "customer-%lld", (long long)(v % 100000));
            check(st_vector_append_bytes(b->columns[1], buf, (size_t)len), "append");
        }
    }
    check(st_batch_seal(b), "seal");
    return b;
}

static void bench_equality(int nkeys, int nrows, int with_string)
{
    st_field f[2] = {{1, "id", 0, st_type_primitive(ST_TYPE_LONG), NULL},
                     {2, "name", 0, st_type_primitive(ST_TYPE_STRING), NULL}};
    st_type *schema, *kschema;
    st_batch *del, *probe;
    uint8_t *keep = malloc((size_t)nrows);
    uint64_t seed = 7;
    double best_add = 1e9, best_apply = 1e9;
    int64_t deleted = 0;
    check(st_type_struct_new(&schema, f, with_string ? 2 : 1), "schema");
    check(st_type_struct_new(&kschema, f, with_string ? 2 : 1), "keys");
    /* keys drawn from 1M values: ~10% of probe rows match */
    del = long_batch(schema, nkeys, &seed, 1000000, with_string);
    probe = long_batch(schema, nrows, &seed, 1000000, with_string);
    for (int run = 0; run < RUNS; run++) {
        st_eqset *s;
        double t0 = now(), t1, t2;
        check(st_eqset_new(&s, kschema), "eqset");
        check(st_eqset_add_batch(s, del), "add");
        t1 = now();
        memset(keep, 1, (size_t)nrows);
        t2 = now();
        check(st_eqset_apply(s, probe, keep), "apply");
        t2 = now() - t2;
        if (t1 - t0 < best_add)
            best_add = t1 - t0;
        if (t2 < best_apply)
            best_apply = t2;
        if (run == 0) {
            deleted = 0;
            for (int i = 0; i < nrows; i++)
                deleted += !keep[i];
            printf("equality (%s): %d key rows, %lld distinct, %d probed rows, %lld deleted\n",
                   with_string ? "long, string" : "long", nkeys, (long long)st_eqset_count(s),
                   nrows, (long long)deleted);
        }
        st_eqset_free(s);
    }
    printf("  build (add_batch):           %8.2f ms  (%.1f ns/key)\n", best_add * 1e3,
           best_add * 1e9 / nkeys);
    printf("  apply:                       %8.2f ms  (%.1f ns/row)\n", best_apply * 1e3,
           best_apply * 1e9 / nrows);
    st_batch_free(del);
    st_batch_free(probe);
    st_type_free(schema);
    st_type_free(kschema);
    free(keep);
}

int main(int argc, char **argv)
{
    int64_t rows = argc > 1 ? atoll(argv[1]) : 10000000;
    const char *dir = argc > 2 ? argv[2] : "/tmp";
    bench_positions(rows);
    bench_posdel(dir);
    bench_equality(100000, 1000000, 0);
    bench_equality(100000, 1000000, 1);
    return 0;
}
