/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Encoding of Parquet metadata (metadata.h) into the Thrift compact protocol, and
 * the printable names of the metadata enums.
 *
 * Fields are written in field-id order, optional ones only when present. Presence
 * follows the model: has_ flags, non-NULL pointers, non-empty optional lists, and
 * for the few scalars without a flag (type_length, num_children, scale, precision,
 * is_sorted, is_compressed) a value other than the "absent" default. What the
 * model does not keep cannot be written back: PQ_LT_UNKNOWN logical types are
 * omitted, and `encrypted` is written as an empty AES_GCM_V1 algorithm (file) or
 * ENCRYPTION_WITH_FOOTER_KEY (column) marker so that it survives a round trip.
 */
#include <string.h>

#include <supertable/errors.h>

#include "parquet/metadata.h"
#include "parquet/thrift.h"

typedef st_thrift_writer wr;

static void put_i32(wr *w, int16_t *last, int16_t id, int32_t v)
{
    st_thrift_write_field(w, last, id, ST_THRIFT_I32);
    st_thrift_write_int(w, v);
}

static void put_i64(wr *w, int16_t *last, int16_t id, int64_t v)
{
    st_thrift_write_field(w, last, id, ST_THRIFT_I64);
    st_thrift_write_int(w, v);
}

static void put_bin(wr *w, int16_t *last, int16_t id, const void *p, uint32_t len)
{
    st_thrift_write_field(w, last, id, ST_THRIFT_BINARY);
    st_thrift_write_binary(w, p, len);
}

/* A string field; a NULL required string is written empty. */
static void put_str(wr *w, int16_t *last, int16_t id, const char *s)
{
    s = s ? s : "";
    put_bin(w, last, id, s, (uint32_t)strlen(s));
}

/* A struct-typed field holding a union whose member `member` is an empty struct. */
static void put_empty_union(wr *w, int16_t *last, int16_t id, int16_t member)
{
    int16_t ulast = 0;
    st_thrift_write_field(w, last, id, ST_THRIFT_STRUCT);
    st_thrift_write_field(w, &ulast, member, ST_THRIFT_STRUCT);
    st_thrift_write_stop(w);
    st_thrift_write_stop(w);
}

static void put_list_header(wr *w, int16_t *last, int16_t id, int elem_type, uint32_t n)
{
    st_thrift_write_field(w, last, id, ST_THRIFT_LIST);
    st_thrift_write_list(w, elem_type, n);
}

static void write_statistics(wr *w, const pq_statistics *s)
{
    int16_t last = 0;
    if (s->max)
        put_bin(w, &last, 1, s->max, s->max_len);
    if (s->min)
        put_bin(w, &last, 2, s->min, s->min_len);
    if (s->has_null_count)
        put_i64(w, &last, 3, s->null_count);
    if (s->has_distinct_count)
        put_i64(w, &last, 4, s->distinct_count);
    if (s->max_value)
        put_bin(w, &last, 5, s->max_value, s->max_value_len);
    if (s->min_value)
        put_bin(w, &last, 6, s->min_value, s->min_value_len);
    if (s->has_is_max_exact)
        st_thrift_write_bool_field(w, &last, 7, s->is_max_value_exact);
    if (s->has_is_min_exact)
        st_thrift_write_bool_field(w, &last, 8, s->is_min_value_exact);
    st_thrift_write_stop(w);
}

static void put_statistics(wr *w, int16_t *last, int16_t id, const pq_statistics *s)
{
    if (s) {
        st_thrift_write_field(w, last, id, ST_THRIFT_STRUCT);
        write_statistics(w, s);
    }
}

static void write_key_values(wr *w, int16_t *last, int16_t id, const pq_key_value *kv,
                             uint32_t n)
{
    put_list_header(w, last, id, ST_THRIFT_STRUCT, n);
    for (uint32_t i = 0; i < n; i++) {
        int16_t klast = 0;
        put_str(w, &klast, 1, kv[i].key);
        if (kv[i].value)
            put_str(w, &klast, 2, kv[i].value);
        st_thrift_write_stop(w);
    }
}

