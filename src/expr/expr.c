/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Expression trees: building nodes in a tree's arena, copies, AND/OR folding,
 * the value comparison shared by the evaluators, and printing trees back as
 * filter text.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <supertable/errors.h>

#include "expr/expr_int.h"
#include "util/alloc.h"
#include "util/datetime.h"
#include "util/buf.h"

/* ------------------------------------------------------------ arenas and nodes */

st_arena *expr_arena_new(void)
{
    st_arena *a = st_malloc(sizeof(*a));
    if (!a)
        return NULL;
    a->head = NULL;
    a->block_size = EXPR_ARENA_BLOCK;
    return a;
}

void expr_arena_free(st_arena *a)
{
    if (!a)
        return;
    st_arena_dispose(a);
    st_free(a);
}

void st_expr_free(st_expr *e)
{
    if (e)
        expr_arena_free(e->arena_);
}

st_expr *expr_node(st_arena *a, st_expr_op op, st_expr_state state)
{
    st_expr *e = st_arena_calloc(a, 1, sizeof(*e));
    if (!e)
        return NULL;
    e->op = op;
    e->state = state;
    e->term.pos = -1;
    e->term.field_id = -1;
    return e;
}

st_expr *expr_const(st_arena *a, int value, st_expr_state state)
{
    return expr_node(a, value ? ST_EXPR_TRUE : ST_EXPR_FALSE, state);
}

int expr_finish(st_expr **out, st_expr *root, st_arena *a, int rc)
{
    *out = NULL;
    if (rc == 0 && !root)
        rc = ST_ENOMEM; /* the arena set the error */
    if (rc < 0) {
        expr_arena_free(a);
        return rc;
    }
    root->arena_ = a;
    *out = root;
    return 0;
}

int st_expr_is_predicate(const st_expr *e)
{
    return e->op >= ST_EXPR_LT;
}

/* ------------------------------------------------------------------ copies */

int expr_copy_value(st_arena *a, st_value *dst, const st_value *src)
{
    *dst = *src;
    if (src->is_null)
        return 0;
    switch (src->type) {
    case ST_TYPE_STRING:
    case ST_TYPE_BINARY:
    case ST_TYPE_FIXED:
    case ST_TYPE_UUID: {
        uint8_t *p = st_arena_alloc(a, src->v.bytes.len ? src->v.bytes.len : 1);
        if (!p)
            return ST_ENOMEM;
        if (src->v.bytes.len)
            memcpy(p, src->v.bytes.ptr, src->v.bytes.len);
        dst->v.bytes.ptr = p;
        return 0;
    }
    default: return 0;
    }
}

int expr_copy_term(st_arena *a, st_expr_term *dst, const st_expr_term *src)
{
    *dst = *src;
    dst->path = NULL;
    if (src->n_path == 0)
        return 0;
    if (!(dst->path = st_arena_alloc(a, sizeof(char *) * (size_t)src->n_path)))
        return ST_ENOMEM;
    for (int i = 0; i < src->n_path; i++)
        if (!(dst->path[i] = st_arena_strdup(a, src->path[i])))
            return ST_ENOMEM;
    return 0;
}

st_expr *expr_copy(st_arena *a, const st_expr *e)
{
    st_expr *c = st_arena_alloc(a, sizeof(*c));
    if (!c)
        return NULL;
    *c = *e;
    c->arena_ = NULL;
    c->args = NULL;
    c->ulits = NULL;
    c->lits = NULL;
    if (e->n_args) {
        if (!(c->args = st_arena_alloc(a, sizeof(st_expr *) * (size_t)e->n_args)))
            return NULL;
        for (int i = 0; i < e->n_args; i++)
            if (!(c->args[i] = expr_copy(a, e->args[i])))
                return NULL;
    }
    if (expr_copy_term(a, &c->term, &e->term) < 0)
        return NULL;
    if (e->ulits) {
        if (!(c->ulits = st_arena_alloc(a, sizeof(st_expr_lit) * (size_t)e->n_lits)))
            return NULL;
        for (int i = 0; i < e->n_lits; i++) {
            c->ulits[i].kind = e->ulits[i].kind;
            if (!(c->ulits[i].text = st_arena_strdup(a, e->ulits[i].text)))
                return NULL;
        }
    }
    if (e->lits) {
        if (!(c->lits = st_arena_alloc(a, sizeof(st_value) * (size_t)e->n_lits)))
            return NULL;
        for (int i = 0; i < e->n_lits; i++)
            if (expr_copy_value(a, &c->lits[i], &e->lits[i]) < 0)
                return NULL;
    }
    return c;
}

