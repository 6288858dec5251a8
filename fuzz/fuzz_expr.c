/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target for filter expressions. The input is filter text, parsed
 * and bound to a fixed schema. Checked:
 * - failures are ST_EINVALID / ST_EUNSUPPORTED (parse) or ST_EINVALID /
 *   ST_ENOTFOUND (bind), with a message;
 * - what parses prints back to text that parses and prints the same; what
 *   binds prints to text that binds and prints the same, and holds no NOT;
 * - on a fixed batch, the rows that match agree with the metrics evaluators
 *   fed the batch's exact stats: might_match is 1 when a row matches, and
 *   must_match is 1 only when every row does;
 * - projected onto a spec with every transform, a matching row's partition
 *   tuple satisfies the inclusive projection, a tuple that satisfies the
 *   strict projection belongs to a matching row, and the manifest summary of
 *   all the tuples is never ruled out when a row matches.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <supertable/errors.h>
#include <supertable/types.h>
#include <supertable/vector.h>

#include "expr/expr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define SCHEMA                                                                                  \
    "i int, l long not null, d double, f float, s string, b boolean, dt date, ts timestamp, "   \
    "tz timestamptz, dec decimal(9,2), u uuid, bin binary, t time, "                            \
    "st struct<x: int, y: string not null>, tags list<int>, fx fixed[2]"
#define ROWS 5

static st_type *schema;
static st_batch *batch;
static st_column_stats stats[32];
static int n_stats;
static st_buf bound_bytes[96];
static int n_bound_bytes;

/* The partition spec: "source_id:transform". */
static const char *const SPEC[] = {
    "1:identity", "5:bucket[4]", "5:truncate[2]", "8:day",          "7:month",
    "9:year",     "8:hour",      "2:truncate[1000000000]", "11:bucket[8]", "3:void",
    "10:truncate[50]", "3:identity", "12:truncate[2]", "17:identity", "16:bucket[3]",
    "13:identity", "6:identity",
};
#define NSPEC ((int)(sizeof(SPEC) / sizeof(SPEC[0])))
static st_partition_field spec_fields[NSPEC];
static st_partition_spec spec;
static st_type *partition_type;
static st_value tuples[ROWS][NSPEC];
static st_field_summary summaries[NSPEC];

#define CHECK(cond)                                                                              \
    do {                                                                                         \
        if (!(cond))                                                                             \
            __builtin_trap();                                                                    \
    } while (0)

/* ----------------------------------------------------------- the batch */

static void put_bytes(st_vector *v, const char *s, size_t n, int row_null)
{
    CHECK((row_null ? st_vector_append_null(v) : st_vector_append_bytes(v, s, n)) == 0);
}

