/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Parquet schema -> Iceberg types and the level bookkeeping (see schema.h).
 *
 * Two passes. First the flattened SchemaElement list (depth-first, each group
 * followed by its num_children children) becomes a raw tree, rejecting counts
 * that run past the list. Then each raw node is interpreted: annotated LIST and
 * MAP groups, bare repeated fields (a required list), structs and leaves, while
 * the definition and repetition levels are counted down the tree.
 */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include <supertable/errors.h>
#include "parquet/schema.h"
#include "util/alloc.h"

typedef struct raw_node {
    const pq_schema_element *el;
    int n_children;
    struct raw_node *children;
} raw_node;

/* One level of an Iceberg name mapping: names -> id, with nested fields. */
typedef struct {
    json_t *fields;  /* a JSON array of {"field-id", "names", "fields"}, or NULL */
} mapping;

typedef struct {
    pq_schema *s;
    const pq_file_metadata *md;
    int next_leaf;
    int leaf_cap;
} builder;

#define MAX_DEPTH 100

static int corrupt(const char *msg, const char *name)
{
    return st_error_set(ST_ECORRUPT, ST_ERROR_PARQUET, "invalid Parquet schema: %s%s%s%s", msg,
                        name ? " ('" : "", name ? name : "", name ? "')" : "");
}

/* ------------------------------------------------------------ raw tree */

static int build_raw(raw_node *out, const pq_file_metadata *md, uint32_t *pos, int depth,
                     st_arena *a)
{
    const pq_schema_element *el;
    if (*pos >= md->n_schema)
        return corrupt("children counts run past the end of the schema", NULL);
    if (depth > MAX_DEPTH)
        return corrupt("nesting deeper than 100 levels", NULL);
    el = &md->schema[(*pos)++];
    out->el = el;
    out->n_children = 0;
    out->children = NULL;
    if (el->num_children < 0)
        return corrupt("negative num_children", el->name);
    if (el->num_children == 0) {
        if (!el->has_type && depth > 0)
            return corrupt("group without children", el->name);
        return 0;
    }
    if ((uint32_t)el->num_children > md->n_schema - *pos)
        return corrupt("num_children larger than the schema", el->name);
    out->children = st_arena_calloc(a, (size_t)el->num_children, sizeof(raw_node));
    if (!out->children)
        return ST_ENOMEM;
    out->n_children = el->num_children;
    for (int i = 0; i < el->num_children; i++) {
        int rc = build_raw(&out->children[i], md, pos, depth + 1, a);
        if (rc < 0)
            return rc;
    }
    return 0;
}

/* ------------------------------------------------------------ leaf types */

