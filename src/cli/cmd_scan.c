/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `supertable scan TABLE`: reads a table's rows through the scan planner
 * (snapshot selection, pruning, delete files, schema evolution), printed as
 * a table, CSV or JSON lines, or written as Parquet. --explain prints the
 * plan instead: what was considered, pruned at each stage, and read.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <supertable/io.h>
#include <supertable/parquet.h>
#include <supertable/scan.h>
#include <supertable/sys/alloc.h>

#include "cli.h"

#define CMD "supertable scan"

static const char USAGE[] =
    "usage: supertable scan TABLE [options]\n"
    "\n"
    "Reads the rows of a table: TABLE is ns.name in the catalog, or a table\n"
    "folder or metadata file (a path table).\n"
    "\n"
    "Options:\n"
    "  -c, --columns LIST       columns to read, comma-separated (a.b for a struct\n"
    "                           field); default all, in the schema's order\n"
    "  -w, --filter EXPR        rows where EXPR is true, e.g. \"ts >= '2024-03-01' AND\n"
    "                           id IN (1, 2)\" (=, !=, <, <=, >, >=, IN, BETWEEN, LIKE\n"
    "                           'p%', STARTS WITH, IS [NOT] NULL, IS [NOT] NAN, AND,\n"
    "                           OR, NOT); prunes manifests, files and row groups\n"
    "      --snapshot ID        read this snapshot (with its own schema)\n"
    "      --as-of TIME         read the snapshot that was current at TIME: ISO-8601\n"
    "                           ('2026-11-21T18:00:00Z', '2026-11-21 18:00:00.123'; no\n"
    "                           zone means UTC) or epoch milliseconds\n"
    "      --ref NAME           read a branch or tag\n"
    "  -n, --limit N            stop after N rows\n"
    "  -f, --format FMT         table (default), csv, jsonl or parquet\n"
    "  -o, --output FILE        write to FILE instead of standard output (parquet\n"
    "                           needs it when standard output is a terminal)\n"
    "      --max-width N        table: cut cells wider than N characters (default 40)\n"
    "      --case-sensitive     match column names exactly (default: any case)\n"
    "      --explain            print the plan (one line per stage) instead of rows\n"
    CLI_GLOBAL_HELP;

enum {
    OPT_SNAPSHOT = CLI_OPT_FIRST_FREE,
    OPT_AS_OF,
    OPT_REF,
    OPT_MAX_WIDTH,
    OPT_EXPLAIN,
    OPT_CASE
};

typedef struct scan_args {
    st_scan_options o;
    char **columns;            /* NULL-terminated */
    int n_columns;
    char format;               /* 't', 'c', 'j', 'p' */
    const char *output;
    int max_width;
    int explain;
} scan_args;

static int split_columns(scan_args *a, const char *list)
{
    const char *p = list;
    for (;;) {
        const char *comma = strchr(p, ',');
        size_t n = comma ? (size_t)(comma - p) : strlen(p);
        while (n && isspace((unsigned char)*p)) {
            p++;
            n--;
        }
        while (n && isspace((unsigned char)p[n - 1]))
            n--;
        if (n == 0)
            return cli_usage_error(CMD, "empty column name in --columns '%s'", list);
        char **grown = realloc(a->columns, sizeof(char *) * (size_t)(a->n_columns + 2));
        if (!grown)
            return cli_fail_msg("out of memory");
        a->columns = grown;
        if (!(a->columns[a->n_columns] = strndup(p, n)))
            return cli_fail_msg("out of memory");
        a->columns[++a->n_columns] = NULL;
        if (!comma)
            return 0;
        p = comma + 1;
    }
}

