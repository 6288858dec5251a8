/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Position sets: the deleted row positions of one data file.
 *
 * LAYOUT
 * As Roaring bitmaps do, positions are grouped by their high 48 bits (the
 * chunk key) into chunks of 65536; a chunk holds the low 16 bits as
 *   PS_ARRAY   uint16 values (sorted and unique once sealed, at most 4096),
 *   PS_BITMAP  1024 uint64 words, 8 KiB, bit v of word v/64 for value v,
 *   PS_RUNS    (first, last) uint16 pairs, inclusive, ascending.
 * A sealed set keeps its chunks sorted by key and each chunk in the smallest
 * of the three forms, so a deletion vector of long ranges stays a few bytes
 * per 64K rows, and probing is a binary search over chunks.
 *
 * BUILDING
 * Adds come in any order. While building, chunks sit in creation order with an
 * open-addressing index by key (plus a one-entry cache for the common case of
 * consecutive positions). An array chunk takes values unsorted (duplicates
 * too) and is deduplicated when it fills; past 3072 distinct values it becomes
 * a bitmap. A range covering a whole chunk makes it one full run (shared, not
 * allocated); smaller ranges make bitmaps, so runs other than the full one only
 * exist in sealed sets, and a sealed set reopened by a later add turns them
 * into bitmaps on the first write.
 */
#include <stdlib.h>
#include <string.h>

#include "scan/deletes_int.h"
#include "supertable/errors.h"
#include "util/alloc.h"
#include "util/hash.h"

#define PS_ARRAY_MAX 4096   /* values of a sealed array chunk */
#define PS_WORDS 1024       /* uint64 words of a bitmap chunk */

typedef struct ps_chunk {
    uint64_t key;       /* position >> 16 */
    uint32_t n;         /* ARRAY: values held; RUNS: runs */
    uint32_t cap;       /* ARRAY: values allocated */
    uint32_t card;      /* distinct positions; exact once sealed */
    uint8_t kind;       /* PS_ARRAY, PS_BITMAP, PS_RUNS */
    uint8_t sorted;     /* ARRAY: ascending without duplicates */
    union {
        uint16_t *vals;
        uint64_t *words;
        uint16_t *runs; /* first, last, first, last, ... */
    } u;
} ps_chunk;

struct st_posset {
    ps_chunk *chunks;
    size_t n, cap;
    uint32_t *index;    /* building: chunk i + 1 per slot, 0 empty; NULL until needed */
    size_t index_mask;
    size_t last;        /* the chunk of the last add, or SIZE_MAX */
    int keys_sorted;    /* chunks are in ascending key order */
    int sealed;
    int64_t count;      /* once sealed */
};

/* The one full run every full chunk shares; never written, never freed. */
static uint16_t ps_full_run[2] = {0, 65535};

/* ------------------------------------------------------------ chunk helpers */

static int chunk_is_full(const ps_chunk *c)
{
    return c->kind == PS_RUNS && c->n == 1 && c->u.runs[0] == 0 && c->u.runs[1] == 65535;
}

static void chunk_release(ps_chunk *c)
{
    if (c->u.runs != ps_full_run)
        st_free(c->u.vals);
    c->u.vals = NULL;
}

static void make_full(ps_chunk *c)
{
    chunk_release(c);
    c->kind = PS_RUNS;
    c->n = 1;
    c->cap = 0;
    c->card = 65536;
    c->u.runs = ps_full_run;
}

static inline void bit_set(uint64_t *w, uint32_t v)
{
    w[v >> 6] |= 1ULL << (v & 63);
}

/* Sets bits lo..hi (inclusive). */
static void bits_set_range(uint64_t *w, uint32_t lo, uint32_t hi)
{
    uint32_t a = lo >> 6, b = hi >> 6;
    uint64_t mlo = ~0ULL << (lo & 63), mhi = ~0ULL >> (63 - (hi & 63));
    if (a == b) {
        w[a] |= mlo & mhi;
        return;
    }
    w[a] |= mlo;
    for (uint32_t k = a + 1; k < b; k++)
        w[k] = ~0ULL;
    w[b] |= mhi;
}

