/* SPDX-License-Identifier: Apache-2.0 */
/* Scans of tables SuperTable wrote: projection, filters, evolution, time travel. */
#include "scan_helpers.h"

static void commit(st_txn *x)
{
    int64_t sid;
    st_pass(st_txn_commit(x, &sid));
    st_txn_free(x);
}

static st_txn *begin(st_table *t)
{
    st_txn *x;
    st_pass(st_table_begin(&x, t));
    return x;
}

void test_scan_read_table__all_rows_columns_filter_limit(void)
{
    st_catalog *c = tt_catalog();
    st_table *t = tt_create(c, "db.t", "id long, name string", NULL, NULL, 2);
    tt_append(t, 0, 5);
    tt_append(t, 5, 8);
    st_assert_eq_str(ts_where(t, NULL),
                     "0,\"s0\";1,\"s1\";2,\"s2\";3,\"s3\";4,\"s4\";5,\"s5\";6,\"s6\";7,\"s7\"");
    st_assert_eq_str(ts_where(t, "id >= 3 AND id < 6"), "3,\"s3\";4,\"s4\";5,\"s5\"");
    st_assert_eq_str(ts_where(t, "name IN ('s1', 's7') OR id = 0"),
                     "0,\"s0\";1,\"s1\";7,\"s7\"");
    st_assert_eq_str(ts_where(t, "name STARTS WITH 's6'"), "6,\"s6\"");
    st_assert_eq_str(ts_where(t, "id > 100"), "");

    /* columns in the order asked, any case; the filter on a column not returned */
    st_scan_options o = ST_SCAN_OPTIONS_INIT;
    const char *cols[] = {"NAME", NULL};
    o.columns = cols;
    o.filter = "id = 2";
    st_assert_eq_str(ts_scan(t, &o), "\"s2\"");
    const char *two[] = {"name", "id", NULL};
    o.columns = two;
    o.filter = NULL;
    o.limit = 3;
    st_assert_eq_i64(ts_count(t, &o), 3);
    o.limit = 0;
    st_assert_eq_i64(ts_count(t, &o), 0);
    /* no columns at all (a count): the rows still come, with and without a filter or limit */
    const char *none[] = {NULL};
    o.columns = none;
    o.limit = -1;
    st_assert_eq_i64(ts_count(t, &o), 8);
    o.filter = "id >= 5";
    st_assert_eq_i64(ts_count(t, &o), 3);
    o.limit = 2;
    st_assert_eq_i64(ts_count(t, &o), 2);
    o.filter = NULL;

    /* one thread gives the same rows */
    st_scan_options one = ST_SCAN_OPTIONS_INIT;
    one.threads = 1;
    char all[4096];
    snprintf(all, sizeof all, "%s", ts_where(t, NULL));
    st_assert_eq_str(ts_scan(t, &one), all);
    st_table_free(t);
    st_catalog_free(c);
}

void test_scan_read_table__bad_input(void)
{
    st_catalog *c = tt_catalog();
    st_table *t = tt_create(c, "db.t", "id long, name string", NULL, NULL, 2);
    st_scan *s = NULL;
    st_scan_options o = ST_SCAN_OPTIONS_INIT;

    /* an empty table: no snapshot, no rows, the schema all the same */
    st_pass(st_table_scan(&s, t, &o));
    st_assert_eq_i64(st_scan_snapshot_id(s), -1);
    st_assert_eq_i64(st_scan_schema(s)->n_fields, 2);
    st_scan_free(s);
    st_assert_eq_i64(ts_count(t, &o), 0);

    int64_t s1 = tt_append(t, 0, 3);
    o.filter = "nope = 1";
    st_fail_with(ST_ENOTFOUND, st_table_scan(&s, t, &o));
    st_assert_contains(st_error_last()->message, "nope");
    o.filter = "id = = 1";
    st_fail_with(ST_EINVALID, st_table_scan(&s, t, &o));
    o.filter = "name > 5 AND";
    st_fail_with(ST_EINVALID, st_table_scan(&s, t, &o));
    o.filter = NULL;
    const char *cols[] = {"id", "missing", NULL};
    o.columns = cols;
    st_fail_with(ST_ENOTFOUND, st_table_scan(&s, t, &o));
    st_assert_contains(st_error_last()->message, "missing");
    o.columns = NULL;
    o.snapshot_id = 12345;
    st_fail_with(ST_ENOTFOUND, st_table_scan(&s, t, &o));
    o.ref = "main";
    st_fail_with(ST_EINVALID, st_table_scan(&s, t, &o));
    o.snapshot_id = -1;
    o.ref = "nobranch";
    st_fail_with(ST_ENOTFOUND, st_table_scan(&s, t, &o));
    o.ref = NULL;
    o.as_of_ms = 1000;   /* 1970: before the history */
    st_fail_with(ST_ENOTFOUND, st_table_scan(&s, t, &o));
    st_assert(s == NULL);
    (void)s1;
    st_table_free(t);
    st_catalog_free(c);
}

