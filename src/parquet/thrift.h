/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The Thrift compact protocol, as Parquet uses it: a bounds-checked pull reader
 * that decoders drive field by field (no intermediate tree), and an append-only
 * writer over an st_buf.
 *
 * Reader: every function returns 0 or a negative st_error_code (ST_ECORRUPT with
 * class ST_ERROR_THRIFT and the byte offset in the message). After an error the
 * reader's position is unspecified; stop using it. Integer readers accept any
 * integer wire type (i8/i16/i32/i64) and range-check into the target width, since
 * the compact encoding of i16/i32/i64 is the same zigzag varint.
 *
 * Writer: errors are sticky. Each call is a no-op once an allocation failed, and
 * st_thrift_writer_finish() reports the first failure, so encoders need not check
 * every call.
 *
 * Thread-safety: a reader or writer is used by one thread at a time.
 */
#ifndef ST_PARQUET_THRIFT_H
#define ST_PARQUET_THRIFT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"

/* Compact-protocol type ids, as they appear in field and container headers. */
enum {
    ST_THRIFT_STOP = 0,
    ST_THRIFT_TRUE = 1,     /* a bool field whose value is true; a bool list element */
    ST_THRIFT_FALSE = 2,    /* a bool field whose value is false; a bool list element */
    ST_THRIFT_I8 = 3,
    ST_THRIFT_I16 = 4,
    ST_THRIFT_I32 = 5,
    ST_THRIFT_I64 = 6,
    ST_THRIFT_DOUBLE = 7,
    ST_THRIFT_BINARY = 8,
    ST_THRIFT_LIST = 9,
    ST_THRIFT_SET = 10,
    ST_THRIFT_MAP = 11,
    ST_THRIFT_STRUCT = 12,
    ST_THRIFT_UUID = 13
};

/* Structs and containers nested deeper than this are rejected as corrupt. */
#define ST_THRIFT_MAX_DEPTH 64

typedef struct st_thrift_reader {
    const uint8_t *p;     /* next byte to read */
    const uint8_t *end;   /* one past the last readable byte */
    const uint8_t *base;  /* start of the message, for error offsets */
    int depth;            /* structs (and containers being skipped) currently open */
} st_thrift_reader;

/* A field header: its id and wire type; `last` is the previous id of the struct. */
typedef struct st_thrift_field {
    int16_t id;
    int16_t last;
    int type;
} st_thrift_field;

/* Starts reading the message buf[0..len). */
static inline void st_thrift_reader_init(st_thrift_reader *r, const uint8_t *buf, size_t len)
{
    r->p = r->base = buf;
    r->end = buf + len;
    r->depth = 0;
}

/* Bytes consumed so far. */
static inline size_t st_thrift_offset(const st_thrift_reader *r)
{
    return (size_t)(r->p - r->base);
}

/* Bytes left to read. */
static inline size_t st_thrift_remaining(const st_thrift_reader *r)
{
    return (size_t)(r->end - r->p);
}