static void build_batch(void)
{
    static const char *const strs[ROWS] = {"apple", "", "caf\xc3\xa9", NULL, "ab"};
    static const double dbl[ROWS] = {1.5, NAN, -0.0, 2.0, -7.25};
    CHECK(st_schema_parse(&schema, SCHEMA) == 0);
    CHECK(st_batch_new(&batch, schema, ROWS) == 0);
    for (int r = 0; r < ROWS; r++) {
        st_vector **c = batch->columns;
        int null = r == 3;
        uint8_t id[16] = {0};
        st_decimal128 dec = {(uint64_t)(int64_t)(r * 1234 - 2000), r * 1234 - 2000 < 0 ? -1 : 0};
        id[0] = (uint8_t)(r * 40);
        id[15] = (uint8_t)r;
        CHECK((null ? st_vector_append_null(c[0]) : st_vector_append_i32(c[0], r * 7 - 10)) == 0);
        CHECK(st_vector_append_i64(c[1], (int64_t)r * 3000000000LL - 4000000000LL) == 0);
        CHECK((r == 4 ? st_vector_append_null(c[2]) : st_vector_append_f64(c[2], dbl[r])) == 0);
        CHECK((null ? st_vector_append_null(c[3]) : st_vector_append_f32(c[3], (float)dbl[r])) == 0);
        put_bytes(c[4], strs[r], strs[r] ? strlen(strs[r]) : 0, strs[r] == NULL);
        CHECK((null ? st_vector_append_null(c[5]) : st_vector_append_bool(c[5], r % 2)) == 0);
        CHECK(st_vector_append_i32(c[6], 19783 + r * 40 - 100) == 0);
        CHECK((null ? st_vector_append_null(c[7])
                    : st_vector_append_i64(c[7], (19783LL + r * 9) * 86400000000LL + r * 3599999999LL)) == 0);
        CHECK(st_vector_append_i64(c[8], -86400000000LL * 400 + (int64_t)r * 86400000000LL * 200) == 0);
        CHECK((null ? st_vector_append_null(c[9]) : st_vector_append_decimal(c[9], dec)) == 0);
        put_bytes(c[10], (const char *)id, 16, r == 1);
        put_bytes(c[11], &"\x00\x01\xff"[r % 3], (size_t)(3 - r % 3), 0);
        CHECK(st_vector_append_i64(c[12], (int64_t)r * 3600000000LL * 5) == 0);
        /* struct: null in row 2 */
        if (r == 2) {
            CHECK(st_vector_append_null(c[13]) == 0);
        } else {
            CHECK((r == 0 ? st_vector_append_null(c[13]->children[0])
                          : st_vector_append_i32(c[13]->children[0], r - 2)) == 0);
            put_bytes(c[13]->children[1], &"yy"[r % 2], (size_t)(2 - r % 2), 0);
            CHECK(st_vector_append_nested(c[13]) == 0);
        }
        CHECK(st_vector_append_i32(c[14]->children[0], r) == 0);
        CHECK(st_vector_append_nested(c[14]) == 0);
        put_bytes(c[15], r % 2 ? "zz" : "ab", 2, r == 0);
    }
    CHECK(st_batch_seal(batch) == 0);
}

/* Row values without the spec layer's helpers: just the types above. */
static int row_value(const st_vector *v, int64_t i, st_value *out)
{
    memset(out, 0, sizeof(*out));
    out->type = v->type->id;
    if (!st_vector_is_valid(v, i))
        return 0;
    switch (v->type->id) {
    case ST_TYPE_BOOLEAN: out->v.b = st_vector_get_bool(v, i); break;
    case ST_TYPE_INT:
    case ST_TYPE_DATE: out->v.i32 = st_vector_get_i32(v, i); break;
    case ST_TYPE_FLOAT: out->v.f32 = st_vector_get_f32(v, i); break;
    case ST_TYPE_DOUBLE: out->v.f64 = st_vector_get_f64(v, i); break;
    case ST_TYPE_DECIMAL:
        out->v.dec = st_vector_get_decimal(v, i);
        out->scale = v->type->scale;
        break;
    case ST_TYPE_STRING:
    case ST_TYPE_BINARY:
    case ST_TYPE_UUID:
    case ST_TYPE_FIXED: out->v.bytes.ptr = st_vector_get_bytes(v, i, &out->v.bytes.len); break;
    default: out->v.i64 = st_vector_get_i64(v, i); break;
    }
    return 1;
}

static const uint8_t *encode(const st_value *v, size_t *len)
{
    st_buf *b = &bound_bytes[n_bound_bytes++];
    CHECK(st_value_to_bytes(b, v) == 0);
    *len = b->len;
    return b->ptr;
}

/* Exact stats of one primitive column (`parent` is its struct or NULL). */
static void add_stats(const st_field *f, const st_vector *v, const st_vector *parent)
{
    st_column_stats *s = &stats[n_stats++];
    st_value x, lo, hi;
    int have = 0;
    memset(s, 0, sizeof(*s));
    s->field_id = f->id;
    s->value_count = ROWS;
    s->nan_count = -1;
    if (f->type->id == ST_TYPE_FLOAT || f->type->id == ST_TYPE_DOUBLE)
        s->nan_count = 0;
    for (int64_t r = 0; r < ROWS; r++) {
        if ((parent && !st_vector_is_valid(parent, r)) || !row_value(v, r, &x)) {
            s->null_count++;
            continue;
        }
        if ((x.type == ST_TYPE_FLOAT && isnan(x.v.f32)) || (x.type == ST_TYPE_DOUBLE && isnan(x.v.f64))) {
            s->nan_count++;
            continue;
        }
        if (!have || st_value_compare(&x, &lo) < 0)
            lo = x;
        if (!have || st_value_compare(&x, &hi) > 0)
            hi = x;
        have = 1;
    }
    if (have) {
        s->lower = encode(&lo, &s->lower_len);
        s->upper = encode(&hi, &s->upper_len);
    }
}

