/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Parquet reader against the parquet-testing files: every file reads with valid
 * vectors and the right row count, values match the expected CSVs and known
 * contents, bad files fail with a clear error, projection and pruning work.
 */
#include "st_test.h"

#include <dirent.h>
#include <stdlib.h>
#include <supertable/errors.h>
#include <supertable/parquet.h>
#include "util/alloc.h"
#include "util/buf.h"

#define PT(name) st_test_resource("parquet-testing/" name)

/* Reads every batch of an open reader; returns total rows and checks each vector. */
static int64_t read_all(st_parquet_reader *r)
{
    st_batch_reader *br;
    st_batch *b;
    int64_t rows = 0;
    int rc;
    st_pass(st_parquet_reader_batches(&br, r));
    while ((rc = st_batch_reader_next(br, &b)) == 0) {
        for (int i = 0; i < b->n_columns; i++) {
            st_pass(st_vector_validate(b->columns[i]));
            st_assert_eq_i64(b->columns[i]->length, b->length);
        }
        rows += b->length;
        st_batch_free(b);
    }
    st_batch_reader_free(br);
    st_assert_eq_i64(rc, ST_ITEROVER);
    return rows;
}

static int read_file(const char *path, int64_t *rows)
{
    st_parquet_reader *r;
    st_batch_reader *br;
    st_batch *b;
    int rc;
    *rows = 0;
    if ((rc = st_parquet_reader_open(&r, path, NULL)) < 0)
        return rc;
    if ((rc = st_parquet_reader_batches(&br, r)) == 0) {
        while ((rc = st_batch_reader_next(br, &b)) == 0) {
            for (int i = 0; i < b->n_columns && rc == 0; i++)
                rc = st_vector_validate(b->columns[i]);
            *rows += b->length;
            st_batch_free(b);
            if (rc < 0)
                break;
        }
        st_batch_reader_free(br);
        if (rc == ST_ITEROVER)
            rc = 0;
    }
    st_parquet_reader_free(r);
    return rc;
}

void test_parquet_reader__every_fixture_reads(void)
{
    DIR *d = opendir(st_test_resource("parquet-testing"));
    struct dirent *e;
    int n = 0;
    st_assert(d != NULL);
    while ((e = readdir(d)) != NULL) {
        char path[1024];
        st_parquet_reader *r;
        int64_t rows;
        size_t l = strlen(e->d_name);
        int rc;
        if (l < 8 || strcmp(e->d_name + l - 8, ".parquet") != 0)
            continue;
        snprintf(path, sizeof(path), "%s/%s", st_test_resource("parquet-testing"), e->d_name);
        rc = read_file(path, &rows);
        /* Files whose pages are broken on purpose must fail, cleanly. */
        if (strstr(e->d_name, "corrupt-checksum") || strstr(e->d_name, "dict-malformed")) {
            st_assert_msg(rc == ST_ECORRUPT, "%s: expected ST_ECORRUPT, got %d", e->d_name, rc);
            continue;
        }
        st_assert_msg(rc == 0, "%s: %s", e->d_name, st_error_last()->message);
        st_pass(st_parquet_reader_open(&r, path, NULL));
        st_assert_msg(rows == st_parquet_reader_num_rows(r), "%s: %lld rows, footer says %lld",
                      e->d_name, (long long)rows, (long long)st_parquet_reader_num_rows(r));
        st_parquet_reader_free(r);
        n++;
    }
    closedir(d);
    st_assert(n >= 60);
}

void test_parquet_reader__bad_data_fails_cleanly(void)
{
    static const char *files[] = {
        "ARROW-GH-41317.parquet", "ARROW-GH-41321.parquet", "ARROW-GH-45185.parquet",
        "ARROW-GH-47662.parquet", "ARROW-RS-GH-6229-DICTHEADER.parquet",
        "ARROW-RS-GH-6229-LEVELS.parquet", "PARQUET-1481.parquet"};
    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        char path[1024];
        int64_t rows;
        int rc;
        snprintf(path, sizeof(path), "%s/bad_data/%s", st_test_resource("parquet-testing"),
                 files[i]);
        st_error_clear();
        rc = read_file(path, &rows);
        st_assert_msg(rc == ST_ECORRUPT, "%s: expected ST_ECORRUPT, got %d (%s)", files[i], rc,
                      st_error_last()->message);
        st_assert_msg(strstr(st_error_last()->message, files[i]) != NULL,
                      "%s: message does not name the file: %s", files[i],
                      st_error_last()->message);
    }
}