/* The body of a LogicalType member struct: only four members carry fields. */
static void write_logical_member(wr *w, const pq_logical_type *lt)
{
    int16_t last = 0;
    switch (lt->kind) {
    case PQ_LT_DECIMAL:
        put_i32(w, &last, 1, lt->scale);
        put_i32(w, &last, 2, lt->precision);
        break;
    case PQ_LT_TIME:
    case PQ_LT_TIMESTAMP:
        st_thrift_write_bool_field(w, &last, 1, lt->utc_adjusted);
        put_empty_union(w, &last, 2, (int16_t)lt->unit);
        break;
    case PQ_LT_INTEGER:
        st_thrift_write_field(w, &last, 1, ST_THRIFT_I8);
        st_thrift_write_i8(w, lt->bit_width);
        st_thrift_write_bool_field(w, &last, 2, lt->is_signed);
        break;
    default:
        break;
    }
    st_thrift_write_stop(w);
}

static void write_schema_element(wr *w, const pq_schema_element *se)
{
    int16_t last = 0, ulast = 0;
    if (se->has_type)
        put_i32(w, &last, 1, se->type);
    if (se->type_length)
        put_i32(w, &last, 2, se->type_length);
    if (se->has_repetition)
        put_i32(w, &last, 3, se->repetition);
    put_str(w, &last, 4, se->name);
    /* A group states its child count even when it is 0. */
    if (se->num_children || !se->has_type)
        put_i32(w, &last, 5, se->num_children);
    if (se->converted_type != PQ_CT_NONE)
        put_i32(w, &last, 6, se->converted_type);
    if (se->scale || se->converted_type == PQ_CT_DECIMAL)
        put_i32(w, &last, 7, se->scale);
    if (se->precision || se->converted_type == PQ_CT_DECIMAL)
        put_i32(w, &last, 8, se->precision);
    if (se->has_field_id)
        put_i32(w, &last, 9, se->field_id);
    if (se->logical.kind != PQ_LT_NONE && se->logical.kind != PQ_LT_UNKNOWN) {
        st_thrift_write_field(w, &last, 10, ST_THRIFT_STRUCT);
        st_thrift_write_field(w, &ulast, (int16_t)se->logical.kind, ST_THRIFT_STRUCT);
        write_logical_member(w, &se->logical);
        st_thrift_write_stop(w);
    }
    st_thrift_write_stop(w);
}

static void write_encoding_stats(wr *w, int16_t *last, const pq_column_meta *cm)
{
    put_list_header(w, last, 13, ST_THRIFT_STRUCT, cm->n_encoding_stats);
    for (uint32_t i = 0; i < cm->n_encoding_stats; i++) {
        const pq_page_encoding_stats *es = &cm->encoding_stats[i];
        int16_t elast = 0;
        put_i32(w, &elast, 1, es->page_type);
        put_i32(w, &elast, 2, es->encoding);
        put_i32(w, &elast, 3, es->count);
        st_thrift_write_stop(w);
    }
}

static void write_column_meta(wr *w, const pq_column_meta *cm)
{
    int16_t last = 0;
    put_i32(w, &last, 1, cm->type);
    put_list_header(w, &last, 2, ST_THRIFT_I32, cm->n_encodings);
    for (uint32_t i = 0; i < cm->n_encodings; i++)
        st_thrift_write_int(w, (int32_t)cm->encodings[i]);
    put_list_header(w, &last, 3, ST_THRIFT_BINARY, cm->n_path);
    for (uint32_t i = 0; i < cm->n_path; i++) {
        const char *s = cm->path[i] ? cm->path[i] : "";
        st_thrift_write_binary(w, s, (uint32_t)strlen(s));
    }
    put_i32(w, &last, 4, cm->codec);
    put_i64(w, &last, 5, cm->num_values);
    put_i64(w, &last, 6, cm->total_uncompressed_size);
    put_i64(w, &last, 7, cm->total_compressed_size);
    if (cm->n_kv)
        write_key_values(w, &last, 8, cm->kv, cm->n_kv);
    put_i64(w, &last, 9, cm->data_page_offset);
    if (cm->has_index_page_offset)
        put_i64(w, &last, 10, cm->index_page_offset);
    if (cm->has_dictionary_page_offset)
        put_i64(w, &last, 11, cm->dictionary_page_offset);
    put_statistics(w, &last, 12, cm->statistics);
    if (cm->n_encoding_stats)
        write_encoding_stats(w, &last, cm);
    if (cm->has_bloom_filter_offset)
        put_i64(w, &last, 14, cm->bloom_filter_offset);
    if (cm->has_bloom_filter_length)
        put_i32(w, &last, 15, cm->bloom_filter_length);
    st_thrift_write_stop(w);
}

