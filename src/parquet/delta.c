/* SPDX-License-Identifier: Apache-2.0 */
/*
 * DELTA_BINARY_PACKED (INT32/INT64), DELTA_LENGTH_BYTE_ARRAY and DELTA_BYTE_ARRAY:
 * streaming decoders and one-shot encoders.
 *
 * FORMAT DELTA_BINARY_PACKED:
 *   header: ULEB128 block size, ULEB128 miniblocks/block, ULEB128 count,
 *           zigzag ULEB128 first value
 *   block:  zigzag ULEB128 min delta, u8 width[miniblocks],
 *           per miniblock holding values: (block/miniblocks) values of `width` bits
 *   value[i] = value[i-1] + min delta + packed[i-1], wrapping.
 * FORMAT DELTA_LENGTH_BYTE_ARRAY: DELTA_BINARY_PACKED(lengths) then all bytes.
 * FORMAT DELTA_BYTE_ARRAY: DELTA_BINARY_PACKED(prefix lengths) then
 *   DELTA_LENGTH_BYTE_ARRAY(suffixes).
 *
 * All arithmetic on values is unsigned so that wrapping is defined.
 */
#include "parquet/encoding_int.h"
#include "util/alloc.h"

/* Deltas unpacked per step of the fast path (a multiple of 32; stack scratch). */
#define STEP 256

static const char DBP[] = "DELTA_BINARY_PACKED";

static size_t at(const pq_delta_decoder *d, const uint8_t *p) { return (size_t)(p - d->start); }

/* Header fields, validated. Returns the position after the header or NULL. */
static const uint8_t *read_header(const uint8_t *p, const uint8_t *end, uint64_t *block,
                                  uint64_t *mbs, uint64_t *total, uint64_t *first)
{
    if (pq_uleb_read(&p, end, block, 64) < 0 || pq_uleb_read(&p, end, mbs, 64) < 0 ||
        pq_uleb_read(&p, end, total, 64) < 0 || pq_uleb_read(&p, end, first, 64) < 0) {
        PQ_CORRUPT("%s: header truncated or malformed", DBP);
        return NULL;
    }
    if (*block == 0 || *block % 8 || *block > (UINT64_C(1) << 31)) {
        PQ_CORRUPT("%s: block size %llu is not a multiple of 128 (or at least of 8)", DBP,
                   (unsigned long long)*block);
        return NULL;
    }
    if (*mbs == 0 || *block % *mbs || (*block / *mbs) % 8) {
        PQ_CORRUPT("%s: %llu miniblocks do not split a block of %llu values into multiples "
                   "of 32 (or at least of 8)", DBP, (unsigned long long)*mbs,
                   (unsigned long long)*block);
        return NULL;
    }
    return p;
}

int pq_delta_init(pq_delta_decoder *d, const uint8_t *p, size_t len)
{
    uint64_t first;
    memset(d, 0, offsetof(pq_delta_decoder, buf));
    d->start = d->p = d->mb_end = p;
    d->end = pq_end(p, len);
    const uint8_t *q = read_header(p, d->end, &d->block_size, &d->n_miniblocks, &d->total,
                                   &first);
    if (!q) {
        d->total = 0;
        return ST_ECORRUPT;
    }
    d->mb_size = d->block_size / d->n_miniblocks;
    d->left = d->total;
    d->to_unpack = d->total ? d->total - 1 : 0;
    d->last = pq_zigzag_decode(first);
    d->p = d->mb_end = q;
    d->mb_index = d->n_miniblocks;
    return 0;
}

