/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Dictionary building for the writer: distinct values in order of first
 * appearance, found through an open-addressing hash table with linear probing,
 * kept at most half full.
 *
 * Specialised per key shape, because this loop runs once per value written:
 *   W4, W8   INT32/FLOAT, INT64/DOUBLE (and 4-/8-byte FLBA): the slot holds the
 *            key and index + 1, so a hit costs one cache line. Keys are bit
 *            patterns: -0.0 and +0.0, or two NaN payloads, stay distinct, which
 *            keeps the round trip bit-exact.
 *   FIXED    other FIXED_LEN_BYTE_ARRAY widths (uuid, decimals, fixed(L))
 *   BYTES    BYTE_ARRAY
 *   FIXED and BYTES slots hold 32 bits of the hash as a tag and index + 1; the
 *   entry bytes are compared only when the tag matches.
 * A value equal to the one before it skips the table: runs are common.
 */
#include <string.h>

#include <supertable/errors.h>
#include "parquet/encoding_int.h"
#include "parquet/writer_int.h"
#include "util/alloc.h"
#include "util/hash.h"

typedef struct { uint32_t key, idx1; } slot4;
typedef struct { uint64_t key; uint32_t idx1, pad; } slot8;
typedef struct { uint32_t tag, idx1; } slotx;

#define INITIAL_SLOTS 1024u
#define FIB 0x9E3779B97F4A7C15ULL

/* Slot of a key hash: the high bits of a Fibonacci product spread sequential keys. */
static inline uint32_t slot_of(uint64_t h, uint32_t mask)
{
    return (uint32_t)((h * FIB) >> 32) & mask;
}

/* Equality of two n-byte strings without a library call for short ones; every load
 * stays inside the n bytes (overlapping loads cover the middle). */
static inline int eq_bytes(const uint8_t *a, const uint8_t *b, size_t n)
{
    if (n >= 8 && n <= 16)
        return pq_ld64(a) == pq_ld64(b) && pq_ld64(a + n - 8) == pq_ld64(b + n - 8);
    if (n >= 4 && n < 8)
        return pq_ld32(a) == pq_ld32(b) && pq_ld32(a + n - 4) == pq_ld32(b + n - 4);
    if (n < 4) {
        for (size_t i = 0; i < n; i++)
            if (a[i] != b[i])
                return 0;
        return 1;
    }
    return memcmp(a, b, n) == 0;
}

/* Up to 16 bytes: two overlapping loads and one mix; longer: XXH64. */
static inline uint64_t hash_bytes(const uint8_t *p, size_t n)
{
    uint64_t a = 0, b = 0;
    if (n > 16)
        return st_xxh64(p, n, 0);
    if (n >= 8) {
        a = pq_ld64(p);
        b = pq_ld64(p + n - 8);
    } else if (n >= 4) {
        a = pq_ld32(p);
        b = pq_ld32(p + n - 4);
    } else if (n > 0) {
        a = (uint64_t)p[0] | (uint64_t)p[n / 2] << 8 | (uint64_t)p[n - 1] << 16;
    }
    return st_hash_u64(a ^ ((b ^ n) * FIB) ^ (b >> 29));
}

static size_t slot_size(pw_dict_kind k)
{
    return k == PW_DICT_W4 ? sizeof(slot4) : k == PW_DICT_W8 ? sizeof(slot8) : sizeof(slotx);
}

int pw_dict_init(pw_dict *d, const pw_leaf *lf)
{
    memset(d, 0, sizeof(*d));
    d->width = lf->width;
    if (lf->physical == PQ_BYTE_ARRAY)
        d->kind = PW_DICT_BYTES;
    else if (lf->width == 4)
        d->kind = PW_DICT_W4;
    else if (lf->width == 8)
        d->kind = PW_DICT_W8;
    else
        d->kind = PW_DICT_FIXED;
    d->slots = st_calloc(INITIAL_SLOTS, slot_size(d->kind));
    if (!d->slots)
        return ST_ENOMEM;
    d->mask = INITIAL_SLOTS - 1;
    if (d->kind == PW_DICT_BYTES) {
        static const int32_t zero;
        if (st_buf_put(&d->offsets, &zero, 4) < 0) {
            pw_dict_dispose(d);
            return ST_ENOMEM;
        }
    }
    return 0;
}

