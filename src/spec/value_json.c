/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Scalar values as text: Iceberg's JSON single-value form (spec "JSON
 * single-value serialization": defaults, REST literals), its reader, the
 * human text of messages and the CLI, and values read from vector rows.
 *
 * Writers always emit the full unit of the type (6 fraction digits, 9 for the
 * _ns types, the decimal's scale) so that text compares and reads back
 * exactly; readers accept the shorter forms Java writes ("22:31:08",
 * "2017-11-16T22:31:08.1").
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/formats_int.h"
#include "spec/spec.h"
#include "supertable/errors.h"
#include "util/datetime.h"

/* ------------------------------------------------------------- writing */

static int is_ns(st_type_id id)
{
    return id == ST_TYPE_TIMESTAMP_NS || id == ST_TYPE_TIMESTAMPTZ_NS;
}

static int is_tz(st_type_id id)
{
    return id == ST_TYPE_TIMESTAMPTZ || id == ST_TYPE_TIMESTAMPTZ_NS;
}

static int put_text(st_buf *out, const char *s, int quote)
{
    int rc;
    if (quote && (rc = st_buf_putc(out, '"')) < 0)
        return rc;
    if ((rc = st_buf_puts(out, s)) < 0)
        return rc;
    return quote ? st_buf_putc(out, '"') : 0;
}

static int put_uuid(st_buf *out, const st_value *v, int quote)
{
    char t[40];
    int n = 0;
    if (v->v.bytes.len != 16)
        return st_error_set(ST_EINVALID, ST_ERROR_ICEBERG, "a uuid value has %zu bytes, not 16",
                            v->v.bytes.len);
    for (int i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            t[n++] = '-';
        n += snprintf(t + n, sizeof(t) - (size_t)n, "%02x", v->v.bytes.ptr[i]);
    }
    return put_text(out, t, quote);
}

static int put_hex(st_buf *out, const st_value *v, int quote)
{
    int rc;
    if (quote && (rc = st_buf_putc(out, '"')) < 0)
        return rc;
    if ((rc = st_fmt_hex_encode(out, v->v.bytes.ptr, v->v.bytes.len)) < 0)
        return rc;
    return quote ? st_buf_putc(out, '"') : 0;
}

/* float/double: a JSON number, or the words JSON has no number for. */
static int put_float(st_buf *out, double x, int is_float, int quote)
{
    char tmp[48];
    st_fmt_double(tmp, x, is_float);
    return put_text(out, tmp, quote && !isfinite(x));
}

/* The JSON form (quote = 1) or the human text (quote = 0) of a value. */
static int put_value(st_buf *out, const st_value *v, int quote)
{
    char tmp[64];
    if (v->is_null)
        return st_buf_puts(out, "null");
    switch (v->type) {
    case ST_TYPE_BOOLEAN: return st_buf_puts(out, v->v.b ? "true" : "false");
    case ST_TYPE_INT: return st_buf_printf(out, "%d", (int)v->v.i32);
    case ST_TYPE_LONG: return st_buf_printf(out, "%lld", (long long)v->v.i64);
    case ST_TYPE_FLOAT: return put_float(out, v->v.f32, 1, quote);
    case ST_TYPE_DOUBLE: return put_float(out, v->v.f64, 0, quote);
    case ST_TYPE_DECIMAL:
        st_decimal_format(tmp, v->v.dec, v->scale);
        return put_text(out, tmp, quote);
    case ST_TYPE_DATE:
        st_format_date(tmp, v->v.i32);
        return put_text(out, tmp, quote);
    case ST_TYPE_TIME:
        st_format_time(tmp, v->v.i64);
        return put_text(out, tmp, quote);
    case ST_TYPE_TIMESTAMP:
    case ST_TYPE_TIMESTAMPTZ:
    case ST_TYPE_TIMESTAMP_NS:
    case ST_TYPE_TIMESTAMPTZ_NS: {
        int n = st_format_timestamp(tmp, v->v.i64, is_ns(v->type) ? 9 : 6, 0);
        if (is_tz(v->type))
            memcpy(tmp + n, "+00:00", 7);
        return put_text(out, tmp, quote);
    }
    case ST_TYPE_STRING:
        if (quote)
            return st_fmt_json_string(out, v->v.bytes.ptr, v->v.bytes.len);
        return st_buf_put(out, v->v.bytes.ptr, v->v.bytes.len);
    case ST_TYPE_UUID: return put_uuid(out, v, quote);
    case ST_TYPE_FIXED:
    case ST_TYPE_BINARY: return put_hex(out, v, quote);
    default:
        return st_error_set(ST_EINVALID, ST_ERROR_ICEBERG, "type %s has no single-value text form",
                            st_type_id_name(v->type));
    }
}

int st_value_to_json(st_buf *out, const st_value *v)
{
    return put_value(out, v, 1);
}

int st_value_to_text(st_buf *out, const st_value *v)
{
    return put_value(out, v, 0);
}

/* ------------------------------------------------------------- reading */

static int bad_text(const st_type *type, const char *text, size_t len, const char *why)
{
    char ex[72];
    return st_error_set(ST_EINVALID, ST_ERROR_ICEBERG, "cannot read '%s' as a %s value%s%s",
                        st_fmt_excerpt(ex, text, len), st_type_id_name(type->id),
                        why ? ": " : "", why ? why : "");
}

/* Decoded bytes for uuid/fixed/binary, copied into the arena. */
static int arena_bytes(st_value *out, st_arena *arena, const uint8_t *data, size_t len,
                       const st_type *type)
{
    uint8_t *p;
    if (!arena)
        return st_error_set(ST_EINVALID, ST_ERROR_ICEBERG,
                            "reading a %s value needs an arena for its bytes",
                            st_type_id_name(type->id));
    if (!(p = st_arena_alloc(arena, len ? len : 1)))
        return st_error_set_oom();
    if (len)
        memcpy(p, data, len);
    out->v.bytes.ptr = p;
    out->v.bytes.len = len;
    return 0;
}

static int read_hex(st_value *out, const st_type *type, const char *text, size_t len,
                    st_arena *arena)
{
    st_buf b = ST_BUF_INIT;
    int rc;
    if (st_fmt_hex_decode(&b, text, len) < 0) {
        rc = st_error_last()->code == ST_ENOMEM ? ST_ENOMEM
                                                 : bad_text(type, text, len, "not hexadecimal");
    } else if (type->id == ST_TYPE_FIXED && b.len != (size_t)type->length) {
        rc = st_error_set(ST_EINVALID, ST_ERROR_ICEBERG,
                          "a fixed[%d] value needs %d bytes, got %zu", (int)type->length,
                          (int)type->length, b.len);
    } else {
        rc = arena_bytes(out, arena, b.ptr, b.len, type);
    }
    st_buf_dispose(&b);
    return rc;
}

static int read_float(st_value *out, const st_type *type, const char *text, size_t len)
{
    double d;
    char tmp[512];
    if (st_fmt_parse_f64(text, len, &d) < 0)
        return bad_text(type, text, len, NULL);
    if (type->id == ST_TYPE_DOUBLE) {
        out->v.f64 = d;
    } else if (isnan(d) || isinf(d) || len >= sizeof(tmp)) {
        out->v.f32 = (float)d;
    } else {
        /* strtof rounds once; (float)strtod would round twice. */
        memcpy(tmp, text, len);
        tmp[len] = 0;
        out->v.f32 = strtof(tmp, NULL);
    }
    return 0;
}

static int read_integer(st_value *out, const st_type *type, const char *text, size_t len)
{
    int64_t i;
    if (st_fmt_parse_i64(text, len, &i) < 0)
        return bad_text(type, text, len, "not an integer in range");
    if (type->id == ST_TYPE_INT) {
        if (i < INT32_MIN || i > INT32_MAX)
            return bad_text(type, text, len, "out of the int range");
        out->v.i32 = (int32_t)i;
    } else {
        out->v.i64 = i;
    }
    return 0;
}

static int read_timestamp(st_value *out, const st_type *type, const char *text, size_t len)
{
    int zone = 0;
    if (st_parse_timestamp(text, len, is_ns(type->id) ? 9 : 6, &out->v.i64, &zone) < 0)
        return bad_text(type, text, len, NULL);
    if (is_tz(type->id) && !zone)
        return bad_text(type, text, len, "a timestamptz needs a zone offset (+00:00)");
    if (!is_tz(type->id) && zone)
        return bad_text(type, text, len, "a timestamp without time zone has no offset");
    return 0;
}

int st_value_from_json_text(st_value *out, const st_type *type, const char *text, size_t len,
                            st_arena *arena)
{
    uint8_t u[16];

    memset(out, 0, sizeof(*out));
    out->type = type->id;
    switch (type->id) {
    case ST_TYPE_BOOLEAN:
        if (len == 4 && memcmp(text, "true", 4) == 0)
            out->v.b = 1;
        else if (!(len == 5 && memcmp(text, "false", 5) == 0))
            return bad_text(type, text, len, NULL);
        return 0;
    case ST_TYPE_INT:
    case ST_TYPE_LONG: return read_integer(out, type, text, len);
    case ST_TYPE_FLOAT:
    case ST_TYPE_DOUBLE: return read_float(out, type, text, len);
    case ST_TYPE_DECIMAL:
        out->scale = type->scale;
        if (st_decimal_parse(&out->v.dec, text, len, type->precision, type->scale) < 0) {
            char why[256]; /* the message buffer is about to be rewritten */
            snprintf(why, sizeof(why), "%s", st_error_last()->message);
            return bad_text(type, text, len, why);
        }
        return 0;
    case ST_TYPE_DATE:
        if (st_parse_date(text, len, &out->v.i32) < 0)
            return bad_text(type, text, len, NULL);
        return 0;
    case ST_TYPE_TIME:
        if (st_parse_time(text, len, &out->v.i64) < 0)
            return bad_text(type, text, len, NULL);
        return 0;
    case ST_TYPE_TIMESTAMP:
    case ST_TYPE_TIMESTAMPTZ:
    case ST_TYPE_TIMESTAMP_NS:
    case ST_TYPE_TIMESTAMPTZ_NS: return read_timestamp(out, type, text, len);
    case ST_TYPE_STRING:
        out->v.bytes.ptr = (const uint8_t *)(len ? text : "");
        out->v.bytes.len = len;
        return 0;
    case ST_TYPE_UUID:
        if (st_fmt_parse_uuid(text, len, u) < 0)
            return bad_text(type, text, len, NULL);
        return arena_bytes(out, arena, u, 16, type);
    case ST_TYPE_FIXED:
    case ST_TYPE_BINARY: return read_hex(out, type, text, len, arena);
    default:
        return st_error_set(ST_EINVALID, ST_ERROR_ICEBERG,
                            "type %s has no JSON single-value form here",
                            st_type_id_name(type->id));
    }
}

/* ------------------------------------------------------------- vectors */

void st_value_from_vector(st_value *out, const st_vector *v, int64_t row)
{
    const st_type *t = v->type;
    memset(out, 0, sizeof(*out));
    out->type = t->id;
    if (t->id == ST_TYPE_DECIMAL)
        out->scale = t->scale;
    if (!st_vector_is_valid(v, row)) {
        out->is_null = 1;
        return;
    }
    switch (t->id) {
    case ST_TYPE_BOOLEAN: out->v.b = st_vector_get_bool(v, row); break;
    case ST_TYPE_INT:
    case ST_TYPE_DATE: out->v.i32 = st_vector_get_i32(v, row); break;
    case ST_TYPE_LONG:
    case ST_TYPE_TIME:
    case ST_TYPE_TIMESTAMP:
    case ST_TYPE_TIMESTAMPTZ:
    case ST_TYPE_TIMESTAMP_NS:
    case ST_TYPE_TIMESTAMPTZ_NS: out->v.i64 = st_vector_get_i64(v, row); break;
    case ST_TYPE_FLOAT: out->v.f32 = st_vector_get_f32(v, row); break;
    case ST_TYPE_DOUBLE: out->v.f64 = st_vector_get_f64(v, row); break;
    case ST_TYPE_DECIMAL: out->v.dec = st_vector_get_decimal(v, row); break;
    case ST_TYPE_STRING:
    case ST_TYPE_BINARY:
    case ST_TYPE_UUID:
    case ST_TYPE_FIXED: out->v.bytes.ptr = st_vector_get_bytes(v, row, &out->v.bytes.len); break;
    default: break; /* nested: type and validity only */
    }
}
