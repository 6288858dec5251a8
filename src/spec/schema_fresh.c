/* SPDX-License-Identifier: Apache-2.0 */
/* Fresh field ids for a new table's schema: the formats layer's numbering
 * (Iceberg's TypeUtil.assignFreshIds order), from 1. */
#include "formats/formats_int.h"
#include "spec/spec.h"
#include "supertable/errors.h"

int st_schema_assign_fresh_ids(st_type **out, const st_type *schema)
{
    int32_t next = 1;
    *out = NULL;
    if (schema->id != ST_TYPE_STRUCT)
        return st_error_set(ST_EINVALID, ST_ERROR_ICEBERG, "a schema must be a struct");
    return st_fmt_fresh_ids(out, schema, &next);
}
