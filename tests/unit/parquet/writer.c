/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Parquet writer: round trips through the reader for every Iceberg type, nulls
 * at every level, nested shapes, and the option matrix (codecs, page versions,
 * dictionaries, page and row-group limits, batch sizes).
 */
#include "st_test.h"
#include "writer_helpers.h"

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
