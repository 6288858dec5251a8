/* SPDX-License-Identifier: Apache-2.0 */
/* Avro container files: our framing, every codec, and malformed input. */
#include <snappy-c.h>
#include <zlib.h>
#include <zstd.h>

#include "st_test.h"
#include "avro/avro_decode.h"
#include "avro/avro_file.h"
#include "util/alloc.h"
#include "util/buf.h"

static const char *SCHEMA =
    "{\"type\":\"record\",\"name\":\"r\",\"fields\":["
    "{\"name\":\"a\",\"type\":\"long\",\"field-id\":1},"
    "{\"name\":\"s\",\"type\":[\"null\",\"string\"],\"default\":null,\"field-id\":2},"
    "{\"name\":\"l\",\"type\":{\"type\":\"array\",\"items\":\"int\",\"element-id\":4},"
    "\"field-id\":3}]}";

/* Writes n records (a = i, s = "v<i>" or null for odd i, l = [i, i+1]) to memory. */
static uint8_t *write_records(int n, st_avro_codec codec, size_t *len)
{
    st_output *o;
    st_avro_writer *w;
    uint8_t *data = NULL;
    static const char *const meta[] = {"k1", "v1", "avro.schema", NULL, "avro.codec", NULL,
                                       "k2", "v2"};
    st_pass(st_output_open_buffer(&o, &data, len));
    st_pass(st_avro_writer_open(&w, o, SCHEMA, meta, 4, codec, "mem.avro"));
    for (int i = 0; i < n; i++) {
        avro_value_t *rec = st_avro_writer_value(w), f, b, item;
        char s[32];
        snprintf(s, sizeof s, "v%d", i);
        st_assert(avro_value_get_by_index(rec, 0, &f, NULL) == 0 && avro_value_set_long(&f, i) == 0);
        st_assert(avro_value_get_by_index(rec, 1, &f, NULL) == 0);
        if (i % 2)
            st_assert(avro_value_set_branch(&f, 0, &b) == 0 && avro_value_set_null(&b) == 0);
        else
            st_assert(avro_value_set_branch(&f, 1, &b) == 0 && avro_value_set_string(&b, s) == 0);
        st_assert(avro_value_get_by_index(rec, 2, &f, NULL) == 0 && avro_value_reset(&f) == 0);
        for (int k = 0; k < 2; k++)
            st_assert(avro_value_append(&f, &item, NULL) == 0 &&
                      avro_value_set_int(&item, i + k) == 0);
        st_pass(st_avro_writer_append(w));
    }
    st_pass(st_avro_writer_finish(w));
    uint64_t told = st_avro_writer_tell(w);
    st_avro_writer_free(w);
    st_pass(st_output_close(o));
    st_assert_eq_u64(told, *len);
    return data;
}

/* Reads every record back and checks the values write_records put there. */
static int read_records(const uint8_t *data, size_t len, int64_t *n_out)
{
    st_avro_reader *r;
    const uint8_t *p, *end;
    size_t blen;
    int64_t count;
    int rc;
    *n_out = 0;
    if ((rc = st_avro_reader_open(&r, data, len, "mem.avro")) < 0)
        return rc;
    while ((rc = st_avro_reader_next_block(r, &p, &blen, &count)) == 0) {
        end = p + blen;
        for (int64_t i = 0; i < count; i++) {
            int64_t a, branch, n, x;
            const uint8_t *s = NULL;
            size_t slen = 0;
            if (st_avro_get_long(&p, end, &a) < 0 || st_avro_get_long(&p, end, &branch) < 0 ||
                (branch == 1 && st_avro_get_bytes(&p, end, &s, &slen) < 0)) {
                rc = st_avro_reader_bad_record(r, i);
                goto done;
            }
            st_assert_eq_i64(a, *n_out);
            st_assert_eq_i64(branch, a % 2 ? 0 : 1);
            if (branch == 1) {
                char want[32];
                snprintf(want, sizeof want, "v%lld", (long long)a);
                st_assert_eq_i64(slen, strlen(want));
                st_assert_eq_mem(s, want, slen);
            }
            /* the list: one block of [a, a+1], then the end */
            if (st_avro_get_block_count(&p, end, 1, &n) < 0) {
                rc = st_avro_reader_bad_record(r, i);
                goto done;
            }
            st_assert_eq_i64(n, 2);
            for (int k = 0; k < 2; k++) {
                if (st_avro_get_intlike(&p, end, 1, &x) < 0) {
                    rc = st_avro_reader_bad_record(r, i);
                    goto done;
                }
                st_assert_eq_i64(x, a + k);
            }
            if (st_avro_get_block_count(&p, end, 1, &n) < 0 || n != 0) {
                rc = st_avro_reader_bad_record(r, i);
                goto done;
            }
            (*n_out)++;
        }
        if ((rc = st_avro_reader_block_end(r, p)) < 0)
            goto done;
    }
done:
    st_avro_reader_free(r);
    return rc == ST_ITEROVER ? 0 : rc;
}

