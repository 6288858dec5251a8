/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Column metrics of written files as a manifest records them, under the
 * table's metrics modes (write.metadata.metrics.default and
 * write.metadata.metrics.column.<name>): none, counts, truncate(N), full.
 * The default is Java's truncate(16): string and binary bounds keep 16
 * characters (bytes), and a cut upper bound is incremented so it still
 * bounds every value.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "supertable/errors.h"
#include "supertable/parquet.h"
#include "table/table_int.h"
#include "util/alloc.h"

enum { MODE_NONE, MODE_COUNTS, MODE_TRUNCATE, MODE_FULL };

typedef struct mode {
    int kind;
    int len;
} mode;

static mode parse_mode(const char *s, mode dflt)
{
    mode m = dflt;
    if (!s)
        return m;
    if (strcmp(s, "none") == 0) {
        m.kind = MODE_NONE;
    } else if (strcmp(s, "counts") == 0) {
        m.kind = MODE_COUNTS;
    } else if (strcmp(s, "full") == 0) {
        m.kind = MODE_FULL;
    } else if (strncmp(s, "truncate(", 9) == 0) {
        char *end;
        long n = strtol(s + 9, &end, 10);
        if (n > 0 && *end == ')' && end[1] == 0) {
            m.kind = MODE_TRUNCATE;
            m.len = (int)n;
        }
    }
    return m;
}

/* The dotted name of a field id in the schema, into buf (for per-column modes). */
static int field_name(const st_type *t, int32_t id, char *buf, size_t cap, size_t at)
{
    for (int i = 0; t && i < t->n_fields; i++) {
        const st_field *f = &t->fields[i];
        const char *name = f->name ? f->name : "element";
        size_t n = strlen(name);
        if (at + n + 2 > cap)
            return 0;
        size_t pos = at;
        if (at)
            buf[pos++] = '.';
        memcpy(buf + pos, name, n);
        buf[pos + n] = 0;
        if (f->id == id)
            return 1;
        if (st_type_is_nested(f->type) && field_name(f->type, id, buf, cap, pos + n))
            return 1;
    }
    return 0;
}

static size_t utf8_prefix(const uint8_t *p, size_t len, int chars)
{
    size_t i = 0;
    for (int c = 0; c < chars && i < len; c++) {
        i++;
        while (i < len && (p[i] & 0xC0) == 0x80)
            i++;
    }
    return i;
}

/* The smallest string above every string with this prefix: increment the last
 * code point that can be (skipping surrogates); 0 when none can. */
static size_t utf8_upper(uint8_t *p, size_t len)
{
    while (len > 0) {
        size_t start = len - 1;
        while (start > 0 && (p[start] & 0xC0) == 0x80)
            start--;
        uint32_t cp;
        size_t n = len - start;
        if (n == 1)
            cp = p[start];
        else if (n == 2)
            cp = (uint32_t)(p[start] & 0x1F) << 6 | (p[start + 1] & 0x3F);
        else if (n == 3)
            cp = (uint32_t)(p[start] & 0x0F) << 12 | (uint32_t)(p[start + 1] & 0x3F) << 6 |
                 (p[start + 2] & 0x3F);
        else
            cp = (uint32_t)(p[start] & 0x07) << 18 | (uint32_t)(p[start + 1] & 0x3F) << 12 |
                 (uint32_t)(p[start + 2] & 0x3F) << 6 | (p[start + 3] & 0x3F);
        cp++;
        if (cp >= 0xD800 && cp <= 0xDFFF)
            cp = 0xE000;
        if (cp <= 0x10FFFF) {
            size_t k = start;
            if (cp < 0x80) {
                p[k++] = (uint8_t)cp;
            } else if (cp < 0x800) {
                p[k++] = (uint8_t)(0xC0 | (cp >> 6));
                p[k++] = (uint8_t)(0x80 | (cp & 0x3F));
            } else if (cp < 0x10000) {
                p[k++] = (uint8_t)(0xE0 | (cp >> 12));
                p[k++] = (uint8_t)(0x80 | ((cp >> 6) & 0x3F));
                p[k++] = (uint8_t)(0x80 | (cp & 0x3F));
            } else {
                p[k++] = (uint8_t)(0xF0 | (cp >> 18));
                p[k++] = (uint8_t)(0x80 | ((cp >> 12) & 0x3F));
                p[k++] = (uint8_t)(0x80 | ((cp >> 6) & 0x3F));
                p[k++] = (uint8_t)(0x80 | (cp & 0x3F));
            }
            return k;
        }
        len = start;
    }
    return 0;
}

static size_t bytes_upper(uint8_t *p, size_t len)
{
    while (len > 0 && p[len - 1] == 0xFF)
        len--;
    if (len)
        p[len - 1]++;
    return len;
}

static const uint8_t *arena_copy(st_arena *a, const uint8_t *p, size_t n)
{
    uint8_t *d = st_arena_alloc(a, n ? n : 1);
    if (d && n)
        memcpy(d, p, n);
    return d;
}

