/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Iceberg schema -> Parquet schema, as Iceberg's Java writer (TypeToMessageType)
 * lays it out, plus the level bookkeeping of every node and leaf.
 *
 * FORMAT (each element is a SchemaElement; field_id wherever Iceberg has one):
 *   root                    "table", num_children = top-level fields
 *   boolean/int/long/...    primitive, see leaf_type() for types and annotations
 *   struct                  <rep> group name { fields }
 *   list                    <rep> group name (LIST) {
 *                               repeated group list { <rep> element } }
 *   map                     <rep> group name (MAP) {
 *                               repeated group key_value { required key; <rep> value } }
 * <rep> is REQUIRED or OPTIONAL from the field's required flag. Both the legacy
 * converted type and the logical type are set, so old and new readers agree.
 */
#include <string.h>

#include <supertable/errors.h>
#include "parquet/writer_int.h"
#include "util/alloc.h"

#define MAX_DEPTH 200

typedef struct {
    pw_schema *s;
    uint32_t n_el;
    int n_leaf;
    const char *parts[MAX_DEPTH];   /* Parquet names from the root's child down */
    const pw_node *nodes[MAX_DEPTH];/* Iceberg nodes from the top-level field down */
} builder;

static void count(const st_type *t, uint32_t *elements, int *leaves, int depth, int *too_deep)
{
    if (depth >= MAX_DEPTH / 2) {
        *too_deep = 1;
        return;
    }
    switch (t->id) {
    case ST_TYPE_STRUCT:
        *elements += 1;
        for (int i = 0; i < t->n_fields; i++)
            count(t->fields[i].type, elements, leaves, depth + 1, too_deep);
        return;
    case ST_TYPE_LIST:
    case ST_TYPE_MAP:
        *elements += 2;
        for (int i = 0; i < t->n_fields; i++)
            count(t->fields[i].type, elements, leaves, depth + 1, too_deep);
        return;
    default:
        *elements += 1;
        *leaves += 1;
        return;
    }
}

/* Bytes of the smallest two's complement that holds every decimal of `precision` digits. */
static int decimal_bytes(int precision)
{
    unsigned __int128 p10 = 1;
    for (int i = 0; i < precision; i++)
        p10 *= 10;
    for (int n = 1; n < 16; n++)
        if (p10 <= (unsigned __int128)1 << (8 * n - 1))
            return n;
    return 16;
}

