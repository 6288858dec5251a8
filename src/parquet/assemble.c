/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Record assembly: from the definition and repetition levels of leaf columns to
 * Arrow-layout vectors of structs, lists and maps.
 *
 * Every node reads its slots off one representative leaf below it (the first
 * selected one); all leaves under a node agree on the levels above it. The rule
 * that decides which level entry opens a slot of which node, and whether it is
 * null or has elements, is in schema.h (SLOTS). A leaf fills its slots with its
 * dense non-null values in order. Each node is one pass over the levels.
 */
#include <string.h>

#include <supertable/errors.h>
#include "parquet/reader_int.h"
#include "util/alloc.h"

static int corrupt_count(const pq_node *n, int64_t got, int64_t want)
{
    return st_error_set(ST_ECORRUPT, ST_ERROR_PARQUET,
                        "column '%s': levels describe %lld values where %lld were expected",
                        n->name, (long long)got, (long long)want);
}

static int any_selected(const st_parquet_reader *r, const pq_node *n)
{
    for (int l = n->first_leaf; l < n->first_leaf + n->n_leaves; l++)
        if (r->selected[l])
            return 1;
    return 0;
}

static int first_selected(const st_parquet_reader *r, const pq_node *n)
{
    for (int l = n->first_leaf; l < n->first_leaf + n->n_leaves; l++)
        if (r->selected[l])
            return l;
    return -1;
}

static int all_selected(const st_parquet_reader *r, const pq_node *n)
{
    for (int l = n->first_leaf; l < n->first_leaf + n->n_leaves; l++)
        if (!r->selected[l])
            return 0;
    return 1;
}

int pq_projected_type(st_type **out, const st_parquet_reader *r, const pq_node *n)
{
    st_field *fields;
    int nf = 0, rc = 0;

    *out = NULL;
    if (!any_selected(r, n))
        return 0;
    if (n->kind != PQ_NODE_STRUCT || all_selected(r, n)) {
        /* Lists and maps are read whole (see reader.c); so are fully selected structs. */
        *out = st_type_ref(n->type);
        return 0;
    }
    fields = st_calloc((size_t)n->n_children, sizeof(st_field));
    if (!fields)
        return ST_ENOMEM;
    for (int i = 0; i < n->n_children && rc == 0; i++) {
        st_type *ct;
        if ((rc = pq_projected_type(&ct, r, n->children[i])) < 0 || !ct)
            continue;
        fields[nf++] = (st_field){n->children[i]->field_id, n->children[i]->name,
                                  n->children[i]->required, ct, NULL};
    }
    if (rc == 0)
        rc = st_type_struct_new(out, fields, nf);
    for (int i = 0; i < nf; i++)
        st_type_free(fields[i].type);
    st_free(fields);
    return rc;
}

static inline int is_slot(const pq_leaf_data *d, int64_t i, const pq_node *n)
{
    return d->def[i] >= n->slot_def && (!d->rep || d->rep[i] <= n->slot_rep);
}

/* Sets the validity of `v` (length n) from the slots of `n` on leaf data `d`. */
static int slot_validity(st_vector *v, const pq_leaf_data *d, const pq_node *n, int64_t n_slots)
{
    int64_t s = 0, nulls = 0;
    int rc;
    if (n->required)
        return 0;
    if ((rc = st_vector_ensure_validity(v)) < 0)
        return rc;
    memset(v->validity, 0, (size_t)((n_slots + 7) / 8));
    for (int64_t i = 0; i < d->n_levels; i++) {
        if (!is_slot(d, i, n))
            continue;
        if (d->def[i] >= n->def_level)
            v->validity[s >> 3] |= (uint8_t)(1u << (s & 7));
        else
            nulls++;
        s++;
    }
    v->null_count = nulls;
    return 0;
}

