/* SPDX-License-Identifier: Apache-2.0 */
/* Tests for parquet/thrift: the compact-protocol primitives, skipping and limits. */
#include "st_test.h"

#include <math.h>
#include <supertable/errors.h>
#include <supertable/sys/alloc.h>
#include "parquet/metadata.h"
#include "parquet/thrift.h"

/* Encodes v as an i64 and checks the exact bytes, then reads it back. */
static void check_int(int64_t v, const uint8_t *want, size_t want_len)
{
    st_buf b = ST_BUF_INIT;
    st_thrift_writer w;
    st_thrift_reader r;
    int64_t got = 0;
    st_thrift_writer_init(&w, &b);
    st_thrift_write_int(&w, v);
    st_pass(st_thrift_writer_finish(&w));
    st_assert_eq_u64(b.len, want_len);
    st_assert_eq_mem(b.ptr, want, want_len);
    st_thrift_reader_init(&r, b.ptr, b.len);
    st_pass(st_thrift_read_i64(&r, ST_THRIFT_I64, &got));
    st_assert_eq_i64(got, v);
    st_assert_eq_u64(st_thrift_remaining(&r), 0);
    st_buf_dispose(&b);
}

void test_parquet_thrift__varint_zigzag_edges(void)
{
    static const uint8_t zero[] = {0x00}, m1[] = {0x01}, p1[] = {0x02};
    static const uint8_t p64[] = {0x80, 0x01}, m64[] = {0x7f};
    static const uint8_t max[] = {0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01};
    static const uint8_t min[] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01};
    static const uint8_t i32min[] = {0xff, 0xff, 0xff, 0xff, 0x0f};
    check_int(0, zero, 1);
    check_int(-1, m1, 1);
    check_int(1, p1, 1);
    check_int(64, p64, 2);
    check_int(-64, m64, 1);
    check_int(INT64_MAX, max, 10);
    check_int(INT64_MIN, min, 10);
    check_int(INT32_MIN, i32min, 5);
    st_assert_eq_u64(st_thrift_zigzag(INT64_MIN), UINT64_MAX);
    st_assert_eq_i64(st_thrift_unzigzag(UINT64_MAX), INT64_MIN);
    st_assert_eq_i64(st_thrift_unzigzag(UINT64_MAX - 1), INT64_MAX);
    for (int64_t v = -300; v <= 300; v++)
        st_assert_eq_i64(st_thrift_unzigzag(st_thrift_zigzag(v)), v);
}

void test_parquet_thrift__uvarint_limits(void)
{
    static const uint8_t umax[] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01};
    static const uint8_t over[] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02};
    static const uint8_t eleven[] = {0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
                                     0x80, 0x00};
    static const uint8_t trunc[] = {0x80, 0x80};
    st_thrift_reader r;
    uint64_t u = 0;
    st_thrift_reader_init(&r, umax, sizeof(umax));
    st_pass(st_thrift_read_uvarint(&r, &u));
    st_assert_eq_u64(u, UINT64_MAX);
    st_thrift_reader_init(&r, over, sizeof(over));
    st_fail_with(ST_ECORRUPT, st_thrift_read_uvarint(&r, &u));
    st_assert_contains(st_error_last()->message, "64 bits");
    st_thrift_reader_init(&r, eleven, sizeof(eleven));
    st_fail_with(ST_ECORRUPT, st_thrift_read_uvarint(&r, &u));
    st_thrift_reader_init(&r, trunc, sizeof(trunc));
    st_fail_with(ST_ECORRUPT, st_thrift_read_uvarint(&r, &u));
    st_assert_contains(st_error_last()->message, "truncated varint at offset 0");
    st_assert_eq_i64(st_error_last()->klass, ST_ERROR_THRIFT);
    st_thrift_reader_init(&r, trunc, 0);
    st_fail_with(ST_ECORRUPT, st_thrift_read_uvarint(&r, &u));
}