/* Fills `w` (zeroed by the caller) with the chunk's values. */
static void chunk_fill_bits(const ps_chunk *c, uint64_t *w)
{
    switch (c->kind) {
    case PS_ARRAY:
        for (uint32_t i = 0; i < c->n; i++)
            bit_set(w, c->u.vals[i]);
        break;
    case PS_BITMAP:
        memcpy(w, c->u.words, PS_WORDS * sizeof(uint64_t));
        break;
    default:
        for (uint32_t i = 0; i < c->n; i++)
            bits_set_range(w, c->u.runs[2 * i], c->u.runs[2 * i + 1]);
        break;
    }
}

static int chunk_to_bitmap(ps_chunk *c)
{
    uint64_t *w;
    if (c->kind == PS_BITMAP)
        return 0;
    if (!(w = st_calloc(PS_WORDS, sizeof(uint64_t))))
        return st_error_set_oom();
    chunk_fill_bits(c, w);
    chunk_release(c);
    c->u.words = w;
    c->kind = PS_BITMAP;
    c->n = c->cap = 0;
    return 0;
}

/* Writes the set bits of `w` ascending into `out` (room for all); returns how many. */
static uint32_t bits_extract(const uint64_t *w, uint16_t *out)
{
    uint32_t n = 0;
    for (uint32_t k = 0; k < PS_WORDS; k++) {
        uint64_t b = w[k];
        while (b) {
            out[n++] = (uint16_t)(k * 64 + (uint32_t)__builtin_ctzll(b));
            b &= b - 1;
        }
    }
    return n;
}

/* Sorts and deduplicates an array chunk in place (through a bitmap: O(n + 1024)). */
static void array_compact(ps_chunk *c)
{
    uint64_t w[PS_WORDS];
    if (c->sorted)
        return;
    memset(w, 0, sizeof(w));
    for (uint32_t i = 0; i < c->n; i++)
        bit_set(w, c->u.vals[i]);
    c->n = bits_extract(w, c->u.vals);
    c->sorted = 1;
}

static int chunk_add(ps_chunk *c, uint32_t v)
{
    int rc;
    switch (c->kind) {
    case PS_RUNS:
        if (chunk_is_full(c))
            return 0;
        if ((rc = chunk_to_bitmap(c)) < 0)
            return rc;
        /* fall through */
    case PS_BITMAP:
        bit_set(c->u.words, v);
        return 0;
    default:
        break;
    }
    if (c->n && c->sorted) {
        uint16_t top = c->u.vals[c->n - 1];
        if (v == top)
            return 0;
        if (v < top)
            c->sorted = 0;
    }
    if (c->n == c->cap) {
        if (c->cap < PS_ARRAY_MAX) {
            uint32_t cap = c->cap ? c->cap * 2 : 8;
            uint16_t *p = st_realloc(c->u.vals, (size_t)(cap < PS_ARRAY_MAX ? cap : PS_ARRAY_MAX) *
                                                    sizeof(uint16_t));
            if (!p)
                return st_error_set_oom();
            c->u.vals = p;
            c->cap = cap < PS_ARRAY_MAX ? cap : PS_ARRAY_MAX;
        } else {
            array_compact(c);
            if (c->n > PS_ARRAY_MAX / 4 * 3) {
                if ((rc = chunk_to_bitmap(c)) < 0)
                    return rc;
                bit_set(c->u.words, v);
                return 0;
            }
            if (c->n && v <= c->u.vals[c->n - 1])
                c->sorted = 0;
        }
    }
    c->u.vals[c->n++] = (uint16_t)v;
    return 0;
}

