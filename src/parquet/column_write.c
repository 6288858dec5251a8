/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Encoding one column chunk: levels and values -> pages, compressed, with
 * checksums, statistics and what the page index needs. Runs as one task per
 * leaf column on the pool; everything it touches belongs to the leaf's
 * pw_colstate.
 *
 * FORMAT of the chunk (parquet-format):
 *   [DICTIONARY_PAGE  PLAIN entries]                   when dictionary-encoded
 *   DATA_PAGE (v1)    body compressed as a whole:
 *                     [rep levels][def levels][values], levels RLE with a
 *                     4-byte length prefix, absent when the max level is 0
 *   DATA_PAGE_V2      [rep levels][def levels] RLE without prefix, uncompressed,
 *                     then the values, compressed unless that does not shrink them
 * Every page header carries the CRC-32 of the page body as stored. Pages start
 * at row boundaries (v2 and the offset index need it).
 *
 * ENCODING CHOICE, per chunk:
 *   1. Dictionary (all types but BOOLEAN, unless disabled): values are looked
 *      up page by page. After the page that reaches PROBE_VALUES values the
 *      dictionary must pay: its PLAIN size plus the bit-packed indexes must be
 *      smaller than the best fallback for those values, else the chunk falls
 *      back entirely. When the dictionary would pass dictionary_bytes, the pages
 *      already indexed stay dictionary-encoded and the rest fall back (as
 *      parquet-mr does). Data pages use RLE_DICTIONARY, the dictionary page PLAIN.
 *   2. Fallback: INT32/INT64 use DELTA_BINARY_PACKED when a trial encoding of
 *      the first fallback values is smaller than PLAIN (sorted ids, timestamps,
 *      arithmetic sequences shrink to a few bits per value), else PLAIN.
 *      BOOLEAN is PLAIN in v1 pages and RLE in v2 pages. Other types are PLAIN.
 */
#include <string.h>

#include <supertable/errors.h>
#include "parquet/compress.h"
#include "parquet/encoding.h"
#include "parquet/writer_int.h"
#include "util/alloc.h"

/* Values looked up before the dictionary must show that it pays. */
#define PROBE_VALUES 16384
/* A first look: when nearly all of these are distinct, do not bother. */
#define GLANCE_VALUES 4096
#define GLANCE_DISTINCT 0.9

typedef struct {
    pw_colstate *cs;
    const pw_leaf *lf;
    const pw_chunk_src *src;
    const pw_opts *o;
    pw_chunk_out *out;
    pw_dense v;
    size_t dict_pages;          /* pages [0, dict_pages) are dictionary-encoded */
    uint32_t dict_n;            /* dictionary entries those pages use */
    uint32_t *counts;           /* entries after each page: counts[p] after page p */
    int fallback;               /* pq_encoding of the pages after the dictionary; -1: undecided */
} chunk;

void pw_colstate_dispose(pw_colstate *cs)
{
    pw_dict_dispose(&cs->dict);
    st_buf_dispose(&cs->dense);
    st_buf_dispose(&cs->dense_off);
    st_buf_dispose(&cs->dense_data);
    st_buf_dispose(&cs->idx);
    st_buf_dispose(&cs->seen);
    st_buf_dispose(&cs->body);
    st_buf_dispose(&cs->levels);
    st_buf_dispose(&cs->comp);
    st_buf_dispose(&cs->trial);
    st_buf_dispose(&cs->out.bytes);
    st_free(cs->out.pages);
    memset(cs, 0, sizeof(*cs));
}

static unsigned bits_for(uint64_t max)
{
    unsigned w = 0;
    while (w < 64 && (max >> w))
        w++;
    return w;
}

/* Set bits in [off, off + n) of an LSB-first bitmap. */
static int64_t count_bits(const uint8_t *bits, int64_t off, int64_t n)
{
    int64_t c = 0, i = 0;
    for (; i < n && ((off + i) & 7); i++)
        c += (bits[(off + i) >> 3] >> ((off + i) & 7)) & 1;
    for (; i + 64 <= n; i += 64) {
        uint64_t w;
        memcpy(&w, bits + ((off + i) >> 3), 8);
        c += __builtin_popcountll(w);
    }
    for (; i < n; i++)
        c += (bits[(off + i) >> 3] >> ((off + i) & 7)) & 1;
    return c;
}

static inline int bit_at(const uint8_t *bits, int64_t i)
{
    return (bits[i >> 3] >> (i & 7)) & 1;
}

/* ------------------------------------------------------------ values */

