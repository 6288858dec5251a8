/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Tests for the CLI syntax of partition specs and sort orders: Java's default
 * field names, field id assignment, nested and quoted columns, aliases, both
 * argument orders, the printer's round trip, every error naming its text, and
 * an allocation-failure sweep.
 */
#include "spec_test.h"

#include "spec/partition_parse.h"

#define SCHEMA "id long, ts timestamptz, name string, region string, price decimal(9,2), " \
               "d double, x int, addr struct<city: string, zip: int>, tags list<string>, " \
               "`odd name` int, m map<string, struct<v: int>>"

static st_type *schema(const char *text)
{
    st_type *s = NULL;
    st_pass(st_schema_parse(&s, text));
    return s;
}

/* The spec and order dispose functions live with the metadata code. */
static void spec_free(st_partition_spec *s)
{
    for (int i = 0; i < s->n_fields; i++)
        st_free(s->fields[i].name);
    st_free(s->fields);
    memset(s, 0, sizeof(*s));
}

static void order_free(st_sort_order *o)
{
    st_free(o->fields);
    memset(o, 0, sizeof(*o));
}

static void assert_spec_text(const st_partition_spec *spec, const st_type *s, const char *want)
{
    st_buf b = ST_BUF_INIT;
    st_pass(st_partition_spec_to_string(&b, spec, s));
    st_assert_eq_str(st_buf_cstr(&b), want);
    st_buf_dispose(&b);
}

/* Parses, prints and re-parses: the text comes back as `printed`. */
static void assert_spec_round_trip(const char *text, const char *printed)
{
    st_type *s = schema(SCHEMA);
    st_partition_spec spec, again;
    int32_t last = 999;
    st_buf b = ST_BUF_INIT;
    st_pass(st_partition_spec_parse(&spec, text, s, &last));
    assert_spec_text(&spec, s, printed);
    st_pass(st_partition_spec_to_string(&b, &spec, s));
    last = 999;
    st_pass(st_partition_spec_parse(&again, st_buf_cstr(&b), s, &last));
    st_assert_eq_i64(again.n_fields, spec.n_fields);
    for (int i = 0; i < spec.n_fields; i++) {
        st_assert_eq_str(again.fields[i].name, spec.fields[i].name);
        st_assert_eq_i64(again.fields[i].source_id, spec.fields[i].source_id);
        st_assert_eq_i64(again.fields[i].field_id, spec.fields[i].field_id);
        st_assert_eq_str(again.fields[i].transform.text, spec.fields[i].transform.text);
    }
    st_buf_dispose(&b);
    spec_free(&spec);
    spec_free(&again);
    st_type_free(s);
}

static void assert_spec_error(const char *schema_text, const char *text, const char *frag1,
                              const char *frag2)
{
    st_type *s = schema(schema_text);
    st_partition_spec spec;
    int32_t last = 1003;
    st_fail_with(ST_EINVALID, st_partition_spec_parse(&spec, text, s, &last));
    st_assert_contains(st_error_last()->message, frag1);
    if (frag2)
        st_assert_contains(st_error_last()->message, frag2);
    st_assert(spec.fields == NULL && spec.n_fields == 0);
    st_assert_eq_i64(last, 1003);
    st_type_free(s);
}

