/* SPDX-License-Identifier: Apache-2.0 */
/*
 * supertable: the command-line tool. git-style dispatch:
 *   supertable [global options] <command> [<subcommand>] [options] [args]
 * Top-level options stop at the command name; each command parses its own
 * (the catalog and table commands accept the global options too).
 */
#include <stdlib.h>
#include <string.h>

#include <supertable/common.h>

#include "cli.h"

static const char MAIN_USAGE[] =
    "usage: supertable [global options] <command> [<subcommand>] [options] [args]\n"
    "\n"
    "Commands:\n"
    "  parquet inspect   show a Parquet file's metadata, schema, row groups and statistics\n"
    "  parquet cat       print the rows of a Parquet file as a table, CSV or JSON lines\n"
    "  parquet convert   convert between CSV, TSV, JSON lines and Parquet\n"
    "  namespace ...     create, list, describe and drop namespaces of a catalog\n"
    "  table ...         create, list, describe, alter and drop Iceberg tables; their\n"
    "                    snapshots, files, manifests, branches, tags, properties\n"
    "  import            load CSV, TSV, JSON lines and Parquet files into a table\n"
    "  scan              read a table's rows (filter, time travel, --explain)\n"
    "\n"
    "Global options:\n"
    "  -h, --help               show this help\n"
    "  -V, --version            print the version\n"
    "      --catalog URI        the catalog: sqlite://PATH (?catalog=NAME),\n"
    "                           postgresql://..., memory:, or a folder (file://DIR);\n"
    "                           default $SUPERTABLE_CATALOG, else a SQLite catalog at\n"
    "                           <warehouse>/catalog.db\n"
    "      --warehouse DIR      where new tables go; default $SUPERTABLE_WAREHOUSE,\n"
    "                           else ./warehouse\n"
    "      --location-map FROM=TO  read paths under FROM (in metadata) from TO instead;\n"
    "                           repeatable\n"
    "The catalog options may also follow the command ('table list --catalog X').\n"
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

static const char NAMESPACE_USAGE[] =
    "usage: supertable namespace <subcommand> [options] [args]\n"
    "\n"
    "Subcommands:\n"
    "  create NS                create a namespace (--property KEY=VALUE)\n"
    "  list [PARENT]            the namespaces under PARENT (default: the top level)\n"
    "  describe NS              a namespace's properties\n"
    "  drop NS                  drop an empty namespace\n"
    "\n"
    "Run 'supertable namespace <subcommand> --help' for its options.\n";

static const char TABLE_USAGE[] =
    "usage: supertable table <subcommand> [options] [args]\n"
    "\n"
    "TABLE is 'ns.name' in the catalog, or a folder path (holding '/' or starting\n"
    "with '.') for a table without a catalog.\n"
    "\n"
    "Subcommands:\n"
    "  create TABLE --schema S  create a table (--partition-by, --sort-by, ...)\n"
    "  list [NS]                the tables of NS, or of every namespace\n"
    "  describe TABLE           location, schema, partitioning, sort order, properties\n"
    "  alter TABLE CHANGE...    schema, partitioning, sort order, properties: one commit\n"
    "  drop TABLE               drop a table (--purge: and its files)\n"
    "  rename FROM TO           rename a table\n"
    "  history TABLE            when each snapshot became current\n"
    "  snapshots TABLE          the snapshots, with their summaries\n"
    "  files TABLE              the live data and delete files (--snapshot ID)\n"
    "  manifests TABLE          the manifests (--snapshot ID)\n"
    "  partitions TABLE         the partitions, with file and row counts (--snapshot ID)\n"
    "  entries TABLE            the manifest entries, deleted ones too (--snapshot ID)\n"
    "  refs TABLE               the branches and tags\n"
    "  properties TABLE         list properties, or change them (--set, --unset)\n"
    "  rollback TABLE           back to an ancestor (--to ID, --to-timestamp TIME)\n"
    "  set-current TABLE ID     make any snapshot current\n"
    "  cherry-pick TABLE ID     apply a snapshot's changes onto the current one\n"
    "  tag ACTION TABLE TAG     create, replace or drop a tag\n"
    "  branch ACTION TABLE BR   create, replace, drop or fast-forward a branch\n"
    "  expire TABLE             remove old snapshots (--older-than, --retain-last)\n"
    "  upgrade TABLE            move to a newer format version (--format-version N)\n"
    "\n"
    "Run 'supertable table <subcommand> --help' for its options.\n";

