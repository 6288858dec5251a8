/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Writer schemas: the JSON text of avro.schema, read with a small JSON
 * parser of our own into an st_avro_type tree that keeps the attributes avro-c forgets (field-id,
 * element-id, key-id, value-id, logicalType, adjust-to-utc), plus the
 * checked skip over one datum of any type that the record decoders use for
 * the fields they do not want.
 *
 * The same walk prepares the text handed to avro-c's encoder (the writer):
 * field names that are not Avro identifiers (Java keeps letters such as 'é'
 * that avro-c rejects) are replaced by positional names, which the binary
 * encoding never uses.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "avro/avro_decode.h"
#include "avro/avro_file.h"
#include "avro/avro_int.h"
#include "util/alloc.h"
#include "util/buf.h"

#define MAX_DEPTH 64
#define MAX_JSON_DEPTH 512

/* ================================================================ JSON */

/*
 * A JSON value in the arena. The schema text of a manifest is parsed once per
 * file, so this is a small tree without hashing or per-node malloc (jansson's
 * DOM cost more than decoding a 100-entry manifest): members and items are
 * linked lists, looked up by scanning.
 */
typedef enum jkind { J_NULL, J_FALSE, J_TRUE, J_INT, J_REAL, J_STRING, J_ARRAY, J_OBJECT } jkind;

typedef struct jnode jnode;
struct jnode {
    jkind kind;
    int n;                       /* arrays and objects: items or members */
    jnode *child;                /* first item or member */
    jnode *next;                 /* next item or member of the parent */
    const char *key;             /* a member's key */
    const char *s;               /* J_STRING: the unescaped text */
    long long i;                 /* J_INT */
    size_t off, end;             /* J_STRING: the token (quotes included) in the text */
};

typedef struct jparser {
    st_arena *arena;
    const char *text, *p, *end;
    const char *err;             /* what is wrong (static text) */
} jparser;

static int jfail(jparser *jp, const char *what)
{
    if (!jp->err)
        jp->err = what;
    return -1;
}

static void jspace(jparser *jp)
{
    while (jp->p < jp->end && (*jp->p == ' ' || *jp->p == '\n' || *jp->p == '\r' || *jp->p == '\t'))
        jp->p++;
}

static int jhex4(const char *p, unsigned *out)
{
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        int c = p[i], h = c >= '0' && c <= '9' ? c - '0'
                        : c >= 'a' && c <= 'f' ? c - 'a' + 10
                        : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
        if (h < 0)
            return -1;
        v = v << 4 | (unsigned)h;
    }
    *out = v;
    return 0;
}

static char *put_utf8(char *o, unsigned cp)
{
    if (cp < 0x80) {
        *o++ = (char)cp;
    } else if (cp < 0x800) {
        *o++ = (char)(0xc0 | cp >> 6);
        *o++ = (char)(0x80 | (cp & 0x3f));
    } else if (cp < 0x10000) {
        *o++ = (char)(0xe0 | cp >> 12);
        *o++ = (char)(0x80 | ((cp >> 6) & 0x3f));
        *o++ = (char)(0x80 | (cp & 0x3f));
    } else {
        *o++ = (char)(0xf0 | cp >> 18);
        *o++ = (char)(0x80 | ((cp >> 12) & 0x3f));
        *o++ = (char)(0x80 | ((cp >> 6) & 0x3f));
        *o++ = (char)(0x80 | (cp & 0x3f));
    }
    return o;
}

