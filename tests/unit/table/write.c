/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The data writer through transactions: partitioning by every transform,
 * rolling files at the target size, sorting, and batches that do not fit.
 */
#include "table_helpers.h"

static void write_rows(st_table *t, const int64_t *ids, int n)
{
    st_batch *b = tt_longs(st_table_schema(t), ids, n);
    st_txn *x;
    st_pass(st_table_begin(&x, t));
    st_pass(st_txn_write(x, b));
    st_pass(st_txn_commit(x, NULL));
    st_txn_free(x);
    st_batch_free(b);
}

/* The distinct partition texts of the live files, sorted, joined by ';'. */
static void partitions(st_table *t, char *out, size_t cap)
{
    st_file_info *f;
    size_t n;
    st_pass(st_table_files(t, -1, &f, &n));
    const char *p[256];
    size_t k = 0;
    for (size_t i = 0; i < n && k < 256; i++) {
        int dup = 0;
        for (size_t j = 0; j < k; j++)
            dup |= strcmp(p[j], f[i].partition) == 0;
        if (!dup)
            p[k++] = f[i].partition;
    }
    for (size_t i = 1; i < k; i++)
        for (size_t j = i; j > 0 && strcmp(p[j - 1], p[j]) > 0; j--) {
            const char *tmp = p[j];
            p[j] = p[j - 1];
            p[j - 1] = tmp;
        }
    out[0] = 0;
    for (size_t i = 0; i < k; i++) {
        strncat(out, p[i], cap - strlen(out) - 2);
        if (i + 1 < k)
            strcat(out, ";");
    }
    st_file_infos_free(f, n);
}

static void check_transform(const char *schema, const char *spec, const int64_t *ids, int n,
                            const char *want)
{
    st_catalog *c = tt_catalog();
    st_table *t = tt_create(c, "db.t", schema, spec, NULL, 2);
    write_rows(t, ids, n);
    char got[4096];
    partitions(t, got, sizeof got);
    st_assert_msg(strcmp(got, want) == 0, "%s: partitions '%s', expected '%s'", spec, got, want);
    st_assert_eq_i64(tt_rows(t), n);
    st_table_free(t);
    st_catalog_free(c);
}

void test_table_write__identity(void)
{
    int64_t ids[] = {3, 1, 3, 2};
    check_transform("id long", "id", ids, 4, "id=1;id=2;id=3");
    int64_t s[] = {1, 2};
    check_transform("name string", "identity(name)", s, 2, "name=s1;name=s2");
}

void test_table_write__bucket(void)
{
    /* the spec's fixture check: bucket[4] of ints 1, 2, 3, 4 = 0, 0, 3, 2 */
    int64_t ids[] = {1, 2, 3, 4};
    check_transform("id int", "bucket(4, id)", ids, 4, "id_bucket=0;id_bucket=2;id_bucket=3");
}

void test_table_write__truncate(void)
{
    int64_t ids[] = {-1, 5, 15, 19};
    check_transform("id long", "truncate(10, id)", ids, 4, "id_trunc=-10;id_trunc=0;id_trunc=10");
}

void test_table_write__dates(void)
{
    /* days since 1970: -1 = 1969-12-31, 0, 31 = 1970-02-01, 365 = 1971-01-01 */
    int64_t d[] = {-1, 0, 31, 365};
    check_transform("d date", "day(d)", d, 4,
                    "d_day=1969-12-31;d_day=1970-01-01;d_day=1970-02-01;d_day=1971-01-01");
    check_transform("d date", "month(d)", d, 4,
                    "d_month=1969-12;d_month=1970-01;d_month=1970-02;d_month=1971-01");
    check_transform("d date", "year(d)", d, 4, "d_year=1969;d_year=1970;d_year=1971");
}

void test_table_write__hours(void)
{
    /* microseconds: -1 µs is 1969-12-31-23 */
    int64_t ts[] = {-1, 0, 3600000000LL, 86400000000LL};
    check_transform("ts timestamp", "hour(ts)", ts, 4,
                    "ts_hour=1969-12-31-23;ts_hour=1970-01-01-00;ts_hour=1970-01-01-01;"
                    "ts_hour=1970-01-02-00");
}

void test_table_write__void_and_multiple(void)
{
    int64_t ids[] = {1, 2, 11};
    check_transform("id long", "void(id)", ids, 3, "id_null=null");
    check_transform("id long", "truncate(10, id), bucket(2, id)", ids, 3,
                    "id_trunc=0/id_bucket=0;id_trunc=10/id_bucket=1");
}

