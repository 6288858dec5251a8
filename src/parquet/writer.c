/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The Parquet writer's file level: options, row groups, the page index, the
 * footer and the Iceberg metrics.
 *
 * FORMAT (parquet-format):
 *   "PAR1" | row group* | ColumnIndex* | OffsetIndex* | FileMetaData | u32 LE len | "PAR1"
 * A row group is its column chunks in leaf order (column_write.c). The column
 * and offset indexes of every chunk follow the last row group, as parquet-mr
 * writes them; each ColumnChunk records where its own are.
 *
 * Rows are buffered per leaf (writer_shred.c) until row_group_rows rows or
 * row_group_bytes bytes are reached; then each leaf's chunk is encoded as one
 * task on the pool and the chunks are written in order by the calling thread.
 * When one batch holds a whole row group, flat columns are encoded straight
 * from its vectors; when it holds several and every column is flat, up to one
 * row group per thread is encoded in the same pool run (a window of slots).
 * Any failure leaves the writer unusable; close() then removes the file and
 * returns that failure.
 *
 * Memory: the row group being filled (none for flat columns of a batch that
 * holds whole row groups), each leaf's encoded chunk and scratch buffers (per
 * slot), and the footer and page index of the row groups written so far.
 */
#include <string.h>

#include <supertable/errors.h>
#include "parquet/compress.h"
#include "parquet/writer_int.h"
#include "util/alloc.h"

#define DEFAULT_RG_ROWS (1 << 20)
#define DEFAULT_RG_BYTES (128LL << 20)
#define DEFAULT_PAGE_BYTES (1 << 20)
#define DEFAULT_PAGE_ROWS 20000
#define DEFAULT_DICT_BYTES (1 << 20)

/* File-level accumulation of one leaf's metrics. */
typedef struct {
    int64_t size, values, nulls, nans;
    uint8_t *min, *max;         /* physical bytes, untruncated; NULL until a value is seen */
    uint32_t min_len, max_len;
} pw_metric;

/* Row groups encoded by one pool run at most (when a batch holds several). */
#define MAX_WINDOW 4

/* One row group being encoded: per leaf, its buffered rows, source and chunk state. */
typedef struct {
    pw_colbuf *bufs;
    pw_chunk_src *srcs;
    pw_colstate *cols;
    const st_batch *direct;     /* flat columns come from this batch, or NULL */
    int64_t a, rows;            /* rows [a, a + rows) of direct; rows in total */
} pw_slot;

/* The page index of one row group, written at close. */
typedef struct {
    pq_column_index **ci;       /* per leaf; NULL when the chunk has none */
    pq_offset_index *oi;        /* per leaf */
} pw_rg_index;

struct st_parquet_writer {
    st_output *out;
    st_type *schema;
    pw_opts o;
    char *created_by;
    pq_key_value *kv;           /* footer key/value metadata, in `meta` */
    uint32_t n_kv;
    pw_schema sch;
    st_pool *pool;              /* NULL: everything on the calling thread */
    st_pool *own_pool;
    int failed;                 /* the error code that made the writer unusable */
    st_error_saved err;

    pw_slot *slots;             /* slot 0 collects rows until a row group is full */
    int n_slots;
    int64_t buf_rows, buf_bytes;
    st_buf scratch[6];          /* shredding's level-entry arrays */

    st_arena meta;              /* footer and page index structures */
    pq_row_group *rgs;
    pw_rg_index *index;
    uint32_t n_rgs, rgs_cap;
    int64_t rows;
    pw_metric *metrics;         /* per leaf */
};

static const int32_t zero_offset;
static const uint8_t no_bytes[1];

/* ------------------------------------------------------------ lifecycle */

static int resolve_options(pw_opts *o, const st_parquet_write_options *opts)
{
    st_parquet_write_options def = ST_PARQUET_WRITE_OPTIONS_INIT;
    if (!opts)
        opts = &def;
    if (opts->version != ST_PARQUET_WRITE_OPTIONS_VERSION)
        return st_error_set(ST_EINVALID, ST_ERROR_PARQUET,
                            "unknown Parquet write options version %u", opts->version);
    if (opts->row_group_rows < 0 || opts->row_group_bytes < 0 || opts->page_bytes < 0 ||
        opts->page_rows < 0 || opts->data_page_version < 0 || opts->data_page_version > 2 ||
        opts->threads < 0)
        return st_error_set(ST_EINVALID, ST_ERROR_PARQUET, "invalid Parquet write options");
    o->codec = (pq_codec)opts->codec;
    o->level = opts->compression_level;
    o->rg_rows = opts->row_group_rows ? opts->row_group_rows : DEFAULT_RG_ROWS;
    o->rg_bytes = opts->row_group_bytes ? opts->row_group_bytes : DEFAULT_RG_BYTES;
    o->page_bytes = opts->page_bytes ? opts->page_bytes : DEFAULT_PAGE_BYTES;
    o->page_rows = opts->page_rows ? opts->page_rows : DEFAULT_PAGE_ROWS;
    o->dict_bytes = opts->dictionary_bytes ? opts->dictionary_bytes : DEFAULT_DICT_BYTES;
    o->v2 = opts->data_page_version == 2;
    o->stats = !opts->disable_statistics;
    if (o->page_rows > INT32_MAX)
        o->page_rows = INT32_MAX;
    return 0;
}

