/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The memory catalog: pointers in process memory; metadata files are still
 * written (under the metadata folder the table layer gives) by catalog.c.
 *
 * Handles opened with the same warehouse and catalog name share one store,
 * so threads of a process see each other's commits as they would through a
 * database; the store is freed with its last handle. One process-wide mutex
 * guards the registry and every store: operations are short, and a single
 * lock makes each call atomic (the pointer swap is then a plain
 * compare-and-set).
 *
 * The rules are the SQL catalog's: a namespace exists when created, when it
 * holds tables, or when a namespace below it exists; properties are kept in
 * key order.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "catalog/catalog_int.h"
#include "util/alloc.h"
#include "util/buf.h"

typedef struct mem_ns {
    char *name;
    st_props props;
} mem_ns;

typedef struct mem_tbl {
    char *ns, *name, *loc;
} mem_tbl;

typedef struct mem_store {
    struct mem_store *next;
    char *warehouse, *name;
    int refs;
    mem_ns *ns;
    int n_ns, cap_ns;
    mem_tbl *tbl;
    int n_tbl, cap_tbl;
} mem_store;

typedef struct cat_mem {
    st_catalog base;
    mem_store *store;
} cat_mem;

static pthread_mutex_t mem_lock = PTHREAD_MUTEX_INITIALIZER;
static mem_store *mem_stores;

#define LOCKED(c, call)                                                                            \
    do {                                                                                           \
        int rc__;                                                                                  \
        pthread_mutex_lock(&mem_lock);                                                             \
        rc__ = (call);                                                                             \
        pthread_mutex_unlock(&mem_lock);                                                           \
        return rc__;                                                                               \
    } while (0)

static mem_store *store_of(st_catalog *c)
{
    return ((cat_mem *)c)->store;
}

static int find_ns(const mem_store *m, const char *ns)
{
    for (int i = 0; i < m->n_ns; i++)
        if (strcmp(m->ns[i].name, ns) == 0)
            return i;
    return -1;
}

static int find_tbl(const mem_store *m, const char *ns, const char *name)
{
    for (int i = 0; i < m->n_tbl; i++)
        if (strcmp(m->tbl[i].ns, ns) == 0 && strcmp(m->tbl[i].name, name) == 0)
            return i;
    return -1;
}

static int ns_exists_locked(const mem_store *m, const char *ns)
{
    for (int i = 0; i < m->n_ns; i++)
        if (st_cat_ns_within(m->ns[i].name, ns))
            return 1;
    for (int i = 0; i < m->n_tbl; i++)
        if (st_cat_ns_within(m->tbl[i].ns, ns))
            return 1;
    return 0;
}

/* Adds an empty namespace entry; its index or ST_ENOMEM. */
static int add_ns(mem_store *m, const char *ns)
{
    char *name;
    if (m->n_ns == m->cap_ns) {
        int cap = m->cap_ns ? m->cap_ns * 2 : 8;
        mem_ns *v = st_reallocarray(m->ns, (size_t)cap, sizeof(*v));
        if (!v)
            return st_error_set_oom();
        m->ns = v;
        m->cap_ns = cap;
    }
    if (!(name = st_strdup(ns)))
        return st_error_set_oom();
    memset(&m->ns[m->n_ns], 0, sizeof(m->ns[0]));
    m->ns[m->n_ns].name = name;
    return m->n_ns++;
}

static void remove_ns(mem_store *m, int i)
{
    st_free(m->ns[i].name);
    st_props_dispose(&m->ns[i].props);
    m->ns[i] = m->ns[--m->n_ns];
}

static int mem_ns_create_locked(mem_store *m, const char *ns, const st_props *props)
{
    int i, rc;
    if (ns_exists_locked(m, ns))
        return st_error_set(ST_EEXISTS, ST_ERROR_CATALOG, "namespace '%s' already exists", ns);
    if ((i = add_ns(m, ns)) < 0)
        return i;
    if (props && (rc = st_props_copy(&m->ns[i].props, props)) < 0) {
        remove_ns(m, i);
        return rc;
    }
    return 0;
}

static int mem_ns_create(st_catalog *c, const char *ns, const st_props *props)
{
    LOCKED(c, mem_ns_create_locked(store_of(c), ns, props));
}

