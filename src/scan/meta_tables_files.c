/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The metadata tables of one snapshot: manifests (from the manifest list),
 * entries, files, data_files, delete_files and partitions (from the
 * manifests, read in parallel). Columns as Java's ManifestsTable,
 * ManifestEntriesTable, FilesTable (DataFile.getType plus readable_metrics)
 * and PartitionsTable define them, which is what Spark shows:
 *
 * - The partition column is the table's partition type: the union of every
 *   spec's partition fields whose source column still exists, by partition
 *   field id (ascending), named as in the newest spec that has the field,
 *   every field optional (Partitioning.partitionType). A file's tuple is
 *   spread onto it by field id; fields its spec lacks are null. A table
 *   whose union is empty has no partition column (and partitions no
 *   partition/spec_id columns, one row for the whole table).
 * - readable_metrics: one struct per primitive column of the current schema
 *   (nested ones by full name, "addr.city", "tags.element"), sorted by name,
 *   of column_size, value_count, null_value_count, nan_value_count and the
 *   bounds decoded with the column's type (MetricsUtil.readableMetricsSchema,
 *   field ids numbered on from the table's highest as Java does).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "scan/meta_tables.h"
#include "supertable/errors.h"
#include "util/alloc.h"
#include "util/hash.h"

/* DataFile's field ids (the spec's manifest entry schema). */
enum {
    F_CONTENT = 134, F_FILE_PATH = 100, F_FILE_FORMAT = 101, F_SPEC_ID = 141,
    F_PARTITION = 102, F_RECORD_COUNT = 103, F_FILE_SIZE = 104, F_COLUMN_SIZES = 108,
    F_VALUE_COUNTS = 109, F_NULL_COUNTS = 110, F_NAN_COUNTS = 137, F_LOWER = 125,
    F_UPPER = 128, F_KEY_METADATA = 131, F_SPLIT_OFFSETS = 132, F_EQUALITY_IDS = 135,
    F_SORT_ORDER_ID = 140, F_FIRST_ROW_ID = 142, F_REFERENCED = 143, F_CONTENT_OFFSET = 144,
    F_CONTENT_SIZE = 145
};

/* A field of the partition union. */
typedef struct pfield {
    int32_t id;
    char *name;                  /* in the context's arena */
    const char *orig;            /* the name in its spec */
    st_type *type;               /* a reference */
    int is_void;
    int current;                 /* a non-void field of the default spec */
} pfield;

/* A column of readable_metrics. */
typedef struct rm_col {
    int32_t field_id;            /* the table column's */
    char *name;                  /* full name, in the arena */
    const st_type *type;         /* borrowed from the current schema */
    int32_t id;                  /* the metrics struct's own field id */
} rm_col;

typedef struct ctx {
    const st_table *t;
    const st_table_metadata *md;
    const st_schema *schema;     /* current */
    st_arena arena;
    pfield *pf;
    int n_pf;
    int **spec_map;              /* per md->specs[i]: union field -> index in the spec, or -1 */
    rm_col *rm;
    int n_rm;
    st_manifest_file *mfs;       /* the manifests the table reads */
    int n_mfs;
    st_manifest **ms;            /* parallel to mfs */
} ctx;

static void ctx_dispose(ctx *c)
{
    for (int i = 0; i < c->n_pf; i++)
        st_type_free(c->pf[i].type);
    st_free(c->pf);
    if (c->spec_map)
        for (int i = 0; i < c->md->n_specs; i++)
            st_free(c->spec_map[i]);
    st_free(c->spec_map);
    st_free(c->rm);
    for (int i = 0; c->ms && i < c->n_mfs; i++)
        st_manifest_free(c->ms[i]);
    st_free(c->ms);
    st_arena_dispose(&c->arena);
}

/* ====================================================== partition union */

static int is_void(const st_partition_field *f)
{
    return f->transform.kind == ST_TRANSFORM_VOID;
}

static int pfield_find(const ctx *c, int32_t id)
{
    for (int i = 0; i < c->n_pf; i++)
        if (c->pf[i].id == id)
            return i;
    return -1;
}

static int cmp_spec_desc(const void *a, const void *b)
{
    int32_t x = (*(const st_partition_spec *const *)a)->spec_id;
    int32_t y = (*(const st_partition_spec *const *)b)->spec_id;
    return x < y ? 1 : x > y ? -1 : 0;
}

static int cmp_pfield_id(const void *a, const void *b)
{
    int32_t x = ((const pfield *)a)->id, y = ((const pfield *)b)->id;
    return x < y ? -1 : x > y;
}

/* Adds (or completes) the union field of one spec field. */
static int union_add(ctx *c, const st_partition_field *f, int *cap)
{
    const st_field *src = st_schema_find_id(c->schema->type, f->source_id);
    int e;
    if (!src)
        return 0; /* a dropped source column: Java leaves the field out */
    if ((e = pfield_find(c, f->field_id)) >= 0) {
        /* a v1 table's dropped field is void in later specs: keep a real type */
        if (c->pf[e].is_void && !is_void(f)) {
            st_type_free(c->pf[e].type);
            c->pf[e].type = st_transform_result_type(&f->transform, src->type);
            c->pf[e].is_void = 0;
        }
        return 0;
    }
    if (c->n_pf == *cap) {
        int n = *cap ? 2 * *cap : 8;
        pfield *grown = st_realloc(c->pf, (size_t)n * sizeof *grown);
        if (!grown)
            return st_error_set_oom();
        c->pf = grown;
        *cap = n;
    }
    pfield *p = &c->pf[c->n_pf];
    memset(p, 0, sizeof *p);
    p->id = f->field_id;
    p->is_void = is_void(f);
    /* the newest spec is seen first: its name wins */
    if (!(p->name = st_arena_strdup(&c->arena, f->name)))
        return st_error_set_oom();
    p->orig = p->name;
    p->type = st_transform_result_type(&f->transform, src->type);
    c->n_pf++;
    return 0;
}

