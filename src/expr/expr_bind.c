/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Binding: columns resolved against a schema, literals converted to the
 * column's type, NOT pushed into the predicates, constants folded.
 *
 * NOT is removed exactly under three-valued logic: NOT (a AND b) is
 * NOT a OR NOT b, and NOT of a predicate is its complement predicate, which
 * is unknown for nulls just as the original. Only NaN needs care: x < 5 is
 * false for NaN, so NOT (x < 5) is true there while x >= 5 is not; on float
 * columns the complement of an ordered comparison is `x >= 5 OR x IS NAN`.
 * Folding happens after negation, so a folded FALSE always means "never
 * true" and TRUE "true for every row" (nulls included).
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <supertable/errors.h>

#include "expr/expr_int.h"
#include "util/alloc.h"
#include "util/datetime.h"

typedef struct binder {
    st_arena *a;
    const st_type *schema;
    int case_sensitive;
} binder;

#define BERR(code, ...) st_error_set((code), ST_ERROR_ICEBERG, __VA_ARGS__)

/* ------------------------------------------------------------- resolving */

static int names_match(const binder *b, const char *field, const char *want, size_t len)
{
    if (strlen(field) != len)
        return 0;
    return b->case_sensitive ? strncmp(field, want, len) == 0 : strncasecmp(field, want, len) == 0;
}

/* The field of struct `st` named `want` (len bytes); NULL if none. An
 * ambiguous case-insensitive match is an error (*rc). */
static const st_field *find_field(const binder *b, const st_type *st, const char *want, size_t len,
                                  int *rc)
{
    const st_field *hit = NULL, *exact = NULL;
    int hits = 0;
    for (int i = 0; i < st->n_fields; i++) {
        const st_field *f = &st->fields[i];
        if (!names_match(b, f->name, want, len))
            continue;
        hits++;
        hit = f;
        if (strlen(f->name) == len && strncmp(f->name, want, len) == 0)
            exact = f;
    }
    if (hits > 1 && !exact) {
        *rc = BERR(ST_EINVALID, "filter: column name '%.*s' is ambiguous (it matches %d columns "
                   "when case is ignored)", (int)len, want, hits);
        return NULL;
    }
    return exact ? exact : hit;
}

static const char *nested_kind(const st_type *t)
{
    return t->id == ST_TYPE_LIST ? "a list" : t->id == ST_TYPE_MAP ? "a map" : "a struct";
}

static int resolve(const binder *b, const st_expr_term *u, st_expr_term *t)
{
    const st_type *cur = b->schema;
    const st_field *f = NULL;
    st_buf want = ST_BUF_INIT, full = ST_BUF_INIT;
    int i = 0, n = 0, nullable = 0, rc = 0;

    memset(t, 0, sizeof(*t));
    t->pos = -1;
    if ((rc = expr_format_path(&full, u->path, u->n_path)) < 0)
        goto done;
    if (!(t->path = st_arena_alloc(b->a, sizeof(char *) * (size_t)u->n_path))) {
        rc = ST_ENOMEM;
        goto done;
    }
    while (i < u->n_path) {
        int k;
        if (!st_type_is_nested(cur)) {
            rc = BERR(ST_ENOTFOUND, "filter: column '%s' does not exist ('%s' is %s)",
                      st_buf_cstr(&full), f->name, st_type_id_name(cur->id));
            goto done;
        }
        if (cur->id != ST_TYPE_STRUCT) {
            rc = BERR(ST_EINVALID, "filter: column '%s': '%s' is %s; only fields of structs can "
                      "be filtered", st_buf_cstr(&full), f ? f->name : "?", nested_kind(cur));
            goto done;
        }
        /* One component, or several joined by dots for a name that has dots in it. */
        f = NULL;
        for (k = 1; i + k <= u->n_path; k++) {
            st_buf_clear(&want);
            for (int j = i; j < i + k && rc == 0; j++) {
                if (j > i)
                    rc = st_buf_putc(&want, '.');
                if (rc == 0)
                    rc = st_buf_puts(&want, u->path[j]);
            }
            if (rc == 0)
                f = find_field(b, cur, st_buf_cstr(&want), want.len, &rc);
            if (rc < 0)
                goto done;
            if (f)
                break;
        }
        if (!f) {
            rc = BERR(ST_ENOTFOUND, "filter: column '%s' does not exist", st_buf_cstr(&full));
            goto done;
        }
        if (!(t->path[n++] = st_arena_strdup(b->a, f->name))) {
            rc = ST_ENOMEM;
            goto done;
        }
        nullable |= !f->required;
        cur = f->type;
        i += k;
    }
    if (st_type_is_nested(cur)) {
        rc = BERR(ST_EINVALID, "filter: column '%s' is %s; only primitive columns can be compared",
                  st_buf_cstr(&full), nested_kind(cur));
        goto done;
    }
    if (f->id == ST_FIELD_ID_NONE) {
        rc = BERR(ST_EINVALID, "filter: column '%s' has no field id", st_buf_cstr(&full));
        goto done;
    }
    t->n_path = n;
    t->field_id = f->id;
    t->type = *cur;
    t->type.refs_ = 0; /* a private copy: reference counting must leave it alone */
    t->type.fields = NULL;
    t->type.n_fields = 0;
    t->nullable = nullable;
done:
    st_buf_dispose(&want);
    st_buf_dispose(&full);
    return rc;
}

