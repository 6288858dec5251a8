/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The data writer: batches of the table's schema -> Parquet files, one open
 * file per partition (the partition tuple computed by the spec's transforms),
 * rolled at write.target-file-size-bytes, sorted by the table's sort order
 * when it has one, with Iceberg metrics. Files carry the field ids and, as
 * Java writes them, the schema JSON under the key "iceberg.schema".
 *
 * Sorting: rows of a partition are buffered (up to write.sort.buffer-rows,
 * default 1,000,000, or the target file size) and written sorted, so every
 * file is sorted; files of one partition may overlap.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "columnar/batch_ops.h"
#include "columnar/columnar_int.h"
#include "supertable/errors.h"
#include "supertable/parquet.h"
#include "table/table_int.h"
#include "util/alloc.h"
#include "util/fs.h"
#include "util/datetime.h"
#include "util/hash.h"

/* At most this many files open at once; the least recently written closes. */
#define MAX_OPEN_FILES 64

typedef struct part {
    st_value *tuple;             /* in the writer's arena */
    char *path;                  /* "ts_day=2024-03-01/id_bucket=3" ("" unpartitioned) */
    uint8_t *key;
    size_t key_len;
    st_parquet_writer *w;
    char *file_location;         /* the open file's location */
    int64_t last_use;
    int files;                   /* files started for this partition */
    st_batch **pending;          /* sort buffer */
    int n_pending, cap_pending;
    int64_t pending_rows, pending_bytes;
} part;

struct st_data_writer {
    const st_table_metadata *md;
    const st_schema *schema;
    const st_partition_spec *spec;
    const st_sort_order *order;
    st_type *ptype;
    st_location_map lm;
    char uuid[37];
    char *data_dir;
    char *schema_json;
    st_parquet_write_options popts;
    const char *kv[3];
    int64_t target_bytes, sort_rows;

    st_arena arena;              /* tuples and partition paths */
    part *parts;
    int n_parts, cap_parts;
    int *slots;                  /* hash of partition keys -> part index + 1 */
    int n_slots;
    int open_files;
    int64_t clock;

    st_arena out_arena;          /* finished files */
    st_data_file *done;
    int n_done, cap_done;
    int failed;
};

static int prop_codec(const char *v, st_parquet_codec *out)
{
    static const struct {
        const char *name;
        st_parquet_codec codec;
    } C[] = {{"zstd", ST_CODEC_ZSTD},   {"snappy", ST_CODEC_SNAPPY},
             {"gzip", ST_CODEC_GZIP},   {"brotli", ST_CODEC_BROTLI},
             {"lz4", ST_CODEC_LZ4_RAW}, {"uncompressed", ST_CODEC_UNCOMPRESSED},
             {"none", ST_CODEC_UNCOMPRESSED}};
    if (!v)
        return 0;
    for (size_t i = 0; i < sizeof C / sizeof C[0]; i++)
        if (strcasecmp(v, C[i].name) == 0) {
            *out = C[i].codec;
            return 0;
        }
    return st_error_set(ST_EINVALID, ST_ERROR_TABLE,
                        "write.parquet.compression-codec '%s' is not one of zstd, snappy, gzip, "
                        "brotli, lz4, uncompressed",
                        v);
}

int st_data_writer_open(st_data_writer **out, const st_table_metadata *md, const char *txn_uuid,
                        const st_location_map *lm)
{
    st_data_writer *w = st_calloc(1, sizeof *w);
    int rc;
    *out = NULL;
    if (!w)
        return st_error_set_oom();
    w->md = md;
    w->schema = st_metadata_current_schema(md);
    w->spec = st_metadata_default_spec(md);
    w->order = st_metadata_sort_order(md, md->default_sort_order_id);
    if (w->order && w->order->n_fields == 0)
        w->order = NULL;
    snprintf(w->uuid, sizeof w->uuid, "%s", txn_uuid);
    const st_props *p = &md->properties;
    w->target_bytes = st_props_get_i64(p, "write.target-file-size-bytes", 512LL << 20);
    w->sort_rows = st_props_get_i64(p, "write.sort.buffer-rows", 1000000);
    st_parquet_write_options po = ST_PARQUET_WRITE_OPTIONS_INIT;
    w->popts = po;
    if ((rc = prop_codec(st_props_get(p, "write.parquet.compression-codec"), &w->popts.codec)) < 0)
        goto fail;
    w->popts.compression_level = (int)st_props_get_i64(p, "write.parquet.compression-level", 0);
    w->popts.row_group_bytes = st_props_get_i64(p, "write.parquet.row-group-size-bytes", 0);
    w->popts.page_bytes = st_props_get_i64(p, "write.parquet.page-size-bytes", 0);
    w->popts.page_rows = st_props_get_i64(p, "write.parquet.page-row-limit", 0);
    w->popts.dictionary_bytes = st_props_get_i64(p, "write.parquet.dict-size-bytes", 0);
    if (!w->schema) {
        rc = st_error_set(ST_ECORRUPT, ST_ERROR_TABLE, "the table has no current schema");
        goto fail;
    }
    if ((rc = st_location_map_copy(&w->lm, lm)) < 0 ||
        (rc = st_table_data_dir(&w->data_dir, md)) < 0 ||
        (rc = st_schema_to_json(&w->schema_json, w->schema)) < 0)
        goto fail;
    w->kv[0] = "iceberg.schema";
    w->kv[1] = w->schema_json;
    w->kv[2] = NULL;
    w->popts.key_values = w->kv;
    if (w->spec && w->spec->n_fields &&
        (rc = st_partition_type(&w->ptype, w->spec, w->schema->type)) < 0)
        goto fail;
    *out = w;
    return 0;
fail:
    st_data_writer_abort(w);
    return rc;
}

/* ------------------------------------------------------------- columns */

/* The vector of field `id` in the batch (top level or inside structs). */
static const st_vector *column_by_id(const st_type *t, st_vector *const *cols, int32_t id)
{
    for (int i = 0; i < t->n_fields; i++) {
        if (t->fields[i].id == id)
            return cols[i];
        if (t->fields[i].type->id == ST_TYPE_STRUCT) {
            const st_vector *v = column_by_id(t->fields[i].type, cols[i]->children, id);
            if (v)
                return v;
        }
    }
    return NULL;
}

/* ----------------------------------------------------------- partitions */

static int part_key(st_buf *key, st_vector **pv, int nf, int64_t row)
{
    st_buf_clear(key);
    for (int f = 0; f < nf; f++) {
        st_value v;
        int rc;
        st_value_from_vector(&v, pv[f], row);
        if (v.is_null) {
            rc = st_buf_putc(key, 0);
        } else {
            uint8_t tag = 1;
            if ((rc = st_buf_put(key, &tag, 1)) == 0) {
                size_t at = key->len;
                uint32_t len = 0;
                if ((rc = st_buf_put(key, &len, 4)) == 0 && (rc = st_value_to_bytes(key, &v)) == 0) {
                    len = (uint32_t)(key->len - at - 4);
                    memcpy(key->ptr + at, &len, 4);
                }
            }
        }
        if (rc)
            return rc;
    }
    return 0;
}

static int grow_slots(st_data_writer *w)
{
    int n = w->n_slots ? w->n_slots * 2 : 64;
    int *s = st_calloc((size_t)n, sizeof(int));
    if (!s)
        return st_error_set_oom();
    for (int i = 0; i < w->n_parts; i++) {
        uint64_t h = st_xxh64(w->parts[i].key, w->parts[i].key_len, 0);
        int j = (int)(h & (uint64_t)(n - 1));
        while (s[j])
            j = (j + 1) & (n - 1);
        s[j] = i + 1;
    }
    st_free(w->slots);
    w->slots = s;
    w->n_slots = n;
    return 0;
}

/* The part for a key: found, or created from row `row` of the partition vectors. */
static int find_part(st_data_writer *w, const st_buf *key, st_vector **pv, int64_t row, int *out)
{
    if (w->n_parts * 2 >= w->n_slots) {
        int rc = grow_slots(w);
        if (rc)
            return rc;
    }
    uint64_t h = st_xxh64(key->ptr ? key->ptr : (const uint8_t *)"", key->len, 0);
    int j = (int)(h & (uint64_t)(w->n_slots - 1));
    while (w->slots[j]) {
        part *p = &w->parts[w->slots[j] - 1];
        if (p->key_len == key->len && (key->len == 0 || memcmp(p->key, key->ptr, key->len) == 0)) {
            *out = w->slots[j] - 1;
            return 0;
        }
        j = (j + 1) & (w->n_slots - 1);
    }
    if (w->n_parts == w->cap_parts) {
        int cap = w->cap_parts ? 2 * w->cap_parts : 16;
        part *np = st_realloc(w->parts, (size_t)cap * sizeof *np);
        if (!np)
            return st_error_set_oom();
        w->parts = np;
        w->cap_parts = cap;
    }
    part *p = &w->parts[w->n_parts];
    memset(p, 0, sizeof *p);
    int nf = w->ptype ? w->ptype->n_fields : 0;
    p->key = st_arena_alloc(&w->arena, key->len ? key->len : 1);
    p->tuple = st_arena_calloc(&w->arena, (size_t)(nf ? nf : 1), sizeof(st_value));
    if (!p->key || !p->tuple)
        return st_error_set_oom();
    if (key->len)
        memcpy(p->key, key->ptr, key->len);
    p->key_len = key->len;
    for (int f = 0; f < nf; f++) {
        st_value v;
        st_value_from_vector(&v, pv[f], row);
        if (!v.is_null && (v.type == ST_TYPE_STRING || v.type == ST_TYPE_BINARY ||
                           v.type == ST_TYPE_FIXED || v.type == ST_TYPE_UUID)) {
            uint8_t *b = st_arena_alloc(&w->arena, v.v.bytes.len ? v.v.bytes.len : 1);
            if (!b)
                return st_error_set_oom();
            memcpy(b, v.v.bytes.ptr, v.v.bytes.len);
            v.v.bytes.ptr = b;
        }
        p->tuple[f] = v;
    }
    st_buf path = ST_BUF_INIT;
    int rc = nf ? st_partition_path(&path, w->spec, p->tuple) : st_buf_puts(&path, "");
    if (rc == 0 && !(p->path = st_arena_strdup(&w->arena, st_buf_cstr(&path))))
        rc = st_error_set_oom();
    st_buf_dispose(&path);
    if (rc)
        return rc;
    w->slots[j] = ++w->n_parts;
    *out = w->n_parts - 1;
    return 0;
}

/* ---------------------------------------------------------------- files */

static int push_done(st_data_writer *w, const st_data_file *f)
{
    if (w->n_done == w->cap_done) {
        int cap = w->cap_done ? 2 * w->cap_done : 16;
        st_data_file *d = st_realloc(w->done, (size_t)cap * sizeof *d);
        if (!d)
            return st_error_set_oom();
        w->done = d;
        w->cap_done = cap;
    }
    w->done[w->n_done++] = *f;
    return 0;
}

static int close_file(st_data_writer *w, part *p)
{
    st_parquet_file_metrics *m = NULL;
    st_data_file f;
    int rc = st_parquet_writer_close(p->w, &m);
    p->w = NULL;
    w->open_files--;
    if (rc == 0)
        rc = st_data_file_from_parquet(&f, &w->out_arena, p->file_location, m, w->md, w->schema);
    st_parquet_file_metrics_free(m);
    if (rc == 0) {
        int nf = w->ptype ? w->ptype->n_fields : 0;
        f.partition = st_arena_calloc(&w->out_arena, (size_t)(nf ? nf : 1), sizeof(st_value));
        if (!f.partition)
            rc = st_error_set_oom();
        for (int i = 0; rc == 0 && i < nf; i++) {
            f.partition[i] = p->tuple[i];
            if (!p->tuple[i].is_null && (p->tuple[i].type == ST_TYPE_STRING ||
                                         p->tuple[i].type == ST_TYPE_BINARY ||
                                         p->tuple[i].type == ST_TYPE_FIXED ||
                                         p->tuple[i].type == ST_TYPE_UUID)) {
                uint8_t *b = st_arena_alloc(&w->out_arena, p->tuple[i].v.bytes.len + 1);
                if (!b) {
                    rc = st_error_set_oom();
                    break;
                }
                memcpy(b, p->tuple[i].v.bytes.ptr, p->tuple[i].v.bytes.len);
                f.partition[i].v.bytes.ptr = b;
            }
        }
        f.n_partition = nf;
    }
    if (rc == 0)
        rc = push_done(w, &f);
    st_free(p->file_location);
    p->file_location = NULL;
    return rc;
}

static int open_file(st_data_writer *w, part *p, int index)
{
    if (w->open_files >= MAX_OPEN_FILES) {
        /* close the least recently written file of another partition */
        part *lru = NULL;
        for (int i = 0; i < w->n_parts; i++)
            if (w->parts[i].w && &w->parts[i] != p && (!lru || w->parts[i].last_use < lru->last_use))
                lru = &w->parts[i];
        if (lru) {
            int rc = close_file(w, lru);
            if (rc)
                return rc;
        }
    }
    st_buf b = ST_BUF_INIT;
    char *local = NULL;
    int rc = st_buf_printf(&b, "%s/%s%s%05d-%d-%s-%05d.parquet", w->data_dir, p->path,
                           *p->path ? "/" : "", 0, index, w->uuid, ++p->files);
    if (rc == 0)
        rc = st_location_resolve(&local, &w->lm, st_buf_cstr(&b));
    if (rc == 0)
        rc = st_mkdirs_parent(local);
    if (rc == 0)
        rc = st_parquet_writer_open(&p->w, local, w->schema->type, &w->popts);
    st_free(local);
    if (rc) {
        st_buf_dispose(&b);
        return rc;
    }
    p->file_location = (char *)st_buf_detach(&b);
    w->open_files++;
    return 0;
}

static int write_rows(st_data_writer *w, part *p, int index, const st_batch *b)
{
    int rc;
    if (!p->w && (rc = open_file(w, p, index)) < 0)
        return rc;
    p->last_use = ++w->clock;
    if ((rc = st_parquet_writer_write(p->w, b)) < 0)
        return rc;
    if (st_parquet_writer_bytes(p->w) >= w->target_bytes)
        return close_file(w, p);
    return 0;
}

/* Sorted tables: the buffered rows of a partition, merged, sorted, written. */
static int flush_sorted(st_data_writer *w, part *p, int index)
{
    if (!p->n_pending)
        return 0;
    st_batch *all = NULL;
    int rc = st_batch_concat(&all, p->pending, p->n_pending);
    for (int i = 0; i < p->n_pending; i++)
        st_batch_free(p->pending[i]);
    p->n_pending = 0;
    p->pending_rows = p->pending_bytes = 0;
    if (rc)
        return rc;
    st_sort_key keys[64];
    st_vector *tcols[64];
    int nk = 0;
    for (int i = 0; i < w->order->n_fields && nk < 64 && rc == 0; i++) {
        const st_sort_field *sf = &w->order->fields[i];
        const st_vector *src = column_by_id(all->schema, all->columns, sf->source_id);
        if (!src)
            continue;
        tcols[nk] = NULL;
        if (sf->transform.kind != ST_TRANSFORM_IDENTITY) {
            if ((rc = st_transform_apply_vector(&sf->transform, src, &tcols[nk])) < 0)
                break;
            src = tcols[nk];
        }
        keys[nk].column = src;
        keys[nk].descending = sf->descending;
        keys[nk].nulls_first = sf->nulls_first;
        nk++;
    }
    int64_t *idx = NULL;
    st_batch *sorted = NULL;
    if (rc == 0)
        rc = st_batch_sort_indices(&idx, all, keys, nk);
    if (rc == 0)
        rc = st_batch_take(&sorted, all, idx, all->length);
    for (int i = 0; i < nk; i++)
        st_vector_free(tcols[i]);
    st_free(idx);
    st_batch_free(all);
    if (rc == 0) {
        /* one sorted run is one file: close the file around it */
        if (p->w && (rc = close_file(w, p)) < 0) {
            st_batch_free(sorted);
            return rc;
        }
        rc = write_rows(w, p, index, sorted);
        if (rc == 0 && p->w)
            rc = close_file(w, p);
    }
    st_batch_free(sorted);
    return rc;
}

static int64_t batch_bytes(const st_batch *b)
{
    int64_t n = 0;
    for (int i = 0; i < b->n_columns; i++) {
        const st_vector *v = b->columns[i];
        int width = st_type_value_width(v->type);
        n += (width ? width : 8) * v->length + v->data_len;
    }
    return n;
}

static int route(st_data_writer *w, int index, st_batch *rows)
{
    part *p = &w->parts[index];
    if (!w->order)
        return write_rows(w, p, index, rows);
    if (p->n_pending == p->cap_pending) {
        int cap = p->cap_pending ? 2 * p->cap_pending : 8;
        st_batch **nb = st_realloc(p->pending, (size_t)cap * sizeof *nb);
        if (!nb)
            return st_error_set_oom();
        p->pending = nb;
        p->cap_pending = cap;
    }
    int rc = st_batch_shallow_copy(&p->pending[p->n_pending], rows);
    if (rc)
        return rc;
    p->n_pending++;
    p->pending_rows += rows->length;
    p->pending_bytes += batch_bytes(rows);
    if (p->pending_rows >= w->sort_rows || p->pending_bytes >= w->target_bytes)
        return flush_sorted(w, p, index);
    return 0;
}

/* --------------------------------------------------------------- writing */

int st_data_writer_write(st_data_writer *w, const st_batch *in)
{
    st_batch *b = NULL;
    int rc;
    if (w->failed)
        return st_error_set(ST_EINVALID, ST_ERROR_TABLE, "the data writer failed earlier");
    if ((rc = st_batch_conform(&b, in, w->schema->type)) < 0)
        return rc;
    if (b->length == 0) {
        st_batch_free(b);
        return 0;
    }
    int nf = w->ptype ? w->ptype->n_fields : 0;
    if (nf == 0) {
        st_buf key = ST_BUF_INIT;
        int idx = 0;
        rc = find_part(w, &key, NULL, 0, &idx);
        if (rc == 0)
            rc = route(w, idx, b);
        st_batch_free(b);
        if (rc)
            w->failed = 1;
        return rc;
    }
    st_vector **pv = st_calloc((size_t)nf, sizeof *pv);
    int *row_part = st_malloc((size_t)b->length * sizeof(int));
    st_buf key = ST_BUF_INIT;
    if (!pv || !row_part) {
        rc = st_error_set_oom();
        goto done;
    }
    for (int f = 0; f < nf && rc == 0; f++) {
        const st_partition_field *pf = &w->spec->fields[f];
        const st_vector *src = column_by_id(b->schema, b->columns, pf->source_id);
        if (!src) {
            rc = st_error_set(ST_ECORRUPT, ST_ERROR_TABLE,
                              "partition field '%s': source column %d is not in the schema",
                              pf->name, pf->source_id);
            break;
        }
        rc = st_transform_apply_vector(&pf->transform, src, &pv[f]);
    }
    for (int64_t r = 0; r < b->length && rc == 0; r++) {
        if ((rc = part_key(&key, pv, nf, r)) == 0)
            rc = find_part(w, &key, pv, r, &row_part[r]);
    }
    if (rc)
        goto done;
    /* one pass per partition present: gather its rows and route them */
    int64_t *idx = st_malloc((size_t)b->length * sizeof(int64_t));
    if (!idx) {
        rc = st_error_set_oom();
        goto done;
    }
    int first = row_part[0], single = 1;
    for (int64_t r = 1; r < b->length && single; r++)
        single = row_part[r] == first;
    if (single) {
        rc = route(w, first, b);
    } else {
        uint8_t *seen = st_calloc((size_t)w->n_parts, 1);
        if (!seen)
            rc = st_error_set_oom();
        for (int64_t r = 0; r < b->length && rc == 0; r++) {
            int pi = row_part[r];
            if (seen[pi])
                continue;
            seen[pi] = 1;
            int64_t n = 0;
            for (int64_t k = r; k < b->length; k++)
                if (row_part[k] == pi)
                    idx[n++] = k;
            st_batch *sub = NULL;
            if ((rc = st_batch_take(&sub, b, idx, n)) == 0) {
                rc = route(w, pi, sub);
                st_batch_free(sub);
            }
        }
        st_free(seen);
    }
    st_free(idx);
done:
    for (int f = 0; pv && f < nf; f++)
        st_vector_free(pv[f]);
    st_free(pv);
    st_free(row_part);
    st_buf_dispose(&key);
    st_batch_free(b);
    if (rc)
        w->failed = 1;
    return rc;
}

static void writer_free(st_data_writer *w)
{
    for (int i = 0; i < w->n_parts; i++) {
        part *p = &w->parts[i];
        if (p->w)
            st_parquet_writer_abort(p->w);
        st_free(p->file_location);
        for (int k = 0; k < p->n_pending; k++)
            st_batch_free(p->pending[k]);
        st_free(p->pending);
    }
    st_free(w->parts);
    st_free(w->slots);
    st_free(w->done);
    st_arena_dispose(&w->arena);
    st_arena_dispose(&w->out_arena);
    st_type_free(w->ptype);
    st_location_map_dispose(&w->lm);
    st_free(w->data_dir);
    st_free(w->schema_json);
    st_free(w);
}

void st_data_writer_abort(st_data_writer *w)
{
    if (w)
        writer_free(w);
}

/* Copies a data file's strings and arrays into `a` (table_int.h). */
int st_data_file_copy(st_data_file *dst, const st_data_file *src, st_arena *a)
{
    *dst = *src;
    if (!(dst->file_path = st_arena_strdup(a, src->file_path)) ||
        !(dst->file_format = st_arena_strdup(a, src->file_format ? src->file_format
                                                                   : "PARQUET")))
        return st_error_set_oom();
    if (src->referenced_data_file &&
        !(dst->referenced_data_file = st_arena_strdup(a, src->referenced_data_file)))
        return st_error_set_oom();
    if (src->key_metadata) {
        uint8_t *k = st_arena_alloc(a, src->key_metadata_len + 1);
        if (!k)
            return st_error_set_oom();
        memcpy(k, src->key_metadata, src->key_metadata_len);
        dst->key_metadata = k;
    }
    if (src->n_equality_ids) {
        dst->equality_ids = st_arena_calloc(a, (size_t)src->n_equality_ids, sizeof(int32_t));
        if (!dst->equality_ids)
            return st_error_set_oom();
        memcpy(dst->equality_ids, src->equality_ids, (size_t)src->n_equality_ids * 4);
    }
    if (src->n_split_offsets) {
        dst->split_offsets = st_arena_calloc(a, (size_t)src->n_split_offsets, sizeof(int64_t));
        if (!dst->split_offsets)
            return st_error_set_oom();
        memcpy(dst->split_offsets, src->split_offsets, (size_t)src->n_split_offsets * 8);
    }
    dst->stats = st_arena_calloc(a, (size_t)(src->n_stats ? src->n_stats : 1), sizeof *dst->stats);
    dst->partition = st_arena_calloc(a, (size_t)(src->n_partition ? src->n_partition : 1),
                                     sizeof *dst->partition);
    if (!dst->stats || !dst->partition)
        return st_error_set_oom();
    for (int i = 0; i < src->n_stats; i++) {
        st_column_stats s = src->stats[i];
        if (s.lower) {
            uint8_t *p = st_arena_alloc(a, s.lower_len + 1);
            if (!p)
                return st_error_set_oom();
            memcpy(p, s.lower, s.lower_len);
            s.lower = p;
        }
        if (s.upper) {
            uint8_t *p = st_arena_alloc(a, s.upper_len + 1);
            if (!p)
                return st_error_set_oom();
            memcpy(p, s.upper, s.upper_len);
            s.upper = p;
        }
        dst->stats[i] = s;
    }
    for (int i = 0; i < src->n_partition; i++) {
        st_value v = src->partition[i];
        if (!v.is_null && (v.type == ST_TYPE_STRING || v.type == ST_TYPE_BINARY ||
                           v.type == ST_TYPE_FIXED || v.type == ST_TYPE_UUID)) {
            uint8_t *p = st_arena_alloc(a, v.v.bytes.len + 1);
            if (!p)
                return st_error_set_oom();
            memcpy(p, v.v.bytes.ptr, v.v.bytes.len);
            v.v.bytes.ptr = p;
        }
        dst->partition[i] = v;
    }
    return 0;
}

int st_data_writer_close(st_data_writer *w, st_arena *arena, st_data_file **files, int *n)
{
    int rc = w->failed ? st_error_set(ST_EINVALID, ST_ERROR_TABLE, "the data writer failed")
                       : 0;
    for (int i = 0; i < w->n_parts && rc == 0; i++) {
        part *p = &w->parts[i];
        if (w->order)
            rc = flush_sorted(w, p, i);
        if (rc == 0 && p->w)
            rc = close_file(w, p);
    }
    *files = NULL;
    *n = 0;
    if (w->n_done) {
        st_data_file *out = st_calloc((size_t)w->n_done, sizeof *out);
        if (!out) {
            rc = rc ? rc : st_error_set_oom();
        } else {
            int k = 0;
            for (int i = 0; i < w->n_done; i++)
                if (st_data_file_copy(&out[k], &w->done[i], arena) == 0)
                    k++;
                else if (rc == 0)
                    rc = ST_ENOMEM;
            *files = out;
            *n = k;
        }
    }
    writer_free(w);
    return rc;
}

/* ------------------------------------------------------ partition paths */

/* Java's "human string" of a partition value, URL-encoded as in Hive paths. */
static int human(st_buf *out, const st_partition_field *pf, const st_value *v)
{
    char buf[64];
    if (v->is_null)
        return st_buf_puts(out, "null");
    switch (pf->transform.kind) {
    case ST_TRANSFORM_YEAR:
        return st_buf_printf(out, "%04d", 1970 + v->v.i32);
    case ST_TRANSFORM_MONTH: {
        int32_t m = v->v.i32;
        int32_t y = m >= 0 ? m / 12 : -((-m + 11) / 12);
        return st_buf_printf(out, "%04d-%02d", 1970 + y, m - y * 12 + 1);
    }
    case ST_TRANSFORM_DAY:
        st_format_date(buf, v->v.i32);
        return st_buf_puts(out, buf);
    case ST_TRANSFORM_HOUR: {
        int64_t h = v->v.i32;
        int64_t d = h >= 0 ? h / 24 : -((-h + 23) / 24);
        st_format_date(buf, (int32_t)d);
        return st_buf_printf(out, "%s-%02d", buf, (int)(h - d * 24));
    }
    default: {
        st_buf t = ST_BUF_INIT;
        int rc = st_value_to_text(&t, v);
        for (size_t i = 0; rc == 0 && i < t.len; i++) {
            unsigned char c = t.ptr[i];
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                c == '-' || c == '_' || c == '.' || c == '*')
                rc = st_buf_putc(out, (char)c);
            else if (c == ' ')
                rc = st_buf_putc(out, '+');
            else
                rc = st_buf_printf(out, "%%%02X", c);
        }
        st_buf_dispose(&t);
        return rc;
    }
    }
}

int st_partition_path(st_buf *out, const st_partition_spec *spec, const st_value *tuple)
{
    int rc = 0;
    for (int i = 0; i < spec->n_fields && rc == 0; i++) {
        if (i && (rc = st_buf_putc(out, '/')) < 0)
            break;
        if ((rc = st_buf_printf(out, "%s=", spec->fields[i].name)) == 0)
            rc = human(out, &spec->fields[i], &tuple[i]);
    }
    return rc;
}
