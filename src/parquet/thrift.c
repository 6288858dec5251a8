/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The Thrift compact protocol: bounds-checked primitive readers, a skipper for
 * values of any type, and the writer. The wire format is Apache Thrift's
 * doc/specs/thrift-compact-protocol.md.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <supertable/errors.h>

#include "parquet/thrift.h"

int st_thrift_corrupt(const st_thrift_reader *r, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    return st_error_set(ST_ECORRUPT, ST_ERROR_THRIFT, "thrift: %s at offset %zu", msg,
                        st_thrift_offset(r));
}

const char *st_thrift_type_name(int type)
{
    static const char *const names[] = {
        "stop", "bool", "bool", "i8", "i16", "i32", "i64", "double", "binary",
        "list", "set", "map", "struct", "uuid"
    };
    return type >= 0 && type <= ST_THRIFT_UUID ? names[type] : "invalid type";
}

/* Fails unless n more bytes can be read. */
static int need(const st_thrift_reader *r, size_t n, const char *what)
{
    if (st_thrift_remaining(r) < n)
        return st_thrift_corrupt(r, "truncated %s: %zu bytes needed, %zu left", what, n,
                                 st_thrift_remaining(r));
    return 0;
}

int st_thrift_read_uvarint_slow(st_thrift_reader *r, uint64_t *out)
{
    const uint8_t *p = r->p;
    uint64_t v = 0;
    for (unsigned shift = 0; shift < 64; shift += 7) {
        uint8_t b;
        if (p >= r->end)
            return st_thrift_corrupt(r, "truncated varint");
        b = *p++;
        /* The tenth byte holds bit 63 only; anything more would overflow. */
        if (shift == 63 && b > 1)
            return st_thrift_corrupt(r, "varint longer than 64 bits");
        v |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80)) {
            r->p = p;
            *out = v;
            return 0;
        }
    }
    return st_thrift_corrupt(r, "varint longer than 64 bits");
}

int st_thrift_read_int(st_thrift_reader *r, int type, int64_t min, int64_t max, int64_t *out)
{
    const uint8_t *start = r->p;
    int64_t v = 0;
    int rc;
    if (type == ST_THRIFT_I8) {
        if ((rc = need(r, 1, "i8")) < 0)
            return rc;
        v = (int8_t)*r->p++;
    } else if (type == ST_THRIFT_I16 || type == ST_THRIFT_I32 || type == ST_THRIFT_I64) {
        uint64_t u;
        if ((rc = st_thrift_read_uvarint(r, &u)) < 0)
            return rc;
        v = st_thrift_unzigzag(u);
    } else {
        return st_thrift_corrupt(r, "expected an integer, got %s", st_thrift_type_name(type));
    }
    if (v < min || v > max) {
        r->p = start;
        return st_thrift_corrupt(r, "integer %lld out of range [%lld, %lld]", (long long)v,
                                 (long long)min, (long long)max);
    }
    *out = v;
    return 0;
}

int st_thrift_read_double(st_thrift_reader *r, int type, double *out)
{
    uint64_t bits = 0;
    int rc;
    if (type != ST_THRIFT_DOUBLE)
        return st_thrift_corrupt(r, "expected a double, got %s", st_thrift_type_name(type));
    if ((rc = need(r, 8, "double")) < 0)
        return rc;
    for (int i = 7; i >= 0; i--)
        bits = bits << 8 | r->p[i];
    r->p += 8;
    memcpy(out, &bits, sizeof(*out));
    return 0;
}

int st_thrift_read_bool(st_thrift_reader *r, int type, bool *out)
{
    if (type != ST_THRIFT_TRUE && type != ST_THRIFT_FALSE)
        return st_thrift_corrupt(r, "expected a bool, got %s", st_thrift_type_name(type));
    *out = type == ST_THRIFT_TRUE;
    return 0;
}

int st_thrift_read_bool_elem(st_thrift_reader *r, bool *out)
{
    int rc = need(r, 1, "bool");
    if (rc < 0)
        return rc;
    /* 1 is true; writers have used both 0 and 2 for false. */
    if (*r->p > 2)
        return st_thrift_corrupt(r, "invalid bool element %u", *r->p);
    *out = *r->p++ == 1;
    return 0;
}

