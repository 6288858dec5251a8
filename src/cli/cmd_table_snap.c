/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Commands that move snapshots and refs, each one commit: `supertable table
 * rollback|set-current|cherry-pick|tag|branch|expire|upgrade`.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

enum { OPT_TO = CLI_OPT_FIRST_FREE, OPT_TO_TIMESTAMP, OPT_SNAPSHOT, OPT_MAX_REF_AGE,
       OPT_MIN_SNAPSHOTS, OPT_MAX_SNAPSHOT_AGE, OPT_OLDER_THAN, OPT_RETAIN_LAST,
       OPT_FORMAT_VERSION };

/* The options these commands take, in one place (each command uses some). */
typedef struct snap_args {
    const char *cmd;
    int64_t to;                  /* rollback --to */
    int have_to;
    int64_t to_ms;               /* rollback --to-timestamp; INT64_MIN unset */
    const char *to_branch;       /* branch fast-forward --to */
    int64_t snapshot_id;         /* --snapshot; -1: current */
    int64_t min_snapshots, max_snapshot_age_ms, max_ref_age_ms;   /* -1 unset */
    int64_t older_than_ms;       /* expire; INT64_MIN unset */
    int64_t retain_last;         /* expire; -1 unset */
    int format_version;          /* upgrade; 0 unset */
} snap_args;

static void args_init(snap_args *a, const char *cmd)
{
    memset(a, 0, sizeof(*a));
    a->cmd = cmd;
    a->to_ms = INT64_MIN;
    a->snapshot_id = -1;
    a->min_snapshots = a->max_snapshot_age_ms = a->max_ref_age_ms = -1;
    a->older_than_ms = INT64_MIN;
    a->retain_last = -1;
}

static int count_option(const snap_args *a, const char *opt, const char *arg, int64_t *out)
{
    if (cli_parse_count(arg, out) < 0)
        return cli_usage_error(a->cmd, "%s needs a number, got '%s'", opt, arg);
    return 0;
}

static int snap_option(void *ctx, int c, const char *arg)
{
    snap_args *a = ctx;
    switch (c) {
    case OPT_TO:
        if (strstr(a->cmd, "branch")) {
            a->to_branch = arg;
            return 0;
        }
        a->have_to = 1;
        return cli_parse_snapshot_id(a->cmd, "--to", arg, &a->to);
    case OPT_TO_TIMESTAMP:
    case OPT_OLDER_THAN:
        if (cli_parse_instant(arg, c == OPT_TO_TIMESTAMP ? &a->to_ms : &a->older_than_ms) < 0)
            return cli_usage_error(a->cmd, "%s needs a time: ISO-8601 (2024-03-01T10:00:00Z) "
                                   "or epoch milliseconds, not '%s'",
                                   c == OPT_TO_TIMESTAMP ? "--to-timestamp" : "--older-than", arg);
        return 0;
    case OPT_SNAPSHOT: return cli_parse_snapshot_id(a->cmd, "--snapshot", arg, &a->snapshot_id);
    case OPT_MAX_REF_AGE: return count_option(a, "--max-ref-age-ms", arg, &a->max_ref_age_ms);
    case OPT_MIN_SNAPSHOTS:
        return count_option(a, "--min-snapshots-to-keep", arg, &a->min_snapshots);
    case OPT_MAX_SNAPSHOT_AGE:
        return count_option(a, "--max-snapshot-age-ms", arg, &a->max_snapshot_age_ms);
    case OPT_RETAIN_LAST:
        if (cli_parse_count(arg, &a->retain_last) < 0 || a->retain_last < 1 ||
            a->retain_last > INT32_MAX)
            return cli_usage_error(a->cmd, "--retain-last needs a positive number, got '%s'",
                                   arg);
        return 0;
    default:
        if (strcmp(arg, "1") != 0 && strcmp(arg, "2") != 0 && strcmp(arg, "3") != 0)
            return cli_usage_error(a->cmd, "--format-version must be 1, 2 or 3, not '%s'", arg);
        a->format_version = arg[0] - '0';
        return 0;
    }
}

