/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The RLE/bit-packed hybrid: decoding into uint32 values, int16 levels, bitmaps and
 * dictionary gathers, and encoding.
 *
 * FORMAT (Encodings.md "RLE"), runs until the data ends:
 *   bit-packed run: ULEB128(groups << 1 | 1), groups*8 values of w bits, LSB first
 *   RLE run:        ULEB128(count << 1), the value in ceil(w/8) little-endian bytes
 *
 * Every consumer goes through next_chunk(), which hands out the next stretch of
 * values either as "k copies of v" (an RLE run, so fills and bounds checks happen
 * once per run) or as an array of unpacked values (whole groups of 32 unpacked
 * straight into the consumer's scratch, or a partly used group kept in the
 * decoder so that batches may end anywhere).
 */
#include "parquet/encoding_int.h"
#include "util/alloc.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* Values unpacked per step by consumers that need scratch: L1-sized, a multiple of 32. */
#define CHUNK 1024

static size_t offset_of(const pq_rle_decoder *d, const uint8_t *p)
{
    return (size_t)(p - d->start);
}

int pq_rle_init(pq_rle_decoder *d, const uint8_t *p, size_t len, unsigned bit_width)
{
    memset(d, 0, offsetof(pq_rle_decoder, buf));
    if (bit_width > 32)
        return PQ_CORRUPT("RLE: bit width %u above 32", bit_width);
    d->start = d->p = p;
    d->end = pq_end(p, len);
    d->bit_width = bit_width;
    return 0;
}

int pq_rle_init_prefixed(pq_rle_decoder *d, const uint8_t *p, size_t len, unsigned bit_width,
                         size_t *consumed)
{
    uint32_t n;
    if (len < 4) {
        pq_rle_init(d, p, 0, 0);
        return PQ_CORRUPT("RLE: %zu bytes cannot hold the 4-byte length prefix", len);
    }
    n = pq_ld32(p);
    if (n > len - 4) {
        pq_rle_init(d, p, 0, 0);
        return PQ_CORRUPT("RLE: length prefix says %u bytes, only %zu follow", n, len - 4);
    }
    if (consumed)
        *consumed = 4 + (size_t)n;
    return pq_rle_init(d, p + 4, n, bit_width);
}

int pq_rle_init_dict(pq_rle_decoder *d, const uint8_t *p, size_t len)
{
    if (len < 1) {
        pq_rle_init(d, p, 0, 0);
        return PQ_CORRUPT("RLE dictionary indices: empty data, no bit width byte");
    }
    if (p[0] > 32) {
        pq_rle_init(d, p, 0, 0);
        return PQ_CORRUPT("RLE dictionary indices: bit width %u above 32", p[0]);
    }
    return pq_rle_init(d, p + 1, len - 1, p[0]);
}

/* Reads the next run header; `want` is only for the message. */
static int next_run(pq_rle_decoder *d, size_t want)
{
    const uint8_t *p = d->p;
    uint64_t h;
    if (p >= d->end)
        return PQ_CORRUPT("RLE: data (%zu bytes) ends after %llu values, %zu more wanted",
                          offset_of(d, d->end), (unsigned long long)d->done, want);
    if (pq_uleb_read(&p, d->end, &h, 32) < 0)
        return PQ_CORRUPT("RLE: run header at byte %zu is truncated or longer than 32 bits",
                          offset_of(d, d->p));
    const unsigned w = d->bit_width;
    if (h & 1) {
        uint64_t values = (h >> 1) * 8, bytes = (h >> 1) * w;
        size_t avail = (size_t)(d->end - p);
        if (bytes > avail) {
            /* padding cut off: keep the values whose bits are all there */
            bytes = avail;
            if (values > (uint64_t)avail * 8 / w)
                values = (uint64_t)avail * 8 / w;
        }
        d->bp = p;
        d->bp_left = values;
        d->p = p + bytes;
    } else {
        size_t nb = (w + 7) / 8;
        uint32_t v = 0;
        if ((size_t)(d->end - p) < nb)
            return PQ_CORRUPT("RLE: run at byte %zu is cut off before its value",
                              offset_of(d, d->p));
        for (size_t i = 0; i < nb; i++)
            v |= (uint32_t)p[i] << (8 * i);
        if (w < 32 && (v >> w))
            return PQ_CORRUPT("RLE: run at byte %zu repeats %u, which needs more than %u bits",
                              offset_of(d, d->p), v, w);
        d->rle_value = v;
        d->rle_left = h >> 1;
        d->p = p + nb;
    }
    return 0;
}

