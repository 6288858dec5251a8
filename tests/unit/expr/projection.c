/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Partition projection: named cases for every transform (the spec's
 * `ts >= X` under day/month/year/hour among them, pre-1970 values, strings
 * by code point), and a property test of the contract on random values and
 * random filters for each transform and source type:
 *   inclusive  row matches => projected filter holds on transform(row value)
 *   strict     projected filter holds on transform(row value) => row matches
 * and, over the same rows, that the manifest evaluator never rules out a
 * manifest whose partition summary covers a matching row.
 */
#include "st_test.h"

#include <math.h>

#include <supertable/errors.h>
#include <supertable/sys/alloc.h>
#include <supertable/types.h>
#include <supertable/vector.h>

#include "expr/expr_int.h"
#include "util/datetime.h"

#define SCHEMA                                                                                  \
    "ts timestamp, d date, tz timestamptz, i int, l long, dec decimal(9,2), s string, "         \
    "bin binary, u uuid, x double, tsn timestamp_ns"

/* A spec from "source:transform" pairs ("ts:day ts:hour"); partition fields get
 * ids from 1000 and names source_transform. */
typedef struct spec_holder {
    st_partition_spec spec;
    st_partition_field fields[8];
    char names[8][64];
} spec_holder;

static void make_spec(spec_holder *h, const st_type *schema, const char *text)
{
    char buf[256], *save = NULL;
    memset(h, 0, sizeof(*h));
    snprintf(buf, sizeof(buf), "%s", text);
    for (char *tok = strtok_r(buf, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
        st_partition_field *f = &h->fields[h->spec.n_fields];
        char *colon = strchr(tok, ':');
        int idx;
        *colon = 0;
        idx = st_type_field_index(schema, tok);
        st_assert(idx >= 0);
        st_pass(st_transform_parse(&f->transform, colon + 1));
        f->source_id = schema->fields[idx].id;
        f->field_id = 1000 + h->spec.n_fields;
        snprintf(h->names[h->spec.n_fields], sizeof(h->names[0]), "%s_%s", tok, colon + 1);
        for (char *p = h->names[h->spec.n_fields]; *p; p++)
            if (*p == '[' || *p == ']')
                *p = '_';
        f->name = h->names[h->spec.n_fields];
        h->spec.n_fields++;
    }
    h->spec.fields = h->fields;
}

/* Projects `filter` onto `spec_text` and checks both prints. */
static void projects(const char *spec_text, const char *filter, const char *inclusive,
                     const char *strict)
{
    st_type *schema;
    st_expr *u, *e, *pi, *ps;
    st_buf a = ST_BUF_INIT, b = ST_BUF_INIT;
    spec_holder h;
    st_pass(st_schema_parse(&schema, SCHEMA));
    make_spec(&h, schema, spec_text);
    st_pass(st_expr_parse(&u, filter));
    st_pass(st_expr_bind(&e, u, schema, 1));
    st_pass(st_expr_project_inclusive(&pi, e, &h.spec, schema));
    st_pass(st_expr_project_strict(&ps, e, &h.spec, schema));
    st_assert(pi->state == ST_EXPR_PROJECTED && ps->state == ST_EXPR_PROJECTED);
    st_pass(st_expr_to_string(&a, pi));
    st_pass(st_expr_to_string(&b, ps));
    st_assert_msg(strcmp(st_buf_cstr(&a), inclusive) == 0, "inclusive(%s) under %s = %s, expected %s",
                  filter, spec_text, st_buf_cstr(&a), inclusive);
    st_assert_msg(strcmp(st_buf_cstr(&b), strict) == 0, "strict(%s) under %s = %s, expected %s",
                  filter, spec_text, st_buf_cstr(&b), strict);
    st_buf_dispose(&a);
    st_buf_dispose(&b);
    st_expr_free(u);
    st_expr_free(e);
    st_expr_free(pi);
    st_expr_free(ps);
    st_type_free(schema);
}

void test_expr_projection__time_transforms(void)
{
    /* the spec's example: ts >= X under day(ts) is ts_day >= day(X) */
    projects("ts:day", "ts >= '2024-03-01'", "ts_day >= '2024-03-01'", "ts_day > '2024-02-29'");
    projects("ts:month", "ts >= '2024-03-01'", "ts_month >= 650", "ts_month > 649");
    projects("ts:year", "ts >= '2024-03-01'", "ts_year >= 54", "ts_year > 54");
    projects("ts:hour", "ts >= '2024-03-01'", "ts_hour >= 474792", "ts_hour > 474791");
    projects("ts:day", "ts > '2024-03-01T10:00:00'", "ts_day >= '2024-03-01'",
             "ts_day > '2024-03-01'");
    projects("ts:day", "ts < '2024-03-01T10:00:00'", "ts_day <= '2024-03-01'",
             "ts_day < '2024-03-01'");
    projects("ts:day", "ts < '2024-03-01'", "ts_day <= '2024-02-29'", "ts_day < '2024-03-01'");
    projects("ts:day", "ts <= '2024-03-01T23:59:59.999999'", "ts_day <= '2024-03-01'",
             "ts_day < '2024-03-02'");
    projects("ts:day", "ts = '2024-03-01T10:00:00'", "ts_day = '2024-03-01'", "FALSE");
    projects("ts:day", "ts != '2024-03-01T10:00:00'", "TRUE", "ts_day != '2024-03-01'");
    projects("ts:day", "ts IN ('2024-03-01T10:00:00', '2024-03-01T11:00:00', '2024-03-05')",
             "ts_day IN ('2024-03-01', '2024-03-05')", "FALSE");
    projects("ts:day", "ts NOT IN ('2024-03-01T10:00:00', '2024-03-05')", "TRUE",
             "ts_day NOT IN ('2024-03-01', '2024-03-05')");
    projects("ts:day", "ts IS NULL", "ts_day IS NULL", "ts_day IS NULL");
    projects("d:month", "d BETWEEN '2024-01-15' AND '2024-03-31'",
             "d_month >= 648 AND d_month <= 650", "d_month > 648 AND d_month < 651");
    projects("d:day", "d >= '2024-03-01'", "d_day >= '2024-03-01'", "d_day > '2024-02-29'");
    projects("tz:hour", "tz < '2024-03-01T10:30:00+01:00'", "tz_hour <= 474801", "tz_hour < 474801");
    projects("tsn:day", "tsn > '2024-03-01T23:59:59.999999999'", "tsn_day >= '2024-03-02'",
             "tsn_day > '2024-03-01'");
}

void test_expr_projection__pre_epoch_values(void)
{
    /* Java Iceberg <= 0.10 wrote pre-1970 periods one too high: inclusive
     * projections widen, strict ones narrow, for negative values */
    projects("ts:day", "ts = '1969-12-31T10:00:00'", "ts_day IN ('1969-12-31', '1970-01-01')",
             "FALSE");
    projects("ts:day", "ts < '1969-12-31T10:00:00'", "ts_day <= '1970-01-01'",
             "ts_day < '1969-12-31'");
    projects("ts:day", "ts > '1969-12-31T10:00:00'", "ts_day >= '1969-12-31'",
             "ts_day > '1970-01-01'");
    projects("ts:month", "ts != '1969-11-15'", "TRUE", "ts_month NOT IN (-2, -1)");
    projects("ts:year", "ts IN ('1960-06-01', '1980-01-01')", "ts_year IN (-10, -9, 10)", "FALSE");
    projects("ts:hour", "ts >= '1970-01-01T00:00:00'", "ts_hour >= 0", "ts_hour > 0");
    /* hours past int's range (year 245,000 and later) wrap: no projection */
    projects("ts:hour", "ts >= '282023-01-01'", "TRUE", "FALSE");
    projects("ts:day", "ts >= '282023-01-01'", "ts_day >= '+282023-01-01'",
             "ts_day > '+282022-12-31'");
}

void test_expr_projection__identity_bucket_truncate(void)
{
    projects("i:identity", "i > 5 AND i != 7", "i_identity > 5 AND i_identity != 7",
             "i_identity > 5 AND i_identity != 7");
    projects("x:identity", "x IS NAN OR x < 1", "x_identity IS NAN OR x_identity < 1",
             "x_identity IS NAN OR x_identity < 1");
    /* bucket: (murmur3(34) & INT_MAX) % 16 with murmur3(34) = 2017239379 */
    projects("i:bucket[16]", "i = 34", "i_bucket_16_ = 3", "FALSE");
    projects("i:bucket[16]", "i != 34", "TRUE", "i_bucket_16_ != 3");
    projects("i:bucket[16]", "i < 34", "TRUE", "FALSE");
    projects("i:bucket[16]", "i IS NOT NULL", "i_bucket_16_ IS NOT NULL", "i_bucket_16_ IS NOT NULL");
    projects("s:bucket[4]", "s IN ('iceberg', 'x')", "s_bucket_4_ IN (1, 3)", "FALSE");
    projects("i:truncate[10]", "i < 5", "i_truncate_10_ <= 0", "i_truncate_10_ < 0");
    projects("i:truncate[10]", "i >= -1", "i_truncate_10_ >= -10", "i_truncate_10_ > -10");
    projects("i:truncate[10]", "i > 5", "i_truncate_10_ >= 0", "i_truncate_10_ > 0");
    projects("i:truncate[10]", "i >= 10", "i_truncate_10_ >= 10", "i_truncate_10_ > 0");
    projects("i:truncate[10]", "i <= 9", "i_truncate_10_ <= 0", "i_truncate_10_ < 10");
    projects("i:truncate[10]", "i = 15", "i_truncate_10_ = 10", "FALSE");
    projects("i:truncate[10]", "i != 15", "TRUE", "i_truncate_10_ != 10");
    projects("dec:truncate[50]", "dec < 10.65", "dec_truncate_50_ <= 10.50",
             "dec_truncate_50_ < 10.50");
    projects("l:truncate[100]", "l IN (150, 160, -1)", "l_truncate_100_ IN (-100, 100)", "FALSE");
    /* overflow near the minimum: truncate would wrap, so no projection */
    projects("i:truncate[10]", "i < -2147483648", "TRUE", "FALSE");
    projects("i:truncate[10]", "i <= -2147483646", "TRUE", "FALSE");
}

void test_expr_projection__truncate_strings(void)
{
    projects("s:truncate[3]", "s = 'abcdef'", "s_truncate_3_ = 'abc'", "FALSE");
    projects("s:truncate[3]", "s = 'ab'", "s_truncate_3_ = 'ab'", "s_truncate_3_ = 'ab'");
    projects("s:truncate[3]", "s < 'abcdef'", "s_truncate_3_ <= 'abc'", "s_truncate_3_ < 'abc'");
    projects("s:truncate[3]", "s <= 'ab'", "s_truncate_3_ <= 'ab'", "s_truncate_3_ <= 'ab'");
    projects("s:truncate[3]", "s <= 'abc'", "s_truncate_3_ <= 'abc'", "s_truncate_3_ < 'abc'");
    projects("s:truncate[3]", "s >= 'abc'", "s_truncate_3_ >= 'abc'", "s_truncate_3_ >= 'abc'");
    projects("s:truncate[3]", "s >= 'abcd'", "s_truncate_3_ >= 'abc'", "s_truncate_3_ > 'abc'");
    projects("s:truncate[3]", "s > 'abcd'", "s_truncate_3_ >= 'abc'", "s_truncate_3_ > 'abc'");
    projects("s:truncate[3]", "s LIKE 'ab%'", "s_truncate_3_ STARTS WITH 'ab'",
             "s_truncate_3_ STARTS WITH 'ab'");
    projects("s:truncate[3]", "s LIKE 'abc%'", "s_truncate_3_ = 'abc'",
             "s_truncate_3_ STARTS WITH 'abc'");
    projects("s:truncate[3]", "s LIKE 'abcd%'", "s_truncate_3_ = 'abc'", "FALSE");
    projects("s:truncate[3]", "s NOT LIKE 'ab%'", "s_truncate_3_ NOT STARTS WITH 'ab'",
             "s_truncate_3_ NOT STARTS WITH 'ab'");
    projects("s:truncate[3]", "s NOT LIKE 'abc%'", "s_truncate_3_ != 'abc'",
             "s_truncate_3_ NOT STARTS WITH 'abc'");
    projects("s:truncate[3]", "s NOT LIKE 'abcd%'", "TRUE", "s_truncate_3_ != 'abc'");
    projects("s:truncate[3]", "s IN ('a', 'ab')", "s_truncate_3_ IN ('a', 'ab')",
             "s_truncate_3_ IN ('a', 'ab')");
    /* code points, not bytes */
    projects("s:truncate[2]", "s = 'caf\xc3\xa9'", "s_truncate_2_ = 'ca'", "FALSE");
    projects("s:truncate[2]", "s = '\xc3\xa9t\xc3\xa9'", "s_truncate_2_ = '\xc3\xa9t'", "FALSE");
    projects("s:truncate[2]", "s LIKE '\xc3\xa9%'", "s_truncate_2_ STARTS WITH '\xc3\xa9'",
             "s_truncate_2_ STARTS WITH '\xc3\xa9'");
    projects("bin:truncate[2]", "bin = 'abc'", "bin_truncate_2_ = 'ab'", "FALSE");
}

void test_expr_projection__combinations(void)
{
    /* several fields of one column: AND inclusively, OR strictly */
    projects("ts:day ts:hour", "ts >= '2024-03-01T10:00:00'",
             "ts_day >= '2024-03-01' AND ts_hour >= 474802", "ts_day > '2024-03-01' OR ts_hour > 474801");
    projects("ts:day i:identity", "ts >= '2024-03-01' AND (i = 1 OR s = 'x')",
             "ts_day >= '2024-03-01'", "ts_day > '2024-02-29' AND i_identity = 1");
    projects("ts:day i:identity", "ts >= '2024-03-01' OR i = 1",
             "ts_day >= '2024-03-01' OR i_identity = 1", "ts_day > '2024-02-29' OR i_identity = 1");
    projects("s:void", "s = 'x'", "TRUE", "FALSE");
    projects("s:void i:identity", "s = 'x' AND i = 1", "i_identity = 1", "FALSE");
    projects("", "i = 1", "TRUE", "FALSE");
    projects("i:identity", "TRUE", "TRUE", "TRUE");
    projects("i:identity", "i IS NULL AND FALSE", "FALSE", "FALSE");
    projects("u:bucket[4]", "u = 'f79c3e09-677c-4bbd-a479-3f349cb785e7'", "u_bucket_4_ = 0", "FALSE");
}

void test_expr_projection__eval_partition_and_manifest(void)
{
    st_type *schema, *ptype;
    st_expr *u, *e, *p;
    spec_holder h;
    st_value tuple[2];
    st_field_summary sums[2];
    st_manifest_file mf;
    st_buf lo = ST_BUF_INIT, hi = ST_BUF_INIT;
    st_pass(st_schema_parse(&schema, SCHEMA));
    make_spec(&h, schema, "ts:day s:truncate[2]");
    st_pass(st_partition_type(&ptype, &h.spec, schema));
    st_pass(st_expr_parse(&u, "ts >= '2024-03-01' AND s LIKE 'ab%'"));
    st_pass(st_expr_bind(&e, u, schema, 1));
    st_pass(st_expr_project_inclusive(&p, e, &h.spec, schema));
    memset(tuple, 0, sizeof(tuple));
    tuple[0].type = ST_TYPE_DATE;
    tuple[0].v.i32 = 19783;
    tuple[1].type = ST_TYPE_STRING;
    tuple[1].v.bytes.ptr = (const uint8_t *)"ab";
    tuple[1].v.bytes.len = 2;
    st_assert_eq_i64(st_expr_eval_partition(p, tuple, 2), 1);
    tuple[0].v.i32 = 19782;
    st_assert_eq_i64(st_expr_eval_partition(p, tuple, 2), 0);
    tuple[0].type = ST_TYPE_INT; /* readers may type day values as int */
    tuple[0].v.i32 = 19790;
    st_assert_eq_i64(st_expr_eval_partition(p, tuple, 2), 1);
    tuple[1].is_null = 1;
    st_assert_eq_i64(st_expr_eval_partition(p, tuple, 2), 0);
    st_fail_with(ST_EINVALID, st_expr_eval_partition(p, tuple, 1));
    tuple[0].type = ST_TYPE_STRING;
    st_fail_with(ST_EINVALID, st_expr_eval_partition(p, tuple, 2));
    st_fail_with(ST_EINVALID, st_expr_eval_partition(e, tuple, 2));

    /* manifest summaries: day in [2024-02-01, 2024-02-29] cannot match */
    memset(&mf, 0, sizeof(mf));
    memset(sums, 0, sizeof(sums));
    mf.manifest_path = "m.avro";
    mf.partitions = sums;
    mf.n_partitions = 2;
    tuple[0].type = ST_TYPE_DATE;
    tuple[0].v.i32 = 19754;
    st_pass(st_value_to_bytes(&lo, &tuple[0]));
    tuple[0].v.i32 = 19782;
    st_pass(st_value_to_bytes(&hi, &tuple[0]));
    sums[0].lower = lo.ptr;
    sums[0].lower_len = lo.len;
    sums[0].upper = hi.ptr;
    sums[0].upper_len = hi.len;
    sums[1].contains_nan = -1;
    sums[0].contains_nan = -1;
    st_assert_eq_i64(st_expr_manifest_might_match(p, &mf, ptype), 0);
    st_assert_eq_i64(st_expr_manifest_might_match(p, &mf, NULL), 0);
    sums[0].upper = lo.ptr; /* widen the other way: [.., 2024-02-01] still cannot */
    sums[0].upper_len = lo.len;
    st_assert_eq_i64(st_expr_manifest_might_match(p, &mf, ptype), 0);
    sums[0].upper = NULL; /* no upper bound: unknown */
    st_assert_eq_i64(st_expr_manifest_might_match(p, &mf, ptype), 1);
    /* every value null: nothing matches; only nulls, no bounds, unknown NaN-ness is fine for dates */
    sums[0].lower = NULL;
    sums[0].contains_null = 1;
    st_assert_eq_i64(st_expr_manifest_might_match(p, &mf, ptype), 0);
    sums[0].contains_null = 0; /* no bounds and no nulls: an empty or odd summary, unknown */
    st_assert_eq_i64(st_expr_manifest_might_match(p, &mf, ptype), 1);
    mf.n_partitions = 0;
    st_assert_eq_i64(st_expr_manifest_might_match(p, &mf, ptype), 1);
    st_fail_with(ST_EINVALID, st_expr_manifest_might_match(e, &mf, ptype));
    st_buf_dispose(&lo);
    st_buf_dispose(&hi);
    st_expr_free(u);
    st_expr_free(e);
    st_expr_free(p);
    st_type_free(ptype);
    st_type_free(schema);
}

void test_expr_projection__bad_calls(void)
{
    st_type *schema;
    st_expr *u, *out = (st_expr *)1;
    spec_holder h;
    st_pass(st_schema_parse(&schema, SCHEMA));
    make_spec(&h, schema, "i:identity");
    st_pass(st_expr_parse(&u, "i = 1"));
    st_fail_with(ST_EINVALID, st_expr_project_inclusive(&out, u, &h.spec, schema));
    st_assert(out == NULL);
    st_fail_with(ST_EINVALID, st_expr_project_strict(&out, u, &h.spec, schema));
    st_expr_free(u);
    st_type_free(schema);
}

/* ------------------------------------------------------- the property */

static uint64_t rng = 42;
static uint32_t rnd(void)
{
    rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
    return (uint32_t)(rng >> 33);
}
static int pick(int n) { return (int)(rnd() % (uint32_t)n); }

static const char *const STRS[] = {"",   "a",  "ab", "abc", "abd", "b",  "\xc3\xa9",
                                   "a\xc3\xa9", "a\xc3\xa9\x62", "ab\xc3\xa9", "\xc3\xa9\xc3\xa9", "ba"};

/* A day near a month or year boundary, around 1970 and 2024. */
static int32_t random_day(void)
{
    static const int years[] = {1968, 1969, 1970, 1971, 2023, 2024};
    static const int mdays[] = {1, 2, 28, 29, 30, 31};
    int64_t y = years[pick(6)];
    int m = 1 + pick(12), d = mdays[pick(6)];
    int64_t days = st_days_from_civil(y, m, d > 28 ? 28 : d) + (d > 28 ? d - 28 : 0);
    return (int32_t)(days + pick(3) - 1);
}

static int64_t random_micros(int ns)
{
    static const int64_t offs[] = {0, 1, 3599999999LL, 3600000000LL, 86399999999LL, 43200000000LL};
    int64_t v = (int64_t)random_day() * 86400000000LL + offs[pick(6)] + (pick(4) == 0 ? -1 : 0);
    if (ns)
        v = v * 1000 + (pick(3) == 0 ? 999 : pick(2));
    return v;
}

/*
 * A random non-null value of `type` (bytes point at static or `store`). Row
 * values stay clear of the last few integers above the type's minimum, where
 * truncate wraps around (as Java's does: such partition values are garbage);
 * literals go there too. Binary has no NUL byte: filter text cannot hold one.
 */
static st_value random_value(const st_type *type, uint8_t *store, int literal)
{
    st_value v;
    memset(&v, 0, sizeof(v));
    v.type = type->id;
    switch (type->id) {
    case ST_TYPE_INT:
        v.v.i32 = pick(20) == 0 ? (pick(2) ? INT32_MIN + (literal ? 0 : 100) + pick(3) : INT32_MAX - pick(3))
                                : pick(81) - 40;
        break;
    case ST_TYPE_LONG:
        v.v.i64 = pick(20) == 0 ? (pick(2) ? INT64_MIN + (literal ? 0 : 100) + pick(3) : INT64_MAX - pick(3))
                                : pick(81) - 40;
        break;
    case ST_TYPE_DECIMAL:
        v.v.dec.lo = (uint64_t)(int64_t)(pick(801) - 400);
        v.v.dec.hi = (int64_t)v.v.dec.lo < 0 ? -1 : 0;
        v.scale = type->scale;
        break;
    case ST_TYPE_STRING: {
        const char *s = STRS[pick((int)(sizeof(STRS) / sizeof(STRS[0])))];
        v.v.bytes.ptr = (const uint8_t *)s;
        v.v.bytes.len = strlen(s);
        break;
    }
    case ST_TYPE_BINARY: {
        static const uint8_t alphabet[3] = {0x01, 0x02, 0xff};
        size_t n = (size_t)pick(5);
        for (size_t k = 0; k < n; k++)
            store[k] = alphabet[pick(3)];
        v.v.bytes.ptr = store;
        v.v.bytes.len = n;
        break;
    }
    case ST_TYPE_UUID:
        for (int k = 0; k < 16; k++)
            store[k] = (uint8_t)(k < 14 ? 0 : pick(4));
        v.v.bytes.ptr = store;
        v.v.bytes.len = 16;
        break;
    case ST_TYPE_DATE: v.v.i32 = random_day(); break;
    case ST_TYPE_DOUBLE: {
        int k = pick(10);
        v.v.f64 = k == 0 ? NAN : k == 1 ? -0.0 : (pick(9) - 4) / 2.0;
        break;
    }
    default:
        v.v.i64 = random_micros(type->id == ST_TYPE_TIMESTAMP_NS || type->id == ST_TYPE_TIMESTAMPTZ_NS);
        break;
    }
    return v;
}

static void append_value(st_vector *vec, const st_value *v)
{
    if (v->is_null) {
        st_pass(st_vector_append_null(vec));
        return;
    }
    switch (v->type) {
    case ST_TYPE_INT:
    case ST_TYPE_DATE: st_pass(st_vector_append_i32(vec, v->v.i32)); break;
    case ST_TYPE_DECIMAL: st_pass(st_vector_append_decimal(vec, v->v.dec)); break;
    case ST_TYPE_DOUBLE: st_pass(st_vector_append_f64(vec, v->v.f64)); break;
    case ST_TYPE_STRING:
    case ST_TYPE_BINARY:
    case ST_TYPE_UUID: st_pass(st_vector_append_bytes(vec, v->v.bytes.ptr, v->v.bytes.len)); break;
    default: st_pass(st_vector_append_i64(vec, v->v.i64)); break;
    }
}

/* A random leaf or AND/OR/NOT of leaves on column c, as filter text. */
static void random_filter(st_buf *out, const st_type *type, int depth)
{
    uint8_t store[16];
    int k = depth > 0 ? pick(8) : 7;
    if (k < 2) {
        st_pass(st_buf_putc(out, '('));
        random_filter(out, type, depth - 1);
        st_pass(st_buf_puts(out, k ? " AND " : " OR "));
        random_filter(out, type, depth - 1);
        st_pass(st_buf_putc(out, ')'));
        return;
    }
    if (k == 2) {
        st_pass(st_buf_puts(out, "NOT ("));
        random_filter(out, type, depth - 1);
        st_pass(st_buf_putc(out, ')'));
        return;
    }
    for (;;) {
        int o = pick(12);
        st_value v;
        do
            v = random_value(type, store, 1);
        while (type->id == ST_TYPE_DOUBLE && isnan(v.v.f64));
        if (o < 6) {
            static const char *const ops[] = {"<", "<=", ">", ">=", "=", "!="};
            st_pass(st_buf_printf(out, "c %s ", ops[o]));
            st_pass(expr_format_value(out, &v));
        } else if (o < 8) {
            int n = 1 + pick(3);
            st_pass(st_buf_puts(out, o == 6 ? "c IN (" : "c NOT IN ("));
            for (int i = 0; i < n; i++) {
                if (i) {
                    st_pass(st_buf_puts(out, ", "));
                    do
                        v = random_value(type, store, 1);
                    while (type->id == ST_TYPE_DOUBLE && isnan(v.v.f64));
                }
                st_pass(expr_format_value(out, &v));
            }
            st_pass(st_buf_putc(out, ')'));
        } else if (o < 10) {
            st_pass(st_buf_puts(out, o == 8 ? "c IS NULL" : "c IS NOT NULL"));
        } else if (type->id == ST_TYPE_STRING) {
            st_pass(st_buf_puts(out, o == 10 ? "c STARTS WITH " : "c NOT STARTS WITH "));
            st_pass(expr_format_value(out, &v));
        } else if (type->id == ST_TYPE_DOUBLE) {
            st_pass(st_buf_puts(out, o == 10 ? "c IS NAN" : "c IS NOT NAN"));
        } else {
            continue;
        }
        return;
    }
}

/* Summary of the partition values as a manifest list writes it. */
static void summarize(st_field_summary *fs, const st_value *vals, int n, st_buf *lo, st_buf *hi)
{
    int have = 0, ilo = 0, ihi = 0;
    memset(fs, 0, sizeof(*fs));
    for (int r = 0; r < n; r++) {
        const st_value *v = &vals[r];
        if (v->is_null) {
            fs->contains_null = 1;
            continue;
        }
        if (v->type == ST_TYPE_DOUBLE && isnan(v->v.f64)) {
            fs->contains_nan = 1;
            continue;
        }
        if (!have || st_value_compare(v, &vals[ilo]) < 0)
            ilo = r;
        if (!have || st_value_compare(v, &vals[ihi]) > 0)
            ihi = r;
        have = 1;
    }
    st_buf_clear(lo);
    st_buf_clear(hi);
    if (have) {
        st_pass(st_value_to_bytes(lo, &vals[ilo]));
        st_pass(st_value_to_bytes(hi, &vals[ihi]));
        fs->lower = lo->ptr;
        fs->lower_len = lo->len;
        fs->upper = hi->ptr;
        fs->upper_len = hi->len;
    }
}

static void property(const char *type_text, const char *transform)
{
    enum { N = 120 };
    char schema_text[64];
    st_type *schema;
    st_batch *b;
    spec_holder h;
    st_value rows[N], tuples[N];
    uint8_t store[N][16], keep[N];
    st_buf lo = ST_BUF_INIT, hi = ST_BUF_INIT;
    long incl_pruned = 0, strict_held = 0;

    snprintf(schema_text, sizeof(schema_text), "c %s", type_text);
    st_pass(st_schema_parse(&schema, schema_text));
    memset(&h, 0, sizeof(h));
    h.fields[0].source_id = schema->fields[0].id;
    h.fields[0].field_id = 1000;
    h.fields[0].name = "p";
    st_pass(st_transform_parse(&h.fields[0].transform, transform));
    h.spec.fields = h.fields;
    h.spec.n_fields = 1;
    st_pass(st_batch_new(&b, schema, N));
    for (int r = 0; r < N; r++) {
        rows[r] = random_value(schema->fields[0].type, store[r], 0);
        rows[r].is_null = pick(10) == 0;
        append_value(b->columns[0], &rows[r]);
        st_pass(st_transform_apply(&h.fields[0].transform, &rows[r], &tuples[r]));
    }
    st_pass(st_batch_seal(b));

    for (int iter = 0; iter < 250; iter++) {
        st_buf text = ST_BUF_INIT;
        st_expr *u, *e, *pi, *ps;
        st_field_summary fs;
        st_manifest_file mf;
        int any = 0;
        random_filter(&text, schema->fields[0].type, 2);
        st_pass(st_expr_parse(&u, st_buf_cstr(&text)));
        st_pass(st_expr_bind(&e, u, schema, 1));
        st_pass(st_expr_eval_batch(e, b, keep));
        st_pass(st_expr_project_inclusive(&pi, e, &h.spec, schema));
        st_pass(st_expr_project_strict(&ps, e, &h.spec, schema));
        for (int r = 0; r < N; r++) {
            int in = st_expr_eval_partition(pi, &tuples[r], 1);
            int st = st_expr_eval_partition(ps, &tuples[r], 1);
            st_assert_msg(in >= 0 && st >= 0, "%s", st_error_last()->message);
            if (keep[r] && !in) {
                st_buf a = ST_BUF_INIT;
                st_pass(st_expr_to_string(&a, pi));
                st_assert_msg(0, "%s under %s: row %d matches but the inclusive projection %s "
                              "rejects its partition", st_buf_cstr(&text), transform, r,
                              st_buf_cstr(&a));
            }
            if (st && !keep[r]) {
                st_buf a = ST_BUF_INIT;
                st_pass(st_expr_to_string(&a, ps));
                st_assert_msg(0, "%s under %s: row %d does not match but the strict projection "
                              "%s accepts its partition", st_buf_cstr(&text), transform, r,
                              st_buf_cstr(&a));
            }
            incl_pruned += !in;
            strict_held += st;
            any |= keep[r];
        }
        /* the manifest of all these rows */
        summarize(&fs, tuples, N, &lo, &hi);
        memset(&mf, 0, sizeof(mf));
        mf.partitions = &fs;
        mf.n_partitions = 1;
        if (any)
            st_assert_msg(st_expr_manifest_might_match(pi, &mf, NULL) == 1,
                          "%s under %s: the manifest is ruled out but a row matches",
                          st_buf_cstr(&text), transform);
        st_buf_dispose(&text);
        st_expr_free(u);
        st_expr_free(e);
        st_expr_free(pi);
        st_expr_free(ps);
    }
    /* the projections are not vacuous (void projects nothing) */
    if (strcmp(transform, "void") != 0)
        st_assert_msg(incl_pruned > 0 && strict_held > 0, "%s %s: pruned %ld, held %ld", type_text,
                      transform, incl_pruned, strict_held);
    st_buf_dispose(&lo);
    st_buf_dispose(&hi);
    st_batch_free(b);
    st_type_free(schema);
}

void test_expr_projection__contract_numbers(void)
{
    property("int", "identity");
    property("int", "bucket[4]");
    property("int", "truncate[5]");
    property("int", "truncate[1]");
    property("long", "truncate[7]");
    property("long", "bucket[3]");
    property("decimal(9,2)", "truncate[50]");
    property("decimal(9,2)", "bucket[5]");
    property("double", "identity");
    property("uuid", "bucket[4]");
    property("int", "void");
}

void test_expr_projection__contract_strings(void)
{
    property("string", "identity");
    property("string", "truncate[1]");
    property("string", "truncate[2]");
    property("string", "truncate[3]");
    property("string", "bucket[3]");
    property("binary", "truncate[2]");
    property("binary", "identity");
}

void test_expr_projection__contract_dates_and_times(void)
{
    property("date", "identity");
    property("date", "year");
    property("date", "month");
    property("date", "day");
    property("date", "bucket[4]");
    property("timestamp", "year");
    property("timestamp", "month");
    property("timestamp", "day");
    property("timestamp", "hour");
    property("timestamp", "identity");
    property("timestamptz", "day");
    property("timestamptz", "hour");
    property("timestamp_ns", "day");
    property("timestamp_ns", "hour");
    property("timestamptz_ns", "month");
}

void test_expr_projection__alloc_failures(void)
{
    st_type *schema;
    st_expr *u, *e;
    spec_holder h;
    long n;
    st_pass(st_schema_parse(&schema, SCHEMA));
    make_spec(&h, schema, "ts:day ts:hour s:truncate[2] i:bucket[4] i:identity");
    st_pass(st_expr_parse(&u, "ts >= '1969-12-31T10:00:00' AND (s LIKE 'abc%' OR i IN (1, 2, 3)) "
                              "AND ts != '2024-01-01' AND s NOT IN ('a', 'b')"));
    st_pass(st_expr_bind(&e, u, schema, 1));
    for (int strict = 0; strict < 2; strict++) {
        for (n = 0; n < 10000; n++) {
            st_expr *p = NULL;
            long done;
            int rc;
            st_alloc_fail_after(n);
            rc = strict ? st_expr_project_strict(&p, e, &h.spec, schema)
                        : st_expr_project_inclusive(&p, e, &h.spec, schema);
            done = st_alloc_fail_after(-1);
            st_expr_free(p);
            if (rc == 0 && done <= n)
                break;
            st_assert_msg(rc == ST_ENOMEM || rc == 0, "failing allocation %ld gave %d", n, rc);
        }
        st_assert(n > 1);
    }
    st_expr_free(u);
    st_expr_free(e);
    st_type_free(schema);
}
