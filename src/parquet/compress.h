/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Parquet page compression: decompression of every codec a Parquet file may name
 * (except LZO), compression for the codecs the writer offers, codec names, and
 * the CRC-32 of page checksums.
 *
 * Every library allocation goes through st_malloc (so failure injection reaches
 * zlib, zstd, brotli and LZ4 frames), except snappy's internal scratch memory,
 * which its C API does not let us replace.
 *
 * Thread-safety: every function is reentrant. ZSTD keeps one decompression and
 * one compression context per thread, created on first use and freed when the
 * thread exits (the main thread's live until the process ends); nothing else is
 * shared between calls.
 */
#ifndef ST_PARQUET_COMPRESS_H
#define ST_PARQUET_COMPRESS_H

#include <stddef.h>
#include <stdint.h>

#include "parquet/metadata.h"
#include "util/buf.h"

/*
 * Decompresses src[0..src_len) into exactly dst_len bytes at dst (the page
 * header's uncompressed_page_size, which the caller has already bounded, so it
 * also bounds a decompression bomb). Nothing is written past dst_len and nothing
 * read past src_len; src (dst) may be NULL when src_len (dst_len) is 0. Empty
 * input with dst_len 0 succeeds for every known codec.
 *
 * GZIP accepts gzip or zlib headers and concatenated members. LZ4 (codec 5)
 * accepts Hadoop framing, then a raw LZ4 block, then the LZ4 frame format.
 * ZSTD accepts several frames, including skippable ones.
 *
 * Errors: ST_ECORRUPT (class ST_ERROR_CODEC) when the data is malformed or does
 * not decompress to exactly dst_len bytes; ST_EUNSUPPORTED for LZO and unknown
 * codecs; ST_ENOMEM. On failure the contents of dst are unspecified.
 */
int pq_decompress(pq_codec codec, const uint8_t *src, size_t src_len, uint8_t *dst,
                  size_t dst_len);

/*
 * Appends src[0..src_len) compressed with `codec` to `out`. level 0 is the codec's
 * default (ZSTD 1, GZIP 6, BROTLI 3, LZ4_RAW the fast compressor); otherwise
 * ZSTD takes ZSTD_minCLevel()..22 (negative: faster), GZIP 1..9, BROTLI 1..11,
 * LZ4_RAW 1..12 (LZ4HC); UNCOMPRESSED and SNAPPY ignore it. GZIP writes the gzip
 * format (RFC 1952), which every Parquet reader accepts.
 *
 * Errors: ST_EINVALID (level out of range, input too large for the codec),
 * ST_EUNSUPPORTED (LZO; LZ4 with Hadoop framing, deprecated by Parquet in favour
 * of LZ4_RAW; unknown codecs), ST_ENOMEM, ST_ERROR (the library failed). On
 * failure out->len is restored; the bytes past it are unspecified.
 */
int pq_compress(pq_codec codec, int level, const uint8_t *src, size_t src_len, st_buf *out);

/*
 * The most bytes pq_compress() can append for src_len input bytes at any level;
 * SIZE_MAX when the input is too large for the codec, 0 for codecs that cannot
 * be written.
 */
size_t pq_compress_bound(pq_codec codec, size_t src_len);

/*
 * Parses a codec name, case-insensitively: "none" or "uncompressed", "snappy",
 * "gzip", "brotli", "lz4", "lz4_raw", "zstd". ST_EINVALID for anything else.
 * The reverse is pq_codec_name() in parquet/metadata.h.
 */
int pq_codec_from_name(const char *name, pq_codec *out);

/*
 * CRC-32 (ISO-HDLC, the zlib and gzip polynomial), as Parquet page checksums use
 * over the compressed page bytes. Start with crc 0; pass the previous result to
 * continue over more bytes. p may be NULL when n is 0, which returns crc.
 */
uint32_t pq_crc32(uint32_t crc, const uint8_t *p, size_t n);

#endif
