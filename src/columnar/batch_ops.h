/* SPDX-License-Identifier: Apache-2.0 */
/* Whole-batch operations (internal). Results are new batches the caller frees;
 * inputs are not modified. */
#ifndef ST_COLUMNAR_BATCH_OPS_H
#define ST_COLUMNAR_BATCH_OPS_H

#include "supertable/vector.h"

/* A new batch sharing the vectors of `b` (references taken). */
int st_batch_shallow_copy(st_batch **out, const st_batch *b);
/* The rows of n batches of one schema, in order (n == 1 shares the vectors). */
int st_batch_concat(st_batch **out, st_batch *const *batches, int n);
/*
 * Fits a batch to `schema`: columns matched by name (exact, then
 * case-insensitive), or by field id for a column whose name the table no longer
 * has (renamed since the data was written), reordered; missing
 * optional columns become nulls; safe widenings applied (int -> long,
 * float/int/long -> double, int/long/decimal -> a wider decimal, date ->
 * timestamp); nested columns of the same shape are re-typed. Anything else ->
 * ST_EINVALID naming the column and both types.
 */
int st_batch_conform(st_batch **out, const st_batch *in, st_type *schema);

#endif
