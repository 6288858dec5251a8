/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Scan planning: from a snapshot's manifest list to file scan tasks.
 *
 *   1. manifests are pruned by their partition summaries (the filter's
 *      inclusive projection onto each spec);
 *   2. the remaining manifests are read in parallel, each worker keeping the
 *      live entries whose partition tuple and column metrics may match;
 *   3. delete files are paired with data files: position deletes and
 *      deletion vectors of the same partition (or naming the file) with a
 *      data sequence number >= the file's, equality deletes of the same
 *      partition, or of an unpartitioned spec, with a number > the file's;
 *   4. files are split at row-group boundaries (split_offsets) into tasks of
 *      about read.split.target-size bytes.
 */
#include <jansson.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "scan/scan_int.h"
#include "supertable/errors.h"
#include "util/alloc.h"
#include "util/buf.h"

#define DEFAULT_SPLIT_SIZE (128LL * 1024 * 1024)
#define POS_PATH_FIELD_ID 2147483546

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* ----------------------------------------------------------- projection */

static int names_eq(const char *a, const char *b, size_t n, int cs)
{
    return (cs ? strncmp(a, b, n) : strncasecmp(a, b, n)) == 0 && a[n] == '\0';
}

/* Finds the field of a (possibly dotted) column name: the whole name as one
 * field first (names may hold dots), then component by component through
 * structs. *top receives the top-level field's index. */
static const st_field *resolve_column(const st_type *schema, const char *name, int cs, int *top,
                                      const char *display)
{
    const st_field *hit = NULL;
    int matches = 0;
    for (int i = 0; i < schema->n_fields; i++)
        if (names_eq(schema->fields[i].name, name, strlen(name), cs)) {
            if (!hit || strcmp(schema->fields[i].name, name) == 0) {
                hit = &schema->fields[i];
                *top = i;
            }
            matches++;
        }
    if (hit && (matches == 1 || cs || strcmp(hit->name, name) == 0))
        return hit;
    if (matches > 1) {
        st_error_set(ST_EINVALID, ST_ERROR_TABLE, "column '%s' of table '%s' is ambiguous",
                     name, display);
        return NULL;
    }
    const st_type *t = schema;
    const char *p = name;
    const st_field *f = NULL;
    while (*p) {
        const char *dot = strchr(p, '.');
        size_t n = dot ? (size_t)(dot - p) : strlen(p);
        if (!t || t->id != ST_TYPE_STRUCT)
            break;
        f = NULL;
        for (int i = 0; i < t->n_fields; i++)
            if (names_eq(t->fields[i].name, p, n, cs)) {
                f = &t->fields[i];
                if (t == schema)
                    *top = i;
                break;
            }
        if (!f)
            break;
        if (!dot)
            return f;
        t = f->type;
        p = dot + 1;
    }
    st_error_set(ST_ENOTFOUND, ST_ERROR_TABLE, "table '%s' has no column '%s'", display, name);
    return NULL;
}

static int id_in(int32_t id, const int32_t *ids, int n)
{
    for (int i = 0; i < n; i++)
        if (ids[i] == id)
            return 1;
    return 0;
}

static int subtree_has(const st_type *t, const int32_t *ids, int n)
{
    for (int i = 0; t && i < t->n_fields; i++)
        if (id_in(t->fields[i].id, ids, n) || subtree_has(t->fields[i].type, ids, n))
            return 1;
    return 0;
}

/* The type with only the selected ids (a selected field keeps its subtree;
 * a struct keeps the fields on the way to a selected descendant). */
static int prune(st_type **out, st_type *t, const int32_t *ids, int n)
{
    if (t->id != ST_TYPE_STRUCT) {
        *out = st_type_ref(t);
        return 0;
    }
    st_field *fs = st_calloc((size_t)(t->n_fields ? t->n_fields : 1), sizeof *fs);
    st_type **owned = st_calloc((size_t)(t->n_fields ? t->n_fields : 1), sizeof *owned);
    int k = 0, rc = 0;
    if (!fs || !owned)
        rc = st_error_set_oom();
    for (int i = 0; rc == 0 && i < t->n_fields; i++) {
        const st_field *f = &t->fields[i];
        if (id_in(f->id, ids, n)) {
            fs[k++] = *f;
        } else if (f->type->id == ST_TYPE_STRUCT && subtree_has(f->type, ids, n)) {
            if ((rc = prune(&owned[i], f->type, ids, n)) == 0) {
                fs[k] = *f;
                fs[k++].type = owned[i];
            }
        }
    }
    if (rc == 0)
        rc = st_type_struct_new(out, fs, k);
    for (int i = 0; owned && i < t->n_fields; i++)
        st_type_free(owned[i]);
    st_free(owned);
    st_free(fs);
    return rc;
}

/* A copy of a type with every field optional. The spec reads a field missing
 * from a data file as null even when it is required (when it has no default
 * and no partition value), so a filter must not fold `x IS NULL` to FALSE
 * because x is required. */
static int all_optional(st_type **out, st_type *t)
{
    if (!st_type_is_nested(t)) {
        *out = st_type_ref(t);
        return 0;
    }
    int n = t->n_fields, rc = 0;
    st_field *fs = st_calloc((size_t)(n ? n : 1), sizeof *fs);
    if (!fs)
        return st_error_set_oom();
    for (int i = 0; i < n && rc == 0; i++) {
        fs[i] = t->fields[i];
        fs[i].required = 0;
        fs[i].type = NULL;   /* owned from here on: only what the call makes */
        rc = all_optional(&fs[i].type, t->fields[i].type);
    }
    if (rc == 0) {
        if (t->id == ST_TYPE_STRUCT)
            rc = st_type_struct_new(out, fs, n);
        else if (t->id == ST_TYPE_LIST)
            rc = st_type_list_new(out, &fs[0]);
        else
            rc = st_type_map_new(out, &fs[0], &fs[1]);
    }
    for (int i = 0; i < n; i++)
        if (fs[i].type)
            st_type_free(fs[i].type);
    st_free(fs);
    return rc;
}

