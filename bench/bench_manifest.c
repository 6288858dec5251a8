/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Micro-benchmark of manifest writing and reading (scan planning reads
 * manifests). Entries carry an identity(string) and a day partition value and
 * metrics for 20 columns (sizes, value/null/NaN counts, 8-byte bounds), as
 * the manifest writer writes them (v2, deflate). Timed, best of RUNS:
 *   1. one manifest of N entries (default 10,000): write, then st_manifest_read;
 *   2. FILES manifests (default 1,000) of 100 entries each, each in its own
 *      file, read one after the other with st_manifest_read (the per-file cost
 *      scan planning pays: open, map, header, schema, decode);
 *   3. a manifest list of FILES entries with two partition summaries each,
 *      read with st_manifest_list_read.
 * Usage: bench_manifest [entries] [dir] [files]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "spec/spec.h"
#include "supertable/errors.h"

#define RUNS 5
#define COLS 20
#define SMALL 100

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

/* Writes a manifest of n entries at `path`; *mf gets its list entry (in arena). */
static void write_manifest(const char *path, int n, const st_manifest_writer_options *o,
                           st_manifest_file *mf, st_arena *arena)
{
    static uint8_t lo[COLS][8], hi[COLS][8];
    st_column_stats stats[COLS];
    for (int c = 0; c < COLS; c++) {
        memset(lo[c], c, 8);
        memset(hi[c], 100 + c, 8);
        stats[c] = (st_column_stats){c + 1, 0, 0, 0, c % 4 == 0 ? 0 : -1, lo[c], 8, hi[c], 8};
    }
    st_value part[2];
    char pathbuf[256], region[16];
    int64_t splits[1] = {4};
    st_manifest_writer *w;
    check(st_manifest_writer_open(&w, path, o), "open");
    for (int i = 0; i < n; i++) {
        st_manifest_entry e;
        memset(&e, 0, sizeof e);
        e.status = ST_ENTRY_ADDED;
        e.snapshot_id = e.sequence_number = e.file_sequence_number = ST_NULL64;
        snprintf(pathbuf, sizeof pathbuf,
                 "s3://warehouse/db/events/data/region=r%d/ts_day=%d/"
                 "00000-%d-5f0c0d2e-8a1b-4a7e-9c3d-0123456789ab-00001.parquet",
                 i % 16, 19000 + i % 365, i);
        snprintf(region, sizeof region, "r%d", i % 16);
        memset(part, 0, sizeof part);
        part[0].type = ST_TYPE_STRING;
        part[0].v.bytes.ptr = (const uint8_t *)region;
        part[0].v.bytes.len = strlen(region);
        part[1].type = ST_TYPE_DATE;
        part[1].v.i32 = 19000 + i % 365;
        for (int c = 0; c < COLS; c++) {
            stats[c].column_size = 10000 + i + c;
            stats[c].value_count = 100000;
            stats[c].null_count = c;
        }
        e.file.content = ST_CONTENT_DATA;
        e.file.file_path = pathbuf;
        e.file.file_format = "PARQUET";
        e.file.partition = part;
        e.file.n_partition = 2;
        e.file.record_count = 100000;
        e.file.file_size_in_bytes = 1 << 24;
        e.file.stats = stats;
        e.file.n_stats = COLS;
        e.file.split_offsets = splits;
        e.file.n_split_offsets = 1;
        e.file.sort_order_id = 0;
        e.file.first_row_id = e.file.content_offset = e.file.content_size_in_bytes = ST_NULL64;
        check(st_manifest_writer_add(w, &e), "add");
    }
    check(st_manifest_writer_close(w, mf, arena), "close");
}

static void copy_file(const char *from, const char *to)
{
    FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
    char buf[65536];
    size_t n;
    if (!in || !out) {
        fprintf(stderr, "cannot copy %s to %s\n", from, to);
        exit(1);
    }
    while ((n = fread(buf, 1, sizeof buf, in)) > 0)
        fwrite(buf, 1, n, out);
    fclose(in);
    if (fclose(out) != 0)
        exit(1);
}

