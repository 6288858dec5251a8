/* SPDX-License-Identifier: Apache-2.0 */
/* Tests for the type model: constructors, reference counts, equality, names, formatting. */
#include "st_test.h"

#include <pthread.h>

#include <supertable/errors.h>
#include <supertable/types.h>
#include <supertable/sys/alloc.h>

static st_field field(int32_t id, const char *name, st_type *t, int required)
{
    st_field f = {id, name, required, t, NULL};
    return f;
}

static void assert_type_string(const st_type *t, const char *expected)
{
    char *s = NULL;
    st_pass(st_type_to_string(&s, t));
    st_assert_eq_str(s, expected);
    st_free(s);
}

void test_columnar_type__primitives_are_static(void)
{
    st_type *l = st_type_primitive(ST_TYPE_LONG);
    st_assert(l != NULL);
    st_assert_eq_i64(l->id, ST_TYPE_LONG);
    st_assert_eq_i64(l->refs_, 0);
    st_assert(st_type_ref(l) == l);
    st_type_free(l);
    st_type_free(l);
    st_assert_eq_i64(l->refs_, 0);
    st_assert(st_type_primitive(ST_TYPE_TIMESTAMPTZ_NS)->id == ST_TYPE_TIMESTAMPTZ_NS);
    st_assert(st_type_primitive(ST_TYPE_DECIMAL) == NULL);
    st_assert(st_type_primitive(ST_TYPE_FIXED) == NULL);
    st_assert(st_type_primitive(ST_TYPE_STRUCT) == NULL);
    st_assert(st_type_primitive(ST_TYPE_MAP) == NULL);
    st_assert(st_type_primitive((st_type_id)0) == NULL);
    st_assert(st_type_primitive((st_type_id)99) == NULL);
    st_type_free(NULL);
    st_assert(st_type_ref(NULL) == NULL);
}

void test_columnar_type__decimal_and_fixed(void)
{
    st_type *d, *f;
    st_pass(st_type_decimal_new(&d, 10, 2));
    st_assert_eq_i64(d->precision, 10);
    st_assert_eq_i64(d->scale, 2);
    st_assert_eq_i64(st_type_value_width(d), 16);
    assert_type_string(d, "decimal(10,2)");
    st_type_free(d);
    st_fail_with(ST_EINVALID, st_type_decimal_new(&d, 39, 0));
    st_assert(d == NULL);
    st_fail_with(ST_EINVALID, st_type_decimal_new(&d, 0, 0));
    st_fail_with(ST_EINVALID, st_type_decimal_new(&d, 5, 6));
    st_fail_with(ST_EINVALID, st_type_decimal_new(&d, 5, -1));
    st_pass(st_type_decimal_new(&d, 38, 38));
    st_type_free(d);
    st_pass(st_type_fixed_new(&f, 16));
    st_assert_eq_i64(st_type_value_width(f), 16);
    assert_type_string(f, "fixed[16]");
    st_type_free(f);
    st_fail_with(ST_EINVALID, st_type_fixed_new(&f, 0));
    st_assert_contains(st_error_last()->message, "at least 1");
}

void test_columnar_type__nested_copies_and_refs(void)
{
    char name[8] = "city";
    st_type *dec, *s, *l, *m;
    st_field fs[2];

    st_pass(st_type_decimal_new(&dec, 9, 3));
    fs[0] = field(1, name, st_type_primitive(ST_TYPE_STRING), 0);
    fs[1] = field(2, "price", dec, 1);
    fs[1].doc = "in euros";
    st_pass(st_type_struct_new(&s, fs, 2));
    name[0] = 'X'; /* the struct holds its own copy */
    st_assert_eq_str(s->fields[0].name, "city");
    st_assert_eq_str(s->fields[1].doc, "in euros");
    st_assert_eq_i64(dec->refs_, 2);
    st_type_free(dec); /* the struct's reference keeps it alive */
    st_assert_eq_i64(s->fields[1].type->scale, 3);

    fs[0] = field(3, NULL, s, 0);
    st_pass(st_type_list_new(&l, &fs[0]));
    st_assert_eq_str(l->fields[0].name, "element");
    st_assert_eq_i64(l->n_fields, 1);
    fs[0] = field(4, NULL, st_type_primitive(ST_TYPE_STRING), 0); /* forced required */
    fs[1] = field(5, NULL, l, 0);
    st_pass(st_type_map_new(&m, &fs[0], &fs[1]));
    st_assert_eq_i64(m->fields[0].required, 1);
    st_assert_eq_str(m->fields[0].name, "key");
    st_assert_eq_str(m->fields[1].name, "value");
    assert_type_string(m, "map<string, list<struct<city: string, price: decimal(9,3) not null>>>");
    st_type_free(s);
    st_type_free(l);
    st_assert(st_type_is_nested(m));
    st_assert(!st_type_is_nested(st_type_primitive(ST_TYPE_UUID)));
    st_type_free(m);
}

