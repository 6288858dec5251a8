/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Tests for partition transforms: the spec's murmur3/bucket vectors (Appendix
 * B and iceberg-facts §6), bucket/truncate/time results on both sides of
 * 1970, parsing, source-type checks, result types, nulls, and the vector
 * loops checked row by row against the scalar form on random data.
 */
#include "spec_test.h"

#include <supertable/parquet.h>
#include <supertable/vector.h>

/* 2017-11-16T22:31:08 */
#define TS_US 1510871468000000LL

static int32_t hash(st_value v)
{
    return st_bucket_hash(&v);
}

static const uint8_t UUID1[16] = {0xf7, 0x9c, 0x3e, 0x09, 0x67, 0x7c, 0x4b, 0xbd,
                                  0xa4, 0x79, 0x3f, 0x34, 0x9c, 0xb7, 0x85, 0xe7};

void test_spec_transform__bucket_hash_vectors(void)
{
    st_assert_eq_i64(hash(sv_int(ST_TYPE_INT, 34)), 2017239379);
    st_assert_eq_i64(hash(sv_long(ST_TYPE_LONG, 34)), 2017239379);
    st_assert_eq_i64(hash(sv_dec(1420, 2)), -500754589);
    st_assert_eq_i64(hash(sv_int(ST_TYPE_DATE, 17486)), -653330422);
    st_assert_eq_i64(hash(sv_long(ST_TYPE_TIME, 81068000000LL)), -662762989);
    st_assert_eq_i64(hash(sv_long(ST_TYPE_TIMESTAMP, TS_US)), -2047944441);
    st_assert_eq_i64(hash(sv_long(ST_TYPE_TIMESTAMP, TS_US + 1)), -1207196810);
    /* 2017-11-16T14:31:08-08:00 is the same instant */
    st_assert_eq_i64(hash(sv_long(ST_TYPE_TIMESTAMPTZ, TS_US)), -2047944441);
    st_assert_eq_i64(hash(sv_long(ST_TYPE_TIMESTAMPTZ, TS_US + 1)), -1207196810);
    /* nanoseconds are hashed as microseconds */
    st_assert_eq_i64(hash(sv_long(ST_TYPE_TIMESTAMP_NS, TS_US * 1000)), -2047944441);
    st_assert_eq_i64(hash(sv_long(ST_TYPE_TIMESTAMP_NS, TS_US * 1000 + 1001)), -1207196810);
    st_assert_eq_i64(hash(sv_long(ST_TYPE_TIMESTAMPTZ_NS, TS_US * 1000 + 999)), -2047944441);
    st_assert_eq_i64(hash(sv_str("iceberg")), 1210000089);
    st_assert_eq_i64(hash(sv_bytes(ST_TYPE_UUID, UUID1, 16)), 1488055340);
    st_assert_eq_i64(hash(sv_bytes(ST_TYPE_BINARY, "\x00\x01\x02\x03", 4)), -188683207);
    st_assert_eq_i64(hash(sv_bytes(ST_TYPE_FIXED, "\x00\x01\x02\x03", 4)), -188683207);
    st_assert_eq_i64(hash(sv_str("34")), -427558391);
}

void test_spec_transform__ns_hash_floors(void)
{
    /* -1 ns is -1 µs after floor division (truncation would give 0) */
    st_assert_eq_i64(hash(sv_long(ST_TYPE_TIMESTAMP_NS, -1)),
                     hash(sv_long(ST_TYPE_TIMESTAMP, -1)));
    st_assert(hash(sv_long(ST_TYPE_TIMESTAMP_NS, -1)) != hash(sv_long(ST_TYPE_TIMESTAMP, 0)));
    st_assert_eq_i64(hash(sv_long(ST_TYPE_TIMESTAMP_NS, -1000)),
                     hash(sv_long(ST_TYPE_TIMESTAMP, -1)));
    st_assert_eq_i64(hash(sv_long(ST_TYPE_TIMESTAMP_NS, -1001)),
                     hash(sv_long(ST_TYPE_TIMESTAMP, -2)));
}

