/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Tests for scalar values: Iceberg's ordering, the single-value binary form
 * (minimal big-endian decimals, promotions, bad lengths), the JSON form and
 * its reader (every type, round trips, malformed text), the human text, and
 * values read from vector rows.
 */
#include "spec_test.h"

#include <math.h>

#include <supertable/vector.h>

#include "util/arena.h"

/* ------------------------------------------------------------- ordering */

static int cmp(st_value a, st_value b)
{
    return st_value_compare(&a, &b);
}

static st_value sv_f64(double d)
{
    st_value v;
    memset(&v, 0, sizeof(v));
    v.type = ST_TYPE_DOUBLE;
    v.v.f64 = d;
    return v;
}

static st_value sv_f32(float f)
{
    st_value v;
    memset(&v, 0, sizeof(v));
    v.type = ST_TYPE_FLOAT;
    v.v.f32 = f;
    return v;
}

void test_spec_value__compare_numbers(void)
{
    st_assert(cmp(sv_int(ST_TYPE_INT, -5), sv_int(ST_TYPE_INT, 3)) < 0);
    st_assert(cmp(sv_int(ST_TYPE_INT, INT32_MAX), sv_int(ST_TYPE_INT, INT32_MIN)) > 0);
    st_assert(cmp(sv_int(ST_TYPE_DATE, 7), sv_int(ST_TYPE_DATE, 7)) == 0);
    st_assert(cmp(sv_long(ST_TYPE_LONG, INT64_MIN), sv_long(ST_TYPE_LONG, INT64_MAX)) < 0);
    st_assert(cmp(sv_long(ST_TYPE_TIMESTAMP_NS, -1), sv_long(ST_TYPE_TIMESTAMP_NS, 0)) < 0);
    st_assert(cmp(sv_dec(-1, 2), sv_dec(1, 2)) < 0);
    st_assert(cmp(sv_dec(-2, 2), sv_dec(-1, 2)) < 0);
    st_assert(cmp(sv_dec(INT64_MAX, 0), sv_dec(INT64_MIN, 0)) > 0);
    {
        st_value big = sv_dec(0, 0);
        big.v.dec.hi = 1; /* 2^64 */
        st_assert(cmp(big, sv_dec(INT64_MAX, 0)) > 0);
        st_assert(cmp(sv_dec(-1, 0), big) < 0);
    }
    {
        st_value t = sv_int(ST_TYPE_BOOLEAN, 0), f = sv_int(ST_TYPE_BOOLEAN, 0);
        t.v.b = 1;
        st_assert(cmp(f, t) < 0);
        st_assert(cmp(t, t) == 0);
    }
}

void test_spec_value__compare_floats(void)
{
    st_assert(cmp(sv_f64(-0.0), sv_f64(0.0)) < 0);
    st_assert(cmp(sv_f64(0.0), sv_f64(-0.0)) > 0);
    st_assert(cmp(sv_f64(-0.0), sv_f64(-0.0)) == 0);
    st_assert(cmp(sv_f64(NAN), sv_f64(INFINITY)) > 0);
    st_assert(cmp(sv_f64(-INFINITY), sv_f64(NAN)) < 0);
    st_assert(cmp(sv_f64(NAN), sv_f64(-NAN)) == 0);
    st_assert(cmp(sv_f64(-1.5), sv_f64(-0.0)) < 0);
    st_assert(cmp(sv_f32(-0.0f), sv_f32(0.0f)) < 0);
    st_assert(cmp(sv_f32(NAN), sv_f32(3.0f)) > 0);
    st_assert(cmp(sv_f32(1.0f), sv_f32(2.0f)) < 0);
}

void test_spec_value__compare_bytes(void)
{
    /* unsigned bytes: UTF-8 byte order is code point order */
    st_assert(cmp(sv_str("a"), sv_str("\xc3\xa9")) < 0);
    st_assert(cmp(sv_str("abc"), sv_str("abd")) < 0);
    st_assert(cmp(sv_str("ab"), sv_str("abc")) < 0);
    st_assert(cmp(sv_str(""), sv_str("a")) < 0);
    st_assert(cmp(sv_str(""), sv_str("")) == 0);
    st_assert(cmp(sv_bytes(ST_TYPE_BINARY, "\x80", 1), sv_bytes(ST_TYPE_BINARY, "\x7f", 1)) > 0);
    st_assert(cmp(sv_bytes(ST_TYPE_UUID, "\x00\xff", 2), sv_bytes(ST_TYPE_UUID, "\x01\x00", 2)) <
              0);
}

