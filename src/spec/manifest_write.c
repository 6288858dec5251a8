/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Manifest writing, as Java's ManifestWriter (V1/V2/V3 writers) does it:
 *
 * - schema: V1/V2/V3Metadata's manifest_entry (manifest_schema.c);
 * - key-value metadata, in the order Java's HashMap iterates it: schema,
 *   avro.schema, avro.codec, schema-id (ours: the spec requires it for v2+,
 *   Java omits it), format-version, partition-spec-id, iceberg.schema,
 *   partition-spec, content (v2+);
 * - entries: the snapshot id is always written (Java's wrapAppend sets it);
 *   an ADDED entry of the committing snapshot is written with null data and
 *   file sequence numbers, which the manifest list's sequence number then
 *   fills in (inheritance); EXISTING and DELETED entries must carry theirs
 *   (v2+); v1 writes block_size_in_bytes = 64 MiB as Java does;
 * - the manifest-list entry: counts per status, partition summaries over every
 *   entry (contains_null, contains_nan for NaN floats, bounds as single-value
 *   binary; NaN never becomes a bound), and min_sequence_number = the least
 *   explicit data sequence number of the live entries, or ST_NULL64 when no
 *   live entry has one yet (then every live entry inherits the commit's
 *   number, which st_manifest_list_write() puts there, as Java's
 *   UNASSIGNED_SEQ).
 *
 * The file is written through an st_output in REPLACE mode: it appears under
 * its name only when st_manifest_writer_close() succeeds.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "spec/manifest_int.h"
#include "util/alloc.h"

#define V1_BLOCK_SIZE 67108864

enum { W_STATUS, W_SNAP, W_SEQ, W_FILE_SEQ, W_DATA_FILE, N_W };
enum {
    D_CONTENT, D_PATH, D_FORMAT, D_PARTITION, D_RECORDS, D_SIZE, D_BLOCK, D_SIZES, D_VALUES,
    D_NULLS, D_NANS, D_LOWER, D_UPPER, D_KEY, D_SPLITS, D_EQ, D_SORT, D_FIRST_ROW, D_REF,
    D_OFFSET, D_CSIZE, N_D
};

static const char *const entry_names[N_W] = {"status", "snapshot_id", "sequence_number",
                                             "file_sequence_number", "data_file"};
static const char *const file_names[N_D] = {
    "content", "file_path", "file_format", "partition", "record_count", "file_size_in_bytes",
    "block_size_in_bytes", "column_sizes", "value_counts", "null_value_counts",
    "nan_value_counts", "lower_bounds", "upper_bounds", "key_metadata", "split_offsets",
    "equality_ids", "sort_order_id", "first_row_id", "referenced_data_file", "content_offset",
    "content_size_in_bytes"};

typedef struct summary {
    int contains_null;
    int contains_nan;
    int has_bounds;
    st_value lower, upper;
    st_buf lower_buf, upper_buf; /* own copies of byte values */
} summary;

struct st_manifest_writer {
    char *path;
    st_output *out;
    st_avro_writer *w;
    int fv;
    st_content content;
    int64_t snapshot_id;
    int32_t spec_id;
    st_type *ptype;
    int idx_e[N_W];
    int idx_d[N_D];
    summary *sums;
    int n_parts;
    int32_t added_files, existing_files, deleted_files;
    int64_t added_rows, existing_rows, deleted_rows;
    int64_t min_seq;
    st_buf scratch;
};

static int fail(const st_manifest_writer *w, int rc, const char *what)
{
    return st_avro_error(ST_EINVALID, rc > 0 ? rc : EINVAL, w->path, what);
}

/* ============================================================ open */

static int spec_json(st_buf *b, const st_partition_spec *spec)
{
    st_buf_putc(b, '[');
    for (int i = 0; spec && i < spec->n_fields; i++) {
        const st_partition_field *f = &spec->fields[i];
        if (i)
            st_buf_putc(b, ',');
        st_buf_puts(b, "{\"name\":");
        st_json_put_string(b, f->name ? f->name : "");
        st_buf_puts(b, ",\"transform\":");
        st_json_put_string(b, f->transform.text);
        st_buf_printf(b, ",\"source-id\":%d,\"field-id\":%d}", (int)f->source_id, (int)f->field_id);
    }
    st_buf_putc(b, ']');
    return b->ptr && b->ptr[b->len - 1] == ']' ? 0 : st_error_set_oom();
}

static int find_indexes(st_manifest_writer *w)
{
    avro_value_t *rec = st_avro_writer_value(w->w), df, v;
    size_t idx;
    for (int i = 0; i < N_W; i++) {
        w->idx_e[i] = -1;
        if (avro_value_get_by_name(rec, entry_names[i], &v, &idx) == 0)
            w->idx_e[i] = (int)idx;
    }
    if (w->idx_e[W_DATA_FILE] < 0 ||
        avro_value_get_by_index(rec, (size_t)w->idx_e[W_DATA_FILE], &df, NULL) != 0)
        return fail(w, EINVAL, "manifest schema");
    for (int i = 0; i < N_D; i++) {
        w->idx_d[i] = -1;
        if (avro_value_get_by_name(&df, file_names[i], &v, &idx) == 0)
            w->idx_d[i] = (int)idx;
    }
    return 0;
}

static int check_options(const char *path, const st_manifest_writer_options *o)
{
    if (o->format_version < 1 || o->format_version > ST_FORMAT_VERSION_MAX)
        return st_error_set(ST_EINVALID, ST_ERROR_ICEBERG,
                            "'%s': cannot write a manifest of format version %d", path,
                            o->format_version);
    if (!o->schema_json)
        return st_error_set(ST_EINVALID, ST_ERROR_ICEBERG,
                            "'%s': the table schema JSON is required", path);
    if (o->format_version == 1 && o->content != ST_CONTENT_DATA)
        return st_error_set(ST_EINVALID, ST_ERROR_ICEBERG,
                            "'%s': a v1 table cannot have delete manifests", path);
    int n_spec = o->spec ? o->spec->n_fields : 0;
    int n_type = o->partition_type ? o->partition_type->n_fields : 0;
    if (n_spec != n_type || (o->partition_type && o->partition_type->id != ST_TYPE_STRUCT))
        return st_error_set(ST_EINVALID, ST_ERROR_ICEBERG,
                            "'%s': the partition type has %d fields, the spec %d", path, n_type,
                            n_spec);
    return 0;
}

int st_manifest_writer_open(st_manifest_writer **out, const char *path,
                            const st_manifest_writer_options *opts)
{
    st_manifest_writer *w = NULL;
    st_buf avro = ST_BUF_INIT, ice = ST_BUF_INIT, spec = ST_BUF_INIT;
    char fvs[8], spec_id[16], schema_id[16];
    const char *meta[20];
    int n = 0, rc;

    *out = NULL;
    if ((rc = check_options(path, opts)) < 0)
        return rc;
    if (!(w = st_calloc(1, sizeof *w)) || !(w->path = st_strdup(path))) {
        rc = ST_ENOMEM;
        goto fail;
    }
    w->fv = opts->format_version;
    w->content = opts->content;
    w->snapshot_id = opts->snapshot_id;
    w->spec_id = opts->spec ? opts->spec->spec_id : 0;
    w->min_seq = ST_NULL64;
    w->n_parts = opts->partition_type ? opts->partition_type->n_fields : 0;
    if (opts->partition_type)
        w->ptype = st_type_ref((st_type *)opts->partition_type);
    if (w->n_parts && !(w->sums = st_calloc((size_t)w->n_parts, sizeof *w->sums))) {
        rc = ST_ENOMEM;
        goto fail;
    }
    if ((rc = st_manifest_entry_schema_json(&avro, &ice, w->fv, opts->partition_type)) < 0 ||
        (rc = spec_json(&spec, opts->spec)) < 0)
        goto fail;
    snprintf(fvs, sizeof fvs, "%d", w->fv);
    snprintf(spec_id, sizeof spec_id, "%d", (int)w->spec_id);
#define M(k, v) (meta[2 * n] = (k), meta[2 * n + 1] = (v), n++)
    M("schema", opts->schema_json);
    M("avro.schema", NULL);
    M("avro.codec", NULL);
    if (opts->schema && opts->schema->schema_id != ST_NULL32) {
        snprintf(schema_id, sizeof schema_id, "%d", (int)opts->schema->schema_id);
        M("schema-id", schema_id);
    }
    M("format-version", fvs);
    M("partition-spec-id", spec_id);
    M("iceberg.schema", st_buf_cstr(&ice));
    M("partition-spec", st_buf_cstr(&spec));
    if (w->fv >= 2)
        M("content", w->content == ST_CONTENT_DATA ? "data" : "deletes");
#undef M
    if ((rc = st_output_open_file(&w->out, path, ST_OUTPUT_REPLACE)) < 0 ||
        (rc = st_avro_writer_open(&w->w, w->out, st_buf_cstr(&avro), meta, n,
                                  ST_AVRO_CODEC_DEFLATE, path)) < 0 ||
        (rc = find_indexes(w)) < 0)
        goto fail;
    *out = w;
    w = NULL;
fail:
    st_manifest_writer_abort(w);
    st_buf_dispose(&avro);
    st_buf_dispose(&ice);
    st_buf_dispose(&spec);
    return rc;
}

/* ============================================================ entries */

static int child(avro_value_t *rec, int idx, avro_value_t *v)
{
    if (idx < 0)
        return -1;
    return avro_value_get_by_index(rec, (size_t)idx, v, NULL);
}

/* Selects the null branch (present == 0) or the value branch of an optional field. */
static int opt(avro_value_t *rec, int idx, int present, avro_value_t *branch)
{
    avro_value_t u, nb;
    int rc;
    if ((rc = child(rec, idx, &u)) != 0)
        return rc;
    if (!present)
        return avro_value_set_branch(&u, 0, &nb) || avro_value_set_null(&nb);
    return avro_value_set_branch(&u, 1, branch);
}

static int opt_long(avro_value_t *rec, int idx, int64_t x, int64_t absent)
{
    avro_value_t b;
    int rc = opt(rec, idx, x != absent, &b);
    return rc || x == absent ? rc : avro_value_set_long(&b, x);
}

static int req_long(avro_value_t *rec, int idx, int64_t x)
{
    avro_value_t v;
    return child(rec, idx, &v) || avro_value_set_long(&v, x);
}

static int req_int(avro_value_t *rec, int idx, int32_t x)
{
    avro_value_t v;
    return child(rec, idx, &v) || avro_value_set_int(&v, x);
}

/* avro-c strings want a NUL after the bytes */
static int set_string_bytes(st_manifest_writer *w, avro_value_t *v, const uint8_t *p, size_t n)
{
    st_buf_clear(&w->scratch);
    if (st_buf_put(&w->scratch, p, n) < 0 || st_buf_putc(&w->scratch, 0) < 0)
        return ENOMEM;
    return avro_value_set_string_len(v, (const char *)w->scratch.ptr, n + 1);
}

static void dec_be(uint8_t *out, int size, st_decimal128 d)
{
    uint8_t full[16];
    for (int i = 0; i < 8; i++) {
        full[i] = (uint8_t)((uint64_t)d.hi >> (56 - 8 * i));
        full[8 + i] = (uint8_t)(d.lo >> (56 - 8 * i));
    }
    memcpy(out, full + 16 - size, (size_t)size);
}

static int set_partition_value(st_manifest_writer *w, avro_value_t *v, const st_type *t,
                               const st_value *x)
{
    switch (t->id) {
    case ST_TYPE_BOOLEAN: return avro_value_set_boolean(v, x->v.b ? 1 : 0);
    case ST_TYPE_INT:
    case ST_TYPE_DATE: return avro_value_set_int(v, x->v.i32);
    case ST_TYPE_FLOAT: return avro_value_set_float(v, x->v.f32);
    case ST_TYPE_DOUBLE: return avro_value_set_double(v, x->v.f64);
    case ST_TYPE_STRING: return set_string_bytes(w, v, x->v.bytes.ptr, x->v.bytes.len);
    case ST_TYPE_BINARY:
        return avro_value_set_bytes(v, (void *)(uintptr_t)x->v.bytes.ptr, x->v.bytes.len);
    case ST_TYPE_UUID:
    case ST_TYPE_FIXED:
        if (x->v.bytes.len != (size_t)(t->id == ST_TYPE_UUID ? 16 : t->length))
            return EINVAL;
        return avro_value_set_fixed(v, (void *)(uintptr_t)x->v.bytes.ptr, x->v.bytes.len);
    case ST_TYPE_DECIMAL: {
        uint8_t buf[16];
        int size = st_decimal_required_bytes(t->precision);
        dec_be(buf, size, x->v.dec);
        return avro_value_set_fixed(v, buf, (size_t)size);
    }
    default: return avro_value_set_long(v, x->v.i64);
    }
}

static int fill_partition(st_manifest_writer *w, avro_value_t *df, const st_data_file *f)
{
    avro_value_t rec, fv, b;
    int rc;
    if ((rc = child(df, w->idx_d[D_PARTITION], &rec)) != 0)
        return rc;
    for (int i = 0; i < w->n_parts; i++) {
        const st_field *pf = &w->ptype->fields[i];
        const st_value *x = &f->partition[i];
        if ((rc = avro_value_get_by_index(&rec, (size_t)i, &fv, NULL)) != 0)
            return rc;
        if (pf->required) {
            if (x->is_null)
                return EINVAL;
            if ((rc = set_partition_value(w, &fv, pf->type, x)) != 0)
                return rc;
            continue;
        }
        if (x->is_null) {
            if ((rc = avro_value_set_branch(&fv, 0, &b)) != 0 || (rc = avro_value_set_null(&b)))
                return rc;
        } else if ((rc = avro_value_set_branch(&fv, 1, &b)) != 0 ||
                   (rc = set_partition_value(w, &b, pf->type, x)) != 0) {
            return rc;
        }
    }
    return 0;
}

/* Which metric a map carries. */
static int has_metric(const st_column_stats *s, int which)
{
    switch (which) {
    case D_SIZES: return s->column_size >= 0;
    case D_VALUES: return s->value_count >= 0;
    case D_NULLS: return s->null_count >= 0;
    case D_NANS: return s->nan_count >= 0;
    case D_LOWER: return s->lower != NULL;
    default: return s->upper != NULL;
    }
}

static int fill_map(avro_value_t *df, int idx, int which, const st_data_file *f)
{
    avro_value_t arr, item, k, v;
    int n = 0, rc;
    for (int i = 0; i < f->n_stats; i++)
        n += has_metric(&f->stats[i], which);
    if ((rc = opt(df, idx, n > 0, &arr)) != 0 || n == 0)
        return rc;
    if ((rc = avro_value_reset(&arr)) != 0)
        return rc;
    for (int i = 0; i < f->n_stats; i++) {
        const st_column_stats *s = &f->stats[i];
        if (!has_metric(s, which))
            continue;
        if ((rc = avro_value_append(&arr, &item, NULL)) != 0 ||
            (rc = avro_value_get_by_index(&item, 0, &k, NULL)) != 0 ||
            (rc = avro_value_get_by_index(&item, 1, &v, NULL)) != 0 ||
            (rc = avro_value_set_int(&k, s->field_id)) != 0)
            return rc;
        switch (which) {
        case D_SIZES: rc = avro_value_set_long(&v, s->column_size); break;
        case D_VALUES: rc = avro_value_set_long(&v, s->value_count); break;
        case D_NULLS: rc = avro_value_set_long(&v, s->null_count); break;
        case D_NANS: rc = avro_value_set_long(&v, s->nan_count); break;
        case D_LOWER: rc = avro_value_set_bytes(&v, (void *)(uintptr_t)s->lower, s->lower_len); break;
        default: rc = avro_value_set_bytes(&v, (void *)(uintptr_t)s->upper, s->upper_len); break;
        }
        if (rc)
            return rc;
    }
    return 0;
}

static int fill_list(avro_value_t *df, int idx, const int64_t *l64, const int32_t *l32, int n)
{
    avro_value_t arr, item;
    int rc;
    if ((rc = opt(df, idx, n > 0, &arr)) != 0 || n == 0)
        return rc;
    if ((rc = avro_value_reset(&arr)) != 0)
        return rc;
    for (int i = 0; i < n; i++)
        if ((rc = avro_value_append(&arr, &item, NULL)) != 0 ||
            (rc = l64 ? avro_value_set_long(&item, l64[i]) : avro_value_set_int(&item, l32[i])))
            return rc;
    return 0;
}

static int fill_data_file(st_manifest_writer *w, avro_value_t *df, const st_data_file *f)
{
    avro_value_t v, b;
    const char *fmt = f->file_format ? f->file_format : "PARQUET";
    int rc;
    if ((w->fv >= 2 && (rc = req_int(df, w->idx_d[D_CONTENT], (int32_t)f->content))) ||
        (rc = child(df, w->idx_d[D_PATH], &v)) || (rc = avro_value_set_string(&v, f->file_path)) ||
        (rc = child(df, w->idx_d[D_FORMAT], &v)) || (rc = avro_value_set_string(&v, fmt)) ||
        (rc = fill_partition(w, df, f)) ||
        (rc = req_long(df, w->idx_d[D_RECORDS], f->record_count)) ||
        (rc = req_long(df, w->idx_d[D_SIZE], f->file_size_in_bytes)) ||
        (w->fv == 1 && (rc = req_long(df, w->idx_d[D_BLOCK], V1_BLOCK_SIZE))))
        return rc;
    for (int m = D_SIZES; m <= D_UPPER; m++)
        if ((rc = fill_map(df, w->idx_d[m], m, f)) != 0)
            return rc;
    if ((rc = opt(df, w->idx_d[D_KEY], f->key_metadata != NULL, &b)) ||
        (f->key_metadata &&
         (rc = avro_value_set_bytes(&b, (void *)(uintptr_t)f->key_metadata, f->key_metadata_len))) ||
        (rc = fill_list(df, w->idx_d[D_SPLITS], f->split_offsets, NULL, f->n_split_offsets)) ||
        (w->fv >= 2 &&
         (rc = fill_list(df, w->idx_d[D_EQ], NULL, f->equality_ids, f->n_equality_ids))) ||
        (rc = opt(df, w->idx_d[D_SORT], f->sort_order_id != ST_NULL32, &b)) ||
        (f->sort_order_id != ST_NULL32 && (rc = avro_value_set_int(&b, f->sort_order_id))))
        return rc;
    if (w->fv >= 2 &&
        ((rc = opt(df, w->idx_d[D_REF], f->referenced_data_file != NULL, &b)) ||
         (f->referenced_data_file && (rc = avro_value_set_string(&b, f->referenced_data_file)))))
        return rc;
    if (w->fv >= 3 && ((rc = opt_long(df, w->idx_d[D_FIRST_ROW], f->first_row_id, ST_NULL64)) ||
                       (rc = opt_long(df, w->idx_d[D_OFFSET], f->content_offset, ST_NULL64)) ||
                       (rc = opt_long(df, w->idx_d[D_CSIZE], f->content_size_in_bytes,
                                      ST_NULL64))))
        return rc;
    return 0;
}

static int copy_bound(st_value *dst, st_buf *buf, const st_value *src)
{
    *dst = *src;
    if (src->type == ST_TYPE_STRING || src->type == ST_TYPE_BINARY || src->type == ST_TYPE_FIXED ||
        src->type == ST_TYPE_UUID) {
        st_buf_clear(buf);
        if (st_buf_put(buf, src->v.bytes.ptr, src->v.bytes.len) < 0)
            return ST_ENOMEM;
        dst->v.bytes.ptr = buf->ptr ? buf->ptr : (const uint8_t *)"";
    }
    return 0;
}

static int update_summaries(st_manifest_writer *w, const st_data_file *f)
{
    int rc;
    for (int i = 0; i < w->n_parts; i++) {
        summary *s = &w->sums[i];
        const st_value *x = &f->partition[i];
        if (x->is_null) {
            s->contains_null = 1;
            continue;
        }
        if ((x->type == ST_TYPE_FLOAT && isnan(x->v.f32)) ||
            (x->type == ST_TYPE_DOUBLE && isnan(x->v.f64))) {
            s->contains_nan = 1;
            continue;
        }
        if (!s->has_bounds) {
            if ((rc = copy_bound(&s->lower, &s->lower_buf, x)) < 0 ||
                (rc = copy_bound(&s->upper, &s->upper_buf, x)) < 0)
                return rc;
            s->has_bounds = 1;
            continue;
        }
        if (st_value_compare(x, &s->lower) < 0 && (rc = copy_bound(&s->lower, &s->lower_buf, x)) < 0)
            return rc;
        if (st_value_compare(x, &s->upper) > 0 && (rc = copy_bound(&s->upper, &s->upper_buf, x)) < 0)
            return rc;
    }
    return 0;
}

static int check_entry(const st_manifest_writer *w, const st_manifest_entry *e)
{
    const st_data_file *f = &e->file;
    if (!f->file_path)
        return st_error_set(ST_EINVALID, ST_ERROR_ICEBERG, "'%s': an entry without a file path",
                            w->path);
    if (e->status != ST_ENTRY_ADDED && e->status != ST_ENTRY_EXISTING &&
        e->status != ST_ENTRY_DELETED)
        return st_error_set(ST_EINVALID, ST_ERROR_ICEBERG, "'%s': '%s': bad entry status %d",
                            w->path, f->file_path, (int)e->status);
    if ((w->content == ST_CONTENT_DATA) != (f->content == ST_CONTENT_DATA))
        return st_error_set(ST_EINVALID, ST_ERROR_ICEBERG,
                            "'%s': '%s': a %s file in a %s manifest", w->path, f->file_path,
                            f->content == ST_CONTENT_DATA ? "data" : "delete",
                            w->content == ST_CONTENT_DATA ? "data" : "delete");
    if (f->n_partition != w->n_parts)
        return st_error_set(ST_EINVALID, ST_ERROR_ICEBERG,
                            "'%s': '%s': %d partition values for a spec of %d fields", w->path,
                            f->file_path, f->n_partition, w->n_parts);
    for (int i = 0; i < w->n_parts; i++) {
        const st_value *x = &f->partition[i];
        if (!x->is_null && x->type != w->ptype->fields[i].type->id)
            return st_error_set(ST_EINVALID, ST_ERROR_ICEBERG,
                                "'%s': '%s': partition value %d is a %s, the spec's field a %s",
                                w->path, f->file_path, i, st_type_id_name(x->type),
                                st_type_id_name(w->ptype->fields[i].type->id));
    }
    return 0;
}

int st_manifest_writer_add(st_manifest_writer *w, const st_manifest_entry *e)
{
    avro_value_t *rec = st_avro_writer_value(w->w), df, v;
    int64_t snap = e->snapshot_id == ST_NULL64 ? w->snapshot_id : e->snapshot_id;
    int inherit = e->status == ST_ENTRY_ADDED && snap == w->snapshot_id;
    int64_t seq = e->sequence_number, fseq = e->file_sequence_number;
    int rc;

    if ((rc = check_entry(w, e)) < 0)
        return rc;
    if (inherit) {
        seq = ST_NULL64;
        fseq = ST_NULL64;
    } else if (w->fv >= 2 && seq == ST_NULL64) {
        return st_error_set(ST_EINVALID, ST_ERROR_ICEBERG,
                            "'%s': '%s': an entry not added by snapshot %" PRId64
                            " needs its data sequence number",
                            w->path, e->file.file_path, w->snapshot_id);
    }
    if ((rc = req_int(rec, w->idx_e[W_STATUS], (int32_t)e->status)) ||
        (rc = opt_long(rec, w->idx_e[W_SNAP], snap, ST_NULL64)) ||
        (w->fv >= 2 && ((rc = opt_long(rec, w->idx_e[W_SEQ], seq, ST_NULL64)) ||
                        (rc = opt_long(rec, w->idx_e[W_FILE_SEQ], fseq, ST_NULL64)))) ||
        (rc = child(rec, w->idx_e[W_DATA_FILE], &df)) || (rc = fill_data_file(w, &df, &e->file)))
        return rc == ENOMEM ? st_error_set_oom() : fail(w, rc, e->file.file_path);
    (void)v;
    if ((rc = st_avro_writer_append(w->w)) < 0 || (rc = update_summaries(w, &e->file)) < 0)
        return rc;
    switch (e->status) {
    case ST_ENTRY_ADDED:
        w->added_files++;
        w->added_rows += e->file.record_count;
        break;
    case ST_ENTRY_EXISTING:
        w->existing_files++;
        w->existing_rows += e->file.record_count;
        break;
    default:
        w->deleted_files++;
        w->deleted_rows += e->file.record_count;
        break;
    }
    if (e->status != ST_ENTRY_DELETED && seq != ST_NULL64 && w->fv >= 2 &&
        (w->min_seq == ST_NULL64 || seq < w->min_seq))
        w->min_seq = seq;
    return 0;
}

/* ============================================================ close */

static int fill_summaries(st_manifest_writer *w, st_manifest_file *out, st_arena *arena)
{
    st_buf b = ST_BUF_INIT;
    int rc = 0;
    out->n_partitions = w->n_parts;
    if (!w->n_parts)
        return 0;
    if (!(out->partitions = st_arena_calloc(arena, (size_t)w->n_parts, sizeof *out->partitions)))
        return ST_ENOMEM;
    for (int i = 0; i < w->n_parts && rc == 0; i++) {
        summary *s = &w->sums[i];
        st_field_summary *fs = &out->partitions[i];
        fs->contains_null = s->contains_null;
        fs->contains_nan = s->contains_nan;
        if (!s->has_bounds)
            continue;
        for (int j = 0; j < 2 && rc == 0; j++) {
            uint8_t *copy;
            st_buf_clear(&b);
            if ((rc = st_value_to_bytes(&b, j ? &s->upper : &s->lower)) < 0)
                break;
            if (!(copy = st_arena_alloc(arena, b.len + 1))) {
                rc = ST_ENOMEM;
                break;
            }
            if (b.len)
                memcpy(copy, b.ptr, b.len);
            if (j) {
                fs->upper = copy;
                fs->upper_len = b.len;
            } else {
                fs->lower = copy;
                fs->lower_len = b.len;
            }
        }
    }
    st_buf_dispose(&b);
    return rc;
}

int st_manifest_writer_close(st_manifest_writer *w, st_manifest_file *out, st_arena *arena)
{
    int rc;
    memset(out, 0, sizeof *out);
    if ((rc = st_avro_writer_finish(w->w)) < 0)
        goto done;
    out->manifest_length = (int64_t)st_avro_writer_tell(w->w);
    if (!(out->manifest_path = st_arena_strdup(arena, w->path))) {
        rc = ST_ENOMEM;
        goto done;
    }
    if ((rc = fill_summaries(w, out, arena)) < 0)
        goto done;
    rc = st_output_close(w->out);
    w->out = NULL;
    if (rc < 0)
        goto done;
    out->partition_spec_id = w->spec_id;
    out->content = w->content == ST_CONTENT_DATA ? ST_CONTENT_DATA : (st_content)1;
    out->sequence_number = ST_NULL64;
    out->min_sequence_number = w->min_seq;
    out->added_snapshot_id = w->snapshot_id;
    out->added_files_count = w->added_files;
    out->existing_files_count = w->existing_files;
    out->deleted_files_count = w->deleted_files;
    out->added_rows_count = w->added_rows;
    out->existing_rows_count = w->existing_rows;
    out->deleted_rows_count = w->deleted_rows;
    out->first_row_id = ST_NULL64;
done:
    if (rc < 0)
        memset(out, 0, sizeof *out);
    st_manifest_writer_abort(w);
    return rc;
}

void st_manifest_writer_abort(st_manifest_writer *w)
{
    if (!w)
        return;
    st_avro_writer_free(w->w);
    st_output_abort(w->out);
    for (int i = 0; w->sums && i < w->n_parts; i++) {
        st_buf_dispose(&w->sums[i].lower_buf);
        st_buf_dispose(&w->sums[i].upper_buf);
    }
    st_free(w->sums);
    st_type_free(w->ptype);
    st_buf_dispose(&w->scratch);
    st_free(w->path);
    st_free(w);
}
