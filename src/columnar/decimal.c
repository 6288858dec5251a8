/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Decimal text conversion: formatting an unscaled 128-bit value with a scale,
 * and parsing decimal text (with optional exponent) exactly into one.
 */
#include "columnar/columnar_int.h"

int st_decimal_format(char *buf, st_decimal128 value, int scale)
{
    st_u128 m = st_col_dec_bits(value);
    int neg = value.hi < 0, n = 0, len = 0;
    char digits[48];

    /* 48 bytes hold "-" + 39 digits + "." + NUL only up to scale 38. */
    if (scale < 0)
        scale = 0;
    if (scale > 38)
        scale = 38;
    if (neg)
        m = ~m + 1; /* magnitude, also right for the most negative value */
    do {
        digits[n++] = (char)('0' + (int)(m % 10));
        m /= 10;
    } while (m != 0);
    while (n <= scale)
        digits[n++] = '0';
    if (neg)
        buf[len++] = '-';
    while (n > scale)
        buf[len++] = digits[--n];
    if (scale > 0) {
        buf[len++] = '.';
        while (n > 0)
            buf[len++] = digits[--n];
    }
    buf[len] = 0;
    return len;
}

static int bad(const char *text, size_t len, const char *why)
{
    return st_error_set(ST_EINVALID, ST_ERROR_COLUMNAR, "invalid decimal '%.*s': %s",
                        (int)(len > 64 ? 64 : len), text, why);
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* The digits of a decimal literal, without sign, point or exponent. */
typedef struct literal {
    const char *digits[2]; /* integer part, fraction part */
    size_t n[2];
    int64_t exp;           /* the exponent written after 'e', clamped */
    int neg;
} literal;

static int scan(literal *lit, const char *s, size_t len)
{
    size_t i = 0;
    memset(lit, 0, sizeof(*lit));
    if (i < len && (s[i] == '+' || s[i] == '-'))
        lit->neg = s[i++] == '-';
    lit->digits[0] = s + i;
    while (i < len && is_digit(s[i]))
        i++, lit->n[0]++;
    if (i < len && s[i] == '.') {
        lit->digits[1] = s + ++i;
        while (i < len && is_digit(s[i]))
            i++, lit->n[1]++;
    }
    if (lit->n[0] + lit->n[1] == 0)
        return -1;
    if (i < len && (s[i] == 'e' || s[i] == 'E')) {
        int eneg = 0;
        size_t start;
        if (++i < len && (s[i] == '+' || s[i] == '-'))
            eneg = s[i++] == '-';
        start = i;
        for (; i < len && is_digit(s[i]); i++)
            if (lit->exp < 1000000000) /* beyond any precision; saturate */
                lit->exp = lit->exp * 10 + (s[i] - '0');
        if (i == start)
            return -1;
        if (eneg)
            lit->exp = -lit->exp;
    }
    return i == len ? 0 : -1;
}

static char digit_at(const literal *lit, size_t k)
{
    return k < lit->n[0] ? lit->digits[0][k] : lit->digits[1][k - lit->n[0]];
}

int st_decimal_parse(st_decimal128 *out, const char *text, size_t len, int precision, int scale)
{
    literal lit;
    size_t total, first, last;
    int64_t shift;
    st_u128 u = 0;

    memset(out, 0, sizeof(*out));
    if (precision < 1 || precision > 38 || scale < 0 || scale > precision)
        return st_error_set(ST_EINVALID, ST_ERROR_COLUMNAR, "invalid decimal(%d,%d)",
                            precision, scale);
    while (len > 0 && (text[0] == ' ' || text[0] == '\t'))
        text++, len--;
    while (len > 0 && (text[len - 1] == ' ' || text[len - 1] == '\t'))
        len--;
    if (scan(&lit, text, len) < 0)
        return bad(text, len, "not a number");
    total = lit.n[0] + lit.n[1];
    for (first = 0; first < total && digit_at(&lit, first) == '0'; first++)
        ;
    if (first == total)
        return 0; /* zero, whatever its sign or exponent */
    for (last = total - 1; digit_at(&lit, last) == '0'; last--)
        ;
    /* value = digits[first..last] * 10^shift once scaled; shift < 0 would drop a
     * non-zero digit. The counts are bounded by the text length, the exponent by
     * the clamp above, so this cannot overflow. */
    shift = (int64_t)(total - 1 - last) + lit.exp - (int64_t)lit.n[1] + scale;
    if (shift < 0)
        return st_error_set(ST_EINVALID, ST_ERROR_COLUMNAR,
                            "invalid decimal '%.*s': more than %d fraction digits",
                            (int)(len > 64 ? 64 : len), text, scale);
    if ((int64_t)(last - first + 1) + shift > precision)
        return st_error_set(ST_EINVALID, ST_ERROR_COLUMNAR,
                            "invalid decimal '%.*s': more than %d digits for decimal(%d,%d)",
                            (int)(len > 64 ? 64 : len), text, precision, precision, scale);
    for (size_t k = first; k <= last; k++)
        u = u * 10 + (st_u128)(digit_at(&lit, k) - '0');
    for (int64_t k = 0; k < shift; k++)
        u *= 10;
    if (lit.neg)
        u = ~u + 1;
    *out = st_col_dec_from_bits(u);
    return 0;
}