/* Output type: the requested columns in the order given (each top-level field
 * once, pruned to what was asked of it), or the whole schema. */
static int output_type(st_scan *s, const st_scan_options *o)
{
    st_type *schema = s->opt_type;
    if (!o->columns)
        return (s->out_type = st_type_ref(schema)) ? 0 : st_error_set_oom();
    int n = 0;
    while (o->columns[n])
        n++;
    int32_t *ids = st_calloc((size_t)(n ? n : 1), sizeof *ids);
    int *tops = st_calloc((size_t)(n ? n : 1), sizeof *tops);
    st_field *fs = st_calloc((size_t)(n ? n : 1), sizeof *fs);
    st_type **owned = st_calloc((size_t)(n ? n : 1), sizeof *owned);
    int rc = 0, k = 0;
    if (!ids || !tops || !fs || !owned)
        rc = st_error_set_oom();
    for (int i = 0; rc == 0 && i < n; i++) {
        int top = -1;
        const st_field *f = resolve_column(schema, o->columns[i], o->case_sensitive, &top,
                                           s->table->display);
        if (!f) {
            rc = st_error_last()->code;
            break;
        }
        ids[i] = f->id;
        tops[i] = top;
    }
    /* one output field per distinct top-level column, in first-mention order */
    for (int i = 0; rc == 0 && i < n; i++) {
        int seen = 0;
        for (int j = 0; j < i; j++)
            seen |= tops[j] == tops[i];
        if (seen)
            continue;
        const st_field *f = &schema->fields[tops[i]];
        fs[k] = *f;
        if (!id_in(f->id, ids, n)) {
            if ((rc = prune(&owned[k], f->type, ids, n)) < 0)
                break;
            fs[k].type = owned[k];
        }
        k++;
    }
    if (rc == 0)
        rc = st_type_struct_new(&s->out_type, fs, k);
    for (int i = 0; owned && i < n; i++)
        st_type_free(owned[i]);
    st_free(owned);
    st_free(fs);
    st_free(tops);
    st_free(ids);
    return rc;
}

/* read_type = out_type followed by the top-level columns of `extra` ids that
 * out_type lacks (the filter's and the equality deletes' columns). */
static int build_read_type(st_scan *s, const int32_t *extra, int n_extra)
{
    st_type *schema = s->opt_type, *out = s->out_type;
    st_field *fs = st_calloc((size_t)(out->n_fields + schema->n_fields + n_extra + 1), sizeof *fs);
    if (!fs)
        return st_error_set_oom();
    int k = 0;
    for (int i = 0; i < out->n_fields; i++)
        fs[k++] = out->fields[i];
    for (int i = 0; i < schema->n_fields; i++) {
        const st_field *f = &schema->fields[i];
        if (!id_in(f->id, extra, n_extra) &&
            !(f->type->id == ST_TYPE_STRUCT && subtree_has(f->type, extra, n_extra)))
            continue;
        int have = 0;
        for (int j = 0; j < out->n_fields; j++)
            have |= out->fields[j].id == f->id;
        if (have) {
            /* a pruned struct in the output may lack a filtered sub-field: read
             * the whole column under the output's field instead */
            for (int j = 0; j < out->n_fields; j++)
                if (out->fields[j].id == f->id && out->fields[j].type != f->type)
                    fs[j] = *f;
            continue;
        }
        fs[k++] = *f;
    }
    /* an equality-delete key column dropped since: still read, from the
     * newest older schema that has it at the top level */
    const st_table_metadata *md = s->table->md;
    for (int e = 0; e < n_extra; e++) {
        if (st_schema_find_id(schema, extra[e]))
            continue;
        for (int i = md->n_schemas - 1; i >= 0; i--) {
            int top = -1;
            for (int j = 0; j < md->schemas[i].type->n_fields && top < 0; j++)
                if (md->schemas[i].type->fields[j].id == extra[e])
                    top = j;
            if (top >= 0) {
                fs[k] = md->schemas[i].type->fields[top];
                fs[k++].required = 0;
                break;
            }
        }
    }
    int rc = st_type_struct_new(&s->read_type, fs, k);
    st_free(fs);
    return rc;
}

/* ------------------------------------------------------- per-spec filters */

typedef struct spec_filter {
    int32_t spec_id;
    const st_partition_spec *spec;
    st_expr *incl;               /* NULL: no filter */
    st_expr *strict;
    st_type *ptype;              /* partition tuple type */
} spec_filter;

typedef struct plan_ctx {
    st_scan *s;
    spec_filter *specs;
    int n_specs;
    const st_manifest_file *mfs;
    int *read_idx;               /* manifests to read: indexes into mfs */
    /* per read manifest: selected entry indexes and counters */
    int **sel;
    uint8_t **all;               /* per selected entry: the filter holds for every row */
    int *n_sel;
    int64_t (*counts)[3];        /* live, pruned by partition, pruned by metrics */
} plan_ctx;

static const spec_filter *find_spec(const plan_ctx *c, int32_t id)
{
    for (int i = 0; i < c->n_specs; i++)
        if (c->specs[i].spec_id == id)
            return &c->specs[i];
    return NULL;
}

static int build_spec_filters(plan_ctx *c)
{
    const st_table_metadata *md = c->s->table->md;
    c->specs = st_calloc((size_t)(md->n_specs ? md->n_specs : 1), sizeof *c->specs);
    if (!c->specs)
        return st_error_set_oom();
    for (int i = 0; i < md->n_specs; i++) {
        spec_filter *f = &c->specs[c->n_specs++];
        f->spec_id = md->specs[i].spec_id;
        f->spec = &md->specs[i];
        int rc = st_partition_type(&f->ptype, f->spec, c->s->schema->type);
        if (rc == 0 && c->s->filter)
            rc = st_expr_project_inclusive(&f->incl, c->s->filter, f->spec, c->s->schema->type);
        if (rc == 0 && c->s->filter)
            rc = st_expr_project_strict(&f->strict, c->s->filter, f->spec, c->s->schema->type);
        if (rc)
            return rc;
    }
    return 0;
}

