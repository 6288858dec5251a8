/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Iceberg's SQL ("JDBC") catalog, written once over the st_sql_driver
 * interface (SQLite, PostgreSQL). The schema and the statements are those of
 * Java's JdbcCatalog and PyIceberg's SqlCatalog (facts §11), so the three
 * share one database:
 *
 *   iceberg_tables(catalog_name, table_namespace, table_name,
 *                  metadata_location, previous_metadata_location
 *                  [, iceberg_type])                  PK the first three
 *   iceberg_namespace_properties(catalog_name, namespace, property_key,
 *                  property_value)                    PK the first three
 *
 * Schema versions. "V0" lacks iceberg_type; "V1" has it ('TABLE', 'VIEW', or
 * NULL for a table). A database is probed at open and used as it is (never
 * migrated); missing tables are created in the V1 form, as PyIceberg does.
 * With V1, views are invisible to the table calls (Java's filter
 * `iceberg_type = 'TABLE' OR iceberg_type IS NULL`) but keep their namespace
 * non-empty.
 *
 * Namespaces are the levels joined by '.'. One exists when a table row or a
 * property row has `namespace = ns` or `namespace LIKE 'ns.%' ESCAPE '!'`
 * (with ! _ % escaped). Creating one stores its properties plus the reserved
 * 'exists'='true' row (Java always does; PyIceberg only without properties),
 * so removing every property never makes it vanish.
 *
 * Commit = compare-and-swap: UPDATE ... SET metadata_location = new,
 * previous_metadata_location = old WHERE ... AND metadata_location = old;
 * zero rows is a lost race. Create = INSERT; a unique violation means the
 * table exists. Read-modify-write steps (create a namespace, update its
 * properties, drop it, create or rename a table) run in one write
 * transaction, retried from the start on transient contention.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "catalog/catalog_int.h"
#include "util/alloc.h"
#include "util/buf.h"

/* Transient contention is retried for this long (on top of the driver's own
 * waiting, e.g. SQLite's busy timeout), then reported as ST_EIO. */
#define RETRY_BUDGET_MS 30000

typedef struct cat_sql {
    st_catalog base;
    const st_sql_driver *drv;
    void *conn;
    int v1;     /* iceberg_tables has iceberg_type */
    int in_txn; /* inside in_txn(): busy statements are not retried alone */
} cat_sql;

/* Appended to the table statements of a V1 database. */
#define V1_TABLE_FILTER " AND (iceberg_type = 'TABLE' OR iceberg_type IS NULL)"

static const char CREATE_TABLES_V1[] =
    "CREATE TABLE IF NOT EXISTS iceberg_tables ("
    "catalog_name VARCHAR(255) NOT NULL, "
    "table_namespace VARCHAR(255) NOT NULL, "
    "table_name VARCHAR(255) NOT NULL, "
    "metadata_location VARCHAR(1000), "
    "previous_metadata_location VARCHAR(1000), "
    "iceberg_type VARCHAR(5), "
    "PRIMARY KEY (catalog_name, table_namespace, table_name))";

static const char CREATE_NAMESPACE_PROPERTIES[] =
    "CREATE TABLE IF NOT EXISTS iceberg_namespace_properties ("
    "catalog_name VARCHAR(255) NOT NULL, "
    "namespace VARCHAR(255) NOT NULL, "
    "property_key VARCHAR(255) NOT NULL, "
    "property_value VARCHAR(1000) NOT NULL, "
    "PRIMARY KEY (catalog_name, namespace, property_key))";

void st_sql_result_dispose(st_sql_result *r)
{
    if (r->names)
        for (int i = 0; i < r->ncols; i++)
            st_free(r->names[i]);
    if (r->cells)
        for (size_t i = 0; i < (size_t)r->nrows * (size_t)r->ncols; i++)
            st_free(r->cells[i]);
    st_free(r->names);
    st_free(r->cells);
    memset(r, 0, sizeof(*r));
}

/* ---------------------------------------------------------------- running */

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int run(cat_sql *s, const char *sql, int n, const char *const *params, int flags,
               st_sql_result *rows, int64_t *changes)
{
    return s->drv->exec(s->conn, sql, n, params, flags, rows, changes);
}

