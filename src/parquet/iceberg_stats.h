/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What the table scan needs of the Parquet reader beyond its public API
 * (internal): row-group statistics as Iceberg column metrics, so that row
 * groups are pruned by the same evaluator that prunes files
 * (st_expr_metrics_might_match) instead of a second one; row-group offsets
 * for splits; and row groups decoded asynchronously.
 */
#ifndef ST_PARQUET_ICEBERG_STATS_H
#define ST_PARQUET_ICEBERG_STATS_H

#include "spec/spec.h"
#include "supertable/parquet.h"
#include "util/arena.h"

/*
 * Fills `out` (record_count and stats; everything else zero) with the metrics
 * of row group `rg` for the columns with field ids ids[0..n) (ascending),
 * bounds encoded in Iceberg's single-value binary form of types[i] (the
 * table's type of that id, so a widened column's bounds decode as the wider
 * type). A column that is missing, inside a list or map, or whose statistics
 * cannot be trusted or converted gets no bounds (unknown); counts are -1 when
 * unknown. Memory comes from `a`.
 * @return 0, ST_EINVALID (rg out of range), ST_ENOMEM.
 */
int st_parquet_row_group_metrics(st_parquet_reader *r, int rg, const int32_t *ids,
                                 const st_type *const *types, int n, st_arena *a,
                                 st_data_file *out);

/* Start offset of row group `rg` (its first page), for splitting at row groups. */
int64_t st_parquet_row_group_offset(const st_parquet_reader *r, int rg);

/*
 * Row groups decoded asynchronously, for readers that keep several in flight
 * (the table scan): start queues the decoding of the projection's columns on
 * the reader's pool and returns at once; finish waits (helping with queued
 * work) and hands out the batch, freeing the handle also on failure; cancel
 * waits for running tasks and frees. The reader must outlive its handles.
 */
typedef struct st_parquet_rg_read st_parquet_rg_read;
int st_parquet_row_group_start(st_parquet_rg_read **out, st_parquet_reader *r, int rg);
int st_parquet_row_group_finish(st_batch **out, st_parquet_rg_read *h);
void st_parquet_row_group_cancel(st_parquet_rg_read *h);

#endif
