/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What the catalog and table commands share: the global options (--catalog,
 * --warehouse, --location-map, accepted before the command and after it), the
 * option loop, the catalog the command works on (opened once), table names
 * that are folder paths, KEY=VALUE properties, snapshot ids and instants.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <supertable/sys/alloc.h>

#include "cli.h"

static struct {
    const char *catalog;       /* --catalog, else SUPERTABLE_CATALOG */
    const char *warehouse;     /* --warehouse, else SUPERTABLE_WAREHOUSE */
    char **location_map;       /* NULL-terminated copies of "FROM=TO" */
    size_t n_map;
    st_catalog *cat;
} g;

int cli_global_option(const char *cmd, int c, const char *arg)
{
    char **grown;
    switch (c) {
    case CLI_OPT_CATALOG: g.catalog = arg; return 0;
    case CLI_OPT_WAREHOUSE: g.warehouse = arg; return 0;
    case CLI_OPT_LOCATION_MAP:
        if (!strchr(arg, '=') || arg[0] == '=')
            return cli_usage_error(cmd, "--location-map needs FROM=TO, got '%s'", arg);
        if (!(grown = realloc(g.location_map, sizeof(char *) * (g.n_map + 2))))
            return cli_fail_msg("out of memory");
        g.location_map = grown;
        if (!(g.location_map[g.n_map] = strdup(arg)))
            return cli_fail_msg("out of memory");
        g.location_map[++g.n_map] = NULL;
        return 0;
    default: return -1;
    }
}

void cli_globals_free(void)
{
    st_catalog_free(g.cat);
    for (size_t i = 0; i < g.n_map; i++)
        free(g.location_map[i]);
    free(g.location_map);
    memset(&g, 0, sizeof(g));
}

const char *const *cli_location_map(void)
{
    return (const char *const *)g.location_map;
}

/* --------------------------------------------------------- option loop */

#define MAX_OPTS 64

int cli_parse(int argc, char **argv, const char *cmd, const char *usage, const char *shortopts,
              const struct option *opts, cli_option_fn fn, void *ctx, int min_pos, int max_pos,
              const char *const *missing, char ***pos, int *n_pos)
{
    static const struct option common[] = {
        {"help", no_argument, NULL, 'h'},
        {"catalog", required_argument, NULL, CLI_OPT_CATALOG},
        {"warehouse", required_argument, NULL, CLI_OPT_WAREHOUSE},
        {"location-map", required_argument, NULL, CLI_OPT_LOCATION_MAP},
    };
    struct option all[MAX_OPTS];
    char shorts[64];
    size_t n = 0;
    int c, rc, np;

    for (; opts && opts[n].name; n++)
        all[n] = opts[n];
    for (size_t i = 0; i < sizeof(common) / sizeof(common[0]); i++)
        all[n++] = common[i];
    memset(&all[n], 0, sizeof(all[n]));
    snprintf(shorts, sizeof(shorts), ":h%s", shortopts ? shortopts : "");

    cli_getopt_reset();
    while ((c = getopt_long(argc, argv, shorts, all, NULL)) != -1) {
        if (c == 'h') {
            cli_help(usage);
            return CLI_HELP;
        }
        if (c == '?' || c == ':')
            return cli_bad_option(cmd, c, argv);
        if ((rc = cli_global_option(cmd, c, optarg)) >= 0) {
            if (rc)
                return rc;
            continue;
        }
        if ((rc = fn ? fn(ctx, c, optarg) : cli_bad_option(cmd, '?', argv)) != 0)
            return rc;
    }
    np = argc - optind;
    if (np < min_pos)
        return cli_usage_error(cmd, "%s", missing ? missing[np] : "missing arguments");
    if (max_pos >= 0 && np > max_pos)
        return cli_usage_error(cmd, "too many arguments ('%s' is extra)", argv[optind + max_pos]);
    *pos = argv + optind;
    *n_pos = np;
    return 0;
}

/* ----------------------------------------------------- catalog, tables */

