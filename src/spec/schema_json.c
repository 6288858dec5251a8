/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Iceberg schema JSON <-> st_schema (spec: "Schemas" in the JSON appendix):
 *   primitives as strings ("long", "decimal(15, 2)", "fixed[16]"),
 *   {"type":"struct","fields":[{id,name,required,type,doc?,initial-default?,write-default?}]},
 *   {"type":"list","element-id","element","element-required"},
 *   {"type":"map","key-id","key","value-id","value","value-required"},
 * a schema being a struct with "schema-id" and "identifier-field-ids".
 * Keys are written in Java's order (SchemaParser). v3 field defaults are kept
 * as JSON text in st_schema.defaults; types st_type cannot hold (variant,
 * unknown, geometry, ...) are refused with ST_EUNSUPPORTED naming the type.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>

#include "spec/metadata_int.h"
#include "util/alloc.h"

/* Deeper nesting than this is not a real schema; it bounds the recursion. */
#define MAX_TYPE_DEPTH 200

/* ============================================================== reading */

static const struct {
    const char *name;
    st_type_id id;
} g_primitive_names[] = {
    {"boolean", ST_TYPE_BOOLEAN},
    {"int", ST_TYPE_INT},
    {"long", ST_TYPE_LONG},
    {"float", ST_TYPE_FLOAT},
    {"double", ST_TYPE_DOUBLE},
    {"date", ST_TYPE_DATE},
    {"time", ST_TYPE_TIME},
    {"timestamp", ST_TYPE_TIMESTAMP},
    {"timestamptz", ST_TYPE_TIMESTAMPTZ},
    {"timestamp_ns", ST_TYPE_TIMESTAMP_NS},
    {"timestamptz_ns", ST_TYPE_TIMESTAMPTZ_NS},
    {"string", ST_TYPE_STRING},
    {"uuid", ST_TYPE_UUID},
    {"binary", ST_TYPE_BINARY},
};

/* Reads an unsigned decimal number with optional spaces around it; advances *p. */
static int read_num(const char **p, long *out)
{
    const char *s = *p;
    char *end;
    while (*s == ' ')
        s++;
    if (!isdigit((unsigned char)*s))
        return 0;
    errno = 0;
    *out = strtol(s, &end, 10);
    if (errno || *out > 1000000)
        return 0;
    while (*end == ' ')
        end++;
    *p = end;
    return 1;
}

/* An st_type_* failure (ST_EINVALID: bad parameters, duplicate names) becomes
 * the reader's error at the current path, keeping the type layer's reason. */
static int type_error(st_jr *r, int rc)
{
    char msg[256];
    if (rc != ST_EINVALID)
        return rc;
    snprintf(msg, sizeof(msg), "%s", st_error_last()->message);
    return st_jr_fail(r, "%s", msg);
}

static int read_primitive(st_jr *r, const char *name, st_type **out)
{
    const char *p;
    long a, b;

    for (size_t i = 0; i < sizeof(g_primitive_names) / sizeof(g_primitive_names[0]); i++)
        if (strcasecmp(name, g_primitive_names[i].name) == 0) {
            *out = st_type_primitive(g_primitive_names[i].id);
            return 0;
        }
    if (strncasecmp(name, "decimal(", 8) == 0) {
        p = name + 8;
        if (read_num(&p, &a) && *p++ == ',' && read_num(&p, &b) && *p++ == ')' && !*p)
            return type_error(r, st_type_decimal_new(out, (int)a, (int)b));
        return st_jr_fail(r, "malformed type '%s'", name);
    }
    if (strncasecmp(name, "fixed[", 6) == 0) {
        p = name + 6;
        if (read_num(&p, &a) && *p++ == ']' && !*p)
            return type_error(r, st_type_fixed_new(out, (int)a));
        return st_jr_fail(r, "malformed type '%s'", name);
    }
    return st_jr_fail_code(r, ST_EUNSUPPORTED, "type '%s' is not supported", name);
}

static int read_type(st_jr *r, const json_t *j, st_schema *schema, int depth, st_type **out);

/* Keeps a field's v3 defaults as JSON text. */
static int read_defaults(st_jr *r, const json_t *field, int32_t id, st_schema *schema)
{
    json_t *init = json_object_get(field, "initial-default");
    json_t *write = json_object_get(field, "write-default");
    st_field_default d = {id, NULL, NULL};
    st_field_default *grown;
    int rc;

    (void)r;
    if (init && json_is_null(init))
        init = NULL;
    if (write && json_is_null(write))
        write = NULL;
    if (!init && !write)
        return 0;
    if ((init && (rc = st_json_text(&d.initial_default, init)) < 0) ||
        (write && (rc = st_json_text(&d.write_default, write)) < 0))
        goto fail;
    grown = st_reallocarray(schema->defaults, (size_t)schema->n_defaults + 1, sizeof(*grown));
    if (!grown) {
        rc = st_error_set_oom();
        goto fail;
    }
    schema->defaults = grown;
    schema->defaults[schema->n_defaults++] = d;
    return 0;
fail:
    st_free(d.initial_default);
    st_free(d.write_default);
    return rc;
}