static void free_spec_filters(plan_ctx *c)
{
    for (int i = 0; i < c->n_specs; i++) {
        st_expr_free(c->specs[i].incl);
        st_expr_free(c->specs[i].strict);
        st_type_free(c->specs[i].ptype);
    }
    st_free(c->specs);
}

/* Reads manifest k of the read list and keeps the entries that may match. */
static int read_and_filter(void *payload, size_t k)
{
    plan_ctx *c = payload;
    st_scan *s = c->s;
    const st_manifest_file *mf = &c->mfs[c->read_idx[k]];
    st_manifest **slot = &s->manifests[k];
    int rc = st_table_read_manifest(s->table, s->table->md, mf, slot);
    if (rc)
        return rc;
    const st_manifest *m = *slot;
    int *sel = st_malloc(sizeof(int) * (size_t)(m->n_entries ? m->n_entries : 1));
    uint8_t *all = st_malloc((size_t)(m->n_entries ? m->n_entries : 1));
    c->sel[k] = sel;
    c->all[k] = all;
    if (!sel || !all)
        return st_error_set_oom();
    int n = 0;
    int64_t live = 0, by_part = 0, by_metrics = 0;
    for (int i = 0; i < m->n_entries; i++) {
        const st_manifest_entry *e = &m->entries[i];
        if (e->status == ST_ENTRY_DELETED)
            continue;
        live++;
        if (m->format_version >= 2 && e->sequence_number == ST_NULL64)
            return st_error_set(ST_ECORRUPT, ST_ERROR_ICEBERG,
                                "manifest '%s': live entry '%s' has no data sequence number",
                                mf->manifest_path, e->file.file_path);
        all[n] = s->filter == NULL;
        if (s->filter) {
            const spec_filter *sf = find_spec(c, e->file.spec_id);
            if (sf && sf->incl) {
                rc = st_expr_eval_partition(sf->incl, e->file.partition, e->file.n_partition);
                if (rc < 0)
                    return rc;
                if (rc == 0) {
                    by_part++;
                    continue;
                }
            }
            /* metrics describe data columns; delete files' stats are their own */
            if (e->file.content == ST_CONTENT_DATA) {
                rc = st_expr_metrics_might_match(s->metrics_filter, &e->file,
                                                 s->schema->type);
                if (rc < 0)
                    return rc;
                if (rc == 0) {
                    by_metrics++;
                    continue;
                }
                /* Whole files that match need no row tests: by the partition
                 * (strict projection), or by exact metrics -- not under a name
                 * mapping, where a file's metrics may describe another column. */
                int all_match = 0;
                if (sf && sf->strict &&
                    (all_match = st_expr_eval_partition(sf->strict, e->file.partition,
                                                        e->file.n_partition)) < 0)
                    return all_match;
                if (all_match == 0 && !s->name_mapping &&
                    (all_match = st_expr_metrics_must_match(s->filter, &e->file,
                                                            s->schema->type)) < 0)
                    return all_match;
                all[n] = all_match == 1;
            }
        }
        sel[n++] = i;
    }
    c->n_sel[k] = n;
    c->counts[k][0] = live;
    c->counts[k][1] = by_part;
    c->counts[k][2] = by_metrics;
    return 0;
}

/* ---------------------------------------------------------- delete index */

/* Orders partition tuples: spec id, then values (null first). */
static int tuple_cmp(const st_data_file *a, const st_data_file *b)
{
    if (a->spec_id != b->spec_id)
        return a->spec_id < b->spec_id ? -1 : 1;
    if (a->n_partition != b->n_partition)
        return a->n_partition < b->n_partition ? -1 : 1;
    for (int i = 0; i < a->n_partition; i++) {
        const st_value *x = &a->partition[i], *y = &b->partition[i];
        if (x->is_null || y->is_null) {
            if (x->is_null != y->is_null)
                return x->is_null ? -1 : 1;
            continue;
        }
        if (x->type != y->type)
            return x->type < y->type ? -1 : 1;
        int c = st_value_compare(x, y);
        if (c)
            return c < 0 ? -1 : 1;
    }
    return 0;
}

typedef struct del_ref {
    const st_manifest_entry *e;
    int idx;                     /* in the live delete list */
} del_ref;

static int del_cmp(const void *pa, const void *pb)
{
    const del_ref *a = pa, *b = pb;
    int c = tuple_cmp(&a->e->file, &b->e->file);
    return c ? c : (a->idx > b->idx) - (a->idx < b->idx);
}

static int ref_cmp(const void *pa, const void *pb)
{
    const del_ref *a = pa, *b = pb;
    int c = strcmp(a->e->file.referenced_data_file, b->e->file.referenced_data_file);
    return c ? c : (a->idx > b->idx) - (a->idx < b->idx);
}

/* Whether a position-delete file may hold rows of data file `path`. */
static int pos_may_apply(const st_data_file *d, const char *path)
{
    if (d->referenced_data_file)
        return strcmp(d->referenced_data_file, path) == 0;
    size_t pl = strlen(path);
    const st_column_stats *cs = st_data_file_stats(d, POS_PATH_FIELD_ID);
    if (cs && cs->lower && st_bytes_cmp((const uint8_t *)path, pl, cs->lower, cs->lower_len) < 0)
        return 0;
    if (cs && cs->upper && st_bytes_cmp((const uint8_t *)path, pl, cs->upper, cs->upper_len) > 0)
        return 0;
    return 1;
}

/* 0 when the equality-delete file's bounds show none of its keys can be in
 * the data file (some key column's value ranges are disjoint, nulls aside),
 * as Java's delete index decides; 1 when it may apply. Floating-point
 * columns are left alone (a NaN key matches NaN rows, and bounds omit NaN). */
