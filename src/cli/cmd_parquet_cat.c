/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `supertable parquet cat`: prints rows of a Parquet file.
 *
 * The reader projects --columns and prunes row groups with every --where; the
 * rows of the surviving row groups are then tested exactly here. A filter on a
 * column outside the projection is evaluated on a second reader of the same
 * file that projects just the filter columns and carries the same filters, so
 * both produce the same row groups in the same order and their batches line up
 * row for row; the printed columns stay exactly those asked for.
 *
 * Parquet UINT_64 columns read as decimal(20,0) (Iceberg has no unsigned
 * 64-bit type); --format jsonl prints them as JSON integers, as every other
 * integer, which the rows' own types alone cannot tell (paths through structs;
 * inside lists and maps they stay decimal strings).
 */
#include <stdlib.h>
#include <string.h>

#include <supertable/sys/alloc.h>

#include "cli.h"

#define CMD "supertable parquet cat"

static const char USAGE[] =
    "usage: supertable parquet cat FILE [options]\n"
    "\n"
    "Prints the rows of a Parquet file.\n"
    "\n"
    "Options:\n"
    "  -c, --columns LIST     columns to print, comma-separated dotted paths (a.b for a\n"
    "                         struct field); default all\n"
    "  -w, --where EXPR       keep rows where EXPR holds; repeatable (all must hold).\n"
    "                         EXPR: 'col OP value' with OP one of = != < <= > >=, or\n"
    "                         'col is null', 'col is not null'; col a primitive column\n"
    "                         (a.b inside structs); value as CSV text ('x y' quoted).\n"
    "                         Row groups whose statistics rule it out are skipped.\n"
    "  -n, --limit N          stop after N rows\n"
    "  -f, --format FMT       table (default), csv or jsonl\n"
    "      --max-width N      table: cut cells wider than N characters (default 40)\n"
    "  -h, --help             show this help\n";

typedef struct cat_args {
    const char *file;
    char **columns;        /* split --columns */
    int n_columns;
    cli_filter **filters;
    int n_filters;
    int64_t limit;         /* -1: none */
    int format;            /* 't', 'c', 'j' */
    int max_width;
} cat_args;

static void args_dispose(cat_args *a)
{
    for (int i = 0; i < a->n_columns; i++)
        free(a->columns[i]);
    free(a->columns);
    for (int i = 0; i < a->n_filters; i++)
        cli_filter_free(a->filters[i]);
    free(a->filters);
}

static int split_columns(cat_args *a, const char *list)
{
    const char *p = list;
    for (;;) {
        const char *comma = strchr(p, ',');
        size_t n = comma ? (size_t)(comma - p) : strlen(p);
        char **grown;
        if (n == 0)
            return cli_usage_error(CMD, "empty column name in --columns '%s'", list);
        if (!(grown = realloc(a->columns, sizeof(char *) * (size_t)(a->n_columns + 1))))
            return cli_fail_msg("out of memory");
        a->columns = grown;
        if (!(a->columns[a->n_columns] = strndup(p, n)))
            return cli_fail_msg("out of memory");
        a->n_columns++;
        if (!comma)
            return 0;
        p = comma + 1;
    }
}

static int add_filter(cat_args *a, const char *text)
{
    cli_filter *f = NULL, **grown;
    const char *why = NULL;
    if (cli_filter_parse(&f, text, &why) < 0)
        return cli_usage_error(CMD, "bad --where '%s': %s", text, why);
    if (!(grown = realloc(a->filters, sizeof(*grown) * (size_t)(a->n_filters + 1)))) {
        cli_filter_free(f);
        return cli_fail_msg("out of memory");
    }
    a->filters = grown;
    a->filters[a->n_filters++] = f;
    return 0;
}