/* Whether `name` is taken by another field: by its final name once named,
 * or (for a generated name) by its original one. */
static int name_taken(const ctx *c, const int *named, int i, const char *name, int generated)
{
    for (int j = 0; j < c->n_pf; j++)
        if (j != i && ((named[j] && strcasecmp(c->pf[j].name, name) == 0) ||
                       (generated && strcasecmp(c->pf[j].orig, name) == 0)))
            return 1;
    return 0;
}

/* Names that collide (case-insensitively) get "_<field id>" (and '_' until
 * unique) as Java does; the default spec's live fields are named first. */
static int union_names(ctx *c)
{
    int *named = st_calloc((size_t)(c->n_pf ? c->n_pf : 1), sizeof *named);
    int rc = 0;
    if (!named)
        return st_error_set_oom();
    for (int pass = 0; pass < 2 && rc == 0; pass++)
        for (int i = 0; i < c->n_pf && rc == 0; i++) {
            pfield *p = &c->pf[i];
            if (named[i] || (pass == 0 && !p->current))
                continue;
            if (name_taken(c, named, i, p->name, 0)) {
                /* each other field blocks at most one more '_' */
                size_t cap = strlen(p->orig) + 16 + (size_t)c->n_pf;
                char *s = st_arena_alloc(&c->arena, cap);
                if (!s) {
                    rc = st_error_set_oom();
                    break;
                }
                int len = snprintf(s, cap, "%s_%d", p->orig, (int)p->id);
                while (name_taken(c, named, i, s, 1) && (size_t)len + 1 < cap) {
                    s[len++] = '_';
                    s[len] = 0;
                }
                p->name = s;
            }
            named[i] = 1;
        }
    st_free(named);
    return rc;
}

static int build_union(ctx *c)
{
    const st_table_metadata *md = c->md;
    const st_partition_spec *dflt = st_metadata_default_spec(md);
    const st_partition_spec **order;
    int cap = 0, rc = 0;

    if (md->n_specs == 0)
        return 0;
    if (!(order = st_calloc((size_t)md->n_specs, sizeof *order)))
        return st_error_set_oom();
    for (int i = 0; i < md->n_specs; i++)
        order[i] = &md->specs[i];
    qsort(order, (size_t)md->n_specs, sizeof *order, cmp_spec_desc);
    for (int i = 0; i < md->n_specs && rc == 0; i++)
        for (int k = 0; k < order[i]->n_fields && rc == 0; k++)
            rc = union_add(c, &order[i]->fields[k], &cap);
    st_free(order);
    for (int i = 0; i < c->n_pf && rc == 0; i++) {
        if (!c->pf[i].type)
            return st_error_set_oom();
        for (int k = 0; dflt && k < dflt->n_fields; k++)
            if (dflt->fields[k].field_id == c->pf[i].id && !is_void(&dflt->fields[k]))
                c->pf[i].current = 1;
    }
    if (rc < 0)
        return rc;
    if (c->n_pf > 1)
        qsort(c->pf, (size_t)c->n_pf, sizeof *c->pf, cmp_pfield_id);
    if ((rc = union_names(c)) < 0)
        return rc;

    if (!(c->spec_map = st_calloc((size_t)md->n_specs, sizeof *c->spec_map)))
        return st_error_set_oom();
    for (int s = 0; s < md->n_specs; s++) {
        const st_partition_spec *spec = &md->specs[s];
        int *map = st_malloc((size_t)(c->n_pf ? c->n_pf : 1) * sizeof *map);
        if (!map)
            return st_error_set_oom();
        c->spec_map[s] = map;
        for (int u = 0; u < c->n_pf; u++) {
            map[u] = -1;
            for (int k = 0; k < spec->n_fields; k++)
                if (spec->fields[k].field_id == c->pf[u].id)
                    map[u] = k;
        }
    }
    return 0;
}

/* The union's mapping for a spec id; NULL for a spec the metadata lacks. */
static const int *spec_map(const ctx *c, int32_t spec_id)
{
    for (int s = 0; s < c->md->n_specs; s++)
        if (c->md->specs[s].spec_id == spec_id)
            return c->spec_map[s];
    return NULL;
}

static st_type *partition_type(int *rc, const ctx *c)
{
    mt_field *f = st_calloc((size_t)(c->n_pf ? c->n_pf : 1), sizeof *f);
    if (!f) {
        if (*rc == 0)
            *rc = st_error_set_oom();
        return NULL;
    }
    for (int i = 0; i < c->n_pf; i++) {
        f[i].id = c->pf[i].id;
        f[i].name = c->pf[i].name;
        f[i].type = st_type_ref(c->pf[i].type);
    }
    st_type *t = mt_struct(rc, f, c->n_pf);
    st_free(f);
    return t;
}

/* Whether a value goes into a vector (mt_put_value's conversions). */
static int value_fits(const st_vector *v, const st_value *x)
{
    st_type_id want = v->type->id;
    return x->is_null || x->type == want || (want == ST_TYPE_LONG && x->type == ST_TYPE_INT) ||
           (want == ST_TYPE_DOUBLE && x->type == ST_TYPE_FLOAT);
}

