/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The catalog front: URI parsing and backend choice, the checks every call
 * shares (names, arguments), the metadata-file half of a pointer commit
 * (naming, writing, cleaning up after a lost race), the default table
 * location, and small helpers the backends share.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "catalog/catalog_int.h"
#include "util/fs.h"
#include "util/random.h"
#include "supertable/io.h"
#include "util/alloc.h"
#include "util/buf.h"

/* ================================================================ helpers */

int st_strv_push_n(st_strv *s, const char *str, size_t n)
{
    char *copy;
    if (s->n == s->cap) {
        int cap = s->cap ? s->cap * 2 : 8;
        char **v = st_reallocarray(s->v, (size_t)cap, sizeof(*v));
        if (!v)
            return st_error_set_oom();
        s->v = v;
        s->cap = cap;
    }
    if (!(copy = st_strndup(str, n)))
        return st_error_set_oom();
    s->v[s->n++] = copy;
    return 0;
}

int st_strv_push(st_strv *s, const char *str)
{
    return st_strv_push_n(s, str, strlen(str));
}

static int strv_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

void st_strv_sort_unique(st_strv *s)
{
    int w = 0;
    if (s->n < 2)
        return;
    qsort(s->v, (size_t)s->n, sizeof(*s->v), strv_cmp);
    for (int i = 0; i < s->n; i++) {
        if (w > 0 && strcmp(s->v[w - 1], s->v[i]) == 0)
            st_free(s->v[i]);
        else
            s->v[w++] = s->v[i];
    }
    s->n = w;
}

void st_strv_dispose(st_strv *s)
{
    for (int i = 0; i < s->n; i++)
        st_free(s->v[i]);
    st_free(s->v);
    s->v = NULL;
    s->n = s->cap = 0;
}

void st_catalog_strings_free(char **v, int n)
{
    if (!v)
        return;
    for (int i = 0; i < n; i++)
        st_free(v[i]);
    st_free(v);
}

int st_cat_add_child(st_strv *out, const char *parent, const char *full)
{
    const char *rest = full, *end;
    size_t plen = parent ? strlen(parent) : 0;
    if (parent) {
        if (strncmp(full, parent, plen) != 0 || full[plen] != '.')
            return 0;
        rest = full + plen + 1;
    }
    end = strchr(rest, '.');
    if (!end)
        end = rest + strlen(rest);
    if (end == rest)
        return 0; /* an empty level: not a namespace anyone can name */
    return st_strv_push_n(out, full, (size_t)(end - full));
}

int st_cat_err_no_table(const char *ns, const char *name)
{
    return st_error_set(ST_ENOTFOUND, ST_ERROR_CATALOG, "table '%s.%s' does not exist", ns, name);
}

int st_cat_err_no_ns(const char *ns)
{
    return st_error_set(ST_ENOTFOUND, ST_ERROR_CATALOG, "namespace '%s' does not exist", ns);
}


char *st_cat_join(const char *dir, const char *name)
{
    st_buf b = ST_BUF_INIT;
    size_t n = strlen(dir);
    while (n > 1 && dir[n - 1] == '/')
        n--;
    if (st_buf_put(&b, dir, n) < 0 || (!(n == 1 && dir[0] == '/') && st_buf_putc(&b, '/') < 0) ||
        st_buf_puts(&b, name) < 0) {
        st_buf_dispose(&b);
        return NULL;
    }
    return (char *)st_buf_detach(&b);
}

int st_cat_write_file(const char *path, const void *data, size_t len, int create_new)
{
    st_output *o = NULL;
    int rc = st_output_open_file(&o, path, create_new ? ST_OUTPUT_CREATE_NEW : ST_OUTPUT_REPLACE);
    if (rc < 0)
        return rc;
    if (len > 0 && (rc = st_output_write(o, data, len)) < 0) {
        st_output_abort(o);
        return rc;
    }
    return st_output_close(o);
}

