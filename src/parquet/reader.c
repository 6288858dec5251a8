/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The Parquet reader's file level: footer, schema, projection, row groups.
 *
 * FORMAT (end of file):  ... | FileMetaData (Thrift compact) | u32 LE length | "PAR1"
 * The file also starts with "PAR1". "PARE" marks an encrypted footer.
 *
 * A row group is decoded one leaf column per task on the pool (column_read.c),
 * then the projected top-level columns are assembled from their leaves
 * (assemble.c). The batch reader keeps several row groups in flight, so workers
 * decode ahead of the consumer and a one-column projection keeps every core busy.
 */
#include <stdlib.h>
#include <string.h>

#include <supertable/errors.h>
#include "parquet/iceberg_stats.h"
#include "parquet/reader_int.h"
#include "util/alloc.h"

static int corrupt(const st_parquet_reader *r, const char *what)
{
    return st_error_set(ST_ECORRUPT, ST_ERROR_PARQUET, "'%s' is not a valid Parquet file: %s",
                        st_input_name(r->in), what);
}

static int read_footer(st_parquet_reader *r)
{
    uint64_t size = st_input_size(r->in);
    uint8_t tail[8], head[4];
    uint32_t flen;
    const uint8_t *footer;
    uint8_t *copy = NULL;
    size_t used;
    int rc;

    if (size < 12)
        return corrupt(r, "file is too small");
    if ((rc = st_input_read_at(r->in, size - 8, tail, 8)) < 0 ||
        (rc = st_input_read_at(r->in, 0, head, 4)) < 0)
        return rc;
    if (memcmp(tail + 4, "PARE", 4) == 0)
        return st_error_set(ST_EUNSUPPORTED, ST_ERROR_PARQUET,
                            "'%s' has an encrypted footer (Parquet modular encryption is not "
                            "supported)", st_input_name(r->in));
    if (memcmp(tail + 4, "PAR1", 4) != 0)
        return corrupt(r, "missing the PAR1 magic at the end");
    if (memcmp(head, "PAR1", 4) != 0)
        return corrupt(r, "missing the PAR1 magic at the start");
    flen = (uint32_t)tail[0] | (uint32_t)tail[1] << 8 | (uint32_t)tail[2] << 16 |
           (uint32_t)tail[3] << 24;
    if (flen == 0 || flen > size - 12)
        return corrupt(r, "footer length is larger than the file");
    footer = st_input_view(r->in, size - 8 - flen, flen);
    if (!footer) {
        if (!(copy = st_malloc(flen)))
            return ST_ENOMEM;
        if ((rc = st_input_read_at(r->in, size - 8 - flen, copy, flen)) < 0) {
            st_free(copy);
            return rc;
        }
        footer = copy;
    }
    rc = pq_decode_file_metadata(&r->md, &r->arena, footer, flen, &used);
    st_free(copy);
    if (rc < 0)
        return st_error_set(rc, ST_ERROR_PARQUET, "'%s': bad footer: %s", st_input_name(r->in),
                            st_error_last()->message);
    return 0;
}

/* Checks what later code relies on: every row group has one chunk per leaf, with metadata. */
static int check_row_groups(st_parquet_reader *r)
{
    int64_t total = 0;
    if (r->md.encrypted)
        return st_error_set(ST_EUNSUPPORTED, ST_ERROR_PARQUET,
                            "'%s' uses Parquet modular encryption, which is not supported",
                            st_input_name(r->in));
    if (r->md.num_rows < 0)
        return corrupt(r, "negative row count");
    for (uint32_t g = 0; g < r->md.n_row_groups; g++) {
        const pq_row_group *rg = &r->md.row_groups[g];
        if (rg->num_rows < 0)
            return corrupt(r, "row group with a negative row count");
        if (rg->n_columns != (uint32_t)r->schema.n_leaves)
            return corrupt(r, "a row group's column count differs from the schema's");
        for (uint32_t c = 0; c < rg->n_columns; c++) {
            const pq_column_chunk *cc = &rg->columns[c];
            if (cc->encrypted)
                return st_error_set(ST_EUNSUPPORTED, ST_ERROR_PARQUET,
                                    "'%s' has encrypted columns, which are not supported",
                                    st_input_name(r->in));
            if (!cc->meta)
                return corrupt(r, "column chunk without metadata");
            if (cc->meta->type != r->schema.leaves[c].physical)
                return corrupt(r, "a column chunk's type differs from the schema's");
        }
        if (__builtin_add_overflow(total, rg->num_rows, &total))
            return corrupt(r, "row counts overflow");
    }
    /* Some writers leave the footer's count at 0; the row groups are what is read. */
    r->num_rows = total;
    return 0;
}

