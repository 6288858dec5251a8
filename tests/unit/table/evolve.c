/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Schema, partition and sort-order evolution, properties, and what is refused.
 */
#include "table_helpers.h"

static char *schema_text(st_table *t)
{
    char *s;
    st_pass(st_schema_to_string(&s, st_table_schema(t)));
    return s;
}

static void commit(st_txn *x)
{
    st_pass(st_txn_commit(x, NULL));
    st_txn_free(x);
}

void test_table_evolve__columns(void)
{
    st_catalog *c = tt_catalog();
    st_table *t = tt_create(c, "db.t", "id long not null, name string, price float, "
                                       "addr struct<city: string>",
                            NULL, NULL, 2);
    st_txn *x;
    st_type *ty;
    st_pass(st_table_begin(&x, t));
    st_pass(st_schema_parse(&ty, "x string"));
    st_pass(st_txn_add_column(x, "note", ty->fields[0].type, "free text", "id", 0));
    st_pass(st_txn_add_column(x, "addr.zip", st_type_primitive(ST_TYPE_INT), NULL, NULL, 0));
    st_pass(st_txn_rename_column(x, "name", "title"));
    st_pass(st_txn_alter_column_type(x, "price", st_type_primitive(ST_TYPE_DOUBLE)));
    st_pass(st_txn_make_column_optional(x, "id"));
    st_pass(st_txn_move_column(x, "price", NULL, 1));
    commit(x);
    st_type_free(ty);
    char *s = schema_text(t);
    st_assert_eq_str(s, "price double, id long, note string, title string, "
                        "addr struct<city: string, zip: int>");
    st_free(s);
    st_type *sch = st_table_schema(t);
    /* ids: kept by renames and promotions; new ones above the last */
    st_assert_eq_i64(sch->fields[0].id, 3);
    st_assert_eq_i64(sch->fields[1].id, 1);
    st_assert_eq_i64(sch->fields[2].id, 6);
    st_assert_eq_i64(sch->fields[3].id, 2);
    st_assert_eq_i64(sch->fields[4].type->fields[1].id, 7);
    st_assert_eq_str(sch->fields[2].doc, "free text");

    /* drop and re-add: a new id */
    st_pass(st_table_begin(&x, t));
    st_pass(st_txn_drop_column(x, "title"));
    commit(x);
    st_pass(st_table_begin(&x, t));
    st_pass(st_txn_add_column(x, "title", st_type_primitive(ST_TYPE_STRING), NULL, NULL, 0));
    commit(x);
    sch = st_table_schema(t);
    st_assert_eq_i64(sch->fields[sch->n_fields - 1].id, 8);
    st_table_free(t);
    st_catalog_free(c);
}

