/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The Avro schemas of manifests and manifest lists, written as Java writes
 * them (V1Metadata, V2Metadata, V3Metadata through AvroSchemaUtil.convert and
 * Avro's Schema.toString, checked against files written by Iceberg 1.8 and
 * 1.10), and the same schemas as Iceberg schema JSON ("iceberg.schema").
 *
 * Field layout: {"name","type","doc"?,"default":null (optional fields),
 * "iceberg-field-name"? (sanitized names),"field-id"}; optional types are
 * ["null", T]; int-keyed maps are arrays of records "k<key>_v<value>" with
 * "logicalType":"map"; structs are records "r<field id>"; named fixed types
 * (decimal_P_S, fixed_L, uuid_fixed) are defined once and then referenced.
 */
#include <stdio.h>
#include <string.h>

#include "formats/formats_int.h"
#include "spec/manifest_int.h"
#include "util/alloc.h"

enum {
    D_INT = 1, D_LONG, D_STRING, D_BINARY, D_BOOL,
    D_MAP_LONG,    /* map<int, long> with key/value ids a, b */
    D_MAP_BINARY,  /* map<int, binary> */
    D_LIST_LONG,   /* list<long> with element id a */
    D_LIST_INT,
    D_PARTITION,   /* the partition struct, record r102 */
    D_DATA_FILE,   /* the data_file struct, record r2 */
    D_SUMMARIES    /* list<r508 field_summary> */
};

typedef struct desc {
    int32_t id;
    const char *name;
    int required;
    int kind;
    int32_t a, b;
    const char *doc;
} desc;

#define END {0, NULL, 0, 0, 0, 0, NULL}

/* manifest_entry */
static const desc entry_v1[] = {
    {0, "status", 1, D_INT, 0, 0, NULL},
    {1, "snapshot_id", 0, D_LONG, 0, 0, NULL},
    {2, "data_file", 1, D_DATA_FILE, 0, 0, NULL},
    END};
static const desc entry_v2[] = {
    {0, "status", 1, D_INT, 0, 0, NULL},
    {1, "snapshot_id", 0, D_LONG, 0, 0, NULL},
    {3, "sequence_number", 0, D_LONG, 0, 0, NULL},
    {4, "file_sequence_number", 0, D_LONG, 0, 0, NULL},
    {2, "data_file", 1, D_DATA_FILE, 0, 0, NULL},
    END};

#define F_CONTENT {134, "content", 1, D_INT, 0, 0, \
    "Contents of the file: 0=data, 1=position deletes, 2=equality deletes"}
#define F_PATH {100, "file_path", 1, D_STRING, 0, 0, "Location URI with FS scheme"}
#define F_FORMAT {101, "file_format", 1, D_STRING, 0, 0, "File format name: avro, orc, or parquet"}
#define F_PARTITION {102, "partition", 1, D_PARTITION, 0, 0, \
    "Partition data tuple, schema based on the partition spec"}
#define F_RECORDS {103, "record_count", 1, D_LONG, 0, 0, "Number of records in the file"}
#define F_SIZE {104, "file_size_in_bytes", 1, D_LONG, 0, 0, "Total file size in bytes"}
#define F_METRICS \
    {108, "column_sizes", 0, D_MAP_LONG, 117, 118, "Map of column id to total size on disk"}, \
    {109, "value_counts", 0, D_MAP_LONG, 119, 120, \
     "Map of column id to total count, including null and NaN"}, \
    {110, "null_value_counts", 0, D_MAP_LONG, 121, 122, "Map of column id to null value count"}, \
    {137, "nan_value_counts", 0, D_MAP_LONG, 138, 139, \
     "Map of column id to number of NaN values in the column"}, \
    {125, "lower_bounds", 0, D_MAP_BINARY, 126, 127, "Map of column id to lower bound"}, \
    {128, "upper_bounds", 0, D_MAP_BINARY, 129, 130, "Map of column id to upper bound"}, \
    {131, "key_metadata", 0, D_BINARY, 0, 0, "Encryption key metadata blob"}, \
    {132, "split_offsets", 0, D_LIST_LONG, 133, 0, "Splittable offsets"}
