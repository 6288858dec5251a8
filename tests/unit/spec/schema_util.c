/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Tests for schema lookups by id and by Iceberg's dotted names (full and
 * short names through lists and maps, names with dots), the highest id, and
 * the partition tuple type of a spec.
 */
#include "spec_test.h"

static st_type *schema(const char *text)
{
    st_type *s = NULL;
    st_pass(st_schema_parse(&s, text));
    return s;
}

/* Fresh ids: a=1 b=2 pts=3 tags=4 m=5, b.c=6 b.d=7, b.d.e=8, pts.element=9 (x=10 y=11),
 * tags.element=12, m.key=13 m.value=14 (v1=15) */
#define NESTED "a int, b struct<c: string, d: struct<e: long>>, pts list<struct<x: int, y: int>>, " \
               "tags list<string>, m map<string, struct<v1: double>>"

static int32_t id_of(const st_type *s, const char *name)
{
    const st_field *f = st_schema_find_name(s, name);
    return f ? f->id : -1;
}

void test_spec_schema_util__find_id(void)
{
    st_type *s = schema(NESTED);
    const st_field *f;
    f = st_schema_find_id(s, 1);
    st_assert(f && strcmp(f->name, "a") == 0 && f->type->id == ST_TYPE_INT);
    f = st_schema_find_id(s, 8);
    st_assert(f && strcmp(f->name, "e") == 0 && f->type->id == ST_TYPE_LONG);
    f = st_schema_find_id(s, 9);
    st_assert(f && f->type->id == ST_TYPE_STRUCT);
    f = st_schema_find_id(s, 13);
    st_assert(f && f->type->id == ST_TYPE_STRING);
    f = st_schema_find_id(s, 15);
    st_assert(f && strcmp(f->name, "v1") == 0);
    st_assert(st_schema_find_id(s, 16) == NULL);
    st_assert(st_schema_find_id(s, 0) == NULL);
    st_assert(st_schema_find_id(s, -1) == NULL);
    st_assert(st_schema_find_id(NULL, 1) == NULL);
    st_assert_eq_i64(st_schema_max_id(s), 15);
    st_type_free(s);
}

void test_spec_schema_util__find_name(void)
{
    st_type *s = schema(NESTED);
    st_assert_eq_i64(id_of(s, "a"), 1);
    st_assert_eq_i64(id_of(s, "b"), 2);
    st_assert_eq_i64(id_of(s, "b.c"), 6);
    st_assert_eq_i64(id_of(s, "b.d.e"), 8);
    st_assert_eq_i64(id_of(s, "pts.element"), 9);
    st_assert_eq_i64(id_of(s, "pts.element.x"), 10);
    st_assert_eq_i64(id_of(s, "pts.y"), 11);          /* short name */
    st_assert_eq_i64(id_of(s, "tags.element"), 12);
    st_assert_eq_i64(id_of(s, "m.key"), 13);
    st_assert_eq_i64(id_of(s, "m.value"), 14);
    st_assert_eq_i64(id_of(s, "m.value.v1"), 15);
    st_assert_eq_i64(id_of(s, "m.v1"), 15);           /* short name */
    st_assert_eq_i64(id_of(s, "A"), -1);              /* case-sensitive */
    st_assert_eq_i64(id_of(s, "b."), -1);
    st_assert_eq_i64(id_of(s, ".a"), -1);
    st_assert_eq_i64(id_of(s, "b.x"), -1);
    st_assert_eq_i64(id_of(s, "a.b"), -1);
    st_assert_eq_i64(id_of(s, "tags.x"), -1);         /* no short name for primitives */
    st_assert_eq_i64(id_of(s, "m.key.x"), -1);
    st_assert_eq_i64(id_of(s, ""), -1);
    st_assert(st_schema_find_name(s, NULL) == NULL);
    st_type_free(s);
}

