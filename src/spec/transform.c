/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Partition transforms (spec "Partition Transforms", iceberg-facts §6):
 * parsing their spelling, which source types each accepts, result types, and
 * applying them to one value or to a whole vector.
 *
 * The vector form runs on every row the partitioned writer sees, so it has a
 * tight loop per (transform, source layout) that reads the Arrow buffers
 * directly; null rows are computed like the others (on whatever the slot
 * holds, with wrapping arithmetic so that garbage cannot trap) and zeroed
 * afterwards, which keeps the loops free of branches. The scalar form is the
 * reference the tests compare the loops with.
 *
 * Every time transform uses floor division: instants before 1970 give
 * negative years, months, days and hours (1969-12-31T23:59:59.999999 is day
 * -1, hour -1, month -1, year -1), as Java's DateTimeUtil does.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "columnar/columnar_int.h"
#include "spec/spec.h"
#include "spec/spec_int.h"
#include "supertable/errors.h"
#include "util/datetime.h"

#define US_PER_HOUR 3600000000LL
#define US_PER_DAY 86400000000LL
#define NS_PER_HOUR 3600000000000LL
#define NS_PER_DAY 86400000000000LL

/* ------------------------------------------------------------- parsing */

static const struct {
    const char *name;
    st_transform_kind kind;
} plain_names[] = {
    {"identity", ST_TRANSFORM_IDENTITY}, {"year", ST_TRANSFORM_YEAR},
    {"month", ST_TRANSFORM_MONTH},       {"day", ST_TRANSFORM_DAY},
    {"hour", ST_TRANSFORM_HOUR},         {"void", ST_TRANSFORM_VOID},
};

static int ieq_n(const char *a, size_t n, const char *b)
{
    return strlen(b) == n && strncasecmp(a, b, n) == 0;
}

/* The base name of a kind ("bucket"), for messages and the canonical text. */
static const char *kind_name(st_transform_kind k)
{
    switch (k) {
    case ST_TRANSFORM_IDENTITY: return "identity";
    case ST_TRANSFORM_BUCKET: return "bucket";
    case ST_TRANSFORM_TRUNCATE: return "truncate";
    case ST_TRANSFORM_YEAR: return "year";
    case ST_TRANSFORM_MONTH: return "month";
    case ST_TRANSFORM_DAY: return "day";
    case ST_TRANSFORM_HOUR: return "hour";
    case ST_TRANSFORM_VOID: return "void";
    default: return "unknown";
    }
}

static int bad_param(const char *text)
{
    return st_error_set(ST_EINVALID, ST_ERROR_ICEBERG,
                        "transform '%.80s': the parameter must be an integer from 1 to %d", text,
                        INT32_MAX);
}

int st_transform_parse(st_transform *out, const char *text)
{
    size_t len = strlen(text);
    const char *br = memchr(text, '[', len);
    size_t name_len = br ? (size_t)(br - text) : len;

    memset(out, 0, sizeof(*out));
    for (size_t i = 0; i < sizeof(plain_names) / sizeof(plain_names[0]); i++)
        if (!br && ieq_n(text, len, plain_names[i].name)) {
            out->kind = plain_names[i].kind;
            snprintf(out->text, sizeof(out->text), "%s", plain_names[i].name);
            return 0;
        }
    if (ieq_n(text, name_len, "bucket") || ieq_n(text, name_len, "truncate")) {
        int64_t n = 0;
        const char *p;
        if (!br || len < name_len + 3 || text[len - 1] != ']')
            return bad_param(text);
        for (p = br + 1; p < text + len - 1; p++) {
            if (*p < '0' || *p > '9' || n > INT32_MAX)
                return bad_param(text);
            n = n * 10 + (*p - '0');
        }
        if (n < 1 || n > INT32_MAX)
            return bad_param(text);
        out->kind = ieq_n(text, name_len, "bucket") ? ST_TRANSFORM_BUCKET : ST_TRANSFORM_TRUNCATE;
        out->param = (int32_t)n;
        snprintf(out->text, sizeof(out->text), "%s[%d]", kind_name(out->kind), (int)n);
        return 0;
    }
    /* Readers keep transforms they do not know (v3: must not fail on them). */
    out->kind = ST_TRANSFORM_UNKNOWN;
    snprintf(out->text, sizeof(out->text), "%s", text);
    return 0;
}

