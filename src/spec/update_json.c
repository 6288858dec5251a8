/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The REST JSON of a commit ({"requirements":[...],"updates":[...]}, the
 * TableRequirement and TableUpdate schemas of rest-catalog-open-api.yaml).
 * Other members ("identifier") are ignored. Malformed bodies and unknown
 * requirement types or update actions are ST_EINVALID naming the path; the
 * encryption-key actions, valid REST but not in this model, ST_EUNSUPPORTED.
 */
#include <stdio.h>

#include "spec/metadata_int.h"
#include "util/alloc.h"

/* ============================================================== reading */

static int read_requirement(st_jr *r, const json_t *j, st_change *c)
{
    const char *type, *s;
    st_requirement *q;
    int kind = 0, rc;

    if ((rc = st_jr_expect_obj(r, j)) < 0 || (rc = st_jr_str(r, j, "type", 1, &type)) < 0)
        return rc;
    for (int k = ST_REQ_ASSERT_CREATE; k <= ST_REQ_ASSERT_DEFAULT_SORT_ORDER_ID; k++)
        if (strcmp(type, st_requirement_kind_name(k)) == 0)
            kind = k;
    if (!kind) {
        size_t mark = st_jr_push(r, "type");
        rc = st_jr_fail(r, "unknown requirement type '%s'", type);
        st_jr_pop(r, mark);
        return rc;
    }
    if (!(q = st_change_add_req(c, (st_requirement_kind)kind)))
        return ST_ENOMEM;
    switch (q->kind) {
    case ST_REQ_ASSERT_CREATE: return 0;
    case ST_REQ_ASSERT_TABLE_UUID:
        if ((rc = st_jr_str(r, j, "uuid", 1, &s)) < 0)
            return rc;
        if (strlen(s) >= sizeof(q->uuid)) {
            size_t mark = st_jr_push(r, "uuid");
            rc = st_jr_fail(r, "'%.60s' is not a uuid", s);
            st_jr_pop(r, mark);
            return rc;
        }
        memcpy(q->uuid, s, strlen(s) + 1);
        return 0;
    case ST_REQ_ASSERT_REF_SNAPSHOT_ID:
        if ((rc = st_jr_str(r, j, "ref", 1, &s)) < 0 ||
            (rc = st_jr_i64(r, j, "snapshot-id", 0, ST_NULL64, &q->snapshot_id)) < 0)
            return rc;
        if (!(q->ref = st_strdup(s)))
            return st_error_set_oom();
        return 0;
    case ST_REQ_ASSERT_LAST_ASSIGNED_FIELD_ID: s = "last-assigned-field-id"; break;
    case ST_REQ_ASSERT_CURRENT_SCHEMA_ID: s = "current-schema-id"; break;
    case ST_REQ_ASSERT_LAST_ASSIGNED_PARTITION_ID: s = "last-assigned-partition-id"; break;
    case ST_REQ_ASSERT_DEFAULT_SPEC_ID: s = "default-spec-id"; break;
    default: s = "default-sort-order-id"; break;
    }
    int32_t id;
    if ((rc = st_jr_i32(r, j, s, 1, 0, &id)) < 0)
        return rc;
    q->id = id;
    return 0;
}

static int read_id_array(st_jr *r, const json_t *j, const char *key, int wide, st_update *u)
{
    json_t *arr, *v;
    size_t i, n;
    int rc;

    if ((rc = st_jr_arr(r, j, key, 1, &arr)) < 0)
        return rc;
    n = json_array_size(arr);
    if (n > INT32_MAX)
        return st_jr_fail(r, "too many ids");
    if (n > 0 && !(wide ? (void *)(u->ids = st_calloc(n, sizeof(int64_t)))
                        : (void *)(u->ids32 = st_calloc(n, sizeof(int32_t)))))
        return st_error_set_oom();
    json_array_foreach(arr, i, v) {
        json_int_t x = json_is_integer(v) ? json_integer_value(v) : 0;
        if (!json_is_integer(v) || (!wide && (x < INT32_MIN || x > INT32_MAX))) {
            size_t mark = st_jr_push(r, key);
            st_jr_push_index(r, i);
            rc = st_jr_fail(r, wide ? "expected an integer" : "expected a 32-bit integer");
            st_jr_pop(r, mark);
            return rc;
        }
        if (wide)
            u->ids[i] = (int64_t)x;
        else
            u->ids32[i] = (int32_t)x;
        u->n_ids = (int)i + 1;
    }
    return 0;
}

