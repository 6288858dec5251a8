/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Export to the Arrow C Data Interface: types as ArrowSchema trees (with
 * PARQUET:field_id metadata), vectors and batches as ArrowArray trees that
 * borrow the vectors' buffers. Every exported array node holds a reference to
 * its own vector, so a consumer may move a child out and release it after the
 * parent, and the producer may free its vectors before the consumer is done.
 */
#include <inttypes.h>
#include <stdio.h>

#include <supertable/arrow.h>

#include "columnar/columnar_int.h"
#include "util/alloc.h"

/* Stands in for empty buffers: some consumers mishandle NULL even where the
 * specification allows it (offsets of an empty array are one zero int32). */
static const int64_t g_empty[2];

/* ------------------------------------------------------------------ schemas */

/* One allocation per node: this header, the children, then the strings. */
typedef struct schema_priv {
    struct ArrowSchema **child_ptrs;
    struct ArrowSchema *child_structs;
} schema_priv;

static void release_schema(struct ArrowSchema *s)
{
    schema_priv *p = s->private_data;
    for (int64_t i = 0; i < s->n_children; i++)
        if (p->child_ptrs[i]->release)
            p->child_ptrs[i]->release(p->child_ptrs[i]);
    st_free(p);
    s->release = NULL;
}

/* Fills `out` as a releasable node whose children are still empty (released). */
static int schema_node(struct ArrowSchema *out, const char *format, const char *name,
                       const char *md, size_t md_len, int64_t flags, int n_children)
{
    size_t fmt_len = strlen(format) + 1, name_len = strlen(name) + 1, size;
    size_t child_size = sizeof(struct ArrowSchema) + sizeof(struct ArrowSchema *);
    schema_priv *p;
    char *mem;

    size = sizeof(schema_priv) + (size_t)n_children * child_size;
    if (st_add_overflow(size, md_len + fmt_len, &size) ||
        st_add_overflow(size, name_len, &size))
        return st_error_set_oom();
    if (!(mem = st_calloc(1, size)))
        return ST_ENOMEM;
    p = (schema_priv *)(void *)mem;
    p->child_structs = (struct ArrowSchema *)(void *)(mem + sizeof(schema_priv));
    p->child_ptrs = (struct ArrowSchema **)(void *)(p->child_structs + n_children);
    mem = (char *)(p->child_ptrs + n_children);
    for (int i = 0; i < n_children; i++)
        p->child_ptrs[i] = &p->child_structs[i];
    memset(out, 0, sizeof(*out));
    if (md_len) {
        memcpy(mem, md, md_len);
        out->metadata = mem;
        mem += md_len;
    }
    out->format = memcpy(mem, format, fmt_len);
    out->name = memcpy(mem + fmt_len, name, name_len);
    out->flags = flags;
    out->n_children = n_children;
    out->children = n_children ? p->child_ptrs : NULL;
    out->release = release_schema;
    out->private_data = p;
    return 0;
}

/* Arrow's binary metadata: int32 count, then (int32 length, bytes) per key and value. */
typedef struct metadata {
    char data[256];
    size_t len;
    int32_t count;
} metadata;

static void md_put(metadata *m, const char *key, const char *value)
{
    int32_t kl = (int32_t)strlen(key), vl = (int32_t)strlen(value);
    if (m->len == 0)
        m->len = sizeof(int32_t);
    memcpy(m->data + m->len, &kl, sizeof(kl));
    memcpy(m->data + m->len + 4, key, (size_t)kl);
    m->len += 4 + (size_t)kl;
    memcpy(m->data + m->len, &vl, sizeof(vl));
    memcpy(m->data + m->len + 4, value, (size_t)vl);
    m->len += 4 + (size_t)vl;
    m->count++;
    memcpy(m->data, &m->count, sizeof(m->count));
}

