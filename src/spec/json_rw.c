/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The compact JSON writer and the path-tracking reader helpers shared by the
 * metadata and commit-model JSON code (see metadata_int.h).
 */
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/formats_int.h"
#include "spec/metadata_int.h"
#include "util/alloc.h"

/* ============================================================ writer */

static void jw_put(st_jw *w, const void *p, size_t n)
{
    if (w->rc == 0 && st_buf_put(&w->buf, p, n) < 0)
        w->rc = st_error_set_oom();
}

static void jw_sep(st_jw *w)
{
    if (w->buf.len > 0) {
        uint8_t last = w->buf.ptr[w->buf.len - 1];
        if (last != '{' && last != '[' && last != ':')
            jw_put(w, ",", 1);
    }
}

void st_jw_begin_obj(st_jw *w)
{
    jw_sep(w);
    jw_put(w, "{", 1);
}

void st_jw_end_obj(st_jw *w)
{
    jw_put(w, "}", 1);
}

void st_jw_begin_arr(st_jw *w)
{
    jw_sep(w);
    jw_put(w, "[", 1);
}

void st_jw_end_arr(st_jw *w)
{
    jw_put(w, "]", 1);
}

/* The formats layer's JSON string (escapes, invalid UTF-8 as U+FFFD). */
static void jw_string(st_jw *w, const char *s)
{
    if (w->rc == 0 && st_fmt_json_string(&w->buf, (const uint8_t *)s, strlen(s)) < 0)
        w->rc = st_error_set_oom();
}

void st_jw_key(st_jw *w, const char *key)
{
    jw_sep(w);
    jw_string(w, key);
    jw_put(w, ":", 1);
}

void st_jw_str(st_jw *w, const char *s)
{
    jw_sep(w);
    if (s)
        jw_string(w, s);
    else
        jw_put(w, "null", 4);
}

void st_jw_i64(st_jw *w, int64_t v)
{
    char tmp[24];
    int n = snprintf(tmp, sizeof(tmp), "%" PRId64, v);
    jw_sep(w);
    jw_put(w, tmp, (size_t)n);
}

void st_jw_bool(st_jw *w, int b)
{
    jw_sep(w);
    if (b)
        jw_put(w, "true", 4);
    else
        jw_put(w, "false", 5);
}

void st_jw_null(st_jw *w)
{
    jw_sep(w);
    jw_put(w, "null", 4);
}

void st_jw_raw(st_jw *w, const char *json)
{
    jw_sep(w);
    jw_put(w, json, strlen(json));
}

/* The shortest %g form that reads back as the same double, always with a '.'
 * or an exponent so that it stays a real when parsed again. */
static void jw_real(st_jw *w, double d)
{
    char tmp[40];
    int n = 0, prec;
    for (prec = 1; prec < 17; prec++) {
        snprintf(tmp, sizeof(tmp), "%.*g", prec, d);
        if (strtod(tmp, NULL) == d)
            break;
    }
    /* Whole numbers below 1e16 in positional form ("10.0", not "1e+01"). */
    if (d != 0 && fabs(d) < 1e16) {
        int exp10 = (int)floor(log10(fabs(d)));
        if (exp10 >= prec)
            prec = exp10 + 1;
    }
    n = snprintf(tmp, sizeof(tmp), "%.*g", prec, d);
    if (!strpbrk(tmp, ".eEn"))
        n += snprintf(tmp + n, sizeof(tmp) - (size_t)n, ".0");
    jw_sep(w);
    jw_put(w, tmp, (size_t)n);
}

void st_jw_value(st_jw *w, const json_t *v)
{
    const char *key;
    json_t *item;
    size_t i;

    switch (json_typeof(v)) {
    case JSON_OBJECT:
        st_jw_begin_obj(w);
        json_object_foreach((json_t *)v, key, item) {
            st_jw_key(w, key);
            st_jw_value(w, item);
        }
        st_jw_end_obj(w);
        break;
    case JSON_ARRAY:
        st_jw_begin_arr(w);
        json_array_foreach(v, i, item)
            st_jw_value(w, item);
        st_jw_end_arr(w);
        break;
    case JSON_STRING: st_jw_str(w, json_string_value(v)); break;
    case JSON_INTEGER: st_jw_i64(w, (int64_t)json_integer_value(v)); break;
    case JSON_REAL: jw_real(w, json_real_value(v)); break;
    case JSON_TRUE: st_jw_bool(w, 1); break;
    case JSON_FALSE: st_jw_bool(w, 0); break;
    case JSON_NULL: st_jw_null(w); break;
    }
}

int st_jw_finish(st_jw *w, char **out)
{
    *out = NULL;
    if (w->rc == 0 && w->buf.len == 0 && st_buf_put(&w->buf, "", 0) < 0)
        w->rc = st_error_set_oom();
    if (w->rc < 0) {
        st_buf_dispose(&w->buf);
        return w->rc;
    }
    *out = (char *)st_buf_detach(&w->buf);
    return 0;
}

int st_json_text(char **out, const json_t *v)
{
    st_jw w = {ST_BUF_INIT, 0};
    st_jw_value(&w, v);
    return st_jw_finish(&w, out);
}

/* ============================================================ reader */

void st_jr_init(st_jr *r, int code, const char *source)
{
    r->code = code;
    r->source = source;
    r->path[0] = 0;
    r->len = 0;
}