/* A file's tuple spread onto the union. */
static int put_partition(const ctx *c, st_vector *v, const st_data_file *f)
{
    const int *map = spec_map(c, f->spec_id);
    int rc = 0;
    for (int u = 0; u < c->n_pf && rc == 0; u++) {
        st_vector *child = v->children[u];
        int k = map ? map[u] : -1;
        /* a tuple typed otherwise (an unknown transform) shows as null */
        if (k < 0 || k >= f->n_partition || !value_fits(child, &f->partition[k]))
            rc = st_vector_append_null(child);
        else
            rc = mt_put_value(child, &f->partition[k]);
    }
    return rc ? rc : st_vector_append_nested(v);
}

/* ====================================================== readable metrics */

static int rm_push(ctx *c, int *cap, const st_field *f, const char *name)
{
    if (c->n_rm == *cap) {
        int n = *cap ? 2 * *cap : 16;
        rm_col *grown = st_realloc(c->rm, (size_t)n * sizeof *grown);
        if (!grown)
            return st_error_set_oom();
        c->rm = grown;
        *cap = n;
    }
    rm_col *r = &c->rm[c->n_rm];
    memset(r, 0, sizeof *r);
    r->field_id = f->id;
    r->type = f->type;
    if (!(r->name = st_arena_strdup(&c->arena, name)))
        return st_error_set_oom();
    c->n_rm++;
    return 0;
}

/* Every primitive field under `t` by its full name (Java's idToName). */
static int rm_collect(ctx *c, int *cap, const st_type *t, const char *prefix)
{
    int rc = 0;
    for (int i = 0; i < t->n_fields && rc == 0; i++) {
        const st_field *f = &t->fields[i];
        char *name = st_arena_join(&c->arena, prefix, f->name);
        if (!name)
            return st_error_set_oom();
        if (st_type_is_nested(f->type))
            rc = rm_collect(c, cap, f->type, name);
        else
            rc = rm_push(c, cap, f, name);
    }
    return rc;
}

static int cmp_rm_id(const void *a, const void *b)
{
    int32_t x = ((const rm_col *)a)->field_id, y = ((const rm_col *)b)->field_id;
    return x < y ? -1 : x > y;
}

static int cmp_rm_name(const void *a, const void *b)
{
    return strcmp(((const rm_col *)a)->name, ((const rm_col *)b)->name);
}

/* The readable_metrics struct type; ids continue after `highest`. */
static st_type *readable_type(int *rc, ctx *c, int32_t highest)
{
    static const char *const NAMES[6] = {"column_size", "value_count", "null_value_count",
                                         "nan_value_count", "lower_bound", "upper_bound"};
    int cap = 0;
    int32_t next = highest;
    mt_field *cols;
    st_type *out;

    if (*rc < 0)
        return NULL;
    if (c->schema && (*rc = rm_collect(c, &cap, c->schema->type, NULL)) < 0)
        return NULL;
    /* Java numbers the columns in id order, then sorts them by name */
    if (c->n_rm > 1)
        qsort(c->rm, (size_t)c->n_rm, sizeof *c->rm, cmp_rm_id);
    for (int i = 0; i < c->n_rm; i++) {
        c->rm[i].id = ++next;
        next += 6;
    }
    if (c->n_rm > 1)
        qsort(c->rm, (size_t)c->n_rm, sizeof *c->rm, cmp_rm_name);
    if (!(cols = st_calloc((size_t)(c->n_rm ? c->n_rm : 1), sizeof *cols))) {
        *rc = st_error_set_oom();
        return NULL;
    }
    for (int i = 0; i < c->n_rm; i++) {
        const rm_col *r = &c->rm[i];
        mt_field m[6];
        for (int k = 0; k < 6; k++) {
            m[k].id = r->id + 1 + k;
            m[k].name = NAMES[k];
            m[k].required = 0;
            m[k].type = k < 4 ? mt_prim(ST_TYPE_LONG) : st_type_ref((st_type *)r->type);
        }
        cols[i].id = r->id;
        cols[i].name = r->name;
        cols[i].type = mt_struct(rc, m, 6);
    }
    out = mt_struct(rc, cols, c->n_rm);
    st_free(cols);
    if (!out)
        return NULL;
    mt_field top = {next + 1, "readable_metrics", 0, out};
    return mt_struct(rc, &top, 1);
}

static int put_bound(st_vector *v, const rm_col *r, const st_data_file *f, const uint8_t *p,
                     size_t len, const char *which)
{
    st_value x;
    int rc;
    if (!p)
        return st_vector_append_null(v);
    if ((rc = st_value_from_bytes(&x, r->type, p, len)) < 0)
        return st_error_set(rc, ST_ERROR_TABLE, "'%s': the %s bound of column '%s': %s",
                            f->file_path, which, r->name, st_error_last()->message);
    return mt_put_value(v, &x);
}

static int put_readable(const ctx *c, st_vector *v, const st_data_file *f)
{
    int rc = 0;
    for (int i = 0; i < c->n_rm && rc == 0; i++) {
        const rm_col *r = &c->rm[i];
        const st_column_stats *s = st_data_file_stats(f, r->field_id);
        st_vector *m = v->children[i];
        if ((rc = mt_put_i64(m->children[0], s ? s->column_size : -1, -1)) < 0 ||
            (rc = mt_put_i64(m->children[1], s ? s->value_count : -1, -1)) < 0 ||
            (rc = mt_put_i64(m->children[2], s ? s->null_count : -1, -1)) < 0 ||
            (rc = mt_put_i64(m->children[3], s ? s->nan_count : -1, -1)) < 0 ||
            (rc = put_bound(m->children[4], r, f, s ? s->lower : NULL, s ? s->lower_len : 0,
                            "lower")) < 0 ||
            (rc = put_bound(m->children[5], r, f, s ? s->upper : NULL, s ? s->upper_len : 0,
                            "upper")) < 0)
            break;
        rc = st_vector_append_nested(m);
    }
    return rc ? rc : st_vector_append_nested(v);
}

