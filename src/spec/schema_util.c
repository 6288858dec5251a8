/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Lookups in a schema (a struct type with field ids) by id and by Iceberg's
 * dotted names, the highest id, and the partition tuple's type of a spec.
 *
 * Names follow Java's TypeUtil.indexByName: a full name spells every step
 * ("a.element.x", "m.key", "m.value.y"); a short name leaves out the
 * "element" or "value" step in front of a struct ("a.x", "m.y"). Full names
 * win when both could match. Schemas are small (hundreds of fields), so the
 * lookups walk the tree instead of keeping an index.
 */
#include <string.h>

#include "columnar/columnar_int.h"
#include "spec/spec.h"
#include "supertable/errors.h"
#include "util/alloc.h"

static const st_field *find_id(const st_type *t, int32_t id, int depth)
{
    const st_field *f;
    if (depth > ST_COL_MAX_DEPTH || !st_type_is_nested(t))
        return NULL;
    for (int i = 0; i < t->n_fields; i++)
        if (t->fields[i].id == id)
            return &t->fields[i];
    for (int i = 0; i < t->n_fields; i++)
        if ((f = find_id(t->fields[i].type, id, depth + 1)))
            return f;
    return NULL;
}

const st_field *st_schema_find_id(const st_type *schema, int32_t id)
{
    if (!schema || id == ST_FIELD_ID_NONE)
        return NULL;
    return find_id(schema, id, 0);
}

static const st_field *find_name(const st_type *t, const char *name, size_t len, int depth);

/* `f` when `name` is exactly its name, or the match of the rest of `name`
 * inside it when `name` starts with "<its name>.". */
static const st_field *match_step(const st_field *f, const char *fname, const char *name,
                                  size_t len, int depth)
{
    size_t fl = strlen(fname);
    if (fl > len || memcmp(name, fname, fl) != 0)
        return NULL;
    if (fl == len)
        return f;
    if (name[fl] != '.')
        return NULL;
    return find_name(f->type, name + fl + 1, len - fl - 1, depth + 1);
}

static const st_field *find_name(const st_type *t, const char *name, size_t len, int depth)
{
    const st_field *f;
    if (depth > ST_COL_MAX_DEPTH || !st_type_is_nested(t))
        return NULL;
    switch (t->id) {
    case ST_TYPE_STRUCT:
        /* Every candidate is tried: field names may themselves hold dots. */
        for (int i = 0; i < t->n_fields; i++)
            if ((f = match_step(&t->fields[i], t->fields[i].name, name, len, depth)))
                return f;
        return NULL;
    case ST_TYPE_LIST:
        if ((f = match_step(&t->fields[0], "element", name, len, depth)))
            return f;
        if (t->fields[0].type->id == ST_TYPE_STRUCT)
            return find_name(t->fields[0].type, name, len, depth + 1);
        return NULL;
    default: /* map */
        if ((f = match_step(&t->fields[0], "key", name, len, depth)) ||
            (f = match_step(&t->fields[1], "value", name, len, depth)))
            return f;
        if (t->fields[1].type->id == ST_TYPE_STRUCT)
            return find_name(t->fields[1].type, name, len, depth + 1);
        return NULL;
    }
}

const st_field *st_schema_find_name(const st_type *schema, const char *name)
{
    if (!schema || !name)
        return NULL;
    return find_name(schema, name, strlen(name), 0);
}

static int32_t max_id(const st_type *t, int depth)
{
    int32_t m = 0, c;
    if (depth > ST_COL_MAX_DEPTH || !st_type_is_nested(t))
        return 0;
    for (int i = 0; i < t->n_fields; i++) {
        if (t->fields[i].id > m)
            m = t->fields[i].id;
        if ((c = max_id(t->fields[i].type, depth + 1)) > m)
            m = c;
    }
    return m;
}

int32_t st_schema_max_id(const st_type *schema)
{
    return schema ? max_id(schema, 0) : 0;
}

int st_partition_type(st_type **out, const st_partition_spec *spec, const st_type *schema)
{
    st_field *fields = NULL;
    int n = spec->n_fields, rc;

    *out = NULL;
    if (n > 0 && !(fields = st_calloc((size_t)n, sizeof(*fields))))
        return st_error_set_oom();
    for (int i = 0; i < n; i++) {
        const st_partition_field *pf = &spec->fields[i];
        const st_field *src = st_schema_find_id(schema, pf->source_id);
        fields[i].id = pf->field_id;
        fields[i].name = pf->name;
        fields[i].required = 0;
        fields[i].type = st_transform_result_type(&pf->transform, src ? src->type : NULL);
    }
    rc = st_type_struct_new(out, fields, n);
    for (int i = 0; i < n; i++)
        st_type_free(fields[i].type);
    st_free(fields);
    return rc;
}
