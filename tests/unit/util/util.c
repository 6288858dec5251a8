/* SPDX-License-Identifier: Apache-2.0 */
/* Tests for util/: errors, allocation and its failure injection, buffers, arena, hash, pool. */
#include "st_test.h"

#include <stdatomic.h>
#include <supertable/errors.h>
#include "util/alloc.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/hash.h"
#include "util/pool.h"

void test_util_error__set_and_last(void)
{
    st_error_clear();
    st_assert_eq_i64(st_error_last()->code, 0);
    st_assert_eq_str(st_error_last()->message, "");
    st_assert_eq_i64(st_error_set(ST_ECORRUPT, ST_ERROR_PARQUET, "bad page at %d", 42), ST_ECORRUPT);
    st_assert_eq_str(st_error_last()->message, "bad page at 42");
    st_assert_eq_i64(st_error_last()->klass, ST_ERROR_PARQUET);
    st_assert_eq_str(st_error_code_name(ST_ECORRUPT), "ST_ECORRUPT");
    st_error_set(ST_ECONFLICT, ST_ERROR_NONE, "lost race");
    st_assert(st_error_last()->retryable);
}

void test_util_error__wrap_previous_message(void)
{
    st_error_set(ST_EIO, ST_ERROR_IO, "disk");
    st_error_set(ST_EIO, ST_ERROR_IO, "reading x: %s", st_error_last()->message);
    st_assert_eq_str(st_error_last()->message, "reading x: disk");
}

void test_util_error__save_restore(void)
{
    st_error_saved saved;
    st_error_set(ST_ENOTFOUND, ST_ERROR_IO, "no such table");
    st_error_save(&saved);
    st_error_clear();
    st_assert_eq_i64(st_error_restore(&saved), ST_ENOTFOUND);
    st_assert_eq_str(st_error_last()->message, "no such table");
}

void test_util_alloc__fail_injection(void)
{
    void *p;
    st_alloc_fail_after(1);
    p = st_malloc(10);
    st_assert(p != NULL);
    st_assert(st_malloc(10) == NULL);
    st_assert_eq_i64(st_error_last()->code, ST_ENOMEM);
    void *q = st_malloc(10);
    st_assert(q != NULL);
    st_alloc_fail_after(-1);
    st_free(p);
    st_free(q);
}

void test_util_alloc__overflow_rejected(void)
{
    st_assert(st_mallocarray(SIZE_MAX / 2, 4) == NULL);
    st_assert(st_calloc(SIZE_MAX / 2, 4) == NULL);
    st_assert_eq_i64(st_error_last()->code, ST_ENOMEM);
}

void test_util_buf__printf_and_grow(void)
{
    st_buf b = ST_BUF_INIT;
    st_assert_eq_str(st_buf_cstr(&b), "");
    for (int i = 0; i < 1000; i++)
        st_pass(st_buf_printf(&b, "%d,", i));
    st_assert(b.len > 3000);
    st_assert(memcmp(b.ptr, "0,1,2,", 6) == 0);
    st_buf_clear(&b);
    st_pass(st_buf_puts(&b, "abc"));
    st_assert_eq_str(st_buf_cstr(&b), "abc");
    uint8_t *p = st_buf_detach(&b);
    st_assert(b.ptr == NULL && b.len == 0);
    st_free(p);
    st_buf_dispose(&b);
}

void test_util_buf__oom_leaves_buffer_intact(void)
{
    st_buf b = ST_BUF_INIT;
    st_pass(st_buf_puts(&b, "keep"));
    st_alloc_fail_after(0);
    st_assert_eq_i64(st_buf_grow(&b, 1 << 20), ST_ENOMEM);
    st_alloc_fail_after(-1);
    st_assert_eq_str(st_buf_cstr(&b), "keep");
    st_buf_dispose(&b);
}

void test_util_arena__many_and_large(void)
{
    st_arena a = ST_ARENA_INIT;
    char *s = st_arena_strdup(&a, "hello");
    st_assert_eq_str(s, "hello");
    for (int i = 0; i < 10000; i++) {
        int *x = st_arena_alloc(&a, sizeof(int) * (size_t)(i % 7 + 1));
        st_assert(x != NULL);
        st_assert(((uintptr_t)x & 15) == 0);
        *x = i;
    }
    uint8_t *big = st_arena_calloc(&a, 1, 1 << 20);
    st_assert(big && big[12345] == 0);
    st_assert(st_arena_alloc(&a, 8) != NULL);
    st_arena_dispose(&a);
}

void test_util_hash__xxh64_vectors(void)
{
    /* Published xxHash test vectors. */
    st_assert_eq_u64(st_xxh64("", 0, 0), 0xEF46DB3751D8E999ULL);
    st_assert_eq_u64(st_xxh64("a", 1, 0), 0xD24EC4F1A98C6E5BULL);
    st_assert_eq_u64(st_xxh64("abc", 3, 0), 0x44BC2CF5AD770999ULL);
    st_assert_eq_u64(st_xxh64("Nobody inspects the spammish repetition", 39, 0),
                     0xFBCEA83C8A378BF1ULL);
}

static atomic_long pool_sum;

static int add_index(void *payload, size_t i)
{
    (void)payload;
    atomic_fetch_add(&pool_sum, (long)i);
    return 0;
}

static int fail_at_7(void *payload, size_t i)
{
    (void)payload;
    if (i == 7)
        return st_error_set(ST_ECORRUPT, ST_ERROR_PARQUET, "item %zu is bad", i);
    return 0;
}

