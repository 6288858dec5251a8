/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Decoding of Parquet metadata (parquet.thrift) from the Thrift compact protocol,
 * straight into the structs of metadata.h.
 *
 * Policy:
 * - Unknown fields are skipped, so files from newer writers stay readable.
 * - Missing required fields are corrupt, as in the Thrift-generated readers of
 *   parquet-mr and Arrow: callers may rely on required fields being set.
 * - A field whose wire type differs from parquet.thrift's is skipped, as those
 *   readers do (then reported missing if required). Integer fields accept any
 *   integer wire type, range-checked.
 * - Closed enums (Type, FieldRepetitionType, ConvertedType: frozen by the format)
 *   are range-checked. Open enums (Encoding, CompressionCodec, PageType,
 *   BoundaryOrder) keep the value read, so that a value added by a newer format
 *   version fails only where it is used, not when the footer is read.
 * - Unions: the last member wins; an unknown member becomes PQ_LT_UNKNOWN (logical
 *   types), PQ_ORDER_UNDEFINED (column orders) or ST_EUNSUPPORTED (bloom filters).
 */
#include <string.h>

#include <supertable/errors.h>

#include "parquet/metadata.h"
#include "parquet/thrift.h"

typedef struct dec {
    st_thrift_reader r;
    st_arena *arena;      /* NULL for the bloom header, which never allocates */
} dec;

/* Reads one element of a list into `out` (a typed pointer behind void *). */
typedef int (*elem_fn)(dec *d, void *out);

static inline uint32_t bit(int16_t id)
{
    return id > 0 && id < 32 ? 1u << id : 0;
}

static int oom(void)
{
    return st_error_set_oom();
}

/* Closes a struct: every id in `required` must have been seen. */
static int finish(dec *d, uint32_t seen, uint32_t required, const char *what)
{
    uint32_t missing = required & ~seen;
    if (missing) {
        int id = __builtin_ctz(missing);
        return st_thrift_corrupt(&d->r, "%s: required field %d missing", what, id);
    }
    st_thrift_struct_end(&d->r);
    return 0;
}

static int expect_type(dec *d, int type, int want, const char *what)
{
    if (type != want)
        return st_thrift_corrupt(&d->r, "%s: expected %s, got %s", what,
                                 st_thrift_type_name(want), st_thrift_type_name(type));
    return 0;
}

/* Expected wire types, per field id: W_INT accepts any integer type, W_BOOL either
 * bool type, W_LIST a list or a set; 0 (unknown ids) accepts anything. */
enum { W_INT = ST_THRIFT_I32, W_BOOL = ST_THRIFT_TRUE, W_BIN = ST_THRIFT_BINARY,
       W_LIST = ST_THRIFT_LIST, W_STRUCT = ST_THRIFT_STRUCT };

static bool type_fits(int type, int want)
{
    switch (want) {
    case W_INT: return type >= ST_THRIFT_I8 && type <= ST_THRIFT_I64;
    case W_BOOL: return type == ST_THRIFT_TRUE || type == ST_THRIFT_FALSE;
    case W_LIST: return type == ST_THRIFT_LIST || type == ST_THRIFT_SET;
    default: return type == want;
    }
}

/* Reads the next field header like st_thrift_read_field, but skips a field whose wire
 * type does not fit types[id], as Thrift-generated readers do: some writers reused
 * field ids for other types (Dremio's parquet-mr fork has a list as ColumnMetaData
 * field 15). A required field skipped this way is reported as missing. */
static inline int next_field_n(dec *d, st_thrift_field *f, const uint8_t *types, size_t n)
{
    int rc;
    while ((rc = st_thrift_read_field(&d->r, f)) > 0) {
        int want = f->id > 0 && (size_t)f->id < n ? types[f->id] : 0;
        if (!want || type_fits(f->type, want))
            return 1;
        if ((rc = st_thrift_skip(&d->r, f->type)) < 0)
            return rc;
    }
    return rc;
}

#define next_field(d, f, types) next_field_n((d), (f), (types), sizeof(types))

/* Reads an enum value and checks it against [lo, hi]. */
static int read_enum(dec *d, int type, int32_t lo, int32_t hi, const char *what, int *out)
{
    int32_t v = 0;
    int rc = st_thrift_read_i32(&d->r, type, &v);
    if (rc < 0)
        return rc;
    if (v < lo || v > hi)
        return st_thrift_corrupt(&d->r, "invalid %s %d", what, (int)v);
    *out = (int)v;
    return 0;
}

/* An open enum: any i32. */
static int read_open_enum(dec *d, int type, int *out)
{
    return read_enum(d, type, INT32_MIN, INT32_MAX, "enum", out);
}

/* Copies a binary value into the arena, NUL-terminated, so empty values are non-NULL. */
static int read_copy(dec *d, int type, char **out, uint32_t *len)
{
    const uint8_t *p;
    int rc = st_thrift_read_binary(&d->r, type, &p, len);
    if (rc < 0)
        return rc;
    if (!(*out = st_arena_strndup(d->arena, (const char *)p, *len)))
        return oom();
    return 0;
}

static int read_bytes(dec *d, int type, const uint8_t **out, uint32_t *len)
{
    char *copy;
    int rc = read_copy(d, type, &copy, len);
    if (rc == 0)
        *out = (const uint8_t *)copy;
    return rc;
}

static int read_str(dec *d, int type, const char **out)
{
    char *copy;
    uint32_t len;
    int rc = read_copy(d, type, &copy, &len);
    if (rc == 0)
        *out = copy;
    return rc;
}

/* Reads a list header for elements of wire type `want` (ST_THRIFT_I64: any integer
 * type, ST_THRIFT_TRUE: bool) and returns n * size zeroed bytes for them, NULL for an
 * empty list. *et is the elements' wire type, or a negative error code. */
