/* SPDX-License-Identifier: Apache-2.0 */
/* Location maps ("FROM=TO" prefix rewrites) and locations -> local paths. */
#include <string.h>

#include "supertable/errors.h"
#include "util/location.h"
#include "util/alloc.h"
#include "util/fs.h"

int st_location_map_init(st_location_map *m, const char *const *pairs)
{
    memset(m, 0, sizeof *m);
    int n = 0;
    while (pairs && pairs[n])
        n++;
    if (!n)
        return 0;
    m->from = st_calloc((size_t)n, sizeof(char *));
    m->to = st_calloc((size_t)n, sizeof(char *));
    if (!m->from || !m->to) {
        st_location_map_dispose(m);
        return st_error_set_oom();
    }
    for (int i = 0; i < n; i++) {
        const char *eq = strchr(pairs[i], '=');
        if (!eq || eq == pairs[i]) {
            st_location_map_dispose(m);
            return st_error_set(ST_EINVALID, ST_ERROR_IO,
                                "location map '%s': expected FROM=TO", pairs[i]);
        }
        m->from[i] = st_strndup(pairs[i], (size_t)(eq - pairs[i]));
        m->to[i] = st_strdup(eq + 1);
        m->n = i + 1;
        if (!m->from[i] || !m->to[i]) {
            st_location_map_dispose(m);
            return st_error_set_oom();
        }
    }
    return 0;
}

int st_location_map_copy(st_location_map *dst, const st_location_map *src)
{
    memset(dst, 0, sizeof *dst);
    if (!src || !src->n)
        return 0;
    dst->from = st_calloc((size_t)src->n, sizeof(char *));
    dst->to = st_calloc((size_t)src->n, sizeof(char *));
    if (!dst->from || !dst->to) {
        st_location_map_dispose(dst);
        return st_error_set_oom();
    }
    for (int i = 0; i < src->n; i++) {
        dst->from[i] = st_strdup(src->from[i]);
        dst->to[i] = st_strdup(src->to[i]);
        dst->n = i + 1;
        if (!dst->from[i] || !dst->to[i]) {
            st_location_map_dispose(dst);
            return st_error_set_oom();
        }
    }
    return 0;
}

void st_location_map_dispose(st_location_map *m)
{
    for (int i = 0; i < m->n; i++) {
        st_free(m->from[i]);
        st_free(m->to[i]);
    }
    st_free(m->from);
    st_free(m->to);
    memset(m, 0, sizeof *m);
}

int st_location_resolve(char **out, const st_location_map *m, const char *location)
{
    const char *rest = location, *to = "";
    size_t best = 0;
    *out = NULL;
    for (int i = 0; m && i < m->n; i++) {
        size_t n = strlen(m->from[i]);
        if (n > best && strncmp(location, m->from[i], n) == 0) {
            best = n;
            rest = location + n;
            to = m->to[i];
        }
    }
    size_t tl = strlen(to), rl = strlen(rest);
    char *p = st_malloc(tl + rl + 2);
    if (!p)
        return st_error_set_oom();
    memcpy(p, to, tl);
    /* "FROM=TO" with FROM "a/b" and location "a/b/c": keep exactly one slash */
    if (tl && rl && to[tl - 1] != '/' && rest[0] != '/')
        p[tl++] = '/';
    else if (tl && rl && to[tl - 1] == '/' && rest[0] == '/')
        rest++, rl--;
    memcpy(p + tl, rest, rl + 1);

    int rc = st_local_path(p, out);
    st_free(p);
    return rc;
}
