/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The Parquet file and page metadata (parquet-format's parquet.thrift), as C
 * structs, and their Thrift compact-protocol decoding and encoding.
 *
 * Field numbers in comments are parquet.thrift's. Optional scalar fields carry a
 * `has_` flag; optional pointers are NULL when absent; lists are (pointer, count).
 * Decoded structures live in an st_arena owned by the caller: free everything at
 * once with st_arena_dispose(). Byte strings (statistics, names) point into the
 * arena, never into the input buffer, so the input may be released after decoding.
 *
 * Thread-safety: decoding and encoding are reentrant; a decoded structure is
 * immutable and may be shared.
 */
#ifndef ST_PARQUET_METADATA_H
#define ST_PARQUET_METADATA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/arena.h"
#include "util/buf.h"

typedef enum {
    PQ_BOOLEAN = 0, PQ_INT32 = 1, PQ_INT64 = 2, PQ_INT96 = 3, PQ_FLOAT = 4,
    PQ_DOUBLE = 5, PQ_BYTE_ARRAY = 6, PQ_FIXED_LEN_BYTE_ARRAY = 7
} pq_type;

typedef enum {
    PQ_CT_NONE = -1, PQ_CT_UTF8 = 0, PQ_CT_MAP = 1, PQ_CT_MAP_KEY_VALUE = 2, PQ_CT_LIST = 3,
    PQ_CT_ENUM = 4, PQ_CT_DECIMAL = 5, PQ_CT_DATE = 6, PQ_CT_TIME_MILLIS = 7,
    PQ_CT_TIME_MICROS = 8, PQ_CT_TIMESTAMP_MILLIS = 9, PQ_CT_TIMESTAMP_MICROS = 10,
    PQ_CT_UINT_8 = 11, PQ_CT_UINT_16 = 12, PQ_CT_UINT_32 = 13, PQ_CT_UINT_64 = 14,
    PQ_CT_INT_8 = 15, PQ_CT_INT_16 = 16, PQ_CT_INT_32 = 17, PQ_CT_INT_64 = 18,
    PQ_CT_JSON = 19, PQ_CT_BSON = 20, PQ_CT_INTERVAL = 21
} pq_converted_type;

typedef enum { PQ_REQUIRED = 0, PQ_OPTIONAL = 1, PQ_REPEATED = 2 } pq_repetition;

typedef enum {
    PQ_ENC_PLAIN = 0, PQ_ENC_PLAIN_DICTIONARY = 2, PQ_ENC_RLE = 3, PQ_ENC_BIT_PACKED = 4,
    PQ_ENC_DELTA_BINARY_PACKED = 5, PQ_ENC_DELTA_LENGTH_BYTE_ARRAY = 6,
    PQ_ENC_DELTA_BYTE_ARRAY = 7, PQ_ENC_RLE_DICTIONARY = 8, PQ_ENC_BYTE_STREAM_SPLIT = 9
} pq_encoding;

typedef enum {
    PQ_CODEC_UNCOMPRESSED = 0, PQ_CODEC_SNAPPY = 1, PQ_CODEC_GZIP = 2, PQ_CODEC_LZO = 3,
    PQ_CODEC_BROTLI = 4, PQ_CODEC_LZ4 = 5, PQ_CODEC_ZSTD = 6, PQ_CODEC_LZ4_RAW = 7
} pq_codec;

typedef enum {
    PQ_PAGE_DATA = 0, PQ_PAGE_INDEX = 1, PQ_PAGE_DICTIONARY = 2, PQ_PAGE_DATA_V2 = 3
} pq_page_type;

/* LogicalType union member ids (field numbers of the union). */
typedef enum {
    PQ_LT_NONE = 0, PQ_LT_STRING = 1, PQ_LT_MAP = 2, PQ_LT_LIST = 3, PQ_LT_ENUM = 4,
    PQ_LT_DECIMAL = 5, PQ_LT_DATE = 6, PQ_LT_TIME = 7, PQ_LT_TIMESTAMP = 8,
    PQ_LT_INTEGER = 10, PQ_LT_NULL = 11, PQ_LT_JSON = 12, PQ_LT_BSON = 13, PQ_LT_UUID = 14,
    PQ_LT_FLOAT16 = 15, PQ_LT_VARIANT = 16, PQ_LT_GEOMETRY = 17, PQ_LT_GEOGRAPHY = 18,
    PQ_LT_UNKNOWN = 1000  /* a union member this reader does not know */
} pq_logical_kind;

typedef enum { PQ_UNIT_MILLIS = 1, PQ_UNIT_MICROS = 2, PQ_UNIT_NANOS = 3 } pq_time_unit;

typedef struct {
    pq_logical_kind kind;
    int32_t scale, precision;     /* DECIMAL (5) */
    bool utc_adjusted;            /* TIME, TIMESTAMP: isAdjustedToUTC */
    pq_time_unit unit;            /* TIME, TIMESTAMP */
    int8_t bit_width;             /* INTEGER: 8, 16, 32, 64 */
    bool is_signed;               /* INTEGER */
} pq_logical_type;

typedef struct {                  /* SchemaElement */
    bool has_type;       pq_type type;                 /* 1 */
    int32_t type_length;                               /* 2, 0 when absent */
    bool has_repetition; pq_repetition repetition;     /* 3 */
    const char *name;                                  /* 4 */
    int32_t num_children;                              /* 5, 0 when absent */
    pq_converted_type converted_type;                  /* 6, PQ_CT_NONE when absent */
    int32_t scale, precision;                          /* 7, 8 */
    bool has_field_id;   int32_t field_id;             /* 9 */
    pq_logical_type logical;                           /* 10, kind NONE when absent */
} pq_schema_element;

typedef struct {                  /* Statistics */
    const uint8_t *max, *min;  uint32_t max_len, min_len;              /* 1, 2 (legacy) */
    bool has_null_count;       int64_t null_count;                     /* 3 */
    bool has_distinct_count;   int64_t distinct_count;                 /* 4 */
    const uint8_t *max_value, *min_value; uint32_t max_value_len, min_value_len; /* 5, 6 */
    bool has_is_max_exact;     bool is_max_value_exact;                /* 7 */
    bool has_is_min_exact;     bool is_min_value_exact;                /* 8 */
} pq_statistics;

typedef struct { const char *key; const char *value; } pq_key_value; /* value NULL if absent */

typedef struct { pq_page_type page_type; pq_encoding encoding; int32_t count; } pq_page_encoding_stats;

typedef struct {                  /* ColumnMetaData */
    pq_type type;                                      /* 1 */
    pq_encoding *encodings;    uint32_t n_encodings;   /* 2 */
    const char **path;         uint32_t n_path;        /* 3 */
    pq_codec codec;                                    /* 4 */
    int64_t num_values;                                /* 5 */
    int64_t total_uncompressed_size;                   /* 6 */
    int64_t total_compressed_size;                     /* 7 */
    pq_key_value *kv;          uint32_t n_kv;          /* 8 */
    int64_t data_page_offset;                          /* 9 */
    bool has_index_page_offset; int64_t index_page_offset;           /* 10 */
    bool has_dictionary_page_offset; int64_t dictionary_page_offset; /* 11 */
    pq_statistics *statistics;                         /* 12 */
    pq_page_encoding_stats *encoding_stats; uint32_t n_encoding_stats; /* 13 */
    bool has_bloom_filter_offset; int64_t bloom_filter_offset;       /* 14 */
    bool has_bloom_filter_length; int32_t bloom_filter_length;       /* 15 */
} pq_column_meta;

typedef struct {                  /* ColumnChunk */
    const char *file_path;                             /* 1 */
    int64_t file_offset;                               /* 2 */
    pq_column_meta *meta;                              /* 3 (required for unencrypted files) */
    bool has_offset_index; int64_t offset_index_offset; int32_t offset_index_length; /* 4, 5 */
    bool has_column_index; int64_t column_index_offset; int32_t column_index_length; /* 6, 7 */
    bool encrypted;                                    /* 8 or 9 present */
} pq_column_chunk;

typedef struct { int32_t column_idx; bool descending; bool nulls_first; } pq_sorting_column;

typedef struct {                  /* RowGroup */
    pq_column_chunk *columns;  uint32_t n_columns;     /* 1 */
    int64_t total_byte_size;                           /* 2 */
    int64_t num_rows;                                  /* 3 */
    pq_sorting_column *sorting; uint32_t n_sorting;    /* 4 */
    bool has_file_offset; int64_t file_offset;         /* 5 */
    bool has_total_compressed_size; int64_t total_compressed_size; /* 6 */
    bool has_ordinal; int16_t ordinal;                 /* 7 */
} pq_row_group;

typedef enum { PQ_ORDER_UNDEFINED = 0, PQ_ORDER_TYPE_DEFINED = 1, PQ_ORDER_IEEE754_TOTAL = 2 } pq_column_order;

typedef struct {                  /* FileMetaData */
    int32_t version;                                   /* 1 */
    pq_schema_element *schema; uint32_t n_schema;      /* 2 */
    int64_t num_rows;                                  /* 3 */
    pq_row_group *row_groups;  uint32_t n_row_groups;  /* 4 */
    pq_key_value *kv;          uint32_t n_kv;          /* 5 */
    const char *created_by;                            /* 6 */
    pq_column_order *column_orders; uint32_t n_column_orders; /* 7 */
    bool encrypted;                                    /* 8 present */
} pq_file_metadata;

typedef struct {                  /* DataPageHeader */
    int32_t num_values;
    pq_encoding encoding, def_encoding, rep_encoding;
    pq_statistics *statistics;
} pq_data_page_header;

typedef struct {                  /* DictionaryPageHeader */
    int32_t num_values;
    pq_encoding encoding;
    bool is_sorted;
} pq_dict_page_header;

typedef struct {                  /* DataPageHeaderV2 */
    int32_t num_values, num_nulls, num_rows;
    pq_encoding encoding;
    int32_t def_levels_len, rep_levels_len;
    bool is_compressed;           /* default true */
    pq_statistics *statistics;
} pq_data_page_header_v2;

typedef struct {                  /* PageHeader */
    pq_page_type type;
    int32_t uncompressed_size, compressed_size;
    bool has_crc; uint32_t crc;
    bool has_data, has_dict, has_data_v2;
    pq_data_page_header data;
    pq_dict_page_header dict;
    pq_data_page_header_v2 data_v2;
} pq_page_header;

typedef struct { int64_t offset; int32_t compressed_page_size; int64_t first_row_index; } pq_page_location;

typedef struct {                  /* OffsetIndex */
    pq_page_location *pages;   uint32_t n_pages;
} pq_offset_index;

typedef enum { PQ_BOUNDARY_UNORDERED = 0, PQ_BOUNDARY_ASCENDING = 1, PQ_BOUNDARY_DESCENDING = 2 } pq_boundary_order;

typedef struct {                  /* ColumnIndex */
    bool *null_pages;          uint32_t n_pages;
    const uint8_t **min_values, **max_values; uint32_t *min_lens, *max_lens;
    pq_boundary_order boundary_order;
    int64_t *null_counts;      bool has_null_counts;
} pq_column_index;

typedef struct { int32_t num_bytes; } pq_bloom_header; /* split-block, xxhash, uncompressed */

/* Decoding: each reads one structure from buf[0..len) and reports how many bytes it
 * used in *consumed. Errors: ST_ECORRUPT (malformed, truncated, nesting deeper than
 * 64, a list longer than the bytes left), ST_ENOMEM. Unknown fields are skipped. */
int pq_decode_file_metadata(pq_file_metadata *out, st_arena *arena,
                            const uint8_t *buf, size_t len, size_t *consumed);
int pq_decode_page_header(pq_page_header *out, st_arena *arena,
                          const uint8_t *buf, size_t len, size_t *consumed);
int pq_decode_offset_index(pq_offset_index *out, st_arena *arena,
                           const uint8_t *buf, size_t len, size_t *consumed);
int pq_decode_column_index(pq_column_index *out, st_arena *arena,
                           const uint8_t *buf, size_t len, size_t *consumed);
int pq_decode_bloom_header(pq_bloom_header *out, const uint8_t *buf, size_t len,
                           size_t *consumed);

/* Encoding: appends the compact-protocol bytes to `out`. 0 or ST_ENOMEM. */
int pq_encode_file_metadata(st_buf *out, const pq_file_metadata *md);
int pq_encode_page_header(st_buf *out, const pq_page_header *ph);
int pq_encode_offset_index(st_buf *out, const pq_offset_index *oi);
int pq_encode_column_index(st_buf *out, const pq_column_index *ci);
int pq_encode_bloom_header(st_buf *out, const pq_bloom_header *bh);

/* Names for printing ("SNAPPY", "RLE_DICTIONARY", "INT64"). Static storage. */
const char *pq_type_name(pq_type t);
const char *pq_encoding_name(pq_encoding e);
const char *pq_codec_name(pq_codec c);
const char *pq_converted_type_name(pq_converted_type c);
const char *pq_page_type_name(pq_page_type t);

#endif
