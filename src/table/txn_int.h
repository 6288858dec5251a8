/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Transactions (internal). A transaction records intents -- "add column x",
 * "remove the files matching f", "these files were written" -- not metadata.
 * Each commit attempt turns the intents into REST-model requirements and
 * updates against the table's latest version (txn.c), so a lost race is
 * retried by re-applying the same intents on the new base, after validating
 * that they still hold.
 */
#ifndef ST_TABLE_TXN_INT_H
#define ST_TABLE_TXN_INT_H

#include "table/table_int.h"

typedef enum txn_intent_kind {
    TI_ADD_COLUMN = 1,
    TI_DROP_COLUMN,
    TI_RENAME_COLUMN,
    TI_ALTER_TYPE,
    TI_MAKE_OPTIONAL,
    TI_MOVE_COLUMN,
    TI_SET_DOC,
    TI_ADD_PARTITION_FIELD,
    TI_DROP_PARTITION_FIELD,
    TI_SET_SORT_ORDER,
    TI_SET_PROPERTY,
    TI_REMOVE_PROPERTY,
    TI_CREATE_BRANCH,
    TI_CREATE_TAG,
    TI_REPLACE_REF,
    TI_FAST_FORWARD,
    TI_REMOVE_REF,
    TI_REF_RETENTION,
    TI_ROLLBACK_TO,
    TI_SET_CURRENT,
    TI_CHERRY_PICK,
    TI_EXPIRE,
    TI_UPGRADE
} txn_intent_kind;

typedef struct txn_intent {
    txn_intent_kind kind;
    char *s1, *s2, *s3;      /* names, texts */
    st_type *type;           /* add column, alter type (a reference) */
    int64_t i1, i2, i3;      /* snapshot ids, ages */
    int flag;                /* first, ... */
} txn_intent;

typedef enum txn_data_op {
    TD_NONE = 0,
    TD_APPEND,
    TD_OVERWRITE,
    TD_DELETE,
    TD_REPLACE
} txn_data_op;

/* A path this transaction created: deleted unless the commit landed (or may have). */
typedef struct txn_file {
    char *path;              /* local path */
    int attempt;             /* -1: written once for every attempt (data, added manifests) */
} txn_file;

struct st_txn {
    st_table *t;
    st_table_metadata *begin;     /* the version the transaction started from */
    char uuid[37];
    int64_t snapshot_id;          /* the data snapshot's id, kept across attempts */

    txn_intent *intents;
    int n_intents, cap_intents;

    /* data */
    txn_data_op op;
    st_arena arena;               /* data files and their strings */
    st_data_writer *writer;
    st_data_file *added;
    int n_added, cap_added;
    char *filter;                 /* overwrite / delete filter text; NULL = everything */
    int has_filter_op;
    char **replace_paths;
    int n_replace;
    int merge_append;             /* -1: table property commit.manifest-merge.enabled */
    char *branch;                 /* NULL: main */
    int serializable;

    /* manifests of the added files, written on the first attempt, reused after */
    st_manifest_file *added_manifests;
    int n_added_manifests;

    int manifest_seq;             /* numbers manifest names: <uuid>-m<k>.avro */
    txn_file *files;
    int n_files, cap_files;
    int64_t cherry_source;        /* a cherry-picked append's snapshot, or -1 */
    int committed;                /* 1: landed; 2: outcome unknown */
    int failed;                   /* a write failed: the transaction cannot commit */
};

/* Records a created file for cleanup (copies the path). */
int st_txn_track_file(st_txn *x, const char *path, int attempt);
/* Deletes the files of one attempt (attempt >= 0) or all (attempt == -2). */
void st_txn_cleanup_files(st_txn *x, int attempt);

/*
 * Adds the data snapshot of the transaction to `c` (add-snapshot,
 * set-snapshot-ref and its requirement), built on `base`: writes the
 * manifests and the manifest list of this attempt. Validates the data
 * changes against what happened since the transaction began (serializable
 * isolation) and returns ST_ECONFLICT when they no longer hold.
 * *snapshot_id receives the new snapshot's id.
 */
int st_txn_produce_snapshot(st_txn *x, const st_table_metadata *base, int attempt, st_change *c,
                            int64_t *snapshot_id);

/*
 * Reads the manifest-list entries of a snapshot (a v1 snapshot's `manifests`
 * array too). Strings in `arena`.
 */
int st_snapshot_manifests(const st_table *t, const st_table_metadata *md, const st_snapshot *s,
                          st_arena *arena, st_manifest_file **out, int *n);
/* Reads a manifest with the partition type of its spec. */
int st_table_read_manifest(const st_table *t, const st_table_metadata *md,
                           const st_manifest_file *mf, st_manifest **out);

/* Applies the schema intents of the transaction to `schema` (a copy is made):
 * *out gets the new schema (schema_id -1) and *last_column_id is updated. */
int st_schema_evolve(st_schema *out, const st_table_metadata *base, const txn_intent *intents,
                     int n, int32_t *last_column_id);

#endif
