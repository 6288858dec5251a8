/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The Iceberg model (internal): scalar values, transforms, partition specs,
 * sort orders, schemas, snapshots, refs, table metadata, data files and
 * manifests. Field names follow the spec (format/spec.md); see
 * ../shared/docs/iceberg-facts.md for the condensed rules.
 *
 * Conventions
 * - "Absent" 64-bit numbers are ST_NULL64 (INT64_MIN); absent 32-bit numbers
 *   ST_NULL32 (INT32_MIN). Snapshot ids are int64 and never go through a double.
 * - Metadata objects (st_table_metadata and what it holds) own every pointer in
 *   them, allocated with st_malloc; st_metadata_free()/st_metadata_clone() walk
 *   them. Arrays are (pointer, count) pairs, grown with st_realloc.
 * - Manifests and manifest lists read from files keep their strings and bytes in
 *   the st_manifest / st_manifest_list arena.
 * - Nothing here is thread-safe for writing; finished objects may be read by
 *   many threads.
 */
#ifndef ST_SPEC_SPEC_H
#define ST_SPEC_SPEC_H

#include <stddef.h>
#include <stdint.h>

#include "supertable/types.h"
#include "supertable/vector.h"
#include "util/arena.h"
#include "util/buf.h"

#define ST_NULL64 INT64_MIN
#define ST_NULL32 INT32_MIN

/* Highest table format version read and written. */
#define ST_FORMAT_VERSION_MAX 3

/* ================================================================ props */

/* An ordered string -> string map (table properties, snapshot summaries). */
typedef struct st_kv {
    char *key;
    char *value;
} st_kv;

typedef struct st_props {
    st_kv *items;
    int n, cap;
} st_props;

/* Borrowed value or NULL. */
const char *st_props_get(const st_props *p, const char *key);
/* Inserts or replaces (keeps the position of an existing key). Copies both. */
int st_props_set(st_props *p, const char *key, const char *value);
/* Removes a key; returns 1 if it was there. */
int st_props_remove(st_props *p, const char *key);
int st_props_copy(st_props *dst, const st_props *src); /* dst must be empty */
void st_props_dispose(st_props *p);
/* Typed getters with defaults; a malformed number falls back to the default. */
int64_t st_props_get_i64(const st_props *p, const char *key, int64_t dflt);

/* ================================================================ values */

/*
 * One scalar value of an Iceberg primitive type: a partition value, a bound, a
 * literal. `bytes` of string/binary/fixed/uuid values are borrowed from whoever
 * built the value (an arena, a vector), never owned by the value.
 * int, date -> i32; long, time, timestamp* -> i64; float -> f32; double -> f64;
 * boolean -> b; decimal -> dec (unscaled); string, binary, fixed, uuid ->
 * bytes (uuid: 16 big-endian bytes).
 */
typedef struct st_value {
    st_type_id type;     /* 0 with is_null: "no type" (void transform results) */
    int is_null;
    int32_t scale;       /* decimal only */
    union {
        int b;
        int32_t i32;
        int64_t i64;
        float f32;
        double f64;
        st_decimal128 dec;
        struct {
            const uint8_t *ptr;
            size_t len;
        } bytes;
    } v;
} st_value;

/*
 * Orders two non-null values of the same type as Iceberg does: signed numbers,
 * floats with -0.0 < +0.0 and NaN above everything, strings and binary as
 * unsigned bytes (UTF-8 byte order = code point order), uuid big-endian bytes.
 * Returns <0, 0, >0.
 */
int st_value_compare(const st_value *a, const st_value *b);

/*
 * Single-value binary serialization (bounds, partition summaries): appends the
 * bytes of a non-null value to `out`. Struct/list/map are not serializable.
 */
int st_value_to_bytes(st_buf *out, const st_value *v);
/*
 * Reads a single-value binary for `type` (a primitive). Strings and binary
 * point into `data`. Applies the promotion rules: 4 bytes for long = int,
 * 4 bytes for double = float, 4 bytes for a timestamp = date (days).
 * ST_ECORRUPT on a wrong length.
 */
int st_value_from_bytes(st_value *out, const st_type *type, const uint8_t *data, size_t len);

