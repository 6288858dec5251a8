/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Position-delete files (Iceberg v2): Parquet files of (file_path, pos) rows,
 * sorted by file_path then pos, with an optional third column `row` that is
 * ignored. Columns are found by their reserved field ids. A row group is
 * skipped when its file_path bounds leave out every data file asked for, and
 * each row's path is looked up once per run of equal paths (runs are long:
 * the file is sorted by path).
 */
#include <string.h>

#include "parquet/raw_stats.h"
#include "scan/deletes.h"
#include "supertable/errors.h"
#include "supertable/parquet.h"
#include "util/alloc.h"

#define POSDEL_FILE_PATH_ID 2147483546
#define POSDEL_POS_ID 2147483545

/*
 * Compares C string `s` with the bytes b[0..n) as unsigned bytes (strcmp's
 * order). With `prefix`, s counts only up to its first n bytes.
 */
static int cmp_str_bytes(const char *s, const uint8_t *b, size_t n, int prefix)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == 0)
            return -1;
        if (c != b[i])
            return c < b[i] ? -1 : 1;
    }
    return !prefix && s[n] ? 1 : 0;
}

/* The index of the path equal to b[0..n), or -1. */
static int find_path(const char *const *paths, int count, const uint8_t *b, size_t n)
{
    int lo = 0, hi = count - 1;
    while (lo <= hi) {
        int mid = lo + (hi - lo) / 2;
        int c = cmp_str_bytes(paths[mid], b, n, 0);
        if (c == 0)
            return mid;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid - 1;
    }
    return -1;
}

/*
 * 0 when the bounds prove no wanted path is in the row group. A truncated min
 * is still a lower bound; a truncated max should be rounded up, but a writer
 * that only cut it would leave longer paths above it, so an inexact max only
 * excludes paths whose prefix of its length is greater.
 */
static int row_group_wanted(const pq_raw_bounds *bd, const char *const *paths, int count)
{
    int lo = 0, hi = count;
    if (!bd->min || !bd->max)
        return 1;
    while (lo < hi) {       /* the first path >= min */
        int mid = lo + (hi - lo) / 2;
        if (cmp_str_bytes(paths[mid], bd->min, bd->min_len, 0) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    /* truncation is monotone, so if the first candidate is above max all are */
    return lo < count && cmp_str_bytes(paths[lo], bd->max, bd->max_len, !bd->max_exact) <= 0;
}

/* The position of the top-level field with `id` in the projected schema, or -1. */
static int field_index(const st_type *schema, int32_t id)
{
    for (int i = 0; i < schema->n_fields; i++)
        if (schema->fields[i].id == id)
            return i;
    return -1;
}

static int add_rows(const st_batch *b, int ip, int iq, const char *const *paths, st_posset **sets,
                    int n, const char *local_path, int64_t row0)
{
    const st_vector *pv = b->columns[ip], *qv = b->columns[iq];
    const int32_t *off = (const int32_t *)(const void *)pv->values;
    int q_long = qv->type->id == ST_TYPE_LONG;
    const uint8_t *cur_ptr = NULL;
    size_t cur_len = 0;
    int cur = -1, rc;

    for (int64_t r = 0; r < b->length; r++) {
        const uint8_t *s = pv->data ? pv->data + off[r] : (const uint8_t *)"";
        size_t len = (size_t)(off[r + 1] - off[r]);
        int64_t pos;
        if (!st_vector_is_valid(pv, r) || !st_vector_is_valid(qv, r))
            return st_error_set(ST_ECORRUPT, ST_ERROR_ICEBERG,
                                "position-delete file '%s': row %lld has a null %s", local_path,
                                (long long)(row0 + r),
                                st_vector_is_valid(pv, r) ? "pos" : "file_path");
        if (!cur_ptr || len != cur_len || (s != cur_ptr && memcmp(s, cur_ptr, len) != 0))
            cur = find_path(paths, n, s, len);
        cur_ptr = s;
        cur_len = len;
        if (cur < 0)
            continue;
        pos = q_long ? st_vector_get_i64(qv, r) : st_vector_get_i32(qv, r);
        if (pos < 0)
            return st_error_set(ST_ECORRUPT, ST_ERROR_ICEBERG,
                                "position-delete file '%s': row %lld has position %lld",
                                local_path, (long long)(row0 + r), (long long)pos);
        if (!sets[cur] && (rc = st_posset_new(&sets[cur])) < 0)
            return rc;
        if ((rc = st_posset_add(sets[cur], pos)) < 0)
            return rc;
    }
    return 0;
}

int st_posdel_read(const char *local_path, const char *const *paths, st_posset **sets, int n)
{
    static const int32_t ids[2] = {POSDEL_FILE_PATH_ID, POSDEL_POS_ID};
    st_parquet_reader *r = NULL;
    st_batch *b = NULL;
    const st_type *schema;
    int ip, iq, path_leaf = -1, rc;
    int64_t row0 = 0;

    if (n <= 0)
        return 0;
    if ((rc = st_parquet_reader_open(&r, local_path, NULL)) < 0)
        return rc;
    if ((rc = st_parquet_reader_select_ids(r, ids, 2)) < 0) {
        if (rc == ST_ENOTFOUND)
            rc = st_error_set(ST_ECORRUPT, ST_ERROR_ICEBERG,
                              "position-delete file '%s' lacks the file_path (field id %d) or "
                              "pos (field id %d) column", local_path, POSDEL_FILE_PATH_ID,
                              POSDEL_POS_ID);
        goto done;
    }
    schema = st_parquet_reader_schema(r);
    ip = field_index(schema, POSDEL_FILE_PATH_ID);
    iq = field_index(schema, POSDEL_POS_ID);
    if (ip < 0 || iq < 0 ||
        (schema->fields[ip].type->id != ST_TYPE_STRING &&
         schema->fields[ip].type->id != ST_TYPE_BINARY) ||
        (schema->fields[iq].type->id != ST_TYPE_LONG && schema->fields[iq].type->id != ST_TYPE_INT)) {
        rc = st_error_set(ST_ECORRUPT, ST_ERROR_ICEBERG,
                          "position-delete file '%s': file_path must be a top-level string and "
                          "pos a top-level long", local_path);
        goto done;
    }
    for (int c = 0; c < st_parquet_reader_num_columns(r); c++) {
        st_parquet_column_info ci;
        if ((rc = st_parquet_reader_column_info(r, c, &ci)) < 0)
            goto done;
        if (ci.field_id == POSDEL_FILE_PATH_ID && ci.max_repetition_level == 0)
            path_leaf = c;
    }
    for (int rg = 0; rg < st_parquet_reader_num_row_groups(r); rg++) {
        int64_t rows = st_parquet_reader_row_group_rows(r, rg);
        if (path_leaf >= 0) {
            pq_raw_bounds bd;
            if ((rc = pq_chunk_raw_bounds(r, rg, path_leaf, &bd)) < 0)
                goto done;
            if (!row_group_wanted(&bd, paths, n)) {
                row0 += rows;
                continue;
            }
        }
        if ((rc = st_parquet_reader_read_row_group(&b, r, rg)) < 0)
            goto done;
        if ((rc = add_rows(b, ip, iq, paths, sets, n, local_path, row0)) < 0)
            goto done;
        row0 += rows;
        st_batch_free(b);
        b = NULL;
    }
done:
    st_batch_free(b);
    st_parquet_reader_free(r);
    return rc;
}
