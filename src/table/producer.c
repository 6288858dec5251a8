/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Snapshot production: the manifests and manifest list of a data change
 * (append, overwrite, delete, replace), its summary, and the validation of a
 * retried change against what concurrent commits did.
 *
 * Manifests holding the transaction's new files are written once: their
 * entries inherit the snapshot id and sequence number from the manifest list,
 * so a retry reuses them under the new sequence number. Manifests rewritten
 * to mark removed files depend on the base and are written per attempt.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "expr/expr.h"
#include "supertable/errors.h"
#include "table/txn_int.h"
#include "util/alloc.h"
#include "util/fs.h"

/* ------------------------------------------------------- reading snapshots */

int st_snapshot_manifests(const st_table *t, const st_table_metadata *md, const st_snapshot *s,
                          st_arena *arena, st_manifest_file **out, int *n)
{
    int rc;
    char *path = NULL;
    *out = NULL;
    *n = 0;
    if (s->manifest_list) {
        st_manifest_list *l = NULL;
        if ((rc = st_location_resolve(&path, &t->locmap, s->manifest_list)) < 0)
            return rc;
        rc = st_manifest_list_read(&l, path);
        st_free(path);
        if (rc)
            return rc;
        st_manifest_file *f = st_arena_calloc(arena, (size_t)(l->n_files ? l->n_files : 1),
                                              sizeof *f);
        if (!f) {
            st_manifest_list_free(l);
            return st_error_set_oom();
        }
        /* copy out of the list's arena into the caller's */
        for (int i = 0; i < l->n_files && rc == 0; i++) {
            f[i] = l->files[i];
            f[i].manifest_path = st_arena_strdup(arena, l->files[i].manifest_path);
            f[i].partitions = NULL;
            f[i].n_partitions = 0;
            f[i].key_metadata = NULL;
            f[i].key_metadata_len = 0;
            if (!f[i].manifest_path)
                rc = st_error_set_oom();
            if (rc == 0 && l->files[i].n_partitions) {
                st_field_summary *ps = st_arena_calloc(arena, (size_t)l->files[i].n_partitions,
                                                       sizeof *ps);
                if (!ps) {
                    rc = st_error_set_oom();
                    break;
                }
                for (int k = 0; k < l->files[i].n_partitions; k++) {
                    ps[k] = l->files[i].partitions[k];
                    if (ps[k].lower) {
                        uint8_t *b = st_arena_alloc(arena, ps[k].lower_len + 1);
                        if (!b) { rc = st_error_set_oom(); break; }
                        memcpy(b, ps[k].lower, ps[k].lower_len);
                        ps[k].lower = b;
                    }
                    if (ps[k].upper) {
                        uint8_t *b = st_arena_alloc(arena, ps[k].upper_len + 1);
                        if (!b) { rc = st_error_set_oom(); break; }
                        memcpy(b, ps[k].upper, ps[k].upper_len);
                        ps[k].upper = b;
                    }
                }
                f[i].partitions = ps;
                f[i].n_partitions = l->files[i].n_partitions;
            }
        }
        *n = l->n_files;
        st_manifest_list_free(l);
        if (rc)
            return rc;
        *out = f;
        return 0;
    }
    /* v1 without a list: the snapshot names its manifests; read their headers */
    st_manifest_file *f = st_arena_calloc(arena, (size_t)(s->n_manifests ? s->n_manifests : 1),
                                          sizeof *f);
    if (!f)
        return st_error_set_oom();
    for (int i = 0; i < s->n_manifests; i++) {
        st_manifest *m = NULL;
        if ((rc = st_location_resolve(&path, &t->locmap, s->manifests[i])) < 0)
            return rc;
        rc = st_manifest_read(&m, path, NULL, NULL);
        st_free(path);
        if (rc)
            return rc;
        memset(&f[i], 0, sizeof f[i]);
        f[i].manifest_path = st_arena_strdup(arena, s->manifests[i]);
        f[i].partition_spec_id = m->spec_id == ST_NULL32 ? md->default_spec_id : m->spec_id;
        f[i].content = m->content == ST_CONTENT_DATA ? ST_CONTENT_DATA
                                                     : ST_CONTENT_POSITION_DELETES;
        f[i].added_snapshot_id = s->snapshot_id;
        f[i].added_files_count = f[i].existing_files_count = f[i].deleted_files_count = -1;
        f[i].added_rows_count = f[i].existing_rows_count = f[i].deleted_rows_count = -1;
        f[i].first_row_id = ST_NULL64;
        st_manifest_free(m);
        if (!f[i].manifest_path)
            return st_error_set_oom();
    }
    *out = f;
    *n = s->n_manifests;
    return 0;
}

