/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Parquet writer: round trips through the reader for every Iceberg type, nulls
 * at every level, nested shapes, and the option matrix (codecs, page versions,
 * dictionaries, page and row-group limits, batch sizes).
 */
#include "st_test.h"
#include "writer_helpers.h"

#include <math.h>

#include <supertable/errors.h>

static const char *ALL_TYPES =
    "b boolean, i int, l long, f float, d double, dec9 decimal(9,2), dec18 decimal(18,4), "
    "dec38 decimal(38,10), dt date, tm time, ts timestamp, tstz timestamptz, "
    "tsn timestamp_ns, tstzn timestamptz_ns, s string, u uuid, fx fixed[5], bin binary";

static void roundtrip(const char *schema_text, int64_t rows, const pwt_cfg *cfg,
                      const st_parquet_write_options *o)
{
    st_type *s = pwt_schema(schema_text);
    pwt_rng r = {42};
    st_batch *b = pwt_random_batch(s, rows, &r, cfg);
    const char *path = st_test_path("t.parquet");
    pwt_write(path, s, &b, 1, o, NULL);
    pwt_check(path, s, &b, 1);
    pwt_free_batches(&b, 1);
    st_type_free(s);
}

void test_parquet_writer__every_type(void)
{
    pwt_cfg cfg = {20, 0, 3, 1, 0};
    roundtrip(ALL_TYPES, 3000, &cfg, NULL);
}

void test_parquet_writer__every_type_dictionary(void)
{
    pwt_cfg cfg = {20, 7, 3, 1, 0};
    roundtrip(ALL_TYPES, 3000, &cfg, NULL);
}

/* Several batches of varying sizes through one writer, checked against the reader. */
static void multi_batch(const char *schema_text, const int64_t *sizes, int n, const pwt_cfg *cfg,
                        const st_parquet_write_options *o, uint64_t seed)
{
    st_type *s = pwt_schema(schema_text);
    pwt_rng r = {seed};
    st_batch *b[16];
    const char *path = st_test_path("m.parquet");
    for (int i = 0; i < n; i++)
        b[i] = pwt_random_batch(s, sizes[i], &r, cfg);
    pwt_write(path, s, b, n, o, NULL);
    pwt_check(path, s, b, n);
    pwt_free_batches(b, n);
    st_type_free(s);
}

static const char *MIXED =
    "id long not null, x int, f double, s string, tags list<string>, "
    "m map<string, int>, st struct<a: int, b: list<long not null>>, d decimal(20,3), "
    "ok boolean, u uuid";

void test_parquet_writer__option_matrix(void)
{
    static const st_parquet_codec codecs[] = {ST_CODEC_UNCOMPRESSED, ST_CODEC_SNAPPY,
                                              ST_CODEC_GZIP, ST_CODEC_BROTLI, ST_CODEC_ZSTD,
                                              ST_CODEC_LZ4_RAW};
    static const int64_t sizes[] = {1, 130, 7, 0, 301, 64};
    pwt_cfg cfg = {15, 0, 3, 1, 0};
    uint64_t seed = 1;
    for (size_t c = 0; c < sizeof(codecs) / sizeof(codecs[0]); c++) {
        for (int v = 1; v <= 2; v++) {
            for (int dict = 0; dict < 3; dict++) {
                for (int small = 0; small < 2; small++) {
                    st_parquet_write_options o = ST_PARQUET_WRITE_OPTIONS_INIT;
                    o.codec = codecs[c];
                    o.data_page_version = v;
                    /* on (small domain), off, and a dictionary that overflows mid-chunk */
                    o.dictionary_bytes = dict == 1 ? -1 : dict == 2 ? 40 : 0;
                    cfg.domain = dict == 1 ? 0 : 11;
                    if (small) {
                        o.page_rows = 7;
                        o.page_bytes = 60;
                        o.row_group_rows = 50;
                    }
                    multi_batch(MIXED, sizes, 6, &cfg, &o, seed++);
                }
            }
        }
    }
}

