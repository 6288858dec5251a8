/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `supertable namespace create|list|describe|drop`: the namespaces of the
 * catalog (dot-joined levels, "sales.eu") and their properties.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* --------------------------------------------------------------- create */

static const char CREATE_USAGE[] =
    "usage: supertable namespace create NS [options]\n"
    "\n"
    "Creates a namespace (levels joined by dots: 'sales.eu'; the parent must exist).\n"
    "\n"
    "Options:\n"
    "  -p, --property KEY=VALUE a namespace property; repeatable\n"
    "      --if-not-exists      succeed when the namespace exists already\n" CLI_GLOBAL_HELP;

typedef struct create_args {
    cli_props props;
    int if_not_exists;
} create_args;

static int create_option(void *ctx, int c, const char *arg)
{
    create_args *a = ctx;
    if (c == 'p')
        return cli_props_add(&a->props, "supertable namespace create", "--property", arg);
    a->if_not_exists = 1;
    return 0;
}

int cmd_namespace_create(int argc, char **argv)
{
    static const struct option opts[] = {
        {"property", required_argument, NULL, 'p'},
        {"if-not-exists", no_argument, NULL, CLI_OPT_FIRST_FREE},
        {NULL, 0, NULL, 0},
    };
    static const char *const missing[] = {"no namespace given"};
    const char *cmd = "supertable namespace create";
    create_args a;
    st_catalog *c;
    char **pos;
    int np, rc;

    memset(&a, 0, sizeof(a));
    rc = cli_parse(argc, argv, cmd, CREATE_USAGE, "p:", opts, create_option, &a, 1, 1, missing,
                   &pos, &np);
    if (rc == 0) {
        if ((rc = cli_catalog(&c)) == 0)
            rc = st_catalog_create_namespace(c, pos[0], a.props.v, a.props.n);
        if (rc == ST_EEXISTS && a.if_not_exists) {
            printf("namespace %s exists already\n", pos[0]);
            rc = CLI_OK;
        } else if (rc < 0) {
            rc = cli_fail();
        } else {
            printf("created namespace %s\n", pos[0]);
        }
    }
    cli_props_free(&a.props);
    return rc < 0 ? CLI_OK : rc;
}

/* ----------------------------------------------------------------- list */

static const char LIST_USAGE[] =
    "usage: supertable namespace list [PARENT] [options]\n"
    "\n"
    "Lists the namespaces directly under PARENT (default: the top level).\n"
    "\n"
    "Options:\n"
    "  -r, --recursive          also the namespaces below those, at every depth\n"
    "  -f, --format FMT         table (default), csv, json or jsonl\n" CLI_GLOBAL_HELP;

typedef struct list_args {
    cli_list_format format;
    int recursive;
    const char *cmd;
} list_args;

static int list_option(void *ctx, int c, const char *arg)
{
    list_args *a = ctx;
    if (c == 'r') {
        a->recursive = 1;
        return 0;
    }
    return cli_list_format_parse(a->cmd, arg, &a->format);
}

static int list_under(st_catalog *c, cli_list *l, const char *parent, int recursive)
{
    char **names = NULL;
    size_t n = 0;
    int rc;
    if ((rc = st_catalog_list_namespaces(c, parent, &names, &n)) < 0)
        return rc;
    for (size_t i = 0; i < n && rc == 0; i++)
        if ((rc = cli_list_str(l, names[i])) == 0 && recursive)
            rc = list_under(c, l, names[i], 1);
    st_strings_free(names, n);
    return rc;
}

