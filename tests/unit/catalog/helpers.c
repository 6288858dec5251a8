/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Shared pieces of the catalog tests: opening each backend in the test's
 * scratch folder, and the two bodies every backend runs (all operations; many
 * committers at once).
 */
#include <dirent.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "catalog_test.h"
#include "st_test.h"
#include "supertable/errors.h"
#include "util/alloc.h"

const char *ct_postgres_uri(const char *test)
{
    const char *uri = getenv("ST_TEST_POSTGRES_URI");
    if (!uri || !*uri) {
        printf("note %s: skipped, ST_TEST_POSTGRES_URI is not set (tests/catalog/postgres.sh "
               "sets it)\n",
               test);
        return NULL;
    }
    return uri;
}

const char *ct_warehouse(void)
{
    return st_test_path("wh");
}

const char *ct_name(void)
{
    static char name[200];
    snprintf(name, sizeof(name), "%s", ct_basename(st_test_tmpdir()));
    for (char *p = name; *p; p++)
        if (*p == '.' || *p == '-')
            *p = '_';
    return name;
}

const char *ct_uri(const char *kind)
{
    static char uri[1400];
    if (!strcmp(kind, "sqlite"))
        snprintf(uri, sizeof(uri), "sqlite://%s", st_test_path("cat.db"));
    else if (!strcmp(kind, "memory"))
        snprintf(uri, sizeof(uri), "memory:");
    else if (!strcmp(kind, "folder"))
        snprintf(uri, sizeof(uri), "file://%s", ct_warehouse());
    else
        snprintf(uri, sizeof(uri), "%s", getenv("ST_TEST_POSTGRES_URI"));
    return uri;
}

int ct_open(st_catalog **out, const char *kind)
{
    *out = NULL;
    if (!strcmp(kind, "postgres") && !ct_postgres_uri("catalog (postgres)"))
        return 1;
    st_pass(st_catalog_open_uri(out, ct_uri(kind), ct_warehouse(),
                                strcmp(kind, "folder") ? ct_name() : NULL));
    return 0;
}

int ct_count_files(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int n = 0;
    if (!d)
        return 0;
    while ((e = readdir(d)) != NULL)
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
            n++;
    closedir(d);
    return n;
}

char *ct_slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    char *buf;
    long n;
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    buf = malloc((size_t)n + 1);
    if (fread(buf, 1, (size_t)n, f) != (size_t)n)
        n = 0;
    buf[n] = 0;
    fclose(f);
    return buf;
}