void test_spec_transform__murmur3_appendix(void)
{
    static const uint8_t one[8] = {1, 0, 0, 0, 0, 0, 0, 0};
    static const uint8_t zero[8] = {0};
    static const uint8_t one_d[8] = {0, 0, 0, 0, 0, 0, 0xf0, 0x3f}; /* 1.0 as a long, LE */
    st_value v;
    st_assert_eq_i64((int32_t)st_murmur3_32(one, 8, 0), 1392991556);
    st_assert_eq_i64((int32_t)st_murmur3_32(one_d, 8, 0), -142385009);
    st_assert_eq_i64((int32_t)st_murmur3_32(zero, 8, 0), 1669671676);
    st_assert_eq_i64((int32_t)st_murmur3_32("iceberg", 7, 0), 1210000089);
    st_assert_eq_i64((int32_t)st_murmur3_32("\x05\x8c", 2, 0), -500754589);
    st_assert_eq_i64((int32_t)st_murmur3_32("\x00\x01\x02\x03", 4, 0), -188683207);
    /* The appendix's values through st_bucket_hash too (not bucketable, but defined). */
    v = sv_int(ST_TYPE_BOOLEAN, 0);
    v.v.b = 1;
    st_assert_eq_i64(hash(v), 1392991556);
    v = sv_int(ST_TYPE_FLOAT, 0);
    v.v.f32 = 1.0f;
    st_assert_eq_i64(hash(v), -142385009);
    v = sv_int(ST_TYPE_DOUBLE, 0);
    v.v.f64 = 1.0;
    st_assert_eq_i64(hash(v), -142385009);
    v.v.f64 = 0.0;
    st_assert_eq_i64(hash(v), 1669671676);
    v.v.f64 = -0.0;
    st_assert_eq_i64(hash(v), 1669671676);
    /* tails of 1, 2, 3 bytes differ from each other and from the empty input */
    st_assert((int32_t)st_murmur3_32("", 0, 0) == 0);
    st_assert(st_murmur3_32("a", 1, 0) != st_murmur3_32("ab", 2, 0));
    st_assert(st_murmur3_32("abc", 3, 0) != st_murmur3_32("abcd", 4, 0));
    st_assert(st_murmur3_32("abc", 3, 0) != st_murmur3_32("abc", 3, 1));
}

static st_transform tr(const char *text)
{
    st_transform t;
    st_pass(st_transform_parse(&t, text));
    return t;
}

static st_value apply(const char *t_text, st_value in)
{
    st_transform t = tr(t_text);
    st_value out;
    st_pass(st_transform_apply(&t, &in, &out));
    return out;
}

void test_spec_transform__bucket_values(void)
{
    /* the fixture check: bucket[4] of 1, 2, 3, 4 */
    static const int expect[] = {0, 0, 3, 2};
    for (int i = 0; i < 4; i++) {
        st_value r = apply("bucket[4]", sv_int(ST_TYPE_INT, i + 1));
        st_assert(r.type == ST_TYPE_INT && !r.is_null);
        st_assert_eq_i64(r.v.i32, expect[i]);
    }
    /* (hash & INT_MAX) % N: a negative hash still gives a bucket in range */
    st_assert_eq_i64(apply("bucket[16]", sv_dec(1420, 2)).v.i32, (-500754589 & 0x7fffffff) % 16);
    st_assert_eq_i64(apply("bucket[100]", sv_long(ST_TYPE_LONG, 34)).v.i32, 79);
    st_assert_eq_i64(apply("bucket[1]", sv_str("x")).v.i32, 0);
    st_assert_eq_i64(apply("bucket[2147483647]", sv_int(ST_TYPE_INT, 34)).v.i32,
                     2017239379 % 2147483647);
}