/* Moves to the next miniblock that holds values, reading a block header if needed. */
static int next_miniblock(pq_delta_decoder *d, unsigned max_width)
{
    const uint8_t *p = d->mb_end;   /* skips what is left of the previous one's padding */
    if (++d->mb_index >= d->n_miniblocks) {
        uint64_t md;
        const uint8_t *b = p;
        if (pq_uleb_read(&p, d->end, &md, 64) < 0)
            return PQ_CORRUPT("%s: block header at byte %zu truncated or malformed", DBP,
                              at(d, b));
        if ((uint64_t)(d->end - p) < d->n_miniblocks)
            return PQ_CORRUPT("%s: block at byte %zu: %llu miniblock widths, %zu bytes left",
                              DBP, at(d, b), (unsigned long long)d->n_miniblocks,
                              (size_t)(d->end - p));
        d->min_delta = pq_zigzag_decode(md);
        d->widths = p;
        p += d->n_miniblocks;
        d->mb_index = 0;
    }
    unsigned w = d->widths[d->mb_index];
    if (w > max_width)
        return PQ_CORRUPT("%s: miniblock at byte %zu has bit width %u, above %u", DBP, at(d, p),
                          w, max_width);
    uint64_t k = d->to_unpack < d->mb_size ? d->to_unpack : d->mb_size;
    uint64_t bytes = d->mb_size * w / 8, avail = (uint64_t)(d->end - p);
    if (bytes > avail) {
        /* only the last miniblock may lose its padding, never its values */
        if (k != d->to_unpack || pq_bitpack_bytes((size_t)k, w) > avail)
            return PQ_CORRUPT("%s: miniblock at byte %zu needs %llu bytes, %llu left", DBP,
                              at(d, p), (unsigned long long)bytes, (unsigned long long)avail);
        bytes = avail;
    }
    d->p = p;
    d->mb_end = p + bytes;
    d->width = w;
    d->mb_left = k;
    d->to_unpack -= k;
    return 0;
}

/* Unpacks the next (up to 32) deltas of the miniblock into d->buf. */
static void fill_buf(pq_delta_decoder *d)
{
    uint32_t k = d->mb_left < 32 ? (uint32_t)d->mb_left : 32;
    pq_unpack64(d->p, d->buf, k, d->width);
    d->p += (size_t)k * d->width / 8;
    d->mb_left -= k;
    d->buf_pos = 0;
    d->buf_len = k;
}

static int too_many(const pq_delta_decoder *d, size_t n)
{
    return PQ_CORRUPT("%s: %zu values wanted, %llu of %llu left", DBP, n,
                      (unsigned long long)d->left, (unsigned long long)d->total);
}

/*
 * out[j] = acc += md + t[j] for j < k. Four at a time with the carry going
 * through two adds per four values instead of four: the loop is limited by
 * instruction count, not by the dependency chain through acc.
 */
#define PREFIX_SUM(T, S, t, out, k, acc, md) do { \
        size_t j_ = 0; \
        for (; j_ + 4 <= (k); j_ += 4) { \
            T d0_ = (md) + (T)(t)[j_], d1_ = (md) + (T)(t)[j_ + 1]; \
            T d2_ = (md) + (T)(t)[j_ + 2], d3_ = (md) + (T)(t)[j_ + 3]; \
            T s1_ = (acc) + (d0_ + d1_), s3_ = s1_ + (d2_ + d3_); \
            (out)[j_] = (S)((acc) + d0_); \
            (out)[j_ + 1] = (S)s1_; \
            (out)[j_ + 2] = (S)(s1_ + d2_); \
            (out)[j_ + 3] = (S)s3_; \
            (acc) = s3_; \
        } \
        for (; j_ < (k); j_++) { \
            (acc) += (md) + (T)(t)[j_]; \
            (out)[j_] = (S)(acc); \
        } \
    } while (0)

/*
 * One body for both types: T is the unsigned accumulator type, S the output type,
 * MAXW the widest legal miniblock. Whole groups are unpacked into stack scratch
 * (uint32 when the width allows, which halves the unpack traffic) and prefix-summed
 * into the output; a partly used group waits in d->buf for the next call.
 */
