/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "supertable/errors.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/fs.h"

int st_mkdirs(const char *dir)
{
    size_t n = strlen(dir);
    char *p = st_malloc(n + 1);
    if (!p)
        return st_error_set_oom();
    memcpy(p, dir, n + 1);
    for (size_t i = 1; i <= n; i++) {
        if (p[i] != '/' && p[i] != 0)
            continue;
        char c = p[i];
        p[i] = 0;
        if (mkdir(p, 0755) != 0 && errno != EEXIST) {
            int e = errno;
            st_free(p);
            return st_error_set(ST_EIO, ST_ERROR_OS, "cannot create folder '%s': %s", dir,
                                strerror(e));
        }
        p[i] = c;
    }
    st_free(p);
    return 0;
}

int st_mkdirs_parent(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash || slash == path)
        return 0;
    size_t n = (size_t)(slash - path);
    char *p = st_malloc(n + 1);
    if (!p)
        return st_error_set_oom();
    memcpy(p, path, n);
    p[n] = 0;
    int rc = st_mkdirs(p);
    st_free(p);
    return rc;
}

int st_remove_file(const char *path)
{
    if (unlink(path) != 0 && errno != ENOENT)
        return st_error_set(ST_EIO, ST_ERROR_OS, "cannot remove '%s': %s", path, strerror(errno));
    return 0;
}

int st_path_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

int st_is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

int st_abspath(char **out, const char *path)
{
    st_buf b = ST_BUF_INIT;
    int rc = 0;
    *out = NULL;
    if (path[0] != '/') {
        char cwd[PATH_MAX];
        if (!getcwd(cwd, sizeof cwd))
            return st_error_set(ST_EIO, ST_ERROR_OS, "cannot read the current folder: %s",
                                strerror(errno));
        rc = st_buf_puts(&b, cwd);
    }
    /* Fold the components: "." vanishes, ".." drops the previous one. */
    const char *s = path;
    while (rc == 0 && *s) {
        while (*s == '/')
            s++;
        const char *e = s;
        while (*e && *e != '/')
            e++;
        size_t n = (size_t)(e - s);
        if (n == 0)
            break;
        if (n == 1 && s[0] == '.') {
        } else if (n == 2 && s[0] == '.' && s[1] == '.') {
            while (b.len > 0 && b.ptr[b.len - 1] != '/')
                b.len--;
            if (b.len > 0)
                b.len--;
            if (b.ptr) b.ptr[b.len] = 0;
        } else {
            if ((rc = st_buf_putc(&b, '/')) == 0)
                rc = st_buf_put(&b, s, n);
        }
        s = e;
    }
    if (rc == 0 && b.len == 0)
        rc = st_buf_putc(&b, '/');
    if (rc) {
        st_buf_dispose(&b);
        return rc;
    }
    *out = (char *)st_buf_detach(&b);
    return 0;
}