static int mem_ns_exists(st_catalog *c, const char *ns)
{
    LOCKED(c, ns_exists_locked(store_of(c), ns));
}

static int mem_ns_list_locked(mem_store *m, const char *parent, st_strv *out)
{
    int rc = 0;
    if (parent && !ns_exists_locked(m, parent))
        return st_cat_err_no_ns(parent);
    for (int i = 0; rc == 0 && i < m->n_ns; i++)
        rc = st_cat_add_child(out, parent, m->ns[i].name);
    for (int i = 0; rc == 0 && i < m->n_tbl; i++)
        rc = st_cat_add_child(out, parent, m->tbl[i].ns);
    return rc;
}

static int mem_ns_list(st_catalog *c, const char *parent, st_strv *out)
{
    LOCKED(c, mem_ns_list_locked(store_of(c), parent, out));
}

static int kv_cmp(const void *a, const void *b)
{
    return strcmp(((const st_kv *)a)->key, ((const st_kv *)b)->key);
}

static int mem_ns_properties_locked(mem_store *m, const char *ns, st_props *out)
{
    int i = find_ns(m, ns), rc;
    if (!ns_exists_locked(m, ns))
        return st_cat_err_no_ns(ns);
    if (i < 0)
        return 0;
    if ((rc = st_props_copy(out, &m->ns[i].props)) < 0)
        return rc;
    if (out->n > 1)
        qsort(out->items, (size_t)out->n, sizeof(*out->items), kv_cmp);
    return 0;
}

static int mem_ns_properties(st_catalog *c, const char *ns, st_props *out)
{
    LOCKED(c, mem_ns_properties_locked(store_of(c), ns, out));
}

static int mem_ns_update_locked(mem_store *m, const char *ns, const st_props *set,
                                char *const *remove, int n_remove)
{
    st_props next = {0};
    int i = find_ns(m, ns), rc;
    if (!ns_exists_locked(m, ns))
        return st_cat_err_no_ns(ns);
    if (i < 0 && (i = add_ns(m, ns)) < 0)
        return i;
    /* Build the new set aside so a failure leaves the old one whole. */
    if ((rc = st_props_copy(&next, &m->ns[i].props)) < 0)
        goto fail;
    for (int k = 0; k < n_remove; k++)
        st_props_remove(&next, remove[k]);
    if (set && (rc = st_props_copy(&next, set)) < 0)
        goto fail;
    st_props_dispose(&m->ns[i].props);
    m->ns[i].props = next;
    return 0;
fail:
    st_props_dispose(&next);
    return rc;
}

static int mem_ns_update(st_catalog *c, const char *ns, const st_props *set, char *const *remove,
                         int n_remove)
{
    LOCKED(c, mem_ns_update_locked(store_of(c), ns, set, remove, n_remove));
}

/* A namespace or table namespace strictly below ns. */
static int has_children(const mem_store *m, const char *ns)
{
    for (int i = 0; i < m->n_tbl; i++)
        if (strcmp(m->tbl[i].ns, ns) != 0 && st_cat_ns_within(m->tbl[i].ns, ns))
            return 1;
    for (int i = 0; i < m->n_ns; i++)
        if (strcmp(m->ns[i].name, ns) != 0 && st_cat_ns_within(m->ns[i].name, ns))
            return 1;
    return 0;
}

static int mem_ns_drop_locked(mem_store *m, const char *ns)
{
    int i;
    if (!ns_exists_locked(m, ns))
        return st_cat_err_no_ns(ns);
    for (i = 0; i < m->n_tbl; i++)
        if (strcmp(m->tbl[i].ns, ns) == 0)
            return st_error_set(ST_ENOTEMPTY, ST_ERROR_CATALOG,
                                "namespace '%s' is not empty: it holds tables", ns);
    if (has_children(m, ns))
        return st_error_set(ST_ENOTEMPTY, ST_ERROR_CATALOG,
                            "namespace '%s' is not empty: it holds namespaces", ns);
    if ((i = find_ns(m, ns)) >= 0)
        remove_ns(m, i);
    return 0;
}

static int mem_ns_drop(st_catalog *c, const char *ns)
{
    LOCKED(c, mem_ns_drop_locked(store_of(c), ns));
}

