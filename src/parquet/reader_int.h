/* SPDX-License-Identifier: Apache-2.0 */
/* Internals of the Parquet reader shared by reader.c, column_read.c, assemble.c, stats.c. */
#ifndef ST_PARQUET_READER_INT_H
#define ST_PARQUET_READER_INT_H

#include <supertable/parquet.h>
#include "parquet/metadata.h"
#include "parquet/schema.h"
#include "util/arena.h"
#include "util/pool.h"

/* A typed value for statistics and filter literals, in the Iceberg domain. */
typedef struct pq_value {
    enum { PQV_NONE, PQV_I64, PQV_F64, PQV_I128, PQV_BYTES } kind;
    int64_t i;
    double f;
    __int128 d;
    const uint8_t *bytes;
    size_t len;
} pq_value;

typedef struct pq_filter {
    int leaf;
    st_compare_op op;
    pq_value lit;
} pq_filter;

struct st_parquet_reader {
    st_input *in;
    st_arena arena;             /* footer and everything derived from it */
    pq_file_metadata md;
    pq_schema schema;
    int64_t num_rows;           /* sum over the row groups */
    int verify_crc;
    int threads;
    uint8_t *selected;          /* per leaf: part of the projection */
    st_type *proj_type;         /* a reference */
    pq_filter *filters;
    int n_filters;
};

/* Everything one leaf column of one row group decodes to. */
typedef struct pq_leaf_data {
    int16_t *def, *rep;         /* level arrays (NULL when not needed); st_malloc'd */
    int64_t n_levels;
    st_vector *values;          /* flat top-level leaves: the final vector; else the
                                   dense non-null values */
    int final;                  /* values is already the column's vector */
} pq_leaf_data;

void pq_leaf_data_dispose(pq_leaf_data *d);

/* The node at a dotted path, or NULL (reader.c). */
const pq_node *pq_resolve_path(const pq_node *root, const char *path, int structs_only);

/* The pool to decode with, or NULL for the calling thread. */
st_pool *pq_reader_pool(const st_parquet_reader *r);

/* Decodes leaf `leaf` of row group `rg` (column_read.c). Thread-safe per call. */
int pq_read_leaf(pq_leaf_data *out, st_parquet_reader *r, int rg, int leaf);

/* Builds the projected vector of top-level node `n` from its leaves' data (assemble.c). */
int pq_assemble(st_vector **out, const st_parquet_reader *r, const pq_node *n,
                pq_leaf_data *leaves, int64_t num_rows);
/* The projected type of a node (a new reference), or NULL when nothing under it is selected. */
int pq_projected_type(st_type **out, const st_parquet_reader *r, const pq_node *n);

/* Statistics (stats.c). */
int pq_stats_value(pq_value *out, const pq_leaf *leaf, const uint8_t *bytes, size_t len);
int pq_stats_format(const char **out, st_arena *a, const pq_leaf *leaf, const uint8_t *bytes,
                    size_t len);
int pq_parse_literal(pq_value *out, st_arena *a, const pq_leaf *leaf, const char *text);
int pq_row_group_matches(st_parquet_reader *r, int rg);
int pq_value_cmp(const pq_value *a, const pq_value *b);

#endif
