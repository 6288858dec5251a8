/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Internal pieces shared by the manifest and manifest-list readers and
 * writers: the Avro schemas Java writes (manifest_schema.c), field-id
 * resolution over a writer schema and the per-field decode plans built from
 * it (manifest_avro.c).
 */
#ifndef ST_SPEC_MANIFEST_INT_H
#define ST_SPEC_MANIFEST_INT_H

#include "avro/avro_decode.h"
#include "avro/avro_file.h"
#include "spec/spec.h"
#include "util/buf.h"

/*
 * Appends the Avro schema JSON of a manifest_entry (to `avro`) and the same
 * schema as Iceberg schema JSON (to `iceberg`, Java's "iceberg.schema"), laid
 * out field for field as Java's V1/V2/V3Metadata and AvroSchemaUtil write
 * them. `partition_type` is the partition struct (NULL: unpartitioned).
 */
int st_manifest_entry_schema_json(st_buf *avro, st_buf *iceberg, int format_version,
                                  const st_type *partition_type);
/* The same for a manifest list's manifest_file records. */
int st_manifest_list_schema_json(st_buf *avro, st_buf *iceberg, int format_version);
/* Bytes of the fixed that holds a decimal of `precision` digits (Java's rule). */
int st_decimal_required_bytes(int precision);
/* Appends `s` as a JSON string literal. */
int st_json_put_string(st_buf *b, const char *s);

/* A field of a record resolved by field id against a writer schema. */
typedef struct mf_slot {
    int index;                   /* position in the record, -1 when absent */
    st_avro_kind kind;           /* kind of the (non-null) value */
    const st_avro_type *type;    /* the non-null type */
} mf_slot;

/* Kind masks for mf_resolve. */
#define MF_K(k) (1u << (k))
#define MF_INTLIKE (MF_K(ST_AVRO_INT) | MF_K(ST_AVRO_LONG))

/*
 * Resolves field `id` of `record`. A missing field is an error when
 * `required` (ST_ECORRUPT naming `file` and `what`), else index -1. The
 * value's kind (after unwrapping ["null", T]) must be in `kinds`; any other
 * union is refused.
 */
int mf_resolve(mf_slot *out, const st_avro_type *record, int32_t id, unsigned kinds, int required,
               const char *file, const char *what);
/*
 * How a record decoder reads one field of a writer record: the decoders keep
 * one op per writer field, in the writer's order, and read each record in one
 * pass over its bytes. Fields nobody asked for keep MF_SKIP.
 */
#define MF_SKIP 0

typedef struct mf_op {
    int act;                     /* the decoder's action for the value; MF_SKIP */
    int null_branch;             /* ["null", T] or [T, "null"]: the null branch; else -1 */
    st_avro_kind kind;           /* kind of T */
    const st_avro_type *type;    /* the field's writer type (for st_avro_skip) */
    const st_avro_type *value;   /* T */
} mf_op;

/* One MF_SKIP op per field of `record` (a record type), in `arena`. */
int mf_ops_new(mf_op **out, const st_avro_type *record, st_arena *arena);
/* Gives the field resolved in `s` (if present) the action `act`. */
void mf_ops_set(mf_op *ops, const mf_slot *s, int act);

/*
 * Reads the union branch of an optional value: 1 when a value follows, 0 for
 * null, -1 for a branch the union does not have or truncated bytes.
 */
static inline int mf_present(const mf_op *op, const uint8_t **pp, const uint8_t *end)
{
    int64_t b;
    if (op->null_branch < 0)
        return 1;
    if (st_avro_get_long(pp, end, &b) < 0 || (b != 0 && b != 1))
        return -1;
    return b != op->null_branch;
}

/* Reads an int or long value (op->kind) as int64. */
static inline int mf_get_long(const mf_op *op, const uint8_t **pp, const uint8_t *end,
                              int64_t *out)
{
    return st_avro_get_intlike(pp, end, op->kind == ST_AVRO_INT, out);
}

/* Reads a string, bytes or fixed value (op->kind), borrowed from the block. */
static inline int mf_get_bytes(const mf_op *op, const uint8_t **pp, const uint8_t *end,
                               const uint8_t **ptr, size_t *len)
{
    if (op->kind == ST_AVRO_FIXED) {
        *len = (size_t)op->value->size;
        return st_avro_get_raw(pp, end, *len, ptr);
    }
    return st_avro_get_bytes(pp, end, ptr, len);
}

/*
 * Reads a whole file (small ones, as manifests usually are, with one read;
 * larger ones mapped, or read when they cannot be mapped). *data stays valid
 * until st_input_free(*in) and st_free(*owned).
 */
int st_manifest_load_file(const char *path, st_input **in, const uint8_t **data, size_t *len,
                          uint8_t **owned);

#endif
