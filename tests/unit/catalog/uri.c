/* SPDX-License-Identifier: Apache-2.0 */
/* Catalog URIs: which backend, names, warehouses, and clear errors for bad
 * ones (never with a password in them). */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "catalog_test.h"
#include "st_test.h"
#include "supertable/errors.h"

static void expect_open_fails(int code, const char *uri, const char *warehouse, const char *name,
                              const char *needle)
{
    st_catalog *c = (st_catalog *)1;
    int rc = st_catalog_open_uri(&c, uri, warehouse, name);
    st_assert_msg(rc == code, "'%s': %d, expected %d (%s)", uri ? uri : "(null)", rc, code,
                  st_error_last()->message);
    st_assert(c == NULL);
    if (needle)
        st_assert_contains(st_error_last()->message, needle);
}

void test_catalog_uri__bad(void)
{
    char uri[1300];
    expect_open_fails(ST_EINVALID, NULL, NULL, NULL, "neither");
    expect_open_fails(ST_EINVALID, "", NULL, NULL, "empty");
    expect_open_fails(ST_EINVALID, "memory:", "", NULL, "empty warehouse");
    expect_open_fails(ST_EINVALID, "sqlite:", NULL, NULL, "no database file");
    expect_open_fails(ST_EINVALID, "sqlite://", NULL, NULL, "no database file");
    expect_open_fails(ST_EINVALID, "sqlite://?catalog=x", NULL, NULL, "no database file");
    expect_open_fails(ST_EINVALID, "file://", NULL, NULL, "no folder");
    expect_open_fails(ST_EINVALID, "memory:junk", NULL, NULL, "memory:");
    expect_open_fails(ST_EINVALID, "memory:?foo=1", NULL, NULL, "unknown parameter 'foo=1'");
    expect_open_fails(ST_EINVALID, "memory:?catalog=", NULL, NULL, "empty catalog name");
    expect_open_fails(ST_EINVALID, "memory:?catalog=a&catalog=b", NULL, NULL, "twice");
    expect_open_fails(ST_EINVALID, "memory:?catalog=a", NULL, "b", "differs");
    expect_open_fails(ST_EINVALID, "memory:", NULL, "", "empty catalog name");
    expect_open_fails(ST_EUNSUPPORTED, "s3://bucket/wh", NULL, NULL, "unknown catalog type");
    expect_open_fails(ST_EUNSUPPORTED, "mysql://u:secret@h/db", NULL, NULL, "mysql://u:***@h/db");
    st_assert(!strstr(st_error_last()->message, "secret"));
    expect_open_fails(ST_EUNSUPPORTED, "file://otherhost/x", NULL, NULL, "local");

    snprintf(uri, sizeof(uri), "sqlite://%s?foo=1", st_test_path("x.db"));
    expect_open_fails(ST_EINVALID, uri, NULL, NULL, "unknown parameter 'foo=1'");
    snprintf(uri, sizeof(uri), "sqlite://%s/no/such/dir/x.db", st_test_tmpdir());
    expect_open_fails(ST_EIO, uri, NULL, NULL, uri);
    /* a folder catalog whose folder is a file */
    ct_copy(st_test_resource("iceberg-fixtures/README.md"), st_test_path("afile"));
    snprintf(uri, sizeof(uri), "file://%s", st_test_path("afile"));
    expect_open_fails(ST_EINVALID, uri, NULL, NULL, "not a folder");
    snprintf(uri, sizeof(uri), "file://%s", st_test_path("fold"));
    expect_open_fails(ST_EINVALID, uri, st_test_path("elsewhere"), NULL, "warehouse");
}

void test_catalog_uri__postgres_refused_without_password(void)
{
    /* port 1 on loopback: refused at once */
    expect_open_fails(ST_EIO, "postgresql://user:s3cr3t@127.0.0.1:1/db?catalog=x&connect_timeout=3",
                      NULL, NULL, "postgresql://user:***@127.0.0.1:1/db");
    st_assert(!strstr(st_error_last()->message, "s3cr3t"));
    st_assert(!strstr(st_error_last()->message, "\n"));
    expect_open_fails(ST_EIO, "postgres://u@127.0.0.1:1/db?password=hunter2&connect_timeout=3",
                      NULL, NULL, "password=***");
    st_assert(!strstr(st_error_last()->message, "hunter2"));
    expect_open_fails(ST_EINVALID, "postgresql://u@127.0.0.1:1/db?catalog=a", NULL, "b",
                      "differs");
}