int st_table_read_manifest(const st_table *t, const st_table_metadata *md,
                           const st_manifest_file *mf, st_manifest **out)
{
    const st_partition_spec *spec = st_metadata_spec(md, mf->partition_spec_id);
    const st_schema *schema = st_metadata_current_schema(md);
    st_type *ptype = NULL;
    char *path = NULL;
    int rc = 0;
    if (spec && schema && (rc = st_partition_type(&ptype, spec, schema->type)) < 0)
        return rc;
    if ((rc = st_location_resolve(&path, &t->locmap, mf->manifest_path)) == 0)
        rc = st_manifest_read(out, path, mf, ptype);
    st_free(path);
    st_type_free(ptype);
    return rc;
}

/* ------------------------------------------------------------- the filter */

/* A filter bound to the base's schema, with its projections per spec. */
typedef struct filter_ctx {
    st_expr *bound;
    const st_type *schema;
    int n_specs;
    int32_t *spec_ids;
    st_expr **incl, **strict;
    st_type **ptypes;
} filter_ctx;

static void filter_dispose(filter_ctx *f)
{
    for (int i = 0; i < f->n_specs; i++) {
        st_expr_free(f->incl[i]);
        st_expr_free(f->strict[i]);
        st_type_free(f->ptypes[i]);
    }
    st_free(f->spec_ids);
    st_free(f->incl);
    st_free(f->strict);
    st_free(f->ptypes);
    st_expr_free(f->bound);
    memset(f, 0, sizeof *f);
}

static int filter_init(filter_ctx *f, const char *text, const st_table_metadata *md)
{
    st_expr *unbound = NULL;
    const st_schema *s = st_metadata_current_schema(md);
    int rc;
    memset(f, 0, sizeof *f);
    f->schema = s->type;
    if ((rc = st_expr_parse(&unbound, text)) < 0)
        return rc;
    rc = st_expr_bind(&f->bound, unbound, s->type, 1);
    st_expr_free(unbound);
    if (rc)
        return rc;
    f->spec_ids = st_calloc((size_t)md->n_specs + 1, sizeof(int32_t));
    f->incl = st_calloc((size_t)md->n_specs + 1, sizeof(st_expr *));
    f->strict = st_calloc((size_t)md->n_specs + 1, sizeof(st_expr *));
    f->ptypes = st_calloc((size_t)md->n_specs + 1, sizeof(st_type *));
    if (!f->spec_ids || !f->incl || !f->strict || !f->ptypes) {
        filter_dispose(f);
        return st_error_set_oom();
    }
    for (int i = 0; i < md->n_specs; i++) {
        const st_partition_spec *sp = &md->specs[i];
        f->spec_ids[i] = sp->spec_id;
        f->n_specs = i + 1;
        if ((rc = st_expr_project_inclusive(&f->incl[i], f->bound, sp, s->type)) < 0 ||
            (rc = st_expr_project_strict(&f->strict[i], f->bound, sp, s->type)) < 0 ||
            (rc = st_partition_type(&f->ptypes[i], sp, s->type)) < 0) {
            filter_dispose(f);
            return rc;
        }
    }
    return 0;
}

static int spec_index(const filter_ctx *f, int32_t spec_id)
{
    for (int i = 0; i < f->n_specs; i++)
        if (f->spec_ids[i] == spec_id)
            return i;
    return -1;
}

enum { MATCH_NONE = 0, MATCH_ALL = 1, MATCH_SOME = 2 };

/* Whether every row, no row, or some rows of a file match the filter (NULL
 * filter: every row). */
static int file_match(const filter_ctx *f, const st_data_file *df)
{
    if (!f || !f->bound)
        return MATCH_ALL;
    int si = spec_index(f, df->spec_id);
    if (si >= 0) {
        int r = st_expr_eval_partition(f->strict[si], df->partition, df->n_partition);
        if (r < 0)
            return r;
        if (r == 1)
            return MATCH_ALL;
        r = st_expr_eval_partition(f->incl[si], df->partition, df->n_partition);
        if (r < 0)
            return r;
        if (r == 0)
            return MATCH_NONE;
    }
    int r = st_expr_metrics_must_match(f->bound, df, f->schema);
    if (r < 0)
        return r;
    if (r == 1)
        return MATCH_ALL;
    r = st_expr_metrics_might_match(f->bound, df, f->schema);
    if (r < 0)
        return r;
    return r ? MATCH_SOME : MATCH_NONE;
}

static int manifest_might_match(const filter_ctx *f, const st_manifest_file *mf)
{
    if (!f || !f->bound)
        return 1;
    int si = spec_index(f, mf->partition_spec_id);
    if (si < 0)
        return 1;
    return st_expr_manifest_might_match(f->incl[si], mf, f->ptypes[si]);
}

/* ------------------------------------------------------------ the snapshot */

