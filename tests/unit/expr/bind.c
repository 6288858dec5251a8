/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Binding: column resolution (nested structs, case, dotted names), literal
 * conversion for every type, refusals, NOT pushdown under three-valued logic
 * and constant folding.
 */
#include "st_test.h"

#include <supertable/errors.h>
#include <supertable/sys/alloc.h>
#include <supertable/types.h>

#include "expr/expr.h"

#define SCHEMA                                                                                  \
    "id long not null, i int, l long, f float, d double, dec decimal(5,2), s string, "          \
    "b boolean, dt date, t time, ts timestamp, tz timestamptz, tsn timestamp_ns, "              \
    "tzn timestamptz_ns, u uuid, fx fixed[3], bin binary, "                                     \
    "addr struct<city: string, zip: int not null>, tags list<string>, m map<string, int>, "     \
    "req struct<x: int not null> not null, `a.b` int, Name string, "                            \
    "deep struct<inner: struct<v: long>>"

static st_type *schema(void)
{
    st_type *t = NULL;
    st_pass(st_schema_parse(&t, SCHEMA));
    return t;
}

static st_expr *bind_ok(const char *text)
{
    st_type *s = schema();
    st_expr *u = NULL, *e = NULL;
    st_pass(st_expr_parse(&u, text));
    st_pass(st_expr_bind(&e, u, s, 0));
    st_assert(e->state == ST_EXPR_BOUND);
    st_expr_free(u);
    st_type_free(s);
    return e;
}

/* Binds `text`, checks the print, and that the print parses and binds to the same print. */
static void bound_as(const char *text, const char *expect)
{
    st_expr *e = bind_ok(text), *again;
    st_buf out = ST_BUF_INIT;
    st_pass(st_expr_to_string(&out, e));
    st_assert_eq_str(st_buf_cstr(&out), expect);
    again = bind_ok(st_buf_cstr(&out));
    st_buf_clear(&out);
    st_pass(st_expr_to_string(&out, again));
    st_assert_eq_str(st_buf_cstr(&out), expect);
    st_buf_dispose(&out);
    st_expr_free(e);
    st_expr_free(again);
}

static void bind_error(int code, const char *text, const char *msg)
{
    st_type *s = schema();
    st_expr *u = NULL, *e = (st_expr *)1;
    st_pass(st_expr_parse(&u, text));
    st_fail_with(code, st_expr_bind(&e, u, s, 0));
    st_assert(e == NULL);
    st_assert_contains(st_error_last()->message, msg);
    st_expr_free(u);
    st_type_free(s);
}

void test_expr_bind__resolves_columns(void)
{
    st_expr *e = bind_ok("addr.city = 'Paris'");
    st_assert_eq_i64(e->op, ST_EXPR_EQ);
    st_assert_eq_i64(e->term.type.id, ST_TYPE_STRING);
    st_assert_eq_i64(e->term.n_path, 2);
    st_assert(e->term.nullable);
    st_assert(e->term.field_id > 0);
    st_assert_eq_i64(e->lits[0].type, ST_TYPE_STRING);
    st_expr_free(e);
    e = bind_ok("id = 1");
    st_assert_eq_i64(e->term.field_id, 1);
    st_assert(!e->term.nullable);
    st_expr_free(e);
    bound_as("deep.inner.v > 3", "deep.inner.v > 3");
    /* case-insensitive by default: the schema's spelling wins */
    bound_as("NAME = 'x' AND ADDR.City = 'y'", "Name = 'x' AND addr.city = 'y'");
    /* a name with a dot, quoted or not */
    bound_as("`a.b` = 1", "\"a.b\" = 1");
    bound_as("a.b = 1", "\"a.b\" = 1");
}

void test_expr_bind__case_sensitivity_and_ambiguity(void)
{
    st_type *s = NULL;
    st_expr *u, *e;
    st_pass(st_schema_parse(&s, "name string, NAME int, Other int"));
    st_pass(st_expr_parse(&u, "Name = 'x'"));
    st_fail_with(ST_EINVALID, st_expr_bind(&e, u, s, 0));
    st_assert_contains(st_error_last()->message, "ambiguous");
    st_fail_with(ST_ENOTFOUND, st_expr_bind(&e, u, s, 1));
    st_expr_free(u);
    /* an exact match settles it */
    st_pass(st_expr_parse(&u, "NAME = 5 AND other = 1"));
    st_pass(st_expr_bind(&e, u, s, 0));
    st_assert_eq_i64(e->args[0]->term.type.id, ST_TYPE_INT);
    st_expr_free(e);
    st_fail_with(ST_ENOTFOUND, st_expr_bind(&e, u, s, 1));
    st_assert_contains(st_error_last()->message, "filter: column 'other' does not exist");
    st_expr_free(u);
    st_type_free(s);
}

