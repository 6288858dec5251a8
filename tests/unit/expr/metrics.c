/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Metrics evaluation: tables of (file stats, filter, might match, must match)
 * covering bounds, nulls, all-null files, NaN counts and NaN bounds, missing
 * stats, truncated string bounds, promoted bounds, empty files and corrupt
 * bounds.
 */
#include "st_test.h"

#include <math.h>

#include <supertable/errors.h>
#include <supertable/types.h>

#include "expr/expr.h"
#include "gen.h"

/* field ids: i 1, l 2, d 3, f 4, s 5, dec 6, ts 7, req 8, st 9, st.x 10 */
#define SCHEMA                                                                                  \
    "i int, l long, d double, f float, s string, dec decimal(9,2), ts timestamp, "             \
    "req int not null, st struct<x: int>"

static st_buf bufs[64];
static int pool_n;

static const uint8_t *encode(const st_value *v, size_t *len)
{
    st_buf *b = &bufs[pool_n++];
    memset(b, 0, sizeof(*b));
    st_pass(st_value_to_bytes(b, v));
    *len = b->len;
    return b->ptr;
}

static void pool_free(void)
{
    for (int i = 0; i < pool_n; i++)
        st_buf_dispose(&bufs[i]);
    pool_n = 0;
}

static st_column_stats stat(int32_t id, int64_t values, int64_t nulls, int64_t nans)
{
    st_column_stats s;
    memset(&s, 0, sizeof(s));
    s.field_id = id;
    s.column_size = -1;
    s.value_count = values;
    s.null_count = nulls;
    s.nan_count = nans;
    return s;
}

static void bounds(st_column_stats *s, const st_value *lo, const st_value *hi)
{
    if (lo)
        s->lower = encode(lo, &s->lower_len);
    if (hi)
        s->upper = encode(hi, &s->upper_len);
}

static st_value vi32(int32_t x) { st_value v = {ST_TYPE_INT, 0, 0, {.i32 = x}}; return v; }
static st_value vi64(st_type_id t, int64_t x) { st_value v = {t, 0, 0, {.i64 = x}}; return v; }
static st_value vf64(double x) { st_value v = {ST_TYPE_DOUBLE, 0, 0, {.f64 = x}}; return v; }
static st_value vstr(const char *s)
{
    st_value v = {ST_TYPE_STRING, 0, 0, {.i64 = 0}};
    v.v.bytes.ptr = (const uint8_t *)s;
    v.v.bytes.len = strlen(s);
    return v;
}

static st_data_file file_of(int64_t records, st_column_stats *stats, int n)
{
    st_data_file f;
    memset(&f, 0, sizeof(f));
    f.file_path = "s3://bucket/t/data/f1.parquet";
    f.file_format = "PARQUET";
    f.record_count = records;
    f.stats = stats;
    f.n_stats = n;
    return f;
}

/* Binds `text` and checks both evaluators. */
static void check(const st_data_file *f, const char *text, int might, int must)
{
    st_type *schema;
    st_expr *u, *e;
    int m, s;
    st_pass(st_schema_parse(&schema, SCHEMA));
    st_pass(st_expr_parse(&u, text));
    st_pass(st_expr_bind(&e, u, schema, 1));
    m = st_expr_metrics_might_match(e, f, schema);
    s = st_expr_metrics_must_match(e, f, NULL);
    st_assert_msg(m == might, "might_match(%s) = %d, expected %d (%s)", text, m, might,
                  m < 0 ? st_error_last()->message : "");
    st_assert_msg(s == must, "must_match(%s) = %d, expected %d (%s)", text, s, must,
                  s < 0 ? st_error_last()->message : "");
    /* the two must agree: every row matching implies some row may match */
    st_assert(!(s == 1 && m == 0) || f->record_count == 0);
    st_expr_free(u);
    st_expr_free(e);
    st_type_free(schema);
}

