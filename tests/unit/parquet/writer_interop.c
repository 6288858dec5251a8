/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Sample files for the interop check of the writer (tests/interop/writer.sh):
 * with ST_INTEROP_OUT set, writes NAME.parquet files covering every type,
 * nesting, codec, page version and encoding path into that directory, each with
 * NAME.expect.jsonl, the rows in the canonical JSONL of tests/interop/README.md
 * made here from the vectors written. The script checks that DuckDB and
 * hyparquet read exactly those rows. Without ST_INTEROP_OUT it does nothing.
 */
#include "st_test.h"
#include "writer_helpers.h"

#include <math.h>
#include <stdlib.h>

#include <supertable/errors.h>
#include <supertable/sys/alloc.h>
#include "util/buf.h"
#include "util/datetime.h"

/* ------------------------------------------------------------ canonical JSONL */

static void put_json_string(st_buf *o, const uint8_t *p, size_t n)
{
    st_buf_putc(o, '"');
    for (size_t i = 0; i < n; i++) {
        if (p[i] == '"' || p[i] == '\\')
            st_buf_printf(o, "\\%c", p[i]);
        else if (p[i] < 0x20)
            st_buf_printf(o, "\\u%04x", p[i]);
        else
            st_buf_putc(o, (char)p[i]);
    }
    st_buf_putc(o, '"');
}

static void put_base64(st_buf *o, const uint8_t *p, size_t n)
{
    static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    st_buf_putc(o, '"');
    for (size_t i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t)p[i] << 16 | (i + 1 < n ? (uint32_t)p[i + 1] << 8 : 0) |
                     (i + 2 < n ? p[i + 2] : 0);
        st_buf_putc(o, tab[v >> 18]);
        st_buf_putc(o, tab[(v >> 12) & 63]);
        st_buf_putc(o, i + 1 < n ? tab[(v >> 6) & 63] : '=');
        st_buf_putc(o, i + 2 < n ? tab[v & 63] : '=');
    }
    st_buf_putc(o, '"');
}

/*
 * A float32 as canon.mjs prints it: the shortest decimal that reads back to the
 * same float, the candidate closest to the exact value, on a tie the first of
 * (m - 1, m, m + 1) where m is the rounded mantissa. Doubles compare by value,
 * so %.17g is enough for them.
 */
static void put_float(st_buf *o, double x, int is_float)
{
    char buf[64];
    if (isnan(x) || isinf(x)) {
        st_buf_puts(o, isnan(x) ? "\"NaN\"" : x > 0 ? "\"Infinity\"" : "\"-Infinity\"");
        return;
    }
    if (x == 0 || !is_float) {
        if (x == 0)
            st_buf_puts(o, signbit(x) ? "-0" : "0");
        else
            st_buf_printf(o, "%.17g", x);
        return;
    }
    for (int p = 1; p <= 9; p++) {
        char digits[32];
        long long m;
        int e, k = 0, found = 0;
        double best = 0;
        snprintf(buf, sizeof(buf), "%.*e", p - 1, x);
        for (const char *q = buf; *q && *q != 'e'; q++)
            if (*q != '.')
                digits[k++] = *q;
        digits[k] = 0;
        m = strtoll(digits, NULL, 10);
        e = atoi(strchr(buf, 'e') + 1) - (p - 1);
        for (long long c = m - 1; c <= m + 1; c++) {
            char cand[64];
            double v;
            snprintf(cand, sizeof(cand), "%llde%d", c, e);
            v = strtod(cand, NULL);
            if ((float)v == (float)x && (!found || fabs(v - x) < fabs(best - x))) {
                best = v;
                found = 1;
                snprintf(buf, sizeof(buf), "%s", cand);
            }
        }
        if (found) {
            st_buf_puts(o, buf);
            return;
        }
    }
    st_buf_printf(o, "%.9g", x);
}

static void put_value(st_buf *o, const st_vector *v, int64_t i);

