/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Schema evolution with Iceberg's rules: columns are found by name but kept by
 * id; added columns get fresh ids above last-column-id (and are optional, so
 * old files read them as null); renames keep the id; only safe promotions
 * (int -> long, float -> double, decimal precision up) are allowed; required
 * columns can become optional, never the reverse.
 *
 * st_type is immutable, so the schema is copied into a small mutable tree,
 * changed, and built back.
 */
#include <stdio.h>
#include <string.h>

#include "supertable/errors.h"
#include "table/txn_int.h"
#include "util/alloc.h"

typedef struct mnode mnode;

typedef struct mfield {
    int32_t id;
    char *name;
    int required;
    char *doc;
    mnode *type;
} mfield;

struct mnode {
    st_type *prim;       /* primitive: a reference */
    st_type_id kind;     /* struct, list, map, or the primitive's id */
    mfield *fields;      /* struct: members; list: [element]; map: [key, value] */
    int n;
};

static void mnode_free(mnode *m);

static void mfield_dispose(mfield *f)
{
    st_free(f->name);
    st_free(f->doc);
    mnode_free(f->type);
}

static void mnode_free(mnode *m)
{
    if (!m)
        return;
    for (int i = 0; i < m->n; i++)
        mfield_dispose(&m->fields[i]);
    st_free(m->fields);
    st_type_free(m->prim);
    st_free(m);
}

static mnode *from_type(const st_type *t)
{
    mnode *m = st_calloc(1, sizeof *m);
    if (!m)
        return NULL;
    m->kind = t->id;
    if (!st_type_is_nested(t)) {
        m->prim = st_type_ref((st_type *)t);
        return m;
    }
    m->fields = st_calloc((size_t)(t->n_fields ? t->n_fields : 1), sizeof(mfield));
    if (!m->fields) {
        st_free(m);
        return NULL;
    }
    for (int i = 0; i < t->n_fields; i++) {
        const st_field *f = &t->fields[i];
        mfield *d = &m->fields[i];
        m->n = i + 1;
        d->id = f->id;
        d->required = f->required;
        d->name = st_strdup(f->name ? f->name : "");
        d->doc = f->doc ? st_strdup(f->doc) : NULL;
        d->type = from_type(f->type);
        if (!d->name || (f->doc && !d->doc) || !d->type) {
            mnode_free(m);
            return NULL;
        }
    }
    return m;
}

static int to_type(st_type **out, const mnode *m)
{
    if (m->prim) {
        *out = st_type_ref(m->prim);
        return 0;
    }
    st_field *fs = st_calloc((size_t)(m->n ? m->n : 1), sizeof *fs);
    int rc = 0;
    if (!fs)
        return st_error_set_oom();
    for (int i = 0; i < m->n && rc == 0; i++) {
        fs[i].id = m->fields[i].id;
        fs[i].name = m->fields[i].name;
        fs[i].required = m->fields[i].required;
        fs[i].doc = m->fields[i].doc;
        rc = to_type(&fs[i].type, m->fields[i].type);
    }
    if (rc == 0) {
        if (m->kind == ST_TYPE_STRUCT)
            rc = st_type_struct_new(out, fs, m->n);
        else if (m->kind == ST_TYPE_LIST)
            rc = st_type_list_new(out, &fs[0]);
        else
            rc = st_type_map_new(out, &fs[0], &fs[1]);
    }
    for (int i = 0; i < m->n; i++)
        st_type_free(fs[i].type);
    st_free(fs);
    return rc;
}

/* The struct that holds the fields of `m`: a struct itself, or the struct
 * inside a list element / map value (Iceberg lets "points.x" name x in
 * list<struct<x ...>>). */
static mnode *as_struct(mnode *m)
{
    for (int hops = 0; m && hops < 8; hops++) {
        if (m->kind == ST_TYPE_STRUCT)
            return m;
        if (m->kind == ST_TYPE_LIST)
            m = m->fields[0].type;
        else if (m->kind == ST_TYPE_MAP)
            m = m->fields[1].type;
        else
            return NULL;
    }
    return NULL;
}

