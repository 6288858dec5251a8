/* SPDX-License-Identifier: Apache-2.0 */
/* Whole-batch operations: concatenation, and fitting a batch to a schema
 * (column matching by field id or name, safe widening casts). */
#include <string.h>
#include <strings.h>

#include "columnar/batch_ops.h"
#include "columnar/columnar_int.h"
#include "supertable/errors.h"
#include "util/alloc.h"

int st_batch_shallow_copy(st_batch **out, const st_batch *b)
{
    return st_batch_from_vectors(out, b->schema, b->columns);
}

int st_batch_concat(st_batch **out, st_batch *const *batches, int n)
{
    *out = NULL;
    if (n <= 0)
        return st_error_set(ST_EINVALID, ST_ERROR_COLUMNAR, "concat: no batches");
    if (n == 1)
        return st_batch_shallow_copy(out, batches[0]);
    int64_t rows = 0;
    for (int i = 0; i < n; i++)
        rows += batches[i]->length;
    st_batch *b;
    int rc = st_batch_new(&b, batches[0]->schema, rows);
    if (rc)
        return rc;
    for (int c = 0; c < b->n_columns && rc == 0; c++)
        for (int i = 0; i < n && rc == 0; i++)
            for (int64_t r = 0; r < batches[i]->length && rc == 0; r++)
                rc = st_col_vector_append_from(b->columns[c], batches[i]->columns[c], r);
    if (rc == 0)
        rc = st_batch_seal(b);
    if (rc) {
        st_batch_free(b);
        return rc;
    }
    *out = b;
    return 0;
}

/* Same layout and types, ignoring field ids and names of nested members. */
static int same_shape(const st_type *a, const st_type *b)
{
    if (a->id != b->id || a->n_fields != b->n_fields)
        return 0;
    if (a->id == ST_TYPE_DECIMAL)
        return a->precision == b->precision && a->scale == b->scale;
    if (a->id == ST_TYPE_FIXED)
        return a->length == b->length;
    for (int i = 0; i < a->n_fields; i++)
        if (!same_shape(a->fields[i].type, b->fields[i].type))
            return 0;
    return 1;
}

static int can_widen(st_type_id from, const st_type *to)
{
    switch (to->id) {
    case ST_TYPE_LONG: return from == ST_TYPE_INT;
    case ST_TYPE_DOUBLE: return from == ST_TYPE_FLOAT || from == ST_TYPE_INT || from == ST_TYPE_LONG;
    case ST_TYPE_DECIMAL: return from == ST_TYPE_INT || from == ST_TYPE_LONG || from == ST_TYPE_DECIMAL;
    case ST_TYPE_TIMESTAMP:
    case ST_TYPE_TIMESTAMPTZ: return from == ST_TYPE_DATE;
    default: return 0;
    }
}

/* Multiplies an unscaled 128-bit value by 10^k; 0 on overflow. */
static int dec_rescale(st_decimal128 *d, int k)
{
    for (int i = 0; i < k; i++) {
        __int128 v = ((__int128)d->hi << 64) | (__int128)d->lo;
        __int128 r;
        if (__builtin_mul_overflow(v, (__int128)10, &r))
            return 0;
        d->hi = (int64_t)(r >> 64);
        d->lo = (uint64_t)r;
    }
    return 1;
}

static int dec_fits(st_decimal128 d, int precision)
{
    __int128 v = ((__int128)d.hi << 64) | (__int128)d.lo;
    if (v < 0)
        v = -v;
    __int128 lim = 1;
    for (int i = 0; i < precision; i++)
        lim *= 10;
    return v < lim;
}

static int cast_vector(st_vector **out, const st_vector *src, st_type *to, const char *name)
{
    st_vector *v;
    int rc = st_vector_new(&v, to, src->length);
    if (rc)
        return rc;
    for (int64_t i = 0; i < src->length && rc == 0; i++) {
        if (!st_vector_is_valid(src, i)) {
            rc = st_vector_append_null(v);
            continue;
        }
        st_type_id f = src->type->id;
        switch (to->id) {
        case ST_TYPE_LONG:
            rc = st_vector_append_i64(v, st_vector_get_i32(src, i));
            break;
        case ST_TYPE_DOUBLE:
            rc = st_vector_append_f64(v, f == ST_TYPE_FLOAT  ? (double)st_vector_get_f32(src, i)
                                         : f == ST_TYPE_INT ? (double)st_vector_get_i32(src, i)
                                                            : (double)st_vector_get_i64(src, i));
            break;
        case ST_TYPE_TIMESTAMP:
        case ST_TYPE_TIMESTAMPTZ:
            rc = st_vector_append_i64(v, (int64_t)st_vector_get_i32(src, i) * 86400000000LL);
            break;
        case ST_TYPE_DECIMAL: {
            st_decimal128 d;
            int scale_from = 0;
            if (f == ST_TYPE_DECIMAL) {
                d = st_vector_get_decimal(src, i);
                scale_from = src->type->scale;
            } else {
                int64_t x = f == ST_TYPE_INT ? st_vector_get_i32(src, i) : st_vector_get_i64(src, i);
                d.lo = (uint64_t)x;
                d.hi = x < 0 ? -1 : 0;
            }
            if (scale_from > to->scale || !dec_rescale(&d, to->scale - scale_from) ||
                !dec_fits(d, to->precision)) {
                rc = st_error_set(ST_EINVALID, ST_ERROR_COLUMNAR,
                                  "column '%s', row %lld: the value does not fit decimal(%d,%d)",
                                  name, (long long)i, to->precision, to->scale);
                break;
            }
            rc = st_vector_append_decimal(v, d);
            break;
        }
        default:
            rc = st_error_set(ST_EINVALID, ST_ERROR_COLUMNAR, "column '%s': cannot convert",
                              name);
        }
    }
    if (rc) {
        st_vector_free(v);
        return rc;
    }
    *out = v;
    return 0;
}