static void write_column_chunk(wr *w, const pq_column_chunk *cc)
{
    int16_t last = 0;
    if (cc->file_path)
        put_str(w, &last, 1, cc->file_path);
    put_i64(w, &last, 2, cc->file_offset);
    if (cc->meta) {
        st_thrift_write_field(w, &last, 3, ST_THRIFT_STRUCT);
        write_column_meta(w, cc->meta);
    }
    if (cc->has_offset_index) {
        put_i64(w, &last, 4, cc->offset_index_offset);
        put_i32(w, &last, 5, cc->offset_index_length);
    }
    if (cc->has_column_index) {
        put_i64(w, &last, 6, cc->column_index_offset);
        put_i32(w, &last, 7, cc->column_index_length);
    }
    if (cc->encrypted)
        put_empty_union(w, &last, 8, 1 /* ENCRYPTION_WITH_FOOTER_KEY */);
    st_thrift_write_stop(w);
}

static void write_row_group(wr *w, const pq_row_group *rg)
{
    int16_t last = 0;
    put_list_header(w, &last, 1, ST_THRIFT_STRUCT, rg->n_columns);
    for (uint32_t i = 0; i < rg->n_columns; i++)
        write_column_chunk(w, &rg->columns[i]);
    put_i64(w, &last, 2, rg->total_byte_size);
    put_i64(w, &last, 3, rg->num_rows);
    if (rg->n_sorting) {
        put_list_header(w, &last, 4, ST_THRIFT_STRUCT, rg->n_sorting);
        for (uint32_t i = 0; i < rg->n_sorting; i++) {
            int16_t slast = 0;
            put_i32(w, &slast, 1, rg->sorting[i].column_idx);
            st_thrift_write_bool_field(w, &slast, 2, rg->sorting[i].descending);
            st_thrift_write_bool_field(w, &slast, 3, rg->sorting[i].nulls_first);
            st_thrift_write_stop(w);
        }
    }
    if (rg->has_file_offset)
        put_i64(w, &last, 5, rg->file_offset);
    if (rg->has_total_compressed_size)
        put_i64(w, &last, 6, rg->total_compressed_size);
    if (rg->has_ordinal) {
        st_thrift_write_field(w, &last, 7, ST_THRIFT_I16);
        st_thrift_write_int(w, rg->ordinal);
    }
    st_thrift_write_stop(w);
}

static void write_column_orders(wr *w, int16_t *last, const pq_file_metadata *md)
{
    put_list_header(w, last, 7, ST_THRIFT_STRUCT, md->n_column_orders);
    for (uint32_t i = 0; i < md->n_column_orders; i++) {
        int16_t ulast = 0;
        /* PQ_ORDER_UNDEFINED: an empty union, which reads back as undefined. */
        if (md->column_orders[i] == PQ_ORDER_TYPE_DEFINED ||
            md->column_orders[i] == PQ_ORDER_IEEE754_TOTAL) {
            st_thrift_write_field(w, &ulast, (int16_t)md->column_orders[i], ST_THRIFT_STRUCT);
            st_thrift_write_stop(w);
        }
        st_thrift_write_stop(w);
    }
}