#define F_EQ_IDS {135, "equality_ids", 0, D_LIST_INT, 136, 0, "Equality comparison field IDs"}
#define F_SORT {140, "sort_order_id", 0, D_INT, 0, 0, "Sort order ID"}
#define F_REF {143, "referenced_data_file", 0, D_STRING, 0, 0, \
    "Fully qualified location (URI with FS scheme) of a data file that all deletes reference"}

static const desc file_v1[] = {
    F_PATH, F_FORMAT,
    {102, "partition", 1, D_PARTITION, 0, 0, NULL}, /* v1 carries no doc here */
    F_RECORDS, F_SIZE,
    {105, "block_size_in_bytes", 1, D_LONG, 0, 0, NULL},
    F_METRICS, F_SORT, END};
static const desc file_v2[] = {
    F_CONTENT, F_PATH, F_FORMAT, F_PARTITION, F_RECORDS, F_SIZE, F_METRICS, F_EQ_IDS, F_SORT,
    F_REF, END};
static const desc file_v3[] = {
    F_CONTENT, F_PATH, F_FORMAT, F_PARTITION, F_RECORDS, F_SIZE, F_METRICS, F_EQ_IDS, F_SORT,
    {142, "first_row_id", 0, D_LONG, 0, 0, "The first row ID assigned to the first row in the data file"},
    F_REF,
    {144, "content_offset", 0, D_LONG, 0, 0, "The offset in the file where the content starts"},
    {145, "content_size_in_bytes", 0, D_LONG, 0, 0,
     "The length of referenced content stored in the file"},
    END};

/* manifest_file */
#define L_PATH {500, "manifest_path", 1, D_STRING, 0, 0, "Location URI with FS scheme"}
#define L_LEN {501, "manifest_length", 1, D_LONG, 0, 0, "Total file size in bytes"}
#define L_SPEC {502, "partition_spec_id", 1, D_INT, 0, 0, "Spec ID used to write"}
#define L_SNAP {503, "added_snapshot_id", 1, D_LONG, 0, 0, "Snapshot ID that added the manifest"}
#define L_COUNTS(r) \
    {504, "added_files_count", r, D_INT, 0, 0, "Added entry count"}, \
    {505, "existing_files_count", r, D_INT, 0, 0, "Existing entry count"}, \
    {506, "deleted_files_count", r, D_INT, 0, 0, "Deleted entry count"}
#define L_ROWS(r) \
    {512, "added_rows_count", r, D_LONG, 0, 0, "Added rows count"}, \
    {513, "existing_rows_count", r, D_LONG, 0, 0, "Existing rows count"}, \
    {514, "deleted_rows_count", r, D_LONG, 0, 0, "Deleted rows count"}
#define L_PARTS {507, "partitions", 0, D_SUMMARIES, 508, 0, "Summary for each partition"}
#define L_KEY {519, "key_metadata", 0, D_BINARY, 0, 0, "Encryption key metadata blob"}
#define L_SEQS \
    {517, "content", 1, D_INT, 0, 0, "Contents of the manifest: 0=data, 1=deletes"}, \
    {515, "sequence_number", 1, D_LONG, 0, 0, "Sequence number when the manifest was added"}, \
    {516, "min_sequence_number", 1, D_LONG, 0, 0, "Lowest sequence number in the manifest"}

static const desc list_v1[] = {L_PATH, L_LEN, L_SPEC, L_SNAP, L_COUNTS(0), L_PARTS, L_ROWS(0),
                               L_KEY, END};
static const desc list_v2[] = {L_PATH, L_LEN, L_SPEC, L_SEQS, L_SNAP, L_COUNTS(1), L_ROWS(1),
                               L_PARTS, L_KEY, END};