/* A member object read by one of the part readers, with the path pushed. */
#define READ_MEMBER(key, call)                                                               \
    do {                                                                                     \
        json_t *obj_;                                                                        \
        if ((rc = st_jr_obj(r, j, key, 1, &obj_)) < 0)                                       \
            return rc;                                                                       \
        size_t mark_ = st_jr_push(r, key);                                                   \
        rc = (call);                                                                         \
        st_jr_pop(r, mark_);                                                                 \
        return rc;                                                                           \
    } while (0)

static int read_update_body(st_jr *r, const json_t *j, st_update *u)
{
    const char *s;
    json_t *arr, *v;
    size_t i;
    int rc;

    switch (u->kind) {
    case ST_UPD_ASSIGN_UUID:
        if ((rc = st_jr_str(r, j, "uuid", 1, &s)) < 0)
            return rc;
        if (strlen(s) >= sizeof(u->uuid)) {
            size_t mark = st_jr_push(r, "uuid");
            rc = st_jr_fail(r, "'%.60s' is not a uuid", s);
            st_jr_pop(r, mark);
            return rc;
        }
        memcpy(u->uuid, s, strlen(s) + 1);
        return 0;
    case ST_UPD_UPGRADE_FORMAT_VERSION:
        return st_jr_i32(r, j, "format-version", 1, 0, &u->format_version);
    case ST_UPD_ADD_SCHEMA:
        if ((rc = st_jr_i32(r, j, "last-column-id", 0, ST_NULL32, &u->last_column_id)) < 0)
            return rc;
        READ_MEMBER("schema", st_json_read_schema(r, obj_, -1, &u->schema));
    case ST_UPD_SET_CURRENT_SCHEMA: return st_jr_i32(r, j, "schema-id", 1, 0, &u->id);
    case ST_UPD_ADD_SPEC: READ_MEMBER("spec", st_json_read_spec(r, obj_, 1, &u->spec));
    case ST_UPD_SET_DEFAULT_SPEC: return st_jr_i32(r, j, "spec-id", 1, 0, &u->id);
    case ST_UPD_ADD_SORT_ORDER:
        READ_MEMBER("sort-order", st_json_read_sort_order(r, obj_, 1, &u->sort_order));
    case ST_UPD_SET_DEFAULT_SORT_ORDER: return st_jr_i32(r, j, "sort-order-id", 1, 0, &u->id);
    case ST_UPD_ADD_SNAPSHOT: READ_MEMBER("snapshot", st_json_read_snapshot(r, obj_, &u->snapshot));
    case ST_UPD_SET_SNAPSHOT_REF:
        if ((rc = st_jr_str(r, j, "ref-name", 1, &s)) < 0)
            return rc;
        return st_json_read_ref(r, j, s, &u->ref);
    case ST_UPD_REMOVE_SNAPSHOTS: return read_id_array(r, j, "snapshot-ids", 1, u);
    case ST_UPD_REMOVE_SNAPSHOT_REF:
        if ((rc = st_jr_str(r, j, "ref-name", 1, &s)) < 0)
            return rc;
        return (u->ref_name = st_strdup(s)) ? 0 : st_error_set_oom();
    case ST_UPD_SET_LOCATION:
        if ((rc = st_jr_str(r, j, "location", 1, &s)) < 0)
            return rc;
        return (u->location = st_strdup(s)) ? 0 : st_error_set_oom();
    case ST_UPD_SET_PROPERTIES: READ_MEMBER("updates", st_jr_string_map(r, obj_, &u->props));
    case ST_UPD_REMOVE_PROPERTIES:
        if ((rc = st_jr_arr(r, j, "removals", 1, &arr)) < 0)
            return rc;
        if (json_array_size(arr) > 0 &&
            !(u->keys = st_calloc(json_array_size(arr), sizeof(char *))))
            return st_error_set_oom();
        json_array_foreach(arr, i, v) {
            if (!json_is_string(v)) {
                size_t mark = st_jr_push(r, "removals");
                st_jr_push_index(r, i);
                rc = st_jr_fail(r, "expected a string");
                st_jr_pop(r, mark);
                return rc;
            }
            if (!(u->keys[i] = st_strdup(json_string_value(v))))
                return st_error_set_oom();
            u->n_keys = (int)i + 1;
        }
        return 0;
    case ST_UPD_SET_STATISTICS:
        READ_MEMBER("statistics", st_json_read_statistics(r, obj_, 0, &u->stats));
    case ST_UPD_SET_PARTITION_STATISTICS:
        READ_MEMBER("partition-statistics", st_json_read_statistics(r, obj_, 1, &u->stats));
    case ST_UPD_REMOVE_STATISTICS:
    case ST_UPD_REMOVE_PARTITION_STATISTICS:
        if (!(u->ids = st_calloc(1, sizeof(int64_t))))
            return st_error_set_oom();
        u->n_ids = 1;
        return st_jr_i64(r, j, "snapshot-id", 1, 0, &u->ids[0]);
    case ST_UPD_REMOVE_PARTITION_SPECS: return read_id_array(r, j, "spec-ids", 0, u);
    case ST_UPD_REMOVE_SCHEMAS: return read_id_array(r, j, "schema-ids", 0, u);
    }
    return st_jr_fail(r, "unknown update kind %d", (int)u->kind);
}

