/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Decoding one column chunk: pages -> levels and values -> a vector.
 *
 * A chunk is a run of pages, each a Thrift PageHeader then its body:
 *   DICTIONARY_PAGE  PLAIN values (at most one, before the data pages)
 *   DATA_PAGE (v1)   body compressed as a whole: [rep levels][def levels][values]
 *                    levels RLE with a 4-byte length (or deprecated BIT_PACKED)
 *   DATA_PAGE_V2     [rep levels][def levels] uncompressed, no length prefix,
 *                    then the values, compressed when is_compressed
 *   INDEX_PAGE       skipped
 *
 * Two output modes. A top-level column outside lists ("final") decodes straight
 * into its vector: each page's values land densely at the row position and are
 * then spread backwards over the nulls in place, so no temporary copy is needed;
 * with max definition level 1 the definition levels are decoded directly as the
 * validity bitmap. Any other column keeps its level arrays and a vector of the
 * dense non-null values for assemble.c.
 *
 * Values decode straight into the vector when the physical and vector
 * representations agree; otherwise (millis, unsigned, decimals, INT96, float16)
 * through a scratch buffer and a conversion. Dictionary values are converted once
 * and then gathered by index.
 */
#include <math.h>
#include <string.h>

#include <supertable/errors.h>
#include "parquet/compress.h"
#include "parquet/encoding.h"
#include "parquet/reader_int.h"
#include "parquet/values.h"
#include "util/float16.h"
#include "util/alloc.h"
#include "util/buf.h"

typedef struct {
    st_parquet_reader *r;
    const pq_leaf *leaf;
    const pq_column_meta *cm;
    int rg;
    int final;              /* decoding into the column's vector */
    int64_t expect;         /* level entries the chunk declares */
    int64_t levels_done;    /* level entries decoded so far */
    st_vector *out;         /* final vector, or dense values */
    st_vector *dict;        /* converted dictionary values */
    int16_t *def, *rep;     /* level arrays (non-final), or per-page scratch (final) */
    int64_t level_cap;
    st_buf page;            /* decompressed page */
    st_buf scratch;         /* physical values awaiting conversion */
    st_buf scratch_data;    /* byte arrays awaiting conversion */
    int32_t *scratch_off;
    size_t scratch_off_cap;
    st_arena arena;         /* page header statistics */
    int64_t page_offset;    /* file offset of the current page, for messages */
} chunk_ctx;

/* The caller (pq_read_leaf) prefixes the file, column, row group and page offset. */
static int page_corrupt(const chunk_ctx *c, const char *what)
{
    (void)c;
    return st_error_set(ST_ECORRUPT, ST_ERROR_PARQUET, "%s", what);
}

static int bit_width(int max_level)
{
    int w = 0;
    while ((1 << w) <= max_level)
        w++;
    return w;
}

static int physical_width(const pq_leaf *lf)
{
    switch (lf->physical) {
    case PQ_INT32: case PQ_FLOAT: return 4;
    case PQ_INT64: case PQ_DOUBLE: return 8;
    case PQ_INT96: return 12;
    case PQ_FIXED_LEN_BYTE_ARRAY: return lf->type_length;
    default: return 0;
    }
}

/* Byte arrays are decoded in offsets + data form, into the vector or a scratch pair. */
static int is_binary_out(const chunk_ctx *c)
{
    return c->leaf->physical == PQ_BYTE_ARRAY && c->leaf->conv == PQ_CONV_NONE;
}

/* ------------------------------------------------------------ conversion */

static void store_i128(uint8_t *dst, __int128 v)
{
    memcpy(dst, &v, 16);
}

/* Julian day of 1970-01-01: INT96 is (nanos of day: int64 LE, Julian day: int32 LE). */
#define JULIAN_EPOCH 2440588LL

