/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Parquet writer, nested data: lists, maps and structs at several depths, null
 * and empty lists, nulls at every level, required nested fields; each written
 * with small pages and row groups so that pages break inside nested rows'
 * neighbourhoods, and read back through the reader.
 */
#include "st_test.h"
#include "writer_helpers.h"

#include <supertable/errors.h>
#include "util/buf.h"

static void nested(const char *schema_text, int null_pct, int max_list)
{
    static const int64_t sizes[] = {200, 1, 57};
    pwt_cfg cfg = {null_pct, 0, max_list, 0, 0};
    st_type *s = pwt_schema(schema_text);
    pwt_rng r = {7};
    st_batch *b[3];
    const char *path = st_test_path("n.parquet");
    for (int pass = 0; pass < 3; pass++) {
        st_parquet_write_options o = ST_PARQUET_WRITE_OPTIONS_INIT;
        for (int i = 0; i < 3; i++)
            b[i] = pwt_random_batch(s, sizes[i], &r, &cfg);
        if (pass == 1) {
            o.page_rows = 3;
            o.row_group_rows = 40;
        } else if (pass == 2) {
            o.data_page_version = 2;
            o.page_bytes = 50;
            o.dictionary_bytes = -1;
        }
        pwt_write(path, s, b, 3, &o, NULL);
        pwt_check(path, s, b, 3);
        pwt_free_batches(b, 3);
    }
    st_type_free(s);
}

void test_parquet_writer_nested__list_int(void) { nested("l list<int>", 20, 4); }

void test_parquet_writer_nested__list_list_string(void)
{
    nested("l list<list<string>>", 20, 3);
}

void test_parquet_writer_nested__list_struct(void)
{
    nested("l list<struct<a: int, b: list<string>>>", 20, 3);
}

void test_parquet_writer_nested__map_string_int(void) { nested("m map<string, int>", 20, 4); }

void test_parquet_writer_nested__map_int_list_struct(void)
{
    nested("m map<int, list<struct<x: double>>>", 20, 3);
}

void test_parquet_writer_nested__struct_struct_list(void)
{
    nested("s struct<a: struct<b: list<int>>>", 20, 3);
}

void test_parquet_writer_nested__required_everywhere(void)
{
    nested("l list<int not null> not null, s struct<a: int not null, "
           "b: list<string not null> not null> not null, m map<string, long not null> not null",
           20, 3);
}

void test_parquet_writer_nested__no_nulls(void)
{
    nested("l list<list<string>>, m map<int, list<struct<x: double>>>", 0, 3);
}

void test_parquet_writer_nested__mostly_null(void)
{
    nested("l list<struct<a: int, b: list<string>>>, s struct<a: struct<b: list<int>>>", 90, 3);
}

void test_parquet_writer_nested__empty_lists(void)
{
    /* max_list 0: every list present and empty, or null */
    nested("l list<int>, m map<string, int>, s struct<a: list<string>>", 30, 0);
}

void test_parquet_writer_nested__deep(void)
{
    nested("l list<list<list<int>>>, m list<map<string, list<int>>>", 25, 3);
}

void test_parquet_writer_nested__map_struct_key(void)
{
    nested("m map<struct<a: int, b: string>, int>", 20, 3);
}

void test_parquet_writer_nested__empty_struct_rejected(void)
{
    st_field inner_f = {2, "x", 0, NULL, NULL};
    st_type *empty = NULL, *s = NULL;
    st_parquet_writer *w;
    st_pass(st_type_struct_new(&empty, NULL, 0));
    inner_f.type = empty;
    st_pass(st_type_struct_new(&s, &inner_f, 1));
    st_fail_with(ST_EUNSUPPORTED, st_parquet_writer_open(&w, st_test_path("e.parquet"), s, NULL));
    st_assert_contains(st_error_last()->message, "'x'");
    st_type_free(s);
    st_type_free(empty);
}

/* A random type in the schema syntax, at most `depth` levels of nesting. */
static void random_type(st_buf *o, pwt_rng *r, int depth)
{
    static const char *prim[] = {"int", "long", "string", "double", "boolean", "decimal(20,2)",
                                 "binary", "date", "float", "fixed[3]"};
    int k = (int)(pwt_next(r) % (depth > 0 ? 14 : 10));
    if (k < 10) {
        st_buf_puts(o, prim[k]);
    } else if (k == 10 || k == 11) {
        st_buf_puts(o, "list<");
        random_type(o, r, depth - 1);
        st_buf_puts(o, pwt_next(r) % 3 == 0 ? " not null>" : ">");
    } else if (k == 12) {
        st_buf_puts(o, pwt_next(r) % 2 ? "map<string, " : "map<int, ");
        random_type(o, r, depth - 1);
        st_buf_puts(o, ">");
    } else {
        int n = 1 + (int)(pwt_next(r) % 3);
        st_buf_puts(o, "struct<");
        for (int i = 0; i < n; i++) {
            st_buf_printf(o, "%sf%d: ", i ? ", " : "", i);
            random_type(o, r, depth - 1);
            st_buf_puts(o, pwt_next(r) % 4 == 0 ? " not null" : "");
        }
        st_buf_puts(o, ">");
    }
}

/* Random schemas, data and options: the writer and the reader must agree. */
void test_parquet_writer_nested__random_schemas(void)
{
    pwt_rng r = {2024};
    const char *path = st_test_path("r.parquet");
    for (int iter = 0; iter < 150; iter++) {
        st_buf text = ST_BUF_INIT;
        st_parquet_write_options o = ST_PARQUET_WRITE_OPTIONS_INIT;
        pwt_cfg cfg = {(int)(pwt_next(&r) % 60), (int)(pwt_next(&r) % 3) * 5, 3, 1, 0};
        int ncols = 1 + (int)(pwt_next(&r) % 4);
        st_type *s;
        st_batch *b[2];
        for (int c = 0; c < ncols; c++) {
            st_buf_printf(&text, "%sc%d ", c ? ", " : "", c);
            random_type(&text, &r, 3);
            st_buf_puts(&text, pwt_next(&r) % 4 == 0 ? " not null" : "");
        }
        s = pwt_schema(st_buf_cstr(&text));
        b[0] = pwt_random_batch(s, (int64_t)(pwt_next(&r) % 120), &r, &cfg);
        b[1] = pwt_random_batch(s, (int64_t)(pwt_next(&r) % 60), &r, &cfg);
        o.data_page_version = 1 + (int)(pwt_next(&r) % 2);
        o.page_rows = 1 + (int64_t)(pwt_next(&r) % 20);
        o.row_group_rows = 1 + (int64_t)(pwt_next(&r) % 80);
        o.dictionary_bytes = (int64_t)(pwt_next(&r) % 3) * 50 - 50;
        o.codec = pwt_next(&r) % 2 ? ST_CODEC_ZSTD : ST_CODEC_SNAPPY;
        pwt_write(path, s, b, 2, &o, NULL);
        pwt_check(path, s, b, 2);
        pwt_free_batches(b, 2);
        st_type_free(s);
        st_buf_dispose(&text);
    }
}
