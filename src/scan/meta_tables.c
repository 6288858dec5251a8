/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Iceberg's metadata tables as batch readers (st_table_metadata_scan): the
 * tables of the table's state -- snapshots, history, metadata_log_entries,
 * refs -- built here from the metadata, and the dispatch to the tables of a
 * snapshot's manifests (meta_tables_files.c). Columns, their types, field
 * ids and requiredness are those of Java's metadata tables (SnapshotsTable,
 * HistoryTable, MetadataLogEntriesTable, RefsTable), which Spark shows.
 *
 * Also here: the builders both files share -- types, rows in batches of at
 * most MT_BATCH_ROWS, values into vectors -- and the reader over the batches.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "formats/formats_int.h"
#include "scan/meta_tables.h"
#include "supertable/errors.h"
#include "util/alloc.h"
#include "util/datetime.h"

/* ================================================================ types */

st_type *mt_prim(st_type_id id)
{
    return st_type_primitive(id);
}

/* A child that is NULL without an error set came from the caller (an
 * allocation outside these constructors, already reported). */
static int missing_child(int *rc)
{
    if (*rc == 0)
        *rc = st_error_set(ST_EINVALID, ST_ERROR_TABLE, "a metadata table type is incomplete");
    return *rc;
}

st_type *mt_struct(int *rc, const mt_field *fields, int n)
{
    st_type *out = NULL;
    st_field *f = NULL;
    for (int i = 0; i < n && *rc == 0; i++)
        if (!fields[i].type)
            missing_child(rc);
    if (*rc == 0 && !(f = st_calloc((size_t)(n ? n : 1), sizeof *f)))
        *rc = st_error_set_oom();
    if (*rc == 0) {
        for (int i = 0; i < n; i++) {
            f[i].id = fields[i].id;
            f[i].name = fields[i].name;
            f[i].required = fields[i].required;
            f[i].type = fields[i].type;
        }
        *rc = st_type_struct_new(&out, f, n);
    }
    st_free(f);
    for (int i = 0; i < n; i++)
        st_type_free(fields[i].type);
    return *rc == 0 ? out : NULL;
}

st_type *mt_list(int *rc, int32_t element_id, st_type *element, int element_required)
{
    st_type *out = NULL;
    if (*rc == 0 && element) {
        st_field f;
        memset(&f, 0, sizeof f);
        f.id = element_id;
        f.name = "element";
        f.required = element_required;
        f.type = element;
        *rc = st_type_list_new(&out, &f);
    } else if (!element) {
        missing_child(rc);
    }
    st_type_free(element);
    return *rc == 0 ? out : NULL;
}

st_type *mt_map(int *rc, int32_t key_id, st_type *key, int32_t value_id, st_type *value,
                int value_required)
{
    st_type *out = NULL;
    if (*rc == 0 && key && value) {
        st_field k, v;
        memset(&k, 0, sizeof k);
        memset(&v, 0, sizeof v);
        k.id = key_id;
        k.name = "key";
        k.required = 1;
        k.type = key;
        v.id = value_id;
        v.name = "value";
        v.required = value_required;
        v.type = value;
        *rc = st_type_map_new(&out, &k, &v);
    } else if (!key || !value) {
        missing_child(rc);
    }
    st_type_free(key);
    st_type_free(value);
    return *rc == 0 ? out : NULL;
}

/* ================================================================= rows */

static int new_batch(mt_builder *b)
{
    b->rows = 0;
    return st_batch_new(&b->cur, b->schema, 256);
}

int mt_builder_init(mt_builder *b, st_type *schema)
{
    memset(b, 0, sizeof *b);
    b->schema = schema;
    return new_batch(b);
}

void mt_builder_dispose(mt_builder *b)
{
    st_batch_free(b->cur);
    for (int i = 0; i < b->n_done; i++)
        st_batch_free(b->done[i]);
    st_free(b->done);
    st_type_free(b->schema);
    memset(b, 0, sizeof *b);
}

/* Moves the batch being filled to the finished ones. */
static int finish_batch(mt_builder *b)
{
    int rc;
    if ((rc = st_batch_seal(b->cur)) < 0)
        return rc;
    if (b->n_done == b->cap_done) {
        int cap = b->cap_done ? 2 * b->cap_done : 4;
        st_batch **grown = st_realloc(b->done, (size_t)cap * sizeof *grown);
        if (!grown)
            return st_error_set_oom();
        b->done = grown;
        b->cap_done = cap;
    }
    b->done[b->n_done++] = b->cur;
    b->cur = NULL;
    return 0;
}