int main(int argc, char **argv)
{
    int n = argc > 1 ? atoi(argv[1]) : 10000;
    const char *dir = argc > 2 ? argv[2] : "/tmp";
    int files = argc > 3 ? atoi(argv[3]) : 1000;
    char path[1024];
    snprintf(path, sizeof path, "%s/bench-manifest-%d.avro", dir, (int)getpid());

    st_field pf[2] = {{1000, "region", 0, st_type_primitive(ST_TYPE_STRING), NULL},
                      {1001, "ts_day", 0, st_type_primitive(ST_TYPE_DATE), NULL}};
    st_type *ptype;
    check(st_type_struct_new(&ptype, pf, 2), "partition type");
    st_partition_field sf[2] = {{1, 1000, "region", {ST_TRANSFORM_IDENTITY, 0, "identity"}},
                                {2, 1001, "ts_day", {ST_TRANSFORM_DAY, 0, "day"}}};
    st_partition_spec spec = {0, sf, 2};
    st_manifest_writer_options o;
    memset(&o, 0, sizeof o);
    o.format_version = 2;
    o.spec = &spec;
    o.partition_type = ptype;
    o.content = ST_CONTENT_DATA;
    o.snapshot_id = 42;
    o.schema_json = "{\"type\":\"struct\",\"schema-id\":0,\"fields\":[]}";

    /* 1. one large manifest */
    double best_w = 1e9, best_r = 1e9;
    int64_t len = 0;
    for (int run = 0; run < RUNS; run++) {
        st_arena arena = ST_ARENA_INIT;
        st_manifest_file mf;
        double t0 = now();
        write_manifest(path, n, &o, &mf, &arena);
        double t1 = now();
        len = mf.manifest_length;
        mf.sequence_number = 1;
        st_manifest *m;
        check(st_manifest_read(&m, path, &mf, ptype), "read");
        double t2 = now();
        if (m->n_entries != n || m->entries[n - 1].file.n_stats != COLS) {
            fprintf(stderr, "read back %d entries\n", m->n_entries);
            return 1;
        }
        st_manifest_free(m);
        st_arena_dispose(&arena);
        if (t1 - t0 < best_w)
            best_w = t1 - t0;
        if (t2 - t1 < best_r)
            best_r = t2 - t1;
    }
    unlink(path);
    printf("manifest: %d entries, %d columns of metrics, %lld bytes (deflate)\n", n, COLS,
           (long long)len);
    printf("write: %.0f entries/s (%.1f ms)\n", n / best_w, best_w * 1e3);
    printf("read:  %.0f entries/s (%.1f ms)\n", n / best_r, best_r * 1e3);

    /* 2. many small manifests, each from its own file */
    st_arena arena = ST_ARENA_INIT;
    st_manifest_file small_mf;
    char **paths = calloc((size_t)files, sizeof *paths);
    st_manifest_file *mfs = calloc((size_t)files, sizeof *mfs);
    write_manifest(path, SMALL, &o, &small_mf, &arena);
    small_mf.sequence_number = 1;
    for (int i = 0; i < files; i++) {
        paths[i] = malloc(1100);
        snprintf(paths[i], 1100, "%s/bench-manifest-%d-%d.avro", dir, (int)getpid(), i);
        copy_file(path, paths[i]);
        mfs[i] = small_mf;
        mfs[i].manifest_path = paths[i];
        mfs[i].added_files_count = SMALL;
        mfs[i].existing_files_count = mfs[i].deleted_files_count = 0;
        mfs[i].added_rows_count = 100000LL * SMALL;
        mfs[i].existing_rows_count = mfs[i].deleted_rows_count = 0;
    }
    unlink(path);
    double best_s = 1e9;
    for (int run = 0; run < RUNS; run++) {
        double t0 = now();
        for (int i = 0; i < files; i++) {
            st_manifest *m;
            check(st_manifest_read(&m, paths[i], &mfs[i], ptype), "read small");
            if (m->n_entries != SMALL)
                return 1;
            st_manifest_free(m);
        }
        double t1 = now();
        if (t1 - t0 < best_s)
            best_s = t1 - t0;
    }
    printf("small: %d manifests of %d entries (%lld bytes each)\n", files, SMALL,
           (long long)small_mf.manifest_length);
    printf("read:  %.0f entries/s (%.1f ms, %.1f us per file)\n", (double)files * SMALL / best_s,
           best_s * 1e3, best_s * 1e6 / files);

    /* 3. the manifest list of those manifests */
    st_field_summary sums[2] = {{0, -1, (const uint8_t *)"r0", 2, (const uint8_t *)"r9", 2},
                                {0, -1, (const uint8_t *)"\x38\x4a\0\0", 4,
                                 (const uint8_t *)"\xa5\x4b\0\0", 4}};
    for (int i = 0; i < files; i++) {
        mfs[i].partitions = sums;
        mfs[i].n_partitions = 2;
    }
    st_manifest_list_write_options lo = {2, 42, 41, 1, ST_NULL64};
    check(st_manifest_list_write(path, mfs, files, &lo), "write list");
    double best_l = 1e9;
    for (int run = 0; run < RUNS; run++) {
        st_manifest_list *l;
        double t0 = now();
        check(st_manifest_list_read(&l, path), "read list");
        double t1 = now();
        if (l->n_files != files)
            return 1;
        st_manifest_list_free(l);
        if (t1 - t0 < best_l)
            best_l = t1 - t0;
    }
    printf("list:  %d manifests: %.0f entries/s (%.2f ms)\n", files, files / best_l,
           best_l * 1e3);
    unlink(path);
    for (int i = 0; i < files; i++) {
        unlink(paths[i]);
        free(paths[i]);
    }
    free(paths);
    free(mfs);
    st_arena_dispose(&arena);
    st_type_free(ptype);
    return 0;
}
