/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `supertable parquet inspect`: a Parquet file's footer, as parquet-tools shows
 * it: file facts and key/value metadata, the schema as Iceberg types with field
 * ids, the Parquet leaf columns, and per row group each column chunk (codec,
 * encodings, sizes, offsets, statistics, page index and bloom filter presence).
 * --format json gives the same facts as one JSON document.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <supertable/sys/alloc.h>

#include "cli.h"

#define CMD "supertable parquet inspect"

static const char USAGE[] =
    "usage: supertable parquet inspect FILE [options]\n"
    "\n"
    "Shows a Parquet file's metadata: size, created_by, format version, rows, row\n"
    "groups, key/value metadata; the schema as Iceberg types with field ids; the\n"
    "Parquet leaf columns (path, physical and logical type, repetition, field id,\n"
    "max definition/repetition levels); and per row group and column chunk the\n"
    "codec, encodings, value count, sizes, offsets, statistics (min, max, null and\n"
    "distinct counts) and whether a page index and bloom filter are present.\n"
    "\n"
    "Options:\n"
    "  -f, --format FMT   text (default) or json (one JSON document)\n"
    "  -h, --help         show this help\n";

/* Prints text on one line: control characters escaped, cut after max bytes. */
static void put_text(FILE *f, const char *s, size_t max)
{
    size_t n = strlen(s);
    for (size_t i = 0; i < n && i < max; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c == 0x7f)
            fprintf(f, c == '\n' ? "\\n" : c == '\t' ? "\\t" : "\\x%02x", c);
        else
            fputc(c, f);
    }
    if (n > max)
        fprintf(f, "... (%zu bytes)", n);
}

static const char *id_text(char *buf, int32_t id)
{
    if (id == ST_FIELD_ID_NONE)
        return "-";
    snprintf(buf, 16, "%d", (int)id);
    return buf;
}

static int64_t file_size(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 ? (int64_t)sb.st_size : -1;
}

/* ------------------------------------------------------------------ text */

static int text_fields(const st_type *t, int depth)
{
    char idb[16];
    for (int i = 0; i < t->n_fields; i++) {
        const st_field *fd = &t->fields[i];
        char *type = NULL;
        int rc;
        if (!st_type_is_nested(fd->type) && (rc = st_type_to_string(&type, fd->type)) < 0)
            return rc;
        printf("%*s%s ", depth * 2 + 2, "", id_text(idb, fd->id));
        put_text(stdout, fd->name, 200);
        printf(": %s%s\n", type ? type : st_type_id_name(fd->type->id),
               fd->required ? " not null" : "");
        st_free(type);
        if (st_type_is_nested(fd->type) && (rc = text_fields(fd->type, depth + 1)) < 0)
            return rc;
    }
    return 0;
}

static int text_columns(st_parquet_reader *r)
{
    int n = st_parquet_reader_num_columns(r), w[3] = {4, 8, 7}, rc;
    st_parquet_column_info ci;
    char idb[16];
    for (int c = 0; c < n; c++) {
        if ((rc = st_parquet_reader_column_info(r, c, &ci)) < 0)
            return rc;
        w[0] = (int)strlen(ci.path) > w[0] ? (int)strlen(ci.path) : w[0];
        w[1] = (int)strlen(ci.physical_type) > w[1] ? (int)strlen(ci.physical_type) : w[1];
        w[2] = (int)strlen(ci.logical_type) > w[2] ? (int)strlen(ci.logical_type) : w[2];
    }
    printf("\nParquet columns:\n  %-3s %-*s  %-*s  %-*s  %-10s  %-8s  %3s  %3s\n", "#", w[0],
           "path", w[1], "physical", w[2], "logical", "repetition", "field id", "def", "rep");
    for (int c = 0; c < n; c++) {
        if ((rc = st_parquet_reader_column_info(r, c, &ci)) < 0)
            return rc;
        printf("  %-3d %-*s  %-*s  %-*s  %-10s  %-8s  %3d  %3d\n", c, w[0], ci.path, w[1],
               ci.physical_type, w[2], ci.logical_type[0] ? ci.logical_type : "-",
               ci.repetition, id_text(idb, ci.field_id), ci.max_definition_level,
               ci.max_repetition_level);
    }
    return 0;
}