/*
 * JSON single-value form (defaults, REST literals): appends text such as 34,
 * true, 1.5, "2017-11-16", "22:31:08.123456", "2017-11-16T22:31:08.123456",
 * "2017-11-16T22:31:08.123456+00:00" (timestamptz), 9 fraction digits for the
 * _ns types, "14.20" (decimals as strings with their scale), "00ff" (lowercase
 * hex for fixed/binary), lowercase uuids, null. NaN and infinities of
 * float/double are the strings "NaN", "Infinity", "-Infinity" (as Jackson
 * writes them). ST_EINVALID for a type without a JSON single-value form here
 * (nested).
 */
int st_value_to_json(st_buf *out, const st_value *v);

/*
 * Reads the JSON single-value form of a non-null value of a primitive `type`.
 * `text` is the JSON token's content: for JSON numbers and booleans the token
 * itself ("34", "-1.5e3", "true"); for JSON strings the string already
 * unquoted and unescaped by the caller ("2017-11-16", "14.20", "00ff").
 * float/double also take "NaN", "Infinity" and "-Infinity". Decimals take any
 * text that is exactly representable at the type's scale ("14.2" for
 * decimal(4,2), "2E+1"). timestamptz text must carry a zone (any offset,
 * converted to UTC); timestamp text must not.
 * Ownership: string values borrow `text` (the caller keeps it alive); uuid,
 * fixed and binary are decoded into `arena` (required for those types).
 * @return 0 or ST_EINVALID naming the text and the type.
 */
int st_value_from_json_text(st_value *out, const st_type *type, const char *text, size_t len,
                            st_arena *arena);

/* Reads the value of row `row` of a vector of a primitive type. Borrowed bytes.
 * A null row gives is_null with the vector's type; nested vectors give a value
 * with only `type` and is_null set from the row. */
void st_value_from_vector(st_value *out, const st_vector *v, int64_t row);

/*
 * Human text for messages and CLI output: the JSON form without quotes
 * ("2024-03-01", "2024-03-01T10:00:00.000000", "14.20", raw strings), "null"
 * for null. (Named st_value_to_text because the public formats.h already
 * exports st_value_format for vector rows.)
 */
int st_value_to_text(st_buf *out, const st_value *v);

/* ============================================================ transforms */

typedef enum st_transform_kind {
    ST_TRANSFORM_IDENTITY = 1,
    ST_TRANSFORM_BUCKET,
    ST_TRANSFORM_TRUNCATE,
    ST_TRANSFORM_YEAR,
    ST_TRANSFORM_MONTH,
    ST_TRANSFORM_DAY,
    ST_TRANSFORM_HOUR,
    ST_TRANSFORM_VOID,
    ST_TRANSFORM_UNKNOWN /* kept verbatim (text), never applied */
} st_transform_kind;

typedef struct st_transform {
    st_transform_kind kind;
    int32_t param;       /* bucket N, truncate W */
    char text[64];       /* the spec's spelling: "bucket[16]", "day", or the unknown name */
} st_transform;

/* Parses "identity", "bucket[16]", "truncate[4]", "year", ... Anything else is
 * ST_TRANSFORM_UNKNOWN (readers must keep unknown transforms). ST_EINVALID only
 * for a malformed parameter ("bucket[0]", "bucket[x]"). */
int st_transform_parse(st_transform *out, const char *text);

/* Whether the transform accepts a source type (ST_EINVALID with the reason if not). */
int st_transform_check_source(const st_transform *t, const st_type *source);

/* The result type: identity/truncate -> the source type, bucket/year/month/hour
 * -> int, day -> date, void -> the source type (always null). A borrowed or new
 * reference: release with st_type_free(). */
st_type *st_transform_result_type(const st_transform *t, const st_type *source);

/* Applies the transform to one value. Byte results (truncate of strings and
 * binary) point into the input's bytes. Null in -> null out. */
int st_transform_apply(const st_transform *t, const st_value *in, st_value *out);

/* Applies the transform to a whole vector: a new vector of the result type. */
int st_transform_apply_vector(const st_transform *t, const st_vector *in, st_vector **out);

