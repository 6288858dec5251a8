/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The PostgreSQL driver of the SQL catalog (libpq).
 *
 * Statements run with PQexecParams and text parameters. Transactions use
 * PostgreSQL's default READ COMMITTED isolation, as Java's JdbcCatalog and
 * PyIceberg do; the pointer move itself is one UPDATE ... WHERE
 * metadata_location = old, atomic under any isolation.
 *
 * Outcomes. An error answered by the server means the statement (and, in
 * autocommit, its transaction) did not happen. A connection lost while a
 * write or a COMMIT was under way leaves the outcome unknown: the server may
 * have committed before the link broke. That is ST_EUNKNOWN, never success
 * and never a plain failure. A broken connection is re-established (PQreset)
 * before the next statement outside a transaction.
 *
 * libpq prints server notices to stderr by default (CREATE TABLE IF NOT
 * EXISTS sends one); the library never prints, so a no-op notice processor
 * is installed.
 */
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "catalog/catalog_int.h"
#include "util/alloc.h"
#include "util/buf.h"

typedef struct pg_conn {
    PGconn *pg;
    char *uri; /* for messages, redacted */
    int in_txn;
} pg_conn;

/* libpq messages are multi-line: one line, tabs and newlines folded. */
static void one_line(char *dst, size_t cap, const char *msg)
{
    size_t o = 0;
    int space = 0;
    for (const char *p = msg ? msg : ""; *p && o + 1 < cap; p++) {
        if (*p == '\n' || *p == '\t' || *p == '\r') {
            space = 1;
            continue;
        }
        if (space && o > 0 && o + 2 < cap) {
            dst[o++] = ';';
            dst[o++] = ' ';
        }
        space = 0;
        dst[o++] = *p;
    }
    dst[o] = 0;
}

static void pg_notice(void *arg, const char *message)
{
    (void)arg;
    (void)message;
}

static int lost(pg_conn *c)
{
    return PQstatus(c->pg) == CONNECTION_BAD;
}

/* Maps a failed result (or none) to a code. `unknown` marks statements whose
 * effect may have landed if the connection died. */
static int pg_error(pg_conn *c, PGresult *res, const char *what, int unknown)
{
    char msg[600];
    const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    one_line(msg, sizeof(msg),
             res && *PQresultErrorMessage(res) ? PQresultErrorMessage(res) : PQerrorMessage(c->pg));
    if (!state || lost(c) || strncmp(state, "08", 2) == 0 || strncmp(state, "57P", 3) == 0) {
        if (unknown)
            return st_error_set(ST_EUNKNOWN, ST_ERROR_CATALOG,
                                "'%s': %s: connection lost, outcome unknown: %s", c->uri, what,
                                msg);
        return st_error_set(ST_EIO, ST_ERROR_CATALOG, "'%s': %s: connection lost: %s", c->uri,
                            what, msg);
    }
    if (strcmp(state, "23505") == 0)
        return st_error_set(ST_EEXISTS, ST_ERROR_CATALOG, "'%s': %s: %s", c->uri, what, msg);
    if (strcmp(state, "42P01") == 0)
        return st_error_set(ST_ENOTFOUND, ST_ERROR_CATALOG, "'%s': %s", c->uri, msg);
    if (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0 ||
        strcmp(state, "55P03") == 0) {
        st_error_set(ST_EIO, ST_ERROR_CATALOG, "'%s': %s: %s", c->uri, what, msg);
        return CAT_EBUSY;
    }
    return st_error_set(ST_EIO, ST_ERROR_CATALOG, "'%s': %s: %s (SQLSTATE %s)", c->uri, what, msg,
                        state);
}

/* Outside a transaction, a connection that broke earlier is re-established. */
static int pg_ready(pg_conn *c)
{
    if (!lost(c))
        return 0;
    if (c->in_txn) {
        char msg[600];
        one_line(msg, sizeof(msg), PQerrorMessage(c->pg));
        return st_error_set(ST_EIO, ST_ERROR_CATALOG, "'%s': connection lost: %s", c->uri, msg);
    }
    PQreset(c->pg);
    if (lost(c)) {
        char msg[600];
        one_line(msg, sizeof(msg), PQerrorMessage(c->pg));
        return st_error_set(ST_EIO, ST_ERROR_CATALOG, "'%s': cannot reconnect: %s", c->uri, msg);
    }
    return 0;
}

