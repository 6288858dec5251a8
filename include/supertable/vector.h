/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Columnar vectors and batches in Apache Arrow's memory layout.
 *
 * Layout by type (the Arrow type it exports as in brackets):
 *   boolean                 values: bit-packed, LSB first            [b]
 *   int, date               values: int32                            [i, tdD]
 *   long, time, timestamp*  values: int64 (time/timestamp: micros; *_ns: nanos)
 *   float, double           values: float / double                   [f, g]
 *   decimal(P,S)            values: 16-byte little-endian two's complement [d:P,S]
 *   uuid, fixed(L)          values: 16 / L bytes per value           [w:16, w:L]
 *   string, binary          values: int32 offsets[length+1]; data: bytes [u, z]
 *   list                    values: int32 offsets[length+1]; children[0]: elements
 *   map                     values: int32 offsets[length+1]; children[0]: keys,
 *                           children[1]: values (exported as Arrow's entries struct)
 *   struct                  children[i]: field i, each of the parent's length
 * validity: bit i set when row i is valid; NULL when every row is valid.
 * Offsets always start at 0 (offsets[0] == 0; importers rebase sliced arrays), so
 * the offsets buffer exists even for an empty vector.
 *
 * Ownership: a vector is reference-counted; st_vector_free() drops one reference.
 * Buffers belong to the vector (or, for imported vectors, to the foreign producer,
 * released with the vector). Not thread-safe while being built; a finished vector
 * may be read by many threads.
 */
#ifndef SUPERTABLE_VECTOR_H
#define SUPERTABLE_VECTOR_H

#include "common.h"
#include "types.h"

ST_BEGIN_DECL

/** A 128-bit two's-complement integer, the unscaled value of a decimal. */
typedef struct st_decimal128 {
    uint64_t lo;
    int64_t hi;
} st_decimal128;

typedef struct st_vector st_vector;

struct st_vector {
    st_type *type;          /**< a reference held by the vector */
    int64_t length;         /**< rows */
    int64_t null_count;     /**< rows that are null */
    uint8_t *validity;      /**< NULL: all valid */
    uint8_t *values;        /**< fixed-width values, or offsets (see above) */
    uint8_t *data;          /**< string/binary bytes */
    int64_t data_len;       /**< bytes used in data */
    int32_t n_children;
    st_vector **children;   /**< owned references */

    /* private: capacity and lifetime */
    int64_t capacity_;      /**< rows the values/validity buffers hold */
    int64_t data_cap_;      /**< bytes in data */
    int32_t refs_;
    int32_t foreign_;       /**< buffers belong to release_ (imported) */
    void (*release_)(void *payload);
    void *release_payload_;
};

/**
 * Creates an empty vector of `type` with room for `capacity` rows (children of
 * structs get the same capacity; list/map children start empty).
 * @param[out] out a new vector; release with st_vector_free().
 */
ST_EXTERN(int) st_vector_new(st_vector **out, st_type *type, int64_t capacity);
/** Adds a reference. Thread-safe. */
ST_EXTERN(st_vector *) st_vector_ref(st_vector *v);
/** Drops a reference; the last frees the vector and its children. NULL-safe. Thread-safe. */
ST_EXTERN(void) st_vector_free(st_vector *v);

/** Ensures room for `capacity` rows in values and validity (not in children). */
ST_EXTERN(int) st_vector_reserve(st_vector *v, int64_t capacity);
/** Ensures room for `bytes` bytes of string/binary data in total (at most INT32_MAX). */
ST_EXTERN(int) st_vector_reserve_data(st_vector *v, int64_t bytes);
/**
 * Makes sure the validity bitmap exists for the current capacity, with every
 * existing row marked valid. Decoders call it before writing null bits directly.
 */
ST_EXTERN(int) st_vector_ensure_validity(st_vector *v);
/** Empties the vector (and its children), keeping the allocations for reuse. */
ST_EXTERN(void) st_vector_reset(st_vector *v);

/** 1 when row i is valid (not null). */
static inline int st_vector_is_valid(const st_vector *v, int64_t i)
{
    return !v->validity || ((v->validity[i >> 3] >> (i & 7)) & 1);
}

/* Appending one row at a time: convenient for tests, CSV/JSON import and the CLI.
 * Decoders write the buffers directly instead. Each returns 0, ST_ENOMEM, or
 * ST_EINVALID when the value does not suit the vector's type (wrong type, wrong
 * uuid/fixed width, string data past INT32_MAX bytes) or the vector is imported
 * (its buffers are borrowed: read-only). On failure the vector is unchanged. */
ST_EXTERN(int) st_vector_append_null(st_vector *v);
ST_EXTERN(int) st_vector_append_bool(st_vector *v, int value);
ST_EXTERN(int) st_vector_append_i32(st_vector *v, int32_t value);
ST_EXTERN(int) st_vector_append_i64(st_vector *v, int64_t value);
ST_EXTERN(int) st_vector_append_f32(st_vector *v, float value);
ST_EXTERN(int) st_vector_append_f64(st_vector *v, double value);
ST_EXTERN(int) st_vector_append_decimal(st_vector *v, st_decimal128 value);
/** string/binary/uuid/fixed (uuid and fixed need exactly their width). */
ST_EXTERN(int) st_vector_append_bytes(st_vector *v, const void *data, size_t len);
/**
 * Closes one list or map row whose elements were appended to the children since
 * the previous row; or one valid struct row whose fields were appended to each child.
 */
ST_EXTERN(int) st_vector_append_nested(st_vector *v);

/* Reading one value. The caller checks validity first. */
static inline int st_vector_get_bool(const st_vector *v, int64_t i)
{
    return (v->values[i >> 3] >> (i & 7)) & 1;
}
static inline int32_t st_vector_get_i32(const st_vector *v, int64_t i)
{
    return ((const int32_t *)(const void *)v->values)[i];
}
static inline int64_t st_vector_get_i64(const st_vector *v, int64_t i)
{
    return ((const int64_t *)(const void *)v->values)[i];
}
static inline float st_vector_get_f32(const st_vector *v, int64_t i)
{
    return ((const float *)(const void *)v->values)[i];
}
static inline double st_vector_get_f64(const st_vector *v, int64_t i)
{
    return ((const double *)(const void *)v->values)[i];
}
/** string/binary: pointer to the bytes and their length; uuid/fixed: the value. */
ST_EXTERN(const uint8_t *) st_vector_get_bytes(const st_vector *v, int64_t i, size_t *len);
ST_EXTERN(st_decimal128) st_vector_get_decimal(const st_vector *v, int64_t i);
/** list/map: the row's element range [*begin, *end) in the child(ren). */
ST_EXTERN(void) st_vector_get_range(const st_vector *v, int64_t i, int64_t *begin,
                                    int64_t *end);

/**
 * Checks the invariants (lengths of children, offsets monotonic and in range,
 * null_count matches the bitmap). Tests and importers use it.
 * @return 0 or ST_ECORRUPT with what is wrong.
 */
ST_EXTERN(int) st_vector_validate(const st_vector *v);

/**
 * Deep equality of row values (types must be equal; NaN equals NaN bit pattern).
 * On a difference, when `diff` is not NULL, *diff receives a description
 * ("row 3: 5 != 6") that the caller st_free()s.
 */
ST_EXTERN(int) st_vector_equals(const st_vector *a, const st_vector *b, char **diff);

/* ------------------------------------------------------------------ batches */

/** Rows of a schema, one vector per top-level field. */
typedef struct st_batch {
    st_type *schema;        /**< a struct type; a reference held by the batch */
    int64_t length;
    int32_t n_columns;      /**< == schema->n_fields */
    st_vector **columns;    /**< owned references */
} st_batch;

/**
 * Creates a batch with an empty vector per field of `schema`.
 * @param[out] out release with st_batch_free().
 */
ST_EXTERN(int) st_batch_new(st_batch **out, st_type *schema, int64_t capacity);
/**
 * Creates a batch from existing vectors (a reference to each is taken). All must
 * have the same length and the types of the schema's fields.
 */
ST_EXTERN(int) st_batch_from_vectors(st_batch **out, st_type *schema, st_vector **columns);
/** Frees the batch and drops its references. NULL-safe. */
ST_EXTERN(void) st_batch_free(st_batch *b);
/** Sets length from the columns after appending and checks they agree. */
ST_EXTERN(int) st_batch_seal(st_batch *b);

/* ------------------------------------------------------------ batch readers */

typedef struct st_batch_reader st_batch_reader;

/** A source of batches (a file scan, a query result). Not thread-safe. */
typedef struct st_batch_reader_vtable {
    /** Next batch into *out (caller frees), or ST_ITEROVER at the end. */
    int (*next)(st_batch_reader *r, st_batch **out);
    /** The schema of every batch; borrowed. */
    st_type *(*schema)(st_batch_reader *r);
    void (*free)(st_batch_reader *r);
} st_batch_reader_vtable;

/** Implementations embed this as their first member. */
struct st_batch_reader {
    const st_batch_reader_vtable *vt;
};

/** The next batch; *out is the caller's. @return 0, ST_ITEROVER at the end, or an error. */
ST_EXTERN(int) st_batch_reader_next(st_batch_reader *r, st_batch **out);
/** The schema; borrowed for the reader's lifetime. */
ST_EXTERN(st_type *) st_batch_reader_schema(st_batch_reader *r);
/** Frees the reader. NULL-safe. */
ST_EXTERN(void) st_batch_reader_free(st_batch_reader *r);

/* ---------------------------------------------------------- decimal helpers */

/**
 * Formats an unscaled decimal with `scale` digits after the point ("-12.30").
 * `buf` needs 48 bytes. Returns the length written. `scale` is clamped to 0..38.
 */
ST_EXTERN(int) st_decimal_format(char *buf, st_decimal128 value, int scale);
/**
 * Parses "-12.3" as decimal(precision, scale) ("-12.30" for scale 2). Accepts an
 * optional sign, ".5" / "5." and an exponent ("1.5e3"); surrounding blanks are
 * ignored. Rejects values that need more digits than `precision` or that cannot be
 * represented exactly at `scale` (trailing zeros past the scale are fine: "1.500"
 * is decimal(3,2) 1.50).
 * @return 0 or ST_EINVALID.
 */
ST_EXTERN(int) st_decimal_parse(st_decimal128 *out, const char *text, size_t len,
                                int precision, int scale);

ST_END_DECL

#endif