void test_spec_transform__truncate_values(void)
{
    st_value r;
    static const struct {
        int64_t in, out;
    } ints[] = {{1, 0}, {-1, -10}, {0, 0}, {9, 0}, {10, 10}, {11, 10}, {-10, -10}, {-11, -20}};
    for (size_t i = 0; i < sizeof(ints) / sizeof(ints[0]); i++) {
        st_assert_eq_i64(apply("truncate[10]", sv_int(ST_TYPE_INT, (int32_t)ints[i].in)).v.i32,
                         ints[i].out);
        st_assert_eq_i64(apply("truncate[10]", sv_long(ST_TYPE_LONG, ints[i].in)).v.i64,
                         ints[i].out);
    }
    st_assert_eq_i64(apply("truncate[1]", sv_int(ST_TYPE_INT, -7)).v.i32, -7);
    st_assert_eq_i64(apply("truncate[3]", sv_long(ST_TYPE_LONG, INT64_MAX)).v.i64,
                     INT64_MAX - INT64_MAX % 3);
    /* within W of the minimum the result wraps as Java's int arithmetic does */
    st_assert_eq_i64(apply("truncate[10]", sv_int(ST_TYPE_INT, INT32_MIN)).v.i32,
                     (int32_t)(uint32_t)((int64_t)INT32_MIN - 2));
    /* decimals: W in unscaled units, scale kept */
    r = apply("truncate[50]", sv_dec(1065, 2));
    st_assert(r.type == ST_TYPE_DECIMAL && r.scale == 2);
    st_assert_eq_i64((int64_t)r.v.dec.lo, 1050);
    st_assert_eq_i64((int64_t)apply("truncate[10]", sv_dec(1065, 2)).v.dec.lo, 1060);
    r = apply("truncate[10]", sv_dec(-5, 2));
    st_assert_eq_i64((int64_t)r.v.dec.lo, -10);
    st_assert_eq_i64(r.v.dec.hi, -1);
    {
        st_value big = sv_dec(5, 0);
        big.v.dec.hi = -1000; /* a large negative 128-bit value */
        r = apply("truncate[7]", big);
        /* r <= big, big - r < 7, r divisible by 7: check via the difference */
        st_assert(r.v.dec.hi == -1000 || r.v.dec.hi == -1001);
        uint64_t diff = big.v.dec.lo - r.v.dec.lo;
        st_assert(diff < 7);
    }
    /* strings: code points, not bytes */
    r = apply("truncate[3]", sv_str("iceberg"));
    st_assert(r.type == ST_TYPE_STRING && r.v.bytes.len == 3 &&
              memcmp(r.v.bytes.ptr, "ice", 3) == 0);
    st_assert_eq_i64(apply("truncate[2]", sv_str("\xc3\xa9toile")).v.bytes.len, 3);
    st_assert_eq_i64(apply("truncate[1]", sv_str("\xf0\x9f\x98\x80" "a")).v.bytes.len, 4);
    st_assert_eq_i64(apply("truncate[2]", sv_str("\xf0\x9f\x98\x80" "a")).v.bytes.len, 5);
    st_assert_eq_i64(apply("truncate[10]", sv_str("short")).v.bytes.len, 5);
    st_assert_eq_i64(apply("truncate[5]", sv_str("")).v.bytes.len, 0);
    /* binary: bytes */
    r = apply("truncate[2]", sv_bytes(ST_TYPE_BINARY, "\xc3\xa9\x01", 3));
    st_assert(r.type == ST_TYPE_BINARY && r.v.bytes.len == 2);
    st_assert_eq_i64(apply("truncate[9]", sv_bytes(ST_TYPE_BINARY, "ab", 2)).v.bytes.len, 2);
}

static void assert_times(st_value in, int32_t year, int32_t month, int32_t day, int32_t hour)
{
    st_value r = apply("year", in);
    st_assert(r.type == ST_TYPE_INT);
    st_assert_eq_i64(r.v.i32, year);
    st_assert_eq_i64(apply("month", in).v.i32, month);
    r = apply("day", in);
    st_assert(r.type == ST_TYPE_DATE);
    st_assert_eq_i64(r.v.i32, day);
    if (in.type != ST_TYPE_DATE)
        st_assert_eq_i64(apply("hour", in).v.i32, hour);
}

void test_spec_transform__time_values(void)
{
    /* 1969-12-31T23:59:59.999999 is day -1, hour -1, month -1, year -1 */
    assert_times(sv_long(ST_TYPE_TIMESTAMP, -1), -1, -1, -1, -1);
    assert_times(sv_long(ST_TYPE_TIMESTAMPTZ, -1), -1, -1, -1, -1);
    assert_times(sv_long(ST_TYPE_TIMESTAMP_NS, -1), -1, -1, -1, -1);
    assert_times(sv_long(ST_TYPE_TIMESTAMPTZ_NS, -1), -1, -1, -1, -1);
    assert_times(sv_long(ST_TYPE_TIMESTAMP, 0), 0, 0, 0, 0);
    assert_times(sv_long(ST_TYPE_TIMESTAMP_NS, 0), 0, 0, 0, 0);
    assert_times(sv_long(ST_TYPE_TIMESTAMP, TS_US), 47, 47 * 12 + 10, 17486, 17486 * 24 + 22);
    assert_times(sv_long(ST_TYPE_TIMESTAMP_NS, TS_US * 1000 + 999), 47, 574, 17486, 419686);
    /* exactly one hour / day before the epoch, and one unit earlier */
    assert_times(sv_long(ST_TYPE_TIMESTAMP, -3600000000LL), -1, -1, -1, -1);
    assert_times(sv_long(ST_TYPE_TIMESTAMP, -3600000001LL), -1, -1, -1, -2);
    assert_times(sv_long(ST_TYPE_TIMESTAMP, -86400000000LL), -1, -1, -1, -24);
    assert_times(sv_long(ST_TYPE_TIMESTAMP, -86400000001LL), -1, -1, -2, -25);
    /* 1969-01-01T00:00:00 and a microsecond before it */
    assert_times(sv_long(ST_TYPE_TIMESTAMP, -365 * 86400000000LL), -1, -12, -365, -365 * 24);
    assert_times(sv_long(ST_TYPE_TIMESTAMP, -365 * 86400000000LL - 1), -2, -13, -366,
                 -365 * 24 - 1);
    /* dates */
    assert_times(sv_int(ST_TYPE_DATE, -1), -1, -1, -1, 0);
    assert_times(sv_int(ST_TYPE_DATE, 0), 0, 0, 0, 0);
    assert_times(sv_int(ST_TYPE_DATE, 17486), 47, 574, 17486, 0);
    assert_times(sv_int(ST_TYPE_DATE, -365), -1, -12, -365, 0);
    assert_times(sv_int(ST_TYPE_DATE, -366), -2, -13, -366, 0);
    /* 2000-02-29 (leap day) and 2000-03-01 */
    assert_times(sv_int(ST_TYPE_DATE, 11016), 30, 361, 11016, 0);
    assert_times(sv_int(ST_TYPE_DATE, 11017), 30, 362, 11017, 0);
    /* far years */
    assert_times(sv_int(ST_TYPE_DATE, -719528), -1970, -1970 * 12, -719528, 0); /* 0000-01-01 */
}

