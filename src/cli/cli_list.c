/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Listings (namespaces, tables, the metadata tables of a table, ...): batches
 * -- from a metadata-table reader, or one st_batch collected by hand -- are
 * printed by the same writers `parquet cat` uses: the aligned table of
 * print_table.c, the CSV writer, the JSON lines writer, so every listing
 * prints alike. For table and csv, nested columns are first turned into
 * string columns of compact text ({1: 10}, [4, 8], {city: Oslo}); JSON keeps
 * them as objects and arrays. `json` is the JSON lines output made one array.
 */
#include <stdlib.h>
#include <string.h>

#include <supertable/sys/alloc.h>

#include "cli.h"

/* Cells of the table format are cut at this many characters (paths, summaries). */
#define LIST_MAX_WIDTH 80

struct cli_list {
    st_type *schema;
    st_batch *batch;
    int col;               /* the next cell's column */
};

int cli_list_format_parse(const char *cmd, const char *arg, cli_list_format *out)
{
    static const struct {
        const char *name;
        cli_list_format f;
    } names[] = {
        {"table", CLI_LIST_TABLE}, {"csv", CLI_LIST_CSV}, {"json", CLI_LIST_JSON},
        {"jsonl", CLI_LIST_JSONL},
    };
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (strcmp(arg, names[i].name) == 0) {
            *out = names[i].f;
            return 0;
        }
    return cli_usage_error(cmd, "--format must be table, csv, json or jsonl, not '%s'", arg);
}

int cli_list_new(cli_list **out, const char *schema)
{
    cli_list *l = calloc(1, sizeof(*l));
    int rc;
    *out = NULL;
    if (!l)
        return st_error_set_oom();
    if ((rc = st_schema_parse(&l->schema, schema)) < 0 ||
        (rc = st_batch_new(&l->batch, l->schema, 64)) < 0) {
        cli_list_free(l);
        return rc;
    }
    *out = l;
    return 0;
}

void cli_list_free(cli_list *l)
{
    if (!l)
        return;
    st_batch_free(l->batch);
    st_type_free(l->schema);
    free(l);
}

/* The vector of the next cell; moves on to the next one. */
static st_vector *next_cell(cli_list *l)
{
    st_vector *v = l->batch->columns[l->col];
    l->col = (l->col + 1) % l->batch->n_columns;
    return v;
}

int cli_list_str(cli_list *l, const char *s)
{
    st_vector *v = next_cell(l);
    return s ? st_vector_append_bytes(v, s, strlen(s)) : st_vector_append_null(v);
}

int cli_list_long(cli_list *l, int64_t x)
{
    return st_vector_append_i64(next_cell(l), x);
}

int cli_list_long_or_null(cli_list *l, int64_t x, int64_t null_value)
{
    st_vector *v = next_cell(l);
    return x == null_value ? st_vector_append_null(v) : st_vector_append_i64(v, x);
}

int cli_list_bool(cli_list *l, int x)
{
    return st_vector_append_bool(next_cell(l), x != 0);
}

/* ------------------------------------------------------------- printing */

typedef struct membuf {
    char *data;
    size_t len, cap;
} membuf;

static int to_membuf(const void *data, size_t len, void *payload)
{
    membuf *m = payload;
    if (m->len + len + 1 > m->cap) {
        size_t cap = (m->len + len + 1) * 2;
        char *grown = realloc(m->data, cap);
        if (!grown)
            return st_error_set_oom();
        m->data = grown;
        m->cap = cap;
    }
    memcpy(m->data + m->len, data, len);
    m->len += len;
    m->data[m->len] = 0;
    return 0;
}

static int put_text(membuf *m, const char *s)
{
    return to_membuf(s, strlen(s), m);
}

/* The compact text of row i of v: {k: v, ...} for maps, [a, b] for lists,
 * {field: v, ...} for structs, "null" for null, primitives as in CSV (binary
 * and fixed in base64, so that no raw bytes land in the text). */