void test_expr_metrics__int_bounds(void)
{
    st_column_stats st[1] = {stat(1, 100, 0, -1)};
    st_value lo = vi32(10), hi = vi32(20);
    st_data_file f;
    bounds(&st[0], &lo, &hi);
    f = file_of(100, st, 1);
    check(&f, "i < 10", 0, 0);
    check(&f, "i <= 10", 1, 0);
    check(&f, "i < 21", 1, 1);
    check(&f, "i < 20", 1, 0);
    check(&f, "i <= 20", 1, 1);
    check(&f, "i > 20", 0, 0);
    check(&f, "i >= 20", 1, 0);
    check(&f, "i > 9", 1, 1);
    check(&f, "i >= 10", 1, 1);
    check(&f, "i > 10", 1, 0);
    check(&f, "i = 5", 0, 0);
    check(&f, "i = 21", 0, 0);
    check(&f, "i = 15", 1, 0);
    check(&f, "i != 15", 1, 0);
    check(&f, "i != 5", 1, 1);
    check(&f, "i != 25", 1, 1);
    check(&f, "i IN (1, 2, 25)", 0, 0);
    check(&f, "i IN (1, 15)", 1, 0);
    check(&f, "i NOT IN (1, 25)", 1, 1);
    check(&f, "i NOT IN (1, 15)", 1, 0);
    check(&f, "i IS NULL", 0, 0);
    check(&f, "i IS NOT NULL", 1, 1);
    check(&f, "i BETWEEN 0 AND 30", 1, 1);
    check(&f, "i BETWEEN 0 AND 9", 0, 0);
    check(&f, "i NOT BETWEEN 0 AND 9", 1, 1);
    check(&f, "i < 5 OR i > 25", 0, 0);
    check(&f, "i < 5 OR i > 15", 1, 0);
    check(&f, "i > 5 AND i < 25", 1, 1);
    check(&f, "TRUE", 1, 1);
    check(&f, "FALSE", 0, 0);
    pool_free();
}

void test_expr_metrics__nulls(void)
{
    st_column_stats st[2] = {stat(1, 100, 5, -1), stat(2, 10, 10, -1)};
    st_value lo = vi32(10), hi = vi32(20);
    st_data_file f;
    bounds(&st[0], &lo, &hi);
    f = file_of(100, st, 2);
    check(&f, "i < 21", 1, 0); /* nulls are not < 21 */
    check(&f, "i IS NULL", 1, 0);
    check(&f, "i IS NOT NULL", 1, 0);
    check(&f, "i != 5", 1, 0);
    check(&f, "i IS NULL OR i < 21", 1, 0); /* strict is per predicate: conservative */
    /* all-null column: only IS NULL can match, and it must */
    check(&f, "l = 1", 0, 0);
    check(&f, "l < 1", 0, 0);
    check(&f, "l IN (1, 2)", 0, 0);
    check(&f, "l IS NULL", 1, 1);
    check(&f, "l IS NOT NULL", 0, 0);
    check(&f, "l != 1", 0, 0);      /* three-valued: null != 1 is unknown */
    check(&f, "l NOT IN (1)", 0, 0);
    check(&f, "NOT (l = 1)", 0, 0);
    pool_free();
}

void test_expr_metrics__missing_stats_and_required(void)
{
    st_column_stats st[1] = {stat(1, 100, 0, -1)};
    st_data_file f = file_of(100, st, 1);
    /* no entry for l: unknown */
    check(&f, "l = 1", 1, 0);
    check(&f, "l IS NULL", 1, 0);
    check(&f, "l IS NOT NULL", 1, 0);
    check(&f, "l != 1", 1, 0);
    /* counts without bounds */
    check(&f, "i = 1", 1, 0);
    check(&f, "i IS NOT NULL", 1, 1);
    /* a required column has no nulls even without stats */
    check(&f, "req IS NULL", 0, 0);
    check(&f, "req IS NOT NULL", 1, 1);
    check(&f, "req > 1", 1, 0);
    f = file_of(100, NULL, 0);
    check(&f, "i = 1 AND s = 'x'", 1, 0);
    pool_free();
}

