/* SPDX-License-Identifier: Apache-2.0 */
/* Tests for the JSON lines reader: the parser's grammar and errors, inference
 * of nested schemas and its widening rules, every type with a schema, maps in
 * both spellings, missing/unknown keys, required nulls, line numbers, chunked
 * input and an allocation-failure sweep. */
#include "fmt_test.h"

#include "formats/formats_int.h"
#include "util/arena.h"

void test_formats_json__infer_flat(void)
{
    assert_json("{\"a\":1,\"b\":1.5,\"c\":\"x\",\"d\":true,\"e\":null}\n"
                "\n   \n"
                "{\"e\":null,\"b\":2,\"a\":-3,\"f\":\"new\"}\n",
                NULL,
                "{\"a\":1,\"b\":1.5,\"c\":\"x\",\"d\":true,\"e\":null,\"f\":null}\n"
                "{\"a\":-3,\"b\":2,\"c\":null,\"d\":null,\"e\":null,\"f\":\"new\"}\n",
                "a long, b double, c string, d boolean, e string, f string");
}

void test_formats_json__infer_nested(void)
{
    assert_json("{\"s\":{\"x\":1,\"y\":[1,2]},\"l\":[{\"k\":\"v\"}],\"e\":[]}\n"
                "{\"s\":{\"z\":false},\"l\":[{\"k\":null,\"j\":2.5}],\"e\":[]}\n",
                NULL,
                "{\"s\":{\"x\":1,\"y\":[1,2],\"z\":null},\"l\":[{\"k\":\"v\",\"j\":null}],"
                "\"e\":[]}\n"
                "{\"s\":{\"x\":null,\"y\":null,\"z\":false},\"l\":[{\"k\":null,\"j\":2.5}],"
                "\"e\":[]}\n",
                "s struct<x: long, y: list<long>, z: boolean>, "
                "l list<struct<k: string, j: double>>, e list<string>");
}

void test_formats_json__infer_conflicts(void)
{
    /* long+double = double; anything else = string holding the JSON text. */
    assert_json("{\"n\":1,\"m\":1,\"o\":{\"a\":1},\"p\":[1],\"q\":{}}\n"
                "{\"n\":2.5,\"m\":\"two\",\"o\":[1, 2],\"p\":[\"x\",true],\"q\":{}}\n"
                "{\"n\":99999999999999999999,\"m\":{\"a\" : [1 ,2]},\"o\":null,\"p\":null}\n",
                NULL,
                "{\"n\":1,\"m\":\"1\",\"o\":\"{\\\"a\\\":1}\",\"p\":[\"1\"],\"q\":\"{}\"}\n"
                "{\"n\":2.5,\"m\":\"two\",\"o\":\"[1,2]\",\"p\":[\"x\",\"true\"],\"q\":\"{}\"}\n"
                "{\"n\":100000000000000000000,\"m\":\"{\\\"a\\\":[1,2]}\",\"o\":null,"
                "\"p\":null,\"q\":null}\n",
                "n double, m string, o string, p list<string>, q string");
}

void test_formats_json__infer_ids(void)
{
    st_input *in = NULL;
    st_batch_reader *r = NULL;
    const char *text = "{\"a\":1,\"b\":{\"c\":1},\"d\":[1]}\n";
    st_type *s;
    st_pass(st_input_open_memory(&in, text, strlen(text), "t.jsonl"));
    st_pass(st_json_reader_open_input(&r, in, NULL));
    s = st_batch_reader_schema(r);
    /* Iceberg's fresh-id order: a=1 b=2 d=3 c=4 d.element=5. */
    st_assert_eq_i64(s->fields[0].id, 1);
    st_assert_eq_i64(s->fields[1].id, 2);
    st_assert_eq_i64(s->fields[2].id, 3);
    st_assert_eq_i64(s->fields[1].type->fields[0].id, 4);
    st_assert_eq_i64(s->fields[2].type->fields[0].id, 5);
    st_assert(!s->fields[0].required);
    st_batch_reader_free(r);
}