void test_parquet_thrift__int_widths_and_ranges(void)
{
    static const uint8_t big[] = {0x80, 0x80, 0x80, 0x80, 0x10}; /* zigzag 2^31 */
    static const uint8_t byte[] = {0xfe};
    st_thrift_reader r;
    int32_t i32 = 0;
    int16_t i16 = 0;
    int8_t i8 = 0;
    int64_t i64 = 0;
    st_thrift_reader_init(&r, big, sizeof(big));
    st_fail_with(ST_ECORRUPT, st_thrift_read_i32(&r, ST_THRIFT_I32, &i32));
    st_assert_contains(st_error_last()->message, "out of range");
    st_thrift_reader_init(&r, big, sizeof(big));
    st_pass(st_thrift_read_i64(&r, ST_THRIFT_I32, &i64));  /* any integer type is accepted */
    st_assert_eq_i64(i64, 2147483648LL);
    st_thrift_reader_init(&r, big, sizeof(big));
    st_fail_with(ST_ECORRUPT, st_thrift_read_i16(&r, ST_THRIFT_I16, &i16));
    st_thrift_reader_init(&r, byte, sizeof(byte));
    st_pass(st_thrift_read_i8(&r, ST_THRIFT_I8, &i8));
    st_assert_eq_i64(i8, -2);
    st_thrift_reader_init(&r, byte, sizeof(byte));
    st_fail_with(ST_ECORRUPT, st_thrift_read_i32(&r, ST_THRIFT_BINARY, &i32));
    st_assert_contains(st_error_last()->message, "expected an integer, got binary");
    st_thrift_reader_init(&r, byte, 0);
    st_fail_with(ST_ECORRUPT, st_thrift_read_i8(&r, ST_THRIFT_I8, &i8));
}

void test_parquet_thrift__field_ids_short_and_long(void)
{
    static const int16_t ids[] = {1, 2, 15, 16, 31, 32, 1000, 999, -5, 7, 32767, 1};
    st_buf b = ST_BUF_INIT;
    st_thrift_writer w;
    st_thrift_reader r;
    st_thrift_field f;
    int16_t last = 0;
    size_t n = sizeof(ids) / sizeof(ids[0]);
    st_thrift_writer_init(&w, &b);
    for (size_t i = 0; i < n; i++) {
        st_thrift_write_field(&w, &last, ids[i], ST_THRIFT_I32);
        st_thrift_write_int(&w, (int64_t)i * 1000);
    }
    st_thrift_write_stop(&w);
    st_pass(st_thrift_writer_finish(&w));
    /* 1: delta form 0x15; 32 after 31 is a delta of 1; 1000 after 32 is long form. */
    st_assert_eq_u64(b.ptr[0], 0x15);
    st_thrift_reader_init(&r, b.ptr, b.len);
    st_pass(st_thrift_struct_begin(&r, &f));
    for (size_t i = 0; i < n; i++) {
        int32_t v = 0;
        st_assert_eq_i64(st_thrift_read_field(&r, &f), 1);
        st_assert_eq_i64(f.id, ids[i]);
        st_assert_eq_i64(f.type, ST_THRIFT_I32);
        st_pass(st_thrift_read_i32(&r, f.type, &v));
        st_assert_eq_i64(v, (int64_t)i * 1000);
    }
    st_assert_eq_i64(st_thrift_read_field(&r, &f), 0);
    st_thrift_struct_end(&r);
    st_assert_eq_u64(st_thrift_remaining(&r), 0);
    st_assert_eq_i64(r.depth, 0);
    st_buf_dispose(&b);
}

void test_parquet_thrift__field_header_errors(void)
{
    static const uint8_t overflow[] = {0x05, 0xfe, 0xff, 0x03, 0x00, 0x15}; /* id 32767, +1 */
    static const uint8_t badtype[] = {0x1e};
    static const uint8_t stoptype[] = {0x10};
    static const uint8_t nostop[] = {0x15, 0x02};
    st_thrift_reader r;
    st_thrift_field f;
    int32_t v;
    st_thrift_reader_init(&r, overflow, sizeof(overflow));
    st_pass(st_thrift_struct_begin(&r, &f));
    st_assert_eq_i64(st_thrift_read_field(&r, &f), 1);
    st_assert_eq_i64(f.id, 32767);
    st_pass(st_thrift_read_i32(&r, f.type, &v));
    st_fail_with(ST_ECORRUPT, st_thrift_read_field(&r, &f));
    st_assert_contains(st_error_last()->message, "field id 32768 out of range");
    st_thrift_reader_init(&r, badtype, sizeof(badtype));
    st_pass(st_thrift_struct_begin(&r, &f));
    st_fail_with(ST_ECORRUPT, st_thrift_read_field(&r, &f));
    st_thrift_reader_init(&r, stoptype, sizeof(stoptype));
    st_pass(st_thrift_struct_begin(&r, &f));
    st_fail_with(ST_ECORRUPT, st_thrift_read_field(&r, &f));
    st_thrift_reader_init(&r, nostop, sizeof(nostop));
    st_fail_with(ST_ECORRUPT, st_thrift_skip(&r, ST_THRIFT_STRUCT));
    st_assert_contains(st_error_last()->message, "no STOP");
}

