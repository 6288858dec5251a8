/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The direct Avro decoder of manifests and manifest lists: every vendored file
 * against what the avro-c based readers returned (manifest_dump.h), layouts no
 * Iceberg writer uses but the Avro schema allows (fields to skip of every kind,
 * unions either way round, map items in another order), corrupt input
 * (truncations, flipped bytes, lying counts: an error naming the file, never a
 * crash or an over-read under ASan) and allocation failures.
 */
#include <stdlib.h>

#include "st_test.h"
#include "avro/avro_file.h"
#include "manifest_dump.h"
#include "spec/spec.h"
#include "util/alloc.h"
#include "util/buf.h"

#define FIX "iceberg-fixtures/"
#define GOLDEN "expected/manifests-read.golden"

/* ============================================================ differential */

void test_spec_manifest_decode__every_fixture_as_before(void)
{
    st_buf got = ST_BUF_INIT;
    size_t want_len;
    char root[1200];
    snprintf(root, sizeof root, "%s", st_test_resource("iceberg-fixtures"));
    dump_fixtures(&got, root);
    st_assert(got.ptr != NULL);
    if (getenv("ST_UPDATE_GOLDEN")) {
        /* after a deliberate change of what the readers return */
        FILE *f = fopen(st_test_resource(GOLDEN), "wb");
        st_assert(f && fwrite(got.ptr, 1, got.len, f) == got.len && fclose(f) == 0);
    }
    uint8_t *want = st_test_read_file(st_test_resource(GOLDEN), &want_len);
    if (got.len != want_len || memcmp(got.ptr, want, want_len) != 0) {
        /* name the first line that differs; the whole text goes to a file */
        const char *a = (const char *)got.ptr, *b = (const char *)want;
        size_t i = 0, line = 1, start = 0;
        while (i < got.len && i < want_len && a[i] == b[i]) {
            if (a[i] == '\n') {
                line++;
                start = i + 1;
            }
            i++;
        }
        FILE *f = fopen(st_test_path("manifests-read.actual"), "wb");
        if (f) {
            fwrite(got.ptr, 1, got.len, f);
            fclose(f);
        }
        st_assert_msg(0, "line %zu differs: got '%.200s', expected '%.200s' (all in %s)", line,
                      a + start, b + start, st_test_path("manifests-read.actual"));
    }
    st_assert(strstr((const char *)got.ptr, "== v2-identity-partition-types/") != NULL);
    st_assert(strstr((const char *)got.ptr, "\nerror ") == NULL);
    free(want);
    st_buf_dispose(&got);
}

/* ============================================================ by hand */

static void put_long(st_buf *b, int64_t v)
{
    uint64_t u = ((uint64_t)v << 1) ^ (uint64_t)(v >> 63);
    while (u >= 0x80) {
        st_buf_putc(b, (char)(u | 0x80));
        u >>= 7;
    }
    st_buf_putc(b, (char)u);
}

static void put_bytes(st_buf *b, const void *p, size_t n)
{
    put_long(b, (int64_t)n);
    st_buf_put(b, p, n);
}

static void put_str(st_buf *b, const char *s) { put_bytes(b, s, strlen(s)); }

static void put_double(st_buf *b, double d) { st_buf_put(b, &d, 8); }

static const uint8_t SYNC[16] = "SuperTableSync!!";

/* A container: header with `meta` (n pairs, then avro.schema and avro.codec
 * "null"), then one block per (count, bytes) pair. */
static void container(st_buf *f, const char *schema, const char *const *meta, int n_meta,
                      int n_blocks, const int64_t *counts, const st_buf *blocks)
{
    st_buf_clear(f);
    st_buf_put(f, "Obj\1", 4);
    put_long(f, n_meta + 2);
    for (int i = 0; i < n_meta; i++) {
        put_str(f, meta[2 * i]);
        put_str(f, meta[2 * i + 1]);
    }
    put_str(f, "avro.schema");
    put_str(f, schema);
    put_str(f, "avro.codec");
    put_str(f, "null");
    put_long(f, 0);
    st_buf_put(f, SYNC, 16);
    for (int i = 0; i < n_blocks; i++) {
        put_long(f, counts[i]);
        put_long(f, (int64_t)blocks[i].len);
        st_buf_put(f, blocks[i].ptr, blocks[i].len);
        st_buf_put(f, SYNC, 16);
    }
}

/* The same file with its blocks stored uncompressed (corruption then reaches
 * the record decoder instead of stopping in inflate). */
