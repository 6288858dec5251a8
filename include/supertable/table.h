/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Iceberg tables: a loaded version of a table's metadata, and transactions that
 * change it.
 *
 * A st_table is an immutable view of one metadata version (st_table_refresh
 * moves it to the latest). A st_txn collects changes -- data written, files
 * removed, schema and partition evolution, properties, refs -- and commits
 * them as ONE new metadata version with an atomic compare-and-swap. When
 * another writer won the race, the commit re-reads the table, re-applies the
 * changes on the new version, validates them (an overwrite or delete conflicts
 * with data a concurrent commit added that its filter matches; appends never
 * conflict; schema changes conflict with concurrent schema changes) and
 * retries with exponential backoff and jitter (table properties
 * commit.retry.num-retries, commit.retry.min-wait-ms, commit.retry.max-wait-ms,
 * commit.retry.total-timeout-ms).
 *
 * Data files written by a transaction are deleted when it fails for sure (or is
 * freed uncommitted), and kept when the outcome is unknown (ST_EUNKNOWN).
 *
 * Thread-safety: a table and a transaction are used by one thread at a time.
 * The catalog a table came from must outlive it and is used by it.
 */
#ifndef SUPERTABLE_TABLE_H
#define SUPERTABLE_TABLE_H

#include "catalog.h"
#include "common.h"
#include "types.h"
#include "vector.h"

ST_BEGIN_DECL

/* ------------------------------------------------------------- path tables */

#define ST_TABLE_OPEN_OPTIONS_VERSION 1

typedef struct st_table_open_options {
    unsigned int version;                /**< ST_TABLE_OPEN_OPTIONS_VERSION */
    const char *const *location_map;     /**< "FROM=TO" rewrites, NULL-terminated */
} st_table_open_options;

#define ST_TABLE_OPEN_OPTIONS_INIT {ST_TABLE_OPEN_OPTIONS_VERSION, NULL}

/**
 * Opens a catalog-less table: a folder holding metadata/ (version-hint.text, or
 * the highest vN.metadata.json / NNNNN-uuid.metadata.json), or a metadata file.
 * Commits to a folder write v<N+1>.metadata.json with an atomic no-replace create.
 * @param[out] out release with st_table_free().
 */
ST_EXTERN(int) st_table_open_path(st_table **out, const char *path,
                                  const st_table_open_options *opts);
/** Creates a path table in `folder` (which must not hold a table yet). */
ST_EXTERN(int) st_table_create_path(st_table **out, const char *folder,
                                    const st_table_create_options *opts);

ST_EXTERN(void) st_table_free(st_table *t);
/** Moves the view to the table's latest metadata. */
ST_EXTERN(int) st_table_refresh(st_table *t);

/* ---------------------------------------------------------------- accessors */

/** "ns.table", or the folder of a path table. Borrowed. */
ST_EXTERN(const char *) st_table_name(const st_table *t);
ST_EXTERN(const char *) st_table_location(const st_table *t);
/** The metadata file this view was read from. Borrowed. */
ST_EXTERN(const char *) st_table_metadata_location(const st_table *t);
ST_EXTERN(const char *) st_table_uuid(const st_table *t);
ST_EXTERN(int) st_table_format_version(const st_table *t);
/** The current schema (field ids included). Borrowed. */
ST_EXTERN(st_type *) st_table_schema(const st_table *t);
/** The current snapshot id, or -1 for a table without snapshots. */
ST_EXTERN(int64_t) st_table_current_snapshot_id(const st_table *t);
/** The default partition spec as "day(ts), bucket(16, id)" ("" when unpartitioned);
 *  the caller st_free()s it. */
ST_EXTERN(int) st_table_partition_spec_text(const st_table *t, char **out);
/** The default sort order as "ts desc nulls last, id" ("" when unsorted); st_free() it. */
ST_EXTERN(int) st_table_sort_order_text(const st_table *t, char **out);
/** Table properties; borrowed until the next refresh. */
ST_EXTERN(size_t) st_table_property_count(const st_table *t);
ST_EXTERN(st_property) st_table_property(const st_table *t, size_t i);
/** A property's value or NULL. Borrowed. */
ST_EXTERN(const char *) st_table_property_get(const st_table *t, const char *key);
/** The metadata JSON of this version; the caller st_free()s it. */
ST_EXTERN(int) st_table_metadata_json(const st_table *t, char **out);

/** A snapshot; strings and arrays borrowed from the table until the next refresh. */
typedef struct st_snapshot_info {
    int64_t snapshot_id;
    int64_t parent_id;           /**< -1 for a root */
    int64_t sequence_number;     /**< 0 in v1 tables */
    int64_t timestamp_ms;
    const char *operation;       /**< "append", "overwrite", "delete", "replace" */
    const st_property *summary;  /**< every summary entry, "operation" included */
    size_t n_summary;
    const char *manifest_list;   /**< NULL for v1 snapshots listing manifests */
    int32_t schema_id;           /**< -1 when not recorded */
} st_snapshot_info;

