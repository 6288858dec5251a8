/* SPDX-License-Identifier: Apache-2.0 */
/* Tests for the CSV reader: RFC 4180 tokenizing, inference, nulls, every type
 * with a schema, header/schema mapping, error messages with positions, records
 * straddling read chunks, and an allocation-failure sweep. */
#include "fmt_test.h"

#include "formats/formats_int.h"

void test_formats_csv__infer_types(void)
{
    assert_csv("b,l,d,dt,ts,tz,s\n"
               "true,1,1.5,2024-01-02,2024-01-02T03:04:05,2024-01-02T03:04:05Z,x\n"
               "FALSE,-7,2,2024-02-29,2024-01-02 03:04:05.5,2024-01-02T03:04:05+01:00,y\n",
               NULL,
               "{\"b\":true,\"l\":1,\"d\":1.5,\"dt\":\"2024-01-02\","
               "\"ts\":\"2024-01-02T03:04:05.000000\",\"tz\":\"2024-01-02T03:04:05.000000Z\","
               "\"s\":\"x\"}\n"
               "{\"b\":false,\"l\":-7,\"d\":2,\"dt\":\"2024-02-29\","
               "\"ts\":\"2024-01-02T03:04:05.500000\",\"tz\":\"2024-01-02T02:04:05.000000Z\","
               "\"s\":\"y\"}\n",
               "b boolean, l long, d double, dt date, ts timestamp, tz timestamptz, s string");
}

void test_formats_csv__infer_widening(void)
{
    /* long+double = double, date+timestamp = timestamp, bool+long = string,
     * leading zeros = string, empty column = string, blanks are nulls. */
    assert_csv("a,b,c,d,e,f\n1,2024-01-01,true,007,,9223372036854775807\n"
               "2.5,2024-01-01T10:00,1,12, ,9223372036854775808\n",
               NULL,
               "{\"a\":1,\"b\":\"2024-01-01T00:00:00.000000\",\"c\":\"true\",\"d\":\"007\","
               "\"e\":\"\",\"f\":9223372036854776000}\n"
               "{\"a\":2.5,\"b\":\"2024-01-01T10:00:00.000000\",\"c\":\"1\",\"d\":\"12\","
               "\"e\":\" \",\"f\":9223372036854776000}\n",
               "a double, b timestamp, c string, d string, e string, f double");
}

void test_formats_csv__infer_nulls_and_sample(void)
{
    st_csv_read_options o = ST_CSV_READ_OPTIONS_INIT;
    /* Empty fields do not vote; the value past the sample does not fit. */
    assert_csv("n,m\n,1\n3,\n", NULL, "{\"n\":null,\"m\":1}\n{\"n\":3,\"m\":null}\n",
               "n long, m long");
    o.infer_rows = 2;
    assert_csv_fails("n\n1\n2\nabc\n", &o, ST_EINVALID,
                     "t.csv:4:1: cannot parse 'abc' as long (column 'n')");
}

void test_formats_csv__quoting(void)
{
    assert_csv("a,b\n\"x,y\",\"he said \"\"hi\"\"\"\n\"multi\nline\",\"\"\n", NULL,
               "{\"a\":\"x,y\",\"b\":\"he said \\\"hi\\\"\"}\n"
               "{\"a\":\"multi\\nline\",\"b\":\"\"}\n",
               "a string, b string");
    /* A quote inside an unquoted field is data. */
    assert_csv("a\nab\"c\n", NULL, "{\"a\":\"ab\\\"c\"}\n", NULL);
}

void test_formats_csv__crlf_bom_blank_lines(void)
{
    assert_csv("\xef\xbb\xbf" "a,b\r\n1,x\r\n\r\n\r\n2,\"y\r\nz\"\r\n", NULL,
               "{\"a\":1,\"b\":\"x\"}\n{\"a\":2,\"b\":\"y\\r\\nz\"}\n", "a long, b string");
    /* No final line break. */
    assert_csv("a\n1\n2", NULL, "{\"a\":1}\n{\"a\":2}\n", NULL);
}