static void *list_begin(dec *d, int type, int want, size_t size, uint32_t *n, int *et)
{
    void *arr;
    int rc = st_thrift_read_list(&d->r, type, et, n);
    if (rc < 0 || *n == 0) {
        *et = rc < 0 ? rc : want;
        return NULL;
    }
    if (want == ST_THRIFT_I64 ? *et < ST_THRIFT_I8 || *et > ST_THRIFT_I64 :
        want == ST_THRIFT_TRUE ? *et != ST_THRIFT_TRUE && *et != ST_THRIFT_FALSE : *et != want) {
        *et = st_thrift_corrupt(&d->r, "list of %s where %s expected",
                                st_thrift_type_name(*et), st_thrift_type_name(want));
        return NULL;
    }
    if (!(arr = st_arena_calloc(d->arena, *n, size)))
        *et = oom();
    return arr;
}

/* Reads a list of structs with fn; returns the array (NULL when empty or on error). */
static void *read_struct_list(dec *d, int type, size_t size, elem_fn fn, uint32_t *n,
                              int *rc)
{
    char *arr = list_begin(d, type, ST_THRIFT_STRUCT, size, n, rc);
    *rc = *rc < 0 ? *rc : 0;
    for (uint32_t i = 0; *rc == 0 && i < *n; i++)
        *rc = fn(d, arr + (size_t)i * size);
    return arr;
}

static int read_i64_list(dec *d, int type, int64_t **out, uint32_t *n)
{
    int et;
    int64_t *arr = list_begin(d, type, ST_THRIFT_I64, sizeof(*arr), n, &et);
    int rc = et < 0 ? et : 0;
    for (uint32_t i = 0; rc == 0 && i < *n; i++)
        rc = st_thrift_read_i64(&d->r, et, &arr[i]);
    *out = arr;
    return rc;
}

static int read_str_list(dec *d, int type, const char ***out, uint32_t *n)
{
    int rc;
    const char **arr = list_begin(d, type, ST_THRIFT_BINARY, sizeof(*arr), n, &rc);
    rc = rc < 0 ? rc : 0;
    for (uint32_t i = 0; rc == 0 && i < *n; i++)
        rc = read_str(d, ST_THRIFT_BINARY, &arr[i]);
    *out = arr;
    return rc;
}

/* Reads a union whose members are all empty structs (or ignored): *member is the id
 * of the last member present, 0 for an empty union. */
static int read_union_member(dec *d, int type, int16_t *member)
{
    st_thrift_field f;
    int rc;
    if ((rc = expect_type(d, type, ST_THRIFT_STRUCT, "union")) < 0 ||
        (rc = st_thrift_struct_begin(&d->r, &f)) < 0)
        return rc;
    *member = 0;
    while ((rc = st_thrift_read_field(&d->r, &f)) > 0) {
        if ((rc = st_thrift_skip(&d->r, f.type)) < 0)
            return rc;
        *member = f.id;
    }
    if (rc == 0)
        st_thrift_struct_end(&d->r);
    return rc;
}

static const uint8_t statistics_types[] = {
    [1] = W_BIN, [2] = W_BIN, [3] = W_INT, [4] = W_INT, [5] = W_BIN, [6] = W_BIN,
    [7] = W_BOOL, [8] = W_BOOL
};

static int read_statistics(dec *d, int type, pq_statistics **out)
{
    pq_statistics *s;
    st_thrift_field f;
    int rc;
    if ((rc = expect_type(d, type, ST_THRIFT_STRUCT, "Statistics")) < 0 ||
        (rc = st_thrift_struct_begin(&d->r, &f)) < 0)
        return rc;
    if (!(s = st_arena_calloc(d->arena, 1, sizeof(*s))))
        return oom();
    while ((rc = next_field(d, &f, statistics_types)) > 0) {
        switch (f.id) {
        case 1: rc = read_bytes(d, f.type, &s->max, &s->max_len); break;
        case 2: rc = read_bytes(d, f.type, &s->min, &s->min_len); break;
        case 3:
            s->has_null_count = true;
            rc = st_thrift_read_i64(&d->r, f.type, &s->null_count);
            break;
        case 4:
            s->has_distinct_count = true;
            rc = st_thrift_read_i64(&d->r, f.type, &s->distinct_count);
            break;
        case 5: rc = read_bytes(d, f.type, &s->max_value, &s->max_value_len); break;
        case 6: rc = read_bytes(d, f.type, &s->min_value, &s->min_value_len); break;
        case 7:
            s->has_is_max_exact = true;
            rc = st_thrift_read_bool(&d->r, f.type, &s->is_max_value_exact);
            break;
        case 8:
            s->has_is_min_exact = true;
            rc = st_thrift_read_bool(&d->r, f.type, &s->is_min_value_exact);
            break;
        default: rc = st_thrift_skip(&d->r, f.type); break;  /* 9: nan_count */
        }
        if (rc < 0)
            return rc;
    }
    *out = s;
    return rc < 0 ? rc : finish(d, 0, 0, "Statistics");
}

static const uint8_t key_value_types[] = {
    [1] = W_BIN, [2] = W_BIN
};

static int read_key_value(dec *d, void *out)
{
    pq_key_value *kv = out;
    st_thrift_field f;
    uint32_t seen = 0;
    int rc = st_thrift_struct_begin(&d->r, &f);
    while (rc == 0 && (rc = next_field(d, &f, key_value_types)) > 0) {
        switch (f.id) {
        case 1: rc = read_str(d, f.type, &kv->key); break;
        case 2: rc = read_str(d, f.type, &kv->value); break;
        default: rc = st_thrift_skip(&d->r, f.type); break;
        }
        seen |= bit(f.id);
    }
    return rc < 0 ? rc : finish(d, seen, bit(1), "KeyValue");
}