int st_cat_read_small_file(const char *path, char **out, size_t max)
{
    st_buf b = ST_BUF_INIT;
    char chunk[512];
    int fd, rc = 0;
    *out = NULL;
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return st_error_set(errno == ENOENT || errno == ENOTDIR ? ST_ENOTFOUND : ST_EIO,
                            ST_ERROR_CATALOG, "cannot open '%s': %s", path, strerror(errno));
    for (;;) {
        ssize_t n = read(fd, chunk, sizeof(chunk));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            rc = st_error_set(ST_EIO, ST_ERROR_CATALOG, "cannot read '%s': %s", path,
                              strerror(errno));
            break;
        }
        if (n == 0)
            break;
        if (b.len + (size_t)n > max) {
            rc = st_error_set(ST_ECORRUPT, ST_ERROR_CATALOG, "'%s' is larger than %zu bytes", path,
                              max);
            break;
        }
        if (st_buf_put(&b, chunk, (size_t)n) < 0) {
            rc = st_error_set_oom();
            break;
        }
    }
    close(fd);
    if (rc == 0 && st_buf_putc(&b, 0) < 0)
        rc = st_error_set_oom();
    if (rc < 0) {
        st_buf_dispose(&b);
        return rc;
    }
    *out = (char *)st_buf_detach(&b);
    return 0;
}

void st_cat_backoff(int attempt)
{
    /* 1 ms doubling to 200 ms, jittered */
    int64_t us = 1000ll << (attempt < 8 ? attempt : 8);
    st_backoff_sleep(us > 200000 ? 200000 : us);
}

/* ============================================================ the handle */

int st_cat_base_init(st_catalog *c, const cat_vtable *vt, const char *uri, const char *warehouse,
                     const char *name)
{
    c->vt = vt;
    memset(&c->locmap, 0, sizeof c->locmap);
    if (!(c->uri = st_strdup(uri)) || !(c->warehouse = st_strdup(warehouse)) ||
        !(c->name = st_strdup(name)))
        return st_error_set_oom();
    return 0;
}

void st_cat_base_dispose(st_catalog *c)
{
    st_free(c->uri);
    st_free(c->warehouse);
    st_free(c->name);
}

void st_catalog_close(st_catalog *c)
{
    if (!c)
        return;
    st_location_map_dispose(&c->locmap);
    c->vt->close(c);
}

int st_catalog_set_location_map(st_catalog *c, const char *const *pairs)
{
    st_location_map m;
    int rc = st_location_map_init(&m, pairs);
    if (rc == 0) {
        st_location_map_dispose(&c->locmap);
        c->locmap = m;
    }
    return rc;
}

const st_location_map *st_catalog_location_map(const st_catalog *c) { return &c->locmap; }

const char *st_catalog_kind(const st_catalog *c) { return c->vt->kind; }
const char *st_catalog_warehouse(const st_catalog *c) { return c->warehouse; }
const char *st_catalog_name(const st_catalog *c) { return c->name; }
const char *st_catalog_uri(const st_catalog *c) { return c->uri; }

/* ============================================================= URI parsing */

static int hexval(int ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F')
        return ch - 'A' + 10;
    return -1;
}

/* Percent-decodes n bytes. */
static char *pct_decode(const char *s, size_t n)
{
    char *out = st_malloc(n + 1), *o = out;
    if (!out)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '%' && i + 2 < n && hexval(s[i + 1]) >= 0 && hexval(s[i + 2]) >= 0) {
            *o++ = (char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
            i += 2;
        } else {
            *o++ = s[i];
        }
    }
    *o = 0;
    return out;
}

/*
 * Splits a query string into `catalog` (decoded, *catalog, or NULL) and the
 * other parameters (re-joined with '&' into *rest, NULL when none). Empty
 * parameters ("a=1&&b=2") are dropped.
 */