/* ============================================================ data files */

/* The fields of DataFile.getType (without partition when the union is empty). */
static int data_file_fields(int *rc, const ctx *c, mt_field *f)
{
    int n = 0;
#define F(id_, name_, req_, type_)                                                     \
    do {                                                                               \
        f[n].id = (id_);                                                               \
        f[n].name = (name_);                                                           \
        f[n].required = (req_);                                                        \
        f[n].type = (type_);                                                           \
        n++;                                                                           \
    } while (0)
#define COUNTS(kid, vid) mt_map(rc, kid, mt_prim(ST_TYPE_INT), vid, mt_prim(ST_TYPE_LONG), 1)
#define BOUNDS(kid, vid) mt_map(rc, kid, mt_prim(ST_TYPE_INT), vid, mt_prim(ST_TYPE_BINARY), 1)
    F(F_CONTENT, "content", 0, mt_prim(ST_TYPE_INT));
    F(F_FILE_PATH, "file_path", 1, mt_prim(ST_TYPE_STRING));
    F(F_FILE_FORMAT, "file_format", 1, mt_prim(ST_TYPE_STRING));
    F(F_SPEC_ID, "spec_id", 0, mt_prim(ST_TYPE_INT));
    if (c->n_pf > 0)
        F(F_PARTITION, "partition", 1, partition_type(rc, c));
    F(F_RECORD_COUNT, "record_count", 1, mt_prim(ST_TYPE_LONG));
    F(F_FILE_SIZE, "file_size_in_bytes", 1, mt_prim(ST_TYPE_LONG));
    F(F_COLUMN_SIZES, "column_sizes", 0, COUNTS(117, 118));
    F(F_VALUE_COUNTS, "value_counts", 0, COUNTS(119, 120));
    F(F_NULL_COUNTS, "null_value_counts", 0, COUNTS(121, 122));
    F(F_NAN_COUNTS, "nan_value_counts", 0, COUNTS(138, 139));
    F(F_LOWER, "lower_bounds", 0, BOUNDS(126, 127));
    F(F_UPPER, "upper_bounds", 0, BOUNDS(129, 130));
    F(F_KEY_METADATA, "key_metadata", 0, mt_prim(ST_TYPE_BINARY));
    F(F_SPLIT_OFFSETS, "split_offsets", 0, mt_list(rc, 133, mt_prim(ST_TYPE_LONG), 1));
    F(F_EQUALITY_IDS, "equality_ids", 0, mt_list(rc, 136, mt_prim(ST_TYPE_INT), 1));
    F(F_SORT_ORDER_ID, "sort_order_id", 0, mt_prim(ST_TYPE_INT));
    F(F_FIRST_ROW_ID, "first_row_id", 0, mt_prim(ST_TYPE_LONG));
    F(F_REFERENCED, "referenced_data_file", 0, mt_prim(ST_TYPE_STRING));
    F(F_CONTENT_OFFSET, "content_offset", 0, mt_prim(ST_TYPE_LONG));
    F(F_CONTENT_SIZE, "content_size_in_bytes", 0, mt_prim(ST_TYPE_LONG));
#undef F
#undef COUNTS
#undef BOUNDS
    return n;
}

#define MAX_DF_FIELDS 24

/* The highest field id of a table with the data-file fields (Java numbers
 * readable_metrics on from it). */
static int32_t highest_id(const ctx *c)
{
    int32_t h = F_CONTENT_SIZE;
    for (int i = 0; i < c->n_pf; i++)
        if (c->pf[i].id > h)
            h = c->pf[i].id;
    return h;
}

typedef enum metric_kind { M_SIZE, M_VALUES, M_NULLS, M_NANS } metric_kind;

static int64_t metric(const st_column_stats *s, metric_kind k)
{
    return k == M_SIZE ? s->column_size : k == M_VALUES ? s->value_count
         : k == M_NULLS ? s->null_count : s->nan_count;
}

static int put_counts(st_vector *v, const st_data_file *f, metric_kind k)
{
    int rc = 0;
    for (int i = 0; i < f->n_stats && rc == 0; i++) {
        int64_t x = metric(&f->stats[i], k);
        if (x >= 0 && (rc = st_vector_append_i32(v->children[0], f->stats[i].field_id)) == 0)
            rc = st_vector_append_i64(v->children[1], x);
    }
    return rc ? rc : st_vector_append_nested(v);
}

static int put_bounds(st_vector *v, const st_data_file *f, int upper)
{
    int rc = 0;
    for (int i = 0; i < f->n_stats && rc == 0; i++) {
        const st_column_stats *s = &f->stats[i];
        const uint8_t *p = upper ? s->upper : s->lower;
        size_t len = upper ? s->upper_len : s->lower_len;
        if (p && (rc = st_vector_append_i32(v->children[0], s->field_id)) == 0)
            rc = st_vector_append_bytes(v->children[1], p, len);
    }
    return rc ? rc : st_vector_append_nested(v);
}

static int put_i64_list(st_vector *v, const int64_t *x, int n)
{
    int rc = 0;
    if (n == 0)
        return st_vector_append_null(v);
    for (int i = 0; i < n && rc == 0; i++)
        rc = st_vector_append_i64(v->children[0], x[i]);
    return rc ? rc : st_vector_append_nested(v);
}

static int put_i32_list(st_vector *v, const int32_t *x, int n)
{
    int rc = 0;
    if (n == 0)
        return st_vector_append_null(v);
    for (int i = 0; i < n && rc == 0; i++)
        rc = st_vector_append_i32(v->children[0], x[i]);
    return rc ? rc : st_vector_append_nested(v);
}