/* One vector value (16-byte decimal) in its physical form. */
static void convert_one(const pw_leaf *lf, const uint8_t *src, uint8_t *dst)
{
    switch (lf->conv) {
    case PW_CONV_DEC_I32: memcpy(dst, src, 4); break;
    case PW_CONV_DEC_I64: memcpy(dst, src, 8); break;
    case PW_CONV_DEC_FLBA:
        /* little-endian 16 bytes -> the low type_length bytes, big-endian */
        for (int i = 0; i < lf->type_length; i++)
            dst[i] = src[lf->type_length - 1 - i];
        break;
    case PW_CONV_NONE: memcpy(dst, src, (size_t)lf->width); break;
    }
}

/* Dense, physical values of rows whose validity bit is set (all rows without a bitmap). */
static int compact_fixed(chunk *c, const uint8_t *vals, const uint8_t *valid, int64_t row0,
                         int64_t n, int64_t n_out)
{
    const pw_leaf *lf = c->lf;
    st_buf *d = &c->cs->dense;
    uint8_t *p;
    d->len = 0;
    if (st_buf_reserve(d, (size_t)n_out * (size_t)lf->width + 16) < 0)
        return ST_ENOMEM;
    p = d->ptr;
    for (int64_t i = 0; i < n; i++) {
        if (valid && !bit_at(valid, row0 + i))
            continue;
        convert_one(lf, vals + (size_t)(row0 + i) * (size_t)lf->vwidth, p);
        p += lf->width;
    }
    c->v.fixed = d->ptr;
    return 0;
}

static int compact_bytes(chunk *c, const int32_t *off, const uint8_t *data, const uint8_t *valid,
                         int64_t row0, int64_t n, int64_t n_out)
{
    st_buf *o = &c->cs->dense_off, *d = &c->cs->dense_data;
    int32_t *op, pos = 0;
    o->len = d->len = 0;
    if (st_buf_reserve(o, (size_t)(n_out + 1) * 4) < 0 ||
        st_buf_reserve(d, (size_t)(off[row0 + n] - off[row0]) + 1) < 0)
        return ST_ENOMEM;
    op = (int32_t *)(void *)o->ptr;
    *op++ = 0;
    for (int64_t i = row0; i < row0 + n; i++) {
        int32_t len = off[i + 1] - off[i];
        if (!bit_at(valid, i))
            continue;
        memcpy(d->ptr + pos, data + off[i], (size_t)len);
        pos += len;
        *op++ = pos;
    }
    c->v.off = (const int32_t *)(const void *)o->ptr;
    c->v.data = d->ptr;
    return 0;
}

static int compact_bits(chunk *c, const uint8_t *bits, const uint8_t *valid, int64_t row0,
                        int64_t n, int64_t n_out)
{
    st_buf *d = &c->cs->dense;
    int64_t k = 0;
    d->len = 0;
    if (st_buf_reserve(d, (size_t)(n_out + 7) / 8 + 8) < 0)
        return ST_ENOMEM;
    memset(d->ptr, 0, (size_t)(n_out + 7) / 8 + 8);
    for (int64_t i = row0; i < row0 + n; i++) {
        if (!bit_at(valid, i))
            continue;
        if (bit_at(bits, i))
            d->ptr[k >> 3] |= (uint8_t)(1u << (k & 7));
        k++;
    }
    c->v.bits = d->ptr;
    c->v.bit0 = 0;
    return 0;
}

/* Builds c->v: a view of the source when it is already dense and physical. */
static int prepare_values(chunk *c)
{
    const pw_chunk_src *s = c->src;
    const pw_leaf *lf = c->lf;
    const uint8_t *valid = lf->flat && s->nulls > 0 ? s->validity : NULL;
    int64_t row0 = lf->flat ? s->row0 : 0, n = s->n_vals;

    memset(&c->v, 0, sizeof(c->v));
    c->v.n = lf->flat ? s->rows - s->nulls : s->n_vals;
    if (lf->physical == PQ_BOOLEAN) {
        if (!valid) {
            c->v.bits = s->values;
            c->v.bit0 = row0;
            return 0;
        }
        return compact_bits(c, s->values, valid, row0, n, c->v.n);
    }
    if (lf->physical == PQ_BYTE_ARRAY) {
        if (!valid) {
            c->v.off = s->offsets + row0;
            c->v.data = s->data;
            return 0;
        }
        return compact_bytes(c, s->offsets, s->data, valid, row0, n, c->v.n);
    }
    if (!valid && lf->conv == PW_CONV_NONE) {
        c->v.fixed = s->values + (size_t)row0 * (size_t)lf->width;
        return 0;
    }
    return compact_fixed(c, s->values, valid, row0, n, c->v.n);
}

