/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Tests for parquet/metadata: encode/decode round trips of every structure, the
 * footers, page headers and page indexes of the parquet-testing files, and
 * malformed input (truncation, byte flips, allocation failures).
 */
#include "st_test.h"

#include <dirent.h>
#include <supertable/errors.h>
#include <supertable/sys/alloc.h>
#include "parquet/metadata.h"

#define PT "parquet-testing/"
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* ---- helpers ---------------------------------------------------------------- */

typedef struct {
    uint8_t *data;
    size_t len;
    const uint8_t *footer;
    uint32_t footer_len;
} pq_file;

static void load_file(pq_file *f, const char *rel)
{
    f->data = st_test_read_file(st_test_resource(rel), &f->len);
    st_assert_msg(f->len >= 12 && memcmp(f->data + f->len - 4, "PAR1", 4) == 0,
                  "%s: no PAR1 trailer", rel);
    const uint8_t *t = f->data + f->len - 8;
    f->footer_len = (uint32_t)t[0] | (uint32_t)t[1] << 8 | (uint32_t)t[2] << 16 |
                    (uint32_t)t[3] << 24;
    st_assert_msg(f->footer_len <= f->len - 12, "%s: footer length %u", rel, f->footer_len);
    f->footer = t - f->footer_len;
}

/* Loads a file and decodes its footer, which must use exactly footer_len bytes. */
static void load_footer(pq_file *f, const char *rel, pq_file_metadata *md, st_arena *a)
{
    size_t used = 0;
    load_file(f, rel);
    st_pass(pq_decode_file_metadata(md, a, f->footer, f->footer_len, &used));
    st_assert_eq_u64(used, f->footer_len);
}

/* A private copy of exactly n bytes, so that ASan sees any read past the end. */
static uint8_t *exact_copy(const uint8_t *p, size_t n)
{
    uint8_t *c = malloc(n ? n : 1);
    st_assert(c != NULL);
    memcpy(c, p, n);
    return c;
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static const char *find_leaf(const pq_file_metadata *md, const char *name)
{
    for (uint32_t i = 0; i < md->n_schema; i++)
        if (md->schema[i].name && strcmp(md->schema[i].name, name) == 0)
            return md->schema[i].name;
    return NULL;
}

static uint32_t count_leaves(const pq_file_metadata *md)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < md->n_schema; i++)
        n += md->schema[i].num_children == 0 && md->schema[i].has_type;
    return n;
}

/* ---- deep comparison -------------------------------------------------------- */

static bool same_bytes(const uint8_t *a, uint32_t alen, const uint8_t *b, uint32_t blen)
{
    if (!a || !b)
        return a == b;
    return alen == blen && memcmp(a, b, alen) == 0;
}

static bool same_str(const char *a, const char *b)
{
    if (!a || !b)
        return a == b;
    return strcmp(a, b) == 0;
}

static void check_stats(const pq_statistics *a, const pq_statistics *b)
{
    if (!a || !b) {
        st_assert(a == b);
        return;
    }
    st_assert(same_bytes(a->max, a->max_len, b->max, b->max_len));
    st_assert(same_bytes(a->min, a->min_len, b->min, b->min_len));
    st_assert(same_bytes(a->max_value, a->max_value_len, b->max_value, b->max_value_len));
    st_assert(same_bytes(a->min_value, a->min_value_len, b->min_value, b->min_value_len));
    st_assert_eq_i64(a->has_null_count, b->has_null_count);
    st_assert_eq_i64(a->null_count, b->null_count);
    st_assert_eq_i64(a->has_distinct_count, b->has_distinct_count);
    st_assert_eq_i64(a->distinct_count, b->distinct_count);
    st_assert_eq_i64(a->has_is_max_exact, b->has_is_max_exact);
    st_assert_eq_i64(a->is_max_value_exact, b->is_max_value_exact);
    st_assert_eq_i64(a->has_is_min_exact, b->has_is_min_exact);
    st_assert_eq_i64(a->is_min_value_exact, b->is_min_value_exact);
}

static void check_kvs(const pq_key_value *a, uint32_t na, const pq_key_value *b, uint32_t nb)
{
    st_assert_eq_u64(na, nb);
    for (uint32_t i = 0; i < na; i++) {
        st_assert(same_str(a[i].key, b[i].key));
        st_assert(same_str(a[i].value, b[i].value));
    }
}

static void check_schema_element(const pq_schema_element *a, const pq_schema_element *b)
{
    st_assert_eq_i64(a->has_type, b->has_type);
    st_assert_eq_i64(a->type, b->type);
    st_assert_eq_i64(a->type_length, b->type_length);
    st_assert_eq_i64(a->has_repetition, b->has_repetition);
    st_assert_eq_i64(a->repetition, b->repetition);
    st_assert(same_str(a->name, b->name));
    st_assert_eq_i64(a->num_children, b->num_children);
    st_assert_eq_i64(a->converted_type, b->converted_type);
    st_assert_eq_i64(a->scale, b->scale);
    st_assert_eq_i64(a->precision, b->precision);
    st_assert_eq_i64(a->has_field_id, b->has_field_id);
    st_assert_eq_i64(a->field_id, b->field_id);
    /* A logical type this reader does not know cannot be written back: it is omitted. */
    if (a->logical.kind == PQ_LT_UNKNOWN)
        st_assert(b->logical.kind == PQ_LT_UNKNOWN || b->logical.kind == PQ_LT_NONE);
    else
        st_assert_eq_i64(a->logical.kind, b->logical.kind);
    st_assert_eq_i64(a->logical.scale, b->logical.scale);
    st_assert_eq_i64(a->logical.precision, b->logical.precision);
    st_assert_eq_i64(a->logical.utc_adjusted, b->logical.utc_adjusted);
    st_assert_eq_i64(a->logical.unit, b->logical.unit);
    st_assert_eq_i64(a->logical.bit_width, b->logical.bit_width);
    st_assert_eq_i64(a->logical.is_signed, b->logical.is_signed);
}

static void check_column_meta(const pq_column_meta *a, const pq_column_meta *b)
{
    if (!a || !b) {
        st_assert(a == b);
        return;
    }
    st_assert_eq_i64(a->type, b->type);
    st_assert_eq_u64(a->n_encodings, b->n_encodings);
    for (uint32_t i = 0; i < a->n_encodings; i++)
        st_assert_eq_i64(a->encodings[i], b->encodings[i]);
    st_assert_eq_u64(a->n_path, b->n_path);
    for (uint32_t i = 0; i < a->n_path; i++)
        st_assert_eq_str(a->path[i], b->path[i]);
    st_assert_eq_i64(a->codec, b->codec);
    st_assert_eq_i64(a->num_values, b->num_values);
    st_assert_eq_i64(a->total_uncompressed_size, b->total_uncompressed_size);
    st_assert_eq_i64(a->total_compressed_size, b->total_compressed_size);
    check_kvs(a->kv, a->n_kv, b->kv, b->n_kv);
    st_assert_eq_i64(a->data_page_offset, b->data_page_offset);
    st_assert_eq_i64(a->has_index_page_offset, b->has_index_page_offset);
    st_assert_eq_i64(a->index_page_offset, b->index_page_offset);
    st_assert_eq_i64(a->has_dictionary_page_offset, b->has_dictionary_page_offset);
    st_assert_eq_i64(a->dictionary_page_offset, b->dictionary_page_offset);
    check_stats(a->statistics, b->statistics);
    st_assert_eq_u64(a->n_encoding_stats, b->n_encoding_stats);
    for (uint32_t i = 0; i < a->n_encoding_stats; i++) {
        st_assert_eq_i64(a->encoding_stats[i].page_type, b->encoding_stats[i].page_type);
        st_assert_eq_i64(a->encoding_stats[i].encoding, b->encoding_stats[i].encoding);
        st_assert_eq_i64(a->encoding_stats[i].count, b->encoding_stats[i].count);
    }
    st_assert_eq_i64(a->has_bloom_filter_offset, b->has_bloom_filter_offset);
    st_assert_eq_i64(a->bloom_filter_offset, b->bloom_filter_offset);
    st_assert_eq_i64(a->has_bloom_filter_length, b->has_bloom_filter_length);
    st_assert_eq_i64(a->bloom_filter_length, b->bloom_filter_length);
}

static void check_column_chunk(const pq_column_chunk *a, const pq_column_chunk *b)
{
    st_assert(same_str(a->file_path, b->file_path));
    st_assert_eq_i64(a->file_offset, b->file_offset);
    check_column_meta(a->meta, b->meta);
    st_assert_eq_i64(a->has_offset_index, b->has_offset_index);
    st_assert_eq_i64(a->offset_index_offset, b->offset_index_offset);
    st_assert_eq_i64(a->offset_index_length, b->offset_index_length);
    st_assert_eq_i64(a->has_column_index, b->has_column_index);
    st_assert_eq_i64(a->column_index_offset, b->column_index_offset);
    st_assert_eq_i64(a->column_index_length, b->column_index_length);
    st_assert_eq_i64(a->encrypted, b->encrypted);
}

