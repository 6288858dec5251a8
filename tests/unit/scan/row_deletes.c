/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Row-level deletes on tables SuperTable wrote: position-delete files,
 * equality-delete files (v2) and deletion vectors in Puffin files (v3),
 * committed as Spark or Java would (a delete manifest in a new snapshot), then
 * read back through scans, with the sequence-number rules and time travel.
 */
#include <zlib.h>

#include "scan_helpers.h"
#include "spec/update.h"
#include "util/alloc.h"
#include "table/table_int.h"
#include "table/txn_int.h"

#define POS_PATH_ID 2147483546
#define POS_POS_ID 2147483545

/* The recorded path of the table's only data file (or of the i-th). */
static char *data_path(st_table *t, size_t i)
{
    st_file_info *fi;
    size_t n;
    st_pass(st_table_files(t, -1, &fi, &n));
    st_assert(i < n);
    char *p = strdup(fi[i].path);
    st_file_infos_free(fi, n);
    return p;
}

static const char *local(const char *p)
{
    return strncmp(p, "file://", 7) == 0 ? p + 7 : strncmp(p, "file:", 5) == 0 ? p + 5 : p;
}

/* Commits a snapshot adding one delete manifest with these delete files. */
static int64_t commit_deletes(st_table *t, st_data_file *files, int n, st_content content)
{
    const st_table_metadata *md = t->md;
    const st_snapshot *cur = st_metadata_current_snapshot(md);
    const st_schema *schema = st_metadata_current_schema(md);
    const st_partition_spec *spec = st_metadata_default_spec(md);
    st_arena a = ST_ARENA_INIT;
    st_manifest_file *mfs = NULL;
    int n_mfs = 0;
    st_pass(st_snapshot_manifests(t, md, cur, &a, &mfs, &n_mfs));
    int64_t sid = 0;
    st_random_bytes(&sid, sizeof sid);
    sid &= INT64_MAX;
    int64_t seq = md->last_sequence_number + 1;

    char mpath[4096], lpath[4096];
    snprintf(mpath, sizeof mpath, "%s/metadata/del-%lld.avro", local(md->location),
             (long long)sid);
    snprintf(lpath, sizeof lpath, "%s/metadata/snap-%lld-1-del.avro", local(md->location),
             (long long)sid);
    st_type *ptype = NULL;
    char *schema_json = NULL;
    st_pass(st_partition_type(&ptype, spec, schema->type));
    st_pass(st_schema_to_json(&schema_json, schema));
    st_manifest_writer_options wo = {md->format_version, spec, ptype, schema, content, sid,
                                     schema_json};
    st_manifest_writer *w;
    st_pass(st_manifest_writer_open(&w, mpath, &wo));
    for (int i = 0; i < n; i++) {
        st_manifest_entry e;
        memset(&e, 0, sizeof e);
        e.status = ST_ENTRY_ADDED;
        e.snapshot_id = ST_NULL64;
        e.sequence_number = ST_NULL64;
        e.file_sequence_number = ST_NULL64;
        e.file = files[i];
        st_pass(st_manifest_writer_add(w, &e));
    }
    st_manifest_file *all = calloc((size_t)n_mfs + 1, sizeof *all);
    memcpy(all, mfs, sizeof *all * (size_t)n_mfs);
    st_pass(st_manifest_writer_close(w, &all[n_mfs], &a));
    st_manifest_list_write_options lo = {md->format_version, sid, cur->snapshot_id, seq,
                                         md->format_version >= 3 ? md->next_row_id : ST_NULL64};
    st_pass(st_manifest_list_write(lpath, all, n_mfs + 1, &lo));

    st_change c;
    st_change_init(&c);
    st_update *u = st_change_add_update(&c, ST_UPD_ADD_SNAPSHOT);
    u->snapshot.snapshot_id = sid;
    u->snapshot.parent_id = cur->snapshot_id;
    u->snapshot.sequence_number = seq;
    u->snapshot.timestamp_ms = st_now_ms();
    u->snapshot.manifest_list = st_strdup(lpath);
    u->snapshot.schema_id = schema->schema_id;
    st_pass(st_props_set(&u->snapshot.summary, "operation", "delete"));
    if (md->format_version >= 3) {
        u->snapshot.first_row_id = md->next_row_id;
        u->snapshot.added_rows = 0;
    }
    u = st_change_add_update(&c, ST_UPD_SET_SNAPSHOT_REF);
    u->ref.name = st_strdup("main");
    u->ref.snapshot_id = sid;
    st_table_metadata *next = NULL;
    int changed = 0;
    st_pass(st_updates_apply(&next, &changed, md, c.updates, c.n_updates, st_now_ms()));
    char *loc = NULL;
    st_pass(st_table_publish(t, md->metadata_location, next, &loc));
    st_free(loc);
    st_metadata_free(next);
    st_change_free(&c);
    st_pass(st_table_refresh(t));
    free(all);
    st_free(schema_json);
    st_type_free(ptype);
    st_arena_dispose(&a);
    return sid;
}

