/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Tests for take (every type, nested ones included, against a row-by-row
 * copy), batch take, bad indices, allocation failures, and the stable row
 * sort: directions, null placement, Iceberg's float order, several keys,
 * stability, and random batches checked pairwise.
 */
#include "st_test.h"

#include <math.h>

#include <supertable/errors.h>
#include <supertable/sys/alloc.h>
#include <supertable/vector.h>

#include "columnar/columnar_int.h"

static uint64_t rng = 0x2545f4914f6cdd1dULL;

static uint64_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static st_type *schema(const char *text)
{
    st_type *s = NULL;
    st_pass(st_schema_parse(&s, text));
    return s;
}

/* Appends one random row (null about once in six) to v, recursively. */
static void append_random(st_vector *v, int depth)
{
    const st_type *t = v->type;
    uint8_t buf[32];
    if (rnd() % 6 == 0) {
        st_pass(st_vector_append_null(v));
        return;
    }
    switch (t->id) {
    case ST_TYPE_BOOLEAN: st_pass(st_vector_append_bool(v, (int)(rnd() & 1))); break;
    case ST_TYPE_INT:
    case ST_TYPE_DATE: st_pass(st_vector_append_i32(v, (int32_t)(rnd() % 21) - 10)); break;
    case ST_TYPE_FLOAT: st_pass(st_vector_append_f32(v, (float)((int)(rnd() % 9) - 4) / 2)); break;
    case ST_TYPE_DOUBLE: {
        static const double specials[] = {0.0, -0.0, NAN, INFINITY, -INFINITY, 1.5, -2.5};
        st_pass(st_vector_append_f64(v, specials[rnd() % 7]));
        break;
    }
    case ST_TYPE_DECIMAL: {
        st_decimal128 d;
        d.lo = rnd();
        d.hi = (int64_t)(rnd() % 5) - 2;
        st_pass(st_vector_append_decimal(v, d));
        break;
    }
    case ST_TYPE_STRING:
    case ST_TYPE_BINARY: {
        size_t n = rnd() % 6;
        for (size_t i = 0; i < n; i++)
            buf[i] = (uint8_t)(t->id == ST_TYPE_STRING ? 'a' + rnd() % 3 : rnd());
        st_pass(st_vector_append_bytes(v, buf, n));
        break;
    }
    case ST_TYPE_UUID:
    case ST_TYPE_FIXED: {
        size_t w = (size_t)st_type_value_width(t);
        for (size_t i = 0; i < w; i++)
            buf[i] = (uint8_t)(rnd() % 3);
        st_pass(st_vector_append_bytes(v, buf, w));
        break;
    }
    case ST_TYPE_STRUCT:
        for (int c = 0; c < v->n_children; c++)
            append_random(v->children[c], depth + 1);
        st_pass(st_vector_append_nested(v));
        break;
    case ST_TYPE_LIST:
    case ST_TYPE_MAP: {
        int n = depth > 3 ? 0 : (int)(rnd() % 4);
        for (int i = 0; i < n; i++) {
            if (t->id == ST_TYPE_MAP) {
                /* keys are required */
                int k = (int)(rnd() % 100);
                size_t len = (size_t)snprintf((char *)buf, sizeof(buf), "k%d", k);
                st_pass(st_vector_append_bytes(v->children[0], buf, len));
                append_random(v->children[1], depth + 1);
            } else {
                append_random(v->children[0], depth + 1);
            }
        }
        st_pass(st_vector_append_nested(v));
        break;
    }
    default: st_pass(st_vector_append_i64(v, (int64_t)(rnd() % 2001) - 1000)); break;
    }
}

#define ALL_TYPES                                                                            \
    "b boolean, i int, l long, f float, d double, m decimal(38,3), dt date, t time, "        \
    "ts timestamp, tz timestamptz, tn timestamp_ns, tzn timestamptz_ns, s string, "          \
    "x binary, u uuid, fx fixed[3], st struct<a: int, b: list<string>, c: struct<z: long>>, " \
    "l2 list<int>, mp map<string, struct<q: double>>, ll list<list<int>>, e struct<>"

static st_batch *random_batch(st_type *s, int64_t rows)
{
    st_batch *b = NULL;
    st_pass(st_batch_new(&b, s, 0));
    for (int64_t r = 0; r < rows; r++)
        for (int c = 0; c < b->n_columns; c++)
            append_random(b->columns[c], 0);
    st_pass(st_batch_seal(b));
    return b;
}

