/* SPDX-License-Identifier: Apache-2.0 */
/* Metadata tables (st_table_metadata_scan): every table's columns and rows on
 * tables built with the table API (several snapshots, partition evolution,
 * refs, a metadata delete), on Spark's bunnies fixture (a position-delete
 * file), empty tables, bad names and snapshots, allocation failures. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <supertable/scan.h>

#include "../table/table_helpers.h"

/* A metadata table read whole (tables here fit one batch). */
typedef struct got {
    st_type *schema;
    st_batch *b;     /* NULL when there are no rows */
    int64_t rows;
} got;

static got mt_get(st_table *t, const char *name, int64_t snap)
{
    got g;
    st_batch_reader *r;
    st_batch *b;
    int rc;
    memset(&g, 0, sizeof g);
    st_pass(st_table_metadata_scan(&r, t, name, snap));
    g.schema = st_type_ref(st_batch_reader_schema(r));
    while ((rc = st_batch_reader_next(r, &b)) == 0) {
        st_assert_msg(!g.b, "%s: more than one batch", name);
        st_assert(st_type_equals(b->schema, g.schema));
        for (int i = 0; i < b->n_columns; i++)
            st_pass(st_vector_validate(b->columns[i]));
        g.b = b;
        g.rows += b->length;
    }
    st_assert_eq_i64(rc, ST_ITEROVER);
    st_batch_reader_free(r);
    return g;
}

static void got_free(got *g)
{
    st_batch_free(g->b);
    st_type_free(g->schema);
}

/* The column names, comma-separated. */
static const char *names(const st_type *t)
{
    static char buf[4096];
    size_t n = 0;
    buf[0] = 0;
    for (int i = 0; i < t->n_fields; i++)
        n += (size_t)snprintf(buf + n, sizeof buf - n, "%s%s", i ? "," : "", t->fields[i].name);
    return buf;
}

static const st_vector *col(const got *g, const char *name)
{
    int i = st_type_field_index(g->schema, name);
    st_assert_msg(i >= 0 && g->b, "no column '%s'", name);
    return g->b->columns[i];
}

static const st_vector *child(const st_vector *v, const char *name)
{
    int i = st_type_field_index(v->type, name);
    st_assert_msg(i >= 0, "no field '%s'", name);
    return v->children[i];
}

static int64_t i64(const st_vector *v, int64_t row)
{
    st_assert_msg(st_vector_is_valid(v, row), "row %lld is null", (long long)row);
    if (v->type->id == ST_TYPE_INT || v->type->id == ST_TYPE_DATE)
        return st_vector_get_i32(v, row);
    return st_vector_get_i64(v, row);
}

static int is_null(const st_vector *v, int64_t row)
{
    return !st_vector_is_valid(v, row);
}

static const char *str(const st_vector *v, int64_t row)
{
    static char buf[4][1024];
    static int k;
    size_t len;
    const uint8_t *p;
    if (!st_vector_is_valid(v, row))
        return "NULL";
    p = st_vector_get_bytes(v, row, &len);
    k = (k + 1) % 4;
    snprintf(buf[k], sizeof buf[k], "%.*s", (int)len, (const char *)p);
    return buf[k];
}

/* A map<string, string> row's value for a key, or NULL. */
static const char *map_get(const st_vector *m, int64_t row, const char *key)
{
    int64_t b, e;
    st_vector_get_range(m, row, &b, &e);
    for (int64_t i = b; i < e; i++)
        if (strcmp(str(m->children[0], i), key) == 0)
            return str(m->children[1], i);
    return NULL;
}

/* A map<int, long> row's value for a key, or -1. */
static int64_t imap_get(const st_vector *m, int64_t row, int32_t key)
{
    int64_t b, e;
    st_vector_get_range(m, row, &b, &e);
    for (int64_t i = b; i < e; i++)
        if (st_vector_get_i32(m->children[0], i) == key)
            return st_vector_get_i64(m->children[1], i);
    return -1;
}

/* The row whose column `name` holds `v`, or -1. */
static int64_t find_row(const got *g, const char *name, int64_t v)
{
    const st_vector *c = col(g, name);
    for (int64_t r = 0; r < g->rows; r++)
        if (st_vector_is_valid(c, r) && i64(c, r) == v)
            return r;
    return -1;
}

static int64_t sum(const got *g, const char *name)
{
    int64_t s = 0;
    for (int64_t r = 0; r < g->rows; r++)
        s += i64(col(g, name), r);
    return s;
}

/* "id long, cat string" partitioned by cat, then also by bucket(4, id). */
static st_table *evolved(st_catalog *c, int64_t *s1, int64_t *s2)
{
    st_table *t = tt_create(c, "db.ev", "id long, cat string", "cat", NULL, 2);
    st_txn *x;
    *s1 = tt_append(t, 1, 4);      /* cat s1, s2, s3 in spec 0 */
    st_pass(st_table_begin(&x, t));
    st_pass(st_txn_add_partition_field(x, "bucket(4, id)"));
    st_pass(st_txn_commit(x, NULL));
    st_txn_free(x);
    *s2 = tt_append(t, 10, 12);    /* spec 1 */
    return t;
}

