/* SPDX-License-Identifier: Apache-2.0 */
/* Tests for the writers and value text: exact canonical JSON of every type
 * (shortest doubles, NaN, -0, INT64_MIN, decimal scales, base64, uuid, unicode,
 * control characters, invalid UTF-8), CSV quoting and nulls, st_value_format and
 * st_value_append_text, round trips, and an allocation-failure sweep. */
#include "fmt_test.h"

#include <float.h>
#include <math.h>

#include "formats/formats_int.h"

static void check_double(double x, int is_float, const char *want)
{
    char buf[32];
    st_fmt_double(buf, x, is_float);
    st_assert_msg(strcmp(buf, want) == 0, "%.17g printed as \"%s\", expected \"%s\"", x, buf,
                  want);
    /* Whatever prints must read back to the same value. */
    if (isfinite(x)) {
        double back = 0;
        st_assert(st_fmt_parse_f64(buf, strlen(buf), &back) == 0);
        st_assert(is_float ? (float)back == (float)x : back == x);
    }
}

void test_formats_writer__doubles(void)
{
    check_double(0.0, 0, "0");
    check_double(-0.0, 0, "-0");
    check_double(1.0, 0, "1");
    check_double(-1.5, 0, "-1.5");
    check_double(0.1, 0, "0.1");
    check_double(1.0 / 3, 0, "0.3333333333333333");
    check_double(100, 0, "100");
    check_double(123.456, 0, "123.456");
    check_double(1e20, 0, "100000000000000000000");
    check_double(1e21, 0, "1e+21");
    check_double(1.2345678901234568e20, 0, "123456789012345680000");
    check_double(1e-6, 0, "0.000001");
    check_double(0.000123, 0, "0.000123");
    check_double(1e-7, 0, "1e-7");
    check_double(-1.5e-7, 0, "-1.5e-7");
    check_double(5e-324, 0, "5e-324");
    check_double(DBL_MAX, 0, "1.7976931348623157e+308");
    check_double(9007199254740993.0, 0, "9007199254740992");
    check_double(NAN, 0, "NaN");
    check_double(INFINITY, 0, "Infinity");
    check_double(-INFINITY, 0, "-Infinity");
    check_double(0.1f, 1, "0.1");
    check_double(0.3f, 1, "0.3");
    check_double(16777216.0f, 1, "16777216");
    check_double(FLT_MAX, 1, "3.4028235e+38");
    check_double(1.4e-45f, 1, "1e-45");
    check_double(-0.0f, 1, "-0");
    /* Floats that are exactly halfway between two shortest decimals: the
     * interop reference takes the lower signed value. */
    check_double(409.328125f, 1, "409.32812");
    check_double(-409.328125f, 1, "-409.32813");
    check_double(7557.84375f, 1, "7557.8437");
    check_double(-1.80078125f, 1, "-1.8007813");
}

static void check_json_string(const char *in, size_t len, const char *want)
{
    st_buf b = ST_BUF_INIT;
    st_pass(st_fmt_json_string(&b, (const uint8_t *)in, len));
    if (strcmp(st_buf_cstr(&b), want) != 0) {
        char got[256];
        snprintf(got, sizeof(got), "%s", st_buf_cstr(&b));
        st_buf_dispose(&b);
        st_assert_msg(0, "got %s, expected %s", got, want);
    }
    st_buf_dispose(&b);
}

