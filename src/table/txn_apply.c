/* SPDX-License-Identifier: Apache-2.0 */
/* Intents -> REST-model requirements and updates, on one base version. */
#include <stdio.h>
#include <string.h>

#include "spec/metadata_int.h"
#include "spec/partition_parse.h"
#include "supertable/errors.h"
#include "table/txn_int.h"
#include "util/alloc.h"

static int is_schema_intent(txn_intent_kind k)
{
    return k >= TI_ADD_COLUMN && k <= TI_SET_DOC;
}

static int is_spec_intent(txn_intent_kind k)
{
    return k == TI_ADD_PARTITION_FIELD || k == TI_DROP_PARTITION_FIELD;
}

static int has_intent(const st_txn *x, int (*pred)(txn_intent_kind))
{
    for (int i = 0; i < x->n_intents; i++)
        if (pred(x->intents[i].kind))
            return 1;
    return 0;
}

static int req_id(st_change *c, st_requirement_kind kind, int64_t id)
{
    st_requirement *r = st_change_add_req(c, kind);
    if (!r)
        return ST_ENOMEM;
    r->id = id;
    return 0;
}

/* ---------------------------------------------------------------- schema */

static int build_schema(st_txn *x, const st_table_metadata *base, st_change *c)
{
    if (!has_intent(x, is_schema_intent))
        return 0;
    if (base->current_schema_id != x->begin->current_schema_id)
        return st_error_set(ST_ECONFLICT, ST_ERROR_TABLE,
                            "table '%s': the schema changed concurrently (schema %d is now %d)",
                            x->t->display, x->begin->current_schema_id, base->current_schema_id);
    int32_t last = base->last_column_id;
    st_schema s;
    int rc = st_schema_evolve(&s, base, x->intents, x->n_intents, &last);
    if (rc)
        return rc;
    /* back to an earlier schema (a drop undone...): make that one current, as
     * Java's builder records it: with its id, not "the last added" */
    for (int i = 0; i < base->n_schemas; i++)
        if (st_schema_same(&base->schemas[i], &s)) {
            int32_t id = base->schemas[i].schema_id;
            st_schema_dispose(&s);
            if (id == base->current_schema_id)
                return 0;
            st_update *cu = st_change_add_update(c, ST_UPD_SET_CURRENT_SCHEMA);
            if (!cu)
                return ST_ENOMEM;
            cu->id = id;
            return req_id(c, ST_REQ_ASSERT_CURRENT_SCHEMA_ID, base->current_schema_id);
        }
    st_update *u = st_change_add_update(c, ST_UPD_ADD_SCHEMA);
    if (!u) {
        st_schema_dispose(&s);
        return ST_ENOMEM;
    }
    u->schema = s;
    u->last_column_id = last;
    if (!(u = st_change_add_update(c, ST_UPD_SET_CURRENT_SCHEMA)))
        return ST_ENOMEM;
    u->id = -1;
    if ((rc = req_id(c, ST_REQ_ASSERT_CURRENT_SCHEMA_ID, base->current_schema_id)) == 0)
        rc = req_id(c, ST_REQ_ASSERT_LAST_ASSIGNED_FIELD_ID, base->last_column_id);
    return rc;
}

/* The schema the spec and sort intents see: the evolved one when the same
 * transaction changes the schema (a column added and partitioned at once). */
static const st_type *schema_after(const st_change *c, const st_table_metadata *base)
{
    for (int i = c->n_updates - 1; i >= 0; i--)
        if (c->updates[i].kind == ST_UPD_ADD_SCHEMA)
            return c->updates[i].schema.type;
    const st_schema *s = st_metadata_current_schema(base);
    return s ? s->type : NULL;
}

/* ------------------------------------------------------------ partitioning */

static int same_field(const st_partition_field *a, const st_partition_field *b)
{
    return a->source_id == b->source_id && strcmp(a->transform.text, b->transform.text) == 0;
}

static int spec_push(st_partition_spec *s, const st_partition_field *f)
{
    st_partition_field *nf = st_realloc(s->fields, (size_t)(s->n_fields + 1) * sizeof *nf);
    if (!nf)
        return st_error_set_oom();
    s->fields = nf;
    nf[s->n_fields] = *f;
    if (!(nf[s->n_fields].name = st_strdup(f->name)))
        return st_error_set_oom();
    s->n_fields++;
    return 0;
}

