/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Manifests and manifest lists: the vendored files written by Java, Spark,
 * PyIceberg and Athena (values checked with tools/avro-dump.py), our files
 * against Java's schemas byte for byte, round trips of v1/v2/v3 with every
 * partition type, corrupt input and allocation failures.
 */
#include <math.h>
#include <unistd.h>

#include "st_test.h"
#include "avro/avro_file.h"
#include "spec/spec.h"
#include "util/alloc.h"

#define FIX "iceberg-fixtures/"

static const st_manifest_file *find_mf(const st_manifest_list *l, const char *suffix)
{
    for (int i = 0; i < l->n_files; i++) {
        size_t a = strlen(l->files[i].manifest_path), b = strlen(suffix);
        if (a >= b && !strcmp(l->files[i].manifest_path + a - b, suffix))
            return &l->files[i];
    }
    st_assert_msg(0, "no manifest ending in %s", suffix);
    return NULL;
}

static const st_column_stats *find_stat(const st_data_file *f, int32_t id)
{
    for (int i = 0; i < f->n_stats; i++)
        if (f->stats[i].field_id == id)
            return &f->stats[i];
    return NULL;
}

/* ============================================================ fixtures */

void test_spec_manifest__spark_v2_deleted_entries(void)
{
    st_manifest_list *l;
    st_manifest *m;
    st_pass(st_manifest_list_read(&l, st_test_resource(FIX "spark-v2-lineitem-sf001/metadata/"
        "snap-2354745328521181395-1-179b4fb1-0366-4f7d-ad35-99ee8da0abf5.avro")));
    st_assert_eq_i64(l->n_files, 2);
    /* this writer named 504-506 added_data_files_count etc.: found by id */
    const st_manifest_file *m1 = &l->files[0], *m0 = &l->files[1];
    st_assert_eq_str(m1->manifest_path,
                     "lineitem_iceberg/metadata/179b4fb1-0366-4f7d-ad35-99ee8da0abf5-m1.avro");
    st_assert_eq_i64(m1->manifest_length, 7863);
    st_assert_eq_i64(m1->sequence_number, 2);
    st_assert_eq_i64(m1->min_sequence_number, 2);
    st_assert_eq_i64(m1->added_snapshot_id, 2354745328521181395LL);
    st_assert_eq_i64(m1->added_files_count, 1);
    st_assert_eq_i64(m1->added_rows_count, 51793);
    st_assert_eq_i64(m0->deleted_files_count, 1);
    st_assert_eq_i64(m0->deleted_rows_count, 60175);
    st_assert_eq_i64(m0->n_partitions, 0);
    st_assert_eq_i64(m0->first_row_id, ST_NULL64);

    st_pass(st_manifest_read(&m, st_test_resource(FIX "spark-v2-lineitem-sf001/metadata/"
        "179b4fb1-0366-4f7d-ad35-99ee8da0abf5-m0.avro"), m0, NULL));
    st_assert_eq_i64(m->format_version, 2);
    st_assert_eq_i64(m->n_entries, 1);
    st_manifest_entry *e = &m->entries[0];
    st_assert_eq_i64(e->status, ST_ENTRY_DELETED);
    /* DELETED keeps its own sequence numbers (1), not the list's (2) */
    st_assert_eq_i64(e->sequence_number, 1);
    st_assert_eq_i64(e->file_sequence_number, 1);
    st_assert_eq_i64(e->snapshot_id, 2354745328521181395LL);
    st_assert_eq_str(e->file.file_path,
                     "lineitem_iceberg/data/00000-1-66fee7c2-c97c-4af9-963d-930afd99ace4-00001.parquet");
    st_assert_eq_i64(e->file.record_count, 60175);
    st_assert_eq_i64(e->file.file_size_in_bytes, 1406875);
    st_assert_eq_i64(e->file.n_stats, 16);
    st_assert_eq_i64(find_stat(&e->file, 1)->column_size, 88357);
    st_assert_eq_i64(find_stat(&e->file, 2)->column_size, 87334);
    for (int i = 1; i < e->file.n_stats; i++)
        st_assert(e->file.stats[i - 1].field_id < e->file.stats[i].field_id);
    st_manifest_free(m);

    /* the ADDED entry inherits the list's sequence number */
    st_pass(st_manifest_read(&m, st_test_resource(FIX "spark-v2-lineitem-sf001/metadata/"
        "179b4fb1-0366-4f7d-ad35-99ee8da0abf5-m1.avro"), m1, NULL));
    st_assert_eq_i64(m->entries[0].status, ST_ENTRY_ADDED);
    st_assert_eq_i64(m->entries[0].sequence_number, 2);
    st_assert_eq_i64(m->entries[0].file_sequence_number, 2);
    st_assert_eq_i64(m->entries[0].file.record_count, 51793);
    st_manifest_free(m);
    st_manifest_list_free(l);
}

void test_spec_manifest__spark_partitioned_bucket_and_date(void)
{
    st_manifest_list *l;
    st_manifest *m;
    st_pass(st_manifest_list_read(&l, st_test_resource(FIX "icebird-spark-rename-column/metadata/"
        "snap-5276958600260276572-1-abf62b15-903b-40b6-9e6b-26bcdceac9b3.avro")));
    st_assert_eq_i64(l->n_files, 1);
    const st_manifest_file *mf = &l->files[0];
    st_assert_eq_i64(mf->n_partitions, 2);
    st_assert_eq_i64(mf->partitions[0].contains_null, 0);
    st_assert_eq_i64(mf->partitions[0].contains_nan, 0);
    st_assert_eq_mem(mf->partitions[0].lower, "\0\0\0\0", 4);
    st_assert_eq_mem(mf->partitions[0].upper, "\3\0\0\0", 4);
    st_assert_eq_i64(mf->partitions[1].contains_null, 1);
    st_assert_eq_mem(mf->partitions[1].lower, "\x31\x4a\0\0", 4); /* 18993 */
    st_assert_eq_mem(mf->partitions[1].upper, "\x32\x4a\0\0", 4);

    st_pass(st_manifest_read(&m, st_test_resource(FIX "icebird-spark-rename-column/metadata/"
        "abf62b15-903b-40b6-9e6b-26bcdceac9b3-m0.avro"), mf, NULL));
    st_assert_eq_i64(m->n_entries, 3);
    st_assert_contains(m->partition_spec_json, "\"transform\":\"bucket[4]\"");
    const st_data_file *f0 = &m->entries[0].file, *f2 = &m->entries[2].file;
    st_assert_eq_i64(f0->n_partition, 2);
    st_assert_eq_i64(f0->partition[0].type, ST_TYPE_INT);
    st_assert_eq_i64(f0->partition[0].v.i32, 3);
    st_assert(f0->partition[1].is_null);
    st_assert_eq_i64(f0->partition[1].type, ST_TYPE_DATE);
    st_assert_eq_i64(f2->partition[0].v.i32, 0);
    st_assert_eq_i64(f2->partition[1].v.i32, 18993);
    st_assert_eq_i64(f2->record_count, 2);
    st_assert_eq_i64(find_stat(f0, 3)->null_count, 1);
    st_assert_eq_i64(find_stat(f0, 1)->lower_len, 4);
    st_assert_eq_mem(find_stat(f0, 1)->lower, "\3\0\0\0", 4);
    st_assert_eq_i64(find_stat(f0, 1)->nan_count, -1); /* an empty nan map */
    st_assert_eq_i64(m->entries[0].sequence_number, 1);
    st_manifest_free(m);
    st_manifest_list_free(l);
}

