/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Text formats: CSV and JSON lines readers (batch readers with schema
 * inference), CSV and JSON lines writers, and the canonical text of one value.
 *
 * THE CANONICAL JSON FORM (what the JSON lines writer and st_value_format()
 * with ST_VALUE_JSON print, and what the JSON lines reader reads back):
 *   boolean            true / false
 *   int, long          JSON numbers, exact (64-bit, never through a double)
 *   float, double      the shortest text that reads back to the same value, laid
 *                      out as JavaScript's String(x) does ("1", "0.1", "1e+21",
 *                      "1.5e-7"), except that -0 prints as "-0"; NaN, Infinity
 *                      and -Infinity print as the strings "NaN", "Infinity",
 *                      "-Infinity"
 *   decimal(P,S)       a string with exactly S fraction digits: "12.30", "-0.05", "12"
 *   date               "YYYY-MM-DD"
 *   time               "HH:MM:SS.ffffff"
 *   timestamp          "2024-01-02T03:04:05.000000" (6 digits; the _ns types 9;
 *                      timestamptz and timestamptz_ns append "Z")
 *   string             a JSON string; control characters escaped (\n, \t, ...,
 *                      else \u00XX), other characters kept as UTF-8; bytes that
 *                      are not valid UTF-8 are replaced by U+FFFD
 *   binary, fixed(L)   standard base64 with padding
 *   uuid               "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx", lowercase
 *   list               an array
 *   struct             an object with every field, in schema order (null fields as null)
 *   map                an object when the key type is string, otherwise an array
 *                      of {"key": k, "value": v}
 *   null               null
 * A row is one object of the top-level columns on one line, without spaces.
 *
 * CSV TEXT OF A VALUE (what the CSV writer prints and the CSV reader parses):
 * the canonical form without JSON quoting for primitives (strings as their
 * bytes, decimals "12.30", NaN as NaN); nested values are their canonical JSON.
 * Binary and fixed(L) have two spellings (st_csv_binary): by default binary is
 * its raw bytes and fixed(L) lowercase hexadecimal (2*L digits); with
 * ST_CSV_BINARY_BASE64 both are standard base64, as in JSON.
 *
 * Thread-safety: readers and writers are not thread-safe; distinct ones may be
 * used on distinct threads. st_value_format() and st_value_append_text() are
 * reentrant.
 */
#ifndef SUPERTABLE_FORMATS_H
#define SUPERTABLE_FORMATS_H

#include "common.h"
#include "io.h"
#include "types.h"
#include "vector.h"

ST_BEGIN_DECL

/* =============================================================== CSV reader */

/** How binary and fixed(L) values are spelled in CSV (see above). */
typedef enum st_csv_binary {
    ST_CSV_BINARY_RAW = 0,     /**< binary: the raw bytes; fixed(L): hexadecimal */
    ST_CSV_BINARY_BASE64 = 1   /**< both: standard base64 (padding optional on input) */
} st_csv_binary;

#define ST_CSV_READ_OPTIONS_VERSION 1

typedef struct st_csv_read_options {
    unsigned int version;    /**< ST_CSV_READ_OPTIONS_VERSION */
    char delimiter;          /**< field separator; default ',' ('\t' for TSV) */
    char quote;              /**< quote character; default '"'; 0: no quoting */
    int header;              /**< 1 (default): the first record names the columns;
                                  0: columns are c1, c2, ... (or the schema's, by position) */
    /**
     * Text that stands for null in any column, e.g. "NULL" or "\\N" (matched
     * only in unquoted fields). NULL (default): no such text. Either way an
     * empty field is null for every type except string and binary, where it is
     * the empty value unless the null string is "".
     */
    const char *null_string;
    int64_t batch_rows;      /**< rows per batch; 0: 65536 */
    /**
     * The schema to read (a struct type; the reader takes its own reference).
     * With a header, file columns map to fields by name (case-sensitive): a field
     * missing from the file reads as null (an error when required), a file column
     * missing from the schema is an error. NULL: inferred from the sample.
     */
    st_type *schema;
    int64_t infer_rows;      /**< records sampled for inference; 0: 10000 */
    st_csv_binary binary;    /**< spelling of binary and fixed values; default raw */
} st_csv_read_options;

#define ST_CSV_READ_OPTIONS_INIT {ST_CSV_READ_OPTIONS_VERSION, ',', '"', 1, NULL, 0, NULL, 0, \
                                  ST_CSV_BINARY_RAW}

