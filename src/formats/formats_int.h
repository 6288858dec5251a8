/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Shared internals of the text formats: the chunked byte source the readers
 * scan, text <-> value conversion, the canonical JSON writer of one value,
 * type inference lattices and fresh field-id assignment.
 */
#ifndef ST_FORMATS_INT_H
#define ST_FORMATS_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <supertable/errors.h>
#include <supertable/formats.h>
#include <supertable/io.h>
#include <supertable/types.h>
#include <supertable/vector.h>

#include "util/buf.h"

#define ST_FMT_DEFAULT_BATCH_ROWS 65536
#define ST_FMT_DEFAULT_INFER_ROWS 10000
/* Deepest JSON nesting accepted (the parser and converters recurse). */
#define ST_FMT_MAX_DEPTH 128

/* ------------------------------------------------------------ byte source */

/*
 * A window over an st_input read front to back. When the input can be viewed
 * whole (mapped files, memory) the window is the whole file and never moves;
 * otherwise bytes are read in chunks into `buf` and a consumer that reaches the
 * end of the window calls st_fmt_source_more() to slide and extend it.
 */
typedef struct st_fmt_source {
    st_input *in;          /* owned */
    const char *name;      /* st_input_name(in) */
    uint64_t size;         /* file size */
    uint64_t next;         /* file offset of the byte after the window */
    const uint8_t *p;      /* window start */
    size_t len;            /* bytes in the window */
    uint8_t *buf;          /* chunk buffer when not viewed whole */
    size_t cap;
    int whole;             /* the window is the whole file */
} st_fmt_source;

/* Tests: when non-zero, inputs are never viewed whole and are read this many
 * bytes at a time, so records straddle window boundaries. */
extern size_t st_fmt_test_chunk;

/* Takes over `in` (also on failure). */
int st_fmt_source_open(st_fmt_source *s, st_input *in);
void st_fmt_source_dispose(st_fmt_source *s);
/* Back to the first byte of the file. */
int st_fmt_source_rewind(st_fmt_source *s);
/*
 * Drops the first `consumed` bytes of the window and extends it with more of
 * the file. Returns 1 when bytes were added, 0 at the end of the file, or an
 * error. Pointers into the window are invalid afterwards.
 */
int st_fmt_source_more(st_fmt_source *s, size_t consumed);
/* Rewound: *pos becomes the offset after a UTF-8 byte order mark, if any. */
int st_fmt_source_skip_bom(st_fmt_source *s, size_t *pos);
/* True once the window reaches the end of the file. */
static inline int st_fmt_source_at_eof(const st_fmt_source *s)
{
    return s->next >= s->size;
}

/* ----------------------------------------------------------- text values */

/* How bytes types are spelled in text. */
typedef enum st_fmt_bytes {
    ST_FMT_BYTES_CSV,      /* binary raw, fixed hex */
    ST_FMT_BYTES_BASE64    /* both base64 (JSON) */
} st_fmt_bytes;

/*
 * Parses text as a value of v's primitive type and appends it. On failure sets
 * ST_EINVALID "cannot parse 'x' as T[: why]" (no position; callers prefix it)
 * and leaves v unchanged. Nested types: ST_EUNSUPPORTED.
 */
int st_fmt_append_text(st_vector *v, const char *s, size_t len, st_fmt_bytes bytes);

/* Strict scalar parsers; 0 or -1 (no error set). Blanks are not trimmed. */
int st_fmt_parse_i64(const char *s, size_t len, int64_t *out);
int st_fmt_parse_f64(const char *s, size_t len, double *out);
int st_fmt_parse_bool(const char *s, size_t len, int *out);
int st_fmt_parse_uuid(const char *s, size_t len, uint8_t out[16]);
/* Decoders into b (appended); 0 or -1. */
int st_fmt_base64_decode(st_buf *b, const char *s, size_t len);
int st_fmt_hex_decode(st_buf *b, const char *s, size_t len);