/* Records ST_ECORRUPT/ST_ERROR_THRIFT: "thrift: <fmt> at offset N"; returns ST_ECORRUPT. */
int st_thrift_corrupt(const st_thrift_reader *r, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* A short name for a wire type ("i32", "struct"), for messages. Static storage. */
const char *st_thrift_type_name(int type);

/* Reads an unsigned LEB128 varint of at most 10 bytes that fits in 64 bits. */
int st_thrift_read_uvarint_slow(st_thrift_reader *r, uint64_t *out);

/* Reads an unsigned varint; the one-byte case is inlined for the hot path. */
static inline int st_thrift_read_uvarint(st_thrift_reader *r, uint64_t *out)
{
    if (r->p < r->end && *r->p < 0x80) {
        *out = *r->p++;
        return 0;
    }
    return st_thrift_read_uvarint_slow(r, out);
}

/* Zigzag mapping (0,-1,1,-2,... <-> 0,1,2,3,...), defined for every int64. */
static inline int64_t st_thrift_unzigzag(uint64_t u)
{
    return (int64_t)((u >> 1) ^ ((uint64_t)0 - (u & 1)));
}
static inline uint64_t st_thrift_zigzag(int64_t v)
{
    return ((uint64_t)v << 1) ^ ((uint64_t)0 - ((uint64_t)v >> 63));
}

/* Reads an integer of wire type `type` (i8..i64) into [min, max]; corrupt otherwise. */
int st_thrift_read_int(st_thrift_reader *r, int type, int64_t min, int64_t max, int64_t *out);

/* The hot case of the integer readers: a one-byte varint (-64..63), which fits every
 * width. False (nothing read) otherwise. */
static inline bool st_thrift_read_small_int(st_thrift_reader *r, int type, int64_t *out)
{
    if (type >= ST_THRIFT_I16 && type <= ST_THRIFT_I64 && r->p < r->end && *r->p < 0x80) {
        *out = st_thrift_unzigzag(*r->p++);
        return true;
    }
    return false;
}

/* Typed readers: st_thrift_read_int with the target type's range. */
static inline int st_thrift_read_i64(st_thrift_reader *r, int type, int64_t *out)
{
    if (st_thrift_read_small_int(r, type, out))
        return 0;
    return st_thrift_read_int(r, type, INT64_MIN, INT64_MAX, out);
}

static inline int st_thrift_read_i32(st_thrift_reader *r, int type, int32_t *out)
{
    int64_t v = 0;
    int rc = 0;
    if (!st_thrift_read_small_int(r, type, &v))
        rc = st_thrift_read_int(r, type, INT32_MIN, INT32_MAX, &v);
    *out = (int32_t)v;
    return rc;
}

static inline int st_thrift_read_i16(st_thrift_reader *r, int type, int16_t *out)
{
    int64_t v = 0;
    int rc = 0;
    if (!st_thrift_read_small_int(r, type, &v))
        rc = st_thrift_read_int(r, type, INT16_MIN, INT16_MAX, &v);
    *out = (int16_t)v;
    return rc;
}

static inline int st_thrift_read_i8(st_thrift_reader *r, int type, int8_t *out)
{
    int64_t v = 0;
    int rc = st_thrift_read_int(r, type, INT8_MIN, INT8_MAX, &v);
    *out = (int8_t)v;
    return rc;
}

/* Reads a little-endian IEEE double; `type` must be ST_THRIFT_DOUBLE. */
int st_thrift_read_double(st_thrift_reader *r, int type, double *out);

/* A bool field: the value is the wire type itself (TRUE/FALSE); reads no bytes. */
int st_thrift_read_bool(st_thrift_reader *r, int type, bool *out);

/* A bool list element: one byte, 1 is true, 0 and 2 are false. */
int st_thrift_read_bool_elem(st_thrift_reader *r, bool *out);

/* Reads binary/string of wire type ST_THRIFT_BINARY as a view into the input. */
int st_thrift_read_binary(st_thrift_reader *r, int type, const uint8_t **data, uint32_t *len);

/* Enters a struct (depth check). Pair with st_thrift_struct_end after the STOP. */
int st_thrift_struct_begin(st_thrift_reader *r, st_thrift_field *f);

/* Leaves a struct entered with st_thrift_struct_begin. */
static inline void st_thrift_struct_end(st_thrift_reader *r)
{
    r->depth--;
}

/* st_thrift_read_field for any header: long-form ids, errors, truncation. */
int st_thrift_read_field_slow(st_thrift_reader *r, st_thrift_field *f);

/* Reads the next field header into f: 1 for a field, 0 at the struct's STOP, <0 on error.
 * The usual one-byte header (id delta 1..15, valid type) is decoded inline. */
static inline int st_thrift_read_field(st_thrift_reader *r, st_thrift_field *f)
{
    if (r->p < r->end) {
        int b = *r->p, type = b & 0x0f, id = f->last + (b >> 4);
        if (b == 0) {
            r->p++;
            return 0;
        }
        if ((b >> 4) && type != ST_THRIFT_STOP && type <= ST_THRIFT_UUID && id <= INT16_MAX) {
            r->p++;
            f->id = f->last = (int16_t)id;
            f->type = type;
            return 1;
        }
    }
    return st_thrift_read_field_slow(r, f);
}

/* Reads a list/set header of a field of wire type `type`; checks that `*n` elements
 * can fit in the remaining bytes, so callers may allocate n elements safely. */
int st_thrift_read_list(st_thrift_reader *r, int type, int *elem_type, uint32_t *n);

/* Reads a map header (after a field of wire type `type`), size-checked like lists. */
int st_thrift_read_map(st_thrift_reader *r, int type, int *key_type, int *val_type,
                       uint32_t *n);

/* Skips a field value of wire type `type`, whatever its nesting. */
int st_thrift_skip(st_thrift_reader *r, int type);

/* Skips a list, set or map element of wire type `type` (bools take a byte there). */
int st_thrift_skip_elem(st_thrift_reader *r, int type);

typedef struct st_thrift_writer {
    st_buf *out;
    size_t start;         /* out->len when writing began */
    int rc;               /* first failure, sticky */
} st_thrift_writer;

/* Starts appending to `out` (not cleared). */
static inline void st_thrift_writer_init(st_thrift_writer *w, st_buf *out)
{
    w->out = out;
    w->start = out->len;
    w->rc = 0;
}

/* 0 if every write succeeded, else the first error (ST_ENOMEM), after dropping the
 * partial message so that `out` holds what it held before st_thrift_writer_init. */
static inline int st_thrift_writer_finish(st_thrift_writer *w)
{
    if (w->rc && w->out->ptr) {
        w->out->len = w->start;
        w->out->ptr[w->start] = 0;
    }
    return w->rc;
}

/* Appends raw bytes. */
void st_thrift_write_raw(st_thrift_writer *w, const void *data, size_t n);
/* Appends an unsigned varint. */
void st_thrift_write_uvarint(st_thrift_writer *w, uint64_t v);
/* Writes a field header; `*last` is the struct's previous id, updated to `id`.
 * Uses the one-byte delta form when 0 < id - *last <= 15, else the long form. */
void st_thrift_write_field(st_thrift_writer *w, int16_t *last, int16_t id, int type);
/* Writes a bool field (the value goes in the header's type). */
void st_thrift_write_bool_field(st_thrift_writer *w, int16_t *last, int16_t id, bool v);
/* Writes a struct's STOP byte. */
void st_thrift_write_stop(st_thrift_writer *w);
/* Writes a zigzag varint: the body of an i16, i32 or i64 value. */
void st_thrift_write_int(st_thrift_writer *w, int64_t v);
/* Writes an i8 value (one byte). */
void st_thrift_write_i8(st_thrift_writer *w, int8_t v);
/* Writes a little-endian double. */
void st_thrift_write_double(st_thrift_writer *w, double v);
/* Writes a binary/string value: varint length, then the bytes. */
void st_thrift_write_binary(st_thrift_writer *w, const void *data, uint32_t len);
/* Writes a list header (elements follow); bool elements use ST_THRIFT_TRUE as type. */
void st_thrift_write_list(st_thrift_writer *w, int elem_type, uint32_t n);
/* Writes a bool list element. */
void st_thrift_write_bool_elem(st_thrift_writer *w, bool v);
/* Writes a map header (n key/value pairs follow). */
void st_thrift_write_map(st_thrift_writer *w, int key_type, int val_type, uint32_t n);

#endif
