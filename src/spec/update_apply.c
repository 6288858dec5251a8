/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The commit model: requirement checks and the application of updates with
 * the semantics of Java's TableMetadata.Builder (what the REST server runs):
 *
 * - ids of -1 in set-current-schema / set-default-spec / set-default-sort-order
 *   mean "the last one added in this change";
 * - an added schema, spec or sort order equal to an existing one reuses its id
 *   (new ids are the highest + 1; sort orders start at 1, 0 is unsorted);
 * - add-snapshot does not move main; set-snapshot-ref on main sets the current
 *   snapshot and appends to the snapshot log (with the snapshot's timestamp
 *   when it was added in this change, else the commit time);
 * - remove-snapshots drops their statistics and the refs left dangling, and the
 *   snapshot log forgets the history before a removed entry; snapshots made
 *   current and then replaced within the same change leave the log again;
 * - every effective change sets last-updated-ms and appends the base file to
 *   the metadata log, capped by write.metadata.previous-versions-max.
 *
 * Updates that change nothing (an equal schema, the same property value, a
 * ref already there) are no-ops, so a change made only of them reports
 * *changed = 0. A stale sequence number or first-row-id is ST_ECONFLICT (Java
 * throws a retryable exception there); other refusals are ST_EINVALID.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <strings.h>

#include "spec/metadata_int.h"
#include "util/alloc.h"
#include "util/random.h"

#define PREVIOUS_VERSIONS_MAX "write.metadata.previous-versions-max"
#define PREVIOUS_VERSIONS_MAX_DEFAULT 100

/* ================================================================ names */

static const char *const g_update_names[] = {
    [ST_UPD_ASSIGN_UUID] = "assign-uuid",
    [ST_UPD_UPGRADE_FORMAT_VERSION] = "upgrade-format-version",
    [ST_UPD_ADD_SCHEMA] = "add-schema",
    [ST_UPD_SET_CURRENT_SCHEMA] = "set-current-schema",
    [ST_UPD_ADD_SPEC] = "add-spec",
    [ST_UPD_SET_DEFAULT_SPEC] = "set-default-spec",
    [ST_UPD_ADD_SORT_ORDER] = "add-sort-order",
    [ST_UPD_SET_DEFAULT_SORT_ORDER] = "set-default-sort-order",
    [ST_UPD_ADD_SNAPSHOT] = "add-snapshot",
    [ST_UPD_SET_SNAPSHOT_REF] = "set-snapshot-ref",
    [ST_UPD_REMOVE_SNAPSHOTS] = "remove-snapshots",
    [ST_UPD_REMOVE_SNAPSHOT_REF] = "remove-snapshot-ref",
    [ST_UPD_SET_LOCATION] = "set-location",
    [ST_UPD_SET_PROPERTIES] = "set-properties",
    [ST_UPD_REMOVE_PROPERTIES] = "remove-properties",
    [ST_UPD_SET_STATISTICS] = "set-statistics",
    [ST_UPD_REMOVE_STATISTICS] = "remove-statistics",
    [ST_UPD_SET_PARTITION_STATISTICS] = "set-partition-statistics",
    [ST_UPD_REMOVE_PARTITION_STATISTICS] = "remove-partition-statistics",
    [ST_UPD_REMOVE_PARTITION_SPECS] = "remove-partition-specs",
    [ST_UPD_REMOVE_SCHEMAS] = "remove-schemas",
};

static const char *const g_requirement_names[] = {
    [ST_REQ_ASSERT_CREATE] = "assert-create",
    [ST_REQ_ASSERT_TABLE_UUID] = "assert-table-uuid",
    [ST_REQ_ASSERT_REF_SNAPSHOT_ID] = "assert-ref-snapshot-id",
    [ST_REQ_ASSERT_LAST_ASSIGNED_FIELD_ID] = "assert-last-assigned-field-id",
    [ST_REQ_ASSERT_CURRENT_SCHEMA_ID] = "assert-current-schema-id",
    [ST_REQ_ASSERT_LAST_ASSIGNED_PARTITION_ID] = "assert-last-assigned-partition-id",
    [ST_REQ_ASSERT_DEFAULT_SPEC_ID] = "assert-default-spec-id",
    [ST_REQ_ASSERT_DEFAULT_SORT_ORDER_ID] = "assert-default-sort-order-id",
};

const char *st_update_kind_name(int kind)
{
    if (kind <= 0 || kind >= (int)(sizeof(g_update_names) / sizeof(g_update_names[0])))
        return NULL;
    return g_update_names[kind];
}

const char *st_requirement_kind_name(int kind)
{
    if (kind <= 0 ||
        kind >= (int)(sizeof(g_requirement_names) / sizeof(g_requirement_names[0])))
        return NULL;
    return g_requirement_names[kind];
}

/* ============================================================ the change */

void st_change_init(st_change *c)
{
    memset(c, 0, sizeof(*c));
}

void st_update_dispose(st_update *u)
{
    if (!u)
        return;
    st_schema_dispose(&u->schema);
    st_spec_dispose(&u->spec);
    st_sort_order_dispose(&u->sort_order);
    st_snapshot_dispose(&u->snapshot);
    st_ref_dispose(&u->ref);
    st_free(u->ref_name);
    st_free(u->ids);
    st_free(u->ids32);
    st_free(u->location);
    st_props_dispose(&u->props);
    for (int i = 0; i < u->n_keys; i++)
        st_free(u->keys[i]);
    st_free(u->keys);
    st_statistics_dispose(&u->stats);
    memset(u, 0, sizeof(*u));
}

void st_change_free(st_change *c)
{
    if (!c)
        return;
    for (int i = 0; i < c->n_reqs; i++)
        st_free(c->reqs[i].ref);
    st_free(c->reqs);
    for (int i = 0; i < c->n_updates; i++)
        st_update_dispose(&c->updates[i]);
    st_free(c->updates);
    memset(c, 0, sizeof(*c));
}

st_requirement *st_change_add_req(st_change *c, st_requirement_kind kind)
{
    st_requirement *r = st_reallocarray(c->reqs, (size_t)c->n_reqs + 1, sizeof(*r));
    if (!r) {
        st_error_set_oom();
        return NULL;
    }
    c->reqs = r;
    r += c->n_reqs++;
    memset(r, 0, sizeof(*r));
    r->kind = kind;
    r->snapshot_id = ST_NULL64;
    return r;
}