static int read_update(st_jr *r, const json_t *j, st_change *c)
{
    const char *action;
    st_update *u;
    int kind = 0, rc;

    if ((rc = st_jr_expect_obj(r, j)) < 0 || (rc = st_jr_str(r, j, "action", 1, &action)) < 0)
        return rc;
    for (int k = ST_UPD_ASSIGN_UUID; k <= ST_UPD_REMOVE_SCHEMAS; k++)
        if (strcmp(action, st_update_kind_name(k)) == 0)
            kind = k;
    if (!kind) {
        size_t mark = st_jr_push(r, "action");
        if (strcmp(action, "add-encryption-key") == 0 ||
            strcmp(action, "remove-encryption-key") == 0)
            rc = st_jr_fail_code(r, ST_EUNSUPPORTED, "update action '%s' is not supported",
                                 action);
        else
            rc = st_jr_fail(r, "unknown update action '%s'", action);
        st_jr_pop(r, mark);
        return rc;
    }
    if (!(u = st_change_add_update(c, (st_update_kind)kind)))
        return ST_ENOMEM;
    return read_update_body(r, j, u);
}

int st_change_from_json(st_change *out, const char *json, size_t len)
{
    json_error_t err;
    json_t *root, *arr, *v;
    size_t i;
    st_jr r;
    int rc;

    st_change_init(out);
    if (!(root = json_loadb(json, len, 0, &err)))
        return st_error_set(ST_EINVALID, ST_ERROR_ICEBERG,
                            "invalid JSON: %s (line %d, column %d)", err.text, err.line,
                            err.column);
    st_jr_init(&r, ST_EINVALID, NULL);
    if ((rc = st_jr_expect_obj(&r, root)) < 0 ||
        (rc = st_jr_arr(&r, root, "requirements", 0, &arr)) < 0)
        goto done;
    json_array_foreach(arr, i, v) {
        size_t mark = st_jr_push(&r, "requirements");
        st_jr_push_index(&r, i);
        rc = read_requirement(&r, v, out);
        st_jr_pop(&r, mark);
        if (rc < 0)
            goto done;
    }
    if ((rc = st_jr_arr(&r, root, "updates", 0, &arr)) < 0)
        goto done;
    json_array_foreach(arr, i, v) {
        size_t mark = st_jr_push(&r, "updates");
        st_jr_push_index(&r, i);
        rc = read_update(&r, v, out);
        st_jr_pop(&r, mark);
        if (rc < 0)
            goto done;
    }
done:
    if (rc < 0)
        st_change_free(out);
    json_decref(root);
    return rc;
}

