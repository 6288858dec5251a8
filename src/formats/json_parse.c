/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A small RFC 8259 JSON parser for JSON lines: one text per call, nodes in an
 * arena. It is ours rather than jansson's because it keeps the text of every
 * number (so 64-bit integers and decimals convert exactly, without a detour
 * through double), allocates through st_malloc (fault injection covers it) and
 * reports the column of an error.
 *
 * Strictness: the grammar is RFC 8259's (no comments, trailing commas, NaN
 * literals or single quotes); control characters must be escaped in strings.
 * Lenient on encoding: bytes that are not UTF-8 pass through, and lone
 * surrogate escapes decode to U+FFFD.
 */
#include <stdio.h>

#include "formats/formats_int.h"
#include "util/alloc.h"
#include "util/arena.h"

typedef struct jp {
    const char *s;
    size_t n, i;
    st_arena *arena;
    int depth;
} jp;

static int jerr(jp *p, const char *what)
{
    return st_error_set(ST_EINVALID, ST_ERROR_JSON, "column %zu: %s", p->i + 1, what);
}

static int jerr_char(jp *p, const char *expected)
{
    char msg[96];
    unsigned char c = p->i < p->n ? (unsigned char)p->s[p->i] : 0;
    if (p->i >= p->n)
        snprintf(msg, sizeof(msg), "expected %s, found the end of the line", expected);
    else if (c >= 0x20 && c < 0x7f)
        snprintf(msg, sizeof(msg), "expected %s, found '%c'", expected, c);
    else
        snprintf(msg, sizeof(msg), "expected %s, found byte 0x%02x", expected, c);
    return jerr(p, msg);
}

static void skip_ws(jp *p)
{
    while (p->i < p->n &&
           (p->s[p->i] == ' ' || p->s[p->i] == '\t' || p->s[p->i] == '\r' || p->s[p->i] == '\n'))
        p->i++;
}

static st_json *node(jp *p, st_json_kind kind)
{
    st_json *v = st_arena_calloc(p->arena, 1, sizeof(*v));
    if (v) {
        v->kind = kind;
        v->column = (uint32_t)(p->i + 1 > UINT32_MAX ? UINT32_MAX : p->i + 1);
    }
    return v;
}

static int hex4(const char *s, uint32_t *out)
{
    uint32_t v = 0;
    for (int k = 0; k < 4; k++) {
        char c = s[k];
        v <<= 4;
        if (c >= '0' && c <= '9')
            v |= (uint32_t)(c - '0');
        else if (c >= 'a' && c <= 'f')
            v |= (uint32_t)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            v |= (uint32_t)(c - 'A' + 10);
        else
            return -1;
    }
    *out = v;
    return 0;
}

