/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Reading and writing Parquet files.
 *
 * The reader maps the file's schema to Iceberg types with field ids (from the
 * file, or from an Iceberg name mapping when the file has none), decodes any
 * projection of columns straight into Arrow-layout vectors, one row group at a
 * time, columns and row groups in parallel, and skips row groups whose
 * statistics rule out a filter.
 *
 * The writer takes batches of an Iceberg schema and produces a Parquet file
 * with field ids, dictionary/RLE/delta encodings, statistics, and returns the
 * per-column metrics an Iceberg manifest needs.
 */
#ifndef SUPERTABLE_PARQUET_H
#define SUPERTABLE_PARQUET_H

#include "common.h"
#include "io.h"
#include "types.h"
#include "vector.h"

ST_BEGIN_DECL

/* ================================================================== reader */

typedef struct st_parquet_reader st_parquet_reader;

#define ST_PARQUET_READ_OPTIONS_VERSION 1

typedef struct st_parquet_read_options {
    unsigned int version;      /**< ST_PARQUET_READ_OPTIONS_VERSION */
    int skip_checksums;        /**< 1: do not verify page CRCs (verified when present) */
    int threads;               /**< 0: the process-wide pool; 1: the calling thread only */
    /**
     * Iceberg name mapping (JSON, as in the table property
     * schema.name-mapping.default) giving ids to columns of files written
     * without field ids. Ignored for a file with any field id (as Java
     * does). NULL: such columns keep ST_FIELD_ID_NONE.
     */
    const char *name_mapping;
} st_parquet_read_options;

#define ST_PARQUET_READ_OPTIONS_INIT {ST_PARQUET_READ_OPTIONS_VERSION, 0, 0, NULL}

/**
 * Opens a Parquet file: reads and checks the footer and maps the schema.
 * @param[out] out the reader; free with st_parquet_reader_free().
 * @param opts NULL for defaults.
 * @return 0, ST_ENOTFOUND, ST_ECORRUPT (not Parquet, truncated, bad footer),
 *         ST_EUNSUPPORTED (encrypted footer), ST_EIO, ST_ENOMEM.
 */
ST_EXTERN(int) st_parquet_reader_open(st_parquet_reader **out, const char *path,
                                      const st_parquet_read_options *opts);
/** As st_parquet_reader_open(), over an input the reader takes ownership of (also on failure). */
ST_EXTERN(int) st_parquet_reader_open_input(st_parquet_reader **out, st_input *in,
                                            const st_parquet_read_options *opts);
/** NULL-safe. */
ST_EXTERN(void) st_parquet_reader_free(st_parquet_reader *r);

/** Rows in the file (the sum over its row groups). */
ST_EXTERN(int64_t) st_parquet_reader_num_rows(const st_parquet_reader *r);
ST_EXTERN(int) st_parquet_reader_num_row_groups(const st_parquet_reader *r);
ST_EXTERN(int64_t) st_parquet_reader_row_group_rows(const st_parquet_reader *r, int rg);
/** The whole file's schema (a struct type). Borrowed for the reader's lifetime. */
ST_EXTERN(st_type *) st_parquet_reader_file_schema(const st_parquet_reader *r);
/** The schema of the batches read: the projection, or the whole file. Borrowed. */
ST_EXTERN(st_type *) st_parquet_reader_schema(const st_parquet_reader *r);

/**
 * Projects columns by dotted path: "id", "addr.city" (a struct keeps only the
 * named children, in file order), "tags" (a whole list or map). Replaces any
 * earlier projection; the batches' columns follow the file's order.
 * @return 0 or ST_ENOTFOUND naming the first unknown path.
 */
ST_EXTERN(int) st_parquet_reader_select(st_parquet_reader *r, const char *const *paths, int n);
/** Projects by field id (a nested id selects that subtree). ST_ENOTFOUND for an unknown id. */
ST_EXTERN(int) st_parquet_reader_select_ids(st_parquet_reader *r, const int32_t *ids, int n);

/** Comparison of a column with a literal, for row-group pruning. */
typedef enum st_compare_op {
    ST_CMP_EQ, ST_CMP_NE, ST_CMP_LT, ST_CMP_LE, ST_CMP_GT, ST_CMP_GE,
    ST_CMP_IS_NULL, ST_CMP_NOT_NULL
} st_compare_op;

/**
 * Adds `path op literal` to the conjunction that row groups must possibly
 * satisfy. The literal is text parsed for the column's type ("42", "1.5",
 * "2024-01-31", "2024-01-31T10:00:00", "abc"); ignored for IS_NULL/NOT_NULL.
 * Only primitive columns outside lists and maps can be filtered. Pruning never
 * drops a row group that might hold a matching row; rows are not filtered.
 * @return 0, ST_ENOTFOUND (path), ST_EINVALID (literal or column kind).
 */
