/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Internal pieces shared by the manifest and manifest-list readers and
 * writers: the Avro schemas Java writes (manifest_schema.c) and field-id
 * resolution over a writer schema (manifest_avro.c).
 */
#ifndef ST_SPEC_MANIFEST_INT_H
#define ST_SPEC_MANIFEST_INT_H

#include <avro.h>

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
 * The field's value in `rec`, with a null union branch unwrapped: 1 and *v
 * set when present and not null, 0 when absent or null.
 */
int mf_get(avro_value_t *rec, const mf_slot *s, avro_value_t *v);
/* Reads an int or long value as int64. */
int64_t mf_long(avro_value_t *v, st_avro_kind kind);
/* Borrowed string bytes (no NUL counted) of a string/bytes/fixed value. */
const uint8_t *mf_bytes(avro_value_t *v, st_avro_kind kind, size_t *len);

/*
 * Maps (or reads, when the input cannot be mapped) a whole file. *data stays
 * valid until st_input_free(*in) and st_free(*owned).
 */
int st_manifest_load_file(const char *path, st_input **in, const uint8_t **data, size_t *len,
                          uint8_t **owned);

#endif