static void format_of(char *fmt, size_t n, const st_type *t)
{
    const char *f = "";
    switch (t->id) {
    case ST_TYPE_BOOLEAN: f = "b"; break;
    case ST_TYPE_INT: f = "i"; break;
    case ST_TYPE_LONG: f = "l"; break;
    case ST_TYPE_FLOAT: f = "f"; break;
    case ST_TYPE_DOUBLE: f = "g"; break;
    case ST_TYPE_DECIMAL: snprintf(fmt, n, "d:%d,%d", t->precision, t->scale); return;
    case ST_TYPE_DATE: f = "tdD"; break;
    case ST_TYPE_TIME: f = "ttu"; break;
    case ST_TYPE_TIMESTAMP: f = "tsu:"; break;
    case ST_TYPE_TIMESTAMPTZ: f = "tsu:UTC"; break;
    case ST_TYPE_TIMESTAMP_NS: f = "tsn:"; break;
    case ST_TYPE_TIMESTAMPTZ_NS: f = "tsn:UTC"; break;
    case ST_TYPE_STRING: f = "u"; break;
    case ST_TYPE_UUID: f = "w:16"; break;
    case ST_TYPE_FIXED: snprintf(fmt, n, "w:%d", t->length); return;
    case ST_TYPE_BINARY: f = "z"; break;
    case ST_TYPE_STRUCT: f = "+s"; break;
    case ST_TYPE_LIST: f = "+l"; break;
    case ST_TYPE_MAP: f = "+m"; break;
    }
    snprintf(fmt, n, "%s", f);
}

static int export_field(struct ArrowSchema *out, const st_type *t, const char *name,
                        int64_t flags, int32_t field_id);

/* Map: one non-nullable "entries" struct child holding key and value. */
static int export_entries(struct ArrowSchema *out, const st_type *map)
{
    const st_field *k = &map->fields[0], *v = &map->fields[1];
    int rc = schema_node(out, "+s", "entries", NULL, 0, 0, 2);
    if (rc == 0 && (rc = export_field(out->children[0], k->type, k->name, 0, k->id)) == 0)
        rc = export_field(out->children[1], v->type, v->name,
                          v->required ? 0 : ARROW_FLAG_NULLABLE, v->id);
    return rc;
}

static int export_field(struct ArrowSchema *out, const st_type *t, const char *name,
                        int64_t flags, int32_t field_id)
{
    char fmt[32], id[16];
    metadata md;
    int n_children = 0, rc;

    memset(out, 0, sizeof(*out));
    md.len = 0;
    md.count = 0;
    format_of(fmt, sizeof(fmt), t);
    if (field_id != ST_FIELD_ID_NONE) {
        snprintf(id, sizeof(id), "%" PRId32, field_id);
        md_put(&md, "PARQUET:field_id", id);
    }
    if (t->id == ST_TYPE_UUID) {
        md_put(&md, "ARROW:extension:name", "arrow.uuid");
        md_put(&md, "ARROW:extension:metadata", "");
    }
    if (t->id == ST_TYPE_STRUCT || t->id == ST_TYPE_LIST)
        n_children = t->n_fields;
    else if (t->id == ST_TYPE_MAP)
        n_children = 1;
    if ((rc = schema_node(out, fmt, name ? name : "", md.data, md.len, flags, n_children)) < 0)
        return rc;
    if (t->id == ST_TYPE_MAP) {
        rc = export_entries(out->children[0], t);
    } else {
        for (int i = 0; rc == 0 && i < n_children; i++) {
            const st_field *f = &t->fields[i];
            rc = export_field(out->children[i], f->type, f->name,
                              f->required ? 0 : ARROW_FLAG_NULLABLE, f->id);
        }
    }
    if (rc < 0)
        out->release(out);
    return rc;
}

int st_arrow_export_type(struct ArrowSchema *out, const st_type *type, const char *name,
                         int nullable, int32_t field_id)
{
    memset(out, 0, sizeof(*out));
    if (!type)
        return st_error_set(ST_EINVALID, ST_ERROR_ARROW, "no type to export");
    return export_field(out, type, name, nullable ? ARROW_FLAG_NULLABLE : 0, field_id);
}

int st_arrow_export_schema(struct ArrowSchema *out, const st_type *schema)
{
    memset(out, 0, sizeof(*out));
    if (!schema || schema->id != ST_TYPE_STRUCT)
        return st_error_set(ST_EINVALID, ST_ERROR_ARROW, "a schema must be a struct type");
    return export_field(out, schema, "", 0, ST_FIELD_ID_NONE);
}

/* ------------------------------------------------------------------- arrays */

typedef struct array_priv {
    st_vector *vec; /* reference to the vector whose buffers this node lends */
    const void *buffers[3];
    struct ArrowArray **child_ptrs;
    struct ArrowArray *child_structs;
} array_priv;

static void release_array(struct ArrowArray *a)
{
    array_priv *p = a->private_data;
    for (int64_t i = 0; i < a->n_children; i++)
        if (p->child_ptrs[i]->release)
            p->child_ptrs[i]->release(p->child_ptrs[i]);
    st_vector_free(p->vec);
    st_free(p);
    a->release = NULL;
}