/* Copies dense value k of `src` to slot s of `dst` (same type, fixed width or bits). */
static int spread_leaf(st_vector *dst, const st_vector *src, const pq_leaf_data *d,
                       const pq_node *n, int64_t n_slots)
{
    int w = st_type_value_width(dst->type);
    int64_t s = 0, k = 0;
    int rc;
    if ((rc = st_vector_reserve(dst, n_slots)) < 0)
        return rc;
    if (dst->type->id == ST_TYPE_STRING || dst->type->id == ST_TYPE_BINARY) {
        int32_t *off = (int32_t *)(void *)dst->values;
        const int32_t *so = (const int32_t *)(const void *)src->values;
        /* Same bytes in the same order: take the data buffer as is. */
        if ((rc = st_vector_reserve_data(dst, src->data_len)) < 0)
            return rc;
        if (src->data_len)
            memcpy(dst->data, src->data, (size_t)src->data_len);
        dst->data_len = src->data_len;
        off[0] = 0;
        for (int64_t i = 0; i < d->n_levels; i++) {
            if (!is_slot(d, i, n))
                continue;
            if (d->def[i] >= n->def_level) {
                if (k >= src->length)
                    return corrupt_count(n, k + 1, src->length);
                k++;
            }
            off[++s] = so[k];
        }
    } else {
        for (int64_t i = 0; i < d->n_levels; i++) {
            if (!is_slot(d, i, n))
                continue;
            if (d->def[i] >= n->def_level) {
                if (k >= src->length)
                    return corrupt_count(n, k + 1, src->length);
                if (w == 0) {
                    if (st_vector_get_bool(src, k))
                        dst->values[s >> 3] |= (uint8_t)(1u << (s & 7));
                    else
                        dst->values[s >> 3] &= (uint8_t)~(1u << (s & 7));
                } else {
                    memcpy(dst->values + s * w, src->values + k * w, (size_t)w);
                }
                k++;
            } else if (w > 0) {
                memset(dst->values + s * w, 0, (size_t)w);
            } else {
                dst->values[s >> 3] &= (uint8_t)~(1u << (s & 7));
            }
            s++;
        }
    }
    if (k != src->length)
        return corrupt_count(n, k, src->length);
    dst->length = n_slots;
    return 0;
}

static int64_t count_slots(const pq_leaf_data *d, const pq_node *n)
{
    int64_t c = 0;
    for (int64_t i = 0; i < d->n_levels; i++)
        c += is_slot(d, i, n);
    return c;
}

static int assemble_node(st_vector **out, const st_parquet_reader *r, const pq_node *n,
                         pq_leaf_data *leaves, int64_t n_slots, st_type *type);

static int assemble_leaf(st_vector **out, const pq_node *n, pq_leaf_data *ld, int64_t n_slots,
                         st_type *type)
{
    st_vector *v;
    int64_t have;
    int rc;
    if (ld->final) {
        if (ld->values->length != n_slots)
            return corrupt_count(n, ld->values->length, n_slots);
        *out = st_vector_ref(ld->values);
        return 0;
    }
    /* spread_leaf writes one value per slot: the count bounds it first. */
    have = count_slots(ld, n);
    if (have != n_slots)
        return corrupt_count(n, have, n_slots);
    if ((rc = st_vector_new(&v, type, n_slots)) < 0)
        return rc;
    if ((rc = spread_leaf(v, ld->values, ld, n, n_slots)) < 0 ||
        (rc = slot_validity(v, ld, n, n_slots)) < 0) {
        st_vector_free(v);
        return rc;
    }
    *out = v;
    return 0;
}

