/* SPDX-License-Identifier: Apache-2.0 */
/* Tests for vectors: appends and getters of every type, nulls, growth, nesting,
 * reset, validate and equals with its diff messages; batches. */
#include "st_test.h"

#include <math.h>

#include <supertable/errors.h>
#include <supertable/types.h>
#include <supertable/vector.h>
#include <supertable/sys/alloc.h>

static st_vector *new_vec(st_type *t, int64_t cap)
{
    st_vector *v = NULL;
    st_pass(st_vector_new(&v, t, cap));
    return v;
}

static st_type *parse_type1(const char *text)
{
    st_type *s = NULL, *t;
    st_pass(st_schema_parse(&s, text));
    t = st_type_ref(s->fields[0].type);
    st_type_free(s);
    return t;
}

static void assert_equal(const st_vector *a, const st_vector *b)
{
    char *diff = NULL;
    int eq = st_vector_equals(a, b, &diff);
    if (!eq) {
        char msg[512];
        snprintf(msg, sizeof(msg), "%s", diff ? diff : "(no diff)");
        st_free(diff);
        st_assert_msg(0, "vectors differ: %s", msg);
    }
    st_assert(diff == NULL);
}

static void assert_diff(const st_vector *a, const st_vector *b, const char *expected)
{
    char *diff = NULL;
    st_assert(!st_vector_equals(a, b, &diff));
    st_assert(diff != NULL);
    if (strcmp(diff, expected) != 0) {
        char msg[512];
        snprintf(msg, sizeof(msg), "%s", diff);
        st_free(diff);
        st_assert_msg(0, "diff \"%s\", expected \"%s\"", msg, expected);
    }
    st_free(diff);
}

void test_columnar_vector__append_ints_and_nulls(void)
{
    st_vector *v = new_vec(st_type_primitive(ST_TYPE_INT), 0);
    st_assert(v->validity == NULL);
    st_pass(st_vector_append_null(v)); /* null at the start */
    st_assert(v->validity != NULL);
    for (int i = 1; i < 10; i++)
        st_pass(st_vector_append_i32(v, i * 10));
    st_pass(st_vector_append_null(v)); /* null in the middle */
    st_pass(st_vector_append_i32(v, -7));
    st_pass(st_vector_append_null(v)); /* null at the end */
    st_assert_eq_i64(v->length, 13);
    st_assert_eq_i64(v->null_count, 3);
    st_assert(!st_vector_is_valid(v, 0));
    st_assert(st_vector_is_valid(v, 1));
    st_assert_eq_i64(st_vector_get_i32(v, 9), 90);
    st_assert(!st_vector_is_valid(v, 10));
    st_assert_eq_i64(st_vector_get_i32(v, 11), -7);
    st_assert(!st_vector_is_valid(v, 12));
    st_assert_eq_i64(st_vector_get_i32(v, 10), 0); /* null slots are zeroed */
    /* Tail bits past length stay zero. */
    st_assert_eq_i64(v->validity[1] >> 5, 0);
    st_pass(st_vector_validate(v));
    st_vector_free(v);
}

void test_columnar_vector__lazy_validity_marks_previous_rows(void)
{
    st_vector *v = new_vec(st_type_primitive(ST_TYPE_LONG), 4);
    for (int i = 0; i < 11; i++)
        st_pass(st_vector_append_i64(v, (int64_t)i << 40));
    st_assert(v->validity == NULL);
    st_pass(st_vector_append_null(v));
    st_assert_eq_u64(v->validity[0], 0xff);
    st_assert_eq_u64(v->validity[1], 0x07);
    for (int i = 0; i < 11; i++)
        st_assert_eq_i64(st_vector_get_i64(v, i), (int64_t)i << 40);
    st_pass(st_vector_validate(v));
    st_vector_free(v);

    v = new_vec(st_type_primitive(ST_TYPE_INT), 100);
    st_pass(st_vector_append_i32(v, 1));
    st_pass(st_vector_ensure_validity(v));
    st_assert_eq_u64(v->validity[0], 0x01);
    for (int i = 1; i < 13; i++)
        st_assert_eq_u64(v->validity[i], 0);
    st_vector_free(v);
}