static void check_row_group(const pq_row_group *a, const pq_row_group *b)
{
    st_assert_eq_u64(a->n_columns, b->n_columns);
    for (uint32_t i = 0; i < a->n_columns; i++)
        check_column_chunk(&a->columns[i], &b->columns[i]);
    st_assert_eq_i64(a->total_byte_size, b->total_byte_size);
    st_assert_eq_i64(a->num_rows, b->num_rows);
    st_assert_eq_u64(a->n_sorting, b->n_sorting);
    for (uint32_t i = 0; i < a->n_sorting; i++) {
        st_assert_eq_i64(a->sorting[i].column_idx, b->sorting[i].column_idx);
        st_assert_eq_i64(a->sorting[i].descending, b->sorting[i].descending);
        st_assert_eq_i64(a->sorting[i].nulls_first, b->sorting[i].nulls_first);
    }
    st_assert_eq_i64(a->has_file_offset, b->has_file_offset);
    st_assert_eq_i64(a->file_offset, b->file_offset);
    st_assert_eq_i64(a->has_total_compressed_size, b->has_total_compressed_size);
    st_assert_eq_i64(a->total_compressed_size, b->total_compressed_size);
    st_assert_eq_i64(a->has_ordinal, b->has_ordinal);
    st_assert_eq_i64(a->ordinal, b->ordinal);
}

static void check_file_metadata(const pq_file_metadata *a, const pq_file_metadata *b)
{
    st_assert_eq_i64(a->version, b->version);
    st_assert_eq_u64(a->n_schema, b->n_schema);
    for (uint32_t i = 0; i < a->n_schema; i++)
        check_schema_element(&a->schema[i], &b->schema[i]);
    st_assert_eq_i64(a->num_rows, b->num_rows);
    st_assert_eq_u64(a->n_row_groups, b->n_row_groups);
    for (uint32_t i = 0; i < a->n_row_groups; i++)
        check_row_group(&a->row_groups[i], &b->row_groups[i]);
    check_kvs(a->kv, a->n_kv, b->kv, b->n_kv);
    st_assert(same_str(a->created_by, b->created_by));
    st_assert_eq_u64(a->n_column_orders, b->n_column_orders);
    for (uint32_t i = 0; i < a->n_column_orders; i++)
        st_assert_eq_i64(a->column_orders[i], b->column_orders[i]);
    st_assert_eq_i64(a->encrypted, b->encrypted);
}

static void check_page_header(const pq_page_header *a, const pq_page_header *b)
{
    st_assert_eq_i64(a->type, b->type);
    st_assert_eq_i64(a->uncompressed_size, b->uncompressed_size);
    st_assert_eq_i64(a->compressed_size, b->compressed_size);
    st_assert_eq_i64(a->has_crc, b->has_crc);
    st_assert_eq_u64(a->crc, b->crc);
    st_assert_eq_i64(a->has_data, b->has_data);
    st_assert_eq_i64(a->has_dict, b->has_dict);
    st_assert_eq_i64(a->has_data_v2, b->has_data_v2);
    st_assert_eq_i64(a->data.num_values, b->data.num_values);
    st_assert_eq_i64(a->data.encoding, b->data.encoding);
    st_assert_eq_i64(a->data.def_encoding, b->data.def_encoding);
    st_assert_eq_i64(a->data.rep_encoding, b->data.rep_encoding);
    check_stats(a->data.statistics, b->data.statistics);
    st_assert_eq_i64(a->dict.num_values, b->dict.num_values);
    st_assert_eq_i64(a->dict.encoding, b->dict.encoding);
    st_assert_eq_i64(a->dict.is_sorted, b->dict.is_sorted);
    st_assert_eq_i64(a->data_v2.num_values, b->data_v2.num_values);
    st_assert_eq_i64(a->data_v2.num_nulls, b->data_v2.num_nulls);
    st_assert_eq_i64(a->data_v2.num_rows, b->data_v2.num_rows);
    st_assert_eq_i64(a->data_v2.encoding, b->data_v2.encoding);
    st_assert_eq_i64(a->data_v2.def_levels_len, b->data_v2.def_levels_len);
    st_assert_eq_i64(a->data_v2.rep_levels_len, b->data_v2.rep_levels_len);
    st_assert_eq_i64(a->data_v2.is_compressed, b->data_v2.is_compressed);
    check_stats(a->data_v2.statistics, b->data_v2.statistics);
}

/* ---- synthetic round trips ---------------------------------------------------- */

static pq_statistics full_stats = {
    .max = (const uint8_t *)"\xff\x00zz", .max_len = 4, .min = (const uint8_t *)"", .min_len = 0,
    .has_null_count = true, .null_count = 7,
    .has_distinct_count = true, .distinct_count = 1LL << 40,
    .max_value = (const uint8_t *)"max", .max_value_len = 3,
    .min_value = (const uint8_t *)"\0min", .min_value_len = 4,
    .has_is_max_exact = true, .is_max_value_exact = true,
    .has_is_min_exact = true, .is_min_value_exact = false,
};

/* One leaf per logical type kind, under a root and a group. */
static pq_schema_element test_schema[] = {
    {.name = "root", .num_children = 20, .converted_type = PQ_CT_NONE},
    {.has_type = true, .type = PQ_INT64, .has_repetition = true, .repetition = PQ_REQUIRED,
     .name = "id", .converted_type = PQ_CT_INT_64, .has_field_id = true, .field_id = 1,
     .logical = {.kind = PQ_LT_INTEGER, .bit_width = 64, .is_signed = true}},
    {.has_type = true, .type = PQ_INT32, .has_repetition = true, .repetition = PQ_OPTIONAL,
     .name = "u8", .converted_type = PQ_CT_UINT_8,
     .logical = {.kind = PQ_LT_INTEGER, .bit_width = 8, .is_signed = false}},
    {.has_type = true, .type = PQ_FIXED_LEN_BYTE_ARRAY, .type_length = 16,
     .has_repetition = true, .repetition = PQ_REQUIRED, .name = "dec",
     .converted_type = PQ_CT_DECIMAL, .scale = 0, .precision = 38,
     .logical = {.kind = PQ_LT_DECIMAL, .scale = 0, .precision = 38}},
    {.has_type = true, .type = PQ_INT32, .name = "t_ms", .converted_type = PQ_CT_TIME_MILLIS,
     .logical = {.kind = PQ_LT_TIME, .utc_adjusted = true, .unit = PQ_UNIT_MILLIS}},
    {.has_type = true, .type = PQ_INT64, .name = "t_ns", .converted_type = PQ_CT_NONE,
     .logical = {.kind = PQ_LT_TIME, .utc_adjusted = false, .unit = PQ_UNIT_NANOS}},
    {.has_type = true, .type = PQ_INT64, .name = "ts_us", .converted_type = PQ_CT_TIMESTAMP_MICROS,
     .logical = {.kind = PQ_LT_TIMESTAMP, .utc_adjusted = true, .unit = PQ_UNIT_MICROS}},
    {.has_type = true, .type = PQ_INT64, .name = "ts_ns", .converted_type = PQ_CT_NONE,
     .logical = {.kind = PQ_LT_TIMESTAMP, .utc_adjusted = false, .unit = PQ_UNIT_NANOS}},
    {.has_type = true, .type = PQ_BYTE_ARRAY, .name = "s", .converted_type = PQ_CT_UTF8,
     .logical = {.kind = PQ_LT_STRING}},
    {.has_repetition = true, .repetition = PQ_OPTIONAL, .name = "m", .num_children = 1,
     .converted_type = PQ_CT_MAP, .logical = {.kind = PQ_LT_MAP}},
    {.has_repetition = true, .repetition = PQ_OPTIONAL, .name = "l", .num_children = 1,
     .converted_type = PQ_CT_LIST, .logical = {.kind = PQ_LT_LIST}},
    {.has_type = true, .type = PQ_BYTE_ARRAY, .name = "e", .converted_type = PQ_CT_ENUM,
     .logical = {.kind = PQ_LT_ENUM}},
    {.has_type = true, .type = PQ_INT32, .name = "d", .converted_type = PQ_CT_DATE,
     .logical = {.kind = PQ_LT_DATE}},
    {.has_type = true, .type = PQ_INT32, .name = "n", .converted_type = PQ_CT_NONE,
     .logical = {.kind = PQ_LT_NULL}},
    {.has_type = true, .type = PQ_BYTE_ARRAY, .name = "j", .converted_type = PQ_CT_JSON,
     .logical = {.kind = PQ_LT_JSON}},
    {.has_type = true, .type = PQ_BYTE_ARRAY, .name = "b", .converted_type = PQ_CT_BSON,
     .logical = {.kind = PQ_LT_BSON}},
    {.has_type = true, .type = PQ_FIXED_LEN_BYTE_ARRAY, .type_length = 16, .name = "uuid",
     .converted_type = PQ_CT_NONE, .logical = {.kind = PQ_LT_UUID}},
    {.has_type = true, .type = PQ_FIXED_LEN_BYTE_ARRAY, .type_length = 2, .name = "f16",
     .converted_type = PQ_CT_NONE, .logical = {.kind = PQ_LT_FLOAT16}},
    {.name = "v", .num_children = 0, .converted_type = PQ_CT_NONE,
     .logical = {.kind = PQ_LT_VARIANT}},
    {.has_type = true, .type = PQ_BYTE_ARRAY, .name = "geom", .converted_type = PQ_CT_NONE,
     .logical = {.kind = PQ_LT_GEOMETRY}},
    {.has_type = true, .type = PQ_BYTE_ARRAY, .name = "geog", .converted_type = PQ_CT_NONE,
     .logical = {.kind = PQ_LT_GEOGRAPHY}},
    {.has_type = true, .type = PQ_INT96, .has_repetition = true, .repetition = PQ_REPEATED,
     .name = "legacy", .converted_type = PQ_CT_INTERVAL, .scale = 3, .precision = 9,
     .has_field_id = true, .field_id = -2147483647 - 1},
};