/* ------------------------------------------------------- source types */

static int is_primitive(st_type_id id)
{
    return id >= ST_TYPE_BOOLEAN && id <= ST_TYPE_BINARY;
}

static int is_ts(st_type_id id)
{
    return id == ST_TYPE_TIMESTAMP || id == ST_TYPE_TIMESTAMPTZ || id == ST_TYPE_TIMESTAMP_NS ||
           id == ST_TYPE_TIMESTAMPTZ_NS;
}

static int is_ns(st_type_id id)
{
    return id == ST_TYPE_TIMESTAMP_NS || id == ST_TYPE_TIMESTAMPTZ_NS;
}

static int accepts(st_transform_kind k, st_type_id id)
{
    switch (k) {
    case ST_TRANSFORM_IDENTITY: return is_primitive(id);
    case ST_TRANSFORM_BUCKET:
        return is_primitive(id) && id != ST_TYPE_BOOLEAN && id != ST_TYPE_FLOAT &&
               id != ST_TYPE_DOUBLE;
    case ST_TRANSFORM_TRUNCATE:
        return id == ST_TYPE_INT || id == ST_TYPE_LONG || id == ST_TYPE_DECIMAL ||
               id == ST_TYPE_STRING || id == ST_TYPE_BINARY;
    case ST_TRANSFORM_YEAR:
    case ST_TRANSFORM_MONTH:
    case ST_TRANSFORM_DAY: return id == ST_TYPE_DATE || is_ts(id);
    case ST_TRANSFORM_HOUR: return is_ts(id);
    case ST_TRANSFORM_VOID:
    case ST_TRANSFORM_UNKNOWN: return 1; /* Java's UnknownTransform accepts any */
    default: return 0;
    }
}

static int cannot_apply(const st_transform *t, st_type_id id)
{
    return st_error_set(ST_EINVALID, ST_ERROR_ICEBERG, "%s cannot apply to %s",
                        kind_name(t->kind), id ? st_type_id_name(id) : "a value without type");
}

int st_transform_check_source(const st_transform *t, const st_type *source)
{
    if (!source)
        return st_error_set(ST_EINVALID, ST_ERROR_ICEBERG, "%s: no source type", t->text);
    if (!accepts(t->kind, source->id))
        return cannot_apply(t, source->id);
    return 0;
}

st_type *st_transform_result_type(const st_transform *t, const st_type *source)
{
    switch (t->kind) {
    case ST_TRANSFORM_BUCKET:
    case ST_TRANSFORM_YEAR:
    case ST_TRANSFORM_MONTH:
    case ST_TRANSFORM_HOUR: return st_type_primitive(ST_TYPE_INT);
    case ST_TRANSFORM_DAY: return st_type_primitive(ST_TYPE_DATE);
    case ST_TRANSFORM_UNKNOWN: return st_type_primitive(ST_TYPE_STRING);
    default:
        return source ? st_type_ref((st_type *)source) : st_type_primitive(ST_TYPE_STRING);
    }
}

/* ------------------------------------------------------------- hashing */

/* Java's Double.doubleToLongBits with -0.0 folded into 0.0 (BucketUtil). */
static int64_t double_bits(double d)
{
    int64_t bits;
    if (isnan(d))
        return 0x7ff8000000000000LL;
    if (d == 0)
        return 0;
    memcpy(&bits, &d, sizeof(bits));
    return bits;
}