#define DELTA_GET(T, S, MAXW) do { \
        size_t i = 0; \
        if (n > d->left) \
            return too_many(d, n); \
        if (n && d->left == d->total) \
            out[i++] = (S)(T)d->last; \
        T acc = (T)d->last, md = (T)d->min_delta; \
        while (i < n) { \
            if (d->buf_pos < d->buf_len) { \
                size_t k = d->buf_len - d->buf_pos; \
                k = k < n - i ? k : n - i; \
                for (size_t j = 0; j < k; j++) { \
                    acc += md + (T)d->buf[d->buf_pos + j]; \
                    out[i + j] = (S)acc; \
                } \
                d->buf_pos += (uint32_t)k; \
                i += k; \
                continue; \
            } \
            if (d->mb_left == 0) { \
                int rc = next_miniblock(d, (MAXW)); \
                if (rc < 0) \
                    return rc; \
                md = (T)d->min_delta; \
                continue; \
            } \
            if (d->mb_left >= 32 && n - i >= 32) { \
                size_t k = d->mb_left < n - i ? (size_t)d->mb_left : n - i; \
                k = (k < STEP ? k : STEP) & ~(size_t)31; \
                const unsigned w = d->width; \
                if (w <= 32) { \
                    uint32_t t[STEP]; \
                    pq_unpack32_groups[w](d->p, t, k / 32); \
                    PREFIX_SUM(T, S, t, out + i, k, acc, md); \
                } else { \
                    uint64_t t[STEP]; \
                    pq_unpack64_groups[w](d->p, t, k / 32); \
                    PREFIX_SUM(T, S, t, out + i, k, acc, md); \
                } \
                d->p += k / 8 * w; \
                d->mb_left -= k; \
                i += k; \
                continue; \
            } \
            fill_buf(d); \
        } \
        d->last = acc; \
        d->left -= n; \
        return 0; \
    } while (0)

/*
 * INT32 miniblocks may be up to 64 bits wide: DuckDB computes INT32 deltas in
 * 64-bit arithmetic and writes 33-bit miniblocks for spans of more than 2^31.
 * The spec's arithmetic is modulo 2^32, so truncating each delta is exact.
 */
int pq_delta_get_i32(pq_delta_decoder *d, int32_t *out, size_t n)
{
    DELTA_GET(uint32_t, int32_t, 64);
}

int pq_delta_get_i64(pq_delta_decoder *d, int64_t *out, size_t n)
{
    DELTA_GET(uint64_t, int64_t, 64);
}

int pq_delta_size(const uint8_t *p, size_t len, size_t *size)
{
    const uint8_t *end = pq_end(p, len), *start = p;
    uint64_t block, mbs, total, first;
    p = read_header(p, end, &block, &mbs, &total, &first);
    if (!p)
        return ST_ECORRUPT;
    uint64_t left = total ? total - 1 : 0, mb_size = block / mbs;
    while (left) {
        uint64_t md;
        const uint8_t *b = p;
        if (pq_uleb_read(&p, end, &md, 64) < 0 || (uint64_t)(end - p) < mbs)
            return PQ_CORRUPT("%s: block at byte %zu truncated", DBP, (size_t)(b - start));
        const uint8_t *widths = p;
        p += mbs;
        for (uint64_t m = 0; m < mbs && left; m++) {
            uint64_t k = left < mb_size ? left : mb_size;
            uint64_t bytes = mb_size * widths[m] / 8, avail = (uint64_t)(end - p);
            if (widths[m] > 64)
                return PQ_CORRUPT("%s: miniblock at byte %zu has bit width %u, above 64", DBP,
                                  (size_t)(p - start), widths[m]);
            if (bytes > avail) {
                if (k != left || pq_bitpack_bytes((size_t)k, widths[m]) > avail)
                    return PQ_CORRUPT("%s: miniblock at byte %zu needs %llu bytes, %llu left",
                                      DBP, (size_t)(p - start), (unsigned long long)bytes,
                                      (unsigned long long)avail);
                bytes = avail;
            }
            p += bytes;
            left -= k;
        }
    }
    *size = (size_t)(p - start);
    return 0;
}

/* ------------------------------------------------------------------ encoder */

static unsigned bits_of(uint64_t v) { return v ? 64 - (unsigned)__builtin_clzll(v) : 0; }