static void assert_equal(const st_vector *a, const st_vector *b)
{
    char *diff = NULL;
    if (!st_vector_equals(a, b, &diff)) {
        char msg[512];
        snprintf(msg, sizeof(msg), "%s", diff ? diff : "?");
        st_free(diff);
        st_assert_msg(0, "vectors differ: %s", msg);
    }
}

/* take(v, idx) equals appending rows idx[0..n) one by one. */
static void check_take(const st_vector *v, const int64_t *idx, int64_t n)
{
    st_vector *got = NULL, *want = NULL;
    st_pass(st_vector_take(&got, v, idx, n));
    st_pass(st_vector_validate(got));
    st_assert_eq_i64(got->length, n);
    st_pass(st_vector_new(&want, v->type, 0));
    for (int64_t i = 0; i < n; i++)
        st_pass(st_col_vector_append_from(want, v, idx[i]));
    assert_equal(got, want);
    st_vector_free(got);
    st_vector_free(want);
}

void test_columnar_take__every_type(void)
{
    st_type *s = schema(ALL_TYPES);
    st_batch *b = random_batch(s, 300);
    int64_t idx[600];
    for (int c = 0; c < b->n_columns; c++) {
        const st_vector *v = b->columns[c];
        int64_t n;
        /* identity, reversed, random with repeats, empty, one row */
        for (int64_t i = 0; i < 300; i++)
            idx[i] = i;
        check_take(v, idx, 300);
        for (int64_t i = 0; i < 300; i++)
            idx[i] = 299 - i;
        check_take(v, idx, 300);
        n = 600;
        for (int64_t i = 0; i < n; i++)
            idx[i] = (int64_t)(rnd() % 300);
        check_take(v, idx, n);
        check_take(v, idx, 0);
        check_take(v, NULL, 0);
        idx[0] = 17;
        check_take(v, idx, 1);
    }
    st_batch_free(b);
    st_type_free(s);
}

void test_columnar_take__null_rows_are_compact(void)
{
    st_vector *v = NULL, *got = NULL;
    st_type *lt = schema("l list<string>");
    int64_t idx[] = {1, 1, 0};
    st_pass(st_vector_new(&v, lt->fields[0].type, 0));
    st_pass(st_vector_append_bytes(v->children[0], "abc", 3));
    st_pass(st_vector_append_nested(v));
    st_pass(st_vector_append_null(v));
    st_pass(st_vector_take(&got, v, idx, 3));
    st_assert_eq_i64(got->null_count, 2);
    st_assert_eq_i64(got->children[0]->length, 1);
    st_assert_eq_i64(st_col_offsets(got)[2], 0);
    st_pass(st_vector_validate(got));
    /* a taken vector can grow like any other */
    st_pass(st_vector_append_bytes(got->children[0], "de", 2));
    st_pass(st_vector_append_nested(got));
    st_pass(st_vector_append_null(got));
    st_pass(st_vector_validate(got));
    st_assert_eq_i64(got->length, 5);
    st_vector_free(got);
    st_vector_free(v);
    st_type_free(lt);
}

void test_columnar_take__grow_after_take(void)
{
    st_type *s = schema("s string, i int, b boolean, m decimal(9,2), st struct<a: int>");
    st_batch *b = random_batch(s, 20), *t = NULL;
    int64_t idx[] = {3, 3, 19, 0};
    st_pass(st_batch_take(&t, b, idx, 4));
    for (int k = 0; k < 40; k++)
        for (int c = 0; c < t->n_columns; c++)
            append_random(t->columns[c], 0);
    for (int c = 0; c < t->n_columns; c++) {
        st_pass(st_vector_validate(t->columns[c]));
        st_assert_eq_i64(t->columns[c]->length, 44);
    }
    st_batch_free(t);
    st_batch_free(b);
    st_type_free(s);
}

void test_columnar_take__batch(void)
{
    st_type *s = schema(ALL_TYPES);
    st_batch *b = random_batch(s, 50), *t = NULL;
    int64_t idx[80];
    for (int i = 0; i < 80; i++)
        idx[i] = (int64_t)(rnd() % 50);
    st_pass(st_batch_take(&t, b, idx, 80));
    st_assert_eq_i64(t->length, 80);
    st_assert(t->schema == b->schema || st_type_equals(t->schema, b->schema));
    for (int c = 0; c < b->n_columns; c++) {
        st_vector *want = NULL;
        st_pass(st_vector_take(&want, b->columns[c], idx, 80));
        assert_equal(t->columns[c], want);
        st_vector_free(want);
    }
    st_batch_free(t);
    st_batch_free(b);
    st_type_free(s);
}

