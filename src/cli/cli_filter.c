/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The --where filters of `parquet cat`: parsing "col op literal", handing the
 * filter to the reader for row-group pruning (which never drops a row group
 * that might match), and the exact row-level test the reader does not do.
 *
 * Semantics are SQL's for primitive columns: a comparison with a null (or a
 * null parent struct) is false; NaN is unordered, so only != holds for it;
 * strings and binary compare bytewise (UTF-8 code point order), decimals by
 * value, timestamps as instants. The literal is read as CSV text of the
 * column's type (st_value_append_text), so '2024-01-31' works for a date.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <supertable/sys/alloc.h>

#include "cli.h"

#define MAX_DEPTH 32

struct cli_filter {
    char *path;
    st_compare_op op;
    char *literal;         /* NULL for is null / is not null */
    int depth;             /* bound: column index, then struct child indexes */
    int idx[MAX_DEPTH];
    st_vector *lit;        /* bound: the literal as a one-row vector */
};

static const struct {
    const char *text;
    st_compare_op op;
} OPS[] = {
    {"!=", ST_CMP_NE}, {"<>", ST_CMP_NE}, {"<=", ST_CMP_LE}, {">=", ST_CMP_GE},
    {"==", ST_CMP_EQ}, {"=", ST_CMP_EQ},  {"<", ST_CMP_LT},  {">", ST_CMP_GT},
};

static const char *skip_ws(const char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    return s;
}

/* "is null" / "is not null" after the column; 1 when it is one of them. */
static int parse_is(const char *s, st_compare_op *op)
{
    if (strncasecmp(s, "is", 2) != 0 || !isspace((unsigned char)s[2]))
        return 0;
    s = skip_ws(s + 2);
    *op = ST_CMP_IS_NULL;
    if (strncasecmp(s, "not", 3) == 0 && isspace((unsigned char)s[3])) {
        s = skip_ws(s + 3);
        *op = ST_CMP_NOT_NULL;
    }
    if (strncasecmp(s, "null", 4) != 0 || *skip_ws(s + 4) != 0)
        return -1;
    return 1;
}

/* The literal: the rest, trimmed; 'quoted' or "quoted" with doubled quotes. */
static char *parse_literal(const char *s, const char **why)
{
    size_t n = strlen(s), k = 0;
    char *out, q;
    while (n > 0 && isspace((unsigned char)s[n - 1]))
        n--;
    if (n == 0) {
        *why = "a comparison needs a value after the operator";
        return NULL;
    }
    if (!(out = malloc(n + 1)))
        return NULL;
    if (s[0] != '\'' && s[0] != '"') {
        memcpy(out, s, n);
        out[n] = 0;
        return out;
    }
    q = s[0];
    for (size_t i = 1; i < n; i++) {
        if (s[i] == q && i + 1 < n && s[i + 1] == q) {
            out[k++] = q;
            i++;
        } else if (s[i] == q && i + 1 == n) {
            out[k] = 0;
            return out;
        } else if (s[i] == q) {
            break;
        } else {
            out[k++] = s[i];
        }
    }
    free(out);
    *why = "an unterminated or misplaced quote in the value";
    return NULL;
}

int cli_filter_parse(cli_filter **out, const char *text, const char **why)
{
    cli_filter *f = calloc(1, sizeof(*f));
    const char *s = skip_ws(text), *start = s;
    int is;

    *out = NULL;
    *why = "out of memory";
    if (!f)
        return -1;
    while (*s && !isspace((unsigned char)*s) && !strchr("=!<>", *s))
        s++;
    if (s == start) {
        *why = "expected a column name";
        goto bad;
    }
    if (!(f->path = strndup(start, (size_t)(s - start))))
        goto bad;
    s = skip_ws(s);
    if ((is = parse_is(s, &f->op)) != 0) {
        if (is < 0) {
            *why = "expected 'is null' or 'is not null'";
            goto bad;
        }
        *out = f;
        return 0;
    }
    for (size_t i = 0; i < sizeof(OPS) / sizeof(OPS[0]); i++)
        if (strncmp(s, OPS[i].text, strlen(OPS[i].text)) == 0) {
            f->op = OPS[i].op;
            if (!(f->literal = parse_literal(skip_ws(s + strlen(OPS[i].text)), why)))
                goto bad;
            *out = f;
            return 0;
        }
    *why = "expected an operator (= != < <= > >=) or 'is [not] null' after the column";
bad:
    cli_filter_free(f);
    return -1;
}

void cli_filter_free(cli_filter *f)
{
    if (!f)
        return;
    free(f->path);
    free(f->literal);
    st_vector_free(f->lit);
    free(f);
}

const char *cli_filter_path(const cli_filter *f)
{
    return f->path;
}

int cli_filter_add_to(const cli_filter *f, st_parquet_reader *r)
{
    return st_parquet_reader_add_filter(r, f->path, f->op, f->literal);
}

