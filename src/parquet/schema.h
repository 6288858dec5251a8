/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Parquet schema -> Iceberg types, and the level bookkeeping the decoder needs.
 *
 * The footer's flattened SchemaElement list becomes a tree of pq_node: structs,
 * lists, maps and leaves, each with the Iceberg type it reads as and the
 * definition/repetition levels that tell, for every level entry of a leaf
 * column, whether it opens a slot of that node and whether the slot is null.
 * Legacy shapes (2-level lists, unannotated repeated fields, "array"/"_tuple"
 * element names, MAP_KEY_VALUE) follow the backward-compatibility rules of
 * parquet-format's LogicalTypes.md.
 *
 * SLOTS. A node N has one slot per value in its vector. For a leaf column's level
 * entry i, N has a slot at i iff def[i] >= N.slot_def and rep[i] <= N.slot_rep.
 * That slot is null iff def[i] < N.def_level. A list/map slot has elements iff
 * def[i] >= N.elem_def; its elements are the entries that follow (it included)
 * with def >= N.elem_def and rep <= N.rep_level, up to its next slot.
 */
#ifndef ST_PARQUET_SCHEMA_H
#define ST_PARQUET_SCHEMA_H

#include <supertable/types.h>
#include "parquet/metadata.h"
#include "util/arena.h"

/* How a leaf's physical values become its vector's values. */
typedef enum {
    PQ_CONV_NONE,        /* same representation: bool, int32, int64, float, double,
                            byte arrays, fixed-width bytes */
    PQ_CONV_I32_TO_I64,  /* uint32 -> long (zero-extended) */
    PQ_CONV_U32_TO_I64,
    PQ_CONV_MILLIS_I32_TO_MICROS_I64,  /* TIME_MILLIS */
    PQ_CONV_MILLIS_TO_MICROS,          /* int64 millis -> micros */
    PQ_CONV_NANOS_TO_MICROS,           /* TIME(NANOS) */
    PQ_CONV_I32_TO_DEC,  /* decimal in INT32 */
    PQ_CONV_I64_TO_DEC,  /* decimal in INT64 */
    PQ_CONV_U64_TO_DEC,  /* UINT_64 -> decimal(20,0) */
    PQ_CONV_BE_TO_DEC,   /* decimal in FIXED or BYTE_ARRAY (big-endian two's complement) */
    PQ_CONV_INT96_TO_MICROS,
    PQ_CONV_F16_TO_F32,
    PQ_CONV_U8_TO_I32,   /* UINT_8 / UINT_16 kept exact in int */
    PQ_CONV_U16_TO_I32
} pq_conv;

typedef enum { PQ_NODE_LEAF, PQ_NODE_STRUCT, PQ_NODE_LIST, PQ_NODE_MAP } pq_node_kind;

typedef struct pq_node pq_node;

struct pq_node {
    pq_node_kind kind;
    const char *name;           /* Iceberg field name ("element", "key", "value" inside) */
    int32_t field_id;
    int required;
    st_type *type;              /* borrowed from the schema's type tree */
    int16_t def_level;          /* slot is non-null iff def >= def_level */
    int16_t elem_def;           /* list/map: a slot has elements iff def >= elem_def */
    int16_t rep_level;          /* list/map: the repetition level of its elements */
    int16_t slot_def, slot_rep; /* which level entries open a slot (see SLOTS) */
    int n_children;
    pq_node **children;         /* list: [element]; map: [key, value] */
    int leaf;                   /* leaf: column index */
    int first_leaf, n_leaves;   /* the leaf columns under this node */
    const pq_schema_element *el;/* defining element (leaf: the primitive) */
};

typedef struct pq_leaf {
    int index;
    pq_node *node;
    const pq_schema_element *el;
    pq_type physical;
    int32_t type_length;
    int16_t max_def, max_rep;
    pq_conv conv;
    int out_width;              /* bytes per vector value; 0 for bits and byte arrays */
    int top;                    /* a column of the root outside any list: decoded "final" */
    const char *path;           /* dotted Parquet path */
} pq_leaf;

typedef struct pq_schema {
    st_arena arena;
    pq_node *root;              /* a struct node */
    st_type *type;              /* the root struct type (a reference) */
    pq_leaf *leaves;
    int n_leaves;
} pq_schema;

/*
 * Builds the schema of `md`. Field ids come from the file, else from the Iceberg
 * name mapping JSON `name_mapping` (NULL for none), else ST_FIELD_ID_NONE.
 * @return 0, ST_ECORRUPT (inconsistent schema), ST_EINVALID (bad mapping), ST_ENOMEM.
 * On failure *out is left empty (safe to dispose).
 */
int pq_schema_build(pq_schema *out, const pq_file_metadata *md, const char *name_mapping);
void pq_schema_dispose(pq_schema *s);

/* Formats the logical annotation of an element ("DECIMAL(10,2)", "STRING", or ""). */
const char *pq_logical_name(st_arena *a, const pq_schema_element *el);

#endif
