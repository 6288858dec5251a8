/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Commit benchmark (bench/commit.sh drives it; results in bench/results/commit.md).
 *
 *   bench_commit baseline DIR N
 *       the floor a durable commit pays on this disk: write a small file,
 *       fsync it, rename it into place (N times); prints median and p99 ms.
 *   bench_commit latency URI TABLE N
 *       N one-file appends (one row each) by one writer; each timed from
 *       st_table_begin to st_txn_commit returning (the data file, manifest,
 *       manifest list, metadata file and the catalog swap); prints median and
 *       p99 ms.
 *   bench_commit throughput URI TABLE WRITERS N
 *       WRITERS processes each make N one-file appends to the same table;
 *       prints commits per second (wall clock) and the retries it took.
 *
 * The table must exist with the schema "k long".
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <supertable/catalog.h>
#include <supertable/errors.h>
#include <supertable/table.h>

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void report(const char *what, double *ms, int n)
{
    qsort(ms, (size_t)n, sizeof *ms, cmp_double);
    int p99 = (int)((double)n * 0.99);
    if (p99 >= n)
        p99 = n - 1;
    printf("%s median_ms=%.3f p99_ms=%.3f n=%d\n", what, ms[n / 2], ms[p99], n);
}

static int die(const char *what)
{
    fprintf(stderr, "bench_commit: %s: %s\n", what, st_error_last()->message);
    return 1;
}

static int baseline(const char *dir, int n)
{
    double *ms = calloc((size_t)n, sizeof *ms);
    char tmp[4096], dst[4096], buf[2048];
    memset(buf, 'x', sizeof buf);
    for (int i = 0; i < n; i++) {
        snprintf(tmp, sizeof tmp, "%s/base.%d.tmp", dir, i);
        snprintf(dst, sizeof dst, "%s/base.%d", dir, i);
        double t0 = now_s();
        int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fd < 0 || write(fd, buf, sizeof buf) != (ssize_t)sizeof buf || fsync(fd) != 0 ||
            close(fd) != 0 || rename(tmp, dst) != 0) {
            perror("baseline");
            return 1;
        }
        ms[i] = (now_s() - t0) * 1000;
        unlink(dst);
    }
    report("baseline", ms, n);
    free(ms);
    return 0;
}

static int one_append(st_table *t, st_type *schema, int64_t k, int *retries)
{
    st_batch *b;
    st_txn *x;
    int rc = st_batch_new(&b, schema, 1);
    if (rc)
        return rc;
    st_vector_append_i64(b->columns[0], k);
    st_batch_seal(b);
    for (;;) {
        if ((rc = st_table_begin(&x, t)) == 0) {
            if ((rc = st_txn_write(x, b)) == 0)
                rc = st_txn_commit(x, NULL);
            st_txn_free(x);
        }
        if (rc != ST_ECONFLICT)
            break;
        (*retries)++;
        if ((rc = st_table_refresh(t)) != 0)
            break;
    }
    st_batch_free(b);
    return rc;
}

static int open_table(const char *uri, const char *name, st_catalog **c, st_table **t,
                      st_type **schema)
{
    if (st_catalog_open(c, uri, NULL) || st_catalog_load_table(t, *c, name))
        return die("open");
    if (st_schema_parse(schema, "k long"))
        return die("schema");
    return 0;
}

static int latency(const char *uri, const char *name, int n)
{
    st_catalog *c;
    st_table *t;
    st_type *schema;
    int retries = 0;
    if (open_table(uri, name, &c, &t, &schema))
        return 1;
    double *ms = calloc((size_t)n, sizeof *ms);
    for (int i = 0; i < n; i++) {
        double t0 = now_s();
        if (one_append(t, schema, i, &retries))
            return die("append");
        ms[i] = (now_s() - t0) * 1000;
    }
    report("latency", ms, n);
    free(ms);
    st_type_free(schema);
    st_table_free(t);
    st_catalog_free(c);
    return 0;
}

static int throughput(const char *uri, const char *name, int writers, int n)
{
    int fds[2];
    if (pipe(fds) != 0)
        return 1;
    double t0 = now_s();
    for (int w = 0; w < writers; w++) {
        if (fork() == 0) {
            st_catalog *c;
            st_table *t;
            st_type *schema;
            int retries = 0;
            if (open_table(uri, name, &c, &t, &schema))
                _exit(1);
            for (int i = 0; i < n; i++)
                if (one_append(t, schema, (int64_t)w * n + i, &retries))
                    _exit(die("append"));
            if (write(fds[1], &retries, sizeof retries) != (ssize_t)sizeof retries)
                _exit(1);
            _exit(0);
        }
    }
    int failed = 0, retries = 0;
    for (int w = 0; w < writers; w++) {
        int status;
        wait(&status);
        failed += !WIFEXITED(status) || WEXITSTATUS(status) != 0;
    }
    double secs = now_s() - t0;
    close(fds[1]);
    int r;
    while (read(fds[0], &r, sizeof r) == (ssize_t)sizeof r)
        retries += r;
    close(fds[0]);
    if (failed)
        return 1;
    printf("throughput writers=%d commits=%d seconds=%.3f commits_per_s=%.1f retries=%d\n",
           writers, writers * n, secs, writers * n / secs, retries);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 4 && strcmp(argv[1], "baseline") == 0)
        return baseline(argv[2], atoi(argv[3]));
    if (argc == 5 && strcmp(argv[1], "latency") == 0)
        return latency(argv[2], argv[3], atoi(argv[4]));
    if (argc == 6 && strcmp(argv[1], "throughput") == 0)
        return throughput(argv[2], argv[3], atoi(argv[4]), atoi(argv[5]));
    fprintf(stderr, "usage: bench_commit baseline DIR N | latency URI TABLE N | "
                    "throughput URI TABLE WRITERS N\n");
    return 2;
}