/* The encodings of leaf `col` of row group 0 (a string owned by the reader r). */
static const char *encodings_of(st_parquet_reader *r, int col)
{
    st_parquet_chunk_info ci;
    st_pass(st_parquet_reader_chunk_info(r, 0, col, &ci));
    return ci.encodings;
}

static void check_encodings(int v2, int64_t dict_bytes, const char *const *want)
{
    st_type *s = pwt_schema("id long not null, rnd long, dbl double, low string, word string, "
                            "ok boolean, dt date");
    st_batch *b = NULL;
    st_parquet_reader *r;
    st_parquet_write_options o = ST_PARQUET_WRITE_OPTIONS_INIT;
    const char *path = st_test_path("e.parquet");
    pwt_rng rng = {5};
    st_pass(st_batch_new(&b, s, 30000));
    for (int64_t i = 0; i < 30000; i++) {
        char w[16];
        int len = 3 + (int)(pwt_next(&rng) % 8);
        for (int k = 0; k < len; k++)
            w[k] = (char)('a' + pwt_next(&rng) % 26);
        st_pass(st_vector_append_i64(b->columns[0], i));
        st_pass(st_vector_append_i64(b->columns[1], (int64_t)pwt_next(&rng)));
        st_pass(st_vector_append_f64(b->columns[2],
                                     (double)(uint32_t)((uint64_t)i * 2654435761ULL) / 4096.0));
        st_pass(st_vector_append_bytes(b->columns[3], i % 3 ? "red" : "green", i % 3 ? 3 : 5));
        st_pass(st_vector_append_bytes(b->columns[4], w, (size_t)len));
        st_pass(st_vector_append_bool(b->columns[5], (int)(i % 5 == 0)));
        /* 16 dates in the first page, 16 others after it */
        st_pass(st_vector_append_i32(b->columns[6],
                                     (int32_t)(19000 + (i * 7919) % 16 + (i < 20000 ? 0 : 16))));
    }
    st_pass(st_batch_seal(b));
    o.data_page_version = v2 ? 2 : 1;
    o.dictionary_bytes = dict_bytes;
    pwt_write(path, s, &b, 1, &o, NULL);
    pwt_check(path, s, &b, 1);
    st_pass(st_parquet_reader_open(&r, path, NULL));
    for (int c = 0; c < 7; c++)
        st_assert_msg(!strcmp(encodings_of(r, c), want[c]), "v%d column %d: %s, expected %s",
                      v2 ? 2 : 1, c, encodings_of(r, c), want[c]);
    st_parquet_reader_free(r);
    st_batch_free(b);
    st_type_free(s);
}

void test_parquet_writer__encoding_choice(void)
{
    /* sorted ids: delta; random longs: plain; Weyl doubles: plain in v1, byte stream
     * split in v2; two strings: dictionary; random words: plain in v1, delta
     * lengths in v2; booleans: plain bits in v1, RLE in v2; 32 dates: dictionary */
    static const char *v1[] = {"DELTA_BINARY_PACKED", "PLAIN,RLE", "PLAIN,RLE",
                               "PLAIN,RLE,RLE_DICTIONARY", "PLAIN,RLE", "PLAIN,RLE",
                               "PLAIN,RLE,RLE_DICTIONARY"};
    static const char *v2[] = {"DELTA_BINARY_PACKED", "PLAIN,RLE", "RLE,BYTE_STREAM_SPLIT",
                               "PLAIN,RLE,RLE_DICTIONARY", "RLE,DELTA_LENGTH_BYTE_ARRAY", "RLE",
                               "PLAIN,RLE,RLE_DICTIONARY"};
    /* no dictionaries: the dates' small deltas still beat PLAIN */
    static const char *nodict[] = {"DELTA_BINARY_PACKED", "PLAIN,RLE", "PLAIN,RLE", "PLAIN,RLE",
                                   "PLAIN,RLE", "PLAIN,RLE", "RLE,DELTA_BINARY_PACKED"};
    /* an 84-byte dictionary: the strings fit, the dates (128 bytes) overflow in the
     * second page; the first page keeps its dictionary */
    static const char *small[] = {"DELTA_BINARY_PACKED", "PLAIN,RLE", "PLAIN,RLE",
                                  "PLAIN,RLE,RLE_DICTIONARY", "PLAIN,RLE", "PLAIN,RLE",
                                  "PLAIN,RLE,DELTA_BINARY_PACKED,RLE_DICTIONARY"};
    check_encodings(0, 0, v1);
    check_encodings(1, 0, v2);
    check_encodings(0, -1, nodict);
    check_encodings(0, 84, small);
}

