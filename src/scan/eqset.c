/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Equality-delete sets: the key tuples of equality-delete files, probed with
 * the rows of data batches.
 *
 * KEYS
 * Each distinct tuple is stored once, encoded into one byte string: per key
 * column a validity byte (0 null, 1 value), then for a value its canonical
 * bytes in the key type's width (boolean 1, int/date 4, long/time/timestamps 8,
 * float 4, double 8, decimal 16, uuid 16, fixed L; string and binary a 4-byte
 * length then the bytes). Canonical means promoted to the key type (an int
 * column of a delete file keyed as long is widened) and NaN collapsed to one
 * bit pattern, so equal keys encode equal: null equals null, NaN equals NaN,
 * and -0.0 differs from 0.0, as Java's Double.equals has it.
 *
 * HASHING
 * Rows are hashed a column at a time over blocks of EQ_BLOCK rows: one tight
 * loop per column type hashes the values (nulls then get a constant), and a
 * second loop folds the column's hashes into the per-row hash. The table is
 * open addressing over (hash, entry) slots at most half full, so a probe that
 * misses, the usual case for a data row, reads one or two slots and never the
 * key bytes; a hash hit compares the row's values with the stored encoding in
 * place, without encoding the row.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "scan/deletes.h"
#include "supertable/errors.h"
#include "supertable/parquet.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/hash.h"

#define EQ_BLOCK 1024
#define EQ_MAX_DEPTH 32
#define EQ_NULL_HASH 0x6a09e667f3bcc909ULL
#define EQ_FOLD 0x9E3779B97F4A7C15ULL

/* How values are stored: a key type's kind, or a narrower kind promoted to it. */
typedef enum { EK_BOOL, EK_I32, EK_I64, EK_F32, EK_F64, EK_DEC, EK_FIXED, EK_VAR } eq_kind;

typedef struct eq_key {
    int32_t id;
    const char *name;     /* borrowed from the key schema */
    const st_type *type;  /* borrowed from the key schema */
    uint8_t kind;
    int32_t width;        /* EK_FIXED: bytes per value */
} eq_key;

/* A key column located in a batch. */
typedef struct eq_col {
    const st_vector *v;                       /* the values */
    const st_vector *parents[EQ_MAX_DEPTH];   /* enclosing structs, outermost first */
    int n_parents;
    uint8_t src;                              /* the stored kind (narrower when promoted) */
    int maybe_null;                           /* v or a parent has a validity bitmap */
} eq_col;

typedef struct eq_slot {
    uint64_t hash;
    uint64_t off;         /* the tuple's offset in data + 1; 0: empty */
} eq_slot;

struct st_eqset {
    st_type *schema;      /* a reference */
    int n_keys;
    eq_key *keys;
    st_buf data;          /* encoded tuples, back to back */
    size_t count;         /* tuples */
    eq_slot *slots;       /* NULL while empty */
    size_t mask;
    uint64_t *filter;     /* 4 bits per slot, two set per tuple (see filter_bits) */
    size_t filter_mask;   /* in words */
};

/* ------------------------------------------------------------ key columns */

static int kind_of(const st_type *t, uint8_t *kind, int32_t *width)
{
    *width = 0;
    switch (t->id) {
    case ST_TYPE_BOOLEAN: *kind = EK_BOOL; return 0;
    case ST_TYPE_INT: case ST_TYPE_DATE: *kind = EK_I32; return 0;
    case ST_TYPE_LONG: case ST_TYPE_TIME: case ST_TYPE_TIMESTAMP: case ST_TYPE_TIMESTAMPTZ:
    case ST_TYPE_TIMESTAMP_NS: case ST_TYPE_TIMESTAMPTZ_NS:
        *kind = EK_I64; return 0;
    case ST_TYPE_FLOAT: *kind = EK_F32; return 0;
    case ST_TYPE_DOUBLE: *kind = EK_F64; return 0;
    case ST_TYPE_DECIMAL: *kind = EK_DEC; *width = 16; return 0;
    case ST_TYPE_UUID: *kind = EK_FIXED; *width = 16; return 0;
    case ST_TYPE_FIXED: *kind = EK_FIXED; *width = t->length; return 0;
    case ST_TYPE_STRING: case ST_TYPE_BINARY: *kind = EK_VAR; return 0;
    default: return -1;
    }
}

