/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The table format of `parquet cat`, in the style of psql:
 *
 *    id | name          | amount
 *   ----+---------------+--------
 *     1 | alice         |  12.30
 *     2 | NULL          |   7.00
 *   (2 rows)
 *
 * Numbers are right-aligned, everything else left-aligned; null prints as
 * NULL. Column widths come from the first 1000 rows, which are buffered; later
 * rows are cut to those widths. A cell shows at most max_width characters and
 * ends in "…" when cut; control characters and bytes that are not UTF-8 show
 * as escapes (\n, \t, \x01), so every row stays on one line.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <supertable/sys/alloc.h>

#include "cli.h"

#define BUFFER_ROWS 1000

struct cli_table {
    FILE *f;
    int ncols;
    const st_type *schema;
    int *right;            /* per column: right-aligned */
    int *width;            /* per column, in characters */
    int max_width;
    char **cells;          /* buffered rows, ncols cells each */
    int64_t nbuf;
    int64_t rows;
    int started;           /* header printed, widths fixed */
};

/* Characters (code points) of a UTF-8 string. */
static int display_width(const char *s)
{
    int n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xc0) != 0x80;
    return n;
}

/* Length of the valid UTF-8 sequence at p (at most avail bytes), or 0. */
static size_t utf8_len(const unsigned char *p, size_t avail)
{
    size_t n = p[0] < 0x80 ? 1 : p[0] >= 0xc2 && p[0] <= 0xdf ? 2
             : p[0] >= 0xe0 && p[0] <= 0xef ? 3 : p[0] >= 0xf0 && p[0] <= 0xf4 ? 4 : 0;
    if (n == 0 || n > avail)
        return 0;
    for (size_t i = 1; i < n; i++)
        if ((p[i] & 0xc0) != 0x80)
            return 0;
    return n;
}

/* A display copy of text: escapes, then at most max characters. malloc'd. */
static char *display_text(const char *s, size_t len, int max)
{
    char *out = malloc(len * 4 + 8), *o = out;
    int chars = 0;
    size_t i = 0;
    if (!out)
        return NULL;
    /* One character past max is enough to know the text must be cut. */
    for (; i < len && chars <= max; chars++) {
        const unsigned char *p = (const unsigned char *)s + i;
        size_t n = utf8_len(p, len - i);
        if (n > 0 && p[0] >= 0x20 && p[0] != 0x7f) {
            memcpy(o, p, n);
            o += n;
            i += n;
            continue;
        }
        o += p[0] == '\n' ? sprintf(o, "\\n") : p[0] == '\t' ? sprintf(o, "\\t")
           : p[0] == '\r' ? sprintf(o, "\\r") : sprintf(o, "\\x%02x", p[0]);
        i++;
    }
    *o = 0;
    if (i < len || display_width(out) > max) {
        /* Keep max - 1 characters and an ellipsis. */
        char *q = out;
        for (int k = 0; k < max - 1 && *q; k++)
            do
                q++;
            while (((unsigned char)*q & 0xc0) == 0x80);
        memcpy(q, "\xe2\x80\xa6", 4);
    }
    return out;
}

static char *cell_text(const st_vector *v, int64_t i, int max)
{
    char *text = NULL, *out;
    size_t len = 0;
    if (!st_vector_is_valid(v, i))
        return strdup("NULL");
    if (st_value_format(&text, &len, v, i, ST_VALUE_TEXT) < 0)
        return NULL;
    out = display_text(text, len, max);
    st_free(text);
    return out;
}

static int is_numeric(st_type_id id)
{
    return id == ST_TYPE_INT || id == ST_TYPE_LONG || id == ST_TYPE_FLOAT ||
           id == ST_TYPE_DOUBLE || id == ST_TYPE_DECIMAL;
}

