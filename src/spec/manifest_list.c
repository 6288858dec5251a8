/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Manifest lists (spec "Manifest Lists"; iceberg-facts.md §3): one
 * manifest_file record per manifest of a snapshot.
 *
 * Reading resolves every field by field id (writers before Iceberg 0.12
 * named 504-506 added_data_files_count etc.), tolerates every optional field
 * being absent or null (PyIceberg v1 lists with null counts), and defaults
 * content and both sequence numbers to 0 for v1 lists. Records are decoded
 * in one pass from the block's bytes by a plan of one op per writer field
 * (manifest_int.h), strings and bytes copied into the list's arena.
 *
 * Writing follows Java's ManifestListWriter: the V1/V2/V3Metadata schema,
 * key-value metadata in the order Java's HashMap iterates it (avro.schema,
 * avro.codec, snapshot-id, first-row-id, format-version, sequence-number,
 * iceberg.schema, parent-snapshot-id), deflate blocks, and v3 row-id
 * assignment: each data manifest without a first_row_id gets the next id,
 * which then advances by its existing + added rows (the snapshot's
 * added-rows is the sum over those manifests).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "spec/manifest_int.h"
#include "util/alloc.h"

/* What the decoder does with a field's value (mf_op.act; 0 is MF_SKIP). */
enum {
    S_PATH = 1, S_LENGTH, S_SPEC, S_CONTENT, S_SEQ, S_MIN_SEQ, S_SNAP, S_ADDED_FILES,
    S_EXISTING_FILES, S_DELETED_FILES, S_ADDED_ROWS, S_EXISTING_ROWS, S_DELETED_ROWS,
    S_PARTITIONS, S_KEY, S_FIRST_ROW, N_SLOTS
};
enum { P_NULL = 1, P_NAN, P_LOWER, P_UPPER, N_PSLOTS };

typedef struct list_reader {
    mf_slot s[N_SLOTS];
    mf_slot p[N_PSLOTS];
    const char *file;
    const st_avro_reader *r;
    int64_t rec;                 /* record being decoded, in its block (for messages) */
    mf_op *ops, *pops;           /* manifest_file and field_summary fields */
    int n_ops, n_pops;
    int sum_null;                /* summaries are ["null", record]: the null branch; else -1 */
    size_t sum_min;              /* fewest bytes a summary takes */
    st_field_summary *sums;      /* scratch for one manifest's summaries */
    size_t cap_sums;
    int64_t v[N_SLOTS];          /* the record's numbers, defaults first */
} list_reader;