/* One data file into the vectors of data_file_fields(), in their order. */
static int put_data_file(const ctx *c, st_vector **col, const st_data_file *f)
{
    int k = 0, rc;
    if ((rc = st_vector_append_i32(col[k++], (int32_t)f->content)) < 0 ||
        (rc = mt_put_str(col[k++], f->file_path ? f->file_path : "")) < 0 ||
        (rc = mt_put_str(col[k++], f->file_format ? f->file_format : "PARQUET")) < 0 ||
        (rc = st_vector_append_i32(col[k++], f->spec_id)) < 0)
        return rc;
    if (c->n_pf > 0 && (rc = put_partition(c, col[k++], f)) < 0)
        return rc;
    if ((rc = st_vector_append_i64(col[k++], f->record_count)) < 0 ||
        (rc = st_vector_append_i64(col[k++], f->file_size_in_bytes)) < 0 ||
        (rc = put_counts(col[k++], f, M_SIZE)) < 0 ||
        (rc = put_counts(col[k++], f, M_VALUES)) < 0 ||
        (rc = put_counts(col[k++], f, M_NULLS)) < 0 ||
        (rc = put_counts(col[k++], f, M_NANS)) < 0 || (rc = put_bounds(col[k++], f, 0)) < 0 ||
        (rc = put_bounds(col[k++], f, 1)) < 0)
        return rc;
    st_vector *km = col[k++];
    if ((rc = f->key_metadata ? st_vector_append_bytes(km, f->key_metadata, f->key_metadata_len)
                              : st_vector_append_null(km)) < 0 ||
        (rc = put_i64_list(col[k++], f->split_offsets, f->n_split_offsets)) < 0 ||
        (rc = put_i32_list(col[k++], f->equality_ids, f->n_equality_ids)) < 0 ||
        (rc = mt_put_i32(col[k++], f->sort_order_id, ST_NULL32)) < 0 ||
        (rc = mt_put_i64(col[k++], f->first_row_id, ST_NULL64)) < 0 ||
        (rc = mt_put_str(col[k++], f->referenced_data_file)) < 0 ||
        (rc = mt_put_i64(col[k++], f->content_offset, ST_NULL64)) < 0)
        return rc;
    return mt_put_i64(col[k], f->content_size_in_bytes, ST_NULL64);
}

/* ============================================================ the tables */

static int files_table(mt_builder *b, ctx *c, int live_only)
{
    int rc = 0, n;
    mt_field f[MAX_DF_FIELDS + 1];
    n = data_file_fields(&rc, c, f);
    f[n].id = 0;
    f[n].name = "readable_metrics";
    f[n].required = 0;
    f[n].type = NULL;
    /* readable_type() returns a one-field struct: take its field */
    st_type *rm = readable_type(&rc, c, highest_id(c));
    if (rm) {
        f[n].id = rm->fields[0].id;
        f[n].type = st_type_ref(rm->fields[0].type);
        st_type_free(rm);
    }
    st_type *schema = mt_struct(&rc, f, n + 1);
    if (rc < 0 || (rc = mt_builder_init(b, schema)) < 0)
        return rc;
    for (int m = 0; m < c->n_mfs && rc == 0; m++)
        for (int e = 0; e < c->ms[m]->n_entries && rc == 0; e++) {
            const st_manifest_entry *me = &c->ms[m]->entries[e];
            if (live_only && me->status == ST_ENTRY_DELETED)
                continue;
            if ((rc = put_data_file(c, b->cur->columns, &me->file)) == 0 &&
                (rc = put_readable(c, mt_col(b, n), &me->file)) == 0)
                rc = mt_row_end(b);
        }
    return rc;
}

static int entries_table(mt_builder *b, ctx *c)
{
    int rc = 0, n;
    mt_field df[MAX_DF_FIELDS];
    n = data_file_fields(&rc, c, df);
    st_type *rm = readable_type(&rc, c, highest_id(c));
    mt_field f[] = {
        {0, "status", 1, mt_prim(ST_TYPE_INT)},
        {1, "snapshot_id", 0, mt_prim(ST_TYPE_LONG)},
        {3, "sequence_number", 0, mt_prim(ST_TYPE_LONG)},
        {4, "file_sequence_number", 0, mt_prim(ST_TYPE_LONG)},
        {2, "data_file", 1, mt_struct(&rc, df, n)},
        {rm ? rm->fields[0].id : 0, "readable_metrics", 0,
         rm ? st_type_ref(rm->fields[0].type) : NULL},
    };
    st_type_free(rm);
    st_type *schema = mt_struct(&rc, f, 6);
    if (rc < 0 || (rc = mt_builder_init(b, schema)) < 0)
        return rc;
    for (int m = 0; m < c->n_mfs && rc == 0; m++)
        for (int e = 0; e < c->ms[m]->n_entries && rc == 0; e++) {
            const st_manifest_entry *me = &c->ms[m]->entries[e];
            st_vector *dv = mt_col(b, 4);
            if ((rc = st_vector_append_i32(mt_col(b, 0), (int32_t)me->status)) == 0 &&
                (rc = mt_put_i64(mt_col(b, 1), me->snapshot_id, ST_NULL64)) == 0 &&
                (rc = mt_put_i64(mt_col(b, 2), me->sequence_number, ST_NULL64)) == 0 &&
                (rc = mt_put_i64(mt_col(b, 3), me->file_sequence_number, ST_NULL64)) == 0 &&
                (rc = put_data_file(c, dv->children, &me->file)) == 0 &&
                (rc = st_vector_append_nested(dv)) == 0 &&
                (rc = put_readable(c, mt_col(b, 5), &me->file)) == 0)
                rc = mt_row_end(b);
        }
    return rc;
}