/* The Iceberg type and conversion of a primitive element. */
static int leaf_type(const pq_schema_element *el, st_type **type, pq_conv *conv)
{
    const pq_logical_type *lt = &el->logical;
    pq_type pt = el->type;
    int prec = 0, scale = 0, utc = 1;
    pq_time_unit unit = PQ_UNIT_MICROS;
    enum { K_NONE, K_STRING, K_BINARY, K_UUID, K_DECIMAL, K_DATE, K_TIME, K_TS, K_INT,
           K_F16, K_INTERVAL } k = K_NONE;
    int bits = 0, is_signed = 1;

    *conv = PQ_CONV_NONE;
    *type = NULL;
    switch (lt->kind) {
    case PQ_LT_STRING: case PQ_LT_ENUM: case PQ_LT_JSON: k = K_STRING; break;
    case PQ_LT_BSON: k = K_BINARY; break;
    case PQ_LT_UUID: k = K_UUID; break;
    case PQ_LT_DECIMAL: k = K_DECIMAL; prec = lt->precision; scale = lt->scale; break;
    case PQ_LT_DATE: k = K_DATE; break;
    case PQ_LT_TIME: k = K_TIME; unit = lt->unit; break;
    case PQ_LT_TIMESTAMP: k = K_TS; unit = lt->unit; utc = lt->utc_adjusted; break;
    case PQ_LT_INTEGER: k = K_INT; bits = lt->bit_width; is_signed = lt->is_signed; break;
    case PQ_LT_FLOAT16: k = K_F16; break;
    default:
        switch (el->converted_type) {
        case PQ_CT_UTF8: case PQ_CT_ENUM: case PQ_CT_JSON: k = K_STRING; break;
        case PQ_CT_BSON: k = K_BINARY; break;
        case PQ_CT_DECIMAL: k = K_DECIMAL; prec = el->precision; scale = el->scale; break;
        case PQ_CT_DATE: k = K_DATE; break;
        case PQ_CT_TIME_MILLIS: k = K_TIME; unit = PQ_UNIT_MILLIS; break;
        case PQ_CT_TIME_MICROS: k = K_TIME; unit = PQ_UNIT_MICROS; break;
        /* The legacy TIMESTAMP_* converted types are instants (isAdjustedToUTC). */
        case PQ_CT_TIMESTAMP_MILLIS: k = K_TS; unit = PQ_UNIT_MILLIS; break;
        case PQ_CT_TIMESTAMP_MICROS: k = K_TS; unit = PQ_UNIT_MICROS; break;
        case PQ_CT_INT_8: k = K_INT; bits = 8; break;
        case PQ_CT_INT_16: k = K_INT; bits = 16; break;
        case PQ_CT_INT_32: k = K_INT; bits = 32; break;
        case PQ_CT_INT_64: k = K_INT; bits = 64; break;
        case PQ_CT_UINT_8: k = K_INT; bits = 8; is_signed = 0; break;
        case PQ_CT_UINT_16: k = K_INT; bits = 16; is_signed = 0; break;
        case PQ_CT_UINT_32: k = K_INT; bits = 32; is_signed = 0; break;
        case PQ_CT_UINT_64: k = K_INT; bits = 64; is_signed = 0; break;
        case PQ_CT_INTERVAL: k = K_INTERVAL; break;
        default: break;
        }
    }

    /* An annotation that does not fit the physical type is ignored, as readers
     * of unknown logical types do: the physical type decides. */
    switch (k) {
    case K_STRING:
        if (pt == PQ_BYTE_ARRAY) { *type = st_type_primitive(ST_TYPE_STRING); return 0; }
        break;
    case K_BINARY:
        if (pt == PQ_BYTE_ARRAY) { *type = st_type_primitive(ST_TYPE_BINARY); return 0; }
        break;
    case K_UUID:
        if (pt == PQ_FIXED_LEN_BYTE_ARRAY && el->type_length == 16) {
            *type = st_type_primitive(ST_TYPE_UUID);
            return 0;
        }
        break;
    case K_DECIMAL:
        if (prec >= 1 && prec <= 38 && scale >= 0 && scale <= prec) {
            if (pt == PQ_INT32) *conv = PQ_CONV_I32_TO_DEC;
            else if (pt == PQ_INT64) *conv = PQ_CONV_I64_TO_DEC;
            else if (pt == PQ_BYTE_ARRAY ||
                     (pt == PQ_FIXED_LEN_BYTE_ARRAY && el->type_length >= 1 &&
                      el->type_length <= 16)) *conv = PQ_CONV_BE_TO_DEC;
            else break;
            return st_type_decimal_new(type, prec, scale);
        }
        break;
    case K_DATE:
        if (pt == PQ_INT32) { *type = st_type_primitive(ST_TYPE_DATE); return 0; }
        break;
    case K_TIME:
        if (pt == PQ_INT32 && unit == PQ_UNIT_MILLIS) {
            *conv = PQ_CONV_MILLIS_I32_TO_MICROS_I64;
        } else if (pt == PQ_INT64 && unit == PQ_UNIT_MICROS) {
            *conv = PQ_CONV_NONE;
        } else if (pt == PQ_INT64 && unit == PQ_UNIT_NANOS) {
            *conv = PQ_CONV_NANOS_TO_MICROS;
        } else {
            break;
        }
        *type = st_type_primitive(ST_TYPE_TIME);
        return 0;
    case K_TS:
        if (pt != PQ_INT64)
            break;
        if (unit == PQ_UNIT_NANOS) {
            *type = st_type_primitive(utc ? ST_TYPE_TIMESTAMPTZ_NS : ST_TYPE_TIMESTAMP_NS);
        } else {
            *conv = unit == PQ_UNIT_MILLIS ? PQ_CONV_MILLIS_TO_MICROS : PQ_CONV_NONE;
            *type = st_type_primitive(utc ? ST_TYPE_TIMESTAMPTZ : ST_TYPE_TIMESTAMP);
        }
        return 0;
    case K_INT:
        if (pt == PQ_INT32 && bits <= 32) {
            if (is_signed || bits == 0) {
                *type = st_type_primitive(ST_TYPE_INT);
            } else if (bits == 8 || bits == 16) {
                *conv = bits == 8 ? PQ_CONV_U8_TO_I32 : PQ_CONV_U16_TO_I32;
                *type = st_type_primitive(ST_TYPE_INT);
            } else {
                *conv = PQ_CONV_U32_TO_I64;
                *type = st_type_primitive(ST_TYPE_LONG);
            }
            return 0;
        }
        if (pt == PQ_INT64) {
            if (is_signed) {
                *type = st_type_primitive(ST_TYPE_LONG);
                return 0;
            }
            *conv = PQ_CONV_U64_TO_DEC;
            return st_type_decimal_new(type, 20, 0);
        }
        break;
    case K_F16:
        if (pt == PQ_FIXED_LEN_BYTE_ARRAY && el->type_length == 2) {
            *conv = PQ_CONV_F16_TO_F32;
            *type = st_type_primitive(ST_TYPE_FLOAT);
            return 0;
        }
        break;
    case K_INTERVAL:
    case K_NONE:
        break;
    }

    switch (pt) {
    case PQ_BOOLEAN: *type = st_type_primitive(ST_TYPE_BOOLEAN); return 0;
    case PQ_INT32: *type = st_type_primitive(ST_TYPE_INT); return 0;
    case PQ_INT64: *type = st_type_primitive(ST_TYPE_LONG); return 0;
    case PQ_INT96:
        /* Spark, Hive and Impala wrote instants as INT96; Iceberg reads them as timestamptz. */
        *conv = PQ_CONV_INT96_TO_MICROS;
        *type = st_type_primitive(ST_TYPE_TIMESTAMPTZ);
        return 0;
    case PQ_FLOAT: *type = st_type_primitive(ST_TYPE_FLOAT); return 0;
    case PQ_DOUBLE: *type = st_type_primitive(ST_TYPE_DOUBLE); return 0;
    case PQ_BYTE_ARRAY: *type = st_type_primitive(ST_TYPE_BINARY); return 0;
    case PQ_FIXED_LEN_BYTE_ARRAY:
        if (el->type_length < 1)
            return corrupt("FIXED_LEN_BYTE_ARRAY without a positive type_length", el->name);
        return st_type_fixed_new(type, el->type_length);
    }
    return corrupt("unknown physical type", el->name);
}