void test_parquet_reader__bad_data_43605_bit_width_zero(void)
{
    /* RLE dictionary indices with bit width 0 are valid: every index is 0. */
    int64_t rows;
    char path[1024];
    snprintf(path, sizeof(path), "%s/bad_data/ARROW-GH-43605.parquet",
             st_test_resource("parquet-testing"));
    st_pass(read_file(path, &rows));
    st_assert_eq_i64(rows, 21186);
}

void test_parquet_reader__not_parquet(void)
{
    st_parquet_reader *r;
    st_fail_with(ST_ECORRUPT, st_parquet_reader_open(&r, PT("README.md"), NULL));
    st_assert_contains(st_error_last()->message, "not a valid Parquet file");
    st_fail_with(ST_ENOTFOUND, st_parquet_reader_open(&r, PT("nope.parquet"), NULL));
    st_assert(r == NULL);
}

/* A truncated copy of a real file fails with ST_ECORRUPT at every length. */
void test_parquet_reader__truncated_files(void)
{
    size_t len;
    uint8_t *data = st_test_read_file(PT("alltypes_plain.snappy.parquet"), &len);
    for (size_t cut = 0; cut < len; cut += 7) {
        st_input *in;
        st_parquet_reader *r;
        int rc;
        st_pass(st_input_open_memory(&in, data, cut, "cut"));
        rc = st_parquet_reader_open_input(&r, in, NULL);
        if (rc == 0) {
            /* The footer survived (cut inside the data): decoding must fail or succeed cleanly. */
            st_batch *b;
            for (int g = 0; g < st_parquet_reader_num_row_groups(r); g++)
                if (st_parquet_reader_read_row_group(&b, r, g) == 0)
                    st_batch_free(b);
            st_parquet_reader_free(r);
        } else {
            st_assert_msg(rc == ST_ECORRUPT, "cut %zu: rc %d", cut, rc);
        }
    }
    free(data);
}

/* Flips bytes of real files; decoding must never crash or leak (ASan checks). */
void test_parquet_reader__byte_flips(void)
{
    static const char *files[] = {"alltypes_plain.parquet", "datapage_v2.snappy.parquet",
                                  "nested_lists.snappy.parquet", "delta_byte_array.parquet",
                                  "nullable.impala.parquet", "byte_stream_split.zstd.parquet"};
    uint64_t seed = 42;
    for (size_t f = 0; f < sizeof(files) / sizeof(files[0]); f++) {
        char path[1024];
        size_t len;
        uint8_t *orig, *data;
        snprintf(path, sizeof(path), "%s/%s", st_test_resource("parquet-testing"), files[f]);
        orig = st_test_read_file(path, &len);
        data = malloc(len);
        for (int iter = 0; iter < 300; iter++) {
            st_input *in;
            st_parquet_reader *r;
            memcpy(data, orig, len);
            for (int k = 0; k < 1 + iter % 4; k++) {
                seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
                data[(seed >> 33) % len] ^= (uint8_t)(1u << ((seed >> 20) & 7));
            }
            st_pass(st_input_open_memory(&in, data, len, files[f]));
            if (st_parquet_reader_open_input(&r, in, NULL) == 0) {
                st_batch *b;
                for (int g = 0; g < st_parquet_reader_num_row_groups(r); g++)
                    if (st_parquet_reader_read_row_group(&b, r, g) == 0)
                        st_batch_free(b);
                st_parquet_reader_free(r);
            }
        }
        free(data);
        free(orig);
    }
}

/* ------------------------------------------------------------ values */

