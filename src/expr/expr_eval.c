/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Evaluating bound trees on rows (a batch, column at a time) and projected
 * trees on partition tuples.
 *
 * Bound trees hold no NOT, so a row matches when the AND/OR of its leaves is
 * true with every unknown leaf read as false: each leaf writes 1 where it is
 * TRUE and 0 where it is FALSE or unknown, and AND/OR combine bytes.
 *
 * A leaf is computed in two passes: the value test over the dense values
 * (nulls' slots hold whatever they hold), then the null rule of its operator
 * applied from the combined validity of the column and its parent structs.
 * The value tests of the common types are plain loops without branches that
 * compilers vectorize.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <supertable/errors.h>

#include "expr/expr_int.h"
#include "util/alloc.h"
#include "util/buf.h"

#define EERR(code, ...) st_error_set((code), ST_ERROR_ICEBERG, __VA_ARGS__)

/* Whether a comparison result c (<0, 0, >0) satisfies op (index op - ST_EXPR_LT). */
static const uint8_t CMP_TABLE[6][3] = {
    /* LT */ {1, 0, 0}, /* LE */ {1, 1, 0}, /* GT */ {0, 0, 1},
    /* GE */ {0, 1, 1}, /* EQ */ {0, 1, 0}, /* NE */ {1, 0, 1},
};

static inline uint8_t cmp_holds(st_expr_op op, int c)
{
    return CMP_TABLE[op - ST_EXPR_LT][(c > 0) - (c < 0) + 1];
}

/* ----------------------------------------------------------- value tests */

#define DEFINE_CMP(name, T)                                                                       \
    static void name(const T *v, int64_t n, T lit, st_expr_op op, uint8_t *out)                   \
    {                                                                                             \
        int64_t i;                                                                                \
        switch (op) {                                                                             \
        case ST_EXPR_LT: for (i = 0; i < n; i++) out[i] = v[i] < lit; break;                      \
        case ST_EXPR_LE: for (i = 0; i < n; i++) out[i] = v[i] <= lit; break;                     \
        case ST_EXPR_GT: for (i = 0; i < n; i++) out[i] = v[i] > lit; break;                      \
        case ST_EXPR_GE: for (i = 0; i < n; i++) out[i] = v[i] >= lit; break;                     \
        case ST_EXPR_EQ: for (i = 0; i < n; i++) out[i] = v[i] == lit; break;                     \
        default: for (i = 0; i < n; i++) out[i] = v[i] != lit; break;                             \
        }                                                                                         \
    }

DEFINE_CMP(cmp_i32, int32_t)
DEFINE_CMP(cmp_i64, int64_t)
DEFINE_CMP(cmp_f32, float)
DEFINE_CMP(cmp_f64, double)

/* String data; an all-empty vector may have none, and NULL + 0 is undefined. */
static inline const uint8_t *data_of(const st_vector *v)
{
    return v->data ? v->data : (const uint8_t *)"";
}

static void cmp_strings(const st_vector *v, int64_t n, const st_value *lit, st_expr_op op,
                        uint8_t *out)
{
    const int32_t *off = (const int32_t *)(const void *)v->values;
    const uint8_t *lp = lit->v.bytes.ptr, *data = data_of(v);
    size_t ll = lit->v.bytes.len;
    if (op == ST_EXPR_EQ || op == ST_EXPR_NE) {
        uint8_t eq = op == ST_EXPR_EQ;
        for (int64_t i = 0; i < n; i++) {
            size_t len = (size_t)(off[i + 1] - off[i]);
            out[i] = (uint8_t)((len == ll && (ll == 0 || memcmp(data + off[i], lp, ll) == 0)) == eq);
        }
        return;
    }
    for (int64_t i = 0; i < n; i++)
        out[i] = cmp_holds(op, st_bytes_cmp(data + off[i], (size_t)(off[i + 1] - off[i]), lp, ll));
}

static void starts_with(const st_vector *v, int64_t n, const st_value *lit, int neg, uint8_t *out)
{
    const int32_t *off = (const int32_t *)(const void *)v->values;
    const uint8_t *lp = lit->v.bytes.ptr, *data = data_of(v);
    size_t ll = lit->v.bytes.len;
    for (int64_t i = 0; i < n; i++) {
        size_t len = (size_t)(off[i + 1] - off[i]);
        int hit = len >= ll && (ll == 0 || memcmp(data + off[i], lp, ll) == 0);
        out[i] = (uint8_t)(hit != neg);
    }
}

/* Any other type, one st_value per row. */
static void cmp_generic(const st_vector *v, int64_t n, const st_value *lit, st_expr_op op,
                        uint8_t *out)
{
    st_value x;
    int un;
    for (int64_t i = 0; i < n; i++) {
        st_value_from_vector(&x, v, i);   /* null rows are masked later */
        out[i] = cmp_holds(op, expr_value_cmp(&x, lit, &un));
    }
}

static int cmp_i64_sorted(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

static int in_i64(const int64_t *set, int n, int64_t x)
{
    int lo = 0, hi = n - 1;
    while (lo <= hi) {
        int mid = lo + (hi - lo) / 2;
        if (set[mid] == x)
            return 1;
        if (set[mid] < x)
            lo = mid + 1;
        else
            hi = mid - 1;
    }
    return 0;
}

static int in_values(const st_value *set, int n, const st_value *x)
{
    int lo = 0, hi = n - 1, un;
    while (lo <= hi) {
        int mid = lo + (hi - lo) / 2, c = expr_value_cmp(&set[mid], x, &un);
        if (un)
            return 0;
        if (c == 0)
            return 1;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid - 1;
    }
    return 0;
}

/* IN / NOT IN (value test only). Integers search a sorted int64 copy. */
static int in_test(const st_vector *v, int64_t n, const st_expr *e, uint8_t *out)
{
    int neg = e->op == ST_EXPR_NOT_IN;
    st_type_id id = v->type->id;
    if (id == ST_TYPE_INT || id == ST_TYPE_DATE || id == ST_TYPE_LONG || id == ST_TYPE_TIME ||
        id == ST_TYPE_TIMESTAMP || id == ST_TYPE_TIMESTAMPTZ || id == ST_TYPE_TIMESTAMP_NS ||
        id == ST_TYPE_TIMESTAMPTZ_NS) {
        int64_t *set = st_mallocarray((size_t)e->n_lits, sizeof(int64_t));
        int narrow = id == ST_TYPE_INT || id == ST_TYPE_DATE;
        if (!set)
            return ST_ENOMEM;
        for (int k = 0; k < e->n_lits; k++)
            set[k] = narrow ? e->lits[k].v.i32 : e->lits[k].v.i64;
        qsort(set, (size_t)e->n_lits, sizeof(int64_t), cmp_i64_sorted);
        for (int64_t i = 0; i < n; i++) {
            int64_t x = narrow ? st_vector_get_i32(v, i) : st_vector_get_i64(v, i);
            out[i] = (uint8_t)(in_i64(set, e->n_lits, x) != neg);
        }
        st_free(set);
        return 0;
    }
    for (int64_t i = 0; i < n; i++) {
        st_value x;
        st_value_from_vector(&x, v, i);   /* null rows are masked later */
        /* NaN is in no list (and so NOT IN every list) */
        out[i] = (uint8_t)(in_values(e->lits, e->n_lits, &x) != neg);
    }
    return 0;
}

static void nan_test(const st_vector *v, int64_t n, int neg, uint8_t *out)
{
    if (v->type->id == ST_TYPE_FLOAT) {
        const float *f = (const float *)(const void *)v->values;
        for (int64_t i = 0; i < n; i++)
            out[i] = (uint8_t)((f[i] != f[i]) != neg);
    } else {
        const double *d = (const double *)(const void *)v->values;
        for (int64_t i = 0; i < n; i++)
            out[i] = (uint8_t)((d[i] != d[i]) != neg);
    }
}

static int value_test(const st_vector *v, int64_t n, const st_expr *e, uint8_t *out)
{
    const st_value *lit = e->lits;
    switch (e->op) {
    case ST_EXPR_IN:
    case ST_EXPR_NOT_IN: return in_test(v, n, e, out);
    case ST_EXPR_IS_NAN:
    case ST_EXPR_NOT_NAN: nan_test(v, n, e->op == ST_EXPR_NOT_NAN, out); return 0;
    case ST_EXPR_STARTS_WITH:
    case ST_EXPR_NOT_STARTS_WITH:
        starts_with(v, n, lit, e->op == ST_EXPR_NOT_STARTS_WITH, out);
        return 0;
    default: break;
    }
    switch (v->type->id) {
    case ST_TYPE_INT:
    case ST_TYPE_DATE:
        cmp_i32((const int32_t *)(const void *)v->values, n, lit->v.i32, e->op, out);
        break;
    case ST_TYPE_LONG:
    case ST_TYPE_TIME:
    case ST_TYPE_TIMESTAMP:
    case ST_TYPE_TIMESTAMPTZ:
    case ST_TYPE_TIMESTAMP_NS:
    case ST_TYPE_TIMESTAMPTZ_NS:
        cmp_i64((const int64_t *)(const void *)v->values, n, lit->v.i64, e->op, out);
        break;
    case ST_TYPE_FLOAT:
        cmp_f32((const float *)(const void *)v->values, n, lit->v.f32, e->op, out);
        break;
    case ST_TYPE_DOUBLE:
        cmp_f64((const double *)(const void *)v->values, n, lit->v.f64, e->op, out);
        break;
    case ST_TYPE_STRING:
    case ST_TYPE_BINARY: cmp_strings(v, n, lit, e->op, out); break;
    default: cmp_generic(v, n, lit, e->op, out); break;
    }
    return 0;
}

/* ------------------------------------------------------------- columns */

#define MAX_NEST 64

typedef struct column {
    const st_vector *leaf;
    const st_vector *chain[MAX_NEST]; /* the struct vectors above the leaf */
    int n_chain;
} column;

static int find_in(const st_type *st, st_vector *const *vecs, int32_t id, column *c, int depth)
{
    for (int i = 0; i < st->n_fields; i++) {
        const st_field *f = &st->fields[i];
        if (f->id == id) {
            c->leaf = vecs[i];
            return 1;
        }
        if (f->type->id == ST_TYPE_STRUCT && depth + 1 < MAX_NEST) {
            c->chain[depth] = vecs[i];
            c->n_chain = depth + 1;
            if (find_in(f->type, vecs[i]->children, id, c, depth + 1))
                return 1;
            c->n_chain = depth;
        }
    }
    return 0;
}

static int find_column(const st_batch *b, const st_expr_term *t, column *c)
{
    char name[256];
    const st_type *vt;
    memset(c, 0, sizeof(*c));
    if (!find_in(b->schema, b->columns, t->field_id, c, 0))
        return EERR(ST_ENOTFOUND, "filter: column '%s' (field id %d) is not in the batch",
                    expr_term_name(name, sizeof(name), t), (int)t->field_id);
    vt = c->leaf->type;
    if (vt->id != t->type.id || (vt->id == ST_TYPE_DECIMAL && vt->scale != t->type.scale) ||
        (vt->id == ST_TYPE_FIXED && vt->length != t->type.length))
        return EERR(ST_EINVALID, "filter: column '%s' (field id %d) is %s in the batch but %s in "
                    "the filter", expr_term_name(name, sizeof(name), t), (int)t->field_id,
                    st_type_id_name(vt->id), st_type_id_name(t->type.id));
    return 0;
}

/* valid[i] &= bit i of the bitmap. */
static void and_bitmap(uint8_t *valid, const uint8_t *bits, int64_t n)
{
    for (int64_t i = 0; i < n; i++)
        valid[i] &= (uint8_t)((bits[i >> 3] >> (i & 7)) & 1);
}

/* The combined validity as bytes, or NULL when every row is valid (*mask owned by the caller). */
static int column_validity(const column *c, int64_t n, uint8_t **mask)
{
    int any = c->leaf->validity != NULL;
    *mask = NULL;
    for (int k = 0; k < c->n_chain; k++)
        any |= c->chain[k]->validity != NULL;
    if (!any)
        return 0;
    if (!(*mask = st_malloc((size_t)n)))
        return ST_ENOMEM;
    memset(*mask, 1, (size_t)n);
    if (c->leaf->validity)
        and_bitmap(*mask, c->leaf->validity, n);
    for (int k = 0; k < c->n_chain; k++)
        if (c->chain[k]->validity)
            and_bitmap(*mask, c->chain[k]->validity, n);
    return 0;
}

static int eval_leaf(const st_batch *b, const st_expr *e, uint8_t *out)
{
    int64_t n = b->length;
    uint8_t *valid = NULL;
    column c;
    int rc;

    if ((rc = find_column(b, &e->term, &c)) < 0 || (rc = column_validity(&c, n, &valid)) < 0)
        return rc;
    switch (e->op) {
    case ST_EXPR_IS_NULL:
        for (int64_t i = 0; i < n; i++)
            out[i] = valid ? !valid[i] : 0;
        break;
    case ST_EXPR_NOT_NULL:
        for (int64_t i = 0; i < n; i++)
            out[i] = valid ? valid[i] : 1;
        break;
    case ST_EXPR_NOT_NAN: /* a null is not NaN */
        nan_test(c.leaf, n, 1, out);
        if (valid)
            for (int64_t i = 0; i < n; i++)
                out[i] |= (uint8_t)!valid[i];
        break;
    default:
        if ((rc = value_test(c.leaf, n, e, out)) < 0)
            break;
        if (valid)
            for (int64_t i = 0; i < n; i++)
                out[i] &= valid[i];
        break;
    }
    st_free(valid);
    return rc;
}

static int all_equal(const uint8_t *v, int64_t n, uint8_t x)
{
    for (int64_t i = 0; i < n; i++)
        if (v[i] != x)
            return 0;
    return 1;
}

static int eval_node(const st_batch *b, const st_expr *e, uint8_t *out)
{
    int64_t n = b->length;
    uint8_t *tmp;
    int rc = 0;

    switch (e->op) {
    case ST_EXPR_TRUE:
    case ST_EXPR_FALSE: memset(out, e->op == ST_EXPR_TRUE, (size_t)n); return 0;
    case ST_EXPR_AND:
    case ST_EXPR_OR: {
        uint8_t done_at = e->op == ST_EXPR_OR; /* all 1 ends an OR, all 0 an AND */
        if ((rc = eval_node(b, e->args[0], out)) < 0)
            return rc;
        if (!(tmp = st_malloc((size_t)n)))
            return ST_ENOMEM;
        for (int k = 1; k < e->n_args && rc == 0 && !all_equal(out, n, done_at); k++) {
            if ((rc = eval_node(b, e->args[k], tmp)) < 0)
                break;
            if (e->op == ST_EXPR_AND)
                for (int64_t i = 0; i < n; i++)
                    out[i] &= tmp[i];
            else
                for (int64_t i = 0; i < n; i++)
                    out[i] |= tmp[i];
        }
        st_free(tmp);
        return rc;
    }
    case ST_EXPR_NOT: return EERR(ST_EINVALID, "filter: NOT in a bound filter");
    default: return eval_leaf(b, e, out);
    }
}

int st_expr_eval_batch(const st_expr *bound, const st_batch *b, uint8_t *keep)
{
    if (bound->state != ST_EXPR_BOUND)
        return EERR(ST_EINVALID, "filter: only a bound filter can be evaluated on rows");
    if (b->length <= 0)
        return 0;
    return eval_node(b, bound, keep);
}

/* ------------------------------------------------------- partition tuples */

static int nan_value(const st_value *v)
{
    return (v->type == ST_TYPE_FLOAT && isnan(v->v.f32)) ||
           (v->type == ST_TYPE_DOUBLE && isnan(v->v.f64));
}

static int tuple_mismatch(const st_expr *e, const st_value *v)
{
    char name[256];
    return EERR(ST_EINVALID, "filter: partition value of '%s' is %s, expected %s",
                expr_term_name(name, sizeof(name), &e->term),
                v->type ? st_type_id_name(v->type) : "untyped", st_type_id_name(e->term.type.id));
}

static int eval_tuple_leaf(const st_expr *e, const st_value *tuple, int n)
{
    const st_value *v;
    int c, un;

    if (e->term.pos < 0 || e->term.pos >= n)
        return EERR(ST_EINVALID, "filter: partition field %d is not in a tuple of %d values",
                    (int)e->term.pos, n);
    v = &tuple[e->term.pos];
    if (e->op == ST_EXPR_IS_NULL || e->op == ST_EXPR_NOT_NULL)
        return (e->op == ST_EXPR_IS_NULL) == !!v->is_null;
    if (v->is_null)
        return e->op == ST_EXPR_NOT_NAN;
    switch (e->op) {
    case ST_EXPR_IS_NAN: return nan_value(v);
    case ST_EXPR_NOT_NAN: return !nan_value(v);
    case ST_EXPR_IN:
    case ST_EXPR_NOT_IN:
        if (e->n_lits)
            (void)expr_value_cmp(v, &e->lits[0], &un);
        if (e->n_lits && un < 0)
            return tuple_mismatch(e, v);
        return in_values(e->lits, e->n_lits, v) != (e->op == ST_EXPR_NOT_IN);
    case ST_EXPR_STARTS_WITH:
    case ST_EXPR_NOT_STARTS_WITH: {
        const st_value *p = &e->lits[0];
        int hit;
        if (v->type != ST_TYPE_STRING)
            return tuple_mismatch(e, v);
        hit = v->v.bytes.len >= p->v.bytes.len &&
              (p->v.bytes.len == 0 || memcmp(v->v.bytes.ptr, p->v.bytes.ptr, p->v.bytes.len) == 0);
        return hit != (e->op == ST_EXPR_NOT_STARTS_WITH);
    }
    default:
        c = expr_value_cmp(v, &e->lits[0], &un);
        if (un < 0)
            return tuple_mismatch(e, v);
        if (un) /* NaN: only != holds */
            return e->op == ST_EXPR_NE;
        return cmp_holds(e->op, c);
    }
}

typedef struct tuple_ctx {
    const st_value *tuple;
    int n;
} tuple_ctx;

static int tuple_leaf(const st_expr *e, void *ctx)
{
    const tuple_ctx *c = ctx;
    return eval_tuple_leaf(e, c->tuple, c->n);
}

int st_expr_eval_partition(const st_expr *projected, const st_value *tuple, int n)
{
    if (projected->state != ST_EXPR_PROJECTED)
        return EERR(ST_EINVALID, "filter: only a projected filter can be evaluated on a partition");
    tuple_ctx c = {tuple, n};
    return expr_walk(projected, tuple_leaf, &c);
}