typedef struct producer {
    st_txn *x;
    const st_table_metadata *base;
    int attempt;
    int64_t snapshot_id, seq;
    const st_snapshot *parent;
    const st_schema *schema;
    char *schema_json;
    char *meta_dir;
    st_arena arena;                /* this attempt's manifest entries and strings */
    st_manifest_file *out;         /* the new manifest list */
    int n_out, cap_out;
    filter_ctx filter;
    int has_filter;
    /* summary counters */
    int64_t added_files, added_records, added_size;
    int64_t deleted_files, deleted_records, removed_size;
    int64_t changed_partitions;
    uint8_t *found;                /* replace: which paths were found live */
} producer;

static int push_out(producer *p, const st_manifest_file *mf)
{
    if (p->n_out == p->cap_out) {
        int cap = p->cap_out ? 2 * p->cap_out : 16;
        st_manifest_file *o = st_realloc(p->out, (size_t)cap * sizeof *o);
        if (!o)
            return st_error_set_oom();
        p->out = o;
        p->cap_out = cap;
    }
    p->out[p->n_out++] = *mf;
    return 0;
}

static int manifest_path(producer *p, char **local, char **location)
{
    st_buf b = ST_BUF_INIT;
    int rc = st_buf_printf(&b, "%s/%s-m%d.avro", p->meta_dir, p->x->uuid,
                           p->x->manifest_seq++);
    if (rc) {
        st_buf_dispose(&b);
        return rc;
    }
    *location = (char *)st_buf_detach(&b);
    if ((rc = st_location_resolve(local, &p->x->t->locmap, *location)) < 0) {
        st_free(*location);
        return rc;
    }
    if ((rc = st_mkdirs_parent(*local)) < 0) {
        st_free(*location);
        st_free(*local);
    }
    return rc;
}

/* Writes entries (one spec) into a new manifest and returns its list entry. */
static int write_manifest(producer *p, int32_t spec_id, st_content content,
                          const st_manifest_entry *entries, int n, int attempt,
                          st_arena *arena, st_manifest_file *mf)
{
    const st_partition_spec *spec = st_metadata_spec(p->base, spec_id);
    st_type *ptype = NULL;
    char *local = NULL, *location = NULL;
    st_manifest_writer *w = NULL;
    int rc;
    if (!spec)
        return st_error_set(ST_ECORRUPT, ST_ERROR_TABLE, "partition spec %d is missing", spec_id);
    if ((rc = st_partition_type(&ptype, spec, p->schema->type)) < 0)
        return rc;
    if ((rc = manifest_path(p, &local, &location)) < 0)
        goto done;
    st_manifest_writer_options o;
    memset(&o, 0, sizeof o);
    o.format_version = p->base->format_version;
    o.spec = spec;
    o.partition_type = ptype;
    o.schema = p->schema;
    o.schema_json = p->schema_json;
    o.content = content;
    o.snapshot_id = p->snapshot_id;
    if ((rc = st_manifest_writer_open(&w, local, &o)) < 0)
        goto done;
    if ((rc = st_txn_track_file(p->x, local, attempt)) < 0) {
        st_manifest_writer_abort(w);
        goto done;
    }
    for (int i = 0; i < n && rc == 0; i++)
        rc = st_manifest_writer_add(w, &entries[i]);
    if (rc) {
        st_manifest_writer_abort(w);
        goto done;
    }
    rc = st_manifest_writer_close(w, mf, arena);
    if (rc == 0) {
        /* the list records the location, not the local path */
        mf->manifest_path = st_arena_strdup(arena, location);
        if (!mf->manifest_path)
            rc = st_error_set_oom();
    }
done:
    st_free(local);
    st_free(location);
    st_type_free(ptype);
    return rc;
}

/* The manifests of the transaction's added files: one per spec, written once. */
static int added_manifests(producer *p)
{
    st_txn *x = p->x;
    if (x->added_manifests || !x->n_added)
        return 0;
    st_manifest_entry *e = st_calloc((size_t)x->n_added, sizeof *e);
    x->added_manifests = st_calloc((size_t)x->n_added, sizeof *x->added_manifests);
    int rc = 0;
    if (!e || !x->added_manifests) {
        st_free(e);
        return st_error_set_oom();
    }
    uint8_t *done = st_calloc((size_t)x->n_added, 1);
    if (!done) {
        st_free(e);
        return st_error_set_oom();
    }
    for (int i = 0; i < x->n_added && rc == 0; i++) {
        if (done[i])
            continue;
        int n = 0;
        for (int j = i; j < x->n_added; j++) {
            if (done[j] || x->added[j].spec_id != x->added[i].spec_id)
                continue;
            done[j] = 1;
            memset(&e[n], 0, sizeof e[n]);
            e[n].status = ST_ENTRY_ADDED;
            e[n].snapshot_id = p->snapshot_id;
            e[n].sequence_number = ST_NULL64;
            e[n].file_sequence_number = ST_NULL64;
            e[n].file = x->added[j];
            n++;
        }
        st_manifest_file mf;
        rc = write_manifest(p, x->added[i].spec_id, ST_CONTENT_DATA, e, n, -1, &x->arena, &mf);
        if (rc == 0)
            x->added_manifests[x->n_added_manifests++] = mf;
    }
    st_free(done);
    st_free(e);
    if (rc) {
        st_free(x->added_manifests);
        x->added_manifests = NULL;
        x->n_added_manifests = 0;
    }
    return rc;
}

