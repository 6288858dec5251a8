/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Puffin files (internal): the footer of a Puffin v1 file (blob metadata and
 * properties) and its blobs, decompressed. Iceberg stores deletion vectors and
 * statistics (theta sketches) in Puffin files.
 *
 * FILE
 *   Magic Blob1 ... BlobN Footer
 *   Footer: Magic FooterPayload FooterPayloadSize Flags Magic
 * Magic is "PFA1"; FooterPayloadSize a 4-byte little-endian int; Flags 4
 * bytes, bit 0 of the first marking an LZ4-compressed payload (not supported
 * here: Iceberg writers leave the footer uncompressed). The payload is JSON:
 *   {"blobs": [{"type", "fields", "snapshot-id", "sequence-number", "offset",
 *               "length", "compression-codec"?, "properties"?}, ...],
 *    "properties"?: {...}}
 *
 * Thread-safety: a Puffin handle is immutable once open; blobs may be read
 * from several threads at once.
 */
#ifndef ST_SCAN_PUFFIN_H
#define ST_SCAN_PUFFIN_H

#include <stddef.h>
#include <stdint.h>

#include "util/arena.h"

struct st_input;

typedef struct st_puffin_blob {
    const char *type;            /* "deletion-vector-v1", "apache-datasketches-theta-v1", ... */
    const int32_t *fields;       /* field ids the blob is about */
    int n_fields;
    int64_t snapshot_id;
    int64_t sequence_number;
    int64_t offset, length;      /* bytes of the (possibly compressed) blob in the file */
    const char *codec;           /* "zstd", "lz4", or NULL when uncompressed */
    const char *const *props;    /* key, value, key, value, ... (n_props pairs) */
    int n_props;
} st_puffin_blob;

/* An open Puffin file. Every string and array is owned by the handle. */
typedef struct st_puffin {
    struct st_input *in;
    st_arena arena;
    st_puffin_blob *blobs;
    int n_blobs;
    const char *const *props;    /* the file's properties, key/value pairs */
    int n_props;
} st_puffin;

/*
 * Opens a Puffin file and reads its footer.
 * @param[out] out release with st_puffin_free().
 * @return 0, ST_ENOTFOUND, ST_EIO, ST_ECORRUPT (magics, sizes, JSON, a blob
 *         outside the file), ST_EUNSUPPORTED (compressed footer), ST_ENOMEM.
 */
int st_puffin_open(st_puffin **out, const char *path);
void st_puffin_free(st_puffin *p);  /* NULL-safe */

/* The value of a property (file properties when `blob` is NULL), or NULL. Borrowed. */
const char *st_puffin_property(const st_puffin *p, const st_puffin_blob *blob, const char *key);

/*
 * Reads blob `i`, decompressed (zstd, or an LZ4 frame with its content size).
 * @param[out] out the bytes (the caller st_free()s them); *len their count.
 * @return 0, ST_EINVALID (i), ST_ECORRUPT, ST_EUNSUPPORTED (codec), ST_EIO, ST_ENOMEM.
 */
int st_puffin_read_blob(const st_puffin *p, int i, uint8_t **out, size_t *len);

#endif