static void select_all(st_parquet_reader *r)
{
    memset(r->selected, 1, (size_t)(r->schema.n_leaves ? r->schema.n_leaves : 1));
}

/* Lists and maps are read whole: their structure comes from every leaf below. */
static void widen_repeated(st_parquet_reader *r, const pq_node *n)
{
    int any = 0;
    for (int l = n->first_leaf; l < n->first_leaf + n->n_leaves; l++)
        any |= r->selected[l];
    if (!any)
        return;
    if (n->kind == PQ_NODE_LIST || n->kind == PQ_NODE_MAP) {
        memset(r->selected + n->first_leaf, 1, (size_t)n->n_leaves);
        return;
    }
    for (int i = 0; i < n->n_children; i++)
        widen_repeated(r, n->children[i]);
}

static int refresh_projection(st_parquet_reader *r)
{
    st_type *t;
    int rc;
    widen_repeated(r, r->schema.root);
    rc = pq_projected_type(&t, r, r->schema.root);
    if (rc < 0)
        return rc;
    if (!t) {
        /* Nothing selected: an empty struct still has the rows' count. */
        if ((rc = st_type_struct_new(&t, NULL, 0)) < 0)
            return rc;
    }
    st_type_free(r->proj_type);
    r->proj_type = t;
    return 0;
}

int st_parquet_reader_open_input(st_parquet_reader **out, st_input *in,
                                 const st_parquet_read_options *opts)
{
    st_parquet_read_options def = ST_PARQUET_READ_OPTIONS_INIT;
    st_parquet_reader *r;
    int rc;

    *out = NULL;
    if (!opts)
        opts = &def;
    r = st_calloc(1, sizeof(*r));
    if (!r) {
        st_input_free(in);
        return ST_ENOMEM;
    }
    r->in = in;
    r->verify_crc = !opts->skip_checksums;
    r->threads = opts->threads;
    if ((rc = read_footer(r)) < 0)
        goto fail;
    if ((rc = pq_schema_build(&r->schema, &r->md, opts->name_mapping)) < 0) {
        if (rc == ST_ECORRUPT)
            rc = st_error_set(rc, ST_ERROR_PARQUET, "'%s': %s", st_input_name(in),
                              st_error_last()->message);
        goto fail;
    }
    if ((rc = check_row_groups(r)) < 0)
        goto fail;
    r->selected = st_calloc((size_t)(r->schema.n_leaves ? r->schema.n_leaves : 1), 1);
    if (!r->selected) {
        rc = ST_ENOMEM;
        goto fail;
    }
    select_all(r);
    if ((rc = refresh_projection(r)) < 0)
        goto fail;
    *out = r;
    return 0;
fail:
    st_parquet_reader_free(r);
    return rc;
}

int st_parquet_reader_open(st_parquet_reader **out, const char *path,
                           const st_parquet_read_options *opts)
{
    st_input *in;
    int rc;
    *out = NULL;
    if ((rc = st_input_open_file(&in, path)) < 0)
        return rc;
    return st_parquet_reader_open_input(out, in, opts);
}

void st_parquet_reader_free(st_parquet_reader *r)
{
    if (!r)
        return;
    st_type_free(r->proj_type);
    pq_schema_dispose(&r->schema);
    st_arena_dispose(&r->arena);
    st_free(r->selected);
    st_free(r->filters);
    st_input_free(r->in);
    st_free(r);
}

int64_t st_parquet_reader_num_rows(const st_parquet_reader *r) { return r->num_rows; }
int st_parquet_reader_num_row_groups(const st_parquet_reader *r) { return (int)r->md.n_row_groups; }
st_type *st_parquet_reader_file_schema(const st_parquet_reader *r) { return r->schema.type; }
st_type *st_parquet_reader_schema(const st_parquet_reader *r) { return r->proj_type; }
int st_parquet_reader_num_columns(const st_parquet_reader *r) { return r->schema.n_leaves; }
int st_parquet_reader_format_version(const st_parquet_reader *r) { return r->md.version; }
int st_parquet_reader_kv_count(const st_parquet_reader *r) { return (int)r->md.n_kv; }

int64_t st_parquet_reader_row_group_rows(const st_parquet_reader *r, int rg)
{
    if (rg < 0 || (uint32_t)rg >= r->md.n_row_groups)
        return -1;
    return r->md.row_groups[rg].num_rows;
}