/* The field of struct t whose name is the longest prefix of path ending at '.'
 * or the end (names may hold dots); its index, with *rest after the name. */
static int match_field(const st_type *t, const char *path, const char **rest)
{
    int best = -1;
    size_t best_len = 0;
    for (int i = 0; i < t->n_fields; i++) {
        size_t n = strlen(t->fields[i].name);
        if (n > best_len && strncmp(path, t->fields[i].name, n) == 0 &&
            (path[n] == 0 || path[n] == '.')) {
            best = i;
            best_len = n;
        }
    }
    *rest = path + best_len;
    return best;
}

int cli_filter_bind(cli_filter *f, const st_type *schema)
{
    const st_type *t = schema;
    const char *p = f->path;
    int rc;

    f->depth = 0;
    while (t->id == ST_TYPE_STRUCT && *p && f->depth < MAX_DEPTH) {
        int i = match_field(t, p, &p);
        if (i < 0)
            return st_error_set(ST_ENOTFOUND, ST_ERROR_CLI, "no column '%s'", f->path);
        f->idx[f->depth++] = i;
        t = t->fields[i].type;
        if (*p == '.')
            p++;
    }
    if (*p || st_type_is_nested(t))
        return st_error_set(ST_EINVALID, ST_ERROR_CLI,
                            "column '%s' is not a primitive column outside lists and maps",
                            f->path);
    if (!f->literal)
        return 0;
    st_vector_free(f->lit);
    f->lit = NULL;
    if ((rc = st_vector_new(&f->lit, (st_type *)t, 1)) < 0 ||
        (rc = st_value_append_text(f->lit, f->literal, strlen(f->literal))) < 0)
        return st_error_set(rc, ST_ERROR_CLI, "--where '%s': %s", f->path,
                            st_error_last()->message);
    return 0;
}

static int cmp_num(double a, double b)
{
    if (a != a || b != b)
        return 2; /* NaN: unordered */
    return a < b ? -1 : a > b;
}

static int cmp_bytes(const st_vector *a, int64_t i, const st_vector *b)
{
    size_t la, lb;
    const uint8_t *pa = st_vector_get_bytes(a, i, &la), *pb = st_vector_get_bytes(b, 0, &lb);
    int c = memcmp(pa, pb, la < lb ? la : lb);
    if (c != 0)
        return c < 0 ? -1 : 1;
    return la < lb ? -1 : la > lb;
}

/* Compares row i of v with the literal: -1, 0, 1, or 2 when unordered. */
static int compare(const st_vector *v, int64_t i, const st_vector *lit)
{
    switch (v->type->id) {
    case ST_TYPE_BOOLEAN: return st_vector_get_bool(v, i) - st_vector_get_bool(lit, 0);
    case ST_TYPE_INT:
    case ST_TYPE_DATE: {
        int32_t a = st_vector_get_i32(v, i), b = st_vector_get_i32(lit, 0);
        return a < b ? -1 : a > b;
    }
    case ST_TYPE_FLOAT: return cmp_num(st_vector_get_f32(v, i), st_vector_get_f32(lit, 0));
    case ST_TYPE_DOUBLE: return cmp_num(st_vector_get_f64(v, i), st_vector_get_f64(lit, 0));
    case ST_TYPE_DECIMAL: {
        st_decimal128 a = st_vector_get_decimal(v, i), b = st_vector_get_decimal(lit, 0);
        if (a.hi != b.hi)
            return a.hi < b.hi ? -1 : 1;
        return a.lo < b.lo ? -1 : a.lo > b.lo;
    }
    case ST_TYPE_STRING:
    case ST_TYPE_BINARY:
    case ST_TYPE_UUID:
    case ST_TYPE_FIXED: return cmp_bytes(v, i, lit);
    default: {
        int64_t a = st_vector_get_i64(v, i), b = st_vector_get_i64(lit, 0);
        return a < b ? -1 : a > b;
    }
    }
}

int cli_filter_match(const cli_filter *f, const st_batch *b, int64_t i)
{
    const st_vector *v = b->columns[f->idx[0]];
    int is_null = !st_vector_is_valid(v, i), c;
    for (int d = 1; d < f->depth && !is_null; d++) {
        v = v->children[f->idx[d]];
        is_null = !st_vector_is_valid(v, i);
    }
    if (f->op == ST_CMP_IS_NULL || f->op == ST_CMP_NOT_NULL)
        return is_null == (f->op == ST_CMP_IS_NULL);
    if (is_null)
        return 0;
    c = compare(v, i, f->lit);
    switch (f->op) {
    case ST_CMP_EQ: return c == 0;
    case ST_CMP_NE: return c != 0;
    case ST_CMP_LT: return c == -1;
    case ST_CMP_LE: return c == -1 || c == 0;
    case ST_CMP_GT: return c == 1;
    default: return c == 1 || c == 0;
    }
}
