/* SPDX-License-Identifier: Apache-2.0 */
/* Transactions: recording intents and the optimistic commit loop. */
#include <stdio.h>
#include <string.h>

#include "spec/partition_parse.h"
#include "supertable/errors.h"
#include "table/txn_int.h"
#include "util/alloc.h"
#include "util/fs.h"

/* -------------------------------------------------------------- lifecycle */

int st_table_begin(st_txn **out, st_table *t)
{
    st_txn *x = st_calloc(1, sizeof *x);
    int rc;
    *out = NULL;
    if (!x)
        return st_error_set_oom();
    x->t = t;
    x->merge_append = -1;
    x->serializable = 1;
    x->cherry_source = -1;
    if ((rc = st_uuid4(x->uuid)) < 0 || (rc = st_random_id(&x->snapshot_id)) < 0 ||
        (rc = st_metadata_clone(&x->begin, t->md)) < 0) {
        st_free(x);
        return rc;
    }
    *out = x;
    return 0;
}

int st_txn_track_file(st_txn *x, const char *path, int attempt)
{
    if (x->n_files == x->cap_files) {
        int cap = x->cap_files ? 2 * x->cap_files : 16;
        txn_file *f = st_realloc(x->files, (size_t)cap * sizeof *f);
        if (!f)
            return st_error_set_oom();
        x->files = f;
        x->cap_files = cap;
    }
    char *p = st_strdup(path);
    if (!p)
        return st_error_set_oom();
    x->files[x->n_files].path = p;
    x->files[x->n_files].attempt = attempt;
    x->n_files++;
    return 0;
}

void st_txn_cleanup_files(st_txn *x, int attempt)
{
    st_error_saved saved;
    st_error_save(&saved);  /* cleanup must not hide the error being reported */
    int k = 0;
    for (int i = 0; i < x->n_files; i++) {
        if (attempt == -2 || x->files[i].attempt == attempt) {
            st_remove_file(x->files[i].path);
            st_free(x->files[i].path);
        } else {
            x->files[k++] = x->files[i];
        }
    }
    x->n_files = k;
    st_error_restore(&saved);
}

static void intent_dispose(txn_intent *in)
{
    st_free(in->s1);
    st_free(in->s2);
    st_free(in->s3);
    st_type_free(in->type);
}

void st_txn_free(st_txn *x)
{
    if (!x)
        return;
    if (x->writer)
        st_data_writer_abort(x->writer);
    if (x->committed == 0)
        st_txn_cleanup_files(x, -2);
    for (int i = 0; i < x->n_files; i++)
        st_free(x->files[i].path);
    st_free(x->files);
    for (int i = 0; i < x->n_intents; i++)
        intent_dispose(&x->intents[i]);
    st_free(x->intents);
    for (int i = 0; i < x->n_replace; i++)
        st_free(x->replace_paths[i]);
    st_free(x->replace_paths);
    st_free(x->filter);
    st_free(x->branch);
    st_free(x->added);
    st_free(x->added_manifests);
    st_arena_dispose(&x->arena);
    st_metadata_free(x->begin);
    st_free(x);
}

/* ---------------------------------------------------------------- intents */

static txn_intent *add_intent(st_txn *x, txn_intent_kind kind)
{
    if (x->n_intents == x->cap_intents) {
        int cap = x->cap_intents ? 2 * x->cap_intents : 8;
        txn_intent *in = st_realloc(x->intents, (size_t)cap * sizeof *in);
        if (!in) {
            st_error_set_oom();
            return NULL;
        }
        x->intents = in;
        x->cap_intents = cap;
    }
    txn_intent *in = &x->intents[x->n_intents++];
    memset(in, 0, sizeof *in);
    in->kind = kind;
    return in;
}

static int set_str(char **dst, const char *s)
{
    if (!s)
        return 0;
    if (!(*dst = st_strdup(s)))
        return st_error_set_oom();
    return 0;
}