void test_spec_manifest__java_equality_deletes(void)
{
    st_manifest_list *l;
    st_manifest *m;
    st_pass(st_manifest_list_read(&l, st_test_resource(FIX "icebird-java-bunnies/metadata/"
        "snap-9158179788527662767-1-a01399a1-e864-4562-b921-c8cb56e6e4a9.avro")));
    st_assert_eq_i64(l->n_files, 4);
    const st_manifest_file *mf = find_mf(l, "a01399a1-e864-4562-b921-c8cb56e6e4a9-m1.avro");
    st_assert_eq_i64(mf->content, 1);
    st_assert_eq_i64(mf->sequence_number, 3);
    st_assert_eq_i64(mf->n_partitions, 0);
    st_assert(mf->key_metadata == NULL);
    st_pass(st_manifest_read(&m, st_test_resource(FIX "icebird-java-bunnies/metadata/"
        "a01399a1-e864-4562-b921-c8cb56e6e4a9-m1.avro"), mf, NULL));
    st_assert_eq_i64(m->content, ST_CONTENT_POSITION_DELETES); /* "deletes" */
    st_assert_eq_i64(m->schema_id, ST_NULL32); /* Java omits schema-id */
    st_assert_contains(m->schema_json, "\"Breed Name\"");
    st_assert_eq_str(m->partition_spec_json, "[]");
    const st_manifest_entry *e = &m->entries[0];
    st_assert_eq_i64(e->file.content, ST_CONTENT_EQUALITY_DELETES);
    st_assert_eq_i64(e->file.n_equality_ids, 1);
    st_assert_eq_i64(e->file.equality_ids[0], 1);
    st_assert_eq_i64(e->file.n_split_offsets, 1);
    st_assert_eq_i64(e->file.split_offsets[0], 4);
    st_assert_eq_i64(e->file.sort_order_id, 0);
    st_assert_eq_i64(e->sequence_number, 3);
    st_assert_eq_i64(e->file.n_stats, 9);
    st_assert_eq_i64(find_stat(&e->file, 2)->nan_count, 0);
    st_assert_eq_i64(find_stat(&e->file, 4)->nan_count, -1);
    st_assert_eq_mem(find_stat(&e->file, 1)->upper, "New Zealand", 11);
    st_assert(e->file.referenced_data_file == NULL);
    st_manifest_free(m);
    st_manifest_list_free(l);
}

void test_spec_manifest__pyiceberg_v1_null_counts(void)
{
    st_manifest_list *l;
    st_manifest *m;
    st_pass(st_manifest_list_read(&l, st_test_resource(FIX "pyiceberg-v1-sql-catalog/repro/"
        "merch_v1/metadata/snap-v1-null-counts.avro")));
    st_assert_eq_i64(l->n_files, 2);
    for (int i = 0; i < 2; i++) {
        const st_manifest_file *mf = &l->files[i];
        st_assert_eq_i64(mf->added_files_count, -1);
        st_assert_eq_i64(mf->existing_files_count, -1);
        st_assert_eq_i64(mf->deleted_rows_count, -1);
        st_assert_eq_i64(mf->sequence_number, 0);
        st_assert_eq_i64(mf->content, ST_CONTENT_DATA);
        st_assert_eq_i64(mf->added_snapshot_id, 5191822260710938731LL);
    }
    st_assert_eq_i64(l->files[1].manifest_length, 4163);
    /* m1: a v1 manifest written by PyIceberg (snapshot_id a plain long) */
    st_pass(st_manifest_read(&m, st_test_resource(FIX "pyiceberg-v1-sql-catalog/repro/merch_v1/"
        "metadata/ccab0b80-739e-4dc6-a95d-306d70e93d65-m1.avro"), &l->files[1], NULL));
    st_assert_eq_i64(m->format_version, 1);
    st_assert_eq_i64(m->n_entries, 2);
    st_assert_eq_i64(m->entries[0].status, ST_ENTRY_DELETED);
    st_assert_eq_i64(m->entries[0].snapshot_id, 381223374871251311LL);
    st_assert_eq_i64(m->entries[0].sequence_number, 0);
    st_assert_eq_i64(m->entries[0].file_sequence_number, 0);
    st_manifest_free(m);
    st_manifest_list_free(l);
}

void test_spec_manifest__identity_partition_types(void)
{
    static const struct {
        const char *path;
        st_type_id type;
    } cases[] = {
        {"partition_bigint/metadata/715c1cc2-5c99-4a8d-95b3-5b43e05ccc04-m0.avro", ST_TYPE_LONG},
        {"partition_binary/metadata/a207f5a3-bd9a-4ffa-97f6-2480538d6765-m0.avro", ST_TYPE_BINARY},
        {"partition_bool/metadata/3f284d0d-6487-49fa-84b0-25631b376ad3-m0.avro", ST_TYPE_BOOLEAN},
        {"partition_decimal_smallint/metadata/ce752613-c796-427e-89bc-1917b72e828c-m0.avro",
         ST_TYPE_DECIMAL},
        {"partition_decimal_hugeint/metadata/b4dfc09f-c94f-4d63-8ce3-f7d030bd44cb-m0.avro",
         ST_TYPE_DECIMAL},
        {"partition_float/metadata/e1a2fb23-87df-4e86-b168-6bf5f432a0a0-m0.avro", ST_TYPE_FLOAT},
        {"partition_integer/metadata/b1dda674-423f-4f23-b00d-92b608b07a38-m0.avro", ST_TYPE_INT},
        {"partition_time/default.db/partition_time/metadata/"
         "224ebe49-75fb-4286-a9b4-b8a560495896-m0.avro", ST_TYPE_TIME},
        {"partition_timestamp/default.db/partition_timestamp/metadata/"
         "6b55fc2b-ce03-407e-9585-336c4675e611-m0.avro", ST_TYPE_TIMESTAMP},
        {"partition_timestamptz/default.db/partition_timestamptz/metadata/"
         "cf619707-d8b6-44d1-b057-0af5e41c05bb-m0.avro", ST_TYPE_TIMESTAMPTZ},
        {"partition_fixed_length_binary/default.db/partition_fixed_length_binary/metadata/"
         "55c52414-6496-43a2-a515-8607f31f3c47-m0.avro", ST_TYPE_FIXED},
    };
    char rel[512];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        st_manifest *m;
        snprintf(rel, sizeof rel, FIX "v2-identity-partition-types/%s", cases[i].path);
        st_pass(st_manifest_read(&m, st_test_resource(rel), NULL, NULL));
        st_assert(m->n_entries >= 2);
        for (int k = 0; k < m->n_entries; k++) {
            st_assert_eq_i64(m->entries[k].file.n_partition, 1);
            st_assert_eq_i64(m->entries[k].file.partition[0].type, cases[i].type);
            /* without a manifest-list entry nothing is inherited */
            st_assert_eq_i64(m->entries[k].sequence_number, ST_NULL64);
        }
        if (i == 3) { /* decimal(3,2): 1.23 and 4.56 */
            st_assert_eq_i64(m->entries[0].file.partition[0].v.dec.lo, 123);
            st_assert_eq_i64(m->entries[0].file.partition[0].scale, 2);
            st_assert_eq_i64(m->entries[1].file.partition[0].v.dec.lo, 456);
        }
        if (i == 0)
            st_assert_eq_i64(m->entries[0].file.partition[0].v.i64, INT64_MAX);
        st_manifest_free(m);
    }
}

