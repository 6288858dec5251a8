/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The statistics bounds of a column chunk as stored, byte for byte (internal).
 * st_parquet_reader_chunk_info() formats bounds for people; callers that
 * compare byte strings with them (the position-delete reader skipping row
 * groups by file_path) need the exact bytes.
 */
#ifndef ST_PARQUET_RAW_STATS_H
#define ST_PARQUET_RAW_STATS_H

#include <stddef.h>
#include <stdint.h>

#include "supertable/parquet.h"

typedef struct pq_raw_bounds {
    const uint8_t *min, *max;   /* borrowed from the reader; NULL when absent */
    size_t min_len, max_len;
    int min_exact, max_exact;   /* 0 when the writer marked the bound truncated */
} pq_raw_bounds;

/*
 * The min_value/max_value statistics of leaf column `col` in row group `rg`,
 * in the column's type-defined order (unsigned bytes for strings). The
 * deprecated min/max fields are not used: for byte arrays their order was
 * signed. Both bounds are NULL when either is missing.
 * @return 0 or ST_EINVALID (rg or col out of range).
 */
int pq_chunk_raw_bounds(const st_parquet_reader *r, int rg, int col, pq_raw_bounds *out);

#endif