/* A string token at jp->p (the opening quote) into *out (arena, NUL-terminated). */
static int jstring(jparser *jp, const char **out)
{
    const char *p = ++jp->p, *q = p;
    int escaped = 0;
    /* the unescaped text is never longer than the token */
    while (q < jp->end && *q != '"') {
        if ((unsigned char)*q < 0x20)
            return jfail(jp, "a control character in a string");
        if (*q == '\\') {
            escaped = 1;
            q += q + 1 < jp->end ? 2 : 1;
        } else {
            q++;
        }
    }
    if (q >= jp->end)
        return jfail(jp, "an unterminated string");
    char *o = st_arena_alloc(jp->arena, (size_t)(q - p) + 1), *start = o;
    if (!o)
        return ST_ENOMEM;
    if (!escaped) {
        memcpy(o, p, (size_t)(q - p));
        o[q - p] = 0;
        *out = start;
        jp->p = q + 1;
        return 0;
    }
    while (p < q) {
        if (*p != '\\') {
            *o++ = *p++;
            continue;
        }
        p++;
        switch (*p++) {
        case '"': *o++ = '"'; break;
        case '\\': *o++ = '\\'; break;
        case '/': *o++ = '/'; break;
        case 'b': *o++ = '\b'; break;
        case 'f': *o++ = '\f'; break;
        case 'n': *o++ = '\n'; break;
        case 'r': *o++ = '\r'; break;
        case 't': *o++ = '\t'; break;
        case 'u': {
            unsigned cp, lo;
            if (q - p < 4 || jhex4(p, &cp) < 0)
                return jfail(jp, "a bad \\u escape");
            p += 4;
            if (cp >= 0xd800 && cp < 0xdc00) {
                if (q - p < 6 || p[0] != '\\' || p[1] != 'u' || jhex4(p + 2, &lo) < 0 ||
                    lo < 0xdc00 || lo > 0xdfff)
                    return jfail(jp, "a lone surrogate in a \\u escape");
                p += 6;
                cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
            } else if (cp >= 0xdc00 && cp < 0xe000) {
                return jfail(jp, "a lone surrogate in a \\u escape");
            }
            if (cp == 0)
                return jfail(jp, "\\u0000 in a string");
            o = put_utf8(o, cp);
            break;
        }
        default: return jfail(jp, "a bad escape in a string");
        }
    }
    *o = 0;
    *out = start;
    jp->p = q + 1;
    return 0;
}

static int jnumber(jparser *jp, jnode *n)
{
    const char *p = jp->p, *digits;
    int is_int = 1;
    if (p < jp->end && *p == '-')
        p++;
    digits = p;
    if (p < jp->end && *p == '0')
        p++;
    else
        while (p < jp->end && *p >= '0' && *p <= '9')
            p++;
    if (p == digits)
        return jfail(jp, "a bad number");
    if (p < jp->end && *p == '.') {
        const char *f = ++p;
        while (p < jp->end && *p >= '0' && *p <= '9')
            p++;
        if (p == f)
            return jfail(jp, "a bad number");
        is_int = 0;
    }
    if (p < jp->end && (*p == 'e' || *p == 'E')) {
        p++;
        if (p < jp->end && (*p == '+' || *p == '-'))
            p++;
        const char *e = p;
        while (p < jp->end && *p >= '0' && *p <= '9')
            p++;
        if (p == e)
            return jfail(jp, "a bad number");
        is_int = 0;
    }
    n->kind = is_int ? J_INT : J_REAL;
    if (is_int) {
        /* as jansson: an integer past long long is an error, not a real */
        unsigned long long v = 0, limit = *jp->p == '-' ? (unsigned long long)LLONG_MAX + 1
                                                        : (unsigned long long)LLONG_MAX;
        for (const char *d = digits; d < p; d++) {
            if (v > (limit - (unsigned long long)(*d - '0')) / 10)
                return jfail(jp, "an integer too big");
            v = v * 10 + (unsigned long long)(*d - '0');
        }
        n->i = *jp->p == '-' ? (long long)(0 - v) : (long long)v;
    }
    jp->p = p;
    return 0;
}

static int jvalue(jparser *jp, jnode **out, int depth);

/* The items of an array or the members of an object (jp->p past the bracket). */
static int jlist(jparser *jp, jnode *n, int depth)
{
    int is_object = n->kind == J_OBJECT, rc;
    char close = is_object ? '}' : ']';
    jnode **tail = &n->child;
    jspace(jp);
    if (jp->p < jp->end && *jp->p == close) {
        jp->p++;
        return 0;
    }
    for (;;) {
        const char *key = NULL;
        jnode *item;
        jspace(jp);
        if (is_object) {
            if (jp->p >= jp->end || *jp->p != '"')
                return jfail(jp, "an object key is not a string");
            if ((rc = jstring(jp, &key)) < 0)
                return rc;
            jspace(jp);
            if (jp->p >= jp->end || *jp->p != ':')
                return jfail(jp, "':' expected");
            jp->p++;
        }
        if ((rc = jvalue(jp, &item, depth + 1)) < 0)
            return rc;
        item->key = key;
        *tail = item;
        tail = &item->next;
        n->n++;
        jspace(jp);
        if (jp->p < jp->end && *jp->p == ',') {
            jp->p++;
            continue;
        }
        if (jp->p < jp->end && *jp->p == close) {
            jp->p++;
            return 0;
        }
        return jfail(jp, is_object ? "',' or '}' expected" : "',' or ']' expected");
    }
}