static int replace_index(const st_txn *x, const st_table *t, const char *path)
{
    for (int i = 0; i < x->n_replace; i++) {
        if (strcmp(x->replace_paths[i], path) == 0)
            return i;
        /* the caller may name the file by its local path */
        char *local = NULL;
        if (st_location_resolve(&local, &t->locmap, path) == 0) {
            int eq = strcmp(x->replace_paths[i], local) == 0;
            st_free(local);
            if (eq)
                return i;
        }
    }
    return -1;
}

/* What to do with a live file of the parent: 1 remove, 0 keep, <0 error. */
static int should_remove(producer *p, const st_data_file *f)
{
    st_txn *x = p->x;
    if (f->content != ST_CONTENT_DATA)
        return 0;
    if (x->op == TD_REPLACE) {
        int i = replace_index(x, x->t, f->file_path);
        if (i < 0)
            return 0;
        p->found[i] = 1;
        return 1;
    }
    if (x->op != TD_OVERWRITE && x->op != TD_DELETE)
        return 0;
    if (!x->has_filter_op)
        return 0;
    int m = file_match(p->has_filter ? &p->filter : NULL, f);
    if (m < 0)
        return m;
    if (m == MATCH_SOME)
        return st_error_set(ST_EUNSUPPORTED, ST_ERROR_TABLE,
                            "table '%s': the filter '%s' matches only some rows of '%s'; "
                            "removing them needs a row-level delete",
                            x->t->display, x->filter ? x->filter : "", f->file_path);
    return m == MATCH_ALL;
}

/* Carries the parent's manifests, rewriting those that lose files. */
static int carry_parent(producer *p, st_manifest_file *files, int n)
{
    st_txn *x = p->x;
    int rc = 0;
    int removing = x->op == TD_REPLACE || x->op == TD_OVERWRITE || x->op == TD_DELETE;
    for (int i = 0; i < n && rc == 0; i++) {
        st_manifest_file *mf = &files[i];
        int might = removing && mf->content == ST_CONTENT_DATA &&
                    (x->op == TD_REPLACE || manifest_might_match(p->has_filter ? &p->filter
                                                                               : NULL, mf));
        if (might < 0)
            return might;
        if (!might) {
            /* history only: a manifest of an older snapshot with no live file */
            if (mf->added_files_count == 0 && mf->existing_files_count == 0 &&
                mf->added_snapshot_id != p->snapshot_id && mf->deleted_files_count >= 0)
                continue;
            rc = push_out(p, mf);
            continue;
        }
        st_manifest *m = NULL;
        if ((rc = st_table_read_manifest(x->t, p->base, mf, &m)) < 0)
            return rc;
        int n_live = 0, n_rm = 0;
        uint8_t *rm = st_calloc((size_t)(m->n_entries ? m->n_entries : 1), 1);
        if (!rm) {
            st_manifest_free(m);
            return st_error_set_oom();
        }
        for (int k = 0; k < m->n_entries && rc == 0; k++) {
            st_manifest_entry *e = &m->entries[k];
            if (e->status == ST_ENTRY_DELETED)
                continue;
            e->file.spec_id = mf->partition_spec_id;
            int r = should_remove(p, &e->file);
            if (r < 0)
                rc = r;
            else if (r) {
                rm[k] = 1;
                n_rm++;
            } else {
                n_live++;
            }
        }
        if (rc == 0 && n_rm == 0) {
            rc = push_out(p, mf);
        } else if (rc == 0) {
            /* rewrite: removed files as DELETED, the others as EXISTING */
            st_manifest_entry *out = st_calloc((size_t)m->n_entries, sizeof *out);
            int k2 = 0;
            if (!out)
                rc = st_error_set_oom();
            for (int k = 0; rc == 0 && k < m->n_entries; k++) {
                st_manifest_entry e = m->entries[k];
                if (e.status == ST_ENTRY_DELETED)
                    continue;
                if (rm[k]) {
                    e.status = ST_ENTRY_DELETED;
                    e.snapshot_id = p->snapshot_id;
                    p->deleted_files++;
                    p->deleted_records += e.file.record_count;
                    p->removed_size += e.file.file_size_in_bytes;
                } else {
                    e.status = ST_ENTRY_EXISTING;
                }
                out[k2++] = e;
            }
            if (rc == 0 && k2 > 0) {
                st_manifest_file nmf;
                rc = write_manifest(p, mf->partition_spec_id, m->content, out, k2, p->attempt,
                                    &p->arena, &nmf);
                if (rc == 0)
                    rc = push_out(p, &nmf);
            }
            st_free(out);
        }
        st_free(rm);
        st_manifest_free(m);
    }
    return rc;
}