static pq_encoding test_encodings[] = {PQ_ENC_PLAIN, PQ_ENC_RLE, PQ_ENC_RLE_DICTIONARY,
                                       PQ_ENC_BYTE_STREAM_SPLIT};
static const char *test_path[] = {"a", "b.c", ""};
static pq_key_value test_kv[] = {{"k1", "v1"}, {"no value", NULL}, {"", ""}};
static pq_page_encoding_stats test_enc_stats[] = {
    {PQ_PAGE_DICTIONARY, PQ_ENC_PLAIN, 1}, {PQ_PAGE_DATA, PQ_ENC_RLE_DICTIONARY, 1000},
    {PQ_PAGE_DATA_V2, PQ_ENC_DELTA_BINARY_PACKED, 2}};

static pq_column_meta test_meta_full = {
    .type = PQ_BYTE_ARRAY, .encodings = test_encodings, .n_encodings = 4,
    .path = test_path, .n_path = 3, .codec = PQ_CODEC_ZSTD, .num_values = 1LL << 33,
    .total_uncompressed_size = 123456789012LL, .total_compressed_size = 42,
    .kv = test_kv, .n_kv = 3, .data_page_offset = 4,
    .has_index_page_offset = true, .index_page_offset = 3,
    .has_dictionary_page_offset = true, .dictionary_page_offset = 0,
    .statistics = &full_stats, .encoding_stats = test_enc_stats, .n_encoding_stats = 3,
    .has_bloom_filter_offset = true, .bloom_filter_offset = 1LL << 50,
    .has_bloom_filter_length = true, .bloom_filter_length = 2064,
};

static pq_column_meta test_meta_min = {
    .type = PQ_BOOLEAN, .encodings = test_encodings, .n_encodings = 1, .path = test_path,
    .n_path = 1, .codec = PQ_CODEC_UNCOMPRESSED, .num_values = 0,
    .data_page_offset = -1,
};

static pq_column_chunk test_chunks_rg0[] = {
    {.file_path = "other/file.parquet", .file_offset = 4, .meta = &test_meta_full,
     .has_offset_index = true, .offset_index_offset = 1000, .offset_index_length = 10,
     .has_column_index = true, .column_index_offset = 2000, .column_index_length = 20},
    {.file_offset = 0, .meta = &test_meta_min},
};

static pq_column_chunk test_chunks_rg1[] = {
    {.file_offset = INT64_MAX, .meta = &test_meta_min},
    {.file_offset = 99, .meta = NULL, .encrypted = true},
    {.file_offset = 5, .meta = &test_meta_full, .has_column_index = true,
     .column_index_offset = 0, .column_index_length = 0},
};

static pq_sorting_column test_sorting[] = {{0, true, true}, {2, false, false}, {1, true, false}};

static pq_row_group test_row_groups[] = {
    {.columns = test_chunks_rg0, .n_columns = 2, .total_byte_size = 100, .num_rows = 10,
     .sorting = test_sorting, .n_sorting = 3, .has_file_offset = true, .file_offset = 4,
     .has_total_compressed_size = true, .total_compressed_size = 90, .has_ordinal = true,
     .ordinal = 0},
    {.columns = test_chunks_rg1, .n_columns = 3, .total_byte_size = 0, .num_rows = -5,
     .has_ordinal = true, .ordinal = INT16_MIN},
};

static pq_column_order test_orders[] = {PQ_ORDER_TYPE_DEFINED, PQ_ORDER_IEEE754_TOTAL,
                                        PQ_ORDER_UNDEFINED, PQ_ORDER_TYPE_DEFINED};

static pq_file_metadata test_md(void)
{
    pq_file_metadata md = {
        .version = 2, .schema = test_schema, .n_schema = COUNT(test_schema),
        .num_rows = 5, .row_groups = test_row_groups, .n_row_groups = 2,
        .kv = test_kv, .n_kv = 3, .created_by = "SuperTable test",
        .column_orders = test_orders, .n_column_orders = COUNT(test_orders),
        .encrypted = true,
    };
    return md;
}

void test_parquet_metadata__roundtrip_file_metadata(void)
{
    pq_file_metadata md = test_md(), got, again;
    st_buf b = ST_BUF_INIT, b2 = ST_BUF_INIT;
    st_arena a = ST_ARENA_INIT;
    size_t used = 0;
    st_pass(pq_encode_file_metadata(&b, &md));
    st_pass(pq_decode_file_metadata(&got, &a, b.ptr, b.len, &used));
    st_assert_eq_u64(used, b.len);
    check_file_metadata(&md, &got);
    /* Decoded strings live in the arena, NUL-terminated; stats keep embedded NULs. */
    st_assert(got.created_by != md.created_by);
    st_assert_eq_str(got.created_by, "SuperTable test");
    st_assert(got.row_groups[0].columns[0].meta->statistics->min != NULL);
    st_assert_eq_i64(got.row_groups[0].columns[0].meta->statistics->min_len, 0);
    st_assert(got.kv[1].value == NULL);
    st_assert(got.row_groups[1].columns[1].meta == NULL);
    /* Encoding is a fixed point. */
    st_pass(pq_encode_file_metadata(&b2, &got));
    st_assert_eq_u64(b2.len, b.len);
    st_assert_eq_mem(b2.ptr, b.ptr, b.len);
    /* Appending: a second message after the first decodes from its own offset. */
    st_pass(pq_encode_file_metadata(&b2, &md));
    st_pass(pq_decode_file_metadata(&again, &a, b2.ptr + b.len, b2.len - b.len, &used));
    check_file_metadata(&md, &again);
    st_arena_dispose(&a);
    st_buf_dispose(&b);
    st_buf_dispose(&b2);
}

void test_parquet_metadata__roundtrip_minimal_file_metadata(void)
{
    pq_schema_element root = {.name = "r", .converted_type = PQ_CT_NONE};
    pq_file_metadata md = {.version = 1, .schema = &root, .n_schema = 1}, got;
    st_buf b = ST_BUF_INIT;
    st_arena a = ST_ARENA_INIT;
    st_pass(pq_encode_file_metadata(&b, &md));
    st_pass(pq_decode_file_metadata(&got, &a, b.ptr, b.len, NULL));
    check_file_metadata(&md, &got);
    st_assert(got.row_groups == NULL && got.kv == NULL && got.column_orders == NULL);
    st_assert(got.created_by == NULL);
    st_assert_eq_i64(got.schema[0].converted_type, PQ_CT_NONE);
    st_assert_eq_i64(got.schema[0].logical.kind, PQ_LT_NONE);
    st_arena_dispose(&a);
    st_buf_dispose(&b);
}

static void roundtrip_page_header(const pq_page_header *ph)
{
    st_buf b = ST_BUF_INIT;
    st_arena a = ST_ARENA_INIT;
    pq_page_header got;
    size_t used = 0;
    st_pass(pq_encode_page_header(&b, ph));
    st_pass(pq_decode_page_header(&got, &a, b.ptr, b.len, &used));
    st_assert_eq_u64(used, b.len);
    check_page_header(ph, &got);
    st_arena_dispose(&a);
    st_buf_dispose(&b);
}