ST_EXTERN(size_t) st_table_snapshot_count(const st_table *t);
/** The i-th snapshot in the metadata's order (commit order). */
ST_EXTERN(int) st_table_snapshot(const st_table *t, size_t i, st_snapshot_info *out);
/** The snapshot with this id; ST_ENOTFOUND if absent. */
ST_EXTERN(int) st_table_snapshot_by_id(const st_table *t, int64_t id, st_snapshot_info *out);

/** An entry of the history (the snapshot log: when main pointed where). */
typedef struct st_history_entry {
    int64_t snapshot_id;
    int64_t timestamp_ms;        /**< when it became current */
    int64_t parent_id;           /**< -1 for a root or an expired snapshot */
    int is_current_ancestor;     /**< 1 if it is an ancestor of (or is) the current snapshot */
} st_history_entry;

ST_EXTERN(size_t) st_table_history_count(const st_table *t);
ST_EXTERN(int) st_table_history(const st_table *t, size_t i, st_history_entry *out);

typedef struct st_ref_info {
    const char *name;
    int64_t snapshot_id;
    int is_tag;
    int32_t min_snapshots_to_keep;   /**< -1 when unset */
    int64_t max_snapshot_age_ms;     /**< -1 when unset */
    int64_t max_ref_age_ms;          /**< -1 when unset */
} st_ref_info;

ST_EXTERN(size_t) st_table_ref_count(const st_table *t);
ST_EXTERN(int) st_table_ref(const st_table *t, size_t i, st_ref_info *out);

/* --------------------------------------------------------- files, manifests */

/** A live data or delete file of a snapshot. Strings are owned by the array. */
typedef struct st_file_info {
    const char *path;
    const char *format;          /**< "PARQUET" */
    int content;                 /**< 0 data, 1 position deletes, 2 equality deletes */
    int32_t spec_id;
    const char *partition;       /**< "ts_day=2024-03-01/id_bucket=3", "" when unpartitioned */
    int64_t record_count;
    int64_t file_size;
    int64_t data_sequence_number;
    int64_t snapshot_id;         /**< the snapshot that added it */
} st_file_info;

/**
 * Lists the live files of a snapshot (-1: the current one).
 * @param[out] out free with st_file_infos_free().
 */
ST_EXTERN(int) st_table_files(const st_table *t, int64_t snapshot_id, st_file_info **out,
                              size_t *n);
ST_EXTERN(void) st_file_infos_free(st_file_info *f, size_t n);

typedef struct st_manifest_info {
    const char *path;
    int64_t length;
    int32_t spec_id;
    int content;                 /**< 0 data, 1 deletes */
    int64_t sequence_number;
    int64_t min_sequence_number;
    int64_t added_snapshot_id;
    int32_t added_files, existing_files, deleted_files;   /**< -1 when not recorded */
    int64_t added_rows, existing_rows, deleted_rows;      /**< -1 when not recorded */
} st_manifest_info;

/** Lists the manifests of a snapshot (-1: current). Free with st_manifest_infos_free(). */
ST_EXTERN(int) st_table_manifests(const st_table *t, int64_t snapshot_id, st_manifest_info **out,
                                  size_t *n);
ST_EXTERN(void) st_manifest_infos_free(st_manifest_info *m, size_t n);

/* ------------------------------------------------------------- transactions */

typedef struct st_txn st_txn;

/**
 * Starts a transaction on the table's current version.
 * @param[out] out commit with st_txn_commit(), then free with st_txn_free().
 */
ST_EXTERN(int) st_table_begin(st_txn **out, st_table *t);
/**
 * Frees the transaction. Files written by an uncommitted (or definitely failed)
 * transaction are deleted; after ST_EUNKNOWN they are kept. NULL-safe.
 */
ST_EXTERN(void) st_txn_free(st_txn *x);

/**
 * Commits everything as one new table version. On success the table the
 * transaction came from is refreshed to it.
 * @param[out] snapshot_id the new snapshot's id when data changed, else -1; may be NULL.
 * @return 0, ST_ECONFLICT (a concurrent change that cannot be re-applied, or
 *         retries exhausted), ST_EINVALID, ST_EUNKNOWN (the catalog did not answer:
 *         the commit may have landed; written files are kept), ST_EIO.
 */
ST_EXTERN(int) st_txn_commit(st_txn *x, int64_t *snapshot_id);

/* Data. Rows go to new Parquet files, partitioned by the table's spec, sorted
 * by its sort order, rolled at write.target-file-size-bytes. */

/** Appends the batch's rows (its schema: the table's, or a subset by name / field id). */
ST_EXTERN(int) st_txn_write(st_txn *x, const st_batch *b);
/** Appends every batch of a reader; `progress` (may be NULL) gets rows written so far. */
ST_EXTERN(int) st_txn_write_reader(st_txn *x, st_batch_reader *r,
                                   void (*progress)(void *ctx, int64_t rows), void *ctx);