int st_thrift_read_binary(st_thrift_reader *r, int type, const uint8_t **data, uint32_t *len)
{
    uint64_t n;
    int rc;
    if (type != ST_THRIFT_BINARY)
        return st_thrift_corrupt(r, "expected binary, got %s", st_thrift_type_name(type));
    if ((rc = st_thrift_read_uvarint(r, &n)) < 0)
        return rc;
    if (n > st_thrift_remaining(r) || n > UINT32_MAX)
        return st_thrift_corrupt(r, "binary of %llu bytes exceeds the %zu bytes left",
                                 (unsigned long long)n, st_thrift_remaining(r));
    *data = r->p;
    *len = (uint32_t)n;
    r->p += n;
    return 0;
}

int st_thrift_struct_begin(st_thrift_reader *r, st_thrift_field *f)
{
    if (++r->depth > ST_THRIFT_MAX_DEPTH)
        return st_thrift_corrupt(r, "nesting deeper than %d", ST_THRIFT_MAX_DEPTH);
    f->id = f->last = 0;
    f->type = ST_THRIFT_STOP;
    return 0;
}

int st_thrift_read_field_slow(st_thrift_reader *r, st_thrift_field *f)
{
    uint8_t b;
    int delta, type;
    int32_t id;
    if (r->p >= r->end)
        return st_thrift_corrupt(r, "truncated struct (no STOP)");
    b = *r->p;
    if (b == 0) {
        r->p++;
        return 0;
    }
    type = b & 0x0f;
    delta = b >> 4;
    if (type == ST_THRIFT_STOP || type > ST_THRIFT_UUID)
        return st_thrift_corrupt(r, "invalid field type %d", type);
    r->p++;
    if (delta) {
        id = (int32_t)f->last + delta;
        if (id > INT16_MAX)
            return st_thrift_corrupt(r, "field id %d out of range", (int)id);
    } else {
        int16_t v = 0;
        int rc = st_thrift_read_i16(r, ST_THRIFT_I16, &v);
        if (rc < 0)
            return rc;
        id = v;
    }
    f->id = f->last = (int16_t)id;
    f->type = type;
    return 1;
}

/* The fewest bytes an element of `type` can take, for the declared-size check. */
static int elem_min_size(int type)
{
    switch (type) {
    case ST_THRIFT_DOUBLE: return 8;
    case ST_THRIFT_UUID: return 16;
    case ST_THRIFT_STOP: return 0;
    default: return type > ST_THRIFT_UUID ? 0 : 1;
    }
}

/* Rejects a container of n elements of min_size bytes each that cannot fit. */
static int check_count(const st_thrift_reader *r, uint64_t n, uint64_t min_size,
                       const char *what)
{
    if (n > UINT32_MAX || n * min_size > st_thrift_remaining(r))
        return st_thrift_corrupt(r, "%s of %llu elements exceeds the %zu bytes left", what,
                                 (unsigned long long)n, st_thrift_remaining(r));
    return 0;
}

int st_thrift_read_list(st_thrift_reader *r, int type, int *elem_type, uint32_t *n)
{
    uint64_t count;
    uint8_t b;
    int rc;
    if (type != ST_THRIFT_LIST && type != ST_THRIFT_SET)
        return st_thrift_corrupt(r, "expected a list, got %s", st_thrift_type_name(type));
    if ((rc = need(r, 1, "list header")) < 0)
        return rc;
    b = *r->p++;
    count = b >> 4;
    if (count == 15 && (rc = st_thrift_read_uvarint(r, &count)) < 0)
        return rc;
    *elem_type = b & 0x0f;
    if (count == 0)
        return *n = 0;
    if (elem_min_size(*elem_type) == 0)
        return st_thrift_corrupt(r, "invalid list element type %d", *elem_type);
    if ((rc = check_count(r, count, (uint64_t)elem_min_size(*elem_type), "list")) < 0)
        return rc;
    *n = (uint32_t)count;
    return 0;
}