/* Skips every record with the writer schema; the number of records in *n. */
static int skip_records(const uint8_t *data, size_t len, const char *name, int64_t *n)
{
    st_avro_reader *r;
    const uint8_t *p;
    size_t blen;
    int64_t count;
    int rc;
    *n = 0;
    if ((rc = st_avro_reader_open(&r, data, len, name)) < 0)
        return rc;
    while ((rc = st_avro_reader_next_block(r, &p, &blen, &count)) == 0) {
        const uint8_t *end = p + blen;
        for (int64_t i = 0; i < count; i++, (*n)++)
            if (st_avro_skip(st_avro_reader_schema(r), &p, end) < 0) {
                rc = st_avro_reader_bad_record(r, i);
                goto done;
            }
        if ((rc = st_avro_reader_block_end(r, p)) < 0)
            goto done;
    }
done:
    st_avro_reader_free(r);
    return rc == ST_ITEROVER ? 0 : rc;
}

void test_avro_avro_file__roundtrip_null_and_deflate(void)
{
    for (int codec = 0; codec < 2; codec++) {
        size_t len;
        int64_t n;
        /* 20000 records: several ~64 KB blocks */
        uint8_t *data = write_records(20000, (st_avro_codec)codec, &len);
        st_pass(read_records(data, len, &n));
        st_assert_eq_i64(n, 20000);
        st_free(data);
    }
}

void test_avro_avro_file__metadata_order_and_schema(void)
{
    size_t len;
    st_avro_reader *r;
    uint8_t *data = write_records(3, ST_AVRO_CODEC_DEFLATE, &len);
    st_pass(st_avro_reader_open(&r, data, len, "mem.avro"));
    st_assert_eq_i64(st_avro_reader_meta_count(r), 4);
    st_assert_eq_str(st_avro_reader_meta_key(r, 0), "k1");
    st_assert_eq_str(st_avro_reader_meta_key(r, 1), "avro.schema");
    st_assert_eq_str(st_avro_reader_meta_key(r, 2), "avro.codec");
    st_assert_eq_str(st_avro_reader_meta_key(r, 3), "k2");
    st_assert_eq_str(st_avro_reader_meta(r, "avro.codec", NULL), "deflate");
    st_assert_eq_str(st_avro_reader_meta(r, "k2", NULL), "v2");
    /* the schema text is ours, verbatim: field ids survive */
    st_assert_eq_str(st_avro_reader_schema_json(r), SCHEMA);
    const st_avro_type *t = st_avro_reader_schema(r);
    st_assert(t->kind == ST_AVRO_RECORD && t->n_fields == 3);
    st_assert_eq_i64(st_avro_field_index(t, 3), 2);
    st_assert_eq_i64(t->fields[2].type->element_id, 4);
    st_assert(st_avro_nonnull(t->fields[1].type)->kind == ST_AVRO_STRING);
    st_avro_reader_free(r);
    st_free(data);
}

/* ---------------------------------------------------------------- by hand */

static void put_long(st_buf *b, int64_t v)
{
    uint64_t u = ((uint64_t)v << 1) ^ (uint64_t)(v >> 63);
    while (u >= 0x80) {
        st_buf_putc(b, (char)(u | 0x80));
        u >>= 7;
    }
    st_buf_putc(b, (char)u);
}

static void put_str(st_buf *b, const char *s)
{
    put_long(b, (int64_t)strlen(s));
    st_buf_puts(b, s);
}

static const uint8_t SYNC[16] = "0123456789abcdef";

/* A file with schema {a: long, s: string}, codec `codec`, one block holding
 * `payload` (already compressed) that claims `count` records. */