static int resolve(list_reader *lr, st_arena *arena, const st_avro_type *root, const char *file)
{
    static const struct {
        int slot;
        int32_t id;
        unsigned kinds;
        int required;
        const char *name;
    } fields[] = {
        {S_PATH, 500, MF_K(ST_AVRO_STRING), 1, "manifest_path"},
        {S_LENGTH, 501, MF_INTLIKE, 1, "manifest_length"},
        {S_SPEC, 502, MF_INTLIKE, 1, "partition_spec_id"},
        {S_CONTENT, 517, MF_INTLIKE, 0, "content"},
        {S_SEQ, 515, MF_INTLIKE, 0, "sequence_number"},
        {S_MIN_SEQ, 516, MF_INTLIKE, 0, "min_sequence_number"},
        {S_SNAP, 503, MF_INTLIKE, 1, "added_snapshot_id"},
        {S_ADDED_FILES, 504, MF_INTLIKE, 0, "added_files_count"},
        {S_EXISTING_FILES, 505, MF_INTLIKE, 0, "existing_files_count"},
        {S_DELETED_FILES, 506, MF_INTLIKE, 0, "deleted_files_count"},
        {S_ADDED_ROWS, 512, MF_INTLIKE, 0, "added_rows_count"},
        {S_EXISTING_ROWS, 513, MF_INTLIKE, 0, "existing_rows_count"},
        {S_DELETED_ROWS, 514, MF_INTLIKE, 0, "deleted_rows_count"},
        {S_PARTITIONS, 507, MF_K(ST_AVRO_ARRAY), 0, "partitions"},
        {S_KEY, 519, MF_K(ST_AVRO_BYTES), 0, "key_metadata"},
        {S_FIRST_ROW, 520, MF_INTLIKE, 0, "first_row_id"},
    };
    int rc;
    lr->file = file;
    if (root->kind != ST_AVRO_RECORD)
        return st_error_set(ST_ECORRUPT, ST_ERROR_ICEBERG,
                            "'%s': a manifest list holds records, not this Avro schema", file);
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
        if ((rc = mf_resolve(&lr->s[fields[i].slot], root, fields[i].id, fields[i].kinds,
                             fields[i].required, file, fields[i].name)) < 0)
            return rc;
    if ((rc = mf_ops_new(&lr->ops, root, arena)) < 0)
        return rc;
    lr->n_ops = root->n_fields;
    for (int a = S_PATH; a < N_SLOTS; a++)
        mf_ops_set(lr->ops, &lr->s[a], a);
    if (lr->s[S_PARTITIONS].index >= 0) {
        const st_avro_type *items = lr->s[S_PARTITIONS].type->items;
        const st_avro_type *item = st_avro_nonnull(items);
        if (item->kind != ST_AVRO_RECORD)
            return st_error_set(ST_ECORRUPT, ST_ERROR_ICEBERG,
                                "'%s': partitions (507) is not a list of field summaries", file);
        if ((rc = mf_resolve(&lr->p[P_NULL], item, 509, MF_K(ST_AVRO_BOOLEAN), 1, file,
                             "contains_null")) < 0 ||
            (rc = mf_resolve(&lr->p[P_NAN], item, 518, MF_K(ST_AVRO_BOOLEAN), 0, file,
                             "contains_nan")) < 0 ||
            (rc = mf_resolve(&lr->p[P_LOWER], item, 510, MF_K(ST_AVRO_BYTES), 0, file,
                             "lower_bound")) < 0 ||
            (rc = mf_resolve(&lr->p[P_UPPER], item, 511, MF_K(ST_AVRO_BYTES), 0, file,
                             "upper_bound")) < 0)
            return rc;
        if ((rc = mf_ops_new(&lr->pops, item, arena)) < 0)
            return rc;
        lr->n_pops = item->n_fields;
        for (int a = P_NULL; a < N_PSLOTS; a++)
            mf_ops_set(lr->pops, &lr->p[a], a);
        lr->sum_null = item != items ? items->null_branch : -1;
        lr->sum_min = items->min_size;
    }
    return 0;
}

/* The record's bytes are truncated or do not match the schema. */
static int bad(const list_reader *lr) { return st_avro_reader_bad_record(lr->r, lr->rec); }

static const uint8_t *arena_bytes(st_arena *a, const uint8_t *p, size_t len)
{
    uint8_t *copy = st_arena_alloc(a, len + 1);
    if (!copy)
        return NULL;
    memcpy(copy, p, len);
    copy[len] = 0;
    return copy;
}

static int count32(int64_t v, int32_t *out, const char *file, const char *what)
{
    if (v < -1 || v > INT32_MAX)
        return st_error_set(ST_ECORRUPT, ST_ERROR_ICEBERG, "'%s': %s %" PRId64 " is out of range",
                            file, what, v);
    *out = (int32_t)v;
    return 0;
}

