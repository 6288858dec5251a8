/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The type model: static singletons for parameterless primitives, reference-
 * counted heap types for decimal, fixed and nested types, structural equality,
 * names, value widths and the schema-syntax formatting of a type.
 */
#include <stdlib.h>

#include "columnar/columnar_int.h"
#include "util/alloc.h"

#define PRIM(tid) [tid] = {tid, 0, 0, 0, 0, NULL, 0}

/* refs_ == 0 marks these as static: st_type_ref/st_type_free leave them alone. */
static st_type g_primitives[ST_TYPE_MAP + 1] = {
    PRIM(ST_TYPE_BOOLEAN),      PRIM(ST_TYPE_INT),          PRIM(ST_TYPE_LONG),
    PRIM(ST_TYPE_FLOAT),        PRIM(ST_TYPE_DOUBLE),       PRIM(ST_TYPE_DATE),
    PRIM(ST_TYPE_TIME),         PRIM(ST_TYPE_TIMESTAMP),    PRIM(ST_TYPE_TIMESTAMPTZ),
    PRIM(ST_TYPE_TIMESTAMP_NS), PRIM(ST_TYPE_TIMESTAMPTZ_NS), PRIM(ST_TYPE_STRING),
    PRIM(ST_TYPE_UUID),         PRIM(ST_TYPE_BINARY),
};

st_type *st_type_primitive(st_type_id id)
{
    /* Parameterised and nested ids have a zeroed slot, so the id check rejects them. */
    if ((int)id <= 0 || (int)id > (int)ST_TYPE_MAP || g_primitives[id].id != id)
        return NULL;
    return &g_primitives[id];
}

static int invalid(const char *msg)
{
    return st_error_set(ST_EINVALID, ST_ERROR_SCHEMA, "%s", msg);
}

static st_type *type_alloc(st_type_id id)
{
    st_type *t = st_calloc(1, sizeof(*t));
    if (t) {
        t->id = id;
        t->refs_ = 1;
    }
    return t;
}

int st_type_decimal_new(st_type **out, int precision, int scale)
{
    *out = NULL;
    if (precision < 1 || precision > 38)
        return st_error_set(ST_EINVALID, ST_ERROR_SCHEMA,
                            "decimal precision must be between 1 and 38, got %d", precision);
    if (scale < 0 || scale > precision)
        return st_error_set(ST_EINVALID, ST_ERROR_SCHEMA,
                            "decimal scale must be between 0 and the precision %d, got %d",
                            precision, scale);
    if (!(*out = type_alloc(ST_TYPE_DECIMAL)))
        return ST_ENOMEM;
    (*out)->precision = precision;
    (*out)->scale = scale;
    return 0;
}

int st_type_fixed_new(st_type **out, int length)
{
    *out = NULL;
    if (length < 1)
        return st_error_set(ST_EINVALID, ST_ERROR_SCHEMA,
                            "fixed length must be at least 1, got %d", length);
    if (!(*out = type_alloc(ST_TYPE_FIXED)))
        return ST_ENOMEM;
    (*out)->length = length;
    return 0;
}

static void fields_free(st_field *fields, int n)
{
    if (!fields)
        return;
    for (int i = 0; i < n; i++) {
        st_free((char *)fields[i].name);
        st_free((char *)fields[i].doc);
        st_type_free(fields[i].type);
    }
    st_free(fields);
}

/* Copies `src` into the zeroed `dst`; the type reference is taken last so that
 * fields_free() can undo a partial copy. */
static int field_copy(st_field *dst, const st_field *src, const char *default_name)
{
    dst->name = st_strdup(src->name ? src->name : default_name);
    if (!dst->name)
        return ST_ENOMEM;
    if (src->doc && !(dst->doc = st_strdup(src->doc)))
        return ST_ENOMEM;
    dst->id = src->id;
    dst->required = src->required != 0;
    dst->type = st_type_ref(src->type);
    return 0;
}

static int names_cmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* First duplicated name, or NULL; a quadratic scan for the usual narrow struct. */
static int find_duplicate(const st_field *fields, int n, const char **dup)
{
    const char **names;
    *dup = NULL;
    if (n <= 64) {
        for (int i = 1; i < n && !*dup; i++)
            for (int j = 0; j < i; j++)
                if (strcmp(fields[i].name, fields[j].name) == 0) {
                    *dup = fields[i].name;
                    break;
                }
        return 0;
    }
    if (!(names = st_mallocarray((size_t)n, sizeof(*names))))
        return ST_ENOMEM;
    for (int i = 0; i < n; i++)
        names[i] = fields[i].name;
    qsort(names, (size_t)n, sizeof(*names), names_cmp);
    for (int i = 1; i < n; i++)
        if (strcmp(names[i - 1], names[i]) == 0) {
            *dup = names[i];
            break;
        }
    st_free(names);
    return 0;
}

