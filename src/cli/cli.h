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

#include <supertable/catalog.h>
#include <supertable/errors.h>
#include <supertable/formats.h>
#include <supertable/parquet.h>
#include <supertable/scan.h>
#include <supertable/table.h>
#include <supertable/types.h>
#include <supertable/vector.h>

#define CLI_OK 0
#define CLI_FAILURE 1
#define CLI_USAGE 2

/* ------------------------------------------------------------ commands */

int cmd_parquet_inspect(int argc, char **argv);
int cmd_parquet_cat(int argc, char **argv);
int cmd_parquet_convert(int argc, char **argv);

int cmd_namespace_create(int argc, char **argv);
int cmd_namespace_list(int argc, char **argv);
int cmd_namespace_describe(int argc, char **argv);
int cmd_namespace_drop(int argc, char **argv);

int cmd_table_create(int argc, char **argv);
int cmd_table_list(int argc, char **argv);
int cmd_table_describe(int argc, char **argv);
int cmd_table_drop(int argc, char **argv);
int cmd_table_rename(int argc, char **argv);
int cmd_table_history(int argc, char **argv);
int cmd_table_snapshots(int argc, char **argv);
int cmd_table_files(int argc, char **argv);
int cmd_table_manifests(int argc, char **argv);
int cmd_table_refs(int argc, char **argv);
int cmd_table_partitions(int argc, char **argv);
int cmd_table_entries(int argc, char **argv);
int cmd_table_properties(int argc, char **argv);
int cmd_table_rollback(int argc, char **argv);
int cmd_table_set_current(int argc, char **argv);
int cmd_table_cherry_pick(int argc, char **argv);
int cmd_table_tag(int argc, char **argv);
int cmd_table_branch(int argc, char **argv);
int cmd_table_expire(int argc, char **argv);
int cmd_table_upgrade(int argc, char **argv);
int cmd_table_alter(int argc, char **argv);

int cmd_import(int argc, char **argv);
int cmd_scan(int argc, char **argv);

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

/* ------------------------------------------------------ command lines */

/* What a command-specific option handler returns: 0, or an exit status. */
typedef int (*cli_option_fn)(void *ctx, int c, const char *arg);

/*
 * The option loop every catalog and table command shares. `opts` (terminated
 * by a zero entry) gets --help and the global options (--catalog, --warehouse,
 * --location-map) added; `shortopts` lists the short options (':' first is
 * added). Each option of the command goes to `fn` in the order given. The
 * positional arguments land in *pos / *n_pos; fewer than `min_pos` is a usage
 * error that says missing[n] (the first absent one), more than `max_pos` (-1:
 * any number) one that names the extra argument.
 * @return 0 to go on; CLI_HELP when --help was printed; else an exit status.
 */
#define CLI_HELP (-1)
int cli_parse(int argc, char **argv, const char *cmd, const char *usage, const char *shortopts,
              const struct option *opts, cli_option_fn fn, void *ctx, int min_pos, int max_pos,
              const char *const *missing, char ***pos, int *n_pos);

/* getopt values of the global options (also accepted after the command). */
enum {
    CLI_OPT_CATALOG = 0x1000,
    CLI_OPT_WAREHOUSE,
    CLI_OPT_LOCATION_MAP,
    CLI_OPT_FIRST_FREE = 0x1100    /* commands number their long-only options from here */
};

/* The last lines of every catalog and table command's --help. */
#define CLI_GLOBAL_HELP                                                                    \
    "  -h, --help               show this help\n"                                          \
    "Global options (also before the command): --catalog URI, --warehouse DIR,\n"          \
    "--location-map FROM=TO; see 'supertable --help'.\n"

/* Handles a global option: 0 (taken), a usage error's status, or -1 when `c`
 * is not a global option. */
int cli_global_option(const char *cmd, int c, const char *arg);
/* Frees what the global options and the catalog hold (main, at exit). */
void cli_globals_free(void);

/* ------------------------------------------------- catalogs and tables */

/* The catalog of --catalog / --warehouse (or SUPERTABLE_CATALOG /
 * SUPERTABLE_WAREHOUSE, or the default ./warehouse/catalog.db), opened on the
 * first call and kept until cli_globals_free(). Borrowed. */
int cli_catalog(st_catalog **out);
/* 1 when a table name is a folder path (holds '/' or starts with '.'). */
int cli_is_path(const char *name);
/* Opens a table by name: a path table or a catalog table. st_table_free() it. */
int cli_table_open(st_table **out, const char *name);
/* The location rewrites of --location-map, NULL-terminated, or NULL for none. */
const char *const *cli_location_map(void);

/* Properties given as KEY=VALUE options. */
typedef struct cli_props {
    st_property *v;        /* keys are the copies below; values point into the options */
    char **keys;
    size_t n;
} cli_props;
/* Adds "k=v" (k not empty); a bad one is a usage error of `cmd` naming `opt`. */
int cli_props_add(cli_props *p, const char *cmd, const char *opt, const char *kv);
void cli_props_free(cli_props *p);

/* A snapshot id option value; a usage error of `cmd` when it is not an integer. */
int cli_parse_snapshot_id(const char *cmd, const char *what, const char *s, int64_t *out);
/* An instant: epoch milliseconds (digits) or ISO-8601 ("2024-03-01",
 * "2024-03-01T10:00:00Z", "2024-03-01 10:00:00+02:00"; no zone: UTC). -1 if bad. */
int cli_parse_instant(const char *s, int64_t *ms);
/* "2026-11-21T18:00:00.123Z" into buf (at least 32 bytes). */
void cli_format_instant(char *buf, size_t size, int64_t ms);
/* The current time in epoch milliseconds. */
int64_t cli_now_ms(void);

/* -------------------------------------------------------------- listings */

/* How listings print: an aligned table, CSV with a header, one JSON array, or
 * one JSON object per line. */
typedef enum cli_list_format {
    CLI_LIST_TABLE, CLI_LIST_CSV, CLI_LIST_JSON, CLI_LIST_JSONL
} cli_list_format;

/* Parses a --format value; 0, or a usage error of `cmd` when unknown. */
int cli_list_format_parse(const char *cmd, const char *arg, cli_list_format *out);

/*
 * Prints every batch of a reader to stdout in a listing format. Nested values
 * (structs, lists, maps) are compact text in table and csv -- {1: 10, 2: 20},
 * [4, 8], {city: Oslo, zip: null}; binary inside them in base64 -- and JSON
 * objects and arrays (the canonical JSON form) in json and jsonl. Every
 * listing of the tool goes through here, so they print alike.
 */
int cli_print_reader(st_batch_reader *r, cli_list_format f);

/*
 * A listing built by hand: rows of a schema given in the schema syntax
 * (string, long and boolean columns), a cell at a time in column order, then
 * printed (once) as cli_print_reader() prints.
 */
typedef struct cli_list cli_list;
int cli_list_new(cli_list **out, const char *schema);
int cli_list_str(cli_list *l, const char *s);              /* NULL: null */
int cli_list_long(cli_list *l, int64_t v);
int cli_list_long_or_null(cli_list *l, int64_t v, int64_t null_value);
int cli_list_bool(cli_list *l, int v);
/* Prints the rows to stdout (once). */
int cli_list_print(cli_list *l, cli_list_format f);
void cli_list_free(cli_list *l);

#endif