void test_formats_csv__no_header(void)
{
    st_csv_read_options o = ST_CSV_READ_OPTIONS_INIT;
    o.header = 0;
    assert_csv("1,x\n2,y\n", &o, "{\"c1\":1,\"c2\":\"x\"}\n{\"c1\":2,\"c2\":\"y\"}\n",
               "c1 long, c2 string");
    o.schema = fmt_schema("id int, name string");
    assert_csv("1,x\n", &o, "{\"id\":1,\"name\":\"x\"}\n", NULL);
    assert_csv_fails("1,x,3\n", &o, ST_EINVALID, "the file has 3 columns, the schema 2");
    st_type_free(o.schema);
}

void test_formats_csv__tsv_and_no_quote(void)
{
    st_csv_read_options o = ST_CSV_READ_OPTIONS_INIT;
    o.delimiter = '\t';
    assert_csv("a\tb\n1,5\t\"q\"\n", &o, "{\"a\":\"1,5\",\"b\":\"q\"}\n", NULL);
    o.quote = 0;
    assert_csv("a\tb\n1\t\"q\"\n", &o, "{\"a\":1,\"b\":\"\\\"q\\\"\"}\n", NULL);
}

void test_formats_csv__empty_header_names(void)
{
    assert_csv("a,,c\n1,2,3\n", NULL, "{\"a\":1,\"c2\":2,\"c\":3}\n", NULL);
    assert_csv_fails("a,a\n1,2\n", NULL, ST_EINVALID, "duplicate struct field name 'a'");
}

void test_formats_csv__nulls(void)
{
    st_csv_read_options o = ST_CSV_READ_OPTIONS_INIT;
    o.schema = fmt_schema("s string, n long, b binary");
    /* Default: empty strings are empty, empty numbers null. */
    assert_csv("s,n,b\n,,\n\"\",\"\",\"\"\nNULL,1,NULL\n", &o,
               "{\"s\":\"\",\"n\":null,\"b\":\"\"}\n{\"s\":\"\",\"n\":null,\"b\":\"\"}\n"
               "{\"s\":\"NULL\",\"n\":1,\"b\":\"TlVMTA==\"}\n",
               NULL);
    /* A null string: matches unquoted fields only. */
    o.null_string = "NULL";
    assert_csv("s,n,b\nNULL,NULL,NULL\n\"NULL\",,\n", &o,
               "{\"s\":null,\"n\":null,\"b\":null}\n{\"s\":\"NULL\",\"n\":null,\"b\":\"\"}\n",
               NULL);
    o.null_string = "\\N";
    assert_csv("s,n,b\n\\N,\\N,x\n", &o, "{\"s\":null,\"n\":null,\"b\":\"eA==\"}\n", NULL);
    /* The empty null string makes empty strings null, quoted ones stay empty. */
    o.null_string = "";
    assert_csv("s,n,b\n,,\"\"\n", &o, "{\"s\":null,\"n\":null,\"b\":\"\"}\n", NULL);
    st_type_free(o.schema);
}

void test_formats_csv__every_type(void)
{
    st_csv_read_options o = ST_CSV_READ_OPTIONS_INIT;
    o.schema = fmt_schema("b boolean, i int, l long, f float, d double, dec decimal(9,2), "
                          "dt date, t time, ts timestamp, tz timestamptz, tsn timestamp_ns, "
                          "tzn timestamptz_ns, s string, u uuid, fx fixed[3], bin binary");
    assert_csv("b,i,l,f,d,dec,dt,t,ts,tz,tsn,tzn,s,u,fx,bin\n"
               "True,-2147483648,-9223372036854775808,0.1,1e300,12.3,1970-01-01,23:59:59.999999,"
               "2024-01-02T03:04:05.123456,2024-01-02T03:04:05-02:30,2024-01-02T03:04:05.123456789,"
               "2024-01-02 03:04:05Z,  sp  ,0123ABCD-0000-0000-0000-00000000000F,0aFf10,raw\n"
               "0,2147483647,9223372036854775807,NaN,-Infinity,-0.05,0001-01-01,00:00,"
               "1969-12-31T23:59:59.999999,1970-01-01T00:00:00Z,1970-01-01T00:00:00,"
               "1970-01-01T00:00:00.000000001Z,,00000000-0000-0000-0000-000000000000,000000,\n"
               ",,,,,,,,,,,,,,,\n",
               &o,
               "{\"b\":true,\"i\":-2147483648,\"l\":-9223372036854775808,\"f\":0.1,\"d\":1e+300,"
               "\"dec\":\"12.30\",\"dt\":\"1970-01-01\",\"t\":\"23:59:59.999999\","
               "\"ts\":\"2024-01-02T03:04:05.123456\",\"tz\":\"2024-01-02T05:34:05.000000Z\","
               "\"tsn\":\"2024-01-02T03:04:05.123456789\","
               "\"tzn\":\"2024-01-02T03:04:05.000000000Z\",\"s\":\"  sp  \","
               "\"u\":\"0123abcd-0000-0000-0000-00000000000f\",\"fx\":\"Cv8Q\",\"bin\":\"cmF3\"}\n"
               "{\"b\":false,\"i\":2147483647,\"l\":9223372036854775807,\"f\":\"NaN\","
               "\"d\":\"-Infinity\",\"dec\":\"-0.05\",\"dt\":\"0001-01-01\","
               "\"t\":\"00:00:00.000000\",\"ts\":\"1969-12-31T23:59:59.999999\","
               "\"tz\":\"1970-01-01T00:00:00.000000Z\",\"tsn\":\"1970-01-01T00:00:00.000000000\","
               "\"tzn\":\"1970-01-01T00:00:00.000000001Z\",\"s\":\"\","
               "\"u\":\"00000000-0000-0000-0000-000000000000\",\"fx\":\"AAAA\",\"bin\":\"\"}\n"
               "{\"b\":null,\"i\":null,\"l\":null,\"f\":null,\"d\":null,\"dec\":null,\"dt\":null,"
               "\"t\":null,\"ts\":null,\"tz\":null,\"tsn\":null,\"tzn\":null,\"s\":\"\","
               "\"u\":null,\"fx\":null,\"bin\":\"\"}\n",
               NULL);
    st_type_free(o.schema);
}

