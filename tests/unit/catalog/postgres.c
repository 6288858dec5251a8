/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The SQL catalog on PostgreSQL, beyond the shared bodies (ops.c,
 * concurrency.c): a connection killed in the middle of a commit gives
 * ST_EUNKNOWN and keeps the file; a Java-made V0 schema is used as it is.
 * These need ST_TEST_POSTGRES_URI (tests/catalog/postgres.sh starts a
 * server) and pass with a note without it.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "catalog_test.h"
#include "st_test.h"
#include "supertable/errors.h"
#include "util/alloc.h"

static void quiet(void *arg, const char *message)
{
    (void)arg;
    (void)message;
}

static PGconn *raw_connect(const char *uri)
{
    PGconn *pg = PQconnectdb(uri);
    st_assert_msg(PQstatus(pg) == CONNECTION_OK, "connect: %s", PQerrorMessage(pg));
    PQsetNoticeProcessor(pg, quiet, NULL);
    return pg;
}

static void raw_ok(PGconn *pg, const char *sql)
{
    PGresult *r = PQexec(pg, sql);
    ExecStatusType s = PQresultStatus(r);
    st_assert_msg(s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK, "%s: %s", sql,
                  PQerrorMessage(pg));
    PQclear(r);
}

/* The first value of a query, as text ("" when no row). */
static char *raw_value(PGconn *pg, const char *sql)
{
    static char out[1000];
    PGresult *r = PQexec(pg, sql);
    st_assert_msg(PQresultStatus(r) == PGRES_TUPLES_OK, "%s: %s", sql, PQerrorMessage(pg));
    snprintf(out, sizeof(out), "%s", PQntuples(r) > 0 ? PQgetvalue(r, 0, 0) : "");
    PQclear(r);
    return out;
}

typedef struct committer {
    st_catalog *c;
    const char *base, *mdir;
    char *loc;
    int rc;
    char msg[1100];
} committer;

static void *commit_main(void *arg)
{
    committer *w = arg;
    w->rc = st_catalog_tbl_commit(w->c, "n", "t", w->base, w->mdir, "{}", 2, 0, &w->loc);
    snprintf(w->msg, sizeof(w->msg), "%s", st_error_last()->message);
    return NULL;
}

void test_catalog_postgres__killed_connection_is_unknown(void)
{
    const char *uri = ct_postgres_uri("catalog::postgres::killed_connection_is_unknown");
    st_catalog *c;
    PGconn *locker;
    pthread_t t;
    committer w = {0};
    char *l1 = NULL, *cur = NULL, *l3 = NULL, mdir[1300], sql[600], pid[32] = "";
    if (!uri)
        return;
    st_pass(ct_open(&c, "postgres"));
    snprintf(mdir, sizeof(mdir), "%s/md", st_test_tmpdir());
    st_pass(st_catalog_ns_create(c, "n", NULL));
    st_pass(st_catalog_tbl_commit(c, "n", "t", NULL, mdir, "{}", 2, 0, &l1));

    /* Hold the row so the CAS UPDATE waits, then kill its backend. */
    locker = raw_connect(uri);
    raw_ok(locker, "BEGIN");
    snprintf(sql, sizeof(sql),
             "SELECT 1 FROM iceberg_tables WHERE catalog_name = '%s' AND table_namespace = 'n' "
             "AND table_name = 't' FOR UPDATE",
             ct_name());
    raw_ok(locker, sql);
    w.c = c;
    w.base = l1;
    w.mdir = mdir;
    st_assert(pthread_create(&t, NULL, commit_main, &w) == 0);
    for (int i = 0; i < 1000 && !pid[0]; i++) {
        usleep(10000);
        snprintf(pid, sizeof(pid), "%s",
                 raw_value(locker, "SELECT pid FROM pg_stat_activity WHERE wait_event_type = "
                                   "'Lock' AND query LIKE 'UPDATE iceberg_tables%'"));
    }
    if (!pid[0]) {
        raw_ok(locker, "ROLLBACK");
        pthread_join(t, NULL);
        st_assert_msg(0, "the commit never waited for the lock: %d %s", w.rc, w.msg);
    }
    snprintf(sql, sizeof(sql), "SELECT pg_terminate_backend(%s)", pid);
    raw_ok(locker, sql);
    pthread_join(t, NULL);
    raw_ok(locker, "ROLLBACK");
    PQfinish(locker);

    st_assert_msg(w.rc == ST_EUNKNOWN, "commit gave %d: %s", w.rc, w.msg);
    st_assert_contains(w.msg, "outcome unknown");
    st_assert(w.loc != NULL);
    st_assert(access(w.loc, F_OK) == 0); /* kept: it may be the table's metadata now */

    /* the handle reconnects; here the UPDATE never ran */
    st_pass(st_catalog_tbl_get(c, "n", "t", &cur));
    st_assert_eq_str(cur, l1);
    st_pass(st_catalog_tbl_commit(c, "n", "t", l1, mdir, "{}", 2, 0, &l3));
    st_free(l1);
    st_free(cur);
    st_free(l3);
    st_free(w.loc);
    st_catalog_close(c);
}

