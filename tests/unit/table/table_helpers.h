/* SPDX-License-Identifier: Apache-2.0 */
/* Shared fixtures of the table tests: a catalog in the test's temp folder, small
 * batches, counting files and snapshots. */
#ifndef ST_TEST_TABLE_HELPERS_H
#define ST_TEST_TABLE_HELPERS_H

#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <supertable/catalog.h>
#include <supertable/errors.h>
#include <supertable/parquet.h>
#include <supertable/sys/alloc.h>
#include <supertable/table.h>

#include "st_test.h"

/* A SQLite catalog in a fresh warehouse under the test's temp folder, with namespace "db". */
static inline st_catalog *tt_catalog(void)
{
    static int seq;
    char uri[4096], wh[64], db[64];
    st_catalog *c;
    st_catalog_options o = ST_CATALOG_OPTIONS_INIT;
    /* a fresh catalog per call: a test may make several */
    seq++;
    snprintf(wh, sizeof wh, "wh%d", seq);
    snprintf(db, sizeof db, "catalog%d.db", seq);
    o.warehouse = st_test_path(wh);
    snprintf(uri, sizeof uri, "sqlite://%s", st_test_path(db));
    st_pass(st_catalog_open(&c, uri, &o));
    st_pass(st_catalog_create_namespace(c, "db", NULL, 0));
    return c;
}

static inline st_table *tt_create(st_catalog *c, const char *name, const char *schema,
                                  const char *partition_by, const char *sort_by,
                                  int format_version)
{
    st_type *s;
    st_table *t;
    st_pass(st_schema_parse(&s, schema));
    st_table_create_options o = ST_TABLE_CREATE_OPTIONS_INIT;
    o.schema = s;
    o.partition_by = partition_by;
    o.sort_by = sort_by;
    o.format_version = format_version;
    st_pass(st_catalog_create_table(&t, c, name, &o));
    st_type_free(s);
    return t;
}

/* A batch of the table's schema "id long, ..." from rows of longs (NULLs via ids < 0? no:
 * every column gets the row's value, converted for its type where simple). */
static inline st_batch *tt_longs(st_type *schema, const int64_t *ids, int n)
{
    st_batch *b;
    st_pass(st_batch_new(&b, schema, n));
    for (int i = 0; i < n; i++)
        for (int c = 0; c < b->n_columns; c++) {
            st_vector *v = b->columns[c];
            switch (v->type->id) {
            case ST_TYPE_INT:
            case ST_TYPE_DATE: st_pass(st_vector_append_i32(v, (int32_t)ids[i])); break;
            case ST_TYPE_STRING: {
                char buf[32];
                int len = snprintf(buf, sizeof buf, "s%lld", (long long)ids[i]);
                st_pass(st_vector_append_bytes(v, buf, (size_t)len));
                break;
            }
            case ST_TYPE_DOUBLE: st_pass(st_vector_append_f64(v, (double)ids[i])); break;
            default: st_pass(st_vector_append_i64(v, ids[i])); break;
            }
        }
    st_pass(st_batch_seal(b));
    return b;
}

/* Appends rows [from, to) of "id" values in one transaction; returns the snapshot id. */
static inline int64_t tt_append(st_table *t, int64_t from, int64_t to)
{
    int n = (int)(to - from);
    int64_t *ids = malloc(sizeof(int64_t) * (size_t)(n ? n : 1));
    for (int i = 0; i < n; i++)
        ids[i] = from + i;
    st_batch *b = tt_longs(st_table_schema(t), ids, n);
    st_txn *x;
    int64_t sid;
    st_pass(st_table_begin(&x, t));
    st_pass(st_txn_write(x, b));
    st_pass(st_txn_commit(x, &sid));
    st_txn_free(x);
    st_batch_free(b);
    free(ids);
    return sid;
}

/* Sum of record counts of the live files of the current snapshot. */
static inline int64_t tt_rows(const st_table *t)
{
    st_file_info *f;
    size_t n;
    int64_t rows = 0;
    st_pass(st_table_files(t, -1, &f, &n));
    for (size_t i = 0; i < n; i++)
        rows += f[i].record_count;
    st_file_infos_free(f, n);
    return rows;
}

static inline size_t tt_nfiles(const st_table *t)
{
    st_file_info *f;
    size_t n;
    st_pass(st_table_files(t, -1, &f, &n));
    st_file_infos_free(f, n);
    return n;
}

static inline const char *tt_summary(const st_snapshot_info *s, const char *key)
{
    for (size_t i = 0; i < s->n_summary; i++)
        if (strcmp(s->summary[i].key, key) == 0)
            return s->summary[i].value;
    return NULL;
}

/* Files (recursively) under a folder whose name ends with `suffix`. */
static inline int tt_count_files(const char *dir, const char *suffix)
{
    DIR *d = opendir(dir);
    int n = 0;
    struct dirent *e;
    if (!d)
        return 0;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        char p[8192];
        if ((size_t)snprintf(p, sizeof p, "%s/%s", dir, e->d_name) >= sizeof p)
            continue;
        struct stat st;
        if (stat(p, &st) != 0)
            continue;
        if (S_ISDIR(st.st_mode)) {
            n += tt_count_files(p, suffix);
        } else {
            size_t a = strlen(e->d_name), b = strlen(suffix);
            n += a >= b && strcmp(e->d_name + a - b, suffix) == 0;
        }
    }
    closedir(d);
    return n;
}

#endif