/* ----------------------------------------------------------- manifests */

/* Java's lower/upper_bound of a partition summary: the human string of the
 * bound decoded with the partition field's type. */
static int put_summary_bound(st_vector *v, const st_partition_field *pf, const st_type *type,
                             const uint8_t *p, size_t len, st_buf *tmp)
{
    st_value x;
    int rc;
    if (!p || !pf || !type)
        return st_vector_append_null(v);
    if ((rc = st_value_from_bytes(&x, type, p, len)) < 0)
        return rc;
    st_buf_clear(tmp);
    if ((rc = mt_human(tmp, &pf->transform, &x)) < 0)
        return rc;
    return st_vector_append_bytes(v, tmp->ptr ? tmp->ptr : (const uint8_t *)"", tmp->len);
}

static int put_summaries(ctx *c, st_vector *v, const st_manifest_file *mf, st_buf *tmp)
{
    const st_partition_spec *spec = st_metadata_spec(c->md, mf->partition_spec_id);
    st_vector *el = v->children[0];
    st_type *ptype = NULL;
    int rc = 0;
    if (spec && c->schema && mf->n_partitions > 0 &&
        (rc = st_partition_type(&ptype, spec, c->schema->type)) < 0)
        return rc;
    for (int i = 0; i < mf->n_partitions && rc == 0; i++) {
        const st_field_summary *s = &mf->partitions[i];
        int known = ptype && i < spec->n_fields;
        const st_partition_field *pf = known ? &spec->fields[i] : NULL;
        const st_type *ft = known ? ptype->fields[i].type : NULL;
        if ((rc = st_vector_append_bool(el->children[0], s->contains_null != 0)) < 0 ||
            (rc = s->contains_nan < 0 ? st_vector_append_null(el->children[1])
                                      : st_vector_append_bool(el->children[1],
                                                              s->contains_nan != 0)) < 0 ||
            (rc = put_summary_bound(el->children[2], pf, ft, s->lower, s->lower_len, tmp)) < 0 ||
            (rc = put_summary_bound(el->children[3], pf, ft, s->upper, s->upper_len, tmp)) < 0)
            break;
        rc = st_vector_append_nested(el);
    }
    if (rc < 0)
        rc = st_error_set(rc, ST_ERROR_TABLE, "manifest '%s': partition summary: %s",
                          mf->manifest_path, st_error_last()->message);
    st_type_free(ptype);
    return rc ? rc : st_vector_append_nested(v);
}

static int manifests_table(mt_builder *b, ctx *c)
{
    int rc = 0;
    st_buf tmp = ST_BUF_INIT;
    mt_field sum[] = {
        {10, "contains_null", 1, mt_prim(ST_TYPE_BOOLEAN)},
        {11, "contains_nan", 0, mt_prim(ST_TYPE_BOOLEAN)},
        {12, "lower_bound", 0, mt_prim(ST_TYPE_STRING)},
        {13, "upper_bound", 0, mt_prim(ST_TYPE_STRING)},
    };
    /* Java declares the counts required; lists of old writers may lack them */
    mt_field f[] = {
        {14, "content", 1, mt_prim(ST_TYPE_INT)},
        {1, "path", 1, mt_prim(ST_TYPE_STRING)},
        {2, "length", 1, mt_prim(ST_TYPE_LONG)},
        {3, "partition_spec_id", 1, mt_prim(ST_TYPE_INT)},
        {4, "added_snapshot_id", 1, mt_prim(ST_TYPE_LONG)},
        {5, "added_data_files_count", 0, mt_prim(ST_TYPE_INT)},
        {6, "existing_data_files_count", 0, mt_prim(ST_TYPE_INT)},
        {7, "deleted_data_files_count", 0, mt_prim(ST_TYPE_INT)},
        {15, "added_delete_files_count", 0, mt_prim(ST_TYPE_INT)},
        {16, "existing_delete_files_count", 0, mt_prim(ST_TYPE_INT)},
        {17, "deleted_delete_files_count", 0, mt_prim(ST_TYPE_INT)},
        {8, "partition_summaries", 1, mt_list(&rc, 9, mt_struct(&rc, sum, 4), 1)},
    };
    st_type *schema = mt_struct(&rc, f, 12);
    if (rc < 0 || (rc = mt_builder_init(b, schema)) < 0)
        return rc;
    for (int i = 0; i < c->n_mfs && rc == 0; i++) {
        const st_manifest_file *mf = &c->mfs[i];
        int data = mf->content == ST_CONTENT_DATA;
        int32_t counts[3] = {mf->added_files_count, mf->existing_files_count,
                             mf->deleted_files_count};
        if ((rc = st_vector_append_i32(mt_col(b, 0), data ? 0 : 1)) < 0 ||
            (rc = mt_put_str(mt_col(b, 1), mf->manifest_path)) < 0 ||
            (rc = st_vector_append_i64(mt_col(b, 2), mf->manifest_length)) < 0 ||
            (rc = st_vector_append_i32(mt_col(b, 3), mf->partition_spec_id)) < 0 ||
            (rc = st_vector_append_i64(mt_col(b, 4), mf->added_snapshot_id)) < 0)
            break;
        for (int k = 0; k < 6 && rc == 0; k++) {
            /* the data columns count a data manifest's files, the delete ones a delete
             * manifest's; the others are 0 */
            int mine = (k < 3) == data;
            rc = !mine ? st_vector_append_i32(mt_col(b, 5 + k), 0)
                       : mt_put_i32(mt_col(b, 5 + k), counts[k % 3], -1);
        }
        if (rc == 0 && (rc = put_summaries(c, mt_col(b, 11), mf, &tmp)) == 0)
            rc = mt_row_end(b);
    }
    st_buf_dispose(&tmp);
    return rc;
}