void test_scan_read_table__time_travel_every_snapshot(void)
{
    st_catalog *c = tt_catalog();
    st_table *t = tt_create(c, "db.t", "id long", NULL, NULL, 2);
    int64_t ids[5];
    for (int i = 0; i < 5; i++)
        ids[i] = tt_append(t, i * 10, i * 10 + i + 1);   /* 1, 2, 3, 4, 5 rows */
    for (int i = 0; i < 5; i++) {
        st_scan_options o = ST_SCAN_OPTIONS_INIT;
        o.snapshot_id = ids[i];
        st_assert_eq_i64(ts_count(t, &o), (i + 1) * (i + 2) / 2);
        /* as of the time it was made current */
        st_snapshot_info si;
        st_pass(st_table_snapshot_by_id(t, ids[i], &si));
        st_scan_options a = ST_SCAN_OPTIONS_INIT;
        a.as_of_ms = si.timestamp_ms;
        st_scan *s;
        st_pass(st_table_scan(&s, t, &a));
        /* commits within one millisecond: the last of them is current then */
        st_assert(st_scan_snapshot_id(s) >= 0);
        int64_t got = st_scan_snapshot_id(s);
        st_scan_free(s);
        int k = 0;
        while (k < 5 && ids[k] != got)
            k++;
        st_assert(k >= i && k < 5);
    }
    /* a tag and a branch */
    st_txn *x = begin(t);
    st_pass(st_txn_create_tag(x, "v1", ids[1]));
    st_pass(st_txn_create_branch(x, "dev", ids[2]));
    commit(x);
    st_scan_options o = ST_SCAN_OPTIONS_INIT;
    o.ref = "v1";
    st_assert_eq_i64(ts_count(t, &o), 3);
    o.ref = "dev";
    st_assert_eq_i64(ts_count(t, &o), 6);
    o.ref = "main";
    st_assert_eq_i64(ts_count(t, &o), 15);
    st_table_free(t);
    st_catalog_free(c);
}