typedef int (*change_fn)(st_table *t, st_txn *x, const snap_args *a, char **pos);

/* Opens the table, applies `fn` in one transaction, commits. The table is
 * left at the new version for the message. */
static int commit_change(st_table **t, const char *name, change_fn fn, const snap_args *a,
                         char **pos)
{
    st_txn *x = NULL;
    int rc;
    if ((rc = cli_table_open(t, name)) < 0 || (rc = st_table_begin(&x, *t)) < 0)
        return rc;
    if ((rc = fn(*t, x, a, pos)) == 0)
        rc = st_txn_commit(x, NULL);
    st_txn_free(x);
    return rc;
}

/* ------------------------------------------------------------- rollback */

static const char ROLLBACK_USAGE[] =
    "usage: supertable table rollback TABLE (--to SNAPSHOT_ID | --to-timestamp TIME)\n"
    "\n"
    "Makes an ancestor of the current snapshot current again. With --to-timestamp,\n"
    "the latest ancestor committed at or before TIME.\n"
    "\n"
    "Options:\n"
    "      --to SNAPSHOT_ID     the snapshot to roll back to\n"
    "      --to-timestamp TIME  ISO-8601 (2024-03-01T10:00:00Z; no zone: UTC) or\n"
    "                           epoch milliseconds\n" CLI_GLOBAL_HELP;

/* The latest ancestor of the current snapshot committed at or before ms. */
static int ancestor_at(st_table *t, int64_t ms, int64_t *out)
{
    int64_t id = st_table_current_snapshot_id(t);
    char when[40];
    while (id >= 0) {
        st_snapshot_info s;
        if (st_table_snapshot_by_id(t, id, &s) < 0)
            break; /* expired: the ancestry ends here */
        if (s.timestamp_ms <= ms) {
            *out = id;
            return 0;
        }
        id = s.parent_id;
    }
    cli_format_instant(when, sizeof(when), ms);
    return st_error_set(ST_ENOTFOUND, ST_ERROR_CLI,
                        "%s has no snapshot committed at or before %s among the current "
                        "snapshot's ancestors", st_table_name(t), when);
}

static int rollback_change(st_table *t, st_txn *x, const snap_args *a, char **pos)
{
    int64_t id = a->to;
    int rc;
    (void)pos;
    if (a->to_ms != INT64_MIN && (rc = ancestor_at(t, a->to_ms, &id)) < 0)
        return rc;
    return st_txn_rollback_to(x, id);
}

int cmd_table_rollback(int argc, char **argv)
{
    static const struct option opts[] = {
        {"to", required_argument, NULL, OPT_TO},
        {"to-timestamp", required_argument, NULL, OPT_TO_TIMESTAMP},
        {NULL, 0, NULL, 0},
    };
    static const char *const missing[] = {"no table given"};
    snap_args a;
    st_table *t = NULL;
    char **pos;
    int np, rc;

    args_init(&a, "supertable table rollback");
    rc = cli_parse(argc, argv, a.cmd, ROLLBACK_USAGE, "", opts, snap_option, &a, 1, 1, missing,
                   &pos, &np);
    if (rc != 0)
        return rc < 0 ? CLI_OK : rc;
    if (a.have_to == (a.to_ms != INT64_MIN))
        return cli_usage_error(a.cmd, "give one of --to and --to-timestamp");
    if (commit_change(&t, pos[0], rollback_change, &a, pos) < 0) {
        rc = cli_fail();
    } else {
        printf("rolled back %s to snapshot %lld\n", st_table_name(t),
               (long long)st_table_current_snapshot_id(t));
        rc = CLI_OK;
    }
    st_table_free(t);
    return rc;
}

/* ------------------------------------------- set-current, cherry-pick */

