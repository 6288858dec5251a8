/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Parquet writer edge cases and failures: required fields holding nulls,
 * schema mismatches, bad options, 0-row files, field ids and names in the
 * footer, writing to a memory output, and an allocation-failure sweep (every
 * failure is ST_ENOMEM, leaks nothing, and leaves no file behind).
 */
#include "st_test.h"
#include "writer_helpers.h"

#include <math.h>
#include <unistd.h>

#include <supertable/errors.h>
#include <supertable/sys/alloc.h>

static int exists(const char *path)
{
    return access(path, F_OK) == 0;
}

static void expect_required_null(const char *schema_text, st_batch *b, const char *column)
{
    st_type *s = pwt_schema(schema_text);
    st_parquet_writer *w;
    const char *path = st_test_path("r.parquet");
    int rc;
    st_pass(st_parquet_writer_open(&w, path, s, NULL));
    st_fail_with(ST_EINVALID, st_parquet_writer_write(w, b));
    st_assert_contains(st_error_last()->message, column);
    /* unusable afterwards, and close reports the failure and leaves nothing */
    st_fail_with(ST_EINVALID, st_parquet_writer_write(w, b));
    rc = st_parquet_writer_close(w, NULL);
    st_assert_eq_i64(rc, ST_EINVALID);
    st_assert(!exists(path));
    st_type_free(s);
}

void test_parquet_writer_errors__required_null_flat(void)
{
    st_type *s = pwt_schema("a int not null, b string");
    st_batch *b = NULL;
    st_pass(st_batch_new(&b, s, 3));
    st_pass(st_vector_append_i32(b->columns[0], 1));
    st_pass(st_vector_append_null(b->columns[0]));
    for (int i = 0; i < 2; i++)
        st_pass(st_vector_append_bytes(b->columns[1], "x", 1));
    st_pass(st_batch_seal(b));
    expect_required_null("a int not null, b string", b, "'a'");
    st_batch_free(b);
    st_type_free(s);
}

void test_parquet_writer_errors__required_null_nested(void)
{
    st_type *s = pwt_schema("l list<int not null>");
    st_batch *b = NULL;
    st_vector *l;
    st_pass(st_batch_new(&b, s, 1));
    l = b->columns[0];
    st_pass(st_vector_append_i32(l->children[0], 1));
    st_pass(st_vector_append_null(l->children[0]));
    st_pass(st_vector_append_nested(l));
    st_pass(st_batch_seal(b));
    expect_required_null("l list<int not null>", b, "l.element");
    st_batch_free(b);
    st_type_free(s);
}

void test_parquet_writer_errors__required_under_null_struct_is_fine(void)
{
    /* A null struct's required child holds a null slot: not a violation. */
    st_type *s = pwt_schema("st struct<a: int not null, b: string>");
    st_batch *b = NULL;
    const char *path = st_test_path("ok.parquet");
    st_pass(st_batch_new(&b, s, 2));
    st_pass(st_vector_append_null(b->columns[0]));
    st_pass(st_vector_append_i32(b->columns[0]->children[0], 5));
    st_pass(st_vector_append_null(b->columns[0]->children[1]));
    st_pass(st_vector_append_nested(b->columns[0]));
    st_pass(st_batch_seal(b));
    pwt_write(path, s, &b, 1, NULL, NULL);
    pwt_check(path, s, &b, 1);
    st_batch_free(b);
    st_type_free(s);
}

void test_parquet_writer_errors__schema_mismatch(void)
{
    st_type *s = pwt_schema("a int"), *other = pwt_schema("a long");
    st_batch *b = NULL, *good = NULL;
    st_parquet_writer *w;
    const char *path = st_test_path("x.parquet");
    st_pass(st_batch_new(&b, other, 0));
    st_pass(st_batch_new(&good, s, 0));
    st_pass(st_parquet_writer_open(&w, path, s, NULL));
    st_fail_with(ST_EINVALID, st_parquet_writer_write(w, b));
    /* the writer stays usable */
    st_pass(st_parquet_writer_write(w, good));
    st_pass(st_parquet_writer_close(w, NULL));
    st_assert(exists(path));
    st_batch_free(b);
    st_batch_free(good);
    st_type_free(s);
    st_type_free(other);
}