/* Formats value i of a flat vector as the CSV fixtures spell it. */
static void fmt_value(st_buf *out, const st_vector *v, int64_t i)
{
    if (!st_vector_is_valid(v, i))
        return;
    switch (v->type->id) {
    case ST_TYPE_INT: st_buf_printf(out, "%d", st_vector_get_i32(v, i)); break;
    case ST_TYPE_LONG: st_buf_printf(out, "%lld", (long long)st_vector_get_i64(v, i)); break;
    case ST_TYPE_STRING: case ST_TYPE_BINARY: {
        size_t n;
        const uint8_t *p = st_vector_get_bytes(v, i, &n);
        st_buf_put(out, p, n);
        break;
    }
    default: st_buf_puts(out, "?"); break;
    }
}

/* Splits one CSV line (with "quoted" fields) into fields; returns the count. */
static int split_csv(char *line, char **fields, int max)
{
    int n = 0;
    char *p = line;
    while (n < max) {
        char *start;
        if (*p == '"') {
            start = ++p;
            while (*p && *p != '"')
                p++;
            if (*p)
                *p++ = 0;
        } else {
            start = p;
            while (*p && *p != ',' && *p != '\n' && *p != '\r')
                p++;
        }
        fields[n++] = start;
        if (*p == ',') {
            *p++ = 0;
            continue;
        }
        *p = 0;
        break;
    }
    return n;
}

/* Compares every value of a file with its _expect.csv (nulls are empty fields). */
static void check_against_csv(const char *parquet, const char *csv)
{
    st_parquet_reader *r;
    st_batch *b;
    FILE *f;
    char line[65536];
    char *fields[256];
    int64_t row = 0;
    st_buf cell = ST_BUF_INIT;

    st_pass(st_parquet_reader_open(&r, parquet, NULL));
    st_assert_eq_i64(st_parquet_reader_num_row_groups(r), 1);
    st_pass(st_parquet_reader_read_row_group(&b, r, 0));
    f = fopen(csv, "r");
    st_assert(f != NULL);
    st_assert(fgets(line, sizeof(line), f) != NULL); /* header */
    while (fgets(line, sizeof(line), f)) {
        int n = split_csv(line, fields, 256);
        st_assert_eq_i64(n, b->n_columns);
        for (int c = 0; c < n; c++) {
            st_buf_clear(&cell);
            fmt_value(&cell, b->columns[c], row);
            st_assert_msg(strcmp(st_buf_cstr(&cell), fields[c]) == 0,
                          "%s row %lld column %d: got '%s', expected '%s'", parquet,
                          (long long)row, c, st_buf_cstr(&cell), fields[c]);
        }
        row++;
    }
    fclose(f);
    st_assert_eq_i64(row, b->length);
    st_buf_dispose(&cell);
    st_batch_free(b);
    st_parquet_reader_free(r);
}

void test_parquet_reader__delta_binary_packed_values(void)
{
    check_against_csv(PT("delta_binary_packed.parquet"), PT("delta_binary_packed_expect.csv"));
}

void test_parquet_reader__delta_byte_array_values(void)
{
    check_against_csv(PT("delta_byte_array.parquet"), PT("delta_byte_array_expect.csv"));
}

void test_parquet_reader__delta_optional_values(void)
{
    check_against_csv(PT("delta_encoding_optional_column.parquet"),
                      PT("delta_encoding_optional_column_expect.csv"));
}

void test_parquet_reader__delta_required_values(void)
{
    check_against_csv(PT("delta_encoding_required_column.parquet"),
                      PT("delta_encoding_required_column_expect.csv"));
}

void test_parquet_reader__alltypes_plain(void)
{
    static const int32_t ids[] = {4, 5, 6, 7, 2, 3, 0, 1};
    st_parquet_reader *r;
    st_batch *b;
    st_type *s;
    st_pass(st_parquet_reader_open(&r, PT("alltypes_plain.parquet"), NULL));
    s = st_parquet_reader_file_schema(r);
    st_assert_eq_i64(s->n_fields, 11);
    st_assert_eq_str(s->fields[0].name, "id");
    st_assert_eq_i64(s->fields[0].type->id, ST_TYPE_INT);
    st_assert_eq_i64(s->fields[1].type->id, ST_TYPE_BOOLEAN);
    st_assert_eq_i64(s->fields[10].type->id, ST_TYPE_TIMESTAMPTZ); /* INT96 */
    st_assert_eq_i64(s->fields[0].id, ST_FIELD_ID_NONE);
    st_pass(st_parquet_reader_read_row_group(&b, r, 0));
    st_assert_eq_i64(b->length, 8);
    for (int i = 0; i < 8; i++) {
        st_assert_eq_i64(st_vector_get_i32(b->columns[0], i), ids[i]);
        st_assert_eq_i64(st_vector_get_bool(b->columns[1], i), i % 2 == 0);
        st_assert_eq_dbl(st_vector_get_f64(b->columns[7], i), (ids[i] % 2) * 10.1);
        st_assert(st_vector_get_f32(b->columns[6], i) == (float)((ids[i] % 2) * 1.1f));
    }
    /* INT96: 2009-01-01 00:00:00 for id 0 (row 6), 2009-03-01 00:01:00 for id 5. */
    st_assert_eq_i64(st_vector_get_i64(b->columns[10], 6), 1230768000000000LL);
    st_assert_eq_i64(st_vector_get_i64(b->columns[10], 1), 1235865660000000LL);
    st_batch_free(b);
    st_parquet_reader_free(r);
}