/* Finds field `id` among the fields of struct type `t` with vectors `cols`,
 * descending into structs (not lists or maps). */
static const st_type *find_field(const st_type *t, st_vector *const *cols, int32_t id,
                                 eq_col *c, int depth)
{
    for (int i = 0; i < t->n_fields; i++)
        if (t->fields[i].id == id) {
            c->v = cols[i];
            c->n_parents = depth;
            return t->fields[i].type;
        }
    if (depth == EQ_MAX_DEPTH)
        return NULL;
    for (int i = 0; i < t->n_fields; i++) {
        const st_type *ft;
        if (t->fields[i].type->id != ST_TYPE_STRUCT)
            continue;
        c->parents[depth] = cols[i];
        if ((ft = find_field(t->fields[i].type, cols[i]->children, id, c, depth + 1)))
            return ft;
    }
    return NULL;
}

static char *type_text(char *buf, size_t n, const st_type *t)
{
    if (t->id == ST_TYPE_DECIMAL)
        snprintf(buf, n, "decimal(%d,%d)", (int)t->precision, (int)t->scale);
    else if (t->id == ST_TYPE_FIXED)
        snprintf(buf, n, "fixed[%d]", (int)t->length);
    else
        snprintf(buf, n, "%s", st_type_id_name(t->id));
    return buf;
}

/*
 * Locates key `k` in batch `b`. `promote` accepts the narrower types a delete
 * file may hold (int for long, float for double, a decimal of lower precision
 * and the same scale). `file` names the delete file the batch came from: its
 * faults are ST_ECORRUPT; a probed batch's are ST_ENOTFOUND / ST_EINVALID.
 */
static int locate(eq_col *c, const eq_key *k, const st_batch *b, int promote, const char *file)
{
    const st_type *ft;
    uint8_t kind;
    int32_t width;
    char t1[48], t2[48];

    memset(c, 0, sizeof(*c));
    if (!(ft = find_field(b->schema, b->columns, k->id, c, 0))) {
        if (file)
            return st_error_set(ST_ECORRUPT, ST_ERROR_ICEBERG,
                                "equality-delete file '%s' has no column for key '%s' (field "
                                "id %d)", file, k->name, (int)k->id);
        return st_error_set(ST_ENOTFOUND, ST_ERROR_ICEBERG,
                            "equality key '%s' (field id %d) is not a column of the batch",
                            k->name, (int)k->id);
    }
    if (kind_of(ft, &kind, &width) < 0)
        goto mismatch;
    if (ft->id == k->type->id) {
        int same = ft->id == ST_TYPE_FIXED ? width == k->width
                   : ft->id == ST_TYPE_DECIMAL ? ft->scale == k->type->scale &&
                                                     (ft->precision == k->type->precision ||
                                                      (promote &&
                                                       ft->precision < k->type->precision))
                   : 1;
        if (!same)
            goto mismatch;
    } else if (!promote || !((k->type->id == ST_TYPE_LONG && ft->id == ST_TYPE_INT) ||
                             (k->type->id == ST_TYPE_DOUBLE && ft->id == ST_TYPE_FLOAT))) {
        goto mismatch;
    }
    c->src = kind;
    c->maybe_null = c->v->validity != NULL;
    for (int i = 0; i < c->n_parents; i++)
        c->maybe_null |= c->parents[i]->validity != NULL;
    return 0;
mismatch:
    type_text(t1, sizeof(t1), ft);
    type_text(t2, sizeof(t2), k->type);
    if (file)
        return st_error_set(ST_ECORRUPT, ST_ERROR_ICEBERG,
                            "equality-delete file '%s': key '%s' (field id %d) is %s, which "
                            "does not promote to %s", file, k->name, (int)k->id, t1, t2);
    return st_error_set(ST_EINVALID, ST_ERROR_ICEBERG,
                        "equality key '%s' (field id %d) is %s in the batch, expected %s",
                        k->name, (int)k->id, t1, t2);
}

