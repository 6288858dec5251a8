/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Avro object container files (Avro 1.11 specification, "Object Container
 * Files"), framed by us. avro_file.c says why avro-c's own file reader and
 * writer cannot be used for Iceberg metadata.
 *
 * Reading: st_avro_reader_open() checks the header (magic, metadata map,
 * sync marker) and parses the writer schema (with avro_schema.c's own JSON
 * parser) into an st_avro_type tree that keeps every attribute Iceberg needs
 * (field-id, element-id, key-id, value-id, logicalType, adjust-to-utc,
 * decimal precision and scale). st_avro_reader_next_block() hands out one block at a
 * time, decompressed (null, deflate, snappy, zstd) into a buffer reused
 * across blocks, with its record count checked against its size; the caller
 * decodes the records from those bytes with avro_decode.h, which checks every
 * length against the block's end, so a corrupt file ends as ST_ECORRUPT.
 *
 * Writing: st_avro_writer_open() writes the header with the caller's schema
 * JSON text verbatim and the caller's key-value metadata in the caller's
 * order; records are filled through st_avro_writer_value() (avro-c generic
 * values) and appended; blocks of about 64 KB are compressed with raw
 * deflate or stored.
 *
 * Not thread-safe; one reader or writer per thread.
 */
#ifndef ST_AVRO_AVRO_FILE_H
#define ST_AVRO_AVRO_FILE_H

#include <avro.h>
#include <stddef.h>
#include <stdint.h>

#include "supertable/io.h"

/* "no field id" */
#define ST_AVRO_NO_ID INT32_MIN

typedef enum st_avro_kind {
    ST_AVRO_NULL = 1,
    ST_AVRO_BOOLEAN,
    ST_AVRO_INT,
    ST_AVRO_LONG,
    ST_AVRO_FLOAT,
    ST_AVRO_DOUBLE,
    ST_AVRO_BYTES,
    ST_AVRO_STRING,
    ST_AVRO_FIXED,
    ST_AVRO_ENUM,
    ST_AVRO_RECORD,
    ST_AVRO_ARRAY,
    ST_AVRO_MAP,
    ST_AVRO_UNION
} st_avro_kind;

typedef struct st_avro_type st_avro_type;

typedef struct st_avro_field {
    const char *name;            /* as written (before any sanitizing for avro-c) */
    int32_t id;                  /* "field-id", or ST_AVRO_NO_ID */
    const st_avro_type *type;
} st_avro_field;

/*
 * A writer-schema type with its Iceberg attributes. Named types referenced
 * again by name share one node (recursive records make the tree a graph).
 * Everything lives in the reader's arena.
 */
struct st_avro_type {
    st_avro_kind kind;
    const char *name;            /* record/fixed/enum name, else NULL */
    const char *logical;         /* "logicalType", else NULL */
    int adjust_to_utc;           /* "adjust-to-utc": 0, 1, or -1 when absent */
    int32_t size;                /* fixed: bytes; enum: symbols */
    int32_t precision, scale;    /* logicalType decimal */
    int32_t element_id;          /* array "element-id", or ST_AVRO_NO_ID */
    int32_t key_id, value_id;    /* map "key-id"/"value-id", or ST_AVRO_NO_ID */
    const st_avro_type *items;   /* array items, map values */
    st_avro_field *fields;       /* record */
    int n_fields;
    const st_avro_type **branches; /* union */
    int n_branches;
    int null_branch;             /* union: index of "null", else -1 */
    size_t min_size;             /* fewest bytes a datum of this type takes */
};

/* For ["null", T] or [T, "null"]: T; any other type: itself. */
const st_avro_type *st_avro_nonnull(const st_avro_type *t);
/* Index of the record field with field id `id`, or -1. */
int st_avro_field_index(const st_avro_type *record, int32_t id);

/* ================================================================ reader */

typedef struct st_avro_reader st_avro_reader;

/*
 * Opens a container file held in memory. `data` is borrowed and must outlive
 * the reader; `name` (copied) names the file in error messages.
 * @return 0, ST_ECORRUPT (bad magic, metadata, schema, codec), ST_EUNSUPPORTED
 *         (a codec we do not read), ST_ENOMEM.
 * @param[out] out release with st_avro_reader_free().
 */
int st_avro_reader_open(st_avro_reader **out, const uint8_t *data, size_t len, const char *name);
/* A metadata value (NUL-terminated, borrowed; *len_out without the NUL) or NULL. */
const char *st_avro_reader_meta(const st_avro_reader *r, const char *key, size_t *len_out);
/* The i-th metadata key in file order (0 <= i < st_avro_reader_meta_count()). */
int st_avro_reader_meta_count(const st_avro_reader *r);
const char *st_avro_reader_meta_key(const st_avro_reader *r, int i);
/* The writer schema (a record for Iceberg files). Borrowed. */
const st_avro_type *st_avro_reader_schema(const st_avro_reader *r);
/* The schema JSON text as written. Borrowed. */
const char *st_avro_reader_schema_json(const st_avro_reader *r);
const char *st_avro_reader_name(const st_avro_reader *r);
/*
 * The next block: *data and *len are its (decompressed) bytes, borrowed until
 * the next call or st_avro_reader_free(); *count is its record count, at most
 * as many records as the bytes can hold (each takes the schema's min_size).
 * The caller decodes the records, reports one it cannot decode with
 * st_avro_reader_bad_record() and checks with st_avro_reader_block_end() that
 * they end exactly at the block's end.
 * @return 0, ST_ITEROVER after the last block, ST_ECORRUPT, ST_ENOMEM.
 */
int st_avro_reader_next_block(st_avro_reader *r, const uint8_t **data, size_t *len,
                              int64_t *count);
/* ST_ECORRUPT: record `i` of the current block is truncated or does not match
 * the schema (the message names the file and the block's offset). */
int st_avro_reader_bad_record(const st_avro_reader *r, int64_t i);
/* 0 when `p` is the end of the current block, else ST_ECORRUPT (bytes past the
 * record count). */
int st_avro_reader_block_end(const st_avro_reader *r, const uint8_t *p);
void st_avro_reader_free(st_avro_reader *r);

/* ================================================================ writer */

typedef enum st_avro_codec {
    ST_AVRO_CODEC_NULL = 0,
    ST_AVRO_CODEC_DEFLATE = 1
} st_avro_codec;

typedef struct st_avro_writer st_avro_writer;

/*
 * Starts a container file on `out` (borrowed; the caller closes it after
 * st_avro_writer_finish()). `schema_json` is written verbatim under
 * avro.schema. `meta` holds n_meta key/value pairs (meta[2i], meta[2i+1]),
 * written in that order; the keys "avro.schema" and "avro.codec" may appear
 * with a NULL value to place those entries (else they come first).
 * @param[out] w release with st_avro_writer_free().
 */
int st_avro_writer_open(st_avro_writer **w, st_output *out, const char *schema_json,
                        const char *const *meta, int n_meta, st_avro_codec codec,
                        const char *name);
/* The record to fill before each st_avro_writer_append(). Borrowed. */
avro_value_t *st_avro_writer_value(st_avro_writer *w);
/* Encodes the record into the current block (flushed when about 64 KB). */
int st_avro_writer_append(st_avro_writer *w);
/* Writes the last block. The output stays open. */
int st_avro_writer_finish(st_avro_writer *w);
/* Bytes the file has so far (after finish: its length). */
uint64_t st_avro_writer_tell(const st_avro_writer *w);
void st_avro_writer_free(st_avro_writer *w);

/*
 * Converts an avro-c failure into an ST error naming `what`: ST_ENOMEM for
 * ENOMEM, else `code` with avro_strerror().
 */
int st_avro_error(int code, int rc, const char *name, const char *what);

#endif
