/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Scan planning and table scan benchmark (bench/planning.sh, bench/README.md):
 *
 *   bench_planning make DIR [--files N] [--manifests M]
 *       a path table in DIR (`id long, ts timestamptz, region string, v double`
 *       partitioned by day(ts)) with one snapshot of N synthetic data files
 *       (default 100,000) in M manifests (default 1,000), written directly with
 *       the manifest writer: partition values, record counts, sizes, value and
 *       null counts, bounds of all 4 columns, split offsets. The data files
 *       themselves do not exist: planning never opens them.
 *   bench_planning plan DIR [--filter EXPR] [--runs N] [--threads T]
 *       opens the table once (timed apart: open_seconds), then plans the scan
 *       N times (st_table_scan only: no reading; st_scan_free not timed);
 *       best and median wall time, and the least CPU time (all threads) of a plan.
 *   bench_planning scan --table DIR_OR_METADATA [--threads T]
 *       reads every row through st_scan_reader and computes bench_parquet
 *       read-all's aggregates; prints `seconds= bytes= check=` as it does
 *       (seconds: from opening the table to having the aggregates; bytes: the
 *       data files' sizes).
 *   bench_planning files --table DIR_OR_METADATA
 *       the local paths of the data files a full scan reads, one per line.
 *
 * T threads: the process pool is sized by SUPERTABLE_THREADS before first use;
 * without --threads it has one thread per CPU.
 */
#include <float.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <supertable/errors.h>
#include <supertable/scan.h>
#include <supertable/table.h>

#include "spec/spec.h"
#include "spec/update.h"
#include "table/table_int.h"
#include "util/alloc.h"
#include "util/fs.h"

#define DAYS_PER_MANIFEST 4
#define FIRST_DAY 16436 /* 2015-01-01 */
#define ID_STRIDE 1000000LL
#define SNAPSHOT_ID 5088163398152310001LL

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* CPU time of every thread of the process */
static double cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int die(const char *what)
{
    fprintf(stderr, "bench_planning: %s: %s\n", what, st_error_last()->message);
    return 1;
}

static int usage(void)
{
    fprintf(stderr,
            "usage: bench_planning make DIR [--files N] [--manifests M]\n"
            "       bench_planning plan DIR [--filter EXPR] [--runs N] [--threads T]\n"
            "       bench_planning scan --table DIR_OR_METADATA [--threads T]\n"
            "       bench_planning files --table DIR_OR_METADATA\n");
    return 2;
}

typedef struct {
    const char *mode, *dir, *filter;
    long long files, manifests;
    int runs, threads;
} args;

static int parse_args(args *a, int argc, char **argv)
{
    memset(a, 0, sizeof(*a));
    a->files = 100000;
    a->manifests = 1000;
    a->runs = 5;
    if (argc < 2)
        return -1;
    a->mode = argv[1];
    int i = 2;
    if (i < argc && strncmp(argv[i], "--", 2) != 0)
        a->dir = argv[i++];
    for (; i + 1 < argc; i += 2) {
        const char *k = argv[i], *v = argv[i + 1];
        if (!strcmp(k, "--files")) a->files = strtoll(v, NULL, 10);
        else if (!strcmp(k, "--manifests")) a->manifests = strtoll(v, NULL, 10);
        else if (!strcmp(k, "--filter")) a->filter = v;
        else if (!strcmp(k, "--runs")) a->runs = atoi(v);
        else if (!strcmp(k, "--threads")) a->threads = atoi(v);
        else if (!strcmp(k, "--table")) a->dir = v;
        else return -1;
    }
    if (i != argc || !a->dir || a->runs < 1 || a->threads < 0 || a->manifests < 1 ||
        a->files < a->manifests || a->files % a->manifests != 0)
        return -1;
    return 0;
}

/* ------------------------------------------------------------------ make */

static const char *const REGIONS[8] = {"af-south-1", "ap-east-1", "ap-south-1", "eu-central-1",
                                       "eu-west-1",  "sa-east-1", "us-east-1",  "us-west-2"};

/* Appends a value's single-value binary form; the st_buf holds it. */
static int bound(st_buf *b, st_type_id type, int64_t i, double d, const char *s)
{
    st_value v;
    memset(&v, 0, sizeof v);
    v.type = type;
    if (type == ST_TYPE_DOUBLE) {
        v.v.f64 = d;
    } else if (type == ST_TYPE_STRING) {
        v.v.bytes.ptr = (const uint8_t *)s;
        v.v.bytes.len = strlen(s);
    } else {
        v.v.i64 = i;
    }
    st_buf_clear(b);
    return st_value_to_bytes(b, &v);
}

typedef struct {
    st_table *t;
    const st_schema *schema;
    const st_partition_spec *spec;
    st_type *ptype;
    char *schema_json;
    const char *location;        /* local folder of the table */
    char uuid[37];
    int32_t fid[4];              /* field ids of id, ts, region, v */
    int64_t per_manifest;
    int64_t total_records, total_bytes;
} maker;

/* Writes manifest k: files g = k * per .. (k + 1) * per - 1, spread over
 * DAYS_PER_MANIFEST days; file g holds ids [g * ID_STRIDE, + record_count). */
static int make_manifest(maker *mk, int64_t k, st_manifest_file *out, st_arena *arena)
{
    char path[4096], fpath[4096];
    st_manifest_writer_options o;
    st_manifest_writer *w;
    st_buf lo[4] = {ST_BUF_INIT, ST_BUF_INIT, ST_BUF_INIT, ST_BUF_INIT};
    st_buf hi[4] = {ST_BUF_INIT, ST_BUF_INIT, ST_BUF_INIT, ST_BUF_INIT};
    st_buf ppath = ST_BUF_INIT;
    int rc;

    memset(&o, 0, sizeof o);
    o.format_version = 2;
    o.spec = mk->spec;
    o.partition_type = mk->ptype;
    o.schema = mk->schema;
    o.content = ST_CONTENT_DATA;
    o.snapshot_id = SNAPSHOT_ID;
    o.schema_json = mk->schema_json;
    snprintf(path, sizeof path, "%s/metadata/%s-m%lld.avro", mk->location, mk->uuid,
             (long long)k);
    if ((rc = st_manifest_writer_open(&w, path, &o)) < 0)
        return rc;
    int64_t per = mk->per_manifest;
    int64_t per_day = per / DAYS_PER_MANIFEST > 0 ? per / DAYS_PER_MANIFEST : 1;
    for (int64_t j = 0; j < per && rc == 0; j++) {
        int64_t g = k * per + j;
        int64_t dslot = j / per_day < DAYS_PER_MANIFEST ? j / per_day : DAYS_PER_MANIFEST - 1;
        int32_t day = (int32_t)(FIRST_DAY + k * DAYS_PER_MANIFEST + dslot);
        int64_t in_day = j - dslot * per_day, slice = 86400000000LL / per_day;
        int64_t rows = 500000 + (g % 7) * 50000;
        int64_t ts_lo = (int64_t)day * 86400000000LL + in_day * slice;
        int64_t sizes[4] = {rows * 3, rows * 2, rows, rows * 7};
        int64_t fsize = 4 + sizes[0] + sizes[1] + sizes[2] + sizes[3] + 16384;
        int64_t splits[3];
        int n_splits = 0;
        /* row groups of about 4 MB */
        for (int64_t off = 4; off < fsize - 16384 && n_splits < 3; off += 4 << 20)
            splits[n_splits++] = off;

        st_value part;
        memset(&part, 0, sizeof part);
        part.type = ST_TYPE_DATE;
        part.v.i32 = day;
        st_buf_clear(&ppath);
        if ((rc = st_partition_path(&ppath, mk->spec, &part)) < 0)
            break;
        snprintf(fpath, sizeof fpath, "%s/data/%s/%05lld-%lld-%s-%05lld.parquet", mk->location,
                 st_buf_cstr(&ppath), (long long)k, (long long)j, mk->uuid, (long long)(j + 1));
        if ((rc = bound(&lo[0], ST_TYPE_LONG, g * ID_STRIDE, 0, NULL)) < 0 ||
            (rc = bound(&hi[0], ST_TYPE_LONG, g * ID_STRIDE + rows - 1, 0, NULL)) < 0 ||
            (rc = bound(&lo[1], ST_TYPE_TIMESTAMPTZ, ts_lo, 0, NULL)) < 0 ||
            (rc = bound(&hi[1], ST_TYPE_TIMESTAMPTZ, ts_lo + slice - 1, 0, NULL)) < 0 ||
            (rc = bound(&lo[2], ST_TYPE_STRING, 0, 0, REGIONS[g % 4])) < 0 ||
            (rc = bound(&hi[2], ST_TYPE_STRING, 0, 0, REGIONS[4 + g % 4])) < 0 ||
            (rc = bound(&lo[3], ST_TYPE_DOUBLE, 0, -1000.5 - (double)(g % 100), NULL)) < 0 ||
            (rc = bound(&hi[3], ST_TYPE_DOUBLE, 0, 1000.25 + (double)(g % 1000), NULL)) < 0)
            break;
        st_column_stats stats[4];
        int64_t nulls[4] = {0, 0, (g % 10) * 17, g % 3};
        for (int c = 0; c < 4; c++)
            stats[c] = (st_column_stats){mk->fid[c], sizes[c], rows, nulls[c], c == 3 ? 0 : -1,
                                         lo[c].ptr, lo[c].len, hi[c].ptr, hi[c].len};

        st_manifest_entry e;
        memset(&e, 0, sizeof e);
        e.status = ST_ENTRY_ADDED;
        e.snapshot_id = e.sequence_number = e.file_sequence_number = ST_NULL64;
        e.file.content = ST_CONTENT_DATA;
        e.file.file_path = fpath;
        e.file.file_format = "PARQUET";
        e.file.spec_id = mk->spec->spec_id;
        e.file.partition = &part;
        e.file.n_partition = 1;
        e.file.record_count = rows;
        e.file.file_size_in_bytes = fsize;
        e.file.stats = stats;
        e.file.n_stats = 4;
        e.file.split_offsets = splits;
        e.file.n_split_offsets = n_splits;
        e.file.sort_order_id = 0;
        e.file.first_row_id = e.file.content_offset = e.file.content_size_in_bytes = ST_NULL64;
        rc = st_manifest_writer_add(w, &e);
        mk->total_records += rows;
        mk->total_bytes += fsize;
    }
    for (int c = 0; c < 4; c++) {
        st_buf_dispose(&lo[c]);
        st_buf_dispose(&hi[c]);
    }
    st_buf_dispose(&ppath);
    if (rc < 0) {
        st_manifest_writer_abort(w);
        return rc;
    }
    return st_manifest_writer_close(w, out, arena);
}

static int field_id(const st_schema *s, const char *name, int32_t *out)
{
    const st_field *f = st_schema_find_name(s->type, name);
    if (!f)
        return st_error_set(ST_ECORRUPT, ST_ERROR_TABLE, "no column '%s'", name);
    *out = f->id;
    return 0;
}

/* Adds the snapshot (with the manifest list at `list`) and moves main to it:
 * one new metadata version, published as the next vN.metadata.json. */
static int commit_snapshot(maker *mk, const char *list, int64_t files)
{
    const st_table_metadata *md = mk->t->md;
    st_table_metadata *nmd = NULL;
    st_change c;
    char *loc = NULL, num[32];
    int changed = 0, rc = 0;
    st_change_init(&c);
    st_update *u = st_change_add_update(&c, ST_UPD_ADD_SNAPSHOT);
    if (!u) {
        rc = st_error_set_oom();
        goto done;
    }
    u->snapshot.snapshot_id = SNAPSHOT_ID;
    u->snapshot.sequence_number = md->last_sequence_number + 1;
    u->snapshot.timestamp_ms = st_now_ms();
    u->snapshot.schema_id = mk->schema->schema_id;
    if (!(u->snapshot.manifest_list = st_strdup(list))) {
        rc = st_error_set_oom();
        goto done;
    }
    const char *kv[][2] = {{"operation", "append"},
                           {"added-data-files", NULL},
                           {"added-records", NULL},
                           {"added-files-size", NULL},
                           {"changed-partition-count", NULL},
                           {"total-records", NULL},
                           {"total-files-size", NULL},
                           {"total-data-files", NULL},
                           {"total-delete-files", "0"},
                           {"total-position-deletes", "0"},
                           {"total-equality-deletes", "0"}};
    int64_t vals[] = {0,
                      files,
                      mk->total_records,
                      mk->total_bytes,
                      (int64_t)(files / mk->per_manifest) * DAYS_PER_MANIFEST,
                      mk->total_records,
                      mk->total_bytes,
                      files};
    for (size_t i = 0; i < sizeof kv / sizeof kv[0] && rc == 0; i++) {
        const char *v = kv[i][1];
        if (!v) {
            snprintf(num, sizeof num, "%lld", (long long)vals[i]);
            v = num;
        }
        rc = st_props_set(&u->snapshot.summary, kv[i][0], v);
    }
    if (rc < 0)
        goto done;
    /* added after filling u: adding may move the updates array */
    st_update *r = st_change_add_update(&c, ST_UPD_SET_SNAPSHOT_REF);
    if (!r || !(r->ref.name = st_strdup("main"))) {
        rc = st_error_set_oom();
        goto done;
    }
    r->ref.snapshot_id = SNAPSHOT_ID;
    r->ref.is_tag = 0;
    if ((rc = st_updates_apply(&nmd, &changed, md, c.updates, c.n_updates, st_now_ms())) < 0)
        goto done;
    rc = st_table_publish(mk->t, md->metadata_location, nmd, &loc);
done:
    st_free(loc);
    st_metadata_free(nmd);
    st_change_free(&c);
    return rc;
}

static int do_make(const args *a)
{
    st_table_create_options co = ST_TABLE_CREATE_OPTIONS_INIT;
    st_type *schema;
    maker mk;
    st_arena arena = ST_ARENA_INIT;
    st_manifest_file *mfs;
    char list[4096];
    double t0 = now();

    memset(&mk, 0, sizeof mk);
    if (st_schema_parse(&schema, "id long, ts timestamptz, region string, v double") < 0)
        return die("schema");
    co.schema = schema;
    co.partition_by = "day(ts)";
    if (st_table_create_path(&mk.t, a->dir, &co) < 0)
        return die("creating the table");
    st_type_free(schema);
    const st_table_metadata *md = mk.t->md;
    mk.schema = st_metadata_current_schema(md);
    mk.spec = st_metadata_default_spec(md);
    mk.location = mk.t->path_dir;
    mk.per_manifest = a->files / a->manifests;
    if (!mk.schema || !mk.spec || mk.spec->n_fields != 1)
        return die("the new table's schema or spec");
    if (st_partition_type(&mk.ptype, mk.spec, mk.schema->type) < 0 ||
        st_schema_to_json(&mk.schema_json, mk.schema) < 0 || st_uuid4(mk.uuid) < 0 ||
        field_id(mk.schema, "id", &mk.fid[0]) < 0 || field_id(mk.schema, "ts", &mk.fid[1]) < 0 ||
        field_id(mk.schema, "region", &mk.fid[2]) < 0 ||
        field_id(mk.schema, "v", &mk.fid[3]) < 0)
        return die("preparing");
    if (!(mfs = st_calloc((size_t)a->manifests, sizeof *mfs)))
        return die("allocating");
    for (int64_t k = 0; k < a->manifests; k++)
        if (make_manifest(&mk, k, &mfs[k], &arena) < 0)
            return die("writing a manifest");
    snprintf(list, sizeof list, "%s/metadata/snap-%lld-1-%s.avro", mk.location,
             (long long)SNAPSHOT_ID, mk.uuid);
    st_manifest_list_write_options lo = {2, SNAPSHOT_ID, ST_NULL64,
                                         md->last_sequence_number + 1, ST_NULL64};
    if (st_manifest_list_write(list, mfs, (int)a->manifests, &lo) < 0)
        return die("writing the manifest list");
    if (commit_snapshot(&mk, list, a->files) < 0)
        return die("committing the snapshot");
    printf("table=%s files=%lld manifests=%lld records=%lld seconds=%.3f\n", a->dir, a->files,
           a->manifests, (long long)mk.total_records, now() - t0);
    st_free(mfs);
    st_arena_dispose(&arena);
    st_free(mk.schema_json);
    st_type_free(mk.ptype);
    st_table_free(mk.t);
    return 0;
}

/* ------------------------------------------------------------------ plan */

static int cmp_double(const void *pa, const void *pb)
{
    double x = *(const double *)pa, y = *(const double *)pb;
    return (x > y) - (x < y);
}

static int do_plan(const args *a)
{
    st_scan_options o = ST_SCAN_OPTIONS_INIT;
    st_scan_metrics m;
    st_snapshot_info si;
    st_table *t;
    double *secs = calloc((size_t)a->runs, sizeof *secs), *pms = calloc((size_t)a->runs, 8);
    double *cpu = calloc((size_t)a->runs, sizeof *cpu);
    long long total = -1;

    if (!secs || !pms || !cpu)
        return 1;
    double t0 = now();
    if (st_table_open_path(&t, a->dir, NULL) < 0)
        return die("opening the table");
    double open_s = now() - t0;
    if (st_table_snapshot_by_id(t, st_table_current_snapshot_id(t), &si) < 0)
        return die("current snapshot");
    for (size_t i = 0; i < si.n_summary; i++)
        if (!strcmp(si.summary[i].key, "total-data-files"))
            total = strtoll(si.summary[i].value, NULL, 10);
    o.filter = a->filter;
    for (int r = 0; r < a->runs; r++) {
        st_scan *s;
        double c1 = cpu_now(), t1 = now();
        if (st_table_scan(&s, t, &o) < 0)
            return die("planning");
        secs[r] = now() - t1;
        cpu[r] = cpu_now() - c1;
        st_scan_get_metrics(s, &m);
        pms[r] = m.planning_ms;
        st_scan_free(s);
    }
    if (total < 0)
        total = m.data_files;
    qsort(secs, (size_t)a->runs, sizeof *secs, cmp_double);
    qsort(pms, (size_t)a->runs, sizeof *pms, cmp_double);
    qsort(cpu, (size_t)a->runs, sizeof *cpu, cmp_double);
    double med = a->runs % 2 ? secs[a->runs / 2] : (secs[a->runs / 2 - 1] + secs[a->runs / 2]) / 2;
    printf("seconds=%.6f median=%.6f open_seconds=%.6f files=%lld selected=%lld "
           "files_per_second=%.0f cpu_seconds=%.6f files_per_cpu_second=%.0f runs=%d manifests=%lld manifests_pruned=%lld data_files=%lld "
           "pruned_partition=%lld pruned_metrics=%lld data_files_read=%lld tasks=%lld "
           "planning_ms=%.3f\n",
           secs[0], med, open_s, total, (long long)m.data_files_read, (double)total / secs[0],
           cpu[0], (double)total / cpu[0], a->runs, (long long)m.manifests, (long long)m.manifests_pruned,
           (long long)m.data_files, (long long)m.data_files_pruned_partition,
           (long long)m.data_files_pruned_metrics, (long long)m.data_files_read,
           (long long)m.tasks, pms[0]);
    st_table_free(t);
    free(secs);
    free(pms);
    free(cpu);
    return 0;
}

/* ------------------------------------------------------------------ scan */

typedef struct {
    int64_t count, sum_id, sum_a, sum_len, max_t;
    double min_b, max_b;
} aggregates;

/* bench_parquet's read-all aggregates, one tight loop per column. */
static void aggregate(aggregates *g, const st_batch *b)
{
    for (int c = 0; c < b->n_columns; c++) {
        const char *name = b->schema->fields[c].name;
        const st_vector *v = b->columns[c];
        int64_t n = v->length;
        if (!strcmp(name, "b")) {
            const double *x = (const double *)(const void *)v->values;
            for (int64_t i = 0; i < n; i++)
                if (st_vector_is_valid(v, i)) {
                    g->min_b = x[i] < g->min_b ? x[i] : g->min_b;
                    g->max_b = x[i] > g->max_b ? x[i] : g->max_b;
                }
        } else if (!strcmp(name, "id")) {
            const int64_t *x = (const int64_t *)(const void *)v->values;
            for (int64_t i = 0; i < n; i++)
                if (st_vector_is_valid(v, i))
                    g->sum_id += x[i];
        } else if (!strcmp(name, "t")) {
            const int64_t *x = (const int64_t *)(const void *)v->values;
            for (int64_t i = 0; i < n; i++)
                if (st_vector_is_valid(v, i))
                    g->max_t = x[i] > g->max_t ? x[i] : g->max_t;
        } else if (!strcmp(name, "a")) {
            const int32_t *x = (const int32_t *)(const void *)v->values;
            for (int64_t i = 0; i < n; i++)
                if (st_vector_is_valid(v, i))
                    g->sum_a += x[i];
        } else if (!strcmp(name, "s")) {
            const int32_t *off = (const int32_t *)(const void *)v->values;
            for (int64_t i = 0; i < n; i++)
                if (st_vector_is_valid(v, i))
                    g->sum_len += off[i + 1] - off[i];
        }
    }
    g->count += b->length;
}

static int do_scan(const args *a)
{
    aggregates g = {0, 0, 0, 0, INT64_MIN, DBL_MAX, -DBL_MAX};
    st_table *t;
    st_scan *s;
    st_batch_reader *br;
    st_batch *b;
    int rc;

    double t0 = now();
    if (st_table_open_path(&t, a->dir, NULL) < 0)
        return die("opening the table");
    if (st_table_scan(&s, t, NULL) < 0)
        return die("planning");
    if (st_scan_reader(&br, s) < 0)
        return die("reader");
    while ((rc = st_batch_reader_next(br, &b)) == 0) {
        aggregate(&g, b);
        st_batch_free(b);
    }
    if (rc != ST_ITEROVER)
        return die("reading");
    st_batch_reader_free(br);
    double t1 = now();
    /* sizes from the manifests: the whole file lengths of the planned tasks */
    st_file_info *fi;
    size_t n;
    long long bytes = 0;
    if (st_table_files(t, -1, &fi, &n) < 0)
        return die("files");
    for (size_t i = 0; i < n; i++)
        bytes += fi[i].file_size;
    st_file_infos_free(fi, n);
    printf("seconds=%.6f bytes=%lld check=%lld:%lld:%lld:%.17g:%.17g:%lld:%lld\n", t1 - t0, bytes,
           (long long)g.count, (long long)g.sum_id, (long long)g.sum_a, g.min_b, g.max_b,
           (long long)g.sum_len, (long long)g.max_t);
    st_scan_free(s);
    st_table_free(t);
    return 0;
}

/* The local paths of the data files a full scan reads. */
static int do_files(const args *a)
{
    st_table *t;
    st_scan *s;
    st_scan_task_info ti;
    const char *last = NULL;
    if (st_table_open_path(&t, a->dir, NULL) < 0)
        return die("opening the table");
    if (st_table_scan(&s, t, NULL) < 0)
        return die("planning");
    for (size_t i = 0; i < st_scan_task_count(s); i++) {
        char *local = NULL;
        if (st_scan_task(s, i, &ti) < 0)
            return die("task");
        if (last && !strcmp(last, ti.path))
            continue;
        last = ti.path;
        if (st_local_path(ti.path, &local) < 0)
            return die("local path");
        printf("%s\n", local);
        st_free(local);
    }
    st_scan_free(s);
    st_table_free(t);
    return 0;
}

int main(int argc, char **argv)
{
    args a;
    char threads[16];
    if (parse_args(&a, argc, argv) < 0)
        return usage();
    if (a.threads > 0) {
        /* sizes the process pool; must precede any library call */
        snprintf(threads, sizeof(threads), "%d", a.threads);
        setenv("SUPERTABLE_THREADS", threads, 1);
    }
    if (!strcmp(a.mode, "make"))
        return do_make(&a);
    if (!strcmp(a.mode, "plan"))
        return do_plan(&a);
    if (!strcmp(a.mode, "scan"))
        return do_scan(&a);
    if (!strcmp(a.mode, "files"))
        return do_files(&a);
    return usage();
}
