/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `supertable table alter TABLE [changes]`: schema, partitioning, sort order
 * and property changes, applied in the order given and committed together as
 * one new table version (one st_txn). --after, --first and --doc attach to the
 * --add-column or --move-column just before them.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <supertable/sys/alloc.h>

#include "cli.h"

#define CMD "supertable table alter"

static const char USAGE[] =
    "usage: supertable table alter TABLE CHANGE... [options]\n"
    "\n"
    "Changes a table's schema, partitioning, sort order and properties. Changes\n"
    "apply in the order given and commit together, as one new table version.\n"
    "Nested struct fields are named by dotted paths (addr.zip).\n"
    "\n"
    "Changes:\n"
    "      --add-column 'NAME TYPE'  add an optional column (TYPE in the schema\n"
    "                           syntax: 'note string', 'addr.zip int', 'tags\n"
    "                           list<string>'); at the end of its struct unless\n"
    "                           --after or --first follows\n"
    "      --after COL          place the column of the --add-column or\n"
    "                           --move-column before it after column COL\n"
    "      --first              place that column first in its struct\n"
    "      --doc TEXT           the doc of the --add-column before it\n"
    "      --drop-column COL    remove a column\n"
    "      --rename-column OLD=NEW  rename a column (NEW is the new last name part)\n"
    "      --alter-column 'COL TYPE'  widen a column's type: int to long, float to\n"
    "                           double, decimal(P,S) to decimal(P2,S) with P2 > P\n"
    "      --make-optional COL  let a required column hold nulls\n"
    "      --move-column COL    move a column; needs --after or --first after it\n"
    "      --column-doc COL=TEXT  set a column's doc\n"
    "      --set-property KEY=VALUE  set a table property\n"
    "      --unset-property KEY remove a table property\n"
    "      --add-partition-field TEXT  add a partition field, e.g. 'bucket(8, id)',\n"
    "                           'day(ts)', 'name'\n"
    "      --drop-partition-field NAME  remove a partition field by its name: by\n"
    "                           default 'id_bucket', 'ts_day', 'name_trunc', the\n"
    "                           column for identity\n"
    "      --sort-by TEXT       the sort order, e.g. 'ts desc, id'; '' for unsorted\n"
    "\n"
    "Options:\n" CLI_GLOBAL_HELP;

typedef enum op_kind {
    OP_ADD_COLUMN = CLI_OPT_FIRST_FREE, OP_AFTER, OP_FIRST, OP_DOC, OP_DROP_COLUMN,
    OP_RENAME_COLUMN, OP_ALTER_COLUMN, OP_MAKE_OPTIONAL, OP_MOVE_COLUMN, OP_COLUMN_DOC,
    OP_SET_PROPERTY, OP_UNSET_PROPERTY, OP_ADD_PARTITION_FIELD, OP_DROP_PARTITION_FIELD,
    OP_SORT_BY
} op_kind;

/* One change, in command-line order. */
typedef struct alter_op {
    op_kind kind;
    char *name;            /* the column, property key, partition field or sort order */
    char *value;           /* rename: the new name; property and doc values */
    st_type *type;         /* add and alter: the type, parsed */
    const char *after;     /* add and move */
    int first;
    const char *doc;       /* add */
} alter_op;

typedef struct alter_args {
    alter_op *ops;
    int n_ops;
} alter_args;

static void args_dispose(alter_args *a)
{
    for (int i = 0; i < a->n_ops; i++) {
        free(a->ops[i].name);
        free(a->ops[i].value);
        st_type_free(a->ops[i].type);
    }
    free(a->ops);
}

static alter_op *new_op(alter_args *a, op_kind kind)
{
    alter_op *grown = realloc(a->ops, sizeof(*grown) * (size_t)(a->n_ops + 1)), *op;
    if (!grown)
        return NULL;
    a->ops = grown;
    op = &a->ops[a->n_ops++];
    memset(op, 0, sizeof(*op));
    op->kind = kind;
    return op;
}

static const char *option_name(op_kind k)
{
    static const char *const names[] = {
        "--add-column", "--after", "--first", "--doc", "--drop-column", "--rename-column",
        "--alter-column", "--make-optional", "--move-column", "--column-doc",
        "--set-property", "--unset-property", "--add-partition-field",
        "--drop-partition-field", "--sort-by",
    };
    return names[k - OP_ADD_COLUMN];
}

/*
 * Splits "NAME TYPE" (NAME possibly `quoted`, or a dotted path) and parses
 * TYPE in the schema syntax. *required says whether "not null" was given.
 */
