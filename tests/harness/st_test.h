/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The unit-test harness, in the spirit of libgit2's clar.
 *
 * A test is `void test_<domain>_<name>__<case>(void)` in tests/unit/<domain>/.
 * A failed assertion records file, line and message and leaves the test by
 * longjmp; the harness then runs the next one. `st_pass(expr)` expects a
 * SuperTable call to return 0 and prints st_error_last() when it does not.
 *
 * Run one suite or case: `st_tests -s parquet::rle` or `-s parquet::rle::roundtrip`.
 */
#ifndef ST_TEST_H
#define ST_TEST_H

#include <stdint.h>
#include <stddef.h>
#include <string.h>
#include <stdio.h>
#include <stdlib.h>

typedef struct {
    const char *name;
    void (*fn)(void);
} st_test_entry;

void st_test__fail(const char *file, int line, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4), noreturn))
#endif
    ;
void st_test__pass(int rc, const char *expr, const char *file, int line);

/* A fresh, empty directory for the running test; removed when it passes. */
const char *st_test_tmpdir(void);
/* Joins the tmpdir and a name into a path the harness keeps until the next test. */
const char *st_test_path(const char *name);
/* Path of a file under tests/resources/. */
const char *st_test_resource(const char *rel);
/* Reads a whole file into a malloc'd buffer (caller frees); fails the test on error. */
uint8_t *st_test_read_file(const char *path, size_t *out_len);

#define st_pass(expr) st_test__pass((expr), #expr, __FILE__, __LINE__)
#define st_fail(expr) do { int rc__ = (expr); if (rc__ == 0) \
    st_test__fail(__FILE__, __LINE__, "expected failure: %s", #expr); } while (0)
#define st_fail_with(code, expr) do { int rc__ = (expr); if (rc__ != (code)) \
    st_test__fail(__FILE__, __LINE__, "%s returned %d, expected %d (%s)", #expr, rc__, \
                  (int)(code), st_test__errmsg()); } while (0)
#define st_assert(cond) do { if (!(cond)) \
    st_test__fail(__FILE__, __LINE__, "assertion failed: %s", #cond); } while (0)
#define st_assert_msg(cond, ...) do { if (!(cond)) \
    st_test__fail(__FILE__, __LINE__, __VA_ARGS__); } while (0)
#define st_assert_eq_i64(a, b) do { long long a__ = (long long)(a), b__ = (long long)(b); \
    if (a__ != b__) st_test__fail(__FILE__, __LINE__, "%s == %lld, expected %s == %lld", \
                                  #a, a__, #b, b__); } while (0)
#define st_assert_eq_u64(a, b) do { unsigned long long a__ = (a), b__ = (b); \
    if (a__ != b__) st_test__fail(__FILE__, __LINE__, "%s == %llu, expected %llu", \
                                  #a, a__, b__); } while (0)
#define st_assert_eq_dbl(a, b) do { double a__ = (a), b__ = (b); \
    if (!(a__ == b__)) st_test__fail(__FILE__, __LINE__, "%s == %.17g, expected %.17g", \
                                     #a, a__, b__); } while (0)
#define st_assert_eq_str(a, b) do { const char *a__ = (a), *b__ = (b); \
    if (!a__ || !b__ || strcmp(a__, b__) != 0) \
        st_test__fail(__FILE__, __LINE__, "%s == \"%s\", expected \"%s\"", #a, \
                      a__ ? a__ : "(null)", b__ ? b__ : "(null)"); } while (0)
#define st_assert_eq_mem(a, b, n) do { if (memcmp((a), (b), (n)) != 0) \
    st_test__fail(__FILE__, __LINE__, "memory differs: %s vs %s (%zu bytes)", #a, #b, \
                  (size_t)(n)); } while (0)
#define st_assert_contains(hay, needle) do { const char *h__ = (hay); \
    if (!h__ || !strstr(h__, (needle))) st_test__fail(__FILE__, __LINE__, \
        "\"%s\" does not contain \"%s\"", h__ ? h__ : "(null)", (needle)); } while (0)

const char *st_test__errmsg(void);

#endif