static const subcommand PARQUET_COMMANDS[] = {
    {"inspect", cmd_parquet_inspect},
    {"cat", cmd_parquet_cat},
    {"convert", cmd_parquet_convert},
    {NULL, NULL},
};

static const subcommand NAMESPACE_COMMANDS[] = {
    {"create", cmd_namespace_create},
    {"list", cmd_namespace_list},
    {"describe", cmd_namespace_describe},
    {"drop", cmd_namespace_drop},
    {NULL, NULL},
};

static const subcommand TABLE_COMMANDS[] = {
    {"create", cmd_table_create},       {"list", cmd_table_list},
    {"describe", cmd_table_describe},   {"alter", cmd_table_alter},
    {"drop", cmd_table_drop},           {"rename", cmd_table_rename},
    {"history", cmd_table_history},     {"snapshots", cmd_table_snapshots},
    {"files", cmd_table_files},         {"manifests", cmd_table_manifests},
    {"partitions", cmd_table_partitions}, {"entries", cmd_table_entries},
    {"refs", cmd_table_refs},           {"properties", cmd_table_properties},
    {"rollback", cmd_table_rollback},   {"set-current", cmd_table_set_current},
    {"cherry-pick", cmd_table_cherry_pick}, {"tag", cmd_table_tag},
    {"branch", cmd_table_branch},       {"expire", cmd_table_expire},
    {"upgrade", cmd_table_upgrade},
    {NULL, NULL},
};

/* `supertable <group> <subcommand> ...`: finds and runs the subcommand. */
static int run_group(int argc, char **argv, const char *cmd, const char *usage,
                     const subcommand *subs)
{
    if (argc < 2)
        return cli_usage_error(cmd, "no subcommand given");
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0)
        return cli_help(usage);
    for (size_t i = 0; subs[i].name; i++)
        if (strcmp(argv[1], subs[i].name) == 0)
            return subs[i].run(argc - 1, argv + 1);
    if (argv[1][0] == '-')
        return cli_usage_error(cmd, "unknown option '%s'", argv[1]);
    return cli_usage_error(cmd, "unknown subcommand '%s'", argv[1]);
}

static int run_command(int argc, char **argv)
{
    const char *name = argv[0];
    if (strcmp(name, "parquet") == 0)
        return run_group(argc, argv, "supertable parquet", PARQUET_USAGE, PARQUET_COMMANDS);
    if (strcmp(name, "namespace") == 0)
        return run_group(argc, argv, "supertable namespace", NAMESPACE_USAGE,
                         NAMESPACE_COMMANDS);
    if (strcmp(name, "table") == 0)
        return run_group(argc, argv, "supertable table", TABLE_USAGE, TABLE_COMMANDS);
    if (strcmp(name, "import") == 0)
        return cmd_import(argc, argv);
    if (strcmp(name, "scan") == 0)
        return cmd_scan(argc, argv);
    if (strcmp(name, "help") == 0)
        return cli_help(MAIN_USAGE);
    return cli_usage_error("supertable", "unknown command '%s'", name);
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {"catalog", required_argument, NULL, CLI_OPT_CATALOG},
        {"warehouse", required_argument, NULL, CLI_OPT_WAREHOUSE},
        {"location-map", required_argument, NULL, CLI_OPT_LOCATION_MAP},
        {NULL, 0, NULL, 0},
    };
    int c, rc;

    st_init();
    /* Options may follow the arguments ("cat f.parquet --limit 2") whatever the
     * environment: POSIXLY_CORRECT would make getopt_long stop at the first one. */
    unsetenv("POSIXLY_CORRECT");
    cli_getopt_reset();
    /* '+': stop at the command name, whose options are its own. */
    while ((c = getopt_long(argc, argv, "+:hV", opts, NULL)) != -1) {
        switch (c) {
        case 'h': rc = cli_help(MAIN_USAGE); goto done;
        case 'V':
            printf("supertable %s\n", st_version());
            rc = CLI_OK;
            goto done;
        case '?':
        case ':': rc = cli_bad_option("supertable", c, argv); goto done;
        default:
            if ((rc = cli_global_option("supertable", c, optarg)) != 0)
                goto done;
        }
    }
    if (optind >= argc)
        rc = cli_usage_error("supertable", "no command given");
    else
        rc = run_command(argc - optind, argv + optind);
done:
    cli_globals_free();
    return rc;
}