/* DecimalType, TimeType/TimestampType and IntType: the members with content. */
static const uint8_t decimal_types[] = { [1] = W_INT, [2] = W_INT };
static const uint8_t time_types[] = { [1] = W_BOOL, [2] = W_STRUCT };
static const uint8_t int_types[] = { [1] = W_INT, [2] = W_BOOL };

static int read_logical_member(dec *d, int16_t member, pq_logical_type *lt)
{
    st_thrift_field f;
    uint32_t seen = 0;
    int16_t unit;
    const uint8_t *types = member == PQ_LT_DECIMAL ? decimal_types
                           : member == PQ_LT_INTEGER ? int_types : time_types;
    int rc = st_thrift_struct_begin(&d->r, &f);
    while (rc == 0 && (rc = next_field_n(d, &f, types, 3)) > 0) {
        /* member * 100 + field id: one switch serves the three member structs */
        int key = f.id > 0 && f.id < 100 ? member * 100 + f.id : 0;
        switch (key) {
        case 501: rc = st_thrift_read_i32(&d->r, f.type, &lt->scale); break;
        case 502: rc = st_thrift_read_i32(&d->r, f.type, &lt->precision); break;
        case 701: case 801: rc = st_thrift_read_bool(&d->r, f.type, &lt->utc_adjusted); break;
        case 702: case 802:
            if ((rc = read_union_member(d, f.type, &unit)) == 0)
                lt->unit = unit >= 1 && unit <= 3 ? (pq_time_unit)unit : (pq_time_unit)0;
            break;
        case 1001: rc = st_thrift_read_i8(&d->r, f.type, &lt->bit_width); break;
        case 1002: rc = st_thrift_read_bool(&d->r, f.type, &lt->is_signed); break;
        default: rc = st_thrift_skip(&d->r, f.type); break;
        }
        seen |= bit(f.id);
    }
    if (rc < 0)
        return rc;
    /* A time unit this reader does not know makes the whole type unknown. */
    if ((member == PQ_LT_TIME || member == PQ_LT_TIMESTAMP) && lt->unit == 0)
        lt->kind = PQ_LT_UNKNOWN;
    return finish(d, seen, bit(1) | bit(2), "LogicalType member");
}

static const uint8_t logical_type_types[] = {
    [1] = W_STRUCT, [2] = W_STRUCT, [3] = W_STRUCT, [4] = W_STRUCT, [5] = W_STRUCT,
    [6] = W_STRUCT, [7] = W_STRUCT, [8] = W_STRUCT, [10] = W_STRUCT, [11] = W_STRUCT,
    [12] = W_STRUCT, [13] = W_STRUCT, [14] = W_STRUCT, [15] = W_STRUCT, [16] = W_STRUCT,
    [17] = W_STRUCT, [18] = W_STRUCT
};

static int read_logical_type(dec *d, int type, pq_logical_type *lt)
{
    st_thrift_field f;
    int rc;
    if ((rc = expect_type(d, type, ST_THRIFT_STRUCT, "LogicalType")) < 0 ||
        (rc = st_thrift_struct_begin(&d->r, &f)) < 0)
        return rc;
    memset(lt, 0, sizeof(*lt));
    lt->kind = PQ_LT_UNKNOWN;  /* stays so for an empty union */
    while ((rc = next_field(d, &f, logical_type_types)) > 0) {
        memset(lt, 0, sizeof(*lt));
        switch (f.id) {
        case PQ_LT_DECIMAL: case PQ_LT_TIME: case PQ_LT_TIMESTAMP: case PQ_LT_INTEGER:
            lt->kind = (pq_logical_kind)f.id;
            rc = read_logical_member(d, f.id, lt);
            break;
        case PQ_LT_STRING: case PQ_LT_MAP: case PQ_LT_LIST: case PQ_LT_ENUM: case PQ_LT_DATE:
        case PQ_LT_NULL: case PQ_LT_JSON: case PQ_LT_BSON: case PQ_LT_UUID: case PQ_LT_FLOAT16:
        case PQ_LT_VARIANT: case PQ_LT_GEOMETRY: case PQ_LT_GEOGRAPHY:
            /* Empty, or with content (variant version, CRS) this model leaves out. */
            lt->kind = (pq_logical_kind)f.id;
            rc = st_thrift_skip(&d->r, f.type);
            break;
        default:
            lt->kind = PQ_LT_UNKNOWN;
            rc = st_thrift_skip(&d->r, f.type);
            break;
        }
        if (rc < 0)
            return rc;
    }
    return rc < 0 ? rc : finish(d, 0, 0, "LogicalType");
}

static const uint8_t schema_element_types[] = {
    [1] = W_INT, [2] = W_INT, [3] = W_INT, [4] = W_BIN, [5] = W_INT, [6] = W_INT,
    [7] = W_INT, [8] = W_INT, [9] = W_INT, [10] = W_STRUCT
};