/* Compresses one byte to check the codec and level before any data is written. */
static int check_codec(const pw_opts *o)
{
    st_buf b = ST_BUF_INIT;
    int rc;
    switch (o->codec) {
    case PQ_CODEC_UNCOMPRESSED: case PQ_CODEC_SNAPPY: case PQ_CODEC_GZIP:
    case PQ_CODEC_BROTLI: case PQ_CODEC_ZSTD: case PQ_CODEC_LZ4_RAW:
        break;
    default:
        return st_error_set(ST_EUNSUPPORTED, ST_ERROR_PARQUET, "cannot write codec %d",
                            (int)o->codec);
    }
    rc = pq_compress(o->codec, o->level, (const uint8_t *)"x", 1, &b);
    st_buf_dispose(&b);
    return rc;
}

static int setup_pool(st_parquet_writer *w, int threads)
{
    int rc;
    if (threads == 1)
        return 0;
    if (threads == 0) {
        w->pool = st_pool_default();
        return 0;               /* without a pool, the calling thread does the work */
    }
    if ((rc = st_pool_new(&w->own_pool, threads - 1)) < 0)
        return rc;
    w->pool = w->own_pool;
    return 0;
}

static void slot_dispose(pw_slot *s, int n_leaves)
{
    for (int l = 0; s->bufs && l < n_leaves; l++) {
        pw_colbuf *b = &s->bufs[l];
        st_buf_dispose(&b->values);
        st_buf_dispose(&b->offsets);
        st_buf_dispose(&b->data);
        st_buf_dispose(&b->validity);
        st_buf_dispose(&b->def);
        st_buf_dispose(&b->rep);
    }
    for (int l = 0; s->cols && l < n_leaves; l++)
        pw_colstate_dispose(&s->cols[l]);
    st_free(s->bufs);
    st_free(s->srcs);
    st_free(s->cols);
}

/*
 * Slots: one per thread sharing the work, up to MAX_WINDOW, when every column is
 * flat (so a window's row groups are read in place from the batch and only
 * their encoded pages take memory); else the one row group being filled.
 */
static int make_slots(st_parquet_writer *w)
{
    size_t n = (size_t)(w->sch.n_leaves ? w->sch.n_leaves : 1);
    int width = st_pool_width(w->pool), flat = 1;
    for (int l = 0; l < w->sch.n_leaves; l++)
        flat &= w->sch.leaves[l].flat;
    w->n_slots = !flat ? 1 : width < MAX_WINDOW ? width : MAX_WINDOW;
    if (!(w->slots = st_calloc((size_t)w->n_slots, sizeof(pw_slot))))
        return ST_ENOMEM;
    for (int k = 0; k < w->n_slots; k++) {
        pw_slot *s = &w->slots[k];
        s->bufs = st_calloc(n, sizeof(pw_colbuf));
        s->srcs = st_calloc(n, sizeof(pw_chunk_src));
        s->cols = st_calloc(n, sizeof(pw_colstate));
        if (!s->bufs || !s->srcs || !s->cols)
            return ST_ENOMEM;
    }
    return 0;
}

static void writer_free(st_parquet_writer *w)
{
    if (!w)
        return;
    for (int k = 0; w->slots && k < w->n_slots; k++)
        slot_dispose(&w->slots[k], w->sch.n_leaves);
    for (int l = 0; w->metrics && l < w->sch.n_leaves; l++) {
        st_free(w->metrics[l].min);
        st_free(w->metrics[l].max);
    }
    for (int i = 0; i < 6; i++)
        st_buf_dispose(&w->scratch[i]);
    st_free(w->slots);
    st_free(w->metrics);
    st_free(w->rgs);
    st_free(w->index);
    st_arena_dispose(&w->meta);
    pw_schema_dispose(&w->sch);
    st_pool_free(w->own_pool);
    st_free(w->created_by);
    st_type_free(w->schema);
    st_output_abort(w->out);
    st_free(w);
}

static int copy_key_values(st_parquet_writer *w, const char *const *kv)
{
    uint32_t n = 0;
    while (kv[2 * n])
        n++;
    if (!n)
        return 0;
    if (!(w->kv = st_arena_calloc(&w->meta, n, sizeof(*w->kv))))
        return ST_ENOMEM;
    for (uint32_t i = 0; i < n; i++) {
        w->kv[i].key = st_arena_strdup(&w->meta, kv[2 * i]);
        w->kv[i].value = kv[2 * i + 1] ? st_arena_strdup(&w->meta, kv[2 * i + 1]) : NULL;
        if (!w->kv[i].key || (kv[2 * i + 1] && !w->kv[i].value))
            return ST_ENOMEM;
    }
    w->n_kv = n;
    return 0;
}