void test_columnar_vector__growth_past_capacity(void)
{
    st_vector *v = new_vec(st_type_primitive(ST_TYPE_DOUBLE), 1);
    for (int i = 0; i < 10000; i++) {
        if (i % 7 == 3)
            st_pass(st_vector_append_null(v));
        else
            st_pass(st_vector_append_f64(v, i * 0.5));
    }
    st_assert(v->capacity_ >= 10000);
    st_assert_eq_i64(v->length, 10000);
    st_assert_eq_i64(v->null_count, 1429);
    for (int i = 0; i < 10000; i++) {
        st_assert_eq_i64(st_vector_is_valid(v, i), i % 7 != 3);
        if (i % 7 != 3)
            st_assert_eq_dbl(st_vector_get_f64(v, i), i * 0.5);
    }
    st_pass(st_vector_validate(v));
    st_pass(st_vector_reserve(v, 50000));
    st_assert(v->capacity_ >= 50000);
    st_fail_with(ST_EINVALID, st_vector_reserve(v, -1));
    st_vector_free(v);
}

void test_columnar_vector__append_every_primitive(void)
{
    st_type *dec, *fix;
    st_vector *b, *f, *d, *dt, *ts, *u, *fx, *bin, *dc;
    static const uint8_t uuid[16] = {0x12, 0x3e, 0x45, 0x67, 0xe8, 0x9b, 0x12, 0xd3,
                                     0xa4, 0x56, 0x42, 0x66, 0x14, 0x17, 0x40, 0x00};
    st_decimal128 x = {12345, 0}, neg = {(uint64_t)-5, -1};
    const uint8_t *p;
    size_t n;

    b = new_vec(st_type_primitive(ST_TYPE_BOOLEAN), 0);
    for (int i = 0; i < 20; i++)
        st_pass(i == 5 ? st_vector_append_null(b) : st_vector_append_bool(b, i % 3 == 0));
    for (int i = 0; i < 20; i++)
        if (i != 5)
            st_assert_eq_i64(st_vector_get_bool(b, i), i % 3 == 0);
    st_assert_eq_i64(st_vector_get_bool(b, 5), 0);

    f = new_vec(st_type_primitive(ST_TYPE_FLOAT), 0);
    st_pass(st_vector_append_f32(f, 1.5f));
    st_pass(st_vector_append_f32(f, -0.0f));
    st_assert_eq_dbl(st_vector_get_f32(f, 0), 1.5);

    d = new_vec(st_type_primitive(ST_TYPE_DATE), 0);
    st_pass(st_vector_append_i32(d, 19000));
    st_assert_eq_i64(st_vector_get_i32(d, 0), 19000);

    dt = new_vec(st_type_primitive(ST_TYPE_TIME), 0);
    st_pass(st_vector_append_i64(dt, 3600LL * 1000000));
    ts = new_vec(st_type_primitive(ST_TYPE_TIMESTAMPTZ_NS), 0);
    st_pass(st_vector_append_i64(ts, INT64_MIN));
    st_assert_eq_i64(st_vector_get_i64(ts, 0), INT64_MIN);

    u = new_vec(st_type_primitive(ST_TYPE_UUID), 0);
    st_pass(st_vector_append_bytes(u, uuid, 16));
    st_fail_with(ST_EINVALID, st_vector_append_bytes(u, uuid, 15));
    p = st_vector_get_bytes(u, 0, &n);
    st_assert_eq_i64(n, 16);
    st_assert_eq_mem(p, uuid, 16);

    st_pass(st_type_fixed_new(&fix, 3));
    fx = new_vec(fix, 0);
    st_pass(st_vector_append_bytes(fx, "abc", 3));
    st_pass(st_vector_append_null(fx));
    st_pass(st_vector_append_bytes(fx, "xyz", 3));
    p = st_vector_get_bytes(fx, 2, &n);
    st_assert_eq_i64(n, 3);
    st_assert_eq_mem(p, "xyz", 3);

    bin = new_vec(st_type_primitive(ST_TYPE_BINARY), 0);
    st_pass(st_vector_append_bytes(bin, "\0\1\2", 3));
    st_pass(st_vector_append_bytes(bin, NULL, 0));
    p = st_vector_get_bytes(bin, 0, &n);
    st_assert_eq_i64(n, 3);
    st_assert_eq_mem(p, "\0\1\2", 3);
    st_vector_get_bytes(bin, 1, &n);
    st_assert_eq_i64(n, 0);

    st_pass(st_type_decimal_new(&dec, 10, 2));
    dc = new_vec(dec, 0);
    st_pass(st_vector_append_decimal(dc, x));
    st_pass(st_vector_append_decimal(dc, neg));
    st_assert_eq_u64(st_vector_get_decimal(dc, 0).lo, 12345);
    st_assert_eq_i64(st_vector_get_decimal(dc, 1).hi, -1);
    st_assert_eq_i64((int64_t)st_vector_get_decimal(dc, 1).lo, -5);

    st_vector *all[] = {b, f, d, dt, ts, u, fx, bin, dc};
    for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
        st_pass(st_vector_validate(all[i]));
        st_vector_free(all[i]);
    }
    st_type_free(dec);
    st_type_free(fix);
}

