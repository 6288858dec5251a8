/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Catalogs: where Iceberg tables are found, created, renamed and dropped, and
 * the atomic pointer every commit swaps.
 *
 * URIs (st_catalog_open):
 *   NULL or ""                        the default: a SQLite catalog at
 *                                     <warehouse>/catalog.db (warehouse "./warehouse")
 *   sqlite://PATH, sqlite:PATH        Iceberg's SQL catalog schema on SQLite
 *   postgresql://user@host:port/db    the same schema on PostgreSQL (libpq conninfo URI)
 *   memory:                           pointers in this process; files in the warehouse
 *   file://DIR or a folder path       a "Hadoop" folder catalog: namespaces are folders,
 *                                     tables are folders with metadata/vN.metadata.json
 * A query `?catalog=NAME` selects the SQL catalog's `catalog_name` (default "default"),
 * so one database can serve several catalogs, and PyIceberg's or Java's catalog by name.
 *
 * Names: namespaces are dot-joined levels ("sales.eu"); a table name is
 * "<namespace>.<table>" (the last level is the table).
 *
 * Thread-safety: a catalog handle is used by one thread at a time; open one per
 * thread. Any number of handles and processes may share one database or folder:
 * commits are atomic compare-and-swaps.
 */
#ifndef SUPERTABLE_CATALOG_H
#define SUPERTABLE_CATALOG_H

#include "common.h"
#include "types.h"

ST_BEGIN_DECL

typedef struct st_catalog st_catalog;
typedef struct st_table st_table;

/** A string key/value pair (namespace and table properties). */
typedef struct st_property {
    const char *key;
    const char *value;
} st_property;

#define ST_CATALOG_OPTIONS_VERSION 1

typedef struct st_catalog_options {
    unsigned int version;          /**< ST_CATALOG_OPTIONS_VERSION */
    const char *warehouse;         /**< where new tables go; NULL: "./warehouse" (or the
                                        folder of a folder catalog) */
    const char *catalog_name;      /**< SQL catalog name; NULL: the URI's ?catalog= or "default" */
    /** Location rewrites "FROM=TO" applied to every path read from metadata (moved
     *  tables, fixtures); NULL-terminated; NULL for none. The longest FROM wins. */
    const char *const *location_map;
} st_catalog_options;

#define ST_CATALOG_OPTIONS_INIT {ST_CATALOG_OPTIONS_VERSION, NULL, NULL, NULL}

/**
 * Opens a catalog (creating the SQLite database and its tables when missing).
 * @param[out] out release with st_catalog_free().
 * @return 0, ST_EINVALID (bad URI), ST_EIO (cannot connect/open), ST_ECORRUPT.
 */
ST_EXTERN(int) st_catalog_open(st_catalog **out, const char *uri, const st_catalog_options *opts);
ST_EXTERN(void) st_catalog_free(st_catalog *c);
/** "sqlite", "postgresql", "memory" or "folder". Static storage. */
ST_EXTERN(const char *) st_catalog_kind(const st_catalog *c);
/** The warehouse folder (absolute). Borrowed. */
ST_EXTERN(const char *) st_catalog_warehouse(const st_catalog *c);

/* ---------------------------------------------------------------- namespaces */

/** Creates a namespace with properties (n may be 0). ST_EEXISTS if it exists. */
ST_EXTERN(int) st_catalog_create_namespace(st_catalog *c, const char *ns,
                                           const st_property *props, size_t n);
/**
 * Lists the namespaces directly under `parent` (NULL or "": the top level).
 * @param[out] out full dot-joined names; free with st_strings_free().
 */
ST_EXTERN(int) st_catalog_list_namespaces(st_catalog *c, const char *parent, char ***out,
                                          size_t *n);
/** A namespace's properties; free with st_properties_free(). ST_ENOTFOUND if absent. */
ST_EXTERN(int) st_catalog_namespace_properties(st_catalog *c, const char *ns, st_property **out,
                                               size_t *n);
/** Sets and removes namespace properties in one change. */
ST_EXTERN(int) st_catalog_update_namespace(st_catalog *c, const char *ns, const st_property *set,
                                           size_t n_set, const char *const *remove,
                                           size_t n_remove);
/** Drops an empty namespace; ST_ENOTEMPTY if it holds tables or namespaces. */
ST_EXTERN(int) st_catalog_drop_namespace(st_catalog *c, const char *ns);

/* -------------------------------------------------------------------- tables */

/** Names ("ns.table") of the tables in a namespace; free with st_strings_free(). */
ST_EXTERN(int) st_catalog_list_tables(st_catalog *c, const char *ns, char ***out, size_t *n);

#define ST_TABLE_CREATE_OPTIONS_VERSION 1

typedef struct st_table_create_options {
    unsigned int version;          /**< ST_TABLE_CREATE_OPTIONS_VERSION */
    st_type *schema;               /**< a struct type; field ids are reassigned fresh */
    const char *partition_by;      /**< "day(ts), bucket(16, id)"; NULL: unpartitioned */
    const char *sort_by;           /**< "ts desc, id"; NULL: unsorted */
    const st_property *properties;
    size_t n_properties;
    int format_version;            /**< 1, 2 or 3; 0: 2 */
    const char *location;          /**< NULL: the catalog's default for the name */
    int if_not_exists;             /**< 1: load the existing table instead of ST_EEXISTS */
} st_table_create_options;

#define ST_TABLE_CREATE_OPTIONS_INIT {ST_TABLE_CREATE_OPTIONS_VERSION, NULL, NULL, NULL, \
                                      NULL, 0, 0, NULL, 0}

/**
 * Creates a table (its namespace must exist).
 * @param[out] out the new table; release with st_table_free(). May be NULL.
 * @return 0, ST_EEXISTS, ST_ENOTFOUND (namespace), ST_EINVALID (schema, partitioning).
 */
ST_EXTERN(int) st_catalog_create_table(st_table **out, st_catalog *c, const char *name,
                                       const st_table_create_options *opts);
/**
 * Loads a table's current metadata. The table keeps a reference to the catalog,
 * which must outlive it.
 * @param[out] out release with st_table_free().
 */
ST_EXTERN(int) st_catalog_load_table(st_table **out, st_catalog *c, const char *name);
/** Whether a table exists: 1, 0, or a negative error. */
ST_EXTERN(int) st_catalog_table_exists(st_catalog *c, const char *name);
/**
 * Drops a table from the catalog. With purge, also deletes every file the table's
 * metadata references (data, manifests, lists, metadata files) under its location.
 */
ST_EXTERN(int) st_catalog_drop_table(st_catalog *c, const char *name, int purge);
/** Renames a table (to another namespace too). ST_EEXISTS if `to` exists. */
ST_EXTERN(int) st_catalog_rename_table(st_catalog *c, const char *from, const char *to);
/**
 * Registers an existing metadata file as a table (after checking it parses).
 * @param[out] out the table, or NULL.
 */
ST_EXTERN(int) st_catalog_register_table(st_table **out, st_catalog *c, const char *name,
                                         const char *metadata_location);

/** Frees an array of strings returned by the catalog. NULL-safe. */
ST_EXTERN(void) st_strings_free(char **v, size_t n);
/** Frees properties returned by the catalog (keys and values included). NULL-safe. */
ST_EXTERN(void) st_properties_free(st_property *p, size_t n);

ST_END_DECL

#endif