int st_expr_clone(st_expr **out, const st_expr *e)
{
    st_arena *a = expr_arena_new();
    if (!a) {
        *out = NULL;
        return ST_ENOMEM;
    }
    return expr_finish(out, expr_copy(a, e), a, 0);
}

st_expr *expr_junction(st_arena *a, st_expr_op op, st_expr_state state, st_expr **kids, int n)
{
    st_expr_op neutral = op == ST_EXPR_AND ? ST_EXPR_TRUE : ST_EXPR_FALSE;
    st_expr_op absorbing = op == ST_EXPR_AND ? ST_EXPR_FALSE : ST_EXPR_TRUE;
    st_expr *e, *last = NULL;
    int total = 0;

    for (int i = 0; i < n; i++) {
        if (kids[i]->op == neutral)
            continue;
        if (kids[i]->op == absorbing)
            return expr_const(a, absorbing == ST_EXPR_TRUE, state);
        total += kids[i]->op == op ? kids[i]->n_args : 1;
        last = kids[i];
    }
    if (total == 0)
        return expr_const(a, neutral == ST_EXPR_TRUE, state);
    if (total == 1)
        return last;
    if (!(e = expr_node(a, op, state)) ||
        !(e->args = st_arena_alloc(a, sizeof(st_expr *) * (size_t)total)))
        return NULL;
    for (int i = 0; i < n; i++) {
        if (kids[i]->op == neutral)
            continue;
        if (kids[i]->op == op) {
            for (int j = 0; j < kids[i]->n_args; j++)
                e->args[e->n_args++] = kids[i]->args[j];
        } else {
            e->args[e->n_args++] = kids[i];
        }
    }
    return e;
}

int st_expr_combine(st_expr **out, st_expr_op op, const st_expr *a, const st_expr *b)
{
    st_arena *ar;
    st_expr *kids[2], *root = NULL;

    *out = NULL;
    if ((op != ST_EXPR_AND && op != ST_EXPR_OR) || a->state != b->state)
        return st_error_set(ST_EINVALID, ST_ERROR_ICEBERG,
                            "filter: can only AND or OR two trees in the same state");
    if (!(ar = expr_arena_new()))
        return ST_ENOMEM;
    kids[0] = expr_copy(ar, a);
    kids[1] = kids[0] ? expr_copy(ar, b) : NULL;
    if (kids[1]) {
        if (a->state != ST_EXPR_UNBOUND) {
            root = expr_junction(ar, op, a->state, kids, 2);
        } else if ((root = expr_node(ar, op, ST_EXPR_UNBOUND)) &&
                   (root->args = st_arena_alloc(ar, sizeof(st_expr *) * 2))) {
            root->n_args = 2;
            root->args[0] = kids[0];
            root->args[1] = kids[1];
        } else {
            root = NULL;
        }
    }
    return expr_finish(out, root, ar, 0);
}

/* ------------------------------------------------------------- field ids */

static int collect_ids(st_buf *ids, const st_expr *e)
{
    int rc = 0;
    for (int i = 0; i < e->n_args && rc == 0; i++)
        rc = collect_ids(ids, e->args[i]);
    if (rc == 0 && st_expr_is_predicate(e))
        rc = st_buf_put(ids, &e->term.field_id, sizeof(int32_t));
    return rc;
}

static int cmp_i32(const void *a, const void *b)
{
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
    return (x > y) - (x < y);
}