static int eq_may_apply(const st_data_file *del, const st_data_file *data, const st_type *schema,
                        int name_mapped)
{
    /* under a name mapping a data file's metrics may describe another column */
    if (name_mapped)
        return 1;
    for (int i = 0; i < del->n_equality_ids; i++) {
        int32_t id = del->equality_ids[i];
        const st_field *f = st_schema_find_id(schema, id);
        const st_column_stats *ds = st_data_file_stats(data, id);
        const st_column_stats *es = st_data_file_stats(del, id);
        if (!f || !ds || !es || f->type->id == ST_TYPE_FLOAT || f->type->id == ST_TYPE_DOUBLE)
            continue;
        /* a null key deletes null rows: only both sides proving "no nulls
         * here" or "only nulls there" lets the ranges decide */
        int data_nulls = ds->null_count != 0;        /* -1 (unknown) counts as maybe */
        int del_nulls = es->null_count != 0;
        if (data_nulls && del_nulls)
            continue;
        int data_all_null = ds->null_count >= 0 && ds->value_count >= 0 &&
                            ds->null_count == ds->value_count;
        int del_all_null = es->null_count >= 0 && es->value_count >= 0 &&
                           es->null_count == es->value_count;
        if ((data_all_null && !del_nulls) || (del_all_null && !data_nulls))
            return 0;
        if (!ds->lower || !ds->upper || !es->lower || !es->upper)
            continue;
        st_value dl, du, el, eu;
        if (st_value_from_bytes(&dl, f->type, ds->lower, ds->lower_len) < 0 ||
            st_value_from_bytes(&du, f->type, ds->upper, ds->upper_len) < 0 ||
            st_value_from_bytes(&el, f->type, es->lower, es->lower_len) < 0 ||
            st_value_from_bytes(&eu, f->type, es->upper, es->upper_len) < 0) {
            st_error_clear();   /* an undecodable bound decides nothing */
            continue;
        }
        if (st_value_compare(&eu, &dl) < 0 || st_value_compare(&el, &du) > 0)
            return 0;
    }
    return 1;
}

static int spec_unpartitioned(const st_table_metadata *md, int32_t spec_id)
{
    const st_partition_spec *sp = st_metadata_spec(md, spec_id);
    if (!sp)
        return 0;
    for (int i = 0; i < sp->n_fields; i++)
        if (sp->fields[i].transform.kind != ST_TRANSFORM_VOID)
            return 0;
    return 1;
}

/* Pairs each data file with its delete files. `dels` are the live delete
 * entries; those that apply to no file are dropped from s->delete_files. */
static int assign_deletes(st_scan *s, const st_manifest_entry **dels, int n_dels)
{
    const st_table_metadata *md = s->table->md;
    if (n_dels == 0)
        return 0;
    /* sort by partition; global equality deletes apart */
    /* three indexes: deletes naming their data file (deletion vectors) by that
     * path, equality deletes of unpartitioned specs (global), the rest by
     * partition -- so a v3 table with a vector per file pairs in n log n */
    del_ref *part = st_malloc(sizeof *part * (size_t)n_dels);
    del_ref *global = st_malloc(sizeof *global * (size_t)n_dels);
    del_ref *byref = st_malloc(sizeof *byref * (size_t)n_dels);
    int *used = st_calloc((size_t)n_dels, sizeof *used);
    int32_t *buf = st_malloc(sizeof *buf * (size_t)n_dels);
    int np = 0, ng = 0, nr = 0, rc = 0;
    if (!part || !global || !byref || !used || !buf) {
        rc = st_error_set_oom();
        goto done;
    }
    for (int i = 0; i < n_dels; i++) {
        const st_manifest_entry *e = dels[i];
        if (e->file.content == ST_CONTENT_EQUALITY_DELETES &&
            spec_unpartitioned(md, e->file.spec_id))
            global[ng++] = (del_ref){e, i};
        else if (e->file.content == ST_CONTENT_POSITION_DELETES && e->file.referenced_data_file)
            byref[nr++] = (del_ref){e, i};
        else
            part[np++] = (del_ref){e, i};
    }
    qsort(part, (size_t)np, sizeof *part, del_cmp);
    qsort(byref, (size_t)nr, sizeof *byref, ref_cmp);
    for (int f = 0; f < s->n_files; f++) {
        st_scan_file *sf = &s->files[f];
        const st_data_file *df = sf->file;
        int k = 0;
        /* the first delete of the same partition */
        int lo = 0, hi = np;
        while (lo < hi) {
            int mid = (lo + hi) / 2;
            if (tuple_cmp(&part[mid].e->file, df) < 0)
                lo = mid + 1;
            else
                hi = mid;
        }
        for (int i = lo; i < np && tuple_cmp(&part[i].e->file, df) == 0; i++) {
            const st_manifest_entry *e = part[i].e;
            if (e->file.content == ST_CONTENT_POSITION_DELETES) {
                if (e->sequence_number < sf->data_seq || !pos_may_apply(&e->file, df->file_path))
                    continue;
            } else if (e->sequence_number <= sf->data_seq ||
                       !eq_may_apply(&e->file, df, s->schema->type, s->name_mapping != NULL)) {
                continue;
            }
            buf[k++] = part[i].idx;
            used[part[i].idx] = 1;
        }
        lo = 0;
        hi = nr;
        while (lo < hi) {
            int mid = (lo + hi) / 2;
            if (strcmp(byref[mid].e->file.referenced_data_file, df->file_path) < 0)
                lo = mid + 1;
            else
                hi = mid;
        }
        for (int i = lo; i < nr && strcmp(byref[i].e->file.referenced_data_file,
                                          df->file_path) == 0; i++) {
            if (byref[i].e->sequence_number < sf->data_seq)
                continue;
            buf[k++] = byref[i].idx;
            used[byref[i].idx] = 1;
        }
        for (int i = 0; i < ng; i++) {
            if (global[i].e->sequence_number <= sf->data_seq ||
                !eq_may_apply(&global[i].e->file, df, s->schema->type,
                              s->name_mapping != NULL))
                continue;
            buf[k++] = global[i].idx;
            used[global[i].idx] = 1;
        }
        if (k) {
            if (!(sf->deletes = st_arena_alloc(&s->arena, sizeof(int32_t) * (size_t)k))) {
                rc = st_error_set_oom();
                goto done;
            }
            memcpy(sf->deletes, buf, sizeof(int32_t) * (size_t)k);
            sf->n_deletes = k;
            for (int i = 0; i < k; i++) {
                if (dels[buf[i]]->file.content == ST_CONTENT_EQUALITY_DELETES)
                    sf->n_eq++;
                else
                    sf->n_pos++;
            }
        }
    }
    /* keep the applicable deletes, renumbering the files' indexes */
    int *renum = used;
    int kept = 0;
    for (int d = 0; d < n_dels; d++)
        renum[d] = used[d] ? kept++ : -1;
    if (!(s->delete_files = st_arena_calloc(&s->arena, (size_t)(kept ? kept : 1),
                                            sizeof *s->delete_files))) {
        rc = st_error_set_oom();
        goto done;
    }
    for (int d = 0; d < n_dels; d++)
        if (renum[d] >= 0)
            s->delete_files[renum[d]] = dels[d];
    s->n_delete_files = kept;
    s->m.delete_files_read = kept;
    s->m.delete_files_pruned += n_dels - kept;
    for (int f = 0; f < s->n_files; f++)
        for (int i = 0; i < s->files[f].n_deletes; i++)
            s->files[f].deletes[i] = renum[s->files[f].deletes[i]];
done:
    st_free(part);
    st_free(global);
    st_free(byref);
    st_free(used);
    st_free(buf);
    return rc;
}

