/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Delete files of Iceberg v2/v3, as the scan applies them while reading
 * (internal):
 *   - position sets: the deleted row positions of one data file, built from
 *     position-delete Parquet files (file_path, pos) or from a v3 deletion
 *     vector (a Roaring bitmap in a Puffin blob);
 *   - equality-delete sets: the deleted key tuples of one equality-delete
 *     file, probed with the rows of a data batch.
 * Which delete files apply to which data file (sequence numbers, partitions)
 * is the planner's business (scan/plan.c), not this file's.
 *
 * Thread-safety: building a set is single-threaded; a finished (sealed) set is
 * immutable and may be probed from many threads at once.
 */
#ifndef ST_SCAN_DELETES_H
#define ST_SCAN_DELETES_H

#include <stddef.h>
#include <stdint.h>

#include "supertable/vector.h"

/* ------------------------------------------------------------ positions */

/* A set of row positions (0 <= pos < 2^63) of one data file. */
typedef struct st_posset st_posset;

/* @param[out] out an empty set; release with st_posset_free(). */
int st_posset_new(st_posset **out);
void st_posset_free(st_posset *s);               /* NULL-safe */
int st_posset_add(st_posset *s, int64_t pos);    /* ST_EINVALID for pos < 0 */
int st_posset_add_range(st_posset *s, int64_t start, int64_t end);   /* [start, end) */
/* Adds every position of `src` to `dst`. */
int st_posset_union(st_posset *dst, const st_posset *src);
/* Must be called after the last add and before probing (sorts, compacts). */
int st_posset_seal(st_posset *s);
int st_posset_contains(const st_posset *s, int64_t pos);
int64_t st_posset_count(const st_posset *s);
/*
 * For the n rows at positions first .. first+n-1 of the data file, sets
 * keep[i] = 0 when position first+i is in the set (other bytes untouched).
 * Cost proportional to the deleted positions in the range, not to n.
 */
void st_posset_clear(const st_posset *s, int64_t first, int64_t n, uint8_t *keep);

/*
 * Decodes a v3 deletion-vector blob ("deletion-vector-v1": 4-byte big-endian
 * length of magic+vector, magic D1 D3 39 64, a portable 64-bit Roaring bitmap,
 * 4-byte big-endian CRC-32 of magic+vector) into a sealed set. `name` names
 * the blob in messages. @return 0, ST_ECORRUPT (bad length, magic, CRC,
 * container, a position >= 2^63), ST_ENOMEM.
 */
int st_dv_decode(st_posset **out, const uint8_t *blob, size_t len, const char *name);
/* Reads `length` bytes at `offset` of the Puffin file at `local_path` and decodes them. */
int st_dv_read(st_posset **out, const char *local_path, int64_t offset, int64_t length);

/*
 * Reads a position-delete Parquet file (columns by field id: 2147483546
 * file_path, 2147483545 pos; row groups whose file_path statistics exclude
 * every wanted path are skipped) and adds each row's pos to sets[i] where
 * paths[i] equals its file_path (byte-equal, as recorded: never location-
 * mapped). `paths` is sorted ascending by strcmp and has n entries; sets[i]
 * may be NULL and is then created on demand (the caller owns the sets and
 * seals them). Rows for other files are ignored.
 * @return 0, ST_ECORRUPT/ST_EIO naming the file, ST_ENOMEM.
 */
int st_posdel_read(const char *local_path, const char *const *paths, st_posset **sets, int n);

/* ------------------------------------------------------------- equality */

/* The deleted key tuples of one equality-delete file (or several merged). */
typedef struct st_eqset st_eqset;

/*
 * An empty set over the key columns `key_schema` (a struct type whose fields
 * are the equality columns, with their field ids and the types of the table
 * schema the reader projects to; a reference is taken).
 * @param[out] out release with st_eqset_free().
 */
int st_eqset_new(st_eqset **out, st_type *key_schema);
void st_eqset_free(st_eqset *s);                 /* NULL-safe */
/*
 * Adds every row of an equality-delete Parquet file: the key columns are
 * found by field id (or through `name_mapping`, the table's
 * schema.name-mapping.default JSON, for files without ids; may be NULL), and
 * promoted to the key schema's types (int -> long, float -> double, decimal
 * widened). A key column missing from the file is ST_ECORRUPT naming it.
 */
int st_eqset_add_file(st_eqset *s, const char *local_path, const char *name_mapping);
/* Adds every row of a batch whose columns (found by field id, top level or in
 * structs) hold the key columns with the key schema's types. */
int st_eqset_add_batch(st_eqset *s, const st_batch *b);
int64_t st_eqset_count(const st_eqset *s);
/*
 * For each row i of `b` (key columns found by field id, top level or inside
 * structs, of the key schema's types), sets keep[i] = 0 when its key tuple is
 * in the set. Nulls equal nulls and NaN equals NaN (Iceberg compares delete
 * keys as values, not with SQL semantics); -0.0 and +0.0 are different keys
 * only if Java's Double.equals says so (it does). Bytes already 0 stay 0.
 * @return 0; ST_ENOTFOUND (a key column not in the batch); ST_EINVALID (its
 *         type differs from the key schema's).
 */
int st_eqset_apply(const st_eqset *s, const st_batch *b, uint8_t *keep);

#endif
