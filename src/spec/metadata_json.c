/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Table metadata JSON (spec: "Table Metadata", "Snapshots", "Partition Specs",
 * "Sort Orders", "Table Statistics") and the JSON of its parts.
 *
 * Reading accepts v1..ST_FORMAT_VERSION_MAX as Java's TableMetadataParser
 * does: v1's single `schema`, bare `partition-spec` field lists without field
 * ids (assigned 1000, 1001, ... like Java's builder), snapshots that embed
 * `manifests`, and -1/null/absent current snapshot ids; gzip documents are
 * inflated first. Malformed documents are ST_ECORRUPT naming the JSON path.
 *
 * Writing follows TableMetadataParser.toJson key for key: v1 also writes the
 * current `schema` and the default spec's `partition-spec`; v2 adds
 * last-sequence-number; v3 adds next-row-id and writes a null current snapshot
 * id instead of -1. Output is compact, like Java's non-file writer.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>
#include <zlib.h>

#include "spec/metadata_int.h"
#include "supertable/io.h"
#include "util/alloc.h"

/* Inflated metadata larger than this is not metadata. */
#define MAX_INFLATED (256u << 20)

/* ============================================================ transforms */

/* One parser of transform spellings (transform.c); a malformed one is a corrupt
 * document here, with the JSON path in front of the parser's reason. */
static int parse_transform_text(st_jr *r, st_transform *out, const char *text)
{
    if (strlen(text) >= sizeof(out->text))
        return st_jr_fail(r, "transform '%.40s...' is too long", text);
    if (st_transform_parse(out, text) < 0) {
        char why[256];
        snprintf(why, sizeof why, "%s", st_error_last()->message);
        return st_jr_fail(r, "malformed transform '%s': %s", text, why);
    }
    return 0;
}

static int read_transform(st_jr *r, const json_t *j, st_transform *out)
{
    const char *text;
    int rc = st_jr_str(r, j, "transform", 1, &text);
    if (rc < 0)
        return rc;
    size_t mark = st_jr_push(r, "transform");
    rc = parse_transform_text(r, out, text);
    st_jr_pop(r, mark);
    return rc;
}

/* source-id, or a v3 source-ids list of one (multi-argument transforms are not
 * supported by this model). */
static int read_source_id(st_jr *r, const json_t *j, int32_t *out)
{
    json_t *ids = json_object_get(j, "source-ids");
    if (!json_object_get(j, "source-id") && json_is_array(ids)) {
        json_t *one = json_array_get(ids, 0);
        size_t mark = st_jr_push(r, "source-ids");
        int rc = 0;
        if (json_array_size(ids) != 1)
            rc = st_jr_fail_code(r, ST_EUNSUPPORTED,
                                 "transforms of %zu source columns are not supported",
                                 json_array_size(ids));
        else if (!json_is_integer(one) || json_integer_value(one) < INT32_MIN ||
                 json_integer_value(one) > INT32_MAX)
            rc = st_jr_fail(r, "expected a 32-bit integer");
        else
            *out = (int32_t)json_integer_value(one);
        st_jr_pop(r, mark);
        return rc;
    }
    return st_jr_i32(r, j, "source-id", 1, 0, out);
}

/* ========================================================= specs, orders */

int st_json_read_spec_fields(st_jr *r, const json_t *arr, st_partition_spec *out)
{
    json_t *f;
    size_t i, n = json_array_size(arr), with_ids = 0;
    int rc = 0;

    if (!json_is_array(arr))
        return st_jr_fail(r, "expected an array");
    if (n > 0 && !(out->fields = st_calloc(n, sizeof(*out->fields))))
        return st_error_set_oom();
    json_array_foreach(arr, i, f) {
        st_partition_field *pf = &out->fields[i];
        const char *name;
        size_t mark = st_jr_push_index(r, i);
        out->n_fields = (int)i + 1;
        if ((rc = st_jr_expect_obj(r, f)) < 0 || (rc = st_jr_str(r, f, "name", 1, &name)) < 0 ||
            (rc = read_transform(r, f, &pf->transform)) < 0 ||
            (rc = read_source_id(r, f, &pf->source_id)) < 0 ||
            (rc = st_jr_i32(r, f, "field-id", 0, ST_NULL32, &pf->field_id)) < 0)
            return rc;
        if (!(pf->name = st_strdup(name)))
            return st_error_set_oom();
        with_ids += pf->field_id != ST_NULL32;
        st_jr_pop(r, mark);
    }
    if (with_ids != 0 && with_ids != n)
        return st_jr_fail(r, "%zu of %zu partition fields have no field-id", n - with_ids, n);
    return rc;
}

int st_json_read_spec(st_jr *r, const json_t *j, int rest, st_partition_spec *out)
{
    json_t *fields;
    int rc;

    memset(out, 0, sizeof(*out));
    if ((rc = st_jr_expect_obj(r, j)) < 0 ||
        (rc = st_jr_i32(r, j, "spec-id", !rest, -1, &out->spec_id)) < 0 ||
        (rc = st_jr_arr(r, j, "fields", 1, &fields)) < 0)
        return rc;
    size_t mark = st_jr_push(r, "fields");
    rc = st_json_read_spec_fields(r, fields, out);
    st_jr_pop(r, mark);
    if (rc < 0)
        st_spec_dispose(out);
    return rc;
}

static int read_enum(st_jr *r, const json_t *j, const char *key, const char *a, const char *b,
                     int *out)
{
    const char *s;
    int rc = st_jr_str(r, j, key, 1, &s);
    if (rc < 0)
        return rc;
    if (strcasecmp(s, a) == 0 || strcasecmp(s, b) == 0) {
        *out = strcasecmp(s, b) == 0;
        return 0;
    }
    size_t mark = st_jr_push(r, key);
    rc = st_jr_fail(r, "expected '%s' or '%s', found '%s'", a, b, s);
    st_jr_pop(r, mark);
    return rc;
}

int st_json_read_sort_order(st_jr *r, const json_t *j, int rest, st_sort_order *out)
{
    json_t *fields, *f;
    size_t i;
    int rc = 0;

    memset(out, 0, sizeof(*out));
    if ((rc = st_jr_expect_obj(r, j)) < 0 ||
        (rc = st_jr_i32(r, j, "order-id", !rest, -1, &out->order_id)) < 0 ||
        (rc = st_jr_arr(r, j, "fields", 1, &fields)) < 0)
        return rc;
    if (json_array_size(fields) > 0 &&
        !(out->fields = st_calloc(json_array_size(fields), sizeof(*out->fields))))
        return st_error_set_oom();
    size_t mark = st_jr_push(r, "fields");
    json_array_foreach(fields, i, f) {
        st_sort_field *sf = &out->fields[i];
        size_t mark_i = st_jr_push_index(r, i);
        if ((rc = st_jr_expect_obj(r, f)) < 0 || (rc = read_transform(r, f, &sf->transform)) < 0 ||
            (rc = read_source_id(r, f, &sf->source_id)) < 0 ||
            (rc = read_enum(r, f, "direction", "asc", "desc", &sf->descending)) < 0 ||
            (rc = read_enum(r, f, "null-order", "nulls-last", "nulls-first", &sf->nulls_first)) <
                0)
            break;
        st_jr_pop(r, mark_i);
        out->n_fields = (int)i + 1;
    }
    st_jr_pop(r, mark);
    if (rc < 0)
        st_sort_order_dispose(out);
    return rc;
}

/* ============================================= snapshots, refs, statistics */

int st_json_read_snapshot(st_jr *r, const json_t *j, st_snapshot *out)
{
    json_t *summary, *manifests, *v;
    const char *list, *key_id;
    size_t i;
    int rc;

    memset(out, 0, sizeof(*out));
    if ((rc = st_jr_expect_obj(r, j)) < 0 ||
        (rc = st_jr_i64(r, j, "sequence-number", 0, 0, &out->sequence_number)) < 0 ||
        (rc = st_jr_i64(r, j, "snapshot-id", 1, 0, &out->snapshot_id)) < 0 ||
        (rc = st_jr_i64(r, j, "parent-snapshot-id", 0, ST_NULL64, &out->parent_id)) < 0 ||
        (rc = st_jr_i64(r, j, "timestamp-ms", 1, 0, &out->timestamp_ms)) < 0 ||
        (rc = st_jr_obj(r, j, "summary", 0, &summary)) < 0 ||
        (rc = st_jr_i32(r, j, "schema-id", 0, ST_NULL32, &out->schema_id)) < 0 ||
        (rc = st_jr_i64(r, j, "first-row-id", 0, ST_NULL64, &out->first_row_id)) < 0 ||
        (rc = st_jr_i64(r, j, "added-rows", 0, ST_NULL64, &out->added_rows)) < 0 ||
        (rc = st_jr_str(r, j, "key-id", 0, &key_id)) < 0 ||
        (rc = st_jr_str(r, j, "manifest-list", 0, &list)) < 0)
        goto fail;
    if (summary) {
        size_t mark = st_jr_push(r, "summary");
        rc = st_jr_string_map(r, summary, &out->summary);
        st_jr_pop(r, mark);
        if (rc < 0)
            goto fail;
        /* Java reads a summary without an operation as an overwrite. */
        if (out->summary.n > 0 && !st_props_get(&out->summary, "operation") &&
            (rc = st_props_set(&out->summary, "operation", "overwrite")) < 0)
            goto fail;
    }
    if ((key_id && !(out->key_id = st_strdup(key_id))) ||
        (list && !(out->manifest_list = st_strdup(list)))) {
        rc = st_error_set_oom();
        goto fail;
    }
    if (!list) {
        /* v1 snapshots may embed their manifests instead of a list file. */
        if ((rc = st_jr_arr(r, j, "manifests", 0, &manifests)) < 0)
            goto fail;
        if (!manifests) {
            size_t mark = st_jr_push(r, "manifest-list");
            rc = st_jr_fail(r, "missing required field");
            st_jr_pop(r, mark);
            goto fail;
        }
        if (json_array_size(manifests) > 0 &&
            !(out->manifests = st_calloc(json_array_size(manifests), sizeof(char *)))) {
            rc = st_error_set_oom();
            goto fail;
        }
        json_array_foreach(manifests, i, v) {
            if (!json_is_string(v)) {
                size_t mark = st_jr_push(r, "manifests");
                st_jr_push_index(r, i);
                rc = st_jr_fail(r, "expected a string");
                st_jr_pop(r, mark);
                goto fail;
            }
            if (!(out->manifests[i] = st_strdup(json_string_value(v)))) {
                rc = st_error_set_oom();
                goto fail;
            }
            out->n_manifests = (int)i + 1;
        }
    }
    return 0;
fail:
    st_snapshot_dispose(out);
    return rc;
}

int st_json_read_ref(st_jr *r, const json_t *j, const char *name, st_snapshot_ref *out)
{
    int rc;
    memset(out, 0, sizeof(*out));
    if ((rc = st_jr_expect_obj(r, j)) < 0 ||
        (rc = st_jr_i64(r, j, "snapshot-id", 1, 0, &out->snapshot_id)) < 0 ||
        (rc = read_enum(r, j, "type", "branch", "tag", &out->is_tag)) < 0 ||
        (rc = st_jr_i32(r, j, "min-snapshots-to-keep", 0, ST_NULL32,
                        &out->min_snapshots_to_keep)) < 0 ||
        (rc = st_jr_i64(r, j, "max-snapshot-age-ms", 0, ST_NULL64, &out->max_snapshot_age_ms)) <
            0 ||
        (rc = st_jr_i64(r, j, "max-ref-age-ms", 0, ST_NULL64, &out->max_ref_age_ms)) < 0)
        return rc;
    if (!(out->name = st_strdup(name)))
        return st_error_set_oom();
    return 0;
}

int st_json_read_statistics(st_jr *r, const json_t *j, int partition, st_statistics_file *out)
{
    json_t *blobs = NULL;
    const char *path;
    int rc;

    memset(out, 0, sizeof(*out));
    out->file_footer_size_in_bytes = ST_NULL64;
    if ((rc = st_jr_expect_obj(r, j)) < 0 ||
        (rc = st_jr_i64(r, j, "snapshot-id", 1, 0, &out->snapshot_id)) < 0 ||
        (rc = st_jr_str(r, j, "statistics-path", 1, &path)) < 0 ||
        (rc = st_jr_i64(r, j, "file-size-in-bytes", 1, 0, &out->file_size_in_bytes)) < 0)
        return rc;
    if (!partition &&
        ((rc = st_jr_i64(r, j, "file-footer-size-in-bytes", 1, 0,
                         &out->file_footer_size_in_bytes)) < 0 ||
         (rc = st_jr_arr(r, j, "blob-metadata", 0, &blobs)) < 0))
        return rc;
    if (!(out->statistics_path = st_strdup(path)))
        return st_error_set_oom();
    if (!partition && blobs && json_array_size(blobs) > 0 &&
        (rc = st_json_text(&out->blob_metadata_json, blobs)) < 0) {
        st_statistics_dispose(out);
        return rc;
    }
    return 0;
}

/* ================================================================ writers */

void st_jw_spec_fields(st_jw *w, const st_partition_spec *s)
{
    st_jw_begin_arr(w);
    for (int i = 0; i < s->n_fields; i++) {
        const st_partition_field *f = &s->fields[i];
        st_jw_begin_obj(w);
        st_jw_key(w, "name");
        st_jw_str(w, f->name ? f->name : "");
        st_jw_key(w, "transform");
        st_jw_str(w, f->transform.text);
        st_jw_key(w, "source-id");
        st_jw_i64(w, f->source_id);
        if (f->field_id >= 0) {
            st_jw_key(w, "field-id");
            st_jw_i64(w, f->field_id);
        }
        st_jw_end_obj(w);
    }
    st_jw_end_arr(w);
}

void st_jw_spec(st_jw *w, const st_partition_spec *s)
{
    st_jw_begin_obj(w);
    st_jw_key(w, "spec-id");
    st_jw_i64(w, s->spec_id);
    st_jw_key(w, "fields");
    st_jw_spec_fields(w, s);
    st_jw_end_obj(w);
}

void st_jw_sort_order(st_jw *w, const st_sort_order *o)
{
    st_jw_begin_obj(w);
    st_jw_key(w, "order-id");
    st_jw_i64(w, o->order_id);
    st_jw_key(w, "fields");
    st_jw_begin_arr(w);
    for (int i = 0; i < o->n_fields; i++) {
        const st_sort_field *f = &o->fields[i];
        st_jw_begin_obj(w);
        st_jw_key(w, "transform");
        st_jw_str(w, f->transform.text);
        st_jw_key(w, "source-id");
        st_jw_i64(w, f->source_id);
        st_jw_key(w, "direction");
        st_jw_str(w, f->descending ? "desc" : "asc");
        st_jw_key(w, "null-order");
        st_jw_str(w, f->nulls_first ? "nulls-first" : "nulls-last");
        st_jw_end_obj(w);
    }
    st_jw_end_arr(w);
    st_jw_end_obj(w);
}

void st_jw_snapshot(st_jw *w, const st_snapshot *s)
{
    const char *op = st_props_get(&s->summary, "operation");
    st_jw_begin_obj(w);
    if (s->sequence_number > 0) {
        st_jw_key(w, "sequence-number");
        st_jw_i64(w, s->sequence_number);
    }
    st_jw_key(w, "snapshot-id");
    st_jw_i64(w, s->snapshot_id);
    if (s->parent_id != ST_NULL64) {
        st_jw_key(w, "parent-snapshot-id");
        st_jw_i64(w, s->parent_id);
    }
    st_jw_key(w, "timestamp-ms");
    st_jw_i64(w, s->timestamp_ms);
    if (s->summary.n > 0) {
        st_jw_key(w, "summary");
        st_jw_begin_obj(w);
        if (op) {
            st_jw_key(w, "operation");
            st_jw_str(w, op);
        }
        for (int i = 0; i < s->summary.n; i++) {
            if (strcmp(s->summary.items[i].key, "operation") == 0)
                continue;
            st_jw_key(w, s->summary.items[i].key);
            st_jw_str(w, s->summary.items[i].value);
        }
        st_jw_end_obj(w);
    }
    if (s->manifest_list) {
        st_jw_key(w, "manifest-list");
        st_jw_str(w, s->manifest_list);
    } else {
        st_jw_key(w, "manifests");
        st_jw_begin_arr(w);
        for (int i = 0; i < s->n_manifests; i++)
            st_jw_str(w, s->manifests[i]);
        st_jw_end_arr(w);
    }
    if (s->schema_id != ST_NULL32) {
        st_jw_key(w, "schema-id");
        st_jw_i64(w, s->schema_id);
    }
    if (s->first_row_id != ST_NULL64) {
        st_jw_key(w, "first-row-id");
        st_jw_i64(w, s->first_row_id);
    }
    if (s->added_rows != ST_NULL64) {
        st_jw_key(w, "added-rows");
        st_jw_i64(w, s->added_rows);
    }
    if (s->key_id) {
        st_jw_key(w, "key-id");
        st_jw_str(w, s->key_id);
    }
    st_jw_end_obj(w);
}

void st_jw_ref_members(st_jw *w, const st_snapshot_ref *r)
{
    st_jw_key(w, "snapshot-id");
    st_jw_i64(w, r->snapshot_id);
    st_jw_key(w, "type");
    st_jw_str(w, r->is_tag ? "tag" : "branch");
    if (r->min_snapshots_to_keep != ST_NULL32) {
        st_jw_key(w, "min-snapshots-to-keep");
        st_jw_i64(w, r->min_snapshots_to_keep);
    }
    if (r->max_snapshot_age_ms != ST_NULL64) {
        st_jw_key(w, "max-snapshot-age-ms");
        st_jw_i64(w, r->max_snapshot_age_ms);
    }
    if (r->max_ref_age_ms != ST_NULL64) {
        st_jw_key(w, "max-ref-age-ms");
        st_jw_i64(w, r->max_ref_age_ms);
    }
}

void st_jw_statistics(st_jw *w, const st_statistics_file *s, int partition)
{
    st_jw_begin_obj(w);
    st_jw_key(w, "snapshot-id");
    st_jw_i64(w, s->snapshot_id);
    st_jw_key(w, "statistics-path");
    st_jw_str(w, s->statistics_path ? s->statistics_path : "");
    st_jw_key(w, "file-size-in-bytes");
    st_jw_i64(w, s->file_size_in_bytes);
    if (!partition) {
        st_jw_key(w, "file-footer-size-in-bytes");
        st_jw_i64(w, s->file_footer_size_in_bytes == ST_NULL64 ? 0 : s->file_footer_size_in_bytes);
        st_jw_key(w, "blob-metadata");
        st_jw_raw(w, s->blob_metadata_json ? s->blob_metadata_json : "[]");
    }
    st_jw_end_obj(w);
}

int st_spec_to_json(char **out, const st_partition_spec *s)
{
    st_jw w = {ST_BUF_INIT, 0};
    st_jw_spec(&w, s);
    return st_jw_finish(&w, out);
}

int st_sort_order_to_json(char **out, const st_sort_order *o)
{
    st_jw w = {ST_BUF_INIT, 0};
    st_jw_sort_order(&w, o);
    return st_jw_finish(&w, out);
}

/* ============================================================ metadata */

/* A zeroed array of n parts for a JSON array (NULL when empty). */
static int parts_alloc(void **out, const json_t *arr, size_t size)
{
    size_t n = json_array_size(arr);
    *out = NULL;
    if (n > INT32_MAX)
        return st_error_set(ST_EUNSUPPORTED, ST_ERROR_ICEBERG, "too many items: %zu", n);
    if (n > 0 && !(*out = st_calloc(n, size)))
        return st_error_set_oom();
    return 0;
}

static int fail_at(st_jr *r, const char *key, const char *fmt, long long v)
{
    size_t mark = st_jr_push(r, key);
    int rc = st_jr_fail(r, fmt, v);
    st_jr_pop(r, mark);
    return rc;
}

static int read_schemas(st_jr *r, const json_t *root, st_table_metadata *m)
{
    json_t *arr, *one, *v;
    size_t i;
    int rc;

    if ((rc = st_jr_arr(r, root, "schemas", 0, &arr)) < 0)
        return rc;
    if (!arr) {
        if (m->format_version > 1) {
            size_t mark = st_jr_push(r, "schemas");
            rc = st_jr_fail(r, "missing required field (format version %d)", m->format_version);
            st_jr_pop(r, mark);
            return rc;
        }
        if ((rc = st_jr_obj(r, root, "schema", 1, &one)) < 0)
            return rc;
        if (!(m->schemas = st_calloc(1, sizeof(st_schema))))
            return st_error_set_oom();
        m->n_schemas = 1;
        size_t mark = st_jr_push(r, "schema");
        rc = st_json_read_schema(r, one, 0, &m->schemas[0]);
        st_jr_pop(r, mark);
        m->current_schema_id = m->schemas[0].schema_id;
        return rc;
    }
    if ((rc = st_jr_i32(r, root, "current-schema-id", 1, 0, &m->current_schema_id)) < 0 ||
        (rc = parts_alloc((void **)&m->schemas, arr, sizeof(st_schema))) < 0)
        return rc;
    m->n_schemas = (int)json_array_size(arr);
    size_t mark = st_jr_push(r, "schemas");
    json_array_foreach(arr, i, v) {
        size_t mark_i = st_jr_push_index(r, i);
        if ((rc = st_json_read_schema(r, v, 0, &m->schemas[i])) < 0)
            break;
        for (size_t k = 0; k < i && rc == 0; k++)
            if (m->schemas[k].schema_id == m->schemas[i].schema_id)
                rc = st_jr_fail(r, "duplicate schema id %d", (int)m->schemas[i].schema_id);
        if (rc < 0)
            break;
        st_jr_pop(r, mark_i);
    }
    st_jr_pop(r, mark);
    if (rc == 0 && !st_metadata_current_schema(m))
        rc = fail_at(r, "current-schema-id", "no schema has id %lld", m->current_schema_id);
    return rc;
}

/* Java's builder numbers fields without ids 1000, 1001, ... per spec. */
static void assign_v1_field_ids(st_partition_spec *s)
{
    for (int i = 0; i < s->n_fields; i++)
        if (s->fields[i].field_id == ST_NULL32)
            s->fields[i].field_id = ST_PARTITION_DATA_ID_START + i;
}

static int read_specs(st_jr *r, const json_t *root, st_table_metadata *m)
{
    json_t *arr, *v;
    size_t i;
    int rc;

    if ((rc = st_jr_arr(r, root, "partition-specs", 0, &arr)) < 0)
        return rc;
    if (!arr) {
        if (m->format_version > 1) {
            size_t mark = st_jr_push(r, "partition-specs");
            rc = st_jr_fail(r, "missing required field (format version %d)", m->format_version);
            st_jr_pop(r, mark);
            return rc;
        }
        if ((rc = st_jr_arr(r, root, "partition-spec", 1, &v)) < 0)
            return rc;
        if (!(m->specs = st_calloc(1, sizeof(st_partition_spec))))
            return st_error_set_oom();
        m->n_specs = 1;
        m->default_spec_id = 0;
        size_t mark = st_jr_push(r, "partition-spec");
        rc = st_json_read_spec_fields(r, v, &m->specs[0]);
        st_jr_pop(r, mark);
        assign_v1_field_ids(&m->specs[0]);
        return rc;
    }
    if ((rc = st_jr_i32(r, root, "default-spec-id", 1, 0, &m->default_spec_id)) < 0 ||
        (rc = parts_alloc((void **)&m->specs, arr, sizeof(st_partition_spec))) < 0)
        return rc;
    m->n_specs = (int)json_array_size(arr);
    size_t mark = st_jr_push(r, "partition-specs");
    json_array_foreach(arr, i, v) {
        size_t mark_i = st_jr_push_index(r, i);
        if ((rc = st_json_read_spec(r, v, 0, &m->specs[i])) < 0)
            break;
        assign_v1_field_ids(&m->specs[i]);
        for (size_t k = 0; k < i && rc == 0; k++)
            if (m->specs[k].spec_id == m->specs[i].spec_id)
                rc = st_jr_fail(r, "duplicate spec id %d", (int)m->specs[i].spec_id);
        if (rc < 0)
            break;
        st_jr_pop(r, mark_i);
    }
    st_jr_pop(r, mark);
    if (rc == 0 && !st_metadata_default_spec(m))
        rc = fail_at(r, "default-spec-id", "no partition spec has id %lld", m->default_spec_id);
    return rc;
}

static int read_last_partition_id(st_jr *r, const json_t *root, st_table_metadata *m)
{
    int rc = st_jr_i32(r, root, "last-partition-id", m->format_version > 1, ST_NULL32,
                       &m->last_partition_id);
    if (rc < 0 || m->last_partition_id != ST_NULL32)
        return rc;
    m->last_partition_id = ST_PARTITION_DATA_ID_START - 1;
    for (int i = 0; i < m->n_specs; i++)
        for (int k = 0; k < m->specs[i].n_fields; k++)
            if (m->specs[i].fields[k].field_id > m->last_partition_id)
                m->last_partition_id = m->specs[i].fields[k].field_id;
    return 0;
}

static int read_sort_orders(st_jr *r, const json_t *root, st_table_metadata *m)
{
    json_t *arr, *v;
    size_t i;
    int rc;

    if ((rc = st_jr_arr(r, root, "sort-orders", 0, &arr)) < 0)
        return rc;
    if (!arr) {
        if (m->format_version > 1) {
            size_t mark = st_jr_push(r, "sort-orders");
            rc = st_jr_fail(r, "missing required field (format version %d)", m->format_version);
            st_jr_pop(r, mark);
            return rc;
        }
        /* v1 without orders: the unsorted order 0. */
        if (!(m->sort_orders = st_calloc(1, sizeof(st_sort_order))))
            return st_error_set_oom();
        m->n_sort_orders = 1;
        m->default_sort_order_id = 0;
        return 0;
    }
    if ((rc = st_jr_i32(r, root, "default-sort-order-id", 1, 0, &m->default_sort_order_id)) < 0 ||
        (rc = parts_alloc((void **)&m->sort_orders, arr, sizeof(st_sort_order))) < 0)
        return rc;
    m->n_sort_orders = (int)json_array_size(arr);
    size_t mark = st_jr_push(r, "sort-orders");
    json_array_foreach(arr, i, v) {
        size_t mark_i = st_jr_push_index(r, i);
        if ((rc = st_json_read_sort_order(r, v, 0, &m->sort_orders[i])) < 0)
            break;
        for (size_t k = 0; k < i && rc == 0; k++)
            if (m->sort_orders[k].order_id == m->sort_orders[i].order_id)
                rc = st_jr_fail(r, "duplicate sort order id %d", (int)m->sort_orders[i].order_id);
        if (rc < 0)
            break;
        st_jr_pop(r, mark_i);
    }
    st_jr_pop(r, mark);
    if (rc == 0 && !st_metadata_sort_order(m, m->default_sort_order_id))
        rc = fail_at(r, "default-sort-order-id", "no sort order has id %lld",
                     m->default_sort_order_id);
    return rc;
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* Tables keep thousands of snapshots: sort the ids rather than compare pairs. */
static int check_unique_snapshots(st_jr *r, const st_table_metadata *m)
{
    int64_t *ids;
    int rc = 0;
    if (m->n_snapshots < 2)
        return 0;
    if (!(ids = st_mallocarray((size_t)m->n_snapshots, sizeof(*ids))))
        return st_error_set_oom();
    for (int i = 0; i < m->n_snapshots; i++)
        ids[i] = m->snapshots[i].snapshot_id;
    qsort(ids, (size_t)m->n_snapshots, sizeof(*ids), cmp_i64);
    for (int i = 1; i < m->n_snapshots && rc == 0; i++)
        if (ids[i] == ids[i - 1])
            rc = fail_at(r, "snapshots", "duplicate snapshot id %lld", (long long)ids[i]);
    st_free(ids);
    return rc;
}

static int read_snapshots(st_jr *r, const json_t *root, st_table_metadata *m)
{
    json_t *arr, *v;
    size_t i;
    int rc;

    if ((rc = st_jr_arr(r, root, "snapshots", 0, &arr)) < 0 || !arr ||
        (rc = parts_alloc((void **)&m->snapshots, arr, sizeof(st_snapshot))) < 0)
        return rc;
    m->n_snapshots = (int)json_array_size(arr);
    size_t mark = st_jr_push(r, "snapshots");
    json_array_foreach(arr, i, v) {
        size_t mark_i = st_jr_push_index(r, i);
        const st_snapshot *s = &m->snapshots[i];
        if ((rc = st_json_read_snapshot(r, v, &m->snapshots[i])) < 0)
            break;
        /* v1 included: its last sequence number is 0, and so must theirs be. */
        if (rc == 0 && s->sequence_number > m->last_sequence_number)
            rc = st_jr_fail(r, "sequence number %lld is above last-sequence-number %lld",
                            (long long)s->sequence_number, (long long)m->last_sequence_number);
        if (rc < 0)
            break;
        st_jr_pop(r, mark_i);
    }
    st_jr_pop(r, mark);
    return rc < 0 ? rc : check_unique_snapshots(r, m);
}

static int read_stats(st_jr *r, const json_t *root, int partition, st_table_metadata *m)
{
    const char *key = partition ? "partition-statistics" : "statistics";
    st_statistics_file **files = partition ? &m->partition_statistics : &m->statistics;
    int *n = partition ? &m->n_partition_statistics : &m->n_statistics;
    json_t *arr, *v;
    size_t i;
    int rc;

    if ((rc = st_jr_arr(r, root, key, 0, &arr)) < 0 || !arr ||
        (rc = parts_alloc((void **)files, arr, sizeof(st_statistics_file))) < 0)
        return rc;
    *n = (int)json_array_size(arr);
    size_t mark = st_jr_push(r, key);
    json_array_foreach(arr, i, v) {
        size_t mark_i = st_jr_push_index(r, i);
        if ((rc = st_json_read_statistics(r, v, partition, &(*files)[i])) < 0)
            break;
        st_jr_pop(r, mark_i);
    }
    st_jr_pop(r, mark);
    return rc;
}

static int read_refs(st_jr *r, const json_t *root, st_table_metadata *m)
{
    json_t *obj, *v;
    const char *name;
    int rc;

    if ((rc = st_jr_obj(r, root, "refs", 0, &obj)) < 0 || !obj)
        return rc;
    if (json_object_size(obj) > 0 &&
        !(m->refs = st_calloc(json_object_size(obj), sizeof(st_snapshot_ref))))
        return st_error_set_oom();
    size_t mark = st_jr_push(r, "refs");
    json_object_foreach(obj, name, v) {
        size_t mark_i = st_jr_push(r, name);
        if ((rc = st_json_read_ref(r, v, name, &m->refs[m->n_refs])) < 0) {
            st_ref_dispose(&m->refs[m->n_refs]);
            break;
        }
        m->n_refs++;
        st_jr_pop(r, mark_i);
    }
    st_jr_pop(r, mark);
    return rc;
}

static int read_logs(st_jr *r, const json_t *root, st_table_metadata *m)
{
    json_t *arr, *v;
    size_t i;
    int rc;

    if ((rc = st_jr_arr(r, root, "snapshot-log", 0, &arr)) < 0)
        return rc;
    if (arr && json_array_size(arr) > 0) {
        if ((rc = parts_alloc((void **)&m->snapshot_log, arr, sizeof(st_snapshot_log_entry))) < 0)
            return rc;
        size_t mark = st_jr_push(r, "snapshot-log");
        json_array_foreach(arr, i, v) {
            st_snapshot_log_entry *e = &m->snapshot_log[i];
            size_t mark_i = st_jr_push_index(r, i);
            if ((rc = st_jr_expect_obj(r, v)) < 0 ||
                (rc = st_jr_i64(r, v, "timestamp-ms", 1, 0, &e->timestamp_ms)) < 0 ||
                (rc = st_jr_i64(r, v, "snapshot-id", 1, 0, &e->snapshot_id)) < 0)
                return rc;
            m->n_snapshot_log = (int)i + 1;
            st_jr_pop(r, mark_i);
        }
        st_jr_pop(r, mark);
    }
    if ((rc = st_jr_arr(r, root, "metadata-log", 0, &arr)) < 0)
        return rc;
    if (arr && json_array_size(arr) > 0) {
        if ((rc = parts_alloc((void **)&m->metadata_log, arr, sizeof(st_metadata_log_entry))) < 0)
            return rc;
        size_t mark = st_jr_push(r, "metadata-log");
        json_array_foreach(arr, i, v) {
            st_metadata_log_entry *e = &m->metadata_log[i];
            const char *file;
            size_t mark_i = st_jr_push_index(r, i);
            if ((rc = st_jr_expect_obj(r, v)) < 0 ||
                (rc = st_jr_i64(r, v, "timestamp-ms", 1, 0, &e->timestamp_ms)) < 0 ||
                (rc = st_jr_str(r, v, "metadata-file", 1, &file)) < 0)
                return rc;
            if (!(e->metadata_file = st_strdup(file)))
                return st_error_set_oom();
            m->n_metadata_log = (int)i + 1;
            st_jr_pop(r, mark_i);
        }
        st_jr_pop(r, mark);
    }
    return 0;
}

/* Adds main -> the current snapshot (a branch) when refs lack it, as Java
 * does for metadata written before refs existed. */
static int add_main_ref(st_table_metadata *m)
{
    st_snapshot_ref *refs = st_reallocarray(m->refs, (size_t)m->n_refs + 1, sizeof(*refs));
    if (!refs)
        return st_error_set_oom();
    m->refs = refs;
    memmove(refs + 1, refs, (size_t)m->n_refs * sizeof(*refs));
    memset(refs, 0, sizeof(*refs));
    refs[0].snapshot_id = m->current_snapshot_id;
    refs[0].min_snapshots_to_keep = ST_NULL32;
    refs[0].max_snapshot_age_ms = ST_NULL64;
    refs[0].max_ref_age_ms = ST_NULL64;
    m->n_refs++;
    if (!(refs[0].name = st_strdup("main")))
        return st_error_set_oom();
    return 0;
}

/* The checks Java's TableMetadata constructor makes on what it read. */
static int cross_check(st_jr *r, st_table_metadata *m)
{
    const st_snapshot_ref *main_ref;

    if (m->current_snapshot_id >= 0 && !st_metadata_snapshot(m, m->current_snapshot_id))
        return fail_at(r, "current-snapshot-id", "no snapshot has id %lld",
                       (long long)m->current_snapshot_id);
    for (int i = 0; i < m->n_refs; i++)
        if (!st_metadata_snapshot(m, m->refs[i].snapshot_id)) {
            size_t mark = st_jr_push(r, "refs");
            st_jr_push(r, m->refs[i].name);
            int rc = st_jr_fail(r, "no snapshot has id %lld", (long long)m->refs[i].snapshot_id);
            st_jr_pop(r, mark);
            return rc;
        }
    main_ref = st_metadata_ref(m, "main");
    if (main_ref && (main_ref->snapshot_id != m->current_snapshot_id || main_ref->is_tag))
        return fail_at(r, "refs", "main (a branch at snapshot %lld) disagrees with the "
                       "current snapshot id", (long long)main_ref->snapshot_id);
    if (!main_ref && m->current_snapshot_id >= 0)
        return add_main_ref(m);
    return 0;
}

static int read_metadata(st_jr *r, const json_t *root, st_table_metadata *m)
{
    json_t *props, *keys;
    const char *uuid, *location;
    int64_t current;
    int rc;

    if ((rc = st_jr_expect_obj(r, root)) < 0 ||
        (rc = st_jr_i32(r, root, "format-version", 1, 0, &m->format_version)) < 0)
        return rc;
    if (m->format_version > ST_FORMAT_VERSION_MAX) {
        const char *src = r->source ? r->source : "metadata";
        return st_error_set(ST_EUNSUPPORTED, ST_ERROR_ICEBERG,
                            "'%s': format version %d is not supported (max %d)", src,
                            (int)m->format_version, ST_FORMAT_VERSION_MAX);
    }
    if (m->format_version < 1)
        return fail_at(r, "format-version", "unknown format version %lld", m->format_version);
    if ((rc = st_jr_str(r, root, "table-uuid", m->format_version > 1, &uuid)) < 0 ||
        (rc = st_jr_str(r, root, "location", 1, &location)) < 0 ||
        (rc = st_jr_i64(r, root, "last-sequence-number", m->format_version > 1, 0,
                        &m->last_sequence_number)) < 0 ||
        (rc = st_jr_i64(r, root, "last-updated-ms", 1, 0, &m->last_updated_ms)) < 0 ||
        (rc = st_jr_i32(r, root, "last-column-id", 1, 0, &m->last_column_id)) < 0)
        return rc;
    if (m->format_version == 1)
        m->last_sequence_number = 0;
    if (uuid) {
        if (strlen(uuid) >= sizeof(m->table_uuid)) {
            size_t mark = st_jr_push(r, "table-uuid");
            rc = st_jr_fail(r, "expected a uuid, found '%.60s'", uuid);
            st_jr_pop(r, mark);
            return rc;
        }
        memcpy(m->table_uuid, uuid, strlen(uuid) + 1);
    }
    if (!(m->location = st_strdup(location)))
        return st_error_set_oom();
    if ((rc = read_schemas(r, root, m)) < 0 || (rc = read_specs(r, root, m)) < 0 ||
        (rc = read_last_partition_id(r, root, m)) < 0 || (rc = read_sort_orders(r, root, m)) < 0)
        return rc;
    if ((rc = st_jr_obj(r, root, "properties", 0, &props)) < 0)
        return rc;
    if (props) {
        size_t mark = st_jr_push(r, "properties");
        rc = st_jr_string_map(r, props, &m->properties);
        st_jr_pop(r, mark);
        if (rc < 0)
            return rc;
    }
    if ((rc = st_jr_i64(r, root, "current-snapshot-id", 0, -1, &current)) < 0)
        return rc;
    m->current_snapshot_id = current < 0 ? -1 : current;
    m->next_row_id = ST_NULL64;
    if (m->format_version >= 3 &&
        (rc = st_jr_i64(r, root, "next-row-id", 1, 0, &m->next_row_id)) < 0)
        return rc;
    if ((rc = st_jr_arr(r, root, "encryption-keys", 0, &keys)) < 0)
        return rc;
    if (keys && json_array_size(keys) > 0 &&
        (rc = st_json_text(&m->encryption_keys_json, keys)) < 0)
        return rc;
    if ((rc = read_snapshots(r, root, m)) < 0 || (rc = read_refs(r, root, m)) < 0 ||
        (rc = read_stats(r, root, 0, m)) < 0 || (rc = read_stats(r, root, 1, m)) < 0 ||
        (rc = read_logs(r, root, m)) < 0)
        return rc;
    return cross_check(r, m);
}

/* zlib allocates through st_malloc too, so failure injection reaches it. */
static voidpf z_alloc(voidpf opaque, uInt items, uInt size)
{
    (void)opaque;
    return st_calloc(items, size);
}

static void z_free(voidpf opaque, voidpf p)
{
    (void)opaque;
    st_free(p);
}

static int gunzip(st_buf *out, const uint8_t *data, size_t len, const char *source)
{
    z_stream z;
    int zrc;

    memset(&z, 0, sizeof(z));
    z.zalloc = z_alloc;
    z.zfree = z_free;
    if (inflateInit2(&z, 15 + 16) != Z_OK)
        return z.msg ? st_error_set(ST_ECORRUPT, ST_ERROR_ICEBERG, "'%s': gzip: %s", source, z.msg)
                     : st_error_set_oom();
    z.next_in = (Bytef *)data;
    do {
        if (out->cap - out->len < 4096 && st_buf_grow(out, out->len < 65536 ? 65536 : out->len) < 0) {
            inflateEnd(&z);
            return ST_ENOMEM;
        }
        if (len > 0 && z.avail_in == 0) {
            z.avail_in = len > UINT32_MAX ? UINT32_MAX : (uInt)len;
            len -= z.avail_in;
        }
        z.next_out = out->ptr + out->len;
        z.avail_out = (uInt)(out->cap - out->len - 1);
        zrc = inflate(&z, Z_NO_FLUSH);
        out->len = (size_t)(z.next_out - out->ptr);
        out->ptr[out->len] = 0;
        if (zrc == Z_MEM_ERROR) {
            inflateEnd(&z);
            return st_error_set_oom();
        }
        if (zrc == Z_BUF_ERROR && z.avail_in == 0 && len == 0)
            zrc = Z_DATA_ERROR; /* truncated */
        if (zrc != Z_OK && zrc != Z_STREAM_END && zrc != Z_BUF_ERROR) {
            const char *msg = z.msg ? z.msg : "truncated stream";
            int rc = st_error_set(ST_ECORRUPT, ST_ERROR_ICEBERG, "'%s': gzip: %s", source, msg);
            inflateEnd(&z);
            return rc;
        }
        if (out->len > MAX_INFLATED) {
            inflateEnd(&z);
            return st_error_set(ST_ECORRUPT, ST_ERROR_ICEBERG,
                                "'%s': gzip: inflates to more than %u bytes", source,
                                MAX_INFLATED);
        }
    } while (zrc != Z_STREAM_END);
    inflateEnd(&z);
    return 0;
}

int st_metadata_parse(st_table_metadata **out, const void *data, size_t len, const char *source)
{
    const uint8_t *bytes = data;
    st_buf inflated = ST_BUF_INIT;
    st_table_metadata *m = NULL;
    json_error_t err;
    json_t *root = NULL;
    st_jr r;
    int rc;

    *out = NULL;
    if (!source)
        source = "metadata";
    if (len >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b) {
        if ((rc = gunzip(&inflated, bytes, len, source)) < 0)
            goto done;
        bytes = inflated.ptr;
        len = inflated.len;
    }
    if (!(root = json_loadb((const char *)bytes, len, 0, &err))) {
        rc = st_error_set(ST_ECORRUPT, ST_ERROR_ICEBERG,
                          "'%s': invalid JSON: %s (line %d, column %d)", source, err.text,
                          err.line, err.column);
        goto done;
    }
    if (!(m = st_calloc(1, sizeof(*m)))) {
        rc = st_error_set_oom();
        goto done;
    }
    st_jr_init(&r, ST_ECORRUPT, source);
    if ((rc = read_metadata(&r, root, m)) < 0)
        goto done;
    *out = m;
    m = NULL;
done:
    st_metadata_free(m);
    json_decref(root);
    st_buf_dispose(&inflated);
    return rc;
}

int st_metadata_read_file(st_table_metadata **out, const char *path)
{
    st_input *in = NULL;
    uint8_t *copy = NULL;
    const uint8_t *data;
    uint64_t size;
    int rc;

    *out = NULL;
    if ((rc = st_input_open_file(&in, path)) < 0)
        return rc;
    size = st_input_size(in);
    if (size > SIZE_MAX / 2) {
        rc = st_error_set(ST_EUNSUPPORTED, ST_ERROR_ICEBERG, "'%s': file too large", path);
        goto done;
    }
    if (!(data = size ? st_input_view(in, 0, (size_t)size) : (const uint8_t *)"")) {
        if (!(copy = st_malloc((size_t)size))) {
            rc = st_error_set_oom();
            goto done;
        }
        if ((rc = st_input_read_at(in, 0, copy, (size_t)size)) < 0)
            goto done;
        data = copy;
    }
    if ((rc = st_metadata_parse(out, data, (size_t)size, path)) < 0)
        goto done;
    if (!((*out)->metadata_location = st_strdup(path))) {
        st_metadata_free(*out);
        *out = NULL;
        rc = st_error_set_oom();
    }
done:
    st_free(copy);
    st_input_free(in);
    return rc;
}

/* ================================================================ writing */

static void write_schemas(st_jw *w, const st_table_metadata *m)
{
    const st_schema *current = st_metadata_current_schema(m);
    const st_partition_spec *spec = st_metadata_default_spec(m);

    if (m->format_version == 1 && current) {
        st_jw_key(w, "schema");
        st_jw_schema(w, current);
    }
    st_jw_key(w, "current-schema-id");
    st_jw_i64(w, m->current_schema_id);
    st_jw_key(w, "schemas");
    st_jw_begin_arr(w);
    for (int i = 0; i < m->n_schemas; i++)
        st_jw_schema(w, &m->schemas[i]);
    st_jw_end_arr(w);
    if (m->format_version == 1 && spec) {
        st_jw_key(w, "partition-spec");
        st_jw_spec_fields(w, spec);
    }
    st_jw_key(w, "default-spec-id");
    st_jw_i64(w, m->default_spec_id);
    st_jw_key(w, "partition-specs");
    st_jw_begin_arr(w);
    for (int i = 0; i < m->n_specs; i++)
        st_jw_spec(w, &m->specs[i]);
    st_jw_end_arr(w);
    st_jw_key(w, "last-partition-id");
    st_jw_i64(w, m->last_partition_id);
    st_jw_key(w, "default-sort-order-id");
    st_jw_i64(w, m->default_sort_order_id);
    st_jw_key(w, "sort-orders");
    st_jw_begin_arr(w);
    for (int i = 0; i < m->n_sort_orders; i++)
        st_jw_sort_order(w, &m->sort_orders[i]);
    st_jw_end_arr(w);
}

static void write_history(st_jw *w, const st_table_metadata *m)
{
    st_jw_key(w, "refs");
    st_jw_begin_obj(w);
    for (int i = 0; i < m->n_refs; i++) {
        st_jw_key(w, m->refs[i].name);
        st_jw_begin_obj(w);
        st_jw_ref_members(w, &m->refs[i]);
        st_jw_end_obj(w);
    }
    st_jw_end_obj(w);
    st_jw_key(w, "snapshots");
    st_jw_begin_arr(w);
    for (int i = 0; i < m->n_snapshots; i++)
        st_jw_snapshot(w, &m->snapshots[i]);
    st_jw_end_arr(w);
    st_jw_key(w, "statistics");
    st_jw_begin_arr(w);
    for (int i = 0; i < m->n_statistics; i++)
        st_jw_statistics(w, &m->statistics[i], 0);
    st_jw_end_arr(w);
    st_jw_key(w, "partition-statistics");
    st_jw_begin_arr(w);
    for (int i = 0; i < m->n_partition_statistics; i++)
        st_jw_statistics(w, &m->partition_statistics[i], 1);
    st_jw_end_arr(w);
    st_jw_key(w, "snapshot-log");
    st_jw_begin_arr(w);
    for (int i = 0; i < m->n_snapshot_log; i++) {
        st_jw_begin_obj(w);
        st_jw_key(w, "timestamp-ms");
        st_jw_i64(w, m->snapshot_log[i].timestamp_ms);
        st_jw_key(w, "snapshot-id");
        st_jw_i64(w, m->snapshot_log[i].snapshot_id);
        st_jw_end_obj(w);
    }
    st_jw_end_arr(w);
    st_jw_key(w, "metadata-log");
    st_jw_begin_arr(w);
    for (int i = 0; i < m->n_metadata_log; i++) {
        st_jw_begin_obj(w);
        st_jw_key(w, "timestamp-ms");
        st_jw_i64(w, m->metadata_log[i].timestamp_ms);
        st_jw_key(w, "metadata-file");
        st_jw_str(w, m->metadata_log[i].metadata_file);
        st_jw_end_obj(w);
    }
    st_jw_end_arr(w);
}

int st_metadata_to_json(char **out, const st_table_metadata *m)
{
    st_jw w = {ST_BUF_INIT, 0};

    st_jw_begin_obj(&w);
    st_jw_key(&w, "format-version");
    st_jw_i64(&w, m->format_version);
    if (m->table_uuid[0]) {
        st_jw_key(&w, "table-uuid");
        st_jw_str(&w, m->table_uuid);
    }
    st_jw_key(&w, "location");
    st_jw_str(&w, m->location ? m->location : "");
    if (m->format_version > 1) {
        st_jw_key(&w, "last-sequence-number");
        st_jw_i64(&w, m->last_sequence_number);
    }
    st_jw_key(&w, "last-updated-ms");
    st_jw_i64(&w, m->last_updated_ms);
    st_jw_key(&w, "last-column-id");
    st_jw_i64(&w, m->last_column_id);
    write_schemas(&w, m);
    st_jw_key(&w, "properties");
    st_jw_begin_obj(&w);
    for (int i = 0; i < m->properties.n; i++) {
        st_jw_key(&w, m->properties.items[i].key);
        st_jw_str(&w, m->properties.items[i].value);
    }
    st_jw_end_obj(&w);
    st_jw_key(&w, "current-snapshot-id");
    if (m->current_snapshot_id >= 0)
        st_jw_i64(&w, m->current_snapshot_id);
    else if (m->format_version >= 3)
        st_jw_null(&w);
    else
        st_jw_i64(&w, -1);
    if (m->format_version >= 3) {
        st_jw_key(&w, "next-row-id");
        st_jw_i64(&w, m->next_row_id == ST_NULL64 ? 0 : m->next_row_id);
    }
    if (m->encryption_keys_json) {
        st_jw_key(&w, "encryption-keys");
        st_jw_raw(&w, m->encryption_keys_json);
    }
    write_history(&w, m);
    st_jw_end_obj(&w);
    return st_jw_finish(&w, out);
}
