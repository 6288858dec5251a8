/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Import from the Arrow C Data Interface. Types map to the nearest Iceberg
 * type; arrays are used in place when their layout is ours (the foreign
 * ArrowArray is moved into a shared, reference-counted holder that every
 * borrowing vector keeps alive) and converted into owned buffers otherwise
 * (narrow integers, other time units, large offsets, unaligned bitmaps,
 * dictionaries). Everything read from the producer is checked first: a
 * malformed array yields ST_ECORRUPT, never a crash we could have avoided
 * (buffer sizes themselves are not part of the interface and cannot be checked).
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include <supertable/arrow.h>

#include "columnar/columnar_int.h"
#include "util/float16.h"
#include "util/alloc.h"

/* Offsets of empty arrays whose producer passed no offsets buffer. */
static const int32_t g_zero_offsets[1];

static int corrupt(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;

static int corrupt(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    st_error_vset(ST_ECORRUPT, ST_ERROR_ARROW, fmt, ap);
    va_end(ap);
    return ST_ECORRUPT;
}

/* ------------------------------------------------------------ format strings */

typedef enum fmt_kind {
    F_BOOL, F_I8, F_U8, F_I16, F_U16, F_I32, F_U32, F_I64, F_U64, F_F16, F_F32, F_F64,
    F_DECIMAL, F_FIXED, F_UTF8, F_LARGE_UTF8, F_BINARY, F_LARGE_BINARY, F_DATE32, F_DATE64,
    F_TIME32, F_TIME64, F_TIMESTAMP, F_LIST, F_LARGE_LIST, F_STRUCT, F_MAP
} fmt_kind;

enum { UNIT_S, UNIT_MS, UNIT_US, UNIT_NS };

typedef struct fmt_info {
    fmt_kind kind;
    int unit;       /* time and timestamp */
    int tz;         /* timestamp has a time zone */
    int32_t p, s;   /* decimal precision and scale; fixed width in p */
} fmt_info;

static int unsupported(const char *f)
{
    return st_error_set(ST_EUNSUPPORTED, ST_ERROR_ARROW,
                        "Arrow format '%.40s' has no Iceberg counterpart", f);
}

static int unit_of(char c)
{
    switch (c) {
    case 's': return UNIT_S;
    case 'm': return UNIT_MS;
    case 'u': return UNIT_US;
    case 'n': return UNIT_NS;
    default: return -1;
    }
}

/* Parses "d:P,S[,128]". */
static int parse_decimal_format(const char *f, fmt_info *fi)
{
    char *end;
    long p, s, bits = 128;
    p = strtol(f + 2, &end, 10);
    if (end == f + 2 || *end != ',')
        return corrupt("malformed decimal format '%.40s'", f);
    f = end + 1;
    s = strtol(f, &end, 10);
    if (end == f || (*end != 0 && *end != ','))
        return corrupt("malformed decimal format '%.40s'", f);
    if (*end == ',') {
        f = end + 1;
        bits = strtol(f, &end, 10);
        if (end == f || *end != 0)
            return corrupt("malformed decimal format '%.40s'", f);
    }
    if (bits != 128 || p < 1 || p > 38 || s < 0 || s > p)
        return st_error_set(ST_EUNSUPPORTED, ST_ERROR_ARROW,
                            "Arrow decimal%ld(%ld,%ld) has no Iceberg counterpart", bits, p, s);
    fi->kind = F_DECIMAL;
    fi->p = (int32_t)p;
    fi->s = (int32_t)s;
    return 0;
}

static int parse_temporal_format(const char *f, fmt_info *fi)
{
    if (f[1] == 'd' && f[3] == 0 && (f[2] == 'D' || f[2] == 'm')) {
        fi->kind = f[2] == 'D' ? F_DATE32 : F_DATE64;
        return 0;
    }
    if (f[1] == 't' && f[3] == 0 && (fi->unit = unit_of(f[2])) >= 0) {
        fi->kind = fi->unit <= UNIT_MS ? F_TIME32 : F_TIME64;
        return 0;
    }
    if (f[1] == 's' && (fi->unit = unit_of(f[2])) >= 0 && f[3] == ':') {
        fi->kind = F_TIMESTAMP;
        fi->tz = f[4] != 0;
        return 0;
    }
    return unsupported(f);
}

static int parse_format(const char *f, fmt_info *fi)
{
    static const struct {
        const char *f;
        fmt_kind kind;
    } simple[] = {
        {"b", F_BOOL}, {"c", F_I8}, {"C", F_U8}, {"s", F_I16}, {"S", F_U16}, {"i", F_I32},
        {"I", F_U32}, {"l", F_I64}, {"L", F_U64}, {"e", F_F16}, {"f", F_F32}, {"g", F_F64},
        {"u", F_UTF8}, {"U", F_LARGE_UTF8}, {"z", F_BINARY}, {"Z", F_LARGE_BINARY},
        {"+l", F_LIST}, {"+L", F_LARGE_LIST}, {"+s", F_STRUCT}, {"+m", F_MAP},
    };
    char *end;
    long w;

    memset(fi, 0, sizeof(*fi));
    if (!f)
        return corrupt("ArrowSchema without a format");
    for (size_t i = 0; i < sizeof(simple) / sizeof(simple[0]); i++)
        if (strcmp(f, simple[i].f) == 0) {
            fi->kind = simple[i].kind;
            return 0;
        }
    if (f[0] == 'd' && f[1] == ':')
        return parse_decimal_format(f, fi);
    if (f[0] == 'w' && f[1] == ':') {
        w = strtol(f + 2, &end, 10);
        if (end == f + 2 || *end != 0 || w < 0 || w > INT32_MAX)
            return corrupt("malformed fixed-size binary format '%.40s'", f);
        if (w == 0)
            return unsupported(f);
        fi->kind = F_FIXED;
        fi->p = (int32_t)w;
        return 0;
    }
    if (f[0] == 't' && f[1] && f[2])
        return parse_temporal_format(f, fi);
    if (strcmp(f, "n") == 0)
        return st_error_set(ST_EUNSUPPORTED, ST_ERROR_ARROW,
                            "the Arrow null type has no Iceberg counterpart");
    return unsupported(f);
}

static int is_integer_kind(fmt_kind k)
{
    return k <= F_U64 && k >= F_I8;
}

/* ---------------------------------------------------------------- metadata */

/* Finds `key` in Arrow's binary metadata; the value is not NUL-terminated. */
static int metadata_find(const char *md, const char *key, const char **val, int32_t *vlen)
{
    size_t klen = strlen(key);
    int32_t n, len;
    if (!md)
        return 0;
    memcpy(&n, md, 4);
    md += 4;
    for (int32_t i = 0; i < n && i < 4096; i++) {
        memcpy(&len, md, 4);
        if (len < 0)
            return 0;
        int match = (size_t)len == klen && memcmp(md + 4, key, klen) == 0;
        md += 4 + len;
        memcpy(&len, md, 4);
        if (len < 0)
            return 0;
        if (match) {
            *val = md + 4;
            *vlen = len;
            return 1;
        }
        md += 4 + len;
    }
    return 0;
}

static int32_t field_id_of(const struct ArrowSchema *s)
{
    const char *v;
    int32_t n;
    int64_t id = 0;
    int neg = 0;
    if (!metadata_find(s->metadata, "PARQUET:field_id", &v, &n) || n < 1 || n > 11)
        return ST_FIELD_ID_NONE;
    if (v[0] == '-')
        neg = 1;
    for (int32_t i = neg; i < n; i++) {
        if (v[i] < '0' || v[i] > '9')
            return ST_FIELD_ID_NONE;
        id = id * 10 + (v[i] - '0');
    }
    if (n == neg || id > INT32_MAX)
        return ST_FIELD_ID_NONE;
    return (int32_t)(neg ? -id : id);
}

static int is_uuid_extension(const struct ArrowSchema *s)
{
    const char *v;
    int32_t n;
    return metadata_find(s->metadata, "ARROW:extension:name", &v, &n) && n == 10 &&
           memcmp(v, "arrow.uuid", 10) == 0;
}

/* -------------------------------------------------------------------- types */

static int import_type(st_type **out, const struct ArrowSchema *s, int depth);

/* The field described by child schema `s`; f->type is a new reference. */
static int import_field(st_field *f, const struct ArrowSchema *s, int depth)
{
    memset(f, 0, sizeof(*f));
    if (!s)
        return corrupt("ArrowSchema child missing");
    f->name = s->name ? s->name : "";
    f->required = !(s->flags & ARROW_FLAG_NULLABLE);
    f->id = field_id_of(s);
    return import_type(&f->type, s, depth + 1);
}

static int check_children(const struct ArrowSchema *s, int64_t want)
{
    if ((want >= 0 && s->n_children != want) || s->n_children < 0 ||
        (s->n_children > 0 && !s->children) || s->n_children > INT32_MAX)
        return corrupt("Arrow format '%.40s' with %" PRId64 " children", s->format,
                       s->n_children);
    for (int64_t i = 0; i < s->n_children; i++)
        if (!s->children[i])
            return corrupt("ArrowSchema child %" PRId64 " missing", i);
    return 0;
}

static int import_struct_type(st_type **out, const struct ArrowSchema *s, int depth)
{
    st_field *fields;
    int n = (int)s->n_children, rc = 0;
    if (!(fields = st_calloc(n ? (size_t)n : 1, sizeof(*fields))))
        return ST_ENOMEM;
    for (int i = 0; rc == 0 && i < n; i++)
        rc = import_field(&fields[i], s->children[i], depth);
    if (rc == 0)
        rc = st_type_struct_new(out, fields, n);
    for (int i = 0; i < n; i++)
        st_type_free(fields[i].type);
    st_free(fields);
    return rc;
}

static int import_nested_type(st_type **out, const fmt_info *fi, const struct ArrowSchema *s,
                              int depth)
{
    st_field f[2];
    const struct ArrowSchema *e;
    int rc;

    if (fi->kind == F_STRUCT)
        return check_children(s, -1) ? ST_ECORRUPT : import_struct_type(out, s, depth);
    if ((rc = check_children(s, 1)) < 0)
        return rc;
    if (fi->kind != F_MAP) {
        if ((rc = import_field(&f[0], s->children[0], depth)) == 0)
            rc = st_type_list_new(out, &f[0]);
        st_type_free(f[0].type);
        return rc;
    }
    e = s->children[0];
    if (!e->format || strcmp(e->format, "+s") != 0 || check_children(e, 2) < 0)
        return corrupt("Arrow map without a two-field entries struct");
    if ((rc = import_field(&f[0], e->children[0], depth + 1)) == 0 &&
        (rc = import_field(&f[1], e->children[1], depth + 1)) == 0)
        rc = st_type_map_new(out, &f[0], &f[1]);
    st_type_free(f[0].type);
    st_type_free(f[1].type);
    return rc;
}

static int import_type(st_type **out, const struct ArrowSchema *s, int depth)
{
    static const st_type_id plain[] = {
        [F_BOOL] = ST_TYPE_BOOLEAN, [F_I8] = ST_TYPE_INT, [F_U8] = ST_TYPE_INT,
        [F_I16] = ST_TYPE_INT, [F_U16] = ST_TYPE_INT, [F_I32] = ST_TYPE_INT,
        [F_U32] = ST_TYPE_LONG, [F_I64] = ST_TYPE_LONG, [F_F16] = ST_TYPE_FLOAT,
        [F_F32] = ST_TYPE_FLOAT, [F_F64] = ST_TYPE_DOUBLE, [F_UTF8] = ST_TYPE_STRING,
        [F_LARGE_UTF8] = ST_TYPE_STRING, [F_BINARY] = ST_TYPE_BINARY,
        [F_LARGE_BINARY] = ST_TYPE_BINARY, [F_DATE32] = ST_TYPE_DATE,
        [F_DATE64] = ST_TYPE_DATE, [F_TIME32] = ST_TYPE_TIME, [F_TIME64] = ST_TYPE_TIME,
    };
    fmt_info fi;
    int rc;

    *out = NULL;
    if (depth > ST_COL_MAX_DEPTH)
        return st_error_set(ST_EUNSUPPORTED, ST_ERROR_ARROW, "Arrow type nested too deeply");
    if (s->dictionary) {
        /* A dictionary-encoded field has the type of its values. */
        if ((rc = parse_format(s->format, &fi)) < 0)
            return rc;
        if (!is_integer_kind(fi.kind))
            return corrupt("dictionary index type '%.40s' is not an integer", s->format);
        return import_type(out, s->dictionary, depth + 1);
    }
    if ((rc = parse_format(s->format, &fi)) < 0)
        return rc;
    switch (fi.kind) {
    case F_U64: return st_type_decimal_new(out, 20, 0);
    case F_DECIMAL: return st_type_decimal_new(out, fi.p, fi.s);
    case F_FIXED:
        if (fi.p == 16 && is_uuid_extension(s))
            *out = st_type_primitive(ST_TYPE_UUID);
        else
            return st_type_fixed_new(out, fi.p);
        return 0;
    case F_TIMESTAMP:
        *out = st_type_primitive(fi.unit == UNIT_NS
                                     ? (fi.tz ? ST_TYPE_TIMESTAMPTZ_NS : ST_TYPE_TIMESTAMP_NS)
                                     : (fi.tz ? ST_TYPE_TIMESTAMPTZ : ST_TYPE_TIMESTAMP));
        return 0;
    case F_LIST:
    case F_LARGE_LIST:
    case F_STRUCT:
    case F_MAP: return import_nested_type(out, &fi, s, depth);
    default: *out = st_type_primitive(plain[fi.kind]); return 0;
    }
}

int st_arrow_import_type(st_type **out, const struct ArrowSchema *schema)
{
    *out = NULL;
    if (!schema)
        return st_error_set(ST_EINVALID, ST_ERROR_ARROW, "no ArrowSchema");
    if (!schema->release)
        return st_error_set(ST_EINVALID, ST_ERROR_ARROW, "the ArrowSchema is released");
    return import_type(out, schema, 0);
}

/* ------------------------------------------------------------------- arrays */

/* The moved foreign array, alive while any vector borrows from it. */
typedef struct holder {
    int32_t refs;
    struct ArrowArray array;
} holder;

static void holder_unref(holder *h)
{
    if (h && __atomic_sub_fetch(&h->refs, 1, __ATOMIC_ACQ_REL) == 0) {
        if (h->array.release)
            h->array.release(&h->array);
        st_free(h);
    }
}

/* release_payload_ of a vector that borrows: the holder and what it copied. */
typedef struct borrower {
    holder *h;
    void *owned[3];
} borrower;

static void borrower_release(void *payload)
{
    borrower *b = payload;
    for (int i = 0; i < 3; i++)
        st_free(b->owned[i]);
    holder_unref(b->h);
    st_free(b);
}

/* The buffers of one vector being imported: validity, values/offsets, data. */
typedef struct node_bufs {
    const void *ptr[3];
    int owned[3];
} node_bufs;

static void bufs_free(node_bufs *nb)
{
    for (int i = 0; i < 3; i++)
        if (nb->owned[i])
            st_free((void *)(uintptr_t)nb->ptr[i]);
    memset(nb, 0, sizeof(*nb));
}

static void *bufs_alloc(node_bufs *nb, int slot, size_t count, size_t size)
{
    void *p = st_mallocarray(count ? count : 1, size);
    if (p) {
        nb->ptr[slot] = p;
        nb->owned[slot] = 1;
    }
    return p;
}

static uint8_t *unconst(const void *p)
{
    return (uint8_t *)(uintptr_t)p;
}

/* Hands the buffers to v: owned outright when all were copied, otherwise
 * through a borrower that also keeps the foreign array alive. */
static int bufs_attach(st_vector *v, node_bufs *nb, holder *h)
{
    int foreign = 0;
    borrower *b;
    for (int i = 0; i < 3; i++)
        foreign |= nb->ptr[i] && !nb->owned[i];
    if (foreign) {
        if (!(b = st_calloc(1, sizeof(*b)))) {
            bufs_free(nb);
            return ST_ENOMEM;
        }
        for (int i = 0; i < 3; i++)
            b->owned[i] = nb->owned[i] ? unconst(nb->ptr[i]) : NULL;
        __atomic_add_fetch(&h->refs, 1, __ATOMIC_RELAXED);
        b->h = h;
        v->foreign_ = 1;
        v->release_ = borrower_release;
        v->release_payload_ = b;
    }
    v->validity = unconst(nb->ptr[0]);
    v->values = unconst(nb->ptr[1]);
    v->data = unconst(nb->ptr[2]);
    memset(nb, 0, sizeof(*nb));
    return 0;
}

/* Rows [rel, rel + len) of array `a` become one vector; see import_node(). */
typedef struct slice {
    const struct ArrowArray *a;
    const struct ArrowSchema *s;
    int64_t rel;   /* first row, relative to a->offset */
    int64_t len;
    int64_t pos;   /* a->offset + rel: index into a's buffers */
} slice;

static int check_array(const slice *x, int n_buffers)
{
    const struct ArrowArray *a = x->a;
    if (a->length < 0 || a->offset < 0 || a->offset > INT64_MAX - a->length)
        return corrupt("ArrowArray with length %" PRId64 " and offset %" PRId64, a->length,
                       a->offset);
    if (x->rel < 0 || x->len < 0 || x->rel > a->length || x->len > a->length - x->rel)
        return corrupt("ArrowArray of %" PRId64 " rows cannot hold rows %" PRId64 "..%" PRId64,
                       a->length, x->rel, x->rel + x->len);
    if (a->n_buffers != n_buffers || (n_buffers > 0 && !a->buffers))
        return corrupt("ArrowArray of format '%.40s' has %" PRId64 " buffers, expected %d",
                       x->s->format, a->n_buffers, n_buffers);
    if (a->n_children != x->s->n_children || (a->n_children > 0 && !a->children))
        return corrupt("ArrowArray has %" PRId64 " children, its schema %" PRId64,
                       a->n_children, x->s->n_children);
    for (int64_t i = 0; i < a->n_children; i++)
        if (!a->children[i])
            return corrupt("ArrowArray child %" PRId64 " missing", i);
    if (!x->s->dictionary != !a->dictionary)
        return corrupt("ArrowArray and ArrowSchema disagree on dictionary encoding");
    return 0;
}

/* Validity: ignored when null_count is 0, counted again (it may describe a
 * larger array than the slice), borrowed when byte-aligned, copied otherwise. */
static int import_validity(const slice *x, node_bufs *nb, int64_t *null_count)
{
    const struct ArrowArray *a = x->a;
    const uint8_t *bits = a->buffers[0];
    int64_t nulls;

    *null_count = 0;
    if (a->null_count == 0 || x->len == 0)
        return 0;
    if (!bits) {
        if (a->null_count > 0)
            return corrupt("null_count is %" PRId64 " but the validity buffer is missing",
                           a->null_count);
        return 0;
    }
    nulls = st_col_count_zeros(bits, x->pos, x->len);
    if (a->null_count > 0 && x->rel == 0 && x->len == a->length && nulls != a->null_count)
        return corrupt("null_count is %" PRId64 " but the validity bitmap has %" PRId64
                       " nulls", a->null_count, nulls);
    if (nulls == 0)
        return 0;
    if ((x->pos & 7) == 0) {
        nb->ptr[0] = bits + (x->pos >> 3);
    } else {
        uint8_t *copy = bufs_alloc(nb, 0, st_col_bitmap_bytes(x->len), 1);
        if (!copy)
            return ST_ENOMEM;
        st_col_copy_bits(copy, bits, x->pos, x->len);
    }
    *null_count = nulls;
    return 0;
}

static const void *values_buffer(const slice *x, int *rc)
{
    const void *p = x->a->buffers[1];
    *rc = 0;
    if (!p && x->len > 0)
        *rc = corrupt("ArrowArray of format '%.40s' has no values buffer", x->s->format);
    return p;
}

static int import_bool_values(const slice *x, node_bufs *nb)
{
    int rc;
    const uint8_t *bits = values_buffer(x, &rc);
    uint8_t *copy;
    if (rc < 0 || !bits)
        return rc;
    if ((x->pos & 7) == 0) {
        nb->ptr[1] = bits + (x->pos >> 3);
        return 0;
    }
    if (!(copy = bufs_alloc(nb, 1, st_col_bitmap_bytes(x->len), 1)))
        return ST_ENOMEM;
    st_col_copy_bits(copy, bits, x->pos, x->len);
    return 0;
}

static int64_t read_int(const void *buf, fmt_kind k, int64_t i)
{
    switch (k) {
    case F_I8: return ((const int8_t *)buf)[i];
    case F_U8: return ((const uint8_t *)buf)[i];
    case F_I16: return ((const int16_t *)buf)[i];
    case F_U16: return ((const uint16_t *)buf)[i];
    case F_I32: return ((const int32_t *)buf)[i];
    case F_U32: return ((const uint32_t *)buf)[i];
    case F_U64: return (int64_t)((const uint64_t *)buf)[i];
    default: return ((const int64_t *)buf)[i];
    }
}

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/* One converted value of a valid row; nonzero when out of range. */
static int convert_one(const fmt_info *fi, const void *src, int64_t i, void *dst, int64_t j)
{
    static const int64_t to_us[] = {1000000, 1000, 1, 1};
    int64_t x;
    switch (fi->kind) {
    case F_F16:
        ((float *)dst)[j] = st_half_to_float(((const uint16_t *)src)[i]);
        return 0;
    case F_U64: {
        st_decimal128 d = {((const uint64_t *)src)[i], 0};
        memcpy((uint8_t *)dst + 16 * j, &d, 16);
        return 0;
    }
    case F_DATE64:
        x = floor_div(((const int64_t *)src)[i], 86400000);
        if (x < INT32_MIN || x > INT32_MAX)
            return 1;
        ((int32_t *)dst)[j] = (int32_t)x;
        return 0;
    case F_TIME32:
        ((int64_t *)dst)[j] = (int64_t)((const int32_t *)src)[i] * to_us[fi->unit];
        return 0;
    case F_TIME64:
        ((int64_t *)dst)[j] = floor_div(((const int64_t *)src)[i], 1000); /* ns -> us */
        return 0;
    case F_TIMESTAMP:
        return __builtin_mul_overflow(((const int64_t *)src)[i], to_us[fi->unit],
                                      &((int64_t *)dst)[j]);
    case F_U32:
        ((int64_t *)dst)[j] = read_int(src, fi->kind, i);
        return 0;
    default:
        ((int32_t *)dst)[j] = (int32_t)read_int(src, fi->kind, i);
        return 0;
    }
}

/* Copies values that need widening or a unit change. Null rows become zero
 * (their source bytes are unspecified and must not fail a range check). */
static int convert_values(const slice *x, const fmt_info *fi, const st_type *t, node_bufs *nb)
{
    size_t width = (size_t)st_type_value_width(t);
    const uint8_t *valid = nb->ptr[0];
    uint8_t *dst;
    int rc;
    const void *src = values_buffer(x, &rc);
    if (rc < 0)
        return rc;
    if (!(dst = bufs_alloc(nb, 1, (size_t)x->len, width)))
        return ST_ENOMEM;
    for (int64_t j = 0; j < x->len; j++) {
        if (valid && !st_col_bit(valid, j)) {
            memset(dst + (size_t)j * width, 0, width);
            continue;
        }
        if (convert_one(fi, src, x->pos + j, dst, j))
            return st_error_set(ST_EINVALID, ST_ERROR_ARROW,
                                "Arrow value at row %" PRId64 " is out of range for %s",
                                x->rel + j, st_type_id_name(t->id));
    }
    return 0;
}

/* Rebases offsets to start at 0 (borrowed when they already do) and checks them.
 * *first / *last: the element or byte range the rows cover. */
static int import_offsets(const slice *x, int large, node_bufs *nb, int64_t *first,
                          int64_t *last)
{
    const void *buf = x->a->buffers[1];
    int32_t *copy;
    int64_t prev, cur;

    *first = *last = 0;
    if (x->len == 0) {
        nb->ptr[1] = g_zero_offsets;
        return 0;
    }
    if (!buf)
        return corrupt("ArrowArray of format '%.40s' has no offsets buffer", x->s->format);
    prev = *first = large ? ((const int64_t *)buf)[x->pos] : ((const int32_t *)buf)[x->pos];
    if (prev < 0)
        return corrupt("negative offset %" PRId64 " at row %" PRId64, prev, x->rel);
    for (int64_t i = 1; i <= x->len; i++, prev = cur) {
        cur = large ? ((const int64_t *)buf)[x->pos + i] : ((const int32_t *)buf)[x->pos + i];
        if (cur < prev)
            return corrupt("offsets decrease at row %" PRId64 " (%" PRId64 " > %" PRId64 ")",
                           x->rel + i - 1, prev, cur);
        if (cur - *first > ST_COL_MAX_OFFSET)
            return st_error_set(ST_EUNSUPPORTED, ST_ERROR_ARROW,
                                "Arrow array spans more than %d bytes or elements",
                                ST_COL_MAX_OFFSET);
    }
    *last = prev;
    if (!large && *first == 0) {
        nb->ptr[1] = (const int32_t *)buf + x->pos;
        return 0;
    }
    if (!(copy = bufs_alloc(nb, 1, (size_t)x->len + 1, sizeof(int32_t))))
        return ST_ENOMEM;
    for (int64_t i = 0; i <= x->len; i++)
        copy[i] = (int32_t)((large ? ((const int64_t *)buf)[x->pos + i]
                                   : ((const int32_t *)buf)[x->pos + i]) - *first);
    return 0;
}

typedef struct import_ctx {
    holder *h;
} import_ctx;

static int import_node(import_ctx *c, st_vector **out, st_type *t, const slice *x, int depth);

static int child_slice(slice *y, const struct ArrowArray *a, const struct ArrowSchema *s,
                       int64_t rel, int64_t len)
{
    if (a->offset < 0 || rel < 0 || rel > INT64_MAX - a->offset)
        return corrupt("ArrowArray child with offset %" PRId64, a->offset);
    y->a = a;
    y->s = s;
    y->rel = rel;
    y->len = len;
    y->pos = a->offset + rel;
    return 0;
}

static int import_children(import_ctx *c, st_vector *v, const slice *x, const fmt_info *fi,
                           int64_t first, int64_t last, int depth)
{
    const struct ArrowArray *a = x->a;
    const struct ArrowSchema *s = x->s;
    int rc;
    slice y;

    if (v->type->n_fields == 0)
        return 0;
    if (!(v->children = st_calloc((size_t)v->type->n_fields, sizeof(st_vector *))))
        return ST_ENOMEM;
    v->n_children = v->type->n_fields;
    if (fi->kind == F_MAP) {
        /* The entries struct's offset applies to its key and value children. */
        const struct ArrowArray *e = a->children[0];
        if (e->n_children != 2 || !e->children || !e->children[0] || !e->children[1] ||
            e->offset < 0 || e->length < last || e->offset > INT64_MAX - e->length)
            return corrupt("Arrow map entries malformed or shorter than its offsets");
        for (int i = 0; i < 2; i++)
            if ((rc = child_slice(&y, e->children[i], s->children[0]->children[i],
                                  e->offset + first, last - first)) < 0 ||
                (rc = import_node(c, &v->children[i], v->type->fields[i].type, &y,
                                  depth + 1)) < 0)
                return rc;
        if (v->children[0]->null_count != 0)
            return corrupt("Arrow map has %" PRId64 " null keys", v->children[0]->null_count);
        return 0;
    }
    for (int i = 0; i < v->n_children; i++) {
        /* Struct children are indexed like the struct (its offset included);
         * list children by the offsets. */
        rc = fi->kind == F_STRUCT ? child_slice(&y, a->children[i], s->children[i], x->pos,
                                                x->len)
                                  : child_slice(&y, a->children[i], s->children[i], first,
                                                last - first);
        if (rc < 0 || (rc = import_node(c, &v->children[i], v->type->fields[i].type, &y,
                                        depth + 1)) < 0)
            return rc;
    }
    return 0;
}

/* Decodes a dictionary-encoded slice into plain values of type t. */
static int import_dictionary(import_ctx *c, st_vector **out, st_type *t, const slice *x,
                             int depth)
{
    const struct ArrowArray *a = x->a, *d = a->dictionary;
    const uint8_t *valid;
    st_vector *dict = NULL, *v = NULL;
    const void *idx;
    fmt_info fi;
    slice y;
    int rc;

    if ((rc = parse_format(x->s->format, &fi)) < 0)
        return rc;
    if (!is_integer_kind(fi.kind))
        return corrupt("dictionary index type '%.40s' is not an integer", x->s->format);
    if ((rc = check_array(x, 2)) < 0 || !(idx = values_buffer(x, &rc)) || rc < 0)
        return rc;
    valid = a->null_count != 0 ? a->buffers[0] : NULL;
    if (a->null_count > 0 && !valid)
        return corrupt("null_count is %" PRId64 " but the validity buffer is missing",
                       a->null_count);
    if ((rc = child_slice(&y, d, x->s->dictionary, 0, d->length)) < 0 ||
        (rc = import_node(c, &dict, t, &y, depth + 1)) < 0 ||
        (rc = st_vector_new(&v, t, x->len)) < 0)
        goto done;
    for (int64_t i = 0; i < x->len && rc == 0; i++) {
        int64_t k;
        if (valid && !st_col_bit(valid, x->pos + i)) {
            rc = st_vector_append_null(v);
            continue;
        }
        k = read_int(idx, fi.kind, x->pos + i);
        if (k < 0 || k >= dict->length) /* a huge uint64 index reads as negative */
            rc = corrupt("dictionary index %" PRId64 " at row %" PRId64
                         " outside the dictionary of %" PRId64, k, x->rel + i, dict->length);
        else
            rc = st_col_vector_append_from(v, dict, k);
    }
done:
    st_vector_free(dict);
    if (rc < 0) {
        st_vector_free(v);
        return rc;
    }
    *out = v;
    return 0;
}

static int buffers_expected(fmt_kind k)
{
    switch (k) {
    case F_STRUCT: return 1;
    case F_UTF8:
    case F_LARGE_UTF8:
    case F_BINARY:
    case F_LARGE_BINARY: return 3;
    default: return 2;
    }
}

/* Fills nb with the value buffers of slice x (validity already there). */
static int import_values(const slice *x, const fmt_info *fi, st_vector *v, node_bufs *nb,
                         int64_t *first, int64_t *last)
{
    int rc, large = fi->kind == F_LARGE_UTF8 || fi->kind == F_LARGE_BINARY ||
                    fi->kind == F_LARGE_LIST;
    const uint8_t *p;
    switch (fi->kind) {
    case F_BOOL: return import_bool_values(x, nb);
    case F_I32:
    case F_I64:
    case F_F32:
    case F_F64:
    case F_DECIMAL:
    case F_FIXED:
    case F_DATE32:
        break;
    case F_TIME64:
    case F_TIMESTAMP:
        if (fi->unit == UNIT_US || (fi->kind == F_TIMESTAMP && fi->unit == UNIT_NS))
            break;
        return convert_values(x, fi, v->type, nb);
    case F_STRUCT: return 0;
    case F_UTF8:
    case F_LARGE_UTF8:
    case F_BINARY:
    case F_LARGE_BINARY:
        if ((rc = import_offsets(x, large, nb, first, last)) < 0)
            return rc;
        if (*last > *first && !x->a->buffers[2])
            return corrupt("ArrowArray of format '%.40s' has no data buffer", x->s->format);
        /* Data is borrowed from the first byte the rows use. */
        nb->ptr[2] = *last > *first ? (const uint8_t *)x->a->buffers[2] + *first : NULL;
        v->data_len = v->data_cap_ = *last - *first;
        return 0;
    case F_LIST:
    case F_LARGE_LIST:
    case F_MAP: return import_offsets(x, large, nb, first, last);
    default: return convert_values(x, fi, v->type, nb);
    }
    if (!(p = values_buffer(x, &rc)) || rc < 0)
        return rc;
    nb->ptr[1] = p + (size_t)x->pos * (size_t)st_type_value_width(v->type);
    return 0;
}

/* Imports rows [x->rel, x->rel + x->len) of x->a as a new vector of type t. */
static int import_node(import_ctx *c, st_vector **out, st_type *t, const slice *x, int depth)
{
    node_bufs nb;
    fmt_info fi;
    st_vector *v;
    int64_t first = 0, last = 0;
    int rc;

    *out = NULL;
    if (depth > ST_COL_MAX_DEPTH)
        return st_error_set(ST_EUNSUPPORTED, ST_ERROR_ARROW, "Arrow array nested too deeply");
    if (x->s->dictionary)
        return import_dictionary(c, out, t, x, depth);
    if ((rc = parse_format(x->s->format, &fi)) < 0 ||
        (rc = check_array(x, buffers_expected(fi.kind))) < 0)
        return rc;
    if (!(v = st_col_vector_shell(t)))
        return ST_ENOMEM;
    memset(&nb, 0, sizeof(nb));
    v->length = v->capacity_ = x->len;
    if ((rc = import_validity(x, &nb, &v->null_count)) < 0 ||
        (rc = import_values(x, &fi, v, &nb, &first, &last)) < 0 ||
        (rc = bufs_attach(v, &nb, c->h)) < 0 ||
        (rc = import_children(c, v, x, &fi, first, last, depth)) < 0) {
        bufs_free(&nb);
        st_vector_free(v);
        return rc;
    }
    *out = v;
    return 0;
}

int st_col_arrow_import_typed(st_vector **out, struct ArrowArray *array,
                              const struct ArrowSchema *schema, st_type *type)
{
    import_ctx c;
    slice x;
    int rc;

    *out = NULL;
    if (!(c.h = st_calloc(1, sizeof(holder)))) {
        array->release(array);
        return ST_ENOMEM;
    }
    c.h->refs = 1;
    c.h->array = *array;
    array->release = NULL;
    x.a = &c.h->array;
    x.s = schema;
    x.rel = 0;
    x.len = c.h->array.length;
    x.pos = c.h->array.offset;
    rc = import_node(&c, out, type, &x, 0);
    holder_unref(c.h);
    return rc;
}

int st_arrow_import_vector(st_vector **out, struct ArrowArray *array,
                           const struct ArrowSchema *schema)
{
    st_type *type = NULL;
    int rc;

    *out = NULL;
    if (!array || !array->release)
        return st_error_set(ST_EINVALID, ST_ERROR_ARROW, "no ArrowArray, or it is released");
    if ((rc = st_arrow_import_type(&type, schema)) < 0) {
        array->release(array);
        return rc;
    }
    rc = st_col_arrow_import_typed(out, array, schema, type);
    st_type_free(type);
    return rc;
}

int st_col_arrow_import_batch_typed(st_batch **out, struct ArrowArray *array,
                                    const struct ArrowSchema *schema, st_type *type)
{
    st_vector *v;
    int rc;

    *out = NULL;
    if (type->id != ST_TYPE_STRUCT) {
        array->release(array);
        return st_error_set(ST_EINVALID, ST_ERROR_ARROW,
                            "a batch must be an Arrow struct array, not '%.40s'",
                            schema->format);
    }
    if ((rc = st_col_arrow_import_typed(&v, array, schema, type)) < 0)
        return rc;
    if (v->null_count != 0)
        rc = st_error_set(ST_EINVALID, ST_ERROR_ARROW,
                          "a batch cannot have null rows (%" PRId64 " in the struct array)",
                          v->null_count);
    else
        rc = st_batch_from_vectors(out, type, v->children);
    st_vector_free(v);
    return rc;
}

int st_arrow_import_batch(st_batch **out, struct ArrowArray *array,
                          const struct ArrowSchema *schema)
{
    st_type *type = NULL;
    int rc;

    *out = NULL;
    if (!array || !array->release)
        return st_error_set(ST_EINVALID, ST_ERROR_ARROW, "no ArrowArray, or it is released");
    if ((rc = st_arrow_import_type(&type, schema)) < 0) {
        array->release(array);
        return rc;
    }
    rc = st_col_arrow_import_batch_typed(out, array, schema, type);
    st_type_free(type);
    return rc;
}
