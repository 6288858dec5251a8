/* SPDX-License-Identifier: Apache-2.0 */
/* The public catalog API (include/supertable/catalog.h): namespaces pass
 * through to the catalog backends; tables are created, loaded, registered and
 * purged here, where metadata is understood. */
#include <string.h>

#include "spec/partition_parse.h"
#include "supertable/errors.h"
#include "table/txn_int.h"
#include "util/alloc.h"
#include "util/fs.h"

int st_catalog_open(st_catalog **out, const char *uri, const st_catalog_options *opts)
{
    *out = NULL;
    if (opts && opts->version != ST_CATALOG_OPTIONS_VERSION)
        return st_error_set(ST_EINVALID, ST_ERROR_CATALOG, "unknown catalog options version %u",
                            opts->version);
    const char *wh = opts && opts->warehouse ? opts->warehouse : NULL;
    /* the embedded default: ./warehouse with its SQLite catalog */
    if (!wh && (!uri || !*uri))
        wh = "warehouse";
    const char *name = opts ? opts->catalog_name : NULL;
    int rc = st_catalog_open_uri(out, uri && *uri ? uri : NULL, wh, name);
    if (rc)
        return rc;
    if (opts && opts->location_map &&
        (rc = st_catalog_set_location_map(*out, opts->location_map)) < 0) {
        st_catalog_close(*out);
        *out = NULL;
    }
    return rc;
}

void st_catalog_free(st_catalog *c)
{
    st_catalog_close(c);
}

static int props_from(st_props *p, const st_property *props, size_t n)
{
    memset(p, 0, sizeof *p);
    for (size_t i = 0; i < n; i++) {
        int rc = st_props_set(p, props[i].key, props[i].value);
        if (rc) {
            st_props_dispose(p);
            return rc;
        }
    }
    return 0;
}

int st_catalog_create_namespace(st_catalog *c, const char *ns, const st_property *props,
                                size_t n)
{
    st_props p;
    int rc = props_from(&p, props, n);
    if (rc == 0)
        rc = st_catalog_ns_create(c, ns, &p);
    st_props_dispose(&p);
    return rc;
}

int st_catalog_list_namespaces(st_catalog *c, const char *parent, char ***out, size_t *n)
{
    int k = 0;
    int rc = st_catalog_ns_list(c, parent && *parent ? parent : NULL, out, &k);
    *n = rc == 0 ? (size_t)k : 0;
    return rc;
}

int st_catalog_namespace_properties(st_catalog *c, const char *ns, st_property **out, size_t *n)
{
    st_props p;
    memset(&p, 0, sizeof p);
    *out = NULL;
    *n = 0;
    int rc = st_catalog_ns_properties(c, ns, &p);
    if (rc)
        return rc;
    st_property *a = st_calloc((size_t)(p.n ? p.n : 1), sizeof *a);
    if (!a) {
        st_props_dispose(&p);
        return st_error_set_oom();
    }
    /* hand the strings over: the props array is freed, its strings are not */
    for (int i = 0; i < p.n; i++) {
        a[i].key = p.items[i].key;
        a[i].value = p.items[i].value;
    }
    *n = (size_t)p.n;
    st_free(p.items);
    *out = a;
    return 0;
}

int st_catalog_update_namespace(st_catalog *c, const char *ns, const st_property *set,
                                size_t n_set, const char *const *remove, size_t n_remove)
{
    st_props p;
    int rc = props_from(&p, set, n_set);
    if (rc == 0)
        rc = st_catalog_ns_update(c, ns, &p, (char *const *)remove, (int)n_remove);
    st_props_dispose(&p);
    return rc;
}

int st_catalog_drop_namespace(st_catalog *c, const char *ns)
{
    return st_catalog_ns_drop(c, ns);
}