void test_parquet_reader__datapage_v2_nested_list(void)
{
    st_parquet_reader *r;
    st_batch *b;
    st_vector *e, *el;
    int64_t lo, hi;
    st_pass(st_parquet_reader_open(&r, PT("datapage_v2.snappy.parquet"), NULL));
    st_pass(st_parquet_reader_read_row_group(&b, r, 0));
    st_assert_eq_i64(b->length, 5);
    e = b->columns[4];
    st_assert_eq_i64(e->type->id, ST_TYPE_LIST);
    el = e->children[0];
    st_assert(st_vector_is_valid(e, 0));
    st_vector_get_range(e, 0, &lo, &hi);
    st_assert_eq_i64(hi - lo, 3);
    st_assert_eq_i64(st_vector_get_i32(el, lo), 1);
    st_assert_eq_i64(st_vector_get_i32(el, lo + 2), 3);
    st_batch_free(b);
    st_parquet_reader_free(r);
}

void test_parquet_reader__old_list_structure(void)
{
    /* Legacy 2-level list of lists: [[1, 2], [3, 4]]. */
    st_parquet_reader *r;
    st_batch *b;
    st_vector *outer, *inner;
    int64_t lo, hi;
    st_pass(st_parquet_reader_open(&r, PT("old_list_structure.parquet"), NULL));
    st_pass(st_parquet_reader_read_row_group(&b, r, 0));
    outer = b->columns[0];
    st_assert_eq_i64(outer->type->id, ST_TYPE_LIST);
    st_vector_get_range(outer, 0, &lo, &hi);
    st_assert_eq_i64(hi - lo, 2);
    inner = outer->children[0];
    st_assert_eq_i64(inner->type->id, ST_TYPE_LIST);
    st_vector_get_range(inner, 1, &lo, &hi);
    st_assert_eq_i64(hi - lo, 2);
    st_assert_eq_i64(st_vector_get_i32(inner->children[0], lo), 3);
    st_assert_eq_i64(st_vector_get_i32(inner->children[0], lo + 1), 4);
    st_batch_free(b);
    st_parquet_reader_free(r);
}

void test_parquet_reader__checksums(void)
{
    int64_t rows;
    st_pass(read_file(PT("datapage_v1-snappy-compressed-checksum.parquet"), &rows));
    st_assert_eq_i64(rows, 5120);
    st_pass(read_file(PT("rle-dict-snappy-checksum.parquet"), &rows));
    st_fail_with(ST_ECORRUPT, read_file(PT("datapage_v1-corrupt-checksum.parquet"), &rows));
    st_assert_contains(st_error_last()->message, "checksum");
    st_fail_with(ST_ECORRUPT, read_file(PT("rle-dict-uncompressed-corrupt-checksum.parquet"),
                                        &rows));
    {
        /* Verification can be turned off. */
        st_parquet_read_options o = ST_PARQUET_READ_OPTIONS_INIT;
        st_parquet_reader *r;
        o.skip_checksums = 1;
        st_pass(st_parquet_reader_open(&r, PT("datapage_v1-corrupt-checksum.parquet"), &o));
        st_assert_eq_i64(read_all(r), 5120);
        st_parquet_reader_free(r);
    }
}