/* Adds lo..hi (inclusive) to the chunk. */
static int chunk_add_range(ps_chunk *c, uint32_t lo, uint32_t hi)
{
    int rc;
    if (lo == 0 && hi == 65535) {
        make_full(c);
        return 0;
    }
    if (chunk_is_full(c))
        return 0;
    if (c->kind == PS_ARRAY && hi - lo < 8) {
        for (uint32_t v = lo; v <= hi; v++)
            if ((rc = chunk_add(c, v)) < 0)
                return rc;
        return 0;
    }
    if ((rc = chunk_to_bitmap(c)) < 0)
        return rc;
    bits_set_range(c->u.words, lo, hi);
    return 0;
}

/* Adds every value of `src` (any state) to `c` (building). */
static int chunk_union(ps_chunk *c, const ps_chunk *src)
{
    int rc;
    if (chunk_is_full(c))
        return 0;
    switch (src->kind) {
    case PS_ARRAY:
        for (uint32_t i = 0; i < src->n; i++)
            if ((rc = chunk_add(c, src->u.vals[i])) < 0)
                return rc;
        return 0;
    case PS_BITMAP:
        if ((rc = chunk_to_bitmap(c)) < 0)
            return rc;
        for (uint32_t k = 0; k < PS_WORDS; k++)
            c->u.words[k] |= src->u.words[k];
        return 0;
    default:
        for (uint32_t i = 0; i < src->n; i++)
            if ((rc = chunk_add_range(c, src->u.runs[2 * i], src->u.runs[2 * i + 1])) < 0)
                return rc;
        return 0;
    }
}

static uint32_t popcount_words(const uint64_t *w)
{
    uint32_t n = 0;
    for (uint32_t k = 0; k < PS_WORDS; k++)
        n += (uint32_t)__builtin_popcountll(w[k]);
    return n;
}

/* Runs in a bitmap: the set bits whose lower neighbour is clear. */
static uint32_t bitmap_runs(const uint64_t *w)
{
    uint32_t n = 0;
    uint64_t carry = 0;
    for (uint32_t k = 0; k < PS_WORDS; k++) {
        n += (uint32_t)__builtin_popcountll(w[k] & ~((w[k] << 1) | carry));
        carry = w[k] >> 63;
    }
    return n;
}

/* Writes the runs of bitmap `w` as (first, last) pairs into `out`. */
static void bitmap_to_runs(const uint64_t *w, uint16_t *out)
{
    uint32_t n = 0, v = 0;
    while (v < 65536) {
        uint64_t b = w[v >> 6] >> (v & 63);
        uint32_t start, end;
        if (!b) {
            v = (v | 63) + 1;
            continue;
        }
        start = v + (uint32_t)__builtin_ctzll(b);
        /* the run ends before the next clear bit at or after start */
        end = start;
        for (;;) {
            uint64_t rest = ~(w[end >> 6] >> (end & 63));
            uint32_t avail = 64 - (end & 63);
            uint32_t ones = rest ? (uint32_t)__builtin_ctzll(rest) : avail;
            if (ones > avail)
                ones = avail;
            end += ones;
            if (ones < avail || end >= 65536)
                break;
        }
        out[2 * n] = (uint16_t)start;
        out[2 * n + 1] = (uint16_t)(end - 1);
        n++;
        v = end;
    }
}

/*
 * Finishes a chunk for probing: arrays sorted and unique, the cardinality
 * counted, and the smallest of the three forms chosen (ties go to the form
 * probed faster: array, then bitmap, then runs).
 */
