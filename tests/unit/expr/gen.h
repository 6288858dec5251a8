/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Random rows and random filters for the expression tests, with a naive
 * three-valued evaluator written from the semantics in expr.h (no code shared
 * with the library's evaluators).
 */
#ifndef ST_TEST_EXPR_GEN_H
#define ST_TEST_EXPR_GEN_H

#include <stdint.h>

#include <supertable/vector.h>

#include "util/buf.h"

/* field ids: i 1, l 2, d 3, f 4, s 5, dt 6, ts 7, dec 8, b 9, st 10, r 11, st.x 12, st.y 13 */
#define GEN_SCHEMA                                                                              \
    "i int, l long, d double, f float, s string, dt date, ts timestamp, dec decimal(9,2), "     \
    "b boolean, st struct<x: int, y: string>, r int not null"

enum { GEN_INT, GEN_FLOAT, GEN_STR, GEN_BOOL };

/* A test column: where it is in the batch and how its literals are written. */
typedef struct gen_col {
    const char *name;
    int kind;
    int top, child;     /* batch column, and struct child or -1 */
    st_type_id type;
    int32_t field_id;
} gen_col;

extern const gen_col GEN_COLS[];
#define GEN_NCOLS 12

/* One value of a row or a literal. */
typedef struct gen_val {
    int null;
    int64_t i;          /* GEN_INT (dates: days, timestamps: micros, decimals: unscaled), GEN_BOOL */
    double f;           /* GEN_FLOAT */
    const char *s;      /* GEN_STR */
} gen_val;

enum { T3_F = 0, T3_T = 1, T3_U = 2 };

typedef struct gen_node {
    int kind;           /* 0 leaf, 1 AND, 2 OR, 3 NOT */
    struct gen_node *kids[3];
    int n;
    int col;
    int op;             /* an st_expr_op, or -1 for BETWEEN, -2 for NOT BETWEEN */
    gen_val lits[4];
    int n_lits;
} gen_node;

#define GEN_POOL 64

void gen_seed(uint64_t seed);
int gen_pick(int n);

/* A batch of n random rows; rows[r * GEN_NCOLS + k] is what row r holds in column k
 * (a struct child under a null struct is null). */
st_batch *gen_batch(st_type *schema, int n, gen_val *rows);

/* A random filter of at most `depth` levels of AND/OR/NOT, from `pool` (GEN_POOL nodes). */
gen_node *gen_tree(gen_node *pool, int *used, int depth);
/* Its text, in the filter syntax. */
void gen_text(st_buf *out, const gen_node *g);
/* Three-valued truth on one row (T3_*). */
int gen_eval(const gen_node *g, const gen_val *row);

/* <0, 0, >0 in the column's order; *nan when either side is NaN. */
int gen_cmp(const gen_col *c, gen_val a, gen_val b, int *nan);

#endif
