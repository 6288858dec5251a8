/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Position-delete files: Spark's and Java's files from the fixtures (with the
 * rows that survive in Java's data file), files we write (several data files,
 * many row groups, unsorted rows, long paths with truncated statistics, the
 * optional `row` column), row-group skipping, and malformed files.
 */
#include "st_test.h"

#include <supertable/errors.h>
#include <supertable/parquet.h>
#include <supertable/sys/alloc.h>

#include "scan/deletes.h"

#define SPARK_DEL "iceberg-fixtures/icebird-spark-bunnies/data/" \
    "00000-3-6fdcdaeb-591f-4ae0-a39a-75c7fba53907-00001-deletes.parquet"
#define SPARK_DATA "s3a://hyperparam-iceberg/spark/bunnies/data/" \
    "00000-1-9acc37f2-90ae-42f5-915c-a21c3cb99690-00001.parquet"
#define JAVA_DEL "iceberg-fixtures/icebird-java-bunnies/data/bunnies-pos-deletes.parquet"
#define JAVA_DATA "s3a://hyperparam-iceberg/java/bunnies/data/bunnies-initial.parquet"

typedef struct del_row {
    const char *file;
    int64_t pos;
} del_row;

static st_type *posdel_schema(int with_row, int nullable)
{
    st_type *row_t = NULL, *s;
    st_field row_fields[1] = {{100, "id", 0, st_type_primitive(ST_TYPE_LONG), NULL}};
    st_field f[3] = {
        {2147483546, "file_path", !nullable, st_type_primitive(ST_TYPE_STRING), NULL},
        {2147483545, "pos", !nullable, st_type_primitive(ST_TYPE_LONG), NULL},
        {2147483544, "row", 0, NULL, NULL},
    };
    if (with_row) {
        st_pass(st_type_struct_new(&row_t, row_fields, 1));
        f[2].type = row_t;
    }
    st_pass(st_type_struct_new(&s, f, with_row ? 3 : 2));
    st_type_free(row_t);
    return s;
}

/* Writes rows (file NULL: a null path) as a position-delete file. */
static void write_posdel(const char *path, const del_row *rows, int n, int64_t rg_rows,
                         int with_row)
{
    st_type *schema = posdel_schema(with_row, 1);
    st_parquet_write_options o = ST_PARQUET_WRITE_OPTIONS_INIT;
    st_parquet_writer *w;
    st_batch *b;
    o.row_group_rows = rg_rows;
    o.codec = ST_CODEC_UNCOMPRESSED;
    st_pass(st_batch_new(&b, schema, n));
    for (int i = 0; i < n; i++) {
        if (rows[i].file)
            st_pass(st_vector_append_bytes(b->columns[0], rows[i].file, strlen(rows[i].file)));
        else
            st_pass(st_vector_append_null(b->columns[0]));
        st_pass(st_vector_append_i64(b->columns[1], rows[i].pos));
        if (with_row) {
            st_pass(st_vector_append_i64(b->columns[2]->children[0], rows[i].pos * 10));
            st_pass(st_vector_append_nested(b->columns[2]));
        }
    }
    st_pass(st_batch_seal(b));
    st_pass(st_parquet_writer_open(&w, path, schema, &o));
    st_pass(st_parquet_writer_write(w, b));
    st_pass(st_parquet_writer_close(w, NULL));
    st_batch_free(b);
    st_type_free(schema);
}

static void free_sets(st_posset **sets, int n)
{
    for (int i = 0; i < n; i++)
        st_posset_free(sets[i]);
}

void test_scan_posdel__spark_fixture(void)
{
    const char *paths[3] = {"s3a://hyperparam-iceberg/spark/bunnies/data/0", SPARK_DATA,
                            "s3a://hyperparam-iceberg/spark/bunnies/data/z"};
    st_posset *sets[3] = {NULL, NULL, NULL};
    st_pass(st_posdel_read(st_test_resource(SPARK_DEL), paths, sets, 3));
    st_assert(sets[0] == NULL && sets[2] == NULL);
    st_assert(sets[1] != NULL);
    st_pass(st_posset_seal(sets[1]));
    st_assert_eq_i64(st_posset_count(sets[1]), 1);
    st_assert(st_posset_contains(sets[1], 0));
    free_sets(sets, 3);

    /* a path not in the file: nothing */
    paths[0] = "s3a://other/data/x.parquet";
    st_pass(st_posdel_read(st_test_resource(SPARK_DEL), paths, sets, 1));
    st_assert(sets[0] == NULL);
}