/* Finds the parent struct and index of a dotted name; -1 index if absent. */
static int find(mnode *root, const char *name, mnode **parent, int *index, char **leaf)
{
    mnode *cur = root;
    const char *s = name;
    *parent = NULL;
    *index = -1;
    *leaf = NULL;
    for (;;) {
        const char *dot = strchr(s, '.');
        size_t n = dot ? (size_t)(dot - s) : strlen(s);
        mnode *st = as_struct(cur);
        if (!st || n == 0)
            return st_error_set(ST_ENOTFOUND, ST_ERROR_TABLE, "column '%s' does not exist", name);
        int found = -1;
        for (int i = 0; i < st->n; i++)
            if (strlen(st->fields[i].name) == n && memcmp(st->fields[i].name, s, n) == 0)
                found = i;
        if (!dot) {
            *parent = st;
            *index = found;
            *leaf = st_strndup(s, n);
            return *leaf ? 0 : st_error_set_oom();
        }
        if (found < 0)
            return st_error_set(ST_ENOTFOUND, ST_ERROR_TABLE, "column '%s' does not exist", name);
        cur = st->fields[found].type;
        s = dot + 1;
    }
}

static int find_existing(mnode *root, const char *name, mnode **parent, int *index)
{
    char *leaf = NULL;
    int rc = find(root, name, parent, index, &leaf);
    st_free(leaf);
    if (rc == 0 && *index < 0)
        rc = st_error_set(ST_ENOTFOUND, ST_ERROR_TABLE, "column '%s' does not exist", name);
    return rc;
}

/* Fresh ids in Iceberg's order: a struct numbers its fields, then visits them. */
static void assign_ids(mnode *m, int32_t *last)
{
    if (!m || m->prim)
        return;
    for (int i = 0; i < m->n; i++)
        m->fields[i].id = ++*last;
    for (int i = 0; i < m->n; i++)
        assign_ids(m->fields[i].type, last);
}

static int insert_at(mnode *st, int pos, const mfield *f)
{
    mfield *nf = st_realloc(st->fields, (size_t)(st->n + 1) * sizeof *nf);
    if (!nf)
        return st_error_set_oom();
    st->fields = nf;
    memmove(nf + pos + 1, nf + pos, (size_t)(st->n - pos) * sizeof *nf);
    nf[pos] = *f;
    st->n++;
    return 0;
}

static int position_of(mnode *st, const char *after, int first, const char *what)
{
    if (first)
        return 0;
    if (!after)
        return st->n;
    /* `after` may be dotted; only its last part names a sibling */
    const char *dot = strrchr(after, '.');
    const char *sib = dot ? dot + 1 : after;
    for (int i = 0; i < st->n; i++)
        if (strcmp(st->fields[i].name, sib) == 0)
            return i + 1;
    return st_error_set(ST_ENOTFOUND, ST_ERROR_TABLE, "%s: column '%s' does not exist", what,
                        after);
}

static int field_in_use(const st_table_metadata *md, int32_t id, char *why, size_t n)
{
    const st_partition_spec *spec = st_metadata_default_spec(md);
    for (int i = 0; spec && i < spec->n_fields; i++)
        if (spec->fields[i].source_id == id &&
            spec->fields[i].transform.kind != ST_TRANSFORM_VOID) {
            snprintf(why, n, "it is partitioned by '%s' (drop the partition field first)",
                     spec->fields[i].name);
            return 1;
        }
    const st_sort_order *o = st_metadata_sort_order(md, md->default_sort_order_id);
    for (int i = 0; o && i < o->n_fields; i++)
        if (o->fields[i].source_id == id) {
            snprintf(why, n, "the table is sorted by it (change the sort order first)");
            return 1;
        }
    const st_schema *s = st_metadata_current_schema(md);
    for (int i = 0; s && i < s->n_identifier_ids; i++)
        if (s->identifier_ids[i] == id) {
            snprintf(why, n, "it is an identifier field");
            return 1;
        }
    return 0;
}

