/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `supertable table create|list|describe|drop|rename`: tables of the catalog,
 * and path tables (a folder holding metadata/) wherever a TABLE is named by a
 * path.
 */
#include <stdlib.h>
#include <string.h>

#include <supertable/sys/alloc.h>

#include "cli.h"

/* --------------------------------------------------------------- create */

static const char CREATE_USAGE[] =
    "usage: supertable table create TABLE --schema TEXT [options]\n"
    "\n"
    "Creates a table: TABLE is 'ns.name' (the namespace must exist), or a folder\n"
    "path (holding '/' or starting with '.') for a table without a catalog.\n"
    "\n"
    "Options:\n"
    "  -s, --schema TEXT        the columns, e.g. 'id long not null, ts timestamptz,\n"
    "                           name string' (required)\n"
    "      --partition-by TEXT  partition fields, e.g. 'day(ts), bucket(16, id)';\n"
    "                           transforms: identity, year, month, day, hour,\n"
    "                           bucket(N, col), truncate(W, col), void; 'T as NAME'\n"
    "                           names a field (default: id_bucket, ts_day, ...)\n"
    "      --sort-by TEXT       sort order, e.g. 'ts desc, id' (asc|desc, nulls\n"
    "                           first|last)\n"
    "  -p, --property KEY=VALUE a table property; repeatable\n"
    "      --format-version N   Iceberg format version: 1, 2 (default) or 3\n"
    "      --location DIR       where the table's files go (default: the catalog's\n"
    "                           choice, <warehouse>/<ns>/<name>)\n"
    "      --if-not-exists      succeed when the table exists already\n" CLI_GLOBAL_HELP;

#define CREATE_CMD "supertable table create"

enum { OPT_PARTITION_BY = CLI_OPT_FIRST_FREE, OPT_SORT_BY, OPT_FORMAT_VERSION, OPT_LOCATION,
       OPT_IF_NOT_EXISTS, OPT_PURGE, OPT_IF_EXISTS };

typedef struct create_args {
    const char *schema;
    st_table_create_options o;
    cli_props props;
    int if_not_exists;
} create_args;

static int create_option(void *ctx, int c, const char *arg)
{
    create_args *a = ctx;
    switch (c) {
    case 's': a->schema = arg; return 0;
    case OPT_PARTITION_BY: a->o.partition_by = arg; return 0;
    case OPT_SORT_BY: a->o.sort_by = arg; return 0;
    case 'p': return cli_props_add(&a->props, CREATE_CMD, "--property", arg);
    case OPT_FORMAT_VERSION:
        if (strcmp(arg, "1") != 0 && strcmp(arg, "2") != 0 && strcmp(arg, "3") != 0)
            return cli_usage_error(CREATE_CMD, "--format-version must be 1, 2 or 3, not '%s'",
                                   arg);
        a->o.format_version = arg[0] - '0';
        return 0;
    case OPT_LOCATION: a->o.location = arg; return 0;
    default: a->if_not_exists = 1; return 0;
    }
}