const char *ct_basename(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

void ct_copy(const char *from, const char *to)
{
    size_t n;
    uint8_t *data = st_test_read_file(from, &n);
    FILE *f = fopen(to, "wb");
    st_assert(f);
    st_assert(fwrite(data, 1, n, f) == n);
    fclose(f);
    free(data);
}

/* ================================================================== ops */

static int is_folder(const char *kind) { return !strcmp(kind, "folder"); }

static void list_eq(char **v, int n, const char *expect)
{
    char got[2000] = "";
    for (int i = 0; i < n; i++) {
        if (i)
            strcat(got, ",");
        strncat(got, v[i], sizeof(got) - strlen(got) - 2);
    }
    st_assert_eq_str(got, expect);
}

static void expect_ns_list(st_catalog *c, const char *parent, const char *expect)
{
    char **v;
    int n;
    st_pass(st_catalog_ns_list(c, parent, &v, &n));
    list_eq(v, n, expect);
    st_catalog_strings_free(v, n);
}

static void expect_tables(st_catalog *c, const char *ns, const char *expect)
{
    char **v;
    int n;
    st_pass(st_catalog_tbl_list(c, ns, &v, &n));
    list_eq(v, n, expect);
    st_catalog_strings_free(v, n);
}

static void expect_props(st_catalog *c, const char *ns, const char *expect)
{
    st_props p = {0};
    char got[2000] = "";
    st_pass(st_catalog_ns_properties(c, ns, &p));
    for (int i = 0; i < p.n; i++) {
        if (i)
            strcat(got, ",");
        strcat(got, p.items[i].key);
        strcat(got, "=");
        strcat(got, p.items[i].value);
    }
    st_props_dispose(&p);
    st_assert_eq_str(got, expect);
}

static void expect_get(st_catalog *c, const char *ns, const char *name, const char *want)
{
    char *loc = NULL;
    st_pass(st_catalog_tbl_get(c, ns, name, &loc));
    st_assert_eq_str(loc, want);
    st_free(loc);
}

static void expect_msg(const char *needle)
{
    st_assert_contains(st_error_last()->message, needle);
}

/* Checks a new file's name: NNNNN-<uuid>.metadata.json or v<N>.metadata.json. */
static void check_name(const char *kind, const char *loc, int version, int gzip)
{
    const char *b = ct_basename(loc);
    char want[64];
    if (is_folder(kind)) {
        snprintf(want, sizeof(want), "v%d%s", version + 1,
                 gzip ? ".gz.metadata.json" : ".metadata.json");
        st_assert_eq_str(b, want);
    } else {
        snprintf(want, sizeof(want), "%05d-", version);
        st_assert_msg(strncmp(b, want, 6) == 0, "'%s' does not start with '%s'", b, want);
        st_assert_eq_i64(strlen(b), 6 + 36 + strlen(gzip ? ".gz.metadata.json" : ".metadata.json"));
        st_assert(b[6 + 14] == '4'); /* uuid version 4 */
        st_assert(strcmp(b + 42, gzip ? ".gz.metadata.json" : ".metadata.json") == 0);
    }
}

static void expect_content(const char *loc, const char *want)
{
    char *got = ct_slurp(loc);
    st_assert_msg(got != NULL, "'%s' is missing", loc);
    st_assert_eq_str(got, want);
    free(got);
}

void ct_ops_body(const char *kind)
{
    st_catalog *c;
    st_props props = {0};
    char *defloc = NULL, *mdir = NULL, *l1 = NULL, *l2 = NULL, *l3 = NULL, *lx = NULL;
    char want[1200];
    int folder = is_folder(kind);

    if (ct_open(&c, kind))
        return;
    st_assert_eq_str(st_catalog_kind(c), !strcmp(kind, "postgres") ? "postgresql" : kind);
    st_assert(st_catalog_warehouse(c)[0] == '/');
    st_assert_eq_str(st_catalog_warehouse(c), ct_warehouse());

    /* ---- namespaces */
    st_assert_eq_i64(st_catalog_ns_exists(c, "a"), 0);
    expect_ns_list(c, NULL, "");
    if (!folder)
        st_pass(st_props_set(&props, "owner", "me"));
    st_pass(st_catalog_ns_create(c, "a", &props));
    st_fail_with(ST_EEXISTS, st_catalog_ns_create(c, "a", NULL));
    expect_msg("namespace 'a' already exists");
    st_assert_eq_i64(st_catalog_ns_exists(c, "a"), 1);
    st_pass(st_catalog_ns_create(c, "a.b", NULL));
    st_pass(st_catalog_ns_create(c, "a.b.c", NULL));
    st_pass(st_catalog_ns_create(c, "z", NULL));
    st_assert_eq_i64(st_catalog_ns_exists(c, "a.b"), 1);
    st_assert_eq_i64(st_catalog_ns_exists(c, "a.b.c"), 1);
    st_assert_eq_i64(st_catalog_ns_exists(c, "a.c"), 0);
    st_assert_eq_i64(st_catalog_ns_exists(c, "b"), 0);
    expect_ns_list(c, NULL, "a,z");
    expect_ns_list(c, "a", "a.b");
    expect_ns_list(c, "a.b", "a.b.c");
    expect_ns_list(c, "a.b.c", "");
    st_fail_with(ST_ENOTFOUND, st_catalog_ns_list(c, "nope", &(char **){NULL}, &(int){0}));
    expect_msg("namespace 'nope' does not exist");

    /* ---- properties */
    if (folder) {
        expect_props(c, "a", "");
        st_fail_with(ST_EUNSUPPORTED, st_catalog_ns_update(c, "a", &props, NULL, 0));
        st_pass(st_props_set(&props, "k", "v"));
        st_fail_with(ST_EUNSUPPORTED, st_catalog_ns_create(c, "withprops", &props));
        st_assert_eq_i64(st_catalog_ns_exists(c, "withprops"), 0);
    } else {
        char *rm[] = {"owner", "absent"};
        expect_props(c, "a", "owner=me");
        expect_props(c, "a.b", "");
        st_props_dispose(&props);
        st_pass(st_props_set(&props, "k2", "v2"));
        st_pass(st_props_set(&props, "k1", "v1"));
        st_pass(st_catalog_ns_update(c, "a", &props, rm, 2));
        expect_props(c, "a", "k1=v1,k2=v2");
        st_props_dispose(&props);
        st_pass(st_props_set(&props, "k1", "new"));
        st_pass(st_catalog_ns_update(c, "a", &props, NULL, 0));
        expect_props(c, "a", "k1=new,k2=v2");
        /* removing every property leaves the namespace */
        {
            char *all[] = {"k1", "k2"};
            st_pass(st_catalog_ns_update(c, "a", NULL, all, 2));
            expect_props(c, "a", "");
            st_assert_eq_i64(st_catalog_ns_exists(c, "a"), 1);
        }
        st_fail_with(ST_EINVALID, st_catalog_ns_update(c, "a", &props, (char *[]){"k1"}, 1));
        expect_msg("both set and removed");
        st_fail_with(ST_EINVALID, st_catalog_ns_update(c, "a", NULL, (char *[]){"exists"}, 1));
        st_props_dispose(&props);
        st_pass(st_props_set(&props, "exists", "false"));
        st_fail_with(ST_EINVALID, st_catalog_ns_update(c, "a", &props, NULL, 0));
        st_fail_with(ST_EINVALID, st_catalog_ns_create(c, "q", &props));
        st_fail_with(ST_ENOTFOUND, st_catalog_ns_update(c, "nope", NULL, NULL, 0));
        st_props_dispose(&props);
        st_fail_with(ST_ENOTFOUND, st_catalog_ns_properties(c, "nope", &props));
        expect_msg("namespace 'nope' does not exist");
    }
    st_props_dispose(&props);

    /* ---- default location */
    st_pass(st_catalog_tbl_default_location(c, "a.b", "t", &defloc));
    snprintf(want, sizeof(want), "%s/a/b/t", ct_warehouse());
    st_assert_eq_str(defloc, want);
    st_free(defloc);
    st_fail_with(ST_ENOTFOUND, st_catalog_tbl_default_location(c, "nope", "t", &defloc));
    if (!folder) {
        st_pass(st_props_set(&props, "location", "/somewhere/else/"));
        st_pass(st_catalog_ns_update(c, "z", &props, NULL, 0));
        st_props_dispose(&props);
        st_pass(st_catalog_tbl_default_location(c, "z", "t", &defloc));
        st_assert_eq_str(defloc, "/somewhere/else/t");
        st_free(defloc);
    }
    st_pass(st_catalog_tbl_default_location(c, "a", "t", &defloc));
    snprintf(want, sizeof(want), "%s/metadata", defloc);
    mdir = st_strdup(want);

    /* ---- tables: create, get, commit, conflict */
    expect_tables(c, "a", "");
    st_fail_with(ST_ENOTFOUND, st_catalog_tbl_list(c, "nope", &(char **){NULL}, &(int){0}));
    st_fail_with(ST_ENOTFOUND, st_catalog_tbl_get(c, "a", "t", &lx));
    expect_msg("table 'a.t' does not exist");
    st_fail_with(ST_ENOTFOUND, st_catalog_tbl_commit(c, "nope", "t", NULL, mdir, "{}", 2, 0, &lx));
    expect_msg("namespace 'nope' does not exist");
    st_assert(lx == NULL);

    st_pass(st_catalog_tbl_commit(c, "a", "t", NULL, mdir, "{\"v\":0}", 7, 0, &l1));
    check_name(kind, l1, 0, 0);
    expect_content(l1, "{\"v\":0}");
    st_assert_msg(strncmp(l1, mdir, strlen(mdir)) == 0, "'%s' not in '%s'", l1, mdir);
    expect_get(c, "a", "t", l1);
    st_fail_with(ST_EEXISTS, st_catalog_tbl_commit(c, "a", "t", NULL, mdir, "{}", 2, 0, &lx));
    expect_msg("already exists");
    st_assert_eq_i64(ct_count_files(mdir), folder ? 2 : 1); /* + version-hint.text */

    st_pass(st_catalog_tbl_commit(c, "a", "t", l1, mdir, "{\"v\":1}", 7, 0, &l2));
    check_name(kind, l2, 1, 0);
    expect_content(l2, "{\"v\":1}");
    expect_get(c, "a", "t", l2);

    /* a stale base loses and leaves no file behind */
    st_fail_with(ST_ECONFLICT, st_catalog_tbl_commit(c, "a", "t", l1, mdir, "{}", 2, 0, &lx));
    st_assert(st_error_last()->code == ST_ECONFLICT);
    st_assert(lx == NULL);
    st_assert_eq_i64(ct_count_files(mdir), folder ? 3 : 2);
    expect_get(c, "a", "t", l2);

    /* gzip naming; metadata_dir NULL: the base's folder */
    st_pass(st_catalog_tbl_commit(c, "a", "t", l2, NULL, "\x1f\x8b", 2, 1, &l3));
    check_name(kind, l3, 2, 1);
    expect_get(c, "a", "t", l3);
    st_fail_with(ST_ENOTFOUND,
                 st_catalog_tbl_commit(c, "a", "missing", l3, mdir, "{}", 2, 0, &lx));
    st_assert_eq_i64(ct_count_files(mdir), folder ? 4 : 3);

    st_pass(st_catalog_tbl_commit(c, "a", "u", NULL, st_test_path("u-meta"), "{}", 2, 0, &lx));
    st_free(lx);
    lx = NULL;
    expect_tables(c, "a", "t,u");
    expect_tables(c, "a.b", "");

    /* ---- dropping namespaces */
    st_fail_with(ST_ENOTEMPTY, st_catalog_ns_drop(c, "a"));
    st_fail_with(ST_ENOTEMPTY, st_catalog_ns_drop(c, "a.b"));
    st_pass(st_catalog_ns_drop(c, "a.b.c"));
    st_assert_eq_i64(st_catalog_ns_exists(c, "a.b.c"), 0);
    st_pass(st_catalog_ns_drop(c, "a.b"));
    st_fail_with(ST_ENOTFOUND, st_catalog_ns_drop(c, "a.b"));
    expect_ns_list(c, "a", "");

    /* ---- rename and register */
    if (folder) {
        st_fail_with(ST_EUNSUPPORTED, st_catalog_tbl_rename(c, "a", "t", "z", "t"));
        st_fail_with(ST_EUNSUPPORTED, st_catalog_tbl_register(c, "z", "r", l1));
    } else {
        st_fail_with(ST_ENOTFOUND, st_catalog_tbl_rename(c, "a", "t", "nope", "t"));
        expect_msg("namespace 'nope' does not exist");
        st_fail_with(ST_EEXISTS, st_catalog_tbl_rename(c, "a", "t", "a", "u"));
        expect_msg("table 'a.u' already exists");
        st_fail_with(ST_ENOTFOUND, st_catalog_tbl_rename(c, "a", "gone", "z", "x"));
        expect_msg("table 'a.gone' does not exist");
        st_pass(st_catalog_tbl_rename(c, "a", "t", "z", "t2"));
        st_fail_with(ST_ENOTFOUND, st_catalog_tbl_get(c, "a", "t", &lx));
        expect_get(c, "z", "t2", l3);
        expect_tables(c, "a", "u");
        expect_tables(c, "z", "t2");
        st_pass(st_catalog_tbl_register(c, "z", "r", l1));
        expect_get(c, "z", "r", l1);
        st_fail_with(ST_EEXISTS, st_catalog_tbl_register(c, "z", "r", l2));
        st_fail_with(ST_ENOTFOUND, st_catalog_tbl_register(c, "nope", "r", l2));
        st_pass(st_catalog_tbl_drop(c, "z", "r"));
        st_pass(st_catalog_tbl_rename(c, "z", "t2", "a", "t"));
    }

    /* ---- dropping tables: the pointer goes, the files stay (SQL) */
    st_pass(st_catalog_tbl_drop(c, "a", "t"));
    st_fail_with(ST_ENOTFOUND, st_catalog_tbl_drop(c, "a", "t"));
    expect_msg("table 'a.t' does not exist");
    st_fail_with(ST_ENOTFOUND, st_catalog_tbl_get(c, "a", "t", &lx));
    if (!folder)
        expect_content(l2, "{\"v\":1}");
    expect_tables(c, "a", "u");
    st_pass(st_catalog_tbl_drop(c, "a", "u"));
    expect_tables(c, "a", "");
    /* the name is free again */
    st_pass(st_catalog_tbl_commit(c, "a", "t", NULL, mdir, "{\"again\":1}", 11, 0, &lx));
    expect_get(c, "a", "t", lx);
    st_free(lx);
    lx = NULL;
    st_pass(st_catalog_tbl_drop(c, "a", "t"));
    st_pass(st_catalog_ns_drop(c, "a"));
    st_assert_eq_i64(st_catalog_ns_exists(c, "a"), 0);
    expect_ns_list(c, NULL, "z");

    /* ---- bad names */
    st_fail_with(ST_EINVALID, st_catalog_ns_create(c, "", NULL));
    st_fail_with(ST_EINVALID, st_catalog_ns_create(c, ".a", NULL));
    st_fail_with(ST_EINVALID, st_catalog_ns_create(c, "a.", NULL));
    st_fail_with(ST_EINVALID, st_catalog_ns_create(c, "a..b", NULL));
    st_fail_with(ST_EINVALID, st_catalog_ns_create(c, "a/b", NULL));
    st_fail_with(ST_EINVALID, st_catalog_ns_exists(c, "a\nb"));
    st_fail_with(ST_EINVALID, st_catalog_tbl_get(c, "z", "", &lx));
    st_fail_with(ST_EINVALID, st_catalog_tbl_get(c, "z", "x/y", &lx));
    st_fail_with(ST_EINVALID, st_catalog_tbl_get(c, "z", "..", &lx));
    st_fail_with(ST_EINVALID, st_catalog_tbl_commit(c, "z", "t", "", mdir, "{}", 2, 0, &lx));
    {
        char longname[300];
        memset(longname, 'x', sizeof(longname) - 1);
        longname[sizeof(longname) - 1] = 0;
        st_fail_with(ST_EINVALID, st_catalog_ns_create(c, longname, NULL));
        st_fail_with(ST_EINVALID, st_catalog_tbl_get(c, "z", longname, &lx));
    }
    st_assert(lx == NULL);

    st_free(defloc);
    st_free(mdir);
    st_free(l1);
    st_free(l2);
    st_free(l3);
    st_catalog_close(c);
}

/* ========================================================== concurrency */

typedef struct ct_worker {
    const char *kind;
    const char *mdir;
    const char *uri, *warehouse, *name; /* computed once: the helpers' buffers are static */
    int id, commits;
    int conflicts;
    char **acked; /* the locations this worker was told committed */
    int n_acked;
    char failure[1200];
} ct_worker;

static void *ct_worker_main(void *arg)
{
    ct_worker *w = arg;
    st_catalog *c = NULL;
    int rc = st_catalog_open_uri(&c, w->uri, w->warehouse, w->name);
    if (rc < 0) {
        snprintf(w->failure, sizeof(w->failure), "open: %s", st_error_last()->message);
        return NULL;
    }
    while (w->n_acked < w->commits) {
        char *cur = NULL, *loc = NULL, json[1400];
        int n;
        if ((rc = st_catalog_tbl_get(c, "ns", "t", &cur)) < 0) {
            snprintf(w->failure, sizeof(w->failure), "get: %s", st_error_last()->message);
            break;
        }
        n = snprintf(json, sizeof(json), "{\"prev\":\"%s\",\"by\":%d,\"k\":%d}", cur, w->id,
                     w->n_acked);
        /* odd workers write gzip names: in a folder they race for other
         * spellings of the same version */
        rc = st_catalog_tbl_commit(c, "ns", "t", cur, w->mdir, json, (size_t)n, w->id % 2, &loc);
        st_free(cur);
        if (rc == ST_ECONFLICT) {
            w->conflicts++;
            continue;
        }
        if (rc < 0) {
            snprintf(w->failure, sizeof(w->failure), "commit: %d %s", rc,
                     st_error_last()->message);
            break;
        }
        w->acked[w->n_acked++] = loc;
    }
    st_catalog_close(c);
    return NULL;
}

/* The "prev" of a file written by a worker (malloc'ed), NULL for the root. */
static char *prev_of(const char *loc)
{
    char *text = ct_slurp(loc), *p, *end, *out = NULL;
    st_assert_msg(text != NULL, "'%s' is missing", loc);
    if ((p = strstr(text, "\"prev\":\"")) != NULL) {
        p += 8;
        end = strchr(p, '"');
        out = strndup(p, (size_t)(end - p));
    }
    free(text);
    return out;
}

/* Runs the worker in a child process; its acknowledged locations come back
 * through a file, one per line. */
static void run_in_child(ct_worker *w, pid_t *pid)
{
    char path[1300];
    snprintf(path, sizeof(path), "%s/acks-%d", st_test_tmpdir(), w->id);
    fflush(stdout);
    *pid = fork();
    st_assert(*pid >= 0);
    if (*pid == 0) {
        FILE *f;
        ct_worker_main(w);
        f = fopen(path, "w");
        for (int k = 0; f && k < w->n_acked; k++)
            fprintf(f, "%s\n", w->acked[k]);
        if (f)
            fprintf(f, "CONFLICTS %d\n", w->conflicts);
        if (f && w->failure[0])
            fprintf(f, "FAILURE %s\n", w->failure);
        if (f)
            fclose(f);
        _exit(0);
    }
}

static void collect_child(ct_worker *w, pid_t pid)
{
    char path[1300], line[1400];
    int status = 0;
    FILE *f;
    st_assert(waitpid(pid, &status, 0) == pid);
    st_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "worker %d died", w->id);
    snprintf(path, sizeof(path), "%s/acks-%d", st_test_tmpdir(), w->id);
    f = fopen(path, "r");
    st_assert(f);
    while (fgets(line, sizeof(line), f)) {
        line[strcspn(line, "\n")] = 0;
        if (!strncmp(line, "FAILURE ", 8))
            snprintf(w->failure, sizeof(w->failure), "%.1100s", line + 8);
        else if (!strncmp(line, "CONFLICTS ", 10))
            w->conflicts = atoi(line + 10);
        else if (w->n_acked < w->commits)
            w->acked[w->n_acked++] = st_strdup(line);
    }
    fclose(f);
    unlink(path);
}