void test_columnar_vector__append_strings(void)
{
    st_vector *v = new_vec(st_type_primitive(ST_TYPE_STRING), 0);
    char buf[32];
    const uint8_t *p;
    size_t n;
    const int32_t *o = (const int32_t *)(const void *)v->values;

    st_assert(v->values != NULL);
    st_assert_eq_i64(o[0], 0); /* offsets[0] exists before the first row */
    for (int i = 0; i < 1000; i++) {
        if (i % 10 == 9) {
            st_pass(st_vector_append_null(v));
            continue;
        }
        snprintf(buf, sizeof(buf), "value-%d", i);
        st_pass(st_vector_append_bytes(v, buf, strlen(buf)));
    }
    st_assert_eq_i64(v->null_count, 100);
    p = st_vector_get_bytes(v, 123, &n);
    st_assert_eq_i64(n, 9);
    st_assert_eq_mem(p, "value-123", 9);
    st_vector_get_bytes(v, 9, &n);
    st_assert_eq_i64(n, 0);
    o = (const int32_t *)(const void *)v->values;
    st_assert_eq_i64(o[1000], v->data_len);
    st_pass(st_vector_validate(v));
    st_fail_with(ST_EINVALID, st_vector_append_i32(v, 1));
    st_assert_contains(st_error_last()->message, "string vector");
    st_pass(st_vector_reserve_data(v, 1 << 20));
    st_assert(v->data_cap_ >= 1 << 20);
    st_fail_with(ST_EINVALID, st_vector_reserve_data(v, (int64_t)INT32_MAX + 1));
    st_vector_free(v);
}

void test_columnar_vector__wrong_type_appends(void)
{
    st_vector *v = new_vec(st_type_primitive(ST_TYPE_INT), 0);
    st_fail_with(ST_EINVALID, st_vector_append_i64(v, 1));
    st_fail_with(ST_EINVALID, st_vector_append_bool(v, 1));
    st_fail_with(ST_EINVALID, st_vector_append_f32(v, 1));
    st_fail_with(ST_EINVALID, st_vector_append_f64(v, 1));
    st_fail_with(ST_EINVALID, st_vector_append_bytes(v, "a", 1));
    st_fail_with(ST_EINVALID, st_vector_append_nested(v));
    st_fail_with(ST_EINVALID, st_vector_append_decimal(v, (st_decimal128){0, 0}));
    st_fail_with(ST_EINVALID, st_vector_reserve_data(v, 10));
    st_assert_eq_i64(v->length, 0);
    st_vector_free(v);
}

