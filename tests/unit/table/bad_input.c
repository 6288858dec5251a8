/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Bad input at the table level: corrupt metadata, a manifest that is gone,
 * names that do not exist; each a clear error and an unchanged table. And the
 * catalog database we create has the schema of PyIceberg's.
 */
#include <sqlite3.h>
#include <unistd.h>

#include "table_helpers.h"

static char *current_location(st_catalog *c, const char *name)
{
    st_table *t;
    st_pass(st_catalog_load_table(&t, c, name));
    char *loc = strdup(st_table_metadata_location(t));
    st_table_free(t);
    return loc;
}

void test_table_bad_input__corrupt_metadata(void)
{
    st_catalog *c = tt_catalog();
    st_table *t = tt_create(c, "db.t", "id long", NULL, NULL, 2);
    tt_append(t, 0, 5);
    char *loc = current_location(c, "db.t");
    /* clobber the current metadata file */
    size_t len;
    uint8_t *orig = st_test_read_file(loc, &len);
    FILE *f = fopen(loc, "w");
    fputs("{\"format-version\": 2, \"table-uuid\": ", f);
    fclose(f);
    st_table *t2;
    st_fail_with(ST_ECORRUPT, st_catalog_load_table(&t2, c, "db.t"));
    st_assert_contains(st_error_last()->message, loc);
    /* a writer that read the version before it was damaged still commits: its
     * swap compares locations, and the new file comes from its good copy */
    st_txn *x;
    st_pass(st_table_begin(&x, t));
    st_pass(st_txn_set_property(x, "a", "b"));
    st_pass(st_txn_commit(x, NULL));   /* its base is still current: the swap succeeds */
    st_txn_free(x);
    char *after = current_location(c, "db.t");
    st_assert(strcmp(after, loc) != 0);
    free(after);
    /* put the old file back: it is history only now */
    f = fopen(loc, "w");
    fwrite(orig, 1, len, f);
    fclose(f);
    free(orig);
    free(loc);
    st_table_free(t);
    st_catalog_free(c);
}

void test_table_bad_input__newer_format_version(void)
{
    st_catalog *c = tt_catalog();
    st_table *t = tt_create(c, "db.t", "id long", NULL, NULL, 2);
    char *loc = current_location(c, "db.t");
    size_t len;
    uint8_t *data = st_test_read_file(loc, &len);
    char *text = calloc(1, len + 1);
    memcpy(text, data, len);
    char *p = strstr(text, "\"format-version\":2");
    st_assert(p != NULL);
    p[17] = '9';
    FILE *f = fopen(loc, "w");
    fputs(text, f);
    fclose(f);
    st_table *t2;
    st_fail_with(ST_EUNSUPPORTED, st_catalog_load_table(&t2, c, "db.t"));
    st_assert_contains(st_error_last()->message, "format version 9");
    free(text);
    free(data);
    free(loc);
    st_table_free(t);
    st_catalog_free(c);
}

void test_table_bad_input__missing_manifest(void)
{
    st_catalog *c = tt_catalog();
    st_table *t = tt_create(c, "db.t", "id long", NULL, NULL, 2);
    tt_append(t, 0, 5);
    st_manifest_info *m;
    size_t n;
    st_pass(st_table_manifests(t, -1, &m, &n));
    st_assert_eq_i64(n, 1);
    st_assert_eq_i64(unlink(m[0].path), 0);
    char *before = current_location(c, "db.t");
    st_file_info *f;
    size_t nf;
    int rc = st_table_files(t, -1, &f, &nf);
    st_assert(rc == ST_EIO || rc == ST_ENOTFOUND);
    st_assert_contains(st_error_last()->message, m[0].path);
    /* a change that must read it fails and leaves the table as it was */
    st_txn *x;
    st_pass(st_table_begin(&x, t));
    st_pass(st_txn_delete_where(x, "id = 1"));
    st_fail(st_txn_commit(x, NULL));
    st_assert_contains(st_error_last()->message, m[0].path);
    st_txn_free(x);
    char *after = current_location(c, "db.t");
    st_assert_eq_str(after, before);
    free(before);
    free(after);
    st_manifest_infos_free(m, n);
    st_table_free(t);
    st_catalog_free(c);
}

