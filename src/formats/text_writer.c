/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The CSV and JSON lines writers. Rows are rendered into a buffer that goes
 * to the output in pieces of about 1 MiB; the value text comes from
 * value_format.c, so the table printer, the writers and the tests agree.
 */
#include "formats/formats_int.h"
#include "util/alloc.h"

#define FLUSH_BYTES ((size_t)1 << 20)

struct st_text_writer {
    st_output *out;        /* borrowed; NULL when writing through fn */
    st_text_write_fn fn;
    void *payload;
    st_type *schema;       /* a reference */
    int csv;
    char delim, quote;
    st_value_style style;  /* CSV: how values are spelled */
    int header_pending;
    char *null_string;     /* CSV: owned */
    size_t null_len;
    char **keys;           /* JSON: "\"name\":" per column, pre-escaped */
    st_buf buf;            /* rendered rows not yet written */
    st_buf cell;           /* CSV: one value before quoting */
    int64_t rows;
};

static int flush(st_text_writer *w)
{
    int rc;
    if (w->buf.len == 0)
        return 0;
    rc = w->out ? st_output_write(w->out, w->buf.ptr, w->buf.len)
                : w->fn(w->buf.ptr, w->buf.len, w->payload);
    if (rc < 0)
        return rc;
    st_buf_clear(&w->buf);
    return 0;
}

/* ------------------------------------------------------------------- CSV */

static int needs_quotes(const st_text_writer *w, const uint8_t *s, size_t len)
{
    if (len == 0 || (w->null_len > 0 && len == w->null_len && memcmp(s, w->null_string, len) == 0))
        return 1;
    for (size_t i = 0; i < len; i++)
        if (s[i] == (uint8_t)w->delim || s[i] == (uint8_t)w->quote || s[i] == '\n' ||
            s[i] == '\r')
            return 1;
    return 0;
}

/* Appends one field, quoted (quotes doubled) when it has to be. */
static int put_field(st_text_writer *w, const uint8_t *s, size_t len)
{
    size_t run = 0;
    int rc;
    if (!needs_quotes(w, s, len))
        return st_buf_put(&w->buf, s, len);
    if ((rc = st_buf_putc(&w->buf, w->quote)) < 0)
        return rc;
    for (size_t i = 0; i < len; i++) {
        run++;
        if (s[i] == (uint8_t)w->quote) {
            if ((rc = st_buf_put(&w->buf, s + i + 1 - run, run)) < 0 ||
                (rc = st_buf_putc(&w->buf, w->quote)) < 0)
                return rc;
            run = 0;
        }
    }
    if ((rc = st_buf_put(&w->buf, s + len - run, run)) < 0)
        return rc;
    return st_buf_putc(&w->buf, w->quote);
}

static int csv_header(st_text_writer *w)
{
    int rc;
    w->header_pending = 0;
    for (int c = 0; c < w->schema->n_fields; c++) {
        const char *name = w->schema->fields[c].name;
        if ((c > 0 && (rc = st_buf_putc(&w->buf, w->delim)) < 0) ||
            (rc = put_field(w, (const uint8_t *)name, strlen(name))) < 0)
            return rc;
    }
    return st_buf_putc(&w->buf, '\n');
}

static int csv_row(st_text_writer *w, const st_batch *b, int64_t i)
{
    int rc;
    for (int c = 0; c < b->n_columns; c++) {
        const st_vector *v = b->columns[c];
        if (c > 0 && (rc = st_buf_putc(&w->buf, w->delim)) < 0)
            return rc;
        if (!st_vector_is_valid(v, i)) {
            if ((rc = st_buf_put(&w->buf, w->null_string, w->null_len)) < 0)
                return rc;
            continue;
        }
        st_buf_clear(&w->cell);
        if ((rc = st_fmt_value(&w->cell, v, i, w->style)) < 0 ||
            (rc = put_field(w, w->cell.ptr ? w->cell.ptr : (const uint8_t *)"", w->cell.len)) <
                0)
            return rc;
    }
    return st_buf_putc(&w->buf, '\n');
}

