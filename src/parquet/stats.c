/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Column statistics: decoding min/max into comparable values, formatting them for
 * `parquet inspect`, parsing filter literals, and row-group pruning.
 *
 * Which bounds can be trusted: min_value/max_value (fields 5, 6) follow the
 * column's logical sort order. The legacy min/max (fields 1, 2) were written with
 * signed comparison by old writers, which is only right for physical booleans,
 * signed integers and floats; for byte arrays, unsigned integers and binary
 * decimals they are ignored. A NaN bound (old parquet-cpp) voids both bounds.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <supertable/errors.h>
#include "parquet/reader_int.h"
#include "parquet/encoding_int.h"
#include "parquet/values.h"
#include "util/float16.h"
#include "util/alloc.h"
#include "util/datetime.h"

int pq_stats_value(pq_value *out, const pq_leaf *leaf, const uint8_t *b, size_t len)
{
    memset(out, 0, sizeof(*out));
    switch (leaf->physical) {
    case PQ_BOOLEAN:
        if (len < 1)
            return 0;
        out->kind = PQV_I64;
        out->i = b[0] != 0;
        return 0;
    case PQ_INT32: {
        int32_t v;
        if (len != 4)
            return 0;
        v = (int32_t)pq_ld32(b);
        out->kind = PQV_I64;
        switch (leaf->conv) {
        case PQ_CONV_U8_TO_I32: case PQ_CONV_U16_TO_I32: case PQ_CONV_U32_TO_I64:
            out->i = (int64_t)(uint32_t)v; break;
        case PQ_CONV_MILLIS_I32_TO_MICROS_I64: out->i = (int64_t)v * 1000; break;
        case PQ_CONV_I32_TO_DEC: out->kind = PQV_I128; out->d = v; break;
        default: out->i = v; break;
        }
        return 0;
    }
    case PQ_INT64: {
        int64_t v;
        if (len != 8)
            return 0;
        v = (int64_t)pq_ld64(b);
        out->kind = PQV_I64;
        switch (leaf->conv) {
        case PQ_CONV_MILLIS_TO_MICROS:
            if (__builtin_mul_overflow(v, 1000, &out->i))
                out->kind = PQV_NONE;
            break;
        case PQ_CONV_NANOS_TO_MICROS: out->i = v / 1000 - (v % 1000 < 0); break;
        case PQ_CONV_I64_TO_DEC: out->kind = PQV_I128; out->d = v; break;
        case PQ_CONV_U64_TO_DEC: out->kind = PQV_I128; out->d = (__int128)(uint64_t)v; break;
        default: out->i = v; break;
        }
        return 0;
    }
    case PQ_FLOAT: {
        float f;
        if (len != 4)
            return 0;
        memcpy(&f, b, 4);
        if (isnan(f))
            return 0;
        out->kind = PQV_F64;
        out->f = f;
        return 0;
    }
    case PQ_DOUBLE:
        if (len != 8)
            return 0;
        memcpy(&out->f, b, 8);
        out->kind = isnan(out->f) ? PQV_NONE : PQV_F64;
        return 0;
    case PQ_INT96:
        return 0; /* no meaningful order */
    case PQ_BYTE_ARRAY:
    case PQ_FIXED_LEN_BYTE_ARRAY:
        if (leaf->conv == PQ_CONV_BE_TO_DEC) {
            if (len < 1 || len > 16)
                return 0;
            out->kind = PQV_I128;
            out->d = pq_be_to_i128(b, len);
        } else if (leaf->conv == PQ_CONV_F16_TO_F32) {
            float f;
            if (len != 2)
                return 0;
            f = st_half_to_float((uint16_t)(b[0] | b[1] << 8));
            if (isnan(f))
                return 0;
            out->kind = PQV_F64;
            out->f = f;
        } else {
            out->kind = PQV_BYTES;
            out->bytes = b;
            out->len = len;
        }
        return 0;
    }
    return 0;
}

int pq_value_cmp(const pq_value *a, const pq_value *b)
{
    switch (a->kind) {
    case PQV_I64: return (a->i > b->i) - (a->i < b->i);
    case PQV_F64: return (a->f > b->f) - (a->f < b->f);
    case PQV_I128: return (a->d > b->d) - (a->d < b->d);
    case PQV_BYTES: {
        size_t n = a->len < b->len ? a->len : b->len;
        int c = n ? memcmp(a->bytes, b->bytes, n) : 0;
        if (c)
            return c < 0 ? -1 : 1;
        return (a->len > b->len) - (a->len < b->len);
    }
    case PQV_NONE: break;
    }
    return 0;
}