/* Fills `out` as a releasable node with empty children; takes a reference to vec. */
static int array_node(struct ArrowArray *out, st_vector *vec, int64_t length, int64_t nulls,
                      int n_buffers, int n_children)
{
    size_t size = sizeof(array_priv) +
                  (size_t)n_children * (sizeof(struct ArrowArray) + sizeof(struct ArrowArray *));
    array_priv *p;
    char *mem;

    memset(out, 0, sizeof(*out));
    if (!(mem = st_calloc(1, size)))
        return ST_ENOMEM;
    p = (array_priv *)(void *)mem;
    p->child_structs = (struct ArrowArray *)(void *)(mem + sizeof(array_priv));
    p->child_ptrs = (struct ArrowArray **)(void *)(p->child_structs + n_children);
    for (int i = 0; i < n_children; i++)
        p->child_ptrs[i] = &p->child_structs[i];
    p->vec = st_vector_ref(vec);
    out->length = length;
    out->null_count = nulls;
    out->n_buffers = n_buffers;
    out->buffers = p->buffers;
    out->n_children = n_children;
    out->children = n_children ? p->child_ptrs : NULL;
    out->release = release_array;
    out->private_data = p;
    return 0;
}

static int export_vector(struct ArrowArray *out, st_vector *v, int depth);

static int export_map_entries(struct ArrowArray *out, st_vector *v, int depth)
{
    int rc = array_node(out, NULL, v->children[0]->length, 0, 1, 2);
    if (rc == 0 && (rc = export_vector(out->children[0], v->children[0], depth + 1)) == 0)
        rc = export_vector(out->children[1], v->children[1], depth + 1);
    return rc;
}

static int export_vector(struct ArrowArray *out, st_vector *v, int depth)
{
    const st_type *t = v->type;
    array_priv *p;
    int n_buffers = 2, n_children = 0, rc = 0;

    if (depth > ST_COL_MAX_DEPTH * 4)
        return st_error_set(ST_EUNSUPPORTED, ST_ERROR_ARROW, "vector nested too deeply");
    if (t->id == ST_TYPE_STRUCT)
        n_buffers = 1, n_children = v->n_children;
    else if (st_col_is_binary_like(t))
        n_buffers = 3;
    else if (t->id == ST_TYPE_LIST || t->id == ST_TYPE_MAP)
        n_children = 1;
    if ((rc = array_node(out, v, v->length, v->null_count, n_buffers, n_children)) < 0)
        return rc;
    p = out->private_data;
    p->buffers[0] = v->null_count ? v->validity : NULL;
    if (n_buffers > 1)
        p->buffers[1] = v->values ? (const void *)v->values : (const void *)g_empty;
    if (n_buffers > 2)
        p->buffers[2] = v->data ? (const void *)v->data : (const void *)g_empty;
    if (t->id == ST_TYPE_MAP)
        rc = export_map_entries(out->children[0], v, depth);
    else
        for (int i = 0; rc == 0 && i < n_children; i++)
            rc = export_vector(out->children[i], v->children[i], depth + 1);
    if (rc < 0)
        out->release(out);
    return rc;
}

int st_arrow_export_vector(struct ArrowArray *out, st_vector *v)
{
    memset(out, 0, sizeof(*out));
    if (!v)
        return st_error_set(ST_EINVALID, ST_ERROR_ARROW, "no vector to export");
    return export_vector(out, v, 0);
}

int st_arrow_export_batch(struct ArrowArray *out, st_batch *b)
{
    int rc;
    memset(out, 0, sizeof(*out));
    if (!b)
        return st_error_set(ST_EINVALID, ST_ERROR_ARROW, "no batch to export");
    for (int i = 0; i < b->n_columns; i++)
        if (b->columns[i]->length != b->length)
            return st_error_set(ST_EINVALID, ST_ERROR_ARROW,
                                "column %d has %lld rows, the batch %lld (st_batch_seal?)", i,
                                (long long)b->columns[i]->length, (long long)b->length);
    if ((rc = array_node(out, NULL, b->length, 0, 1, b->n_columns)) < 0)
        return rc;
    for (int i = 0; rc == 0 && i < b->n_columns; i++)
        rc = export_vector(out->children[i], b->columns[i], 1);
    if (rc < 0)
        out->release(out);
    return rc;
}
