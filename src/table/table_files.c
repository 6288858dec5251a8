/* SPDX-License-Identifier: Apache-2.0 */
/* Listings of a snapshot's manifests and live files (table files|manifests). */
#include <string.h>

#include "supertable/errors.h"
#include "table/txn_int.h"
#include "util/alloc.h"

static int pick_snapshot(const st_table *t, int64_t id, const st_snapshot **out)
{
    *out = NULL;
    if (id < 0) {
        *out = st_metadata_current_snapshot(t->md);
        return 0;
    }
    if (!(*out = st_metadata_snapshot(t->md, id)))
        return st_error_set(ST_ENOTFOUND, ST_ERROR_TABLE, "table '%s' has no snapshot %lld",
                            t->display, (long long)id);
    return 0;
}

int st_table_manifests(const st_table *t, int64_t snapshot_id, st_manifest_info **out, size_t *n)
{
    const st_snapshot *s;
    st_arena a = ST_ARENA_INIT;
    st_manifest_file *files = NULL;
    int k = 0;
    *out = NULL;
    *n = 0;
    int rc = pick_snapshot(t, snapshot_id, &s);
    if (rc || !s)
        return rc;
    if ((rc = st_snapshot_manifests(t, t->md, s, &a, &files, &k)) == 0) {
        st_manifest_info *m = st_calloc((size_t)(k ? k : 1), sizeof *m);
        if (!m)
            rc = st_error_set_oom();
        for (int i = 0; m && i < k && rc == 0; i++) {
            const st_manifest_file *f = &files[i];
            if (!(m[i].path = st_strdup(f->manifest_path))) {
                rc = st_error_set_oom();
                break;
            }
            m[i].length = f->manifest_length;
            m[i].spec_id = f->partition_spec_id;
            m[i].content = f->content;
            m[i].sequence_number = f->sequence_number;
            m[i].min_sequence_number = f->min_sequence_number;
            m[i].added_snapshot_id = f->added_snapshot_id;
            m[i].added_files = f->added_files_count;
            m[i].existing_files = f->existing_files_count;
            m[i].deleted_files = f->deleted_files_count;
            m[i].added_rows = f->added_rows_count;
            m[i].existing_rows = f->existing_rows_count;
            m[i].deleted_rows = f->deleted_rows_count;
        }
        if (rc)
            st_manifest_infos_free(m, (size_t)k);
        else {
            *out = m;
            *n = (size_t)k;
        }
    }
    st_arena_dispose(&a);
    return rc;
}

void st_manifest_infos_free(st_manifest_info *m, size_t n)
{
    if (!m)
        return;
    for (size_t i = 0; i < n; i++)
        st_free((char *)m[i].path);
    st_free(m);
}

static int push_file(st_file_info **arr, size_t *n, size_t *cap, const st_file_info *f)
{
    if (*n == *cap) {
        size_t c = *cap ? 2 * *cap : 64;
        st_file_info *a = st_realloc(*arr, c * sizeof *a);
        if (!a)
            return st_error_set_oom();
        *arr = a;
        *cap = c;
    }
    (*arr)[(*n)++] = *f;
    return 0;
}

int st_table_files(const st_table *t, int64_t snapshot_id, st_file_info **out, size_t *n)
{
    const st_snapshot *s;
    st_arena a = ST_ARENA_INIT;
    st_manifest_file *files = NULL;
    st_file_info *arr = NULL;
    size_t cnt = 0, cap = 0;
    int k = 0;
    *out = NULL;
    *n = 0;
    int rc = pick_snapshot(t, snapshot_id, &s);
    if (rc || !s)
        return rc;
    if ((rc = st_snapshot_manifests(t, t->md, s, &a, &files, &k)) < 0)
        goto done;
    for (int i = 0; i < k && rc == 0; i++) {
        st_manifest *m = NULL;
        if ((rc = st_table_read_manifest(t, t->md, &files[i], &m)) < 0)
            break;
        const st_partition_spec *spec = st_metadata_spec(t->md, files[i].partition_spec_id);
        for (int e = 0; e < m->n_entries && rc == 0; e++) {
            const st_manifest_entry *me = &m->entries[e];
            if (me->status == ST_ENTRY_DELETED)
                continue;
            st_file_info f;
            memset(&f, 0, sizeof f);
            st_buf part = ST_BUF_INIT;
            if (spec && spec->n_fields == me->file.n_partition)
                rc = st_partition_path(&part, spec, me->file.partition);
            f.path = st_strdup(me->file.file_path);
            f.format = st_strdup(me->file.file_format ? me->file.file_format : "PARQUET");
            f.partition = st_strdup(st_buf_cstr(&part));
            st_buf_dispose(&part);
            f.content = me->file.content;
            f.spec_id = files[i].partition_spec_id;
            f.record_count = me->file.record_count;
            f.file_size = me->file.file_size_in_bytes;
            f.data_sequence_number = me->sequence_number == ST_NULL64 ? 0 : me->sequence_number;
            f.snapshot_id = me->snapshot_id == ST_NULL64 ? -1 : me->snapshot_id;
            if (rc == 0 && (!f.path || !f.format || !f.partition))
                rc = st_error_set_oom();
            if (rc == 0)
                rc = push_file(&arr, &cnt, &cap, &f);
            if (rc) {
                st_free((char *)f.path);
                st_free((char *)f.format);
                st_free((char *)f.partition);
            }
        }
        st_manifest_free(m);
    }
done:
    st_arena_dispose(&a);
    if (rc) {
        st_file_infos_free(arr, cnt);
        return rc;
    }
    *out = arr;
    *n = cnt;
    return 0;
}

void st_file_infos_free(st_file_info *f, size_t n)
{
    if (!f)
        return;
    for (size_t i = 0; i < n; i++) {
        st_free((char *)f[i].path);
        st_free((char *)f[i].format);
        st_free((char *)f[i].partition);
    }
    st_free(f);
}