static int compact(membuf *m, const st_vector *v, int64_t i)
{
    int64_t b, e;
    int rc = 0;
    if (!st_vector_is_valid(v, i))
        return put_text(m, "null");
    switch (v->type->id) {
    case ST_TYPE_STRUCT:
        rc = put_text(m, "{");
        for (int c = 0; c < v->n_children && rc == 0; c++)
            if ((rc = put_text(m, c ? ", " : "")) == 0 &&
                (rc = put_text(m, v->type->fields[c].name)) == 0 &&
                (rc = put_text(m, ": ")) == 0)
                rc = compact(m, v->children[c], i);
        return rc ? rc : put_text(m, "}");
    case ST_TYPE_LIST:
        st_vector_get_range(v, i, &b, &e);
        rc = put_text(m, "[");
        for (int64_t k = b; k < e && rc == 0; k++)
            if ((rc = put_text(m, k > b ? ", " : "")) == 0)
                rc = compact(m, v->children[0], k);
        return rc ? rc : put_text(m, "]");
    case ST_TYPE_MAP:
        st_vector_get_range(v, i, &b, &e);
        rc = put_text(m, "{");
        for (int64_t k = b; k < e && rc == 0; k++)
            if ((rc = put_text(m, k > b ? ", " : "")) == 0 &&
                (rc = compact(m, v->children[0], k)) == 0 && (rc = put_text(m, ": ")) == 0)
                rc = compact(m, v->children[1], k);
        return rc ? rc : put_text(m, "}");
    default: {
        char *text = NULL;
        size_t len = 0;
        if ((rc = st_value_format(&text, &len, v, i, ST_VALUE_TEXT_BASE64)) == 0)
            rc = to_membuf(text, len, m);
        st_free(text);
        return rc;
    }
    }
}

/* The schema with every nested column a string column (table and csv). */
static int flat_schema(st_type **out, const st_type *schema)
{
    st_field *f = calloc((size_t)schema->n_fields + 1, sizeof(*f));
    int rc;
    if (!f)
        return st_error_set_oom();
    for (int i = 0; i < schema->n_fields; i++) {
        f[i] = schema->fields[i];
        if (st_type_is_nested(f[i].type))
            f[i].type = st_type_primitive(ST_TYPE_STRING);
    }
    rc = st_type_struct_new(out, f, schema->n_fields);
    free(f);
    return rc;
}

/* The compact text of every row of a nested vector, as a string vector. */
static int flat_vector(st_vector **out, const st_vector *v)
{
    membuf m = {NULL, 0, 0};
    int rc;
    if ((rc = st_vector_new(out, st_type_primitive(ST_TYPE_STRING), v->length)) < 0)
        return rc;
    for (int64_t i = 0; i < v->length && rc == 0; i++) {
        m.len = 0;
        if (!st_vector_is_valid(v, i))
            rc = st_vector_append_null(*out);
        else if ((rc = compact(&m, v, i)) == 0)
            rc = st_vector_append_bytes(*out, m.data ? m.data : "", m.len);
    }
    free(m.data);
    if (rc < 0) {
        st_vector_free(*out);
        *out = NULL;
    }
    return rc;
}

static int flat_batch(st_batch **out, const st_batch *b, st_type *flat)
{
    st_vector **cols = calloc((size_t)b->n_columns + 1, sizeof(*cols));
    int rc = 0;
    *out = NULL;
    if (!cols)
        return st_error_set_oom();
    for (int i = 0; i < b->n_columns && rc == 0; i++)
        if (st_type_is_nested(b->columns[i]->type))
            rc = flat_vector(&cols[i], b->columns[i]);
        else
            cols[i] = st_vector_ref(b->columns[i]);
    if (rc == 0)
        rc = st_batch_from_vectors(out, flat, cols);
    for (int i = 0; i < b->n_columns; i++)
        st_vector_free(cols[i]);
    free(cols);
    return rc;
}