/* The vector holding field `id` and its struct (or NULL). */
static const st_vector *column_of(int32_t id, const st_vector **parent)
{
    *parent = NULL;
    for (int k = 0; k < schema->n_fields; k++) {
        const st_field *f = &schema->fields[k];
        if (f->id == id)
            return batch->columns[k];
        if (f->type->id == ST_TYPE_STRUCT)
            for (int j = 0; j < f->type->n_fields; j++)
                if (f->type->fields[j].id == id) {
                    *parent = batch->columns[k];
                    return batch->columns[k]->children[j];
                }
    }
    return NULL;
}

static void build_partitions(void)
{
    for (int i = 0; i < NSPEC; i++) {
        st_partition_field *pf = &spec_fields[i];
        const char *colon = strchr(SPEC[i], ':');
        const st_vector *v, *parent;
        st_value lo, hi;
        int have = 0;
        pf->source_id = atoi(SPEC[i]);
        pf->field_id = 1000 + i;
        pf->name = (char *)SPEC[i];
        CHECK(st_transform_parse(&pf->transform, colon + 1) == 0);
        CHECK((v = column_of(pf->source_id, &parent)) != NULL);
        for (int r = 0; r < ROWS; r++) {
            st_value x, *t = &tuples[r][i];
            if (!row_value(v, r, &x) || (parent && !st_vector_is_valid(parent, r)))
                x.is_null = 1;
            CHECK(st_transform_apply(&pf->transform, &x, t) == 0);
            if (t->is_null) {
                summaries[i].contains_null = 1;
                continue;
            }
            if ((t->type == ST_TYPE_DOUBLE && isnan(t->v.f64)) ||
                (t->type == ST_TYPE_FLOAT && isnan(t->v.f32))) {
                summaries[i].contains_nan = 1;
                continue;
            }
            if (!have || st_value_compare(t, &lo) < 0)
                lo = *t;
            if (!have || st_value_compare(t, &hi) > 0)
                hi = *t;
            have = 1;
        }
        if (have) {
            summaries[i].lower = encode(&lo, &summaries[i].lower_len);
            summaries[i].upper = encode(&hi, &summaries[i].upper_len);
        }
    }
    spec.fields = spec_fields;
    spec.n_fields = NSPEC;
    CHECK(st_partition_type(&partition_type, &spec, schema) == 0);
}

static int cmp_stats(const void *a, const void *b)
{
    return ((const st_column_stats *)a)->field_id - ((const st_column_stats *)b)->field_id;
}

static void build_stats(void)
{
    for (int k = 0; k < schema->n_fields; k++) {
        const st_field *f = &schema->fields[k];
        if (f->type->id == ST_TYPE_STRUCT) {
            for (int j = 0; j < f->type->n_fields; j++)
                add_stats(&f->type->fields[j], batch->columns[k]->children[j], batch->columns[k]);
        } else if (!st_type_is_nested(f->type)) {
            add_stats(f, batch->columns[k], NULL);
        }
    }
    qsort(stats, (size_t)n_stats, sizeof(stats[0]), cmp_stats);
}

/* ------------------------------------------------------------ checks */

static int has_not(const st_expr *e)
{
    if (e->op == ST_EXPR_NOT)
        return 1;
    for (int i = 0; i < e->n_args; i++)
        if (has_not(e->args[i]))
            return 1;
    return 0;
}