void test_parquet_reader__projection(void)
{
    st_parquet_reader *r;
    st_batch *b;
    const char *cols[] = {"string_col", "id"};
    const char *bad[] = {"nope"};
    st_pass(st_parquet_reader_open(&r, PT("alltypes_plain.parquet"), NULL));
    st_pass(st_parquet_reader_select(r, cols, 2));
    /* File order, not request order. */
    st_assert_eq_i64(st_parquet_reader_schema(r)->n_fields, 2);
    st_assert_eq_str(st_parquet_reader_schema(r)->fields[0].name, "id");
    st_pass(st_parquet_reader_read_row_group(&b, r, 0));
    st_assert_eq_i64(b->n_columns, 2);
    st_assert_eq_i64(b->columns[1]->type->id, ST_TYPE_BINARY);
    st_batch_free(b);
    st_fail_with(ST_ENOTFOUND, st_parquet_reader_select(r, bad, 1));
    st_assert_contains(st_error_last()->message, "nope");
    /* The old projection survives a failed select. */
    st_assert_eq_i64(st_parquet_reader_schema(r)->n_fields, 2);
    st_parquet_reader_free(r);
}

void test_parquet_reader__nested_projection(void)
{
    st_parquet_reader *r;
    st_batch *b;
    st_type *s;
    const char *cols[] = {"nested_struct.A"};
    st_pass(st_parquet_reader_open(&r, PT("nullable.impala.parquet"), NULL));
    s = st_parquet_reader_file_schema(r);
    st_assert(st_type_field_index(s, "nested_struct") >= 0);
    st_pass(st_parquet_reader_select(r, cols, 1));
    s = st_parquet_reader_schema(r);
    st_assert_eq_i64(s->n_fields, 1);
    st_assert_eq_i64(s->fields[0].type->id, ST_TYPE_STRUCT);
    st_assert_eq_i64(s->fields[0].type->n_fields, 1);
    st_assert_eq_str(s->fields[0].type->fields[0].name, "A");
    st_pass(st_parquet_reader_read_row_group(&b, r, 0));
    st_assert_eq_i64(b->length, 7);
    st_pass(st_vector_validate(b->columns[0]));
    st_batch_free(b);
    st_parquet_reader_free(r);
}

void test_parquet_reader__row_group_pruning(void)
{
    st_parquet_reader *r;
    st_pass(st_parquet_reader_open(&r, PT("sort_columns.parquet"), NULL));
    st_assert_eq_i64(st_parquet_reader_num_row_groups(r), 2);
    st_pass(st_parquet_reader_add_filter(r, "a", ST_CMP_GT, "1000000"));
    st_assert_eq_i64(st_parquet_reader_row_group_matches(r, 0), 0);
    st_assert_eq_i64(st_parquet_reader_row_group_matches(r, 1), 0);
    st_assert_eq_i64(read_all(r), 0);
    st_parquet_reader_free(r);

    st_pass(st_parquet_reader_open(&r, PT("int32_with_null_pages.parquet"), NULL));
    st_pass(st_parquet_reader_add_filter(r, "int32_field", ST_CMP_IS_NULL, NULL));
    st_assert_eq_i64(st_parquet_reader_row_group_matches(r, 0), 1);
    st_fail_with(ST_EINVALID, st_parquet_reader_add_filter(r, "int32_field", ST_CMP_LT, "abc"));
    st_fail_with(ST_ENOTFOUND, st_parquet_reader_add_filter(r, "zzz", ST_CMP_LT, "1"));
    st_parquet_reader_free(r);
}

void test_parquet_reader__single_thread_equals_parallel(void)
{
    st_parquet_read_options o = ST_PARQUET_READ_OPTIONS_INIT;
    st_parquet_reader *a, *b;
    st_batch *ba, *bb;
    char *diff = NULL;
    o.threads = 1;
    st_pass(st_parquet_reader_open(&a, PT("alltypes_tiny_pages.parquet"), &o));
    st_pass(st_parquet_reader_open(&b, PT("alltypes_tiny_pages_plain.parquet"), NULL));
    st_pass(st_parquet_reader_read_row_group(&ba, a, 0));
    st_pass(st_parquet_reader_read_row_group(&bb, b, 0));
    for (int c = 0; c < ba->n_columns; c++)
        st_assert_msg(st_vector_equals(ba->columns[c], bb->columns[c], &diff), "column %d: %s",
                      c, diff ? diff : "");
    st_batch_free(ba);
    st_batch_free(bb);
    st_parquet_reader_free(a);
    st_parquet_reader_free(b);
}

