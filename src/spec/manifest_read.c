/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Manifest reading (spec "Manifests"; iceberg-facts.md §4).
 *
 * Every field is found by field id in the writer's schema once per file
 * (names differ between writers and versions); a missing optional field
 * reads as absent. From that resolution each record type of the file
 * (manifest_entry, data_file, the partition tuple, the metrics maps' key/value
 * records) gets a decode plan: one op per writer field, in the writer's order,
 * saying what to do with its value or to skip it. Records are then decoded in
 * one pass straight from the block's bytes (avro_decode.h checks every
 * length against the block's end). Each entry's variable parts (partition
 * values, metrics, split offsets, equality ids, strings and bytes) are
 * gathered in reused scratch arrays, pointing into the block, and then copied
 * into ONE arena allocation, so reading allocates nothing per entry besides
 * that (and the entries array, grown by doubling).
 *
 * Inheritance (Java's InheritableMetadataFactory): a null snapshot id takes
 * the manifest-list entry's added_snapshot_id; a null data or file sequence
 * number takes the list entry's sequence number when the entry is ADDED or
 * that sequence number is 0 (v1); EXISTING and DELETED entries keep theirs.
 * v1 manifests have no sequence numbers: 0. v3 data files with a null
 * first_row_id get the list entry's first_row_id plus the record counts of
 * the earlier such files (DELETED entries skipped), as Java's idAssigner.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "spec/manifest_int.h"
#include "util/alloc.h"

#if defined(__GNUC__)
#define ST_ALWAYS_INLINE __attribute__((always_inline))
#else
#define ST_ALWAYS_INLINE
#endif

/* Arena blocks of a manifest: 256 KiB to 4 MiB, less the headers. */
#define ARENA_MIN (((size_t)256 << 10) - 64)
#define ARENA_MAX (((size_t)4 << 20) - 64)

/* What the decoder does with a field's value (mf_op.act; 0 is MF_SKIP). */
enum {
    /* manifest_entry */
    E_STATUS = 1, E_SNAP, E_SEQ, E_FILE_SEQ, E_DATA_FILE,
    /* data_file */
    F_CONTENT, F_PATH, F_FORMAT, F_PARTITION, F_RECORDS, F_SIZE, F_KEY, F_SPLITS, F_EQ_IDS,
    F_SORT, F_FIRST_ROW, F_REF, F_OFFSET, F_CSIZE,
    F_MAP, /* F_MAP + M_*: the metrics maps */
    /* a metrics map's key/value record */
    K_KEY = 1, K_VAL
};
enum { M_SIZES, M_VALUES, M_NULLS, M_NANS, M_LOWER, M_UPPER, N_M };
enum { L_SPLITS, L_EQ, N_L };

/* A metrics map: a list of key/value records (Iceberg writes maps with int
 * keys as arrays of records). */
typedef struct map_plan {
    mf_op *ops;                  /* the key/value record's fields: K_KEY, K_VAL, skip */
    int n_ops;
    int item_null;               /* items are ["null", record]: the null branch; else -1 */
    int simple;                  /* plain {key, value} records: ops[0] key, ops[1] value */
    size_t item_min;             /* fewest bytes an item takes */
} map_plan;

/* split_offsets or equality_ids: a list of ints or longs. */
typedef struct list_plan {
    mf_op item;                  /* how to read one element */
    size_t item_min;
} list_plan;

typedef struct part_slot {
    int index;                   /* in r102, -1 when the file lacks the field */
    st_type_id type;
    int32_t scale;
    st_avro_kind kind;
} part_slot;

typedef struct mreader {
    const char *file;
    const st_avro_reader *r;
    int64_t rec;                 /* record being decoded, in its block (for messages) */
    /* resolution */
    mf_slot e[E_DATA_FILE + 1];
    mf_slot f[F_MAP + N_M];
    part_slot *parts;
    int n_parts;
    /* decode plans */
    mf_op *eops, *fops, *pops;   /* manifest_entry, data_file, partition (act: slot + 1) */
    int n_eops, n_fops, n_pops;
    map_plan maps[N_M];
    list_plan lists[N_L];
    /* the entry being decoded: borrowed from the block until pack_entry */
    const uint8_t *path, *fmt, *key, *ref;
    size_t path_len, fmt_len, key_len, ref_len;
    int64_t content, sort;
    size_t n_list[N_L];
    uint8_t uuid[64][16];        /* uuid partition values written as text, parsed */
    /* scratch, reused across entries */
    st_column_stats *stats;
    int n_stats, cap_stats, hint;
    int64_t max_id;              /* largest field id in stats */
    int64_t *splits;
    int32_t *eq;
    size_t cap_list[N_L];
    st_value *pvals;
    const char *last_format;     /* interned file_format of the previous entry */
} mreader;

/* ======================================================== resolution */

static int resolve_map(mreader *mr, const st_avro_type *df, int m, int32_t id, int32_t kid,
                       int32_t vid, int bytes_values, const char *what, st_arena *arena)
{
    mf_slot *s = &mr->f[F_MAP + m];
    map_plan *mp = &mr->maps[m];
    int rc = mf_resolve(s, df, id, MF_K(ST_AVRO_ARRAY), 0, mr->file, what);
    if (rc < 0 || s->index < 0)
        return rc;
    const st_avro_type *items = s->type->items, *item = st_avro_nonnull(items);
    if (item->kind != ST_AVRO_RECORD || item->n_fields < 2)
        goto bad;
    int key_idx = st_avro_field_index(item, kid);
    int val_idx = st_avro_field_index(item, vid);
    if (key_idx < 0 || val_idx < 0) {
        key_idx = 0;
        val_idx = 1;
    }
    st_avro_kind key_kind = item->fields[key_idx].type->kind;
    st_avro_kind val_kind = item->fields[val_idx].type->kind;
    if (!(MF_INTLIKE & MF_K(key_kind)))
        goto bad;
    if (bytes_values ? val_kind != ST_AVRO_BYTES && val_kind != ST_AVRO_FIXED
                     : !(MF_INTLIKE & MF_K(val_kind)))
        goto bad;
    if ((rc = mf_ops_new(&mp->ops, item, arena)) < 0)
        return rc;
    mp->n_ops = item->n_fields;
    mp->ops[key_idx].act = K_KEY;
    mp->ops[val_idx].act = K_VAL;
    mp->item_null = item != items ? items->null_branch : -1;
    mp->item_min = items->min_size;
    mp->simple = mp->item_null < 0 && item->n_fields == 2 && key_idx == 0;
    return 0;
bad:
    return st_error_set(ST_ECORRUPT, ST_ERROR_ICEBERG,
                        "'%s': field id %d (%s) is not a list of int-keyed key/value records",
                        mr->file, (int)id, what);
}

static int resolve_list(mreader *mr, const st_avro_type *df, int f, int l, int32_t id,
                        const char *what)
{
    mf_slot *s = &mr->f[f];
    int rc = mf_resolve(s, df, id, MF_K(ST_AVRO_ARRAY), 0, mr->file, what);
    if (rc < 0 || s->index < 0)
        return rc;
    const st_avro_type *items = s->type->items, *item = st_avro_nonnull(items);
    if (!(MF_INTLIKE & MF_K(item->kind)))
        return st_error_set(ST_ECORRUPT, ST_ERROR_ICEBERG,
                            "'%s': field id %d (%s) is not a list of numbers", mr->file, (int)id,
                            what);
    list_plan *lp = &mr->lists[l];
    lp->item.act = f;
    lp->item.type = items;
    lp->item.value = item;
    lp->item.kind = item->kind;
    lp->item.null_branch = item != items ? items->null_branch : -1;
    lp->item_min = items->min_size;
    return 0;
}

/* Which Avro kinds can carry a partition value of an Iceberg type. */
static unsigned part_kinds(st_type_id t)
{
    switch (t) {
    case ST_TYPE_BOOLEAN: return MF_K(ST_AVRO_BOOLEAN);
    case ST_TYPE_INT:
    case ST_TYPE_DATE:
    case ST_TYPE_LONG:
    case ST_TYPE_TIME:
    case ST_TYPE_TIMESTAMP:
    case ST_TYPE_TIMESTAMPTZ:
    case ST_TYPE_TIMESTAMP_NS:
    case ST_TYPE_TIMESTAMPTZ_NS: return MF_INTLIKE;
    case ST_TYPE_FLOAT: return MF_K(ST_AVRO_FLOAT);
    case ST_TYPE_DOUBLE: return MF_K(ST_AVRO_FLOAT) | MF_K(ST_AVRO_DOUBLE);
    case ST_TYPE_STRING: return MF_K(ST_AVRO_STRING);
    case ST_TYPE_UUID: return MF_K(ST_AVRO_FIXED) | MF_K(ST_AVRO_BYTES) | MF_K(ST_AVRO_STRING);
    case ST_TYPE_DECIMAL:
    case ST_TYPE_FIXED:
    case ST_TYPE_BINARY: return MF_K(ST_AVRO_FIXED) | MF_K(ST_AVRO_BYTES);
    default: return 0;
    }
}

/* The Iceberg type of an Avro partition field (no partition type given). */
static int part_type_from_avro(const st_avro_type *t, part_slot *ps)
{
    const char *lt = t->logical ? t->logical : "";
    ps->scale = 0;
    switch (t->kind) {
    case ST_AVRO_BOOLEAN: ps->type = ST_TYPE_BOOLEAN; return 0;
    case ST_AVRO_INT: ps->type = strcmp(lt, "date") ? ST_TYPE_INT : ST_TYPE_DATE; return 0;
    case ST_AVRO_LONG:
        if (!strcmp(lt, "time-micros"))
            ps->type = ST_TYPE_TIME;
        else if (!strcmp(lt, "timestamp-micros"))
            ps->type = t->adjust_to_utc == 0 ? ST_TYPE_TIMESTAMP : ST_TYPE_TIMESTAMPTZ;
        else if (!strcmp(lt, "timestamp-nanos"))
            ps->type = t->adjust_to_utc == 0 ? ST_TYPE_TIMESTAMP_NS : ST_TYPE_TIMESTAMPTZ_NS;
        else
            ps->type = ST_TYPE_LONG;
        return 0;
    case ST_AVRO_FLOAT: ps->type = ST_TYPE_FLOAT; return 0;
    case ST_AVRO_DOUBLE: ps->type = ST_TYPE_DOUBLE; return 0;
    case ST_AVRO_STRING: ps->type = strcmp(lt, "uuid") ? ST_TYPE_STRING : ST_TYPE_UUID; return 0;
    case ST_AVRO_BYTES:
    case ST_AVRO_FIXED:
        if (!strcmp(lt, "decimal") && t->precision != ST_AVRO_NO_ID) {
            ps->type = ST_TYPE_DECIMAL;
            ps->scale = t->scale;
        } else if (!strcmp(lt, "uuid") && t->kind == ST_AVRO_FIXED && t->size == 16) {
            ps->type = ST_TYPE_UUID;
        } else {
            ps->type = t->kind == ST_AVRO_FIXED ? ST_TYPE_FIXED : ST_TYPE_BINARY;
        }
        return 0;
    default: return -1;
    }
}

static int resolve_partition(mreader *mr, st_arena *arena, const st_type *ptype)
{
    const st_avro_type *rec = mr->f[F_PARTITION].index >= 0 ? mr->f[F_PARTITION].type : NULL;
    int n = ptype ? ptype->n_fields : rec ? rec->n_fields : 0, rc;
    mr->n_parts = n;
    if (rec) {
        if ((rc = mf_ops_new(&mr->pops, rec, arena)) < 0)
            return rc;
        mr->n_pops = rec->n_fields;
    }
    if (n == 0)
        return 0;
    if (!(mr->parts = st_arena_calloc(arena, (size_t)n, sizeof *mr->parts)) ||
        !(mr->pvals = st_arena_calloc(arena, (size_t)n, sizeof *mr->pvals)))
        return ST_ENOMEM;
    for (int i = 0; i < n; i++) {
        part_slot *ps = &mr->parts[i];
        const st_avro_type *at;
        int32_t id;
        if (ptype) {
            id = ptype->fields[i].id;
            ps->type = ptype->fields[i].type->id;
            ps->scale = ptype->fields[i].type->scale;
            ps->index = st_avro_field_index(rec, id);
            if (ps->index < 0)
                continue; /* a field the writer did not have: null */
            at = st_avro_nonnull(rec->fields[ps->index].type);
        } else {
            id = rec->fields[i].id;
            ps->index = i;
            at = st_avro_nonnull(rec->fields[i].type);
            if (part_type_from_avro(at, ps) < 0)
                goto bad;
        }
        ps->kind = at->kind;
        if (!(part_kinds(ps->type) & MF_K(at->kind)))
            goto bad;
        /* two partition fields of one id (not from st_partition_type): the
         * second reads as null */
        if (mr->pops[ps->index].act == MF_SKIP)
            mr->pops[ps->index].act = i + 1;
        continue;
    bad:
        return st_error_set(ST_ECORRUPT, ST_ERROR_ICEBERG,
                            "'%s': partition field %d has an Avro type that cannot hold a %s value",
                            mr->file, (int)id, ptype ? st_type_id_name(ps->type) : "partition");
    }
    return 0;
}

static int resolve(mreader *mr, st_arena *arena, const st_avro_type *root, const st_type *ptype)
{
    static const struct {
        int slot;
        int32_t id;
        unsigned kinds;
        int required;
        const char *name;
    } ef[] = {
        {E_STATUS, 0, MF_INTLIKE, 1, "status"},
        {E_SNAP, 1, MF_INTLIKE, 0, "snapshot_id"},
        {E_SEQ, 3, MF_INTLIKE, 0, "sequence_number"},
        {E_FILE_SEQ, 4, MF_INTLIKE, 0, "file_sequence_number"},
        {E_DATA_FILE, 2, MF_K(ST_AVRO_RECORD), 1, "data_file"},
    }, ff[] = {
        {F_CONTENT, 134, MF_INTLIKE, 0, "content"},
        {F_PATH, 100, MF_K(ST_AVRO_STRING), 1, "file_path"},
        {F_FORMAT, 101, MF_K(ST_AVRO_STRING), 1, "file_format"},
        {F_PARTITION, 102, MF_K(ST_AVRO_RECORD), 0, "partition"},
        {F_RECORDS, 103, MF_INTLIKE, 1, "record_count"},
        {F_SIZE, 104, MF_INTLIKE, 1, "file_size_in_bytes"},
        {F_KEY, 131, MF_K(ST_AVRO_BYTES), 0, "key_metadata"},
        {F_SORT, 140, MF_INTLIKE, 0, "sort_order_id"},
        {F_FIRST_ROW, 142, MF_INTLIKE, 0, "first_row_id"},
        {F_REF, 143, MF_K(ST_AVRO_STRING), 0, "referenced_data_file"},
        {F_OFFSET, 144, MF_INTLIKE, 0, "content_offset"},
        {F_CSIZE, 145, MF_INTLIKE, 0, "content_size_in_bytes"},
    };
    static const struct {
        int32_t id, kid, vid;
        int bytes_values;
        const char *name;
    } maps[N_M] = {
        {108, 117, 118, 0, "column_sizes"},     {109, 119, 120, 0, "value_counts"},
        {110, 121, 122, 0, "null_value_counts"}, {137, 138, 139, 0, "nan_value_counts"},
        {125, 126, 127, 1, "lower_bounds"},     {128, 129, 130, 1, "upper_bounds"},
    };
    int rc;
    if (root->kind != ST_AVRO_RECORD)
        return st_error_set(ST_ECORRUPT, ST_ERROR_ICEBERG,
                            "'%s': a manifest holds records, not this Avro schema", mr->file);
    for (size_t i = 0; i < sizeof ef / sizeof ef[0]; i++)
        if ((rc = mf_resolve(&mr->e[ef[i].slot], root, ef[i].id, ef[i].kinds, ef[i].required,
                             mr->file, ef[i].name)) < 0)
            return rc;
    const st_avro_type *df = mr->e[E_DATA_FILE].type;
    for (size_t i = 0; i < sizeof ff / sizeof ff[0]; i++)
        if ((rc = mf_resolve(&mr->f[ff[i].slot], df, ff[i].id, ff[i].kinds, ff[i].required,
                             mr->file, ff[i].name)) < 0)
            return rc;
    if ((rc = resolve_list(mr, df, F_SPLITS, L_SPLITS, 132, "split_offsets")) < 0 ||
        (rc = resolve_list(mr, df, F_EQ_IDS, L_EQ, 135, "equality_ids")) < 0)
        return rc;
    for (int m = 0; m < N_M; m++)
        if ((rc = resolve_map(mr, df, m, maps[m].id, maps[m].kid, maps[m].vid,
                              maps[m].bytes_values, maps[m].name, arena)) < 0)
            return rc;
    if ((rc = resolve_partition(mr, arena, ptype)) < 0)
        return rc;

    /* the plans: every resolved field gets its action, the rest are skipped */
    if ((rc = mf_ops_new(&mr->eops, root, arena)) < 0 ||
        (rc = mf_ops_new(&mr->fops, df, arena)) < 0)
        return rc;
    mr->n_eops = root->n_fields;
    mr->n_fops = df->n_fields;
    for (int a = E_STATUS; a <= E_DATA_FILE; a++)
        mf_ops_set(mr->eops, &mr->e[a], a);
    for (int a = F_CONTENT; a < F_MAP + N_M; a++)
        mf_ops_set(mr->fops, &mr->f[a], a);
    return 0;
}

/* ============================================================ one entry */

static int corrupt_entry(const mreader *mr, int64_t n, const char *what)
{
    return st_error_set(ST_ECORRUPT, ST_ERROR_ICEBERG, "'%s': entry %" PRId64 ": %s", mr->file,
                        n, what);
}

/* The record's bytes are truncated or do not match the schema. */
static int bad(const mreader *mr) { return st_avro_reader_bad_record(mr->r, mr->rec); }

/*
 * The stats slot of field `id` in the entry being read, appended when new.
 * Every map usually lists the same ids in the same ascending order, so the
 * slot after the previous one is tried first, and an id above all the others
 * is new without a search.
 */
static st_column_stats *stat_slot_new(mreader *mr, int32_t id)
{
    if (id <= mr->max_id) {
        /* a map that skips some ids (NaN counts of float columns only) finds
         * them further on; a map in another order searches from the start */
        for (int i = mr->hint; i < mr->n_stats; i++)
            if (mr->stats[i].field_id == id) {
                mr->hint = i + 1;
                return &mr->stats[i];
            }
        for (int i = 0; i < mr->hint && i < mr->n_stats; i++)
            if (mr->stats[i].field_id == id) {
                mr->hint = i + 1;
                return &mr->stats[i];
            }
    }
    if (mr->n_stats == mr->cap_stats) {
        int cap = mr->cap_stats ? 2 * mr->cap_stats : 32;
        st_column_stats *s = st_reallocarray(mr->stats, (size_t)cap, sizeof *s);
        if (!s)
            return NULL;
        mr->stats = s;
        mr->cap_stats = cap;
    }
    st_column_stats *s = &mr->stats[mr->n_stats++];
    memset(s, 0, sizeof *s);
    s->field_id = id;
    s->column_size = s->value_count = s->null_count = s->nan_count = -1;
    if (id > mr->max_id)
        mr->max_id = id;
    mr->hint = mr->n_stats;
    return s;
}

static inline st_column_stats *stat_slot(mreader *mr, int32_t id)
{
    if (mr->hint < mr->n_stats) {
        if (mr->stats[mr->hint].field_id == id)
            return &mr->stats[mr->hint++];
    } else if (id > mr->max_id && mr->n_stats < mr->cap_stats) {
        /* the first map of an entry: every id is new and larger */
        st_column_stats *s = &mr->stats[mr->n_stats++];
        *s = (st_column_stats){id, -1, -1, -1, -1, NULL, 0, NULL, 0};
        mr->max_id = id;
        mr->hint = mr->n_stats;
        return s;
    }
    return stat_slot_new(mr, id);
}

/* The key of a metrics map item as a field id. */
static int stat_key(mreader *mr, const mf_op *kop, int64_t key, int64_t n_entry)
{
    if (key >= INT32_MIN && key <= INT32_MAX)
        return 0;
    return kop->kind == ST_AVRO_INT
               ? bad(mr)
               : corrupt_entry(mr, n_entry, "a metrics key out of the field id range");
}

/* Stores one map item's value in the stats of field `key`. */
static inline ST_ALWAYS_INLINE int store_stat(mreader *mr, int m, int64_t key, int64_t val,
                                              const uint8_t *bytes, size_t len)
{
    st_column_stats *s = stat_slot(mr, (int32_t)key);
    if (!s)
        return ST_ENOMEM;
    switch (m) {
    case M_SIZES: s->column_size = val; break;
    case M_VALUES: s->value_count = val; break;
    case M_NULLS: s->null_count = val; break;
    case M_NANS: s->nan_count = val; break;
    case M_LOWER:
        s->lower = bytes;
        s->lower_len = len;
        break;
    default:
        s->upper = bytes;
        s->upper_len = len;
        break;
    }
    return 0;
}

/*
 * `count` items of a map laid out {key, value} (as every writer does): the
 * hot loop of reading a manifest, hence the special case. Inlined once per
 * map, so `m` is a constant in each copy.
 */
static inline ST_ALWAYS_INLINE int read_simple_items(mreader *mr, const int m,
                                                     const map_plan *mp, const uint8_t **pp,
                                                     const uint8_t *end, int64_t count,
                                                     int64_t n_entry)
{
    const mf_op *kop = &mp->ops[0], *vop = &mp->ops[1];
    const int int_values = vop->kind == ST_AVRO_INT;
    const uint8_t *p = *pp;
    int rc;
    for (int64_t i = 0; i < count; i++) {
        int64_t key, val = 0;
        const uint8_t *bytes = NULL;
        size_t len = 0;
        if (st_avro_get_long(&p, end, &key) < 0)
            return bad(mr);
        if (m >= M_LOWER ? mf_get_bytes(vop, &p, end, &bytes, &len) < 0
                         : st_avro_get_long(&p, end, &val) < 0 ||
                               (int_values && (val < INT32_MIN || val > INT32_MAX)))
            return bad(mr);
        if ((rc = stat_key(mr, kop, key, n_entry)) < 0 ||
            (rc = store_stat(mr, m, key, val, bytes, len)) < 0)
            return rc;
    }
    *pp = p;
    return 0;
}

/* `count` items of any other layout: unions, more fields, the value first. */
static int read_other_items(mreader *mr, int m, const map_plan *mp, const uint8_t **pp,
                            const uint8_t *end, int64_t count, int64_t n_entry)
{
    int rc;
    for (int64_t i = 0; i < count; i++) {
        int64_t key = 0, val = 0;
        const uint8_t *bytes = NULL;
        size_t len = 0;
        if (mp->item_null >= 0) {
            int64_t b;
            if (st_avro_get_long(pp, end, &b) < 0 || (b != 0 && b != 1))
                return bad(mr);
            if (b == mp->item_null)
                return corrupt_entry(mr, n_entry, "bad metrics map");
        }
        for (int k = 0; k < mp->n_ops; k++) {
            const mf_op *op = &mp->ops[k];
            int r;
            if (op->act == K_KEY)
                r = mf_get_long(op, pp, end, &key);
            else if (op->act != K_VAL)
                r = st_avro_skip(op->type, pp, end);
            else if (m >= M_LOWER)
                r = mf_get_bytes(op, pp, end, &bytes, &len);
            else
                r = mf_get_long(op, pp, end, &val);
            if (r < 0)
                return bad(mr);
        }
        if (key < INT32_MIN || key > INT32_MAX)
            return corrupt_entry(mr, n_entry, "a metrics key out of the field id range");
        if ((rc = store_stat(mr, m, key, val, bytes, len)) < 0)
            return rc;
    }
    return 0;
}

/* One metrics map (m: M_*) into the entry's stats. */
static int read_map(mreader *mr, int m, const uint8_t **pp, const uint8_t *end, int64_t n_entry)
{
    const map_plan *mp = &mr->maps[m];
    int rc;
    mr->hint = 0;
    for (;;) {
        int64_t count;
        if (st_avro_get_block_count(pp, end, mp->item_min, &count) < 0)
            return bad(mr);
        if (count == 0)
            return 0;
        if (!mp->simple)
            rc = read_other_items(mr, m, mp, pp, end, count, n_entry);
        else if (m == M_SIZES)
            rc = read_simple_items(mr, M_SIZES, mp, pp, end, count, n_entry);
        else if (m == M_VALUES)
            rc = read_simple_items(mr, M_VALUES, mp, pp, end, count, n_entry);
        else if (m == M_NULLS)
            rc = read_simple_items(mr, M_NULLS, mp, pp, end, count, n_entry);
        else if (m == M_NANS)
            rc = read_simple_items(mr, M_NANS, mp, pp, end, count, n_entry);
        else if (m == M_LOWER)
            rc = read_simple_items(mr, M_LOWER, mp, pp, end, count, n_entry);
        else
            rc = read_simple_items(mr, M_UPPER, mp, pp, end, count, n_entry);
        if (rc < 0)
            return rc;
    }
}

static void sort_stats(mreader *mr)
{
    /* usually already in order (every map lists the same ids): insertion sort */
    int i = 1;
    while (i < mr->n_stats && mr->stats[i - 1].field_id < mr->stats[i].field_id)
        i++;
    for (; i < mr->n_stats; i++) {
        st_column_stats t = mr->stats[i];
        int j = i - 1;
        while (j >= 0 && mr->stats[j].field_id > t.field_id) {
            mr->stats[j + 1] = mr->stats[j];
            j--;
        }
        mr->stats[j + 1] = t;
    }
}

/* split_offsets (l = L_SPLITS) or equality_ids (L_EQ) into the scratch array. */
static int read_list(mreader *mr, int l, const uint8_t **pp, const uint8_t *end, int64_t n_entry)
{
    const list_plan *lp = &mr->lists[l];
    size_t n = 0;
    for (;;) {
        int64_t count;
        if (st_avro_get_block_count(pp, end, lp->item_min, &count) < 0)
            return bad(mr);
        if (count == 0)
            break;
        if ((uint64_t)count > SIZE_MAX / 16 - n)
            return bad(mr);
        if (n + (size_t)count > mr->cap_list[l]) {
            size_t cap = 2 * mr->cap_list[l] > n + (size_t)count ? 2 * mr->cap_list[l]
                                                                 : n + (size_t)count;
            void *p = l == L_EQ ? st_reallocarray(mr->eq, cap, sizeof *mr->eq)
                                : st_reallocarray(mr->splits, cap, sizeof *mr->splits);
            if (!p)
                return ST_ENOMEM;
            if (l == L_EQ)
                mr->eq = p;
            else
                mr->splits = p;
            mr->cap_list[l] = cap;
        }
        for (int64_t i = 0; i < count; i++) {
            int64_t x;
            int pr = mf_present(&lp->item, pp, end);
            if (pr < 0)
                return bad(mr);
            if (pr == 0)
                return corrupt_entry(mr, n_entry, "bad list");
            if (mf_get_long(&lp->item, pp, end, &x) < 0)
                return bad(mr);
            if (l == L_EQ) {
                if (x < INT32_MIN || x > INT32_MAX)
                    return corrupt_entry(mr, n_entry, "an equality field id out of range");
                mr->eq[n++] = (int32_t)x;
            } else {
                mr->splits[n++] = x;
            }
        }
    }
    mr->n_list[l] = n;
    return 0;
}

/* Hex digit value or -1. */
static int hexval(int c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}


/*
 * Decodes partition value i (a present value follows at *pp) into
 * mr->pvals[i]; byte values point into the block (copied into the entry's
 * block by pack_entry). A UUID written as text is parsed into mr->uuid.
 */
static int read_partition_value(mreader *mr, int i, const mf_op *op, const uint8_t **pp,
                                const uint8_t *end, int64_t n_entry)
{
    const part_slot *ps = &mr->parts[i];
    st_value *out = &mr->pvals[i];
    const uint8_t *p;
    size_t n;
    int64_t x;
    out->is_null = 0;
    switch (ps->type) {
    case ST_TYPE_BOOLEAN: {
        int b;
        if (st_avro_get_boolean(pp, end, &b) < 0)
            return bad(mr);
        out->v.b = b;
        return 0;
    }
    case ST_TYPE_INT:
    case ST_TYPE_DATE:
        if (mf_get_long(op, pp, end, &x) < 0)
            return bad(mr);
        if (x < INT32_MIN || x > INT32_MAX)
            return corrupt_entry(mr, n_entry, "an int partition value out of range");
        out->v.i32 = (int32_t)x;
        return 0;
    case ST_TYPE_FLOAT:
        if (st_avro_get_float(pp, end, &out->v.f32) < 0)
            return bad(mr);
        return 0;
    case ST_TYPE_DOUBLE:
        if (op->kind == ST_AVRO_FLOAT) {
            float f;
            if (st_avro_get_float(pp, end, &f) < 0)
                return bad(mr);
            out->v.f64 = f;
        } else if (st_avro_get_double(pp, end, &out->v.f64) < 0) {
            return bad(mr);
        }
        return 0;
    case ST_TYPE_DECIMAL: {
        st_type dt;
        if (mf_get_bytes(op, pp, end, &p, &n) < 0)
            return bad(mr);
        memset(&dt, 0, sizeof dt);
        dt.id = ST_TYPE_DECIMAL;
        dt.scale = ps->scale;
        if (st_value_from_bytes(out, &dt, p, n) < 0)
            return corrupt_entry(mr, n_entry, "a decimal partition value of a bad length");
        return 0;
    }
    case ST_TYPE_UUID:
        if (mf_get_bytes(op, pp, end, &p, &n) < 0)
            return bad(mr);
        if (ps->kind == ST_AVRO_STRING) {
            uint8_t *u = mr->uuid[i % 64];
            int j = 0;
            for (size_t k = 0; k < n && j <= 32; k++) {
                if (p[k] == '-')
                    continue;
                int h = hexval(p[k]);
                if (h < 0 || j == 32)
                    return corrupt_entry(mr, n_entry, "a uuid partition value is not a uuid");
                if (j % 2 == 0)
                    u[j / 2] = (uint8_t)(h << 4);
                else
                    u[j / 2] |= (uint8_t)h;
                j++;
            }
            if (j != 32)
                return corrupt_entry(mr, n_entry, "a uuid partition value is not a uuid");
            p = u;
            n = 16;
        } else if (n != 16) {
            return corrupt_entry(mr, n_entry, "a uuid partition value is not 16 bytes");
        }
        out->v.bytes.ptr = p;
        out->v.bytes.len = n;
        return 0;
    case ST_TYPE_STRING:
    case ST_TYPE_FIXED:
    case ST_TYPE_BINARY:
        if (mf_get_bytes(op, pp, end, &out->v.bytes.ptr, &out->v.bytes.len) < 0)
            return bad(mr);
        return 0;
    default:
        if (mf_get_long(op, pp, end, &out->v.i64) < 0)
            return bad(mr);
        return 0;
    }
}

/* The partition tuple: every value starts null and the writer's fields fill it. */
static int read_partition(mreader *mr, const uint8_t **pp, const uint8_t *end, int64_t n_entry)
{
    int rc;
    for (int k = 0; k < mr->n_pops; k++) {
        const mf_op *op = &mr->pops[k];
        if (op->act == MF_SKIP) {
            if (st_avro_skip(op->type, pp, end) < 0)
                return bad(mr);
            continue;
        }
        int pr = mf_present(op, pp, end);
        if (pr < 0)
            return bad(mr);
        if (pr && (rc = read_partition_value(mr, op->act - 1, op, pp, end, n_entry)) < 0)
            return rc;
    }
    return 0;
}

static void null_partition(mreader *mr)
{
    for (int i = 0; i < mr->n_parts; i++) {
        memset(&mr->pvals[i], 0, sizeof mr->pvals[i]);
        mr->pvals[i].type = mr->parts[i].type;
        mr->pvals[i].is_null = 1;
    }
}

static size_t align8(size_t n) { return (n + 7) & ~(size_t)7; }

static int value_has_bytes(const st_value *v)
{
    return !v->is_null && (v->type == ST_TYPE_STRING || v->type == ST_TYPE_UUID ||
                           v->type == ST_TYPE_FIXED || v->type == ST_TYPE_BINARY);
}

/* Copies n bytes to *b and advances it; bounds are mostly 1 to 16 bytes,
 * where a call to memcpy costs more than the copy. */
static inline uint8_t *put_bytes(uint8_t **b, const uint8_t *src, size_t n)
{
    uint8_t *d = *b;
    if (n >= 8 && n <= 16) {
        memcpy(d, src, 8);
        memcpy(d + n - 8, src + n - 8, 8);
    } else if (n >= 4 && n < 8) {
        memcpy(d, src, 4);
        memcpy(d + n - 4, src + n - 4, 4);
    } else if (n < 4) {
        for (size_t i = 0; i < n; i++)
            d[i] = src[i];
    } else {
        memcpy(d, src, n);
    }
    *b = d + n;
    return d;
}

/* Copies the entry's variable parts (borrowed from the block) into one arena block. */
static int pack_entry(mreader *mr, st_arena *arena, st_data_file *f)
{
    size_t n_splits = mr->n_list[L_SPLITS], n_eq = mr->n_list[L_EQ];
    int new_format = !mr->last_format || strlen(mr->last_format) != mr->fmt_len ||
                     memcmp(mr->last_format, mr->fmt, mr->fmt_len) != 0;
    size_t total = align8(sizeof(st_value) * (size_t)mr->n_parts) +
                   align8(sizeof(st_column_stats) * (size_t)mr->n_stats) +
                   align8(sizeof(int64_t) * n_splits) + align8(sizeof(int32_t) * n_eq);
    size_t bytes = mr->path_len + 1 + (new_format ? mr->fmt_len + 1 : 0) + mr->key_len +
                   (mr->ref ? mr->ref_len + 1 : 0);
    for (int i = 0; i < mr->n_parts; i++)
        if (value_has_bytes(&mr->pvals[i]))
            bytes += mr->pvals[i].v.bytes.len;
    for (int i = 0; i < mr->n_stats; i++)
        bytes += mr->stats[i].lower_len + mr->stats[i].upper_len;
    uint8_t *block = st_arena_alloc(arena, total + bytes);
    if (!block)
        return ST_ENOMEM;
    uint8_t *p = block, *b = block + total;
#define TAKE(dst, n, type)                        \
    do {                                          \
        dst = (type *)(void *)p;                  \
        p += align8(sizeof(type) * (size_t)(n));  \
    } while (0)
#define COPY(src, n) put_bytes(&b, src, n)
    TAKE(f->partition, mr->n_parts, st_value);
    f->n_partition = mr->n_parts;
    for (int i = 0; i < mr->n_parts; i++) {
        f->partition[i] = mr->pvals[i];
        if (value_has_bytes(&mr->pvals[i]))
            f->partition[i].v.bytes.ptr = COPY(mr->pvals[i].v.bytes.ptr, mr->pvals[i].v.bytes.len);
    }
    TAKE(f->stats, mr->n_stats, st_column_stats);
    f->n_stats = mr->n_stats;
    for (int i = 0; i < mr->n_stats; i++) {
        f->stats[i] = mr->stats[i];
        if (mr->stats[i].lower)
            f->stats[i].lower = COPY(mr->stats[i].lower, mr->stats[i].lower_len);
        if (mr->stats[i].upper)
            f->stats[i].upper = COPY(mr->stats[i].upper, mr->stats[i].upper_len);
    }
    TAKE(f->split_offsets, n_splits, int64_t);
    f->n_split_offsets = (int)n_splits;
    if (n_splits)
        memcpy(f->split_offsets, mr->splits, n_splits * sizeof(int64_t));
    else
        f->split_offsets = NULL;
    TAKE(f->equality_ids, n_eq, int32_t);
    f->n_equality_ids = (int)n_eq;
    if (n_eq)
        memcpy(f->equality_ids, mr->eq, n_eq * sizeof(int32_t));
    else
        f->equality_ids = NULL;
    f->file_path = (const char *)COPY(mr->path, mr->path_len);
    *b++ = 0;
    if (new_format) {
        mr->last_format = (const char *)COPY(mr->fmt, mr->fmt_len);
        *b++ = 0;
    }
    f->file_format = mr->last_format;
    if (mr->key)
        f->key_metadata = COPY(mr->key, mr->key_len);
    f->key_metadata_len = mr->key ? mr->key_len : 0;
    if (mr->ref) {
        f->referenced_data_file = (const char *)COPY(mr->ref, mr->ref_len);
        *b++ = 0;
    }
#undef TAKE
#undef COPY
    return 0;
}

/* One data_file record: fixed fields into f, variable parts into mr. */
static int read_data_file(mreader *mr, const uint8_t **pp, const uint8_t *end, st_data_file *f,
                          int64_t n)
{
    int rc;
    for (int k = 0; k < mr->n_fops; k++) {
        const mf_op *op = &mr->fops[k];
        if (op->act == MF_SKIP) {
            if (st_avro_skip(op->type, pp, end) < 0)
                return bad(mr);
            continue;
        }
        int pr = mf_present(op, pp, end);
        if (pr < 0)
            return bad(mr);
        if (!pr)
            continue;
        switch (op->act) {
        case F_CONTENT: rc = mf_get_long(op, pp, end, &mr->content); break;
        case F_PATH: rc = mf_get_bytes(op, pp, end, &mr->path, &mr->path_len); break;
        case F_FORMAT: rc = mf_get_bytes(op, pp, end, &mr->fmt, &mr->fmt_len); break;
        case F_RECORDS: rc = mf_get_long(op, pp, end, &f->record_count); break;
        case F_SIZE: rc = mf_get_long(op, pp, end, &f->file_size_in_bytes); break;
        case F_KEY: rc = mf_get_bytes(op, pp, end, &mr->key, &mr->key_len); break;
        case F_SORT: rc = mf_get_long(op, pp, end, &mr->sort); break;
        case F_FIRST_ROW: rc = mf_get_long(op, pp, end, &f->first_row_id); break;
        case F_REF: rc = mf_get_bytes(op, pp, end, &mr->ref, &mr->ref_len); break;
        case F_OFFSET: rc = mf_get_long(op, pp, end, &f->content_offset); break;
        case F_CSIZE: rc = mf_get_long(op, pp, end, &f->content_size_in_bytes); break;
        case F_PARTITION:
            if ((rc = read_partition(mr, pp, end, n)) < 0)
                return rc;
            continue;
        case F_SPLITS:
        case F_EQ_IDS:
            if ((rc = read_list(mr, op->act == F_SPLITS ? L_SPLITS : L_EQ, pp, end, n)) < 0)
                return rc;
            continue;
        default:
            if ((rc = read_map(mr, op->act - F_MAP, pp, end, n)) < 0)
                return rc;
            continue;
        }
        if (rc < 0)
            return bad(mr);
    }
    return 0;
}

/* One manifest_entry record at *pp into e (entry n of the manifest). */
static int read_entry(mreader *mr, st_arena *arena, const uint8_t **pp, const uint8_t *end,
                      st_manifest_entry *e, int64_t n)
{
    st_data_file *f = &e->file;
    int64_t status = -1;
    int have_file = 0, rc;

    memset(e, 0, sizeof *e);
    e->snapshot_id = e->sequence_number = e->file_sequence_number = ST_NULL64;
    f->record_count = f->file_size_in_bytes = -1;
    f->first_row_id = f->content_offset = f->content_size_in_bytes = ST_NULL64;
    mr->path = mr->fmt = mr->key = mr->ref = NULL;
    mr->path_len = mr->fmt_len = mr->key_len = mr->ref_len = 0;
    mr->content = 0;
    mr->sort = ST_NULL32;
    mr->n_list[L_SPLITS] = mr->n_list[L_EQ] = 0;
    mr->n_stats = 0;
    mr->max_id = INT64_MIN;
    null_partition(mr);

    for (int k = 0; k < mr->n_eops; k++) {
        const mf_op *op = &mr->eops[k];
        if (op->act == MF_SKIP) {
            if (st_avro_skip(op->type, pp, end) < 0)
                return bad(mr);
            continue;
        }
        int pr = mf_present(op, pp, end);
        if (pr < 0)
            return bad(mr);
        if (!pr)
            continue;
        switch (op->act) {
        case E_STATUS: rc = mf_get_long(op, pp, end, &status); break;
        case E_SNAP: rc = mf_get_long(op, pp, end, &e->snapshot_id); break;
        case E_SEQ: rc = mf_get_long(op, pp, end, &e->sequence_number); break;
        case E_FILE_SEQ: rc = mf_get_long(op, pp, end, &e->file_sequence_number); break;
        default:
            if ((rc = read_data_file(mr, pp, end, f, n)) < 0)
                return rc;
            have_file = 1;
            continue;
        }
        if (rc < 0)
            return bad(mr);
    }

    if (status < 0 || status > 2)
        return corrupt_entry(mr, n, "status is not 0, 1 or 2");
    e->status = (st_entry_status)status;
    if (!have_file)
        return corrupt_entry(mr, n, "no data_file");
    if (mr->content < 0 || mr->content > 2)
        return corrupt_entry(mr, n, "content is not 0, 1 or 2");
    f->content = (st_content)mr->content;
    if (!mr->path)
        return corrupt_entry(mr, n, "no file_path");
    if (!mr->fmt)
        return corrupt_entry(mr, n, "no file_format");
    if (mr->sort < INT32_MIN || mr->sort > INT32_MAX)
        return corrupt_entry(mr, n, "sort_order_id out of range");
    f->sort_order_id = (int32_t)mr->sort;
    sort_stats(mr);
    return pack_entry(mr, arena, f);
}

static void inherit(st_manifest *m, const st_manifest_file *mf, int64_t *next_row_id)
{
    for (int i = 0; i < m->n_entries; i++) {
        st_manifest_entry *e = &m->entries[i];
        if (e->snapshot_id == ST_NULL64 && mf)
            e->snapshot_id = mf->added_snapshot_id;
        if (m->format_version == 1) {
            e->sequence_number = e->file_sequence_number = 0;
        } else if (mf) {
            int take = e->status == ST_ENTRY_ADDED || mf->sequence_number == 0;
            if (e->sequence_number == ST_NULL64 && take)
                e->sequence_number = mf->sequence_number;
            if (e->file_sequence_number == ST_NULL64 && take)
                e->file_sequence_number = mf->sequence_number;
        }
        e->file.spec_id = m->spec_id;
        if (*next_row_id != ST_NULL64 && e->status != ST_ENTRY_DELETED &&
            e->file.content == ST_CONTENT_DATA && e->file.first_row_id == ST_NULL64) {
            e->file.first_row_id = *next_row_id;
            *next_row_id += e->file.record_count > 0 ? e->file.record_count : 0;
        }
    }
}

static int read_meta(st_manifest *m, st_avro_reader *r, const st_manifest_file *mf)
{
    const char *s;
    char *end;
    m->format_version = 1;
    if ((s = st_avro_reader_meta(r, "format-version", NULL))) {
        long v = strtol(s, &end, 10);
        if (*s == 0 || *end || v < 1)
            return st_error_set(ST_ECORRUPT, ST_ERROR_ICEBERG,
                                "'%s': format-version '%.32s' is not a version",
                                st_avro_reader_name(r), s);
        if (v > ST_FORMAT_VERSION_MAX)
            return st_error_set(ST_EUNSUPPORTED, ST_ERROR_ICEBERG,
                                "'%s': manifest format version %ld is newer than %d",
                                st_avro_reader_name(r), v, ST_FORMAT_VERSION_MAX);
        m->format_version = (int)v;
    }
    m->spec_id = mf ? mf->partition_spec_id : 0;
    if ((s = st_avro_reader_meta(r, "partition-spec-id", NULL))) {
        long v = strtol(s, &end, 10);
        if (*s == 0 || *end || v < 0 || v > INT32_MAX)
            return st_error_set(ST_ECORRUPT, ST_ERROR_ICEBERG,
                                "'%s': partition-spec-id '%.32s' is not an id",
                                st_avro_reader_name(r), s);
        m->spec_id = (int32_t)v;
    }
    m->schema_id = ST_NULL32;
    if ((s = st_avro_reader_meta(r, "schema-id", NULL))) {
        long v = strtol(s, &end, 10);
        if (*s && !*end && v >= INT32_MIN && v <= INT32_MAX)
            m->schema_id = (int32_t)v;
    }
    s = st_avro_reader_meta(r, "content", NULL);
    m->content = s && !strcmp(s, "deletes") ? ST_CONTENT_POSITION_DELETES : ST_CONTENT_DATA;
    if (!s && mf && mf->content != ST_CONTENT_DATA)
        m->content = ST_CONTENT_POSITION_DELETES;
    if ((s = st_avro_reader_meta(r, "schema", NULL)) && !(m->schema_json = st_arena_strdup(&m->arena, s)))
        return ST_ENOMEM;
    if ((s = st_avro_reader_meta(r, "partition-spec", NULL)) &&
        !(m->partition_spec_json = st_arena_strdup(&m->arena, s)))
        return ST_ENOMEM;
    return 0;
}

int st_manifest_read_buffer(st_manifest **out, const void *data, size_t len, const char *name,
                            const st_manifest_file *mf, const st_type *partition_type)
{
    st_manifest *m = NULL;
    st_avro_reader *r = NULL;
    mreader mr;
    const uint8_t *p;
    size_t blen;
    int64_t count, next_row_id;
    int cap = 0, rc;

    *out = NULL;
    memset(&mr, 0, sizeof mr);
    if (partition_type && (partition_type->id != ST_TYPE_STRUCT || partition_type->n_fields > 64))
        return st_error_set(ST_EINVALID, ST_ERROR_ICEBERG,
                            "'%s': the partition type must be a struct of at most 64 fields",
                            name);
    if ((rc = st_avro_reader_open(&r, data, len, name)) < 0)
        goto done;
    mr.file = st_avro_reader_name(r);
    mr.r = r;
    if (!(m = st_calloc(1, sizeof *m))) {
        rc = ST_ENOMEM;
        goto done;
    }
    /* 256 KiB blocks less the arena's and the allocator's headers: the
     * allocator keeps freed blocks by power-of-two size for the next manifest */
    m->arena.block_size = ARENA_MIN;
    if ((rc = read_meta(m, r, mf)) < 0)
        goto done;
    if ((rc = resolve(&mr, &m->arena, st_avro_reader_schema(r), partition_type)) < 0)
        goto done;
    if (!partition_type && mr.n_parts > 64) {
        rc = st_error_set(ST_EUNSUPPORTED, ST_ERROR_ICEBERG,
                          "'%s': more than 64 partition fields", mr.file);
        goto done;
    }
    while ((rc = st_avro_reader_next_block(r, &p, &blen, &count)) == 0) {
        const uint8_t *end = p + blen;
        for (mr.rec = 0; mr.rec < count; mr.rec++) {
            if (m->n_entries == cap) {
                /* the first block's count sizes the array (a hostile count
                 * only gets the doubling) */
                int ncap = cap ? (cap > INT32_MAX / 2 ? INT32_MAX : 2 * cap)
                               : count < 64 ? 64 : count < 4096 ? (int)count : 4096;
                st_manifest_entry *ne;
                if (ncap == cap) {
                    rc = st_error_set(ST_EUNSUPPORTED, ST_ERROR_ICEBERG,
                                      "'%s': too many entries", mr.file);
                    goto done;
                }
                if (!(ne = st_reallocarray(m->entries, (size_t)ncap, sizeof *ne))) {
                    rc = ST_ENOMEM;
                    goto done;
                }
                m->entries = ne;
                cap = ncap;
                /* a large manifest gets larger arena blocks (up to 4 MiB), so
                 * few blocks hold it and the allocator's cache keeps them */
                if (cap >= 1024 && m->arena.block_size < ARENA_MAX)
                    m->arena.block_size = 2 * (m->arena.block_size + 64) - 64;
            }
            if ((rc = read_entry(&mr, &m->arena, &p, end, &m->entries[m->n_entries],
                                 m->n_entries)) < 0)
                goto done;
            m->n_entries++;
        }
        if ((rc = st_avro_reader_block_end(r, p)) < 0)
            goto done;
    }
    if (rc != ST_ITEROVER)
        goto done;
    rc = 0;
    next_row_id = mf && m->format_version >= 3 ? mf->first_row_id : ST_NULL64;
    inherit(m, mf, &next_row_id);
done:
    st_free(mr.stats);
    st_free(mr.splits);
    st_free(mr.eq);
    st_avro_reader_free(r);
    if (rc < 0) {
        st_manifest_free(m);
        return rc;
    }
    *out = m;
    return 0;
}

int st_manifest_read(st_manifest **out, const char *path, const st_manifest_file *mf,
                     const st_type *partition_type)
{
    const uint8_t *data;
    size_t len;
    uint8_t *owned = NULL;
    st_input *in = NULL;
    int rc;

    *out = NULL;
    if ((rc = st_manifest_load_file(path, &in, &data, &len, &owned)) < 0)
        return rc;
    rc = st_manifest_read_buffer(out, data, len, path, mf, partition_type);
    st_free(owned);
    st_input_free(in);
    return rc;
}

void st_manifest_free(st_manifest *m)
{
    if (!m)
        return;
    st_free(m->entries);
    st_arena_dispose(&m->arena);
    st_free(m);
}

const st_column_stats *st_data_file_stats(const st_data_file *f, int32_t id)
{
    /* sorted by field id (spec.h); an unsorted array only loses information */
    int lo = 0, hi = f->n_stats - 1;
    while (lo <= hi) {
        int mid = lo + (hi - lo) / 2;
        if (f->stats[mid].field_id == id)
            return &f->stats[mid];
        if (f->stats[mid].field_id < id)
            lo = mid + 1;
        else
            hi = mid - 1;
    }
    return NULL;
}
