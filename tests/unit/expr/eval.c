/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Row evaluation: random batches (nulls, NaN, -0.0, null parent structs over
 * valid children) and random filters (every predicate form under AND, OR and
 * NOT) checked row by row against a naive three-valued evaluator written
 * here from the semantics in expr.h; plus errors.
 */
#include "st_test.h"

#include <math.h>

#include <supertable/errors.h>
#include <supertable/types.h>
#include <supertable/vector.h>

#include "expr/expr.h"
#include "util/datetime.h"

#define SCHEMA                                                                                  \
    "i int, l long, d double, f float, s string, dt date, ts timestamp, dec decimal(9,2), "     \
    "b boolean, st struct<x: int, y: string>, r int not null"

enum { K_INT, K_FLOAT, K_STR, K_BOOL };

/* A test column: where it is in the batch and how its literals are written. */
typedef struct tcol {
    const char *name;
    int kind;
    int top, child; /* batch column, and struct child or -1 */
    st_type_id type;
} tcol;

static const tcol COLS[] = {
    {"i", K_INT, 0, -1, ST_TYPE_INT},        {"l", K_INT, 1, -1, ST_TYPE_LONG},
    {"d", K_FLOAT, 2, -1, ST_TYPE_DOUBLE},   {"f", K_FLOAT, 3, -1, ST_TYPE_FLOAT},
    {"s", K_STR, 4, -1, ST_TYPE_STRING},     {"dt", K_INT, 5, -1, ST_TYPE_DATE},
    {"ts", K_INT, 6, -1, ST_TYPE_TIMESTAMP}, {"dec", K_INT, 7, -1, ST_TYPE_DECIMAL},
    {"b", K_BOOL, 8, -1, ST_TYPE_BOOLEAN},   {"st.x", K_INT, 9, 0, ST_TYPE_INT},
    {"st.y", K_STR, 9, 1, ST_TYPE_STRING},   {"r", K_INT, 10, -1, ST_TYPE_INT},
};
#define NCOLS ((int)(sizeof(COLS) / sizeof(COLS[0])))

static const char *const STRS[] = {"", "a", "ab", "abc", "b", "ba", "caf\xc3\xa9", "\xc3\xa9"};
#define NSTRS 8

typedef struct tval {
    int null;
    int64_t i;   /* K_INT (dates: days, timestamps: micros, decimals: unscaled), K_BOOL */
    double f;    /* K_FLOAT */
    const char *s;
} tval;

static uint64_t rng_state;
static uint32_t rnd(void)
{
    rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (uint32_t)(rng_state >> 33);
}
static int pick(int n) { return (int)(rnd() % (uint32_t)n); }

/* A random value of a column's domain: small, so equalities hit. */
static tval random_value(const tcol *c, int allow_null)
{
    tval v = {0, 0, 0, NULL};
    if (allow_null && pick(7) == 0) {
        v.null = 1;
        return v;
    }
    switch (c->kind) {
    case K_INT:
        v.i = pick(9) - 4;
        if (c->type == ST_TYPE_DATE)
            v.i += 19783; /* around 2024-03-01 */
        else if (c->type == ST_TYPE_TIMESTAMP)
            v.i = (19783 + v.i) * 86400000000LL + (int64_t)pick(3) * 3600000000LL;
        else if (c->type == ST_TYPE_DECIMAL)
            v.i *= 50;
        break;
    case K_FLOAT: {
        int k = pick(12);
        v.f = k == 0 ? NAN : k == 1 ? -0.0 : (pick(9) - 4) / 2.0;
        break;
    }
    case K_STR: v.s = STRS[pick(NSTRS)]; break;
    default: v.i = pick(2); break;
    }
    return v;
}

/* ------------------------------------------------------------- batches */

static void append(st_vector *v, const tcol *c, tval x)
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

/* Rows; the struct is null in some rows while its children hold values there. */
static st_batch *random_batch(st_type *schema, int n, tval *rows /* n * NCOLS */)
{
    st_batch *b;
    st_pass(st_batch_new(&b, schema, n));
    for (int r = 0; r < n; r++) {
        int struct_null = pick(6) == 0;
        for (int k = 0; k < NCOLS; k++) {
            const tcol *c = &COLS[k];
            tval x = random_value(c, c->type != ST_TYPE_INT || strcmp(c->name, "r") != 0);
            st_vector *v = b->columns[c->top];
            if (c->child >= 0)
                v = v->children[c->child];
            append(v, c, x);
            if (c->child >= 0 && struct_null)
                x.null = 1; /* what the row holds: the parent is null */
            rows[r * NCOLS + k] = x;
        }
        st_pass(st_vector_append_nested(b->columns[9]));
        if (struct_null) {
            st_vector *sv = b->columns[9];
            st_pass(st_vector_ensure_validity(sv));
            sv->validity[r >> 3] &= (uint8_t)~(1u << (r & 7));
            sv->null_count++;
        }
    }
    st_pass(st_batch_seal(b));
    return b;
}