void test_expr_metrics__empty_and_unknown_record_counts(void)
{
    st_data_file f = file_of(0, NULL, 0);
    check(&f, "i = 1", 0, 1);
    check(&f, "TRUE", 0, 1);
    f = file_of(-1, NULL, 0);
    check(&f, "i = 1", 1, 0);
    check(&f, "FALSE", 1, 0);
}

void test_expr_metrics__nan(void)
{
    st_column_stats st[1] = {stat(3, 10, 0, 2)};
    st_value lo = vf64(1.0), hi = vf64(5.0);
    st_data_file f;
    bounds(&st[0], &lo, &hi);
    f = file_of(10, st, 1);
    check(&f, "d > 5", 0, 0);
    check(&f, "d >= 5", 1, 0);
    check(&f, "d < 6", 1, 0);   /* NaN < 6 is false */
    check(&f, "d != 7", 1, 1);  /* NaN != 7 is true */
    check(&f, "d NOT IN (0, 7)", 1, 1);
    check(&f, "d IS NAN", 1, 0);
    check(&f, "d IS NOT NAN", 1, 0);
    check(&f, "NOT (d >= 6)", 1, 0);
    st[0].nan_count = 0;
    check(&f, "d < 6", 1, 1);
    check(&f, "d IS NAN", 0, 0);
    check(&f, "d IS NOT NAN", 1, 1);
    check(&f, "NOT (d >= 6)", 1, 1);
    /* NaN count unknown: never assume there is none */
    st[0].nan_count = -1;
    check(&f, "d < 6", 1, 0);
    check(&f, "d IS NAN", 1, 0);
    check(&f, "d IS NOT NAN", 1, 0);
    pool_free();
}

void test_expr_metrics__all_nan_and_nan_bounds(void)
{
    st_column_stats st[1] = {stat(3, 10, 0, 10)};
    st_value lo = vf64(NAN), hi = vf64(5.0);
    st_data_file f = file_of(10, st, 1);
    check(&f, "d < 1", 0, 0);
    check(&f, "d = 1", 0, 0);
    check(&f, "d IN (1, 2)", 0, 0);
    check(&f, "d IS NAN", 1, 1);
    check(&f, "d IS NOT NAN", 0, 0);
    check(&f, "d != 1", 1, 1);
    check(&f, "d NOT IN (1)", 1, 1);
    check(&f, "d IS NULL", 0, 0);
    /* nulls and NaNs only: nothing ordered either */
    st[0] = stat(3, 10, 4, 6);
    check(&f, "d >= 0", 0, 0);
    check(&f, "d != 1", 1, 0);
    /* a NaN bound (old writers) is no bound */
    st[0] = stat(3, 10, 0, 0);
    bounds(&st[0], &lo, &hi);
    check(&f, "d < -100", 1, 0);
    check(&f, "d > 5", 0, 0);
    check(&f, "d <= 5", 1, 1);
    pool_free();
}

void test_expr_metrics__signed_zero(void)
{
    st_column_stats st[1] = {stat(3, 10, 0, 0)};
    st_value lo = vf64(0.0), hi = vf64(0.0);
    st_data_file f;
    bounds(&st[0], &lo, &hi);
    f = file_of(10, st, 1);
    /* -0.0 = +0.0 for rows, so the bounds must not tell them apart */
    check(&f, "d <= -0.0", 1, 1);
    check(&f, "d = -0.0", 1, 1);
    check(&f, "d < -0.0", 0, 0);
    check(&f, "d != 0", 0, 0);
    pool_free();
}

