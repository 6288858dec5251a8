/* SPDX-License-Identifier: Apache-2.0 */
/* Tests for the schema syntax: parsing, Iceberg field-id order, errors, round trips. */
#include "st_test.h"

#include <supertable/errors.h>
#include <supertable/types.h>
#include <supertable/sys/alloc.h>

static st_type *parse(const char *text)
{
    st_type *t = NULL;
    st_pass(st_schema_parse(&t, text));
    st_assert(t != NULL && t->id == ST_TYPE_STRUCT);
    return t;
}

static void assert_field(const st_field *f, int32_t id, const char *name, st_type_id type,
                         int required)
{
    st_assert_eq_i64(f->id, id);
    st_assert_eq_str(f->name, name);
    st_assert_eq_i64(f->type->id, type);
    st_assert_eq_i64(f->required, required);
}

/* Parses, prints, parses again: same type, same text. */
static void assert_round_trip(const char *text, const char *expected_text)
{
    st_type *a = parse(text), *b;
    char *s = NULL, *s2 = NULL;
    st_pass(st_schema_to_string(&s, a));
    st_assert_eq_str(s, expected_text);
    b = parse(s);
    st_assert_msg(st_type_equals(a, b), "round trip of '%s' changed the type", text);
    st_pass(st_schema_to_string(&s2, b));
    st_assert_eq_str(s2, s);
    st_free(s);
    st_free(s2);
    st_type_free(a);
    st_type_free(b);
}

/* Expects ST_EINVALID with a message containing every given fragment. */
static void assert_error(const char *text, const char *frag1, const char *frag2)
{
    st_type *t = (st_type *)1;
    int rc = st_schema_parse(&t, text);
    st_assert_msg(rc == ST_EINVALID, "'%s' parsed (rc %d)", text, rc);
    st_assert(t == NULL);
    st_assert_eq_i64(st_error_last()->klass, ST_ERROR_SCHEMA);
    st_assert_contains(st_error_last()->message, frag1);
    if (frag2)
        st_assert_contains(st_error_last()->message, frag2);
}

void test_columnar_schema__header_example(void)
{
    st_type *t = parse("id long not null, name string, price decimal(10,2), tags list<string>, "
                       "addr struct<city: string, zip: int>, attrs map<string, int>, "
                       "at timestamptz");
    const st_field *f = t->fields;
    st_assert_eq_i64(t->n_fields, 7);
    assert_field(&f[0], 1, "id", ST_TYPE_LONG, 1);
    assert_field(&f[1], 2, "name", ST_TYPE_STRING, 0);
    assert_field(&f[2], 3, "price", ST_TYPE_DECIMAL, 0);
    st_assert_eq_i64(f[2].type->precision, 10);
    st_assert_eq_i64(f[2].type->scale, 2);
    assert_field(&f[3], 4, "tags", ST_TYPE_LIST, 0);
    assert_field(&f[4], 5, "addr", ST_TYPE_STRUCT, 0);
    assert_field(&f[5], 6, "attrs", ST_TYPE_MAP, 0);
    assert_field(&f[6], 7, "at", ST_TYPE_TIMESTAMPTZ, 0);
    /* Nested ids follow all top-level ones, in field order (Iceberg's assignFreshIds). */
    assert_field(&f[3].type->fields[0], 8, "element", ST_TYPE_STRING, 0);
    assert_field(&f[4].type->fields[0], 9, "city", ST_TYPE_STRING, 0);
    assert_field(&f[4].type->fields[1], 10, "zip", ST_TYPE_INT, 0);
    assert_field(&f[5].type->fields[0], 11, "key", ST_TYPE_STRING, 1);
    assert_field(&f[5].type->fields[1], 12, "value", ST_TYPE_INT, 0);
    st_type_free(t);
}