int cli_table_new(cli_table **out, FILE *f, const st_type *schema, int max_width)
{
    cli_table *t = calloc(1, sizeof(*t));
    *out = NULL;
    if (!t)
        return st_error_set_oom();
    t->f = f;
    t->schema = schema;
    t->ncols = schema->n_fields;
    t->max_width = max_width < 4 ? 4 : max_width;
    t->right = calloc((size_t)t->ncols + 1, sizeof(int));
    t->width = calloc((size_t)t->ncols + 1, sizeof(int));
    t->cells = calloc((size_t)BUFFER_ROWS * (size_t)(t->ncols ? t->ncols : 1), sizeof(char *));
    if (!t->right || !t->width || !t->cells) {
        cli_table_free(t);
        return st_error_set_oom();
    }
    for (int c = 0; c < t->ncols; c++) {
        char *name = display_text(schema->fields[c].name, strlen(schema->fields[c].name),
                                  t->max_width);
        t->right[c] = is_numeric(schema->fields[c].type->id);
        t->width[c] = name ? display_width(name) : 0;
        free(name);
    }
    *out = t;
    return 0;
}

/* One cell padded to its column's width, cut to it when wider. */
static void put_cell(cli_table *t, int c, const char *text)
{
    int w = display_width(text), pad;
    char *cut = NULL;
    if (w > t->width[c]) {
        cut = display_text(text, strlen(text), t->width[c]);
        text = cut ? cut : "";
        w = display_width(text);
    }
    pad = t->width[c] - w;
    /* No trailing blanks: the last column is not padded on its right. */
    fprintf(t->f, "%s%*s%s%*s%s", c ? "| " : " ", t->right[c] ? pad : 0, "", text,
            t->right[c] || c + 1 == t->ncols ? 0 : pad, "", c + 1 < t->ncols ? " " : "\n");
    free(cut);
}

static void print_header(cli_table *t)
{
    for (int c = 0; c < t->ncols; c++) {
        char *name = display_text(t->schema->fields[c].name,
                                  strlen(t->schema->fields[c].name), t->max_width);
        put_cell(t, c, name ? name : "");
        free(name);
    }
    for (int c = 0; c < t->ncols; c++) {
        fputs(c ? "+" : "", t->f);
        for (int k = 0; k < t->width[c] + 2; k++)
            fputc('-', t->f);
    }
    fputc('\n', t->f);
    t->started = 1;
}

static void flush_buffer(cli_table *t)
{
    if (!t->started)
        print_header(t);
    for (int64_t r = 0; r < t->nbuf; r++)
        for (int c = 0; c < t->ncols; c++) {
            char **cell = &t->cells[r * t->ncols + c];
            put_cell(t, c, *cell);
            free(*cell);
            *cell = NULL;
        }
    t->nbuf = 0;
}

int cli_table_add(cli_table *t, const st_batch *b, const int64_t *rows, int64_t n)
{
    for (int64_t k = 0; k < n; k++) {
        int64_t i = rows ? rows[k] : k;
        if (t->ncols == 0) {
            t->rows++;
            continue;
        }
        for (int c = 0; c < t->ncols; c++) {
            char *s = cell_text(b->columns[c], i, t->max_width);
            if (!s)
                return st_error_set_oom();
            t->cells[t->nbuf * t->ncols + c] = s;
            if (!t->started && display_width(s) > t->width[c])
                t->width[c] = display_width(s);
        }
        t->nbuf++;
        t->rows++;
        if (t->nbuf == BUFFER_ROWS || t->started)
            flush_buffer(t);
    }
    return 0;
}

int cli_table_finish(cli_table *t)
{
    if (t->ncols > 0)
        flush_buffer(t);
    fprintf(t->f, "(%lld row%s)\n", (long long)t->rows, t->rows == 1 ? "" : "s");
    return 0;
}

void cli_table_free(cli_table *t)
{
    if (!t)
        return;
    for (int64_t k = 0; t->cells && k < t->nbuf * t->ncols; k++)
        free(t->cells[k]);
    free(t->cells);
    free(t->right);
    free(t->width);
    free(t);
}
