/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The table metadata model: deep copies and disposal of every part, the
 * lookups, and model equality (used to decide "nothing changed", to reuse an
 * equal schema, spec or order, and by the round-trip tests).
 *
 * Copies fill a zeroed destination and, on failure, dispose what they copied:
 * the destination is left zeroed either way, so callers never clean up after a
 * failed copy. Arrays are allocated zeroed at full length before their items
 * are copied, so disposing a half-copied array is safe.
 */
#include "spec/metadata_int.h"
#include "util/alloc.h"

/* ========================================================== small copies */

static int dup_str(char **dst, const char *src)
{
    *dst = NULL;
    if (src && !(*dst = st_strdup(src)))
        return st_error_set_oom();
    return 0;
}

static int dup_array(void **dst, const void *src, int n, size_t size)
{
    *dst = NULL;
    if (n <= 0)
        return 0;
    if (!(*dst = st_mallocarray((size_t)n, size)))
        return st_error_set_oom();
    memcpy(*dst, src, (size_t)n * size);
    return 0;
}

/* A zeroed array of n items (NULL for n == 0). */
static int zero_array(void **dst, int n, size_t size)
{
    *dst = NULL;
    if (n <= 0)
        return 0;
    if (!(*dst = st_calloc((size_t)n, size)))
        return st_error_set_oom();
    return 0;
}

/* ================================================================ schema */

void st_schema_dispose(st_schema *s)
{
    if (!s)
        return;
    st_type_free(s->type);
    st_free(s->identifier_ids);
    for (int i = 0; i < s->n_defaults; i++) {
        st_free(s->defaults[i].initial_default);
        st_free(s->defaults[i].write_default);
    }
    st_free(s->defaults);
    memset(s, 0, sizeof(*s));
}

int st_schema_copy(st_schema *dst, const st_schema *src)
{
    int rc;
    memset(dst, 0, sizeof(*dst));
    dst->schema_id = src->schema_id;
    dst->type = st_type_ref(src->type);
    if ((rc = dup_array((void **)&dst->identifier_ids, src->identifier_ids,
                        src->n_identifier_ids, sizeof(int32_t))) < 0)
        goto fail;
    dst->n_identifier_ids = src->n_identifier_ids;
    if ((rc = zero_array((void **)&dst->defaults, src->n_defaults, sizeof(st_field_default))) < 0)
        goto fail;
    dst->n_defaults = src->n_defaults;
    for (int i = 0; i < src->n_defaults; i++) {
        dst->defaults[i].field_id = src->defaults[i].field_id;
        if ((rc = dup_str(&dst->defaults[i].initial_default, src->defaults[i].initial_default)) <
                0 ||
            (rc = dup_str(&dst->defaults[i].write_default, src->defaults[i].write_default)) < 0)
            goto fail;
    }
    return 0;
fail:
    st_schema_dispose(dst);
    return rc;
}

const st_field_default *st_schema_default(const st_schema *s, int32_t field_id)
{
    for (int i = 0; i < s->n_defaults; i++)
        if (s->defaults[i].field_id == field_id)
            return &s->defaults[i];
    return NULL;
}

/* st_type_equals plus docs (Java compares them as part of a field). */
static int type_same(const st_type *a, const st_type *b)
{
    if (!st_type_equals(a, b))
        return 0;
    if (!a || !st_type_is_nested(a))
        return 1;
    for (int i = 0; i < a->n_fields; i++)
        if (!st_str_eq(a->fields[i].doc, b->fields[i].doc) ||
            !type_same(a->fields[i].type, b->fields[i].type))
            return 0;
    return 1;
}

static int defaults_same(const st_schema *a, const st_schema *b)
{
    if (a->n_defaults != b->n_defaults)
        return 0;
    for (int i = 0; i < a->n_defaults; i++) {
        const st_field_default *da = &a->defaults[i];
        const st_field_default *db = st_schema_default(b, da->field_id);
        if (!db || !st_str_eq(da->initial_default, db->initial_default) ||
            !st_str_eq(da->write_default, db->write_default))
            return 0;
    }
    return 1;
}

/* Identifier ids are a set. */
static int id_set_same(const int32_t *a, int na, const int32_t *b, int nb)
{
    if (na != nb)
        return 0;
    for (int i = 0; i < na; i++) {
        int found = 0;
        for (int j = 0; j < nb && !found; j++)
            found = a[i] == b[j];
        if (!found)
            return 0;
    }
    return 1;
}