static int add_partition_field(st_partition_spec *spec, const char *text, const st_type *schema,
                               const st_table_metadata *base, int32_t *last_pid)
{
    st_partition_spec one;
    memset(&one, 0, sizeof one);
    int32_t tmp_last = *last_pid;
    int rc = st_partition_spec_parse(&one, text, schema, &tmp_last);
    if (rc)
        return rc;
    for (int i = 0; i < one.n_fields && rc == 0; i++) {
        st_partition_field f = one.fields[i];
        for (int j = 0; j < spec->n_fields; j++) {
            if (same_field(&spec->fields[j], &f) &&
                spec->fields[j].transform.kind != ST_TRANSFORM_VOID) {
                rc = st_error_set(ST_EINVALID, ST_ERROR_TABLE,
                                  "partition field '%s' already partitions the table as '%s'",
                                  text, spec->fields[j].name);
                break;
            }
            if (strcmp(spec->fields[j].name, f.name) == 0) {
                rc = st_error_set(ST_EINVALID, ST_ERROR_TABLE,
                                  "a partition field named '%s' already exists", f.name);
                break;
            }
        }
        if (rc)
            break;
        /* v2+: an equivalent field of an older spec keeps its id */
        f.field_id = ST_NULL32;
        if (base->format_version >= 2)
            for (int s = 0; s < base->n_specs && f.field_id == ST_NULL32; s++)
                for (int k = 0; k < base->specs[s].n_fields; k++)
                    if (same_field(&base->specs[s].fields[k], &f)) {
                        f.field_id = base->specs[s].fields[k].field_id;
                        break;
                    }
        if (f.field_id == ST_NULL32)
            f.field_id = ++*last_pid;
        rc = spec_push(spec, &f);
    }
    st_spec_dispose(&one);
    return rc;
}

static int drop_partition_field(st_partition_spec *spec, const char *name, int format_version)
{
    for (int i = 0; i < spec->n_fields; i++) {
        if (strcmp(spec->fields[i].name, name) != 0)
            continue;
        if (format_version == 1) {
            /* v1 specs cannot lose a field: it becomes void (always null) */
            return st_transform_parse(&spec->fields[i].transform, "void");
        }
        st_free(spec->fields[i].name);
        memmove(spec->fields + i, spec->fields + i + 1,
                (size_t)(spec->n_fields - i - 1) * sizeof *spec->fields);
        spec->n_fields--;
        return 0;
    }
    return st_error_set(ST_ENOTFOUND, ST_ERROR_TABLE, "no partition field named '%s'", name);
}

static int build_spec(st_txn *x, const st_table_metadata *base, st_change *c)
{
    if (!has_intent(x, is_spec_intent))
        return 0;
    if (base->default_spec_id != x->begin->default_spec_id)
        return st_error_set(ST_ECONFLICT, ST_ERROR_TABLE,
                            "table '%s': the partition spec changed concurrently", x->t->display);
    const st_partition_spec *cur = st_metadata_default_spec(base);
    const st_type *schema = schema_after(c, base);
    st_partition_spec spec;
    int rc = cur ? st_spec_copy(&spec, cur) : 0;
    if (rc)
        return rc;
    if (!cur)
        memset(&spec, 0, sizeof spec);
    int32_t last = base->last_partition_id;
    for (int i = 0; i < x->n_intents && rc == 0; i++) {
        const txn_intent *in = &x->intents[i];
        if (in->kind == TI_ADD_PARTITION_FIELD)
            rc = add_partition_field(&spec, in->s1, schema, base, &last);
        else if (in->kind == TI_DROP_PARTITION_FIELD)
            rc = drop_partition_field(&spec, in->s1, base->format_version);
    }
    if (rc) {
        st_spec_dispose(&spec);
        return rc;
    }
    spec.spec_id = -1;
    for (int i = 0; i < base->n_specs; i++)
        if (st_spec_compatible(&base->specs[i], &spec)) {
            int32_t id = base->specs[i].spec_id;
            st_spec_dispose(&spec);
            if (id == base->default_spec_id)
                return 0;
            st_update *du = st_change_add_update(c, ST_UPD_SET_DEFAULT_SPEC);
            if (!du)
                return ST_ENOMEM;
            du->id = id;
            return req_id(c, ST_REQ_ASSERT_DEFAULT_SPEC_ID, base->default_spec_id);
        }
    st_update *u = st_change_add_update(c, ST_UPD_ADD_SPEC);
    if (!u) {
        st_spec_dispose(&spec);
        return ST_ENOMEM;
    }
    u->spec = spec;
    if (!(u = st_change_add_update(c, ST_UPD_SET_DEFAULT_SPEC)))
        return ST_ENOMEM;
    u->id = -1;
    if ((rc = req_id(c, ST_REQ_ASSERT_DEFAULT_SPEC_ID, base->default_spec_id)) == 0)
        rc = req_id(c, ST_REQ_ASSERT_LAST_ASSIGNED_PARTITION_ID, base->last_partition_id);
    return rc;
}