void test_spec_transform__identity_and_void(void)
{
    st_value in = sv_str("abc"), r;
    r = apply("identity", in);
    st_assert(r.type == ST_TYPE_STRING && r.v.bytes.ptr == in.v.bytes.ptr && r.v.bytes.len == 3);
    r = apply("identity", sv_dec(5, 3));
    st_assert(r.scale == 3 && r.v.dec.lo == 5);
    r = apply("void", sv_int(ST_TYPE_INT, 5));
    st_assert(r.is_null && r.type == 0);
}

void test_spec_transform__nulls(void)
{
    static const struct {
        const char *t;
        st_type_id in, out;
    } cases[] = {
        {"identity", ST_TYPE_STRING, ST_TYPE_STRING}, {"bucket[4]", ST_TYPE_LONG, ST_TYPE_INT},
        {"truncate[4]", ST_TYPE_STRING, ST_TYPE_STRING}, {"year", ST_TYPE_DATE, ST_TYPE_INT},
        {"month", ST_TYPE_TIMESTAMP, ST_TYPE_INT},      {"day", ST_TYPE_TIMESTAMP, ST_TYPE_DATE},
        {"hour", ST_TYPE_TIMESTAMPTZ_NS, ST_TYPE_INT},   {"void", ST_TYPE_INT, 0},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        st_value r = apply(cases[i].t, sv_null(cases[i].in));
        st_assert_msg(r.is_null && r.type == cases[i].out, "%s of null", cases[i].t);
    }
    {
        st_value in = sv_null(ST_TYPE_DECIMAL), r;
        in.scale = 3;
        r = apply("truncate[10]", in);
        st_assert(r.is_null && r.type == ST_TYPE_DECIMAL && r.scale == 3);
    }
    /* aliasing: in and out may be the same value */
    {
        st_transform t = tr("bucket[4]");
        st_value v = sv_int(ST_TYPE_INT, 3);
        st_pass(st_transform_apply(&t, &v, &v));
        st_assert(v.type == ST_TYPE_INT && v.v.i32 == 3);
        t = tr("day");
        v = sv_long(ST_TYPE_TIMESTAMP, -1);
        st_pass(st_transform_apply(&t, &v, &v));
        st_assert(v.type == ST_TYPE_DATE && v.v.i32 == -1);
    }
}

void test_spec_transform__parse(void)
{
    static const struct {
        const char *in;
        st_transform_kind kind;
        int32_t param;
        const char *text;
    } ok[] = {
        {"identity", ST_TRANSFORM_IDENTITY, 0, "identity"},
        {"bucket[16]", ST_TRANSFORM_BUCKET, 16, "bucket[16]"},
        {"Bucket[0016]", ST_TRANSFORM_BUCKET, 16, "bucket[16]"},
        {"truncate[4]", ST_TRANSFORM_TRUNCATE, 4, "truncate[4]"},
        {"TRUNCATE[2147483647]", ST_TRANSFORM_TRUNCATE, INT32_MAX, "truncate[2147483647]"},
        {"year", ST_TRANSFORM_YEAR, 0, "year"},
        {"Month", ST_TRANSFORM_MONTH, 0, "month"},
        {"day", ST_TRANSFORM_DAY, 0, "day"},
        {"hour", ST_TRANSFORM_HOUR, 0, "hour"},
        {"void", ST_TRANSFORM_VOID, 0, "void"},
        {"zorder", ST_TRANSFORM_UNKNOWN, 0, "zorder"},
        {"year[3]", ST_TRANSFORM_UNKNOWN, 0, "year[3]"},
        {"days", ST_TRANSFORM_UNKNOWN, 0, "days"},
        {"", ST_TRANSFORM_UNKNOWN, 0, ""},
    };
    static const char *const bad[] = {"bucket[0]", "bucket[x]", "bucket[]", "bucket",
                                      "truncate", "bucket[16", "bucket[-1]",
                                      "bucket[2147483648]", "truncate[99999999999999999999]",
                                      "bucket[1 6]"};
    for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
        st_transform t = tr(ok[i].in);
        st_assert_msg(t.kind == ok[i].kind && t.param == ok[i].param, "%s", ok[i].in);
        st_assert_eq_str(t.text, ok[i].text);
    }
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        st_transform t;
        st_fail_with(ST_EINVALID, st_transform_parse(&t, bad[i]));
        st_assert_contains(st_error_last()->message, "parameter");
    }
    {
        /* a long unknown name is kept as far as it fits */
        char name[200];
        st_transform t;
        memset(name, 'z', sizeof(name) - 1);
        name[sizeof(name) - 1] = 0;
        st_pass(st_transform_parse(&t, name));
        st_assert(t.kind == ST_TRANSFORM_UNKNOWN && strlen(t.text) == sizeof(t.text) - 1);
    }
}