/* Converts n fixed-width physical values at src into vector values at dst. */
static int convert_fixed(const chunk_ctx *c, const uint8_t *src, size_t n, uint8_t *dst)
{
    const pq_leaf *lf = c->leaf;
    for (size_t i = 0; i < n; i++) {
        int32_t i32;
        int64_t i64;
        switch (lf->conv) {
        case PQ_CONV_U8_TO_I32:
        case PQ_CONV_U16_TO_I32:
            memcpy(&i32, src + 4 * i, 4);
            i32 = (int32_t)((uint32_t)i32 & (lf->conv == PQ_CONV_U8_TO_I32 ? 0xffu : 0xffffu));
            memcpy(dst + 4 * i, &i32, 4);
            break;
        case PQ_CONV_U32_TO_I64:
            memcpy(&i32, src + 4 * i, 4);
            i64 = (int64_t)(uint32_t)i32;
            memcpy(dst + 8 * i, &i64, 8);
            break;
        case PQ_CONV_I32_TO_I64:
            memcpy(&i32, src + 4 * i, 4);
            i64 = i32;
            memcpy(dst + 8 * i, &i64, 8);
            break;
        case PQ_CONV_MILLIS_I32_TO_MICROS_I64:
            memcpy(&i32, src + 4 * i, 4);
            i64 = (int64_t)i32 * 1000;
            memcpy(dst + 8 * i, &i64, 8);
            break;
        case PQ_CONV_MILLIS_TO_MICROS:
            memcpy(&i64, src + 8 * i, 8);
            if (__builtin_mul_overflow(i64, 1000, &i64))
                return page_corrupt(c, "millisecond timestamp out of the microsecond range");
            memcpy(dst + 8 * i, &i64, 8);
            break;
        case PQ_CONV_NANOS_TO_MICROS:
            memcpy(&i64, src + 8 * i, 8);
            i64 = i64 / 1000 - (i64 % 1000 < 0);
            memcpy(dst + 8 * i, &i64, 8);
            break;
        case PQ_CONV_I32_TO_DEC:
            memcpy(&i32, src + 4 * i, 4);
            store_i128(dst + 16 * i, i32);
            break;
        case PQ_CONV_I64_TO_DEC:
            memcpy(&i64, src + 8 * i, 8);
            store_i128(dst + 16 * i, i64);
            break;
        case PQ_CONV_U64_TO_DEC:
            memcpy(&i64, src + 8 * i, 8);
            store_i128(dst + 16 * i, (__int128)(uint64_t)i64);
            break;
        case PQ_CONV_BE_TO_DEC:
            store_i128(dst + 16 * i, pq_be_to_i128(src + (size_t)lf->type_length * i,
                                                (size_t)lf->type_length));
            break;
        case PQ_CONV_INT96_TO_MICROS: {
            int64_t nanos, us;
            int32_t jd;
            memcpy(&nanos, src + 12 * i, 8);
            memcpy(&jd, src + 12 * i + 8, 4);
            /* Microseconds: int64 nanoseconds would overflow for years past 2262. */
            /* Spark writes its minimum and maximum timestamps (Julian-rebased) beyond
             * the int64 microsecond range; saturating gives back those same
             * extremes, which is what Spark reads. */
            if (__builtin_mul_overflow((int64_t)jd - JULIAN_EPOCH, 86400000000LL, &us) ||
                __builtin_add_overflow(us, nanos / 1000, &us))
                us = jd < JULIAN_EPOCH ? INT64_MIN : INT64_MAX;
            memcpy(dst + 8 * i, &us, 8);
            break;
        }
        case PQ_CONV_F16_TO_F32: {
            float f = st_half_to_float((uint16_t)(src[2 * i] | src[2 * i + 1] << 8));
            memcpy(dst + 4 * i, &f, 4);
            break;
        }
        case PQ_CONV_NONE:
            return page_corrupt(c, "internal: no conversion");
        }
    }
    return 0;
}

/* Converts byte arrays (offsets + data) to decimals. */
static int convert_binary(const chunk_ctx *c, const int32_t *off, const uint8_t *data, size_t n,
                          uint8_t *dst)
{
    for (size_t i = 0; i < n; i++) {
        size_t len = (size_t)(off[i + 1] - off[i]);
        if (len > 16)
            return page_corrupt(c, "decimal wider than 16 bytes");
        store_i128(dst + 16 * i, len ? pq_be_to_i128(data + off[i], len) : 0);
    }
    return 0;
}

/* ------------------------------------------------------------ value decoding */

/* Lends a vector's data buffer to an st_buf and takes it back. */
static st_buf lend(st_vector *v)
{
    st_buf b = {v->data, (size_t)v->data_len, (size_t)v->data_cap_};
    return b;
}

static void take_back(st_vector *v, const st_buf *b)
{
    v->data = b->ptr;
    v->data_len = (int64_t)b->len;
    v->data_cap_ = (int64_t)b->cap;
}

static int scratch_offsets(chunk_ctx *c, size_t n)
{
    if (c->scratch_off_cap < n + 1) {
        int32_t *p = st_reallocarray(c->scratch_off, n + 1, sizeof(int32_t));
        if (!p)
            return ST_ENOMEM;
        c->scratch_off = p;
        c->scratch_off_cap = n + 1;
    }
    c->scratch_off[0] = 0;
    st_buf_clear(&c->scratch_data);
    return 0;
}

/*
 * Decodes n PLAIN values from p[0..len) into `v` at position pos. Used for data
 * pages and dictionary pages alike.
 */
static int decode_plain(chunk_ctx *c, const uint8_t *p, size_t len, size_t n, st_vector *v,
                        int64_t pos)
{
    const pq_leaf *lf = c->leaf;
    int pw = physical_width(lf);
    int rc;

    if (lf->physical == PQ_BOOLEAN)
        return pq_plain_bool_decode(p, len, 0, n, v->values, (size_t)pos);
    if (lf->physical == PQ_BYTE_ARRAY) {
        if (lf->conv == PQ_CONV_NONE) {
            st_buf b = lend(v);
            rc = pq_plain_binary_decode(p, len, n, (int32_t *)(void *)v->values + pos, &b, NULL);
            take_back(v, &b);
            return rc;
        }
        if ((rc = scratch_offsets(c, n)) < 0 ||
            (rc = pq_plain_binary_decode(p, len, n, c->scratch_off, &c->scratch_data, NULL)) < 0)
            return rc;
        return convert_binary(c, c->scratch_off, c->scratch_data.ptr, n,
                              v->values + (size_t)pos * (size_t)lf->out_width);
    }
    if ((uint64_t)n * (uint64_t)pw > len)
        return page_corrupt(c, "page has fewer value bytes than its value count needs");
    if (n == 0)
        return 0;
    if (lf->conv == PQ_CONV_NONE) {
        uint8_t *dst = v->values + (size_t)pos * (size_t)pw;
        /* The page may have been decompressed into the vector itself (see
         * read_data_page_v1): the values are then in place, or a little further up. */
        if (dst != p)
            memmove(dst, p, n * (size_t)pw);
        return 0;
    }
    return convert_fixed(c, p, n, v->values + (size_t)pos * (size_t)lf->out_width);
}