/* ------------------------------------------------------------ snapshots */

void test_scan_meta_tables__snapshots(void)
{
    st_catalog *c = tt_catalog();
    st_table *t = tt_create(c, "db.t", "id long", NULL, NULL, 2);
    int64_t a = tt_append(t, 0, 3), b = tt_append(t, 3, 5), d = tt_append(t, 5, 6);
    got g = mt_get(t, "snapshots", -1);
    st_assert_eq_str(names(g.schema),
                     "committed_at,snapshot_id,parent_id,operation,manifest_list,summary");
    st_assert_eq_i64(g.schema->fields[0].type->id, ST_TYPE_TIMESTAMPTZ);
    st_assert_eq_i64(g.schema->fields[5].type->id, ST_TYPE_MAP);
    st_assert_eq_i64(g.rows, 3);
    st_assert_eq_i64(i64(col(&g, "snapshot_id"), 0), a);
    st_assert_eq_i64(i64(col(&g, "snapshot_id"), 2), d);
    st_assert(is_null(col(&g, "parent_id"), 0));
    st_assert_eq_i64(i64(col(&g, "parent_id"), 1), a);
    st_assert_eq_i64(i64(col(&g, "parent_id"), 2), b);
    for (int r = 0; r < 3; r++) {
        st_snapshot_info si;
        st_pass(st_table_snapshot(t, (size_t)r, &si));
        st_assert_eq_i64(i64(col(&g, "committed_at"), r), si.timestamp_ms * 1000);
        st_assert_eq_str(str(col(&g, "operation"), r), "append");
        st_assert_eq_str(str(col(&g, "manifest_list"), r), si.manifest_list);
        /* the operation is a column of its own, not in the summary */
        st_assert(map_get(col(&g, "summary"), r, "operation") == NULL);
    }
    st_assert_eq_str(map_get(col(&g, "summary"), 1, "added-records"), "2");
    st_assert_eq_str(map_get(col(&g, "summary"), 2, "total-records"), "6");
    got_free(&g);
    st_table_free(t);
    st_catalog_free(c);
}

/* ------------------------------------------------------ history, refs */

void test_scan_meta_tables__history_and_rollback(void)
{
    st_catalog *c = tt_catalog();
    st_table *t = tt_create(c, "db.t", "id long", NULL, NULL, 2);
    int64_t a = tt_append(t, 0, 1), b = tt_append(t, 1, 2);
    st_txn *x;
    st_pass(st_table_begin(&x, t));
    st_pass(st_txn_rollback_to(x, a));
    st_pass(st_txn_commit(x, NULL));
    st_txn_free(x);
    got g = mt_get(t, "history", -1);
    st_assert_eq_str(names(g.schema), "made_current_at,snapshot_id,parent_id,is_current_ancestor");
    st_assert_eq_i64(g.rows, 3);
    int64_t ids[3] = {a, b, a};
    int anc[3] = {1, 0, 1};
    for (int r = 0; r < 3; r++) {
        st_assert_eq_i64(i64(col(&g, "snapshot_id"), r), ids[r]);
        st_assert_eq_i64(st_vector_get_bool(col(&g, "is_current_ancestor"), r), anc[r]);
    }
    st_assert(is_null(col(&g, "parent_id"), 0));
    st_assert_eq_i64(i64(col(&g, "parent_id"), 1), a);
    st_history_entry h;
    st_pass(st_table_history(t, 1, &h));
    st_assert_eq_i64(i64(col(&g, "made_current_at"), 1), h.timestamp_ms * 1000);
    got_free(&g);
    st_table_free(t);
    st_catalog_free(c);
}

void test_scan_meta_tables__refs(void)
{
    st_catalog *c = tt_catalog();
    st_table *t = tt_create(c, "db.t", "id long", NULL, NULL, 2);
    int64_t a = tt_append(t, 0, 1), b = tt_append(t, 1, 2);
    st_txn *x;
    st_pass(st_table_begin(&x, t));
    st_pass(st_txn_create_tag(x, "v1", a));
    st_pass(st_txn_create_branch(x, "dev", b));
    st_pass(st_txn_set_ref_retention(x, "dev", 3, 1000, -1));
    st_pass(st_txn_commit(x, NULL));
    st_txn_free(x);
    got g = mt_get(t, "refs", -1);
    st_assert_eq_str(names(g.schema), "name,type,snapshot_id,max_reference_age_in_ms,"
                                      "min_snapshots_to_keep,max_snapshot_age_in_ms");
    st_assert_eq_i64(g.rows, 3);
    int seen = 0;
    for (int r = 0; r < 3; r++) {
        const char *n = str(col(&g, "name"), r);
        if (strcmp(n, "main") == 0) {
            st_assert_eq_str(str(col(&g, "type"), r), "BRANCH");
            st_assert_eq_i64(i64(col(&g, "snapshot_id"), r), b);
            st_assert(is_null(col(&g, "min_snapshots_to_keep"), r));
            seen |= 1;
        } else if (strcmp(n, "v1") == 0) {
            st_assert_eq_str(str(col(&g, "type"), r), "TAG");
            st_assert_eq_i64(i64(col(&g, "snapshot_id"), r), a);
            seen |= 2;
        } else {
            st_assert_eq_str(n, "dev");
            st_assert_eq_i64(i64(col(&g, "min_snapshots_to_keep"), r), 3);
            st_assert_eq_i64(i64(col(&g, "max_snapshot_age_in_ms"), r), 1000);
            st_assert(is_null(col(&g, "max_reference_age_in_ms"), r));
            seen |= 4;
        }
    }
    st_assert_eq_i64(seen, 7);
    got_free(&g);
    st_table_free(t);
    st_catalog_free(c);
}

