/* SPDX-License-Identifier: Apache-2.0 */
/* Scalar values: Iceberg's ordering and the single-value binary serialization
 * (bounds and partition summaries). The JSON form and formatting live in
 * value_json.c. */
#include <math.h>
#include <string.h>

#include "spec/spec.h"
#include "spec/spec_int.h"
#include "supertable/errors.h"
#include "util/buf.h"

static int cmp_i64(int64_t a, int64_t b) { return (a > b) - (a < b); }

/* -0.0 < +0.0, NaN above everything (and equal to itself): Iceberg's order. */
static int cmp_double(double a, double b)
{
    int an = isnan(a), bn = isnan(b);
    if (an || bn) return an - bn;
    if (a < b) return -1;
    if (a > b) return 1;
    if (a == 0 && b == 0) return (int)!!signbit(b) - (int)!!signbit(a);
    return 0;
}

static int cmp_dec(st_decimal128 a, st_decimal128 b)
{
    if (a.hi != b.hi) return a.hi < b.hi ? -1 : 1;
    return (a.lo > b.lo) - (a.lo < b.lo);
}

int st_value_compare(const st_value *a, const st_value *b)
{
    switch (a->type) {
    case ST_TYPE_BOOLEAN: return (!!a->v.b) - (!!b->v.b);
    case ST_TYPE_INT:
    case ST_TYPE_DATE: return cmp_i64(a->v.i32, b->v.i32);
    case ST_TYPE_LONG:
    case ST_TYPE_TIME:
    case ST_TYPE_TIMESTAMP:
    case ST_TYPE_TIMESTAMPTZ:
    case ST_TYPE_TIMESTAMP_NS:
    case ST_TYPE_TIMESTAMPTZ_NS: return cmp_i64(a->v.i64, b->v.i64);
    case ST_TYPE_FLOAT: return cmp_double(a->v.f32, b->v.f32);
    case ST_TYPE_DOUBLE: return cmp_double(a->v.f64, b->v.f64);
    case ST_TYPE_DECIMAL: return cmp_dec(a->v.dec, b->v.dec);
    default: return st_bytes_cmp(a->v.bytes.ptr, a->v.bytes.len, b->v.bytes.ptr, b->v.bytes.len);
    }
}

static void put_le(uint8_t *p, uint64_t v, int n)
{
    for (int i = 0; i < n; i++) p[i] = (uint8_t)(v >> (8 * i));
}

static uint64_t get_le(const uint8_t *p, int n)
{
    uint64_t v = 0;
    for (int i = 0; i < n; i++) v |= (uint64_t)p[i] << (8 * i);
    return v;
}

size_t st_spec_decimal_to_be(uint8_t out[16], st_decimal128 d)
{
    uint8_t full[16];
    for (int i = 0; i < 8; i++) {
        full[i] = (uint8_t)((uint64_t)d.hi >> (56 - 8 * i));
        full[8 + i] = (uint8_t)(d.lo >> (56 - 8 * i));
    }
    size_t skip = 0;
    /* Drop a leading byte while the next byte's sign bit still says the same. */
    while (skip < 15) {
        uint8_t b = full[skip], next = full[skip + 1];
        if ((b == 0x00 && !(next & 0x80)) || (b == 0xff && (next & 0x80))) skip++;
        else break;
    }
    memcpy(out, full + skip, 16 - skip);
    return 16 - skip;
}

st_decimal128 st_spec_decimal_from_be(const uint8_t *p, size_t n)
{
    uint8_t full[16];
    uint8_t fill = (n && (p[0] & 0x80)) ? 0xff : 0x00;
    memset(full, fill, 16 - n);
    memcpy(full + 16 - n, p, n);
    st_decimal128 d = {0, 0};
    uint64_t hi = 0;
    for (int i = 0; i < 8; i++) {
        hi = (hi << 8) | full[i];
        d.lo = (d.lo << 8) | full[8 + i];
    }
    d.hi = (int64_t)hi;
    return d;
}