static int query_take_catalog(const char *uri, const char *query, char **catalog, char **rest)
{
    st_buf other = ST_BUF_INIT;
    const char *p = query;
    int rc = 0;
    *catalog = NULL;
    *rest = NULL;
    while (*p && rc == 0) {
        const char *end = strchr(p, '&');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        if (n > 8 && strncmp(p, "catalog=", 8) == 0) {
            if (*catalog)
                rc = st_error_set(ST_EINVALID, ST_ERROR_CATALOG,
                                  "'%s': 'catalog' is given twice", uri);
            else if (!(*catalog = pct_decode(p + 8, n - 8)))
                rc = st_error_set_oom();
        } else if ((n == 7 || n == 8) && strncmp(p, "catalog=", n) == 0) {
            rc = st_error_set(ST_EINVALID, ST_ERROR_CATALOG, "'%s': empty catalog name", uri);
        } else if (n > 0) {
            if ((other.len && st_buf_putc(&other, '&') < 0) || st_buf_put(&other, p, n) < 0)
                rc = st_error_set_oom();
        }
        p += n;
        if (*p == '&')
            p++;
    }
    if (rc < 0) {
        st_buf_dispose(&other);
        st_free(*catalog);
        *catalog = NULL;
        return rc;
    }
    if (other.len)
        *rest = (char *)st_buf_detach(&other);
    return 0;
}

/* The catalog name from the URI and the argument: both must agree. */
static int pick_name(const char *uri, const char *from_uri, const char *arg, const char **out)
{
    if (from_uri && arg && strcmp(from_uri, arg) != 0)
        return st_error_set(ST_EINVALID, ST_ERROR_CATALOG,
                            "'%s': catalog name '%s' differs from the name given, '%s'", uri,
                            from_uri, arg);
    *out = from_uri ? from_uri : arg ? arg : "default";
    if (!**out)
        return st_error_set(ST_EINVALID, ST_ERROR_CATALOG, "'%s': empty catalog name", uri);
    if (strlen(*out) > CAT_MAX_NAME)
        return st_error_set(ST_EINVALID, ST_ERROR_CATALOG,
                            "'%s': catalog name longer than %d bytes", uri, CAT_MAX_NAME);
    return 0;
}

/*
 * The URI with the password of the user-info part and any `password`
 * parameter replaced by "***". NULL on OOM.
 */
static char *redact_uri(const char *uri)
{
    st_buf b = ST_BUF_INIT;
    const char *auth = strstr(uri, "://"), *p;
    int ok = 1;
    if (!auth)
        return st_strdup(uri);
    auth += 3;
    p = auth + strcspn(auth, "/?");
    {
        const char *at = NULL, *colon = NULL;
        for (const char *q = auth; q < p; q++)
            if (*q == '@')
                at = q;
        if (at)
            for (const char *q = auth; q < at; q++)
                if (*q == ':') {
                    colon = q;
                    break;
                }
        if (colon) {
            ok = st_buf_put(&b, uri, (size_t)(colon + 1 - uri)) == 0 &&
                 st_buf_puts(&b, "***") == 0 && st_buf_put(&b, at, (size_t)(p - at)) == 0;
        } else {
            ok = st_buf_put(&b, uri, (size_t)(p - uri)) == 0;
        }
    }
    /* The path and query: any password=... value is hidden. */
    for (int param_start = 0; ok && *p; p++) {
        if (param_start && strncmp(p, "password=", 9) == 0) {
            ok = st_buf_puts(&b, "password=***") == 0;
            p += 9;
            while (*p && *p != '&')
                p++;
            if (!*p)
                break;
        }
        param_start = *p == '?' || *p == '&';
        ok = ok && st_buf_putc(&b, *p) == 0;
    }
    if (!ok || st_buf_putc(&b, 0) < 0) {
        st_buf_dispose(&b);
        return NULL;
    }
    return (char *)st_buf_detach(&b);
}

static int has_suffix(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* A URI scheme "xyz://" (letters, digits, + - .). */
static int has_scheme(const char *uri)
{
    const char *p = uri;
    if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')))
        return 0;
    while ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
           *p == '+' || *p == '-' || *p == '.')
        p++;
    return strncmp(p, "://", 3) == 0;
}

/* The warehouse: the argument made absolute, else `dflt` (made absolute), else the cwd. */
static int pick_warehouse(const char *arg, const char *dflt, char **out)
{
    return st_abspath(out, arg ? arg : dflt ? dflt : ".");
}

static char *dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        return st_strdup(".");
    if (slash == path)
        return st_strdup("/");
    return st_strndup(path, (size_t)(slash - path));
}