static const desc list_v3[] = {
    L_PATH, L_LEN, L_SPEC, L_SEQS, L_SNAP, L_COUNTS(1), L_ROWS(1), L_PARTS, L_KEY,
    {520, "first_row_id", 0, D_LONG, 0, 0, "Starting row ID to assign to new rows in ADDED data files"},
    END};

static const desc summary[] = {
    {509, "contains_null", 1, D_BOOL, 0, 0, "True if any file has a null partition value"},
    {518, "contains_nan", 0, D_BOOL, 0, 0, "True if any file has a nan partition value"},
    {510, "lower_bound", 0, D_BINARY, 0, 0, "Partition lower bound for all files"},
    {511, "upper_bound", 0, D_BINARY, 0, 0, "Partition upper bound for all files"},
    END};

/* ============================================================ helpers */

int st_json_put_string(st_buf *b, const char *s)
{
    return st_fmt_json_string(b, (const uint8_t *)s, strlen(s));
}

int st_decimal_required_bytes(int precision)
{
    /* the fewest bytes whose two's complement holds 10^precision - 1: exact
     * 128-bit arithmetic (10^38 < 2^127), no floating point */
    unsigned __int128 limit = 1;
    for (int i = 0; i < precision; i++)
        limit *= 10;
    int bytes = 1;
    while (bytes < 16 && ((unsigned __int128)1 << (8 * bytes - 1)) < limit)
        bytes++;
    return bytes;
}

typedef struct emitter {
    st_buf *avro;
    st_buf *ice;
    const st_type *partition;
    int format_version;
    const char *defined[64];     /* named fixed types already written */
    int n_defined;
    char names[64][40];          /* storage of the names in `defined` */
} emitter;

/* Java's AvroSchemaUtil.validAvroName / sanitize, for ASCII; other code points
 * are kept (Java keeps letters; avro-c's encoder only sees names we sanitize). */
static int avro_name_ok(const char *s)
{
    if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || *s == '_' ||
          (unsigned char)*s >= 0x80))
        return 0;
    for (s++; *s; s++)
        if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
              *s == '_' || (unsigned char)*s >= 0x80))
            return 0;
    return 1;
}

static void put_sanitized(st_buf *b, const char *s)
{
    st_buf_putc(b, '"');
    for (int i = 0; s[i]; i++) {
        unsigned char c = (unsigned char)s[i];
        int ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' || c >= 0x80 ||
                 (i > 0 && c >= '0' && c <= '9');
        if (ok)
            st_buf_putc(b, (char)c);
        else if (c >= '0' && c <= '9')
            st_buf_printf(b, "_%c", c);
        else
            st_buf_printf(b, "_x%X", c);
    }
    st_buf_putc(b, '"');
}

/* Avro: a named fixed, defined once then referenced. */
static void emit_fixed(emitter *e, const char *name, int size, const char *tail)
{
    for (int i = 0; i < e->n_defined; i++)
        if (!strcmp(e->defined[i], name)) {
            st_buf_printf(e->avro, "\"%s\"", name);
            return;
        }
    if (e->n_defined < 64)
        e->defined[e->n_defined++] = name;
    st_buf_printf(e->avro, "{\"type\":\"fixed\",\"name\":\"%s\",\"size\":%d%s}", name, size, tail);
}