static void assert_source(const char *t_text, const char *type_text, int ok)
{
    st_transform t = tr(t_text);
    st_type *type = sv_type(type_text);
    int rc = st_transform_check_source(&t, type);
    st_assert_msg(ok ? rc == 0 : rc == ST_EINVALID, "%s of %s gave %d", t_text, type_text, rc);
    st_type_free(type);
}

void test_spec_transform__check_source(void)
{
    static const char *const prims[] = {"boolean", "int", "long", "float", "double",
                                        "decimal(9,2)", "date", "time", "timestamp",
                                        "timestamptz", "timestamp_ns", "timestamptz_ns",
                                        "string", "uuid", "fixed[3]", "binary"};
    for (size_t i = 0; i < sizeof(prims) / sizeof(prims[0]); i++) {
        const char *p = prims[i];
        int bucket = strcmp(p, "boolean") && strcmp(p, "float") && strcmp(p, "double");
        int trunc = !strcmp(p, "int") || !strcmp(p, "long") || !strcmp(p, "decimal(9,2)") ||
                    !strcmp(p, "string") || !strcmp(p, "binary");
        int ts = !strncmp(p, "timestamp", 9);
        int date = ts || !strcmp(p, "date");
        assert_source("identity", p, 1);
        assert_source("bucket[8]", p, bucket);
        assert_source("truncate[8]", p, trunc);
        assert_source("year", p, date);
        assert_source("month", p, date);
        assert_source("day", p, date);
        assert_source("hour", p, ts);
        assert_source("void", p, 1);
        assert_source("zorder", p, 1);
    }
    assert_source("identity", "struct<a: int>", 0);
    assert_source("identity", "list<int>", 0);
    assert_source("bucket[2]", "map<string, int>", 0);
    assert_source("void", "struct<a: int>", 1);
    {
        st_transform t = tr("bucket[16]");
        st_fail_with(ST_EINVALID, st_transform_check_source(&t, st_type_primitive(ST_TYPE_DOUBLE)));
        st_assert_eq_str(st_error_last()->message, "bucket cannot apply to double");
        t = tr("hour");
        st_fail_with(ST_EINVALID, st_transform_check_source(&t, st_type_primitive(ST_TYPE_DATE)));
        st_assert_eq_str(st_error_last()->message, "hour cannot apply to date");
        st_fail_with(ST_EINVALID, st_transform_check_source(&t, NULL));
    }
    /* applying checks the value's type too */
    {
        st_transform t = tr("truncate[3]");
        st_value v = sv_int(ST_TYPE_DATE, 1), out;
        st_fail_with(ST_EINVALID, st_transform_apply(&t, &v, &out));
        st_assert_contains(st_error_last()->message, "truncate cannot apply to date");
        t = tr("zorder");
        st_fail_with(ST_EUNSUPPORTED, st_transform_apply(&t, &v, &out));
        st_assert_contains(st_error_last()->message, "zorder");
    }
}

static void assert_result(const char *t_text, const char *src, const char *expected)
{
    st_transform t = tr(t_text);
    st_type *s = src ? sv_type(src) : NULL, *r = st_transform_result_type(&t, s);
    char *got = NULL;
    st_pass(st_type_to_string(&got, r));
    st_assert_eq_str(got, expected);
    st_free(got);
    st_type_free(r);
    st_type_free(s);
}

void test_spec_transform__result_types(void)
{
    assert_result("identity", "decimal(9,2)", "decimal(9,2)");
    assert_result("identity", "fixed[3]", "fixed[3]");
    assert_result("bucket[4]", "string", "int");
    assert_result("truncate[4]", "decimal(9,2)", "decimal(9,2)");
    assert_result("truncate[4]", "binary", "binary");
    assert_result("year", "timestamp", "int");
    assert_result("month", "date", "int");
    assert_result("day", "timestamptz_ns", "date");
    assert_result("hour", "timestamp", "int");
    assert_result("void", "long", "long");
    assert_result("zorder", "long", "string");
    /* a source missing from the schema: the nominal type */
    assert_result("bucket[4]", NULL, "int");
    assert_result("day", NULL, "date");
    assert_result("identity", NULL, "string");
}