/* Unpacks the next group (up to 32 values) of the bit-packed run into d->buf. */
static void fill_buf(pq_rle_decoder *d)
{
    const unsigned w = d->bit_width;
    uint32_t k = d->bp_left < 32 ? (uint32_t)d->bp_left : 32;
    /* A short run's group can still be unpacked in place when the input goes on
     * for 4*w bytes (the next runs' bytes are read and ignored); only at the very
     * end of the input is it staged through a zeroed copy. */
    if ((size_t)(d->end - d->bp) >= 4 * (size_t)w)
        pq_unpack32_groups[w](d->bp, d->buf, 1);
    else
        pq_unpack32(d->bp, d->buf, k, w);
    d->bp += (size_t)k * w / 8;
    d->bp_left -= k;
    d->buf_pos = 0;
    d->buf_len = k;
}

/*
 * The next stretch of at most `max` (>= 1) values. Returns its length k and either
 * *vals = NULL and *rep = the repeated value, or *vals = k decoded values (in
 * `scratch`, which must hold max values, or in the decoder). Negative on error.
 */
PQ_INLINE int64_t next_chunk(pq_rle_decoder *d, size_t max, uint32_t *scratch,
                             const uint32_t **vals, uint32_t *rep)
{
    for (;;) {
        if (d->buf_pos < d->buf_len) {
            size_t k = d->buf_len - d->buf_pos;
            k = k < max ? k : max;
            *vals = d->buf + d->buf_pos;
            d->buf_pos += (uint32_t)k;
            d->done += k;
            return (int64_t)k;
        }
        if (d->rle_left) {
            size_t k = d->rle_left < max ? (size_t)d->rle_left : max;
            d->rle_left -= k;
            *vals = NULL;
            *rep = d->rle_value;
            d->done += k;
            return (int64_t)k;
        }
        if (d->bp_left) {
            if (max >= 32 && d->bp_left >= 32) {
                size_t k = d->bp_left < max ? (size_t)d->bp_left : max;
                k &= ~(size_t)31;
                pq_unpack32_groups[d->bit_width](d->bp, scratch, k / 32);
                d->bp += k / 8 * d->bit_width;
                d->bp_left -= k;
                *vals = scratch;
                d->done += k;
                return (int64_t)k;
            }
            fill_buf(d);
            continue;
        }
        if (d->bit_width == 0) {
            /* width 0: every value is 0, whatever the data holds */
            *vals = NULL;
            *rep = 0;
            d->done += max;
            return (int64_t)max;
        }
        int rc = next_run(d, max);
        if (rc < 0)
            return rc;
    }
}

int pq_rle_get(pq_rle_decoder *d, uint32_t *out, size_t n)
{
    size_t i = 0;
    while (i < n) {
        const uint32_t *vals = NULL;
        uint32_t rep = 0;
        int64_t k = next_chunk(d, n - i, out + i, &vals, &rep);
        if (k < 0)
            return (int)k;
        if (!vals) {
            for (int64_t j = 0; j < k; j++)
                out[i + (size_t)j] = rep;
        } else if (vals != out + i) {
            memcpy(out + i, vals, (size_t)k * sizeof(*out));
        }
        i += (size_t)k;
    }
    return 0;
}