/* ------------------------------------------------------------ pages */

static pw_page_meta *new_page(pw_chunk_out *out)
{
    if (out->n_pages == out->pages_cap) {
        size_t cap = out->pages_cap ? out->pages_cap * 2 : 16;
        pw_page_meta *p = st_reallocarray(out->pages, cap, sizeof(*p));
        if (!p)
            return NULL;
        out->pages = p;
        out->pages_cap = cap;
    }
    memset(&out->pages[out->n_pages], 0, sizeof(pw_page_meta));
    return &out->pages[out->n_pages++];
}

/* Plain bytes of dense values [v0, v1): what page_bytes is measured in. */
static int64_t value_bytes(const chunk *c, int64_t v0, int64_t v1)
{
    if (c->lf->physical == PQ_BYTE_ARRAY)
        return 4 * (v1 - v0) + (c->v.off[v1] - c->v.off[v0]);
    if (c->lf->physical == PQ_BOOLEAN)
        return (v1 - v0 + 7) / 8;
    return (v1 - v0) * c->lf->width;
}

/* Flat columns: a page is a row range; its values follow from the validity bits. */
static int split_flat(chunk *c)
{
    const pw_chunk_src *s = c->src;
    const pw_leaf *lf = c->lf;
    const uint8_t *valid = s->nulls > 0 ? s->validity : NULL;
    int64_t r = 0, v = 0;
    while (r < s->rows) {
        int64_t k = s->rows - r < c->o->page_rows ? s->rows - r : c->o->page_rows, nv;
        pw_page_meta *pg;
        if (lf->physical == PQ_BYTE_ARRAY) {
            /* Rows until the bytes reach the target; offsets count null rows as empty. */
            const int32_t *off = s->offsets + s->row0 + r;
            int64_t j = 0;
            while (j < k && 4 * j + (off[j] - off[0]) < c->o->page_bytes)
                j++;
            k = j > 0 ? j : 1;
        } else if (lf->width > 0 && k * lf->width > c->o->page_bytes) {
            k = c->o->page_bytes / lf->width > 0 ? c->o->page_bytes / lf->width : 1;
        }
        nv = valid ? count_bits(valid, s->row0 + r, k) : k;
        if (!(pg = new_page(c->out)))
            return ST_ENOMEM;
        *pg = (pw_page_meta){.first_row = r, .rows = k, .lv0 = r, .lv1 = r + k, .v0 = v,
                             .v1 = v + nv};
        r += k;
        v += nv;
    }
    return 0;
}

/* Nested columns: pages end at row starts (rep == 0) once a limit is reached. */
static int split_nested(chunk *c)
{
    const pw_chunk_src *s = c->src;
    int16_t max_def = c->lf->max_def;
    int64_t l0 = 0, v0 = 0, vals = 0, rows = 0, row = 0, bytes = 0;
    for (int64_t l = 0; l <= s->n_levels; l++) {
        int row_start = l == s->n_levels || !s->rep || s->rep[l] == 0;
        if (row_start && l > l0 &&
            (l == s->n_levels || rows >= c->o->page_rows || bytes >= c->o->page_bytes)) {
            pw_page_meta *pg = new_page(c->out);
            if (!pg)
                return ST_ENOMEM;
            *pg = (pw_page_meta){.first_row = row - rows, .rows = rows, .lv0 = l0, .lv1 = l,
                                 .v0 = v0, .v1 = vals};
            l0 = l;
            v0 = vals;
            rows = 0;
            bytes = 0;
        }
        if (l == s->n_levels)
            break;
        if (row_start) {
            rows++;
            row++;
        }
        if (!s->def || s->def[l] == max_def) {
            bytes += value_bytes(c, vals, vals + 1);
            vals++;
        }
        bytes++;
    }
    return 0;
}

/* ------------------------------------------------------------ encoding choice */

/* DELTA_BINARY_PACKED of dense values [v0, v1) into buf (cleared first). */
static int encode_delta(chunk *c, st_buf *buf, int64_t v0, int64_t v1)
{
    const uint8_t *p = c->v.fixed + (size_t)v0 * (size_t)c->lf->width;
    buf->len = 0;
    if (c->lf->physical == PQ_INT32)
        return pq_delta_encode_i32(buf, (const int32_t *)(const void *)p, (size_t)(v1 - v0));
    return pq_delta_encode_i64(buf, (const int64_t *)(const void *)p, (size_t)(v1 - v0));
}

static int page_values(chunk *c, const pw_page_meta *pg, pq_encoding enc, st_buf *buf,
                       const uint8_t **direct, size_t *direct_len);