void test_columnar_take__bad_indices(void)
{
    st_type *s = schema("a int");
    st_batch *b = random_batch(s, 5), *t = NULL;
    st_vector *v = NULL;
    int64_t idx[] = {0, 5};
    st_fail_with(ST_EINVALID, st_vector_take(&v, b->columns[0], idx, 2));
    st_assert_contains(st_error_last()->message, "index 5 at position 1 is out of range (5 rows)");
    st_assert(v == NULL);
    idx[1] = -1;
    st_fail_with(ST_EINVALID, st_batch_take(&t, b, idx, 2));
    st_assert(t == NULL);
    st_fail_with(ST_EINVALID, st_vector_take(&v, b->columns[0], idx, -1));
    st_fail_with(ST_EINVALID, st_vector_take(&v, b->columns[0], NULL, 1));
    st_batch_free(b);
    st_type_free(s);
}

void test_columnar_take__alloc_failures(void)
{
    st_type *s = schema("s string, l list<struct<a: int, m: map<string, int>>>, f fixed[2], "
                        "b boolean");
    st_batch *b = random_batch(s, 40);
    int64_t idx[60];
    long n, done;
    for (int i = 0; i < 60; i++)
        idx[i] = (int64_t)(rnd() % 40);
    for (n = 0;; n++) {
        st_batch *t = NULL;
        int rc;
        st_alloc_fail_after(n);
        rc = st_batch_take(&t, b, idx, 60);
        done = st_alloc_fail_after(-1);
        st_batch_free(t);
        if (rc == 0 && done <= n)
            break;
        st_assert_msg(rc == ST_ENOMEM || rc == 0, "failing allocation %ld gave %d", n, rc);
        if (rc)
            st_assert(t == NULL);
    }
    st_assert(n > 10);
    st_batch_free(b);
    st_type_free(s);
}

/* ----------------------------------------------------------------- sort */

static st_vector *ints(const int *vals, int n, int null_marker)
{
    st_vector *v = NULL;
    st_pass(st_vector_new(&v, st_type_primitive(ST_TYPE_INT), 0));
    for (int i = 0; i < n; i++)
        st_pass(vals[i] == null_marker ? st_vector_append_null(v) : st_vector_append_i32(v, vals[i]));
    return v;
}

static st_batch *batch_of(st_vector *v)
{
    st_batch *b = NULL;
    st_field f = {1, "c", 0, v->type, NULL};
    st_type *s = NULL;
    st_pass(st_type_struct_new(&s, &f, 1));
    st_pass(st_batch_from_vectors(&b, s, &v));
    st_type_free(s);
    return b;
}

static void assert_order(const st_batch *b, const st_sort_key *keys, int n_keys,
                         const int64_t *want, int n)
{
    int64_t *idx = NULL;
    st_pass(st_batch_sort_indices(&idx, b, keys, n_keys));
    for (int i = 0; i < n; i++)
        st_assert_msg(idx[i] == want[i], "position %d: row %lld, expected %lld", i,
                      (long long)idx[i], (long long)want[i]);
    st_free(idx);
}

#define NUL (-999)

void test_columnar_take__sort_directions_and_nulls(void)
{
    static const int vals[] = {3, NUL, 1, 2, NUL, 1};
    st_vector *v = ints(vals, 6, NUL);
    st_batch *b = batch_of(v);
    st_sort_key k = {v, 0, 1};
    /* asc nulls first: nulls in input order, then 1 (rows 2, 5: stable), 2, 3 */
    assert_order(b, &k, 1, (const int64_t[]){1, 4, 2, 5, 3, 0}, 6);
    k.nulls_first = 0;
    assert_order(b, &k, 1, (const int64_t[]){2, 5, 3, 0, 1, 4}, 6);
    k.descending = 1;
    assert_order(b, &k, 1, (const int64_t[]){0, 3, 2, 5, 1, 4}, 6);
    k.nulls_first = 1;
    assert_order(b, &k, 1, (const int64_t[]){1, 4, 0, 3, 2, 5}, 6);
    /* no keys: the input order */
    assert_order(b, NULL, 0, (const int64_t[]){0, 1, 2, 3, 4, 5}, 6);
    st_batch_free(b);
    st_vector_free(v);
}