void test_scan_meta_tables__metadata_log_entries(void)
{
    st_catalog *c = tt_catalog();
    st_table *t = tt_create(c, "db.t", "id long", NULL, NULL, 2);
    int64_t a = tt_append(t, 0, 1);
    st_txn *x;
    st_pass(st_table_begin(&x, t));
    st_pass(st_txn_set_property(x, "k", "v"));
    st_pass(st_txn_commit(x, NULL));
    st_txn_free(x);
    int64_t b = tt_append(t, 1, 2);
    got g = mt_get(t, "metadata_log_entries", -1);
    st_assert_eq_str(names(g.schema), "timestamp,file,latest_snapshot_id,latest_schema_id,"
                                      "latest_sequence_number");
    /* create, append, property, append: the last row is the current file */
    st_assert_eq_i64(g.rows, 4);
    st_assert_eq_str(str(col(&g, "file"), 3), st_table_metadata_location(t));
    st_assert(is_null(col(&g, "latest_snapshot_id"), 0));
    st_assert(is_null(col(&g, "latest_sequence_number"), 0));
    st_assert_eq_i64(i64(col(&g, "latest_snapshot_id"), 1), a);
    st_assert_eq_i64(i64(col(&g, "latest_snapshot_id"), 2), a);
    st_assert_eq_i64(i64(col(&g, "latest_sequence_number"), 2), 1);
    st_assert_eq_i64(i64(col(&g, "latest_snapshot_id"), 3), b);
    st_assert_eq_i64(i64(col(&g, "latest_sequence_number"), 3), 2);
    st_assert_eq_i64(i64(col(&g, "latest_schema_id"), 3), 0);
    for (int r = 1; r < 4; r++)
        st_assert(i64(col(&g, "timestamp"), r) >= i64(col(&g, "timestamp"), r - 1));
    got_free(&g);
    st_table_free(t);
    st_catalog_free(c);
}

/* ---------------------------------------------------------- manifests */

void test_scan_meta_tables__manifests(void)
{
    st_catalog *c = tt_catalog();
    st_table *t = tt_create(c, "db.t", "id long, d date", "d", NULL, 2);
    int64_t a = tt_append(t, 5, 8);   /* d = 5, 6, 7 days */
    int64_t b = tt_append(t, 8, 9);
    got g = mt_get(t, "manifests", -1);
    st_assert_eq_str(names(g.schema),
                     "content,path,length,partition_spec_id,added_snapshot_id,"
                     "added_data_files_count,existing_data_files_count,deleted_data_files_count,"
                     "added_delete_files_count,existing_delete_files_count,"
                     "deleted_delete_files_count,partition_summaries");
    st_assert_eq_i64(g.rows, 2);
    int64_t ra = find_row(&g, "added_snapshot_id", a), rb = find_row(&g, "added_snapshot_id", b);
    st_assert(ra >= 0 && rb >= 0);
    st_assert_eq_i64(i64(col(&g, "content"), ra), 0);
    st_assert_eq_i64(i64(col(&g, "added_data_files_count"), ra), 3);
    st_assert_eq_i64(i64(col(&g, "added_data_files_count"), rb), 1);
    st_assert_eq_i64(i64(col(&g, "added_delete_files_count"), ra), 0);
    st_assert(i64(col(&g, "length"), ra) > 0);
    st_assert(strstr(str(col(&g, "path"), ra), ".avro") != NULL);
    /* the summary bounds are the partition values as text */
    const st_vector *ps = col(&g, "partition_summaries");
    int64_t s, e;
    st_vector_get_range(ps, ra, &s, &e);
    st_assert_eq_i64(e - s, 1);
    const st_vector *el = ps->children[0];
    st_assert_eq_i64(st_vector_get_bool(child(el, "contains_null"), s), 0);
    st_assert_eq_i64(st_vector_get_bool(child(el, "contains_nan"), s), 0);
    st_assert_eq_str(str(child(el, "lower_bound"), s), "1970-01-06");
    st_assert_eq_str(str(child(el, "upper_bound"), s), "1970-01-08");
    got_free(&g);

    /* an older snapshot's manifests */
    g = mt_get(t, "manifests", a);
    st_assert_eq_i64(g.rows, 1);
    got_free(&g);
    st_table_free(t);
    st_catalog_free(c);
}