void test_expr_metrics__truncated_string_bounds(void)
{
    /* as Java's truncate(4) writes them: the lower bound cut, the upper cut and
     * incremented ("abcz..." -> "abd") */
    st_column_stats st[1] = {stat(5, 50, 0, -1)};
    st_value lo = vstr("aaaa"), hi = vstr("abd");
    st_data_file f;
    bounds(&st[0], &lo, &hi);
    f = file_of(50, st, 1);
    check(&f, "s < 'aaaa'", 0, 0);
    check(&f, "s <= 'aaaa'", 1, 0);
    check(&f, "s = 'aaa'", 0, 0);
    check(&f, "s = 'aaaa'", 1, 0);
    check(&f, "s = 'abc'", 1, 0);
    check(&f, "s > 'abd'", 0, 0);
    check(&f, "s >= 'abd'", 1, 0);
    check(&f, "s < 'abd'", 1, 0);
    check(&f, "s < 'abe'", 1, 1);
    check(&f, "s <= 'abd'", 1, 1);
    check(&f, "s > 'a'", 1, 1);
    check(&f, "s STARTS WITH 'a'", 1, 1);
    check(&f, "s STARTS WITH 'aa'", 1, 0);
    check(&f, "s STARTS WITH 'ab'", 1, 0);
    check(&f, "s STARTS WITH 'abd'", 1, 0);
    check(&f, "s STARTS WITH 'abe'", 0, 0);
    check(&f, "s STARTS WITH 'b'", 0, 0);
    check(&f, "s STARTS WITH '0'", 0, 0);
    check(&f, "s STARTS WITH 'aaaaaaa'", 1, 0);
    check(&f, "s STARTS WITH '0aaaaaaaaaaaa'", 0, 0);
    check(&f, "s NOT STARTS WITH 'a'", 0, 0);
    check(&f, "s NOT STARTS WITH 'ab'", 1, 0);
    check(&f, "s NOT STARTS WITH 'b'", 1, 1);
    check(&f, "s NOT STARTS WITH '0'", 1, 1);
    check(&f, "s IN ('0', 'b')", 0, 0);
    check(&f, "s IN ('0', 'ab')", 1, 0);
    check(&f, "s != 'abc'", 1, 0);
    /* multi-byte UTF-8 compares by bytes (= code points) */
    lo = vstr("caf\xc3\xa9");
    hi = vstr("caf\xc3\xaa");
    st[0] = stat(5, 50, 0, -1);
    bounds(&st[0], &lo, &hi);
    check(&f, "s > 'cafe'", 1, 1);
    check(&f, "s LIKE 'caf\xc3%'", 1, 1);
    check(&f, "s LIKE 'cafe%'", 0, 0);
    /* a single value */
    lo = hi = vstr("x");
    st[0] = stat(5, 50, 0, -1);
    bounds(&st[0], &lo, &hi);
    check(&f, "s = 'x'", 1, 1);
    check(&f, "s != 'x'", 0, 0);
    check(&f, "s IN ('x', 'y')", 1, 1);
    check(&f, "s NOT IN ('x', 'y')", 0, 0);
    check(&f, "s NOT LIKE 'x%'", 0, 0);
    pool_free();
}