/* A single statement outside a transaction, retried while busy (a busy
 * statement did nothing, so repeating it is safe). Inside a transaction a
 * busy statement goes up to in_txn(), which rolls back and starts over, as
 * SQLite requires. */
static int run_retry(cat_sql *s, const char *sql, int n, const char *const *params, int flags,
                     st_sql_result *rows, int64_t *changes)
{
    int64_t start = now_ms();
    int rc;
    for (int attempt = 0;; attempt++) {
        rc = run(s, sql, n, params, flags, rows, changes);
        if (rc != CAT_EBUSY || s->in_txn)
            return rc;
        if (now_ms() - start > RETRY_BUDGET_MS)
            return ST_EIO; /* the driver's "database is locked" message stays */
        st_cat_backoff(attempt);
    }
}

/*
 * Runs fn inside one write transaction; commits when fn returns 0 or a
 * positive value (returned), rolls back otherwise. Busy at any step: roll
 * back and start over.
 */
static int in_txn(cat_sql *s, int (*fn)(cat_sql *s, void *arg), void *arg)
{
    int64_t start = now_ms();
    int rc;
    for (int attempt = 0;; attempt++) {
        rc = s->drv->begin(s->conn);
        if (rc == 0) {
            s->in_txn = 1;
            rc = fn(s, arg);
            s->in_txn = 0;
            if (rc >= 0) {
                int crc = s->drv->commit(s->conn);
                if (crc < 0) {
                    s->drv->rollback(s->conn);
                    rc = crc;
                }
            } else {
                s->drv->rollback(s->conn);
            }
        }
        if (rc != CAT_EBUSY)
            return rc;
        if (now_ms() - start > RETRY_BUDGET_MS)
            return ST_EIO;
        st_cat_backoff(attempt);
    }
}

/* ------------------------------------------------------------- namespaces */

/* ns with LIKE's ! _ % escaped, then ".%": the pattern of its descendants. */
static char *child_pattern(const char *ns)
{
    st_buf b = ST_BUF_INIT;
    for (const char *p = ns; *p; p++) {
        if ((*p == '!' || *p == '_' || *p == '%') && st_buf_putc(&b, '!') < 0)
            goto oom;
        if (st_buf_putc(&b, *p) < 0)
            goto oom;
    }
    if (st_buf_puts(&b, ".%") < 0)
        goto oom;
    return (char *)st_buf_detach(&b);
oom:
    st_buf_dispose(&b);
    return NULL;
}

/* 1 when a row of `sql` exists for (catalog, p2, p3). */
static int any_row(cat_sql *s, const char *sql, const char *p2, const char *p3)
{
    const char *params[3] = {s->base.name, p2, p3};
    st_sql_result r;
    int rc = run_retry(s, sql, p3 ? 3 : 2, params, 0, &r, NULL);
    if (rc < 0)
        return rc;
    rc = r.nrows > 0;
    st_sql_result_dispose(&r);
    return rc;
}

static int ns_exists_sql(cat_sql *s, const char *ns)
{
    char *like = child_pattern(ns);
    int rc;
    if (!like)
        return st_error_set_oom();
    /* one round trip: this runs before nearly every catalog operation */
    rc = any_row(s,
                 "SELECT 1 WHERE EXISTS (SELECT 1 FROM iceberg_tables WHERE catalog_name = $1 "
                 "AND (table_namespace = $2 OR table_namespace LIKE $3 ESCAPE '!')) OR EXISTS "
                 "(SELECT 1 FROM iceberg_namespace_properties WHERE catalog_name = $1 AND "
                 "(namespace = $2 OR namespace LIKE $3 ESCAPE '!'))",
                 ns, like);
    st_free(like);
    return rc;
}

static int sql_ns_exists(st_catalog *c, const char *ns)
{
    return ns_exists_sql((cat_sql *)c, ns);
}