static int take_rows(PGresult *res, st_sql_result *r)
{
    r->ncols = PQnfields(res);
    r->nrows = PQntuples(res);
    if (r->ncols > 0 && !(r->names = st_calloc((size_t)r->ncols, sizeof(*r->names))))
        return st_error_set_oom();
    for (int i = 0; i < r->ncols; i++)
        if (!(r->names[i] = st_strdup(PQfname(res, i))))
            return st_error_set_oom();
    if ((size_t)r->nrows * (size_t)r->ncols > 0 &&
        !(r->cells = st_calloc((size_t)r->nrows * (size_t)r->ncols, sizeof(*r->cells))))
        return st_error_set_oom();
    for (int row = 0; row < r->nrows; row++)
        for (int col = 0; col < r->ncols; col++)
            if (!PQgetisnull(res, row, col) &&
                !(r->cells[(size_t)row * (size_t)r->ncols + (size_t)col] =
                      st_strdup(PQgetvalue(res, row, col))))
                return st_error_set_oom();
    return 0;
}

static int pg_exec(void *conn, const char *sql, int nparams, const char *const *params,
                   int flags, st_sql_result *rows, int64_t *changes)
{
    pg_conn *c = conn;
    PGresult *res;
    ExecStatusType status;
    int rc = 0;
    if (rows)
        memset(rows, 0, sizeof(*rows));
    if (changes)
        *changes = 0;
    if ((rc = pg_ready(c)) < 0)
        return rc;
    res = PQexecParams(c->pg, sql, nparams, NULL, params, NULL, NULL, 0);
    status = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
    if (status == PGRES_TUPLES_OK) {
        if (rows && (rc = take_rows(res, rows)) < 0)
            st_sql_result_dispose(rows);
    } else if (status == PGRES_COMMAND_OK) {
        if (changes)
            *changes = strtoll(PQcmdTuples(res), NULL, 10);
    } else {
        rc = pg_error(c, res, "statement failed", (flags & SQL_WRITE) && !c->in_txn);
    }
    PQclear(res);
    return rc;
}

static int pg_command(pg_conn *c, const char *sql, const char *what, int unknown,
                      const char *expect_tag)
{
    PGresult *res = PQexec(c->pg, sql);
    int rc = 0;
    if (!res || PQresultStatus(res) != PGRES_COMMAND_OK)
        rc = pg_error(c, res, what, unknown);
    else if (expect_tag && strcmp(PQcmdStatus(res), expect_tag) != 0)
        rc = st_error_set(ST_EIO, ST_ERROR_CATALOG, "'%s': %s: the server answered %s", c->uri,
                          what, PQcmdStatus(res));
    PQclear(res);
    return rc;
}

static int pg_begin(void *conn)
{
    pg_conn *c = conn;
    int rc = pg_ready(c);
    if (rc == 0 && (rc = pg_command(c, "BEGIN", "cannot start a transaction", 0, NULL)) == 0)
        c->in_txn = 1;
    return rc;
}

static int pg_commit(void *conn)
{
    pg_conn *c = conn;
    /* COMMIT of a transaction that failed earlier answers ROLLBACK. */
    int rc = pg_command(c, "COMMIT", "cannot commit", 1, "COMMIT");
    c->in_txn = 0;
    return rc;
}

static void pg_rollback(void *conn)
{
    pg_conn *c = conn;
    if (c->in_txn && !lost(c))
        PQclear(PQexec(c->pg, "ROLLBACK"));
    c->in_txn = 0;
}

static void pg_close(void *conn)
{
    pg_conn *c = conn;
    if (!c)
        return;
    PQfinish(c->pg);
    st_free(c->uri);
    st_free(c);
}

static const st_sql_driver pg_driver = {
    "postgresql", pg_exec, pg_begin, pg_commit, pg_rollback, pg_close,
};

int st_cat_postgres_open(st_catalog **out, const char *conninfo, const char *uri_display,
                         const char *warehouse, const char *name)
{
    pg_conn *c;
    *out = NULL;
    if (!(c = st_calloc(1, sizeof(*c))))
        return st_error_set_oom();
    if (!(c->uri = st_strdup(uri_display))) {
        st_free(c);
        return st_error_set_oom();
    }
    c->pg = PQconnectdb(conninfo);
    if (!c->pg) {
        pg_close(c);
        return st_error_set_oom();
    }
    if (PQstatus(c->pg) != CONNECTION_OK) {
        char msg[600];
        int rc;
        one_line(msg, sizeof(msg), PQerrorMessage(c->pg));
        rc = st_error_set(ST_EIO, ST_ERROR_CATALOG, "'%s': cannot connect: %s", uri_display, msg);
        pg_close(c);
        return rc;
    }
    PQsetNoticeProcessor(c->pg, pg_notice, NULL);
    return st_cat_sql_open(out, &pg_driver, c, uri_display, warehouse, name);
}
