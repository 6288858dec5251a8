/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Gathering rows by index ("take") and the stable row sort that produces the
 * indices: the partitioned and sorted writers reorder batches with them.
 *
 * take builds each buffer of the result in one pass per layout: bits are
 * gathered one by one, fixed-width values with a loop per width, strings and
 * binary through new offsets and one copy per row, lists and maps by taking
 * their children with the concatenated element ranges of the chosen rows, and
 * structs by taking every child with the same indices. Null rows of strings,
 * lists and maps come out empty and fixed-width null slots zeroed, so a taken
 * vector holds no bytes it does not need.
 *
 * The sort is a merge sort of row indices (stable: equal keys keep their
 * input order; numeric keys compare precomputed order-preserving codes)
 * comparing key columns in Iceberg's order: signed numbers,
 * -0.0 before +0.0 and NaN after every other float, strings and binary as
 * unsigned bytes, decimals as 128-bit integers; nulls first or last as each
 * key says, whatever its direction.
 */
#include <math.h>

#include "columnar/columnar_int.h"
#include "util/alloc.h"

/* ----------------------------------------------------------------- take */

static int take_vector(st_vector **out, const st_vector *v, const int64_t *idx, int64_t n,
                       int depth);

/* Allocates at least one byte, so that an empty buffer is not mistaken for OOM. */
static void *alloc_bytes(size_t n)
{
    return st_malloc(n ? n : 1);
}

/* The result's validity; NULL in *bits when every taken row is valid. */
static int take_validity(st_vector *r, const st_vector *v, const int64_t *idx, int64_t n)
{
    uint8_t *bits;
    int64_t nulls = 0;
    if (!v->validity || v->null_count == 0)
        return 0;
    if (!(bits = st_calloc(st_col_bitmap_bytes(n) ? st_col_bitmap_bytes(n) : 1, 1)))
        return ST_ENOMEM;
    for (int64_t i = 0; i < n; i++) {
        if (st_col_bit(v->validity, idx[i]))
            st_col_set_bit(bits, i);
        else
            nulls++;
    }
    if (nulls == 0) {
        st_free(bits);
        return 0;
    }
    r->validity = bits;
    r->null_count = nulls;
    return 0;
}

static inline int row_valid(const st_vector *r, int64_t i)
{
    return !r->validity || st_col_bit(r->validity, i);
}

static int take_bits(st_vector *r, const st_vector *v, const int64_t *idx, int64_t n)
{
    if (!(r->values = st_calloc(st_col_bitmap_bytes(n) ? st_col_bitmap_bytes(n) : 1, 1)))
        return ST_ENOMEM;
    for (int64_t i = 0; i < n; i++)
        if (row_valid(r, i) && st_col_bit(v->values, idx[i]))
            st_col_set_bit(r->values, i);
    return 0;
}

static int take_fixed(st_vector *r, const st_vector *v, const int64_t *idx, int64_t n)
{
    size_t w = (size_t)st_type_value_width(v->type), bytes;
    if (st_mul_overflow((size_t)n, w, &bytes))
        return st_error_set_oom();
    if (!(r->values = alloc_bytes(bytes)))
        return ST_ENOMEM;
    if (w == 4) {
        const uint32_t *src = (const uint32_t *)(const void *)v->values;
        uint32_t *dst = (uint32_t *)(void *)r->values;
        for (int64_t i = 0; i < n; i++)
            dst[i] = src[idx[i]];
    } else if (w == 8) {
        const uint64_t *src = (const uint64_t *)(const void *)v->values;
        uint64_t *dst = (uint64_t *)(void *)r->values;
        for (int64_t i = 0; i < n; i++)
            dst[i] = src[idx[i]];
    } else {
        for (int64_t i = 0; i < n; i++)
            memcpy(r->values + (size_t)i * w, v->values + (size_t)idx[i] * w, w);
    }
    if (r->validity)
        for (int64_t i = 0; i < n; i++)
            if (!st_col_bit(r->validity, i))
                memset(r->values + (size_t)i * w, 0, w);
    return 0;
}