void pw_dict_clear(pw_dict *d)
{
    if (d->slots)
        memset(d->slots, 0, (size_t)(d->mask + 1) * slot_size(d->kind));
    d->count = 0;
    d->plain_bytes = 0;
    d->entries.len = 0;
    if (d->kind == PW_DICT_BYTES)
        d->offsets.len = 4;
}

void pw_dict_dispose(pw_dict *d)
{
    st_free(d->slots);
    st_buf_dispose(&d->entries);
    st_buf_dispose(&d->offsets);
    memset(d, 0, sizeof(*d));
}

const uint8_t *pw_dict_entry(const pw_dict *d, uint32_t i, uint32_t *len)
{
    if (d->kind == PW_DICT_BYTES) {
        const int32_t *off = (const int32_t *)(const void *)d->offsets.ptr;
        *len = (uint32_t)(off[i + 1] - off[i]);
        return d->entries.ptr + off[i];
    }
    *len = (uint32_t)d->width;
    return d->entries.ptr + (size_t)i * (size_t)d->width;
}

static uint64_t entry_hash(const pw_dict *d, uint32_t i)
{
    uint32_t len;
    const uint8_t *p = pw_dict_entry(d, i, &len);
    return hash_bytes(p, len);
}

/* Doubles the table and re-inserts every entry. */
static int grow(pw_dict *d)
{
    uint32_t cap = (d->mask + 1) * 2, mask = cap - 1;
    void *ns = st_calloc(cap, slot_size(d->kind));
    if (!ns)
        return ST_ENOMEM;
    for (uint32_t i = 0; i <= d->mask; i++) {
        uint32_t h;
        if (d->kind == PW_DICT_W4) {
            slot4 s = ((slot4 *)d->slots)[i];
            if (!s.idx1)
                continue;
            for (h = slot_of(s.key, mask); ((slot4 *)ns)[h].idx1; h = (h + 1) & mask)
                ;
            ((slot4 *)ns)[h] = s;
        } else if (d->kind == PW_DICT_W8) {
            slot8 s = ((slot8 *)d->slots)[i];
            if (!s.idx1)
                continue;
            for (h = slot_of(s.key, mask); ((slot8 *)ns)[h].idx1; h = (h + 1) & mask)
                ;
            ((slot8 *)ns)[h] = s;
        } else {
            slotx s = ((slotx *)d->slots)[i];
            if (!s.idx1)
                continue;
            for (h = slot_of(entry_hash(d, s.idx1 - 1) >> 32, mask); ((slotx *)ns)[h].idx1;
                 h = (h + 1) & mask)
                ;
            ((slotx *)ns)[h] = s;
        }
    }
    st_free(d->slots);
    d->slots = ns;
    d->mask = mask;
    return 0;
}

/* After adding an entry: keep the table at most half full. */
static inline int after_add(pw_dict *d)
{
    return (d->count * 2 > d->mask) ? grow(d) : 0;
}