static int intent_s(st_txn *x, txn_intent_kind kind, const char *s1, const char *s2,
                    const char *s3)
{
    txn_intent *in = add_intent(x, kind);
    if (!in)
        return ST_ENOMEM;
    int rc = set_str(&in->s1, s1);
    if (rc == 0)
        rc = set_str(&in->s2, s2);
    if (rc == 0)
        rc = set_str(&in->s3, s3);
    if (rc) {
        intent_dispose(in);
        x->n_intents--;
    }
    return rc;
}

static int need_name(const char *what, const char *s)
{
    if (!s || !*s)
        return st_error_set(ST_EINVALID, ST_ERROR_TABLE, "%s: a name is required", what);
    return 0;
}

int st_txn_add_column(st_txn *x, const char *name, st_type *type, const char *doc,
                      const char *after, int first)
{
    int rc;
    if ((rc = need_name("add column", name)) < 0)
        return rc;
    if (!type)
        return st_error_set(ST_EINVALID, ST_ERROR_TABLE, "add column '%s': a type is required",
                            name);
    if ((rc = intent_s(x, TI_ADD_COLUMN, name, doc, after)) < 0)
        return rc;
    x->intents[x->n_intents - 1].type = st_type_ref(type);
    x->intents[x->n_intents - 1].flag = first;
    return 0;
}

int st_txn_drop_column(st_txn *x, const char *name)
{
    int rc = need_name("drop column", name);
    return rc ? rc : intent_s(x, TI_DROP_COLUMN, name, NULL, NULL);
}

int st_txn_rename_column(st_txn *x, const char *name, const char *new_name)
{
    int rc = need_name("rename column", name);
    if (rc == 0)
        rc = need_name("rename column (new name)", new_name);
    if (rc == 0 && strchr(new_name, '.'))
        rc = st_error_set(ST_EINVALID, ST_ERROR_TABLE,
                          "rename column '%s': the new name '%s' must not contain '.'", name,
                          new_name);
    return rc ? rc : intent_s(x, TI_RENAME_COLUMN, name, new_name, NULL);
}

int st_txn_alter_column_type(st_txn *x, const char *name, st_type *type)
{
    int rc = need_name("alter column", name);
    if (rc == 0 && !type)
        rc = st_error_set(ST_EINVALID, ST_ERROR_TABLE, "alter column '%s': a type is required",
                          name);
    if (rc == 0 && (rc = intent_s(x, TI_ALTER_TYPE, name, NULL, NULL)) == 0)
        x->intents[x->n_intents - 1].type = st_type_ref(type);
    return rc;
}

int st_txn_make_column_optional(st_txn *x, const char *name)
{
    int rc = need_name("make optional", name);
    return rc ? rc : intent_s(x, TI_MAKE_OPTIONAL, name, NULL, NULL);
}

int st_txn_move_column(st_txn *x, const char *name, const char *after, int first)
{
    int rc = need_name("move column", name);
    if (rc == 0 && !after && !first)
        rc = st_error_set(ST_EINVALID, ST_ERROR_TABLE,
                          "move column '%s': say where (after a column, or first)", name);
    if (rc == 0 && (rc = intent_s(x, TI_MOVE_COLUMN, name, after, NULL)) == 0)
        x->intents[x->n_intents - 1].flag = first;
    return rc;
}

int st_txn_set_column_doc(st_txn *x, const char *name, const char *doc)
{
    int rc = need_name("set doc", name);
    return rc ? rc : intent_s(x, TI_SET_DOC, name, doc ? doc : "", NULL);
}

int st_txn_add_partition_field(st_txn *x, const char *field)
{
    int rc = need_name("add partition field", field);
    return rc ? rc : intent_s(x, TI_ADD_PARTITION_FIELD, field, NULL, NULL);
}

int st_txn_drop_partition_field(st_txn *x, const char *name)
{
    int rc = need_name("drop partition field", name);
    return rc ? rc : intent_s(x, TI_DROP_PARTITION_FIELD, name, NULL, NULL);
}