/* Encodes values given as int64, with deltas wrapped to 32 bits when is32. */
static int delta_encode(st_buf *out, const int32_t *v32, const int64_t *v64, size_t n)
{
    const int is32 = v32 != NULL;
    size_t blocks = n > 1 ? (n - 2) / 128 + 1 : 0, need;
    /* worst case: header, then per block a min delta, 4 widths and 128 64-bit deltas */
    if (st_mul_overflow(blocks, 10 + 4 + 128 * 8, &need) || st_add_overflow(need, 40, &need))
        return st_error_set_oom();
    if (st_buf_grow(out, need) < 0)
        return ST_ENOMEM;
    uint8_t *p = out->ptr + out->len;
    uint64_t prev = n == 0 ? 0 : is32 ? (uint64_t)(int64_t)v32[0] : (uint64_t)v64[0];
    p += pq_uleb_write(p, 128);
    p += pq_uleb_write(p, 4);
    p += pq_uleb_write(p, n);
    p += pq_uleb_write(p, pq_zigzag_encode(prev));
    for (size_t i = 1; i < n; i += 128) {
        size_t cnt = n - i < 128 ? n - i : 128;
        int64_t delta[128];
        uint64_t rel[128];
        int64_t min = INT64_MAX;
        for (size_t j = 0; j < cnt; j++) {
            uint64_t cur = is32 ? (uint64_t)(int64_t)v32[i + j] : (uint64_t)v64[i + j];
            /* INT32 deltas wrap at 32 bits, so they (and delta - min) stay within 32 */
            delta[j] = is32 ? (int64_t)(int32_t)(uint32_t)(cur - prev) : (int64_t)(cur - prev);
            prev = cur;
            min = delta[j] < min ? delta[j] : min;
        }
        for (size_t j = 0; j < 128; j++)
            rel[j] = j < cnt ? (uint64_t)delta[j] - (uint64_t)min : 0;
        p += pq_uleb_write(p, pq_zigzag_encode((uint64_t)min));
        uint8_t *widths = p;
        p += 4;
        for (size_t m = 0; m < 4; m++) {
            uint64_t ored = 0;
            for (size_t j = 0; j < 32; j++)
                ored |= rel[m * 32 + j];
            widths[m] = (uint8_t)(m * 32 < cnt ? bits_of(ored) : 0);
            if (m * 32 < cnt) {
                pq_pack64(rel + m * 32, p, 32, widths[m]);
                p += 4 * widths[m];
            }
        }
    }
    out->len = (size_t)(p - out->ptr);
    return 0;
}

int pq_delta_encode_i32(st_buf *out, const int32_t *values, size_t n)
{
    static const int32_t none[1];
    return delta_encode(out, values ? values : none, NULL, n);
}

int pq_delta_encode_i64(st_buf *out, const int64_t *values, size_t n)
{
    return delta_encode(out, NULL, values, n);
}

/* ---------------------------------------------------- DELTA_LENGTH_BYTE_ARRAY */

int pq_dlba_init(pq_dlba_decoder *d, const uint8_t *p, size_t len, uint64_t max_count)
{
    size_t size = 0;
    int rc;
    memset(d, 0, sizeof(*d));
    d->data = d->end = pq_end(p, len);
    if ((rc = pq_delta_size(p, len, &size)) < 0 ||
        (rc = pq_delta_init(&d->lengths, p, size)) < 0) {
        d->lengths.left = d->lengths.total = 0;
        return rc;
    }
    if (d->lengths.total > max_count) {
        rc = PQ_CORRUPT("DELTA_LENGTH_BYTE_ARRAY: %llu values declared, the page holds %llu",
                        (unsigned long long)d->lengths.total, (unsigned long long)max_count);
        d->lengths.left = d->lengths.total = 0;
        return rc;
    }
    d->data = pq_end(p, size);
    return 0;
}

/* Checks lengths[0..n) and returns their sum in *total, or an error. */
static int sum_lengths(const int32_t *lengths, size_t n, uint64_t *total, const char *what)
{
    int64_t sum = 0;
    int32_t ored = 0;
    for (size_t j = 0; j < n; j++) {
        ored |= lengths[j];
        sum += lengths[j];
    }
    if (ored < 0)
        return PQ_CORRUPT("%s: negative length", what);
    *total = (uint64_t)sum;
    return 0;
}