/* Serializable isolation: data that concurrent commits added since the
 * transaction began must not match what this overwrite or delete removes. */
static int validate_concurrent(producer *p, int64_t begin_head, int64_t head)
{
    st_txn *x = p->x;
    if (begin_head == head || !x->serializable)
        return 0;
    if (x->op != TD_OVERWRITE && x->op != TD_DELETE)
        return 0;
    const st_snapshot *s = head >= 0 ? st_metadata_snapshot(p->base, head) : NULL;
    int rc = 0;
    for (int steps = 0; s && s->snapshot_id != begin_head && rc == 0; steps++) {
        if (steps > p->base->n_snapshots)
            break;
        st_manifest_file *files = NULL;
        int n = 0;
        st_arena a = ST_ARENA_INIT;
        if ((rc = st_snapshot_manifests(x->t, p->base, s, &a, &files, &n)) == 0) {
            for (int i = 0; i < n && rc == 0; i++) {
                if (files[i].added_snapshot_id != s->snapshot_id ||
                    files[i].content != ST_CONTENT_DATA || files[i].added_files_count == 0)
                    continue;
                st_manifest *m = NULL;
                if ((rc = st_table_read_manifest(x->t, p->base, &files[i], &m)) < 0)
                    break;
                for (int k = 0; k < m->n_entries && rc == 0; k++) {
                    st_manifest_entry *e = &m->entries[k];
                    if (e->status != ST_ENTRY_ADDED || e->snapshot_id != s->snapshot_id)
                        continue;
                    e->file.spec_id = files[i].partition_spec_id;
                    int r = file_match(p->has_filter ? &p->filter : NULL, &e->file);
                    if (r < 0)
                        rc = r;
                    else if (r != MATCH_NONE)
                        rc = st_error_set(ST_ECONFLICT, ST_ERROR_TABLE,
                                          "table '%s': a concurrent commit (snapshot %lld) added "
                                          "'%s', which the %s filter matches",
                                          x->t->display, (long long)s->snapshot_id,
                                          e->file.file_path,
                                          x->op == TD_DELETE ? "delete" : "overwrite");
                }
                st_manifest_free(m);
            }
        }
        st_arena_dispose(&a);
        s = s->parent_id == ST_NULL64 ? NULL : st_metadata_snapshot(p->base, s->parent_id);
    }
    if (rc == 0 && head >= 0 && begin_head >= 0 && !s)
        rc = st_error_set(ST_ECONFLICT, ST_ERROR_TABLE,
                          "table '%s': the branch was rewound concurrently", x->t->display);
    return rc;
}

static int put_count(st_props *p, const char *key, int64_t v)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%" PRId64, v);
    return st_props_set(p, key, buf);
}

/* Java's totals: the parent's plus what changed, when the parent had them. */
static int put_total(st_props *sum, const st_snapshot *parent, const char *key, int64_t add,
                     int64_t sub)
{
    int64_t prev = 0;
    if (parent) {
        const char *v = st_props_get(&parent->summary, key);
        if (!v)
            return 0;
        prev = st_props_get_i64(&parent->summary, key, -1);
        if (prev < 0)
            return 0;
    }
    return put_count(sum, key, prev + add - sub);
}

static const char *operation_name(const st_txn *x)
{
    switch (x->op) {
    case TD_OVERWRITE: return "overwrite";
    case TD_DELETE: return x->n_added ? "overwrite" : "delete";
    case TD_REPLACE: return "replace";
    default: return "append";
    }
}