/* Every vendored manifest list and manifest reads, with inheritance from its list. */
void test_spec_manifest__every_fixture(void)
{
    static const char *lists[] = {
        "icebird-athena-example/metadata/snap-6838723292707092922-1-3d82674b-df1e-49b5-a7a9-05b61567065a.avro",
        "icebird-spark-bunnies/metadata/snap-2701171901096418979-1-91d5eea0-314d-4056-8818-59b825cbd38a.avro",
        "spark-v2-equality-deletes/warehouse/mydb/mytable/metadata/snap-1916084761853986166-1-61648895-78fc-44d6-bf55-298a7614c4f8.avro",
        "spark-v2-equality-deletes/warehouse/mydb/mytable_partitioned/metadata/snap-3138177759849079112-1-ff275eec-b23b-435f-a6a5-1ab7ce1c8749.avro",
        "spark-v1-gzip-metadata/metadata/snap-4468019210336628573-1-23f9dbea-1e7f-4694-a82c-dc3c9a94953e.avro",
        "v1-name-mapping/warehouse_1/mydb/t1/metadata/snap-2651609110244230974-1-0acbcf27-b372-4bd0-929f-a5865a59f3dd.avro",
        "spark-v1-deprecated-fields/default/legacy_v1/metadata/snap-2456114553637229296-1-d65f86b0-b799-467f-b1f4-9c697e4c4fc7.avro",
    };
    static const int n_files[] = {1, 3, 6, 5, 1, 2, 1};
    static const int n_entries[] = {1, 3, 6, 9, 1, 2, 2};
    for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++) {
        char rel[1100], dir[1100];
        st_manifest_list *l;
        int total = 0;
        snprintf(rel, sizeof rel, FIX "%s", lists[i]);
        st_pass(st_manifest_list_read(&l, st_test_resource(rel)));
        st_assert_eq_i64(l->n_files, n_files[i]);
        st_assert(snprintf(dir, sizeof dir, "%s", rel) < (int)sizeof dir);
        *strrchr(dir, '/') = 0;
        for (int k = 0; k < l->n_files; k++) {
            st_manifest *m;
            const char *base = strrchr(l->files[k].manifest_path, '/') + 1;
            st_assert(snprintf(rel, sizeof rel, "%s/%s", dir, base) < (int)sizeof rel);
            st_pass(st_manifest_read(&m, st_test_resource(rel), &l->files[k], NULL));
            for (int e = 0; e < m->n_entries; e++) {
                const st_manifest_entry *en = &m->entries[e];
                st_assert(en->snapshot_id != ST_NULL64);
                st_assert(en->sequence_number != ST_NULL64);
                st_assert(en->sequence_number <= l->files[k].sequence_number);
                if (en->status == ST_ENTRY_ADDED)
                    st_assert_eq_i64(en->sequence_number, l->files[k].sequence_number);
                st_assert_eq_i64(en->file.spec_id, l->files[k].partition_spec_id);
            }
            total += m->n_entries;
            st_manifest_free(m);
        }
        st_assert_eq_i64(total, n_entries[i]);
        st_manifest_list_free(l);
    }
}

/* ============================================================ Java's layout */

typedef struct header {
    st_avro_reader *r;
    uint8_t *data;
} header;

static void open_header(header *h, const char *path)
{
    size_t len;
    h->data = st_test_read_file(path, &len);
    st_pass(st_avro_reader_open(&h->r, h->data, len, path));
}

static void close_header(header *h)
{
    st_avro_reader_free(h->r);
    free(h->data);
}

/* Same keys in the same order; the listed keys with identical values. */
static void same_header(const char *ours, const char *java, const char *const *keys)
{
    header a, b;
    open_header(&a, ours);
    open_header(&b, java);
    st_assert_eq_i64(st_avro_reader_meta_count(a.r), st_avro_reader_meta_count(b.r));
    for (int i = 0; i < st_avro_reader_meta_count(a.r); i++)
        st_assert_eq_str(st_avro_reader_meta_key(a.r, i), st_avro_reader_meta_key(b.r, i));
    for (int i = 0; keys[i]; i++) {
        const char *x = st_avro_reader_meta(a.r, keys[i], NULL);
        const char *y = st_avro_reader_meta(b.r, keys[i], NULL);
        st_assert_msg((x == NULL) == (y == NULL), "key %s in one file only", keys[i]);
        if (x)
            st_assert_eq_str(x, y);
    }
    close_header(&a);
    close_header(&b);
}

static st_type *string_partition(int32_t id, const char *name)
{
    st_type *t;
    st_field f = {id, name, 0, st_type_primitive(ST_TYPE_STRING), NULL};
    st_pass(st_type_struct_new(&t, &f, 1));
    return t;
}

static void write_one(const char *path, const st_manifest_writer_options *o, st_value *part,
                      st_manifest_file *mf, st_arena *arena)
{
    st_manifest_writer *w;
    st_manifest_entry e;
    memset(&e, 0, sizeof e);
    e.status = ST_ENTRY_ADDED;
    e.snapshot_id = ST_NULL64;
    e.sequence_number = e.file_sequence_number = ST_NULL64;
    e.file.content = o->content == ST_CONTENT_DATA ? ST_CONTENT_DATA : ST_CONTENT_POSITION_DELETES;
    e.file.file_path = "s3://b/t/data/f.parquet";
    e.file.file_format = "PARQUET";
    e.file.partition = part;
    e.file.n_partition = part ? 1 : 0;
    e.file.record_count = 3;
    e.file.file_size_in_bytes = 100;
    e.file.sort_order_id = 0;
    e.file.first_row_id = e.file.content_offset = e.file.content_size_in_bytes = ST_NULL64;
    st_pass(st_manifest_writer_open(&w, path, o));
    st_pass(st_manifest_writer_add(w, &e));
    st_pass(st_manifest_writer_close(w, mf, arena));
}