void test_columnar_type__struct_rejects_duplicates(void)
{
    st_type *s;
    st_field fs[100];
    char names[100][8];
    fs[0] = field(1, "a", st_type_primitive(ST_TYPE_INT), 0);
    fs[1] = field(2, "a", st_type_primitive(ST_TYPE_INT), 0);
    st_fail_with(ST_EINVALID, st_type_struct_new(&s, fs, 2));
    st_assert_contains(st_error_last()->message, "duplicate struct field name 'a'");
    fs[1].name = NULL;
    st_fail_with(ST_EINVALID, st_type_struct_new(&s, fs, 2));
    /* Wide structs take the sorting path. */
    for (int i = 0; i < 100; i++) {
        snprintf(names[i], sizeof(names[i]), "c%d", i);
        fs[i] = field(i + 1, names[i], st_type_primitive(ST_TYPE_INT), 0);
    }
    st_pass(st_type_struct_new(&s, fs, 100));
    st_assert_eq_i64(st_type_field_index(s, "c57"), 57);
    st_assert_eq_i64(st_type_field_index(s, "nope"), -1);
    st_type_free(s);
    fs[99].name = "c3";
    st_fail_with(ST_EINVALID, st_type_struct_new(&s, fs, 100));
    st_assert_contains(st_error_last()->message, "'c3'");
    st_pass(st_type_struct_new(&s, NULL, 0));
    assert_type_string(s, "struct<>");
    st_type_free(s);
}

void test_columnar_type__equals(void)
{
    st_type *a, *b, *c, *la, *lb;
    st_field fs[2];
    fs[0] = field(1, "x", st_type_primitive(ST_TYPE_INT), 1);
    fs[1] = field(2, "y", st_type_primitive(ST_TYPE_STRING), 0);
    st_pass(st_type_struct_new(&a, fs, 2));
    st_pass(st_type_struct_new(&b, fs, 2));
    st_assert(st_type_equals(a, b));
    fs[1].id = 3;
    st_pass(st_type_struct_new(&c, fs, 2));
    st_assert(!st_type_equals(a, c)); /* field id */
    st_type_free(c);
    fs[1].id = 2;
    fs[1].required = 1;
    st_pass(st_type_struct_new(&c, fs, 2));
    st_assert(!st_type_equals(a, c)); /* requiredness */
    st_type_free(c);
    fs[1].required = 0;
    fs[1].name = "z";
    st_pass(st_type_struct_new(&c, fs, 2));
    st_assert(!st_type_equals(a, c)); /* struct field name */
    st_type_free(c);
    /* List element names do not matter ("element" vs Arrow's "item"). */
    fs[0] = field(7, "element", a, 0);
    st_pass(st_type_list_new(&la, &fs[0]));
    fs[0].name = "item";
    st_pass(st_type_list_new(&lb, &fs[0]));
    st_assert(st_type_equals(la, lb));
    st_assert(!st_type_equals(la, a));
    st_assert(!st_type_equals(la, NULL));
    st_assert(st_type_equals(st_type_primitive(ST_TYPE_INT), st_type_primitive(ST_TYPE_INT)));
    st_assert(!st_type_equals(st_type_primitive(ST_TYPE_INT), st_type_primitive(ST_TYPE_LONG)));
    st_type_free(la);
    st_type_free(lb);
    st_type_free(a);
    st_type_free(b);
    st_pass(st_type_decimal_new(&a, 10, 2));
    st_pass(st_type_decimal_new(&b, 10, 3));
    st_assert(!st_type_equals(a, b));
    st_type_free(a);
    st_type_free(b);
}

