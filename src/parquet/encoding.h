/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Parquet value and level encodings (parquet-format's Encodings.md): bit packing,
 * the RLE/bit-packed hybrid, the deprecated BIT_PACKED levels, DELTA_BINARY_PACKED,
 * DELTA_LENGTH_BYTE_ARRAY, DELTA_BYTE_ARRAY, BYTE_STREAM_SPLIT and the PLAIN forms
 * that need more than a memcpy (BYTE_ARRAY, FIXED_LEN_BYTE_ARRAY, BOOLEAN).
 *
 * FORMAT summary (all little-endian; details above each group below):
 *   bit packing   values of w bits back to back, LSB first within each byte
 *   RLE hybrid    run*; run = varint(n/8 << 1 | 1) packed(n values, w bits)
 *                            | varint(n << 1) value(ceil(w/8) bytes)
 *   DELTA_BINARY  varint(block) varint(miniblocks) varint(count) zigzag(first)
 *                 then blocks: zigzag(min delta) width[miniblocks] packed miniblocks
 *   DELTA_LENGTH  DELTA_BINARY(lengths) bytes...
 *   DELTA_BYTE    DELTA_BINARY(prefix lengths) DELTA_LENGTH(suffixes)
 *   BSS           k streams of N bytes: byte j of value i at j*N + i
 *
 * Conventions. Decoders take (p, len) and never read p[len] or beyond, whatever the
 * bytes say. They return 0 or a negative st_error_code; corrupt input gives
 * ST_ECORRUPT with a message saying what was wrong and where (st_error_last()).
 * Nothing here prints, aborts, or allocates with anything but st_malloc/st_buf.
 * Decoders that keep state are plain structs the caller owns (usually on the
 * stack); only the DELTA_BYTE_ARRAY decoder owns memory (dispose it). After an
 * error a decoder's position is unspecified: drop it (disposing is still safe).
 *
 * Byte-array output shape ("offsets + data"). Byte-array decoders append n values
 * Arrow style: the bytes go to the end of an st_buf `data`, and offsets[1..n]
 * receive data->len after each value, so offsets[i]..offsets[i+1] is value i
 * provided offsets[0] == data->len on entry (the decoders do not write offsets[0]).
 * Internal code fills a string/binary st_vector without a copy by lending its
 * buffer (data_cap_ is the vector's private capacity):
 *     st_buf b = {v->data, v->data_len, v->data_cap_};
 *     rc = pq_dlba_get(&dec, n, (int32_t *)v->values + v->length, &b);
 *     v->data = b.ptr; v->data_len = b.len; v->data_cap_ = b.cap;
 * (st_buf grows with st_realloc, the allocator st_vector uses). Offsets are int32:
 * data that would pass INT32_MAX bytes gives ST_EUNSUPPORTED and appends nothing.
 * On any error the contents of offsets/data past their entry length are unspecified.
 *
 * Thread-safety: all functions are reentrant; a decoder or encoder is used by one
 * thread at a time.
 */
#ifndef ST_PARQUET_ENCODING_H
#define ST_PARQUET_ENCODING_H

#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"

/* ================================================================ bit packing */
/*
 * FORMAT: value i of width w occupies bits [i*w, i*w + w) of the byte string, bit b
 * being bit (b % 8) of byte b / 8; n values take ceil(n*w/8) bytes, the last one
 * padded with zero bits. 32 values of w bits are exactly 4*w bytes, so every
 * group of 32 starts on a byte boundary; the specialised routines work per group.
 */

/* Bytes n values of `bit_width` bits occupy. */
static inline size_t pq_bitpack_bytes(size_t n, unsigned bit_width)
{
    return (size_t)(((uint64_t)n * bit_width + 7) / 8);
}

/*
 * Unpacks n values of bit_width 0..32 (pq_unpack64: 0..64) from `in`, which must hold
 * pq_bitpack_bytes(n, bit_width) bytes; no byte beyond is read. Whole groups of 32 go
 * through one branch-free routine per width; a tail is staged through a local buffer.
 */
void pq_unpack32(const uint8_t *in, uint32_t *out, size_t n, unsigned bit_width);
void pq_unpack64(const uint8_t *in, uint64_t *out, size_t n, unsigned bit_width);

/*
 * Packs n values (only the low bit_width bits of each are used) into exactly
 * pq_bitpack_bytes(n, bit_width) bytes at `out`; the last byte's spare bits are zero.
 */
void pq_pack32(const uint32_t *in, uint8_t *out, size_t n, unsigned bit_width);
void pq_pack64(const uint64_t *in, uint8_t *out, size_t n, unsigned bit_width);

/*
 * Copies n bits from bit src_off of `src` to bit dst_off of `dst` (LSB-first
 * bitmaps, Arrow's validity/boolean layout). Bits of dst outside the range are
 * kept; bytes of src outside the bits read are not touched.
 */
void pq_bitmap_copy(uint8_t *dst, size_t dst_off, const uint8_t *src, size_t src_off,
                    size_t n);
/* Sets (value != 0) or clears bits [off, off + n) of `dst`. */
void pq_bitmap_fill(uint8_t *dst, size_t off, size_t n, int value);

/* ======================================================== RLE / bit-packed hybrid */
/*
 * FORMAT (Encodings.md "RLE"): a sequence of runs until the data ends.
 *   bit-packed run: ULEB128(g << 1 | 1), then g*8 values bit-packed (g*w bytes)
 *   RLE run:        ULEB128(n << 1),     then one value in ceil(w/8) bytes LE
 * The width w (0..32) is not in the data: levels derive it from the max level,
 * dictionary indices carry it in one byte before the runs (pq_rle_init_dict), and
 * some contexts put a 4-byte LE byte length first (pq_rle_init_prefixed):
 *   data page v1 definition/repetition levels, and RLE booleans in pages v1 and v2.
 * The decoder works on the runs only; the *_prefixed/_dict initialisers strip the
 * prefix. Width 0 means every value is 0 and no byte is read at all.
 *
 * Decoding is lenient where it is harmless: a bit-packed run may declare more
 * values than the caller asks for (the last group is padding) and its padding may
 * even be cut off by the end of the data, as long as the bits of the values asked
 * for are present. Anything else short of the values asked for is ST_ECORRUPT.
 */

typedef struct pq_rle_decoder {
    const uint8_t *start;   /* for error offsets */
    const uint8_t *p;       /* next run header */
    const uint8_t *end;
    uint32_t bit_width;
    uint32_t rle_value;     /* value of the current RLE run */
    uint64_t rle_left;      /* values left in the current RLE run */
    const uint8_t *bp;      /* next (byte-aligned) group of the bit-packed run */
    uint64_t bp_left;       /* values of the bit-packed run present in the data */
    uint64_t done;          /* values returned so far (for messages) */
    uint32_t buf_pos, buf_len;
    uint32_t buf[32];       /* unpacked values of a partly consumed group */
} pq_rle_decoder;

/* Starts decoding runs of `bit_width` (0..32; more is ST_ECORRUPT) in p[0..len). */
int pq_rle_init(pq_rle_decoder *d, const uint8_t *p, size_t len, unsigned bit_width);
/*
 * Reads the 4-byte LE length, checks it fits in len, and starts on the runs after it.
 * *consumed (may be NULL) receives 4 + that length: where the next section starts.
 */
int pq_rle_init_prefixed(pq_rle_decoder *d, const uint8_t *p, size_t len, unsigned bit_width,
                         size_t *consumed);
/* Dictionary indices in a data page: one byte of bit width (<= 32), then runs. */
int pq_rle_init_dict(pq_rle_decoder *d, const uint8_t *p, size_t len);

/* Decodes the next n values. 0, or ST_ECORRUPT if the runs are corrupt or end first. */
int pq_rle_get(pq_rle_decoder *d, uint32_t *out, size_t n);
/* Skips the next n values (bit-packed groups are skipped without unpacking). */
int pq_rle_skip(pq_rle_decoder *d, size_t n);
/*
 * Definition/repetition levels: the next n values as int16; any value above
 * max_level (at most INT16_MAX) is ST_ECORRUPT, so later stages can index by them.
 */
int pq_rle_get_levels(pq_rle_decoder *d, int16_t *out, size_t n, int max_level);
/*
 * Booleans (bit width 1, or 0 for all false) into an LSB-first bitmap at bit
 * `out_off` of `out`; bit-packed runs are copied as bits, not value by value.
 */
int pq_rle_get_bits(pq_rle_decoder *d, uint8_t *out, size_t out_off, size_t n);
/*
 * Dictionary gather: decodes n indices and copies dict[index] (value_width bytes
 * each, dict_count entries) to out[0..n). An index >= dict_count is ST_ECORRUPT,
 * checked before any copy: once per RLE run, and for unpacked indices by one
 * vector compare pass per batch (skipped when dict_count >= 2^bit_width). Widths
 * 1, 2, 4, 8, 12 and 16 have specialised copy loops; any other width works.
 */
int pq_rle_gather(pq_rle_decoder *d, const void *dict, size_t value_width, size_t dict_count,
                  void *out, size_t n);
/*
 * Dictionary gather for byte arrays: the dictionary is in offsets + data form
 * (dict_offsets[0..dict_count], into dict_data, trusted: e.g. as a decoder made
 * it); appends n values to offsets/data.
 */
int pq_rle_gather_binary(pq_rle_decoder *d, const int32_t *dict_offsets,
                         const uint8_t *dict_data, size_t dict_count, size_t n,
                         int32_t *offsets, st_buf *data);

/*
 * Encoder: appends runs to `out` as values arrive, in batches of any size. Repeats
 * of 8 or more become RLE runs (after lending the literals before them enough
 * values to end on a group of 8); everything else is buffered, up to 512 values,
 * and written as bit-packed runs (the final group zero-padded). Values must fit in
 * bit_width bits (ST_EINVALID). pq_rle_encoder_finish() writes what is pending;
 * the encoder can then be reused.
 */
#define PQ_RLE_LITERAL_CAP 512

typedef struct pq_rle_encoder {
    st_buf *out;
    uint32_t bit_width;
    uint32_t run_value;     /* the value being repeated */
    uint64_t run_count;     /* its repeats, not yet written */
    size_t prefix_at;       /* offset of a 4-byte length to patch, or SIZE_MAX */
    size_t n_lit;           /* values waiting in lit, to be bit-packed */
    uint32_t lit[PQ_RLE_LITERAL_CAP + 8];
} pq_rle_encoder;

/* bit_width 0..32. Appends nothing yet. */
int pq_rle_encoder_init(pq_rle_encoder *e, st_buf *out, unsigned bit_width);
/* Same, for a section with a 4-byte length prefix (v1 levels, RLE booleans):
 * reserves the prefix now, finish() fills it in. */
int pq_rle_encoder_init_prefixed(pq_rle_encoder *e, st_buf *out, unsigned bit_width);
int pq_rle_encoder_put(pq_rle_encoder *e, const uint32_t *values, size_t n);
int pq_rle_encoder_put_levels(pq_rle_encoder *e, const int16_t *levels, size_t n);
/* n copies of one value in O(1): the fast path for all-equal levels. */
int pq_rle_encoder_put_repeat(pq_rle_encoder *e, uint32_t value, uint64_t n);
/* LSB-first bitmap bits [off, off + n) as values 0/1 (bit width must be 1). */
int pq_rle_encoder_put_bits(pq_rle_encoder *e, const uint8_t *bits, size_t off, size_t n);
int pq_rle_encoder_finish(pq_rle_encoder *e);

/* ================================================= BIT_PACKED (deprecated, levels) */
/*
 * FORMAT: values of w bits back to back, MOST significant bit first (the opposite
 * of the hybrid's packing), no header and no length prefix: a v1 page's section is
 * pq_bitpack_bytes(num_values, w) bytes. Values [first, first + n) are decoded;
 * values above max_level are ST_ECORRUPT; w is 0..16.
 */
int pq_bitpacked_msb_get_levels(const uint8_t *p, size_t len, unsigned bit_width, size_t first,
                                int16_t *out, size_t n, int max_level);

/* ========================================================= DELTA_BINARY_PACKED */
/*
 * FORMAT: header  ULEB128 block size (values), ULEB128 miniblocks per block,
 *                 ULEB128 total value count, zigzag-ULEB128 first value;
 *         blocks  zigzag-ULEB128 min delta, one width byte per miniblock, then
 *                 each miniblock's (delta - min delta) values bit-packed (LSB first).
 * Blocks cover the count - 1 deltas; the last miniblock holding values is padded
 * to full size, miniblocks after it have a width byte but no data. Arithmetic wraps
 * (mod 2^32 for INT32, 2^64 for INT64). The spec asks for blocks of a multiple of
 * 128 and miniblocks of a multiple of 32 values; the decoder accepts multiples of
 * 8 (the spec's own examples use blocks of 8). Widths above 64 are ST_ECORRUPT;
 * INT32 accepts up to 64 too (DuckDB writes 33-bit INT32 miniblocks) and wraps. The decoder streams: values can be taken in any batches.
 */
typedef struct pq_delta_decoder {
    const uint8_t *start, *end;
    const uint8_t *p;        /* next unread byte: header, block or miniblock data */
    const uint8_t *mb_end;   /* end of the current miniblock's data (clamped to end) */
    const uint8_t *widths;   /* width bytes of the current block */
    uint64_t block_size, n_miniblocks, mb_size;
    uint64_t total;          /* values the header declares */
    uint64_t left;           /* values not returned yet */
    uint64_t to_unpack;      /* deltas not unpacked yet */
    uint64_t last;           /* the value returned last (the first value initially) */
    uint64_t min_delta;
    uint64_t mb_index;       /* miniblock within the block; n_miniblocks: need a block */
    uint64_t mb_left;        /* deltas of the current miniblock not unpacked yet */
    uint32_t width;          /* of the current miniblock */
    uint32_t buf_pos, buf_len;
    uint64_t buf[32];        /* unpacked deltas (minus min delta) not returned yet */
} pq_delta_decoder;

/* Reads the header. The count is the writer's word: check it against the page. */
int pq_delta_init(pq_delta_decoder *d, const uint8_t *p, size_t len);
/* Values the header declares, and values not returned yet. */
static inline uint64_t pq_delta_count(const pq_delta_decoder *d) { return d->total; }
static inline uint64_t pq_delta_left(const pq_delta_decoder *d) { return d->left; }
/* The next n values (n <= pq_delta_left(), else ST_ECORRUPT). */
int pq_delta_get_i32(pq_delta_decoder *d, int32_t *out, size_t n);
int pq_delta_get_i64(pq_delta_decoder *d, int64_t *out, size_t n);
/*
 * Bytes of the whole encoded stream (header through the last miniblock's padding),
 * found by walking block headers without unpacking: where a following section
 * starts (DELTA_LENGTH_BYTE_ARRAY data, DELTA_BYTE_ARRAY suffixes). A last miniblock
 * whose padding is cut off by len ends at len.
 */
int pq_delta_size(const uint8_t *p, size_t len, size_t *size);

/* Appends values in blocks of 128 with 4 miniblocks of 32 (parquet-java's shape). */
int pq_delta_encode_i32(st_buf *out, const int32_t *values, size_t n);
int pq_delta_encode_i64(st_buf *out, const int64_t *values, size_t n);

/* ===================================================== DELTA_LENGTH_BYTE_ARRAY */
/*
 * FORMAT: DELTA_BINARY_PACKED(lengths of all values) then the values' bytes back
 * to back. The decoder never allocates: the lengths stream is decoded lazily and
 * the bytes of a batch are appended with one memcpy.
 */
typedef struct pq_dlba_decoder {
    pq_delta_decoder lengths;
    const uint8_t *data, *end;   /* bytes of the next value; end of the section */
} pq_dlba_decoder;

/*
 * max_count: values the page can hold (e.g. its num_values); a header declaring
 * more is ST_ECORRUPT, so the count can be trusted for sizing afterwards. The
 * bytes run from the end of the lengths stream to len.
 */
int pq_dlba_init(pq_dlba_decoder *d, const uint8_t *p, size_t len, uint64_t max_count);
static inline uint64_t pq_dlba_left(const pq_dlba_decoder *d) { return d->lengths.left; }
/* Appends the next n values (offsets + data form, see the top of this file). */
int pq_dlba_get(pq_dlba_decoder *d, size_t n, int32_t *offsets, st_buf *data);
/* Appends values given in offsets (offsets[0..n]) + data form. */
int pq_dlba_encode(st_buf *out, const int32_t *offsets, const uint8_t *data, size_t n);

/* =========================================================== DELTA_BYTE_ARRAY */
/*
 * FORMAT: DELTA_BINARY_PACKED(prefix lengths) then DELTA_LENGTH_BYTE_ARRAY(suffixes);
 * value i = the first prefix[i] bytes of value i-1, then suffix i. The two counts
 * must agree. FIXED_LEN_BYTE_ARRAY columns use it too: the caller checks that
 * every value came out with the fixed length.
 */
typedef struct pq_dba_decoder {
    pq_delta_decoder prefixes;
    pq_dlba_decoder suffixes;
    st_buf last;                 /* the previous value, across batches (owned) */
} pq_dba_decoder;

int pq_dba_init(pq_dba_decoder *d, const uint8_t *p, size_t len, uint64_t max_count);
static inline uint64_t pq_dba_left(const pq_dba_decoder *d) { return d->prefixes.left; }
int pq_dba_get(pq_dba_decoder *d, size_t n, int32_t *offsets, st_buf *data);
/* Frees the copy of the previous value. Safe on a zeroed or failed-init decoder. */
void pq_dba_dispose(pq_dba_decoder *d);
int pq_dba_encode(st_buf *out, const int32_t *offsets, const uint8_t *data, size_t n);

/* ========================================================== BYTE_STREAM_SPLIT */
/*
 * FORMAT: for N values of k bytes, k streams of N bytes: byte j of value i is at
 * p[j*N + i]. len must be a multiple of k; N = len / k. Values [first, first + n)
 * are decoded into out (n*k bytes), so a page can be read in batches. k = 4 and 8
 * are SSE2 transposes where available.
 */
int pq_bss_decode(const uint8_t *p, size_t len, size_t width, size_t first, size_t n, void *out);
/* Appends the n*width bytes of the encoding of n values of `width` bytes. */
int pq_bss_encode(st_buf *out, const void *values, size_t width, size_t n);

/* ====================================================================== PLAIN */
/*
 * FORMAT BYTE_ARRAY: per value a 4-byte LE length, then the bytes. Appends n values
 * (offsets + data form); *consumed (may be NULL) receives the bytes read, so the
 * caller can continue with p + *consumed for the next batch.
 */
int pq_plain_binary_decode(const uint8_t *p, size_t len, size_t n, int32_t *offsets,
                           st_buf *data, size_t *consumed);
int pq_plain_binary_encode(st_buf *out, const int32_t *offsets, const uint8_t *data, size_t n);
/* FORMAT FIXED_LEN_BYTE_ARRAY: n values of `width` bytes back to back, into out. */
int pq_plain_fixed_decode(const uint8_t *p, size_t len, size_t width, size_t n, void *out,
                          size_t *consumed);
/* The same values in offsets + data form (e.g. fixed-length columns read as binary). */
int pq_plain_fixed_to_binary(const uint8_t *p, size_t len, size_t width, size_t n,
                             int32_t *offsets, st_buf *data, size_t *consumed);
/*
 * FORMAT BOOLEAN: bit-packed LSB first, one bit per value, no header. Values
 * [first, first + n) of the page go to bits [out_off, out_off + n) of `out`.
 */
int pq_plain_bool_decode(const uint8_t *p, size_t len, size_t first, size_t n, uint8_t *out,
                         size_t out_off);
/* Appends ceil(n/8) bytes: bits [off, off + n) of `bits`, spare bits zero. */
int pq_plain_bool_encode(st_buf *out, const uint8_t *bits, size_t off, size_t n);

#endif
