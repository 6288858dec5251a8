/* SPDX-License-Identifier: Apache-2.0 */
/* Batches (a schema and one vector per top-level field) and the batch-reader dispatch. */
#include "columnar/columnar_int.h"
#include "util/alloc.h"

static int check_schema(const st_type *schema)
{
    if (!schema || schema->id != ST_TYPE_STRUCT)
        return st_error_set(ST_EINVALID, ST_ERROR_COLUMNAR,
                            "a batch schema must be a struct type");
    return 0;
}

static st_batch *batch_alloc(st_type *schema)
{
    st_batch *b = st_calloc(1, sizeof(*b));
    if (!b)
        return NULL;
    if (schema->n_fields > 0 &&
        !(b->columns = st_calloc((size_t)schema->n_fields, sizeof(st_vector *)))) {
        st_free(b);
        return NULL;
    }
    b->schema = st_type_ref(schema);
    b->n_columns = schema->n_fields;
    return b;
}

int st_batch_new(st_batch **out, st_type *schema, int64_t capacity)
{
    st_batch *b;
    int rc;

    *out = NULL;
    if ((rc = check_schema(schema)) < 0)
        return rc;
    if (!(b = batch_alloc(schema)))
        return ST_ENOMEM;
    for (int i = 0; i < b->n_columns; i++)
        if ((rc = st_vector_new(&b->columns[i], schema->fields[i].type, capacity)) < 0) {
            st_batch_free(b);
            return rc;
        }
    *out = b;
    return 0;
}

int st_batch_from_vectors(st_batch **out, st_type *schema, st_vector **columns)
{
    st_batch *b;
    int rc;

    *out = NULL;
    if ((rc = check_schema(schema)) < 0)
        return rc;
    for (int i = 0; i < schema->n_fields; i++) {
        const st_vector *c = columns ? columns[i] : NULL;
        if (!c)
            return st_error_set(ST_EINVALID, ST_ERROR_COLUMNAR, "column %d is missing", i);
        if (!st_type_equals(c->type, schema->fields[i].type))
            return st_error_set(ST_EINVALID, ST_ERROR_COLUMNAR,
                                "column '%s' does not have the schema's type",
                                schema->fields[i].name);
        if (c->length != columns[0]->length)
            return st_error_set(ST_EINVALID, ST_ERROR_COLUMNAR,
                                "column '%s' has %lld rows, column '%s' %lld",
                                schema->fields[i].name, (long long)c->length,
                                schema->fields[0].name, (long long)columns[0]->length);
    }
    if (!(b = batch_alloc(schema)))
        return ST_ENOMEM;
    for (int i = 0; i < b->n_columns; i++)
        b->columns[i] = st_vector_ref(columns[i]);
    b->length = b->n_columns > 0 ? columns[0]->length : 0;
    *out = b;
    return 0;
}

void st_batch_free(st_batch *b)
{
    if (!b)
        return;
    for (int i = 0; i < b->n_columns; i++)
        st_vector_free(b->columns[i]);
    st_free(b->columns);
    st_type_free(b->schema);
    st_free(b);
}

int st_batch_seal(st_batch *b)
{
    int64_t n = b->n_columns > 0 ? b->columns[0]->length : 0;
    for (int i = 1; i < b->n_columns; i++)
        if (b->columns[i]->length != n)
            return st_error_set(ST_EINVALID, ST_ERROR_COLUMNAR,
                                "column '%s' has %lld rows, column '%s' %lld",
                                b->schema->fields[i].name, (long long)b->columns[i]->length,
                                b->schema->fields[0].name, (long long)n);
    b->length = n;
    return 0;
}

int st_batch_reader_next(st_batch_reader *r, st_batch **out)
{
    *out = NULL;
    if (!r || !r->vt || !r->vt->next)
        return st_error_set(ST_EINVALID, ST_ERROR_COLUMNAR, "batch reader has no next()");
    return r->vt->next(r, out);
}

st_type *st_batch_reader_schema(st_batch_reader *r)
{
    return r && r->vt && r->vt->schema ? r->vt->schema(r) : NULL;
}

void st_batch_reader_free(st_batch_reader *r)
{
    if (r && r->vt && r->vt->free)
        r->vt->free(r);
}