int st_catalog_list_tables(st_catalog *c, const char *ns, char ***out, size_t *n)
{
    char **names = NULL;
    int k = 0;
    *out = NULL;
    *n = 0;
    int rc = st_catalog_tbl_list(c, ns, &names, &k);
    if (rc)
        return rc;
    /* full names "ns.table" */
    for (int i = 0; i < k; i++) {
        st_buf b = ST_BUF_INIT;
        if (st_buf_printf(&b, "%s.%s", ns, names[i]) < 0) {
            st_buf_dispose(&b);
            st_catalog_strings_free(names, k);
            return ST_ENOMEM;
        }
        st_free(names[i]);
        names[i] = (char *)st_buf_detach(&b);
    }
    *out = names;
    *n = (size_t)k;
    return 0;
}

void st_strings_free(char **v, size_t n)
{
    st_catalog_strings_free(v, (int)n);
}

void st_properties_free(st_property *p, size_t n)
{
    if (!p)
        return;
    for (size_t i = 0; i < n; i++) {
        st_free((char *)p[i].key);
        st_free((char *)p[i].value);
    }
    st_free(p);
}

/* ------------------------------------------------------------------ tables */

int st_catalog_load_table(st_table **out, st_catalog *c, const char *name)
{
    char *ns, *tn, *loc = NULL;
    st_table *t = NULL;
    *out = NULL;
    int rc = st_split_table_name(name, &ns, &tn);
    if (rc)
        return rc;
    if ((rc = st_catalog_tbl_get(c, ns, tn, &loc)) == 0 &&
        (rc = st_table_new(&t, c, ns, tn, NULL, st_catalog_location_map(c))) == 0)
        rc = st_table_load_metadata(t, loc);
    st_free(ns);
    st_free(tn);
    st_free(loc);
    if (rc) {
        st_table_free(t);
        return rc;
    }
    *out = t;
    return 0;
}

int st_catalog_table_exists(st_catalog *c, const char *name)
{
    char *ns, *tn, *loc = NULL;
    int rc = st_split_table_name(name, &ns, &tn);
    if (rc)
        return rc;
    rc = st_catalog_tbl_get(c, ns, tn, &loc);
    st_free(ns);
    st_free(tn);
    st_free(loc);
    if (rc == ST_ENOTFOUND) {
        st_error_clear();
        return 0;
    }
    return rc == 0 ? 1 : rc;
}

/* Builds the first metadata of a table from the create options. */
static int new_metadata(st_table_metadata **out, const st_table_create_options *o,
                        const char *location)
{
    st_type *fresh = NULL;
    st_schema schema;
    st_partition_spec spec;
    st_sort_order order;
    st_props props;
    int rc;
    memset(&schema, 0, sizeof schema);
    memset(&spec, 0, sizeof spec);
    memset(&order, 0, sizeof order);
    memset(&props, 0, sizeof props);
    *out = NULL;
    if (!o || o->version != ST_TABLE_CREATE_OPTIONS_VERSION)
        return st_error_set(ST_EINVALID, ST_ERROR_TABLE, "unknown table create options version");
    if (!o->schema || o->schema->id != ST_TYPE_STRUCT || o->schema->n_fields == 0)
        return st_error_set(ST_EINVALID, ST_ERROR_TABLE,
                            "a table needs a schema with at least one column");
    int fv = o->format_version ? o->format_version : 2;
    if (fv < 1 || fv > ST_FORMAT_VERSION_MAX)
        return st_error_set(ST_EINVALID, ST_ERROR_TABLE,
                            "format version %d is not supported (1 to %d)", fv,
                            ST_FORMAT_VERSION_MAX);
    if ((rc = st_schema_assign_fresh_ids(&fresh, o->schema)) < 0)
        return rc;
    schema.type = fresh;
    schema.schema_id = 0;
    int32_t last_pid = ST_PARTITION_FIELD_ID_START - 1;
    if (o->partition_by && *o->partition_by &&
        (rc = st_partition_spec_parse(&spec, o->partition_by, fresh, &last_pid)) < 0)
        goto done;
    if (o->sort_by && *o->sort_by && (rc = st_sort_order_parse(&order, o->sort_by, fresh)) < 0)
        goto done;
    order.order_id = order.n_fields ? 1 : 0;
    if ((rc = props_from(&props, o->properties, o->n_properties)) < 0)
        goto done;
    rc = st_metadata_new(out, &schema, &spec, &order, location, &props, fv, st_now_ms());
done:
    st_schema_dispose(&schema);
    st_spec_dispose(&spec);
    st_sort_order_dispose(&order);
    st_props_dispose(&props);
    return rc;
}