static int jvalue(jparser *jp, jnode **out, int depth)
{
    jnode *n;
    int rc;
    if (depth > MAX_JSON_DEPTH)
        return jfail(jp, "nested too deeply");
    jspace(jp);
    if (jp->p >= jp->end)
        return jfail(jp, "unexpected end of the text");
    if (!(n = st_arena_calloc(jp->arena, 1, sizeof *n)))
        return ST_ENOMEM;
    *out = n;
    switch (*jp->p) {
    case '"':
        n->kind = J_STRING;
        n->off = (size_t)(jp->p - jp->text);
        if ((rc = jstring(jp, &n->s)) < 0)
            return rc;
        n->end = (size_t)(jp->p - jp->text);
        return 0;
    case '{':
    case '[':
        n->kind = *jp->p++ == '{' ? J_OBJECT : J_ARRAY;
        return jlist(jp, n, depth);
    case 't':
    case 'f':
    case 'n': {
        static const struct {
            const char *word;
            jkind kind;
        } words[] = {{"true", J_TRUE}, {"false", J_FALSE}, {"null", J_NULL}};
        for (int i = 0; i < 3; i++) {
            size_t l = strlen(words[i].word);
            if ((size_t)(jp->end - jp->p) >= l && !memcmp(jp->p, words[i].word, l)) {
                n->kind = words[i].kind;
                jp->p += l;
                return 0;
            }
        }
        return jfail(jp, "an unknown word");
    }
    default:
        if (*jp->p == '-' || (*jp->p >= '0' && *jp->p <= '9'))
            return jnumber(jp, n);
        return jfail(jp, "an unexpected character");
    }
}

/* The object members the schema grammar reads. */
enum {
    A_TYPE, A_NAME, A_FIELDS, A_SYMBOLS, A_SIZE, A_ITEMS, A_VALUES, A_LOGICAL, A_ADJUST,
    A_PRECISION, A_SCALE, A_ELEMENT_ID, A_KEY_ID, A_VALUE_ID, A_FIELD_ID, N_ATTRS
};
static const char *const attr_names[N_ATTRS] = {
    "type",  "name",          "fields",    "symbols", "size",       "items",  "values",
    "logicalType", "adjust-to-utc", "precision", "scale", "element-id", "key-id", "value-id",
    "field-id",
};

/* Finds them in one pass over an object's members (the last of a repeated
 * key counts, as with jansson); all NULL for anything but an object. */
static void jattrs(const jnode *obj, const jnode *out[N_ATTRS])
{
    for (int k = 0; k < N_ATTRS; k++)
        out[k] = NULL;
    if (!obj || obj->kind != J_OBJECT)
        return;
    for (const jnode *m = obj->child; m; m = m->next)
        for (int k = 0; k < N_ATTRS; k++)
            if (m->key[0] == attr_names[k][0] && !strcmp(m->key, attr_names[k])) {
                out[k] = m;
                break;
            }
}

static const char *jstr(const jnode *n) { return n && n->kind == J_STRING ? n->s : NULL; }

/* ============================================================== schema */

typedef struct named {
    const char *name;
    st_avro_type *type;
} named;

/* A field name avro-c would reject: its token in the text and field index. */
typedef struct field_rename {
    size_t off, end, index;
} field_rename;

typedef struct walk {
    st_arena *arena;
    const char *file;
    named *names;
    int n_names, cap_names;
    field_rename *renames;      /* field names to rewrite for avro-c */
    size_t n_renames, cap_renames;
} walk;

static int bad(const walk *w, const char *what, const char *detail)
{
    return st_error_set(ST_ECORRUPT, ST_ERROR_AVRO, "'%s': avro.schema: %s%s%s", w->file, what,
                        detail ? ": " : "", detail ? detail : "");
}

const st_avro_type *st_avro_nonnull(const st_avro_type *t)
{
    if (t && t->kind == ST_AVRO_UNION && t->n_branches == 2 && t->null_branch >= 0)
        return t->branches[1 - t->null_branch];
    return t;
}

int st_avro_field_index(const st_avro_type *record, int32_t id)
{
    if (!record || record->kind != ST_AVRO_RECORD)
        return -1;
    for (int i = 0; i < record->n_fields; i++)
        if (record->fields[i].id == id)
            return i;
    return -1;
}

