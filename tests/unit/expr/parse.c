/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The filter syntax: every form, how it prints back (and that the printed
 * text parses to the same), keywords and quoting, and errors with offsets.
 */
#include "st_test.h"

#include <supertable/errors.h>
#include <supertable/sys/alloc.h>

#include "expr/expr.h"

/* Parses `in`, checks it prints as `expect`, and that the print parses and prints the same. */
static void roundtrip(const char *in, const char *expect)
{
    st_expr *e = NULL, *again = NULL;
    st_buf out = ST_BUF_INIT, out2 = ST_BUF_INIT;
    st_pass(st_expr_parse(&e, in));
    st_assert(e->state == ST_EXPR_UNBOUND);
    st_pass(st_expr_to_string(&out, e));
    st_assert_eq_str(st_buf_cstr(&out), expect);
    st_pass(st_expr_parse(&again, st_buf_cstr(&out)));
    st_pass(st_expr_to_string(&out2, again));
    st_assert_eq_str(st_buf_cstr(&out2), expect);
    st_buf_dispose(&out);
    st_buf_dispose(&out2);
    st_expr_free(e);
    st_expr_free(again);
}

static void parse_error(int code, const char *in, const char *msg)
{
    st_expr *e = (st_expr *)1;
    st_fail_with(code, st_expr_parse(&e, in));
    st_assert(e == NULL);
    st_assert_contains(st_error_last()->message, msg);
}

void test_expr_parse__comparisons(void)
{
    roundtrip("a > 5", "a > 5");
    roundtrip("a>=5", "a >= 5");
    roundtrip("a < 5", "a < 5");
    roundtrip("a <= -5", "a <= -5");
    roundtrip("a = 5", "a = 5");
    roundtrip("a == 5", "a = 5");
    roundtrip("a != 5", "a != 5");
    roundtrip("a <> 5", "a != 5");
    /* the literal may come first: the operator flips */
    roundtrip("5 < a", "a > 5");
    roundtrip("5 >= a", "a <= 5");
    roundtrip("'x' = b", "b = 'x'");
    roundtrip("TRUE = flag", "flag = TRUE");
}

void test_expr_parse__literals(void)
{
    roundtrip("a = 12", "a = 12");
    roundtrip("a = +12", "a = +12");
    roundtrip("a = 1.50", "a = 1.50");
    roundtrip("a = .5", "a = .5");
    roundtrip("a = 5.", "a = 5.");
    roundtrip("a = 1.5e3", "a = 1.5e3");
    roundtrip("a = -2E-3", "a = -2E-3");
    roundtrip("a = 'it''s'", "a = 'it''s'");
    roundtrip("a = ''", "a = ''");
    roundtrip("a = 'caf\xc3\xa9'", "a = 'caf\xc3\xa9'");
    roundtrip("a = true AND b = False", "a = TRUE AND b = FALSE");
    roundtrip("ts >= '2024-03-01'", "ts >= '2024-03-01'");
    roundtrip("ts < '2024-03-01T10:00:00'", "ts < '2024-03-01T10:00:00'");
}

void test_expr_parse__logic_and_precedence(void)
{
    st_expr *e;
    roundtrip("a > 5 AND (b = 'x' OR c IS NULL) AND d IN (1, 2, 3) AND NOT e",
              "a > 5 AND (b = 'x' OR c IS NULL) AND d IN (1, 2, 3) AND NOT e = TRUE");
    /* AND binds tighter than OR */
    st_pass(st_expr_parse(&e, "a = 1 OR b = 2 AND c = 3"));
    st_assert_eq_i64(e->op, ST_EXPR_OR);
    st_assert_eq_i64(e->n_args, 2);
    st_assert_eq_i64(e->args[1]->op, ST_EXPR_AND);
    st_expr_free(e);
    /* chains are one n-ary node, parentheses of the same op spliced in */
    st_pass(st_expr_parse(&e, "a = 1 AND (b = 2 AND c = 3) AND d = 4"));
    st_assert_eq_i64(e->op, ST_EXPR_AND);
    st_assert_eq_i64(e->n_args, 4);
    st_expr_free(e);
    roundtrip("(a = 1 OR b = 2) AND (c = 3 OR d = 4)", "(a = 1 OR b = 2) AND (c = 3 OR d = 4)");
    roundtrip("NOT (a = 1 OR b = 2)", "NOT (a = 1 OR b = 2)");
    roundtrip("NOT NOT a = 1", "NOT NOT a = 1");
    roundtrip("not a = 1 and not b", "NOT a = 1 AND NOT b = TRUE");
    roundtrip("((a = 1))", "a = 1");
    roundtrip("TRUE", "TRUE");
    roundtrip("NOT FALSE OR a IS NULL", "NOT FALSE OR a IS NULL");
    roundtrip("flag", "flag = TRUE");
}

