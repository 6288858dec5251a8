/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The type model: Iceberg's types, with field ids, shared by Parquet, the
 * columnar vectors and (later) table schemas.
 *
 * Types are immutable once built and reference-counted (atomically), so they can
 * be shared between threads and between vectors. Primitive types without
 * parameters are static singletons: st_type_ref/st_type_free ignore them.
 *
 * A schema is a struct type: its fields are the top-level columns.
 */
#ifndef SUPERTABLE_TYPES_H
#define SUPERTABLE_TYPES_H

#include "common.h"

ST_BEGIN_DECL

typedef enum st_type_id {
    ST_TYPE_BOOLEAN = 1,
    ST_TYPE_INT,          /**< 32-bit signed */
    ST_TYPE_LONG,         /**< 64-bit signed */
    ST_TYPE_FLOAT,        /**< IEEE 754 binary32 */
    ST_TYPE_DOUBLE,       /**< IEEE 754 binary64 */
    ST_TYPE_DECIMAL,      /**< decimal(P,S), P <= 38; 128-bit unscaled value */
    ST_TYPE_DATE,         /**< days since 1970-01-01, int32 */
    ST_TYPE_TIME,         /**< microseconds since midnight, int64 */
    ST_TYPE_TIMESTAMP,    /**< microseconds since epoch, no zone, int64 */
    ST_TYPE_TIMESTAMPTZ,  /**< microseconds since epoch, UTC, int64 */
    ST_TYPE_TIMESTAMP_NS, /**< nanoseconds since epoch, no zone, int64 */
    ST_TYPE_TIMESTAMPTZ_NS, /**< nanoseconds since epoch, UTC, int64 */
    ST_TYPE_STRING,       /**< UTF-8 */
    ST_TYPE_UUID,         /**< 16 bytes, big-endian (RFC 4122 byte order) */
    ST_TYPE_FIXED,        /**< fixed(L): exactly L bytes */
    ST_TYPE_BINARY,       /**< variable-length bytes */
    ST_TYPE_STRUCT,
    ST_TYPE_LIST,
    ST_TYPE_MAP
} st_type_id;

/** Field id of a field that has none (a plain Parquet file without ids). */
#define ST_FIELD_ID_NONE (-1)

typedef struct st_type st_type;

/** A named member of a struct, or the element of a list, or a map's key/value. */
typedef struct st_field {
    int32_t id;          /**< Iceberg field id, or ST_FIELD_ID_NONE */
    const char *name;    /**< owned by the parent type */
    int required;        /**< 1: never null */
    st_type *type;       /**< a reference owned by the parent type */
    const char *doc;     /**< optional; owned by the parent type */
} st_field;

/** A type. Read its members freely; never modify them. */
struct st_type {
    st_type_id id;
    int32_t precision;   /**< decimal */
    int32_t scale;       /**< decimal */
    int32_t length;      /**< fixed: bytes per value */
    int32_t n_fields;    /**< struct: fields; list: 1 (element); map: 2 (key, value) */
    st_field *fields;
    int32_t refs_;       /**< private: reference count; 0 for static types */
};

/**
 * The static instance of a parameterless primitive type; NULL for decimal, fixed,
 * nested types and unknown ids.
 */
ST_EXTERN(st_type *) st_type_primitive(st_type_id id);

/**
 * Builds decimal(precision, scale). 1 <= precision <= 38, 0 <= scale <= precision.
 * @param[out] out a new type; release with st_type_free().
 * @return 0, ST_EINVALID, ST_ENOMEM.
 */
ST_EXTERN(int) st_type_decimal_new(st_type **out, int precision, int scale);
/** Builds fixed(length), length >= 1. @param[out] out released with st_type_free(). */
ST_EXTERN(int) st_type_fixed_new(st_type **out, int length);
/**
 * Builds a struct. Names and docs are copied; each field's type gets a new
 * reference (the caller keeps its own). Field names must be unique.
 * @param[out] out released with st_type_free().
 */
ST_EXTERN(int) st_type_struct_new(st_type **out, const st_field *fields, int n_fields);
/** Builds list<element>. The element field is copied as in st_type_struct_new(). */
ST_EXTERN(int) st_type_list_new(st_type **out, const st_field *element);
/** Builds map<key, value>. The key is always required. */
ST_EXTERN(int) st_type_map_new(st_type **out, const st_field *key, const st_field *value);

/** Adds a reference and returns `t`. Thread-safe. NULL-safe. */
ST_EXTERN(st_type *) st_type_ref(st_type *t);
/** Drops a reference; the last one frees the type. Thread-safe. NULL-safe. */
ST_EXTERN(void) st_type_free(st_type *t);

/** True for struct, list and map. */
ST_EXTERN(int) st_type_is_nested(const st_type *t);
/**
 * Structural equality, field ids, struct field names and requiredness included.
 * Docs and the names of list elements and map keys/values are not compared
 * (Iceberg types have none; Arrow and Parquet spell them differently).
 */
ST_EXTERN(int) st_type_equals(const st_type *a, const st_type *b);
/** Iceberg's name of a type id ("long", "timestamptz", ...). Static storage. */
ST_EXTERN(const char *) st_type_id_name(st_type_id id);
/**
 * Width in bytes of one value in a vector of this type: 1 bit is reported as 0
 * (boolean), variable-length and nested types as 0 too. decimal: 16, uuid: 16.
 */
ST_EXTERN(int) st_type_value_width(const st_type *t);

/**
 * Formats a type in the schema syntax ("decimal(10,2)", "list<string>",
 * "struct<city: string, zip: int>"). Field ids are not printed.
 * @param[out] out a NUL-terminated string; the caller st_free()s it.
 */
ST_EXTERN(int) st_type_to_string(char **out, const st_type *t);

/**
 * Parses the CLI schema syntax into a struct type (a schema):
 *   "id long not null, name string, price decimal(10,2), tags list<string>,
 *    addr struct<city: string, zip: int>, attrs map<string, int>, at timestamptz"
 * Type names are Iceberg's: boolean int long float double decimal(P,S) date time
 * timestamp timestamptz timestamp_ns timestamptz_ns string uuid fixed[L] binary
 * struct<...> list<T> map<K,V>. Aliases: integer, bigint, bool, int32, int64,
 * text/varchar, bytes/blob, real/float32, float64. Names may be `quoted`;
 * "not null" marks a required field (also inside struct<...>, and for list
 * elements and map values: "list<string not null>"); map keys are always required.
 * Field ids are assigned from 1 as Iceberg assigns them to a new schema
 * (TypeUtil.assignFreshIds): a struct numbers all its own fields first, then
 * visits each field's type in order; a list numbers its element, a map its key
 * then its value, before visiting them. "a int, b struct<c: int>, d list<int>"
 * gives a=1 b=2 d=3 c=4 d.element=5.
 * @param[out] out a struct type; release with st_type_free().
 * @return 0 or ST_EINVALID with a message that points at the offending text.
 */
ST_EXTERN(int) st_schema_parse(st_type **out, const char *text);

/** Formats a struct type in the syntax st_schema_parse() reads (top level without struct<>). */
ST_EXTERN(int) st_schema_to_string(char **out, const st_type *schema);

/** Finds a top-level field by name; its index or -1. */
ST_EXTERN(int) st_type_field_index(const st_type *t, const char *name);

ST_END_DECL

#endif