int64_t st_parquet_writer_bytes(const st_parquet_writer *w)
{
    return (int64_t)st_output_tell(w->out) + w->buf_bytes;
}

int64_t st_parquet_writer_rows(const st_parquet_writer *w)
{
    return w->rows + w->buf_rows;
}

int st_parquet_writer_open_output(st_parquet_writer **out, st_output *o, st_type *schema,
                                  const st_parquet_write_options *opts)
{
    st_parquet_writer *w;
    size_t n;
    int rc;

    *out = NULL;
    if (!(w = st_calloc(1, sizeof(*w)))) {
        st_output_abort(o);
        return ST_ENOMEM;
    }
    w->out = o;
    if ((rc = resolve_options(&w->o, opts)) < 0 || (rc = check_codec(&w->o)) < 0 ||
        (rc = pw_schema_build(&w->sch, schema)) < 0)
        goto fail;
    w->schema = st_type_ref(schema);
    n = (size_t)(w->sch.n_leaves ? w->sch.n_leaves : 1);
    w->created_by = st_strdup(opts && opts->created_by ? opts->created_by
                                                        : "SuperTable version " ST_VERSION);
    w->metrics = st_calloc(n, sizeof(pw_metric));
    if (!w->created_by || !w->metrics) {
        rc = ST_ENOMEM;
        goto fail;
    }
    if (opts && opts->key_values && (rc = copy_key_values(w, opts->key_values)) < 0)
        goto fail;
    if ((rc = setup_pool(w, opts ? opts->threads : 0)) < 0 || (rc = make_slots(w)) < 0 ||
        (rc = st_output_write(o, "PAR1", 4)) < 0)
        goto fail;
    *out = w;
    return 0;
fail:
    writer_free(w);
    return rc;
}

int st_parquet_writer_open(st_parquet_writer **out, const char *path, st_type *schema,
                           const st_parquet_write_options *opts)
{
    st_output *o;
    int rc;
    *out = NULL;
    if ((rc = st_output_open_file(&o, path, ST_OUTPUT_REPLACE)) < 0)
        return rc;
    return st_parquet_writer_open_output(out, o, schema, opts);
}

void st_parquet_writer_abort(st_parquet_writer *w)
{
    writer_free(w);
}

/* Makes the writer unusable with the current error; returns its code. */
static int fail(st_parquet_writer *w, int rc)
{
    if (!w->failed) {
        w->failed = rc;
        st_error_save(&w->err);
    }
    return rc;
}

/* ------------------------------------------------------------ row groups */

static void reset_buffers(st_parquet_writer *w, pw_slot *slot)
{
    for (int l = 0; l < w->sch.n_leaves; l++) {
        pw_colbuf *b = &slot->bufs[l];
        b->values.len = b->offsets.len = b->data.len = b->validity.len = 0;
        b->def.len = b->rep.len = 0;
        b->n = b->nulls = b->n_levels = 0;
    }
    slot->direct = NULL;
}

/* The source of leaf l: the batch's vector for flat columns of a direct slot, else the buffers. */
static int make_source(st_parquet_writer *w, pw_slot *slot, int l)
{
    const pw_leaf *lf = &w->sch.leaves[l];
    pw_chunk_src *s = &slot->srcs[l];
    const pw_colbuf *b = &slot->bufs[l];
    int64_t a = slot->a, rows = slot->rows;
    memset(s, 0, sizeof(*s));
    s->rows = rows;
    if (lf->flat && slot->direct) {
        const st_vector *v = slot->direct->columns[lf->top];
        s->nulls = pw_count_nulls(v, a, rows);
        if (s->nulls > 0 && lf->nodes[0]->required)
            return st_error_set(ST_EINVALID, ST_ERROR_PARQUET,
                                "column '%s' is required but holds a null", lf->nodes[0]->path);
        s->n_levels = s->n_vals = rows;
        s->row0 = a;
        s->values = v->values;
        s->offsets = (const int32_t *)(const void *)v->values;
        s->data = v->data ? v->data : no_bytes;
        s->validity = v->validity;
        return 0;
    }
    s->values = b->values.ptr;
    s->offsets = b->offsets.len ? (const int32_t *)(const void *)b->offsets.ptr : &zero_offset;
    s->data = b->data.ptr ? b->data.ptr : no_bytes;
    if (lf->flat) {
        s->n_levels = s->n_vals = b->n;
        s->nulls = b->nulls;
        s->validity = b->validity.len ? b->validity.ptr : NULL;
    } else {
        s->n_levels = b->n_levels;
        s->n_vals = b->n;
        s->def = lf->max_def > 0 ? (const int16_t *)(const void *)b->def.ptr : NULL;
        s->rep = lf->max_rep > 0 ? (const int16_t *)(const void *)b->rep.ptr : NULL;
    }
    return 0;
}