static int parse_args(cat_args *a, int argc, char **argv)
{
    static const struct option opts[] = {
        {"columns", required_argument, NULL, 'c'}, {"where", required_argument, NULL, 'w'},
        {"limit", required_argument, NULL, 'n'},   {"format", required_argument, NULL, 'f'},
        {"max-width", required_argument, NULL, 'W'}, {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int c, rc;
    int64_t v;

    a->limit = -1;
    a->format = 't';
    a->max_width = 40;
    cli_getopt_reset();
    while ((c = getopt_long(argc, argv, ":c:w:n:f:h", opts, NULL)) != -1) {
        switch (c) {
        case 'h': return -1;
        case 'c':
            if ((rc = split_columns(a, optarg)) != 0)
                return rc;
            break;
        case 'w':
            if ((rc = add_filter(a, optarg)) != 0)
                return rc;
            break;
        case 'n':
            if (cli_parse_count(optarg, &a->limit) < 0)
                return cli_usage_error(CMD, "--limit needs a number, got '%s'", optarg);
            break;
        case 'W':
            if (cli_parse_count(optarg, &v) < 0 || v < 4 || v > 100000)
                return cli_usage_error(CMD, "--max-width needs a number from 4, got '%s'",
                                       optarg);
            a->max_width = (int)v;
            break;
        case 'f':
            if (strcmp(optarg, "table") != 0 && strcmp(optarg, "csv") != 0 &&
                strcmp(optarg, "jsonl") != 0)
                return cli_usage_error(CMD, "--format must be table, csv or jsonl, not '%s'",
                                       optarg);
            a->format = optarg[0] == 't' ? 't' : optarg[0] == 'c' ? 'c' : 'j';
            break;
        default: return cli_bad_option(CMD, c, argv);
        }
    }
    if (optind >= argc)
        return cli_usage_error(CMD, "no file given");
    if (argc - optind > 1)
        return cli_usage_error(CMD, "one file at a time ('%s' is extra)", argv[optind + 1]);
    a->file = argv[optind];
    return 0;
}

/* ------------------------------------------------------------- reading */

/* Whether the projection already holds `path` (the column or a parent of it). */
static int projected(const cat_args *a, const char *path)
{
    if (a->n_columns == 0)
        return 1;
    for (int i = 0; i < a->n_columns; i++) {
        size_t n = strlen(a->columns[i]);
        if (strncmp(path, a->columns[i], n) == 0 && (path[n] == 0 || path[n] == '.'))
            return 1;
    }
    return 0;
}

typedef struct cat_state {
    st_parquet_reader *main, *side;    /* side: filter columns outside the projection */
    st_batch_reader *main_batches, *side_batches;
    int *on_side;                      /* per filter: evaluated on the side batches */
    int64_t *sel;
    int64_t sel_cap;
    st_text_writer *writer;
    cli_table *table;
    char **unsigned_paths;             /* UINT_64 leaves outside lists and maps */
    int n_unsigned;
} cat_state;

/*
 * Hands a bound filter to a reader for row-group pruning. Pruning is only an
 * optimisation: a filter the reader cannot use (a literal it does not take,
 * such as NaN) is still applied to every row here.
 */
static int prune_with(const cli_filter *f, st_parquet_reader *r)
{
    int rc = cli_filter_add_to(f, r);
    if (rc == ST_ENOMEM)
        return rc;
    st_error_clear();
    return 0;
}

static int open_readers(cat_state *s, const cat_args *a)
{
    const char **side_paths = NULL;
    int n_side = 0, rc;

    if ((rc = st_parquet_reader_open(&s->main, a->file, NULL)) < 0 ||
        (a->n_columns &&
         (rc = st_parquet_reader_select(s->main, (const char *const *)a->columns,
                                        a->n_columns)) < 0))
        return rc;
    if (!(s->on_side = calloc((size_t)a->n_filters + 1, sizeof(int))) ||
        !(side_paths = calloc((size_t)a->n_filters + 1, sizeof(char *))))
        return st_error_set_oom();
    for (int i = 0; i < a->n_filters; i++) {
        if (!projected(a, cli_filter_path(a->filters[i]))) {
            s->on_side[i] = 1;
            side_paths[n_side++] = cli_filter_path(a->filters[i]);
        }
    }
    if (n_side > 0 &&
        ((rc = st_parquet_reader_open(&s->side, a->file, NULL)) < 0 ||
         (rc = st_parquet_reader_select(s->side, side_paths, n_side)) < 0))
        goto done;
    for (int i = 0; i < a->n_filters; i++) {
        st_parquet_reader *own = s->on_side[i] ? s->side : s->main;
        if ((rc = cli_filter_bind(a->filters[i], st_parquet_reader_schema(own))) < 0 ||
            (rc = prune_with(a->filters[i], s->main)) < 0 ||
            (s->side && (rc = prune_with(a->filters[i], s->side)) < 0))
            goto done;
    }
    if ((rc = st_parquet_reader_batches(&s->main_batches, s->main)) == 0 && s->side)
        rc = st_parquet_reader_batches(&s->side_batches, s->side);
done:
    free(side_paths);
    return rc;
}

/* Indexes of the rows of a batch that pass every filter, at most `max`. */
static int select_rows(cat_state *s, const cat_args *a, const st_batch *b, const st_batch *side,
                       int64_t max, int64_t *n)
{
    *n = 0;
    if (s->sel_cap < b->length) {
        int64_t *grown = realloc(s->sel, sizeof(int64_t) * (size_t)(b->length + 1));
        if (!grown)
            return st_error_set_oom();
        s->sel = grown;
        s->sel_cap = b->length;
    }
    for (int64_t i = 0; i < b->length && *n < max; i++) {
        int keep = 1;
        for (int f = 0; f < a->n_filters && keep; f++)
            keep = cli_filter_match(a->filters[f], s->on_side[f] ? side : b, i);
        if (keep)
            s->sel[(*n)++] = i;
    }
    return 0;
}

/* ------------------------------------------------ UINT_64 as integers */

static int find_unsigned(cat_state *s)
{
    st_parquet_column_info ci;
    int rc;
    for (int c = 0; c < st_parquet_reader_num_columns(s->main); c++) {
        char **grown;
        if ((rc = st_parquet_reader_column_info(s->main, c, &ci)) < 0)
            return rc;
        if (ci.max_repetition_level != 0 || (strcmp(ci.logical_type, "UINT_64") != 0 &&
                                             strcmp(ci.logical_type, "INTEGER(64,UNSIGNED)") != 0))
            continue;
        if (!(grown = realloc(s->unsigned_paths, sizeof(char *) * (size_t)(s->n_unsigned + 1))))
            return st_error_set_oom();
        s->unsigned_paths = grown;
        if (!(s->unsigned_paths[s->n_unsigned] = strdup(ci.path)))
            return st_error_set_oom();
        s->n_unsigned++;
    }
    return 0;
}

/* 2: path is an unsigned leaf; 1: one lies below path; 0: neither. */
static int unsigned_at(const cat_state *s, const char *path)
{
    size_t n = strlen(path);
    int below = 0;
    for (int k = 0; k < s->n_unsigned; k++) {
        if (strcmp(s->unsigned_paths[k], path) == 0)
            return 2;
        below |= strncmp(s->unsigned_paths[k], path, n) == 0 && s->unsigned_paths[k][n] == '.';
    }
    return below;
}

static int json_value(const cat_state *s, const st_vector *v, int64_t i, char *path,
                      size_t plen)
{
    int where = unsigned_at(s, path), rc;
    char *text = NULL;
    size_t len = 0;
    if (where == 1 && v->type->id == ST_TYPE_STRUCT && st_vector_is_valid(v, i)) {
        putchar('{');
        for (int c = 0; c < v->n_children; c++) {
            const char *name = v->type->fields[c].name;
            fputs(c ? "," : "", stdout);
            cli_json_string(stdout, name);
            putchar(':');
            snprintf(path + plen, 4096 - plen, ".%s", name);
            if ((rc = json_value(s, v->children[c], i, path, strlen(path))) < 0)
                return rc;
            path[plen] = 0;
        }
        putchar('}');
        return 0;
    }
    if ((rc = st_value_format(&text, &len, v, i, ST_VALUE_JSON)) < 0)
        return rc;
    if (where == 2 && v->type->id == ST_TYPE_DECIMAL && len >= 2 && text[0] == '"')
        fwrite(text + 1, 1, len - 2, stdout);
    else
        fwrite(text, 1, len, stdout);
    st_free(text);
    return 0;
}

/* JSON lines with the UINT_64 columns as integers; the writer does the rest. */
static int emit_jsonl_unsigned(cat_state *s, const st_batch *b, int64_t n)
{
    char path[4096];
    int rc;
    for (int64_t k = 0; k < n; k++) {
        putchar('{');
        for (int c = 0; c < b->n_columns; c++) {
            const char *name = b->schema->fields[c].name;
            fputs(c ? "," : "", stdout);
            cli_json_string(stdout, name);
            putchar(':');
            snprintf(path, sizeof(path), "%s", name);
            if ((rc = json_value(s, b->columns[c], s->sel[k], path, strlen(path))) < 0)
                return rc;
        }
        fputs("}\n", stdout);
    }
    return 0;
}

static int emit(cat_state *s, const cat_args *a, const st_batch *b, int64_t n)
{
    if (a->format == 't')
        return cli_table_add(s->table, b, s->sel, n);
    if (a->format == 'j' && s->n_unsigned > 0)
        return emit_jsonl_unsigned(s, b, n);
    return st_text_writer_write_rows(s->writer, b, s->sel, n);
}

static int open_output(cat_state *s, const cat_args *a)
{
    st_type *schema = st_parquet_reader_schema(s->main);
    if (a->format == 't')
        return cli_table_new(&s->table, stdout, schema, a->max_width);
    if (a->format == 'c') {
        st_csv_write_options o = ST_CSV_WRITE_OPTIONS_INIT;
        o.binary = ST_CSV_BINARY_BASE64; /* as `convert` writes and reads CSV */
        return st_csv_writer_new_fn(&s->writer, cli_write_file, stdout, schema, &o);
    }
    return st_json_writer_new_fn(&s->writer, cli_write_file, stdout, schema);
}

static int run(cat_state *s, const cat_args *a)
{
    int64_t left = a->limit < 0 ? INT64_MAX : a->limit, n;
    st_batch *b = NULL, *side = NULL;
    int rc;

    if ((rc = open_readers(s, a)) < 0 || (rc = open_output(s, a)) < 0 ||
        (a->format == 'j' && (rc = find_unsigned(s)) < 0))
        return rc;
    /* --limit stops decoding early: no batch is asked for once it is reached. */
    while (left > 0 && (rc = st_batch_reader_next(s->main_batches, &b)) == 0) {
        if (s->side_batches && (rc = st_batch_reader_next(s->side_batches, &side)) != 0) {
            if (rc == ST_ITEROVER)
                rc = st_error_set(ST_ERROR, ST_ERROR_CLI, "filter reader out of step");
        } else if (side && side->length != b->length) {
            rc = st_error_set(ST_ERROR, ST_ERROR_CLI, "filter reader out of step");
        } else if ((rc = select_rows(s, a, b, side, left, &n)) == 0 &&
                   (rc = emit(s, a, b, n)) == 0) {
            left -= n;
        }
        st_batch_free(b);
        st_batch_free(side);
        b = side = NULL;
        if (rc < 0)
            return rc;
    }
    if (rc < 0 && rc != ST_ITEROVER)
        return rc;
    return a->format == 't' ? cli_table_finish(s->table) : st_text_writer_finish(s->writer);
}

int cmd_parquet_cat(int argc, char **argv)
{
    cat_args a;
    cat_state s;
    int rc;

    memset(&a, 0, sizeof(a));
    memset(&s, 0, sizeof(s));
    if ((rc = parse_args(&a, argc, argv)) != 0) {
        args_dispose(&a);
        return rc < 0 ? cli_help(USAGE) : rc;
    }
    rc = run(&s, &a) < 0 ? cli_fail() : CLI_OK;
    if (rc == CLI_OK && fflush(stdout) != 0)
        rc = cli_fail_msg("cannot write the output");
    st_text_writer_free(s.writer);
    cli_table_free(s.table);
    st_batch_reader_free(s.main_batches);
    st_batch_reader_free(s.side_batches);
    st_parquet_reader_free(s.main);
    st_parquet_reader_free(s.side);
    free(s.on_side);
    free(s.sel);
    for (int k = 0; k < s.n_unsigned; k++)
        free(s.unsigned_paths[k]);
    free(s.unsigned_paths);
    args_dispose(&a);
    return rc;
}