/* list<struct<a: int, b: list<string>>>: [[{1,[x,y]},{null,null}], null, [], [{3,[]}]] */
static void fill_nested(st_vector *v)
{
    st_vector *s = v->children[0];
    st_vector *a = s->children[0], *b = s->children[1], *bs = b->children[0];
    st_pass(st_vector_append_i32(a, 1));
    st_pass(st_vector_append_bytes(bs, "x", 1));
    st_pass(st_vector_append_bytes(bs, "y", 1));
    st_pass(st_vector_append_nested(b));
    st_pass(st_vector_append_nested(s));
    st_pass(st_vector_append_null(s)); /* a null struct nulls its fields too */
    st_pass(st_vector_append_nested(v));
    st_pass(st_vector_append_null(v));
    st_pass(st_vector_append_nested(v));
    st_pass(st_vector_append_i32(a, 3));
    st_pass(st_vector_append_nested(b));
    st_pass(st_vector_append_nested(s));
    st_pass(st_vector_append_nested(v));
}

static st_vector *build_nested(st_type *t)
{
    st_vector *v = new_vec(t, 0);
    fill_nested(v);
    return v;
}

void test_columnar_vector__nested_list_of_struct(void)
{
    st_type *t = parse_type1("c list<struct<a: int, b: list<string>>>");
    st_vector *v = build_nested(t), *s = v->children[0];
    int64_t lo, hi;
    size_t n;
    const uint8_t *p;

    st_assert_eq_i64(v->length, 4);
    st_assert_eq_i64(v->null_count, 1);
    st_assert_eq_i64(s->length, 3);
    st_assert_eq_i64(s->children[0]->length, 3);
    st_assert_eq_i64(s->children[1]->length, 3);
    st_assert_eq_i64(s->children[0]->null_count, 1);
    st_vector_get_range(v, 0, &lo, &hi);
    st_assert(lo == 0 && hi == 2);
    st_vector_get_range(v, 1, &lo, &hi);
    st_assert(lo == 2 && hi == 2);
    st_vector_get_range(v, 3, &lo, &hi);
    st_assert(lo == 2 && hi == 3);
    st_vector_get_range(s->children[1], 0, &lo, &hi);
    st_assert(lo == 0 && hi == 2);
    p = st_vector_get_bytes(s->children[1]->children[0], 1, &n);
    st_assert(n == 1 && p[0] == 'y');
    st_assert(!st_vector_is_valid(s, 1));
    st_assert(!st_vector_is_valid(s->children[1], 1));
    st_pass(st_vector_validate(v));
    st_vector_free(v);
    st_type_free(t);
}

void test_columnar_vector__nested_map_of_lists(void)
{
    st_type *t = parse_type1("m map<string, list<int>>");
    st_vector *v = new_vec(t, 2), *k = v->children[0], *val = v->children[1];
    int64_t lo, hi;
    /* {"a": [1, 2], "b": null}, null, {} */
    st_pass(st_vector_append_bytes(k, "a", 1));
    st_pass(st_vector_append_i32(val->children[0], 1));
    st_pass(st_vector_append_i32(val->children[0], 2));
    st_pass(st_vector_append_nested(val));
    st_pass(st_vector_append_bytes(k, "b", 1));
    st_pass(st_vector_append_null(val));
    st_pass(st_vector_append_nested(v));
    st_pass(st_vector_append_null(v));
    st_pass(st_vector_append_nested(v));
    st_assert_eq_i64(v->length, 3);
    st_vector_get_range(v, 0, &lo, &hi);
    st_assert(lo == 0 && hi == 2);
    st_vector_get_range(v, 2, &lo, &hi);
    st_assert(lo == 2 && hi == 2);
    st_pass(st_vector_validate(v));
    /* Keys and values must pair up. */
    st_pass(st_vector_append_bytes(k, "c", 1));
    st_fail_with(ST_EINVALID, st_vector_append_nested(v));
    st_assert_contains(st_error_last()->message, "3 keys but 2 values");
    st_assert_eq_i64(v->length, 3);
    st_vector_free(v);
    st_type_free(t);
}