static void check_list_roundtrip(uint32_t n)
{
    st_buf b = ST_BUF_INIT;
    st_thrift_writer w;
    st_thrift_reader r;
    int et = -1;
    uint32_t got = 0;
    st_thrift_writer_init(&w, &b);
    st_thrift_write_list(&w, ST_THRIFT_I32, n);
    for (uint32_t i = 0; i < n; i++)
        st_thrift_write_int(&w, (int32_t)i - 7);
    st_pass(st_thrift_writer_finish(&w));
    st_assert_eq_u64(b.ptr[0], n < 15 ? (n << 4 | 5) : 0xf5);
    st_thrift_reader_init(&r, b.ptr, b.len);
    st_pass(st_thrift_read_list(&r, ST_THRIFT_LIST, &et, &got));
    st_assert_eq_u64(got, n);
    st_assert_eq_i64(et, ST_THRIFT_I32);
    for (uint32_t i = 0; i < n; i++) {
        int32_t v;
        st_pass(st_thrift_read_i32(&r, et, &v));
        st_assert_eq_i64(v, (int32_t)i - 7);
    }
    st_assert_eq_u64(st_thrift_remaining(&r), 0);
    /* The same bytes read as a set, and skipped as a whole. */
    st_thrift_reader_init(&r, b.ptr, b.len);
    st_pass(st_thrift_skip(&r, ST_THRIFT_SET));
    st_assert_eq_u64(st_thrift_remaining(&r), 0);
    st_buf_dispose(&b);
}

void test_parquet_thrift__list_sizes(void)
{
    static const uint32_t sizes[] = {0, 1, 14, 15, 16, 127, 128, 1000, 70000};
    for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
        check_list_roundtrip(sizes[i]);
}

void test_parquet_thrift__bool_elements(void)
{
    /* element type 1 (common) and 2 (the original spec); values 1 true, 0/2 false */
    static const uint8_t l1[] = {0x31, 0x01, 0x02, 0x00};
    static const uint8_t l2[] = {0x22, 0x01, 0x02};
    static const uint8_t bad[] = {0x11, 0x03};
    st_thrift_reader r;
    int et;
    uint32_t n;
    bool v;
    st_thrift_reader_init(&r, l1, sizeof(l1));
    st_pass(st_thrift_read_list(&r, ST_THRIFT_LIST, &et, &n));
    st_assert_eq_i64(n, 3);
    st_pass(st_thrift_read_bool_elem(&r, &v));
    st_assert(v);
    st_pass(st_thrift_read_bool_elem(&r, &v));
    st_assert(!v);
    st_pass(st_thrift_read_bool_elem(&r, &v));
    st_assert(!v);
    st_thrift_reader_init(&r, l2, sizeof(l2));
    st_pass(st_thrift_skip(&r, ST_THRIFT_LIST));
    st_assert_eq_u64(st_thrift_remaining(&r), 0);
    st_thrift_reader_init(&r, bad, sizeof(bad));
    st_pass(st_thrift_read_list(&r, ST_THRIFT_LIST, &et, &n));
    st_fail_with(ST_ECORRUPT, st_thrift_read_bool_elem(&r, &v));
    st_pass(st_thrift_read_bool(&r, ST_THRIFT_TRUE, &v));
    st_assert(v);
    st_pass(st_thrift_read_bool(&r, ST_THRIFT_FALSE, &v));
    st_assert(!v);
    st_fail_with(ST_ECORRUPT, st_thrift_read_bool(&r, ST_THRIFT_I8, &v));
}