int st_value_to_bytes(st_buf *out, const st_value *v)
{
    uint8_t tmp[16];
    size_t n = 0;
    if (v->is_null)
        return st_error_set(ST_EINVALID, ST_ERROR_ICEBERG, "a null value has no binary form");
    switch (v->type) {
    case ST_TYPE_BOOLEAN: tmp[0] = v->v.b ? 1 : 0; n = 1; break;
    case ST_TYPE_INT:
    case ST_TYPE_DATE: put_le(tmp, (uint32_t)v->v.i32, 4); n = 4; break;
    case ST_TYPE_LONG:
    case ST_TYPE_TIME:
    case ST_TYPE_TIMESTAMP:
    case ST_TYPE_TIMESTAMPTZ:
    case ST_TYPE_TIMESTAMP_NS:
    case ST_TYPE_TIMESTAMPTZ_NS: put_le(tmp, (uint64_t)v->v.i64, 8); n = 8; break;
    case ST_TYPE_FLOAT: {
        uint32_t u;
        memcpy(&u, &v->v.f32, 4);
        put_le(tmp, u, 4);
        n = 4;
        break;
    }
    case ST_TYPE_DOUBLE: {
        uint64_t u;
        memcpy(&u, &v->v.f64, 8);
        put_le(tmp, u, 8);
        n = 8;
        break;
    }
    case ST_TYPE_DECIMAL: n = st_spec_decimal_to_be(tmp, v->v.dec); break;
    case ST_TYPE_STRING:
    case ST_TYPE_UUID:
    case ST_TYPE_FIXED:
    case ST_TYPE_BINARY: return st_buf_put(out, v->v.bytes.ptr, v->v.bytes.len);
    default:
        return st_error_set(ST_EINVALID, ST_ERROR_ICEBERG, "type %s has no single-value binary form",
                            st_type_id_name(v->type));
    }
    return st_buf_put(out, tmp, n);
}

static int bad_len(const st_type *type, size_t len)
{
    return st_error_set(ST_ECORRUPT, ST_ERROR_ICEBERG,
                        "a %s value cannot be %zu bytes in single-value binary form",
                        st_type_id_name(type->id), len);
}

int st_value_from_bytes(st_value *out, const st_type *type, const uint8_t *data, size_t len)
{
    memset(out, 0, sizeof *out);
    out->type = type->id;
    switch (type->id) {
    case ST_TYPE_BOOLEAN:
        if (len != 1) return bad_len(type, len);
        out->v.b = data[0] != 0;
        return 0;
    case ST_TYPE_INT:
    case ST_TYPE_DATE:
        if (len != 4) return bad_len(type, len);
        out->v.i32 = (int32_t)(uint32_t)get_le(data, 4);
        return 0;
    case ST_TYPE_LONG:
        /* int promoted to long keeps its 4-byte bounds */
        if (len == 4) out->v.i64 = (int32_t)(uint32_t)get_le(data, 4);
        else if (len == 8) out->v.i64 = (int64_t)get_le(data, 8);
        else return bad_len(type, len);
        return 0;
    case ST_TYPE_TIME:
        if (len != 8) return bad_len(type, len);
        out->v.i64 = (int64_t)get_le(data, 8);
        return 0;
    case ST_TYPE_TIMESTAMP:
    case ST_TYPE_TIMESTAMPTZ:
    case ST_TYPE_TIMESTAMP_NS:
    case ST_TYPE_TIMESTAMPTZ_NS:
        if (len == 8) {
            out->v.i64 = (int64_t)get_le(data, 8);
        } else if (len == 4) {
            /* date promoted to timestamp (v3): days -> the unit of the type.
             * Far dates do not fit (nanoseconds reach only 1677..2262). */
            int64_t days = (int32_t)(uint32_t)get_le(data, 4);
            int ns = type->id == ST_TYPE_TIMESTAMP_NS || type->id == ST_TYPE_TIMESTAMPTZ_NS;
            if (__builtin_mul_overflow(days, 86400LL * (ns ? 1000000000LL : 1000000LL),
                                       &out->v.i64))
                return st_error_set(ST_ECORRUPT, ST_ERROR_ICEBERG,
                                    "date bound %lld (days) is out of the range of %s",
                                    (long long)days, st_type_id_name(type->id));
        } else {
            return bad_len(type, len);
        }
        return 0;
    case ST_TYPE_FLOAT: {
        if (len != 4) return bad_len(type, len);
        uint32_t u = (uint32_t)get_le(data, 4);
        memcpy(&out->v.f32, &u, 4);
        return 0;
    }
    case ST_TYPE_DOUBLE:
        if (len == 4) {
            uint32_t u = (uint32_t)get_le(data, 4);
            float f;
            memcpy(&f, &u, 4);
            out->v.f64 = f;
        } else if (len == 8) {
            uint64_t u = get_le(data, 8);
            memcpy(&out->v.f64, &u, 8);
        } else {
            return bad_len(type, len);
        }
        return 0;
    case ST_TYPE_DECIMAL:
        if (len < 1 || len > 16) return bad_len(type, len);
        out->v.dec = st_spec_decimal_from_be(data, len);
        out->scale = type->scale;
        return 0;
    case ST_TYPE_UUID:
        if (len != 16) return bad_len(type, len);
        break;
    case ST_TYPE_FIXED:
        /* bounds of fixed may be truncated: any length up to L */
        if ((int32_t)len > type->length) return bad_len(type, len);
        break;
    case ST_TYPE_STRING:
    case ST_TYPE_BINARY: break;
    default:
        return st_error_set(ST_EINVALID, ST_ERROR_ICEBERG, "type %s has no single-value binary form",
                            st_type_id_name(type->id));
    }
    out->v.bytes.ptr = data;
    out->v.bytes.len = len;
    return 0;
}
