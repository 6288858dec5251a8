/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Statistics for the writer: min/max/null/NaN counts of pages and chunks in each
 * column's sort order, their truncation for the footer and column index, and
 * the Iceberg single-value serialisation of bounds for the metrics.
 *
 * Orders (parquet-format's ColumnOrder TYPE_DEFINED_ORDER):
 *   BOOLEAN false < true; INT32/INT64 signed (decimals in them too); FLOAT/DOUBLE
 *   numeric, NaN left out (a chunk of only NaN has no bounds), and a zero bound is
 *   written -0.0 as min and +0.0 as max; byte arrays, uuid and fixed unsigned
 *   lexicographic ("a" < "é", a prefix first); FLBA decimals as signed
 *   big-endian integers.
 *
 * Iceberg serialisation (spec, "Binary single-value serialization"): int/date 4
 * bytes LE, long/time/timestamps 8 bytes LE, float/double IEEE LE, boolean one
 * byte, string UTF-8, uuid 16 bytes big-endian, fixed/binary as is, decimal the
 * unscaled value in the fewest big-endian two's-complement bytes.
 */
#include <math.h>
#include <string.h>

#include <supertable/errors.h>
#include "parquet/writer_int.h"
#include "util/alloc.h"
#include "util/buf.h"

static inline int cmp_signed_be(const uint8_t *a, const uint8_t *b, uint32_t len)
{
    if (len == 0)
        return 0;
    if (a[0] != b[0])
        return (int)(a[0] ^ 0x80) - (int)(b[0] ^ 0x80);
    return memcmp(a + 1, b + 1, len - 1);
}

int pw_val_cmp(const pw_leaf *lf, const uint8_t *a, uint32_t al, const uint8_t *b, uint32_t bl)
{
    switch (lf->order) {
    case PW_ORD_BOOL:
        return (int)a[0] - (int)b[0];
    case PW_ORD_I32: {
        int32_t x, y;
        memcpy(&x, a, 4);
        memcpy(&y, b, 4);
        return (x > y) - (x < y);
    }
    case PW_ORD_I64: {
        int64_t x, y;
        memcpy(&x, a, 8);
        memcpy(&y, b, 8);
        return (x > y) - (x < y);
    }
    case PW_ORD_FLOAT: {
        float x, y;
        memcpy(&x, a, 4);
        memcpy(&y, b, 4);
        return (x > y) - (x < y);
    }
    case PW_ORD_DOUBLE: {
        double x, y;
        memcpy(&x, a, 8);
        memcpy(&y, b, 8);
        return (x > y) - (x < y);
    }
    case PW_ORD_SIGNED_BE:
        return cmp_signed_be(a, b, al < bl ? al : bl);
    case PW_ORD_BYTES:
        break;
    }
    return st_bytes_cmp(a, al, b, bl);
}

static void set_inline(pw_val *v, const void *p, uint32_t len)
{
    v->p = NULL;
    v->len = len;
    memcpy(v->inl, p, len);
}

/* Sets a bound to bytes: inline for widths up to 16, else borrowed. */
static void set_val(pw_val *v, const uint8_t *p, uint32_t len, int borrow)
{
    if (!borrow && len <= sizeof(v->inl)) {
        set_inline(v, p, len);
    } else {
        v->p = p;
        v->len = len;
    }
}

void pw_stats_add(pw_stats *s, const pw_leaf *lf, const uint8_t *p, uint32_t len)
{
    int borrow = lf->physical == PQ_BYTE_ARRAY;
    if (!s->has) {
        s->has = 1;
        set_val(&s->min, p, len, borrow);
        set_val(&s->max, p, len, borrow);
        return;
    }
    if (pw_val_cmp(lf, p, len, pw_val_ptr(&s->min), s->min.len) < 0)
        set_val(&s->min, p, len, borrow);
    else if (pw_val_cmp(lf, p, len, pw_val_ptr(&s->max), s->max.len) > 0)
        set_val(&s->max, p, len, borrow);
}

/* One step of a min/max accumulator pair. */
#define MM(mn, mx, f)                                                        \
    do {                                                                     \
        mn = (f) < mn ? (f) : mn;                                            \
        mx = (f) > mx ? (f) : mx;                                            \
    } while (0)

/*
 * Four independent accumulator pairs in scalars (arrays were kept in memory by
 * the compiler) so the loop carries no dependency from one value to the next.
 */
#define MINMAX_LOOP(T)                                                       \
    do {                                                                     \
        const T *x = (const T *)(const void *)v->fixed;                      \
        T a0 = x[v0], a1 = a0, a2 = a0, a3 = a0;                             \
        T b0 = a0, b1 = a0, b2 = a0, b3 = a0;                                \
        int64_t i = v0;                                                      \
        for (; i + 4 <= v1; i += 4) {                                        \
            MM(a0, b0, x[i]);                                                \
            MM(a1, b1, x[i + 1]);                                            \
            MM(a2, b2, x[i + 2]);                                            \
            MM(a3, b3, x[i + 3]);                                            \
        }                                                                    \
        for (; i < v1; i++)                                                  \
            MM(a0, b0, x[i]);                                                \
        a0 = a1 < a0 ? a1 : a0;                                              \
        a2 = a3 < a2 ? a3 : a2;                                              \
        a0 = a2 < a0 ? a2 : a0;                                              \
        b0 = b1 > b0 ? b1 : b0;                                              \
        b2 = b3 > b2 ? b3 : b2;                                              \
        b0 = b2 > b0 ? b2 : b0;                                              \
        set_inline(&out->min, &a0, sizeof(T));                               \
        set_inline(&out->max, &b0, sizeof(T));                               \
        out->has = 1;                                                        \
    } while (0)

/*
 * NaN compares false both ways, so it never becomes a bound: it is only
 * counted. Starting from +-Inf, an all-NaN range leaves no bounds.
 */
#define FLOAT_LOOP(T)                                                        \
    do {                                                                     \
        const T *x = (const T *)(const void *)v->fixed;                      \
        T a0 = INFINITY, a1 = a0, a2 = a0, a3 = a0;                          \
        T b0 = -INFINITY, b1 = b0, b2 = b0, b3 = b0;                         \
        int64_t nans = 0, i = v0;                                            \
        for (; i + 4 <= v1; i += 4) {                                        \
            MM(a0, b0, x[i]);                                                \
            MM(a1, b1, x[i + 1]);                                            \
            MM(a2, b2, x[i + 2]);                                            \
            MM(a3, b3, x[i + 3]);                                            \
            nans += (x[i] != x[i]) + (x[i + 1] != x[i + 1]) +                \
                    (x[i + 2] != x[i + 2]) + (x[i + 3] != x[i + 3]);         \
        }                                                                    \
        for (; i < v1; i++) {                                                \
            MM(a0, b0, x[i]);                                                \
            nans += x[i] != x[i];                                            \
        }                                                                    \
        a0 = a1 < a0 ? a1 : a0;                                              \
        a2 = a3 < a2 ? a3 : a2;                                              \
        a0 = a2 < a0 ? a2 : a0;                                              \
        b0 = b1 > b0 ? b1 : b0;                                              \
        b2 = b3 > b2 ? b3 : b2;                                              \
        b0 = b2 > b0 ? b2 : b0;                                              \
        out->nans = nans;                                                    \
        if (nans < v1 - v0) {                                                \
            set_inline(&out->min, &a0, sizeof(T));                           \
            set_inline(&out->max, &b0, sizeof(T));                           \
            out->has = 1;                                                    \
        }                                                                    \
    } while (0)

static void bool_stats(pw_stats *out, const pw_dense *v, int64_t v0, int64_t v1)
{
    int64_t ones = 0, n = v1 - v0;
    uint8_t mn, mx;
    for (int64_t i = v0; i < v1; i++) {
        int64_t b = v->bit0 + i;
        ones += (v->bits[b >> 3] >> (b & 7)) & 1;
    }
    mn = ones == n;
    mx = ones > 0;
    set_inline(&out->min, &mn, 1);
    set_inline(&out->max, &mx, 1);
    out->has = 1;
}

void pw_stats_values(pw_stats *out, const pw_leaf *lf, const pw_dense *v, int64_t v0,
                     int64_t v1)
{
    memset(out, 0, sizeof(*out));
    if (v1 <= v0)
        return;
    switch (lf->order) {
    case PW_ORD_BOOL: bool_stats(out, v, v0, v1); return;
    case PW_ORD_I32: MINMAX_LOOP(int32_t); return;
    case PW_ORD_I64: MINMAX_LOOP(int64_t); return;
    case PW_ORD_FLOAT: FLOAT_LOOP(float); break;
    case PW_ORD_DOUBLE: FLOAT_LOOP(double); break;
    case PW_ORD_BYTES:
    case PW_ORD_SIGNED_BE:
        for (int64_t i = v0; i < v1; i++) {
            if (lf->physical == PQ_BYTE_ARRAY)
                pw_stats_add(out, lf, v->data + v->off[i], (uint32_t)(v->off[i + 1] - v->off[i]));
            else
                pw_stats_add(out, lf, v->fixed + (size_t)i * (size_t)lf->width,
                             (uint32_t)lf->width);
        }
        return;
    }
    pw_stats_fix_zeros(out, lf);
}

void pw_stats_fix_zeros(pw_stats *s, const pw_leaf *lf)
{
    if (!s->has)
        return;
    if (lf->order == PW_ORD_FLOAT) {
        float mn, mx;
        memcpy(&mn, s->min.inl, 4);
        memcpy(&mx, s->max.inl, 4);
        if (mn == 0.0f)
            mn = -0.0f;
        if (mx == 0.0f)
            mx = 0.0f;
        memcpy(s->min.inl, &mn, 4);
        memcpy(s->max.inl, &mx, 4);
    } else if (lf->order == PW_ORD_DOUBLE) {
        double mn, mx;
        memcpy(&mn, s->min.inl, 8);
        memcpy(&mx, s->max.inl, 8);
        if (mn == 0.0)
            mn = -0.0;
        if (mx == 0.0)
            mx = 0.0;
        memcpy(s->min.inl, &mn, 8);
        memcpy(s->max.inl, &mx, 8);
    }
}

void pw_stats_merge(pw_stats *acc, const pw_stats *s, const pw_leaf *lf)
{
    acc->nulls += s->nulls;
    acc->nans += s->nans;
    if (!s->has)
        return;
    if (!acc->has) {
        acc->has = 1;
        acc->min = s->min;
        acc->max = s->max;
        return;
    }
    if (pw_val_cmp(lf, pw_val_ptr(&s->min), s->min.len, pw_val_ptr(&acc->min), acc->min.len) < 0)
        acc->min = s->min;
    if (pw_val_cmp(lf, pw_val_ptr(&s->max), s->max.len, pw_val_ptr(&acc->max), acc->max.len) > 0)
        acc->max = s->max;
}

/* ------------------------------------------------------------ truncation */

static int is_string(const pw_leaf *lf)
{
    return lf->type->id == ST_TYPE_STRING;
}

/* Largest k <= max not inside a UTF-8 sequence of p[0..len). */
static uint32_t utf8_cut(const uint8_t *p, uint32_t len, uint32_t max)
{
    uint32_t k = max < len ? max : len;
    while (k > 0 && k < len && (p[k] & 0xC0) == 0x80)
        k--;
    return k;
}

void pw_bound_min(const pw_leaf *lf, const pw_val *v, const uint8_t **out, uint32_t *len,
                  int *exact)
{
    *out = pw_val_ptr(v);
    *len = v->len;
    *exact = 1;
    if (lf->physical != PQ_BYTE_ARRAY || v->len <= PW_TRUNCATE_LEN)
        return;
    /* A prefix sorts before the value itself: a valid lower bound. */
    *len = is_string(lf) ? utf8_cut(*out, v->len, PW_TRUNCATE_LEN) : PW_TRUNCATE_LEN;
    *exact = 0;
}

/* Encodes code point cp as UTF-8 at p; returns the bytes written. */
static uint32_t utf8_put(uint8_t *p, uint32_t cp)
{
    if (cp < 0x80) {
        p[0] = (uint8_t)cp;
        return 1;
    }
    if (cp < 0x800) {
        p[0] = (uint8_t)(0xC0 | cp >> 6);
        p[1] = (uint8_t)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        p[0] = (uint8_t)(0xE0 | cp >> 12);
        p[1] = (uint8_t)(0x80 | ((cp >> 6) & 0x3F));
        p[2] = (uint8_t)(0x80 | (cp & 0x3F));
        return 3;
    }
    p[0] = (uint8_t)(0xF0 | cp >> 18);
    p[1] = (uint8_t)(0x80 | ((cp >> 12) & 0x3F));
    p[2] = (uint8_t)(0x80 | ((cp >> 6) & 0x3F));
    p[3] = (uint8_t)(0x80 | (cp & 0x3F));
    return 4;
}

/* The code point of the sequence p[0..n), or UINT32_MAX when it is not one. */
static uint32_t utf8_get(const uint8_t *p, uint32_t n)
{
    uint32_t cp;
    if (n == 1)
        return p[0] < 0x80 ? p[0] : UINT32_MAX;
    if (n == 2 && (p[0] & 0xE0) == 0xC0)
        cp = p[0] & 0x1Fu;
    else if (n == 3 && (p[0] & 0xF0) == 0xE0)
        cp = p[0] & 0x0Fu;
    else if (n == 4 && (p[0] & 0xF8) == 0xF0)
        cp = p[0] & 0x07u;
    else
        return UINT32_MAX;
    for (uint32_t i = 1; i < n; i++)
        cp = cp << 6 | (p[i] & 0x3Fu);
    return cp;
}

/* A string upper bound: the prefix with its last character incremented. */
static int string_max(const uint8_t *p, uint32_t len, uint8_t *buf, uint32_t *out_len)
{
    uint32_t k = utf8_cut(p, len, PW_TRUNCATE_LEN);
    while (k > 0) {
        uint32_t j = k - 1, cp;
        while (j > 0 && (p[j] & 0xC0) == 0x80)
            j--;
        cp = utf8_get(p + j, k - j);
        if (cp != UINT32_MAX && cp < 0x10FFFF) {
            cp = cp + 1 == 0xD800 ? 0xE000 : cp + 1;
            memcpy(buf, p, j);
            *out_len = j + utf8_put(buf + j, cp);
            return 1;
        }
        k = j;
    }
    return 0;
}

void pw_bound_max(const pw_leaf *lf, const pw_val *v, uint8_t *buf, const uint8_t **out,
                  uint32_t *len, int *exact)
{
    const uint8_t *p = pw_val_ptr(v);
    *out = p;
    *len = v->len;
    *exact = 1;
    if (lf->physical != PQ_BYTE_ARRAY || v->len <= PW_TRUNCATE_LEN)
        return;
    if (is_string(lf)) {
        if (string_max(p, v->len, buf, len)) {
            *out = buf;
            *exact = 0;
        }
        return;
    }
    for (uint32_t k = PW_TRUNCATE_LEN; k > 0; k--) {
        if (p[k - 1] != 0xff) {
            memcpy(buf, p, k);
            buf[k - 1]++;
            *out = buf;
            *len = k;
            *exact = 0;
            return;
        }
    }
    /* Every prefix is 0xff...: only the whole value bounds it. */
}

/* ------------------------------------------------------------ Iceberg bounds */

/* The fewest big-endian two's-complement bytes of be[0..n). */
static void minimal_be(const uint8_t **p, size_t *n)
{
    while (*n > 1 && (((*p)[0] == 0x00 && !((*p)[1] & 0x80)) ||
                      ((*p)[0] == 0xff && ((*p)[1] & 0x80)))) {
        (*p)++;
        (*n)--;
    }
}

int pw_iceberg_bound(uint8_t **out, size_t *out_len, const pw_leaf *lf, const uint8_t *p,
                     uint32_t len)
{
    uint8_t be[8];
    const uint8_t *src = p;
    size_t n = len;
    if (lf->conv == PW_CONV_DEC_I32 || lf->conv == PW_CONV_DEC_I64) {
        int64_t v;
        if (lf->conv == PW_CONV_DEC_I32) {
            int32_t v32;
            memcpy(&v32, p, 4);
            v = v32;
        } else {
            memcpy(&v, p, 8);
        }
        for (int i = 0; i < 8; i++)
            be[i] = (uint8_t)((uint64_t)v >> (56 - 8 * i));
        src = be;
        n = 8;
    }
    if (lf->conv != PW_CONV_NONE)
        minimal_be(&src, &n);
    /* An empty string or binary still gets an allocation: NULL means "no bound". */
    *out = n ? st_memdup(src, n) : st_calloc(1, 1);
    *out_len = n;
    return *out ? 0 : ST_ENOMEM;
}