/* ---------------------------------------------------------- partitions */

typedef struct part {
    const st_data_file *first;   /* a file of the partition: its tuple */
    int32_t spec_id;
    int64_t records, files, size;
    int64_t pos_records, pos_files, eq_records, eq_files;
    int64_t updated_at;          /* micros; ST_NULL64 */
    int64_t updated_snapshot;
    uint64_t hash;
    uint8_t *key;                /* the serialized tuple (arena) */
    size_t key_len;
} part;

typedef struct part_map {
    part *parts;
    int n, cap;
    int *slots;                  /* open addressing: part index + 1, 0 free */
    int n_slots;
} part_map;

/* A file's tuple spread onto the union, serialized: per field a null flag,
 * then the value's length and single-value bytes. */
static int tuple_key(const ctx *c, const st_data_file *f, st_buf *out)
{
    const int *map = spec_map(c, f->spec_id);
    st_buf_clear(out);
    int rc = 0;
    for (int u = 0; u < c->n_pf && rc == 0; u++) {
        int k = map ? map[u] : -1;
        const st_value *x = k >= 0 && k < f->n_partition ? &f->partition[k] : NULL;
        if (!x || x->is_null || x->type == 0) {
            rc = st_buf_putc(out, 0);
            continue;
        }
        size_t at = out->len;
        uint32_t len;
        if ((rc = st_buf_putc(out, 1)) < 0 || (rc = st_buf_put(out, "\0\0\0\0", 4)) < 0 ||
            (rc = st_value_to_bytes(out, x)) < 0)
            break;
        len = (uint32_t)(out->len - at - 5);
        memcpy(out->ptr + at + 1, &len, 4);
    }
    return rc;
}

static int map_grow(part_map *m)
{
    int n = m->n_slots ? 2 * m->n_slots : 64;
    int *slots = st_calloc((size_t)n, sizeof *slots);
    if (!slots)
        return st_error_set_oom();
    for (int i = 0; i < m->n; i++) {
        size_t s = (size_t)(m->parts[i].hash & (uint64_t)(n - 1));
        while (slots[s])
            s = (s + 1) & (size_t)(n - 1);
        slots[s] = i + 1;
    }
    st_free(m->slots);
    m->slots = slots;
    m->n_slots = n;
    return 0;
}

/* The partition of a key; created (zeroed, key copied) when new. */
static int map_get(part_map *m, st_arena *a, const st_buf *key, part **out)
{
    uint64_t h = st_xxh64(key->ptr ? key->ptr : (const uint8_t *)"", key->len, 0);
    int rc;
    if (2 * (m->n + 1) > m->n_slots && (rc = map_grow(m)) < 0)
        return rc;
    size_t s = (size_t)(h & (uint64_t)(m->n_slots - 1));
    for (; m->slots[s]; s = (s + 1) & (size_t)(m->n_slots - 1)) {
        part *p = &m->parts[m->slots[s] - 1];
        if (p->hash == h && p->key_len == key->len &&
            (key->len == 0 || memcmp(p->key, key->ptr, key->len) == 0)) {
            *out = p;
            return 0;
        }
    }
    if (m->n == m->cap) {
        int cap = m->cap ? 2 * m->cap : 32;
        part *grown = st_realloc(m->parts, (size_t)cap * sizeof *grown);
        if (!grown)
            return st_error_set_oom();
        m->parts = grown;
        m->cap = cap;
    }
    part *p = &m->parts[m->n];
    memset(p, 0, sizeof *p);
    p->hash = h;
    p->key_len = key->len;
    if (key->len && !(p->key = st_arena_alloc(a, key->len)))
        return st_error_set_oom();
    if (key->len)
        memcpy(p->key, key->ptr, key->len);
    p->updated_at = ST_NULL64;
    p->updated_snapshot = ST_NULL64;
    m->slots[s] = ++m->n;
    *out = p;
    return 0;
}

/* PartitionsTable.Partition.update: counts by content; the newest commit of
 * the snapshots that added the partition's files. Delete records are summed
 * (Java 1.4 kept only the last file's count: a bug fixed since). */
static void part_update(const ctx *c, part *p, const st_manifest_entry *me)
{
    const st_data_file *f = &me->file;
    const st_snapshot *s = me->snapshot_id == ST_NULL64 ? NULL
                                                        : st_metadata_snapshot(c->md, me->snapshot_id);
    if (!p->first)
        p->first = f;
    if (s && (p->updated_at == ST_NULL64 || s->timestamp_ms * 1000 > p->updated_at)) {
        p->updated_at = s->timestamp_ms * 1000;
        p->updated_snapshot = s->snapshot_id;
    }
    p->spec_id = f->spec_id;
    switch (f->content) {
    case ST_CONTENT_DATA:
        p->records += f->record_count;
        p->files++;
        p->size += f->file_size_in_bytes;
        break;
    case ST_CONTENT_POSITION_DELETES:
        p->pos_records += f->record_count;
        p->pos_files++;
        break;
    default:
        p->eq_records += f->record_count;
        p->eq_files++;
        break;
    }
}

