/* SPDX-License-Identifier: Apache-2.0 */
/* Random rows and filters for the expression tests; see gen.h. */
#include "gen.h"

#include <math.h>
#include <string.h>

#include "st_test.h"
#include "expr/expr.h"
#include "util/datetime.h"

const gen_col GEN_COLS[GEN_NCOLS] = {
    {"i", GEN_INT, 0, -1, ST_TYPE_INT, 1},          {"l", GEN_INT, 1, -1, ST_TYPE_LONG, 2},
    {"d", GEN_FLOAT, 2, -1, ST_TYPE_DOUBLE, 3},     {"f", GEN_FLOAT, 3, -1, ST_TYPE_FLOAT, 4},
    {"s", GEN_STR, 4, -1, ST_TYPE_STRING, 5},       {"dt", GEN_INT, 5, -1, ST_TYPE_DATE, 6},
    {"ts", GEN_INT, 6, -1, ST_TYPE_TIMESTAMP, 7},   {"dec", GEN_INT, 7, -1, ST_TYPE_DECIMAL, 8},
    {"b", GEN_BOOL, 8, -1, ST_TYPE_BOOLEAN, 9},     {"st.x", GEN_INT, 9, 0, ST_TYPE_INT, 12},
    {"st.y", GEN_STR, 9, 1, ST_TYPE_STRING, 13},    {"r", GEN_INT, 10, -1, ST_TYPE_INT, 11},
};

static const char *const STRS[] = {"", "a", "ab", "abc", "b", "ba", "caf\xc3\xa9", "\xc3\xa9"};
#define NSTRS 8

static uint64_t rng_state;

void gen_seed(uint64_t seed)
{
    rng_state = seed;
}

static uint32_t rnd(void)
{
    rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (uint32_t)(rng_state >> 33);
}

int gen_pick(int n)
{
    return (int)(rnd() % (uint32_t)n);
}

/* A random value of a column's domain: small, so equalities hit. */
static gen_val random_value(const gen_col *c, int allow_null)
{
    gen_val v = {0, 0, 0, NULL};
    if (allow_null && gen_pick(7) == 0) {
        v.null = 1;
        return v;
    }
    switch (c->kind) {
    case GEN_INT:
        v.i = gen_pick(9) - 4;
        if (c->type == ST_TYPE_DATE)
            v.i += 19783; /* around 2024-03-01 */
        else if (c->type == ST_TYPE_TIMESTAMP)
            v.i = (19783 + v.i) * 86400000000LL + (int64_t)gen_pick(3) * 3600000000LL;
        else if (c->type == ST_TYPE_DECIMAL)
            v.i *= 50;
        break;
    case GEN_FLOAT: {
        int k = gen_pick(12);
        v.f = k == 0 ? NAN : k == 1 ? -0.0 : (gen_pick(9) - 4) / 2.0;
        break;
    }
    case GEN_STR: v.s = STRS[gen_pick(NSTRS)]; break;
    default: v.i = gen_pick(2); break;
    }
    return v;
}

static void append(st_vector *v, const gen_col *c, gen_val x)
{
    if (x.null) {
        st_pass(st_vector_append_null(v));
        return;
    }
    switch (c->type) {
    case ST_TYPE_INT:
    case ST_TYPE_DATE: st_pass(st_vector_append_i32(v, (int32_t)x.i)); break;
    case ST_TYPE_LONG:
    case ST_TYPE_TIMESTAMP: st_pass(st_vector_append_i64(v, x.i)); break;
    case ST_TYPE_DOUBLE: st_pass(st_vector_append_f64(v, x.f)); break;
    case ST_TYPE_FLOAT: st_pass(st_vector_append_f32(v, (float)x.f)); break;
    case ST_TYPE_STRING: st_pass(st_vector_append_bytes(v, x.s, strlen(x.s))); break;
    case ST_TYPE_BOOLEAN: st_pass(st_vector_append_bool(v, (int)x.i)); break;
    default: {
        st_decimal128 d = {(uint64_t)x.i, x.i < 0 ? -1 : 0};
        st_pass(st_vector_append_decimal(v, d));
    }
    }
}

st_batch *gen_batch(st_type *schema, int n, gen_val *rows)
{
    st_batch *b;
    st_pass(st_batch_new(&b, schema, n));
    for (int r = 0; r < n; r++) {
        int struct_null = gen_pick(6) == 0;
        for (int k = 0; k < GEN_NCOLS; k++) {
            const gen_col *c = &GEN_COLS[k];
            gen_val x = random_value(c, strcmp(c->name, "r") != 0);
            st_vector *v = b->columns[c->top];
            if (c->child >= 0)
                v = v->children[c->child];
            append(v, c, x);
            if (c->child >= 0 && struct_null)
                x.null = 1; /* what the row holds: the parent is null */
            rows[r * GEN_NCOLS + k] = x;
        }
        /* the struct row is null over children that hold values */
        st_pass(st_vector_append_nested(b->columns[9]));
        if (struct_null) {
            st_vector *sv = b->columns[9];
            st_pass(st_vector_ensure_validity(sv));
            sv->validity[r >> 3] &= (uint8_t) ~(1u << (r & 7));
            sv->null_count++;
        }
    }
    st_pass(st_batch_seal(b));
    return b;
}

