/* SPDX-License-Identifier: Apache-2.0 */
/* Helpers of the Parquet writer tests: see writer_helpers.h. */
#include "st_test.h"
#include "writer_helpers.h"

#include <math.h>

#include <supertable/errors.h>
#include <supertable/sys/alloc.h>
#include "columnar/columnar_int.h"

uint64_t pwt_next(pwt_rng *r)
{
    uint64_t z = (r->s += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

st_type *pwt_schema(const char *text)
{
    st_type *s = NULL;
    st_pass(st_schema_parse(&s, text));
    return s;
}

static uint64_t draw(pwt_rng *r, const pwt_cfg *cfg)
{
    uint64_t x = pwt_next(r);
    return cfg->domain > 0 ? x % (uint64_t)cfg->domain : x;
}

static void random_double(st_vector *v, pwt_rng *r, const pwt_cfg *cfg)
{
    static const double special[] = {NAN, -0.0, 0.0, INFINITY, -INFINITY};
    uint64_t x = draw(r, cfg);
    double d = (double)(int64_t)(x >> 11) / 1024.0 - 1e12;
    if (cfg->specials && pwt_next(r) % 8 == 0)
        d = special[pwt_next(r) % 5];
    if (v->type->id == ST_TYPE_FLOAT)
        st_pass(st_vector_append_f32(v, (float)d));
    else
        st_pass(st_vector_append_f64(v, d));
}

static void random_bytes(st_vector *v, pwt_rng *r, const pwt_cfg *cfg)
{
    static const char *alpha[] = {"a", "b", "z", "é", "ü", "\xe2\x82\xac", "0", " "};
    uint8_t buf[64];
    size_t len = 0, want;
    uint64_t x = draw(r, cfg);
    pwt_rng local = {x};
    if (v->type->id == ST_TYPE_UUID || v->type->id == ST_TYPE_FIXED) {
        want = (size_t)st_type_value_width(v->type);
        for (size_t i = 0; i < want; i++)
            buf[i] = (uint8_t)pwt_next(&local);
        st_pass(st_vector_append_bytes(v, buf, want));
        return;
    }
    want = (size_t)(pwt_next(&local) % 24);
    if (v->type->id == ST_TYPE_BINARY) {
        for (size_t i = 0; i < want; i++)
            buf[i] = (uint8_t)pwt_next(&local);
        len = want;
    } else {
        while (len < want) {
            const char *s = alpha[pwt_next(&local) % 8];
            memcpy(buf + len, s, strlen(s));
            len += strlen(s);
        }
    }
    st_pass(st_vector_append_bytes(v, buf, len));
}

static void random_decimal(st_vector *v, pwt_rng *r, const pwt_cfg *cfg)
{
    unsigned __int128 lim = 1;
    __int128 val;
    st_decimal128 d;
    for (int i = 0; i < v->type->precision; i++)
        lim *= 10;
    val = (__int128)((((unsigned __int128)draw(r, cfg) << 64) | pwt_next(r)) % lim);
    if (pwt_next(r) & 1)
        val = -val;
    d.lo = (uint64_t)val;
    d.hi = (int64_t)(val >> 64);
    st_pass(st_vector_append_decimal(v, d));
}

void pwt_append_random(st_vector *v, int nullable, pwt_rng *r, const pwt_cfg *cfg)
{
    const st_type *t = v->type;
    if (nullable && (int)(pwt_next(r) % 100) < cfg->null_pct) {
        st_pass(st_vector_append_null(v));
        return;
    }
    switch (t->id) {
    case ST_TYPE_BOOLEAN: st_pass(st_vector_append_bool(v, (int)(draw(r, cfg) & 1))); return;
    case ST_TYPE_INT:
        st_pass(st_vector_append_i32(v, (int32_t)draw(r, cfg)));
        return;
    case ST_TYPE_DATE: {
        int32_t x = (int32_t)draw(r, cfg);
        if (cfg->bounded)
            x = (int32_t)((uint32_t)x % 3600000u) - 700000;
        st_pass(st_vector_append_i32(v, x));
        return;
    }
    case ST_TYPE_LONG: case ST_TYPE_TIME: case ST_TYPE_TIMESTAMP: case ST_TYPE_TIMESTAMPTZ:
    case ST_TYPE_TIMESTAMP_NS: case ST_TYPE_TIMESTAMPTZ_NS: {
        int64_t x = (int64_t)draw(r, cfg);
        if (t->id == ST_TYPE_TIME)
            x = (int64_t)((uint64_t)x % 86400000000ULL);
        else if (cfg->bounded && (t->id == ST_TYPE_TIMESTAMP || t->id == ST_TYPE_TIMESTAMPTZ))
            x >>= 9;
        else if (cfg->bounded && t->id == ST_TYPE_TIMESTAMPTZ_NS)
            x = x / 1000 * 1000;
        st_pass(st_vector_append_i64(v, x));
        return;
    }
    case ST_TYPE_FLOAT: case ST_TYPE_DOUBLE: random_double(v, r, cfg); return;
    case ST_TYPE_DECIMAL: random_decimal(v, r, cfg); return;
    case ST_TYPE_STRING: case ST_TYPE_BINARY: case ST_TYPE_UUID: case ST_TYPE_FIXED:
        random_bytes(v, r, cfg);
        return;
    case ST_TYPE_STRUCT:
        for (int i = 0; i < t->n_fields; i++)
            pwt_append_random(v->children[i], !t->fields[i].required, r, cfg);
        st_pass(st_vector_append_nested(v));
        return;
    case ST_TYPE_LIST:
    case ST_TYPE_MAP: {
        int k = cfg->max_list > 0 ? (int)(pwt_next(r) % (uint64_t)(cfg->max_list + 1)) : 0;
        for (int i = 0; i < k; i++) {
            for (int c = 0; c < t->n_fields; c++) {
                if (t->id == ST_TYPE_MAP && c == 0 && t->fields[0].type->id == ST_TYPE_STRING) {
                    /* distinct keys: readers turn string-keyed maps into objects */
                    char key[32];
                    snprintf(key, sizeof(key), "k%d_%u", i, (unsigned)(pwt_next(r) % 5));
                    st_pass(st_vector_append_bytes(v->children[0], key, strlen(key)));
                    continue;
                }
                pwt_append_random(v->children[c], !t->fields[c].required, r, cfg);
            }
        }
        st_pass(st_vector_append_nested(v));
        return;
    }
    }
}

st_batch *pwt_random_batch(st_type *schema, int64_t n, pwt_rng *r, const pwt_cfg *cfg)
{
    st_batch *b = NULL;
    st_pass(st_batch_new(&b, schema, n));
    for (int64_t i = 0; i < n; i++)
        for (int c = 0; c < b->n_columns; c++)
            pwt_append_random(b->columns[c], !schema->fields[c].required, r, cfg);
    st_pass(st_batch_seal(b));
    return b;
}

void pwt_write(const char *path, st_type *schema, st_batch **b, int n,
               const st_parquet_write_options *opts, st_parquet_file_metrics **m)
{
    st_parquet_writer *w = NULL;
    st_pass(st_parquet_writer_open(&w, path, schema, opts));
    for (int i = 0; i < n; i++) {
        int rc = st_parquet_writer_write(w, b[i]);
        if (rc < 0) {
            char msg[1024];
            snprintf(msg, sizeof(msg), "%s", st_error_last()->message);
            st_parquet_writer_abort(w);
            st_assert_msg(0, "write failed: %s", msg);
        }
    }
    st_pass(st_parquet_writer_close(w, m));
}

/* Appends every row of `src` to `dst`. */
static void append_all(st_vector *dst, const st_vector *src)
{
    for (int64_t i = 0; i < src->length; i++)
        st_pass(st_col_vector_append_from(dst, src, i));
}

int pwt_check(const char *path, st_type *schema, st_batch **b, int n)
{
    st_parquet_reader *r = NULL;
    st_batch *got = NULL, *want = NULL;
    int rgs;
    st_pass(st_parquet_reader_open(&r, path, NULL));
    st_assert_msg(st_type_equals(st_parquet_reader_file_schema(r), schema),
                  "the file's schema differs from the writer's");
    st_pass(st_batch_new(&got, schema, 0));
    st_pass(st_batch_new(&want, schema, 0));
    rgs = st_parquet_reader_num_row_groups(r);
    for (int g = 0; g < rgs; g++) {
        st_batch *rb = NULL;
        st_pass(st_parquet_reader_read_row_group(&rb, r, g));
        for (int c = 0; c < rb->n_columns; c++) {
            st_pass(st_vector_validate(rb->columns[c]));
            append_all(got->columns[c], rb->columns[c]);
        }
        st_batch_free(rb);
    }
    for (int i = 0; i < n; i++)
        for (int c = 0; c < b[i]->n_columns; c++)
            append_all(want->columns[c], b[i]->columns[c]);
    for (int c = 0; c < want->n_columns; c++) {
        char *diff = NULL, msg[512];
        if (st_vector_equals(want->columns[c], got->columns[c], &diff))
            continue;
        snprintf(msg, sizeof(msg), "%s", diff ? diff : "?");
        st_free(diff);
        st_assert_msg(0, "%s: column '%s' differs: %s", path, schema->fields[c].name, msg);
    }
    st_batch_free(got);
    st_batch_free(want);
    st_parquet_reader_free(r);
    return rgs;
}

st_batch *pwt_extremes_batch(st_type *s)
{
    st_batch *b = NULL;
    st_pass(st_batch_new(&b, s, 5000));
    for (int64_t k = 0; k < 5000; k++) {
        uint64_t step = (uint64_t)1 << 52;
        int64_t l = (int64_t)((uint64_t)INT64_MIN + (uint64_t)(k % 4096) * step);
        int32_t i = (int32_t)((uint32_t)INT32_MIN + (uint32_t)(k % 4096) * (1u << 20));
        if (k % 1000 == 999)
            l = k % 2 ? INT64_MAX : INT64_MIN;
        st_pass(k % 777 == 5 ? st_vector_append_null(b->columns[0])
                             : st_vector_append_i64(b->columns[0], l));
        st_pass(st_vector_append_i32(b->columns[1], k % 1000 == 998 ? INT32_MAX : i));
        /* timestamps from 2100 on, one second and a bit apart */
        st_pass(st_vector_append_i64(b->columns[2], 4102444800000000LL + k * 1000003LL));
    }
    st_pass(st_batch_seal(b));
    return b;
}

void pwt_free_batches(st_batch **b, int n)
{
    for (int i = 0; i < n; i++)
        st_batch_free(b[i]);
}