static void reframe_null(st_buf *out, const uint8_t *data, size_t len)
{
    st_avro_reader *r;
    const uint8_t *p;
    size_t n;
    int64_t count;
    int rc;
    st_pass(st_avro_reader_open(&r, data, len, "reframe.avro"));
    st_buf_clear(out);
    st_buf_put(out, "Obj\1", 4);
    put_long(out, st_avro_reader_meta_count(r));
    for (int i = 0; i < st_avro_reader_meta_count(r); i++) {
        const char *k = st_avro_reader_meta_key(r, i);
        size_t vl;
        const char *v = st_avro_reader_meta(r, k, &vl);
        put_str(out, k);
        if (!strcmp(k, "avro.codec"))
            put_str(out, "null");
        else
            put_bytes(out, v, vl);
    }
    put_long(out, 0);
    st_buf_put(out, SYNC, 16);
    while ((rc = st_avro_reader_next_block(r, &p, &n, &count)) == 0) {
        put_long(out, count);
        put_long(out, (int64_t)n);
        st_buf_put(out, p, n);
        st_buf_put(out, SYNC, 16);
    }
    st_assert_eq_i64(rc, ST_ITEROVER);
    st_avro_reader_free(r);
}

/* Fields to skip of every kind around the ones read; unions both ways round;
 * map items with the value first, an extra field and a union around them. */
static const char *ODD_SCHEMA =
    "{\"type\":\"record\",\"name\":\"manifest_entry\",\"fields\":["
    "{\"name\":\"e\",\"type\":{\"type\":\"enum\",\"name\":\"E\",\"symbols\":[\"A\",\"B\"]}},"
    "{\"name\":\"data_file\",\"field-id\":2,\"type\":{\"type\":\"record\",\"name\":\"r2\","
    "\"fields\":["
    "{\"name\":\"fx\",\"type\":{\"type\":\"fixed\",\"name\":\"F4\",\"size\":4}},"
    "{\"name\":\"file_path\",\"type\":\"string\",\"field-id\":100},"
    "{\"name\":\"m\",\"type\":{\"type\":\"map\",\"values\":\"long\"}},"
    "{\"name\":\"file_format\",\"type\":\"string\",\"field-id\":101},"
    "{\"name\":\"partition\",\"field-id\":102,\"type\":[\"null\",{\"type\":\"record\","
    "\"name\":\"r102\",\"fields\":["
    "{\"name\":\"b\",\"type\":[\"null\",\"boolean\"],\"field-id\":1000},"
    "{\"name\":\"d\",\"type\":[\"double\",\"null\"],\"field-id\":1001},"
    "{\"name\":\"f\",\"type\":[\"null\",\"float\"],\"field-id\":1002},"
    "{\"name\":\"u\",\"type\":[\"null\",{\"type\":\"string\",\"logicalType\":\"uuid\"}],"
    "\"field-id\":1003},"
    "{\"name\":\"dec\",\"type\":[\"null\",{\"type\":\"fixed\",\"name\":\"D4\",\"size\":4,"
    "\"logicalType\":\"decimal\",\"precision\":9,\"scale\":2}],\"field-id\":1004},"
    "{\"name\":\"ts\",\"type\":[\"null\",{\"type\":\"long\",\"logicalType\":\"timestamp-micros\","
    "\"adjust-to-utc\":true}],\"field-id\":1005}]}]},"
    "{\"name\":\"record_count\",\"type\":\"int\",\"field-id\":103},"
    "{\"name\":\"file_size_in_bytes\",\"type\":\"long\",\"field-id\":104},"
    "{\"name\":\"column_sizes\",\"field-id\":108,\"type\":[\"null\",{\"type\":\"array\","
    "\"logicalType\":\"map\",\"items\":[\"null\",{\"type\":\"record\",\"name\":\"k117_v118\","
    "\"fields\":[{\"name\":\"value\",\"type\":\"long\",\"field-id\":118},"
    "{\"name\":\"x\",\"type\":\"double\"},"
    "{\"name\":\"key\",\"type\":\"int\",\"field-id\":117}]}]}]},"
    "{\"name\":\"lower_bounds\",\"field-id\":125,\"type\":{\"type\":\"array\",\"items\":{"
    "\"type\":\"record\",\"name\":\"k126_v127\",\"fields\":["
    "{\"name\":\"key\",\"type\":\"long\",\"field-id\":126},"
    "{\"name\":\"value\",\"type\":{\"type\":\"fixed\",\"name\":\"F3\",\"size\":3},"
    "\"field-id\":127}]}}},"
    "{\"name\":\"split_offsets\",\"field-id\":132,\"type\":[\"null\",{\"type\":\"array\","
    "\"items\":[\"null\",\"long\"],\"element-id\":133}]},"
    "{\"name\":\"equality_ids\",\"field-id\":135,\"type\":{\"type\":\"array\",\"items\":\"int\","
    "\"element-id\":136}},"
    "{\"name\":\"sort_order_id\",\"field-id\":140,\"type\":[\"null\",\"int\"]},"
    "{\"name\":\"u3\",\"type\":[\"null\",\"string\",\"long\"]}]}},"
    "{\"name\":\"status\",\"type\":\"int\",\"field-id\":0},"
    "{\"name\":\"snapshot_id\",\"type\":[\"long\",\"null\"],\"field-id\":1},"
    "{\"name\":\"ra\",\"type\":{\"type\":\"array\",\"items\":{\"type\":\"record\",\"name\":\"X\","
    "\"fields\":[{\"name\":\"a\",\"type\":\"bytes\"},{\"name\":\"b\",\"type\":\"boolean\"}]}}}]}";