static inline int col_valid(const eq_col *c, int64_t r)
{
    if (!c->maybe_null)
        return 1;
    for (int i = 0; i < c->n_parents; i++)
        if (!st_vector_is_valid(c->parents[i], r))
            return 0;
    return st_vector_is_valid(c->v, r);
}

static inline uint32_t f32_bits(float f)
{
    uint32_t u;
    if (isnan(f))
        return 0x7fc00000u;
    memcpy(&u, &f, 4);
    return u;
}

static inline uint64_t f64_bits(double d)
{
    uint64_t u;
    if (isnan(d))
        return 0x7ff8000000000000ULL;
    memcpy(&u, &d, 8);
    return u;
}

static inline const uint8_t *var_at(const st_vector *v, int64_t r, size_t *len)
{
    const int32_t *off = (const int32_t *)(const void *)v->values;
    *len = (size_t)(off[r + 1] - off[r]);
    return v->data ? v->data + off[r] : (const uint8_t *)"";
}

/* The canonical bytes of row r's (valid) value: fixed kinds into buf, variable
 * ones in place. Returns the byte count. */
static size_t col_value(const eq_col *c, const eq_key *k, int64_t r, uint8_t *buf,
                        const uint8_t **p)
{
    const st_vector *v = c->v;
    *p = buf;
    switch (k->kind) {
    case EK_BOOL:
        buf[0] = (uint8_t)st_vector_get_bool(v, r);
        return 1;
    case EK_I32: {
        int32_t x = st_vector_get_i32(v, r);
        memcpy(buf, &x, 4);
        return 4;
    }
    case EK_I64: {
        int64_t x = c->src == EK_I32 ? st_vector_get_i32(v, r) : st_vector_get_i64(v, r);
        memcpy(buf, &x, 8);
        return 8;
    }
    case EK_F32: {
        uint32_t u = f32_bits(st_vector_get_f32(v, r));
        memcpy(buf, &u, 4);
        return 4;
    }
    case EK_F64: {
        uint64_t u = f64_bits(c->src == EK_F32 ? (double)st_vector_get_f32(v, r)
                                               : st_vector_get_f64(v, r));
        memcpy(buf, &u, 8);
        return 8;
    }
    case EK_DEC:
        *p = v->values + 16 * r;
        return 16;
    case EK_FIXED:
        *p = v->values + (int64_t)k->width * r;
        return (size_t)k->width;
    default: {
        size_t len;
        *p = var_at(v, r, &len);
        return len;
    }
    }
}

/* ------------------------------------------------------------ hashing */

/* Folds column `c` of rows r0 .. r0+n-1 into h[0..n). */
static void hash_column(const eq_col *c, const eq_key *k, uint64_t seed, int64_t r0, int n,
                        uint64_t *h)
{
    uint64_t t[EQ_BLOCK];
    const st_vector *v = c->v;
    switch (c->src) {
    case EK_BOOL:
        for (int i = 0; i < n; i++)
            t[i] = st_hash_u64((uint64_t)st_vector_get_bool(v, r0 + i) ^ seed);
        break;
    case EK_I32: {
        const int32_t *x = (const int32_t *)(const void *)v->values + r0;
        for (int i = 0; i < n; i++)
            t[i] = st_hash_u64((uint64_t)(int64_t)x[i] ^ seed);
        break;
    }
    case EK_I64: {
        const int64_t *x = (const int64_t *)(const void *)v->values + r0;
        for (int i = 0; i < n; i++)
            t[i] = st_hash_u64((uint64_t)x[i] ^ seed);
        break;
    }
    case EK_F32: {
        const float *x = (const float *)(const void *)v->values + r0;
        if (k->kind == EK_F64)
            for (int i = 0; i < n; i++)
                t[i] = st_hash_u64(f64_bits((double)x[i]) ^ seed);
        else
            for (int i = 0; i < n; i++)
                t[i] = st_hash_u64(f32_bits(x[i]) ^ seed);
        break;
    }
    case EK_F64: {
        const double *x = (const double *)(const void *)v->values + r0;
        for (int i = 0; i < n; i++)
            t[i] = st_hash_u64(f64_bits(x[i]) ^ seed);
        break;
    }
    case EK_DEC: {
        const uint8_t *x = v->values + 16 * r0;
        for (int i = 0; i < n; i++) {
            uint64_t lo, hi;
            memcpy(&lo, x + 16 * i, 8);
            memcpy(&hi, x + 16 * i + 8, 8);
            t[i] = st_hash_u64(lo ^ st_hash_u64(hi ^ seed));
        }
        break;
    }
    case EK_FIXED: {
        size_t w = (size_t)k->width;
        const uint8_t *x = v->values + (int64_t)w * r0;
        for (int i = 0; i < n; i++)
            t[i] = st_xxh64(x + w * (size_t)i, w, seed);
        break;
    }
    default:
        for (int i = 0; i < n; i++) {
            size_t len;
            const uint8_t *p = var_at(v, r0 + i, &len);
            t[i] = st_xxh64(p, len, seed);
        }
        break;
    }
    if (c->maybe_null)
        for (int i = 0; i < n; i++)
            if (!col_valid(c, r0 + i))
                t[i] = EQ_NULL_HASH ^ seed;
    for (int i = 0; i < n; i++)
        h[i] = ((h[i] << 29 | h[i] >> 35) ^ t[i]) * EQ_FOLD;
}

