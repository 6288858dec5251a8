/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Parquet writer statistics and metrics: min/max/null counts in each type's
 * order as the reader reports them (NaN, -0.0/+0.0, unsigned byte order,
 * signed decimals, truncated long strings), page indexes, and the Iceberg
 * metrics returned by close (bounds in single-value serialisation, counts,
 * NaN counts, split offsets).
 */
#include "st_test.h"
#include "writer_helpers.h"

#include <math.h>
#include <sys/stat.h>

#include <supertable/errors.h>
#include <supertable/sys/alloc.h>

/* Builds a one-column batch from text values ("null" is a null). */
static st_batch *one_column(st_type *s, const char *const *vals, int n)
{
    st_batch *b = NULL;
    st_vector *v;
    st_pass(st_batch_new(&b, s, n));
    v = b->columns[0];
    for (int i = 0; i < n; i++) {
        const st_type *t = v->type;
        if (!strcmp(vals[i], "null")) {
            st_pass(st_vector_append_null(v));
        } else if (t->id == ST_TYPE_INT) {
            st_pass(st_vector_append_i32(v, (int32_t)strtol(vals[i], NULL, 10)));
        } else if (t->id == ST_TYPE_LONG) {
            st_pass(st_vector_append_i64(v, strtoll(vals[i], NULL, 10)));
        } else if (t->id == ST_TYPE_FLOAT) {
            st_pass(st_vector_append_f32(v, strtof(vals[i], NULL)));
        } else if (t->id == ST_TYPE_DOUBLE) {
            st_pass(st_vector_append_f64(v, strtod(vals[i], NULL)));
        } else if (t->id == ST_TYPE_BOOLEAN) {
            st_pass(st_vector_append_bool(v, !strcmp(vals[i], "true")));
        } else if (t->id == ST_TYPE_DECIMAL) {
            st_decimal128 d;
            st_pass(st_decimal_parse(&d, vals[i], strlen(vals[i]), t->precision, t->scale));
            st_pass(st_vector_append_decimal(v, d));
        } else {
            st_pass(st_vector_append_bytes(v, vals[i], strlen(vals[i])));
        }
    }
    st_pass(st_batch_seal(b));
    return b;
}

typedef struct {
    const char *min, *max;      /* NULL: absent */
    int64_t nulls;
    int min_exact, max_exact;
} want_stats;

/* Writes the values as one column and checks the single chunk's statistics. */
static void check_stats(const char *type, const char *const *vals, int n, want_stats w,
                        int dictionary)
{
    char text[128];
    st_type *s;
    st_batch *b;
    st_parquet_reader *r;
    st_parquet_chunk_info ci;
    st_parquet_write_options o = ST_PARQUET_WRITE_OPTIONS_INIT;
    const char *path = st_test_path("s.parquet");
    snprintf(text, sizeof(text), "c %s", type);
    s = pwt_schema(text);
    b = one_column(s, vals, n);
    o.dictionary_bytes = dictionary ? 0 : -1;
    pwt_write(path, s, &b, 1, &o, NULL);
    pwt_check(path, s, &b, 1);
    st_pass(st_parquet_reader_open(&r, path, NULL));
    st_pass(st_parquet_reader_chunk_info(r, 0, 0, &ci));
    st_assert(ci.has_statistics);
    st_assert_eq_i64(ci.null_count, w.nulls);
    if (w.min) {
        st_assert_eq_str(ci.min, w.min);
        st_assert_eq_str(ci.max, w.max);
        st_assert_eq_i64(ci.min_exact, w.min_exact);
        st_assert_eq_i64(ci.max_exact, w.max_exact);
    } else {
        st_assert_msg(ci.min == NULL || !strcmp(ci.min, "NaN"), "unexpected min %s", ci.min);
    }
    st_assert(ci.has_offset_index);
    st_parquet_reader_free(r);
    st_batch_free(b);
    st_type_free(s);
}

#define N(a) (int)(sizeof(a) / sizeof((a)[0]))

void test_parquet_writer_stats__ints(void)
{
    static const char *v[] = {"5", "-3", "100", "null", "7"};
    for (int d = 0; d < 2; d++) {
        check_stats("int", v, N(v), (want_stats){"-3", "100", 1, 1, 1}, d);
        check_stats("long", v, N(v), (want_stats){"-3", "100", 1, 1, 1}, d);
    }
}

void test_parquet_writer_stats__strings_unsigned_order(void)
{
    static const char *v[] = {"b", "é", "a", "z", "null", ""};
    static const char *w[] = {"b", "é", "a", "z", "zz"};
    for (int d = 0; d < 2; d++) {
        /* "é" is 0xC3 0xA9: above every ASCII byte; "" is below everything */
        check_stats("string", v, N(v), (want_stats){"", "é", 1, 1, 1}, d);
        check_stats("string", w, N(w), (want_stats){"a", "é", 0, 1, 1}, d);
    }
}