/* Encoders (append); 0 or ST_ENOMEM. */
int st_fmt_base64_encode(st_buf *b, const uint8_t *p, size_t len);
int st_fmt_hex_encode(st_buf *b, const uint8_t *p, size_t len);

/* The span without leading/trailing blanks (space, tab). */
void st_fmt_trim(const char **s, size_t *len);

/*
 * A one-line excerpt of untrusted text for messages: at most 60 bytes, control
 * characters as '?', "..." when cut. `out` needs 72 bytes.
 */
const char *st_fmt_excerpt(char *out, const char *s, size_t len);

/* Prefixes the current error message with "file:line:column: ". Returns code. */
int st_fmt_error_at(int code, const char *file, uint64_t line, uint64_t column);

/* ------------------------------------------------------------- formatting */

/* The shortest round-trip text of a double (JavaScript layout, "-0" kept),
 * or of a float when is_float; NaN/Infinity/-Infinity as words. buf >= 32. */
int st_fmt_double(char *buf, double x, int is_float);
/* Appends s as a JSON string (quoted, escaped, invalid UTF-8 as U+FFFD). */
int st_fmt_json_string(st_buf *b, const uint8_t *s, size_t len);
/* Appends row i of v in the given style (see formats.h). */
int st_fmt_value(st_buf *b, const st_vector *v, int64_t i, st_value_style style);

/* -------------------------------------------------------------- inference */

/* Candidate types of a CSV value, narrowest first. */
enum {
    ST_FMT_CAND_BOOL = 1 << 0,
    ST_FMT_CAND_LONG = 1 << 1,
    ST_FMT_CAND_DOUBLE = 1 << 2,
    ST_FMT_CAND_DATE = 1 << 3,
    ST_FMT_CAND_TS = 1 << 4,
    ST_FMT_CAND_TSTZ = 1 << 5,
    ST_FMT_CAND_ALL = (1 << 6) - 1
};
/* The set of types text could be (after trimming blanks); 0: only string. */
unsigned st_fmt_classify(const char *s, size_t len);
/* The narrowest type left in a candidate set (string when none). */
st_type_id st_fmt_cand_type(unsigned cands);

/*
 * A copy of `t` (struct, list, map or primitive) whose fields are numbered
 * afresh from *next_id in Iceberg's order (as st_schema_parse does).
 */
int st_fmt_fresh_ids(st_type **out, const st_type *t, int32_t *next_id);

/* Fails with ST_EUNSUPPORTED when a schema field is nested (CSV). */
int st_fmt_check_flat(const st_type *schema, const char *what);

/* --------------------------------------------------------------- JSON DOM */

typedef enum st_json_kind {
    ST_JSON_NULL, ST_JSON_FALSE, ST_JSON_TRUE, ST_JSON_NUMBER, ST_JSON_STRING,
    ST_JSON_ARRAY, ST_JSON_OBJECT
} st_json_kind;

/*
 * A parsed JSON value. Strings are decoded UTF-8; numbers keep their text so
 * that integers and decimals convert exactly. Children of arrays and objects
 * are a linked list; object members carry their key.
 */
typedef struct st_json {
    st_json_kind kind;
    uint32_t len;            /* bytes of s; children of an array/object */
    const char *s;           /* string value or number text */
    const char *key;         /* member name inside an object */
    uint32_t key_len;
    uint32_t column;         /* 1-based byte column of the value in its line */
    int is_integer;          /* number without fraction or exponent */
    struct st_json *child;   /* first element / member */
    struct st_json *next;    /* next sibling */
} st_json;

struct st_arena;
/*
 * Parses one JSON text (a whole line); nodes live in `arena`. On failure sets
 * ST_EINVALID with "column N: what" and *err_column; callers prefix file:line.
 */
int st_json_parse(st_json **out, struct st_arena *arena, const char *s, size_t len,
                  uint32_t *err_column);
/* Appends the compact JSON text of a value (numbers as written). */
int st_json_write(st_buf *b, const st_json *v);

#endif