void test_scan_read_table__schema_evolution(void)
{
    st_catalog *c = tt_catalog();
    st_table *t = tt_create(c, "db.t", "id int, v float, d decimal(5,2), name string", NULL,
                            NULL, 2);
    st_batch *b;
    st_type *schema = st_table_schema(t);
    st_pass(st_batch_new(&b, schema, 2));
    for (int i = 1; i <= 2; i++) {
        st_pass(st_vector_append_i32(b->columns[0], i));
        st_pass(st_vector_append_f32(b->columns[1], 1.5f * (float)i));
        st_decimal128 d = {(uint64_t)(125 * i), 0};
        st_pass(st_vector_append_decimal(b->columns[2], d));
        st_pass(st_vector_append_bytes(b->columns[3], i == 1 ? "a" : "b", 1));
    }
    st_pass(st_batch_seal(b));
    st_txn *x = begin(t);
    st_pass(st_txn_write(x, b));
    commit(x);
    st_batch_free(b);
    int64_t first = st_table_current_snapshot_id(t);

    /* widen all three, rename, add, move, drop */
    x = begin(t);
    st_type *dec = NULL;
    st_pass(st_type_decimal_new(&dec, 9, 2));
    st_pass(st_txn_alter_column_type(x, "id", st_type_primitive(ST_TYPE_LONG)));
    st_pass(st_txn_alter_column_type(x, "v", st_type_primitive(ST_TYPE_DOUBLE)));
    st_pass(st_txn_alter_column_type(x, "d", dec));
    st_pass(st_txn_rename_column(x, "name", "label"));
    st_pass(st_txn_add_column(x, "extra", st_type_primitive(ST_TYPE_STRING), NULL, NULL, 0));
    st_pass(st_txn_move_column(x, "label", NULL, 1));
    commit(x);
    st_type_free(dec);
    st_assert_eq_str(ts_where(t, NULL),
                     "\"a\",1,1.5,\"1.25\",null;\"b\",2,3,\"2.50\",null");
    st_assert_eq_str(ts_where(t, "label = 'b'"), "\"b\",2,3,\"2.50\",null");
    st_assert_eq_str(ts_where(t, "extra IS NULL AND id > 1"), "\"b\",2,3,\"2.50\",null");
    st_assert_eq_str(ts_where(t, "extra = 'x'"), "");
    st_assert_eq_str(ts_where(t, "d > 1.30"), "\"b\",2,3,\"2.50\",null");

    /* new rows with the new schema next to the old file */
    st_pass(st_batch_new(&b, st_table_schema(t), 1));
    st_pass(st_vector_append_bytes(b->columns[0], "c", 1));
    st_pass(st_vector_append_i64(b->columns[1], 5000000000LL));
    st_pass(st_vector_append_f64(b->columns[2], 0.25));
    st_decimal128 big = {123456789, 0};
    st_pass(st_vector_append_decimal(b->columns[3], big));
    st_pass(st_vector_append_bytes(b->columns[4], "x", 1));
    st_pass(st_batch_seal(b));
    x = begin(t);
    st_pass(st_txn_write(x, b));
    commit(x);
    st_batch_free(b);
    st_assert_eq_str(ts_where(t, "id > 3000000000"), "\"c\",5000000000,0.25,\"1234567.89\",\"x\"");
    st_assert_eq_str(ts_where(t, "extra = 'x' OR id = 1"),
                     "\"a\",1,1.5,\"1.25\",null;\"c\",5000000000,0.25,\"1234567.89\",\"x\"");

    /* drop a column: gone from the current read, still there back in time */
    x = begin(t);
    st_pass(st_txn_drop_column(x, "v"));
    commit(x);
    st_assert_eq_str(ts_where(t, "id < 3"), "\"a\",1,\"1.25\",null;\"b\",2,\"2.50\",null");
    st_scan_options o = ST_SCAN_OPTIONS_INIT;
    o.snapshot_id = first;
    st_assert_eq_str(ts_scan(t, &o), "1,1.5,\"1.25\",\"a\";2,3,\"2.50\",\"b\"");
    o.filter = "v > 2";   /* the old schema has v */
    st_assert_eq_str(ts_scan(t, &o), "2,3,\"2.50\",\"b\"");
    st_scan *s = NULL;
    st_scan_options cur = ST_SCAN_OPTIONS_INIT;
    cur.filter = "v > 2";
    st_fail_with(ST_ENOTFOUND, st_table_scan(&s, t, &cur));
    st_table_free(t);
    st_catalog_free(c);
}

void test_scan_read_table__nested_struct_evolution(void)
{
    st_catalog *c = tt_catalog();
    st_table *t = tt_create(c, "db.t", "id long, p struct<x: long, y: string>", NULL, NULL, 2);
    st_batch *b;
    st_pass(st_batch_new(&b, st_table_schema(t), 1));
    st_pass(st_vector_append_i64(b->columns[0], 1));
    st_vector *p = b->columns[1];
    st_pass(st_vector_append_i64(p->children[0], 10));
    st_pass(st_vector_append_bytes(p->children[1], "q", 1));
    st_pass(st_vector_append_nested(p));
    st_pass(st_batch_seal(b));
    st_txn *x = begin(t);
    st_pass(st_txn_write(x, b));
    commit(x);
    st_batch_free(b);
    x = begin(t);
    st_pass(st_txn_add_column(x, "p.z", st_type_primitive(ST_TYPE_INT), NULL, NULL, 0));
    st_pass(st_txn_rename_column(x, "p.y", "why"));
    commit(x);
    st_assert_eq_str(ts_where(t, NULL), "1,{\"x\":10,\"why\":\"q\",\"z\":null}");
    st_assert_eq_str(ts_where(t, "p.why = 'q' AND p.z IS NULL"),
                     "1,{\"x\":10,\"why\":\"q\",\"z\":null}");
    st_scan_options o = ST_SCAN_OPTIONS_INIT;
    const char *cols[] = {"p.x", NULL};
    o.columns = cols;
    st_assert_eq_str(ts_scan(t, &o), "{\"x\":10}");
    o.filter = "p.why = 'q'";   /* a filtered sub-field outside the projection */
    st_assert_eq_str(ts_scan(t, &o), "{\"x\":10}");
    st_table_free(t);
    st_catalog_free(c);
}