/* -------------------------------------------------------------- files */

void test_scan_meta_tables__files_after_partition_evolution(void)
{
    st_catalog *c = tt_catalog();
    int64_t s1, s2;
    st_table *t = evolved(c, &s1, &s2);
    got g = mt_get(t, "files", -1);
    st_assert_eq_str(names(g.schema),
                     "content,file_path,file_format,spec_id,partition,record_count,"
                     "file_size_in_bytes,column_sizes,value_counts,null_value_counts,"
                     "nan_value_counts,lower_bounds,upper_bounds,key_metadata,split_offsets,"
                     "equality_ids,sort_order_id,first_row_id,referenced_data_file,"
                     "content_offset,content_size_in_bytes,readable_metrics");
    /* the union of both specs' fields, by field id */
    const st_type *pt = g.schema->fields[4].type;
    st_assert_eq_i64(pt->n_fields, 2);
    st_assert_eq_str(pt->fields[0].name, "cat");
    st_assert_eq_i64(pt->fields[0].id, 1000);
    st_assert_eq_i64(pt->fields[0].type->id, ST_TYPE_STRING);
    st_assert_eq_str(pt->fields[1].name, "id_bucket");
    st_assert_eq_i64(pt->fields[1].id, 1001);
    st_assert_eq_i64(pt->fields[1].type->id, ST_TYPE_INT);
    st_assert_eq_i64(g.rows, 5);
    st_assert_eq_i64(sum(&g, "record_count"), 5);
    const st_vector *part = col(&g, "partition");
    int spec0 = 0, spec1 = 0;
    for (int64_t r = 0; r < g.rows; r++) {
        st_assert_eq_i64(i64(col(&g, "content"), r), 0);
        st_assert_eq_str(str(col(&g, "file_format"), r), "PARQUET");
        st_assert(i64(col(&g, "file_size_in_bytes"), r) > 0);
        st_assert(str(part->children[0], r)[0] == 's');
        if (i64(col(&g, "spec_id"), r) == 0) {
            spec0++;
            st_assert(is_null(part->children[1], r));
        } else {
            spec1++;
            int64_t bucket = i64(part->children[1], r);
            st_assert(bucket >= 0 && bucket < 4);
        }
        /* metrics of column 1 (id) and 2 (cat) */
        st_assert(imap_get(col(&g, "column_sizes"), r, 1) > 0);
        st_assert_eq_i64(imap_get(col(&g, "value_counts"), r, 1), 1);
        st_assert_eq_i64(imap_get(col(&g, "null_value_counts"), r, 2), 0);
        st_assert(is_null(col(&g, "key_metadata"), r));
        st_assert(is_null(col(&g, "equality_ids"), r));
        /* readable metrics: bounds decoded with the column types */
        const st_vector *rm = col(&g, "readable_metrics");
        const st_vector *id = child(rm, "id"), *cat = child(rm, "cat");
        int64_t lo = i64(child(id, "lower_bound"), r);
        st_assert_eq_i64(lo, i64(child(id, "upper_bound"), r));
        st_assert_eq_i64(i64(child(id, "value_count"), r), 1);
        st_assert_eq_i64(i64(child(id, "null_value_count"), r), 0);
        st_assert(is_null(child(id, "nan_value_count"), r));
        char want[32];
        snprintf(want, sizeof want, "s%lld", (long long)lo);
        st_assert_eq_str(str(child(cat, "lower_bound"), r), want);
        st_assert_eq_str(str(part->children[0], r), want);
        /* the raw bounds are the single-value bytes */
        const st_vector *lb = col(&g, "lower_bounds");
        int64_t b, e;
        st_vector_get_range(lb, r, &b, &e);
        st_assert(e - b == 2);
        size_t len;
        const uint8_t *p = st_vector_get_bytes(lb->children[1], b, &len);
        int64_t v;
        st_assert_eq_i64(len, 8);
        memcpy(&v, p, 8);
        st_assert_eq_i64(v, lo);
    }
    st_assert_eq_i64(spec0, 3);
    st_assert_eq_i64(spec1, 2);
    const st_type *rmt = g.schema->fields[21].type;
    st_assert_eq_i64(rmt->n_fields, 2);
    st_assert_eq_str(rmt->fields[0].name, "cat");   /* sorted by name */
    st_assert_eq_str(rmt->fields[1].name, "id");
    st_assert_eq_i64(rmt->fields[1].type->fields[4].type->id, ST_TYPE_LONG);
    got_free(&g);

    /* data_files lists the same, delete_files nothing; the first snapshot 3 files */
    g = mt_get(t, "data_files", -1);
    st_assert_eq_i64(g.rows, 5);
    got_free(&g);
    g = mt_get(t, "delete_files", -1);
    st_assert_eq_i64(g.rows, 0);
    st_assert_eq_i64(g.schema->n_fields, 22);
    got_free(&g);
    g = mt_get(t, "files", s1);
    st_assert_eq_i64(g.rows, 3);
    got_free(&g);
    st_table_free(t);
    st_catalog_free(c);
}

