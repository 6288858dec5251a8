/* SPDX-License-Identifier: Apache-2.0 */
/* Loaded tables: where their metadata is, reading it, publishing new versions,
 * and the read-only accessors of the public API. */
#include <stdio.h>
#include <string.h>

#include "spec/partition_parse.h"
#include "supertable/errors.h"
#include "table/table_int.h"
#include "util/alloc.h"
#include "util/fs.h"
#include "util/random.h"
#include "parquet/compress.h"

/* ------------------------------------------------------------ names */

int st_split_table_name(const char *full, char **ns, char **name)
{
    *ns = *name = NULL;
    const char *dot = full ? strrchr(full, '.') : NULL;
    if (!dot || dot == full || !dot[1])
        return st_error_set(ST_EINVALID, ST_ERROR_TABLE,
                            "table name '%s': expected NAMESPACE.TABLE", full ? full : "");
    *ns = st_strndup(full, (size_t)(dot - full));
    *name = st_strdup(dot + 1);
    if (!*ns || !*name) {
        st_free(*ns);
        st_free(*name);
        *ns = *name = NULL;
        return st_error_set_oom();
    }
    return 0;
}

static int dir_prop(char **out, const st_table_metadata *md, const char *key, const char *sub)
{
    const char *p = st_props_get(&md->properties, key);
    st_buf b = ST_BUF_INIT;
    int rc;
    if (p && *p) {
        rc = st_buf_puts(&b, p);
    } else {
        size_t n = strlen(md->location);
        while (n > 1 && md->location[n - 1] == '/')
            n--;
        if ((rc = st_buf_put(&b, md->location, n)) == 0)
            rc = st_buf_printf(&b, "/%s", sub);
    }
    if (rc) {
        st_buf_dispose(&b);
        return rc;
    }
    *out = (char *)st_buf_detach(&b);
    return 0;
}

int st_table_metadata_dir(char **out, const st_table_metadata *md)
{
    return dir_prop(out, md, "write.metadata.path", "metadata");
}

int st_table_data_dir(char **out, const st_table_metadata *md)
{
    int rc = dir_prop(out, md, "write.data.path", "data");
    if (rc == 0 && !st_props_get(&md->properties, "write.data.path")) {
        /* the old name of the property, still honoured by Java */
        const char *old = st_props_get(&md->properties, "write.folder-storage.path");
        if (old && *old) {
            st_free(*out);
            *out = st_strdup(old);
            if (!*out)
                return st_error_set_oom();
        }
    }
    return rc;
}

/* ------------------------------------------------------------- lifecycle */

int st_table_new(st_table **out, st_catalog *cat, const char *ns, const char *name,
                 const char *path_dir, const st_location_map *lm)
{
    st_table *t = st_calloc(1, sizeof *t);
    int rc = 0;
    *out = NULL;
    if (!t)
        return st_error_set_oom();
    t->cat = cat;
    if (ns) {
        t->ns = st_strdup(ns);
        t->name = st_strdup(name);
        st_buf b = ST_BUF_INIT;
        if (st_buf_printf(&b, "%s.%s", ns, name) == 0)
            t->display = (char *)st_buf_detach(&b);
        else
            st_buf_dispose(&b);
        if (!t->ns || !t->name || !t->display)
            rc = st_error_set_oom();
    } else {
        t->path_dir = st_strdup(path_dir);
        t->display = st_strdup(path_dir);
        if (!t->path_dir || !t->display)
            rc = st_error_set_oom();
    }
    if (rc == 0)
        rc = st_location_map_copy(&t->locmap, lm);
    if (rc) {
        st_table_free(t);
        return rc;
    }
    *out = t;
    return 0;
}

static void drop_views(st_table *t)
{
    st_free(t->props_view);
    st_free(t->summary_view);
    st_free(t->summary_off);
    t->props_view = t->summary_view = NULL;
    t->summary_off = NULL;
}

void st_table_set_metadata(st_table *t, st_table_metadata *md)
{
    drop_views(t);
    st_metadata_free(t->md);
    t->md = md;
}

void st_table_free(st_table *t)
{
    if (!t)
        return;
    drop_views(t);
    st_metadata_free(t->md);
    st_free(t->ns);
    st_free(t->name);
    st_free(t->path_dir);
    st_free(t->display);
    st_location_map_dispose(&t->locmap);
    st_free(t);
}