/* Task i: leaf i % n_leaves of slot i / n_leaves. */
static int encode_task(void *payload, size_t i)
{
    st_parquet_writer *w = payload;
    size_t n = (size_t)w->sch.n_leaves, l = i % n;
    pw_slot *slot = &w->slots[i / n];
    const pw_leaf *lf = &w->sch.leaves[l];
    int rc = pw_encode_chunk(&slot->cols[l], lf, &slot->srcs[l], &w->o);
    if (rc < 0 && rc != ST_ENOMEM)
        st_error_set(rc, ST_ERROR_PARQUET, "column '%s': %s", lf->path, st_error_last()->message);
    return rc;
}

/* ------------------------------------------------------------ chunk metadata */

static void *arena_dup(st_arena *a, const void *p, size_t n)
{
    void *d = st_arena_alloc(a, n ? n : 1);
    if (d && n)
        memcpy(d, p, n);
    return d;
}

static int legacy_order(const pw_leaf *lf)
{
    return lf->order != PW_ORD_BYTES && lf->order != PW_ORD_SIGNED_BE;
}

static int chunk_statistics(st_parquet_writer *w, const pw_leaf *lf, const pw_chunk_out *co,
                            pq_statistics **out)
{
    pq_statistics *st = st_arena_calloc(&w->meta, 1, sizeof(*st));
    uint8_t buf[PW_TRUNCATE_LEN + 8];
    const uint8_t *p;
    uint32_t len;
    int exact;
    if (!st)
        return ST_ENOMEM;
    st->has_null_count = true;
    st->null_count = co->st.nulls;
    if (co->st.has) {
        pw_bound_min(lf, &co->st.min, &p, &len, &exact);
        st->min_value = arena_dup(&w->meta, p, len);
        st->min_value_len = len;
        st->has_is_min_exact = true;
        st->is_min_value_exact = exact;
        pw_bound_max(lf, &co->st.max, buf, &p, &len, &exact);
        st->max_value = arena_dup(&w->meta, p, len);
        st->max_value_len = len;
        st->has_is_max_exact = true;
        st->is_max_value_exact = exact;
        if (!st->min_value || !st->max_value)
            return ST_ENOMEM;
        if (legacy_order(lf)) {
            /* Old readers only know fields 1/2, written with signed comparison. */
            st->min = st->min_value;
            st->min_len = st->min_value_len;
            st->max = st->max_value;
            st->max_len = st->max_value_len;
        }
    }
    *out = st;
    return 0;
}

/* ASCENDING / DESCENDING when the pages' bounds are sorted so (null pages skipped). */
static pq_boundary_order boundary_order(const pw_leaf *lf, const pw_chunk_out *co)
{
    int asc = 1, desc = 1;
    const pw_page_meta *prev = NULL;
    for (size_t i = 0; i < co->n_pages; i++) {
        const pw_page_meta *pg = &co->pages[i];
        if (!pg->st.has)
            continue;
        if (prev) {
            int cmn = pw_val_cmp(lf, pw_val_ptr(&prev->st.min), prev->st.min.len,
                                 pw_val_ptr(&pg->st.min), pg->st.min.len);
            int cmx = pw_val_cmp(lf, pw_val_ptr(&prev->st.max), prev->st.max.len,
                                 pw_val_ptr(&pg->st.max), pg->st.max.len);
            asc &= cmn <= 0 && cmx <= 0;
            desc &= cmn >= 0 && cmx >= 0;
        }
        prev = pg;
    }
    return asc ? PQ_BOUNDARY_ASCENDING : desc ? PQ_BOUNDARY_DESCENDING : PQ_BOUNDARY_UNORDERED;
}

static int column_index(st_parquet_writer *w, const pw_leaf *lf, const pw_chunk_out *co,
                        pq_column_index **out)
{
    pq_column_index *ci = st_arena_calloc(&w->meta, 1, sizeof(*ci));
    uint32_t n = (uint32_t)co->n_pages;
    uint8_t buf[PW_TRUNCATE_LEN + 8];
    *out = NULL;
    if (!ci || !(ci->null_pages = st_arena_calloc(&w->meta, n, sizeof(bool))) ||
        !(ci->min_values = st_arena_calloc(&w->meta, n, sizeof(uint8_t *))) ||
        !(ci->max_values = st_arena_calloc(&w->meta, n, sizeof(uint8_t *))) ||
        !(ci->min_lens = st_arena_calloc(&w->meta, n, sizeof(uint32_t))) ||
        !(ci->max_lens = st_arena_calloc(&w->meta, n, sizeof(uint32_t))) ||
        !(ci->null_counts = st_arena_calloc(&w->meta, n, sizeof(int64_t))))
        return ST_ENOMEM;
    ci->n_pages = n;
    ci->has_null_counts = true;
    for (uint32_t i = 0; i < n; i++) {
        const pw_page_meta *pg = &co->pages[i];
        const uint8_t *p;
        uint32_t len;
        int exact;
        ci->null_counts[i] = pg->st.nulls;
        if (!pg->st.has) {
            ci->null_pages[i] = true;   /* empty bounds, as the spec asks */
            ci->min_values[i] = ci->max_values[i] = (const uint8_t *)"";
            continue;
        }
        pw_bound_min(lf, &pg->st.min, &p, &len, &exact);
        ci->min_values[i] = arena_dup(&w->meta, p, len);
        ci->min_lens[i] = len;
        pw_bound_max(lf, &pg->st.max, buf, &p, &len, &exact);
        ci->max_values[i] = arena_dup(&w->meta, p, len);
        ci->max_lens[i] = len;
        if (!ci->min_values[i] || !ci->max_values[i])
            return ST_ENOMEM;
    }
    ci->boundary_order = boundary_order(lf, co);
    *out = ci;
    return 0;
}