static int out_width(const st_type *t)
{
    return st_type_value_width(t);
}

/* ------------------------------------------------------------ name mapping */

/* The mapping entry of `name` at this level, or NULL. */
static json_t *mapping_find(const mapping *m, const char *name)
{
    size_t i, j;
    json_t *f, *names, *n;
    if (!m->fields)
        return NULL;
    json_array_foreach(m->fields, i, f) {
        names = json_object_get(f, "names");
        json_array_foreach(names, j, n) {
            if (json_is_string(n) && strcmp(json_string_value(n), name) == 0)
                return f;
        }
    }
    return NULL;
}

static int32_t mapped_id(const pq_schema_element *el, json_t *entry)
{
    json_t *id;
    if (el && el->has_field_id)
        return el->field_id;
    id = entry ? json_object_get(entry, "field-id") : NULL;
    return json_is_integer(id) ? (int32_t)json_integer_value(id) : ST_FIELD_ID_NONE;
}

static mapping mapping_child(json_t *entry)
{
    mapping m = {NULL};
    json_t *f = entry ? json_object_get(entry, "fields") : NULL;
    if (json_is_array(f))
        m.fields = f;
    return m;
}

/* ------------------------------------------------------------ interpretation */

typedef struct {
    int16_t def, rep;            /* levels counted so far, including the parent */
    int16_t slot_def, slot_rep;  /* slot predicate for nodes at this position */
} level_ctx;

