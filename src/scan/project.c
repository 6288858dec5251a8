/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Schema evolution at read time: a batch decoded from a data file (columns
 * carrying the file's field ids) becomes a batch of the read schema. Fields
 * are matched by id only, so renamed columns come out under their new names;
 * a field the file lacks is a constant (an identity partition value or the
 * field's initial default) or null; widened primitives are converted
 * (int -> long, float -> double, a wider decimal, date -> timestamp).
 * Fields the file lacks are null even when required, as the spec says.
 * Unchanged vectors are shared, nested ones re-typed as views over the
 * file's buffers, so an unevolved table pays nothing but the lookups.
 */
#include <string.h>

#include "columnar/columnar_int.h"
#include "scan/scan_int.h"
#include "supertable/errors.h"
#include "util/alloc.h"

static int project_vector(st_vector **out, st_vector *src, const st_field *to,
                          const st_scan_consts *c);

const st_value *st_scan_consts_find(const st_scan_consts *c, int32_t id)
{
    for (int i = 0; c && i < c->n; i++)
        if (c->ids[i] == id)
            return &c->values[i];
    return NULL;
}

/* ------------------------------------------------------------ constants */

static int fill_const(st_vector *v, const st_value *val, int64_t n)
{
    const st_type *t = v->type;
    int rc = 0;
    if (!val || val->is_null) {
        for (int64_t i = 0; rc == 0 && i < n; i++)
            rc = st_vector_append_null(v);
        return rc;
    }
    /* the constant's type may be narrower than the field's (a promoted column) */
    for (int64_t i = 0; rc == 0 && i < n; i++) {
        switch (t->id) {
        case ST_TYPE_BOOLEAN: rc = st_vector_append_bool(v, val->v.b); break;
        case ST_TYPE_INT: case ST_TYPE_DATE:
            /* a value typed by a newer schema (long) read back in time as int */
            rc = st_vector_append_i32(v, val->type == ST_TYPE_LONG ? (int32_t)val->v.i64
                                                                   : val->v.i32);
            break;
        case ST_TYPE_LONG:
            rc = st_vector_append_i64(v, val->type == ST_TYPE_INT ? val->v.i32 : val->v.i64);
            break;
        case ST_TYPE_TIMESTAMP: case ST_TYPE_TIMESTAMPTZ:
            rc = st_vector_append_i64(v, val->type == ST_TYPE_DATE
                                             ? (int64_t)val->v.i32 * 86400000000LL
                                             : val->v.i64);
            break;
        case ST_TYPE_TIMESTAMP_NS: case ST_TYPE_TIMESTAMPTZ_NS:
            rc = st_vector_append_i64(v, val->type == ST_TYPE_DATE
                                             ? (int64_t)val->v.i32 * 86400000000000LL
                                             : val->v.i64);
            break;
        case ST_TYPE_TIME: rc = st_vector_append_i64(v, val->v.i64); break;
        case ST_TYPE_FLOAT:
            rc = st_vector_append_f32(v, val->type == ST_TYPE_DOUBLE ? (float)val->v.f64
                                                                     : val->v.f32);
            break;
        case ST_TYPE_DOUBLE:
            rc = st_vector_append_f64(v, val->type == ST_TYPE_FLOAT ? (double)val->v.f32
                                                                    : val->v.f64);
            break;
        case ST_TYPE_DECIMAL: rc = st_vector_append_decimal(v, val->v.dec); break;
        case ST_TYPE_STRING: case ST_TYPE_BINARY: case ST_TYPE_FIXED: case ST_TYPE_UUID:
            rc = st_vector_append_bytes(v, val->v.bytes.ptr, val->v.bytes.len);
            break;
        default:
            rc = st_vector_append_null(v);
        }
    }
    return rc;
}

/* A vector of n rows for a field the file does not have. */
static int missing_vector(st_vector **out, const st_field *f, int64_t n, const st_scan_consts *c)
{
    const st_value *val = st_scan_consts_find(c, f->id);
    st_vector *v = NULL;
    int rc;
    /* The spec reads a missing field as null even when the schema says it is
     * required (a file written before the column was added, or without ids
     * and not named by the name mapping). */
    if ((rc = st_vector_new(&v, f->type, n)) < 0)
        return rc;
    if (f->type->id == ST_TYPE_STRUCT && !(val && !val->is_null)) {
        /* a missing struct: null rows, children of the right shape (their own
         * defaults apply only where the struct itself is present) */
        for (int64_t i = 0; rc == 0 && i < n; i++)
            rc = st_vector_append_null(v);
    } else if (st_type_is_nested(f->type)) {
        for (int64_t i = 0; rc == 0 && i < n; i++)
            rc = st_vector_append_null(v);
    } else {
        rc = fill_const(v, val, n);
    }
    if (rc) {
        st_vector_free(v);
        return rc;
    }
    *out = v;
    return 0;
}

/* ------------------------------------------------------------- promotion */

static int promote(st_vector **out, const st_vector *src, st_type *to)
{
    st_type_id from = src->type->id;
    int64_t n = src->length;
    st_vector *v = NULL;
    int rc = st_vector_new(&v, to, n);
    if (rc)
        return rc;
    if (src->validity && (rc = st_vector_ensure_validity(v)) == 0) {
        memcpy(v->validity, src->validity, st_col_bitmap_bytes(n));
        v->null_count = src->null_count;
    }
    if (rc == 0) {
        if (to->id == ST_TYPE_LONG && from == ST_TYPE_INT) {
            const int32_t *a = (const int32_t *)(const void *)src->values;
            int64_t *b = (int64_t *)(void *)v->values;
            for (int64_t i = 0; i < n; i++)
                b[i] = a[i];
        } else if (to->id == ST_TYPE_DOUBLE && from == ST_TYPE_FLOAT) {
            const float *a = (const float *)(const void *)src->values;
            double *b = (double *)(void *)v->values;
            for (int64_t i = 0; i < n; i++)
                b[i] = a[i];
        } else if ((to->id == ST_TYPE_TIMESTAMP || to->id == ST_TYPE_TIMESTAMPTZ ||
                    to->id == ST_TYPE_TIMESTAMP_NS || to->id == ST_TYPE_TIMESTAMPTZ_NS) &&
                   from == ST_TYPE_DATE) {
            int64_t unit = (to->id == ST_TYPE_TIMESTAMP || to->id == ST_TYPE_TIMESTAMPTZ)
                               ? 86400000000LL : 86400000000000LL;
            const int32_t *a = (const int32_t *)(const void *)src->values;
            int64_t *b = (int64_t *)(void *)v->values;
            for (int64_t i = 0; i < n; i++)
                b[i] = (int64_t)a[i] * unit;
        } else {
            rc = ST_EINVALID;
        }
    }
    if (rc) {
        st_vector_free(v);
        return rc;
    }
    v->length = n;
    *out = v;
    return 0;
}

/* ----------------------------------------------------------------- views */

static void release_ref(void *p)
{
    st_vector_free(p);
}

/* A vector of type `to` over src's own buffers (validity, values, data). */
static int view(st_vector **out, st_vector *src, st_type *to)
{
    st_vector *v = st_col_vector_shell(to);
    if (!v)
        return st_error_set_oom();
    v->length = src->length;
    v->null_count = src->null_count;
    v->validity = src->validity;
    v->values = src->values;
    v->data = src->data;
    v->data_len = src->data_len;
    v->foreign_ = 1;
    v->release_ = release_ref;
    v->release_payload_ = st_vector_ref(src);
    *out = v;
    return 0;
}

static int same_primitive(const st_type *a, const st_type *b)
{
    /* a string stored as un-annotated BYTE_ARRAY (old Hive, Impala) reads as text */
    if ((a->id == ST_TYPE_BINARY && b->id == ST_TYPE_STRING) ||
        (a->id == ST_TYPE_STRING && b->id == ST_TYPE_BINARY))
        return 1;
    if (a->id != b->id)
        return 0;
    if (a->id == ST_TYPE_FIXED)
        return a->length == b->length;
    if (a->id == ST_TYPE_DECIMAL)
        return a->scale == b->scale;   /* a wider precision has the same storage */
    return 1;
}

static int child_index(const st_type *t, int32_t id)
{
    for (int i = 0; i < t->n_fields; i++)
        if (t->fields[i].id == id)
            return i;
    return -1;
}

static int project_struct(st_vector **out, st_vector *src, st_type *to, const st_scan_consts *c)
{
    st_vector *v = NULL;
    int rc = view(&v, src, to);
    if (rc)
        return rc;
    v->values = v->data = NULL;
    if (!(v->children = st_calloc((size_t)(to->n_fields ? to->n_fields : 1), sizeof *v->children))) {
        st_vector_free(v);
        return st_error_set_oom();
    }
    v->n_children = to->n_fields;
    for (int i = 0; rc == 0 && i < to->n_fields; i++) {
        int k = child_index(src->type, to->fields[i].id);
        if (k >= 0)
            rc = project_vector(&v->children[i], src->children[k], &to->fields[i], c);
        else
            rc = missing_vector(&v->children[i], &to->fields[i], src->length, c);
    }
    if (rc) {
        st_vector_free(v);
        return rc;
    }
    *out = v;
    return 0;
}

static int project_container(st_vector **out, st_vector *src, st_type *to, const st_scan_consts *c)
{
    st_vector *v = NULL;
    int rc = view(&v, src, to);
    if (rc)
        return rc;
    if (!(v->children = st_calloc((size_t)to->n_fields, sizeof *v->children))) {
        st_vector_free(v);
        return st_error_set_oom();
    }
    v->n_children = to->n_fields;
    for (int i = 0; rc == 0 && i < to->n_fields; i++)
        rc = project_vector(&v->children[i], src->children[i], &to->fields[i], c);
    if (rc) {
        st_vector_free(v);
        return rc;
    }
    *out = v;
    return 0;
}

static int mismatch(const st_vector *src, const st_field *to)
{
    char *a = NULL, *b = NULL;
    st_type_to_string(&a, src->type);
    st_type_to_string(&b, to->type);
    int rc = st_error_set(ST_EINVALID, ST_ERROR_TABLE,
                          "column '%s' (id %d): a data file holds %s, which cannot be read as %s",
                          to->name, to->id, a ? a : "?", b ? b : "?");
    st_free(a);
    st_free(b);
    return rc;
}

static int project_vector(st_vector **out, st_vector *src, const st_field *to,
                          const st_scan_consts *c)
{
    st_type *t = to->type;
    const st_type *s = src->type;
    if (s == t || st_type_equals(s, t)) {
        *out = st_vector_ref(src);
        return 0;
    }
    switch (t->id) {
    case ST_TYPE_STRUCT:
        if (s->id != ST_TYPE_STRUCT)
            return mismatch(src, to);
        return project_struct(out, src, t, c);
    case ST_TYPE_LIST:
    case ST_TYPE_MAP:
        if (s->id != t->id || s->n_fields != t->n_fields)
            return mismatch(src, to);
        return project_container(out, src, t, c);
    default:
        if (st_type_is_nested(s))
            return mismatch(src, to);
        if (same_primitive(s, t))
            return view(out, src, t);
        if (promote(out, src, t) == 0)
            return 0;
        return mismatch(src, to);
    }
}

int st_scan_project(st_batch **out, const st_batch *in, st_type *schema, const st_scan_consts *c)
{
    *out = NULL;
    st_vector **cols = st_calloc((size_t)(schema->n_fields ? schema->n_fields : 1), sizeof *cols);
    int rc = 0;
    if (!cols)
        return st_error_set_oom();
    for (int i = 0; rc == 0 && i < schema->n_fields; i++) {
        const st_field *f = &schema->fields[i];
        int k = child_index(in->schema, f->id);
        if (k >= 0)
            rc = project_vector(&cols[i], in->columns[k], f, c);
        else
            rc = missing_vector(&cols[i], f, in->length, c);
    }
    if (rc == 0) {
        st_batch *b = st_calloc(1, sizeof *b);
        if (!b) {
            rc = st_error_set_oom();
        } else {
            b->schema = st_type_ref(schema);
            b->length = in->length;
            b->n_columns = schema->n_fields;
            b->columns = cols;
            *out = b;
            return 0;
        }
    }
    for (int i = 0; i < schema->n_fields; i++)
        st_vector_free(cols[i]);
    st_free(cols);
    return rc;
}
