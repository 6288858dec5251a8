/* SPDX-License-Identifier: Apache-2.0 */
/* Assertion helpers and per-test scratch space for the unit-test harness. */
#include "st_test.h"
#include "st_test_int.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <supertable/errors.h>

st_test_state st_test_cur;

const char *st_test__errmsg(void)
{
    const st_error *e = st_error_last();
    return e && e->message ? e->message : "(no error message)";
}

void st_test__fail(const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    int n = snprintf(st_test_cur.msg, sizeof(st_test_cur.msg), "%s:%d: ", file, line);
    va_start(ap, fmt);
    vsnprintf(st_test_cur.msg + n, sizeof(st_test_cur.msg) - (size_t)n, fmt, ap);
    va_end(ap);
    longjmp(st_test_cur.jmp, 1);
}

void st_test__pass(int rc, const char *expr, const char *file, int line)
{
    if (rc != 0)
        st_test__fail(file, line, "%s returned %d: %s", expr, rc, st_test__errmsg());
}

const char *st_test_tmpdir(void)
{
    if (!st_test_cur.tmpdir[0]) {
        snprintf(st_test_cur.tmpdir, sizeof(st_test_cur.tmpdir), "%s/%s.%ld", ST_TEST_TMPDIR,
                 st_test_cur.name, (long)getpid());
        for (char *p = st_test_cur.tmpdir + strlen(ST_TEST_TMPDIR) + 1; *p; p++)
            if (*p == ':')
                *p = '_';
        mkdir(ST_TEST_TMPDIR, 0777);
        if (mkdir(st_test_cur.tmpdir, 0777) != 0 && errno != EEXIST)
            st_test__fail(__FILE__, __LINE__, "mkdir %s failed", st_test_cur.tmpdir);
    }
    return st_test_cur.tmpdir;
}

const char *st_test_path(const char *name)
{
    static char path[8][1200];
    static int next;
    char *p = path[next++ & 7];
    snprintf(p, 1200, "%s/%s", st_test_tmpdir(), name);
    return p;
}

const char *st_test_resource(const char *rel)
{
    static char path[8][1200];
    static int next;
    char *p = path[next++ & 7];
    snprintf(p, 1200, "%s/%s", ST_TEST_RESOURCES, rel);
    return p;
}

uint8_t *st_test_read_file(const char *path, size_t *out_len)
{
    FILE *f = fopen(path, "rb");
    uint8_t *buf;
    long n;
    if (!f)
        st_test__fail(__FILE__, __LINE__, "cannot open %s", path);
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    buf = malloc((size_t)n + 1);
    if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) {
        fclose(f);
        free(buf);
        st_test__fail(__FILE__, __LINE__, "cannot read %s", path);
    }
    fclose(f);
    *out_len = (size_t)n;
    return buf;
}
