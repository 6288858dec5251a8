/* SPDX-License-Identifier: Apache-2.0 */
/* Ordered string maps: table properties, snapshot summaries. Few keys (tens),
 * so a linear search beats hashing and keeps the writer's order. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "spec/spec.h"
#include "supertable/errors.h"
#include "supertable/sys/alloc.h"
#include "util/alloc.h"

static int find(const st_props *p, const char *key)
{
    for (int i = 0; i < p->n; i++)
        if (strcmp(p->items[i].key, key) == 0) return i;
    return -1;
}

const char *st_props_get(const st_props *p, const char *key)
{
    int i = find(p, key);
    return i < 0 ? NULL : p->items[i].value;
}

int st_props_set(st_props *p, const char *key, const char *value)
{
    char *v = st_strdup(value ? value : "");
    if (!v) return st_error_set_oom();
    int i = find(p, key);
    if (i >= 0) {
        st_free(p->items[i].value);
        p->items[i].value = v;
        return 0;
    }
    if (p->n == p->cap) {
        int cap = p->cap ? p->cap * 2 : 8;
        st_kv *items = st_realloc(p->items, (size_t)cap * sizeof *items);
        if (!items) {
            st_free(v);
            return st_error_set_oom();
        }
        p->items = items;
        p->cap = cap;
    }
    char *k = st_strdup(key);
    if (!k) {
        st_free(v);
        return st_error_set_oom();
    }
    p->items[p->n].key = k;
    p->items[p->n].value = v;
    p->n++;
    return 0;
}

int st_props_remove(st_props *p, const char *key)
{
    int i = find(p, key);
    if (i < 0) return 0;
    st_free(p->items[i].key);
    st_free(p->items[i].value);
    memmove(p->items + i, p->items + i + 1, (size_t)(p->n - i - 1) * sizeof *p->items);
    p->n--;
    return 1;
}

int st_props_copy(st_props *dst, const st_props *src)
{
    for (int i = 0; i < src->n; i++) {
        int rc = st_props_set(dst, src->items[i].key, src->items[i].value);
        if (rc) return rc;
    }
    return 0;
}

void st_props_dispose(st_props *p)
{
    for (int i = 0; i < p->n; i++) {
        st_free(p->items[i].key);
        st_free(p->items[i].value);
    }
    st_free(p->items);
    p->items = NULL;
    p->n = p->cap = 0;
}

int64_t st_props_get_i64(const st_props *p, const char *key, int64_t dflt)
{
    const char *v = st_props_get(p, key);
    if (!v || !*v) return dflt;
    char *end;
    errno = 0;
    long long x = strtoll(v, &end, 10);
    if (errno || *end) return dflt;
    return (int64_t)x;
}