static int retype_vector(st_vector **out, const st_vector *src, st_type *to)
{
    st_vector *v;
    int rc = st_vector_new(&v, to, src->length);
    for (int64_t i = 0; rc == 0 && i < src->length; i++)
        rc = st_col_vector_append_from(v, src, i);
    if (rc) {
        if (v)
            st_vector_free(v);
        return rc;
    }
    *out = v;
    return 0;
}

static int null_vector(st_vector **out, st_type *t, int64_t n)
{
    st_vector *v;
    int rc = st_vector_new(&v, t, n);
    for (int64_t i = 0; rc == 0 && i < n; i++)
        rc = st_vector_append_null(v);
    if (rc) {
        if (v)
            st_vector_free(v);
        return rc;
    }
    *out = v;
    return 0;
}

/* The input column for a table field: by name (exact, then any case), else by
 * field id when the input column with that id has a name no table field has
 * and a type that fits (a file written before a rename). -1 when none. */
static int find_source(const st_type *in, const st_type *table, const st_field *f)
{
    for (int i = 0; i < in->n_fields; i++)
        if (strcmp(in->fields[i].name, f->name) == 0)
            return i;
    for (int i = 0; i < in->n_fields; i++)
        if (strcasecmp(in->fields[i].name, f->name) == 0)
            return i;
    if (f->id == ST_FIELD_ID_NONE)
        return -1;
    for (int i = 0; i < in->n_fields; i++) {
        if (in->fields[i].id != f->id)
            continue;
        for (int k = 0; k < table->n_fields; k++)
            if (strcasecmp(table->fields[k].name, in->fields[i].name) == 0)
                return -1;
        const st_type *a = in->fields[i].type, *b = f->type;
        if (st_type_equals(a, b) || same_shape(a, b) ||
            (!st_type_is_nested(b) && can_widen(a->id, b)))
            return i;
        return -1;
    }
    return -1;
}

int st_batch_conform(st_batch **out, const st_batch *in, st_type *schema)
{
    *out = NULL;
    if (st_type_equals(in->schema, schema))
        return st_batch_shallow_copy(out, in);
    uint8_t *used = st_calloc((size_t)in->schema->n_fields + 1, 1);
    st_vector **cols = st_calloc((size_t)schema->n_fields + 1, sizeof *cols);
    int rc = 0;
    if (!used || !cols)
        rc = st_error_set_oom();
    for (int i = 0; rc == 0 && i < schema->n_fields; i++) {
        const st_field *f = &schema->fields[i];
        int s = find_source(in->schema, schema, f);
        if (s < 0) {
            if (f->required)
                rc = st_error_set(ST_EINVALID, ST_ERROR_COLUMNAR,
                                  "column '%s' is required but the data has no such column",
                                  f->name);
            else
                rc = null_vector(&cols[i], f->type, in->length);
            continue;
        }
        used[s] = 1;
        const st_vector *src = in->columns[s];
        if (st_type_equals(src->type, f->type)) {
            cols[i] = st_vector_ref(in->columns[s]);
        } else if (same_shape(src->type, f->type)) {
            rc = retype_vector(&cols[i], src, f->type);
        } else if (!st_type_is_nested(f->type) && can_widen(src->type->id, f->type)) {
            rc = cast_vector(&cols[i], src, f->type, f->name);
        } else {
            char *a = NULL, *b = NULL;
            st_type_to_string(&a, src->type);
            st_type_to_string(&b, f->type);
            rc = st_error_set(ST_EINVALID, ST_ERROR_COLUMNAR,
                              "column '%s': the data is %s but the table column is %s", f->name,
                              a ? a : "?", b ? b : "?");
            st_free(a);
            st_free(b);
        }
    }
    for (int i = 0; rc == 0 && i < in->schema->n_fields; i++)
        if (!used[i])
            rc = st_error_set(ST_EINVALID, ST_ERROR_COLUMNAR,
                              "column '%s' of the data is not a column of the table",
                              in->schema->fields[i].name);
    if (rc == 0)
        rc = st_batch_from_vectors(out, schema, cols);
    for (int i = 0; cols && i < schema->n_fields; i++)
        st_vector_free(cols[i]);
    st_free(cols);
    st_free(used);
    return rc;
}