/* ------------------------------------------------------------ Iceberg files */

#define ID(name) st_test_resource("iceberg-data/" name)

void test_parquet_reader__iceberg_field_ids(void)
{
    /* Written by Spark through Iceberg: every column carries its field id. */
    st_parquet_reader *r;
    st_batch *b;
    st_type *s;
    const int32_t want[] = {5};
    size_t n;
    const uint8_t *p;
    st_pass(st_parquet_reader_open(&r, ID("spark-bunnies.parquet"), NULL));
    s = st_parquet_reader_file_schema(r);
    st_assert_eq_i64(s->n_fields, 9);
    for (int i = 0; i < s->n_fields; i++)
        st_assert_eq_i64(s->fields[i].id, i + 1);
    st_pass(st_parquet_reader_select_ids(r, want, 1));
    st_assert_eq_str(st_parquet_reader_schema(r)->fields[0].name, "Origin_x20Country");
    st_pass(st_parquet_reader_read_row_group(&b, r, 0));
    p = st_vector_get_bytes(b->columns[0], 0, &n);
    st_assert(n == 11 && memcmp(p, "Netherlands", 11) == 0);
    st_batch_free(b);
    {
        const int32_t missing[] = {99};
        st_fail_with(ST_ENOTFOUND, st_parquet_reader_select_ids(r, missing, 1));
    }
    st_parquet_reader_free(r);

    /* Position delete files use the reserved ids of the spec. */
    st_pass(st_parquet_reader_open(&r, ID("spark-position-deletes.parquet"), NULL));
    s = st_parquet_reader_file_schema(r);
    st_assert_eq_i64(s->fields[0].id, 2147483546);
    st_assert_eq_i64(s->fields[1].id, 2147483545);
    st_parquet_reader_free(r);
}

void test_parquet_reader__name_mapping(void)
{
    /* DuckDB wrote this file without field ids; an Iceberg name mapping supplies them. */
    st_parquet_read_options o = ST_PARQUET_READ_OPTIONS_INIT;
    st_parquet_reader *r;
    st_type *s;
    st_pass(st_parquet_reader_open(&r, ID("duckdb-no-ids.parquet"), NULL));
    st_assert_eq_i64(st_parquet_reader_file_schema(r)->fields[0].id, ST_FIELD_ID_NONE);
    st_parquet_reader_free(r);

    o.name_mapping = "[{\"field-id\": 1, \"names\": [\"A\", \"a\"]}, "
                     "{\"field-id\": 7, \"names\": [\"col_b\"]}]";
    st_pass(st_parquet_reader_open(&r, ID("duckdb-no-ids.parquet"), &o));
    s = st_parquet_reader_file_schema(r);
    st_assert_eq_i64(s->fields[0].id, 1);
    st_assert_eq_i64(s->fields[1].id, ST_FIELD_ID_NONE); /* "b" is not mapped */
    st_assert_eq_i64(read_all(r), 10000);
    st_parquet_reader_free(r);

    o.name_mapping = "{\"type\": \"struct\", \"fields\": [{\"field-id\": 2, \"names\": [\"b\"]}]}";
    st_pass(st_parquet_reader_open(&r, ID("duckdb-no-ids.parquet"), &o));
    st_assert_eq_i64(st_parquet_reader_file_schema(r)->fields[1].id, 2);
    st_parquet_reader_free(r);

    o.name_mapping = "{not json";
    st_fail_with(ST_EINVALID, st_parquet_reader_open(&r, ID("duckdb-no-ids.parquet"), &o));
    st_assert_contains(st_error_last()->message, "name mapping");

    /* a file with field ids keeps them: the mapping is only for files without */
    st_type *ws;
    st_batch *b;
    st_parquet_writer *w;
    st_pass(st_schema_parse(&ws, "a long, b long"));
    ws->fields[0].id = 11;
    ws->fields[1].id = 12;
    st_pass(st_batch_new(&b, ws, 1));
    st_pass(st_vector_append_i64(b->columns[0], 1));
    st_pass(st_vector_append_i64(b->columns[1], 2));
    st_pass(st_batch_seal(b));
    st_pass(st_parquet_writer_open(&w, st_test_path("ids.parquet"), ws, NULL));
    st_pass(st_parquet_writer_write(w, b));
    st_pass(st_parquet_writer_close(w, NULL));
    st_batch_free(b);
    st_type_free(ws);
    o.name_mapping = "[{\"field-id\": 1, \"names\": [\"a\"]}, {\"field-id\": 2, \"names\": [\"b\"]}]";
    st_pass(st_parquet_reader_open(&r, st_test_path("ids.parquet"), &o));
    s = st_parquet_reader_file_schema(r);
    st_assert_eq_i64(s->fields[0].id, 11);
    st_assert_eq_i64(s->fields[1].id, 12);
    st_parquet_reader_free(r);
}

