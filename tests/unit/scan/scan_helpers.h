/* SPDX-License-Identifier: Apache-2.0 */
/* Reading whole scans as text, for the scan tests. */
#ifndef ST_TEST_SCAN_HELPERS_H
#define ST_TEST_SCAN_HELPERS_H

#include <stdlib.h>
#include <string.h>

#include <supertable/formats.h>
#include <supertable/arrow.h>
#include <supertable/scan.h>

#include "../table/table_helpers.h"

typedef struct ts_rows {
    char **rows;     /* "v1,v2,..." with JSON values (null as "null") */
    int n;
} ts_rows;

static inline int ts_row_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static inline void ts_rows_free(ts_rows *r)
{
    for (int i = 0; i < r->n; i++)
        free(r->rows[i]);
    free(r->rows);
    memset(r, 0, sizeof *r);
}

/* Reads every batch of a planned scan into rows of text. */
static inline int ts_read(st_scan *s, ts_rows *out)
{
    st_batch_reader *r = NULL;
    st_batch *b = NULL;
    int rc;
    memset(out, 0, sizeof *out);
    if ((rc = st_scan_reader(&r, s)) < 0)
        return rc;
    while ((rc = st_batch_reader_next(r, &b)) == 0) {
        out->rows = realloc(out->rows, sizeof(char *) * (size_t)(out->n + b->length + 1));
        for (int64_t i = 0; i < b->length; i++) {
            size_t cap = 256, len = 0;
            char *row = malloc(cap);
            row[0] = 0;
            for (int c = 0; c < b->n_columns; c++) {
                char *text = NULL;
                size_t tl = 0;
                if ((rc = st_value_format(&text, &tl, b->columns[c], i, ST_VALUE_JSON)) < 0)
                    break;
                while (len + tl + 2 > cap)
                    row = realloc(row, cap *= 2);
                if (c)
                    row[len++] = ',';
                memcpy(row + len, text, tl);
                len += tl;
                row[len] = 0;
                st_free(text);
            }
            out->rows[out->n++] = row;
        }
        st_batch_free(b);
        if (rc < 0)
            break;
    }
    st_batch_reader_free(r);
    return rc == ST_ITEROVER ? 0 : rc;
}

/*
 * Plans and reads a scan; the rows sorted and joined with ';' (a static
 * buffer, overwritten by the next call). Fails the test on an error.
 */
static inline const char *ts_scan(st_table *t, const st_scan_options *o)
{
    static char buf[1 << 16];
    st_scan *s = NULL;
    ts_rows rows;
    st_pass(st_table_scan(&s, t, o));
    st_pass(ts_read(s, &rows));
    if (rows.n)
        qsort(rows.rows, (size_t)rows.n, sizeof(char *), ts_row_cmp);
    size_t len = 0;
    buf[0] = 0;
    for (int i = 0; i < rows.n; i++) {
        size_t l = strlen(rows.rows[i]);
        if (len + l + 2 >= sizeof buf)
            break;
        if (i)
            buf[len++] = ';';
        memcpy(buf + len, rows.rows[i], l + 1);
        len += l;
    }
    ts_rows_free(&rows);
    st_scan_free(s);
    return buf;
}

/* Rows of a scan with a filter (NULL for none) and optional columns. */
static inline const char *ts_where(st_table *t, const char *filter)
{
    st_scan_options o = ST_SCAN_OPTIONS_INIT;
    o.filter = filter;
    return ts_scan(t, &o);
}

static inline int64_t ts_count(st_table *t, const st_scan_options *o)
{
    st_scan *s = NULL;
    ts_rows rows;
    st_pass(st_table_scan(&s, t, o));
    st_pass(ts_read(s, &rows));
    int64_t n = rows.n;
    ts_rows_free(&rows);
    st_scan_free(s);
    return n;
}

#endif