void test_spec_schema_util__dotted_field_names(void)
{
    /* a top-level name with a dot, next to a struct whose path spells the same */
    st_type *s = schema("`a.b` int, a struct<c: int, `x.y`: long>, l list<struct<element: int>>");
    st_assert_eq_i64(id_of(s, "a.b"), 1);
    st_assert_eq_i64(id_of(s, "a.c"), 4);
    st_assert_eq_i64(id_of(s, "a.x.y"), 5);
    /* "l.element" is the list's element; the struct's own field is l.element.element */
    st_assert(st_schema_find_name(s, "l.element")->type->id == ST_TYPE_STRUCT);
    st_assert(st_schema_find_name(s, "l.element.element")->type->id == ST_TYPE_INT);
    st_type_free(s);
}

void test_spec_schema_util__max_id(void)
{
    st_type *s = schema("a int");
    st_assert_eq_i64(st_schema_max_id(s), 1);
    st_type_free(s);
    s = schema("a map<int, list<int>>, b int");
    st_assert_eq_i64(st_schema_max_id(s), 5);
    st_type_free(s);
    st_assert_eq_i64(st_schema_max_id(NULL), 0);
    {
        st_type *empty = NULL;
        st_pass(st_type_struct_new(&empty, NULL, 0));
        st_assert_eq_i64(st_schema_max_id(empty), 0);
        st_type_free(empty);
    }
}

void test_spec_schema_util__partition_type(void)
{
    st_type *s = schema("id long, ts timestamptz, name string, price decimal(9,2)"), *pt = NULL;
    st_partition_field fields[6];
    st_partition_spec spec = {0, fields, 6};
    char *text = NULL;
    static const char *const tx[] = {"day", "bucket[16]", "truncate[4]", "identity", "void",
                                     "zorder"};
    static const int32_t src[] = {2, 1, 3, 4, 99, 1};
    static const char *const names[] = {"ts_day", "id_bucket", "name_trunc", "price",
                                        "gone_null", "z"};
    for (int i = 0; i < 6; i++) {
        fields[i].source_id = src[i];
        fields[i].field_id = 1000 + i;
        fields[i].name = (char *)names[i];
        st_pass(st_transform_parse(&fields[i].transform, tx[i]));
    }
    st_pass(st_partition_type(&pt, &spec, s));
    st_assert(pt->id == ST_TYPE_STRUCT && pt->n_fields == 6);
    for (int i = 0; i < 6; i++) {
        st_assert_eq_i64(pt->fields[i].id, 1000 + i);
        st_assert(!pt->fields[i].required);
        st_assert_eq_str(pt->fields[i].name, names[i]);
    }
    st_pass(st_type_to_string(&text, pt));
    /* void of a missing source: the nominal type (string) */
    st_assert_eq_str(text, "struct<ts_day: date, id_bucket: int, name_trunc: string, "
                           "price: decimal(9,2), gone_null: string, z: string>");
    st_free(text);
    st_type_free(pt);

    /* empty spec: an empty struct */
    spec.n_fields = 0;
    st_pass(st_partition_type(&pt, &spec, s));
    st_assert(pt->n_fields == 0);
    st_type_free(pt);

    /* duplicate names are refused by the struct builder */
    spec.n_fields = 2;
    fields[1].name = (char *)"ts_day";
    st_fail_with(ST_EINVALID, st_partition_type(&pt, &spec, s));
    st_assert(pt == NULL);
    st_type_free(s);
}

void test_spec_schema_util__partition_type_alloc_failures(void)
{
    st_type *s = schema("id long, ts timestamp"), *pt = NULL;
    st_partition_field fields[2];
    st_partition_spec spec = {0, fields, 2};
    long n, done;
    fields[0] = (st_partition_field){2, 1000, (char *)"ts_hour", {0}};
    fields[1] = (st_partition_field){1, 1001, (char *)"id", {0}};
    st_pass(st_transform_parse(&fields[0].transform, "hour"));
    st_pass(st_transform_parse(&fields[1].transform, "identity"));
    for (n = 0;; n++) {
        int rc;
        st_alloc_fail_after(n);
        rc = st_partition_type(&pt, &spec, s);
        done = st_alloc_fail_after(-1);
        if (rc == 0) {
            st_type_free(pt);
            if (done <= n)
                break;
            continue;
        }
        st_assert_msg(rc == ST_ENOMEM, "failing allocation %ld gave %d", n, rc);
    }
    st_type_free(s);
}