static void text_opt(const char *label, int64_t v)
{
    if (v < 0)
        printf("%s -", label);
    else
        printf("%s %lld", label, (long long)v);
}

static int text_chunk(st_parquet_reader *r, int rg, int c)
{
    st_parquet_chunk_info ch;
    st_parquet_column_info ci;
    int rc;
    if ((rc = st_parquet_reader_column_info(r, c, &ci)) < 0 ||
        (rc = st_parquet_reader_chunk_info(r, rg, c, &ch)) < 0)
        return rc;
    printf("  column %d %s: %s, %lld values, %lld bytes compressed, %lld uncompressed\n", c,
           ci.path, ch.codec, (long long)ch.num_values, (long long)ch.compressed_size,
           (long long)ch.uncompressed_size);
    printf("    encodings %s; offsets: data page %lld,", ch.encodings,
           (long long)ch.data_page_offset);
    text_opt(" dictionary page", ch.dictionary_page_offset);
    printf("\n    statistics:");
    if (!ch.has_statistics) {
        printf(" none");
    } else {
        printf(" min ");
        put_text(stdout, ch.min ? ch.min : "-", 60);
        printf("%s, max ", ch.min_exact ? "" : " (truncated)");
        put_text(stdout, ch.max ? ch.max : "-", 60);
        printf("%s,", ch.max_exact ? "" : " (truncated)");
        text_opt(" nulls", ch.null_count);
        text_opt(", distinct", ch.distinct_count);
    }
    printf("\n    page index: column index %s, offset index %s; bloom filter %s\n",
           ch.has_column_index ? "yes" : "no", ch.has_offset_index ? "yes" : "no",
           ch.has_bloom_filter ? "yes" : "no");
    return 0;
}

static int inspect_text(st_parquet_reader *r, const char *path)
{
    int n_rg = st_parquet_reader_num_row_groups(r), n_kv = st_parquet_reader_kv_count(r), rc;
    int64_t size = file_size(path);
    printf("file:            ");
    put_text(stdout, path, 4096);
    printf("\nsize:            %lld bytes\n", (long long)size);
    printf("created by:      ");
    put_text(stdout, st_parquet_reader_created_by(r), 200);
    printf("\nformat version:  %d\n", st_parquet_reader_format_version(r));
    printf("rows:            %lld\n", (long long)st_parquet_reader_num_rows(r));
    printf("row groups:      %d\n", n_rg);
    printf("leaf columns:    %d\n", st_parquet_reader_num_columns(r));
    printf("key/value metadata:%s\n", n_kv ? "" : " none");
    for (int i = 0; i < n_kv; i++) {
        const char *k = NULL, *v = NULL;
        st_parquet_reader_kv(r, i, &k, &v);
        printf("  ");
        put_text(stdout, k ? k : "", 100);
        printf(" = ");
        put_text(stdout, v ? v : "(no value)", 100);
        printf("\n");
    }
    printf("\nschema (field id, name: Iceberg type):\n");
    if ((rc = text_fields(st_parquet_reader_file_schema(r), 0)) < 0 ||
        (rc = text_columns(r)) < 0)
        return rc;
    for (int rg = 0; rg < n_rg; rg++) {
        printf("\nrow group %d: %lld rows, %lld bytes\n", rg,
               (long long)st_parquet_reader_row_group_rows(r, rg),
               (long long)st_parquet_reader_row_group_bytes(r, rg));
        for (int c = 0; c < st_parquet_reader_num_columns(r); c++)
            if ((rc = text_chunk(r, rg, c)) < 0)
                return rc;
    }
    return 0;
}

/* ------------------------------------------------------------------ json */

static void json_key(const char *indent, const char *key, int first)
{
    printf("%s%s\"%s\": ", first ? "" : ",\n", indent, key);
}

static void json_str_or_null(const char *s)
{
    if (s)
        cli_json_string(stdout, s);
    else
        fputs("null", stdout);
}

static void json_num_or_null(int64_t v)
{
    if (v < 0)
        fputs("null", stdout);
    else
        printf("%lld", (long long)v);
}