void test_formats_csv__bad_values(void)
{
    st_csv_read_options o = ST_CSV_READ_OPTIONS_INIT;
    static const struct {
        const char *schema, *value, *msg;
    } cases[] = {
        {"x int", "2147483648", "cannot parse '2147483648' as int"},
        {"x long", "12abc", "cannot parse '12abc' as long"},
        {"x long", "1.0", "cannot parse '1.0' as long"},
        {"x double", "0x10", "cannot parse '0x10' as double"},
        {"x boolean", "yes", "cannot parse 'yes' as boolean"},
        {"x decimal(4,2)", "1.234", "as decimal(4,2): more than 2 fraction digits"},
        {"x decimal(4,2)", "123.4", "as decimal(4,2): more than 4 digits"},
        {"x date", "2023-02-29", "cannot parse '2023-02-29' as date"},
        {"x time", "24:00:00", "cannot parse '24:00:00' as time"},
        {"x timestamp", "2024-01-01T00:00:00Z", "a zone offset on a timestamp without zone"},
        {"x uuid", "0123", "cannot parse '0123' as uuid"},
        {"x fixed[2]", "abc", "as fixed[2]: not hexadecimal"},
        {"x fixed[2]", "abcdef", "as fixed[2]: 3 bytes, expected 2"},
    };
    for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
        char text[128];
        o.schema = fmt_schema(cases[k].schema);
        snprintf(text, sizeof(text), "x\n%s\n", cases[k].value);
        assert_csv_fails(text, &o, ST_EINVALID, cases[k].msg);
        assert_csv_fails(text, &o, ST_EINVALID, "t.csv:2:1: ");
        st_type_free(o.schema);
    }
}

void test_formats_csv__error_positions(void)
{
    st_csv_read_options o = ST_CSV_READ_OPTIONS_INIT;
    assert_csv_fails("a,b\n1,2\n3\n", NULL, ST_EINVALID, "t.csv:3: expected 2 fields, found 1");
    assert_csv_fails("a,b\n1,2\n3,4,5\n", NULL, ST_EINVALID,
                     "t.csv:3: expected 2 fields, found 3");
    assert_csv_fails("a,b\n1,\"open\n\n", NULL, ST_EINVALID,
                     "t.csv:2:3: unterminated quoted field");
    assert_csv_fails("a,b\n1,\"x\"y\n", NULL, ST_EINVALID,
                     "t.csv:2:6: unexpected character after a closing quote");
    o.schema = fmt_schema("a string, b long");
    /* The line of a record after a quoted line break counts both lines. */
    assert_csv_fails("a,b\n\"1\n\",2\n1,  zz\n", &o, ST_EINVALID,
                     "t.csv:4:3: cannot parse 'zz' as long (column 'b')");
    assert_csv_fails("a,b\n1,2\n\n\n1,x\n", &o, ST_EINVALID, "t.csv:5:3:");
    st_type_free(o.schema);
    o.schema = fmt_schema("a long not null, b long");
    assert_csv_fails("a,b\n1,2\n,3\n", &o, ST_EINVALID,
                     "t.csv:3:1: null in required column 'a'");
    st_type_free(o.schema);
}