void test_expr_bind__column_errors(void)
{
    bind_error(ST_ENOTFOUND, "nope = 1", "filter: column 'nope' does not exist");
    bind_error(ST_ENOTFOUND, "addr.nope = 1", "filter: column 'addr.nope' does not exist");
    bind_error(ST_ENOTFOUND, "i.x = 1", "filter: column 'i.x' does not exist ('i' is int)");
    bind_error(ST_EINVALID, "tags = 'x'", "column 'tags' is a list; only primitive columns");
    bind_error(ST_EINVALID, "tags.element = 'x'", "'tags' is a list; only fields of structs");
    bind_error(ST_EINVALID, "m.key = 'x'", "'m' is a map");
    bind_error(ST_EINVALID, "addr IS NULL", "column 'addr' is a struct");
    bind_error(ST_EINVALID, "i IS NAN", "IS NAN needs a float or double column; 'i' is int");
    bind_error(ST_EINVALID, "i LIKE 'a%'", "STARTS WITH and LIKE need a string column");
}

void test_expr_bind__integers(void)
{
    bound_as("i > 5", "i > 5");
    bound_as("i = '7'", "i = 7");
    bound_as("i = 1.0", "i = 1");
    bound_as("i = 1e2", "i = 100");
    bound_as("i = 2.50e1", "i = 25");
    bound_as("i = -2147483648", "i = -2147483648");
    bound_as("l = 5000000000", "l = 5000000000");
    bound_as("l = -9223372036854775808", "l = -9223372036854775808");
    /* beyond the column's range: folded, nulls kept unknown */
    bound_as("i = 5000000000", "FALSE");
    bound_as("i < 5000000000", "i IS NOT NULL");
    bound_as("i <= 2147483648", "i IS NOT NULL");
    bound_as("i >= 2147483648", "FALSE");
    bound_as("i != 5000000000", "i IS NOT NULL");
    bound_as("i > -5000000000", "i IS NOT NULL");
    bound_as("i < -5000000000", "FALSE");
    bound_as("l > 1e30", "FALSE");
    bound_as("l < 9223372036854775808", "l IS NOT NULL");
    bound_as("id < 1e30", "TRUE");
    bound_as("i IN (1, 5000000000, 2, 1)", "i IN (1, 2)");
    bound_as("i IN (3, 3)", "i = 3");
    bound_as("i IN (5000000000)", "FALSE");
    bound_as("i NOT IN (5000000000)", "i IS NOT NULL");
    bound_as("i NOT IN (5000000000, 4)", "i != 4");
    bind_error(ST_EINVALID, "i = 1.5", "filter: 1.5 is not an integer (column 'i' is int)");
    bind_error(ST_EINVALID, "i = 'abc'", "column 'i' is int: expected a number, not 'abc'");
    bind_error(ST_EINVALID, "i = TRUE", "expected a number, not true");
}

void test_expr_bind__decimals_and_floats(void)
{
    bound_as("dec = 1.2", "dec = 1.20");
    bound_as("dec = 5", "dec = 5.00");
    bound_as("dec >= -999.99", "dec >= -999.99");
    bound_as("dec = '1.5'", "dec = 1.50");
    bound_as("dec = 1.5e1", "dec = 15.00");
    bind_error(ST_EINVALID, "dec = 1.234", "filter: 1.234 does not fit decimal(5,2)");
    bind_error(ST_EINVALID, "dec > 1000", "filter: 1000 does not fit decimal(5,2)");
    bound_as("d = 1.5", "d = 1.5");
    bound_as("d = 1", "d = 1");
    bound_as("d > -2.5e-3", "d > -0.0025000000000000001");
    bound_as("f = 0.1", "f = 0.100000001");
    bound_as("d < 'Infinity'", "d < 'Infinity'");
    bound_as("d > '-inf'", "d > '-Infinity'");
    bound_as("d = '2.5'", "d = 2.5");
    bind_error(ST_EINVALID, "d = 1e400", "does not fit double");
    bind_error(ST_EINVALID, "f = 1e39", "does not fit float");
    bind_error(ST_EINVALID, "d = 'NaN'", "use IS NAN");
    bind_error(ST_EINVALID, "d = 'x'", "expected a number");
    bound_as("d IS NAN OR f IS NOT NAN", "d IS NAN OR f IS NOT NAN");
}