int st_table_load_metadata(st_table *t, const char *location)
{
    char *path;
    st_table_metadata *md;
    int rc = st_location_resolve(&path, &t->locmap, location);
    if (rc)
        return rc;
    rc = st_metadata_read_file(&md, path);
    st_free(path);
    if (rc)
        return rc;
    /* keep the location as the catalog knows it: commits compare it */
    st_free(md->metadata_location);
    if (!(md->metadata_location = st_strdup(location))) {
        st_metadata_free(md);
        return st_error_set_oom();
    }
    if (t->md && t->md->table_uuid[0] && md->table_uuid[0] &&
        strcmp(t->md->table_uuid, md->table_uuid) != 0) {
        rc = st_error_set(ST_ECONFLICT, ST_ERROR_TABLE,
                          "table '%s' was replaced: its uuid changed from %s to %s", t->display,
                          t->md->table_uuid, md->table_uuid);
        st_metadata_free(md);
        return rc;
    }
    st_table_set_metadata(t, md);
    return 0;
}

int st_table_current_location(st_table *t, char **out)
{
    if (t->cat)
        return st_catalog_tbl_get(t->cat, t->ns, t->name, out);
    return st_catalog_path_table_location(t->path_dir, out);
}

int st_table_refresh(st_table *t)
{
    char *loc;
    int rc = st_table_current_location(t, &loc);
    if (rc)
        return rc;
    if (t->md && t->md->metadata_location && strcmp(loc, t->md->metadata_location) == 0) {
        st_free(loc);
        return 0;
    }
    rc = st_table_load_metadata(t, loc);
    st_free(loc);
    return rc;
}

int st_table_publish(st_table *t, const char *base_location, const st_table_metadata *md,
                     char **new_location)
{
    char *json = NULL, *dir = NULL;
    int rc;
    *new_location = NULL;
    if ((rc = st_metadata_to_json(&json, md)) < 0)
        return rc;
    const char *codec = st_props_get(&md->properties, "write.metadata.compression-codec");
    int gzip = codec && (strcmp(codec, "gzip") == 0 || strcmp(codec, "GZIP") == 0);
    const uint8_t *data = (const uint8_t *)json;
    size_t len = strlen(json);
    st_buf gz = ST_BUF_INIT;
    if (gzip) {
        /* gzip (RFC 1952), the Parquet GZIP codec's format */
        if ((rc = pq_compress(PQ_CODEC_GZIP, 0, data, len, &gz)) < 0)
            goto done;
        data = gz.ptr;
        len = gz.len;
    }
    if (t->cat) {
        if ((rc = st_table_metadata_dir(&dir, md)) == 0)
            rc = st_catalog_tbl_commit(t->cat, t->ns, t->name, base_location, dir, data, len,
                                       gzip, new_location);
    } else {
        rc = st_catalog_path_table_commit(t->path_dir, base_location, data, len, gzip,
                                          new_location);
    }
done:
    st_buf_dispose(&gz);
    st_free(dir);
    st_free(json);
    return rc;
}

/* ----------------------------------------------------------- path tables */