int pq_rle_skip(pq_rle_decoder *d, size_t n)
{
    while (n > 0) {
        uint64_t k;
        if (d->buf_pos < d->buf_len) {
            k = d->buf_len - d->buf_pos;
            k = k < n ? k : n;
            d->buf_pos += (uint32_t)k;
        } else if (d->rle_left) {
            k = d->rle_left < n ? d->rle_left : n;
            d->rle_left -= k;
        } else if (d->bp_left >= 32 && n >= 32) {
            /* whole groups are skipped without unpacking them */
            k = (d->bp_left < n ? d->bp_left : n) & ~(uint64_t)31;
            d->bp += k / 8 * d->bit_width;
            d->bp_left -= k;
        } else if (d->bp_left) {
            fill_buf(d);
            continue;
        } else if (d->bit_width == 0) {
            k = n;
        } else {
            int rc = next_run(d, n);
            if (rc < 0)
                return rc;
            continue;
        }
        d->done += k;
        n -= (size_t)k;
    }
    return 0;
}

/* Maximum of k values, for the error message once a bad one is known to exist. */
static uint32_t max_index(const uint32_t *v, size_t k)
{
    uint32_t m = 0;
    for (size_t j = 0; j < k; j++)
        m = v[j] > m ? v[j] : m;
    return m;
}

/*
 * Whether any of k indices is above limit. A scalar max is a serial chain of
 * compare-and-moves, which cost as much as the gather itself; OR-ing vector
 * compares has no chain. SSE2 has only signed compares: flipping the sign bits
 * of both sides turns them into unsigned ones.
 */
static inline int any_above(const uint32_t *v, size_t k, uint32_t limit)
{
    size_t j = 0;
#if defined(__SSE2__)
    const __m128i bias = _mm_set1_epi32(INT32_MIN);
    const __m128i lim = _mm_set1_epi32((int32_t)(limit ^ 0x80000000u));
    __m128i acc = _mm_setzero_si128();
    for (; j + 8 <= k; j += 8) {
        __m128i a = _mm_loadu_si128((const __m128i *)(const void *)(v + j));
        __m128i b = _mm_loadu_si128((const __m128i *)(const void *)(v + j + 4));
        acc = _mm_or_si128(acc, _mm_cmpgt_epi32(_mm_xor_si128(a, bias), lim));
        acc = _mm_or_si128(acc, _mm_cmpgt_epi32(_mm_xor_si128(b, bias), lim));
    }
    if (_mm_movemask_epi8(acc))
        return 1;
#endif
    uint32_t bad = 0;
    for (; j < k; j++)
        bad |= v[j] > limit;
    return bad != 0;
}

int pq_rle_get_levels(pq_rle_decoder *d, int16_t *out, size_t n, int max_level)
{
    uint32_t scratch[CHUNK];
    uint32_t limit = max_level < 0 ? 0 : max_level > INT16_MAX ? INT16_MAX : (uint32_t)max_level;
    size_t i = 0;
    if (max_level < 0 && n)
        return PQ_CORRUPT("RLE levels: negative max level %d", max_level);
    while (i < n) {
        const uint32_t *vals = NULL;
        uint32_t rep = 0;
        size_t want = n - i < CHUNK ? n - i : CHUNK;
        int64_t k = next_chunk(d, want, scratch, &vals, &rep);
        if (k < 0)
            return (int)k;
        if (!vals) {
            if (rep > limit)
                return PQ_CORRUPT("RLE levels: level %u above the max level %d", rep,
                                  max_level);
            for (int64_t j = 0; j < k; j++)
                out[i + (size_t)j] = (int16_t)rep;
        } else {
            if (any_above(vals, (size_t)k, limit))
                return PQ_CORRUPT("RLE levels: level %u above the max level %d",
                                  max_index(vals, (size_t)k), max_level);
            for (int64_t j = 0; j < k; j++)
                out[i + (size_t)j] = (int16_t)vals[j];
        }
        i += (size_t)k;
    }
    return 0;
}

