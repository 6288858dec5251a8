/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Evaluating bound trees on a data file's column metrics (inclusive: can any
 * row match? strict: must every row match?) and projected trees on a
 * manifest-list entry's partition summaries (inclusive).
 *
 * What the stats say (Iceberg spec, manifests):
 * - value_count counts nulls and NaNs; value_count == null_count: only nulls.
 * - Bounds cover the non-null, non-NaN values. String and binary bounds may be
 *   truncated: the lower bound by cutting (still <= every value), the upper
 *   bound by cutting and incrementing (still >= every value); they are valid
 *   bounds but need not be values. A NaN bound (old ORC writers) is ignored.
 * - Anything absent is unknown. A required column has no nulls whatever the
 *   stats say.
 * - Partition summaries: contains_null, contains_nan (may be absent), and
 *   bounds that are null when every value is null or NaN.
 * All comparisons follow the row semantics (expr.h): a null never satisfies
 * a comparison, NaN satisfies only != and NOT IN.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <supertable/errors.h>

#include "expr/expr_int.h"

#define MERR(code, ...) st_error_set((code), ST_ERROR_ICEBERG, __VA_ARGS__)

/* What is known about one column (or partition field) of a file (or manifest). */
typedef struct view {
    int null_only;      /* every value is null */
    int nan_only;       /* every value is NaN */
    int no_ordered;     /* no value is both non-null and non-NaN */
    int64_t nulls;      /* null count: 0 none, > 0 some, -1 unknown */
    int64_t nans;       /* NaN count likewise (0 for non-float types) */
    int has_lower, has_upper;
    st_value lower, upper;
} view;

static int cmp(const st_value *a, const st_value *b)
{
    int un;
    return expr_value_cmp(a, b, &un);
}

/* trunc(bound, |prefix| bytes) compared with prefix. */
static int prefix_cmp(const st_value *bound, const st_value *prefix)
{
    size_t pl = prefix->v.bytes.len, n = bound->v.bytes.len < pl ? bound->v.bytes.len : pl;
    int c = n ? memcmp(bound->v.bytes.ptr, prefix->v.bytes.ptr, n) : 0;
    if (c)
        return c;
    return n < pl ? -1 : 0;
}

static int has_prefix(const st_value *bound, const st_value *prefix)
{
    return bound->v.bytes.len >= prefix->v.bytes.len && prefix_cmp(bound, prefix) == 0;
}

/* lower == upper == v: every non-null, non-NaN value is v. */
static int single_value(const view *w, const st_value *v)
{
    return w->has_lower && w->has_upper && cmp(&w->lower, v) == 0 && cmp(&w->upper, v) == 0;
}

static int in_range(const view *w, const st_value *v)
{
    return (!w->has_lower || cmp(&w->lower, v) <= 0) && (!w->has_upper || cmp(&w->upper, v) >= 0);
}

/* ------------------------------------------------------------- inclusive */

/* 0 when no value described by `w` can satisfy the leaf; 1 when some may. */
static int might(const st_expr *e, const view *w)
{
    const st_value *lit = e->lits;
    switch (e->op) {
    case ST_EXPR_IS_NULL: return w->nulls != 0;
    case ST_EXPR_NOT_NULL: return !w->null_only;
    case ST_EXPR_IS_NAN: return !w->null_only && w->nans != 0;
    case ST_EXPR_NOT_NAN: return !w->nan_only;
    case ST_EXPR_NE: /* true for any value but lit, NaN included */
        if (w->null_only)
            return 0;
        return w->nans != 0 || !single_value(w, lit);
    case ST_EXPR_NOT_IN:
        if (w->null_only)
            return 0;
        if (w->nans != 0 || !w->has_lower || !w->has_upper || cmp(&w->lower, &w->upper) != 0)
            return 1;
        for (int i = 0; i < e->n_lits; i++)
            if (cmp(&w->lower, &lit[i]) == 0)
                return 0;
        return 1;
    case ST_EXPR_NOT_STARTS_WITH:
        if (w->null_only)
            return 0;
        return !(w->has_lower && w->has_upper && has_prefix(&w->lower, lit) &&
                 has_prefix(&w->upper, lit));
    default: break;
    }
    /* the rest needs a non-null, non-NaN value */
    if (w->no_ordered)
        return 0;
    switch (e->op) {
    case ST_EXPR_LT: return !(w->has_lower && cmp(&w->lower, lit) >= 0);
    case ST_EXPR_LE: return !(w->has_lower && cmp(&w->lower, lit) > 0);
    case ST_EXPR_GT: return !(w->has_upper && cmp(&w->upper, lit) <= 0);
    case ST_EXPR_GE: return !(w->has_upper && cmp(&w->upper, lit) < 0);
    case ST_EXPR_EQ: return in_range(w, lit);
    case ST_EXPR_IN:
        for (int i = 0; i < e->n_lits; i++)
            if (in_range(w, &lit[i]))
                return 1;
        return 0;
    case ST_EXPR_STARTS_WITH:
        if (w->has_lower && prefix_cmp(&w->lower, lit) > 0)
            return 0;
        if (w->has_upper && prefix_cmp(&w->upper, lit) < 0)
            return 0;
        return 1;
    default: return 1;
    }
}