/* ------------------------------------------------------------- vectors */

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

/* A random int64 of a few magnitudes, both signs. */
static int64_t rnd_i64(void)
{
    switch (rnd() % 5) {
    case 0: return (int64_t)(rnd() % 2001) - 1000;
    case 1: return (int64_t)(rnd() % 200000000001ULL) - 100000000000LL;
    case 2: return (int64_t)rnd();
    case 3: return (int64_t)(rnd() % 4000000000000000001ULL) - 2000000000000000000LL;
    default: return (rnd() & 1) ? INT64_MIN + (int64_t)(rnd() % 5) : INT64_MAX - (int64_t)(rnd() % 5);
    }
}

/* Random bytes, UTF-8 code points of 1 to 4 bytes when `utf8`. */
static size_t rnd_bytes(uint8_t *buf, size_t cap, int utf8)
{
    size_t n = rnd() % (cap / 4), len = 0;
    for (size_t i = 0; i < n; i++) {
        if (!utf8) {
            buf[len++] = (uint8_t)rnd();
            continue;
        }
        switch (rnd() % 4) {
        case 0: buf[len++] = (uint8_t)('a' + rnd() % 26); break;
        case 1: memcpy(buf + len, "\xc3\xa9", 2); len += 2; break;
        case 2: memcpy(buf + len, "\xe2\x82\xac", 3); len += 3; break;
        default: memcpy(buf + len, "\xf0\x9f\x98\x80", 4); len += 4; break;
        }
    }
    return len;
}

/* A random vector of `type` with about one null in five (none when !nulls). */
static st_vector *rnd_vector(st_type *type, int64_t n, int nulls)
{
    st_vector *v = NULL;
    uint8_t buf[64];
    st_pass(st_vector_new(&v, type, 0));
    for (int64_t i = 0; i < n; i++) {
        if (nulls && rnd() % 5 == 0) {
            st_pass(st_vector_append_null(v));
            continue;
        }
        switch (type->id) {
        case ST_TYPE_INT: st_pass(st_vector_append_i32(v, (int32_t)rnd_i64())); break;
        case ST_TYPE_DATE:
            st_pass(st_vector_append_i32(v, (int32_t)((int64_t)(rnd() % 2000001) - 1000000)));
            break;
        case ST_TYPE_DECIMAL: {
            st_decimal128 d;
            d.lo = (uint64_t)rnd_i64();
            d.hi = rnd() % 3 == 0 ? (int64_t)rnd() : ((int64_t)d.lo < 0 ? -1 : 0);
            st_pass(st_vector_append_decimal(v, d));
            break;
        }
        case ST_TYPE_STRING:
        case ST_TYPE_BINARY: {
            size_t len = rnd_bytes(buf, sizeof(buf), type->id == ST_TYPE_STRING);
            st_pass(st_vector_append_bytes(v, buf, len));
            break;
        }
        case ST_TYPE_UUID:
        case ST_TYPE_FIXED: {
            size_t w = (size_t)st_type_value_width(type);
            for (size_t k = 0; k < w; k++)
                buf[k] = (uint8_t)rnd();
            st_pass(st_vector_append_bytes(v, buf, w));
            break;
        }
        default: st_pass(st_vector_append_i64(v, rnd_i64())); break;
        }
    }
    return v;
}

/* apply_vector agrees with apply on every row. */
static void assert_vector_agrees(const st_transform *t, const st_vector *in)
{
    st_vector *out = NULL;
    st_type *rt = st_transform_result_type(t, in->type);
    st_pass(st_transform_apply_vector(t, in, &out));
    st_assert_eq_i64(out->length, in->length);
    st_assert(st_type_equals(out->type, rt));
    st_pass(st_vector_validate(out));
    for (int64_t i = 0; i < in->length; i++) {
        st_value a, b, r;
        st_value_from_vector(&a, in, i);
        st_pass(st_transform_apply(t, &a, &r));
        st_value_from_vector(&b, out, i);
        st_assert_msg(r.is_null == b.is_null, "%s row %lld: null %d vs %d", t->text,
                      (long long)i, r.is_null, b.is_null);
        if (r.is_null)
            continue;
        st_assert_msg(r.type == b.type && st_value_compare(&r, &b) == 0,
                      "%s of %s row %lld differs", t->text, st_type_id_name(in->type->id),
                      (long long)i);
        if (r.type == ST_TYPE_DECIMAL)
            st_assert(r.scale == b.scale);
    }
    st_type_free(rt);
    st_vector_free(out);
}