/*
 * Compressed size of values [v0, v1) in encoding `enc` (a trial: the encoded
 * bytes go to cs->trial, the compressed ones to cs->comp).
 */
static int trial_size(chunk *c, int64_t v0, int64_t v1, pq_encoding enc, size_t *size)
{
    pw_page_meta pg = {.v0 = v0, .v1 = v1};
    const uint8_t *direct;
    size_t len = 0;
    int rc;
    c->cs->trial.len = 0;
    if ((rc = page_values(c, &pg, enc, &c->cs->trial, &direct, &len)) < 0)
        return rc;
    if (!direct) {
        direct = c->cs->trial.ptr;
        len = c->cs->trial.len;
    }
    c->cs->comp.len = 0;
    if ((rc = pq_compress(c->o->codec, c->o->level, direct, len, &c->cs->comp)) < 0)
        return rc;
    *size = c->cs->comp.len;
    return 0;
}

/* Values compared by compressing both candidates (enough to see the ratio). */
#define TRIAL_VALUES 8192

/*
 * Picks the encoding of the pages that are not dictionary-encoded from values
 * [v0, v1) (see the top of the file); *best gets its uncompressed size, what a
 * dictionary has to beat.
 */
static int choose_fallback(chunk *c, int64_t v0, int64_t v1, uint64_t *best)
{
    uint64_t plain = (uint64_t)value_bytes(c, v0, v1);
    int64_t t1 = v1 - v0 > TRIAL_VALUES ? v0 + TRIAL_VALUES : v1;
    pq_encoding alt;
    size_t a, b;
    int rc;
    *best = plain;
    c->fallback = PQ_ENC_PLAIN;
    switch (c->lf->physical) {
    case PQ_BOOLEAN:
        c->fallback = c->o->v2 ? PQ_ENC_RLE : PQ_ENC_PLAIN;
        return 0;
    case PQ_INT32:
    case PQ_INT64:
        if ((rc = encode_delta(c, &c->cs->trial, v0, v1)) < 0)
            return rc;
        if (c->cs->trial.len < plain) {
            c->fallback = PQ_ENC_DELTA_BINARY_PACKED;
            *best = c->cs->trial.len;
        }
        return 0;
    case PQ_FLOAT:
    case PQ_DOUBLE:
        alt = PQ_ENC_BYTE_STREAM_SPLIT;
        break;
    case PQ_BYTE_ARRAY:
        alt = PQ_ENC_DELTA_LENGTH_BYTE_ARRAY;
        break;
    default:
        return 0;
    }
    /* Format-2 encodings only where the writer was asked for v2 pages. */
    if (!c->o->v2 || v1 == v0)
        return 0;
    if (c->o->codec == PQ_CODEC_UNCOMPRESSED) {
        if (alt == PQ_ENC_DELTA_LENGTH_BYTE_ARRAY)
            c->fallback = alt;     /* no 4-byte length per value: always smaller */
        return 0;
    }
    if ((rc = trial_size(c, v0, t1, PQ_ENC_PLAIN, &a)) < 0 ||
        (rc = trial_size(c, v0, t1, alt, &b)) < 0)
        return rc;
    if (b < a - a / 32)
        c->fallback = alt;
    return 0;
}

/* Does the dictionary, after `vals` values, cost less than the fallback would? */
static int dict_pays(chunk *c, int64_t vals, int *pays)
{
    const pw_dict *d = &c->cs->dict;
    uint64_t alt, cost = d->plain_bytes + ((uint64_t)vals * bits_for(d->count - 1) + 7) / 8;
    int rc = choose_fallback(c, 0, vals, &alt);
    *pays = cost < alt;
    return rc;
}