/* Entry 0: everything present. */
static void odd_entry_full(st_buf *b, int status)
{
    static const uint8_t dec[4] = {0, 0, 0x30, 0x39}; /* 12345 */
    float f = 2.5f;
    put_long(b, 1);                       /* e: B */
    st_buf_put(b, "fxfx", 4);             /* fx */
    put_str(b, "s3://b/t/data/a.parquet");
    put_long(b, -2);                      /* m: a block of 2 with its byte size */
    put_long(b, 6);
    put_str(b, "k1");
    put_long(b, 1);
    put_str(b, "k2");
    put_long(b, 2);
    put_long(b, 0);
    put_str(b, "PARQUET");
    put_long(b, 1);                       /* partition: the record */
    put_long(b, 1);                       /* b */
    st_buf_putc(b, 1);
    put_long(b, 0);                       /* d: [double, null] */
    put_double(b, -0.75);
    put_long(b, 1);                       /* f */
    st_buf_put(b, &f, 4);
    put_long(b, 1);                       /* u: as text */
    put_str(b, "01234567-89ab-cdef-0123-456789ABCDEF");
    put_long(b, 1);                       /* dec */
    st_buf_put(b, dec, 4);
    put_long(b, 0);                       /* ts: null */
    put_long(b, 5);                       /* record_count */
    put_long(b, 1234);                    /* file_size_in_bytes */
    put_long(b, 1);                       /* column_sizes: the array */
    put_long(b, 2);
    put_long(b, 1);                       /* item: the record, value first */
    put_long(b, 30);
    put_double(b, 1.5);
    put_long(b, 3);
    put_long(b, 1);
    put_long(b, 10);
    put_double(b, 1.5);
    put_long(b, 1);
    put_long(b, 0);
    put_long(b, 1);                       /* lower_bounds: long key, fixed value */
    put_long(b, 7);
    st_buf_put(b, "abc", 3);
    put_long(b, 0);
    put_long(b, 1);                       /* split_offsets: [4, 100] */
    put_long(b, 2);
    put_long(b, 1);
    put_long(b, 4);
    put_long(b, 1);
    put_long(b, 100);
    put_long(b, 0);
    put_long(b, 1);                       /* equality_ids: [9] */
    put_long(b, 9);
    put_long(b, 0);
    put_long(b, 1);                       /* sort_order_id: 3 */
    put_long(b, 3);
    put_long(b, 2);                       /* u3: long */
    put_long(b, 77);
    put_long(b, status);
    put_long(b, 0);                       /* snapshot_id: [long, null] */
    put_long(b, 42);
    put_long(b, 1);                       /* ra */
    put_str(b, "xy");
    st_buf_putc(b, 1);
    put_long(b, 0);
}

/* Entry 1: every optional field null or empty. */
static void odd_entry_nulls(st_buf *b)
{
    put_long(b, 0);
    st_buf_put(b, "fxfx", 4);
    put_str(b, "s3://b/t/data/b.parquet");
    put_long(b, 0);                       /* m: empty */
    put_str(b, "AVRO");
    put_long(b, 0);                       /* partition: null */
    put_long(b, 0);
    put_long(b, 0);
    put_long(b, 0);                       /* column_sizes: null */
    put_long(b, 0);                       /* lower_bounds: empty */
    put_long(b, 0);                       /* split_offsets: null */
    put_long(b, 0);                       /* equality_ids: empty */
    put_long(b, 0);                       /* sort_order_id: null */
    put_long(b, 0);                       /* u3: null */
    put_long(b, 0);                       /* status EXISTING */
    put_long(b, 1);                       /* snapshot_id: null */
    put_long(b, 0);                       /* ra: empty */
}

static const char *const ODD_META[] = {"format-version", "2", "partition-spec-id", "4",
                                       "content", "data"};

static void odd_manifest(st_buf *f, st_buf *block)
{
    int64_t count = 2;
    st_buf_clear(block);
    odd_entry_full(block, 1);
    odd_entry_nulls(block);
    container(f, ODD_SCHEMA, ODD_META, 3, 1, &count, block);
}