static void hash_rows(const st_eqset *s, const eq_col *cols, int64_t r0, int n, uint64_t *h)
{
    memset(h, 0, (size_t)n * sizeof(uint64_t));
    for (int k = 0; k < s->n_keys; k++)
        hash_column(&cols[k], &s->keys[k], (uint64_t)k * 0x2545F4914F6CDD1DULL, r0, n, h);
}

/* ------------------------------------------------------------ the table */

/*
 * A Bloom filter in front of the table: one 64-bit word per tuple chosen by the
 * hash's high bits, two bits set in it. At 8 bits per tuple about 5% of absent
 * rows pass, and the filter is small enough to stay in cache where the slots
 * (16 bytes, half empty) do not, so most data rows never touch the table.
 */
static inline uint64_t filter_bits(uint64_t h)
{
    return 1ULL << ((h >> 52) & 63) | 1ULL << ((h >> 58) & 63);
}

static inline int filter_may_hold(const st_eqset *s, uint64_t h)
{
    uint64_t m = filter_bits(h);
    return (s->filter[(h >> 32) & s->filter_mask] & m) == m;
}

/* 1 when row r's key tuple is the encoded tuple at e (our own bytes: trusted). */
static int row_equals(const st_eqset *s, const eq_col *cols, int64_t r, const uint8_t *e)
{
    for (int k = 0; k < s->n_keys; k++) {
        uint8_t buf[16];
        const uint8_t *p;
        size_t n;
        int valid = col_valid(&cols[k], r);
        if (*e++ != valid)
            return 0;
        if (!valid)
            continue;
        n = col_value(&cols[k], &s->keys[k], r, buf, &p);
        if (s->keys[k].kind == EK_VAR) {
            uint32_t l;
            memcpy(&l, e, 4);
            e += 4;
            if (l != n)
                return 0;
        }
        if (n && memcmp(e, p, n) != 0)
            return 0;
        e += n;
    }
    return 1;
}

static int find(const st_eqset *s, const eq_col *cols, int64_t r, uint64_t h)
{
    for (size_t i = h & s->mask; s->slots[i].off; i = (i + 1) & s->mask)
        if (s->slots[i].hash == h &&
            row_equals(s, cols, r, s->data.ptr + s->slots[i].off - 1))
            return 1;
    return 0;
}

static int rehash(st_eqset *s, size_t slots)
{
    size_t words = slots / 16;
    eq_slot *t = st_calloc(slots, sizeof(eq_slot));
    uint64_t *f = st_calloc(words, sizeof(uint64_t));
    if (!t || !f) {
        st_free(t);
        st_free(f);
        return st_error_set_oom();
    }
    for (size_t i = 0; s->slots && i <= s->mask; i++) {
        uint64_t h = s->slots[i].hash;
        size_t j;
        if (!s->slots[i].off)
            continue;
        for (j = h & (slots - 1); t[j].off; j = (j + 1) & (slots - 1))
            ;
        t[j] = s->slots[i];
        f[(h >> 32) & (words - 1)] |= filter_bits(h);
    }
    st_free(s->slots);
    st_free(s->filter);
    s->slots = t;
    s->mask = slots - 1;
    s->filter = f;
    s->filter_mask = words - 1;
    return 0;
}