static int chunk_finish(ps_chunk *c)
{
    size_t as_array, as_bitmap = PS_WORDS * 8, as_runs;
    uint32_t runs;
    void *p;

    switch (c->kind) {
    case PS_ARRAY:
        array_compact(c);
        c->card = c->n;
        runs = c->n ? 1 : 0;
        for (uint32_t i = 1; i < c->n; i++)
            runs += c->u.vals[i] != c->u.vals[i - 1] + 1;
        break;
    case PS_BITMAP:
        c->card = popcount_words(c->u.words);
        runs = bitmap_runs(c->u.words);
        break;
    default:
        c->card = 0;
        for (uint32_t i = 0; i < c->n; i++)
            c->card += (uint32_t)c->u.runs[2 * i + 1] - c->u.runs[2 * i] + 1;
        runs = c->n;
        break;
    }
    as_array = c->card <= PS_ARRAY_MAX ? (size_t)c->card * 2 : SIZE_MAX;
    as_runs = (size_t)runs * 4;

    if (as_array <= as_bitmap && as_array <= as_runs) {
        if (c->kind == PS_ARRAY)
            return 0;
        if (!(p = st_malloc(((size_t)c->card + 1) * sizeof(uint16_t))))
            return st_error_set_oom();
        if (c->kind == PS_BITMAP) {
            bits_extract(c->u.words, p);
        } else {
            uint32_t k = 0;
            for (uint32_t i = 0; i < c->n; i++)
                for (uint32_t v = c->u.runs[2 * i]; v <= c->u.runs[2 * i + 1]; v++)
                    ((uint16_t *)p)[k++] = (uint16_t)v;
        }
        chunk_release(c);
        c->u.vals = p;
        c->kind = PS_ARRAY;
        c->n = c->cap = c->card;
        c->sorted = 1;
        return 0;
    }
    if (as_bitmap <= as_runs)
        return chunk_to_bitmap(c);
    if (c->kind == PS_RUNS)
        return 0;
    if (c->card == 65536) {
        make_full(c);
        return 0;
    }
    if (!(p = st_malloc((size_t)runs * 2 * sizeof(uint16_t))))
        return st_error_set_oom();
    if (c->kind == PS_BITMAP) {
        bitmap_to_runs(c->u.words, p);
    } else {
        uint16_t *r = p;
        uint32_t k = 0;
        for (uint32_t i = 0; i < c->n; i++) {
            if (i == 0 || c->u.vals[i] != c->u.vals[i - 1] + 1) {
                if (i)
                    k++;
                r[2 * k] = c->u.vals[i];
            }
            r[2 * k + 1] = c->u.vals[i];
        }
    }
    chunk_release(c);
    c->u.runs = p;
    c->kind = PS_RUNS;
    c->n = runs;
    c->cap = 0;
    return 0;
}