void test_catalog_postgres__java_v0_schema(void)
{
    const char *uri = ct_postgres_uri("catalog::postgres::java_v0_schema");
    char schema[64], sql[1000], full[1300], mdir[1300];
    char *l1 = NULL, *l2 = NULL, **v;
    int n;
    PGconn *pg;
    st_catalog *c;
    if (!uri)
        return;
    snprintf(schema, sizeof(schema), "v0_%ld", (long)getpid());
    pg = raw_connect(uri);
    snprintf(sql, sizeof(sql), "DROP SCHEMA IF EXISTS %s CASCADE; CREATE SCHEMA %s", schema,
             schema);
    raw_ok(pg, sql);
    snprintf(sql, sizeof(sql),
             "CREATE TABLE %s.iceberg_tables(catalog_name VARCHAR(255) NOT NULL,"
             "table_namespace VARCHAR(255) NOT NULL,table_name VARCHAR(255) NOT NULL,"
             "metadata_location VARCHAR(1000),previous_metadata_location VARCHAR(1000),"
             "PRIMARY KEY (catalog_name, table_namespace, table_name));"
             "CREATE TABLE %s.iceberg_namespace_properties(catalog_name VARCHAR(255) NOT NULL,"
             "namespace VARCHAR(255) NOT NULL,property_key VARCHAR(255),"
             "property_value VARCHAR(1000),PRIMARY KEY (catalog_name, namespace, property_key));"
             "INSERT INTO %s.iceberg_tables VALUES ('j', 'db', 'old', '/w/00007-x.metadata.json',"
             " NULL)",
             schema, schema, schema);
    raw_ok(pg, sql);

    snprintf(full, sizeof(full), "%s%coptions=-csearch_path%%3D%s&catalog=j", uri,
             strchr(uri, '?') ? '&' : '?', schema);
    st_pass(st_catalog_open_uri(&c, full, st_test_path("wh"), NULL));
    st_assert_eq_str(st_catalog_name(c), "j");
    st_pass(st_catalog_ns_list(c, NULL, &v, &n));
    st_assert_eq_i64(n, 1);
    st_assert_eq_str(v[0], "db");
    st_catalog_strings_free(v, n);
    snprintf(mdir, sizeof(mdir), "%s/md", st_test_tmpdir());
    st_pass(st_catalog_tbl_commit(c, "db", "old", "/w/00007-x.metadata.json", mdir, "{}", 2, 0,
                                  &l1));
    st_assert(strstr(l1, "/00008-") != NULL);
    st_pass(st_catalog_tbl_commit(c, "db", "new", NULL, mdir, "{}", 2, 0, &l2));
    st_free(l2);
    st_fail_with(ST_EEXISTS, st_catalog_tbl_commit(c, "db", "new", NULL, mdir, "{}", 2, 0, &l2));
    st_catalog_close(c);

    snprintf(sql, sizeof(sql),
             "SELECT count(*) FROM information_schema.columns WHERE table_schema = '%s' AND "
             "column_name = 'iceberg_type'",
             schema);
    st_assert_eq_str(raw_value(pg, sql), "0"); /* never migrated */
    snprintf(sql, sizeof(sql),
             "SELECT previous_metadata_location FROM %s.iceberg_tables WHERE table_name = 'old'",
             schema);
    st_assert_eq_str(raw_value(pg, sql), "/w/00007-x.metadata.json");
    snprintf(sql, sizeof(sql), "DROP SCHEMA %s CASCADE", schema);
    raw_ok(pg, sql);
    PQfinish(pg);
    st_free(l1);
    st_free(l2);
}

void test_catalog_postgres__bad_password_not_shown(void)
{
    const char *uri = ct_postgres_uri("catalog::postgres::bad_password_not_shown");
    char bad[1300];
    st_catalog *c = NULL;
    if (!uri)
        return;
    /* a database that does not exist: the server refuses, nothing leaks */
    snprintf(bad, sizeof(bad), "%.1000s_nodb?password=topsecret", uri);
    st_fail_with(ST_EIO, st_catalog_open_uri(&c, bad, NULL, NULL));
    st_assert(!strstr(st_error_last()->message, "topsecret"));
    st_assert_contains(st_error_last()->message, "password=***");
}