static int open_sqlite(st_catalog **out, const char *uri, const char *path_and_query,
                       const char *warehouse, const char *catalog_name)
{
    const char *q = strchr(path_and_query, '?');
    char *path = NULL, *from_uri = NULL, *rest = NULL, *wh = NULL, *abs = NULL, *dir = NULL;
    const char *name;
    int rc;
    if (!(path = q ? st_strndup(path_and_query, (size_t)(q - path_and_query))
                   : st_strdup(path_and_query)))
        return st_error_set_oom();
    if (!*path) {
        rc = st_error_set(ST_EINVALID, ST_ERROR_CATALOG, "'%s': no database file", uri);
        goto done;
    }
    if (q && (rc = query_take_catalog(uri, q + 1, &from_uri, &rest)) < 0)
        goto done;
    if (rest) {
        rc = st_error_set(ST_EINVALID, ST_ERROR_CATALOG,
                          "'%s': unknown parameter '%s' (sqlite URIs take only 'catalog')", uri,
                          rest);
        goto done;
    }
    if ((rc = pick_name(uri, from_uri, catalog_name, &name)) < 0)
        goto done;
    if ((rc = st_abspath(&abs, path)) < 0)
        goto done;
    if (!warehouse && !(dir = dir_of(abs))) {
        rc = st_error_set_oom();
        goto done;
    }
    if ((rc = pick_warehouse(warehouse, dir, &wh)) < 0)
        goto done;
    rc = st_cat_sqlite_open(out, path, uri, wh, name);
done:
    st_free(path);
    st_free(from_uri);
    st_free(rest);
    st_free(wh);
    st_free(abs);
    st_free(dir);
    return rc;
}

static int open_postgres(st_catalog **out, const char *uri, const char *warehouse,
                         const char *catalog_name)
{
    const char *q = strchr(uri, '?');
    char *from_uri = NULL, *rest = NULL, *conninfo = NULL, *display = NULL, *wh = NULL;
    const char *name;
    st_buf b = ST_BUF_INIT;
    int rc = 0;
    if (!(display = redact_uri(uri)))
        return st_error_set_oom();
    if (q && (rc = query_take_catalog(display, q + 1, &from_uri, &rest)) < 0)
        goto done;
    if ((rc = pick_name(display, from_uri, catalog_name, &name)) < 0)
        goto done;
    if (st_buf_put(&b, uri, q ? (size_t)(q - uri) : strlen(uri)) < 0 ||
        (rest && (st_buf_putc(&b, '?') < 0 || st_buf_puts(&b, rest) < 0)) ||
        st_buf_putc(&b, 0) < 0) {
        rc = st_error_set_oom();
        goto done;
    }
    conninfo = (char *)st_buf_detach(&b);
    if ((rc = pick_warehouse(warehouse, NULL, &wh)) < 0)
        goto done;
    rc = st_cat_postgres_open(out, conninfo, display, wh, name);
done:
    st_buf_dispose(&b);
    if (conninfo) {
        /* the conninfo may hold a password: do not leave it in freed memory */
        memset(conninfo, 0, strlen(conninfo));
        st_free(conninfo);
    }
    st_free(from_uri);
    st_free(rest);
    st_free(display);
    st_free(wh);
    return rc;
}

static int open_memory(st_catalog **out, const char *uri, const char *warehouse,
                       const char *catalog_name)
{
    const char *p = uri + 7;
    char *from_uri = NULL, *rest = NULL, *wh = NULL;
    const char *name;
    int rc;
    if (strncmp(p, "//", 2) == 0)
        p += 2;
    if (*p && *p != '?')
        return st_error_set(ST_EINVALID, ST_ERROR_CATALOG,
                            "'%s': a memory catalog is 'memory:' or 'memory:?catalog=NAME'", uri);
    if (*p && (rc = query_take_catalog(uri, p + 1, &from_uri, &rest)) < 0)
        return rc;
    if (rest) {
        rc = st_error_set(ST_EINVALID, ST_ERROR_CATALOG, "'%s': unknown parameter '%s'", uri,
                          rest);
        goto done;
    }
    if ((rc = pick_name(uri, from_uri, catalog_name, &name)) < 0 ||
        (rc = pick_warehouse(warehouse, NULL, &wh)) < 0)
        goto done;
    rc = st_cat_memory_open(out, wh, name);
done:
    st_free(from_uri);
    st_free(rest);
    st_free(wh);
    return rc;
}