int mt_row_end(mt_builder *b)
{
    int rc;
    if (++b->rows < MT_BATCH_ROWS)
        return 0;
    if ((rc = finish_batch(b)) < 0)
        return rc;
    return new_batch(b);
}

typedef struct mt_reader {
    st_batch_reader base;
    st_type *schema;
    st_batch **batches;
    int n, next;
} mt_reader;

static int reader_next(st_batch_reader *r, st_batch **out)
{
    mt_reader *m = (mt_reader *)r;
    *out = NULL;
    if (m->next >= m->n)
        return ST_ITEROVER;
    *out = m->batches[m->next];
    m->batches[m->next++] = NULL;
    return 0;
}

static st_type *reader_schema(st_batch_reader *r)
{
    return ((mt_reader *)r)->schema;
}

static void reader_free(st_batch_reader *r)
{
    mt_reader *m = (mt_reader *)r;
    for (int i = m->next; i < m->n; i++)
        st_batch_free(m->batches[i]);
    st_free(m->batches);
    st_type_free(m->schema);
    st_free(m);
}

static const st_batch_reader_vtable READER_VT = {reader_next, reader_schema, reader_free};

int mt_reader_new(st_batch_reader **out, mt_builder *b)
{
    mt_reader *m;
    int rc;
    *out = NULL;
    if (b->rows > 0 && (rc = finish_batch(b)) < 0)
        return rc;
    if (!(m = st_calloc(1, sizeof *m)))
        return st_error_set_oom();
    m->base.vt = &READER_VT;
    m->schema = b->schema;
    m->batches = b->done;
    m->n = b->n_done;
    b->schema = NULL;
    b->done = NULL;
    b->n_done = b->cap_done = 0;
    *out = &m->base;
    return 0;
}

/* =============================================================== values */

int mt_put_str(st_vector *v, const char *s)
{
    return s ? st_vector_append_bytes(v, s, strlen(s)) : st_vector_append_null(v);
}

int mt_put_i64(st_vector *v, int64_t x, int64_t null_value)
{
    return x == null_value ? st_vector_append_null(v) : st_vector_append_i64(v, x);
}

int mt_put_i32(st_vector *v, int64_t x, int64_t null_value)
{
    return x == null_value ? st_vector_append_null(v) : st_vector_append_i32(v, (int32_t)x);
}

int mt_put_value(st_vector *v, const st_value *x)
{
    st_type_id want = v->type->id;
    if (x->is_null)
        return st_vector_append_null(v);
    if (want == ST_TYPE_LONG && x->type == ST_TYPE_INT)
        return st_vector_append_i64(v, x->v.i32);
    if (want == ST_TYPE_DOUBLE && x->type == ST_TYPE_FLOAT)
        return st_vector_append_f64(v, x->v.f32);
    switch (x->type) {
    case ST_TYPE_BOOLEAN: return st_vector_append_bool(v, x->v.b);
    case ST_TYPE_INT:
    case ST_TYPE_DATE: return st_vector_append_i32(v, x->v.i32);
    case ST_TYPE_LONG:
    case ST_TYPE_TIME:
    case ST_TYPE_TIMESTAMP:
    case ST_TYPE_TIMESTAMPTZ:
    case ST_TYPE_TIMESTAMP_NS:
    case ST_TYPE_TIMESTAMPTZ_NS: return st_vector_append_i64(v, x->v.i64);
    case ST_TYPE_FLOAT: return st_vector_append_f32(v, x->v.f32);
    case ST_TYPE_DOUBLE: return st_vector_append_f64(v, x->v.f64);
    case ST_TYPE_DECIMAL: return st_vector_append_decimal(v, x->v.dec);
    case ST_TYPE_STRING:
    case ST_TYPE_BINARY:
    case ST_TYPE_FIXED:
    case ST_TYPE_UUID: return st_vector_append_bytes(v, x->v.bytes.ptr, x->v.bytes.len);
    default:
        return st_error_set(ST_EINVALID, ST_ERROR_TABLE, "no %s value fits a %s column",
                            st_type_id_name(x->type), st_type_id_name(want));
    }
}