static int build_sort(st_txn *x, const st_table_metadata *base, st_change *c)
{
    const txn_intent *last = NULL;
    for (int i = 0; i < x->n_intents; i++)
        if (x->intents[i].kind == TI_SET_SORT_ORDER)
            last = &x->intents[i];
    if (!last)
        return 0;
    st_sort_order o;
    memset(&o, 0, sizeof o);
    int rc = 0;
    if (*last->s1)
        rc = st_sort_order_parse(&o, last->s1, schema_after(c, base));
    if (rc)
        return rc;
    o.order_id = o.n_fields ? -1 : 0;
    for (int i = 0; i < base->n_sort_orders; i++)
        if (st_sort_order_same(&base->sort_orders[i], &o)) {
            int32_t id = base->sort_orders[i].order_id;
            st_sort_order_dispose(&o);
            if (id == base->default_sort_order_id)
                return 0;
            st_update *du = st_change_add_update(c, ST_UPD_SET_DEFAULT_SORT_ORDER);
            if (!du)
                return ST_ENOMEM;
            du->id = id;
            return req_id(c, ST_REQ_ASSERT_DEFAULT_SORT_ORDER_ID, base->default_sort_order_id);
        }
    st_update *u = st_change_add_update(c, ST_UPD_ADD_SORT_ORDER);
    if (!u) {
        st_sort_order_dispose(&o);
        return ST_ENOMEM;
    }
    u->sort_order = o;
    if (!(u = st_change_add_update(c, ST_UPD_SET_DEFAULT_SORT_ORDER)))
        return ST_ENOMEM;
    u->id = -1;
    return req_id(c, ST_REQ_ASSERT_DEFAULT_SORT_ORDER_ID, base->default_sort_order_id);
}

/* -------------------------------------------------------------- properties */

static int build_props(st_txn *x, st_change *c)
{
    st_update *set = NULL, *rem = NULL;
    for (int i = 0; i < x->n_intents; i++) {
        const txn_intent *in = &x->intents[i];
        if (in->kind == TI_SET_PROPERTY) {
            if (!set && !(set = st_change_add_update(c, ST_UPD_SET_PROPERTIES)))
                return ST_ENOMEM;
            int rc = st_props_set(&set->props, in->s1, in->s2);
            if (rc)
                return rc;
        } else if (in->kind == TI_REMOVE_PROPERTY) {
            if (!rem && !(rem = st_change_add_update(c, ST_UPD_REMOVE_PROPERTIES)))
                return ST_ENOMEM;
            char **k = st_realloc(rem->keys, (size_t)(rem->n_keys + 1) * sizeof(char *));
            if (!k)
                return st_error_set_oom();
            rem->keys = k;
            if (!(k[rem->n_keys] = st_strdup(in->s1)))
                return st_error_set_oom();
            rem->n_keys++;
        }
    }
    return 0;
}

/* -------------------------------------------------------------------- refs */

/* The head of a ref in the metadata being built: refs set earlier in this
 * change win over the base. */