int cmd_table_create(int argc, char **argv)
{
    static const struct option opts[] = {
        {"schema", required_argument, NULL, 's'},
        {"partition-by", required_argument, NULL, OPT_PARTITION_BY},
        {"sort-by", required_argument, NULL, OPT_SORT_BY},
        {"property", required_argument, NULL, 'p'},
        {"format-version", required_argument, NULL, OPT_FORMAT_VERSION},
        {"location", required_argument, NULL, OPT_LOCATION},
        {"if-not-exists", no_argument, NULL, OPT_IF_NOT_EXISTS},
        {NULL, 0, NULL, 0},
    };
    static const char *const missing[] = {"no table given"};
    st_table_create_options init = ST_TABLE_CREATE_OPTIONS_INIT;
    create_args a;
    st_table *t = NULL;
    st_catalog *c;
    char **pos;
    int np, rc;

    memset(&a, 0, sizeof(a));
    a.o = init;
    rc = cli_parse(argc, argv, CREATE_CMD, CREATE_USAGE, "s:p:", opts, create_option, &a, 1, 1,
                   missing, &pos, &np);
    if (rc == 0 && !a.schema)
        rc = cli_usage_error(CREATE_CMD, "--schema is required");
    if (rc == 0 && st_schema_parse(&a.o.schema, a.schema) < 0)
        rc = cli_usage_error(CREATE_CMD, "bad --schema: %s", st_error_last()->message);
    if (rc != 0)
        goto done;
    a.o.properties = a.props.v;
    a.o.n_properties = a.props.n;
    if (cli_is_path(pos[0]))
        rc = st_table_create_path(&t, pos[0], &a.o);
    else if ((rc = cli_catalog(&c)) == 0)
        rc = st_catalog_create_table(&t, c, pos[0], &a.o);
    if (rc == ST_EEXISTS && a.if_not_exists) {
        printf("table %s exists already\n", pos[0]);
        rc = CLI_OK;
    } else if (rc < 0) {
        rc = cli_fail();
    } else {
        printf("created table %s at %s\n", st_table_name(t), st_table_location(t));
    }
done:
    st_table_free(t);
    st_type_free(a.o.schema);
    cli_props_free(&a.props);
    return rc < 0 ? CLI_OK : rc;
}

/* ----------------------------------------------------------------- list */

static const char LIST_USAGE[] =
    "usage: supertable table list [NS] [options]\n"
    "\n"
    "Lists the tables of namespace NS, or of every namespace when NS is omitted.\n"
    "\n"
    "Options:\n"
    "  -f, --format FMT         table (default), csv, json or jsonl\n" CLI_GLOBAL_HELP;

static int format_option(void *ctx, int c, const char *arg)
{
    (void)c;
    return cli_list_format_parse("supertable table", arg, ctx);
}

/* The tables of ns, then (all) those of the namespaces below it. */
static int list_tables(st_catalog *c, cli_list *l, const char *ns, int recursive)
{
    char **names = NULL;
    size_t n = 0;
    int rc = 0;
    if (ns) {
        if ((rc = st_catalog_list_tables(c, ns, &names, &n)) < 0)
            return rc;
        for (size_t i = 0; i < n && rc == 0; i++)
            if ((rc = cli_list_str(l, names[i])) == 0)
                rc = cli_list_str(l, ns);
        st_strings_free(names, n);
        names = NULL;
        n = 0;
    }
    if (rc < 0 || !recursive)
        return rc;
    if ((rc = st_catalog_list_namespaces(c, ns, &names, &n)) < 0)
        return rc;
    for (size_t i = 0; i < n && rc == 0; i++)
        rc = list_tables(c, l, names[i], 1);
    st_strings_free(names, n);
    return rc;
}

int cmd_table_list(int argc, char **argv)
{
    static const struct option opts[] = {
        {"format", required_argument, NULL, 'f'},
        {NULL, 0, NULL, 0},
    };
    cli_list_format format = CLI_LIST_TABLE;
    cli_list *l = NULL;
    st_catalog *c;
    char **pos;
    int np, rc;

    rc = cli_parse(argc, argv, "supertable table list", LIST_USAGE, "f:", opts, format_option,
                   &format, 0, 1, NULL, &pos, &np);
    if (rc != 0)
        return rc < 0 ? CLI_OK : rc;
    if ((rc = cli_catalog(&c)) < 0 || (rc = cli_list_new(&l, "`table` string, namespace string")) < 0 ||
        (rc = list_tables(c, l, np ? pos[0] : NULL, np == 0)) < 0 ||
        (rc = cli_list_print(l, format)) < 0)
        rc = cli_fail();
    cli_list_free(l);
    return rc;
}

/* ------------------------------------------------------------- describe */

static const char DESCRIBE_USAGE[] =
    "usage: supertable table describe TABLE [options]\n"
    "\n"
    "Shows a table: location, uuid, format version, current snapshot, the schema\n"
    "(field ids, types, required or optional, docs), the partition spec, the sort\n"
    "order, the properties and the metadata file.\n"
    "\n"
    "Options:\n"
    "  -f, --format FMT         text (default) or json (one JSON object)\n" CLI_GLOBAL_HELP;