void test_columnar_vector__struct_rows_must_line_up(void)
{
    st_type *t = parse_type1("s struct<a: int, b: string>");
    st_vector *v = new_vec(t, 0);
    st_pass(st_vector_append_i32(v->children[0], 1));
    st_fail_with(ST_EINVALID, st_vector_append_nested(v));
    st_assert_contains(st_error_last()->message, "'b' has 0 rows, expected 1");
    st_pass(st_vector_append_bytes(v->children[1], "x", 1));
    st_pass(st_vector_append_nested(v));
    st_pass(st_vector_validate(v));
    st_vector_free(v);
    st_type_free(t);
}

void test_columnar_vector__reset_keeps_buffers(void)
{
    st_type *t = parse_type1("c list<struct<a: int, b: list<string>>>");
    st_vector *v = build_nested(t), *fresh = build_nested(t), *s = v->children[0], *e;
    uint8_t *values = v->values, *validity = v->validity;
    st_vector_reset(v);
    st_assert_eq_i64(v->length, 0);
    st_assert_eq_i64(v->null_count, 0);
    st_assert_eq_i64(s->length, 0);
    st_assert_eq_i64(s->null_count, 0);
    e = s->children[1]->children[0];
    st_assert_eq_i64(e->length, 0);
    st_assert_eq_i64(e->data_len, 0);
    st_assert(v->values == values && v->validity == validity);
    st_assert_eq_u64(v->validity[0], 0);
    st_pass(st_vector_validate(v));
    /* Refilling the reset vector gives what a fresh build gives. */
    fill_nested(v);
    st_assert(v->values == values);
    assert_equal(v, fresh);
    st_pass(st_vector_validate(v));
    st_vector_free(v);
    st_vector_free(fresh);
    st_type_free(t);
}

void test_columnar_vector__validate_catches_corruption(void)
{
    st_type *t = parse_type1("c list<string>");
    st_vector *v = new_vec(t, 4), *e = v->children[0];
    int32_t *o, saved;
    st_pass(st_vector_append_bytes(e, "ab", 2));
    st_pass(st_vector_append_bytes(e, "c", 1));
    st_pass(st_vector_append_nested(v));
    st_pass(st_vector_append_bytes(e, "d", 1));
    st_pass(st_vector_append_nested(v));
    st_pass(st_vector_validate(v));

    o = (int32_t *)(void *)v->values;
    saved = o[1];
    o[1] = 3; /* row 0 ends after row 1 */
    o[2] = 2;
    st_fail_with(ST_ECORRUPT, st_vector_validate(v));
    st_assert_contains(st_error_last()->message, "offsets decrease at row 1 (3 > 2)");
    o[2] = 3;
    o[1] = saved;
    o[2] = 9;
    st_fail_with(ST_ECORRUPT, st_vector_validate(v));
    st_assert_contains(st_error_last()->message, "last offset 9 exceeds the 3 child rows");
    o[2] = 3;

    o = (int32_t *)(void *)e->values;
    o[3] = 100;
    st_fail_with(ST_ECORRUPT, st_vector_validate(v));
    st_assert_contains(st_error_last()->message, "vector.element");
    st_assert_contains(st_error_last()->message, "exceeds the 4 data bytes");
    o[3] = 4;
    o[0] = 1;
    st_fail_with(ST_ECORRUPT, st_vector_validate(v));
    st_assert_contains(st_error_last()->message, "offsets[0] is 1");
    o[0] = 0;

    v->null_count = 1;
    st_fail_with(ST_ECORRUPT, st_vector_validate(v));
    st_assert_contains(st_error_last()->message, "no validity bitmap");
    v->null_count = 0;
    st_pass(st_vector_ensure_validity(v));
    v->validity[0] = 0x1;
    st_fail_with(ST_ECORRUPT, st_vector_validate(v));
    st_assert_contains(st_error_last()->message, "the validity bitmap has 1 nulls");
    v->validity[0] = 0x3;
    st_pass(st_vector_validate(v));
    st_vector_free(v);
    st_type_free(t);

    t = parse_type1("s struct<a: int, b: int>");
    v = new_vec(t, 0);
    st_pass(st_vector_append_i32(v->children[0], 1));
    st_pass(st_vector_append_i32(v->children[1], 1));
    st_pass(st_vector_append_nested(v));
    v->children[1]->length = 0;
    st_fail_with(ST_ECORRUPT, st_vector_validate(v));
    st_assert_contains(st_error_last()->message, "vector.b: length 0 differs");
    v->children[1]->length = 1;
    st_vector_free(v);
    st_type_free(t);
}

