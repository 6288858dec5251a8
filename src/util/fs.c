/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <fcntl.h>
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
    int rc = 0;
    if (!p)
        return st_error_set_oom();
    memcpy(p, dir, n + 1);
    for (size_t i = 1; i <= n && rc == 0; i++) {
        if (p[i] != '/' && p[i] != 0)
            continue;
        char c = p[i];
        p[i] = 0;
        if (mkdir(p, 0777) != 0 && errno != EEXIST)
            rc = st_error_set(ST_EIO, ST_ERROR_OS, "cannot create folder '%s': %s", p,
                              strerror(errno));
        p[i] = c;
    }
    st_free(p);
    if (rc == 0 && !st_is_dir(dir))
        rc = st_error_set(ST_EIO, ST_ERROR_OS, "'%s' is not a folder", dir);
    return rc;
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

int st_is_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static int read_error(int err, const char *what, const char *path)
{
    return st_error_set(err == ENOENT || err == ENOTDIR ? ST_ENOTFOUND : ST_EIO, ST_ERROR_IO,
                        "%s '%s': %s", what, path, strerror(err));
}

int st_read_file(st_buf *out, const char *path, size_t max)
{
    struct stat st;
    int fd, rc = 0;
    st_buf_clear(out);
    if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
        return read_error(errno, "cannot open", path);
    if (fstat(fd, &st) != 0) {
        rc = read_error(errno, "cannot stat", path);
    } else if (!S_ISREG(st.st_mode) || (uint64_t)st.st_size > max) {
        rc = 1;
    } else if (st_buf_reserve(out, (size_t)st.st_size + 64) < 0) {
        rc = ST_ENOMEM;
    } else {
        /* to the end, whatever fstat said: the file may have changed since */
        for (;;) {
            if (out->cap - out->len < 2 && st_buf_grow(out, 4096) < 0) {
                rc = ST_ENOMEM;
                break;
            }
            ssize_t n = read(fd, out->ptr + out->len, out->cap - out->len - 1);
            if (n < 0 && errno == EINTR)
                continue;
            if (n < 0) {
                rc = read_error(errno, "cannot read", path);
                break;
            }
            if (n == 0)
                break;
            out->len += (size_t)n;
            if (out->len > max) {
                rc = 1;
                break;
            }
        }
    }
    close(fd);
    if (rc != 0)
        st_buf_clear(out);
    return rc;
}

int st_local_path(const char *location, char **out)
{
    const char *p = location;
    *out = NULL;
    if (strncmp(p, "file://", 7) == 0) {
        p += 7;
        if (strncmp(p, "localhost/", 10) == 0)
            p += 9;
        else if (*p != '/')
            return st_error_set(ST_EUNSUPPORTED, ST_ERROR_IO,
                                "'%s': only local file:// locations are supported", location);
    } else if (strncmp(p, "file:", 5) == 0) {
        p += 5;
    } else if (strstr(p, "://")) {
        return st_error_set(ST_EUNSUPPORTED, ST_ERROR_IO,
                            "'%s': only local files are supported (map the location with "
                            "--location-map FROM=TO)", location);
    }
    if (!*p)
        return st_error_set(ST_EINVALID, ST_ERROR_IO, "'%s': empty path", location);
    if (!(*out = st_strdup(p)))
        return st_error_set_oom();
    return 0;
}

int st_abspath(char **out, const char *location)
{
    st_buf b = ST_BUF_INIT;
    char *path = NULL;
    int rc = st_local_path(location, &path);
    *out = NULL;
    if (rc)
        return rc;
    if (path[0] != '/') {
        char cwd[PATH_MAX];
        if (!getcwd(cwd, sizeof cwd)) {
            st_free(path);
            return st_error_set(ST_EIO, ST_ERROR_OS, "cannot read the current folder: %s",
                                strerror(errno));
        }
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
    st_free(path);
    if (rc) {
        st_buf_dispose(&b);
        return rc;
    }
    *out = (char *)st_buf_detach(&b);
    return 0;
}