void test_expr_metrics__decimals_timestamps_and_promotion(void)
{
    st_column_stats st[4] = {stat(2, 10, 0, -1), stat(6, 10, 0, -1), stat(7, 10, 0, -1),
                             stat(10, 10, 2, -1)};
    st_value lo_int = vi32(-5), hi_int = vi32(5);
    st_value dlo = {ST_TYPE_DECIMAL, 0, 2, {.dec = {150, 0}}};          /* 1.50 */
    st_value dhi = {ST_TYPE_DECIMAL, 0, 2, {.dec = {(uint64_t)-250, -1}}}; /* -2.50 */
    st_value day_lo = {ST_TYPE_DATE, 0, 0, {.i32 = 19783}};              /* 2024-03-01 */
    st_value ts_hi = vi64(ST_TYPE_TIMESTAMP, 19785LL * 86400000000LL);   /* 2024-03-03 */
    st_value x_lo = vi32(0), x_hi = vi32(3);
    st_data_file f;
    /* a long column with int bounds (promoted), a decimal, a timestamp with a date
     * lower bound (promoted date), a struct field */
    bounds(&st[0], &lo_int, &hi_int);
    bounds(&st[1], &dhi, &dlo);
    bounds(&st[2], &day_lo, &ts_hi);
    bounds(&st[3], &x_lo, &x_hi);
    f = file_of(10, st, 4);
    check(&f, "l > 5", 0, 0);
    check(&f, "l >= -5", 1, 1);
    check(&f, "l = 5000000000", 0, 0);
    check(&f, "dec > 1.5", 0, 0);
    check(&f, "dec >= 1.5", 1, 0);
    check(&f, "dec < -2.5", 0, 0);
    check(&f, "dec BETWEEN -2.5 AND 1.5", 1, 1);
    check(&f, "ts < '2024-03-01'", 0, 0);
    check(&f, "ts >= '2024-03-01'", 1, 1);
    check(&f, "ts > '2024-03-03'", 0, 0);
    check(&f, "ts > '2024-03-02T23:59:59'", 1, 0);
    check(&f, "st.x > 3", 0, 0);
    check(&f, "st.x <= 3", 1, 0); /* nulls */
    check(&f, "st.x IS NULL", 1, 0);
    pool_free();
}

void test_expr_metrics__corrupt_bounds_and_bad_calls(void)
{
    static const uint8_t three[3] = {1, 2, 3};
    st_column_stats st[1] = {stat(1, 10, 0, -1)};
    st_data_file f = file_of(10, st, 1);
    st_type *schema;
    st_expr *u, *e;
    st[0].lower = three;
    st[0].lower_len = 3;
    st_pass(st_schema_parse(&schema, SCHEMA));
    st_pass(st_expr_parse(&u, "i < 5"));
    st_fail_with(ST_EINVALID, st_expr_metrics_might_match(u, &f, schema));
    st_pass(st_expr_bind(&e, u, schema, 1));
    st_fail_with(ST_ECORRUPT, st_expr_metrics_might_match(e, &f, schema));
    st_assert_contains(st_error_last()->message,
                       "data file 's3://bucket/t/data/f1.parquet': bound of column 'i' (field id 1)");
    st_fail_with(ST_ECORRUPT, st_expr_metrics_must_match(e, &f, schema));
    st_expr_free(u);
    st_expr_free(e);
    st_type_free(schema);
}

/* ------------------------------------------------- stats from real rows */

static st_value gen_value(const gen_col *c, gen_val x)
{
    st_value v;
    memset(&v, 0, sizeof(v));
    v.type = c->type;
    switch (c->type) {
    case ST_TYPE_INT:
    case ST_TYPE_DATE: v.v.i32 = (int32_t)x.i; break;
    case ST_TYPE_DOUBLE: v.v.f64 = x.f; break;
    case ST_TYPE_FLOAT: v.v.f32 = (float)x.f; break;
    case ST_TYPE_STRING:
        v.v.bytes.ptr = (const uint8_t *)x.s;
        v.v.bytes.len = strlen(x.s);
        break;
    case ST_TYPE_BOOLEAN: v.v.b = (int)x.i; break;
    case ST_TYPE_DECIMAL:
        v.v.dec.lo = (uint64_t)x.i;
        v.v.dec.hi = x.i < 0 ? -1 : 0;
        v.scale = 2;
        break;
    default: v.v.i64 = x.i; break;
    }
    return v;
}

/* The stats a writer would record for the rows, with random omissions and
 * string bounds randomly truncated to one byte as Iceberg truncates them (the
 * upper bound incremented). Entries in field id order. */