static void put_nested(st_buf *o, const st_vector *v, int64_t i)
{
    const st_type *t = v->type;
    int64_t b, e;
    if (t->id == ST_TYPE_STRUCT) {
        st_buf_putc(o, '{');
        for (int f = 0; f < t->n_fields; f++) {
            put_json_string(o, (const uint8_t *)t->fields[f].name, strlen(t->fields[f].name));
            st_buf_putc(o, ':');
            put_value(o, v->children[f], i);
            st_buf_puts(o, f + 1 < t->n_fields ? "," : "");
        }
        st_buf_putc(o, '}');
        return;
    }
    st_vector_get_range(v, i, &b, &e);
    if (t->id == ST_TYPE_LIST) {
        st_buf_putc(o, '[');
        for (int64_t k = b; k < e; k++) {
            put_value(o, v->children[0], k);
            st_buf_puts(o, k + 1 < e ? "," : "");
        }
        st_buf_putc(o, ']');
        return;
    }
    st_buf_putc(o, t->fields[0].type->id == ST_TYPE_STRING ? '{' : '[');
    for (int64_t k = b; k < e; k++) {
        if (t->fields[0].type->id == ST_TYPE_STRING) {
            put_value(o, v->children[0], k);
            st_buf_putc(o, ':');
        } else {
            st_buf_puts(o, "{\"key\":");
            put_value(o, v->children[0], k);
            st_buf_puts(o, ",\"value\":");
        }
        put_value(o, v->children[1], k);
        st_buf_puts(o, t->fields[0].type->id == ST_TYPE_STRING ? "" : "}");
        st_buf_puts(o, k + 1 < e ? "," : "");
    }
    st_buf_putc(o, t->fields[0].type->id == ST_TYPE_STRING ? '}' : ']');
}

static void put_value(st_buf *o, const st_vector *v, int64_t i)
{
    char buf[96];
    size_t len;
    const uint8_t *p;
    if (!st_vector_is_valid(v, i)) {
        st_buf_puts(o, "null");
        return;
    }
    switch (v->type->id) {
    case ST_TYPE_BOOLEAN: st_buf_puts(o, st_vector_get_bool(v, i) ? "true" : "false"); return;
    case ST_TYPE_INT: st_buf_printf(o, "%d", (int)st_vector_get_i32(v, i)); return;
    case ST_TYPE_LONG: st_buf_printf(o, "%lld", (long long)st_vector_get_i64(v, i)); return;
    case ST_TYPE_FLOAT: put_float(o, st_vector_get_f32(v, i), 1); return;
    case ST_TYPE_DOUBLE: put_float(o, st_vector_get_f64(v, i), 0); return;
    case ST_TYPE_DECIMAL:
        st_decimal_format(buf, st_vector_get_decimal(v, i), v->type->scale);
        break;
    case ST_TYPE_DATE: st_format_date(buf, st_vector_get_i32(v, i)); break;
    case ST_TYPE_TIME: st_format_time(buf, st_vector_get_i64(v, i)); break;
    case ST_TYPE_TIMESTAMP: st_format_timestamp(buf, st_vector_get_i64(v, i), 6, 0); break;
    case ST_TYPE_TIMESTAMPTZ: st_format_timestamp(buf, st_vector_get_i64(v, i), 6, 1); break;
    case ST_TYPE_TIMESTAMP_NS: st_format_timestamp(buf, st_vector_get_i64(v, i), 9, 0); break;
    case ST_TYPE_TIMESTAMPTZ_NS: st_format_timestamp(buf, st_vector_get_i64(v, i), 9, 1); break;
    case ST_TYPE_STRING:
        p = st_vector_get_bytes(v, i, &len);
        put_json_string(o, p, len);
        return;
    case ST_TYPE_BINARY: case ST_TYPE_FIXED:
        p = st_vector_get_bytes(v, i, &len);
        put_base64(o, p, len);
        return;
    case ST_TYPE_UUID:
        p = st_vector_get_bytes(v, i, &len);
        snprintf(buf, sizeof(buf),
                 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", p[0],
                 p[1], p[2], p[3], p[4], p[5], p[6], p[7], p[8], p[9], p[10], p[11], p[12], p[13],
                 p[14], p[15]);
        break;
    default:
        put_nested(o, v, i);
        return;
    }
    put_json_string(o, (const uint8_t *)buf, strlen(buf));
}