void test_expr_bind__dates_and_times(void)
{
    bound_as("dt >= '2024-03-01'", "dt >= '2024-03-01'");
    bound_as("dt IN ('2024-03-02', '2024-03-01')", "dt IN ('2024-03-01', '2024-03-02')");
    bound_as("t = '10:30'", "t = '10:30:00.000000'");
    bound_as("ts >= '2024-03-01'", "ts >= '2024-03-01T00:00:00.000000'");
    bound_as("ts < '2024-03-01T10:00:00'", "ts < '2024-03-01T10:00:00.000000'");
    bound_as("ts = '2024-03-01 10:00:00.5'", "ts = '2024-03-01T10:00:00.500000'");
    /* timestamptz: a zone is converted to UTC; none means UTC */
    bound_as("tz = '2024-03-01T10:00:00+02:00'", "tz = '2024-03-01T08:00:00.000000Z'");
    bound_as("tz = '2024-03-01'", "tz = '2024-03-01T00:00:00.000000Z'");
    bound_as("tsn = '2024-03-01T10:00:00.123456789'", "tsn = '2024-03-01T10:00:00.123456789'");
    bound_as("tzn > '2024-03-01T10:00:00.1Z'", "tzn > '2024-03-01T10:00:00.100000000Z'");
    bind_error(ST_EINVALID, "ts = '2024-03-01T10:00:00Z'",
               "has a time zone but column 'ts' is a timestamp without time zone");
    bind_error(ST_EINVALID, "dt = 5", "column 'dt' is date: expected a 'YYYY-MM-DD' string, not 5");
    bind_error(ST_EINVALID, "dt = '2024-02-30'", "'2024-02-30' is not a valid date (column 'dt')");
    bind_error(ST_EINVALID, "dt = '2024-03-01T10:00'", "is not a valid date");
    bind_error(ST_EINVALID, "ts = 'yesterday'", "is not a valid timestamp");
    bind_error(ST_EINVALID, "t = '25:00'", "is not a valid time");
}

void test_expr_bind__strings_bytes_uuids_booleans(void)
{
    st_expr *e;
    bound_as("s = 'x' OR s > 'it''s'", "s = 'x' OR s > 'it''s'");
    bound_as("s LIKE 'ab%'", "s STARTS WITH 'ab'");
    bound_as("s LIKE '%'", "s IS NOT NULL");
    bound_as("s NOT LIKE '%'", "FALSE");
    bind_error(ST_EINVALID, "s = 5", "column 's' is string: expected a 'quoted' string, not 5");
    bound_as("u = 'F79C3E09-677C-4BBD-A479-3F349CB785E7'",
             "u = 'f79c3e09-677c-4bbd-a479-3f349cb785e7'");
    bound_as("u = 'f79c3e09677c4bbda4793f349cb785e7'", "u = 'f79c3e09-677c-4bbd-a479-3f349cb785e7'");
    bind_error(ST_EINVALID, "u = 'f79c3e09-677c'", "expected a uuid string");
    bind_error(ST_EINVALID, "u = 'g79c3e09-677c-4bbd-a479-3f349cb785e7'", "expected a uuid string");
    bound_as("fx = 'abc'", "fx = 'abc'");
    bind_error(ST_EINVALID, "fx = 'ab'", "'ab' is 2 bytes but column 'fx' is fixed[3]");
    bound_as("bin = 'raw'", "bin = 'raw'");
    e = bind_ok("u = 'f79c3e09-677c-4bbd-a479-3f349cb785e7'");
    st_assert_eq_i64(e->lits[0].v.bytes.len, 16);
    st_assert_eq_i64(e->lits[0].v.bytes.ptr[0], 0xf7);
    st_expr_free(e);
    bound_as("b", "b = TRUE");
    bound_as("NOT b", "b = FALSE");
    bound_as("b != TRUE", "b = FALSE");
    bound_as("b = 'false'", "b = FALSE");
    bound_as("b IN (TRUE, FALSE)", "b IS NOT NULL");
    bound_as("b NOT IN (TRUE, FALSE, TRUE)", "FALSE");
    bind_error(ST_EINVALID, "b = 1", "expected TRUE or FALSE");
    bind_error(ST_EINVALID, "i", "column 'i' is int: expected a number, not true");
}

