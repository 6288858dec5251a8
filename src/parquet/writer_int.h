/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Internals of the Parquet writer, shared by writer.c (file level, row groups,
 * footer, page index, metrics), writer_schema.c (Iceberg -> Parquet schema),
 * writer_shred.c (batches -> per-leaf levels and values), column_write.c (one
 * column chunk -> encoded, compressed pages), dict_hash.c (dictionary hash
 * tables) and writer_stats.c (statistics, bounds, truncation).
 *
 * DATA FLOW. write() appends rows to per-leaf buffers (pw_colbuf) until a row
 * group is full; then every leaf becomes one task on the pool (pw_encode_chunk),
 * which turns its pw_chunk_src into the chunk's bytes in pw_chunk_out; the
 * calling thread writes the chunks in leaf order and records their metadata.
 * A row group that a single batch fills completely is encoded straight from the
 * batch's vectors for flat columns (no copy), several such row groups of a flat
 * schema in one pool run (writer.c).
 *
 * Values stay in the vector representation (decimals as 16-byte integers) until
 * the column task converts them to the physical one, so buffering is a memcpy.
 */
#ifndef ST_PARQUET_WRITER_INT_H
#define ST_PARQUET_WRITER_INT_H

#include <supertable/parquet.h>
#include "parquet/metadata.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/pool.h"

/* ------------------------------------------------------------ schema */

/* How a vector value becomes a physical one. */
typedef enum {
    PW_CONV_NONE,       /* same bytes (ints, floats, uuid, fixed, strings, booleans) */
    PW_CONV_DEC_I32,    /* decimal(P<=9): low 4 bytes of the 16-byte integer */
    PW_CONV_DEC_I64,    /* decimal(P<=18): low 8 bytes */
    PW_CONV_DEC_FLBA    /* decimal(P>18): big-endian, type_length bytes */
} pw_conv;

/* The sort order statistics follow (parquet-format's TYPE_DEFINED_ORDER). */
typedef enum {
    PW_ORD_BOOL,        /* false < true */
    PW_ORD_I32,         /* signed */
    PW_ORD_I64,
    PW_ORD_FLOAT,       /* IEEE, NaN excluded, -0.0 == +0.0 */
    PW_ORD_DOUBLE,
    PW_ORD_BYTES,       /* unsigned lexicographic: strings, binary, uuid, fixed */
    PW_ORD_SIGNED_BE    /* big-endian two's complement: FLBA decimals */
} pw_order;

typedef enum { PW_NODE_LEAF, PW_NODE_STRUCT, PW_NODE_LIST, PW_NODE_MAP } pw_node_kind;

/*
 * One field of the Iceberg schema. Level bookkeeping (Dremel): an entry of a
 * leaf column under this node has def < def when the node is null there,
 * def == def_null exactly; a list/map present but empty has def == def; its
 * elements have rep level `rep` (except the first of each list).
 */
typedef struct pw_node {
    pw_node_kind kind;
    const char *path;           /* dotted Iceberg path, for messages */
    int required;
    int child_index;            /* position in the parent's vector children */
    int16_t def_null;           /* def level of an entry where this node is null */
    int16_t def;                /* def level where it is present */
    int16_t rep;                /* LIST/MAP: repetition level of the elements */
    int n_children;
    struct pw_node **children;  /* struct fields; list: element; map: key, value */
    int leaf;                   /* LEAF: leaf index */
} pw_node;

typedef struct pw_leaf {
    int index;
    const char *path;           /* dotted Parquet path ("tags.list.element") */
    const char **parts;         /* path_in_schema */
    uint32_t n_parts;
    const st_type *type;        /* borrowed from the writer's schema */
    int32_t field_id;
    pq_type physical;
    int32_t type_length;        /* FIXED_LEN_BYTE_ARRAY */
    int width;                  /* physical bytes per value; 0: BOOLEAN, BYTE_ARRAY */
    int vwidth;                 /* vector bytes per value; 0: boolean, string, binary */
    pw_conv conv;
    pw_order order;
    int16_t max_def, max_rep;
    int flat;                   /* a top-level primitive column */
    int in_repeated;            /* under a list or map: no Iceberg bounds */
    int top;                    /* index of its top-level column */
    int depth;                  /* nodes on the path, top-level field first */
    const pw_node **nodes;
} pw_leaf;

typedef struct pw_schema {
    st_arena arena;
    pq_schema_element *elements;
    uint32_t n_elements;
    pw_node **top;              /* one per top-level field */
    int n_top;
    pw_leaf *leaves;
    int n_leaves;
} pw_schema;

int pw_schema_build(pw_schema *out, const st_type *schema);
void pw_schema_dispose(pw_schema *s);

