/* SPDX-License-Identifier: Apache-2.0 */
/* Row-group statistics as Iceberg column metrics (see iceberg_stats.h). */
#include <string.h>

#include "parquet/iceberg_stats.h"
#include "parquet/reader_int.h"
#include "supertable/errors.h"

static const pq_leaf *leaf_by_id(const st_parquet_reader *r, int32_t id)
{
    for (int i = 0; i < r->schema.n_leaves; i++) {
        const pq_leaf *l = &r->schema.leaves[i];
        if (l->node->field_id == id)
            return l->max_rep == 0 ? l : NULL;
    }
    return NULL;
}

/* Same rules as stats.c's bounds: the typed min/max, or the legacy pair only
 * where its signed order is right; a NaN bound voids both. */
static int usable_bounds(const pq_leaf *leaf, const pq_statistics *st, pq_value *mn, pq_value *mx)
{
    memset(mn, 0, sizeof *mn);
    memset(mx, 0, sizeof *mx);
    if (st->min_value && st->max_value) {
        pq_stats_value(mn, leaf, st->min_value, st->min_value_len);
        pq_stats_value(mx, leaf, st->max_value, st->max_value_len);
    } else if (st->min && st->max) {
        switch (leaf->physical) {
        case PQ_BOOLEAN: case PQ_FLOAT: case PQ_DOUBLE: break;
        case PQ_INT32: case PQ_INT64:
            if (leaf->conv == PQ_CONV_U8_TO_I32 || leaf->conv == PQ_CONV_U16_TO_I32 ||
                leaf->conv == PQ_CONV_U32_TO_I64 || leaf->conv == PQ_CONV_U64_TO_DEC)
                return 0;
            break;
        default: return 0;
        }
        pq_stats_value(mn, leaf, st->min, st->min_len);
        pq_stats_value(mx, leaf, st->max, st->max_len);
    }
    return mn->kind != PQV_NONE && mn->kind == mx->kind;
}

/*
 * Whether a file column's statistics are values of the table type `t`: the
 * same type, or a promotion that keeps the unit (int -> long, float ->
 * double, a wider decimal of the same scale). A date read as a timestamp
 * (days vs microseconds) or anything else gives no bounds.
 */
static int same_domain(const st_type *file, const st_type *t)
{
    if (file->id == t->id)
        return file->id != ST_TYPE_DECIMAL || file->scale == t->scale;
    return (file->id == ST_TYPE_INT && t->id == ST_TYPE_LONG) ||
           (file->id == ST_TYPE_FLOAT && t->id == ST_TYPE_DOUBLE) ||
           (file->id == ST_TYPE_STRING && t->id == ST_TYPE_BINARY) ||
           (file->id == ST_TYPE_BINARY && t->id == ST_TYPE_STRING);
}

/* Encodes a statistics value as the single-value binary of `t`; 0 when it cannot. */
static int encode(const uint8_t **out, size_t *len, st_arena *a, const pq_value *v,
                  const st_type *t)
{
    uint8_t buf[16];
    size_t n = 0;
    switch (t->id) {
    case ST_TYPE_BOOLEAN:
        if (v->kind != PQV_I64)
            return 0;
        buf[0] = v->i != 0;
        n = 1;
        break;
    case ST_TYPE_INT: case ST_TYPE_DATE:
        if (v->kind != PQV_I64 || v->i < INT32_MIN || v->i > INT32_MAX)
            return 0;
        for (int i = 0; i < 4; i++)
            buf[i] = (uint8_t)((uint64_t)v->i >> (8 * i));
        n = 4;
        break;
    case ST_TYPE_LONG: case ST_TYPE_TIME: case ST_TYPE_TIMESTAMP: case ST_TYPE_TIMESTAMPTZ:
        if (v->kind != PQV_I64)
            return 0;
        for (int i = 0; i < 8; i++)
            buf[i] = (uint8_t)((uint64_t)v->i >> (8 * i));
        n = 8;
        break;
    case ST_TYPE_FLOAT: {
        if (v->kind != PQV_F64)
            return 0;
        float f = (float)v->f;
        memcpy(buf, &f, 4);
        n = 4;
        break;
    }
    case ST_TYPE_DOUBLE:
        if (v->kind != PQV_F64)
            return 0;
        memcpy(buf, &v->f, 8);
        n = 8;
        break;
    case ST_TYPE_DECIMAL: {
        if (v->kind != PQV_I128)
            return 0;
        unsigned __int128 u = (unsigned __int128)v->d;
        for (int i = 0; i < 16; i++)
            buf[i] = (uint8_t)(u >> (8 * (15 - i)));
        /* minimal two's complement, as Iceberg writes decimals */
        size_t skip = 0;
        while (skip < 15 && ((buf[skip] == 0x00 && !(buf[skip + 1] & 0x80)) ||
                             (buf[skip] == 0xff && (buf[skip + 1] & 0x80))))
            skip++;
        n = 16 - skip;
        memmove(buf, buf + skip, n);
        break;
    }
    case ST_TYPE_STRING: case ST_TYPE_BINARY: case ST_TYPE_FIXED: case ST_TYPE_UUID: {
        if (v->kind != PQV_BYTES)
            return 0;
        uint8_t *p = st_arena_alloc(a, v->len ? v->len : 1);
        if (!p)
            return ST_ENOMEM;
        if (v->len)
            memcpy(p, v->bytes, v->len);
        *out = p;
        *len = v->len;
        return 1;
    }
    default:
        return 0;   /* nanosecond timestamps: the reader's values are micros */
    }
    uint8_t *p = st_arena_alloc(a, n);
    if (!p)
        return ST_ENOMEM;
    memcpy(p, buf, n);
    *out = p;
    *len = n;
    return 1;
}