int st_schema_same(const st_schema *a, const st_schema *b)
{
    return type_same(a->type, b->type) &&
           id_set_same(a->identifier_ids, a->n_identifier_ids, b->identifier_ids,
                       b->n_identifier_ids) &&
           defaults_same(a, b);
}

/* ========================================================= specs, orders */

void st_spec_dispose(st_partition_spec *s)
{
    if (!s)
        return;
    for (int i = 0; i < s->n_fields; i++)
        st_free(s->fields[i].name);
    st_free(s->fields);
    memset(s, 0, sizeof(*s));
}

int st_spec_copy(st_partition_spec *dst, const st_partition_spec *src)
{
    int rc;
    memset(dst, 0, sizeof(*dst));
    dst->spec_id = src->spec_id;
    if ((rc = zero_array((void **)&dst->fields, src->n_fields, sizeof(st_partition_field))) < 0)
        return rc;
    dst->n_fields = src->n_fields;
    for (int i = 0; i < src->n_fields; i++) {
        dst->fields[i] = src->fields[i];
        dst->fields[i].name = NULL;
        if ((rc = dup_str(&dst->fields[i].name, src->fields[i].name)) < 0) {
            st_spec_dispose(dst);
            return rc;
        }
    }
    return 0;
}

static int transform_same(const st_transform *a, const st_transform *b)
{
    return strcmp(a->text, b->text) == 0;
}

int st_spec_compatible(const st_partition_spec *a, const st_partition_spec *b)
{
    if (a->n_fields != b->n_fields)
        return 0;
    for (int i = 0; i < a->n_fields; i++) {
        const st_partition_field *fa = &a->fields[i], *fb = &b->fields[i];
        if (fa->source_id != fb->source_id || !transform_same(&fa->transform, &fb->transform) ||
            !st_str_eq(fa->name, fb->name))
            return 0;
    }
    return 1;
}

int st_spec_equals(const st_partition_spec *a, const st_partition_spec *b)
{
    if (a->spec_id != b->spec_id || !st_spec_compatible(a, b))
        return 0;
    for (int i = 0; i < a->n_fields; i++)
        if (a->fields[i].field_id != b->fields[i].field_id)
            return 0;
    return 1;
}

void st_sort_order_dispose(st_sort_order *o)
{
    if (!o)
        return;
    st_free(o->fields);
    memset(o, 0, sizeof(*o));
}

int st_sort_order_copy(st_sort_order *dst, const st_sort_order *src)
{
    int rc;
    memset(dst, 0, sizeof(*dst));
    dst->order_id = src->order_id;
    if ((rc = dup_array((void **)&dst->fields, src->fields, src->n_fields,
                        sizeof(st_sort_field))) < 0)
        return rc;
    dst->n_fields = src->n_fields;
    return 0;
}

int st_sort_order_same(const st_sort_order *a, const st_sort_order *b)
{
    if (a->n_fields != b->n_fields)
        return 0;
    for (int i = 0; i < a->n_fields; i++) {
        const st_sort_field *fa = &a->fields[i], *fb = &b->fields[i];
        if (fa->source_id != fb->source_id || !transform_same(&fa->transform, &fb->transform) ||
            !fa->descending != !fb->descending || !fa->nulls_first != !fb->nulls_first)
            return 0;
    }
    return 1;
}

/* ============================================================= snapshots */

void st_snapshot_dispose(st_snapshot *s)
{
    if (!s)
        return;
    st_free(s->manifest_list);
    for (int i = 0; i < s->n_manifests; i++)
        st_free(s->manifests[i]);
    st_free(s->manifests);
    st_props_dispose(&s->summary);
    st_free(s->key_id);
    memset(s, 0, sizeof(*s));
}

int st_snapshot_copy(st_snapshot *dst, const st_snapshot *src)
{
    int rc;
    *dst = *src;
    dst->manifest_list = NULL;
    dst->manifests = NULL;
    dst->n_manifests = 0;
    memset(&dst->summary, 0, sizeof(dst->summary));
    dst->key_id = NULL;
    if ((rc = dup_str(&dst->manifest_list, src->manifest_list)) < 0 ||
        (rc = dup_str(&dst->key_id, src->key_id)) < 0 ||
        (rc = st_props_copy(&dst->summary, &src->summary)) < 0 ||
        (rc = zero_array((void **)&dst->manifests, src->n_manifests, sizeof(char *))) < 0)
        goto fail;
    dst->n_manifests = src->n_manifests;
    for (int i = 0; i < src->n_manifests; i++)
        if ((rc = dup_str(&dst->manifests[i], src->manifests[i])) < 0)
            goto fail;
    return 0;
fail:
    st_snapshot_dispose(dst);
    return rc;
}