/* Writes one batch built by the caller with several option sets and checks each. */
static void roundtrip_batch(st_type *s, st_batch *b)
{
    const char *path = st_test_path("b.parquet");
    for (int k = 0; k < 4; k++) {
        st_parquet_write_options o = ST_PARQUET_WRITE_OPTIONS_INIT;
        o.data_page_version = k & 1 ? 2 : 1;
        o.dictionary_bytes = k & 2 ? -1 : 0;
        o.page_rows = k & 2 ? 3 : 0;
        pwt_write(path, s, &b, 1, &o, NULL);
        pwt_check(path, s, &b, 1);
    }
}

void test_parquet_writer__decimal_precisions(void)
{
    st_type *s = pwt_schema("d1 decimal(1,0), d9 decimal(9,3), d10 decimal(10,10), "
                            "d18 decimal(18,2), d19 decimal(19,5), d38 decimal(38,0), "
                            "d38n decimal(38,37) not null");
    st_batch *b = NULL;
    static const int prec[] = {1, 9, 10, 18, 19, 38, 38};
    st_pass(st_batch_new(&b, s, 16));
    for (int row = 0; row < 9; row++) {
        for (int c = 0; c < 7; c++) {
            /* +-(10^P - 1), +-1, 0, -10^(P-1), and a null */
            __int128 lim = 1, v;
            st_decimal128 d;
            for (int i = 0; i < prec[c]; i++)
                lim *= 10;
            switch (row) {
            case 0: v = lim - 1; break;
            case 1: v = -(lim - 1); break;
            case 2: v = 1; break;
            case 3: v = -1; break;
            case 4: v = 0; break;
            case 5: v = -(lim / 10); break;
            case 6: v = lim / 10 - 1; break;
            case 7: v = -(lim / 2) - 3; break;
            default: v = 7; break;
            }
            if (row == 8 && c < 6) {
                st_pass(st_vector_append_null(b->columns[c]));
                continue;
            }
            d.lo = (uint64_t)v;
            d.hi = (int64_t)(v >> 64);
            st_pass(st_vector_append_decimal(b->columns[c], d));
        }
    }
    st_pass(st_batch_seal(b));
    roundtrip_batch(s, b);
    st_batch_free(b);
    st_type_free(s);
}

void test_parquet_writer__float_specials_bit_exact(void)
{
    st_type *s = pwt_schema("f float, d double");
    st_batch *b = NULL;
    static const double vals[] = {NAN, -0.0, 0.0, INFINITY, -INFINITY, 1.5, -NAN, 1e-310,
                                  3.4028234663852886e38, -1.401298464324817e-45};
    st_pass(st_batch_new(&b, s, 32));
    for (int rep = 0; rep < 3; rep++) {
        for (size_t i = 0; i < sizeof(vals) / sizeof(vals[0]); i++) {
            st_pass(st_vector_append_f32(b->columns[0], (float)vals[i]));
            st_pass(st_vector_append_f64(b->columns[1], vals[i]));
        }
    }
    st_pass(st_batch_seal(b));
    /* st_vector_equals compares NaN by bit pattern: -NaN stays -NaN */
    roundtrip_batch(s, b);
    st_batch_free(b);
    st_type_free(s);
}