void test_table_evolve__refusals(void)
{
    st_catalog *c = tt_catalog();
    st_table *t = tt_create(c, "db.t", "id long not null, ts timestamp, d decimal(10,2), n int",
                            "day(ts)", "id", 2);
    st_txn *x;
    int64_t before = st_table_snapshot_count(t);
    const char *meta = st_table_metadata_location(t);
    char *meta_before = strdup(meta);
    st_type *dec9, *dec12;
    st_pass(st_type_decimal_new(&dec9, 9, 2));
    st_pass(st_type_decimal_new(&dec12, 12, 3));
#define REFUSED(call, code, text)                                          \
    do {                                                                   \
        st_pass(st_table_begin(&x, t));                                    \
        int rc_ = (call);                                                  \
        if (rc_ == 0)                                                      \
            rc_ = st_txn_commit(x, NULL);                                  \
        st_assert_eq_i64(rc_, code);                                       \
        st_assert_contains(st_error_last()->message, text);                \
        st_txn_free(x);                                                    \
    } while (0)
    REFUSED(st_txn_alter_column_type(x, "id", st_type_primitive(ST_TYPE_INT)), ST_EINVALID,
            "cannot change column 'id' from long to int");
    REFUSED(st_txn_alter_column_type(x, "d", dec9), ST_EINVALID, "decimal");
    REFUSED(st_txn_alter_column_type(x, "d", dec12), ST_EINVALID, "same scale");
    REFUSED(st_txn_alter_column_type(x, "n", st_type_primitive(ST_TYPE_STRING)), ST_EINVALID,
            "from int to string");
    REFUSED(st_txn_drop_column(x, "ts"), ST_EINVALID, "partitioned by 'ts_day'");
    REFUSED(st_txn_drop_column(x, "id"), ST_EINVALID, "sorted by it");
    REFUSED(st_txn_drop_column(x, "nope"), ST_ENOTFOUND, "column 'nope' does not exist");
    REFUSED(st_txn_rename_column(x, "n", "id"), ST_EEXISTS, "that column exists");
    REFUSED(st_txn_add_column(x, "n", st_type_primitive(ST_TYPE_INT), NULL, NULL, 0), ST_EEXISTS,
            "already exists");
    REFUSED(st_txn_move_column(x, "n", "nope", 0), ST_ENOTFOUND, "nope");
    REFUSED(st_txn_add_partition_field(x, "bucket(4, ts2)"), ST_EINVALID, "ts2");
    REFUSED(st_txn_add_partition_field(x, "day(ts)"), ST_EINVALID, "already");
    REFUSED(st_txn_drop_partition_field(x, "nope"), ST_ENOTFOUND, "nope");
    REFUSED(st_txn_set_sort_order(x, "nope desc"), ST_EINVALID, "nope");
#undef REFUSED
    /* nothing committed */
    st_pass(st_table_refresh(t));
    st_assert_eq_i64(st_table_snapshot_count(t), before);
    st_assert_eq_str(st_table_metadata_location(t), meta_before);
    free(meta_before);
    st_type_free(dec9);
    st_type_free(dec12);
    st_table_free(t);
    st_catalog_free(c);
}

void test_table_evolve__partitioning_and_sorting(void)
{
    st_catalog *c = tt_catalog();
    st_table *t = tt_create(c, "db.t", "id long, ts timestamp", NULL, NULL, 2);
    tt_append(t, 0, 10);
    st_txn *x;
    st_pass(st_table_begin(&x, t));
    st_pass(st_txn_add_partition_field(x, "bucket(4, id)"));
    st_pass(st_txn_add_partition_field(x, "month(ts)"));
    st_pass(st_txn_set_sort_order(x, "id desc"));
    commit(x);
    char *p, *o;
    st_pass(st_table_partition_spec_text(t, &p));
    st_pass(st_table_sort_order_text(t, &o));
    st_assert_eq_str(p, "bucket(4, id), month(ts)");
    st_assert_contains(o, "id desc");
    st_free(p);
    st_free(o);
    /* new data is partitioned by the new spec; old files keep theirs */
    tt_append(t, 10, 30);
    st_file_info *f;
    size_t n;
    st_pass(st_table_files(t, -1, &f, &n));
    int old = 0, neu = 0;
    for (size_t i = 0; i < n; i++) {
        if (f[i].spec_id == 0)
            old++;
        else {
            neu++;
            st_assert_contains(f[i].partition, "id_bucket=");
            st_assert_contains(f[i].path, "/id_bucket=");
        }
    }
    st_assert_eq_i64(old, 1);
    st_assert(neu >= 2);
    st_file_infos_free(f, n);
    st_assert_eq_i64(tt_rows(t), 30);

    /* drop a field: v2 removes it */
    st_pass(st_table_begin(&x, t));
    st_pass(st_txn_drop_partition_field(x, "ts_month"));
    commit(x);
    st_pass(st_table_partition_spec_text(t, &p));
    st_assert_eq_str(p, "bucket(4, id)");
    st_free(p);
    /* re-adding reuses the old field id (v2) */
    st_pass(st_table_begin(&x, t));
    st_pass(st_txn_add_partition_field(x, "month(ts)"));
    commit(x);
    char *json;
    st_pass(st_table_metadata_json(t, &json));
    st_assert_contains(json, "\"last-partition-id\":1001");
    st_free(json);
    /* unsorted again */
    st_pass(st_table_begin(&x, t));
    st_pass(st_txn_set_sort_order(x, ""));
    commit(x);
    st_pass(st_table_sort_order_text(t, &o));
    st_assert_eq_str(o, "");
    st_free(o);
    st_table_free(t);
    st_catalog_free(c);
}