/* Physical type, annotations and value handling of a primitive. */
static void leaf_type(pq_schema_element *el, pw_leaf *lf, const st_type *t)
{
    pq_logical_type *lt = &el->logical;
    el->has_type = true;
    lf->conv = PW_CONV_NONE;
    lf->vwidth = st_type_value_width(t);
    switch (t->id) {
    case ST_TYPE_BOOLEAN:
        el->type = PQ_BOOLEAN;
        lf->order = PW_ORD_BOOL;
        break;
    case ST_TYPE_INT:
    case ST_TYPE_DATE:
        el->type = PQ_INT32;
        lf->order = PW_ORD_I32;
        if (t->id == ST_TYPE_DATE) {
            el->converted_type = PQ_CT_DATE;
            lt->kind = PQ_LT_DATE;
        }
        break;
    case ST_TYPE_LONG:
        el->type = PQ_INT64;
        lf->order = PW_ORD_I64;
        break;
    case ST_TYPE_TIME:
        el->type = PQ_INT64;
        lf->order = PW_ORD_I64;
        el->converted_type = PQ_CT_TIME_MICROS;
        *lt = (pq_logical_type){.kind = PQ_LT_TIME, .unit = PQ_UNIT_MICROS, .utc_adjusted = false};
        break;
    case ST_TYPE_TIMESTAMP:
    case ST_TYPE_TIMESTAMPTZ:
    case ST_TYPE_TIMESTAMP_NS:
    case ST_TYPE_TIMESTAMPTZ_NS: {
        int ns = t->id == ST_TYPE_TIMESTAMP_NS || t->id == ST_TYPE_TIMESTAMPTZ_NS;
        el->type = PQ_INT64;
        lf->order = PW_ORD_I64;
        /* There is no legacy converted type for nanoseconds. */
        if (!ns)
            el->converted_type = PQ_CT_TIMESTAMP_MICROS;
        *lt = (pq_logical_type){
            .kind = PQ_LT_TIMESTAMP, .unit = ns ? PQ_UNIT_NANOS : PQ_UNIT_MICROS,
            .utc_adjusted = t->id == ST_TYPE_TIMESTAMPTZ || t->id == ST_TYPE_TIMESTAMPTZ_NS};
        break;
    }
    case ST_TYPE_FLOAT:
        el->type = PQ_FLOAT;
        lf->order = PW_ORD_FLOAT;
        break;
    case ST_TYPE_DOUBLE:
        el->type = PQ_DOUBLE;
        lf->order = PW_ORD_DOUBLE;
        break;
    case ST_TYPE_DECIMAL:
        el->converted_type = PQ_CT_DECIMAL;
        el->scale = t->scale;
        el->precision = t->precision;
        *lt = (pq_logical_type){.kind = PQ_LT_DECIMAL, .scale = t->scale,
                                .precision = t->precision};
        if (t->precision <= 9) {
            el->type = PQ_INT32;
            lf->conv = PW_CONV_DEC_I32;
            lf->order = PW_ORD_I32;
        } else if (t->precision <= 18) {
            el->type = PQ_INT64;
            lf->conv = PW_CONV_DEC_I64;
            lf->order = PW_ORD_I64;
        } else {
            el->type = PQ_FIXED_LEN_BYTE_ARRAY;
            el->type_length = decimal_bytes(t->precision);
            lf->conv = PW_CONV_DEC_FLBA;
            lf->order = PW_ORD_SIGNED_BE;
        }
        break;
    case ST_TYPE_STRING:
        el->type = PQ_BYTE_ARRAY;
        el->converted_type = PQ_CT_UTF8;
        lt->kind = PQ_LT_STRING;
        lf->order = PW_ORD_BYTES;
        break;
    case ST_TYPE_UUID:
        el->type = PQ_FIXED_LEN_BYTE_ARRAY;
        el->type_length = 16;
        lt->kind = PQ_LT_UUID;
        lf->order = PW_ORD_BYTES;
        break;
    case ST_TYPE_FIXED:
        el->type = PQ_FIXED_LEN_BYTE_ARRAY;
        el->type_length = t->length;
        lf->order = PW_ORD_BYTES;
        break;
    default: /* ST_TYPE_BINARY */
        el->type = PQ_BYTE_ARRAY;
        lf->order = PW_ORD_BYTES;
        break;
    }
    lf->physical = el->type;
    lf->type_length = el->type_length;
    switch (el->type) {
    case PQ_INT32: case PQ_FLOAT: lf->width = 4; break;
    case PQ_INT64: case PQ_DOUBLE: lf->width = 8; break;
    case PQ_FIXED_LEN_BYTE_ARRAY: lf->width = el->type_length; break;
    default: lf->width = 0; break;
    }
}

static pq_schema_element *new_element(builder *b, const char *name, int required, int32_t id)
{
    pq_schema_element *el = &b->s->elements[b->n_el++];
    memset(el, 0, sizeof(*el));
    el->name = name;
    el->has_repetition = true;
    el->repetition = required ? PQ_REQUIRED : PQ_OPTIONAL;
    el->converted_type = PQ_CT_NONE;
    if (id != ST_FIELD_ID_NONE) {
        el->has_field_id = true;
        el->field_id = id;
    }
    return el;
}

typedef struct {
    int16_t def, rep;           /* levels of the parent */
    int depth;                  /* Parquet path length so far */
    int ndepth;                 /* Iceberg nodes so far */
    const char *ipath;          /* Iceberg path of the parent */
    int top, in_repeated;
} ctx;