void test_spec_manifest__schemas_match_java(void)
{
    static const char *const keys[] = {"avro.schema", "iceberg.schema", "partition-spec",
                                       "format-version", "partition-spec-id", "content", NULL};
    static const char *const list_keys[] = {"avro.schema", "iceberg.schema", "format-version",
                                            NULL};
    st_arena arena = ST_ARENA_INIT;
    st_manifest_file mf;
    const char *path = st_test_path("m.avro");

    /* v2 unpartitioned data manifest: Iceberg Java 1.8.1 (icebird-java-bunnies) */
    st_manifest_writer_options o;
    memset(&o, 0, sizeof o);
    o.format_version = 2;
    o.content = ST_CONTENT_DATA;
    o.snapshot_id = 1;
    o.schema_json = "{}";
    write_one(path, &o, NULL, &mf, &arena);
    same_header(path, st_test_resource(FIX "icebird-java-bunnies/metadata/"
                "583a45a0-7389-4d71-9305-ac3a8725c38b-m0.avro"), keys);

    /* v2 delete manifest partitioned by identity(name): Spark 3.5 / Iceberg 1.8 */
    st_partition_field pf = {2, 1000, "name", {ST_TRANSFORM_IDENTITY, 0, "identity"}};
    st_partition_spec spec = {0, &pf, 1};
    st_type *pt = string_partition(1000, "name");
    st_value v;
    memset(&v, 0, sizeof v);
    v.type = ST_TYPE_STRING;
    v.v.bytes.ptr = (const uint8_t *)"a";
    v.v.bytes.len = 1;
    o.spec = &spec;
    o.partition_type = pt;
    o.content = ST_CONTENT_EQUALITY_DELETES;
    write_one(path, &o, &v, &mf, &arena);
    header h;
    open_header(&h, st_test_resource(FIX "spark-v2-equality-deletes/warehouse/mydb/"
                "mytable_partitioned/metadata/36f9b154-c2d2-411f-9f29-9d23d46d688b-m0.avro"));
    spec.fields[0].source_id = (int32_t)strtol(strstr(st_avro_reader_meta(h.r, "partition-spec",
                                               NULL), "source-id\":") + 11, NULL, 10);
    close_header(&h);
    write_one(path, &o, &v, &mf, &arena);
    same_header(path, st_test_resource(FIX "spark-v2-equality-deletes/warehouse/mydb/"
                "mytable_partitioned/metadata/36f9b154-c2d2-411f-9f29-9d23d46d688b-m0.avro"), keys);
    st_type_free(pt);

    /* v1 manifest partitioned by identity(category): Spark 4 / Iceberg 1.10 */
    st_partition_field pf1 = {2, 1000, "category", {ST_TRANSFORM_IDENTITY, 0, "identity"}};
    st_partition_spec spec1 = {0, &pf1, 1};
    pt = string_partition(1000, "category");
    o.format_version = 1;
    o.content = ST_CONTENT_DATA;
    o.spec = &spec1;
    o.partition_type = pt;
    write_one(path, &o, &v, &mf, &arena);
    same_header(path, st_test_resource(FIX "spark-v1-deprecated-fields/default/legacy_v1/metadata/"
                "d65f86b0-b799-467f-b1f4-9c697e4c4fc7-m0.avro"), keys);
    st_type_free(pt);

    /* manifest lists, v1 and v2 */
    st_manifest_list_write_options lo = {1, 5, ST_NULL64, 0, ST_NULL64};
    const char *lpath = st_test_path("snap.avro");
    st_pass(st_manifest_list_write(lpath, &mf, 1, &lo));
    same_header(lpath, st_test_resource(FIX "spark-v1-deprecated-fields/default/legacy_v1/metadata/"
                "snap-2456114553637229296-1-d65f86b0-b799-467f-b1f4-9c697e4c4fc7.avro"), list_keys);
    header ours;
    open_header(&ours, lpath);
    st_assert_eq_str(st_avro_reader_meta(ours.r, "parent-snapshot-id", NULL), "null");
    close_header(&ours);
    lo.format_version = 2;
    lo.sequence_number = 1;
    st_pass(st_manifest_list_write(lpath, &mf, 1, &lo));
    same_header(lpath, st_test_resource(FIX "icebird-java-bunnies/metadata/"
                "snap-4951213507629824583-1-583a45a0-7389-4d71-9305-ac3a8725c38b.avro"), list_keys);
    st_arena_dispose(&arena);
}

/* ============================================================ round trips */

#define N_PT 17

typedef struct all_types {
    st_type *ptype;
    st_type *owned[4];
    st_partition_field fields[N_PT];
    st_partition_spec spec;
} all_types;

static void make_all_types(all_types *a)
{
    static const st_type_id ids[N_PT] = {
        ST_TYPE_BOOLEAN, ST_TYPE_INT, ST_TYPE_LONG, ST_TYPE_FLOAT, ST_TYPE_DOUBLE, 0, 0,
        ST_TYPE_DATE, ST_TYPE_TIME, ST_TYPE_TIMESTAMP, ST_TYPE_TIMESTAMPTZ, ST_TYPE_TIMESTAMP_NS,
        ST_TYPE_TIMESTAMPTZ_NS, ST_TYPE_STRING, ST_TYPE_UUID, 0, ST_TYPE_BINARY};
    static char names[N_PT][16];
    st_field f[N_PT];
    memset(a, 0, sizeof *a);
    st_pass(st_type_decimal_new(&a->owned[0], 9, 2));
    st_pass(st_type_decimal_new(&a->owned[1], 38, 10));
    st_pass(st_type_fixed_new(&a->owned[2], 4));
    for (int i = 0; i < N_PT; i++) {
        snprintf(names[i], sizeof names[i], i == 13 ? "p %d" : "p%d", i); /* one needs sanitizing */
        f[i].id = 1000 + i;
        f[i].name = names[i];
        f[i].required = 0;
        f[i].doc = NULL;
        f[i].type = i == 5 ? a->owned[0] : i == 6 ? a->owned[1] : i == 15 ? a->owned[2]
                                                                           : st_type_primitive(ids[i]);
        a->fields[i].source_id = i + 1;
        a->fields[i].field_id = 1000 + i;
        a->fields[i].name = names[i];
        a->fields[i].transform.kind = ST_TRANSFORM_IDENTITY;
        snprintf(a->fields[i].transform.text, sizeof a->fields[i].transform.text, "identity");
    }
    st_pass(st_type_struct_new(&a->ptype, f, N_PT));
    a->spec.spec_id = 3;
    a->spec.fields = a->fields;
    a->spec.n_fields = N_PT;
}