/* --------------------------------------------------------------- binary */

static void assert_bytes(st_value v, const char *hex)
{
    st_buf b = ST_BUF_INIT;
    char got[128];
    size_t n = 0;
    st_pass(st_value_to_bytes(&b, &v));
    for (size_t i = 0; i < b.len && n + 3 < sizeof(got); i++)
        n += (size_t)snprintf(got + n, sizeof(got) - n, "%02x", b.ptr[i]);
    got[n] = 0;
    st_buf_dispose(&b);
    st_assert_eq_str(got, hex);
}

void test_spec_value__to_bytes(void)
{
    st_value t = sv_int(ST_TYPE_BOOLEAN, 0);
    assert_bytes(t, "00");
    t.v.b = 1;
    assert_bytes(t, "01");
    assert_bytes(sv_int(ST_TYPE_INT, 34), "22000000");
    assert_bytes(sv_int(ST_TYPE_INT, -1), "ffffffff");
    assert_bytes(sv_int(ST_TYPE_DATE, 17486), "4e440000");
    assert_bytes(sv_long(ST_TYPE_LONG, 34), "2200000000000000");
    assert_bytes(sv_long(ST_TYPE_TIMESTAMPTZ, -2), "feffffffffffffff");
    assert_bytes(sv_f32(1.0f), "0000803f");
    assert_bytes(sv_f64(-2.0), "00000000000000c0");
    /* decimals: minimal big-endian two's complement */
    assert_bytes(sv_dec(1420, 2), "058c");
    assert_bytes(sv_dec(0, 2), "00");
    assert_bytes(sv_dec(-1, 2), "ff");
    assert_bytes(sv_dec(127, 0), "7f");
    assert_bytes(sv_dec(128, 0), "0080");
    assert_bytes(sv_dec(-128, 0), "80");
    assert_bytes(sv_dec(-129, 0), "ff7f");
    assert_bytes(sv_dec(INT64_MIN, 0), "8000000000000000");
    {
        st_value big = sv_dec(0, 0);
        big.v.dec.hi = INT64_MIN; /* -2^127 */
        assert_bytes(big, "80000000000000000000000000000000");
    }
    assert_bytes(sv_str("iceberg"), "69636562657267");
    assert_bytes(sv_str(""), "");
    assert_bytes(sv_bytes(ST_TYPE_BINARY, "\x00\x01\x02\x03", 4), "00010203");
}

void test_spec_value__to_bytes_errors(void)
{
    st_buf b = ST_BUF_INIT;
    st_value v = sv_null(ST_TYPE_INT);
    st_fail_with(ST_EINVALID, st_value_to_bytes(&b, &v));
    st_assert_contains(st_error_last()->message, "null");
    v = sv_int(ST_TYPE_STRUCT, 0);
    st_fail_with(ST_EINVALID, st_value_to_bytes(&b, &v));
    st_assert_contains(st_error_last()->message, "struct");
    st_buf_dispose(&b);
}

static st_value from_bytes(const char *type_text, const void *p, size_t len)
{
    st_type *t = sv_type(type_text);
    st_value v;
    st_pass(st_value_from_bytes(&v, t, p, len));
    st_type_free(t);
    return v;
}

static void bytes_rejected(const char *type_text, const void *p, size_t len, int code)
{
    st_type *t = sv_type(type_text);
    st_value v;
    st_fail_with(code, st_value_from_bytes(&v, t, p, len));
    st_type_free(t);
}