/* Allocates a nested type and copies `n` fields into it. */
static int nested_new(st_type **out, st_type_id id, const st_field *const *fields, int n,
                      const char *const *default_names)
{
    st_type *t = type_alloc(id);
    if (!t)
        return ST_ENOMEM;
    if (n > 0 && !(t->fields = st_calloc((size_t)n, sizeof(st_field)))) {
        st_free(t);
        return ST_ENOMEM;
    }
    t->n_fields = n;
    for (int i = 0; i < n; i++) {
        if (field_copy(&t->fields[i], fields[i], default_names ? default_names[i] : "") < 0) {
            st_type_free(t);
            return ST_ENOMEM;
        }
    }
    *out = t;
    return 0;
}

int st_type_struct_new(st_type **out, const st_field *fields, int n_fields)
{
    const st_field **ptrs;
    const char *dup;
    int rc;

    *out = NULL;
    if (n_fields < 0 || (n_fields > 0 && !fields))
        return invalid("struct fields missing");
    for (int i = 0; i < n_fields; i++) {
        if (!fields[i].name)
            return st_error_set(ST_EINVALID, ST_ERROR_SCHEMA, "struct field %d has no name", i);
        if (!fields[i].type)
            return st_error_set(ST_EINVALID, ST_ERROR_SCHEMA, "struct field '%s' has no type",
                                fields[i].name);
    }
    if ((rc = find_duplicate(fields, n_fields, &dup)) < 0)
        return rc;
    if (dup)
        return st_error_set(ST_EINVALID, ST_ERROR_SCHEMA, "duplicate struct field name '%s'",
                            dup);
    if (n_fields == 0)
        return nested_new(out, ST_TYPE_STRUCT, NULL, 0, NULL);
    if (!(ptrs = st_mallocarray((size_t)n_fields, sizeof(*ptrs))))
        return ST_ENOMEM;
    for (int i = 0; i < n_fields; i++)
        ptrs[i] = &fields[i];
    rc = nested_new(out, ST_TYPE_STRUCT, ptrs, n_fields, NULL);
    st_free(ptrs);
    return rc;
}

int st_type_list_new(st_type **out, const st_field *element)
{
    static const char *const names[] = {"element"};
    *out = NULL;
    if (!element || !element->type)
        return invalid("list element has no type");
    return nested_new(out, ST_TYPE_LIST, &element, 1, names);
}

int st_type_map_new(st_type **out, const st_field *key, const st_field *value)
{
    static const char *const names[] = {"key", "value"};
    const st_field *kv[2];
    int rc;

    *out = NULL;
    if (!key || !key->type || !value || !value->type)
        return invalid("map key or value has no type");
    kv[0] = key;
    kv[1] = value;
    if ((rc = nested_new(out, ST_TYPE_MAP, kv, 2, names)) == 0)
        (*out)->fields[0].required = 1; /* Iceberg map keys are never null */
    return rc;
}

st_type *st_type_ref(st_type *t)
{
    if (t && __atomic_load_n(&t->refs_, __ATOMIC_RELAXED) != 0)
        __atomic_add_fetch(&t->refs_, 1, __ATOMIC_RELAXED);
    return t;
}

void st_type_free(st_type *t)
{
    if (!t || __atomic_load_n(&t->refs_, __ATOMIC_RELAXED) == 0)
        return;
    if (__atomic_sub_fetch(&t->refs_, 1, __ATOMIC_ACQ_REL) != 0)
        return;
    fields_free(t->fields, t->n_fields);
    st_free(t);
}

int st_type_is_nested(const st_type *t)
{
    return t && (t->id == ST_TYPE_STRUCT || t->id == ST_TYPE_LIST || t->id == ST_TYPE_MAP);
}

/* Names of list elements and map keys/values are not part of an Iceberg type
 * (Parquet and Arrow spell them "element", "item", "key", ...), so only struct
 * field names are compared. */
int st_type_equals(const st_type *a, const st_type *b)
{
    if (a == b)
        return 1;
    if (!a || !b || a->id != b->id)
        return 0;
    switch (a->id) {
    case ST_TYPE_DECIMAL: return a->precision == b->precision && a->scale == b->scale;
    case ST_TYPE_FIXED: return a->length == b->length;
    case ST_TYPE_STRUCT:
    case ST_TYPE_LIST:
    case ST_TYPE_MAP: break;
    default: return 1;
    }
    if (a->n_fields != b->n_fields)
        return 0;
    for (int i = 0; i < a->n_fields; i++) {
        const st_field *fa = &a->fields[i], *fb = &b->fields[i];
        if (fa->id != fb->id || fa->required != fb->required)
            return 0;
        if (a->id == ST_TYPE_STRUCT && strcmp(fa->name, fb->name) != 0)
            return 0;
        if (!st_type_equals(fa->type, fb->type))
            return 0;
    }
    return 1;
}