int st_table_open_path(st_table **out, const char *path, const st_table_open_options *opts)
{
    st_location_map lm;
    st_table *t = NULL;
    char *abs = NULL, *loc = NULL, *dir = NULL;
    int rc;
    *out = NULL;
    if (opts && opts->version != ST_TABLE_OPEN_OPTIONS_VERSION)
        return st_error_set(ST_EINVALID, ST_ERROR_TABLE, "unknown table open options version");
    if ((rc = st_location_map_init(&lm, opts ? opts->location_map : NULL)) < 0)
        return rc;
    if ((rc = st_abspath(&abs, path)) < 0)
        goto done;
    if (st_is_dir(abs)) {
        /* a table folder, or its metadata folder */
        size_t n = strlen(abs);
        if (n > 9 && strcmp(abs + n - 9, "/metadata") == 0)
            abs[n - 9] = 0;
        if ((rc = st_catalog_path_table_location(abs, &loc)) < 0)
            goto done;
        if ((rc = st_table_new(&t, NULL, NULL, NULL, abs, &lm)) < 0)
            goto done;
        rc = st_table_load_metadata(t, loc);
    } else if (st_path_exists(abs)) {
        /* a metadata file: the table folder is two levels up (x/metadata/f.json) */
        char *slash = strrchr(abs, '/');
        dir = st_strndup(abs, slash ? (size_t)(slash - abs) : 0);
        if (!dir) {
            rc = st_error_set_oom();
            goto done;
        }
        size_t n = strlen(dir);
        if (n > 9 && strcmp(dir + n - 9, "/metadata") == 0)
            dir[n - 9] = 0;
        if ((rc = st_table_new(&t, NULL, NULL, NULL, dir, &lm)) < 0)
            goto done;
        rc = st_table_load_metadata(t, abs);
    } else {
        rc = st_error_set(ST_ENOTFOUND, ST_ERROR_TABLE, "'%s': no such table folder or file",
                          path);
    }
done:
    st_location_map_dispose(&lm);
    st_free(abs);
    st_free(loc);
    st_free(dir);
    if (rc) {
        st_table_free(t);
        return rc;
    }
    *out = t;
    return 0;
}

/* -------------------------------------------------------------- accessors */

const char *st_table_name(const st_table *t) { return t->display; }
const char *st_table_location(const st_table *t) { return t->md->location; }
const char *st_table_metadata_location(const st_table *t) { return t->md->metadata_location; }
const char *st_table_uuid(const st_table *t) { return t->md->table_uuid; }
int st_table_format_version(const st_table *t) { return t->md->format_version; }

st_type *st_table_schema(const st_table *t)
{
    const st_schema *s = st_metadata_current_schema(t->md);
    return s ? s->type : NULL;
}

int64_t st_table_current_snapshot_id(const st_table *t)
{
    return t->md->current_snapshot_id;
}

int st_table_partition_spec_text(const st_table *t, char **out)
{
    st_buf b = ST_BUF_INIT;
    const st_partition_spec *spec = st_metadata_default_spec(t->md);
    int rc = spec ? st_partition_spec_to_string(&b, spec, st_table_schema(t)) : 0;
    if (rc == 0 && !b.ptr)
        rc = st_buf_puts(&b, "");
    if (rc) {
        st_buf_dispose(&b);
        return rc;
    }
    *out = (char *)st_buf_detach(&b);
    return 0;
}

int st_table_sort_order_text(const st_table *t, char **out)
{
    st_buf b = ST_BUF_INIT;
    const st_sort_order *o = st_metadata_sort_order(t->md, t->md->default_sort_order_id);
    int rc = o ? st_sort_order_to_string(&b, o, st_table_schema(t)) : 0;
    if (rc == 0 && !b.ptr)
        rc = st_buf_puts(&b, "");
    if (rc) {
        st_buf_dispose(&b);
        return rc;
    }
    *out = (char *)st_buf_detach(&b);
    return 0;
}

size_t st_table_property_count(const st_table *t) { return (size_t)t->md->properties.n; }

st_property st_table_property(const st_table *t, size_t i)
{
    st_property p = {NULL, NULL};
    if (i < (size_t)t->md->properties.n) {
        p.key = t->md->properties.items[i].key;
        p.value = t->md->properties.items[i].value;
    }
    return p;
}

const char *st_table_property_get(const st_table *t, const char *key)
{
    return st_props_get(&t->md->properties, key);
}

int st_table_metadata_json(const st_table *t, char **out)
{
    return st_metadata_to_json(out, t->md);
}

/* Summaries are st_props (key/value char*), laid out like st_property: view
 * them through one array built on first use. */
static int summary_views(st_table *t)
{
    if (t->summary_off || !t->md->n_snapshots)
        return 0;
    int total = 0;
    for (int i = 0; i < t->md->n_snapshots; i++)
        total += t->md->snapshots[i].summary.n;
    t->summary_view = st_calloc((size_t)(total ? total : 1), sizeof(st_property));
    t->summary_off = st_calloc((size_t)t->md->n_snapshots, sizeof(int));
    if (!t->summary_view || !t->summary_off) {
        drop_views(t);
        return st_error_set_oom();
    }
    int k = 0;
    for (int i = 0; i < t->md->n_snapshots; i++) {
        t->summary_off[i] = k;
        const st_props *p = &t->md->snapshots[i].summary;
        for (int j = 0; j < p->n; j++) {
            t->summary_view[k].key = p->items[j].key;
            t->summary_view[k].value = p->items[j].value;
            k++;
        }
    }
    return 0;
}