void test_expr_parse__keywords_case_insensitive(void)
{
    roundtrip("a is not null and b Is NaN or NOT c In (1) AND d iS nOt NaN",
              "a IS NOT NULL AND b IS NAN OR NOT c IN (1) AND d IS NOT NAN");
    roundtrip("a not in (1, 2)", "a NOT IN (1, 2)");
    roundtrip("s starts with 'ab'", "s STARTS WITH 'ab'");
    roundtrip("s NOT STARTS WITH 'ab'", "s NOT STARTS WITH 'ab'");
}

void test_expr_parse__between(void)
{
    st_expr *e;
    roundtrip("col BETWEEN 1 AND 5", "col >= 1 AND col <= 5");
    roundtrip("col NOT BETWEEN 1 AND 5", "NOT (col >= 1 AND col <= 5)");
    roundtrip("col between 'a' and 'b' and x = 1", "col >= 'a' AND col <= 'b' AND x = 1");
    st_pass(st_expr_parse(&e, "a BETWEEN 1 AND 5 AND b = 2"));
    st_assert_eq_i64(e->op, ST_EXPR_AND);
    st_assert_eq_i64(e->n_args, 3);
    st_expr_free(e);
}

void test_expr_parse__like(void)
{
    roundtrip("name LIKE 'abc%'", "name STARTS WITH 'abc'");
    roundtrip("name LIKE 'abc%%'", "name STARTS WITH 'abc'");
    roundtrip("name NOT LIKE 'ab%'", "name NOT STARTS WITH 'ab'");
    roundtrip("name LIKE 'abc'", "name = 'abc'");
    roundtrip("name NOT LIKE 'abc'", "name != 'abc'");
    roundtrip("name LIKE '%'", "name STARTS WITH ''");
    parse_error(ST_EUNSUPPORTED, "name LIKE 'a%b'", "only prefix patterns");
    parse_error(ST_EUNSUPPORTED, "name LIKE '%abc'", "LIKE '%abc' is not supported");
    parse_error(ST_EUNSUPPORTED, "name LIKE 'a_c%'", "only prefix patterns");
    parse_error(ST_EINVALID, "name LIKE 5", "LIKE needs a 'pattern' string at offset 10");
}

void test_expr_parse__identifiers(void)
{
    st_expr *e;
    roundtrip("\"odd name\" = 1", "\"odd name\" = 1");
    roundtrip("`x``y` = 1", "\"x`y\" = 1");
    roundtrip("\"a\"\"b\" = 1", "\"a\"\"b\" = 1");
    roundtrip("addr.city = 'Paris'", "addr.city = 'Paris'");
    roundtrip("\"and\" = 1", "\"and\" = 1");
    roundtrip("\"NaN\" = 1", "\"NaN\" = 1");
    roundtrip("_x1 = 1", "_x1 = 1");
    roundtrip("\"1st\" = 1", "\"1st\" = 1");
    roundtrip("caf\xc3\xa9 = 1", "\"caf\xc3\xa9\" = 1");
    st_pass(st_expr_parse(&e, "\"a.b\".c = 1"));
    st_assert_eq_i64(e->term.n_path, 2);
    st_assert_eq_str(e->term.path[0], "a.b");
    st_assert_eq_str(e->term.path[1], "c");
    st_expr_free(e);
    st_pass(st_expr_parse(&e, "a . b . c IS NULL"));
    st_assert_eq_i64(e->term.n_path, 3);
    st_expr_free(e);
    /* contextual words stay usable as plain names */
    roundtrip("nan IS NULL AND starts = 1 AND with < 2",
              "\"nan\" IS NULL AND \"starts\" = 1 AND \"with\" < 2");
}