/* ---------------------------------------------------------------- numbers */

typedef struct number {
    int neg;
    const char *mant;      /* first mantissa character (digit or '.') */
    int64_t n_int, n_frac; /* digits before and after the point */
    int64_t exp;           /* clamped to +-1e6 */
} number;

/* [+-] digits [. digits] [e [+-] digits], at least one mantissa digit; 0 or -1. */
static int scan_number(const char *s, number *n)
{
    const char *p = s;
    memset(n, 0, sizeof(*n));
    if (*p == '+' || *p == '-')
        n->neg = *p++ == '-';
    n->mant = p;
    while (isdigit((unsigned char)*p))
        p++, n->n_int++;
    if (*p == '.') {
        p++;
        while (isdigit((unsigned char)*p))
            p++, n->n_frac++;
    }
    if (n->n_int + n->n_frac == 0)
        return -1;
    if (*p == 'e' || *p == 'E') {
        int eneg = 0;
        p++;
        if (*p == '+' || *p == '-')
            eneg = *p++ == '-';
        if (!isdigit((unsigned char)*p))
            return -1;
        while (isdigit((unsigned char)*p)) {
            if (n->exp < 1000000)
                n->exp = n->exp * 10 + (*p - '0');
            p++;
        }
        if (eneg)
            n->exp = -n->exp;
    }
    return *p == 0 ? 0 : -1;
}

/* Mantissa digit k (0-based over integer then fraction digits). */
static int digit_at(const number *n, int64_t k)
{
    return n->mant[k < n->n_int ? k : k + 1] - '0';
}

enum { NUM_OK, NUM_ABOVE, NUM_BELOW, NUM_FRACTION };

/* An exact integer: NUM_OK with *out, or out of int64's range, or not whole. */
static int number_to_i64(const number *n, int64_t *out)
{
    int64_t total = n->n_int + n->n_frac, first, last, w_first, w_last;
    uint64_t u = 0;

    *out = 0;
    for (first = 0; first < total && digit_at(n, first) == 0; first++)
        ;
    if (first == total)
        return NUM_OK;
    for (last = total - 1; digit_at(n, last) == 0; last--)
        ;
    w_first = n->n_int - 1 - first + n->exp; /* power of ten of the first digit */
    w_last = n->n_int - 1 - last + n->exp;
    if (w_last < 0)
        return NUM_FRACTION;
    if (w_first >= 19)
        return n->neg ? NUM_BELOW : NUM_ABOVE;
    for (int64_t k = first; k <= last; k++)
        u = u * 10 + (uint64_t)digit_at(n, k);
    for (int64_t k = 0; k < w_last; k++)
        if (__builtin_mul_overflow(u, 10, &u))
            return n->neg ? NUM_BELOW : NUM_ABOVE;
    if (!n->neg) {
        if (u > (uint64_t)INT64_MAX)
            return NUM_ABOVE;
        *out = (int64_t)u;
    } else {
        if (u > (uint64_t)INT64_MAX + 1)
            return NUM_BELOW;
        *out = (int64_t)(0 - u);
    }
    return NUM_OK;
}

