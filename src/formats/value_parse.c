/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Text to values: the strict scalar parsers shared by the CSV and JSON lines
 * readers, the CSV value classifier behind type inference, and
 * st_value_append_text(). Parsers never accept a prefix: "12abc" is not a long.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "formats/formats_int.h"
#include "util/alloc.h"
#include "util/datetime.h"

/* ---------------------------------------------------------------- helpers */

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static int lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

static int ieq(const char *s, size_t len, const char *word)
{
    size_t n = strlen(word);
    if (len != n)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (lower((unsigned char)s[i]) != word[i])
            return 0;
    return 1;
}

void st_fmt_trim(const char **s, size_t *len)
{
    while (*len > 0 && (**s == ' ' || **s == '\t'))
        (*s)++, (*len)--;
    while (*len > 0 && ((*s)[*len - 1] == ' ' || (*s)[*len - 1] == '\t'))
        (*len)--;
}

const char *st_fmt_excerpt(char *out, const char *s, size_t len)
{
    size_t n = len > 60 ? 57 : len, i;
    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        out[i] = c < 0x20 || c == 0x7f ? '?' : (char)c;
    }
    if (n < len) {
        memcpy(out + n, "...", 3);
        n += 3;
    }
    out[n] = 0;
    return out;
}

int st_fmt_error_at(int code, const char *file, uint64_t line, uint64_t column)
{
    const st_error *e = st_error_last();
    if (code == ST_ENOMEM)
        return code; /* keep the static out-of-memory error as it is */
    return st_error_set(code, e->klass, "%s:%llu:%llu: %s", file, (unsigned long long)line,
                        (unsigned long long)column, e->message);
}

/* ---------------------------------------------------------------- scalars */

int st_fmt_parse_i64(const char *s, size_t len, int64_t *out)
{
    uint64_t v = 0, limit;
    size_t i = 0;
    int neg = 0;

    if (i < len && (s[i] == '+' || s[i] == '-'))
        neg = s[i++] == '-';
    if (i == len)
        return -1;
    limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
    for (; i < len; i++) {
        unsigned d;
        if (!is_digit(s[i]))
            return -1;
        d = (unsigned)(s[i] - '0');
        if (v > (limit - d) / 10)
            return -1;
        v = v * 10 + d;
    }
    /* Two's complement: -(2^63) comes out of the unsigned negation exactly. */
    *out = neg ? (int64_t)(~v + 1) : (int64_t)v;
    return 0;
}

/* Length of a decimal number ([+-] digits [. digits] [e [+-] digits]) or 0. */
static size_t number_syntax(const char *s, size_t len)
{
    size_t i = 0, mant = 0;
    if (i < len && (s[i] == '+' || s[i] == '-'))
        i++;
    for (; i < len && is_digit(s[i]); i++)
        mant++;
    if (i < len && s[i] == '.')
        for (i++; i < len && is_digit(s[i]); i++)
            mant++;
    if (mant == 0)
        return 0;
    if (i < len && (s[i] == 'e' || s[i] == 'E')) {
        size_t start;
        i++;
        if (i < len && (s[i] == '+' || s[i] == '-'))
            i++;
        start = i;
        while (i < len && is_digit(s[i]))
            i++;
        if (i == start)
            return 0;
    }
    return i;
}

/* NaN and the infinities, spelled as our writers and common tools spell them. */
static int special_double(const char *s, size_t len, double *out)
{
    int neg = 0;
    if (len > 0 && (s[0] == '+' || s[0] == '-')) {
        neg = s[0] == '-';
        s++, len--;
    }
    if (ieq(s, len, "nan")) {
        *out = NAN;
        return 0;
    }
    if (ieq(s, len, "inf") || ieq(s, len, "infinity")) {
        *out = neg ? -INFINITY : INFINITY;
        return 0;
    }
    return -1;
}

int st_fmt_parse_f64(const char *s, size_t len, double *out)
{
    char tmp[512];
    if (special_double(s, len, out) == 0)
        return 0;
    if (len == 0 || number_syntax(s, len) != len || len >= sizeof(tmp))
        return -1;
    memcpy(tmp, s, len);
    tmp[len] = 0;
    /* The syntax check above keeps strtod away from hex floats and "nan(...)";
     * overflow to infinity and underflow to zero are accepted as rounding. */
    *out = strtod(tmp, NULL);
    return 0;
}