static int dictionary_phase(chunk *c)
{
    pw_colstate *cs = c->cs;
    pw_chunk_out *out = c->out;
    int evaluated = 0, rc = 0;
    size_t p;

    c->dict_pages = 0;
    if (c->o->dict_bytes < 0 || c->lf->physical == PQ_BOOLEAN || c->v.n == 0)
        return 0;
    if (!cs->dict_ready) {
        if ((rc = pw_dict_init(&cs->dict, c->lf)) < 0)
            return rc;
        cs->dict_ready = 1;
    } else {
        pw_dict_clear(&cs->dict);
    }
    cs->idx.len = 0;
    if (st_buf_reserve(&cs->idx, (size_t)c->v.n * 4 + 4) < 0 ||
        !(c->counts = st_mallocarray(out->n_pages, sizeof(uint32_t))))
        return ST_ENOMEM;
    if (c->v.n >= 2 * GLANCE_VALUES) {
        /* Unique ids, timestamps, measurements: a glance at the first values is
         * enough, and spares the hashing of the rest of the probe. The values
         * looked up here are looked up again below (as hits) when it passes. */
        uint64_t best;
        int64_t stop;
        rc = pw_dict_insert(&cs->dict, &c->v, 0, GLANCE_VALUES, (uint32_t *)(void *)cs->idx.ptr,
                            (uint64_t)c->o->dict_bytes, &stop);
        if (rc < 0)
            return rc;
        if (rc == 0 && cs->dict.count > GLANCE_DISTINCT * GLANCE_VALUES)
            return choose_fallback(c, 0, GLANCE_VALUES, &best);
    }
    for (p = 0; p < out->n_pages; p++) {
        const pw_page_meta *pg = &out->pages[p];
        int64_t stop;
        int pays;
        rc = pw_dict_insert(&cs->dict, &c->v, pg->v0, pg->v1, (uint32_t *)(void *)cs->idx.ptr,
                            (uint64_t)c->o->dict_bytes, &stop);
        if (rc < 0)
            return rc;
        if (rc == 1)
            break;                  /* full: this page and the rest fall back */
        c->counts[p] = cs->dict.count;
        if (!evaluated && (pg->v1 >= PROBE_VALUES || p + 1 == out->n_pages)) {
            evaluated = 1;
            if ((rc = dict_pays(c, pg->v1, &pays)) < 0)
                return rc;
            if (!pays)
                return 0;
        }
    }
    c->dict_pages = p;
    c->dict_n = p > 0 ? c->counts[p - 1] : 0;
    return 0;
}

/* ------------------------------------------------------------ statistics */

/* Bounds of a dictionary-encoded page of byte values: each distinct entry compared once. */
static int dict_page_stats(chunk *c, size_t p, pw_stats *st)
{
    const pw_page_meta *pg = &c->out->pages[p];
    const uint32_t *idx = (const uint32_t *)(const void *)c->cs->idx.ptr;
    uint32_t *seen = (uint32_t *)(void *)c->cs->seen.ptr, stamp = (uint32_t)p + 1;
    for (int64_t i = pg->v0; i < pg->v1; i++) {
        uint32_t e = idx[i], len;
        const uint8_t *b;
        if (seen[e] == stamp)
            continue;
        seen[e] = stamp;
        b = pw_dict_entry(&c->cs->dict, e, &len);
        pw_stats_add(st, c->lf, b, len);
    }
    return 0;
}

static int page_stats(chunk *c)
{
    pw_chunk_out *out = c->out;
    int bytes = c->lf->physical == PQ_BYTE_ARRAY ||
                (c->lf->physical == PQ_FIXED_LEN_BYTE_ARRAY && c->cs->dict.kind == PW_DICT_FIXED);
    memset(&out->st, 0, sizeof(out->st));
    out->index_ok = 1;
    if (bytes && c->dict_pages > 0) {
        c->cs->seen.len = 0;
        if (st_buf_reserve(&c->cs->seen, (size_t)c->dict_n * 4 + 4) < 0)
            return ST_ENOMEM;
        memset(c->cs->seen.ptr, 0, (size_t)c->dict_n * 4 + 4);
    }
    for (size_t p = 0; p < out->n_pages; p++) {
        pw_page_meta *pg = &out->pages[p];
        if (bytes && p < c->dict_pages) {
            memset(&pg->st, 0, sizeof(pg->st));
            dict_page_stats(c, p, &pg->st);
        } else {
            pw_stats_values(&pg->st, c->lf, &c->v, pg->v0, pg->v1);
        }
        pg->st.nulls = (pg->lv1 - pg->lv0) - (pg->v1 - pg->v0);
        if (pg->v1 > pg->v0 && !pg->st.has)
            out->index_ok = 0;      /* only NaN: no bounds to put in the column index */
        pw_stats_merge(&out->st, &pg->st, c->lf);
    }
    pw_stats_fix_zeros(&out->st, c->lf);
    return 0;
}

/* ------------------------------------------------------------ page bodies */

/*
 * One level section: `lv` levels, or the bits of `valid` (flat columns, max
 * level 1), or `n` copies of `value`; bit width from `max`.
 */
