/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Values to text: the canonical JSON form of every type (formats.h spells it
 * out; interop tests compare it with other engines, so it is exact) and the
 * CSV text form. Doubles print as the shortest decimal that reads back to the
 * same bits, laid out like JavaScript's Number#toString.
 */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "formats/formats_int.h"
#include "util/alloc.h"
#include "util/datetime.h"

/* ---------------------------------------------------------------- numbers */

/*
 * Shortest "%.*e" text of x that round-trips: its digits and decimal exponent.
 * The search starts at 15 digits (6 for a float): a normal double is within 2^-53 of
 * its shortest decimal d, far closer than half a step of the 15-digit grid, so
 * rounding x to 15 digits gives d padded with zeros whenever d has 15 digits or
 * fewer (and no shorter text reads back otherwise). That saves the printf and
 * strtod calls of trying 1, 2, 3... digits.
 */
/*
 * Floats: of the prec-digit decimals next to tmp ("%.*e" of the float) that
 * read back to f, the one whose double is nearest the float's value, the first
 * on a tie, rewritten into tmp; 0 when none reads back. Several decimals of the
 * shortest length may name one float (a float has few bits), and this is the
 * choice of the interop tests' reference (canon.mjs canonFloat), where
 * printf's round-half-even could pick the other neighbour of a tie. It walks
 * the candidates upwards in signed value, so a tie goes to the smaller
 * magnitude for positive floats and to the larger for negative ones; f is the
 * magnitude and `neg` the sign.
 */
static int float_candidates(char *tmp, float f, int prec, int neg)
{
    char *e = strchr(tmp, 'e'), cand[48], num[24];
    long long m = 0, best = -1;
    int exp = atoi(e + 1) - (prec - 1);
    double best_dist = 0;
    for (const char *p = tmp; p < e; p++)
        if (*p >= '0' && *p <= '9')
            m = m * 10 + (*p - '0');
    for (int k = 0; k < 3; k++) {
        long long c = neg ? m + 1 - k : m - 1 + k;
        double v, dist;
        if (c <= 0)
            continue;
        snprintf(cand, sizeof(cand), "%llde%d", c, exp);
        v = strtod(cand, NULL);
        dist = fabs(v - (double)f);
        if ((float)v == f && (best < 0 || dist < best_dist)) {
            best = c;
            best_dist = dist;
        }
    }
    if (best < 0)
        return 0;
    /* Back into "d.ddde+XX" form: the candidate may have one digit more or less. */
    snprintf(num, sizeof(num), "%lld", best);
    snprintf(tmp, 40, "%c.%se%+d", num[0], num + 1, exp + (int)strlen(num) - 1);
    return 1;
}

static int shortest_digits(double x, int is_float, int neg, char *digits, int *exp10)
{
    char tmp[40], *p;
    int prec, n = 0, max = is_float ? 9 : 17;
    /* Subnormals have fewer significant bits: search them from one digit. */
    int subnormal = is_float ? x < FLT_MIN : x < DBL_MIN;
    for (prec = subnormal ? 1 : is_float ? 6 : 15;; prec++) {
        snprintf(tmp, sizeof(tmp), "%.*e", prec - 1, x);
        if (is_float && float_candidates(tmp, (float)x, prec, neg))
            break;
        if (prec == max || (!is_float && strtod(tmp, NULL) == x))
            break;
    }
    /* tmp is "d[.ddd]e[+-]XX" (x > 0 here). */
    for (p = tmp; *p != 'e'; p++)
        if (*p >= '0' && *p <= '9')
            digits[n++] = *p;
    while (n > 1 && digits[n - 1] == '0')
        n--;
    digits[n] = 0;
    *exp10 = atoi(p + 1);
    return n;
}

int st_fmt_double(char *buf, double x, int is_float)
{
    char digits[24];
    int k, n, e, len = 0;

    if (isnan(x))
        return sprintf(buf, "NaN");
    if (isinf(x))
        return sprintf(buf, x < 0 ? "-Infinity" : "Infinity");
    if (x == 0)
        return sprintf(buf, signbit(x) ? "-0" : "0");
    if (x < 0) {
        buf[len++] = '-';
        x = -x;
    }
    k = shortest_digits(x, is_float, len > 0, digits, &e);
    n = e + 1; /* x = 0.d1d2...dk * 10^n, as ECMA-262 Number::toString names it */
    if (k <= n && n <= 21) {
        memcpy(buf + len, digits, (size_t)k);
        memset(buf + len + k, '0', (size_t)(n - k));
        len += n;
    } else if (n > 0 && n <= 21) {
        memcpy(buf + len, digits, (size_t)n);
        buf[len + n] = '.';
        memcpy(buf + len + n + 1, digits + n, (size_t)(k - n));
        len += k + 1;
    } else if (n > -6 && n <= 0) {
        buf[len++] = '0';
        buf[len++] = '.';
        memset(buf + len, '0', (size_t)-n);
        len += -n;
        memcpy(buf + len, digits, (size_t)k);
        len += k;
    } else {
        buf[len++] = digits[0];
        if (k > 1) {
            buf[len++] = '.';
            memcpy(buf + len, digits + 1, (size_t)(k - 1));
            len += k - 1;
        }
        len += sprintf(buf + len, "e%c%d", n - 1 < 0 ? '-' : '+', abs(n - 1));
    }
    buf[len] = 0;
    return len;
}