/* murmur3_x86_32 with seed 0 of Iceberg's bucket bytes for `v` (the spec's vectors). */
int32_t st_bucket_hash(const st_value *v);
uint32_t st_murmur3_32(const void *data, size_t len, uint32_t seed);

/* ================================================================ schema */

/* v3 field defaults, kept as the JSON text of the value ("34", "\"a\"", "{}")
 * because st_field has no room for them; looked up by field id (nested fields
 * included: ids are unique in a schema). */
typedef struct st_field_default {
    int32_t field_id;
    char *initial_default;       /* JSON text or NULL */
    char *write_default;         /* JSON text or NULL */
} st_field_default;

typedef struct st_schema {
    int32_t schema_id;
    st_type *type;               /* a struct type with field ids; a reference owned here */
    int32_t *identifier_ids;
    int n_identifier_ids;
    st_field_default *defaults;  /* fields with an initial-default or write-default */
    int n_defaults;
} st_schema;

/* Finds a field anywhere in the schema by id (nested included: struct fields,
 * list elements, map keys and values); NULL if absent. Borrowed from schema. */
const st_field *st_schema_find_id(const st_type *schema, int32_t id);
/* Finds a field by dotted name ("addr.city"); NULL if absent. Case-sensitive.
 * Names are Iceberg's full names: a list's element is "a.element", a map's
 * key and value "m.key" and "m.value"; as in Java's index, the fields of a
 * struct inside a list element or a map value are also found without the
 * "element"/"value" step ("a.x" for "a.element.x") when that is not ambiguous.
 * Field names that contain dots are matched too. Borrowed from schema. */
const st_field *st_schema_find_name(const st_type *schema, const char *name);
/* Highest field id in the type (0 for none). */
int32_t st_schema_max_id(const st_type *schema);
/* A copy of a struct type with fresh ids 1, 2, ... in Iceberg's order
 * (schema_fresh.c). @param[out] out release with st_type_free(). */
int st_schema_assign_fresh_ids(st_type **out, const st_type *schema);

/* ================================================= partition specs, sort orders */

#define ST_PARTITION_FIELD_ID_START 1000
#define ST_PARTITION_DATA_ID_START 1000

typedef struct st_partition_field {
    int32_t source_id;
    int32_t field_id;
    char *name;
    st_transform transform;
} st_partition_field;

typedef struct st_partition_spec {
    int32_t spec_id;
    st_partition_field *fields;
    int n_fields;
} st_partition_spec;

/* The partition tuple's struct type for a spec over a schema: one optional field
 * per partition field, id = partition field id, type = the transform's result
 * type (a source missing from the schema gives the transform's nominal type:
 * int for bucket/year/month/hour, date for day, string otherwise).
 * @param[out] out release with st_type_free(). */
int st_partition_type(st_type **out, const st_partition_spec *spec, const st_type *schema);

typedef struct st_sort_field {
    st_transform transform;
    int32_t source_id;
    int descending;      /* 0: asc */
    int nulls_first;     /* 1: nulls-first */
} st_sort_field;

typedef struct st_sort_order {
    int32_t order_id;    /* 0 is the unsorted order */
    st_sort_field *fields;
    int n_fields;
} st_sort_order;

/* ============================================================= snapshots */

typedef struct st_snapshot {
    int64_t snapshot_id;
    int64_t parent_id;           /* ST_NULL64 for a root */
    int64_t sequence_number;     /* 0 in v1 */
    int64_t timestamp_ms;
    char *manifest_list;         /* NULL for a v1 snapshot with `manifests` */
    char **manifests;            /* v1 only */
    int n_manifests;
    st_props summary;            /* "operation" first, then counters */
    int32_t schema_id;           /* ST_NULL32 when absent */
    int64_t first_row_id;        /* v3, else ST_NULL64 */
    int64_t added_rows;          /* v3, else ST_NULL64 */
    char *key_id;                /* v3, else NULL */
} st_snapshot;

typedef struct st_snapshot_ref {
    char *name;
    int64_t snapshot_id;
    int is_tag;                  /* 0: branch */
    int32_t min_snapshots_to_keep;   /* ST_NULL32 when absent */
    int64_t max_snapshot_age_ms;     /* ST_NULL64 when absent */
    int64_t max_ref_age_ms;          /* ST_NULL64 when absent */
} st_snapshot_ref;