int pq_rle_get_bits(pq_rle_decoder *d, uint8_t *out, size_t out_off, size_t n)
{
    size_t i = 0;
    if (d->bit_width > 1)
        return PQ_CORRUPT("RLE booleans: bit width %u, expected 1", d->bit_width);
    while (i < n) {
        if (d->buf_pos == d->buf_len && d->rle_left == 0 && d->bp_left >= 8 && n - i >= 8) {
            /* width 1 bit-packed values are already bitmap bits */
            uint64_t k = d->bp_left < n - i ? d->bp_left : n - i;
            k &= ~(uint64_t)7;
            pq_bitmap_copy(out, out_off + i, d->bp, 0, (size_t)k);
            d->bp += k / 8;
            d->bp_left -= k;
            d->done += k;
            i += (size_t)k;
            continue;
        }
        uint32_t scratch[32];
        const uint32_t *vals = NULL;
        uint32_t rep = 0;
        int64_t k = next_chunk(d, n - i < 32 ? n - i : 32, scratch, &vals, &rep);
        if (k < 0)
            return (int)k;
        if (!vals) {
            pq_bitmap_fill(out, out_off + i, (size_t)k, (int)rep);
        } else {
            for (int64_t j = 0; j < k; j++) {
                size_t b = out_off + i + (size_t)j;
                out[b >> 3] = (uint8_t)((out[b >> 3] & ~(1u << (b & 7))) | (vals[j] << (b & 7)));
            }
        }
        i += (size_t)k;
    }
    return 0;
}

/* -------------------------------------------------------------- dictionaries */

static int bad_index(const pq_rle_decoder *d, uint32_t index, size_t dict_count)
{
    return PQ_CORRUPT("RLE dictionary indices: index %u out of range, the dictionary has "
                      "%zu entries (near value %llu)", index, dict_count,
                      (unsigned long long)d->done);
}

/* Copies with a constant width become single moves once this is inlined; four per
 * iteration keep the loop overhead off the critical path. */
PQ_INLINE void gather_w(uint8_t *restrict out, const uint8_t *restrict dict,
                        const uint32_t *restrict idx, size_t k, const size_t w)
{
    size_t j = 0;
    for (; j + 4 <= k; j += 4) {
        memcpy(out + j * w, dict + (size_t)idx[j] * w, w);
        memcpy(out + (j + 1) * w, dict + (size_t)idx[j + 1] * w, w);
        memcpy(out + (j + 2) * w, dict + (size_t)idx[j + 2] * w, w);
        memcpy(out + (j + 3) * w, dict + (size_t)idx[j + 3] * w, w);
    }
    for (; j < k; j++)
        memcpy(out + j * w, dict + (size_t)idx[j] * w, w);
}

/*
 * k copies of one value of w bytes, `room` bytes being writable at out. For widths
 * dividing 16 a 16-byte pattern is stored 16 bytes at a time, and when the output
 * has room the last store may overshoot (later values overwrite it): runs are often
 * short, so one loop of half the stores and no tail loop saves mispredicted exits.
 */
PQ_INLINE void fill_w(uint8_t *restrict out, const uint8_t *restrict value, size_t k,
                      size_t room, const size_t w)
{
    if (16 % w == 0) {
        uint8_t pat[16];
        size_t bytes = k * w, b = 0;
        for (size_t j = 0; j < 16; j += w)
            memcpy(pat + j, value, w);
        if (bytes + 15 <= room) {
            for (; b < bytes; b += 16)
                memcpy(out + b, pat, 16);
            return;
        }
        for (; b + 16 <= bytes; b += 16)
            memcpy(out + b, pat, 16);
        for (; b < bytes; b += w)
            memcpy(out + b, pat, w);
        return;
    }
    uint8_t v[16];
    memcpy(v, value, w);
    for (size_t j = 0; j < k; j++)
        memcpy(out + j * w, v, w);
}