ST_EXTERN(int) st_parquet_reader_add_filter(st_parquet_reader *r, const char *path,
                                            st_compare_op op, const char *literal);
/** 1 when row group `rg` may hold rows matching the filters, 0 when statistics rule it out. */
ST_EXTERN(int) st_parquet_reader_row_group_matches(st_parquet_reader *r, int rg);

/**
 * Decodes the projected columns of one row group.
 * @param[out] out a batch of all the row group's rows; free with st_batch_free().
 * @return 0, ST_ECORRUPT (with the column, page and what was wrong), ST_EUNSUPPORTED
 *         (e.g. LZO), ST_EIO, ST_ENOMEM.
 * Thread-safety: several threads may read different row groups of one reader at once.
 */
ST_EXTERN(int) st_parquet_reader_read_row_group(st_batch **out, st_parquet_reader *r, int rg);

/**
 * A batch reader over the row groups that pass the filters, one batch per row
 * group. It decodes ahead: up to two row groups per thread are in flight while
 * the caller consumes, so memory is bounded by a few row groups, not the file.
 * The reader must outlive it; its projection and filters are fixed at creation.
 * @param[out] out free with st_batch_reader_free().
 */
ST_EXTERN(int) st_parquet_reader_batches(st_batch_reader **out, st_parquet_reader *r);

/* ------------------------------------------------------- metadata access */

/** One leaf column of the file (Parquet's view). Strings borrowed from the reader. */
typedef struct st_parquet_column_info {
    const char *path;           /**< dotted path in the Parquet schema */
    const char *physical_type;  /**< "INT64", "BYTE_ARRAY", "FIXED_LEN_BYTE_ARRAY(16)", ... */
    const char *logical_type;   /**< "STRING", "DECIMAL(10,2)", "TIMESTAMP(MICROS,UTC)", or "" */
    const char *repetition;     /**< "REQUIRED", "OPTIONAL", "REPEATED" */
    int32_t field_id;           /**< ST_FIELD_ID_NONE when absent */
    int max_definition_level;
    int max_repetition_level;
} st_parquet_column_info;

/** One column chunk of a row group. Strings borrowed from the reader. */
typedef struct st_parquet_chunk_info {
    const char *codec;          /**< "ZSTD", "SNAPPY", ... */
    const char *encodings;      /**< "PLAIN,RLE,RLE_DICTIONARY" */
    int64_t num_values;
    int64_t compressed_size;
    int64_t uncompressed_size;
    int64_t data_page_offset;
    int64_t dictionary_page_offset;  /**< -1 when none */
    int has_statistics;
    int64_t null_count;         /**< -1 when unknown */
    int64_t distinct_count;     /**< -1 when unknown */
    const char *min;            /**< formatted for the column's type; NULL when absent */
    const char *max;
    int min_exact, max_exact;   /**< 0 when the writer truncated the bound */
    int has_column_index;
    int has_offset_index;
    int has_bloom_filter;
} st_parquet_chunk_info;

/** Leaf columns in the file. */
ST_EXTERN(int) st_parquet_reader_num_columns(const st_parquet_reader *r);
ST_EXTERN(int) st_parquet_reader_column_info(st_parquet_reader *r, int col,
                                             st_parquet_column_info *out);
ST_EXTERN(int) st_parquet_reader_chunk_info(st_parquet_reader *r, int rg, int col,
                                            st_parquet_chunk_info *out);
/** Total compressed bytes of row group `rg`. */
ST_EXTERN(int64_t) st_parquet_reader_row_group_bytes(const st_parquet_reader *r, int rg);
/** "created_by" of the footer, or "". Borrowed. */
ST_EXTERN(const char *) st_parquet_reader_created_by(const st_parquet_reader *r);
/** Parquet format version in the footer. */
ST_EXTERN(int) st_parquet_reader_format_version(const st_parquet_reader *r);
/** Footer key/value metadata entries; value may be NULL. Borrowed. */
ST_EXTERN(int) st_parquet_reader_kv_count(const st_parquet_reader *r);
ST_EXTERN(void) st_parquet_reader_kv(const st_parquet_reader *r, int i, const char **key,
                                     const char **value);

/* ================================================================== writer */

typedef struct st_parquet_writer st_parquet_writer;

typedef enum st_parquet_codec {
    ST_CODEC_UNCOMPRESSED = 0,
    ST_CODEC_SNAPPY = 1,
    ST_CODEC_GZIP = 2,
    ST_CODEC_BROTLI = 4,
    ST_CODEC_ZSTD = 6,
    ST_CODEC_LZ4_RAW = 7
} st_parquet_codec;

