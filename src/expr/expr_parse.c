/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The filter syntax: a hand-written lexer and recursive-descent parser into an
 * unbound tree. Grammar (keywords case-insensitive):
 *
 *   filter    := or EOF
 *   or        := and (OR and)*
 *   and       := not (AND not)*
 *   not       := NOT not | primary
 *   primary   := '(' or ')' | TRUE | FALSE | predicate
 *   predicate := column cmp literal | literal cmp column
 *              | column [NOT] IN '(' literal (',' literal)* ')'
 *              | column [NOT] BETWEEN literal AND literal
 *              | column [NOT] LIKE string | column [NOT] STARTS WITH string
 *              | column IS [NOT] NULL | column IS [NOT] NAN
 *              | column                      (a boolean column: column = TRUE)
 *   column    := name ('.' name)*          name: plain, "double" or `back` quoted
 *   literal   := [+|-] number | 'string' | TRUE | FALSE
 *   cmp       := = | == | != | <> | < | <= | > | >=
 *
 * AND and OR chains become one n-ary node each. Nesting (parentheses and NOT)
 * is limited so that hostile input cannot exhaust the stack.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <supertable/errors.h>

#include "expr/expr_int.h"
#include "util/alloc.h"

#define MAX_DEPTH 100

typedef enum tok_kind {
    T_EOF,
    T_IDENT,       /* plain word (keywords included) */
    T_QIDENT,      /* "quoted" or `quoted` name */
    T_NUMBER,
    T_STRING,
    T_LPAREN,
    T_RPAREN,
    T_COMMA,
    T_DOT,
    T_CMP,         /* a comparison operator (op) */
    T_MINUS,
    T_PLUS
} tok_kind;

typedef struct token {
    tok_kind kind;
    size_t off, len;   /* where in the source */
    st_expr_op op;     /* T_CMP */
    char *text;        /* T_STRING, T_QIDENT: unescaped, in the arena */
} token;

typedef struct parser {
    const char *src;
    size_t pos;
    st_arena *a;
    token tok;
    int depth;
} parser;

/* ------------------------------------------------------------------- lexer */