void test_parquet_metadata__roundtrip_page_headers(void)
{
    pq_page_header v1 = {
        .type = PQ_PAGE_DATA, .uncompressed_size = 1 << 20, .compressed_size = 12345,
        .has_crc = true, .crc = 0xdeadbeef, .has_data = true,
        .data = {.num_values = 1000, .encoding = PQ_ENC_RLE_DICTIONARY,
                 .def_encoding = PQ_ENC_RLE, .rep_encoding = PQ_ENC_BIT_PACKED,
                 .statistics = &full_stats},
        .data_v2 = {.is_compressed = true},
    };
    pq_page_header v2 = {
        .type = PQ_PAGE_DATA_V2, .uncompressed_size = 10, .compressed_size = 0,
        .has_data_v2 = true,
        .data_v2 = {.num_values = 5, .num_nulls = 2, .num_rows = 3,
                    .encoding = PQ_ENC_DELTA_BYTE_ARRAY, .def_levels_len = 4,
                    .rep_levels_len = 0, .is_compressed = false, .statistics = &full_stats},
    };
    pq_page_header v2_default = {
        .type = PQ_PAGE_DATA_V2, .uncompressed_size = INT32_MAX, .compressed_size = INT32_MAX,
        .has_crc = true, .crc = 0, .has_data_v2 = true,
        .data_v2 = {.num_values = 1, .num_rows = 1, .is_compressed = true},
    };
    pq_page_header dict = {
        .type = PQ_PAGE_DICTIONARY, .uncompressed_size = 7, .compressed_size = 7,
        .has_crc = true, .crc = 0x7fffffff, .has_dict = true,
        .dict = {.num_values = 3, .encoding = PQ_ENC_PLAIN_DICTIONARY, .is_sorted = true},
        .data_v2 = {.is_compressed = true},
    };
    pq_page_header index = {.type = PQ_PAGE_INDEX, .data_v2 = {.is_compressed = true}};
    roundtrip_page_header(&v1);
    roundtrip_page_header(&v2);
    roundtrip_page_header(&v2_default);
    roundtrip_page_header(&dict);
    roundtrip_page_header(&index);
}

void test_parquet_metadata__page_header_allocates_only_for_statistics(void)
{
    pq_page_header ph = {
        .type = PQ_PAGE_DATA, .uncompressed_size = 10, .compressed_size = 10,
        .has_data = true, .data = {.num_values = 1},
    }, got;
    st_buf b = ST_BUF_INIT;
    st_arena a = ST_ARENA_INIT;
    st_pass(pq_encode_page_header(&b, &ph));
    st_alloc_fail_after(0);
    st_pass(pq_decode_page_header(&got, &a, b.ptr, b.len, NULL));
    st_alloc_fail_after(-1);
    st_assert(a.head == NULL);
    st_assert(got.data_v2.is_compressed);  /* the default, even for a v1 page */
    st_buf_clear(&b);
    ph.data.statistics = &full_stats;
    st_pass(pq_encode_page_header(&b, &ph));
    st_alloc_fail_after(0);
    st_fail_with(ST_ENOMEM, pq_decode_page_header(&got, &a, b.ptr, b.len, NULL));
    st_alloc_fail_after(-1);
    st_arena_dispose(&a);
    st_buf_dispose(&b);
}

void test_parquet_metadata__page_header_negative_size(void)
{
    pq_page_header ph = {.type = PQ_PAGE_DATA, .uncompressed_size = 10, .compressed_size = -1};
    pq_page_header got;
    st_buf b = ST_BUF_INIT;
    st_arena a = ST_ARENA_INIT;
    st_pass(pq_encode_page_header(&b, &ph));
    st_fail_with(ST_ECORRUPT, pq_decode_page_header(&got, &a, b.ptr, b.len, NULL));
    st_assert_contains(st_error_last()->message, "negative page size");
    st_arena_dispose(&a);
    st_buf_dispose(&b);
}

void test_parquet_metadata__roundtrip_offset_index(void)
{
    pq_page_location locs[20];
    pq_offset_index oi = {locs, 20}, got, empty = {NULL, 0};
    st_buf b = ST_BUF_INIT;
    st_arena a = ST_ARENA_INIT;
    size_t used;
    for (int i = 0; i < 20; i++)
        locs[i] = (pq_page_location){4 + 1000LL * i, 1000 - i, 77LL * i};
    st_pass(pq_encode_offset_index(&b, &oi));
    st_pass(pq_decode_offset_index(&got, &a, b.ptr, b.len, &used));
    st_assert_eq_u64(used, b.len);
    st_assert_eq_u64(got.n_pages, 20);
    for (int i = 0; i < 20; i++) {
        st_assert_eq_i64(got.pages[i].offset, locs[i].offset);
        st_assert_eq_i64(got.pages[i].compressed_page_size, locs[i].compressed_page_size);
        st_assert_eq_i64(got.pages[i].first_row_index, locs[i].first_row_index);
    }
    st_buf_clear(&b);
    st_pass(pq_encode_offset_index(&b, &empty));
    st_pass(pq_decode_offset_index(&got, &a, b.ptr, b.len, NULL));
    st_assert_eq_u64(got.n_pages, 0);
    st_arena_dispose(&a);
    st_buf_dispose(&b);
}

void test_parquet_metadata__roundtrip_column_index(void)
{
    enum { N = 17 };
    bool nulls[N];
    const uint8_t *mins[N], *maxs[N];
    uint32_t min_lens[N], max_lens[N];
    int64_t null_counts[N];
    char text[N][8];
    pq_column_index ci = {nulls, N, mins, maxs, min_lens, max_lens, PQ_BOUNDARY_DESCENDING,
                          null_counts, true}, got;
    st_buf b = ST_BUF_INIT;
    st_arena a = ST_ARENA_INIT;
    for (int i = 0; i < N; i++) {
        nulls[i] = i % 3 == 0;
        snprintf(text[i], sizeof(text[i]), "v%02d", i);
        mins[i] = (const uint8_t *)text[i];
        min_lens[i] = nulls[i] ? 0 : 3;
        maxs[i] = (const uint8_t *)text[N - 1 - i];
        max_lens[i] = nulls[i] ? 0 : 3;
        null_counts[i] = i * 10;
    }
    st_pass(pq_encode_column_index(&b, &ci));
    st_pass(pq_decode_column_index(&got, &a, b.ptr, b.len, NULL));
    st_assert_eq_u64(got.n_pages, N);
    st_assert_eq_i64(got.boundary_order, PQ_BOUNDARY_DESCENDING);
    st_assert(got.has_null_counts);
    for (int i = 0; i < N; i++) {
        st_assert_eq_i64(got.null_pages[i], nulls[i]);
        st_assert(same_bytes(got.min_values[i], got.min_lens[i], mins[i], min_lens[i]));
        st_assert(same_bytes(got.max_values[i], got.max_lens[i], maxs[i], max_lens[i]));
        st_assert_eq_i64(got.null_counts[i], null_counts[i]);
    }
    /* Without null counts. */
    ci.has_null_counts = false;
    st_buf_clear(&b);
    st_pass(pq_encode_column_index(&b, &ci));
    st_pass(pq_decode_column_index(&got, &a, b.ptr, b.len, NULL));
    st_assert(!got.has_null_counts && got.null_counts == NULL);
    st_arena_dispose(&a);
    st_buf_dispose(&b);
}

void test_parquet_metadata__column_index_lengths_must_agree(void)
{
    /* null_pages has 2 entries, min_values 1: hand-made with the encoder and a patch. */
    bool nulls[2] = {false, false};
    const uint8_t *vals[2] = {(const uint8_t *)"a", (const uint8_t *)"b"};
    uint32_t lens[2] = {1, 1};
    pq_column_index ci = {nulls, 1, vals, vals, lens, lens, PQ_BOUNDARY_UNORDERED, NULL, false};
    pq_column_index got;
    st_buf b = ST_BUF_INIT;
    st_arena a = ST_ARENA_INIT;
    st_pass(pq_encode_column_index(&b, &ci));
    st_assert_eq_u64(b.ptr[1], 0x11);  /* list header: 1 bool */
    b.ptr[1] = 0x21;
    /* A second element byte is needed: rebuild with it inserted. */
    st_buf c = ST_BUF_INIT;
    st_pass(st_buf_put(&c, b.ptr, 3));
    st_pass(st_buf_putc(&c, 2));
    st_pass(st_buf_put(&c, b.ptr + 3, b.len - 3));
    st_fail_with(ST_ECORRUPT, pq_decode_column_index(&got, &a, c.ptr, c.len, NULL));
    st_assert_contains(st_error_last()->message, "list lengths differ");
    st_arena_dispose(&a);
    st_buf_dispose(&b);
    st_buf_dispose(&c);
}

void test_parquet_metadata__roundtrip_bloom_header(void)
{
    pq_bloom_header bh = {1 << 20}, got;
    st_buf b = ST_BUF_INIT;
    size_t used;
    st_pass(pq_encode_bloom_header(&b, &bh));
    st_pass(pq_decode_bloom_header(&got, b.ptr, b.len, &used));
    st_assert_eq_u64(used, b.len);
    st_assert_eq_i64(got.num_bytes, 1 << 20);
    st_buf_dispose(&b);
    /* Another hash (member 2 of BloomFilterHash) is valid Thrift but unsupported. */
    static const uint8_t other_hash[] = {0x15, 0x80, 0x80, 0x01, 0x1c, 0x1c, 0, 0,
                                         0x1c, 0x2c, 0, 0, 0x1c, 0x1c, 0, 0, 0};
    st_fail_with(ST_EUNSUPPORTED, pq_decode_bloom_header(&got, other_hash, sizeof(other_hash),
                                                         NULL));
    st_assert_contains(st_error_last()->message, "unsupported hash 2");
    /* Without the hash union: a missing required field. */
    static const uint8_t no_hash[] = {0x15, 0x80, 0x80, 0x01, 0x1c, 0x1c, 0, 0,
                                      0x2c, 0x1c, 0, 0, 0};
    st_fail_with(ST_ECORRUPT, pq_decode_bloom_header(&got, no_hash, sizeof(no_hash), NULL));
    st_assert_contains(st_error_last()->message, "required field 3 missing");
}