void test_spec_partition_parse__spec(void)
{
    st_type *s = schema(SCHEMA);
    st_partition_spec spec;
    int32_t last = 999;
    static const char *const names[] = {"ts_day", "id_bucket", "name_trunc", "region",
                                        "ts_year", "x_null"};
    static const char *const texts[] = {"day", "bucket[16]", "truncate[4]", "identity",
                                        "year", "void"};
    static const int32_t sources[] = {2, 1, 3, 4, 2, 7};
    st_pass(st_partition_spec_parse(
        &spec, "day(ts), bucket(16, id), truncate(4, name), region, year(ts), void(x)", s, &last));
    st_assert_eq_i64(spec.n_fields, 6);
    st_assert_eq_i64(spec.spec_id, 0);
    for (int i = 0; i < 6; i++) {
        st_assert_eq_str(spec.fields[i].name, names[i]);
        st_assert_eq_str(spec.fields[i].transform.text, texts[i]);
        st_assert_eq_i64(spec.fields[i].source_id, sources[i]);
        st_assert_eq_i64(spec.fields[i].field_id, 1000 + i);
    }
    st_assert_eq_i64(spec.fields[1].transform.param, 16);
    st_assert_eq_i64(last, 1005);
    assert_spec_text(&spec, s, "day(ts), bucket(16, id), truncate(4, name), region, year(ts), "
                               "void(x)");
    spec_free(&spec);

    /* ids continue from the table's last partition id */
    st_pass(st_partition_spec_parse(&spec, "hour(ts)", s, &last));
    st_assert_eq_i64(spec.fields[0].field_id, 1006);
    st_assert_eq_i64(last, 1006);
    spec_free(&spec);
    st_pass(st_partition_spec_parse(&spec, "hour(ts), id", s, NULL));
    st_assert_eq_i64(spec.fields[0].field_id, 1000);
    st_assert_eq_i64(spec.fields[1].field_id, 1001);
    spec_free(&spec);
    last = 0;
    st_pass(st_partition_spec_parse(&spec, "id", s, &last));
    st_assert_eq_i64(spec.fields[0].field_id, 1000);
    st_assert_eq_i64(last, 1000);
    spec_free(&spec);

    /* unpartitioned */
    last = 1010;
    st_pass(st_partition_spec_parse(&spec, "  ", s, &last));
    st_assert(spec.n_fields == 0 && spec.fields == NULL);
    st_assert_eq_i64(last, 1010);
    assert_spec_text(&spec, s, "");
    st_pass(st_partition_spec_parse(&spec, "", s, &last));
    st_assert(spec.n_fields == 0);
    st_type_free(s);
}

void test_spec_partition_parse__spellings(void)
{
    assert_spec_round_trip("identity(region), Bucket(id, 8), TRUNCATE(name, 2)",
                           "region, bucket(8, id), truncate(2, name)");
    assert_spec_round_trip("years(ts), months(ts), days(ts), hours(ts)",
                           "year(ts), month(ts), day(ts), hour(ts)");
    assert_spec_round_trip("  month( ts )  ,bucket( 4 ,id )", "month(ts), bucket(4, id)");
    assert_spec_round_trip("addr.city, bucket(8, addr.zip)", "addr.city, bucket(8, addr.zip)");
    assert_spec_round_trip("truncate(10, `odd name`)", "truncate(10, `odd name`)");
    assert_spec_round_trip("`addr`.`city`", "addr.city");
    assert_spec_round_trip("bucket(16, id) as shard, region AS `the region`",
                           "bucket(16, id) as shard, region as `the region`");
    assert_spec_round_trip("truncate(4, price)", "truncate(4, price)");
}

void test_spec_partition_parse__names(void)
{
    st_type *s = schema(SCHEMA);
    st_partition_spec spec;
    st_pass(st_partition_spec_parse(&spec, "bucket(8, addr.zip), `odd name`, truncate(3, addr.city)",
                                    s, NULL));
    st_assert_eq_str(spec.fields[0].name, "addr.zip_bucket");
    st_assert_eq_str(spec.fields[1].name, "odd name");
    st_assert_eq_str(spec.fields[2].name, "addr.city_trunc");
    spec_free(&spec);
    /* an identity field may carry its own column's name, also when aliased to it */
    st_pass(st_partition_spec_parse(&spec, "region as region", s, NULL));
    st_assert_eq_str(spec.fields[0].name, "region");
    spec_free(&spec);
    st_type_free(s);
}