static int avro_primitive(emitter *e, const st_type *t, char *name_buf, size_t name_len)
{
    st_buf *a = e->avro;
    switch (t->id) {
    case ST_TYPE_BOOLEAN: st_buf_puts(a, "\"boolean\""); break;
    case ST_TYPE_INT: st_buf_puts(a, "\"int\""); break;
    case ST_TYPE_LONG: st_buf_puts(a, "\"long\""); break;
    case ST_TYPE_FLOAT: st_buf_puts(a, "\"float\""); break;
    case ST_TYPE_DOUBLE: st_buf_puts(a, "\"double\""); break;
    case ST_TYPE_DATE: st_buf_puts(a, "{\"type\":\"int\",\"logicalType\":\"date\"}"); break;
    case ST_TYPE_TIME: st_buf_puts(a, "{\"type\":\"long\",\"logicalType\":\"time-micros\"}"); break;
    case ST_TYPE_TIMESTAMP:
    case ST_TYPE_TIMESTAMPTZ:
    case ST_TYPE_TIMESTAMP_NS:
    case ST_TYPE_TIMESTAMPTZ_NS:
        st_buf_printf(a, "{\"type\":\"long\",\"logicalType\":\"%s\",\"adjust-to-utc\":%s}",
                      t->id == ST_TYPE_TIMESTAMP || t->id == ST_TYPE_TIMESTAMPTZ
                          ? "timestamp-micros" : "timestamp-nanos",
                      t->id == ST_TYPE_TIMESTAMPTZ || t->id == ST_TYPE_TIMESTAMPTZ_NS ? "true"
                                                                                      : "false");
        break;
    case ST_TYPE_STRING: st_buf_puts(a, "\"string\""); break;
    case ST_TYPE_BINARY: st_buf_puts(a, "\"bytes\""); break;
    case ST_TYPE_UUID: emit_fixed(e, "uuid_fixed", 16, ",\"logicalType\":\"uuid\""); break;
    case ST_TYPE_FIXED:
        snprintf(name_buf, name_len, "fixed_%d", (int)t->length);
        emit_fixed(e, name_buf, t->length, "");
        break;
    case ST_TYPE_DECIMAL: {
        char tail[96];
        snprintf(name_buf, name_len, "decimal_%d_%d", (int)t->precision, (int)t->scale);
        snprintf(tail, sizeof tail, ",\"logicalType\":\"decimal\",\"precision\":%d,\"scale\":%d",
                 (int)t->precision, (int)t->scale);
        emit_fixed(e, name_buf, st_decimal_required_bytes(t->precision), tail);
        break;
    }
    default:
        return st_error_set(ST_EUNSUPPORTED, ST_ERROR_ICEBERG,
                            "a partition field of type %s cannot be written to a manifest",
                            st_type_id_name(t->id));
    }
    return 0;
}

static void ice_primitive(st_buf *b, const st_type *t)
{
    if (t->id == ST_TYPE_DECIMAL)
        st_buf_printf(b, "\"decimal(%d, %d)\"", (int)t->precision, (int)t->scale);
    else if (t->id == ST_TYPE_FIXED)
        st_buf_printf(b, "\"fixed[%d]\"", (int)t->length);
    else
        st_buf_printf(b, "\"%s\"", st_type_id_name(t->id));
}

/* The partition struct's fields (record r102). Each field keeps its own name
 * buffer alive until the end of the emission (avro_fixed keeps the names). */
static int emit_partition(emitter *e)
{
    const st_type *p = e->partition;
    int n = p ? p->n_fields : 0;
    st_buf_puts(e->avro, "{\"type\":\"record\",\"name\":\"r102\",\"fields\":[");
    st_buf_puts(e->ice, "{\"type\":\"struct\",\"fields\":[");
    for (int i = 0; i < n; i++) {
        const st_field *f = &p->fields[i];
        int rc, ok = avro_name_ok(f->name);
        if (i) {
            st_buf_putc(e->avro, ',');
            st_buf_putc(e->ice, ',');
        }
        st_buf_puts(e->avro, "{\"name\":");
        if (ok)
            st_json_put_string(e->avro, f->name);
        else
            put_sanitized(e->avro, f->name);
        st_buf_puts(e->avro, ",\"type\":");
        if (!f->required)
            st_buf_puts(e->avro, "[\"null\",");
        if ((rc = avro_primitive(e, f->type, e->names[i], sizeof e->names[0])) < 0)
            return rc;
        if (!f->required)
            st_buf_puts(e->avro, "],\"default\":null");
        if (!ok) {
            st_buf_puts(e->avro, ",\"iceberg-field-name\":");
            st_json_put_string(e->avro, f->name);
        }
        st_buf_printf(e->avro, ",\"field-id\":%d}", (int)f->id);

        st_buf_printf(e->ice, "{\"id\":%d,\"name\":", (int)f->id);
        st_json_put_string(e->ice, f->name);
        st_buf_printf(e->ice, ",\"required\":%s,\"type\":", f->required ? "true" : "false");
        ice_primitive(e->ice, f->type);
        st_buf_putc(e->ice, '}');
    }
    st_buf_puts(e->avro, "]}");
    st_buf_puts(e->ice, "]}");
    return 0;
}