static int add_field(builder *b, pw_node **out, const st_field *f, const char *pq_name,
                     const char *ice_name, int child_index, ctx c);

static int make_leaf(builder *b, pw_node *n, const st_field *f, pq_schema_element *el, ctx c)
{
    pw_leaf *lf = &b->s->leaves[b->n_leaf];
    memset(lf, 0, sizeof(*lf));
    leaf_type(el, lf, f->type);
    lf->index = b->n_leaf++;
    n->leaf = lf->index;
    lf->type = f->type;
    lf->field_id = f->id;
    lf->max_def = n->def;
    lf->max_rep = c.rep;
    lf->top = c.top;
    lf->in_repeated = c.in_repeated;
    lf->flat = c.ndepth == 0;
    lf->n_parts = (uint32_t)c.depth + 1;
    lf->parts = st_arena_alloc(&b->s->arena, lf->n_parts * sizeof(char *));
    lf->depth = c.ndepth + 1;
    lf->nodes = st_arena_alloc(&b->s->arena, (size_t)lf->depth * sizeof(pw_node *));
    if (!lf->parts || !lf->nodes)
        return ST_ENOMEM;
    memcpy(lf->parts, b->parts, (size_t)c.depth * sizeof(char *));
    lf->parts[c.depth] = el->name;
    memcpy(lf->nodes, b->nodes, (size_t)c.ndepth * sizeof(pw_node *));
    lf->nodes[c.ndepth] = n;
    lf->path = lf->parts[0];
    for (uint32_t i = 1; i < lf->n_parts; i++)
        if (!(lf->path = st_arena_join(&b->s->arena, lf->path, lf->parts[i])))
            return ST_ENOMEM;
    return 0;
}

/* A list's or map's repeated group and its children. */
static int make_repeated(builder *b, pw_node *n, const st_type *t, ctx c)
{
    int is_map = t->id == ST_TYPE_MAP;
    pq_schema_element *rep = new_element(b, is_map ? "key_value" : "list", 0, ST_FIELD_ID_NONE);
    ctx cc = c;
    rep->repetition = PQ_REPEATED;
    rep->num_children = t->n_fields;
    n->rep = (int16_t)(c.rep + 1);
    n->n_children = t->n_fields;
    n->children = st_arena_calloc(&b->s->arena, (size_t)t->n_fields, sizeof(pw_node *));
    if (!n->children)
        return ST_ENOMEM;
    b->parts[c.depth] = rep->name;
    cc.depth = c.depth + 1;
    cc.def = (int16_t)(n->def + 1);
    cc.rep = n->rep;
    cc.in_repeated = 1;
    for (int i = 0; i < t->n_fields; i++) {
        const char *nm = is_map ? (i == 0 ? "key" : "value") : "element";
        /* Map keys are required whatever the type says (Iceberg, Parquet). */
        st_field f = t->fields[i];
        int rc;
        if (is_map && i == 0)
            f.required = 1;
        if ((rc = add_field(b, &n->children[i], &f, nm, nm, i, cc)) < 0)
            return rc;
    }
    return 0;
}