int pq_rle_gather(pq_rle_decoder *d, const void *dict, size_t w, size_t dict_count, void *out,
                  size_t n)
{
    uint32_t scratch[CHUNK];
    const uint8_t *dc = dict;
    uint8_t *o = out;
    size_t i = 0;
    /* indices that fit in the width can't exceed a dictionary this large */
    const int checked = dict_count <= UINT32_MAX &&
                        (d->bit_width >= 32 || dict_count < ((size_t)1 << d->bit_width));
    while (i < n) {
        const uint32_t *vals = NULL;
        uint32_t rep = 0;
        size_t want = n - i < CHUNK ? n - i : CHUNK;
        int64_t kk = next_chunk(d, want, scratch, &vals, &rep);
        if (kk < 0)
            return (int)kk;
        size_t k = (size_t)kk;
        uint8_t *dst = o + i * w;
        if (!vals) {
            if (rep >= dict_count)
                return bad_index(d, rep, dict_count);
            const uint8_t *src = dc + (size_t)rep * w;
            size_t room = (n - i) * w;
            switch (w) {
            case 1: memset(dst, *src, k); break;
            case 2: fill_w(dst, src, k, room, 2); break;
            case 4: fill_w(dst, src, k, room, 4); break;
            case 8: fill_w(dst, src, k, room, 8); break;
            case 12: fill_w(dst, src, k, room, 12); break;
            case 16: fill_w(dst, src, k, room, 16); break;
            default:
                for (size_t j = 0; j < k; j++)
                    memcpy(dst + j * w, src, w);
            }
        } else {
            if (checked && (dict_count == 0 || any_above(vals, k, (uint32_t)(dict_count - 1))))
                return bad_index(d, max_index(vals, k), dict_count);
            switch (w) {
            case 1: gather_w(dst, dc, vals, k, 1); break;
            case 2: gather_w(dst, dc, vals, k, 2); break;
            case 4: gather_w(dst, dc, vals, k, 4); break;
            case 8: gather_w(dst, dc, vals, k, 8); break;
            case 12: gather_w(dst, dc, vals, k, 12); break;
            case 16: gather_w(dst, dc, vals, k, 16); break;
            default:
                for (size_t j = 0; j < k; j++)
                    memcpy(dst + j * w, dc + (size_t)vals[j] * w, w);
            }
        }
        i += k;
    }
    return 0;
}

int pq_rle_gather_binary(pq_rle_decoder *d, const int32_t *dict_offsets,
                         const uint8_t *dict_data, size_t dict_count, size_t n,
                         int32_t *offsets, st_buf *data)
{
    uint32_t scratch[CHUNK];
    size_t i = 0;
    while (i < n) {
        const uint32_t *vals = NULL;
        uint32_t rep = 0;
        size_t want = n - i < CHUNK ? n - i : CHUNK;
        int64_t kk = next_chunk(d, want, scratch, &vals, &rep);
        if (kk < 0)
            return (int)kk;
        size_t k = (size_t)kk;
        uint64_t total = 0;
        if (!vals) {
            if (rep >= dict_count)
                return bad_index(d, rep, dict_count);
            total = (uint64_t)(dict_offsets[rep + 1] - dict_offsets[rep]) * k;
        } else {
            if (dict_count == 0 || any_above(vals, k, (uint32_t)(dict_count - 1)))
                return bad_index(d, max_index(vals, k), dict_count);
            for (size_t j = 0; j < k; j++)
                total += (uint64_t)(dict_offsets[vals[j] + 1] - dict_offsets[vals[j]]);
        }
        int rc = pq_reserve_binary(data, total);
        if (rc < 0)
            return rc;
        uint8_t *dst = data->ptr + data->len;
        int32_t pos = (int32_t)data->len;
        for (size_t j = 0; j < k; j++) {
            uint32_t v = vals ? vals[j] : rep;
            int32_t a = dict_offsets[v], len = dict_offsets[v + 1] - a;
            memcpy(dst, dict_data + a, (size_t)len);
            dst += len;
            pos += len;
            offsets[i + j + 1] = pos;
        }
        data->len = (size_t)pos;
        i += k;
    }
    return 0;
}

/* ------------------------------------------------------------------- encoder */

int pq_rle_encoder_init(pq_rle_encoder *e, st_buf *out, unsigned bit_width)
{
    e->out = out;
    e->bit_width = bit_width;
    e->run_value = 0;
    e->run_count = 0;
    e->prefix_at = SIZE_MAX;
    e->n_lit = 0;
    if (bit_width > 32)
        return st_error_set(ST_EINVALID, ST_ERROR_PARQUET, "RLE: bit width %u above 32",
                            bit_width);
    return 0;
}