/* ---------------------------------------------------------------- strings */

/* Length of the valid UTF-8 sequence at p (RFC 3629), or 0. */
static size_t utf8_seq(const uint8_t *p, size_t avail)
{
    uint8_t c = p[0], lo = 0x80, hi = 0xbf;
    size_t n;
    if (c < 0x80)
        return 1;
    if (c >= 0xc2 && c <= 0xdf)
        n = 2;
    else if (c >= 0xe0 && c <= 0xef)
        n = 3;
    else if (c >= 0xf0 && c <= 0xf4)
        n = 4;
    else
        return 0;
    /* The second byte's range excludes overlongs, surrogates and > U+10FFFF. */
    if (c == 0xe0)
        lo = 0xa0;
    else if (c == 0xed)
        hi = 0x9f;
    else if (c == 0xf0)
        lo = 0x90;
    else if (c == 0xf4)
        hi = 0x8f;
    if (avail < n || p[1] < lo || p[1] > hi)
        return 0;
    for (size_t i = 2; i < n; i++)
        if ((p[i] & 0xc0) != 0x80)
            return 0;
    return n;
}

int st_fmt_json_string(st_buf *b, const uint8_t *s, size_t len)
{
    size_t i = 0, run = 0;
    int rc;

    if ((rc = st_buf_putc(b, '"')) < 0)
        return rc;
    while (i < len) {
        uint8_t c = s[i];
        size_t n = utf8_seq(s + i, len - i);
        char esc[8];
        const char *rep = NULL;
        if (n > 0 && c >= 0x20 && c != '"' && c != '\\') {
            i += n;
            run += n;
            continue;
        }
        /* Flush the plain run, then the replacement of s[i]. */
        if (run && (rc = st_buf_put(b, s + i - run, run)) < 0)
            return rc;
        run = 0;
        switch (c) {
        case '"': rep = "\\\""; break;
        case '\\': rep = "\\\\"; break;
        case '\b': rep = "\\b"; break;
        case '\f': rep = "\\f"; break;
        case '\n': rep = "\\n"; break;
        case '\r': rep = "\\r"; break;
        case '\t': rep = "\\t"; break;
        default:
            if (c < 0x20) {
                snprintf(esc, sizeof(esc), "\\u%04x", c);
                rep = esc;
            } else {
                rep = "\xef\xbf\xbd"; /* U+FFFD for a byte that is not UTF-8 */
            }
        }
        if ((rc = st_buf_puts(b, rep)) < 0)
            return rc;
        i++;
    }
    if (run && (rc = st_buf_put(b, s + i - run, run)) < 0)
        return rc;
    return st_buf_putc(b, '"');
}

/* ----------------------------------------------------------------- values */

static int put_quoted(st_buf *b, const char *text, int quote)
{
    int rc;
    if (quote && (rc = st_buf_putc(b, '"')) < 0)
        return rc;
    if ((rc = st_buf_puts(b, text)) < 0)
        return rc;
    return quote ? st_buf_putc(b, '"') : 0;
}

static int format_uuid(st_buf *b, const uint8_t *u, int quote)
{
    char t[40];
    int n = 0;
    for (int i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            t[n++] = '-';
        n += sprintf(t + n, "%02x", u[i]);
    }
    return put_quoted(b, t, quote);
}

static int format_bytes(st_buf *b, const st_vector *v, int64_t i, st_value_style style)
{
    size_t len;
    const uint8_t *p = st_vector_get_bytes(v, i, &len);
    int rc, json = style == ST_VALUE_JSON;
    if (v->type->id == ST_TYPE_STRING)
        return json ? st_fmt_json_string(b, p, len) : st_buf_put(b, p, len);
    if (v->type->id == ST_TYPE_UUID)
        return format_uuid(b, p, json);
    if (style == ST_VALUE_TEXT)
        return v->type->id == ST_TYPE_FIXED ? st_fmt_hex_encode(b, p, len) : st_buf_put(b, p, len);
    if ((json && (rc = st_buf_putc(b, '"')) < 0) || (rc = st_fmt_base64_encode(b, p, len)) < 0)
        return rc;
    return json ? st_buf_putc(b, '"') : 0;
}

static int format_list(st_buf *b, const st_vector *v, int64_t i)
{
    int64_t begin, end;
    int rc;
    st_vector_get_range(v, i, &begin, &end);
    if ((rc = st_buf_putc(b, '[')) < 0)
        return rc;
    for (int64_t k = begin; k < end; k++)
        if ((k > begin && (rc = st_buf_putc(b, ',')) < 0) ||
            (rc = st_fmt_value(b, v->children[0], k, ST_VALUE_JSON)) < 0)
            return rc;
    return st_buf_putc(b, ']');
}