static int offset_index(st_parquet_writer *w, const pw_chunk_out *co, int64_t start,
                        pq_offset_index *oi)
{
    oi->n_pages = (uint32_t)co->n_pages;
    oi->pages = st_arena_calloc(&w->meta, co->n_pages ? co->n_pages : 1, sizeof(pq_page_location));
    if (!oi->pages)
        return ST_ENOMEM;
    for (size_t i = 0; i < co->n_pages; i++)
        oi->pages[i] = (pq_page_location){start + co->pages[i].offset, co->pages[i].size,
                                          co->pages[i].first_row};
    return 0;
}

static int encoding_lists(st_parquet_writer *w, const pw_chunk_out *co, pq_column_meta *cm)
{
    uint32_t n = 0, k = 0;
    for (int e = 0; e < 10; e++) {
        n += (co->enc_mask >> e) & 1;
        k += co->data_pages[e] > 0;
    }
    cm->encodings = st_arena_calloc(&w->meta, n ? n : 1, sizeof(pq_encoding));
    cm->encoding_stats = st_arena_calloc(&w->meta, k + 1, sizeof(pq_page_encoding_stats));
    if (!cm->encodings || !cm->encoding_stats)
        return ST_ENOMEM;
    for (int e = 0; e < 10; e++)
        if ((co->enc_mask >> e) & 1)
            cm->encodings[cm->n_encodings++] = (pq_encoding)e;
    if (co->has_dict)
        cm->encoding_stats[cm->n_encoding_stats++] =
            (pq_page_encoding_stats){PQ_PAGE_DICTIONARY, PQ_ENC_PLAIN, 1};
    for (int e = 0; e < 10; e++)
        if (co->data_pages[e] > 0)
            cm->encoding_stats[cm->n_encoding_stats++] = (pq_page_encoding_stats){
                w->o.v2 ? PQ_PAGE_DATA_V2 : PQ_PAGE_DATA, (pq_encoding)e, co->data_pages[e]};
    return 0;
}

/* Widens the file's bounds of a leaf with a chunk's (physical bytes, untruncated). */
static int merge_bound(const pw_leaf *lf, uint8_t **dst, uint32_t *dst_len, const pw_val *v,
                       int want)
{
    const uint8_t *p = pw_val_ptr(v);
    uint8_t *copy;
    /* want -1: keep the smaller (min), +1: the larger (max) */
    if (*dst && pw_val_cmp(lf, p, v->len, *dst, *dst_len) * want <= 0)
        return 0;
    if (!(copy = v->len ? st_memdup(p, v->len) : st_calloc(1, 1)))
        return ST_ENOMEM;
    st_free(*dst);
    *dst = copy;
    *dst_len = v->len;
    return 0;
}

static int update_metrics(st_parquet_writer *w, int l, const pw_chunk_out *co)
{
    pw_metric *m = &w->metrics[l];
    const pw_leaf *lf = &w->sch.leaves[l];
    int rc;
    m->size += (int64_t)co->bytes.len;
    m->values += co->num_values;
    m->nulls += co->st.nulls;
    m->nans += co->st.nans;
    if (!co->st.has)
        return 0;
    if ((rc = merge_bound(lf, &m->min, &m->min_len, &co->st.min, -1)) < 0 ||
        (rc = merge_bound(lf, &m->max, &m->max_len, &co->st.max, 1)) < 0)
        return rc;
    return 0;
}

/* Writes leaf l's chunk and fills in its ColumnChunk. */
static int write_chunk(st_parquet_writer *w, const pw_slot *slot, int l, pq_column_chunk *cc,
                       pw_rg_index *ix)
{
    const pw_leaf *lf = &w->sch.leaves[l];
    const pw_chunk_out *co = &slot->cols[l].out;
    pq_column_meta *cm = st_arena_calloc(&w->meta, 1, sizeof(*cm));
    int64_t start = (int64_t)st_output_tell(w->out);
    int rc;
    if (!cm)
        return ST_ENOMEM;
    if ((rc = st_output_write(w->out, co->bytes.ptr, co->bytes.len)) < 0)
        return rc;
    cc->file_offset = start;
    cc->meta = cm;
    cm->type = lf->physical;
    cm->path = lf->parts;
    cm->n_path = lf->n_parts;
    cm->codec = w->o.codec;
    cm->num_values = co->num_values;
    cm->total_uncompressed_size = co->uncompressed;
    cm->total_compressed_size = (int64_t)co->bytes.len;
    cm->data_page_offset = start + co->dict_len;
    cm->has_dictionary_page_offset = co->has_dict != 0;
    cm->dictionary_page_offset = start;
    if ((rc = encoding_lists(w, co, cm)) < 0 ||
        (w->o.stats && (rc = chunk_statistics(w, lf, co, &cm->statistics)) < 0) ||
        (w->o.stats && co->index_ok && (rc = column_index(w, lf, co, &ix->ci[l])) < 0) ||
        (rc = offset_index(w, co, start, &ix->oi[l])) < 0)
        return rc;
    return update_metrics(w, l, co);
}