static int insert_prop(cat_sql *s, const char *ns, const char *key, const char *value)
{
    const char *params[4] = {s->base.name, ns, key, value};
    if (strlen(value) > CAT_MAX_LOCATION)
        return st_error_set(ST_EINVALID, ST_ERROR_CATALOG,
                            "namespace '%s': the value of '%s' is longer than %d bytes", ns, key,
                            CAT_MAX_LOCATION);
    if (strlen(key) > CAT_MAX_NAME)
        return st_error_set(ST_EINVALID, ST_ERROR_CATALOG,
                            "namespace '%s': property key '%.40s...' is longer than %d bytes", ns,
                            key, CAT_MAX_NAME);
    return run(s,
               "INSERT INTO iceberg_namespace_properties "
               "(catalog_name, namespace, property_key, property_value) VALUES ($1, $2, $3, $4)",
               4, params, SQL_WRITE, NULL, NULL);
}

typedef struct ns_args {
    const char *ns;
    const st_props *props;
    char *const *remove;
    int n_remove;
} ns_args;

static int ns_create_txn(cat_sql *s, void *arg)
{
    ns_args *a = arg;
    int rc = ns_exists_sql(s, a->ns);
    if (rc < 0)
        return rc;
    if (rc > 0)
        return st_error_set(ST_EEXISTS, ST_ERROR_CATALOG, "namespace '%s' already exists", a->ns);
    for (int i = 0; a->props && i < a->props->n; i++)
        if ((rc = insert_prop(s, a->ns, a->props->items[i].key, a->props->items[i].value)) < 0)
            goto fail;
    if ((rc = insert_prop(s, a->ns, "exists", "true")) < 0)
        goto fail;
    return 0;
fail:
    if (rc == ST_EEXISTS) /* created meanwhile by someone else */
        return st_error_set(ST_EEXISTS, ST_ERROR_CATALOG, "namespace '%s' already exists", a->ns);
    return rc;
}

static int sql_ns_create(st_catalog *c, const char *ns, const st_props *props)
{
    ns_args a = {ns, props, NULL, 0};
    return in_txn((cat_sql *)c, ns_create_txn, &a);
}

static int sql_ns_list(st_catalog *c, const char *parent, st_strv *out)
{
    cat_sql *s = (cat_sql *)c;
    st_sql_result r;
    char *like = NULL;
    const char *params[2];
    int rc;
    if (parent) {
        if ((rc = ns_exists_sql(s, parent)) <= 0)
            return rc < 0 ? rc : st_cat_err_no_ns(parent);
        if (!(like = child_pattern(parent)))
            return st_error_set_oom();
    }
    params[0] = s->base.name;
    params[1] = like;
    rc = run_retry(s,
                   parent ? "SELECT table_namespace FROM iceberg_tables WHERE catalog_name = $1 "
                            "AND table_namespace LIKE $2 ESCAPE '!' UNION "
                            "SELECT namespace FROM iceberg_namespace_properties WHERE "
                            "catalog_name = $1 AND namespace LIKE $2 ESCAPE '!'"
                          : "SELECT table_namespace FROM iceberg_tables WHERE catalog_name = $1 "
                            "UNION SELECT namespace FROM iceberg_namespace_properties WHERE "
                            "catalog_name = $1",
                   parent ? 2 : 1, params, 0, &r, NULL);
    st_free(like);
    if (rc < 0)
        return rc;
    for (int i = 0; rc == 0 && i < r.nrows; i++) {
        const char *v = st_sql_cell(&r, i, 0);
        if (v)
            rc = st_cat_add_child(out, parent, v);
    }
    st_sql_result_dispose(&r);
    return rc;
}

static int sql_ns_properties(st_catalog *c, const char *ns, st_props *out)
{
    cat_sql *s = (cat_sql *)c;
    const char *params[2] = {s->base.name, ns};
    st_sql_result r;
    int rc = ns_exists_sql(s, ns);
    if (rc <= 0)
        return rc < 0 ? rc : st_cat_err_no_ns(ns);
    rc = run_retry(s,
                   "SELECT property_key, property_value FROM iceberg_namespace_properties "
                   "WHERE catalog_name = $1 AND namespace = $2 ORDER BY property_key",
                   2, params, 0, &r, NULL);
    if (rc < 0)
        return rc;
    for (int i = 0; rc == 0 && i < r.nrows; i++) {
        const char *k = st_sql_cell(&r, i, 0), *v = st_sql_cell(&r, i, 1);
        if (k && strcmp(k, "exists") != 0)
            rc = st_props_set(out, k, v ? v : "");
    }
    st_sql_result_dispose(&r);
    return rc;
}

