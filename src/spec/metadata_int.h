/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Private to the metadata files (metadata.c, schema_json.c, metadata_json.c,
 * update_apply.c, update_json.c): a compact JSON writer, a JSON reader context
 * that names the path of a bad value, the JSON forms of the metadata parts, and
 * equality of the parts.
 *
 * Reading uses jansson (its json_t trees); integers are jansson's long long, so
 * int64 ids never pass through a double. Writing is ours, into an st_buf, so
 * every allocation goes through st_malloc and the key order is Java's.
 */
#ifndef ST_SPEC_METADATA_INT_H
#define ST_SPEC_METADATA_INT_H

#include <jansson.h>

#include "spec/update.h"

/* ============================================================ writer */

/*
 * Compact JSON into `buf`. Commas are placed by looking at the last byte
 * written: after '{', '[' or ':' a value needs none. Errors are sticky in `rc`
 * so a serializer can write everything and check once.
 */
typedef struct st_jw {
    st_buf buf;
    int rc;
} st_jw;

void st_jw_begin_obj(st_jw *w);
void st_jw_end_obj(st_jw *w);
void st_jw_begin_arr(st_jw *w);
void st_jw_end_arr(st_jw *w);
void st_jw_key(st_jw *w, const char *key);
void st_jw_str(st_jw *w, const char *s);
void st_jw_i64(st_jw *w, int64_t v);
void st_jw_bool(st_jw *w, int b);
void st_jw_null(st_jw *w);
/* A value that is already JSON text (kept blob metadata, encryption keys). */
void st_jw_raw(st_jw *w, const char *json);
/* Any jansson value (compact; reals in their shortest round-tripping form). */
void st_jw_value(st_jw *w, const json_t *v);
/* Hands the text over (*out, the caller st_free()s it) or returns the error. */
int st_jw_finish(st_jw *w, char **out);

/* ============================================================ reader */

/*
 * Where a reader is in a document, for messages such as
 * "'v3.metadata.json': snapshots[1].timestamp-ms: expected an integer".
 * `code` is what malformed input returns: ST_ECORRUPT for files, ST_EINVALID
 * for request bodies. `source` may be NULL (no quoted prefix).
 */
typedef struct st_jr {
    int code;
    const char *source;
    char path[320];
    size_t len;
} st_jr;

void st_jr_init(st_jr *r, int code, const char *source);
/* Appends ".key" / "[i]" to the path; returns the mark to pop back to. */
size_t st_jr_push(st_jr *r, const char *key);
size_t st_jr_push_index(st_jr *r, size_t i);
void st_jr_pop(st_jr *r, size_t mark);
/* Sets the error "'source': path: <message>" and returns r->code. */
int st_jr_fail(st_jr *r, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* Same, with another code (ST_EUNSUPPORTED for unknown type names, ...). */
int st_jr_fail_code(st_jr *r, int code, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* Member getters. Absent (and JSON null) members give `dflt` when not required,
 * else "missing required field". Wrong types fail at the member's path. */
int st_jr_i64(st_jr *r, const json_t *obj, const char *key, int required, int64_t dflt,
              int64_t *out);
int st_jr_i32(st_jr *r, const json_t *obj, const char *key, int required, int32_t dflt,
              int32_t *out);
int st_jr_bool(st_jr *r, const json_t *obj, const char *key, int required, int dflt, int *out);
/* Borrowed from the json_t (NULL when absent and not required). */
int st_jr_str(st_jr *r, const json_t *obj, const char *key, int required, const char **out);
/* An array or object member; NULL when absent and not required. */
int st_jr_arr(st_jr *r, const json_t *obj, const char *key, int required, json_t **out);
int st_jr_obj(st_jr *r, const json_t *obj, const char *key, int required, json_t **out);
/* Checks that `v` (the value at the current path) is an object. */
int st_jr_expect_obj(st_jr *r, const json_t *v);
/* Reads an object of string values into `out` (appended in document order). */
int st_jr_string_map(st_jr *r, const json_t *obj, st_props *out);
/* The JSON text of `v` (compact), st_malloc'ed. */
int st_json_text(char **out, const json_t *v);

/* ===================================================== parts: JSON forms */

/* Schemas (schema_json.c). A schema without schema-id gets `dflt_id`. */
int st_json_read_schema(st_jr *r, const json_t *j, int32_t dflt_id, st_schema *out);
void st_jw_schema(st_jw *w, const st_schema *s);

/* Specs, orders, snapshots, refs, statistics (metadata_json.c).
 * `rest` relaxes what REST bodies may omit: spec-id and order-id (-1), partition
 * field ids (ST_NULL32: assign). */
int st_json_read_spec(st_jr *r, const json_t *j, int rest, st_partition_spec *out);
/* The bare field list of v1 `partition-spec` (field ids may be absent: ST_NULL32). */
int st_json_read_spec_fields(st_jr *r, const json_t *arr, st_partition_spec *out);
int st_json_read_sort_order(st_jr *r, const json_t *j, int rest, st_sort_order *out);
int st_json_read_snapshot(st_jr *r, const json_t *j, st_snapshot *out);
/* The ref members of `j` (snapshot-id, type, retention); `name` is copied. */
int st_json_read_ref(st_jr *r, const json_t *j, const char *name, st_snapshot_ref *out);
int st_json_read_statistics(st_jr *r, const json_t *j, int partition, st_statistics_file *out);

void st_jw_spec(st_jw *w, const st_partition_spec *s);
void st_jw_spec_fields(st_jw *w, const st_partition_spec *s);
void st_jw_sort_order(st_jw *w, const st_sort_order *o);
void st_jw_snapshot(st_jw *w, const st_snapshot *s);
/* Writes the ref's members into the object being written (no braces). */
void st_jw_ref_members(st_jw *w, const st_snapshot_ref *r);
void st_jw_statistics(st_jw *w, const st_statistics_file *s, int partition);

/* ======================================================= parts: equality */

/* Same columns, docs, defaults and identifier ids; the schema id is ignored. */
int st_schema_same(const st_schema *a, const st_schema *b);
/* Java's compatibleWith: same source ids, transforms and names; ids ignored. */
int st_spec_compatible(const st_partition_spec *a, const st_partition_spec *b);
int st_spec_equals(const st_partition_spec *a, const st_partition_spec *b);
/* Same fields; the order id is ignored. */
int st_sort_order_same(const st_sort_order *a, const st_sort_order *b);
int st_snapshot_equals(const st_snapshot *a, const st_snapshot *b);
int st_ref_equals(const st_snapshot_ref *a, const st_snapshot_ref *b);
int st_statistics_equals(const st_statistics_file *a, const st_statistics_file *b);
/* Order-insensitive map equality. */
int st_props_equal(const st_props *a, const st_props *b);
/* The default of a field id, or NULL. */
const st_field_default *st_schema_default(const st_schema *s, int32_t field_id);

/* REST names of update and requirement kinds ("add-schema"), or NULL. */
const char *st_update_kind_name(int kind);
const char *st_requirement_kind_name(int kind);

/* NULL-safe string equality. */
int st_str_eq(const char *a, const char *b);

#endif