/* One line of the schema: a field, nested ones below their parent. */
typedef struct field_row {
    int32_t id;
    int depth;
    const char *name;
    char *type;
    int required;
    const char *doc;
} field_row;

typedef struct field_rows {
    field_row *v;
    size_t n;
} field_rows;

static int collect_fields(field_rows *rows, const st_type *t, int depth)
{
    int rc;
    for (int i = 0; i < t->n_fields; i++) {
        const st_field *fd = &t->fields[i];
        field_row *grown = realloc(rows->v, sizeof(*grown) * (rows->n + 1)), *r;
        if (!grown)
            return st_error_set_oom();
        rows->v = grown;
        r = &rows->v[rows->n++];
        memset(r, 0, sizeof(*r));
        r->id = fd->id;
        r->depth = depth;
        r->name = t->id == ST_TYPE_LIST ? "element" : t->id == ST_TYPE_MAP
                  ? (i == 0 ? "key" : "value") : fd->name;
        r->required = fd->required;
        r->doc = fd->doc;
        if (st_type_is_nested(fd->type)) {
            if (!(r->type = strdup(st_type_id_name(fd->type->id))))
                return st_error_set_oom();
            if ((rc = collect_fields(rows, fd->type, depth + 1)) < 0)
                return rc;
        } else {
            char *s = NULL;
            if ((rc = st_type_to_string(&s, fd->type)) < 0)
                return rc;
            r->type = strdup(s);
            st_free(s);
            if (!r->type)
                return st_error_set_oom();
        }
    }
    return 0;
}

static void free_fields(field_rows *rows)
{
    for (size_t i = 0; i < rows->n; i++)
        free(rows->v[i].type);
    free(rows->v);
}

static void print_fields_text(const field_rows *rows)
{
    int wn = 4, wt = 4;
    for (size_t i = 0; i < rows->n; i++) {
        int n = (int)strlen(rows->v[i].name) + 2 * rows->v[i].depth;
        int t = (int)strlen(rows->v[i].type);
        wn = n > wn ? n : wn;
        wt = t > wt ? t : wt;
    }
    printf("  %4s  %-*s  %-*s  %s\n", "id", wn, "name", wt, "type", "null");
    for (size_t i = 0; i < rows->n; i++) {
        const field_row *r = &rows->v[i];
        int pad = wn - 2 * r->depth - (int)strlen(r->name);
        printf("  %4d  %*s%s%*s  %-*s  %s", (int)r->id, 2 * r->depth, "", r->name, pad, "",
               wt, r->type, r->required ? "required" : "optional");
        if (r->doc && r->doc[0])
            printf("  -- %s", r->doc);
        putchar('\n');
    }
}

static void print_fields_json(const field_rows *rows, size_t *i, int depth)
{
    int first = 1;
    putchar('[');
    while (*i < rows->n && rows->v[*i].depth == depth) {
        const field_row *r = &rows->v[(*i)++];
        printf("%s{\"id\": %d, \"name\": ", first ? "" : ", ", (int)r->id);
        cli_json_string(stdout, r->name);
        printf(", \"type\": ");
        cli_json_string(stdout, r->type);
        printf(", \"required\": %s, \"doc\": ", r->required ? "true" : "false");
        if (r->doc)
            cli_json_string(stdout, r->doc);
        else
            fputs("null", stdout);
        if (*i < rows->n && rows->v[*i].depth > depth) {
            fputs(", \"fields\": ", stdout);
            print_fields_json(rows, i, depth + 1);
        }
        putchar('}');
        first = 0;
    }
    putchar(']');
}

