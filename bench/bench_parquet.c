/* SPDX-License-Identifier: Apache-2.0 */
/*
 * SuperTable's side of the Parquet benchmark (bench/run.sh, data in
 * bench/README.md):
 *
 *   bench_parquet write    --codec zstd|snappy --rows N --threads T --row-group-rows R --out FILE
 *   bench_parquet read-all --threads T --out FILE
 *   bench_parquet read-one --threads T --out FILE
 *
 * Each run does one timed operation and prints
 *   seconds=<float> bytes=<int> check=<v1>:<v2>:...
 * write builds the table in memory first (not timed) and times open..close of
 * the writer; the reads time open..aggregates. T threads exactly: the writer
 * gets its own pool of T (1: the calling thread); the reader's process pool is
 * sized by SUPERTABLE_THREADS before first use.
 */
#include <float.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <supertable/errors.h>
#include <supertable/parquet.h>

typedef struct {
    const char *mode, *codec, *out;
    int64_t rows, rg_rows;
    int threads;
} args;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int die(const char *what)
{
    fprintf(stderr, "bench_parquet: %s: %s\n", what, st_error_last()->message);
    return 1;
}

static int usage(void)
{
    fprintf(stderr, "usage: bench_parquet write|read-all|read-one --out FILE [--codec C] "
                    "[--rows N] [--threads T] [--row-group-rows R]\n");
    return 2;
}

static int parse_args(args *a, int argc, char **argv)
{
    memset(a, 0, sizeof(*a));
    a->codec = "zstd";
    a->rows = 10000000;
    a->rg_rows = 122880;
    a->threads = 1;
    if (argc < 2)
        return -1;
    a->mode = argv[1];
    for (int i = 2; i + 1 < argc; i += 2) {
        const char *k = argv[i], *v = argv[i + 1];
        if (!strcmp(k, "--codec")) a->codec = v;
        else if (!strcmp(k, "--rows")) a->rows = strtoll(v, NULL, 10);
        else if (!strcmp(k, "--threads")) a->threads = atoi(v);
        else if (!strcmp(k, "--row-group-rows")) a->rg_rows = strtoll(v, NULL, 10);
        else if (!strcmp(k, "--out")) a->out = v;
        else return -1;
    }
    return a->out && a->threads >= 1 && a->rows >= 0 ? 0 : -1;
}

static long long file_size(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 ? (long long)sb.st_size : -1;
}

/* ------------------------------------------------------------ write */

/* The table of bench/README.md, built by filling the vectors' buffers directly. */
static int build_table(st_batch **out, st_type *schema, int64_t n)
{
    st_batch *b;
    int64_t *id, *t;
    int32_t *a, *off;
    double *bv;
    uint8_t *s;
    int rc;
    if ((rc = st_batch_new(&b, schema, n)) < 0 ||
        (rc = st_vector_reserve_data(b->columns[3], 8 * n)) < 0)
        return rc;
    id = (int64_t *)(void *)b->columns[0]->values;
    a = (int32_t *)(void *)b->columns[1]->values;
    bv = (double *)(void *)b->columns[2]->values;
    off = (int32_t *)(void *)b->columns[3]->values;
    s = b->columns[3]->data;
    t = (int64_t *)(void *)b->columns[4]->values;
    off[0] = 0;
    for (int64_t i = 0; i < n; i++) {
        id[i] = i;
        a[i] = (int32_t)((i * 7919) % 1000003 - 500000);
        bv[i] = (double)(uint32_t)((uint64_t)i * 2654435761ULL) / 4096.0;
        memcpy(s + 8 * i, "value_", 6);
        s[8 * i + 6] = (uint8_t)('0' + (i % 20) / 10);
        s[8 * i + 7] = (uint8_t)('0' + (i % 20) % 10);
        off[i + 1] = (int32_t)(8 * (i + 1));
        t[i] = 1704067200000000LL + i * 1000000LL;
    }
    for (int c = 0; c < 5; c++)
        b->columns[c]->length = n;
    b->columns[3]->data_len = 8 * n;
    if ((rc = st_batch_seal(b)) < 0) {
        st_batch_free(b);
        return rc;
    }
    *out = b;
    return 0;
}