int st_thrift_read_map(st_thrift_reader *r, int type, int *key_type, int *val_type,
                       uint32_t *n)
{
    uint64_t count;
    uint8_t b;
    int rc;
    if (type != ST_THRIFT_MAP)
        return st_thrift_corrupt(r, "expected a map, got %s", st_thrift_type_name(type));
    if ((rc = st_thrift_read_uvarint(r, &count)) < 0)
        return rc;
    *key_type = *val_type = ST_THRIFT_STOP;
    if (count == 0)
        return *n = 0;
    if ((rc = need(r, 1, "map header")) < 0)
        return rc;
    b = *r->p++;
    *key_type = b >> 4;
    *val_type = b & 0x0f;
    if (elem_min_size(*key_type) == 0 || elem_min_size(*val_type) == 0)
        return st_thrift_corrupt(r, "invalid map types %d/%d", *key_type, *val_type);
    rc = check_count(r, count,
                     (uint64_t)(elem_min_size(*key_type) + elem_min_size(*val_type)), "map");
    if (rc < 0)
        return rc;
    *n = (uint32_t)count;
    return 0;
}

static int skip_value(st_thrift_reader *r, int type, bool elem);

static int skip_struct(st_thrift_reader *r)
{
    st_thrift_field f;
    int rc = st_thrift_struct_begin(r, &f);
    while (rc == 0 && (rc = st_thrift_read_field(r, &f)) > 0)
        rc = skip_value(r, f.type, false);
    if (rc == 0)
        st_thrift_struct_end(r);
    return rc;
}

/* Skips n elements of one type; fixed-size ones in one step. */
static int skip_elems(st_thrift_reader *r, int type, uint32_t n)
{
    int size = elem_min_size(type);
    int rc = 0;
    if (type == ST_THRIFT_DOUBLE || type == ST_THRIFT_UUID || type == ST_THRIFT_I8 ||
        type == ST_THRIFT_TRUE || type == ST_THRIFT_FALSE) {
        /* read_list/read_map already checked that n * size bytes are there */
        r->p += (size_t)n * (size_t)size;
        return 0;
    }
    for (uint32_t i = 0; i < n && rc == 0; i++)
        rc = skip_value(r, type, true);
    return rc;
}

static int skip_container(st_thrift_reader *r, int type)
{
    int kt, vt, rc;
    uint32_t n;
    if (++r->depth > ST_THRIFT_MAX_DEPTH)
        return st_thrift_corrupt(r, "nesting deeper than %d", ST_THRIFT_MAX_DEPTH);
    if (type == ST_THRIFT_MAP) {
        if ((rc = st_thrift_read_map(r, type, &kt, &vt, &n)) < 0)
            return rc;
        for (uint32_t i = 0; i < n && rc == 0; i++)
            if ((rc = skip_value(r, kt, true)) == 0)
                rc = skip_value(r, vt, true);
    } else {
        if ((rc = st_thrift_read_list(r, type, &vt, &n)) < 0)
            return rc;
        rc = skip_elems(r, vt, n);
    }
    r->depth--;
    return rc;
}

static int skip_value(st_thrift_reader *r, int type, bool elem)
{
    uint64_t u;
    const uint8_t *data;
    uint32_t len;
    int rc;
    switch (type) {
    case ST_THRIFT_TRUE:
    case ST_THRIFT_FALSE:
        /* A bool field carries its value in the header; an element takes a byte. */
        if (!elem)
            return 0;
        /* fall through */
    case ST_THRIFT_I8:
        if ((rc = need(r, 1, st_thrift_type_name(type))) == 0)
            r->p++;
        return rc;
    case ST_THRIFT_I16:
    case ST_THRIFT_I32:
    case ST_THRIFT_I64:
        return st_thrift_read_uvarint(r, &u);
    case ST_THRIFT_DOUBLE:
    case ST_THRIFT_UUID:
        if ((rc = need(r, (size_t)elem_min_size(type), st_thrift_type_name(type))) == 0)
            r->p += elem_min_size(type);
        return rc;
    case ST_THRIFT_BINARY:
        return st_thrift_read_binary(r, type, &data, &len);
    case ST_THRIFT_LIST:
    case ST_THRIFT_SET:
    case ST_THRIFT_MAP:
        return skip_container(r, type);
    case ST_THRIFT_STRUCT:
        return skip_struct(r);
    default:
        return st_thrift_corrupt(r, "cannot skip a value of invalid type %d", type);
    }
}