static int read_schema_element(dec *d, void *out)
{
    pq_schema_element *se = out;
    st_thrift_field f;
    uint32_t seen = 0;
    int v = 0, rc = st_thrift_struct_begin(&d->r, &f);
    se->converted_type = PQ_CT_NONE;
    while (rc == 0 && (rc = next_field(d, &f, schema_element_types)) > 0) {
        switch (f.id) {
        case 1:
            if ((rc = read_enum(d, f.type, PQ_BOOLEAN, PQ_FIXED_LEN_BYTE_ARRAY, "physical type",
                                &v)) == 0)
                se->type = (pq_type)v, se->has_type = true;
            break;
        case 2: rc = st_thrift_read_i32(&d->r, f.type, &se->type_length); break;
        case 3:
            if ((rc = read_enum(d, f.type, PQ_REQUIRED, PQ_REPEATED, "repetition", &v)) == 0)
                se->repetition = (pq_repetition)v, se->has_repetition = true;
            break;
        case 4: rc = read_str(d, f.type, &se->name); break;
        case 5: rc = st_thrift_read_i32(&d->r, f.type, &se->num_children); break;
        case 6:
            if ((rc = read_enum(d, f.type, PQ_CT_UTF8, PQ_CT_INTERVAL, "converted type",
                                &v)) == 0)
                se->converted_type = (pq_converted_type)v;
            break;
        case 7: rc = st_thrift_read_i32(&d->r, f.type, &se->scale); break;
        case 8: rc = st_thrift_read_i32(&d->r, f.type, &se->precision); break;
        case 9:
            se->has_field_id = true;
            rc = st_thrift_read_i32(&d->r, f.type, &se->field_id);
            break;
        case 10: rc = read_logical_type(d, f.type, &se->logical); break;
        default: rc = st_thrift_skip(&d->r, f.type); break;
        }
        seen |= bit(f.id);
    }
    return rc < 0 ? rc : finish(d, seen, bit(4), "SchemaElement");
}

static const uint8_t page_encoding_stats_types[] = {
    [1] = W_INT, [2] = W_INT, [3] = W_INT
};

static int read_page_encoding_stats(dec *d, void *out)
{
    pq_page_encoding_stats *es = out;
    st_thrift_field f;
    uint32_t seen = 0;
    int v = 0, rc = st_thrift_struct_begin(&d->r, &f);
    while (rc == 0 && (rc = next_field(d, &f, page_encoding_stats_types)) > 0) {
        switch (f.id) {
        case 1:
            if ((rc = read_open_enum(d, f.type, &v)) == 0)
                es->page_type = (pq_page_type)v;
            break;
        case 2:
            if ((rc = read_open_enum(d, f.type, &v)) == 0)
                es->encoding = (pq_encoding)v;
            break;
        case 3: rc = st_thrift_read_i32(&d->r, f.type, &es->count); break;
        default: rc = st_thrift_skip(&d->r, f.type); break;
        }
        seen |= bit(f.id);
    }
    return rc < 0 ? rc : finish(d, seen, bit(1) | bit(2) | bit(3), "PageEncodingStats");
}

static int read_encodings(dec *d, int type, pq_column_meta *cm)
{
    int v = 0, et;
    pq_encoding *arr = list_begin(d, type, ST_THRIFT_I64, sizeof(*arr), &cm->n_encodings, &et);
    int rc = et < 0 ? et : 0;
    for (uint32_t i = 0; rc == 0 && i < cm->n_encodings; i++)
        if ((rc = read_open_enum(d, et, &v)) == 0)
            arr[i] = (pq_encoding)v;
    cm->encodings = arr;
    return rc;
}

/* ColumnMetaData fields 1-7; split from read_column_meta to keep both short. */
static int read_column_meta_head(dec *d, st_thrift_field *f, pq_column_meta *cm)
{
    int v = 0, rc;
    switch (f->id) {
    case 1:
        if ((rc = read_enum(d, f->type, PQ_BOOLEAN, PQ_FIXED_LEN_BYTE_ARRAY, "physical type",
                            &v)) == 0)
            cm->type = (pq_type)v;
        return rc;
    case 2: return read_encodings(d, f->type, cm);
    case 3: return read_str_list(d, f->type, &cm->path, &cm->n_path);
    case 4:
        if ((rc = read_open_enum(d, f->type, &v)) == 0)
            cm->codec = (pq_codec)v;
        return rc;
    case 5: return st_thrift_read_i64(&d->r, f->type, &cm->num_values);
    case 6: return st_thrift_read_i64(&d->r, f->type, &cm->total_uncompressed_size);
    case 7: return st_thrift_read_i64(&d->r, f->type, &cm->total_compressed_size);
    default: return st_thrift_skip(&d->r, f->type);
    }
}

static const uint8_t column_meta_types[] = {
    [1] = W_INT, [2] = W_LIST, [3] = W_LIST, [4] = W_INT, [5] = W_INT, [6] = W_INT,
    [7] = W_INT, [8] = W_LIST, [9] = W_INT, [10] = W_INT, [11] = W_INT, [12] = W_STRUCT,
    [13] = W_LIST, [14] = W_INT, [15] = W_INT
};

static int read_column_meta(dec *d, pq_column_meta *cm)
{
    st_thrift_field f;
    uint32_t seen = 0;
    int rc = st_thrift_struct_begin(&d->r, &f);
    while (rc == 0 && (rc = next_field(d, &f, column_meta_types)) > 0) {
        switch (f.id) {
        case 8:
            cm->kv = read_struct_list(d, f.type, sizeof(*cm->kv), read_key_value, &cm->n_kv,
                                      &rc);
            break;
        case 9: rc = st_thrift_read_i64(&d->r, f.type, &cm->data_page_offset); break;
        case 10:
            cm->has_index_page_offset = true;
            rc = st_thrift_read_i64(&d->r, f.type, &cm->index_page_offset);
            break;
        case 11:
            cm->has_dictionary_page_offset = true;
            rc = st_thrift_read_i64(&d->r, f.type, &cm->dictionary_page_offset);
            break;
        case 12: rc = read_statistics(d, f.type, &cm->statistics); break;
        case 13:
            cm->encoding_stats = read_struct_list(d, f.type, sizeof(*cm->encoding_stats),
                                                  read_page_encoding_stats,
                                                  &cm->n_encoding_stats, &rc);
            break;
        case 14:
            cm->has_bloom_filter_offset = true;
            rc = st_thrift_read_i64(&d->r, f.type, &cm->bloom_filter_offset);
            break;
        case 15:
            cm->has_bloom_filter_length = true;
            rc = st_thrift_read_i32(&d->r, f.type, &cm->bloom_filter_length);
            break;
        case 16: /* SizeStatistics: not modelled */
        case 17: /* GeospatialStatistics: not modelled */
            rc = st_thrift_skip(&d->r, f.type);
            break;
        default: rc = read_column_meta_head(d, &f, cm); break;
        }
        seen |= bit(f.id);
    }
    return rc < 0 ? rc : finish(d, seen, 0x2fe /* 1-7, 9 */, "ColumnMetaData");
}