/* Where fixed-width physical values should be decoded: the vector, or scratch. */
static uint8_t *fixed_target(chunk_ctx *c, size_t n, int64_t pos, int *rc)
{
    const pq_leaf *lf = c->leaf;
    *rc = 0;
    if (lf->conv == PQ_CONV_NONE)
        return c->out->values + (size_t)pos * (size_t)lf->out_width;
    st_buf_clear(&c->scratch);
    if ((*rc = st_buf_grow(&c->scratch, n * (size_t)physical_width(lf) + 16)) < 0)
        return NULL;
    return c->scratch.ptr;
}

static int finish_fixed(chunk_ctx *c, const uint8_t *target, size_t n, int64_t pos)
{
    if (c->leaf->conv == PQ_CONV_NONE)
        return 0;
    return convert_fixed(c, target, n, c->out->values + (size_t)pos * (size_t)c->leaf->out_width);
}

/* Decodes byte arrays with a DELTA decoder into the vector or, for decimals/FLBA, scratch. */
static int decode_delta_bytes(chunk_ctx *c, const uint8_t *p, size_t len, size_t n, int64_t pos,
                              int prefix_coded)
{
    const pq_leaf *lf = c->leaf;
    int rc;
    if (is_binary_out(c)) {
        st_buf b = lend(c->out);
        int32_t *off = (int32_t *)(void *)c->out->values + pos;
        if (prefix_coded) {
            pq_dba_decoder d;
            memset(&d, 0, sizeof(d));
            rc = pq_dba_init(&d, p, len, n);
            if (rc == 0)
                rc = pq_dba_get(&d, n, off, &b);
            pq_dba_dispose(&d);
        } else {
            pq_dlba_decoder d;
            rc = pq_dlba_init(&d, p, len, n);
            if (rc == 0)
                rc = pq_dlba_get(&d, n, off, &b);
        }
        take_back(c->out, &b);
        return rc;
    }
    if ((rc = scratch_offsets(c, n)) < 0)
        return rc;
    if (prefix_coded) {
        pq_dba_decoder d;
        memset(&d, 0, sizeof(d));
        rc = pq_dba_init(&d, p, len, n);
        if (rc == 0)
            rc = pq_dba_get(&d, n, c->scratch_off, &c->scratch_data);
        pq_dba_dispose(&d);
    } else {
        pq_dlba_decoder d;
        rc = pq_dlba_init(&d, p, len, n);
        if (rc == 0)
            rc = pq_dlba_get(&d, n, c->scratch_off, &c->scratch_data);
    }
    if (rc < 0)
        return rc;
    if (lf->physical == PQ_FIXED_LEN_BYTE_ARRAY) {
        for (size_t i = 0; i < n; i++)
            if (c->scratch_off[i + 1] - c->scratch_off[i] != lf->type_length)
                return page_corrupt(c, "DELTA_BYTE_ARRAY value length differs from the column's "
                                       "fixed length");
        if (lf->conv == PQ_CONV_NONE) {
            if (n)
                memcpy(c->out->values + (size_t)pos * (size_t)lf->type_length,
                       c->scratch_data.ptr, n * (size_t)lf->type_length);
            return 0;
        }
        return convert_fixed(c, c->scratch_data.ptr, n,
                             c->out->values + (size_t)pos * (size_t)lf->out_width);
    }
    return convert_binary(c, c->scratch_off, c->scratch_data.ptr, n,
                          c->out->values + (size_t)pos * (size_t)lf->out_width);
}

static int decode_dictionary_indices(chunk_ctx *c, const uint8_t *p, size_t len, size_t n,
                                     int64_t pos)
{
    pq_rle_decoder d;
    int rc;
    if (!c->dict)
        return page_corrupt(c, "dictionary-encoded page without a dictionary page");
    if ((rc = pq_rle_init_dict(&d, p, len)) < 0)
        return rc;
    if (c->dict->type->id == ST_TYPE_STRING || c->dict->type->id == ST_TYPE_BINARY) {
        st_buf b = lend(c->out);
        rc = pq_rle_gather_binary(&d, (const int32_t *)(const void *)c->dict->values,
                                  c->dict->data, (size_t)c->dict->length, n,
                                  (int32_t *)(void *)c->out->values + pos, &b);
        take_back(c->out, &b);
        return rc;
    }
    if (c->leaf->physical == PQ_BOOLEAN) {
        /* Booleans have no dictionary in the spec, but gather the bits if a writer did it. */
        uint32_t idx;
        for (size_t i = 0; i < n; i++) {
            if ((rc = pq_rle_get(&d, &idx, 1)) < 0)
                return rc;
            if (idx >= (uint32_t)c->dict->length)
                return page_corrupt(c, "dictionary index out of range");
            pq_bitmap_fill(c->out->values, (size_t)pos + i, 1, st_vector_get_bool(c->dict, idx));
        }
        return 0;
    }
    return pq_rle_gather(&d, c->dict->values, (size_t)c->leaf->out_width, (size_t)c->dict->length,
                         c->out->values + (size_t)pos * (size_t)c->leaf->out_width, n);
}