void test_scan_meta_tables__unpartitioned_files_and_nested_columns(void)
{
    st_catalog *c = tt_catalog();
    st_table *t = tt_create(c, "db.t", "id long, price double, tags list<string>, "
                                       "addr struct<city: string, zip: int>", NULL, NULL, 2);
    st_batch *b;
    st_txn *x;
    st_pass(st_batch_new(&b, st_table_schema(t), 2));
    st_pass(st_vector_append_i64(b->columns[0], 7));
    st_pass(st_vector_append_f64(b->columns[1], 2.5));
    st_pass(st_vector_append_bytes(b->columns[2]->children[0], "x", 1));
    st_pass(st_vector_append_nested(b->columns[2]));
    st_pass(st_vector_append_bytes(b->columns[3]->children[0], "Oslo", 4));
    st_pass(st_vector_append_i32(b->columns[3]->children[1], 150));
    st_pass(st_vector_append_nested(b->columns[3]));
    st_pass(st_batch_seal(b));
    st_pass(st_table_begin(&x, t));
    st_pass(st_txn_write(x, b));
    st_pass(st_txn_commit(x, NULL));
    st_txn_free(x);
    st_batch_free(b);

    got g = mt_get(t, "files", -1);
    /* no partition column without partition fields */
    st_assert(st_type_field_index(g.schema, "partition") < 0);
    st_assert_eq_i64(g.rows, 1);
    const st_vector *rm = col(&g, "readable_metrics");
    st_assert_eq_str(names(rm->type), "addr.city,addr.zip,id,price,tags.element");
    st_assert_eq_str(str(child(child(rm, "addr.city"), "lower_bound"), 0), "Oslo");
    st_assert_eq_i64(i64(child(child(rm, "addr.zip"), "upper_bound"), 0), 150);
    const st_vector *price = child(rm, "price");
    st_assert_eq_i64(price->children[4]->type->id, ST_TYPE_DOUBLE);
    st_assert(st_vector_get_f64(child(price, "lower_bound"), 0) == 2.5);
    st_assert_eq_i64(i64(child(price, "nan_value_count"), 0), 0);
    /* list elements: counts, and bounds only where the writer keeps them */
    st_assert_eq_i64(child(child(rm, "tags.element"), "upper_bound")->type->id, ST_TYPE_STRING);
    got_free(&g);

    g = mt_get(t, "partitions", -1);
    st_assert_eq_str(names(g.schema),
                     "record_count,file_count,total_data_file_size_in_bytes,"
                     "position_delete_record_count,position_delete_file_count,"
                     "equality_delete_record_count,equality_delete_file_count,last_updated_at,"
                     "last_updated_snapshot_id");
    st_assert_eq_i64(g.rows, 1);
    st_assert_eq_i64(i64(col(&g, "record_count"), 0), 1);
    st_assert_eq_i64(i64(col(&g, "file_count"), 0), 1);
    st_assert_eq_i64(i64(col(&g, "last_updated_snapshot_id"), 0), st_table_current_snapshot_id(t));
    got_free(&g);
    st_table_free(t);
    st_catalog_free(c);
}

/* ------------------------------------------------ entries, partitions */

void test_scan_meta_tables__entries_after_a_delete(void)
{
    st_catalog *c = tt_catalog();
    st_table *t = tt_create(c, "db.t", "id long, cat string", "cat", NULL, 2);
    int64_t a = tt_append(t, 1, 4);
    st_txn *x;
    int64_t d;
    st_pass(st_table_begin(&x, t));
    st_pass(st_txn_delete_where(x, "cat = 's2'"));
    st_pass(st_txn_commit(x, &d));
    st_txn_free(x);

    got g = mt_get(t, "entries", -1);
    st_assert_eq_str(names(g.schema), "status,snapshot_id,sequence_number,file_sequence_number,"
                                      "data_file,readable_metrics");
    st_assert_eq_i64(g.rows, 3);
    int deleted = 0;
    for (int64_t r = 0; r < g.rows; r++) {
        const st_vector *df = col(&g, "data_file");
        int64_t status = i64(col(&g, "status"), r);
        st_assert_eq_i64(i64(col(&g, "sequence_number"), r), 1);
        st_assert_eq_i64(i64(col(&g, "file_sequence_number"), r), 1);
        st_assert_eq_i64(i64(child(df, "record_count"), r), 1);
        st_assert(strstr(str(child(df, "file_path"), r), ".parquet") != NULL);
        if (status == 2) {
            deleted++;
            st_assert_eq_i64(i64(col(&g, "snapshot_id"), r), d);
            st_assert_eq_str(str(child(child(df, "partition"), "cat"), r), "s2");
        } else {
            st_assert_eq_i64(status, 0);
            st_assert_eq_i64(i64(col(&g, "snapshot_id"), r), a);
        }
        st_assert_eq_i64(i64(child(child(col(&g, "readable_metrics"), "id"), "value_count"), r),
                         1);
    }
    st_assert_eq_i64(deleted, 1);
    got_free(&g);

    /* the live files leave the deleted one out */
    g = mt_get(t, "files", -1);
    st_assert_eq_i64(g.rows, 2);
    got_free(&g);

    g = mt_get(t, "partitions", -1);
    st_assert_eq_str(names(g.schema),
                     "partition,spec_id,record_count,file_count,total_data_file_size_in_bytes,"
                     "position_delete_record_count,position_delete_file_count,"
                     "equality_delete_record_count,equality_delete_file_count,last_updated_at,"
                     "last_updated_snapshot_id");
    st_assert_eq_i64(g.rows, 2);
    for (int64_t r = 0; r < g.rows; r++) {
        const char *cat = str(child(col(&g, "partition"), "cat"), r);
        st_assert(strcmp(cat, "s1") == 0 || strcmp(cat, "s3") == 0);
        st_assert_eq_i64(i64(col(&g, "record_count"), r), 1);
        st_assert_eq_i64(i64(col(&g, "file_count"), r), 1);
        st_assert_eq_i64(i64(col(&g, "last_updated_snapshot_id"), r), a);
        st_snapshot_info si;
        st_pass(st_table_snapshot_by_id(t, a, &si));
        st_assert_eq_i64(i64(col(&g, "last_updated_at"), r), si.timestamp_ms * 1000);
    }
    got_free(&g);
    st_table_free(t);
    st_catalog_free(c);
}