int pq_dlba_get(pq_dlba_decoder *d, size_t n, int32_t *offsets, st_buf *data)
{
    static const char DLBA[] = "DELTA_LENGTH_BYTE_ARRAY";
    uint64_t total = 0;
    int rc;
    /* the lengths land in offsets[1..n] and are summed in place into offsets */
    if ((rc = pq_delta_get_i32(&d->lengths, offsets + 1, n)) < 0 ||
        (rc = sum_lengths(offsets + 1, n, &total, DLBA)) < 0)
        return rc;
    if (total > (uint64_t)(d->end - d->data))
        return PQ_CORRUPT("%s: lengths add up to %llu bytes, %zu remain", DLBA,
                          (unsigned long long)total, (size_t)(d->end - d->data));
    if ((rc = pq_reserve_binary(data, total)) < 0)
        return rc;
    if (total)
        memcpy(data->ptr + data->len, d->data, (size_t)total);
    int32_t pos = (int32_t)data->len;
    for (size_t j = 1; j <= n; j++) {
        pos += offsets[j];
        offsets[j] = pos;
    }
    data->len += (size_t)total;
    d->data += total;
    return 0;
}

/* Lengths of offsets-form values, checked; the caller st_free()s *out. */
static int lengths_of(const int32_t *offsets, size_t n, int32_t **out)
{
    int32_t *l = st_mallocarray(n ? n : 1, sizeof(int32_t));
    if (!l)
        return ST_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        l[i] = offsets[i + 1] - offsets[i];
        if (l[i] < 0) {
            st_free(l);
            return st_error_set(ST_EINVALID, ST_ERROR_PARQUET,
                                "byte-array offsets decrease at value %zu", i);
        }
    }
    *out = l;
    return 0;
}

int pq_dlba_encode(st_buf *out, const int32_t *offsets, const uint8_t *data, size_t n)
{
    int32_t *lens;
    int rc = lengths_of(offsets, n, &lens);
    if (rc < 0)
        return rc;
    rc = pq_delta_encode_i32(out, lens, n);
    st_free(lens);
    if (rc < 0)
        return rc;
    return st_buf_put(out, data + offsets[0], (size_t)(offsets[n] - offsets[0]));
}

/* ----------------------------------------------------------- DELTA_BYTE_ARRAY */

static const char DBA[] = "DELTA_BYTE_ARRAY";

int pq_dba_init(pq_dba_decoder *d, const uint8_t *p, size_t len, uint64_t max_count)
{
    size_t size = 0;
    int rc;
    memset(d, 0, sizeof(*d));
    if ((rc = pq_delta_size(p, len, &size)) < 0 ||
        (rc = pq_delta_init(&d->prefixes, p, size)) < 0)
        goto fail;
    if (d->prefixes.total > max_count) {
        rc = PQ_CORRUPT("%s: %llu values declared, the page holds %llu", DBA,
                        (unsigned long long)d->prefixes.total, (unsigned long long)max_count);
        goto fail;
    }
    if ((rc = pq_dlba_init(&d->suffixes, pq_end(p, size), len - size, max_count)) < 0)
        goto fail;
    if (d->suffixes.lengths.total != d->prefixes.total) {
        rc = PQ_CORRUPT("%s: %llu prefix lengths but %llu suffixes", DBA,
                        (unsigned long long)d->prefixes.total,
                        (unsigned long long)d->suffixes.lengths.total);
        goto fail;
    }
    return 0;
fail:
    d->prefixes.left = d->prefixes.total = 0;
    return rc;
}

void pq_dba_dispose(pq_dba_decoder *d)
{
    st_buf_dispose(&d->last);
}