static int open_folder(st_catalog **out, const char *uri, const char *warehouse)
{
    char *dir = NULL, *wh = NULL;
    int rc;
    if ((rc = st_abspath(&dir, uri)) < 0)
        return rc;
    if (warehouse) {
        if ((rc = st_abspath(&wh, warehouse)) < 0)
            goto done;
        if (strcmp(wh, dir) != 0) {
            rc = st_error_set(ST_EINVALID, ST_ERROR_CATALOG,
                              "'%s': a folder catalog's warehouse is its folder, not '%s'", uri,
                              warehouse);
            goto done;
        }
    }
    rc = st_cat_folder_open(out, dir, uri);
done:
    st_free(dir);
    st_free(wh);
    return rc;
}

int st_catalog_open_uri(st_catalog **out, const char *uri, const char *warehouse,
                        const char *catalog_name)
{
    *out = NULL;
    if (warehouse && !*warehouse)
        return st_error_set(ST_EINVALID, ST_ERROR_CATALOG, "empty warehouse path");
    if (!uri) {
        char *wh = NULL, *path = NULL, *display = NULL;
        const char *name;
        int rc;
        if (!warehouse)
            return st_error_set(ST_EINVALID, ST_ERROR_CATALOG,
                                "neither a catalog URI nor a warehouse is given");
        if ((rc = pick_name(warehouse, NULL, catalog_name, &name)) < 0 ||
            (rc = st_abspath(&wh, warehouse)) < 0)
            return rc;
        if ((rc = st_mkdirs(wh)) == 0) {
            st_buf b = ST_BUF_INIT;
            path = st_cat_join(wh, "catalog.db");
            if (path && st_buf_printf(&b, "sqlite://%s", path) == 0)
                display = (char *)st_buf_detach(&b);
            st_buf_dispose(&b);
            rc = display ? st_cat_sqlite_open(out, path, display, wh, name) : st_error_set_oom();
        }
        st_free(wh);
        st_free(path);
        st_free(display);
        return rc;
    }
    if (!*uri)
        return st_error_set(ST_EINVALID, ST_ERROR_CATALOG, "empty catalog URI");
    if (strncmp(uri, "postgresql://", 13) == 0 || strncmp(uri, "postgres://", 11) == 0)
        return open_postgres(out, uri, warehouse, catalog_name);
    if (strncmp(uri, "sqlite://", 9) == 0)
        return open_sqlite(out, uri, uri + 9, warehouse, catalog_name);
    if (strncmp(uri, "sqlite:", 7) == 0)
        return open_sqlite(out, uri, uri + 7, warehouse, catalog_name);
    if (strncmp(uri, "memory:", 7) == 0)
        return open_memory(out, uri, warehouse, catalog_name);
    if (strncmp(uri, "file://", 7) == 0) {
        if (!uri[7])
            return st_error_set(ST_EINVALID, ST_ERROR_CATALOG, "'%s': no folder", uri);
        return open_folder(out, uri, warehouse);
    }
    if (has_scheme(uri)) {
        char *display = redact_uri(uri);
        int rc = st_error_set(ST_EUNSUPPORTED, ST_ERROR_CATALOG,
                              "'%s': unknown catalog type (use sqlite://, postgresql://, "
                              "memory: or a folder)",
                              display ? display : "?");
        st_free(display);
        return rc;
    }
    {
        struct stat sb;
        if (has_suffix(uri, ".db") || has_suffix(uri, ".sqlite") || has_suffix(uri, ".sqlite3") ||
            (stat(uri, &sb) == 0 && S_ISREG(sb.st_mode))) {
            char *path = st_strdup(uri), *wh = NULL, *abs = NULL, *dir = NULL;
            const char *name;
            int rc;
            if (!path)
                return st_error_set_oom();
            if ((rc = pick_name(uri, NULL, catalog_name, &name)) == 0 &&
                (rc = st_abspath(&abs, path)) == 0) {
                dir = dir_of(abs);
                if (!dir)
                    rc = st_error_set_oom();
                else if ((rc = pick_warehouse(warehouse, dir, &wh)) == 0)
                    rc = st_cat_sqlite_open(out, path, uri, wh, name);
            }
            st_free(path);
            st_free(wh);
            st_free(abs);
            st_free(dir);
            return rc;
        }
    }
    return open_folder(out, uri, warehouse);
}