int st_expr_field_ids(int32_t **out, int *n, const st_expr *e)
{
    st_buf ids = ST_BUF_INIT;
    int rc, count, k = 0;
    int32_t *v;

    *out = NULL;
    *n = 0;
    if (e->state == ST_EXPR_UNBOUND)
        return st_error_set(ST_EINVALID, ST_ERROR_ICEBERG, "filter: an unbound filter has no field ids");
    if ((rc = collect_ids(&ids, e)) < 0) {
        st_buf_dispose(&ids);
        return rc;
    }
    count = (int)(ids.len / sizeof(int32_t));
    if (count == 0) {
        st_buf_dispose(&ids);
        return 0;
    }
    v = (int32_t *)(void *)ids.ptr;
    qsort(v, (size_t)count, sizeof(int32_t), cmp_i32);
    for (int i = 0; i < count; i++)
        if (k == 0 || v[k - 1] != v[i])
            v[k++] = v[i];
    *out = (int32_t *)(void *)st_buf_detach(&ids);
    *n = k;
    return 0;
}

/* ----------------------------------------------------------- comparisons */

static int is_ts(st_type_id id)
{
    return id == ST_TYPE_TIMESTAMP || id == ST_TYPE_TIMESTAMPTZ || id == ST_TYPE_TIMESTAMP_NS ||
           id == ST_TYPE_TIMESTAMPTZ_NS;
}

static int is_intlike(st_type_id id)
{
    return id == ST_TYPE_INT || id == ST_TYPE_LONG || id == ST_TYPE_DATE || id == ST_TYPE_TIME ||
           is_ts(id);
}

static int64_t int_of(const st_value *v)
{
    return (v->type == ST_TYPE_INT || v->type == ST_TYPE_DATE) ? v->v.i32 : v->v.i64;
}

/* Nanoseconds since the epoch of a date or timestamp (wide enough for any date). */
static expr_i128 instant_ns(const st_value *v)
{
    switch (v->type) {
    case ST_TYPE_DATE: return (expr_i128)v->v.i32 * 86400 * 1000000000LL;
    case ST_TYPE_TIMESTAMP:
    case ST_TYPE_TIMESTAMPTZ: return (expr_i128)v->v.i64 * 1000;
    default: return v->v.i64;
    }
}

static expr_i128 dec_of(const st_value *v)
{
    return (expr_i128)(((expr_u128)(uint64_t)v->v.dec.hi << 64) | v->v.dec.lo);
}

static int sgn128(expr_i128 a, expr_i128 b)
{
    return (a > b) - (a < b);
}

int expr_value_cmp(const st_value *a, const st_value *b, int *unordered)
{
    *unordered = 0;
    if (is_intlike(a->type) && is_intlike(b->type)) {
        if (a->type != b->type && (is_ts(a->type) || is_ts(b->type))) {
            if (!(is_ts(a->type) || a->type == ST_TYPE_DATE) ||
                !(is_ts(b->type) || b->type == ST_TYPE_DATE))
                goto incompatible;
            return sgn128(instant_ns(a), instant_ns(b));
        }
        int64_t x = int_of(a), y = int_of(b);
        return (x > y) - (x < y);
    }
    if (expr_is_float(a->type) && expr_is_float(b->type)) {
        double x = a->type == ST_TYPE_FLOAT ? a->v.f32 : a->v.f64;
        double y = b->type == ST_TYPE_FLOAT ? b->v.f32 : b->v.f64;
        if (isnan(x) || isnan(y)) {
            *unordered = 1;
            return 0;
        }
        return (x > y) - (x < y);
    }
    if (a->type == ST_TYPE_DECIMAL && b->type == ST_TYPE_DECIMAL) {
        expr_i128 x = dec_of(a), y = dec_of(b);
        for (int s = a->scale; s < b->scale; s++)
            x *= 10;
        for (int s = b->scale; s < a->scale; s++)
            y *= 10;
        return sgn128(x, y);
    }
    if (a->type == ST_TYPE_BOOLEAN && b->type == ST_TYPE_BOOLEAN)
        return (!!a->v.b) - (!!b->v.b);
    if (a->type >= ST_TYPE_STRING && a->type <= ST_TYPE_BINARY && b->type >= ST_TYPE_STRING &&
        b->type <= ST_TYPE_BINARY) {
        return st_bytes_cmp(a->v.bytes.ptr, a->v.bytes.len, b->v.bytes.ptr, b->v.bytes.len);
    }
incompatible:
    *unordered = -1;
    return 0;
}