static int perr_code(parser *p, int code, size_t off, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

static int perr_code(parser *p, int code, size_t off, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    (void)p;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    return st_error_set(code, ST_ERROR_ICEBERG, "filter: %s at offset %zu", msg, off);
}

#define perr(p, off, ...) perr_code((p), ST_EINVALID, (off), __VA_ARGS__)

static int is_word_char(int c)
{
    return isalnum(c) || c == '_' || c >= 0x80;
}

/* A quoted run ('...', "...", `...`) with the quote doubled inside. */
static int lex_quoted(parser *p, char q, const char *what)
{
    const char *s = p->src;
    size_t start = p->pos, i = p->pos + 1, k = 0;
    char *text;

    for (;; i++) {
        if (s[i] == 0)
            return perr(p, start, "unterminated %s", what);
        if (s[i] == q) {
            if (s[i + 1] != q)
                break;
            i++;
        }
    }
    /* i is the closing quote; the text is at most i - start - 1 bytes */
    if (!(text = st_arena_alloc(p->a, i - start)))
        return ST_ENOMEM;
    for (size_t j = start + 1; j < i; j++) {
        text[k++] = s[j];
        if (s[j] == q)
            j++;
    }
    text[k] = 0;
    p->tok.text = text;
    p->tok.len = i + 1 - start;
    p->pos = i + 1;
    return 0;
}

static int lex_number(parser *p)
{
    const char *s = p->src;
    size_t i = p->pos, digits = 0;
    while (isdigit((unsigned char)s[i]))
        i++, digits++;
    if (s[i] == '.') {
        i++;
        while (isdigit((unsigned char)s[i]))
            i++, digits++;
    }
    if (digits == 0)
        return perr(p, p->pos, "malformed number");
    if (s[i] == 'e' || s[i] == 'E') {
        size_t e = i + 1;
        if (s[e] == '+' || s[e] == '-')
            e++;
        if (!isdigit((unsigned char)s[e]))
            return perr(p, p->pos, "malformed number '%.*s'", (int)(e - p->pos), s + p->pos);
        while (isdigit((unsigned char)s[e]))
            e++;
        i = e;
    }
    if (is_word_char((unsigned char)s[i]) || s[i] == '.')
        return perr(p, p->pos, "malformed number");
    p->tok.kind = T_NUMBER;
    p->tok.len = i - p->pos;
    p->pos = i;
    return 0;
}

static int lex_cmp(parser *p, st_expr_op op, size_t len)
{
    p->tok.kind = T_CMP;
    p->tok.op = op;
    p->tok.len = len;
    p->pos += len;
    return 0;
}

static int next(parser *p)
{
    const char *s = p->src;
    unsigned char c;

    while (isspace((unsigned char)s[p->pos]))
        p->pos++;
    c = (unsigned char)s[p->pos];
    memset(&p->tok, 0, sizeof(p->tok));
    p->tok.off = p->pos;
    p->tok.len = 1;
    switch (c) {
    case 0: p->tok.kind = T_EOF; p->tok.len = 0; return 0;
    case '(': p->tok.kind = T_LPAREN; p->pos++; return 0;
    case ')': p->tok.kind = T_RPAREN; p->pos++; return 0;
    case ',': p->tok.kind = T_COMMA; p->pos++; return 0;
    case '-': p->tok.kind = T_MINUS; p->pos++; return 0;
    case '+': p->tok.kind = T_PLUS; p->pos++; return 0;
    case '.':
        if (isdigit((unsigned char)s[p->pos + 1]))
            return lex_number(p);
        p->tok.kind = T_DOT;
        p->pos++;
        return 0;
    case '<':
        if (s[p->pos + 1] == '=')
            return lex_cmp(p, ST_EXPR_LE, 2);
        if (s[p->pos + 1] == '>')
            return lex_cmp(p, ST_EXPR_NE, 2);
        return lex_cmp(p, ST_EXPR_LT, 1);
    case '>':
        if (s[p->pos + 1] == '=')
            return lex_cmp(p, ST_EXPR_GE, 2);
        return lex_cmp(p, ST_EXPR_GT, 1);
    case '=': return lex_cmp(p, ST_EXPR_EQ, s[p->pos + 1] == '=' ? 2 : 1);
    case '!':
        if (s[p->pos + 1] == '=')
            return lex_cmp(p, ST_EXPR_NE, 2);
        return perr(p, p->pos, "unexpected '!' (did you mean '!='?)");
    case '\'': p->tok.kind = T_STRING; return lex_quoted(p, '\'', "string");
    case '"':
    case '`': {
        int rc;
        p->tok.kind = T_QIDENT;
        if ((rc = lex_quoted(p, (char)c, "quoted name")) < 0)
            return rc;
        if (p->tok.text[0] == 0)
            return perr(p, p->tok.off, "empty quoted name");
        return 0;
    }
    default: break;
    }
    if (isdigit(c))
        return lex_number(p);
    if (isalpha(c) || c == '_' || c >= 0x80) {
        size_t i = p->pos;
        while (is_word_char((unsigned char)s[i]))
            i++;
        p->tok.kind = T_IDENT;
        p->tok.len = i - p->pos;
        p->pos = i;
        return 0;
    }
    if (isprint(c))
        return perr(p, p->pos, "unexpected character '%c'", c);
    return perr(p, p->pos, "unexpected byte 0x%02x", c);
}

/* ------------------------------------------------------------- token tests */

static int is_kw(const parser *p, const char *kw)
{
    size_t n = strlen(kw);
    return p->tok.kind == T_IDENT && p->tok.len == n && strncasecmp(p->src + p->tok.off, kw, n) == 0;
}

/* Words that can never be a plain column name. */
static int is_reserved(const parser *p)
{
    static const char *const words[] = {"and", "or", "not", "in", "is", "null",
                                        "true", "false", "between", "like"};
    for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
        if (is_kw(p, words[i]))
            return 1;
    return 0;
}

static int unexpected(parser *p)
{
    if (p->tok.kind == T_EOF)
        return perr(p, p->tok.off, "unexpected end of input");
    if (p->tok.kind == T_STRING)
        return perr(p, p->tok.off, "unexpected string");
    return perr(p, p->tok.off, "unexpected '%.*s'", (int)(p->tok.len > 32 ? 32 : p->tok.len),
                p->src + p->tok.off);
}

static int expect_kw(parser *p, const char *kw)
{
    if (!is_kw(p, kw))
        return unexpected(p);
    return next(p);
}

/* ---------------------------------------------------------------- operands */

/* A parsed operand: a column path or a literal. */
typedef struct operand {
    int is_column;
    size_t off;
    int quoted;            /* column: its first component was quoted */
    const char **path;
    int n_path;
    st_expr_lit lit;
} operand;

static int null_hint(parser *p, size_t off)
{
    return perr(p, off, "a comparison with NULL is never true; use IS NULL or IS NOT NULL");
}

/* [+|-] number, 'string', TRUE, FALSE, NULL (the caller decides about NULL). */
static int parse_literal_tok(parser *p, st_expr_lit *lit, int *ok)
{
    int rc;
    *ok = 1;
    if (p->tok.kind == T_MINUS || p->tok.kind == T_PLUS) {
        char sign = p->tok.kind == T_MINUS ? '-' : '+';
        size_t off = p->tok.off;
        if ((rc = next(p)) < 0)
            return rc;
        if (p->tok.kind != T_NUMBER)
            return perr(p, off, "'%c' must be followed by a number", sign);
        lit->kind = ST_LIT_NUMBER;
        if (!(lit->text = st_arena_alloc(p->a, p->tok.len + 2)))
            return ST_ENOMEM;
        ((char *)lit->text)[0] = sign;
        memcpy((char *)lit->text + 1, p->src + p->tok.off, p->tok.len);
        ((char *)lit->text)[p->tok.len + 1] = 0;
        return next(p);
    }
    switch (p->tok.kind) {
    case T_NUMBER:
        lit->kind = ST_LIT_NUMBER;
        if (!(lit->text = st_arena_strndup(p->a, p->src + p->tok.off, p->tok.len)))
            return ST_ENOMEM;
        return next(p);
    case T_STRING:
        lit->kind = ST_LIT_STRING;
        lit->text = p->tok.text;
        return next(p);
    default: break;
    }
    if (is_kw(p, "true") || is_kw(p, "false")) {
        lit->kind = ST_LIT_BOOLEAN;
        lit->text = is_kw(p, "true") ? "true" : "false";
        return next(p);
    }
    if (is_kw(p, "null")) {
        lit->kind = ST_LIT_NULL;
        lit->text = "null";
        return next(p);
    }
    *ok = 0;
    return 0;
}

static int not_a_literal(parser *p)
{
    if ((p->tok.kind == T_IDENT && !is_reserved(p)) || p->tok.kind == T_QIDENT)
        return perr_code(p, ST_EUNSUPPORTED, p->tok.off,
                         "expected a literal, not a column (comparing columns is not supported)");
    return unexpected(p);
}

/* A literal that must be there and must not be NULL. */
static int parse_literal(parser *p, st_expr_lit *lit)
{
    size_t off = p->tok.off;
    int ok, rc = parse_literal_tok(p, lit, &ok);
    if (rc < 0)
        return rc;
    if (!ok)
        return not_a_literal(p);
    if (lit->kind == ST_LIT_NULL)
        return null_hint(p, off);
    return 0;
}

static int parse_path(parser *p, operand *o)
{
    const char *parts[64];
    int n = 0, rc;

    o->is_column = 1;
    o->quoted = p->tok.kind == T_QIDENT;
    for (;;) {
        if (p->tok.kind == T_QIDENT) {
            parts[n] = p->tok.text;
        } else if (p->tok.kind == T_IDENT && !is_reserved(p)) {
            if (!(parts[n] = st_arena_strndup(p->a, p->src + p->tok.off, p->tok.len)))
                return ST_ENOMEM;
        } else {
            return unexpected(p);
        }
        n++;
        if ((rc = next(p)) < 0)
            return rc;
        if (p->tok.kind != T_DOT)
            break;
        if (n == (int)(sizeof(parts) / sizeof(parts[0])))
            return perr(p, p->tok.off, "column path too deep");
        if ((rc = next(p)) < 0)
            return rc;
    }
    if (!(o->path = st_arena_alloc(p->a, sizeof(char *) * (size_t)n)))
        return ST_ENOMEM;
    memcpy(o->path, parts, sizeof(char *) * (size_t)n);
    o->n_path = n;
    return 0;
}

static int parse_operand(parser *p, operand *o)
{
    int ok, rc;
    memset(o, 0, sizeof(*o));
    o->off = p->tok.off;
    if ((rc = parse_literal_tok(p, &o->lit, &ok)) < 0 || ok)
        return rc;
    if (p->tok.kind == T_IDENT || p->tok.kind == T_QIDENT)
        return parse_path(p, o);
    return unexpected(p);
}

/* --------------------------------------------------------------- predicates */

static st_expr *leaf(parser *p, st_expr_op op, const operand *col, int n_lits)
{
    st_expr *e = expr_node(p->a, op, ST_EXPR_UNBOUND);
    if (!e)
        return NULL;
    e->term.path = col->path;
    e->term.n_path = col->n_path;
    if (n_lits) {
        if (!(e->ulits = st_arena_calloc(p->a, (size_t)n_lits, sizeof(st_expr_lit))))
            return NULL;
        e->n_lits = n_lits;
    }
    return e;
}

static st_expr *junction2(parser *p, st_expr_op op, st_expr *a, st_expr *b)
{
    st_expr *e = expr_node(p->a, op, ST_EXPR_UNBOUND);
    if (!e || !(e->args = st_arena_alloc(p->a, 2 * sizeof(st_expr *))))
        return NULL;
    e->args[0] = a;
    e->args[1] = b;
    e->n_args = 2;
    return e;
}

static st_expr *negate(parser *p, st_expr *e)
{
    st_expr *n = expr_node(p->a, ST_EXPR_NOT, ST_EXPR_UNBOUND);
    if (!n || !(n->args = st_arena_alloc(p->a, sizeof(st_expr *))))
        return NULL;
    n->args[0] = e;
    n->n_args = 1;
    return n;
}

static int parse_in(parser *p, const operand *col, int neg, st_expr **out)
{
    st_buf lits = ST_BUF_INIT;
    st_expr *e;
    int rc, n;

    if (p->tok.kind != T_LPAREN) {
        rc = unexpected(p);
        goto done;
    }
    if ((rc = next(p)) < 0)
        goto done;
    for (;;) {
        st_expr_lit lit;
        size_t off = p->tok.off;
        int ok;
        if ((rc = parse_literal_tok(p, &lit, &ok)) < 0)
            goto done;
        if (!ok) {
            rc = not_a_literal(p);
            goto done;
        }
        if (lit.kind == ST_LIT_NULL) {
            rc = perr(p, off, "NULL in an IN list never matches; use IS NULL");
            goto done;
        }
        if ((rc = st_buf_put(&lits, &lit, sizeof(lit))) < 0)
            goto done;
        if (p->tok.kind == T_COMMA) {
            if ((rc = next(p)) < 0)
                goto done;
            continue;
        }
        if (p->tok.kind != T_RPAREN) {
            rc = unexpected(p);
            goto done;
        }
        if ((rc = next(p)) < 0)
            goto done;
        break;
    }
    n = (int)(lits.len / sizeof(st_expr_lit));
    if (!(e = leaf(p, neg ? ST_EXPR_NOT_IN : ST_EXPR_IN, col, n))) {
        rc = ST_ENOMEM;
        goto done;
    }
    memcpy(e->ulits, lits.ptr, lits.len);
    *out = e;
done:
    st_buf_dispose(&lits);
    return rc;
}

static int parse_between(parser *p, const operand *col, int neg, st_expr **out)
{
    st_expr *lo, *hi, *both;
    int rc;
    if (!(lo = leaf(p, ST_EXPR_GE, col, 1)) || !(hi = leaf(p, ST_EXPR_LE, col, 1)))
        return ST_ENOMEM;
    if ((rc = parse_literal(p, &lo->ulits[0])) < 0 || (rc = expect_kw(p, "and")) < 0 ||
        (rc = parse_literal(p, &hi->ulits[0])) < 0)
        return rc;
    if (!(both = junction2(p, ST_EXPR_AND, lo, hi)) || (neg && !(both = negate(p, both))))
        return ST_ENOMEM;
    *out = both;
    return 0;
}

/* LIKE 'abc%' is STARTS WITH 'abc'; LIKE 'abc' is = 'abc'; other patterns are refused. */
static int parse_like(parser *p, const operand *col, int neg, st_expr **out)
{
    size_t off = p->tok.off, cut;
    const char *pat;
    st_expr *e;
    int rc;

    if (p->tok.kind != T_STRING)
        return p->tok.kind == T_EOF ? unexpected(p) : perr(p, off, "LIKE needs a 'pattern' string");
    pat = p->tok.text;
    if ((rc = next(p)) < 0)
        return rc;
    cut = strcspn(pat, "%_");
    if (pat[cut] == 0) {
        e = leaf(p, neg ? ST_EXPR_NE : ST_EXPR_EQ, col, 1);
    } else {
        if (pat[cut] == '_' || pat[cut + strspn(pat + cut, "%")] != 0)
            return perr_code(p, ST_EUNSUPPORTED, off,
                             "LIKE '%.64s' is not supported: only prefix patterns such as 'abc%%' are",
                             pat);
        e = leaf(p, neg ? ST_EXPR_NOT_STARTS_WITH : ST_EXPR_STARTS_WITH, col, 1);
    }
    if (!e || !(e->ulits[0].text = st_arena_strndup(p->a, pat, cut)))
        return ST_ENOMEM;
    e->ulits[0].kind = ST_LIT_STRING;
    *out = e;
    return 0;
}

static int parse_starts_with(parser *p, const operand *col, int neg, st_expr **out)
{
    st_expr *e;
    int rc;
    if ((rc = expect_kw(p, "with")) < 0)
        return rc;
    if (p->tok.kind != T_STRING)
        return p->tok.kind == T_EOF ? unexpected(p)
                                    : perr(p, p->tok.off, "STARTS WITH needs a 'string'");
    if (!(e = leaf(p, neg ? ST_EXPR_NOT_STARTS_WITH : ST_EXPR_STARTS_WITH, col, 1)))
        return ST_ENOMEM;
    e->ulits[0].kind = ST_LIT_STRING;
    e->ulits[0].text = p->tok.text;
    *out = e;
    return next(p);
}

static int parse_is(parser *p, const operand *col, st_expr **out)
{
    int neg = 0, rc;
    st_expr_op op;
    if (is_kw(p, "not")) {
        neg = 1;
        if ((rc = next(p)) < 0)
            return rc;
    }
    if (is_kw(p, "null"))
        op = neg ? ST_EXPR_NOT_NULL : ST_EXPR_IS_NULL;
    else if (is_kw(p, "nan"))
        op = neg ? ST_EXPR_NOT_NAN : ST_EXPR_IS_NAN;
    else
        return p->tok.kind == T_EOF ? unexpected(p)
                                    : perr(p, p->tok.off, "expected NULL or NAN after IS");
    if (!(*out = leaf(p, op, col, 0)))
        return ST_ENOMEM;
    return next(p);
}

static int flip(st_expr_op op)
{
    switch (op) {
    case ST_EXPR_LT: return ST_EXPR_GT;
    case ST_EXPR_LE: return ST_EXPR_GE;
    case ST_EXPR_GT: return ST_EXPR_LT;
    case ST_EXPR_GE: return ST_EXPR_LE;
    default: return op;
    }
}

/* `column cmp literal` or `literal cmp column`, the first operand parsed. */
static int parse_comparison(parser *p, const operand *first, st_expr **out)
{
    st_expr_op op = p->tok.op;
    size_t op_off = p->tok.off;
    operand second;
    const operand *col, *lit;
    st_expr *e;
    int rc;

    if ((rc = next(p)) < 0 || (rc = parse_operand(p, &second)) < 0)
        return rc;
    if (first->is_column == second.is_column) {
        if (!first->is_column)
            return perr(p, op_off, "a comparison needs a column on one side");
        return perr_code(p, ST_EUNSUPPORTED, second.off, "comparing two columns is not supported%s",
                         second.quoted ? " (\"double quotes\" name a column; strings take 'single quotes')"
                                       : "");
    }
    col = first->is_column ? first : &second;
    lit = first->is_column ? &second : first;
    if (lit->lit.kind == ST_LIT_NULL)
        return null_hint(p, lit->off);
    if (!(e = leaf(p, first->is_column ? op : (st_expr_op)flip(op), col, 1)))
        return ST_ENOMEM;
    e->ulits[0] = lit->lit;
    *out = e;
    return 0;
}

static int parse_predicate(parser *p, st_expr **out)
{
    operand o;
    int rc, neg = 0;
    size_t not_off;

    if ((rc = parse_operand(p, &o)) < 0)
        return rc;
    if (p->tok.kind == T_CMP)
        return parse_comparison(p, &o, out);
    if (!o.is_column) {
        if (o.lit.kind == ST_LIT_BOOLEAN) {
            *out = expr_const(p->a, strcmp(o.lit.text, "true") == 0, ST_EXPR_UNBOUND);
            return *out ? 0 : ST_ENOMEM;
        }
        if (o.lit.kind == ST_LIT_NULL)
            return perr(p, o.off, "NULL is not a condition; use column IS NULL");
        return p->tok.kind == T_EOF ? perr(p, o.off, "a literal is not a condition")
                                    : unexpected(p);
    }
    if (is_kw(p, "is")) {
        if ((rc = next(p)) < 0)
            return rc;
        return parse_is(p, &o, out);
    }
    not_off = p->tok.off;
    if (is_kw(p, "not")) {
        neg = 1;
        if ((rc = next(p)) < 0)
            return rc;
    }
    if (is_kw(p, "in")) {
        if ((rc = next(p)) < 0)
            return rc;
        return parse_in(p, &o, neg, out);
    }
    if (is_kw(p, "between")) {
        if ((rc = next(p)) < 0)
            return rc;
        return parse_between(p, &o, neg, out);
    }
    if (is_kw(p, "like")) {
        if ((rc = next(p)) < 0)
            return rc;
        return parse_like(p, &o, neg, out);
    }
    if (is_kw(p, "starts")) {
        if ((rc = next(p)) < 0)
            return rc;
        return parse_starts_with(p, &o, neg, out);
    }
    if (neg)
        return perr(p, not_off, "expected IN, BETWEEN, LIKE or STARTS WITH after NOT");
    /* a bare column: a boolean that must be true */
    if (!(*out = leaf(p, ST_EXPR_EQ, &o, 1)))
        return ST_ENOMEM;
    (*out)->ulits[0].kind = ST_LIT_BOOLEAN;
    (*out)->ulits[0].text = "true";
    return 0;
}

/* ---------------------------------------------------------------- logic */

static int parse_or(parser *p, st_expr **out);

static int parse_not(parser *p, st_expr **out)
{
    int rc;
    if (++p->depth > MAX_DEPTH)
        return perr(p, p->tok.off, "filter nested too deeply");
    if (is_kw(p, "not")) {
        st_expr *inner;
        if ((rc = next(p)) < 0 || (rc = parse_not(p, &inner)) < 0)
            return rc;
        if (!(*out = negate(p, inner)))
            return ST_ENOMEM;
    } else if (p->tok.kind == T_LPAREN) {
        if ((rc = next(p)) < 0 || (rc = parse_or(p, out)) < 0)
            return rc;
        if (p->tok.kind != T_RPAREN)
            return unexpected(p);
        if ((rc = next(p)) < 0)
            return rc;
    } else if ((rc = parse_predicate(p, out)) < 0) {
        return rc;
    }
    p->depth--;
    return 0;
}

/* One n-ary node for `x op y op z`, children of the same op spliced in. */
static int parse_chain(parser *p, st_expr_op op, int (*sub)(parser *, st_expr **), st_expr **out)
{
    st_buf kids = ST_BUF_INIT;
    st_expr *e, *node;
    int rc;

    if ((rc = sub(p, &e)) < 0)
        return rc;
    if (!is_kw(p, op == ST_EXPR_AND ? "and" : "or")) {
        *out = e;
        return 0;
    }
    for (;;) {
        if (e->op == op)
            rc = st_buf_put(&kids, e->args, sizeof(st_expr *) * (size_t)e->n_args);
        else
            rc = st_buf_put(&kids, &e, sizeof(e));
        if (rc < 0 || !is_kw(p, op == ST_EXPR_AND ? "and" : "or"))
            break;
        if ((rc = next(p)) < 0 || (rc = sub(p, &e)) < 0)
            break;
    }
    if (rc == 0) {
        if (!(node = expr_node(p->a, op, ST_EXPR_UNBOUND)) ||
            !(node->args = st_arena_alloc(p->a, kids.len))) {
            rc = ST_ENOMEM;
        } else {
            memcpy(node->args, kids.ptr, kids.len);
            node->n_args = (int)(kids.len / sizeof(st_expr *));
            *out = node;
        }
    }
    st_buf_dispose(&kids);
    return rc;
}

static int parse_and(parser *p, st_expr **out)
{
    return parse_chain(p, ST_EXPR_AND, parse_not, out);
}

static int parse_or(parser *p, st_expr **out)
{
    return parse_chain(p, ST_EXPR_OR, parse_and, out);
}

int st_expr_parse(st_expr **out, const char *text)
{
    parser p;
    st_expr *root = NULL;
    int rc;

    *out = NULL;
    if (!text)
        return st_error_set(ST_EINVALID, ST_ERROR_ICEBERG, "filter: no text");
    memset(&p, 0, sizeof(p));
    p.src = text;
    if (!(p.a = expr_arena_new()))
        return ST_ENOMEM;
    if ((rc = next(&p)) == 0 && (rc = parse_or(&p, &root)) == 0 && p.tok.kind != T_EOF)
        rc = unexpected(&p);
    return expr_finish(out, root, p.a, rc);
}
