/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The JSON lines reader: splits the input into lines, parses each into a DOM
 * (json_parse.c), infers a schema from a sample of lines, and converts each
 * object into one row of the batch, nested structs, lists and maps included.
 * The conversion rules are listed at st_json_reader_open() in formats.h.
 */
#include <stdio.h>

#include "formats/formats_int.h"
#include "util/alloc.h"
#include "util/arena.h"

typedef struct json_reader {
    st_batch_reader base;
    st_fmt_source src;
    st_type *schema;
    int64_t batch_rows, infer_rows;
    size_t pos;            /* consumed bytes of the window */
    uint64_t line;         /* number of the line at pos */
    st_arena arena;        /* the DOM of the current line */
    st_buf scratch;        /* JSON text of values read as strings */
    int done;
    int failed;
    st_error_saved error;
} json_reader;

/* The field being converted and its parents, for messages ("a.b.c"). */
typedef struct field_path {
    const char *name;
    const struct field_path *up;
} field_path;

/* ------------------------------------------------------------------ lines */

/* The next non-blank line (without its line break): 1, 0 at the end, or an error. */
static int next_line(json_reader *r, const char **s, size_t *len)
{
    for (;;) {
        const uint8_t *p = r->src.p + r->pos, *nl;
        size_t avail = r->src.len - r->pos, n;
        int rc;
        nl = memchr(p, '\n', avail);
        if (!nl && !st_fmt_source_at_eof(&r->src)) {
            if ((rc = st_fmt_source_more(&r->src, r->pos)) < 0)
                return rc;
            r->pos = 0;
            continue;
        }
        if (!nl && avail == 0)
            return 0;
        n = nl ? (size_t)(nl - p) : avail;
        r->pos += nl ? n + 1 : n;
        r->line++;
        if (n > 0 && p[n - 1] == '\r')
            n--;
        for (size_t k = 0; k < n; k++)
            if (p[k] != ' ' && p[k] != '\t' && p[k] != '\r') {
                *s = (const char *)p;
                *len = n;
                return 1;
            }
    }
}

static int restart(json_reader *r)
{
    int rc;
    if ((rc = st_fmt_source_rewind(&r->src)) < 0)
        return rc;
    r->line = 0;
    return st_fmt_source_skip_bom(&r->src, &r->pos);
}

/* Parses the next line into an object: 1, 0 at the end, or an error. */
static int next_object(json_reader *r, const st_json **out)
{
    const char *s = NULL;
    size_t len = 0;
    uint32_t col = 0;
    st_json *v;
    int rc;

    st_arena_dispose(&r->arena);
    if ((rc = next_line(r, &s, &len)) <= 0)
        return rc;
    if ((rc = st_json_parse(&v, &r->arena, s, len, &col)) < 0) {
        if (rc == ST_ENOMEM)
            return rc;
        return st_error_set(rc, ST_ERROR_JSON, "%s:%llu: malformed JSON: %s", r->src.name,
                            (unsigned long long)r->line, st_error_last()->message);
    }
    if (v->kind != ST_JSON_OBJECT)
        return st_error_set(ST_EINVALID, ST_ERROR_JSON, "%s:%llu:%u: expected a JSON object",
                            r->src.name, (unsigned long long)r->line, v->column);
    *out = v;
    return 1;
}

/* -------------------------------------------------------------- inference */

typedef enum it_kind {
    IT_UNKNOWN, IT_BOOL, IT_LONG, IT_DOUBLE, IT_STRING, IT_LIST, IT_STRUCT
} it_kind;

typedef struct itype itype;
typedef struct ifield {
    char *name;
    itype *type;
    struct ifield *next;
} ifield;

struct itype {
    it_kind kind;
    itype *elem;           /* list */
    ifield *fields;        /* struct, in order of first appearance */
    ifield **tail;
    int n_fields;
};

static void itype_clear(itype *t);

static void ifields_free(ifield *f)
{
    while (f) {
        ifield *next = f->next;
        st_free(f->name);
        itype_clear(f->type);
        st_free(f->type);
        st_free(f);
        f = next;
    }
}

/* Frees the children and makes t unknown again. */
static void itype_clear(itype *t)
{
    if (!t)
        return;
    if (t->elem) {
        itype_clear(t->elem);
        st_free(t->elem);
    }
    ifields_free(t->fields);
    memset(t, 0, sizeof(*t));
}