static const uint8_t column_chunk_types[] = {
    [1] = W_BIN, [2] = W_INT, [3] = W_STRUCT, [4] = W_INT, [5] = W_INT, [6] = W_INT,
    [7] = W_INT, [8] = W_STRUCT, [9] = W_BIN
};

static int read_column_chunk(dec *d, void *out)
{
    pq_column_chunk *cc = out;
    st_thrift_field f;
    uint32_t seen = 0;
    int rc = st_thrift_struct_begin(&d->r, &f);
    while (rc == 0 && (rc = next_field(d, &f, column_chunk_types)) > 0) {
        switch (f.id) {
        case 1: rc = read_str(d, f.type, &cc->file_path); break;
        case 2: rc = st_thrift_read_i64(&d->r, f.type, &cc->file_offset); break;
        case 3:
            if ((rc = expect_type(d, f.type, ST_THRIFT_STRUCT, "ColumnMetaData")) < 0)
                break;
            if (!(cc->meta = st_arena_calloc(d->arena, 1, sizeof(*cc->meta))))
                return oom();
            rc = read_column_meta(d, cc->meta);
            break;
        case 4: rc = st_thrift_read_i64(&d->r, f.type, &cc->offset_index_offset); break;
        case 5: rc = st_thrift_read_i32(&d->r, f.type, &cc->offset_index_length); break;
        case 6: rc = st_thrift_read_i64(&d->r, f.type, &cc->column_index_offset); break;
        case 7: rc = st_thrift_read_i32(&d->r, f.type, &cc->column_index_length); break;
        case 8: /* crypto_metadata */
        case 9: /* encrypted_column_metadata */
            cc->encrypted = true;
            rc = st_thrift_skip(&d->r, f.type);
            break;
        default: rc = st_thrift_skip(&d->r, f.type); break;
        }
        seen |= bit(f.id);
    }
    /* An index is usable only with both its offset and its length. */
    cc->has_offset_index = (seen & (bit(4) | bit(5))) == (bit(4) | bit(5));
    cc->has_column_index = (seen & (bit(6) | bit(7))) == (bit(6) | bit(7));
    return rc < 0 ? rc : finish(d, seen, bit(2), "ColumnChunk");
}

static const uint8_t sorting_column_types[] = {
    [1] = W_INT, [2] = W_BOOL, [3] = W_BOOL
};

static int read_sorting_column(dec *d, void *out)
{
    pq_sorting_column *sc = out;
    st_thrift_field f;
    uint32_t seen = 0;
    int rc = st_thrift_struct_begin(&d->r, &f);
    while (rc == 0 && (rc = next_field(d, &f, sorting_column_types)) > 0) {
        switch (f.id) {
        case 1: rc = st_thrift_read_i32(&d->r, f.type, &sc->column_idx); break;
        case 2: rc = st_thrift_read_bool(&d->r, f.type, &sc->descending); break;
        case 3: rc = st_thrift_read_bool(&d->r, f.type, &sc->nulls_first); break;
        default: rc = st_thrift_skip(&d->r, f.type); break;
        }
        seen |= bit(f.id);
    }
    return rc < 0 ? rc : finish(d, seen, bit(1) | bit(2) | bit(3), "SortingColumn");
}

static const uint8_t row_group_types[] = {
    [1] = W_LIST, [2] = W_INT, [3] = W_INT, [4] = W_LIST, [5] = W_INT, [6] = W_INT,
    [7] = W_INT
};

static int read_row_group(dec *d, void *out)
{
    pq_row_group *rg = out;
    st_thrift_field f;
    uint32_t seen = 0;
    int rc = st_thrift_struct_begin(&d->r, &f);
    while (rc == 0 && (rc = next_field(d, &f, row_group_types)) > 0) {
        switch (f.id) {
        case 1:
            rg->columns = read_struct_list(d, f.type, sizeof(*rg->columns), read_column_chunk,
                                           &rg->n_columns, &rc);
            break;
        case 2: rc = st_thrift_read_i64(&d->r, f.type, &rg->total_byte_size); break;
        case 3: rc = st_thrift_read_i64(&d->r, f.type, &rg->num_rows); break;
        case 4:
            rg->sorting = read_struct_list(d, f.type, sizeof(*rg->sorting), read_sorting_column,
                                           &rg->n_sorting, &rc);
            break;
        case 5:
            rg->has_file_offset = true;
            rc = st_thrift_read_i64(&d->r, f.type, &rg->file_offset);
            break;
        case 6:
            rg->has_total_compressed_size = true;
            rc = st_thrift_read_i64(&d->r, f.type, &rg->total_compressed_size);
            break;
        case 7:
            rg->has_ordinal = true;
            rc = st_thrift_read_i16(&d->r, f.type, &rg->ordinal);
            break;
        default: rc = st_thrift_skip(&d->r, f.type); break;
        }
        seen |= bit(f.id);
    }
    return rc < 0 ? rc : finish(d, seen, bit(1) | bit(2) | bit(3), "RowGroup");
}