/* ============================================================== writing */

static int write_requirement(st_jw *w, const st_requirement *q)
{
    const char *name = st_requirement_kind_name((int)q->kind), *key = NULL;
    if (!name)
        return st_error_set(ST_EINVALID, ST_ERROR_ICEBERG, "unknown requirement kind %d",
                            (int)q->kind);
    st_jw_begin_obj(w);
    st_jw_key(w, "type");
    st_jw_str(w, name);
    switch (q->kind) {
    case ST_REQ_ASSERT_CREATE: break;
    case ST_REQ_ASSERT_TABLE_UUID:
        st_jw_key(w, "uuid");
        st_jw_str(w, q->uuid);
        break;
    case ST_REQ_ASSERT_REF_SNAPSHOT_ID:
        st_jw_key(w, "ref");
        st_jw_str(w, q->ref ? q->ref : "");
        st_jw_key(w, "snapshot-id");
        if (q->snapshot_id == ST_NULL64)
            st_jw_null(w);
        else
            st_jw_i64(w, q->snapshot_id);
        break;
    case ST_REQ_ASSERT_LAST_ASSIGNED_FIELD_ID: key = "last-assigned-field-id"; break;
    case ST_REQ_ASSERT_CURRENT_SCHEMA_ID: key = "current-schema-id"; break;
    case ST_REQ_ASSERT_LAST_ASSIGNED_PARTITION_ID: key = "last-assigned-partition-id"; break;
    case ST_REQ_ASSERT_DEFAULT_SPEC_ID: key = "default-spec-id"; break;
    case ST_REQ_ASSERT_DEFAULT_SORT_ORDER_ID: key = "default-sort-order-id"; break;
    }
    if (key) {
        st_jw_key(w, key);
        st_jw_i64(w, q->id);
    }
    st_jw_end_obj(w);
    return 0;
}

static void write_ids(st_jw *w, const char *key, const st_update *u, int wide)
{
    st_jw_key(w, key);
    st_jw_begin_arr(w);
    for (int i = 0; i < u->n_ids; i++)
        st_jw_i64(w, wide ? u->ids[i] : u->ids32[i]);
    st_jw_end_arr(w);
}

