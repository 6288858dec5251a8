/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Filter expressions (internal), in the manner of Iceberg's expressions: a
 * predicate tree that is parsed from text, bound to a schema, evaluated on
 * rows, on a data file's column metrics, and projected onto partition tuples
 * and manifest-list summaries. Overwrite and delete by filter use it now, scan
 * planning later.
 *
 * Three states of one tree type:
 *   unbound    terms name columns (path components as written), literals keep
 *              their text and kind (st_expr_parse);
 *   bound      terms carry the field id and the column's primitive type, the
 *              literals are st_values of that type (st_expr_bind);
 *   projected  terms are partition fields (id, position in the partition
 *              tuple, the transform's result type) (st_expr_project_*).
 *
 * Semantics (rows, metrics and projections agree on them):
 * - SQL's three-valued logic: a comparison with a null is unknown, and a row
 *   matches only when the filter is TRUE. NOT of unknown is unknown, so
 *   `NOT (x = 5)` matches neither x = 5 nor x null. IS [NOT] NULL and IS [NOT]
 *   NAN are two-valued (a null is not NaN).
 * - NaN is unordered, as in IEEE 754: <, <=, >, >=, = and IN are false for a
 *   NaN value, != and NOT IN are true. -0.0 = +0.0. Literals are never NaN
 *   (use IS NAN).
 * - Strings and binary compare as unsigned bytes (UTF-8 code point order),
 *   decimals by value, timestamps as instants, uuids as big-endian bytes.
 * Binding removes NOT (pushed into the predicates: NOT (x < 5) on a double
 * becomes x >= 5 OR x IS NAN), so bound and projected trees hold only AND, OR,
 * TRUE, FALSE and predicates; with no NOT left, "TRUE" is monotone in the
 * leaves and an unknown leaf can be treated as false everywhere.
 *
 * Memory: every tree returned through `**out` owns an arena holding all its
 * nodes, names, literal text and literal bytes; st_expr_free() releases it.
 * Trees are immutable once built: many threads may evaluate one tree.
 */
#ifndef ST_EXPR_EXPR_H
#define ST_EXPR_EXPR_H

#include <stdint.h>

#include "spec/spec.h"
#include "util/arena.h"
#include "util/buf.h"

typedef enum st_expr_op {
    ST_EXPR_TRUE = 1,
    ST_EXPR_FALSE,
    ST_EXPR_AND,            /* n_args >= 2 */
    ST_EXPR_OR,             /* n_args >= 2 */
    ST_EXPR_NOT,            /* n_args == 1; unbound trees only */
    ST_EXPR_LT,
    ST_EXPR_LE,
    ST_EXPR_GT,
    ST_EXPR_GE,
    ST_EXPR_EQ,
    ST_EXPR_NE,
    ST_EXPR_IN,             /* n_lits >= 1 (bound: >= 2, sorted, distinct) */
    ST_EXPR_NOT_IN,
    ST_EXPR_IS_NULL,
    ST_EXPR_NOT_NULL,
    ST_EXPR_IS_NAN,
    ST_EXPR_NOT_NAN,
    ST_EXPR_STARTS_WITH,    /* string columns; one string literal */
    ST_EXPR_NOT_STARTS_WITH
} st_expr_op;

typedef enum st_expr_state {
    ST_EXPR_UNBOUND = 0,
    ST_EXPR_BOUND,
    ST_EXPR_PROJECTED
} st_expr_state;

typedef enum st_lit_kind {
    ST_LIT_NUMBER = 1,      /* text as written: "-12", "1.50", "1.5e3" */
    ST_LIT_STRING,          /* text unquoted and unescaped */
    ST_LIT_BOOLEAN,         /* "true" / "false" */
    ST_LIT_NULL             /* never accepted by bind; the parser refuses it */
} st_lit_kind;

/* A literal of an unbound predicate. */
typedef struct st_expr_lit {
    st_lit_kind kind;
    const char *text;       /* NUL-terminated, in the tree's arena */
} st_expr_lit;

/* The column (or partition field) a predicate tests. */
typedef struct st_expr_term {
    const char **path;      /* unbound: components as written; bound: the schema's
                               spelling; projected: the partition field's name */
    int n_path;
    int32_t field_id;       /* bound: column field id; projected: partition field id */
    int32_t pos;            /* projected: index in the partition tuple; else -1 */
    st_type type;           /* bound/projected: a by-value copy of the primitive
                               type (no references held: never st_type_free it) */
    int nullable;           /* bound: 0 when the column and its parents are required */
} st_expr_term;

typedef struct st_expr st_expr;

struct st_expr {
    st_expr_op op;
    st_expr_state state;
    int n_args;             /* AND, OR, NOT */
    st_expr **args;
    st_expr_term term;      /* predicates */
    int n_lits;             /* predicates with literals */
    st_expr_lit *ulits;     /* unbound */
    st_value *lits;         /* bound/projected: values of term.type */
    st_arena *arena_;       /* the root only: owns the whole tree */
};

/* Frees a tree returned by any st_expr_* function. NULL-safe. Only for roots. */
void st_expr_free(st_expr *e);

/* 1 for a predicate (a leaf with a term), 0 for TRUE/FALSE/AND/OR/NOT. */
int st_expr_is_predicate(const st_expr *e);

/*
 * Parses a SQL-flavoured filter:
 *   a > 5 AND (b = 'x' OR c IS NULL) AND d IN (1, 2, 3) AND NOT e
 *   name LIKE 'abc%'   name STARTS WITH 'abc'   ts >= '2024-03-01'
 *   x IS NAN   x IS NOT NULL   col BETWEEN 1 AND 5   5 < a   "odd name" = 1
 * Operators = == != <> < <= > >=; [NOT] IN (...); [NOT] BETWEEN a AND b;
 * [NOT] LIKE 'prefix%' (only prefix patterns: others are ST_EUNSUPPORTED);
 * [NOT] STARTS WITH 'p'; IS [NOT] NULL; IS [NOT] NAN; AND, OR, NOT and
 * parentheses; TRUE and FALSE; a bare column means `col = TRUE`. Literals:
 * integers, decimals, floats (1.5e3) with an optional sign, 'strings' with ''
 * for a quote, TRUE, FALSE. Column paths are dotted ("addr.city"); "double"
 * or `back` quotes make any text one component. Keywords are
 * case-insensitive. Comparing with NULL is refused with a hint to use IS NULL,
 * and comparing two columns is refused.
 * @param[out] out an unbound tree; release with st_expr_free().
 * @return 0, ST_EINVALID ("filter: unexpected ')' at offset 12"),
 *         ST_EUNSUPPORTED, ST_ENOMEM.
 */
int st_expr_parse(st_expr **out, const char *text);

/*
 * Binds an unbound tree to a schema (a struct type with field ids): resolves
 * each column (struct fields only; case-insensitively unless case_sensitive,
 * refusing ambiguous matches), converts literals to the column's type
 * (numbers to int/long, decimal (exact at the scale: "filter: 1.234 does not
 * fit decimal(5,2)"), float/double; strings to date, time, timestamp
 * (ISO 8601; a zone is refused for timestamp), timestamptz (a zone is
 * converted to UTC, none means UTC), uuid, string, binary and fixed (the
 * string's bytes), and to numbers; TRUE/FALSE and 'true'/'false' to boolean),
 * and simplifies: NOT pushed into the predicates, constants folded (IS NULL
 * of a required column is FALSE; an integer literal outside an int column's
 * range folds to FALSE or IS NOT NULL; IN lists sorted and deduplicated).
 * Refused: unknown columns ("filter: column 'x' does not exist"), nested
 * (struct/list/map) columns and fields inside lists or maps, IS NAN on
 * non-float columns, STARTS WITH on non-string columns, literals that do not
 * convert.
 * @param[out] out a bound tree; release with st_expr_free().
 * @return 0, ST_EINVALID, ST_ENOTFOUND (unknown column), ST_ENOMEM.
 */
int st_expr_bind(st_expr **out, const st_expr *unbound, const st_type *schema, int case_sensitive);

/*
 * Appends the tree as filter text that st_expr_parse reads back (bound and
 * projected literals in the syntax bind accepts for their type: dates and
 * timestamps quoted ISO text, decimals with their scale).
 */
int st_expr_to_string(st_buf *out, const st_expr *e);

/* A deep copy in a new arena. @param[out] out release with st_expr_free(). */
int st_expr_clone(st_expr **out, const st_expr *e);

/*
 * a AND b or a OR b (op is ST_EXPR_AND or ST_EXPR_OR), copied into a new
 * tree; both must be in the same state. Bound and projected results are
 * folded (TRUE/FALSE absorbed, nested ANDs/ORs flattened).
 * @param[out] out release with st_expr_free().
 */
int st_expr_combine(st_expr **out, st_expr_op op, const st_expr *a, const st_expr *b);

/*
 * The distinct field ids a bound or projected tree references, ascending.
 * @param[out] out an st_malloc'ed array (NULL when *n is 0); the caller st_free()s it.
 */
int st_expr_field_ids(int32_t **out, int *n, const st_expr *e);

/*
 * Evaluates a bound tree on every row of a batch: keep[i] = 1 when row i
 * matches (the filter is TRUE), else 0. Columns are found by field id in
 * b->schema, top-level or inside structs (a null parent makes the value
 * null). `keep` holds b->length bytes.
 * @return 0; ST_ENOTFOUND when a referenced field id is not in the batch;
 *         ST_EINVALID when its type differs from the bound type; ST_ENOMEM.
 */
int st_expr_eval_batch(const st_expr *bound, const st_batch *b, uint8_t *keep);

/*
 * Inclusive metrics evaluation: 0 only if no row of the file can match the
 * bound tree (from record_count, value/null/NaN counts and the lower/upper
 * bounds decoded by the bound term's type), else 1. Stats that are absent
 * mean "unknown"; string and binary bounds may be truncated (a lower bound
 * is still a lower bound, an upper bound was incremented); bounds never hold
 * NaN (a NaN bound is ignored). `schema` may be NULL (the bound types are
 * used); it is accepted for symmetry with the strict evaluator's callers.
 * @return 1, 0, or ST_EINVALID (not a bound tree) / ST_ECORRUPT (a bound
 *         that does not decode, naming the file and field).
 */
int st_expr_metrics_might_match(const st_expr *bound, const st_data_file *f,
                                const st_type *schema);

/*
 * Strict metrics evaluation: 1 only if EVERY row of the file matches (a file
 * with no rows matches vacuously; an unknown record count never does), else 0.
 * Needs null counts of 0 for comparisons (a null is not a match) and NaN
 * counts of 0 on float/double columns for ordered comparisons, IN and =.
 * @return 1, 0, or an error as st_expr_metrics_might_match().
 */
int st_expr_metrics_must_match(const st_expr *bound, const st_data_file *f,
                               const st_type *schema);

/*
 * Projects a bound tree onto a partition spec (terms become the spec's
 * fields; their types the transforms' result types).
 * inclusive: if a row matches `bound`, its partition tuple matches the result
 *            (a partition that does not match holds no matching row);
 * strict:    if a partition tuple matches the result, every row with that
 *            tuple matches `bound`.
 * A predicate on a column with several partition fields gets the AND
 * (inclusive) or OR (strict) of their projections; one with none, or with
 * only void/unknown transforms, projects to TRUE (inclusive) or FALSE (strict).
 * Time transforms also accept the partition values written by Java Iceberg
 * 0.10 and earlier, which put pre-1970 values one too high.
 * `schema` is the schema the spec's source ids refer to (may be NULL: the
 * bound terms' types are used).
 * @param[out] out a projected tree; release with st_expr_free().
 * @return 0, ST_EINVALID (not a bound tree), ST_ENOMEM.
 */
int st_expr_project_inclusive(st_expr **out, const st_expr *bound, const st_partition_spec *spec,
                              const st_type *schema);
int st_expr_project_strict(st_expr **out, const st_expr *bound, const st_partition_spec *spec,
                           const st_type *schema);

/*
 * Evaluates a projected tree on a partition tuple (values in spec field
 * order; a day value may be typed int or date). 1 when it matches, 0 when not.
 * @return 1, 0, ST_EINVALID (not projected, a position past n, or a value
 *         whose type cannot compare with the field's).
 */
int st_expr_eval_partition(const st_expr *projected, const st_value *tuple, int n);

/*
 * Inclusive evaluation of a projected tree on a manifest-list entry's
 * partition summaries (contains_null, contains_nan, lower/upper bounds of the
 * non-null, non-NaN values, decoded with `partition_type`'s field types
 * (st_partition_type; may be NULL to use the projected terms' types)).
 * 0 only if no file in the manifest can match.
 * @return 1, 0, ST_EINVALID (not projected), ST_ECORRUPT (a bound that does
 *         not decode).
 */
int st_expr_manifest_might_match(const st_expr *projected, const st_manifest_file *mf,
                                 const st_type *partition_type);

#endif