static int cmp_values(const void *pa, const void *pb)
{
    int un;
    return expr_value_cmp(pa, pb, &un);
}

int expr_sort_unique(st_value *v, int n)
{
    int k = 0, un;
    if (n <= 1)
        return n;
    qsort(v, (size_t)n, sizeof(*v), cmp_values);
    for (int i = 0; i < n; i++)
        if (k == 0 || expr_value_cmp(&v[k - 1], &v[i], &un) != 0)
            v[k++] = v[i];
    return k;
}

st_expr_op expr_negate_op(st_expr_op op)
{
    switch (op) {
    case ST_EXPR_TRUE: return ST_EXPR_FALSE;
    case ST_EXPR_FALSE: return ST_EXPR_TRUE;
    case ST_EXPR_LT: return ST_EXPR_GE;
    case ST_EXPR_LE: return ST_EXPR_GT;
    case ST_EXPR_GT: return ST_EXPR_LE;
    case ST_EXPR_GE: return ST_EXPR_LT;
    case ST_EXPR_EQ: return ST_EXPR_NE;
    case ST_EXPR_NE: return ST_EXPR_EQ;
    case ST_EXPR_IN: return ST_EXPR_NOT_IN;
    case ST_EXPR_NOT_IN: return ST_EXPR_IN;
    case ST_EXPR_IS_NULL: return ST_EXPR_NOT_NULL;
    case ST_EXPR_NOT_NULL: return ST_EXPR_IS_NULL;
    case ST_EXPR_IS_NAN: return ST_EXPR_NOT_NAN;
    case ST_EXPR_NOT_NAN: return ST_EXPR_IS_NAN;
    case ST_EXPR_STARTS_WITH: return ST_EXPR_NOT_STARTS_WITH;
    case ST_EXPR_NOT_STARTS_WITH: return ST_EXPR_STARTS_WITH;
    default: return op;
    }
}

/* ---------------------------------------------------------------- printing */

const char *expr_op_text(st_expr_op op)
{
    switch (op) {
    case ST_EXPR_LT: return "<";
    case ST_EXPR_LE: return "<=";
    case ST_EXPR_GT: return ">";
    case ST_EXPR_GE: return ">=";
    case ST_EXPR_EQ: return "=";
    case ST_EXPR_NE: return "!=";
    default: return NULL;
    }
}

/* Words the parser reads as keywords wherever a column may stand. */
static const char *const RESERVED[] = {"and", "or", "not", "in", "is", "null", "true", "false",
                                       "between", "like", "nan", "starts", "with"};

static int needs_quotes(const char *s)
{
    if (!(isalpha((unsigned char)s[0]) || s[0] == '_'))
        return 1;
    for (const char *p = s; *p; p++)
        if (!(isalnum((unsigned char)*p) || *p == '_'))
            return 1;
    for (size_t i = 0; i < sizeof(RESERVED) / sizeof(RESERVED[0]); i++)
        if (strcasecmp(s, RESERVED[i]) == 0)
            return 1;
    return 0;
}

static int put_quoted(st_buf *out, const char *s, size_t len, char q)
{
    int rc = st_buf_putc(out, q);
    for (size_t i = 0; i < len && rc == 0; i++) {
        if (s[i] == q)
            rc = st_buf_putc(out, q);
        if (rc == 0)
            rc = st_buf_putc(out, s[i]);
    }
    return rc ? rc : st_buf_putc(out, q);
}