static st_data_file delete_file(const char *path, st_content content, int64_t rows)
{
    st_data_file f;
    memset(&f, 0, sizeof f);
    f.content = content;
    f.file_path = path;
    f.file_format = "PARQUET";
    f.record_count = rows;
    FILE *fp = fopen(local(path), "rb");
    if (fp) {
        fseek(fp, 0, SEEK_END);
        f.file_size_in_bytes = ftell(fp);
        fclose(fp);
    }
    f.sort_order_id = ST_NULL32;
    f.first_row_id = ST_NULL64;
    f.content_offset = ST_NULL64;
    f.content_size_in_bytes = ST_NULL64;
    return f;
}

/* A position-delete Parquet file: (path, pos) rows. */
static void write_pos_deletes(const char *out, const char *path, const int64_t *pos, int n)
{
    st_type *schema;
    st_pass(st_schema_parse(&schema, "file_path string not null, pos long not null"));
    schema->fields[0].id = POS_PATH_ID;
    schema->fields[1].id = POS_POS_ID;
    st_batch *b;
    st_pass(st_batch_new(&b, schema, n));
    for (int i = 0; i < n; i++) {
        st_pass(st_vector_append_bytes(b->columns[0], path, strlen(path)));
        st_pass(st_vector_append_i64(b->columns[1], pos[i]));
    }
    st_pass(st_batch_seal(b));
    st_parquet_writer *w;
    st_pass(st_parquet_writer_open(&w, out, schema, NULL));
    st_pass(st_parquet_writer_write(w, b));
    st_pass(st_parquet_writer_close(w, NULL));
    st_batch_free(b);
    st_type_free(schema);
}