void test_parquet_writer_errors__bad_options(void)
{
    st_type *s = pwt_schema("a int");
    st_parquet_writer *w;
    st_parquet_write_options o = ST_PARQUET_WRITE_OPTIONS_INIT;
    const char *path = st_test_path("o.parquet");
    o.data_page_version = 3;
    st_fail_with(ST_EINVALID, st_parquet_writer_open(&w, path, s, &o));
    o = (st_parquet_write_options)ST_PARQUET_WRITE_OPTIONS_INIT;
    o.codec = (st_parquet_codec)5;     /* Hadoop LZ4: read, never written */
    st_fail(st_parquet_writer_open(&w, path, s, &o));
    o = (st_parquet_write_options)ST_PARQUET_WRITE_OPTIONS_INIT;
    o.compression_level = 99;
    st_fail_with(ST_EINVALID, st_parquet_writer_open(&w, path, s, &o));
    o = (st_parquet_write_options)ST_PARQUET_WRITE_OPTIONS_INIT;
    o.version = 77;
    st_fail_with(ST_EINVALID, st_parquet_writer_open(&w, path, s, &o));
    st_assert(!exists(path));
    st_type_free(s);
}

void test_parquet_writer_errors__zero_rows(void)
{
    st_type *s = pwt_schema("a int, l list<string>, m map<string, int>");
    st_batch *b = NULL;
    st_parquet_reader *r;
    st_parquet_file_metrics *m = NULL;
    const char *path = st_test_path("z.parquet");
    st_pass(st_batch_new(&b, s, 0));
    pwt_write(path, s, &b, 1, NULL, &m);
    st_assert_eq_i64(m->row_count, 0);
    st_assert_eq_i64(m->n_split_offsets, 0);
    st_assert_eq_i64(m->n_columns, 4);
    st_assert(m->columns[0].lower_bound == NULL);
    st_pass(st_parquet_reader_open(&r, path, NULL));
    st_assert_eq_i64(st_parquet_reader_num_rows(r), 0);
    st_assert_eq_i64(st_parquet_reader_num_row_groups(r), 0);
    st_assert(st_type_equals(st_parquet_reader_file_schema(r), s));
    st_parquet_reader_free(r);
    st_parquet_file_metrics_free(m);
    /* no write at all */
    pwt_write(path, s, NULL, 0, NULL, NULL);
    pwt_check(path, s, NULL, 0);
    st_batch_free(b);
    st_type_free(s);
}

void test_parquet_writer_errors__footer_schema(void)
{
    st_type *s = pwt_schema("id long not null, tags list<string not null>, "
                            "m map<int, struct<x: double>>, t timestamptz, d decimal(30,4)");
    st_batch *b = NULL;
    st_parquet_reader *r;
    st_parquet_column_info ci;
    const char *path = st_test_path("f.parquet");
    static const struct { const char *path, *phys, *logical, *rep; int id; } want[] = {
        {"id", "INT64", "", "REQUIRED", 1},
        {"tags.list.element", "BYTE_ARRAY", "STRING", "REQUIRED", 6},
        {"m.key_value.key", "INT32", "", "REQUIRED", 7},
        {"m.key_value.value.x", "DOUBLE", "", "OPTIONAL", 9},
        {"t", "INT64", "TIMESTAMP(MICROS,UTC)", "OPTIONAL", 4},
        {"d", "FIXED_LEN_BYTE_ARRAY(13)", "DECIMAL(30,4)", "OPTIONAL", 5},
    };
    st_pass(st_batch_new(&b, s, 0));
    pwt_write(path, s, &b, 1, NULL, NULL);
    st_pass(st_parquet_reader_open(&r, path, NULL));
    st_assert_eq_i64(st_parquet_reader_num_columns(r), 6);
    for (int c = 0; c < 6; c++) {
        st_pass(st_parquet_reader_column_info(r, c, &ci));
        st_assert_eq_str(ci.path, want[c].path);
        st_assert_eq_str(ci.physical_type, want[c].phys);
        st_assert_eq_str(ci.logical_type, want[c].logical);
        st_assert_eq_str(ci.repetition, want[c].rep);
        st_assert_eq_i64(ci.field_id, want[c].id);
    }
    st_assert_eq_str(st_parquet_reader_created_by(r), "SuperTable version " ST_VERSION);
    st_assert_eq_i64(st_parquet_reader_kv_count(r), 0);
    st_parquet_reader_free(r);
    st_batch_free(b);
    st_type_free(s);
}