int64_t st_parquet_reader_row_group_bytes(const st_parquet_reader *r, int rg)
{
    const pq_row_group *g;
    int64_t sum = 0;
    if (rg < 0 || (uint32_t)rg >= r->md.n_row_groups)
        return -1;
    g = &r->md.row_groups[rg];
    if (g->has_total_compressed_size)
        return g->total_compressed_size;
    for (uint32_t c = 0; c < g->n_columns; c++)
        sum += g->columns[c].meta->total_compressed_size;
    return sum;
}

const char *st_parquet_reader_created_by(const st_parquet_reader *r)
{
    return r->md.created_by ? r->md.created_by : "";
}

void st_parquet_reader_kv(const st_parquet_reader *r, int i, const char **key, const char **value)
{
    *key = r->md.kv[i].key;
    *value = r->md.kv[i].value;
}

st_pool *pq_reader_pool(const st_parquet_reader *r)
{
    return r->threads == 1 ? NULL : st_pool_default();
}

/* ------------------------------------------------------------ projection */

static void mark(st_parquet_reader *r, const pq_node *n)
{
    memset(r->selected + n->first_leaf, 1, (size_t)n->n_leaves);
}

/*
 * Resolves a dotted path of Iceberg names below `n`; the longest child name that
 * matches wins, so names containing dots work. structs_only: every step must go
 * through a struct (filters); otherwise lists may be entered and a path into a
 * map stops at the map, which is read whole (projection).
 */
const pq_node *pq_resolve_path(const pq_node *n, const char *path, int structs_only)
{
    while (*path) {
        const pq_node *best = NULL;
        size_t best_len = 0;
        if (structs_only && n->kind != PQ_NODE_STRUCT)
            return NULL;
        if (n->kind == PQ_NODE_MAP)
            return n;
        for (int i = 0; i < n->n_children; i++) {
            const char *nm = n->children[i]->name;
            size_t l = strlen(nm);
            if (strncmp(path, nm, l) == 0 && (path[l] == 0 || path[l] == '.') && l > best_len) {
                best = n->children[i];
                best_len = l;
            }
        }
        if (!best)
            return NULL;
        n = best;
        path += best_len;
        if (*path == '.')
            path++;
    }
    return n;
}

int st_parquet_reader_select(st_parquet_reader *r, const char *const *paths, int n)
{
    uint8_t *saved = st_memdup(r->selected, (size_t)(r->schema.n_leaves ? r->schema.n_leaves : 1));
    if (!saved)
        return ST_ENOMEM;
    memset(r->selected, 0, (size_t)r->schema.n_leaves);
    for (int i = 0; i < n; i++) {
        const pq_node *node = pq_resolve_path(r->schema.root, paths[i], 0);
        if (!node || node == r->schema.root) {
            memcpy(r->selected, saved, (size_t)r->schema.n_leaves);
            st_free(saved);
            return st_error_set(ST_ENOTFOUND, ST_ERROR_PARQUET, "no column '%s' in '%s'",
                                paths[i], st_input_name(r->in));
        }
        mark(r, node);
    }
    st_free(saved);
    return refresh_projection(r);
}

static const pq_node *find_id(const pq_node *n, int32_t id)
{
    if (n->field_id == id && id != ST_FIELD_ID_NONE)
        return n;
    for (int i = 0; i < n->n_children; i++) {
        const pq_node *f = find_id(n->children[i], id);
        if (f)
            return f;
    }
    return NULL;
}

int st_parquet_reader_select_ids(st_parquet_reader *r, const int32_t *ids, int n)
{
    const pq_node **found = st_calloc((size_t)(n > 0 ? n : 1), sizeof(*found));
    if (!found)
        return ST_ENOMEM;
    for (int i = 0; i < n; i++) {
        for (int c = 0; c < r->schema.root->n_children && !found[i]; c++)
            found[i] = find_id(r->schema.root->children[c], ids[i]);
        if (!found[i]) {
            st_free(found);
            return st_error_set(ST_ENOTFOUND, ST_ERROR_PARQUET, "no field id %d in '%s'",
                                (int)ids[i], st_input_name(r->in));
        }
    }
    memset(r->selected, 0, (size_t)r->schema.n_leaves);
    for (int i = 0; i < n; i++)
        mark(r, found[i]);
    st_free(found);
    return refresh_projection(r);
}

/* ------------------------------------------------------------ row groups */

/* One row group being decoded: one task per selected leaf column. */
typedef struct rg_job {
    st_parquet_reader *r;
    int rg;
    const int *leaves;    /* selected leaf indexes (owned by the caller) */
    int n_leaves;
    pq_leaf_data *data;   /* one per leaf of the schema */
    st_task_group *group;
} rg_job;