/* ------------------------------------------------------------------- JSON */

static int json_keys(st_text_writer *w)
{
    int n = w->schema->n_fields;
    if (!(w->keys = st_calloc(n > 0 ? (size_t)n : 1, sizeof(char *))))
        return ST_ENOMEM;
    for (int c = 0; c < n; c++) {
        st_buf k = ST_BUF_INIT;
        const char *name = w->schema->fields[c].name;
        int rc;
        if ((rc = st_fmt_json_string(&k, (const uint8_t *)name, strlen(name))) < 0 ||
            (rc = st_buf_putc(&k, ':')) < 0) {
            st_buf_dispose(&k);
            return rc;
        }
        w->keys[c] = (char *)st_buf_detach(&k);
    }
    return 0;
}

static int json_row(st_text_writer *w, const st_batch *b, int64_t i)
{
    int rc;
    if ((rc = st_buf_putc(&w->buf, '{')) < 0)
        return rc;
    for (int c = 0; c < b->n_columns; c++)
        if ((c > 0 && (rc = st_buf_putc(&w->buf, ',')) < 0) ||
            (rc = st_buf_puts(&w->buf, w->keys[c])) < 0 ||
            (rc = st_fmt_value(&w->buf, b->columns[c], i, ST_VALUE_JSON)) < 0)
            return rc;
    return st_buf_puts(&w->buf, "}\n");
}

/* ------------------------------------------------------------------ common */

static int writer_alloc(st_text_writer **out, st_output *o, st_text_write_fn fn, void *payload,
                        st_type *schema, int csv)
{
    st_text_writer *w;
    *out = NULL;
    if ((!o && !fn) || !schema || schema->id != ST_TYPE_STRUCT)
        return st_error_set(ST_EINVALID, csv ? ST_ERROR_CSV : ST_ERROR_JSON,
                            "a text writer needs an output and a struct schema");
    if (!(w = st_calloc(1, sizeof(*w))))
        return ST_ENOMEM;
    w->out = o;
    w->fn = fn;
    w->payload = payload;
    w->schema = st_type_ref(schema);
    w->csv = csv;
    *out = w;
    return 0;
}

static int csv_new(st_text_writer **out, st_output *o, st_text_write_fn fn, void *payload,
                   st_type *schema, const st_csv_write_options *opts)
{
    st_csv_write_options defaults = ST_CSV_WRITE_OPTIONS_INIT;
    st_text_writer *w;
    int rc;

    *out = NULL;
    if (!opts)
        opts = &defaults;
    if (opts->version != ST_CSV_WRITE_OPTIONS_VERSION || opts->delimiter == 0 ||
        opts->quote == 0 || opts->delimiter == opts->quote || opts->delimiter == '\n' ||
        opts->quote == '\n' || opts->delimiter == '\r' || opts->quote == '\r' ||
        (opts->binary != ST_CSV_BINARY_RAW && opts->binary != ST_CSV_BINARY_BASE64))
        return st_error_set(ST_EINVALID, ST_ERROR_CSV, "bad CSV write options");
    if ((rc = writer_alloc(&w, o, fn, payload, schema, 1)) < 0)
        return rc;
    w->delim = opts->delimiter;
    w->quote = opts->quote;
    w->style = opts->binary == ST_CSV_BINARY_BASE64 ? ST_VALUE_TEXT_BASE64 : ST_VALUE_TEXT;
    w->header_pending = opts->header != 0;
    w->null_string = st_strdup(opts->null_string ? opts->null_string : "");
    if (!w->null_string) {
        st_text_writer_free(w);
        return ST_ENOMEM;
    }
    w->null_len = strlen(w->null_string);
    *out = w;
    return 0;
}

