/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The Arrow C Data Interface and C Stream Interface: hand vectors, batches and
 * batch streams to any Arrow consumer (pyarrow, DuckDB, polars) without a copy,
 * and take theirs.
 *
 * Field ids travel as the schema metadata key "PARQUET:field_id", as in Arrow's
 * Parquet bridge. A UUID exports as fixed_size_binary(16) with the extension
 * name "arrow.uuid". A timestamptz exports with time zone "UTC".
 */
#ifndef SUPERTABLE_ARROW_H
#define SUPERTABLE_ARROW_H

#include "common.h"
#include "types.h"
#include "vector.h"

ST_BEGIN_DECL

/* The structures below are Arrow's ABI, defined once per program by this guard. */
#ifndef ARROW_C_DATA_INTERFACE
#define ARROW_C_DATA_INTERFACE

#define ARROW_FLAG_DICTIONARY_ORDERED 1
#define ARROW_FLAG_NULLABLE 2
#define ARROW_FLAG_MAP_KEYS_SORTED 4

struct ArrowSchema {
    const char *format;
    const char *name;
    const char *metadata;
    int64_t flags;
    int64_t n_children;
    struct ArrowSchema **children;
    struct ArrowSchema *dictionary;
    void (*release)(struct ArrowSchema *);
    void *private_data;
};

struct ArrowArray {
    int64_t length;
    int64_t null_count;
    int64_t offset;
    int64_t n_buffers;
    int64_t n_children;
    const void **buffers;
    struct ArrowArray **children;
    struct ArrowArray *dictionary;
    void (*release)(struct ArrowArray *);
    void *private_data;
};

#endif /* ARROW_C_DATA_INTERFACE */

#ifndef ARROW_C_STREAM_INTERFACE
#define ARROW_C_STREAM_INTERFACE

struct ArrowArrayStream {
    int (*get_schema)(struct ArrowArrayStream *, struct ArrowSchema *out);
    int (*get_next)(struct ArrowArrayStream *, struct ArrowArray *out);
    const char *(*get_last_error)(struct ArrowArrayStream *);
    void (*release)(struct ArrowArrayStream *);
    void *private_data;
};

#endif /* ARROW_C_STREAM_INTERFACE */

/**
 * Describes a field of `type` as an ArrowSchema.
 * @param[out] out filled in; the consumer calls out->release.
 * @param field_id written as "PARQUET:field_id" metadata unless ST_FIELD_ID_NONE.
 */
ST_EXTERN(int) st_arrow_export_type(struct ArrowSchema *out, const st_type *type,
                                    const char *name, int nullable, int32_t field_id);
/** Describes a batch schema (a struct type) as a struct ArrowSchema. */
ST_EXTERN(int) st_arrow_export_schema(struct ArrowSchema *out, const st_type *schema);
/**
 * Exports a vector without copying: `out` holds a reference to `v` until the
 * consumer calls out->release.
 */
ST_EXTERN(int) st_arrow_export_vector(struct ArrowArray *out, st_vector *v);
/** Exports a batch as a struct array (no copy). */
ST_EXTERN(int) st_arrow_export_batch(struct ArrowArray *out, st_batch *b);
/**
 * Exports a batch reader as a stream; the stream takes ownership of `r`
 * (freed by stream->release, or at once when this fails).
 */
ST_EXTERN(int) st_arrow_export_stream(struct ArrowArrayStream *out, st_batch_reader *r);

/**
 * Converts an ArrowSchema to a type. Arrow types without an Iceberg counterpart
 * map to the nearest wider one (int8/16 and uint8/16 -> int, uint32 -> long,
 * uint64 -> decimal(20,0), large_utf8 -> string, ...).
 * @param[out] out release with st_type_free(). `schema` is not released.
 */
ST_EXTERN(int) st_arrow_import_type(st_type **out, const struct ArrowSchema *schema);
/**
 * Imports an array (moved: `array->release` is taken over and `array` is marked
 * released, on failure too). Buffers are used in place when their layout matches,
 * copied and widened otherwise. Malformed arrays fail with ST_ECORRUPT, Arrow
 * types without a counterpart (null, views, unions, ...) with ST_EUNSUPPORTED.
 * @param[out] out release with st_vector_free().
 */
ST_EXTERN(int) st_arrow_import_vector(st_vector **out, struct ArrowArray *array,
                                      const struct ArrowSchema *schema);
/** Imports a struct array without null rows as a batch (moves `array`, on failure too). */
ST_EXTERN(int) st_arrow_import_batch(st_batch **out, struct ArrowArray *array,
                                     const struct ArrowSchema *schema);
/**
 * Wraps a stream as a batch reader (takes ownership of `stream`'s contents, and
 * releases them when this fails). Its schema must be a struct.
 */
ST_EXTERN(int) st_arrow_import_stream(st_batch_reader **out, struct ArrowArrayStream *stream);

ST_END_DECL

#endif