/* ------------------------------------------------------------- literals */

typedef struct conv {
    const binder *b;
    const st_expr_term *t;
    const st_expr_lit *lit;
    char col[256];          /* the column's name for messages */
} conv;

static int lit_error(const conv *c, const char *expect)
{
    const char *q = c->lit->kind == ST_LIT_STRING ? "'" : "";
    return BERR(ST_EINVALID, "filter: column '%s' is %s: expected %s, not %s%.64s%s", c->col,
                st_type_id_name(c->t->type.id), expect, q, c->lit->text, q);
}

static int conv_int(const conv *c, st_value *v, int *range)
{
    number n;
    int64_t x;
    int k;
    if ((c->lit->kind != ST_LIT_NUMBER && c->lit->kind != ST_LIT_STRING) ||
        scan_number(c->lit->text, &n) < 0)
        return lit_error(c, "a number");
    k = number_to_i64(&n, &x);
    if (k == NUM_FRACTION)
        return BERR(ST_EINVALID, "filter: %.64s is not an integer (column '%s' is %s)",
                    c->lit->text, c->col, st_type_id_name(c->t->type.id));
    if (k == NUM_OK && c->t->type.id == ST_TYPE_INT && (x > INT32_MAX || x < INT32_MIN))
        k = x > 0 ? NUM_ABOVE : NUM_BELOW;
    *range = k;
    if (c->t->type.id == ST_TYPE_INT)
        v->v.i32 = (int32_t)x;
    else
        v->v.i64 = x;
    return 0;
}

static int conv_float(const conv *c, st_value *v)
{
    const char *s = c->lit->text;
    char *end;
    double d;
    number n;
    if (c->lit->kind != ST_LIT_NUMBER && c->lit->kind != ST_LIT_STRING)
        return lit_error(c, "a number");
    if (c->lit->kind == ST_LIT_NUMBER || scan_number(s, &n) == 0) {
        errno = 0;
        d = strtod(s, &end);
        if (errno == ERANGE && isinf(d))
            return BERR(ST_EINVALID, "filter: %.64s does not fit %s (column '%s')", s,
                        st_type_id_name(c->t->type.id), c->col);
    } else {
        /* Quoted infinities, as Iceberg's JSON writes them; NaN is refused. */
        const char *p = s + (*s == '-' || *s == '+');
        if (strcasecmp(p, "nan") == 0)
            return BERR(ST_EINVALID, "filter: comparisons with NaN are never true; use IS NAN "
                        "(column '%s')", c->col);
        if (strcasecmp(p, "infinity") != 0 && strcasecmp(p, "inf") != 0)
            return lit_error(c, "a number");
        d = *s == '-' ? -INFINITY : INFINITY;
    }
    if (c->t->type.id == ST_TYPE_FLOAT) {
        float f = (float)d;
        if (isinf(f) && !isinf(d))
            return BERR(ST_EINVALID, "filter: %.64s does not fit float (column '%s')", s, c->col);
        v->v.f32 = f;
    } else {
        v->v.f64 = d;
    }
    return 0;
}