int expr_format_path(st_buf *out, const char *const *path, int n)
{
    int rc = 0;
    for (int i = 0; i < n && rc == 0; i++) {
        if (i)
            rc = st_buf_putc(out, '.');
        if (rc == 0)
            rc = needs_quotes(path[i]) ? put_quoted(out, path[i], strlen(path[i]), '"')
                                       : st_buf_puts(out, path[i]);
    }
    return rc;
}

const char *expr_term_name(char *buf, size_t cap, const st_expr_term *t)
{
    size_t k = 0;
    buf[0] = 0;
    for (int i = 0; i < t->n_path; i++) {
        int w = snprintf(buf + k, cap - k, "%s%s", i ? "." : "", t->path[i]);
        if (w < 0 || (size_t)w >= cap - k)
            break;
        k += (size_t)w;
    }
    return buf;
}

static int format_uuid(st_buf *out, const uint8_t *b)
{
    return st_buf_printf(out,
                         "'%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x'",
                         b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11],
                         b[12], b[13], b[14], b[15]);
}

/* A float literal that the lexer reads as a number (or a quoted infinity). */
static int format_float(st_buf *out, double d, int digits)
{
    if (isinf(d))
        return st_buf_puts(out, d < 0 ? "'-Infinity'" : "'Infinity'");
    if (isnan(d))
        return st_buf_puts(out, "'NaN'");
    return st_buf_printf(out, "%.*g", digits, d);
}

int expr_format_value(st_buf *out, const st_value *v)
{
    char tmp[64];
    if (v->is_null)
        return st_buf_puts(out, "NULL");
    switch (v->type) {
    case ST_TYPE_BOOLEAN: return st_buf_puts(out, v->v.b ? "TRUE" : "FALSE");
    case ST_TYPE_INT: return st_buf_printf(out, "%d", (int)v->v.i32);
    case ST_TYPE_LONG: return st_buf_printf(out, "%lld", (long long)v->v.i64);
    case ST_TYPE_FLOAT: return format_float(out, v->v.f32, 9);
    case ST_TYPE_DOUBLE: return format_float(out, v->v.f64, 17);
    case ST_TYPE_DECIMAL:
        st_decimal_format(tmp, v->v.dec, v->scale);
        return st_buf_puts(out, tmp);
    case ST_TYPE_DATE:
        st_format_date(tmp, v->v.i32);
        return st_buf_printf(out, "'%s'", tmp);
    case ST_TYPE_TIME:
        st_format_time(tmp, v->v.i64);
        return st_buf_printf(out, "'%s'", tmp);
    case ST_TYPE_TIMESTAMP:
    case ST_TYPE_TIMESTAMPTZ:
    case ST_TYPE_TIMESTAMP_NS:
    case ST_TYPE_TIMESTAMPTZ_NS: {
        int ns = v->type == ST_TYPE_TIMESTAMP_NS || v->type == ST_TYPE_TIMESTAMPTZ_NS;
        int tz = v->type == ST_TYPE_TIMESTAMPTZ || v->type == ST_TYPE_TIMESTAMPTZ_NS;
        st_format_timestamp(tmp, v->v.i64, ns ? 9 : 6, tz);
        return st_buf_printf(out, "'%s'", tmp);
    }
    case ST_TYPE_UUID:
        if (v->v.bytes.len == 16)
            return format_uuid(out, v->v.bytes.ptr);
        /* fall through */
    default:
        return put_quoted(out, (const char *)v->v.bytes.ptr, v->v.bytes.len, '\'');
    }
}

static int format_ulit(st_buf *out, const st_expr_lit *l)
{
    switch (l->kind) {
    case ST_LIT_STRING: return put_quoted(out, l->text, strlen(l->text), '\'');
    case ST_LIT_BOOLEAN: return st_buf_puts(out, strcmp(l->text, "true") == 0 ? "TRUE" : "FALSE");
    case ST_LIT_NULL: return st_buf_puts(out, "NULL");
    default: return st_buf_puts(out, l->text);
    }
}

static int format_lit(st_buf *out, const st_expr *e, int i)
{
    return e->lits ? expr_format_value(out, &e->lits[i]) : format_ulit(out, &e->ulits[i]);
}