int st_thrift_skip(st_thrift_reader *r, int type)
{
    return skip_value(r, type, false);
}

int st_thrift_skip_elem(st_thrift_reader *r, int type)
{
    return skip_value(r, type, true);
}

/* Room for n more bytes at the end of the output, or NULL once anything failed. */
static uint8_t *wspace(st_thrift_writer *w, size_t n)
{
    if (w->rc)
        return NULL;
    if (w->out->cap - w->out->len <= n && (w->rc = st_buf_grow(w->out, n)) < 0)
        return NULL;
    return w->out->ptr + w->out->len;
}

/* Commits n bytes written at wspace(); keeps the buffer NUL-terminated like st_buf_put. */
static void wcommit(st_thrift_writer *w, size_t n)
{
    w->out->len += n;
    w->out->ptr[w->out->len] = 0;
}

void st_thrift_write_raw(st_thrift_writer *w, const void *data, size_t n)
{
    uint8_t *p = wspace(w, n);
    if (p) {
        if (n)
            memcpy(p, data, n);
        wcommit(w, n);
    }
}

void st_thrift_write_uvarint(st_thrift_writer *w, uint64_t v)
{
    uint8_t *p = wspace(w, 10);
    size_t n = 0;
    if (!p)
        return;
    while (v >= 0x80) {
        p[n++] = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    p[n++] = (uint8_t)v;
    wcommit(w, n);
}

static void write_byte(st_thrift_writer *w, uint8_t b)
{
    uint8_t *p = wspace(w, 1);
    if (p) {
        *p = b;
        wcommit(w, 1);
    }
}

void st_thrift_write_field(st_thrift_writer *w, int16_t *last, int16_t id, int type)
{
    int32_t delta = (int32_t)id - *last;
    if (delta > 0 && delta <= 15) {
        write_byte(w, (uint8_t)(delta << 4 | type));
    } else {
        write_byte(w, (uint8_t)type);
        st_thrift_write_int(w, id);
    }
    *last = id;
}

void st_thrift_write_bool_field(st_thrift_writer *w, int16_t *last, int16_t id, bool v)
{
    st_thrift_write_field(w, last, id, v ? ST_THRIFT_TRUE : ST_THRIFT_FALSE);
}

void st_thrift_write_stop(st_thrift_writer *w)
{
    write_byte(w, ST_THRIFT_STOP);
}

void st_thrift_write_int(st_thrift_writer *w, int64_t v)
{
    st_thrift_write_uvarint(w, st_thrift_zigzag(v));
}

void st_thrift_write_i8(st_thrift_writer *w, int8_t v)
{
    write_byte(w, (uint8_t)v);
}

void st_thrift_write_double(st_thrift_writer *w, double v)
{
    uint8_t le[8];
    uint64_t bits;
    memcpy(&bits, &v, sizeof(bits));
    for (int i = 0; i < 8; i++)
        le[i] = (uint8_t)(bits >> (8 * i));
    st_thrift_write_raw(w, le, sizeof(le));
}

void st_thrift_write_binary(st_thrift_writer *w, const void *data, uint32_t len)
{
    st_thrift_write_uvarint(w, len);
    st_thrift_write_raw(w, data, len);
}

void st_thrift_write_list(st_thrift_writer *w, int elem_type, uint32_t n)
{
    if (n < 15) {
        write_byte(w, (uint8_t)(n << 4 | (uint32_t)elem_type));
    } else {
        write_byte(w, (uint8_t)(0xf0 | elem_type));
        st_thrift_write_uvarint(w, n);
    }
}

void st_thrift_write_bool_elem(st_thrift_writer *w, bool v)
{
    write_byte(w, v ? 1 : 2);
}

void st_thrift_write_map(st_thrift_writer *w, int key_type, int val_type, uint32_t n)
{
    st_thrift_write_uvarint(w, n);
    if (n)
        write_byte(w, (uint8_t)(key_type << 4 | val_type));
}