void test_formats_csv__schema_mapping(void)
{
    st_csv_read_options o = ST_CSV_READ_OPTIONS_INIT;
    o.schema = fmt_schema("id long, name string, extra double");
    /* By name, in any order; a missing optional column is null. */
    assert_csv("name,id\nx,1\n", &o, "{\"id\":1,\"name\":\"x\",\"extra\":null}\n", NULL);
    assert_csv_fails("id,Name,zz\n1,x,2\n", &o, ST_EINVALID,
                     "t.csv:1: columns not in the schema: 'Name', 'zz'");
    assert_csv_fails("id,id\n1,2\n", &o, ST_EINVALID, "column 'id' appears twice");
    st_type_free(o.schema);
    o.schema = fmt_schema("id long not null, name string");
    assert_csv_fails("name\nx\n", &o, ST_EINVALID,
                     "required column 'id' is missing from the file");
    /* An empty file with a schema has no rows. */
    assert_csv("", &o, "", NULL);
    st_type_free(o.schema);
    assert_csv_fails("", NULL, ST_EINVALID, "t.csv: the file is empty");
}

void test_formats_csv__nested_schema_unsupported(void)
{
    st_csv_read_options o = ST_CSV_READ_OPTIONS_INIT;
    o.schema = fmt_schema("a int, tags list<string>");
    assert_csv_fails("a,tags\n1,x\n", &o, ST_EUNSUPPORTED,
                     "column 'tags' is a list; CSV holds only primitive columns");
    st_type_free(o.schema);
}

void test_formats_csv__bad_options(void)
{
    st_csv_read_options o = ST_CSV_READ_OPTIONS_INIT;
    o.delimiter = '"';
    assert_csv_fails("a\n", &o, ST_EINVALID, "delimiter");
    o.delimiter = ',';
    o.version = 99;
    assert_csv_fails("a\n", &o, ST_EINVALID, "version");
}

void test_formats_csv__batches(void)
{
    st_csv_read_options o = ST_CSV_READ_OPTIONS_INIT;
    st_input *in = NULL;
    st_batch_reader *r = NULL;
    st_batch *b = NULL;
    const char *text = "a\n1\n2\n3\n4\n5\n";
    int64_t sizes[4] = {0}, n = 0;
    int rc;

    o.batch_rows = 2;
    st_pass(st_input_open_memory(&in, text, strlen(text), "t.csv"));
    st_pass(st_csv_reader_open_input(&r, in, &o));
    while ((rc = st_batch_reader_next(r, &b)) == 0) {
        st_assert(n < 4);
        sizes[n++] = b->length;
        st_batch_free(b);
    }
    st_assert_eq_i64(rc, ST_ITEROVER);
    st_assert_eq_i64(st_batch_reader_next(r, &b), ST_ITEROVER);
    st_assert_eq_i64(n, 3);
    st_assert_eq_i64(sizes[0], 2);
    st_assert_eq_i64(sizes[2], 1);
    st_batch_reader_free(r);
}

void test_formats_csv__errors_repeat(void)
{
    st_input *in = NULL;
    st_batch_reader *r = NULL;
    st_batch *b = NULL;
    st_csv_read_options o = ST_CSV_READ_OPTIONS_INIT;
    const char *text = "a\n1\nx\n";
    o.schema = fmt_schema("a long");
    st_pass(st_input_open_memory(&in, text, strlen(text), "t.csv"));
    st_pass(st_csv_reader_open_input(&r, in, &o));
    st_assert_eq_i64(st_batch_reader_next(r, &b), ST_EINVALID);
    st_error_clear();
    st_assert_eq_i64(st_batch_reader_next(r, &b), ST_EINVALID);
    st_assert_contains(st_error_last()->message, "t.csv:3:1: cannot parse 'x' as long");
    st_assert(b == NULL);
    st_batch_reader_free(r);
    st_type_free(o.schema);
}