static int stats_of(st_column_stats *out, const gen_val *rows, int n, char (*tbuf)[8])
{
    static const int by_id[GEN_NCOLS] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 11, 9, 10};
    int m = 0;
    for (int j = 0; j < GEN_NCOLS; j++) {
        int k = by_id[j], have = 0, nan;
        const gen_col *c = &GEN_COLS[k];
        gen_val lo = {0, 0, 0, NULL}, hi = lo;
        st_column_stats *s = &out[m];
        st_value v;
        int64_t nulls = 0, nans = 0;
        if (gen_pick(8) == 0)
            continue; /* no stats for the column */
        for (int r = 0; r < n; r++) {
            gen_val x = rows[r * GEN_NCOLS + k];
            if (x.null) {
                nulls++;
                continue;
            }
            if (c->kind == GEN_FLOAT && isnan(x.f)) {
                nans++;
                continue;
            }
            if (!have || gen_cmp(c, x, lo, &nan) < 0)
                lo = x;
            if (!have || gen_cmp(c, x, hi, &nan) > 0)
                hi = x;
            have = 1;
        }
        *s = stat(c->field_id, gen_pick(6) ? n : -1, gen_pick(6) ? nulls : -1,
                  c->kind == GEN_FLOAT && gen_pick(6) ? nans : -1);
        if (have && gen_pick(6)) {
            v = gen_value(c, lo);
            if (c->kind == GEN_STR && v.v.bytes.len > 1 && gen_pick(2))
                v.v.bytes.len = 1;
            bounds(s, &v, NULL);
        }
        if (have && gen_pick(6)) {
            v = gen_value(c, hi);
            if (c->kind == GEN_STR && v.v.bytes.len > 1 && gen_pick(2)) {
                char *t = tbuf[m];
                t[0] = (char)(v.v.bytes.ptr[0] + 1);
                v.v.bytes.ptr = (const uint8_t *)t;
                v.v.bytes.len = 1;
            }
            bounds(s, NULL, &v);
        }
        m++;
    }
    return m;
}

void test_expr_metrics__agree_with_rows(void)
{
    /* might_match = 0 only if no row matches; must_match = 1 only if all do */
    st_type *schema;
    gen_val rows[10 * GEN_NCOLS];
    gen_node pool[GEN_POOL];
    uint8_t keep[10];
    long cannot = 0, must_all = 0;
    st_pass(st_schema_parse(&schema, GEN_SCHEMA));
    gen_seed(777);
    for (int batch = 0; batch < 60; batch++) {
        int n = 1 + gen_pick(6);
        st_batch *b = gen_batch(schema, n, rows);
        st_column_stats stats[GEN_NCOLS];
        char tbuf[GEN_NCOLS][8];
        int ns = stats_of(stats, rows, n, tbuf);
        st_data_file f = file_of(n, stats, ns);
        for (int iter = 0; iter < 300; iter++) {
            int used = 0, any = 0, all = 1, m, s;
            gen_node *g = gen_tree(pool, &used, 2);
            st_buf text = ST_BUF_INIT;
            st_expr *u, *e;
            gen_text(&text, g);
            st_pass(st_expr_parse(&u, st_buf_cstr(&text)));
            st_pass(st_expr_bind(&e, u, schema, 1));
            st_pass(st_expr_eval_batch(e, b, keep));
            for (int r = 0; r < n; r++) {
                any |= keep[r];
                all &= keep[r];
            }
            m = st_expr_metrics_might_match(e, &f, schema);
            s = st_expr_metrics_must_match(e, &f, schema);
            st_assert_msg(m >= 0 && s >= 0, "%s: %s", st_buf_cstr(&text), st_error_last()->message);
            st_assert_msg(!any || m, "might_match(%s) = 0 but a row matches", st_buf_cstr(&text));
            st_assert_msg(!s || all, "must_match(%s) = 1 but a row does not match",
                          st_buf_cstr(&text));
            cannot += !m;
            must_all += s;
            st_expr_free(u);
            st_expr_free(e);
            st_buf_dispose(&text);
        }
        st_batch_free(b);
        pool_free();
    }
    st_assert_msg(cannot > 1000 && must_all > 1000, "might=0: %ld, must=1: %ld", cannot, must_all);
    st_type_free(schema);
}
