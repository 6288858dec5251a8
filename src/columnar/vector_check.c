/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Checking vectors: st_vector_validate (structural invariants, for tests and
 * importers) and st_vector_equals (deep row equality with a readable diff).
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>

#include "columnar/columnar_int.h"
#include "util/alloc.h"

/* A location inside a vector, as "row 2.tags[1]"; truncated when very deep. */
typedef struct path {
    char s[512];
    size_t len;
} path;

static size_t path_push(path *p, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

static size_t path_push(path *p, const char *fmt, ...)
{
    size_t saved = p->len;
    va_list ap;
    int n;
    if (p->len < sizeof(p->s) - 1) {
        va_start(ap, fmt);
        n = vsnprintf(p->s + p->len, sizeof(p->s) - p->len, fmt, ap);
        va_end(ap);
        if (n > 0)
            p->len += (size_t)n < sizeof(p->s) - p->len ? (size_t)n : sizeof(p->s) - 1 - p->len;
    }
    return saved;
}

static void path_pop(path *p, size_t saved)
{
    p->len = saved;
    p->s[saved] = 0;
}

static int corrupt(const path *p, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

static int corrupt(const path *p, const char *fmt, ...)
{
    char what[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof(what), fmt, ap);
    va_end(ap);
    return st_error_set(ST_ECORRUPT, ST_ERROR_COLUMNAR, "%s: %s", p->s, what);
}

static const char *child_name(const st_vector *v, int i)
{
    return i < v->type->n_fields ? v->type->fields[i].name : "?";
}

static int check_counts(const st_vector *v, const path *p)
{
    int64_t nulls;
    if (v->length < 0 || v->null_count < 0 || v->null_count > v->length)
        return corrupt(p, "length %" PRId64 ", null_count %" PRId64, v->length, v->null_count);
    if (!v->foreign_ && v->capacity_ < v->length)
        return corrupt(p, "length %" PRId64 " exceeds capacity %" PRId64, v->length,
                       v->capacity_);
    if (!v->validity) {
        if (v->null_count != 0)
            return corrupt(p, "null_count is %" PRId64 " but there is no validity bitmap",
                           v->null_count);
        return 0;
    }
    nulls = st_col_count_zeros(v->validity, 0, v->length);
    if (nulls != v->null_count)
        return corrupt(p, "null_count is %" PRId64 " but the validity bitmap has %" PRId64
                       " nulls", v->null_count, nulls);
    return 0;
}

/* Offsets start at 0, never decrease and end within `limit` (data bytes or child rows). */
static int check_offsets(const st_vector *v, int64_t limit, const char *what, const path *p)
{
    const int32_t *o = st_col_offsets(v);
    if (!o)
        return corrupt(p, "offsets buffer missing");
    if (o[0] != 0)
        return corrupt(p, "offsets[0] is %d, not 0", o[0]);
    for (int64_t i = 0; i < v->length; i++)
        if (o[i + 1] < o[i])
            return corrupt(p, "offsets decrease at row %" PRId64 " (%d > %d)", i, o[i],
                           o[i + 1]);
    if (o[v->length] > limit)
        return corrupt(p, "last offset %d exceeds the %" PRId64 " %s", o[v->length], limit,
                       what);
    return 0;
}

static int check_vector(const st_vector *v, path *p, int depth);

static int check_children(const st_vector *v, path *p, int depth)
{
    const st_type *t = v->type;
    int want = t->id == ST_TYPE_STRUCT || t->id == ST_TYPE_LIST || t->id == ST_TYPE_MAP
                   ? t->n_fields : 0;
    int rc;
    if (v->n_children != want || (want > 0 && !v->children))
        return corrupt(p, "%d children for a %s", v->n_children, st_type_id_name(t->id));
    for (int i = 0; i < want; i++) {
        const st_vector *c = v->children[i];
        size_t saved = path_push(p, ".%s", child_name(v, i));
        if (!c)
            return corrupt(p, "child missing");
        if (!st_type_equals(c->type, t->fields[i].type))
            return corrupt(p, "child type differs from the field type");
        if (t->id == ST_TYPE_STRUCT && c->length != v->length)
            return corrupt(p, "length %" PRId64 " differs from the struct's %" PRId64,
                           c->length, v->length);
        if ((rc = check_vector(c, p, depth + 1)) < 0)
            return rc;
        path_pop(p, saved);
    }
    if (t->id == ST_TYPE_MAP && v->children[0]->length != v->children[1]->length)
        return corrupt(p, "%" PRId64 " map keys but %" PRId64 " values",
                       v->children[0]->length, v->children[1]->length);
    if (t->id == ST_TYPE_MAP && v->children[0]->null_count != 0)
        return corrupt(p, "%" PRId64 " map keys are null", v->children[0]->null_count);
    return 0;
}

static int check_vector(const st_vector *v, path *p, int depth)
{
    int rc;
    if (!v->type)
        return corrupt(p, "no type");
    if (depth > 1000)
        return corrupt(p, "nested too deeply");
    if ((rc = check_counts(v, p)) < 0)
        return rc;
    switch (st_col_layout_of(v->type)) {
    case ST_COL_BITS:
    case ST_COL_FIXED:
        if (v->length > 0 && !v->values)
            return corrupt(p, "values buffer missing");
        break;
    case ST_COL_OFFSETS:
        if (st_col_is_binary_like(v->type)) {
            if (v->data_len < 0 || (v->data_len > 0 && !v->data))
                return corrupt(p, "data buffer missing");
            rc = check_offsets(v, v->data_len, "data bytes", p);
        } else {
            if (v->n_children < 1 || !v->children || !v->children[0])
                return corrupt(p, "child missing");
            rc = check_offsets(v, v->children[0]->length, "child rows", p);
        }
        if (rc < 0)
            return rc;
        break;
    case ST_COL_STRUCT: break;
    }
    return check_children(v, p, depth);
}

int st_vector_validate(const st_vector *v)
{
    path p;
    if (!v)
        return st_error_set(ST_ECORRUPT, ST_ERROR_COLUMNAR, "no vector");
    strcpy(p.s, "vector");
    p.len = strlen(p.s);
    return check_vector(v, &p, 0);
}

/* ------------------------------------------------------------------ equality */

/* Appends a quoted, escaped, truncated rendering of bytes. */
static void put_quoted(st_buf *b, const uint8_t *s, size_t n, int text)
{
    size_t shown = n > 48 ? 48 : n;
    if (!text) {
        st_buf_puts(b, "x'");
        for (size_t i = 0; i < shown; i++)
            st_buf_printf(b, "%02x", s[i]);
        st_buf_puts(b, n > shown ? "...'" : "'");
        return;
    }
    st_buf_putc(b, '"');
    for (size_t i = 0; i < shown; i++) {
        if (s[i] == '"' || s[i] == '\\')
            st_buf_printf(b, "\\%c", s[i]);
        else if (s[i] < 0x20 || s[i] == 0x7f)
            st_buf_printf(b, "\\x%02x", s[i]);
        else
            st_buf_putc(b, (char)s[i]);
    }
    st_buf_puts(b, n > shown ? "\"..." : "\"");
}

static void put_uuid(st_buf *b, const uint8_t *u)
{
    for (int i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            st_buf_putc(b, '-');
        st_buf_printf(b, "%02x", u[i]);
    }
}

/* Renders row i for a diff message; allocation failures only shorten it. */
static void put_value(st_buf *b, const st_vector *v, int64_t i)
{
    const uint8_t *p;
    size_t n;
    int64_t lo, hi;
    char dec[48];

    if (!st_vector_is_valid(v, i)) {
        st_buf_puts(b, "null");
        return;
    }
    switch (v->type->id) {
    case ST_TYPE_BOOLEAN: st_buf_puts(b, st_vector_get_bool(v, i) ? "true" : "false"); break;
    case ST_TYPE_INT:
    case ST_TYPE_DATE: st_buf_printf(b, "%" PRId32, st_vector_get_i32(v, i)); break;
    case ST_TYPE_FLOAT: st_buf_printf(b, "%.9g", (double)st_vector_get_f32(v, i)); break;
    case ST_TYPE_DOUBLE: st_buf_printf(b, "%.17g", st_vector_get_f64(v, i)); break;
    case ST_TYPE_DECIMAL:
        st_decimal_format(dec, st_vector_get_decimal(v, i), v->type->scale);
        st_buf_puts(b, dec);
        break;
    case ST_TYPE_UUID: put_uuid(b, st_vector_get_bytes(v, i, &n)); break;
    case ST_TYPE_STRING:
    case ST_TYPE_BINARY:
    case ST_TYPE_FIXED:
        p = st_vector_get_bytes(v, i, &n);
        put_quoted(b, p, n, v->type->id == ST_TYPE_STRING);
        break;
    case ST_TYPE_LIST:
    case ST_TYPE_MAP:
        st_vector_get_range(v, i, &lo, &hi);
        st_buf_printf(b, "%s of %" PRId64, v->type->id == ST_TYPE_LIST ? "list" : "map",
                      hi - lo);
        break;
    case ST_TYPE_STRUCT: st_buf_puts(b, "struct"); break;
    default: st_buf_printf(b, "%" PRId64, st_vector_get_i64(v, i)); break;
    }
}

typedef struct cmp_ctx {
    path p;
    st_buf msg;
} cmp_ctx;

static int differ(cmp_ctx *c, const st_vector *a, int64_t ai, const st_vector *b, int64_t bi)
{
    st_buf_printf(&c->msg, "%s: ", c->p.s);
    put_value(&c->msg, a, ai);
    st_buf_puts(&c->msg, " != ");
    put_value(&c->msg, b, bi);
    return 0;
}

static int bits_equal(const void *x, const void *y, size_t n, int is_float)
{
    if (memcmp(x, y, n) == 0)
        return 1;
    if (!is_float)
        return 0;
    if (n == 4) {
        float f, g;
        memcpy(&f, x, 4);
        memcpy(&g, y, 4);
        return f != f && g != g;
    } else {
        double f, g;
        memcpy(&f, x, 8);
        memcpy(&g, y, 8);
        return f != f && g != g;
    }
}

static int cmp_row(cmp_ctx *c, const st_vector *a, int64_t ai, const st_vector *b, int64_t bi);

static int cmp_ranges(cmp_ctx *c, const st_vector *a, int64_t ai, const st_vector *b, int64_t bi)
{
    int64_t ab, ae, bb, be;
    st_vector_get_range(a, ai, &ab, &ae);
    st_vector_get_range(b, bi, &bb, &be);
    if (ae - ab != be - bb) {
        st_buf_printf(&c->msg, "%s: %" PRId64 " elements != %" PRId64 " elements", c->p.s,
                      ae - ab, be - bb);
        return 0;
    }
    for (int64_t k = 0; k < ae - ab; k++) {
        for (int ch = 0; ch < a->n_children; ch++) {
            size_t saved = a->type->id == ST_TYPE_MAP
                               ? path_push(&c->p, "[%" PRId64 "].%s", k, ch ? "value" : "key")
                               : path_push(&c->p, "[%" PRId64 "]", k);
            if (!cmp_row(c, a->children[ch], ab + k, b->children[ch], bb + k))
                return 0;
            path_pop(&c->p, saved);
        }
    }
    return 1;
}

static int cmp_row(cmp_ctx *c, const st_vector *a, int64_t ai, const st_vector *b, int64_t bi)
{
    const st_type *t = a->type;
    int va = st_vector_is_valid(a, ai), vb = st_vector_is_valid(b, bi);
    const uint8_t *pa, *pb;
    size_t na, nb, w;

    if (va != vb)
        return differ(c, a, ai, b, bi);
    if (!va)
        return 1;
    switch (st_col_layout_of(t)) {
    case ST_COL_BITS:
        return st_vector_get_bool(a, ai) == st_vector_get_bool(b, bi) ? 1
                                                                      : differ(c, a, ai, b, bi);
    case ST_COL_FIXED:
        w = (size_t)st_type_value_width(t);
        pa = a->values + (size_t)ai * w;
        pb = b->values + (size_t)bi * w;
        if (bits_equal(pa, pb, w, t->id == ST_TYPE_FLOAT || t->id == ST_TYPE_DOUBLE))
            return 1;
        return differ(c, a, ai, b, bi);
    case ST_COL_OFFSETS:
        if (!st_col_is_binary_like(t))
            return cmp_ranges(c, a, ai, b, bi);
        pa = st_vector_get_bytes(a, ai, &na);
        pb = st_vector_get_bytes(b, bi, &nb);
        return na == nb && memcmp(pa, pb, na) == 0 ? 1 : differ(c, a, ai, b, bi);
    case ST_COL_STRUCT:
        for (int ch = 0; ch < a->n_children; ch++) {
            size_t saved = path_push(&c->p, ".%s", child_name(a, ch));
            if (!cmp_row(c, a->children[ch], ai, b->children[ch], bi))
                return 0;
            path_pop(&c->p, saved);
        }
        return 1;
    }
    return 1;
}

static int cmp_vectors(cmp_ctx *c, const st_vector *a, const st_vector *b)
{
    char *ta = NULL, *tb = NULL;
    if (!st_type_equals(a->type, b->type)) {
        st_type_to_string(&ta, a->type);
        st_type_to_string(&tb, b->type);
        st_buf_printf(&c->msg, "types differ: %s != %s", ta ? ta : "?", tb ? tb : "?");
        if (ta && tb && strcmp(ta, tb) == 0)
            st_buf_puts(&c->msg, " (field ids or names)");
        st_free(ta);
        st_free(tb);
        return 0;
    }
    if (a->length != b->length) {
        st_buf_printf(&c->msg, "length %" PRId64 " != %" PRId64, a->length, b->length);
        return 0;
    }
    for (int64_t i = 0; i < a->length; i++) {
        size_t saved = path_push(&c->p, "row %" PRId64, i);
        if (!cmp_row(c, a, i, b, i))
            return 0;
        path_pop(&c->p, saved);
    }
    return 1;
}

int st_vector_equals(const st_vector *a, const st_vector *b, char **diff)
{
    cmp_ctx c;
    int eq;

    if (diff)
        *diff = NULL;
    if (a == b)
        return 1;
    memset(&c, 0, sizeof(c));
    if (!a || !b) {
        eq = 0;
        st_buf_puts(&c.msg, "one vector is NULL");
    } else {
        eq = cmp_vectors(&c, a, b);
    }
    if (!eq && diff && c.msg.ptr)
        *diff = (char *)st_buf_detach(&c.msg);
    st_buf_dispose(&c.msg);
    return eq;
}