void test_spec_partition_parse__errors(void)
{
    assert_spec_error(SCHEMA, "day(ts), bucket(16, nope)", "unknown column 'nope'",
                      "'bucket(16, nope)'");
    assert_spec_error(SCHEMA, "nope", "unknown column 'nope'", "partition field 'nope'");
    assert_spec_error(SCHEMA, "bucket(16, d)", "bucket cannot apply to double",
                      "'bucket(16, d)'");
    assert_spec_error(SCHEMA, "hour(x)", "hour cannot apply to int", NULL);
    assert_spec_error(SCHEMA, "addr", "identity cannot apply to struct", NULL);
    assert_spec_error(SCHEMA, "day(ts), day(ts)", "duplicate", "'day(ts)'");
    assert_spec_error(SCHEMA, "bucket(4, id), bucket(4, id) as b2", "duplicate", NULL);
    assert_spec_error(SCHEMA, "ts, ts", "duplicate partition field name 'ts'", NULL);
    assert_spec_error(SCHEMA, "day(ts) as p, month(ts) as p", "duplicate partition field name",
                      NULL);
    assert_spec_error(SCHEMA, "bucket(0, id)", "bad number", "'bucket(0, id)'");
    assert_spec_error(SCHEMA, "truncate(99999999999, name)", "bad number", NULL);
    assert_spec_error(SCHEMA, "bucket(id)", "takes a number and a column", NULL);
    assert_spec_error(SCHEMA, "bucket(4, 5)", "unexpected number", NULL);
    assert_spec_error(SCHEMA, "bucket(x, id)", "takes one column", NULL);
    assert_spec_error(SCHEMA, "day(ts, 3)", "unexpected number", NULL);
    assert_spec_error(SCHEMA, "frob(ts)", "unknown transform 'frob'", NULL);
    assert_spec_error(SCHEMA, "day(ts", "expected ')'", NULL);
    assert_spec_error(SCHEMA, "day()", "expected a column name", NULL);
    assert_spec_error(SCHEMA, "day(ts) x", "unexpected 'x'", NULL);
    assert_spec_error(SCHEMA, "day(ts),", "expected a field after ','", NULL);
    assert_spec_error(SCHEMA, ", day(ts)", "expected a column name", NULL);
    assert_spec_error(SCHEMA, "tags.element", "inside a list or map", NULL);
    assert_spec_error(SCHEMA, "m.v", "inside a list or map", NULL);
    assert_spec_error(SCHEMA, "`unterminated", "unterminated quoted name", NULL);
    assert_spec_error(SCHEMA, "region as", "expected a column name, found the end", NULL);
    assert_spec_error(SCHEMA, "region as ``", "empty partition field name", NULL);
    /* Java's name checks against the schema */
    assert_spec_error("id long, id_bucket int", "bucket(4, id)",
                      "partition field name 'id_bucket' is a different column", NULL);
    assert_spec_error(SCHEMA, "bucket(4, id) as region", "'region' is a different column", NULL);
    assert_spec_error(SCHEMA, "region as name", "'name' is a different column", NULL);
    /* control characters in the text are masked in the message */
    assert_spec_error(SCHEMA, "nope\x01", "'nope?'", NULL);
}

void test_spec_partition_parse__print_unusual(void)
{
    st_type *s = schema("id long, ts timestamp");
    st_partition_field fields[3];
    st_partition_spec spec = {0, fields, 3};
    fields[0] = (st_partition_field){77, 1000, (char *)"lost", {0}};
    fields[1] = (st_partition_field){1, 1001, (char *)"id_zorder", {0}};
    fields[2] = (st_partition_field){2, 1002, (char *)"ts_day", {0}};
    st_pass(st_transform_parse(&fields[0].transform, "identity"));
    st_pass(st_transform_parse(&fields[1].transform, "zorder"));
    st_pass(st_transform_parse(&fields[2].transform, "day"));
    assert_spec_text(&spec, s, "#77 as lost, zorder(id) as id_zorder, day(ts)");
    st_type_free(s);
}

/* ---------------------------------------------------------- sort orders */

static void assert_order(const char *text, const char *printed)
{
    st_type *s = schema(SCHEMA);
    st_sort_order o, again;
    st_buf b = ST_BUF_INIT;
    st_pass(st_sort_order_parse(&o, text, s));
    st_pass(st_sort_order_to_string(&b, &o, s));
    st_assert_eq_str(st_buf_cstr(&b), printed);
    st_pass(st_sort_order_parse(&again, st_buf_cstr(&b), s));
    st_assert_eq_i64(again.n_fields, o.n_fields);
    for (int i = 0; i < o.n_fields; i++) {
        st_assert(again.fields[i].source_id == o.fields[i].source_id);
        st_assert(again.fields[i].descending == o.fields[i].descending);
        st_assert(again.fields[i].nulls_first == o.fields[i].nulls_first);
        st_assert_eq_str(again.fields[i].transform.text, o.fields[i].transform.text);
    }
    st_buf_dispose(&b);
    order_free(&o);
    order_free(&again);
    st_type_free(s);
}