void test_table_evolve__properties(void)
{
    st_catalog *c = tt_catalog();
    st_table *t = tt_create(c, "db.t", "id long", NULL, NULL, 2);
    st_txn *x;
    st_pass(st_table_begin(&x, t));
    st_pass(st_txn_set_property(x, "owner", "ann"));
    st_pass(st_txn_set_property(x, "k", "v"));
    commit(x);
    st_assert_eq_str(st_table_property_get(t, "owner"), "ann");
    st_pass(st_table_begin(&x, t));
    st_pass(st_txn_remove_property(x, "k"));
    st_pass(st_txn_set_property(x, "owner", "bob"));
    commit(x);
    st_assert(st_table_property_get(t, "k") == NULL);
    st_assert_eq_str(st_table_property_get(t, "owner"), "bob");
    /* a change that changes nothing writes nothing */
    const char *loc = st_table_metadata_location(t);
    char *keep = strdup(loc);
    st_pass(st_table_begin(&x, t));
    st_pass(st_txn_set_property(x, "owner", "bob"));
    commit(x);
    st_assert_eq_str(st_table_metadata_location(t), keep);
    free(keep);
    st_table_free(t);
    st_catalog_free(c);
}

void test_table_evolve__refs_and_time(void)
{
    st_catalog *c = tt_catalog();
    st_table *t = tt_create(c, "db.t", "id long", NULL, NULL, 2);
    int64_t s1 = tt_append(t, 0, 1);
    int64_t s2 = tt_append(t, 1, 2);
    st_txn *x;
    st_pass(st_table_begin(&x, t));
    st_pass(st_txn_create_tag(x, "v1", s1));
    st_pass(st_txn_create_branch(x, "dev", -1));
    commit(x);
    st_assert_eq_i64(st_table_ref_count(t), 3);   /* main, v1, dev */

    /* commit to the branch: main does not move */
    int64_t ids[] = {7};
    st_batch *b = tt_longs(st_table_schema(t), ids, 1);
    int64_t s3;
    st_pass(st_table_begin(&x, t));
    st_pass(st_txn_set_branch(x, "dev"));
    st_pass(st_txn_write(x, b));
    st_pass(st_txn_commit(x, &s3));
    st_txn_free(x);
    st_assert_eq_i64(st_table_current_snapshot_id(t), s2);
    /* fast-forward main to dev */
    st_pass(st_table_begin(&x, t));
    st_pass(st_txn_fast_forward(x, "main", "dev"));
    commit(x);
    st_assert_eq_i64(st_table_current_snapshot_id(t), s3);
    /* rollback to an ancestor; set-current to any snapshot */
    st_pass(st_table_begin(&x, t));
    st_pass(st_txn_rollback_to(x, s1));
    commit(x);
    st_assert_eq_i64(st_table_current_snapshot_id(t), s1);
    st_assert_eq_i64(tt_rows(t), 1);
    st_pass(st_table_begin(&x, t));
    st_fail_with(ST_EINVALID, (st_txn_rollback_to(x, s3), st_txn_commit(x, NULL)));
    st_txn_free(x);
    st_pass(st_table_begin(&x, t));
    st_pass(st_txn_set_current_snapshot(x, s3));
    commit(x);
    st_assert_eq_i64(tt_rows(t), 3);
    /* tags cannot take commits; main cannot go; refs can be removed */
    st_pass(st_table_begin(&x, t));
    st_fail_with(ST_EINVALID, st_txn_set_branch(x, "v1"));
    st_fail_with(ST_EINVALID, st_txn_remove_ref(x, "main"));
    st_fail_with(ST_EEXISTS, (st_txn_create_tag(x, "v1", s2), st_txn_commit(x, NULL)));
    st_txn_free(x);
    st_pass(st_table_begin(&x, t));
    st_pass(st_txn_remove_ref(x, "dev"));
    st_pass(st_txn_replace_ref(x, "v1", s2));
    commit(x);
    st_assert_eq_i64(st_table_ref_count(t), 2);

    /* expire: everything but the current snapshot and the tagged one */
    st_pass(st_table_begin(&x, t));
    st_pass(st_txn_expire_snapshots(x, st_table_snapshot_count(t) ? INT64_MAX - 1 : 0, 1));
    commit(x);
    st_assert_eq_i64(st_table_snapshot_count(t), 2);
    st_assert_eq_i64(tt_rows(t), 3);
    st_batch_free(b);
    st_table_free(t);
    st_catalog_free(c);
}