int32_t st_bucket_hash(const st_value *v)
{
    uint8_t be[16];
    size_t n;
    if (v->is_null)
        return 0;
    switch (v->type) {
    case ST_TYPE_BOOLEAN: return (int32_t)st_mm3_long(v->v.b ? 1 : 0);
    case ST_TYPE_INT:
    case ST_TYPE_DATE: return (int32_t)st_mm3_long(v->v.i32);
    case ST_TYPE_LONG:
    case ST_TYPE_TIME:
    case ST_TYPE_TIMESTAMP:
    case ST_TYPE_TIMESTAMPTZ: return (int32_t)st_mm3_long(v->v.i64);
    case ST_TYPE_TIMESTAMP_NS:
    case ST_TYPE_TIMESTAMPTZ_NS: return (int32_t)st_mm3_long(st_floor_div(v->v.i64, 1000));
    case ST_TYPE_FLOAT: return (int32_t)st_mm3_long(double_bits(v->v.f32));
    case ST_TYPE_DOUBLE: return (int32_t)st_mm3_long(double_bits(v->v.f64));
    case ST_TYPE_DECIMAL:
        n = st_spec_decimal_to_be(be, v->v.dec);
        return (int32_t)st_murmur3_32(be, n, 0);
    case ST_TYPE_STRING:
    case ST_TYPE_UUID:
    case ST_TYPE_FIXED:
    case ST_TYPE_BINARY: return (int32_t)st_murmur3_32(v->v.bytes.ptr, v->v.bytes.len, 0);
    default: return 0;
    }
}

/* --------------------------------------------------------- arithmetic */

/* v - floormod(v, w), wrapping like Java's int arithmetic when the result
 * leaves the type (only within w of the minimum). */
static inline int32_t trunc_i32(int32_t v, int32_t w)
{
    return (int32_t)(uint32_t)((int64_t)v - st_floor_mod(v, w));
}

static inline int64_t trunc_i64(int64_t v, int32_t w)
{
    return (int64_t)((uint64_t)v - (uint64_t)st_floor_mod(v, w));
}

static st_decimal128 trunc_dec(st_decimal128 d, int32_t w)
{
    st_u128 u = st_col_dec_bits(d), mag, r;
    int neg = d.hi < 0;
    mag = neg ? (st_u128)0 - u : u;
    r = mag % (st_u128)(uint32_t)w;
    if (neg && r)
        r = (st_u128)(uint32_t)w - r;
    return st_col_dec_from_bits(u - r);
}

/* Bytes of the first `l` code points (UTF-8 lead bytes are not 10xxxxxx). */
static inline size_t utf8_prefix(const uint8_t *p, size_t len, int32_t l)
{
    int32_t seen = 0;
    if (len <= (size_t)l)
        return len;
    for (size_t i = 0; i < len; i++)
        if ((p[i] & 0xc0) != 0x80 && seen++ == l)
            return i;
    return len;
}

static inline int32_t days_to_year(int64_t days)
{
    int64_t y;
    int m, d;
    st_civil_from_days(days, &y, &m, &d);
    return (int32_t)(y - 1970);
}

static inline int32_t days_to_month(int64_t days)
{
    int64_t y;
    int m, d;
    st_civil_from_days(days, &y, &m, &d);
    return (int32_t)((y - 1970) * 12 + (m - 1));
}

/* Days since 1970 of a date or timestamp value in its unit. */
static inline int64_t value_days(st_type_id id, int64_t v)
{
    if (id == ST_TYPE_DATE)
        return v;
    return st_floor_div(v, is_ns(id) ? NS_PER_DAY : US_PER_DAY);
}

/* int32 results of hours wrap as Java's (int) cast does (only past year 246,000). */
static inline int32_t wrap32(int64_t v)
{
    return (int32_t)(uint32_t)(uint64_t)v;
}

/* -------------------------------------------------------- one value */

/* A null of the transform's result type. */
static void null_result(const st_transform *t, const st_value *in, st_value *out)
{
    memset(out, 0, sizeof(*out));
    out->is_null = 1;
    switch (t->kind) {
    case ST_TRANSFORM_BUCKET:
    case ST_TRANSFORM_YEAR:
    case ST_TRANSFORM_MONTH:
    case ST_TRANSFORM_HOUR: out->type = ST_TYPE_INT; break;
    case ST_TRANSFORM_DAY: out->type = ST_TYPE_DATE; break;
    case ST_TRANSFORM_VOID: out->type = 0; break; /* "no type" (spec.h) */
    default:
        out->type = in->type;
        out->scale = in->scale;
        break;
    }
}