void test_parquet_metadata__unknown_fields_and_members_skipped(void)
{
    /* A SchemaElement-only footer written by hand:
     * FileMetaData { 1: 1, 2: [ { 4: "x", 10: LogicalType { 99: {} }, 30: {1: [1,2]} } ],
     *                3: 0, 4: [], 7: [ ColumnOrder { 3: {} } ], 8: {1: {}}, 100: 1.5 } */
    static const uint8_t msg[] = {
        0x15, 0x02,                         /* 1: i32 1 */
        0x19, 0x1c,                         /* 2: list of 1 struct */
        0x48, 0x01, 'x',                    /* 4: "x" */
        0x6c,                               /* 10: LogicalType */
        0x0c, 0xc6, 0x01, 0x00,             /* 99: {} (long form) */
        0x00,                               /* end of LogicalType */
        0x0c, 0x3c,                         /* 30: struct (long form) */
        0x19, 0x25, 0x02, 0x04,             /* 1: list<i32> [1, 2] */
        0x00,                               /* end of 30 */
        0x00,                               /* end of SchemaElement */
        0x16, 0x00,                         /* 3: i64 0 */
        0x19, 0x0c,                         /* 4: empty list */
        0x39, 0x1c, 0x3c, 0x00, 0x00,       /* 7: [ {3: {}} ] */
        0x1c, 0x1c, 0x00, 0x00,             /* 8: {1: {}} */
        0x07, 0xc8, 0x01, 0, 0, 0, 0, 0, 0, 0xf8, 0x3f, /* 100: double 1.5 */
        0x00
    };
    pq_file_metadata md;
    st_arena a = ST_ARENA_INIT;
    size_t used;
    st_pass(pq_decode_file_metadata(&md, &a, msg, sizeof(msg), &used));
    st_assert_eq_u64(used, sizeof(msg));
    st_assert_eq_u64(md.n_schema, 1);
    st_assert_eq_str(md.schema[0].name, "x");
    st_assert_eq_i64(md.schema[0].logical.kind, PQ_LT_UNKNOWN);
    st_assert_eq_u64(md.n_column_orders, 1);
    st_assert_eq_i64(md.column_orders[0], PQ_ORDER_UNDEFINED);
    st_assert(md.encrypted);
    st_arena_dispose(&a);
}

void test_parquet_metadata__required_and_mistyped_fields(void)
{
    /* FileMetaData without num_rows (3). */
    static const uint8_t no_rows[] = {0x15, 0x02, 0x19, 0x0c, 0x29, 0x0c, 0x00};
    /* num_rows written as a string: skipped like Thrift does, so then missing. */
    static const uint8_t str_rows[] = {0x15, 0x02, 0x19, 0x0c, 0x18, 0x01, 'x', 0x19, 0x0c,
                                       0x00};
    pq_file_metadata md;
    st_arena a = ST_ARENA_INIT;
    st_fail_with(ST_ECORRUPT, pq_decode_file_metadata(&md, &a, no_rows, sizeof(no_rows), NULL));
    st_assert_contains(st_error_last()->message, "FileMetaData: required field 3 missing");
    st_fail_with(ST_ECORRUPT,
                 pq_decode_file_metadata(&md, &a, str_rows, sizeof(str_rows), NULL));
    st_assert_contains(st_error_last()->message, "required field 3 missing");
    st_arena_dispose(&a);
}

void test_parquet_metadata__names(void)
{
    st_assert_eq_str(pq_type_name(PQ_INT64), "INT64");
    st_assert_eq_str(pq_type_name(PQ_FIXED_LEN_BYTE_ARRAY), "FIXED_LEN_BYTE_ARRAY");
    st_assert_eq_str(pq_type_name((pq_type)8), "UNKNOWN");
    st_assert_eq_str(pq_encoding_name(PQ_ENC_RLE_DICTIONARY), "RLE_DICTIONARY");
    st_assert_eq_str(pq_encoding_name(PQ_ENC_BYTE_STREAM_SPLIT), "BYTE_STREAM_SPLIT");
    st_assert_eq_str(pq_encoding_name((pq_encoding)1), "UNKNOWN");
    st_assert_eq_str(pq_encoding_name((pq_encoding)-3), "UNKNOWN");
    st_assert_eq_str(pq_codec_name(PQ_CODEC_SNAPPY), "SNAPPY");
    st_assert_eq_str(pq_codec_name(PQ_CODEC_LZ4_RAW), "LZ4_RAW");
    st_assert_eq_str(pq_codec_name((pq_codec)8), "UNKNOWN");
    st_assert_eq_str(pq_converted_type_name(PQ_CT_NONE), "NONE");
    st_assert_eq_str(pq_converted_type_name(PQ_CT_INTERVAL), "INTERVAL");
    st_assert_eq_str(pq_converted_type_name(PQ_CT_UTF8), "UTF8");
    st_assert_eq_str(pq_page_type_name(PQ_PAGE_DATA_V2), "DATA_PAGE_V2");
    st_assert_eq_str(pq_page_type_name(PQ_PAGE_DICTIONARY), "DICTIONARY_PAGE");
    st_assert_eq_str(pq_page_type_name((pq_page_type)4), "UNKNOWN");
}

/* ---- real files --------------------------------------------------------------- */

typedef struct {
    char names[128][96];
    int n;
} file_list;

/* Every *.parquet file of tests/resources/parquet-testing/<dir>, sorted. */
static void list_parquet(file_list *fl, const char *dir)
{
    DIR *d = opendir(st_test_resource(dir));
    struct dirent *e;
    fl->n = 0;
    st_assert_msg(d != NULL, "cannot open %s", dir);
    while ((e = readdir(d)) != NULL) {
        size_t n = strlen(e->d_name);
        if (n > 8 && strcmp(e->d_name + n - 8, ".parquet") == 0 && fl->n < 128)
            snprintf(fl->names[fl->n++], sizeof(fl->names[0]), "%s%s", dir, e->d_name);
    }
    closedir(d);
    qsort(fl->names, (size_t)fl->n, sizeof(fl->names[0]),
          (int (*)(const void *, const void *))strcmp);
}

typedef struct {
    long pages[4];   /* by pq_page_type */
    long other;      /* page types this model does not name */
    long max_chunk_pages;
} page_counts;

/* Walks the pages of one column chunk; returns 0, or the first decoding error. */
static int walk_chunk(const pq_file *f, const pq_column_meta *m, st_arena *a, page_counts *pc)
{
    int64_t off = m->has_dictionary_page_offset && m->dictionary_page_offset > 0
                      ? m->dictionary_page_offset : m->data_page_offset;
    int64_t values = 0;
    long pages = 0;
    while (values < m->num_values) {
        pq_page_header ph;
        size_t used;
        int rc;
        if (off < 0 || (uint64_t)off >= f->len)
            return st_error_set(ST_ECORRUPT, ST_ERROR_PARQUET, "page offset %lld outside",
                                (long long)off);
        rc = pq_decode_page_header(&ph, a, f->data + off, f->len - (size_t)off, &used);
        if (rc < 0)
            return rc;
        if ((unsigned)ph.type < 4)
            pc->pages[ph.type]++;
        else
            pc->other++;
        pages++;
        values += ph.has_data ? ph.data.num_values : ph.has_data_v2 ? ph.data_v2.num_values : 0;
        off += (int64_t)used + ph.compressed_size;
    }
    if (pages > pc->max_chunk_pages)
        pc->max_chunk_pages = pages;
    return values == m->num_values ? 0 : st_error_set(ST_ECORRUPT, ST_ERROR_PARQUET,
                                                      "value count mismatch");
}

static int walk_pages(const pq_file *f, const pq_file_metadata *md, page_counts *pc)
{
    st_arena a = ST_ARENA_INIT;
    int rc = 0;
    memset(pc, 0, sizeof(*pc));
    for (uint32_t r = 0; r < md->n_row_groups && rc == 0; r++)
        for (uint32_t c = 0; c < md->row_groups[r].n_columns && rc == 0; c++)
            if (md->row_groups[r].columns[c].meta)
                rc = walk_chunk(f, md->row_groups[r].columns[c].meta, &a, pc);
    st_arena_dispose(&a);
    return rc;
}

