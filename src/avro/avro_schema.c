/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Writer schemas: the JSON text of avro.schema, read with jansson into an
 * st_avro_type tree that keeps the attributes avro-c forgets (field-id,
 * element-id, key-id, value-id, logicalType, adjust-to-utc), plus the
 * validator that checks a block's bytes against that tree before avro-c
 * decodes them.
 *
 * The same walk prepares the text handed to avro-c: field names that are not
 * Avro identifiers (Java keeps letters such as 'é' that avro-c rejects) are
 * replaced by positional names, which avro-c never uses for decoding.
 */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "avro/avro_file.h"
#include "avro/avro_int.h"
#include "util/alloc.h"

#define MAX_DEPTH 64

typedef struct named {
    const char *name;
    st_avro_type *type;
} named;

typedef struct walk {
    st_arena *arena;
    const char *file;
    named *names;
    int n_names, cap_names;
    int changed;          /* a field name was rewritten for avro-c */
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

static int32_t int_attr(json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);
    if (json_is_integer(v)) {
        json_int_t i = json_integer_value(v);
        if (i >= INT32_MIN + 1 && i <= INT32_MAX)
            return (int32_t)i;
    }
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

static int parse_type(walk *w, json_t *j, const st_avro_type **out, int depth);

static int parse_fields(walk *w, json_t *obj, st_avro_type *t, int depth)
{
    json_t *fields = json_object_get(obj, "fields");
    if (!json_is_array(fields))
        return bad(w, "a record without a fields array", t->name);
    size_t n = json_array_size(fields);
    if (n > 10000)
        return bad(w, "a record with too many fields", t->name);
    t->fields = st_arena_calloc(w->arena, n ? n : 1, sizeof *t->fields);
    if (!t->fields)
        return ST_ENOMEM;
    t->n_fields = (int)n;
    size_t min = 0;
    for (size_t i = 0; i < n; i++) {
        json_t *f = json_array_get(fields, i);
        json_t *name = json_object_get(f, "name");
        if (!json_is_object(f) || !json_is_string(name))
            return bad(w, "a record field without a name", t->name);
        st_avro_field *fd = &t->fields[i];
        fd->name = st_arena_strdup(w->arena, json_string_value(name));
        if (!fd->name)
            return ST_ENOMEM;
        fd->id = int_attr(f, "field-id");
        int rc = parse_type(w, json_object_get(f, "type"), &fd->type, depth + 1);
        if (rc < 0)
            return rc;
        if (!valid_avro_name(fd->name)) {
            char buf[32];
            snprintf(buf, sizeof buf, "_st_f%zu", i);
            if (json_object_set_new(f, "name", json_string(buf)) != 0)
                return st_error_set_oom();
            w->changed = 1;
        }
        min += fd->type->min_size;
        for (size_t k = 0; k < i; k++)
            if (strcmp(t->fields[k].name, fd->name) == 0)
                return bad(w, "a record with two fields of one name", fd->name);
    }
    t->min_size = min;
    return 0;
}

static int parse_object(walk *w, json_t *j, const st_avro_type **out, int depth)
{
    json_t *type = json_object_get(j, "type");
    const char *tn = json_string_value(type);
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
        json_t *sym = json_object_get(j, "symbols");
        if (!json_is_array(sym) || json_array_size(sym) == 0)
            return bad(w, "an enum without symbols", NULL);
        t->size = (int32_t)json_array_size(sym);
        t->min_size = 1;
    } else if (!strcmp(tn, "fixed")) {
        if (!(t = new_type(w, ST_AVRO_FIXED)))
            return ST_ENOMEM;
        json_t *size = json_object_get(j, "size");
        if (!json_is_integer(size) || json_integer_value(size) < 0 ||
            json_integer_value(size) > (1 << 24))
            return bad(w, "a fixed type without a valid size", NULL);
        t->size = (int32_t)json_integer_value(size);
        t->min_size = (size_t)t->size;
    } else if (!strcmp(tn, "array") || !strcmp(tn, "map")) {
        int is_array = tn[0] == 'a';
        if (!(t = new_type(w, is_array ? ST_AVRO_ARRAY : ST_AVRO_MAP)))
            return ST_ENOMEM;
        t->element_id = int_attr(j, "element-id");
        t->key_id = int_attr(j, "key-id");
        t->value_id = int_attr(j, "value-id");
        t->min_size = 1;
    } else {
        /* {"type": "SomeName"}: a reference written as an object */
        const st_avro_type *ref = lookup(w, tn);
        if (!ref)
            return bad(w, "unknown type", tn);
        *out = ref;
        return 0;
    }

    json_t *logical = json_object_get(j, "logicalType");
    if (json_is_string(logical) && !(t->logical = st_arena_strdup(w->arena, json_string_value(logical))))
        return ST_ENOMEM;
    json_t *adj = json_object_get(j, "adjust-to-utc");
    if (json_is_boolean(adj))
        t->adjust_to_utc = json_is_true(adj);
    t->precision = int_attr(j, "precision");
    t->scale = int_attr(j, "scale");
    if (t->scale == ST_AVRO_NO_ID)
        t->scale = 0;

    if (t->kind == ST_AVRO_RECORD || t->kind == ST_AVRO_FIXED || t->kind == ST_AVRO_ENUM) {
        json_t *name = json_object_get(j, "name");
        if (!json_is_string(name))
            return bad(w, "a named type without a name", NULL);
        if (!(t->name = st_arena_strdup(w->arena, json_string_value(name))))
            return ST_ENOMEM;
        if (!valid_full_name(t->name))
            return bad(w, "a type name that is not an Avro name", t->name);
        /* defined before its fields: a record may refer to itself */
        if ((rc = define(w, t->name, t)) < 0)
            return rc;
    }
    if (t->kind == ST_AVRO_RECORD && (rc = parse_fields(w, j, t, depth)) < 0)
        return rc;
    if (t->kind == ST_AVRO_ARRAY || t->kind == ST_AVRO_MAP) {
        json_t *items = json_object_get(j, t->kind == ST_AVRO_ARRAY ? "items" : "values");
        if ((rc = parse_type(w, items, &t->items, depth + 1)) < 0)
            return rc;
    }
    *out = t;
    return 0;
}