int st_catalog_create_table(st_table **out, st_catalog *c, const char *name,
                            const st_table_create_options *opts)
{
    char *ns, *tn, *loc = NULL, *newloc = NULL;
    st_table *t = NULL;
    st_table_metadata *md = NULL;
    if (out)
        *out = NULL;
    int rc = st_split_table_name(name, &ns, &tn);
    if (rc)
        return rc;
    if (opts && opts->if_not_exists) {
        rc = st_catalog_tbl_get(c, ns, tn, &loc);
        st_free(loc);
        loc = NULL;
        if (rc == 0) {
            st_free(ns);
            st_free(tn);
            return out ? st_catalog_load_table(out, c, name) : 0;
        }
        if (rc != ST_ENOTFOUND)
            goto done;
        st_error_clear();
    }
    rc = st_catalog_ns_exists(c, ns);
    if (rc == 0)
        rc = st_error_set(ST_ENOTFOUND, ST_ERROR_CATALOG, "namespace '%s' does not exist", ns);
    if (rc < 0)
        goto done;
    rc = 0;
    if (opts && opts->location && *opts->location) {
        if (!(loc = st_strdup(opts->location)))
            rc = st_error_set_oom();
    } else {
        rc = st_catalog_tbl_default_location(c, ns, tn, &loc);
    }
    if (rc == 0)
        rc = new_metadata(&md, opts, loc);
    if (rc == 0)
        rc = st_table_new(&t, c, ns, tn, NULL, st_catalog_location_map(c));
    if (rc == 0)
        rc = st_table_publish(t, NULL, md, &newloc);
    if (rc == 0) {
        md->metadata_location = newloc;
        st_table_set_metadata(t, md);
        md = NULL;
    }
done:
    st_metadata_free(md);
    st_free(ns);
    st_free(tn);
    st_free(loc);
    if (rc == 0 && out)
        *out = t;
    else
        st_table_free(t);
    return rc;
}

int st_table_create_path(st_table **out, const char *folder, const st_table_create_options *opts)
{
    char *abs = NULL, *newloc = NULL;
    st_table *t = NULL;
    st_table_metadata *md = NULL;
    if (out)
        *out = NULL;
    int rc = st_abspath(&abs, folder);
    if (rc)
        return rc;
    char *probe = NULL;
    if (st_catalog_path_table_location(abs, &probe) == 0) {
        st_free(probe);
        rc = st_error_set(ST_EEXISTS, ST_ERROR_TABLE, "'%s' already holds a table", folder);
        goto done;
    }
    st_error_clear();
    if ((rc = st_mkdirs(abs)) < 0 || (rc = new_metadata(&md, opts, abs)) < 0 ||
        (rc = st_table_new(&t, NULL, NULL, NULL, abs, NULL)) < 0)
        goto done;
    if ((rc = st_table_publish(t, NULL, md, &newloc)) == 0) {
        md->metadata_location = newloc;
        st_table_set_metadata(t, md);
        md = NULL;
    }
done:
    st_metadata_free(md);
    st_free(abs);
    if (rc == 0 && out)
        *out = t;
    else
        st_table_free(t);
    return rc;
}