/* New offsets for the taken rows (null rows empty); *total = the last offset. */
static int take_offsets(st_vector *r, const st_vector *v, const int64_t *idx, int64_t n,
                        int64_t *total)
{
    const int32_t *o = st_col_offsets(v);
    int32_t *ro;
    int64_t pos = 0;
    size_t bytes;
    if (st_mul_overflow((size_t)n + 1, sizeof(int32_t), &bytes))
        return st_error_set_oom();
    if (!(r->values = st_malloc(bytes)))
        return ST_ENOMEM;
    ro = (int32_t *)(void *)r->values;
    ro[0] = 0;
    for (int64_t i = 0; i < n; i++) {
        if (row_valid(r, i))
            pos += o[idx[i] + 1] - o[idx[i]];
        if (pos > ST_COL_MAX_OFFSET)
            return st_error_set(ST_EINVALID, ST_ERROR_COLUMNAR,
                                "taking %lld rows of %s: more than %d %s (int32 offsets)",
                                (long long)n, st_type_id_name(v->type->id), ST_COL_MAX_OFFSET,
                                st_col_is_binary_like(v->type) ? "bytes" : "elements");
        ro[i + 1] = (int32_t)pos;
    }
    *total = pos;
    return 0;
}

static int take_binary(st_vector *r, const st_vector *v, const int64_t *idx, int64_t n)
{
    const int32_t *o = st_col_offsets(v);
    const int32_t *ro;
    int64_t total;
    int rc;
    if ((rc = take_offsets(r, v, idx, n, &total)) < 0)
        return rc;
    if (!(r->data = alloc_bytes((size_t)total)))
        return ST_ENOMEM;
    ro = st_col_offsets(r);
    for (int64_t i = 0; i < n; i++) {
        size_t len = (size_t)(ro[i + 1] - ro[i]);
        if (len)
            memcpy(r->data + ro[i], v->data + o[idx[i]], len);
    }
    r->data_len = total;
    r->data_cap_ = total ? total : 1;
    return 0;
}

/* Lists and maps: the children taken at the chosen rows' element ranges. */
static int take_list(st_vector *r, const st_vector *v, const int64_t *idx, int64_t n, int depth)
{
    const int32_t *o = st_col_offsets(v);
    int64_t total, k = 0, *child_idx;
    int rc;
    if ((rc = take_offsets(r, v, idx, n, &total)) < 0)
        return rc;
    if (!(child_idx = st_mallocarray(total ? (size_t)total : 1, sizeof(int64_t))))
        return ST_ENOMEM;
    for (int64_t i = 0; i < n; i++)
        if (row_valid(r, i))
            for (int64_t e = o[idx[i]]; e < o[idx[i] + 1]; e++)
                child_idx[k++] = e;
    if (!(r->children = st_calloc((size_t)v->n_children, sizeof(st_vector *)))) {
        st_free(child_idx);
        return ST_ENOMEM;
    }
    r->n_children = v->n_children;
    for (int c = 0; c < v->n_children && rc == 0; c++)
        rc = take_vector(&r->children[c], v->children[c], child_idx, total, depth + 1);
    st_free(child_idx);
    return rc;
}

static int take_struct(st_vector *r, const st_vector *v, const int64_t *idx, int64_t n, int depth)
{
    int rc = 0;
    if (v->n_children == 0)
        return 0;
    if (!(r->children = st_calloc((size_t)v->n_children, sizeof(st_vector *))))
        return ST_ENOMEM;
    r->n_children = v->n_children;
    for (int c = 0; c < v->n_children && rc == 0; c++)
        rc = take_vector(&r->children[c], v->children[c], idx, n, depth + 1);
    return rc;
}