/* Decodes n non-null values of a data page into c->out at dense position pos. */
static int decode_values(chunk_ctx *c, pq_encoding enc, const uint8_t *p, size_t len, size_t n,
                         int64_t pos)
{
    const pq_leaf *lf = c->leaf;
    uint8_t *t;
    int rc;

    if (n == 0)
        return 0; /* an all-null page: its value section may be empty or absent */
    switch (enc) {
    case PQ_ENC_PLAIN:
        return decode_plain(c, p, len, n, c->out, pos);
    case PQ_ENC_PLAIN_DICTIONARY:
    case PQ_ENC_RLE_DICTIONARY:
        return decode_dictionary_indices(c, p, len, n, pos);
    case PQ_ENC_RLE: {
        pq_rle_decoder d;
        if (lf->physical != PQ_BOOLEAN)
            break;
        if ((rc = pq_rle_init_prefixed(&d, p, len, 1, NULL)) < 0)
            return rc;
        return pq_rle_get_bits(&d, c->out->values, (size_t)pos, n);
    }
    case PQ_ENC_DELTA_BINARY_PACKED: {
        pq_delta_decoder d;
        if (lf->physical != PQ_INT32 && lf->physical != PQ_INT64)
            break;
        if ((rc = pq_delta_init(&d, p, len)) < 0)
            return rc;
        if (pq_delta_count(&d) < n)
            return page_corrupt(c, "DELTA_BINARY_PACKED holds fewer values than the page");
        if (!(t = fixed_target(c, n, pos, &rc)))
            return rc;
        rc = lf->physical == PQ_INT32 ? pq_delta_get_i32(&d, (int32_t *)(void *)t, n)
                                      : pq_delta_get_i64(&d, (int64_t *)(void *)t, n);
        return rc < 0 ? rc : finish_fixed(c, t, n, pos);
    }
    case PQ_ENC_DELTA_LENGTH_BYTE_ARRAY:
        if (lf->physical != PQ_BYTE_ARRAY)
            break;
        return decode_delta_bytes(c, p, len, n, pos, 0);
    case PQ_ENC_DELTA_BYTE_ARRAY:
        if (lf->physical != PQ_BYTE_ARRAY && lf->physical != PQ_FIXED_LEN_BYTE_ARRAY)
            break;
        return decode_delta_bytes(c, p, len, n, pos, 1);
    case PQ_ENC_BYTE_STREAM_SPLIT: {
        int pw = physical_width(lf);
        if (pw == 0 || lf->physical == PQ_INT96)
            break;
        if (len % (size_t)pw != 0 || len / (size_t)pw < n)
            return page_corrupt(c, "BYTE_STREAM_SPLIT data does not hold the page's values");
        if (!(t = fixed_target(c, n, pos, &rc)))
            return rc;
        if ((rc = pq_bss_decode(p, len, (size_t)pw, 0, n, t)) < 0)
            return rc;
        return finish_fixed(c, t, n, pos);
    }
    default:
        break;
    }
    return st_error_set(ST_EUNSUPPORTED, ST_ERROR_PARQUET, "encoding %s is not valid for %s values",
                        pq_encoding_name(enc), pq_type_name(lf->physical));
}

/* ------------------------------------------------------------ output buffers */

/* Makes room for n more dense values (and, for byte arrays, a guess of their bytes). */
static int reserve_values(chunk_ctx *c, int64_t pos, int64_t n, size_t bytes_hint)
{
    int rc;
    if ((rc = st_vector_reserve(c->out, pos + n)) < 0)
        return rc;
    if (is_binary_out(c) && (rc = st_vector_reserve_data(c->out, c->out->data_len +
                                                         (int64_t)bytes_hint)) < 0)
        return rc;
    return 0;
}

/*
 * Spreads the nn dense values at [base, base + nn) over [base, base + n) following
 * the validity bits of the out vector, working backwards so it can be done in place.
 */
static void spread_in_place(st_vector *v, int64_t base, int64_t n, int64_t nn, int width)
{
    const uint8_t *vb = v->validity;
    int64_t k = nn;
    if (nn == n)
        return;
    if (v->type->id == ST_TYPE_STRING || v->type->id == ST_TYPE_BINARY) {
        int32_t *off = (int32_t *)(void *)v->values + base;
        for (int64_t j = n - 1; j >= 0; j--) {
            int64_t row = base + j;
            int valid = (vb[row >> 3] >> (row & 7)) & 1;
            off[j + 1] = off[k];
            k -= valid;
        }
        return;
    }
    if (width == 0) {
        for (int64_t j = n - 1; j >= 0; j--) {
            int64_t row = base + j;
            int bit = 0;
            if ((vb[row >> 3] >> (row & 7)) & 1) {
                int64_t src = base + --k;
                bit = (v->values[src >> 3] >> (src & 7)) & 1;
            }
            pq_bitmap_fill(v->values, (size_t)row, 1, bit);
        }
        return;
    }
    for (int64_t j = n - 1; j >= 0; j--) {
        int64_t row = base + j;
        uint8_t *dst = v->values + (size_t)row * (size_t)width;
        if ((vb[row >> 3] >> (row & 7)) & 1) {
            k--;
            if (k != j)
                memcpy(dst, v->values + (size_t)(base + k) * (size_t)width, (size_t)width);
        } else {
            memset(dst, 0, (size_t)width);
        }
    }
}

/* ------------------------------------------------------------ levels */

