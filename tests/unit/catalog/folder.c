/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Folder ("Hadoop") tables: finding the current version in the vendored
 * Java/Spark/PyIceberg tables, a lagging or broken version-hint.text,
 * commits to path tables, and the folder catalog's layout rules.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "catalog_test.h"
#include "st_test.h"
#include "supertable/errors.h"
#include "util/alloc.h"

#define FIX "iceberg-fixtures/"

static void expect_location(const char *path, const char *suffix)
{
    char *loc = NULL, want[1300];
    st_pass(st_catalog_path_table_location(path, &loc));
    snprintf(want, sizeof(want), "%s%s", path, suffix);
    st_assert_eq_str(loc, want);
    st_free(loc);
}

void test_catalog_folder__fixture_tables(void)
{
    char path[1300];
    expect_location(st_test_resource(FIX "icebird-java-bunnies"), "/metadata/v5.metadata.json");
    expect_location(st_test_resource(FIX "icebird-spark-rename-column"),
                    "/metadata/v3.metadata.json");
    expect_location(st_test_resource(FIX "spark-v1-gzip-metadata"),
                    "/metadata/v2.gz.metadata.json");
    expect_location(st_test_resource(FIX "spark-v2-equality-deletes/warehouse/mydb/mytable"),
                    "/metadata/v7.metadata.json");
    expect_location(st_test_resource(FIX "v1-name-mapping/warehouse_1/mydb/t1"),
                    "/metadata/v7.metadata.json");
    /* the metadata folder itself */
    expect_location(st_test_resource(FIX "icebird-java-bunnies/metadata"), "/v5.metadata.json");
    /* catalog tables' folders: the highest NNNNN- file */
    expect_location(st_test_resource(FIX "icebird-athena-example"),
                    "/metadata/00001-aaf0d033-d06b-43c7-be60-67f83abd4aca.metadata.json");
    expect_location(st_test_resource(FIX "pyiceberg-v1-sql-catalog/repro/merch_v1"),
                    "/metadata/00004-v3-upgraded-v1-null-counts.metadata.json");
    /* a metadata file as it is; file:// kept */
    expect_location(st_test_resource(FIX "icebird-java-bunnies/metadata/v2.metadata.json"), "");
    snprintf(path, sizeof(path), "file://%s", st_test_resource(FIX "icebird-java-bunnies"));
    expect_location(path, "/metadata/v5.metadata.json");
}

void test_catalog_folder__not_tables(void)
{
    char *loc = NULL;
    st_fail_with(ST_ENOTFOUND, st_catalog_path_table_location(st_test_path("nope"), &loc));
    st_assert_contains(st_error_last()->message, "nope");
    mkdir(st_test_path("empty"), 0777);
    st_fail_with(ST_ENOTFOUND, st_catalog_path_table_location(st_test_path("empty"), &loc));
    st_assert_contains(st_error_last()->message, "not an Iceberg table");
    st_fail_with(ST_EINVALID, st_catalog_path_table_location("", &loc));
    st_fail_with(ST_EUNSUPPORTED, st_catalog_path_table_location("s3://b/t", &loc));
    /* two files claim the highest catalog version */
    mkdir(st_test_path("two"), 0777);
    mkdir(st_test_path("two/metadata"), 0777);
    ct_copy(st_test_resource(FIX "README.md"), st_test_path("two/metadata/00001-a.metadata.json"));
    ct_copy(st_test_resource(FIX "README.md"), st_test_path("two/metadata/00001-b.metadata.json"));
    ct_copy(st_test_resource(FIX "README.md"), st_test_path("two/metadata/00000-c.metadata.json"));
    st_fail_with(ST_EINVALID, st_catalog_path_table_location(st_test_path("two"), &loc));
    st_assert_contains(st_error_last()->message, "00001-a.metadata.json");
    st_assert(loc == NULL);
}

static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    st_assert(f);
    fputs(text, f);
    fclose(f);
}