static int check_promotion(const char *name, const st_type *from, const st_type *to)
{
    if (st_type_equals(from, to))
        return 0;
    int ok = (from->id == ST_TYPE_INT && to->id == ST_TYPE_LONG) ||
             (from->id == ST_TYPE_FLOAT && to->id == ST_TYPE_DOUBLE) ||
             (from->id == ST_TYPE_DECIMAL && to->id == ST_TYPE_DECIMAL &&
              from->scale == to->scale && to->precision >= from->precision);
    if (ok)
        return 0;
    char *a = NULL, *b = NULL;
    st_type_to_string(&a, from);
    st_type_to_string(&b, to);
    int rc = st_error_set(ST_EINVALID, ST_ERROR_TABLE,
                          "cannot change column '%s' from %s to %s: only int -> long, "
                          "float -> double and a wider decimal precision (same scale) are "
                          "allowed",
                          name, a ? a : "?", b ? b : "?");
    st_free(a);
    st_free(b);
    return rc;
}

static int apply_one(mnode *root, const txn_intent *in, const st_table_metadata *md,
                     int32_t *last)
{
    mnode *st;
    int idx, rc;
    char why[160];
    switch (in->kind) {
    case TI_ADD_COLUMN: {
        char *leaf = NULL;
        if ((rc = find(root, in->s1, &st, &idx, &leaf)) < 0)
            return rc;
        if (idx >= 0) {
            rc = st_error_set(ST_EEXISTS, ST_ERROR_TABLE, "column '%s' already exists", in->s1);
            st_free(leaf);
            return rc;
        }
        mfield f;
        memset(&f, 0, sizeof f);
        f.name = leaf;
        f.required = 0;
        f.id = ++*last;
        if (in->s2 && !(f.doc = st_strdup(in->s2))) {
            st_free(leaf);
            return st_error_set_oom();
        }
        if (!(f.type = from_type(in->type))) {
            mfield_dispose(&f);
            return st_error_set_oom();
        }
        assign_ids(f.type, last);
        if (f.type->prim == NULL && f.type->kind == ST_TYPE_STRUCT)
            for (int i = 0; i < f.type->n; i++)
                f.type->fields[i].required = 0;   /* nested adds are optional too */
        int pos = position_of(st, in->s3, in->flag, "add column");
        if (pos < 0) {
            mfield_dispose(&f);
            return pos;
        }
        if ((rc = insert_at(st, pos, &f)) < 0)
            mfield_dispose(&f);
        return rc;
    }
    case TI_DROP_COLUMN: {
        if ((rc = find_existing(root, in->s1, &st, &idx)) < 0)
            return rc;
        mfield *f = &st->fields[idx];
        if (field_in_use(md, f->id, why, sizeof why))
            return st_error_set(ST_EINVALID, ST_ERROR_TABLE, "cannot drop column '%s': %s",
                                in->s1, why);
        for (int i = 0; i < f->type->n; i++)
            if (f->type->fields[i].id >= 0 &&
                field_in_use(md, f->type->fields[i].id, why, sizeof why))
                return st_error_set(ST_EINVALID, ST_ERROR_TABLE,
                                    "cannot drop column '%s': its field '%s': %s", in->s1,
                                    f->type->fields[i].name, why);
        if (st == root && root->n == 1)
            return st_error_set(ST_EINVALID, ST_ERROR_TABLE,
                                "cannot drop column '%s': a table needs at least one column",
                                in->s1);
        mfield_dispose(f);
        memmove(st->fields + idx, st->fields + idx + 1, (size_t)(st->n - idx - 1) * sizeof *f);
        st->n--;
        return 0;
    }
    case TI_RENAME_COLUMN: {
        if ((rc = find_existing(root, in->s1, &st, &idx)) < 0)
            return rc;
        for (int i = 0; i < st->n; i++)
            if (i != idx && strcmp(st->fields[i].name, in->s2) == 0)
                return st_error_set(ST_EEXISTS, ST_ERROR_TABLE,
                                    "cannot rename '%s' to '%s': that column exists", in->s1,
                                    in->s2);
        char *n = st_strdup(in->s2);
        if (!n)
            return st_error_set_oom();
        st_free(st->fields[idx].name);
        st->fields[idx].name = n;
        return 0;
    }
    case TI_ALTER_TYPE: {
        if ((rc = find_existing(root, in->s1, &st, &idx)) < 0)
            return rc;
        mfield *f = &st->fields[idx];
        if (!f->type->prim || st_type_is_nested(in->type))
            return st_error_set(ST_EINVALID, ST_ERROR_TABLE,
                                "cannot change the type of '%s': only primitive columns can be "
                                "promoted",
                                in->s1);
        if ((rc = check_promotion(in->s1, f->type->prim, in->type)) < 0)
            return rc;
        st_type_free(f->type->prim);
        f->type->prim = st_type_ref(in->type);
        f->type->kind = in->type->id;
        return 0;
    }
    case TI_MAKE_OPTIONAL:
        if ((rc = find_existing(root, in->s1, &st, &idx)) < 0)
            return rc;
        {
            const st_schema *s = st_metadata_current_schema(md);
            for (int i = 0; s && i < s->n_identifier_ids; i++)
                if (s->identifier_ids[i] == st->fields[idx].id)
                    return st_error_set(ST_EINVALID, ST_ERROR_TABLE,
                                        "column '%s' is an identifier field and must stay "
                                        "required",
                                        in->s1);
        }
        st->fields[idx].required = 0;
        return 0;
    case TI_MOVE_COLUMN: {
        if ((rc = find_existing(root, in->s1, &st, &idx)) < 0)
            return rc;
        if (in->s2) {
            const char *dot = strrchr(in->s2, '.');
            const char *sib = dot ? dot + 1 : in->s2;
            if (strcmp(sib, st->fields[idx].name) == 0)
                return st_error_set(ST_EINVALID, ST_ERROR_TABLE,
                                    "cannot move '%s' after itself", in->s1);
        }
        mfield f = st->fields[idx];
        memmove(st->fields + idx, st->fields + idx + 1, (size_t)(st->n - idx - 1) * sizeof f);
        st->n--;
        int pos = position_of(st, in->s2, in->flag, "move column");
        if (pos < 0) {
            /* put it back: the schema must stay whole on failure paths too */
            memmove(st->fields + idx + 1, st->fields + idx, (size_t)(st->n - idx) * sizeof f);
            st->fields[idx] = f;
            st->n++;
            return pos;
        }
        memmove(st->fields + pos + 1, st->fields + pos, (size_t)(st->n - pos) * sizeof f);
        st->fields[pos] = f;
        st->n++;
        return 0;
    }
    case TI_SET_DOC: {
        if ((rc = find_existing(root, in->s1, &st, &idx)) < 0)
            return rc;
        char *d = *in->s2 ? st_strdup(in->s2) : NULL;
        if (*in->s2 && !d)
            return st_error_set_oom();
        st_free(st->fields[idx].doc);
        st->fields[idx].doc = d;
        return 0;
    }
    default:
        return 0;
    }
}