/* Set bits in [off, off + n) of an LSB-first bitmap, a 64-bit word at a time. */
static int64_t count_bits(const uint8_t *bits, int64_t off, int64_t n)
{
    int64_t c = 0, i = off, end = off + n;
    while (i < end && (i & 7)) {
        c += (bits[i >> 3] >> (i & 7)) & 1;
        i++;
    }
    for (; i + 64 <= end; i += 64) {
        uint64_t w;
        memcpy(&w, bits + (i >> 3), 8);
        c += __builtin_popcountll(w);
    }
    for (; i < end; i++)
        c += (bits[i >> 3] >> (i & 7)) & 1;
    return c;
}

/* Validity bits [off, off + n) from definition levels: set where def == max. */
static void levels_to_bits(uint8_t *bits, int64_t off, const int16_t *def, int64_t n, int max)
{
    int64_t i = 0;
    for (; i < n && ((off + i) & 7); i++)
        pq_bitmap_fill(bits, (size_t)(off + i), 1, def[i] == max);
    for (; i + 8 <= n; i += 8) {
        unsigned b = 0;
        for (int k = 0; k < 8; k++)
            b |= (unsigned)(def[i + k] == max) << k;
        bits[(off + i) >> 3] = (uint8_t)b;
    }
    for (; i < n; i++)
        pq_bitmap_fill(bits, (size_t)(off + i), 1, def[i] == max);
}

typedef struct {
    const uint8_t *values;  /* the value section */
    size_t values_len;
} page_body;

/* Reads one level section. v1: RLE with length prefix or BIT_PACKED; v2: bare RLE. */
static int read_levels(chunk_ctx *c, const uint8_t **p, size_t *len, int v2, size_t v2_len,
                       pq_encoding enc, int max_level, int16_t *out, size_t n)
{
    pq_rle_decoder d;
    int w = bit_width(max_level), rc;
    size_t used;
    if (v2) {
        if ((rc = pq_rle_init(&d, *p, v2_len, (unsigned)w)) < 0)
            return rc;
        rc = pq_rle_get_levels(&d, out, n, max_level);
        used = v2_len;
    } else if (enc == PQ_ENC_BIT_PACKED) {
        used = pq_bitpack_bytes(n, (unsigned)w);
        if (used > *len)
            return page_corrupt(c, "BIT_PACKED levels run past the page");
        rc = pq_bitpacked_msb_get_levels(*p, used, (unsigned)w, 0, out, n, max_level);
    } else if (enc == PQ_ENC_RLE) {
        if ((rc = pq_rle_init_prefixed(&d, *p, *len, (unsigned)w, &used)) < 0)
            return rc;
        rc = pq_rle_get_levels(&d, out, n, max_level);
    } else {
        return st_error_set(ST_EUNSUPPORTED, ST_ERROR_PARQUET, "level encoding %s",
                            pq_encoding_name(enc));
    }
    if (rc < 0)
        return rc;
    *p += used;
    *len -= used;
    return 0;
}

static int grow_levels(chunk_ctx *c, int64_t need)
{
    int64_t cap;
    int16_t *d, *r;
    if (need <= c->level_cap)
        return 0;
    cap = c->level_cap ? c->level_cap : 1024;
    while (cap < need)
        cap *= 2;
    d = st_reallocarray(c->def, (size_t)cap, sizeof(int16_t));
    if (!d)
        return ST_ENOMEM;
    c->def = d;
    if (c->leaf->max_rep > 0 || c->rep) {
        r = st_reallocarray(c->rep, (size_t)cap, sizeof(int16_t));
        if (!r)
            return ST_ENOMEM;
        c->rep = r;
    }
    c->level_cap = cap;
    return 0;
}

/* ------------------------------------------------------------ pages */

/*
 * Bytes of the output vector that a page decompressed in place overwrote in front
 * of its values (its level section), to be put back once the levels are read.
 */
typedef struct {
    uint8_t *at;
    size_t len;
    const uint8_t *saved;
} page_restore;

static int page_payload(chunk_ctx *c, const pq_page_header *ph, const uint8_t *src,
                        size_t src_len, size_t skip, const uint8_t **out, size_t *out_len);

/* A page's values can land straight in the vector: fixed width, no conversion, PLAIN. */
static int in_place_ok(const chunk_ctx *c, pq_encoding enc)
{
    return c->final && c->leaf->conv == PQ_CONV_NONE && c->leaf->out_width > 0 &&
           c->leaf->physical != PQ_BOOLEAN && enc == PQ_ENC_PLAIN;
}

/*
 * Decodes a data page. v1: `body` is the whole (decompressed) page. v2: `levels`
 * are the level sections and `body` the value section as stored (compressed or
 * not): it is decompressed here, after the levels are known, straight into the
 * vector when the page has no nulls.
 */