void test_expr_bind__not_pushdown(void)
{
    bound_as("NOT (i > 5 AND s = 'x')", "i <= 5 OR s != 'x'");
    bound_as("NOT (i > 5 OR s = 'x')", "i <= 5 AND s != 'x'");
    bound_as("NOT NOT i = 1", "i = 1");
    bound_as("NOT (i IN (1, 2))", "i NOT IN (1, 2)");
    bound_as("NOT (i NOT IN (1, 2))", "i IN (1, 2)");
    bound_as("NOT (i IS NULL)", "i IS NOT NULL");
    bound_as("NOT s STARTS WITH 'a'", "s NOT STARTS WITH 'a'");
    bound_as("NOT s NOT LIKE 'a%'", "s STARTS WITH 'a'");
    bound_as("NOT (d IS NAN)", "d IS NOT NAN");
    /* NaN: x < 5 is false for NaN, so its complement must include NaN */
    bound_as("NOT (d < 5)", "d >= 5 OR d IS NAN");
    bound_as("NOT (f >= 5)", "f < 5 OR f IS NAN");
    bound_as("NOT (d = 5)", "d != 5");
    bound_as("NOT (d != 5)", "d = 5");
    bound_as("NOT (i BETWEEN 1 AND 5)", "i < 1 OR i > 5");
    /* a folded constant is negated before folding: nulls stay unknown */
    bound_as("NOT (i = 5000000000)", "i IS NOT NULL");
    bound_as("NOT (i != 5000000000)", "FALSE");
    bound_as("NOT (id = 5000000000000000000000)", "TRUE");
}

void test_expr_bind__folding(void)
{
    bound_as("TRUE AND i = 1", "i = 1");
    bound_as("FALSE OR i = 1", "i = 1");
    bound_as("i = 1 OR TRUE", "TRUE");
    bound_as("i = 1 AND FALSE", "FALSE");
    bound_as("NOT TRUE", "FALSE");
    bound_as("NOT (TRUE AND FALSE)", "TRUE");
    bound_as("id IS NULL", "FALSE");
    bound_as("id IS NOT NULL", "TRUE");
    bound_as("id IS NULL OR i = 1", "i = 1");
    bound_as("NOT (id IS NULL)", "TRUE");
    /* a required field under an optional struct can still be null */
    bound_as("addr.zip IS NULL", "addr.zip IS NULL");
    bound_as("req.x IS NULL", "FALSE");
    bound_as("(i = 1 AND (l = 2 AND s = 'a')) AND d = 1", "i = 1 AND l = 2 AND s = 'a' AND d = 1");
}

void test_expr_bind__field_ids(void)
{
    st_expr *e = bind_ok("i = 1 OR (s = 'a' AND i > 3 AND addr.city IS NULL)");
    int32_t *ids;
    int n;
    st_pass(st_expr_field_ids(&ids, &n, e));
    st_assert_eq_i64(n, 3);
    st_assert(ids[0] < ids[1] && ids[1] < ids[2]);
    st_free(ids);
    st_expr_free(e);
}

void test_expr_bind__bad_calls(void)
{
    st_type *s = schema();
    st_expr *u, *e, *again;
    st_pass(st_expr_parse(&u, "i = 1"));
    st_pass(st_expr_bind(&e, u, s, 1));
    st_fail_with(ST_EINVALID, st_expr_bind(&again, e, s, 1));
    st_fail_with(ST_EINVALID, st_expr_bind(&again, u, s->fields[0].type, 1));
    st_expr_free(u);
    st_expr_free(e);
    st_type_free(s);
}

void test_expr_bind__alloc_failures(void)
{
    st_type *s = schema();
    st_expr *u;
    long n;
    st_pass(st_expr_parse(&u, "NOT (i > 5 AND s = 'x') AND d IN (1, 2, 3) AND NOT (d < 2) "
                              "AND addr.city LIKE 'P%' AND u = 'f79c3e09677c4bbda4793f349cb785e7'"));
    for (n = 0; n < 10000; n++) {
        st_expr *e = NULL;
        long done;
        int rc;
        st_alloc_fail_after(n);
        rc = st_expr_bind(&e, u, s, 0);
        done = st_alloc_fail_after(-1);
        st_expr_free(e);
        if (rc == 0 && done <= n)
            break;
        st_assert_msg(rc == ST_ENOMEM || rc == 0, "failing allocation %ld gave %d", n, rc);
    }
    st_assert(n > 1);
    st_expr_free(u);
    st_type_free(s);
}
