/* SPDX-License-Identifier: Apache-2.0 */
/* Tests for io/: local and memory inputs and outputs. */
#include "st_test.h"

#include <sys/stat.h>
#include <supertable/errors.h>
#include <supertable/io.h>
#include "util/alloc.h"

void test_io_file__write_then_read(void)
{
    st_output *o;
    st_input *in;
    const char *path = st_test_path("a.bin");
    char big[3 << 20];
    uint8_t got[16];
    memset(big, 'x', sizeof(big));
    st_pass(st_output_open_file(&o, path, ST_OUTPUT_REPLACE));
    st_pass(st_output_write(o, "hello ", 6));
    st_pass(st_output_write(o, big, sizeof(big)));
    st_pass(st_output_write(o, "world", 5));
    st_assert_eq_i64(st_output_tell(o), 11 + sizeof(big));
    st_pass(st_output_close(o));

    st_pass(st_input_open_file(&in, path));
    st_assert_eq_i64(st_input_size(in), 11 + sizeof(big));
    st_pass(st_input_read_at(in, 0, got, 6));
    st_assert_eq_mem(got, "hello ", 6);
    const uint8_t *v = st_input_view(in, 6 + sizeof(big), 5);
    st_assert(v != NULL);
    st_assert_eq_mem(v, "world", 5);
    st_fail_with(ST_ECORRUPT, st_input_read_at(in, st_input_size(in) - 2, got, 3));
    st_assert(st_input_view(in, UINT64_MAX - 1, 4) == NULL);
    st_input_free(in);
}

void test_io_file__missing_file(void)
{
    st_input *in;
    st_fail_with(ST_ENOTFOUND, st_input_open_file(&in, st_test_path("nope")));
    st_assert_contains(st_error_last()->message, "nope");
    st_assert(in == NULL);
    st_fail_with(ST_EINVALID, st_input_open_file(&in, st_test_tmpdir()));
}

void test_io_file__create_new_refuses_existing(void)
{
    st_output *o;
    const char *path = st_test_path("b.bin");
    st_pass(st_output_open_file(&o, path, ST_OUTPUT_CREATE_NEW));
    st_pass(st_output_write(o, "1", 1));
    st_pass(st_output_close(o));
    st_pass(st_output_open_file(&o, path, ST_OUTPUT_CREATE_NEW));
    st_pass(st_output_write(o, "2", 1));
    st_fail_with(ST_EEXISTS, st_output_close(o));
    size_t n;
    uint8_t *d = st_test_read_file(path, &n);
    st_assert(n == 1 && d[0] == '1');
    free(d);
}

void test_io_file__abort_leaves_nothing(void)
{
    st_output *o;
    struct stat sb;
    const char *path = st_test_path("c.bin");
    st_pass(st_output_open_file(&o, path, ST_OUTPUT_REPLACE));
    st_pass(st_output_write(o, "x", 1));
    st_output_abort(o);
    st_assert(stat(path, &sb) != 0);
}

void test_io_file__memory(void)
{
    st_output *o;
    st_input *in;
    uint8_t *data;
    size_t len;
    char got[4];
    st_pass(st_output_open_memory(&o));
    st_pass(st_output_write(o, "abcd", 4));
    st_pass(st_output_take_memory(o, &data, &len));
    st_assert_eq_i64(len, 4);
    st_pass(st_input_open_memory(&in, data, len, "mem"));
    st_pass(st_input_read_at(in, 1, got, 3));
    st_assert_eq_mem(got, "bcd", 3);
    st_assert_eq_str(st_input_name(in), "mem");
    st_input_free(in);
    st_free(data);
}

void test_io_file__buffer_output(void)
{
    st_output *o;
    uint8_t *data = (uint8_t *)"junk";
    size_t len = 99;
    st_pass(st_output_open_buffer(&o, &data, &len));
    st_assert(data == NULL && len == 0);
    st_pass(st_output_write(o, "parquet", 7));
    st_pass(st_output_close(o));
    st_assert_eq_i64(len, 7);
    st_assert_eq_mem(data, "parquet", 7);
    st_free(data);
    /* Aborted: nothing handed over. */
    st_pass(st_output_open_buffer(&o, &data, &len));
    st_pass(st_output_write(o, "x", 1));
    st_output_abort(o);
    st_assert(data == NULL);
    /* A plain memory output cannot be "closed". */
    st_pass(st_output_open_memory(&o));
    st_fail_with(ST_EINVALID, st_output_close(o));
}