typedef struct st_snapshot_log_entry {
    int64_t snapshot_id;
    int64_t timestamp_ms;
} st_snapshot_log_entry;

typedef struct st_metadata_log_entry {
    char *metadata_file;
    int64_t timestamp_ms;
} st_metadata_log_entry;

typedef struct st_statistics_file {
    int64_t snapshot_id;
    char *statistics_path;
    int64_t file_size_in_bytes;
    int64_t file_footer_size_in_bytes;   /* ST_NULL64 for partition statistics */
    char *blob_metadata_json;            /* the "blob-metadata" array as JSON text, or NULL */
} st_statistics_file;

/* ======================================================== table metadata */

typedef struct st_table_metadata {
    int format_version;
    char table_uuid[40];         /* "" when absent (v1) */
    char *location;
    int64_t last_sequence_number;
    int64_t last_updated_ms;
    int32_t last_column_id;

    st_schema *schemas;
    int n_schemas;
    int32_t current_schema_id;

    st_partition_spec *specs;
    int n_specs;
    int32_t default_spec_id;
    int32_t last_partition_id;   /* 999 when no partition field was ever created */

    st_sort_order *sort_orders;
    int n_sort_orders;
    int32_t default_sort_order_id;

    st_props properties;

    int64_t current_snapshot_id; /* -1: none (absent, null and -1 all read as -1) */
    st_snapshot *snapshots;
    int n_snapshots;
    st_snapshot_log_entry *snapshot_log;
    int n_snapshot_log;
    st_metadata_log_entry *metadata_log;
    int n_metadata_log;
    st_snapshot_ref *refs;       /* "main" included when a current snapshot exists */
    int n_refs;
    st_statistics_file *statistics;
    int n_statistics;
    st_statistics_file *partition_statistics;
    int n_partition_statistics;

    int64_t next_row_id;         /* v3, else ST_NULL64 */
    char *encryption_keys_json;  /* v3 "encryption-keys" array as JSON text, or NULL */

    /* Not serialized: where this version was read from (NULL for new metadata). */
    char *metadata_location;
} st_table_metadata;

void st_metadata_free(st_table_metadata *m);
/* Deep copy. @param[out] out release with st_metadata_free(). */
int st_metadata_clone(st_table_metadata **out, const st_table_metadata *m);

/* Model equality: every serialized field (properties, summaries and refs as
 * maps); metadata_location is not compared. 1 when equal. */
int st_metadata_equals(const st_table_metadata *a, const st_table_metadata *b);

/* Lookups; borrowed pointers or NULL. */
const st_schema *st_metadata_schema(const st_table_metadata *m, int32_t schema_id);
const st_schema *st_metadata_current_schema(const st_table_metadata *m);
const st_partition_spec *st_metadata_spec(const st_table_metadata *m, int32_t spec_id);
const st_partition_spec *st_metadata_default_spec(const st_table_metadata *m);
const st_sort_order *st_metadata_sort_order(const st_table_metadata *m, int32_t order_id);
const st_snapshot *st_metadata_snapshot(const st_table_metadata *m, int64_t snapshot_id);
const st_snapshot *st_metadata_current_snapshot(const st_table_metadata *m);
const st_snapshot_ref *st_metadata_ref(const st_table_metadata *m, const char *name);

/*
 * Parses table metadata JSON (plain or gzip, detected by the 1f 8b magic), format
 * versions 1..ST_FORMAT_VERSION_MAX, with the v1 quirks (a single `schema`,
 * `partition-spec` as a bare field list without field ids, snapshots with
 * `manifests`, -1 current snapshot id). A newer version -> ST_EUNSUPPORTED; a
 * malformed document -> ST_ECORRUPT naming the field ("snapshots[2].snapshot-id:
 * expected an integer"). `source` names the document in messages.
 * @param[out] out release with st_metadata_free().
 */