/* ------------------------------------------------------ random filters */

enum { T3_F = 0, T3_T = 1, T3_U = 2 };

typedef struct gnode {
    int kind; /* 0 leaf, 1 AND, 2 OR, 3 NOT */
    struct gnode *kids[3];
    int n;
    int col;
    int op; /* st_expr_op, or -1 for BETWEEN, -2 NOT BETWEEN */
    tval lits[4];
    int n_lits;
} gnode;

static void format_lit(st_buf *out, const tcol *c, tval v)
{
    char tmp[64];
    switch (c->type) {
    case ST_TYPE_DATE: st_format_date(tmp, (int32_t)v.i); st_pass(st_buf_printf(out, "'%s'", tmp)); break;
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
        if (c->kind == K_FLOAT)
            st_pass(st_buf_printf(out, "%g", v.f));
        else if (c->kind == K_STR)
            st_pass(st_buf_printf(out, "'%s'", v.s));
        else
            st_pass(st_buf_printf(out, "%lld", (long long)v.i));
    }
}

/* A literal from the column's domain, never null or NaN. */
static tval random_lit(const tcol *c)
{
    tval v;
    do
        v = random_value(c, 0);
    while (c->kind == K_FLOAT && isnan(v.f));
    return v;
}

static gnode *random_tree(gnode *pool, int *used, int depth)
{
    gnode *g = &pool[(*used)++];
    int k = depth > 0 ? pick(10) : 9;
    memset(g, 0, sizeof(*g));
    if (k < 2) {
        g->kind = 1 + k;
        g->n = 2 + pick(2);
        for (int i = 0; i < g->n; i++)
            g->kids[i] = random_tree(pool, used, depth - 1);
        return g;
    }
    if (k == 2) {
        g->kind = 3;
        g->n = 1;
        g->kids[0] = random_tree(pool, used, depth - 1);
        return g;
    }
    g->col = pick(NCOLS);
    const tcol *c = &COLS[g->col];
    for (;;) {
        int o = pick(16);
        if (o < 6) {
            g->op = ST_EXPR_LT + o;
            g->n_lits = 1;
        } else if (o < 8) {
            g->op = o == 6 ? ST_EXPR_IN : ST_EXPR_NOT_IN;
            g->n_lits = 1 + pick(4);
        } else if (o < 10) {
            g->op = o == 8 ? ST_EXPR_IS_NULL : ST_EXPR_NOT_NULL;
        } else if (o < 12) {
            if (c->kind != K_FLOAT)
                continue;
            g->op = o == 10 ? ST_EXPR_IS_NAN : ST_EXPR_NOT_NAN;
        } else if (o < 14) {
            if (c->kind != K_STR)
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

static void tree_text(st_buf *out, const gnode *g)
{
    const tcol *c = &COLS[g->col];
    if (g->kind == 1 || g->kind == 2) {
        st_pass(st_buf_putc(out, '('));
        for (int i = 0; i < g->n; i++) {
            if (i)
                st_pass(st_buf_puts(out, g->kind == 1 ? " AND " : " OR "));
            tree_text(out, g->kids[i]);
        }
        st_pass(st_buf_putc(out, ')'));
        return;
    }
    if (g->kind == 3) {
        st_pass(st_buf_puts(out, "NOT ("));
        tree_text(out, g->kids[0]);
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
    default: {
        static const char *ops[] = {"<", "<=", ">", ">=", "=", "!="};
        st_pass(st_buf_printf(out, " %s ", ops[g->op - ST_EXPR_LT]));
        format_lit(out, c, g->lits[0]);
    }
    }
}

/* ------------------------------------------------ the naive reference */

/* <0, 0, >0; *nan when either side is NaN. */
static int tcmp(const tcol *c, tval a, tval b, int *nan)
{
    *nan = 0;
    if (c->kind == K_FLOAT) {
        if (isnan(a.f) || isnan(b.f)) {
            *nan = 1;
            return 0;
        }
        return (a.f > b.f) - (a.f < b.f);
    }
    if (c->kind == K_STR)
        return strcmp(a.s, b.s); /* no NULs; strcmp compares as unsigned char */
    return (a.i > b.i) - (a.i < b.i);
}

static int k3_not(int v) { return v == T3_U ? T3_U : !v; }
static int k3_and(int a, int b) { return a == T3_F || b == T3_F ? T3_F : a == T3_T && b == T3_T ? T3_T : T3_U; }
static int k3_or(int a, int b) { return a == T3_T || b == T3_T ? T3_T : a == T3_F && b == T3_F ? T3_F : T3_U; }

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

static int ref_leaf(const gnode *g, const tval *row)
{
    const tcol *c = &COLS[g->col];
    tval x = row[g->col];
    int isnan_x = !x.null && c->kind == K_FLOAT && isnan(x.f), nan, any = 0;
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
            if (tcmp(c, x, g->lits[i], &nan) == 0 && !nan)
                any = 1;
        return g->op == ST_EXPR_IN ? any : !any;
    case ST_EXPR_STARTS_WITH:
    case ST_EXPR_NOT_STARTS_WITH:
        any = strncmp(x.s, g->lits[0].s, strlen(g->lits[0].s)) == 0;
        return g->op == ST_EXPR_STARTS_WITH ? any : !any;
    case -1:
    case -2: {
        int lo = tcmp(c, x, g->lits[0], &nan) >= 0 && !nan;
        int hi = tcmp(c, x, g->lits[1], &nan) <= 0 && !nan;
        return g->op == -1 ? (lo && hi) : !(lo && hi);
    }
    default: {
        int r = tcmp(c, x, g->lits[0], &nan);
        if (nan)
            return g->op == ST_EXPR_NE;
        return cmp_truth(g->op, r);
    }
    }
}

static int ref_eval(const gnode *g, const tval *row)
{
    int v;
    switch (g->kind) {
    case 1:
        v = T3_T;
        for (int i = 0; i < g->n; i++)
            v = k3_and(v, ref_eval(g->kids[i], row));
        return v;
    case 2:
        v = T3_F;
        for (int i = 0; i < g->n; i++)
            v = k3_or(v, ref_eval(g->kids[i], row));
        return v;
    case 3: return k3_not(ref_eval(g->kids[0], row));
    default: return ref_leaf(g, row);
    }
}

/* ------------------------------------------------------------- tests */

void test_expr_eval__random_filters_match_reference(void)
{
    st_type *schema;
    const int n = 300;
    tval *rows = malloc(sizeof(tval) * (size_t)n * NCOLS);
    uint8_t *keep = malloc((size_t)n);
    gnode pool[64];
    long some = 0, none = 0, all = 0;
    st_pass(st_schema_parse(&schema, SCHEMA));
    rng_state = 12345;
    for (int batch = 0; batch < 4; batch++) {
        st_batch *b = random_batch(schema, n, rows);
        for (int iter = 0; iter < 500; iter++) {
            int used = 0, matched = 0;
            gnode *g = random_tree(pool, &used, 3);
            st_buf text = ST_BUF_INIT;
            st_expr *u, *e;
            tree_text(&text, g);
            st_pass(st_expr_parse(&u, st_buf_cstr(&text)));
            st_pass(st_expr_bind(&e, u, schema, 1));
            memset(keep, 7, (size_t)n);
            st_pass(st_expr_eval_batch(e, b, keep));
            for (int r = 0; r < n; r++) {
                int want = ref_eval(g, rows + r * NCOLS) == T3_T;
                st_assert_msg(keep[r] == want, "row %d: %s gave %d, expected %d", r,
                              st_buf_cstr(&text), keep[r], want);
                matched += want;
            }
            some += matched > 0 && matched < n;
            none += matched == 0;
            all += matched == n;
            st_expr_free(u);
            st_expr_free(e);
            st_buf_dispose(&text);
        }
        st_batch_free(b);
    }
    /* the filters are neither trivially empty nor trivially full */
    st_assert_msg(some > 1000 && none > 100 && all > 10, "some %ld, none %ld, all %ld", some, none,
                  all);
    st_type_free(schema);
    free(rows);
    free(keep);
}

static void eval_one(st_batch *b, st_type *schema, const char *text, const char *expect)
{
    st_expr *u, *e;
    uint8_t keep[16];
    char got[17];
    st_pass(st_expr_parse(&u, text));
    st_pass(st_expr_bind(&e, u, schema, 1));
    st_pass(st_expr_eval_batch(e, b, keep));
    for (int64_t i = 0; i < b->length; i++)
        got[i] = (char)('0' + keep[i]);
    got[b->length] = 0;
    st_assert_msg(strcmp(got, expect) == 0, "%s: got %s, expected %s", text, got, expect);
    st_expr_free(u);
    st_expr_free(e);
}

void test_expr_eval__named_cases(void)
{
    st_type *schema;
    st_batch *b;
    st_pass(st_schema_parse(&schema, "x double, s string, u uuid, fx fixed[2], bin binary"));
    st_pass(st_batch_new(&b, schema, 4));
    st_pass(st_vector_append_f64(b->columns[0], 1.0));
    st_pass(st_vector_append_f64(b->columns[0], NAN));
    st_pass(st_vector_append_null(b->columns[0]));
    st_pass(st_vector_append_f64(b->columns[0], -0.0));
    st_pass(st_vector_append_bytes(b->columns[1], "abc", 3));
    st_pass(st_vector_append_bytes(b->columns[1], "ab", 2));
    st_pass(st_vector_append_null(b->columns[1]));
    st_pass(st_vector_append_bytes(b->columns[1], "b", 1));
    for (int i = 0; i < 4; i++) {
        uint8_t id[16] = {0};
        id[15] = (uint8_t)i;
        st_pass(st_vector_append_bytes(b->columns[2], id, 16));
        st_pass(st_vector_append_bytes(b->columns[3], i % 2 ? "zz" : "aa", 2));
        st_pass(st_vector_append_bytes(b->columns[4], i % 2 ? "\x01" : "\x00\x01", i % 2 ? 1 : 2));
    }
    st_pass(st_batch_seal(b));
    eval_one(b, schema, "x < 2", "1001");
    eval_one(b, schema, "NOT (x < 2)", "0100");
    eval_one(b, schema, "x != 1", "0101");
    eval_one(b, schema, "x = 0", "0001");
    eval_one(b, schema, "x IS NAN", "0100");
    eval_one(b, schema, "x IS NOT NAN", "1011");
    eval_one(b, schema, "x IS NULL OR x IS NAN", "0110");
    eval_one(b, schema, "x NOT IN (1, 2)", "0101");
    eval_one(b, schema, "NOT (x IN (1, 2))", "0101");
    eval_one(b, schema, "s LIKE 'ab%'", "1100");
    eval_one(b, schema, "s NOT LIKE 'ab%'", "0001");
    eval_one(b, schema, "s >= 'ab'", "1101");
    eval_one(b, schema, "s IN ('b', 'abc', 'zzz')", "1001");
    eval_one(b, schema, "u = '00000000-0000-0000-0000-000000000002'", "0010");
    eval_one(b, schema, "u > '00000000-0000-0000-0000-000000000001'", "0011");
    eval_one(b, schema, "fx = 'zz'", "0101");
    eval_one(b, schema, "fx IN ('aa', 'qq')", "1010");
    eval_one(b, schema, "bin < 'a'", "1111");
    eval_one(b, schema, "TRUE", "1111");
    eval_one(b, schema, "FALSE OR x IS NULL", "0010");
    st_batch_free(b);
    st_type_free(schema);
}

void test_expr_eval__errors(void)
{
    st_type *schema, *other;
    st_batch *b, *empty;
    st_expr *u, *e;
    uint8_t keep[4];
    st_pass(st_schema_parse(&schema, "a int, b string"));
    st_pass(st_schema_parse(&other, "a long, c string"));
    st_pass(st_batch_new(&b, other, 2));
    st_pass(st_vector_append_i64(b->columns[0], 1));
    st_pass(st_vector_append_i64(b->columns[0], 2));
    st_pass(st_vector_append_bytes(b->columns[1], "x", 1));
    st_pass(st_vector_append_bytes(b->columns[1], "y", 1));
    st_pass(st_batch_seal(b));
    st_pass(st_expr_parse(&u, "a = 1"));
    st_fail_with(ST_EINVALID, st_expr_eval_batch(u, b, keep));
    st_pass(st_expr_bind(&e, u, schema, 1));
    st_fail_with(ST_EINVALID, st_expr_eval_batch(e, b, keep));
    st_assert_contains(st_error_last()->message, "column 'a' (field id 1) is long in the batch but int");
    st_expr_free(e);
    st_expr_free(u);
    st_pass(st_expr_parse(&u, "b = 'x'"));
    st_pass(st_expr_bind(&e, u, schema, 1));
    /* field id 2 is c in the other schema: same id, same type: evaluated by id */
    st_pass(st_expr_eval_batch(e, b, keep));
    st_assert(keep[0] == 1 && keep[1] == 0);
    st_expr_free(e);
    st_expr_free(u);
    st_type_free(other);
    st_pass(st_schema_parse(&other, "z int"));
    st_pass(st_batch_new(&empty, other, 0));
    st_pass(st_expr_parse(&u, "b = 'x'"));
    st_pass(st_expr_bind(&e, u, schema, 1));
    st_pass(st_expr_eval_batch(e, empty, keep)); /* no rows, nothing looked up */
    st_batch_free(empty);
    st_pass(st_batch_new(&empty, other, 1));
    st_pass(st_vector_append_i32(empty->columns[0], 1));
    st_pass(st_batch_seal(empty));
    st_fail_with(ST_ENOTFOUND, st_expr_eval_batch(e, empty, keep));
    st_assert_contains(st_error_last()->message, "column 'b' (field id 2) is not in the batch");
    st_expr_free(e);
    st_expr_free(u);
    st_batch_free(empty);
    st_batch_free(b);
    st_type_free(other);
    st_type_free(schema);
}