void test_formats_csv__small_chunks(void)
{
    /* Every record straddles the window: the same rows and positions come out. */
    static const char text[] = "\xef\xbb\xbf" "a,b\r\n\"x,\"\"1\"\"\r\nq\",2\r\n\r\n"
                               "long-long-long-value,3\r\n\"\",4\n";
    for (size_t chunk = 1; chunk <= 9; chunk++) {
        st_csv_read_options o = ST_CSV_READ_OPTIONS_INIT;
        st_fmt_test_chunk = chunk;
        assert_csv(text, NULL,
                   "{\"a\":\"x,\\\"1\\\"\\r\\nq\",\"b\":2}\n"
                   "{\"a\":\"long-long-long-value\",\"b\":3}\n{\"a\":\"\",\"b\":4}\n",
                   "a string, b long");
        o.schema = fmt_schema("a string, b long");
        assert_csv_fails("a,b\n\"p\nq\",1\nzz,x\n", &o, ST_EINVALID, "t.csv:4:4: cannot parse");
        st_type_free(o.schema);
    }
    st_fmt_test_chunk = 0;
}

void test_formats_csv__file(void)
{
    const char *path = st_test_path("f.csv");
    FILE *f = fopen(path, "wb");
    st_batch_reader *r = NULL;
    char *out = NULL;
    st_assert(f != NULL);
    fputs("a,b\n1,x\n", f);
    fclose(f);
    st_pass(st_csv_reader_open(&r, path, NULL));
    st_pass(fmt_drain_jsonl(r, &out));
    st_assert_eq_str(out, "{\"a\":1,\"b\":\"x\"}\n");
    st_free(out);
    st_batch_reader_free(r);
    st_assert_eq_i64(st_csv_reader_open(&r, st_test_path("missing.csv"), NULL), ST_ENOTFOUND);
    st_assert(r == NULL);
}

void test_formats_csv__alloc_failure_sweep(void)
{
    static const char text[] = "a,b,c\n1,\"x\"\"y\",2024-01-01\n2.5,,2024-01-02\n";
    long n;
    for (n = 0;; n++) {
        char *j = NULL;
        int rc;
        st_alloc_fail_after(n);
        rc = fmt_csv(text, NULL, &j, NULL);
        st_alloc_fail_after(-1);
        st_free(j);
        if (rc == 0)
            break;
        st_assert_msg(rc == ST_ENOMEM, "failure %ld: rc %d (%s)", n, rc,
                      st_error_last()->message);
        st_assert(n < 5000);
    }
    st_assert(n > 10);
    /* Once more through the chunked path. */
    st_fmt_test_chunk = 4;
    for (n = 0;; n++) {
        char *j = NULL;
        int rc;
        st_alloc_fail_after(n);
        rc = fmt_csv(text, NULL, &j, NULL);
        st_alloc_fail_after(-1);
        st_free(j);
        if (rc == 0)
            break;
        st_assert_msg(rc == ST_ENOMEM, "failure %ld: rc %d (%s)", n, rc,
                      st_error_last()->message);
        st_assert(n < 5000);
    }
    st_fmt_test_chunk = 0;
}

void test_formats_csv__binary_base64(void)
{
    st_csv_read_options o = ST_CSV_READ_OPTIONS_INIT;
    o.schema = fmt_schema("b binary, f fixed[2], s string");
    o.binary = ST_CSV_BINARY_BASE64;
    assert_csv("b,f,s\nAAE=,AP8=,x\nAAE,//8,\n\"\",,\"\"\n", &o,
               "{\"b\":\"AAE=\",\"f\":\"AP8=\",\"s\":\"x\"}\n"
               "{\"b\":\"AAE=\",\"f\":\"//8=\",\"s\":\"\"}\n"
               "{\"b\":\"\",\"f\":null,\"s\":\"\"}\n",
               NULL);
    assert_csv_fails("b,f,s\n!!,AP8=,x\n", &o, ST_EINVALID,
                     "t.csv:2:1: cannot parse '!!' as binary: not base64 (column 'b')");
    assert_csv_fails("b,f,s\nAA==,AAAA,x\n", &o, ST_EINVALID,
                     "cannot parse 'AAAA' as fixed[2]: 3 bytes, expected 2");
    o.binary = (st_csv_binary)7;
    assert_csv_fails("b\n", &o, ST_EINVALID, "unknown binary spelling 7");
    st_type_free(o.schema);
}
