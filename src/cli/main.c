/* SPDX-License-Identifier: Apache-2.0 */
/*
 * supertable: the command-line tool. git-style dispatch:
 *   supertable [--version] [--help] <command> [<subcommand>] [options] [args]
 * Top-level options stop at the command name; each command parses its own.
 */
#include <stdlib.h>
#include <string.h>

#include <supertable/common.h>

#include "cli.h"

static const char MAIN_USAGE[] =
    "usage: supertable [--version] [--help] <command> [<subcommand>] [options] [args]\n"
    "\n"
    "Commands:\n"
    "  parquet inspect   show a Parquet file's metadata, schema, row groups and statistics\n"
    "  parquet cat       print the rows of a Parquet file as a table, CSV or JSON lines\n"
    "  parquet convert   convert between CSV, TSV, JSON lines and Parquet\n"
    "\n"
    "Run 'supertable <command> <subcommand> --help' for a command's options.\n"
    "Exit status: 0 success, 1 failure, 2 usage error. See also docs/cli.md and\n"
    "supertable(1).\n";

static const char PARQUET_USAGE[] =
    "usage: supertable parquet <subcommand> [options] [args]\n"
    "\n"
    "Subcommands:\n"
    "  inspect FILE             metadata, schema, row groups, column chunks, statistics\n"
    "  cat FILE                 rows as a table, CSV or JSON lines; --columns, --where, --limit\n"
    "  convert IN OUT           between CSV, TSV, JSON lines and Parquet, by file extension\n"
    "\n"
    "Run 'supertable parquet <subcommand> --help' for its options.\n";

typedef struct subcommand {
    const char *name;
    int (*run)(int argc, char **argv);
} subcommand;

static const subcommand PARQUET_COMMANDS[] = {
    {"inspect", cmd_parquet_inspect},
    {"cat", cmd_parquet_cat},
    {"convert", cmd_parquet_convert},
};

static int run_parquet(int argc, char **argv)
{
    const char *cmd = "supertable parquet";
    if (argc < 2)
        return cli_usage_error(cmd, "no subcommand given");
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0)
        return cli_help(PARQUET_USAGE);
    for (size_t i = 0; i < sizeof(PARQUET_COMMANDS) / sizeof(PARQUET_COMMANDS[0]); i++)
        if (strcmp(argv[1], PARQUET_COMMANDS[i].name) == 0)
            return PARQUET_COMMANDS[i].run(argc - 1, argv + 1);
    if (argv[1][0] == '-')
        return cli_usage_error(cmd, "unknown option '%s'", argv[1]);
    return cli_usage_error(cmd, "unknown subcommand '%s'", argv[1]);
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0},
    };
    int c;

    st_init();
    /* Options may follow the arguments ("cat f.parquet --limit 2") whatever the
     * environment: POSIXLY_CORRECT would make getopt_long stop at the first one. */
    unsetenv("POSIXLY_CORRECT");
    cli_getopt_reset();
    /* '+': stop at the command name, whose options are its own. */
    while ((c = getopt_long(argc, argv, "+:hV", opts, NULL)) != -1) {
        switch (c) {
        case 'h': return cli_help(MAIN_USAGE);
        case 'V': printf("supertable %s\n", st_version()); return CLI_OK;
        default: return cli_bad_option("supertable", c, argv);
        }
    }
    if (optind >= argc)
        return cli_usage_error("supertable", "no command given");
    if (strcmp(argv[optind], "parquet") == 0)
        return run_parquet(argc - optind, argv + optind);
    if (strcmp(argv[optind], "help") == 0)
        return cli_help(MAIN_USAGE);
    return cli_usage_error("supertable", "unknown command '%s'", argv[optind]);
}