int mt_human(st_buf *out, const st_transform *tr, const st_value *x)
{
    char buf[64];
    if (x->is_null)
        return st_buf_puts(out, "null");
    switch (tr->kind) {
    case ST_TRANSFORM_YEAR:
        return st_buf_printf(out, "%04d", 1970 + x->v.i32);
    case ST_TRANSFORM_MONTH: {
        int32_t m = x->v.i32;
        int32_t y = m >= 0 ? m / 12 : -((-m + 11) / 12);
        return st_buf_printf(out, "%04d-%02d", 1970 + y, m - y * 12 + 1);
    }
    case ST_TRANSFORM_HOUR: {
        int64_t h = x->v.i32;
        int64_t d = h >= 0 ? h / 24 : -((-h + 23) / 24);
        st_format_date(buf, (int32_t)d);
        return st_buf_printf(out, "%s-%02d", buf, (int)(h - d * 24));
    }
    default:
        if (x->type == ST_TYPE_BINARY || x->type == ST_TYPE_FIXED)
            return st_fmt_base64_encode(out, x->v.bytes.ptr, x->v.bytes.len);
        return st_value_to_text(out, x);
    }
}

/* ======================================================== state tables */

/* Whether `id` is the current snapshot or one of its ancestors. */
static int is_current_ancestor(const st_table_metadata *md, int64_t id)
{
    const st_snapshot *s = st_metadata_current_snapshot(md);
    /* a cycle of parents is corrupt metadata; the bound keeps the walk finite */
    for (int steps = 0; s && steps <= md->n_snapshots; steps++) {
        if (s->snapshot_id == id)
            return 1;
        if (s->parent_id == ST_NULL64)
            break;
        s = st_metadata_snapshot(md, s->parent_id);
    }
    return 0;
}

static int snapshots_rows(mt_builder *b, const st_table_metadata *md)
{
    int rc = 0;
    mt_field f[] = {
        {1, "committed_at", 1, mt_prim(ST_TYPE_TIMESTAMPTZ)},
        {2, "snapshot_id", 1, mt_prim(ST_TYPE_LONG)},
        {3, "parent_id", 0, mt_prim(ST_TYPE_LONG)},
        {4, "operation", 0, mt_prim(ST_TYPE_STRING)},
        {5, "manifest_list", 0, mt_prim(ST_TYPE_STRING)},
        {6, "summary", 0,
         mt_map(&rc, 7, mt_prim(ST_TYPE_STRING), 8, mt_prim(ST_TYPE_STRING), 1)},
    };
    st_type *schema = mt_struct(&rc, f, 6);
    if (rc < 0 || (rc = mt_builder_init(b, schema)) < 0)
        return rc;
    for (int i = 0; i < md->n_snapshots && rc == 0; i++) {
        const st_snapshot *s = &md->snapshots[i];
        st_vector *sum = mt_col(b, 5);
        if ((rc = st_vector_append_i64(mt_col(b, 0), s->timestamp_ms * 1000)) < 0 ||
            (rc = st_vector_append_i64(mt_col(b, 1), s->snapshot_id)) < 0 ||
            (rc = mt_put_i64(mt_col(b, 2), s->parent_id, ST_NULL64)) < 0 ||
            (rc = mt_put_str(mt_col(b, 3), st_props_get(&s->summary, "operation"))) < 0 ||
            (rc = mt_put_str(mt_col(b, 4), s->manifest_list)) < 0)
            break;
        /* Java keeps the operation out of the summary map (its own column) */
        for (int k = 0; k < s->summary.n && rc == 0; k++) {
            const st_kv *kv = &s->summary.items[k];
            if (strcmp(kv->key, "operation") == 0)
                continue;
            if ((rc = mt_put_str(sum->children[0], kv->key)) == 0)
                rc = mt_put_str(sum->children[1], kv->value ? kv->value : "");
        }
        if (rc == 0 && (rc = st_vector_append_nested(sum)) == 0)
            rc = mt_row_end(b);
    }
    return rc;
}