void test_parquet_thrift__double_and_binary(void)
{
    static const double vals[] = {0.0, -0.0, 1.5, -1e300, INFINITY, 5e-324};
    st_buf b = ST_BUF_INIT;
    st_thrift_writer w;
    st_thrift_reader r;
    const uint8_t *p;
    uint32_t len;
    double d7;
    st_thrift_writer_init(&w, &b);
    for (size_t i = 0; i < 6; i++)
        st_thrift_write_double(&w, vals[i]);
    st_thrift_write_binary(&w, "hello", 5);
    st_thrift_write_binary(&w, "", 0);
    st_pass(st_thrift_writer_finish(&w));
    st_assert_eq_u64(b.ptr[16 + 7], 0x3f);  /* 1.5 is 0x3ff8...: little-endian on the wire */
    st_thrift_reader_init(&r, b.ptr, b.len);
    for (size_t i = 0; i < 6; i++) {
        double d;
        st_pass(st_thrift_read_double(&r, ST_THRIFT_DOUBLE, &d));
        st_assert_eq_mem(&d, &vals[i], sizeof(d));
    }
    st_pass(st_thrift_read_binary(&r, ST_THRIFT_BINARY, &p, &len));
    st_assert_eq_i64(len, 5);
    st_assert_eq_mem(p, "hello", 5);
    st_pass(st_thrift_read_binary(&r, ST_THRIFT_BINARY, &p, &len));
    st_assert_eq_i64(len, 0);
    st_assert_eq_u64(st_thrift_remaining(&r), 0);
    st_thrift_reader_init(&r, b.ptr, 7);
    st_fail_with(ST_ECORRUPT, st_thrift_read_double(&r, ST_THRIFT_DOUBLE, &d7));
    st_buf_dispose(&b);
}

/* A struct with a field of every type (nested, in containers), then field 100: i32 42. */
static void write_everything(st_thrift_writer *w)
{
    static const uint8_t uuid[16] = {1, 2, 3};
    int16_t last = 0, inner = 0, deeper = 0;
    st_thrift_write_bool_field(w, &last, 1, true);
    st_thrift_write_bool_field(w, &last, 2, false);
    st_thrift_write_field(w, &last, 3, ST_THRIFT_I8);
    st_thrift_write_i8(w, -128);
    st_thrift_write_field(w, &last, 4, ST_THRIFT_I16);
    st_thrift_write_int(w, -32768);
    st_thrift_write_field(w, &last, 5, ST_THRIFT_I32);
    st_thrift_write_int(w, INT32_MAX);
    st_thrift_write_field(w, &last, 6, ST_THRIFT_I64);
    st_thrift_write_int(w, INT64_MIN);
    st_thrift_write_field(w, &last, 7, ST_THRIFT_DOUBLE);
    st_thrift_write_double(w, 3.25);
    st_thrift_write_field(w, &last, 8, ST_THRIFT_BINARY);
    st_thrift_write_binary(w, "abc", 3);
    st_thrift_write_field(w, &last, 9, ST_THRIFT_LIST);
    st_thrift_write_list(w, ST_THRIFT_TRUE, 20);
    for (int i = 0; i < 20; i++)
        st_thrift_write_bool_elem(w, i & 1);
    st_thrift_write_field(w, &last, 10, ST_THRIFT_SET);
    st_thrift_write_list(w, ST_THRIFT_DOUBLE, 3);
    for (int i = 0; i < 3; i++)
        st_thrift_write_double(w, i);
    st_thrift_write_field(w, &last, 11, ST_THRIFT_MAP);
    st_thrift_write_map(w, ST_THRIFT_BINARY, ST_THRIFT_LIST, 2);
    for (int i = 0; i < 2; i++) {
        st_thrift_write_binary(w, "k", 1);
        st_thrift_write_list(w, ST_THRIFT_STRUCT, 1);
        deeper = 0;
        st_thrift_write_field(w, &deeper, 5, ST_THRIFT_I64);
        st_thrift_write_int(w, 1);
        st_thrift_write_stop(w);
    }
    st_thrift_write_field(w, &last, 12, ST_THRIFT_MAP);
    st_thrift_write_map(w, ST_THRIFT_I32, ST_THRIFT_I32, 0);
    st_thrift_write_field(w, &last, 13, ST_THRIFT_UUID);
    st_thrift_write_raw(w, uuid, 16);
    st_thrift_write_field(w, &last, 20, ST_THRIFT_STRUCT);
    st_thrift_write_field(w, &inner, 1, ST_THRIFT_STRUCT);
    st_thrift_write_bool_field(w, &deeper, 300, true);  /* long-form id in a nested struct */
    st_thrift_write_field(w, &deeper, 301, ST_THRIFT_LIST);
    st_thrift_write_list(w, ST_THRIFT_LIST, 2);
    st_thrift_write_list(w, ST_THRIFT_I8, 2);
    st_thrift_write_i8(w, 1);
    st_thrift_write_i8(w, 2);
    st_thrift_write_list(w, ST_THRIFT_UUID, 1);
    st_thrift_write_raw(w, uuid, 16);
    st_thrift_write_stop(w);
    st_thrift_write_stop(w);
    st_thrift_write_field(w, &last, 100, ST_THRIFT_I32);
    st_thrift_write_int(w, 42);
    st_thrift_write_stop(w);
}

