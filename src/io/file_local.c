/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Local and in-memory files. Inputs are memory-mapped: a decoder then reads
 * uncompressed pages in place and decompresses straight from the page cache,
 * with no copy into a user buffer. Files that cannot be mapped (pipes, empty
 * files) fall back to pread.
 *
 * Outputs are written to a temporary sibling and published on close with
 * rename(2) (replace) or link(2) (create-new, which fails atomically if the
 * target exists): readers never see a half-written file.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <supertable/io.h>
#include "util/alloc.h"
#include "util/buf.h"

struct st_input {
    char *name;
    int fd;                 /* -1 for memory inputs */
    const uint8_t *map;     /* mapping or caller's buffer; NULL when unmapped */
    int mapped;             /* map came from mmap */
    uint64_t size;
};

static int io_errno(int err, const char *what, const char *path)
{
    int code = (err == ENOENT || err == ENOTDIR) ? ST_ENOTFOUND : ST_EIO;
    return st_error_set(code, ST_ERROR_IO, "%s '%s': %s", what, path, strerror(err));
}

int st_input_open_file(st_input **out, const char *path)
{
    st_input *in;
    struct stat sb;
    *out = NULL;
    in = st_calloc(1, sizeof(*in));
    if (!in)
        return ST_ENOMEM;
    in->fd = -1;
    if (!(in->name = st_strdup(path))) {
        st_free(in);
        return ST_ENOMEM;
    }
    in->fd = open(path, O_RDONLY | O_CLOEXEC);
    if (in->fd < 0) {
        int rc = io_errno(errno, "cannot open", path);
        st_input_free(in);
        return rc;
    }
    if (fstat(in->fd, &sb) != 0) {
        int rc = io_errno(errno, "cannot stat", path);
        st_input_free(in);
        return rc;
    }
    if (S_ISDIR(sb.st_mode)) {
        st_input_free(in);
        return st_error_set(ST_EINVALID, ST_ERROR_IO, "'%s' is a directory", path);
    }
    in->size = (uint64_t)sb.st_size;
    if (S_ISREG(sb.st_mode) && sb.st_size > 0) {
        void *m = mmap(NULL, (size_t)sb.st_size, PROT_READ, MAP_PRIVATE, in->fd, 0);
        if (m != MAP_FAILED) {
            in->map = m;
            in->mapped = 1;
        }
    }
    *out = in;
    return 0;
}

int st_input_open_memory(st_input **out, const void *data, size_t len, const char *name)
{
    st_input *in = st_calloc(1, sizeof(*in));
    *out = NULL;
    if (!in)
        return ST_ENOMEM;
    in->fd = -1;
    in->map = data;
    in->size = len;
    if (!(in->name = st_strdup(name ? name : "<memory>"))) {
        st_free(in);
        return ST_ENOMEM;
    }
    *out = in;
    return 0;
}

uint64_t st_input_size(const st_input *in) { return in->size; }
const char *st_input_name(const st_input *in) { return in->name; }

static int range_ok(const st_input *in, uint64_t off, size_t len)
{
    if (off > in->size || len > in->size - off)
        return st_error_set(ST_ECORRUPT, ST_ERROR_IO,
                            "read of %zu bytes at offset %llu passes the end of '%s' (%llu bytes)",
                            len, (unsigned long long)off, in->name,
                            (unsigned long long)in->size);
    return 0;
}

const uint8_t *st_input_view(st_input *in, uint64_t offset, size_t len)
{
    if (range_ok(in, offset, len) < 0)
        return NULL;
    return in->map ? in->map + offset : NULL;
}

int st_input_read_at(st_input *in, uint64_t offset, void *dst, size_t len)
{
    uint8_t *d = dst;
    int rc;
    if ((rc = range_ok(in, offset, len)) < 0)
        return rc;
    if (in->map) {
        memcpy(dst, in->map + offset, len);
        return 0;
    }
    while (len > 0) {
        ssize_t n = pread(in->fd, d, len, (off_t)offset);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return io_errno(errno, "cannot read", in->name);
        }
        if (n == 0)
            return st_error_set(ST_ECORRUPT, ST_ERROR_IO, "'%s' shrank while being read",
                                in->name);
        d += n;
        len -= (size_t)n;
        offset += (uint64_t)n;
    }
    return 0;
}

#ifndef MADV_POPULATE_READ
#define MADV_POPULATE_READ 22 /* Linux 5.14; older kernels answer EINVAL */
#endif

void st_input_prefetch(st_input *in, uint64_t offset, size_t len)
{
    uintptr_t start, end;
    long page = sysconf(_SC_PAGESIZE);
    if (!in->mapped || offset >= in->size)
        return;
    if (len > in->size - offset)
        len = (size_t)(in->size - offset);
    start = ((uintptr_t)(in->map + offset)) & ~(uintptr_t)(page - 1);
    end = (uintptr_t)(in->map + offset + len);
    if (madvise((void *)start, end - start, MADV_POPULATE_READ) != 0)
        madvise((void *)start, end - start, MADV_WILLNEED);
}

void st_input_free(st_input *in)
{
    if (!in)
        return;
    if (in->mapped)
        munmap((void *)in->map, (size_t)in->size);
    if (in->fd >= 0)
        close(in->fd);
    st_free(in->name);
    st_free(in);
}

/* ---------------------------------------------------------------- outputs */

struct st_output {
    int fd;                 /* -1 for memory outputs */
    st_output_mode mode;
    char *path, *tmp;
    st_buf buf;             /* write-behind buffer, or the whole file in memory */
    uint64_t written;       /* bytes flushed to fd */
    int failed;
    uint8_t **sink_data;    /* buffer outputs: where close hands the bytes */
    size_t *sink_len;
};