void test_catalog_folder__path_commits_and_hints(void)
{
    const char *t = st_test_path("tbl");
    char *l1 = NULL, *l2 = NULL, *l3 = NULL, *lx = NULL, hint[1300], want[1300];

    st_fail_with(ST_ENOTFOUND, st_catalog_path_table_commit(t, "/x/v1.metadata.json", "{}", 2, 0,
                                                            &lx));
    st_pass(st_catalog_path_table_commit(t, NULL, "{\"v\":1}", 7, 0, &l1));
    snprintf(want, sizeof(want), "%s/metadata/v1.metadata.json", t);
    st_assert_eq_str(l1, want);
    snprintf(hint, sizeof(hint), "%s/metadata/version-hint.text", t);
    {
        char *h = ct_slurp(hint);
        st_assert_eq_str(h, "1"); /* Java's form: the number, no newline */
        free(h);
    }
    st_fail_with(ST_EEXISTS, st_catalog_path_table_commit(t, NULL, "{}", 2, 0, &lx));
    st_pass(st_catalog_path_table_commit(t, l1, "{\"v\":2}", 7, 0, &l2));
    st_pass(st_catalog_path_table_commit(t, l2, "gz", 2, 1, &l3));
    snprintf(want, sizeof(want), "%s/metadata/v3.gz.metadata.json", t);
    st_assert_eq_str(l3, want);
    expect_location(t, "/metadata/v3.gz.metadata.json");

    /* stale, foreign or malformed bases */
    st_fail_with(ST_ECONFLICT, st_catalog_path_table_commit(t, l1, "{}", 2, 0, &lx));
    st_assert_contains(st_error_last()->message, "version 3, not 1");
    st_fail_with(ST_ECONFLICT, st_catalog_path_table_commit(t, "/elsewhere/v3.metadata.json",
                                                            "{}", 2, 0, &lx));
    st_fail_with(ST_EINVALID, st_catalog_path_table_commit(t, "/x/00003-u.metadata.json", "{}",
                                                           2, 0, &lx));
    st_assert(lx == NULL);
    snprintf(want, sizeof(want), "%s/metadata", t);
    st_assert_eq_i64(ct_count_files(want), 4);

    /* the hint lags, is garbage, is missing, or names a deleted file */
    write_text(hint, "1");
    expect_location(t, "/metadata/v3.gz.metadata.json");
    write_text(hint, "two\n");
    expect_location(t, "/metadata/v3.gz.metadata.json");
    write_text(hint, "9");
    expect_location(t, "/metadata/v3.gz.metadata.json");
    write_text(hint, " 2\n");
    expect_location(t, "/metadata/v3.gz.metadata.json");
    unlink(hint);
    expect_location(t, "/metadata/v3.gz.metadata.json");
    /* a commit still works without a hint and writes a new one */
    st_pass(st_catalog_path_table_commit(t, l3, "{}", 2, 0, &lx));
    {
        char *h = ct_slurp(hint);
        st_assert_eq_str(h, "4");
        free(h);
    }
    st_free(lx);
    st_free(l1);
    st_free(l2);
    st_free(l3);
}

void test_catalog_folder__layout_rules(void)
{
    st_catalog *c;
    char **v, *l1 = NULL, *lx = NULL, path[1300];
    int n;
    const char *wh;
    if (ct_open(&c, "folder"))
        return;
    wh = ct_warehouse();
    st_pass(st_catalog_ns_create(c, "ns", NULL));
    st_pass(st_catalog_tbl_commit(c, "ns", "t", NULL, NULL, "{}", 2, 0, &l1));
    snprintf(path, sizeof(path), "%s/ns/t/metadata/v1.metadata.json", wh);
    st_assert_eq_str(l1, path);
    /* a table's folders are not namespaces */
    mkdir(st_test_path("wh/ns/t/data"), 0777);
    st_assert_eq_i64(st_catalog_ns_exists(c, "ns.t"), 0);
    st_assert_eq_i64(st_catalog_ns_exists(c, "ns.t.data"), 0);
    st_pass(st_catalog_ns_list(c, "ns", &v, &n));
    st_assert_eq_i64(n, 0);
    st_fail_with(ST_EINVALID, st_catalog_ns_create(c, "ns.t.sub", NULL));
    st_fail_with(ST_EEXISTS, st_catalog_ns_create(c, "ns.t", NULL));
    st_fail_with(ST_EINVALID, st_catalog_ns_create(c, "ns.metadata", NULL));
    st_fail_with(ST_EINVALID, st_catalog_tbl_commit(c, "ns", "metadata", NULL, NULL, "{}", 2, 0,
                                                    &lx));
    /* a namespace is in the way of a table of the same name */
    st_pass(st_catalog_ns_create(c, "ns.sub", NULL));
    st_fail_with(ST_EEXISTS, st_catalog_tbl_commit(c, "ns", "sub", NULL, NULL, "{}", 2, 0, &lx));
    /* hidden folders, files and dotted names are not namespaces */
    mkdir(st_test_path("wh/.hidden"), 0777);
    mkdir(st_test_path("wh/dot.ted"), 0777);
    ct_copy(st_test_resource(FIX "README.md"), st_test_path("wh/readme"));
    st_pass(st_catalog_ns_list(c, NULL, &v, &n));
    st_assert_eq_i64(n, 1);
    st_assert_eq_str(v[0], "ns");
    st_catalog_strings_free(v, n);
    /* a table folder without versions is no table */
    mkdir(st_test_path("wh/ns/half"), 0777);
    mkdir(st_test_path("wh/ns/half/metadata"), 0777);
    st_pass(st_catalog_tbl_list(c, "ns", &v, &n));
    st_assert_eq_i64(n, 1);
    st_assert_eq_str(v[0], "t");
    st_catalog_strings_free(v, n);
    st_fail_with(ST_ENOTFOUND, st_catalog_tbl_get(c, "ns", "half", &lx));
    st_fail_with(ST_ENOTEMPTY, st_catalog_ns_drop(c, "ns"));
    /* drop removes the pointer and the folders left empty; data stays */
    ct_copy(st_test_resource(FIX "README.md"), st_test_path("wh/ns/t/data/f.parquet"));
    st_pass(st_catalog_tbl_drop(c, "ns", "t"));
    st_assert_eq_i64(ct_count_files(st_test_path("wh/ns/t/metadata")), 0);
    st_assert_eq_i64(ct_count_files(st_test_path("wh/ns/t/data")), 1);
    st_fail_with(ST_ENOTFOUND, st_catalog_tbl_get(c, "ns", "t", &lx));
    st_assert(lx == NULL);
    st_free(l1);
    st_catalog_close(c);
}