static int insert_w4(pw_dict *d, const uint8_t *vals, int64_t v0, int64_t v1, uint32_t *idx,
                     uint64_t limit, int64_t *stop)
{
    uint32_t last = 0, last_idx = UINT32_MAX;
    for (int64_t i = v0; i < v1; i++) {
        uint32_t k = pq_ld32(vals + 4 * i), h, found;
        slot4 *slots = d->slots;
        if (k == last && last_idx != UINT32_MAX) {
            idx[i] = last_idx;
            continue;
        }
        for (h = slot_of(k, d->mask);; h = (h + 1) & d->mask) {
            if (slots[h].idx1 == 0) {
                if (d->plain_bytes + 4 > limit) {
                    *stop = i;
                    return 1;
                }
                if (d->entries.len + 4 > d->entries.cap && st_buf_grow(&d->entries, 4) < 0)
                    return ST_ENOMEM;
                memcpy(d->entries.ptr + d->entries.len, &k, 4);
                d->entries.len += 4;
                slots[h].key = k;
                slots[h].idx1 = found = ++d->count;
                d->plain_bytes += 4;
                if (after_add(d) < 0)
                    return ST_ENOMEM;
                break;
            }
            if (slots[h].key == k) {
                found = slots[h].idx1;
                break;
            }
        }
        last = k;
        last_idx = idx[i] = found - 1;
    }
    return 0;
}

static int insert_w8(pw_dict *d, const uint8_t *vals, int64_t v0, int64_t v1, uint32_t *idx,
                     uint64_t limit, int64_t *stop)
{
    uint64_t last = 0;
    uint32_t last_idx = UINT32_MAX;
    for (int64_t i = v0; i < v1; i++) {
        uint64_t k = pq_ld64(vals + 8 * i);
        uint32_t h, found;
        slot8 *slots = d->slots;
        if (k == last && last_idx != UINT32_MAX) {
            idx[i] = last_idx;
            continue;
        }
        for (h = slot_of(k, d->mask);; h = (h + 1) & d->mask) {
            if (slots[h].idx1 == 0) {
                if (d->plain_bytes + 8 > limit) {
                    *stop = i;
                    return 1;
                }
                if (d->entries.len + 8 > d->entries.cap && st_buf_grow(&d->entries, 8) < 0)
                    return ST_ENOMEM;
                memcpy(d->entries.ptr + d->entries.len, &k, 8);
                d->entries.len += 8;
                slots[h].key = k;
                slots[h].idx1 = found = ++d->count;
                d->plain_bytes += 8;
                if (after_add(d) < 0)
                    return ST_ENOMEM;
                break;
            }
            if (slots[h].key == k) {
                found = slots[h].idx1;
                break;
            }
        }
        last = k;
        last_idx = idx[i] = found - 1;
    }
    return 0;
}

static int add_entry(pw_dict *d, const uint8_t *p, uint32_t len)
{
    if (st_buf_put(&d->entries, p, len) < 0)
        return ST_ENOMEM;
    if (d->kind == PW_DICT_BYTES) {
        int32_t end = (int32_t)d->entries.len;
        if (d->entries.len > INT32_MAX)
            return st_error_set(ST_EUNSUPPORTED, ST_ERROR_PARQUET,
                                "dictionary passes 2 GiB");
        if (st_buf_put(&d->offsets, &end, 4) < 0)
            return ST_ENOMEM;
        d->plain_bytes += 4;
    }
    d->plain_bytes += len;
    d->count++;
    return 0;
}

/*
 * Looks one FIXED or BYTES value up, adding it when new and there is room.
 * *found gets the entry index + 1; 1 when the dictionary is full. BYTES is a
 * compile-time constant where this is inlined, so the entry lookups specialise.
 */
static inline __attribute__((always_inline)) int lookup_var(pw_dict *d, const uint8_t *p,
                                                            uint32_t len, uint64_t limit,
                                                            const int BYTES, uint32_t *found)
{
    uint64_t hv = hash_bytes(p, len);
    uint32_t tag = (uint32_t)hv, mask = d->mask, h;
    slotx *slots = d->slots;
    int rc;
    for (h = slot_of(hv >> 32, mask);; h = (h + 1) & mask) {
        uint32_t e = slots[h].idx1;
        if (e == 0)
            break;
        if (slots[h].tag != tag)
            continue;
        if (BYTES) {
            const int32_t *eo = (const int32_t *)(const void *)d->offsets.ptr;
            if ((uint32_t)(eo[e] - eo[e - 1]) == len &&
                eq_bytes(d->entries.ptr + eo[e - 1], p, len)) {
                *found = e;
                return 0;
            }
        } else if (eq_bytes(d->entries.ptr + (size_t)(e - 1) * len, p, len)) {
            *found = e;
            return 0;
        }
    }
    if (d->plain_bytes + (BYTES ? 4 : 0) + len > limit)
        return 1;
    if ((rc = add_entry(d, p, len)) < 0)
        return rc;
    slots[h].tag = tag;
    slots[h].idx1 = *found = d->count;
    return after_add(d);
}

