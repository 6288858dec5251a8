/* SPDX-License-Identifier: Apache-2.0 */
/* Tests for batches and the batch-reader dispatch. */
#include "st_test.h"

#include <supertable/errors.h>
#include <supertable/types.h>
#include <supertable/vector.h>
#include <supertable/sys/alloc.h>

void test_columnar_batch__new_seal_and_from_vectors(void)
{
    st_type *schema = NULL;
    st_batch *b, *c;
    st_pass(st_schema_parse(&schema, "id long not null, name string"));
    st_pass(st_batch_new(&b, schema, 8));
    st_assert_eq_i64(b->n_columns, 2);
    st_pass(st_vector_append_i64(b->columns[0], 1));
    st_pass(st_vector_append_bytes(b->columns[1], "x", 1));
    st_pass(st_vector_append_i64(b->columns[0], 2));
    st_fail_with(ST_EINVALID, st_batch_seal(b));
    st_pass(st_vector_append_null(b->columns[1]));
    st_pass(st_batch_seal(b));
    st_assert_eq_i64(b->length, 2);
    st_pass(st_batch_from_vectors(&c, schema, b->columns));
    st_assert_eq_i64(c->length, 2);
    st_assert(c->columns[0] == b->columns[0]);
    st_assert_eq_i64(b->columns[0]->refs_, 2);
    st_batch_free(c);
    st_fail_with(ST_EINVALID, st_batch_new(&c, st_type_primitive(ST_TYPE_INT), 1));
    {
        st_vector *cols[2] = {b->columns[1], b->columns[0]};
        st_fail_with(ST_EINVALID, st_batch_from_vectors(&c, schema, cols));
        st_assert_contains(st_error_last()->message, "schema's type");
    }
    st_batch_free(b);
    st_batch_free(NULL);
    st_type_free(schema);
}

typedef struct count_reader {
    st_batch_reader base;
    st_type *schema;
    int left;
    int freed;
} count_reader;

static int cr_next(st_batch_reader *r, st_batch **out)
{
    count_reader *c = (count_reader *)r;
    if (c->left == 0)
        return ST_ITEROVER;
    c->left--;
    return st_batch_new(out, c->schema, 1);
}

static st_type *cr_schema(st_batch_reader *r)
{
    return ((count_reader *)r)->schema;
}

static void cr_free(st_batch_reader *r)
{
    ((count_reader *)r)->freed = 1;
}

void test_columnar_batch__reader_dispatch(void)
{
    static const st_batch_reader_vtable vt = {cr_next, cr_schema, cr_free};
    count_reader r = {{&vt}, NULL, 2, 0};
    st_batch *b;
    int n = 0, rc;
    st_pass(st_schema_parse(&r.schema, "x int"));
    st_assert(st_batch_reader_schema(&r.base) == r.schema);
    while ((rc = st_batch_reader_next(&r.base, &b)) == 0) {
        st_batch_free(b);
        n++;
    }
    st_assert_eq_i64(rc, ST_ITEROVER);
    st_assert(b == NULL);
    st_assert_eq_i64(n, 2);
    st_batch_reader_free(&r.base);
    st_assert(r.freed);
    st_batch_reader_free(NULL);
    st_type_free(r.schema);
}