static int valid_avro_name(const char *s)
{
    if (!s || !*s)
        return 0;
    if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || *s == '_'))
        return 0;
    for (s++; *s; s++)
        if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') ||
              (*s >= '0' && *s <= '9') || *s == '_'))
            return 0;
    return 1;
}

/* "a.b.c": dotted Avro names (namespaces) */
static int valid_full_name(const char *s)
{
    char part[256];
    for (;;) {
        const char *dot = strchr(s, '.');
        size_t n = dot ? (size_t)(dot - s) : strlen(s);
        if (n == 0 || n >= sizeof part)
            return 0;
        memcpy(part, s, n);
        part[n] = 0;
        if (!valid_avro_name(part))
            return 0;
        if (!dot)
            return 1;
        s = dot + 1;
    }
}

static const char *last_component(const char *s)
{
    const char *dot = strrchr(s, '.');
    return dot ? dot + 1 : s;
}

static st_avro_type *lookup(const walk *w, const char *name)
{
    for (int i = 0; i < w->n_names; i++)
        if (strcmp(w->names[i].name, name) == 0)
            return w->names[i].type;
    for (int i = 0; i < w->n_names; i++)
        if (strcmp(last_component(w->names[i].name), last_component(name)) == 0)
            return w->names[i].type;
    return NULL;
}

static int define(walk *w, const char *name, st_avro_type *t)
{
    /* a second definition is invalid, and avro-c leaks on it: refuse it first */
    for (int i = 0; i < w->n_names; i++)
        if (strcmp(w->names[i].name, name) == 0)
            return bad(w, "a type defined twice", name);
    if (w->n_names == w->cap_names) {
        int cap = w->cap_names ? 2 * w->cap_names : 16;
        named *n = st_reallocarray(w->names, (size_t)cap, sizeof *n);
        if (!n)
            return st_error_set_oom();
        w->names = n;
        w->cap_names = cap;
    }
    w->names[w->n_names].name = name;
    w->names[w->n_names].type = t;
    w->n_names++;
    return 0;
}

static int32_t int_attr(const jnode *v)
{
    if (v && v->kind == J_INT && v->i >= INT32_MIN + 1 && v->i <= INT32_MAX)
        return (int32_t)v->i;
    return ST_AVRO_NO_ID;
}

static st_avro_type *new_type(walk *w, st_avro_kind kind)
{
    st_avro_type *t = st_arena_calloc(w->arena, 1, sizeof *t);
    if (!t)
        return NULL;
    t->kind = kind;
    t->adjust_to_utc = -1;
    t->element_id = t->key_id = t->value_id = ST_AVRO_NO_ID;
    t->null_branch = -1;
    return t;
}

static const struct {
    const char *name;
    st_avro_kind kind;
    size_t min_size;
} primitives[] = {
    {"null", ST_AVRO_NULL, 0},     {"boolean", ST_AVRO_BOOLEAN, 1}, {"int", ST_AVRO_INT, 1},
    {"long", ST_AVRO_LONG, 1},     {"float", ST_AVRO_FLOAT, 4},     {"double", ST_AVRO_DOUBLE, 8},
    {"bytes", ST_AVRO_BYTES, 1},   {"string", ST_AVRO_STRING, 1},
};

static int primitive_kind(const char *name, st_avro_kind *kind, size_t *min_size)
{
    for (size_t i = 0; i < sizeof primitives / sizeof primitives[0]; i++)
        if (strcmp(primitives[i].name, name) == 0) {
            *kind = primitives[i].kind;
            *min_size = primitives[i].min_size;
            return 1;
        }
    return 0;
}

static int parse_type(walk *w, const jnode *j, const st_avro_type **out, int depth);

static int add_rename(walk *w, const jnode *name, size_t index)
{
    if (w->n_renames == w->cap_renames) {
        size_t cap = w->cap_renames ? 2 * w->cap_renames : 8;
        field_rename *r = st_reallocarray(w->renames, cap, sizeof *r);
        if (!r)
            return st_error_set_oom();
        w->renames = r;
        w->cap_renames = cap;
    }
    w->renames[w->n_renames++] = (field_rename){name->off, name->end, index};
    return 0;
}