void test_parquet_writer_stats__floats_nan_and_zeros(void)
{
    static const char *nan_mix[] = {"nan", "1.5", "-2", "null"};
    static const char *all_nan[] = {"nan", "nan"};
    static const char *zeros[] = {"0", "0"};
    static const char *neg_zero_min[] = {"-0.0", "5"};
    static const char *neg_zero_max[] = {"-3", "-0.0"};
    static const char *inf[] = {"inf", "-inf", "1"};
    for (int d = 0; d < 2; d++) {
        const char *types[] = {"float", "double"};
        for (int t = 0; t < 2; t++) {
            check_stats(types[t], nan_mix, N(nan_mix), (want_stats){"-2", "1.5", 1, 1, 1}, d);
            check_stats(types[t], all_nan, N(all_nan), (want_stats){NULL, NULL, 0, 1, 1}, d);
            /* a zero bound is written -0.0 as min and +0.0 as max */
            check_stats(types[t], zeros, N(zeros), (want_stats){"-0", "0", 0, 1, 1}, d);
            check_stats(types[t], neg_zero_min, N(neg_zero_min), (want_stats){"-0", "5", 0, 1, 1},
                        d);
            check_stats(types[t], neg_zero_max, N(neg_zero_max), (want_stats){"-3", "0", 0, 1, 1},
                        d);
            check_stats(types[t], inf, N(inf), (want_stats){"-Infinity", "Infinity", 0, 1, 1}, d);
        }
    }
}

void test_parquet_writer_stats__booleans(void)
{
    static const char *t[] = {"true", "true", "null"};
    static const char *ft[] = {"true", "false"};
    check_stats("boolean", t, N(t), (want_stats){"true", "true", 1, 1, 1}, 0);
    check_stats("boolean", ft, N(ft), (want_stats){"false", "true", 0, 1, 1}, 0);
}

void test_parquet_writer_stats__decimals_signed(void)
{
    static const char *v[] = {"5.00", "-12.34", "0.01", "null"};
    static const char *neg[] = {"-0.01", "-99.99", "-1.00"};
    static const char *types[] = {"decimal(4,2)", "decimal(10,2)", "decimal(20,2)",
                                  "decimal(38,2)"};
    for (int d = 0; d < 2; d++) {
        for (int t = 0; t < N(types); t++) {
            check_stats(types[t], v, N(v), (want_stats){"-12.34", "5.00", 1, 1, 1}, d);
            check_stats(types[t], neg, N(neg), (want_stats){"-99.99", "-0.01", 0, 1, 1}, d);
        }
    }
}

void test_parquet_writer_stats__long_strings_truncated(void)
{
    char a[200], z[200], m[200];
    const char *v[3] = {a, z, m};
    char tmin[80], tmax[80];
    memset(a, 'a', 100);
    a[100] = 0;
    memset(z, 'z', 100);
    z[100] = 0;
    memset(m, 'm', 10);
    m[10] = 0;
    memset(tmin, 'a', 64);
    tmin[64] = 0;
    memset(tmax, 'z', 64);
    tmax[63] = '{';             /* 'z' + 1 */
    tmax[64] = 0;
    check_stats("string", v, 3, (want_stats){tmin, tmax, 0, 0, 0}, 0);
    /* exactly 64 bytes stay whole */
    a[64] = 0;
    z[64] = 0;
    memset(tmax, 'z', 64);
    check_stats("string", v, 3, (want_stats){tmin, tmax, 0, 1, 1}, 1);
}

void test_parquet_writer_stats__all_null(void)
{
    static const char *v[] = {"null", "null", "null"};
    check_stats("string", v, N(v), (want_stats){NULL, NULL, 3, 1, 1}, 1);
    check_stats("int", v, N(v), (want_stats){NULL, NULL, 3, 1, 1}, 0);
}

void test_parquet_writer_stats__disabled(void)
{
    st_type *s = pwt_schema("a int, b string");
    pwt_cfg cfg = {10, 0, 0, 0, 0};
    pwt_rng r = {3};
    st_batch *b = pwt_random_batch(s, 100, &r, &cfg);
    st_parquet_write_options o = ST_PARQUET_WRITE_OPTIONS_INIT;
    st_parquet_reader *rd;
    st_parquet_chunk_info ci;
    const char *path = st_test_path("d.parquet");
    o.disable_statistics = 1;
    pwt_write(path, s, &b, 1, &o, NULL);
    st_pass(st_parquet_reader_open(&rd, path, NULL));
    for (int c = 0; c < 2; c++) {
        st_pass(st_parquet_reader_chunk_info(rd, 0, c, &ci));
        st_assert(!ci.has_statistics);
        st_assert(!ci.has_column_index);
        st_assert(ci.has_offset_index);
    }
    st_parquet_reader_free(rd);
    pwt_check(path, s, &b, 1);
    st_batch_free(b);
    st_type_free(s);
}