void test_parquet_thrift__skip_every_type(void)
{
    st_buf b = ST_BUF_INIT;
    st_thrift_writer w;
    st_thrift_reader r;
    st_thrift_field f;
    int32_t v = 0;
    int rc;
    st_thrift_writer_init(&w, &b);
    write_everything(&w);
    st_pass(st_thrift_writer_finish(&w));

    st_thrift_reader_init(&r, b.ptr, b.len);
    st_pass(st_thrift_struct_begin(&r, &f));
    while ((rc = st_thrift_read_field(&r, &f)) > 0) {
        if (f.id == 100)
            st_pass(st_thrift_read_i32(&r, f.type, &v));
        else
            st_pass(st_thrift_skip(&r, f.type));
    }
    st_pass(rc);
    st_assert_eq_i64(v, 42);
    st_assert_eq_u64(st_thrift_remaining(&r), 0);

    /* The whole struct in one skip; and every strict prefix fails cleanly. */
    st_thrift_reader_init(&r, b.ptr, b.len);
    st_pass(st_thrift_skip(&r, ST_THRIFT_STRUCT));
    st_assert_eq_u64(st_thrift_remaining(&r), 0);
    st_assert_eq_i64(r.depth, 0);
    for (size_t n = 0; n < b.len; n++) {
        st_thrift_reader_init(&r, b.ptr, n);
        st_fail_with(ST_ECORRUPT, st_thrift_skip(&r, ST_THRIFT_STRUCT));
    }
    st_buf_dispose(&b);
}

void test_parquet_thrift__skip_invalid_types(void)
{
    static const uint8_t badelem[] = {0x1e, 0x00};
    static const uint8_t badmap[] = {0x01, 0xe5, 0x00};
    st_thrift_reader r;
    st_thrift_reader_init(&r, badelem, sizeof(badelem));
    st_fail_with(ST_ECORRUPT, st_thrift_skip(&r, ST_THRIFT_LIST));
    st_thrift_reader_init(&r, badmap, sizeof(badmap));
    st_fail_with(ST_ECORRUPT, st_thrift_skip(&r, ST_THRIFT_MAP));
    st_thrift_reader_init(&r, badmap, sizeof(badmap));
    st_fail_with(ST_ECORRUPT, st_thrift_skip(&r, 14));
    st_fail_with(ST_ECORRUPT, st_thrift_skip(&r, ST_THRIFT_STOP));
}

/* n nested struct fields (type 12, id 1) inside an outer struct, all closed. */
static uint8_t *nested_structs(size_t n, size_t *len)
{
    uint8_t *p = malloc(2 * n + 1);
    memset(p, 0x1c, n);
    memset(p + n, 0, n + 1);
    *len = 2 * n + 1;
    return p;
}