static void build(st_buf *f, const char *schema, const char *codec, int64_t count,
                  const void *payload, size_t n)
{
    st_buf_clear(f);
    st_buf_put(f, "Obj\1", 4);
    put_long(f, 2);
    put_str(f, "avro.schema");
    put_str(f, schema);
    put_str(f, "avro.codec");
    put_str(f, codec);
    put_long(f, 0);
    st_buf_put(f, SYNC, 16);
    put_long(f, count);
    put_long(f, (int64_t)n);
    st_buf_put(f, payload, n);
    st_buf_put(f, SYNC, 16);
}

static const char *SIMPLE = "{\"type\":\"record\",\"name\":\"r\",\"fields\":["
                            "{\"name\":\"a\",\"type\":\"long\"},{\"name\":\"s\",\"type\":\"string\"}]}";

static void simple_records(st_buf *raw, int n)
{
    st_buf_clear(raw);
    for (int i = 0; i < n; i++) {
        put_long(raw, i * 1000);
        put_str(raw, "hello");
    }
}

static int count_records(const st_buf *f, int64_t *n)
{
    st_avro_reader *r;
    const uint8_t *p, *end;
    size_t blen;
    int64_t count;
    int rc;
    *n = 0;
    if ((rc = st_avro_reader_open(&r, f->ptr, f->len, "hand.avro")) < 0)
        return rc;
    while ((rc = st_avro_reader_next_block(r, &p, &blen, &count)) == 0) {
        end = p + blen;
        for (int64_t i = 0; i < count; i++) {
            int64_t a;
            const uint8_t *s;
            size_t slen;
            if (st_avro_get_long(&p, end, &a) < 0 || st_avro_get_bytes(&p, end, &s, &slen) < 0) {
                rc = st_avro_reader_bad_record(r, i);
                goto done;
            }
            st_assert_eq_i64(a, *n * 1000);
            (*n)++;
        }
        if ((rc = st_avro_reader_block_end(r, p)) < 0)
            goto done;
    }
done:
    st_avro_reader_free(r);
    return rc == ST_ITEROVER ? 0 : rc;
}

void test_avro_avro_file__snappy_and_zstd(void)
{
    st_buf raw = ST_BUF_INIT, f = ST_BUF_INIT, z = ST_BUF_INIT;
    int64_t n;
    simple_records(&raw, 50);

    size_t cap = snappy_max_compressed_length(raw.len), clen = cap;
    st_pass(st_buf_reserve(&z, cap + 4));
    st_assert(snappy_compress((const char *)raw.ptr, raw.len, (char *)z.ptr, &clen) == SNAPPY_OK);
    uint32_t crc = (uint32_t)crc32(0, raw.ptr, (uInt)raw.len);
    uint8_t be[4] = {(uint8_t)(crc >> 24), (uint8_t)(crc >> 16), (uint8_t)(crc >> 8), (uint8_t)crc};
    memcpy(z.ptr + clen, be, 4);
    build(&f, SIMPLE, "snappy", 50, z.ptr, clen + 4);
    st_pass(count_records(&f, &n));
    st_assert_eq_i64(n, 50);
    /* a wrong CRC */
    z.ptr[clen + 3] ^= 1;
    build(&f, SIMPLE, "snappy", 50, z.ptr, clen + 4);
    st_fail_with(ST_ECORRUPT, count_records(&f, &n));
    st_assert_contains(st_error_last()->message, "CRC");

    st_pass(st_buf_reserve(&z, ZSTD_compressBound(raw.len)));
    size_t zl = ZSTD_compress(z.ptr, z.cap, raw.ptr, raw.len, 3);
    st_assert(!ZSTD_isError(zl));
    build(&f, SIMPLE, "zstandard", 50, z.ptr, zl);
    st_pass(count_records(&f, &n));
    st_assert_eq_i64(n, 50);
    build(&f, SIMPLE, "zstandard", 50, z.ptr, zl - 3);
    st_fail_with(ST_ECORRUPT, count_records(&f, &n));

    st_buf_dispose(&raw);
    st_buf_dispose(&f);
    st_buf_dispose(&z);
}