static int write_update(st_jw *w, const st_update *u)
{
    const char *name = st_update_kind_name((int)u->kind);
    if (!name)
        return st_error_set(ST_EINVALID, ST_ERROR_ICEBERG, "unknown update kind %d",
                            (int)u->kind);
    st_jw_begin_obj(w);
    st_jw_key(w, "action");
    st_jw_str(w, name);
    switch (u->kind) {
    case ST_UPD_ASSIGN_UUID:
        st_jw_key(w, "uuid");
        st_jw_str(w, u->uuid);
        break;
    case ST_UPD_UPGRADE_FORMAT_VERSION:
        st_jw_key(w, "format-version");
        st_jw_i64(w, u->format_version);
        break;
    case ST_UPD_ADD_SCHEMA:
        st_jw_key(w, "schema");
        st_jw_schema(w, &u->schema);
        if (u->last_column_id != ST_NULL32) {
            st_jw_key(w, "last-column-id");
            st_jw_i64(w, u->last_column_id);
        }
        break;
    case ST_UPD_SET_CURRENT_SCHEMA:
        st_jw_key(w, "schema-id");
        st_jw_i64(w, u->id);
        break;
    case ST_UPD_ADD_SPEC:
        st_jw_key(w, "spec");
        st_jw_spec(w, &u->spec);
        break;
    case ST_UPD_SET_DEFAULT_SPEC:
        st_jw_key(w, "spec-id");
        st_jw_i64(w, u->id);
        break;
    case ST_UPD_ADD_SORT_ORDER:
        st_jw_key(w, "sort-order");
        st_jw_sort_order(w, &u->sort_order);
        break;
    case ST_UPD_SET_DEFAULT_SORT_ORDER:
        st_jw_key(w, "sort-order-id");
        st_jw_i64(w, u->id);
        break;
    case ST_UPD_ADD_SNAPSHOT:
        st_jw_key(w, "snapshot");
        st_jw_snapshot(w, &u->snapshot);
        break;
    case ST_UPD_SET_SNAPSHOT_REF:
        st_jw_key(w, "ref-name");
        st_jw_str(w, u->ref.name ? u->ref.name : "");
        st_jw_ref_members(w, &u->ref);
        break;
    case ST_UPD_REMOVE_SNAPSHOTS: write_ids(w, "snapshot-ids", u, 1); break;
    case ST_UPD_REMOVE_SNAPSHOT_REF:
        st_jw_key(w, "ref-name");
        st_jw_str(w, u->ref_name ? u->ref_name : "");
        break;
    case ST_UPD_SET_LOCATION:
        st_jw_key(w, "location");
        st_jw_str(w, u->location ? u->location : "");
        break;
    case ST_UPD_SET_PROPERTIES:
        st_jw_key(w, "updates");
        st_jw_begin_obj(w);
        for (int i = 0; i < u->props.n; i++) {
            st_jw_key(w, u->props.items[i].key);
            st_jw_str(w, u->props.items[i].value);
        }
        st_jw_end_obj(w);
        break;
    case ST_UPD_REMOVE_PROPERTIES:
        st_jw_key(w, "removals");
        st_jw_begin_arr(w);
        for (int i = 0; i < u->n_keys; i++)
            st_jw_str(w, u->keys[i] ? u->keys[i] : "");
        st_jw_end_arr(w);
        break;
    case ST_UPD_SET_STATISTICS:
        st_jw_key(w, "statistics");
        st_jw_statistics(w, &u->stats, 0);
        break;
    case ST_UPD_SET_PARTITION_STATISTICS:
        st_jw_key(w, "partition-statistics");
        st_jw_statistics(w, &u->stats, 1);
        break;
    case ST_UPD_REMOVE_STATISTICS:
    case ST_UPD_REMOVE_PARTITION_STATISTICS:
        st_jw_key(w, "snapshot-id");
        st_jw_i64(w, u->n_ids > 0 ? u->ids[0] : -1);
        break;
    case ST_UPD_REMOVE_PARTITION_SPECS: write_ids(w, "spec-ids", u, 0); break;
    case ST_UPD_REMOVE_SCHEMAS: write_ids(w, "schema-ids", u, 0); break;
    }
    st_jw_end_obj(w);
    return 0;
}

int st_change_to_json(char **out, const st_change *c)
{
    st_jw w = {ST_BUF_INIT, 0};
    int rc = 0;

    *out = NULL;
    st_jw_begin_obj(&w);
    st_jw_key(&w, "requirements");
    st_jw_begin_arr(&w);
    for (int i = 0; i < c->n_reqs && rc == 0; i++)
        rc = write_requirement(&w, &c->reqs[i]);
    st_jw_end_arr(&w);
    st_jw_key(&w, "updates");
    st_jw_begin_arr(&w);
    for (int i = 0; i < c->n_updates && rc == 0; i++)
        rc = write_update(&w, &c->updates[i]);
    st_jw_end_arr(&w);
    st_jw_end_obj(&w);
    if (rc < 0) {
        st_buf_dispose(&w.buf);
        return rc;
    }
    return st_jw_finish(&w, out);
}