static int interpret(builder *b, pq_node **out, const raw_node *r, level_ctx ctx,
                     const mapping *m, const char *name_override, int force_required,
                     const char *parent_path, int depth);

static pq_node *new_node(builder *b, pq_node_kind kind, const raw_node *r)
{
    pq_node *n = st_arena_calloc(&b->s->arena, 1, sizeof(pq_node));
    if (n) {
        n->kind = kind;
        n->el = r ? r->el : NULL;
        n->leaf = -1;
        n->first_leaf = b->next_leaf;
    }
    return n;
}

static int is_list_annotated(const pq_schema_element *el)
{
    return el->logical.kind == PQ_LT_LIST || el->converted_type == PQ_CT_LIST;
}

static int is_map_annotated(const pq_schema_element *el)
{
    return el->logical.kind == PQ_LT_MAP || el->converted_type == PQ_CT_MAP ||
           el->converted_type == PQ_CT_MAP_KEY_VALUE;
}

static int make_leaf(builder *b, pq_node **out, const raw_node *r, level_ctx ctx,
                     const char *path)
{
    pq_node *n = new_node(b, PQ_NODE_LEAF, r);
    pq_leaf *lf;
    int rc;
    if (!n)
        return ST_ENOMEM;
    if (b->next_leaf >= b->leaf_cap)
        return corrupt("more leaf columns than the schema declares", r->el->name);
    lf = &b->s->leaves[b->next_leaf];
    if ((rc = leaf_type(r->el, &n->type, &lf->conv)) < 0)
        return rc;
    n->leaf = b->next_leaf;
    n->n_leaves = 1;
    n->def_level = ctx.def;
    lf->index = b->next_leaf++;
    lf->node = n;
    lf->el = r->el;
    lf->physical = r->el->type;
    lf->type_length = r->el->type_length;
    lf->max_def = ctx.def;
    lf->max_rep = ctx.rep;
    lf->out_width = out_width(n->type);
    lf->path = path;
    *out = n;
    return 0;
}

/* Adds one level for `rep` repetition; rejects overflowing level counts. */
static int step(level_ctx *ctx, pq_repetition rep, const char *name)
{
    if (ctx->def >= 30000 || ctx->rep >= 30000)
        return corrupt("too many nesting levels", name);
    if (rep == PQ_OPTIONAL) {
        ctx->def++;
    } else if (rep == PQ_REPEATED) {
        ctx->def++;
        ctx->rep++;
    }
    return 0;
}

/*
 * A list: `list_raw` is the annotated group (the repeated field itself for a bare
 * repeated field), `rep_node` the repeated field, `elem` the raw element (may
 * equal rep_node).
 */