/* ---------------------------------------------------------------- strict */

/* 1 when every value described by `w` satisfies the leaf. */
static int must(const st_expr *e, const view *w)
{
    const st_value *lit = e->lits;
    int ordered_only = w->nulls == 0 && w->nans == 0;
    switch (e->op) {
    case ST_EXPR_IS_NULL: return w->null_only;
    case ST_EXPR_NOT_NULL: return w->nulls == 0;
    case ST_EXPR_IS_NAN: return w->nan_only;
    case ST_EXPR_NOT_NAN: return w->nans == 0 || w->null_only;
    case ST_EXPR_LT: return ordered_only && w->has_upper && cmp(&w->upper, lit) < 0;
    case ST_EXPR_LE: return ordered_only && w->has_upper && cmp(&w->upper, lit) <= 0;
    case ST_EXPR_GT: return ordered_only && w->has_lower && cmp(&w->lower, lit) > 0;
    case ST_EXPR_GE: return ordered_only && w->has_lower && cmp(&w->lower, lit) >= 0;
    case ST_EXPR_EQ: return ordered_only && single_value(w, lit);
    case ST_EXPR_IN:
        if (!ordered_only || !w->has_lower || !w->has_upper || cmp(&w->lower, &w->upper) != 0)
            return 0;
        for (int i = 0; i < e->n_lits; i++)
            if (cmp(&w->lower, &lit[i]) == 0)
                return 1;
        return 0;
    case ST_EXPR_NE: /* NaN != lit holds; nulls do not */
        if (w->nulls != 0)
            return 0;
        return w->nan_only || (w->has_lower && cmp(lit, &w->lower) < 0) ||
               (w->has_upper && cmp(lit, &w->upper) > 0);
    case ST_EXPR_NOT_IN:
        if (w->nulls != 0)
            return 0;
        if (w->nan_only)
            return 1;
        for (int i = 0; i < e->n_lits; i++)
            if (!((w->has_lower && cmp(&lit[i], &w->lower) < 0) ||
                  (w->has_upper && cmp(&lit[i], &w->upper) > 0)))
                return 0;
        return 1;
    case ST_EXPR_STARTS_WITH:
        return w->nulls == 0 && w->has_lower && w->has_upper && has_prefix(&w->lower, lit) &&
               has_prefix(&w->upper, lit);
    case ST_EXPR_NOT_STARTS_WITH:
        return w->nulls == 0 && ((w->has_lower && prefix_cmp(&w->lower, lit) > 0) ||
                                 (w->has_upper && prefix_cmp(&w->upper, lit) < 0));
    default: return 0;
    }
}

/* ------------------------------------------------------------ data files */

/* `kind` and `name` ("data file", its path) name the bound's source in the
 * error, formatted only then: this runs for every file a filter tests. */
static int decode_bound(st_value *out, int *has, const st_type *type, const uint8_t *p, size_t len,
                        const char *kind, const char *name, const st_expr_term *t)
{
    char col[256], why[512];
    *has = 0;
    if (!p)
        return 0;
    if (st_value_from_bytes(out, type, p, len) < 0) {
        snprintf(why, sizeof(why), "%s", st_error_last()->message);
        return MERR(ST_ECORRUPT, "filter: %s '%.256s': bound of column '%s' (field id %d): %s",
                    kind, name ? name : "?", expr_term_name(col, sizeof(col), t),
                    (int)t->field_id, why);
    }
    if ((out->type == ST_TYPE_FLOAT && isnan(out->v.f32)) ||
        (out->type == ST_TYPE_DOUBLE && isnan(out->v.f64)))
        return 0; /* not a bound */
    *has = 1;
    return 0;
}

static int file_view(view *w, const st_data_file *f, const st_expr_term *t)
{
    const st_column_stats *s = st_data_file_stats(f, t->field_id);
    int64_t values = -1;
    int rc;

    memset(w, 0, sizeof(*w));
    w->nulls = t->nullable ? -1 : 0;
    w->nans = expr_is_float(t->type.id) ? -1 : 0;
    if (!s)
        return 0;
    values = s->value_count >= 0 ? s->value_count : -1;
    if (t->nullable && s->null_count >= 0)
        w->nulls = s->null_count;
    if (expr_is_float(t->type.id) && s->nan_count >= 0)
        w->nans = s->nan_count;
    if (values >= 0) {
        w->null_only = w->nulls == values;
        w->nan_only = w->nans == values;
        w->no_ordered = w->null_only || w->nan_only ||
                        (w->nulls >= 0 && w->nans >= 0 && w->nulls + w->nans == values);
    }
    if ((rc = decode_bound(&w->lower, &w->has_lower, &t->type, s->lower, s->lower_len,
                           "data file", f->file_path, t)) < 0)
        return rc;
    return decode_bound(&w->upper, &w->has_upper, &t->type, s->upper, s->upper_len, "data file",
                        f->file_path, t);
}