static itype *itype_new(void)
{
    return st_calloc(1, sizeof(itype));
}

static int unify(itype *t, const st_json *j);

static int unify_object(itype *t, const st_json *j)
{
    int rc;
    for (const st_json *m = j->child; m; m = m->next) {
        ifield *f = t->fields;
        while (f && !(strlen(f->name) == m->key_len && memcmp(f->name, m->key, m->key_len) == 0))
            f = f->next;
        if (!f) {
            if (!(f = st_calloc(1, sizeof(*f))))
                return ST_ENOMEM;
            f->name = st_strndup(m->key, m->key_len);
            f->type = itype_new();
            *t->tail = f; /* linked first, so a failure below still frees it */
            t->tail = &f->next;
            t->n_fields++;
            if (!f->name || !f->type)
                return ST_ENOMEM;
        }
        if ((rc = unify(f->type, m)) < 0)
            return rc;
    }
    return 0;
}

static it_kind json_kind(const st_json *j)
{
    int64_t v;
    switch (j->kind) {
    case ST_JSON_FALSE:
    case ST_JSON_TRUE: return IT_BOOL;
    case ST_JSON_NUMBER:
        return j->is_integer && st_fmt_parse_i64(j->s, j->len, &v) == 0 ? IT_LONG : IT_DOUBLE;
    case ST_JSON_STRING: return IT_STRING;
    case ST_JSON_ARRAY: return IT_LIST;
    case ST_JSON_OBJECT: return IT_STRUCT;
    default: return IT_UNKNOWN;
    }
}

/* Widens t to hold j too (see formats.h for the rules). */
static int unify(itype *t, const st_json *j)
{
    it_kind k = json_kind(j);
    if (k == IT_UNKNOWN || t->kind == IT_STRING)
        return 0;
    if (t->kind == IT_UNKNOWN) {
        t->kind = k;
        if (k == IT_LIST && !(t->elem = itype_new()))
            return ST_ENOMEM;
        if (k == IT_STRUCT)
            t->tail = &t->fields;
    } else if (t->kind != k) {
        int numeric = (t->kind == IT_LONG || t->kind == IT_DOUBLE) &&
                      (k == IT_LONG || k == IT_DOUBLE);
        itype_clear(t);
        t->kind = numeric ? IT_DOUBLE : IT_STRING;
        return 0;
    }
    if (k == IT_LIST)
        for (const st_json *e = j->child; e; e = e->next) {
            int rc = unify(t->elem, e);
            if (rc < 0)
                return rc;
        }
    return k == IT_STRUCT ? unify_object(t, j) : 0;
}

static int itype_build(st_type **out, const itype *t)
{
    st_field *fields, elem = {ST_FIELD_ID_NONE, "element", 0, NULL, NULL};
    const ifield *f;
    int rc = 0, i = 0;

    *out = NULL;
    switch (t->kind) {
    case IT_BOOL: *out = st_type_primitive(ST_TYPE_BOOLEAN); return 0;
    case IT_LONG: *out = st_type_primitive(ST_TYPE_LONG); return 0;
    case IT_DOUBLE: *out = st_type_primitive(ST_TYPE_DOUBLE); return 0;
    case IT_LIST:
        if ((rc = itype_build(&elem.type, t->elem)) == 0)
            rc = st_type_list_new(out, &elem);
        st_type_free(elem.type);
        return rc;
    case IT_STRUCT:
        if (t->n_fields > 0)
            break;
        /* Only ever {}: Parquet has no empty groups, so keep the text. */
        *out = st_type_primitive(ST_TYPE_STRING);
        return 0;
    default: *out = st_type_primitive(ST_TYPE_STRING); return 0;
    }
    if (!(fields = st_calloc((size_t)t->n_fields, sizeof(*fields))))
        return ST_ENOMEM;
    for (f = t->fields; f && rc == 0; f = f->next, i++) {
        fields[i].id = ST_FIELD_ID_NONE;
        fields[i].name = f->name;
        rc = itype_build(&fields[i].type, f->type);
    }
    if (rc == 0)
        rc = st_type_struct_new(out, fields, t->n_fields);
    for (i = 0; i < t->n_fields; i++)
        st_type_free(fields[i].type);
    st_free(fields);
    return rc;
}

