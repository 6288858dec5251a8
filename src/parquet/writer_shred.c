/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Shredding: rows of (possibly nested) vectors -> per-leaf definition and
 * repetition levels plus dense values, the inverse of assemble.c.
 *
 * A flat column (a top-level primitive) is appended as it is: values with their
 * null slots, and the validity bitmap, which becomes the definition levels when
 * its pages are written. A nested leaf walks its path from the top-level field
 * down, over an array of entries, one per level entry being built:
 *   live        still inside values: idx is the position in the current vector
 *   terminated  a null (def = the node's def_null) or an empty list/map (def =
 *               the node's def) above the leaf; it stays one level entry
 * Struct and leaf nodes keep entries one to one, terminating the null ones; a
 * list or map node replaces a live entry by one entry per element, the first
 * inheriting the entry's repetition level and the others taking the node's.
 * At the leaf, live entries get the max definition level and give a value.
 */
#include <string.h>

#include <supertable/errors.h>
#include "parquet/encoding.h"
#include "parquet/writer_int.h"
#include "util/alloc.h"

static inline int valid_at(const st_vector *v, int64_t i)
{
    return !v->validity || ((v->validity[i >> 3] >> (i & 7)) & 1);
}

int64_t pw_count_nulls(const st_vector *v, int64_t a, int64_t n)
{
    int64_t ones = 0, i = 0;
    if (!v->validity || v->null_count == 0 || n <= 0)
        return 0;
    for (; i < n && ((a + i) & 7); i++)
        ones += valid_at(v, a + i);
    for (; i + 64 <= n; i += 64) {
        uint64_t w;
        memcpy(&w, v->validity + ((a + i) >> 3), 8);
        ones += __builtin_popcountll(w);
    }
    for (; i < n; i++)
        ones += valid_at(v, a + i);
    return n - ones;
}

int64_t pw_range_bytes(const st_vector *v, int64_t a, int64_t n)
{
    const int32_t *off = (const int32_t *)(const void *)v->values;
    int64_t sum = 0;
    switch (v->type->id) {
    case ST_TYPE_BOOLEAN:
        return (n + 7) / 8;
    case ST_TYPE_STRING:
    case ST_TYPE_BINARY:
        return 4 * n + (off[a + n] - off[a]);
    case ST_TYPE_STRUCT:
        for (int i = 0; i < v->n_children; i++)
            sum += pw_range_bytes(v->children[i], a, n);
        return sum;
    case ST_TYPE_LIST:
    case ST_TYPE_MAP:
        for (int i = 0; i < v->n_children; i++)
            sum += pw_range_bytes(v->children[i], off[a], off[a + n] - off[a]);
        return sum + 4 * n;
    default:
        return n * st_type_value_width(v->type);
    }
}

static int required_null(const char *path, int64_t row)
{
    return st_error_set(ST_EINVALID, ST_ERROR_PARQUET,
                        "column '%s' is required but holds a null (at index %lld of its vector)",
                        path, (long long)row);
}

/* Grows a bitmap buffer to `bits` bits, zeroing the new bytes. */
static int grow_bits(st_buf *b, int64_t bits)
{
    size_t need = (size_t)(bits + 7) / 8;
    if (need <= b->len)
        return 0;
    if (st_buf_reserve(b, need + 8) < 0)
        return ST_ENOMEM;
    memset(b->ptr + b->len, 0, need - b->len);
    b->len = need;
    return 0;
}

/* ------------------------------------------------------------ flat columns */

static int append_validity(pw_colbuf *b, const st_vector *v, int64_t a, int64_t n, int64_t nulls)
{
    if (nulls == 0 && b->validity.len == 0)
        return 0;                   /* still every row valid: no bitmap yet */
    if (b->validity.len == 0) {
        if (grow_bits(&b->validity, b->n) < 0)
            return ST_ENOMEM;
        pq_bitmap_fill(b->validity.ptr, 0, (size_t)b->n, 1);
    }
    if (grow_bits(&b->validity, b->n + n) < 0)
        return ST_ENOMEM;
    if (v->validity)
        pq_bitmap_copy(b->validity.ptr, (size_t)b->n, v->validity, (size_t)a, (size_t)n);
    else
        pq_bitmap_fill(b->validity.ptr, (size_t)b->n, (size_t)n, 1);
    return 0;
}

static int append_strings(pw_colbuf *b, const st_vector *v, int64_t a, int64_t n)
{
    const int32_t *off = (const int32_t *)(const void *)v->values;
    int32_t base, *dst;
    if (b->offsets.len == 0) {
        static const int32_t zero;
        if (st_buf_put(&b->offsets, &zero, 4) < 0)
            return ST_ENOMEM;
    }
    if (b->data.len + (size_t)(off[a + n] - off[a]) > INT32_MAX)
        return st_error_set(ST_EUNSUPPORTED, ST_ERROR_PARQUET,
                            "string data of a row group passes 2 GiB");
    if (st_buf_grow(&b->offsets, (size_t)n * 4) < 0 ||
        (off[a + n] > off[a] &&
         st_buf_put(&b->data, v->data + off[a], (size_t)(off[a + n] - off[a])) < 0))
        return ST_ENOMEM;
    base = (int32_t)b->data.len - off[a + n];
    dst = (int32_t *)(void *)(b->offsets.ptr + b->offsets.len);
    for (int64_t i = 1; i <= n; i++)
        dst[i - 1] = off[a + i] + base;
    b->offsets.len += (size_t)n * 4;
    return 0;
}

static int append_flat(pw_colbuf *b, const pw_leaf *lf, const pw_node *node, const st_vector *v,
                       int64_t a, int64_t n)
{
    int64_t nulls = pw_count_nulls(v, a, n);
    int rc = 0;
    if (nulls > 0 && node->required) {
        for (int64_t i = a; i < a + n; i++)
            if (!valid_at(v, i))
                return required_null(node->path, i);
    }
    if (lf->physical == PQ_BOOLEAN) {
        if (grow_bits(&b->values, b->n + n) < 0)
            return ST_ENOMEM;
        pq_bitmap_copy(b->values.ptr, (size_t)b->n, v->values, (size_t)a, (size_t)n);
    } else if (lf->physical == PQ_BYTE_ARRAY) {
        rc = append_strings(b, v, a, n);
    } else {
        rc = st_buf_put(&b->values, v->values + (size_t)a * (size_t)lf->vwidth,
                        (size_t)n * (size_t)lf->vwidth);
    }
    if (rc < 0 || (rc = append_validity(b, v, a, n, nulls)) < 0)
        return rc;
    b->n += n;
    b->nulls += nulls;
    return 0;
}

/* ------------------------------------------------------------ nested leaves */

/* Level entries being built: idx < 0 marks a terminated entry. */
typedef struct {
    st_buf *idx, *def, *rep;    /* int64, int16, int16 */
    int64_t n;
} entries;

static int entries_reserve(entries *e, int64_t n)
{
    if (st_buf_reserve(e->idx, (size_t)n * 8) < 0 || st_buf_reserve(e->def, (size_t)n * 2) < 0 ||
        st_buf_reserve(e->rep, (size_t)n * 2) < 0)
        return ST_ENOMEM;
    return 0;
}

/* Terminates live entries where `v` is null; a required node may not be null. */
static int apply_nulls(entries *e, const pw_node *node, const st_vector *v)
{
    int64_t *idx = (int64_t *)(void *)e->idx->ptr;
    int16_t *def = (int16_t *)(void *)e->def->ptr;
    if (!v->validity || v->null_count == 0)
        return 0;
    for (int64_t i = 0; i < e->n; i++) {
        if (idx[i] < 0 || valid_at(v, idx[i]))
            continue;
        if (node->required)
            return required_null(node->path, idx[i]);
        def[i] = node->def_null;
        idx[i] = -1;
    }
    return 0;
}

/* Replaces each live entry by its list's (map's) elements: out receives the result. */
static int expand(const entries *in, entries *out, const pw_node *node, const st_vector *v)
{
    const int32_t *off = (const int32_t *)(const void *)v->values;
    const int64_t *idx = (const int64_t *)(const void *)in->idx->ptr;
    const int16_t *def = (const int16_t *)(const void *)in->def->ptr;
    const int16_t *rep = (const int16_t *)(const void *)in->rep->ptr;
    int64_t m = 0, *oi;
    int16_t *od, *orp;
    for (int64_t i = 0; i < in->n; i++) {
        int64_t len = idx[i] < 0 ? 1 : off[idx[i] + 1] - off[idx[i]];
        m += len > 0 ? len : 1;
    }
    if (entries_reserve(out, m) < 0)
        return ST_ENOMEM;
    oi = (int64_t *)(void *)out->idx->ptr;
    od = (int16_t *)(void *)out->def->ptr;
    orp = (int16_t *)(void *)out->rep->ptr;
    m = 0;
    for (int64_t i = 0; i < in->n; i++) {
        int64_t b = idx[i] < 0 ? 0 : off[idx[i]], e = idx[i] < 0 ? 0 : off[idx[i] + 1];
        if (b == e) {
            /* terminated above, or present but empty */
            oi[m] = -1;
            od[m] = idx[i] < 0 ? def[i] : node->def;
            orp[m++] = rep[i];
            continue;
        }
        for (int64_t j = b; j < e; j++) {
            oi[m] = j;
            od[m] = -1;
            orp[m++] = j == b ? rep[i] : node->rep;
        }
    }
    out->n = m;
    return 0;
}

/* Appends the strings at the live entries' indexes, reserving room once. */
static int gather_strings(pw_colbuf *b, const st_vector *v, const int64_t *idx, int64_t n,
                          int64_t live)
{
    const int32_t *off = (const int32_t *)(const void *)v->values;
    int64_t bytes = 0;
    int32_t *dst, pos;
    for (int64_t i = 0; i < n; i++)
        if (idx[i] >= 0)
            bytes += off[idx[i] + 1] - off[idx[i]];
    if (b->offsets.len == 0) {
        static const int32_t zero;
        if (st_buf_put(&b->offsets, &zero, 4) < 0)
            return ST_ENOMEM;
    }
    if ((uint64_t)b->data.len + (uint64_t)bytes > INT32_MAX)
        return st_error_set(ST_EUNSUPPORTED, ST_ERROR_PARQUET,
                            "string data of a row group passes 2 GiB");
    if (st_buf_grow(&b->offsets, (size_t)live * 4) < 0 ||
        st_buf_grow(&b->data, (size_t)bytes) < 0)
        return ST_ENOMEM;
    dst = (int32_t *)(void *)(b->offsets.ptr + b->offsets.len);
    pos = (int32_t)b->data.len;
    for (int64_t i = 0; i < n; i++) {
        int32_t len;
        if (idx[i] < 0)
            continue;
        len = off[idx[i] + 1] - off[idx[i]];
        if (len > 0)
            memcpy(b->data.ptr + pos, v->data + off[idx[i]], (size_t)len);
        pos += len;
        *dst++ = pos;
    }
    b->offsets.len += (size_t)live * 4;
    b->data.len = (size_t)pos;
    return 0;
}

/* Appends the values of live entries from the leaf's vector. */
static int gather_values(pw_colbuf *b, const pw_leaf *lf, const st_vector *v, const entries *e)
{
    const int64_t *idx = (const int64_t *)(const void *)e->idx->ptr;
    int64_t live = 0;
    for (int64_t i = 0; i < e->n; i++)
        live += idx[i] >= 0;
    if (lf->physical == PQ_BOOLEAN) {
        int64_t k = b->n;
        if (grow_bits(&b->values, b->n + live) < 0)
            return ST_ENOMEM;
        for (int64_t i = 0; i < e->n; i++)
            if (idx[i] >= 0)
                pq_bitmap_fill(b->values.ptr, (size_t)k++, 1, st_vector_get_bool(v, idx[i]));
    } else if (lf->physical == PQ_BYTE_ARRAY) {
        int rc = gather_strings(b, v, idx, e->n, live);
        if (rc < 0)
            return rc;
    } else {
        size_t w = (size_t)lf->vwidth;
        uint8_t *dst;
        if (st_buf_grow(&b->values, (size_t)live * w) < 0)
            return ST_ENOMEM;
        dst = b->values.ptr + b->values.len;
        for (int64_t i = 0; i < e->n; i++)
            if (idx[i] >= 0) {
                memcpy(dst, v->values + (size_t)idx[i] * w, w);
                dst += w;
            }
        b->values.len = (size_t)(dst - b->values.ptr);
    }
    b->n += live;
    return 0;
}

/* Appends the levels of the entries to the leaf's buffers. */
static int append_levels(pw_colbuf *b, const pw_leaf *lf, const entries *e)
{
    const int64_t *idx = (const int64_t *)(const void *)e->idx->ptr;
    int16_t *def = (int16_t *)(void *)e->def->ptr;
    for (int64_t i = 0; i < e->n; i++)
        if (idx[i] >= 0)
            def[i] = lf->max_def;
    if ((lf->max_def > 0 && st_buf_put(&b->def, def, (size_t)e->n * 2) < 0) ||
        (lf->max_rep > 0 && st_buf_put(&b->rep, e->rep->ptr, (size_t)e->n * 2) < 0))
        return ST_ENOMEM;
    b->n_levels += e->n;
    return 0;
}

static int shred_leaf(pw_colbuf *b, const pw_leaf *lf, const st_vector *col, int64_t a, int64_t n,
                      st_buf scratch[6])
{
    entries cur = {&scratch[0], &scratch[1], &scratch[2], n};
    entries nxt = {&scratch[3], &scratch[4], &scratch[5], 0};
    const st_vector *v = col;
    int rc;
    if (entries_reserve(&cur, n) < 0)
        return ST_ENOMEM;
    for (int64_t i = 0; i < n; i++) {
        ((int64_t *)(void *)cur.idx->ptr)[i] = a + i;
        ((int16_t *)(void *)cur.def->ptr)[i] = -1;
        ((int16_t *)(void *)cur.rep->ptr)[i] = 0;
    }
    for (int d = 0; d < lf->depth; d++) {
        const pw_node *node = lf->nodes[d];
        if (d > 0)
            v = v->children[node->child_index];
        if ((rc = apply_nulls(&cur, node, v)) < 0)
            return rc;
        if (node->kind == PW_NODE_LIST || node->kind == PW_NODE_MAP) {
            entries t;
            if ((rc = expand(&cur, &nxt, node, v)) < 0)
                return rc;
            t = cur;
            cur = nxt;
            nxt = t;
        }
    }
    if ((rc = gather_values(b, lf, v, &cur)) < 0)
        return rc;
    return append_levels(b, lf, &cur);
}

int pw_shred(pw_colbuf *bufs, const pw_schema *s, const pw_node *top, const st_vector *col,
             int64_t a, int64_t n, st_buf scratch[6])
{
    if (top->kind == PW_NODE_LEAF)
        return append_flat(&bufs[top->leaf], &s->leaves[top->leaf], top, col, a, n);
    for (int l = 0; l < s->n_leaves; l++) {
        const pw_leaf *lf = &s->leaves[l];
        int rc;
        if (lf->nodes[0] != top)
            continue;
        if ((rc = shred_leaf(&bufs[l], lf, col, a, n, scratch)) < 0)
            return rc;
    }
    return 0;
}