static void free_all_types(all_types *a)
{
    st_type_free(a->ptype);
    for (int i = 0; i < 4; i++)
        st_type_free(a->owned[i]);
}

static const uint8_t UUID[16] = {0xf7, 0x9c, 0x3e, 0x09, 0x67, 0x7c, 0x4b, 0xbd,
                                 0xa4, 0x79, 0x3f, 0x34, 0x9c, 0xb7, 0x85, 0xe7};

/* Partition values of row r (0..2); row 1 is all null but for a NaN double. */
static void make_values(st_value *v, const st_type *pt, int r)
{
    for (int i = 0; i < N_PT; i++) {
        memset(&v[i], 0, sizeof v[i]);
        v[i].type = pt->fields[i].type->id;
        v[i].is_null = r == 1 && i != 4;
        int64_t x = r == 0 ? -5 : 7;
        switch (v[i].type) {
        case ST_TYPE_BOOLEAN: v[i].v.b = r == 2; break;
        case ST_TYPE_INT:
        case ST_TYPE_DATE: v[i].v.i32 = (int32_t)x * 1000; break;
        case ST_TYPE_FLOAT: v[i].v.f32 = (float)x / 4; break;
        case ST_TYPE_DOUBLE: v[i].v.f64 = r == 1 ? NAN : (double)x / 8; break;
        case ST_TYPE_DECIMAL:
            v[i].scale = pt->fields[i].type->scale;
            v[i].v.dec.lo = (uint64_t)(x * 12345);
            v[i].v.dec.hi = x < 0 ? -1 : 0;
            break;
        case ST_TYPE_STRING:
            v[i].v.bytes.ptr = (const uint8_t *)(r == 0 ? "apple" : "zebra");
            v[i].v.bytes.len = 5;
            break;
        case ST_TYPE_UUID: v[i].v.bytes.ptr = UUID; v[i].v.bytes.len = 16; break;
        case ST_TYPE_FIXED:
            v[i].v.bytes.ptr = (const uint8_t *)(r == 0 ? "\0\1\2\3" : "\xff\1\2\3");
            v[i].v.bytes.len = 4;
            break;
        case ST_TYPE_BINARY:
            v[i].v.bytes.ptr = (const uint8_t *)"\0bin";
            v[i].v.bytes.len = (size_t)(r + 1);
            break;
        default: v[i].v.i64 = x * 1000000007LL; break;
        }
    }
}

static void make_stats(st_column_stats *s, int n, int r)
{
    static uint8_t lo[20][4], hi[20][4];
    for (int i = 0; i < n; i++) {
        memset(&s[i], 0, sizeof s[i]);
        s[i].field_id = i + 1;
        s[i].column_size = 1000 + i + r;
        s[i].value_count = 100;
        s[i].null_count = i % 3;
        s[i].nan_count = i % 5 == 0 ? 0 : -1;
        lo[i][0] = (uint8_t)i;
        hi[i][0] = (uint8_t)(i + 100);
        s[i].lower = i == 7 ? NULL : lo[i];
        s[i].lower_len = i == 7 ? 0 : 4;
        s[i].upper = hi[i];
        s[i].upper_len = 4;
    }
}

static void check_value(const st_value *got, const st_value *want)
{
    st_assert_eq_i64(got->type, want->type);
    st_assert_eq_i64(got->is_null, want->is_null);
    if (got->is_null)
        return;
    if (want->type == ST_TYPE_DOUBLE && isnan(want->v.f64)) {
        st_assert(isnan(got->v.f64));
        return;
    }
    st_assert_eq_i64(st_value_compare(got, want), 0);
    if (want->type == ST_TYPE_DECIMAL)
        st_assert_eq_i64(got->scale, want->scale);
}

