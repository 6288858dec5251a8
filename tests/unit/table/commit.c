/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Commits: appends, overwrites, deletes, replaces; snapshot summaries and
 * sequence numbers; optimistic concurrency (re-applied appends, conflicting
 * overwrites), cleanup of the files of failed commits.
 */
#include "table_helpers.h"

void test_table_commit__create_and_append(void)
{
    st_catalog *c = tt_catalog();
    st_table *t = tt_create(c, "db.t", "id long not null, name string", NULL, NULL, 2);
    st_assert_eq_i64(st_table_current_snapshot_id(t), -1);
    st_assert_eq_i64(st_table_format_version(t), 2);
    st_assert(strlen(st_table_uuid(t)) == 36);

    int64_t s1 = tt_append(t, 0, 100);
    int64_t s2 = tt_append(t, 100, 250);
    st_assert_eq_i64(st_table_current_snapshot_id(t), s2);
    st_assert_eq_i64(st_table_snapshot_count(t), 2);
    st_snapshot_info si;
    st_pass(st_table_snapshot_by_id(t, s2, &si));
    st_assert_eq_i64(si.parent_id, s1);
    st_assert_eq_i64(si.sequence_number, 2);
    st_assert_eq_str(si.operation, "append");
    st_assert_eq_str(tt_summary(&si, "added-records"), "150");
    st_assert_eq_str(tt_summary(&si, "total-records"), "250");
    st_assert_eq_str(tt_summary(&si, "total-data-files"), "2");
    st_assert_eq_i64(tt_rows(t), 250);
    st_assert_eq_i64(st_table_history_count(t), 2);

    /* a fresh load sees the same */
    st_table *t2;
    st_pass(st_catalog_load_table(&t2, c, "db.t"));
    st_assert_eq_i64(st_table_current_snapshot_id(t2), s2);
    st_assert_eq_str(st_table_metadata_location(t2), st_table_metadata_location(t));
    st_assert_eq_i64(tt_rows(t2), 250);
    st_table_free(t2);
    st_table_free(t);
    st_catalog_free(c);
}

void test_table_commit__data_files_carry_ids_and_schema(void)
{
    st_catalog *c = tt_catalog();
    st_table *t = tt_create(c, "db.t", "id long not null, name string", NULL, NULL, 2);
    tt_append(t, 0, 10);
    st_file_info *f;
    size_t n;
    st_pass(st_table_files(t, -1, &f, &n));
    st_assert_eq_i64(n, 1);
    st_assert_eq_str(f[0].format, "PARQUET");
    st_assert(strstr(f[0].path, "/data/") != NULL);
    st_parquet_reader *r;
    st_pass(st_parquet_reader_open(&r, f[0].path, NULL));
    st_type *fs = st_parquet_reader_file_schema(r);
    st_assert_eq_i64(fs->fields[0].id, 1);
    st_assert_eq_i64(fs->fields[1].id, 2);
    int found = 0;
    for (int i = 0; i < st_parquet_reader_kv_count(r); i++) {
        const char *k, *v;
        st_parquet_reader_kv(r, i, &k, &v);
        if (strcmp(k, "iceberg.schema") == 0) {
            found = 1;
            st_assert_contains(v, "\"name\":\"name\"");
        }
    }
    st_assert(found);
    st_parquet_reader_free(r);
    st_file_infos_free(f, n);
    st_table_free(t);
    st_catalog_free(c);
}