void test_scan_row_deletes__position_deletes(void)
{
    st_catalog *c = tt_catalog();
    st_table *t = tt_create(c, "db.t", "id long, name string", NULL, NULL, 2);
    tt_append(t, 0, 10);
    int64_t before = st_table_current_snapshot_id(t);
    char *dp = data_path(t, 0);
    char out[4096];
    snprintf(out, sizeof out, "%s/data/pos-1.parquet", local(t->md->location));
    int64_t pos[] = {2, 5, 9};
    write_pos_deletes(out, dp, pos, 3);
    st_data_file df = delete_file(out, ST_CONTENT_POSITION_DELETES, 3);
    commit_deletes(t, &df, 1, ST_CONTENT_POSITION_DELETES);
    st_assert_eq_str(ts_where(t, "id < 10"),
                     "0,\"s0\";1,\"s1\";3,\"s3\";4,\"s4\";6,\"s6\";7,\"s7\";8,\"s8\"");
    st_assert_eq_str(ts_where(t, "id >= 5"), "6,\"s6\";7,\"s7\";8,\"s8\"");
    st_scan_options o = ST_SCAN_OPTIONS_INIT;
    o.snapshot_id = before;
    st_assert_eq_i64(ts_count(t, &o), 10);

    /* counters */
    st_scan *s;
    st_pass(st_table_scan(&s, t, NULL));
    ts_rows rows;
    st_pass(ts_read(s, &rows));
    ts_rows_free(&rows);
    st_scan_metrics m;
    st_scan_get_metrics(s, &m);
    st_assert_eq_i64(m.delete_files_read, 1);
    st_assert_eq_i64(m.rows_read, 10);
    st_assert_eq_i64(m.rows_deleted, 3);
    st_assert_eq_i64(m.rows_returned, 7);
    st_scan_free(s);

    /* rows appended later are not touched by the older delete (same positions) */
    tt_append(t, 100, 110);
    st_assert_eq_i64(ts_count(t, NULL), 17);

    /* a position delete naming another path does not apply */
    snprintf(out, sizeof out, "%s/data/pos-2.parquet", local(t->md->location));
    int64_t p0[] = {0};
    write_pos_deletes(out, "/elsewhere/x.parquet", p0, 1);
    df = delete_file(out, ST_CONTENT_POSITION_DELETES, 1);
    commit_deletes(t, &df, 1, ST_CONTENT_POSITION_DELETES);
    st_assert_eq_i64(ts_count(t, NULL), 17);

    /* a missing delete file fails the read, naming it */
    st_assert(remove(local(out)) == 0);
    st_batch_reader *r;
    st_batch *b = NULL;
    st_pass(st_table_scan(&s, t, NULL));
    st_pass(st_scan_reader(&r, s));
    st_assert(st_batch_reader_next(r, &b) < 0);
    st_assert_contains(st_error_last()->message, "pos-2.parquet");
    st_batch_reader_free(r);
    st_scan_free(s);
    free(dp);
    st_table_free(t);
    st_catalog_free(c);
}

void test_scan_row_deletes__equality_deletes_and_sequence_numbers(void)
{
    st_catalog *c = tt_catalog();
    st_table *t = tt_create(c, "db.t", "id long, name string", NULL, NULL, 2);
    tt_append(t, 0, 6);
    tt_append(t, 100, 103);
    /* delete id 2 and 4 by an equality-delete file on id (field 1) */
    char out[4096];
    snprintf(out, sizeof out, "%s/data/eq-1.parquet", local(t->md->location));
    st_type *ks;
    st_pass(st_schema_parse(&ks, "id long"));
    ks->fields[0].id = 1;
    int64_t keys[] = {2, 4};
    st_batch *b = tt_longs(ks, keys, 2);
    st_parquet_writer *w;
    st_pass(st_parquet_writer_open(&w, out, ks, NULL));
    st_pass(st_parquet_writer_write(w, b));
    st_pass(st_parquet_writer_close(w, NULL));
    st_batch_free(b);
    st_type_free(ks);
    st_data_file df = delete_file(out, ST_CONTENT_EQUALITY_DELETES, 2);
    int32_t eq_ids[] = {1};
    df.equality_ids = eq_ids;
    df.n_equality_ids = 1;
    df.n_stats = 1;
    st_column_stats ks_stats = {1, 10, 2, 0, -1, (const uint8_t *)"\2\0\0\0\0\0\0\0", 8,
                                (const uint8_t *)"\4\0\0\0\0\0\0\0", 8};
    df.stats = &ks_stats;
    commit_deletes(t, &df, 1, ST_CONTENT_EQUALITY_DELETES);
    st_assert_eq_str(ts_where(t, "id < 100"), "0,\"s0\";1,\"s1\";3,\"s3\";5,\"s5\"");
    st_assert_eq_i64(ts_count(t, NULL), 7);
    /* the delete's key range [2, 4] keeps it off the file of ids 100..102 */
    st_scan *s;
    st_pass(st_table_scan(&s, t, NULL));
    st_assert_eq_i64((int64_t)st_scan_task_count(s), 2);
    int with_eq = 0;
    for (size_t i = 0; i < st_scan_task_count(s); i++) {
        st_scan_task_info ti;
        st_pass(st_scan_task(s, i, &ti));
        with_eq += ti.n_equality_deletes;
    }
    st_assert_eq_i64(with_eq, 1);
    st_scan_free(s);
    /* re-inserting id 2 later: the older equality delete does not apply to it */
    tt_append(t, 2, 3);
    st_assert_eq_str(ts_where(t, "id < 100"), "0,\"s0\";1,\"s1\";2,\"s2\";3,\"s3\";5,\"s5\"");
    st_assert_eq_str(ts_where(t, "name = 's2' OR name = 's4'"), "2,\"s2\"");
    /* only the name column asked: the key column is still read for the delete */
    st_scan_options o = ST_SCAN_OPTIONS_INIT;
    const char *cols[] = {"name", NULL};
    o.columns = cols;
    st_assert_eq_str(ts_scan(t, &o),
                     "\"s0\";\"s1\";\"s100\";\"s101\";\"s102\";\"s2\";\"s3\";\"s5\"");
    st_table_free(t);
    st_catalog_free(c);
}

