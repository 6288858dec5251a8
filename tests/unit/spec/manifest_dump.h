/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A canonical text of everything the manifest and manifest-list readers
 * return for the vendored fixtures (tests/resources/iceberg-fixtures/): every
 * field of every entry, bytes in hex, floats in %a, errors with their code and
 * message. manifest_decode.c compares it with manifests-read.golden, which was
 * written by the readers that decoded through avro-c's generic values (the
 * decoder the direct one replaced), so any difference in what is decoded
 * shows as a differing line.
 *
 * Files: every *.avro under the fixtures, in sorted order; snap-*.avro are
 * manifest lists, the others manifests read with no partition type and no
 * list entry. Then each manifest a list names that sits in the list's folder
 * is read again with that list entry, for inheritance.
 */
#ifndef ST_TEST_MANIFEST_DUMP_H
#define ST_TEST_MANIFEST_DUMP_H

#include <dirent.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "spec/spec.h"
#include "supertable/errors.h"
#include "util/alloc.h"
#include "util/buf.h"

static void dump_hex(st_buf *b, const uint8_t *p, size_t n)
{
    if (!p) {
        st_buf_puts(b, "null");
        return;
    }
    st_buf_putc(b, 'x');
    for (size_t i = 0; i < n; i++)
        st_buf_printf(b, "%02x", p[i]);
}

static void dump_str(st_buf *b, const char *s)
{
    if (!s)
        st_buf_puts(b, "null");
    else
        st_buf_printf(b, "'%s'", s);
}

/* FNV-1a of a long text (schemas): its length and hash, not the text. */
static void dump_text_hash(st_buf *b, const char *s)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    if (!s) {
        st_buf_puts(b, "null");
        return;
    }
    for (const char *p = s; *p; p++)
        h = (h ^ (uint8_t)*p) * 0x100000001b3ULL;
    st_buf_printf(b, "%zu:%016" PRIx64, strlen(s), h);
}

static void dump_value(st_buf *b, const st_value *v)
{
    st_buf_printf(b, "%d:", (int)v->type);
    if (v->is_null) {
        st_buf_puts(b, "null");
        return;
    }
    switch (v->type) {
    case ST_TYPE_BOOLEAN: st_buf_printf(b, "%d", v->v.b); break;
    case ST_TYPE_INT:
    case ST_TYPE_DATE: st_buf_printf(b, "%" PRId32, v->v.i32); break;
    case ST_TYPE_FLOAT: st_buf_printf(b, "%a", (double)v->v.f32); break;
    case ST_TYPE_DOUBLE: st_buf_printf(b, "%a", v->v.f64); break;
    case ST_TYPE_DECIMAL:
        st_buf_printf(b, "%" PRId64 ",%" PRIu64 "e-%d", v->v.dec.hi, v->v.dec.lo, (int)v->scale);
        break;
    case ST_TYPE_STRING:
    case ST_TYPE_UUID:
    case ST_TYPE_FIXED:
    case ST_TYPE_BINARY: dump_hex(b, v->v.bytes.ptr, v->v.bytes.len); break;
    default: st_buf_printf(b, "%" PRId64, v->v.i64); break;
    }
}

static void dump_list(st_buf *b, const st_manifest_list *l)
{
    st_buf_printf(b, "list files=%d\n", l->n_files);
    for (int i = 0; i < l->n_files; i++) {
        const st_manifest_file *f = &l->files[i];
        st_buf_printf(b, " file %d path=", i);
        dump_str(b, f->manifest_path);
        st_buf_printf(b,
                      " length=%" PRId64 " spec=%d content=%d seq=%" PRId64 " min_seq=%" PRId64
                      " snap=%" PRId64 " files=%d,%d,%d rows=%" PRId64 ",%" PRId64 ",%" PRId64
                      " first_row=%" PRId64 " key=",
                      f->manifest_length, (int)f->partition_spec_id, (int)f->content,
                      f->sequence_number, f->min_sequence_number, f->added_snapshot_id,
                      (int)f->added_files_count, (int)f->existing_files_count,
                      (int)f->deleted_files_count, f->added_rows_count, f->existing_rows_count,
                      f->deleted_rows_count, f->first_row_id);
        dump_hex(b, f->key_metadata, f->key_metadata_len);
        st_buf_putc(b, '\n');
        for (int k = 0; k < f->n_partitions; k++) {
            const st_field_summary *s = &f->partitions[k];
            st_buf_printf(b, "  summary %d null=%d nan=%d lower=", k, s->contains_null,
                          s->contains_nan);
            dump_hex(b, s->lower, s->lower_len);
            st_buf_puts(b, " upper=");
            dump_hex(b, s->upper, s->upper_len);
            st_buf_putc(b, '\n');
        }
    }
}

