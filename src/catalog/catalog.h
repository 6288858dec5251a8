/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The catalog layer (internal): the pointer store of Iceberg tables. A catalog
 * knows namespaces (with properties), table identifiers and, for each table,
 * the location of its current metadata file. It never parses metadata: the
 * table layer reads and builds the JSON, the catalog names, writes and
 * publishes the file and moves the pointer (facts §2, §9, §11).
 *
 * Backends (chosen by st_catalog_open_uri):
 *   sqlite      Iceberg's SQL ("JDBC") catalog in an SQLite file, the same
 *               database PyIceberg's SqlCatalog and Java's JdbcCatalog use.
 *   postgresql  the same SQL catalog in PostgreSQL (libpq).
 *   memory      pointers in process memory; handles of one process that name
 *               the same warehouse and catalog share them.
 *   folder      the file-system ("Hadoop") catalog: namespaces are folders,
 *               a table is a folder with metadata/v<N>.metadata.json and
 *               metadata/version-hint.text.
 *
 * Names. A namespace is its levels joined by '.' ("a.b"); a level is not
 * empty and holds no '.', '/' or control character. A table name is not
 * empty, not "." or "..", and holds no '/' or control character. Both are at
 * most 255 bytes (the SQL schema's VARCHAR(255)).
 *
 * Errors (st_error_last() has the message, class ST_ERROR_CATALOG):
 *   ST_ENOTFOUND "table 'ns.t' does not exist" / "namespace 'ns' does not exist";
 *   ST_EEXISTS, ST_ENOTEMPTY, ST_ECONFLICT (a concurrent commit won; retry),
 *   ST_EUNKNOWN (a commit whose outcome is unknown), ST_EINVALID (bad names or
 *   arguments), ST_EUNSUPPORTED (an operation the backend lacks), ST_EIO and
 *   ST_ECORRUPT (the database or folder: unreachable, locked, not a catalog;
 *   the message names the URI, never a password).
 *
 * Thread-safety: a handle is used by one thread at a time; separate handles may
 * be used at the same time by separate threads, and several processes may use
 * the same database or folder concurrently: every pointer move is atomic (a
 * compare-and-swap in SQL, a no-replace link(2) in a folder).
 *
 * Ownership: `char **` outputs are st_malloc'ed and the caller's (st_free);
 * string arrays are freed with st_catalog_strings_free(); an st_props output must be
 * empty on entry and is the caller's to st_props_dispose(); getters return
 * strings borrowed for the handle's lifetime.
 */
#ifndef ST_CATALOG_CATALOG_H
#define ST_CATALOG_CATALOG_H

#include <stddef.h>

#include "spec/spec.h"
#include "supertable/catalog.h"

typedef struct st_catalog st_catalog; /* opaque; also the public type name */

/*
 * Opens a catalog.
 *   uri NULL                   sqlite at <warehouse>/catalog.db; the warehouse
 *                              folder is created when missing (warehouse is
 *                              then required)
 *   sqlite://PATH, sqlite:///ABS/PATH, sqlite:PATH
 *                              an SQLite file (created with the catalog tables
 *                              when missing; its folder must exist)
 *   postgresql://..., postgres://...
 *                              a libpq connection URI, passed through except
 *                              for the `catalog` query parameter
 *   memory:                    process memory
 *   file://DIR, or a plain path that does not end in .db/.sqlite/.sqlite3 and
 *   is not an existing file    a folder catalog rooted at DIR (created when
 *                              missing); a plain path to a .db file is sqlite
 * Every form but the folder one accepts `?catalog=NAME` (the catalog_name of
 * the SQL schema; a separate namespace of tables for memory).
 *
 * warehouse: where table folders go by default (st_catalog_tbl_default_location);
 * a local path or file:// URI, made absolute. NULL: the SQLite file's folder,
 * else the current directory. A folder catalog's warehouse is its folder (a
 * different warehouse is ST_EINVALID).
 * catalog_name: NULL for the URI's `catalog` parameter or "default"; giving
 * both with different values is ST_EINVALID.
 *
 * @param[out] out the handle; close with st_catalog_close().
 * @return 0, ST_EINVALID (malformed URI), ST_EUNSUPPORTED (unknown scheme),
 *         ST_EIO (cannot open or connect), ST_ECORRUPT (not a database, or a
 *         database whose iceberg_tables lacks the catalog's columns).
 */
int st_catalog_open_uri(st_catalog **out, const char *uri, const char *warehouse,
                        const char *catalog_name);
/* Closes the handle (the connection; shared memory stores live while a handle
 * refers to them). NULL-safe. */
void st_catalog_close(st_catalog *c);

/* "sqlite", "postgresql", "memory" or "folder". Static storage. */
const char *st_catalog_kind(const st_catalog *c);
/* The warehouse: an absolute local path without a trailing '/'. Borrowed. */
const char *st_catalog_warehouse(const st_catalog *c);
/* The catalog_name in use ("default" unless given). Borrowed. */
const char *st_catalog_name(const st_catalog *c);
/* The URI for messages: passwords replaced by "***". Borrowed. */
const char *st_catalog_uri(const st_catalog *c);

/* ------------------------------------------------------------ namespaces */

/*
 * Creates a namespace with properties (NULL or empty: none). SQL catalogs also
 * store the reserved 'exists'='true' row, as Java does; setting 'exists' is
 * ST_EINVALID. Parent namespaces need not exist (in a folder catalog they are
 * created). A folder catalog refuses properties (ST_EUNSUPPORTED).
 * @return 0, ST_EEXISTS.
 */
int st_catalog_ns_create(st_catalog *c, const char *ns, const st_props *props);
/*
 * 1 if the namespace exists, 0 if not, <0 on error. In SQL and memory catalogs
 * a namespace exists when it was created, or holds tables, or is the parent of
 * a namespace that exists (facts §11: `= ns` or `LIKE 'ns.%'`).
 */
int st_catalog_ns_exists(st_catalog *c, const char *ns);
/*
 * The namespaces one level below `parent` (NULL: the top level), as full
 * dot-joined names ("a.b" under "a"), sorted bytewise, without duplicates.
 * @param[out] out the names (st_catalog_strings_free(*out, *n)); NULL when none.
 * @return 0, ST_ENOTFOUND when the parent does not exist.
 */
int st_catalog_ns_list(st_catalog *c, const char *parent, char ***out, int *n);
/*
 * The namespace's properties, sorted by key, without the reserved 'exists'.
 * A folder catalog has none. `out` must be empty.
 * @return 0, ST_ENOTFOUND.
 */
int st_catalog_ns_properties(st_catalog *c, const char *ns, st_props *out);
/*
 * Sets `set` (NULL: nothing) and removes the `n_remove` keys of `remove`
 * (missing keys are ignored) in one transaction. A key in both, or 'exists',
 * is ST_EINVALID. ST_EUNSUPPORTED in a folder catalog.
 * @return 0, ST_ENOTFOUND.
 */
int st_catalog_ns_update(st_catalog *c, const char *ns, const st_props *set, char *const *remove,
                         int n_remove);
/*
 * Drops an empty namespace and its properties.
 * @return 0, ST_ENOTFOUND, ST_ENOTEMPTY when it holds tables (or views) or
 *         child namespaces (a folder catalog: anything at all).
 */
int st_catalog_ns_drop(st_catalog *c, const char *ns);

/* ---------------------------------------------------------------- tables */

/*
 * The tables of a namespace (views excluded), sorted bytewise.
 * @param[out] names st_catalog_strings_free(*names, *n); NULL when none.
 * @return 0, ST_ENOTFOUND when the namespace does not exist.
 */
int st_catalog_tbl_list(st_catalog *c, const char *ns, char ***names, int *n);
/*
 * The location of the table's current metadata file, as stored (SQL, memory)
 * or found (folder: the hint, then probing newer versions).
 * @param[out] metadata_location st_free() it.
 * @return 0, ST_ENOTFOUND, ST_ECORRUPT (a catalog row without a location).
 */
int st_catalog_tbl_get(st_catalog *c, const char *ns, const char *name, char **metadata_location);
/*
 * Where a new table goes: the namespace's `location` property + "/" + name
 * when set (SQL, memory), else <warehouse>/<ns levels joined by '/'>/<name>.
 * That is Java JdbcCatalog's and HadoopCatalog's layout; PyIceberg's
 * SqlCatalog uses <warehouse>/<ns>.db/<name> instead (any location works:
 * the metadata records it).
 * @param[out] out st_free() it.
 * @return 0, ST_ENOTFOUND when the namespace does not exist.
 */
int st_catalog_tbl_default_location(st_catalog *c, const char *ns, const char *name, char **out);
/*
 * Publishes a new metadata version: writes `json` (len bytes, already gzip'ed
 * when gzip=1) as the table's next metadata file and moves the pointer from
 * base_location to it, atomically.
 *
 * base_location NULL creates the table: ST_EEXISTS if it exists, ST_ENOTFOUND
 * if the namespace does not. Otherwise base_location must be the current
 * pointer; when it is not, or a concurrent commit wins, ST_ECONFLICT (nothing
 * changed; the written file is removed): reload and retry.
 *
 * SQL and memory catalogs write <metadata_dir>/<NNNNN>-<uuid4>.metadata.json
 * (.gz.metadata.json when gzip), NNNNN = the version before the first '-' of
 * base_location's file name + 1 (00000 for a create, or when the base is not
 * named that way: Java's rule). metadata_dir is a local path or file:// URI
 * (created when missing); NULL means base_location's folder (required for a
 * create). A folder catalog (and st_catalog_path_table_commit) writes
 * <table>/metadata/v<N+1>.metadata.json (.gz.metadata.json) and ignores
 * metadata_dir: a Hadoop table's metadata lives in its folder.
 *
 * ST_EUNKNOWN: the outcome is unknown (the connection broke during the
 * commit); the file is kept and *new_location is set anyway, so the caller
 * can reload and see whether the pointer moved to it. Do not delete files
 * the new version references.
 *
 * @param[out] new_location on success (and ST_EUNKNOWN) the new file's
 *             location, in the form of metadata_dir; st_free() it.
 * @return 0, ST_ECONFLICT, ST_EEXISTS, ST_ENOTFOUND, ST_EUNKNOWN, ST_EINVALID,
 *         ST_EIO.
 */
int st_catalog_tbl_commit(st_catalog *c, const char *ns, const char *name,
                          const char *base_location, const char *metadata_dir, const void *json,
                          size_t len, int gzip, char **new_location);
/*
 * Adds a table whose metadata file already exists (not read or checked).
 * @return 0, ST_EEXISTS, ST_ENOTFOUND (namespace), ST_EUNSUPPORTED (folder).
 */
int st_catalog_tbl_register(st_catalog *c, const char *ns, const char *name,
                            const char *metadata_location);
/*
 * Removes the table's pointer; data and metadata files stay (purging is the
 * table layer's). A folder catalog deletes the version files and the hint
 * (that is the pointer), then the table's folders that are left empty.
 * @return 0, ST_ENOTFOUND.
 */
int st_catalog_tbl_drop(st_catalog *c, const char *ns, const char *name);
/*
 * Renames a table, possibly into another namespace (which must exist).
 * @return 0, ST_ENOTFOUND (the table or the target namespace), ST_EEXISTS,
 *         ST_EUNSUPPORTED (folder: the metadata records the table's folder).
 */
int st_catalog_tbl_rename(st_catalog *c, const char *ns, const char *name, const char *to_ns,
                          const char *to_name);

/* Frees an array of n strings from this layer. NULL-safe. */
void st_catalog_strings_free(char **v, int n);
/* Location rewrites ("FROM=TO", NULL-terminated) for the tables of this
 * catalog: metadata files are written through them, and the table layer reads
 * through them. Replaces any earlier map. Not thread-safe. */
struct st_location_map;
int st_catalog_set_location_map(st_catalog *c, const char *const *pairs);
const struct st_location_map *st_catalog_location_map(const st_catalog *c);

/* ------------------------------------------------- catalog-less path tables */

/*
 * The current metadata file of a table given by path (no catalog): `path` is
 * a metadata file (returned as given), a table folder holding metadata/, or
 * that metadata/ folder itself. In the folder: version-hint.text, then newer
 * v<N> probed; without a hint the highest v<N>.metadata.json
 * (v<N>.gz.metadata.json, v<N>.metadata.json.gz); without v<N> files, the
 * highest <NNNNN>-*.metadata.json of a catalog table (ST_EINVALID when two
 * files share that version: say which one).
 * @param[out] metadata_location st_free() it.
 * @return 0, ST_ENOTFOUND (no such path, or no metadata in it), ST_EINVALID.
 */
int st_catalog_path_table_location(const char *table_dir, char **metadata_location);
/*
 * Commits to a path table exactly as a folder catalog does: writes
 * <table_dir>/metadata/v<N+1>.metadata.json (create: v1, making the folders)
 * with a no-replace link, then rewrites version-hint.text. base_location
 * must be the current v<N> file (ST_ECONFLICT otherwise, or when another
 * writer took v<N+1>); NULL creates (ST_EEXISTS if a version exists).
 * @param[out] new_location st_free() it.
 */
int st_catalog_path_table_commit(const char *table_dir, const char *base_location,
                                 const void *json, size_t len, int gzip, char **new_location);

#endif