static int format_map(st_buf *b, const st_vector *v, int64_t i)
{
    int64_t begin, end;
    int rc, as_object = v->type->fields[0].type->id == ST_TYPE_STRING;
    st_vector_get_range(v, i, &begin, &end);
    if ((rc = st_buf_putc(b, as_object ? '{' : '[')) < 0)
        return rc;
    for (int64_t k = begin; k < end; k++) {
        if (k > begin && (rc = st_buf_putc(b, ',')) < 0)
            return rc;
        if (!as_object && (rc = st_buf_puts(b, "{\"key\":")) < 0)
            return rc;
        if ((rc = st_fmt_value(b, v->children[0], k, ST_VALUE_JSON)) < 0 ||
            (rc = st_buf_puts(b, as_object ? ":" : ",\"value\":")) < 0 ||
            (rc = st_fmt_value(b, v->children[1], k, ST_VALUE_JSON)) < 0)
            return rc;
        if (!as_object && (rc = st_buf_putc(b, '}')) < 0)
            return rc;
    }
    return st_buf_putc(b, as_object ? '}' : ']');
}

static int format_struct(st_buf *b, const st_vector *v, int64_t i)
{
    int rc;
    if ((rc = st_buf_putc(b, '{')) < 0)
        return rc;
    for (int c = 0; c < v->n_children; c++) {
        const char *name = v->type->fields[c].name;
        if ((c > 0 && (rc = st_buf_putc(b, ',')) < 0) ||
            (rc = st_fmt_json_string(b, (const uint8_t *)name, strlen(name))) < 0 ||
            (rc = st_buf_putc(b, ':')) < 0 ||
            (rc = st_fmt_value(b, v->children[c], i, ST_VALUE_JSON)) < 0)
            return rc;
    }
    return st_buf_putc(b, '}');
}

static int format_scalar(st_buf *b, const st_vector *v, int64_t i, st_value_style style)
{
    char t[64];
    int json = style == ST_VALUE_JSON;
    const st_type *ty = v->type;
    switch (ty->id) {
    case ST_TYPE_BOOLEAN: return st_buf_puts(b, st_vector_get_bool(v, i) ? "true" : "false");
    case ST_TYPE_INT: return st_buf_printf(b, "%d", (int)st_vector_get_i32(v, i));
    case ST_TYPE_LONG: return st_buf_printf(b, "%lld", (long long)st_vector_get_i64(v, i));
    case ST_TYPE_FLOAT:
    case ST_TYPE_DOUBLE: {
        double x = ty->id == ST_TYPE_FLOAT ? st_vector_get_f32(v, i) : st_vector_get_f64(v, i);
        st_fmt_double(t, x, ty->id == ST_TYPE_FLOAT);
        return put_quoted(b, t, json && !isfinite(x));
    }
    case ST_TYPE_DECIMAL: st_decimal_format(t, st_vector_get_decimal(v, i), ty->scale); break;
    case ST_TYPE_DATE: st_format_date(t, st_vector_get_i32(v, i)); break;
    case ST_TYPE_TIME: st_format_time(t, st_vector_get_i64(v, i)); break;
    case ST_TYPE_TIMESTAMP: st_format_timestamp(t, st_vector_get_i64(v, i), 6, 0); break;
    case ST_TYPE_TIMESTAMPTZ: st_format_timestamp(t, st_vector_get_i64(v, i), 6, 1); break;
    case ST_TYPE_TIMESTAMP_NS: st_format_timestamp(t, st_vector_get_i64(v, i), 9, 0); break;
    case ST_TYPE_TIMESTAMPTZ_NS: st_format_timestamp(t, st_vector_get_i64(v, i), 9, 1); break;
    default: return format_bytes(b, v, i, style);
    }
    return put_quoted(b, t, json);
}

int st_fmt_value(st_buf *b, const st_vector *v, int64_t i, st_value_style style)
{
    if (!st_vector_is_valid(v, i))
        return style == ST_VALUE_JSON ? st_buf_puts(b, "null") : 0;
    switch (v->type->id) {
    case ST_TYPE_LIST: return format_list(b, v, i);
    case ST_TYPE_MAP: return format_map(b, v, i);
    case ST_TYPE_STRUCT: return format_struct(b, v, i);
    default: return format_scalar(b, v, i, style);
    }
}

int st_value_format(char **out, size_t *out_len, const st_vector *v, int64_t row,
                    st_value_style style)
{
    st_buf b = ST_BUF_INIT;
    int rc;

    *out = NULL;
    if (out_len)
        *out_len = 0;
    if (!v || row < 0 || row >= v->length)
        return st_error_set(ST_EINVALID, ST_ERROR_CSV, "st_value_format: row %lld out of range",
                            (long long)row);
    if ((rc = st_buf_puts(&b, "")) < 0 || (rc = st_fmt_value(&b, v, row, style)) < 0) {
        st_buf_dispose(&b);
        return rc;
    }
    if (out_len)
        *out_len = b.len;
    *out = (char *)st_buf_detach(&b);
    return 0;
}