int st_txn_set_sort_order(st_txn *x, const char *sort_by)
{
    return intent_s(x, TI_SET_SORT_ORDER, sort_by ? sort_by : "", NULL, NULL);
}

int st_txn_set_property(st_txn *x, const char *key, const char *value)
{
    int rc = need_name("set property", key);
    return rc ? rc : intent_s(x, TI_SET_PROPERTY, key, value ? value : "", NULL);
}

int st_txn_remove_property(st_txn *x, const char *key)
{
    int rc = need_name("remove property", key);
    return rc ? rc : intent_s(x, TI_REMOVE_PROPERTY, key, NULL, NULL);
}

/* -1 means the current snapshot of the version the transaction began from. */
static int resolve_snapshot(st_txn *x, const char *what, int64_t *id)
{
    if (*id == -1) {
        if (x->begin->current_snapshot_id < 0)
            return st_error_set(ST_EINVALID, ST_ERROR_TABLE,
                                "%s: table '%s' has no snapshot yet", what, x->t->display);
        *id = x->begin->current_snapshot_id;
    }
    if (!st_metadata_snapshot(x->begin, *id))
        return st_error_set(ST_ENOTFOUND, ST_ERROR_TABLE, "%s: table '%s' has no snapshot %lld",
                            what, x->t->display, (long long)*id);
    return 0;
}

static int ref_intent(st_txn *x, txn_intent_kind kind, const char *what, const char *name,
                      int64_t id)
{
    int rc = need_name(what, name);
    if (rc == 0)
        rc = resolve_snapshot(x, what, &id);
    if (rc == 0 && (rc = intent_s(x, kind, name, NULL, NULL)) == 0)
        x->intents[x->n_intents - 1].i1 = id;
    return rc;
}

int st_txn_create_branch(st_txn *x, const char *name, int64_t snapshot_id)
{
    return ref_intent(x, TI_CREATE_BRANCH, "create branch", name, snapshot_id);
}

int st_txn_create_tag(st_txn *x, const char *name, int64_t snapshot_id)
{
    return ref_intent(x, TI_CREATE_TAG, "create tag", name, snapshot_id);
}

int st_txn_replace_ref(st_txn *x, const char *name, int64_t snapshot_id)
{
    return ref_intent(x, TI_REPLACE_REF, "replace ref", name, snapshot_id);
}

int st_txn_fast_forward(st_txn *x, const char *name, const char *to)
{
    int rc = need_name("fast-forward", name);
    if (rc == 0)
        rc = need_name("fast-forward (target)", to);
    return rc ? rc : intent_s(x, TI_FAST_FORWARD, name, to, NULL);
}

int st_txn_remove_ref(st_txn *x, const char *name)
{
    int rc = need_name("remove ref", name);
    if (rc == 0 && strcmp(name, "main") == 0)
        rc = st_error_set(ST_EINVALID, ST_ERROR_TABLE, "the main branch cannot be removed");
    return rc ? rc : intent_s(x, TI_REMOVE_REF, name, NULL, NULL);
}

int st_txn_set_ref_retention(st_txn *x, const char *name, int32_t min_snapshots_to_keep,
                             int64_t max_snapshot_age_ms, int64_t max_ref_age_ms)
{
    int rc = need_name("ref retention", name);
    if (rc == 0 && (rc = intent_s(x, TI_REF_RETENTION, name, NULL, NULL)) == 0) {
        txn_intent *in = &x->intents[x->n_intents - 1];
        in->i1 = min_snapshots_to_keep;
        in->i2 = max_snapshot_age_ms;
        in->i3 = max_ref_age_ms;
    }
    return rc;
}

static int id_intent(st_txn *x, txn_intent_kind kind, const char *what, int64_t id)
{
    int rc = resolve_snapshot(x, what, &id);
    if (rc == 0 && (rc = intent_s(x, kind, NULL, NULL, NULL)) == 0)
        x->intents[x->n_intents - 1].i1 = id;
    return rc;
}