static int put_levels(st_buf *buf, int prefixed, const int16_t *lv, const uint8_t *valid,
                      int64_t off, int64_t n, int max, uint32_t value)
{
    pq_rle_encoder e;
    unsigned w = bits_for((uint64_t)max);
    int rc = prefixed ? pq_rle_encoder_init_prefixed(&e, buf, w) : pq_rle_encoder_init(&e, buf, w);
    if (rc < 0)
        return rc;
    if (lv)
        rc = pq_rle_encoder_put_levels(&e, lv + off, (size_t)n);
    else if (valid)
        rc = pq_rle_encoder_put_bits(&e, valid, (size_t)off, (size_t)n);
    else
        rc = pq_rle_encoder_put_repeat(&e, value, (uint64_t)n);
    return rc < 0 ? rc : pq_rle_encoder_finish(&e);
}

/* Repetition then definition levels of a page into buf. */
static int page_levels(chunk *c, const pw_page_meta *pg, st_buf *buf, int prefixed,
                       size_t *rep_len)
{
    const pw_chunk_src *s = c->src;
    const pw_leaf *lf = c->lf;
    size_t start = buf->len;
    int64_t n = pg->lv1 - pg->lv0;
    int rc;
    if (lf->max_rep > 0 &&
        (rc = put_levels(buf, prefixed, s->rep, NULL, pg->lv0, n, lf->max_rep, 0)) < 0)
        return rc;
    *rep_len = buf->len - start;
    if (lf->max_def == 0)
        return 0;
    if (lf->flat) {
        /* Definition levels of a flat column are its validity bits. */
        int64_t nulls = pg->st.nulls;
        if (nulls == 0 || nulls == n)
            return put_levels(buf, prefixed, NULL, NULL, 0, n, 1, nulls == 0);
        return put_levels(buf, prefixed, NULL, s->validity, s->row0 + pg->lv0, n, 1, 0);
    }
    return put_levels(buf, prefixed, s->def, NULL, pg->lv0, n, lf->max_def, 0);
}

/*
 * Values of a page with encoding `enc`. Appends to buf, or for PLAIN fixed-width
 * values (no copy needed) points *direct at them and leaves buf alone.
 */
static int page_values(chunk *c, const pw_page_meta *pg, pq_encoding enc, st_buf *buf,
                       const uint8_t **direct, size_t *direct_len)
{
    const pw_dense *v = &c->v;
    size_t n = (size_t)(pg->v1 - pg->v0), w = (size_t)c->lf->width;
    *direct = NULL;
    switch (enc) {
    case PQ_ENC_RLE_DICTIONARY: {
        pq_rle_encoder e;
        unsigned bw = bits_for(c->counts[pg - c->out->pages] > 0
                                   ? c->counts[pg - c->out->pages] - 1 : 0);
        uint8_t wb = (uint8_t)bw;
        int rc;
        if ((rc = st_buf_put(buf, &wb, 1)) < 0 || (rc = pq_rle_encoder_init(&e, buf, bw)) < 0 ||
            (rc = pq_rle_encoder_put(&e, (const uint32_t *)(const void *)c->cs->idx.ptr + pg->v0,
                                     n)) < 0)
            return rc;
        return pq_rle_encoder_finish(&e);
    }
    case PQ_ENC_DELTA_BINARY_PACKED:
        if (c->lf->physical == PQ_INT32)
            return pq_delta_encode_i32(buf, (const int32_t *)(const void *)(v->fixed + pg->v0 * w),
                                       n);
        return pq_delta_encode_i64(buf, (const int64_t *)(const void *)(v->fixed + pg->v0 * w), n);
    case PQ_ENC_BYTE_STREAM_SPLIT:
        return pq_bss_encode(buf, v->fixed + pg->v0 * w, w, n);
    case PQ_ENC_DELTA_LENGTH_BYTE_ARRAY:
        return pq_dlba_encode(buf, v->off + pg->v0, v->data, n);
    case PQ_ENC_RLE: {
        pq_rle_encoder e;
        int rc;
        if ((rc = pq_rle_encoder_init_prefixed(&e, buf, 1)) < 0 ||
            (rc = pq_rle_encoder_put_bits(&e, v->bits, (size_t)(v->bit0 + pg->v0), n)) < 0)
            return rc;
        return pq_rle_encoder_finish(&e);
    }
    default:
        break;
    }
    if (c->lf->physical == PQ_BOOLEAN)
        return pq_plain_bool_encode(buf, v->bits, (size_t)(v->bit0 + pg->v0), n);
    if (c->lf->physical == PQ_BYTE_ARRAY)
        return pq_plain_binary_encode(buf, v->off + pg->v0, v->data, n);
    *direct = v->fixed + pg->v0 * w;
    *direct_len = n * w;
    return 0;
}

/* ------------------------------------------------------------ page output */