void test_spec_manifest_decode__odd_layouts(void)
{
    st_buf f = ST_BUF_INIT, block = ST_BUF_INIT;
    st_manifest *m;
    st_manifest_file mf;
    odd_manifest(&f, &block);
    memset(&mf, 0, sizeof mf);
    mf.sequence_number = 6;
    mf.added_snapshot_id = 99;
    mf.first_row_id = ST_NULL64;
    st_pass(st_manifest_read_buffer(&m, f.ptr, f.len, "odd.avro", &mf, NULL));
    st_assert_eq_i64(m->format_version, 2);
    st_assert_eq_i64(m->spec_id, 4);
    st_assert_eq_i64(m->n_entries, 2);

    const st_manifest_entry *e = &m->entries[0];
    const st_data_file *df = &e->file;
    st_assert_eq_i64(e->status, ST_ENTRY_ADDED);
    st_assert_eq_i64(e->snapshot_id, 42);
    st_assert_eq_i64(e->sequence_number, 6); /* ADDED inherits */
    st_assert_eq_str(df->file_path, "s3://b/t/data/a.parquet");
    st_assert_eq_str(df->file_format, "PARQUET");
    st_assert_eq_i64(df->record_count, 5);
    st_assert_eq_i64(df->file_size_in_bytes, 1234);
    st_assert_eq_i64(df->sort_order_id, 3);
    st_assert_eq_i64(df->spec_id, 4);
    st_assert_eq_i64(df->n_partition, 6);
    st_assert_eq_i64(df->partition[0].type, ST_TYPE_BOOLEAN);
    st_assert_eq_i64(df->partition[0].v.b, 1);
    st_assert_eq_i64(df->partition[1].type, ST_TYPE_DOUBLE);
    st_assert_eq_dbl(df->partition[1].v.f64, -0.75);
    st_assert_eq_i64(df->partition[2].type, ST_TYPE_FLOAT);
    st_assert_eq_dbl(df->partition[2].v.f32, 2.5);
    st_assert_eq_i64(df->partition[3].type, ST_TYPE_UUID);
    st_assert_eq_mem(df->partition[3].v.bytes.ptr,
                     "\x01\x23\x45\x67\x89\xab\xcd\xef\x01\x23\x45\x67\x89\xab\xcd\xef", 16);
    st_assert_eq_i64(df->partition[4].type, ST_TYPE_DECIMAL);
    st_assert_eq_i64(df->partition[4].v.dec.lo, 12345);
    st_assert_eq_i64(df->partition[4].scale, 2);
    st_assert_eq_i64(df->partition[5].type, ST_TYPE_TIMESTAMPTZ);
    st_assert(df->partition[5].is_null);
    st_assert_eq_i64(df->n_stats, 3);
    st_assert_eq_i64(df->stats[0].field_id, 1);
    st_assert_eq_i64(df->stats[0].column_size, 10);
    st_assert(df->stats[0].lower == NULL);
    st_assert_eq_i64(df->stats[1].field_id, 3);
    st_assert_eq_i64(df->stats[1].column_size, 30);
    st_assert_eq_i64(df->stats[1].value_count, -1);
    st_assert_eq_i64(df->stats[2].field_id, 7);
    st_assert_eq_i64(df->stats[2].column_size, -1);
    st_assert_eq_i64(df->stats[2].lower_len, 3);
    st_assert_eq_mem(df->stats[2].lower, "abc", 3);
    st_assert(df->stats[2].upper == NULL);
    st_assert_eq_i64(df->n_split_offsets, 2);
    st_assert_eq_i64(df->split_offsets[1], 100);
    st_assert_eq_i64(df->n_equality_ids, 1);
    st_assert_eq_i64(df->equality_ids[0], 9);

    e = &m->entries[1];
    df = &e->file;
    st_assert_eq_i64(e->status, ST_ENTRY_EXISTING);
    st_assert_eq_i64(e->snapshot_id, 99);           /* null: inherited */
    st_assert_eq_i64(e->sequence_number, ST_NULL64); /* EXISTING keeps its (absent) one */
    st_assert_eq_str(df->file_format, "AVRO");
    st_assert_eq_i64(df->sort_order_id, ST_NULL32);
    st_assert_eq_i64(df->n_partition, 6);
    for (int i = 0; i < 6; i++)
        st_assert(df->partition[i].is_null);
    st_assert_eq_i64(df->partition[4].type, ST_TYPE_DECIMAL);
    st_assert_eq_i64(df->n_stats, 0);
    st_assert_eq_i64(df->n_split_offsets, 0);
    st_assert(df->split_offsets == NULL);
    st_assert_eq_i64(df->n_equality_ids, 0);
    st_manifest_free(m);

    /* a partition type: fields the file lacks read as null, fields it lacks
     * in the type are skipped */
    st_type *pt, *dec;
    st_pass(st_type_decimal_new(&dec, 9, 2));
    st_field pf[3] = {{1004, "dec", 0, dec, NULL},
                      {1000, "b", 0, st_type_primitive(ST_TYPE_BOOLEAN), NULL},
                      {1999, "gone", 0, st_type_primitive(ST_TYPE_LONG), NULL}};
    st_pass(st_type_struct_new(&pt, pf, 3));
    st_type_free(dec);
    st_pass(st_manifest_read_buffer(&m, f.ptr, f.len, "odd.avro", NULL, pt));
    df = &m->entries[0].file;
    st_assert_eq_i64(df->n_partition, 3);
    st_assert_eq_i64(df->partition[0].v.dec.lo, 12345);
    st_assert_eq_i64(df->partition[1].v.b, 1);
    st_assert(df->partition[2].is_null);
    st_assert_eq_i64(df->partition[2].type, ST_TYPE_LONG);
    st_assert_eq_i64(m->entries[0].sequence_number, ST_NULL64); /* no list entry */
    st_manifest_free(m);
    st_type_free(pt);

    st_buf_dispose(&f);
    st_buf_dispose(&block);
}