int cli_catalog(st_catalog **out)
{
    st_catalog_options o = ST_CATALOG_OPTIONS_INIT;
    const char *uri = g.catalog ? g.catalog : getenv("SUPERTABLE_CATALOG");
    int rc;
    if (g.cat) {
        *out = g.cat;
        return 0;
    }
    o.warehouse = g.warehouse ? g.warehouse : getenv("SUPERTABLE_WAREHOUSE");
    if (o.warehouse && !o.warehouse[0])
        o.warehouse = NULL;
    o.location_map = cli_location_map();
    if ((rc = st_catalog_open(&g.cat, uri && uri[0] ? uri : NULL, &o)) < 0)
        return rc;
    *out = g.cat;
    return 0;
}

int cli_is_path(const char *name)
{
    return name[0] == '.' || strchr(name, '/') != NULL;
}

int cli_table_open(st_table **out, const char *name)
{
    st_catalog *c;
    int rc;
    *out = NULL;
    if (cli_is_path(name)) {
        st_table_open_options o = ST_TABLE_OPEN_OPTIONS_INIT;
        o.location_map = cli_location_map();
        return st_table_open_path(out, name, &o);
    }
    if ((rc = cli_catalog(&c)) < 0)
        return rc;
    return st_catalog_load_table(out, c, name);
}

/* ---------------------------------------------------------- properties */

int cli_props_add(cli_props *p, const char *cmd, const char *opt, const char *kv)
{
    const char *eq = strchr(kv, '=');
    st_property *v;
    char **keys;
    if (!eq || eq == kv)
        return cli_usage_error(cmd, "%s needs KEY=VALUE, got '%s'", opt, kv);
    if (!(v = realloc(p->v, sizeof(*v) * (p->n + 1))))
        return cli_fail_msg("out of memory");
    p->v = v;
    if (!(keys = realloc(p->keys, sizeof(*keys) * (p->n + 1))))
        return cli_fail_msg("out of memory");
    p->keys = keys;
    if (!(p->keys[p->n] = strndup(kv, (size_t)(eq - kv))))
        return cli_fail_msg("out of memory");
    p->v[p->n].key = p->keys[p->n];
    p->v[p->n].value = eq + 1;
    p->n++;
    return 0;
}

void cli_props_free(cli_props *p)
{
    for (size_t i = 0; i < p->n; i++)
        free(p->keys[i]);
    free(p->keys);
    free(p->v);
    memset(p, 0, sizeof(*p));
}

/* ------------------------------------------------ snapshot ids, times */

int cli_parse_snapshot_id(const char *cmd, const char *what, const char *s, int64_t *out)
{
    char *end;
    long long v;
    errno = 0;
    v = strtoll(s, &end, 10);
    if (!s[0] || errno != 0 || *end != 0 || !(isdigit((unsigned char)s[0]) || s[0] == '-'))
        return cli_usage_error(cmd, "%s must be a snapshot id (an integer), not '%s'", what, s);
    *out = v;
    return 0;
}

int cli_parse_instant(const char *s, int64_t *ms)
{
    st_vector *v = NULL;
    size_t i = s[0] == '-' ? 1 : 0;
    int rc;
    if (s[i] && strspn(s + i, "0123456789") == strlen(s + i)) {
        char *end;
        long long x;
        errno = 0;
        x = strtoll(s, &end, 10);
        if (errno != 0)
            return -1;
        *ms = x;
        return 0;
    }
    /* The library's timestamptz text: a date, a date and time, an optional zone. */
    if (st_vector_new(&v, st_type_primitive(ST_TYPE_TIMESTAMPTZ), 1) < 0)
        return -1;
    rc = st_value_append_text(v, s, strlen(s));
    if (rc == 0) {
        int64_t us = st_vector_get_i64(v, 0);
        *ms = us / 1000 - (us % 1000 < 0 ? 1 : 0);
    }
    st_vector_free(v);
    st_error_clear();
    return rc == 0 ? 0 : -1;
}

void cli_format_instant(char *buf, size_t size, int64_t ms)
{
    int64_t secs = ms / 1000, frac = ms % 1000;
    time_t t;
    struct tm tm;
    if (frac < 0) {
        frac += 1000;
        secs--;
    }
    t = (time_t)secs;
    if (!gmtime_r(&t, &tm)) {
        snprintf(buf, size, "%lld", (long long)ms);
        return;
    }
    snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
             tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (int)frac);
}

int64_t cli_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
