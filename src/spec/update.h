/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The commit model (internal): requirements and updates exactly as the REST
 * catalog defines them (rest-catalog-open-api.yaml, TableRequirement and
 * TableUpdate). Every catalog applies the same list through st_updates_apply();
 * the REST server parses the same JSON.
 *
 * Ownership: an st_change owns its requirements and updates and everything in
 * them (st_change_free). Objects put into an update (a schema, a snapshot, a
 * spec) are moved in: the change frees them.
 */
#ifndef ST_SPEC_UPDATE_H
#define ST_SPEC_UPDATE_H

#include "spec/spec.h"

typedef enum st_requirement_kind {
    ST_REQ_ASSERT_CREATE = 1,
    ST_REQ_ASSERT_TABLE_UUID,
    ST_REQ_ASSERT_REF_SNAPSHOT_ID,
    ST_REQ_ASSERT_LAST_ASSIGNED_FIELD_ID,
    ST_REQ_ASSERT_CURRENT_SCHEMA_ID,
    ST_REQ_ASSERT_LAST_ASSIGNED_PARTITION_ID,
    ST_REQ_ASSERT_DEFAULT_SPEC_ID,
    ST_REQ_ASSERT_DEFAULT_SORT_ORDER_ID
} st_requirement_kind;

typedef struct st_requirement {
    st_requirement_kind kind;
    char *ref;            /* assert-ref-snapshot-id */
    int64_t snapshot_id;  /* assert-ref-snapshot-id; ST_NULL64 = "the ref must not exist" */
    int64_t id;           /* the asserted id of the other kinds */
    char uuid[40];        /* assert-table-uuid */
} st_requirement;

typedef enum st_update_kind {
    ST_UPD_ASSIGN_UUID = 1,
    ST_UPD_UPGRADE_FORMAT_VERSION,
    ST_UPD_ADD_SCHEMA,
    ST_UPD_SET_CURRENT_SCHEMA,
    ST_UPD_ADD_SPEC,
    ST_UPD_SET_DEFAULT_SPEC,
    ST_UPD_ADD_SORT_ORDER,
    ST_UPD_SET_DEFAULT_SORT_ORDER,
    ST_UPD_ADD_SNAPSHOT,
    ST_UPD_SET_SNAPSHOT_REF,
    ST_UPD_REMOVE_SNAPSHOTS,
    ST_UPD_REMOVE_SNAPSHOT_REF,
    ST_UPD_SET_LOCATION,
    ST_UPD_SET_PROPERTIES,
    ST_UPD_REMOVE_PROPERTIES,
    ST_UPD_SET_STATISTICS,
    ST_UPD_REMOVE_STATISTICS,
    ST_UPD_SET_PARTITION_STATISTICS,
    ST_UPD_REMOVE_PARTITION_STATISTICS,
    ST_UPD_REMOVE_PARTITION_SPECS,
    ST_UPD_REMOVE_SCHEMAS
} st_update_kind;

typedef struct st_update {
    st_update_kind kind;
    char uuid[40];              /* assign-uuid */
    int format_version;         /* upgrade-format-version */
    st_schema schema;           /* add-schema (schema_id may be -1: assign) */
    int32_t last_column_id;     /* add-schema, deprecated; ST_NULL32 when absent */
    int32_t id;                 /* set-current-schema, set-default-spec,
                                   set-default-sort-order: -1 = the last added */
    st_partition_spec spec;     /* add-spec (spec_id may be -1: assign) */
    st_sort_order sort_order;   /* add-sort-order (order_id may be -1: assign) */
    st_snapshot snapshot;       /* add-snapshot */
    st_snapshot_ref ref;        /* set-snapshot-ref (name, type, id, retention) */
    char *ref_name;             /* remove-snapshot-ref */
    int64_t *ids;               /* remove-snapshots, remove-*-statistics (one id) */
    int32_t *ids32;             /* remove-partition-specs, remove-schemas */
    int n_ids;
    char *location;             /* set-location */
    st_props props;             /* set-properties */
    char **keys;                /* remove-properties */
    int n_keys;
    st_statistics_file stats;   /* set-statistics, set-partition-statistics */
} st_update;

typedef struct st_change {
    st_requirement *reqs;
    int n_reqs;
    st_update *updates;
    int n_updates;
} st_change;