/* One block holding `entries` made by `fill`, read back: the error and message. */
static void expect_corrupt(const char *schema, void (*fill)(st_buf *), int64_t count,
                           const char *message)
{
    st_buf f = ST_BUF_INIT, block = ST_BUF_INIT;
    st_manifest *m;
    fill(&block);
    container(&f, schema, ODD_META, 3, 1, &count, &block);
    st_fail_with(ST_ECORRUPT, st_manifest_read_buffer(&m, f.ptr, f.len, "bad.avro", NULL, NULL));
    st_assert_contains(st_error_last()->message, "'bad.avro'");
    st_assert_contains(st_error_last()->message, message);
    st_buf_dispose(&f);
    st_buf_dispose(&block);
}

static void fill_bad_status(st_buf *b) { odd_entry_full(b, 3); }

static void fill_trailing(st_buf *b)
{
    odd_entry_full(b, 1);
    st_buf_putc(b, 0);
}

static void fill_truncated(st_buf *b)
{
    odd_entry_full(b, 1);
    odd_entry_nulls(b);
    b->len -= 3;
}

static void fill_bad_branch(st_buf *b)
{
    odd_entry_full(b, 1);
    odd_entry_nulls(b);
    /* entry 1's last byte before the status: u3's branch, made 3 */
    b->ptr[b->len - 4] = 6;
}

static void fill_null_list_item(st_buf *b)
{
    st_buf full = ST_BUF_INIT;
    odd_entry_full(&full, 1);
    /* the first split offset's branch (1 -> 0: null) sits after the lower
     * bounds' "abc", their end (0), the list's union branch and its count */
    uint8_t *abc = memmem(full.ptr, full.len, "abc", 3);
    st_assert(abc != NULL && abc[6] == 2);
    abc[6] = 0;
    st_buf_put(b, full.ptr, full.len);
    st_buf_dispose(&full);
}

void test_spec_manifest_decode__corrupt_records(void)
{
    expect_corrupt(ODD_SCHEMA, fill_bad_status, 1, "entry 0: status is not 0, 1 or 2");
    expect_corrupt(ODD_SCHEMA, fill_trailing, 1, "holds bytes past its record count");
    expect_corrupt(ODD_SCHEMA, fill_truncated, 2, "record 1 of the block at offset");
    expect_corrupt(ODD_SCHEMA, fill_bad_branch, 2, "record 1 of the block at offset");
    expect_corrupt(ODD_SCHEMA, fill_null_list_item, 1, "entry 0: bad list");
    /* more records than the bytes can hold */
    expect_corrupt(ODD_SCHEMA, fill_trailing, 1000, "claims more records than it holds");
}

/* The list schema Java writes for v2, with its fields shuffled, a field to
 * skip, the summaries behind a union, and a 504 named as before 0.12. */