void test_columnar_vector__equals_and_diffs(void)
{
    st_vector *a = new_vec(st_type_primitive(ST_TYPE_INT), 0);
    st_vector *b = new_vec(st_type_primitive(ST_TYPE_INT), 0);
    st_vector *c = new_vec(st_type_primitive(ST_TYPE_LONG), 0);
    for (int i = 0; i < 5; i++) {
        st_pass(st_vector_append_i32(a, i + 2));
        st_pass(st_vector_append_i32(b, i == 3 ? 6 : i + 2));
    }
    assert_equal(a, a);
    assert_diff(a, b, "row 3: 5 != 6");
    assert_diff(a, c, "types differ: int != long");
    st_pass(st_vector_append_i32(b, 1));
    assert_diff(a, b, "length 5 != 6");
    st_pass(st_vector_append_null(a));
    assert_diff(a, b, "row 3: 5 != 6");
    st_assert(!st_vector_equals(a, b, NULL));
    st_vector_free(a);
    st_vector_free(b);
    st_vector_free(c);

    /* Floats: NaN equals NaN, otherwise bit patterns (so -0 != 0). */
    a = new_vec(st_type_primitive(ST_TYPE_DOUBLE), 0);
    b = new_vec(st_type_primitive(ST_TYPE_DOUBLE), 0);
    st_pass(st_vector_append_f64(a, NAN));
    st_pass(st_vector_append_f64(b, -NAN));
    assert_equal(a, b);
    st_pass(st_vector_append_f64(a, 0.0));
    st_pass(st_vector_append_f64(b, -0.0));
    assert_diff(a, b, "row 1: 0 != -0");
    st_vector_free(a);
    st_vector_free(b);

    /* A null against a value, and values behind nulls are ignored. */
    a = new_vec(st_type_primitive(ST_TYPE_STRING), 0);
    b = new_vec(st_type_primitive(ST_TYPE_STRING), 0);
    st_pass(st_vector_append_null(a));
    st_pass(st_vector_append_null(b));
    st_pass(st_vector_append_bytes(a, "q\"\n", 3));
    st_pass(st_vector_append_null(b));
    assert_diff(a, b, "row 1: \"q\\\"\\x0a\" != null");
    st_vector_free(a);
    st_vector_free(b);
}

void test_columnar_vector__nested_diff_paths(void)
{
    st_type *t = parse_type1("r struct<id: int, tags: list<string>, m: map<string, int>>");
    st_vector *a = new_vec(t, 0), *b = new_vec(t, 0);
    for (int pass = 0; pass < 2; pass++) {
        st_vector *v = pass ? b : a;
        for (int row = 0; row < 3; row++) {
            st_vector *tags = v->children[1], *m = v->children[2];
            st_pass(st_vector_append_i32(v->children[0], row));
            st_pass(st_vector_append_bytes(tags->children[0], "x", 1));
            if (row == 2)
                st_pass(st_vector_append_bytes(tags->children[0], pass ? "b" : "a", 1));
            st_pass(st_vector_append_nested(tags));
            st_pass(st_vector_append_bytes(m->children[0], "k", 1));
            st_pass(st_vector_append_i32(m->children[1], row == 1 && pass ? 8 : 7));
            st_pass(st_vector_append_nested(m));
            st_pass(st_vector_append_nested(v));
        }
    }
    assert_diff(a, b, "row 1.m[0].value: 7 != 8");
    ((int32_t *)(void *)b->children[2]->children[1]->values)[1] = 7;
    assert_diff(a, b, "row 2.tags[1]: \"a\" != \"b\"");
    st_vector_free(b);
    b = new_vec(t, 0);
    for (int row = 0; row < 3; row++) {
        st_pass(st_vector_append_i32(b->children[0], row));
        st_pass(st_vector_append_nested(b->children[1]));
        st_pass(st_vector_append_nested(b->children[2]));
        st_pass(st_vector_append_nested(b));
    }
    assert_diff(a, b, "row 0.tags: 1 elements != 0 elements");
    st_vector_free(a);
    st_vector_free(b);
    st_type_free(t);
}