static int delete_prop(cat_sql *s, const char *ns, const char *key)
{
    const char *params[3] = {s->base.name, ns, key};
    return run(s,
               "DELETE FROM iceberg_namespace_properties WHERE catalog_name = $1 AND "
               "namespace = $2 AND property_key = $3",
               3, params, SQL_WRITE, NULL, NULL);
}

static int ns_update_txn(cat_sql *s, void *arg)
{
    ns_args *a = arg;
    int rc = ns_exists_sql(s, a->ns);
    if (rc <= 0)
        return rc < 0 ? rc : st_cat_err_no_ns(a->ns);
    for (int i = 0; i < a->n_remove; i++)
        if ((rc = delete_prop(s, a->ns, a->remove[i])) < 0)
            return rc;
    for (int i = 0; a->props && i < a->props->n; i++) {
        const st_kv *kv = &a->props->items[i];
        if ((rc = delete_prop(s, a->ns, kv->key)) < 0 ||
            (rc = insert_prop(s, a->ns, kv->key, kv->value)) < 0)
            return rc;
    }
    /* A namespace that existed only through its properties (PyIceberg
     * writes no marker then) must survive losing them. */
    rc = any_row(s,
                 "SELECT 1 FROM iceberg_namespace_properties WHERE catalog_name = $1 AND "
                 "namespace = $2 AND property_key = 'exists'",
                 a->ns, NULL);
    if (rc == 0)
        rc = insert_prop(s, a->ns, "exists", "true");
    return rc < 0 ? rc : 0;
}

static int sql_ns_update(st_catalog *c, const char *ns, const st_props *set, char *const *remove,
                         int n_remove)
{
    ns_args a = {ns, set, remove, n_remove};
    return in_txn((cat_sql *)c, ns_update_txn, &a);
}

static int ns_drop_txn(cat_sql *s, void *arg)
{
    ns_args *a = arg;
    const char *params[2] = {s->base.name, a->ns};
    char *like;
    int rc = ns_exists_sql(s, a->ns);
    if (rc <= 0)
        return rc < 0 ? rc : st_cat_err_no_ns(a->ns);
    /* Any row, views included (Java refuses to drop a namespace with views). */
    rc = any_row(s,
                 "SELECT 1 FROM iceberg_tables WHERE catalog_name = $1 AND table_namespace = $2 "
                 "LIMIT 1",
                 a->ns, NULL);
    if (rc != 0)
        return rc < 0 ? rc
                      : st_error_set(ST_ENOTEMPTY, ST_ERROR_CATALOG,
                                     "namespace '%s' is not empty: it holds tables", a->ns);
    if (!(like = child_pattern(a->ns)))
        return st_error_set_oom();
    rc = any_row(s,
                 "SELECT 1 FROM iceberg_tables WHERE catalog_name = $1 AND "
                 "table_namespace LIKE $2 ESCAPE '!' LIMIT 1",
                 like, NULL);
    if (rc == 0)
        rc = any_row(s,
                     "SELECT 1 FROM iceberg_namespace_properties WHERE catalog_name = $1 AND "
                     "namespace LIKE $2 ESCAPE '!' LIMIT 1",
                     like, NULL);
    st_free(like);
    if (rc != 0)
        return rc < 0 ? rc
                      : st_error_set(ST_ENOTEMPTY, ST_ERROR_CATALOG,
                                     "namespace '%s' is not empty: it holds namespaces", a->ns);
    return run(s,
               "DELETE FROM iceberg_namespace_properties WHERE catalog_name = $1 AND "
               "namespace = $2",
               2, params, SQL_WRITE, NULL, NULL);
}

static int sql_ns_drop(st_catalog *c, const char *ns)
{
    ns_args a = {ns, NULL, NULL, 0};
    return in_txn((cat_sql *)c, ns_drop_txn, &a);
}

/* ----------------------------------------------------------------- tables */

