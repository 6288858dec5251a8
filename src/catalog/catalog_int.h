/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Inside the catalog layer: the backend vtable, the small "sql driver"
 * interface that lets one SQL catalog (catalog_sql.c) run on SQLite and
 * PostgreSQL, and helpers shared by the backends (catalog.c).
 *
 * The front functions in catalog.c check names and arguments before calling a
 * backend, so backends see valid namespaces and table names only.
 */
#ifndef ST_CATALOG_CATALOG_INT_H
#define ST_CATALOG_CATALOG_INT_H

#include <stdint.h>
#include <string.h>

#include "catalog/catalog.h"
#include "util/location.h"
#include "supertable/errors.h"

#define CAT_MAX_NAME 255      /* VARCHAR(255) of the SQL schema */
#define CAT_MAX_LOCATION 1000 /* VARCHAR(1000) */

/* A growable array of owned strings. */
typedef struct st_strv {
    char **v;
    int n, cap;
} st_strv;

typedef struct cat_vtable {
    const char *kind;
    void (*close)(st_catalog *c);
    int (*ns_create)(st_catalog *c, const char *ns, const st_props *props);
    int (*ns_exists)(st_catalog *c, const char *ns);
    int (*ns_list)(st_catalog *c, const char *parent, st_strv *out);
    int (*ns_properties)(st_catalog *c, const char *ns, st_props *out);
    int (*ns_update)(st_catalog *c, const char *ns, const st_props *set, char *const *remove,
                     int n_remove);
    int (*ns_drop)(st_catalog *c, const char *ns);
    int (*tbl_list)(st_catalog *c, const char *ns, st_strv *out);
    int (*tbl_get)(st_catalog *c, const char *ns, const char *name, char **loc);
    /* Pointer backends: moves the pointer from base (NULL: insert) to loc.
     * catalog.c writes the file first and removes it unless this succeeds or
     * returns ST_EUNKNOWN. */
    int (*tbl_swap)(st_catalog *c, const char *ns, const char *name, const char *base,
                    const char *loc);
    /* Backends that name and write the file themselves (folder); else NULL. */
    int (*tbl_commit)(st_catalog *c, const char *ns, const char *name, const char *base,
                      const void *json, size_t len, int gzip, char **new_location);
    int (*tbl_register)(st_catalog *c, const char *ns, const char *name, const char *loc);
    int (*tbl_drop)(st_catalog *c, const char *ns, const char *name);
    int (*tbl_rename)(st_catalog *c, const char *ns, const char *name, const char *to_ns,
                      const char *to_name);
    /* NULL: the generic rule (namespace `location`, else warehouse/levels/name). */
    int (*default_location)(st_catalog *c, const char *ns, const char *name, char **out);
} cat_vtable;

/* Every backend's handle starts with this. */
struct st_catalog {
    const cat_vtable *vt;
    char *uri;       /* for messages: passwords redacted */
    char *warehouse; /* absolute, no trailing '/' */
    char *name;      /* catalog_name */
    st_location_map locmap; /* rewrites of moved tables' locations (empty: none) */
};

/* Fills the common part; takes copies. 0 or ST_ENOMEM. */
int st_cat_base_init(st_catalog *c, const cat_vtable *vt, const char *uri, const char *warehouse,
                     const char *name);
/* Frees the common part (not c itself). */
void st_cat_base_dispose(st_catalog *c);

/* Backend constructors; uri_display is already redacted. */
int st_cat_sqlite_open(st_catalog **out, const char *path, const char *uri_display,
                       const char *warehouse, const char *name);
int st_cat_postgres_open(st_catalog **out, const char *conninfo, const char *uri_display,
                         const char *warehouse, const char *name);
int st_cat_memory_open(st_catalog **out, const char *warehouse, const char *name);
int st_cat_folder_open(st_catalog **out, const char *dir, const char *uri_display);

/* ------------------------------------------------------------ sql driver */

/* Result rows of a query; cells are row-major, NULL for SQL NULL. */
typedef struct st_sql_result {
    int ncols, nrows;
    char **names; /* ncols column names */
    char **cells; /* nrows * ncols */
} st_sql_result;

void st_sql_result_dispose(st_sql_result *r);
/* A cell, or NULL. */
static inline const char *st_sql_cell(const st_sql_result *r, int row, int col)
{
    return r->cells[(size_t)row * (size_t)r->ncols + (size_t)col];
}

/* Transient contention (SQLite busy/locked, PostgreSQL serialization failure
 * or deadlock): the statement or transaction did nothing and may be retried.
 * Never leaves the catalog layer. */
#define CAT_EBUSY (-100)

/* exec flags */
#define SQL_WRITE 1 /* the statement changes rows: a lost connection outside a
                       transaction makes its outcome unknown */

/*
 * What catalog_sql.c needs from a database. Statements use $1..$n text
 * parameters (the SQLite driver rewrites them to ?1..?n). Codes: 0;
 * ST_EEXISTS (unique violation); ST_ENOTFOUND (no such table: the schema
 * probe); CAT_EBUSY; ST_EUNKNOWN (a write's or commit's outcome is unknown);
 * ST_ECORRUPT (not a database, corrupt); ST_EIO (anything else). Drivers set
 * the message, with the URI.
 */
typedef struct st_sql_driver {
    const char *kind;
    /* Runs one statement. rows (may be NULL) receives the result set; changes
     * (may be NULL) the number of rows changed. */
    int (*exec)(void *conn, const char *sql, int nparams, const char *const *params, int flags,
                st_sql_result *rows, int64_t *changes);
    int (*begin)(void *conn);  /* a write transaction: BEGIN IMMEDIATE / BEGIN */
    int (*commit)(void *conn); /* ST_EUNKNOWN when the outcome is unknown */
    void (*rollback)(void *conn);
    void (*close)(void *conn);
} st_sql_driver;

/* The SQL catalog on a connected driver; takes the connection (closed on
 * failure too). Probes or creates the schema. */
int st_cat_sql_open(st_catalog **out, const st_sql_driver *drv, void *conn,
                    const char *uri_display, const char *warehouse, const char *name);

/* ---------------------------------------------------------------- helpers */

int st_strv_push(st_strv *s, const char *str);
int st_strv_push_n(st_strv *s, const char *str, size_t n);
/* Sorts bytewise and drops duplicates. */
void st_strv_sort_unique(st_strv *s);
void st_strv_dispose(st_strv *s);

/* Adds to `out` the namespace one level below `parent` (NULL: the top) that
 * `full` is in or below; nothing when `full` is not below `parent`. */
int st_cat_add_child(st_strv *out, const char *parent, const char *full);
/* True when `full` is `ns` or below it. */
static inline int st_cat_ns_within(const char *full, const char *ns)
{
    size_t n = strlen(ns);
    return strncmp(full, ns, n) == 0 && (full[n] == 0 || full[n] == '.');
}

/* "table 'ns.name'" style messages. */
int st_cat_err_no_table(const char *ns, const char *name);
int st_cat_err_no_ns(const char *ns);

/* dir + "/" + name, without doubling a trailing '/'. NULL on OOM. */
char *st_cat_join(const char *dir, const char *name);
/* Writes a whole file through st_output (fsync, atomic publish). */
int st_cat_write_file(const char *path, const void *data, size_t len, int create_new);
/* Reads a small whole file into *out (NUL-terminated). ST_ENOTFOUND if absent. */
int st_cat_read_small_file(const char *path, char **out, size_t max);

/* Sleeps before retry `attempt` (0-based): exponential with jitter, ~1 ms to 200 ms. */
void st_cat_backoff(int attempt);

#endif