void test_scan_posdel__java_fixture(void)
{
    const char *paths[1] = {JAVA_DATA};
    st_posset *sets[1] = {NULL};
    st_parquet_reader *r;
    st_batch *b;
    int32_t id = 1;   /* Breed Name */
    uint8_t *keep;
    int64_t n, kept = 0, idx = 0;
    st_pass(st_posdel_read(st_test_resource(JAVA_DEL), paths, sets, 1));
    st_pass(st_posset_seal(sets[0]));
    st_assert_eq_i64(st_posset_count(sets[0]), 6);
    for (int64_t p = 0; p < 21; p++)
        st_assert_eq_i64(st_posset_contains(sets[0], p),
                         (p >= 2 && p <= 6) || p == 11);

    /* v4 of the README: 15 rows; row index 2 is American Fuzzy Lop, and
     * New Zealand (the last row) survives */
    st_pass(st_parquet_reader_open(&r, st_test_resource("iceberg-fixtures/icebird-java-bunnies/"
                                                        "data/bunnies-initial.parquet"), NULL));
    st_pass(st_parquet_reader_select_ids(r, &id, 1));
    st_pass(st_parquet_reader_read_row_group(&b, r, 0));
    n = b->length;
    st_assert_eq_i64(n, 21);
    keep = malloc((size_t)n);
    memset(keep, 1, (size_t)n);
    st_posset_clear(sets[0], 0, n, keep);
    for (int64_t i = 0; i < n; i++) {
        size_t len;
        const uint8_t *s = st_vector_get_bytes(b->columns[0], i, &len);
        if (!keep[i])
            continue;
        if (idx == 0)
            st_assert(len == 11 && memcmp(s, "Holland Lop", 11) == 0);
        if (idx == 2)
            st_assert(len == 18 && memcmp(s, "American Fuzzy Lop", 18) == 0);
        if (i == 20)
            st_assert(len == 11 && memcmp(s, "New Zealand", 11) == 0);
        idx++;
        kept++;
    }
    st_assert_eq_i64(kept, 15);
    free(keep);
    st_batch_free(b);
    st_parquet_reader_free(r);
    free_sets(sets, 1);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static uint64_t rng(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

/* Many data files over many row groups, read with every kind of subset. */
static void many_files(int long_paths, int shuffle)
{
    enum { NF = 40, PER = 300 };
    char *names[NF];
    del_row *rows = malloc(sizeof(del_row) * NF * PER);
    uint8_t *ref = calloc(NF, 1000);
    const char *path = st_test_path("pd.parquet");
    uint64_t seed = 77;
    int n = 0;
    for (int f = 0; f < NF; f++) {
        char buf[200];
        if (long_paths)   /* the first 64 bytes are shared: statistics get truncated */
            snprintf(buf, sizeof(buf), "s3://bucket/%070d/data/f%03d.parquet", 0, f);
        else
            snprintf(buf, sizeof(buf), "s3://bucket/data/f%03d.parquet", f);
        names[f] = strdup(buf);
    }
    qsort(names, NF, sizeof(char *), cmp_str);
    for (int f = 0; f < NF; f++)
        for (int k = 0; k < PER; k++) {
            int64_t p = (int64_t)(rng(&seed) % 1000);
            rows[n].file = names[f];
            rows[n].pos = p;
            ref[f * 1000 + p] = 1;
            n++;
        }
    if (shuffle)
        for (int i = n - 1; i > 0; i--) {
            int j = (int)(rng(&seed) % (uint64_t)(i + 1));
            del_row t = rows[i];
            rows[i] = rows[j];
            rows[j] = t;
        }
    write_posdel(path, rows, n, 500, 0);
    for (int trial = 0; trial < 30; trial++) {
        const char *want[NF + 2];
        int map[NF + 2], nw = 0;
        st_posset *sets[NF + 2];
        for (int f = 0; f < NF; f++)
            if (trial == 0 || rng(&seed) % 5 == 0) {
                map[nw] = f;
                want[nw++] = names[f];
            }
        if (nw == 0)
            continue;
        memset(sets, 0, sizeof(sets));
        st_pass(st_posdel_read(path, want, sets, nw));
        for (int i = 0; i < nw; i++) {
            int64_t cnt = 0;
            st_assert(sets[i] != NULL);
            st_pass(st_posset_seal(sets[i]));
            for (int p = 0; p < 1000; p++) {
                cnt += ref[map[i] * 1000 + p];
                if (st_posset_contains(sets[i], p) != ref[map[i] * 1000 + p])
                    st_assert_msg(0, "file %d position %d", map[i], p);
            }
            st_assert_eq_i64(st_posset_count(sets[i]), cnt);
        }
        free_sets(sets, nw);
    }
    for (int f = 0; f < NF; f++)
        free(names[f]);
    free(rows);
    free(ref);
}

void test_scan_posdel__many_files_sorted(void)
{
    many_files(0, 0);
}

void test_scan_posdel__many_files_shuffled(void)
{
    many_files(0, 1);
}

void test_scan_posdel__long_paths_truncated_stats(void)
{
    many_files(1, 0);
}

/* Prefixes of one another, empty paths and paths between row groups. */
void test_scan_posdel__path_edges(void)
{
    const del_row rows[] = {
        {"", 1}, {"a", 2}, {"a", 3}, {"a/b", 4}, {"a/b.x", 5}, {"a/b.x", 6}, {"b", 7},
        {"\xc3\xa9t\xc3\xa9", 8},
    };
    const char *path = st_test_path("edges.parquet");
    const char *want[] = {"", "a/b", "a/b.", "a/b.x", "ab", "\xc3\xa9t\xc3\xa9"};
    st_posset *sets[6] = {0};
    write_posdel(path, rows, 8, 2, 0);
    st_pass(st_posdel_read(path, want, sets, 6));
    st_assert(sets[2] == NULL && sets[4] == NULL);
    for (int i = 0; i < 6; i++)
        if (sets[i])
            st_pass(st_posset_seal(sets[i]));
    st_assert(st_posset_count(sets[0]) == 1 && st_posset_contains(sets[0], 1));
    st_assert(st_posset_count(sets[1]) == 1 && st_posset_contains(sets[1], 4));
    st_assert(st_posset_count(sets[3]) == 2 && st_posset_contains(sets[3], 5) &&
              st_posset_contains(sets[3], 6));
    st_assert(st_posset_count(sets[5]) == 1 && st_posset_contains(sets[5], 8));
    free_sets(sets, 6);
}

void test_scan_posdel__row_column_ignored(void)
{
    const del_row rows[] = {{"f1", 3}, {"f1", 9}, {"f2", 1}};
    const char *path = st_test_path("withrow.parquet");
    const char *want[] = {"f1", "f2"};
    st_posset *sets[2] = {0};
    write_posdel(path, rows, 3, 0, 1);
    st_pass(st_posdel_read(path, want, sets, 2));
    st_pass(st_posset_seal(sets[0]));
    st_pass(st_posset_seal(sets[1]));
    st_assert_eq_i64(st_posset_count(sets[0]), 2);
    st_assert(st_posset_contains(sets[0], 3) && st_posset_contains(sets[0], 9));
    st_assert_eq_i64(st_posset_count(sets[1]), 1);
    free_sets(sets, 2);
}

/* A damaged page in a row group that bounds exclude is never read. */
void test_scan_posdel__skips_row_groups(void)
{
    const del_row rows[] = {{"f1", 1}, {"f1", 2}, {"f2", 3}, {"f2", 4}, {"f4", 5}, {"f4", 6}};
    const char *path = st_test_path("skip.parquet");
    const char *want_ok[] = {"f1", "f3", "f5"}, *want_bad[] = {"f2"};
    st_posset *sets[3] = {0};
    st_parquet_reader *r;
    st_parquet_chunk_info ci;
    size_t len;
    uint8_t *bytes;
    FILE *f;
    write_posdel(path, rows, 6, 2, 0);   /* row groups: f1 | f2 | f4 */
    st_pass(st_parquet_reader_open(&r, path, NULL));
    st_assert_eq_i64(st_parquet_reader_num_row_groups(r), 3);
    st_pass(st_parquet_reader_chunk_info(r, 1, 1, &ci));
    st_parquet_reader_free(r);
    bytes = st_test_read_file(path, &len);
    bytes[ci.data_page_offset + ci.compressed_size - 2] ^= 0xFF;
    f = fopen(path, "wb");
    fwrite(bytes, 1, len, f);
    fclose(f);
    free(bytes);

    st_pass(st_posdel_read(path, want_ok, sets, 3));
    st_assert(sets[0] != NULL && sets[1] == NULL && sets[2] == NULL);
    st_pass(st_posset_seal(sets[0]));
    st_assert_eq_i64(st_posset_count(sets[0]), 2);
    free_sets(sets, 3);
    memset(sets, 0, sizeof(sets));
    st_fail_with(ST_ECORRUPT, st_posdel_read(path, want_bad, sets, 1));
    free_sets(sets, 1);
}

void test_scan_posdel__bad_files(void)
{
    const char *want[] = {"f1"};
    st_posset *sets[1] = {NULL};
    const del_row null_path[] = {{"f1", 1}, {NULL, 2}};
    const del_row negative[] = {{"f1", 1}, {"f1", -2}};
    const char *path = st_test_path("bad.parquet");

    st_fail_with(ST_ENOTFOUND, st_posdel_read(st_test_path("missing.parquet"), want, sets, 1));
    /* a data file, not a delete file */
    st_fail_with(ST_ECORRUPT, st_posdel_read(st_test_resource("iceberg-fixtures/"
                 "icebird-java-bunnies/data/bunnies-initial.parquet"), want, sets, 1));
    st_assert_contains(st_error_last()->message, "bunnies-initial.parquet");
    st_assert_contains(st_error_last()->message, "file_path");

    write_posdel(path, null_path, 2, 0, 0);
    st_fail_with(ST_ECORRUPT, st_posdel_read(path, want, sets, 1));
    st_assert_contains(st_error_last()->message, "row 1 has a null file_path");
    free_sets(sets, 1);
    sets[0] = NULL;

    write_posdel(path, negative, 2, 0, 0);
    st_fail_with(ST_ECORRUPT, st_posdel_read(path, want, sets, 1));
    st_assert_contains(st_error_last()->message, "position -2");
    free_sets(sets, 1);
    sets[0] = NULL;

    /* not Parquet at all */
    {
        FILE *f = fopen(path, "wb");
        fputs("not parquet", f);
        fclose(f);
    }
    st_fail_with(ST_ECORRUPT, st_posdel_read(path, want, sets, 1));
    st_pass(st_posdel_read(path, want, sets, 0));   /* nothing wanted: nothing read */
}

static int read_some(const char *path, const char *const *want, int n, int64_t *count)
{
    st_posset *sets[2] = {0};
    int rc = st_posdel_read(path, want, sets, n);
    *count = 0;
    for (int i = 0; rc == 0 && i < n; i++)
        if (sets[i] && (rc = st_posset_seal(sets[i])) == 0)
            *count += st_posset_count(sets[i]);
    free_sets(sets, n);
    return rc;
}

void test_scan_posdel__alloc_failures(void)
{
    const del_row rows[] = {{"f1", 1}, {"f1", 70000}, {"f2", 3}, {"f3", 4}};
    const char *path = st_test_path("af.parquet");
    const char *want[] = {"f1", "f3"};
    int64_t count;
    long n;
    write_posdel(path, rows, 4, 2, 0);
    for (n = 0;; n++) {
        long done;
        int rc;
        st_assert_msg(n < 100000, "the allocation sweep does not end");
        st_alloc_fail_after(n);
        rc = read_some(path, want, 2, &count);
        done = st_alloc_fail_after(-1);
        if (rc == 0) {
            st_assert_eq_i64(count, 3);
            if (done <= n)
                break;
            continue;
        }
        st_assert_msg(rc == ST_ENOMEM, "failing allocation %ld gave %d (%s)", n, rc,
                      st_error_last()->message);
    }
    st_assert(n > 10);
}