/* One field_summary record into fs (bounds copied into the arena). */
static int read_summary(list_reader *lr, st_arena *a, const uint8_t **pp, const uint8_t *end,
                        st_field_summary *fs, size_t i)
{
    memset(fs, 0, sizeof *fs);
    fs->contains_nan = -1;
    if (lr->sum_null >= 0) {
        int64_t b;
        if (st_avro_get_long(pp, end, &b) < 0 || (b != 0 && b != 1))
            return bad(lr);
        if (b == lr->sum_null)
            return st_error_set(ST_ECORRUPT, ST_ERROR_ICEBERG,
                                "'%s': partition summary %zu is null", lr->file, i);
    }
    for (int k = 0; k < lr->n_pops; k++) {
        const mf_op *op = &lr->pops[k];
        const uint8_t *p;
        size_t n;
        int flag, pr;
        if (op->act == MF_SKIP) {
            if (st_avro_skip(op->type, pp, end) < 0)
                return bad(lr);
            continue;
        }
        if ((pr = mf_present(op, pp, end)) < 0)
            return bad(lr);
        if (!pr)
            continue;
        if (op->act == P_NULL || op->act == P_NAN) {
            if (st_avro_get_boolean(pp, end, &flag) < 0)
                return bad(lr);
            if (op->act == P_NULL)
                fs->contains_null = flag;
            else
                fs->contains_nan = flag;
            continue;
        }
        if (mf_get_bytes(op, pp, end, &p, &n) < 0)
            return bad(lr);
        if (!(p = arena_bytes(a, p, n)))
            return ST_ENOMEM;
        if (op->act == P_LOWER) {
            fs->lower = p;
            fs->lower_len = n;
        } else {
            fs->upper = p;
            fs->upper_len = n;
        }
    }
    return 0;
}

/* The partitions list: summaries into scratch, then one arena array. */
static int read_summaries(list_reader *lr, st_arena *a, const uint8_t **pp, const uint8_t *end,
                          st_manifest_file *mf)
{
    size_t n = 0;
    int rc;
    for (;;) {
        int64_t count;
        if (st_avro_get_block_count(pp, end, lr->sum_min, &count) < 0)
            return bad(lr);
        if (count == 0)
            break;
        if ((uint64_t)count > INT32_MAX - n)
            return st_error_set(ST_ECORRUPT, ST_ERROR_ICEBERG,
                                "'%s': too many partition summaries", lr->file);
        if (n + (size_t)count > lr->cap_sums) {
            size_t cap = n + (size_t)count < 16 ? 16 : n + (size_t)count;
            st_field_summary *ns = st_reallocarray(lr->sums, cap, sizeof *ns);
            if (!ns)
                return ST_ENOMEM;
            lr->sums = ns;
            lr->cap_sums = cap;
        }
        for (int64_t i = 0; i < count; i++, n++)
            if ((rc = read_summary(lr, a, pp, end, &lr->sums[n], n)) < 0)
                return rc;
    }
    if (n == 0)
        return 0;
    if (!(mf->partitions = st_arena_alloc(a, n * sizeof *mf->partitions)))
        return ST_ENOMEM;
    memcpy(mf->partitions, lr->sums, n * sizeof *mf->partitions);
    mf->n_partitions = (int)n;
    return 0;
}