static int mem_tbl_list_locked(mem_store *m, const char *ns, st_strv *out)
{
    int rc = 0;
    if (!ns_exists_locked(m, ns))
        return st_cat_err_no_ns(ns);
    for (int i = 0; rc == 0 && i < m->n_tbl; i++)
        if (strcmp(m->tbl[i].ns, ns) == 0)
            rc = st_strv_push(out, m->tbl[i].name);
    return rc;
}

static int mem_tbl_list(st_catalog *c, const char *ns, st_strv *out)
{
    LOCKED(c, mem_tbl_list_locked(store_of(c), ns, out));
}

static int mem_tbl_get_locked(mem_store *m, const char *ns, const char *name, char **loc)
{
    int i = find_tbl(m, ns, name);
    if (i < 0)
        return st_cat_err_no_table(ns, name);
    if (!(*loc = st_strdup(m->tbl[i].loc)))
        return st_error_set_oom();
    return 0;
}

static int mem_tbl_get(st_catalog *c, const char *ns, const char *name, char **loc)
{
    LOCKED(c, mem_tbl_get_locked(store_of(c), ns, name, loc));
}

static int mem_tbl_insert_locked(mem_store *m, const char *ns, const char *name, const char *loc)
{
    mem_tbl t = {0};
    if (!ns_exists_locked(m, ns))
        return st_cat_err_no_ns(ns);
    if (find_tbl(m, ns, name) >= 0)
        return st_error_set(ST_EEXISTS, ST_ERROR_CATALOG, "table '%s.%s' already exists", ns,
                            name);
    if (m->n_tbl == m->cap_tbl) {
        int cap = m->cap_tbl ? m->cap_tbl * 2 : 8;
        mem_tbl *v = st_reallocarray(m->tbl, (size_t)cap, sizeof(*v));
        if (!v)
            return st_error_set_oom();
        m->tbl = v;
        m->cap_tbl = cap;
    }
    if (!(t.ns = st_strdup(ns)) || !(t.name = st_strdup(name)) || !(t.loc = st_strdup(loc))) {
        st_free(t.ns);
        st_free(t.name);
        return st_error_set_oom();
    }
    m->tbl[m->n_tbl++] = t;
    return 0;
}

static int mem_tbl_register(st_catalog *c, const char *ns, const char *name, const char *loc)
{
    LOCKED(c, mem_tbl_insert_locked(store_of(c), ns, name, loc));
}

static int mem_tbl_swap_locked(mem_store *m, const char *ns, const char *name, const char *base,
                               const char *loc)
{
    int i;
    char *copy;
    if (!base)
        return mem_tbl_insert_locked(m, ns, name, loc);
    if ((i = find_tbl(m, ns, name)) < 0)
        return st_cat_err_no_table(ns, name);
    if (strcmp(m->tbl[i].loc, base) != 0) {
        st_error_set(ST_ECONFLICT, ST_ERROR_CATALOG,
                     "table '%s.%s' was changed concurrently: its metadata is no longer '%s'", ns,
                     name, base);
        return ST_ECONFLICT;
    }
    if (!(copy = st_strdup(loc)))
        return st_error_set_oom();
    st_free(m->tbl[i].loc);
    m->tbl[i].loc = copy;
    return 0;
}

static int mem_tbl_swap(st_catalog *c, const char *ns, const char *name, const char *base,
                        const char *loc)
{
    LOCKED(c, mem_tbl_swap_locked(store_of(c), ns, name, base, loc));
}

static int mem_tbl_drop_locked(mem_store *m, const char *ns, const char *name)
{
    int i = find_tbl(m, ns, name);
    if (i < 0)
        return st_cat_err_no_table(ns, name);
    st_free(m->tbl[i].ns);
    st_free(m->tbl[i].name);
    st_free(m->tbl[i].loc);
    m->tbl[i] = m->tbl[--m->n_tbl];
    return 0;
}

static int mem_tbl_drop(st_catalog *c, const char *ns, const char *name)
{
    LOCKED(c, mem_tbl_drop_locked(store_of(c), ns, name));
}

