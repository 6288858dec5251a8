/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Listings (namespaces, tables, snapshots, files, ...): rows are collected in
 * one st_batch of a small schema and printed by the same writers `parquet cat`
 * uses -- the aligned table of print_table.c, the CSV writer, the JSON lines
 * writer -- so every listing prints alike. A map<string, string> column (a
 * snapshot summary, properties) is an object in JSON and its JSON text in CSV
 * and in the table. `json` is the JSON lines output made one array.
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

int cli_list_props(cli_list *l, const st_property *p, size_t n)
{
    st_vector *v = next_cell(l);
    int rc;
    for (size_t i = 0; i < n; i++) {
        const char *val = p[i].value ? p[i].value : "";
        if ((rc = st_vector_append_bytes(v->children[0], p[i].key, strlen(p[i].key))) < 0 ||
            (rc = st_vector_append_bytes(v->children[1], val, strlen(val))) < 0)
            return rc;
    }
    return st_vector_append_nested(v);
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

int cli_list_print(cli_list *l, cli_list_format f)
{
    st_text_writer *w = NULL;
    cli_table *t = NULL;
    membuf m = {NULL, 0, 0};
    int rc;

    if ((rc = st_batch_seal(l->batch)) < 0)
        return rc;
    if (f == CLI_LIST_TABLE) {
        if ((rc = cli_table_new(&t, stdout, l->schema, LIST_MAX_WIDTH)) == 0 &&
            (rc = cli_table_add(t, l->batch, NULL, l->batch->length)) == 0)
            rc = cli_table_finish(t);
        cli_table_free(t);
    } else {
        if (f == CLI_LIST_CSV) {
            st_csv_write_options o = ST_CSV_WRITE_OPTIONS_INIT;
            o.binary = ST_CSV_BINARY_BASE64;
            rc = st_csv_writer_new_fn(&w, cli_write_file, stdout, l->schema, &o);
        } else {
            rc = st_json_writer_new_fn(&w, f == CLI_LIST_JSON ? to_membuf : cli_write_file,
                                       f == CLI_LIST_JSON ? (void *)&m : (void *)stdout,
                                       l->schema);
        }
        if (rc == 0 && (rc = st_text_writer_write(w, l->batch)) == 0 &&
            (rc = st_text_writer_finish(w)) == 0 && f == CLI_LIST_JSON)
            rc = print_json_array(&m);
        st_text_writer_free(w);
        free(m.data);
    }
    if (rc == 0 && fflush(stdout) != 0)
        rc = st_error_set(ST_EIO, ST_ERROR_CLI, "cannot write the output");
    return rc;
}