/* One manifest_file record at *pp into mf. */
static int read_one(list_reader *lr, st_arena *a, const uint8_t **pp, const uint8_t *end,
                    st_manifest_file *mf)
{
    static const int64_t defaults[N_SLOTS] = {
        [S_LENGTH] = -1, [S_SNAP] = ST_NULL64, [S_ADDED_FILES] = -1, [S_EXISTING_FILES] = -1,
        [S_DELETED_FILES] = -1, [S_ADDED_ROWS] = -1, [S_EXISTING_ROWS] = -1,
        [S_DELETED_ROWS] = -1, [S_FIRST_ROW] = ST_NULL64,
    };
    const uint8_t *path = NULL, *p;
    size_t path_len = 0, n;
    int64_t *v = lr->v;
    int rc;

    memset(mf, 0, sizeof *mf);
    memcpy(v, defaults, sizeof defaults);
    for (int k = 0; k < lr->n_ops; k++) {
        const mf_op *op = &lr->ops[k];
        int pr;
        if (op->act == MF_SKIP) {
            if (st_avro_skip(op->type, pp, end) < 0)
                return bad(lr);
            continue;
        }
        if ((pr = mf_present(op, pp, end)) < 0)
            return bad(lr);
        if (!pr)
            continue;
        switch (op->act) {
        case S_PATH:
            if (mf_get_bytes(op, pp, end, &path, &path_len) < 0)
                return bad(lr);
            break;
        case S_KEY:
            if (mf_get_bytes(op, pp, end, &p, &n) < 0)
                return bad(lr);
            if (!(mf->key_metadata = arena_bytes(a, p, n)))
                return ST_ENOMEM;
            mf->key_metadata_len = n;
            break;
        case S_PARTITIONS:
            if ((rc = read_summaries(lr, a, pp, end, mf)) < 0)
                return rc;
            break;
        default:
            if (mf_get_long(op, pp, end, &v[op->act]) < 0)
                return bad(lr);
            break;
        }
    }

    if (!path)
        return st_error_set(ST_ECORRUPT, ST_ERROR_ICEBERG, "'%s': a manifest without a path",
                            lr->file);
    if (!(mf->manifest_path = (const char *)arena_bytes(a, path, path_len)))
        return ST_ENOMEM;
    mf->manifest_length = v[S_LENGTH];
    if (v[S_SPEC] < 0 || v[S_SPEC] > INT32_MAX)
        return st_error_set(ST_ECORRUPT, ST_ERROR_ICEBERG,
                            "'%s': manifest '%s' has partition spec id %" PRId64, lr->file,
                            mf->manifest_path, v[S_SPEC]);
    mf->partition_spec_id = (int32_t)v[S_SPEC];
    if (v[S_CONTENT] != 0 && v[S_CONTENT] != 1)
        return st_error_set(ST_ECORRUPT, ST_ERROR_ICEBERG,
                            "'%s': manifest '%s' has content %" PRId64 " (expected 0 or 1)",
                            lr->file, mf->manifest_path, v[S_CONTENT]);
    mf->content = (st_content)v[S_CONTENT];
    mf->sequence_number = v[S_SEQ];
    mf->min_sequence_number = v[S_MIN_SEQ];
    mf->added_snapshot_id = v[S_SNAP];
    if ((rc = count32(v[S_ADDED_FILES], &mf->added_files_count, lr->file,
                      "added_files_count")) < 0 ||
        (rc = count32(v[S_EXISTING_FILES], &mf->existing_files_count, lr->file,
                      "existing_files_count")) < 0 ||
        (rc = count32(v[S_DELETED_FILES], &mf->deleted_files_count, lr->file,
                      "deleted_files_count")) < 0)
        return rc;
    mf->added_rows_count = v[S_ADDED_ROWS];
    mf->existing_rows_count = v[S_EXISTING_ROWS];
    mf->deleted_rows_count = v[S_DELETED_ROWS];
    mf->first_row_id = v[S_FIRST_ROW];
    return 0;
}