static const char *ODD_LIST_SCHEMA =
    "{\"type\":\"record\",\"name\":\"manifest_file\",\"fields\":["
    "{\"name\":\"added_snapshot_id\",\"type\":\"long\",\"field-id\":503},"
    "{\"name\":\"manifest_path\",\"type\":\"string\",\"field-id\":500},"
    "{\"name\":\"zz\",\"type\":{\"type\":\"map\","
    "\"values\":{\"type\":\"array\",\"items\":\"int\"}}},"
    "{\"name\":\"manifest_length\",\"type\":\"long\",\"field-id\":501},"
    "{\"name\":\"partition_spec_id\",\"type\":\"int\",\"field-id\":502},"
    "{\"name\":\"content\",\"type\":\"int\",\"field-id\":517},"
    "{\"name\":\"sequence_number\",\"type\":\"long\",\"field-id\":515},"
    "{\"name\":\"added_data_files_count\",\"type\":[\"null\",\"int\"],\"field-id\":504},"
    "{\"name\":\"partitions\",\"field-id\":507,\"type\":[\"null\",{\"type\":\"array\","
    "\"items\":[\"null\",{\"type\":\"record\",\"name\":\"r508\",\"fields\":["
    "{\"name\":\"lower_bound\",\"type\":[\"null\",\"bytes\"],\"field-id\":510},"
    "{\"name\":\"contains_null\",\"type\":\"boolean\",\"field-id\":509},"
    "{\"name\":\"q\",\"type\":\"float\"},"
    "{\"name\":\"contains_nan\",\"type\":[\"boolean\",\"null\"],\"field-id\":518}]}]}]},"
    "{\"name\":\"key_metadata\",\"type\":[\"null\",\"bytes\"],\"field-id\":519}]}";

static void odd_list_entry(st_buf *b, int with_summaries)
{
    float q = 1;
    put_long(b, 77);
    put_str(b, "s3://b/t/metadata/m0.avro");
    put_long(b, 1);                       /* zz: one entry, an array of one */
    put_str(b, "k");
    put_long(b, 1);
    put_long(b, 5);
    put_long(b, 0);
    put_long(b, 0);
    put_long(b, 4321);
    put_long(b, 2);
    put_long(b, 1);
    put_long(b, 8);
    put_long(b, 1);                       /* added files: 3 */
    put_long(b, 3);
    if (with_summaries) {
        put_long(b, 1);
        put_long(b, 2);
        put_long(b, 1);                   /* summary 0: lower "lo", nan false */
        put_long(b, 1);
        put_str(b, "lo");
        st_buf_putc(b, 1);
        st_buf_put(b, &q, 4);
        put_long(b, 0);
        st_buf_putc(b, 0);
        put_long(b, 1);                   /* summary 1: no lower, nan null */
        put_long(b, 0);
        st_buf_putc(b, 0);
        st_buf_put(b, &q, 4);
        put_long(b, 1);
        put_long(b, 0);
    } else {
        put_long(b, 0);
    }
    put_long(b, 1);                       /* key_metadata */
    put_bytes(b, "\0k", 2);
}

static void odd_list(st_buf *f, st_buf *block)
{
    int64_t count = 2;
    static const char *const meta[] = {"format-version", "2"};
    st_buf_clear(block);
    odd_list_entry(block, 1);
    odd_list_entry(block, 0);
    container(f, ODD_LIST_SCHEMA, meta, 1, 1, &count, block);
}

void test_spec_manifest_decode__odd_list(void)
{
    st_buf f = ST_BUF_INIT, block = ST_BUF_INIT;
    st_manifest_list *l;
    odd_list(&f, &block);
    st_pass(st_manifest_list_read_buffer(&l, f.ptr, f.len, "list.avro"));
    st_assert_eq_i64(l->n_files, 2);
    const st_manifest_file *mf = &l->files[0];
    st_assert_eq_str(mf->manifest_path, "s3://b/t/metadata/m0.avro");
    st_assert_eq_i64(mf->added_snapshot_id, 77);
    st_assert_eq_i64(mf->manifest_length, 4321);
    st_assert_eq_i64(mf->partition_spec_id, 2);
    st_assert_eq_i64(mf->content, 1);
    st_assert_eq_i64(mf->sequence_number, 8);
    st_assert_eq_i64(mf->min_sequence_number, 0);
    st_assert_eq_i64(mf->added_files_count, 3);
    st_assert_eq_i64(mf->existing_files_count, -1);
    st_assert_eq_i64(mf->added_rows_count, -1);
    st_assert_eq_i64(mf->first_row_id, ST_NULL64);
    st_assert_eq_i64(mf->key_metadata_len, 2);
    st_assert_eq_mem(mf->key_metadata, "\0k", 2);
    st_assert_eq_i64(mf->n_partitions, 2);
    st_assert_eq_i64(mf->partitions[0].contains_null, 1);
    st_assert_eq_i64(mf->partitions[0].contains_nan, 0);
    st_assert_eq_mem(mf->partitions[0].lower, "lo", 2);
    st_assert(mf->partitions[0].upper == NULL);
    st_assert_eq_i64(mf->partitions[1].contains_null, 0);
    st_assert_eq_i64(mf->partitions[1].contains_nan, -1);
    st_assert(mf->partitions[1].lower == NULL);
    st_assert_eq_i64(l->files[1].n_partitions, 0);
    st_assert(l->files[1].partitions == NULL);
    st_manifest_list_free(l);

    /* a null summary */
    st_buf_clear(&block);
    odd_list_entry(&block, 1);
    uint8_t *lo = memmem(block.ptr, block.len, "lo", 2);
    st_assert(lo != NULL);
    st_assert(lo[-3] == 2);
    lo[-3] = 0; /* summary 0's union branch: null */
    int64_t count = 1;
    container(&f, ODD_LIST_SCHEMA, NULL, 0, 1, &count, &block);
    st_fail_with(ST_ECORRUPT, st_manifest_list_read_buffer(&l, f.ptr, f.len, "list.avro"));
    st_assert_contains(st_error_last()->message, "'list.avro': partition summary 0 is null");

    st_buf_dispose(&f);
    st_buf_dispose(&block);
}