static int insert_bytes(pw_dict *d, const pw_dense *v, int64_t v0, int64_t v1, uint32_t *idx,
                        uint64_t limit, int64_t *stop)
{
    const int32_t *off = v->off;
    const uint8_t *last = NULL;
    uint32_t last_len = 0, last_idx = 0;
    for (int64_t i = v0; i < v1; i++) {
        const uint8_t *p = v->data + off[i];
        uint32_t len = (uint32_t)(off[i + 1] - off[i]), found = 0;
        int rc;
        if (last && len == last_len && eq_bytes(p, last, len)) {
            idx[i] = last_idx;
            continue;
        }
        if ((rc = lookup_var(d, p, len, limit, 1, &found)) != 0) {
            *stop = i;
            return rc;
        }
        last = p;
        last_len = len;
        last_idx = idx[i] = found - 1;
    }
    return 0;
}

static int insert_fixed(pw_dict *d, const pw_dense *v, int64_t v0, int64_t v1, uint32_t *idx,
                        uint64_t limit, int64_t *stop)
{
    uint32_t w = (uint32_t)d->width, last_idx = 0;
    const uint8_t *last = NULL;
    for (int64_t i = v0; i < v1; i++) {
        const uint8_t *p = v->fixed + (size_t)i * w;
        uint32_t found = 0;
        int rc;
        if (last && eq_bytes(p, last, w)) {
            idx[i] = last_idx;
            continue;
        }
        if ((rc = lookup_var(d, p, w, limit, 0, &found)) != 0) {
            *stop = i;
            return rc;
        }
        last = p;
        last_idx = idx[i] = found - 1;
    }
    return 0;
}

int pw_dict_insert(pw_dict *d, const pw_dense *v, int64_t v0, int64_t v1, uint32_t *idx,
                   uint64_t limit, int64_t *stop)
{
    *stop = v1;
    switch (d->kind) {
    case PW_DICT_W4: return insert_w4(d, v->fixed, v0, v1, idx, limit, stop);
    case PW_DICT_W8: return insert_w8(d, v->fixed, v0, v1, idx, limit, stop);
    case PW_DICT_FIXED: return insert_fixed(d, v, v0, v1, idx, limit, stop);
    default: return insert_bytes(d, v, v0, v1, idx, limit, stop);
    }
}

uint64_t pw_dict_plain_size(const pw_dict *d, uint32_t n)
{
    if (d->kind == PW_DICT_BYTES) {
        const int32_t *off = (const int32_t *)(const void *)d->offsets.ptr;
        return 4ull * n + (uint64_t)(off[n] - off[0]);
    }
    return (uint64_t)n * (uint64_t)d->width;
}

int pw_dict_plain(const pw_dict *d, uint32_t n, st_buf *out)
{
    if (d->kind == PW_DICT_BYTES) {
        const int32_t *off = (const int32_t *)(const void *)d->offsets.ptr;
        uint8_t *p;
        if (st_buf_grow(out, (size_t)pw_dict_plain_size(d, n)) < 0)
            return ST_ENOMEM;
        p = out->ptr + out->len;
        for (uint32_t i = 0; i < n; i++) {
            uint32_t len = (uint32_t)(off[i + 1] - off[i]);
            memcpy(p, &len, 4);
            memcpy(p + 4, d->entries.ptr + off[i], len);
            p += 4 + len;
        }
        out->len = (size_t)(p - out->ptr);
        return 0;
    }
    return st_buf_put(out, d->entries.ptr, (size_t)n * (size_t)d->width);
}