#define ST_PARQUET_WRITE_OPTIONS_VERSION 1

typedef struct st_parquet_write_options {
    unsigned int version;        /**< ST_PARQUET_WRITE_OPTIONS_VERSION */
    st_parquet_codec codec;      /**< default ZSTD */
    int compression_level;       /**< 0: the codec's default */
    int64_t row_group_rows;      /**< close a row group at this many rows; 0: 1Mi rows */
    int64_t row_group_bytes;     /**< ... or at this many (uncompressed) bytes; 0: 128 MiB */
    int64_t page_bytes;          /**< target uncompressed data page size; 0: 1 MiB */
    int64_t page_rows;           /**< row limit per page; 0: 20000 */
    int64_t dictionary_bytes;    /**< dictionary size limit before falling back to
                                      plain/delta; 0: 1 MiB; < 0 disables dictionaries */
    int data_page_version;       /**< 1 or 2; 0: 1 (the most widely read) */
    int disable_statistics;      /**< 1: no min/max/null_count in the footer */
    const char *created_by;      /**< NULL: "SuperTable version X" */
    int threads;                 /**< 0: the process pool; 1: the calling thread;
                                      N > 1: a pool of N threads of the writer's own */
    /** Footer key/value metadata: key, value, key, value, ..., NULL (copied at open);
     *  NULL for none. Iceberg writers put the table schema under "iceberg.schema". */
    const char *const *key_values;
} st_parquet_write_options;

#define ST_PARQUET_WRITE_OPTIONS_INIT {ST_PARQUET_WRITE_OPTIONS_VERSION, ST_CODEC_ZSTD, \
                                       0, 0, 0, 0, 0, 0, 0, 0, NULL, 0, NULL}

/** Metrics of one leaf column of a written file, as an Iceberg manifest records them. */
typedef struct st_parquet_column_metrics {
    int32_t field_id;
    int64_t column_size;         /**< compressed bytes of its chunks */
    int64_t value_count;         /**< values including nulls (leaf level) */
    int64_t null_count;
    int64_t nan_count;           /**< float/double only; else -1 */
    /** Bounds in Iceberg's single-value binary serialisation, untruncated;
     *  NULL when there is no non-null, non-NaN value (or nested inside lists/maps). */
    uint8_t *lower_bound, *upper_bound;
    size_t lower_bound_len, upper_bound_len;
} st_parquet_column_metrics;

typedef struct st_parquet_file_metrics {
    int64_t row_count;
    int64_t file_size;
    int n_columns;
    st_parquet_column_metrics *columns;  /**< one per leaf column, in file order */
    int64_t *split_offsets;              /**< start offset of each row group */
    int n_split_offsets;
} st_parquet_file_metrics;

/** Frees metrics returned by st_parquet_writer_close(). NULL-safe. */
ST_EXTERN(void) st_parquet_file_metrics_free(st_parquet_file_metrics *m);

/**
 * Starts a Parquet file at `path` (published atomically on close).
 * @param schema a struct type; every field should carry a field id.
 * @param[out] out finish with st_parquet_writer_close() or st_parquet_writer_abort().
 */
ST_EXTERN(int) st_parquet_writer_open(st_parquet_writer **out, const char *path, st_type *schema,
                                      const st_parquet_write_options *opts);
/** As st_parquet_writer_open(), into an output the writer takes over. */
ST_EXTERN(int) st_parquet_writer_open_output(st_parquet_writer **out, st_output *o,
                                             st_type *schema,
                                             const st_parquet_write_options *opts);
/**
 * Appends the rows of `b` (its schema must equal the writer's). The batch is not
 * kept. A required field with a null → ST_EINVALID, and the writer is unusable.
 */
ST_EXTERN(int) st_parquet_writer_write(st_parquet_writer *w, const st_batch *b);
/**
 * Finishes the file and frees the writer (also on failure, which removes the file).
 * @param[out] metrics when not NULL, the file's metrics; free with
 *             st_parquet_file_metrics_free().
 */
ST_EXTERN(int) st_parquet_writer_close(st_parquet_writer *w, st_parquet_file_metrics **metrics);
/**
 * Bytes the file holds so far: written row groups plus an estimate of the
 * buffered rows (their uncompressed size), for rolling files at a target size.
 */
ST_EXTERN(int64_t) st_parquet_writer_bytes(const st_parquet_writer *w);
/** Rows appended so far. */
ST_EXTERN(int64_t) st_parquet_writer_rows(const st_parquet_writer *w);
/** Abandons the file (nothing is published) and frees the writer. NULL-safe. */
ST_EXTERN(void) st_parquet_writer_abort(st_parquet_writer *w);

ST_END_DECL

#endif