static int make_list(builder *b, pq_node **out, const raw_node *list_raw, const raw_node *rep_node,
                     const raw_node *elem, level_ctx ctx, const mapping *m, const char *path,
                     const char *parent_path, int depth)
{
    const char *elem_path = path;
    pq_node *n = new_node(b, PQ_NODE_LIST, list_raw);
    pq_node *child;
    level_ctx ec;
    json_t *entry;
    mapping em;
    st_field f;
    int rc;
    if (!n)
        return ST_ENOMEM;
    n->def_level = ctx.def;
    n->slot_def = ctx.slot_def;
    n->slot_rep = ctx.slot_rep;
    ec = ctx;
    if ((rc = step(&ec, PQ_REPEATED, rep_node->el->name)) < 0)
        return rc;
    n->elem_def = ec.def;
    n->rep_level = ec.rep;
    ec.slot_def = ec.def;
    ec.slot_rep = ec.rep;
    entry = mapping_find(m, "element");
    em = (mapping){NULL};
    if (entry)
        em = (mapping){json_object_get(entry, "fields")};
    /* When the element is the repeated field itself it is required and its level
     * was counted above. */
    /* Leaf paths are Parquet's (tags.list.element): the repeated group is part of
     * them, except for a bare repeated field, which is its own element. */
    if (list_raw == rep_node)
        elem_path = parent_path;
    else if (elem != rep_node && !(elem_path = st_arena_join(&b->s->arena, path, rep_node->el->name)))
        return ST_ENOMEM;
    rc = interpret(b, &child, elem, ec, &em, "element", elem == rep_node, elem_path, depth + 1);
    if (rc < 0)
        return rc;
    /* A bare repeated field's id is the list's; its element has none of its own. */
    if (list_raw == rep_node)
        child->field_id = ST_FIELD_ID_NONE;
    if (child->field_id == ST_FIELD_ID_NONE && entry)
        child->field_id = mapped_id(NULL, entry);
    n->n_children = 1;
    n->children = st_arena_alloc(&b->s->arena, sizeof(pq_node *));
    if (!n->children)
        return ST_ENOMEM;
    n->children[0] = child;
    f = (st_field){child->field_id, "element", child->required, child->type, NULL};
    if ((rc = st_type_list_new(&n->type, &f)) < 0)
        return rc;
    n->n_leaves = b->next_leaf - n->first_leaf;
    *out = n;
    return 0;
}

static int make_map(builder *b, pq_node **out, const raw_node *map_raw, const raw_node *kv,
                    level_ctx ctx, const mapping *m, const char *path, int depth)
{
    const char *kv_path = st_arena_join(&b->s->arena, path, kv->el->name);
    pq_node *n, *kids[2];
    level_ctx ec;
    st_field kf, vf;
    const char *names[2] = {"key", "value"};
    int rc;

    n = new_node(b, PQ_NODE_MAP, map_raw);
    if (!n || !kv_path)
        return ST_ENOMEM;
    n->def_level = ctx.def;
    n->slot_def = ctx.slot_def;
    n->slot_rep = ctx.slot_rep;
    ec = ctx;
    if ((rc = step(&ec, PQ_REPEATED, kv->el->name)) < 0)
        return rc;
    n->elem_def = ec.def;
    n->rep_level = ec.rep;
    ec.slot_def = ec.def;
    ec.slot_rep = ec.rep;
    for (int i = 0; i < 2; i++) {
        json_t *entry = mapping_find(m, names[i]);
        mapping cm = mapping_child(entry);
        if ((rc = interpret(b, &kids[i], &kv->children[i], ec, &cm, names[i], 0, kv_path,
                            depth + 1)) < 0)
            return rc;
        if (kids[i]->field_id == ST_FIELD_ID_NONE && entry)
            kids[i]->field_id = mapped_id(NULL, entry);
    }
    n->n_children = 2;
    n->children = st_arena_alloc(&b->s->arena, 2 * sizeof(pq_node *));
    if (!n->children)
        return ST_ENOMEM;
    n->children[0] = kids[0];
    n->children[1] = kids[1];
    kf = (st_field){kids[0]->field_id, "key", 1, kids[0]->type, NULL};
    vf = (st_field){kids[1]->field_id, "value", kids[1]->required, kids[1]->type, NULL};
    if ((rc = st_type_map_new(&n->type, &kf, &vf)) < 0)
        return rc;
    n->n_leaves = b->next_leaf - n->first_leaf;
    *out = n;
    return 0;
}