int st_manifest_list_read_buffer(st_manifest_list **out, const void *data, size_t len,
                                 const char *name)
{
    st_manifest_list *l = NULL;
    st_avro_reader *r = NULL;
    list_reader lr;
    const uint8_t *p;
    size_t blen;
    int64_t count;
    int cap = 0, rc;

    *out = NULL;
    memset(&lr, 0, sizeof lr);
    if ((rc = st_avro_reader_open(&r, data, len, name)) < 0)
        goto done;
    lr.r = r;
    if (!(l = st_calloc(1, sizeof *l))) {
        rc = ST_ENOMEM;
        goto done;
    }
    if ((rc = resolve(&lr, &l->arena, st_avro_reader_schema(r), st_avro_reader_name(r))) < 0)
        goto done;
    while ((rc = st_avro_reader_next_block(r, &p, &blen, &count)) == 0) {
        const uint8_t *end = p + blen;
        for (lr.rec = 0; lr.rec < count; lr.rec++) {
            if (l->n_files == cap) {
                int ncap = cap ? (cap > INT32_MAX / 2 ? INT32_MAX : 2 * cap) : 16;
                st_manifest_file *nf;
                if (ncap == cap) {
                    rc = st_error_set(ST_EUNSUPPORTED, ST_ERROR_ICEBERG,
                                      "'%s': too many manifests", lr.file);
                    goto done;
                }
                if (!(nf = st_reallocarray(l->files, (size_t)ncap, sizeof *nf))) {
                    rc = ST_ENOMEM;
                    goto done;
                }
                l->files = nf;
                cap = ncap;
            }
            if ((rc = read_one(&lr, &l->arena, &p, end, &l->files[l->n_files])) < 0)
                goto done;
            l->n_files++;
        }
        if ((rc = st_avro_reader_block_end(r, p)) < 0)
            goto done;
    }
    if (rc == ST_ITEROVER)
        rc = 0;
done:
    st_free(lr.sums);
    st_avro_reader_free(r);
    if (rc < 0) {
        st_manifest_list_free(l);
        return rc;
    }
    *out = l;
    return 0;
}

int st_manifest_list_read(st_manifest_list **out, const char *path)
{
    const uint8_t *data;
    size_t len;
    uint8_t *owned = NULL;
    st_input *in = NULL;
    int rc;

    *out = NULL;
    if ((rc = st_manifest_load_file(path, &in, &data, &len, &owned)) < 0)
        return rc;
    rc = st_manifest_list_read_buffer(out, data, len, path);
    st_free(owned);
    st_input_free(in);
    return rc;
}

void st_manifest_list_free(st_manifest_list *l)
{
    if (!l)
        return;
    st_free(l->files);
    st_arena_dispose(&l->arena);
    st_free(l);
}

/* ================================================================ writer */

static int set_field(avro_value_t *rec, const char *name, avro_value_t *v)
{
    return avro_value_get_by_name(rec, name, v, NULL);
}

static int set_long(avro_value_t *rec, const char *name, int64_t x)
{
    avro_value_t v;
    if (set_field(rec, name, &v))
        return -1;
    return avro_value_set_long(&v, x);
}

static int set_int(avro_value_t *rec, const char *name, int32_t x)
{
    avro_value_t v;
    if (set_field(rec, name, &v))
        return -1;
    return avro_value_set_int(&v, x);
}

/* An optional field: branch 0 is null, 1 the value. */
static int opt_branch(avro_value_t *rec, const char *name, int present, avro_value_t *branch)
{
    avro_value_t v;
    if (set_field(rec, name, &v))
        return -1;
    if (!present) {
        avro_value_t nb;
        return avro_value_set_branch(&v, 0, &nb) || avro_value_set_null(&nb);
    }
    return avro_value_set_branch(&v, 1, branch);
}

static int opt_long(avro_value_t *rec, const char *name, int present, int64_t x)
{
    avro_value_t b;
    if (opt_branch(rec, name, present, &b))
        return -1;
    return present ? avro_value_set_long(&b, x) : 0;
}

static int opt_int(avro_value_t *rec, const char *name, int present, int32_t x)
{
    avro_value_t b;
    if (opt_branch(rec, name, present, &b))
        return -1;
    return present ? avro_value_set_int(&b, x) : 0;
}

static int opt_bytes(avro_value_t *rec, const char *name, const uint8_t *p, size_t n)
{
    avro_value_t b;
    if (opt_branch(rec, name, p != NULL, &b))
        return -1;
    return p ? avro_value_set_bytes(&b, (void *)(uintptr_t)p, n) : 0;
}