static const char SET_CURRENT_USAGE[] =
    "usage: supertable table set-current TABLE SNAPSHOT_ID [options]\n"
    "\n"
    "Makes any snapshot of the table its current one (unlike rollback, it need not\n"
    "be an ancestor).\n"
    "\n"
    "Options:\n" CLI_GLOBAL_HELP;

static const char CHERRY_PICK_USAGE[] =
    "usage: supertable table cherry-pick TABLE SNAPSHOT_ID [options]\n"
    "\n"
    "Applies the changes of an append or overwrite snapshot (from a branch, or one\n"
    "that a rollback left behind) onto the current snapshot, as a new snapshot.\n"
    "\n"
    "Options:\n" CLI_GLOBAL_HELP;

static int set_current_change(st_table *t, st_txn *x, const snap_args *a, char **pos)
{
    (void)t;
    (void)pos;
    return st_txn_set_current_snapshot(x, a->snapshot_id);
}

static int cherry_pick_change(st_table *t, st_txn *x, const snap_args *a, char **pos)
{
    (void)t;
    (void)pos;
    return st_txn_cherry_pick(x, a->snapshot_id);
}

static int run_with_snapshot(int argc, char **argv, const char *cmd, const char *usage,
                             change_fn fn)
{
    static const char *const missing[] = {"no table given", "no snapshot id given"};
    snap_args a;
    st_table *t = NULL;
    char **pos;
    int np, rc;

    args_init(&a, cmd);
    rc = cli_parse(argc, argv, cmd, usage, "", NULL, NULL, NULL, 2, 2, missing, &pos, &np);
    if (rc != 0)
        return rc < 0 ? CLI_OK : rc;
    if ((rc = cli_parse_snapshot_id(cmd, "SNAPSHOT_ID", pos[1], &a.snapshot_id)) != 0)
        return rc;
    if (commit_change(&t, pos[0], fn, &a, pos) < 0) {
        rc = cli_fail();
    } else {
        if (fn == cherry_pick_change)
            printf("cherry-picked snapshot %lld onto %s: snapshot %lld is current\n",
                   (long long)a.snapshot_id, st_table_name(t),
                   (long long)st_table_current_snapshot_id(t));
        else
            printf("snapshot %lld is now current in %s\n", (long long)a.snapshot_id,
                   st_table_name(t));
        rc = CLI_OK;
    }
    st_table_free(t);
    return rc;
}

int cmd_table_set_current(int argc, char **argv)
{
    return run_with_snapshot(argc, argv, "supertable table set-current", SET_CURRENT_USAGE,
                             set_current_change);
}

int cmd_table_cherry_pick(int argc, char **argv)
{
    return run_with_snapshot(argc, argv, "supertable table cherry-pick", CHERRY_PICK_USAGE,
                             cherry_pick_change);
}

/* ------------------------------------------------------------ tags, branches */

static const char TAG_USAGE[] =
    "usage: supertable table tag create|replace|drop TABLE TAG [options]\n"
    "\n"
    "Creates a tag (a name for a snapshot), points it at another snapshot, or\n"
    "drops it. 'supertable table refs TABLE' lists the tags and branches.\n"
    "\n"
    "Options:\n"
    "      --snapshot ID        create/replace: the snapshot (default: the current)\n"
    "      --max-ref-age-ms N   create/replace: expire the tag N ms after its snapshot\n"
    CLI_GLOBAL_HELP;

static const char BRANCH_USAGE[] =
    "usage: supertable table branch create|replace|drop|fast-forward TABLE BRANCH [options]\n"
    "\n"
    "Creates a branch (a line of snapshots of its own; 'main' is the table's\n"
    "current one), points it at another snapshot, drops it, or fast-forwards it to\n"
    "the head of another branch that descends from it. 'supertable import --branch'\n"
    "writes to a branch. 'supertable table refs TABLE' lists the branches and tags.\n"
    "\n"
    "Options:\n"
    "      --snapshot ID        create/replace: the snapshot (default: the current)\n"
    "      --to BRANCH          fast-forward: the branch whose head to move to\n"
    "      --min-snapshots-to-keep N  create/replace: snapshots expire keeps on it\n"
    "      --max-snapshot-age-ms N    create/replace: age of snapshots expire keeps\n"
    "      --max-ref-age-ms N   create/replace: expire the branch N ms after its head\n"
    CLI_GLOBAL_HELP;