/* `sql` with the V1 filter appended when the database has iceberg_type. */
/* A statement on iceberg_tables; V1 databases also hold views, which table
 * calls must not see. Both spellings are literals: nothing to build per call. */
#define TABLE_SQL(s, sql) ((s)->v1 ? sql V1_TABLE_FILTER : sql)

static int sql_tbl_list(st_catalog *c, const char *ns, st_strv *out)
{
    cat_sql *s = (cat_sql *)c;
    const char *params[2] = {s->base.name, ns};
    st_sql_result r;
    const char *sql;
    int rc = ns_exists_sql(s, ns);
    if (rc <= 0)
        return rc < 0 ? rc : st_cat_err_no_ns(ns);
    sql = TABLE_SQL(s,
                       "SELECT table_name FROM iceberg_tables WHERE catalog_name = $1 AND "
                       "table_namespace = $2");
    rc = run_retry(s, sql, 2, params, 0, &r, NULL);
    if (rc < 0)
        return rc;
    for (int i = 0; rc == 0 && i < r.nrows; i++)
        if (st_sql_cell(&r, i, 0))
            rc = st_strv_push(out, st_sql_cell(&r, i, 0));
    st_sql_result_dispose(&r);
    return rc;
}

/* The table's row: 1 and *loc (may be NULL for a row without a location),
 * 0 when there is none. */
static int get_row(cat_sql *s, const char *ns, const char *name, char **loc)
{
    const char *params[3] = {s->base.name, ns, name};
    st_sql_result r;
    const char *sql = TABLE_SQL(s,
                       "SELECT metadata_location FROM iceberg_tables WHERE catalog_name = $1 "
                       "AND table_namespace = $2 AND table_name = $3");
    int rc;
    *loc = NULL;
    rc = run_retry(s, sql, 3, params, 0, &r, NULL);
    if (rc < 0)
        return rc;
    if (r.nrows > 0) {
        const char *v = st_sql_cell(&r, 0, 0);
        rc = 1;
        if (v && !(*loc = st_strdup(v)))
            rc = st_error_set_oom();
    }
    st_sql_result_dispose(&r);
    return rc;
}

static int sql_tbl_get(st_catalog *c, const char *ns, const char *name, char **loc)
{
    int rc = get_row((cat_sql *)c, ns, name, loc);
    if (rc == 0)
        return st_cat_err_no_table(ns, name);
    if (rc > 0 && !*loc)
        return st_error_set(ST_ECORRUPT, ST_ERROR_CATALOG,
                            "table '%s.%s' has no metadata location in '%s'", ns, name, c->uri);
    return rc < 0 ? rc : 0;
}

typedef struct tbl_args {
    const char *ns, *name, *loc;
    const char *to_ns, *to_name;
} tbl_args;

static int tbl_insert_txn(cat_sql *s, void *arg)
{
    tbl_args *a = arg;
    const char *params[4] = {s->base.name, a->ns, a->name, a->loc};
    int rc = ns_exists_sql(s, a->ns);
    if (rc <= 0)
        return rc < 0 ? rc : st_cat_err_no_ns(a->ns);
    rc = run(s,
             s->v1 ? "INSERT INTO iceberg_tables (catalog_name, table_namespace, table_name, "
                     "metadata_location, previous_metadata_location, iceberg_type) "
                     "VALUES ($1, $2, $3, $4, NULL, 'TABLE')"
                   : "INSERT INTO iceberg_tables (catalog_name, table_namespace, table_name, "
                     "metadata_location, previous_metadata_location) "
                     "VALUES ($1, $2, $3, $4, NULL)",
             4, params, SQL_WRITE, NULL, NULL);
    if (rc == ST_EEXISTS)
        return st_error_set(ST_EEXISTS, ST_ERROR_CATALOG, "table '%s.%s' already exists", a->ns,
                            a->name);
    return rc;
}

static int check_loc_len(const char *loc)
{
    if (strlen(loc) > CAT_MAX_LOCATION)
        return st_error_set(ST_EINVALID, ST_ERROR_CATALOG,
                            "metadata location '%.60s...' is longer than %d bytes", loc,
                            CAT_MAX_LOCATION);
    return 0;
}

