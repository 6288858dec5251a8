/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Many committers at once, each with its own handle (in threads, and in
 * processes for the file-based catalogs): every acknowledged commit must be
 * on the table's history exactly once (helpers.c walks it), and lost races
 * leave no files. Half the committers use gzip names.
 */
#include "catalog_test.h"
#include "st_test.h"

void test_catalog_concurrency__sqlite_threads(void) { ct_concurrent_body("sqlite", 4, 8, 0); }
void test_catalog_concurrency__memory_threads(void) { ct_concurrent_body("memory", 4, 25, 0); }
void test_catalog_concurrency__folder_threads(void) { ct_concurrent_body("folder", 4, 8, 0); }
void test_catalog_concurrency__postgres_threads(void) { ct_concurrent_body("postgres", 4, 8, 0); }
void test_catalog_concurrency__sqlite_processes(void) { ct_concurrent_body("sqlite", 4, 8, 1); }
void test_catalog_concurrency__folder_processes(void) { ct_concurrent_body("folder", 4, 8, 1); }
void test_catalog_concurrency__postgres_processes(void)
{
    ct_concurrent_body("postgres", 4, 8, 1);
}