/* --------------------------------------------------------- name mapping */

static int collect_mapped(const json_t *fields, int32_t **ids, int *n, int *cap)
{
    size_t i;
    const json_t *f;
    if (json_is_object(fields))      /* {"type": "struct", "fields": [...]} as some write */
        fields = json_object_get(fields, "fields");
    if (!json_is_array(fields))
        return 0;
    json_array_foreach(fields, i, f) {
        const json_t *id = json_object_get(f, "field-id");
        const json_t *names = json_object_get(f, "names");
        if (json_is_integer(id) && json_is_array(names) && json_array_size(names) > 0) {
            if (*n == *cap) {
                int32_t *g = st_realloc(*ids, sizeof *g * (size_t)(*cap = *cap * 2 + 8));
                if (!g)
                    return st_error_set_oom();
                *ids = g;
            }
            (*ids)[(*n)++] = (int32_t)json_integer_value(id);
        }
        int rc = collect_mapped(json_object_get(f, "fields"), ids, n, cap);
        if (rc)
            return rc;
    }
    return 0;
}

/* Predicates on unmapped columns become TRUE (sound: bound trees have no NOT). */
static void weaken(st_expr *e, const int32_t *ids, int n)
{
    if (e->op == ST_EXPR_AND || e->op == ST_EXPR_OR) {
        for (int i = 0; i < e->n_args; i++)
            weaken(e->args[i], ids, n);
    } else if (st_expr_is_predicate(e) && !id_in(e->term.field_id, ids, n)) {
        e->op = ST_EXPR_TRUE;
    }
}

/*
 * With a name mapping, files may have been written without field ids and
 * their manifest metrics were computed through the mapping of that day; a
 * column the mapping no longer names reads as null whatever those metrics
 * say. So file metrics are trusted only for the columns the mapping names.
 */
static int metrics_filter(st_scan *s)
{
    s->metrics_filter = s->filter;
    if (!s->filter || !s->name_mapping)
        return 0;
    json_error_t err;
    json_t *j = json_loads(s->name_mapping, 0, &err);
    if (!j)
        return st_error_set(ST_ECORRUPT, ST_ERROR_TABLE,
                            "table '%s': schema.name-mapping.default is not JSON: %s",
                            s->table->display, err.text);
    int32_t *ids = NULL;
    int n = 0, cap = 0;
    int rc = collect_mapped(j, &ids, &n, &cap);
    json_decref(j);
    if (rc == 0 && (rc = st_expr_clone(&s->metrics_filter, s->filter)) == 0)
        weaken(s->metrics_filter, ids, n);
    else
        s->metrics_filter = NULL;
    st_free(ids);
    return rc;
}

/* ------------------------------------------------------------- constants */

/* Initial defaults of the schema's fields, parsed once per scan. */
static int parse_defaults(st_scan *s, int32_t **ids, st_value **vals, int *n)
{
    const st_schema *sc = s->schema;
    *n = 0;
    if (!sc->n_defaults)
        return 0;
    *ids = st_arena_calloc(&s->arena, (size_t)sc->n_defaults, sizeof **ids);
    *vals = st_arena_calloc(&s->arena, (size_t)sc->n_defaults, sizeof **vals);
    if (!*ids || !*vals)
        return st_error_set_oom();
    for (int i = 0; i < sc->n_defaults; i++) {
        const st_field_default *d = &sc->defaults[i];
        const st_field *f = st_schema_find_id(sc->type, d->field_id);
        if (!d->initial_default || !f || st_type_is_nested(f->type))
            continue;
        json_error_t err;
        json_t *j = json_loads(d->initial_default, JSON_DECODE_ANY, &err);
        if (!j)
            continue;
        const char *text = NULL;
        char num[64];
        if (json_is_string(j)) {
            text = st_arena_strndup(&s->arena, json_string_value(j), json_string_length(j));
        } else if (json_is_true(j) || json_is_false(j)) {
            text = json_is_true(j) ? "true" : "false";
        } else if (json_is_number(j) || json_is_null(j)) {
            text = json_is_null(j) ? NULL : d->initial_default;
            if (text && strlen(text) < sizeof num) {
                /* the raw token, trimmed */
                const char *p = text;
                while (*p == ' ' || *p == '\t' || *p == '\n')
                    p++;
                size_t l = strlen(p);
                while (l && (p[l - 1] == ' ' || p[l - 1] == '\n'))
                    l--;
                memcpy(num, p, l);
                num[l] = 0;
                text = st_arena_strdup(&s->arena, num);
            }
        }
        json_decref(j);
        if (!text)
            continue;
        int rc = st_value_from_json_text(&(*vals)[*n], f->type, text, strlen(text), &s->arena);
        if (rc < 0)
            return st_error_set(ST_ECORRUPT, ST_ERROR_TABLE,
                                "table '%s': initial-default of column '%s' is not a %s value",
                                s->table->display, f->name, "valid");
        (*ids)[(*n)++] = d->field_id;
    }
    return 0;
}