void test_formats_json__every_type(void)
{
    st_json_read_options o = ST_JSON_READ_OPTIONS_INIT;
    const char *canon =
        "{\"b\":true,\"i\":-2147483648,\"l\":-9223372036854775808,\"f\":0.1,"
        "\"d\":1.7976931348623157e+308,\"dec\":\"-12.30\",\"dt\":\"2024-02-29\","
        "\"t\":\"12:34:56.000001\",\"ts\":\"2024-01-02T03:04:05.000000\","
        "\"tz\":\"2024-01-02T03:04:05.000000Z\",\"tsn\":\"2024-01-02T03:04:05.000000001\","
        "\"tzn\":\"2024-01-02T03:04:05.123456789Z\",\"s\":\"h\\u00e9\\n\",\"u\":"
        "\"f79c3e09-677c-4bbd-a479-3f349cb785e7\",\"fx\":\"AQID\",\"bin\":\"\"}\n";
    o.schema = fmt_schema("b boolean, i int, l long, f float, d double, dec decimal(38,2), "
                          "dt date, t time, ts timestamp, tz timestamptz, tsn timestamp_ns, "
                          "tzn timestamptz_ns, s string, u uuid, fx fixed[3], bin binary");
    assert_json(canon, &o,
                "{\"b\":true,\"i\":-2147483648,\"l\":-9223372036854775808,\"f\":0.1,"
                "\"d\":1.7976931348623157e+308,\"dec\":\"-12.30\",\"dt\":\"2024-02-29\","
                "\"t\":\"12:34:56.000001\",\"ts\":\"2024-01-02T03:04:05.000000\","
                "\"tz\":\"2024-01-02T03:04:05.000000Z\",\"tsn\":\"2024-01-02T03:04:05.000000001\","
                "\"tzn\":\"2024-01-02T03:04:05.123456789Z\",\"s\":\"h\xc3\xa9\\n\",\"u\":"
                "\"f79c3e09-677c-4bbd-a479-3f349cb785e7\",\"fx\":\"AQID\",\"bin\":\"\"}\n",
                NULL);
    /* Lenient spellings: numbers for decimals, strings for numbers and booleans,
     * NaN words, base64 without padding, missing keys, unknown keys. */
    assert_json("{\"dec\":12345678901234567890123456789012345.67,\"l\":\"42\",\"b\":\"false\","
                "\"d\":\"-Infinity\",\"f\":\"NaN\",\"fx\":\"AQID\",\"bin\":\"AQ\","
                "\"unknown\":{\"deep\":[1]}}\n",
                &o,
                "{\"b\":false,\"i\":null,\"l\":42,\"f\":\"NaN\",\"d\":\"-Infinity\","
                "\"dec\":\"12345678901234567890123456789012345.67\",\"dt\":null,\"t\":null,"
                "\"ts\":null,\"tz\":null,\"tsn\":null,\"tzn\":null,\"s\":null,\"u\":null,"
                "\"fx\":\"AQID\",\"bin\":\"AQ==\"}\n",
                NULL);
    st_type_free(o.schema);
}

void test_formats_json__nested_schema(void)
{
    st_json_read_options o = ST_JSON_READ_OPTIONS_INIT;
    o.schema = fmt_schema("id long not null, a struct<b: list<struct<c: int, d: map<string, "
                          "list<int>>>>, e: string>, m map<int, string>, n map<date, boolean>");
    assert_json("{\"id\":1,\"a\":{\"b\":[{\"c\":1,\"d\":{\"x\":[1,null],\"y\":[]}},null,"
                "{\"d\":null}],\"e\":\"s\"},\"m\":{\"1\":\"one\",\"-2\":null},"
                "\"n\":[{\"key\":\"2024-01-01\",\"value\":true},{\"value\":false,"
                "\"key\":\"1970-01-01\"}]}\n"
                "{\"id\":2,\"a\":null,\"m\":[{\"key\":3,\"value\":\"three\"}],\"n\":{}}\n"
                "{\"id\":3,\"a\":{},\"m\":{},\"n\":[]}\n",
                &o,
                "{\"id\":1,\"a\":{\"b\":[{\"c\":1,\"d\":{\"x\":[1,null],\"y\":[]}},null,"
                "{\"c\":null,\"d\":null}],\"e\":\"s\"},"
                "\"m\":[{\"key\":1,\"value\":\"one\"},{\"key\":-2,\"value\":null}],"
                "\"n\":[{\"key\":\"2024-01-01\",\"value\":true},"
                "{\"key\":\"1970-01-01\",\"value\":false}]}\n"
                "{\"id\":2,\"a\":null,\"m\":[{\"key\":3,\"value\":\"three\"}],\"n\":[]}\n"
                "{\"id\":3,\"a\":{\"b\":null,\"e\":null},\"m\":[],\"n\":[]}\n",
                NULL);
    st_type_free(o.schema);
}