static int parse_union(walk *w, json_t *j, const st_avro_type **out, int depth)
{
    size_t n = json_array_size(j);
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
    for (size_t i = 0; i < n; i++) {
        int rc = parse_type(w, json_array_get(j, i), &t->branches[i], depth + 1);
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

static int parse_type(walk *w, json_t *j, const st_avro_type **out, int depth)
{
    if (depth > MAX_DEPTH)
        return bad(w, "types nested too deeply", NULL);
    if (json_is_string(j)) {
        const char *s = json_string_value(j);
        st_avro_kind kind;
        size_t min_size;
        if (primitive_kind(s, &kind, &min_size)) {
            st_avro_type *t = new_type(w, kind);
            if (!t)
                return ST_ENOMEM;
            t->min_size = min_size;
            *out = t;
            return 0;
        }
        const st_avro_type *ref = lookup(w, s);
        if (!ref)
            return bad(w, "unknown type", s);
        *out = ref;
        return 0;
    }
    if (json_is_object(j))
        return parse_object(w, j, out, depth);
    if (json_is_array(j))
        return parse_union(w, j, out, depth);
    return bad(w, "a type that is not a name, an object or a union", NULL);
}

int st_avro_schema_parse(const st_avro_type **out, char **avro_c_json, st_arena *arena,
                         const char *json, size_t len, const char *file)
{
    walk w = {arena, file, NULL, 0, 0, 0};
    json_error_t jerr;
    json_t *root = json_loadb(json, len, 0, &jerr);
    int rc;

    *out = NULL;
    if (avro_c_json)
        *avro_c_json = NULL;
    if (!root)
        return st_error_set(ST_ECORRUPT, ST_ERROR_AVRO, "'%s': avro.schema is not JSON: %s", file,
                            jerr.text);
    rc = parse_type(&w, root, out, 0);
    if (rc == 0 && avro_c_json) {
        if (w.changed) {
            char *text = json_dumps(root, JSON_COMPACT);
            if (!text) {
                rc = st_error_set_oom();
            } else {
                *avro_c_json = st_strdup(text);
                free(text); /* jansson's own allocation */
                if (!*avro_c_json)
                    rc = ST_ENOMEM;
            }
        } else if (!(*avro_c_json = st_strndup(json, len))) {
            rc = ST_ENOMEM;
        }
    }
    if (rc < 0)
        *out = NULL;
    json_decref(root);
    st_free(w.names);
    return rc;
}

/* ============================================================ validation */

/* A zig-zag varint; -1 when it runs past `end` or over 10 bytes. */
int st_avro_read_long(const uint8_t **pp, const uint8_t *end, int64_t *out)
{
    const uint8_t *p = *pp;
    uint64_t v = 0;
    for (int shift = 0; shift < 70; shift += 7) {
        if (p >= end)
            return -1;
        uint8_t b = *p++;
        v |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80)) {
            *out = (int64_t)(v >> 1) ^ -(int64_t)(v & 1);
            *pp = p;
            return 0;
        }
    }
    return -1;
}