/* Compresses src into cs->comp, or returns src itself for UNCOMPRESSED. */
static int compress(chunk *c, const uint8_t *src, size_t len, const uint8_t **out,
                    size_t *out_len)
{
    int rc;
    if (c->o->codec == PQ_CODEC_UNCOMPRESSED) {
        *out = src;
        *out_len = len;
        return 0;
    }
    c->cs->comp.len = 0;
    if ((rc = pq_compress(c->o->codec, c->o->level, src, len, &c->cs->comp)) < 0)
        return rc;
    *out = c->cs->comp.ptr;
    *out_len = c->cs->comp.len;
    return 0;
}

static int too_big(size_t n)
{
    if (n > INT32_MAX)
        return st_error_set(ST_EUNSUPPORTED, ST_ERROR_PARQUET,
                            "a page of %zu bytes is larger than Parquet allows", n);
    return 0;
}

/* Appends a header and its body (in one or two parts) to the chunk. */
static int emit(chunk *c, pq_page_header *ph, const uint8_t *a, size_t a_len, const uint8_t *b,
                size_t b_len, size_t uncompressed)
{
    st_buf *bytes = &c->out->bytes;
    size_t start = bytes->len;
    int rc;
    if ((rc = too_big(uncompressed)) < 0 || (rc = too_big(a_len + b_len)) < 0)
        return rc;
    ph->uncompressed_size = (int32_t)uncompressed;
    ph->compressed_size = (int32_t)(a_len + b_len);
    ph->has_crc = true;
    ph->crc = pq_crc32(pq_crc32(0, a, a_len), b, b_len);
    if ((rc = pq_encode_page_header(bytes, ph)) < 0 ||
        (a_len && (rc = st_buf_put(bytes, a, a_len)) < 0) ||
        (b_len && (rc = st_buf_put(bytes, b, b_len)) < 0))
        return rc;
    c->out->uncompressed += (int64_t)(bytes->len - start - a_len - b_len + uncompressed);
    return 0;
}

static int write_dict_page(chunk *c)
{
    pq_page_header ph;
    const uint8_t *z;
    size_t zlen;
    int rc;
    c->cs->body.len = 0;
    if ((rc = pw_dict_plain(&c->cs->dict, c->dict_n, &c->cs->body)) < 0 ||
        (rc = compress(c, c->cs->body.ptr, c->cs->body.len, &z, &zlen)) < 0)
        return rc;
    memset(&ph, 0, sizeof(ph));
    ph.type = PQ_PAGE_DICTIONARY;
    ph.has_dict = true;
    ph.dict.num_values = (int32_t)c->dict_n;
    ph.dict.encoding = PQ_ENC_PLAIN;
    if ((rc = emit(c, &ph, z, zlen, NULL, 0, c->cs->body.len)) < 0)
        return rc;
    c->out->has_dict = 1;
    c->out->dict_len = (int64_t)c->out->bytes.len;
    c->out->enc_mask |= 1u << PQ_ENC_PLAIN;
    return 0;
}

static int write_page_v1(chunk *c, size_t p, pq_encoding enc)
{
    pw_page_meta *pg = &c->out->pages[p];
    st_buf *body = &c->cs->body;
    const uint8_t *direct, *z;
    size_t direct_len = 0, zlen, rep_len;
    pq_page_header ph;
    int rc;
    body->len = 0;
    if ((rc = page_levels(c, pg, body, 1, &rep_len)) < 0 ||
        (rc = page_values(c, pg, enc, body, &direct, &direct_len)) < 0)
        return rc;
    if (direct && body->len > 0) {
        if ((rc = st_buf_put(body, direct, direct_len)) < 0)
            return rc;
        direct = NULL;
    }
    if (!direct) {
        direct = body->ptr;
        direct_len = body->len;
    }
    if ((rc = compress(c, direct, direct_len, &z, &zlen)) < 0)
        return rc;
    memset(&ph, 0, sizeof(ph));
    ph.type = PQ_PAGE_DATA;
    ph.has_data = true;
    ph.data.num_values = (int32_t)(pg->lv1 - pg->lv0);
    ph.data.encoding = enc;
    ph.data.def_encoding = PQ_ENC_RLE;
    ph.data.rep_encoding = PQ_ENC_RLE;
    return emit(c, &ph, z, zlen, NULL, 0, direct_len);
}