static void write_expect(const char *path, st_batch **b, int n)
{
    st_buf o = ST_BUF_INIT;
    FILE *f;
    for (int k = 0; k < n; k++) {
        for (int64_t i = 0; i < b[k]->length; i++) {
            st_buf_putc(&o, '{');
            for (int c = 0; c < b[k]->n_columns; c++) {
                const char *name = b[k]->schema->fields[c].name;
                put_json_string(&o, (const uint8_t *)name, strlen(name));
                st_buf_putc(&o, ':');
                put_value(&o, b[k]->columns[c], i);
                st_buf_puts(&o, c + 1 < b[k]->n_columns ? "," : "");
            }
            st_buf_puts(&o, "}\n");
        }
    }
    f = fopen(path, "wb");
    st_assert_msg(f != NULL, "cannot create %s", path);
    if (o.len)
        st_assert(fwrite(o.ptr, 1, o.len, f) == o.len);
    fclose(f);
    st_buf_dispose(&o);
}

/* ------------------------------------------------------------ samples */

static const char *FLAT =
    "b boolean, i int not null, l long, f float, d double, dec4 decimal(4,1), "
    "dec18 decimal(18,4), dec19 decimal(19,0), dec38 decimal(38,10), dt date, tm time, "
    "ts timestamp, tstz timestamptz, tsn timestamp_ns, tstzn timestamptz_ns, s string, "
    "u uuid, fx fixed[5], bin binary, c1 int, c2 string";

static const char *NESTED =
    "id long not null, li list<int>, lls list<list<string>>, "
    "ls list<struct<a: int, b: list<string>>>, msi map<string, int>, "
    "mil map<int, list<struct<x: double>>>, ssl struct<a: struct<b: list<int>>>, "
    "req list<string not null> not null";

static void sample(const char *dir, const char *name, const char *schema_text,
                   const pwt_cfg *cfg, const st_parquet_write_options *o, uint64_t seed)
{
    static const int64_t sizes[] = {700, 13, 290};
    st_type *s = pwt_schema(schema_text);
    pwt_rng r = {seed};
    st_batch *b[3];
    char path[1024];
    for (int i = 0; i < 3; i++)
        b[i] = pwt_random_batch(s, sizes[i], &r, cfg);
    snprintf(path, sizeof(path), "%s/%s.parquet", dir, name);
    pwt_write(path, s, b, 3, o, NULL);
    pwt_check(path, s, b, 3);
    snprintf(path, sizeof(path), "%s/%s.expect.jsonl", dir, name);
    write_expect(path, b, 3);
    pwt_free_batches(b, 3);
    st_type_free(s);
}

/* Columns like the benchmark's (sequences, Weyl-sequence doubles, few strings): the
 * encodings DELTA_BINARY_PACKED, BYTE_STREAM_SPLIT and dictionaries get chosen. */
static void sequences(const char *dir, const char *name, const st_parquet_write_options *o)
{
    st_type *s = pwt_schema("id long not null, a int, b double, f float, s string, t timestamp, "
                            "k int, ks string");
    st_batch *b = NULL;
    char path[1024];
    st_pass(st_batch_new(&b, s, 5000));
    for (int64_t i = 0; i < 5000; i++) {
        double d = (double)(uint32_t)((uint64_t)i * 2654435761ULL) / 4096.0;
        char str[16];
        snprintf(str, sizeof(str), "value_%02d", (int)(i % 20));
        st_pass(st_vector_append_i64(b->columns[0], i));
        st_pass(i % 97 == 3 ? st_vector_append_null(b->columns[1])
                            : st_vector_append_i32(b->columns[1], (int32_t)((i * 7919) % 1000003)));
        st_pass(st_vector_append_f64(b->columns[2], d));
        st_pass(st_vector_append_f32(b->columns[3], (float)(d / 7.0)));
        st_pass(st_vector_append_bytes(b->columns[4], str, strlen(str)));
        st_pass(st_vector_append_i64(b->columns[5], 1704067200000000LL + i * 1000000LL));
        /* constants: one dictionary entry, indexes of bit width 0 */
        st_pass(st_vector_append_i32(b->columns[6], 7));
        st_pass(i % 1000 == 999 ? st_vector_append_null(b->columns[7])
                                : st_vector_append_bytes(b->columns[7], "same", 4));
    }
    st_pass(st_batch_seal(b));
    snprintf(path, sizeof(path), "%s/%s.parquet", dir, name);
    pwt_write(path, s, &b, 1, o, NULL);
    pwt_check(path, s, &b, 1);
    snprintf(path, sizeof(path), "%s/%s.expect.jsonl", dir, name);
    write_expect(path, &b, 1);
    st_batch_free(b);
    st_type_free(s);
}