static void dump_manifest(st_buf *b, const st_manifest *m)
{
    st_buf_printf(b, "manifest v%d spec=%d schema_id=%d content=%d entries=%d schema=",
                  m->format_version, (int)m->spec_id, (int)m->schema_id, (int)m->content,
                  m->n_entries);
    dump_text_hash(b, m->schema_json);
    st_buf_puts(b, " partition_spec=");
    dump_text_hash(b, m->partition_spec_json);
    st_buf_putc(b, '\n');
    for (int i = 0; i < m->n_entries; i++) {
        const st_manifest_entry *e = &m->entries[i];
        const st_data_file *f = &e->file;
        st_buf_printf(b,
                      " entry %d status=%d snap=%" PRId64 " seq=%" PRId64 " file_seq=%" PRId64
                      " content=%d path=",
                      i, (int)e->status, e->snapshot_id, e->sequence_number,
                      e->file_sequence_number, (int)f->content);
        dump_str(b, f->file_path);
        st_buf_puts(b, " format=");
        dump_str(b, f->file_format);
        st_buf_printf(b,
                      " spec=%d records=%" PRId64 " size=%" PRId64 " sort=%d first_row=%" PRId64
                      " offset=%" PRId64 " csize=%" PRId64 " ref=",
                      (int)f->spec_id, f->record_count, f->file_size_in_bytes,
                      (int)f->sort_order_id, f->first_row_id, f->content_offset,
                      f->content_size_in_bytes);
        dump_str(b, f->referenced_data_file);
        st_buf_puts(b, " key=");
        dump_hex(b, f->key_metadata, f->key_metadata_len);
        st_buf_puts(b, "\n  partition");
        for (int k = 0; k < f->n_partition; k++) {
            st_buf_putc(b, ' ');
            dump_value(b, &f->partition[k]);
        }
        st_buf_puts(b, "\n  splits");
        for (int k = 0; k < f->n_split_offsets; k++)
            st_buf_printf(b, " %" PRId64, f->split_offsets[k]);
        st_buf_puts(b, "\n  equality_ids");
        for (int k = 0; k < f->n_equality_ids; k++)
            st_buf_printf(b, " %d", (int)f->equality_ids[k]);
        st_buf_putc(b, '\n');
        for (int k = 0; k < f->n_stats; k++) {
            const st_column_stats *s = &f->stats[k];
            st_buf_printf(b,
                          "  stat %d size=%" PRId64 " values=%" PRId64 " nulls=%" PRId64
                          " nans=%" PRId64 " lower=",
                          (int)s->field_id, s->column_size, s->value_count, s->null_count,
                          s->nan_count);
            dump_hex(b, s->lower, s->lower_len);
            st_buf_puts(b, " upper=");
            dump_hex(b, s->upper, s->upper_len);
            st_buf_putc(b, '\n');
        }
    }
}

static void dump_error(st_buf *b, int rc)
{
    st_buf_printf(b, "error %d %s\n", rc, st_error_last()->message);
}

typedef struct dump_paths {
    char **v;
    size_t n, cap;
} dump_paths;

/* Every *.avro under `dir` (absolute paths), unsorted. */
static void dump_walk(dump_paths *out, const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    if (!d)
        return;
    while ((de = readdir(d))) {
        char path[2048];
        struct stat st;
        size_t n = strlen(de->d_name);
        if (de->d_name[0] == '.')
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
        if (stat(path, &st) != 0)
            continue;
        if (S_ISDIR(st.st_mode)) {
            dump_walk(out, path);
        } else if (n > 5 && !strcmp(de->d_name + n - 5, ".avro")) {
            if (out->n == out->cap) {
                out->cap = out->cap ? 2 * out->cap : 64;
                out->v = realloc(out->v, out->cap * sizeof *out->v);
            }
            out->v[out->n++] = strdup(path);
        }
    }
    closedir(d);
}

static int dump_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int dump_is_list(const char *path)
{
    const char *base = strrchr(path, '/');
    return !strncmp(base ? base + 1 : path, "snap-", 5);
}

/* The whole dump of the fixtures under `root`; paths are written relative to it. */
static void dump_fixtures(st_buf *b, const char *root)
{
    dump_paths paths = {NULL, 0, 0};
    size_t skip = strlen(root) + 1;
    int rc;
    dump_walk(&paths, root);
    qsort(paths.v, paths.n, sizeof *paths.v, dump_cmp);
    for (size_t i = 0; i < paths.n; i++) {
        const char *path = paths.v[i];
        st_buf_printf(b, "== %s\n", path + skip);
        if (dump_is_list(path)) {
            st_manifest_list *l;
            if ((rc = st_manifest_list_read(&l, path)) < 0) {
                dump_error(b, rc);
                continue;
            }
            dump_list(b, l);
            st_manifest_list_free(l);
        } else {
            st_manifest *m;
            if ((rc = st_manifest_read(&m, path, NULL, NULL)) < 0) {
                dump_error(b, rc);
                continue;
            }
            dump_manifest(b, m);
            st_manifest_free(m);
        }
    }
    /* inheritance: each list's manifests found beside it, read with their entry */
    for (size_t i = 0; i < paths.n; i++) {
        st_manifest_list *l;
        const char *path = paths.v[i];
        if (!dump_is_list(path) || st_manifest_list_read(&l, path) < 0)
            continue;
        for (int k = 0; k < l->n_files; k++) {
            char mpath[4096];
            const char *base = strrchr(l->files[k].manifest_path, '/');
            size_t dir_len = (size_t)(strrchr(path, '/') - path);
            st_manifest *m;
            snprintf(mpath, sizeof mpath, "%.*s/%s", (int)dir_len, path,
                     base ? base + 1 : l->files[k].manifest_path);
            struct stat st;
            if (stat(mpath, &st) != 0)
                continue;
            st_buf_printf(b, "== %s with entry %d of %s\n", mpath + skip, k, path + skip);
            if ((rc = st_manifest_read(&m, mpath, &l->files[k], NULL)) < 0) {
                dump_error(b, rc);
                continue;
            }
            dump_manifest(b, m);
            st_manifest_free(m);
        }
        st_manifest_list_free(l);
    }
    for (size_t i = 0; i < paths.n; i++)
        free(paths.v[i]);
    free(paths.v);
}

#endif