/* Whether the legacy (signed-order) min/max may be used for this leaf. */
static int legacy_ok(const pq_leaf *leaf)
{
    switch (leaf->physical) {
    case PQ_BOOLEAN: case PQ_FLOAT: case PQ_DOUBLE: return 1;
    case PQ_INT32: case PQ_INT64:
        return leaf->conv != PQ_CONV_U8_TO_I32 && leaf->conv != PQ_CONV_U16_TO_I32 &&
               leaf->conv != PQ_CONV_U32_TO_I64 && leaf->conv != PQ_CONV_U64_TO_DEC;
    default: return 0;
    }
}

/* The usable bounds of a statistics struct; kinds are PQV_NONE when unusable. */
static void stats_bounds(const pq_leaf *leaf, const pq_statistics *st, pq_value *mn,
                         pq_value *mx)
{
    memset(mn, 0, sizeof(*mn));
    memset(mx, 0, sizeof(*mx));
    if (!st)
        return;
    if (st->min_value && st->max_value) {
        pq_stats_value(mn, leaf, st->min_value, st->min_value_len);
        pq_stats_value(mx, leaf, st->max_value, st->max_value_len);
    } else if (st->min && st->max && legacy_ok(leaf)) {
        pq_stats_value(mn, leaf, st->min, st->min_len);
        pq_stats_value(mx, leaf, st->max, st->max_len);
    }
    if (mn->kind == PQV_NONE || mx->kind == PQV_NONE)
        mn->kind = mx->kind = PQV_NONE;
}

/* ------------------------------------------------------------ formatting */

static int fmt_double(char *buf, double v, int is_float)
{
    if (isnan(v))
        return sprintf(buf, "NaN");
    if (isinf(v))
        return sprintf(buf, v > 0 ? "Infinity" : "-Infinity");
    for (int prec = 1; prec <= 17; prec++) {
        sprintf(buf, "%.*g", prec, v);
        if (is_float ? (float)strtod(buf, NULL) == (float)v : strtod(buf, NULL) == v)
            break;
    }
    return (int)strlen(buf);
}

static const char *fmt_bytes(st_arena *a, const pq_value *v, int as_text)
{
    static const char hex[] = "0123456789abcdef";
    char *s = st_arena_alloc(a, v->len * 4 + 3);
    size_t k = 0;
    int printable = as_text;
    if (!s)
        return NULL;
    for (size_t i = 0; i < v->len && printable; i++)
        if (v->bytes[i] < 0x20 || v->bytes[i] == 0x7f)
            printable = 0;
    if (printable) {
        memcpy(s, v->bytes, v->len);
        s[v->len] = 0;
        return s;
    }
    s[k++] = '0';
    s[k++] = 'x';
    for (size_t i = 0; i < v->len; i++) {
        s[k++] = hex[v->bytes[i] >> 4];
        s[k++] = hex[v->bytes[i] & 15];
    }
    s[k] = 0;
    return s;
}

int pq_stats_format(const char **out, st_arena *a, const pq_leaf *leaf, const uint8_t *bytes,
                    size_t len)
{
    pq_value v;
    char buf[96];
    const st_type *t = leaf->node->type;
    *out = NULL;
    pq_stats_value(&v, leaf, bytes, len);
    switch (v.kind) {
    case PQV_NONE:
        if (leaf->physical == PQ_FLOAT || leaf->physical == PQ_DOUBLE) {
            *out = "NaN";
            return 0;
        }
        return 0;
    case PQV_I64:
        switch (t->id) {
        case ST_TYPE_BOOLEAN: snprintf(buf, sizeof(buf), v.i ? "true" : "false"); break;
        case ST_TYPE_DATE: st_format_date(buf, (int32_t)v.i); break;
        case ST_TYPE_TIME: st_format_time(buf, v.i); break;
        case ST_TYPE_TIMESTAMP: st_format_timestamp(buf, v.i, 6, 0); break;
        case ST_TYPE_TIMESTAMPTZ: st_format_timestamp(buf, v.i, 6, 1); break;
        case ST_TYPE_TIMESTAMP_NS: st_format_timestamp(buf, v.i, 9, 0); break;
        case ST_TYPE_TIMESTAMPTZ_NS: st_format_timestamp(buf, v.i, 9, 1); break;
        default: snprintf(buf, sizeof(buf), "%lld", (long long)v.i); break;
        }
        break;
    case PQV_F64:
        fmt_double(buf, v.f, leaf->physical != PQ_DOUBLE);
        break;
    case PQV_I128: {
        st_decimal128 d = {(uint64_t)v.d, (int64_t)(v.d >> 64)};
        st_decimal_format(buf, d, t->id == ST_TYPE_DECIMAL ? t->scale : 0);
        break;
    }
    case PQV_BYTES:
        if (t->id == ST_TYPE_UUID && v.len == 16) {
            const uint8_t *u = v.bytes;
            snprintf(buf, sizeof(buf),
                     "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
                     u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11],
                     u[12], u[13], u[14], u[15]);
            break;
        }
        *out = fmt_bytes(a, &v, t->id == ST_TYPE_STRING);
        return *out ? 0 : ST_ENOMEM;
    }
    *out = st_arena_strdup(a, buf);
    return *out ? 0 : ST_ENOMEM;
}