int st_props_equal(const st_props *a, const st_props *b)
{
    if (a->n != b->n)
        return 0;
    for (int i = 0; i < a->n; i++)
        if (!st_str_eq(a->items[i].value, st_props_get(b, a->items[i].key)))
            return 0;
    return 1;
}

int st_snapshot_equals(const st_snapshot *a, const st_snapshot *b)
{
    if (a->snapshot_id != b->snapshot_id || a->parent_id != b->parent_id ||
        a->sequence_number != b->sequence_number || a->timestamp_ms != b->timestamp_ms ||
        a->schema_id != b->schema_id || a->first_row_id != b->first_row_id ||
        a->added_rows != b->added_rows || !st_str_eq(a->manifest_list, b->manifest_list) ||
        !st_str_eq(a->key_id, b->key_id) || a->n_manifests != b->n_manifests ||
        !st_props_equal(&a->summary, &b->summary))
        return 0;
    for (int i = 0; i < a->n_manifests; i++)
        if (!st_str_eq(a->manifests[i], b->manifests[i]))
            return 0;
    return 1;
}

void st_ref_dispose(st_snapshot_ref *r)
{
    if (!r)
        return;
    st_free(r->name);
    memset(r, 0, sizeof(*r));
}

int st_ref_copy(st_snapshot_ref *dst, const st_snapshot_ref *src)
{
    *dst = *src;
    dst->name = NULL;
    return dup_str(&dst->name, src->name);
}

int st_ref_equals(const st_snapshot_ref *a, const st_snapshot_ref *b)
{
    return st_str_eq(a->name, b->name) && a->snapshot_id == b->snapshot_id &&
           !a->is_tag == !b->is_tag && a->min_snapshots_to_keep == b->min_snapshots_to_keep &&
           a->max_snapshot_age_ms == b->max_snapshot_age_ms &&
           a->max_ref_age_ms == b->max_ref_age_ms;
}

void st_statistics_dispose(st_statistics_file *s)
{
    if (!s)
        return;
    st_free(s->statistics_path);
    st_free(s->blob_metadata_json);
    memset(s, 0, sizeof(*s));
}

int st_statistics_copy(st_statistics_file *dst, const st_statistics_file *src)
{
    int rc;
    *dst = *src;
    dst->statistics_path = NULL;
    dst->blob_metadata_json = NULL;
    if ((rc = dup_str(&dst->statistics_path, src->statistics_path)) < 0 ||
        (rc = dup_str(&dst->blob_metadata_json, src->blob_metadata_json)) < 0)
        st_statistics_dispose(dst);
    return rc;
}

int st_statistics_equals(const st_statistics_file *a, const st_statistics_file *b)
{
    return a->snapshot_id == b->snapshot_id && st_str_eq(a->statistics_path, b->statistics_path) &&
           a->file_size_in_bytes == b->file_size_in_bytes &&
           a->file_footer_size_in_bytes == b->file_footer_size_in_bytes &&
           st_str_eq(a->blob_metadata_json, b->blob_metadata_json);
}

/* ======================================================== table metadata */

void st_metadata_free(st_table_metadata *m)
{
    if (!m)
        return;
    st_free(m->location);
    for (int i = 0; i < m->n_schemas; i++)
        st_schema_dispose(&m->schemas[i]);
    st_free(m->schemas);
    for (int i = 0; i < m->n_specs; i++)
        st_spec_dispose(&m->specs[i]);
    st_free(m->specs);
    for (int i = 0; i < m->n_sort_orders; i++)
        st_sort_order_dispose(&m->sort_orders[i]);
    st_free(m->sort_orders);
    st_props_dispose(&m->properties);
    for (int i = 0; i < m->n_snapshots; i++)
        st_snapshot_dispose(&m->snapshots[i]);
    st_free(m->snapshots);
    st_free(m->snapshot_log);
    for (int i = 0; i < m->n_metadata_log; i++)
        st_free(m->metadata_log[i].metadata_file);
    st_free(m->metadata_log);
    for (int i = 0; i < m->n_refs; i++)
        st_ref_dispose(&m->refs[i]);
    st_free(m->refs);
    for (int i = 0; i < m->n_statistics; i++)
        st_statistics_dispose(&m->statistics[i]);
    st_free(m->statistics);
    for (int i = 0; i < m->n_partition_statistics; i++)
        st_statistics_dispose(&m->partition_statistics[i]);
    st_free(m->partition_statistics);
    st_free(m->encryption_keys_json);
    st_free(m->metadata_location);
    st_free(m);
}