static int mem_tbl_rename_locked(mem_store *m, const char *ns, const char *name,
                                 const char *to_ns, const char *to_name)
{
    int i, j;
    char *nns, *nname;
    if (!ns_exists_locked(m, to_ns))
        return st_cat_err_no_ns(to_ns);
    if ((i = find_tbl(m, ns, name)) < 0)
        return st_cat_err_no_table(ns, name);
    if ((j = find_tbl(m, to_ns, to_name)) >= 0 && j != i)
        return st_error_set(ST_EEXISTS, ST_ERROR_CATALOG, "table '%s.%s' already exists", to_ns,
                            to_name);
    if (!(nns = st_strdup(to_ns)) || !(nname = st_strdup(to_name))) {
        st_free(nns);
        return st_error_set_oom();
    }
    st_free(m->tbl[i].ns);
    st_free(m->tbl[i].name);
    m->tbl[i].ns = nns;
    m->tbl[i].name = nname;
    return 0;
}

static int mem_tbl_rename(st_catalog *c, const char *ns, const char *name, const char *to_ns,
                          const char *to_name)
{
    LOCKED(c, mem_tbl_rename_locked(store_of(c), ns, name, to_ns, to_name));
}

static void store_free(mem_store *m)
{
    while (m->n_ns > 0)
        remove_ns(m, m->n_ns - 1);
    while (m->n_tbl > 0) {
        mem_tbl *t = &m->tbl[--m->n_tbl];
        st_free(t->ns);
        st_free(t->name);
        st_free(t->loc);
    }
    st_free(m->ns);
    st_free(m->tbl);
    st_free(m->warehouse);
    st_free(m->name);
    st_free(m);
}

static void mem_close(st_catalog *c)
{
    cat_mem *h = (cat_mem *)c;
    if (h->store) {
        pthread_mutex_lock(&mem_lock);
        if (--h->store->refs == 0) {
            for (mem_store **p = &mem_stores; *p; p = &(*p)->next)
                if (*p == h->store) {
                    *p = h->store->next;
                    break;
                }
            store_free(h->store);
        }
        pthread_mutex_unlock(&mem_lock);
    }
    st_cat_base_dispose(c);
    st_free(h);
}

static const cat_vtable memory_vt = {
    "memory",          mem_close,     mem_ns_create,    mem_ns_exists, mem_ns_list,
    mem_ns_properties, mem_ns_update, mem_ns_drop,      mem_tbl_list,  mem_tbl_get,
    mem_tbl_swap,      NULL,          mem_tbl_register, mem_tbl_drop,  mem_tbl_rename,
    NULL,
};

/* The shared store for (warehouse, name), created when missing; refs taken. */
static int store_attach(mem_store **out, const char *warehouse, const char *name)
{
    mem_store *m;
    for (m = mem_stores; m; m = m->next)
        if (strcmp(m->warehouse, warehouse) == 0 && strcmp(m->name, name) == 0) {
            m->refs++;
            *out = m;
            return 0;
        }
    if (!(m = st_calloc(1, sizeof(*m))))
        return st_error_set_oom();
    if (!(m->warehouse = st_strdup(warehouse)) || !(m->name = st_strdup(name))) {
        store_free(m);
        return st_error_set_oom();
    }
    m->refs = 1;
    m->next = mem_stores;
    mem_stores = m;
    *out = m;
    return 0;
}

int st_cat_memory_open(st_catalog **out, const char *warehouse, const char *name)
{
    cat_mem *h = st_calloc(1, sizeof(*h));
    st_buf uri = ST_BUF_INIT;
    int rc;
    *out = NULL;
    if (!h)
        return st_error_set_oom();
    if (st_buf_printf(&uri, "memory:?catalog=%s", name) < 0) {
        st_free(h);
        return st_error_set_oom();
    }
    if ((rc = st_cat_base_init(&h->base, &memory_vt, st_buf_cstr(&uri), warehouse, name)) < 0) {
        st_buf_dispose(&uri);
        mem_close(&h->base);
        return rc;
    }
    st_buf_dispose(&uri);
    pthread_mutex_lock(&mem_lock);
    rc = store_attach(&h->store, warehouse, name);
    pthread_mutex_unlock(&mem_lock);
    if (rc < 0) {
        mem_close(&h->base);
        return rc;
    }
    *out = &h->base;
    return 0;
}