static int build_summary(producer *p, st_props *sum)
{
    int rc = st_props_set(sum, "operation", operation_name(p->x));
    const st_snapshot *par = p->parent;
    if (rc == 0 && p->added_files)
        rc = put_count(sum, "added-data-files", p->added_files);
    if (rc == 0 && p->deleted_files)
        rc = put_count(sum, "deleted-data-files", p->deleted_files);
    if (rc == 0 && p->added_files)
        rc = put_count(sum, "added-records", p->added_records);
    if (rc == 0 && p->deleted_files)
        rc = put_count(sum, "deleted-records", p->deleted_records);
    if (rc == 0 && p->added_files)
        rc = put_count(sum, "added-files-size", p->added_size);
    if (rc == 0 && p->deleted_files)
        rc = put_count(sum, "removed-files-size", p->removed_size);
    if (rc == 0)
        rc = put_count(sum, "changed-partition-count", p->changed_partitions);
    if (rc == 0)
        rc = put_total(sum, par, "total-records", p->added_records, p->deleted_records);
    if (rc == 0)
        rc = put_total(sum, par, "total-files-size", p->added_size, p->removed_size);
    if (rc == 0)
        rc = put_total(sum, par, "total-data-files", p->added_files, p->deleted_files);
    if (rc == 0)
        rc = put_total(sum, par, "total-delete-files", 0, 0);
    if (rc == 0)
        rc = put_total(sum, par, "total-position-deletes", 0, 0);
    if (rc == 0)
        rc = put_total(sum, par, "total-equality-deletes", 0, 0);
    if (rc == 0 && p->x->cherry_source >= 0) {
        char id[32];
        snprintf(id, sizeof id, "%lld", (long long)p->x->cherry_source);
        rc = st_props_set(sum, "source-snapshot-id", id);
    }
    if (rc == 0)
        rc = st_props_set(sum, "engine-name", "supertable");
    if (rc == 0)
        rc = st_props_set(sum, "engine-version", ST_VERSION);
    return rc;
}

/* Spec id, then partition values in Iceberg's order (nulls first). */
static int cmp_partition(const void *pa, const void *pb)
{
    const st_data_file *a = *(const st_data_file *const *)pa, *b = *(const st_data_file *const *)pb;
    if (a->spec_id != b->spec_id)
        return a->spec_id < b->spec_id ? -1 : 1;
    for (int k = 0; k < a->n_partition && k < b->n_partition; k++) {
        const st_value *u = &a->partition[k], *v = &b->partition[k];
        if (u->is_null || v->is_null) {
            if (u->is_null != v->is_null)
                return u->is_null ? -1 : 1;
            continue;
        }
        int c = st_value_compare(u, v);
        if (c)
            return c;
    }
    return (a->n_partition > b->n_partition) - (a->n_partition < b->n_partition);
}

/* Distinct partitions among the added files (sorted, then neighbours compared:
 * an import into hourly partitions can add thousands of files). */
static int count_partitions(const st_txn *x, int64_t *out)
{
    *out = 0;
    if (!x->n_added)
        return 0;
    const st_data_file **f = st_malloc((size_t)x->n_added * sizeof *f);
    if (!f)
        return st_error_set_oom();
    for (int i = 0; i < x->n_added; i++)
        f[i] = &x->added[i];
    qsort(f, (size_t)x->n_added, sizeof *f, cmp_partition);
    int64_t n = 1;
    for (int i = 1; i < x->n_added; i++)
        n += cmp_partition(&f[i - 1], &f[i]) != 0;
    st_free(f);
    *out = n;
    return 0;
}

static int merge_manifests(producer *p);

