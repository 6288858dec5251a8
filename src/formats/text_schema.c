/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Schema helpers of the text readers: numbering an inferred schema with fresh
 * field ids the way Iceberg numbers a new table's schema, and the check that a
 * CSV schema is flat.
 */
#include "formats/formats_int.h"
#include "util/alloc.h"

/*
 * Iceberg's TypeUtil.assignFreshIds order, which st_schema_parse() follows too:
 * a nested type numbers all of its own fields first, then visits each field's
 * type in order.
 */
int st_fmt_fresh_ids(st_type **out, const st_type *t, int32_t *next_id)
{
    st_field *fields;
    int rc = 0, n = t->n_fields;

    *out = NULL;
    if (!st_type_is_nested(t)) {
        *out = st_type_ref((st_type *)t);
        return 0;
    }
    if (!(fields = st_calloc(n > 0 ? (size_t)n : 1, sizeof(*fields))))
        return ST_ENOMEM;
    for (int i = 0; i < n; i++) {
        fields[i] = t->fields[i];
        fields[i].id = (*next_id)++;
        fields[i].type = NULL;
    }
    for (int i = 0; i < n && rc == 0; i++)
        rc = st_fmt_fresh_ids(&fields[i].type, t->fields[i].type, next_id);
    if (rc == 0 && t->id == ST_TYPE_STRUCT)
        rc = st_type_struct_new(out, fields, n);
    else if (rc == 0 && t->id == ST_TYPE_LIST)
        rc = st_type_list_new(out, &fields[0]);
    else if (rc == 0)
        rc = st_type_map_new(out, &fields[0], &fields[1]);
    for (int i = 0; i < n; i++)
        st_type_free(fields[i].type);
    st_free(fields);
    return rc;
}

int st_fmt_check_flat(const st_type *schema, const char *what)
{
    if (!schema || schema->id != ST_TYPE_STRUCT)
        return st_error_set(ST_EINVALID, ST_ERROR_CSV, "%s: the schema must be a struct type",
                            what);
    for (int i = 0; i < schema->n_fields; i++)
        if (st_type_is_nested(schema->fields[i].type))
            return st_error_set(ST_EUNSUPPORTED, ST_ERROR_CSV,
                                "%s: column '%s' is a %s; CSV holds only primitive columns "
                                "(use JSON lines or Parquet for nested data)",
                                what, schema->fields[i].name,
                                st_type_id_name(schema->fields[i].type->id));
    return 0;
}