static void format_lit(st_buf *out, const gen_col *c, gen_val v)
{
    char tmp[64];
    switch (c->type) {
    case ST_TYPE_DATE:
        st_format_date(tmp, (int32_t)v.i);
        st_pass(st_buf_printf(out, "'%s'", tmp));
        break;
    case ST_TYPE_TIMESTAMP:
        st_format_timestamp(tmp, v.i, 6, 0);
        st_pass(st_buf_printf(out, "'%s'", tmp));
        break;
    case ST_TYPE_DECIMAL: {
        st_decimal128 d = {(uint64_t)v.i, v.i < 0 ? -1 : 0};
        st_decimal_format(tmp, d, 2);
        st_pass(st_buf_puts(out, tmp));
        break;
    }
    case ST_TYPE_BOOLEAN: st_pass(st_buf_puts(out, v.i ? "TRUE" : "FALSE")); break;
    default:
        if (c->kind == GEN_FLOAT)
            st_pass(st_buf_printf(out, "%g", v.f));
        else if (c->kind == GEN_STR)
            st_pass(st_buf_printf(out, "'%s'", v.s));
        else
            st_pass(st_buf_printf(out, "%lld", (long long)v.i));
    }
}

/* A literal from the column's domain, never null or NaN. */
static gen_val random_lit(const gen_col *c)
{
    gen_val v;
    do
        v = random_value(c, 0);
    while (c->kind == GEN_FLOAT && isnan(v.f));
    return v;
}

gen_node *gen_tree(gen_node *pool, int *used, int depth)
{
    gen_node *g = &pool[(*used)++];
    int k = depth > 0 ? gen_pick(10) : 9;
    const gen_col *c;
    memset(g, 0, sizeof(*g));
    if (k < 2) {
        g->kind = 1 + k;
        g->n = 2 + gen_pick(2);
        for (int i = 0; i < g->n; i++)
            g->kids[i] = gen_tree(pool, used, depth - 1);
        return g;
    }
    if (k == 2) {
        g->kind = 3;
        g->n = 1;
        g->kids[0] = gen_tree(pool, used, depth - 1);
        return g;
    }
    g->col = gen_pick(GEN_NCOLS);
    c = &GEN_COLS[g->col];
    for (;;) {
        int o = gen_pick(16);
        if (o < 6) {
            g->op = ST_EXPR_LT + o;
            g->n_lits = 1;
        } else if (o < 8) {
            g->op = o == 6 ? ST_EXPR_IN : ST_EXPR_NOT_IN;
            g->n_lits = 1 + gen_pick(4);
        } else if (o < 10) {
            g->op = o == 8 ? ST_EXPR_IS_NULL : ST_EXPR_NOT_NULL;
        } else if (o < 12) {
            if (c->kind != GEN_FLOAT)
                continue;
            g->op = o == 10 ? ST_EXPR_IS_NAN : ST_EXPR_NOT_NAN;
        } else if (o < 14) {
            if (c->kind != GEN_STR)
                continue;
            g->op = o == 12 ? ST_EXPR_STARTS_WITH : ST_EXPR_NOT_STARTS_WITH;
            g->n_lits = 1;
        } else {
            g->op = o == 14 ? -1 : -2;
            g->n_lits = 2;
        }
        break;
    }
    for (int i = 0; i < g->n_lits; i++)
        g->lits[i] = random_lit(c);
    return g;
}