/**
 * Opens a CSV file (RFC 4180: quoted fields with delimiters, doubled quotes and
 * line breaks; CRLF or LF; a UTF-8 byte order mark is skipped; blank lines are
 * skipped). Without a schema each column is inferred from the first
 * `infer_rows` records as the narrowest of boolean (true/false in any case),
 * long, double, date (YYYY-MM-DD), timestamp (ISO-8601 without zone),
 * timestamptz (with Z or an offset), else string; a column without values is a
 * string, and integers with leading zeros ("007") are kept as strings. Inferred
 * fields are optional and numbered with fresh ids from 1.
 * Spaces around numbers, booleans, dates and times are ignored; strings keep them.
 * @param[out] out a batch reader; free with st_batch_reader_free(). Errors while
 *             reading ("data.csv:7:12: cannot parse 'abc' as long (column 'qty')")
 *             come from st_batch_reader_next().
 * @param opts NULL for defaults.
 * @return 0, ST_ENOTFOUND, ST_EIO, ST_EINVALID (bad options, header/schema
 *         mismatch, a malformed sampled record), ST_EUNSUPPORTED (a nested type
 *         in the schema), ST_ENOMEM.
 */
ST_EXTERN(int) st_csv_reader_open(st_batch_reader **out, const char *path,
                                  const st_csv_read_options *opts);
/** As st_csv_reader_open(), over an input the reader takes over (also on failure). */
ST_EXTERN(int) st_csv_reader_open_input(st_batch_reader **out, st_input *in,
                                        const st_csv_read_options *opts);

/* ======================================================== JSON lines reader */

#define ST_JSON_READ_OPTIONS_VERSION 1

typedef struct st_json_read_options {
    unsigned int version;    /**< ST_JSON_READ_OPTIONS_VERSION */
    int64_t batch_rows;      /**< rows per batch; 0: 65536 */
    /**
     * The schema to read (a struct type; the reader takes its own reference).
     * Keys missing from an object read as null (an error for a required field);
     * keys the schema does not name are ignored. NULL: inferred.
     */
    st_type *schema;
    int64_t infer_rows;      /**< lines sampled for inference; 0: 10000 */
} st_json_read_options;

#define ST_JSON_READ_OPTIONS_INIT {ST_JSON_READ_OPTIONS_VERSION, 0, NULL, 0}

/**
 * Opens a JSON lines file: one JSON object per line, blank lines skipped.
 * Inference: objects are structs (fields in order of first appearance), arrays
 * lists of their unified element type, integers long, other numbers double,
 * strings string (never dates: text stays text), true/false boolean; long and
 * double unify to double, any other conflict to string (a non-string value is
 * then kept as its JSON text); a key only ever null, or an empty array's
 * element, is a string. Fields are optional, numbered with fresh ids from 1.
 * With a schema every type is read from its canonical JSON form (see the top of
 * this header); in addition numbers are accepted for decimals, JSON strings for
 * any primitive type (parsed as CSV text, base64 for binary and fixed), and maps
 * from arrays of {"key": k, "value": v} as well as from objects (whose keys are
 * parsed as the key type). A non-string value read into a string column is kept
 * as its JSON text. Duplicate keys: the last wins.
 * @param[out] out a batch reader; free with st_batch_reader_free(). Errors carry
 *             "file:line:column:".
 * @return as st_csv_reader_open().
 */
ST_EXTERN(int) st_json_reader_open(st_batch_reader **out, const char *path,
                                   const st_json_read_options *opts);
/** As st_json_reader_open(), over an input the reader takes over (also on failure). */
ST_EXTERN(int) st_json_reader_open_input(st_batch_reader **out, st_input *in,
                                         const st_json_read_options *opts);

/* ================================================================= writers */

/** A CSV or JSON lines writer. Not thread-safe. */
typedef struct st_text_writer st_text_writer;

#define ST_CSV_WRITE_OPTIONS_VERSION 1

typedef struct st_csv_write_options {
    unsigned int version;    /**< ST_CSV_WRITE_OPTIONS_VERSION */
    char delimiter;          /**< default ',' */
    char quote;              /**< default '"' */
    int header;              /**< 1 (default): a first record with the column names */
    /**
     * How null is written; default "" (an empty field). Empty strings are then
     * written quoted ("") so that readers that tell them apart can. A field
     * whose text equals a non-empty null string is quoted too.
     */
    const char *null_string;
    st_csv_binary binary;    /**< spelling of binary and fixed values; default raw */
} st_csv_write_options;

