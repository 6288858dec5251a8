/* SPDX-License-Identifier: Apache-2.0 */
/* Tests for decimal text conversion: formatting and exact parsing. */
#include "st_test.h"

#include <supertable/errors.h>
#include <supertable/vector.h>

static st_decimal128 dec(int64_t v)
{
    st_decimal128 d = {(uint64_t)v, v < 0 ? -1 : 0};
    return d;
}

static void assert_format(st_decimal128 v, int scale, const char *expected)
{
    char buf[48];
    int n = st_decimal_format(buf, v, scale);
    st_assert_eq_str(buf, expected);
    st_assert_eq_i64(n, (int64_t)strlen(expected));
}

static st_decimal128 parse_ok(const char *text, int p, int s)
{
    st_decimal128 d;
    st_pass(st_decimal_parse(&d, text, strlen(text), p, s));
    return d;
}

static void assert_parse(const char *text, int p, int s, const char *expected_formatted)
{
    assert_format(parse_ok(text, p, s), s, expected_formatted);
}

static void assert_reject(const char *text, int p, int s, const char *frag)
{
    st_decimal128 d;
    st_fail_with(ST_EINVALID, st_decimal_parse(&d, text, strlen(text), p, s));
    st_assert_contains(st_error_last()->message, frag);
}

/* 10^38 - 1 as a 128-bit value: 38 nines. */
static st_decimal128 nines38(int negative)
{
    st_decimal128 d = {0x098a223fffffffffULL, 0x4b3b4ca85a86c47aLL};
    if (negative) {
        d.lo = ~d.lo + 1;
        d.hi = ~d.hi + (d.lo == 0);
    }
    return d;
}

void test_columnar_decimal__format(void)
{
    assert_format(dec(-1230), 2, "-12.30");
    assert_format(dec(5), 2, "0.05");
    assert_format(dec(-5), 2, "-0.05");
    assert_format(dec(0), 2, "0.00");
    assert_format(dec(0), 0, "0");
    assert_format(dec(123), 0, "123");
    assert_format(dec(-123), 0, "-123");
    assert_format(dec(INT64_MAX), 0, "9223372036854775807");
    assert_format(dec(INT64_MIN), 3, "-9223372036854775.808");
    assert_format(nines38(0), 0, "99999999999999999999999999999999999999");
    assert_format(nines38(1), 0, "-99999999999999999999999999999999999999");
    assert_format(nines38(0), 38, "0.99999999999999999999999999999999999999");
    assert_format(nines38(1), 38, "-0.99999999999999999999999999999999999999");
    assert_format(dec(1), 38, "0.00000000000000000000000000000000000001");
    /* The extremes of 128 bits still fit the 48-byte buffer. */
    st_decimal128 min = {0, INT64_MIN};
    assert_format(min, 0, "-170141183460469231731687303715884105728");
    assert_format(min, 38, "-1.70141183460469231731687303715884105728");
}

void test_columnar_decimal__parse(void)
{
    st_decimal128 d;
    assert_parse("-12.3", 10, 2, "-12.30");
    assert_parse("12.30", 10, 2, "12.30");
    assert_parse("+0.05", 3, 2, "0.05");
    assert_parse(".5", 3, 2, "0.50");
    assert_parse("5.", 3, 0, "5");
    assert_parse("  42  ", 5, 0, "42");
    assert_parse("1.5e3", 10, 0, "1500");
    assert_parse("1.5E-1", 10, 2, "0.15");
    assert_parse("-2.5e+2", 10, 1, "-250.0");
    assert_parse("1.50000000000000000000000000000000000000000000000", 3, 2, "1.50");
    assert_parse("000000000000000000000000000000000000000000000000012", 2, 0, "12");
    assert_parse("-0", 1, 0, "0");
    assert_parse("0e999999999999", 1, 0, "0");
    assert_parse("99999999999999999999999999999999999999", 38, 0,
                 "99999999999999999999999999999999999999");
    assert_parse("-99999999999999999999999999999999999999", 38, 0,
                 "-99999999999999999999999999999999999999");
    assert_parse("-0.99999999999999999999999999999999999999", 38, 38,
                 "-0.99999999999999999999999999999999999999");
    d = parse_ok("99999999999999999999999999999999999999", 38, 0);
    st_assert(d.lo == nines38(0).lo && d.hi == nines38(0).hi);
    d = parse_ok("-99999999999999999999999999999999999999", 38, 0);
    st_assert(d.lo == nines38(1).lo && d.hi == nines38(1).hi);
    d = parse_ok("-1", 5, 0);
    st_assert(d.lo == UINT64_MAX && d.hi == -1);
    /* Length-delimited: the text need not be NUL-terminated. */
    st_pass(st_decimal_parse(&d, "12345", 2, 5, 0));
    st_assert_eq_i64((int64_t)d.lo, 12);
}

void test_columnar_decimal__parse_rejects(void)
{
    st_decimal128 d;
    assert_reject("1.234", 10, 2, "more than 2 fraction digits");
    assert_reject("1.5e-3", 10, 2, "more than 2 fraction digits");
    assert_reject("0.5", 5, 0, "more than 0 fraction digits");
    assert_reject("1000", 3, 0, "more than 3 digits");
    assert_reject("100", 3, 1, "more than 3 digits");
    assert_reject("1e38", 38, 0, "more than 38 digits");
    assert_reject("100000000000000000000000000000000000000", 38, 0, "more than 38 digits");
    assert_reject("1e999999999999", 38, 0, "more than 38 digits");
    assert_reject("1e-999999999999", 38, 38, "fraction digits");
    assert_reject("", 5, 0, "not a number");
    assert_reject("-", 5, 0, "not a number");
    assert_reject(".", 5, 0, "not a number");
    assert_reject("1e", 5, 0, "not a number");
    assert_reject("e5", 5, 0, "not a number");
    assert_reject("1.2.3", 5, 2, "not a number");
    assert_reject("12a", 5, 0, "not a number");
    assert_reject("1 2", 5, 0, "not a number");
    assert_reject("--1", 5, 0, "not a number");
    st_fail_with(ST_EINVALID, st_decimal_parse(&d, "1", 1, 39, 0));
    st_fail_with(ST_EINVALID, st_decimal_parse(&d, "1", 1, 5, 6));
    st_fail_with(ST_EINVALID, st_decimal_parse(&d, "1", 1, 0, 0));
}

void test_columnar_decimal__round_trip_many(void)
{
    char buf[48];
    uint64_t x = 0x9e3779b97f4a7c15ULL;
    for (int i = 0; i < 2000; i++) {
        st_decimal128 v, back;
        int scale = i % 39;
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        v.lo = x;
        /* |hi| below 10^38's high word keeps |v| < 10^38 */
        v.hi = ((int64_t)x >> (i % 64)) % 0x4b3b4ca85a86c47aLL;
        st_decimal_format(buf, v, scale);
        st_pass(st_decimal_parse(&back, buf, strlen(buf), 38, scale));
        st_assert_msg(back.lo == v.lo && back.hi == v.hi, "round trip of %s", buf);
    }
}