void test_parquet_reader__nested_name_mapping(void)
{
    /* Mapping descends into structs, list elements and map keys/values. */
    st_parquet_read_options o = ST_PARQUET_READ_OPTIONS_INIT;
    st_parquet_reader *r;
    st_type *s, *ns, *ia;
    o.name_mapping =
        "[{\"field-id\": 1, \"names\": [\"id\"]},"
        " {\"field-id\": 2, \"names\": [\"int_array\"], \"fields\": ["
        "   {\"field-id\": 20, \"names\": [\"element\"]}]},"
        " {\"field-id\": 6, \"names\": [\"nested_struct\"], \"fields\": ["
        "   {\"field-id\": 60, \"names\": [\"A\"]},"
        "   {\"field-id\": 61, \"names\": [\"b\"], \"fields\": ["
        "     {\"field-id\": 610, \"names\": [\"element\"]}]}]},"
        " {\"field-id\": 4, \"names\": [\"int_map\"], \"fields\": ["
        "   {\"field-id\": 40, \"names\": [\"key\"]}, {\"field-id\": 41, \"names\": [\"value\"]}]}]";
    st_pass(st_parquet_reader_open(&r, PT("nullable.impala.parquet"), &o));
    s = st_parquet_reader_file_schema(r);
    st_assert_eq_i64(s->fields[0].id, 1);
    ia = s->fields[1].type;
    st_assert_eq_i64(s->fields[1].id, 2);
    st_assert_eq_i64(ia->fields[0].id, 20);
    st_assert_eq_i64(s->fields[3].id, 4);
    st_assert_eq_i64(s->fields[3].type->fields[0].id, 40);
    st_assert_eq_i64(s->fields[3].type->fields[1].id, 41);
    ns = s->fields[5].type;
    st_assert_eq_i64(s->fields[5].id, 6);
    st_assert_eq_i64(ns->fields[0].id, 60);
    st_assert_eq_i64(ns->fields[1].id, 61);
    st_assert_eq_i64(ns->fields[1].type->fields[0].id, 610);
    st_assert_eq_i64(ns->fields[2].id, ST_FIELD_ID_NONE);
    st_parquet_reader_free(r);
}

/* Leaf paths are the footer's own path_in_schema, for every fixture shape. */
#include "parquet/reader_int.h"

void test_parquet_reader__leaf_paths_match_footer(void)
{
    DIR *d = opendir(st_test_resource("parquet-testing"));
    struct dirent *e;
    st_buf joined = ST_BUF_INIT;
    st_assert(d != NULL);
    while ((e = readdir(d)) != NULL) {
        char path[1024];
        st_parquet_reader *r;
        size_t l = strlen(e->d_name);
        if (l < 8 || strcmp(e->d_name + l - 8, ".parquet") != 0)
            continue;
        snprintf(path, sizeof(path), "%s/%s", st_test_resource("parquet-testing"), e->d_name);
        if (st_parquet_reader_open(&r, path, NULL) < 0)
            continue;
        for (int c = 0; r->md.n_row_groups > 0 && c < r->schema.n_leaves; c++) {
            const pq_column_meta *cm = r->md.row_groups[0].columns[c].meta;
            st_buf_clear(&joined);
            for (uint32_t k = 0; k < cm->n_path; k++)
                st_buf_printf(&joined, "%s%s", k ? "." : "", cm->path[k]);
            st_assert_msg(strcmp(st_buf_cstr(&joined), r->schema.leaves[c].path) == 0,
                          "%s column %d: schema path '%s', footer '%s'", e->d_name, c,
                          r->schema.leaves[c].path, st_buf_cstr(&joined));
        }
        st_parquet_reader_free(r);
    }
    closedir(d);
    st_buf_dispose(&joined);
}