int st_catalog_register_table(st_table **out, st_catalog *c, const char *name,
                              const char *metadata_location)
{
    char *ns, *tn;
    st_table *t = NULL;
    if (out)
        *out = NULL;
    int rc = st_split_table_name(name, &ns, &tn);
    if (rc)
        return rc;
    /* read it first: a pointer to something that is not table metadata helps nobody */
    if ((rc = st_table_new(&t, c, ns, tn, NULL, st_catalog_location_map(c))) == 0 &&
        (rc = st_table_load_metadata(t, metadata_location)) == 0)
        rc = st_catalog_tbl_register(c, ns, tn, metadata_location);
    st_free(ns);
    st_free(tn);
    if (rc == 0 && out)
        *out = t;
    else
        st_table_free(t);
    return rc;
}

int st_catalog_rename_table(st_catalog *c, const char *from, const char *to)
{
    char *ns1, *tn1, *ns2, *tn2;
    int rc = st_split_table_name(from, &ns1, &tn1);
    if (rc)
        return rc;
    if ((rc = st_split_table_name(to, &ns2, &tn2)) == 0) {
        rc = st_catalog_tbl_rename(c, ns1, tn1, ns2, tn2);
        st_free(ns2);
        st_free(tn2);
    }
    st_free(ns1);
    st_free(tn1);
    return rc;
}

/* Deletes every file the table's metadata reaches: data and delete files,
 * manifests, manifest lists, statistics, metadata files. Only files under the
 * table's location are touched; a missing file is fine. */
static int purge_files(st_table *t)
{
    const st_table_metadata *md = t->md;
    st_arena a = ST_ARENA_INIT;
    int rc = 0;
    size_t loclen = strlen(md->location);
    char *local = NULL;
#define PURGE(loc_)                                                                   \
    do {                                                                              \
        const char *l_ = (loc_);                                                      \
        if (l_ && strncmp(l_, md->location, loclen) == 0 &&                           \
            st_location_resolve(&local, &t->locmap, l_) == 0) {                       \
            st_remove_file(local);                                                    \
            st_free(local);                                                           \
            local = NULL;                                                             \
        }                                                                             \
    } while (0)
    for (int s = 0; s < md->n_snapshots && rc == 0; s++) {
        st_manifest_file *files = NULL;
        int n = 0;
        if (st_snapshot_manifests(t, md, &md->snapshots[s], &a, &files, &n) < 0)
            continue;   /* already gone: nothing more to find from here */
        for (int i = 0; i < n; i++) {
            st_manifest *m = NULL;
            if (st_table_read_manifest(t, md, &files[i], &m) == 0) {
                for (int k = 0; k < m->n_entries; k++)
                    PURGE(m->entries[k].file.file_path);
                st_manifest_free(m);
            }
        }
        for (int i = 0; i < n; i++)
            PURGE(files[i].manifest_path);
        PURGE(md->snapshots[s].manifest_list);
        for (int i = 0; i < md->snapshots[s].n_manifests; i++)
            PURGE(md->snapshots[s].manifests[i]);
    }
    for (int i = 0; i < md->n_statistics; i++)
        PURGE(md->statistics[i].statistics_path);
    for (int i = 0; i < md->n_partition_statistics; i++)
        PURGE(md->partition_statistics[i].statistics_path);
    for (int i = 0; i < md->n_metadata_log; i++)
        PURGE(md->metadata_log[i].metadata_file);
    PURGE(md->metadata_location);
#undef PURGE
    st_arena_dispose(&a);
    st_error_clear();
    return rc;
}

int st_catalog_drop_table(st_catalog *c, const char *name, int purge)
{
    st_table *t = NULL;
    char *ns, *tn;
    int rc;
    if (purge && (rc = st_catalog_load_table(&t, c, name)) < 0)
        return rc;
    if ((rc = st_split_table_name(name, &ns, &tn)) == 0) {
        rc = st_catalog_tbl_drop(c, ns, tn);
        st_free(ns);
        st_free(tn);
    }
    /* purge only after the pointer is gone: a reader never sees a half-deleted table */
    if (rc == 0 && t)
        rc = purge_files(t);
    st_table_free(t);
    return rc;
}