static int skip_n(const uint8_t **pp, const uint8_t *end, int64_t n)
{
    if (n < 0 || (uint64_t)n > (uint64_t)(end - *pp))
        return -1;
    *pp += n;
    return 0;
}

static int validate_blocks(const st_avro_type *t, const uint8_t **pp, const uint8_t *end,
                           int depth)
{
    int is_map = t->kind == ST_AVRO_MAP;
    size_t item_min = t->items->min_size + (is_map ? 1 : 0);
    uint64_t total = 0;
    for (;;) {
        int64_t count, size;
        if (st_avro_read_long(pp, end, &count) < 0)
            return -1;
        if (count == 0)
            return 0;
        if (count < 0) {
            if (count == INT64_MIN || st_avro_read_long(pp, end, &size) < 0 || size < 0)
                return -1;
            count = -count;
        }
        /* every item takes at least item_min bytes; items of zero bytes are capped */
        if (item_min ? (uint64_t)count > (uint64_t)(end - *pp) / item_min
                     : (total += (uint64_t)count) > (1u << 20))
            return -1;
        for (int64_t i = 0; i < count; i++) {
            if (is_map) {
                int64_t klen;
                if (st_avro_read_long(pp, end, &klen) < 0 || skip_n(pp, end, klen) < 0)
                    return -1;
            }
            if (st_avro_validate(t->items, pp, end, depth + 1) < 0)
                return -1;
        }
    }
}

int st_avro_validate(const st_avro_type *t, const uint8_t **pp, const uint8_t *end, int depth)
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
        if (st_avro_read_long(pp, end, &v) < 0 || v < INT32_MIN || v > INT32_MAX)
            return -1;
        return 0;
    case ST_AVRO_LONG: return st_avro_read_long(pp, end, &v);
    case ST_AVRO_FLOAT: return skip_n(pp, end, 4);
    case ST_AVRO_DOUBLE: return skip_n(pp, end, 8);
    case ST_AVRO_BYTES:
    case ST_AVRO_STRING:
        if (st_avro_read_long(pp, end, &v) < 0)
            return -1;
        return skip_n(pp, end, v);
    case ST_AVRO_FIXED: return skip_n(pp, end, t->size);
    case ST_AVRO_ENUM:
        if (st_avro_read_long(pp, end, &v) < 0 || v < 0 || v >= t->size)
            return -1;
        return 0;
    case ST_AVRO_RECORD:
        for (int i = 0; i < t->n_fields; i++)
            if (st_avro_validate(t->fields[i].type, pp, end, depth + 1) < 0)
                return -1;
        return 0;
    case ST_AVRO_ARRAY:
    case ST_AVRO_MAP: return validate_blocks(t, pp, end, depth);
    case ST_AVRO_UNION:
        if (st_avro_read_long(pp, end, &v) < 0 || v < 0 || v >= t->n_branches)
            return -1;
        return st_avro_validate(t->branches[v], pp, end, depth + 1);
    }
    return -1;
}