const char *st_type_id_name(st_type_id id)
{
    switch (id) {
    case ST_TYPE_BOOLEAN: return "boolean";
    case ST_TYPE_INT: return "int";
    case ST_TYPE_LONG: return "long";
    case ST_TYPE_FLOAT: return "float";
    case ST_TYPE_DOUBLE: return "double";
    case ST_TYPE_DECIMAL: return "decimal";
    case ST_TYPE_DATE: return "date";
    case ST_TYPE_TIME: return "time";
    case ST_TYPE_TIMESTAMP: return "timestamp";
    case ST_TYPE_TIMESTAMPTZ: return "timestamptz";
    case ST_TYPE_TIMESTAMP_NS: return "timestamp_ns";
    case ST_TYPE_TIMESTAMPTZ_NS: return "timestamptz_ns";
    case ST_TYPE_STRING: return "string";
    case ST_TYPE_UUID: return "uuid";
    case ST_TYPE_FIXED: return "fixed";
    case ST_TYPE_BINARY: return "binary";
    case ST_TYPE_STRUCT: return "struct";
    case ST_TYPE_LIST: return "list";
    case ST_TYPE_MAP: return "map";
    }
    return "unknown";
}

int st_type_value_width(const st_type *t)
{
    switch (t->id) {
    case ST_TYPE_INT:
    case ST_TYPE_DATE:
    case ST_TYPE_FLOAT: return 4;
    case ST_TYPE_LONG:
    case ST_TYPE_DOUBLE:
    case ST_TYPE_TIME:
    case ST_TYPE_TIMESTAMP:
    case ST_TYPE_TIMESTAMPTZ:
    case ST_TYPE_TIMESTAMP_NS:
    case ST_TYPE_TIMESTAMPTZ_NS: return 8;
    case ST_TYPE_DECIMAL:
    case ST_TYPE_UUID: return 16;
    case ST_TYPE_FIXED: return t->length;
    default: return 0;
    }
}

static int is_plain_name_char(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '_' || c == '$' || c >= 0x80;
}

int st_col_name_format(st_buf *b, const char *name)
{
    int plain = name[0] != 0;
    int rc;
    for (const char *p = name; *p && plain; p++)
        plain = is_plain_name_char((unsigned char)*p);
    if (plain)
        return st_buf_puts(b, name);
    /* Backquoted; a backquote inside is doubled. */
    if ((rc = st_buf_putc(b, '`')) < 0)
        return rc;
    for (const char *p = name; *p; p++) {
        if (*p == '`' && (rc = st_buf_putc(b, '`')) < 0)
            return rc;
        if ((rc = st_buf_putc(b, *p)) < 0)
            return rc;
    }
    return st_buf_putc(b, '`');
}

static int format_child(st_buf *b, const st_field *f, int show_required)
{
    int rc = st_col_type_format(b, f->type);
    if (rc == 0 && show_required && f->required)
        rc = st_buf_puts(b, " not null");
    return rc;
}

int st_col_type_format(st_buf *b, const st_type *t)
{
    int rc = 0;
    switch (t->id) {
    case ST_TYPE_DECIMAL: return st_buf_printf(b, "decimal(%d,%d)", t->precision, t->scale);
    case ST_TYPE_FIXED: return st_buf_printf(b, "fixed[%d]", t->length);
    case ST_TYPE_LIST:
        if ((rc = st_buf_puts(b, "list<")) == 0 && (rc = format_child(b, &t->fields[0], 1)) == 0)
            rc = st_buf_putc(b, '>');
        return rc;
    case ST_TYPE_MAP:
        if ((rc = st_buf_puts(b, "map<")) == 0 && (rc = format_child(b, &t->fields[0], 0)) == 0 &&
            (rc = st_buf_puts(b, ", ")) == 0 && (rc = format_child(b, &t->fields[1], 1)) == 0)
            rc = st_buf_putc(b, '>');
        return rc;
    case ST_TYPE_STRUCT:
        rc = st_buf_puts(b, "struct<");
        for (int i = 0; rc == 0 && i < t->n_fields; i++) {
            if (i > 0)
                rc = st_buf_puts(b, ", ");
            if (rc == 0 && (rc = st_col_name_format(b, t->fields[i].name)) == 0 &&
                (rc = st_buf_puts(b, ": ")) == 0)
                rc = format_child(b, &t->fields[i], 1);
        }
        return rc ? rc : st_buf_putc(b, '>');
    default: return st_buf_puts(b, st_type_id_name(t->id));
    }
}

int st_type_to_string(char **out, const st_type *t)
{
    st_buf b = ST_BUF_INIT;
    int rc;
    *out = NULL;
    if (!t)
        return st_error_set(ST_EINVALID, ST_ERROR_SCHEMA, "no type to format");
    if ((rc = st_col_type_format(&b, t)) < 0) {
        st_buf_dispose(&b);
        return rc;
    }
    *out = (char *)st_buf_detach(&b);
    return 0;
}

int st_type_field_index(const st_type *t, const char *name)
{
    if (!t || t->id != ST_TYPE_STRUCT || !name)
        return -1;
    for (int i = 0; i < t->n_fields; i++)
        if (strcmp(t->fields[i].name, name) == 0)
            return i;
    return -1;
}