static int parse_f32(const char *s, size_t len, float *out)
{
    char tmp[512];
    double d;
    if (special_double(s, len, &d) == 0) {
        *out = (float)d;
        return 0;
    }
    if (len == 0 || number_syntax(s, len) != len || len >= sizeof(tmp))
        return -1;
    memcpy(tmp, s, len);
    tmp[len] = 0;
    *out = strtof(tmp, NULL); /* rounds once, unlike strtod then (float) */
    return 0;
}

int st_fmt_parse_bool(const char *s, size_t len, int *out)
{
    if (ieq(s, len, "true") || (len == 1 && s[0] == '1')) {
        *out = 1;
        return 0;
    }
    if (ieq(s, len, "false") || (len == 1 && s[0] == '0')) {
        *out = 0;
        return 0;
    }
    return -1;
}

static int hex_value(char c)
{
    if (is_digit(c))
        return c - '0';
    c = (char)lower((unsigned char)c);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

int st_fmt_parse_uuid(const char *s, size_t len, uint8_t out[16])
{
    int n = 0;
    if (len != 36)
        return -1;
    for (size_t i = 0; i < 36; i++) {
        int hi, lo;
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (s[i] != '-')
                return -1;
            continue;
        }
        hi = hex_value(s[i]);
        lo = i + 1 < 36 ? hex_value(s[i + 1]) : -1;
        if (hi < 0 || lo < 0)
            return -1;
        out[n++] = (uint8_t)(hi << 4 | lo);
        i++;
    }
    return 0;
}

int st_fmt_hex_decode(st_buf *b, const char *s, size_t len)
{
    if (len % 2 != 0)
        return -1;
    for (size_t i = 0; i < len; i += 2) {
        int hi = hex_value(s[i]), lo = hex_value(s[i + 1]);
        if (hi < 0 || lo < 0 || st_buf_putc(b, (char)(hi << 4 | lo)) < 0)
            return -1;
    }
    return 0;
}

static int b64_value(char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (is_digit(c))
        return c - '0' + 52;
    return c == '+' ? 62 : c == '/' ? 63 : -1;
}

int st_fmt_base64_decode(st_buf *b, const char *s, size_t len)
{
    uint32_t acc = 0;
    int bits = 0;
    size_t i, pad = 0;

    /* Padding is optional; when present it must complete the last quantum. */
    while (len > 0 && s[len - 1] == '=' && pad < 2)
        len--, pad++;
    if (pad > 0 && (len + pad) % 4 != 0)
        return -1;
    if (len % 4 == 1)
        return -1;
    for (i = 0; i < len; i++) {
        int v = b64_value(s[i]);
        if (v < 0)
            return -1;
        acc = acc << 6 | (uint32_t)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            if (st_buf_putc(b, (char)(acc >> bits & 0xff)) < 0)
                return -1;
        }
    }
    /* Leftover bits must be zero, so each value has one spelling. */
    return (acc & ((1u << bits) - 1)) == 0 ? 0 : -1;
}