/* ================================================================ checks */

static int bad_char(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p < 0x20 || *p == 0x7f || *p == '/')
            return 1;
    return 0;
}

static int check_ns(const char *ns)
{
    size_t n;
    if (!ns || !*ns)
        return st_error_set(ST_EINVALID, ST_ERROR_CATALOG, "empty namespace");
    n = strlen(ns);
    if (n > CAT_MAX_NAME)
        return st_error_set(ST_EINVALID, ST_ERROR_CATALOG,
                            "namespace '%.40s...' is longer than %d bytes", ns, CAT_MAX_NAME);
    if (ns[0] == '.' || ns[n - 1] == '.' || strstr(ns, ".."))
        return st_error_set(ST_EINVALID, ST_ERROR_CATALOG,
                            "invalid namespace '%s': an empty level", ns);
    if (bad_char(ns))
        return st_error_set(ST_EINVALID, ST_ERROR_CATALOG,
                            "invalid namespace '%s': '/' or a control character", ns);
    return 0;
}

static int check_name(const char *name)
{
    if (!name || !*name)
        return st_error_set(ST_EINVALID, ST_ERROR_CATALOG, "empty table name");
    if (strlen(name) > CAT_MAX_NAME)
        return st_error_set(ST_EINVALID, ST_ERROR_CATALOG,
                            "table name '%.40s...' is longer than %d bytes", name, CAT_MAX_NAME);
    if (!strcmp(name, ".") || !strcmp(name, "..") || bad_char(name))
        return st_error_set(ST_EINVALID, ST_ERROR_CATALOG,
                            "invalid table name '%s': '.', '..', '/' or a control character",
                            name);
    return 0;
}

static int check_table(const char *ns, const char *name)
{
    int rc = check_ns(ns);
    return rc < 0 ? rc : check_name(name);
}

static int check_location(const char *loc)
{
    if (!loc || !*loc)
        return st_error_set(ST_EINVALID, ST_ERROR_CATALOG, "empty metadata location");
    return 0;
}

/* ======================================================== the front calls */

int st_catalog_ns_create(st_catalog *c, const char *ns, const st_props *props)
{
    int rc = check_ns(ns);
    if (rc < 0)
        return rc;
    if (props && st_props_get(props, "exists"))
        return st_error_set(ST_EINVALID, ST_ERROR_CATALOG,
                            "namespace '%s': 'exists' is a reserved property", ns);
    return c->vt->ns_create(c, ns, props);
}

int st_catalog_ns_exists(st_catalog *c, const char *ns)
{
    int rc = check_ns(ns);
    return rc < 0 ? rc : c->vt->ns_exists(c, ns);
}

static int strv_out(st_strv *s, char ***out, int *n)
{
    if (s->n == 0) {
        st_strv_dispose(s);
        *out = NULL;
        *n = 0;
        return 0;
    }
    *out = s->v;
    *n = s->n;
    s->v = NULL;
    s->n = s->cap = 0;
    return 0;
}

int st_catalog_ns_list(st_catalog *c, const char *parent, char ***out, int *n)
{
    st_strv s = {0};
    int rc;
    *out = NULL;
    *n = 0;
    if (parent && (rc = check_ns(parent)) < 0)
        return rc;
    if ((rc = c->vt->ns_list(c, parent, &s)) < 0) {
        st_strv_dispose(&s);
        return rc;
    }
    st_strv_sort_unique(&s);
    return strv_out(&s, out, n);
}

int st_catalog_ns_properties(st_catalog *c, const char *ns, st_props *out)
{
    int rc = check_ns(ns);
    if (rc < 0)
        return rc;
    if ((rc = c->vt->ns_properties(c, ns, out)) < 0)
        st_props_dispose(out);
    return rc;
}