static int emit_fields(emitter *e, const desc *d);

static int emit_type(emitter *e, const desc *d)
{
    st_buf *a = e->avro, *ic = e->ice;
    static const char *prim_avro[] = {NULL, "int", "long", "string", "bytes", "boolean"};
    static const char *prim_ice[] = {NULL, "int", "long", "string", "binary", "boolean"};
    switch (d->kind) {
    case D_INT: case D_LONG: case D_STRING: case D_BINARY: case D_BOOL:
        st_buf_printf(a, "\"%s\"", prim_avro[d->kind]);
        st_buf_printf(ic, "\"%s\"", prim_ice[d->kind]);
        return 0;
    case D_MAP_LONG:
    case D_MAP_BINARY: {
        const char *v = d->kind == D_MAP_LONG ? "long" : "bytes";
        st_buf_printf(a, "{\"type\":\"array\",\"items\":{\"type\":\"record\",\"name\":\"k%d_v%d\","
                         "\"fields\":[{\"name\":\"key\",\"type\":\"int\",\"field-id\":%d},"
                         "{\"name\":\"value\",\"type\":\"%s\",\"field-id\":%d}]},"
                         "\"logicalType\":\"map\"}",
                      (int)d->a, (int)d->b, (int)d->a, v, (int)d->b);
        st_buf_printf(ic, "{\"type\":\"map\",\"key-id\":%d,\"key\":\"int\",\"value-id\":%d,"
                          "\"value\":\"%s\",\"value-required\":true}",
                      (int)d->a, (int)d->b, d->kind == D_MAP_LONG ? "long" : "binary");
        return 0;
    }
    case D_LIST_LONG:
    case D_LIST_INT: {
        const char *el = d->kind == D_LIST_LONG ? "long" : "int";
        st_buf_printf(a, "{\"type\":\"array\",\"items\":\"%s\",\"element-id\":%d}", el, (int)d->a);
        st_buf_printf(ic, "{\"type\":\"list\",\"element-id\":%d,\"element\":\"%s\","
                          "\"element-required\":true}", (int)d->a, el);
        return 0;
    }
    case D_PARTITION: return emit_partition(e);
    case D_DATA_FILE: {
        const desc *f = e->format_version == 1 ? file_v1
                        : e->format_version == 2 ? file_v2 : file_v3;
        int rc;
        st_buf_puts(a, "{\"type\":\"record\",\"name\":\"r2\",\"fields\":[");
        st_buf_puts(ic, "{\"type\":\"struct\",\"fields\":[");
        if ((rc = emit_fields(e, f)) < 0)
            return rc;
        st_buf_puts(a, "]}");
        st_buf_puts(ic, "]}");
        return 0;
    }
    case D_SUMMARIES: {
        int rc;
        st_buf_puts(a, "{\"type\":\"array\",\"items\":{\"type\":\"record\",\"name\":\"r508\","
                       "\"fields\":[");
        st_buf_printf(ic, "{\"type\":\"list\",\"element-id\":%d,\"element\":"
                          "{\"type\":\"struct\",\"fields\":[", (int)d->a);
        if ((rc = emit_fields(e, summary)) < 0)
            return rc;
        st_buf_printf(a, "]},\"element-id\":%d}", (int)d->a);
        st_buf_puts(ic, "]},\"element-required\":true}");
        return 0;
    }
    }
    return st_error_set(ST_EINVALID, ST_ERROR_ICEBERG, "internal: unknown manifest field kind");
}