void test_table_bad_input__names_that_do_not_exist(void)
{
    st_catalog *c = tt_catalog();
    st_table *t = tt_create(c, "db.t", "id long", NULL, NULL, 2);
    st_table *t2;
    st_fail_with(ST_ENOTFOUND, st_catalog_load_table(&t2, c, "db.nope"));
    st_assert_contains(st_error_last()->message, "db.nope");
    st_fail_with(ST_EINVALID, st_catalog_load_table(&t2, c, "noname"));
    st_fail_with(ST_ENOTFOUND, st_catalog_drop_table(c, "db.nope", 0));
    st_fail_with(ST_ENOTFOUND, st_catalog_rename_table(c, "db.nope", "db.x"));
    st_assert_eq_i64(st_catalog_table_exists(c, "db.t"), 1);
    st_assert_eq_i64(st_catalog_table_exists(c, "db.nope"), 0);
    /* create in a namespace that does not exist */
    st_type *s;
    st_pass(st_schema_parse(&s, "id long"));
    st_table_create_options o = ST_TABLE_CREATE_OPTIONS_INIT;
    o.schema = s;
    st_fail_with(ST_ENOTFOUND, st_catalog_create_table(&t2, c, "nons.t", &o));
    st_assert_contains(st_error_last()->message, "nons");
    st_fail_with(ST_EEXISTS, st_catalog_create_table(&t2, c, "db.t", &o));
    o.partition_by = "bucket(0, id)";
    st_fail(st_catalog_create_table(&t2, c, "db.u", &o));
    o.partition_by = "day(id)";
    st_fail_with(ST_EINVALID, st_catalog_create_table(&t2, c, "db.u", &o));
    st_assert_eq_i64(st_catalog_table_exists(c, "db.u"), 0);
    o.partition_by = NULL;
    o.format_version = 7;
    st_fail_with(ST_EINVALID, st_catalog_create_table(&t2, c, "db.u", &o));
    st_type_free(s);
    /* snapshot and ref names */
    st_txn *x;
    st_pass(st_table_begin(&x, t));
    st_fail_with(ST_EINVALID, st_txn_create_tag(x, "v1", -1));   /* no snapshot yet */
    st_fail_with(ST_ENOTFOUND, st_txn_rollback_to(x, 12345));
    st_txn_free(x);
    st_snapshot_info si;
    st_fail_with(ST_ENOTFOUND, st_table_snapshot_by_id(t, 42, &si));
    st_table_free(t);
    st_catalog_free(c);
}

void test_table_bad_input__rename_and_drop(void)
{
    st_catalog *c = tt_catalog();
    st_table *t = tt_create(c, "db.t", "id long", NULL, NULL, 2);
    st_table *u = tt_create(c, "db.u", "id long", NULL, NULL, 2);
    tt_append(t, 0, 3);
    st_fail_with(ST_EEXISTS, st_catalog_rename_table(c, "db.t", "db.u"));
    st_pass(st_catalog_create_namespace(c, "other", NULL, 0));
    st_pass(st_catalog_rename_table(c, "db.t", "other.t"));
    st_table *r;
    st_pass(st_catalog_load_table(&r, c, "other.t"));
    st_assert_eq_i64(tt_rows(r), 3);
    st_fail_with(ST_ENOTEMPTY, st_catalog_drop_namespace(c, "other"));
    /* purge deletes the files the metadata reaches */
    const char *loc = st_table_location(r);
    char where[4096];
    snprintf(where, sizeof where, "%s", loc);
    st_assert(tt_count_files(where, ".parquet") == 1);
    st_pass(st_catalog_drop_table(c, "other.t", 1));
    st_assert_eq_i64(tt_count_files(where, ".parquet"), 0);
    st_assert_eq_i64(tt_count_files(where, ".avro"), 0);
    st_assert_eq_i64(tt_count_files(where, ".json"), 0);
    st_pass(st_catalog_drop_namespace(c, "other"));
    /* drop without purge keeps the files */
    tt_append(u, 0, 2);
    snprintf(where, sizeof where, "%s", st_table_location(u));
    st_pass(st_catalog_drop_table(c, "db.u", 0));
    st_assert_eq_i64(tt_count_files(where, ".parquet"), 1);
    st_table_free(r);
    st_table_free(t);
    st_table_free(u);
    st_catalog_free(c);
}

/* PRAGMA table_info of one table as "name type notnull pk;..." */
static void columns(const char *db, const char *table, char *out, size_t cap)
{
    sqlite3 *h;
    sqlite3_stmt *st;
    char sql[256];
    st_assert_eq_i64(sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    snprintf(sql, sizeof sql, "PRAGMA table_info(%s)", table);
    st_assert_eq_i64(sqlite3_prepare_v2(h, sql, -1, &st, NULL), SQLITE_OK);
    out[0] = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        char one[256];
        snprintf(one, sizeof one, "%s %s %d %d;", sqlite3_column_text(st, 1),
                 sqlite3_column_text(st, 2), sqlite3_column_int(st, 3), sqlite3_column_int(st, 5));
        strncat(out, one, cap - strlen(out) - 1);
    }
    sqlite3_finalize(st);
    sqlite3_close(h);
}

void test_table_bad_input__catalog_schema_is_pyicebergs(void)
{
    char uri[4096], ours[2048], theirs[2048];
    st_catalog *c;
    const char *db = st_test_path("fresh.db");
    snprintf(uri, sizeof uri, "sqlite://%s", db);
    st_pass(st_catalog_open(&c, uri, NULL));
    st_catalog_free(c);
    const char *fx = st_test_resource("iceberg-fixtures/pyiceberg-v1-sql-catalog/catalog.db");
    columns(db, "iceberg_tables", ours, sizeof ours);
    columns(fx, "iceberg_tables", theirs, sizeof theirs);
    /* the fixture is PyIceberg's V0 schema; new databases get V1 = V0 + iceberg_type */
    char want[2200];
    snprintf(want, sizeof want, "%siceberg_type VARCHAR(5) 0 0;", theirs);
    st_assert_eq_str(ours, want);
    columns(db, "iceberg_namespace_properties", ours, sizeof ours);
    columns(fx, "iceberg_namespace_properties", theirs, sizeof theirs);
    st_assert_eq_str(ours, theirs);
}