void test_parquet_metadata__every_file_decodes(void)
{
    file_list *fl = malloc(sizeof(*fl));
    list_parquet(fl, PT);
    st_assert(fl->n >= 60);
    for (int i = 0; i < fl->n; i++) {
        pq_file f;
        pq_file_metadata md;
        page_counts pc;
        st_arena a = ST_ARENA_INIT;
        load_footer(&f, fl->names[i], &md, &a);
        st_assert_msg(md.n_schema >= 1 && md.n_row_groups >= 1, "%s", fl->names[i]);
        int rc = walk_pages(&f, &md, &pc);
        st_assert_msg(rc == 0, "%s: page walk: %s", fl->names[i], st_test__errmsg());
        st_arena_dispose(&a);
        free(f.data);
    }
    free(fl);
}

void test_parquet_metadata__bad_files(void)
{
    file_list *fl = malloc(sizeof(*fl));
    list_parquet(fl, PT "bad_data/");
    st_assert(fl->n >= 8);
    for (int i = 0; i < fl->n; i++) {
        pq_file f;
        pq_file_metadata md;
        page_counts pc;
        st_arena a = ST_ARENA_INIT;
        int rc;
        load_file(&f, fl->names[i]);
        rc = pq_decode_file_metadata(&md, &a, f.footer, f.footer_len, NULL);
        if (strstr(fl->names[i], "PARQUET-1481")) {
            /* The schema's physical type is -7. */
            st_assert_eq_i64(rc, ST_ECORRUPT);
            st_assert_contains(st_error_last()->message, "invalid physical type -7");
        } else {
            /* The others are broken in their pages: footers decode, walks end cleanly. */
            st_assert_msg(rc == 0, "%s: %s", fl->names[i], st_test__errmsg());
            rc = walk_pages(&f, &md, &pc);
            st_assert(rc == 0 || rc == ST_ECORRUPT);
        }
        st_arena_dispose(&a);
        free(f.data);
    }
    free(fl);
}

void test_parquet_metadata__real_files_reencode(void)
{
    file_list *fl = malloc(sizeof(*fl));
    list_parquet(fl, PT);
    for (int i = 0; i < fl->n; i++) {
        pq_file f;
        pq_file_metadata md, md2;
        st_arena a = ST_ARENA_INIT;
        st_buf b = ST_BUF_INIT, b2 = ST_BUF_INIT;
        load_footer(&f, fl->names[i], &md, &a);
        st_pass(pq_encode_file_metadata(&b, &md));
        st_pass(pq_decode_file_metadata(&md2, &a, b.ptr, b.len, NULL));
        check_file_metadata(&md, &md2);
        st_pass(pq_encode_file_metadata(&b2, &md2));
        st_assert_msg(b.len == b2.len && memcmp(b.ptr, b2.ptr, b.len) == 0, "%s",
                      fl->names[i]);
        st_buf_dispose(&b);
        st_buf_dispose(&b2);
        st_arena_dispose(&a);
        free(f.data);
    }
    free(fl);
}

void test_parquet_metadata__alltypes_plain_facts(void)
{
    pq_file f;
    pq_file_metadata md;
    page_counts pc;
    st_arena a = ST_ARENA_INIT;
    load_footer(&f, PT "alltypes_plain.parquet", &md, &a);
    st_assert_eq_i64(md.num_rows, 8);
    st_assert_eq_u64(md.n_row_groups, 1);
    st_assert_eq_u64(md.n_schema, 12);
    st_assert_eq_u64(count_leaves(&md), 11);
    st_assert_eq_u64(md.row_groups[0].n_columns, 11);
    st_assert_eq_i64(md.row_groups[0].num_rows, 8);
    st_assert_eq_i64(md.schema[0].num_children, 11);
    st_assert_contains(md.created_by, "impala version 1.3.0");
    st_assert_eq_str(md.schema[1].name, "id");
    st_assert_eq_i64(md.schema[1].type, PQ_INT32);
    st_assert_eq_i64(md.schema[11].type, PQ_INT96);
    st_assert(find_leaf(&md, "timestamp_col") != NULL);
    const pq_column_meta *m = md.row_groups[0].columns[0].meta;
    st_assert(m != NULL);
    st_assert_eq_i64(m->codec, PQ_CODEC_UNCOMPRESSED);
    st_assert_eq_i64(m->num_values, 8);
    st_assert_eq_u64(m->n_path, 1);
    st_assert_eq_str(m->path[0], "id");
    st_pass(walk_pages(&f, &md, &pc));
    st_assert_eq_i64(pc.pages[PQ_PAGE_DATA], 11);
    st_assert_eq_i64(pc.pages[PQ_PAGE_DICTIONARY], 10);
    st_arena_dispose(&a);
    free(f.data);
}

void test_parquet_metadata__page_walks(void)
{
    static const struct {
        const char *file;
        long v1, dict, v2, max_chunk;
    } cases[] = {
        {"overflow_i16_page_cnt.parquet", 40000, 0, 0, 40000},
        {"datapage_v2.snappy.parquet", 0, 3, 5, 2},
        {"alltypes_tiny_pages.parquet", 5794, 11, 0, -1},
        {"nested_structs.rust.parquet", 216, 216, 0, 2},
        {"delta_binary_packed.parquet", 0, 0, 66, 1},
        {"dict-page-offset-zero.parquet", 1, 0, 0, 1},
        {"column_chunk_key_value_metadata.parquet", 0, 0, 0, 0},
    };
    for (size_t i = 0; i < COUNT(cases); i++) {
        char rel[128];
        pq_file f;
        pq_file_metadata md;
        page_counts pc;
        st_arena a = ST_ARENA_INIT;
        snprintf(rel, sizeof(rel), PT "%s", cases[i].file);
        load_footer(&f, rel, &md, &a);
        st_pass(walk_pages(&f, &md, &pc));
        st_assert_msg(pc.pages[PQ_PAGE_DATA] == cases[i].v1 &&
                      pc.pages[PQ_PAGE_DICTIONARY] == cases[i].dict &&
                      pc.pages[PQ_PAGE_DATA_V2] == cases[i].v2,
                      "%s: %ld v1, %ld dict, %ld v2", cases[i].file, pc.pages[PQ_PAGE_DATA],
                      pc.pages[PQ_PAGE_DICTIONARY], pc.pages[PQ_PAGE_DATA_V2]);
        if (cases[i].max_chunk >= 0)
            st_assert_eq_i64(pc.max_chunk_pages, cases[i].max_chunk);
        st_arena_dispose(&a);
        free(f.data);
    }
}

void test_parquet_metadata__v2_page_details(void)
{
    pq_file f;
    pq_file_metadata md;
    pq_page_header ph;
    st_arena a = ST_ARENA_INIT;
    size_t used;
    load_footer(&f, PT "datapage_v2.snappy.parquet", &md, &a);
    st_assert_eq_i64(md.row_groups[0].columns[0].meta->codec, PQ_CODEC_SNAPPY);
    const pq_column_meta *m = md.row_groups[0].columns[0].meta;
    int64_t off = m->has_dictionary_page_offset && m->dictionary_page_offset > 0
                      ? m->dictionary_page_offset : m->data_page_offset;
    st_pass(pq_decode_page_header(&ph, &a, f.data + off, f.len - (size_t)off, &used));
    if (ph.type == PQ_PAGE_DICTIONARY) {
        st_assert(ph.has_dict);
        off += (int64_t)used + ph.compressed_size;
        st_pass(pq_decode_page_header(&ph, &a, f.data + off, f.len - (size_t)off, &used));
    }
    st_assert_eq_i64(ph.type, PQ_PAGE_DATA_V2);
    st_assert(ph.has_data_v2 && !ph.has_data);
    st_assert_eq_i64(ph.data_v2.num_values, 5);
    st_assert_eq_i64(ph.data_v2.num_rows, 5);
    st_assert(ph.data_v2.statistics != NULL);
    st_arena_dispose(&a);
    free(f.data);
}

void test_parquet_metadata__schema_facts(void)
{
    pq_file f;
    pq_file_metadata md;
    st_arena a = ST_ARENA_INIT;

    load_footer(&f, PT "unknown-logical-type.parquet", &md, &a);
    st_assert_eq_i64(md.schema[1].logical.kind, PQ_LT_STRING);
    st_assert_eq_i64(md.schema[2].logical.kind, PQ_LT_UNKNOWN);
    st_assert_eq_i64(md.schema[2].type, PQ_BYTE_ARRAY);
    free(f.data);

    load_footer(&f, PT "fixed_length_decimal_legacy.parquet", &md, &a);
    st_assert_eq_i64(md.schema[1].converted_type, PQ_CT_DECIMAL);
    st_assert_eq_i64(md.schema[1].logical.kind, PQ_LT_NONE);
    st_assert(md.schema[1].precision > 0);
    free(f.data);

    load_footer(&f, PT "alltypes_tiny_pages.parquet", &md, &a);
    st_assert_eq_i64(md.schema[3].logical.kind, PQ_LT_INTEGER);
    st_assert_eq_i64(md.schema[3].logical.bit_width, 8);
    st_assert(md.schema[3].logical.is_signed);
    st_assert_eq_i64(md.schema[3].converted_type, PQ_CT_INT_8);
    st_assert_eq_i64(md.schema[9].logical.kind, PQ_LT_STRING);
    const pq_column_meta *m = md.row_groups[0].columns[0].meta;
    st_assert(m->statistics && m->statistics->has_null_count);
    st_assert_eq_u64(m->statistics->max_value_len, 4);
    st_assert_eq_i64(m->statistics->max_value[0] | m->statistics->max_value[1] << 8, 7299);
    st_assert_eq_u64(m->n_encoding_stats, 1);
    st_assert_eq_i64(m->encoding_stats[0].count, 325);
    free(f.data);
    st_arena_dispose(&a);
}