/* JSON lines (one object a line; strings escape line breaks) as one array. */
static int print_json_array(const membuf *m)
{
    const char *p = m->data ? m->data : "", *end = p + m->len;
    int first = 1;
    fputc('[', stdout);
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
        if (n > 0) {
            fputs(first ? "\n  " : ",\n  ", stdout);
            fwrite(p, 1, n, stdout);
            first = 0;
        }
        p += n + 1;
    }
    fputs(first ? "]\n" : "\n]\n", stdout);
    return 0;
}

int cli_print_reader(st_batch_reader *r, cli_list_format f)
{
    st_type *schema = st_batch_reader_schema(r);
    st_type *shown = NULL;
    st_text_writer *w = NULL;
    cli_table *t = NULL;
    st_batch *b = NULL, *flat = NULL;
    membuf m = {NULL, 0, 0};
    int json = f == CLI_LIST_JSON || f == CLI_LIST_JSONL;
    int rc;

    /* JSON prints nested values as they are; table and csv as compact text */
    if (json) {
        rc = st_json_writer_new_fn(&w, f == CLI_LIST_JSON ? to_membuf : cli_write_file,
                                   f == CLI_LIST_JSON ? (void *)&m : (void *)stdout, schema);
    } else if ((rc = flat_schema(&shown, schema)) == 0) {
        if (f == CLI_LIST_TABLE) {
            rc = cli_table_new(&t, stdout, shown, LIST_MAX_WIDTH);
        } else {
            st_csv_write_options o = ST_CSV_WRITE_OPTIONS_INIT;
            o.binary = ST_CSV_BINARY_BASE64;
            rc = st_csv_writer_new_fn(&w, cli_write_file, stdout, shown, &o);
        }
    }
    while (rc == 0 && (rc = st_batch_reader_next(r, &b)) == 0) {
        if (json)
            rc = st_text_writer_write(w, b);
        else if ((rc = flat_batch(&flat, b, shown)) == 0)
            rc = t ? cli_table_add(t, flat, NULL, flat->length) : st_text_writer_write(w, flat);
        st_batch_free(flat);
        st_batch_free(b);
        flat = b = NULL;
    }
    if (rc == ST_ITEROVER)
        rc = t ? cli_table_finish(t) : st_text_writer_finish(w);
    if (rc == 0 && f == CLI_LIST_JSON)
        rc = print_json_array(&m);
    if (rc == 0 && fflush(stdout) != 0)
        rc = st_error_set(ST_EIO, ST_ERROR_CLI, "cannot write the output");
    cli_table_free(t);
    st_text_writer_free(w);
    st_type_free(shown);
    free(m.data);
    return rc;
}

/* A reader of the one batch of a hand-built listing. */
typedef struct one_reader {
    st_batch_reader base;
    cli_list *l;
    int done;
} one_reader;

static int one_next(st_batch_reader *r, st_batch **out)
{
    one_reader *o = (one_reader *)r;
    *out = NULL;
    if (o->done)
        return ST_ITEROVER;
    o->done = 1;
    *out = o->l->batch;
    o->l->batch = NULL;   /* handed over: the reader's caller frees it */
    return 0;
}

static st_type *one_schema(st_batch_reader *r)
{
    return ((one_reader *)r)->l->schema;
}

static void one_free(st_batch_reader *r)
{
    (void)r;
}

int cli_list_print(cli_list *l, cli_list_format f)
{
    static const st_batch_reader_vtable vt = {one_next, one_schema, one_free};
    one_reader r = {{&vt}, l, 0};
    int rc;
    if (!l->batch)
        return st_error_set(ST_EINVALID, ST_ERROR_CLI, "a listing is printed once");
    if ((rc = st_batch_seal(l->batch)) < 0)
        return rc;
    return cli_print_reader(&r.base, f);
}