int st_schema_evolve(st_schema *out, const st_table_metadata *base, const txn_intent *intents,
                     int n, int32_t *last_column_id)
{
    const st_schema *cur = st_metadata_current_schema(base);
    mnode *root;
    int rc = 0;
    memset(out, 0, sizeof *out);
    if (!cur)
        return st_error_set(ST_ECORRUPT, ST_ERROR_TABLE, "the table has no current schema");
    if (!(root = from_type(cur->type)))
        return st_error_set_oom();
    for (int i = 0; i < n && rc == 0; i++)
        rc = apply_one(root, &intents[i], base, last_column_id);
    if (rc == 0)
        rc = to_type(&out->type, root);
    mnode_free(root);
    if (rc)
        return rc;
    out->schema_id = -1;
    /* identifier fields that are still present stay identifier fields */
    if (cur->n_identifier_ids) {
        out->identifier_ids = st_calloc((size_t)cur->n_identifier_ids, sizeof(int32_t));
        if (!out->identifier_ids) {
            st_schema_dispose(out);
            return st_error_set_oom();
        }
        for (int i = 0; i < cur->n_identifier_ids; i++)
            if (st_schema_find_id(out->type, cur->identifier_ids[i]))
                out->identifier_ids[out->n_identifier_ids++] = cur->identifier_ids[i];
    }
    return 0;
}