static int64_t ref_head(const st_change *c, const st_table_metadata *base, const char *name,
                        int *exists, int *is_tag)
{
    for (int i = c->n_updates - 1; i >= 0; i--) {
        const st_update *u = &c->updates[i];
        if (u->kind == ST_UPD_SET_SNAPSHOT_REF && strcmp(u->ref.name, name) == 0) {
            *exists = 1;
            *is_tag = u->ref.is_tag;
            return u->ref.snapshot_id;
        }
        if (u->kind == ST_UPD_REMOVE_SNAPSHOT_REF && strcmp(u->ref_name, name) == 0) {
            *exists = 0;
            return -1;
        }
    }
    const st_snapshot_ref *r = st_metadata_ref(base, name);
    *exists = r != NULL;
    *is_tag = r ? r->is_tag : 0;
    if (!r && strcmp(name, "main") == 0 && base->current_snapshot_id >= 0) {
        *exists = 1;
        return base->current_snapshot_id;
    }
    return r ? r->snapshot_id : -1;
}

static int set_ref(st_change *c, const char *name, int64_t id, int is_tag,
                   const st_snapshot_ref *keep)
{
    st_update *u = st_change_add_update(c, ST_UPD_SET_SNAPSHOT_REF);
    if (!u)
        return ST_ENOMEM;
    if (keep) {
        int rc = st_ref_copy(&u->ref, keep);
        if (rc)
            return rc;
    } else {
        u->ref.min_snapshots_to_keep = ST_NULL32;
        u->ref.max_snapshot_age_ms = ST_NULL64;
        u->ref.max_ref_age_ms = ST_NULL64;
        if (!(u->ref.name = st_strdup(name)))
            return st_error_set_oom();
    }
    u->ref.snapshot_id = id;
    u->ref.is_tag = is_tag;
    return 0;
}

static int is_ancestor(const st_table_metadata *md, int64_t ancestor, int64_t of)
{
    const st_snapshot *s = st_metadata_snapshot(md, of);
    for (int steps = 0; s && steps <= md->n_snapshots; steps++) {
        if (s->snapshot_id == ancestor)
            return 1;
        s = s->parent_id == ST_NULL64 ? NULL : st_metadata_snapshot(md, s->parent_id);
    }
    return 0;
}