void test_scan_read_table__partition_evolution_and_pruning(void)
{
    st_catalog *c = tt_catalog();
    st_table *t = tt_create(c, "db.t", "id long, day date", "bucket(4, id)", NULL, 2);
    tt_append(t, 0, 40);
    st_txn *x = begin(t);
    st_pass(st_txn_drop_partition_field(x, "id_bucket"));
    st_pass(st_txn_add_partition_field(x, "truncate(10, id)"));
    commit(x);
    tt_append(t, 40, 80);
    st_assert_eq_i64(ts_count(t, NULL), 80);
    st_assert_eq_str(ts_where(t, "id = 7 OR id = 55"), "55,\"1970-02-25\";7,\"1970-01-08\"");

    st_scan *s;
    st_scan_options o = ST_SCAN_OPTIONS_INIT;
    o.filter = "id = 55";
    st_pass(st_table_scan(&s, t, &o));
    st_scan_metrics m;
    st_scan_get_metrics(s, &m);
    /* 4 bucket files + 4 truncate files; the truncate spec keeps one, the bucket spec
     * one bucket (whose id range then excludes 55 by metrics) */
    st_assert_eq_i64(m.data_files, 8);
    st_assert_eq_i64(m.data_files_pruned_partition, 6);
    st_assert_eq_i64(m.data_files_pruned_metrics, 1);
    st_assert_eq_i64(m.data_files_read, 1);
    char *text = NULL;
    st_pass(st_scan_explain(s, &text));
    st_assert_contains(text, "data files: 8 considered, 6 pruned by partition, 1 pruned by "
                             "metrics, 1 read");
    st_free(text);
    st_scan_free(s);
    st_table_free(t);
    st_catalog_free(c);
}

void test_scan_read_table__deletes_and_overwrites(void)
{
    st_catalog *c = tt_catalog();
    st_table *t = tt_create(c, "db.t", "id long, g long", "identity(g)", NULL, 2);
    st_batch *b;
    int64_t ids[6] = {1, 2, 3, 4, 5, 6};
    b = tt_longs(st_table_schema(t), ids, 6);   /* g = id: one file each */
    st_txn *x = begin(t);
    st_pass(st_txn_write(x, b));
    commit(x);
    st_batch_free(b);
    int64_t before = st_table_current_snapshot_id(t);
    x = begin(t);
    st_pass(st_txn_delete_where(x, "g IN (2, 4)"));
    commit(x);
    st_assert_eq_str(ts_where(t, NULL), "1,1;3,3;5,5;6,6");
    x = begin(t);
    st_pass(st_txn_overwrite(x, "g = 6"));
    int64_t six[1] = {6};
    b = tt_longs(st_table_schema(t), six, 1);
    st_vector_free(b->columns[0]);
    st_pass(st_vector_new(&b->columns[0], st_type_primitive(ST_TYPE_LONG), 1));
    st_pass(st_vector_append_i64(b->columns[0], 60));
    st_pass(st_txn_write(x, b));
    commit(x);
    st_batch_free(b);
    st_assert_eq_str(ts_where(t, NULL), "1,1;3,3;5,5;60,6");
    st_scan_options o = ST_SCAN_OPTIONS_INIT;
    o.snapshot_id = before;
    st_assert_eq_i64(ts_count(t, &o), 6);
    st_table_free(t);
    st_catalog_free(c);
}

void test_scan_read_table__splits_at_row_groups(void)
{
    st_catalog *c = tt_catalog();
    st_table *t = tt_create(c, "db.t", "id long, name string", NULL, NULL, 2);
    st_txn *x = begin(t);
    st_pass(st_txn_set_property(x, "write.parquet.row-group-size-bytes", "20000"));
    commit(x);
    tt_append(t, 0, 20000);
    st_scan *s;
    st_scan_options o = ST_SCAN_OPTIONS_INIT;
    o.split_target_size = 3000;   /* the file is about 20 kB in 18 row groups */
    st_pass(st_table_scan(&s, t, &o));
    st_assert(st_scan_task_count(s) > 2);
    st_scan_task_info ti;
    int64_t covered = 0;
    for (size_t i = 0; i < st_scan_task_count(s); i++) {
        st_pass(st_scan_task(s, i, &ti));
        st_assert_eq_i64(ti.start, covered);
        covered += ti.length;
    }
    st_assert_eq_i64(covered, ti.start + ti.length);
    ts_rows rows;
    st_pass(ts_read(s, &rows));
    st_assert_eq_i64(rows.n, 20000);
    /* each id once, in file order */
    for (int i = 0; i < rows.n; i++) {
        char want[64];
        snprintf(want, sizeof want, "%d,\"s%d\"", i, i);
        if (strcmp(rows.rows[i], want) != 0) {
            st_assert_eq_str(rows.rows[i], want);
            break;
        }
    }
    ts_rows_free(&rows);
    st_scan_metrics m;
    st_scan_get_metrics(s, &m);
    st_assert(m.row_groups > 2);
    st_assert_eq_i64(m.rows_returned, 20000);
    st_scan_free(s);

    /* row groups pruned by their statistics */
    o.filter = "id BETWEEN 100 AND 200";
    st_pass(st_table_scan(&s, t, &o));
    st_pass(ts_read(s, &rows));
    st_assert_eq_i64(rows.n, 101);
    ts_rows_free(&rows);
    st_scan_get_metrics(s, &m);
    st_assert(m.row_groups_pruned > 0);
    st_assert_eq_i64(m.row_groups - m.row_groups_pruned, 1);
    st_scan_free(s);
    st_table_free(t);
    st_catalog_free(c);
}