/* ------------------------------------------------------------ literals */

static int bad_literal(const pq_leaf *leaf, const char *text)
{
    return st_error_set(ST_EINVALID, ST_ERROR_PARQUET, "'%s' is not a valid %s for column '%s'",
                        text, st_type_id_name(leaf->node->type->id), leaf->path);
}

static int parse_uuid(uint8_t out[16], const char *s)
{
    int k = 0;
    for (const char *p = s; *p; p++) {
        int hi, lo;
        if (*p == '-')
            continue;
        if (k == 16 || !p[1])
            return -1;
#define HEXV(c) ((c) >= '0' && (c) <= '9' ? (c) - '0' : (c) >= 'a' && (c) <= 'f' ? (c) - 'a' + 10 \
                 : (c) >= 'A' && (c) <= 'F' ? (c) - 'A' + 10 : -1)
        hi = HEXV(p[0]);
        lo = HEXV(p[1]);
#undef HEXV
        if (hi < 0 || lo < 0)
            return -1;
        out[k++] = (uint8_t)(hi << 4 | lo);
        p++;
    }
    return k == 16 ? 0 : -1;
}

int pq_parse_literal(pq_value *out, st_arena *a, const pq_leaf *leaf, const char *text)
{
    const st_type *t = leaf->node->type;
    size_t len = strlen(text);
    char *end;
    memset(out, 0, sizeof(*out));
    out->kind = PQV_I64;
    switch (t->id) {
    case ST_TYPE_BOOLEAN:
        if (!strcmp(text, "true") || !strcmp(text, "1")) out->i = 1;
        else if (!strcmp(text, "false") || !strcmp(text, "0")) out->i = 0;
        else return bad_literal(leaf, text);
        return 0;
    case ST_TYPE_INT: case ST_TYPE_LONG:
        out->i = strtoll(text, &end, 10);
        if (!len || *end)
            return bad_literal(leaf, text);
        return 0;
    case ST_TYPE_FLOAT: case ST_TYPE_DOUBLE:
        out->kind = PQV_F64;
        out->f = strtod(text, &end);
        if (!len || *end || isnan(out->f))
            return bad_literal(leaf, text);
        return 0;
    case ST_TYPE_DECIMAL: {
        st_decimal128 d;
        if (st_decimal_parse(&d, text, len, t->precision, t->scale) < 0)
            return bad_literal(leaf, text);
        out->kind = PQV_I128;
        out->d = (__int128)((unsigned __int128)(uint64_t)d.hi << 64 | d.lo);
        return 0;
    }
    case ST_TYPE_DATE: {
        int32_t d;
        if (st_parse_date(text, len, &d) < 0)
            return bad_literal(leaf, text);
        out->i = d;
        return 0;
    }
    case ST_TYPE_TIME:
        return st_parse_time(text, len, &out->i) < 0 ? bad_literal(leaf, text) : 0;
    case ST_TYPE_TIMESTAMP: case ST_TYPE_TIMESTAMPTZ:
        return st_parse_timestamp(text, len, 6, &out->i, NULL) < 0 ? bad_literal(leaf, text) : 0;
    case ST_TYPE_TIMESTAMP_NS: case ST_TYPE_TIMESTAMPTZ_NS:
        return st_parse_timestamp(text, len, 9, &out->i, NULL) < 0 ? bad_literal(leaf, text) : 0;
    case ST_TYPE_UUID: {
        uint8_t *u = st_arena_alloc(a, 16);
        if (!u)
            return ST_ENOMEM;
        if (parse_uuid(u, text) < 0)
            return bad_literal(leaf, text);
        out->kind = PQV_BYTES;
        out->bytes = u;
        out->len = 16;
        return 0;
    }
    case ST_TYPE_STRING: case ST_TYPE_BINARY: case ST_TYPE_FIXED:
        out->kind = PQV_BYTES;
        out->bytes = (const uint8_t *)st_arena_strdup(a, text);
        out->len = len;
        return out->bytes ? 0 : ST_ENOMEM;
    default:
        return st_error_set(ST_EINVALID, ST_ERROR_PARQUET,
                            "column '%s' of type %s cannot be filtered", leaf->path,
                            st_type_id_name(t->id));
    }
}