void test_scan_meta_tables__partitions_across_specs(void)
{
    st_catalog *c = tt_catalog();
    int64_t s1, s2;
    st_table *t = evolved(c, &s1, &s2);
    tt_append(t, 1, 2);   /* cat s1 again, now with a bucket: another partition */
    got g = mt_get(t, "partitions", -1);
    st_assert_eq_i64(g.rows, 6);
    st_assert_eq_i64(sum(&g, "record_count"), 6);
    st_assert_eq_i64(sum(&g, "file_count"), 6);
    const st_vector *p = col(&g, "partition");
    int old = 0;
    for (int64_t r = 0; r < g.rows; r++)
        if (is_null(p->children[1], r)) {
            old++;
            st_assert_eq_i64(i64(col(&g, "spec_id"), r), 0);
            st_assert_eq_i64(i64(col(&g, "last_updated_snapshot_id"), r), s1);
        } else {
            st_assert_eq_i64(i64(col(&g, "spec_id"), r), 1);
        }
    st_assert_eq_i64(old, 3);
    got_free(&g);
    st_table_free(t);
    st_catalog_free(c);
}

/* -------------------------------------------------- empty, bad input */

void test_scan_meta_tables__empty_table(void)
{
    static const char *const all[] = {"snapshots", "history", "refs", "manifests", "entries",
                                      "files", "data_files", "delete_files", "partitions"};
    st_catalog *c = tt_catalog();
    st_table *t = tt_create(c, "db.t", "id long", "bucket(2, id)", NULL, 2);
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
        got g = mt_get(t, all[i], -1);
        st_assert_msg(g.rows == 0, "%s has rows", all[i]);
        st_assert(g.schema->n_fields > 0);
        got_free(&g);
    }
    got g = mt_get(t, "metadata_log_entries", -1);
    st_assert_eq_i64(g.rows, 1);
    got_free(&g);
    st_table_free(t);
    st_catalog_free(c);
}

void test_scan_meta_tables__bad_names_and_snapshots(void)
{
    st_catalog *c = tt_catalog();
    st_table *t = tt_create(c, "db.t", "id long", NULL, NULL, 2);
    st_batch_reader *r = (st_batch_reader *)1;
    tt_append(t, 0, 1);
    st_fail_with(ST_ENOTFOUND, st_table_metadata_scan(&r, t, "nosuch", -1));
    st_assert(r == NULL);
    st_assert_contains(st_error_last()->message, "nosuch");
    st_assert_contains(st_error_last()->message, "snapshots, history");
    st_fail_with(ST_ENOTFOUND, st_table_metadata_scan(&r, t, "", -1));
    st_fail_with(ST_ENOTFOUND, st_table_metadata_scan(&r, t, NULL, -1));
    st_fail_with(ST_ENOTFOUND, st_table_metadata_scan(&r, t, "files", 12345));
    st_assert_contains(st_error_last()->message, "12345");
    st_fail_with(ST_ENOTFOUND, st_table_metadata_scan(&r, t, "partitions", 1));
    /* names are matched without regard to case, as Spark does */
    got g = mt_get(t, "FILES", -1);
    st_assert_eq_i64(g.rows, 1);
    got_free(&g);
    st_table_free(t);
    st_catalog_free(c);
}