static int decode_data_page(chunk_ctx *c, const pq_page_header *ph, const uint8_t *body,
                            size_t body_len, const uint8_t *levels, size_t levels_len,
                            const page_restore *rs)
{
    const pq_leaf *lf = c->leaf;
    int v2 = ph->type == PQ_PAGE_DATA_V2;
    int64_t n = v2 ? ph->data_v2.num_values : ph->data.num_values;
    pq_encoding enc = v2 ? ph->data_v2.encoding : ph->data.encoding;
    const uint8_t *p = v2 ? levels : body;
    size_t len = v2 ? levels_len : body_len;
    int64_t nn, pos, lvl = c->levels_done;
    int16_t *def, *rep = NULL;
    int rc;

    if (n < 0 || n > c->expect - c->levels_done)
        return page_corrupt(c, "page holds more values than the column chunk declares");
    if (c->final) {
        if ((rc = grow_levels(c, n)) < 0)
            return rc;
        def = c->def;
    } else {
        if ((rc = grow_levels(c, lvl + n)) < 0)
            return rc;
        def = c->def + lvl;
        rep = c->rep ? c->rep + lvl : NULL;
    }
    if (v2 && lf->max_rep == 0) {
        /* v2 sections have explicit lengths; some writers emit levels a column has
         * no use for. Skip by the length, never by the schema. */
        p += ph->data_v2.rep_levels_len;
        len -= (size_t)ph->data_v2.rep_levels_len;
    }
    if (lf->max_rep > 0) {
        if ((rc = read_levels(c, &p, &len, v2, v2 ? (size_t)ph->data_v2.rep_levels_len : 0,
                              v2 ? PQ_ENC_RLE : ph->data.rep_encoding, lf->max_rep, rep,
                              (size_t)n)) < 0)
            return rc;
        if (lvl == 0 && n > 0 && rep[0] != 0)
            return page_corrupt(c, "the first repetition level of the column is not 0");
    }
    pos = c->final ? lvl : c->out->length;
    if (lf->max_def == 0) {
        nn = n;
        if (!c->final)
            memset(def, 0, (size_t)n * sizeof(int16_t));
    } else if (c->final && lf->max_def == 1 && (v2 || ph->data.def_encoding == PQ_ENC_RLE)) {
        /* Definition levels of 0/1 are the validity bitmap itself. */
        pq_rle_decoder d;
        size_t used = (size_t)(v2 ? ph->data_v2.def_levels_len : 0);
        rc = v2 ? pq_rle_init(&d, p, used, 1) : pq_rle_init_prefixed(&d, p, len, 1, &used);
        if (rc == 0)
            rc = pq_rle_get_bits(&d, c->out->validity, (size_t)pos, (size_t)n);
        if (rc < 0)
            return rc;
        p += used;
        len -= used;
        nn = count_bits(c->out->validity, pos, n);
    } else {
        if ((rc = read_levels(c, &p, &len, v2, v2 ? (size_t)ph->data_v2.def_levels_len : 0,
                              v2 ? PQ_ENC_RLE : ph->data.def_encoding, lf->max_def, def,
                              (size_t)n)) < 0)
            return rc;
        nn = 0;
        for (int64_t i = 0; i < n; i++)
            nn += def[i] == lf->max_def;
        if (c->final)
            levels_to_bits(c->out->validity, pos, def, n, lf->max_def);
    }
    if (rs)
        memcpy(rs->at, rs->saved, rs->len);
    if ((rc = reserve_values(c, pos, c->final ? n : nn, v2 ? body_len : len)) < 0)
        return rc;
    if (v2) {
        size_t skip = (size_t)ph->data_v2.rep_levels_len + (size_t)ph->data_v2.def_levels_len;
        int w = c->leaf->out_width;
        if (nn == n && in_place_ok(c, enc) && ph->uncompressed_size >= 0 &&
            (size_t)ph->uncompressed_size - skip == (size_t)n * (size_t)w &&
            c->cm->codec != PQ_CODEC_UNCOMPRESSED && ph->data_v2.is_compressed && body_len > 0) {
            /* No nulls: decompress the values straight into their rows. */
            p = c->out->values + (size_t)pos * (size_t)w;
            len = (size_t)n * (size_t)w;
            if ((rc = pq_decompress(c->cm->codec, body, body_len, c->out->values +
                                    (size_t)pos * (size_t)w, len)) < 0)
                return rc;
        } else if ((rc = page_payload(c, ph, body - skip, body_len + skip, skip, &p, &len)) < 0) {
            return rc;
        }
    }
    if ((rc = decode_values(c, enc, p, len, (size_t)nn, pos)) < 0)
        return rc;
    if (c->final) {
        if (lf->max_def > 0) {
            c->out->null_count += n - nn;
            spread_in_place(c->out, pos, n, nn, lf->out_width);
        }
        c->out->length = pos + n;
    } else {
        c->out->length = pos + nn;
    }
    c->levels_done += n;
    return 0;
}

static int decode_dict_page(chunk_ctx *c, const pq_page_header *ph, const uint8_t *body,
                            size_t len)
{
    int32_t n = ph->dict.num_values;
    int rc;
    if (c->dict)
        return page_corrupt(c, "a second dictionary page in one column chunk");
    if (c->levels_done > 0)
        return page_corrupt(c, "dictionary page after data pages");
    if (n < 0)
        return page_corrupt(c, "dictionary page with a negative value count");
    if (ph->dict.encoding != PQ_ENC_PLAIN && ph->dict.encoding != PQ_ENC_PLAIN_DICTIONARY)
        return st_error_set(ST_EUNSUPPORTED, ST_ERROR_PARQUET, "dictionary page encoding %s",
                            pq_encoding_name(ph->dict.encoding));
    /* A value takes at least one byte (booleans a bit): cheap bound before allocating. */
    if (c->leaf->physical != PQ_BOOLEAN && (size_t)n > len)
        return page_corrupt(c, "dictionary page is smaller than its value count");
    if ((rc = st_vector_new(&c->dict, c->out->type, n)) < 0)
        return rc;
    if (is_binary_out(c) && (rc = st_vector_reserve_data(c->dict, (int64_t)len)) < 0)
        return rc;
    if ((rc = decode_plain(c, body, len, (size_t)n, c->dict, 0)) < 0)
        return rc;
    c->dict->length = n;
    return 0;
}

