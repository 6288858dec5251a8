/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Projecting bound trees onto partition specs (Iceberg's Projections): each
 * predicate on a source column becomes predicates on the partition fields
 * derived from it.
 *
 *   inclusive  row matches p  =>  its partition tuple matches proj(p)
 *   strict     tuple matches proj(p)  =>  every row with that tuple matches p
 *
 * A predicate with several partition fields gets the AND (inclusive) or OR
 * (strict) of their projections; AND and OR of predicates project child by
 * child (both directions preserve the implications). "No projection" is TRUE
 * inclusively and FALSE strictly.
 *
 * The transforms are monotone (non-decreasing) except bucket, which is
 * why the rules below hold:
 * - identity: the predicate itself.
 * - bucket: only equality survives hashing: = and IN inclusively, != and
 *   NOT IN strictly.
 * - truncate of numbers and the time transforms floor their input to a
 *   period; x < L is x <= L-1, so inclusively  < L -> <= f(L-1),  <= L ->
 *   <= f(L),  > L -> >= f(L+1),  >= L -> >= f(L),  = -> = f(L), IN -> IN f(L);
 *   strictly  < L -> < f(L),  <= L -> < f(L+1),  > L -> > f(L),  >= L ->
 *   > f(L-1),  != -> != f(L), NOT IN -> NOT IN f(L). ("1" is one unit of the
 *   source: 1, a day for dates, a microsecond or nanosecond for timestamps, one
 *   unscaled unit for decimals.) When L+-1 overflows, the unadjusted literal
 *   is used, which is weaker but still valid.
 * - truncate of strings (W code points) and binary (W bytes): t(x) is a
 *   prefix of x, so the rules compare prefixes; see project_string().
 * - time transforms also accept Java Iceberg 0.10's values: it computed
 *   pre-1970 periods one too high, so negative projected values are widened
 *   (inclusive) or narrowed (strict) by one.
 * - void and unknown transforms: no projection.
 */
#include <string.h>

#include <supertable/errors.h>

#include "expr/expr_int.h"

typedef struct projector {
    st_arena *a;
    const st_partition_spec *spec;
    int strict;
} projector;

/* A projection in the making: the partition term and up to a few literals. */
typedef struct proj {
    st_expr_op op;          /* 0: no projection */
    st_value *vals;
    int n;
} proj;

/* ----------------------------------------------------------------- helpers */

/* L + delta (delta = +-1) in the value's own unit; -1 on overflow. */
static int step(const st_value *in, int delta, st_value *out)
{
    *out = *in;
    switch (in->type) {
    case ST_TYPE_INT:
    case ST_TYPE_DATE: return __builtin_add_overflow(in->v.i32, delta, &out->v.i32) ? -1 : 0;
    case ST_TYPE_LONG:
    case ST_TYPE_TIME:
    case ST_TYPE_TIMESTAMP:
    case ST_TYPE_TIMESTAMPTZ:
    case ST_TYPE_TIMESTAMP_NS:
    case ST_TYPE_TIMESTAMPTZ_NS:
        return __builtin_add_overflow(in->v.i64, (int64_t)delta, &out->v.i64) ? -1 : 0;
    case ST_TYPE_DECIMAL: {
        expr_u128 u = ((expr_u128)(uint64_t)in->v.dec.hi << 64) | in->v.dec.lo;
        expr_i128 x = (expr_i128)u, r;
        if (__builtin_add_overflow(x, (expr_i128)delta, &r))
            return -1;
        out->v.dec.lo = (uint64_t)(expr_u128)r;
        out->v.dec.hi = (int64_t)((expr_u128)r >> 64);
        return 0;
    }
    default: return -1;
    }
}

/* Applies the transform; 0 when it does, -1 when it cannot (the error is cleared). */
static int apply(const st_transform *t, const st_value *in, st_value *out)
{
    int un;
    if (st_transform_apply(t, in, out) < 0) {
        st_error_clear();
        return -1;
    }
    /* truncate floors: a result above its input wrapped around the type's minimum */
    if (t->kind == ST_TRANSFORM_TRUNCATE && in->type != ST_TYPE_STRING &&
        in->type != ST_TYPE_BINARY && expr_value_cmp(out, in, &un) > 0)
        return -1;
    /* hours of microsecond timestamps past year ~245,000 wrap the int result */
    if (t->kind == ST_TRANSFORM_HOUR &&
        (in->type == ST_TYPE_TIMESTAMP || in->type == ST_TYPE_TIMESTAMPTZ)) {
        int64_t h = in->v.i64 / 3600000000LL - (in->v.i64 % 3600000000LL < 0);
        if (h > INT32_MAX || h < INT32_MIN)
            return -1;
    }
    return 0;
}

static int code_points(const st_value *v)
{
    int n = 0;
    for (size_t i = 0; i < v->v.bytes.len; i++)
        n += (v->v.bytes.ptr[i] & 0xc0) != 0x80;
    return n;
}

/* The unit count truncate[W] keeps: code points for strings, bytes for binary. */
static int trunc_units(const st_value *v)
{
    return v->type == ST_TYPE_STRING ? code_points(v) : (int)v->v.bytes.len;
}

static int alloc_vals(projector *p, proj *out, int n)
{
    if (!(out->vals = st_arena_calloc(p->a, (size_t)(n ? n : 1), sizeof(st_value))))
        return ST_ENOMEM;
    out->n = n;
    return 0;
}

/* One literal: f(L + delta) (delta 0 when L + delta overflows). */
static int one(projector *p, proj *out, st_expr_op op, const st_transform *t, const st_value *lit,
               int delta)
{
    st_value adj;
    int rc;
    if (delta == 0 || step(lit, delta, &adj) < 0)
        adj = *lit;
    if ((rc = alloc_vals(p, out, 1)) < 0)
        return rc;
    if (apply(t, &adj, &out->vals[0]) < 0)
        return 0; /* op stays 0: no projection */
    out->op = op;
    return 0;
}

/* Every literal transformed (IN, NOT IN). */
static int each(projector *p, proj *out, st_expr_op op, const st_transform *t, const st_expr *e)
{
    int rc;
    if ((rc = alloc_vals(p, out, e->n_lits)) < 0)
        return rc;
    for (int i = 0; i < e->n_lits; i++)
        if (apply(t, &e->lits[i], &out->vals[i]) < 0)
            return 0;
    out->op = op;
    return 0;
}

/* The literals unchanged. */
static int same(projector *p, proj *out, st_expr_op op, const st_expr *e)
{
    int rc;
    if ((rc = alloc_vals(p, out, e->n_lits)) < 0)
        return rc;
    memcpy(out->vals, e->lits, sizeof(st_value) * (size_t)e->n_lits);
    out->op = op;
    return 0;
}

/* --------------------------------------------------------- per transform */

static int project_bucket(projector *p, const st_expr *e, const st_transform *t, proj *out)
{
    if (!p->strict) {
        if (e->op == ST_EXPR_EQ)
            return one(p, out, ST_EXPR_EQ, t, e->lits, 0);
        if (e->op == ST_EXPR_IN)
            return each(p, out, ST_EXPR_IN, t, e);
    } else {
        if (e->op == ST_EXPR_NE)
            return one(p, out, ST_EXPR_NE, t, e->lits, 0);
        if (e->op == ST_EXPR_NOT_IN)
            return each(p, out, ST_EXPR_NOT_IN, t, e);
    }
    return 0;
}

/* Monotone flooring transforms: truncate of numbers, year/month/day/hour. */
static int project_floor(projector *p, const st_expr *e, const st_transform *t, proj *out)
{
    if (!p->strict) {
        switch (e->op) {
        case ST_EXPR_LT: return one(p, out, ST_EXPR_LE, t, e->lits, -1);
        case ST_EXPR_LE: return one(p, out, ST_EXPR_LE, t, e->lits, 0);
        case ST_EXPR_GT: return one(p, out, ST_EXPR_GE, t, e->lits, 1);
        case ST_EXPR_GE: return one(p, out, ST_EXPR_GE, t, e->lits, 0);
        case ST_EXPR_EQ: return one(p, out, ST_EXPR_EQ, t, e->lits, 0);
        case ST_EXPR_IN: return each(p, out, ST_EXPR_IN, t, e);
        default: return 0;
        }
    }
    switch (e->op) {
    case ST_EXPR_LT: return one(p, out, ST_EXPR_LT, t, e->lits, 0);
    case ST_EXPR_LE: return one(p, out, ST_EXPR_LT, t, e->lits, 1);
    case ST_EXPR_GT: return one(p, out, ST_EXPR_GT, t, e->lits, 0);
    case ST_EXPR_GE: return one(p, out, ST_EXPR_GT, t, e->lits, -1);
    case ST_EXPR_NE: return one(p, out, ST_EXPR_NE, t, e->lits, 0);
    case ST_EXPR_NOT_IN: return each(p, out, ST_EXPR_NOT_IN, t, e);
    default: return 0;
    }
}

/*
 * Java Iceberg <= 0.10 stored f(x) + 1 for some pre-1970 x (it rounded toward
 * zero). Inclusive: a negative v also admits v + 1. Strict: a bound at or below
 * zero on the "greater" side must step over the value that may hold earlier
 * rows, and != / NOT IN exclude v + 1 too.
 */
static int fix_time(projector *p, proj *out)
{
    int add = 0, k;
    st_value *vals;
    if (!out->op)
        return 0;
    for (int i = 0; i < out->n; i++)
        add += out->vals[i].v.i32 < 0;
    switch (out->op) {
    case ST_EXPR_LT:
    case ST_EXPR_LE:
        if (!p->strict && out->vals[0].v.i32 < 0)
            out->vals[0].v.i32++;
        return 0;
    case ST_EXPR_GT:
    case ST_EXPR_GE:
        if (p->strict && out->vals[0].v.i32 <= 0)
            out->vals[0].v.i32++;
        return 0;
    case ST_EXPR_EQ:
    case ST_EXPR_NE:
    case ST_EXPR_IN:
    case ST_EXPR_NOT_IN:
        if (!add)
            return 0;
        if (!(vals = st_arena_alloc(p->a, sizeof(st_value) * (size_t)(out->n + add))))
            return ST_ENOMEM;
        k = 0;
        for (int i = 0; i < out->n; i++) {
            vals[k++] = out->vals[i];
            if (out->vals[i].v.i32 < 0) {
                vals[k] = out->vals[i];
                vals[k++].v.i32++;
            }
        }
        out->vals = vals;
        out->n = k;
        if (out->op == ST_EXPR_EQ)
            out->op = ST_EXPR_IN;
        else if (out->op == ST_EXPR_NE)
            out->op = ST_EXPR_NOT_IN;
        return 0;
    default: return 0;
    }
}

/*
 * truncate[W] of strings and binary. t(x) is the first W units of x, a prefix
 * of x, and t is monotone. Writing |v| for v's length in units:
 * inclusive  < L, <= L -> <= t(L);  > L, >= L -> >= t(L);  = -> = t(L);
 *            STARTS WITH P -> STARTS WITH P if |P| < W, else = t(P) (x then has
 *            at least W units and t(x) = t(P));
 *            NOT STARTS WITH P -> NOT STARTS WITH P if |P| < W, != P if |P| == W.
 * strict     < L -> < t(L);  <= L -> <= L if |L| < W (t(x) <= L then means
 *            x <= L), else < t(L);  > L -> > t(L);  >= L -> >= L if |L| <= W
 *            (x >= t(x) >= L), else > t(L);  = L and IN when |L| < W (t(x) = L
 *            then means x = L);  != -> != t(L);  NOT IN -> NOT IN t(L);
 *            STARTS WITH P if |P| <= W;  NOT STARTS WITH P if |P| <= W, else
 *            != t(P).
 */
static int project_bytes(projector *p, const st_expr *e, const st_transform *t, proj *out)
{
    int w = t->param, n = e->n_lits ? trunc_units(&e->lits[0]) : 0;
    if (!p->strict) {
        switch (e->op) {
        case ST_EXPR_LT:
        case ST_EXPR_LE: return one(p, out, ST_EXPR_LE, t, e->lits, 0);
        case ST_EXPR_GT:
        case ST_EXPR_GE: return one(p, out, ST_EXPR_GE, t, e->lits, 0);
        case ST_EXPR_EQ: return one(p, out, ST_EXPR_EQ, t, e->lits, 0);
        case ST_EXPR_IN: return each(p, out, ST_EXPR_IN, t, e);
        case ST_EXPR_STARTS_WITH:
            if (n < w)
                return same(p, out, ST_EXPR_STARTS_WITH, e);
            return one(p, out, ST_EXPR_EQ, t, e->lits, 0);
        case ST_EXPR_NOT_STARTS_WITH:
            if (n < w)
                return same(p, out, ST_EXPR_NOT_STARTS_WITH, e);
            if (n == w)
                return same(p, out, ST_EXPR_NE, e);
            return 0;
        default: return 0;
        }
    }
    switch (e->op) {
    case ST_EXPR_LT: return one(p, out, ST_EXPR_LT, t, e->lits, 0);
    case ST_EXPR_LE:
        if (n < w)
            return same(p, out, ST_EXPR_LE, e);
        return one(p, out, ST_EXPR_LT, t, e->lits, 0);
    case ST_EXPR_GT: return one(p, out, ST_EXPR_GT, t, e->lits, 0);
    case ST_EXPR_GE:
        if (n <= w)
            return same(p, out, ST_EXPR_GE, e);
        return one(p, out, ST_EXPR_GT, t, e->lits, 0);
    case ST_EXPR_EQ: return n < w ? same(p, out, ST_EXPR_EQ, e) : 0;
    case ST_EXPR_IN:
        for (int i = 0; i < e->n_lits; i++)
            if (trunc_units(&e->lits[i]) >= w)
                return 0;
        return same(p, out, ST_EXPR_IN, e);
    case ST_EXPR_NE: return one(p, out, ST_EXPR_NE, t, e->lits, 0);
    case ST_EXPR_NOT_IN: return each(p, out, ST_EXPR_NOT_IN, t, e);
    case ST_EXPR_STARTS_WITH: return n <= w ? same(p, out, ST_EXPR_STARTS_WITH, e) : 0;
    case ST_EXPR_NOT_STARTS_WITH:
        if (n <= w)
            return same(p, out, ST_EXPR_NOT_STARTS_WITH, e);
        return one(p, out, ST_EXPR_NE, t, e->lits, 0);
    default: return 0;
    }
}

/* --------------------------------------------------------------- the tree */

/* The projection of predicate `e` on partition field `idx`, or NULL in *out. */
static int project_field(projector *p, const st_expr *e, int idx, st_expr **out)
{
    const st_partition_field *pf = &p->spec->fields[idx];
    const st_transform *t = &pf->transform;
    st_expr *leaf;
    st_type *rt;
    proj pr = {0, NULL, 0};
    int rc = 0;

    *out = NULL;
    if (t->kind == ST_TRANSFORM_VOID || t->kind == ST_TRANSFORM_UNKNOWN)
        return 0;
    if (st_transform_check_source(t, &e->term.type) < 0) {
        st_error_clear(); /* a spec that does not fit the column: it tells nothing */
        return 0;
    }
    switch (e->op) {
    case ST_EXPR_IS_NULL:
    case ST_EXPR_NOT_NULL: pr.op = e->op; break; /* f(null) is null, f(x) is not */
    case ST_EXPR_IS_NAN:
    case ST_EXPR_NOT_NAN:
        if (t->kind == ST_TRANSFORM_IDENTITY)
            pr.op = e->op;
        break;
    default:
        switch (t->kind) {
        case ST_TRANSFORM_IDENTITY: rc = same(p, &pr, e->op, e); break;
        case ST_TRANSFORM_BUCKET: rc = project_bucket(p, e, t, &pr); break;
        case ST_TRANSFORM_TRUNCATE:
            if (e->term.type.id == ST_TYPE_STRING || e->term.type.id == ST_TYPE_BINARY)
                rc = project_bytes(p, e, t, &pr);
            else
                rc = project_floor(p, e, t, &pr);
            break;
        default:
            if ((rc = project_floor(p, e, t, &pr)) == 0)
                rc = fix_time(p, &pr);
            break;
        }
    }
    if (rc < 0 || !pr.op)
        return rc;
    if (!(leaf = expr_node(p->a, pr.op, ST_EXPR_PROJECTED)) ||
        !(leaf->term.path = st_arena_alloc(p->a, sizeof(char *))) ||
        !(leaf->term.path[0] = st_arena_strdup(p->a, pf->name ? pf->name : "")))
        return ST_ENOMEM;
    leaf->term.n_path = 1;
    leaf->term.field_id = pf->field_id;
    leaf->term.pos = idx;
    leaf->term.nullable = 1;
    rt = st_transform_result_type(t, &e->term.type);
    if (!rt)
        return st_error_set_oom();
    leaf->term.type = *rt;
    leaf->term.type.refs_ = 0;
    leaf->term.type.fields = NULL;
    leaf->term.type.n_fields = 0;
    st_type_free(rt);
    if (pr.n) {
        if (!(leaf->lits = st_arena_alloc(p->a, sizeof(st_value) * (size_t)pr.n)))
            return ST_ENOMEM;
        for (int i = 0; i < pr.n; i++)
            if (expr_copy_value(p->a, &leaf->lits[i], &pr.vals[i]) < 0)
                return ST_ENOMEM;
        leaf->n_lits = pr.op == ST_EXPR_IN || pr.op == ST_EXPR_NOT_IN
                           ? expr_sort_unique(leaf->lits, pr.n)
                           : pr.n;
        if (leaf->n_lits == 1 && (pr.op == ST_EXPR_IN || pr.op == ST_EXPR_NOT_IN))
            leaf->op = pr.op == ST_EXPR_IN ? ST_EXPR_EQ : ST_EXPR_NE;
    }
    *out = leaf;
    return 0;
}

static int project_predicate(projector *p, const st_expr *e, st_expr **out)
{
    st_expr **kids;
    int n = 0, rc;

    if (!(kids = st_arena_alloc(p->a, sizeof(st_expr *) * (size_t)(p->spec->n_fields + 1))))
        return ST_ENOMEM;
    for (int i = 0; i < p->spec->n_fields; i++) {
        if (p->spec->fields[i].source_id != e->term.field_id)
            continue;
        if ((rc = project_field(p, e, i, &kids[n])) < 0)
            return rc;
        n += kids[n] != NULL;
    }
    if (n == 0)
        *out = expr_const(p->a, !p->strict, ST_EXPR_PROJECTED);
    else
        *out = expr_junction(p->a, p->strict ? ST_EXPR_OR : ST_EXPR_AND, ST_EXPR_PROJECTED, kids, n);
    return *out ? 0 : ST_ENOMEM;
}

static int project_node(projector *p, const st_expr *e, st_expr **out)
{
    switch (e->op) {
    case ST_EXPR_TRUE:
    case ST_EXPR_FALSE:
        *out = expr_const(p->a, e->op == ST_EXPR_TRUE, ST_EXPR_PROJECTED);
        return *out ? 0 : ST_ENOMEM;
    case ST_EXPR_AND:
    case ST_EXPR_OR: {
        st_expr **kids = st_arena_alloc(p->a, sizeof(st_expr *) * (size_t)e->n_args);
        int rc;
        if (!kids)
            return ST_ENOMEM;
        for (int i = 0; i < e->n_args; i++)
            if ((rc = project_node(p, e->args[i], &kids[i])) < 0)
                return rc;
        *out = expr_junction(p->a, e->op, ST_EXPR_PROJECTED, kids, e->n_args);
        return *out ? 0 : ST_ENOMEM;
    }
    case ST_EXPR_NOT:
        return st_error_set(ST_EINVALID, ST_ERROR_ICEBERG, "filter: NOT in a bound filter");
    default: return project_predicate(p, e, out);
    }
}

static int project(st_expr **out, const st_expr *bound, const st_partition_spec *spec, int strict)
{
    projector p;
    st_expr *root = NULL;
    int rc;

    *out = NULL;
    if (bound->state != ST_EXPR_BOUND)
        return st_error_set(ST_EINVALID, ST_ERROR_ICEBERG,
                            "filter: only a bound filter can be projected onto a partition spec");
    if (!(p.a = expr_arena_new()))
        return ST_ENOMEM;
    p.spec = spec;
    p.strict = strict;
    rc = project_node(&p, bound, &root);
    return expr_finish(out, root, p.a, rc);
}

int st_expr_project_inclusive(st_expr **out, const st_expr *bound, const st_partition_spec *spec,
                              const st_type *schema)
{
    (void)schema;
    return project(out, bound, spec, 0);
}

int st_expr_project_strict(st_expr **out, const st_expr *bound, const st_partition_spec *spec,
                           const st_type *schema)
{
    (void)schema;
    return project(out, bound, spec, 1);
}
