/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `supertable parquet convert IN OUT`: reads CSV, TSV, JSON lines or Parquet
 * and writes Parquet, CSV, TSV or JSON lines, each side by file extension
 * unless --from/--to say. Text inputs take their schema from --schema or infer
 * one; Parquet inputs keep theirs. "-" reads standard input or writes standard
 * output (text formats only; the format must then be given).
 */
#include <stdlib.h>
#include <string.h>

#include <supertable/sys/alloc.h>

#include "cli.h"

#define CMD "supertable parquet convert"

static const char USAGE[] =
    "usage: supertable parquet convert IN OUT [options]\n"
    "\n"
    "Converts between CSV, TSV, JSON lines and Parquet. Formats come from the file\n"
    "extensions: .csv, .tsv, .jsonl/.ndjson/.json, .parquet/.pq; '-' is standard\n"
    "input/output (text formats, with --from/--to). Text inputs are read with the\n"
    "--schema given, or one inferred from the first rows; Parquet keeps its schema.\n"
    "\n"
    "Options:\n"
    "      --from FMT            input format: csv, tsv, jsonl, parquet\n"
    "      --to FMT              output format: csv, tsv, jsonl, parquet\n"
    "  -s, --schema TEXT         schema of a text input, e.g. 'id long not null, name\n"
    "                            string, price decimal(10,2), tags list<string>'\n"
    "      --infer-rows N        rows sampled to infer a schema (default 10000)\n"
    "      --delimiter C         CSV field delimiter (default ',', TSV tab)\n"
    "      --no-header           CSV input has no header row (columns c1, c2, ...)\n"
    "      --null TEXT           CSV text for null, in and out (e.g. NULL or \\N); default:\n"
    "                            an empty unquoted field (\"\" is the empty string)\n"
    "      --binary ENC          CSV spelling of binary and fixed values: base64\n"
    "                            (default) or raw (binary as is, fixed as hex)\n"
    "  -c, --codec CODEC         Parquet: zstd (default), snappy, gzip, lz4_raw,\n"
    "                            brotli, none\n"
    "      --level N             Parquet: compression level (default: the codec's)\n"
    "      --row-group-rows N    Parquet: rows per row group (default 1048576)\n"
    "      --page-version 1|2    Parquet: data page version (default 1)\n"
    "      --no-dictionary       Parquet: no dictionary encoding\n"
    "      --no-statistics       Parquet: no min/max/null count statistics\n"
    "  -q, --quiet               no summary line on standard error\n"
    "  -h, --help                show this help\n";

typedef struct convert_args {
    const char *in, *out;
    cli_format from, to;
    const char *schema;
    int64_t infer_rows;
    char delimiter;
    int no_header;
    const char *null_string;
    st_csv_binary binary;
    st_parquet_write_options wopts;
    int quiet;
} convert_args;

static int parse_codec(const char *name, st_parquet_codec *out)
{
    static const struct {
        const char *name;
        st_parquet_codec codec;
    } codecs[] = {
        {"zstd", ST_CODEC_ZSTD}, {"snappy", ST_CODEC_SNAPPY}, {"gzip", ST_CODEC_GZIP},
        {"lz4_raw", ST_CODEC_LZ4_RAW}, {"lz4", ST_CODEC_LZ4_RAW}, {"brotli", ST_CODEC_BROTLI},
        {"none", ST_CODEC_UNCOMPRESSED}, {"uncompressed", ST_CODEC_UNCOMPRESSED},
    };
    for (size_t i = 0; i < sizeof(codecs) / sizeof(codecs[0]); i++)
        if (strcmp(name, codecs[i].name) == 0) {
            *out = codecs[i].codec;
            return 0;
        }
    return -1;
}

