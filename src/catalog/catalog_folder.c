/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The folder ("Hadoop") catalog and catalog-less path tables (facts §2).
 *
 * Layout under the catalog folder DIR:
 *   DIR/a/b/                      namespace "a.b" (a folder without metadata/)
 *   DIR/a/b/t/metadata/v<N>.metadata.json        table "a.b"."t", version N
 *   DIR/a/b/t/metadata/v<N>.gz.metadata.json     the same, gzip'ed
 *   DIR/a/b/t/metadata/version-hint.text         N as text (a hint)
 * A folder holding metadata/ is a table; any other folder is a namespace.
 *
 * Finding the current version: read the hint, then probe v<N+1>, v<N+2>...
 * until one is missing (the hint is rewritten after the commit, so it may lag
 * after a crash or a slow writer); without a usable hint, list metadata/ and
 * take the highest N. Java also reads v<N>.metadata.json.gz.
 *
 * Committing version N+1 over base N: check N is the latest, then publish
 * v<N+1> with a no-replace link(2) (st_output CREATE_NEW). The link is the
 * compare-and-swap: of two writers racing for v<N+1>, one gets EEXIST and
 * reports ST_ECONFLICT. A gzip'ed and a plain writer would race for
 * different names, so after linking each checks that no sibling name of the
 * same version exists and backs off if one does (Dekker-style: at most one of
 * two racers can miss the other's file; both may back off, which only costs
 * a retry). Then version-hint.text is rewritten atomically (rename); a failure
 * there does not undo the commit, which is already visible to readers.
 *
 * No namespace properties (ST_EUNSUPPORTED), no rename (the metadata records
 * the table's folder), no register (a Hadoop table is its folder).
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "catalog/catalog_int.h"
#include "util/fs.h"
#include "util/alloc.h"
#include "util/buf.h"

#define HINT_NAME "version-hint.text"
#define MAX_VERSION 1000000000L

typedef struct cat_folder {
    st_catalog base;
    char *dir;
} cat_folder;

static const char *const version_suffixes[] = {".metadata.json", ".gz.metadata.json",
                                               ".metadata.json.gz"};
#define N_SUFFIXES 3

/* A folder holding metadata/: a table (for listing purposes). 1, 0 or ST_ENOMEM. */
static int is_table_dir(const char *path)
{
    char *m = st_cat_join(path, "metadata");
    int r;
    if (!m)
        return st_error_set_oom();
    r = st_is_dir(m);
    st_free(m);
    return r;
}

/* N of "v<N>.metadata.json" and its variants, else -1. Suffix index in *kind. */
static long version_of_name(const char *name, int *kind)
{
    long v = 0;
    const char *p = name;
    if (*p++ != 'v' || *p < '0' || *p > '9')
        return -1;
    for (; *p >= '0' && *p <= '9'; p++) {
        v = v * 10 + (*p - '0');
        if (v > MAX_VERSION)
            return -1;
    }
    for (int k = 0; k < N_SUFFIXES; k++)
        if (strcmp(p, version_suffixes[k]) == 0) {
            if (kind)
                *kind = k;
            return v;
        }
    return -1;
}

static void version_name(char *out, size_t cap, long v, int kind)
{
    snprintf(out, cap, "v%ld%s", v, version_suffixes[kind]);
}

/*
 * How many spellings of version v exist in mdir (0 to 3), and in `name` the
 * first found (plain first). More than one means two writers are racing for
 * v (see dir_commit), or one of them died in the middle.
 */
static int version_probe(const char *mdir, long v, char *name, size_t cap)
{
    char first[96] = "";
    int count = 0;
    for (int k = 0; k < N_SUFFIXES; k++) {
        char *path;
        version_name(name, cap, v, k);
        if (!(path = st_cat_join(mdir, name)))
            return st_error_set_oom();
        if (st_is_file(path) && count++ == 0)
            snprintf(first, sizeof(first), "%s", name);
        st_free(path);
    }
    snprintf(name, cap, "%s", first);
    return count;
}

static int list_error(const char *dir)
{
    return st_error_set(errno == ENOENT || errno == ENOTDIR ? ST_ENOTFOUND : ST_EIO,
                        ST_ERROR_CATALOG, "cannot list '%s': %s", dir, strerror(errno));
}

/* The highest version among mdir's file names; 0 when none. */
static int highest_listed(const char *mdir, long *out)
{
    DIR *d = opendir(mdir);
    struct dirent *e;
    *out = 0;
    if (!d)
        return list_error(mdir);
    while ((e = readdir(d)) != NULL) {
        long v = version_of_name(e->d_name, NULL);
        if (v > *out)
            *out = v;
    }
    closedir(d);
    return 0;
}

/* The version in version-hint.text, or 0 when missing or unreadable. */
static long read_hint(const char *mdir)
{
    char *path = st_cat_join(mdir, HINT_NAME), *text = NULL, *p, *end;
    long v = 0;
    if (!path)
        return 0;
    if (st_cat_read_small_file(path, &text, 64) == 0) {
        for (p = text; *p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'; p++) {
        }
        errno = 0;
        v = strtol(p, &end, 10);
        while (*end == ' ' || *end == '\t' || *end == '\n' || *end == '\r')
            end++;
        if (end == p || *end || errno || v < 1 || v > MAX_VERSION)
            v = 0;
    }
    st_error_clear(); /* a bad or missing hint is not an error: list instead */
    st_free(text);
    st_free(path);
    return v;
}

/* The newest version by the hint, then by probing forward. 0 when none. */
static int newest_version(const char *mdir, long *out, char *name, size_t cap)
{
    long v = read_hint(mdir);
    int rc = 0;
    if (v > 0 && (rc = version_probe(mdir, v, name, cap)) <= 0) {
        if (rc < 0)
            return rc;
        v = 0; /* the hinted file is gone: trust the listing */
    }
    if (v == 0 && (rc = highest_listed(mdir, &v)) < 0)
        return rc;
    /* The hint may lag: newer versions win. */
    while (v > 0 && v < MAX_VERSION && (rc = version_probe(mdir, v + 1, name, cap)) > 0)
        v++;
    if (v > 0 && rc < 0)
        return rc;
    *out = v;
    return 0;
}

/*
 * The current version of the table whose metadata folder is mdir: *version
 * and the file's name. ST_ENOTFOUND when there is none. A version spelled
 * twice is being raced for: wait (up to about two seconds) for the loser to
 * back off; if both stay (a writer died between its link and its check),
 * the plain spelling wins.
 */
static int find_current(const char *mdir, long *version, char *name, size_t cap)
{
    for (int round = 0; round < 50; round++) {
        long v = 0;
        int n, rc = newest_version(mdir, &v, name, cap);
        if (rc < 0)
            return rc;
        if (v == 0)
            break;
        n = version_probe(mdir, v, name, cap);
        for (int wait = 0; n > 1 && wait < 40; wait++) {
            st_cat_backoff(wait < 6 ? wait : 6);
            n = version_probe(mdir, v, name, cap);
        }
        if (n < 0)
            return n;
        if (n == 0)
            continue; /* both racers backed off, or a drop: look again */
        *version = v;
        return 0;
    }
    return st_error_set(ST_ENOTFOUND, ST_ERROR_CATALOG, "'%s' holds no v<N>.metadata.json", mdir);
}

/* The basename of a path or location. */
static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

/*
 * After linking version v under spelling `kind`: 1 (and the name) when
 * another spelling of v exists, i.e. a writer using it raced us; we back off.
 */
static int sibling_taken(const char *mdir, long v, int kind, char *other, size_t cap)
{
    for (int k = 0; k < N_SUFFIXES; k++) {
        char *path;
        int taken;
        if (k == kind)
            continue;
        version_name(other, cap, v, k);
        if (!(path = st_cat_join(mdir, other)))
            return st_error_set_oom();
        taken = st_is_file(path);
        st_free(path);
        if (taken)
            return 1;
    }
    return 0;
}

/* Rewrites version-hint.text (atomically: st_output renames). Readers probe
 * past a stale hint, so a failure here is harmless and not reported. */
static void write_hint(const char *mdir, long v)
{
    char hint[32], *path = st_cat_join(mdir, HINT_NAME);
    int n = snprintf(hint, sizeof(hint), "%ld", v);
    if (!path || st_cat_write_file(path, hint, (size_t)n, 0) < 0)
        st_error_clear();
    st_free(path);
}

/*
 * Commits to the table folder `tdir` (local path); the new location is
 * `tloc` (the caller's form of tdir) + "/metadata/" + file name. `who`
 * names the table in messages.
 */
static int dir_commit(const char *tdir, const char *tloc, const char *who, const char *base,
                      const void *json, size_t len, int gzip, char **new_location)
{
    char *mdir = st_cat_join(tdir, "metadata"), *file = NULL, *rel = NULL;
    char cur_name[96], name[96], other[96];
    long cur = 0, next;
    int rc;
    *new_location = NULL;
    if (!mdir)
        return st_error_set_oom();
    rc = find_current(mdir, &cur, cur_name, sizeof(cur_name));
    if (!base) {
        if (rc == 0) {
            rc = st_error_set(ST_EEXISTS, ST_ERROR_CATALOG, "table %s already exists", who);
            goto done;
        }
        if (rc != ST_ENOTFOUND || (rc = st_mkdirs(mdir)) < 0)
            goto done;
        next = 1;
    } else {
        long bv = version_of_name(base_name(base), NULL);
        if (rc == ST_ENOTFOUND) {
            rc = st_error_set(ST_ENOTFOUND, ST_ERROR_CATALOG, "table %s does not exist", who);
            goto done;
        }
        if (rc < 0)
            goto done;
        if (bv < 0) {
            rc = st_error_set(ST_EINVALID, ST_ERROR_CATALOG,
                              "table %s: base '%s' is not a v<N>.metadata.json file", who, base);
            goto done;
        }
        if (bv != cur) {
            rc = st_error_set(ST_ECONFLICT, ST_ERROR_CATALOG,
                              "table %s was changed concurrently: it is at version %ld, not %ld",
                              who, cur, bv);
            goto done;
        }
        if (strcmp(base_name(base), cur_name) != 0) {
            /* the base was a racer's file that lost */
            rc = st_error_set(ST_ECONFLICT, ST_ERROR_CATALOG,
                              "table %s was changed concurrently: version %ld is '%s', not '%s'",
                              who, cur, cur_name, base_name(base));
            goto done;
        }
        next = bv + 1;
    }
    version_name(name, sizeof(name), next, gzip ? 1 : 0);
    if (!(file = st_cat_join(mdir, name))) {
        rc = st_error_set_oom();
        goto done;
    }
    if ((rc = st_cat_write_file(file, json, len, 1)) < 0) {
        if (rc == ST_EEXISTS)
            rc = base ? st_error_set(ST_ECONFLICT, ST_ERROR_CATALOG,
                                     "table %s was changed concurrently: version %ld was taken",
                                     who, next)
                      : st_error_set(ST_EEXISTS, ST_ERROR_CATALOG, "table %s already exists", who);
        goto done;
    }
    if ((rc = sibling_taken(mdir, next, gzip ? 1 : 0, other, sizeof(other))) != 0) {
        unlink(file);
        if (rc > 0)
            rc = st_error_set(base ? ST_ECONFLICT : ST_EEXISTS, ST_ERROR_CATALOG,
                              "table %s was changed concurrently: version %ld was taken as '%s'",
                              who, next, other);
        goto done;
    }
    write_hint(mdir, next);
    if (!(rel = st_cat_join("metadata", name)) || !(*new_location = st_cat_join(tloc, rel)))
        rc = st_error_set_oom(); /* committed, but the caller cannot be told where: reload */
done:
    st_free(mdir);
    st_free(file);
    st_free(rel);
    return rc;
}

/* ------------------------------------------------------------- path tables */

/* Catalog-style names "<NNNNN>-<anything>.metadata.json" (and gzip forms). */
static long catalog_version_of_name(const char *name)
{
    const char *p = name;
    long v = 0;
    size_t n = strlen(name);
    int ok = 0;
    for (int k = 0; k < N_SUFFIXES; k++) {
        size_t m = strlen(version_suffixes[k]);
        if (n > m && strcmp(name + n - m, version_suffixes[k]) == 0)
            ok = 1;
    }
    if (!ok || *p < '0' || *p > '9')
        return -1;
    for (; *p >= '0' && *p <= '9'; p++) {
        v = v * 10 + (*p - '0');
        if (v > MAX_VERSION)
            return -1;
    }
    return *p == '-' ? v : -1;
}

static int highest_catalog_style(const char *mdir, const char *shown, st_strv *best)
{
    DIR *d = opendir(mdir);
    struct dirent *e;
    long top = -1;
    int rc = 0;
    if (!d)
        return list_error(mdir);
    while (rc == 0 && (e = readdir(d)) != NULL) {
        long v = catalog_version_of_name(e->d_name);
        if (v < 0 || v < top)
            continue;
        if (v > top) {
            st_strv_dispose(best);
            top = v;
        }
        rc = st_strv_push(best, e->d_name);
    }
    closedir(d);
    if (rc < 0)
        return rc;
    if (best->n == 0)
        return st_error_set(ST_ENOTFOUND, ST_ERROR_CATALOG,
                            "'%s' is not an Iceberg table: no metadata files in '%s'", shown,
                            mdir);
    if (best->n > 1) {
        st_strv_sort_unique(best);
        return st_error_set(ST_EINVALID, ST_ERROR_CATALOG,
                            "'%s': several metadata files of version %ld ('%s', '%s'...): give the "
                            "metadata file to use",
                            shown, top, best->v[0], best->v[1]);
    }
    return 0;
}

int st_catalog_path_table_location(const char *table_dir, char **metadata_location)
{
    char *local = NULL, *mdir = NULL, *mloc = NULL;
    char name[96];
    st_strv best = {0};
    struct stat sb;
    long v;
    int rc;
    *metadata_location = NULL;
    if (!table_dir || !*table_dir)
        return st_error_set(ST_EINVALID, ST_ERROR_CATALOG, "empty table path");
    if ((rc = st_local_path(table_dir, &local)) < 0)
        return rc;
    if (stat(local, &sb) != 0) {
        rc = st_error_set(errno == ENOENT || errno == ENOTDIR ? ST_ENOTFOUND : ST_EIO,
                          ST_ERROR_CATALOG, "'%s': %s", table_dir, strerror(errno));
        goto done;
    }
    if (!S_ISDIR(sb.st_mode)) {
        if (!(*metadata_location = st_strdup(table_dir)))
            rc = st_error_set_oom();
        goto done;
    }
    /* The table folder, or its metadata/ folder given directly. */
    if (!(mdir = st_cat_join(local, "metadata")) || !(mloc = st_cat_join(table_dir, "metadata"))) {
        rc = st_error_set_oom();
        goto done;
    }
    if (!st_is_dir(mdir)) {
        st_free(mdir);
        st_free(mloc);
        mdir = st_strdup(local);
        mloc = st_strdup(table_dir);
        if (!mdir || !mloc) {
            rc = st_error_set_oom();
            goto done;
        }
    }
    rc = find_current(mdir, &v, name, sizeof(name));
    if (rc == 0) {
        if (!(*metadata_location = st_cat_join(mloc, name)))
            rc = st_error_set_oom();
    } else if (rc == ST_ENOTFOUND) {
        /* a catalog table's folder: <NNNNN>-<uuid>.metadata.json files */
        st_error_clear();
        if ((rc = highest_catalog_style(mdir, table_dir, &best)) == 0 &&
            !(*metadata_location = st_cat_join(mloc, best.v[0])))
            rc = st_error_set_oom();
    }
done:
    st_strv_dispose(&best);
    st_free(local);
    st_free(mdir);
    st_free(mloc);
    return rc;
}

int st_catalog_path_table_commit(const char *table_dir, const char *base_location,
                                 const void *json, size_t len, int gzip, char **new_location)
{
    char *local = NULL;
    st_buf who = ST_BUF_INIT;
    int rc;
    *new_location = NULL;
    if (!table_dir || !*table_dir)
        return st_error_set(ST_EINVALID, ST_ERROR_CATALOG, "empty table path");
    if (base_location && !*base_location)
        return st_error_set(ST_EINVALID, ST_ERROR_CATALOG, "empty metadata location");
    if (!json && len > 0)
        return st_error_set(ST_EINVALID, ST_ERROR_CATALOG, "no metadata to write");
    if ((rc = st_local_path(table_dir, &local)) < 0)
        return rc;
    if (st_buf_printf(&who, "'%s'", table_dir) < 0)
        rc = st_error_set_oom();
    else
        rc = dir_commit(local, table_dir, st_buf_cstr(&who), base_location, json, len, gzip,
                        new_location);
    st_buf_dispose(&who);
    st_free(local);
    return rc;
}

/* ----------------------------------------------------------- folder catalog */

static cat_folder *folder(st_catalog *c)
{
    return (cat_folder *)c;
}

/* DIR/a/b for "a.b". */
static char *ns_path(const cat_folder *f, const char *ns)
{
    st_buf b = ST_BUF_INIT;
    if (st_buf_puts(&b, f->dir) < 0 || st_buf_putc(&b, '/') < 0)
        goto oom;
    for (const char *p = ns; *p; p++)
        if (st_buf_putc(&b, *p == '.' ? '/' : *p) < 0)
            goto oom;
    return (char *)st_buf_detach(&b);
oom:
    st_buf_dispose(&b);
    return NULL;
}

static char *tbl_path(const cat_folder *f, const char *ns, const char *name)
{
    char *n = ns_path(f, ns), *t = n ? st_cat_join(n, name) : NULL;
    st_free(n);
    return t;
}

/* Levels other than the first may not be "metadata": their parent would
 * look like a table. Nor may a table be named so. */
static int check_folder_names(const char *ns, const char *name)
{
    const char *p = strchr(ns, '.');
    while (p) {
        if (strncmp(p + 1, "metadata", 8) == 0 && (p[9] == '.' || p[9] == 0))
            return st_error_set(ST_EINVALID, ST_ERROR_CATALOG,
                                "namespace '%s': a folder catalog cannot have a level named "
                                "'metadata' below the top",
                                ns);
        p = strchr(p + 1, '.');
    }
    if (name && strcmp(name, "metadata") == 0)
        return st_error_set(ST_EINVALID, ST_ERROR_CATALOG,
                            "table '%s.%s': a folder catalog cannot name a table 'metadata'", ns,
                            name);
    return 0;
}

/*
 * 1 when "a.b" is a namespace: DIR/a and DIR/a/b are folders and none is a
 * table (else DIR/ns/t/data would pass for namespace "ns.t.data").
 */
static int ns_is_dir(const cat_folder *f, const char *ns)
{
    char *path = ns_path(f, ns);
    size_t base_len = strlen(f->dir) + 1;
    int ok = 1;
    if (!path)
        return st_error_set_oom();
    for (char *p = path + base_len;; p++) {
        if (*p == '/' || *p == 0) {
            char saved = *p;
            *p = 0;
            if (!st_is_dir(path))
                ok = 0;
            else if ((ok = is_table_dir(path)) >= 0)
                ok = !ok;
            *p = saved;
            if (!saved || ok <= 0)
                break;
        }
    }
    st_free(path);
    return ok;
}

static int folder_ns_exists(st_catalog *c, const char *ns)
{
    int rc = check_folder_names(ns, NULL);
    return rc < 0 ? 0 : ns_is_dir(folder(c), ns);
}

static int folder_ns_create(st_catalog *c, const char *ns, const st_props *props)
{
    cat_folder *f = folder(c);
    char *path;
    int rc;
    if (props && props->n > 0)
        return st_error_set(ST_EUNSUPPORTED, ST_ERROR_CATALOG,
                            "namespace '%s': a folder catalog has no namespace properties", ns);
    if ((rc = check_folder_names(ns, NULL)) < 0)
        return rc;
    if (!(path = ns_path(f, ns)))
        return st_error_set_oom();
    /* Each existing parent must be a namespace, not a table. */
    for (char *p = path + strlen(f->dir) + 1; *p; p++) {
        if (*p == '/') {
            *p = 0;
            if ((rc = is_table_dir(path)) != 0) {
                if (rc > 0)
                    rc = st_error_set(ST_EINVALID, ST_ERROR_CATALOG,
                                      "namespace '%s': '%s' is a table", ns, path);
                st_free(path);
                return rc;
            }
            *p = '/';
        }
    }
    {
        char *parent = st_strndup(path, (size_t)(strrchr(path, '/') - path));
        if (!parent)
            rc = st_error_set_oom();
        else if ((rc = st_mkdirs(parent)) == 0 && mkdir(path, 0777) != 0)
            rc = errno == EEXIST
                     ? st_error_set(ST_EEXISTS, ST_ERROR_CATALOG,
                                    is_table_dir(path) > 0 ? "namespace '%s': a table has that name"
                                                       : "namespace '%s' already exists",
                                    ns)
                     : st_error_set(ST_EIO, ST_ERROR_CATALOG, "cannot create folder '%s': %s",
                                    path, strerror(errno));
        st_free(parent);
    }
    st_free(path);
    return rc;
}

/* Subfolders of `path`: tables (want_tables) or namespaces. Hidden names and
 * names with '.' (not expressible as a level) are skipped. */
static int list_dirs(const char *path, int want_tables, const char *prefix, st_strv *out)
{
    DIR *d = opendir(path);
    struct dirent *e;
    int rc = 0;
    if (!d)
        return list_error(path);
    while (rc == 0 && (e = readdir(d)) != NULL) {
        char *sub, name[96];
        long v;
        int keep;
        if (e->d_name[0] == '.' || (!want_tables && strchr(e->d_name, '.')))
            continue;
        if (!(sub = st_cat_join(path, e->d_name))) {
            rc = st_error_set_oom();
            break;
        }
        if (!st_is_dir(sub)) {
            keep = 0;
        } else if (want_tables) {
            char *mdir = st_cat_join(sub, "metadata");
            int found = mdir ? st_is_dir(mdir) : st_error_set_oom();
            if (found > 0)
                found = find_current(mdir, &v, name, sizeof(name)) == 0 ? 1
                        : st_error_last()->code == ST_ENOMEM ? ST_ENOMEM
                                                             : 0;
            if (found < 0)
                rc = found;
            else
                st_error_clear(); /* a folder without versions is no table */
            keep = found > 0;
            st_free(mdir);
        } else {
            if ((keep = is_table_dir(sub)) < 0)
                rc = keep;
            keep = keep == 0;
        }
        st_free(sub);
        if (keep) {
            if (prefix) {
                st_buf b = ST_BUF_INIT;
                if (st_buf_printf(&b, "%s.%s", prefix, e->d_name) < 0)
                    rc = st_error_set_oom();
                else
                    rc = st_strv_push(out, st_buf_cstr(&b));
                st_buf_dispose(&b);
            } else {
                rc = st_strv_push(out, e->d_name);
            }
        }
    }
    closedir(d);
    return rc;
}

static int folder_ns_list(st_catalog *c, const char *parent, st_strv *out)
{
    cat_folder *f = folder(c);
    char *path;
    int rc;
    if (parent && (rc = folder_ns_exists(c, parent)) <= 0)
        return rc < 0 ? rc : st_cat_err_no_ns(parent);
    if (!(path = parent ? ns_path(f, parent) : st_strdup(f->dir)))
        return st_error_set_oom();
    rc = list_dirs(path, 0, parent, out);
    st_free(path);
    return rc;
}

static int folder_ns_properties(st_catalog *c, const char *ns, st_props *out)
{
    int rc = folder_ns_exists(c, ns);
    (void)out;
    return rc < 0 ? rc : rc == 0 ? st_cat_err_no_ns(ns) : 0;
}

static int folder_ns_update(st_catalog *c, const char *ns, const st_props *set,
                            char *const *remove, int n_remove)
{
    return st_error_set(ST_EUNSUPPORTED, ST_ERROR_CATALOG,
                        "namespace '%s': a folder catalog has no namespace properties", ns);
}

static int folder_ns_drop(st_catalog *c, const char *ns)
{
    char *path;
    int rc = folder_ns_exists(c, ns);
    if (rc <= 0)
        return rc < 0 ? rc : st_cat_err_no_ns(ns);
    if (!(path = ns_path(folder(c), ns)))
        return st_error_set_oom();
    rc = 0;
    if (rmdir(path) != 0)
        rc = errno == ENOTEMPTY || errno == EEXIST
                 ? st_error_set(ST_ENOTEMPTY, ST_ERROR_CATALOG, "namespace '%s' is not empty", ns)
                 : st_error_set(ST_EIO, ST_ERROR_CATALOG, "cannot remove folder '%s': %s", path,
                                strerror(errno));
    st_free(path);
    return rc;
}

static int folder_tbl_list(st_catalog *c, const char *ns, st_strv *out)
{
    char *path;
    int rc = folder_ns_exists(c, ns);
    if (rc <= 0)
        return rc < 0 ? rc : st_cat_err_no_ns(ns);
    if (!(path = ns_path(folder(c), ns)))
        return st_error_set_oom();
    rc = list_dirs(path, 1, NULL, out);
    st_free(path);
    return rc;
}

static int folder_tbl_get(st_catalog *c, const char *ns, const char *name, char **loc)
{
    char *tdir = NULL, *mdir = NULL, fname[96];
    long v;
    int rc;
    if (check_folder_names(ns, name) < 0)
        return st_cat_err_no_table(ns, name);
    if ((rc = folder_ns_exists(c, ns)) != 1)
        return rc < 0 ? rc : st_cat_err_no_table(ns, name);
    if (!(tdir = tbl_path(folder(c), ns, name)) || !(mdir = st_cat_join(tdir, "metadata"))) {
        rc = st_error_set_oom();
        goto done;
    }
    rc = find_current(mdir, &v, fname, sizeof(fname));
    if (rc == ST_ENOTFOUND)
        rc = st_cat_err_no_table(ns, name);
    else if (rc == 0 && !(*loc = st_cat_join(mdir, fname)))
        rc = st_error_set_oom();
done:
    st_free(tdir);
    st_free(mdir);
    return rc;
}

static int folder_tbl_commit(st_catalog *c, const char *ns, const char *name, const char *base,
                             const void *json, size_t len, int gzip, char **new_location)
{
    char *tdir = NULL;
    st_buf who = ST_BUF_INIT;
    int rc;
    if ((rc = check_folder_names(ns, name)) < 0)
        return rc;
    if ((rc = folder_ns_exists(c, ns)) <= 0)
        return rc < 0 ? rc : base ? st_cat_err_no_table(ns, name) : st_cat_err_no_ns(ns);
    if (!(tdir = tbl_path(folder(c), ns, name)) || st_buf_printf(&who, "'%s.%s'", ns, name) < 0) {
        rc = st_error_set_oom();
        goto done;
    }
    if (!base && st_is_dir(tdir) && (rc = is_table_dir(tdir)) <= 0) {
        if (rc < 0)
            goto done;
        rc = st_error_set(ST_EEXISTS, ST_ERROR_CATALOG,
                          "table '%s.%s': a namespace has that name", ns, name);
        goto done;
    }
    rc = dir_commit(tdir, tdir, st_buf_cstr(&who), base, json, len, gzip, new_location);
done:
    st_buf_dispose(&who);
    st_free(tdir);
    return rc;
}

static int folder_tbl_register(st_catalog *c, const char *ns, const char *name, const char *loc)
{
    return st_error_set(ST_EUNSUPPORTED, ST_ERROR_CATALOG,
                        "table '%s.%s': a folder catalog cannot register tables (a table is "
                        "its folder)",
                        ns, name);
}

static int folder_tbl_rename(st_catalog *c, const char *ns, const char *name, const char *to_ns,
                             const char *to_name)
{
    return st_error_set(ST_EUNSUPPORTED, ST_ERROR_CATALOG,
                        "table '%s.%s': a folder catalog cannot rename tables (the metadata "
                        "records the table's folder)",
                        ns, name);
}

/* Removes the empty folders under and including path[0..len), deepest first.
 * `path` is a PATH_MAX buffer reused down the tree: no allocation, so the
 * cleanup after a drop cannot half-fail for lack of memory. */
static void remove_empty_dirs(char *path, size_t len)
{
    DIR *d;
    struct dirent *e;
    path[len] = 0;
    if (!(d = opendir(path)))
        return;
    while ((e = readdir(d)) != NULL) {
        size_t n = strlen(e->d_name);
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") || len + 1 + n >= PATH_MAX)
            continue;
        path[len] = '/';
        memcpy(path + len + 1, e->d_name, n + 1);
        if (st_is_dir(path))
            remove_empty_dirs(path, len + 1 + n);
    }
    closedir(d);
    path[len] = 0;
    rmdir(path);
}

static int folder_tbl_drop(st_catalog *c, const char *ns, const char *name)
{
    char *tdir = NULL, *mdir = NULL, fname[96];
    st_strv files = {0};
    DIR *d;
    struct dirent *e;
    long v;
    int rc;
    if (check_folder_names(ns, name) < 0)
        return st_cat_err_no_table(ns, name);
    if ((rc = folder_ns_exists(c, ns)) != 1)
        return rc < 0 ? rc : st_cat_err_no_table(ns, name);
    if (!(tdir = tbl_path(folder(c), ns, name)) || !(mdir = st_cat_join(tdir, "metadata"))) {
        rc = st_error_set_oom();
        goto done;
    }
    if ((rc = find_current(mdir, &v, fname, sizeof(fname))) < 0) {
        if (rc == ST_ENOTFOUND)
            rc = st_cat_err_no_table(ns, name);
        goto done;
    }
    /* The pointer is the hint and the version files: the hint first, then
     * the versions oldest first, so a reader meanwhile still finds the
     * newest. */
    if (!(d = opendir(mdir))) {
        rc = list_error(mdir);
        goto done;
    }
    while (rc == 0 && (e = readdir(d)) != NULL)
        if (version_of_name(e->d_name, NULL) >= 0)
            rc = st_strv_push(&files, e->d_name);
    closedir(d);
    if (rc < 0)
        goto done;
    {
        char *hint = st_cat_join(mdir, HINT_NAME);
        if (!hint) {
            rc = st_error_set_oom();
            goto done;
        }
        unlink(hint);
        st_free(hint);
    }
    while (files.n > 0) {
        /* the smallest remaining version */
        int at = 0;
        char *path;
        for (int i = 1; i < files.n; i++)
            if (version_of_name(files.v[i], NULL) < version_of_name(files.v[at], NULL))
                at = i;
        if (!(path = st_cat_join(mdir, files.v[at]))) {
            rc = st_error_set_oom();
            goto done;
        }
        if (unlink(path) != 0 && errno != ENOENT) {
            rc = st_error_set(ST_EIO, ST_ERROR_CATALOG, "table '%s.%s': cannot remove '%s': %s",
                              ns, name, path, strerror(errno));
            st_free(path);
            goto done;
        }
        st_free(path);
        st_free(files.v[at]);
        files.v[at] = files.v[--files.n];
    }
    if (strlen(tdir) < PATH_MAX) {
        char buf[PATH_MAX];
        memcpy(buf, tdir, strlen(tdir) + 1);
        remove_empty_dirs(buf, strlen(buf));
    }
done:
    st_strv_dispose(&files);
    st_free(tdir);
    st_free(mdir);
    return rc;
}

static int folder_default_location(st_catalog *c, const char *ns, const char *name, char **out)
{
    int rc = check_folder_names(ns, name);
    if (rc < 0)
        return rc;
    if ((rc = folder_ns_exists(c, ns)) <= 0)
        return rc < 0 ? rc : st_cat_err_no_ns(ns);
    if (!(*out = tbl_path(folder(c), ns, name)))
        return st_error_set_oom();
    return 0;
}

static void folder_close(st_catalog *c)
{
    st_free(folder(c)->dir);
    st_cat_base_dispose(c);
    st_free(c);
}

static const cat_vtable folder_vt = {
    "folder",
    folder_close,
    folder_ns_create,
    folder_ns_exists,
    folder_ns_list,
    folder_ns_properties,
    folder_ns_update,
    folder_ns_drop,
    folder_tbl_list,
    folder_tbl_get,
    NULL,
    folder_tbl_commit,
    folder_tbl_register,
    folder_tbl_drop,
    folder_tbl_rename,
    folder_default_location,
};

int st_cat_folder_open(st_catalog **out, const char *dir, const char *uri_display)
{
    cat_folder *f;
    struct stat sb;
    int rc;
    *out = NULL;
    if (stat(dir, &sb) == 0 && !S_ISDIR(sb.st_mode))
        return st_error_set(ST_EINVALID, ST_ERROR_CATALOG, "'%s': not a folder", uri_display);
    if ((rc = st_mkdirs(dir)) < 0)
        return rc;
    if (!(f = st_calloc(1, sizeof(*f))))
        return st_error_set_oom();
    if (!(f->dir = st_strdup(dir)) ||
        (rc = st_cat_base_init(&f->base, &folder_vt, uri_display, dir, "default")) < 0) {
        folder_close(&f->base);
        return rc < 0 ? rc : st_error_set_oom();
    }
    *out = &f->base;
    return 0;
}