static int build_ref_intent(st_txn *x, const st_table_metadata *base, st_change *c,
                            const txn_intent *in)
{
    int exists = 0, is_tag = 0;
    const char *tn = x->t->display;
    switch (in->kind) {
    case TI_CREATE_BRANCH:
    case TI_CREATE_TAG:
        ref_head(c, base, in->s1, &exists, &is_tag);
        if (exists)
            return st_error_set(ST_EEXISTS, ST_ERROR_TABLE, "table '%s': ref '%s' already exists",
                                tn, in->s1);
        if (!st_metadata_snapshot(base, in->i1))
            return st_error_set(ST_ECONFLICT, ST_ERROR_TABLE,
                                "table '%s': snapshot %lld was expired concurrently", tn,
                                (long long)in->i1);
        return set_ref(c, in->s1, in->i1, in->kind == TI_CREATE_TAG, NULL);
    case TI_REPLACE_REF: {
        ref_head(c, base, in->s1, &exists, &is_tag);
        if (!exists)
            return st_error_set(ST_ENOTFOUND, ST_ERROR_TABLE, "table '%s' has no ref '%s'", tn,
                                in->s1);
        return set_ref(c, in->s1, in->i1, is_tag, st_metadata_ref(base, in->s1));
    }
    case TI_FAST_FORWARD: {
        int to_exists = 0, to_tag = 0;
        int64_t from = ref_head(c, base, in->s1, &exists, &is_tag);
        int64_t to = ref_head(c, base, in->s2, &to_exists, &to_tag);
        if (!exists || is_tag)
            return st_error_set(ST_ENOTFOUND, ST_ERROR_TABLE, "table '%s' has no branch '%s'",
                                tn, in->s1);
        if (!to_exists)
            return st_error_set(ST_ENOTFOUND, ST_ERROR_TABLE, "table '%s' has no ref '%s'", tn,
                                in->s2);
        if (from == to)
            return 0;
        if (!is_ancestor(base, from, to))
            return st_error_set(ST_EINVALID, ST_ERROR_TABLE,
                                "cannot fast-forward '%s' to '%s': %lld is not an ancestor of %lld",
                                in->s1, in->s2, (long long)from, (long long)to);
        return set_ref(c, in->s1, to, 0, st_metadata_ref(base, in->s1));
    }
    case TI_REMOVE_REF: {
        ref_head(c, base, in->s1, &exists, &is_tag);
        if (!exists)
            return st_error_set(ST_ENOTFOUND, ST_ERROR_TABLE, "table '%s' has no ref '%s'", tn,
                                in->s1);
        st_update *u = st_change_add_update(c, ST_UPD_REMOVE_SNAPSHOT_REF);
        if (!u || !(u->ref_name = st_strdup(in->s1)))
            return st_error_set_oom();
        return 0;
    }
    case TI_REF_RETENTION: {
        int64_t head = ref_head(c, base, in->s1, &exists, &is_tag);
        const st_snapshot_ref *r = st_metadata_ref(base, in->s1);
        if (!exists)
            return st_error_set(ST_ENOTFOUND, ST_ERROR_TABLE, "table '%s' has no ref '%s'", tn,
                                in->s1);
        if (is_tag && (in->i1 >= 0 || in->i2 >= 0))
            return st_error_set(ST_EINVALID, ST_ERROR_TABLE,
                                "tag '%s': only max-ref-age applies to tags", in->s1);
        int rc = set_ref(c, in->s1, head, is_tag, r);
        if (rc)
            return rc;
        st_update *u = &c->updates[c->n_updates - 1];
        u->ref.min_snapshots_to_keep = in->i1 >= 0 ? (int32_t)in->i1 : ST_NULL32;
        u->ref.max_snapshot_age_ms = in->i2 >= 0 ? in->i2 : ST_NULL64;
        u->ref.max_ref_age_ms = in->i3 >= 0 ? in->i3 : ST_NULL64;
        return 0;
    }
    case TI_ROLLBACK_TO: {
        int64_t head = ref_head(c, base, "main", &exists, &is_tag);
        if (!is_ancestor(base, in->i1, head))
            return st_error_set(ST_EINVALID, ST_ERROR_TABLE,
                                "cannot roll back to %lld: it is not an ancestor of the current "
                                "snapshot %lld (use set-current-snapshot)",
                                (long long)in->i1, (long long)head);
        return set_ref(c, "main", in->i1, 0, st_metadata_ref(base, "main"));
    }
    case TI_SET_CURRENT:
        if (!st_metadata_snapshot(base, in->i1))
            return st_error_set(ST_ECONFLICT, ST_ERROR_TABLE,
                                "table '%s': snapshot %lld was expired concurrently", tn,
                                (long long)in->i1);
        return set_ref(c, "main", in->i1, 0, st_metadata_ref(base, "main"));
    default:
        return 0;
    }
}

/* -------------------------------------------------------------- expiration */

static int build_expire(st_txn *x, const st_table_metadata *base, st_change *c,
                        const txn_intent *in)
{
    int n = base->n_snapshots;
    if (!n)
        return 0;
    uint8_t *keep = st_calloc((size_t)n, 1);
    if (!keep)
        return st_error_set_oom();
    int64_t now = st_now_ms();
    int64_t older = in->i1 >= 0 ? in->i1 : INT64_MAX;
    /* every ref's head, and the newest `retain` ancestors of every branch */
    for (int r = 0; r < base->n_refs; r++) {
        const st_snapshot_ref *ref = &base->refs[r];
        if (ref->is_tag && ref->max_ref_age_ms != ST_NULL64) {
            const st_snapshot *h = st_metadata_snapshot(base, ref->snapshot_id);
            if (h && now - h->timestamp_ms > ref->max_ref_age_ms)
                continue;   /* an expired tag no longer protects its snapshot */
        }
        int retain = ref->is_tag ? 1 : (int)in->i2;
        if (!ref->is_tag && ref->min_snapshots_to_keep != ST_NULL32 &&
            ref->min_snapshots_to_keep > retain)
            retain = ref->min_snapshots_to_keep;
        const st_snapshot *s = st_metadata_snapshot(base, ref->snapshot_id);
        for (int k = 0; s && k < n; k++) {
            int idx = (int)(s - base->snapshots);
            if (k < retain || s->timestamp_ms >= older)
                keep[idx] = 1;
            else if (!ref->is_tag && ref->max_snapshot_age_ms != ST_NULL64 &&
                     now - s->timestamp_ms <= ref->max_snapshot_age_ms)
                keep[idx] = 1;
            s = s->parent_id == ST_NULL64 ? NULL : st_metadata_snapshot(base, s->parent_id);
        }
    }
    /* snapshots on no branch: kept only while younger than the limit */
    int n_remove = 0;
    for (int i = 0; i < n; i++) {
        if (!keep[i] && base->snapshots[i].timestamp_ms >= older)
            keep[i] = 1;
        n_remove += !keep[i];
    }
    int rc = 0;
    if (n_remove) {
        st_update *u = st_change_add_update(c, ST_UPD_REMOVE_SNAPSHOTS);
        if (!u || !(u->ids = st_calloc((size_t)n_remove, sizeof(int64_t)))) {
            rc = st_error_set_oom();
        } else {
            for (int i = 0; i < n; i++)
                if (!keep[i])
                    u->ids[u->n_ids++] = base->snapshots[i].snapshot_id;
        }
    }
    st_free(keep);
    (void)x;
    return rc;
}