static size_t put_utf8(char *d, uint32_t cp)
{
    if (cp < 0x80) {
        d[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        d[0] = (char)(0xc0 | cp >> 6);
        d[1] = (char)(0x80 | (cp & 0x3f));
        return 2;
    }
    if (cp < 0x10000) {
        d[0] = (char)(0xe0 | cp >> 12);
        d[1] = (char)(0x80 | (cp >> 6 & 0x3f));
        d[2] = (char)(0x80 | (cp & 0x3f));
        return 3;
    }
    d[0] = (char)(0xf0 | cp >> 18);
    d[1] = (char)(0x80 | (cp >> 12 & 0x3f));
    d[2] = (char)(0x80 | (cp >> 6 & 0x3f));
    d[3] = (char)(0x80 | (cp & 0x3f));
    return 4;
}

/* A \u escape at s[*k] (after the backslash and 'u'), a surrogate pair included. */
static int unicode_escape(jp *p, size_t *k, size_t end, uint32_t *cp)
{
    uint32_t lo;
    if (*k + 4 > end || hex4(p->s + *k, cp) < 0) {
        p->i = *k;
        return jerr(p, "bad \\u escape");
    }
    *k += 4;
    if (*cp >= 0xd800 && *cp <= 0xdbff && *k + 6 <= end && p->s[*k] == '\\' &&
        p->s[*k + 1] == 'u' && hex4(p->s + *k + 2, &lo) == 0 && lo >= 0xdc00 && lo <= 0xdfff) {
        *cp = 0x10000 + ((*cp - 0xd800) << 10) + (lo - 0xdc00);
        *k += 6;
    } else if (*cp >= 0xd800 && *cp <= 0xdfff) {
        *cp = 0xfffd; /* a lone surrogate has no UTF-8 form */
    }
    return 0;
}

/* Decodes the escapes of s[start, end) (the string's content) into the arena. */
static int decode_escapes(jp *p, size_t start, size_t end, const char **out, uint32_t *len)
{
    char *d = st_arena_alloc(p->arena, end - start + 1);
    size_t n = 0, k = start;
    int rc;
    if (!d)
        return ST_ENOMEM;
    while (k < end) {
        char c = p->s[k++];
        uint32_t cp;
        if (c != '\\') {
            d[n++] = c;
            continue;
        }
        switch (c = p->s[k++]) {
        case '"': case '\\': case '/': d[n++] = c; break;
        case 'b': d[n++] = '\b'; break;
        case 'f': d[n++] = '\f'; break;
        case 'n': d[n++] = '\n'; break;
        case 'r': d[n++] = '\r'; break;
        case 't': d[n++] = '\t'; break;
        case 'u':
            if ((rc = unicode_escape(p, &k, end, &cp)) < 0)
                return rc;
            n += put_utf8(d + n, cp);
            break;
        default: p->i = k - 1; return jerr(p, "bad escape in string");
        }
    }
    d[n] = 0;
    *out = d;
    *len = (uint32_t)n;
    return 0;
}

/* A string at p->i (the opening quote); its decoded bytes. */
static int parse_string(jp *p, const char **out, uint32_t *len)
{
    size_t start = ++p->i;
    int escaped = 0;
    while (p->i < p->n && p->s[p->i] != '"') {
        unsigned char c = (unsigned char)p->s[p->i];
        if (c < 0x20)
            return jerr(p, "unescaped control character in string");
        if (c == '\\') {
            escaped = 1;
            p->i++;
            if (p->i >= p->n)
                break;
        }
        p->i++;
    }
    if (p->i >= p->n) {
        p->i = start - 1;
        return jerr(p, "unterminated string");
    }
    if (p->i - start > UINT32_MAX - 1)
        return jerr(p, "string too long");
    p->i++;
    if (!escaped) {
        *out = p->s + start;
        *len = (uint32_t)(p->i - 1 - start);
        return 0;
    }
    return decode_escapes(p, start, p->i - 1, out, len);
}

static size_t digits(jp *p)
{
    size_t start = p->i;
    while (p->i < p->n && p->s[p->i] >= '0' && p->s[p->i] <= '9')
        p->i++;
    return p->i - start;
}

static int parse_number(jp *p, st_json *v)
{
    size_t start = p->i;
    v->is_integer = 1;
    if (p->s[p->i] == '-')
        p->i++;
    if (p->i < p->n && p->s[p->i] == '0')
        p->i++;
    else if (digits(p) == 0)
        return jerr_char(p, "a digit");
    if (p->i < p->n && p->s[p->i] == '.') {
        p->i++;
        v->is_integer = 0;
        if (digits(p) == 0)
            return jerr_char(p, "a digit after '.'");
    }
    if (p->i < p->n && (p->s[p->i] == 'e' || p->s[p->i] == 'E')) {
        p->i++;
        v->is_integer = 0;
        if (p->i < p->n && (p->s[p->i] == '+' || p->s[p->i] == '-'))
            p->i++;
        if (digits(p) == 0)
            return jerr_char(p, "a digit in the exponent");
    }
    v->s = p->s + start;
    v->len = (uint32_t)(p->i - start);
    return 0;
}

static int parse_value(jp *p, st_json **out);

/* Members or elements up to `close`, as a linked list of children. */
static int parse_children(jp *p, st_json *v, char close)
{
    st_json **tail = &v->child;
    int rc;
    p->i++;
    skip_ws(p);
    if (p->i < p->n && p->s[p->i] == close) {
        p->i++;
        return 0;
    }
    for (;;) {
        const char *key = NULL;
        uint32_t key_len = 0;
        st_json *c;
        if (close == '}') {
            if (p->i >= p->n || p->s[p->i] != '"')
                return jerr_char(p, "a member name");
            if ((rc = parse_string(p, &key, &key_len)) < 0)
                return rc;
            skip_ws(p);
            if (p->i >= p->n || p->s[p->i] != ':')
                return jerr_char(p, "':'");
            p->i++;
            skip_ws(p);
        }
        if ((rc = parse_value(p, &c)) < 0)
            return rc;
        c->key = key;
        c->key_len = key_len;
        *tail = c;
        tail = &c->next;
        if (v->len == UINT32_MAX)
            return jerr(p, "too many elements");
        v->len++;
        skip_ws(p);
        if (p->i < p->n && p->s[p->i] == ',') {
            p->i++;
            skip_ws(p);
            continue;
        }
        if (p->i < p->n && p->s[p->i] == close) {
            p->i++;
            return 0;
        }
        return jerr_char(p, close == '}' ? "',' or '}'" : "',' or ']'");
    }
}

static int literal(jp *p, const char *word, st_json_kind kind, st_json **out)
{
    size_t n = strlen(word);
    if (p->n - p->i < n || memcmp(p->s + p->i, word, n) != 0)
        return jerr_char(p, "a JSON value");
    if (!(*out = node(p, kind)))
        return ST_ENOMEM;
    p->i += n;
    return 0;
}

static int parse_value(jp *p, st_json **out)
{
    st_json *v;
    int rc;
    char c;

    if (p->i >= p->n)
        return jerr_char(p, "a JSON value");
    c = p->s[p->i];
    if (c == 't')
        return literal(p, "true", ST_JSON_TRUE, out);
    if (c == 'f')
        return literal(p, "false", ST_JSON_FALSE, out);
    if (c == 'n')
        return literal(p, "null", ST_JSON_NULL, out);
    if (c != '{' && c != '[' && c != '"' && c != '-' && !(c >= '0' && c <= '9'))
        return jerr_char(p, "a JSON value");
    if (!(v = node(p, c == '{' ? ST_JSON_OBJECT : c == '[' ? ST_JSON_ARRAY
                       : c == '"' ? ST_JSON_STRING : ST_JSON_NUMBER)))
        return ST_ENOMEM;
    *out = v;
    if (c == '"')
        return parse_string(p, &v->s, &v->len);
    if (v->kind == ST_JSON_NUMBER)
        return parse_number(p, v);
    if (++p->depth > ST_FMT_MAX_DEPTH)
        return jerr(p, "nested too deeply");
    rc = parse_children(p, v, c == '{' ? '}' : ']');
    p->depth--;
    return rc;
}

int st_json_parse(st_json **out, st_arena *arena, const char *s, size_t len,
                  uint32_t *err_column)
{
    jp p = {s, len, 0, arena, 0};
    int rc;

    *out = NULL;
    skip_ws(&p);
    if ((rc = parse_value(&p, out)) == 0) {
        skip_ws(&p);
        if (p.i < p.n)
            rc = jerr(&p, "unexpected text after the JSON value");
    }
    if (rc < 0) {
        *out = NULL;
        if (err_column)
            *err_column = (uint32_t)(p.i + 1 > UINT32_MAX ? UINT32_MAX : p.i + 1);
    }
    return rc;
}

int st_json_write(st_buf *b, const st_json *v)
{
    int rc = 0;
    switch (v->kind) {
    case ST_JSON_NULL: return st_buf_puts(b, "null");
    case ST_JSON_FALSE: return st_buf_puts(b, "false");
    case ST_JSON_TRUE: return st_buf_puts(b, "true");
    case ST_JSON_NUMBER: return st_buf_put(b, v->s, v->len);
    case ST_JSON_STRING: return st_fmt_json_string(b, (const uint8_t *)v->s, v->len);
    default: break;
    }
    if ((rc = st_buf_putc(b, v->kind == ST_JSON_OBJECT ? '{' : '[')) < 0)
        return rc;
    for (const st_json *c = v->child; c; c = c->next) {
        if (c != v->child && (rc = st_buf_putc(b, ',')) < 0)
            return rc;
        if (v->kind == ST_JSON_OBJECT &&
            ((rc = st_fmt_json_string(b, (const uint8_t *)c->key, c->key_len)) < 0 ||
             (rc = st_buf_putc(b, ':')) < 0))
            return rc;
        if ((rc = st_json_write(b, c)) < 0)
            return rc;
    }
    return st_buf_putc(b, v->kind == ST_JSON_OBJECT ? '}' : ']');
}