int pq_rle_encoder_init_prefixed(pq_rle_encoder *e, st_buf *out, unsigned bit_width)
{
    static const uint8_t zero[4];
    int rc = pq_rle_encoder_init(e, out, bit_width);
    if (rc < 0)
        return rc;
    e->prefix_at = out->len;
    return st_buf_put(out, zero, 4);
}

/* Writes the buffered literals as one bit-packed run, padding the last group. */
static int flush_literals(pq_rle_encoder *e)
{
    size_t n = e->n_lit, groups = (n + 7) / 8, bytes = groups * e->bit_width;
    if (n == 0)
        return 0;
    if (st_buf_grow(e->out, 10 + bytes) < 0)
        return ST_ENOMEM;
    memset(e->lit + n, 0, (groups * 8 - n) * sizeof(uint32_t));
    uint8_t *p = e->out->ptr + e->out->len;
    p += pq_uleb_write(p, (uint64_t)groups << 1 | 1);
    pq_pack32(e->lit, p, groups * 8, e->bit_width);
    e->out->len = (size_t)(p + bytes - e->out->ptr);
    e->n_lit = 0;
    return 0;
}

static int append_literals(pq_rle_encoder *e, uint32_t v, uint64_t count)
{
    while (count) {
        size_t k = PQ_RLE_LITERAL_CAP - e->n_lit;
        k = count < k ? (size_t)count : k;
        for (size_t j = 0; j < k; j++)
            e->lit[e->n_lit + j] = v;
        e->n_lit += k;
        count -= k;
        if (e->n_lit == PQ_RLE_LITERAL_CAP && flush_literals(e) < 0)
            return ST_ENOMEM;
    }
    return 0;
}

/* Moves the pending repeat into the output: as an RLE run when it is long enough
 * after topping the literals up to a whole group, else as literals. */
static int close_run(pq_rle_encoder *e)
{
    uint64_t c = e->run_count;
    uint32_t v = e->run_value;
    e->run_count = 0;
    if (c == 0)
        return 0;
    size_t pad = (8 - e->n_lit % 8) % 8;
    if (c < 8 + pad)
        return append_literals(e, v, c);
    if (append_literals(e, v, pad) < 0 || flush_literals(e) < 0)
        return ST_ENOMEM;
    c -= pad;
    size_t nb = (e->bit_width + 7) / 8;
    while (c) {
        /* Encodings.md caps a run at 2^31 - 1 values */
        uint64_t k = c < INT32_MAX ? c : INT32_MAX;
        if (st_buf_grow(e->out, 10 + 4) < 0)
            return ST_ENOMEM;
        uint8_t *p = e->out->ptr + e->out->len;
        p += pq_uleb_write(p, k << 1);
        for (size_t j = 0; j < nb; j++)
            *p++ = (uint8_t)(v >> (8 * j));
        e->out->len = (size_t)(p - e->out->ptr);
        c -= k;
    }
    return 0;
}

static int check_width(const pq_rle_encoder *e, uint64_t ored)
{
    if (e->bit_width < 32 && (ored >> e->bit_width))
        return st_error_set(ST_EINVALID, ST_ERROR_PARQUET,
                            "RLE encoder: value needs more than %u bits", e->bit_width);
    return 0;
}

int pq_rle_encoder_put_repeat(pq_rle_encoder *e, uint32_t value, uint64_t n)
{
    if (n == 0)
        return 0;
    if (check_width(e, value) < 0)
        return ST_EINVALID;
    if (e->run_count && value == e->run_value) {
        e->run_count += n;
        return 0;
    }
    if (close_run(e) < 0)
        return ST_ENOMEM;
    e->run_value = value;
    e->run_count = n;
    return 0;
}

/* Appends an array of values to the literals, flushing whenever the buffer fills. */
static int append_literal_array(pq_rle_encoder *e, const uint32_t *v, size_t n)
{
    while (n) {
        size_t k = PQ_RLE_LITERAL_CAP - e->n_lit;
        k = k < n ? k : n;
        memcpy(e->lit + e->n_lit, v, k * sizeof(*v));
        e->n_lit += k;
        v += k;
        n -= k;
        if (e->n_lit == PQ_RLE_LITERAL_CAP && flush_literals(e) < 0)
            return ST_ENOMEM;
    }
    return 0;
}

