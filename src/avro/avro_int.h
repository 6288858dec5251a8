/* SPDX-License-Identifier: Apache-2.0 */
/* Internal pieces of the Avro layer shared by avro_file.c and avro_schema.c. */
#ifndef ST_AVRO_AVRO_INT_H
#define ST_AVRO_AVRO_INT_H

#include <stddef.h>
#include <stdint.h>

#include "avro/avro_file.h"
#include "util/arena.h"

/*
 * Parses a writer schema's JSON text into a type tree in `arena`. When
 * `avro_c_json` is not NULL it receives (st_free) the text to give avro-c:
 * the same schema with field names that avro-c would reject replaced.
 * @return 0, ST_ECORRUPT naming `file`, ST_ENOMEM.
 */
int st_avro_schema_parse(const st_avro_type **out, char **avro_c_json, st_arena *arena,
                         const char *json, size_t len, const char *file);

#endif