int st_txn_rollback_to(st_txn *x, int64_t snapshot_id)
{
    return id_intent(x, TI_ROLLBACK_TO, "rollback", snapshot_id);
}

int st_txn_set_current_snapshot(st_txn *x, int64_t snapshot_id)
{
    return id_intent(x, TI_SET_CURRENT, "set current snapshot", snapshot_id);
}

int st_txn_cherry_pick(st_txn *x, int64_t snapshot_id)
{
    return id_intent(x, TI_CHERRY_PICK, "cherry-pick", snapshot_id);
}

int st_txn_expire_snapshots(st_txn *x, int64_t older_than_ms, int retain_last)
{
    if (retain_last < 1)
        return st_error_set(ST_EINVALID, ST_ERROR_TABLE,
                            "expire snapshots: at least one snapshot must be retained");
    int rc = intent_s(x, TI_EXPIRE, NULL, NULL, NULL);
    if (rc == 0) {
        x->intents[x->n_intents - 1].i1 = older_than_ms;
        x->intents[x->n_intents - 1].i2 = retain_last;
    }
    return rc;
}

int st_txn_upgrade_format_version(st_txn *x, int format_version)
{
    if (format_version < x->begin->format_version || format_version > ST_FORMAT_VERSION_MAX)
        return st_error_set(ST_EINVALID, ST_ERROR_TABLE,
                            "cannot change format version %d to %d (upgrades only, up to %d)",
                            x->begin->format_version, format_version, ST_FORMAT_VERSION_MAX);
    int rc = intent_s(x, TI_UPGRADE, NULL, NULL, NULL);
    if (rc == 0)
        x->intents[x->n_intents - 1].i1 = format_version;
    return rc;
}

/* ------------------------------------------------------------- data ops */

static int set_data_op(st_txn *x, txn_data_op op)
{
    if (x->failed)
        return st_error_set(ST_EINVALID, ST_ERROR_TABLE,
                            "the transaction failed earlier and cannot continue");
    if (x->op == TD_NONE || x->op == TD_APPEND || x->op == op) {
        if (op != TD_APPEND || x->op == TD_NONE)
            x->op = op;
        return 0;
    }
    if (op == TD_APPEND)
        return 0;
    return st_error_set(ST_EINVALID, ST_ERROR_TABLE,
                        "a transaction holds one kind of data change (an overwrite, a delete "
                        "or a replace)");
}

static int push_added(st_txn *x, const st_data_file *f, int n)
{
    if (x->n_added + n > x->cap_added) {
        int cap = x->cap_added ? x->cap_added : 16;
        while (cap < x->n_added + n)
            cap *= 2;
        st_data_file *a = st_realloc(x->added, (size_t)cap * sizeof *a);
        if (!a)
            return st_error_set_oom();
        x->added = a;
        x->cap_added = cap;
    }
    memcpy(x->added + x->n_added, f, (size_t)n * sizeof *f);
    x->n_added += n;
    return 0;
}

/* Closes the open data writer: its files become added files. */
static int flush_writer(st_txn *x)
{
    if (!x->writer)
        return 0;
    st_data_file *files = NULL;
    int n = 0;
    int rc = st_data_writer_close(x->writer, &x->arena, &files, &n);
    x->writer = NULL;
    for (int i = 0; i < n; i++) {
        char *local;
        if (st_location_resolve(&local, &x->t->locmap, files[i].file_path) == 0) {
            if (st_txn_track_file(x, local, -1) < 0 && rc == 0)
                rc = ST_ENOMEM;
            st_free(local);
        }
    }
    if (rc == 0)
        rc = push_added(x, files, n);
    st_free(files);
    if (rc)
        x->failed = 1;
    return rc;
}

int st_txn_write(st_txn *x, const st_batch *b)
{
    int rc = set_data_op(x, TD_APPEND);
    if (rc)
        return rc;
    if (!x->writer &&
        (rc = st_data_writer_open(&x->writer, x->begin, x->uuid, &x->t->locmap)) < 0)
        return rc;
    if ((rc = st_data_writer_write(x->writer, b)) < 0)
        x->failed = 1;
    return rc;
}

