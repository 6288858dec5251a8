/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Metadata tables (internal): what meta_tables.c (the table's state, the
 * reader, type and row building) shares with meta_tables_files.c (the tables
 * read from a snapshot's manifests).
 *
 * Every metadata table is built whole when it is opened -- rows appended to
 * batches of at most MT_BATCH_ROWS rows -- and the reader hands the batches
 * out: metadata is small next to data, and a table built whole never holds a
 * manifest open while the caller consumes.
 */
#ifndef ST_SCAN_META_TABLES_H
#define ST_SCAN_META_TABLES_H

#include "scan/scan_int.h"

#define MT_BATCH_ROWS 65536

/* ------------------------------------------------------------ types */

/* A struct field to build: `type` is a reference the builder consumes. */
typedef struct mt_field {
    int32_t id;
    const char *name;
    int required;
    st_type *type;
} mt_field;

/*
 * Type constructors that consume their children's references and chain
 * errors through *rc: once *rc < 0 (or a child is NULL) they free what they
 * were given and return NULL, so a whole schema is written as one expression
 * and checked once.
 */
st_type *mt_struct(int *rc, const mt_field *fields, int n);
st_type *mt_list(int *rc, int32_t element_id, st_type *element, int element_required);
st_type *mt_map(int *rc, int32_t key_id, st_type *key, int32_t value_id, st_type *value,
                int value_required);
/* The static type of a parameterless primitive (never NULL for those). */
st_type *mt_prim(st_type_id id);

/* ------------------------------------------------------------- rows */

/* Rows appended column by column into batches of at most MT_BATCH_ROWS. */
typedef struct mt_builder {
    st_type *schema;             /* a reference held by the builder */
    st_batch *cur;               /* the batch being filled */
    int64_t rows;                /* rows in cur */
    st_batch **done;
    int n_done, cap_done;
} mt_builder;

/* Takes over the reference to `schema` (also on failure). */
int mt_builder_init(mt_builder *b, st_type *schema);
void mt_builder_dispose(mt_builder *b);
/* Column i of the batch being filled. */
static inline st_vector *mt_col(mt_builder *b, int i)
{
    return b->cur->columns[i];
}
/* Ends a row whose every column was appended; starts a new batch when full. */
int mt_row_end(mt_builder *b);
/* A reader of the rows built; empties the builder (dispose it still). */
int mt_reader_new(st_batch_reader **out, mt_builder *b);

/* ------------------------------------------------------------ values */

int mt_put_str(st_vector *v, const char *s);                      /* NULL: null */
int mt_put_i64(st_vector *v, int64_t x, int64_t null_value);       /* null_value: null */
int mt_put_i32(st_vector *v, int64_t x, int64_t null_value);
/* A scalar value into a vector of its type (int -> long and float -> double
 * widen; a value of another type is ST_EINVALID). */
int mt_put_value(st_vector *v, const st_value *x);

/* Java's human string of a partition value (Transform.toHumanString):
 * year "2024", month "2024-03", day "2024-03-01", hour "2024-03-01-10",
 * binary and fixed in base64, other values as st_value_to_text. */
int mt_human(st_buf *out, const st_transform *tr, const st_value *x);

/* ------------------------------------------------ manifest-based tables */

typedef enum mt_kind {
    MT_MANIFESTS,
    MT_ENTRIES,
    MT_FILES,
    MT_DATA_FILES,
    MT_DELETE_FILES,
    MT_PARTITIONS
} mt_kind;

/* Builds one of the tables of a snapshot into `b`, which it initializes
 * (dispose it in every case). `snap` NULL: a table without snapshots, no rows. */
int mt_build_snapshot_table(mt_builder *b, const st_table *t, const st_snapshot *snap,
                            mt_kind kind);

#endif
