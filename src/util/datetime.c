/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Civil dates from day numbers and back with Howard Hinnant's public-domain
 * algorithms (eras of 400 years, March-based years), which are exact over the
 * whole int64 range we accept, without tables or loops.
 */
#include <stdio.h>
#include <string.h>

#include "util/datetime.h"

int64_t st_days_from_civil(int64_t y, int m, int d)
{
    int64_t era, yoe, doy, doe;
    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

void st_civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
    int64_t era, doe, yoe, doy, mp;
    z += 719468;
    era = (z >= 0 ? z : z - 146096) / 146097;
    doe = z - era * 146097;
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

static int format_ymd(char *buf, int64_t days)
{
    int64_t y;
    int m, d;
    st_civil_from_days(days, &y, &m, &d);
    if (y >= 0 && y <= 9999)
        return sprintf(buf, "%04lld-%02d-%02d", (long long)y, m, d);
    return sprintf(buf, "%+05lld-%02d-%02d", (long long)y, m, d);
}

int st_format_date(char *buf, int32_t days)
{
    return format_ymd(buf, days);
}

static int64_t floor_div(int64_t a, int64_t b, int64_t *rem)
{
    int64_t q = a / b, r = a % b;
    if (r < 0) {
        r += b;
        q--;
    }
    *rem = r;
    return q;
}

int st_format_time(char *buf, int64_t micros)
{
    int64_t s, us;
    s = floor_div(micros, 1000000, &us);
    return sprintf(buf, "%02d:%02d:%02d.%06lld", (int)(s / 3600 % 24), (int)(s / 60 % 60),
                   (int)(s % 60), (long long)us);
}

int st_format_timestamp(char *buf, int64_t value, int unit_digits, int utc)
{
    int64_t per_sec = unit_digits == 9 ? 1000000000 : 1000000, frac, secs, sod, days;
    int n;
    secs = floor_div(value, per_sec, &frac);
    days = floor_div(secs, 86400, &sod);
    n = format_ymd(buf, days);
    n += sprintf(buf + n, "T%02d:%02d:%02d.%0*lld%s", (int)(sod / 3600), (int)(sod / 60 % 60),
                 (int)(sod % 60), unit_digits == 9 ? 9 : 6, (long long)frac, utc ? "Z" : "");
    return n;
}

/* ------------------------------------------------------------ parsing */

typedef struct {
    const char *p, *end;
} cursor;

static int digits(cursor *c, int min, int max, int64_t *out)
{
    int n = 0;
    int64_t v = 0;
    while (c->p < c->end && n < max && *c->p >= '0' && *c->p <= '9') {
        v = v * 10 + (*c->p++ - '0');
        n++;
    }
    *out = v;
    return n >= min ? 0 : -1;
}

static int expect(cursor *c, char ch)
{
    if (c->p < c->end && *c->p == ch) {
        c->p++;
        return 0;
    }
    return -1;
}

static int days_in_month(int64_t y, int m)
{
    static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 ? 28 + leap : dm[m - 1];
}

static int parse_ymd(cursor *c, int64_t *days)
{
    int64_t y, m, d;
    int neg = 0;
    if (c->p < c->end && (*c->p == '-' || *c->p == '+'))
        neg = *c->p++ == '-';
    if (digits(c, 4, 6, &y) < 0 || expect(c, '-') < 0 || digits(c, 1, 2, &m) < 0 ||
        expect(c, '-') < 0 || digits(c, 1, 2, &d) < 0)
        return -1;
    if (neg)
        y = -y;
    if (m < 1 || m > 12 || d < 1 || d > days_in_month(y, (int)m))
        return -1;
    *days = st_days_from_civil(y, (int)m, (int)d);
    return 0;
}

/* HH:MM[:SS[.f]] as units of 10^-unit_digits seconds since midnight. */
static int parse_hms(cursor *c, int unit_digits, int64_t *out)
{
    int64_t h, mi, s = 0, frac = 0;
    int nfrac = 0;
    if (digits(c, 1, 2, &h) < 0 || expect(c, ':') < 0 || digits(c, 2, 2, &mi) < 0)
        return -1;
    if (c->p < c->end && *c->p == ':') {
        c->p++;
        if (digits(c, 2, 2, &s) < 0)
            return -1;
        if (c->p < c->end && *c->p == '.') {
            c->p++;
            while (c->p < c->end && *c->p >= '0' && *c->p <= '9') {
                if (nfrac < unit_digits) {
                    frac = frac * 10 + (*c->p - '0');
                    nfrac++;
                } else if (*c->p != '0') {
                    return -1; /* finer than the unit: not representable */
                }
                c->p++;
            }
            if (nfrac == 0)
                return -1;
        }
    }
    if (h > 23 || mi > 59 || s > 60)
        return -1;
    if (s == 60)
        s = 59; /* leap second: clamp as the JVM parsers do */
    while (nfrac < unit_digits) {
        frac *= 10;
        nfrac++;
    }
    {
        int64_t per_sec = 1;
        for (int i = 0; i < unit_digits; i++)
            per_sec *= 10;
        *out = ((h * 60 + mi) * 60 + s) * per_sec + frac;
    }
    return 0;
}

int st_parse_date(const char *s, size_t len, int32_t *days)
{
    cursor c = {s, s + len};
    int64_t d;
    if (parse_ymd(&c, &d) < 0 || c.p != c.end || d < INT32_MIN || d > INT32_MAX)
        return -1;
    *days = (int32_t)d;
    return 0;
}

int st_parse_time(const char *s, size_t len, int64_t *micros)
{
    cursor c = {s, s + len};
    if (parse_hms(&c, 6, micros) < 0 || c.p != c.end)
        return -1;
    return 0;
}

int st_parse_timestamp(const char *s, size_t len, int unit_digits, int64_t *value, int *had_zone)
{
    cursor c = {s, s + len};
    int64_t days, tod = 0, per_day, off = 0, v, rest;
    int zone = 0;
    per_day = unit_digits == 9 ? 86400LL * 1000000000LL : 86400LL * 1000000LL;
    if (parse_ymd(&c, &days) < 0)
        return -1;
    if (c.p < c.end && (*c.p == 'T' || *c.p == ' ')) {
        c.p++;
        if (parse_hms(&c, unit_digits, &tod) < 0)
            return -1;
    }
    if (c.p < c.end && (*c.p == 'Z' || *c.p == 'z')) {
        c.p++;
        zone = 1;
    } else if (c.p < c.end && (*c.p == '+' || *c.p == '-')) {
        int neg = *c.p++ == '-';
        int64_t oh, om = 0;
        if (digits(&c, 2, 2, &oh) < 0)
            return -1;
        if (c.p < c.end && *c.p == ':')
            c.p++;
        if (c.p < c.end && digits(&c, 2, 2, &om) < 0)
            return -1;
        if (oh > 18 || om > 59)
            return -1;
        off = (oh * 60 + om) * 60 * (per_day / 86400);
        if (neg)
            off = -off;
        zone = 1;
    }
    if (c.p != c.end)
        return -1;
    /* An instant within a day of the int64 limits (nanoseconds reach only
     * 1677..2262) can have days * per_day alone past them: move two days into
     * the remainder, which the final checked addition brings back. */
    rest = tod - off;
    if (days < 0) {
        days += 2;
        rest -= 2 * per_day;
    } else {
        days -= 2;
        rest += 2 * per_day;
    }
    if (__builtin_mul_overflow(days, per_day, &v) || __builtin_add_overflow(v, rest, &v))
        return -1;
    *value = v;
    if (had_zone)
        *had_zone = zone;
    return 0;
}