static int leaf_task(void *payload, size_t i)
{
    rg_job *j = payload;
    int l = j->leaves[i];
    return pq_read_leaf(&j->data[l], j->r, j->rg, l);
}

static void rg_job_free(rg_job *j)
{
    if (!j)
        return;
    st_task_group_free(j->group); /* waits for tasks still running */
    if (j->data)
        for (int l = 0; l < j->r->schema.n_leaves; l++)
            pq_leaf_data_dispose(&j->data[l]);
    st_free(j->data);
    st_free(j);
}

/* Queues the decoding of row group `rg`; the tasks start at once on idle workers. */
static int rg_job_start(rg_job **out, st_parquet_reader *r, int rg, const int *leaves,
                        int n_leaves)
{
    rg_job *j = st_calloc(1, sizeof(*j));
    int rc = 0;
    *out = NULL;
    if (!j)
        return ST_ENOMEM;
    j->r = r;
    j->rg = rg;
    j->leaves = leaves;
    j->n_leaves = n_leaves;
    j->data = st_calloc((size_t)(r->schema.n_leaves ? r->schema.n_leaves : 1),
                        sizeof(pq_leaf_data));
    if (!j->data || (rc = st_task_group_new(&j->group, pq_reader_pool(r))) < 0) {
        rg_job_free(j);
        return rc < 0 ? rc : ST_ENOMEM;
    }
    for (int i = 0; i < n_leaves && rc == 0; i++)
        rc = st_task_group_add(j->group, leaf_task, j, (size_t)i);
    if (rc < 0) {
        rg_job_free(j);
        return rc;
    }
    *out = j;
    return 0;
}

static int build_batch(st_batch **out, st_parquet_reader *r, int rg, pq_leaf_data *data)
{
    const pq_node *root = r->schema.root;
    st_vector **cols;
    int n = 0, rc = 0;
    int64_t rows = r->md.row_groups[rg].num_rows;

    cols = st_calloc((size_t)(root->n_children ? root->n_children : 1), sizeof(*cols));
    if (!cols)
        return ST_ENOMEM;
    for (int i = 0; i < root->n_children && rc == 0; i++) {
        const pq_node *c = root->children[i];
        int any = 0;
        for (int l = c->first_leaf; l < c->first_leaf + c->n_leaves; l++)
            any |= r->selected[l];
        if (any)
            rc = pq_assemble(&cols[n++], r, c, data, rows);
    }
    if (rc == 0) {
        rc = st_batch_from_vectors(out, r->proj_type, cols);
        if (rc == 0 && n == 0)
            (*out)->length = rows;
    }
    for (int i = 0; i < n; i++)
        st_vector_free(cols[i]);
    st_free(cols);
    return rc;
}

/* Waits for the job's columns and assembles its batch; frees the job. */
static int rg_job_finish(st_batch **out, rg_job *j)
{
    int rc = st_task_group_wait(j->group);
    *out = NULL;
    if (rc == 0)
        rc = build_batch(out, j->r, j->rg, j->data);
    rg_job_free(j);
    return rc;
}

/* The selected leaves, in file order; returns how many (or ST_ENOMEM). */
static int selected_leaves(st_parquet_reader *r, int **out)
{
    int n = 0;
    *out = st_calloc((size_t)(r->schema.n_leaves ? r->schema.n_leaves : 1), sizeof(int));
    if (!*out)
        return ST_ENOMEM;
    for (int l = 0; l < r->schema.n_leaves; l++)
        if (r->selected[l])
            (*out)[n++] = l;
    return n;
}

/* ------------------------------------------- row groups, asynchronously */

struct st_parquet_rg_read {
    rg_job *job;
    int *leaves;                /* owned: the job borrows them */
};

int st_parquet_row_group_start(st_parquet_rg_read **out, st_parquet_reader *r, int rg)
{
    st_parquet_rg_read *h;
    int n, rc;
    *out = NULL;
    if (rg < 0 || (uint32_t)rg >= r->md.n_row_groups)
        return st_error_set(ST_EINVALID, ST_ERROR_PARQUET, "row group %d out of range (0..%u)",
                            rg, r->md.n_row_groups);
    if (!(h = st_calloc(1, sizeof *h)))
        return st_error_set_oom();
    if ((n = selected_leaves(r, &h->leaves)) < 0) {
        st_free(h);
        return n;
    }
    if ((rc = rg_job_start(&h->job, r, rg, h->leaves, n)) < 0) {
        st_free(h->leaves);
        st_free(h);
        return rc;
    }
    *out = h;
    return 0;
}