static int scan_option(void *ctx, int c, const char *arg)
{
    scan_args *a = ctx;
    int64_t v;
    switch (c) {
    case 'c': return split_columns(a, arg);
    case 'w':
        if (a->o.filter)
            return cli_usage_error(CMD, "give one --filter (combine with AND)");
        a->o.filter = arg;
        return 0;
    case 'n':
        if (cli_parse_count(arg, &a->o.limit) < 0)
            return cli_usage_error(CMD, "--limit needs a number, got '%s'", arg);
        return 0;
    case 'f':
        if (strcmp(arg, "table") == 0 || strcmp(arg, "csv") == 0 || strcmp(arg, "jsonl") == 0 ||
            strcmp(arg, "parquet") == 0) {
            a->format = arg[0] == 'j' ? 'j' : arg[0] == 'c' ? 'c' : arg[0];
            return 0;
        }
        return cli_usage_error(CMD, "--format must be table, csv, jsonl or parquet, not '%s'",
                               arg);
    case 'o': a->output = arg; return 0;
    case OPT_SNAPSHOT: return cli_parse_snapshot_id(CMD, "--snapshot", arg, &a->o.snapshot_id);
    case OPT_AS_OF:
        if (cli_parse_instant(arg, &a->o.as_of_ms) < 0)
            return cli_usage_error(CMD,
                                   "--as-of needs an ISO-8601 time ('2026-11-21T18:00:00Z') "
                                   "or epoch milliseconds, got '%s'", arg);
        return 0;
    case OPT_REF: a->o.ref = arg; return 0;
    case OPT_MAX_WIDTH:
        if (cli_parse_count(arg, &v) < 0 || v < 4 || v > 100000)
            return cli_usage_error(CMD, "--max-width needs a number from 4, got '%s'", arg);
        a->max_width = (int)v;
        return 0;
    case OPT_EXPLAIN: a->explain = 1; return 0;
    case OPT_CASE: a->o.case_sensitive = 1; return 0;
    default: return cli_usage_error(CMD, "unexpected option");
    }
}

/* ---------------------------------------------------------------- output */

typedef struct sink {
    char format;
    cli_table *table;
    st_text_writer *text;
    st_parquet_writer *pq;
    uint8_t *buf;              /* parquet to standard output: the file in memory */
    size_t buf_len;
    int to_stdout;
    FILE *file;                /* --output for text formats */
} sink;

static int sink_open(sink *k, const scan_args *a, st_type *schema)
{
    FILE *f = stdout;
    k->format = a->format;
    if (a->format == 'p') {
        st_parquet_write_options po = ST_PARQUET_WRITE_OPTIONS_INIT;
        if (a->output)
            return st_parquet_writer_open(&k->pq, a->output, schema, &po);
        st_output *o = NULL;
        int rc = st_output_open_buffer(&o, &k->buf, &k->buf_len);
        k->to_stdout = 1;
        return rc ? rc : st_parquet_writer_open_output(&k->pq, o, schema, &po);
    }
    if (a->output) {
        if (!(k->file = fopen(a->output, "w")))
            return st_error_set(ST_EIO, ST_ERROR_CLI, "cannot write '%s'", a->output);
        f = k->file;
    }
    if (a->format == 't')
        return cli_table_new(&k->table, f, schema, a->max_width);
    if (a->format == 'c') {
        st_csv_write_options o = ST_CSV_WRITE_OPTIONS_INIT;
        o.binary = ST_CSV_BINARY_BASE64;
        return st_csv_writer_new_fn(&k->text, cli_write_file, f, schema, &o);
    }
    return st_json_writer_new_fn(&k->text, cli_write_file, f, schema);
}

static int sink_write(sink *k, const st_batch *b)
{
    if (k->format == 'p')
        return st_parquet_writer_write(k->pq, b);
    if (k->format == 't')
        return cli_table_add(k->table, b, NULL, b->length);
    return st_text_writer_write(k->text, b);
}