void test_catalog_uri__kinds_and_names(void)
{
    st_catalog *c;
    char uri[1300], cwd[1024], want[1300];
    const char *db = st_test_path("k.db");

    snprintf(uri, sizeof(uri), "sqlite:///%s?catalog=%s", db + 1, "n%20x");
    st_pass(st_catalog_open_uri(&c, uri, NULL, NULL));
    st_assert_eq_str(st_catalog_kind(c), "sqlite");
    st_assert_eq_str(st_catalog_name(c), "n x"); /* percent-decoded */
    st_assert_eq_str(st_catalog_uri(c), uri);
    st_assert_eq_str(st_catalog_warehouse(c), st_test_tmpdir());
    st_catalog_close(c);

    /* a plain path: .db is sqlite, so is any existing file; else a folder */
    st_pass(st_catalog_open_uri(&c, db, st_test_path("wh"), "n x"));
    st_assert_eq_str(st_catalog_kind(c), "sqlite");
    st_assert_eq_str(st_catalog_warehouse(c), st_test_path("wh"));
    st_catalog_close(c);
    ct_copy(db, st_test_path("plainfile"));
    st_pass(st_catalog_open_uri(&c, st_test_path("plainfile"), NULL, NULL));
    st_assert_eq_str(st_catalog_kind(c), "sqlite");
    st_catalog_close(c);
    st_pass(st_catalog_open_uri(&c, st_test_path("dir/cat"), NULL, "ignored"));
    st_assert_eq_str(st_catalog_kind(c), "folder");
    st_assert_eq_str(st_catalog_warehouse(c), st_test_path("dir/cat"));
    st_catalog_close(c);
    snprintf(uri, sizeof(uri), "file://%s/", st_test_path("dir/cat"));
    st_pass(st_catalog_open_uri(&c, uri, st_test_path("dir/cat"), NULL));
    st_assert_eq_str(st_catalog_kind(c), "folder");
    st_catalog_close(c);

    /* memory: the current folder is the default warehouse; relative ones are made absolute */
    st_assert(getcwd(cwd, sizeof(cwd)) != NULL);
    st_pass(st_catalog_open_uri(&c, "memory:?catalog=m", NULL, NULL));
    st_assert_eq_str(st_catalog_kind(c), "memory");
    st_assert_eq_str(st_catalog_name(c), "m");
    st_assert_eq_str(st_catalog_warehouse(c), cwd);
    st_catalog_close(c);
    st_pass(st_catalog_open_uri(&c, "memory:", "./rel//wh/", "m"));
    snprintf(want, sizeof(want), "%s/rel/wh", cwd);
    st_assert_eq_str(st_catalog_warehouse(c), want);
    st_catalog_close(c);
}

void test_catalog_uri__memory_handles_share(void)
{
    st_catalog *a, *b, *other;
    const char *wh = st_test_path("wh");
    st_pass(st_catalog_open_uri(&a, "memory:", wh, "shared"));
    st_pass(st_catalog_open_uri(&b, "memory:?catalog=shared", wh, NULL));
    st_pass(st_catalog_open_uri(&other, "memory:", wh, "another"));
    st_pass(st_catalog_ns_create(a, "n", NULL));
    st_assert_eq_i64(st_catalog_ns_exists(b, "n"), 1);
    st_assert_eq_i64(st_catalog_ns_exists(other, "n"), 0);
    st_catalog_close(a);
    st_assert_eq_i64(st_catalog_ns_exists(b, "n"), 1); /* alive while a handle is */
    st_catalog_close(b);
    st_pass(st_catalog_open_uri(&a, "memory:", wh, "shared"));
    st_assert_eq_i64(st_catalog_ns_exists(a, "n"), 0); /* the last close freed it */
    st_catalog_close(a);
    st_catalog_close(other);
    st_catalog_close(NULL);
}