/* ============================================================ corruption */

/* A small deterministic generator (xorshift64). */
static uint64_t rnd(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

/* Reads `len` bytes as a manifest (with and without a list entry) and as a
 * list: every outcome is a result or a clean error naming the file; a result
 * is walked whole so ASan sees any bad pointer. */
static void read_any(const uint8_t *data, size_t len, const char *what, size_t where)
{
    st_manifest *m;
    st_manifest_list *l;
    st_manifest_file mf;
    st_buf dump = ST_BUF_INIT;
    int rc;
    memset(&mf, 0, sizeof mf);
    mf.sequence_number = 2;
    mf.added_snapshot_id = 5;
    mf.first_row_id = 1000;
    for (int pass = 0; pass < 2; pass++) {
        rc = st_manifest_read_buffer(&m, data, len, "cut.avro", pass ? &mf : NULL, NULL);
        st_assert_msg(rc == 0 || rc == ST_ECORRUPT || rc == ST_EUNSUPPORTED,
                      "%s at %zu: manifest read gave %d (%s)", what, where, rc,
                      st_error_last()->message);
        if (rc == 0) {
            dump_manifest(&dump, m);
            st_manifest_free(m);
        } else {
            st_assert_msg(strstr(st_error_last()->message, "cut.avro") != NULL,
                          "%s at %zu: '%s' does not name the file", what, where,
                          st_error_last()->message);
        }
    }
    rc = st_manifest_list_read_buffer(&l, data, len, "cut.avro");
    st_assert_msg(rc == 0 || rc == ST_ECORRUPT || rc == ST_EUNSUPPORTED,
                  "%s at %zu: list read gave %d (%s)", what, where, rc, st_error_last()->message);
    if (rc == 0) {
        dump_list(&dump, l);
        st_manifest_list_free(l);
    }
    st_buf_dispose(&dump);
}

/* Truncations: every cut in the last 300 bytes, and `n_random` cuts anywhere. */
static void truncations(const uint8_t *data, size_t len, int n_random, uint64_t seed)
{
    /* a copy of exactly the cut length, so ASan catches any read past it */
    for (size_t back = 1; back <= 300 && back <= len; back++) {
        uint8_t *cut = st_memdup(data, len - back);
        read_any(cut ? cut : (const uint8_t *)"", len - back, "cut", len - back);
        st_free(cut);
    }
    for (int i = 0; i < n_random; i++) {
        size_t at = (size_t)(rnd(&seed) % len);
        uint8_t *cut = st_memdup(data, at);
        read_any(cut ? cut : (const uint8_t *)"", at, "cut", at);
        st_free(cut);
    }
}

/* Flips: every byte from `from` on XORed with 0x01, 0x80 and 0xff (step
 * `step`), then `n_random` random bytes with random masks. */
static void flips(const uint8_t *data, size_t len, size_t from, size_t step, int n_random,
                  uint64_t seed)
{
    uint8_t *copy = st_memdup(data, len);
    static const uint8_t masks[] = {0x01, 0x80, 0xff};
    for (size_t i = from; i < len; i += step)
        for (int k = 0; k < 3; k++) {
            copy[i] ^= masks[k];
            read_any(copy, len, "flip", i);
            copy[i] ^= masks[k];
        }
    for (int i = 0; i < n_random; i++) {
        size_t at = from + (size_t)(rnd(&seed) % (len - from));
        uint8_t mask = (uint8_t)(rnd(&seed) | 1);
        copy[at] ^= mask;
        read_any(copy, len, "flip", at);
        copy[at] ^= mask;
    }
    st_free(copy);
}

/* Where the first block starts: after the header's sync marker. */
static size_t first_block(const uint8_t *data, size_t len)
{
    const uint8_t *s = memmem(data, len, SYNC, 16);
    st_assert(s != NULL);
    return (size_t)(s - data) + 16;
}

void test_spec_manifest_decode__truncated_manifests(void)
{
    static const char *files[] = {
        FIX "spark-v2-lineitem-sf001/metadata/179b4fb1-0366-4f7d-ad35-99ee8da0abf5-m0.avro",
        FIX "icebird-spark-rename-column/metadata/abf62b15-903b-40b6-9e6b-26bcdceac9b3-m0.avro",
        FIX "icebird-java-bunnies/metadata/snap-9158179788527662767-1-a01399a1-e864-4562-b921-"
            "c8cb56e6e4a9.avro",
    };
    st_buf null_codec = ST_BUF_INIT;
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        size_t len;
        uint8_t *data = st_test_read_file(st_test_resource(files[i]), &len);
        truncations(data, len, 100, 0x9e3779b97f4a7c15ULL + i);
        reframe_null(&null_codec, data, len);
        truncations(null_codec.ptr, null_codec.len, 100, 0x2545f4914f6cdd1dULL + i);
        free(data);
    }
    st_buf_dispose(&null_codec);
}

