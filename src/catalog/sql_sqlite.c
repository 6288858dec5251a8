/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The SQLite driver of the SQL catalog.
 *
 * Concurrency. Several processes (ours, PyIceberg, Java) may use one catalog
 * file at once. Each connection waits up to BUSY_TIMEOUT_MS for a lock
 * (sqlite3_busy_timeout); read-modify-write transactions start with BEGIN
 * IMMEDIATE so they take the write lock up front and never fail to upgrade a
 * read lock; what is still busy after the wait goes back to catalog_sql.c as
 * CAT_EBUSY, which rolls back and retries with backoff. A statement reports
 * success only after SQLite says it is done (autocommit) or COMMIT returned
 * SQLITE_OK.
 *
 * Journal mode. A database this driver creates is switched to WAL: readers
 * then never block the committer nor the other way round, and a commit costs
 * one fsync. The mode is stored in the file; PyIceberg (Python's sqlite3) and
 * Java (sqlite-jdbc) open WAL databases without noticing, as long as every
 * process is on the same host (WAL's index is shared memory, so not on a
 * network file system). An existing database keeps whatever mode its owner
 * chose: we do not change a file we did not create, and the rollback journal
 * is just as correct, only slower under contention.
 *
 * LIKE. SQLite's LIKE ignores ASCII case by default, which would make
 * namespace 'A' the parent of 'a.b'; each connection sets
 * case_sensitive_like so the namespace rules match PostgreSQL's (a
 * connection setting, not stored in the file).
 */
#include <string.h>
#include <sys/stat.h>

#include <sqlite3.h>

#include "catalog/catalog_int.h"
#include "util/alloc.h"
#include "util/buf.h"

#define BUSY_TIMEOUT_MS 5000

typedef struct lite_conn {
    sqlite3 *db;
    char *uri; /* for messages */
} lite_conn;

static int lite_error(lite_conn *c, int rc, const char *what, int write_outcome_unknown)
{
    int prim = rc & 0xff;
    const char *msg = c->db ? sqlite3_errmsg(c->db) : sqlite3_errstr(rc);
    if (prim == SQLITE_BUSY || prim == SQLITE_LOCKED) {
        st_error_set(ST_EIO, ST_ERROR_CATALOG, "'%s': %s: database is locked", c->uri, what);
        return CAT_EBUSY;
    }
    if (prim == SQLITE_CONSTRAINT &&
        (rc == SQLITE_CONSTRAINT_PRIMARYKEY || rc == SQLITE_CONSTRAINT_UNIQUE))
        return st_error_set(ST_EEXISTS, ST_ERROR_CATALOG, "'%s': %s: %s", c->uri, what, msg);
    if (prim == SQLITE_NOTADB)
        return st_error_set(ST_ECORRUPT, ST_ERROR_CATALOG, "'%s': not an SQLite database (%s)",
                            c->uri, msg);
    if (prim == SQLITE_CORRUPT)
        return st_error_set(ST_ECORRUPT, ST_ERROR_CATALOG, "'%s': corrupt database (%s)", c->uri,
                            msg);
    if (prim == SQLITE_ERROR && strncmp(msg, "no such table", 13) == 0)
        return st_error_set(ST_ENOTFOUND, ST_ERROR_CATALOG, "'%s': %s", c->uri, msg);
    if (prim == SQLITE_IOERR && write_outcome_unknown)
        return st_error_set(ST_EUNKNOWN, ST_ERROR_CATALOG,
                            "'%s': %s: I/O error while committing, outcome unknown (%s)", c->uri,
                            what, msg);
    return st_error_set(ST_EIO, ST_ERROR_CATALOG, "'%s': %s: %s", c->uri, what, msg);
}

/* $1..$n -> ?1..?n (the SQL never has '$' inside a literal). */
static char *rewrite_params(const char *sql)
{
    char *out = st_strdup(sql);
    if (!out)
        return NULL;
    for (char *p = out; *p; p++)
        if (*p == '$' && p[1] >= '0' && p[1] <= '9')
            *p = '?';
    return out;
}

static int collect_row(sqlite3_stmt *st, st_sql_result *r, st_buf *cells)
{
    size_t start = cells->len;
    for (int i = 0; i < r->ncols; i++) {
        const unsigned char *t = sqlite3_column_text(st, i);
        char *copy = NULL;
        if ((t && !(copy = st_strdup((const char *)t))) ||
            st_buf_put(cells, &copy, sizeof(copy)) < 0) {
            /* free this row's cells: the result counts whole rows only */
            st_free(copy);
            for (size_t o = start; o + sizeof(char *) <= cells->len; o += sizeof(char *)) {
                char *p;
                memcpy(&p, cells->ptr + o, sizeof(p));
                st_free(p);
            }
            cells->len = start;
            return st_error_set_oom();
        }
    }
    r->nrows++;
    return 0;
}