static int emit_fields(emitter *e, const desc *d)
{
    for (int i = 0; d[i].name; i++) {
        int rc;
        if (i) {
            st_buf_putc(e->avro, ',');
            st_buf_putc(e->ice, ',');
        }
        st_buf_printf(e->avro, "{\"name\":\"%s\",\"type\":", d[i].name);
        st_buf_printf(e->ice, "{\"id\":%d,\"name\":\"%s\",\"required\":%s,\"type\":", (int)d[i].id,
                      d[i].name, d[i].required ? "true" : "false");
        if (!d[i].required)
            st_buf_puts(e->avro, "[\"null\",");
        if ((rc = emit_type(e, &d[i])) < 0)
            return rc;
        if (!d[i].required)
            st_buf_putc(e->avro, ']');
        if (d[i].doc) {
            st_buf_printf(e->avro, ",\"doc\":\"%s\"", d[i].doc);
            st_buf_printf(e->ice, ",\"doc\":\"%s\"", d[i].doc);
        }
        if (!d[i].required)
            st_buf_puts(e->avro, ",\"default\":null");
        st_buf_printf(e->avro, ",\"field-id\":%d}", (int)d[i].id);
        st_buf_putc(e->ice, '}');
    }
    return 0;
}

static int emit_root(st_buf *avro, st_buf *ice, const char *name, const desc *fields,
                     int format_version, const st_type *partition)
{
    emitter e;
    size_t need = 16384;
    int rc;
    /* Reserve the most the text can take, so that no append below allocates:
     * st_buf appends do not remember a failure. */
    for (int i = 0; partition && i < partition->n_fields; i++)
        need += 12 * strlen(partition->fields[i].name) + 400;
    if (st_buf_reserve(avro, need) < 0 || st_buf_reserve(ice, need) < 0)
        return ST_ENOMEM;
    memset(&e, 0, sizeof e);
    e.avro = avro;
    e.ice = ice;
    e.partition = partition;
    e.format_version = format_version;
    st_buf_clear(avro);
    st_buf_clear(ice);
    st_buf_printf(avro, "{\"type\":\"record\",\"name\":\"%s\",\"fields\":[", name);
    st_buf_puts(ice, "{\"type\":\"struct\",\"schema-id\":0,\"fields\":[");
    if ((rc = emit_fields(&e, fields)) < 0)
        return rc;
    st_buf_puts(avro, "]}");
    st_buf_puts(ice, "]}");
    /* st_buf_* leave a short buffer behind on OOM; the closing bracket tells */
    if (!avro->ptr || !ice->ptr || avro->ptr[avro->len - 1] != '}' ||
        ice->ptr[ice->len - 1] != '}' || avro->len < 30)
        return st_error_set_oom();
    return 0;
}

int st_manifest_entry_schema_json(st_buf *avro, st_buf *iceberg, int format_version,
                                  const st_type *partition_type)
{
    if (partition_type && partition_type->n_fields > 64)
        return st_error_set(ST_EUNSUPPORTED, ST_ERROR_ICEBERG,
                            "more than 64 partition fields are not supported");
    return emit_root(avro, iceberg, "manifest_entry", format_version == 1 ? entry_v1 : entry_v2,
                     format_version, partition_type);
}

int st_manifest_list_schema_json(st_buf *avro, st_buf *iceberg, int format_version)
{
    return emit_root(avro, iceberg, "manifest_file",
                     format_version == 1 ? list_v1 : format_version == 2 ? list_v2 : list_v3,
                     format_version, NULL);
}