static void describe_text(st_table *t, const field_rows *rows, const char *spec,
                          const char *order)
{
    int64_t cur = st_table_current_snapshot_id(t);
    size_t np = st_table_property_count(t);
    char when[40];

    printf("table             %s\n", st_table_name(t));
    printf("location          %s\n", st_table_location(t));
    printf("uuid              %s\n", st_table_uuid(t) ? st_table_uuid(t) : "-");
    printf("format version    %d\n", st_table_format_version(t));
    if (cur < 0) {
        printf("current snapshot  none\n");
    } else {
        st_snapshot_info si;
        if (st_table_snapshot_by_id(t, cur, &si) == 0) {
            cli_format_instant(when, sizeof(when), si.timestamp_ms);
            printf("current snapshot  %lld (%s, %s)\n", (long long)cur, when,
                   si.operation ? si.operation : "?");
        } else {
            printf("current snapshot  %lld\n", (long long)cur);
        }
    }
    printf("snapshots         %zu\n", st_table_snapshot_count(t));
    printf("partition spec    %s\n", spec[0] ? spec : "unpartitioned");
    printf("sort order        %s\n", order[0] ? order : "unsorted");
    printf("metadata          %s\n", st_table_metadata_location(t));
    printf("\nschema:\n");
    print_fields_text(rows);
    printf("\nproperties:%s\n", np ? "" : " none");
    for (size_t i = 0; i < np; i++) {
        st_property p = st_table_property(t, i);
        printf("  %s = %s\n", p.key, p.value);
    }
}

static int describe_json(st_table *t, const field_rows *rows, const char *spec,
                         const char *order)
{
    int64_t cur = st_table_current_snapshot_id(t);
    size_t np = st_table_property_count(t), i = 0;
    char *schema = NULL;
    int rc;

    if ((rc = st_schema_to_string(&schema, st_table_schema(t))) < 0)
        return rc;
    fputs("{\n  \"name\": ", stdout);
    cli_json_string(stdout, st_table_name(t));
    fputs(",\n  \"location\": ", stdout);
    cli_json_string(stdout, st_table_location(t));
    fputs(",\n  \"uuid\": ", stdout);
    cli_json_string(stdout, st_table_uuid(t));
    printf(",\n  \"format_version\": %d,\n  \"current_snapshot_id\": ",
           st_table_format_version(t));
    if (cur < 0)
        fputs("null", stdout);
    else
        printf("%lld", (long long)cur);
    printf(",\n  \"snapshot_count\": %zu,\n  \"schema\": ", st_table_snapshot_count(t));
    cli_json_string(stdout, schema);
    fputs(",\n  \"fields\": ", stdout);
    print_fields_json(rows, &i, 0);
    fputs(",\n  \"partition_spec\": ", stdout);
    cli_json_string(stdout, spec);
    fputs(",\n  \"sort_order\": ", stdout);
    cli_json_string(stdout, order);
    fputs(",\n  \"properties\": {", stdout);
    for (size_t k = 0; k < np; k++) {
        st_property p = st_table_property(t, k);
        fputs(k ? ", " : "", stdout);
        cli_json_string(stdout, p.key);
        fputs(": ", stdout);
        cli_json_string(stdout, p.value);
    }
    fputs("},\n  \"metadata_location\": ", stdout);
    cli_json_string(stdout, st_table_metadata_location(t));
    fputs("\n}\n", stdout);
    st_free(schema);
    return 0;
}

static int describe_option(void *ctx, int c, const char *arg)
{
    (void)c;
    if (strcmp(arg, "text") != 0 && strcmp(arg, "json") != 0)
        return cli_usage_error("supertable table describe",
                               "--format must be text or json, not '%s'", arg);
    *(int *)ctx = arg[0] == 'j';
    return 0;
}