typedef struct file_ctx {
    const st_data_file *f;
    int strict;
} file_ctx;

static int file_leaf(const st_expr *e, void *ctx)
{
    const file_ctx *c = ctx;
    view w;
    int rc = file_view(&w, c->f, &e->term);
    if (rc < 0)
        return rc;
    return c->strict ? must(e, &w) : might(e, &w);
}

static int eval_file(const st_expr *e, const st_data_file *f, int strict)
{
    file_ctx c = {f, strict};
    return expr_walk(e, file_leaf, &c);
}

int st_expr_metrics_might_match(const st_expr *bound, const st_data_file *f, const st_type *schema)
{
    (void)schema;
    if (bound->state != ST_EXPR_BOUND)
        return MERR(ST_EINVALID, "filter: only a bound filter can be evaluated on metrics");
    if (f->record_count == 0)
        return 0;
    if (f->record_count < 0) /* unknown (imported files) */
        return 1;
    return eval_file(bound, f, 0);
}

int st_expr_metrics_must_match(const st_expr *bound, const st_data_file *f, const st_type *schema)
{
    (void)schema;
    if (bound->state != ST_EXPR_BOUND)
        return MERR(ST_EINVALID, "filter: only a bound filter can be evaluated on metrics");
    if (f->record_count == 0)
        return 1;
    if (f->record_count < 0)
        return 0;
    return eval_file(bound, f, 1);
}

/* -------------------------------------------------------------- manifests */

static const st_type *summary_type(const st_expr_term *t, const st_type *ptype)
{
    if (!ptype || ptype->id != ST_TYPE_STRUCT)
        return &t->type;
    if (t->pos < ptype->n_fields && ptype->fields[t->pos].id == t->field_id)
        return ptype->fields[t->pos].type;
    for (int i = 0; i < ptype->n_fields; i++)
        if (ptype->fields[i].id == t->field_id)
            return ptype->fields[i].type;
    return &t->type;
}

static int summary_view(view *w, const st_manifest_file *mf, const st_expr_term *t,
                        const st_type *ptype)
{
    const st_field_summary *fs = &mf->partitions[t->pos];
    const st_type *type = summary_type(t, ptype);
    int no_bounds, rc;

    memset(w, 0, sizeof(*w));
    if ((rc = decode_bound(&w->lower, &w->has_lower, type, fs->lower, fs->lower_len, "manifest",
                           mf->manifest_path, t)) < 0 ||
        (rc = decode_bound(&w->upper, &w->has_upper, type, fs->upper, fs->upper_len, "manifest",
                           mf->manifest_path, t)) < 0)
        return rc;
    no_bounds = !fs->lower && !fs->upper;
    w->nulls = fs->contains_null ? 1 : 0;
    w->nans = !expr_is_float(type->id) ? 0 : fs->contains_nan < 0 ? -1 : fs->contains_nan ? 1 : 0;
    /* the spec: bounds are null exactly when every value is null or NaN */
    w->no_ordered = no_bounds && (fs->contains_null || w->nans > 0);
    w->null_only = no_bounds && fs->contains_null && w->nans == 0;
    w->nan_only = no_bounds && !fs->contains_null && w->nans > 0;
    return 0;
}

typedef struct manifest_ctx {
    const st_manifest_file *mf;
    const st_type *ptype;
} manifest_ctx;

static int manifest_leaf(const st_expr *e, void *ctx)
{
    const manifest_ctx *c = ctx;
    const st_manifest_file *mf = c->mf;
    view w;
    int rc;
    if (e->term.pos < 0 || e->term.pos >= mf->n_partitions)
        return 1; /* no summary for the field: unknown */
    if ((rc = summary_view(&w, mf, &e->term, c->ptype)) < 0)
        return rc;
    return might(e, &w);
}

int st_expr_manifest_might_match(const st_expr *projected, const st_manifest_file *mf,
                                 const st_type *partition_type)
{
    if (projected->state != ST_EXPR_PROJECTED)
        return MERR(ST_EINVALID, "filter: only a projected filter can be evaluated on a manifest");
    if (!mf->partitions || mf->n_partitions == 0)
        return 1;
    manifest_ctx c = {mf, partition_type};
    return expr_walk(projected, manifest_leaf, &c);
}