int st_metadata_parse(st_table_metadata **out, const void *data, size_t len, const char *source);
/* Reads and parses a metadata file; sets metadata_location to `path`. */
int st_metadata_read_file(st_table_metadata **out, const char *path);
/*
 * Serializes as Java writes it for the metadata's format version (v1: both
 * `schema` and `schemas`, `partition-spec` and `partition-specs`, ...).
 * @param[out] out a NUL-terminated JSON text; the caller st_free()s it.
 */
int st_metadata_to_json(char **out, const st_table_metadata *m);

/* ================================================= data files, manifests */

typedef enum st_content {
    ST_CONTENT_DATA = 0,
    ST_CONTENT_POSITION_DELETES = 1,
    ST_CONTENT_EQUALITY_DELETES = 2
} st_content;

typedef enum st_entry_status {
    ST_ENTRY_EXISTING = 0,
    ST_ENTRY_ADDED = 1,
    ST_ENTRY_DELETED = 2
} st_entry_status;

/* Column metrics of one field id in a data file; absent counts are -1, absent
 * bounds NULL. */
typedef struct st_column_stats {
    int32_t field_id;
    int64_t column_size;
    int64_t value_count;
    int64_t null_count;
    int64_t nan_count;
    const uint8_t *lower;
    size_t lower_len;
    const uint8_t *upper;
    size_t upper_len;
} st_column_stats;

typedef struct st_data_file {
    st_content content;
    const char *file_path;
    const char *file_format;     /* "PARQUET" (compare case-insensitively) */
    int32_t spec_id;             /* from the manifest, not stored in the entry */
    st_value *partition;         /* one per partition field of the spec */
    int n_partition;
    int64_t record_count;
    int64_t file_size_in_bytes;
    st_column_stats *stats;      /* sorted by field id */
    int n_stats;
    const uint8_t *key_metadata;
    size_t key_metadata_len;
    int64_t *split_offsets;
    int n_split_offsets;
    int32_t *equality_ids;
    int n_equality_ids;
    int32_t sort_order_id;       /* ST_NULL32 when absent */
    int64_t first_row_id;        /* v3; ST_NULL64 */
    const char *referenced_data_file;   /* NULL */
    int64_t content_offset;      /* v3 DV; ST_NULL64 */
    int64_t content_size_in_bytes;      /* v3 DV; ST_NULL64 */
} st_data_file;

/* The stats of field `id` in a data file (binary search: stats are sorted by
 * field id), or NULL. Borrowed from `f`. */
const st_column_stats *st_data_file_stats(const st_data_file *f, int32_t id);

typedef struct st_manifest_entry {
    st_entry_status status;
    int64_t snapshot_id;             /* after inheritance; ST_NULL64 only if unknown */
    int64_t sequence_number;         /* data sequence number, after inheritance */
    int64_t file_sequence_number;    /* after inheritance */
    st_data_file file;
} st_manifest_entry;

/* One entry of a manifest list. */
typedef struct st_field_summary {
    int contains_null;
    int contains_nan;                /* -1 when absent */
    const uint8_t *lower;
    size_t lower_len;
    const uint8_t *upper;
    size_t upper_len;
} st_field_summary;

typedef struct st_manifest_file {
    const char *manifest_path;
    int64_t manifest_length;
    int32_t partition_spec_id;
    st_content content;              /* DATA or (any) deletes: 0 or 1 */
    int64_t sequence_number;         /* 0 in v1 */
    int64_t min_sequence_number;     /* 0 in v1 */
    int64_t added_snapshot_id;
    int32_t added_files_count;       /* -1 when absent */
    int32_t existing_files_count;
    int32_t deleted_files_count;
    int64_t added_rows_count;        /* -1 when absent */
    int64_t existing_rows_count;
    int64_t deleted_rows_count;
    st_field_summary *partitions;
    int n_partitions;
    const uint8_t *key_metadata;
    size_t key_metadata_len;
    int64_t first_row_id;            /* v3; ST_NULL64 */
} st_manifest_file;

typedef struct st_manifest_list {
    st_arena arena;
    st_manifest_file *files;
    int n_files;
} st_manifest_list;