int st_parquet_row_group_metrics(st_parquet_reader *r, int rg, const int32_t *ids,
                                 const st_type *const *types, int n, st_arena *a,
                                 st_data_file *out)
{
    memset(out, 0, sizeof *out);
    out->sort_order_id = ST_NULL32;
    out->first_row_id = ST_NULL64;
    out->content_offset = ST_NULL64;
    out->content_size_in_bytes = ST_NULL64;
    if (rg < 0 || (uint32_t)rg >= r->md.n_row_groups)
        return st_error_set(ST_EINVALID, ST_ERROR_PARQUET, "row group %d out of range", rg);
    const pq_row_group *g = &r->md.row_groups[rg];
    out->record_count = g->num_rows;
    out->file_size_in_bytes = -1;
    if (n <= 0)
        return 0;
    st_column_stats *cs = st_arena_calloc(a, (size_t)n, sizeof *cs);
    if (!cs)
        return st_error_set_oom();
    int k = 0;
    for (int i = 0; i < n; i++) {
        const pq_leaf *leaf = leaf_by_id(r, ids[i]);
        if (!leaf || (uint32_t)leaf->index >= g->n_columns || !g->columns[leaf->index].meta)
            continue;
        const pq_column_meta *cm = g->columns[leaf->index].meta;
        st_column_stats *s = &cs[k++];
        s->field_id = ids[i];
        s->column_size = cm->total_compressed_size;
        s->value_count = cm->num_values;
        s->null_count = -1;
        s->nan_count = -1;
        const pq_statistics *st = cm->statistics;
        if (!st)
            continue;
        if (st->has_null_count)
            s->null_count = st->null_count;
        pq_value mn, mx;
        if (!types[i] || !usable_bounds(leaf, st, &mn, &mx) ||
            !same_domain(leaf->node->type, types[i]))
            continue;
        int rc;
        if ((rc = encode(&s->lower, &s->lower_len, a, &mn, types[i])) < 0 ||
            (rc == 1 && (rc = encode(&s->upper, &s->upper_len, a, &mx, types[i])) < 0))
            return st_error_set_oom();
        if (rc != 1) {
            s->lower = s->upper = NULL;
            s->lower_len = s->upper_len = 0;
        }
    }
    out->stats = cs;
    out->n_stats = k;
    return 0;
}

int64_t st_parquet_row_group_offset(const st_parquet_reader *r, int rg)
{
    if (rg < 0 || (uint32_t)rg >= r->md.n_row_groups)
        return -1;
    const pq_row_group *g = &r->md.row_groups[rg];
    /* The first column's first page (its dictionary page when there is one):
     * RowGroup.file_offset was written wrong by some writers. */
    if (g->n_columns && g->columns[0].meta) {
        const pq_column_meta *cm = g->columns[0].meta;
        if (cm->has_dictionary_page_offset && cm->dictionary_page_offset > 0 &&
            cm->dictionary_page_offset < cm->data_page_offset)
            return cm->dictionary_page_offset;
        return cm->data_page_offset;
    }
    if (g->has_file_offset)
        return g->file_offset;
    return -1;
}
