/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The CLI syntax of partition specs and sort orders, parsed against a schema
 * and printed back:
 *
 *   spec  := [pfield (',' pfield)*]
 *   pfield:= term ['as' name]
 *   order := [sfield (',' sfield)*]
 *   sfield:= term ['asc' | 'desc'] ['nulls' ('first' | 'last')]
 *   term  := column | transform '(' args ')'
 *   args  := column | number ',' column | column ',' number
 *   column:= name ('.' name)*     name as in the schema syntax: [A-Za-z0-9_$]+ or `quoted`
 *
 * transform: identity, bucket, truncate, year, month, day, hour, void
 * (case-insensitive; Spark's years/months/days/hours too). bucket and truncate
 * take their number first or second: "bucket(16, id)", "truncate(name, 4)".
 * Nested columns are dotted ("addr.city"); columns inside lists and maps
 * cannot be partition or sort sources (one row has many values there).
 *
 * Examples: "day(ts), bucket(16, id), truncate(4, name), region, void(x)";
 * "ts desc, id", "name asc nulls last", "bucket(4, id) desc".
 */
#ifndef ST_SPEC_PARTITION_PARSE_H
#define ST_SPEC_PARTITION_PARSE_H

#include "spec/spec.h"
#include "util/buf.h"

/*
 * Parses a partition spec. Field names are Java's defaults unless given with
 * "as": identity -> the source's full name, bucket -> "<src>_bucket",
 * truncate "<src>_trunc", year/month/day/hour "<src>_year" ..., void
 * "<src>_null". Field ids continue from *last_partition_id (1000 when it is
 * 999 or less, or when last_partition_id is NULL), which is updated on
 * success. spec_id is 0: the caller assigns it.
 * Errors (ST_EINVALID) name the offending field text: unknown column, a
 * transform that cannot apply to the column's type, a duplicate field or
 * name, a bad number, a syntax error.
 * @param[out] out owns fields[] (st_malloc) and each name (st_strdup); on
 *                 failure it is left empty (n_fields 0, fields NULL).
 */
int st_partition_spec_parse(st_partition_spec *out, const char *text, const st_type *schema,
                            int32_t *last_partition_id);

/*
 * Parses a sort order. Direction defaults to asc; null order to nulls-first
 * for asc and nulls-last for desc (Iceberg's and Spark's defaults). order_id
 * is 1 when there are fields and 0 (the unsorted order) otherwise: the caller
 * renumbers it.
 * @param[out] out owns fields[] (st_malloc); left empty on failure.
 */
int st_sort_order_parse(st_sort_order *out, const char *text, const st_type *schema);

/*
 * Append the syntax above for a spec or an order ("day(ts), bucket(16, id)");
 * "as <name>" only when a name differs from the default, null orders only
 * when they differ from the direction's default. A source id missing from
 * the schema prints as "#<id>"; an unknown transform by its text. An empty
 * spec or order appends nothing.
 */
int st_partition_spec_to_string(st_buf *out, const st_partition_spec *s, const st_type *schema);
int st_sort_order_to_string(st_buf *out, const st_sort_order *o, const st_type *schema);

#endif