void test_parquet_writer__empty_and_null_strings(void)
{
    st_type *s = pwt_schema("s string, b binary, l list<string>, r string not null");
    st_batch *b = NULL;
    st_pass(st_batch_new(&b, s, 16));
    for (int i = 0; i < 12; i++) {
        st_vector **c = b->columns;
        st_pass(i % 3 == 0 ? st_vector_append_null(c[0]) : st_vector_append_bytes(c[0], "", 0));
        st_pass(i % 3 == 1 ? st_vector_append_null(c[1]) : st_vector_append_bytes(c[1], "", 0));
        if (i % 4 == 0) {
            st_pass(st_vector_append_null(c[2]));
        } else {
            for (int k = 0; k < i % 4; k++)
                st_pass(k == 1 ? st_vector_append_null(c[2]->children[0])
                               : st_vector_append_bytes(c[2]->children[0], "", 0));
            st_pass(st_vector_append_nested(c[2]));
        }
        st_pass(st_vector_append_bytes(c[3], i % 2 ? "x" : "", i % 2));
    }
    st_pass(st_batch_seal(b));
    roundtrip_batch(s, b);
    st_batch_free(b);
    st_type_free(s);
}

/* Null patterns on every type: all null, none null, alternating, runs. */
void test_parquet_writer__null_patterns(void)
{
    st_type *s = pwt_schema(ALL_TYPES);
    pwt_cfg cfg = {0, 5, 2, 1, 0};
    pwt_rng r = {11};
    for (int pattern = 0; pattern < 4; pattern++) {
        st_batch *b = pwt_random_batch(s, 700, &r, &cfg);
        for (int c = 0; c < b->n_columns; c++) {
            st_vector *v = b->columns[c];
            if (pattern == 1)
                continue;   /* no nulls */
            st_pass(st_vector_ensure_validity(v));
            v->null_count = 0;
            for (int64_t i = 0; i < v->length; i++) {
                int null = pattern == 0 || (pattern == 2 && i % 2) ||
                           (pattern == 3 && (i / 50) % 2);
                if (null) {
                    v->validity[i >> 3] &= (uint8_t) ~(1u << (i & 7));
                    v->null_count++;
                }
            }
        }
        roundtrip_batch(s, b);
        st_batch_free(b);
    }
    st_type_free(s);
}

void test_parquet_writer__row_group_limits(void)
{
    st_type *s = pwt_schema("id long not null, s string, l list<string>");
    pwt_cfg cfg = {10, 0, 3, 0, 0};
    pwt_rng r = {13};
    st_batch *b[3];
    static const int64_t sizes[] = {500, 3000, 1};
    const char *path = st_test_path("g.parquet");
    st_parquet_write_options o = ST_PARQUET_WRITE_OPTIONS_INIT;
    st_parquet_reader *rd;
    int64_t total = 0;
    for (int i = 0; i < 3; i++)
        b[i] = pwt_random_batch(s, sizes[i], &r, &cfg);
    o.row_group_bytes = 20000;          /* a few hundred rows each */
    pwt_write(path, s, b, 3, &o, NULL);
    st_assert(pwt_check(path, s, b, 3) > 5);
    st_pass(st_parquet_reader_open(&rd, path, NULL));
    for (int g = 0; g < st_parquet_reader_num_row_groups(rd); g++) {
        st_assert(st_parquet_reader_row_group_rows(rd, g) > 0);
        total += st_parquet_reader_row_group_rows(rd, g);
    }
    st_assert_eq_i64(total, 3501);
    st_parquet_reader_free(rd);
    /* row-count limit: exact group sizes, also across batches */
    o = (st_parquet_write_options)ST_PARQUET_WRITE_OPTIONS_INIT;
    o.row_group_rows = 1000;
    pwt_write(path, s, b, 3, &o, NULL);
    st_assert_eq_i64(pwt_check(path, s, b, 3), 4);
    st_pass(st_parquet_reader_open(&rd, path, NULL));
    st_assert_eq_i64(st_parquet_reader_row_group_rows(rd, 0), 1000);
    st_assert_eq_i64(st_parquet_reader_row_group_rows(rd, 3), 501);
    st_parquet_reader_free(rd);
    pwt_free_batches(b, 3);
    st_type_free(s);
}