/* Decompresses (or views) the page body into *out. */
static int page_payload(chunk_ctx *c, const pq_page_header *ph, const uint8_t *src, size_t src_len,
                        size_t skip, const uint8_t **out, size_t *out_len)
{
    size_t ulen;
    int rc, compressed = c->cm->codec != PQ_CODEC_UNCOMPRESSED;
    if (ph->type == PQ_PAGE_DATA_V2 && !ph->data_v2.is_compressed)
        compressed = 0;
    if ((size_t)ph->uncompressed_size < skip)
        return page_corrupt(c, "page's level sections are larger than the page");
    ulen = (size_t)ph->uncompressed_size - skip;
    src += skip;
    src_len -= skip;
    if (!compressed) {
        if (src_len != ulen)
            return page_corrupt(c, "uncompressed page's sizes disagree");
        *out = src;
        *out_len = src_len;
        return 0;
    }
    st_buf_clear(&c->page);
    if ((rc = st_buf_reserve(&c->page, ulen + 1)) < 0)
        return rc;
    if (ulen == 0 && src_len == 0) {
        *out = c->page.ptr;
        *out_len = 0;
        return 0;
    }
    if ((rc = pq_decompress(c->cm->codec, src, src_len, c->page.ptr, ulen)) < 0)
        return rc;
    *out = c->page.ptr;
    *out_len = ulen;
    return 0;
}

/*
 * A compressed v1 page of fixed-width PLAIN values is decompressed straight into
 * the vector, placed so that, if the page has no nulls, its values land exactly
 * at their rows: the level section in front of them then overwrites the tail of
 * the previous page's values, which is saved first and put back once the levels
 * are read. This saves a copy of every value. Returns 1 when the page does not
 * qualify (the caller decodes it the usual way), else 0 or an error.
 */
static int read_data_page_v1(chunk_ctx *c, const pq_page_header *ph, const uint8_t *body,
                             size_t body_len)
{
    int64_t n = ph->data.num_values, pos = c->levels_done;
    size_t w = (size_t)c->leaf->out_width, ulen = (size_t)ph->uncompressed_size, front;
    page_restore rs;
    uint8_t *dst;
    int rc;

    if (!in_place_ok(c, ph->data.encoding) || c->cm->codec == PQ_CODEC_UNCOMPRESSED ||
        n <= 0 || n > c->expect - pos || ph->uncompressed_size < 0 ||
        ulen < (size_t)n * w || body_len == 0)
        return 1;
    front = ulen - (size_t)n * w;    /* the level sections, if there are no nulls */
    if (front > (size_t)pos * w)
        return 1;                    /* the first page: nothing in front to borrow */
    dst = c->out->values + (size_t)pos * w - front;
    st_buf_clear(&c->scratch);
    if ((rc = st_buf_put(&c->scratch, dst, front)) < 0)
        return rc;
    if ((rc = pq_decompress(c->cm->codec, body, body_len, dst, ulen)) < 0) {
        memcpy(dst, c->scratch.ptr, front);
        return rc;
    }
    rs = (page_restore){dst, front, c->scratch.ptr};
    rc = decode_data_page(c, ph, dst, ulen, NULL, 0, &rs);
    return rc;
}

static int read_page(chunk_ctx *c, const uint8_t *chunk, size_t chunk_len, size_t *pos)
{
    pq_page_header ph;
    size_t hlen, body_len, skip = 0;
    const uint8_t *body, *payload;
    size_t payload_len;
    int rc;

    if ((rc = pq_decode_page_header(&ph, &c->arena, chunk + *pos, chunk_len - *pos, &hlen)) < 0)
        return rc;
    if (ph.compressed_size < 0 || ph.uncompressed_size < 0)
        return page_corrupt(c, "page header with a negative size");
    if ((size_t)ph.compressed_size > chunk_len - *pos - hlen)
        return page_corrupt(c, "page runs past the end of the column chunk");
    body = chunk + *pos + hlen;
    body_len = (size_t)ph.compressed_size;
    *pos += hlen + body_len;
    if (ph.has_crc && c->r->verify_crc && pq_crc32(0, body, body_len) != ph.crc)
        return st_error_set(ST_ECORRUPT, ST_ERROR_PARQUET,
                            "page checksum mismatch (CRC32 %08x, header says %08x)",
                            pq_crc32(0, body, body_len), ph.crc);
    switch (ph.type) {
    case PQ_PAGE_DICTIONARY:
        if (!ph.has_dict)
            return page_corrupt(c, "dictionary page without its header");
        if ((rc = page_payload(c, &ph, body, body_len, 0, &payload, &payload_len)) < 0)
            return rc;
        return decode_dict_page(c, &ph, payload, payload_len);
    case PQ_PAGE_DATA:
        if (!ph.has_data)
            return page_corrupt(c, "data page without its header");
        if ((rc = read_data_page_v1(c, &ph, body, body_len)) != 1)
            return rc;
        if ((rc = page_payload(c, &ph, body, body_len, 0, &payload, &payload_len)) < 0)
            return rc;
        return decode_data_page(c, &ph, payload, payload_len, NULL, 0, NULL);
    case PQ_PAGE_DATA_V2:
        if (!ph.has_data_v2)
            return page_corrupt(c, "data page v2 without its header");
        if (ph.data_v2.rep_levels_len < 0 || ph.data_v2.def_levels_len < 0)
            return page_corrupt(c, "negative level section length");
        skip = (size_t)ph.data_v2.rep_levels_len + (size_t)ph.data_v2.def_levels_len;
        if (skip > body_len)
            return page_corrupt(c, "level sections are larger than the page");
        if ((size_t)ph.uncompressed_size < skip)
            return page_corrupt(c, "page's level sections are larger than the page");
        return decode_data_page(c, &ph, body + skip, body_len - skip, body, skip, NULL);
    default:
        return 0; /* index pages and unknown page types carry nothing we need */
    }
}