typedef struct st_manifest {
    st_arena arena;
    int format_version;
    int32_t spec_id;
    int32_t schema_id;               /* ST_NULL32 when absent */
    st_content content;              /* DATA, or POSITION_DELETES for "deletes" */
    char *schema_json;               /* the "schema" key-value metadata */
    char *partition_spec_json;       /* "partition-spec" (the fields array) */
    st_manifest_entry *entries;
    int n_entries;
} st_manifest;

/*
 * Reads a manifest list. Entries are resolved by field id (older writers'
 * names such as added_data_files_count are accepted). v1 lists read content,
 * sequence numbers as 0.
 * @param[out] out release with st_manifest_list_free().
 */
int st_manifest_list_read(st_manifest_list **out, const char *path);
/* The same from memory (`data` is not kept); `name` names it in messages. */
int st_manifest_list_read_buffer(st_manifest_list **out, const void *data, size_t len,
                                 const char *name);
void st_manifest_list_free(st_manifest_list *l);

/*
 * Reads a manifest. `mf` is its manifest-list entry (for inheritance of
 * snapshot id and sequence numbers by ADDED entries; NULL when unknown).
 * `partition_type` (from st_partition_type) types the partition tuple; NULL to
 * take it from the manifest's own Avro schema.
 * @param[out] out release with st_manifest_free().
 */
int st_manifest_read(st_manifest **out, const char *path, const st_manifest_file *mf,
                     const st_type *partition_type);
/* The same from memory (`data` is not kept); `name` names it in messages. */
int st_manifest_read_buffer(st_manifest **out, const void *data, size_t len, const char *name,
                            const st_manifest_file *mf, const st_type *partition_type);
void st_manifest_free(st_manifest *m);

/* Writes a manifest (entries of one spec, one content kind). */
typedef struct st_manifest_writer st_manifest_writer;

typedef struct st_manifest_writer_options {
    int format_version;
    const st_partition_spec *spec;
    const st_type *partition_type;   /* st_partition_type(spec, schema) */
    const st_schema *schema;         /* the table's current schema */
    st_content content;              /* DATA or a delete kind ("deletes") */
    int64_t snapshot_id;             /* the committing snapshot (added_snapshot_id) */
    const char *schema_json;         /* the table schema as metadata JSON (the manifest's
                                        "schema" key); required */
} st_manifest_writer_options;

/* The file is published atomically at `path` when closed. */
int st_manifest_writer_open(st_manifest_writer **out, const char *path,
                            const st_manifest_writer_options *opts);
/*
 * Adds an entry. As Java does, the snapshot id is always written (ST_NULL64:
 * the writer's snapshot); ADDED entries of the committing snapshot are written
 * with null data and file sequence numbers (v2+: they inherit the manifest
 * list's); EXISTING and DELETED entries keep theirs explicitly (required).
 * Partition values must have the partition type's field types.
 */
int st_manifest_writer_add(st_manifest_writer *w, const st_manifest_entry *e);
/*
 * Finishes the file and fills `out` (its manifest-list entry: length, counts,
 * partition summaries, min sequence number (ST_NULL64 until the commit assigns
 * it: entries still to inherit count as the new sequence number)). Strings and
 * bytes in `out` live in `arena`. Frees the writer, also on failure.
 */
int st_manifest_writer_close(st_manifest_writer *w, st_manifest_file *out, st_arena *arena);
void st_manifest_writer_abort(st_manifest_writer *w);

/*
 * Writes a manifest list for a snapshot (published atomically at `path`).
 * Entries whose sequence_number is ST_NULL64 get `sequence_number`; a
 * min_sequence_number of ST_NULL64 becomes `sequence_number` too.
 * v3 (Java's rule): each data manifest whose first_row_id is ST_NULL64 gets
 * the next row id, starting at `first_row_id`, which then advances by its
 * existing + added rows; the snapshot's added-rows is the total advance.
 */
typedef struct st_manifest_list_write_options {
    int format_version;
    int64_t snapshot_id;
    int64_t parent_snapshot_id;      /* ST_NULL64 for a root: written as "null" */
    int64_t sequence_number;
    int64_t first_row_id;            /* v3; ST_NULL64 otherwise */
} st_manifest_list_write_options;

int st_manifest_list_write(const char *path, const st_manifest_file *files, int n_files,
                           const st_manifest_list_write_options *opts);

#endif