static int parse_name_type(op_kind k, const char *text, alter_op *op, int *required)
{
    const char *p = text, *rest;
    char *name = NULL, *schema_text = NULL;
    st_type *schema = NULL;
    size_t n = 0;

    while (isspace((unsigned char)*p))
        p++;
    if (*p == '`') {
        /* `a``b` is the name a`b */
        if (!(name = malloc(strlen(p) + 1)))
            return cli_fail_msg("out of memory");
        for (p++; *p && !(*p == '`' && p[1] != '`'); p++) {
            if (*p == '`')
                p++;
            name[n++] = *p;
        }
        name[n] = 0;
        if (*p != '`') {
            free(name);
            return cli_usage_error(CMD, "bad %s '%s': unterminated `quoted` name",
                                   option_name(k), text);
        }
        rest = p + 1;
    } else {
        rest = p + strcspn(p, " \t\n");
        if (!(name = strndup(p, (size_t)(rest - p))))
            return cli_fail_msg("out of memory");
    }
    while (isspace((unsigned char)*rest))
        rest++;
    if (!name[0] || !*rest) {
        free(name);
        return cli_usage_error(CMD, "%s needs 'NAME TYPE', got '%s'", option_name(k), text);
    }
    /* The type alone, through the schema parser: one field named x. */
    if (!(schema_text = malloc(strlen(rest) + 3))) {
        free(name);
        return cli_fail_msg("out of memory");
    }
    sprintf(schema_text, "x %s", rest);
    if (st_schema_parse(&schema, schema_text) < 0 || schema->n_fields != 1) {
        int rc = cli_usage_error(CMD, "bad type '%s' in %s: %s", rest, option_name(k),
                                 schema ? "one column at a time" : st_error_last()->message);
        st_type_free(schema);
        free(schema_text);
        free(name);
        return rc;
    }
    op->name = name;
    op->type = st_type_ref(schema->fields[0].type);
    *required = schema->fields[0].required;
    st_type_free(schema);
    free(schema_text);
    return 0;
}

/* "A=B" into name and value (A not empty). */
static int parse_pair(op_kind k, const char *text, alter_op *op, const char *form)
{
    const char *eq = strchr(text, '=');
    if (!eq || eq == text)
        return cli_usage_error(CMD, "%s needs %s, got '%s'", option_name(k), form, text);
    if (!(op->name = strndup(text, (size_t)(eq - text))) || !(op->value = strdup(eq + 1)))
        return cli_fail_msg("out of memory");
    return 0;
}

/* --after, --first and --doc: attach to the change just before. */
static int attach(alter_args *a, op_kind k, const char *arg)
{
    alter_op *prev = a->n_ops ? &a->ops[a->n_ops - 1] : NULL;
    if (k == OP_DOC) {
        if (!prev || prev->kind != OP_ADD_COLUMN)
            return cli_usage_error(CMD, "--doc must follow an --add-column");
        prev->doc = arg;
        return 0;
    }
    if (!prev || (prev->kind != OP_ADD_COLUMN && prev->kind != OP_MOVE_COLUMN))
        return cli_usage_error(CMD, "%s must follow an --add-column or --move-column",
                               option_name(k));
    if (prev->after || prev->first)
        return cli_usage_error(CMD, "%s: the column's place is given already", option_name(k));
    prev->after = k == OP_AFTER ? arg : NULL;
    prev->first = k == OP_FIRST;
    return 0;
}

static int alter_option(void *ctx, int c, const char *arg)
{
    alter_args *a = ctx;
    op_kind k = (op_kind)c;
    alter_op *op;
    int required = 0, rc;

    if (k == OP_AFTER || k == OP_FIRST || k == OP_DOC)
        return attach(a, k, arg);
    if (!(op = new_op(a, k)))
        return cli_fail_msg("out of memory");
    switch (k) {
    case OP_ADD_COLUMN:
    case OP_ALTER_COLUMN:
        if ((rc = parse_name_type(k, arg, op, &required)) != 0)
            return rc;
        if (k == OP_ADD_COLUMN && required)
            return cli_usage_error(CMD, "--add-column '%s': a new column is optional "
                                   "(drop 'not null')", arg);
        if (k == OP_ALTER_COLUMN && required)
            return cli_usage_error(CMD, "--alter-column '%s': only the type can change here "
                                   "(drop 'not null')", arg);
        return 0;
    case OP_RENAME_COLUMN: return parse_pair(k, arg, op, "OLD=NEW");
    case OP_COLUMN_DOC: return parse_pair(k, arg, op, "COL=TEXT");
    case OP_SET_PROPERTY: return parse_pair(k, arg, op, "KEY=VALUE");
    default:
        if (!arg[0] && k != OP_SORT_BY)
            return cli_usage_error(CMD, "%s needs a value", option_name(k));
        if (!(op->name = strdup(arg)))
            return cli_fail_msg("out of memory");
        return 0;
    }
}