void test_table_evolve__cherry_pick(void)
{
    st_catalog *c = tt_catalog();
    st_table *t = tt_create(c, "db.t", "id long", NULL, NULL, 2);
    int64_t s1 = tt_append(t, 0, 1);
    st_txn *x;
    st_pass(st_table_begin(&x, t));
    st_pass(st_txn_create_branch(x, "audit", s1));
    commit(x);
    int64_t ids[] = {5};
    st_batch *b = tt_longs(st_table_schema(t), ids, 1);
    int64_t staged;
    st_pass(st_table_begin(&x, t));
    st_pass(st_txn_set_branch(x, "audit"));
    st_pass(st_txn_write(x, b));
    st_pass(st_txn_commit(x, &staged));
    st_txn_free(x);
    st_pass(st_table_begin(&x, t));
    st_pass(st_txn_cherry_pick(x, staged));
    commit(x);
    st_assert_eq_i64(st_table_current_snapshot_id(t), staged);
    st_batch_free(b);
    st_table_free(t);
    st_catalog_free(c);
}

void test_table_evolve__cherry_pick_onto_another_parent(void)
{
    st_catalog *c = tt_catalog();
    st_table *t = tt_create(c, "db.t", "id long", NULL, NULL, 2);
    int64_t s1 = tt_append(t, 0, 1);
    st_txn *x;
    st_pass(st_table_begin(&x, t));
    st_pass(st_txn_create_branch(x, "audit", s1));
    commit(x);
    int64_t ids[] = {5, 6};
    st_batch *b = tt_longs(st_table_schema(t), ids, 2);
    int64_t staged;
    st_pass(st_table_begin(&x, t));
    st_pass(st_txn_set_branch(x, "audit"));
    st_pass(st_txn_write(x, b));
    st_pass(st_txn_commit(x, &staged));
    st_txn_free(x);
    tt_append(t, 1, 3);   /* main moves on */
    int64_t picked;
    st_pass(st_table_begin(&x, t));
    st_pass(st_txn_cherry_pick(x, staged));
    st_pass(st_txn_commit(x, &picked));
    st_txn_free(x);
    st_assert(picked != staged);
    st_assert_eq_i64(st_table_current_snapshot_id(t), picked);
    st_assert_eq_i64(tt_rows(t), 5);
    st_snapshot_info si;
    st_pass(st_table_snapshot_by_id(t, picked, &si));
    char want[32];
    snprintf(want, sizeof want, "%lld", (long long)staged);
    st_assert_eq_str(tt_summary(&si, "source-snapshot-id"), want);
    /* the picked files stay: they belong to the audit branch too */
    st_pass(st_table_begin(&x, t));
    st_fail_with(ST_EINVALID, (st_txn_cherry_pick(x, staged), st_txn_commit(x, NULL)));
    st_assert_contains(st_error_last()->message, "already");
    st_txn_free(x);
    /* only appends move to another parent */
    st_pass(st_table_begin(&x, t));
    st_pass(st_txn_delete_where(x, NULL));
    int64_t del;
    st_pass(st_txn_commit(x, &del));
    st_txn_free(x);
    st_pass(st_table_begin(&x, t));
    st_pass(st_txn_rollback_to(x, s1));
    st_pass(st_txn_commit(x, NULL));
    st_txn_free(x);
    tt_append(t, 7, 8);
    st_pass(st_table_begin(&x, t));
    st_fail_with(ST_EUNSUPPORTED, (st_txn_cherry_pick(x, del), st_txn_commit(x, NULL)));
    st_txn_free(x);
    st_batch_free(b);
    st_table_free(t);
    st_catalog_free(c);
}
