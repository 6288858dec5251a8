/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The listings of a table: `supertable table history|snapshots|files|
 * manifests|partitions|entries|refs|properties`. All but properties print a
 * metadata table of the library (st_table_metadata_scan: the columns of
 * Iceberg's metadata tables as Spark shows them) in the --format asked for;
 * `properties` builds a cli_list, and also changes properties (--set, --unset).
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define FORMAT_HELP "  -f, --format FMT         table (default), csv, json or jsonl\n"

typedef struct info_args {
    const char *cmd;
    cli_list_format format;
    int64_t snapshot_id;        /* --snapshot; -1: current */
    cli_props set;              /* properties: --set */
    const char **unset;         /* properties: --unset */
    size_t n_unset;
} info_args;

static int info_option(void *ctx, int c, const char *arg)
{
    info_args *a = ctx;
    const char **grown;
    switch (c) {
    case 'f': return cli_list_format_parse(a->cmd, arg, &a->format);
    case 'S': return cli_parse_snapshot_id(a->cmd, "--snapshot", arg, &a->snapshot_id);
    case 's': return cli_props_add(&a->set, a->cmd, "--set", arg);
    default:
        if (!(grown = realloc(a->unset, sizeof(*grown) * (a->n_unset + 1))))
            return cli_fail_msg("out of memory");
        a->unset = grown;
        a->unset[a->n_unset++] = arg;
        return 0;
    }
}

/* Parses `NAME [options]`, opens the table, reads the metadata table `name`
 * and prints it. */
static int run_metadata_table(int argc, char **argv, const char *cmd, const char *usage,
                              const struct option *opts, const char *name)
{
    static const char *const missing[] = {"no table given"};
    info_args a;
    st_table *t = NULL;
    st_batch_reader *r = NULL;
    char **pos;
    int np, rc;

    memset(&a, 0, sizeof(a));
    a.cmd = cmd;
    a.snapshot_id = -1;
    rc = cli_parse(argc, argv, cmd, usage, "f:", opts, info_option, &a, 1, 1, missing, &pos, &np);
    if (rc != 0)
        return rc < 0 ? CLI_OK : rc;
    if ((rc = cli_table_open(&t, pos[0])) < 0 ||
        (rc = st_table_metadata_scan(&r, t, name, a.snapshot_id)) < 0 ||
        (rc = cli_print_reader(r, a.format)) < 0)
        rc = cli_fail();
    st_batch_reader_free(r);
    st_table_free(t);
    return rc;
}

static const struct option FORMAT_OPTS[] = {
    {"format", required_argument, NULL, 'f'},
    {NULL, 0, NULL, 0},
};

static const struct option SNAPSHOT_OPTS[] = {
    {"format", required_argument, NULL, 'f'},
    {"snapshot", required_argument, NULL, 'S'},
    {NULL, 0, NULL, 0},
};

#define SNAPSHOT_HELP(what) "      --snapshot ID        " what " of this snapshot\n"

/* -------------------------------------------------------------- history */

static const char HISTORY_USAGE[] =
    "usage: supertable table history TABLE [options]\n"
    "\n"
    "Lists when each snapshot became the table's current one (the snapshot log):\n"
    "made_current_at, snapshot_id, parent_id, is_current_ancestor (false for a\n"
    "snapshot that a rollback left behind).\n"
    "\n"
    "Options:\n" FORMAT_HELP CLI_GLOBAL_HELP;

int cmd_table_history(int argc, char **argv)
{
    return run_metadata_table(argc, argv, "supertable table history", HISTORY_USAGE,
                              FORMAT_OPTS, "history");
}

/* ------------------------------------------------------------ snapshots */

static const char SNAPSHOTS_USAGE[] =
    "usage: supertable table snapshots TABLE [options]\n"
    "\n"
    "Lists the table's snapshots in commit order: committed_at, snapshot_id,\n"
    "parent_id, operation, manifest_list and summary (a map).\n"
    "\n"
    "Options:\n" FORMAT_HELP CLI_GLOBAL_HELP;

int cmd_table_snapshots(int argc, char **argv)
{
    return run_metadata_table(argc, argv, "supertable table snapshots", SNAPSHOTS_USAGE,
                              FORMAT_OPTS, "snapshots");
}

/* ---------------------------------------------------------------- files */

static const char FILES_USAGE[] =
    "usage: supertable table files TABLE [options]\n"
    "\n"
    "Lists the live data and delete files of the current snapshot (or of\n"
    "--snapshot): content (0 data, 1 position deletes, 2 equality deletes),\n"
    "file_path, file_format, spec_id, partition, record_count,\n"
    "file_size_in_bytes, the column metrics (column_sizes, value_counts,\n"
    "null_value_counts, nan_value_counts, lower_bounds, upper_bounds: maps by\n"
    "field id), key_metadata, split_offsets, equality_ids, sort_order_id, the v3\n"
    "fields and readable_metrics (per column, bounds decoded).\n"
    "\n"
    "Options:\n" SNAPSHOT_HELP("the files") FORMAT_HELP CLI_GLOBAL_HELP;

int cmd_table_files(int argc, char **argv)
{
    return run_metadata_table(argc, argv, "supertable table files", FILES_USAGE, SNAPSHOT_OPTS,
                              "files");
}

/* ------------------------------------------------------------ manifests */

static const char MANIFESTS_USAGE[] =
    "usage: supertable table manifests TABLE [options]\n"
    "\n"
    "Lists the manifests of the current snapshot (or of --snapshot): content (0\n"
    "data, 1 deletes), path, length, partition_spec_id, added_snapshot_id, the\n"
    "added/existing/deleted data and delete file counts, and partition_summaries\n"
    "(per partition field: contains_null, contains_nan, lower_bound,\n"
    "upper_bound).\n"
    "\n"
    "Options:\n" SNAPSHOT_HELP("the manifests") FORMAT_HELP CLI_GLOBAL_HELP;

int cmd_table_manifests(int argc, char **argv)
{
    return run_metadata_table(argc, argv, "supertable table manifests", MANIFESTS_USAGE,
                              SNAPSHOT_OPTS, "manifests");
}

/* ------------------------------------------------------------ partitions */

static const char PARTITIONS_USAGE[] =
    "usage: supertable table partitions TABLE [options]\n"
    "\n"
    "Lists the partitions of the current snapshot (or of --snapshot) with their\n"
    "live files: partition, spec_id, record_count, file_count,\n"
    "total_data_file_size_in_bytes, position and equality delete record and\n"
    "file counts, last_updated_at, last_updated_snapshot_id. An unpartitioned\n"
    "table has one row, without partition and spec_id.\n"
    "\n"
    "Options:\n" SNAPSHOT_HELP("the partitions") FORMAT_HELP CLI_GLOBAL_HELP;

int cmd_table_partitions(int argc, char **argv)
{
    return run_metadata_table(argc, argv, "supertable table partitions", PARTITIONS_USAGE,
                              SNAPSHOT_OPTS, "partitions");
}

/* --------------------------------------------------------------- entries */

static const char ENTRIES_USAGE[] =
    "usage: supertable table entries TABLE [options]\n"
    "\n"
    "Lists every entry of the manifests of the current snapshot (or of\n"
    "--snapshot), deleted ones included: status (0 existing, 1 added, 2\n"
    "deleted), snapshot_id, sequence_number, file_sequence_number, data_file (the\n"
    "file, as in 'files') and readable_metrics.\n"
    "\n"
    "Options:\n" SNAPSHOT_HELP("the entries") FORMAT_HELP CLI_GLOBAL_HELP;

int cmd_table_entries(int argc, char **argv)
{
    return run_metadata_table(argc, argv, "supertable table entries", ENTRIES_USAGE,
                              SNAPSHOT_OPTS, "entries");
}

/* ----------------------------------------------------------------- refs */

static const char REFS_USAGE[] =
    "usage: supertable table refs TABLE [options]\n"
    "\n"
    "Lists the table's branches and tags: name, type (BRANCH or TAG),\n"
    "snapshot_id, max_reference_age_in_ms, min_snapshots_to_keep,\n"
    "max_snapshot_age_in_ms (null when unset). 'main' is the current snapshot's\n"
    "branch.\n"
    "\n"
    "Options:\n" FORMAT_HELP CLI_GLOBAL_HELP;

int cmd_table_refs(int argc, char **argv)
{
    return run_metadata_table(argc, argv, "supertable table refs", REFS_USAGE, FORMAT_OPTS,
                              "refs");
}

/* ----------------------------------------------------------- properties */

static const char PROPERTIES_USAGE[] =
    "usage: supertable table properties TABLE [options]\n"
    "\n"
    "Lists the table's properties (key, value); with --set or --unset, changes\n"
    "them instead, all in one commit.\n"
    "\n"
    "Options:\n"
    "      --set KEY=VALUE      set a property; repeatable\n"
    "      --unset KEY          remove a property; repeatable\n" FORMAT_HELP CLI_GLOBAL_HELP;

static int property_rows(st_table *t, const info_args *a, cli_list **out)
{
    size_t n = st_table_property_count(t);
    int rc;
    (void)a;
    if ((rc = cli_list_new(out, "key string, value string")) < 0)
        return rc;
    for (size_t i = 0; i < n; i++) {
        st_property p = st_table_property(t, i);
        if ((rc = cli_list_str(*out, p.key)) < 0 || (rc = cli_list_str(*out, p.value)) < 0)
            return rc;
    }
    return 0;
}

static int change_properties(st_table *t, const info_args *a)
{
    st_txn *x = NULL;
    int rc;
    if ((rc = st_table_begin(&x, t)) < 0)
        return rc;
    for (size_t i = 0; i < a->set.n && rc == 0; i++)
        rc = st_txn_set_property(x, a->set.v[i].key, a->set.v[i].value);
    for (size_t i = 0; i < a->n_unset && rc == 0; i++)
        rc = st_txn_remove_property(x, a->unset[i]);
    if (rc == 0)
        rc = st_txn_commit(x, NULL);
    st_txn_free(x);
    return rc;
}

int cmd_table_properties(int argc, char **argv)
{
    static const struct option opts[] = {
        {"format", required_argument, NULL, 'f'},
        {"set", required_argument, NULL, 's'},
        {"unset", required_argument, NULL, 'u'},
        {NULL, 0, NULL, 0},
    };
    static const char *const missing[] = {"no table given"};
    const char *cmd = "supertable table properties";
    info_args a;
    st_table *t = NULL;
    cli_list *l = NULL;
    char **pos;
    int np, rc;

    memset(&a, 0, sizeof(a));
    a.cmd = cmd;
    rc = cli_parse(argc, argv, cmd, PROPERTIES_USAGE, "f:", opts, info_option, &a, 1, 1, missing,
                   &pos, &np);
    if (rc != 0)
        goto done;
    if ((rc = cli_table_open(&t, pos[0])) < 0) {
        rc = cli_fail();
    } else if (a.set.n || a.n_unset) {
        if ((rc = change_properties(t, &a)) < 0)
            rc = cli_fail();
        else
            printf("updated %zu propert%s of %s\n", a.set.n + a.n_unset,
                   a.set.n + a.n_unset == 1 ? "y" : "ies", st_table_name(t));
    } else if ((rc = property_rows(t, &a, &l)) < 0 || (rc = cli_list_print(l, a.format)) < 0) {
        rc = cli_fail();
    }
done:
    cli_list_free(l);
    st_table_free(t);
    cli_props_free(&a.set);
    free(a.unset);
    return rc < 0 ? CLI_OK : rc;
}