int pq_dba_get(pq_dba_decoder *d, size_t n, int32_t *offsets, st_buf *data)
{
    int32_t pre[STEP], suf[STEP];
    const uint8_t *prev = d->last.ptr;
    size_t prev_len = d->last.len;
    int rc;
    if (n > d->prefixes.left)
        return PQ_CORRUPT("%s: %zu values wanted, %llu left", DBA, n,
                          (unsigned long long)d->prefixes.left);
    for (size_t i = 0; i < n;) {
        size_t k = n - i < STEP ? n - i : STEP;
        uint64_t total = 0, suffix_total = 0;
        if ((rc = pq_delta_get_i32(&d->prefixes, pre, k)) < 0 ||
            (rc = pq_delta_get_i32(&d->suffixes.lengths, suf, k)) < 0)
            return rc;
        /* Every length is checked before anything is reserved: a prefix can only
         * repeat bytes that exist, so a few bytes of input cannot ask for gigabytes. */
        for (size_t j = 0, len = prev_len; j < k; j++) {
            if (pre[j] < 0 || suf[j] < 0)
                return PQ_CORRUPT("%s: negative length", DBA);
            if ((size_t)pre[j] > len)
                return PQ_CORRUPT("%s: value %llu keeps a prefix of %d bytes of a %zu-byte "
                                  "value", DBA,
                                  (unsigned long long)(d->prefixes.total - d->prefixes.left -
                                                       k + j), pre[j], len);
            len = (size_t)pre[j] + (size_t)suf[j];
            total += len;
            suffix_total += (uint64_t)suf[j];
        }
        if (suffix_total > (uint64_t)(d->suffixes.end - d->suffixes.data))
            return PQ_CORRUPT("%s: suffix lengths add up to %llu bytes, %zu remain", DBA,
                              (unsigned long long)suffix_total,
                              (size_t)(d->suffixes.end - d->suffixes.data));
        /* reserving first keeps `prev` (inside data from the second value on) valid */
        size_t prev_off = prev && prev != d->last.ptr ? (size_t)(prev - data->ptr) : SIZE_MAX;
        if ((rc = pq_reserve_binary(data, total)) < 0)
            return rc;
        if (prev_off != SIZE_MAX)
            prev = data->ptr + prev_off;
        const uint8_t *s = d->suffixes.data;
        for (size_t j = 0; j < k; j++) {
            uint8_t *dst = data->ptr + data->len;
            if (pre[j])
                memcpy(dst, prev, (size_t)pre[j]);
            memcpy(dst + pre[j], s, (size_t)suf[j]);
            s += suf[j];
            prev = dst;
            prev_len = (size_t)pre[j] + (size_t)suf[j];
            data->len += prev_len;
            offsets[i + j + 1] = (int32_t)data->len;
        }
        d->suffixes.data = s;
        i += k;
    }
    if (n) {
        /* the caller may reuse data before the next batch: keep our own copy */
        st_buf_clear(&d->last);
        if (st_buf_put(&d->last, prev, prev_len) < 0)
            return ST_ENOMEM;
    }
    return 0;
}

int pq_dba_encode(st_buf *out, const int32_t *offsets, const uint8_t *data, size_t n)
{
    int32_t *pre = NULL, *suf;
    int rc = lengths_of(offsets, n, &suf);
    if (rc < 0)
        return rc;
    pre = st_mallocarray(n ? n : 1, sizeof(int32_t));
    if (!pre) {
        st_free(suf);
        return ST_ENOMEM;
    }
    size_t suffix_bytes = 0;
    for (size_t i = 0; i < n; i++) {
        int32_t common = 0;
        if (i > 0) {
            const uint8_t *a = data + offsets[i - 1], *b = data + offsets[i];
            int32_t max = suf[i - 1] + pre[i - 1] < suf[i] ? suf[i - 1] + pre[i - 1] : suf[i];
            while (common < max && a[common] == b[common])
                common++;
        }
        pre[i] = common;
        suf[i] -= common;
        suffix_bytes += (size_t)suf[i];
    }
    if ((rc = pq_delta_encode_i32(out, pre, n)) < 0 ||
        (rc = pq_delta_encode_i32(out, suf, n)) < 0 ||
        (rc = st_buf_grow(out, suffix_bytes)) < 0)
        goto done;
    for (size_t i = 0; i < n; i++) {
        memcpy(out->ptr + out->len, data + offsets[i] + pre[i], (size_t)suf[i]);
        out->len += (size_t)suf[i];
    }
done:
    st_free(pre);
    st_free(suf);
    return rc;
}