void test_table_commit__overwrite_whole_files(void)
{
    st_catalog *c = tt_catalog();
    st_table *t = tt_create(c, "db.t", "id long, part int", "identity(part)", NULL, 2);
    /* rows go to partitions part = id: 3 files */
    int64_t ids[] = {1, 2, 3, 1, 2};
    st_batch *b = tt_longs(st_table_schema(t), ids, 5);
    st_txn *x;
    st_pass(st_table_begin(&x, t));
    st_pass(st_txn_write(x, b));
    st_pass(st_txn_commit(x, NULL));
    st_txn_free(x);
    st_assert_eq_i64(tt_nfiles(t), 3);

    /* replace partition 2 */
    int64_t two[] = {2, 2, 2};
    st_batch *b2 = tt_longs(st_table_schema(t), two, 3);
    st_pass(st_table_begin(&x, t));
    st_pass(st_txn_overwrite(x, "part = 2"));
    st_pass(st_txn_write(x, b2));
    int64_t sid;
    st_pass(st_txn_commit(x, &sid));
    st_txn_free(x);
    st_snapshot_info si;
    st_pass(st_table_snapshot_by_id(t, sid, &si));
    st_assert_eq_str(si.operation, "overwrite");
    st_assert_eq_str(tt_summary(&si, "deleted-data-files"), "1");
    st_assert_eq_str(tt_summary(&si, "deleted-records"), "2");
    st_assert_eq_str(tt_summary(&si, "total-records"), "6");
    st_assert_eq_i64(tt_rows(t), 6);

    /* a filter that matches part of a file needs a row-level delete */
    st_table *u = tt_create(c, "db.u", "id long", NULL, NULL, 2);
    int64_t usid = tt_append(u, 0, 10);
    st_pass(st_table_begin(&x, u));
    st_pass(st_txn_delete_where(x, "id = 2"));
    st_fail_with(ST_EUNSUPPORTED, st_txn_commit(x, NULL));
    st_assert_contains(st_error_last()->message, "row-level delete");
    st_txn_free(x);
    st_assert_eq_i64(st_table_current_snapshot_id(u), usid);
    /* ... and one that matches no row removes nothing */
    st_pass(st_table_begin(&x, u));
    st_pass(st_txn_delete_where(x, "id > 100"));
    st_pass(st_txn_commit(x, NULL));
    st_txn_free(x);
    st_assert_eq_i64(tt_rows(u), 10);
    st_table_free(u);

    /* delete a whole partition: metadata only */
    st_pass(st_table_begin(&x, t));
    st_pass(st_txn_delete_where(x, "part = 1"));
    st_pass(st_txn_commit(x, &sid));
    st_txn_free(x);
    st_pass(st_table_snapshot_by_id(t, sid, &si));
    st_assert_eq_str(si.operation, "delete");
    st_assert_eq_i64(tt_rows(t), 4);
    st_batch_free(b);
    st_batch_free(b2);
    st_table_free(t);
    st_catalog_free(c);
}

void test_table_commit__replace_files(void)
{
    st_catalog *c = tt_catalog();
    st_table *t = tt_create(c, "db.t", "id long", NULL, NULL, 2);
    tt_append(t, 0, 10);
    tt_append(t, 10, 20);
    st_file_info *f;
    size_t n;
    st_pass(st_table_files(t, -1, &f, &n));
    st_assert_eq_i64(n, 2);
    const char *paths[2] = {f[0].path, f[1].path};
    int64_t ids[20];
    for (int i = 0; i < 20; i++)
        ids[i] = i;
    st_batch *b = tt_longs(st_table_schema(t), ids, 20);
    st_txn *x;
    int64_t sid;
    st_pass(st_table_begin(&x, t));
    st_pass(st_txn_replace_files(x, paths, 2));
    st_pass(st_txn_write(x, b));
    st_pass(st_txn_commit(x, &sid));
    st_txn_free(x);
    st_assert_eq_i64(tt_nfiles(t), 1);
    st_assert_eq_i64(tt_rows(t), 20);
    st_snapshot_info si;
    st_pass(st_table_snapshot_by_id(t, sid, &si));
    st_assert_eq_str(si.operation, "replace");

    /* rows must be kept, and the files must be live */
    st_pass(st_table_begin(&x, t));
    st_pass(st_txn_replace_files(x, paths, 1));
    st_pass(st_txn_write(x, b));
    st_fail_with(ST_ENOTFOUND, st_txn_commit(x, NULL));
    st_txn_free(x);
    st_file_infos_free(f, n);
    st_batch_free(b);
    st_table_free(t);
    st_catalog_free(c);
}

void test_table_commit__concurrent_appends_both_land(void)
{
    st_catalog *c = tt_catalog();
    st_table *a = tt_create(c, "db.t", "id long", NULL, NULL, 2);
    st_table *b;
    st_pass(st_catalog_load_table(&b, c, "db.t"));
    int64_t ids[] = {1, 2, 3};
    st_batch *rows = tt_longs(st_table_schema(a), ids, 3);
    st_txn *xa, *xb;
    st_pass(st_table_begin(&xa, a));
    st_pass(st_table_begin(&xb, b));
    st_pass(st_txn_write(xa, rows));
    st_pass(st_txn_write(xb, rows));
    int64_t sa, sb;
    st_pass(st_txn_commit(xa, &sa));
    /* b's base is stale: its commit loses the swap, re-reads, re-applies */
    st_pass(st_txn_commit(xb, &sb));
    st_txn_free(xa);
    st_txn_free(xb);
    st_snapshot_info si;
    st_pass(st_table_snapshot_by_id(b, sb, &si));
    st_assert_eq_i64(si.parent_id, sa);
    st_assert_eq_i64(si.sequence_number, 2);
    st_assert_eq_i64(tt_rows(b), 6);
    st_batch_free(rows);
    st_table_free(a);
    st_table_free(b);
    st_catalog_free(c);
}