static int read_struct(st_jr *r, const json_t *j, st_schema *schema, int depth, st_type **out)
{
    json_t *arr, *f;
    st_field *fields = NULL;
    size_t n = 0, i;
    int rc;

    if ((rc = st_jr_arr(r, j, "fields", 1, &arr)) < 0)
        return rc;
    n = json_array_size(arr);
    if (n > 0 && !(fields = st_calloc(n, sizeof(*fields))))
        return st_error_set_oom();
    size_t mark = st_jr_push(r, "fields");
    json_array_foreach(arr, i, f) {
        size_t mark_i = st_jr_push_index(r, i);
        json_t *tj;
        int32_t id;
        const char *name, *doc;
        if ((rc = st_jr_expect_obj(r, f)) < 0 || (rc = st_jr_i32(r, f, "id", 1, 0, &id)) < 0 ||
            (rc = st_jr_str(r, f, "name", 1, &name)) < 0 ||
            (rc = st_jr_bool(r, f, "required", 1, 0, &fields[i].required)) < 0 ||
            (rc = st_jr_str(r, f, "doc", 0, &doc)) < 0)
            goto done;
        if (!(tj = json_object_get(f, "type")) || json_is_null(tj)) {
            size_t m = st_jr_push(r, "type");
            rc = st_jr_fail(r, "missing required field");
            st_jr_pop(r, m);
            goto done;
        }
        fields[i].id = id;
        fields[i].name = name;
        fields[i].doc = doc;
        size_t mark_t = st_jr_push(r, "type");
        rc = read_type(r, tj, schema, depth + 1, &fields[i].type);
        st_jr_pop(r, mark_t);
        if (rc < 0 || (rc = read_defaults(r, f, id, schema)) < 0)
            goto done;
        st_jr_pop(r, mark_i);
    }
    rc = type_error(r, st_type_struct_new(out, fields, (int)n));
done:
    st_jr_pop(r, mark);
    for (i = 0; i < n; i++)
        st_type_free(fields[i].type);
    st_free(fields);
    return rc;
}

/* One child of a list or map: its id, type and (unless a key) requiredness. */
static int read_child(st_jr *r, const json_t *j, const char *id_key, const char *type_key,
                      const char *req_key, st_schema *schema, int depth, st_field *out)
{
    json_t *tj;
    int rc;
    memset(out, 0, sizeof(*out));
    out->required = 1;
    if ((rc = st_jr_i32(r, j, id_key, 1, 0, &out->id)) < 0 ||
        (req_key && (rc = st_jr_bool(r, j, req_key, 1, 0, &out->required)) < 0))
        return rc;
    if (!(tj = json_object_get(j, type_key)) || json_is_null(tj)) {
        size_t m = st_jr_push(r, type_key);
        rc = st_jr_fail(r, "missing required field");
        st_jr_pop(r, m);
        return rc;
    }
    size_t mark = st_jr_push(r, type_key);
    rc = read_type(r, tj, schema, depth + 1, &out->type);
    st_jr_pop(r, mark);
    return rc;
}

static int read_list(st_jr *r, const json_t *j, st_schema *schema, int depth, st_type **out)
{
    st_field el;
    int rc = read_child(r, j, "element-id", "element", "element-required", schema, depth, &el);
    if (rc == 0)
        rc = type_error(r, st_type_list_new(out, &el));
    st_type_free(el.type);
    return rc;
}

static int read_map(st_jr *r, const json_t *j, st_schema *schema, int depth, st_type **out)
{
    st_field key, value;
    int rc;
    memset(&value, 0, sizeof(value));
    if ((rc = read_child(r, j, "key-id", "key", NULL, schema, depth, &key)) == 0 &&
        (rc = read_child(r, j, "value-id", "value", "value-required", schema, depth, &value)) ==
            0)
        rc = type_error(r, st_type_map_new(out, &key, &value));
    st_type_free(key.type);
    st_type_free(value.type);
    return rc;
}