static int format_predicate(st_buf *out, const st_expr *e)
{
    const char *op = expr_op_text(e->op);
    int rc = expr_format_path(out, e->term.path, e->term.n_path);
    if (rc < 0)
        return rc;
    if (op) {
        if ((rc = st_buf_printf(out, " %s ", op)) == 0)
            rc = format_lit(out, e, 0);
        return rc;
    }
    switch (e->op) {
    case ST_EXPR_IN:
    case ST_EXPR_NOT_IN:
        rc = st_buf_puts(out, e->op == ST_EXPR_IN ? " IN (" : " NOT IN (");
        for (int i = 0; i < e->n_lits && rc == 0; i++) {
            if (i)
                rc = st_buf_puts(out, ", ");
            if (rc == 0)
                rc = format_lit(out, e, i);
        }
        return rc ? rc : st_buf_putc(out, ')');
    case ST_EXPR_IS_NULL: return st_buf_puts(out, " IS NULL");
    case ST_EXPR_NOT_NULL: return st_buf_puts(out, " IS NOT NULL");
    case ST_EXPR_IS_NAN: return st_buf_puts(out, " IS NAN");
    case ST_EXPR_NOT_NAN: return st_buf_puts(out, " IS NOT NAN");
    case ST_EXPR_STARTS_WITH:
    case ST_EXPR_NOT_STARTS_WITH:
        rc = st_buf_puts(out, e->op == ST_EXPR_STARTS_WITH ? " STARTS WITH " : " NOT STARTS WITH ");
        return rc ? rc : format_lit(out, e, 0);
    default: return 0;
    }
}

static int format_node(st_buf *out, const st_expr *e)
{
    int rc = 0;
    switch (e->op) {
    case ST_EXPR_TRUE: return st_buf_puts(out, "TRUE");
    case ST_EXPR_FALSE: return st_buf_puts(out, "FALSE");
    case ST_EXPR_AND:
    case ST_EXPR_OR:
        for (int i = 0; i < e->n_args && rc == 0; i++) {
            /* AND binds tighter than OR: only an OR inside an AND needs parentheses. */
            int paren = e->op == ST_EXPR_AND && e->args[i]->op == ST_EXPR_OR;
            if (i)
                rc = st_buf_puts(out, e->op == ST_EXPR_AND ? " AND " : " OR ");
            if (rc == 0 && paren)
                rc = st_buf_putc(out, '(');
            if (rc == 0)
                rc = format_node(out, e->args[i]);
            if (rc == 0 && paren)
                rc = st_buf_putc(out, ')');
        }
        return rc;
    case ST_EXPR_NOT: {
        int paren = e->args[0]->op == ST_EXPR_AND || e->args[0]->op == ST_EXPR_OR;
        rc = st_buf_puts(out, paren ? "NOT (" : "NOT ");
        if (rc == 0)
            rc = format_node(out, e->args[0]);
        if (rc == 0 && paren)
            rc = st_buf_putc(out, ')');
        return rc;
    }
    default: return format_predicate(out, e);
    }
}

int st_expr_to_string(st_buf *out, const st_expr *e)
{
    return format_node(out, e);
}

int expr_walk(const st_expr *e, expr_leaf_fn leaf, void *ctx)
{
    int r;
    switch (e->op) {
    case ST_EXPR_TRUE: return 1;
    case ST_EXPR_FALSE: return 0;
    case ST_EXPR_AND:
    case ST_EXPR_OR:
        for (int k = 0; k < e->n_args; k++) {
            if ((r = expr_walk(e->args[k], leaf, ctx)) < 0)
                return r;
            if (r == (e->op == ST_EXPR_OR))
                return r;
        }
        return e->op == ST_EXPR_AND;
    case ST_EXPR_NOT:
        return st_error_set(ST_EINVALID, ST_ERROR_ICEBERG,
                            "filter: NOT left in a bound or projected filter");
    default: return leaf(e, ctx);
    }
}