/* Stores row r's tuple (known absent) under hash h. */
static int insert(st_eqset *s, const eq_col *cols, int64_t r, uint64_t h)
{
    size_t start = s->data.len, i;
    int rc;
    if (!s->slots || (s->count + 1) * 2 > s->mask + 1)
        if ((rc = rehash(s, s->slots ? (s->mask + 1) * 2 : 64)) < 0)
            return rc;
    for (int k = 0; k < s->n_keys; k++) {
        uint8_t buf[16], flag = (uint8_t)col_valid(&cols[k], r);
        const uint8_t *p;
        size_t n;
        if ((rc = st_buf_put(&s->data, &flag, 1)) < 0)
            goto fail;
        if (!flag)
            continue;
        n = col_value(&cols[k], &s->keys[k], r, buf, &p);
        if (s->keys[k].kind == EK_VAR) {
            uint32_t l = (uint32_t)n;
            if ((rc = st_buf_put(&s->data, &l, 4)) < 0)
                goto fail;
        }
        if (n && (rc = st_buf_put(&s->data, p, n)) < 0)
            goto fail;
    }
    for (i = h & s->mask; s->slots[i].off; i = (i + 1) & s->mask)
        ;
    s->slots[i].hash = h;
    s->slots[i].off = start + 1;
    s->filter[(h >> 32) & s->filter_mask] |= filter_bits(h);
    s->count++;
    return 0;
fail:
    s->data.len = start;
    return rc;
}

/* Locates every key column of `b` into cols[0..n_keys). */
static int locate_all(const st_eqset *s, const st_batch *b, eq_col *cols, int promote,
                      const char *file)
{
    int rc;
    for (int k = 0; k < s->n_keys; k++)
        if ((rc = locate(&cols[k], &s->keys[k], b, promote, file)) < 0)
            return rc;
    return 0;
}

static int add_rows(st_eqset *s, const st_batch *b, int promote, const char *file)
{
    eq_col *cols = st_calloc((size_t)s->n_keys, sizeof(eq_col));
    uint64_t h[EQ_BLOCK];
    int rc;
    if (!cols)
        return st_error_set_oom();
    if ((rc = locate_all(s, b, cols, promote, file)) < 0)
        goto done;
    for (int64_t r0 = 0; r0 < b->length; r0 += EQ_BLOCK) {
        int n = b->length - r0 < EQ_BLOCK ? (int)(b->length - r0) : EQ_BLOCK;
        hash_rows(s, cols, r0, n, h);
        for (int i = 0; i < n; i++)
            if ((!s->slots || !filter_may_hold(s, h[i]) || !find(s, cols, r0 + i, h[i])) &&
                (rc = insert(s, cols, r0 + i, h[i])) < 0)
                goto done;
    }
done:
    st_free(cols);
    return rc;
}

/* ------------------------------------------------------------ public */

int st_eqset_new(st_eqset **out, st_type *key_schema)
{
    st_eqset *s;
    *out = NULL;
    if (!key_schema || key_schema->id != ST_TYPE_STRUCT || key_schema->n_fields < 1)
        return st_error_set(ST_EINVALID, ST_ERROR_ICEBERG,
                            "equality-delete keys must be a struct of at least one column");
    if (!(s = st_calloc(1, sizeof(*s))) ||
        !(s->keys = st_calloc((size_t)key_schema->n_fields, sizeof(eq_key)))) {
        st_free(s);
        return st_error_set_oom();
    }
    s->n_keys = key_schema->n_fields;
    for (int i = 0; i < s->n_keys; i++) {
        const st_field *f = &key_schema->fields[i];
        eq_key *k = &s->keys[i];
        k->id = f->id;
        k->name = f->name;
        k->type = f->type;
        if (kind_of(f->type, &k->kind, &k->width) < 0) {
            int rc = st_error_set(ST_EINVALID, ST_ERROR_ICEBERG,
                                  "equality key '%s' (field id %d) is %s, not a primitive type",
                                  f->name, (int)f->id, st_type_id_name(f->type->id));
            st_free(s->keys);
            st_free(s);
            return rc;
        }
    }
    s->schema = st_type_ref(key_schema);
    *out = s;
    return 0;
}