static int read_type(st_jr *r, const json_t *j, st_schema *schema, int depth, st_type **out)
{
    const char *kind;
    int rc;

    *out = NULL;
    if (depth > MAX_TYPE_DEPTH)
        return st_jr_fail(r, "types nested deeper than %d levels", MAX_TYPE_DEPTH);
    if (json_is_string(j))
        return read_primitive(r, json_string_value(j), out);
    if (!json_is_object(j))
        return st_jr_fail(r, "expected a type name or a type object");
    if ((rc = st_jr_str(r, j, "type", 1, &kind)) < 0)
        return rc;
    if (strcmp(kind, "struct") == 0)
        return read_struct(r, j, schema, depth, out);
    if (strcmp(kind, "list") == 0)
        return read_list(r, j, schema, depth, out);
    if (strcmp(kind, "map") == 0)
        return read_map(r, j, schema, depth, out);
    size_t mark = st_jr_push(r, "type");
    rc = st_jr_fail_code(r, ST_EUNSUPPORTED, "type '%s' is not supported", kind);
    st_jr_pop(r, mark);
    return rc;
}

/* Collects every field id of a type (nested included). */
static int collect_ids(const st_type *t, int32_t **ids, size_t *n, size_t *cap)
{
    if (!st_type_is_nested(t))
        return 0;
    for (int i = 0; i < t->n_fields; i++) {
        if (*n == *cap) {
            size_t ncap = *cap ? *cap * 2 : 32;
            int32_t *g = st_reallocarray(*ids, ncap, sizeof(*g));
            if (!g)
                return st_error_set_oom();
            *ids = g;
            *cap = ncap;
        }
        (*ids)[(*n)++] = t->fields[i].id;
        int rc = collect_ids(t->fields[i].type, ids, n, cap);
        if (rc < 0)
            return rc;
    }
    return 0;
}

static int cmp_i32(const void *a, const void *b)
{
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
    return (x > y) - (x < y);
}

/* Field ids must be unique (Java indexes the schema by id); identifier ids must
 * name fields of the schema. */
static int check_ids(st_jr *r, const st_schema *s)
{
    int32_t *ids = NULL;
    size_t n = 0, cap = 0;
    int rc = collect_ids(s->type, &ids, &n, &cap);
    if (rc < 0)
        goto done;
    if (n > 1)
        qsort(ids, n, sizeof(*ids), cmp_i32);
    for (size_t i = 1; i < n; i++)
        if (ids[i] == ids[i - 1]) {
            rc = st_jr_fail(r, "duplicate field id %d", (int)ids[i]);
            goto done;
        }
    for (int i = 0; i < s->n_identifier_ids; i++)
        if (n == 0 || !bsearch(&s->identifier_ids[i], ids, n, sizeof(*ids), cmp_i32)) {
            rc = st_jr_fail(r, "identifier field id %d is not a field of the schema",
                            (int)s->identifier_ids[i]);
            goto done;
        }
done:
    st_free(ids);
    return rc;
}

int st_json_read_schema(st_jr *r, const json_t *j, int32_t dflt_id, st_schema *out)
{
    json_t *ident, *v;
    const char *kind;
    size_t i;
    int rc;

    memset(out, 0, sizeof(*out));
    if ((rc = st_jr_expect_obj(r, j)) < 0 || (rc = st_jr_str(r, j, "type", 1, &kind)) < 0)
        return rc;
    if (strcmp(kind, "struct") != 0) {
        size_t mark = st_jr_push(r, "type");
        rc = st_jr_fail(r, "a schema must be a struct, found '%s'", kind);
        st_jr_pop(r, mark);
        return rc;
    }
    if ((rc = st_jr_i32(r, j, "schema-id", 0, dflt_id, &out->schema_id)) < 0 ||
        (rc = st_jr_arr(r, j, "identifier-field-ids", 0, &ident)) < 0)
        return rc;
    if (ident && json_array_size(ident) > 0) {
        out->identifier_ids = st_mallocarray(json_array_size(ident), sizeof(int32_t));
        if (!out->identifier_ids)
            return st_error_set_oom();
        json_array_foreach(ident, i, v) {
            if (!json_is_integer(v) || json_integer_value(v) < INT32_MIN ||
                json_integer_value(v) > INT32_MAX) {
                size_t mark = st_jr_push(r, "identifier-field-ids");
                st_jr_push_index(r, i);
                rc = st_jr_fail(r, "expected a 32-bit integer");
                st_jr_pop(r, mark);
                goto fail;
            }
            out->identifier_ids[out->n_identifier_ids++] = (int32_t)json_integer_value(v);
        }
    }
    if ((rc = read_struct(r, j, out, 0, &out->type)) < 0 || (rc = check_ids(r, out)) < 0)
        goto fail;
    return 0;
fail:
    st_schema_dispose(out);
    return rc;
}