/* ------------------------------------------------------------ options */

typedef struct pw_opts {
    pq_codec codec;
    int level;
    int64_t rg_rows, rg_bytes;
    int64_t page_bytes, page_rows;
    int64_t dict_bytes;         /* < 0: no dictionaries */
    int v2;                     /* DATA_PAGE_V2 */
    int stats;                  /* statistics and column index in the file */
} pw_opts;

/* ------------------------------------------------------------ buffered rows */

/*
 * Rows of one leaf waiting for the row group to fill. Flat leaves keep the
 * vector layout, nulls included (values, bits or offsets + data, and a validity
 * bitmap that exists once a null was seen); nested leaves keep int16 levels and
 * the dense non-null values.
 */
typedef struct pw_colbuf {
    st_buf values;              /* fixed-width values, or boolean bits */
    st_buf offsets;             /* string/binary: int32, n + 1 entries from 0 */
    st_buf data;
    st_buf validity;            /* flat: empty while every row is valid */
    int64_t n;                  /* flat: rows; nested: dense values */
    int64_t nulls;              /* flat: null rows */
    st_buf def, rep;            /* nested: int16 levels */
    int64_t n_levels;
} pw_colbuf;

/* What one column task encodes: a view of buffered rows or of a batch's vector. */
typedef struct pw_chunk_src {
    int64_t rows;
    int64_t n_levels;           /* flat: == rows */
    const int16_t *def, *rep;   /* nested; def NULL when max_def == 0 */
    const uint8_t *validity;    /* flat; NULL when no row is null */
    int64_t nulls;              /* flat: null rows */
    int64_t n_vals;             /* values present: flat: rows (spaced); nested: dense */
    int64_t row0;               /* flat: index of the first row in the arrays below */
    const uint8_t *values;      /* vector layout; booleans as bits */
    const int32_t *offsets;     /* strings: offsets[row0 .. row0 + n_vals] */
    const uint8_t *data;
} pw_chunk_src;

/* Dense physical values, what the encoders and statistics read. */
typedef struct pw_dense {
    int64_t n;
    const uint8_t *fixed;       /* n * width bytes */
    const int32_t *off;         /* BYTE_ARRAY: n + 1 offsets, any base */
    const uint8_t *data;
    const uint8_t *bits;        /* BOOLEAN: bits [bit0, bit0 + n) */
    int64_t bit0;
} pw_dense;

/* ------------------------------------------------------------ statistics */

/* A bound: bytes inline (fixed-width types) or borrowed (byte arrays). */
typedef struct pw_val {
    const uint8_t *p;           /* NULL: the bytes are in inl */
    uint32_t len;
    uint8_t inl[16];
} pw_val;

static inline const uint8_t *pw_val_ptr(const pw_val *v) { return v->p ? v->p : v->inl; }

typedef struct pw_stats {
    int64_t nulls;              /* level entries without a value */
    int64_t nans;
    int has;                    /* min and max are set */
    pw_val min, max;
} pw_stats;

/* Statistics of dense values [v0, v1). */
void pw_stats_values(pw_stats *out, const pw_leaf *lf, const pw_dense *v, int64_t v0,
                     int64_t v1);
/* Folds `s` into `acc` (nulls and NaNs add up; bounds widen). */
void pw_stats_merge(pw_stats *acc, const pw_stats *s, const pw_leaf *lf);
/* Updates min/max with one value (physical bytes). */
void pw_stats_add(pw_stats *s, const pw_leaf *lf, const uint8_t *p, uint32_t len);
/* Comparison in the leaf's order: < 0, 0, > 0. */
int pw_val_cmp(const pw_leaf *lf, const uint8_t *a, uint32_t al, const uint8_t *b, uint32_t bl);
/* Spec rule for float zeros: a zero min is written -0.0, a zero max +0.0. */
void pw_stats_fix_zeros(pw_stats *s, const pw_leaf *lf);

#define PW_TRUNCATE_LEN 64

/*
 * Bounds as written to the footer and column index: byte arrays longer than
 * PW_TRUNCATE_LEN become a prefix (min) or an incremented prefix (max, which may
 * stay whole when no prefix can be incremented). *exact says whether the bytes
 * are the value itself. The result points into `v` or into `buf` (>= 68 bytes).
 */
void pw_bound_min(const pw_leaf *lf, const pw_val *v, const uint8_t **out, uint32_t *len,
                  int *exact);
void pw_bound_max(const pw_leaf *lf, const pw_val *v, uint8_t *buf, const uint8_t **out,
                  uint32_t *len, int *exact);

/* A bound in Iceberg's single-value binary serialisation, st_malloc'd into *out. */
int pw_iceberg_bound(uint8_t **out, size_t *out_len, const pw_leaf *lf, const uint8_t *p,
                     uint32_t len);

