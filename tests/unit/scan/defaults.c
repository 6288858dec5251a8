/* SPDX-License-Identifier: Apache-2.0 */
/*
 * v3 initial defaults at read time: a column added with an initial-default
 * reads as that value in files written before it (and as written in newer
 * files); identity-partitioned columns missing from files read from the
 * partition tuple (covered by the fixture tables in tests/cli/scan_fixtures.sh).
 */
#include "scan_helpers.h"
#include "spec/update.h"
#include "table/table_int.h"

/* Commits REST updates given as JSON to the table. */
static void commit_json(st_table *t, const char *json)
{
    st_change c;
    st_change_init(&c);
    st_pass(st_change_from_json(&c, json, strlen(json)));
    st_table_metadata *next = NULL;
    int changed = 0;
    st_pass(st_updates_apply(&next, &changed, t->md, c.updates, c.n_updates, st_now_ms()));
    char *loc = NULL;
    st_pass(st_table_publish(t, t->md->metadata_location, next, &loc));
    st_free(loc);
    st_metadata_free(next);
    st_change_free(&c);
    st_pass(st_table_refresh(t));
}

void test_scan_defaults__initial_default_fills_old_files(void)
{
    st_catalog *c = tt_catalog();
    st_table *t = tt_create(c, "db.t", "id long, name string", NULL, NULL, 3);
    tt_append(t, 1, 3);
    commit_json(t,
                "{\"updates\":[{\"action\":\"add-schema\",\"schema\":{\"type\":\"struct\","
                "\"schema-id\":1,\"fields\":["
                "{\"id\":1,\"name\":\"id\",\"required\":false,\"type\":\"long\"},"
                "{\"id\":2,\"name\":\"name\",\"required\":false,\"type\":\"string\"},"
                "{\"id\":3,\"name\":\"qty\",\"required\":false,\"type\":\"int\","
                "\"initial-default\":42,\"write-default\":42},"
                "{\"id\":4,\"name\":\"tag\",\"required\":false,\"type\":\"string\","
                "\"initial-default\":\"none\"},"
                "{\"id\":5,\"name\":\"day\",\"required\":false,\"type\":\"date\","
                "\"initial-default\":\"2024-03-01\"},"
                "{\"id\":6,\"name\":\"plain\",\"required\":false,\"type\":\"double\"}]}},"
                "{\"action\":\"set-current-schema\",\"schema-id\":-1}]}");
    st_assert_eq_str(ts_where(t, NULL),
                     "1,\"s1\",42,\"none\",\"2024-03-01\",null;"
                     "2,\"s2\",42,\"none\",\"2024-03-01\",null");
    st_assert_eq_str(ts_where(t, "qty = 42 AND tag = 'none' AND id = 2"),
                     "2,\"s2\",42,\"none\",\"2024-03-01\",null");
    st_assert_eq_str(ts_where(t, "qty <> 42"), "");
    /* a new file holds its own values */
    st_batch *b = NULL;
    st_pass(st_batch_new(&b, st_table_schema(t), 1));
    st_pass(st_vector_append_i64(b->columns[0], 3));
    st_pass(st_vector_append_bytes(b->columns[1], "s3", 2));
    st_pass(st_vector_append_i32(b->columns[2], 7));
    st_pass(st_vector_append_null(b->columns[3]));
    st_pass(st_vector_append_i32(b->columns[4], 0));
    st_pass(st_vector_append_f64(b->columns[5], 1.5));
    st_pass(st_batch_seal(b));
    st_txn *x;
    int64_t sid;
    st_pass(st_table_begin(&x, t));
    st_pass(st_txn_write(x, b));
    st_pass(st_txn_commit(x, &sid));
    st_txn_free(x);
    st_batch_free(b);
    st_assert_eq_str(ts_where(t, "id = 3"), "3,\"s3\",7,null,\"1970-01-01\",1.5");
    st_assert_eq_str(ts_where(t, "qty = 42"),
                     "1,\"s1\",42,\"none\",\"2024-03-01\",null;"
                     "2,\"s2\",42,\"none\",\"2024-03-01\",null");
    st_table_free(t);
    st_catalog_free(c);
}