int st_schema_from_json(st_schema *out, const char *json, size_t len)
{
    json_error_t err;
    json_t *root;
    st_jr r;
    int rc;

    memset(out, 0, sizeof(*out));
    if (!(root = json_loadb(json, len, 0, &err)))
        return st_error_set(ST_ECORRUPT, ST_ERROR_ICEBERG, "schema JSON: %s at line %d column %d",
                            err.text, err.line, err.column);
    st_jr_init(&r, ST_ECORRUPT, "schema");
    rc = st_json_read_schema(&r, root, 0, out);
    json_decref(root);
    return rc;
}

/* ============================================================== writing */

static void write_type(st_jw *w, const st_schema *s, const st_type *t);

static void write_fields(st_jw *w, const st_schema *s, const st_type *t)
{
    st_jw_key(w, "fields");
    st_jw_begin_arr(w);
    for (int i = 0; i < t->n_fields; i++) {
        const st_field *f = &t->fields[i];
        const st_field_default *d = st_schema_default(s, f->id);
        st_jw_begin_obj(w);
        st_jw_key(w, "id");
        st_jw_i64(w, f->id);
        st_jw_key(w, "name");
        st_jw_str(w, f->name);
        st_jw_key(w, "required");
        st_jw_bool(w, f->required);
        st_jw_key(w, "type");
        write_type(w, s, f->type);
        if (f->doc) {
            st_jw_key(w, "doc");
            st_jw_str(w, f->doc);
        }
        if (d && d->initial_default) {
            st_jw_key(w, "initial-default");
            st_jw_raw(w, d->initial_default);
        }
        if (d && d->write_default) {
            st_jw_key(w, "write-default");
            st_jw_raw(w, d->write_default);
        }
        st_jw_end_obj(w);
    }
    st_jw_end_arr(w);
}

static void write_type(st_jw *w, const st_schema *s, const st_type *t)
{
    char tmp[48];
    switch (t->id) {
    case ST_TYPE_DECIMAL:
        /* Java's spelling, with the space. */
        snprintf(tmp, sizeof(tmp), "decimal(%d, %d)", (int)t->precision, (int)t->scale);
        st_jw_str(w, tmp);
        break;
    case ST_TYPE_FIXED:
        snprintf(tmp, sizeof(tmp), "fixed[%d]", (int)t->length);
        st_jw_str(w, tmp);
        break;
    case ST_TYPE_STRUCT:
        st_jw_begin_obj(w);
        st_jw_key(w, "type");
        st_jw_str(w, "struct");
        write_fields(w, s, t);
        st_jw_end_obj(w);
        break;
    case ST_TYPE_LIST:
        st_jw_begin_obj(w);
        st_jw_key(w, "type");
        st_jw_str(w, "list");
        st_jw_key(w, "element-id");
        st_jw_i64(w, t->fields[0].id);
        st_jw_key(w, "element");
        write_type(w, s, t->fields[0].type);
        st_jw_key(w, "element-required");
        st_jw_bool(w, t->fields[0].required);
        st_jw_end_obj(w);
        break;
    case ST_TYPE_MAP:
        st_jw_begin_obj(w);
        st_jw_key(w, "type");
        st_jw_str(w, "map");
        st_jw_key(w, "key-id");
        st_jw_i64(w, t->fields[0].id);
        st_jw_key(w, "key");
        write_type(w, s, t->fields[0].type);
        st_jw_key(w, "value-id");
        st_jw_i64(w, t->fields[1].id);
        st_jw_key(w, "value");
        write_type(w, s, t->fields[1].type);
        st_jw_key(w, "value-required");
        st_jw_bool(w, t->fields[1].required);
        st_jw_end_obj(w);
        break;
    default: st_jw_str(w, st_type_id_name(t->id)); break;
    }
}

void st_jw_schema(st_jw *w, const st_schema *s)
{
    st_jw_begin_obj(w);
    st_jw_key(w, "type");
    st_jw_str(w, "struct");
    st_jw_key(w, "schema-id");
    st_jw_i64(w, s->schema_id);
    if (s->n_identifier_ids > 0) {
        st_jw_key(w, "identifier-field-ids");
        st_jw_begin_arr(w);
        for (int i = 0; i < s->n_identifier_ids; i++)
            st_jw_i64(w, s->identifier_ids[i]);
        st_jw_end_arr(w);
    }
    if (s->type && s->type->id == ST_TYPE_STRUCT)
        write_fields(w, s, s->type);
    else {
        st_jw_key(w, "fields");
        st_jw_begin_arr(w);
        st_jw_end_arr(w);
    }
    st_jw_end_obj(w);
}

int st_schema_to_json(char **out, const st_schema *s)
{
    st_jw w = {ST_BUF_INIT, 0};
    st_jw_schema(&w, s);
    return st_jw_finish(&w, out);
}