void st_eqset_free(st_eqset *s)
{
    if (!s)
        return;
    st_type_free(s->schema);
    st_free(s->keys);
    st_buf_dispose(&s->data);
    st_free(s->slots);
    st_free(s->filter);
    st_free(s);
}

int64_t st_eqset_count(const st_eqset *s)
{
    return (int64_t)s->count;
}

int st_eqset_add_batch(st_eqset *s, const st_batch *b)
{
    return add_rows(s, b, 1, NULL);
}

int st_eqset_add_file(st_eqset *s, const char *local_path, const char *name_mapping)
{
    st_parquet_read_options o = ST_PARQUET_READ_OPTIONS_INIT;
    st_parquet_reader *r = NULL;
    st_batch *b = NULL;
    int32_t *ids = NULL;
    int rc;

    o.name_mapping = name_mapping;
    if ((rc = st_parquet_reader_open(&r, local_path, &o)) < 0)
        return rc;
    if (!(ids = st_calloc((size_t)s->n_keys, sizeof(int32_t)))) {
        rc = st_error_set_oom();
        goto done;
    }
    for (int k = 0; k < s->n_keys; k++) {
        ids[k] = s->keys[k].id;
        if ((rc = st_parquet_reader_select_ids(r, &ids[k], 1)) == ST_ENOTFOUND)
            rc = st_error_set(ST_ECORRUPT, ST_ERROR_ICEBERG,
                              "equality-delete file '%s' has no column for key '%s' (field id "
                              "%d)", local_path, s->keys[k].name, (int)ids[k]);
        if (rc < 0)
            goto done;
    }
    if ((rc = st_parquet_reader_select_ids(r, ids, s->n_keys)) < 0)
        goto done;
    for (int rg = 0; rg < st_parquet_reader_num_row_groups(r); rg++) {
        if ((rc = st_parquet_reader_read_row_group(&b, r, rg)) < 0 ||
            (rc = add_rows(s, b, 1, local_path)) < 0)
            goto done;
        st_batch_free(b);
        b = NULL;
    }
done:
    st_batch_free(b);
    st_free(ids);
    st_parquet_reader_free(r);
    return rc;
}

int st_eqset_apply(const st_eqset *s, const st_batch *b, uint8_t *keep)
{
    eq_col small[4], *cols = small;
    uint64_t h[EQ_BLOCK];
    uint16_t cand[EQ_BLOCK];
    int rc;

    if (s->n_keys > 4 && !(cols = st_calloc((size_t)s->n_keys, sizeof(eq_col))))
        return st_error_set_oom();
    if ((rc = locate_all(s, b, cols, 0, NULL)) < 0 || !s->count)
        goto done;
    for (int64_t r0 = 0; r0 < b->length; r0 += EQ_BLOCK) {
        int n = b->length - r0 < EQ_BLOCK ? (int)(b->length - r0) : EQ_BLOCK, nc = 0;
        uint8_t *kp = keep + r0;
        hash_rows(s, cols, r0, n, h);
        for (int i = 0; i < n; i++) {
            cand[nc] = (uint16_t)i;
            nc += kp[i] && filter_may_hold(s, h[i]);
        }
        /* the slots of rows a few candidates ahead are fetched while probing */
        for (int j = 0; j < nc && j < 8; j++)
            __builtin_prefetch(&s->slots[h[cand[j]] & s->mask]);
        for (int j = 0; j < nc; j++) {
            int i = cand[j];
            if (j + 8 < nc)
                __builtin_prefetch(&s->slots[h[cand[j + 8]] & s->mask]);
            if (find(s, cols, r0 + i, h[i]))
                kp[i] = 0;
        }
    }
done:
    if (cols != small)
        st_free(cols);
    return rc;
}
