/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The schema syntax of the CLI ("id long not null, tags list<string>, ..."):
 * a recursive-descent parser into a parse tree, then a pass that builds the
 * types and assigns field ids, and the formatter that prints it back.
 *
 * Grammar (keywords and type names are case-insensitive):
 *   schema   := field (',' field)*
 *   field    := name [':'] type [nullness]
 *   nullness := 'not' 'null' | 'null'
 *   name     := [A-Za-z0-9_$\x80-\xff]+ | '`' ( [^`] | '``' )* '`'
 *   type     := primitive | 'decimal' '(' P ',' S ')' | 'fixed' '[' L ']'
 *             | 'list' '<' type [nullness] '>'
 *             | 'map' '<' type [nullness] ',' type [nullness] '>'
 *             | 'struct' '<' [field (',' field)*] '>'
 *
 * Field ids follow Iceberg's assignment for a new schema (Java
 * TypeUtil.assignFreshIds / AssignFreshIds, PyIceberg assign_fresh_schema_ids):
 * a struct first numbers all of its own fields consecutively, then visits each
 * field's type in order; a list numbers its element, then visits the element
 * type; a map numbers its key and then its value, then visits the key type and
 * then the value type. So "a int, b struct<c: int, d: list<int>>, e int" gets
 * a=1 b=2 e=3 c=4 d=5 d.element=6.
 */
#include <stdarg.h>
#include <stdio.h>
#include <strings.h>

#include "columnar/columnar_int.h"
#include "util/alloc.h"
#include "util/arena.h"

typedef struct pnode pnode;

typedef struct pfield {
    const char *name;
    int required;
    pnode *type;
    struct pfield *next;
} pfield;

/* A parsed type; ids are assigned when the types are built. */
struct pnode {
    st_type_id id;
    int32_t a, b;    /* decimal precision and scale; fixed length in a */
    int n;           /* struct fields, 1 for list, 2 for map */
    pfield *fields;  /* in order */
};

typedef struct parser {
    const char *s;
    size_t len;
    size_t pos;
    size_t ctx;      /* start of the construct being parsed: where snippets begin */
    int depth;
    st_arena arena;
} parser;

static const struct {
    const char *name;
    st_type_id id;
} g_type_names[] = {
    {"boolean", ST_TYPE_BOOLEAN}, {"bool", ST_TYPE_BOOLEAN},
    {"int", ST_TYPE_INT}, {"integer", ST_TYPE_INT}, {"int32", ST_TYPE_INT},
    {"long", ST_TYPE_LONG}, {"bigint", ST_TYPE_LONG}, {"int64", ST_TYPE_LONG},
    {"float", ST_TYPE_FLOAT}, {"real", ST_TYPE_FLOAT}, {"float32", ST_TYPE_FLOAT},
    {"double", ST_TYPE_DOUBLE}, {"float64", ST_TYPE_DOUBLE},
    {"date", ST_TYPE_DATE}, {"time", ST_TYPE_TIME},
    {"timestamp", ST_TYPE_TIMESTAMP}, {"timestamptz", ST_TYPE_TIMESTAMPTZ},
    {"timestamp_ns", ST_TYPE_TIMESTAMP_NS}, {"timestamptz_ns", ST_TYPE_TIMESTAMPTZ_NS},
    {"string", ST_TYPE_STRING}, {"text", ST_TYPE_STRING}, {"varchar", ST_TYPE_STRING},
    {"uuid", ST_TYPE_UUID},
    {"binary", ST_TYPE_BINARY}, {"bytes", ST_TYPE_BINARY}, {"blob", ST_TYPE_BINARY},
    {"decimal", ST_TYPE_DECIMAL}, {"fixed", ST_TYPE_FIXED},
    {"list", ST_TYPE_LIST}, {"map", ST_TYPE_MAP}, {"struct", ST_TYPE_STRUCT},
};

static int is_ident_char(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '_' || c == '$' || c >= 0x80;
}

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static void skip_ws(parser *p)
{
    while (p->pos < p->len && is_space(p->s[p->pos]))
        p->pos++;
}

/* End of the token starting at `at`, so that a snippet shows the offending word. */
static size_t token_end(const parser *p, size_t at)
{
    size_t e = at;
    if (at >= p->len || is_space(p->s[at]))
        return at;
    while (e < p->len && is_ident_char((unsigned char)p->s[e]) && e - at < 40)
        e++;
    return e == at ? at + 1 : e;
}

/* Sets an ST_EINVALID error: "<what> at offset N: '<text near the problem>'". */
static int perr(parser *p, size_t at, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

static int perr(parser *p, size_t at, const char *fmt, ...)
{
    char what[512], snippet[80];
    size_t end = token_end(p, at), start = p->ctx <= at ? p->ctx : at, n = 0;
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(what, sizeof(what), fmt, ap);
    va_end(ap);
    if (end - start > 60)
        start = end - 60;
    for (size_t i = start; i < end && n < sizeof(snippet) - 1; i++)
        snippet[n++] = (unsigned char)p->s[i] < 0x20 ? '?' : p->s[i];
    snippet[n] = 0;
    return st_error_set(ST_EINVALID, ST_ERROR_SCHEMA, "%s at offset %zu: '%s'", what, at,
                        snippet);
}

/* Consumes `c` (after whitespace) when it is next. */
static int accept(parser *p, char c)
{
    skip_ws(p);
    if (p->pos < p->len && p->s[p->pos] == c) {
        p->pos++;
        return 1;
    }
    return 0;
}

/* The identifier at the current position (after whitespace); length 0 if none. */
static size_t peek_ident(parser *p, const char **start)
{
    size_t e;
    skip_ws(p);
    e = p->pos;
    while (e < p->len && is_ident_char((unsigned char)p->s[e]))
        e++;
    *start = p->s + p->pos;
    return e - p->pos;
}

static int word_is(const char *w, size_t n, const char *kw)
{
    return strlen(kw) == n && strncasecmp(w, kw, n) == 0;
}

static int parse_uint(parser *p, int32_t *out, const char *what)
{
    int64_t v = 0;
    size_t at;
    skip_ws(p);
    at = p->pos;
    if (p->pos >= p->len || p->s[p->pos] < '0' || p->s[p->pos] > '9')
        return perr(p, at, "expected %s", what);
    while (p->pos < p->len && p->s[p->pos] >= '0' && p->s[p->pos] <= '9') {
        v = v * 10 + (p->s[p->pos++] - '0');
        if (v > INT32_MAX)
            return perr(p, at, "%s is too large", what);
    }
    *out = (int32_t)v;
    return 0;
}

static int parse_name(parser *p, const char **out)
{
    const char *w;
    size_t n = peek_ident(p, &w), at = p->pos;
    st_buf b = ST_BUF_INIT;
    char *name;

    if (n > 0) {
        p->pos += n;
        name = st_arena_strndup(&p->arena, w, n);
    } else if (p->pos < p->len && p->s[p->pos] == '`') {
        /* A quoted name keeps spaces, commas and '``' (one backquote). */
        for (p->pos++;; p->pos++) {
            if (p->pos >= p->len) {
                st_buf_dispose(&b);
                return perr(p, at, "unterminated quoted name");
            }
            if (p->s[p->pos] == '`' && (p->pos + 1 >= p->len || p->s[p->pos + 1] != '`'))
                break;
            if (p->s[p->pos] == '`')
                p->pos++;
            if (st_buf_putc(&b, p->s[p->pos]) < 0) {
                st_buf_dispose(&b);
                return ST_ENOMEM;
            }
        }
        p->pos++;
        name = st_arena_strdup(&p->arena, st_buf_cstr(&b));
        st_buf_dispose(&b);
    } else {
        return perr(p, at, p->pos >= p->len ? "expected a field name, found the end"
                                             : "expected a field name");
    }
    if (!name)
        return ST_ENOMEM;
    *out = name;
    return 0;
}

/* Optional "not null" / "null" after a type; *required untouched when absent. */
static int parse_nullness(parser *p, int *required)
{
    const char *w;
    size_t n = peek_ident(p, &w), at = p->pos;
    if (word_is(w, n, "null")) {
        p->pos += n;
        *required = 0;
    } else if (word_is(w, n, "not")) {
        p->pos += n;
        n = peek_ident(p, &w);
        if (!word_is(w, n, "null"))
            return perr(p, at, "expected 'null' after 'not'");
        p->pos += n;
        *required = 1;
    }
    return 0;
}

static int parse_type(parser *p, pnode **out);
static int parse_fields(parser *p, pnode *node, char close);

static pfield *new_field(parser *p, pnode *node, pfield **tail)
{
    pfield *f = st_arena_calloc(&p->arena, 1, sizeof(*f));
    if (f) {
        *tail = f;
        node->n++;
    }
    return f;
}

static int parse_decimal(parser *p, pnode *node)
{
    size_t at;
    int rc;
    if (!accept(p, '('))
        return perr(p, p->pos, "expected '(' after decimal");
    at = (skip_ws(p), p->pos);
    if ((rc = parse_uint(p, &node->a, "decimal precision")) < 0)
        return rc;
    if (node->a < 1 || node->a > 38)
        return perr(p, at, "decimal precision must be between 1 and 38, got %d", (int)node->a);
    if (!accept(p, ','))
        return perr(p, p->pos, "expected ',' after decimal precision");
    at = (skip_ws(p), p->pos);
    if ((rc = parse_uint(p, &node->b, "decimal scale")) < 0)
        return rc;
    if (node->b > node->a)
        return perr(p, at, "decimal scale must be between 0 and the precision %d, got %d",
                    (int)node->a, (int)node->b);
    if (!accept(p, ')'))
        return perr(p, p->pos, "expected ')' after decimal scale");
    return 0;
}

static int parse_fixed(parser *p, pnode *node)
{
    size_t at;
    int rc;
    if (!accept(p, '['))
        return perr(p, p->pos, "expected '[' after fixed");
    at = (skip_ws(p), p->pos);
    if ((rc = parse_uint(p, &node->a, "fixed length")) < 0)
        return rc;
    if (node->a < 1)
        return perr(p, at, "fixed length must be at least 1, got %d", (int)node->a);
    if (!accept(p, ']'))
        return perr(p, p->pos, "expected ']' after fixed length");
    return 0;
}

/* One element type of list<...> or map<...>, with its nullness. */
static int parse_child(parser *p, pnode *node, pfield **tail, const char *name)
{
    pfield *f = new_field(p, node, tail);
    int rc;
    if (!f)
        return ST_ENOMEM;
    f->name = name;
    if ((rc = parse_type(p, &f->type)) < 0)
        return rc;
    return parse_nullness(p, &f->required);
}

static int parse_list_or_map(parser *p, pnode *node, const char *kind)
{
    int rc;
    if (!accept(p, '<'))
        return perr(p, p->pos, "expected '<' after %s", kind);
    if ((rc = parse_child(p, node, &node->fields, node->id == ST_TYPE_LIST ? "element" : "key")))
        return rc;
    if (node->id == ST_TYPE_LIST) {
        if (!accept(p, '>'))
            return perr(p, p->pos, "expected '>' after list element type");
        return 0;
    }
    node->fields->required = 1;
    if (!accept(p, ','))
        return perr(p, p->pos, "expected ',' after map key type");
    if ((rc = parse_child(p, node, &node->fields->next, "value")) < 0)
        return rc;
    if (!accept(p, '>'))
        return perr(p, p->pos, "expected '>' after map value type");
    return 0;
}

static int parse_type(parser *p, pnode **out)
{
    const char *w;
    size_t n = peek_ident(p, &w), at = p->pos, saved_ctx = p->ctx;
    pnode *node;
    int rc = 0;
    size_t i;

    if (n == 0)
        return perr(p, at, p->pos >= p->len ? "expected a type, found the end"
                                             : "expected a type");
    for (i = 0; i < sizeof(g_type_names) / sizeof(g_type_names[0]); i++)
        if (word_is(w, n, g_type_names[i].name))
            break;
    if (i == sizeof(g_type_names) / sizeof(g_type_names[0]))
        return perr(p, at, "unknown type '%.*s'", (int)(n > 64 ? 64 : n), w);
    if (++p->depth > ST_COL_MAX_DEPTH)
        return perr(p, at, "types nested deeper than %d levels", ST_COL_MAX_DEPTH);
    if (!(node = st_arena_calloc(&p->arena, 1, sizeof(*node))))
        return ST_ENOMEM;
    node->id = g_type_names[i].id;
    p->pos += n;
    p->ctx = at;
    switch (node->id) {
    case ST_TYPE_DECIMAL: rc = parse_decimal(p, node); break;
    case ST_TYPE_FIXED: rc = parse_fixed(p, node); break;
    case ST_TYPE_LIST: rc = parse_list_or_map(p, node, "list"); break;
    case ST_TYPE_MAP: rc = parse_list_or_map(p, node, "map"); break;
    case ST_TYPE_STRUCT:
        if (!accept(p, '<'))
            return perr(p, p->pos, "expected '<' after struct");
        rc = accept(p, '>') ? 0 : parse_fields(p, node, '>');
        break;
    default: break;
    }
    if (rc < 0)
        return rc;
    p->depth--;
    p->ctx = saved_ctx;
    *out = node;
    return 0;
}

static int parse_field(parser *p, pfield *f)
{
    size_t saved_ctx = p->ctx;
    int rc;
    skip_ws(p);
    p->ctx = p->pos;
    if ((rc = parse_name(p, &f->name)) < 0)
        return rc;
    accept(p, ':');
    if ((rc = parse_type(p, &f->type)) < 0)
        return rc;
    if ((rc = parse_nullness(p, &f->required)) < 0)
        return rc;
    p->ctx = saved_ctx;
    return 0;
}

/* Fields up to `close` ('>' for struct<...>, 0 for the end of a schema). */
static int parse_fields(parser *p, pnode *node, char close)
{
    pfield **tail = &node->fields;
    for (;;) {
        size_t at = (skip_ws(p), p->pos);
        pfield *f = new_field(p, node, tail);
        int rc;
        if (!f)
            return ST_ENOMEM;
        if ((rc = parse_field(p, f)) < 0)
            return rc;
        for (pfield *g = node->fields; g != f; g = g->next)
            if (strcmp(g->name, f->name) == 0) {
                p->ctx = at;
                return perr(p, at, "duplicate field name '%s'", f->name);
            }
        tail = &f->next;
        if (accept(p, ','))
            continue;
        skip_ws(p);
        if (close == 0 && p->pos >= p->len)
            return 0;
        if (close != 0 && accept(p, close))
            return 0;
        p->ctx = at;
        if (close == 0)
            return perr(p, p->pos, "expected ',' or the end after field '%s'", f->name);
        return perr(p, p->pos, "expected ',' or '%c' after struct field '%s'", close, f->name);
    }
}

static int build_type(const pnode *node, int32_t *next_id, st_type **out);

/* Builds the fields of a struct, list or map: ids for all of them first, then
 * their types, in Iceberg's order. */
static int build_children(const pnode *node, int32_t *next_id, st_field *fields)
{
    const pfield *f;
    int i, rc;
    for (f = node->fields, i = 0; f; f = f->next, i++) {
        fields[i].id = (*next_id)++;
        fields[i].name = f->name;
        fields[i].required = f->required;
    }
    for (f = node->fields, i = 0; f; f = f->next, i++)
        if ((rc = build_type(f->type, next_id, &fields[i].type)) < 0)
            return rc;
    return 0;
}

static int build_type(const pnode *node, int32_t *next_id, st_type **out)
{
    st_field *fields;
    int rc;

    *out = NULL;
    switch (node->id) {
    case ST_TYPE_DECIMAL: return st_type_decimal_new(out, node->a, node->b);
    case ST_TYPE_FIXED: return st_type_fixed_new(out, node->a);
    case ST_TYPE_STRUCT:
    case ST_TYPE_LIST:
    case ST_TYPE_MAP: break;
    default: *out = st_type_primitive(node->id); return 0;
    }
    if (!(fields = st_calloc(node->n ? (size_t)node->n : 1, sizeof(*fields))))
        return ST_ENOMEM;
    rc = build_children(node, next_id, fields);
    if (rc == 0 && node->id == ST_TYPE_STRUCT)
        rc = st_type_struct_new(out, fields, node->n);
    else if (rc == 0 && node->id == ST_TYPE_LIST)
        rc = st_type_list_new(out, &fields[0]);
    else if (rc == 0)
        rc = st_type_map_new(out, &fields[0], &fields[1]);
    for (int i = 0; i < node->n; i++)
        st_type_free(fields[i].type);
    st_free(fields);
    return rc;
}

int st_schema_parse(st_type **out, const char *text)
{
    parser p;
    pnode root;
    int32_t next_id = 1;
    int rc;

    *out = NULL;
    if (!text)
        return st_error_set(ST_EINVALID, ST_ERROR_SCHEMA, "no schema text");
    memset(&p, 0, sizeof(p));
    memset(&root, 0, sizeof(root));
    p.s = text;
    p.len = strlen(text);
    root.id = ST_TYPE_STRUCT;
    skip_ws(&p);
    if (p.pos >= p.len)
        rc = perr(&p, p.pos, "empty schema");
    else
        rc = parse_fields(&p, &root, 0);
    if (rc == 0)
        rc = build_type(&root, &next_id, out);
    st_arena_dispose(&p.arena);
    return rc;
}

int st_schema_to_string(char **out, const st_type *schema)
{
    st_buf b = ST_BUF_INIT;
    int rc = 0;

    *out = NULL;
    if (!schema || schema->id != ST_TYPE_STRUCT)
        return st_error_set(ST_EINVALID, ST_ERROR_SCHEMA, "a schema must be a struct type");
    if ((rc = st_buf_puts(&b, "")) < 0)
        return rc;
    for (int i = 0; rc == 0 && i < schema->n_fields; i++) {
        const st_field *f = &schema->fields[i];
        if (i > 0)
            rc = st_buf_puts(&b, ", ");
        if (rc == 0 && (rc = st_col_name_format(&b, f->name)) == 0 &&
            (rc = st_buf_putc(&b, ' ')) == 0 && (rc = st_col_type_format(&b, f->type)) == 0 &&
            f->required)
            rc = st_buf_puts(&b, " not null");
    }
    if (rc < 0) {
        st_buf_dispose(&b);
        return rc;
    }
    *out = (char *)st_buf_detach(&b);
    return 0;
}