static int apply_truncate(const st_transform *t, const st_value *in, st_value *out)
{
    int32_t w = t->param;
    switch (in->type) {
    case ST_TYPE_INT: out->v.i32 = trunc_i32(in->v.i32, w); break;
    case ST_TYPE_LONG: out->v.i64 = trunc_i64(in->v.i64, w); break;
    case ST_TYPE_DECIMAL: out->v.dec = trunc_dec(in->v.dec, w); break;
    case ST_TYPE_STRING:
        out->v.bytes.len = utf8_prefix(in->v.bytes.ptr, in->v.bytes.len, w);
        break;
    default: /* binary */
        if (out->v.bytes.len > (size_t)w)
            out->v.bytes.len = (size_t)w;
        break;
    }
    return 0;
}

static int apply_time(const st_transform *t, const st_value *in, st_value *out)
{
    int64_t v = in->type == ST_TYPE_DATE ? in->v.i32 : in->v.i64;
    memset(out, 0, sizeof(*out));
    out->type = t->kind == ST_TRANSFORM_DAY ? ST_TYPE_DATE : ST_TYPE_INT;
    switch (t->kind) {
    case ST_TRANSFORM_YEAR: out->v.i32 = days_to_year(value_days(in->type, v)); break;
    case ST_TRANSFORM_MONTH: out->v.i32 = days_to_month(value_days(in->type, v)); break;
    case ST_TRANSFORM_DAY: out->v.i32 = (int32_t)value_days(in->type, v); break;
    default: out->v.i32 = wrap32(st_floor_div(v, is_ns(in->type) ? NS_PER_HOUR : US_PER_HOUR));
    }
    return 0;
}

int st_transform_apply(const st_transform *t, const st_value *in_, st_value *out)
{
    st_value copy = *in_; /* out may be the input */
    const st_value *in = &copy;
    if (t->kind == ST_TRANSFORM_UNKNOWN)
        return st_error_set(ST_EUNSUPPORTED, ST_ERROR_ICEBERG,
                            "transform '%s' is unknown and cannot be applied", t->text);
    if (in->is_null || t->kind == ST_TRANSFORM_VOID) {
        null_result(t, in, out);
        return 0;
    }
    if (!accepts(t->kind, in->type))
        return cannot_apply(t, in->type);
    switch (t->kind) {
    case ST_TRANSFORM_IDENTITY: *out = *in; return 0;
    case ST_TRANSFORM_BUCKET:
        memset(out, 0, sizeof(*out));
        out->type = ST_TYPE_INT;
        out->v.i32 = st_mm3_bucket((uint32_t)st_bucket_hash(in), t->param);
        return 0;
    case ST_TRANSFORM_TRUNCATE:
        *out = *in;
        return apply_truncate(t, in, out);
    default: return apply_time(t, in, out);
    }
}

/* ------------------------------------------------------------ vectors */

/* A result vector of n rows whose validity is the input's. */
static int new_result(st_vector **out, st_type *type, const st_vector *in)
{
    st_vector *v;
    int rc = st_vector_new(&v, type, in->length);
    if (rc < 0)
        return rc;
    if (in->validity && in->null_count > 0) {
        if ((rc = st_vector_ensure_validity(v)) < 0) {
            st_vector_free(v);
            return rc;
        }
        st_col_copy_bits(v->validity, in->validity, 0, in->length);
        v->null_count = in->null_count;
    }
    v->length = in->length;
    *out = v;
    return 0;
}

/* Zeroes the fixed-width slots of null rows (the loops computed them on
 * whatever the input's slots held). */
static void zero_nulls(st_vector *v, size_t width)
{
    if (!v->validity || v->null_count == 0)
        return;
    for (int64_t i = 0; i < v->length; i += 8) {
        uint8_t byte = v->validity[i >> 3];
        if (byte == 0xff)
            continue;
        for (int64_t j = i; j < i + 8 && j < v->length; j++)
            if (!((byte >> (j & 7)) & 1))
                memset(v->values + (size_t)j * width, 0, width);
    }
}

static int all_null(st_vector **out, st_type *type, int64_t n)
{
    st_vector *v;
    int rc = st_vector_new(&v, type, n);
    if (rc < 0)
        return rc;
    if (type->id == ST_TYPE_STRUCT) {
        for (int64_t i = 0; i < n && rc == 0; i++)
            rc = st_vector_append_null(v);
    } else if ((rc = st_vector_ensure_validity(v)) == 0) {
        /* values, offsets and the bitmap came zeroed: n null rows as they are */
        v->length = n;
        v->null_count = n;
    }
    if (rc < 0) {
        st_vector_free(v);
        return rc;
    }
    *out = v;
    return 0;
}