static void roundtrip(int fv)
{
    all_types at;
    st_manifest_writer *w;
    st_manifest_writer_options o;
    st_schema schema;
    memset(&schema, 0, sizeof schema);
    schema.schema_id = 7;
    st_arena arena = ST_ARENA_INIT;
    st_manifest_file mf;
    st_manifest *m;
    st_value vals[3][N_PT];
    st_column_stats stats[3][20];
    int64_t splits[2] = {4, 1000};
    int32_t eq[2] = {1, 3};
    const char *path = st_test_path("rt.avro");
    static const st_entry_status status[3] = {ST_ENTRY_ADDED, ST_ENTRY_EXISTING, ST_ENTRY_DELETED};

    make_all_types(&at);
    memset(&o, 0, sizeof o);
    o.format_version = fv;
    o.spec = &at.spec;
    o.partition_type = at.ptype;
    o.schema = &schema;
    o.content = ST_CONTENT_DATA;
    o.snapshot_id = 99;
    o.schema_json = "{\"type\":\"struct\",\"schema-id\":7,\"fields\":[]}";
    st_pass(st_manifest_writer_open(&w, path, &o));
    st_assert(access(path, F_OK) != 0); /* nothing under the name until close */
    st_manifest_entry e[3];
    for (int r = 0; r < 3; r++) {
        memset(&e[r], 0, sizeof e[r]);
        make_values(vals[r], at.ptype, r);
        make_stats(stats[r], 20, r);
        e[r].status = status[r];
        e[r].snapshot_id = r == 0 ? ST_NULL64 : 50 + r;
        e[r].sequence_number = r == 0 ? ST_NULL64 : r == 1 ? 5 : 3;
        e[r].file_sequence_number = r == 0 ? ST_NULL64 : r == 1 ? 6 : 4;
        st_data_file *f = &e[r].file;
        f->content = ST_CONTENT_DATA;
        f->file_path = r == 0 ? "s3://b/t/data/a.parquet" : r == 1 ? "s3://b/t/data/b.parquet"
                                                                   : "s3://b/t/data/c.parquet";
        f->file_format = "PARQUET";
        f->partition = vals[r];
        f->n_partition = N_PT;
        f->record_count = 10 * (r + 1);
        f->file_size_in_bytes = 4096 + r;
        f->stats = stats[r];
        f->n_stats = r == 2 ? 0 : 20;
        f->key_metadata = r == 1 ? (const uint8_t *)"key" : NULL;
        f->key_metadata_len = r == 1 ? 3 : 0;
        f->split_offsets = splits;
        f->n_split_offsets = r == 0 ? 2 : 0;
        f->equality_ids = eq;
        f->n_equality_ids = 0;
        f->sort_order_id = r == 2 ? ST_NULL32 : 0;
        f->first_row_id = r == 1 && fv >= 3 ? 500 : ST_NULL64;
        f->referenced_data_file = NULL;
        f->content_offset = f->content_size_in_bytes = ST_NULL64;
        st_pass(st_manifest_writer_add(w, &e[r]));
    }
    st_pass(st_manifest_writer_close(w, &mf, &arena));
    st_assert(access(path, F_OK) == 0);

    st_assert_eq_i64(mf.added_files_count, 1);
    st_assert_eq_i64(mf.existing_files_count, 1);
    st_assert_eq_i64(mf.deleted_files_count, 1);
    st_assert_eq_i64(mf.added_rows_count, 10);
    st_assert_eq_i64(mf.existing_rows_count, 20);
    st_assert_eq_i64(mf.deleted_rows_count, 30);
    st_assert_eq_i64(mf.min_sequence_number, fv >= 2 ? 5 : ST_NULL64); /* DELETED's 3 not live */
    st_assert_eq_i64(mf.sequence_number, ST_NULL64);
    st_assert_eq_i64(mf.added_snapshot_id, 99);
    st_assert_eq_i64(mf.partition_spec_id, 3);
    st_assert_eq_i64(mf.n_partitions, N_PT);
    st_assert_eq_i64(mf.partitions[4].contains_nan, 1);
    st_assert_eq_i64(mf.partitions[4].contains_null, 0);
    st_assert_eq_i64(mf.partitions[2].contains_null, 1);
    st_assert_eq_i64(mf.partitions[2].contains_nan, 0);
    st_assert_eq_i64(mf.partitions[2].lower_len, 8);
    int64_t lo;
    memcpy(&lo, mf.partitions[2].lower, 8);
    st_assert_eq_i64(lo, -5 * 1000000007LL);
    st_assert_eq_mem(mf.partitions[13].lower, "apple", 5);
    st_assert_eq_mem(mf.partitions[13].upper, "zebra", 5);
    st_assert_eq_i64(mf.partitions[5].lower_len, 3);  /* -61725: ff 0e e3 */
    st_assert_eq_mem(mf.partitions[5].lower, "\xff\x0e\xe3", 3);
    st_assert_eq_mem(mf.partitions[0].lower, "\0", 1);
    st_assert_eq_mem(mf.partitions[0].upper, "\1", 1);

    /* the list assigns the sequence number; read back through it */
    const char *lpath = st_test_path("snap-rt.avro");
    st_manifest_list_write_options lo_opts = {fv, 99, 98, fv >= 2 ? 8 : 0, fv >= 3 ? 1000 : ST_NULL64};
    st_manifest_list *l;
    st_pass(st_manifest_list_write(lpath, &mf, 1, &lo_opts));
    st_pass(st_manifest_list_read(&l, lpath));
    st_assert_eq_i64(l->n_files, 1);
    const st_manifest_file *rf = &l->files[0];
    st_assert_eq_str(rf->manifest_path, path);
    st_assert_eq_i64(rf->manifest_length, mf.manifest_length);
    st_assert_eq_i64(rf->sequence_number, fv >= 2 ? 8 : 0);
    st_assert_eq_i64(rf->min_sequence_number, fv >= 2 ? 5 : 0);
    st_assert_eq_i64(rf->added_rows_count, 10);
    st_assert_eq_i64(rf->deleted_files_count, 1);
    st_assert_eq_i64(rf->first_row_id, fv >= 3 ? 1000 : ST_NULL64);
    st_assert_eq_i64(rf->n_partitions, N_PT);
    for (int i = 0; i < N_PT; i++) {
        st_assert_eq_i64(rf->partitions[i].contains_null, mf.partitions[i].contains_null);
        st_assert_eq_i64(rf->partitions[i].contains_nan, mf.partitions[i].contains_nan);
        st_assert_eq_i64(rf->partitions[i].lower_len, mf.partitions[i].lower_len);
        if (mf.partitions[i].lower)
            st_assert_eq_mem(rf->partitions[i].lower, mf.partitions[i].lower,
                             mf.partitions[i].lower_len);
    }

    for (int typed = 0; typed < 2; typed++) {
        st_pass(st_manifest_read(&m, path, rf, typed ? at.ptype : NULL));
        st_assert_eq_i64(m->format_version, fv);
        st_assert_eq_i64(m->spec_id, 3);
        st_assert_eq_i64(m->schema_id, 7);
        st_assert_eq_str(m->schema_json, o.schema_json);
        st_assert_contains(m->partition_spec_json, "{\"name\":\"p 13\",\"transform\":\"identity\"");
        st_assert_eq_i64(m->n_entries, 3);
        for (int r = 0; r < 3; r++) {
            const st_manifest_entry *g = &m->entries[r];
            st_assert_eq_i64(g->status, status[r]);
            st_assert_eq_str(g->file.file_path, e[r].file.file_path);
            st_assert_eq_str(g->file.file_format, "PARQUET");
            st_assert_eq_i64(g->file.record_count, e[r].file.record_count);
            st_assert_eq_i64(g->file.file_size_in_bytes, e[r].file.file_size_in_bytes);
            st_assert_eq_i64(g->snapshot_id, r == 0 ? 99 : 50 + r);
            if (fv == 1) {
                st_assert_eq_i64(g->sequence_number, 0);
            } else {
                st_assert_eq_i64(g->sequence_number, r == 0 ? 8 : r == 1 ? 5 : 3);
                st_assert_eq_i64(g->file_sequence_number, r == 0 ? 8 : r == 1 ? 6 : 4);
            }
            st_assert_eq_i64(g->file.n_partition, N_PT);
            for (int i = 0; i < N_PT; i++)
                check_value(&g->file.partition[i], &vals[r][i]);
            st_assert_eq_i64(g->file.n_stats, e[r].file.n_stats);
            for (int i = 0; i < g->file.n_stats; i++) {
                const st_column_stats *gs = &g->file.stats[i], *ws = &stats[r][i];
                st_assert_eq_i64(gs->field_id, ws->field_id);
                st_assert_eq_i64(gs->column_size, ws->column_size);
                st_assert_eq_i64(gs->null_count, ws->null_count);
                st_assert_eq_i64(gs->nan_count, ws->nan_count);
                st_assert_eq_i64(gs->lower_len, ws->lower_len);
                st_assert((gs->lower == NULL) == (ws->lower == NULL));
                if (ws->lower)
                    st_assert_eq_mem(gs->lower, ws->lower, 4);
                st_assert_eq_mem(gs->upper, ws->upper, 4);
            }
            st_assert_eq_i64(g->file.n_split_offsets, r == 0 ? 2 : 0);
            if (r == 0)
                st_assert_eq_i64(g->file.split_offsets[1], 1000);
            st_assert_eq_i64(g->file.key_metadata_len, r == 1 ? 3 : 0);
            st_assert_eq_i64(g->file.sort_order_id, r == 2 ? ST_NULL32 : 0);
        }
        /* v3 row ids: the list's 1000 for the first null one, then + its 10 rows;
         * the DELETED entry gets none */
        if (fv >= 3) {
            st_assert_eq_i64(m->entries[0].file.first_row_id, 1000);
            st_assert_eq_i64(m->entries[1].file.first_row_id, 500);
            st_assert_eq_i64(m->entries[2].file.first_row_id, ST_NULL64);
        } else {
            st_assert_eq_i64(m->entries[0].file.first_row_id, ST_NULL64);
        }
        st_manifest_free(m);
    }
    st_manifest_list_free(l);
    st_arena_dispose(&arena);
    free_all_types(&at);
}