/* Lowest index in sorted vals[0..n) with vals[i] >= v. */
static uint32_t lower_bound16(const uint16_t *vals, uint32_t n, uint32_t v)
{
    uint32_t lo = 0, hi = n;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (vals[mid] < v)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Lowest run index whose last value is >= v. */
static uint32_t lower_bound_run(const uint16_t *runs, uint32_t n, uint32_t v)
{
    uint32_t lo = 0, hi = n;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (runs[2 * mid + 1] < v)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* ------------------------------------------------------------ the chunk index */

static void index_put(st_posset *s, size_t ci)
{
    size_t h = (size_t)st_hash_u64(s->chunks[ci].key) & s->index_mask;
    while (s->index[h])
        h = (h + 1) & s->index_mask;
    s->index[h] = (uint32_t)(ci + 1);
}

static int index_build(st_posset *s, size_t want)
{
    size_t slots = 16;
    while (slots < want * 2)
        slots *= 2;
    uint32_t *idx = st_calloc(slots, sizeof(uint32_t));
    if (!idx)
        return st_error_set_oom();
    st_free(s->index);
    s->index = idx;
    s->index_mask = slots - 1;
    for (size_t i = 0; i < s->n; i++)
        index_put(s, i);
    return 0;
}

/* The chunk with `key`, created empty when missing. */
static int chunk_get(st_posset *s, uint64_t key, ps_chunk **out)
{
    size_t h;
    int rc;
    if (s->last != SIZE_MAX && s->chunks[s->last].key == key) {
        *out = &s->chunks[s->last];
        return 0;
    }
    /* A sealed set reopens for building: its chunks stay valid (non-full runs
     * become bitmaps on their first write); the index went away with the seal. */
    if (!s->index || (s->n + 1) * 2 > s->index_mask + 1)
        if ((rc = index_build(s, (s->n + 1) * 2)) < 0)
            return rc;
    h = (size_t)st_hash_u64(key) & s->index_mask;
    while (s->index[h]) {
        size_t ci = s->index[h] - 1;
        if (s->chunks[ci].key == key) {
            s->last = ci;
            *out = &s->chunks[ci];
            return 0;
        }
        h = (h + 1) & s->index_mask;
    }
    if (s->n >= UINT32_MAX - 1)
        return st_error_set(ST_EINVALID, ST_ERROR_ICEBERG, "position set has too many chunks");
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 8;
        ps_chunk *p = st_reallocarray(s->chunks, cap, sizeof(*p));
        if (!p)
            return st_error_set_oom();
        s->chunks = p;
        s->cap = cap;
    }
    if (s->n && s->chunks[s->n - 1].key > key)
        s->keys_sorted = 0;
    memset(&s->chunks[s->n], 0, sizeof(ps_chunk));
    s->chunks[s->n].key = key;
    s->chunks[s->n].kind = PS_ARRAY;
    s->chunks[s->n].sorted = 1;
    s->index[h] = (uint32_t)(s->n + 1);
    s->last = s->n++;
    *out = &s->chunks[s->last];
    return 0;
}

/* ------------------------------------------------------------ public */

int st_posset_new(st_posset **out)
{
    st_posset *s = st_calloc(1, sizeof(*s));
    *out = NULL;
    if (!s)
        return st_error_set_oom();
    s->last = SIZE_MAX;
    s->keys_sorted = 1;
    *out = s;
    return 0;
}

void st_posset_free(st_posset *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n; i++)
        chunk_release(&s->chunks[i]);
    st_free(s->chunks);
    st_free(s->index);
    st_free(s);
}

int st_posset_add(st_posset *s, int64_t pos)
{
    ps_chunk *c;
    int rc;
    if (pos < 0)
        return st_error_set(ST_EINVALID, ST_ERROR_ICEBERG, "row position %lld is negative",
                            (long long)pos);
    if ((rc = chunk_get(s, (uint64_t)pos >> 16, &c)) < 0)
        return rc;
    s->sealed = 0;
    return chunk_add(c, (uint32_t)(pos & 0xFFFF));
}

int st_posset_add_range(st_posset *s, int64_t start, int64_t end)
{
    uint64_t first, last, kfirst, klast;
    if (start < 0 || end < start)
        return st_error_set(ST_EINVALID, ST_ERROR_ICEBERG, "bad row position range [%lld, %lld)",
                            (long long)start, (long long)end);
    if (start == end)
        return 0;
    first = (uint64_t)start;
    last = (uint64_t)end - 1;
    kfirst = first >> 16;
    klast = last >> 16;
    for (uint64_t key = kfirst; key <= klast; key++) {
        uint32_t lo = key == kfirst ? (uint32_t)(first & 0xFFFF) : 0;
        uint32_t hi = key == klast ? (uint32_t)(last & 0xFFFF) : 65535;
        ps_chunk *c;
        int rc;
        if ((rc = chunk_get(s, key, &c)) < 0)
            return rc;
        s->sealed = 0;
        if ((rc = chunk_add_range(c, lo, hi)) < 0)
            return rc;
    }
    return 0;
}

int st_posset_union(st_posset *dst, const st_posset *src)
{
    if (dst == src)
        return 0;
    for (size_t i = 0; i < src->n; i++) {
        ps_chunk *c;
        int rc;
        if ((rc = chunk_get(dst, src->chunks[i].key, &c)) < 0)
            return rc;
        dst->sealed = 0;
        if ((rc = chunk_union(c, &src->chunks[i])) < 0)
            return rc;
    }
    return 0;
}