size_t st_table_snapshot_count(const st_table *t) { return (size_t)t->md->n_snapshots; }

static int fill_snapshot(const st_table *t, int i, st_snapshot_info *out)
{
    int rc = summary_views((st_table *)t);
    if (rc)
        return rc;
    const st_snapshot *s = &t->md->snapshots[i];
    memset(out, 0, sizeof *out);
    out->snapshot_id = s->snapshot_id;
    out->parent_id = s->parent_id == ST_NULL64 ? -1 : s->parent_id;
    out->sequence_number = s->sequence_number;
    out->timestamp_ms = s->timestamp_ms;
    const char *op = st_props_get(&s->summary, "operation");
    out->operation = op ? op : "";
    out->summary = t->summary_view + t->summary_off[i];
    out->n_summary = (size_t)s->summary.n;
    out->manifest_list = s->manifest_list;
    out->schema_id = s->schema_id == ST_NULL32 ? -1 : s->schema_id;
    return 0;
}

int st_table_snapshot(const st_table *t, size_t i, st_snapshot_info *out)
{
    if (i >= (size_t)t->md->n_snapshots)
        return st_error_set(ST_ENOTFOUND, ST_ERROR_TABLE, "no snapshot #%zu", i);
    return fill_snapshot(t, (int)i, out);
}

int st_table_snapshot_by_id(const st_table *t, int64_t id, st_snapshot_info *out)
{
    for (int i = 0; i < t->md->n_snapshots; i++)
        if (t->md->snapshots[i].snapshot_id == id)
            return fill_snapshot(t, i, out);
    return st_error_set(ST_ENOTFOUND, ST_ERROR_TABLE, "table '%s' has no snapshot %lld",
                        t->display, (long long)id);
}

size_t st_table_history_count(const st_table *t) { return (size_t)t->md->n_snapshot_log; }

int st_table_history(const st_table *t, size_t i, st_history_entry *out)
{
    if (i >= (size_t)t->md->n_snapshot_log)
        return st_error_set(ST_ENOTFOUND, ST_ERROR_TABLE, "no history entry #%zu", i);
    const st_snapshot_log_entry *e = &t->md->snapshot_log[i];
    out->snapshot_id = e->snapshot_id;
    out->timestamp_ms = e->timestamp_ms;
    const st_snapshot *s = st_metadata_snapshot(t->md, e->snapshot_id);
    out->parent_id = s && s->parent_id != ST_NULL64 ? s->parent_id : -1;
    out->is_current_ancestor = 0;
    /* walk the current snapshot's ancestry (bounded by the snapshot count) */
    const st_snapshot *c = st_metadata_current_snapshot(t->md);
    for (int steps = 0; c && steps <= t->md->n_snapshots; steps++) {
        if (c->snapshot_id == e->snapshot_id) {
            out->is_current_ancestor = 1;
            break;
        }
        c = c->parent_id == ST_NULL64 ? NULL : st_metadata_snapshot(t->md, c->parent_id);
    }
    return 0;
}

size_t st_table_ref_count(const st_table *t) { return (size_t)t->md->n_refs; }

int st_table_ref(const st_table *t, size_t i, st_ref_info *out)
{
    if (i >= (size_t)t->md->n_refs)
        return st_error_set(ST_ENOTFOUND, ST_ERROR_TABLE, "no ref #%zu", i);
    const st_snapshot_ref *r = &t->md->refs[i];
    out->name = r->name;
    out->snapshot_id = r->snapshot_id;
    out->is_tag = r->is_tag;
    out->min_snapshots_to_keep = r->min_snapshots_to_keep == ST_NULL32 ? -1
                                                                        : r->min_snapshots_to_keep;
    out->max_snapshot_age_ms = r->max_snapshot_age_ms == ST_NULL64 ? -1 : r->max_snapshot_age_ms;
    out->max_ref_age_ms = r->max_ref_age_ms == ST_NULL64 ? -1 : r->max_ref_age_ms;
    return 0;
}