/* ------------------------------------------------------------ dictionaries */

typedef enum { PW_DICT_W4, PW_DICT_W8, PW_DICT_FIXED, PW_DICT_BYTES } pw_dict_kind;

/*
 * A dictionary: distinct values in order of first appearance and an
 * open-addressing hash table over them. Slots of 4- and 8-byte keys hold the key
 * itself; others hold a hash tag and the entry index (entries compared in place).
 */
typedef struct pw_dict {
    pw_dict_kind kind;
    int width;                  /* fixed-width entries */
    uint32_t count;             /* entries */
    uint64_t plain_bytes;       /* size of the PLAIN dictionary page */
    void *slots;
    uint32_t mask;              /* slots - 1 (a power of two minus one), 0 when none */
    st_buf entries;             /* fixed: count * width bytes; bytes: data */
    st_buf offsets;             /* bytes: int32, count + 1 entries */
} pw_dict;

int pw_dict_init(pw_dict *d, const pw_leaf *lf);
/* Forgets every entry, keeping allocations. */
void pw_dict_clear(pw_dict *d);
void pw_dict_dispose(pw_dict *d);
/*
 * Looks up values [v0, v1) of `v`, adding the new ones; their entry indexes go to
 * idx[v0 .. v1). Stops early (returning 1, *stop = first value not added) once
 * the PLAIN size of the dictionary passes `limit`. 0, 1, or ST_ENOMEM.
 */
int pw_dict_insert(pw_dict *d, const pw_dense *v, int64_t v0, int64_t v1, uint32_t *idx,
                   uint64_t limit, int64_t *stop);
/* Entry i as bytes (fixed: width bytes). */
const uint8_t *pw_dict_entry(const pw_dict *d, uint32_t i, uint32_t *len);
/* Appends the PLAIN encoding of entries [0, n). */
int pw_dict_plain(const pw_dict *d, uint32_t n, st_buf *out);
/* PLAIN bytes of entries [0, n). */
uint64_t pw_dict_plain_size(const pw_dict *d, uint32_t n);

/* ------------------------------------------------------------ column chunks */

typedef struct pw_page_meta {
    int64_t offset;             /* of the page header, within the chunk's bytes */
    int32_t size;               /* header + body */
    int64_t first_row;          /* within the row group */
    int64_t rows;
    int64_t lv0, lv1;           /* level entries (flat: rows) */
    int64_t v0, v1;             /* dense values */
    pw_stats st;
} pw_page_meta;

/* The result of encoding one column chunk; pointers stay valid until the leaf's next chunk. */
typedef struct pw_chunk_out {
    st_buf bytes;               /* dictionary page, then data pages */
    int has_dict;
    int64_t dict_len;           /* bytes of the dictionary page (header included) */
    int64_t num_values;         /* level entries */
    int64_t uncompressed;       /* headers + uncompressed bodies */
    uint32_t enc_mask;          /* 1 << pq_encoding, every encoding in the chunk */
    int32_t data_pages[10];     /* data pages per pq_encoding */
    pw_stats st;
    int index_ok;               /* every page with values has bounds */
    pw_page_meta *pages;
    size_t n_pages, pages_cap;
} pw_chunk_out;

/* Per-leaf state that outlives one chunk: scratch buffers and the dictionary. */
typedef struct pw_colstate {
    pw_dict dict;
    int dict_ready;
    st_buf dense, dense_off, dense_data;   /* compacted / converted values */
    st_buf idx;                 /* dictionary indexes, uint32 per value */
    st_buf seen;                /* uint32 per dictionary entry: last page that used it */
    st_buf body, levels, comp, trial;
    pw_chunk_out out;
} pw_colstate;

void pw_colstate_dispose(pw_colstate *cs);

/* Encodes one column chunk into cs->out. Thread-safe for distinct cs. */
int pw_encode_chunk(pw_colstate *cs, const pw_leaf *lf, const pw_chunk_src *src,
                    const pw_opts *o);

/* ------------------------------------------------------------ shredding */

/* Bytes rows [a, a + n) of v occupy (a row-group size estimate). */
int64_t pw_range_bytes(const st_vector *v, int64_t a, int64_t n);
/* Appends rows [a, a + n) of top-level column `col` (node `top`) to the leaves' buffers. */
int pw_shred(pw_colbuf *bufs, const pw_schema *s, const pw_node *top, const st_vector *col,
             int64_t a, int64_t n, st_buf scratch[6]);
/* Null rows of a flat column in [a, a + n) (0 without a bitmap). */
int64_t pw_count_nulls(const st_vector *v, int64_t a, int64_t n);

#endif