void test_parquet_metadata__kv_orders_sorting_facts(void)
{
    pq_file f;
    pq_file_metadata md;
    st_arena a = ST_ARENA_INIT;

    load_footer(&f, PT "column_chunk_key_value_metadata.parquet", &md, &a);
    const pq_column_meta *m = md.row_groups[0].columns[0].meta;
    st_assert_eq_u64(m->n_kv, 2);
    st_assert_eq_str(m->kv[0].key, "foo");
    st_assert_eq_str(m->kv[0].value, "bar");
    st_assert_eq_str(m->kv[1].key, "thisiskeywithoutvalue");
    st_assert(m->kv[1].value == NULL);
    free(f.data);

    load_footer(&f, PT "floating_orders_nan_count.parquet", &md, &a);
    st_assert_eq_u64(md.n_row_groups, 5);
    st_assert_eq_u64(md.n_column_orders, 6);
    st_assert_eq_i64(md.column_orders[0], PQ_ORDER_IEEE754_TOTAL);
    st_assert_eq_i64(md.column_orders[1], PQ_ORDER_TYPE_DEFINED);
    for (uint32_t r = 0; r < 5; r++) {
        st_assert(md.row_groups[r].has_ordinal);
        st_assert_eq_i64(md.row_groups[r].ordinal, r);
    }
    free(f.data);

    load_footer(&f, PT "sort_columns.parquet", &md, &a);
    st_assert_eq_u64(md.n_row_groups, 2);
    st_assert_eq_u64(md.row_groups[1].n_sorting, 2);
    st_assert_eq_i64(md.row_groups[1].sorting[0].column_idx, 0);
    st_assert(md.row_groups[1].sorting[0].descending && md.row_groups[1].sorting[0].nulls_first);
    st_assert(!md.row_groups[1].sorting[1].descending);
    st_assert(!md.row_groups[1].sorting[1].nulls_first);
    free(f.data);

    load_footer(&f, PT "binary_truncated_min_max.parquet", &md, &a);
    bool exact_flags = false;
    for (uint32_t c = 0; c < md.row_groups[0].n_columns; c++) {
        const pq_statistics *s = md.row_groups[0].columns[c].meta->statistics;
        exact_flags |= s && s->has_is_max_exact && !s->is_max_value_exact;
    }
    st_assert(exact_flags);
    free(f.data);
    st_arena_dispose(&a);
}

/* Each location is a data page whose header and body fill compressed_page_size; the
 * column index, if any, has min/max for every page (the file has no nulls). */
static void check_page_locations(const pq_file *f, const pq_offset_index *oi,
                                 const pq_column_index *ci, st_arena *a)
{
    int64_t rows_before = -1;
    for (uint32_t p = 0; p < oi->n_pages; p++) {
        pq_page_header ph;
        size_t used;
        st_assert(oi->pages[p].first_row_index > rows_before);
        rows_before = oi->pages[p].first_row_index;
        st_pass(pq_decode_page_header(&ph, a, f->data + oi->pages[p].offset,
                                      f->len - (size_t)oi->pages[p].offset, &used));
        st_assert_eq_i64(ph.type, PQ_PAGE_DATA);
        st_assert_eq_i64((int64_t)used + ph.compressed_size, oi->pages[p].compressed_page_size);
        if (ci) {
            st_assert(!ci->null_pages[p]);
            st_assert(ci->min_values[p] != NULL && ci->max_values[p] != NULL);
            st_assert(!ci->has_null_counts || ci->null_counts[p] == 0);
        }
    }
}

void test_parquet_metadata__page_index_tiny_pages(void)
{
    pq_file f;
    pq_file_metadata md;
    st_arena a = ST_ARENA_INIT;
    load_footer(&f, PT "alltypes_tiny_pages.parquet", &md, &a);
    const pq_row_group *rg = &md.row_groups[0];
    long total_pages = 0;
    for (uint32_t c = 0; c < rg->n_columns; c++) {
        const pq_column_chunk *cc = &rg->columns[c];
        pq_offset_index oi;
        pq_column_index ci;
        size_t used;
        /* parquet-mr writes no column index for INT96 (timestamp_col, 11). */
        st_assert(cc->has_offset_index);
        st_assert_eq_i64(cc->has_column_index, c != 10);
        st_assert((uint64_t)cc->offset_index_offset + (uint64_t)cc->offset_index_length <= f.len);
        st_pass(pq_decode_offset_index(&oi, &a, f.data + cc->offset_index_offset,
                                       (size_t)cc->offset_index_length, &used));
        st_assert_eq_u64(used, (uint64_t)cc->offset_index_length);
        memset(&ci, 0, sizeof(ci));
        if (cc->has_column_index) {
            st_pass(pq_decode_column_index(&ci, &a, f.data + cc->column_index_offset,
                                           (size_t)cc->column_index_length, &used));
            st_assert_eq_u64(used, (uint64_t)cc->column_index_length);
            st_assert_eq_u64(ci.n_pages, oi.n_pages);
        }
        st_assert(oi.n_pages > 0);
        st_assert_eq_i64(oi.pages[0].first_row_index, 0);
        /* This parquet-mr wrote no dictionary_page_offset: data_page_offset points at
         * the dictionary page when there is one, the offset index past it. */
        st_assert(!cc->meta->has_dictionary_page_offset);
        st_assert(oi.pages[0].offset >= cc->meta->data_page_offset);
        check_page_locations(&f, &oi, cc->has_column_index ? &ci : NULL, &a);
        if (c == 0) {
            /* id is not sorted in this file: page 0 holds ids 122..142 */
            st_assert_eq_i64(ci.boundary_order, PQ_BOUNDARY_UNORDERED);
            st_assert_eq_u64(ci.n_pages, 325);
            st_assert_eq_u64(ci.min_lens[0], 4);
            st_assert_eq_mem(ci.min_values[0], "\x7a\0\0\0", 4);
            st_assert_eq_mem(ci.max_values[0], "\x8e\0\0\0", 4);
        }
        total_pages += oi.n_pages;
    }
    st_assert_eq_i64(total_pages, 5794);
    st_arena_dispose(&a);
    free(f.data);
}

void test_parquet_metadata__bloom_headers(void)
{
    pq_file f;
    pq_file_metadata md;
    pq_bloom_header bh;
    st_arena a = ST_ARENA_INIT;
    size_t used, len;

    uint8_t *bin = st_test_read_file(st_test_resource(PT "bloom_filter.xxhash.bin"), &len);
    st_pass(pq_decode_bloom_header(&bh, bin, len, &used));
    st_assert_eq_i64(bh.num_bytes, 1024);
    st_assert_eq_u64(used + 1024, len);
    free(bin);

    load_footer(&f, PT "data_index_bloom_encoding_with_length.parquet", &md, &a);
    const pq_column_meta *m = md.row_groups[0].columns[0].meta;
    st_assert(m->has_bloom_filter_offset && m->has_bloom_filter_length);
    st_pass(pq_decode_bloom_header(&bh, f.data + m->bloom_filter_offset,
                                   f.len - (size_t)m->bloom_filter_offset, &used));
    st_assert_eq_i64((int64_t)used + bh.num_bytes, m->bloom_filter_length);
    free(f.data);

    load_footer(&f, PT "data_index_bloom_encoding_stats.parquet", &md, &a);
    m = md.row_groups[0].columns[0].meta;
    st_assert(m->has_bloom_filter_offset && !m->has_bloom_filter_length);
    st_pass(pq_decode_bloom_header(&bh, f.data + m->bloom_filter_offset,
                                   f.len - (size_t)m->bloom_filter_offset, &used));
    st_assert(bh.num_bytes > 0 && bh.num_bytes % 32 == 0);
    st_assert((uint64_t)m->bloom_filter_offset + used + (uint64_t)bh.num_bytes <= f.len);
    free(f.data);
    st_arena_dispose(&a);
}

/* ---- malformed input ---------------------------------------------------------- */

