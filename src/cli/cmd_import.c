/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `supertable import TABLE FILE...`: CSV, TSV, JSON lines and Parquet files
 * into an Iceberg table, all in ONE commit (one st_txn): either every row of
 * every file lands, or none does.
 *
 * Text files are read with the TABLE's schema, so their values are checked
 * against its types as they are parsed ("data.csv:7:12: cannot parse 'abc' as
 * long (column 'qty')"); Parquet files go in as they are and the transaction
 * matches their columns to the table's by field id, else by name.
 *
 * With --create a missing table is made first (schema from --schema, else
 * that of the first file: inferred for text, Parquet's own); if the import
 * then fails, the table is dropped again so that nothing is left behind (a
 * path table's folder stays: there is no catalog entry to take back).
 *
 * On a terminal, standard error shows progress: rows, MB/s and how far through
 * the input bytes. A text file's position is estimated from its rows and the
 * bytes per line of its first MiB; a Parquet file's from its row count.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <supertable/sys/alloc.h>

#include "cli.h"

#define CMD "supertable import"

static const char USAGE[] =
    "usage: supertable import TABLE FILE... [options]\n"
    "\n"
    "Appends the rows of CSV, TSV, JSON lines and Parquet files to a table, in one\n"
    "commit: all files or nothing. TABLE is 'ns.name' or a table folder path. Text\n"
    "files are read with the table's schema (values are checked against its types;\n"
    "CSV columns match by header name); Parquet columns match by field id, else by\n"
    "name. '-' reads standard input (a text format, with --format).\n"
    "\n"
    "Options:\n"
    "  -f, --format FMT         csv, tsv, jsonl, parquet (default: by extension)\n"
    "      --mode MODE          append (default), or overwrite: replace every row\n"
    "      --create             create the table when it does not exist, with:\n"
    "  -s, --schema TEXT          its schema (default: the first file's, inferred\n"
    "                             for text)\n"
    "      --partition-by TEXT    its partitioning, e.g. 'day(ts), bucket(16, id)'\n"
    "      --sort-by TEXT         its sort order, e.g. 'ts desc, id'\n"
    "  -p, --property KEY=VALUE   a table property; repeatable\n"
    "      --format-version N     1, 2 (default) or 3\n"
    "      --branch NAME        commit to this branch instead of main\n"
    "      --header             CSV: the first line names the columns (default)\n"
    "      --no-header          CSV: no header; columns match the schema by position\n"
    "      --delimiter C        CSV field delimiter (default ',', TSV tab)\n"
    "      --null TEXT          CSV text for null; default: an empty unquoted field\n"
    "      --binary ENC         CSV binary and fixed values: base64 (default) or raw\n"
    "      --infer-rows N       rows sampled to infer a schema (default 10000)\n"
    "  -q, --quiet              no progress and no summary line\n" CLI_GLOBAL_HELP;

enum { OPT_MODE = CLI_OPT_FIRST_FREE, OPT_CREATE, OPT_PARTITION_BY, OPT_SORT_BY,
       OPT_FORMAT_VERSION, OPT_BRANCH, OPT_HEADER, OPT_NO_HEADER, OPT_DELIMITER, OPT_NULL,
       OPT_BINARY, OPT_INFER_ROWS };

typedef struct import_args {
    const char *table;
    char **files;
    int n_files;
    cli_format format;           /* --format; NONE: by extension */
    cli_format *formats;         /* per file */
    int overwrite, create, quiet;
    const char *schema_text;
    st_type *schema;             /* --schema, parsed */
    st_table_create_options co;
    cli_props props;
    const char *branch;
    int no_header;
    char delimiter;
    const char *null_string;
    st_csv_binary binary;
    int64_t infer_rows;
} import_args;

static int import_option(void *ctx, int c, const char *arg)
{
    import_args *a = ctx;
    switch (c) {
    case 'f':
        if ((a->format = cli_format_by_name(arg)) == CLI_FMT_NONE)
            return cli_usage_error(CMD, "unknown format '%s' (csv, tsv, jsonl, parquet)", arg);
        return 0;
    case OPT_MODE:
        if (strcmp(arg, "append") != 0 && strcmp(arg, "overwrite") != 0)
            return cli_usage_error(CMD, "--mode must be append or overwrite, not '%s'", arg);
        a->overwrite = arg[0] == 'o';
        return 0;
    case OPT_CREATE: a->create = 1; return 0;
    case 's': a->schema_text = arg; return 0;
    case OPT_PARTITION_BY: a->co.partition_by = arg; return 0;
    case OPT_SORT_BY: a->co.sort_by = arg; return 0;
    case 'p': return cli_props_add(&a->props, CMD, "--property", arg);
    case OPT_FORMAT_VERSION:
        if (strcmp(arg, "1") != 0 && strcmp(arg, "2") != 0 && strcmp(arg, "3") != 0)
            return cli_usage_error(CMD, "--format-version must be 1, 2 or 3, not '%s'", arg);
        a->co.format_version = arg[0] - '0';
        return 0;
    case OPT_BRANCH: a->branch = arg; return 0;
    case OPT_HEADER: a->no_header = 0; return 0;
    case OPT_NO_HEADER: a->no_header = 1; return 0;
    case OPT_DELIMITER:
        if (strlen(arg) != 1 && strcmp(arg, "\\t") != 0)
            return cli_usage_error(CMD, "--delimiter needs one character, got '%s'", arg);
        a->delimiter = strcmp(arg, "\\t") == 0 ? '\t' : arg[0];
        return 0;
    case OPT_NULL: a->null_string = arg; return 0;
    case OPT_BINARY:
        if (strcmp(arg, "base64") != 0 && strcmp(arg, "raw") != 0)
            return cli_usage_error(CMD, "--binary must be base64 or raw, not '%s'", arg);
        a->binary = arg[0] == 'b' ? ST_CSV_BINARY_BASE64 : ST_CSV_BINARY_RAW;
        return 0;
    case OPT_INFER_ROWS:
        if (cli_parse_count(arg, &a->infer_rows) < 0 || a->infer_rows < 1)
            return cli_usage_error(CMD, "--infer-rows needs a positive number");
        return 0;
    default: a->quiet = 1; return 0;
    }
}

static int parse_args(import_args *a, int argc, char **argv)
{
    static const struct option opts[] = {
        {"format", required_argument, NULL, 'f'},
        {"mode", required_argument, NULL, OPT_MODE},
        {"create", no_argument, NULL, OPT_CREATE},
        {"schema", required_argument, NULL, 's'},
        {"partition-by", required_argument, NULL, OPT_PARTITION_BY},
        {"sort-by", required_argument, NULL, OPT_SORT_BY},
        {"property", required_argument, NULL, 'p'},
        {"format-version", required_argument, NULL, OPT_FORMAT_VERSION},
        {"branch", required_argument, NULL, OPT_BRANCH},
        {"header", no_argument, NULL, OPT_HEADER},
        {"no-header", no_argument, NULL, OPT_NO_HEADER},
        {"delimiter", required_argument, NULL, OPT_DELIMITER},
        {"null", required_argument, NULL, OPT_NULL},
        {"binary", required_argument, NULL, OPT_BINARY},
        {"infer-rows", required_argument, NULL, OPT_INFER_ROWS},
        {"quiet", no_argument, NULL, 'q'},
        {NULL, 0, NULL, 0},
    };
    static const char *const missing[] = {"no table and files given", "no file given"};
    int np, rc, stdin_uses = 0;
    char **pos;

    if ((rc = cli_parse(argc, argv, CMD, USAGE, "f:s:p:q", opts, import_option, a, 2, -1,
                        missing, &pos, &np)) != 0)
        return rc;
    a->table = pos[0];
    a->files = pos + 1;
    a->n_files = np - 1;
    if (!(a->formats = calloc((size_t)a->n_files, sizeof(cli_format))))
        return cli_fail_msg("out of memory");
    for (int i = 0; i < a->n_files; i++) {
        const char *f = a->files[i];
        cli_format fmt = a->format ? a->format : cli_format_by_path(f);
        if (strcmp(f, "-") == 0 && !a->format)
            return cli_usage_error(CMD, "standard input ('-') needs --format");
        if (fmt == CLI_FMT_NONE)
            return cli_usage_error(CMD, "cannot tell the format of '%s' from its name; use "
                                   "--format", f);
        if (strcmp(f, "-") == 0 && (fmt == CLI_FMT_PARQUET || ++stdin_uses > 1))
            return cli_usage_error(CMD, fmt == CLI_FMT_PARQUET
                                   ? "Parquet needs a file, not standard input"
                                   : "standard input ('-') can be read once");
        a->formats[i] = fmt;
    }
    if (a->schema_text && st_schema_parse(&a->schema, a->schema_text) < 0)
        return cli_usage_error(CMD, "bad --schema: %s", st_error_last()->message);
    if (!a->create && (a->schema_text || a->co.partition_by || a->co.sort_by || a->props.n ||
                       a->co.format_version))
        return cli_usage_error(CMD, "--schema, --partition-by, --sort-by, --property and "
                               "--format-version apply with --create");
    return 0;
}

/* ------------------------------------------------------------- progress */

typedef struct import_state {
    const import_args *a;
    st_catalog *cat;
    st_table *t;
    int created;                 /* this call created the table */
    uint8_t *stdin_data;
    size_t stdin_len;
    int show;                    /* progress on stderr */
    int64_t rows;                /* all files */
    int64_t file_rows;           /* the current file */
    uint64_t total_bytes, bytes_done;
    uint64_t file_bytes;         /* the current file's size */
    double bytes_per_row;        /* the current file's estimate */
    int file_index;
    double started, last_draw;
} import_state;

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint64_t file_size(const import_state *s, const char *path)
{
    struct stat sb;
    if (strcmp(path, "-") == 0)
        return s->stdin_len;
    return stat(path, &sb) == 0 ? (uint64_t)sb.st_size : 0;
}

static void draw(import_state *s, int force)
{
    double now = now_seconds(), secs;
    uint64_t at;
    if (!s->show || (!force && now - s->last_draw < 0.1))
        return;
    s->last_draw = now;
    secs = now - s->started;
    at = s->bytes_done + (uint64_t)((double)s->file_rows * s->bytes_per_row);
    if (at > s->bytes_done + s->file_bytes)
        at = s->bytes_done + s->file_bytes;
    fprintf(stderr, "\rimporting %s (%d/%d): %lld rows, %.1f MB/s, %d%%\x1b[K",
            s->a->files[s->file_index], s->file_index + 1, s->a->n_files, (long long)s->rows,
            secs > 0 ? (double)at / 1e6 / secs : 0.0,
            s->total_bytes ? (int)(100.0 * (double)at / (double)s->total_bytes) : 100);
    fflush(stderr);
}

static void clear_progress(import_state *s)
{
    if (s->show) {
        fputs("\r\x1b[K", stderr);
        fflush(stderr);
    }
}

/* A batch reader that counts the rows passing through it for the progress
 * line and the summary. It borrows the reader it wraps. */
typedef struct counting_reader {
    st_batch_reader base;
    st_batch_reader *inner;
    import_state *s;
} counting_reader;

static int counting_next(st_batch_reader *r, st_batch **out)
{
    counting_reader *c = (counting_reader *)r;
    int rc = st_batch_reader_next(c->inner, out);
    if (rc == 0) {
        c->s->rows += (*out)->length;
        c->s->file_rows += (*out)->length;
        draw(c->s, 0);
    }
    return rc;
}

static st_type *counting_schema(st_batch_reader *r)
{
    return st_batch_reader_schema(((counting_reader *)r)->inner);
}

static void counting_free(st_batch_reader *r)
{
    (void)r; /* on the stack; the inner reader is its owner's */
}

static const st_batch_reader_vtable COUNTING_VT = {counting_next, counting_schema,
                                                    counting_free};

/* Bytes per line in the first MiB of a text file (the estimate of how far
 * through it the rows read so far are). */
static double text_bytes_per_row(import_state *s, const char *path)
{
    char buf[1 << 16];
    size_t total = 0, lines = 0, n;
    FILE *f;
    if (strcmp(path, "-") == 0) {
        for (size_t i = 0; i < s->stdin_len && i < (1u << 20); i++)
            lines += s->stdin_data[i] == '\n';
        total = s->stdin_len < (1u << 20) ? s->stdin_len : (1u << 20);
    } else if ((f = fopen(path, "rb")) != NULL) {
        while (total < (1u << 20) && (n = fread(buf, 1, sizeof(buf), f)) > 0) {
            for (size_t i = 0; i < n; i++)
                lines += buf[i] == '\n';
            total += n;
        }
        fclose(f);
    }
    return lines ? (double)total / (double)lines : (double)total;
}

/* -------------------------------------------------------------- readers */

static int open_text(import_state *s, const char *path, cli_format fmt, st_type *schema,
                     st_batch_reader **out)
{
    const import_args *a = s->a;
    st_input *in = NULL;
    int rc;
    if (strcmp(path, "-") == 0) {
        if (!s->stdin_data && (rc = cli_read_stdin(&s->stdin_data, &s->stdin_len)) < 0)
            return rc;
        if ((rc = st_input_open_memory(&in, s->stdin_data ? (const void *)s->stdin_data : "",
                                       s->stdin_len, "<stdin>")) < 0)
            return rc;
    } else if ((rc = st_input_open_file(&in, path)) < 0) {
        return rc;
    }
    if (fmt == CLI_FMT_JSONL) {
        st_json_read_options o = ST_JSON_READ_OPTIONS_INIT;
        o.schema = schema;
        o.infer_rows = a->infer_rows;
        return st_json_reader_open_input(out, in, &o);
    } else {
        st_csv_read_options o = ST_CSV_READ_OPTIONS_INIT;
        o.schema = schema;
        o.infer_rows = a->infer_rows;
        o.delimiter = a->delimiter ? a->delimiter : fmt == CLI_FMT_TSV ? '\t' : ',';
        o.header = !a->no_header;
        /* As `parquet convert` reads CSV: an empty unquoted field is null. */
        o.null_string = a->null_string ? a->null_string : "";
        o.binary = a->binary;
        return st_csv_reader_open_input(out, in, &o);
    }
}

/* The schema of a table --create makes: --schema, else the first file's. */
static int first_file_schema(import_state *s, st_type **out)
{
    const import_args *a = s->a;
    st_batch_reader *r = NULL;
    st_parquet_reader *pq = NULL;
    int rc;
    if (a->schema) {
        *out = st_type_ref(a->schema);
        return 0;
    }
    if (a->formats[0] == CLI_FMT_PARQUET) {
        if ((rc = st_parquet_reader_open(&pq, a->files[0], NULL)) == 0)
            *out = st_type_ref(st_parquet_reader_schema(pq));
        st_parquet_reader_free(pq);
        return rc;
    }
    if ((rc = open_text(s, a->files[0], a->formats[0], NULL, &r)) == 0)
        *out = st_type_ref(st_batch_reader_schema(r));
    st_batch_reader_free(r);
    return rc;
}

/* Loads the table, or creates it with --create when it does not exist. */
static int open_table(import_state *s)
{
    const import_args *a = s->a;
    st_table_open_options oo = ST_TABLE_OPEN_OPTIONS_INIT;
    st_table_create_options co = a->co;
    int path = cli_is_path(a->table), rc;

    oo.location_map = cli_location_map();
    if (!path && (rc = cli_catalog(&s->cat)) < 0)
        return rc;
    rc = path ? st_table_open_path(&s->t, a->table, &oo)
              : st_catalog_load_table(&s->t, s->cat, a->table);
    if (rc != ST_ENOTFOUND || !a->create)
        return rc;
    st_error_clear();
    if ((rc = first_file_schema(s, &co.schema)) < 0)
        return rc;
    co.properties = a->props.v;
    co.n_properties = a->props.n;
    rc = path ? st_table_create_path(&s->t, a->table, &co)
              : st_catalog_create_table(&s->t, s->cat, a->table, &co);
    st_type_free(co.schema);
    s->created = rc == 0;
    return rc;
}

/* Writes one file's rows into the transaction. */
static int write_file(import_state *s, st_txn *x, int i)
{
    const import_args *a = s->a;
    const char *path = a->files[i];
    st_parquet_reader *pq = NULL;
    st_batch_reader *r = NULL;
    counting_reader cr;
    int rc;

    s->file_index = i;
    s->file_rows = 0;
    s->file_bytes = file_size(s, path);
    if (a->formats[i] == CLI_FMT_PARQUET) {
        st_parquet_read_options o = ST_PARQUET_READ_OPTIONS_INIT;
        /* Files written without field ids get them from the table's mapping. */
        o.name_mapping = st_table_property_get(s->t, "schema.name-mapping.default");
        if ((rc = st_parquet_reader_open(&pq, path, &o)) == 0) {
            int64_t n = st_parquet_reader_num_rows(pq);
            s->bytes_per_row = n > 0 ? (double)s->file_bytes / (double)n : 0;
            rc = st_parquet_reader_batches(&r, pq);
        }
    } else {
        s->bytes_per_row = s->show ? text_bytes_per_row(s, path) : 0;
        rc = open_text(s, path, a->formats[i], st_table_schema(s->t), &r);
    }
    if (rc == 0) {
        cr.base.vt = &COUNTING_VT;
        cr.inner = r;
        cr.s = s;
        draw(s, 1);
        rc = st_txn_write_reader(x, &cr.base, NULL, NULL);
    }
    st_batch_reader_free(r);
    st_parquet_reader_free(pq);
    s->bytes_done += s->file_bytes;
    return rc;
}

static int import(import_state *s, int64_t *snapshot_id)
{
    const import_args *a = s->a;
    st_txn *x = NULL;
    int rc;

    for (int i = 0; i < a->n_files; i++)
        s->total_bytes += file_size(s, a->files[i]);
    if ((rc = open_table(s)) < 0 || (rc = st_table_begin(&x, s->t)) < 0)
        return rc;
    if (a->overwrite)
        rc = st_txn_overwrite(x, NULL);
    if (rc == 0 && a->branch)
        rc = st_txn_set_branch(x, a->branch);
    for (int i = 0; i < a->n_files && rc == 0; i++)
        rc = write_file(s, x, i);
    draw(s, 1);
    clear_progress(s);
    if (rc == 0)
        rc = st_txn_commit(x, snapshot_id);
    st_txn_free(x);
    return rc;
}

int cmd_import(int argc, char **argv)
{
    import_args a;
    import_state s;
    st_table_create_options co = ST_TABLE_CREATE_OPTIONS_INIT;
    int64_t snapshot_id = -1;
    int rc;

    memset(&a, 0, sizeof(a));
    memset(&s, 0, sizeof(s));
    a.co = co;
    a.binary = ST_CSV_BINARY_BASE64;
    if ((rc = parse_args(&a, argc, argv)) != 0) {
        rc = rc < 0 ? CLI_OK : rc;
        goto done;
    }
    s.a = &a;
    s.show = !a.quiet && isatty(STDERR_FILENO);
    s.started = now_seconds();
    if (import(&s, &snapshot_id) < 0) {
        rc = cli_fail();
        if (s.created && s.cat) {
            /* Take back the table this call made: a failed import leaves nothing. */
            st_table_free(s.t);
            s.t = NULL;
            if (st_catalog_drop_table(s.cat, a.table, 1) < 0)
                fprintf(stderr, "supertable: warning: could not drop %s, created by this "
                                "import: %s\n", a.table, st_error_last()->message);
        }
    } else if (!a.quiet) {
        printf("imported %lld row%s from %d file%s into %s", (long long)s.rows,
               s.rows == 1 ? "" : "s", a.n_files, a.n_files == 1 ? "" : "s",
               st_table_name(s.t));
        if (snapshot_id >= 0)
            printf(" (snapshot %lld)\n", (long long)snapshot_id);
        else
            printf(" (no new snapshot)\n");
    }
done:
    st_table_free(s.t);
    st_free(s.stdin_data);
    st_type_free(a.schema);
    cli_props_free(&a.props);
    free(a.formats);
    return rc;
}