void test_spec_transform__vector_matches_scalar(void)
{
    static const char *const types[] = {"int", "long", "date", "time", "timestamp",
                                        "timestamptz", "timestamp_ns", "timestamptz_ns",
                                        "decimal(38,2)", "string", "binary", "uuid",
                                        "fixed[5]"};
    static const char *const transforms[] = {"identity", "bucket[1]", "bucket[7]",
                                             "bucket[1024]", "truncate[1]", "truncate[3]",
                                             "truncate[10]", "truncate[1000]", "year",
                                             "month", "day", "hour", "void"};
    for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
        st_type *type = sv_type(types[i]);
        for (int nulls = 0; nulls < 2; nulls++) {
            st_vector *in = rnd_vector(type, 1000, nulls);
            for (size_t k = 0; k < sizeof(transforms) / sizeof(transforms[0]); k++) {
                st_transform t = tr(transforms[k]);
                if (st_transform_check_source(&t, type) < 0)
                    continue;
                assert_vector_agrees(&t, in);
            }
            st_vector_free(in);
        }
        st_type_free(type);
    }
}

void test_spec_transform__vector_cases(void)
{
    st_type *lt = st_type_primitive(ST_TYPE_LONG), *dt = st_type_primitive(ST_TYPE_DATE);
    st_vector *in = rnd_vector(lt, 37, 1), *out = NULL, *dates = rnd_vector(dt, 9, 1);
    st_transform t;

    /* identity (and day of a date) hand the input back */
    t = tr("identity");
    st_pass(st_transform_apply_vector(&t, in, &out));
    st_assert(out == in);
    st_vector_free(out);
    t = tr("day");
    st_pass(st_transform_apply_vector(&t, dates, &out));
    st_assert(out == dates);
    st_vector_free(out);
    /* void: every row null, of the source type */
    t = tr("void");
    st_pass(st_transform_apply_vector(&t, in, &out));
    st_assert(out->length == 37 && out->null_count == 37 && out->type->id == ST_TYPE_LONG);
    st_pass(st_vector_validate(out));
    st_vector_free(out);
    /* an all-null input */
    st_vector_free(in);
    st_pass(st_vector_new(&in, lt, 0));
    for (int i = 0; i < 10; i++)
        st_pass(st_vector_append_null(in));
    t = tr("bucket[3]");
    st_pass(st_transform_apply_vector(&t, in, &out));
    st_assert(out->null_count == 10 && out->length == 10);
    st_assert_eq_i64(st_vector_get_i32(out, 4), 0);
    st_pass(st_vector_validate(out));
    st_vector_free(out);
    st_vector_free(in);
    /* an empty input */
    st_pass(st_vector_new(&in, lt, 0));
    st_pass(st_transform_apply_vector(&t, in, &out));
    st_assert(out->length == 0);
    st_vector_free(out);
    /* the wrong type and an unknown transform */
    t = tr("hour");
    st_fail_with(ST_EINVALID, st_transform_apply_vector(&t, dates, &out));
    st_assert(out == NULL);
    st_assert_contains(st_error_last()->message, "hour cannot apply to date");
    t = tr("zorder");
    st_fail_with(ST_EUNSUPPORTED, st_transform_apply_vector(&t, in, &out));
    st_vector_free(in);
    st_vector_free(dates);
}

void test_spec_transform__vector_void_struct(void)
{
    st_type *s = sv_type("struct<a: int, b: string>");
    st_vector *in = NULL, *out = NULL;
    st_transform t = tr("void");
    st_pass(st_vector_new(&in, s, 0));
    st_pass(st_vector_append_i32(in->children[0], 1));
    st_pass(st_vector_append_bytes(in->children[1], "x", 1));
    st_pass(st_vector_append_nested(in));
    st_pass(st_vector_append_null(in));
    st_pass(st_transform_apply_vector(&t, in, &out));
    st_assert(out->length == 2 && out->null_count == 2);
    st_pass(st_vector_validate(out));
    st_vector_free(out);
    st_vector_free(in);
    st_type_free(s);
}