static int add_row_group(st_parquet_writer *w, pq_row_group **out, pw_rg_index **ix)
{
    int n = w->sch.n_leaves ? w->sch.n_leaves : 1;
    if (w->n_rgs == w->rgs_cap) {
        uint32_t cap = w->rgs_cap ? w->rgs_cap * 2 : 8;
        pq_row_group *r = st_reallocarray(w->rgs, cap, sizeof(*r));
        pw_rg_index *x;
        if (!r)
            return ST_ENOMEM;
        w->rgs = r;
        if (!(x = st_reallocarray(w->index, cap, sizeof(*x))))
            return ST_ENOMEM;
        w->index = x;
        w->rgs_cap = cap;
    }
    *out = &w->rgs[w->n_rgs];
    *ix = &w->index[w->n_rgs];
    memset(*out, 0, sizeof(**out));
    (*ix)->ci = st_arena_calloc(&w->meta, (size_t)n, sizeof(pq_column_index *));
    (*ix)->oi = st_arena_calloc(&w->meta, (size_t)n, sizeof(pq_offset_index));
    (*out)->columns = st_arena_calloc(&w->meta, (size_t)n, sizeof(pq_column_chunk));
    if (!(*ix)->ci || !(*ix)->oi || !(*out)->columns)
        return ST_ENOMEM;
    return 0;
}

static int write_row_group(st_parquet_writer *w, const pw_slot *slot)
{
    int64_t rows = slot->rows;
    pq_row_group *rg;
    pw_rg_index *ix;
    int rc;
    if ((rc = add_row_group(w, &rg, &ix)) < 0)
        return rc;
    rg->n_columns = (uint32_t)w->sch.n_leaves;
    rg->num_rows = rows;
    rg->has_file_offset = true;
    rg->file_offset = (int64_t)st_output_tell(w->out);
    for (int l = 0; l < w->sch.n_leaves; l++) {
        if ((rc = write_chunk(w, slot, l, &rg->columns[l], ix)) < 0)
            return rc;
        rg->total_byte_size += rg->columns[l].meta->total_uncompressed_size;
        rg->total_compressed_size += rg->columns[l].meta->total_compressed_size;
    }
    rg->has_total_compressed_size = true;
    if (w->n_rgs <= INT16_MAX) {
        rg->has_ordinal = true;
        rg->ordinal = (int16_t)w->n_rgs;
    }
    w->n_rgs++;
    w->rows += rows;
    return 0;
}

/* Encodes the row groups of slots [0, k) in one pool run and writes them in order. */
static int encode_slots(st_parquet_writer *w, int k)
{
    int rc = 0;
    for (int s = 0; s < k && rc == 0; s++)
        for (int l = 0; l < w->sch.n_leaves && rc == 0; l++)
            rc = make_source(w, &w->slots[s], l);
    if (rc == 0 && w->sch.n_leaves > 0)
        rc = st_pool_run(w->pool, (size_t)k * (size_t)w->sch.n_leaves, encode_task, w);
    for (int s = 0; s < k && rc == 0; s++)
        rc = write_row_group(w, &w->slots[s]);
    for (int s = 0; s < k; s++)
        reset_buffers(w, &w->slots[s]);
    w->buf_rows = w->buf_bytes = 0;
    return rc;
}

/* Encodes and writes slot 0's row group (flat columns from `direct` when set). */
static int flush(st_parquet_writer *w, const st_batch *direct, int64_t a, int64_t rows)
{
    w->slots[0].direct = direct;
    w->slots[0].a = a;
    w->slots[0].rows = rows;
    return encode_slots(w, 1);
}

/* ------------------------------------------------------------ writing */

static int64_t batch_bytes(const st_batch *b, int64_t a, int64_t n)
{
    int64_t sum = 0;
    for (int i = 0; i < b->n_columns; i++)
        sum += pw_range_bytes(b->columns[i], a, n);
    return sum;
}

/* Rows of [a, a + max) that fit in `room` bytes (binary search; at least 0). */
static int64_t rows_fitting(const st_batch *b, int64_t a, int64_t max, int64_t room)
{
    int64_t lo = 0, hi = max;
    while (lo < hi) {
        int64_t mid = lo + (hi - lo + 1) / 2;
        if (batch_bytes(b, a, mid) <= room)
            lo = mid;
        else
            hi = mid - 1;
    }
    return lo;
}

