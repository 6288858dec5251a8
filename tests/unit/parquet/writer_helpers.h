/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Helpers of the Parquet writer tests (writer*.c): deterministic random
 * vectors of any type, writing batches, and reading a file back to compare it
 * with what was written.
 */
#ifndef ST_TEST_WRITER_HELPERS_H
#define ST_TEST_WRITER_HELPERS_H

#include <supertable/parquet.h>

typedef struct pwt_rng {
    uint64_t s;
} pwt_rng;

/* What random values look like. */
typedef struct pwt_cfg {
    int null_pct;       /* chance of a null in a nullable slot, percent */
    int domain;         /* > 0: values drawn from this many distinct ones (dictionary-friendly) */
    int max_list;       /* most elements in a list or map */
    int specials;       /* floats include NaN, -0.0, +0.0, +-Inf */
    int bounded;        /* dates and timestamps in years 1..9999, timestamptz_ns whole
                           microseconds: values every peer prints canonically */
} pwt_cfg;

uint64_t pwt_next(pwt_rng *r);
/* A schema from the CLI syntax; the caller frees it. */
st_type *pwt_schema(const char *text);
/* Appends one random value (or null when `nullable`) of v's type to v. */
void pwt_append_random(st_vector *v, int nullable, pwt_rng *r, const pwt_cfg *cfg);
/* A batch of n random rows of `schema`. */
st_batch *pwt_random_batch(st_type *schema, int64_t n, pwt_rng *r, const pwt_cfg *cfg);
/* Writes the batches to path with opts (NULL: defaults); *m gets the metrics when m. */
void pwt_write(const char *path, st_type *schema, st_batch **b, int n,
               const st_parquet_write_options *opts, st_parquet_file_metrics **m);
/* Reads path whole and checks it against the batches concatenated; returns row groups. */
int pwt_check(const char *path, st_type *schema, st_batch **b, int n);
/* Sorted sweeps over the whole int32/int64 ranges with wrapping jumps: what
 * DELTA_BINARY_PACKED finds hardest. */
#define PWT_EXTREMES_SCHEMA "l long, i int, t timestamp not null"
st_batch *pwt_extremes_batch(st_type *schema);
/* Frees n batches. */
void pwt_free_batches(st_batch **b, int n);

#endif