int st_catalog_ns_update(st_catalog *c, const char *ns, const st_props *set, char *const *remove,
                         int n_remove)
{
    int rc = check_ns(ns);
    if (rc < 0)
        return rc;
    if (n_remove < 0 || (n_remove > 0 && !remove))
        return st_error_set(ST_EINVALID, ST_ERROR_CATALOG, "namespace '%s': bad removal list", ns);
    for (int i = 0; i < n_remove; i++) {
        if (!remove[i] || !*remove[i])
            return st_error_set(ST_EINVALID, ST_ERROR_CATALOG,
                                "namespace '%s': empty property key to remove", ns);
        if (!strcmp(remove[i], "exists"))
            return st_error_set(ST_EINVALID, ST_ERROR_CATALOG,
                                "namespace '%s': 'exists' is a reserved property", ns);
        if (set && st_props_get(set, remove[i]))
            return st_error_set(ST_EINVALID, ST_ERROR_CATALOG,
                                "namespace '%s': property '%s' is both set and removed", ns,
                                remove[i]);
    }
    if (set) {
        for (int i = 0; i < set->n; i++) {
            if (!*set->items[i].key)
                return st_error_set(ST_EINVALID, ST_ERROR_CATALOG,
                                    "namespace '%s': empty property key", ns);
            if (!strcmp(set->items[i].key, "exists"))
                return st_error_set(ST_EINVALID, ST_ERROR_CATALOG,
                                    "namespace '%s': 'exists' is a reserved property", ns);
        }
    }
    return c->vt->ns_update(c, ns, set, remove, n_remove);
}

int st_catalog_ns_drop(st_catalog *c, const char *ns)
{
    int rc = check_ns(ns);
    return rc < 0 ? rc : c->vt->ns_drop(c, ns);
}

int st_catalog_tbl_list(st_catalog *c, const char *ns, char ***names, int *n)
{
    st_strv s = {0};
    int rc;
    *names = NULL;
    *n = 0;
    if ((rc = check_ns(ns)) < 0)
        return rc;
    if ((rc = c->vt->tbl_list(c, ns, &s)) < 0) {
        st_strv_dispose(&s);
        return rc;
    }
    st_strv_sort_unique(&s);
    return strv_out(&s, names, n);
}

int st_catalog_tbl_get(st_catalog *c, const char *ns, const char *name, char **metadata_location)
{
    int rc = check_table(ns, name);
    *metadata_location = NULL;
    return rc < 0 ? rc : c->vt->tbl_get(c, ns, name, metadata_location);
}

int st_catalog_tbl_default_location(st_catalog *c, const char *ns, const char *name, char **out)
{
    st_props props = {0};
    const char *loc;
    st_buf b = ST_BUF_INIT;
    int rc;
    *out = NULL;
    if ((rc = check_table(ns, name)) < 0)
        return rc;
    if (c->vt->default_location)
        return c->vt->default_location(c, ns, name, out);
    if ((rc = c->vt->ns_properties(c, ns, &props)) < 0)
        goto done;
    loc = st_props_get(&props, "location");
    if (loc && *loc) {
        size_t n = strlen(loc);
        while (n > 1 && loc[n - 1] == '/')
            n--;
        if (st_buf_put(&b, loc, n) < 0)
            rc = st_error_set_oom();
    } else {
        if (st_buf_puts(&b, c->warehouse) < 0)
            rc = st_error_set_oom();
        for (const char *p = ns; rc == 0 && *p; p++)
            if ((p == ns && st_buf_putc(&b, '/') < 0) || st_buf_putc(&b, *p == '.' ? '/' : *p) < 0)
                rc = st_error_set_oom();
    }
    if (rc == 0 && (st_buf_putc(&b, '/') < 0 || st_buf_puts(&b, name) < 0))
        rc = st_error_set_oom();
    if (rc == 0)
        *out = (char *)st_buf_detach(&b);
done:
    st_buf_dispose(&b);
    st_props_dispose(&props);
    return rc;
}

/*
 * Java's BaseMetastoreTableOperations.parseVersion: the digits between the
 * last '/' and the next '-'; -1 when the name does not have that form.
 */