static int infer(json_reader *r)
{
    itype root;
    st_type *tmp = NULL;
    const st_json *obj;
    int32_t next_id = 1;
    int rc = 1;

    memset(&root, 0, sizeof(root));
    root.kind = IT_STRUCT;
    root.tail = &root.fields;
    for (int64_t k = 0; k < r->infer_rows && (rc = next_object(r, &obj)) == 1; k++)
        if ((rc = unify_object(&root, obj)) < 0)
            break;
    if (rc >= 0 && root.n_fields == 0)
        rc = st_error_set(ST_EINVALID, ST_ERROR_JSON,
                          "%s: no object keys in the first %lld lines to infer a schema from",
                          r->src.name, (long long)r->infer_rows);
    if (rc >= 0 && (rc = itype_build(&tmp, &root)) == 0)
        rc = st_fmt_fresh_ids(&r->schema, tmp, &next_id);
    st_type_free(tmp);
    itype_clear(&root);
    st_arena_dispose(&r->arena);
    return rc;
}

/* ------------------------------------------------------------- conversion */

static int path_error(json_reader *r, const field_path *at, uint32_t column, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

static int path_error(json_reader *r, const field_path *at, uint32_t column, const char *fmt, ...)
{
    char what[512], where[256];
    const field_path *chain[64];
    int n = 0, len = 0;
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(what, sizeof(what), fmt, ap);
    va_end(ap);
    for (const field_path *p = at; p && n < 64; p = p->up)
        chain[n++] = p;
    where[0] = 0;
    while (n-- > 0 && len < (int)sizeof(where))
        len += snprintf(where + len, sizeof(where) - (size_t)len, "%s%s", len ? "." : "",
                        chain[n]->name);
    return st_error_set(ST_EINVALID, ST_ERROR_JSON, "%s:%llu:%u: %s (field '%s')", r->src.name,
                        (unsigned long long)r->line, column, what, where);
}

static const char *kind_name(st_json_kind k)
{
    static const char *const names[] = {"null", "false", "true", "a number", "a string",
                                        "an array", "an object"};
    return names[k];
}

static int convert(json_reader *r, st_vector *v, const st_field *fd, const st_json *j,
                   uint32_t column, const field_path *up);

/* The members of object j that match the fields of struct type t (last wins). */
static int match_members(json_reader *r, const st_type *t, const st_json *j,
                         const st_json ***slots)
{
    const st_json **s = st_arena_calloc(&r->arena, (size_t)t->n_fields + 1, sizeof(*s));
    int k = 0;
    if (!s)
        return ST_ENOMEM;
    for (const st_json *m = j->child; m; m = m->next, k++) {
        /* Members usually come in schema order: try the same position first. */
        int i = k < t->n_fields ? k : 0;
        for (int tries = 0; tries < t->n_fields; tries++, i = (i + 1) % t->n_fields) {
            const char *name = t->fields[i].name;
            if (strlen(name) == m->key_len && memcmp(name, m->key, m->key_len) == 0) {
                s[i] = m;
                break;
            }
        }
    }
    *slots = s;
    return 0;
}

static int convert_struct(json_reader *r, st_vector *v, const st_json *j, const field_path *at)
{
    const st_type *t = v->type;
    const st_json **slots;
    int rc;
    if ((rc = match_members(r, t, j, &slots)) < 0)
        return rc;
    for (int i = 0; i < t->n_fields; i++) {
        field_path p = {t->fields[i].name, at};
        if ((rc = convert(r, v->children[i], &t->fields[i], slots[i], j->column, &p)) < 0)
            return rc;
    }
    return st_vector_append_nested(v);
}

static int convert_list(json_reader *r, st_vector *v, const st_json *j, const field_path *at)
{
    field_path p = {"element", at};
    int rc;
    for (const st_json *e = j->child; e; e = e->next)
        if ((rc = convert(r, v->children[0], &v->type->fields[0], e, e->column, &p)) < 0)
            return rc;
    return st_vector_append_nested(v);
}

/* A map key from an object member name, parsed as the key type. */
static int map_key_text(json_reader *r, st_vector *keys, const st_json *m, const field_path *at)
{
    int rc = keys->type->id == ST_TYPE_STRING
                 ? st_vector_append_bytes(keys, m->key, m->key_len)
                 : st_fmt_append_text(keys, m->key, m->key_len, ST_FMT_BYTES_BASE64);
    if (rc < 0 && rc != ST_ENOMEM) {
        char msg[1024];
        snprintf(msg, sizeof(msg), "%s", st_error_last()->message);
        return path_error(r, at, m->column, "map key: %s", msg);
    }
    return rc;
}

static int convert_map(json_reader *r, st_vector *v, const st_json *j, const field_path *at)
{
    const st_field *kf = &v->type->fields[0], *vf = &v->type->fields[1];
    field_path pk = {"key", at}, pv = {"value", at};
    int rc;
    for (const st_json *e = j->child; e; e = e->next) {
        const st_json *key = NULL, *val = NULL;
        if (j->kind == ST_JSON_OBJECT) {
            if ((rc = map_key_text(r, v->children[0], e, &pk)) < 0 ||
                (rc = convert(r, v->children[1], vf, e, e->column, &pv)) < 0)
                return rc;
            continue;
        }
        if (e->kind != ST_JSON_OBJECT)
            return path_error(r, at, e->column,
                              "a map entry must be an object {\"key\": ..., \"value\": ...}");
        for (const st_json *m = e->child; m; m = m->next) {
            if (m->key_len == 3 && memcmp(m->key, "key", 3) == 0)
                key = m;
            else if (m->key_len == 5 && memcmp(m->key, "value", 5) == 0)
                val = m;
        }
        if ((rc = convert(r, v->children[0], kf, key, e->column, &pk)) < 0 ||
            (rc = convert(r, v->children[1], vf, val, e->column, &pv)) < 0)
            return rc;
    }
    return st_vector_append_nested(v);
}

static int convert_primitive(json_reader *r, st_vector *v, const st_json *j, const field_path *at)
{
    st_type_id id = v->type->id;
    int rc, numeric = id == ST_TYPE_INT || id == ST_TYPE_LONG || id == ST_TYPE_FLOAT ||
                      id == ST_TYPE_DOUBLE || id == ST_TYPE_DECIMAL;

    if (id == ST_TYPE_STRING && j->kind != ST_JSON_STRING) {
        /* Not a string: keep its JSON text (what inference widened to string). */
        st_buf_clear(&r->scratch);
        if ((rc = st_json_write(&r->scratch, j)) < 0)
            return rc;
        return st_vector_append_bytes(v, r->scratch.ptr, r->scratch.len);
    }
    if (id == ST_TYPE_BOOLEAN && (j->kind == ST_JSON_TRUE || j->kind == ST_JSON_FALSE))
        return st_vector_append_bool(v, j->kind == ST_JSON_TRUE);
    if (j->kind == ST_JSON_STRING || (j->kind == ST_JSON_NUMBER && numeric)) {
        rc = st_fmt_append_text(v, j->s, j->len, ST_FMT_BYTES_BASE64);
        if (rc < 0 && rc != ST_ENOMEM) {
            char msg[1024];
            snprintf(msg, sizeof(msg), "%s", st_error_last()->message);
            return path_error(r, at, j->column, "%s", msg);
        }
        return rc;
    }
    return path_error(r, at, j->column, "cannot read %s as %s", kind_name(j->kind),
                      st_type_id_name(id));
}

static int convert(json_reader *r, st_vector *v, const st_field *fd, const st_json *j,
                   uint32_t column, const field_path *at)
{
    st_type_id id = v->type->id;
    if (!j || j->kind == ST_JSON_NULL) {
        if (fd->required)
            return path_error(r, at, j ? j->column : column, "null for a required field");
        return st_vector_append_null(v);
    }
    if (id == ST_TYPE_STRUCT || id == ST_TYPE_LIST || id == ST_TYPE_MAP) {
        int want_obj = id == ST_TYPE_STRUCT;
        if ((want_obj && j->kind != ST_JSON_OBJECT) ||
            (id == ST_TYPE_LIST && j->kind != ST_JSON_ARRAY) ||
            (id == ST_TYPE_MAP && j->kind != ST_JSON_OBJECT && j->kind != ST_JSON_ARRAY))
            return path_error(r, at, j->column, "cannot read %s as %s", kind_name(j->kind),
                              st_type_id_name(id));
        if (id == ST_TYPE_STRUCT)
            return convert_struct(r, v, j, at);
        return id == ST_TYPE_LIST ? convert_list(r, v, j, at) : convert_map(r, v, j, at);
    }
    return convert_primitive(r, v, j, at);
}

static int append_row(json_reader *r, st_batch *b, const st_json *obj)
{
    const st_json **slots;
    int rc;
    if ((rc = match_members(r, r->schema, obj, &slots)) < 0)
        return rc;
    for (int i = 0; i < b->n_columns; i++) {
        field_path p = {r->schema->fields[i].name, NULL};
        if ((rc = convert(r, b->columns[i], &r->schema->fields[i], slots[i], obj->column, &p)) <
            0)
            return rc;
    }
    return 0;
}

/* ----------------------------------------------------------- batch reader */

static int fail(json_reader *r, int rc)
{
    r->failed = rc;
    st_error_save(&r->error);
    return rc;
}

static int json_next(st_batch_reader *base, st_batch **out)
{
    json_reader *r = (json_reader *)base;
    st_batch *b = NULL;
    const st_json *obj;
    int64_t rows = 0;
    int rc = 0;

    *out = NULL;
    if (r->failed)
        return st_error_restore(&r->error);
    if (r->done)
        return ST_ITEROVER;
    if ((rc = st_batch_new(&b, r->schema, r->batch_rows < 1024 ? r->batch_rows : 1024)) < 0)
        return fail(r, rc);
    while (rows < r->batch_rows) {
        if ((rc = next_object(r, &obj)) == 0) {
            r->done = 1;
            break;
        }
        if (rc < 0 || (rc = append_row(r, b, obj)) < 0)
            break;
        rows++;
    }
    st_arena_dispose(&r->arena);
    if (rc < 0 || (rc = st_batch_seal(b)) < 0) {
        st_batch_free(b);
        return fail(r, rc);
    }
    if (rows == 0) {
        st_batch_free(b);
        return ST_ITEROVER;
    }
    *out = b;
    return 0;
}

static st_type *json_schema(st_batch_reader *base)
{
    return ((json_reader *)base)->schema;
}

static void json_free(st_batch_reader *base)
{
    json_reader *r = (json_reader *)base;
    if (!r)
        return;
    st_fmt_source_dispose(&r->src);
    st_type_free(r->schema);
    st_arena_dispose(&r->arena);
    st_buf_dispose(&r->scratch);
    st_free(r);
}

static const st_batch_reader_vtable json_vtable = {json_next, json_schema, json_free};

int st_json_reader_open_input(st_batch_reader **out, st_input *in,
                              const st_json_read_options *opts)
{
    st_json_read_options defaults = ST_JSON_READ_OPTIONS_INIT;
    json_reader *r;
    int rc = 0;

    *out = NULL;
    if (!in)
        return st_error_set(ST_EINVALID, ST_ERROR_JSON, "st_json_reader_open_input: no input");
    if (!opts)
        opts = &defaults;
    if (opts->version != ST_JSON_READ_OPTIONS_VERSION)
        rc = st_error_set(ST_EINVALID, ST_ERROR_JSON, "unknown JSON options version %u",
                          opts->version);
    else if (opts->batch_rows < 0 || opts->infer_rows < 0)
        rc = st_error_set(ST_EINVALID, ST_ERROR_JSON, "negative batch_rows or infer_rows");
    else if (opts->schema && opts->schema->id != ST_TYPE_STRUCT)
        rc = st_error_set(ST_EINVALID, ST_ERROR_JSON, "the schema must be a struct type");
    if (rc < 0 || !(r = st_calloc(1, sizeof(*r)))) {
        st_input_free(in);
        return rc < 0 ? rc : ST_ENOMEM;
    }
    r->base.vt = &json_vtable;
    r->batch_rows = opts->batch_rows ? opts->batch_rows : ST_FMT_DEFAULT_BATCH_ROWS;
    r->infer_rows = opts->infer_rows ? opts->infer_rows : ST_FMT_DEFAULT_INFER_ROWS;
    r->schema = st_type_ref(opts->schema);
    if ((rc = st_fmt_source_open(&r->src, in)) < 0 || (rc = restart(r)) < 0 ||
        (!r->schema && ((rc = infer(r)) < 0 || (rc = restart(r)) < 0))) {
        json_free(&r->base);
        return rc;
    }
    *out = &r->base;
    return 0;
}

int st_json_reader_open(st_batch_reader **out, const char *path,
                        const st_json_read_options *opts)
{
    st_input *in = NULL;
    int rc;
    *out = NULL;
    if ((rc = st_input_open_file(&in, path)) < 0)
        return rc;
    return st_json_reader_open_input(out, in, opts);
}