void test_table_commit__overwrite_conflicts_with_concurrent_matching_append(void)
{
    st_catalog *c = tt_catalog();
    st_table *a = tt_create(c, "db.t", "id long, part int", "identity(part)", NULL, 2);
    tt_append(a, 1, 3);
    st_table *b;
    st_pass(st_catalog_load_table(&b, c, "db.t"));
    int64_t one[] = {1};
    st_batch *rows = tt_longs(st_table_schema(a), one, 1);
    st_txn *xa, *xb;
    st_pass(st_table_begin(&xb, b));
    st_pass(st_txn_overwrite(xb, "part = 1"));
    st_pass(st_txn_write(xb, rows));
    /* meanwhile: a adds data in partition 1 */
    st_pass(st_table_begin(&xa, a));
    st_pass(st_txn_write(xa, rows));
    st_pass(st_txn_commit(xa, NULL));
    st_txn_free(xa);
    int64_t before = st_table_current_snapshot_id(a);
    st_fail_with(ST_ECONFLICT, st_txn_commit(xb, NULL));
    st_assert_contains(st_error_last()->message, "concurrent");
    st_txn_free(xb);
    st_pass(st_table_refresh(b));
    st_assert_eq_i64(st_table_current_snapshot_id(b), before);

    /* snapshot isolation lets it through, removing the new file too */
    st_pass(st_table_begin(&xb, b));
    st_pass(st_txn_set_serializable(xb, 0));
    st_pass(st_txn_overwrite(xb, "part = 1"));
    st_pass(st_txn_write(xb, rows));
    st_pass(st_table_begin(&xa, a));
    st_pass(st_txn_write(xa, rows));
    st_pass(st_txn_commit(xa, NULL));
    st_txn_free(xa);
    st_pass(st_txn_commit(xb, NULL));
    st_txn_free(xb);
    st_batch_free(rows);
    st_table_free(a);
    st_table_free(b);
    st_catalog_free(c);
}

void test_table_commit__failed_commit_leaves_no_files(void)
{
    st_catalog *c = tt_catalog();
    st_table *t = tt_create(c, "db.t", "id long, part int", NULL, NULL, 2);
    tt_append(t, 0, 4);
    const char *loc = st_table_location(t);
    int data0 = tt_count_files(loc, ".parquet"), avro0 = tt_count_files(loc, ".avro");
    st_assert(data0 > 0 && avro0 > 0);   /* the counts look where the files are */
    int64_t ids[] = {0, 1};
    st_batch *rows = tt_longs(st_table_schema(t), ids, 2);
    st_txn *x;
    st_pass(st_table_begin(&x, t));
    st_pass(st_txn_write(x, rows));
    st_pass(st_txn_delete_where(x, "id = 2"));   /* partial file: refused at commit */
    st_fail(st_txn_commit(x, NULL));
    st_txn_free(x);
    st_assert_eq_i64(tt_count_files(loc, ".parquet"), data0);
    st_assert_eq_i64(tt_count_files(loc, ".avro"), avro0);

    /* freed without commit: its written files go too */
    st_pass(st_table_begin(&x, t));
    st_pass(st_txn_write(x, rows));
    st_txn_free(x);
    st_assert_eq_i64(tt_count_files(loc, ".parquet"), data0);
    st_batch_free(rows);
    st_table_free(t);
    st_catalog_free(c);
}