static int file_consts(st_scan *s, st_scan_file *sf, const int32_t *dids, const st_value *dvals,
                       int nd)
{
    const st_partition_spec *sp = st_metadata_spec(s->table->md, sf->file->spec_id);
    int np = 0;
    if (sp)
        for (int i = 0; i < sp->n_fields && i < sf->file->n_partition; i++)
            np += sp->fields[i].transform.kind == ST_TRANSFORM_IDENTITY;
    if (np == 0) {
        sf->consts.ids = dids;
        sf->consts.values = dvals;
        sf->consts.n = nd;
        return 0;
    }
    int32_t *ids = st_arena_calloc(&s->arena, (size_t)(np + nd), sizeof *ids);
    st_value *vals = st_arena_calloc(&s->arena, (size_t)(np + nd), sizeof *vals);
    if (!ids || !vals)
        return st_error_set_oom();
    int k = 0;
    for (int i = 0; i < sp->n_fields && i < sf->file->n_partition; i++)
        if (sp->fields[i].transform.kind == ST_TRANSFORM_IDENTITY) {
            ids[k] = sp->fields[i].source_id;
            vals[k++] = sf->file->partition[i];
        }
    for (int i = 0; i < nd; i++) {
        ids[k] = dids[i];
        vals[k++] = dvals[i];
    }
    sf->consts.ids = ids;
    sf->consts.values = vals;
    sf->consts.n = k;
    return 0;
}

/* ----------------------------------------------------------------- tasks */

static int valid_offsets(const st_data_file *f)
{
    if (f->n_split_offsets < 1)
        return 0;
    for (int i = 0; i < f->n_split_offsets; i++) {
        if (f->split_offsets[i] < 0 || f->split_offsets[i] >= f->file_size_in_bytes)
            return 0;
        if (i && f->split_offsets[i] <= f->split_offsets[i - 1])
            return 0;
    }
    return 1;
}

static int push_task(st_scan *s, int *cap, int file, int64_t start, int64_t end)
{
    if (s->n_tasks == *cap) {
        int grown_cap = *cap ? *cap * 2 : 16;
        st_scan_task_int *g = st_realloc(s->tasks, sizeof *g * (size_t)grown_cap);
        if (!g)
            return st_error_set_oom();
        s->tasks = g;
        *cap = grown_cap;
    }
    s->tasks[s->n_tasks++] = (st_scan_task_int){file, start, end};
    return 0;
}

static int make_tasks(st_scan *s)
{
    int cap = 0, rc = 0;
    for (int f = 0; f < s->n_files && rc == 0; f++) {
        const st_data_file *df = s->files[f].file;
        int64_t start = 0;
        if (df->file_size_in_bytes > s->split_target && valid_offsets(df)) {
            /* Ranges cover the whole file ([0, first split) goes with the first
             * row group): every row group falls in exactly one task. */
            for (int i = 1; i < df->n_split_offsets && rc == 0; i++) {
                int64_t off = df->split_offsets[i];
                if (off - start < s->split_target)
                    continue;
                rc = push_task(s, &cap, f, start, off);
                start = off;
            }
        }
        if (rc == 0)
            rc = push_task(s, &cap, f, start, INT64_MAX);
    }
    s->m.tasks = s->n_tasks;
    return rc;
}

/* ------------------------------------------------------------------ plan */

static int plan_snapshot(st_scan *s)
{
    st_table *t = s->table;
    st_manifest_file *mfs = NULL;
    int n_mfs = 0, rc;
    plan_ctx c = {0};
    c.s = s;
    if ((rc = st_snapshot_manifests(t, t->md, s->snapshot, &s->arena, &mfs, &n_mfs)) < 0)
        return rc;
    c.mfs = mfs;
    if ((rc = build_spec_filters(&c)) < 0)
        goto done;
    c.read_idx = st_malloc(sizeof(int) * (size_t)(n_mfs ? n_mfs : 1));
    if (!c.read_idx) {
        rc = st_error_set_oom();
        goto done;
    }
    int n_read = 0;
    for (int i = 0; i < n_mfs; i++) {
        const st_manifest_file *mf = &mfs[i];
        int is_del = mf->content != ST_CONTENT_DATA;
        if (is_del)
            s->m.delete_manifests++;
        else
            s->m.manifests++;
        /* a manifest with only deleted entries holds nothing live */
        if (mf->added_files_count == 0 && mf->existing_files_count == 0) {
            if (is_del)
                s->m.delete_manifests_pruned++;
            else
                s->m.manifests_pruned++;
            continue;
        }
        const spec_filter *sf = find_spec(&c, mf->partition_spec_id);
        if (sf && sf->incl) {
            rc = st_expr_manifest_might_match(sf->incl, mf, sf->ptype);
            if (rc < 0)
                goto done;
            if (rc == 0) {
                if (is_del)
                    s->m.delete_manifests_pruned++;
                else
                    s->m.manifests_pruned++;
                continue;
            }
        }
        c.read_idx[n_read++] = i;
    }
    s->manifests = st_calloc((size_t)(n_read ? n_read : 1), sizeof *s->manifests);
    c.sel = st_calloc((size_t)(n_read ? n_read : 1), sizeof *c.sel);
    c.all = st_calloc((size_t)(n_read ? n_read : 1), sizeof *c.all);
    c.n_sel = st_calloc((size_t)(n_read ? n_read : 1), sizeof *c.n_sel);
    c.counts = st_calloc((size_t)(n_read ? n_read : 1), sizeof *c.counts);
    if (!s->manifests || !c.sel || !c.all || !c.n_sel || !c.counts) {
        rc = st_error_set_oom();
        goto done;
    }
    s->n_manifests = n_read;
    if ((rc = st_pool_run(s->pool, (size_t)n_read, read_and_filter, &c)) < 0)
        goto done;

    /* gather, in manifest order */
    int n_data = 0, n_del = 0;
    for (int k = 0; k < n_read; k++) {
        const st_manifest *m = s->manifests[k];
        int is_del = mfs[c.read_idx[k]].content != ST_CONTENT_DATA;
        if (is_del) {
            s->m.delete_files += c.counts[k][0];
            s->m.delete_files_pruned += c.counts[k][1];
            n_del += c.n_sel[k];
        } else {
            s->m.data_files += c.counts[k][0];
            s->m.data_files_pruned_partition += c.counts[k][1];
            s->m.data_files_pruned_metrics += c.counts[k][2];
            n_data += c.n_sel[k];
        }
        (void)m;
    }
    s->files = st_arena_calloc(&s->arena, (size_t)(n_data ? n_data : 1), sizeof *s->files);
    const st_manifest_entry **dels = st_malloc(sizeof *dels * (size_t)(n_del ? n_del : 1));
    if (!s->files || !dels) {
        st_free(dels);
        rc = st_error_set_oom();
        goto done;
    }
    for (int k = 0; k < n_read; k++) {
        const st_manifest *m = s->manifests[k];
        int is_del = mfs[c.read_idx[k]].content != ST_CONTENT_DATA;
        for (int i = 0; i < c.n_sel[k]; i++) {
            const st_manifest_entry *e = &m->entries[c.sel[k][i]];
            if (is_del) {
                dels[s->n_delete_files++] = e;
                continue;
            }
            st_scan_file *sf = &s->files[s->n_files++];
            sf->file = &e->file;
            sf->filter_true = c.all[k][i];
            s->files_residual += !sf->filter_true && s->filter;
            sf->data_seq = e->sequence_number;
        }
    }
    int nd = s->n_delete_files;
    s->n_delete_files = 0;
    rc = assign_deletes(s, dels, nd);
    st_free(dels);
    if (rc < 0)
        goto done;
    s->m.data_files_read = s->n_files;
done:
    for (int k = 0; c.sel && k < s->n_manifests; k++)
        st_free(c.sel[k]);
    for (int k = 0; c.all && k < s->n_manifests; k++)
        st_free(c.all[k]);
    st_free(c.sel);
    st_free(c.all);
    st_free(c.n_sel);
    st_free(c.counts);
    st_free(c.read_idx);
    free_spec_filters(&c);
    return rc;
}

