/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Field-id resolution over a writer schema and the per-field decode plans
 * (mf_op) of the manifest and manifest-list readers. Types are checked once
 * per file (mf_resolve), so the per-record decoders only read.
 */
#include <string.h>

#include "spec/manifest_int.h"
#include "util/alloc.h"
#include "util/fs.h"

/* files up to this size are read, larger ones mapped */
#define SMALL_FILE (1u << 20)

static const char *kind_name(st_avro_kind k)
{
    static const char *names[] = {"?", "null", "boolean", "int", "long", "float", "double", "bytes",
                                  "string", "fixed", "enum", "record", "array", "map", "union"};
    return (unsigned)k < sizeof names / sizeof names[0] ? names[k] : "?";
}

int mf_resolve(mf_slot *out, const st_avro_type *record, int32_t id, unsigned kinds, int required,
               const char *file, const char *what)
{
    out->index = st_avro_field_index(record, id);
    out->kind = 0;
    out->type = NULL;
    if (out->index < 0) {
        if (required)
            return st_error_set(ST_ECORRUPT, ST_ERROR_ICEBERG,
                                "'%s': the Avro schema has no field id %d (%s)", file, (int)id, what);
        return 0;
    }
    const st_avro_type *t = record->fields[out->index].type;
    const st_avro_type *v = st_avro_nonnull(t);
    if (v->kind == ST_AVRO_UNION || !(kinds & MF_K(v->kind)))
        return st_error_set(ST_ECORRUPT, ST_ERROR_ICEBERG,
                            "'%s': field id %d (%s) has Avro type %s, which does not fit", file,
                            (int)id, what, kind_name(v->kind));
    out->kind = v->kind;
    out->type = v;
    return 0;
}

int mf_ops_new(mf_op **out, const st_avro_type *record, st_arena *arena)
{
    mf_op *ops = st_arena_calloc(arena, record->n_fields ? (size_t)record->n_fields : 1,
                                 sizeof *ops);
    *out = ops;
    if (!ops)
        return ST_ENOMEM;
    for (int i = 0; i < record->n_fields; i++) {
        const st_avro_type *t = record->fields[i].type, *v = st_avro_nonnull(t);
        ops[i].act = MF_SKIP;
        ops[i].type = t;
        ops[i].value = v;
        ops[i].kind = v->kind;
        ops[i].null_branch = v != t ? t->null_branch : -1;
    }
    return 0;
}

void mf_ops_set(mf_op *ops, const mf_slot *s, int act)
{
    if (s->index >= 0)
        ops[s->index].act = act;
}

int st_manifest_load_file(const char *path, st_input **in, const uint8_t **data, size_t *len,
                          uint8_t **owned)
{
    st_buf buf = ST_BUF_INIT;
    int rc;
    *owned = NULL;
    *in = NULL;
    *data = NULL;
    *len = 0;
    /* a manifest is usually a few KiB: one read costs less than mapping it */
    if ((rc = st_read_file(&buf, path, SMALL_FILE)) < 0)
        return rc;
    if (rc == 0) {
        *len = buf.len;
        *data = buf.ptr ? buf.ptr : (const uint8_t *)"";
        *owned = st_buf_detach(&buf);
        return 0;
    }
    if ((rc = st_input_open_file(in, path)) < 0)
        return rc;
    uint64_t size = st_input_size(*in);
    if (size > SIZE_MAX / 2) {
        st_input_free(*in);
        *in = NULL;
        return st_error_set(ST_EUNSUPPORTED, ST_ERROR_ICEBERG, "'%s': too large", path);
    }
    *len = (size_t)size;
    if (size == 0) {
        *data = (const uint8_t *)"";
        return 0;
    }
    if ((*data = st_input_view(*in, 0, (size_t)size)))
        return 0;
    if (!(*owned = st_malloc((size_t)size)) ||
        (rc = st_input_read_at(*in, 0, *owned, (size_t)size)) < 0) {
        rc = *owned ? rc : ST_ENOMEM;
        st_free(*owned);
        *owned = NULL;
        st_input_free(*in);
        *in = NULL;
        return rc;
    }
    *data = *owned;
    return 0;
}