/* ------------------------------------------------------------ pruning */

int st_parquet_reader_add_filter(st_parquet_reader *r, const char *path, st_compare_op op,
                                 const char *literal)
{
    const pq_node *n = pq_resolve_path(r->schema.root, path, 1);
    pq_filter f = {0};
    pq_filter *grown;
    int rc;
    if (!n || n == r->schema.root)
        return st_error_set(ST_ENOTFOUND, ST_ERROR_PARQUET, "no column '%s' to filter on", path);
    if (n->kind != PQ_NODE_LEAF)
        return st_error_set(ST_EINVALID, ST_ERROR_PARQUET,
                            "column '%s' is not a primitive column outside lists and maps", path);
    if (op < ST_CMP_EQ || op > ST_CMP_NOT_NULL)
        return st_error_set(ST_EINVALID, ST_ERROR_PARQUET, "unknown comparison %d", (int)op);
    f.leaf = n->leaf;
    f.op = op;
    if (op != ST_CMP_IS_NULL && op != ST_CMP_NOT_NULL) {
        if (!literal)
            return st_error_set(ST_EINVALID, ST_ERROR_PARQUET, "comparison needs a literal");
        if ((rc = pq_parse_literal(&f.lit, &r->arena, &r->schema.leaves[n->leaf], literal)) < 0)
            return rc;
    }
    grown = st_reallocarray(r->filters, (size_t)r->n_filters + 1, sizeof(pq_filter));
    if (!grown)
        return ST_ENOMEM;
    r->filters = grown;
    r->filters[r->n_filters++] = f;
    return 0;
}

/* 0 when the chunk's statistics prove no row satisfies `f`. */
static int chunk_may_match(const pq_leaf *leaf, const pq_column_meta *cm, const pq_filter *f)
{
    const pq_statistics *st = cm->statistics;
    int has_nulls = st && st->has_null_count ? st->null_count > 0 : 1;
    int all_null = st && st->has_null_count && st->null_count >= cm->num_values;
    pq_value mn, mx;
    int exact;

    if (f->op == ST_CMP_IS_NULL)
        return has_nulls;
    if (all_null)
        return 0;
    if (f->op == ST_CMP_NOT_NULL)
        return 1;
    stats_bounds(leaf, st, &mn, &mx);
    if (mn.kind == PQV_NONE || mn.kind != f->lit.kind)
        return 1;
    exact = !(st->has_is_min_exact && !st->is_min_value_exact) &&
            !(st->has_is_max_exact && !st->is_max_value_exact);
    switch (f->op) {
    case ST_CMP_EQ: return pq_value_cmp(&f->lit, &mn) >= 0 && pq_value_cmp(&f->lit, &mx) <= 0;
    case ST_CMP_NE:
        /* Floats may hold NaN, which is != everything, and stats do not count NaN. */
        if (mn.kind == PQV_F64 || !exact || has_nulls)
            return 1;
        return !(pq_value_cmp(&mn, &f->lit) == 0 && pq_value_cmp(&mx, &f->lit) == 0);
    case ST_CMP_LT: return pq_value_cmp(&mn, &f->lit) < 0;
    case ST_CMP_LE: return pq_value_cmp(&mn, &f->lit) <= 0;
    case ST_CMP_GT: return pq_value_cmp(&mx, &f->lit) > 0;
    case ST_CMP_GE: return pq_value_cmp(&mx, &f->lit) >= 0;
    default: return 1;
    }
}

int pq_row_group_matches(st_parquet_reader *r, int rg)
{
    const pq_row_group *g = &r->md.row_groups[rg];
    for (int i = 0; i < r->n_filters; i++) {
        const pq_filter *f = &r->filters[i];
        if (!chunk_may_match(&r->schema.leaves[f->leaf], g->columns[f->leaf].meta, f))
            return 0;
    }
    return 1;
}