void test_columnar_take__sort_floats(void)
{
    static const double vals[] = {NAN, 1.0, -0.0, 0.0, -INFINITY, INFINITY, -0.0, NAN, -1.0};
    st_vector *v = NULL, *f = NULL;
    st_batch *b;
    st_sort_key k;
    st_pass(st_vector_new(&v, st_type_primitive(ST_TYPE_DOUBLE), 0));
    st_pass(st_vector_new(&f, st_type_primitive(ST_TYPE_FLOAT), 0));
    for (int i = 0; i < 9; i++) {
        st_pass(st_vector_append_f64(v, vals[i]));
        st_pass(st_vector_append_f32(f, (float)vals[i]));
    }
    b = batch_of(v);
    k = (st_sort_key){v, 0, 1};
    /* -inf, -1, -0 (2, 6), +0, 1, inf, NaN (0, 7) */
    assert_order(b, &k, 1, (const int64_t[]){4, 8, 2, 6, 3, 1, 5, 0, 7}, 9);
    k.descending = 1;
    assert_order(b, &k, 1, (const int64_t[]){0, 7, 5, 1, 3, 2, 6, 8, 4}, 9);
    k = (st_sort_key){f, 0, 1};
    assert_order(b, &k, 1, (const int64_t[]){4, 8, 2, 6, 3, 1, 5, 0, 7}, 9);
    st_batch_free(b);
    st_vector_free(v);
    st_vector_free(f);
}

void test_columnar_take__sort_strings_and_keys(void)
{
    static const char *const s[] = {"b", "\xc3\xa9", "a", "ab", "", "b", "a"};
    static const int g[] = {1, 1, 2, 2, 1, 2, 1};
    st_vector *sv = NULL, *gv = ints(g, 7, NUL);
    st_batch *b;
    st_sort_key keys[2];
    st_pass(st_vector_new(&sv, st_type_primitive(ST_TYPE_STRING), 0));
    for (int i = 0; i < 7; i++)
        st_pass(st_vector_append_bytes(sv, s[i], strlen(s[i])));
    b = batch_of(sv);
    keys[0] = (st_sort_key){sv, 0, 1};
    /* unsigned bytes: "" < "a" < "ab" < "b" < "é" */
    assert_order(b, keys, 1, (const int64_t[]){4, 2, 6, 3, 0, 5, 1}, 7);
    /* g desc, then s asc */
    keys[0] = (st_sort_key){gv, 1, 0};
    keys[1] = (st_sort_key){sv, 0, 1};
    assert_order(b, keys, 2, (const int64_t[]){2, 3, 5, 4, 6, 0, 1}, 7);
    st_batch_free(b);
    st_vector_free(sv);
    st_vector_free(gv);
}

void test_columnar_take__sort_errors(void)
{
    st_type *s = schema("a int, l list<int>");
    st_batch *b = random_batch(s, 4);
    st_vector *short_v = ints((const int[]){1, 2}, 2, NUL);
    int64_t *idx = NULL;
    st_sort_key k = {b->columns[1], 0, 1};
    st_fail_with(ST_EINVALID, st_batch_sort_indices(&idx, b, &k, 1));
    st_assert_contains(st_error_last()->message, "cannot sort by a list column");
    k.column = short_v;
    st_fail_with(ST_EINVALID, st_batch_sort_indices(&idx, b, &k, 1));
    st_assert_contains(st_error_last()->message, "2 rows, the batch 4");
    k.column = NULL;
    st_fail_with(ST_EINVALID, st_batch_sort_indices(&idx, b, &k, 1));
    st_assert(idx == NULL);
    st_vector_free(short_v);
    st_batch_free(b);
    st_type_free(s);
}

/* Iceberg's order of two non-null rows of a primitive vector, written plainly. */
static int ref_cmp(const st_vector *v, int64_t a, int64_t b)
{
    switch (v->type->id) {
    case ST_TYPE_BOOLEAN: return st_vector_get_bool(v, a) - st_vector_get_bool(v, b);
    case ST_TYPE_INT:
    case ST_TYPE_DATE: {
        int32_t x = st_vector_get_i32(v, a), y = st_vector_get_i32(v, b);
        return x < y ? -1 : x > y;
    }
    case ST_TYPE_FLOAT:
    case ST_TYPE_DOUBLE: {
        double x = v->type->id == ST_TYPE_FLOAT ? st_vector_get_f32(v, a) : st_vector_get_f64(v, a);
        double y = v->type->id == ST_TYPE_FLOAT ? st_vector_get_f32(v, b) : st_vector_get_f64(v, b);
        if (isnan(x) || isnan(y))
            return isnan(x) - isnan(y);
        if (x == y)
            return signbit(y) ? (signbit(x) ? 0 : 1) : (signbit(x) ? -1 : 0);
        return x < y ? -1 : 1;
    }
    case ST_TYPE_DECIMAL: {
        st_decimal128 x = st_vector_get_decimal(v, a), y = st_vector_get_decimal(v, b);
        if (x.hi != y.hi)
            return x.hi < y.hi ? -1 : 1;
        return x.lo < y.lo ? -1 : x.lo > y.lo;
    }
    case ST_TYPE_STRING:
    case ST_TYPE_BINARY:
    case ST_TYPE_UUID:
    case ST_TYPE_FIXED: {
        size_t la, lb;
        const uint8_t *pa = st_vector_get_bytes(v, a, &la), *pb = st_vector_get_bytes(v, b, &lb);
        int c = memcmp(pa, pb, la < lb ? la : lb);
        if (c)
            return c < 0 ? -1 : 1;
        return la < lb ? -1 : la > lb;
    }
    default: {
        int64_t x = st_vector_get_i64(v, a), y = st_vector_get_i64(v, b);
        return x < y ? -1 : x > y;
    }
    }
}