static int nested_job(void *payload, size_t i)
{
    (void)i;
    return st_pool_run((st_pool *)payload, 10, add_index, NULL);
}

void test_util_pool__parallel_for(void)
{
    st_pool *p;
    st_pass(st_pool_new(&p, 3));
    st_assert_eq_i64(st_pool_width(p), 4);
    for (int round = 0; round < 20; round++) {
        atomic_store(&pool_sum, 0);
        st_pass(st_pool_run(p, 1000, add_index, NULL));
        st_assert_eq_i64(atomic_load(&pool_sum), 999 * 1000 / 2);
    }
    st_error_clear();
    st_assert_eq_i64(st_pool_run(p, 100, fail_at_7, NULL), ST_ECORRUPT);
    st_assert_eq_str(st_error_last()->message, "item 7 is bad");
    atomic_store(&pool_sum, 0);
    st_pass(st_pool_run(p, 5, nested_job, p));
    st_assert_eq_i64(atomic_load(&pool_sum), 5 * 45);
    st_pool_free(p);
}

void test_util_pool__no_workers(void)
{
    st_pool *p;
    st_pass(st_pool_new(&p, 0));
    atomic_store(&pool_sum, 0);
    st_pass(st_pool_run(p, 10, add_index, NULL));
    st_assert_eq_i64(atomic_load(&pool_sum), 45);
    st_pool_free(p);
    st_assert(st_pool_default() != NULL);
}

void test_util_alloc__large_blocks_grow_and_move(void)
{
    /* Growing within a large block's size class keeps the block; crossing
     * classes moves it with its contents; small blocks realloc normally. */
    uint8_t *p = st_malloc(70000), *q;
    st_assert(p != NULL);
    for (int i = 0; i < 70000; i++)
        p[i] = (uint8_t)i;
    q = st_realloc(p, 100000);      /* same 128 KiB class */
    st_assert(q != NULL);
    p = st_realloc(q, 3 << 20);     /* a larger class */
    st_assert(p != NULL);
    for (int i = 0; i < 70000; i++)
        st_assert(p[i] == (uint8_t)i);
    q = st_realloc(p, 10);          /* back to small */
    st_assert(q != NULL && q[9] == 9);
    p = st_realloc(q, 200);
    st_assert(p != NULL && p[5] == 5);
    st_free(p);
    /* A freed large block can be handed out again, still writable end to end. */
    p = st_calloc(1, 1 << 20);
    st_assert(p != NULL && p[(1 << 20) - 1] == 0);
    memset(p, 7, 1 << 20);
    st_free(p);
    p = st_calloc(1, 1 << 20);
    st_assert(p != NULL && p[12345] == 0 && p[(1 << 20) - 1] == 0);
    st_free(p);
}

static int add_twice_index(void *payload, size_t i)
{
    atomic_fetch_add((atomic_long *)payload, 2 * (long)i);
    return 0;
}

static int fail_on_3(void *payload, size_t i)
{
    (void)payload;
    return i == 3 ? st_error_set(ST_EIO, ST_ERROR_IO, "task %zu failed", i) : 0;
}

typedef struct {
    st_pool *pool;
    atomic_long sum;
} nested_ctx;

/* A task that waits on a group of its own: must not deadlock (waiters help). */
static int spawn_inner(void *payload, size_t i)
{
    nested_ctx *n = payload;
    st_task_group *g;
    int rc;
    (void)i;
    if ((rc = st_task_group_new(&g, n->pool)) < 0)
        return rc;
    for (size_t k = 0; k < 8; k++)
        st_task_group_add(g, add_twice_index, &n->sum, k);
    rc = st_task_group_wait(g);
    st_task_group_free(g);
    return rc;
}

void test_util_pool__task_groups(void)
{
    st_pool *p;
    st_task_group *g;
    atomic_long sum = 0;
    nested_ctx n;
    st_pass(st_pool_new(&p, 2));
    st_pass(st_task_group_new(&g, p));
    for (size_t i = 0; i < 500; i++)
        st_pass(st_task_group_add(g, add_twice_index, &sum, i));
    st_pass(st_task_group_wait(g));
    st_assert_eq_i64(atomic_load(&sum), 499 * 500);
    /* A group can be reused after a wait. */
    st_pass(st_task_group_add(g, add_twice_index, &sum, 1));
    st_pass(st_task_group_wait(g));
    st_assert_eq_i64(atomic_load(&sum), 499 * 500 + 2);
    st_task_group_free(g);

    st_pass(st_task_group_new(&g, p));
    for (size_t i = 0; i < 10; i++)
        st_pass(st_task_group_add(g, fail_on_3, NULL, i));
    st_error_clear();
    st_fail_with(ST_EIO, st_task_group_wait(g));
    st_assert_eq_str(st_error_last()->message, "task 3 failed");
    st_task_group_free(g);

    n.pool = p;
    atomic_store(&n.sum, 0);
    st_pass(st_task_group_new(&g, p));
    for (size_t i = 0; i < 6; i++)
        st_pass(st_task_group_add(g, spawn_inner, &n, i));
    st_pass(st_task_group_wait(g));
    st_assert_eq_i64(atomic_load(&n.sum), 6 * 56);
    st_task_group_free(g);
    st_pool_free(p);

    /* Without a pool, tasks run when added. */
    st_pass(st_task_group_new(&g, NULL));
    atomic_store(&sum, 0);
    st_pass(st_task_group_add(g, add_twice_index, &sum, 5));
    st_assert_eq_i64(atomic_load(&sum), 10);
    st_pass(st_task_group_wait(g));
    st_task_group_free(g);
}
