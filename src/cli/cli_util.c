/* SPDX-License-Identifier: Apache-2.0 */
/* Helpers shared by the commands: messages and exit codes, option values,
 * file formats by name and extension, JSON strings, stdin and stdout. */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <supertable/sys/alloc.h>

#include "cli.h"

int cli_help(const char *usage)
{
    fputs(usage, stdout);
    return CLI_OK;
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "%s: ", cmd);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry '%s --help'.\n", cmd);
    return CLI_USAGE;
}

int cli_fail(void)
{
    const st_error *e = st_error_last();
    fprintf(stderr, "supertable: error: %s\n",
            e->message[0] ? e->message : st_error_code_name(e->code));
    return CLI_FAILURE;
}

int cli_fail_msg(const char *fmt, ...)
{
    va_list ap;
    fputs("supertable: error: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return CLI_FAILURE;
}

int cli_bad_option(const char *cmd, int c, char **argv)
{
    const char *arg = argv[optind - 1];
    char shortopt[3] = {'-', (char)optopt, 0};
    /* For a short option inside a cluster ("-xq") argv names the cluster. */
    const char *name = optopt && !(arg[0] == '-' && arg[1] == '-') ? shortopt : arg;
    if (c == ':')
        return cli_usage_error(cmd, "option '%s' needs a value", name);
    return cli_usage_error(cmd, "unknown option '%s'", name);
}

void cli_getopt_reset(void)
{
    /* glibc: optind 0 also resets the scanner's internal state. */
    optind = 0;
    opterr = 0;
}

int cli_parse_count(const char *s, int64_t *out)
{
    char *end;
    long long v;
    if (!s || !isdigit((unsigned char)s[0]))
        return -1;
    errno = 0;
    v = strtoll(s, &end, 10);
    if (errno != 0 || *end != 0)
        return -1;
    *out = v;
    return 0;
}

cli_format cli_format_by_name(const char *name)
{
    if (strcasecmp(name, "csv") == 0)
        return CLI_FMT_CSV;
    if (strcasecmp(name, "tsv") == 0)
        return CLI_FMT_TSV;
    if (strcasecmp(name, "jsonl") == 0 || strcasecmp(name, "ndjson") == 0 ||
        strcasecmp(name, "json") == 0)
        return CLI_FMT_JSONL;
    if (strcasecmp(name, "parquet") == 0)
        return CLI_FMT_PARQUET;
    return CLI_FMT_NONE;
}

cli_format cli_format_by_path(const char *path)
{
    const char *dot = strrchr(path, '.'), *slash = strrchr(path, '/');
    if (!dot || (slash && dot < slash))
        return CLI_FMT_NONE;
    if (strcasecmp(dot, ".pq") == 0)
        return CLI_FMT_PARQUET;
    return cli_format_by_name(dot + 1);
}

const char *cli_format_name(cli_format f)
{
    static const char *const names[] = {"none", "csv", "tsv", "jsonl", "parquet"};
    return names[f];
}

void cli_json_string(FILE *f, const char *s)
{
    st_vector *v = NULL;
    char *text = NULL;
    /* The library's canonical JSON string, so escaping matches `cat --format jsonl`. */
    if (st_vector_new(&v, st_type_primitive(ST_TYPE_STRING), 1) == 0 &&
        st_vector_append_bytes(v, s ? s : "", s ? strlen(s) : 0) == 0 &&
        st_value_format(&text, NULL, v, 0, ST_VALUE_JSON) == 0)
        fputs(text, f);
    else
        fputs("\"\"", f); /* only when out of memory */
    st_free(text);
    st_vector_free(v);
}

int cli_write_file(const void *data, size_t len, void *payload)
{
    FILE *f = payload;
    if (fwrite(data, 1, len, f) != len)
        return st_error_set(ST_EIO, ST_ERROR_IO, "cannot write the output: %s", strerror(errno));
    return 0;
}

int cli_read_stdin(uint8_t **out, size_t *len)
{
    uint8_t *buf = NULL;
    size_t n = 0, cap = 0;
    *out = NULL;
    *len = 0;
    for (;;) {
        size_t got;
        if (n == cap) {
            uint8_t *nb;
            cap = cap ? cap * 2 : 65536;
            if (!(nb = st_realloc(buf, cap))) {
                st_free(buf);
                return ST_ENOMEM;
            }
            buf = nb;
        }
        got = fread(buf + n, 1, cap - n, stdin);
        n += got;
        if (got == 0)
            break;
    }
    if (ferror(stdin)) {
        st_free(buf);
        return st_error_set(ST_EIO, ST_ERROR_IO, "cannot read standard input");
    }
    *out = buf;
    *len = n;
    return 0;
}