static int fill_summaries(avro_value_t *rec, const st_manifest_file *mf)
{
    avro_value_t arr, item, v;
    if (opt_branch(rec, "partitions", 1, &arr) || avro_value_reset(&arr))
        return -1;
    for (int i = 0; i < mf->n_partitions; i++) {
        const st_field_summary *fs = &mf->partitions[i];
        avro_value_t b;
        if (avro_value_append(&arr, &item, NULL) ||
            set_field(&item, "contains_null", &v) ||
            avro_value_set_boolean(&v, fs->contains_null ? 1 : 0) ||
            opt_branch(&item, "contains_nan", fs->contains_nan >= 0, &b) ||
            (fs->contains_nan >= 0 && avro_value_set_boolean(&b, fs->contains_nan)) ||
            opt_bytes(&item, "lower_bound", fs->lower, fs->lower_len) ||
            opt_bytes(&item, "upper_bound", fs->upper, fs->upper_len))
            return -1;
    }
    return 0;
}

static int fill_file(avro_value_t *rec, const st_manifest_file *mf, int fv, int64_t seq,
                     int64_t first_row_id)
{
    avro_value_t v;
    int64_t s = mf->sequence_number == ST_NULL64 ? seq : mf->sequence_number;
    int64_t ms = mf->min_sequence_number == ST_NULL64 ? seq : mf->min_sequence_number;
    if (set_field(rec, "manifest_path", &v) ||
        avro_value_set_string(&v, mf->manifest_path) ||
        set_long(rec, "manifest_length", mf->manifest_length) ||
        set_int(rec, "partition_spec_id", mf->partition_spec_id) ||
        set_long(rec, "added_snapshot_id", mf->added_snapshot_id))
        return -1;
    if (fv >= 2) {
        if (set_int(rec, "content", mf->content == ST_CONTENT_DATA ? 0 : 1) ||
            set_long(rec, "sequence_number", s) || set_long(rec, "min_sequence_number", ms) ||
            set_int(rec, "added_files_count", mf->added_files_count) ||
            set_int(rec, "existing_files_count", mf->existing_files_count) ||
            set_int(rec, "deleted_files_count", mf->deleted_files_count) ||
            set_long(rec, "added_rows_count", mf->added_rows_count) ||
            set_long(rec, "existing_rows_count", mf->existing_rows_count) ||
            set_long(rec, "deleted_rows_count", mf->deleted_rows_count))
            return -1;
    } else {
        if (opt_int(rec, "added_files_count", mf->added_files_count >= 0, mf->added_files_count) ||
            opt_int(rec, "existing_files_count", mf->existing_files_count >= 0,
                    mf->existing_files_count) ||
            opt_int(rec, "deleted_files_count", mf->deleted_files_count >= 0,
                    mf->deleted_files_count) ||
            opt_long(rec, "added_rows_count", mf->added_rows_count >= 0, mf->added_rows_count) ||
            opt_long(rec, "existing_rows_count", mf->existing_rows_count >= 0,
                     mf->existing_rows_count) ||
            opt_long(rec, "deleted_rows_count", mf->deleted_rows_count >= 0,
                     mf->deleted_rows_count))
            return -1;
    }
    if (fill_summaries(rec, mf) || opt_bytes(rec, "key_metadata", mf->key_metadata,
                                             mf->key_metadata_len))
        return -1;
    if (fv >= 3 && opt_long(rec, "first_row_id", first_row_id != ST_NULL64, first_row_id))
        return -1;
    return 0;
}

static int check_file(const char *path, const st_manifest_file *mf, int fv)
{
    if (!mf->manifest_path)
        return st_error_set(ST_EINVALID, ST_ERROR_ICEBERG, "'%s': a manifest without a path", path);
    if (fv == 1 && mf->content != ST_CONTENT_DATA)
        return st_error_set(ST_EINVALID, ST_ERROR_ICEBERG,
                            "'%s': a v1 manifest list cannot hold the delete manifest '%s'", path,
                            mf->manifest_path);
    if (fv >= 2 && (mf->added_files_count < 0 || mf->existing_files_count < 0 ||
                    mf->deleted_files_count < 0 || mf->added_rows_count < 0 ||
                    mf->existing_rows_count < 0 || mf->deleted_rows_count < 0))
        return st_error_set(ST_EINVALID, ST_ERROR_ICEBERG,
                            "'%s': manifest '%s' has unknown file or row counts, which a v%d "
                            "manifest list requires",
                            path, mf->manifest_path, fv);
    return 0;
}