static int sql_tbl_register(st_catalog *c, const char *ns, const char *name, const char *loc)
{
    tbl_args a = {ns, name, loc, NULL, NULL};
    int rc = check_loc_len(loc);
    return rc < 0 ? rc : in_txn((cat_sql *)c, tbl_insert_txn, &a);
}

static int sql_tbl_swap(st_catalog *c, const char *ns, const char *name, const char *base,
                        const char *loc)
{
    cat_sql *s = (cat_sql *)c;
    const char *params[6] = {loc, base, s->base.name, ns, name, base};
    char *sql, *cur = NULL;
    int64_t changed = 0;
    int rc;
    if (!base)
        return sql_tbl_register(c, ns, name, loc);
    if ((rc = check_loc_len(loc)) < 0)
        return rc;
    sql = TABLE_SQL(s,
                       "UPDATE iceberg_tables SET metadata_location = $1, "
                       "previous_metadata_location = $2 WHERE catalog_name = $3 AND "
                       "table_namespace = $4 AND table_name = $5 AND metadata_location = $6");
    rc = run_retry(s, sql, 6, params, SQL_WRITE, NULL, &changed);
    if (rc < 0)
        return rc;
    if (changed == 1)
        return 0;
    /* Nothing changed: say whether the table is gone or moved on. */
    rc = get_row(s, ns, name, &cur);
    st_free(cur);
    if (rc < 0)
        return rc;
    if (rc == 0)
        return st_cat_err_no_table(ns, name);
    st_error_set(ST_ECONFLICT, ST_ERROR_CATALOG,
                 "table '%s.%s' was changed concurrently: its metadata is no longer '%s'", ns,
                 name, base);
    return ST_ECONFLICT;
}

static int sql_tbl_drop(st_catalog *c, const char *ns, const char *name)
{
    cat_sql *s = (cat_sql *)c;
    const char *params[3] = {s->base.name, ns, name};
    int64_t changed = 0;
    const char *sql = TABLE_SQL(s,
                       "DELETE FROM iceberg_tables WHERE catalog_name = $1 AND table_namespace "
                       "= $2 AND table_name = $3");
    int rc;
    rc = run_retry(s, sql, 3, params, SQL_WRITE, NULL, &changed);
    if (rc < 0)
        return rc;
    return changed > 0 ? 0 : st_cat_err_no_table(ns, name);
}

static int tbl_rename_txn(cat_sql *s, void *arg)
{
    tbl_args *a = arg;
    const char *params[5] = {a->to_ns, a->to_name, s->base.name, a->ns, a->name};
    int64_t changed = 0;
    const char *sql;
    int rc = ns_exists_sql(s, a->to_ns);
    if (rc <= 0)
        return rc < 0 ? rc : st_cat_err_no_ns(a->to_ns);
    sql = TABLE_SQL(s,
                       "UPDATE iceberg_tables SET table_namespace = $1, table_name = $2 WHERE "
                       "catalog_name = $3 AND table_namespace = $4 AND table_name = $5");
    rc = run(s, sql, 5, params, SQL_WRITE, NULL, &changed);
    if (rc == ST_EEXISTS)
        return st_error_set(ST_EEXISTS, ST_ERROR_CATALOG, "table '%s.%s' already exists",
                            a->to_ns, a->to_name);
    if (rc < 0)
        return rc;
    return changed > 0 ? 0 : st_cat_err_no_table(a->ns, a->name);
}

static int sql_tbl_rename(st_catalog *c, const char *ns, const char *name, const char *to_ns,
                          const char *to_name)
{
    tbl_args a = {ns, name, NULL, to_ns, to_name};
    return in_txn((cat_sql *)c, tbl_rename_txn, &a);
}

static void sql_close(st_catalog *c)
{
    cat_sql *s = (cat_sql *)c;
    if (s->conn)
        s->drv->close(s->conn);
    st_cat_base_dispose(c);
    st_free(s);
}