/* Which ref action, for tag and branch. */
typedef enum ref_action { REF_CREATE, REF_REPLACE, REF_DROP, REF_FAST_FORWARD } ref_action;

typedef struct ref_ctx {
    snap_args a;
    ref_action action;
    int is_tag;
} ref_ctx;

/* Checks that `name` is a ref of the right kind before replacing or dropping it. */
static int check_ref(st_table *t, const char *name, int want_tag)
{
    for (size_t i = 0; i < st_table_ref_count(t); i++) {
        st_ref_info r;
        int rc;
        if ((rc = st_table_ref(t, i, &r)) < 0)
            return rc;
        if (strcmp(r.name, name) != 0)
            continue;
        if (r.is_tag != want_tag)
            return st_error_set(ST_EINVALID, ST_ERROR_CLI, "'%s' of %s is a %s, not a %s", name,
                                st_table_name(t), r.is_tag ? "tag" : "branch",
                                want_tag ? "tag" : "branch");
        return 0;
    }
    return st_error_set(ST_ENOTFOUND, ST_ERROR_CLI, "%s has no %s '%s'", st_table_name(t),
                        want_tag ? "tag" : "branch", name);
}

static int ref_change(st_table *t, st_txn *x, const snap_args *args, char **pos)
{
    const ref_ctx *c = (const ref_ctx *)args;
    const snap_args *a = &c->a;
    const char *name = pos[2];
    int rc;
    switch (c->action) {
    case REF_CREATE:
        rc = c->is_tag ? st_txn_create_tag(x, name, a->snapshot_id)
                       : st_txn_create_branch(x, name, a->snapshot_id);
        break;
    case REF_REPLACE:
        if ((rc = check_ref(t, name, c->is_tag)) == 0)
            rc = st_txn_replace_ref(x, name, a->snapshot_id);
        break;
    case REF_DROP:
        if ((rc = check_ref(t, name, c->is_tag)) == 0)
            rc = st_txn_remove_ref(x, name);
        return rc;
    default:
        if ((rc = check_ref(t, name, 0)) == 0)
            rc = st_txn_fast_forward(x, name, a->to_branch);
        return rc;
    }
    if (rc == 0 && (a->min_snapshots >= 0 || a->max_snapshot_age_ms >= 0 ||
                    a->max_ref_age_ms >= 0))
        rc = st_txn_set_ref_retention(x, name, (int32_t)a->min_snapshots,
                                      a->max_snapshot_age_ms, a->max_ref_age_ms);
    return rc;
}