static int take_vector(st_vector **out, const st_vector *v, const int64_t *idx, int64_t n,
                       int depth)
{
    st_vector *r;
    int rc;

    *out = NULL;
    if (depth > ST_COL_MAX_DEPTH)
        return st_error_set(ST_EINVALID, ST_ERROR_COLUMNAR, "take: nesting deeper than %d",
                            ST_COL_MAX_DEPTH);
    if (!(r = st_col_vector_shell(v->type)))
        return ST_ENOMEM;
    if ((rc = take_validity(r, v, idx, n)) == 0) {
        switch (st_col_layout_of(v->type)) {
        case ST_COL_BITS: rc = take_bits(r, v, idx, n); break;
        case ST_COL_FIXED: rc = take_fixed(r, v, idx, n); break;
        case ST_COL_OFFSETS:
            rc = st_col_is_binary_like(v->type) ? take_binary(r, v, idx, n)
                                                : take_list(r, v, idx, n, depth);
            break;
        case ST_COL_STRUCT: rc = take_struct(r, v, idx, n, depth); break;
        }
    }
    r->length = n;
    r->capacity_ = n;
    if (rc < 0) {
        st_vector_free(r);
        return rc;
    }
    *out = r;
    return 0;
}

static int check_indices(const int64_t *idx, int64_t n, int64_t length)
{
    if (n < 0 || (n > 0 && !idx))
        return st_error_set(ST_EINVALID, ST_ERROR_COLUMNAR, "take: %lld indices",
                            (long long)n);
    for (int64_t i = 0; i < n; i++)
        if (idx[i] < 0 || idx[i] >= length)
            return st_error_set(ST_EINVALID, ST_ERROR_COLUMNAR,
                                "take: index %lld at position %lld is out of range (%lld rows)",
                                (long long)idx[i], (long long)i, (long long)length);
    return 0;
}

int st_vector_take(st_vector **out, const st_vector *v, const int64_t *idx, int64_t n)
{
    int rc;
    *out = NULL;
    if ((rc = check_indices(idx, n, v->length)) < 0)
        return rc;
    return take_vector(out, v, idx, n, 0);
}

int st_batch_take(st_batch **out, const st_batch *b, const int64_t *idx, int64_t n)
{
    st_vector **cols;
    int rc = 0, made = 0;

    *out = NULL;
    if ((rc = check_indices(idx, n, b->length)) < 0)
        return rc;
    if (!(cols = st_calloc(b->n_columns ? (size_t)b->n_columns : 1, sizeof(*cols))))
        return ST_ENOMEM;
    for (; made < b->n_columns && rc == 0; made++)
        rc = take_vector(&cols[made], b->columns[made], idx, n, 0);
    if (rc == 0 && (rc = st_batch_from_vectors(out, b->schema, cols)) == 0)
        (*out)->length = n;
    for (int i = 0; i < made; i++)
        st_vector_free(cols[i]);
    st_free(cols);
    return rc;
}

/* ----------------------------------------------------------------- sort */

/* The numeric kinds come first: key_codes() encodes exactly those. */
typedef enum {
    KEY_BOOL, KEY_I32, KEY_I64, KEY_F32, KEY_F64, KEY_DEC, KEY_BYTES, KEY_FIXED
} key_kind;

typedef struct skey {
    const st_vector *v;
    key_kind kind;
    int desc, nulls_first;
    size_t width;          /* KEY_FIXED */
    uint64_t *norm;        /* numeric keys: order-preserving codes, direction applied */
    uint8_t *rank;         /* numeric keys with nulls: 0 before the values, 1, 2 after */
} skey;

static inline int cmp_mem(const uint8_t *a, size_t al, const uint8_t *b, size_t bl)
{
    size_t n = al < bl ? al : bl;
    int c = n ? memcmp(a, b, n) : 0;
    if (c)
        return c < 0 ? -1 : 1;
    return (al > bl) - (al < bl);
}