/* A file written to memory and read back from memory, never touching the disk. */
void test_parquet_reader__memory_round_trip(void)
{
    st_type *schema;
    st_batch *b, *back;
    st_output *o;
    st_input *in;
    st_parquet_writer *w;
    st_parquet_reader *r;
    uint8_t *data;
    size_t len;
    char *diff = NULL;
    st_pass(st_schema_parse(&schema, "id long not null, name string, tags list<int>"));
    st_pass(st_batch_new(&b, schema, 0));
    for (int i = 0; i < 1000; i++) {
        char name[32];
        snprintf(name, sizeof(name), "row %d", i);
        st_pass(st_vector_append_i64(b->columns[0], i));
        st_pass(i % 7 ? st_vector_append_bytes(b->columns[1], name, strlen(name))
                      : st_vector_append_null(b->columns[1]));
        for (int k = 0; k < i % 4; k++)
            st_pass(st_vector_append_i32(b->columns[2]->children[0], i + k));
        st_pass(st_vector_append_nested(b->columns[2]));
    }
    st_pass(st_batch_seal(b));
    st_pass(st_output_open_buffer(&o, &data, &len));
    st_pass(st_parquet_writer_open_output(&w, o, schema, NULL));
    st_pass(st_parquet_writer_write(w, b));
    st_pass(st_parquet_writer_close(w, NULL));
    st_assert(len > 100 && memcmp(data, "PAR1", 4) == 0 && memcmp(data + len - 4, "PAR1", 4) == 0);
    st_pass(st_input_open_memory(&in, data, len, "in-memory"));
    st_pass(st_parquet_reader_open_input(&r, in, NULL));
    st_pass(st_parquet_reader_read_row_group(&back, r, 0));
    for (int c = 0; c < 3; c++)
        st_assert_msg(st_vector_equals(b->columns[c], back->columns[c], &diff), "column %d: %s",
                      c, diff ? diff : "");
    st_batch_free(back);
    st_parquet_reader_free(r);
    st_batch_free(b);
    st_type_free(schema);
    st_free(data);
}

void test_parquet_reader__bare_repeated_name_mapping(void)
{
    /* A repeated field without a LIST annotation: its id is the list's, and the
     * mapping's "element" entry names the element. */
    st_parquet_read_options o = ST_PARQUET_READ_OPTIONS_INIT;
    st_parquet_reader *r;
    st_type *s;
    o.name_mapping = "[{\"field-id\": 1, \"names\": [\"Int32_list\"], \"fields\": ["
                     "  {\"field-id\": 11, \"names\": [\"element\"]}]},"
                     " {\"field-id\": 3, \"names\": [\"group_of_lists\"], \"fields\": ["
                     "  {\"field-id\": 30, \"names\": [\"Int32_list_in_group\"]}]}]";
    st_pass(st_parquet_reader_open(&r, PT("repeated_primitive_no_list.parquet"), &o));
    s = st_parquet_reader_file_schema(r);
    st_assert_eq_i64(s->fields[0].id, 1);
    st_assert_eq_i64(s->fields[0].type->id, ST_TYPE_LIST);
    st_assert_eq_i64(s->fields[0].type->fields[0].id, 11);
    st_assert_eq_i64(s->fields[1].id, ST_FIELD_ID_NONE);
    st_assert_eq_i64(s->fields[1].type->fields[0].id, ST_FIELD_ID_NONE);
    st_assert_eq_i64(s->fields[2].type->fields[0].id, 30);
    st_assert_eq_i64(s->fields[2].type->fields[0].type->fields[0].id, ST_FIELD_ID_NONE);
    st_assert_eq_i64(read_all(r), 4);
    st_parquet_reader_free(r);
}