/* One option; returns 0, -1 for --help, or an exit code. */
static int take_option(convert_args *a, int c, char **argv)
{
    int64_t v;
    switch (c) {
    case 'h': return -1;
    case 'F':
    case 'T':
        if (cli_format_by_name(optarg) == CLI_FMT_NONE)
            return cli_usage_error(CMD, "unknown format '%s' (csv, tsv, jsonl, parquet)", optarg);
        *(c == 'F' ? &a->from : &a->to) = cli_format_by_name(optarg);
        return 0;
    case 's': a->schema = optarg; return 0;
    case 'I':
        if (cli_parse_count(optarg, &a->infer_rows) < 0 || a->infer_rows < 1)
            return cli_usage_error(CMD, "--infer-rows needs a positive number");
        return 0;
    case 'd':
        if (strlen(optarg) != 1 && strcmp(optarg, "\\t") != 0)
            return cli_usage_error(CMD, "--delimiter needs one character, got '%s'", optarg);
        a->delimiter = strcmp(optarg, "\\t") == 0 ? '\t' : optarg[0];
        return 0;
    case 'H': a->no_header = 1; return 0;
    case 'N': a->null_string = optarg; return 0;
    case 'B':
        if (strcmp(optarg, "base64") != 0 && strcmp(optarg, "raw") != 0)
            return cli_usage_error(CMD, "--binary must be base64 or raw, not '%s'", optarg);
        a->binary = optarg[0] == 'b' ? ST_CSV_BINARY_BASE64 : ST_CSV_BINARY_RAW;
        return 0;
    case 'c':
        if (parse_codec(optarg, &a->wopts.codec) < 0)
            return cli_usage_error(CMD, "unknown codec '%s' (zstd, snappy, gzip, lz4_raw, "
                                   "brotli, none)", optarg);
        return 0;
    case 'L':
        if (cli_parse_count(optarg, &v) < 0 || v > 22)
            return cli_usage_error(CMD, "--level needs a number from 0 to 22");
        a->wopts.compression_level = (int)v;
        return 0;
    case 'R':
        if (cli_parse_count(optarg, &a->wopts.row_group_rows) < 0 || a->wopts.row_group_rows < 1)
            return cli_usage_error(CMD, "--row-group-rows needs a positive number");
        return 0;
    case 'P':
        if (strcmp(optarg, "1") != 0 && strcmp(optarg, "2") != 0)
            return cli_usage_error(CMD, "--page-version must be 1 or 2");
        a->wopts.data_page_version = optarg[0] - '0';
        return 0;
    case 'D': a->wopts.dictionary_bytes = -1; return 0;
    case 'S': a->wopts.disable_statistics = 1; return 0;
    case 'q': a->quiet = 1; return 0;
    default: return cli_bad_option(CMD, c, argv);
    }
}

static int check_formats(convert_args *a)
{
    if (!a->from && !(a->from = cli_format_by_path(a->in)))
        return cli_usage_error(CMD, "cannot tell the format of '%s' from its name; use --from",
                               a->in);
    if (!a->to && !(a->to = cli_format_by_path(a->out)))
        return cli_usage_error(CMD, "cannot tell the format of '%s' from its name; use --to",
                               a->out);
    if (a->schema && a->from == CLI_FMT_PARQUET)
        return cli_usage_error(CMD, "--schema applies to CSV and JSON lines input");
    if ((strcmp(a->in, "-") == 0 && a->from == CLI_FMT_PARQUET) ||
        (strcmp(a->out, "-") == 0 && a->to == CLI_FMT_PARQUET))
        return cli_usage_error(CMD, "Parquet needs a file, not standard input or output");
    return 0;
}