static const cat_vtable sqlite_vt = {
    "sqlite",          sql_close,       sql_ns_create,    sql_ns_exists,  sql_ns_list,
    sql_ns_properties, sql_ns_update,   sql_ns_drop,      sql_tbl_list,   sql_tbl_get,
    sql_tbl_swap,      NULL,            sql_tbl_register, sql_tbl_drop,   sql_tbl_rename,
    NULL,
};

static const cat_vtable postgres_vt = {
    "postgresql",      sql_close,       sql_ns_create,    sql_ns_exists,  sql_ns_list,
    sql_ns_properties, sql_ns_update,   sql_ns_drop,      sql_tbl_list,   sql_tbl_get,
    sql_tbl_swap,      NULL,            sql_tbl_register, sql_tbl_drop,   sql_tbl_rename,
    NULL,
};

/* ------------------------------------------------------------------- open */

static int has_name(const st_sql_result *r, const char *col)
{
    for (int i = 0; i < r->ncols; i++)
        if (strcmp(r->names[i], col) == 0)
            return 1;
    return 0;
}

/*
 * The columns of `table`: 0 with *cols filled, ST_ENOTFOUND when there is no
 * such table.
 */
static int probe_table(cat_sql *s, const char *table, st_sql_result *cols)
{
    char sql[128];
    snprintf(sql, sizeof(sql), "SELECT * FROM %s WHERE 1 = 0", table);
    return run_retry(s, sql, 0, NULL, 0, cols, NULL);
}

static int create_txn(cat_sql *s, void *arg)
{
    const char *sql = arg;
    return run(s, sql, 0, NULL, SQL_WRITE, NULL, NULL);
}

/* Checks `table` has `need` columns, creating it with `create` when missing. */
static int ensure_table(cat_sql *s, const char *table, const char *create,
                        const char *const *need, int n_need, int *v1)
{
    st_sql_result cols;
    int rc = probe_table(s, table, &cols);
    if (rc == ST_ENOTFOUND) {
        rc = in_txn(s, create_txn, (void *)create);
        /* PostgreSQL: two concurrent CREATE TABLE IF NOT EXISTS can collide on
         * the catalog's own unique index; the table exists either way. */
        if (rc == 0 || rc == ST_EEXISTS)
            rc = probe_table(s, table, &cols);
        if (rc == ST_ENOTFOUND)
            rc = st_error_set(ST_EIO, ST_ERROR_CATALOG, "'%s': cannot create table %s",
                              s->base.uri, table);
    }
    if (rc < 0)
        return rc;
    for (int i = 0; i < n_need; i++)
        if (!has_name(&cols, need[i])) {
            rc = st_error_set(ST_ECORRUPT, ST_ERROR_CATALOG,
                              "'%s' is not an Iceberg SQL catalog: table %s has no column %s",
                              s->base.uri, table, need[i]);
            break;
        }
    if (v1)
        *v1 = has_name(&cols, "iceberg_type");
    st_sql_result_dispose(&cols);
    return rc;
}

int st_cat_sql_open(st_catalog **out, const st_sql_driver *drv, void *conn,
                    const char *uri_display, const char *warehouse, const char *name)
{
    static const char *const table_cols[] = {"catalog_name", "table_namespace", "table_name",
                                             "metadata_location", "previous_metadata_location"};
    static const char *const prop_cols[] = {"catalog_name", "namespace", "property_key",
                                            "property_value"};
    cat_sql *s = st_calloc(1, sizeof(*s));
    int rc;
    *out = NULL;
    if (!s) {
        drv->close(conn);
        return st_error_set_oom();
    }
    s->drv = drv;
    s->conn = conn;
    if ((rc = st_cat_base_init(&s->base, strcmp(drv->kind, "sqlite") ? &postgres_vt : &sqlite_vt,
                               uri_display, warehouse, name)) < 0 ||
        (rc = ensure_table(s, "iceberg_tables", CREATE_TABLES_V1, table_cols, 5, &s->v1)) < 0 ||
        (rc = ensure_table(s, "iceberg_namespace_properties", CREATE_NAMESPACE_PROPERTIES,
                           prop_cols, 4, NULL)) < 0) {
        sql_close(&s->base);
        return rc == CAT_EBUSY ? ST_EIO : rc;
    }
    *out = &s->base;
    return 0;
}