static int add_field(builder *b, pw_node **out, const st_field *f, const char *pq_name,
                     const char *ice_name, int child_index, ctx c)
{
    const st_type *t = f->type;
    pq_schema_element *el = new_element(b, pq_name, f->required, f->id);
    pw_node *n = st_arena_calloc(&b->s->arena, 1, sizeof(pw_node));
    ctx cc = c;
    int rc = 0;

    if (!n || !(n->path = st_arena_join(&b->s->arena, c.ipath, ice_name)))
        return ST_ENOMEM;
    *out = n;
    n->required = f->required;
    n->child_index = child_index;
    n->def_null = c.def;
    n->def = (int16_t)(c.def + !f->required);
    n->leaf = -1;
    b->parts[c.depth] = pq_name;
    b->nodes[c.ndepth] = n;
    cc.def = n->def;
    cc.depth = c.depth + 1;
    cc.ndepth = c.ndepth + 1;
    cc.ipath = n->path;
    switch (t->id) {
    case ST_TYPE_STRUCT:
        /* Parquet has no empty groups (readers reject them, as parquet-mr's writer does). */
        if (t->n_fields == 0)
            return st_error_set(ST_EUNSUPPORTED, ST_ERROR_PARQUET,
                                "struct '%s' has no fields: Parquet cannot store an empty group",
                                n->path);
        n->kind = PW_NODE_STRUCT;
        el->num_children = t->n_fields;
        n->n_children = t->n_fields;
        n->children = st_arena_calloc(&b->s->arena, (size_t)(t->n_fields ? t->n_fields : 1),
                                      sizeof(pw_node *));
        if (!n->children)
            return ST_ENOMEM;
        for (int i = 0; i < t->n_fields && rc == 0; i++)
            rc = add_field(b, &n->children[i], &t->fields[i], t->fields[i].name,
                           t->fields[i].name, i, cc);
        return rc;
    case ST_TYPE_LIST:
    case ST_TYPE_MAP:
        n->kind = t->id == ST_TYPE_LIST ? PW_NODE_LIST : PW_NODE_MAP;
        el->num_children = 1;
        el->converted_type = t->id == ST_TYPE_LIST ? PQ_CT_LIST : PQ_CT_MAP;
        el->logical.kind = t->id == ST_TYPE_LIST ? PQ_LT_LIST : PQ_LT_MAP;
        return make_repeated(b, n, t, cc);
    default:
        n->kind = PW_NODE_LEAF;
        return make_leaf(b, n, f, el, c);
    }
}

int pw_schema_build(pw_schema *out, const st_type *schema)
{
    builder b;
    uint32_t n_el = 1;
    int n_leaves = 0, too_deep = 0, rc = 0;
    pq_schema_element *root;

    memset(out, 0, sizeof(*out));
    memset(&b, 0, sizeof(b));
    if (!schema || schema->id != ST_TYPE_STRUCT)
        return st_error_set(ST_EINVALID, ST_ERROR_PARQUET, "a Parquet schema must be a struct");
    for (int i = 0; i < schema->n_fields; i++)
        count(schema->fields[i].type, &n_el, &n_leaves, 0, &too_deep);
    if (too_deep)
        return st_error_set(ST_EUNSUPPORTED, ST_ERROR_PARQUET,
                            "schema nests deeper than %d levels", MAX_DEPTH / 2);
    out->elements = st_arena_calloc(&out->arena, n_el, sizeof(pq_schema_element));
    out->leaves = st_arena_calloc(&out->arena, (size_t)(n_leaves ? n_leaves : 1), sizeof(pw_leaf));
    out->top = st_arena_calloc(&out->arena, (size_t)(schema->n_fields ? schema->n_fields : 1),
                               sizeof(pw_node *));
    if (!out->elements || !out->leaves || !out->top) {
        pw_schema_dispose(out);
        return ST_ENOMEM;
    }
    b.s = out;
    root = &out->elements[b.n_el++];
    root->name = "table";
    root->num_children = schema->n_fields;
    root->converted_type = PQ_CT_NONE;
    for (int i = 0; i < schema->n_fields && rc == 0; i++) {
        ctx c = {0, 0, 0, 0, NULL, i, 0};
        rc = add_field(&b, &out->top[i], &schema->fields[i], schema->fields[i].name,
                       schema->fields[i].name, i, c);
    }
    if (rc < 0) {
        pw_schema_dispose(out);
        return rc;
    }
    out->n_elements = b.n_el;
    out->n_top = schema->n_fields;
    out->n_leaves = b.n_leaf;
    return 0;
}

void pw_schema_dispose(pw_schema *s)
{
    st_arena_dispose(&s->arena);
    memset(s, 0, sizeof(*s));
}