void test_columnar_schema__iceberg_id_order_nested(void)
{
    /* A struct numbers its own fields before descending; a map numbers key and value
     * before visiting either; list<struct<...>> numbers the element first. */
    st_type *t = parse("a int, b struct<c: int, d: list<struct<e: int, f: int>>, g: int>, "
                       "h map<struct<k: int>, list<int>>, i int");
    const st_field *b = &t->fields[1], *h = &t->fields[2];
    const st_type *d, *e, *key, *val;
    st_assert_eq_i64(t->fields[0].id, 1);
    st_assert_eq_i64(b->id, 2);
    st_assert_eq_i64(h->id, 3);
    st_assert_eq_i64(t->fields[3].id, 4);
    st_assert_eq_i64(b->type->fields[0].id, 5);  /* c */
    st_assert_eq_i64(b->type->fields[1].id, 6);  /* d */
    st_assert_eq_i64(b->type->fields[2].id, 7);  /* g */
    d = b->type->fields[1].type;
    st_assert_eq_i64(d->fields[0].id, 8);        /* d.element */
    e = d->fields[0].type;
    st_assert_eq_i64(e->fields[0].id, 9);        /* e */
    st_assert_eq_i64(e->fields[1].id, 10);       /* f */
    st_assert_eq_i64(h->type->fields[0].id, 11); /* h.key */
    st_assert_eq_i64(h->type->fields[1].id, 12); /* h.value */
    key = h->type->fields[0].type;
    val = h->type->fields[1].type;
    st_assert_eq_i64(key->fields[0].id, 13);     /* k */
    st_assert_eq_i64(val->fields[0].id, 14);     /* h.value.element */
    st_type_free(t);
}

void test_columnar_schema__every_type_and_alias(void)
{
    static const struct {
        const char *text;
        st_type_id id;
    } cases[] = {
        {"boolean", ST_TYPE_BOOLEAN}, {"BOOL", ST_TYPE_BOOLEAN}, {"int", ST_TYPE_INT},
        {"Integer", ST_TYPE_INT}, {"int32", ST_TYPE_INT}, {"long", ST_TYPE_LONG},
        {"BIGINT", ST_TYPE_LONG}, {"int64", ST_TYPE_LONG}, {"float", ST_TYPE_FLOAT},
        {"real", ST_TYPE_FLOAT}, {"float32", ST_TYPE_FLOAT}, {"double", ST_TYPE_DOUBLE},
        {"float64", ST_TYPE_DOUBLE}, {"date", ST_TYPE_DATE}, {"time", ST_TYPE_TIME},
        {"timestamp", ST_TYPE_TIMESTAMP}, {"TimestampTZ", ST_TYPE_TIMESTAMPTZ},
        {"timestamp_ns", ST_TYPE_TIMESTAMP_NS}, {"timestamptz_ns", ST_TYPE_TIMESTAMPTZ_NS},
        {"string", ST_TYPE_STRING}, {"text", ST_TYPE_STRING}, {"VARCHAR", ST_TYPE_STRING},
        {"uuid", ST_TYPE_UUID}, {"binary", ST_TYPE_BINARY}, {"bytes", ST_TYPE_BINARY},
        {"blob", ST_TYPE_BINARY}, {"fixed[3]", ST_TYPE_FIXED}, {"Decimal(38, 0)", ST_TYPE_DECIMAL},
        {"LIST<int>", ST_TYPE_LIST}, {"Map<int,int>", ST_TYPE_MAP},
        {"STRUCT<x int>", ST_TYPE_STRUCT},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char text[64];
        st_type *t;
        snprintf(text, sizeof(text), "c %s", cases[i].text);
        t = parse(text);
        st_assert_msg(t->fields[0].type->id == cases[i].id, "'%s' parsed as %s", text,
                      st_type_id_name(t->fields[0].type->id));
        st_type_free(t);
    }
}

void test_columnar_schema__syntax_variants(void)
{
    st_type *t = parse("  `a b`: int NOT NULL ,`c,d` string null,"
                       "\te struct<f int not null, g: list<struct<h string>>>\n, "
                       "`x``y` list<string not null>, m map<string, long not null>");
    const st_type *e, *g;
    st_assert_eq_i64(t->n_fields, 5);
    assert_field(&t->fields[0], 1, "a b", ST_TYPE_INT, 1);
    assert_field(&t->fields[1], 2, "c,d", ST_TYPE_STRING, 0);
    assert_field(&t->fields[3], 4, "x`y", ST_TYPE_LIST, 0);
    st_assert_eq_i64(t->fields[3].type->fields[0].required, 1);
    st_assert_eq_i64(t->fields[4].type->fields[1].required, 1);
    e = t->fields[2].type;
    assert_field(&e->fields[0], 6, "f", ST_TYPE_INT, 1);
    g = e->fields[1].type;
    st_assert_eq_i64(g->id, ST_TYPE_LIST);
    st_assert_eq_str(g->fields[0].type->fields[0].name, "h");
    /* The same name may be used in different structs. */
    st_type_free(t);
    t = parse("a struct<a: int>, b struct<a: int>, not long, null int");
    st_assert_eq_str(t->fields[2].name, "not");
    st_assert_eq_str(t->fields[3].name, "null");
    st_type_free(t);
}