static int conv_decimal(const conv *c, st_value *v)
{
    const char *s = c->lit->text;
    number n;
    if ((c->lit->kind != ST_LIT_NUMBER && c->lit->kind != ST_LIT_STRING) || scan_number(s, &n) < 0)
        return lit_error(c, "a number");
    if (st_decimal_parse(&v->v.dec, s, strlen(s), c->t->type.precision, c->t->type.scale) < 0)
        return BERR(ST_EINVALID, "filter: %.64s does not fit decimal(%d,%d) (column '%s')", s,
                    c->t->type.precision, c->t->type.scale, c->col);
    v->scale = c->t->type.scale;
    return 0;
}

static int hexval(int ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    ch = tolower(ch);
    return ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 : -1;
}

static int conv_uuid(const conv *c, st_value *v)
{
    const char *s = c->lit->text;
    size_t len = strlen(s), k = 0;
    uint8_t *out;
    int dashes = len == 36;
    if (c->lit->kind != ST_LIT_STRING || (len != 36 && len != 32))
        return lit_error(c, "a uuid string such as 'f79c3e09-677c-4bbd-a479-3f349cb785e7'");
    if (!(out = st_arena_alloc(c->b->a, 16)))
        return ST_ENOMEM;
    for (size_t i = 0; i < len; i++) {
        int hi, lo;
        if (dashes && (i == 8 || i == 13 || i == 18 || i == 23)) {
            if (s[i] != '-')
                return lit_error(c, "a uuid string such as 'f79c3e09-677c-4bbd-a479-3f349cb785e7'");
            continue;
        }
        if ((hi = hexval((unsigned char)s[i])) < 0 || i + 1 >= len ||
            (lo = hexval((unsigned char)s[i + 1])) < 0)
            return lit_error(c, "a uuid string such as 'f79c3e09-677c-4bbd-a479-3f349cb785e7'");
        out[k++] = (uint8_t)(hi << 4 | lo);
        i++;
    }
    v->v.bytes.ptr = out;
    v->v.bytes.len = 16;
    return 0;
}

static int conv_time(const conv *c, st_value *v)
{
    const char *s = c->lit->text;
    size_t len = strlen(s);
    st_type_id id = c->t->type.id;
    int zone = 0;
    if (c->lit->kind != ST_LIT_STRING) {
        const char *ex = id == ST_TYPE_DATE   ? "a 'YYYY-MM-DD' string"
                         : id == ST_TYPE_TIME ? "an 'HH:MM:SS' string"
                                              : "a 'YYYY-MM-DD[THH:MM:SS[.ffffff]][zone]' string";
        return lit_error(c, ex);
    }
    switch (id) {
    case ST_TYPE_DATE:
        if (st_parse_date(s, len, &v->v.i32) < 0)
            return BERR(ST_EINVALID, "filter: '%.64s' is not a valid date (column '%s')", s, c->col);
        return 0;
    case ST_TYPE_TIME:
        if (st_parse_time(s, len, &v->v.i64) < 0)
            return BERR(ST_EINVALID, "filter: '%.64s' is not a valid time (column '%s')", s, c->col);
        return 0;
    default: {
        int ns = id == ST_TYPE_TIMESTAMP_NS || id == ST_TYPE_TIMESTAMPTZ_NS;
        int tz = id == ST_TYPE_TIMESTAMPTZ || id == ST_TYPE_TIMESTAMPTZ_NS;
        if (st_parse_timestamp(s, len, ns ? 9 : 6, &v->v.i64, &zone) < 0)
            return BERR(ST_EINVALID, "filter: '%.64s' is not a valid timestamp (column '%s')", s,
                        c->col);
        if (zone && !tz)
            return BERR(ST_EINVALID, "filter: '%.64s' has a time zone but column '%s' is a "
                        "timestamp without time zone", s, c->col);
        return 0;
    }
    }
}