/* Paths deeper than the buffer keep their head; the message stays useful. */
static void jr_append(st_jr *r, const char *text)
{
    size_t n = strlen(text);
    if (r->len + n >= sizeof(r->path))
        n = sizeof(r->path) - 1 - r->len;
    memcpy(r->path + r->len, text, n);
    r->len += n;
    r->path[r->len] = 0;
}

size_t st_jr_push(st_jr *r, const char *key)
{
    size_t mark = r->len;
    if (r->len > 0)
        jr_append(r, ".");
    jr_append(r, key);
    return mark;
}

size_t st_jr_push_index(st_jr *r, size_t i)
{
    char tmp[32];
    size_t mark = r->len;
    snprintf(tmp, sizeof(tmp), "[%zu]", i);
    jr_append(r, tmp);
    return mark;
}

void st_jr_pop(st_jr *r, size_t mark)
{
    r->len = mark;
    r->path[mark] = 0;
}

static int jr_vfail(st_jr *r, int code, const char *fmt, va_list ap)
{
    char msg[512];
    vsnprintf(msg, sizeof(msg), fmt, ap);
    const char *path = r->len ? r->path : "(document)";
    if (r->source)
        return st_error_set(code, ST_ERROR_ICEBERG, "'%s': %s: %s", r->source, path, msg);
    return st_error_set(code, ST_ERROR_ICEBERG, "%s: %s", path, msg);
}

int st_jr_fail(st_jr *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = jr_vfail(r, r->code, fmt, ap);
    va_end(ap);
    return rc;
}

int st_jr_fail_code(st_jr *r, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = jr_vfail(r, code, fmt, ap);
    va_end(ap);
    return rc;
}

/* Looks a member up; 1 found, 0 absent or null (dflt applies), <0 missing. */
static int jr_member(st_jr *r, const json_t *obj, const char *key, int required, json_t **v)
{
    *v = json_object_get(obj, key);
    if (*v && !json_is_null(*v))
        return 1;
    if (!required)
        return 0;
    size_t mark = st_jr_push(r, key);
    int rc = st_jr_fail(r, "missing required field");
    st_jr_pop(r, mark);
    return rc;
}

static int jr_type_error(st_jr *r, const char *key, const char *what)
{
    size_t mark = st_jr_push(r, key);
    int rc = st_jr_fail(r, "expected %s", what);
    st_jr_pop(r, mark);
    return rc;
}

int st_jr_i64(st_jr *r, const json_t *obj, const char *key, int required, int64_t dflt,
              int64_t *out)
{
    json_t *v;
    int rc = jr_member(r, obj, key, required, &v);
    *out = dflt;
    if (rc <= 0)
        return rc;
    if (!json_is_integer(v))
        return jr_type_error(r, key, "an integer");
    *out = (int64_t)json_integer_value(v);
    return 0;
}

int st_jr_i32(st_jr *r, const json_t *obj, const char *key, int required, int32_t dflt,
              int32_t *out)
{
    int64_t v;
    int rc = st_jr_i64(r, obj, key, required, dflt, &v);
    *out = dflt;
    if (rc < 0)
        return rc;
    if (v < INT32_MIN || v > INT32_MAX)
        return jr_type_error(r, key, "a 32-bit integer");
    *out = (int32_t)v;
    return 0;
}

int st_jr_bool(st_jr *r, const json_t *obj, const char *key, int required, int dflt, int *out)
{
    json_t *v;
    int rc = jr_member(r, obj, key, required, &v);
    *out = dflt;
    if (rc <= 0)
        return rc;
    if (!json_is_boolean(v))
        return jr_type_error(r, key, "a boolean");
    *out = json_is_true(v);
    return 0;
}

int st_jr_str(st_jr *r, const json_t *obj, const char *key, int required, const char **out)
{
    json_t *v;
    int rc = jr_member(r, obj, key, required, &v);
    *out = NULL;
    if (rc <= 0)
        return rc;
    if (!json_is_string(v))
        return jr_type_error(r, key, "a string");
    *out = json_string_value(v);
    return 0;
}

int st_jr_arr(st_jr *r, const json_t *obj, const char *key, int required, json_t **out)
{
    json_t *v;
    int rc = jr_member(r, obj, key, required, &v);
    *out = NULL;
    if (rc <= 0)
        return rc;
    if (!json_is_array(v))
        return jr_type_error(r, key, "an array");
    *out = v;
    return 0;
}

int st_jr_obj(st_jr *r, const json_t *obj, const char *key, int required, json_t **out)
{
    json_t *v;
    int rc = jr_member(r, obj, key, required, &v);
    *out = NULL;
    if (rc <= 0)
        return rc;
    if (!json_is_object(v))
        return jr_type_error(r, key, "an object");
    *out = v;
    return 0;
}

int st_jr_expect_obj(st_jr *r, const json_t *v)
{
    return json_is_object(v) ? 0 : st_jr_fail(r, "expected an object");
}

int st_jr_string_map(st_jr *r, const json_t *obj, st_props *out)
{
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)obj, key, v) {
        if (!json_is_string(v))
            return jr_type_error(r, key, "a string");
        int rc = st_props_set(out, key, json_string_value(v));
        if (rc < 0)
            return rc;
    }
    return 0;
}

int st_str_eq(const char *a, const char *b)
{
    if (!a || !b)
        return a == b;
    return strcmp(a, b) == 0;
}