#define ST_CSV_WRITE_OPTIONS_INIT {ST_CSV_WRITE_OPTIONS_VERSION, ',', '"', 1, NULL, \
                                   ST_CSV_BINARY_RAW}

/**
 * Starts a CSV writer of batches of `schema` into `o`. Fields are quoted when
 * they hold the delimiter, the quote, a line break, or are empty strings; line
 * ends are LF. The output stays the caller's: the writer only appends to it.
 * @param[out] out free with st_text_writer_free() (after st_text_writer_finish()).
 * @return 0, ST_EINVALID (not a struct schema, bad options), ST_ENOMEM.
 */
ST_EXTERN(int) st_csv_writer_new(st_text_writer **out, st_output *o, st_type *schema,
                                 const st_csv_write_options *opts);
/** Starts a JSON lines writer (the canonical JSON form, LF line ends) into `o`. */
ST_EXTERN(int) st_json_writer_new(st_text_writer **out, st_output *o, st_type *schema);

/**
 * Where a writer created with the _fn constructors sends its bytes (a pipe,
 * stdout): called with each rendered piece of about 1 MiB or less.
 * @return 0, or an error code (e.g. ST_EIO, after st_error_set()) that the
 *         writer's calls return.
 */
typedef int (*st_text_write_fn)(const void *data, size_t len, void *payload);
/** As st_csv_writer_new(), writing through `fn` instead of an st_output. */
ST_EXTERN(int) st_csv_writer_new_fn(st_text_writer **out, st_text_write_fn fn, void *payload,
                                    st_type *schema, const st_csv_write_options *opts);
/** As st_json_writer_new(), writing through `fn` instead of an st_output. */
ST_EXTERN(int) st_json_writer_new_fn(st_text_writer **out, st_text_write_fn fn, void *payload,
                                     st_type *schema);
/**
 * Appends the rows of `b`, whose schema must equal the writer's.
 * @return 0, ST_EINVALID (schema mismatch), ST_EIO, ST_ENOMEM.
 */
ST_EXTERN(int) st_text_writer_write(st_text_writer *w, const st_batch *b);
/**
 * Appends some rows of `b`: rows[0..n_rows) in that order, or, when `rows` is
 * NULL, the first n_rows (a filtered or limited view of a batch).
 * @return as st_text_writer_write(); ST_EINVALID for a row out of range.
 */
ST_EXTERN(int) st_text_writer_write_rows(st_text_writer *w, const st_batch *b,
                                         const int64_t *rows, int64_t n_rows);
/** Writes what is buffered (and the CSV header if no batch came) to the output. */
ST_EXTERN(int) st_text_writer_finish(st_text_writer *w);
/** Rows written so far. */
ST_EXTERN(int64_t) st_text_writer_rows(const st_text_writer *w);
/** Frees the writer (without finishing). NULL-safe. */
ST_EXTERN(void) st_text_writer_free(st_text_writer *w);

/* ================================================================== values */

typedef enum st_value_style {
    ST_VALUE_JSON = 0,       /**< the canonical JSON form; null is "null" */
    ST_VALUE_TEXT = 1,       /**< the CSV text of the value (raw binary, hex fixed); null is "" */
    ST_VALUE_TEXT_BASE64 = 2 /**< the CSV text with binary and fixed in base64; null is "" */
} st_value_style;

/**
 * Formats row `row` of `v` (a top-level or child vector).
 * @param[out] out a NUL-terminated string the caller st_free()s.
 * @param[out] out_len its length in bytes (it may hold NULs for binary in TEXT
 *             style); may be NULL.
 * @return 0, ST_EINVALID (row out of range), ST_ENOMEM.
 */
ST_EXTERN(int) st_value_format(char **out, size_t *out_len, const st_vector *v, int64_t row,
                               st_value_style style);

/**
 * Parses the CSV text of a value (see above) as the type of `v` and appends it.
 * "cannot parse 'x' as long" style messages; the vector is unchanged on failure.
 * @return 0, ST_EINVALID, ST_EUNSUPPORTED (a nested type), ST_ENOMEM.
 */
ST_EXTERN(int) st_value_append_text(st_vector *v, const char *text, size_t len);

ST_END_DECL

#endif
