/* SPDX-License-Identifier: Apache-2.0 */
/* Which snapshot a scan reads, and reading a snapshot's manifests in parallel. */
#include "scan/scan_int.h"
#include "supertable/errors.h"
#include "util/alloc.h"
#include "util/datetime.h"

static int pick_as_of(const st_table *t, int64_t as_of_ms, const st_snapshot **out)
{
    const st_table_metadata *md = t->md;
    int64_t id = -1;
    /* The snapshot log records when main moved; the last entry at or before the
     * time names the snapshot that was current then. */
    for (int i = 0; i < md->n_snapshot_log; i++)
        if (md->snapshot_log[i].timestamp_ms <= as_of_ms)
            id = md->snapshot_log[i].snapshot_id;
    if (id < 0) {
        char when[64];
        st_format_timestamp(when, as_of_ms * 1000, 6, 1);
        return st_error_set(ST_ENOTFOUND, ST_ERROR_TABLE,
                            "table '%s' has no snapshot as of %s (its history starts later)",
                            t->display, when);
    }
    if (!(*out = st_metadata_snapshot(md, id)))
        return st_error_set(ST_ENOTFOUND, ST_ERROR_TABLE,
                            "table '%s': the snapshot current as of that time (%lld) has "
                            "expired", t->display, (long long)id);
    return 0;
}

int st_scan_pick_snapshot(const st_table *t, int64_t snapshot_id, int64_t as_of_ms,
                          const char *ref, const st_snapshot **out, int *use_table_schema)
{
    const st_table_metadata *md = t->md;
    int selectors = (snapshot_id >= 0) + (as_of_ms != ST_SCAN_NO_TIME) + (ref != NULL);
    *out = NULL;
    *use_table_schema = 1;
    if (selectors > 1)
        return st_error_set(ST_EINVALID, ST_ERROR_TABLE,
                            "choose one of a snapshot id, a time and a ref, not several");
    if (snapshot_id >= 0) {
        if (!(*out = st_metadata_snapshot(md, snapshot_id)))
            return st_error_set(ST_ENOTFOUND, ST_ERROR_TABLE, "table '%s' has no snapshot %lld",
                                t->display, (long long)snapshot_id);
        *use_table_schema = 0;
        return 0;
    }
    if (as_of_ms != ST_SCAN_NO_TIME) {
        *use_table_schema = 0;
        return pick_as_of(t, as_of_ms, out);
    }
    if (ref) {
        const st_snapshot_ref *r = st_metadata_ref(md, ref);
        if (!r)
            return st_error_set(ST_ENOTFOUND, ST_ERROR_TABLE, "table '%s' has no branch or tag '%s'",
                                t->display, ref);
        if (!(*out = st_metadata_snapshot(md, r->snapshot_id)))
            return st_error_set(ST_ECORRUPT, ST_ERROR_TABLE,
                                "table '%s': ref '%s' points to missing snapshot %lld", t->display,
                                ref, (long long)r->snapshot_id);
        /* Java reads a tag with the snapshot's schema, a branch with the table's. */
        *use_table_schema = !r->is_tag;
        return 0;
    }
    *out = st_metadata_current_snapshot(md);
    return 0;
}

/* ------------------------------------------------------------ manifests */

typedef struct read_ctx {
    const st_table *t;
    const st_table_metadata *md;
    const st_manifest_file *files;
    st_manifest **out;
} read_ctx;

static int read_one(void *payload, size_t i)
{
    read_ctx *c = payload;
    return st_table_read_manifest(c->t, c->md, &c->files[i], &c->out[i]);
}

int st_manifests_read_all(const st_table *t, const st_table_metadata *md,
                          const st_manifest_file *files, int n, st_pool *pool, st_manifest **out)
{
    read_ctx c = {t, md, files, out};
    for (int i = 0; i < n; i++)
        out[i] = NULL;
    int rc = st_pool_run(pool, (size_t)n, read_one, &c);
    if (rc) {
        for (int i = 0; i < n; i++) {
            st_manifest_free(out[i]);
            out[i] = NULL;
        }
    }
    return rc;
}
