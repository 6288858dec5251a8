/* SPDX-License-Identifier: Apache-2.0 */
/* Every catalog operation on every backend (one shared body, helpers.c), and
 * allocation failures along a typical sequence. */
#include <unistd.h>

#include "catalog_test.h"
#include "st_test.h"
#include "supertable/errors.h"
#include "supertable/sys/alloc.h"
#include "util/alloc.h"

void test_catalog_ops__sqlite(void) { ct_ops_body("sqlite"); }
void test_catalog_ops__memory(void) { ct_ops_body("memory"); }
void test_catalog_ops__folder(void) { ct_ops_body("folder"); }
void test_catalog_ops__postgres(void) { ct_ops_body("postgres"); }

/* open, create a namespace and a table, commit, read back, list, close. */
static int sequence(const char *kind, int round)
{
    st_catalog *c = NULL;
    st_props props = {0};
    char *l1 = NULL, *l2 = NULL, *got = NULL, **v = NULL, mdir[1300], uri[1300], wh[1100];
    char name[32];
    const char *ns = "ns";
    int n = 0, rc;
    /* each round has a catalog of its own: what a failed round left behind
     * must not make the next one longer */
    snprintf(name, sizeof(name), "r%d", round);
    snprintf(wh, sizeof(wh), "%s/%d", ct_warehouse(), round);
    snprintf(uri, sizeof(uri), "file://%s", wh);
    snprintf(mdir, sizeof(mdir), "%s/%s/t/metadata", wh, ns);
    if ((rc = st_catalog_open_uri(&c, strcmp(kind, "folder") ? ct_uri(kind) : uri, wh,
                                  strcmp(kind, "folder") ? name : NULL)) < 0)
        return rc;
    if (strcmp(kind, "folder") && (rc = st_props_set(&props, "k", "v")) < 0)
        goto done;
    if ((rc = st_catalog_ns_create(c, ns, &props)) < 0 ||
        (rc = st_catalog_tbl_commit(c, ns, "t", NULL, mdir, "{}", 2, 0, &l1)) < 0 ||
        (rc = st_catalog_tbl_commit(c, ns, "t", l1, mdir, "{}", 2, 0, &l2)) < 0 ||
        (rc = st_catalog_tbl_get(c, ns, "t", &got)) < 0 ||
        (rc = st_catalog_ns_list(c, NULL, &v, &n)) < 0)
        goto done;
    st_catalog_strings_free(v, n);
    v = NULL;
    if ((rc = st_catalog_tbl_list(c, ns, &v, &n)) < 0)
        goto done;
    st_props_dispose(&props);
    if ((rc = st_catalog_ns_properties(c, ns, &props)) < 0)
        goto done;
    if ((rc = st_catalog_tbl_drop(c, ns, "t")) < 0)
        goto done;
    rc = st_catalog_ns_drop(c, ns);
done:
    st_catalog_strings_free(v, n);
    st_props_dispose(&props);
    st_free(l1);
    st_free(l2);
    st_free(got);
    st_catalog_close(c);
    return rc;
}

static void sweep(const char *kind)
{
    long n;
    for (n = 0;; n++) {
        long done;
        int rc;
        st_assert_msg(n < 100000, "the allocation sweep does not end");
        st_alloc_fail_after(n);
        rc = sequence(kind, (int)n);
        done = st_alloc_fail_after(-1);
        if (rc == 0 && done <= n)
            break;
        st_assert_msg(rc == ST_ENOMEM || rc == 0, "failing allocation %ld gave %d (%s)", n, rc,
                      st_error_last()->message);
    }
    st_assert(n > 20);
}

void test_catalog_ops__alloc_failures_memory(void) { sweep("memory"); }
void test_catalog_ops__alloc_failures_sqlite(void) { sweep("sqlite"); }
void test_catalog_ops__alloc_failures_folder(void) { sweep("folder"); }