void test_formats_writer__json_strings(void)
{
    check_json_string("", 0, "\"\"");
    check_json_string("a\"b\\c/", 6, "\"a\\\"b\\\\c/\"");
    check_json_string("\b\f\n\r\t\x01\x1f\x7f", 8, "\"\\b\\f\\n\\r\\t\\u0001\\u001f\x7f\"");
    check_json_string("\0z", 2, "\"\\u0000z\"");
    check_json_string("\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", 11,
                      "\"\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"");
    /* Invalid: a stray continuation, a truncated sequence, an overlong form,
     * an encoded surrogate, a code point past U+10FFFF: one U+FFFD per byte. */
    check_json_string("\x80|\xc3|\xc0\xaf|\xed\xa0\x80|\xf4\x90\x80\x80", 15,
                      "\"\xef\xbf\xbd|\xef\xbf\xbd|\xef\xbf\xbd\xef\xbf\xbd|"
                      "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd|"
                      "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"");
}

static char *fmt1(const st_vector *v, int64_t i, st_value_style style)
{
    static char out[4][256];
    static int next;
    char *s = NULL, *slot = out[next++ & 3];
    size_t len = 0;
    st_pass(st_value_format(&s, &len, v, i, style));
    st_assert(strlen(s) == len);
    snprintf(slot, 256, "%s", s);
    st_free(s);
    return slot;
}

static st_vector *vec_of(const char *type_text)
{
    st_type *s = fmt_schema(type_text);
    st_vector *v = NULL;
    st_pass(st_vector_new(&v, s->fields[0].type, 0));
    st_type_free(s);
    return v;
}

void test_formats_writer__scalar_values(void)
{
    st_vector *l = vec_of("x long"), *dec = vec_of("x decimal(38,2)"),
              *d0 = vec_of("x decimal(5,0)"), *u = vec_of("x uuid"),
              *fx = vec_of("x fixed[4]"), *bin = vec_of("x binary"),
              *ts = vec_of("x timestamptz_ns"), *t = vec_of("x time");
    static const uint8_t uuid[16] = {0xf7, 0x9c, 0x3e, 0x09, 0x67, 0x7c, 0x4b, 0xbd,
                                     0xa4, 0x79, 0x3f, 0x34, 0x9c, 0xb7, 0x85, 0xe7};
    st_decimal128 dv;

    st_pass(st_vector_append_i64(l, INT64_MIN));
    st_pass(st_vector_append_null(l));
    st_assert_eq_str(fmt1(l, 0, ST_VALUE_JSON), "-9223372036854775808");
    st_assert_eq_str(fmt1(l, 1, ST_VALUE_JSON), "null");
    st_assert_eq_str(fmt1(l, 1, ST_VALUE_TEXT), "");
    st_pass(st_decimal_parse(&dv, "-0.05", 5, 38, 2));
    st_pass(st_vector_append_decimal(dec, dv));
    st_pass(st_decimal_parse(&dv, "12.3", 4, 38, 2));
    st_pass(st_vector_append_decimal(dec, dv));
    st_assert_eq_str(fmt1(dec, 0, ST_VALUE_JSON), "\"-0.05\"");
    st_assert_eq_str(fmt1(dec, 1, ST_VALUE_JSON), "\"12.30\"");
    st_assert_eq_str(fmt1(dec, 1, ST_VALUE_TEXT), "12.30");
    st_pass(st_decimal_parse(&dv, "12", 2, 5, 0));
    st_pass(st_vector_append_decimal(d0, dv));
    st_assert_eq_str(fmt1(d0, 0, ST_VALUE_JSON), "\"12\"");
    st_pass(st_vector_append_bytes(u, uuid, 16));
    st_assert_eq_str(fmt1(u, 0, ST_VALUE_JSON), "\"f79c3e09-677c-4bbd-a479-3f349cb785e7\"");
    st_assert_eq_str(fmt1(u, 0, ST_VALUE_TEXT), "f79c3e09-677c-4bbd-a479-3f349cb785e7");
    st_pass(st_vector_append_bytes(fx, "\x00\xff\x10\x7f", 4));
    st_assert_eq_str(fmt1(fx, 0, ST_VALUE_JSON), "\"AP8Qfw==\"");
    st_assert_eq_str(fmt1(fx, 0, ST_VALUE_TEXT), "00ff107f");
    st_assert_eq_str(fmt1(fx, 0, ST_VALUE_TEXT_BASE64), "AP8Qfw==");
    st_pass(st_vector_append_bytes(bin, "", 0));
    st_pass(st_vector_append_bytes(bin, "a", 1));
    st_pass(st_vector_append_bytes(bin, "ab", 2));
    st_pass(st_vector_append_bytes(bin, "abc", 3));
    st_assert_eq_str(fmt1(bin, 0, ST_VALUE_JSON), "\"\"");
    st_assert_eq_str(fmt1(bin, 1, ST_VALUE_JSON), "\"YQ==\"");
    st_assert_eq_str(fmt1(bin, 2, ST_VALUE_JSON), "\"YWI=\"");
    st_assert_eq_str(fmt1(bin, 3, ST_VALUE_JSON), "\"YWJj\"");
    st_assert_eq_str(fmt1(bin, 3, ST_VALUE_TEXT), "abc");
    st_assert_eq_str(fmt1(bin, 3, ST_VALUE_TEXT_BASE64), "YWJj");
    st_assert_eq_str(fmt1(u, 0, ST_VALUE_TEXT_BASE64), "f79c3e09-677c-4bbd-a479-3f349cb785e7");
    st_pass(st_vector_append_i64(ts, -1));
    st_assert_eq_str(fmt1(ts, 0, ST_VALUE_JSON), "\"1969-12-31T23:59:59.999999999Z\"");
    st_pass(st_vector_append_i64(t, 86399999999LL));
    st_assert_eq_str(fmt1(t, 0, ST_VALUE_JSON), "\"23:59:59.999999\"");
    st_fail_with(ST_EINVALID, st_value_format(&(char *){NULL}, NULL, t, 5, ST_VALUE_JSON));
    st_vector_free(l);
    st_vector_free(dec);
    st_vector_free(d0);
    st_vector_free(u);
    st_vector_free(fx);
    st_vector_free(bin);
    st_vector_free(ts);
    st_vector_free(t);
}

void test_formats_writer__append_text(void)
{
    st_vector *v = vec_of("x date"), *n = vec_of("x list<int>");
    st_pass(st_value_append_text(v, " 2024-03-01 ", 12));
    st_assert_eq_str(fmt1(v, 0, ST_VALUE_TEXT), "2024-03-01");
    st_fail_with(ST_EINVALID, st_value_append_text(v, "2024-13-01", 10));
    st_assert_eq_str(st_error_last()->message, "cannot parse '2024-13-01' as date");
    st_assert_eq_i64(v->length, 1);
    st_fail_with(ST_EUNSUPPORTED, st_value_append_text(n, "[1]", 3));
    st_vector_free(v);
    st_vector_free(n);
}

/* Reads JSON lines with `schema` and writes them as CSV with `o`. */
static int json_to_csv(const char *jsonl, const char *schema, const st_csv_write_options *o,
                       char **csv)
{
    st_json_read_options ro = ST_JSON_READ_OPTIONS_INIT;
    st_input *in = NULL;
    st_batch_reader *r = NULL;
    st_output *out = NULL;
    st_text_writer *w = NULL;
    st_batch *b = NULL;
    uint8_t *data = NULL;
    size_t len = 0;
    int rc;

    *csv = NULL;
    if (schema && (rc = st_schema_parse(&ro.schema, schema)) < 0)
        return rc;
    if ((rc = st_input_open_memory(&in, jsonl, strlen(jsonl), "t.jsonl")) < 0 ||
        (rc = st_json_reader_open_input(&r, in, &ro)) < 0 ||
        (rc = st_output_open_memory(&out)) < 0 ||
        (rc = st_csv_writer_new(&w, out, st_batch_reader_schema(r), o)) < 0)
        goto done;
    while ((rc = st_batch_reader_next(r, &b)) == 0) {
        rc = st_text_writer_write(w, b);
        st_batch_free(b);
        if (rc < 0)
            goto done;
    }
    if (rc != ST_ITEROVER || (rc = st_text_writer_finish(w)) < 0)
        goto done;
    rc = st_output_take_memory(out, &data, &len);
    out = NULL;
    if (rc == 0 && (*csv = st_malloc(len + 1))) {
        memcpy(*csv, data, len);
        (*csv)[len] = 0;
    } else if (rc == 0) {
        rc = ST_ENOMEM;
    }
    st_free(data);
done:
    st_text_writer_free(w);
    st_output_abort(out);
    st_batch_reader_free(r);
    st_type_free(ro.schema);
    return rc;
}

#define assert_json_to_csv(jsonl, schema, opts, want) do {                    \
        char *c__ = NULL;                                                      \
        st_pass(json_to_csv((jsonl), (schema), (opts), &c__));                 \
        if (strcmp(c__, (want)) != 0) {                                        \
            char m__[2048];                                                    \
            snprintf(m__, sizeof(m__), "%s", c__);                             \
            st_free(c__);                                                      \
            st_assert_msg(0, "csv:\n%s\nexpected:\n%s", m__, (want));         \
        }                                                                      \
        st_free(c__);                                                          \
    } while (0)

void test_formats_writer__csv_every_type(void)
{
    assert_json_to_csv(
        "{\"b\":true,\"l\":-9223372036854775808,\"f\":\"-Infinity\",\"dec\":\"-0.05\","
        "\"ts\":\"2024-01-02T03:04:05.000000Z\",\"s\":\"a,\\\"b\\\"\\nc\",\"e\":\"\","
        "\"u\":\"f79c3e09-677c-4bbd-a479-3f349cb785e7\",\"fx\":\"AP8=\",\"bin\":\"YWI=\","
        "\"l2\":[1,null],\"st\":{\"x\":\"q\"},\"m\":{\"k\":1.5}}\n"
        "{}\n",
        "b boolean, l long, f float, dec decimal(3,2), ts timestamptz, s string, e string, "
        "u uuid, fx fixed[2], bin binary, l2 list<int>, st struct<x: string>, "
        "m map<string, double>",
        NULL,
        "b,l,f,dec,ts,s,e,u,fx,bin,l2,st,m\n"
        "true,-9223372036854775808,-Infinity,-0.05,2024-01-02T03:04:05.000000Z,"
        "\"a,\"\"b\"\"\nc\",\"\",f79c3e09-677c-4bbd-a479-3f349cb785e7,00ff,ab,\"[1,null]\","
        "\"{\"\"x\"\":\"\"q\"\"}\",\"{\"\"k\"\":1.5}\"\n"
        ",,,,,,,,,,,,\n");
}

void test_formats_writer__csv_options(void)
{
    st_csv_write_options o = ST_CSV_WRITE_OPTIONS_INIT;
    o.null_string = "NULL";
    o.delimiter = ';';
    assert_json_to_csv("{\"a\":\"NULL\",\"b\":null,\"c\":\"x;y\"}\n",
                       "a string, b string, c string", &o, "a;b;c\n\"NULL\";NULL;\"x;y\"\n");
    o.header = 0;
    assert_json_to_csv("{\"a\":\"1\"}\n", "a string", &o, "1\n");
    /* A header alone for no rows; names are quoted like values. */
    o = (st_csv_write_options)ST_CSV_WRITE_OPTIONS_INIT;
    assert_json_to_csv("", "`a,b` int, `q\"` int", &o, "\"a,b\",\"q\"\"\"\n");
    o.quote = ',';
    {
        char *c = NULL;
        st_fail_with(ST_EINVALID, json_to_csv("{}", "a int", &o, &c));
    }
}

void test_formats_writer__roundtrip_csv(void)
{
    /* Text in the writer's own form comes back byte for byte. */
    static const char text[] =
        "id,name,score,day,at,ok\n"
        "1,\"Smith, J.\",1.5,2024-01-02,2024-01-02T03:04:05.000000,true\n"
        "2,\"say \"\"hi\"\"\",-0,1999-12-31,1999-12-31T23:59:59.999999,false\n"
        "3,\"line\nbreak\",,,,\n"
        "4,\"\",1e+300,2000-02-29,2000-02-29T00:00:00.000000,true\n";
    st_input *in = NULL;
    st_batch_reader *r = NULL;
    st_output *o = NULL;
    st_text_writer *w = NULL;
    st_batch *b = NULL;
    uint8_t *data = NULL;
    size_t len = 0;
    int rc;

    st_pass(st_input_open_memory(&in, text, strlen(text), "t.csv"));
    st_pass(st_csv_reader_open_input(&r, in, NULL));
    st_pass(st_output_open_memory(&o));
    st_pass(st_csv_writer_new(&w, o, st_batch_reader_schema(r), NULL));
    while ((rc = st_batch_reader_next(r, &b)) == 0) {
        st_pass(st_text_writer_write(w, b));
        st_batch_free(b);
    }
    st_assert_eq_i64(rc, ST_ITEROVER);
    st_pass(st_text_writer_finish(w));
    st_assert_eq_i64(st_text_writer_rows(w), 4);
    st_pass(st_output_take_memory(o, &data, &len));
    st_assert_eq_i64(len, strlen(text));
    st_assert_eq_mem(data, text, len);
    st_free(data);
    st_text_writer_free(w);
    st_batch_reader_free(r);
}

void test_formats_writer__roundtrip_jsonl(void)
{
    st_json_read_options o = ST_JSON_READ_OPTIONS_INIT;
    static const char text[] =
        "{\"id\":1,\"tags\":[\"a\",\"\\u0001\\\"\"],\"pt\":{\"x\":-0,\"y\":5e-324},"
        "\"m\":{\"k\":[1,2]},\"im\":[{\"key\":7,\"value\":\"7\"}],\"d\":\"0.001\","
        "\"raw\":\"AAEC\"}\n"
        "{\"id\":2,\"tags\":[],\"pt\":null,\"m\":{},\"im\":[],\"d\":null,\"raw\":null}\n"
        "{\"id\":3,\"tags\":null,\"pt\":{\"x\":\"NaN\",\"y\":null},\"m\":null,\"im\":null,"
        "\"d\":\"-9.999\",\"raw\":\"\"}\n";
    o.schema = fmt_schema("id long not null, tags list<string>, pt struct<x: double, y: double>, "
                          "m map<string, list<long>>, im map<int, string>, d decimal(4,3), "
                          "raw binary");
    assert_json(text, &o, text, NULL);
    st_type_free(o.schema);
}

void test_formats_writer__alloc_failure_sweep(void)
{
    static const char text[] =
        "{\"a\":1,\"s\":\"x,\\\"y\",\"l\":[1,2],\"m\":{\"k\":\"v\"},\"d\":1.5}\n"
        "{\"a\":null,\"s\":\"\",\"l\":[],\"m\":null,\"d\":\"NaN\"}\n";
    long n;
    for (n = 0;; n++) {
        char *c = NULL;
        int rc;
        st_alloc_fail_after(n);
        rc = json_to_csv(text, "a int, s string, l list<int>, m map<string, string>, d double",
                         NULL, &c);
        st_alloc_fail_after(-1);
        st_free(c);
        if (rc == 0)
            break;
        st_assert_msg(rc == ST_ENOMEM, "failure %ld: rc %d (%s)", n, rc,
                      st_error_last()->message);
        st_assert(n < 5000);
    }
    st_assert(n > 10);
}

static char g_sink[256];
static size_t g_sink_len;

static int sink(const void *data, size_t len, void *payload)
{
    if (payload)
        return st_error_set(ST_EIO, ST_ERROR_IO, "sink refused");
    st_assert(g_sink_len + len < sizeof(g_sink));
    memcpy(g_sink + g_sink_len, data, len);
    g_sink_len += len;
    g_sink[g_sink_len] = 0;
    return 0;
}

void test_formats_writer__write_rows_and_fn(void)
{
    static const char text[] = "{\"a\":1}\n{\"a\":2}\n{\"a\":3}\n{\"a\":4}\n{\"a\":5}\n";
    static const int64_t pick[] = {4, 0, 2};
    static const int64_t bad[] = {5};
    st_input *in = NULL;
    st_batch_reader *r = NULL;
    st_text_writer *w = NULL;
    st_batch *b = NULL;

    st_pass(st_input_open_memory(&in, text, strlen(text), "t.jsonl"));
    st_pass(st_json_reader_open_input(&r, in, NULL));
    st_pass(st_batch_reader_next(r, &b));
    g_sink_len = 0;
    st_pass(st_csv_writer_new_fn(&w, sink, NULL, b->schema, NULL));
    st_pass(st_text_writer_write_rows(w, b, pick, 3));
    st_pass(st_text_writer_write_rows(w, b, NULL, 2));
    st_fail_with(ST_EINVALID, st_text_writer_write_rows(w, b, bad, 1));
    st_fail_with(ST_EINVALID, st_text_writer_write_rows(w, b, NULL, 6));
    st_pass(st_text_writer_finish(w));
    st_assert_eq_i64(st_text_writer_rows(w), 5);
    st_assert_eq_str(g_sink, "a\n5\n1\n3\n1\n2\n");
    st_text_writer_free(w);
    g_sink_len = 0;
    st_pass(st_json_writer_new_fn(&w, sink, NULL, b->schema));
    st_pass(st_text_writer_write_rows(w, b, pick + 1, 1));
    st_pass(st_text_writer_finish(w));
    st_assert_eq_str(g_sink, "{\"a\":1}\n");
    st_text_writer_free(w);
    /* A failing sink fails the call that flushes. */
    st_pass(st_json_writer_new_fn(&w, sink, (void *)1, b->schema));
    st_pass(st_text_writer_write(w, b));
    st_fail_with(ST_EIO, st_text_writer_finish(w));
    st_assert_eq_str(st_error_last()->message, "sink refused");
    st_text_writer_free(w);
    st_fail_with(ST_EINVALID, st_json_writer_new_fn(&w, NULL, NULL, b->schema));
    st_batch_free(b);
    st_batch_reader_free(r);
}

/* Significant digits of a number's text (no sign, point, exponent or padding zeros). */
static int sig_digits(const char *s)
{
    char d[40];
    int n = 0, b = 0;
    for (; *s && *s != 'e'; s++)
        if (*s >= '0' && *s <= '9')
            d[n++] = *s;
    while (b < n && d[b] == '0')
        b++;
    while (n > b && d[n - 1] == '0')
        n--;
    return n - b;
}

/* The shortest round-trip digit count by trying every precision from 1. */
static int reference_digits(double x, int is_float)
{
    char tmp[40];
    for (int p = 1; p <= 17; p++) {
        snprintf(tmp, sizeof(tmp), "%.*e", p - 1, x);
        if (is_float ? strtof(tmp, NULL) == (float)x : strtod(tmp, NULL) == x)
            return sig_digits(tmp);
    }
    return -1;
}

void test_formats_writer__doubles_random(void)
{
    uint64_t state = 0x9e3779b97f4a7c15ULL;
    for (int k = 0; k < 100000; k++) {
        uint64_t bits;
        uint32_t fbits;
        double x;
        float f;
        char buf[32];
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        bits = state;
        fbits = (uint32_t)(state >> 11);
        /* Half of them short decimals, the other half arbitrary bit patterns. */
        if (k & 1) {
            memcpy(&x, &bits, sizeof(x));
            memcpy(&f, &fbits, sizeof(f));
        } else {
            x = (double)(int64_t)(bits % 2000001) / 1000 - 1000;
            f = (float)x;
        }
        if (isfinite(x) && x != 0) {
            double back;
            st_fmt_double(buf, x, 0);
            st_assert(st_fmt_parse_f64(buf, strlen(buf), &back) == 0 && back == x);
            st_assert_msg(sig_digits(buf) == reference_digits(fabs(x), 0), "%.17g as %s", x, buf);
        }
        if (isfinite(f) && f != 0) {
            double back;
            st_fmt_double(buf, f, 1);
            st_assert(st_fmt_parse_f64(buf, strlen(buf), &back) == 0 && (float)back == f);
            st_assert_msg(sig_digits(buf) == reference_digits(fabs((double)f), 1), "%.9g as %s",
                          (double)f, buf);
        }
    }
}

void test_formats_writer__csv_binary_base64(void)
{
    st_csv_write_options o = ST_CSV_WRITE_OPTIONS_INIT;
    o.binary = ST_CSV_BINARY_BASE64;
    assert_json_to_csv("{\"b\":\"AAE=\",\"f\":\"AP8=\","
                       "\"u\":\"f79c3e09-677c-4bbd-a479-3f349cb785e7\"}\n"
                       "{\"b\":\"\",\"f\":null,\"u\":null}\n",
                       "b binary, f fixed[2], u uuid", &o,
                       "b,f,u\nAAE=,AP8=,f79c3e09-677c-4bbd-a479-3f349cb785e7\n\"\",,\n");
}
