/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Shared helpers of the expression layer (not for other layers): node
 * building in a tree's arena, deep copies, AND/OR folding, the value
 * comparison every evaluator uses, and literal formatting.
 */
#ifndef ST_EXPR_EXPR_INT_H
#define ST_EXPR_EXPR_INT_H

#include "expr/expr.h"

__extension__ typedef __int128 expr_i128;
__extension__ typedef unsigned __int128 expr_u128;

/* Arena block size: filters are small; 16 KiB per tree would be mostly empty. */
#define EXPR_ARENA_BLOCK 2048

/* A new heap-allocated, empty arena; NULL on OOM (error set). */
st_arena *expr_arena_new(void);
void expr_arena_free(st_arena *a);

/* A zeroed node of `op` in `a` (term.pos = -1); NULL on OOM. */
st_expr *expr_node(st_arena *a, st_expr_op op, st_expr_state state);

/* Makes `root` the owner of `a` and hands it out; on root == NULL frees `a`.
 * Returns 0 or the error code `rc` passed in (so callers can tail-call it). */
int expr_finish(st_expr **out, st_expr *root, st_arena *a, int rc);

/* Deep copy of a subtree into `a` (names, literal text and bytes included). */
st_expr *expr_copy(st_arena *a, const st_expr *e);
/* Copies a value, its bytes into `a`. 0 or ST_ENOMEM. */
int expr_copy_value(st_arena *a, st_value *dst, const st_value *src);
/* Copies a term (path strings into `a`). 0 or ST_ENOMEM. */
int expr_copy_term(st_arena *a, st_expr_term *dst, const st_expr_term *src);

/*
 * AND/OR of `kids` for bound and projected trees: flattens nested nodes of the
 * same op, drops the neutral constant, collapses on the absorbing one, and
 * returns the single child when one is left. `kids` may be reused by the
 * caller afterwards. NULL on OOM.
 */
st_expr *expr_junction(st_arena *a, st_expr_op op, st_expr_state state, st_expr **kids, int n);

/* A TRUE or FALSE node. */
st_expr *expr_const(st_arena *a, int value, st_expr_state state);

/*
 * Compares two non-null values for the evaluators. Types may differ within a
 * family (int/long/date-as-int, float/double, date vs timestamp). Floats are
 * compared as numbers (-0.0 == +0.0); *unordered is set when either is NaN
 * (the result is then meaningless). Returns <0, 0, >0; *unordered = -1 when
 * the types cannot be compared.
 */
int expr_value_cmp(const st_value *a, const st_value *b, int *unordered);

/* 1 for float and double. */
static inline int expr_is_float(st_type_id id)
{
    return id == ST_TYPE_FLOAT || id == ST_TYPE_DOUBLE;
}

/* Appends a value as a literal bind accepts for its type ('2024-03-01', 1.50, 'x'). */
int expr_format_value(st_buf *out, const st_value *v);
/* Appends a term's path, quoting components that need it. */
int expr_format_path(st_buf *out, const char *const *path, int n);
/* The operator text of a comparison ("<", "!=", ...), or NULL. */
const char *expr_op_text(st_expr_op op);

/* The negation of a predicate op (LT -> GE, IN -> NOT_IN, IS_NULL -> NOT_NULL, ...). */
st_expr_op expr_negate_op(st_expr_op op);

/* Sorts values of one type and removes duplicates (by expr_value_cmp); returns the new count. */
int expr_sort_unique(st_value *v, int n);

/* The bound term's full name for messages ("addr.city"), NUL-terminated in `buf`. */
const char *expr_term_name(char *buf, size_t cap, const st_expr_term *t);

/*
 * Evaluates a bound or projected tree (TRUE, FALSE, AND, OR, predicates) with
 * `leaf` deciding each predicate (1, 0, or an error), short-circuiting AND and
 * OR. The one walker of the row-free evaluators (partition tuples, file
 * metrics, manifest summaries): with no NOT left, the same walk serves the
 * inclusive ("may match") and the strict ("all match") readings.
 */
typedef int (*expr_leaf_fn)(const st_expr *leaf, void *ctx);
int expr_walk(const st_expr *e, expr_leaf_fn leaf, void *ctx);

#endif
