/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The scan layer (internal): planning (plan.c), reading (read.c), the
 * projection of file batches onto the read schema (project.c), delete files
 * (deletes.h) and metadata tables (meta_tables.c).
 */
#ifndef ST_SCAN_SCAN_INT_H
#define ST_SCAN_SCAN_INT_H

#include "expr/expr.h"
#include "spec/spec.h"
#include "supertable/scan.h"
#include "table/table_int.h"
#include "table/txn_int.h"
#include "util/pool.h"

/*
 * Reads manifests files[0..n) of table `t` (paths through its location map,
 * partition tuples typed by each manifest's spec over `md`'s current schema)
 * in parallel on `pool` (NULL: the calling thread), into out[0..n) (each
 * released with st_manifest_free(); all NULL on failure).
 * @return 0 or the first failure (naming the manifest).
 */
int st_manifests_read_all(const st_table *t, const st_table_metadata *md,
                          const st_manifest_file *files, int n, st_pool *pool, st_manifest **out);

/*
 * The snapshot a scan reads: current (no selector), an id, a ref, or the one
 * that was current at `as_of_ms` (from the snapshot log). *out is NULL for a
 * table without snapshots (no selector given).
 * *use_table_schema is 1 when the table's current schema applies (current
 * snapshot, a branch), 0 when the snapshot's own schema does (an id, a tag, a time).
 */
int st_scan_pick_snapshot(const st_table *t, int64_t snapshot_id, int64_t as_of_ms,
                          const char *ref, const st_snapshot **out, int *use_table_schema);

/* ------------------------------------------------------------- the plan */

/* Values for fields a data file lacks: identity partition values (by source
 * field id) and initial defaults. Borrowed arrays. */
typedef struct st_scan_consts {
    const int32_t *ids;
    const st_value *values;
    int n;
} st_scan_consts;

/* The constant for field `id`, or NULL. */
const st_value *st_scan_consts_find(const st_scan_consts *c, int32_t id);

/*
 * Builds a batch of `schema` from a batch decoded from a data file, matching
 * fields by id (see project.c). Unchanged columns are shared.
 * @param[out] out release with st_batch_free().
 * @return 0; ST_EINVALID (a file type that cannot be read as the field's);
 *         ST_ENOMEM.
 */
int st_scan_project(st_batch **out, const st_batch *in, st_type *schema, const st_scan_consts *c);

/* A live file chosen by planning; points into the scan's manifests. */
typedef struct st_scan_file {
    const st_data_file *file;
    int64_t data_seq;            /* data sequence number */
    int32_t *deletes;            /* indexes into scan->delete_files (arena) */
    int n_deletes;
    int n_pos, n_eq;
    int filter_true;             /* every row matches the filter: no residual */
    st_scan_consts consts;       /* identity partition values + defaults */
} st_scan_file;

typedef struct st_scan_task_int {
    int file;                    /* index into scan->files */
    int64_t start, end;          /* row groups whose first page lies in [start, end) */
} st_scan_task_int;

struct st_scan {
    st_table *table;
    st_arena arena;
    st_pool *pool;               /* NULL: calling thread */
    const st_snapshot *snapshot; /* NULL: empty table */
    const st_schema *schema;     /* the schema read (snapshot's or table's) */
    st_type *opt_type;           /* schema->type with every field optional: a field a
                                    file lacks reads as null even when required */
    st_type *out_type;           /* the projection returned */
    st_type *read_type;          /* out_type + filter and equality-delete columns */
    st_expr *filter;             /* bound to schema->type; NULL when none */
    st_expr *metrics_filter;     /* filter for manifest metrics (see plan.c); may be filter */
    char *name_mapping;          /* schema.name-mapping.default, or NULL */
    int64_t limit;
    int64_t split_target;
    const char *ref_name;        /* for explain: a copy in the arena, or NULL */

    st_manifest **manifests;     /* read manifests (data and delete), owned */
    int n_manifests;
    st_scan_file *files;
    int n_files;
    const st_manifest_entry **delete_files;   /* live delete files that apply */
    int n_delete_files;
    st_scan_task_int *tasks;
    int n_tasks;

    st_scan_metrics m;           /* reading counters updated atomically */
    int64_t files_residual;      /* files whose rows the filter must still test */
};

/* Plans `s` (table and pool set) with the options: snapshot, schemas,
 * filter, files, deletes, tasks (plan.c). */
int st_scan_plan(st_scan *s, const st_scan_options *o);

#endif