/* ------------------------------------------------------------ the assembly */

static int has_data(const st_txn *x)
{
    return x->op != TD_NONE || x->n_added > 0;
}

/* Whether `id` (or a cherry-pick of it) is already in main's history. */
static int already_picked(const st_table_metadata *base, int64_t head, int64_t id)
{
    char text[32];
    snprintf(text, sizeof text, "%lld", (long long)id);
    const st_snapshot *s = head >= 0 ? st_metadata_snapshot(base, head) : NULL;
    for (int steps = 0; s && steps <= base->n_snapshots; steps++) {
        const char *src = st_props_get(&s->summary, "source-snapshot-id");
        if (s->snapshot_id == id || (src && strcmp(src, text) == 0))
            return 1;
        s = s->parent_id == ST_NULL64 ? NULL : st_metadata_snapshot(base, s->parent_id);
    }
    return 0;
}

/* A cherry-pick whose parent is not main's head: the picked append's new
 * files become this transaction's added files (read once, kept across
 * attempts), committed as a new append on main. */
static int load_picked_files(st_txn *x, const st_table_metadata *base, const st_snapshot *s)
{
    st_arena a = ST_ARENA_INIT;
    st_manifest_file *files = NULL;
    int n = 0, rc;
    const char *op = st_props_get(&s->summary, "operation");
    if (!op || strcmp(op, "append") != 0)
        return st_error_set(ST_EUNSUPPORTED, ST_ERROR_TABLE,
                            "cherry-pick of snapshot %lld: only appends can be picked onto a "
                            "different parent (this one is '%s')",
                            (long long)s->snapshot_id, op ? op : "?");
    if ((rc = st_snapshot_manifests(x->t, base, s, &a, &files, &n)) < 0)
        goto done;
    for (int i = 0; i < n && rc == 0; i++) {
        if (files[i].added_snapshot_id != s->snapshot_id || files[i].content != ST_CONTENT_DATA)
            continue;
        st_manifest *m = NULL;
        if ((rc = st_table_read_manifest(x->t, base, &files[i], &m)) < 0)
            break;
        for (int k = 0; k < m->n_entries && rc == 0; k++) {
            const st_manifest_entry *e = &m->entries[k];
            if (e->status != ST_ENTRY_ADDED || e->snapshot_id != s->snapshot_id)
                continue;
            if (x->n_added == x->cap_added) {
                int cap = x->cap_added ? 2 * x->cap_added : 16;
                st_data_file *d = st_realloc(x->added, (size_t)cap * sizeof *d);
                if (!d) {
                    rc = st_error_set_oom();
                    break;
                }
                x->added = d;
                x->cap_added = cap;
            }
            if ((rc = st_data_file_copy(&x->added[x->n_added], &e->file, &x->arena)) == 0) {
                x->added[x->n_added].spec_id = files[i].partition_spec_id;
                x->n_added++;
            }
        }
        st_manifest_free(m);
    }
done:
    st_arena_dispose(&a);
    return rc;
}