int st_manifest_list_write(const char *path, const st_manifest_file *files, int n_files,
                           const st_manifest_list_write_options *opts)
{
    st_buf avro = ST_BUF_INIT, ice = ST_BUF_INIT;
    st_output *o = NULL;
    st_avro_writer *w = NULL;
    char snap[24], parent[24], seq[24], frid[24], fvs[4];
    const char *meta[16];
    int n = 0, fv = opts->format_version, rc;
    int64_t next_row_id = opts->first_row_id;

    if (fv < 1 || fv > ST_FORMAT_VERSION_MAX)
        return st_error_set(ST_EINVALID, ST_ERROR_ICEBERG,
                            "'%s': cannot write a manifest list of format version %d", path, fv);
    for (int i = 0; i < n_files; i++)
        if ((rc = check_file(path, &files[i], fv)) < 0)
            return rc;
    if ((rc = st_manifest_list_schema_json(&avro, &ice, fv)) < 0)
        goto done;
    snprintf(snap, sizeof snap, "%" PRId64, opts->snapshot_id);
    if (opts->parent_snapshot_id == ST_NULL64)
        snprintf(parent, sizeof parent, "null");
    else
        snprintf(parent, sizeof parent, "%" PRId64, opts->parent_snapshot_id);
    snprintf(seq, sizeof seq, "%" PRId64, opts->sequence_number);
    snprintf(frid, sizeof frid, "%" PRId64, opts->first_row_id);
    snprintf(fvs, sizeof fvs, "%d", fv);
#define M(k, v) (meta[2 * n] = (k), meta[2 * n + 1] = (v), n++)
    M("avro.schema", NULL);
    M("avro.codec", NULL);
    M("snapshot-id", snap);
    if (fv >= 3 && opts->first_row_id != ST_NULL64)
        M("first-row-id", frid);
    M("format-version", fvs);
    if (fv >= 2)
        M("sequence-number", seq);
    M("iceberg.schema", st_buf_cstr(&ice));
    M("parent-snapshot-id", parent);
#undef M
    if ((rc = st_output_open_file(&o, path, ST_OUTPUT_REPLACE)) < 0 ||
        (rc = st_avro_writer_open(&w, o, st_buf_cstr(&avro), meta, n, ST_AVRO_CODEC_DEFLATE,
                                  path)) < 0)
        goto done;
    for (int i = 0; i < n_files; i++) {
        const st_manifest_file *mf = &files[i];
        int64_t frow = mf->first_row_id;
        if (fv >= 3 && mf->content == ST_CONTENT_DATA && frow == ST_NULL64 &&
            next_row_id != ST_NULL64) {
            frow = next_row_id;
            next_row_id += (mf->existing_rows_count > 0 ? mf->existing_rows_count : 0) +
                           (mf->added_rows_count > 0 ? mf->added_rows_count : 0);
        }
        int arc = fill_file(st_avro_writer_value(w), mf, fv, opts->sequence_number, frow);
        if (arc != 0) {
            rc = st_avro_error(ST_EINVALID, arc > 0 ? arc : EINVAL, path, "manifest list entry");
            goto done;
        }
        if ((rc = st_avro_writer_append(w)) < 0)
            goto done;
    }
    if ((rc = st_avro_writer_finish(w)) < 0)
        goto done;
    rc = st_output_close(o);
    o = NULL;
done:
    st_avro_writer_free(w);
    st_output_abort(o);
    st_buf_dispose(&avro);
    st_buf_dispose(&ice);
    return rc;
}