static int make_struct(builder *b, pq_node **out, const raw_node *r, level_ctx ctx,
                       const mapping *m, const char *path, int depth)
{
    pq_node *n = new_node(b, PQ_NODE_STRUCT, r);
    st_field *fields;
    int rc;
    if (!n)
        return ST_ENOMEM;
    n->def_level = ctx.def;
    n->slot_def = ctx.slot_def;
    n->slot_rep = ctx.slot_rep;
    n->n_children = r->n_children;
    n->children = st_arena_calloc(&b->s->arena, (size_t)r->n_children, sizeof(pq_node *));
    fields = st_calloc((size_t)r->n_children, sizeof(st_field));
    if (!n->children || !fields) {
        st_free(fields);
        return ST_ENOMEM;
    }
    for (int i = 0; i < r->n_children; i++) {
        const raw_node *c = &r->children[i];
        if ((rc = interpret(b, &n->children[i], c, ctx, m, NULL, 0, path, depth + 1)) < 0) {
            st_free(fields);
            return rc;
        }
        fields[i] = (st_field){n->children[i]->field_id, n->children[i]->name,
                               n->children[i]->required, n->children[i]->type, NULL};
    }
    rc = st_type_struct_new(&n->type, fields, r->n_children);
    st_free(fields);
    if (rc < 0) {
        /* Duplicate names are a broken file, not a caller error. */
        if (rc == ST_EINVALID)
            return corrupt(st_error_last()->message, r->el->name);
        return rc;
    }
    n->n_leaves = b->next_leaf - n->first_leaf;
    *out = n;
    return 0;
}

/* Picks the element of a LIST-annotated group per LogicalTypes.md's compatibility rules. */
static const raw_node *list_element(const raw_node *list, const raw_node *rep)
{
    if (!rep->el->has_type || rep->n_children == 0) {
        if (rep->el->has_type)
            return rep;             /* 2-level: repeated primitive */
    }
    if (rep->n_children > 1)
        return rep;                 /* repeated group of several fields: a struct element */
    if (rep->n_children == 1) {
        const char *nm = rep->el->name ? rep->el->name : "";
        size_t ln = strlen(nm), lp = strlen(list->el->name ? list->el->name : "");
        if (strcmp(nm, "array") == 0)
            return rep;
        if (ln == lp + 6 && strncmp(nm, list->el->name, lp) == 0 && strcmp(nm + lp, "_tuple") == 0)
            return rep;
        return &rep->children[0];   /* the standard 3-level list */
    }
    return rep;
}

static int interpret(builder *b, pq_node **out, const raw_node *r, level_ctx ctx,
                     const mapping *m, const char *name_override, int force_required,
                     const char *parent_path, int depth)
{
    const pq_schema_element *el = r->el;
    const char *name = name_override ? name_override : el->name;
    pq_repetition rep = el->has_repetition ? el->repetition : PQ_OPTIONAL;
    json_t *entry = name_override ? NULL : mapping_find(m, el->name ? el->name : "");
    mapping cm = mapping_child(entry);
    const char *path;
    level_ctx self = ctx;
    int rc;

    if (!el->name)
        return corrupt("element without a name", NULL);
    if (depth > MAX_DEPTH)
        return corrupt("nesting deeper than 100 levels", el->name);
    if (!(path = st_arena_join(&b->s->arena, parent_path, el->name)))
        return ST_ENOMEM;
    if (force_required)
        rep = PQ_REQUIRED;
    if (name_override)
        cm = *m; /* list element / map key, value: the caller passed their mapping level */

    if (rep == PQ_REPEATED) {
        /* A repeated field outside LIST/MAP is a required list of its type. */
        rc = make_list(b, out, r, r, r, ctx, &cm, path, parent_path, depth);
        if (rc < 0)
            return rc;
        (*out)->name = name;
        (*out)->field_id = mapped_id(el, entry);
        (*out)->required = 1;
        return 0;
    }
    if ((rc = step(&self, rep, el->name)) < 0)
        return rc;

    if (!el->has_type && is_list_annotated(el) && r->n_children == 1 &&
        r->children[0].el->has_repetition && r->children[0].el->repetition == PQ_REPEATED) {
        const raw_node *rp = &r->children[0];
        rc = make_list(b, out, r, rp, list_element(r, rp), self, &cm, path, parent_path, depth);
    } else if (!el->has_type && is_map_annotated(el) && r->n_children == 1 &&
               r->children[0].n_children == 2 && r->children[0].el->has_repetition &&
               r->children[0].el->repetition == PQ_REPEATED) {
        rc = make_map(b, out, r, &r->children[0], self, &cm, path, depth);
    } else if (!el->has_type && is_map_annotated(el) && r->n_children == 1 &&
               r->children[0].n_children == 1 && r->children[0].el->has_repetition &&
               r->children[0].el->repetition == PQ_REPEATED) {
        /* A map without a value column reads as the list of its keys. */
        const raw_node *rp = &r->children[0];
        rc = make_list(b, out, r, rp, &rp->children[0], self, &cm, path, parent_path, depth);
    } else if (!el->has_type) {
        if (r->n_children == 0)
            return corrupt("group without children", el->name);
        self.slot_def = ctx.slot_def;
        self.slot_rep = ctx.slot_rep;
        rc = make_struct(b, out, r, self, &cm, path, depth);
    } else {
        rc = make_leaf(b, out, r, self, path);
        if (rc == 0) {
            (*out)->slot_def = ctx.slot_def;
            (*out)->slot_rep = ctx.slot_rep;
            b->s->leaves[(*out)->leaf].top = depth == 1;
        }
    }
    if (rc < 0)
        return rc;
    (*out)->name = name;
    (*out)->required = rep == PQ_REQUIRED;
    (*out)->field_id = mapped_id(el, entry);
    if ((*out)->kind == PQ_NODE_LIST || (*out)->kind == PQ_NODE_MAP) {
        (*out)->slot_def = ctx.slot_def;
        (*out)->slot_rep = ctx.slot_rep;
    }
    return 0;
}