/* ------------------------------------------------------------ metrics */

static void assert_bound(const uint8_t *got, size_t got_len, const void *want, size_t want_len)
{
    st_assert_msg(got != NULL, "bound missing");
    st_assert_eq_i64(got_len, want_len);
    st_assert_eq_mem(got, want, want_len);
}

void test_parquet_writer_stats__metrics(void)
{
    st_type *s = pwt_schema("i int, l long not null, f float, d double, s string, b boolean, "
                            "dec decimal(9,2), dec2 decimal(20,2), u uuid, fx fixed[3], "
                            "bin binary, dt date, ts timestamp, lst list<int>, "
                            "st struct<x: long>");
    st_batch *b = NULL;
    st_parquet_file_metrics *m = NULL;
    st_parquet_write_options o = ST_PARQUET_WRITE_OPTIONS_INIT;
    const char *path = st_test_path("m.parquet");
    struct stat sb;
    int64_t sum = 0;
    st_pass(st_batch_new(&b, s, 4));
    for (int row = 0; row < 4; row++) {
        st_vector **c = b->columns;
        uint8_t u[16];
        st_decimal128 d = {(uint64_t)(int64_t)(row == 1 ? -1234 : 500 + row), row == 1 ? -1 : 0};
        memset(u, row, 16);
        st_pass(row == 3 ? st_vector_append_null(c[0]) : st_vector_append_i32(c[0], 10 - row));
        st_pass(st_vector_append_i64(c[1], (int64_t)row << 40));
        st_pass(st_vector_append_f32(c[2], row == 2 ? NAN : (float)row - 1.5f));
        st_pass(st_vector_append_f64(c[3], row == 0 ? NAN : row == 1 ? NAN : -(double)row));
        st_pass(st_vector_append_bytes(c[4], row == 2 ? "é" : "abc", row == 2 ? 2 : 3));
        st_pass(st_vector_append_bool(c[5], row == 1));
        st_pass(st_vector_append_decimal(c[6], d));
        st_pass(st_vector_append_decimal(c[7], d));
        st_pass(st_vector_append_bytes(c[8], u, 16));
        st_pass(st_vector_append_bytes(c[9], "xyz", 3));
        st_pass(row == 0 ? st_vector_append_null(c[10])
                         : st_vector_append_bytes(c[10], "\x00\xff", 2));
        st_pass(st_vector_append_i32(c[11], 19000 + row));
        st_pass(st_vector_append_i64(c[12], 1000000LL * row));
        st_pass(st_vector_append_i32(c[13]->children[0], row));
        st_pass(st_vector_append_nested(c[13]));
        st_pass(st_vector_append_i64(c[14]->children[0], 7 - row));
        st_pass(st_vector_append_nested(c[14]));
    }
    st_pass(st_batch_seal(b));
    o.row_group_rows = 3;
    pwt_write(path, s, &b, 1, &o, &m);
    pwt_check(path, s, &b, 1);
    st_assert(stat(path, &sb) == 0);
    st_assert_eq_i64(m->file_size, sb.st_size);
    st_assert_eq_i64(m->row_count, 4);
    st_assert_eq_i64(m->n_split_offsets, 2);
    st_assert_eq_i64(m->split_offsets[0], 4);
    st_assert(m->split_offsets[1] > 4);
    st_assert_eq_i64(m->n_columns, 15);
    for (int c = 0; c < m->n_columns; c++) {
        st_assert(m->columns[c].column_size > 0);
        sum += m->columns[c].column_size;
        st_assert_eq_i64(m->columns[c].value_count, 4);
    }
    st_assert(sum < m->file_size);
    {
        const st_parquet_column_metrics *c = m->columns;
        int32_t i8 = 8, i10 = 10;
        int64_t l0 = 0, l3 = 3LL << 40;
        float fmin = -1.5f, fmax = 1.5f;
        double dmin = -3.0, dmax = -2.0;
        uint8_t u0[16], u3[16];
        static const uint8_t dec_min[] = {0xfb, 0x2e}, dec_max[] = {0x01, 0xf7};
        int32_t dt0 = 19000, dt3 = 19003;
        int64_t ts0 = 0, ts3 = 3000000;
        memset(u0, 0, 16);
        memset(u3, 3, 16);
        st_assert_eq_i64(c[0].field_id, 1);
        assert_bound(c[0].lower_bound, c[0].lower_bound_len, &i8, 4);
        assert_bound(c[0].upper_bound, c[0].upper_bound_len, &i10, 4);
        st_assert_eq_i64(c[0].null_count, 1);
        st_assert_eq_i64(c[0].nan_count, -1);
        assert_bound(c[1].lower_bound, c[1].lower_bound_len, &l0, 8);
        assert_bound(c[1].upper_bound, c[1].upper_bound_len, &l3, 8);
        assert_bound(c[2].lower_bound, c[2].lower_bound_len, &fmin, 4);
        assert_bound(c[2].upper_bound, c[2].upper_bound_len, &fmax, 4);
        st_assert_eq_i64(c[2].nan_count, 1);
        assert_bound(c[3].lower_bound, c[3].lower_bound_len, &dmin, 8);
        assert_bound(c[3].upper_bound, c[3].upper_bound_len, &dmax, 8);
        st_assert_eq_i64(c[3].nan_count, 2);
        assert_bound(c[4].lower_bound, c[4].lower_bound_len, "abc", 3);
        assert_bound(c[4].upper_bound, c[4].upper_bound_len, "é", 2);
        assert_bound(c[5].lower_bound, c[5].lower_bound_len, "\0", 1);
        assert_bound(c[5].upper_bound, c[5].upper_bound_len, "\1", 1);
        /* decimals: unscaled, big-endian, fewest bytes: -1234 = fb2e, 503 = 01f7 */
        assert_bound(c[6].lower_bound, c[6].lower_bound_len, dec_min, 2);
        assert_bound(c[6].upper_bound, c[6].upper_bound_len, dec_max, 2);
        assert_bound(c[7].lower_bound, c[7].lower_bound_len, dec_min, 2);
        assert_bound(c[7].upper_bound, c[7].upper_bound_len, dec_max, 2);
        assert_bound(c[8].lower_bound, c[8].lower_bound_len, u0, 16);
        assert_bound(c[8].upper_bound, c[8].upper_bound_len, u3, 16);
        assert_bound(c[9].lower_bound, c[9].lower_bound_len, "xyz", 3);
        assert_bound(c[10].lower_bound, c[10].lower_bound_len, "\x00\xff", 2);
        st_assert_eq_i64(c[10].null_count, 1);
        assert_bound(c[11].lower_bound, c[11].lower_bound_len, &dt0, 4);
        assert_bound(c[11].upper_bound, c[11].upper_bound_len, &dt3, 4);
        assert_bound(c[12].lower_bound, c[12].lower_bound_len, &ts0, 8);
        assert_bound(c[12].upper_bound, c[12].upper_bound_len, &ts3, 8);
        /* inside a list: no bounds, but counts */
        st_assert(c[13].lower_bound == NULL && c[13].upper_bound == NULL);
        st_assert_eq_i64(c[13].value_count, 4);
        /* inside a struct: bounds */
        st_assert_eq_i64(c[13].field_id, 16);
        st_assert_eq_i64(c[14].field_id, 17);
        {
            int64_t x4 = 4, x7 = 7;
            assert_bound(c[14].lower_bound, c[14].lower_bound_len, &x4, 8);
            assert_bound(c[14].upper_bound, c[14].upper_bound_len, &x7, 8);
        }
    }
    st_parquet_file_metrics_free(m);
    st_batch_free(b);
    st_type_free(s);
}