void test_spec_manifest_decode__flipped_blocks(void)
{
    static const char *files[] = {
        FIX "icebird-spark-rename-column/metadata/abf62b15-903b-40b6-9e6b-26bcdceac9b3-m0.avro",
        FIX "icebird-spark-rename-column/metadata/snap-5276958600260276572-1-abf62b15-903b-40b6-"
            "9e6b-26bcdceac9b3.avro",
    };
    st_buf f = ST_BUF_INIT, block = ST_BUF_INIT;
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        size_t len;
        uint8_t *data = st_test_read_file(st_test_resource(files[i]), &len);
        /* deflate blocks: a sample (inflate catches most flips) */
        flips(data, len, 0, 7, 300, 0x1234567ULL + i);
        /* stored blocks: every byte of the records */
        reframe_null(&f, data, len);
        flips(f.ptr, f.len, first_block(f.ptr, f.len), 1, 300, 0x7654321ULL + i);
        free(data);
    }
    odd_manifest(&f, &block);
    flips(f.ptr, f.len, first_block(f.ptr, f.len), 1, 300, 0xabcdefULL);
    truncations(f.ptr, f.len, 0, 1);
    odd_list(&f, &block);
    flips(f.ptr, f.len, first_block(f.ptr, f.len), 1, 300, 0xfedcbaULL);
    truncations(f.ptr, f.len, 0, 1);
    st_buf_dispose(&f);
    st_buf_dispose(&block);
}

/* The schema text: flips in it give a clean error or a manifest, never a crash. */
void test_spec_manifest_decode__flipped_schema(void)
{
    st_buf f = ST_BUF_INIT, block = ST_BUF_INIT;
    odd_manifest(&f, &block);
    size_t start = (size_t)((const uint8_t *)memmem(f.ptr, f.len, "{\"type\"", 7) - f.ptr);
    size_t end = first_block(f.ptr, f.len);
    uint8_t *copy = st_memdup(f.ptr, f.len);
    static const uint8_t set[] = {'"', '{', '}', '[', ']', ',', ':', '\\', 0, 0x80, 'u', '1'};
    for (size_t i = start; i < end; i++)
        for (size_t k = 0; k < sizeof set; k++) {
            uint8_t was = copy[i];
            copy[i] = set[k];
            read_any(copy, f.len, "schema byte", i);
            copy[i] = was;
        }
    st_free(copy);
    st_buf_dispose(&f);
    st_buf_dispose(&block);
}

void test_spec_manifest_decode__allocation_failures(void)
{
    st_buf f = ST_BUF_INIT, block = ST_BUF_INIT;
    long n, done;
    odd_manifest(&f, &block);
    for (n = 0;; n++) {
        st_manifest *m = NULL;
        st_alloc_fail_after(n);
        int rc = st_manifest_read_buffer(&m, f.ptr, f.len, "odd.avro", NULL, NULL);
        done = st_alloc_fail_after(-1);
        st_manifest_free(m);
        if (rc == 0 && done <= n)
            break;
        st_assert_msg(rc == 0 || rc == ST_ENOMEM, "manifest: failing allocation %ld gave %d (%s)",
                      n, rc, st_error_last()->message);
    }
    st_assert(n > 5);
    odd_list(&f, &block);
    for (n = 0;; n++) {
        st_manifest_list *l = NULL;
        st_alloc_fail_after(n);
        int rc = st_manifest_list_read_buffer(&l, f.ptr, f.len, "list.avro");
        done = st_alloc_fail_after(-1);
        st_manifest_list_free(l);
        if (rc == 0 && done <= n)
            break;
        st_assert_msg(rc == 0 || rc == ST_ENOMEM, "list: failing allocation %ld gave %d (%s)", n,
                      rc, st_error_last()->message);
    }
    st_assert(n > 5);
    st_buf_dispose(&f);
    st_buf_dispose(&block);
}