void test_spec_manifest__roundtrip_v1(void) { roundtrip(1); }
void test_spec_manifest__roundtrip_v2(void) { roundtrip(2); }
void test_spec_manifest__roundtrip_v3(void) { roundtrip(3); }

void test_spec_manifest__delete_manifest_and_v3_dv(void)
{
    st_manifest_writer *w;
    st_manifest_writer_options o;
    st_arena arena = ST_ARENA_INIT;
    st_manifest_file mf;
    st_manifest *m;
    st_manifest_entry e;
    int32_t eq[2] = {2, 5};
    const char *path = st_test_path("del.avro");
    memset(&o, 0, sizeof o);
    o.format_version = 3;
    o.content = ST_CONTENT_POSITION_DELETES;
    o.snapshot_id = 12;
    o.schema_json = "{}";
    st_pass(st_manifest_writer_open(&w, path, &o));
    memset(&e, 0, sizeof e);
    e.status = ST_ENTRY_ADDED;
    e.snapshot_id = e.sequence_number = e.file_sequence_number = ST_NULL64;
    e.file.content = ST_CONTENT_POSITION_DELETES;
    e.file.file_path = "s3://b/t/data/dv.puffin";
    e.file.file_format = "PUFFIN";
    e.file.record_count = 4;
    e.file.file_size_in_bytes = 200;
    e.file.sort_order_id = ST_NULL32;
    e.file.first_row_id = ST_NULL64;
    e.file.referenced_data_file = "s3://b/t/data/a.parquet";
    e.file.content_offset = 4;
    e.file.content_size_in_bytes = 60;
    st_pass(st_manifest_writer_add(w, &e));
    e.file.content = ST_CONTENT_EQUALITY_DELETES;
    e.file.file_path = "s3://b/t/data/eq.parquet";
    e.file.file_format = "PARQUET";
    e.file.equality_ids = eq;
    e.file.n_equality_ids = 2;
    e.file.referenced_data_file = NULL;
    e.file.content_offset = e.file.content_size_in_bytes = ST_NULL64;
    st_pass(st_manifest_writer_add(w, &e));
    /* a data file does not belong in a delete manifest */
    e.file.content = ST_CONTENT_DATA;
    st_fail_with(ST_EINVALID, st_manifest_writer_add(w, &e));
    st_pass(st_manifest_writer_close(w, &mf, &arena));
    st_assert_eq_i64(mf.content, 1);
    mf.sequence_number = 4;
    mf.min_sequence_number = 4;
    st_pass(st_manifest_read(&m, path, &mf, NULL));
    st_assert_eq_i64(m->content, ST_CONTENT_POSITION_DELETES);
    st_assert_eq_i64(m->n_entries, 2);
    st_assert_eq_str(m->entries[0].file.referenced_data_file, "s3://b/t/data/a.parquet");
    st_assert_eq_i64(m->entries[0].file.content_offset, 4);
    st_assert_eq_i64(m->entries[0].file.content_size_in_bytes, 60);
    st_assert_eq_str(m->entries[0].file.file_format, "PUFFIN");
    st_assert_eq_i64(m->entries[1].file.content, ST_CONTENT_EQUALITY_DELETES);
    st_assert_eq_i64(m->entries[1].file.n_equality_ids, 2);
    st_assert_eq_i64(m->entries[1].file.equality_ids[1], 5);
    st_assert_eq_i64(m->entries[1].sequence_number, 4);
    st_assert_eq_i64(m->entries[1].file.first_row_id, ST_NULL64);
    st_manifest_free(m);

    /* a v1 list cannot hold delete manifests; v2 needs counts */
    st_manifest_list_write_options lo = {1, 12, ST_NULL64, 0, ST_NULL64};
    st_fail_with(ST_EINVALID, st_manifest_list_write(st_test_path("l.avro"), &mf, 1, &lo));
    lo.format_version = 2;
    mf.added_files_count = -1;
    st_fail_with(ST_EINVALID, st_manifest_list_write(st_test_path("l.avro"), &mf, 1, &lo));
    st_assert(access(st_test_path("l.avro"), F_OK) != 0);
    st_arena_dispose(&arena);
}

void test_spec_manifest__writer_rejects_bad_input(void)
{
    st_manifest_writer *w;
    st_manifest_writer_options o;
    st_manifest_entry e;
    const char *path = st_test_path("bad.avro");
    memset(&o, 0, sizeof o);
    o.format_version = 2;
    o.snapshot_id = 1;
    st_fail_with(ST_EINVALID, st_manifest_writer_open(&w, path, &o)); /* no schema JSON */
    o.schema_json = "{}";
    o.format_version = 4;
    st_fail_with(ST_EINVALID, st_manifest_writer_open(&w, path, &o));
    o.format_version = 2;
    st_pass(st_manifest_writer_open(&w, path, &o));
    memset(&e, 0, sizeof e);
    e.status = ST_ENTRY_EXISTING;
    e.snapshot_id = 5;
    e.sequence_number = ST_NULL64; /* EXISTING must carry its sequence number */
    e.file.file_path = "x.parquet";
    e.file.sort_order_id = ST_NULL32;
    st_fail_with(ST_EINVALID, st_manifest_writer_add(w, &e));
    st_assert_contains(st_error_last()->message, "sequence number");
    st_manifest_writer_abort(w);
    st_assert(access(path, F_OK) != 0);
}

/* ============================================================ bad input */

static uint8_t *small_manifest(size_t *len)
{
    st_arena arena = ST_ARENA_INIT;
    st_manifest_file mf;
    st_partition_field pf = {2, 1000, "name", {ST_TRANSFORM_IDENTITY, 0, "identity"}};
    st_partition_spec spec = {0, &pf, 1};
    st_type *pt = string_partition(1000, "name");
    st_manifest_writer_options o;
    st_value v;
    memset(&o, 0, sizeof o);
    o.format_version = 2;
    o.spec = &spec;
    o.partition_type = pt;
    o.snapshot_id = 1;
    o.schema_json = "{}";
    memset(&v, 0, sizeof v);
    v.type = ST_TYPE_STRING;
    v.v.bytes.ptr = (const uint8_t *)"abc";
    v.v.bytes.len = 3;
    write_one(st_test_path("small.avro"), &o, &v, &mf, &arena);
    st_type_free(pt);
    st_arena_dispose(&arena);
    return st_test_read_file(st_test_path("small.avro"), len);
}