int cmd_table_describe(int argc, char **argv)
{
    static const struct option opts[] = {
        {"format", required_argument, NULL, 'f'},
        {NULL, 0, NULL, 0},
    };
    static const char *const missing[] = {"no table given"};
    field_rows rows = {NULL, 0};
    char *spec = NULL, *order = NULL;
    st_table *t = NULL;
    int json = 0, np, rc;
    char **pos;

    rc = cli_parse(argc, argv, "supertable table describe", DESCRIBE_USAGE, "f:", opts,
                   describe_option, &json, 1, 1, missing, &pos, &np);
    if (rc != 0)
        return rc < 0 ? CLI_OK : rc;
    if ((rc = cli_table_open(&t, pos[0])) == 0 &&
        (rc = st_table_partition_spec_text(t, &spec)) == 0 &&
        (rc = st_table_sort_order_text(t, &order)) == 0 &&
        (rc = collect_fields(&rows, st_table_schema(t), 0)) == 0) {
        if (json)
            rc = describe_json(t, &rows, spec, order);
        else
            describe_text(t, &rows, spec, order);
    }
    if (rc == 0 && fflush(stdout) != 0)
        rc = st_error_set(ST_EIO, ST_ERROR_CLI, "cannot write the output");
    rc = rc < 0 ? cli_fail() : CLI_OK;
    free_fields(&rows);
    st_free(spec);
    st_free(order);
    st_table_free(t);
    return rc;
}

/* ----------------------------------------------------------------- drop */

static const char DROP_USAGE[] =
    "usage: supertable table drop TABLE [options]\n"
    "\n"
    "Drops a table from the catalog. Its files stay unless --purge.\n"
    "\n"
    "Options:\n"
    "      --purge              also delete its data, manifest and metadata files\n"
    "      --if-exists          succeed when the table does not exist\n" CLI_GLOBAL_HELP;

typedef struct drop_args {
    int purge, if_exists;
} drop_args;

static int drop_option(void *ctx, int c, const char *arg)
{
    drop_args *a = ctx;
    (void)arg;
    if (c == OPT_PURGE)
        a->purge = 1;
    else
        a->if_exists = 1;
    return 0;
}

int cmd_table_drop(int argc, char **argv)
{
    static const struct option opts[] = {
        {"purge", no_argument, NULL, OPT_PURGE},
        {"if-exists", no_argument, NULL, OPT_IF_EXISTS},
        {NULL, 0, NULL, 0},
    };
    static const char *const missing[] = {"no table given"};
    const char *cmd = "supertable table drop";
    drop_args a = {0, 0};
    st_catalog *c;
    char **pos;
    int np, rc;

    rc = cli_parse(argc, argv, cmd, DROP_USAGE, "", opts, drop_option, &a, 1, 1, missing, &pos,
                   &np);
    if (rc != 0)
        return rc < 0 ? CLI_OK : rc;
    if (cli_is_path(pos[0]))
        return cli_usage_error(cmd, "'%s' is a path table, which no catalog lists: "
                               "remove its folder instead", pos[0]);
    if ((rc = cli_catalog(&c)) == 0)
        rc = st_catalog_drop_table(c, pos[0], a.purge);
    if (rc == ST_ENOTFOUND && a.if_exists) {
        printf("table %s does not exist\n", pos[0]);
        return CLI_OK;
    }
    if (rc < 0)
        return cli_fail();
    printf("dropped table %s%s\n", pos[0], a.purge ? " and its files" : "");
    return CLI_OK;
}

/* --------------------------------------------------------------- rename */

static const char RENAME_USAGE[] =
    "usage: supertable table rename FROM TO [options]\n"
    "\n"
    "Renames a table of the catalog (also into another namespace, which must\n"
    "exist). The files stay where they are.\n"
    "\n"
    "Options:\n" CLI_GLOBAL_HELP;

int cmd_table_rename(int argc, char **argv)
{
    static const char *const missing[] = {"no table given", "no new name given"};
    const char *cmd = "supertable table rename";
    st_catalog *c;
    char **pos;
    int np, rc;

    rc = cli_parse(argc, argv, cmd, RENAME_USAGE, "", NULL, NULL, NULL, 2, 2, missing, &pos,
                   &np);
    if (rc != 0)
        return rc < 0 ? CLI_OK : rc;
    if (cli_is_path(pos[0]) || cli_is_path(pos[1]))
        return cli_usage_error(cmd, "rename works on catalog tables ('ns.name'), not paths");
    if ((rc = cli_catalog(&c)) < 0 || (rc = st_catalog_rename_table(c, pos[0], pos[1])) < 0)
        return cli_fail();
    printf("renamed table %s to %s\n", pos[0], pos[1]);
    return CLI_OK;
}