st_update *st_change_add_update(st_change *c, st_update_kind kind)
{
    st_update *u = st_reallocarray(c->updates, (size_t)c->n_updates + 1, sizeof(*u));
    if (!u) {
        st_error_set_oom();
        return NULL;
    }
    c->updates = u;
    u += c->n_updates++;
    memset(u, 0, sizeof(*u));
    u->kind = kind;
    /* The "absent" markers, so that a zeroed update means what it says. */
    u->last_column_id = ST_NULL32;
    u->snapshot.parent_id = ST_NULL64;
    u->snapshot.schema_id = ST_NULL32;
    u->snapshot.first_row_id = ST_NULL64;
    u->snapshot.added_rows = ST_NULL64;
    u->ref.min_snapshots_to_keep = ST_NULL32;
    u->ref.max_snapshot_age_ms = ST_NULL64;
    u->ref.max_ref_age_ms = ST_NULL64;
    u->stats.file_footer_size_in_bytes = ST_NULL64;
    return u;
}

/* ========================================================== requirements */

static int req_failed(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;

static int req_failed(const char *fmt, ...)
{
    char msg[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    return st_error_set(ST_ECONFLICT, ST_ERROR_ICEBERG, "requirement failed: %s", msg);
}

static int check_ref(const st_table_metadata *base, const st_requirement *q)
{
    const char *name = q->ref ? q->ref : "";
    const st_snapshot_ref *ref = st_metadata_ref(base, name);
    if (ref) {
        const char *type = ref->is_tag ? "tag" : "branch";
        if (q->snapshot_id == ST_NULL64)
            return req_failed("%s %s was created concurrently", type, name);
        if (q->snapshot_id != ref->snapshot_id)
            return req_failed("%s %s has changed: expected snapshot %lld, found %lld", type, name,
                              (long long)q->snapshot_id, (long long)ref->snapshot_id);
    } else if (q->snapshot_id != ST_NULL64) {
        return req_failed("branch or tag %s is missing, expected snapshot %lld", name,
                          (long long)q->snapshot_id);
    }
    return 0;
}

static int check_one(const st_table_metadata *base, const st_requirement *q)
{
    if (q->kind == ST_REQ_ASSERT_CREATE)
        return base ? req_failed("table already exists") : 0;
    if (!base) {
        /* As Java: the id assertions hold vacuously for a table being created. */
        if (q->kind == ST_REQ_ASSERT_LAST_ASSIGNED_FIELD_ID ||
            q->kind == ST_REQ_ASSERT_LAST_ASSIGNED_PARTITION_ID)
            return 0;
        if (!st_requirement_kind_name((int)q->kind))
            return st_error_set(ST_EINVALID, ST_ERROR_ICEBERG, "unknown requirement kind %d",
                                (int)q->kind);
        return req_failed("table does not exist (%s)", st_requirement_kind_name((int)q->kind));
    }
    switch (q->kind) {
    case ST_REQ_ASSERT_TABLE_UUID:
        if (strcasecmp(q->uuid, base->table_uuid) != 0)
            return req_failed("table uuid does not match: expected %s, found %s", q->uuid,
                              base->table_uuid[0] ? base->table_uuid : "none");
        return 0;
    case ST_REQ_ASSERT_REF_SNAPSHOT_ID: return check_ref(base, q);
    case ST_REQ_ASSERT_LAST_ASSIGNED_FIELD_ID:
        if (q->id != base->last_column_id)
            return req_failed("last assigned field id changed: expected %lld, found %d",
                              (long long)q->id, (int)base->last_column_id);
        return 0;
    case ST_REQ_ASSERT_CURRENT_SCHEMA_ID:
        if (q->id != base->current_schema_id)
            return req_failed("current schema changed: expected id %lld, found %d",
                              (long long)q->id, (int)base->current_schema_id);
        return 0;
    case ST_REQ_ASSERT_LAST_ASSIGNED_PARTITION_ID:
        if (q->id != base->last_partition_id)
            return req_failed("last assigned partition id changed: expected %lld, found %d",
                              (long long)q->id, (int)base->last_partition_id);
        return 0;
    case ST_REQ_ASSERT_DEFAULT_SPEC_ID:
        if (q->id != base->default_spec_id)
            return req_failed("default partition spec changed: expected id %lld, found %d",
                              (long long)q->id, (int)base->default_spec_id);
        return 0;
    case ST_REQ_ASSERT_DEFAULT_SORT_ORDER_ID:
        if (q->id != base->default_sort_order_id)
            return req_failed("default sort order changed: expected id %lld, found %d",
                              (long long)q->id, (int)base->default_sort_order_id);
        return 0;
    default: break;
    }
    return st_error_set(ST_EINVALID, ST_ERROR_ICEBERG, "unknown requirement kind %d",
                        (int)q->kind);
}

int st_requirements_check(const st_table_metadata *base, const st_requirement *reqs, int n)
{
    for (int i = 0; i < n; i++) {
        int rc = check_one(base, &reqs[i]);
        if (rc < 0)
            return rc;
    }
    return 0;
}

/* ============================================================ apply state */

typedef struct id_list {
    int64_t *ids;
    int n;
} id_list;

static int id_list_add(id_list *l, int64_t id)
{
    int64_t *g = st_reallocarray(l->ids, (size_t)l->n + 1, sizeof(*g));
    if (!g)
        return st_error_set_oom();
    l->ids = g;
    l->ids[l->n++] = id;
    return 0;
}

static int id_list_has(const id_list *l, int64_t id)
{
    for (int i = 0; i < l->n; i++)
        if (l->ids[i] == id)
            return 1;
    return 0;
}

typedef struct apply_ctx {
    st_table_metadata *m;
    const st_table_metadata *base;
    int64_t now_ms;
    int changes;                 /* effective changes so far */
    int index;                   /* of the update being applied, for messages */
    const st_update *u;
    int32_t last_schema, last_spec, last_order; /* ST_NULL32: none added */
    id_list added_schemas, added_specs, added_orders, added_snapshots;
    id_list main_added;          /* added snapshots that main was set to */
    int removed_snapshots;
} apply_ctx;

static int refuse_code(apply_ctx *c, int code, const char *fmt, va_list ap)
{
    char msg[768];
    vsnprintf(msg, sizeof(msg), fmt, ap);
    return st_error_set(code, ST_ERROR_ICEBERG, "cannot apply update %d (%s): %s", c->index,
                        st_update_kind_name((int)c->u->kind), msg);
}

static int refuse(apply_ctx *c, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

static int refuse(apply_ctx *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = refuse_code(c, ST_EINVALID, fmt, ap);
    va_end(ap);
    return rc;
}

static int conflict(apply_ctx *c, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

static int conflict(apply_ctx *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = refuse_code(c, ST_ECONFLICT, fmt, ap);
    va_end(ap);
    return rc;
}

/* Grows an array of `size`-byte items by one zeroed item; returns it or NULL. */
static void *push_item(void **arr, int *n, size_t size)
{
    char *g = st_reallocarray(*arr, (size_t)*n + 1, size);
    if (!g) {
        st_error_set_oom();
        return NULL;
    }
    *arr = g;
    memset(g + (size_t)*n * size, 0, size);
    return g + (size_t)(*n)++ * size;
}

static void remove_item(void *arr, int *n, int i, size_t size)
{
    char *p = arr;
    memmove(p + (size_t)i * size, p + (size_t)(i + 1) * size, (size_t)(*n - i - 1) * size);
    (*n)--;
}

/* "The last added" after a reuse: only if the reused item came from this change. */
static int32_t last_added_after_reuse(const id_list *added, int32_t id)
{
    return id_list_has(added, id) ? id : ST_NULL32;
}

/* ============================================================ identity */

static int valid_uuid(const char *s)
{
    if (strlen(s) != 36)
        return 0;
    for (int i = 0; i < 36; i++) {
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (s[i] != '-')
                return 0;
        } else if (!isxdigit((unsigned char)s[i])) {
            return 0;
        }
    }
    return 1;
}


static int apply_assign_uuid(apply_ctx *c)
{
    const char *uuid = c->u->uuid;
    if (!valid_uuid(uuid))
        return refuse(c, "'%.40s' is not a uuid", uuid);
    if (c->m->table_uuid[0]) {
        if (strcasecmp(c->m->table_uuid, uuid) == 0)
            return 0;
        return refuse(c, "the table already has uuid %s", c->m->table_uuid);
    }
    memcpy(c->m->table_uuid, uuid, 37);
    c->changes++;
    return 0;
}

static int apply_upgrade(apply_ctx *c)
{
    int v = c->u->format_version;
    if (v > ST_FORMAT_VERSION_MAX || v < 1)
        return refuse(c, "format version %d is not supported (max %d)", v, ST_FORMAT_VERSION_MAX);
    if (v < c->m->format_version)
        return refuse(c, "cannot downgrade a v%d table to v%d", c->m->format_version, v);
    if (v == c->m->format_version)
        return 0;
    /* v1 -> v2: last-sequence-number is already 0 in the model; v3 starts row ids at 0. */
    c->m->format_version = v;
    if (v >= 3 && c->m->next_row_id == ST_NULL64)
        c->m->next_row_id = 0;
    c->changes++;
    return 0;
}

/* ================================================================ schemas */

static int collect_ids(const st_type *t, id_list *ids)
{
    if (!st_type_is_nested(t))
        return 0;
    for (int i = 0; i < t->n_fields; i++) {
        int rc = id_list_add(ids, t->fields[i].id);
        if (rc < 0 || (rc = collect_ids(t->fields[i].type, ids)) < 0)
            return rc;
    }
    return 0;
}

/* A type that needs a newer format than the table's, or NULL. */
static const char *newer_type(const st_type *t, int format_version)
{
    if (format_version < 3 && (t->id == ST_TYPE_TIMESTAMP_NS || t->id == ST_TYPE_TIMESTAMPTZ_NS))
        return st_type_id_name(t->id);
    if (st_type_is_nested(t))
        for (int i = 0; i < t->n_fields; i++) {
            const char *name = newer_type(t->fields[i].type, format_version);
            if (name)
                return name;
        }
    return NULL;
}

static int check_schema(apply_ctx *c, const st_schema *s)
{
    id_list ids = {0};
    const char *newer;
    int rc = 0;

    if (!s->type || s->type->id != ST_TYPE_STRUCT)
        return refuse(c, "the schema is not a struct");
    if ((newer = newer_type(s->type, c->m->format_version)))
        return refuse(c, "type %s needs format version 3 (table: v%d)", newer,
                      c->m->format_version);
    if (s->n_defaults > 0 && c->m->format_version < 3)
        return refuse(c, "field defaults need format version 3 (table: v%d)",
                      c->m->format_version);
    rc = collect_ids(s->type, &ids);
    for (int i = 0; i < ids.n && rc == 0; i++) {
        if (ids.ids[i] < 0)
            rc = refuse(c, "field id %lld is negative", (long long)ids.ids[i]);
        for (int k = 0; k < i && rc == 0; k++)
            if (ids.ids[k] == ids.ids[i])
                rc = refuse(c, "duplicate field id %lld", (long long)ids.ids[i]);
    }
    for (int i = 0; i < s->n_identifier_ids && rc == 0; i++)
        if (!id_list_has(&ids, s->identifier_ids[i]))
            rc = refuse(c, "identifier field id %d is not a field of the schema",
                        (int)s->identifier_ids[i]);
    st_free(ids.ids);
    return rc;
}

static int apply_add_schema(apply_ctx *c)
{
    const st_schema *s = &c->u->schema;
    st_table_metadata *m = c->m;
    int32_t new_last = m->last_column_id, id = ST_NULL32, max_id = -1;
    int rc;

    if ((rc = check_schema(c, s)) < 0)
        return rc;
    int32_t top_field = st_schema_max_id(s->type);
    if (top_field > new_last)
        new_last = top_field;
    if (c->u->last_column_id != ST_NULL32 && c->u->last_column_id > new_last)
        new_last = c->u->last_column_id;
    for (int i = 0; i < m->n_schemas; i++) {
        if (id == ST_NULL32 && st_schema_same(&m->schemas[i], s))
            id = m->schemas[i].schema_id;
        if (m->schemas[i].schema_id > max_id)
            max_id = m->schemas[i].schema_id;
    }
    if (id != ST_NULL32 && new_last == m->last_column_id) {
        c->last_schema = last_added_after_reuse(&c->added_schemas, id);
        return 0;
    }
    m->last_column_id = new_last;
    if (id == ST_NULL32) {
        st_schema *slot;
        id = max_id + 1;
        if (!(slot = push_item((void **)&m->schemas, &m->n_schemas, sizeof(*slot))))
            return ST_ENOMEM;
        if ((rc = st_schema_copy(slot, s)) < 0) {
            m->n_schemas--;
            return rc;
        }
        slot->schema_id = id;
    }
    c->changes++;
    c->last_schema = id;
    return id_list_add(&c->added_schemas, id);
}

static int apply_set_current_schema(apply_ctx *c)
{
    int32_t id = c->u->id;
    if (id == -1) {
        if (c->last_schema == ST_NULL32)
            return refuse(c, "no schema has been added in this change");
        id = c->last_schema;
    }
    if (id == c->m->current_schema_id)
        return 0;
    if (!st_metadata_schema(c->m, id))
        return refuse(c, "unknown schema id %d", (int)id);
    c->m->current_schema_id = id;
    c->changes++;
    return 0;
}

/* ========================================================= partition specs */

/* Whether a field id exists anywhere in a type (nested included). */
static int has_field_id(const st_type *t, int32_t id)
{
    if (!t || !st_type_is_nested(t))
        return 0;
    for (int i = 0; i < t->n_fields; i++)
        if (t->fields[i].id == id || has_field_id(t->fields[i].type, id))
            return 1;
    return 0;
}

/* Transforms whose source may be gone: void (a dropped v1 field) and unknown ones. */
static int needs_source(const st_transform *t)
{
    return t->kind != ST_TRANSFORM_VOID && t->kind != ST_TRANSFORM_UNKNOWN;
}

static int check_spec_fields(apply_ctx *c, const st_partition_spec *s)
{
    const st_schema *schema = st_metadata_current_schema(c->m);
    if (!schema)
        return refuse(c, "the table has no current schema to bind the spec to");
    for (int i = 0; i < s->n_fields; i++) {
        const st_partition_field *f = &s->fields[i];
        if (!f->name || !f->name[0])
            return refuse(c, "partition field %d has no name", i);
        for (int k = 0; k < i; k++)
            if (strcmp(s->fields[k].name, f->name) == 0)
                return refuse(c, "partition field name '%s' is used twice", f->name);
        if (needs_source(&f->transform) && !has_field_id(schema->type, f->source_id))
            return refuse(c, "partition field '%s': no column has source id %d", f->name,
                          (int)f->source_id);
    }
    return 0;
}

/* v1 needs ids 1000, 1001, ... in order; v2+ reuses the id of an existing
 * field with the same source and transform, else takes the next unused. */
static int assign_partition_ids(apply_ctx *c, st_partition_spec *s)
{
    int32_t next = c->m->last_partition_id;
    for (int i = 0; i < s->n_fields; i++) {
        st_partition_field *f = &s->fields[i];
        if (c->m->format_version == 1) {
            if (f->field_id < 0)
                f->field_id = ST_PARTITION_DATA_ID_START + i;
            else if (f->field_id != ST_PARTITION_DATA_ID_START + i)
                return refuse(c, "format v1 needs sequential partition field ids from %d: "
                              "field '%s' has %d", ST_PARTITION_DATA_ID_START, f->name,
                              (int)f->field_id);
            continue;
        }
        if (f->field_id < 0) {
            for (int k = 0; k < c->m->n_specs && f->field_id < 0; k++)
                for (int j = 0; j < c->m->specs[k].n_fields; j++) {
                    const st_partition_field *o = &c->m->specs[k].fields[j];
                    if (o->source_id == f->source_id &&
                        strcmp(o->transform.text, f->transform.text) == 0) {
                        f->field_id = o->field_id;
                        break;
                    }
                }
            if (f->field_id < 0) {
                if (next == INT32_MAX)
                    return refuse(c, "partition field ids are exhausted");
                f->field_id = ++next;
            }
        }
        if (f->field_id > next)
            next = f->field_id;
        for (int k = 0; k < i; k++)
            if (s->fields[k].field_id == f->field_id)
                return refuse(c, "partition field id %d is used twice", (int)f->field_id);
    }
    return 0;
}

static int apply_add_spec(apply_ctx *c)
{
    st_table_metadata *m = c->m;
    st_partition_spec spec, *slot;
    int32_t id = ST_NULL32, max_id = -1;
    int rc;

    for (int i = 0; i < m->n_specs; i++) {
        if (id == ST_NULL32 && st_spec_compatible(&m->specs[i], &c->u->spec))
            id = m->specs[i].spec_id;
        if (m->specs[i].spec_id > max_id)
            max_id = m->specs[i].spec_id;
    }
    if (id != ST_NULL32) {
        c->last_spec = last_added_after_reuse(&c->added_specs, id);
        return 0;
    }
    if ((rc = check_spec_fields(c, &c->u->spec)) < 0 ||
        (rc = st_spec_copy(&spec, &c->u->spec)) < 0)
        return rc;
    if ((rc = assign_partition_ids(c, &spec)) < 0)
        goto fail;
    if (!(slot = push_item((void **)&m->specs, &m->n_specs, sizeof(*slot)))) {
        rc = ST_ENOMEM;
        goto fail;
    }
    *slot = spec;
    slot->spec_id = id = max_id + 1;
    for (int i = 0; i < spec.n_fields; i++)
        if (spec.fields[i].field_id > m->last_partition_id)
            m->last_partition_id = spec.fields[i].field_id;
    c->changes++;
    c->last_spec = id;
    return id_list_add(&c->added_specs, id);
fail:
    st_spec_dispose(&spec);
    return rc;
}

static int apply_set_default_spec(apply_ctx *c)
{
    int32_t id = c->u->id;
    if (id == -1) {
        if (c->last_spec == ST_NULL32)
            return refuse(c, "no partition spec has been added in this change");
        id = c->last_spec;
    }
    if (id == c->m->default_spec_id)
        return 0;
    if (!st_metadata_spec(c->m, id))
        return refuse(c, "unknown partition spec id %d", (int)id);
    c->m->default_spec_id = id;
    c->changes++;
    return 0;
}

/* ============================================================ sort orders */

static int apply_add_sort_order(apply_ctx *c)
{
    const st_sort_order *o = &c->u->sort_order;
    st_table_metadata *m = c->m;
    st_sort_order *slot;
    int32_t id = ST_NULL32, next = 1;
    int rc;

    for (int i = 0; i < m->n_sort_orders; i++) {
        const st_sort_order *e = &m->sort_orders[i];
        if (id == ST_NULL32 && (o->n_fields == 0 ? e->order_id == 0 : st_sort_order_same(e, o)))
            id = e->order_id;
        if (e->order_id >= next)
            next = e->order_id + 1;
    }
    if (id != ST_NULL32) {
        c->last_order = last_added_after_reuse(&c->added_orders, id);
        return 0;
    }
    if (o->n_fields > 0) {
        const st_schema *schema = st_metadata_current_schema(m);
        if (!schema)
            return refuse(c, "the table has no current schema to bind the order to");
        for (int i = 0; i < o->n_fields; i++)
            if (needs_source(&o->fields[i].transform) &&
                !has_field_id(schema->type, o->fields[i].source_id))
                return refuse(c, "sort field %d: no column has source id %d", i,
                              (int)o->fields[i].source_id);
    }
    id = o->n_fields == 0 ? 0 : next;
    if (!(slot = push_item((void **)&m->sort_orders, &m->n_sort_orders, sizeof(*slot))))
        return ST_ENOMEM;
    if ((rc = st_sort_order_copy(slot, o)) < 0) {
        m->n_sort_orders--;
        return rc;
    }
    slot->order_id = id;
    c->changes++;
    c->last_order = id;
    return id_list_add(&c->added_orders, id);
}

static int apply_set_default_sort_order(apply_ctx *c)
{
    int32_t id = c->u->id;
    if (id == -1) {
        if (c->last_order == ST_NULL32)
            return refuse(c, "no sort order has been added in this change");
        id = c->last_order;
    }
    if (id == c->m->default_sort_order_id)
        return 0;
    if (!st_metadata_sort_order(c->m, id))
        return refuse(c, "unknown sort order id %d", (int)id);
    c->m->default_sort_order_id = id;
    c->changes++;
    return 0;
}

/* ============================================================== snapshots */

static int apply_add_snapshot(apply_ctx *c)
{
    const st_snapshot *s = &c->u->snapshot;
    st_table_metadata *m = c->m;
    st_snapshot *slot;
    int64_t next_row_id = m->next_row_id;
    int rc;

    if (m->n_schemas == 0 || m->n_specs == 0 || m->n_sort_orders == 0)
        return refuse(c, "a snapshot needs a schema, a partition spec and a sort order first");
    if (s->snapshot_id < 0)
        return refuse(c, "snapshot id %lld is negative", (long long)s->snapshot_id);
    if (st_metadata_snapshot(m, s->snapshot_id))
        return refuse(c, "snapshot %lld already exists", (long long)s->snapshot_id);
    if (!s->manifest_list && s->n_manifests == 0 && m->format_version > 1)
        return refuse(c, "snapshot %lld has no manifest list", (long long)s->snapshot_id);
    if (s->sequence_number < 0)
        return refuse(c, "negative sequence number %lld", (long long)s->sequence_number);
    if (m->format_version == 1 && s->sequence_number != 0)
        return refuse(c, "sequence number %lld in a format v1 table (must be 0)",
                      (long long)s->sequence_number);
    if (m->format_version > 1 && s->parent_id != ST_NULL64 &&
        s->sequence_number <= m->last_sequence_number)
        return conflict(c, "sequence number %lld is not above the last sequence number %lld",
                        (long long)s->sequence_number, (long long)m->last_sequence_number);
    if (m->format_version >= 3) {
        if (s->first_row_id == ST_NULL64 || s->added_rows == ST_NULL64)
            return refuse(c, "snapshot %lld lacks first-row-id or added-rows (format v3)",
                          (long long)s->snapshot_id);
        if (s->added_rows < 0)
            return refuse(c, "negative added-rows %lld", (long long)s->added_rows);
        if (s->first_row_id < m->next_row_id)
            return conflict(c, "first-row-id %lld is behind the table's next-row-id %lld",
                            (long long)s->first_row_id, (long long)m->next_row_id);
        if (__builtin_add_overflow(m->next_row_id, s->added_rows, &next_row_id))
            return refuse(c, "next-row-id overflows");
    }
    if (!(slot = push_item((void **)&m->snapshots, &m->n_snapshots, sizeof(*slot))))
        return ST_ENOMEM;
    if ((rc = st_snapshot_copy(slot, s)) < 0) {
        m->n_snapshots--;
        return rc;
    }
    if (s->sequence_number > m->last_sequence_number)
        m->last_sequence_number = s->sequence_number;
    m->next_row_id = next_row_id;
    c->changes++;
    return id_list_add(&c->added_snapshots, s->snapshot_id);
}

static int find_ref(const st_table_metadata *m, const char *name)
{
    for (int i = 0; i < m->n_refs; i++)
        if (strcmp(m->refs[i].name, name) == 0)
            return i;
    return -1;
}

static int apply_set_ref(apply_ctx *c)
{
    const st_snapshot_ref *ref = &c->u->ref;
    st_table_metadata *m = c->m;
    const st_snapshot *snap;
    st_snapshot_ref copy;
    int i, rc;

    if (!ref->name || !ref->name[0])
        return refuse(c, "the ref has no name");
    i = find_ref(m, ref->name);
    if (i >= 0 && st_ref_equals(&m->refs[i], ref))
        return 0;
    if (!(snap = st_metadata_snapshot(m, ref->snapshot_id)))
        return refuse(c, "cannot set %s to unknown snapshot %lld", ref->name,
                      (long long)ref->snapshot_id);
    if (ref->is_tag && strcmp(ref->name, "main") == 0)
        return refuse(c, "main cannot be a tag, it must be a branch");
    if (ref->is_tag && (ref->min_snapshots_to_keep != ST_NULL32 ||
                        ref->max_snapshot_age_ms != ST_NULL64))
        return refuse(c, "tag %s cannot have min-snapshots-to-keep or max-snapshot-age-ms",
                      ref->name);
    if ((ref->min_snapshots_to_keep != ST_NULL32 && ref->min_snapshots_to_keep <= 0) ||
        (ref->max_snapshot_age_ms != ST_NULL64 && ref->max_snapshot_age_ms <= 0) ||
        (ref->max_ref_age_ms != ST_NULL64 && ref->max_ref_age_ms <= 0))
        return refuse(c, "retention settings of %s must be positive", ref->name);
    if ((rc = st_ref_copy(&copy, ref)) < 0)
        return rc;
    if (strcmp(ref->name, "main") == 0) {
        /* A rollback to an older snapshot is logged at the commit time. */
        int added = id_list_has(&c->added_snapshots, ref->snapshot_id);
        st_snapshot_log_entry *e = push_item((void **)&m->snapshot_log, &m->n_snapshot_log,
                                             sizeof(*e));
        if (!e || (added && (rc = id_list_add(&c->main_added, ref->snapshot_id)) < 0)) {
            st_ref_dispose(&copy);
            return e ? rc : ST_ENOMEM;
        }
        e->snapshot_id = ref->snapshot_id;
        e->timestamp_ms = added ? snap->timestamp_ms : c->now_ms;
        m->current_snapshot_id = ref->snapshot_id;
    }
    if (i >= 0) {
        st_ref_dispose(&m->refs[i]);
        m->refs[i] = copy;
    } else {
        st_snapshot_ref *slot = push_item((void **)&m->refs, &m->n_refs, sizeof(*slot));
        if (!slot) {
            st_ref_dispose(&copy);
            return ST_ENOMEM;
        }
        *slot = copy;
    }
    c->changes++;
    return 0;
}

static void drop_ref(apply_ctx *c, int i)
{
    st_table_metadata *m = c->m;
    if (strcmp(m->refs[i].name, "main") == 0)
        m->current_snapshot_id = -1;
    st_ref_dispose(&m->refs[i]);
    remove_item(m->refs, &m->n_refs, i, sizeof(*m->refs));
    c->changes++;
}

static int remove_stats_of(st_statistics_file *files, int *n, int64_t snapshot_id)
{
    int removed = 0;
    for (int i = *n - 1; i >= 0; i--)
        if (files[i].snapshot_id == snapshot_id) {
            st_statistics_dispose(&files[i]);
            remove_item(files, n, i, sizeof(*files));
            removed = 1;
        }
    return removed;
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* The table's snapshot ids, sorted, for membership tests in one pass over
 * thousands of snapshots. @param[out] out st_free() it (NULL when empty). */
static int sorted_snapshot_ids(const st_table_metadata *m, int64_t **out)
{
    *out = NULL;
    if (m->n_snapshots == 0)
        return 0;
    if (!(*out = st_mallocarray((size_t)m->n_snapshots, sizeof(**out))))
        return st_error_set_oom();
    for (int i = 0; i < m->n_snapshots; i++)
        (*out)[i] = m->snapshots[i].snapshot_id;
    qsort(*out, (size_t)m->n_snapshots, sizeof(**out), cmp_i64);
    return 0;
}

static int in_sorted(const int64_t *ids, int n, int64_t id)
{
    return n > 0 && bsearch(&id, ids, (size_t)n, sizeof(*ids), cmp_i64) != NULL;
}

static int apply_remove_snapshots(apply_ctx *c)
{
    st_table_metadata *m = c->m;
    int64_t *gone;
    int n = 0, removed = 0;

    if (c->u->n_ids <= 0)
        return 0;
    if (!(gone = st_mallocarray((size_t)c->u->n_ids, sizeof(*gone))))
        return st_error_set_oom();
    memcpy(gone, c->u->ids, (size_t)c->u->n_ids * sizeof(*gone));
    qsort(gone, (size_t)c->u->n_ids, sizeof(*gone), cmp_i64);
    for (int i = 0; i < m->n_snapshots; i++) {
        int64_t id = m->snapshots[i].snapshot_id;
        if (in_sorted(gone, c->u->n_ids, id)) {
            st_snapshot_dispose(&m->snapshots[i]);
            remove_stats_of(m->statistics, &m->n_statistics, id);
            remove_stats_of(m->partition_statistics, &m->n_partition_statistics, id);
            removed = 1;
        } else {
            m->snapshots[n++] = m->snapshots[i];
        }
    }
    m->n_snapshots = n;
    st_free(gone);
    if (!removed)
        return 0;
    for (int i = m->n_refs - 1; i >= 0; i--)
        if (!st_metadata_snapshot(m, m->refs[i].snapshot_id))
            drop_ref(c, i);
    if (m->current_snapshot_id >= 0 && !st_metadata_snapshot(m, m->current_snapshot_id))
        m->current_snapshot_id = -1;
    c->removed_snapshots = 1;
    c->changes++;
    return 0;
}

static int apply_remove_ref(apply_ctx *c)
{
    const char *name = c->u->ref_name ? c->u->ref_name : "";
    int i = find_ref(c->m, name);
    if (i >= 0) {
        drop_ref(c, i);
    } else if (strcmp(name, "main") == 0 && c->m->current_snapshot_id != -1) {
        c->m->current_snapshot_id = -1;
        c->changes++;
    }
    return 0;
}

/* ============================================== location, properties, stats */

static int apply_set_location(apply_ctx *c)
{
    const char *loc = c->u->location;
    char *copy;
    if (!loc || !loc[0])
        return refuse(c, "the location is empty");
    if (st_str_eq(c->m->location, loc))
        return 0;
    if (!(copy = st_strdup(loc)))
        return st_error_set_oom();
    st_free(c->m->location);
    c->m->location = copy;
    c->changes++;
    return 0;
}

static int apply_set_properties(apply_ctx *c)
{
    const st_props *p = &c->u->props;
    for (int i = 0; i < p->n; i++) {
        if (st_str_eq(st_props_get(&c->m->properties, p->items[i].key), p->items[i].value))
            continue;
        int rc = st_props_set(&c->m->properties, p->items[i].key, p->items[i].value);
        if (rc < 0)
            return rc;
        c->changes++;
    }
    return 0;
}

static int apply_remove_properties(apply_ctx *c)
{
    for (int i = 0; i < c->u->n_keys; i++)
        if (c->u->keys[i] && st_props_remove(&c->m->properties, c->u->keys[i]))
            c->changes++;
    return 0;
}

/* One statistics file per snapshot, replaced by a newer one (Java's map). */
static int apply_set_stats(apply_ctx *c, int partition)
{
    st_table_metadata *m = c->m;
    st_statistics_file **files = partition ? &m->partition_statistics : &m->statistics;
    int *n = partition ? &m->n_partition_statistics : &m->n_statistics;
    const st_statistics_file *s = &c->u->stats;
    st_statistics_file copy, *slot;
    int same = 0, count = 0, rc;

    if (!s->statistics_path || !s->statistics_path[0])
        return refuse(c, "the statistics file has no path");
    if ((rc = st_statistics_copy(&copy, s)) < 0)
        return rc;
    if (partition)
        copy.file_footer_size_in_bytes = ST_NULL64;
    /* No blobs reads back as NULL: keep one spelling so equality holds. */
    if (copy.blob_metadata_json && (partition || strcmp(copy.blob_metadata_json, "[]") == 0)) {
        st_free(copy.blob_metadata_json);
        copy.blob_metadata_json = NULL;
    }
    for (int i = 0; i < *n; i++)
        if ((*files)[i].snapshot_id == s->snapshot_id) {
            count++;
            same |= st_statistics_equals(&(*files)[i], &copy);
        }
    if (same && count == 1) {
        st_statistics_dispose(&copy);
        return 0;
    }
    remove_stats_of(*files, n, s->snapshot_id);
    if (!(slot = push_item((void **)files, n, sizeof(*slot)))) {
        st_statistics_dispose(&copy);
        return ST_ENOMEM;
    }
    *slot = copy;
    c->changes++;
    return 0;
}

static int apply_remove_stats(apply_ctx *c, int partition)
{
    st_table_metadata *m = c->m;
    for (int k = 0; k < c->u->n_ids; k++) {
        if (partition ? remove_stats_of(m->partition_statistics, &m->n_partition_statistics,
                                        c->u->ids[k])
                      : remove_stats_of(m->statistics, &m->n_statistics, c->u->ids[k]))
            c->changes++;
    }
    return 0;
}

static int apply_remove_specs(apply_ctx *c)
{
    st_table_metadata *m = c->m;
    for (int k = 0; k < c->u->n_ids; k++)
        if (c->u->ids32[k] == m->default_spec_id)
            return refuse(c, "cannot remove the default partition spec %d",
                          (int)m->default_spec_id);
    for (int k = 0; k < c->u->n_ids; k++)
        for (int i = 0; i < m->n_specs; i++)
            if (m->specs[i].spec_id == c->u->ids32[k]) {
                st_spec_dispose(&m->specs[i]);
                remove_item(m->specs, &m->n_specs, i, sizeof(*m->specs));
                c->changes++;
                break;
            }
    return 0;
}

static int apply_remove_schemas(apply_ctx *c)
{
    st_table_metadata *m = c->m;
    for (int k = 0; k < c->u->n_ids; k++)
        if (c->u->ids32[k] == m->current_schema_id)
            return refuse(c, "cannot remove the current schema %d", (int)m->current_schema_id);
    for (int k = 0; k < c->u->n_ids; k++)
        for (int i = 0; i < m->n_schemas; i++)
            if (m->schemas[i].schema_id == c->u->ids32[k]) {
                st_schema_dispose(&m->schemas[i]);
                remove_item(m->schemas, &m->n_schemas, i, sizeof(*m->schemas));
                c->changes++;
                break;
            }
    return 0;
}

/* ================================================================ driver */

static int apply_one(apply_ctx *c)
{
    switch (c->u->kind) {
    case ST_UPD_ASSIGN_UUID: return apply_assign_uuid(c);
    case ST_UPD_UPGRADE_FORMAT_VERSION: return apply_upgrade(c);
    case ST_UPD_ADD_SCHEMA: return apply_add_schema(c);
    case ST_UPD_SET_CURRENT_SCHEMA: return apply_set_current_schema(c);
    case ST_UPD_ADD_SPEC: return apply_add_spec(c);
    case ST_UPD_SET_DEFAULT_SPEC: return apply_set_default_spec(c);
    case ST_UPD_ADD_SORT_ORDER: return apply_add_sort_order(c);
    case ST_UPD_SET_DEFAULT_SORT_ORDER: return apply_set_default_sort_order(c);
    case ST_UPD_ADD_SNAPSHOT: return apply_add_snapshot(c);
    case ST_UPD_SET_SNAPSHOT_REF: return apply_set_ref(c);
    case ST_UPD_REMOVE_SNAPSHOTS: return apply_remove_snapshots(c);
    case ST_UPD_REMOVE_SNAPSHOT_REF: return apply_remove_ref(c);
    case ST_UPD_SET_LOCATION: return apply_set_location(c);
    case ST_UPD_SET_PROPERTIES: return apply_set_properties(c);
    case ST_UPD_REMOVE_PROPERTIES: return apply_remove_properties(c);
    case ST_UPD_SET_STATISTICS: return apply_set_stats(c, 0);
    case ST_UPD_REMOVE_STATISTICS: return apply_remove_stats(c, 0);
    case ST_UPD_SET_PARTITION_STATISTICS: return apply_set_stats(c, 1);
    case ST_UPD_REMOVE_PARTITION_STATISTICS: return apply_remove_stats(c, 1);
    case ST_UPD_REMOVE_PARTITION_SPECS: return apply_remove_specs(c);
    case ST_UPD_REMOVE_SCHEMAS: return apply_remove_schemas(c);
    }
    return st_error_set(ST_EINVALID, ST_ERROR_ICEBERG, "cannot apply update %d: unknown kind %d",
                        c->index, (int)c->u->kind);
}

/*
 * Java's updateSnapshotLog: snapshots that became current and were replaced
 * within this change leave the log, and when snapshots were removed the log
 * keeps only what follows the last entry of a removed snapshot (a gap would
 * make time travel answer with the wrong snapshot).
 */
static int fix_snapshot_log(apply_ctx *c)
{
    st_table_metadata *m = c->m;
    int intermediate = 0, n = 0, rc;
    int64_t *ids;

    for (int i = 0; i < c->main_added.n; i++)
        intermediate |= c->main_added.ids[i] != m->current_snapshot_id;
    if (!intermediate && !c->removed_snapshots)
        return 0;
    if ((rc = sorted_snapshot_ids(m, &ids)) < 0)
        return rc;
    for (int i = 0; i < m->n_snapshot_log; i++) {
        int64_t id = m->snapshot_log[i].snapshot_id;
        if (in_sorted(ids, m->n_snapshots, id)) {
            if (!(id != m->current_snapshot_id && id_list_has(&c->main_added, id)))
                m->snapshot_log[n++] = m->snapshot_log[i];
        } else if (c->removed_snapshots) {
            n = 0;
        }
    }
    st_free(ids);
    m->n_snapshot_log = n;
    if (n > 0 && st_metadata_current_snapshot(m) &&
        m->snapshot_log[n - 1].snapshot_id != m->current_snapshot_id)
        return st_error_set(ST_EINVALID, ST_ERROR_ICEBERG,
                            "invalid snapshot log: its latest entry is not the current snapshot");
    return 0;
}

/* Appends the base file to the metadata log, keeping at most
 * write.metadata.previous-versions-max entries (at least 1). */
static int log_base_file(apply_ctx *c)
{
    st_table_metadata *m = c->m;
    st_metadata_log_entry *e;
    int64_t max = st_props_get_i64(&m->properties, PREVIOUS_VERSIONS_MAX,
                                   PREVIOUS_VERSIONS_MAX_DEFAULT);
    char *file;

    if (!c->base || !c->base->metadata_location)
        return 0;
    if (max < 1)
        max = 1;
    if (!(file = st_strdup(c->base->metadata_location)))
        return st_error_set_oom();
    while (m->n_metadata_log >= max) {
        st_free(m->metadata_log[0].metadata_file);
        remove_item(m->metadata_log, &m->n_metadata_log, 0, sizeof(*m->metadata_log));
    }
    if (!(e = push_item((void **)&m->metadata_log, &m->n_metadata_log, sizeof(*e)))) {
        st_free(file);
        return ST_ENOMEM;
    }
    e->metadata_file = file;
    e->timestamp_ms = c->base->last_updated_ms;
    return 0;
}

/* What Java's build() and TableMetadata constructor insist on. */
static int check_result(apply_ctx *c)
{
    st_table_metadata *m = c->m;
    int rc;
    if (!st_metadata_current_schema(m))
        return st_error_set(ST_EINVALID, ST_ERROR_ICEBERG,
                            "invalid table metadata: no current schema (add one with add-schema "
                            "and set-current-schema)");
    if (!st_metadata_default_spec(m))
        return st_error_set(ST_EINVALID, ST_ERROR_ICEBERG,
                            "invalid table metadata: no default partition spec");
    if (!st_metadata_sort_order(m, m->default_sort_order_id))
        return st_error_set(ST_EINVALID, ST_ERROR_ICEBERG,
                            "invalid table metadata: no default sort order");
    if (!m->location)
        return st_error_set(ST_EINVALID, ST_ERROR_ICEBERG,
                            "invalid table metadata: no location (set-location)");
    if (!m->table_uuid[0] && (!c->base || m->format_version > 1) &&
        (rc = st_uuid4(m->table_uuid)) < 0)
        return rc;
    return 0;
}

/* The starting point of a new table: Java's empty builder, with the format
 * version the change upgrades to (as the REST server starts it). */
static int empty_metadata(st_table_metadata **out, const st_update *updates, int n)
{
    st_table_metadata *m = st_calloc(1, sizeof(*m));
    if (!m)
        return st_error_set_oom();
    m->format_version = 2;
    for (int i = 0; i < n; i++)
        if (updates[i].kind == ST_UPD_UPGRADE_FORMAT_VERSION) {
            if (updates[i].format_version >= 1 &&
                updates[i].format_version <= ST_FORMAT_VERSION_MAX)
                m->format_version = updates[i].format_version;
            break;
        }
    m->current_schema_id = -1;
    m->default_spec_id = -1;
    m->default_sort_order_id = -1;
    m->last_partition_id = ST_PARTITION_DATA_ID_START - 1;
    m->current_snapshot_id = -1;
    m->next_row_id = m->format_version >= 3 ? 0 : ST_NULL64;
    *out = m;
    return 0;
}

int st_updates_apply(st_table_metadata **out, int *changed, const st_table_metadata *base,
                     const st_update *updates, int n, int64_t now_ms)
{
    apply_ctx c;
    int rc;

    *out = NULL;
    *changed = 0;
    memset(&c, 0, sizeof(c));
    c.base = base;
    c.now_ms = now_ms;
    c.last_schema = c.last_spec = c.last_order = ST_NULL32;
    rc = base ? st_metadata_clone(&c.m, base) : empty_metadata(&c.m, updates, n);
    if (rc < 0)
        return rc;
    for (int i = 0; i < n; i++) {
        c.index = i;
        c.u = &updates[i];
        if ((rc = apply_one(&c)) < 0)
            goto done;
    }
    if (base && c.changes == 0) {
        /* Nothing changed: the base itself, still at its location. */
        *out = c.m;
        c.m = NULL;
        goto done;
    }
    if ((rc = fix_snapshot_log(&c)) < 0 || (rc = check_result(&c)) < 0 ||
        (rc = log_base_file(&c)) < 0)
        goto done;
    c.m->last_updated_ms = now_ms;
    st_free(c.m->metadata_location);
    c.m->metadata_location = NULL;
    *out = c.m;
    *changed = 1;
    c.m = NULL;
done:
    st_metadata_free(c.m);
    st_free(c.added_schemas.ids);
    st_free(c.added_specs.ids);
    st_free(c.added_orders.ids);
    st_free(c.added_snapshots.ids);
    st_free(c.main_added.ids);
    return rc;
}

/* ============================================================ new tables */

int st_metadata_new(st_table_metadata **out, const st_schema *schema,
                    const st_partition_spec *spec, const st_sort_order *order,
                    const char *location, const st_props *props, int format_version,
                    int64_t now_ms)
{
    st_change ch;
    st_update *u;
    int changed, rc;

    *out = NULL;
    if (!schema || !location)
        return st_error_set(ST_EINVALID, ST_ERROR_ICEBERG,
                            "a new table needs a schema and a location");
    if (format_version == 0)
        format_version = 2;
    st_change_init(&ch);
    rc = ST_ENOMEM;
    if (!(u = st_change_add_update(&ch, ST_UPD_ASSIGN_UUID)) ||
        (rc = st_uuid4(u->uuid)) < 0)
        goto done;
    rc = ST_ENOMEM;
    if (!(u = st_change_add_update(&ch, ST_UPD_UPGRADE_FORMAT_VERSION)))
        goto done;
    u->format_version = format_version;
    if (!(u = st_change_add_update(&ch, ST_UPD_ADD_SCHEMA)) ||
        (rc = st_schema_copy(&u->schema, schema)) < 0)
        goto done;
    rc = ST_ENOMEM;
    if (!(u = st_change_add_update(&ch, ST_UPD_SET_CURRENT_SCHEMA)))
        goto done;
    u->id = -1;
    if (!(u = st_change_add_update(&ch, ST_UPD_ADD_SPEC)) ||
        (spec && (rc = st_spec_copy(&u->spec, spec)) < 0))
        goto done;
    rc = ST_ENOMEM;
    if (!(u = st_change_add_update(&ch, ST_UPD_SET_DEFAULT_SPEC)))
        goto done;
    u->id = -1;
    if (!(u = st_change_add_update(&ch, ST_UPD_ADD_SORT_ORDER)) ||
        (order && (rc = st_sort_order_copy(&u->sort_order, order)) < 0))
        goto done;
    rc = ST_ENOMEM;
    if (!(u = st_change_add_update(&ch, ST_UPD_SET_DEFAULT_SORT_ORDER)))
        goto done;
    u->id = -1;
    if (!(u = st_change_add_update(&ch, ST_UPD_SET_LOCATION)) ||
        !(u->location = st_strdup(location)))
        goto done;
    if (props && props->n > 0 &&
        (!(u = st_change_add_update(&ch, ST_UPD_SET_PROPERTIES)) ||
         (rc = st_props_copy(&u->props, props)) < 0))
        goto done;
    rc = st_updates_apply(out, &changed, NULL, ch.updates, ch.n_updates, now_ms);
done:
    if (rc == ST_ENOMEM && st_error_last()->code != ST_ENOMEM)
        st_error_set_oom();
    st_change_free(&ch);
    return rc;
}