static int prepare_cherry_pick(st_txn *x, const st_table_metadata *base, const txn_intent *in)
{
    const st_snapshot *s = st_metadata_snapshot(base, in->i1);
    if (!s)
        return st_error_set(ST_ECONFLICT, ST_ERROR_TABLE,
                            "table '%s': snapshot %lld was expired concurrently", x->t->display,
                            (long long)in->i1);
    int64_t head = base->current_snapshot_id;
    int64_t parent = s->parent_id == ST_NULL64 ? -1 : s->parent_id;
    if (parent == head)
        return 0;   /* a fast-forward: build_cherry_pick moves main */
    if (already_picked(base, head, s->snapshot_id))
        return st_error_set(ST_EINVALID, ST_ERROR_TABLE,
                            "cherry-pick: snapshot %lld is already in the current history",
                            (long long)s->snapshot_id);
    if (x->cherry_source == s->snapshot_id)
        return 0;   /* files loaded by an earlier attempt */
    if (x->op != TD_NONE && x->op != TD_APPEND)
        return st_error_set(ST_EINVALID, ST_ERROR_TABLE,
                            "a cherry-pick cannot share a transaction with an overwrite, delete "
                            "or replace");
    int rc = load_picked_files(x, base, s);
    if (rc == 0) {
        x->cherry_source = s->snapshot_id;
        x->op = TD_APPEND;
    }
    return rc;
}

static int build_cherry_pick(st_txn *x, const st_table_metadata *base, st_change *c,
                             const txn_intent *in)
{
    const st_snapshot *s = st_metadata_snapshot(base, in->i1);
    if (!s || x->cherry_source == in->i1)
        return 0;   /* picked as a new append (prepare_cherry_pick) */
    int exists = 0, is_tag = 0;
    int64_t head = ref_head(c, base, "main", &exists, &is_tag);
    int64_t parent = s->parent_id == ST_NULL64 ? -1 : s->parent_id;
    if (parent == head || (head < 0 && parent < 0))
        return set_ref(c, "main", s->snapshot_id, 0, st_metadata_ref(base, "main"));
    return st_error_set(ST_ECONFLICT, ST_ERROR_TABLE,
                        "cherry-pick of snapshot %lld: main moved in the same change",
                        (long long)in->i1);
}

int st_txn_build_updates(st_txn *x, const st_table_metadata *base, int attempt, st_change *c,
                         int64_t *snapshot_id);

int st_txn_build_updates(st_txn *x, const st_table_metadata *base, int attempt, st_change *c,
                         int64_t *snapshot_id)
{
    int rc = 0;
    *snapshot_id = -1;
    if (base->table_uuid[0]) {
        st_requirement *r = st_change_add_req(c, ST_REQ_ASSERT_TABLE_UUID);
        if (!r)
            return ST_ENOMEM;
        snprintf(r->uuid, sizeof r->uuid, "%s", base->table_uuid);
    }
    for (int i = 0; i < x->n_intents && rc == 0; i++) {
        const txn_intent *in = &x->intents[i];
        if (in->kind == TI_UPGRADE && in->i1 > base->format_version) {
            st_update *u = st_change_add_update(c, ST_UPD_UPGRADE_FORMAT_VERSION);
            if (!u)
                return ST_ENOMEM;
            u->format_version = (int)in->i1;
        }
    }
    if ((rc = build_schema(x, base, c)) < 0 || (rc = build_spec(x, base, c)) < 0 ||
        (rc = build_sort(x, base, c)) < 0 || (rc = build_props(x, c)) < 0)
        return rc;
    for (int i = 0; i < x->n_intents && rc == 0; i++)
        if (x->intents[i].kind == TI_CHERRY_PICK)
            rc = prepare_cherry_pick(x, base, &x->intents[i]);
    if (rc)
        return rc;
    if (has_data(x) && (rc = st_txn_produce_snapshot(x, base, attempt, c, snapshot_id)) < 0)
        return rc;
    for (int i = 0; i < x->n_intents && rc == 0; i++) {
        const txn_intent *in = &x->intents[i];
        if (in->kind == TI_CHERRY_PICK)
            rc = build_cherry_pick(x, base, c, in);
        else if (in->kind >= TI_CREATE_BRANCH && in->kind <= TI_SET_CURRENT)
            rc = build_ref_intent(x, base, c, in);
    }
    for (int i = 0; i < x->n_intents && rc == 0; i++)
        if (x->intents[i].kind == TI_EXPIRE)
            rc = build_expire(x, base, c, &x->intents[i]);
    return rc;
}