static int run_ref(int argc, char **argv, int is_tag)
{
    static const struct option tag_opts[] = {
        {"snapshot", required_argument, NULL, OPT_SNAPSHOT},
        {"max-ref-age-ms", required_argument, NULL, OPT_MAX_REF_AGE},
        {NULL, 0, NULL, 0},
    };
    static const struct option branch_opts[] = {
        {"snapshot", required_argument, NULL, OPT_SNAPSHOT},
        {"to", required_argument, NULL, OPT_TO},
        {"min-snapshots-to-keep", required_argument, NULL, OPT_MIN_SNAPSHOTS},
        {"max-snapshot-age-ms", required_argument, NULL, OPT_MAX_SNAPSHOT_AGE},
        {"max-ref-age-ms", required_argument, NULL, OPT_MAX_REF_AGE},
        {NULL, 0, NULL, 0},
    };
    static const char *const tag_missing[] = {"no action given (create, replace or drop)",
                                              "no table given", "no tag given"};
    static const char *const branch_missing[] = {
        "no action given (create, replace, drop or fast-forward)", "no table given",
        "no branch given"};
    static const char *const actions[] = {"create", "replace", "drop", "fast-forward"};
    static const char *const done_verbs[] = {"created", "replaced", "dropped", "fast-forwarded"};
    const char *cmd = is_tag ? "supertable table tag" : "supertable table branch";
    const char *kind = is_tag ? "tag" : "branch";
    ref_ctx c;
    st_table *t = NULL;
    char **pos;
    int np, rc, n_actions = is_tag ? 3 : 4, i;

    memset(&c, 0, sizeof(c));
    args_init(&c.a, cmd);
    c.is_tag = is_tag;
    rc = cli_parse(argc, argv, cmd, is_tag ? TAG_USAGE : BRANCH_USAGE, "",
                   is_tag ? tag_opts : branch_opts, snap_option, &c.a, 3, 3,
                   is_tag ? tag_missing : branch_missing, &pos, &np);
    if (rc != 0)
        return rc < 0 ? CLI_OK : rc;
    for (i = 0; i < n_actions && strcmp(pos[0], actions[i]) != 0; i++)
        ;
    if (i == n_actions)
        return cli_usage_error(cmd, "unknown action '%s' (%s)", pos[0],
                               is_tag ? "create, replace, drop"
                                      : "create, replace, drop, fast-forward");
    c.action = (ref_action)i;
    if (c.action == REF_FAST_FORWARD && !c.a.to_branch)
        return cli_usage_error(cmd, "fast-forward needs --to BRANCH");
    if (c.action != REF_FAST_FORWARD && c.a.to_branch)
        return cli_usage_error(cmd, "--to applies to fast-forward");
    if ((c.action == REF_DROP || c.action == REF_FAST_FORWARD) &&
        (c.a.snapshot_id != -1 || c.a.max_ref_age_ms >= 0 || c.a.min_snapshots >= 0 ||
         c.a.max_snapshot_age_ms >= 0))
        return cli_usage_error(cmd, "--snapshot and the retention options apply to create and "
                               "replace");
    if (commit_change(&t, pos[1], ref_change, &c.a, pos) < 0) {
        rc = cli_fail();
    } else {
        printf("%s %s %s of %s", done_verbs[c.action], kind, pos[2], st_table_name(t));
        if (c.action != REF_DROP)
            for (size_t k = 0; k < st_table_ref_count(t); k++) {
                st_ref_info r;
                if (st_table_ref(t, k, &r) == 0 && strcmp(r.name, pos[2]) == 0)
                    printf(" at snapshot %lld", (long long)r.snapshot_id);
            }
        putchar('\n');
        rc = CLI_OK;
    }
    st_table_free(t);
    return rc;
}

int cmd_table_tag(int argc, char **argv)
{
    return run_ref(argc, argv, 1);
}

int cmd_table_branch(int argc, char **argv)
{
    return run_ref(argc, argv, 0);
}

/* --------------------------------------------------------------- expire */

static const char EXPIRE_USAGE[] =
    "usage: supertable table expire TABLE [options]\n"
    "\n"
    "Removes old snapshots from the table's metadata, keeping the last ones of\n"
    "'main' and every snapshot a branch or tag points to. Without options:\n"
    "snapshots older than the table's history.expire.max-snapshot-age-ms (default\n"
    "5 days), keeping history.expire.min-snapshots-to-keep (default 1). Data files\n"
    "are not deleted.\n"
    "\n"
    "Options:\n"
    "      --older-than TIME    expire snapshots committed before TIME (ISO-8601 or\n"
    "                           epoch milliseconds)\n"
    "      --retain-last N      keep at least the last N snapshots of main (default 1)\n"
    CLI_GLOBAL_HELP;

/* A table property as a number, or `dflt`. */
static int64_t property_number(st_table *t, const char *key, int64_t dflt)
{
    const char *v = st_table_property_get(t, key);
    int64_t n;
    return v && cli_parse_count(v, &n) == 0 ? n : dflt;
}