void test_parquet_writer_stats__metrics_nan_only_and_empty(void)
{
    st_type *s = pwt_schema("f double, s string, l list<string>");
    st_batch *b = NULL;
    st_parquet_file_metrics *m = NULL;
    const char *path = st_test_path("n.parquet");
    st_pass(st_batch_new(&b, s, 2));
    for (int i = 0; i < 2; i++) {
        st_pass(st_vector_append_f64(b->columns[0], NAN));
        st_pass(st_vector_append_null(b->columns[1]));
        st_pass(i ? st_vector_append_null(b->columns[2]) : st_vector_append_nested(b->columns[2]));
    }
    st_pass(st_batch_seal(b));
    pwt_write(path, s, &b, 1, NULL, &m);
    st_assert(m->columns[0].lower_bound == NULL);
    st_assert_eq_i64(m->columns[0].nan_count, 2);
    st_assert_eq_i64(m->columns[0].null_count, 0);
    st_assert(m->columns[1].lower_bound == NULL);
    st_assert_eq_i64(m->columns[1].null_count, 2);
    /* an empty list and a null list: two level entries, both without a value */
    st_assert_eq_i64(m->columns[2].value_count, 2);
    st_assert_eq_i64(m->columns[2].null_count, 2);
    pwt_check(path, s, &b, 1);
    st_parquet_file_metrics_free(m);
    st_batch_free(b);
    st_type_free(s);
}