void test_spec_partition_parse__sort_order(void)
{
    st_type *s = schema(SCHEMA);
    st_sort_order o;
    st_pass(st_sort_order_parse(&o, "ts desc, id", s));
    st_assert_eq_i64(o.order_id, 1);
    st_assert_eq_i64(o.n_fields, 2);
    st_assert(o.fields[0].source_id == 2 && o.fields[0].descending && !o.fields[0].nulls_first);
    st_assert_eq_str(o.fields[0].transform.text, "identity");
    st_assert(o.fields[1].source_id == 1 && !o.fields[1].descending && o.fields[1].nulls_first);
    order_free(&o);
    st_pass(st_sort_order_parse(&o, "name asc nulls last", s));
    st_assert(!o.fields[0].descending && !o.fields[0].nulls_first);
    order_free(&o);
    st_pass(st_sort_order_parse(&o, "bucket(4, id) desc", s));
    st_assert(o.fields[0].descending && !o.fields[0].nulls_first);
    st_assert_eq_str(o.fields[0].transform.text, "bucket[4]");
    order_free(&o);
    st_pass(st_sort_order_parse(&o, "day(ts)", s));
    st_assert(!o.fields[0].descending && o.fields[0].nulls_first);
    st_assert_eq_str(o.fields[0].transform.text, "day");
    order_free(&o);
    st_pass(st_sort_order_parse(&o, "", s));
    st_assert(o.order_id == 0 && o.n_fields == 0 && o.fields == NULL);
    st_type_free(s);

    assert_order("ts desc, id", "ts desc, id");
    assert_order("name asc nulls last", "name nulls last");
    assert_order("region DESC NULLS FIRST, x ASC NULLS FIRST", "region desc nulls first, x");
    assert_order("bucket(4, id) desc nulls last", "bucket(4, id) desc");
    assert_order("day(ts), truncate(3, addr.city) desc", "day(ts), truncate(3, addr.city) desc");
    assert_order("d desc", "d desc"); /* doubles sort fine */
}

static void assert_order_error(const char *text, const char *frag)
{
    st_type *s = schema(SCHEMA);
    st_sort_order o;
    st_fail_with(ST_EINVALID, st_sort_order_parse(&o, text, s));
    st_assert_contains(st_error_last()->message, frag);
    st_assert(o.fields == NULL && o.n_fields == 0);
    st_type_free(s);
}

void test_spec_partition_parse__sort_order_errors(void)
{
    assert_order_error("ts sideways", "sort field 'ts sideways': unexpected 's'");
    assert_order_error("ts nulls middle", "expected 'first' or 'last'");
    assert_order_error("nope desc", "unknown column 'nope'");
    assert_order_error("tags", "identity cannot apply to list");
    assert_order_error("tags.element", "inside a list or map");
    assert_order_error("bucket(4, d)", "bucket cannot apply to double");
    assert_order_error("id, ", "expected a field after ','");
    assert_order_error("id desc asc", "unexpected 'a'");
}

/* ------------------------------------------------------ allocation failures */

void test_spec_partition_parse__alloc_failures(void)
{
    st_type *s = schema(SCHEMA);
    const char *text = "day(ts), bucket(16, id), truncate(4, `odd name`), addr.city as c, "
                       "void(x), region, year(ts)";
    long n, done;
    for (n = 0;; n++) {
        st_partition_spec spec;
        st_sort_order o;
        st_buf b = ST_BUF_INIT;
        int32_t last = 999;
        int rc, parse_rc;
        st_alloc_fail_after(n);
        rc = parse_rc = st_partition_spec_parse(&spec, text, s, &last);
        if (rc == 0) {
            rc = st_partition_spec_to_string(&b, &spec, s);
            spec_free(&spec);
        }
        if (rc == 0 && (rc = st_sort_order_parse(&o, "ts desc, bucket(4, id), addr.city", s)) == 0) {
            rc = st_sort_order_to_string(&b, &o, s);
            order_free(&o);
        }
        done = st_alloc_fail_after(-1);
        st_buf_dispose(&b);
        if (rc == 0 && done <= n)
            break;
        st_assert_msg(rc == ST_ENOMEM || rc == 0, "failing allocation %ld gave %d (%s)", n, rc,
                      st_error_last()->message);
        if (parse_rc == ST_ENOMEM)
            st_assert_eq_i64(last, 999);
    }
    st_assert(n > 10);
    st_type_free(s);
}