void test_formats_json__errors(void)
{
    st_json_read_options o = ST_JSON_READ_OPTIONS_INIT;
    o.schema = fmt_schema("id long not null, a struct<b: int not null>, l list<int>, "
                          "m map<int, string>");
    assert_json_fails("{\"id\":1}\n\n{\"a\":{\"b\":1}}\n", &o, ST_EINVALID,
                      "t.jsonl:3:1: null for a required field (field 'id')");
    assert_json_fails("{\"id\":1,\"a\":{\"b\":null}}\n", &o, ST_EINVALID,
                      "t.jsonl:1:18: null for a required field (field 'a.b')");
    assert_json_fails("{\"id\":1,\"a\":{}}\n", &o, ST_EINVALID,
                      "t.jsonl:1:13: null for a required field (field 'a.b')");
    assert_json_fails("{\"id\":1}\n{\"id\":2,}\n", &o, ST_EINVALID,
                      "t.jsonl:2: malformed JSON: column 9: expected a member name, found '}'");
    assert_json_fails("{\"id\":\"x\"}\n", &o, ST_EINVALID,
                      "t.jsonl:1:7: cannot parse 'x' as long (field 'id')");
    assert_json_fails("{\"id\":1.5}\n", &o, ST_EINVALID, "cannot parse '1.5' as long");
    assert_json_fails("{\"id\":true}\n", &o, ST_EINVALID,
                      "t.jsonl:1:7: cannot read true as long (field 'id')");
    assert_json_fails("{\"id\":1,\"l\":[1,\"z\"]}\n", &o, ST_EINVALID,
                      "t.jsonl:1:16: cannot parse 'z' as int (field 'l.element')");
    assert_json_fails("{\"id\":1,\"l\":{}}\n", &o, ST_EINVALID,
                      "cannot read an object as list (field 'l')");
    assert_json_fails("{\"id\":1,\"m\":{\"x\":\"y\"}}\n", &o, ST_EINVALID,
                      "map key: cannot parse 'x' as int (field 'm.key')");
    assert_json_fails("{\"id\":1,\"m\":[{\"value\":\"y\"}]}\n", &o, ST_EINVALID,
                      "null for a required field (field 'm.key')");
    assert_json_fails("{\"id\":1,\"m\":[1]}\n", &o, ST_EINVALID, "a map entry must be an object");
    assert_json_fails("[1]\n", &o, ST_EINVALID, "t.jsonl:1:1: expected a JSON object");
    st_type_free(o.schema);
    assert_json_fails("{\"a\":1}\n{\"a\":\n", NULL, ST_EINVALID,
                      "t.jsonl:2: malformed JSON: column 6: expected a JSON value, found the "
                      "end of the line");
    assert_json_fails("\n\n", NULL, ST_EINVALID, "no object keys");
    assert_json_fails("{\"a\":1}\n7\n", NULL, ST_EINVALID, "t.jsonl:2:1: expected a JSON object");
}

static st_arena g_arena;

static int parse(const char *text, st_json **out)
{
    uint32_t col = 0;
    st_arena_dispose(&g_arena);
    return st_json_parse(out, &g_arena, text, strlen(text), &col);
}