/* Appends rows [a, a + n) of every top-level column, or only the nested ones, to a slot. */
static int buffer_rows(st_parquet_writer *w, pw_slot *slot, const st_batch *b, int64_t a,
                       int64_t n, int nested_only)
{
    for (int c = 0; c < w->sch.n_top; c++) {
        const pw_node *top = w->sch.top[c];
        int rc;
        if (nested_only && top->kind == PW_NODE_LEAF)
            continue;
        if ((rc = pw_shred(slot->bufs, &w->sch, top, b->columns[c], a, n, w->scratch)) < 0)
            return rc;
    }
    return 0;
}

/*
 * With nothing buffered (and only flat columns, see make_slots): the whole row
 * groups that the batch holds from `pos` on go to the slots, up to one per
 * slot, and are encoded in one pool run, so that threads are not left waiting
 * on the slowest column of one row group. *done gets the rows consumed (0 when
 * fewer than two whole row groups remain).
 */
static int write_window(st_parquet_writer *w, const st_batch *b, int64_t pos, int64_t *done)
{
    int k = 0;
    int64_t p = pos;
    *done = 0;
    while (k < w->n_slots && b->length - p >= w->o.rg_rows &&
           batch_bytes(b, p, w->o.rg_rows) <= w->o.rg_bytes) {
        pw_slot *s = &w->slots[k++];
        s->direct = b;
        s->a = p;
        s->rows = w->o.rg_rows;
        p += w->o.rg_rows;
    }
    if (k < 2) {
        w->slots[0].direct = NULL;
        return 0;
    }
    *done = p - pos;
    return encode_slots(w, k);
}

static int write_rows(st_parquet_writer *w, const st_batch *b)
{
    int64_t pos = 0;
    int rc;
    while (pos < b->length) {
        int64_t room = w->o.rg_rows - w->buf_rows, done;
        if (w->buf_rows == 0 && w->n_slots > 1) {
            if ((rc = write_window(w, b, pos, &done)) < 0)
                return rc;
            if (done > 0) {
                pos += done;
                continue;
            }
        }
        int64_t take = b->length - pos < room ? b->length - pos : room;
        int64_t bytes = batch_bytes(b, pos, take);
        int full = take == room;
        if (w->buf_bytes + bytes > w->o.rg_bytes) {
            take = rows_fitting(b, pos, take, w->o.rg_bytes - w->buf_bytes);
            if (take == 0 && w->buf_rows > 0) {
                if ((rc = flush(w, NULL, 0, w->buf_rows)) < 0)
                    return rc;
                continue;
            }
            take = take > 0 ? take : 1;     /* a row larger than the limit goes alone */
            bytes = batch_bytes(b, pos, take);
            full = 1;
        }
        if (full && w->buf_rows == 0) {
            if ((rc = buffer_rows(w, &w->slots[0], b, pos, take, 1)) < 0 ||
                (rc = flush(w, b, pos, take)) < 0)
                return rc;
        } else {
            if ((rc = buffer_rows(w, &w->slots[0], b, pos, take, 0)) < 0)
                return rc;
            w->buf_rows += take;
            w->buf_bytes += bytes;
            if (full && (rc = flush(w, NULL, 0, w->buf_rows)) < 0)
                return rc;
        }
        pos += take;
    }
    return 0;
}

int st_parquet_writer_write(st_parquet_writer *w, const st_batch *b)
{
    int rc;
    if (w->failed) {
        st_error_restore(&w->err);
        return st_error_set(w->failed, ST_ERROR_PARQUET, "the Parquet writer failed earlier: %s",
                            w->err.message);
    }
    if (!b || (b->schema != w->schema && !st_type_equals(b->schema, w->schema)))
        return st_error_set(ST_EINVALID, ST_ERROR_PARQUET,
                            "the batch's schema differs from the writer's");
    rc = write_rows(w, b);
    return rc < 0 ? fail(w, rc) : 0;
}

/* ------------------------------------------------------------ closing */

/* Every ColumnIndex, then every OffsetIndex, recording where each went. */
static int write_page_index(st_parquet_writer *w)
{
    st_buf b = ST_BUF_INIT;
    int rc = 0;
    for (int pass = 0; pass < 2 && rc == 0; pass++) {
        for (uint32_t g = 0; g < w->n_rgs && rc == 0; g++) {
            for (int l = 0; l < w->sch.n_leaves && rc == 0; l++) {
                pq_column_chunk *cc = &w->rgs[g].columns[l];
                int64_t at = (int64_t)st_output_tell(w->out);
                b.len = 0;
                if (pass == 0 && !w->index[g].ci[l])
                    continue;
                rc = pass == 0 ? pq_encode_column_index(&b, w->index[g].ci[l])
                               : pq_encode_offset_index(&b, &w->index[g].oi[l]);
                if (rc == 0)
                    rc = st_output_write(w->out, b.ptr, b.len);
                if (pass == 0) {
                    cc->has_column_index = true;
                    cc->column_index_offset = at;
                    cc->column_index_length = (int32_t)b.len;
                } else {
                    cc->has_offset_index = true;
                    cc->offset_index_offset = at;
                    cc->offset_index_length = (int32_t)b.len;
                }
            }
        }
    }
    st_buf_dispose(&b);
    return rc;
}