/* Threads change nothing in the bytes written (flat schemas encode windows of row groups). */
static void deterministic(const char *schema_text)
{
    st_type *s = pwt_schema(schema_text);
    pwt_cfg cfg = {10, 0, 3, 1, 0};
    pwt_rng r = {17};
    st_batch *b = pwt_random_batch(s, 2000, &r, &cfg);
    const char *p1 = st_test_path("t1.parquet"), *p3 = st_test_path("t3.parquet");
    st_parquet_write_options o = ST_PARQUET_WRITE_OPTIONS_INIT;
    uint8_t *a, *c;
    size_t al, cl;
    o.row_group_rows = 300;
    o.threads = 1;
    pwt_write(p1, s, &b, 1, &o, NULL);
    o.threads = 3;
    pwt_write(p3, s, &b, 1, &o, NULL);
    a = st_test_read_file(p1, &al);
    c = st_test_read_file(p3, &cl);
    st_assert_eq_i64(al, cl);
    st_assert_eq_mem(a, c, al);
    free(a);
    free(c);
    o.threads = 0;
    pwt_write(p3, s, &b, 1, &o, NULL);
    pwt_check(p3, s, &b, 1);
    st_batch_free(b);
    st_type_free(s);
}

void test_parquet_writer__deterministic_across_threads(void)
{
    deterministic(MIXED);
    deterministic(ALL_TYPES);
}

/* DELTA_BINARY_PACKED across the whole integer ranges, deltas that wrap included. */
void test_parquet_writer__delta_extremes(void)
{
    st_type *s = pwt_schema(PWT_EXTREMES_SCHEMA);
    st_batch *b = pwt_extremes_batch(s);
    st_parquet_reader *r;
    st_parquet_chunk_info ci;
    const char *path = st_test_path("x.parquet");
    st_parquet_write_options o = ST_PARQUET_WRITE_OPTIONS_INIT;
    o.dictionary_bytes = -1;
    for (int v = 1; v <= 2; v++) {
        o.data_page_version = v;
        pwt_write(path, s, &b, 1, &o, NULL);
        pwt_check(path, s, &b, 1);
        st_pass(st_parquet_reader_open(&r, path, NULL));
        for (int c = 0; c < 3; c++) {
            st_pass(st_parquet_reader_chunk_info(r, 0, c, &ci));
            st_assert_contains(ci.encodings, "DELTA_BINARY_PACKED");
        }
        st_parquet_reader_free(r);
    }
    st_batch_free(b);
    st_type_free(s);
}

void test_parquet_writer__key_values_and_size(void)
{
    st_type *s = pwt_schema("a long, s string");
    pwt_rng r = {7};
    pwt_cfg cfg = {10, 0, 3, 1, 0};
    st_batch *b = pwt_random_batch(s, 5000, &r, &cfg);
    const char *kv[] = {"iceberg.schema", "{\"type\":\"struct\"}", "empty", NULL, NULL};
    st_parquet_write_options o = ST_PARQUET_WRITE_OPTIONS_INIT;
    o.key_values = kv;
    const char *path = st_test_path("kv.parquet");
    st_parquet_writer *w;
    st_pass(st_parquet_writer_open(&w, path, s, &o));
    st_assert_eq_i64(st_parquet_writer_rows(w), 0);
    int64_t before = st_parquet_writer_bytes(w);
    st_pass(st_parquet_writer_write(w, b));
    st_assert_eq_i64(st_parquet_writer_rows(w), 5000);
    st_assert(st_parquet_writer_bytes(w) > before);
    st_pass(st_parquet_writer_close(w, NULL));

    st_parquet_reader *rd;
    st_pass(st_parquet_reader_open(&rd, path, NULL));
    st_assert_eq_i64(st_parquet_reader_kv_count(rd), 2);
    const char *k, *v;
    st_parquet_reader_kv(rd, 0, &k, &v);
    st_assert_eq_str(k, "iceberg.schema");
    st_assert_eq_str(v, "{\"type\":\"struct\"}");
    st_parquet_reader_kv(rd, 1, &k, &v);
    st_assert_eq_str(k, "empty");
    st_assert(v == NULL);
    st_parquet_reader_free(rd);
    pwt_free_batches(&b, 1);
    st_type_free(s);
}
