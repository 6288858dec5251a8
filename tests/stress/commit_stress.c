/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Many processes appending to one table at once, through one catalog.
 *
 *   commit_stress run URI TABLE WRITERS COMMITS LOGDIR [--kill]
 *       forks WRITERS processes; each makes COMMITS one-row appends (row:
 *       writer, seq) and, after each commit that returned success, appends
 *       "writer seq snapshot_id" to LOGDIR/ack.<writer> (flushed and fsync'ed:
 *       an acknowledgement survives the writer's death). With --kill the
 *       parent SIGKILLs random writers at random moments and starts them again
 *       (they resume after their last acknowledged seq).
 *   commit_stress verify URI TABLE WRITERS COMMITS LOGDIR
 *       loads the table and checks that every writer acknowledged all COMMITS
 *       commits, that each is a snapshot of main's history exactly once, and
 *       that the live data holds every acknowledged row exactly once and
 *       nothing that was never attempted. Exit 0 when all holds.
 *
 * Only the public API is used.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <supertable/catalog.h>
#include <supertable/errors.h>
#include <supertable/parquet.h>
#include <supertable/table.h>
#include <supertable/vector.h>

static int die(const char *what)
{
    fprintf(stderr, "commit_stress: %s: %s\n", what, st_error_last()->message);
    return 1;
}

static int last_acked(const char *logdir, int w)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/ack.%d", logdir, w);
    FILE *f = fopen(path, "r");
    int last = -1, a, s;
    long long id;
    if (!f)
        return -1;
    int inc;
    while (fscanf(f, "%d %d %lld %d", &a, &s, &id, &inc) == 4)
        last = s;
    fclose(f);
    return last;
}

static int writer(const char *uri, const char *name, int w, int commits, const char *logdir)
{
    st_catalog *c;
    st_table *t;
    st_type *schema;
    char path[4096];
    if (st_catalog_open(&c, uri, NULL))
        return die("open catalog");
    if (st_catalog_load_table(&t, c, name))
        return die("load table");
    if (st_schema_parse(&schema, "writer int not null, seq int not null, inc int not null"))
        return die("schema");
    snprintf(path, sizeof path, "%s/ack.%d", logdir, w);
    FILE *ack = fopen(path, "a");
    if (!ack)
        return 1;
    srand((unsigned)(getpid() ^ time(NULL)));
    for (int seq = last_acked(logdir, w) + 1; seq < commits; seq++) {
        for (;;) {
            st_batch *b;
            st_txn *x;
            int64_t sid = -1;
            if (st_batch_new(&b, schema, 1))
                return die("batch");
            st_vector_append_i32(b->columns[0], w);
            st_vector_append_i32(b->columns[1], seq);
            st_vector_append_i32(b->columns[2], (int32_t)getpid());
            st_batch_seal(b);
            int rc = st_table_refresh(t);
            if (rc == 0)
                rc = st_table_begin(&x, t);
            if (rc == 0) {
                rc = st_txn_write(x, b);
                if (rc == 0)
                    rc = st_txn_commit(x, &sid);
                st_txn_free(x);
            }
            st_batch_free(b);
            if (rc == 0) {
                fprintf(ack, "%d %d %lld %d\n", w, seq, (long long)sid, (int)getpid());
                fflush(ack);
                fsync(fileno(ack));
                break;
            }
            if (rc != ST_ECONFLICT)
                return die("commit");
            /* out of retries under heavy contention: try again, as a client would */
        }
    }
    fclose(ack);
    st_type_free(schema);
    st_table_free(t);
    st_catalog_free(c);
    return 0;
}

static pid_t spawn(const char *uri, const char *name, int w, int commits, const char *logdir)
{
    pid_t p = fork();
    if (p == 0)
        _exit(writer(uri, name, w, commits, logdir));
    return p;
}

static int run(const char *uri, const char *name, int writers, int commits, const char *logdir,
               int kill_mode)
{
    pid_t *pids = calloc((size_t)writers, sizeof *pids);
    int *done = calloc((size_t)writers, sizeof *done);
    int failures = 0, kills = 0;
    srand((unsigned)time(NULL));
    for (int w = 0; w < writers; w++)
        pids[w] = spawn(uri, name, w, commits, logdir);
    int left = writers;
    while (left > 0) {
        if (kill_mode) {
            struct timespec ts = {0, (long)(20 + rand() % 200) * 1000000L};
            nanosleep(&ts, NULL);
            int w = rand() % writers;
            if (!done[w]) {
                kill(pids[w], SIGKILL);
                kills++;
            }
        }
        int status;
        pid_t p = kill_mode ? waitpid(-1, &status, WNOHANG) : waitpid(-1, &status, 0);
        while (p > 0) {
            for (int w = 0; w < writers; w++) {
                if (pids[w] != p)
                    continue;
                if (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) {
                    pids[w] = spawn(uri, name, w, commits, logdir);   /* resume it */
                } else {
                    done[w] = 1;
                    left--;
                    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
                        fprintf(stderr, "commit_stress: writer %d failed (status %d)\n", w,
                                status);
                        failures++;
                    }
                }
            }
            p = kill_mode ? waitpid(-1, &status, WNOHANG) : 0;
        }
    }
    if (kill_mode)
        printf("killed %d writers\n", kills);
    free(pids);
    free(done);
    return failures ? 1 : 0;
}