static void check_printed(const st_expr *e, int bound)
{
    st_buf a = ST_BUF_INIT, b = ST_BUF_INIT;
    st_expr *again = NULL, *rebound = NULL;
    CHECK(st_expr_to_string(&a, e) == 0);
    CHECK(st_expr_parse(&again, st_buf_cstr(&a)) == 0);
    if (bound) {
        CHECK(st_expr_bind(&rebound, again, schema, 1) == 0);
        CHECK(st_expr_to_string(&b, rebound) == 0);
    } else {
        CHECK(st_expr_to_string(&b, again) == 0);
    }
    CHECK(strcmp(st_buf_cstr(&a), st_buf_cstr(&b)) == 0);
    st_expr_free(again);
    st_expr_free(rebound);
    st_buf_dispose(&a);
    st_buf_dispose(&b);
}

static void check_rows(const st_expr *e)
{
    uint8_t keep[ROWS];
    st_data_file f;
    int any = 0, all = 1, m, s;
    CHECK(st_expr_eval_batch(e, batch, keep) == 0);
    for (int r = 0; r < ROWS; r++) {
        CHECK(keep[r] <= 1);
        any |= keep[r];
        all &= keep[r];
    }
    memset(&f, 0, sizeof(f));
    f.file_path = "fuzz.parquet";
    f.record_count = ROWS;
    f.stats = stats;
    f.n_stats = n_stats;
    m = st_expr_metrics_might_match(e, &f, schema);
    s = st_expr_metrics_must_match(e, &f, schema);
    CHECK(m == 0 || m == 1);
    CHECK(s == 0 || s == 1);
    CHECK(!any || m);
    CHECK(!s || all);
}

static void check_projections(const st_expr *e)
{
    uint8_t keep[ROWS];
    st_expr *pi = NULL, *ps = NULL;
    st_manifest_file mf;
    int any = 0;
    CHECK(st_expr_eval_batch(e, batch, keep) == 0);
    CHECK(st_expr_project_inclusive(&pi, e, &spec, schema) == 0);
    CHECK(st_expr_project_strict(&ps, e, &spec, schema) == 0);
    CHECK(pi->state == ST_EXPR_PROJECTED && ps->state == ST_EXPR_PROJECTED);
    for (int r = 0; r < ROWS; r++) {
        int in = st_expr_eval_partition(pi, tuples[r], NSPEC);
        int st = st_expr_eval_partition(ps, tuples[r], NSPEC);
        CHECK(in == 0 || in == 1);
        CHECK(st == 0 || st == 1);
        CHECK(!keep[r] || in);
        CHECK(!st || keep[r]);
        any |= keep[r];
    }
    memset(&mf, 0, sizeof(mf));
    mf.partitions = summaries;
    mf.n_partitions = NSPEC;
    CHECK(!any || st_expr_manifest_might_match(pi, &mf, partition_type) == 1);
    CHECK(!any || st_expr_manifest_might_match(pi, &mf, NULL) == 1);
    check_printed(pi, 0);
    st_expr_free(pi);
    st_expr_free(ps);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    st_expr *u = NULL, *e = NULL;
    int rc;
    if (!text)
        return 0;
    if (!batch) {
        build_batch();
        build_stats();
        build_partitions();
    }
    memcpy(text, data, size);
    text[size] = 0;
    if ((rc = st_expr_parse(&u, text)) != 0) {
        CHECK(rc == ST_EINVALID || rc == ST_EUNSUPPORTED);
        CHECK(st_error_last()->message[0]);
        goto done;
    }
    check_printed(u, 0);
    if ((rc = st_expr_bind(&e, u, schema, size % 2)) != 0) {
        CHECK(rc == ST_EINVALID || rc == ST_ENOTFOUND);
        CHECK(st_error_last()->message[0]);
        goto done;
    }
    CHECK(e->state == ST_EXPR_BOUND && !has_not(e));
    check_printed(e, 1);
    check_rows(e);
    check_projections(e);
done:
    st_expr_free(u);
    st_expr_free(e);
    free(text);
    return 0;
}
