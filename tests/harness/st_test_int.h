/* SPDX-License-Identifier: Apache-2.0 */
/* Harness state shared by main.c and st_test.c. */
#ifndef ST_TEST_INT_H
#define ST_TEST_INT_H
#include <setjmp.h>

typedef struct {
    jmp_buf jmp;
    const char *name;
    char msg[4096];
    char tmpdir[1024];
} st_test_state;

extern st_test_state st_test_cur;
#endif