int st_parquet_reader_row_group_matches(st_parquet_reader *r, int rg)
{
    if (rg < 0 || (uint32_t)rg >= r->md.n_row_groups)
        return 0;
    return pq_row_group_matches(r, rg);
}

/* ------------------------------------------------------------ metadata access */

static const char *repetition_name(const pq_schema_element *el)
{
    if (!el->has_repetition)
        return "REQUIRED";
    return el->repetition == PQ_OPTIONAL ? "OPTIONAL"
           : el->repetition == PQ_REPEATED ? "REPEATED" : "REQUIRED";
}

int st_parquet_reader_column_info(st_parquet_reader *r, int col, st_parquet_column_info *out)
{
    const pq_leaf *lf;
    char buf[64];
    if (col < 0 || col >= r->schema.n_leaves)
        return st_error_set(ST_EINVALID, ST_ERROR_PARQUET, "column %d out of range", col);
    lf = &r->schema.leaves[col];
    out->path = lf->path;
    if (lf->physical == PQ_FIXED_LEN_BYTE_ARRAY) {
        snprintf(buf, sizeof(buf), "FIXED_LEN_BYTE_ARRAY(%d)", (int)lf->type_length);
        out->physical_type = st_arena_strdup(&r->arena, buf);
    } else {
        out->physical_type = pq_type_name(lf->physical);
    }
    out->logical_type = pq_logical_name(&r->arena, lf->el);
    out->repetition = repetition_name(lf->el);
    out->field_id = lf->el->has_field_id ? lf->el->field_id : lf->node->field_id;
    out->max_definition_level = lf->max_def;
    out->max_repetition_level = lf->max_rep;
    return out->physical_type && out->logical_type ? 0 : ST_ENOMEM;
}

int st_parquet_reader_chunk_info(st_parquet_reader *r, int rg, int col,
                                 st_parquet_chunk_info *out)
{
    const pq_column_chunk *cc;
    const pq_column_meta *cm;
    const pq_statistics *st;
    const pq_leaf *lf;
    char enc[256] = "";
    size_t k = 0;
    int rc;

    memset(out, 0, sizeof(*out));
    if (rg < 0 || (uint32_t)rg >= r->md.n_row_groups || col < 0 || col >= r->schema.n_leaves)
        return st_error_set(ST_EINVALID, ST_ERROR_PARQUET, "row group %d column %d out of range",
                            rg, col);
    cc = &r->md.row_groups[rg].columns[col];
    cm = cc->meta;
    st = cm->statistics;
    lf = &r->schema.leaves[col];
    for (uint32_t i = 0; i < cm->n_encodings && k < sizeof(enc) - 32; i++)
        k += (size_t)snprintf(enc + k, sizeof(enc) - k, "%s%s", i ? "," : "",
                              pq_encoding_name(cm->encodings[i]));
    out->codec = pq_codec_name(cm->codec);
    out->encodings = st_arena_strdup(&r->arena, enc);
    out->num_values = cm->num_values;
    out->compressed_size = cm->total_compressed_size;
    out->uncompressed_size = cm->total_uncompressed_size;
    out->data_page_offset = cm->data_page_offset;
    out->dictionary_page_offset =
        cm->has_dictionary_page_offset && cm->dictionary_page_offset > 0
            ? cm->dictionary_page_offset : -1;
    out->null_count = st && st->has_null_count ? st->null_count : -1;
    out->distinct_count = st && st->has_distinct_count ? st->distinct_count : -1;
    out->has_statistics = st != NULL;
    out->min_exact = out->max_exact = 1;
    if (st) {
        const uint8_t *mn = st->min_value, *mx = st->max_value;
        size_t mnl = st->min_value_len, mxl = st->max_value_len;
        if ((!mn || !mx) && legacy_ok(lf)) {
            mn = st->min;
            mx = st->max;
            mnl = st->min_len;
            mxl = st->max_len;
        }
        if (mn && (rc = pq_stats_format(&out->min, &r->arena, lf, mn, mnl)) < 0)
            return rc;
        if (mx && (rc = pq_stats_format(&out->max, &r->arena, lf, mx, mxl)) < 0)
            return rc;
        out->min_exact = !(st->has_is_min_exact && !st->is_min_value_exact);
        out->max_exact = !(st->has_is_max_exact && !st->is_max_value_exact);
    }
    out->has_column_index = cc->has_column_index;
    out->has_offset_index = cc->has_offset_index;
    out->has_bloom_filter = cm->has_bloom_filter_offset;
    return out->encodings ? 0 : ST_ENOMEM;
}