void test_columnar_vector__other_value_renderings(void)
{
    st_type *dec;
    st_vector *a, *b;
    static const uint8_t u1[16] = {1}, u2[16] = {2};
    st_pass(st_type_decimal_new(&dec, 10, 2));
    a = new_vec(dec, 0);
    b = new_vec(dec, 0);
    st_pass(st_vector_append_decimal(a, (st_decimal128){1230, 0}));
    st_pass(st_vector_append_decimal(b, (st_decimal128){(uint64_t)-1230, -1}));
    assert_diff(a, b, "row 0: 12.30 != -12.30");
    st_vector_free(a);
    st_vector_free(b);
    st_type_free(dec);
    a = new_vec(st_type_primitive(ST_TYPE_UUID), 0);
    b = new_vec(st_type_primitive(ST_TYPE_UUID), 0);
    st_pass(st_vector_append_bytes(a, u1, 16));
    st_pass(st_vector_append_bytes(b, u2, 16));
    assert_diff(a, b, "row 0: 01000000-0000-0000-0000-000000000000 != "
                      "02000000-0000-0000-0000-000000000000");
    st_vector_free(a);
    st_vector_free(b);
    a = new_vec(st_type_primitive(ST_TYPE_BINARY), 0);
    b = new_vec(st_type_primitive(ST_TYPE_BINARY), 0);
    st_pass(st_vector_append_bytes(a, "\x01\xff", 2));
    st_pass(st_vector_append_bytes(b, "\x01", 1));
    assert_diff(a, b, "row 0: x'01ff' != x'01'");
    st_vector_free(a);
    st_vector_free(b);
    a = new_vec(st_type_primitive(ST_TYPE_BOOLEAN), 0);
    b = new_vec(st_type_primitive(ST_TYPE_BOOLEAN), 0);
    st_pass(st_vector_append_bool(a, 1));
    st_pass(st_vector_append_bool(b, 0));
    assert_diff(a, b, "row 0: true != false");
    st_vector_free(a);
    st_vector_free(b);
}

void test_columnar_vector__refcount(void)
{
    st_vector *v = new_vec(st_type_primitive(ST_TYPE_INT), 0);
    st_assert(st_vector_ref(v) == v);
    st_assert_eq_i64(v->refs_, 2);
    st_vector_free(v);
    st_pass(st_vector_append_i32(v, 1));
    st_vector_free(v);
    st_vector_free(NULL);
    st_fail_with(ST_EINVALID, st_vector_new(&v, NULL, 0));
    st_fail_with(ST_EINVALID, st_vector_new(&v, st_type_primitive(ST_TYPE_INT), -1));
}

void test_columnar_vector__alloc_failures(void)
{
    st_type *t = parse_type1("c list<struct<a: int, b: list<string>>>");
    for (long n = 0;; n++) {
        st_vector *v = NULL;
        int rc;
        st_alloc_fail_after(n);
        rc = st_vector_new(&v, t, 0);
        for (int row = 0; rc == 0 && row < 20; row++) {
            st_vector *s = v->children[0];
            if (row % 5 == 4) {
                rc = st_vector_append_null(row % 2 ? v : s);
                if (rc == 0 && !(row % 2))
                    rc = st_vector_append_nested(v);
                continue;
            }
            if ((rc = st_vector_append_i32(s->children[0], row)) == 0 &&
                (rc = st_vector_append_bytes(s->children[1]->children[0], "str", 3)) == 0 &&
                (rc = st_vector_append_nested(s->children[1])) == 0 &&
                (rc = st_vector_append_nested(s)) == 0)
                rc = st_vector_append_nested(v);
        }
        st_alloc_fail_after(-1);
        st_vector_free(v);
        if (rc == 0)
            break;
        st_assert_eq_i64(rc, ST_ENOMEM);
        st_assert(n < 1000);
    }
    st_type_free(t);
}