static int ref_key_cmp(const st_sort_key *k, int64_t a, int64_t b)
{
    int va = st_vector_is_valid(k->column, a), vb = st_vector_is_valid(k->column, b), c;
    if (!va && !vb)
        return 0;
    if (!va || !vb)
        return !va ? (k->nulls_first ? -1 : 1) : (k->nulls_first ? 1 : -1);
    c = ref_cmp(k->column, a, b);
    return k->descending ? -c : c;
}

void test_columnar_take__sort_random(void)
{
    st_type *s = schema("b boolean, i int, l long, f float, d double, m decimal(38,3), "
                        "dt date, ts timestamp, s string, x binary, u uuid, fx fixed[3]");
    for (int round = 0; round < 20; round++) {
        st_batch *b = random_batch(s, 1 + (int64_t)(rnd() % 500));
        st_sort_key keys[3];
        int n_keys = 1 + (int)(rnd() % 3);
        int64_t *idx = NULL;
        char *seen;
        for (int k = 0; k < n_keys; k++)
            keys[k] = (st_sort_key){b->columns[rnd() % (uint64_t)b->n_columns], (int)(rnd() & 1),
                                    (int)(rnd() & 1)};
        st_pass(st_batch_sort_indices(&idx, b, keys, n_keys));
        /* a permutation */
        seen = calloc((size_t)b->length, 1);
        for (int64_t i = 0; i < b->length; i++) {
            st_assert(idx[i] >= 0 && idx[i] < b->length && !seen[idx[i]]);
            seen[idx[i]] = 1;
        }
        free(seen);
        /* ordered, and stable among equal keys */
        for (int64_t i = 1; i < b->length; i++) {
            int c = 0;
            for (int k = 0; k < n_keys && c == 0; k++)
                c = ref_key_cmp(&keys[k], idx[i - 1], idx[i]);
            st_assert_msg(c < 0 || (c == 0 && idx[i - 1] < idx[i]),
                          "round %d position %lld: rows %lld, %lld out of order", round,
                          (long long)i, (long long)idx[i - 1], (long long)idx[i]);
        }
        st_free(idx);
        st_batch_free(b);
    }
    st_type_free(s);
}

void test_columnar_take__sort_then_take(void)
{
    static const int vals[] = {5, 3, NUL, 9, 3};
    st_vector *v = ints(vals, 5, NUL), *sorted = NULL;
    st_batch *b = batch_of(v), *t = NULL;
    st_sort_key k = {v, 0, 0};
    int64_t *idx = NULL;
    st_pass(st_batch_sort_indices(&idx, b, &k, 1));
    st_pass(st_batch_take(&t, b, idx, b->length));
    sorted = t->columns[0];
    st_assert_eq_i64(st_vector_get_i32(sorted, 0), 3);
    st_assert_eq_i64(st_vector_get_i32(sorted, 1), 3);
    st_assert_eq_i64(st_vector_get_i32(sorted, 2), 5);
    st_assert_eq_i64(st_vector_get_i32(sorted, 3), 9);
    st_assert(!st_vector_is_valid(sorted, 4));
    st_free(idx);
    st_batch_free(t);
    st_batch_free(b);
    st_vector_free(v);
}

void test_columnar_take__sort_empty(void)
{
    st_type *s = schema("a int");
    st_batch *b = NULL;
    int64_t *idx = NULL;
    st_sort_key k;
    st_pass(st_batch_new(&b, s, 0));
    k = (st_sort_key){b->columns[0], 1, 1};
    st_pass(st_batch_sort_indices(&idx, b, &k, 1));
    st_assert(idx != NULL);
    st_free(idx);
    st_batch_free(b);
    st_type_free(s);
}
