/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Manifest reading (spec "Manifests"; iceberg-facts.md §4).
 *
 * Every field is found by field id in the writer's schema once per file
 * (names differ between writers and versions); a missing optional field
 * reads as absent. Records are decoded by avro-c into one reused value; each
 * entry's variable parts (partition values, metrics, split offsets, equality
 * ids, strings and bytes) are gathered in reused scratch arrays and then
 * copied into ONE arena allocation, so reading allocates nothing per entry
 * besides that (and the entries array, grown by doubling).
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

enum {
    E_STATUS, E_SNAP, E_SEQ, E_FILE_SEQ, E_DATA_FILE, N_E
};
enum {
    F_CONTENT, F_PATH, F_FORMAT, F_PARTITION, F_RECORDS, F_SIZE, F_KEY, F_SPLITS, F_EQ_IDS,
    F_SORT, F_FIRST_ROW, F_REF, F_OFFSET, F_CSIZE, N_F
};
enum { M_SIZES, M_VALUES, M_NULLS, M_NANS, M_LOWER, M_UPPER, N_M };

typedef struct map_slot {
    mf_slot s;
    int key_idx, val_idx;
    st_avro_kind key_kind, val_kind;
} map_slot;

typedef struct part_slot {
    int index;                   /* in r102, -1 when the file lacks the field */
    st_type_id type;
    int32_t scale;
    st_avro_kind kind;
} part_slot;

typedef struct mreader {
    const char *file;
    mf_slot e[N_E];
    mf_slot f[N_F];
    map_slot m[N_M];
    part_slot *parts;
    int n_parts;
    int format_version;
    /* scratch, reused across entries */
    st_column_stats *stats;
    int n_stats, cap_stats, hint;
    int64_t *splits;
    int32_t *eq;
    size_t cap_splits, cap_eq;
    st_value *pvals;
    const char *last_format;     /* interned file_format of the previous entry */
} mreader;

/* ======================================================== resolution */

static int resolve_map(mreader *mr, const st_avro_type *df, int m, int32_t id, int32_t kid,
                       int32_t vid, int bytes_values, const char *what)
{
    map_slot *ms = &mr->m[m];
    int rc = mf_resolve(&ms->s, df, id, MF_K(ST_AVRO_ARRAY), 0, mr->file, what);
    if (rc < 0 || ms->s.index < 0)
        return rc;
    const st_avro_type *item = st_avro_nonnull(ms->s.type->items);
    if (item->kind != ST_AVRO_RECORD || item->n_fields < 2)
        goto bad;
    ms->key_idx = st_avro_field_index(item, kid);
    ms->val_idx = st_avro_field_index(item, vid);
    if (ms->key_idx < 0 || ms->val_idx < 0) {
        ms->key_idx = 0;
        ms->val_idx = 1;
    }
    ms->key_kind = item->fields[ms->key_idx].type->kind;
    ms->val_kind = item->fields[ms->val_idx].type->kind;
    if (!(MF_INTLIKE & MF_K(ms->key_kind)))
        goto bad;
    if (bytes_values ? ms->val_kind != ST_AVRO_BYTES && ms->val_kind != ST_AVRO_FIXED
                     : !(MF_INTLIKE & MF_K(ms->val_kind)))
        goto bad;
    return 0;
bad:
    return st_error_set(ST_ECORRUPT, ST_ERROR_ICEBERG,
                        "'%s': field id %d (%s) is not a list of int-keyed key/value records",
                        mr->file, (int)id, what);
}