void test_expr_parse__in_lists(void)
{
    st_expr *e;
    st_pass(st_expr_parse(&e, "d IN (1, 'two', 3.5, TRUE)"));
    st_assert_eq_i64(e->op, ST_EXPR_IN);
    st_assert_eq_i64(e->n_lits, 4);
    st_assert_eq_i64(e->ulits[0].kind, ST_LIT_NUMBER);
    st_assert_eq_i64(e->ulits[1].kind, ST_LIT_STRING);
    st_assert_eq_str(e->ulits[1].text, "two");
    st_assert_eq_i64(e->ulits[3].kind, ST_LIT_BOOLEAN);
    st_expr_free(e);
    roundtrip("d IN (-1)", "d IN (-1)");
}

void test_expr_parse__errors(void)
{
    parse_error(ST_EINVALID, "a > 5 AND )", "filter: unexpected ')' at offset 10");
    parse_error(ST_EINVALID, "", "unexpected end of input at offset 0");
    parse_error(ST_EINVALID, "   ", "unexpected end of input at offset 3");
    parse_error(ST_EINVALID, "a >", "unexpected end of input at offset 3");
    parse_error(ST_EINVALID, "(a = 1", "unexpected end of input at offset 6");
    parse_error(ST_EINVALID, "a = 1)", "unexpected ')' at offset 5");
    parse_error(ST_EINVALID, "a = 1 b = 2", "unexpected 'b' at offset 6");
    parse_error(ST_EINVALID, "a = NULL", "use IS NULL");
    parse_error(ST_EINVALID, "a != null", "use IS NULL or IS NOT NULL");
    parse_error(ST_EINVALID, "NULL = a", "use IS NULL");
    parse_error(ST_EINVALID, "a IN (1, NULL)", "NULL in an IN list never matches; use IS NULL at offset 9");
    parse_error(ST_EINVALID, "a BETWEEN NULL AND 1", "use IS NULL");
    parse_error(ST_EINVALID, "a = 'abc", "unterminated string at offset 4");
    parse_error(ST_EINVALID, "\"abc = 1", "unterminated quoted name at offset 0");
    parse_error(ST_EINVALID, "\"\" = 1", "empty quoted name at offset 0");
    parse_error(ST_EUNSUPPORTED, "a = b", "comparing two columns is not supported at offset 4");
    parse_error(ST_EUNSUPPORTED, "a = \"b\"", "strings take 'single quotes'");
    parse_error(ST_EINVALID, "1 = 1", "needs a column");
    parse_error(ST_EINVALID, "a IN ()", "unexpected ')' at offset 6");
    parse_error(ST_EINVALID, "a IN 1", "unexpected '1' at offset 5");
    parse_error(ST_EINVALID, "a IN (1, 2", "unexpected end of input at offset 10");
    parse_error(ST_EUNSUPPORTED, "a IN (b)", "comparing columns is not supported");
    parse_error(ST_EINVALID, "a IS 5", "expected NULL or NAN after IS at offset 5");
    parse_error(ST_EINVALID, "a NOT 5", "expected IN, BETWEEN, LIKE or STARTS WITH after NOT at offset 2");
    parse_error(ST_EINVALID, "a BETWEEN 1 OR 2", "unexpected 'OR' at offset 12");
    parse_error(ST_EINVALID, "a STARTS 'x'", "unexpected string at offset 9");
    parse_error(ST_EINVALID, "a STARTS WITH 5", "STARTS WITH needs a 'string'");
    parse_error(ST_EINVALID, "a = 1e", "malformed number");
    parse_error(ST_EINVALID, "a = 12abc", "malformed number at offset 4");
    parse_error(ST_EINVALID, "a = 1.2.3", "malformed number at offset 4");
    parse_error(ST_EINVALID, "a = #", "unexpected character '#' at offset 4");
    parse_error(ST_EINVALID, "a ! 1", "did you mean '!='?");
    parse_error(ST_EINVALID, "a = \x01", "unexpected byte 0x01 at offset 4");
    parse_error(ST_EINVALID, "NOT", "unexpected end of input at offset 3");
    parse_error(ST_EINVALID, "a = -", "'-' must be followed by a number at offset 4");
    parse_error(ST_EINVALID, "a = - 'x'", "'-' must be followed by a number");
    parse_error(ST_EINVALID, "and = 1", "unexpected 'and' at offset 0");
    parse_error(ST_EINVALID, "a. = 1", "unexpected '=' at offset 3");
    parse_error(ST_EINVALID, "5", "a literal is not a condition at offset 0");
    parse_error(ST_EINVALID, "'x' AND a", "unexpected 'AND' at offset 4");
    parse_error(ST_EINVALID, "NULL", "NULL is not a condition");
    parse_error(ST_EINVALID, "a = 1 AND", "unexpected end of input at offset 9");
    parse_error(ST_EINVALID, "a = 1 OR OR b = 2", "unexpected 'OR' at offset 9");
}

