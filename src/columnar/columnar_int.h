/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Helpers shared by the files of the columnar layer: how each type lays out
 * its buffers, bitmap primitives, 128-bit decimal arithmetic, type formatting
 * and the few vector internals the Arrow importer needs.
 */
#ifndef ST_COLUMNAR_INT_H
#define ST_COLUMNAR_INT_H

#include <string.h>

#include <supertable/errors.h>
#include <supertable/types.h>
#include <supertable/vector.h>

#include "util/buf.h"

/* Arrow buffers are little-endian and st_decimal128 is stored as it lies in memory. */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the columnar layer assumes a little-endian host"
#endif

/* Deepest nesting accepted from untrusted input (schema text, foreign arrays). */
#define ST_COL_MAX_DEPTH 64

/* The largest string/binary data or list child an int32 offset can address. */
#define ST_COL_MAX_OFFSET INT32_MAX

/* How a vector of a type uses its buffers. */
typedef enum st_col_layout {
    ST_COL_BITS,    /* boolean: bit-packed values */
    ST_COL_FIXED,   /* st_type_value_width() bytes per value */
    ST_COL_OFFSETS, /* string/binary (with data), list/map (with children) */
    ST_COL_STRUCT   /* validity and children only */
} st_col_layout;

static inline st_col_layout st_col_layout_of(const st_type *t)
{
    switch (t->id) {
    case ST_TYPE_BOOLEAN: return ST_COL_BITS;
    case ST_TYPE_STRING:
    case ST_TYPE_BINARY:
    case ST_TYPE_LIST:
    case ST_TYPE_MAP: return ST_COL_OFFSETS;
    case ST_TYPE_STRUCT: return ST_COL_STRUCT;
    default: return ST_COL_FIXED;
    }
}

static inline int st_col_is_binary_like(const st_type *t)
{
    return t->id == ST_TYPE_STRING || t->id == ST_TYPE_BINARY;
}

/* Bytes of a bitmap of n bits. */
static inline size_t st_col_bitmap_bytes(int64_t n)
{
    return (size_t)(n / 8 + (n % 8 != 0));
}

static inline int st_col_bit(const uint8_t *bits, int64_t i)
{
    return (bits[i >> 3] >> (i & 7)) & 1;
}

static inline void st_col_set_bit(uint8_t *bits, int64_t i)
{
    bits[i >> 3] |= (uint8_t)(1u << (i & 7));
}

static inline void st_col_clear_bit(uint8_t *bits, int64_t i)
{
    bits[i >> 3] &= (uint8_t)~(1u << (i & 7));
}

static inline const int32_t *st_col_offsets(const st_vector *v)
{
    return (const int32_t *)(const void *)v->values;
}

/* Zero bits among bits[off, off + n). */
int64_t st_col_count_zeros(const uint8_t *bits, int64_t off, int64_t n);
/* Copies bits[off, off + n) to dst[0, n) and zeroes dst's tail bits. */
void st_col_copy_bits(uint8_t *dst, const uint8_t *src, int64_t off, int64_t n);

/* 128-bit arithmetic. Only unsigned operations are used: clang's UBSan runtime
 * lacks the helpers for checked signed 128-bit multiplication. */
__extension__ typedef unsigned __int128 st_u128;

static inline st_u128 st_col_dec_bits(st_decimal128 d)
{
    return ((st_u128)(uint64_t)d.hi << 64) | d.lo;
}

static inline st_decimal128 st_col_dec_from_bits(st_u128 u)
{
    st_decimal128 d;
    d.lo = (uint64_t)u;
    d.hi = (int64_t)(uint64_t)(u >> 64);
    return d;
}

/* Appends the schema syntax of a type / a possibly quoted field name. */
int st_col_type_format(st_buf *b, const st_type *t);
int st_col_name_format(st_buf *b, const char *name);

/* An empty vector of `type` (a reference is taken) without buffers or children. */
st_vector *st_col_vector_shell(st_type *type);
/*
 * Appends row i of src to dst (same type), nested values included. On failure
 * dst may hold part of the row: callers discard it.
 */
int st_col_vector_append_from(st_vector *dst, const st_vector *src, int64_t i);

/*
 * Gathers rows: row i of the result is row idx[i] of v (indices may repeat
 * and come in any order). Every type, nested ones included. Null rows of
 * strings, lists and maps come out empty, null fixed-width slots zeroed.
 * @param[out] out a new vector; release with st_vector_free().
 * @return 0, ST_EINVALID (an index outside [0, length), more than INT32_MAX
 *         bytes or elements), ST_ENOMEM.
 */
int st_vector_take(st_vector **out, const st_vector *v, const int64_t *idx, int64_t n);
/* st_vector_take() of every column. @param[out] out release with st_batch_free(). */
int st_batch_take(st_batch **out, const st_batch *b, const int64_t *idx, int64_t n);

/* One key of a row sort: a column of the batch's length (a batch column or a
 * derived one, e.g. a transform's result), borrowed. */
typedef struct st_sort_key {
    const st_vector *column;
    int descending;
    int nulls_first;   /* null placement, independent of the direction */
} st_sort_key;

/*
 * The row order of a batch by the keys: a stable sort (rows with equal keys
 * keep their order) in Iceberg's order of each type (signed numbers; -0.0
 * before +0.0 and NaN after all other floats; strings, binary, uuid and fixed
 * as unsigned bytes; decimals as 128-bit integers). Only the batch's length
 * is used; keys must be primitive columns of that length. No keys: the
 * identity order.
 * @param[out] out_idx b->length row indices; the caller st_free()s them.
 * @return 0, ST_EINVALID (nested key, wrong length), ST_ENOMEM.
 */
int st_batch_sort_indices(int64_t **out_idx, const st_batch *b, const st_sort_key *keys,
                          int n_keys);

/* The importers behind st_arrow_import_vector/batch with the type already derived
 * from `schema` (a stream reuses its reader's). Consume `array` in all cases. */
struct ArrowArray;
struct ArrowSchema;
int st_col_arrow_import_typed(st_vector **out, struct ArrowArray *array,
                              const struct ArrowSchema *schema, st_type *type);
int st_col_arrow_import_batch_typed(st_batch **out, struct ArrowArray *array,
                                    const struct ArrowSchema *schema, st_type *type);

#endif