static int lite_exec(void *conn, const char *sql, int nparams, const char *const *params,
                     int flags, st_sql_result *rows, int64_t *changes)
{
    lite_conn *c = conn;
    sqlite3_stmt *st = NULL;
    st_buf cells = ST_BUF_INIT;
    st_sql_result r = {0};
    char *text;
    int autocommit = sqlite3_get_autocommit(c->db);
    int rc, ret = 0;

    if (rows)
        memset(rows, 0, sizeof(*rows));
    if (changes)
        *changes = 0;
    if (!(text = rewrite_params(sql)))
        return st_error_set_oom();
    rc = sqlite3_prepare_v2(c->db, text, -1, &st, NULL);
    st_free(text);
    if (rc != SQLITE_OK)
        return lite_error(c, rc, "cannot prepare a statement", 0);
    for (int i = 0; i < nparams; i++) {
        rc = params[i] ? sqlite3_bind_text(st, i + 1, params[i], -1, SQLITE_STATIC)
                       : sqlite3_bind_null(st, i + 1);
        if (rc != SQLITE_OK) {
            ret = lite_error(c, rc, "cannot bind a parameter", 0);
            goto done;
        }
    }
    r.ncols = sqlite3_column_count(st);
    if (rows && r.ncols > 0) {
        if (!(r.names = st_calloc((size_t)r.ncols, sizeof(*r.names)))) {
            ret = st_error_set_oom();
            goto done;
        }
        for (int i = 0; i < r.ncols; i++) {
            const char *nm = sqlite3_column_name(st, i);
            if (!(r.names[i] = st_strdup(nm ? nm : ""))) {
                ret = st_error_set_oom();
                goto done;
            }
        }
    }
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (rows && (ret = collect_row(st, &r, &cells)) < 0)
            goto done;
    }
    if (rc != SQLITE_DONE) {
        ret = lite_error(c, rc, "statement failed",
                         (flags & SQL_WRITE) && autocommit && !sqlite3_stmt_readonly(st));
        goto done;
    }
    if (changes)
        *changes = sqlite3_changes(c->db);
done:
    sqlite3_finalize(st);
    r.cells = (char **)st_buf_detach(&cells);
    if (ret == 0 && rows)
        *rows = r;
    else
        st_sql_result_dispose(&r);
    return ret;
}

static int lite_simple(lite_conn *c, const char *sql, const char *what, int unknown_on_ioerr)
{
    int rc = sqlite3_exec(c->db, sql, NULL, NULL, NULL);
    return rc == SQLITE_OK ? 0 : lite_error(c, rc, what, unknown_on_ioerr);
}

static int lite_begin(void *conn)
{
    return lite_simple(conn, "BEGIN IMMEDIATE", "cannot start a transaction", 0);
}

static int lite_commit(void *conn)
{
    lite_conn *c = conn;
    int rc = lite_simple(c, "COMMIT", "cannot commit", 1);
    /* A busy COMMIT keeps the transaction open (SQLite's rule); the caller
     * rolls back and retries the whole transaction. */
    return rc;
}

static void lite_rollback(void *conn)
{
    lite_conn *c = conn;
    if (!sqlite3_get_autocommit(c->db))
        sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
}

static void lite_close(void *conn)
{
    lite_conn *c = conn;
    if (!c)
        return;
    sqlite3_close_v2(c->db);
    st_free(c->uri);
    st_free(c);
}

static const st_sql_driver lite_driver = {
    "sqlite", lite_exec, lite_begin, lite_commit, lite_rollback, lite_close,
};

int st_cat_sqlite_open(st_catalog **out, const char *path, const char *uri_display,
                       const char *warehouse, const char *name)
{
    lite_conn *c;
    struct stat sb;
    int fresh = stat(path, &sb) != 0 || (S_ISREG(sb.st_mode) && sb.st_size == 0);
    int rc;

    *out = NULL;
    if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode))
        return st_error_set(ST_EINVALID, ST_ERROR_CATALOG, "'%s': '%s' is a folder", uri_display,
                            path);
    if (!(c = st_calloc(1, sizeof(*c))))
        return st_error_set_oom();
    if (!(c->uri = st_strdup(uri_display))) {
        st_free(c);
        return st_error_set_oom();
    }
    rc = sqlite3_open_v2(path, &c->db,
                         SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK) {
        rc = st_error_set(ST_EIO, ST_ERROR_CATALOG, "'%s': cannot open the database: %s",
                          uri_display, c->db ? sqlite3_errmsg(c->db) : sqlite3_errstr(rc));
        lite_close(c);
        return rc;
    }
    sqlite3_extended_result_codes(c->db, 1);
    sqlite3_busy_timeout(c->db, BUSY_TIMEOUT_MS);
    if ((rc = lite_simple(c, "PRAGMA case_sensitive_like = ON", "cannot configure", 0)) < 0) {
        lite_close(c);
        return rc == CAT_EBUSY ? ST_EIO : rc;
    }
    if (fresh) {
        /* Best effort: a concurrent opener may hold the file; WAL is an
         * optimisation, not a requirement. */
        sqlite3_exec(c->db, "PRAGMA journal_mode = WAL", NULL, NULL, NULL);
    }
    return st_cat_sql_open(out, &lite_driver, c, uri_display, warehouse, name);
}