void test_formats_json__parser_grammar(void)
{
    static const char *const bad[] = {
        "", "{", "{\"a\"}", "{\"a\":}", "[1,]", "[01]", "[1.]", "[.5]", "[1e]", "[-]",
        "[+1]", "[NaN]", "{'a':1}", "[\"\\x\"]", "[\"\\u12\"]", "[\"a\nb\"]", "[tru]",
        "[1] [2]", "\"unterminated", "[\"\\", "nul",
    };
    static const struct {
        const char *in, *out;
    } good[] = {
        {" [ 1 , -0 , 1.5e+3 , -2E-2 , true , false , null ] ",
         "[1,-0,1.5e+3,-2E-2,true,false,null]"},
        {"{\"a\":{\"b\":[]},\"\":{}}", "{\"a\":{\"b\":[]},\"\":{}}"},
        {"\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u0041\\u00e9\\ud83d\\ude00\\ud800x\"",
         "\"\\\"\\\\/\\b\\f\\n\\r\\tA\xc3\xa9\xf0\x9f\x98\x80\xef\xbf\xbdx\""},
        {"\"\xff raw\"", "\"\xef\xbf\xbd raw\""},
    };
    st_buf b = ST_BUF_INIT;
    st_json *v;
    char deep[600];

    for (size_t k = 0; k < sizeof(bad) / sizeof(bad[0]); k++)
        st_assert_msg(parse(bad[k], &v) == ST_EINVALID, "accepted '%s'", bad[k]);
    for (size_t k = 0; k < sizeof(good) / sizeof(good[0]); k++) {
        st_pass(parse(good[k].in, &v));
        st_buf_clear(&b);
        st_pass(st_json_write(&b, v));
        st_assert_eq_str(st_buf_cstr(&b), good[k].out);
    }
    /* Nesting is bounded. */
    memset(deep, '[', sizeof(deep) - 1);
    deep[sizeof(deep) - 1] = 0;
    st_assert_eq_i64(parse(deep, &v), ST_EINVALID);
    st_assert_contains(st_error_last()->message, "nested too deeply");
    st_buf_dispose(&b);
    st_arena_dispose(&g_arena);
}

void test_formats_json__crlf_bom_and_chunks(void)
{
    static const char text[] = "\xef\xbb\xbf{\"a\":\"x\\ny\"}\r\n\r\n{\"a\":\"long value here\"}";
    st_json_read_options o = ST_JSON_READ_OPTIONS_INIT;
    for (size_t chunk = 0; chunk <= 7; chunk++) {
        st_fmt_test_chunk = chunk;
        assert_json(text, NULL, "{\"a\":\"x\\ny\"}\n{\"a\":\"long value here\"}\n",
                    "a string");
    }
    st_fmt_test_chunk = 3;
    o.infer_rows = 2;
    assert_json_fails("{\"a\":1}\n{\"a\":2}\n{\"a\":\"q\"}\n", &o, ST_EINVALID,
                      "t.jsonl:3:6: cannot parse 'q' as long");
    st_fmt_test_chunk = 0;
}

void test_formats_json__infer_sample_limit(void)
{
    st_json_read_options o = ST_JSON_READ_OPTIONS_INIT;
    o.infer_rows = 1;
    /* Keys after the sample are ignored; values that do not fit fail. */
    assert_json("{\"a\":1}\n{\"a\":2,\"b\":3}\n", &o, "{\"a\":1}\n{\"a\":2}\n", "a long");
    assert_json_fails("{\"a\":1}\n{\"a\":[]}\n", &o, ST_EINVALID,
                      "t.jsonl:2:6: cannot read an array as long (field 'a')");
}

void test_formats_json__alloc_failure_sweep(void)
{
    static const char text[] =
        "{\"a\":1,\"b\":{\"c\":[1,2],\"d\":\"x\\u00e9\"},\"e\":[{\"k\":1}]}\n"
        "{\"a\":2.5,\"b\":null,\"e\":[{\"k\":\"s\"}],\"f\":true}\n";
    long n;
    for (int chunked = 0; chunked < 2; chunked++) {
        st_fmt_test_chunk = chunked ? 5 : 0;
        for (n = 0;; n++) {
            char *j = NULL;
            int rc;
            st_alloc_fail_after(n);
            rc = fmt_json(text, NULL, &j, NULL);
            st_alloc_fail_after(-1);
            st_free(j);
            if (rc == 0)
                break;
            st_assert_msg(rc == ST_ENOMEM, "failure %ld: rc %d (%s)", n, rc,
                          st_error_last()->message);
            st_assert(n < 5000);
        }
        st_assert(n > 10);
    }
    st_fmt_test_chunk = 0;
}
