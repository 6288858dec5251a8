/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The supertable command-line tool: what its commands share. The CLI uses only
 * the public headers (include/supertable/); it prints, the library never does.
 *
 * Exit status: 0 success, 1 a runtime failure ("supertable: error: ..." on
 * stderr), 2 a usage error (one line plus "Try '... --help'." on stderr).
 */
#ifndef ST_CLI_H
#define ST_CLI_H

#include <getopt.h>
#include <stdint.h>
#include <stdio.h>

#include <supertable/errors.h>
#include <supertable/formats.h>
#include <supertable/parquet.h>
#include <supertable/types.h>
#include <supertable/vector.h>

#define CLI_OK 0
#define CLI_FAILURE 1
#define CLI_USAGE 2

/* ------------------------------------------------------------ commands */

int cmd_parquet_inspect(int argc, char **argv);
int cmd_parquet_cat(int argc, char **argv);
int cmd_parquet_convert(int argc, char **argv);

/* ----------------------------------------------------- messages, exits */

/* Prints `usage` on stdout; returns CLI_OK (for --help). */
int cli_help(const char *usage);
/* "supertable parquet cat: <msg>" + "Try 'supertable parquet cat --help'." on
 * stderr; returns CLI_USAGE. `cmd` is the command's full name. */
int cli_usage_error(const char *cmd, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* "supertable: error: <st_error_last()->message>" on stderr; returns CLI_FAILURE. */
int cli_fail(void);
/* "supertable: error: <msg>" on stderr; returns CLI_FAILURE. */
int cli_fail_msg(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;
/* The usage error for getopt_long's '?' or ':' result. */
int cli_bad_option(const char *cmd, int c, char **argv);

/* Resets getopt so a command can parse its own arguments (options may come
 * before or after positional arguments: glibc permutes). */
void cli_getopt_reset(void);

/* --------------------------------------------------------------- values */

/* Parses a non-negative integer option value; 0 or -1 when it is not one. */
int cli_parse_count(const char *s, int64_t *out);

/* Text file formats the tool reads and writes. */
typedef enum cli_format {
    CLI_FMT_NONE, CLI_FMT_CSV, CLI_FMT_TSV, CLI_FMT_JSONL, CLI_FMT_PARQUET
} cli_format;

/* "csv", "tsv", "jsonl" (also "json", "ndjson"), "parquet"; CLI_FMT_NONE otherwise. */
cli_format cli_format_by_name(const char *name);
/* By file extension (case-insensitive); CLI_FMT_NONE when unknown. */
cli_format cli_format_by_path(const char *path);
const char *cli_format_name(cli_format f);

/* Writes a JSON string (quoted, escaped; invalid UTF-8 as U+FFFD) to f. */
void cli_json_string(FILE *f, const char *s);

/* The writer function of st_*_writer_new_fn() that writes to a FILE*. */
int cli_write_file(const void *data, size_t len, void *payload);

/* Reads all of stdin into memory (for "-" as an input); the caller st_free()s. */
int cli_read_stdin(uint8_t **out, size_t *len);

/* ---------------------------------------------------------------- table */

typedef struct cli_table cli_table;

/* A table printer of batches of `schema` to f; cells wider than max_width
 * display columns are cut with an ellipsis. */
int cli_table_new(cli_table **out, FILE *f, const st_type *schema, int max_width);
/* Adds rows (as st_text_writer_write_rows() selects them). */
int cli_table_add(cli_table *t, const st_batch *b, const int64_t *rows, int64_t n);
/* Prints what is buffered and the "(N rows)" footer. */
int cli_table_finish(cli_table *t);
void cli_table_free(cli_table *t);

/* -------------------------------------------------------------- filters */

typedef struct cli_filter cli_filter;

/* Parses "col op literal", "col is null", "col is not null" (op: = != < <= > >=).
 * A bad expression is a usage error: returns -1 with *why set (static text). */
int cli_filter_parse(cli_filter **out, const char *text, const char **why);
void cli_filter_free(cli_filter *f);
const char *cli_filter_path(const cli_filter *f);
/* Adds the filter to a reader for row-group pruning. */
int cli_filter_add_to(const cli_filter *f, st_parquet_reader *r);
/* Binds the filter to a batch schema (finds the column, parses the literal). */
int cli_filter_bind(cli_filter *f, const st_type *schema);
/* 1 when row i of b (a batch of the bound schema) satisfies the filter. */
int cli_filter_match(const cli_filter *f, const st_batch *b, int64_t i);

#endif
