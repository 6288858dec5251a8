/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Field-id resolution over a writer schema, and typed access to avro-c
 * generic values, for the manifest and manifest-list readers. Types are
 * checked once per file (mf_resolve), so the per-record getters only fetch.
 */
#include <string.h>

#include "spec/manifest_int.h"
#include "util/alloc.h"

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

int mf_get(avro_value_t *rec, const mf_slot *s, avro_value_t *v)
{
    if (s->index < 0 || avro_value_get_by_index(rec, (size_t)s->index, v, NULL) != 0)
        return 0;
    if (avro_value_get_type(v) == AVRO_UNION) {
        avro_value_t branch;
        if (avro_value_get_current_branch(v, &branch) != 0 ||
            avro_value_get_type(&branch) == AVRO_NULL)
            return 0;
        *v = branch;
    }
    return 1;
}

int64_t mf_long(avro_value_t *v, st_avro_kind kind)
{
    if (kind == ST_AVRO_INT) {
        int32_t i = 0;
        avro_value_get_int(v, &i);
        return i;
    }
    int64_t l = 0;
    avro_value_get_long(v, &l);
    return l;
}

const uint8_t *mf_bytes(avro_value_t *v, st_avro_kind kind, size_t *len)
{
    const void *p = NULL;
    size_t n = 0;
    if (kind == ST_AVRO_STRING) {
        const char *s = NULL;
        avro_value_get_string(v, &s, &n);
        p = s;
        n = n ? n - 1 : 0; /* avro-c counts the NUL */
    } else if (kind == ST_AVRO_FIXED) {
        avro_value_get_fixed(v, &p, &n);
    } else {
        avro_value_get_bytes(v, &p, &n);
    }
    *len = n;
    return p ? (const uint8_t *)p : (const uint8_t *)"";
}

int st_manifest_load_file(const char *path, st_input **in, const uint8_t **data, size_t *len,
                          uint8_t **owned)
{
    int rc;
    *owned = NULL;
    *data = NULL;
    *len = 0;
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
