/* SPDX-License-Identifier: Apache-2.0 */
/* Fresh field ids for a new table's schema, in Iceberg's order
 * (TypeUtil.assignFreshIds): a struct numbers its own fields first, then
 * visits each field's type; a list numbers its element, a map its key then its
 * value, before visiting them. */
#include <string.h>

#include "spec/spec.h"
#include "supertable/errors.h"
#include "util/alloc.h"

static int rebuild(st_type **out, const st_type *t, int32_t *next)
{
    if (!st_type_is_nested(t)) {
        *out = st_type_ref((st_type *)t);
        return 0;
    }
    int n = t->n_fields;
    st_field *fs = st_calloc((size_t)(n ? n : 1), sizeof *fs);
    int rc = 0;
    if (!fs)
        return st_error_set_oom();
    for (int i = 0; i < n; i++) {
        fs[i] = t->fields[i];
        fs[i].id = ++*next;
        fs[i].type = NULL;
    }
    for (int i = 0; i < n && rc == 0; i++)
        rc = rebuild(&fs[i].type, t->fields[i].type, next);
    if (rc == 0) {
        if (t->id == ST_TYPE_STRUCT)
            rc = st_type_struct_new(out, fs, n);
        else if (t->id == ST_TYPE_LIST)
            rc = st_type_list_new(out, &fs[0]);
        else
            rc = st_type_map_new(out, &fs[0], &fs[1]);
    }
    for (int i = 0; i < n; i++)
        st_type_free(fs[i].type);
    st_free(fs);
    return rc;
}

int st_schema_assign_fresh_ids(st_type **out, const st_type *schema)
{
    int32_t next = 0;
    *out = NULL;
    if (schema->id != ST_TYPE_STRUCT)
        return st_error_set(ST_EINVALID, ST_ERROR_ICEBERG, "a schema must be a struct");
    return rebuild(out, schema, &next);
}