static int read_column_orders(dec *d, int type, pq_file_metadata *md)
{
    int16_t member;
    int rc;
    pq_column_order *arr = list_begin(d, type, ST_THRIFT_STRUCT, sizeof(*arr),
                                      &md->n_column_orders, &rc);
    md->column_orders = arr;
    rc = rc < 0 ? rc : 0;
    for (uint32_t i = 0; rc == 0 && i < md->n_column_orders; i++) {
        /* 1: TYPE_ORDER, 2: IEEE_754_TOTAL_ORDER; others (3: INT96_TIMESTAMP_ORDER)
         * are orders this reader cannot apply, so statistics stay unused. */
        if ((rc = read_union_member(d, ST_THRIFT_STRUCT, &member)) == 0)
            arr[i] = member == 1   ? PQ_ORDER_TYPE_DEFINED
                     : member == 2 ? PQ_ORDER_IEEE754_TOTAL
                                   : PQ_ORDER_UNDEFINED;
    }
    return rc;
}

static const uint8_t file_metadata_types[] = {
    [1] = W_INT, [2] = W_LIST, [3] = W_INT, [4] = W_LIST, [5] = W_LIST, [6] = W_BIN,
    [7] = W_LIST, [8] = W_STRUCT
};

static int read_file_metadata(dec *d, pq_file_metadata *md)
{
    st_thrift_field f;
    uint32_t seen = 0;
    int rc = st_thrift_struct_begin(&d->r, &f);
    while (rc == 0 && (rc = next_field(d, &f, file_metadata_types)) > 0) {
        switch (f.id) {
        case 1: rc = st_thrift_read_i32(&d->r, f.type, &md->version); break;
        case 2:
            md->schema = read_struct_list(d, f.type, sizeof(*md->schema), read_schema_element,
                                          &md->n_schema, &rc);
            break;
        case 3: rc = st_thrift_read_i64(&d->r, f.type, &md->num_rows); break;
        case 4:
            md->row_groups = read_struct_list(d, f.type, sizeof(*md->row_groups),
                                              read_row_group, &md->n_row_groups, &rc);
            break;
        case 5:
            md->kv = read_struct_list(d, f.type, sizeof(*md->kv), read_key_value, &md->n_kv,
                                      &rc);
            break;
        case 6: rc = read_str(d, f.type, &md->created_by); break;
        case 7: rc = read_column_orders(d, f.type, md); break;
        case 8: /* encryption_algorithm: a plaintext footer of an encrypted file */
            md->encrypted = true;
            rc = st_thrift_skip(&d->r, f.type);
            break;
        default: rc = st_thrift_skip(&d->r, f.type); break;
        }
        seen |= bit(f.id);
    }
    return rc < 0 ? rc : finish(d, seen, bit(1) | bit(2) | bit(3) | bit(4), "FileMetaData");
}

/* Common set-up and tail of the public decoders. */
static void dec_init(dec *d, st_arena *arena, const uint8_t *buf, size_t len)
{
    st_thrift_reader_init(&d->r, buf, len);
    d->arena = arena;
}

static int dec_done(dec *d, int rc, size_t *consumed)
{
    if (rc == 0 && consumed)
        *consumed = st_thrift_offset(&d->r);
    return rc;
}

int pq_decode_file_metadata(pq_file_metadata *out, st_arena *arena, const uint8_t *buf,
                            size_t len, size_t *consumed)
{
    dec d;
    dec_init(&d, arena, buf, len);
    memset(out, 0, sizeof(*out));
    return dec_done(&d, read_file_metadata(&d, out), consumed);
}

static const uint8_t data_page_header_types[] = {
    [1] = W_INT, [2] = W_INT, [3] = W_INT, [4] = W_INT, [5] = W_STRUCT
};

static int read_data_page_header(dec *d, pq_data_page_header *h)
{
    st_thrift_field f;
    uint32_t seen = 0;
    int v = 0, rc = st_thrift_struct_begin(&d->r, &f);
    while (rc == 0 && (rc = next_field(d, &f, data_page_header_types)) > 0) {
        switch (f.id) {
        case 1: rc = st_thrift_read_i32(&d->r, f.type, &h->num_values); break;
        case 2: if ((rc = read_open_enum(d, f.type, &v)) == 0) h->encoding = v; break;
        case 3: if ((rc = read_open_enum(d, f.type, &v)) == 0) h->def_encoding = v; break;
        case 4: if ((rc = read_open_enum(d, f.type, &v)) == 0) h->rep_encoding = v; break;
        case 5: rc = read_statistics(d, f.type, &h->statistics); break;
        default: rc = st_thrift_skip(&d->r, f.type); break;
        }
        seen |= bit(f.id);
    }
    return rc < 0 ? rc : finish(d, seen, 0x1e /* 1-4 */, "DataPageHeader");
}

static const uint8_t dict_page_header_types[] = {
    [1] = W_INT, [2] = W_INT, [3] = W_BOOL
};

static int read_dict_page_header(dec *d, pq_dict_page_header *h)
{
    st_thrift_field f;
    uint32_t seen = 0;
    int v = 0, rc = st_thrift_struct_begin(&d->r, &f);
    while (rc == 0 && (rc = next_field(d, &f, dict_page_header_types)) > 0) {
        switch (f.id) {
        case 1: rc = st_thrift_read_i32(&d->r, f.type, &h->num_values); break;
        case 2: if ((rc = read_open_enum(d, f.type, &v)) == 0) h->encoding = v; break;
        case 3: rc = st_thrift_read_bool(&d->r, f.type, &h->is_sorted); break;
        default: rc = st_thrift_skip(&d->r, f.type); break;
        }
        seen |= bit(f.id);
    }
    return rc < 0 ? rc : finish(d, seen, bit(1) | bit(2), "DictionaryPageHeader");
}

static const uint8_t data_page_header_v2_types[] = {
    [1] = W_INT, [2] = W_INT, [3] = W_INT, [4] = W_INT, [5] = W_INT, [6] = W_INT,
    [7] = W_BOOL, [8] = W_STRUCT
};