int st_scan_plan(st_scan *s, const st_scan_options *o)
{
    st_table *t = s->table;
    int use_table_schema = 1, rc;
    double t0 = now_ms();
    if ((rc = st_scan_pick_snapshot(t, o->snapshot_id, o->as_of_ms, o->ref, &s->snapshot,
                                    &use_table_schema)) < 0)
        return rc;
    s->schema = st_metadata_current_schema(t->md);
    if (!use_table_schema && s->snapshot && s->snapshot->schema_id != ST_NULL32) {
        const st_schema *sc = st_metadata_schema(t->md, s->snapshot->schema_id);
        if (sc)
            s->schema = sc;
    }
    if (!s->schema)
        return st_error_set(ST_ECORRUPT, ST_ERROR_TABLE, "table '%s' has no schema", t->display);
    if ((rc = all_optional(&s->opt_type, s->schema->type)) < 0 || (rc = output_type(s, o)) < 0)
        return rc;
    if (o->filter && *o->filter) {
        st_expr *u = NULL;
        if ((rc = st_expr_parse(&u, o->filter)) == 0)
            rc = st_expr_bind(&s->filter, u, s->opt_type, o->case_sensitive);
        st_expr_free(u);
        if (rc < 0)
            return rc;
        if (s->filter->op == ST_EXPR_TRUE) {
            st_expr_free(s->filter);
            s->filter = NULL;
        }
    }
    const char *nm = st_props_get(&t->md->properties, "schema.name-mapping.default");
    if (nm && !(s->name_mapping = st_strdup(nm)))
        return st_error_set_oom();
    if ((rc = metrics_filter(s)) < 0)
        return rc;
    s->split_target = o->split_target_size > 0
                          ? o->split_target_size
                          : st_props_get_i64(&t->md->properties, "read.split.target-size",
                                             DEFAULT_SPLIT_SIZE);
    if (s->split_target <= 0)
        s->split_target = DEFAULT_SPLIT_SIZE;
    s->limit = o->limit;
    if (o->ref && !(s->ref_name = st_arena_strdup(&s->arena, o->ref)))
        return st_error_set_oom();

    int always_false = s->filter && s->filter->op == ST_EXPR_FALSE;
    if (s->snapshot && !always_false && (rc = plan_snapshot(s)) < 0)
        return rc;

    /* columns read beyond the output: the filter's and the equality keys' */
    int32_t *extra = NULL;
    int n_extra = 0;
    if (s->filter && (rc = st_expr_field_ids(&extra, &n_extra, s->filter)) < 0)
        return rc;
    int cap = n_extra;
    for (int d = 0; d < s->n_delete_files; d++)
        cap += s->delete_files[d]->file.n_equality_ids;
    if (cap > n_extra) {
        int32_t *g = st_realloc(extra, sizeof *g * (size_t)cap);
        if (!g) {
            st_free(extra);
            return st_error_set_oom();
        }
        extra = g;
        for (int d = 0; d < s->n_delete_files; d++) {
            const st_data_file *df = &s->delete_files[d]->file;
            if (df->content != ST_CONTENT_EQUALITY_DELETES)
                continue;
            for (int i = 0; i < df->n_equality_ids; i++)
                if (!id_in(df->equality_ids[i], extra, n_extra))
                    extra[n_extra++] = df->equality_ids[i];
        }
    }
    rc = build_read_type(s, extra, n_extra);
    st_free(extra);
    if (rc < 0)
        return rc;

    int32_t *dids = NULL;
    st_value *dvals = NULL;
    int nd = 0;
    if ((rc = parse_defaults(s, &dids, &dvals, &nd)) < 0)
        return rc;
    for (int f = 0; f < s->n_files; f++)
        if ((rc = file_consts(s, &s->files[f], dids, dvals, nd)) < 0)
            return rc;
    if ((rc = make_tasks(s)) < 0)
        return rc;
    s->m.planning_ms = now_ms() - t0;
    return 0;
}