static int write_footer(st_parquet_writer *w)
{
    pq_file_metadata md;
    st_buf b = ST_BUF_INIT;
    uint8_t tail[8];
    int rc;
    memset(&md, 0, sizeof(md));
    md.version = w->o.v2 ? 2 : 1;
    md.schema = w->sch.elements;
    md.n_schema = w->sch.n_elements;
    md.num_rows = w->rows;
    md.row_groups = w->rgs;
    md.n_row_groups = w->n_rgs;
    md.created_by = w->created_by;
    md.kv = w->kv;
    md.n_kv = w->n_kv;
    md.n_column_orders = (uint32_t)w->sch.n_leaves;
    md.column_orders = st_arena_calloc(&w->meta, md.n_column_orders + 1, sizeof(pq_column_order));
    if (!md.column_orders)
        return ST_ENOMEM;
    for (uint32_t i = 0; i < md.n_column_orders; i++)
        md.column_orders[i] = PQ_ORDER_TYPE_DEFINED;
    if ((rc = pq_encode_file_metadata(&b, &md)) == 0) {
        uint32_t len = (uint32_t)b.len;
        memcpy(tail, &len, 4);
        memcpy(tail + 4, "PAR1", 4);
        if ((rc = st_output_write(w->out, b.ptr, b.len)) == 0)
            rc = st_output_write(w->out, tail, 8);
    }
    st_buf_dispose(&b);
    return rc;
}

static int build_metrics(st_parquet_writer *w, st_parquet_file_metrics **out, int64_t size)
{
    st_parquet_file_metrics *m = st_calloc(1, sizeof(*m));
    int rc = 0;
    *out = NULL;
    if (!m)
        return ST_ENOMEM;
    m->row_count = w->rows;
    m->file_size = size;
    m->n_columns = w->sch.n_leaves;
    m->n_split_offsets = (int)w->n_rgs;
    m->columns = st_calloc((size_t)(m->n_columns ? m->n_columns : 1), sizeof(*m->columns));
    m->split_offsets = st_calloc(w->n_rgs ? w->n_rgs : 1, sizeof(int64_t));
    if (!m->columns || !m->split_offsets)
        rc = ST_ENOMEM;
    for (uint32_t g = 0; g < w->n_rgs && rc == 0; g++)
        m->split_offsets[g] = w->rgs[g].file_offset;
    for (int l = 0; l < m->n_columns && rc == 0; l++) {
        const pw_leaf *lf = &w->sch.leaves[l];
        const pw_metric *pm = &w->metrics[l];
        st_parquet_column_metrics *c = &m->columns[l];
        int is_float = lf->physical == PQ_FLOAT || lf->physical == PQ_DOUBLE;
        c->field_id = lf->field_id;
        c->column_size = pm->size;
        c->value_count = pm->values;
        c->null_count = pm->nulls;
        c->nan_count = is_float ? pm->nans : -1;
        if (lf->in_repeated || !pm->min)
            continue;
        if ((rc = pw_iceberg_bound(&c->lower_bound, &c->lower_bound_len, lf, pm->min,
                                   pm->min_len)) < 0 ||
            (rc = pw_iceberg_bound(&c->upper_bound, &c->upper_bound_len, lf, pm->max,
                                   pm->max_len)) < 0)
            break;
    }
    if (rc < 0) {
        st_parquet_file_metrics_free(m);
        return rc;
    }
    *out = m;
    return 0;
}

int st_parquet_writer_close(st_parquet_writer *w, st_parquet_file_metrics **metrics)
{
    st_parquet_file_metrics *m = NULL;
    int64_t size;
    int rc = 0;
    if (metrics)
        *metrics = NULL;
    if (w->failed) {
        rc = st_error_restore(&w->err);
        writer_free(w);
        return rc;
    }
    if (w->buf_rows > 0)
        rc = flush(w, NULL, 0, w->buf_rows);
    if (rc == 0 && (rc = write_page_index(w)) == 0)
        rc = write_footer(w);
    size = (int64_t)st_output_tell(w->out);
    if (rc == 0 && metrics)
        rc = build_metrics(w, &m, size);
    if (rc == 0) {
        rc = st_output_close(w->out);
        w->out = NULL;
    }
    writer_free(w);
    if (rc < 0) {
        st_parquet_file_metrics_free(m);
        return rc;
    }
    if (metrics)
        *metrics = m;
    return 0;
}

void st_parquet_file_metrics_free(st_parquet_file_metrics *m)
{
    if (!m)
        return;
    for (int i = 0; m->columns && i < m->n_columns; i++) {
        st_free(m->columns[i].lower_bound);
        st_free(m->columns[i].upper_bound);
    }
    st_free(m->columns);
    st_free(m->split_offsets);
    st_free(m);
}