static int read_data_page_header_v2(dec *d, pq_data_page_header_v2 *h)
{
    st_thrift_field f;
    uint32_t seen = 0;
    int v = 0, rc = st_thrift_struct_begin(&d->r, &f);
    h->is_compressed = true;
    while (rc == 0 && (rc = next_field(d, &f, data_page_header_v2_types)) > 0) {
        switch (f.id) {
        case 1: rc = st_thrift_read_i32(&d->r, f.type, &h->num_values); break;
        case 2: rc = st_thrift_read_i32(&d->r, f.type, &h->num_nulls); break;
        case 3: rc = st_thrift_read_i32(&d->r, f.type, &h->num_rows); break;
        case 4: if ((rc = read_open_enum(d, f.type, &v)) == 0) h->encoding = v; break;
        case 5: rc = st_thrift_read_i32(&d->r, f.type, &h->def_levels_len); break;
        case 6: rc = st_thrift_read_i32(&d->r, f.type, &h->rep_levels_len); break;
        case 7: rc = st_thrift_read_bool(&d->r, f.type, &h->is_compressed); break;
        case 8: rc = read_statistics(d, f.type, &h->statistics); break;
        default: rc = st_thrift_skip(&d->r, f.type); break;
        }
        seen |= bit(f.id);
    }
    return rc < 0 ? rc : finish(d, seen, 0x7e /* 1-6 */, "DataPageHeaderV2");
}

/* PageHeader fields 5, 7, 8: the per-type headers. */
static int read_page_sub_header(dec *d, st_thrift_field *f, pq_page_header *ph)
{
    int rc = expect_type(d, f->type, ST_THRIFT_STRUCT, "page header");
    if (rc < 0)
        return rc;
    switch (f->id) {
    case 5:
        ph->has_data = true;
        return read_data_page_header(d, &ph->data);
    case 7:
        ph->has_dict = true;
        return read_dict_page_header(d, &ph->dict);
    default:
        ph->has_data_v2 = true;
        return read_data_page_header_v2(d, &ph->data_v2);
    }
}

static const uint8_t page_header_types[] = {
    [1] = W_INT, [2] = W_INT, [3] = W_INT, [4] = W_INT, [5] = W_STRUCT, [6] = W_STRUCT,
    [7] = W_STRUCT, [8] = W_STRUCT
};

static int read_page_header(dec *d, pq_page_header *ph)
{
    st_thrift_field f;
    uint32_t seen = 0;
    int32_t crc;
    int v = 0, rc = st_thrift_struct_begin(&d->r, &f);
    while (rc == 0 && (rc = next_field(d, &f, page_header_types)) > 0) {
        switch (f.id) {
        case 1: if ((rc = read_open_enum(d, f.type, &v)) == 0) ph->type = v; break;
        case 2: rc = st_thrift_read_i32(&d->r, f.type, &ph->uncompressed_size); break;
        case 3: rc = st_thrift_read_i32(&d->r, f.type, &ph->compressed_size); break;
        case 4:
            if ((rc = st_thrift_read_i32(&d->r, f.type, &crc)) == 0)
                ph->crc = (uint32_t)crc, ph->has_crc = true;
            break;
        case 5: case 7: case 8: rc = read_page_sub_header(d, &f, ph); break;
        default: rc = st_thrift_skip(&d->r, f.type); break;  /* 6: IndexPageHeader {} */
        }
        seen |= bit(f.id);
    }
    if (rc < 0 || (rc = finish(d, seen, bit(1) | bit(2) | bit(3), "PageHeader")) < 0)
        return rc;
    /* Sizes drive the caller's offset arithmetic: negative ones are never valid. */
    if (ph->uncompressed_size < 0 || ph->compressed_size < 0)
        return st_thrift_corrupt(&d->r, "PageHeader: negative page size %d/%d",
                                 ph->compressed_size, ph->uncompressed_size);
    return 0;
}

int pq_decode_page_header(pq_page_header *out, st_arena *arena, const uint8_t *buf,
                          size_t len, size_t *consumed)
{
    dec d;
    dec_init(&d, arena, buf, len);
    memset(out, 0, sizeof(*out));
    out->data_v2.is_compressed = true;
    return dec_done(&d, read_page_header(&d, out), consumed);
}

static const uint8_t page_location_types[] = {
    [1] = W_INT, [2] = W_INT, [3] = W_INT
};

static int read_page_location(dec *d, void *out)
{
    pq_page_location *pl = out;
    st_thrift_field f;
    uint32_t seen = 0;
    int rc = st_thrift_struct_begin(&d->r, &f);
    while (rc == 0 && (rc = next_field(d, &f, page_location_types)) > 0) {
        switch (f.id) {
        case 1: rc = st_thrift_read_i64(&d->r, f.type, &pl->offset); break;
        case 2: rc = st_thrift_read_i32(&d->r, f.type, &pl->compressed_page_size); break;
        case 3: rc = st_thrift_read_i64(&d->r, f.type, &pl->first_row_index); break;
        default: rc = st_thrift_skip(&d->r, f.type); break;
        }
        seen |= bit(f.id);
    }
    return rc < 0 ? rc : finish(d, seen, bit(1) | bit(2) | bit(3), "PageLocation");
}

static const uint8_t offset_index_types[] = {
    [1] = W_LIST, [2] = W_LIST
};

int pq_decode_offset_index(pq_offset_index *out, st_arena *arena, const uint8_t *buf,
                           size_t len, size_t *consumed)
{
    st_thrift_field f;
    uint32_t seen = 0;
    dec d;
    int rc;
    dec_init(&d, arena, buf, len);
    memset(out, 0, sizeof(*out));
    rc = st_thrift_struct_begin(&d.r, &f);
    while (rc == 0 && (rc = next_field(&d, &f, offset_index_types)) > 0) {
        if (f.id == 1)
            out->pages = read_struct_list(&d, f.type, sizeof(*out->pages), read_page_location,
                                          &out->n_pages, &rc);
        else  /* 2: unencoded_byte_array_data_bytes */
            rc = st_thrift_skip(&d.r, f.type);
        seen |= bit(f.id);
    }
    if (rc == 0)
        rc = finish(&d, seen, bit(1), "OffsetIndex");
    return dec_done(&d, rc, consumed);
}