static int apply(st_txn *x, const alter_op *op)
{
    switch (op->kind) {
    case OP_ADD_COLUMN:
        return st_txn_add_column(x, op->name, op->type, op->doc, op->after, op->first);
    case OP_DROP_COLUMN: return st_txn_drop_column(x, op->name);
    case OP_RENAME_COLUMN: return st_txn_rename_column(x, op->name, op->value);
    case OP_ALTER_COLUMN: return st_txn_alter_column_type(x, op->name, op->type);
    case OP_MAKE_OPTIONAL: return st_txn_make_column_optional(x, op->name);
    case OP_MOVE_COLUMN: return st_txn_move_column(x, op->name, op->after, op->first);
    case OP_COLUMN_DOC: return st_txn_set_column_doc(x, op->name, op->value);
    case OP_SET_PROPERTY: return st_txn_set_property(x, op->name, op->value);
    case OP_UNSET_PROPERTY: return st_txn_remove_property(x, op->name);
    case OP_ADD_PARTITION_FIELD: return st_txn_add_partition_field(x, op->name);
    case OP_DROP_PARTITION_FIELD: return st_txn_drop_partition_field(x, op->name);
    default: return st_txn_set_sort_order(x, op->name);
    }
}

int cmd_table_alter(int argc, char **argv)
{
    static const struct option opts[] = {
        {"add-column", required_argument, NULL, OP_ADD_COLUMN},
        {"after", required_argument, NULL, OP_AFTER},
        {"first", no_argument, NULL, OP_FIRST},
        {"doc", required_argument, NULL, OP_DOC},
        {"drop-column", required_argument, NULL, OP_DROP_COLUMN},
        {"rename-column", required_argument, NULL, OP_RENAME_COLUMN},
        {"alter-column", required_argument, NULL, OP_ALTER_COLUMN},
        {"make-optional", required_argument, NULL, OP_MAKE_OPTIONAL},
        {"move-column", required_argument, NULL, OP_MOVE_COLUMN},
        {"column-doc", required_argument, NULL, OP_COLUMN_DOC},
        {"set-property", required_argument, NULL, OP_SET_PROPERTY},
        {"unset-property", required_argument, NULL, OP_UNSET_PROPERTY},
        {"add-partition-field", required_argument, NULL, OP_ADD_PARTITION_FIELD},
        {"drop-partition-field", required_argument, NULL, OP_DROP_PARTITION_FIELD},
        {"sort-by", required_argument, NULL, OP_SORT_BY},
        {NULL, 0, NULL, 0},
    };
    static const char *const missing[] = {"no table given"};
    alter_args a = {NULL, 0};
    st_table *t = NULL;
    st_txn *x = NULL;
    char **pos;
    int np, rc;

    rc = cli_parse(argc, argv, CMD, USAGE, "", opts, alter_option, &a, 1, 1, missing, &pos, &np);
    if (rc == 0 && a.n_ops == 0)
        rc = cli_usage_error(CMD, "nothing to change (see --help for the changes)");
    for (int i = 0; rc == 0 && i < a.n_ops; i++)
        if (a.ops[i].kind == OP_MOVE_COLUMN && !a.ops[i].after && !a.ops[i].first)
            rc = cli_usage_error(CMD, "--move-column %s needs --after COL or --first after it",
                                 a.ops[i].name);
    if (rc != 0)
        goto done;
    if ((rc = cli_table_open(&t, pos[0])) == 0 && (rc = st_table_begin(&x, t)) == 0) {
        for (int i = 0; i < a.n_ops && rc == 0; i++)
            rc = apply(x, &a.ops[i]);
        if (rc == 0)
            rc = st_txn_commit(x, NULL);
    }
    if (rc < 0)
        rc = cli_fail();
    else
        printf("altered %s (%d change%s)\n", st_table_name(t), a.n_ops, a.n_ops == 1 ? "" : "s");
done:
    st_txn_free(x);
    st_table_free(t);
    args_dispose(&a);
    return rc < 0 ? CLI_OK : rc;
}