int st_txn_write_reader(st_txn *x, st_batch_reader *r, void (*progress)(void *, int64_t),
                        void *ctx)
{
    int64_t rows = 0;
    for (;;) {
        st_batch *b;
        int rc = st_batch_reader_next(r, &b);
        if (rc == ST_ITEROVER)
            return 0;
        if (rc)
            return rc;
        rc = st_txn_write(x, b);
        rows += b->length;
        st_batch_free(b);
        if (rc)
            return rc;
        if (progress)
            progress(ctx, rows);
    }
}

static int set_filter(st_txn *x, const char *filter)
{
    st_free(x->filter);
    x->filter = NULL;
    x->has_filter_op = 1;
    if (filter && *filter && !(x->filter = st_strdup(filter)))
        return st_error_set_oom();
    return 0;
}

int st_txn_overwrite(st_txn *x, const char *filter)
{
    int rc = set_data_op(x, TD_OVERWRITE);
    return rc ? rc : set_filter(x, filter);
}

int st_txn_delete_where(st_txn *x, const char *filter)
{
    int rc = set_data_op(x, TD_DELETE);
    return rc ? rc : set_filter(x, filter);
}

int st_txn_replace_files(st_txn *x, const char *const *paths, size_t n)
{
    int rc = set_data_op(x, TD_REPLACE);
    if (rc)
        return rc;
    char **p = st_realloc(x->replace_paths, (x->n_replace + n + 1) * sizeof(char *));
    if (!p)
        return st_error_set_oom();
    x->replace_paths = p;
    for (size_t i = 0; i < n; i++) {
        if (!(p[x->n_replace] = st_strdup(paths[i])))
            return st_error_set_oom();
        x->n_replace++;
    }
    return 0;
}

int st_txn_set_merge_append(st_txn *x, int merge)
{
    x->merge_append = merge ? 1 : 0;
    return 0;
}

int st_txn_set_branch(st_txn *x, const char *branch)
{
    st_free(x->branch);
    x->branch = NULL;
    if (branch && strcmp(branch, "main") != 0) {
        const st_snapshot_ref *r = st_metadata_ref(x->begin, branch);
        if (r && r->is_tag)
            return st_error_set(ST_EINVALID, ST_ERROR_TABLE,
                                "'%s' is a tag: only branches take commits", branch);
        if (!(x->branch = st_strdup(branch)))
            return st_error_set_oom();
    }
    return 0;
}

int st_txn_set_serializable(st_txn *x, int serializable)
{
    x->serializable = serializable ? 1 : 0;
    return 0;
}

/* ------------------------------------------------------------ the commit */

static int64_t prop_i64(const st_table_metadata *md, const char *key, int64_t dflt)
{
    int64_t v = st_props_get_i64(&md->properties, key, dflt);
    return v < 0 ? dflt : v;
}

/* Exponential backoff as Java's Tasks: min * 2^attempt, capped at max, jittered. */
static void backoff(const st_table_metadata *md, int attempt)
{
    int64_t lo = prop_i64(md, "commit.retry.min-wait-ms", 100);
    int64_t hi = prop_i64(md, "commit.retry.max-wait-ms", 60000);
    int64_t w = lo;
    for (int i = 0; i < attempt && w < hi; i++)
        w *= 2;
    st_backoff_sleep((w > hi ? hi : w) * 1000);
}

int st_txn_build_updates(st_txn *x, const st_table_metadata *base, int attempt, st_change *c,
                         int64_t *snapshot_id);

/* After an unknown outcome: 1 when `loc` is the table's current version or in
 * its metadata log (then the table is refreshed to it), 0 when the table moved
 * on without it, <0 when the catalog still cannot say. */