/* Copies an array of parts with their copy function, into a zeroed array of
 * full length (so a failure leaves something st_metadata_free can walk). */
#define COPY_PARTS(dstarr, dstn, srcarr, srcn, type, copyfn)                        \
    do {                                                                            \
        if ((rc = zero_array((void **)&(dstarr), (srcn), sizeof(type))) < 0)        \
            goto fail;                                                              \
        (dstn) = (srcn);                                                            \
        for (int i_ = 0; i_ < (srcn); i_++)                                         \
            if ((rc = copyfn(&(dstarr)[i_], &(srcarr)[i_])) < 0)                    \
                goto fail;                                                          \
    } while (0)

int st_metadata_clone(st_table_metadata **out, const st_table_metadata *m)
{
    st_table_metadata *c;
    int rc;

    *out = NULL;
    if (!(c = st_calloc(1, sizeof(*c))))
        return st_error_set_oom();
    c->format_version = m->format_version;
    memcpy(c->table_uuid, m->table_uuid, sizeof(c->table_uuid));
    c->last_sequence_number = m->last_sequence_number;
    c->last_updated_ms = m->last_updated_ms;
    c->last_column_id = m->last_column_id;
    c->current_schema_id = m->current_schema_id;
    c->default_spec_id = m->default_spec_id;
    c->last_partition_id = m->last_partition_id;
    c->default_sort_order_id = m->default_sort_order_id;
    c->current_snapshot_id = m->current_snapshot_id;
    c->next_row_id = m->next_row_id;
    if ((rc = dup_str(&c->location, m->location)) < 0 ||
        (rc = dup_str(&c->metadata_location, m->metadata_location)) < 0 ||
        (rc = dup_str(&c->encryption_keys_json, m->encryption_keys_json)) < 0 ||
        (rc = st_props_copy(&c->properties, &m->properties)) < 0)
        goto fail;
    COPY_PARTS(c->schemas, c->n_schemas, m->schemas, m->n_schemas, st_schema, st_schema_copy);
    COPY_PARTS(c->specs, c->n_specs, m->specs, m->n_specs, st_partition_spec, st_spec_copy);
    COPY_PARTS(c->sort_orders, c->n_sort_orders, m->sort_orders, m->n_sort_orders,
               st_sort_order, st_sort_order_copy);
    COPY_PARTS(c->snapshots, c->n_snapshots, m->snapshots, m->n_snapshots, st_snapshot,
               st_snapshot_copy);
    COPY_PARTS(c->refs, c->n_refs, m->refs, m->n_refs, st_snapshot_ref, st_ref_copy);
    COPY_PARTS(c->statistics, c->n_statistics, m->statistics, m->n_statistics,
               st_statistics_file, st_statistics_copy);
    COPY_PARTS(c->partition_statistics, c->n_partition_statistics, m->partition_statistics,
               m->n_partition_statistics, st_statistics_file, st_statistics_copy);
    if ((rc = dup_array((void **)&c->snapshot_log, m->snapshot_log, m->n_snapshot_log,
                        sizeof(st_snapshot_log_entry))) < 0)
        goto fail;
    c->n_snapshot_log = m->n_snapshot_log;
    if ((rc = zero_array((void **)&c->metadata_log, m->n_metadata_log,
                         sizeof(st_metadata_log_entry))) < 0)
        goto fail;
    c->n_metadata_log = m->n_metadata_log;
    for (int i = 0; i < m->n_metadata_log; i++) {
        c->metadata_log[i].timestamp_ms = m->metadata_log[i].timestamp_ms;
        if ((rc = dup_str(&c->metadata_log[i].metadata_file, m->metadata_log[i].metadata_file)) <
            0)
            goto fail;
    }
    *out = c;
    return 0;
fail:
    st_metadata_free(c);
    return rc;
}

/* ================================================================ lookups */

const st_schema *st_metadata_schema(const st_table_metadata *m, int32_t schema_id)
{
    for (int i = 0; i < m->n_schemas; i++)
        if (m->schemas[i].schema_id == schema_id)
            return &m->schemas[i];
    return NULL;
}

const st_schema *st_metadata_current_schema(const st_table_metadata *m)
{
    return st_metadata_schema(m, m->current_schema_id);
}

const st_partition_spec *st_metadata_spec(const st_table_metadata *m, int32_t spec_id)
{
    for (int i = 0; i < m->n_specs; i++)
        if (m->specs[i].spec_id == spec_id)
            return &m->specs[i];
    return NULL;
}