void test_avro_avro_file__malformed(void)
{
    st_buf raw = ST_BUF_INIT, f = ST_BUF_INIT;
    int64_t n;
    simple_records(&raw, 3);

    build(&f, SIMPLE, "null", 3, raw.ptr, raw.len);
    st_pass(count_records(&f, &n));
    st_assert_eq_i64(n, 3);

    /* the record count lies, both ways */
    build(&f, SIMPLE, "null", 4, raw.ptr, raw.len);
    st_fail_with(ST_ECORRUPT, count_records(&f, &n));
    st_assert_contains(st_error_last()->message, "hand.avro");
    build(&f, SIMPLE, "null", 2, raw.ptr, raw.len);
    st_fail_with(ST_ECORRUPT, count_records(&f, &n));
    st_assert_contains(st_error_last()->message, "past its record count");
    build(&f, SIMPLE, "null", INT64_MAX, raw.ptr, raw.len);
    st_fail_with(ST_ECORRUPT, count_records(&f, &n));
    build(&f, SIMPLE, "null", -1, raw.ptr, raw.len);
    st_fail_with(ST_ECORRUPT, count_records(&f, &n));

    /* codecs */
    build(&f, SIMPLE, "bzip2", 3, raw.ptr, raw.len);
    st_fail_with(ST_EUNSUPPORTED, count_records(&f, &n));
    st_assert_contains(st_error_last()->message, "bzip2");
    build(&f, SIMPLE, "deflate", 3, raw.ptr, raw.len);
    st_fail_with(ST_ECORRUPT, count_records(&f, &n));

    /* bad sync after the block */
    build(&f, SIMPLE, "null", 3, raw.ptr, raw.len);
    f.ptr[f.len - 1] ^= 0xff;
    st_fail_with(ST_ECORRUPT, count_records(&f, &n));
    st_assert_contains(st_error_last()->message, "sync");

    /* bad magic */
    build(&f, SIMPLE, "null", 3, raw.ptr, raw.len);
    f.ptr[0] = 'X';
    st_fail_with(ST_ECORRUPT, count_records(&f, &n));
    st_assert_contains(st_error_last()->message, "magic");

    /* schema errors */
    build(&f, "{\"type\":\"record\"", "null", 3, raw.ptr, raw.len);
    st_fail_with(ST_ECORRUPT, count_records(&f, &n));
    build(&f, "\"nosuchtype\"", "null", 3, raw.ptr, raw.len);
    st_fail_with(ST_ECORRUPT, count_records(&f, &n));

    /* a string length past the block */
    st_buf_clear(&raw);
    put_long(&raw, 1);
    put_long(&raw, 1000000);
    st_buf_puts(&raw, "abc");
    build(&f, SIMPLE, "null", 1, raw.ptr, raw.len);
    st_fail_with(ST_ECORRUPT, count_records(&f, &n));
    /* a negative string length */
    st_buf_clear(&raw);
    put_long(&raw, 1);
    put_long(&raw, -5);
    build(&f, SIMPLE, "null", 1, raw.ptr, raw.len);
    st_fail_with(ST_ECORRUPT, count_records(&f, &n));

    st_buf_dispose(&raw);
    st_buf_dispose(&f);
}

void test_avro_avro_file__names_avro_c_rejects(void)
{
    /* Java keeps letters such as 'é' and writes sanitized names with
     * iceberg-field-name; avro-c rejects both raw forms, we read them anyway. */
    const char *schema = "{\"type\":\"record\",\"name\":\"r\",\"fields\":["
                         "{\"name\":\"caf\xc3\xa9\",\"type\":\"long\",\"field-id\":1},"
                         "{\"name\":\"a b\",\"type\":\"string\",\"field-id\":2}]}";
    st_buf raw = ST_BUF_INIT, f = ST_BUF_INIT;
    int64_t n;
    simple_records(&raw, 2);
    build(&f, schema, "null", 2, raw.ptr, raw.len);
    st_pass(count_records(&f, &n));
    st_assert_eq_i64(n, 2);
    st_buf_dispose(&raw);
    st_buf_dispose(&f);
}