void test_parquet_writer_errors__open_output_and_created_by(void)
{
    st_type *s = pwt_schema("a int");
    st_parquet_writer *w;
    st_output *o;
    st_parquet_reader *r;
    st_parquet_write_options opt = ST_PARQUET_WRITE_OPTIONS_INIT;
    pwt_cfg cfg = {0, 0, 0, 0, 0};
    pwt_rng rng = {1};
    st_batch *b = pwt_random_batch(s, 10, &rng, &cfg);
    const char *path = st_test_path("c.parquet");
    opt.created_by = "test-suite version 9";
    st_pass(st_output_open_file(&o, path, ST_OUTPUT_CREATE_NEW));
    st_pass(st_parquet_writer_open_output(&w, o, s, &opt));
    st_pass(st_parquet_writer_write(w, b));
    st_pass(st_parquet_writer_close(w, NULL));
    st_pass(st_parquet_reader_open(&r, path, NULL));
    st_assert_eq_str(st_parquet_reader_created_by(r), "test-suite version 9");
    st_parquet_reader_free(r);
    pwt_check(path, s, &b, 1);
    /* abort publishes nothing */
    unlink(path);
    st_pass(st_output_open_file(&o, path, ST_OUTPUT_CREATE_NEW));
    st_pass(st_parquet_writer_open_output(&w, o, s, &opt));
    st_pass(st_parquet_writer_write(w, b));
    st_parquet_writer_abort(w);
    st_assert(!exists(path));
    st_batch_free(b);
    st_type_free(s);
}

/* One small nested write; returns its result code. */
static int small_write(const char *path, st_type *s, st_batch *b)
{
    st_parquet_writer *w = NULL;
    st_parquet_file_metrics *m = NULL;
    st_parquet_write_options o = ST_PARQUET_WRITE_OPTIONS_INIT;
    int rc;
    o.threads = 1;
    o.row_group_rows = 20;
    o.page_rows = 8;
    if ((rc = st_parquet_writer_open(&w, path, s, &o)) < 0)
        return rc;
    if ((rc = st_parquet_writer_write(w, b)) < 0 || (rc = st_parquet_writer_write(w, b)) < 0) {
        st_parquet_writer_abort(w);
        return rc;
    }
    rc = st_parquet_writer_close(w, &m);
    st_parquet_file_metrics_free(m);
    return rc;
}

void test_parquet_writer_errors__allocation_failures(void)
{
    st_type *s = pwt_schema("id long not null, s string, l list<struct<a: int, b: list<string>>>, "
                            "m map<string, double>, d decimal(25,2)");
    pwt_cfg cfg = {20, 5, 3, 1, 0};
    pwt_rng r = {9};
    st_batch *b = pwt_random_batch(s, 30, &r, &cfg);
    const char *path = st_test_path("oom.parquet");
    long n;
    for (n = 0;; n++) {
        long done;
        int rc;
        st_assert_msg(n < 100000, "the allocation sweep does not end");
        st_alloc_fail_after(n);
        rc = small_write(path, s, b);
        done = st_alloc_fail_after(-1);
        if (rc == 0 && done <= n)
            break;      /* no allocation failed: every one has been tried */
        st_assert_msg(rc == ST_ENOMEM || rc == 0, "failing allocation %ld gave %d (%s)", n, rc,
                      st_error_last()->message);
        if (rc == ST_ENOMEM)
            st_assert_msg(!exists(path), "a file remains after failing allocation %ld", n);
        unlink(path);
    }
    st_assert(n > 50);
    pwt_check(path, s, (st_batch *[]){b, b}, 2);
    st_batch_free(b);
    st_type_free(s);
}