void test_scan_meta_tables__missing_manifest(void)
{
    st_catalog *c = tt_catalog();
    st_table *t = tt_create(c, "db.t", "id long", NULL, NULL, 2);
    st_batch_reader *r = NULL;
    tt_append(t, 0, 1);
    got g = mt_get(t, "manifests", -1);
    char path[4096];
    snprintf(path, sizeof path, "%s", str(col(&g, "path"), 0));
    got_free(&g);
    st_assert_eq_i64(remove(path), 0);
    int rc = st_table_metadata_scan(&r, t, "files", -1);
    st_assert(rc == ST_EIO || rc == ST_ENOTFOUND);
    st_assert(r == NULL);
    st_assert_contains(st_error_last()->message, "m0.avro");
    /* the state tables need no manifest */
    g = mt_get(t, "snapshots", -1);
    st_assert_eq_i64(g.rows, 1);
    got_free(&g);
    st_table_free(t);
    st_catalog_free(c);
}

/* ---------------------------------------------------- Spark's bunnies */

static st_table *bunnies(void)
{
    char map[8192];
    const char *dir = st_test_resource("iceberg-fixtures/icebird-spark-bunnies");
    snprintf(map, sizeof map, "s3a://hyperparam-iceberg/spark/bunnies=%s", dir);
    const char *lm[] = {map, NULL};
    st_table_open_options o = ST_TABLE_OPEN_OPTIONS_INIT;
    o.location_map = lm;
    st_table *t;
    st_pass(st_table_open_path(&t, dir, &o));
    return t;
}

void test_scan_meta_tables__spark_fixture_files(void)
{
    st_table *t = bunnies();
    got g = mt_get(t, "files", -1);
    /* the rewritten data file and the still-listed position-delete file */
    st_assert_eq_i64(g.rows, 2);
    st_assert(st_type_field_index(g.schema, "partition") < 0);
    int64_t rd = find_row(&g, "content", 0), rp = find_row(&g, "content", 1);
    st_assert(rd >= 0 && rp >= 0);
    st_assert_eq_i64(i64(col(&g, "record_count"), rd), 20);
    st_assert_eq_i64(i64(col(&g, "record_count"), rp), 1);
    st_assert_contains(str(col(&g, "file_path"), rd),
                       "s3a://hyperparam-iceberg/spark/bunnies/data/00000-1-6cd7611f");
    st_assert_contains(str(col(&g, "file_path"), rp), "-deletes.parquet");
    st_assert_eq_str(str(col(&g, "file_format"), rd), "PARQUET");
    st_assert_eq_i64(i64(col(&g, "spec_id"), rd), 0);
    /* readable metrics of the columns with spaces in their names */
    const st_vector *rm = col(&g, "readable_metrics");
    st_assert_eq_i64(rm->type->n_fields, 9);
    st_assert_eq_str(rm->type->fields[0].name, "Average Weight");
    const st_vector *breed = child(rm, "Breed Name");
    st_assert_eq_i64(i64(child(breed, "value_count"), rd), 20);
    st_assert(!is_null(child(breed, "lower_bound"), rd));
    st_assert_eq_i64(child(child(rm, "breed_name_length"), "lower_bound")->type->id, ST_TYPE_INT);
    st_assert(is_null(child(breed, "lower_bound"), rp));
    got_free(&g);

    g = mt_get(t, "delete_files", -1);
    st_assert_eq_i64(g.rows, 1);
    st_assert_eq_i64(i64(col(&g, "content"), 0), 1);
    got_free(&g);
    g = mt_get(t, "data_files", -1);
    st_assert_eq_i64(g.rows, 1);
    got_free(&g);
    /* the first snapshot: the original 21-row file */
    g = mt_get(t, "files", 7505300640432048841LL);
    st_assert_eq_i64(g.rows, 1);
    st_assert_eq_i64(i64(col(&g, "record_count"), 0), 21);
    got_free(&g);

    g = mt_get(t, "partitions", -1);
    st_assert_eq_i64(g.rows, 1);
    st_assert_eq_i64(i64(col(&g, "record_count"), 0), 20);
    st_assert_eq_i64(i64(col(&g, "file_count"), 0), 1);
    st_assert_eq_i64(i64(col(&g, "position_delete_file_count"), 0), 1);
    st_assert_eq_i64(i64(col(&g, "position_delete_record_count"), 0), 1);
    st_assert_eq_i64(i64(col(&g, "last_updated_snapshot_id"), 0), 2701171901096418979LL);
    got_free(&g);

    g = mt_get(t, "manifests", -1);
    int64_t rdel = find_row(&g, "content", 1);
    st_assert(rdel >= 0);
    st_assert_eq_i64(i64(col(&g, "added_delete_files_count"), rdel), 1);
    st_assert_eq_i64(i64(col(&g, "added_data_files_count"), rdel), 0);
    st_assert_eq_i64(i64(col(&g, "added_snapshot_id"), rdel), 469881615898633426LL);
    got_free(&g);

    g = mt_get(t, "entries", -1);
    int64_t rdead = find_row(&g, "status", 2);
    st_assert(rdead >= 0);
    st_assert_eq_i64(i64(col(&g, "sequence_number"), rdead), 1);
    st_assert_eq_i64(i64(col(&g, "file_sequence_number"), rdead), 1);
    got_free(&g);
    st_table_free(t);
}