static int expire_change(st_table *t, st_txn *x, const snap_args *a, char **pos)
{
    int64_t older = a->older_than_ms, keep = a->retain_last;
    (void)pos;
    if (older == INT64_MIN && keep < 0)
        older = cli_now_ms() -
                property_number(t, "history.expire.max-snapshot-age-ms", 5LL * 24 * 3600 * 1000);
    else if (older == INT64_MIN)
        older = -1;
    if (keep < 0)
        keep = property_number(t, "history.expire.min-snapshots-to-keep", 1);
    return st_txn_expire_snapshots(x, older, (int)(keep > INT32_MAX ? INT32_MAX : keep));
}

int cmd_table_expire(int argc, char **argv)
{
    static const struct option opts[] = {
        {"older-than", required_argument, NULL, OPT_OLDER_THAN},
        {"retain-last", required_argument, NULL, OPT_RETAIN_LAST},
        {NULL, 0, NULL, 0},
    };
    static const char *const missing[] = {"no table given"};
    snap_args a;
    st_table *t = NULL;
    size_t before = 0;
    char **pos;
    int np, rc;

    args_init(&a, "supertable table expire");
    rc = cli_parse(argc, argv, a.cmd, EXPIRE_USAGE, "", opts, snap_option, &a, 1, 1, missing,
                   &pos, &np);
    if (rc != 0)
        return rc < 0 ? CLI_OK : rc;
    /* The count before: the table is opened again inside commit_change. */
    if ((rc = cli_table_open(&t, pos[0])) == 0) {
        before = st_table_snapshot_count(t);
        st_table_free(t);
        t = NULL;
        rc = commit_change(&t, pos[0], expire_change, &a, pos);
    }
    if (rc < 0) {
        rc = cli_fail();
    } else {
        size_t after = st_table_snapshot_count(t);
        printf("expired %zu snapshot%s of %s; %zu left\n", before > after ? before - after : 0,
               before - after == 1 ? "" : "s", st_table_name(t), after);
        rc = CLI_OK;
    }
    st_table_free(t);
    return rc;
}

/* -------------------------------------------------------------- upgrade */

static const char UPGRADE_USAGE[] =
    "usage: supertable table upgrade TABLE --format-version N [options]\n"
    "\n"
    "Upgrades the table to a newer Iceberg format version (1 -> 2 -> 3). Existing\n"
    "files are kept; readers must support the new version.\n"
    "\n"
    "Options:\n"
    "      --format-version N   the new format version: 2 or 3 (required)\n" CLI_GLOBAL_HELP;

static int upgrade_change(st_table *t, st_txn *x, const snap_args *a, char **pos)
{
    (void)t;
    (void)pos;
    return st_txn_upgrade_format_version(x, a->format_version);
}

int cmd_table_upgrade(int argc, char **argv)
{
    static const struct option opts[] = {
        {"format-version", required_argument, NULL, OPT_FORMAT_VERSION},
        {NULL, 0, NULL, 0},
    };
    static const char *const missing[] = {"no table given"};
    snap_args a;
    st_table *t = NULL;
    char **pos;
    int np, rc;

    args_init(&a, "supertable table upgrade");
    rc = cli_parse(argc, argv, a.cmd, UPGRADE_USAGE, "", opts, snap_option, &a, 1, 1, missing,
                   &pos, &np);
    if (rc != 0)
        return rc < 0 ? CLI_OK : rc;
    if (!a.format_version)
        return cli_usage_error(a.cmd, "--format-version is required");
    if (commit_change(&t, pos[0], upgrade_change, &a, pos) < 0) {
        rc = cli_fail();
    } else {
        printf("%s is at format version %d\n", st_table_name(t), st_table_format_version(t));
        rc = CLI_OK;
    }
    st_table_free(t);
    return rc;
}