/* Applies truncate(len) to a bound pair of a string or binary column. */
static int truncate_bounds(st_column_stats *s, st_arena *a, int is_string, int len,
                           const st_parquet_column_metrics *c)
{
    if (c->lower_bound) {
        size_t n = is_string ? utf8_prefix(c->lower_bound, c->lower_bound_len, len)
                             : (c->lower_bound_len < (size_t)len ? c->lower_bound_len
                                                                 : (size_t)len);
        if (!(s->lower = arena_copy(a, c->lower_bound, n)))
            return st_error_set_oom();
        s->lower_len = n;
    }
    if (c->upper_bound) {
        size_t n = is_string ? utf8_prefix(c->upper_bound, c->upper_bound_len, len)
                             : (c->upper_bound_len < (size_t)len ? c->upper_bound_len
                                                                 : (size_t)len);
        uint8_t *u = st_arena_alloc(a, n ? n : 1);
        if (!u)
            return st_error_set_oom();
        memcpy(u, c->upper_bound, n);
        if (n < c->upper_bound_len)
            n = is_string ? utf8_upper(u, n) : bytes_upper(u, n);
        if (n) {
            s->upper = u;
            s->upper_len = n;
        }
    }
    return 0;
}

static int cmp_stats(const void *a, const void *b)
{
    int32_t x = ((const st_column_stats *)a)->field_id, y = ((const st_column_stats *)b)->field_id;
    return (x > y) - (x < y);
}

int st_data_file_from_parquet(st_data_file *out, st_arena *arena, const char *path,
                              const struct st_parquet_file_metrics *m,
                              const st_table_metadata *md, const st_schema *schema)
{
    memset(out, 0, sizeof *out);
    out->content = ST_CONTENT_DATA;
    out->file_path = st_arena_strdup(arena, path);
    out->file_format = "PARQUET";
    out->record_count = m->row_count;
    out->file_size_in_bytes = m->file_size;
    out->sort_order_id = md->default_sort_order_id;
    out->first_row_id = ST_NULL64;
    out->content_offset = ST_NULL64;
    out->content_size_in_bytes = ST_NULL64;
    out->spec_id = md->default_spec_id;
    if (!out->file_path)
        return st_error_set_oom();
    if (m->n_split_offsets) {
        out->split_offsets = st_arena_calloc(arena, (size_t)m->n_split_offsets, sizeof(int64_t));
        if (!out->split_offsets)
            return st_error_set_oom();
        memcpy(out->split_offsets, m->split_offsets, (size_t)m->n_split_offsets * sizeof(int64_t));
        out->n_split_offsets = m->n_split_offsets;
    }
    mode dflt = {MODE_TRUNCATE, 16};
    dflt = parse_mode(st_props_get(&md->properties, "write.metadata.metrics.default"), dflt);
    out->stats = st_arena_calloc(arena, (size_t)(m->n_columns ? m->n_columns : 1),
                                 sizeof(st_column_stats));
    if (!out->stats)
        return st_error_set_oom();
    for (int i = 0; i < m->n_columns; i++) {
        const st_parquet_column_metrics *c = &m->columns[i];
        if (c->field_id < 0)
            continue;
        const st_field *f = st_schema_find_id(schema->type, c->field_id);
        mode md_ = dflt;
        char name[512];
        if (field_name(schema->type, c->field_id, name, sizeof name, 0)) {
            char key[600];
            snprintf(key, sizeof key, "write.metadata.metrics.column.%s", name);
            md_ = parse_mode(st_props_get(&md->properties, key), dflt);
        }
        st_column_stats *s = &out->stats[out->n_stats++];
        memset(s, 0, sizeof *s);
        s->field_id = c->field_id;
        s->column_size = c->column_size;
        s->value_count = s->null_count = s->nan_count = -1;
        if (md_.kind == MODE_NONE)
            continue;
        s->value_count = c->value_count;
        s->null_count = c->null_count;
        s->nan_count = c->nan_count;
        if (md_.kind == MODE_COUNTS || !f)
            continue;
        int is_string = f->type->id == ST_TYPE_STRING;
        int is_binary = f->type->id == ST_TYPE_BINARY;
        if (md_.kind == MODE_TRUNCATE && (is_string || is_binary)) {
            int rc = truncate_bounds(s, arena, is_string, md_.len, c);
            if (rc)
                return rc;
            continue;
        }
        if (c->lower_bound) {
            if (!(s->lower = arena_copy(arena, c->lower_bound, c->lower_bound_len)))
                return st_error_set_oom();
            s->lower_len = c->lower_bound_len;
        }
        if (c->upper_bound) {
            if (!(s->upper = arena_copy(arena, c->upper_bound, c->upper_bound_len)))
                return st_error_set_oom();
            s->upper_len = c->upper_bound_len;
        }
    }
    qsort(out->stats, (size_t)out->n_stats, sizeof(st_column_stats), cmp_stats);
    return 0;
}