static int verify(const char *uri, const char *name, int writers, int commits,
                  const char *logdir)
{
    st_catalog *c;
    st_table *t;
    int errors = 0;
    if (st_catalog_open(&c, uri, NULL) || st_catalog_load_table(&t, c, name))
        return die("load");
    /* main's ancestry: the snapshots that are the table's history */
    size_t ns = st_table_snapshot_count(t);
    int64_t cur = st_table_current_snapshot_id(t);
    int64_t *chain = calloc(ns + 1, sizeof *chain);
    size_t nc = 0;
    while (cur >= 0 && nc <= ns) {
        st_snapshot_info si;
        if (st_table_snapshot_by_id(t, cur, &si))
            break;
        chain[nc++] = cur;
        cur = si.parent_id;
    }
    /* rows of the live files */
    st_file_info *files;
    size_t nf;
    if (st_table_files(t, -1, &files, &nf))
        return die("files");
    /* every row once: (writer, seq, incarnation) is unique per attempt that landed */
    typedef struct { int w, s, inc; } row_key;
    size_t cap = 1024, n = 0;
    row_key *keys = malloc(cap * sizeof *keys);
    for (size_t i = 0; i < nf; i++) {
        st_parquet_reader *r;
        st_batch *b;
        if (st_parquet_reader_open(&r, files[i].path, NULL))
            return die("open data file");
        for (int g = 0; g < st_parquet_reader_num_row_groups(r); g++) {
            if (st_parquet_reader_read_row_group(&b, r, g))
                return die("read data file");
            for (int64_t k = 0; k < b->length; k++) {
                if (n == cap)
                    keys = realloc(keys, (cap *= 2) * sizeof *keys);
                keys[n].w = st_vector_get_i32(b->columns[0], k);
                keys[n].s = st_vector_get_i32(b->columns[1], k);
                keys[n].inc = st_vector_get_i32(b->columns[2], k);
                if (keys[n].w < 0 || keys[n].w >= writers || keys[n].s < 0 || keys[n].s >= commits) {
                    fprintf(stderr, "row (%d, %d) was never written\n", keys[n].w, keys[n].s);
                    errors++;
                }
                n++;
            }
            st_batch_free(b);
        }
        st_parquet_reader_free(r);
    }
    /* duplicates: sort (insertion sort: a test's few thousand rows), compare neighbours */
    for (size_t i = 1; i < n; i++) {
        row_key v = keys[i];
        size_t j = i;
        while (j > 0 && (keys[j - 1].w > v.w || (keys[j - 1].w == v.w && (keys[j - 1].s > v.s ||
               (keys[j - 1].s == v.s && keys[j - 1].inc > v.inc))))) {
            keys[j] = keys[j - 1];
            j--;
        }
        keys[j] = v;
    }
    for (size_t i = 1; i < n; i++)
        if (keys[i].w == keys[i - 1].w && keys[i].s == keys[i - 1].s &&
            keys[i].inc == keys[i - 1].inc) {
            fprintf(stderr, "row (%d, %d, %d) is in the table twice\n", keys[i].w, keys[i].s,
                    keys[i].inc);
            errors++;
        }
    int64_t rows = (int64_t)n;
    int64_t acked = 0;
    for (int w = 0; w < writers; w++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/ack.%d", logdir, w);
        FILE *f = fopen(path, "r");
        int a, s, inc, last = -1;
        long long id;
        if (!f) {
            fprintf(stderr, "writer %d left no acknowledgements (%s)\n", w, path);
            errors++;
            continue;
        }
        while (fscanf(f, "%d %d %lld %d", &a, &s, &id, &inc) == 4) {
            acked++;
            last = s;
            int found = 0;
            for (size_t k = 0; k < nc; k++)
                found += chain[k] == id;
            if (found != 1) {
                fprintf(stderr, "acknowledged commit %d/%d (snapshot %lld) is in the history "
                        "%d times\n", a, s, id, found);
                errors++;
            }
            int present = 0;
            for (size_t k = 0; k < n; k++)
                present += keys[k].w == a && keys[k].s == s && keys[k].inc == inc;
            if (present != 1) {
                fprintf(stderr, "acknowledged row (%d, %d) is in the table %d times\n", a, s,
                        present);
                errors++;
            }
        }
        fclose(f);
        if (last != commits - 1) {
            fprintf(stderr, "writer %d acknowledged up to commit %d of %d\n", w, last, commits);
            errors++;
        }
    }
    printf("%lld acknowledged commits, %zu snapshots on main, %lld rows, %d errors\n",
           (long long)acked, nc, (long long)rows, errors);
    st_file_infos_free(files, nf);
    free(keys);
    free(chain);
    st_table_free(t);
    st_catalog_free(c);
    return errors ? 1 : 0;
}

int main(int argc, char **argv)
{
    if (argc >= 7 && strcmp(argv[1], "run") == 0)
        return run(argv[2], argv[3], atoi(argv[4]), atoi(argv[5]), argv[6],
                   argc > 7 && strcmp(argv[7], "--kill") == 0);
    if (argc == 7 && strcmp(argv[1], "verify") == 0)
        return verify(argv[2], argv[3], atoi(argv[4]), atoi(argv[5]), argv[6]);
    fprintf(stderr, "usage: commit_stress run URI TABLE WRITERS COMMITS LOGDIR [--kill]\n"
                    "       commit_stress verify URI TABLE WRITERS COMMITS LOGDIR\n");
    return 2;
}