void test_columnar_schema__round_trip(void)
{
    assert_round_trip("id long not null, name string, price decimal(10,2), tags list<string>, "
                      "addr struct<city: string, zip: int>, attrs map<string, int>, "
                      "at timestamptz",
                      "id long not null, name string, price decimal(10,2), tags list<string>, "
                      "addr struct<city: string, zip: int>, attrs map<string, int>, "
                      "at timestamptz");
    assert_round_trip("`a b` INT not null, u uuid, f fixed[16], x struct<>, "
                      "m map<string not null, list<struct<c: string not null>> not null>",
                      "`a b` int not null, u uuid, f fixed[16], x struct<>, "
                      "m map<string, list<struct<c: string not null>> not null>");
    assert_round_trip("n list<list<map<int, boolean>>>, `` int, `q``` binary",
                      "n list<list<map<int, boolean>>>, `` int, `q``` binary");
}

void test_columnar_schema__errors(void)
{
    assert_error("", "empty schema", NULL);
    assert_error("   \n ", "empty schema", NULL);
    assert_error("a strng", "unknown type 'strng'", "offset 2: 'a strng'");
    assert_error("a int, b decimal(39,0)", "precision must be between 1 and 38, got 39",
                 "offset 17");
    assert_error("a decimal(5,6)", "scale must be between 0 and the precision 5, got 6",
                 "'decimal(5,6'");
    assert_error("a decimal", "expected '(' after decimal", NULL);
    assert_error("a decimal(5 6)", "expected ',' after decimal precision", NULL);
    assert_error("a decimal(5,2", "expected ')' after decimal scale", NULL);
    assert_error("a fixed[0]", "fixed length must be at least 1, got 0", NULL);
    assert_error("a fixed(4)", "expected '[' after fixed", NULL);
    assert_error("a fixed[99999999999]", "fixed length is too large", NULL);
    assert_error("a int, a long", "duplicate field name 'a'", "offset 7");
    assert_error("s struct<x: int, x: int>", "duplicate field name 'x'", NULL);
    assert_error("a int b", "expected ',' or the end after field 'a'", "offset 6");
    assert_error("a int,", "expected a field name, found the end", NULL);
    assert_error("a int,, b int", "expected a field name", "offset 6");
    assert_error("a", "expected a type, found the end", NULL);
    assert_error("a int not", "expected 'null' after 'not'", NULL);
    assert_error("a int not nul", "expected 'null' after 'not'", NULL);
    assert_error("`unterminated int", "unterminated quoted name", NULL);
    assert_error("id long, tags list<int", "expected '>' after list element type",
                 "at offset 22: 'list<int'");
    assert_error("m map<string int>", "expected ',' after map key type", NULL);
    assert_error("m map<string, int", "expected '>' after map value type", NULL);
    assert_error("l list string", "expected '<' after list", NULL);
    assert_error("s struct<a int b int>", "expected ',' or '>' after struct field 'a'", NULL);
    assert_error("s struct<a: int", "expected ',' or '>' after struct field 'a'", NULL);
    assert_error("s struct<a: nope>", "unknown type 'nope'", "'a: nope'");
    assert_error("a int) ", "expected ',' or the end", NULL);
    assert_error("a list<>", "expected a type", NULL);
}

void test_columnar_schema__depth_limit(void)
{
    char text[1200] = "a ";
    for (int i = 0; i < 100; i++)
        strcat(text, "list<");
    strcat(text, "int");
    for (int i = 0; i < 100; i++)
        strcat(text, ">");
    assert_error(text, "nested deeper than 64", NULL);
}

void test_columnar_schema__to_string_rejects_non_struct(void)
{
    char *s = NULL;
    st_fail_with(ST_EINVALID, st_schema_to_string(&s, st_type_primitive(ST_TYPE_INT)));
    st_assert(s == NULL);
    st_fail_with(ST_EINVALID, st_schema_parse((st_type **)&s, NULL));
}

void test_columnar_schema__alloc_failures(void)
{
    const char *text = "id long not null, tags list<string>, addr struct<city: string, "
                       "zip: int>, attrs map<string, list<int>>, `q x` decimal(10,2)";
    for (long n = 0;; n++) {
        st_type *t = NULL;
        char *s = NULL;
        int rc;
        st_alloc_fail_after(n);
        rc = st_schema_parse(&t, text);
        if (rc == 0)
            rc = st_schema_to_string(&s, t);
        st_alloc_fail_after(-1);
        st_type_free(t);
        st_free(s);
        if (rc == 0)
            break;
        st_assert_eq_i64(rc, ST_ENOMEM);
        st_assert(n < 500);
    }
}