void test_parquet_metadata__footer_truncations(void)
{
    file_list *fl = malloc(sizeof(*fl));
    list_parquet(fl, PT);
    for (int i = 0; i < fl->n; i++) {
        pq_file f;
        load_file(&f, fl->names[i]);
        /* Every prefix of small footers; a sample of the large ones to bound the time. */
        size_t step = f.footer_len > 4096 ? 97 : 1;
        for (size_t n = 0; n < f.footer_len; n += step) {
            st_arena a = ST_ARENA_INIT;
            pq_file_metadata md;
            uint8_t *p = exact_copy(f.footer, n);
            int rc = pq_decode_file_metadata(&md, &a, p, n, NULL);
            st_assert_msg(rc == ST_ECORRUPT, "%s: prefix %zu returned %d", fl->names[i], n, rc);
            st_arena_dispose(&a);
            free(p);
        }
        free(f.data);
    }
    free(fl);
}

void test_parquet_metadata__page_header_truncations(void)
{
    pq_file f;
    pq_file_metadata md;
    st_arena a = ST_ARENA_INIT;
    load_footer(&f, PT "alltypes_tiny_pages.parquet", &md, &a);
    for (uint32_t c = 0; c < md.row_groups[0].n_columns; c++) {
        const pq_column_meta *m = md.row_groups[0].columns[c].meta;
        pq_page_header ph;
        size_t used;
        int64_t off = m->has_dictionary_page_offset ? m->dictionary_page_offset
                                                    : m->data_page_offset;
        st_pass(pq_decode_page_header(&ph, &a, f.data + off, f.len - (size_t)off, &used));
        for (size_t n = 0; n < used; n++) {
            uint8_t *p = exact_copy(f.data + off, n);
            st_fail_with(ST_ECORRUPT, pq_decode_page_header(&ph, &a, p, n, NULL));
            free(p);
        }
    }
    st_arena_dispose(&a);
    free(f.data);
}

typedef int (*decode_fn)(const uint8_t *p, size_t n, st_arena *a, st_buf *reencoded);

static int fuzz_footer(const uint8_t *p, size_t n, st_arena *a, st_buf *out)
{
    pq_file_metadata md;
    int rc = pq_decode_file_metadata(&md, a, p, n, NULL);
    return rc ? rc : pq_encode_file_metadata(out, &md);
}

static int fuzz_page(const uint8_t *p, size_t n, st_arena *a, st_buf *out)
{
    pq_page_header ph;
    int rc = pq_decode_page_header(&ph, a, p, n, NULL);
    return rc ? rc : pq_encode_page_header(out, &ph);
}

static int fuzz_column_index(const uint8_t *p, size_t n, st_arena *a, st_buf *out)
{
    pq_column_index ci;
    int rc = pq_decode_column_index(&ci, a, p, n, NULL);
    return rc ? rc : pq_encode_column_index(out, &ci);
}

static int fuzz_offset_index(const uint8_t *p, size_t n, st_arena *a, st_buf *out)
{
    pq_offset_index oi;
    int rc = pq_decode_offset_index(&oi, a, p, n, NULL);
    return rc ? rc : pq_encode_offset_index(out, &oi);
}

/* Flips 1-3 random bytes of msg `iters` times. Each decode must succeed or fail with
 * ST_ECORRUPT; a success must re-encode to a fixed point of decode+encode. */
static void flip_bytes(const uint8_t *msg, size_t len, int iters, decode_fn fn)
{
    int ok = 0;
    for (int it = 0; it < iters; it++) {
        uint8_t *p = exact_copy(msg, len);
        st_arena a = ST_ARENA_INIT, a2 = ST_ARENA_INIT;
        st_buf b1 = ST_BUF_INIT, b2 = ST_BUF_INIT;
        int flips = 1 + (int)(rng() % 3), rc;
        for (int k = 0; k < flips; k++) {
            uint64_t r = rng();
            p[r % len] = (uint8_t)(r >> 32);
        }
        rc = fn(p, len, &a, &b1);
        st_assert_msg(rc == 0 || rc == ST_ECORRUPT, "iteration %d returned %d: %s", it, rc,
                      st_test__errmsg());
        if (rc == 0) {
            ok++;
            st_pass(fn(b1.ptr, b1.len, &a2, &b2));
            st_assert_msg(b1.len == b2.len && memcmp(b1.ptr, b2.ptr, b1.len) == 0,
                          "iteration %d: re-encoding is not a fixed point", it);
        }
        st_buf_dispose(&b1);
        st_buf_dispose(&b2);
        st_arena_dispose(&a);
        st_arena_dispose(&a2);
        free(p);
    }
    st_assert(ok > 0);  /* some flips land in values and decode fine */
}

void test_parquet_metadata__byte_flips(void)
{
    static const char *files[] = {"alltypes_tiny_pages.parquet", "nested_maps.snappy.parquet",
                                  "data_index_bloom_encoding_stats.parquet",
                                  "floating_orders_nan_count.parquet",
                                  "unknown-logical-type.parquet", "datapage_v2.snappy.parquet"};
    rng_state = 0x9e3779b97f4a7c15ULL;
    for (size_t i = 0; i < COUNT(files); i++) {
        char rel[128];
        pq_file f;
        pq_file_metadata md;
        st_arena a = ST_ARENA_INIT;
        snprintf(rel, sizeof(rel), PT "%s", files[i]);
        load_footer(&f, rel, &md, &a);
        flip_bytes(f.footer, f.footer_len, 1500, fuzz_footer);
        /* The first page header of each of the first columns. */
        for (uint32_t c = 0; c < md.row_groups[0].n_columns && c < 3; c++) {
            const pq_column_meta *m = md.row_groups[0].columns[c].meta;
            pq_page_header ph;
            size_t used;
            st_pass(pq_decode_page_header(&ph, &a, f.data + m->data_page_offset,
                                          f.len - (size_t)m->data_page_offset, &used));
            flip_bytes(f.data + m->data_page_offset, used, 300, fuzz_page);
        }
        const pq_column_chunk *cc = &md.row_groups[0].columns[0];
        if (cc->has_column_index && cc->column_index_length > 0)
            flip_bytes(f.data + cc->column_index_offset, (size_t)cc->column_index_length, 500,
                       fuzz_column_index);
        if (cc->has_offset_index && cc->offset_index_length > 0)
            flip_bytes(f.data + cc->offset_index_offset, (size_t)cc->offset_index_length, 500,
                       fuzz_offset_index);
        st_arena_dispose(&a);
        free(f.data);
    }
}

void test_parquet_metadata__random_garbage(void)
{
    uint8_t buf[256];
    rng_state = 12345;
    for (int it = 0; it < 20000; it++) {
        size_t n = rng() % sizeof(buf);
        st_arena a = ST_ARENA_INIT;
        pq_file_metadata md;
        pq_page_header ph;
        pq_bloom_header bh;
        for (size_t i = 0; i < n; i++)
            buf[i] = (uint8_t)rng();
        uint8_t *p = exact_copy(buf, n);
        int rc = pq_decode_file_metadata(&md, &a, p, n, NULL);
        st_assert(rc == 0 || rc == ST_ECORRUPT);
        rc = pq_decode_page_header(&ph, &a, p, n, NULL);
        st_assert(rc == 0 || rc == ST_ECORRUPT);
        rc = pq_decode_bloom_header(&bh, p, n, NULL);
        st_assert(rc == 0 || rc == ST_ECORRUPT || rc == ST_EUNSUPPORTED);
        st_arena_dispose(&a);
        free(p);
    }
}

void test_parquet_metadata__allocation_failures(void)
{
    pq_file f;
    pq_file_metadata md;
    st_arena keep = ST_ARENA_INIT;
    long n;
    load_footer(&f, PT "alltypes_tiny_pages.parquet", &md, &keep);
    /* Small arena blocks so that the footer needs many allocations. */
    for (n = 0;; n++) {
        st_arena a = {NULL, 256};
        pq_file_metadata got;
        int rc;
        st_alloc_fail_after(n);
        rc = pq_decode_file_metadata(&got, &a, f.footer, f.footer_len, NULL);
        st_alloc_fail_after(-1);
        st_arena_dispose(&a);
        if (rc == 0)
            break;
        st_assert_eq_i64(rc, ST_ENOMEM);
    }
    st_assert(n > 10);
    /* The encoder: a failure at any point is reported, and leaves `out` as it was. */
    for (n = 0;; n++) {
        st_buf b = ST_BUF_INIT;
        int rc;
        st_pass(st_buf_puts(&b, "keep"));
        st_alloc_fail_after(n);
        rc = pq_encode_file_metadata(&b, &md);
        st_alloc_fail_after(-1);
        if (rc == 0) {
            st_buf_dispose(&b);
            break;
        }
        st_assert_eq_i64(rc, ST_ENOMEM);
        st_assert_eq_str(st_buf_cstr(&b), "keep");
        st_buf_dispose(&b);
    }
    st_assert(n > 0);
    st_arena_dispose(&keep);
    free(f.data);
}
