/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The SQL catalog on SQLite: the V0 and V1 schemas, the PyIceberg fixture
 * database, views, LIKE escaping, databases that are not catalogs, waiting
 * for a lock.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "catalog_test.h"
#include "st_test.h"
#include "supertable/errors.h"
#include "util/alloc.h"

#define FIXTURE_LOC                                                                                \
    "data/persistent/iceberg_v1_repro/repro/merch_v1/metadata/"                                    \
    "00003-8d01e4aa-d143-49c9-898e-b5e477577b70.metadata.json"

/* Runs SQL on a database through sqlite3 directly (the test's own view). */
static void raw_exec(const char *db_path, const char *sql)
{
    sqlite3 *db;
    char *err = NULL;
    st_assert(sqlite3_open(db_path, &db) == SQLITE_OK);
    sqlite3_busy_timeout(db, 5000);
    if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK)
        st_assert_msg(0, "%s: %s", sql, err);
    sqlite3_close(db);
}

/* The first column of the first row as text ("" when none). */
static char *raw_value(const char *db_path, const char *sql)
{
    static char out[2000];
    sqlite3 *db;
    sqlite3_stmt *st;
    out[0] = 0;
    st_assert(sqlite3_open(db_path, &db) == SQLITE_OK);
    st_assert_msg(sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK, "%s: %s", sql,
                  sqlite3_errmsg(db));
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
        snprintf(out, sizeof(out), "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    sqlite3_close(db);
    return out;
}

static int has_column(const char *db_path, const char *table, const char *col)
{
    char sql[200];
    snprintf(sql, sizeof(sql), "SELECT count(*) FROM pragma_table_info('%s') WHERE name = '%s'",
             table, col);
    return atoi(raw_value(db_path, sql));
}

static void open_db(st_catalog **c, const char *path, const char *name)
{
    char uri[1300];
    snprintf(uri, sizeof(uri), "sqlite://%s", path);
    st_pass(st_catalog_open_uri(c, uri, NULL, name));
}

void test_catalog_sql__pyiceberg_fixture(void)
{
    const char *db = st_test_path("catalog.db");
    st_catalog *c;
    char **v, *loc = NULL, *mdir = st_strdup(st_test_path("md")), *dir;
    st_props p = {0};
    int n;

    ct_copy(st_test_resource("iceberg-fixtures/pyiceberg-v1-sql-catalog/catalog.db"), db);
    open_db(&c, db, "repro");
    st_assert_eq_str(st_catalog_kind(c), "sqlite");
    st_assert_eq_str(st_catalog_name(c), "repro");
    dir = st_strdup(st_test_tmpdir());
    st_assert_eq_str(st_catalog_warehouse(c), dir); /* the database's folder */

    st_pass(st_catalog_ns_list(c, NULL, &v, &n));
    st_assert_eq_i64(n, 1);
    st_assert_eq_str(v[0], "repro");
    st_catalog_strings_free(v, n);
    st_assert_eq_i64(st_catalog_ns_exists(c, "repro"), 1);
    st_pass(st_catalog_ns_properties(c, "repro", &p));
    st_assert_eq_i64(p.n, 0); /* 'exists' is hidden */
    st_pass(st_catalog_tbl_list(c, "repro", &v, &n));
    st_assert_eq_i64(n, 1);
    st_assert_eq_str(v[0], "merch_v1");
    st_catalog_strings_free(v, n);
    st_pass(st_catalog_tbl_get(c, "repro", "merch_v1", &loc));
    st_assert_eq_str(loc, FIXTURE_LOC);

    /* a commit on the V0 database: version 4, CAS on the old location */
    {
        char *nl = NULL, want[1300];
        st_pass(st_catalog_tbl_commit(c, "repro", "merch_v1", loc, mdir, "{}", 2, 0, &nl));
        snprintf(want, sizeof(want), "%s/00004-", mdir);
        st_assert(strncmp(nl, want, strlen(want)) == 0);
        st_assert_eq_str(raw_value(db, "SELECT metadata_location FROM iceberg_tables"), nl);
        st_assert_eq_str(raw_value(db, "SELECT previous_metadata_location FROM iceberg_tables"),
                         FIXTURE_LOC);
        st_free(nl);
        st_fail_with(ST_ECONFLICT,
                     st_catalog_tbl_commit(c, "repro", "merch_v1", loc, mdir, "{}", 2, 0, &nl));
    }
    st_assert_eq_i64(has_column(db, "iceberg_tables", "iceberg_type"), 0); /* never migrated */
    st_catalog_close(c);

    /* another catalog name in the same database sees nothing */
    open_db(&c, db, NULL);
    st_assert_eq_str(st_catalog_name(c), "default");
    st_pass(st_catalog_ns_list(c, NULL, &v, &n));
    st_assert_eq_i64(n, 0);
    st_assert_eq_i64(st_catalog_ns_exists(c, "repro"), 0);
    st_free(loc);
    st_fail_with(ST_ENOTFOUND, st_catalog_tbl_get(c, "repro", "merch_v1", &loc));
    st_catalog_close(c);

    /* ?catalog= in the URI */
    {
        char uri[1300];
        snprintf(uri, sizeof(uri), "sqlite:%s?catalog=repro", db);
        st_pass(st_catalog_open_uri(&c, uri, NULL, NULL));
        st_assert_eq_i64(st_catalog_ns_exists(c, "repro"), 1);
        st_catalog_close(c);
    }
    st_free(loc);
    st_free(mdir);
    st_free(dir);
}

void test_catalog_sql__new_database_v1(void)
{
    const char *db = st_test_path("new.db");
    st_catalog *c;
    st_props p = {0};
    char *loc = NULL, mdir[1300];

    open_db(&c, db, "cat");
    st_assert_eq_i64(has_column(db, "iceberg_tables", "iceberg_type"), 1);
    st_assert_eq_i64(has_column(db, "iceberg_tables", "previous_metadata_location"), 1);
    st_assert_eq_i64(has_column(db, "iceberg_namespace_properties", "property_value"), 1);
    st_assert_eq_str(raw_value(db, "PRAGMA journal_mode"), "wal");

    st_pass(st_props_set(&p, "owner", "x"));
    st_pass(st_catalog_ns_create(c, "ns", &p));
    st_props_dispose(&p);
    /* Java's rows: the properties plus the marker */
    st_assert_eq_str(raw_value(db, "SELECT group_concat(property_key || '=' || property_value) "
                                   "FROM (SELECT * FROM iceberg_namespace_properties "
                                   "WHERE catalog_name = 'cat' ORDER BY property_key)"),
                     "exists=true,owner=x");
    snprintf(mdir, sizeof(mdir), "%s/ns/t/metadata", st_test_tmpdir());
    st_pass(st_catalog_tbl_commit(c, "ns", "t", NULL, mdir, "{}", 2, 0, &loc));
    st_assert_eq_str(raw_value(db, "SELECT iceberg_type FROM iceberg_tables"), "TABLE");
    st_assert_eq_str(raw_value(db, "SELECT coalesce(previous_metadata_location, 'null') "
                                   "FROM iceberg_tables"),
                     "null");
    st_free(loc);
    st_catalog_close(c);

    /* reopening finds the schema as it is */
    open_db(&c, db, "cat");
    st_pass(st_catalog_tbl_get(c, "ns", "t", &loc));
    st_free(loc);
    st_catalog_close(c);
}

void test_catalog_sql__views_are_not_tables(void)
{
    const char *db = st_test_path("v.db");
    st_catalog *c;
    char **v, *loc = NULL, mdir[1300];
    int n;

    open_db(&c, db, "cat");
    st_pass(st_catalog_ns_create(c, "ns", NULL));
    raw_exec(db, "INSERT INTO iceberg_tables VALUES ('cat', 'ns', 'vw', '/x/v.json', NULL, 'VIEW')");
    raw_exec(db, "INSERT INTO iceberg_tables VALUES ('cat', 'ns', 'old', '/x/o.json', NULL, NULL)");
    st_pass(st_catalog_tbl_list(c, "ns", &v, &n));
    st_assert_eq_i64(n, 1);
    st_assert_eq_str(v[0], "old"); /* NULL type = a table (written before V1) */
    st_catalog_strings_free(v, n);
    st_fail_with(ST_ENOTFOUND, st_catalog_tbl_get(c, "ns", "vw", &loc));
    snprintf(mdir, sizeof(mdir), "%s/md", st_test_tmpdir());
    st_fail_with(ST_EEXISTS, st_catalog_tbl_commit(c, "ns", "vw", NULL, mdir, "{}", 2, 0, &loc));
    st_assert_eq_i64(ct_count_files(mdir), 0);
    st_fail_with(ST_ENOTFOUND,
                 st_catalog_tbl_commit(c, "ns", "vw", "/x/v.json", mdir, "{}", 2, 0, &loc));
    st_fail_with(ST_ENOTFOUND, st_catalog_tbl_drop(c, "ns", "vw"));
    st_fail_with(ST_EEXISTS, st_catalog_tbl_rename(c, "ns", "old", "ns", "vw"));
    st_pass(st_catalog_tbl_drop(c, "ns", "old"));
    st_fail_with(ST_ENOTEMPTY, st_catalog_ns_drop(c, "ns")); /* the view is still there */
    st_assert_eq_str(raw_value(db, "SELECT metadata_location FROM iceberg_tables"), "/x/v.json");
    st_catalog_close(c);
}

void test_catalog_sql__java_v0_schema(void)
{
    const char *db = st_test_path("java.db");
    st_catalog *c;
    char *l1 = NULL, *l2 = NULL, mdir[1300];
    /* JdbcCatalog's own DDL: V0, nullable property columns */
    raw_exec(db, "CREATE TABLE iceberg_tables(catalog_name VARCHAR(255) NOT NULL,"
                 "table_namespace VARCHAR(255) NOT NULL,table_name VARCHAR(255) NOT NULL,"
                 "metadata_location VARCHAR(1000),previous_metadata_location VARCHAR(1000),"
                 "PRIMARY KEY (catalog_name, table_namespace, table_name))");
    raw_exec(db, "CREATE TABLE iceberg_namespace_properties(catalog_name VARCHAR(255) NOT NULL,"
                 "namespace VARCHAR(255) NOT NULL,property_key VARCHAR(255),"
                 "property_value VARCHAR(1000),"
                 "PRIMARY KEY (catalog_name, namespace, property_key))");
    raw_exec(db, "INSERT INTO iceberg_tables VALUES ('j', 'db.sch', 'tab', '/w/a.json', NULL)");
    open_db(&c, db, "j");
    st_assert_eq_str(raw_value(db, "PRAGMA journal_mode"), "delete"); /* left as it was */
    st_assert_eq_i64(st_catalog_ns_exists(c, "db"), 1); /* implied by the table's namespace */
    st_assert_eq_i64(st_catalog_ns_exists(c, "db.sch"), 1);
    st_assert_eq_i64(st_catalog_ns_exists(c, "db.sc"), 0);
    snprintf(mdir, sizeof(mdir), "%s/md", st_test_tmpdir());
    st_pass(st_catalog_tbl_commit(c, "db.sch", "tab", "/w/a.json", mdir, "{}", 2, 0, &l1));
    /* "a.json" has no version: Java's rule makes the next one 00000 */
    st_assert(strstr(l1, "/00000-") != NULL);
    st_pass(st_catalog_tbl_commit(c, "db", "t2", NULL, mdir, "{}", 2, 0, &l2));
    st_assert_eq_i64(has_column(db, "iceberg_tables", "iceberg_type"), 0);
    st_fail_with(ST_ENOTEMPTY, st_catalog_ns_drop(c, "db"));
    st_free(l1);
    st_free(l2);
    st_catalog_close(c);
}

void test_catalog_sql__like_is_escaped_and_case_sensitive(void)
{
    const char *db = st_test_path("like.db");
    st_catalog *c;
    char **v;
    int n;
    open_db(&c, db, "cat");
    st_pass(st_catalog_ns_create(c, "axb.c", NULL));
    st_pass(st_catalog_ns_create(c, "a%.d", NULL));
    st_pass(st_catalog_ns_create(c, "low.x", NULL));
    st_assert_eq_i64(st_catalog_ns_exists(c, "a_b"), 0);  /* '_' is not a wildcard */
    st_assert_eq_i64(st_catalog_ns_exists(c, "a%"), 1);
    st_assert_eq_i64(st_catalog_ns_exists(c, "a"), 0);   /* nor is '%' */
    st_assert_eq_i64(st_catalog_ns_exists(c, "LOW"), 0); /* LIKE minds case */
    st_fail_with(ST_ENOTFOUND, st_catalog_ns_list(c, "a_b", &v, &n));
    st_pass(st_catalog_ns_list(c, "a%", &v, &n));
    st_assert_eq_i64(n, 1);
    st_assert_eq_str(v[0], "a%.d");
    st_catalog_strings_free(v, n);
    st_pass(st_catalog_ns_create(c, "a_b", NULL));
    st_pass(st_catalog_ns_drop(c, "a_b")); /* "axb.c" is not its child */
    st_catalog_close(c);
}

void test_catalog_sql__not_a_catalog(void)
{
    const char *junk = st_test_path("junk.db"), *other = st_test_path("other.db");
    st_catalog *c = NULL;
    char uri[1300];
    FILE *f = fopen(junk, "w");
    fputs("this is not an SQLite database, not at all, it is text...........................\n",
          f);
    fclose(f);
    snprintf(uri, sizeof(uri), "sqlite://%s", junk);
    st_fail_with(ST_ECORRUPT, st_catalog_open_uri(&c, uri, NULL, NULL));
    st_assert_contains(st_error_last()->message, uri);
    st_assert(c == NULL);

    raw_exec(other, "CREATE TABLE iceberg_tables (x INTEGER)");
    snprintf(uri, sizeof(uri), "sqlite://%s", other);
    st_fail_with(ST_ECORRUPT, st_catalog_open_uri(&c, uri, NULL, NULL));
    st_assert_contains(st_error_last()->message, "not an Iceberg SQL catalog");
    st_assert_contains(st_error_last()->message, uri);

    /* a database of something else gains the catalog's tables */
    raw_exec(other, "DROP TABLE iceberg_tables; CREATE TABLE notes (t TEXT)");
    st_pass(st_catalog_open_uri(&c, uri, NULL, NULL));
    st_catalog_close(c);
    st_assert_eq_i64(has_column(other, "iceberg_tables", "metadata_location"), 1);

    /* a row without a location */
    raw_exec(other, "INSERT INTO iceberg_namespace_properties VALUES ('default','n','exists','true');"
                    "INSERT INTO iceberg_tables VALUES ('default','n','t',NULL,NULL,'TABLE')");
    st_pass(st_catalog_open_uri(&c, uri, NULL, NULL));
    {
        char *loc = NULL;
        st_fail_with(ST_ECORRUPT, st_catalog_tbl_get(c, "n", "t", &loc));
        st_assert_contains(st_error_last()->message, "no metadata location");
    }
    st_catalog_close(c);

    /* a folder given as the database */
    snprintf(uri, sizeof(uri), "sqlite://%s", st_test_tmpdir());
    st_fail(st_catalog_open_uri(&c, uri, NULL, NULL));
}

void test_catalog_sql__default_catalog_in_warehouse(void)
{
    st_catalog *c;
    char want[1300];
    const char *wh = st_test_path("deep/wh");
    struct stat sb;
    st_pass(st_catalog_open_uri(&c, NULL, wh, NULL));
    st_assert_eq_str(st_catalog_kind(c), "sqlite");
    st_assert_eq_str(st_catalog_warehouse(c), wh);
    snprintf(want, sizeof(want), "sqlite://%s/catalog.db", wh);
    st_assert_eq_str(st_catalog_uri(c), want);
    snprintf(want, sizeof(want), "%s/catalog.db", wh);
    st_assert(stat(want, &sb) == 0);
    st_pass(st_catalog_ns_create(c, "n", NULL));
    st_catalog_close(c);
    /* file:// warehouses too */
    snprintf(want, sizeof(want), "file://%s", wh);
    st_pass(st_catalog_open_uri(&c, NULL, want, NULL));
    st_assert_eq_i64(st_catalog_ns_exists(c, "n"), 1);
    st_assert_eq_str(st_catalog_warehouse(c), wh);
    st_catalog_close(c);
}

typedef struct locker {
    const char *db;
    int ms;
    volatile int locked;
} locker;

static void *hold_lock(void *arg)
{
    locker *l = arg;
    sqlite3 *db;
    sqlite3_open(l->db, &db);
    sqlite3_exec(db, "BEGIN EXCLUSIVE", NULL, NULL, NULL);
    l->locked = 1;
    usleep((useconds_t)l->ms * 1000);
    sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
    sqlite3_close(db);
    return NULL;
}

void test_catalog_sql__waits_for_a_lock(void)
{
    const char *db = st_test_path("busy.db");
    st_catalog *c;
    char *l1 = NULL, *l2 = NULL, *cur = NULL, mdir[1300];
    locker l = {db, 400, 0};
    pthread_t t;
    open_db(&c, db, "cat");
    snprintf(mdir, sizeof(mdir), "%s/md", st_test_tmpdir());
    st_pass(st_catalog_ns_create(c, "n", NULL));
    st_pass(st_catalog_tbl_commit(c, "n", "t", NULL, mdir, "{}", 2, 0, &l1));
    st_assert(pthread_create(&t, NULL, hold_lock, &l) == 0);
    while (!l.locked)
        usleep(1000);
    st_pass(st_catalog_tbl_commit(c, "n", "t", l1, mdir, "{}", 2, 0, &l2));
    pthread_join(t, NULL);
    st_pass(st_catalog_tbl_get(c, "n", "t", &cur));
    st_assert_eq_str(cur, l2);
    st_free(l1);
    st_free(l2);
    st_free(cur);
    st_catalog_close(c);
}