#define SRC(T) ((const T *)(const void *)in->values)
#define DST(T) ((T *)(void *)r->values)

static void bucket_bytes(st_vector *r, const st_vector *in, int32_t nb)
{
    int32_t *dst = DST(int32_t);
    int64_t n = in->length;
    if (in->type->id == ST_TYPE_STRING || in->type->id == ST_TYPE_BINARY) {
        const int32_t *o = SRC(int32_t);
        const uint8_t *data = in->data ? in->data : (const uint8_t *)"";
        for (int64_t i = 0; i < n; i++)
            dst[i] = st_mm3_bucket(st_murmur3_32(data + o[i], (size_t)(o[i + 1] - o[i]), 0), nb);
    } else if (in->type->id == ST_TYPE_DECIMAL) {
        const st_decimal128 *src = SRC(st_decimal128);
        uint8_t be[16];
        for (int64_t i = 0; i < n; i++) {
            size_t len = st_spec_decimal_to_be(be, src[i]);
            dst[i] = st_mm3_bucket(st_murmur3_32(be, len, 0), nb);
        }
    } else { /* uuid, fixed */
        size_t w = (size_t)st_type_value_width(in->type);
        for (int64_t i = 0; i < n; i++)
            dst[i] = st_mm3_bucket(st_murmur3_32(in->values + (size_t)i * w, w, 0), nb);
    }
}

static void bucket_vector(st_vector *r, const st_vector *in, int32_t nb)
{
    int32_t *dst = DST(int32_t);
    int64_t n = in->length;
    switch (in->type->id) {
    case ST_TYPE_INT:
    case ST_TYPE_DATE: {
        const int32_t *src = SRC(int32_t);
        for (int64_t i = 0; i < n; i++)
            dst[i] = st_mm3_bucket(st_mm3_long(src[i]), nb);
        break;
    }
    case ST_TYPE_LONG:
    case ST_TYPE_TIME:
    case ST_TYPE_TIMESTAMP:
    case ST_TYPE_TIMESTAMPTZ: {
        const int64_t *src = SRC(int64_t);
        for (int64_t i = 0; i < n; i++)
            dst[i] = st_mm3_bucket(st_mm3_long(src[i]), nb);
        break;
    }
    case ST_TYPE_TIMESTAMP_NS:
    case ST_TYPE_TIMESTAMPTZ_NS: {
        const int64_t *src = SRC(int64_t);
        for (int64_t i = 0; i < n; i++)
            dst[i] = st_mm3_bucket(st_mm3_long(st_floor_div(src[i], 1000)), nb);
        break;
    }
    default: bucket_bytes(r, in, nb); break;
    }
}

static void truncate_fixed(st_vector *r, const st_vector *in, int32_t w)
{
    int64_t n = in->length;
    if (in->type->id == ST_TYPE_INT) {
        const int32_t *src = SRC(int32_t);
        int32_t *dst = DST(int32_t);
        for (int64_t i = 0; i < n; i++)
            dst[i] = trunc_i32(src[i], w);
    } else if (in->type->id == ST_TYPE_LONG) {
        const int64_t *src = SRC(int64_t);
        int64_t *dst = DST(int64_t);
        for (int64_t i = 0; i < n; i++)
            dst[i] = trunc_i64(src[i], w);
    } else {
        const st_decimal128 *src = SRC(st_decimal128);
        st_decimal128 *dst = DST(st_decimal128);
        for (int64_t i = 0; i < n; i++)
            dst[i] = trunc_dec(src[i], w);
    }
}