static int history_rows(mt_builder *b, const st_table_metadata *md)
{
    int rc = 0;
    mt_field f[] = {
        {1, "made_current_at", 1, mt_prim(ST_TYPE_TIMESTAMPTZ)},
        {2, "snapshot_id", 1, mt_prim(ST_TYPE_LONG)},
        {3, "parent_id", 0, mt_prim(ST_TYPE_LONG)},
        {4, "is_current_ancestor", 1, mt_prim(ST_TYPE_BOOLEAN)},
    };
    st_type *schema = mt_struct(&rc, f, 4);
    if (rc < 0 || (rc = mt_builder_init(b, schema)) < 0)
        return rc;
    for (int i = 0; i < md->n_snapshot_log && rc == 0; i++) {
        const st_snapshot_log_entry *h = &md->snapshot_log[i];
        const st_snapshot *s = st_metadata_snapshot(md, h->snapshot_id);
        if ((rc = st_vector_append_i64(mt_col(b, 0), h->timestamp_ms * 1000)) == 0 &&
            (rc = st_vector_append_i64(mt_col(b, 1), h->snapshot_id)) == 0 &&
            (rc = mt_put_i64(mt_col(b, 2), s ? s->parent_id : ST_NULL64, ST_NULL64)) == 0 &&
            (rc = st_vector_append_bool(mt_col(b, 3),
                                        is_current_ancestor(md, h->snapshot_id))) == 0)
            rc = mt_row_end(b);
    }
    return rc;
}

/* One row of metadata_log_entries: the snapshot current at the file's time
 * (SnapshotUtil.snapshotIdAsOfTime over the snapshot log), as Java derives it. */
static int log_row(mt_builder *b, const st_table_metadata *md, int64_t ts_ms, const char *file)
{
    int64_t id = ST_NULL64;
    const st_snapshot *s;
    int rc;
    for (int i = 0; i < md->n_snapshot_log; i++)
        if (md->snapshot_log[i].timestamp_ms <= ts_ms)
            id = md->snapshot_log[i].snapshot_id;
    s = id == ST_NULL64 ? NULL : st_metadata_snapshot(md, id);
    if ((rc = st_vector_append_i64(mt_col(b, 0), ts_ms * 1000)) < 0 ||
        (rc = mt_put_str(mt_col(b, 1), file ? file : "")) < 0 ||
        (rc = mt_put_i64(mt_col(b, 2), id, ST_NULL64)) < 0 ||
        (rc = mt_put_i32(mt_col(b, 3), s ? s->schema_id : ST_NULL32, ST_NULL32)) < 0 ||
        (rc = mt_put_i64(mt_col(b, 4), s ? s->sequence_number : ST_NULL64, ST_NULL64)) < 0)
        return rc;
    return mt_row_end(b);
}

static int metadata_log_rows(mt_builder *b, const st_table_metadata *md)
{
    int rc = 0;
    mt_field f[] = {
        {1, "timestamp", 1, mt_prim(ST_TYPE_TIMESTAMPTZ)},
        {2, "file", 1, mt_prim(ST_TYPE_STRING)},
        {3, "latest_snapshot_id", 0, mt_prim(ST_TYPE_LONG)},
        {4, "latest_schema_id", 0, mt_prim(ST_TYPE_INT)},
        {5, "latest_sequence_number", 0, mt_prim(ST_TYPE_LONG)},
    };
    st_type *schema = mt_struct(&rc, f, 5);
    if (rc < 0 || (rc = mt_builder_init(b, schema)) < 0)
        return rc;
    for (int i = 0; i < md->n_metadata_log && rc == 0; i++)
        rc = log_row(b, md, md->metadata_log[i].timestamp_ms, md->metadata_log[i].metadata_file);
    /* the current metadata file is the last entry */
    if (rc == 0)
        rc = log_row(b, md, md->last_updated_ms, md->metadata_location);
    return rc;
}