void test_scan_read_table__arrow_stream(void)
{
    st_catalog *c = tt_catalog();
    st_table *t = tt_create(c, "db.t", "id long", NULL, NULL, 2);
    tt_append(t, 0, 10);
    st_scan *s;
    st_batch_reader *r;
    st_pass(st_table_scan(&s, t, NULL));
    st_pass(st_scan_reader(&r, s));
    struct ArrowArrayStream stream;
    st_pass(st_arrow_export_stream(&stream, r));
    struct ArrowSchema schema;
    st_assert_eq_i64(stream.get_schema(&stream, &schema), 0);
    st_assert_eq_str(schema.format, "+s");
    schema.release(&schema);
    int64_t rows = 0;
    for (;;) {
        struct ArrowArray a;
        st_assert_eq_i64(stream.get_next(&stream, &a), 0);
        if (!a.release)
            break;
        rows += a.length;
        a.release(&a);
    }
    st_assert_eq_i64(rows, 10);
    stream.release(&stream);
    st_scan_free(s);
    st_table_free(t);
    st_catalog_free(c);
}

/* A file the metadata names that is gone or damaged: a clear error naming it. */
void test_scan_read_table__missing_and_corrupt_files(void)
{
    st_catalog *c = tt_catalog();
    st_table *t = tt_create(c, "db.t", "id long, name string", NULL, NULL, 2);
    tt_append(t, 0, 100);
    st_file_info *fi;
    size_t nf;
    st_pass(st_table_files(t, -1, &fi, &nf));
    st_assert_eq_i64((int64_t)nf, 1);
    const char *path = fi[0].path;
    if (strncmp(path, "file://", 7) == 0)
        path += 7;
    else if (strncmp(path, "file:", 5) == 0)
        path += 5;
    char saved[4096];
    snprintf(saved, sizeof saved, "%s.saved", path);
    st_assert(rename(path, saved) == 0);

    st_scan *s = NULL;
    st_batch_reader *r = NULL;
    st_batch *b = NULL;
    st_pass(st_table_scan(&s, t, NULL));   /* planning does not open data files */
    st_pass(st_scan_reader(&r, s));
    int rc = st_batch_reader_next(r, &b);
    st_assert(rc < 0 && rc != ST_ITEROVER);
    st_assert_contains(st_error_last()->message, "00001.parquet");
    /* a failed reader stays failed */
    st_assert(st_batch_reader_next(r, &b) < 0);
    st_batch_reader_free(r);
    st_scan_free(s);

    /* a truncated file */
    FILE *in = fopen(saved, "rb"), *out = fopen(path, "wb");
    char buf[64];
    size_t n = fread(buf, 1, sizeof buf, in);
    fwrite(buf, 1, n, out);
    fclose(in);
    fclose(out);
    st_pass(st_table_scan(&s, t, NULL));
    st_pass(st_scan_reader(&r, s));
    st_fail_with(ST_ECORRUPT, st_batch_reader_next(r, &b));
    st_batch_reader_free(r);
    st_scan_free(s);
    st_assert(rename(saved, path) == 0);
    st_assert_eq_i64(ts_count(t, NULL), 100);
    st_file_infos_free(fi, nf);

    /* a manifest that is gone fails planning, naming it */
    st_manifest_info *mi;
    size_t nm;
    st_pass(st_table_manifests(t, -1, &mi, &nm));
    const char *mp = mi[0].path;
    if (strncmp(mp, "file:", 5) == 0)
        mp += strncmp(mp, "file://", 7) == 0 ? 7 : 5;
    st_assert(remove(mp) == 0);
    st_assert(st_table_scan(&s, t, NULL) < 0);
    st_assert_contains(st_error_last()->message, ".avro");
    st_manifest_infos_free(mi, nm);
    st_table_free(t);
    st_catalog_free(c);
}