void test_parquet_writer_interop__samples(void)
{
    static const struct { const char *name; st_parquet_codec codec; } codecs[] = {
        {"none", ST_CODEC_UNCOMPRESSED}, {"snappy", ST_CODEC_SNAPPY}, {"gzip", ST_CODEC_GZIP},
        {"brotli", ST_CODEC_BROTLI}, {"zstd", ST_CODEC_ZSTD}, {"lz4raw", ST_CODEC_LZ4_RAW}};
    const char *dir = getenv("ST_INTEROP_OUT");
    pwt_cfg plain = {15, 0, 3, 1, 1}, dict = {15, 9, 3, 1, 1};
    char name[128];
    uint64_t seed = 100;
    if (!dir || !*dir)
        return;
    for (int v = 1; v <= 2; v++) {
        st_parquet_write_options o = ST_PARQUET_WRITE_OPTIONS_INIT;
        st_type *xs = pwt_schema(PWT_EXTREMES_SCHEMA);
        st_batch *xb = pwt_extremes_batch(xs);
        char path[1024];
        o.data_page_version = v;
        o.dictionary_bytes = -1;
        snprintf(path, sizeof(path), "%s/extremes_v%d.parquet", dir, v);
        pwt_write(path, xs, &xb, 1, &o, NULL);
        snprintf(path, sizeof(path), "%s/extremes_v%d.expect.jsonl", dir, v);
        write_expect(path, &xb, 1);
        st_batch_free(xb);
        st_type_free(xs);
        o.dictionary_bytes = 0;
        o.page_rows = 1000;
        snprintf(name, sizeof(name), "deep_v%d", v);
        sample(dir, name,
               "l list<list<list<int>>>, m list<map<string, list<int>>>, "
               "ms map<struct<a: int, b: string>, long>, s struct<x: struct<y: struct<z: int>>>",
               &plain, &o, seed++);
        snprintf(name, sizeof(name), "sequences_zstd_v%d", v);
        sequences(dir, name, &o);
        o.codec = ST_CODEC_SNAPPY;
        snprintf(name, sizeof(name), "sequences_snappy_v%d", v);
        sequences(dir, name, &o);
    }
    for (size_t c = 0; c < sizeof(codecs) / sizeof(codecs[0]); c++) {
        for (int v = 1; v <= 2; v++) {
            st_parquet_write_options o = ST_PARQUET_WRITE_OPTIONS_INIT;
            o.codec = codecs[c].codec;
            o.data_page_version = v;
            o.row_group_rows = 400;
            o.page_rows = 150;
            snprintf(name, sizeof(name), "flat_%s_v%d_dict", codecs[c].name, v);
            sample(dir, name, FLAT, &dict, &o, seed++);
            snprintf(name, sizeof(name), "nested_%s_v%d", codecs[c].name, v);
            sample(dir, name, NESTED, &dict, &o, seed++);
            if (codecs[c].codec != ST_CODEC_ZSTD && codecs[c].codec != ST_CODEC_SNAPPY)
                continue;
            snprintf(name, sizeof(name), "flat_%s_v%d_plain", codecs[c].name, v);
            sample(dir, name, FLAT, &plain, &o, seed++);
            o.dictionary_bytes = 64;    /* falls back part-way through chunks */
            snprintf(name, sizeof(name), "flat_%s_v%d_fallback", codecs[c].name, v);
            sample(dir, name, FLAT, &dict, &o, seed++);
            o.dictionary_bytes = 0;
            o.page_rows = 3;
            o.page_bytes = 40;
            snprintf(name, sizeof(name), "nested_%s_v%d_tinypages", codecs[c].name, v);
            sample(dir, name, NESTED, &plain, &o, seed++);
        }
    }
}