static int parse_args(convert_args *a, int argc, char **argv)
{
    static const struct option opts[] = {
        {"from", required_argument, NULL, 'F'},      {"to", required_argument, NULL, 'T'},
        {"schema", required_argument, NULL, 's'},    {"infer-rows", required_argument, NULL, 'I'},
        {"delimiter", required_argument, NULL, 'd'}, {"no-header", no_argument, NULL, 'H'},
        {"null", required_argument, NULL, 'N'},      {"codec", required_argument, NULL, 'c'},
        {"binary", required_argument, NULL, 'B'},
        {"level", required_argument, NULL, 'L'},
        {"row-group-rows", required_argument, NULL, 'R'},
        {"page-version", required_argument, NULL, 'P'},
        {"no-dictionary", no_argument, NULL, 'D'},   {"no-statistics", no_argument, NULL, 'S'},
        {"quiet", no_argument, NULL, 'q'},           {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    st_parquet_write_options defaults = ST_PARQUET_WRITE_OPTIONS_INIT;
    int c, rc;

    a->wopts = defaults;
    a->binary = ST_CSV_BINARY_BASE64;
    cli_getopt_reset();
    while ((c = getopt_long(argc, argv, ":s:c:qh", opts, NULL)) != -1)
        if ((rc = take_option(a, c, argv)) != 0)
            return rc;
    if (argc - optind < 2)
        return cli_usage_error(CMD, argc - optind ? "no output file given"
                                                  : "no input and output files given");
    if (argc - optind > 2)
        return cli_usage_error(CMD, "too many arguments ('%s' is extra)", argv[optind + 2]);
    a->in = argv[optind];
    a->out = argv[optind + 1];
    return check_formats(a);
}

/* ------------------------------------------------------------ conversion */

typedef struct convert_state {
    st_type *schema;             /* --schema, parsed */
    uint8_t *stdin_data;
    st_parquet_reader *pq;
    st_batch_reader *reader;
    st_output *out;
    st_text_writer *text;
    st_parquet_writer *pw;
    st_parquet_file_metrics *metrics;
} convert_state;

static int open_text_input(convert_state *s, const convert_args *a, st_input **in)
{
    size_t len = 0;
    int rc;
    if (strcmp(a->in, "-") != 0)
        return st_input_open_file(in, a->in);
    if ((rc = cli_read_stdin(&s->stdin_data, &len)) < 0)
        return rc;
    return st_input_open_memory(in, s->stdin_data, len, "<stdin>");
}

static int open_reader(convert_state *s, const convert_args *a)
{
    st_input *in = NULL;
    int rc;

    if (a->from == CLI_FMT_PARQUET) {
        if ((rc = st_parquet_reader_open(&s->pq, a->in, NULL)) < 0)
            return rc;
        return st_parquet_reader_batches(&s->reader, s->pq);
    }
    if (a->schema && (rc = st_schema_parse(&s->schema, a->schema)) < 0)
        return rc;
    if ((rc = open_text_input(s, a, &in)) < 0)
        return rc;
    if (a->from == CLI_FMT_JSONL) {
        st_json_read_options o = ST_JSON_READ_OPTIONS_INIT;
        o.schema = s->schema;
        o.infer_rows = a->infer_rows;
        return st_json_reader_open_input(&s->reader, in, &o);
    } else {
        st_csv_read_options o = ST_CSV_READ_OPTIONS_INIT;
        o.schema = s->schema;
        o.infer_rows = a->infer_rows;
        o.delimiter = a->delimiter ? a->delimiter : a->from == CLI_FMT_TSV ? '\t' : ',';
        o.header = !a->no_header;
        /* The CLI's default, DuckDB's and PostgreSQL's: an empty unquoted field is
         * null in every column, "" the empty string. */
        o.null_string = a->null_string ? a->null_string : "";
        o.binary = a->binary;
        return st_csv_reader_open_input(&s->reader, in, &o);
    }
}

static int open_writer(convert_state *s, const convert_args *a)
{
    st_type *schema = st_batch_reader_schema(s->reader);
    int to_stdout = strcmp(a->out, "-") == 0, rc;

    if (a->to == CLI_FMT_PARQUET)
        return st_parquet_writer_open(&s->pw, a->out, schema, &a->wopts);
    if (!to_stdout && (rc = st_output_open_file(&s->out, a->out, ST_OUTPUT_REPLACE)) < 0)
        return rc;
    if (a->to == CLI_FMT_JSONL)
        return to_stdout ? st_json_writer_new_fn(&s->text, cli_write_file, stdout, schema)
                         : st_json_writer_new(&s->text, s->out, schema);
    {
        st_csv_write_options o = ST_CSV_WRITE_OPTIONS_INIT;
        o.delimiter = a->delimiter ? a->delimiter : a->to == CLI_FMT_TSV ? '\t' : ',';
        o.null_string = a->null_string;
        o.binary = a->binary;
        return to_stdout ? st_csv_writer_new_fn(&s->text, cli_write_file, stdout, schema, &o)
                         : st_csv_writer_new(&s->text, s->out, schema, &o);
    }
}

/* Copies every batch; *rows counts them. */
static int copy_rows(convert_state *s, int64_t *rows)
{
    st_batch *b = NULL;
    int rc;
    *rows = 0;
    while ((rc = st_batch_reader_next(s->reader, &b)) == 0) {
        rc = s->pw ? st_parquet_writer_write(s->pw, b) : st_text_writer_write(s->text, b);
        *rows += b->length;
        st_batch_free(b);
        if (rc < 0)
            return rc;
    }
    return rc == ST_ITEROVER ? 0 : rc;
}

/* Publishes the output; the writer and output are gone afterwards either way. */
static int finish(convert_state *s, uint64_t *bytes)
{
    int rc;
    if (s->pw) {
        rc = st_parquet_writer_close(s->pw, &s->metrics);
        s->pw = NULL;
        return rc;
    }
    rc = st_text_writer_finish(s->text);
    if (s->out) {
        *bytes = st_output_tell(s->out);
        if (rc == 0)
            rc = st_output_close(s->out);
        else
            st_output_abort(s->out);
        s->out = NULL;
    }
    return rc;
}

static void summary(const convert_state *s, const convert_args *a, int64_t rows, uint64_t bytes)
{
    if (a->quiet)
        return;
    if (s->metrics)
        fprintf(stderr, "wrote %lld rows, %d row group%s, %lld bytes to %s\n", (long long)rows,
                s->metrics->n_split_offsets, s->metrics->n_split_offsets == 1 ? "" : "s",
                (long long)s->metrics->file_size, a->out);
    else if (strcmp(a->out, "-") != 0)
        fprintf(stderr, "wrote %lld rows, %llu bytes to %s\n", (long long)rows,
                (unsigned long long)bytes, a->out);
}

static int convert(convert_state *s, const convert_args *a)
{
    int64_t rows = 0;
    uint64_t bytes = 0;
    int rc;
    if ((rc = open_reader(s, a)) < 0 || (rc = open_writer(s, a)) < 0 ||
        (rc = copy_rows(s, &rows)) < 0)
        return rc;
    if ((rc = finish(s, &bytes)) < 0)
        return rc;
    if (s->text && s->out == NULL && strcmp(a->out, "-") == 0 && fflush(stdout) != 0)
        return st_error_set(ST_EIO, ST_ERROR_IO, "cannot write the output");
    summary(s, a, rows, bytes);
    return 0;
}

int cmd_parquet_convert(int argc, char **argv)
{
    convert_args a;
    convert_state s;
    int rc;

    memset(&a, 0, sizeof(a));
    memset(&s, 0, sizeof(s));
    if ((rc = parse_args(&a, argc, argv)) != 0)
        return rc < 0 ? cli_help(USAGE) : rc;
    rc = convert(&s, &a) < 0 ? cli_fail() : CLI_OK;
    st_parquet_writer_abort(s.pw);
    st_text_writer_free(s.text);
    st_output_abort(s.out);
    st_parquet_file_metrics_free(s.metrics);
    st_batch_reader_free(s.reader);
    st_parquet_reader_free(s.pq);
    st_type_free(s.schema);
    st_free(s.stdin_data);
    return rc;
}