static int put_part(mt_builder *b, const ctx *c, const part *p)
{
    int k = 0, rc;
    if (c->n_pf > 0 && ((rc = put_partition(c, mt_col(b, k++), p->first)) < 0 ||
                        (rc = st_vector_append_i32(mt_col(b, k++), p->spec_id)) < 0))
        return rc;
    if ((rc = st_vector_append_i64(mt_col(b, k++), p->records)) < 0 ||
        (rc = st_vector_append_i32(mt_col(b, k++), (int32_t)p->files)) < 0 ||
        (rc = st_vector_append_i64(mt_col(b, k++), p->size)) < 0 ||
        (rc = st_vector_append_i64(mt_col(b, k++), p->pos_records)) < 0 ||
        (rc = st_vector_append_i32(mt_col(b, k++), (int32_t)p->pos_files)) < 0 ||
        (rc = st_vector_append_i64(mt_col(b, k++), p->eq_records)) < 0 ||
        (rc = st_vector_append_i32(mt_col(b, k++), (int32_t)p->eq_files)) < 0 ||
        (rc = mt_put_i64(mt_col(b, k++), p->updated_at, ST_NULL64)) < 0 ||
        (rc = mt_put_i64(mt_col(b, k), p->updated_snapshot, ST_NULL64)) < 0)
        return rc;
    return mt_row_end(b);
}

static int partitions_table(mt_builder *b, ctx *c)
{
    int rc = 0, n = 0;
    mt_field f[11];
    if (c->n_pf > 0) {
        f[n++] = (mt_field){1, "partition", 1, partition_type(&rc, c)};
        f[n++] = (mt_field){4, "spec_id", 1, mt_prim(ST_TYPE_INT)};
    }
    f[n++] = (mt_field){2, "record_count", 1, mt_prim(ST_TYPE_LONG)};
    f[n++] = (mt_field){3, "file_count", 1, mt_prim(ST_TYPE_INT)};
    f[n++] = (mt_field){11, "total_data_file_size_in_bytes", 1, mt_prim(ST_TYPE_LONG)};
    f[n++] = (mt_field){5, "position_delete_record_count", 1, mt_prim(ST_TYPE_LONG)};
    f[n++] = (mt_field){6, "position_delete_file_count", 1, mt_prim(ST_TYPE_INT)};
    f[n++] = (mt_field){7, "equality_delete_record_count", 1, mt_prim(ST_TYPE_LONG)};
    f[n++] = (mt_field){8, "equality_delete_file_count", 1, mt_prim(ST_TYPE_INT)};
    f[n++] = (mt_field){9, "last_updated_at", 0, mt_prim(ST_TYPE_TIMESTAMPTZ)};
    f[n++] = (mt_field){10, "last_updated_snapshot_id", 0, mt_prim(ST_TYPE_LONG)};
    st_type *schema = mt_struct(&rc, f, n);
    if (rc < 0 || (rc = mt_builder_init(b, schema)) < 0)
        return rc;

    part_map map = {NULL, 0, 0, NULL, 0};
    st_buf key = ST_BUF_INIT;
    for (int m = 0; m < c->n_mfs && rc == 0; m++)
        for (int e = 0; e < c->ms[m]->n_entries && rc == 0; e++) {
            const st_manifest_entry *me = &c->ms[m]->entries[e];
            part *p = NULL;
            if (me->status == ST_ENTRY_DELETED)
                continue;
            if ((rc = tuple_key(c, &me->file, &key)) == 0 &&
                (rc = map_get(&map, &c->arena, &key, &p)) == 0)
                part_update(c, p, me);
        }
    for (int i = 0; i < map.n && rc == 0; i++)
        rc = put_part(b, c, &map.parts[i]);
    st_buf_dispose(&key);
    st_free(map.parts);
    st_free(map.slots);
    return rc;
}

/* ======================================================== the snapshot */

/* The manifest-list entries the table needs, and (but for manifests) the
 * manifests themselves, read in parallel. */
static int load_manifests(ctx *c, const st_snapshot *snap, mt_kind kind)
{
    st_manifest_file *all = NULL;
    int n = 0, k = 0, rc;
    if ((rc = st_snapshot_manifests(c->t, c->md, snap, &c->arena, &all, &n)) < 0)
        return rc;
    for (int i = 0; i < n; i++) {
        int data = all[i].content == ST_CONTENT_DATA;
        if ((kind == MT_DATA_FILES && !data) || (kind == MT_DELETE_FILES && data))
            continue;
        all[k++] = all[i];
    }
    c->mfs = all;
    c->n_mfs = k;
    if (kind == MT_MANIFESTS || k == 0)
        return 0;
    if (!(c->ms = st_calloc((size_t)k, sizeof *c->ms)))
        return st_error_set_oom();
    /* no pool (it could not start): read on this thread */
    st_pool *pool = st_pool_default();
    return st_manifests_read_all(c->t, c->md, c->mfs, k, pool, c->ms);
}

int mt_build_snapshot_table(mt_builder *b, const st_table *t, const st_snapshot *snap,
                            mt_kind kind)
{
    ctx c;
    int rc;
    memset(&c, 0, sizeof c);
    memset(b, 0, sizeof *b);
    c.t = t;
    c.md = t->md;
    c.schema = st_metadata_current_schema(t->md);
    if ((rc = build_union(&c)) == 0 && snap)
        rc = load_manifests(&c, snap, kind);
    if (rc == 0) {
        switch (kind) {
        case MT_MANIFESTS: rc = manifests_table(b, &c); break;
        case MT_ENTRIES: rc = entries_table(b, &c); break;
        case MT_FILES:
        case MT_DATA_FILES:
        case MT_DELETE_FILES: rc = files_table(b, &c, 1); break;
        case MT_PARTITIONS: rc = partitions_table(b, &c); break;
        }
    }
    ctx_dispose(&c);
    return rc;
}
