/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Row evaluation: random batches (nulls, NaN, -0.0, null parent structs over
 * valid children) and random filters (every predicate form under AND, OR and
 * NOT) checked row by row against the naive three-valued evaluator of
 * gen.c; named cases for the other types; errors.
 */
#include "st_test.h"

#include <math.h>

#include <supertable/errors.h>
#include <supertable/sys/alloc.h>
#include <supertable/types.h>
#include <supertable/vector.h>

#include "expr/expr.h"
#include "gen.h"

/* ------------------------------------------------------------- tests */

void test_expr_eval__random_filters_match_reference(void)
{
    st_type *schema;
    const int n = 300;
    gen_val *rows = malloc(sizeof(gen_val) * (size_t)n * GEN_NCOLS);
    uint8_t *keep = malloc((size_t)n);
    gen_node pool[GEN_POOL];
    long some = 0, none = 0, all = 0;
    st_pass(st_schema_parse(&schema, GEN_SCHEMA));
    gen_seed(12345);
    for (int batch = 0; batch < 4; batch++) {
        st_batch *b = gen_batch(schema, n, rows);
        for (int iter = 0; iter < 500; iter++) {
            int used = 0, matched = 0;
            gen_node *g = gen_tree(pool, &used, 3);
            st_buf text = ST_BUF_INIT;
            st_expr *u, *e;
            gen_text(&text, g);
            st_pass(st_expr_parse(&u, st_buf_cstr(&text)));
            st_pass(st_expr_bind(&e, u, schema, 1));
            memset(keep, 7, (size_t)n);
            st_pass(st_expr_eval_batch(e, b, keep));
            for (int r = 0; r < n; r++) {
                int want = gen_eval(g, rows + r * GEN_NCOLS) == T3_T;
                st_assert_msg(keep[r] == want, "row %d: %s gave %d, expected %d", r,
                              st_buf_cstr(&text), keep[r], want);
                matched += want;
            }
            some += matched > 0 && matched < n;
            none += matched == 0;
            all += matched == n;
            st_expr_free(u);
            st_expr_free(e);
            st_buf_dispose(&text);
        }
        st_batch_free(b);
    }
    /* the filters are neither trivially empty nor trivially full */
    st_assert_msg(some > 1000 && none > 100 && all > 10, "some %ld, none %ld, all %ld", some, none,
                  all);
    st_type_free(schema);
    free(rows);
    free(keep);
}

static void eval_one(st_batch *b, st_type *schema, const char *text, const char *expect)
{
    st_expr *u, *e;
    uint8_t keep[16];
    char got[17];
    st_pass(st_expr_parse(&u, text));
    st_pass(st_expr_bind(&e, u, schema, 1));
    st_pass(st_expr_eval_batch(e, b, keep));
    for (int64_t i = 0; i < b->length; i++)
        got[i] = (char)('0' + keep[i]);
    got[b->length] = 0;
    st_assert_msg(strcmp(got, expect) == 0, "%s: got %s, expected %s", text, got, expect);
    st_expr_free(u);
    st_expr_free(e);
}

void test_expr_eval__named_cases(void)
{
    st_type *schema;
    st_batch *b;
    st_pass(st_schema_parse(&schema, "x double, s string, u uuid, fx fixed[2], bin binary"));
    st_pass(st_batch_new(&b, schema, 4));
    st_pass(st_vector_append_f64(b->columns[0], 1.0));
    st_pass(st_vector_append_f64(b->columns[0], NAN));
    st_pass(st_vector_append_null(b->columns[0]));
    st_pass(st_vector_append_f64(b->columns[0], -0.0));
    st_pass(st_vector_append_bytes(b->columns[1], "abc", 3));
    st_pass(st_vector_append_bytes(b->columns[1], "ab", 2));
    st_pass(st_vector_append_null(b->columns[1]));
    st_pass(st_vector_append_bytes(b->columns[1], "b", 1));
    for (int i = 0; i < 4; i++) {
        uint8_t id[16] = {0};
        id[15] = (uint8_t)i;
        st_pass(st_vector_append_bytes(b->columns[2], id, 16));
        st_pass(st_vector_append_bytes(b->columns[3], i % 2 ? "zz" : "aa", 2));
        st_pass(st_vector_append_bytes(b->columns[4], i % 2 ? "\x01" : "\x00\x01", i % 2 ? 1 : 2));
    }
    st_pass(st_batch_seal(b));
    eval_one(b, schema, "x < 2", "1001");
    eval_one(b, schema, "NOT (x < 2)", "0100");
    eval_one(b, schema, "x != 1", "0101");
    eval_one(b, schema, "x = 0", "0001");
    eval_one(b, schema, "x IS NAN", "0100");
    eval_one(b, schema, "x IS NOT NAN", "1011");
    eval_one(b, schema, "x IS NULL OR x IS NAN", "0110");
    eval_one(b, schema, "x NOT IN (1, 2)", "0101");
    eval_one(b, schema, "NOT (x IN (1, 2))", "0101");
    eval_one(b, schema, "s LIKE 'ab%'", "1100");
    eval_one(b, schema, "s NOT LIKE 'ab%'", "0001");
    eval_one(b, schema, "s >= 'ab'", "1101");
    eval_one(b, schema, "s IN ('b', 'abc', 'zzz')", "1001");
    eval_one(b, schema, "u = '00000000-0000-0000-0000-000000000002'", "0010");
    eval_one(b, schema, "u > '00000000-0000-0000-0000-000000000001'", "0011");
    eval_one(b, schema, "fx = 'zz'", "0101");
    eval_one(b, schema, "fx IN ('aa', 'qq')", "1010");
    eval_one(b, schema, "bin < 'a'", "1111");
    eval_one(b, schema, "TRUE", "1111");
    eval_one(b, schema, "FALSE OR x IS NULL", "0010");
    st_batch_free(b);
    st_type_free(schema);
}