int cmd_namespace_list(int argc, char **argv)
{
    static const struct option opts[] = {
        {"format", required_argument, NULL, 'f'},
        {"recursive", no_argument, NULL, 'r'},
        {NULL, 0, NULL, 0},
    };
    list_args a = {CLI_LIST_TABLE, 0, "supertable namespace list"};
    cli_list *l = NULL;
    st_catalog *c;
    char **pos;
    int np, rc;

    rc = cli_parse(argc, argv, a.cmd, LIST_USAGE, "f:r", opts, list_option, &a, 0, 1, NULL,
                   &pos, &np);
    if (rc != 0)
        return rc < 0 ? CLI_OK : rc;
    if ((rc = cli_catalog(&c)) < 0 || (rc = cli_list_new(&l, "namespace string")) < 0 ||
        (rc = list_under(c, l, np ? pos[0] : NULL, a.recursive)) < 0 ||
        (rc = cli_list_print(l, a.format)) < 0)
        rc = cli_fail();
    cli_list_free(l);
    return rc;
}

/* ------------------------------------------------------------- describe */

static const char DESCRIBE_USAGE[] =
    "usage: supertable namespace describe NS [options]\n"
    "\n"
    "Lists a namespace's properties (key, value).\n"
    "\n"
    "Options:\n"
    "  -f, --format FMT         table (default), csv, json or jsonl\n" CLI_GLOBAL_HELP;

static int describe_option(void *ctx, int c, const char *arg)
{
    (void)c;
    return cli_list_format_parse("supertable namespace describe", arg, ctx);
}

int cmd_namespace_describe(int argc, char **argv)
{
    static const struct option opts[] = {
        {"format", required_argument, NULL, 'f'},
        {NULL, 0, NULL, 0},
    };
    static const char *const missing[] = {"no namespace given"};
    cli_list_format format = CLI_LIST_TABLE;
    cli_list *l = NULL;
    st_property *props = NULL;
    size_t n = 0;
    st_catalog *c;
    char **pos;
    int np, rc;

    rc = cli_parse(argc, argv, "supertable namespace describe", DESCRIBE_USAGE, "f:", opts,
                   describe_option, &format, 1, 1, missing, &pos, &np);
    if (rc != 0)
        return rc < 0 ? CLI_OK : rc;
    if ((rc = cli_catalog(&c)) < 0 ||
        (rc = st_catalog_namespace_properties(c, pos[0], &props, &n)) < 0 ||
        (rc = cli_list_new(&l, "key string, value string")) < 0)
        goto done;
    for (size_t i = 0; i < n && rc == 0; i++)
        if ((rc = cli_list_str(l, props[i].key)) == 0)
            rc = cli_list_str(l, props[i].value);
    if (rc == 0)
        rc = cli_list_print(l, format);
done:
    rc = rc < 0 ? cli_fail() : CLI_OK;
    st_properties_free(props, n);
    cli_list_free(l);
    return rc;
}

/* ----------------------------------------------------------------- drop */

static const char DROP_USAGE[] =
    "usage: supertable namespace drop NS [options]\n"
    "\n"
    "Drops an empty namespace (one that holds no tables or namespaces).\n"
    "\n"
    "Options:\n"
    "      --if-exists          succeed when the namespace does not exist\n" CLI_GLOBAL_HELP;

static int drop_option(void *ctx, int c, const char *arg)
{
    (void)c;
    (void)arg;
    *(int *)ctx = 1;
    return 0;
}

int cmd_namespace_drop(int argc, char **argv)
{
    static const struct option opts[] = {
        {"if-exists", no_argument, NULL, CLI_OPT_FIRST_FREE},
        {NULL, 0, NULL, 0},
    };
    static const char *const missing[] = {"no namespace given"};
    int if_exists = 0, np, rc;
    st_catalog *c;
    char **pos;

    rc = cli_parse(argc, argv, "supertable namespace drop", DROP_USAGE, "", opts, drop_option,
                   &if_exists, 1, 1, missing, &pos, &np);
    if (rc != 0)
        return rc < 0 ? CLI_OK : rc;
    if ((rc = cli_catalog(&c)) == 0)
        rc = st_catalog_drop_namespace(c, pos[0]);
    if (rc == ST_ENOTFOUND && if_exists) {
        printf("namespace %s does not exist\n", pos[0]);
        return CLI_OK;
    }
    if (rc < 0)
        return cli_fail();
    printf("dropped namespace %s\n", pos[0]);
    return CLI_OK;
}