static int check_landed(st_table *t, const char *loc)
{
    char *cur = NULL;
    st_error_saved saved;
    st_error_save(&saved);
    if (st_table_current_location(t, &cur) < 0) {
        st_error_restore(&saved);
        return -1;
    }
    int landed = strcmp(cur, loc) == 0;
    int rc = st_table_load_metadata(t, cur);
    st_free(cur);
    if (rc < 0) {
        st_error_restore(&saved);
        return -1;
    }
    for (int i = 0; !landed && i < t->md->n_metadata_log; i++)
        landed = strcmp(t->md->metadata_log[i].metadata_file, loc) == 0;
    st_error_restore(&saved);
    return landed;
}

int st_txn_commit(st_txn *x, int64_t *snapshot_id)
{
    st_table *t = x->t;
    int rc;
    if (snapshot_id)
        *snapshot_id = -1;
    if (x->committed)
        return st_error_set(ST_EINVALID, ST_ERROR_TABLE, "the transaction was already committed");
    if (x->failed)
        return st_error_set(ST_EINVALID, ST_ERROR_TABLE,
                            "the transaction failed earlier and cannot commit");
    if ((rc = flush_writer(x)) < 0)
        return rc;

    int64_t start = st_now_ms();
    for (int attempt = 0;; attempt++) {
        const st_table_metadata *base = t->md;
        st_change c;
        st_table_metadata *next = NULL;
        int changed = 0;
        int64_t sid = -1;
        char *loc = NULL;
        st_change_init(&c);
        rc = st_txn_build_updates(x, base, attempt, &c, &sid);
        if (rc == 0)
            rc = st_requirements_check(base, c.reqs, c.n_reqs);
        if (rc == 0)
            rc = st_updates_apply(&next, &changed, base, c.updates, c.n_updates, st_now_ms());
        st_change_free(&c);
        if (rc == 0 && !changed) {
            st_metadata_free(next);
            st_txn_cleanup_files(x, attempt);
            x->committed = 1;
            return 0;
        }
        if (rc) {
            /* a change that does not apply to the latest version fails now:
             * only a lost swap below is worth another attempt */
            st_metadata_free(next);
            st_txn_cleanup_files(x, attempt);
            return rc;
        }
        rc = st_table_publish(t, base->metadata_location, next, &loc);
        if (rc == 0) {
            next->metadata_location = loc;
            st_table_set_metadata(t, next);
            x->committed = 1;
            if (snapshot_id)
                *snapshot_id = sid;
            return 0;
        }
        st_metadata_free(next);
        if (rc == ST_EUNKNOWN) {
            /* ask the catalog again whether the new version is live (Java's
             * commit-status check); only a clear "no" may delete files */
            int landed = loc ? check_landed(t, loc) : -1;
            st_free(loc);
            loc = NULL;
            if (landed == 1) {
                x->committed = 1;
                if (snapshot_id)
                    *snapshot_id = sid;
                st_error_clear();
                return 0;
            }
            if (landed < 0) {
                x->committed = 2;
                return st_error_set(ST_EUNKNOWN, ST_ERROR_TABLE,
                                    "table '%s': the catalog did not confirm the commit; it may "
                                    "or may not have landed (its files were kept)",
                                    t->display);
            }
            rc = st_error_set(ST_ECONFLICT, ST_ERROR_TABLE,
                              "table '%s': the commit did not land", t->display);
        }
        st_free(loc);
        st_txn_cleanup_files(x, attempt);
        if (rc != ST_ECONFLICT)
            return rc;
        /* lost the race: retry on the latest version, if the budget allows */
        int64_t retries = prop_i64(base, "commit.retry.num-retries", 4);
        int64_t total = prop_i64(base, "commit.retry.total-timeout-ms", 30 * 60 * 1000);
        if (attempt >= retries || st_now_ms() - start >= total) {
            char why[512];
            snprintf(why, sizeof why, "%s", st_error_last()->message);
            return st_error_set(ST_ECONFLICT, ST_ERROR_TABLE,
                                "table '%s': commit failed after %d attempts: %s", t->display,
                                attempt + 1, why);
        }
        backoff(base, attempt);
        int rr = st_table_refresh(t);
        if (rr)
            return rr;
    }
}