int st_fmt_base64_encode(st_buf *b, const uint8_t *p, size_t len)
{
    static const char tab[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    char q[4];
    int rc;
    for (size_t i = 0; i < len; i += 3) {
        uint32_t v = (uint32_t)p[i] << 16;
        size_t n = len - i < 3 ? len - i : 3;
        if (n > 1)
            v |= (uint32_t)p[i + 1] << 8;
        if (n > 2)
            v |= p[i + 2];
        q[0] = tab[v >> 18];
        q[1] = tab[v >> 12 & 63];
        q[2] = n > 1 ? tab[v >> 6 & 63] : '=';
        q[3] = n > 2 ? tab[v & 63] : '=';
        if ((rc = st_buf_put(b, q, 4)) < 0)
            return rc;
    }
    return 0;
}

int st_fmt_hex_encode(st_buf *b, const uint8_t *p, size_t len)
{
    static const char tab[] = "0123456789abcdef";
    int rc;
    for (size_t i = 0; i < len; i++) {
        char h[2] = {tab[p[i] >> 4], tab[p[i] & 15]};
        if ((rc = st_buf_put(b, h, 2)) < 0)
            return rc;
    }
    return 0;
}

/* -------------------------------------------------------------- inference */

/* YYYY-MM-DD exactly (inference wants the plain form, not signed years). */
static int strict_date_prefix(const char *s, size_t len)
{
    return len >= 10 && is_digit(s[0]) && is_digit(s[1]) && is_digit(s[2]) && is_digit(s[3]) &&
           s[4] == '-' && is_digit(s[5]) && is_digit(s[6]) && s[7] == '-' && is_digit(s[8]) &&
           is_digit(s[9]);
}

static unsigned classify_temporal(const char *s, size_t len)
{
    int32_t days;
    int64_t v;
    int zone;
    if (!strict_date_prefix(s, len))
        return 0;
    if (len == 10)
        return st_parse_date(s, len, &days) == 0 ? ST_FMT_CAND_DATE | ST_FMT_CAND_TS : 0;
    if (s[10] != 'T' && s[10] != ' ')
        return 0;
    if (st_parse_timestamp(s, len, 6, &v, &zone) != 0)
        return 0;
    return zone ? ST_FMT_CAND_TSTZ : ST_FMT_CAND_TS;
}

unsigned st_fmt_classify(const char *s, size_t len)
{
    int64_t i64;
    double d;
    size_t digits_at;

    st_fmt_trim(&s, &len);
    if (len == 0)
        return 0;
    if (ieq(s, len, "true") || ieq(s, len, "false"))
        return ST_FMT_CAND_BOOL;
    if (is_digit(s[0]) && len >= 10 && s[4] == '-')
        return classify_temporal(s, len);
    digits_at = s[0] == '+' || s[0] == '-';
    /* "007" is an identifier more often than a number: keep it text. */
    if (len > digits_at + 1 && s[digits_at] == '0' && is_digit(s[digits_at + 1]))
        return 0;
    if (st_fmt_parse_i64(s, len, &i64) == 0)
        return ST_FMT_CAND_LONG | ST_FMT_CAND_DOUBLE;
    if (st_fmt_parse_f64(s, len, &d) == 0)
        return ST_FMT_CAND_DOUBLE;
    return 0;
}

st_type_id st_fmt_cand_type(unsigned cands)
{
    if (cands & ST_FMT_CAND_BOOL)
        return ST_TYPE_BOOLEAN;
    if (cands & ST_FMT_CAND_LONG)
        return ST_TYPE_LONG;
    if (cands & ST_FMT_CAND_DOUBLE)
        return ST_TYPE_DOUBLE;
    if (cands & ST_FMT_CAND_DATE)
        return ST_TYPE_DATE;
    if (cands & ST_FMT_CAND_TS)
        return ST_TYPE_TIMESTAMP;
    if (cands & ST_FMT_CAND_TSTZ)
        return ST_TYPE_TIMESTAMPTZ;
    return ST_TYPE_STRING;
}

/* ------------------------------------------------------- text -> vector */

static int cannot_parse(const st_vector *v, const char *s, size_t len, const char *why)
{
    char ex[72], tname[64];
    const st_type *t = v->type;
    if (t->id == ST_TYPE_DECIMAL)
        snprintf(tname, sizeof(tname), "decimal(%d,%d)", t->precision, t->scale);
    else if (t->id == ST_TYPE_FIXED)
        snprintf(tname, sizeof(tname), "fixed[%d]", t->length);
    else
        snprintf(tname, sizeof(tname), "%s", st_type_id_name(t->id));
    return st_error_set(ST_EINVALID, ST_ERROR_CSV, "cannot parse '%s' as %s%s%s",
                        st_fmt_excerpt(ex, s, len), tname, why ? ": " : "", why ? why : "");
}

static int append_timestamp(st_vector *v, const char *s, size_t len)
{
    st_type_id id = v->type->id;
    int ns = id == ST_TYPE_TIMESTAMP_NS || id == ST_TYPE_TIMESTAMPTZ_NS;
    int tz = id == ST_TYPE_TIMESTAMPTZ || id == ST_TYPE_TIMESTAMPTZ_NS;
    int64_t value;
    int zone = 0;
    if (st_parse_timestamp(s, len, ns ? 9 : 6, &value, &zone) != 0)
        return cannot_parse(v, s, len, NULL);
    /* A zone on a zoneless timestamp would silently shift the wall clock. */
    if (zone && !tz)
        return cannot_parse(v, s, len, "a zone offset on a timestamp without zone");
    return st_vector_append_i64(v, value);
}

static int append_bytes_text(st_vector *v, const char *s, size_t len, st_fmt_bytes bytes)
{
    st_buf b = ST_BUF_INIT;
    int rc, hex = v->type->id == ST_TYPE_FIXED && bytes == ST_FMT_BYTES_CSV;

    if (v->type->id == ST_TYPE_BINARY && bytes == ST_FMT_BYTES_CSV)
        return st_vector_append_bytes(v, s, len);
    if ((hex ? st_fmt_hex_decode(&b, s, len) : st_fmt_base64_decode(&b, s, len)) < 0) {
        st_buf_dispose(&b);
        if (st_error_last()->code == ST_ENOMEM)
            return ST_ENOMEM;
        return cannot_parse(v, s, len, hex ? "not hexadecimal" : "not base64");
    }
    if (v->type->id == ST_TYPE_FIXED && b.len != (size_t)v->type->length) {
        char why[64];
        snprintf(why, sizeof(why), "%zu bytes, expected %d", b.len, v->type->length);
        st_buf_dispose(&b);
        return cannot_parse(v, s, len, why);
    }
    rc = st_vector_append_bytes(v, b.ptr ? b.ptr : (const uint8_t *)"", b.len);
    st_buf_dispose(&b);
    return rc;
}

static int append_number(st_vector *v, const char *s, size_t len)
{
    int64_t i64;
    double d;
    float f;
    st_decimal128 dec;

    switch (v->type->id) {
    case ST_TYPE_INT:
        if (st_fmt_parse_i64(s, len, &i64) < 0 || i64 < INT32_MIN || i64 > INT32_MAX)
            return cannot_parse(v, s, len, NULL);
        return st_vector_append_i32(v, (int32_t)i64);
    case ST_TYPE_LONG:
        if (st_fmt_parse_i64(s, len, &i64) < 0)
            return cannot_parse(v, s, len, NULL);
        return st_vector_append_i64(v, i64);
    case ST_TYPE_FLOAT:
        if (parse_f32(s, len, &f) < 0)
            return cannot_parse(v, s, len, NULL);
        return st_vector_append_f32(v, f);
    case ST_TYPE_DOUBLE:
        if (st_fmt_parse_f64(s, len, &d) < 0)
            return cannot_parse(v, s, len, NULL);
        return st_vector_append_f64(v, d);
    default:
        if (st_decimal_parse(&dec, s, len, v->type->precision, v->type->scale) < 0) {
            /* st_decimal_parse says why after "invalid decimal '...': ". */
            const char *why = strstr(st_error_last()->message, "': ");
            char copy[128];
            snprintf(copy, sizeof(copy), "%s", why ? why + 3 : "not a number");
            return cannot_parse(v, s, len, copy);
        }
        return st_vector_append_decimal(v, dec);
    }
}

int st_fmt_append_text(st_vector *v, const char *s, size_t len, st_fmt_bytes bytes)
{
    int32_t days;
    int64_t micros;
    int b;
    uint8_t uuid[16];
    st_type_id id = v->type->id;

    if (st_type_is_nested(v->type))
        return st_error_set(ST_EUNSUPPORTED, ST_ERROR_CSV,
                            "a %s value cannot be read from text", st_type_id_name(id));
    if (id == ST_TYPE_STRING)
        return st_vector_append_bytes(v, s, len);
    if (id == ST_TYPE_BINARY || id == ST_TYPE_FIXED)
        return append_bytes_text(v, s, len, bytes);
    st_fmt_trim(&s, &len);
    switch (id) {
    case ST_TYPE_BOOLEAN:
        if (st_fmt_parse_bool(s, len, &b) < 0)
            return cannot_parse(v, s, len, NULL);
        return st_vector_append_bool(v, b);
    case ST_TYPE_DATE:
        if (st_parse_date(s, len, &days) < 0)
            return cannot_parse(v, s, len, NULL);
        return st_vector_append_i32(v, days);
    case ST_TYPE_TIME:
        if (st_parse_time(s, len, &micros) < 0)
            return cannot_parse(v, s, len, NULL);
        return st_vector_append_i64(v, micros);
    case ST_TYPE_TIMESTAMP:
    case ST_TYPE_TIMESTAMPTZ:
    case ST_TYPE_TIMESTAMP_NS:
    case ST_TYPE_TIMESTAMPTZ_NS: return append_timestamp(v, s, len);
    case ST_TYPE_UUID:
        if (st_fmt_parse_uuid(s, len, uuid) < 0)
            return cannot_parse(v, s, len, NULL);
        return st_vector_append_bytes(v, uuid, 16);
    default: return append_number(v, s, len);
    }
}

int st_value_append_text(st_vector *v, const char *text, size_t len)
{
    if (!v || (!text && len > 0))
        return st_error_set(ST_EINVALID, ST_ERROR_CSV, "st_value_append_text: no vector or text");
    return st_fmt_append_text(v, text ? text : "", len, ST_FMT_BYTES_CSV);
}