void test_scan_meta_tables__spark_fixture_snapshots(void)
{
    st_table *t = bunnies();
    got g = mt_get(t, "snapshots", -1);
    st_assert_eq_i64(g.rows, 3);
    int64_t ids[3] = {7505300640432048841LL, 469881615898633426LL, 2701171901096418979LL};
    const char *ops[3] = {"append", "overwrite", "overwrite"};
    for (int r = 0; r < 3; r++) {
        st_assert_eq_i64(i64(col(&g, "snapshot_id"), r), ids[r]);
        st_assert_eq_str(str(col(&g, "operation"), r), ops[r]);
        st_assert(map_get(col(&g, "summary"), r, "spark.app.id") != NULL);
        st_assert_contains(str(col(&g, "manifest_list"), r), "s3a://hyperparam-iceberg/");
    }
    st_assert_eq_str(map_get(col(&g, "summary"), 2, "total-delete-files"), "1");
    got_free(&g);

    g = mt_get(t, "history", -1);
    st_assert_eq_i64(g.rows, 3);
    for (int r = 0; r < 3; r++)
        st_assert_eq_i64(st_vector_get_bool(col(&g, "is_current_ancestor"), r), 1);
    got_free(&g);

    g = mt_get(t, "metadata_log_entries", -1);
    st_assert_eq_i64(g.rows, 5);
    st_assert_contains(str(col(&g, "file"), 4), "v5.metadata.json");
    st_assert_eq_i64(i64(col(&g, "latest_snapshot_id"), 4), ids[2]);
    st_assert_eq_i64(i64(col(&g, "latest_schema_id"), 4), 1);
    st_assert_eq_i64(i64(col(&g, "latest_sequence_number"), 4), 3);
    got_free(&g);
    st_table_free(t);
}

/* ------------------------------------------------ allocation failures */

void test_scan_meta_tables__alloc_failures(void)
{
    static const char *const all[] = {"snapshots", "history", "metadata_log_entries", "refs",
                                      "manifests", "entries", "files", "partitions"};
    st_catalog *c = tt_catalog();
    int64_t s1, s2;
    st_table *t = evolved(c, &s1, &s2);
    for (size_t k = 0; k < sizeof all / sizeof all[0]; k++) {
        long n;
        for (n = 0;; n++) {
            st_batch_reader *r = NULL;
            st_assert_msg(n < 100000, "the allocation sweep does not end");
            st_alloc_fail_after(n);
            int rc = st_table_metadata_scan(&r, t, all[k], -1);
            long done = st_alloc_fail_after(-1);
            if (rc == 0) {
                st_assert(r != NULL);
                st_batch_reader_free(r);
                if (done <= n)
                    break;
                continue;
            }
            st_assert(r == NULL);
            st_assert_msg(rc == ST_ENOMEM, "%s: failing allocation %ld gave %d (%s)", all[k], n,
                          rc, st_error_last()->message);
        }
        st_assert(n > 5);
    }
    st_table_free(t);
    st_catalog_free(c);
}

void test_scan_meta_tables__v1_dropped_partition_field(void)
{
    /* a v1 table drops a partition field by making it void: the union keeps
     * the field with its real type, and the old files' values */
    st_catalog *c = tt_catalog();
    st_table *t = tt_create(c, "db.v1", "id long, cat string", "cat", NULL, 1);
    st_txn *x;
    tt_append(t, 1, 3);
    st_pass(st_table_begin(&x, t));
    st_pass(st_txn_drop_partition_field(x, "cat"));
    st_pass(st_txn_add_partition_field(x, "bucket(2, id)"));
    st_pass(st_txn_commit(x, NULL));
    st_txn_free(x);
    tt_append(t, 3, 4);
    got g = mt_get(t, "files", -1);
    const st_type *pt = g.schema->fields[4].type;
    st_assert_eq_str(g.schema->fields[4].name, "partition");
    st_assert_eq_i64(pt->n_fields, 2);
    st_assert_eq_i64(pt->fields[0].id, 1000);
    st_assert_eq_i64(pt->fields[0].type->id, ST_TYPE_STRING);
    st_assert_eq_i64(pt->fields[1].type->id, ST_TYPE_INT);
    st_assert_eq_i64(g.rows, 3);
    const st_vector *p = col(&g, "partition");
    int with_cat = 0;
    for (int64_t r = 0; r < g.rows; r++) {
        if (!is_null(p->children[0], r)) {
            with_cat++;
            st_assert(is_null(p->children[1], r));
        } else {
            st_assert(!is_null(p->children[1], r));
        }
    }
    st_assert_eq_i64(with_cat, 2);
    got_free(&g);
    /* v1 manifests: sequence numbers are 0 */
    g = mt_get(t, "entries", -1);
    for (int64_t r = 0; r < g.rows; r++)
        st_assert_eq_i64(i64(col(&g, "sequence_number"), r), 0);
    got_free(&g);
    g = mt_get(t, "partitions", -1);
    st_assert_eq_i64(g.rows, 3);
    got_free(&g);
    g = mt_get(t, "manifests", -1);
    st_assert(g.rows >= 2);
    got_free(&g);
    st_table_free(t);
    st_catalog_free(c);
}