static int assemble_struct(st_vector **out, const st_parquet_reader *r, const pq_node *n,
                           pq_leaf_data *leaves, int64_t n_slots, st_type *type)
{
    st_vector *v;
    pq_leaf_data *rep = &leaves[first_selected(r, n)];
    int rc, k = 0;

    if ((rc = st_vector_new(&v, type, 0)) < 0)
        return rc;
    for (int i = 0; i < n->n_children; i++) {
        const pq_node *c = n->children[i];
        st_vector *cv;
        if (!any_selected(r, c))
            continue;
        if ((rc = assemble_node(&cv, r, c, leaves, n_slots, type->fields[k].type)) < 0)
            goto fail;
        st_vector_free(v->children[k]);
        v->children[k++] = cv;
    }
    if ((rc = st_vector_reserve(v, n_slots)) < 0)
        goto fail;
    v->length = n_slots;
    if (rep->def && (rc = slot_validity(v, rep, n, n_slots)) < 0)
        goto fail;
    *out = v;
    return 0;
fail:
    st_vector_free(v);
    return rc;
}

static int assemble_repeated(st_vector **out, const st_parquet_reader *r, const pq_node *n,
                             pq_leaf_data *leaves, int64_t n_slots, st_type *type)
{
    st_vector *v;
    const pq_leaf_data *d = &leaves[first_selected(r, n)];
    int32_t *off;
    int64_t s = 0, elems = 0;
    int rc;

    if (!d->def)
        return st_error_set(ST_ECORRUPT, ST_ERROR_PARQUET, "list '%s' has no levels", n->name);
    if ((rc = st_vector_new(&v, type, n_slots)) < 0)
        return rc;
    off = (int32_t *)(void *)v->values;
    off[0] = 0;
    for (int64_t i = 0; i < d->n_levels; i++) {
        int16_t rp = d->rep ? d->rep[i] : 0;
        if (is_slot(d, i, n)) {
            if (s >= n_slots) {
                st_vector_free(v);
                return corrupt_count(n, s + 1, n_slots);
            }
            if (s > 0)
                off[s] = (int32_t)elems;
            s++;
        }
        if (d->def[i] >= n->elem_def && rp <= n->rep_level) {
            if (elems >= INT32_MAX) {
                st_vector_free(v);
                return st_error_set(ST_EUNSUPPORTED, ST_ERROR_PARQUET,
                                    "list '%s' has more than 2^31 elements in a row group",
                                    n->name);
            }
            elems++;
        }
    }
    if (s != n_slots) {
        st_vector_free(v);
        return corrupt_count(n, s, n_slots);
    }
    off[s] = (int32_t)elems;
    v->length = n_slots;
    if ((rc = slot_validity(v, d, n, n_slots)) < 0)
        goto fail;
    for (int i = 0; i < n->n_children; i++) {
        st_vector *cv;
        if ((rc = assemble_node(&cv, r, n->children[i], leaves, elems,
                                type->fields[i].type)) < 0)
            goto fail;
        st_vector_free(v->children[i]);
        v->children[i] = cv;
    }
    *out = v;
    return 0;
fail:
    st_vector_free(v);
    return rc;
}

static int assemble_node(st_vector **out, const st_parquet_reader *r, const pq_node *n,
                         pq_leaf_data *leaves, int64_t n_slots, st_type *type)
{
    *out = NULL;
    switch (n->kind) {
    case PQ_NODE_LEAF:
        return assemble_leaf(out, n, &leaves[n->leaf], n_slots, type);
    case PQ_NODE_STRUCT:
        return assemble_struct(out, r, n, leaves, n_slots, type);
    case PQ_NODE_LIST:
    case PQ_NODE_MAP:
        return assemble_repeated(out, r, n, leaves, n_slots, type);
    }
    return st_error_set(ST_ERROR, ST_ERROR_PARQUET, "unknown node kind");
}

int pq_assemble(st_vector **out, const st_parquet_reader *r, const pq_node *n,
                pq_leaf_data *leaves, int64_t num_rows)
{
    st_type *t;
    int rc;
    if ((rc = pq_projected_type(&t, r, n)) < 0)
        return rc;
    rc = assemble_node(out, r, n, leaves, num_rows, t);
    st_type_free(t);
    return rc;
}