/* Strings and binary: prefixes copied into a new data buffer (null rows empty). */
static int truncate_bytes(st_vector *r, const st_vector *in, int32_t l)
{
    const int32_t *o = SRC(int32_t);
    int32_t *ro = DST(int32_t);
    const uint8_t *data = in->data ? in->data : (const uint8_t *)"";
    int is_string = in->type->id == ST_TYPE_STRING;
    int64_t n = in->length, pos = 0;
    int rc;

    if ((rc = st_vector_reserve_data(r, o[n])) < 0)
        return rc;
    ro[0] = 0;
    for (int64_t i = 0; i < n; i++) {
        size_t len = (size_t)(o[i + 1] - o[i]);
        if (r->validity && !st_col_bit(r->validity, i))
            len = 0;
        else if (is_string)
            len = utf8_prefix(data + o[i], len, l);
        else if (len > (size_t)l)
            len = (size_t)l;
        if (len)
            memcpy(r->data + pos, data + o[i], len);
        pos += (int64_t)len;
        ro[i + 1] = (int32_t)pos;
    }
    r->data_len = pos;
    return 0;
}

static void time_vector(st_vector *r, const st_vector *in, st_transform_kind k)
{
    int32_t *dst = DST(int32_t);
    int64_t n = in->length;
    if (in->type->id == ST_TYPE_DATE) {
        const int32_t *src = SRC(int32_t);
        if (k == ST_TRANSFORM_YEAR)
            for (int64_t i = 0; i < n; i++)
                dst[i] = days_to_year(src[i]);
        else
            for (int64_t i = 0; i < n; i++)
                dst[i] = days_to_month(src[i]);
        return;
    }
    const int64_t *src = SRC(int64_t);
    int64_t per_day = is_ns(in->type->id) ? NS_PER_DAY : US_PER_DAY;
    int64_t per_hour = is_ns(in->type->id) ? NS_PER_HOUR : US_PER_HOUR;
    switch (k) {
    case ST_TRANSFORM_YEAR:
    case ST_TRANSFORM_MONTH: {
        /* Rows of a batch mostly share a day: convert a day to a civil date once. */
        int64_t last_day = INT64_MIN;
        int32_t last = 0;
        for (int64_t i = 0; i < n; i++) {
            int64_t day = st_floor_div(src[i], per_day);
            if (day != last_day) {
                last_day = day;
                last = k == ST_TRANSFORM_YEAR ? days_to_year(day) : days_to_month(day);
            }
            dst[i] = last;
        }
        break;
    }
    case ST_TRANSFORM_DAY:
        for (int64_t i = 0; i < n; i++)
            dst[i] = (int32_t)st_floor_div(src[i], per_day);
        break;
    default:
        for (int64_t i = 0; i < n; i++)
            dst[i] = wrap32(st_floor_div(src[i], per_hour));
        break;
    }
}

int st_transform_apply_vector(const st_transform *t, const st_vector *in, st_vector **out)
{
    st_vector *r = NULL;
    st_type *rtype;
    int rc;

    *out = NULL;
    if (t->kind == ST_TRANSFORM_UNKNOWN)
        return st_error_set(ST_EUNSUPPORTED, ST_ERROR_ICEBERG,
                            "transform '%s' is unknown and cannot be applied", t->text);
    if (t->kind == ST_TRANSFORM_VOID)
        return all_null(out, in->type, in->length);
    if ((rc = st_transform_check_source(t, in->type)) < 0)
        return rc;
    /* Vectors are immutable: identity (and day of a date) is the input itself. */
    if (t->kind == ST_TRANSFORM_IDENTITY ||
        (t->kind == ST_TRANSFORM_DAY && in->type->id == ST_TYPE_DATE)) {
        *out = st_vector_ref((st_vector *)in);
        return 0;
    }
    rtype = st_transform_result_type(t, in->type);
    rc = new_result(&r, rtype, in);
    st_type_free(rtype);
    if (rc < 0)
        return rc;
    switch (t->kind) {
    case ST_TRANSFORM_BUCKET: bucket_vector(r, in, t->param); break;
    case ST_TRANSFORM_TRUNCATE:
        if (st_col_is_binary_like(in->type)) {
            if ((rc = truncate_bytes(r, in, t->param)) < 0) {
                st_vector_free(r);
                return rc;
            }
            *out = r;
            return 0;
        }
        truncate_fixed(r, in, t->param);
        break;
    default: time_vector(r, in, t->kind); break;
    }
    zero_nulls(r, (size_t)st_type_value_width(r->type));
    *out = r;
    return 0;
}