void test_expr_eval__errors(void)
{
    st_type *schema, *other;
    st_batch *b, *empty;
    st_expr *u, *e;
    uint8_t keep[4];
    st_pass(st_schema_parse(&schema, "a int, b string"));
    st_pass(st_schema_parse(&other, "a long, c string"));
    st_pass(st_batch_new(&b, other, 2));
    st_pass(st_vector_append_i64(b->columns[0], 1));
    st_pass(st_vector_append_i64(b->columns[0], 2));
    st_pass(st_vector_append_bytes(b->columns[1], "x", 1));
    st_pass(st_vector_append_bytes(b->columns[1], "y", 1));
    st_pass(st_batch_seal(b));
    st_pass(st_expr_parse(&u, "a = 1"));
    st_fail_with(ST_EINVALID, st_expr_eval_batch(u, b, keep));
    st_pass(st_expr_bind(&e, u, schema, 1));
    st_fail_with(ST_EINVALID, st_expr_eval_batch(e, b, keep));
    st_assert_contains(st_error_last()->message, "column 'a' (field id 1) is long in the batch but int");
    st_expr_free(e);
    st_expr_free(u);
    st_pass(st_expr_parse(&u, "b = 'x'"));
    st_pass(st_expr_bind(&e, u, schema, 1));
    /* field id 2 is c in the other schema: same id, same type: evaluated by id */
    st_pass(st_expr_eval_batch(e, b, keep));
    st_assert(keep[0] == 1 && keep[1] == 0);
    st_expr_free(e);
    st_expr_free(u);
    st_type_free(other);
    st_pass(st_schema_parse(&other, "z int"));
    st_pass(st_batch_new(&empty, other, 0));
    st_pass(st_expr_parse(&u, "b = 'x'"));
    st_pass(st_expr_bind(&e, u, schema, 1));
    st_pass(st_expr_eval_batch(e, empty, keep)); /* no rows, nothing looked up */
    st_batch_free(empty);
    st_pass(st_batch_new(&empty, other, 1));
    st_pass(st_vector_append_i32(empty->columns[0], 1));
    st_pass(st_batch_seal(empty));
    st_fail_with(ST_ENOTFOUND, st_expr_eval_batch(e, empty, keep));
    st_assert_contains(st_error_last()->message, "column 'b' (field id 2) is not in the batch");
    st_expr_free(e);
    st_expr_free(u);
    st_batch_free(empty);
    st_batch_free(b);
    st_type_free(other);
    st_type_free(schema);
}

void test_expr_eval__alloc_failures(void)
{
    st_type *schema;
    gen_val rows[40 * GEN_NCOLS];
    uint8_t keep[40];
    st_batch *b;
    st_expr *u, *e;
    long n;
    st_pass(st_schema_parse(&schema, GEN_SCHEMA));
    gen_seed(9);
    b = gen_batch(schema, 40, rows);
    st_pass(st_expr_parse(&u, "(i IN (1, 2, 3) OR st.y IN ('a', 'b')) AND NOT (d < 1) AND "
                              "(st.x > 0 OR s LIKE 'a%' OR dt IN ('2024-03-01', '2024-03-02'))"));
    st_pass(st_expr_bind(&e, u, schema, 1));
    for (n = 0; n < 1000; n++) {
        long done;
        int rc;
        st_alloc_fail_after(n);
        rc = st_expr_eval_batch(e, b, keep);
        done = st_alloc_fail_after(-1);
        if (rc == 0 && done <= n)
            break;
        st_assert_msg(rc == ST_ENOMEM || rc == 0, "failing allocation %ld gave %d", n, rc);
    }
    st_assert(n > 1);
    st_expr_free(u);
    st_expr_free(e);
    st_batch_free(b);
    st_type_free(schema);
}