static int conv_bytes(const conv *c, st_value *v)
{
    size_t len = strlen(c->lit->text);
    if (c->lit->kind != ST_LIT_STRING)
        return lit_error(c, "a 'quoted' string");
    if (c->t->type.id == ST_TYPE_FIXED && len != (size_t)c->t->type.length)
        return BERR(ST_EINVALID, "filter: '%.64s' is %zu bytes but column '%s' is fixed[%d]",
                    c->lit->text, len, c->col, c->t->type.length);
    if (!(v->v.bytes.ptr = (const uint8_t *)st_arena_strdup(c->b->a, c->lit->text)))
        return ST_ENOMEM;
    v->v.bytes.len = len;
    return 0;
}

/* Converts one literal to the term's type. *range: NUM_OK, or NUM_ABOVE /
 * NUM_BELOW for an integer outside an int/long column's range. */
static int convert(const binder *b, const st_expr_term *t, const st_expr_lit *lit, st_value *v,
                   int *range)
{
    conv c = {b, t, lit, {0}};
    expr_term_name(c.col, sizeof(c.col), t);
    memset(v, 0, sizeof(*v));
    v->type = t->type.id;
    *range = NUM_OK;
    if (lit->kind == ST_LIT_NULL)
        return BERR(ST_EINVALID, "filter: a comparison with NULL is never true; use IS NULL "
                    "(column '%s')", c.col);
    switch (t->type.id) {
    case ST_TYPE_BOOLEAN:
        if (lit->kind == ST_LIT_BOOLEAN ||
            (lit->kind == ST_LIT_STRING &&
             (strcasecmp(lit->text, "true") == 0 || strcasecmp(lit->text, "false") == 0))) {
            v->v.b = strcasecmp(lit->text, "true") == 0;
            return 0;
        }
        return lit_error(&c, "TRUE or FALSE");
    case ST_TYPE_INT:
    case ST_TYPE_LONG: return conv_int(&c, v, range);
    case ST_TYPE_FLOAT:
    case ST_TYPE_DOUBLE: return conv_float(&c, v);
    case ST_TYPE_DECIMAL: return conv_decimal(&c, v);
    case ST_TYPE_DATE:
    case ST_TYPE_TIME:
    case ST_TYPE_TIMESTAMP:
    case ST_TYPE_TIMESTAMPTZ:
    case ST_TYPE_TIMESTAMP_NS:
    case ST_TYPE_TIMESTAMPTZ_NS: return conv_time(&c, v);
    case ST_TYPE_UUID: return conv_uuid(&c, v);
    case ST_TYPE_STRING:
        if (lit->kind != ST_LIT_STRING)
            return lit_error(&c, "a 'quoted' string");
        return conv_bytes(&c, v);
    case ST_TYPE_FIXED:
    case ST_TYPE_BINARY: return conv_bytes(&c, v);
    default:
        return BERR(ST_EINVALID, "filter: column '%s' of type %s cannot be compared", c.col,
                    st_type_id_name(t->type.id));
    }
}

/* ------------------------------------------------------------ predicates */

static st_expr *make_leaf(const binder *b, st_expr_op op, const st_expr_term *t, st_value *lits,
                          int n)
{
    st_expr *e;
    if (op == ST_EXPR_IS_NULL && !t->nullable)
        return expr_const(b->a, 0, ST_EXPR_BOUND);
    if (op == ST_EXPR_NOT_NULL && !t->nullable)
        return expr_const(b->a, 1, ST_EXPR_BOUND);
    if (!(e = expr_node(b->a, op, ST_EXPR_BOUND)))
        return NULL;
    e->term = *t;
    if (n) {
        if (!(e->lits = st_arena_alloc(b->a, sizeof(st_value) * (size_t)n)))
            return NULL;
        memcpy(e->lits, lits, sizeof(st_value) * (size_t)n);
        e->n_lits = n;
    }
    return e;
}