void st_change_init(st_change *c);
void st_change_free(st_change *c); /* frees the contents, not `c` */
/* Appends an item and returns a pointer to it (NULL on OOM). The item is
 * zeroed except for the "absent" markers: ST_NULL64 for the requirement's
 * snapshot_id; ST_NULL32/ST_NULL64 for the update's last_column_id, snapshot
 * parent/schema/row-lineage fields, ref retention and statistics footer size. */
st_requirement *st_change_add_req(st_change *c, st_requirement_kind kind);
st_update *st_change_add_update(st_change *c, st_update_kind kind);
void st_update_dispose(st_update *u);

/*
 * Checks every requirement against `base` (NULL when the table does not exist).
 * A failed requirement -> ST_ECONFLICT with a message naming it
 * ("requirement failed: branch main has changed: expected snapshot 12, found 13").
 */
int st_requirements_check(const st_table_metadata *base, const st_requirement *reqs, int n);

/*
 * Applies updates in order to a copy of `base` (NULL: a new table: the first
 * updates must assign a uuid, format version, schema, ...), with the Java
 * TableMetadata.Builder semantics: add-snapshot checks the sequence number and
 * does not move `main`; set-snapshot-ref on main sets current-snapshot-id and
 * appends to the snapshot log; ids of -1 mean "the last added"; an added schema,
 * spec or sort order equal to an existing one reuses its id; every change sets
 * last-updated-ms to `now_ms` and appends the base file to the metadata log
 * (capped by write.metadata.previous-versions-max, default 100).
 * Invalid updates -> ST_EINVALID naming the update and the reason; a stale
 * sequence number or first-row-id (a concurrent commit got there first) ->
 * ST_ECONFLICT.
 * @param[out] out the new metadata (metadata_location NULL); release with
 *             st_metadata_free(). *changed is 0 when nothing changed: *out is
 *             then an exact copy of `base` (metadata_location included).
 */
int st_updates_apply(st_table_metadata **out, int *changed, const st_table_metadata *base,
                     const st_update *updates, int n, int64_t now_ms);

/*
 * A new table in one call: builds the create change (assign-uuid with a fresh
 * random v4 uuid, upgrade-format-version, add-schema, set-current-schema -1,
 * add-spec, set-default-spec -1, add-sort-order, set-default-sort-order -1,
 * set-location, set-properties) and applies it to no base. `spec` and `order`
 * may be NULL (unpartitioned, unsorted), `props` too; format_version 0 means 2.
 * Partition field ids below 0 are assigned. The inputs are copied.
 * @param[out] out release with st_metadata_free().
 */
int st_metadata_new(st_table_metadata **out, const st_schema *schema,
                    const st_partition_spec *spec, const st_sort_order *order,
                    const char *location, const st_props *props, int format_version,
                    int64_t now_ms);

/*
 * REST JSON: parse {"requirements":[...],"updates":[...]} (other keys such as
 * "identifier" are ignored), and serialize. Unknown requirement or update types
 * -> ST_EINVALID ("unknown update action 'x'").
 */
int st_change_from_json(st_change *out, const char *json, size_t len);
int st_change_to_json(char **out, const st_change *c);

/* JSON of the parts (used by metadata JSON and REST bodies): the caller st_free()s. */
int st_schema_to_json(char **out, const st_schema *s);
int st_schema_from_json(st_schema *out, const char *json, size_t len);
int st_spec_to_json(char **out, const st_partition_spec *s);
int st_sort_order_to_json(char **out, const st_sort_order *o);

/* Deep copies and disposal of the parts (metadata.c). */
int st_schema_copy(st_schema *dst, const st_schema *src);
void st_schema_dispose(st_schema *s);
int st_spec_copy(st_partition_spec *dst, const st_partition_spec *src);
void st_spec_dispose(st_partition_spec *s);
int st_sort_order_copy(st_sort_order *dst, const st_sort_order *src);
void st_sort_order_dispose(st_sort_order *o);
int st_snapshot_copy(st_snapshot *dst, const st_snapshot *src);
void st_snapshot_dispose(st_snapshot *s);
int st_ref_copy(st_snapshot_ref *dst, const st_snapshot_ref *src);
void st_ref_dispose(st_snapshot_ref *r);
int st_statistics_copy(st_statistics_file *dst, const st_statistics_file *src);
void st_statistics_dispose(st_statistics_file *s);

#endif
