/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The listings of a table: `supertable table history|snapshots|files|
 * manifests|refs|properties`. Each builds a cli_list and prints it in the
 * --format asked for. `properties` also changes properties (--set, --unset).
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

typedef int (*list_fn)(st_table *t, const info_args *a, cli_list **out);

/* Parses `NAME [options]`, opens the table, builds the listing and prints it. */
static int run_listing(int argc, char **argv, const char *cmd, const char *usage,
                       const struct option *opts, const char *shortopts, list_fn fn)
{
    static const char *const missing[] = {"no table given"};
    info_args a;
    st_table *t = NULL;
    cli_list *l = NULL;
    char **pos;
    int np, rc;

    memset(&a, 0, sizeof(a));
    a.cmd = cmd;
    a.snapshot_id = -1;
    rc = cli_parse(argc, argv, cmd, usage, shortopts, opts, info_option, &a, 1, 1, missing, &pos,
                   &np);
    if (rc != 0)
        return rc < 0 ? CLI_OK : rc;
    if ((rc = cli_table_open(&t, pos[0])) < 0 || (rc = fn(t, &a, &l)) < 0 ||
        (rc = cli_list_print(l, a.format)) < 0)
        rc = cli_fail();
    cli_list_free(l);
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

/* -------------------------------------------------------------- history */

static const char HISTORY_USAGE[] =
    "usage: supertable table history TABLE [options]\n"
    "\n"
    "Lists when each snapshot became the table's current one (the snapshot log):\n"
    "made_current_at, timestamp_ms, snapshot_id, parent_id, is_current_ancestor\n"
    "(false for a snapshot that a rollback left behind).\n"
    "\n"
    "Options:\n" FORMAT_HELP CLI_GLOBAL_HELP;

static int history_rows(st_table *t, const info_args *a, cli_list **out)
{
    size_t n = st_table_history_count(t);
    int rc;
    (void)a;
    if ((rc = cli_list_new(out, "made_current_at string, timestamp_ms long, snapshot_id long, "
                                "parent_id long, is_current_ancestor boolean")) < 0)
        return rc;
    for (size_t i = 0; i < n; i++) {
        st_history_entry h;
        char when[40];
        if ((rc = st_table_history(t, i, &h)) < 0)
            return rc;
        cli_format_instant(when, sizeof(when), h.timestamp_ms);
        if ((rc = cli_list_str(*out, when)) < 0 || (rc = cli_list_long(*out, h.timestamp_ms)) < 0 ||
            (rc = cli_list_long(*out, h.snapshot_id)) < 0 ||
            (rc = cli_list_long_or_null(*out, h.parent_id, -1)) < 0 ||
            (rc = cli_list_bool(*out, h.is_current_ancestor)) < 0)
            return rc;
    }
    return 0;
}

int cmd_table_history(int argc, char **argv)
{
    return run_listing(argc, argv, "supertable table history", HISTORY_USAGE, FORMAT_OPTS, "f:",
                       history_rows);
}

/* ------------------------------------------------------------ snapshots */

static const char SNAPSHOTS_USAGE[] =
    "usage: supertable table snapshots TABLE [options]\n"
    "\n"
    "Lists the table's snapshots in commit order: snapshot_id, parent_id,\n"
    "sequence_number, timestamp_ms, committed_at (ISO-8601 UTC), operation and\n"
    "summary (an object in json and jsonl, its JSON text in table and csv).\n"
    "\n"
    "Options:\n" FORMAT_HELP CLI_GLOBAL_HELP;

static int snapshot_rows(st_table *t, const info_args *a, cli_list **out)
{
    size_t n = st_table_snapshot_count(t);
    int rc;
    (void)a;
    if ((rc = cli_list_new(out, "snapshot_id long, parent_id long, sequence_number long, "
                                "timestamp_ms long, committed_at string, operation string, "
                                "summary map<string, string>")) < 0)
        return rc;
    for (size_t i = 0; i < n; i++) {
        st_snapshot_info s;
        char when[40];
        if ((rc = st_table_snapshot(t, i, &s)) < 0)
            return rc;
        cli_format_instant(when, sizeof(when), s.timestamp_ms);
        if ((rc = cli_list_long(*out, s.snapshot_id)) < 0 ||
            (rc = cli_list_long_or_null(*out, s.parent_id, -1)) < 0 ||
            (rc = cli_list_long(*out, s.sequence_number)) < 0 ||
            (rc = cli_list_long(*out, s.timestamp_ms)) < 0 || (rc = cli_list_str(*out, when)) < 0 ||
            (rc = cli_list_str(*out, s.operation)) < 0 ||
            (rc = cli_list_props(*out, s.summary, s.n_summary)) < 0)
            return rc;
    }
    return 0;
}

int cmd_table_snapshots(int argc, char **argv)
{
    return run_listing(argc, argv, "supertable table snapshots", SNAPSHOTS_USAGE, FORMAT_OPTS,
                       "f:", snapshot_rows);
}

/* ---------------------------------------------------------------- files */

static const char FILES_USAGE[] =
    "usage: supertable table files TABLE [options]\n"
    "\n"
    "Lists the live data and delete files of the current snapshot (or of\n"
    "--snapshot): path, format, content (data, position_deletes,\n"
    "equality_deletes), spec_id, partition, record_count, file_size,\n"
    "data_sequence_number, snapshot_id (the snapshot that added it).\n"
    "\n"
    "Options:\n"
    "      --snapshot ID        the files of this snapshot\n" FORMAT_HELP CLI_GLOBAL_HELP;

static const char *content_name(int content)
{
    return content == 0 ? "data" : content == 1 ? "position_deletes" : "equality_deletes";
}

static int file_rows(st_table *t, const info_args *a, cli_list **out)
{
    st_file_info *f = NULL;
    size_t n = 0;
    int rc;
    if ((rc = st_table_files(t, a->snapshot_id, &f, &n)) < 0 ||
        (rc = cli_list_new(out, "path string, format string, content string, spec_id long, "
                                "`partition` string, record_count long, file_size long, "
                                "data_sequence_number long, snapshot_id long")) < 0)
        goto done;
    for (size_t i = 0; i < n; i++)
        if ((rc = cli_list_str(*out, f[i].path)) < 0 || (rc = cli_list_str(*out, f[i].format)) < 0 ||
            (rc = cli_list_str(*out, content_name(f[i].content))) < 0 ||
            (rc = cli_list_long(*out, f[i].spec_id)) < 0 ||
            (rc = cli_list_str(*out, f[i].partition)) < 0 ||
            (rc = cli_list_long(*out, f[i].record_count)) < 0 ||
            (rc = cli_list_long(*out, f[i].file_size)) < 0 ||
            (rc = cli_list_long(*out, f[i].data_sequence_number)) < 0 ||
            (rc = cli_list_long(*out, f[i].snapshot_id)) < 0)
            break;
done:
    st_file_infos_free(f, n);
    return rc;
}

int cmd_table_files(int argc, char **argv)
{
    return run_listing(argc, argv, "supertable table files", FILES_USAGE, SNAPSHOT_OPTS, "f:",
                       file_rows);
}

/* ------------------------------------------------------------ manifests */

static const char MANIFESTS_USAGE[] =
    "usage: supertable table manifests TABLE [options]\n"
    "\n"
    "Lists the manifests of the current snapshot (or of --snapshot): path, length,\n"
    "spec_id, content (data, deletes), sequence_number, min_sequence_number,\n"
    "added_snapshot_id, added/existing/deleted files and rows (null when the\n"
    "manifest list does not record them).\n"
    "\n"
    "Options:\n"
    "      --snapshot ID        the manifests of this snapshot\n" FORMAT_HELP CLI_GLOBAL_HELP;

static int manifest_rows(st_table *t, const info_args *a, cli_list **out)
{
    st_manifest_info *m = NULL;
    size_t n = 0;
    int rc;
    if ((rc = st_table_manifests(t, a->snapshot_id, &m, &n)) < 0 ||
        (rc = cli_list_new(out, "path string, length long, spec_id long, content string, "
                                "sequence_number long, min_sequence_number long, "
                                "added_snapshot_id long, added_files long, existing_files long, "
                                "deleted_files long, added_rows long, existing_rows long, "
                                "deleted_rows long")) < 0)
        goto done;
    for (size_t i = 0; i < n; i++)
        if ((rc = cli_list_str(*out, m[i].path)) < 0 || (rc = cli_list_long(*out, m[i].length)) < 0 ||
            (rc = cli_list_long(*out, m[i].spec_id)) < 0 ||
            (rc = cli_list_str(*out, m[i].content == 0 ? "data" : "deletes")) < 0 ||
            (rc = cli_list_long(*out, m[i].sequence_number)) < 0 ||
            (rc = cli_list_long(*out, m[i].min_sequence_number)) < 0 ||
            (rc = cli_list_long(*out, m[i].added_snapshot_id)) < 0 ||
            (rc = cli_list_long_or_null(*out, m[i].added_files, -1)) < 0 ||
            (rc = cli_list_long_or_null(*out, m[i].existing_files, -1)) < 0 ||
            (rc = cli_list_long_or_null(*out, m[i].deleted_files, -1)) < 0 ||
            (rc = cli_list_long_or_null(*out, m[i].added_rows, -1)) < 0 ||
            (rc = cli_list_long_or_null(*out, m[i].existing_rows, -1)) < 0 ||
            (rc = cli_list_long_or_null(*out, m[i].deleted_rows, -1)) < 0)
            break;
done:
    st_manifest_infos_free(m, n);
    return rc;
}

int cmd_table_manifests(int argc, char **argv)
{
    return run_listing(argc, argv, "supertable table manifests", MANIFESTS_USAGE, SNAPSHOT_OPTS,
                       "f:", manifest_rows);
}

/* ----------------------------------------------------------------- refs */

static const char REFS_USAGE[] =
    "usage: supertable table refs TABLE [options]\n"
    "\n"
    "Lists the table's branches and tags: name, type (branch or tag), snapshot_id,\n"
    "and the retention settings min_snapshots_to_keep, max_snapshot_age_ms,\n"
    "max_ref_age_ms (null when unset). 'main' is the current snapshot's branch.\n"
    "\n"
    "Options:\n" FORMAT_HELP CLI_GLOBAL_HELP;

static int ref_rows(st_table *t, const info_args *a, cli_list **out)
{
    size_t n = st_table_ref_count(t);
    int rc;
    (void)a;
    if ((rc = cli_list_new(out, "name string, type string, snapshot_id long, "
                                "min_snapshots_to_keep long, max_snapshot_age_ms long, "
                                "max_ref_age_ms long")) < 0)
        return rc;
    for (size_t i = 0; i < n; i++) {
        st_ref_info r;
        if ((rc = st_table_ref(t, i, &r)) < 0 || (rc = cli_list_str(*out, r.name)) < 0 ||
            (rc = cli_list_str(*out, r.is_tag ? "tag" : "branch")) < 0 ||
            (rc = cli_list_long(*out, r.snapshot_id)) < 0 ||
            (rc = cli_list_long_or_null(*out, r.min_snapshots_to_keep, -1)) < 0 ||
            (rc = cli_list_long_or_null(*out, r.max_snapshot_age_ms, -1)) < 0 ||
            (rc = cli_list_long_or_null(*out, r.max_ref_age_ms, -1)) < 0)
            return rc;
    }
    return 0;
}

int cmd_table_refs(int argc, char **argv)
{
    return run_listing(argc, argv, "supertable table refs", REFS_USAGE, FORMAT_OPTS, "f:",
                       ref_rows);
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