void test_spec_manifest__truncated_and_flipped(void)
{
    size_t len;
    uint8_t *data = small_manifest(&len);
    st_manifest *m;
    st_pass(st_manifest_read_buffer(&m, data, len, "small.avro", NULL, NULL));
    st_assert_eq_i64(m->n_entries, 1);
    st_manifest_free(m);
    for (size_t cut = 0; cut < len; cut++) {
        int rc = st_manifest_read_buffer(&m, data, cut, "small.avro", NULL, NULL);
        st_assert_msg(rc == ST_ECORRUPT || (rc == 0 && m->n_entries == 0), "cut %zu: %d", cut, rc);
        if (rc == ST_ECORRUPT)
            st_assert_contains(st_error_last()->message, "small.avro");
        st_manifest_free(rc == 0 ? m : NULL);
    }
    for (size_t i = 0; i < len; i++) {
        for (int bit = 0; bit < 8; bit += 3) {
            data[i] ^= (uint8_t)(1 << bit);
            int rc = st_manifest_read_buffer(&m, data, len, "flip.avro", NULL, NULL);
            st_assert_msg(rc == 0 || rc == ST_ECORRUPT || rc == ST_EUNSUPPORTED,
                          "flip at %zu gave %d (%s)", i, rc, st_error_last()->message);
            if (rc == 0)
                st_manifest_free(m);
            data[i] ^= (uint8_t)(1 << bit);
        }
    }
    free(data);

    /* a list is not a manifest: required field ids are missing */
    data = st_test_read_file(st_test_resource(FIX "icebird-java-bunnies/metadata/"
        "snap-4951213507629824583-1-583a45a0-7389-4d71-9305-ac3a8725c38b.avro"), &len);
    st_fail_with(ST_ECORRUPT, st_manifest_read_buffer(&m, data, len, "list.avro", NULL, NULL));
    st_assert_contains(st_error_last()->message, "field id 0 (status)");
    free(data);
    data = st_test_read_file(st_test_resource(FIX "icebird-java-bunnies/metadata/"
        "583a45a0-7389-4d71-9305-ac3a8725c38b-m0.avro"), &len);
    st_manifest_list *l;
    st_fail_with(ST_ECORRUPT, st_manifest_list_read_buffer(&l, data, len, "m.avro"));
    st_assert_contains(st_error_last()->message, "field id 500");
    free(data);
    st_fail_with(ST_ENOTFOUND, st_manifest_read(&m, st_test_path("nope.avro"), NULL, NULL));
}

void test_spec_manifest__wrong_partition_type(void)
{
    size_t len;
    uint8_t *data = small_manifest(&len);
    st_manifest *m;
    st_type *pt;
    st_field f = {1000, "name", 0, st_type_primitive(ST_TYPE_LONG), NULL};
    st_pass(st_type_struct_new(&pt, &f, 1));
    st_fail_with(ST_ECORRUPT, st_manifest_read_buffer(&m, data, len, "small.avro", NULL, pt));
    st_assert_contains(st_error_last()->message, "partition field 1000");
    st_type_free(pt);
    /* a partition field the file lacks reads as null */
    f.id = 1001;
    f.type = st_type_primitive(ST_TYPE_STRING);
    st_pass(st_type_struct_new(&pt, &f, 1));
    st_pass(st_manifest_read_buffer(&m, data, len, "small.avro", NULL, pt));
    st_assert(m->entries[0].file.partition[0].is_null);
    st_manifest_free(m);
    st_type_free(pt);
    free(data);
}

void test_spec_manifest__allocation_failures(void)
{
    size_t len;
    uint8_t *data = small_manifest(&len);
    const char *path = st_test_path("oom.avro");
    long n, done;
    for (n = 0;; n++) {
        st_manifest *m = NULL;
        st_alloc_fail_after(n);
        int rc = st_manifest_read_buffer(&m, data, len, "small.avro", NULL, NULL);
        done = st_alloc_fail_after(-1);
        st_manifest_free(m);
        if (rc == 0 && done <= n)
            break;
        st_assert_msg(rc == 0 || rc == ST_ENOMEM, "read: failing allocation %ld gave %d", n, rc);
    }
    st_assert(n > 5);
    free(data);

    st_partition_field pf = {2, 1000, "name", {ST_TRANSFORM_IDENTITY, 0, "identity"}};
    st_partition_spec spec = {0, &pf, 1};
    st_type *pt = string_partition(1000, "name");
    st_manifest_writer_options o;
    st_value v;
    memset(&o, 0, sizeof o);
    o.format_version = 2;
    o.spec = &spec;
    o.partition_type = pt;
    o.snapshot_id = 1;
    o.schema_json = "{}";
    memset(&v, 0, sizeof v);
    v.type = ST_TYPE_STRING;
    v.v.bytes.ptr = (const uint8_t *)"abc";
    v.v.bytes.len = 3;
    for (n = 0;; n++) {
        st_arena arena = ST_ARENA_INIT;
        st_manifest_file mf;
        st_manifest_writer *w = NULL;
        st_manifest_entry e;
        int rc;
        memset(&e, 0, sizeof e);
        e.status = ST_ENTRY_ADDED;
        e.snapshot_id = e.sequence_number = e.file_sequence_number = ST_NULL64;
        e.file.file_path = "f.parquet";
        e.file.partition = &v;
        e.file.n_partition = 1;
        e.file.sort_order_id = ST_NULL32;
        e.file.first_row_id = e.file.content_offset = e.file.content_size_in_bytes = ST_NULL64;
        unlink(path);
        st_alloc_fail_after(n);
        rc = st_manifest_writer_open(&w, path, &o);
        if (rc == 0 && (rc = st_manifest_writer_add(w, &e)) < 0)
            st_manifest_writer_abort(w);
        else if (rc == 0)
            rc = st_manifest_writer_close(w, &mf, &arena);
        if (rc == 0) {
            st_manifest_list_write_options lo = {2, 1, ST_NULL64, 1, ST_NULL64};
            rc = st_manifest_list_write(st_test_path("oom-list.avro"), &mf, 1, &lo);
        }
        done = st_alloc_fail_after(-1);
        st_arena_dispose(&arena);
        if (rc == 0 && done <= n)
            break;
        st_assert_msg(rc == 0 || rc == ST_ENOMEM, "write: failing allocation %ld gave %d (%s)", n,
                      rc, st_error_last()->message);
        if (rc == ST_ENOMEM && access(path, F_OK) == 0) {
            /* the manifest was published; only the list failed */
            st_assert(access(st_test_path("oom-list.avro"), F_OK) != 0 || n > 0);
        }
        unlink(st_test_path("oom-list.avro"));
    }
    st_assert(n > 5);
    st_type_free(pt);
}