/*
 * Scans for stretches of 8 equal values (what can become an RLE run); what lies
 * between goes to the literals as whole arrays. The equal-neighbour count is
 * branch-free, so unrepetitive data costs no mispredicted branches. The stretch
 * the batch ends with stays pending, to merge with the next batch.
 */
static int put_runs(pq_rle_encoder *e, const uint32_t *v, size_t n)
{
    size_t i = 0;
    if (e->run_count) {
        while (i < n && v[i] == e->run_value)
            i++;
        e->run_count += i;
        if (i == n)
            return 0;
        if (close_run(e) < 0)
            return ST_ENOMEM;
    }
    while (i < n) {
        size_t cnt = 1, j, s, end;
        for (j = i + 1; j < n; j++) {
            /* cnt = equal ? cnt + 1 : 1, in arithmetic: compilers made it a branch */
            cnt = (cnt & (0 - (size_t)(v[j] == v[j - 1]))) + 1;
            if (cnt == 8)
                break;
        }
        if (j == n) {
            s = n - cnt;
            end = n;
        } else {
            s = j - 7;
            for (end = j + 1; end < n && v[end] == v[s]; end++)
                ;
        }
        if (append_literal_array(e, v + i, s - i) < 0)
            return ST_ENOMEM;
        e->run_value = v[s];
        e->run_count = end - s;
        i = end;
        if (i < n && close_run(e) < 0)
            return ST_ENOMEM;
    }
    return 0;
}

int pq_rle_encoder_put(pq_rle_encoder *e, const uint32_t *values, size_t n)
{
    uint32_t ored = 0;
    for (size_t i = 0; i < n; i++)
        ored |= values[i];
    if (check_width(e, ored) < 0)
        return ST_EINVALID;
    return put_runs(e, values, n);
}

int pq_rle_encoder_put_levels(pq_rle_encoder *e, const int16_t *levels, size_t n)
{
    uint32_t tmp[CHUNK];
    while (n) {
        size_t k = n < CHUNK ? n : CHUNK;
        uint32_t ored = 0;
        for (size_t j = 0; j < k; j++) {
            /* a negative level sets the high bits, which no width up to 16 allows */
            tmp[j] = (uint32_t)(int32_t)levels[j];
            ored |= tmp[j];
        }
        if (check_width(e, ored) < 0 || (ored >> 16))
            return st_error_set(ST_EINVALID, ST_ERROR_PARQUET,
                                "RLE encoder: level negative or wider than %u bits",
                                e->bit_width);
        int rc = put_runs(e, tmp, k);
        if (rc < 0)
            return rc;
        levels += k;
        n -= k;
    }
    return 0;
}

int pq_rle_encoder_put_bits(pq_rle_encoder *e, const uint8_t *bits, size_t off, size_t n)
{
    uint32_t tmp[CHUNK];
    if (e->bit_width != 1)
        return st_error_set(ST_EINVALID, ST_ERROR_PARQUET,
                            "RLE encoder: booleans need bit width 1, not %u", e->bit_width);
    while (n) {
        size_t k = n < CHUNK ? n : CHUNK;
        for (size_t j = 0; j < k; j++)
            tmp[j] = (bits[(off + j) >> 3] >> ((off + j) & 7)) & 1u;
        int rc = put_runs(e, tmp, k);
        if (rc < 0)
            return rc;
        off += k;
        n -= k;
    }
    return 0;
}

int pq_rle_encoder_finish(pq_rle_encoder *e)
{
    if (close_run(e) < 0 || flush_literals(e) < 0)
        return ST_ENOMEM;
    if (e->prefix_at != SIZE_MAX) {
        size_t n = e->out->len - e->prefix_at - 4;
        if (n > UINT32_MAX)
            return st_error_set(ST_EINVALID, ST_ERROR_PARQUET,
                                "RLE encoder: section of %zu bytes overflows its length", n);
        pq_st32(e->out->ptr + e->prefix_at, (uint32_t)n);
        e->prefix_at = SIZE_MAX;
    }
    return 0;
}