void test_spec_value__from_bytes(void)
{
    st_value v;
    v = from_bytes("boolean", "\x01", 1);
    st_assert(v.type == ST_TYPE_BOOLEAN && v.v.b == 1 && !v.is_null);
    v = from_bytes("int", "\xfe\xff\xff\xff", 4);
    st_assert_eq_i64(v.v.i32, -2);
    v = from_bytes("date", "\x4e\x44\x00\x00", 4);
    st_assert_eq_i64(v.v.i32, 17486);
    v = from_bytes("long", "\x22\0\0\0\0\0\0\0", 8);
    st_assert_eq_i64(v.v.i64, 34);
    v = from_bytes("time", "\x01\0\0\0\0\0\0\0", 8);
    st_assert_eq_i64(v.v.i64, 1);
    v = from_bytes("float", "\x00\x00\x80\x3f", 4);
    st_assert_eq_dbl(v.v.f32, 1.0);
    v = from_bytes("double", "\0\0\0\0\0\0\0\xc0", 8);
    st_assert_eq_dbl(v.v.f64, -2.0);
    v = from_bytes("decimal(9,2)", "\x05\x8c", 2);
    st_assert_eq_i64((int64_t)v.v.dec.lo, 1420);
    st_assert_eq_i64(v.v.dec.hi, 0);
    st_assert_eq_i64(v.scale, 2);
    v = from_bytes("decimal(38,0)", "\xff\x7f", 2);
    st_assert_eq_i64((int64_t)v.v.dec.lo, -129);
    st_assert_eq_i64(v.v.dec.hi, -1);
    v = from_bytes("decimal(38,0)", "\x80\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 16);
    st_assert_eq_i64(v.v.dec.hi, INT64_MIN);
    st_assert_eq_i64((int64_t)v.v.dec.lo, 0);
    v = from_bytes("string", "abc", 3);
    st_assert(v.v.bytes.len == 3 && memcmp(v.v.bytes.ptr, "abc", 3) == 0);
    v = from_bytes("string", "", 0);
    st_assert_eq_i64(v.v.bytes.len, 0);
    v = from_bytes("uuid", "0123456789abcdef", 16);
    st_assert_eq_i64(v.v.bytes.len, 16);
    v = from_bytes("fixed[4]", "\x01\x02", 2); /* truncated fixed bounds */
    st_assert_eq_i64(v.v.bytes.len, 2);
}

void test_spec_value__from_bytes_promotions(void)
{
    st_value v;
    /* int -> long keeps 4-byte bounds */
    v = from_bytes("long", "\xfe\xff\xff\xff", 4);
    st_assert_eq_i64(v.v.i64, -2);
    /* float -> double */
    v = from_bytes("double", "\x00\x00\xc0\x3f", 4);
    st_assert_eq_dbl(v.v.f64, 1.5);
    /* date -> timestamp (v3): days to micros / nanos */
    v = from_bytes("timestamp", "\x01\0\0\0", 4);
    st_assert_eq_i64(v.v.i64, 86400000000LL);
    v = from_bytes("timestamptz_ns", "\xff\xff\xff\xff", 4);
    st_assert_eq_i64(v.v.i64, -86400000000000LL);
    v = from_bytes("timestamp_ns", "\x4e\x44\x00\x00", 4);
    st_assert_eq_i64(v.v.i64, 17486LL * 86400000000000LL);
}

void test_spec_value__from_bytes_errors(void)
{
    bytes_rejected("boolean", "\0\0", 2, ST_ECORRUPT);
    bytes_rejected("int", "\0\0\0\0\0\0\0\0", 8, ST_ECORRUPT);
    bytes_rejected("long", "\0\0", 2, ST_ECORRUPT);
    bytes_rejected("time", "\0\0\0\0", 4, ST_ECORRUPT);
    bytes_rejected("float", "\0\0\0\0\0\0\0\0", 8, ST_ECORRUPT);
    bytes_rejected("double", "\0", 1, ST_ECORRUPT);
    bytes_rejected("decimal(9,2)", "", 0, ST_ECORRUPT);
    bytes_rejected("decimal(38,2)", "01234567890123456", 17, ST_ECORRUPT);
    bytes_rejected("uuid", "0123", 4, ST_ECORRUPT);
    bytes_rejected("fixed[2]", "abc", 3, ST_ECORRUPT);
    bytes_rejected("timestamp", "\0\0\0\0\0\0", 6, ST_ECORRUPT);
    /* a date bound far past what nanoseconds reach */
    bytes_rejected("timestamp_ns", "\xff\xff\xff\x7f", 4, ST_ECORRUPT);
    st_assert_contains(st_error_last()->message, "out of the range");
    bytes_rejected("timestamp", "\x00\x00\x00\x80", 4, ST_ECORRUPT);
    bytes_rejected("list<int>", "\0", 1, ST_EINVALID);
}

void test_spec_value__bytes_round_trip(void)
{
    static const int64_t vals[] = {0, 1, -1, 127, 128, -128, -129, 255, 256, 32767, -32768,
                                   1000000007, -99999999999LL, INT64_MAX, INT64_MIN};
    st_type *t = sv_type("decimal(38,4)");
    for (size_t i = 0; i < sizeof(vals) / sizeof(vals[0]); i++)
        for (int64_t hi = -2; hi <= 2; hi++) {
            st_value v = sv_dec(vals[i], 4), back;
            st_buf b = ST_BUF_INIT;
            if (hi != 0)
                v.v.dec.hi = hi * 12345;
            st_pass(st_value_to_bytes(&b, &v));
            st_pass(st_value_from_bytes(&back, t, b.ptr, b.len));
            st_assert(back.v.dec.lo == v.v.dec.lo && back.v.dec.hi == v.v.dec.hi);
            /* minimal: dropping the first byte would change the value */
            if (b.len > 1)
                st_assert(!((b.ptr[0] == 0 && !(b.ptr[1] & 0x80)) ||
                            (b.ptr[0] == 0xff && (b.ptr[1] & 0x80))));
            st_buf_dispose(&b);
        }
    st_type_free(t);
}

/* ----------------------------------------------------------------- JSON */

static void assert_json(st_value v, const char *json, const char *text)
{
    st_buf b = ST_BUF_INIT;
    st_pass(st_value_to_json(&b, &v));
    st_assert_eq_str(st_buf_cstr(&b), json);
    st_buf_clear(&b);
    st_pass(st_value_to_text(&b, &v));
    st_assert_eq_str(st_buf_cstr(&b), text);
    st_buf_dispose(&b);
}

void test_spec_value__to_json(void)
{
    st_value t = sv_int(ST_TYPE_BOOLEAN, 1);
    t.v.b = 1;
    assert_json(t, "true", "true");
    assert_json(sv_int(ST_TYPE_INT, 34), "34", "34");
    assert_json(sv_int(ST_TYPE_INT, INT32_MIN), "-2147483648", "-2147483648");
    assert_json(sv_long(ST_TYPE_LONG, INT64_MIN), "-9223372036854775808", "-9223372036854775808");
    assert_json(sv_f32(1.1f), "1.1", "1.1");
    assert_json(sv_f64(1.0), "1", "1");
    assert_json(sv_f64(-0.0), "-0", "-0");
    assert_json(sv_f64(0.1), "0.1", "0.1");
    assert_json(sv_f64(1e300), "1e+300", "1e+300");
    assert_json(sv_f64(NAN), "\"NaN\"", "NaN");
    assert_json(sv_f64(-INFINITY), "\"-Infinity\"", "-Infinity");
    assert_json(sv_f32(INFINITY), "\"Infinity\"", "Infinity");
    assert_json(sv_dec(1420, 2), "\"14.20\"", "14.20");
    assert_json(sv_dec(-5, 3), "\"-0.005\"", "-0.005");
    assert_json(sv_dec(12, 0), "\"12\"", "12");
    assert_json(sv_int(ST_TYPE_DATE, 17486), "\"2017-11-16\"", "2017-11-16");
    assert_json(sv_int(ST_TYPE_DATE, -1), "\"1969-12-31\"", "1969-12-31");
    assert_json(sv_long(ST_TYPE_TIME, 81068123456LL), "\"22:31:08.123456\"", "22:31:08.123456");
    assert_json(sv_long(ST_TYPE_TIMESTAMP, 1510871468123456LL), "\"2017-11-16T22:31:08.123456\"",
                "2017-11-16T22:31:08.123456");
    assert_json(sv_long(ST_TYPE_TIMESTAMPTZ, 1510871468000000LL),
                "\"2017-11-16T22:31:08.000000+00:00\"", "2017-11-16T22:31:08.000000+00:00");
    assert_json(sv_long(ST_TYPE_TIMESTAMP_NS, 1510871468123456789LL),
                "\"2017-11-16T22:31:08.123456789\"", "2017-11-16T22:31:08.123456789");
    assert_json(sv_long(ST_TYPE_TIMESTAMPTZ_NS, -1), "\"1969-12-31T23:59:59.999999999+00:00\"",
                "1969-12-31T23:59:59.999999999+00:00");
    assert_json(sv_long(ST_TYPE_TIMESTAMP, -1), "\"1969-12-31T23:59:59.999999\"",
                "1969-12-31T23:59:59.999999");
    assert_json(sv_str("iceberg"), "\"iceberg\"", "iceberg");
    assert_json(sv_str("a\"b\\c\n"), "\"a\\\"b\\\\c\\n\"", "a\"b\\c\n");
    assert_json(sv_bytes(ST_TYPE_UUID,
                         "\xf7\x9c\x3e\x09\x67\x7c\x4b\xbd\xa4\x79\x3f\x34\x9c\xb7\x85\xe7", 16),
                "\"f79c3e09-677c-4bbd-a479-3f349cb785e7\"", "f79c3e09-677c-4bbd-a479-3f349cb785e7");
    assert_json(sv_bytes(ST_TYPE_BINARY, "\x00\xff\xAB", 3), "\"00ffab\"", "00ffab");
    assert_json(sv_bytes(ST_TYPE_FIXED, "\x0a", 1), "\"0a\"", "0a");
    assert_json(sv_bytes(ST_TYPE_BINARY, "", 0), "\"\"", "");
    assert_json(sv_null(ST_TYPE_STRING), "null", "null");
    assert_json(sv_null(0), "null", "null");
}

void test_spec_value__to_json_errors(void)
{
    st_buf b = ST_BUF_INIT;
    st_value v = sv_bytes(ST_TYPE_UUID, "abc", 3);
    st_fail_with(ST_EINVALID, st_value_to_json(&b, &v));
    v = sv_int(ST_TYPE_MAP, 0);
    st_fail_with(ST_EINVALID, st_value_to_json(&b, &v));
    st_fail_with(ST_EINVALID, st_value_to_text(&b, &v));
    st_buf_dispose(&b);
}

/* Reads text as a value of type_text and writes it back as JSON. */
static void assert_read(const char *type_text, const char *text, const char *json)
{
    st_type *t = sv_type(type_text);
    st_arena arena = ST_ARENA_INIT;
    st_buf b = ST_BUF_INIT;
    st_value v;
    st_pass(st_value_from_json_text(&v, t, text, strlen(text), &arena));
    st_assert(v.type == t->id && !v.is_null);
    st_pass(st_value_to_json(&b, &v));
    st_assert_eq_str(st_buf_cstr(&b), json);
    st_buf_dispose(&b);
    st_arena_dispose(&arena);
    st_type_free(t);
}

static void assert_unreadable(const char *type_text, const char *text, const char *frag)
{
    st_type *t = sv_type(type_text);
    st_arena arena = ST_ARENA_INIT;
    st_value v;
    st_fail_with(ST_EINVALID, st_value_from_json_text(&v, t, text, strlen(text), &arena));
    st_assert_contains(st_error_last()->message, frag);
    st_arena_dispose(&arena);
    st_type_free(t);
}

void test_spec_value__from_json(void)
{
    assert_read("boolean", "true", "true");
    assert_read("boolean", "false", "false");
    assert_read("int", "-2147483648", "-2147483648");
    assert_read("long", "9223372036854775807", "9223372036854775807");
    assert_read("float", "1.1", "1.1");
    assert_read("float", "16777217", "16777216");
    assert_read("float", "NaN", "\"NaN\"");
    assert_read("double", "-Infinity", "\"-Infinity\"");
    assert_read("double", "2.5e-3", "0.0025");
    assert_read("double", "-0", "-0");
    assert_read("decimal(4,2)", "14.20", "\"14.20\"");
    assert_read("decimal(4,2)", "14.2", "\"14.20\"");
    assert_read("decimal(9,0)", "2E+2", "\"200\"");
    assert_read("decimal(38,10)", "-1234567890123456789012345678.0123456789",
                "\"-1234567890123456789012345678.0123456789\"");
    assert_read("date", "2017-11-16", "\"2017-11-16\"");
    assert_read("date", "1969-12-31", "\"1969-12-31\"");
    assert_read("time", "22:31:08", "\"22:31:08.000000\"");
    assert_read("time", "22:31:08.1", "\"22:31:08.100000\"");
    assert_read("timestamp", "2017-11-16T22:31:08", "\"2017-11-16T22:31:08.000000\"");
    assert_read("timestamp", "2017-11-16T22:31:08.123456", "\"2017-11-16T22:31:08.123456\"");
    assert_read("timestamptz", "2017-11-16T14:31:08-08:00",
                "\"2017-11-16T22:31:08.000000+00:00\"");
    assert_read("timestamptz", "2017-11-16T22:31:08.5+00:00",
                "\"2017-11-16T22:31:08.500000+00:00\"");
    assert_read("timestamptz", "2017-11-16T22:31:08Z", "\"2017-11-16T22:31:08.000000+00:00\"");
    assert_read("timestamp_ns", "2017-11-16T22:31:08.123456789",
                "\"2017-11-16T22:31:08.123456789\"");
    assert_read("timestamptz_ns", "1969-12-31T23:59:59.999999999+00:00",
                "\"1969-12-31T23:59:59.999999999+00:00\"");
    assert_read("string", "ice\"berg", "\"ice\\\"berg\"");
    assert_read("string", "", "\"\"");
    assert_read("uuid", "F79C3E09-677C-4BBD-A479-3F349CB785E7",
                "\"f79c3e09-677c-4bbd-a479-3f349cb785e7\"");
    assert_read("binary", "00FFab", "\"00ffab\"");
    assert_read("binary", "", "\"\"");
    assert_read("fixed[2]", "0a0b", "\"0a0b\"");
}

void test_spec_value__from_json_string_borrows(void)
{
    const char *text = "hello";
    st_value v;
    st_pass(st_value_from_json_text(&v, st_type_primitive(ST_TYPE_STRING), text, 5, NULL));
    st_assert(v.v.bytes.ptr == (const uint8_t *)text && v.v.bytes.len == 5);
}

void test_spec_value__from_json_errors(void)
{
    assert_unreadable("boolean", "yes", "'yes' as a boolean");
    assert_unreadable("boolean", "True", "boolean");
    assert_unreadable("int", "2147483648", "out of the int range");
    assert_unreadable("int", "1.5", "not an integer");
    assert_unreadable("long", "9223372036854775808", "long");
    assert_unreadable("long", "", "long");
    assert_unreadable("double", "1,5", "double");
    assert_unreadable("float", "0x10", "float");
    assert_unreadable("decimal(4,2)", "14.205", "decimal");
    assert_unreadable("decimal(4,2)", "123.4", "decimal");
    assert_unreadable("decimal(4,2)", "abc", "'abc'");
    assert_unreadable("date", "2017-02-30", "date");
    assert_unreadable("date", "2017-11-16T00:00", "date");
    assert_unreadable("time", "25:00:00", "time");
    assert_unreadable("timestamp", "2017-11-16T22:31:08+00:00", "no offset");
    assert_unreadable("timestamptz", "2017-11-16T22:31:08", "needs a zone");
    assert_unreadable("timestamp", "2017-11-16T22:31:08.1234567", "timestamp");
    assert_unreadable("uuid", "f79c3e09677c4bbda4793f349cb785e7", "uuid");
    assert_unreadable("uuid", "g79c3e09-677c-4bbd-a479-3f349cb785e7", "uuid");
    assert_unreadable("binary", "abc", "not hexadecimal");
    assert_unreadable("binary", "zz", "not hexadecimal");
    assert_unreadable("fixed[2]", "00", "needs 2 bytes, got 1");
    assert_unreadable("list<int>", "[]", "no JSON single-value form");
    /* decoded bytes need an arena */
    {
        st_value v;
        st_fail_with(ST_EINVALID, st_value_from_json_text(&v, st_type_primitive(ST_TYPE_BINARY),
                                                          "00", 2, NULL));
        st_assert_contains(st_error_last()->message, "arena");
    }
}

void test_spec_value__from_json_alloc_failures(void)
{
    st_type *t = st_type_primitive(ST_TYPE_BINARY);
    long n, done;
    for (n = 0;; n++) {
        st_arena arena = ST_ARENA_INIT;
        st_value v;
        int rc;
        st_alloc_fail_after(n);
        rc = st_value_from_json_text(&v, t, "0001020304", 10, &arena);
        done = st_alloc_fail_after(-1);
        st_arena_dispose(&arena);
        if (rc == 0 && done <= n)
            break;
        st_assert_msg(rc == ST_ENOMEM || rc == 0, "failing allocation %ld gave %d", n, rc);
    }
    st_assert(n >= 1);
}

/* ------------------------------------------------------------- vectors */

void test_spec_value__from_vector(void)
{
    st_type *s = NULL;
    st_batch *b = NULL;
    st_value v;
    static const uint8_t u[16] = {0xf7, 0x9c, 0x3e, 0x09, 0x67, 0x7c, 0x4b, 0xbd,
                                  0xa4, 0x79, 0x3f, 0x34, 0x9c, 0xb7, 0x85, 0xe7};
    st_pass(st_schema_parse(&s, "b boolean, i int, l long, f float, d double, "
                                "m decimal(9,2), dt date, ts timestamptz_ns, s string, "
                                "x binary, u uuid, fx fixed[3], l2 list<int>"));
    st_pass(st_batch_new(&b, s, 2));
    st_pass(st_vector_append_bool(b->columns[0], 1));
    st_pass(st_vector_append_i32(b->columns[1], -7));
    st_pass(st_vector_append_i64(b->columns[2], INT64_MIN));
    st_pass(st_vector_append_f32(b->columns[3], 1.5f));
    st_pass(st_vector_append_f64(b->columns[4], -2.25));
    st_pass(st_vector_append_decimal(b->columns[5], sv_dec128(-1420)));
    st_pass(st_vector_append_i32(b->columns[6], 17486));
    st_pass(st_vector_append_i64(b->columns[7], 123456789));
    st_pass(st_vector_append_bytes(b->columns[8], "héllo", 6));
    st_pass(st_vector_append_bytes(b->columns[9], "", 0));
    st_pass(st_vector_append_bytes(b->columns[10], u, 16));
    st_pass(st_vector_append_bytes(b->columns[11], "abc", 3));
    st_pass(st_vector_append_i32(b->columns[12]->children[0], 1));
    st_pass(st_vector_append_nested(b->columns[12]));
    for (int c = 0; c < b->n_columns; c++)
        st_pass(st_vector_append_null(b->columns[c]));
    st_pass(st_batch_seal(b));

    st_value_from_vector(&v, b->columns[0], 0);
    st_assert(v.type == ST_TYPE_BOOLEAN && v.v.b == 1 && !v.is_null);
    st_value_from_vector(&v, b->columns[1], 0);
    st_assert(v.type == ST_TYPE_INT && v.v.i32 == -7);
    st_value_from_vector(&v, b->columns[2], 0);
    st_assert(v.type == ST_TYPE_LONG && v.v.i64 == INT64_MIN);
    st_value_from_vector(&v, b->columns[3], 0);
    st_assert(v.type == ST_TYPE_FLOAT && v.v.f32 == 1.5f);
    st_value_from_vector(&v, b->columns[4], 0);
    st_assert(v.type == ST_TYPE_DOUBLE && v.v.f64 == -2.25);
    st_value_from_vector(&v, b->columns[5], 0);
    st_assert(v.type == ST_TYPE_DECIMAL && v.scale == 2 && (int64_t)v.v.dec.lo == -1420 &&
              v.v.dec.hi == -1);
    st_value_from_vector(&v, b->columns[6], 0);
    st_assert(v.type == ST_TYPE_DATE && v.v.i32 == 17486);
    st_value_from_vector(&v, b->columns[7], 0);
    st_assert(v.type == ST_TYPE_TIMESTAMPTZ_NS && v.v.i64 == 123456789);
    st_value_from_vector(&v, b->columns[8], 0);
    st_assert(v.type == ST_TYPE_STRING && v.v.bytes.len == 6 &&
              memcmp(v.v.bytes.ptr, "héllo", 6) == 0);
    st_value_from_vector(&v, b->columns[9], 0);
    st_assert(v.type == ST_TYPE_BINARY && v.v.bytes.len == 0 && v.v.bytes.ptr != NULL);
    st_value_from_vector(&v, b->columns[10], 0);
    st_assert(v.type == ST_TYPE_UUID && v.v.bytes.len == 16 && memcmp(v.v.bytes.ptr, u, 16) == 0);
    st_value_from_vector(&v, b->columns[11], 0);
    st_assert(v.type == ST_TYPE_FIXED && v.v.bytes.len == 3 &&
              memcmp(v.v.bytes.ptr, "abc", 3) == 0);
    st_value_from_vector(&v, b->columns[12], 0);
    st_assert(v.type == ST_TYPE_LIST && !v.is_null);
    for (int c = 0; c < b->n_columns; c++) {
        st_value_from_vector(&v, b->columns[c], 1);
        st_assert(v.is_null);
        st_assert(v.type == b->columns[c]->type->id);
    }
    st_value_from_vector(&v, b->columns[5], 1);
    st_assert_eq_i64(v.scale, 2);
    st_batch_free(b);
    st_type_free(s);
}
