/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Locations in Iceberg metadata are URIs; local tables use plain absolute
 * paths or file: URIs. A location map rewrites prefixes of moved tables
 * (fixtures copied from other machines, a folder restored elsewhere), then the
 * result becomes a local path. Maps are immutable once built; threads share them.
 */
#ifndef ST_UTIL_LOCATION_H
#define ST_UTIL_LOCATION_H

/* "FROM=TO" prefix rewrites of paths read from metadata. */
typedef struct st_location_map {
    char **from;
    char **to;
    int n;
} st_location_map;

int st_location_map_init(st_location_map *m, const char *const *pairs);
int st_location_map_copy(st_location_map *dst, const st_location_map *src);
void st_location_map_dispose(st_location_map *m);
/*
 * The local file path for a location from metadata: applies the longest
 * matching rewrite, then strips a "file:" / "file://" scheme. Other schemes
 * (s3://...) -> ST_EUNSUPPORTED. @param[out] out st_free() it.
 */
int st_location_resolve(char **out, const st_location_map *m, const char *location);

#endif