const st_partition_spec *st_metadata_default_spec(const st_table_metadata *m)
{
    return st_metadata_spec(m, m->default_spec_id);
}

const st_sort_order *st_metadata_sort_order(const st_table_metadata *m, int32_t order_id)
{
    for (int i = 0; i < m->n_sort_orders; i++)
        if (m->sort_orders[i].order_id == order_id)
            return &m->sort_orders[i];
    return NULL;
}

const st_snapshot *st_metadata_snapshot(const st_table_metadata *m, int64_t snapshot_id)
{
    for (int i = 0; i < m->n_snapshots; i++)
        if (m->snapshots[i].snapshot_id == snapshot_id)
            return &m->snapshots[i];
    return NULL;
}

const st_snapshot *st_metadata_current_snapshot(const st_table_metadata *m)
{
    return m->current_snapshot_id < 0 ? NULL : st_metadata_snapshot(m, m->current_snapshot_id);
}

const st_snapshot_ref *st_metadata_ref(const st_table_metadata *m, const char *name)
{
    for (int i = 0; i < m->n_refs; i++)
        if (strcmp(m->refs[i].name, name) == 0)
            return &m->refs[i];
    return NULL;
}

/* =============================================================== equality */

int st_metadata_equals(const st_table_metadata *a, const st_table_metadata *b)
{
    if (a->format_version != b->format_version || strcmp(a->table_uuid, b->table_uuid) != 0 ||
        !st_str_eq(a->location, b->location) ||
        a->last_sequence_number != b->last_sequence_number ||
        a->last_updated_ms != b->last_updated_ms || a->last_column_id != b->last_column_id ||
        a->current_schema_id != b->current_schema_id || a->default_spec_id != b->default_spec_id ||
        a->last_partition_id != b->last_partition_id ||
        a->default_sort_order_id != b->default_sort_order_id ||
        a->current_snapshot_id != b->current_snapshot_id || a->next_row_id != b->next_row_id ||
        !st_str_eq(a->encryption_keys_json, b->encryption_keys_json) ||
        !st_props_equal(&a->properties, &b->properties))
        return 0;
    if (a->n_schemas != b->n_schemas || a->n_specs != b->n_specs ||
        a->n_sort_orders != b->n_sort_orders || a->n_snapshots != b->n_snapshots ||
        a->n_snapshot_log != b->n_snapshot_log || a->n_metadata_log != b->n_metadata_log ||
        a->n_refs != b->n_refs || a->n_statistics != b->n_statistics ||
        a->n_partition_statistics != b->n_partition_statistics)
        return 0;
    for (int i = 0; i < a->n_schemas; i++)
        if (a->schemas[i].schema_id != b->schemas[i].schema_id ||
            !st_schema_same(&a->schemas[i], &b->schemas[i]))
            return 0;
    for (int i = 0; i < a->n_specs; i++)
        if (!st_spec_equals(&a->specs[i], &b->specs[i]))
            return 0;
    for (int i = 0; i < a->n_sort_orders; i++)
        if (a->sort_orders[i].order_id != b->sort_orders[i].order_id ||
            !st_sort_order_same(&a->sort_orders[i], &b->sort_orders[i]))
            return 0;
    for (int i = 0; i < a->n_snapshots; i++)
        if (!st_snapshot_equals(&a->snapshots[i], &b->snapshots[i]))
            return 0;
    for (int i = 0; i < a->n_snapshot_log; i++)
        if (a->snapshot_log[i].snapshot_id != b->snapshot_log[i].snapshot_id ||
            a->snapshot_log[i].timestamp_ms != b->snapshot_log[i].timestamp_ms)
            return 0;
    for (int i = 0; i < a->n_metadata_log; i++)
        if (a->metadata_log[i].timestamp_ms != b->metadata_log[i].timestamp_ms ||
            !st_str_eq(a->metadata_log[i].metadata_file, b->metadata_log[i].metadata_file))
            return 0;
    for (int i = 0; i < a->n_refs; i++) {
        const st_snapshot_ref *rb = st_metadata_ref(b, a->refs[i].name);
        if (!rb || !st_ref_equals(&a->refs[i], rb))
            return 0;
    }
    for (int i = 0; i < a->n_statistics; i++)
        if (!st_statistics_equals(&a->statistics[i], &b->statistics[i]))
            return 0;
    for (int i = 0; i < a->n_partition_statistics; i++)
        if (!st_statistics_equals(&a->partition_statistics[i], &b->partition_statistics[i]))
            return 0;
    return 1;
}
