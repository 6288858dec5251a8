/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The scan layer (internal): planning (plan.c), reading (read.c), the
 * projection of file batches onto the read schema (project.c), delete files
 * (deletes.h) and metadata tables (meta_tables.c).
 */
#ifndef ST_SCAN_SCAN_INT_H
#define ST_SCAN_SCAN_INT_H

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

#endif