void ct_concurrent_body(const char *kind, int threads, int commits, int processes)
{
    pid_t pids[16];
    st_catalog *c;
    pthread_t tid[16];
    ct_worker w[16];
    char *root = NULL, *cur = NULL, mdir[1200], uri[1400], wh[1200], name[200];
    int total = 0, conflicts = 0, steps = 0;

    if (ct_open(&c, kind))
        return;
    snprintf(mdir, sizeof(mdir), "%s/ns/t/metadata", ct_warehouse());
    snprintf(uri, sizeof(uri), "%s", ct_uri(kind));
    snprintf(wh, sizeof(wh), "%s", ct_warehouse());
    snprintf(name, sizeof(name), "%s", ct_name());
    st_pass(st_catalog_ns_create(c, "ns", NULL));
    st_pass(st_catalog_tbl_commit(c, "ns", "t", NULL, mdir, "{}", 2, 0, &root));
    for (int i = 0; i < threads; i++) {
        memset(&w[i], 0, sizeof(w[i]));
        w[i].kind = kind;
        w[i].mdir = mdir;
        w[i].uri = uri;
        w[i].warehouse = wh;
        w[i].name = is_folder(kind) ? NULL : name;
        w[i].id = i;
        w[i].commits = commits;
        w[i].acked = calloc((size_t)commits, sizeof(char *));
        if (processes)
            run_in_child(&w[i], &pids[i]);
        else
            st_assert(pthread_create(&tid[i], NULL, ct_worker_main, &w[i]) == 0);
    }
    for (int i = 0; i < threads; i++) {
        if (processes)
            collect_child(&w[i], pids[i]);
        else
            pthread_join(tid[i], NULL);
    }
    for (int i = 0; i < threads; i++) {
        st_assert_msg(!w[i].failure[0], "worker %d: %s", i, w[i].failure);
        total += w[i].n_acked;
        conflicts += w[i].conflicts;
    }
    st_assert_eq_i64(total, threads * commits);

    /* Walk the chain back from the current pointer: every acknowledged
     * commit must be on it exactly once, and nothing else. */
    st_pass(st_catalog_tbl_get(c, "ns", "t", &cur));
    while (strcmp(cur, root) != 0) {
        char *prev;
        int found = 0;
        for (int i = 0; i < threads; i++)
            for (int k = 0; k < w[i].n_acked; k++)
                if (w[i].acked[k] && !strcmp(w[i].acked[k], cur)) {
                    found++;
                    st_free(w[i].acked[k]);
                    w[i].acked[k] = NULL;
                }
        st_assert_msg(found == 1, "'%s' is on the chain but was acknowledged %d times", cur,
                      found);
        prev = prev_of(cur);
        st_assert_msg(prev != NULL, "'%s' has no prev", cur);
        st_free(cur);
        cur = st_strdup(prev);
        free(prev);
        steps++;
        st_assert(steps <= total);
    }
    st_assert_eq_i64(steps, total);
    /* and no stray files: the root, the acknowledged ones (+ the hint) */
    st_assert_eq_i64(ct_count_files(mdir), total + 1 + (is_folder(kind) ? 1 : 0));
    for (int i = 0; i < threads; i++)
        free(w[i].acked);
    st_free(cur);
    st_free(root);
    st_catalog_close(c);
    (void)conflicts;
}