int pq_encode_file_metadata(st_buf *out, const pq_file_metadata *md)
{
    wr w;
    int16_t last = 0;
    st_thrift_writer_init(&w, out);
    put_i32(&w, &last, 1, md->version);
    put_list_header(&w, &last, 2, ST_THRIFT_STRUCT, md->n_schema);
    for (uint32_t i = 0; i < md->n_schema; i++)
        write_schema_element(&w, &md->schema[i]);
    put_i64(&w, &last, 3, md->num_rows);
    put_list_header(&w, &last, 4, ST_THRIFT_STRUCT, md->n_row_groups);
    for (uint32_t i = 0; i < md->n_row_groups; i++)
        write_row_group(&w, &md->row_groups[i]);
    if (md->n_kv)
        write_key_values(&w, &last, 5, md->kv, md->n_kv);
    if (md->created_by)
        put_str(&w, &last, 6, md->created_by);
    if (md->n_column_orders)
        write_column_orders(&w, &last, md);
    if (md->encrypted)
        put_empty_union(&w, &last, 8, 1 /* AES_GCM_V1 */);
    st_thrift_write_stop(&w);
    return st_thrift_writer_finish(&w);
}

static void write_data_page_header(wr *w, const pq_data_page_header *h)
{
    int16_t last = 0;
    put_i32(w, &last, 1, h->num_values);
    put_i32(w, &last, 2, h->encoding);
    put_i32(w, &last, 3, h->def_encoding);
    put_i32(w, &last, 4, h->rep_encoding);
    put_statistics(w, &last, 5, h->statistics);
    st_thrift_write_stop(w);
}

static void write_dict_page_header(wr *w, const pq_dict_page_header *h)
{
    int16_t last = 0;
    put_i32(w, &last, 1, h->num_values);
    put_i32(w, &last, 2, h->encoding);
    if (h->is_sorted)
        st_thrift_write_bool_field(w, &last, 3, true);
    st_thrift_write_stop(w);
}

static void write_data_page_header_v2(wr *w, const pq_data_page_header_v2 *h)
{
    int16_t last = 0;
    put_i32(w, &last, 1, h->num_values);
    put_i32(w, &last, 2, h->num_nulls);
    put_i32(w, &last, 3, h->num_rows);
    put_i32(w, &last, 4, h->encoding);
    put_i32(w, &last, 5, h->def_levels_len);
    put_i32(w, &last, 6, h->rep_levels_len);
    if (!h->is_compressed)  /* absent means true */
        st_thrift_write_bool_field(w, &last, 7, false);
    put_statistics(w, &last, 8, h->statistics);
    st_thrift_write_stop(w);
}

int pq_encode_page_header(st_buf *out, const pq_page_header *ph)
{
    wr w;
    int16_t last = 0;
    st_thrift_writer_init(&w, out);
    put_i32(&w, &last, 1, ph->type);
    put_i32(&w, &last, 2, ph->uncompressed_size);
    put_i32(&w, &last, 3, ph->compressed_size);
    if (ph->has_crc)
        put_i32(&w, &last, 4, (int32_t)ph->crc);
    if (ph->has_data) {
        st_thrift_write_field(&w, &last, 5, ST_THRIFT_STRUCT);
        write_data_page_header(&w, &ph->data);
    }
    if (ph->has_dict) {
        st_thrift_write_field(&w, &last, 7, ST_THRIFT_STRUCT);
        write_dict_page_header(&w, &ph->dict);
    }
    if (ph->has_data_v2) {
        st_thrift_write_field(&w, &last, 8, ST_THRIFT_STRUCT);
        write_data_page_header_v2(&w, &ph->data_v2);
    }
    st_thrift_write_stop(&w);
    return st_thrift_writer_finish(&w);
}

int pq_encode_offset_index(st_buf *out, const pq_offset_index *oi)
{
    wr w;
    int16_t last = 0;
    st_thrift_writer_init(&w, out);
    put_list_header(&w, &last, 1, ST_THRIFT_STRUCT, oi->n_pages);
    for (uint32_t i = 0; i < oi->n_pages; i++) {
        int16_t plast = 0;
        put_i64(&w, &plast, 1, oi->pages[i].offset);
        put_i32(&w, &plast, 2, oi->pages[i].compressed_page_size);
        put_i64(&w, &plast, 3, oi->pages[i].first_row_index);
        st_thrift_write_stop(&w);
    }
    st_thrift_write_stop(&w);
    return st_thrift_writer_finish(&w);
}

static void put_binary_list(wr *w, int16_t *last, int16_t id, const uint8_t *const *vals,
                            const uint32_t *lens, uint32_t n)
{
    put_list_header(w, last, id, ST_THRIFT_BINARY, n);
    for (uint32_t i = 0; i < n; i++)
        st_thrift_write_binary(w, vals[i], lens[i]);
}