void test_avro_avro_file__writer_renames_for_avro_c(void)
{
    /* avro-c gets "_st_f<i>" for the names it rejects; the file keeps ours */
    const char *schema = "{\"type\":\"record\",\"name\":\"r\",\"fields\":["
                         "{\"type\":\"long\",\"field-id\":1,\"name\":\"caf\\u00e9\"},"
                         "{\"name\":\"a b\",\"type\":{\"type\":\"record\",\"name\":\"n\","
                         "\"fields\":[{\"name\":\"x-y\",\"type\":\"string\"}]},\"field-id\":2}]}";
    st_output *o;
    st_avro_writer *w;
    st_avro_reader *r;
    uint8_t *data = NULL;
    size_t len, blen;
    const uint8_t *p;
    int64_t count, a = 0;
    avro_value_t f, g;
    st_pass(st_output_open_buffer(&o, &data, &len));
    st_pass(st_avro_writer_open(&w, o, schema, NULL, 0, ST_AVRO_CODEC_NULL, "w.avro"));
    avro_value_t *rec = st_avro_writer_value(w);
    st_assert(avro_value_get_by_index(rec, 0, &f, NULL) == 0 && avro_value_set_long(&f, -5) == 0);
    st_assert(avro_value_get_by_index(rec, 1, &f, NULL) == 0 &&
              avro_value_get_by_index(&f, 0, &g, NULL) == 0 && avro_value_set_string(&g, "z") == 0);
    st_pass(st_avro_writer_append(w));
    st_pass(st_avro_writer_finish(w));
    st_avro_writer_free(w);
    st_pass(st_output_close(o));

    st_pass(st_avro_reader_open(&r, data, len, "w.avro"));
    st_assert_eq_str(st_avro_reader_schema_json(r), schema);
    const st_avro_type *t = st_avro_reader_schema(r);
    st_assert_eq_str(t->fields[0].name, "caf\xc3\xa9");
    st_assert_eq_str(t->fields[1].name, "a b");
    st_assert_eq_str(t->fields[1].type->fields[0].name, "x-y");
    st_pass(st_avro_reader_next_block(r, &p, &blen, &count));
    st_assert_eq_i64(count, 1);
    st_pass(st_avro_get_long(&p, p + blen, &a));
    st_assert_eq_i64(a, -5);
    st_assert_eq_i64(p[0], 2); /* "z" */
    st_assert_eq_i64(p[1], 'z');
    st_pass(st_avro_reader_block_end(r, p + 2));
    st_avro_reader_free(r);
    st_free(data);
}

/* The schema's JSON: what is and is not accepted. */
#define R_ "{\"type\":\"record\",\"name\":\"r\",\"fields\":["
void test_avro_avro_file__schema_json(void)
{
    static const struct {
        const char *schema;
        int ok;
        int32_t id;
    } cases[] = {
        {" \t\r\n{\"type\" : \"record\", \"name\":\"r\", \"fields\" : [ {\"name\":\"a\","
         "\"type\":\"long\",\"field-id\":7} ] }\n", 1, 7},
        /* 7.0 is not an integer: no id; 1e2 neither */
        {"{\"type\":\"record\",\"name\":\"r\",\"fields\":[{\"name\":\"a\",\"type\":\"long\","
         "\"field-id\":7.0}]}", 1, ST_AVRO_NO_ID},
        {"{\"type\":\"record\",\"name\":\"r\",\"fields\":[{\"name\":\"a\",\"type\":\"long\","
         "\"field-id\":1e2}]}", 1, ST_AVRO_NO_ID},
        /* a repeated key: the last one counts */
        {"{\"type\":\"record\",\"name\":\"r\",\"fields\":[{\"name\":\"a\",\"type\":\"long\","
         "\"field-id\":1,\"field-id\":-3}]}", 1, -3},
        /* escapes in names; a surrogate pair */
        {"{\"type\":\"record\",\"name\":\"r\",\"fields\":[{\"name\":\"\\\"\\/\\ud83d\\ude00\","
         "\"type\":\"long\",\"field-id\":2}]}", 1, 2},
        {"\"long\"", 1, ST_AVRO_NO_ID},
        {"{\"type\":\"record\",\"name\":\"r\",\"fields\":[]} x", 0, 0},
        {"{\"type\":\"record\",\"name\":\"r\",\"fields\":[{\"name\":\"a\",\"type\":\"long\","
         "\"field-id\":99999999999999999999}]}", 0, 0},
        {R_ "{\"name\":\"\\ud83d\",\"type\":\"long\"}]}", 0, 0},
        {R_ "{\"name\":\"a\\u0000\",\"type\":\"long\"}]}", 0, 0},
        {R_ "{\"name\":\"a\",\"type\":\"long\",}]}", 0, 0},
        {R_ "{\"name\":\"a\",\"type\":\"long\"}", 0, 0},
        {"{\"type\":\"record\",\"name\":\"r\",\"fields\":[{\"name\":\"a\",\"type\":tru}]}", 0, 0},
        {"{\"type\":\"record\",\"name\":\"r\",\"fields\":[{\"name\":\"a\\q\",\"type\":\"long\"}]}",
         0, 0},
        {"{\"type\":\"record\",\"name\":\"r\",\"fields\":[{\"name\":\"a\",\"type\":\"long\","
         "\"field-id\":-}]}", 0, 0},
        {"", 0, 0},
    };
    st_buf f = ST_BUF_INIT, raw = ST_BUF_INIT;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        st_avro_reader *r;
        build(&f, cases[i].schema, "null", 0, "", 0);
        int rc = st_avro_reader_open(&r, f.ptr, f.len, "json.avro");
        if (!cases[i].ok) {
            st_assert_msg(rc == ST_ECORRUPT, "case %zu gave %d", i, rc);
            st_assert_contains(st_error_last()->message, "'json.avro': avro.schema is not JSON");
            continue;
        }
        st_assert_msg(rc == 0, "case %zu gave %d (%s)", i, rc, st_error_last()->message);
        const st_avro_type *t = st_avro_reader_schema(r);
        if (t->kind == ST_AVRO_RECORD)
            st_assert_eq_i64(t->fields[0].id, cases[i].id);
        if (i == 4)
            st_assert_eq_str(t->fields[0].name, "\"/\xf0\x9f\x98\x80");
        st_avro_reader_free(r);
    }
    st_buf_dispose(&f);
    st_buf_dispose(&raw);
}
#undef R_