static int count_leaves(const pq_file_metadata *md)
{
    int n = 0;
    for (uint32_t i = 1; i < md->n_schema; i++)
        if (md->schema[i].num_children == 0)
            n++;
    return n;
}

int pq_schema_build(pq_schema *out, const pq_file_metadata *md, const char *name_mapping)
{
    builder b = {out, md, 0, 0};
    raw_node root;
    uint32_t pos = 0;
    json_t *nm = NULL;
    mapping m = {NULL};
    st_field *fields = NULL;
    pq_node *rn = NULL;
    int rc;

    memset(out, 0, sizeof(*out));
    if (md->n_schema == 0)
        return corrupt("empty schema", NULL);
    if ((rc = build_raw(&root, md, &pos, 0, &out->arena)) < 0)
        goto fail;
    if (pos != md->n_schema) {
        rc = corrupt("elements left over after the root's children", NULL);
        goto fail;
    }
    /* As Java does, a file with any field id is read by its ids alone: the
     * mapping is for files written without them (migrated Hive tables). */
    for (uint32_t i = 1; name_mapping && i < md->n_schema; i++)
        if (md->schema[i].has_field_id)
            name_mapping = NULL;
    if (name_mapping) {
        json_error_t jerr;
        nm = json_loads(name_mapping, 0, &jerr);
        /* Some writers wrap the list as {"type": "struct", "fields": [...]}. */
        if (json_is_object(nm) && json_is_array(json_object_get(nm, "fields"))) {
            json_t *list = json_incref(json_object_get(nm, "fields"));
            json_decref(nm);
            nm = list;
        }
        if (!json_is_array(nm)) {
            rc = st_error_set(ST_EINVALID, ST_ERROR_PARQUET,
                              "name mapping is not a JSON array: %s", nm ? "" : jerr.text);
            goto fail;
        }
        m.fields = nm;
    }
    b.leaf_cap = count_leaves(md);
    out->leaves = st_arena_calloc(&out->arena, (size_t)(b.leaf_cap ? b.leaf_cap : 1),
                                  sizeof(pq_leaf));
    rn = new_node(&b, PQ_NODE_STRUCT, &root);
    fields = st_calloc((size_t)(root.n_children ? root.n_children : 1), sizeof(st_field));
    if (!out->leaves || !rn || !fields) {
        rc = ST_ENOMEM;
        goto fail;
    }
    rn->n_children = root.n_children;
    rn->children = st_arena_calloc(&out->arena, (size_t)(root.n_children ? root.n_children : 1),
                                   sizeof(pq_node *));
    if (!rn->children) {
        rc = ST_ENOMEM;
        goto fail;
    }
    for (int i = 0; i < root.n_children; i++) {
        level_ctx ctx = {0, 0, 0, 0};
        if ((rc = interpret(&b, &rn->children[i], &root.children[i], ctx, &m, NULL, 0, NULL,
                            1)) < 0)
            goto fail;
        fields[i] = (st_field){rn->children[i]->field_id, rn->children[i]->name,
                               rn->children[i]->required, rn->children[i]->type, NULL};
    }
    if ((rc = st_type_struct_new(&rn->type, fields, root.n_children)) < 0) {
        if (rc == ST_EINVALID)
            rc = corrupt(st_error_last()->message, NULL);
        goto fail;
    }
    rn->required = 1;
    rn->n_leaves = b.next_leaf;
    out->root = rn;
    out->type = st_type_ref(rn->type);
    out->n_leaves = b.next_leaf;
    st_free(fields);
    json_decref(nm);
    return 0;
fail:
    st_free(fields);
    json_decref(nm);
    /* Types built so far are owned by nodes; release them. */
    out->root = rn ? rn : NULL;
    pq_schema_dispose(out);
    memset(out, 0, sizeof(*out));
    return rc;
}