/* Fields one per line, nested ones indented under their parent. */
static int json_fields(const st_type *t, int depth)
{
    putchar('[');
    for (int i = 0; i < t->n_fields; i++) {
        const st_field *fd = &t->fields[i];
        char *type = NULL;
        int rc;
        if (!st_type_is_nested(fd->type) && (rc = st_type_to_string(&type, fd->type)) < 0)
            return rc;
        printf("%s\n%*s{\"id\": ", i ? "," : "", depth * 2 + 4, "");
        if (fd->id == ST_FIELD_ID_NONE)
            fputs("null", stdout);
        else
            printf("%d", (int)fd->id);
        fputs(", \"name\": ", stdout);
        cli_json_string(stdout, fd->name);
        printf(", \"type\": \"%s\", \"required\": %s", type ? type : st_type_id_name(fd->type->id),
               fd->required ? "true" : "false");
        st_free(type);
        if (st_type_is_nested(fd->type)) {
            fputs(", \"fields\": ", stdout);
            if ((rc = json_fields(fd->type, depth + 1)) < 0)
                return rc;
        }
        putchar('}');
    }
    printf("\n%*s]", depth * 2 + 2, "");
    return 0;
}

static int json_columns(st_parquet_reader *r)
{
    st_parquet_column_info ci;
    int rc;
    fputs("[", stdout);
    for (int c = 0; c < st_parquet_reader_num_columns(r); c++) {
        if ((rc = st_parquet_reader_column_info(r, c, &ci)) < 0)
            return rc;
        printf("%s\n    {\"index\": %d, \"path\": ", c ? "," : "", c);
        cli_json_string(stdout, ci.path);
        printf(", \"physical_type\": \"%s\", \"logical_type\": ", ci.physical_type);
        json_str_or_null(ci.logical_type[0] ? ci.logical_type : NULL);
        printf(", \"repetition\": \"%s\", \"field_id\": ", ci.repetition);
        json_num_or_null(ci.field_id == ST_FIELD_ID_NONE ? -1 : ci.field_id);
        printf(", \"max_definition_level\": %d, \"max_repetition_level\": %d}",
               ci.max_definition_level, ci.max_repetition_level);
    }
    fputs("\n  ]", stdout);
    return 0;
}

static void json_encodings(const char *list)
{
    const char *p = list;
    putchar('[');
    while (*p) {
        const char *comma = strchr(p, ',');
        size_t n = comma ? (size_t)(comma - p) : strlen(p);
        printf("%s\"%.*s\"", p == list ? "" : ", ", (int)n, p);
        p += n + (comma != NULL);
    }
    putchar(']');
}

static int json_chunk(st_parquet_reader *r, int rg, int c)
{
    st_parquet_chunk_info ch;
    int rc;
    if ((rc = st_parquet_reader_chunk_info(r, rg, c, &ch)) < 0)
        return rc;
    printf("%s\n        {\"column\": %d, \"codec\": \"%s\", \"encodings\": ", c ? "," : "", c,
           ch.codec);
    json_encodings(ch.encodings);
    printf(", \"num_values\": %lld, \"compressed_size\": %lld, \"uncompressed_size\": %lld, "
           "\"data_page_offset\": %lld, \"dictionary_page_offset\": ",
           (long long)ch.num_values, (long long)ch.compressed_size,
           (long long)ch.uncompressed_size, (long long)ch.data_page_offset);
    json_num_or_null(ch.dictionary_page_offset);
    fputs(", \"statistics\": ", stdout);
    if (ch.has_statistics) {
        fputs("{\"min\": ", stdout);
        json_str_or_null(ch.min);
        fputs(", \"max\": ", stdout);
        json_str_or_null(ch.max);
        printf(", \"min_exact\": %s, \"max_exact\": %s, \"null_count\": ",
               ch.min_exact ? "true" : "false", ch.max_exact ? "true" : "false");
        json_num_or_null(ch.null_count);
        fputs(", \"distinct_count\": ", stdout);
        json_num_or_null(ch.distinct_count);
        putchar('}');
    } else {
        fputs("null", stdout);
    }
    printf(", \"has_column_index\": %s, \"has_offset_index\": %s, \"has_bloom_filter\": %s}",
           ch.has_column_index ? "true" : "false", ch.has_offset_index ? "true" : "false",
           ch.has_bloom_filter ? "true" : "false");
    return 0;
}