static int refs_rows(mt_builder *b, const st_table_metadata *md)
{
    int rc = 0;
    mt_field f[] = {
        {1, "name", 1, mt_prim(ST_TYPE_STRING)},
        {2, "type", 1, mt_prim(ST_TYPE_STRING)},
        {3, "snapshot_id", 1, mt_prim(ST_TYPE_LONG)},
        {4, "max_reference_age_in_ms", 0, mt_prim(ST_TYPE_LONG)},
        {5, "min_snapshots_to_keep", 0, mt_prim(ST_TYPE_INT)},
        {6, "max_snapshot_age_in_ms", 0, mt_prim(ST_TYPE_LONG)},
    };
    st_type *schema = mt_struct(&rc, f, 6);
    if (rc < 0 || (rc = mt_builder_init(b, schema)) < 0)
        return rc;
    for (int i = 0; i < md->n_refs && rc == 0; i++) {
        const st_snapshot_ref *r = &md->refs[i];
        if ((rc = mt_put_str(mt_col(b, 0), r->name)) == 0 &&
            (rc = mt_put_str(mt_col(b, 1), r->is_tag ? "TAG" : "BRANCH")) == 0 &&
            (rc = st_vector_append_i64(mt_col(b, 2), r->snapshot_id)) == 0 &&
            (rc = mt_put_i64(mt_col(b, 3), r->max_ref_age_ms, ST_NULL64)) == 0 &&
            (rc = mt_put_i32(mt_col(b, 4), r->min_snapshots_to_keep, ST_NULL32)) == 0 &&
            (rc = mt_put_i64(mt_col(b, 5), r->max_snapshot_age_ms, ST_NULL64)) == 0)
            rc = mt_row_end(b);
    }
    return rc;
}

/* ============================================================ dispatch */

/* The tables of the table's state, numbered after the snapshot tables' mt_kind. */
enum { MT_SNAPSHOTS = MT_PARTITIONS + 1, MT_HISTORY, MT_METADATA_LOG, MT_REFS };

static const struct {
    const char *name;
    int kind;            /* an mt_kind or one of the state tables above */
} TABLES[] = {
    {"snapshots", MT_SNAPSHOTS}, {"history", MT_HISTORY},
    {"metadata_log_entries", MT_METADATA_LOG}, {"refs", MT_REFS},
    {"manifests", MT_MANIFESTS}, {"entries", MT_ENTRIES}, {"files", MT_FILES},
    {"data_files", MT_DATA_FILES}, {"delete_files", MT_DELETE_FILES},
    {"partitions", MT_PARTITIONS},
};

#define N_TABLES ((int)(sizeof TABLES / sizeof TABLES[0]))

static int unknown_table(const char *name)
{
    char list[256];
    size_t n = 0;
    list[0] = 0;
    for (int i = 0; i < N_TABLES; i++)
        n += (size_t)snprintf(list + n, sizeof list - n, "%s%s", i ? ", " : "", TABLES[i].name);
    return st_error_set(ST_ENOTFOUND, ST_ERROR_TABLE,
                        "unknown metadata table '%s' (there are: %s)", name ? name : "", list);
}

int st_table_metadata_scan(st_batch_reader **out, st_table *t, const char *name,
                           int64_t snapshot_id)
{
    mt_builder b;
    int kind = 0, found = 0, rc;

    if (!out || !t)
        return st_error_set(ST_EINVALID, ST_ERROR_TABLE, "st_table_metadata_scan: no %s",
                            out ? "table" : "output");
    *out = NULL;
    memset(&b, 0, sizeof b);
    for (int i = 0; name && i < N_TABLES && !found; i++)
        if (strcasecmp(name, TABLES[i].name) == 0) {
            kind = TABLES[i].kind;
            found = 1;
        }
    if (!found)
        return unknown_table(name);

    switch (kind) {
    case MT_SNAPSHOTS: rc = snapshots_rows(&b, t->md); break;
    case MT_HISTORY: rc = history_rows(&b, t->md); break;
    case MT_METADATA_LOG: rc = metadata_log_rows(&b, t->md); break;
    case MT_REFS: rc = refs_rows(&b, t->md); break;
    default: {
        const st_snapshot *s;
        if (snapshot_id >= 0) {
            if (!(s = st_metadata_snapshot(t->md, snapshot_id)))
                return st_error_set(ST_ENOTFOUND, ST_ERROR_TABLE,
                                    "table '%s' has no snapshot %lld", t->display,
                                    (long long)snapshot_id);
        } else {
            s = st_metadata_current_snapshot(t->md);
        }
        rc = mt_build_snapshot_table(&b, t, s, (mt_kind)kind);
        break;
    }
    }
    if (rc == 0)
        rc = mt_reader_new(out, &b);
    mt_builder_dispose(&b);
    return rc;
}