void test_columnar_type__names_and_widths(void)
{
    static const struct {
        st_type_id id;
        const char *name;
        int width;
    } cases[] = {
        {ST_TYPE_BOOLEAN, "boolean", 0}, {ST_TYPE_INT, "int", 4}, {ST_TYPE_LONG, "long", 8},
        {ST_TYPE_FLOAT, "float", 4}, {ST_TYPE_DOUBLE, "double", 8}, {ST_TYPE_DATE, "date", 4},
        {ST_TYPE_TIME, "time", 8}, {ST_TYPE_TIMESTAMP, "timestamp", 8},
        {ST_TYPE_TIMESTAMPTZ, "timestamptz", 8}, {ST_TYPE_TIMESTAMP_NS, "timestamp_ns", 8},
        {ST_TYPE_TIMESTAMPTZ_NS, "timestamptz_ns", 8}, {ST_TYPE_STRING, "string", 0},
        {ST_TYPE_UUID, "uuid", 16}, {ST_TYPE_BINARY, "binary", 0},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        st_type *t = st_type_primitive(cases[i].id);
        st_assert_eq_str(st_type_id_name(cases[i].id), cases[i].name);
        st_assert_eq_i64(st_type_value_width(t), cases[i].width);
        assert_type_string(t, cases[i].name);
    }
    st_assert_eq_str(st_type_id_name(ST_TYPE_DECIMAL), "decimal");
    st_assert_eq_str(st_type_id_name(ST_TYPE_FIXED), "fixed");
    st_assert_eq_str(st_type_id_name(ST_TYPE_STRUCT), "struct");
    st_assert_eq_str(st_type_id_name(ST_TYPE_LIST), "list");
    st_assert_eq_str(st_type_id_name(ST_TYPE_MAP), "map");
    st_assert_eq_str(st_type_id_name((st_type_id)77), "unknown");
}

void test_columnar_type__to_string_quotes_and_required(void)
{
    st_type *s, *l;
    st_field fs[3];
    fs[0] = field(2, NULL, st_type_primitive(ST_TYPE_STRING), 1);
    st_pass(st_type_list_new(&l, &fs[0]));
    assert_type_string(l, "list<string not null>");
    fs[0] = field(1, "city", st_type_primitive(ST_TYPE_STRING), 0);
    fs[1] = field(2, "zip code", st_type_primitive(ST_TYPE_INT), 1);
    fs[2] = field(3, "we`ird", l, 0);
    st_pass(st_type_struct_new(&s, fs, 3));
    assert_type_string(s, "struct<city: string, `zip code`: int not null, "
                          "`we``ird`: list<string not null>>");
    st_type_free(s);
    st_type_free(l);
}

static void *ref_churn(void *arg)
{
    st_type *t = arg;
    for (int i = 0; i < 100000; i++) {
        st_type_ref(t);
        st_type_free(t);
    }
    return NULL;
}

void test_columnar_type__refcount_concurrent(void)
{
    pthread_t th[4];
    st_type *d;
    st_pass(st_type_decimal_new(&d, 5, 0));
    for (int i = 0; i < 4; i++)
        st_assert(pthread_create(&th[i], NULL, ref_churn, d) == 0);
    for (int i = 0; i < 4; i++)
        pthread_join(th[i], NULL);
    st_assert_eq_i64(d->refs_, 1);
    st_type_free(d);
}

void test_columnar_type__alloc_failures(void)
{
    for (long n = 0;; n++) {
        st_type *s = NULL, *l = NULL;
        st_field fs[2];
        int rc;
        st_alloc_fail_after(n);
        fs[0] = field(1, "a", st_type_primitive(ST_TYPE_INT), 0);
        fs[0].doc = "doc";
        fs[1] = field(2, "b", st_type_primitive(ST_TYPE_STRING), 0);
        rc = st_type_struct_new(&s, fs, 2);
        if (rc == 0) {
            fs[0] = field(3, NULL, s, 0);
            rc = st_type_list_new(&l, &fs[0]);
        }
        st_alloc_fail_after(-1);
        st_type_free(s);
        st_type_free(l);
        if (rc == 0)
            break;
        st_assert_eq_i64(rc, ST_ENOMEM);
        st_assert(n < 100);
    }
}