static int parse_fields(walk *w, const jnode *fields, st_avro_type *t, int depth)
{
    if (!fields || fields->kind != J_ARRAY)
        return bad(w, "a record without a fields array", t->name);
    size_t n = (size_t)fields->n;
    if (n > 10000)
        return bad(w, "a record with too many fields", t->name);
    t->fields = st_arena_calloc(w->arena, n ? n : 1, sizeof *t->fields);
    if (!t->fields)
        return ST_ENOMEM;
    t->n_fields = (int)n;
    size_t min = 0, i = 0;
    for (const jnode *f = fields->child; f; f = f->next, i++) {
        const jnode *a[N_ATTRS];
        jattrs(f, a);
        const jnode *name = a[A_NAME];
        if (f->kind != J_OBJECT || !jstr(name))
            return bad(w, "a record field without a name", t->name);
        st_avro_field *fd = &t->fields[i];
        fd->name = name->s;
        fd->id = int_attr(a[A_FIELD_ID]);
        int rc = parse_type(w, a[A_TYPE], &fd->type, depth + 1);
        if (rc < 0)
            return rc;
        if (!valid_avro_name(fd->name) && (rc = add_rename(w, name, i)) < 0)
            return rc;
        min += fd->type->min_size;
        for (size_t k = 0; k < i; k++)
            if (strcmp(t->fields[k].name, fd->name) == 0)
                return bad(w, "a record with two fields of one name", fd->name);
    }
    t->min_size = min;
    return 0;
}

static int parse_object(walk *w, const jnode *j, const st_avro_type **out, int depth)
{
    const jnode *a[N_ATTRS];
    jattrs(j, a);
    const jnode *type = a[A_TYPE];
    const char *tn = jstr(type);
    st_avro_kind kind;
    size_t min_size;
    st_avro_type *t;
    int rc;

    if (!type)
        return bad(w, "a type object without \"type\"", NULL);
    if (!tn)
        return parse_type(w, type, out, depth + 1);
    if (primitive_kind(tn, &kind, &min_size)) {
        if (!(t = new_type(w, kind)))
            return ST_ENOMEM;
        t->min_size = min_size;
    } else if (!strcmp(tn, "record") || !strcmp(tn, "error")) {
        if (!(t = new_type(w, ST_AVRO_RECORD)))
            return ST_ENOMEM;
    } else if (!strcmp(tn, "enum")) {
        if (!(t = new_type(w, ST_AVRO_ENUM)))
            return ST_ENOMEM;
        const jnode *sym = a[A_SYMBOLS];
        if (!sym || sym->kind != J_ARRAY || sym->n == 0)
            return bad(w, "an enum without symbols", NULL);
        t->size = (int32_t)sym->n;
        t->min_size = 1;
    } else if (!strcmp(tn, "fixed")) {
        if (!(t = new_type(w, ST_AVRO_FIXED)))
            return ST_ENOMEM;
        const jnode *size = a[A_SIZE];
        if (!size || size->kind != J_INT || size->i < 0 || size->i > (1 << 24))
            return bad(w, "a fixed type without a valid size", NULL);
        t->size = (int32_t)size->i;
        t->min_size = (size_t)t->size;
    } else if (!strcmp(tn, "array") || !strcmp(tn, "map")) {
        int is_array = tn[0] == 'a';
        if (!(t = new_type(w, is_array ? ST_AVRO_ARRAY : ST_AVRO_MAP)))
            return ST_ENOMEM;
        t->element_id = int_attr(a[A_ELEMENT_ID]);
        t->key_id = int_attr(a[A_KEY_ID]);
        t->value_id = int_attr(a[A_VALUE_ID]);
        t->min_size = 1;
    } else {
        /* {"type": "SomeName"}: a reference written as an object */
        const st_avro_type *ref = lookup(w, tn);
        if (!ref)
            return bad(w, "unknown type", tn);
        *out = ref;
        return 0;
    }

    t->logical = jstr(a[A_LOGICAL]);
    const jnode *adj = a[A_ADJUST];
    if (adj && (adj->kind == J_TRUE || adj->kind == J_FALSE))
        t->adjust_to_utc = adj->kind == J_TRUE;
    t->precision = int_attr(a[A_PRECISION]);
    t->scale = int_attr(a[A_SCALE]);
    if (t->scale == ST_AVRO_NO_ID)
        t->scale = 0;

    if (t->kind == ST_AVRO_RECORD || t->kind == ST_AVRO_FIXED || t->kind == ST_AVRO_ENUM) {
        if (!(t->name = jstr(a[A_NAME])))
            return bad(w, "a named type without a name", NULL);
        if (!valid_full_name(t->name))
            return bad(w, "a type name that is not an Avro name", t->name);
        /* defined before its fields: a record may refer to itself */
        if ((rc = define(w, t->name, t)) < 0)
            return rc;
    }
    if (t->kind == ST_AVRO_RECORD && (rc = parse_fields(w, a[A_FIELDS], t, depth)) < 0)
        return rc;
    if (t->kind == ST_AVRO_ARRAY || t->kind == ST_AVRO_MAP) {
        const jnode *items = a[t->kind == ST_AVRO_ARRAY ? A_ITEMS : A_VALUES];
        if ((rc = parse_type(w, items, &t->items, depth + 1)) < 0)
            return rc;
    }
    *out = t;
    return 0;
}