void test_parquet_thrift__depth_limit(void)
{
    st_thrift_reader r;
    size_t len;
    uint8_t *ok = nested_structs(ST_THRIFT_MAX_DEPTH - 1, &len);  /* 64 levels in all */
    st_thrift_reader_init(&r, ok, len);
    st_pass(st_thrift_skip(&r, ST_THRIFT_STRUCT));
    st_assert_eq_u64(st_thrift_remaining(&r), 0);
    free(ok);

    uint8_t *deep = nested_structs(ST_THRIFT_MAX_DEPTH, &len);     /* 65 levels */
    st_thrift_reader_init(&r, deep, len);
    st_fail_with(ST_ECORRUPT, st_thrift_skip(&r, ST_THRIFT_STRUCT));
    st_assert_contains(st_error_last()->message, "nesting deeper than 64");
    free(deep);

    /* 100000 nested lists: rejected by the limit, not by a stack overflow. */
    size_t n = 100000;
    uint8_t *lists = malloc(n + 1);
    memset(lists, 0x19, n);   /* a list of one list ... */
    lists[n] = 0x05;          /* ... of no i32 */
    st_thrift_reader_init(&r, lists, n + 1);
    st_fail_with(ST_ECORRUPT, st_thrift_skip(&r, ST_THRIFT_LIST));
    free(lists);

    /* The same through a metadata decoder: an unknown field 20 nested 1000 deep. */
    uint8_t *md = malloc(2000 + 2);
    md[0] = 0x0c;             /* field type struct, long-form id follows */
    md[1] = 40;               /* zigzag(20) */
    memset(md + 2, 0x1c, 1000);
    memset(md + 1002, 0, 1000);
    pq_file_metadata fmd;
    st_arena a = ST_ARENA_INIT;
    st_fail_with(ST_ECORRUPT, pq_decode_file_metadata(&fmd, &a, md, 2002, NULL));
    st_assert_contains(st_error_last()->message, "nesting");
    st_arena_dispose(&a);
    free(md);
}

void test_parquet_thrift__huge_sizes_rejected_before_allocation(void)
{
    /* FileMetaData field 2 (schema): a list of 2^32-1 structs in a 12-byte message. */
    static const uint8_t list[] = {0x15, 0x02, 0x19, 0xfc, 0xff, 0xff, 0xff, 0xff, 0x0f, 0, 0};
    /* FileMetaData field 6 (created_by): a 2^40-byte string. */
    static const uint8_t str[] = {0x68, 0x80, 0x80, 0x80, 0x80, 0x80, 0x20, 'x', 0};
    /* A map of 2^31 entries. */
    static const uint8_t map[] = {0x80, 0x80, 0x80, 0x80, 0x08, 0x55, 0, 0};
    pq_file_metadata md;
    st_arena a = ST_ARENA_INIT;
    st_thrift_reader r;
    int et;
    uint32_t n;

    /* Any allocation would fail with ST_ENOMEM: ST_ECORRUPT proves none was tried. */
    st_alloc_fail_after(0);
    st_fail_with(ST_ECORRUPT, pq_decode_file_metadata(&md, &a, list, sizeof(list), NULL));
    st_assert_contains(st_error_last()->message, "list of 4294967295 elements exceeds");
    st_fail_with(ST_ECORRUPT, pq_decode_file_metadata(&md, &a, str, sizeof(str), NULL));
    st_assert_contains(st_error_last()->message, "binary of 1099511627776 bytes");
    st_alloc_fail_after(-1);
    st_assert(a.head == NULL);

    st_thrift_reader_init(&r, map, sizeof(map));
    st_fail_with(ST_ECORRUPT, st_thrift_read_map(&r, ST_THRIFT_MAP, &et, &et, &n));
    /* 3 doubles need 24 bytes. */
    static const uint8_t dbl[] = {0x37, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
    st_thrift_reader_init(&r, dbl, sizeof(dbl));
    st_fail_with(ST_ECORRUPT, st_thrift_read_list(&r, ST_THRIFT_LIST, &et, &n));
    st_thrift_reader_init(&r, dbl, sizeof(dbl));
    st_fail_with(ST_ECORRUPT, st_thrift_read_list(&r, ST_THRIFT_I32, &et, &n));
}

void test_parquet_thrift__writer_oom_is_sticky(void)
{
    st_buf b = ST_BUF_INIT;
    st_thrift_writer w;
    int16_t last = 0;
    st_thrift_writer_init(&w, &b);
    st_alloc_fail_after(0);
    st_thrift_write_field(&w, &last, 1, ST_THRIFT_I32);
    st_alloc_fail_after(-1);
    st_thrift_write_int(&w, 5);
    st_thrift_write_binary(&w, "abc", 3);
    st_assert_eq_i64(st_thrift_writer_finish(&w), ST_ENOMEM);
    st_assert_eq_u64(b.len, 0);
    st_buf_dispose(&b);
}

void test_parquet_thrift__type_names(void)
{
    st_assert_eq_str(st_thrift_type_name(ST_THRIFT_I32), "i32");
    st_assert_eq_str(st_thrift_type_name(ST_THRIFT_STRUCT), "struct");
    st_assert_eq_str(st_thrift_type_name(99), "invalid type");
    st_assert_eq_str(st_thrift_type_name(-1), "invalid type");
}