static int json_row_groups(st_parquet_reader *r)
{
    int rc;
    fputs("[", stdout);
    for (int rg = 0; rg < st_parquet_reader_num_row_groups(r); rg++) {
        printf("%s\n    {\"index\": %d, \"num_rows\": %lld, \"total_compressed_size\": %lld, "
               "\"columns\": [",
               rg ? "," : "", rg, (long long)st_parquet_reader_row_group_rows(r, rg),
               (long long)st_parquet_reader_row_group_bytes(r, rg));
        for (int c = 0; c < st_parquet_reader_num_columns(r); c++)
            if ((rc = json_chunk(r, rg, c)) < 0)
                return rc;
        fputs("\n      ]}", stdout);
    }
    fputs("\n  ]", stdout);
    return 0;
}

static int inspect_json(st_parquet_reader *r, const char *path)
{
    st_type *schema = st_parquet_reader_file_schema(r);
    char *text = NULL;
    int rc;

    if ((rc = st_schema_to_string(&text, schema)) < 0)
        return rc;
    fputs("{\n", stdout);
    json_key("  ", "file", 1);
    cli_json_string(stdout, path);
    json_key("  ", "size", 0);
    json_num_or_null(file_size(path));
    json_key("  ", "created_by", 0);
    cli_json_string(stdout, st_parquet_reader_created_by(r));
    json_key("  ", "format_version", 0);
    printf("%d", st_parquet_reader_format_version(r));
    json_key("  ", "num_rows", 0);
    printf("%lld", (long long)st_parquet_reader_num_rows(r));
    json_key("  ", "num_row_groups", 0);
    printf("%d", st_parquet_reader_num_row_groups(r));
    json_key("  ", "key_value_metadata", 0);
    putchar('[');
    for (int i = 0; i < st_parquet_reader_kv_count(r); i++) {
        const char *k = NULL, *v = NULL;
        st_parquet_reader_kv(r, i, &k, &v);
        fputs(i ? ", {\"key\": " : "{\"key\": ", stdout);
        cli_json_string(stdout, k ? k : "");
        fputs(", \"value\": ", stdout);
        json_str_or_null(v);
        putchar('}');
    }
    putchar(']');
    json_key("  ", "schema", 0);
    cli_json_string(stdout, text);
    st_free(text);
    json_key("  ", "fields", 0);
    if ((rc = json_fields(schema, 0)) < 0)
        return rc;
    json_key("  ", "columns", 0);
    if ((rc = json_columns(r)) < 0)
        return rc;
    json_key("  ", "row_groups", 0);
    if ((rc = json_row_groups(r)) < 0)
        return rc;
    fputs("\n}\n", stdout);
    return 0;
}

/* ------------------------------------------------------------------ main */

int cmd_parquet_inspect(int argc, char **argv)
{
    static const struct option opts[] = {
        {"format", required_argument, NULL, 'f'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    st_parquet_reader *r = NULL;
    int c, json = 0, rc;

    cli_getopt_reset();
    while ((c = getopt_long(argc, argv, ":f:h", opts, NULL)) != -1) {
        switch (c) {
        case 'h': return cli_help(USAGE);
        case 'f':
            if (strcmp(optarg, "text") != 0 && strcmp(optarg, "json") != 0)
                return cli_usage_error(CMD, "--format must be text or json, not '%s'", optarg);
            json = optarg[0] == 'j';
            break;
        default: return cli_bad_option(CMD, c, argv);
        }
    }
    if (optind >= argc)
        return cli_usage_error(CMD, "no file given");
    if (argc - optind > 1)
        return cli_usage_error(CMD, "one file at a time ('%s' is extra)", argv[optind + 1]);
    if (st_parquet_reader_open(&r, argv[optind], NULL) < 0)
        return cli_fail();
    rc = json ? inspect_json(r, argv[optind]) : inspect_text(r, argv[optind]);
    st_parquet_reader_free(r);
    if (rc < 0)
        return cli_fail();
    if (fflush(stdout) != 0)
        return cli_fail_msg("cannot write the output");
    return CLI_OK;
}