void test_expr_parse__depth_limit(void)
{
    char buf[1200];
    size_t k = 0;
    st_expr *e = NULL;
    for (int i = 0; i < 90; i++)
        buf[k++] = '(';
    k += (size_t)sprintf(buf + k, "a = 1");
    for (int i = 0; i < 90; i++)
        buf[k++] = ')';
    buf[k] = 0;
    st_pass(st_expr_parse(&e, buf));
    st_expr_free(e);
    k = 0;
    for (int i = 0; i < 500; i++)
        buf[k++] = '(';
    buf[k] = 0;
    parse_error(ST_EINVALID, buf, "nested too deeply");
    k = 0;
    for (int i = 0; i < 200; i++)
        k += (size_t)sprintf(buf + k, "NOT ");
    sprintf(buf + k, "a");
    parse_error(ST_EINVALID, buf, "nested too deeply");
}

void test_expr_parse__long_chains(void)
{
    /* 20000 terms: one flat node, printing and freeing do not recurse per term */
    st_buf text = ST_BUF_INIT, out = ST_BUF_INIT;
    st_expr *e;
    for (int i = 0; i < 20000; i++)
        st_pass(st_buf_printf(&text, "%sa%d = %d", i ? (i % 2 ? " AND " : " OR ") : "", i, i));
    st_pass(st_expr_parse(&e, st_buf_cstr(&text)));
    st_assert_eq_i64(e->op, ST_EXPR_OR);
    st_pass(st_expr_to_string(&out, e));
    st_assert_eq_str(st_buf_cstr(&out), st_buf_cstr(&text));
    st_expr_free(e);
    st_buf_dispose(&text);
    st_buf_dispose(&out);
}

void test_expr_parse__clone_and_combine(void)
{
    st_expr *a, *b, *c, *d;
    st_buf out = ST_BUF_INIT;
    st_pass(st_expr_parse(&a, "x = 1 OR y = 2"));
    st_pass(st_expr_parse(&b, "z IN ('a', 'b')"));
    st_pass(st_expr_combine(&c, ST_EXPR_AND, a, b));
    st_pass(st_expr_to_string(&out, c));
    st_assert_eq_str(st_buf_cstr(&out), "(x = 1 OR y = 2) AND z IN ('a', 'b')");
    st_pass(st_expr_clone(&d, c));
    st_expr_free(c);
    st_buf_clear(&out);
    st_pass(st_expr_to_string(&out, d));
    st_assert_eq_str(st_buf_cstr(&out), "(x = 1 OR y = 2) AND z IN ('a', 'b')");
    st_fail_with(ST_EINVALID, st_expr_combine(&c, ST_EXPR_NOT, a, b));
    st_expr_free(a);
    st_expr_free(b);
    st_expr_free(d);
    st_expr_free(NULL);
    st_buf_dispose(&out);
}

void test_expr_parse__alloc_failures(void)
{
    const char *text = "a > 5 AND (b = 'x' OR c IS NULL) AND d IN (1, 2, 3) AND NOT e "
                       "AND s LIKE 'ab%' AND x BETWEEN 1 AND 9";
    long n;
    for (n = 0; n < 10000; n++) {
        st_expr *e = NULL;
        long done;
        int rc;
        st_alloc_fail_after(n);
        rc = st_expr_parse(&e, text);
        done = st_alloc_fail_after(-1);
        st_expr_free(e);
        if (rc == 0 && done <= n)
            break;
        st_assert_msg(rc == ST_ENOMEM || rc == 0, "failing allocation %ld gave %d", n, rc);
    }
    st_assert(n > 1);
}