static int key_cmp(const skey *k, int64_t a, int64_t b)
{
    const st_vector *v = k->v;
    int c;
    if (k->norm) {
        if (k->rank && (k->rank[a] != 1 || k->rank[b] != 1))
            return (k->rank[a] > k->rank[b]) - (k->rank[a] < k->rank[b]);
        return (k->norm[a] > k->norm[b]) - (k->norm[a] < k->norm[b]);
    }
    if (v->validity) {
        int va = st_col_bit(v->validity, a), vb = st_col_bit(v->validity, b);
        if (!va || !vb) {
            if (va == vb)
                return 0;
            return (va ? 0 : 1) == k->nulls_first ? -1 : 1;
        }
    }
    /* numeric kinds always compare by their codes (k->norm) above */
    switch (k->kind) {
    case KEY_DEC: {
        st_decimal128 x = st_vector_get_decimal(v, a), y = st_vector_get_decimal(v, b);
        c = x.hi != y.hi ? (x.hi < y.hi ? -1 : 1) : (x.lo > y.lo) - (x.lo < y.lo);
        break;
    }
    case KEY_BYTES: {
        const int32_t *o = st_col_offsets(v);
        const uint8_t *d = v->data ? v->data : (const uint8_t *)"";
        c = cmp_mem(d + o[a], (size_t)(o[a + 1] - o[a]), d + o[b], (size_t)(o[b + 1] - o[b]));
        break;
    }
    default:
        c = cmp_mem(v->values + (size_t)a * k->width, k->width, v->values + (size_t)b * k->width,
                    k->width);
        break;
    }
    return k->desc ? -c : c;
}

static inline int rows_cmp(const skey *keys, int n_keys, int64_t a, int64_t b)
{
    for (int i = 0; i < n_keys; i++) {
        int c = key_cmp(&keys[i], a, b);
        if (c)
            return c;
    }
    return 0;
}

/* Stable merge sort of idx[0, n) using tmp[0, n). Short runs by insertion. */
static void merge_sort(int64_t *idx, int64_t *tmp, int64_t n, const skey *keys, int n_keys)
{
    int64_t mid, i, j, k;
    if (n <= 16) {
        for (i = 1; i < n; i++) {
            int64_t x = idx[i];
            for (j = i; j > 0 && rows_cmp(keys, n_keys, idx[j - 1], x) > 0; j--)
                idx[j] = idx[j - 1];
            idx[j] = x;
        }
        return;
    }
    mid = n / 2;
    merge_sort(idx, tmp, mid, keys, n_keys);
    merge_sort(idx + mid, tmp + mid, n - mid, keys, n_keys);
    if (rows_cmp(keys, n_keys, idx[mid - 1], idx[mid]) <= 0)
        return; /* already in order: common for clustered data */
    memcpy(tmp, idx, (size_t)n * sizeof(*idx));
    for (i = 0, j = mid, k = 0; i < mid && j < n;)
        idx[k++] = rows_cmp(keys, n_keys, tmp[j], tmp[i]) < 0 ? tmp[j++] : tmp[i++];
    while (i < mid)
        idx[k++] = tmp[i++];
    while (j < n)
        idx[k++] = tmp[j++];
}

/* An unsigned code whose order is Iceberg's order of the value (floats: -0.0
 * below +0.0, every NaN above +inf). */
static inline uint64_t float_code(double d)
{
    uint64_t u;
    if (isnan(d))
        return UINT64_MAX;
    memcpy(&u, &d, sizeof(u));
    return (u >> 63) ? ~u : u | (1ULL << 63);
}

/*
 * Numeric keys are compared through precomputed codes: one load and compare
 * per row pair instead of a type switch, a validity lookup and the direction.
 */
static int key_codes(skey *k)
{
    const st_vector *v = k->v;
    int64_t n = v->length;
    uint64_t flip = k->desc ? UINT64_MAX : 0, sign = 1ULL << 63;
    if (k->kind > KEY_F64)
        return 0;
    if (!(k->norm = st_mallocarray(n ? (size_t)n : 1, sizeof(uint64_t))))
        return ST_ENOMEM;
    for (int64_t i = 0; i < n; i++) {
        uint64_t c;
        switch (k->kind) {
        case KEY_BOOL: c = (uint64_t)st_col_bit(v->values, i); break;
        case KEY_I32: c = (uint64_t)(int64_t)st_vector_get_i32(v, i) ^ sign; break;
        case KEY_I64: c = (uint64_t)st_vector_get_i64(v, i) ^ sign; break;
        case KEY_F32: c = float_code(st_vector_get_f32(v, i)); break;
        default: c = float_code(st_vector_get_f64(v, i)); break;
        }
        k->norm[i] = c ^ flip;
    }
    if (v->validity && v->null_count > 0) {
        if (!(k->rank = st_malloc(n ? (size_t)n : 1)))
            return ST_ENOMEM;
        for (int64_t i = 0; i < n; i++)
            k->rank[i] = st_col_bit(v->validity, i) ? 1 : k->nulls_first ? 0 : 2;
    }
    return 0;
}