static int parse_union(walk *w, const jnode *j, const st_avro_type **out, int depth)
{
    size_t n = (size_t)j->n, i = 0;
    st_avro_type *t = new_type(w, ST_AVRO_UNION);
    if (!t)
        return ST_ENOMEM;
    if (n == 0 || n > 1000)
        return bad(w, "a union with no or too many branches", NULL);
    t->branches = st_arena_calloc(w->arena, n, sizeof *t->branches);
    if (!t->branches)
        return ST_ENOMEM;
    t->n_branches = (int)n;
    t->min_size = 1;
    for (const jnode *b = j->child; b; b = b->next, i++) {
        int rc = parse_type(w, b, &t->branches[i], depth + 1);
        if (rc < 0)
            return rc;
        if (t->branches[i]->kind == ST_AVRO_UNION)
            return bad(w, "a union directly inside a union", NULL);
        if (t->branches[i]->kind == ST_AVRO_NULL && t->null_branch < 0)
            t->null_branch = (int)i;
    }
    *out = t;
    return 0;
}

static int parse_type(walk *w, const jnode *j, const st_avro_type **out, int depth)
{
    if (depth > MAX_DEPTH)
        return bad(w, "types nested too deeply", NULL);
    if (j && j->kind == J_STRING) {
        st_avro_kind kind;
        size_t min_size;
        if (primitive_kind(j->s, &kind, &min_size)) {
            st_avro_type *t = new_type(w, kind);
            if (!t)
                return ST_ENOMEM;
            t->min_size = min_size;
            *out = t;
            return 0;
        }
        const st_avro_type *ref = lookup(w, j->s);
        if (!ref)
            return bad(w, "unknown type", j->s);
        *out = ref;
        return 0;
    }
    if (j && j->kind == J_OBJECT)
        return parse_object(w, j, out, depth);
    if (j && j->kind == J_ARRAY)
        return parse_union(w, j, out, depth);
    return bad(w, "a type that is not a name, an object or a union", NULL);
}

static int cmp_rename(const void *a, const void *b)
{
    const field_rename *x = a, *y = b;
    return x->off < y->off ? -1 : x->off > y->off;
}

/* The schema text with every rename applied: "_st_f<index>" for the name. */
static int renamed_text(walk *w, char **out, const char *json, size_t len)
{
    st_buf b = ST_BUF_INIT;
    size_t at = 0;
    qsort(w->renames, w->n_renames, sizeof *w->renames, cmp_rename);
    for (size_t i = 0; i < w->n_renames; i++) {
        const field_rename *r = &w->renames[i];
        st_buf_put(&b, json + at, r->off - at);
        st_buf_printf(&b, "\"_st_f%zu\"", r->index);
        at = r->end;
    }
    st_buf_put(&b, json + at, len - at);
    /* st_buf_put leaves the buffer short on OOM */
    if (!b.ptr || b.len < len - at) {
        st_buf_dispose(&b);
        return st_error_set_oom();
    }
    *out = (char *)st_buf_detach(&b);
    return 0;
}