void test_avro_avro_file__recursive_schema(void)
{
    /* a linked list: skipping is bounded in depth, nothing loops */
    const char *schema = "{\"type\":\"record\",\"name\":\"node\",\"fields\":["
                         "{\"name\":\"v\",\"type\":\"long\"},"
                         "{\"name\":\"next\",\"type\":[\"null\",\"node\"]}]}";
    st_buf raw = ST_BUF_INIT, f = ST_BUF_INIT;
    for (int depth = 1; depth <= 200; depth += 199) {
        int64_t n;
        st_buf_clear(&raw);
        for (int i = 0; i < depth; i++) {
            put_long(&raw, i);
            put_long(&raw, i + 1 < depth ? 1 : 0);
        }
        build(&f, schema, "null", 1, raw.ptr, raw.len);
        int rc = skip_records(f.ptr, f.len, "list.avro", &n);
        if (depth == 1) {
            st_pass(rc);
            st_assert_eq_i64(n, 1);
        } else {
            st_assert_eq_i64(rc, ST_ECORRUPT);
            st_assert_contains(st_error_last()->message, "record 0 of the block");
        }
    }
    st_buf_dispose(&raw);
    st_buf_dispose(&f);
}

void test_avro_avro_file__truncated_and_flipped(void)
{
    size_t len;
    uint8_t *data = write_records(40, ST_AVRO_CODEC_NULL, &len);
    for (size_t cut = 0; cut < len; cut++) {
        int64_t n;
        int rc = read_records(data, cut, &n);
        st_assert_msg(rc == ST_ECORRUPT || (rc == 0 && n < 40), "cut at %zu gave %d", cut, rc);
    }
    for (size_t i = 0; i < len; i++) {
        uint8_t *copy = st_memdup(data, len);
        int64_t n;
        copy[i] ^= 0x5a;
        int rc = skip_records(copy, len, "flip.avro", &n);
        /* a flipped codec name is a codec we do not know */
        st_assert_msg(rc == 0 || rc == ST_ECORRUPT || rc == ST_EUNSUPPORTED, "flip at %zu gave %d",
                      i, rc);
        st_free(copy);
    }
    st_free(data);
}

void test_avro_avro_file__allocation_failures(void)
{
    size_t len;
    uint8_t *data = write_records(300, ST_AVRO_CODEC_DEFLATE, &len);
    long n, done;
    for (n = 0;; n++) {
        int64_t count;
        st_alloc_fail_after(n);
        int rc = read_records(data, len, &count);
        done = st_alloc_fail_after(-1);
        if (rc == 0 && done <= n)
            break;
        st_assert_msg(rc == 0 || rc == ST_ENOMEM, "failing allocation %ld gave %d", n, rc);
    }
    st_assert(n > 3);
    st_free(data);
}
