/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Reading Iceberg tables: scans and metadata tables.
 *
 * A scan picks a snapshot (the current one, an id, the one current at a time,
 * or a branch's or tag's), plans it -- reads the manifest list and the
 * manifests (in parallel), prunes manifests by their partition summaries and
 * files by their partition values and column metrics, and pairs each data
 * file with the delete files that apply to it -- and then reads the planned
 * files in parallel as batches: columns projected by field id to the
 * snapshot's schema (renamed columns under their new names, added columns
 * null or their initial default, widened types promoted, identity partition
 * columns from the partition tuple when a file lacks them, name mapping for
 * files without field ids), row groups pruned by their statistics, deletes
 * (position, equality, deletion vectors) and the filter applied.
 *
 * Thread-safety: a scan and its reader are used by one thread at a time (the
 * reader uses worker threads inside). The table must outlive the scan, and
 * must not be refreshed (st_table_refresh) while the scan is in use: the plan
 * points into the table's loaded metadata. The scan must outlive its reader.
 */
#ifndef SUPERTABLE_SCAN_H
#define SUPERTABLE_SCAN_H

#include "common.h"
#include "table.h"
#include "types.h"
#include "vector.h"

ST_BEGIN_DECL

typedef struct st_scan st_scan;

#define ST_SCAN_OPTIONS_VERSION 1
#define ST_SCAN_NO_TIME INT64_MIN

typedef struct st_scan_options {
    unsigned int version;        /**< ST_SCAN_OPTIONS_VERSION */
    /** Columns to read, by name (dotted for fields of structs), NULL-terminated;
     *  NULL reads every column of the schema. */
    const char *const *columns;
    /** A filter in the expression syntax of the CLI (`a > 5 AND b = 'x'`); NULL
     *  for every row. Rows are returned only where it is TRUE. */
    const char *filter;
    /** Snapshot selection, at most one of: */
    int64_t snapshot_id;         /**< -1: not by id */
    int64_t as_of_ms;            /**< ST_SCAN_NO_TIME, or the snapshot current at this time */
    const char *ref;             /**< a branch or tag name, or NULL */
    int case_sensitive;          /**< column names in columns and filter; 0 (default): not */
    int64_t limit;               /**< stop after this many rows; -1: no limit */
    int threads;                 /**< 0: the process-wide pool; 1: the calling thread only */
    /** Split large files at row groups into tasks of about this many bytes;
     *  0: the table property read.split.target-size (default 128 MiB). */
    int64_t split_target_size;
} st_scan_options;

#define ST_SCAN_OPTIONS_INIT {ST_SCAN_OPTIONS_VERSION, NULL, NULL, -1, ST_SCAN_NO_TIME, NULL, \
                              0, -1, 0, 0}

/**
 * Plans a scan of `t` (the table must outlive it).
 * @param opts NULL for the defaults (current snapshot, all columns and rows).
 * @param[out] out release with st_scan_free().
 * @return 0; ST_ENOTFOUND for an unknown snapshot, ref or column, or a time
 *         before the first snapshot; ST_EINVALID for a bad filter or several
 *         snapshot selectors; ST_ECORRUPT / ST_EIO for unreadable metadata.
 *         A table without snapshots plans an empty scan.
 */
ST_EXTERN(int) st_table_scan(st_scan **out, st_table *t, const st_scan_options *opts);
/** NULL-safe. */
ST_EXTERN(void) st_scan_free(st_scan *s);

/** The schema of the batches (the projection of the snapshot's schema). Borrowed. */
ST_EXTERN(st_type *) st_scan_schema(const st_scan *s);
/** The snapshot read, or -1 when the table has none. */
ST_EXTERN(int64_t) st_scan_snapshot_id(const st_scan *s);

/** What planning (and reading, so far) did. Counts, not times, except planning_ms. */
typedef struct st_scan_metrics {
    int64_t manifests;                 /**< data manifests in the manifest list */
    int64_t manifests_pruned;          /**< ... skipped by their partition summaries */
    int64_t delete_manifests;
    int64_t delete_manifests_pruned;
    int64_t data_files;                /**< live data files in the manifests read */
    int64_t data_files_pruned_partition;
    int64_t data_files_pruned_metrics;
    int64_t data_files_read;           /**< files with at least one task */
    int64_t delete_files;              /**< live delete files in the manifests read */
    int64_t delete_files_pruned;       /**< that apply to no data file read */
    int64_t delete_files_read;
    int64_t tasks;                     /**< file splits */
    int64_t row_groups;                /**< row groups of the tasks read so far */
    int64_t row_groups_pruned;         /**< ... skipped by their statistics */
    int64_t rows_read;                 /**< rows decoded */
    int64_t rows_deleted;              /**< removed by delete files */
    int64_t rows_filtered;             /**< removed by the filter */
    int64_t rows_returned;
    double planning_ms;
} st_scan_metrics;

ST_EXTERN(void) st_scan_get_metrics(const st_scan *s, st_scan_metrics *out);

/**
 * The plan as text, one line per stage:
 *   snapshot: 123 (main), schema 1
 *   manifests: 3 considered, 1 pruned by partition summaries, 2 read
 *   data files: 20 considered, 15 pruned by partition, 0 pruned by metrics, 5 read
 *   delete files: 2 considered, 1 pruned, 1 applied
 *   tasks: 5 (split target 134217728 bytes)
 *   filter: residual ...
 * @param[out] out st_free() it.
 */
ST_EXTERN(int) st_scan_explain(const st_scan *s, char **out);

/** One planned task (a file, or a range of its row groups). Strings borrowed from the scan. */
typedef struct st_scan_task_info {
    const char *path;            /**< as recorded in the manifest */
    int64_t start, length;       /**< byte range: the row groups starting in it */
    int64_t record_count;        /**< of the whole file */
    int64_t data_sequence_number;
    int32_t spec_id;
    int n_position_deletes;      /**< position-delete files and deletion vectors */
    int n_equality_deletes;
} st_scan_task_info;

ST_EXTERN(size_t) st_scan_task_count(const st_scan *s);
ST_EXTERN(int) st_scan_task(const st_scan *s, size_t i, st_scan_task_info *out);

/**
 * Reads the planned rows, tasks in plan order (rows of a file in file order),
 * decoding ahead on the pool with memory bounded by a few row groups per
 * thread. Export it with st_arrow_export_stream() for an ArrowArrayStream.
 * @param[out] out release with st_batch_reader_free() before the scan.
 */
ST_EXTERN(int) st_scan_reader(st_batch_reader **out, st_scan *s);

/* -------------------------------------------------------- metadata tables */

/**
 * Iceberg's metadata tables as batches (columns as Spark's metadata tables):
 *   "snapshots", "history", "metadata_log_entries", "refs" (the table's state);
 *   "manifests", "entries", "files", "data_files", "delete_files",
 *   "partitions" (of one snapshot: `snapshot_id`, or -1 for the current one).
 * @param[out] out release with st_batch_reader_free() (the table must outlive it).
 * @return 0, ST_ENOTFOUND (an unknown name or snapshot), ST_ECORRUPT/ST_EIO.
 */
ST_EXTERN(int) st_table_metadata_scan(st_batch_reader **out, st_table *t, const char *name,
                                      int64_t snapshot_id);

ST_END_DECL

#endif