int st_avro_schema_parse(const st_avro_type **out, char **avro_c_json, st_arena *arena,
                         const char *json, size_t len, const char *file)
{
    walk w = {arena, file, NULL, 0, 0, NULL, 0, 0};
    jparser jp = {arena, json, json, json + len, NULL};
    jnode *root = NULL;
    int rc;

    *out = NULL;
    if (avro_c_json)
        *avro_c_json = NULL;
    /* jfail's -1 is a syntax error whose message is still to be set */
    if ((rc = jvalue(&jp, &root, 0)) == 0) {
        jspace(&jp);
        if (jp.p != jp.end)
            rc = jfail(&jp, "text after the end");
    }
    if (rc == -1)
        return st_error_set(ST_ECORRUPT, ST_ERROR_AVRO,
                            "'%s': avro.schema is not JSON: %s at offset %zu", file, jp.err,
                            (size_t)(jp.p - json));
    if (rc < 0)
        return rc;
    rc = parse_type(&w, root, out, 0);
    if (rc == 0 && avro_c_json) {
        if (w.n_renames)
            rc = renamed_text(&w, avro_c_json, json, len);
        else if (!(*avro_c_json = st_strndup(json, len)))
            rc = ST_ENOMEM;
    }
    if (rc < 0)
        *out = NULL;
    st_free(w.names);
    st_free(w.renames);
    return rc;
}

/* ================================================================ skip */

static int skip(const st_avro_type *t, const uint8_t **pp, const uint8_t *end, int depth);

static int skip_n(const uint8_t **pp, const uint8_t *end, int64_t n)
{
    if (n < 0 || (uint64_t)n > (uint64_t)(end - *pp))
        return -1;
    *pp += n;
    return 0;
}

static int skip_blocks(const st_avro_type *t, const uint8_t **pp, const uint8_t *end, int depth)
{
    int is_map = t->kind == ST_AVRO_MAP;
    size_t item_min = t->items->min_size + (is_map ? 1 : 0);
    uint64_t total = 0;
    for (;;) {
        int64_t count;
        if (st_avro_get_block_count(pp, end, item_min, &count) < 0)
            return -1;
        if (count == 0)
            return 0;
        /* items of zero bytes: at most 2^20 in all, not only per block */
        if (!item_min && (total += (uint64_t)count) > (1u << 20))
            return -1;
        for (int64_t i = 0; i < count; i++) {
            if (is_map) {
                int64_t klen;
                if (st_avro_get_long(pp, end, &klen) < 0 || skip_n(pp, end, klen) < 0)
                    return -1;
            }
            if (skip(t->items, pp, end, depth + 1) < 0)
                return -1;
        }
    }
}

static int skip(const st_avro_type *t, const uint8_t **pp, const uint8_t *end, int depth)
{
    int64_t v;
    if (depth > MAX_DEPTH)
        return -1;
    switch (t->kind) {
    case ST_AVRO_NULL: return 0;
    case ST_AVRO_BOOLEAN:
        if (*pp >= end || **pp > 1)
            return -1;
        (*pp)++;
        return 0;
    case ST_AVRO_INT:
        if (st_avro_get_long(pp, end, &v) < 0 || v < INT32_MIN || v > INT32_MAX)
            return -1;
        return 0;
    case ST_AVRO_LONG: return st_avro_get_long(pp, end, &v);
    case ST_AVRO_FLOAT: return skip_n(pp, end, 4);
    case ST_AVRO_DOUBLE: return skip_n(pp, end, 8);
    case ST_AVRO_BYTES:
    case ST_AVRO_STRING:
        if (st_avro_get_long(pp, end, &v) < 0)
            return -1;
        return skip_n(pp, end, v);
    case ST_AVRO_FIXED: return skip_n(pp, end, t->size);
    case ST_AVRO_ENUM:
        if (st_avro_get_long(pp, end, &v) < 0 || v < 0 || v >= t->size)
            return -1;
        return 0;
    case ST_AVRO_RECORD:
        for (int i = 0; i < t->n_fields; i++)
            if (skip(t->fields[i].type, pp, end, depth + 1) < 0)
                return -1;
        return 0;
    case ST_AVRO_ARRAY:
    case ST_AVRO_MAP: return skip_blocks(t, pp, end, depth);
    case ST_AVRO_UNION:
        if (st_avro_get_long(pp, end, &v) < 0 || v < 0 || v >= t->n_branches)
            return -1;
        return skip(t->branches[v], pp, end, depth + 1);
    }
    return -1;
}

int st_avro_skip(const st_avro_type *t, const uint8_t **pp, const uint8_t *end)
{
    const uint8_t *p = *pp;
    if (skip(t, &p, end, 0) < 0)
        return -1;
    *pp = p;
    return 0;
}