void test_spec_transform__vector_strings(void)
{
    st_vector *in = NULL, *out = NULL;
    st_transform t = tr("truncate[2]");
    static const char *const vals[] = {"iceberg", "\xc3\xa9t\xc3\xa9", "a", "", NULL, "xyz"};
    static const char *const want[] = {"ic", "\xc3\xa9t", "a", "", NULL, "xy"};
    st_pass(st_vector_new(&in, st_type_primitive(ST_TYPE_STRING), 0));
    for (int i = 0; i < 6; i++)
        st_pass(vals[i] ? st_vector_append_bytes(in, vals[i], strlen(vals[i]))
                        : st_vector_append_null(in));
    st_pass(st_transform_apply_vector(&t, in, &out));
    st_pass(st_vector_validate(out));
    for (int i = 0; i < 6; i++) {
        size_t len;
        const uint8_t *p;
        if (!want[i]) {
            st_assert(!st_vector_is_valid(out, i));
            continue;
        }
        p = st_vector_get_bytes(out, i, &len);
        st_assert(len == strlen(want[i]) && memcmp(p, want[i], len) == 0);
    }
    st_vector_free(out);
    st_vector_free(in);
}

void test_spec_transform__vector_alloc_failures(void)
{
    st_type *st = st_type_primitive(ST_TYPE_STRING);
    st_vector *in = rnd_vector(st, 100, 1);
    static const char *const ts[] = {"truncate[3]", "bucket[5]", "void"};
    for (size_t k = 0; k < 3; k++) {
        st_transform t = tr(ts[k]);
        long n, done;
        for (n = 0;; n++) {
            st_vector *out = NULL;
            int rc;
            st_alloc_fail_after(n);
            rc = st_transform_apply_vector(&t, in, &out);
            done = st_alloc_fail_after(-1);
            if (rc == 0) {
                st_vector_free(out);
                if (done <= n)
                    break;
                continue;
            }
            st_assert_msg(rc == ST_ENOMEM, "failing allocation %ld gave %d", n, rc);
            st_assert(out == NULL);
        }
    }
    st_vector_free(in);
}

/* ------------------------------------------------------------- fixture */

/*
 * Spark wrote icebird-spark-rename-column with spec [bucket[4](id),
 * identity(date)] into Hive-style directories: every row's transformed
 * values must name its file's directory, and the bucket results serialize
 * to the manifest list's summary bounds (00000000 .. 03000000).
 */
void test_spec_transform__spark_fixture_partitions(void)
{
    static const struct {
        const char *file;
        int32_t bucket;
        const char *date;
    } files[] = {
        {"id_bucket=0/date=2022-01-01/00000-20-b65939d1-96e1-4d30-a733-aa5264a479aa-00001.parquet",
         0, "2022-01-01"},
        {"id_bucket=2/date=2022-01-02/00000-20-b65939d1-96e1-4d30-a733-aa5264a479aa-00003.parquet",
         2, "2022-01-02"},
        {"id_bucket=3/date=null/00000-20-b65939d1-96e1-4d30-a733-aa5264a479aa-00002.parquet", 3,
         "null"},
    };
    st_transform bucket = tr("bucket[4]"), ident = tr("identity");
    int64_t rows = 0;
    for (size_t f = 0; f < sizeof(files) / sizeof(files[0]); f++) {
        char rel[256];
        st_parquet_reader *r = NULL;
        st_batch *b = NULL;
        st_vector *ids = NULL, *dates = NULL;
        snprintf(rel, sizeof(rel), "iceberg-fixtures/icebird-spark-rename-column/data/%s",
                 files[f].file);
        st_pass(st_parquet_reader_open(&r, st_test_resource(rel), NULL));
        st_pass(st_parquet_reader_read_row_group(&b, r, 0));
        st_assert(b->n_columns == 5 && b->columns[0]->type->id == ST_TYPE_INT &&
                  b->columns[2]->type->id == ST_TYPE_DATE);
        st_pass(st_transform_apply_vector(&bucket, b->columns[0], &ids));
        st_pass(st_transform_apply_vector(&ident, b->columns[2], &dates));
        for (int64_t i = 0; i < b->length; i++) {
            st_value v, part;
            st_buf text = ST_BUF_INIT, bytes = ST_BUF_INIT;
            st_value_from_vector(&v, ids, i);
            st_assert_eq_i64(v.v.i32, files[f].bucket);
            st_pass(st_value_to_bytes(&bytes, &v));
            st_assert(bytes.len == 4 && bytes.ptr[0] == (uint8_t)files[f].bucket);
            st_value_from_vector(&v, dates, i);
            st_pass(st_value_to_text(&text, &v));
            st_assert_eq_str(st_buf_cstr(&text), files[f].date);
            /* the scalar form agrees */
            st_value_from_vector(&v, b->columns[0], i);
            st_pass(st_transform_apply(&bucket, &v, &part));
            st_assert_eq_i64(part.v.i32, files[f].bucket);
            st_buf_dispose(&text);
            st_buf_dispose(&bytes);
        }
        rows += b->length;
        st_vector_free(ids);
        st_vector_free(dates);
        st_batch_free(b);
        st_parquet_reader_free(r);
    }
    st_assert_eq_i64(rows, 4);
}
