/* SPDX-License-Identifier: Apache-2.0 */
/* Column-chunk bounds as stored (see raw_stats.h). */
#include <string.h>

#include "parquet/raw_stats.h"
#include "supertable/errors.h"
#include "parquet/reader_int.h"

int pq_chunk_raw_bounds(const st_parquet_reader *r, int rg, int col, pq_raw_bounds *out)
{
    const pq_statistics *st;
    memset(out, 0, sizeof(*out));
    if (rg < 0 || (uint32_t)rg >= r->md.n_row_groups || col < 0 || col >= r->schema.n_leaves)
        return st_error_set(ST_EINVALID, ST_ERROR_PARQUET, "row group %d column %d out of range",
                            rg, col);
    st = r->md.row_groups[rg].columns[col].meta->statistics;
    if (!st || !st->min_value || !st->max_value)
        return 0;
    out->min = st->min_value;
    out->min_len = st->min_value_len;
    out->max = st->max_value;
    out->max_len = st->max_value_len;
    out->min_exact = !(st->has_is_min_exact && !st->is_min_value_exact);
    out->max_exact = !(st->has_is_max_exact && !st->is_max_value_exact);
    return 0;
}