#define OUT_BUFFER (1u << 20)

int st_output_open_file(st_output **out, const char *path, st_output_mode mode)
{
    st_output *o;
    st_buf tmp = ST_BUF_INIT;
    *out = NULL;
    o = st_calloc(1, sizeof(*o));
    if (!o)
        return ST_ENOMEM;
    o->mode = mode;
    o->fd = -1;
    if (!(o->path = st_strdup(path)) ||
        st_buf_printf(&tmp, "%s.tmp-%ld-%p", path, (long)getpid(), (void *)o) < 0) {
        st_buf_dispose(&tmp);
        st_output_abort(o);
        return ST_ENOMEM;
    }
    o->tmp = (char *)st_buf_detach(&tmp);
    o->fd = open(o->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (o->fd < 0) {
        int rc = io_errno(errno, "cannot create", path);
        st_free(o->tmp);
        o->tmp = NULL;
        st_output_abort(o);
        return rc;
    }
    *out = o;
    return 0;
}

int st_output_open_buffer(st_output **out, uint8_t **data, size_t *len)
{
    int rc;
    *data = NULL;
    *len = 0;
    if ((rc = st_output_open_memory(out)) < 0)
        return rc;
    (*out)->sink_data = data;
    (*out)->sink_len = len;
    return 0;
}

int st_output_open_memory(st_output **out)
{
    st_output *o = st_calloc(1, sizeof(*o));
    *out = NULL;
    if (!o)
        return ST_ENOMEM;
    o->fd = -1;
    *out = o;
    return 0;
}

static int flush_buf(st_output *o)
{
    const uint8_t *p = o->buf.ptr;
    size_t left = o->buf.len;
    while (left > 0) {
        ssize_t n = write(o->fd, p, left);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            o->failed = 1;
            return io_errno(errno, "cannot write", o->path);
        }
        p += n;
        left -= (size_t)n;
    }
    o->written += o->buf.len;
    o->buf.len = 0;
    return 0;
}

int st_output_write(st_output *o, const void *data, size_t len)
{
    if (o->failed)
        return st_error_set(ST_EIO, ST_ERROR_IO, "output '%s' failed earlier",
                            o->path ? o->path : "<memory>");
    if (o->fd >= 0 && o->buf.len + len > OUT_BUFFER) {
        int rc;
        if ((rc = flush_buf(o)) < 0)
            return rc;
        if (len >= OUT_BUFFER) {
            st_buf view = {(uint8_t *)data, len, len};
            st_buf saved = o->buf;
            o->buf = view;
            rc = flush_buf(o);
            o->buf = saved;
            return rc;
        }
    }
    if (st_buf_put(&o->buf, data, len) < 0) {
        o->failed = 1;
        return ST_ENOMEM;
    }
    return 0;
}

uint64_t st_output_tell(const st_output *o)
{
    return o->written + o->buf.len;
}

int st_output_close(st_output *o)
{
    int rc = 0;
    if (o->fd < 0 && o->sink_data) {
        uint8_t **data = o->sink_data;
        size_t *len = o->sink_len;
        return st_output_take_memory(o, data, len);
    }
    if (o->fd < 0) {
        st_output_abort(o);
        return st_error_set(ST_EINVALID, ST_ERROR_IO,
                            "memory output: use st_output_take_memory or st_output_open_buffer");
    }
    if (o->failed)
        rc = st_error_set(ST_EIO, ST_ERROR_IO, "output '%s' failed earlier", o->path);
    if (rc == 0)
        rc = flush_buf(o);
    if (rc == 0 && fsync(o->fd) != 0 && errno != EINVAL)
        rc = io_errno(errno, "cannot sync", o->path);
    if (close(o->fd) != 0 && rc == 0)
        rc = io_errno(errno, "cannot close", o->path);
    o->fd = -1;
    if (rc == 0) {
        if (o->mode == ST_OUTPUT_CREATE_NEW) {
            if (link(o->tmp, o->path) != 0)
                rc = errno == EEXIST
                         ? st_error_set(ST_EEXISTS, ST_ERROR_IO, "'%s' already exists", o->path)
                         : io_errno(errno, "cannot create", o->path);
            unlink(o->tmp);
        } else if (rename(o->tmp, o->path) != 0) {
            rc = io_errno(errno, "cannot publish", o->path);
        }
    }
    if (rc != 0 && o->tmp)
        unlink(o->tmp);
    st_free(o->tmp);
    o->tmp = NULL;
    st_output_abort(o);
    return rc;
}

void st_output_abort(st_output *o)
{
    if (!o)
        return;
    if (o->fd >= 0)
        close(o->fd);
    if (o->tmp)
        unlink(o->tmp);
    st_free(o->tmp);
    st_free(o->path);
    st_buf_dispose(&o->buf);
    st_free(o);
}

int st_output_take_memory(st_output *o, uint8_t **data, size_t *len)
{
    int rc = 0;
    if (o->fd >= 0) {
        st_output_abort(o);
        return st_error_set(ST_EINVALID, ST_ERROR_IO, "not a memory output");
    }
    if (o->failed)
        rc = st_error_set(ST_EIO, ST_ERROR_IO, "memory output failed earlier");
    *len = o->buf.len;
    *data = rc == 0 ? st_buf_detach(&o->buf) : NULL;
    if (rc == 0 && !*data)
        *data = st_calloc(1, 1);
    st_output_abort(o);
    return rc == 0 && !*data ? ST_ENOMEM : rc;
}