void gen_text(st_buf *out, const gen_node *g)
{
    static const char *const ops[] = {"<", "<=", ">", ">=", "=", "!="};
    const gen_col *c = &GEN_COLS[g->col];
    if (g->kind == 1 || g->kind == 2) {
        st_pass(st_buf_putc(out, '('));
        for (int i = 0; i < g->n; i++) {
            if (i)
                st_pass(st_buf_puts(out, g->kind == 1 ? " AND " : " OR "));
            gen_text(out, g->kids[i]);
        }
        st_pass(st_buf_putc(out, ')'));
        return;
    }
    if (g->kind == 3) {
        st_pass(st_buf_puts(out, "NOT ("));
        gen_text(out, g->kids[0]);
        st_pass(st_buf_putc(out, ')'));
        return;
    }
    st_pass(st_buf_puts(out, c->name));
    switch (g->op) {
    case ST_EXPR_IS_NULL: st_pass(st_buf_puts(out, " IS NULL")); return;
    case ST_EXPR_NOT_NULL: st_pass(st_buf_puts(out, " IS NOT NULL")); return;
    case ST_EXPR_IS_NAN: st_pass(st_buf_puts(out, " IS NAN")); return;
    case ST_EXPR_NOT_NAN: st_pass(st_buf_puts(out, " IS NOT NAN")); return;
    case ST_EXPR_STARTS_WITH:
    case ST_EXPR_NOT_STARTS_WITH:
        st_pass(st_buf_printf(out, "%s '%s%%'", g->op == ST_EXPR_STARTS_WITH ? " LIKE" : " NOT LIKE",
                              g->lits[0].s));
        return;
    case ST_EXPR_IN:
    case ST_EXPR_NOT_IN:
        st_pass(st_buf_puts(out, g->op == ST_EXPR_IN ? " IN (" : " NOT IN ("));
        for (int i = 0; i < g->n_lits; i++) {
            if (i)
                st_pass(st_buf_puts(out, ", "));
            format_lit(out, c, g->lits[i]);
        }
        st_pass(st_buf_putc(out, ')'));
        return;
    case -1:
    case -2:
        st_pass(st_buf_puts(out, g->op == -1 ? " BETWEEN " : " NOT BETWEEN "));
        format_lit(out, c, g->lits[0]);
        st_pass(st_buf_puts(out, " AND "));
        format_lit(out, c, g->lits[1]);
        return;
    default:
        st_pass(st_buf_printf(out, " %s ", ops[g->op - ST_EXPR_LT]));
        format_lit(out, c, g->lits[0]);
    }
}

int gen_cmp(const gen_col *c, gen_val a, gen_val b, int *nan)
{
    *nan = 0;
    if (c->kind == GEN_FLOAT) {
        if (isnan(a.f) || isnan(b.f)) {
            *nan = 1;
            return 0;
        }
        return (a.f > b.f) - (a.f < b.f);
    }
    if (c->kind == GEN_STR)
        return strcmp(a.s, b.s); /* no NULs; strcmp compares as unsigned char */
    return (a.i > b.i) - (a.i < b.i);
}

static int k3_not(int v) { return v == T3_U ? T3_U : !v; }
static int k3_and(int a, int b)
{
    return a == T3_F || b == T3_F ? T3_F : a == T3_T && b == T3_T ? T3_T : T3_U;
}
static int k3_or(int a, int b)
{
    return a == T3_T || b == T3_T ? T3_T : a == T3_F && b == T3_F ? T3_F : T3_U;
}

static int cmp_truth(int op, int c)
{
    switch (op) {
    case ST_EXPR_LT: return c < 0;
    case ST_EXPR_LE: return c <= 0;
    case ST_EXPR_GT: return c > 0;
    case ST_EXPR_GE: return c >= 0;
    case ST_EXPR_EQ: return c == 0;
    default: return c != 0;
    }
}

static int eval_leaf(const gen_node *g, const gen_val *row)
{
    const gen_col *c = &GEN_COLS[g->col];
    gen_val x = row[g->col];
    int isnan_x = !x.null && c->kind == GEN_FLOAT && isnan(x.f), nan, any = 0;
    switch (g->op) {
    case ST_EXPR_IS_NULL: return x.null;
    case ST_EXPR_NOT_NULL: return !x.null;
    case ST_EXPR_IS_NAN: return isnan_x;
    case ST_EXPR_NOT_NAN: return !isnan_x;
    default: break;
    }
    if (x.null)
        return T3_U;
    switch (g->op) {
    case ST_EXPR_IN:
    case ST_EXPR_NOT_IN:
        for (int i = 0; i < g->n_lits; i++)
            if (gen_cmp(c, x, g->lits[i], &nan) == 0 && !nan)
                any = 1;
        return g->op == ST_EXPR_IN ? any : !any;
    case ST_EXPR_STARTS_WITH:
    case ST_EXPR_NOT_STARTS_WITH:
        any = strncmp(x.s, g->lits[0].s, strlen(g->lits[0].s)) == 0;
        return g->op == ST_EXPR_STARTS_WITH ? any : !any;
    case -1:
    case -2: {
        int lo = gen_cmp(c, x, g->lits[0], &nan) >= 0 && !nan;
        int hi = gen_cmp(c, x, g->lits[1], &nan) <= 0 && !nan;
        return g->op == -1 ? (lo && hi) : !(lo && hi);
    }
    default: {
        int r = gen_cmp(c, x, g->lits[0], &nan);
        if (nan)
            return g->op == ST_EXPR_NE;
        return cmp_truth(g->op, r);
    }
    }
}

int gen_eval(const gen_node *g, const gen_val *row)
{
    int v;
    switch (g->kind) {
    case 1:
        v = T3_T;
        for (int i = 0; i < g->n; i++)
            v = k3_and(v, gen_eval(g->kids[i], row));
        return v;
    case 2:
        v = T3_F;
        for (int i = 0; i < g->n; i++)
            v = k3_or(v, gen_eval(g->kids[i], row));
        return v;
    case 3: return k3_not(gen_eval(g->kids[0], row));
    default: return eval_leaf(g, row);
    }
}
