/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Test runner: `st_tests [-s PREFIX]... [-v] [-l]`. Runs every registered test whose
 * name starts with one of the prefixes (all when none is given), prints failures,
 * and exits non-zero if any failed.
 */
#include "st_test.h"
#include "st_test_int.h"

#include <stdlib.h>
#include <ftw.h>
#include <unistd.h>

#include <supertable/errors.h>
#include <supertable/common.h>
#include "st_test_registry.h"

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb; (void)flag; (void)ftw;
    return remove(path);
}

static int selected(const char *name, char **prefixes, int n)
{
    if (n == 0)
        return 1;
    for (int i = 0; i < n; i++)
        if (strncmp(name, prefixes[i], strlen(prefixes[i])) == 0)
            return 1;
    return 0;
}

int main(int argc, char **argv)
{
    char *prefixes[64];
    int n_prefix = 0;
    static int verbose, list, ran, failed; /* static: they survive longjmp */

    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-s") && i + 1 < argc && n_prefix < 64)
            prefixes[n_prefix++] = argv[++i];
        else if (!strcmp(argv[i], "-v"))
            verbose = 1;
        else if (!strcmp(argv[i], "-l"))
            list = 1;
        else {
            fprintf(stderr, "usage: %s [-s suite[::case]]... [-v] [-l]\n", argv[0]);
            return 2;
        }
    }
    st_init();
    for (const st_test_entry *t = st_test_registry; t->name; t++) {
        if (!selected(t->name, prefixes, n_prefix))
            continue;
        if (list) {
            puts(t->name);
            continue;
        }
        st_test_cur.name = t->name;
        st_test_cur.tmpdir[0] = 0;
        st_test_cur.msg[0] = 0;
        st_error_clear();
        ran++;
        if (setjmp(st_test_cur.jmp) == 0) {
            t->fn();
            if (verbose)
                printf("ok   %s\n", t->name);
            if (st_test_cur.tmpdir[0])
                nftw(st_test_cur.tmpdir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
        } else {
            failed++;
            printf("FAIL %s\n     %s\n", t->name, st_test_cur.msg);
        }
        fflush(stdout);
    }
    if (!list)
        printf("%d tests, %d failed\n", ran, failed);
    if (!list && ran == 0) {
        fprintf(stderr, "no test matched\n");
        return 1;
    }
    return failed ? 1 : 0;
}