int st_parquet_row_group_finish(st_batch **out, st_parquet_rg_read *h)
{
    int rc = rg_job_finish(out, h->job);
    st_free(h->leaves);
    st_free(h);
    return rc;
}

void st_parquet_row_group_cancel(st_parquet_rg_read *h)
{
    if (!h)
        return;
    rg_job_free(h->job);
    st_free(h->leaves);
    st_free(h);
}

int st_parquet_reader_read_row_group(st_batch **out, st_parquet_reader *r, int rg)
{
    rg_job *j;
    int *leaves, n, rc;
    *out = NULL;
    if (rg < 0 || (uint32_t)rg >= r->md.n_row_groups)
        return st_error_set(ST_EINVALID, ST_ERROR_PARQUET, "row group %d out of range (0..%u)",
                            rg, r->md.n_row_groups);
    if ((n = selected_leaves(r, &leaves)) < 0)
        return n;
    if ((rc = rg_job_start(&j, r, rg, leaves, n)) == 0)
        rc = rg_job_finish(out, j);
    st_free(leaves);
    return rc;
}

void pq_leaf_data_dispose(pq_leaf_data *d)
{
    st_free(d->def);
    st_free(d->rep);
    st_vector_free(d->values);
    memset(d, 0, sizeof(*d));
}

/* ------------------------------------------------------------ batch reader */

/*
 * Keeps up to `depth` row groups decoding ahead of the consumer (a ring of jobs),
 * so workers decode row group k+1.. while the consumer handles batch k; a
 * consumer waiting in next() helps with the queued work.
 */
typedef struct {
    st_batch_reader base;
    st_parquet_reader *r;
    int *leaves, n_leaves;
    int next_rg;                /* next row group to consider */
    rg_job **ring;
    int depth, head, count;     /* jobs in flight: ring[head .. head+count) */
    int failed;
} rg_reader;

static int top_up(rg_reader *it)
{
    while (it->count < it->depth && it->next_rg < (int)it->r->md.n_row_groups) {
        int g = it->next_rg++, rc;
        rg_job *j;
        if (!pq_row_group_matches(it->r, g))
            continue;
        if ((rc = rg_job_start(&j, it->r, g, it->leaves, it->n_leaves)) < 0)
            return rc;
        it->ring[(it->head + it->count++) % it->depth] = j;
    }
    return 0;
}

static int rg_next(st_batch_reader *br, st_batch **out)
{
    rg_reader *it = (rg_reader *)br;
    rg_job *j;
    int rc;
    *out = NULL;
    if (it->failed)
        return st_error_set(ST_ERROR, ST_ERROR_PARQUET, "the batch reader failed earlier");
    if ((rc = top_up(it)) < 0)
        goto fail;
    if (it->count == 0)
        return ST_ITEROVER;
    j = it->ring[it->head];
    it->ring[it->head] = NULL;
    it->head = (it->head + 1) % it->depth;
    it->count--;
    /* Queue the next row group before waiting, so no worker idles meanwhile. */
    if ((rc = top_up(it)) < 0) {
        rg_job_free(j);
        goto fail;
    }
    if ((rc = rg_job_finish(out, j)) < 0)
        goto fail;
    return 0;
fail:
    it->failed = 1;
    return rc;
}

static st_type *rg_schema(st_batch_reader *br)
{
    return ((rg_reader *)br)->r->proj_type;
}

static void rg_free(st_batch_reader *br)
{
    rg_reader *it = (rg_reader *)br;
    for (int i = 0; i < it->count; i++)
        rg_job_free(it->ring[(it->head + i) % it->depth]);
    st_free(it->ring);
    st_free(it->leaves);
    st_free(it);
}

static const st_batch_reader_vtable rg_vtable = {rg_next, rg_schema, rg_free};

int st_parquet_reader_batches(st_batch_reader **out, st_parquet_reader *r)
{
    rg_reader *it = st_calloc(1, sizeof(*it));
    int n;
    *out = NULL;
    if (!it)
        return ST_ENOMEM;
    it->base.vt = &rg_vtable;
    it->r = r;
    /* Two row groups per thread in flight: enough to cover uneven columns. */
    it->depth = 2 * st_pool_width(pq_reader_pool(r));
    if (it->depth > 32)
        it->depth = 32;
    if ((n = selected_leaves(r, &it->leaves)) < 0 ||
        !(it->ring = st_calloc((size_t)it->depth, sizeof(rg_job *)))) {
        st_free(it->leaves);
        st_free(it);
        return ST_ENOMEM;
    }
    it->n_leaves = n;
    *out = &it->base;
    return 0;
}