void test_table_commit__merge_append_bounds_manifests(void)
{
    st_catalog *c = tt_catalog();
    st_table *t = tt_create(c, "db.t", "id long", NULL, NULL, 2);
    st_txn *x;
    st_pass(st_table_begin(&x, t));
    st_pass(st_txn_set_property(x, "commit.manifest.min-count-to-merge", "4"));
    st_pass(st_txn_commit(x, NULL));
    st_txn_free(x);
    for (int i = 0; i < 10; i++)
        tt_append(t, i * 10, i * 10 + 10);
    st_manifest_info *m;
    size_t n;
    st_pass(st_table_manifests(t, -1, &m, &n));
    st_assert_msg(n < 4, "%zu manifests after 10 merged appends", n);
    st_manifest_infos_free(m, n);
    st_assert_eq_i64(tt_rows(t), 100);
    st_assert_eq_i64(tt_nfiles(t), 10);

    /* fast append keeps one manifest per commit */
    st_pass(st_table_begin(&x, t));
    st_pass(st_txn_set_property(x, "commit.manifest-merge.enabled", "false"));
    st_pass(st_txn_commit(x, NULL));
    st_txn_free(x);
    st_pass(st_table_manifests(t, -1, &m, &n));
    size_t before = n;
    st_manifest_infos_free(m, n);
    tt_append(t, 100, 110);
    st_pass(st_table_manifests(t, -1, &m, &n));
    st_assert_eq_i64(n, before + 1);
    st_manifest_infos_free(m, n);
    st_table_free(t);
    st_catalog_free(c);
}

void test_table_commit__v1_table(void)
{
    st_catalog *c = tt_catalog();
    st_table *t = tt_create(c, "db.t", "id long, ts timestamp", "day(ts)", NULL, 1);
    tt_append(t, 0, 5);
    int64_t s2 = tt_append(t, 5, 9);
    st_snapshot_info si;
    st_pass(st_table_snapshot_by_id(t, s2, &si));
    st_assert_eq_i64(si.sequence_number, 0);
    st_assert_eq_i64(tt_rows(t), 9);
    char *json;
    st_pass(st_table_metadata_json(t, &json));
    st_assert_contains(json, "\"format-version\":1");
    st_assert_contains(json, "\"partition-spec\":");
    st_free(json);

    /* upgrade to v2: sequence numbers start */
    st_txn *x;
    st_pass(st_table_begin(&x, t));
    st_pass(st_txn_upgrade_format_version(x, 2));
    st_pass(st_txn_commit(x, NULL));
    st_txn_free(x);
    st_assert_eq_i64(st_table_format_version(t), 2);
    int64_t s3 = tt_append(t, 9, 10);
    st_pass(st_table_snapshot_by_id(t, s3, &si));
    st_assert_eq_i64(si.sequence_number, 1);
    st_assert_eq_i64(tt_rows(t), 10);
    st_pass(st_table_begin(&x, t));
    st_fail_with(ST_EINVALID, st_txn_upgrade_format_version(x, 1));
    st_txn_free(x);
    st_table_free(t);
    st_catalog_free(c);
}

void test_table_commit__through_a_location_map(void)
{
    /* a table whose metadata names locations elsewhere (a moved table): every
     * file, metadata included, is read and written through the map */
    char uri[4096], pair[8192], dir[4096];
    snprintf(dir, sizeof dir, "%s", st_test_path("moved"));
    snprintf(pair, sizeof pair, "s3://bucket/wh=%s", dir);
    const char *map[] = {pair, NULL};
    st_catalog_options o = ST_CATALOG_OPTIONS_INIT;
    o.location_map = map;
    o.warehouse = dir;
    snprintf(uri, sizeof uri, "sqlite://%s", st_test_path("mapped.db"));
    st_catalog *c;
    st_pass(st_catalog_open(&c, uri, &o));
    st_pass(st_catalog_create_namespace(c, "db", NULL, 0));
    st_type *s;
    st_pass(st_schema_parse(&s, "id long"));
    st_table_create_options co = ST_TABLE_CREATE_OPTIONS_INIT;
    co.schema = s;
    co.location = "s3://bucket/wh/db/t";
    st_table *t;
    st_pass(st_catalog_create_table(&t, c, "db.t", &co));
    st_type_free(s);
    tt_append(t, 0, 3);
    st_assert_eq_str(st_table_location(t), "s3://bucket/wh/db/t");
    st_assert(strncmp(st_table_metadata_location(t), "s3://bucket/wh/db/t/metadata/", 29) == 0);
    char sub[4200];
    snprintf(sub, sizeof sub, "%s/db/t", dir);
    st_assert_eq_i64(tt_count_files(sub, ".metadata.json"), 2);
    st_assert_eq_i64(tt_count_files(sub, ".parquet"), 1);
    st_table *again;
    st_pass(st_catalog_load_table(&again, c, "db.t"));
    st_assert_eq_i64(tt_rows(again), 3);
    st_table_free(again);
    st_table_free(t);
    st_catalog_free(c);
}