/* ------------------------------------------------------ deletion vectors */

static void put_le(uint8_t *p, uint64_t v, int n)
{
    for (int i = 0; i < n; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static void put_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

/* A deletion-vector blob for positions < 65536 (one array container). */
static size_t dv_blob(uint8_t *out, const uint16_t *pos, int n)
{
    uint8_t vec[4096];
    size_t k = 0;
    put_le(vec + k, 1, 8);                 /* one 32-bit bitmap */
    k += 8;
    put_le(vec + k, 0, 4);                 /* its key: high 32 bits 0 */
    k += 4;
    put_le(vec + k, 12346, 4);             /* no runs */
    k += 4;
    put_le(vec + k, 1, 4);                 /* one container */
    k += 4;
    put_le(vec + k, 0, 2);                 /* key 0 */
    put_le(vec + k + 2, (uint64_t)(n - 1), 2);
    k += 4;
    put_le(vec + k, 4 + 4 + 4 + 4, 4);    /* offset of the container from the bitmap's start */
    k += 4;
    for (int i = 0; i < n; i++, k += 2)
        put_le(vec + k, pos[i], 2);
    /* framing: length (magic + vector), magic, vector, CRC of magic + vector */
    static const uint8_t magic[4] = {0xD1, 0xD3, 0x39, 0x64};
    put_be32(out, (uint32_t)(4 + k));
    memcpy(out + 4, magic, 4);
    memcpy(out + 8, vec, k);
    uLong crc = crc32(0, out + 4, (uInt)(4 + k));
    put_be32(out + 8 + k, (uint32_t)crc);
    return 12 + k;
}

void test_scan_row_deletes__deletion_vectors_v3(void)
{
    st_catalog *c = tt_catalog();
    st_table *t = tt_create(c, "db.t", "id long, name string", NULL, NULL, 3);
    tt_append(t, 0, 10);
    int64_t before = st_table_current_snapshot_id(t);
    char *dp = data_path(t, 0);
    uint16_t pos[] = {0, 4, 9};
    uint8_t blob[8192];
    size_t bl = dv_blob(blob, pos, 3);
    /* a Puffin file: magic, the blob, the footer */
    char out[4096];
    snprintf(out, sizeof out, "%s/data/dv-1.puffin", local(t->md->location));
    FILE *fp = fopen(out, "wb");
    fwrite("PFA1", 1, 4, fp);
    fwrite(blob, 1, bl, fp);
    char footer[1024];
    int fl = snprintf(footer, sizeof footer,
                      "{\"blobs\":[{\"type\":\"deletion-vector-v1\",\"fields\":[2147483645],"
                      "\"snapshot-id\":-1,\"sequence-number\":-1,\"offset\":4,\"length\":%zu,"
                      "\"properties\":{\"referenced-data-file\":\"%s\",\"cardinality\":\"3\"}}]}",
                      bl, dp);
    uint8_t tail[12];
    fwrite("PFA1", 1, 4, fp);
    fwrite(footer, 1, (size_t)fl, fp);
    put_le(tail, (uint64_t)fl, 4);
    put_le(tail + 4, 0, 4);
    memcpy(tail + 8, "PFA1", 4);
    fwrite(tail, 1, 12, fp);
    long size = ftell(fp);
    fclose(fp);

    st_data_file df = delete_file(out, ST_CONTENT_POSITION_DELETES, 3);
    df.file_format = "PUFFIN";
    df.file_size_in_bytes = size;
    df.referenced_data_file = dp;
    df.content_offset = 4;
    df.content_size_in_bytes = (int64_t)bl;
    commit_deletes(t, &df, 1, ST_CONTENT_POSITION_DELETES);
    st_assert_eq_str(ts_where(t, NULL),
                     "1,\"s1\";2,\"s2\";3,\"s3\";5,\"s5\";6,\"s6\";7,\"s7\";8,\"s8\"");
    st_scan_options o = ST_SCAN_OPTIONS_INIT;
    o.snapshot_id = before;
    st_assert_eq_i64(ts_count(t, &o), 10);

    /* a damaged blob: the read fails with the file named */
    fp = fopen(out, "r+b");
    fseek(fp, 20, SEEK_SET);
    fputc(0x7f, fp);
    fclose(fp);
    st_scan *s;
    st_batch_reader *r;
    st_batch *b = NULL;
    st_pass(st_table_scan(&s, t, NULL));
    st_pass(st_scan_reader(&r, s));
    st_fail_with(ST_ECORRUPT, st_batch_reader_next(r, &b));
    st_batch_reader_free(r);
    st_scan_free(s);
    free(dp);
    st_table_free(t);
    st_catalog_free(c);
}

/* Equality deletes on a column dropped since still apply (the column is read
 * for them although the schema no longer has it). */
void test_scan_row_deletes__equality_key_dropped_later(void)
{
    st_catalog *c = tt_catalog();
    st_table *t = tt_create(c, "db.t", "id long, name string", NULL, NULL, 2);
    tt_append(t, 0, 4);
    char out[4096];
    snprintf(out, sizeof out, "%s/data/eq-name.parquet", local(t->md->location));
    st_type *ks;
    st_pass(st_schema_parse(&ks, "name string"));
    ks->fields[0].id = 2;
    int64_t keys[] = {1, 3};   /* "s1", "s3" */
    st_batch *b = tt_longs(ks, keys, 2);
    st_parquet_writer *w;
    st_pass(st_parquet_writer_open(&w, out, ks, NULL));
    st_pass(st_parquet_writer_write(w, b));
    st_pass(st_parquet_writer_close(w, NULL));
    st_batch_free(b);
    st_type_free(ks);
    st_data_file df = delete_file(out, ST_CONTENT_EQUALITY_DELETES, 2);
    int32_t eq_ids[] = {2};
    df.equality_ids = eq_ids;
    df.n_equality_ids = 1;
    commit_deletes(t, &df, 1, ST_CONTENT_EQUALITY_DELETES);
    st_assert_eq_str(ts_where(t, NULL), "0,\"s0\";2,\"s2\"");
    st_txn *x;
    int64_t sid;
    st_pass(st_table_begin(&x, t));
    st_pass(st_txn_drop_column(x, "name"));
    st_pass(st_txn_commit(x, &sid));
    st_txn_free(x);
    st_assert_eq_str(ts_where(t, NULL), "0;2");
    st_assert_eq_str(ts_where(t, "id > 0"), "2");
    st_table_free(t);
    st_catalog_free(c);
}