static void free_node_types(pq_node *n)
{
    if (!n)
        return;
    for (int i = 0; i < n->n_children; i++)
        free_node_types(n->children ? n->children[i] : NULL);
    st_type_free(n->type);
    n->type = NULL;
}

void pq_schema_dispose(pq_schema *s)
{
    if (!s)
        return;
    free_node_types(s->root);
    st_type_free(s->type);
    st_arena_dispose(&s->arena);
    memset(s, 0, sizeof(*s));
}

const char *pq_logical_name(st_arena *a, const pq_schema_element *el)
{
    char buf[96];
    const pq_logical_type *lt = &el->logical;
    static const char *units[] = {"", "MILLIS", "MICROS", "NANOS"};
    const char *u = (lt->unit >= 1 && lt->unit <= 3) ? units[lt->unit] : "?";
    switch (lt->kind) {
    case PQ_LT_STRING: return "STRING";
    case PQ_LT_MAP: return "MAP";
    case PQ_LT_LIST: return "LIST";
    case PQ_LT_ENUM: return "ENUM";
    case PQ_LT_DECIMAL:
        snprintf(buf, sizeof(buf), "DECIMAL(%d,%d)", lt->precision, lt->scale);
        return st_arena_strdup(a, buf);
    case PQ_LT_DATE: return "DATE";
    case PQ_LT_TIME:
        snprintf(buf, sizeof(buf), "TIME(%s,%s)", u, lt->utc_adjusted ? "UTC" : "LOCAL");
        return st_arena_strdup(a, buf);
    case PQ_LT_TIMESTAMP:
        snprintf(buf, sizeof(buf), "TIMESTAMP(%s,%s)", u, lt->utc_adjusted ? "UTC" : "LOCAL");
        return st_arena_strdup(a, buf);
    case PQ_LT_INTEGER:
        snprintf(buf, sizeof(buf), "INTEGER(%d,%s)", lt->bit_width,
                 lt->is_signed ? "SIGNED" : "UNSIGNED");
        return st_arena_strdup(a, buf);
    case PQ_LT_NULL: return "NULL";
    case PQ_LT_JSON: return "JSON";
    case PQ_LT_BSON: return "BSON";
    case PQ_LT_UUID: return "UUID";
    case PQ_LT_FLOAT16: return "FLOAT16";
    case PQ_LT_VARIANT: return "VARIANT";
    case PQ_LT_GEOMETRY: return "GEOMETRY";
    case PQ_LT_GEOGRAPHY: return "GEOGRAPHY";
    case PQ_LT_UNKNOWN: return "UNKNOWN";
    case PQ_LT_NONE: break;
    }
    if (el->converted_type == PQ_CT_DECIMAL) {
        snprintf(buf, sizeof(buf), "DECIMAL(%d,%d)", el->precision, el->scale);
        return st_arena_strdup(a, buf);
    }
    if (el->converted_type != PQ_CT_NONE)
        return pq_converted_type_name(el->converted_type);
    return "";
}