static int do_write(const args *a)
{
    st_parquet_write_options o = ST_PARQUET_WRITE_OPTIONS_INIT;
    st_parquet_writer *w;
    st_type *schema;
    st_batch *b;
    double t0, t1;

    if (!strcmp(a->codec, "zstd")) o.codec = ST_CODEC_ZSTD;
    else if (!strcmp(a->codec, "snappy")) o.codec = ST_CODEC_SNAPPY;
    else return usage();
    o.row_group_rows = a->rg_rows;
    o.threads = a->threads;
    if (st_schema_parse(&schema, "id long, a int, b double, s string, t timestamp") < 0)
        return die("schema");
    if (build_table(&b, schema, a->rows) < 0)
        return die("building the table");
    t0 = now();
    if (st_parquet_writer_open(&w, a->out, schema, &o) < 0)
        return die("open");
    if (st_parquet_writer_write(w, b) < 0) {
        st_parquet_writer_abort(w);
        return die("write");
    }
    if (st_parquet_writer_close(w, NULL) < 0)
        return die("close");
    t1 = now();
    printf("seconds=%.6f bytes=%lld check=%lld\n", t1 - t0, file_size(a->out), (long long)a->rows);
    st_batch_free(b);
    st_type_free(schema);
    return 0;
}

/* ------------------------------------------------------------ read */

typedef struct {
    int64_t count, sum_id, sum_a, sum_len, max_t;
    double min_b, max_b, sum_b;
} aggregates;

/* One column's share of the aggregates: a tight loop per column, nulls skipped. */
static void aggregate_column(aggregates *g, const char *name, const st_vector *v)
{
    int64_t n = v->length;
    if (!strcmp(name, "b")) {
        const double *x = (const double *)(const void *)v->values;
        for (int64_t i = 0; i < n; i++) {
            if (!st_vector_is_valid(v, i))
                continue;
            g->min_b = x[i] < g->min_b ? x[i] : g->min_b;
            g->max_b = x[i] > g->max_b ? x[i] : g->max_b;
            g->sum_b += x[i];
        }
    } else if (!strcmp(name, "id") || !strcmp(name, "t")) {
        const int64_t *x = (const int64_t *)(const void *)v->values;
        int is_t = name[0] == 't';
        for (int64_t i = 0; i < n; i++) {
            if (!st_vector_is_valid(v, i))
                continue;
            if (is_t)
                g->max_t = x[i] > g->max_t ? x[i] : g->max_t;
            else
                g->sum_id += x[i];
        }
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

static void aggregate(aggregates *g, const st_batch *b, int only_b)
{
    for (int c = 0; c < b->n_columns; c++) {
        const char *name = b->schema->fields[c].name;
        if (!only_b || !strcmp(name, "b"))
            aggregate_column(g, name, b->columns[c]);
    }
    g->count += b->length;
}

static int do_read(const args *a, int only_b)
{
    st_parquet_read_options o = ST_PARQUET_READ_OPTIONS_INIT;
    aggregates g = {0, 0, 0, 0, INT64_MIN, DBL_MAX, -DBL_MAX, 0};
    const char *cols[] = {"b"};
    st_parquet_reader *r;
    st_batch_reader *br;
    st_batch *b;
    double t0, t1;
    int rc;

    o.threads = a->threads == 1 ? 1 : 0;
    t0 = now();
    if (st_parquet_reader_open(&r, a->out, &o) < 0)
        return die("open");
    if (only_b && st_parquet_reader_select(r, cols, 1) < 0)
        return die("select");
    if (st_parquet_reader_batches(&br, r) < 0)
        return die("batches");
    while ((rc = st_batch_reader_next(br, &b)) == 0) {
        aggregate(&g, b, only_b);
        st_batch_free(b);
    }
    if (rc != ST_ITEROVER)
        return die("read");
    st_batch_reader_free(br);
    st_parquet_reader_free(r);
    t1 = now();
    if (only_b)
        printf("seconds=%.6f bytes=%lld check=%lld:%.17g:%.17g\n", t1 - t0, file_size(a->out),
               (long long)g.count, g.min_b, g.max_b);
    else
        printf("seconds=%.6f bytes=%lld check=%lld:%lld:%lld:%.17g:%.17g:%lld:%lld\n", t1 - t0,
               file_size(a->out), (long long)g.count, (long long)g.sum_id, (long long)g.sum_a,
               g.min_b, g.max_b, (long long)g.sum_len, (long long)g.max_t);
    return 0;
}

int main(int argc, char **argv)
{
    args a;
    char threads[16];
    if (parse_args(&a, argc, argv) < 0)
        return usage();
    /* Sizes the process pool the reader uses; must precede any library call. */
    snprintf(threads, sizeof(threads), "%d", a.threads);
    setenv("SUPERTABLE_THREADS", threads, 1);
    if (!strcmp(a.mode, "write"))
        return do_write(&a);
    if (!strcmp(a.mode, "read-all"))
        return do_read(&a, 0);
    if (!strcmp(a.mode, "read-one"))
        return do_read(&a, 1);
    return usage();
}