/**
 * Makes this an overwrite: files whose rows all match `filter` (NULL: every
 * file) are removed, and the rows written by this transaction added. A file that
 * only partly matches is refused with ST_EUNSUPPORTED ("needs a row-level delete").
 */
ST_EXTERN(int) st_txn_overwrite(st_txn *x, const char *filter);
/** Removes the files whose rows all match `filter` (metadata only), as above. */
ST_EXTERN(int) st_txn_delete_where(st_txn *x, const char *filter);
/**
 * Compaction: removes these files and adds the ones written by this
 * transaction with the same rows (operation "replace"). Conflicts if a removed
 * file is gone by commit time.
 */
ST_EXTERN(int) st_txn_replace_files(st_txn *x, const char *const *paths, size_t n);
/** Merge new manifests into existing small ones (commit.manifest-merge.enabled). */
ST_EXTERN(int) st_txn_set_merge_append(st_txn *x, int merge);
/** Writes to a branch instead of main (created at commit if absent). */
ST_EXTERN(int) st_txn_set_branch(st_txn *x, const char *branch);
/** Validate data changes as serializable (1, default) or snapshot (0) isolation. */
ST_EXTERN(int) st_txn_set_serializable(st_txn *x, int serializable);

/* Schema evolution. Names are dotted paths for nested struct fields. */

/**
 * Adds an optional column (`after` NULL and `first` 0: at the end of its struct).
 * `type` is borrowed; its field ids are assigned fresh.
 */
ST_EXTERN(int) st_txn_add_column(st_txn *x, const char *name, st_type *type, const char *doc,
                                 const char *after, int first);
ST_EXTERN(int) st_txn_drop_column(st_txn *x, const char *name);
ST_EXTERN(int) st_txn_rename_column(st_txn *x, const char *name, const char *new_name);
/** Widens a column: int->long, float->double, decimal(P,S)->decimal(P2,S) with P2>P. */
ST_EXTERN(int) st_txn_alter_column_type(st_txn *x, const char *name, st_type *type);
ST_EXTERN(int) st_txn_make_column_optional(st_txn *x, const char *name);
ST_EXTERN(int) st_txn_move_column(st_txn *x, const char *name, const char *after, int first);
ST_EXTERN(int) st_txn_set_column_doc(st_txn *x, const char *name, const char *doc);

/* Partitioning and sorting. */

ST_EXTERN(int) st_txn_add_partition_field(st_txn *x, const char *field);   /**< "bucket(8, id)" */
ST_EXTERN(int) st_txn_drop_partition_field(st_txn *x, const char *name);   /**< "id_bucket" */
ST_EXTERN(int) st_txn_set_sort_order(st_txn *x, const char *sort_by);      /**< "" unsorted */

/* Properties. */

ST_EXTERN(int) st_txn_set_property(st_txn *x, const char *key, const char *value);
ST_EXTERN(int) st_txn_remove_property(st_txn *x, const char *key);

/* Snapshots and refs. snapshot_id -1 means the current snapshot. */

ST_EXTERN(int) st_txn_create_branch(st_txn *x, const char *name, int64_t snapshot_id);
ST_EXTERN(int) st_txn_create_tag(st_txn *x, const char *name, int64_t snapshot_id);
/** Points an existing branch or tag at another snapshot. */
ST_EXTERN(int) st_txn_replace_ref(st_txn *x, const char *name, int64_t snapshot_id);
/** Moves branch `name` to the head of `to` (which must descend from it). */
ST_EXTERN(int) st_txn_fast_forward(st_txn *x, const char *name, const char *to);
ST_EXTERN(int) st_txn_remove_ref(st_txn *x, const char *name);
ST_EXTERN(int) st_txn_set_ref_retention(st_txn *x, const char *name, int32_t min_snapshots_to_keep,
                                        int64_t max_snapshot_age_ms, int64_t max_ref_age_ms);
/** Makes an ancestor of the current snapshot current again. */
ST_EXTERN(int) st_txn_rollback_to(st_txn *x, int64_t snapshot_id);
/** Makes any snapshot of the table current. */
ST_EXTERN(int) st_txn_set_current_snapshot(st_txn *x, int64_t snapshot_id);
/**
 * Applies a snapshot (typically staged on a branch) to main: main fast-forwards
 * to it when its parent is main's head; otherwise the new files of an append
 * are committed again as a new snapshot on main (summary "source-snapshot-id").
 * Other operations only fast-forward. Picking a snapshot twice is refused.
 */
ST_EXTERN(int) st_txn_cherry_pick(st_txn *x, int64_t snapshot_id);
/**
 * Removes snapshots older than `older_than_ms` (-1: no age limit), keeping at
 * least `retain_last` on main and every snapshot a ref points to. Metadata only:
 * files are not deleted.
 */
ST_EXTERN(int) st_txn_expire_snapshots(st_txn *x, int64_t older_than_ms, int retain_last);
/** Upgrades the table to a newer format version (1 -> 2 -> 3). */
ST_EXTERN(int) st_txn_upgrade_format_version(st_txn *x, int format_version);

ST_END_DECL

#endif