static int parse_catalog_version(const char *location)
{
    const char *base = strrchr(location, '/'), *p;
    long v = 0;
    base = base ? base + 1 : location;
    if (!strchr(base, '-') || *base == '-')
        return -1;
    for (p = base; *p != '-'; p++) {
        if (*p < '0' || *p > '9' || v > 100000000)
            return -1;
        v = v * 10 + (*p - '0');
    }
    return (int)v;
}

static int pointer_commit(st_catalog *c, const char *ns, const char *name, const char *base,
                          const char *metadata_dir, const void *json, size_t len, int gzip,
                          char **new_location)
{
    char uuid[37], fname[128];
    char *dir = NULL, *loc = NULL, *local = NULL, *local_dir = NULL;
    int version = base ? parse_catalog_version(base) + 1 : 0;
    int rc;
    if (metadata_dir)
        dir = st_strdup(metadata_dir);
    else if (base)
        dir = dir_of(base);
    else
        return st_error_set(ST_EINVALID, ST_ERROR_CATALOG,
                            "table '%s.%s': creating a table needs a metadata folder", ns, name);
    if (!dir)
        return st_error_set_oom();
    /* A create into a missing namespace fails before anything is written
     * (the swap checks again, atomically). */
    if (!base && (rc = c->vt->ns_exists(c, ns)) <= 0) {
        if (rc == 0)
            rc = st_cat_err_no_ns(ns);
        goto done;
    }
    if ((rc = st_uuid4(uuid)) < 0)
        goto done;
    snprintf(fname, sizeof(fname), "%05d-%s%s", version, uuid,
             gzip ? ".gz.metadata.json" : ".metadata.json");
    if (!(loc = st_cat_join(dir, fname))) {
        rc = st_error_set_oom();
        goto done;
    }
    if ((rc = st_location_resolve(&local_dir, &c->locmap, dir)) < 0 ||
        (rc = st_location_resolve(&local, &c->locmap, loc)) < 0 ||
        (rc = st_mkdirs(local_dir)) < 0 || (rc = st_cat_write_file(local, json, len, 1)) < 0)
        goto done;
    rc = c->vt->tbl_swap(c, ns, name, base, loc);
    if (rc == 0 || rc == ST_EUNKNOWN) {
        *new_location = loc;
        loc = NULL;
    } else {
        unlink(local);
    }
done:
    st_free(dir);
    st_free(loc);
    st_free(local);
    st_free(local_dir);
    return rc;
}

int st_catalog_tbl_commit(st_catalog *c, const char *ns, const char *name,
                          const char *base_location, const char *metadata_dir, const void *json,
                          size_t len, int gzip, char **new_location)
{
    int rc = check_table(ns, name);
    *new_location = NULL;
    if (rc < 0)
        return rc;
    if (base_location && (rc = check_location(base_location)) < 0)
        return rc;
    if (metadata_dir && !*metadata_dir)
        return st_error_set(ST_EINVALID, ST_ERROR_CATALOG, "empty metadata folder");
    if (!json && len > 0)
        return st_error_set(ST_EINVALID, ST_ERROR_CATALOG, "no metadata to write");
    if (c->vt->tbl_commit)
        return c->vt->tbl_commit(c, ns, name, base_location, json, len, gzip, new_location);
    return pointer_commit(c, ns, name, base_location, metadata_dir, json, len, gzip,
                          new_location);
}

int st_catalog_tbl_register(st_catalog *c, const char *ns, const char *name,
                            const char *metadata_location)
{
    int rc = check_table(ns, name);
    if (rc < 0 || (rc = check_location(metadata_location)) < 0)
        return rc;
    return c->vt->tbl_register(c, ns, name, metadata_location);
}

int st_catalog_tbl_drop(st_catalog *c, const char *ns, const char *name)
{
    int rc = check_table(ns, name);
    return rc < 0 ? rc : c->vt->tbl_drop(c, ns, name);
}

int st_catalog_tbl_rename(st_catalog *c, const char *ns, const char *name, const char *to_ns,
                          const char *to_name)
{
    int rc = check_table(ns, name);
    if (rc < 0 || (rc = check_table(to_ns, to_name)) < 0)
        return rc;
    return c->vt->tbl_rename(c, ns, name, to_ns, to_name);
}