int st_txn_produce_snapshot(st_txn *x, const st_table_metadata *base, int attempt, st_change *c,
                            int64_t *snapshot_id)
{
    producer p;
    int rc;
    memset(&p, 0, sizeof p);
    p.x = x;
    p.base = base;
    p.attempt = attempt;
    p.snapshot_id = x->snapshot_id;
    p.schema = st_metadata_current_schema(base);
    if (st_metadata_snapshot(base, x->snapshot_id)) {
        /* our id was taken by a concurrent commit (astronomically unlikely) */
        if ((rc = st_random_id(&x->snapshot_id)) < 0)
            return rc;
        p.snapshot_id = x->snapshot_id;
    }
    p.seq = base->format_version >= 2 ? base->last_sequence_number + 1 : 0;
    const char *branch = x->branch ? x->branch : "main";
    const st_snapshot_ref *ref = st_metadata_ref(base, branch);
    /* a branch without a ref yet starts from main */
    int64_t head = ref ? ref->snapshot_id : base->current_snapshot_id;
    const st_snapshot_ref *bref = st_metadata_ref(x->begin, branch);
    int64_t begin_head = bref ? bref->snapshot_id : x->begin->current_snapshot_id;
    p.parent = head >= 0 ? st_metadata_snapshot(base, head) : NULL;

    if ((rc = st_schema_to_json(&p.schema_json, p.schema)) < 0)
        return rc;
    if ((rc = st_table_metadata_dir(&p.meta_dir, base)) < 0)
        goto done;
    if (x->filter) {
        if ((rc = filter_init(&p.filter, x->filter, base)) < 0)
            goto done;
        p.has_filter = 1;
    }
    if (x->n_replace && !(p.found = st_calloc((size_t)x->n_replace, 1))) {
        rc = st_error_set_oom();
        goto done;
    }
    if ((rc = validate_concurrent(&p, begin_head, head)) < 0)
        goto done;
    if ((rc = added_manifests(&p)) < 0)
        goto done;
    for (int i = 0; i < x->n_added; i++) {
        p.added_files++;
        p.added_records += x->added[i].record_count;
        p.added_size += x->added[i].file_size_in_bytes;
    }
    for (int i = 0; i < x->n_added_manifests && rc == 0; i++)
        rc = push_out(&p, &x->added_manifests[i]);
    if (rc == 0 && p.parent) {
        st_manifest_file *files = NULL;
        int n = 0;
        if ((rc = st_snapshot_manifests(x->t, base, p.parent, &p.arena, &files, &n)) == 0)
            rc = carry_parent(&p, files, n);
    }
    if (rc)
        goto done;
    for (int i = 0; i < x->n_replace; i++)
        if (!p.found[i]) {
            int moved = begin_head != head;
            rc = st_error_set(moved ? ST_ECONFLICT : ST_ENOTFOUND, ST_ERROR_TABLE,
                              "table '%s': '%s' is not a live data file%s", x->t->display,
                              x->replace_paths[i], moved ? " (removed by a concurrent commit)" : "");
            goto done;
        }
    if (x->op == TD_REPLACE && p.added_records != p.deleted_records) {
        rc = st_error_set(ST_EINVALID, ST_ERROR_TABLE,
                          "table '%s': a replace must keep the rows: %lld removed, %lld added",
                          x->t->display, (long long)p.deleted_records,
                          (long long)p.added_records);
        goto done;
    }
    if ((rc = count_partitions(x, &p.changed_partitions)) < 0 || (rc = merge_manifests(&p)) < 0)
        goto done;

    /* the snapshot and its manifest list */
    st_update *u = st_change_add_update(c, ST_UPD_ADD_SNAPSHOT);
    if (!u) {
        rc = ST_ENOMEM;
        goto done;
    }
    st_snapshot *s = &u->snapshot;
    s->snapshot_id = p.snapshot_id;
    s->parent_id = p.parent ? p.parent->snapshot_id : ST_NULL64;
    s->sequence_number = p.seq;
    s->timestamp_ms = st_now_ms();
    if (p.parent && s->timestamp_ms <= p.parent->timestamp_ms)
        s->timestamp_ms = p.parent->timestamp_ms + 1;   /* keep time travel ordered */
    s->schema_id = p.schema->schema_id;
    s->first_row_id = ST_NULL64;
    s->added_rows = ST_NULL64;
    if ((rc = build_summary(&p, &s->summary)) < 0)
        goto done;
    if (base->format_version >= 3) {
        /* row lineage: data manifests without a first row id get one */
        int64_t next = base->next_row_id == ST_NULL64 ? 0 : base->next_row_id;
        s->first_row_id = next;
        for (int i = 0; i < p.n_out; i++) {
            st_manifest_file *mf = &p.out[i];
            if (mf->content != ST_CONTENT_DATA || mf->first_row_id != ST_NULL64)
                continue;
            mf->first_row_id = next;
            next += (mf->added_rows_count > 0 ? mf->added_rows_count : 0) +
                    (mf->existing_rows_count > 0 ? mf->existing_rows_count : 0);
        }
        s->added_rows = next - s->first_row_id;
    }
    {
        st_buf b = ST_BUF_INIT;
        char *local = NULL;
        rc = st_buf_printf(&b, "%s/snap-%lld-%d-%s.avro", p.meta_dir, (long long)p.snapshot_id,
                           attempt + 1, x->uuid);
        if (rc == 0) {
            s->manifest_list = (char *)st_buf_detach(&b);
            rc = st_location_resolve(&local, &x->t->locmap, s->manifest_list);
        } else {
            st_buf_dispose(&b);
        }
        if (rc == 0)
            rc = st_txn_track_file(x, local, attempt);
        if (rc == 0) {
            st_manifest_list_write_options lo;
            memset(&lo, 0, sizeof lo);
            lo.format_version = base->format_version;
            lo.snapshot_id = p.snapshot_id;
            lo.parent_snapshot_id = s->parent_id;
            lo.sequence_number = p.seq;
            lo.first_row_id = s->first_row_id;
            rc = st_manifest_list_write(local, p.out, p.n_out, &lo);
        }
        st_free(local);
        if (rc)
            goto done;
    }
    /* move the branch: requirement that it did not move meanwhile */
    st_requirement *r = st_change_add_req(c, ST_REQ_ASSERT_REF_SNAPSHOT_ID);
    if (!r || !(r->ref = st_strdup(branch))) {
        rc = st_error_set_oom();
        goto done;
    }
    r->snapshot_id = ref ? ref->snapshot_id : ST_NULL64;
    if (!ref && strcmp(branch, "main") == 0 && base->current_snapshot_id >= 0)
        r->snapshot_id = base->current_snapshot_id;
    {
        st_update *su = st_change_add_update(c, ST_UPD_SET_SNAPSHOT_REF);
        if (!su) {
            rc = ST_ENOMEM;
            goto done;
        }
        if (ref) {
            if ((rc = st_ref_copy(&su->ref, ref)) < 0)
                goto done;
        } else {
            su->ref.min_snapshots_to_keep = ST_NULL32;
            su->ref.max_snapshot_age_ms = ST_NULL64;
            su->ref.max_ref_age_ms = ST_NULL64;
            if (!(su->ref.name = st_strdup(branch))) {
                rc = st_error_set_oom();
                goto done;
            }
        }
        su->ref.snapshot_id = p.snapshot_id;
        su->ref.is_tag = 0;
    }
    *snapshot_id = p.snapshot_id;
done:
    if (p.has_filter)
        filter_dispose(&p.filter);
    st_free(p.found);
    st_free(p.out);
    st_free(p.schema_json);
    st_free(p.meta_dir);
    st_arena_dispose(&p.arena);
    return rc;
}