static int resolve_list(mreader *mr, const st_avro_type *df, int f, int32_t id, const char *what)
{
    int rc = mf_resolve(&mr->f[f], df, id, MF_K(ST_AVRO_ARRAY), 0, mr->file, what);
    if (rc < 0 || mr->f[f].index < 0)
        return rc;
    if (!(MF_INTLIKE & MF_K(st_avro_nonnull(mr->f[f].type->items)->kind)) ||
        st_avro_nonnull(mr->f[f].type->items)->kind == ST_AVRO_UNION)
        return st_error_set(ST_ECORRUPT, ST_ERROR_ICEBERG,
                            "'%s': field id %d (%s) is not a list of numbers", mr->file, (int)id,
                            what);
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

static int resolve_partition(mreader *mr, st_arena *arena, const st_avro_type *df,
                             const st_type *ptype)
{
    const st_avro_type *rec = mr->f[F_PARTITION].index >= 0 ? mr->f[F_PARTITION].type : NULL;
    int n = ptype ? ptype->n_fields : rec ? rec->n_fields : 0;
    (void)df;
    mr->n_parts = n;
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
    if ((rc = resolve_list(mr, df, F_SPLITS, 132, "split_offsets")) < 0 ||
        (rc = resolve_list(mr, df, F_EQ_IDS, 135, "equality_ids")) < 0 ||
        (rc = resolve_map(mr, df, M_SIZES, 108, 117, 118, 0, "column_sizes")) < 0 ||
        (rc = resolve_map(mr, df, M_VALUES, 109, 119, 120, 0, "value_counts")) < 0 ||
        (rc = resolve_map(mr, df, M_NULLS, 110, 121, 122, 0, "null_value_counts")) < 0 ||
        (rc = resolve_map(mr, df, M_NANS, 137, 138, 139, 0, "nan_value_counts")) < 0 ||
        (rc = resolve_map(mr, df, M_LOWER, 125, 126, 127, 1, "lower_bounds")) < 0 ||
        (rc = resolve_map(mr, df, M_UPPER, 128, 129, 130, 1, "upper_bounds")) < 0)
        return rc;
    return resolve_partition(mr, arena, df, ptype);
}

/* ============================================================ one entry */

static int corrupt_entry(const mreader *mr, int64_t n, const char *what)
{
    return st_error_set(ST_ECORRUPT, ST_ERROR_ICEBERG, "'%s': entry %" PRId64 ": %s", mr->file,
                        n, what);
}

static st_column_stats *stat_slot(mreader *mr, int32_t id)
{
    if (mr->hint < mr->n_stats && mr->stats[mr->hint].field_id == id)
        return &mr->stats[mr->hint++];
    for (int i = 0; i < mr->n_stats; i++)
        if (mr->stats[i].field_id == id) {
            mr->hint = i + 1;
            return &mr->stats[i];
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
    mr->hint = mr->n_stats;
    return s;
}

static int read_map(mreader *mr, avro_value_t *df, int m, int64_t n_entry)
{
    const map_slot *ms = &mr->m[m];
    avro_value_t arr, item, k, v;
    size_t n = 0;
    if (!mf_get(df, &ms->s, &arr))
        return 0;
    avro_value_get_size(&arr, &n);
    mr->hint = 0;
    for (size_t i = 0; i < n; i++) {
        if (avro_value_get_by_index(&arr, i, &item, NULL) != 0 ||
            avro_value_get_by_index(&item, (size_t)ms->key_idx, &k, NULL) != 0 ||
            avro_value_get_by_index(&item, (size_t)ms->val_idx, &v, NULL) != 0)
            return corrupt_entry(mr, n_entry, "bad metrics map");
        int64_t key = mf_long(&k, ms->key_kind);
        if (key < INT32_MIN || key > INT32_MAX)
            return corrupt_entry(mr, n_entry, "a metrics key out of the field id range");
        st_column_stats *s = stat_slot(mr, (int32_t)key);
        if (!s)
            return ST_ENOMEM;
        switch (m) {
        case M_SIZES: s->column_size = mf_long(&v, ms->val_kind); break;
        case M_VALUES: s->value_count = mf_long(&v, ms->val_kind); break;
        case M_NULLS: s->null_count = mf_long(&v, ms->val_kind); break;
        case M_NANS: s->nan_count = mf_long(&v, ms->val_kind); break;
        case M_LOWER: s->lower = mf_bytes(&v, ms->val_kind, &s->lower_len); break;
        default: s->upper = mf_bytes(&v, ms->val_kind, &s->upper_len); break;
        }
    }
    return 0;
}

static int sort_stats(mreader *mr)
{
    /* usually already in order (every map lists the same ids): insertion sort */
    for (int i = 1; i < mr->n_stats; i++) {
        st_column_stats t = mr->stats[i];
        int j = i - 1;
        while (j >= 0 && mr->stats[j].field_id > t.field_id) {
            mr->stats[j + 1] = mr->stats[j];
            j--;
        }
        mr->stats[j + 1] = t;
    }
    return 0;
}

static int read_list(mreader *mr, avro_value_t *df, int f, int64_t n_entry, size_t *count,
                     int is_eq)
{
    avro_value_t arr, item;
    size_t n = 0;
    st_avro_kind kind;
    *count = 0;
    if (!mf_get(df, &mr->f[f], &arr))
        return 0;
    kind = st_avro_nonnull(mr->f[f].type->items)->kind;
    avro_value_get_size(&arr, &n);
    size_t *cap = is_eq ? &mr->cap_eq : &mr->cap_splits;
    if (n > *cap) {
        void *p = is_eq ? st_reallocarray(mr->eq, n, sizeof *mr->eq)
                        : st_reallocarray(mr->splits, n, sizeof *mr->splits);
        if (!p)
            return ST_ENOMEM;
        if (is_eq)
            mr->eq = p;
        else
            mr->splits = p;
        *cap = n;
    }
    for (size_t i = 0; i < n; i++) {
        if (avro_value_get_by_index(&arr, i, &item, NULL) != 0)
            return corrupt_entry(mr, n_entry, "bad list");
        int64_t x = mf_long(&item, kind);
        if (is_eq) {
            if (x < INT32_MIN || x > INT32_MAX)
                return corrupt_entry(mr, n_entry, "an equality field id out of range");
            mr->eq[i] = (int32_t)x;
        } else {
            mr->splits[i] = x;
        }
    }
    *count = n;
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
 * Decodes partition value i into mr->pvals[i]; byte values point into avro-c's
 * value for now (copied into the entry block later). A UUID written as text is
 * parsed into `uuid_buf`.
 */
static int read_partition_value(mreader *mr, avro_value_t *rec, int i, int64_t n_entry,
                                uint8_t uuid_buf[16])
{
    const part_slot *ps = &mr->parts[i];
    st_value *out = &mr->pvals[i];
    avro_value_t v;
    mf_slot s = {ps->index, ps->kind, NULL};
    memset(out, 0, sizeof *out);
    out->type = ps->type;
    if (!mf_get(rec, &s, &v)) {
        out->is_null = 1;
        return 0;
    }
    switch (ps->type) {
    case ST_TYPE_BOOLEAN: {
        int b = 0;
        avro_value_get_boolean(&v, &b);
        out->v.b = b;
        return 0;
    }
    case ST_TYPE_INT:
    case ST_TYPE_DATE: {
        int64_t x = mf_long(&v, ps->kind);
        if (x < INT32_MIN || x > INT32_MAX)
            return corrupt_entry(mr, n_entry, "an int partition value out of range");
        out->v.i32 = (int32_t)x;
        return 0;
    }
    case ST_TYPE_FLOAT: avro_value_get_float(&v, &out->v.f32); return 0;
    case ST_TYPE_DOUBLE:
        if (ps->kind == ST_AVRO_FLOAT) {
            float f = 0;
            avro_value_get_float(&v, &f);
            out->v.f64 = f;
        } else {
            avro_value_get_double(&v, &out->v.f64);
        }
        return 0;
    case ST_TYPE_DECIMAL: {
        size_t n;
        const uint8_t *p = mf_bytes(&v, ps->kind, &n);
        st_type dt;
        memset(&dt, 0, sizeof dt);
        dt.id = ST_TYPE_DECIMAL;
        dt.scale = ps->scale;
        if (st_value_from_bytes(out, &dt, p, n) < 0)
            return corrupt_entry(mr, n_entry, "a decimal partition value of a bad length");
        return 0;
    }
    case ST_TYPE_UUID: {
        size_t n;
        const uint8_t *p = mf_bytes(&v, ps->kind, &n);
        if (ps->kind == ST_AVRO_STRING) {
            int j = 0;
            for (size_t k = 0; k < n && j <= 32; k++) {
                if (p[k] == '-')
                    continue;
                int h = hexval(p[k]);
                if (h < 0 || j == 32)
                    return corrupt_entry(mr, n_entry, "a uuid partition value is not a uuid");
                if (j % 2 == 0)
                    uuid_buf[j / 2] = (uint8_t)(h << 4);
                else
                    uuid_buf[j / 2] |= (uint8_t)h;
                j++;
            }
            if (j != 32)
                return corrupt_entry(mr, n_entry, "a uuid partition value is not a uuid");
            p = uuid_buf;
            n = 16;
        } else if (n != 16) {
            return corrupt_entry(mr, n_entry, "a uuid partition value is not 16 bytes");
        }
        out->v.bytes.ptr = p;
        out->v.bytes.len = n;
        return 0;
    }
    case ST_TYPE_STRING:
    case ST_TYPE_FIXED:
    case ST_TYPE_BINARY:
        out->v.bytes.ptr = mf_bytes(&v, ps->kind, &out->v.bytes.len);
        return 0;
    default:
        out->v.i64 = mf_long(&v, ps->kind);
        return 0;
    }
}

static size_t align8(size_t n) { return (n + 7) & ~(size_t)7; }

static int value_has_bytes(const st_value *v)
{
    return !v->is_null && (v->type == ST_TYPE_STRING || v->type == ST_TYPE_UUID ||
                           v->type == ST_TYPE_FIXED || v->type == ST_TYPE_BINARY);
}

/* Copies the entry's variable parts into one arena block. */
static int pack_entry(mreader *mr, st_arena *arena, st_data_file *f, const uint8_t *path,
                      size_t path_len, const uint8_t *fmt, size_t fmt_len, const uint8_t *key,
                      size_t key_len, const uint8_t *ref, size_t ref_len, size_t n_splits,
                      size_t n_eq)
{
    int new_format = !mr->last_format || strlen(mr->last_format) != fmt_len ||
                     memcmp(mr->last_format, fmt, fmt_len) != 0;
    size_t total = align8(sizeof(st_value) * (size_t)mr->n_parts) +
                   align8(sizeof(st_column_stats) * (size_t)mr->n_stats) +
                   align8(sizeof(int64_t) * n_splits) + align8(sizeof(int32_t) * n_eq);
    size_t bytes = path_len + 1 + (new_format ? fmt_len + 1 : 0) + key_len + (ref ? ref_len + 1 : 0);
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
#define COPY(src, n) (memcpy(b, src, n), b += (n), b - (n))
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
    f->file_path = (const char *)COPY(path, path_len);
    *b++ = 0;
    if (new_format) {
        mr->last_format = (const char *)COPY(fmt, fmt_len);
        *b++ = 0;
    }
    f->file_format = mr->last_format;
    if (key)
        f->key_metadata = COPY(key, key_len);
    f->key_metadata_len = key ? key_len : 0;
    if (ref) {
        f->referenced_data_file = (const char *)COPY(ref, ref_len);
        *b++ = 0;
    }
#undef TAKE
#undef COPY
    return 0;
}

static int64_t get_or(avro_value_t *rec, const mf_slot *s, int64_t dflt)
{
    avro_value_t v;
    return mf_get(rec, s, &v) ? mf_long(&v, s->kind) : dflt;
}

static int read_entry(mreader *mr, st_arena *arena, avro_value_t *rec, st_manifest_entry *e,
                      int64_t n)
{
    avro_value_t df, v, pv;
    const uint8_t *path, *fmt, *key = NULL, *ref = NULL;
    size_t path_len, fmt_len, key_len = 0, ref_len = 0, n_splits, n_eq;
    uint8_t uuid_bufs[64][16];
    int rc;

    memset(e, 0, sizeof *e);
    int64_t status = get_or(rec, &mr->e[E_STATUS], -1);
    if (status < 0 || status > 2)
        return corrupt_entry(mr, n, "status is not 0, 1 or 2");
    e->status = (st_entry_status)status;
    e->snapshot_id = get_or(rec, &mr->e[E_SNAP], ST_NULL64);
    e->sequence_number = get_or(rec, &mr->e[E_SEQ], ST_NULL64);
    e->file_sequence_number = get_or(rec, &mr->e[E_FILE_SEQ], ST_NULL64);
    if (!mf_get(rec, &mr->e[E_DATA_FILE], &df))
        return corrupt_entry(mr, n, "no data_file");

    st_data_file *f = &e->file;
    int64_t content = get_or(&df, &mr->f[F_CONTENT], 0);
    if (content < 0 || content > 2)
        return corrupt_entry(mr, n, "content is not 0, 1 or 2");
    f->content = (st_content)content;
    if (!mf_get(&df, &mr->f[F_PATH], &v))
        return corrupt_entry(mr, n, "no file_path");
    path = mf_bytes(&v, ST_AVRO_STRING, &path_len);
    if (!mf_get(&df, &mr->f[F_FORMAT], &v))
        return corrupt_entry(mr, n, "no file_format");
    fmt = mf_bytes(&v, ST_AVRO_STRING, &fmt_len);
    f->record_count = get_or(&df, &mr->f[F_RECORDS], -1);
    f->file_size_in_bytes = get_or(&df, &mr->f[F_SIZE], -1);
    if (mf_get(&df, &mr->f[F_KEY], &v))
        key = mf_bytes(&v, ST_AVRO_BYTES, &key_len);
    int64_t sort = get_or(&df, &mr->f[F_SORT], ST_NULL32);
    if (sort < INT32_MIN || sort > INT32_MAX)
        return corrupt_entry(mr, n, "sort_order_id out of range");
    f->sort_order_id = (int32_t)sort;
    f->first_row_id = get_or(&df, &mr->f[F_FIRST_ROW], ST_NULL64);
    if (mf_get(&df, &mr->f[F_REF], &v))
        ref = mf_bytes(&v, ST_AVRO_STRING, &ref_len);
    f->content_offset = get_or(&df, &mr->f[F_OFFSET], ST_NULL64);
    f->content_size_in_bytes = get_or(&df, &mr->f[F_CSIZE], ST_NULL64);

    if (mr->n_parts) {
        mf_slot ps = mr->f[F_PARTITION];
        int have = mf_get(&df, &ps, &pv);
        for (int i = 0; i < mr->n_parts; i++) {
            if (!have || mr->parts[i].index < 0) {
                memset(&mr->pvals[i], 0, sizeof mr->pvals[i]);
                mr->pvals[i].type = mr->parts[i].type;
                mr->pvals[i].is_null = 1;
            } else if ((rc = read_partition_value(mr, &pv, i, n, uuid_bufs[i % 64])) < 0) {
                return rc;
            }
        }
    }

    mr->n_stats = 0;
    for (int m = 0; m < N_M; m++)
        if ((rc = read_map(mr, &df, m, n)) < 0)
            return rc;
    sort_stats(mr);
    if ((rc = read_list(mr, &df, F_SPLITS, n, &n_splits, 0)) < 0 ||
        (rc = read_list(mr, &df, F_EQ_IDS, n, &n_eq, 1)) < 0)
        return rc;
    return pack_entry(mr, arena, f, path, path_len, fmt, fmt_len, key, key_len, ref, ref_len,
                      n_splits, n_eq);
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
    avro_value_t *rec;
    int cap = 0, rc;
    int64_t next_row_id;

    *out = NULL;
    memset(&mr, 0, sizeof mr);
    if (partition_type && (partition_type->id != ST_TYPE_STRUCT || partition_type->n_fields > 64))
        return st_error_set(ST_EINVALID, ST_ERROR_ICEBERG,
                            "'%s': the partition type must be a struct of at most 64 fields",
                            name);
    if ((rc = st_avro_reader_open(&r, data, len, name)) < 0)
        goto done;
    mr.file = st_avro_reader_name(r);
    if (!(m = st_calloc(1, sizeof *m))) {
        rc = ST_ENOMEM;
        goto done;
    }
    m->arena.block_size = 256 * 1024;
    if ((rc = read_meta(m, r, mf)) < 0)
        goto done;
    mr.format_version = m->format_version;
    if ((rc = resolve(&mr, &m->arena, st_avro_reader_schema(r), partition_type)) < 0)
        goto done;
    if (!partition_type && mr.n_parts > 64) {
        rc = st_error_set(ST_EUNSUPPORTED, ST_ERROR_ICEBERG,
                          "'%s': more than 64 partition fields", mr.file);
        goto done;
    }
    while ((rc = st_avro_reader_next(r, &rec)) == 0) {
        if (m->n_entries == cap) {
            int ncap = cap ? 2 * cap : 64;
            st_manifest_entry *ne = st_reallocarray(m->entries, (size_t)ncap, sizeof *ne);
            if (!ne) {
                rc = ST_ENOMEM;
                goto done;
            }
            m->entries = ne;
            cap = ncap;
        }
        if ((rc = read_entry(&mr, &m->arena, rec, &m->entries[m->n_entries], m->n_entries)) < 0)
            goto done;
        m->n_entries++;
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