static int read_bool_list(dec *d, int type, bool **out, uint32_t *n)
{
    int rc;
    bool *arr = list_begin(d, type, ST_THRIFT_TRUE, sizeof(*arr), n, &rc);
    rc = rc < 0 ? rc : 0;
    for (uint32_t i = 0; rc == 0 && i < *n; i++)
        rc = st_thrift_read_bool_elem(&d->r, &arr[i]);
    *out = arr;
    return rc;
}

static int read_binary_list(dec *d, int type, const uint8_t ***vals, uint32_t **lens,
                            uint32_t *n)
{
    int rc;
    const uint8_t **arr = list_begin(d, type, ST_THRIFT_BINARY, sizeof(*arr), n, &rc);
    uint32_t *arr_lens = NULL;
    if (rc >= 0 && *n && !(arr_lens = st_arena_calloc(d->arena, *n, sizeof(*arr_lens))))
        return oom();
    rc = rc < 0 ? rc : 0;
    for (uint32_t i = 0; rc == 0 && i < *n; i++)
        rc = read_bytes(d, ST_THRIFT_BINARY, &arr[i], &arr_lens[i]);
    *vals = arr;
    *lens = arr_lens;
    return rc;
}

/* The ColumnIndex lists are parallel: one entry per page in each. */
static int check_column_index(dec *d, const pq_column_index *ci, uint32_t n_min,
                              uint32_t n_max, uint32_t n_null_counts)
{
    if (n_min != ci->n_pages || n_max != ci->n_pages ||
        (ci->has_null_counts && n_null_counts != ci->n_pages))
        return st_thrift_corrupt(&d->r, "ColumnIndex: list lengths differ (%u null_pages, "
                                 "%u min, %u max, %u null_counts)", ci->n_pages, n_min,
                                 n_max, n_null_counts);
    return 0;
}

static const uint8_t column_index_types[] = {
    [1] = W_LIST, [2] = W_LIST, [3] = W_LIST, [4] = W_INT, [5] = W_LIST
};

static int read_column_index(dec *d, pq_column_index *ci)
{
    st_thrift_field f;
    uint32_t seen = 0, n_min = 0, n_max = 0, n_nc = 0;
    int v = 0, rc = st_thrift_struct_begin(&d->r, &f);
    while (rc == 0 && (rc = next_field(d, &f, column_index_types)) > 0) {
        switch (f.id) {
        case 1: rc = read_bool_list(d, f.type, &ci->null_pages, &ci->n_pages); break;
        case 2: rc = read_binary_list(d, f.type, &ci->min_values, &ci->min_lens, &n_min); break;
        case 3: rc = read_binary_list(d, f.type, &ci->max_values, &ci->max_lens, &n_max); break;
        case 4: if ((rc = read_open_enum(d, f.type, &v)) == 0) ci->boundary_order = v; break;
        case 5:
            ci->has_null_counts = true;
            rc = read_i64_list(d, f.type, &ci->null_counts, &n_nc);
            break;
        default: rc = st_thrift_skip(&d->r, f.type); break;  /* 6-8: histograms, NaNs */
        }
        seen |= bit(f.id);
    }
    if (rc < 0 || (rc = check_column_index(d, ci, n_min, n_max, n_nc)) < 0)
        return rc;
    return finish(d, seen, 0x1e /* 1-4 */, "ColumnIndex");
}

int pq_decode_column_index(pq_column_index *out, st_arena *arena, const uint8_t *buf,
                           size_t len, size_t *consumed)
{
    dec d;
    dec_init(&d, arena, buf, len);
    memset(out, 0, sizeof(*out));
    return dec_done(&d, read_column_index(&d, out), consumed);
}

/* A bloom filter union must name its only defined member (1), else it is a variant
 * (another algorithm, hash or compression) this build cannot evaluate. */
static int read_bloom_union(dec *d, int type, const char *what)
{
    int16_t member;
    int rc = read_union_member(d, type, &member);
    if (rc == 0 && member != 1)
        return st_error_set(ST_EUNSUPPORTED, ST_ERROR_THRIFT,
                            "bloom filter: unsupported %s %d at offset %zu", what, member,
                            st_thrift_offset(&d->r));
    return rc;
}

static const uint8_t bloom_header_types[] = {
    [1] = W_INT, [2] = W_STRUCT, [3] = W_STRUCT, [4] = W_STRUCT
};

static int read_bloom_header(dec *d, pq_bloom_header *bh)
{
    st_thrift_field f;
    uint32_t seen = 0;
    int rc = st_thrift_struct_begin(&d->r, &f);
    while (rc == 0 && (rc = next_field(d, &f, bloom_header_types)) > 0) {
        switch (f.id) {
        case 1: rc = st_thrift_read_i32(&d->r, f.type, &bh->num_bytes); break;
        case 2: rc = read_bloom_union(d, f.type, "algorithm"); break;
        case 3: rc = read_bloom_union(d, f.type, "hash"); break;
        case 4: rc = read_bloom_union(d, f.type, "compression"); break;
        default: rc = st_thrift_skip(&d->r, f.type); break;
        }
        seen |= bit(f.id);
    }
    return rc < 0 ? rc : finish(d, seen, 0x1e /* 1-4 */, "BloomFilterHeader");
}

int pq_decode_bloom_header(pq_bloom_header *out, const uint8_t *buf, size_t len,
                           size_t *consumed)
{
    dec d;
    dec_init(&d, NULL, buf, len);
    memset(out, 0, sizeof(*out));
    return dec_done(&d, read_bloom_header(&d, out), consumed);
}