int st_posset_load_chunk(st_posset *s, uint64_t key, int kind, const uint8_t *le, uint32_t n)
{
    ps_chunk *c;
    size_t words = kind == PS_ARRAY ? n : kind == PS_BITMAP ? PS_WORDS * 4 : (size_t)n * 2;
    uint16_t *p;

    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 8;
        ps_chunk *grown = st_reallocarray(s->chunks, cap, sizeof(*grown));
        if (!grown)
            return st_error_set_oom();
        s->chunks = grown;
        s->cap = cap;
    }
    if (!(p = st_malloc((words ? words : 1) * sizeof(uint16_t))))
        return st_error_set_oom();
    if (kind == PS_BITMAP) {
        uint64_t *w = (uint64_t *)(void *)p;
        for (size_t k = 0; k < PS_WORDS; k++) {
            uint64_t x = 0;
            for (int b = 7; b >= 0; b--)
                x = (x << 8) | le[8 * k + (size_t)b];
            w[k] = x;
        }
    } else {
        for (size_t k = 0; k < words; k++)
            p[k] = (uint16_t)(le[2 * k] | (le[2 * k + 1] << 8));
        if (kind == PS_RUNS)
            for (size_t k = 0; k < n; k++)
                p[2 * k + 1] = (uint16_t)(p[2 * k] + p[2 * k + 1]);
    }
    if (s->n && s->chunks[s->n - 1].key >= key)
        s->keys_sorted = 0;
    c = &s->chunks[s->n++];
    memset(c, 0, sizeof(*c));
    c->key = key;
    c->kind = (uint8_t)kind;
    c->sorted = 1;
    c->n = kind == PS_BITMAP ? 0 : n;
    c->cap = kind == PS_ARRAY ? n : 0;
    c->u.vals = p;
    /* the index (if any) does not know the chunk: rebuild it when next needed */
    st_free(s->index);
    s->index = NULL;
    s->last = SIZE_MAX;
    s->sealed = 0;
    return 0;
}

static int chunk_cmp(const void *a, const void *b)
{
    uint64_t x = ((const ps_chunk *)a)->key, y = ((const ps_chunk *)b)->key;
    return x < y ? -1 : x > y;
}

int st_posset_seal(st_posset *s)
{
    size_t k = 0;
    int64_t count = 0;
    int rc;
    if (s->sealed)
        return 0;
    for (size_t i = 0; i < s->n; i++)
        if ((rc = chunk_finish(&s->chunks[i])) < 0)
            return rc;
    /* drop chunks left empty by a failed add */
    for (size_t i = 0; i < s->n; i++) {
        if (s->chunks[i].card == 0) {
            chunk_release(&s->chunks[i]);
            continue;
        }
        count += s->chunks[i].card;
        s->chunks[k++] = s->chunks[i];
    }
    s->n = k;
    if (!s->keys_sorted)
        qsort(s->chunks, s->n, sizeof(ps_chunk), chunk_cmp);
    s->keys_sorted = 1;
    st_free(s->index);
    s->index = NULL;
    s->last = SIZE_MAX;
    s->count = count;
    s->sealed = 1;
    return 0;
}

