/* SPDX-License-Identifier: Apache-2.0 */
/* Helpers shared by the catalog tests (tests/unit/catalog/helpers.c). */
#ifndef ST_CATALOG_TEST_H
#define ST_CATALOG_TEST_H

#include <stddef.h>

#include "catalog/catalog.h"

/*
 * Opens a catalog of `kind` ("sqlite", "memory", "folder", "postgres") for the
 * running test: the database or folder under the test's tmpdir, the warehouse
 * <tmpdir>/wh, a catalog name unique to the test and process (so tests can
 * share one PostgreSQL server). Repeated calls in one test reach the same
 * catalog. Returns 0, or 1 when the kind is not available (postgres without
 * ST_TEST_POSTGRES_URI): the test should then return.
 */
int ct_open(st_catalog **out, const char *kind);
/* The URI, warehouse and catalog name ct_open uses (static storage). */
const char *ct_uri(const char *kind);
const char *ct_warehouse(void);
const char *ct_name(void);
/* ST_TEST_POSTGRES_URI or NULL; prints a skip note when NULL. */
const char *ct_postgres_uri(const char *test);

/* Number of entries in a folder (0 when missing). */
int ct_count_files(const char *dir);
/* Whole file as a NUL-terminated malloc'ed string (NULL when missing). */
char *ct_slurp(const char *path);
/* The last '/'-separated part. */
const char *ct_basename(const char *path);
/* Copies a file. */
void ct_copy(const char *from, const char *to);

/* The shared body of test_catalog_ops__<kind>. */
void ct_ops_body(const char *kind);
/* Many threads (or processes), each with its own handle, commit `commits`
 * times to one table. */
void ct_concurrent_body(const char *kind, int threads, int commits, int processes);

#endif