/*
 * Merge append (commit.manifest-merge.enabled, Java's default): once a spec has
 * commit.manifest.min-count-to-merge data manifests, the small ones (under
 * commit.manifest.target-size-bytes) are combined into one, so planning reads
 * few files however many appends the table took.
 */
static int merge_manifests(producer *p)
{
    const st_table_metadata *md = p->base;
    int enabled = p->x->merge_append;
    if (enabled < 0) {
        const char *v = st_props_get(&md->properties, "commit.manifest-merge.enabled");
        enabled = !v || strcasecmp(v, "false") != 0;
    }
    if (!enabled || p->x->op == TD_NONE)
        return 0;
    int64_t min_count = st_props_get_i64(&md->properties, "commit.manifest.min-count-to-merge", 100);
    int64_t target = st_props_get_i64(&md->properties, "commit.manifest.target-size-bytes",
                                      8 * 1024 * 1024);
    int rc = 0;
    for (int s = 0; s < md->n_specs && rc == 0; s++) {
        int32_t sid = md->specs[s].spec_id;
        int n_small = 0;
        for (int i = 0; i < p->n_out; i++)
            if (p->out[i].partition_spec_id == sid && p->out[i].content == ST_CONTENT_DATA &&
                p->out[i].manifest_length < target)
                n_small++;
        if (n_small < min_count || n_small < 2)
            continue;
        /* read every small manifest of the spec; write one with their live entries */
        st_manifest_entry *all = NULL;
        int n_all = 0, cap = 0;
        st_manifest **ms = st_calloc((size_t)n_small, sizeof *ms);
        int n_ms = 0, k = 0;
        if (!ms)
            return st_error_set_oom();
        for (int i = 0; i < p->n_out && rc == 0; i++) {
            st_manifest_file *mf = &p->out[i];
            if (mf->partition_spec_id != sid || mf->content != ST_CONTENT_DATA ||
                mf->manifest_length >= target) {
                p->out[k++] = *mf;
                continue;
            }
            st_manifest *m = NULL;
            st_manifest_file inherit = *mf;
            if (inherit.sequence_number == ST_NULL64 || mf->added_snapshot_id == p->snapshot_id)
                inherit.sequence_number = p->seq;
            if ((rc = st_table_read_manifest(p->x->t, md, &inherit, &m)) < 0)
                break;
            ms[n_ms++] = m;
            for (int j = 0; j < m->n_entries && rc == 0; j++) {
                st_manifest_entry e = m->entries[j];
                if (e.status == ST_ENTRY_DELETED && e.snapshot_id != p->snapshot_id)
                    continue;   /* an older snapshot's deletion: history only */
                if (e.status == ST_ENTRY_ADDED && e.snapshot_id != p->snapshot_id)
                    e.status = ST_ENTRY_EXISTING;
                if (e.status == ST_ENTRY_ADDED) {
                    e.sequence_number = ST_NULL64;
                    e.file_sequence_number = ST_NULL64;
                }
                e.file.spec_id = sid;
                if (n_all == cap) {
                    cap = cap ? 2 * cap : 256;
                    st_manifest_entry *na = st_realloc(all, (size_t)cap * sizeof *na);
                    if (!na) {
                        rc = st_error_set_oom();
                        break;
                    }
                    all = na;
                }
                all[n_all++] = e;
            }
        }
        if (rc == 0) {
            p->n_out = k;
            st_manifest_file merged;
            rc = write_manifest(p, sid, ST_CONTENT_DATA, all, n_all, p->attempt, &p->arena,
                                &merged);
            if (rc == 0)
                rc = push_out(p, &merged);
        }
        for (int i = 0; i < n_ms; i++)
            st_manifest_free(ms[i]);
        st_free(ms);
        st_free(all);
    }
    return rc;
}