/* The index of the first chunk with key >= `key`. */
static size_t chunk_lower_bound(const st_posset *s, uint64_t key)
{
    size_t lo = 0, hi = s->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (s->chunks[mid].key < key)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

int st_posset_contains(const st_posset *s, int64_t pos)
{
    const ps_chunk *c;
    uint32_t v, i;
    size_t ci;
    if (!s->sealed || pos < 0)
        return 0;   /* probing an unsealed set is a caller bug: nothing is found */
    ci = chunk_lower_bound(s, (uint64_t)pos >> 16);
    if (ci == s->n || s->chunks[ci].key != (uint64_t)pos >> 16)
        return 0;
    c = &s->chunks[ci];
    v = (uint32_t)(pos & 0xFFFF);
    switch (c->kind) {
    case PS_ARRAY:
        i = lower_bound16(c->u.vals, c->n, v);
        return i < c->n && c->u.vals[i] == v;
    case PS_BITMAP:
        return (int)((c->u.words[v >> 6] >> (v & 63)) & 1);
    default:
        i = lower_bound_run(c->u.runs, c->n, v);
        return i < c->n && c->u.runs[2 * i] <= v;
    }
}

int64_t st_posset_count(const st_posset *s)
{
    int64_t n = 0;
    if (s->sealed)
        return s->count;
    for (size_t i = 0; i < s->n; i++) {
        const ps_chunk *c = &s->chunks[i];
        if (c->kind == PS_ARRAY && !c->sorted) {
            uint64_t w[PS_WORDS];
            memset(w, 0, sizeof(w));
            for (uint32_t k = 0; k < c->n; k++)
                bit_set(w, c->u.vals[k]);
            n += popcount_words(w);
        } else if (c->kind == PS_ARRAY) {
            n += c->n;
        } else if (c->kind == PS_BITMAP) {
            n += popcount_words(c->u.words);
        } else {
            for (uint32_t k = 0; k < c->n; k++)
                n += (int64_t)c->u.runs[2 * k + 1] - c->u.runs[2 * k] + 1;
        }
    }
    return n;
}

/* keep[off + v] = 0 for each value v of chunk `c` in lo..hi. */
static void chunk_clear(const ps_chunk *c, uint32_t lo, uint32_t hi, int64_t off, uint8_t *keep)
{
    switch (c->kind) {
    case PS_ARRAY:
        for (uint32_t i = lower_bound16(c->u.vals, c->n, lo); i < c->n && c->u.vals[i] <= hi; i++)
            keep[off + c->u.vals[i]] = 0;
        break;
    case PS_BITMAP: {
        uint32_t a = lo >> 6, b = hi >> 6;
        for (uint32_t k = a; k <= b; k++) {
            uint64_t w = c->u.words[k];
            if (k == a)
                w &= ~0ULL << (lo & 63);
            if (k == b)
                w &= ~0ULL >> (63 - (hi & 63));
            while (w) {
                keep[off + (int64_t)k * 64 + __builtin_ctzll(w)] = 0;
                w &= w - 1;
            }
        }
        break;
    }
    default:
        for (uint32_t i = lower_bound_run(c->u.runs, c->n, lo);
             i < c->n && c->u.runs[2 * i] <= hi; i++) {
            uint32_t a = c->u.runs[2 * i] > lo ? c->u.runs[2 * i] : lo;
            uint32_t b = c->u.runs[2 * i + 1] < hi ? c->u.runs[2 * i + 1] : hi;
            memset(keep + off + a, 0, (size_t)(b - a) + 1);
        }
        break;
    }
}

void st_posset_clear(const st_posset *s, int64_t first, int64_t n, uint8_t *keep)
{
    int64_t start, last;
    uint64_t kfirst, klast;
    if (!s->sealed || n <= 0 || s->n == 0)
        return;
    if (__builtin_add_overflow(first, n - 1, &last))
        last = INT64_MAX;
    if (last < 0)
        return;
    start = first > 0 ? first : 0;
    kfirst = (uint64_t)start >> 16;
    klast = (uint64_t)last >> 16;
    for (size_t i = chunk_lower_bound(s, kfirst); i < s->n && s->chunks[i].key <= klast; i++) {
        const ps_chunk *c = &s->chunks[i];
        uint32_t lo = c->key == kfirst ? (uint32_t)(start & 0xFFFF) : 0;
        uint32_t hi = c->key == klast ? (uint32_t)(last & 0xFFFF) : 65535;
        chunk_clear(c, lo, hi, (int64_t)(c->key << 16) - first, keep);
    }
}

int st_posset_chunk_count(const st_posset *s)
{
    return (int)s->n;
}

int st_posset_chunk_kind(const st_posset *s, int i)
{
    return i >= 0 && (size_t)i < s->n ? s->chunks[i].kind : -1;
}