/* ------------------------------------------------------------ the chunk */

static int chunk_range(const chunk_ctx *c, uint64_t *start, uint64_t *len)
{
    const pq_column_meta *cm = c->cm;
    int64_t s = cm->data_page_offset;
    /* Offset 0 for the dictionary is a known writer bug meaning "none". */
    if (cm->has_dictionary_page_offset && cm->dictionary_page_offset > 0 &&
        cm->dictionary_page_offset < s)
        s = cm->dictionary_page_offset;
    if (s < 4 || cm->total_compressed_size < 0 ||
        (uint64_t)s > st_input_size(c->r->in) ||
        (uint64_t)cm->total_compressed_size > st_input_size(c->r->in) - (uint64_t)s)
        return page_corrupt(c, "column chunk lies outside the file");
    *start = (uint64_t)s;
    *len = (uint64_t)cm->total_compressed_size;
    return 0;
}

static int read_chunk(chunk_ctx *c)
{
    uint64_t start = 0, len = 0;
    const uint8_t *chunk;
    uint8_t *copy = NULL;
    size_t pos = 0;
    int rc = 0;

    if ((rc = chunk_range(c, &start, &len)) < 0)
        return rc;
    st_input_prefetch(c->r->in, start, (size_t)len);
    chunk = st_input_view(c->r->in, start, (size_t)len);
    if (!chunk) {
        if (!(copy = st_malloc((size_t)len ? (size_t)len : 1)))
            return ST_ENOMEM;
        if ((rc = st_input_read_at(c->r->in, start, copy, (size_t)len)) < 0) {
            st_free(copy);
            return rc;
        }
        chunk = copy;
    }
    while (c->levels_done < c->expect && pos < len) {
        c->page_offset = (int64_t)(start + pos);
        if ((rc = read_page(c, chunk, (size_t)len, &pos)) < 0)
            break;
    }
    st_free(copy);
    if (rc < 0)
        return rc;
    if (c->levels_done != c->expect)
        return st_error_set(ST_ECORRUPT, ST_ERROR_PARQUET,
                            "column chunk ended after %lld of its %lld values",
                            (long long)c->levels_done, (long long)c->expect);
    return 0;
}

int pq_read_leaf(pq_leaf_data *out, st_parquet_reader *r, int rg, int leaf)
{
    chunk_ctx c;
    const pq_row_group *g = &r->md.row_groups[rg];
    int rc;

    memset(out, 0, sizeof(*out));
    memset(&c, 0, sizeof(c));
    c.r = r;
    c.rg = rg;
    c.leaf = &r->schema.leaves[leaf];
    c.cm = g->columns[leaf].meta;
    c.final = c.leaf->top;
    c.expect = c.cm->num_values;
    c.page_offset = c.cm->data_page_offset;
    if (c.expect < 0 || (c.final && c.expect != g->num_rows)) {
        rc = st_error_set(ST_ECORRUPT, ST_ERROR_PARQUET,
                          "column chunk has %lld values for %lld rows",
                          (long long)c.expect, (long long)g->num_rows);
        goto done;
    }
    if ((rc = st_vector_new(&c.out, c.leaf->node->type, c.final ? c.expect : 0)) < 0)
        goto done;
    if (c.final && c.leaf->max_def > 0 && (rc = st_vector_ensure_validity(c.out)) < 0)
        goto done;
    if (!c.final && (rc = grow_levels(&c, c.expect > 0 ? c.expect : 1)) < 0)
        goto done;
    /* An empty chunk may have no pages at all (and offsets of 0). */
    if (c.expect > 0)
        rc = read_chunk(&c);
done:
    if (rc < 0) {
        st_error_set(rc, ST_ERROR_PARQUET, "'%s': column '%s', row group %d, page at offset %lld: %s",
                     st_input_name(r->in), c.leaf->path, rg, (long long)c.page_offset,
                     st_error_last()->message);
        st_vector_free(c.out);
        st_free(c.def);
        st_free(c.rep);
    } else {
        if (c.final && c.out->validity && c.out->null_count == 0) {
            /* No nulls after all: without a bitmap, consumers take their no-null paths. */
            st_free(c.out->validity);
            c.out->validity = NULL;
        }
        out->values = c.out;
        out->final = c.final;
        out->n_levels = c.levels_done;
        if (c.final) {
            st_free(c.def);
            st_free(c.rep);
        } else {
            out->def = c.def;
            out->rep = c.rep;
        }
    }
    st_vector_free(c.dict);
    st_buf_dispose(&c.page);
    st_buf_dispose(&c.scratch);
    st_buf_dispose(&c.scratch_data);
    st_free(c.scratch_off);
    st_arena_dispose(&c.arena);
    return rc;
}