/* A single-literal comparison with an integer beyond the column's range. */
static st_expr_op fold_out_of_range(st_expr_op op, int range)
{
    int above = range == NUM_ABOVE;
    switch (op) {
    case ST_EXPR_LT:
    case ST_EXPR_LE: return above ? ST_EXPR_NOT_NULL : ST_EXPR_FALSE;
    case ST_EXPR_GT:
    case ST_EXPR_GE: return above ? ST_EXPR_FALSE : ST_EXPR_NOT_NULL;
    case ST_EXPR_NE: return ST_EXPR_NOT_NULL;
    default: return ST_EXPR_FALSE;
    }
}

static int bind_set(const binder *b, const st_expr *u, st_expr_op op, const st_expr_term *t,
                    st_expr **out)
{
    st_value *vals;
    int n = 0, rc, range;

    if (!(vals = st_arena_alloc(b->a, sizeof(st_value) * (size_t)u->n_lits)))
        return ST_ENOMEM;
    for (int i = 0; i < u->n_lits; i++) {
        if ((rc = convert(b, t, &u->ulits[i], &vals[n], &range)) < 0)
            return rc;
        if (range == NUM_OK) /* a value out of the column's range can never be equal */
            n++;
    }
    n = expr_sort_unique(vals, n);
    if (t->type.id == ST_TYPE_BOOLEAN && n == 2) /* both truth values: anything non-null */
        op = op == ST_EXPR_IN ? ST_EXPR_NOT_NULL : ST_EXPR_FALSE, n = 0;
    if (n == 0 && op == ST_EXPR_IN)
        op = ST_EXPR_FALSE;
    else if (n == 0 && op == ST_EXPR_NOT_IN)
        op = ST_EXPR_NOT_NULL;
    else if (n == 1)
        op = op == ST_EXPR_IN ? ST_EXPR_EQ : ST_EXPR_NE;
    if (op == ST_EXPR_FALSE)
        *out = expr_const(b->a, 0, ST_EXPR_BOUND);
    else
        *out = make_leaf(b, op, t, vals, op == ST_EXPR_NOT_NULL ? 0 : n);
    return *out ? 0 : ST_ENOMEM;
}

static int bind_leaf(const binder *b, const st_expr *u, st_expr_op op, const st_expr_term *t,
                     st_expr **out)
{
    char col[256];
    st_value v;
    int rc, range;

    expr_term_name(col, sizeof(col), t);
    switch (op) {
    case ST_EXPR_IS_NULL:
    case ST_EXPR_NOT_NULL: break;
    case ST_EXPR_IS_NAN:
    case ST_EXPR_NOT_NAN:
        if (!expr_is_float(t->type.id))
            return BERR(ST_EINVALID, "filter: IS NAN needs a float or double column; '%s' is %s",
                        col, st_type_id_name(t->type.id));
        break;
    case ST_EXPR_STARTS_WITH:
    case ST_EXPR_NOT_STARTS_WITH:
        if (t->type.id != ST_TYPE_STRING)
            return BERR(ST_EINVALID, "filter: STARTS WITH and LIKE need a string column; '%s' is %s",
                        col, st_type_id_name(t->type.id));
        if (u->n_lits != 1)
            return BERR(ST_EINVALID, "filter: STARTS WITH takes one string");
        if ((rc = convert(b, t, &u->ulits[0], &v, &range)) < 0)
            return rc;
        if (v.v.bytes.len == 0) /* every string starts with '' */
            op = op == ST_EXPR_STARTS_WITH ? ST_EXPR_NOT_NULL : ST_EXPR_FALSE;
        *out = op == ST_EXPR_FALSE ? expr_const(b->a, 0, ST_EXPR_BOUND)
                                   : make_leaf(b, op, t, &v, op == ST_EXPR_NOT_NULL ? 0 : 1);
        return *out ? 0 : ST_ENOMEM;
    case ST_EXPR_IN:
    case ST_EXPR_NOT_IN: return bind_set(b, u, op, t, out);
    default:
        if (u->n_lits != 1)
            return BERR(ST_EINVALID, "filter: a comparison takes one literal");
        if ((rc = convert(b, t, &u->ulits[0], &v, &range)) < 0)
            return rc;
        if (range != NUM_OK) {
            op = fold_out_of_range(op, range);
            *out = op == ST_EXPR_FALSE ? expr_const(b->a, 0, ST_EXPR_BOUND)
                                       : make_leaf(b, op, t, NULL, 0);
            return *out ? 0 : ST_ENOMEM;
        }
        if (t->type.id == ST_TYPE_BOOLEAN && op == ST_EXPR_NE) {
            op = ST_EXPR_EQ; /* x != TRUE is x = FALSE: the same for nulls (unknown) */
            v.v.b = !v.v.b;
        }
        *out = make_leaf(b, op, t, &v, 1);
        return *out ? 0 : ST_ENOMEM;
    }
    *out = make_leaf(b, op, t, NULL, 0);
    return *out ? 0 : ST_ENOMEM;
}