static int write_page_v2(chunk *c, size_t p, pq_encoding enc)
{
    pw_page_meta *pg = &c->out->pages[p];
    st_buf *lv = &c->cs->levels, *body = &c->cs->body;
    const uint8_t *direct, *z;
    size_t direct_len = 0, zlen, rep_len;
    pq_page_header ph;
    int rc;
    lv->len = body->len = 0;
    if ((rc = page_levels(c, pg, lv, 0, &rep_len)) < 0 ||
        (rc = page_values(c, pg, enc, body, &direct, &direct_len)) < 0)
        return rc;
    if (!direct) {
        direct = body->ptr;
        direct_len = body->len;
    }
    if ((rc = compress(c, direct, direct_len, &z, &zlen)) < 0)
        return rc;
    memset(&ph, 0, sizeof(ph));
    ph.data_v2.is_compressed = c->o->codec != PQ_CODEC_UNCOMPRESSED;
    if (zlen >= direct_len && ph.data_v2.is_compressed) {
        /* Compression did not pay: v2 lets the values be stored as they are. */
        z = direct;
        zlen = direct_len;
        ph.data_v2.is_compressed = false;
    }
    ph.type = PQ_PAGE_DATA_V2;
    ph.has_data_v2 = true;
    ph.data_v2.num_values = (int32_t)(pg->lv1 - pg->lv0);
    ph.data_v2.num_nulls = (int32_t)pg->st.nulls;
    ph.data_v2.num_rows = (int32_t)pg->rows;
    ph.data_v2.encoding = enc;
    ph.data_v2.rep_levels_len = (int32_t)rep_len;
    ph.data_v2.def_levels_len = (int32_t)(lv->len - rep_len);
    return emit(c, &ph, lv->ptr, lv->len, z, zlen, lv->len + direct_len);
}

/* The encoding of data page p. */
static int page_encoding(chunk *c, size_t p, pq_encoding *enc)
{
    const pw_page_meta *pg = &c->out->pages[p];
    uint64_t best;
    int rc;
    if (p < c->dict_pages) {
        *enc = PQ_ENC_RLE_DICTIONARY;
        return 0;
    }
    if (c->fallback < 0 && pg->v1 == pg->v0) {
        /* nothing to judge by yet: an all-null page */
        *enc = c->lf->physical == PQ_BOOLEAN && c->o->v2 ? PQ_ENC_RLE : PQ_ENC_PLAIN;
        return 0;
    }
    if (c->fallback < 0 && (rc = choose_fallback(c, pg->v0, pg->v1, &best)) < 0)
        return rc;
    *enc = (pq_encoding)c->fallback;
    return 0;
}

static int write_pages(chunk *c)
{
    pw_chunk_out *out = c->out;
    int rc;
    if (c->dict_pages > 0 && (rc = write_dict_page(c)) < 0)
        return rc;
    for (size_t p = 0; p < out->n_pages; p++) {
        pw_page_meta *pg = &out->pages[p];
        pq_encoding enc;
        if ((rc = page_encoding(c, p, &enc)) < 0)
            return rc;
        pg->offset = (int64_t)out->bytes.len;
        rc = c->o->v2 ? write_page_v2(c, p, enc) : write_page_v1(c, p, enc);
        if (rc < 0)
            return rc;
        if ((int64_t)out->bytes.len - pg->offset > INT32_MAX)
            return too_big(out->bytes.len - (size_t)pg->offset);
        pg->size = (int32_t)((int64_t)out->bytes.len - pg->offset);
        out->enc_mask |= 1u << enc;
        out->data_pages[enc]++;
    }
    if (c->lf->max_def > 0 || c->lf->max_rep > 0)
        out->enc_mask |= 1u << PQ_ENC_RLE;
    return 0;
}

int pw_encode_chunk(pw_colstate *cs, const pw_leaf *lf, const pw_chunk_src *src,
                    const pw_opts *o)
{
    chunk c;
    int rc;
    memset(&c, 0, sizeof(c));
    c.cs = cs;
    c.lf = lf;
    c.src = src;
    c.o = o;
    c.out = &cs->out;
    c.fallback = -1;
    c.out->bytes.len = 0;
    c.out->n_pages = 0;
    c.out->has_dict = 0;
    c.out->dict_len = 0;
    c.out->uncompressed = 0;
    c.out->enc_mask = 0;
    memset(c.out->data_pages, 0, sizeof(c.out->data_pages));
    c.out->num_values = src->n_levels;
    if ((rc = prepare_values(&c)) < 0 ||
        (rc = lf->flat ? split_flat(&c) : split_nested(&c)) < 0 ||
        (rc = dictionary_phase(&c)) < 0 ||
        (rc = page_stats(&c)) < 0 ||
        (rc = write_pages(&c)) < 0)
        goto done;
done:
    st_free(c.counts);
    return rc;
}