void test_table_write__rolls_files_at_target_size(void)
{
    st_catalog *c = tt_catalog();
    st_table *t = tt_create(c, "db.t", "id long, name string", NULL, NULL, 2);
    st_txn *x;
    st_pass(st_table_begin(&x, t));
    st_pass(st_txn_set_property(x, "write.target-file-size-bytes", "20000"));
    st_pass(st_txn_set_property(x, "write.parquet.row-group-size-bytes", "8000"));
    st_pass(st_txn_commit(x, NULL));
    st_txn_free(x);
    int64_t ids[2000];
    for (int i = 0; i < 2000; i++)
        ids[i] = i * 7919 % 100003;
    st_batch *b = tt_longs(st_table_schema(t), ids, 2000);
    st_pass(st_table_begin(&x, t));
    for (int i = 0; i < 20; i++)
        st_pass(st_txn_write(x, b));
    st_pass(st_txn_commit(x, NULL));
    st_txn_free(x);
    st_assert_msg(tt_nfiles(t) >= 3, "%zu files", tt_nfiles(t));
    st_assert_eq_i64(tt_rows(t), 40000);
    st_batch_free(b);
    st_table_free(t);
    st_catalog_free(c);
}

void test_table_write__sorted_files(void)
{
    st_catalog *c = tt_catalog();
    /* two buckets, so each file holds several ids that must come out sorted */
    st_table *t = tt_create(c, "db.t", "id long, part int", "bucket(2, id)", "id desc", 2);
    int64_t ids[] = {5, 1, 9, 3, 7, 2, 8, 4, 6, 10, 12, 11};
    st_batch *b = tt_longs(st_table_schema(t), ids, 12);
    st_txn *x;
    st_pass(st_table_begin(&x, t));
    st_pass(st_txn_write(x, b));
    st_pass(st_txn_write(x, b));
    st_pass(st_txn_commit(x, NULL));
    st_txn_free(x);
    st_file_info *f;
    size_t n;
    st_pass(st_table_files(t, -1, &f, &n));
    st_assert_eq_i64(n, 2);
    for (size_t i = 0; i < n; i++) {
        st_parquet_reader *r;
        st_pass(st_parquet_reader_open(&r, f[i].path, NULL));
        int64_t prev = INT64_MAX, distinct = 0;
        for (int g = 0; g < st_parquet_reader_num_row_groups(r); g++) {
            st_batch *rg;
            st_pass(st_parquet_reader_read_row_group(&rg, r, g));
            for (int64_t k = 0; k < rg->length; k++) {
                int64_t v = st_vector_get_i64(rg->columns[0], k);
                st_assert_msg(v <= prev, "%s: %lld after %lld", f[i].path, (long long)v,
                              (long long)prev);
                distinct += v != prev;
                prev = v;
            }
            st_batch_free(rg);
        }
        st_assert_msg(distinct > 2, "%s holds %lld distinct ids", f[i].path, (long long)distinct);
        st_parquet_reader_free(r);
    }
    st_file_infos_free(f, n);
    st_assert_eq_i64(tt_rows(t), 24);
    st_batch_free(b);
    st_table_free(t);
    st_catalog_free(c);
}

void test_table_write__batches_that_do_not_fit(void)
{
    st_catalog *c = tt_catalog();
    st_table *t = tt_create(c, "db.t", "id long not null, name string, score double", NULL,
                            NULL, 2);
    st_txn *x;
    st_type *s;
    st_batch *b;
    /* by name, reordered, a missing optional column, int widened to long */
    st_pass(st_schema_parse(&s, "name string, id int"));
    int64_t ids[] = {1, 2};
    b = tt_longs(s, ids, 2);
    st_pass(st_table_begin(&x, t));
    st_pass(st_txn_write(x, b));
    st_pass(st_txn_commit(x, NULL));
    st_txn_free(x);
    st_batch_free(b);
    st_type_free(s);
    st_assert_eq_i64(tt_rows(t), 2);

    /* wrong type */
    st_pass(st_schema_parse(&s, "id string"));
    b = tt_longs(s, ids, 2);
    st_pass(st_table_begin(&x, t));
    st_fail_with(ST_EINVALID, st_txn_write(x, b));
    st_assert_contains(st_error_last()->message, "column 'id'");
    st_fail_with(ST_EINVALID, st_txn_commit(x, NULL));
    st_txn_free(x);
    st_batch_free(b);
    st_type_free(s);
    /* an unknown column, a missing required column */
    st_pass(st_schema_parse(&s, "id long, extra long"));
    b = tt_longs(s, ids, 2);
    st_pass(st_table_begin(&x, t));
    st_fail_with(ST_EINVALID, st_txn_write(x, b));
    st_assert_contains(st_error_last()->message, "'extra'");
    st_txn_free(x);
    st_batch_free(b);
    st_type_free(s);
    st_pass(st_schema_parse(&s, "name string"));
    b = tt_longs(s, ids, 2);
    st_pass(st_table_begin(&x, t));
    st_fail_with(ST_EINVALID, st_txn_write(x, b));
    st_assert_contains(st_error_last()->message, "required");
    st_txn_free(x);
    st_batch_free(b);
    st_type_free(s);
    st_assert_eq_i64(tt_rows(t), 2);
    st_table_free(t);
    st_catalog_free(c);
}