static int is_ordered_op(st_expr_op op)
{
    return op == ST_EXPR_LT || op == ST_EXPR_LE || op == ST_EXPR_GT || op == ST_EXPR_GE;
}

static int bind_predicate(const binder *b, const st_expr *u, int neg, st_expr **out)
{
    st_expr_term t;
    st_expr *kids[2];
    int rc;

    if ((rc = resolve(b, &u->term, &t)) < 0 ||
        (rc = bind_leaf(b, u, neg ? expr_negate_op(u->op) : u->op, &t, &kids[0])) < 0)
        return rc;
    if (neg && expr_is_float(t.type.id) && is_ordered_op(u->op)) {
        /* NOT (x < 5) holds for NaN, x >= 5 does not */
        if (!(kids[1] = make_leaf(b, ST_EXPR_IS_NAN, &t, NULL, 0)) ||
            !(kids[0] = expr_junction(b->a, ST_EXPR_OR, ST_EXPR_BOUND, kids, 2)))
            return ST_ENOMEM;
    }
    *out = kids[0];
    return 0;
}

static int bind_node(const binder *b, const st_expr *u, int neg, st_expr **out)
{
    switch (u->op) {
    case ST_EXPR_TRUE:
    case ST_EXPR_FALSE:
        *out = expr_const(b->a, (u->op == ST_EXPR_TRUE) != neg, ST_EXPR_BOUND);
        return *out ? 0 : ST_ENOMEM;
    case ST_EXPR_NOT: return bind_node(b, u->args[0], !neg, out);
    case ST_EXPR_AND:
    case ST_EXPR_OR: {
        st_expr_op op = u->op;
        st_expr **kids;
        int rc;
        if (neg) /* De Morgan */
            op = op == ST_EXPR_AND ? ST_EXPR_OR : ST_EXPR_AND;
        if (!(kids = st_arena_alloc(b->a, sizeof(st_expr *) * (size_t)u->n_args)))
            return ST_ENOMEM;
        for (int i = 0; i < u->n_args; i++)
            if ((rc = bind_node(b, u->args[i], neg, &kids[i])) < 0)
                return rc;
        *out = expr_junction(b->a, op, ST_EXPR_BOUND, kids, u->n_args);
        return *out ? 0 : ST_ENOMEM;
    }
    default: return bind_predicate(b, u, neg, out);
    }
}

int st_expr_bind(st_expr **out, const st_expr *unbound, const st_type *schema, int case_sensitive)
{
    binder b;
    st_expr *root = NULL;
    int rc;

    *out = NULL;
    if (unbound->state != ST_EXPR_UNBOUND)
        return BERR(ST_EINVALID, "filter: only an unbound filter can be bound");
    if (!schema || schema->id != ST_TYPE_STRUCT)
        return BERR(ST_EINVALID, "filter: binding needs a struct schema");
    if (!(b.a = expr_arena_new()))
        return ST_ENOMEM;
    b.schema = schema;
    b.case_sensitive = case_sensitive;
    rc = bind_node(&b, unbound, 0, &root);
    return expr_finish(out, root, b.a, rc);
}