int pq_encode_column_index(st_buf *out, const pq_column_index *ci)
{
    wr w;
    int16_t last = 0;
    st_thrift_writer_init(&w, out);
    put_list_header(&w, &last, 1, ST_THRIFT_TRUE, ci->n_pages);
    for (uint32_t i = 0; i < ci->n_pages; i++)
        st_thrift_write_bool_elem(&w, ci->null_pages[i]);
    put_binary_list(&w, &last, 2, ci->min_values, ci->min_lens, ci->n_pages);
    put_binary_list(&w, &last, 3, ci->max_values, ci->max_lens, ci->n_pages);
    put_i32(&w, &last, 4, ci->boundary_order);
    if (ci->has_null_counts) {
        put_list_header(&w, &last, 5, ST_THRIFT_I64, ci->n_pages);
        for (uint32_t i = 0; i < ci->n_pages; i++)
            st_thrift_write_int(&w, ci->null_counts[i]);
    }
    st_thrift_write_stop(&w);
    return st_thrift_writer_finish(&w);
}

int pq_encode_bloom_header(st_buf *out, const pq_bloom_header *bh)
{
    wr w;
    int16_t last = 0;
    st_thrift_writer_init(&w, out);
    put_i32(&w, &last, 1, bh->num_bytes);
    put_empty_union(&w, &last, 2, 1 /* BLOCK */);
    put_empty_union(&w, &last, 3, 1 /* XXHASH */);
    put_empty_union(&w, &last, 4, 1 /* UNCOMPRESSED */);
    st_thrift_write_stop(&w);
    return st_thrift_writer_finish(&w);
}

const char *pq_type_name(pq_type t)
{
    static const char *const names[] = {
        "BOOLEAN", "INT32", "INT64", "INT96", "FLOAT", "DOUBLE", "BYTE_ARRAY",
        "FIXED_LEN_BYTE_ARRAY"
    };
    return (unsigned)t < sizeof(names) / sizeof(names[0]) ? names[t] : "UNKNOWN";
}

const char *pq_encoding_name(pq_encoding e)
{
    static const char *const names[] = {
        "PLAIN", NULL, "PLAIN_DICTIONARY", "RLE", "BIT_PACKED", "DELTA_BINARY_PACKED",
        "DELTA_LENGTH_BYTE_ARRAY", "DELTA_BYTE_ARRAY", "RLE_DICTIONARY", "BYTE_STREAM_SPLIT"
    };
    const char *n = (unsigned)e < sizeof(names) / sizeof(names[0]) ? names[e] : NULL;
    return n ? n : "UNKNOWN";
}

const char *pq_codec_name(pq_codec c)
{
    static const char *const names[] = {
        "UNCOMPRESSED", "SNAPPY", "GZIP", "LZO", "BROTLI", "LZ4", "ZSTD", "LZ4_RAW"
    };
    return (unsigned)c < sizeof(names) / sizeof(names[0]) ? names[c] : "UNKNOWN";
}

const char *pq_converted_type_name(pq_converted_type c)
{
    static const char *const names[] = {
        "UTF8", "MAP", "MAP_KEY_VALUE", "LIST", "ENUM", "DECIMAL", "DATE", "TIME_MILLIS",
        "TIME_MICROS", "TIMESTAMP_MILLIS", "TIMESTAMP_MICROS", "UINT_8", "UINT_16",
        "UINT_32", "UINT_64", "INT_8", "INT_16", "INT_32", "INT_64", "JSON", "BSON",
        "INTERVAL"
    };
    if (c == PQ_CT_NONE)
        return "NONE";
    return (unsigned)c < sizeof(names) / sizeof(names[0]) ? names[c] : "UNKNOWN";
}

const char *pq_page_type_name(pq_page_type t)
{
    static const char *const names[] = {
        "DATA_PAGE", "INDEX_PAGE", "DICTIONARY_PAGE", "DATA_PAGE_V2"
    };
    return (unsigned)t < sizeof(names) / sizeof(names[0]) ? names[t] : "UNKNOWN";
}