static int key_setup(skey *k, const st_sort_key *key, int i, int64_t length)
{
    const st_vector *v = key->column;
    if (!v)
        return st_error_set(ST_EINVALID, ST_ERROR_COLUMNAR, "sort key %d has no column", i);
    if (v->length != length)
        return st_error_set(ST_EINVALID, ST_ERROR_COLUMNAR,
                            "sort key %d has %lld rows, the batch %lld", i, (long long)v->length,
                            (long long)length);
    k->v = v;
    k->desc = !!key->descending;
    k->nulls_first = !!key->nulls_first;
    switch (v->type->id) {
    case ST_TYPE_BOOLEAN: k->kind = KEY_BOOL; break;
    case ST_TYPE_INT:
    case ST_TYPE_DATE: k->kind = KEY_I32; break;
    case ST_TYPE_LONG:
    case ST_TYPE_TIME:
    case ST_TYPE_TIMESTAMP:
    case ST_TYPE_TIMESTAMPTZ:
    case ST_TYPE_TIMESTAMP_NS:
    case ST_TYPE_TIMESTAMPTZ_NS: k->kind = KEY_I64; break;
    case ST_TYPE_FLOAT: k->kind = KEY_F32; break;
    case ST_TYPE_DOUBLE: k->kind = KEY_F64; break;
    case ST_TYPE_DECIMAL: k->kind = KEY_DEC; break;
    case ST_TYPE_STRING:
    case ST_TYPE_BINARY: k->kind = KEY_BYTES; break;
    case ST_TYPE_UUID:
    case ST_TYPE_FIXED:
        k->kind = KEY_FIXED;
        k->width = (size_t)st_type_value_width(v->type);
        break;
    default:
        return st_error_set(ST_EINVALID, ST_ERROR_COLUMNAR,
                            "sort key %d: cannot sort by a %s column", i,
                            st_type_id_name(v->type->id));
    }
    return 0;
}

int st_batch_sort_indices(int64_t **out_idx, const st_batch *b, const st_sort_key *keys,
                          int n_keys)
{
    int64_t n = b->length, *idx = NULL, *tmp = NULL;
    skey *k = NULL;
    int rc = 0;

    *out_idx = NULL;
    if (n_keys < 0 || (n_keys > 0 && !keys))
        return st_error_set(ST_EINVALID, ST_ERROR_COLUMNAR, "sort: %d keys", n_keys);
    if (n_keys > 0 && !(k = st_calloc((size_t)n_keys, sizeof(*k))))
        return ST_ENOMEM;
    for (int i = 0; i < n_keys && rc == 0; i++)
        if ((rc = key_setup(&k[i], &keys[i], i, n)) == 0)
            rc = key_codes(&k[i]);
    if (rc == 0 && (!(idx = st_mallocarray(n ? (size_t)n : 1, sizeof(*idx))) ||
                    !(tmp = st_mallocarray(n ? (size_t)n : 1, sizeof(*tmp)))))
        rc = ST_ENOMEM;
    if (rc == 0) {
        for (int64_t i = 0; i < n; i++)
            idx[i] = i;
        if (n_keys > 0)
            merge_sort(idx, tmp, n, k, n_keys);
        *out_idx = idx;
        idx = NULL;
    }
    st_free(idx);
    st_free(tmp);
    for (int i = 0; k && i < n_keys; i++) {
        st_free(k[i].norm);
        st_free(k[i].rank);
    }
    st_free(k);
    return rc;
}