static int sink_finish(sink *k)
{
    int rc;
    if (k->format == 'p') {
        rc = st_parquet_writer_close(k->pq, NULL);
        k->pq = NULL;
        if (rc == 0 && k->to_stdout && k->buf_len &&
            fwrite(k->buf, 1, k->buf_len, stdout) != k->buf_len)
            rc = st_error_set(ST_EIO, ST_ERROR_CLI, "cannot write the output");
        return rc;
    }
    rc = k->format == 't' ? cli_table_finish(k->table) : st_text_writer_finish(k->text);
    if (rc == 0 && k->file && fclose(k->file) != 0)
        rc = st_error_set(ST_EIO, ST_ERROR_CLI, "cannot write the output file");
    k->file = NULL;
    return rc;
}

static void sink_free(sink *k)
{
    st_parquet_writer_abort(k->pq);
    st_free(k->buf);
    cli_table_free(k->table);
    st_text_writer_free(k->text);
    if (k->file)
        fclose(k->file);
}

/* ------------------------------------------------------------------- run */

static int run(st_table *t, scan_args *a)
{
    st_scan *s = NULL;
    st_batch_reader *r = NULL;
    st_batch *b = NULL;
    sink k;
    int rc;
    memset(&k, 0, sizeof k);
    a->o.columns = (const char *const *)a->columns;
    if ((rc = st_table_scan(&s, t, &a->o)) < 0)
        return rc;
    if (a->explain) {
        char *text = NULL;
        if ((rc = st_scan_explain(s, &text)) == 0) {
            fputs(text, stdout);
            st_free(text);
        }
        st_scan_free(s);
        return rc;
    }
    if ((rc = st_scan_reader(&r, s)) == 0 && (rc = sink_open(&k, a, st_scan_schema(s))) == 0) {
        while ((rc = st_batch_reader_next(r, &b)) == 0) {
            rc = sink_write(&k, b);
            st_batch_free(b);
            if (rc < 0)
                break;
        }
        if (rc == ST_ITEROVER)
            rc = sink_finish(&k);
    }
    sink_free(&k);
    st_batch_reader_free(r);
    st_scan_free(s);
    return rc;
}

int cmd_scan(int argc, char **argv)
{
    static const struct option opts[] = {
        {"columns", required_argument, NULL, 'c'},
        {"filter", required_argument, NULL, 'w'},
        {"where", required_argument, NULL, 'w'},
        {"limit", required_argument, NULL, 'n'},
        {"format", required_argument, NULL, 'f'},
        {"output", required_argument, NULL, 'o'},
        {"snapshot", required_argument, NULL, OPT_SNAPSHOT},
        {"as-of", required_argument, NULL, OPT_AS_OF},
        {"ref", required_argument, NULL, OPT_REF},
        {"max-width", required_argument, NULL, OPT_MAX_WIDTH},
        {"explain", no_argument, NULL, OPT_EXPLAIN},
        {"case-sensitive", no_argument, NULL, OPT_CASE},
        {NULL, 0, NULL, 0},
    };
    static const char *const missing[] = {"no table given"};
    scan_args a;
    st_table *t = NULL;
    char **pos;
    int np, rc;
    memset(&a, 0, sizeof a);
    a.o = (st_scan_options)ST_SCAN_OPTIONS_INIT;
    a.format = 't';
    a.max_width = 40;
    rc = cli_parse(argc, argv, CMD, USAGE, "c:w:n:f:o:", opts, scan_option, &a, 1, 1, missing,
                   &pos, &np);
    if (rc == 0 && a.format == 'p' && !a.output && !a.explain && isatty(STDOUT_FILENO))
        rc = cli_usage_error(CMD, "Parquet is binary: give --output FILE or redirect the "
                                  "standard output");
    if (rc == 0) {
        if ((rc = cli_table_open(&t, pos[0])) < 0 || (rc = run(t, &a)) < 0)
            rc = cli_fail();
        else if (fflush(stdout) != 0)
            rc = cli_fail_msg("cannot write the output");
        else
            rc = CLI_OK;
    } else if (rc < 0) {
        rc = CLI_OK;
    }
    st_table_free(t);
    for (int i = 0; i < a.n_columns; i++)
        free(a.columns[i]);
    free(a.columns);
    return rc;
}