/* --------------------------------------------------------------- public */

int st_table_scan(st_scan **out, st_table *t, const st_scan_options *opts)
{
    st_scan_options dflt = ST_SCAN_OPTIONS_INIT;
    const st_scan_options *o = opts ? opts : &dflt;
    *out = NULL;
    if (!t)
        return st_error_set(ST_EINVALID, ST_ERROR_TABLE, "no table to scan");
    st_scan *s = st_calloc(1, sizeof *s);
    if (!s)
        return st_error_set_oom();
    s->table = t;
    s->limit = -1;
    if (o->threads != 1 && !(s->pool = st_pool_default())) {
        st_free(s);
        return st_error_last()->code;
    }
    int rc = st_scan_plan(s, o);
    if (rc < 0) {
        st_scan_free(s);
        return rc;
    }
    *out = s;
    return 0;
}

void st_scan_free(st_scan *s)
{
    if (!s)
        return;
    for (int i = 0; i < s->n_manifests; i++)
        st_manifest_free(s->manifests[i]);
    st_free(s->manifests);
    st_free(s->tasks);
    st_type_free(s->out_type);
    st_type_free(s->read_type);
    st_type_free(s->opt_type);
    if (s->metrics_filter != s->filter)
        st_expr_free(s->metrics_filter);
    st_expr_free(s->filter);
    st_free(s->name_mapping);
    st_arena_dispose(&s->arena);
    st_free(s);
}

st_type *st_scan_schema(const st_scan *s)
{
    return s->out_type;
}

int64_t st_scan_snapshot_id(const st_scan *s)
{
    return s->snapshot ? s->snapshot->snapshot_id : -1;
}

void st_scan_get_metrics(const st_scan *s, st_scan_metrics *out)
{
    *out = s->m;
    out->row_groups = __atomic_load_n(&s->m.row_groups, __ATOMIC_RELAXED);
    out->row_groups_pruned = __atomic_load_n(&s->m.row_groups_pruned, __ATOMIC_RELAXED);
    out->rows_read = __atomic_load_n(&s->m.rows_read, __ATOMIC_RELAXED);
    out->rows_deleted = __atomic_load_n(&s->m.rows_deleted, __ATOMIC_RELAXED);
    out->rows_filtered = __atomic_load_n(&s->m.rows_filtered, __ATOMIC_RELAXED);
}

size_t st_scan_task_count(const st_scan *s)
{
    return (size_t)s->n_tasks;
}

int st_scan_task(const st_scan *s, size_t i, st_scan_task_info *out)
{
    if (i >= (size_t)s->n_tasks)
        return st_error_set(ST_ENOTFOUND, ST_ERROR_TABLE, "no task %zu (the scan has %d)", i,
                            s->n_tasks);
    const st_scan_task_int *t = &s->tasks[i];
    const st_scan_file *f = &s->files[t->file];
    out->path = f->file->file_path;
    out->start = t->start;
    out->length = (t->end == INT64_MAX ? f->file->file_size_in_bytes : t->end) - t->start;
    out->record_count = f->file->record_count;
    out->data_sequence_number = f->data_seq;
    out->spec_id = f->file->spec_id;
    out->n_position_deletes = f->n_pos;
    out->n_equality_deletes = f->n_eq;
    return 0;
}

int st_scan_explain(const st_scan *s, char **out)
{
    st_buf b = {0};
    const st_scan_metrics *m = &s->m;
    int rc = 0;
    *out = NULL;
    if (s->snapshot) {
        rc |= st_buf_printf(&b, "snapshot: %lld", (long long)s->snapshot->snapshot_id);
        if (s->ref_name)
            rc |= st_buf_printf(&b, " (%s)", s->ref_name);
        rc |= st_buf_printf(&b, ", schema %d\n", (int)s->schema->schema_id);
    } else {
        rc |= st_buf_printf(&b, "snapshot: none (the table is empty)\n");
    }
    rc |= st_buf_printf(&b,
                        "manifests: %lld considered, %lld pruned by partition summaries, "
                        "%lld read\n",
                        (long long)m->manifests, (long long)m->manifests_pruned,
                        (long long)(m->manifests - m->manifests_pruned));
    rc |= st_buf_printf(&b,
                        "delete manifests: %lld considered, %lld pruned by partition summaries, "
                        "%lld read\n",
                        (long long)m->delete_manifests, (long long)m->delete_manifests_pruned,
                        (long long)(m->delete_manifests - m->delete_manifests_pruned));
    rc |= st_buf_printf(&b,
                        "data files: %lld considered, %lld pruned by partition, %lld pruned by "
                        "metrics, %lld read\n",
                        (long long)m->data_files, (long long)m->data_files_pruned_partition,
                        (long long)m->data_files_pruned_metrics, (long long)m->data_files_read);
    rc |= st_buf_printf(&b, "delete files: %lld considered, %lld pruned, %lld applied\n",
                        (long long)m->delete_files, (long long)m->delete_files_pruned,
                        (long long)m->delete_files_read);
    rc |= st_buf_printf(&b, "tasks: %lld (split target %lld bytes)\n", (long long)m->tasks,
                        (long long)s->split_target);
    if (s->filter) {
        st_buf f = {0};
        rc |= st_expr_to_string(&f, s->filter);
        rc |= st_buf_printf(&b, "filter: %s (tested on the rows of %lld of %lld files)\n",
                            st_buf_cstr(&f), (long long)s->files_residual,
                            (long long)s->n_files);
        st_buf_dispose(&f);
    } else {
        rc |= st_buf_printf(&b, "filter: none\n");
    }
    if (rc) {
        st_buf_dispose(&b);
        return st_error_set_oom();
    }
    *out = (char *)st_buf_detach(&b);
    return 0;
}