static int json_new(st_text_writer **out, st_output *o, st_text_write_fn fn, void *payload,
                    st_type *schema)
{
    st_text_writer *w;
    int rc;
    if ((rc = writer_alloc(&w, o, fn, payload, schema, 0)) < 0)
        return rc;
    if ((rc = json_keys(w)) < 0) {
        st_text_writer_free(w);
        return rc;
    }
    *out = w;
    return 0;
}

int st_csv_writer_new(st_text_writer **out, st_output *o, st_type *schema,
                      const st_csv_write_options *opts)
{
    *out = NULL;
    if (!o)
        return st_error_set(ST_EINVALID, ST_ERROR_CSV, "st_csv_writer_new: no output");
    return csv_new(out, o, NULL, NULL, schema, opts);
}

int st_csv_writer_new_fn(st_text_writer **out, st_text_write_fn fn, void *payload,
                         st_type *schema, const st_csv_write_options *opts)
{
    *out = NULL;
    if (!fn)
        return st_error_set(ST_EINVALID, ST_ERROR_CSV, "st_csv_writer_new_fn: no function");
    return csv_new(out, NULL, fn, payload, schema, opts);
}

int st_json_writer_new(st_text_writer **out, st_output *o, st_type *schema)
{
    *out = NULL;
    if (!o)
        return st_error_set(ST_EINVALID, ST_ERROR_JSON, "st_json_writer_new: no output");
    return json_new(out, o, NULL, NULL, schema);
}

int st_json_writer_new_fn(st_text_writer **out, st_text_write_fn fn, void *payload,
                          st_type *schema)
{
    *out = NULL;
    if (!fn)
        return st_error_set(ST_EINVALID, ST_ERROR_JSON, "st_json_writer_new_fn: no function");
    return json_new(out, NULL, fn, payload, schema);
}

int st_text_writer_write(st_text_writer *w, const st_batch *b)
{
    return st_text_writer_write_rows(w, b, NULL, b ? b->length : 0);
}

int st_text_writer_write_rows(st_text_writer *w, const st_batch *b, const int64_t *rows,
                              int64_t n_rows)
{
    int rc;
    if (!b || !st_type_equals(b->schema, w->schema))
        return st_error_set(ST_EINVALID, w->csv ? ST_ERROR_CSV : ST_ERROR_JSON,
                            "the batch's schema is not the writer's");
    if (n_rows < 0 || (!rows && n_rows > b->length))
        return st_error_set(ST_EINVALID, w->csv ? ST_ERROR_CSV : ST_ERROR_JSON,
                            "%lld rows asked of a batch of %lld", (long long)n_rows,
                            (long long)b->length);
    if (w->header_pending && (rc = csv_header(w)) < 0)
        return rc;
    for (int64_t k = 0; k < n_rows; k++) {
        int64_t i = rows ? rows[k] : k;
        if (i < 0 || i >= b->length)
            return st_error_set(ST_EINVALID, w->csv ? ST_ERROR_CSV : ST_ERROR_JSON,
                                "row %lld of a batch of %lld", (long long)i,
                                (long long)b->length);
        if ((rc = w->csv ? csv_row(w, b, i) : json_row(w, b, i)) < 0)
            return rc;
        w->rows++;
        if (w->buf.len >= FLUSH_BYTES && (rc = flush(w)) < 0)
            return rc;
    }
    return 0;
}

int st_text_writer_finish(st_text_writer *w)
{
    int rc;
    if (w->header_pending && (rc = csv_header(w)) < 0)
        return rc;
    return flush(w);
}

int64_t st_text_writer_rows(const st_text_writer *w)
{
    return w->rows;
}

void st_text_writer_free(st_text_writer *w)
{
    if (!w)
        return;
    if (w->keys)
        for (int c = 0; c < w->schema->n_fields; c++)
            st_free(w->keys[c]);
    st_free(w->keys);
    st_free(w->null_string);
    st_type_free(w->schema);
    st_buf_dispose(&w->buf);
    st_buf_dispose(&w->cell);
    st_free(w);
}
