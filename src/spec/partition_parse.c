/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Partition specs and sort orders in the CLI syntax (grammar in
 * partition_parse.h): a small recursive-descent parser that resolves columns
 * against the schema as it goes, and the printer of the same syntax.
 *
 * Validation follows Java's PartitionSpec.Builder: the transform must accept
 * the source type, names are unique, a name that is also a schema column is
 * allowed only for an identity field of that very column, and the same
 * transform of the same source may appear once. Unlike Java's builder,
 * several time transforms of one source (day(ts) and year(ts)) are accepted:
 * the spec allows them and Java reads such specs.
 */
#include <stdarg.h>
#include <stdio.h>
#include <strings.h>

#include "columnar/columnar_int.h"
#include "spec/partition_parse.h"
#include "supertable/errors.h"
#include "util/alloc.h"

/* ----------------------------------------------------------- the cursor */

typedef struct pcur {
    const char *s;
    size_t len, pos;
    size_t item;          /* start of the field being parsed, for messages */
    const char *what;     /* "partition field" / "sort field" */
    const st_type *schema;
} pcur;

/* One parsed term: a transform of a source column. */
typedef struct pterm {
    st_transform transform;
    const st_field *source;
    char *source_name;    /* full dotted name (st_malloc) */
} pterm;

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static int is_name_char(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '_' || c == '$' || c >= 0x80;
}

static void skip_ws(pcur *c)
{
    while (c->pos < c->len && is_space(c->s[c->pos]))
        c->pos++;
}

static int peek(pcur *c, char ch)
{
    skip_ws(c);
    return c->pos < c->len && c->s[c->pos] == ch;
}

static int accept(pcur *c, char ch)
{
    if (!peek(c, ch))
        return 0;
    c->pos++;
    return 1;
}

/* End of the current field: the next ',' outside parentheses and quotes. */
static size_t item_end(const pcur *c)
{
    int depth = 0, quoted = 0;
    size_t i;
    for (i = c->item; i < c->len; i++) {
        char ch = c->s[i];
        if (ch == '`')
            quoted = !quoted;
        else if (!quoted && ch == '(')
            depth++;
        else if (!quoted && ch == ')' && depth > 0)
            depth--;
        else if (!quoted && depth == 0 && ch == ',')
            break;
    }
    while (i > c->item && is_space(c->s[i - 1]))
        i--;
    return i;
}

/* ST_EINVALID "<what> '<field text>': <detail>". */
static int perr(pcur *c, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

static int perr(pcur *c, const char *fmt, ...)
{
    char detail[384], snippet[104];
    size_t end = item_end(c), n = 0;
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(detail, sizeof(detail), fmt, ap);
    va_end(ap);
    for (size_t i = c->item; i < end && n < sizeof(snippet) - 4; i++)
        snippet[n++] = (unsigned char)c->s[i] < 0x20 ? '?' : c->s[i];
    if (end - c->item > n)
        n += (size_t)snprintf(snippet + n, 4, "...");
    snippet[n] = 0;
    return st_error_set(ST_EINVALID, ST_ERROR_ICEBERG, "%s '%s': %s", c->what, snippet, detail);
}

/* ----------------------------------------------------------------- names */

/* A plain word at the cursor (no whitespace skipped); its length or 0. */
static size_t word_at(const pcur *c)
{
    size_t n = 0;
    while (c->pos + n < c->len && is_name_char((unsigned char)c->s[c->pos + n]))
        n++;
    return n;
}

/* One name segment, plain or `quoted` (`` is a backquote), appended to b. */
static int parse_segment(pcur *c, st_buf *b)
{
    size_t n;
    int rc;
    skip_ws(c);
    if ((n = word_at(c)) > 0) {
        rc = st_buf_put(b, c->s + c->pos, n);
        c->pos += n;
        return rc;
    }
    if (c->pos >= c->len || c->s[c->pos] != '`')
        return perr(c, c->pos >= c->len ? "expected a column name, found the end"
                                        : "expected a column name at '%c'", c->s[c->pos]);
    for (c->pos++;; c->pos++) {
        if (c->pos >= c->len)
            return perr(c, "unterminated quoted name");
        if (c->s[c->pos] == '`') {
            if (c->pos + 1 >= c->len || c->s[c->pos + 1] != '`')
                break;
            c->pos++;
        }
        if ((rc = st_buf_putc(b, c->s[c->pos])) < 0)
            return rc;
    }
    c->pos++;
    return 0;
}

/*
 * Finds field `id` under t and appends its full name to b: raw names joined
 * by '.' (quote = 0) or each name in the syntax above (quote = 1). *repeated
 * is set when the path crosses a list or map. 1: found, 0: not, <0: error.
 */
static int path_of(const st_type *t, int32_t id, st_buf *b, int quote, int *repeated, int depth)
{
    int rc;
    if (depth > ST_COL_MAX_DEPTH || !st_type_is_nested(t))
        return 0;
    for (int i = 0; i < t->n_fields; i++) {
        const st_field *f = &t->fields[i];
        const char *seg = t->id == ST_TYPE_STRUCT ? f->name
                          : t->id == ST_TYPE_LIST ? "element"
                          : i == 0               ? "key"
                                                 : "value";
        size_t mark = b->len;
        if ((mark > 0 && (rc = st_buf_putc(b, '.')) < 0) ||
            (rc = quote ? st_col_name_format(b, seg) : st_buf_puts(b, seg)) < 0)
            return rc;
        rc = f->id == id ? 1 : path_of(f->type, id, b, quote, repeated, depth + 1);
        if (rc != 0) {
            if (rc > 0 && t->id != ST_TYPE_STRUCT)
                *repeated = 1;
            return rc;
        }
        b->len = mark;
        b->ptr[mark] = 0;
    }
    return 0;
}

/* Parses a dotted column and resolves it to a field outside lists and maps. */
static int parse_column(pcur *c, pterm *t)
{
    st_buf name = ST_BUF_INIT, full = ST_BUF_INIT;
    int rc, repeated = 0;

    for (;;) {
        if ((rc = parse_segment(c, &name)) < 0)
            goto done;
        if (c->pos >= c->len || c->s[c->pos] != '.')
            break;
        c->pos++;
        if ((rc = st_buf_putc(&name, '.')) < 0)
            goto done;
    }
    if (!(t->source = st_schema_find_name(c->schema, st_buf_cstr(&name)))) {
        rc = perr(c, "unknown column '%s'", st_buf_cstr(&name));
        goto done;
    }
    if ((rc = path_of(c->schema, t->source->id, &full, 0, &repeated, 0)) < 0)
        goto done;
    if (rc == 0 || repeated) {
        rc = perr(c, "column '%s' is inside a list or map", st_buf_cstr(&name));
        goto done;
    }
    if (!(t->source_name = st_strdup(st_buf_cstr(&full)))) {
        rc = ST_ENOMEM;
        goto done;
    }
    rc = 0;
done:
    st_buf_dispose(&name);
    st_buf_dispose(&full);
    return rc;
}

static const struct {
    const char *name;
    st_transform_kind kind;
} transform_names[] = {
    {"identity", ST_TRANSFORM_IDENTITY}, {"bucket", ST_TRANSFORM_BUCKET},
    {"truncate", ST_TRANSFORM_TRUNCATE}, {"year", ST_TRANSFORM_YEAR},
    {"years", ST_TRANSFORM_YEAR},        {"month", ST_TRANSFORM_MONTH},
    {"months", ST_TRANSFORM_MONTH},      {"day", ST_TRANSFORM_DAY},
    {"days", ST_TRANSFORM_DAY},          {"hour", ST_TRANSFORM_HOUR},
    {"hours", ST_TRANSFORM_HOUR},        {"void", ST_TRANSFORM_VOID},
};

static int all_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return n > 0;
}

/* A number argument (a word of digits followed by ',' or ')'): 1, else 0. */
static int parse_number(pcur *c, int64_t *out)
{
    size_t n, save;
    skip_ws(c);
    n = word_at(c);
    if (!all_digits(c->s + c->pos, n))
        return 0;
    save = c->pos;
    c->pos += n;
    if (!peek(c, ',') && !peek(c, ')')) {
        c->pos = save;
        return 0;
    }
    *out = 0;
    for (size_t i = 0; i < n; i++) {
        *out = *out * 10 + (c->s[save + i] - '0');
        if (*out > INT32_MAX) {
            *out = -1;
            break;
        }
    }
    return 1;
}

/* transform '(' args ')' after the transform's name (at c->pos). */
static int parse_call(pcur *c, const char *fname, size_t flen, pterm *t)
{
    st_transform_kind kind = 0;
    int64_t num = 0;
    int n_num = 0, n_col = 0, rc, takes_num;
    char spelling[32];

    for (size_t i = 0; i < sizeof(transform_names) / sizeof(transform_names[0]); i++)
        if (strlen(transform_names[i].name) == flen &&
            strncasecmp(fname, transform_names[i].name, flen) == 0)
            kind = transform_names[i].kind;
    if (!kind)
        return perr(c, "unknown transform '%.*s'", (int)flen, fname);
    takes_num = kind == ST_TRANSFORM_BUCKET || kind == ST_TRANSFORM_TRUNCATE;
    accept(c, '(');
    do {
        int64_t v;
        if (parse_number(c, &v)) {
            if (!takes_num || n_num++ > 0)
                return perr(c, "unexpected number: %.*s takes %s", (int)flen, fname,
                            takes_num ? "one number and one column" : "one column");
            num = v;
        } else {
            if (n_col++ > 0)
                return perr(c, "%.*s takes one column", (int)flen, fname);
            if ((rc = parse_column(c, t)) < 0)
                return rc;
        }
    } while (accept(c, ','));
    if (!accept(c, ')'))
        return perr(c, "expected ')'");
    if (n_col == 0 || (takes_num && n_num == 0))
        return perr(c, "%.*s takes %s", (int)flen, fname,
                    takes_num ? "a number and a column" : "a column");
    if (takes_num && (num < 1 || num > INT32_MAX))
        return perr(c, "bad number: %s needs 1 to %d", kind == ST_TRANSFORM_BUCKET ? "a bucket count" : "a width", INT32_MAX);
    if (takes_num)
        snprintf(spelling, sizeof(spelling), "%s[%d]",
                 kind == ST_TRANSFORM_BUCKET ? "bucket" : "truncate", (int)num);
    else
        snprintf(spelling, sizeof(spelling), "%s",
                 kind == ST_TRANSFORM_IDENTITY ? "identity"
                 : kind == ST_TRANSFORM_YEAR   ? "year"
                 : kind == ST_TRANSFORM_MONTH  ? "month"
                 : kind == ST_TRANSFORM_DAY    ? "day"
                 : kind == ST_TRANSFORM_HOUR   ? "hour"
                                               : "void");
    return st_transform_parse(&t->transform, spelling);
}

/* term := column | transform '(' args ')' ; checks the transform's source type. */
static int parse_term(pcur *c, pterm *t)
{
    size_t n, save;
    int rc;

    memset(t, 0, sizeof(*t));
    skip_ws(c);
    n = word_at(c);
    save = c->pos;
    c->pos += n;
    if (n > 0 && peek(c, '(')) {
        rc = parse_call(c, c->s + save, n, t);
    } else {
        c->pos = save;
        if ((rc = parse_column(c, t)) == 0)
            rc = st_transform_parse(&t->transform, "identity");
    }
    if (rc < 0)
        return rc;
    if (st_transform_check_source(&t->transform, t->source->type) < 0) {
        char why[256];
        snprintf(why, sizeof(why), "%s", st_error_last()->message);
        return perr(c, "%s", why);
    }
    return 0;
}

/* A case-insensitive keyword as the next word; consumed when it matches. */
static int accept_word(pcur *c, const char *kw)
{
    size_t n;
    skip_ws(c);
    n = word_at(c);
    if (n != strlen(kw) || strncasecmp(c->s + c->pos, kw, n) != 0)
        return 0;
    c->pos += n;
    return 1;
}

/* After a field: ',' (1), the end (0), or an error. */
static int field_end(pcur *c)
{
    if (accept(c, ','))
        return 1;
    if (c->pos >= c->len)
        return 0;
    return perr(c, "unexpected '%c'", c->s[c->pos]);
}

/* --------------------------------------------------- partition specs */

static void spec_fields_free(st_partition_field *f, int n)
{
    for (int i = 0; i < n; i++)
        st_free(f[i].name);
    st_free(f);
}

static const char *default_suffix(st_transform_kind k)
{
    switch (k) {
    case ST_TRANSFORM_BUCKET: return "_bucket";
    case ST_TRANSFORM_TRUNCATE: return "_trunc";
    case ST_TRANSFORM_YEAR: return "_year";
    case ST_TRANSFORM_MONTH: return "_month";
    case ST_TRANSFORM_DAY: return "_day";
    case ST_TRANSFORM_HOUR: return "_hour";
    case ST_TRANSFORM_VOID: return "_null";
    default: return "";
    }
}

/* Java's checks of a new partition field against the earlier ones and the schema. */
static int check_field(pcur *c, const st_partition_field *fields, int n,
                       const st_partition_field *f)
{
    const st_field *clash;
    if (!f->name[0])
        return perr(c, "empty partition field name");
    for (int i = 0; i < n; i++) {
        if (strcmp(fields[i].name, f->name) == 0)
            return perr(c, "duplicate partition field name '%s'", f->name);
        if (fields[i].source_id == f->source_id && fields[i].transform.kind == f->transform.kind &&
            fields[i].transform.param == f->transform.param)
            return perr(c, "duplicate partition field: the same transform of the same column");
    }
    clash = st_schema_find_name(c->schema, f->name);
    if (clash && (f->transform.kind != ST_TRANSFORM_IDENTITY || clash->id != f->source_id))
        return perr(c, "partition field name '%s' is a different column of the schema", f->name);
    return 0;
}

/* One partition field: term ['as' name]. Fills f (its name allocated). */
static int parse_pfield(pcur *c, st_partition_field *f)
{
    pterm t;
    st_buf alias = ST_BUF_INIT;
    int rc;

    if ((rc = parse_term(c, &t)) < 0)
        goto done;
    f->source_id = t.source->id;
    f->transform = t.transform;
    if (accept_word(c, "as")) {
        if ((rc = parse_segment(c, &alias)) < 0)
            goto done;
        f->name = st_strdup(st_buf_cstr(&alias));
    } else {
        size_t n = strlen(t.source_name);
        const char *suffix = default_suffix(t.transform.kind);
        if ((f->name = st_malloc(n + strlen(suffix) + 1)))
            snprintf(f->name, n + strlen(suffix) + 1, "%s%s", t.source_name, suffix);
    }
    rc = f->name ? 0 : ST_ENOMEM;
done:
    st_free(t.source_name);
    st_buf_dispose(&alias);
    return rc;
}

int st_partition_spec_parse(st_partition_spec *out, const char *text, const st_type *schema,
                            int32_t *last_partition_id)
{
    pcur c = {text, strlen(text), 0, 0, "partition field", schema};
    st_partition_field *fields = NULL, f;
    int n = 0, cap = 0, more = 1, rc = 0;
    int32_t base = last_partition_id && *last_partition_id > ST_PARTITION_FIELD_ID_START - 1
                       ? *last_partition_id
                       : ST_PARTITION_FIELD_ID_START - 1;

    memset(out, 0, sizeof(*out));
    skip_ws(&c);
    if (c.pos >= c.len)
        return 0; /* unpartitioned */
    while (more) {
        c.item = c.pos;
        memset(&f, 0, sizeof(f));
        if ((rc = parse_pfield(&c, &f)) < 0 || (rc = check_field(&c, fields, n, &f)) < 0 ||
            (rc = field_end(&c)) < 0)
            break;
        more = rc;
        if (base >= INT32_MAX - n) {
            rc = perr(&c, "partition field ids are exhausted");
            break;
        }
        if (n == cap) {
            st_partition_field *grown;
            cap = cap ? cap * 2 : 4;
            if (!(grown = st_reallocarray(fields, (size_t)cap, sizeof(*fields)))) {
                rc = ST_ENOMEM;
                break;
            }
            fields = grown;
        }
        f.field_id = base + 1 + n;
        fields[n++] = f;
        f.name = NULL;
        skip_ws(&c);
        if (more && c.pos >= c.len) {
            rc = perr(&c, "expected a field after ','");
            break;
        }
    }
    if (rc < 0) {
        st_free(f.name);
        spec_fields_free(fields, n);
        return rc;
    }
    out->fields = fields;
    out->n_fields = n;
    if (last_partition_id && n > 0)
        *last_partition_id = base + n;
    return 0;
}

/* -------------------------------------------------------- sort orders */

int st_sort_order_parse(st_sort_order *out, const char *text, const st_type *schema)
{
    pcur c = {text, strlen(text), 0, 0, "sort field", schema};
    st_sort_field *fields = NULL;
    int n = 0, cap = 0, more = 1, rc = 0;

    memset(out, 0, sizeof(*out));
    skip_ws(&c);
    if (c.pos >= c.len)
        return 0; /* unsorted */
    while (more) {
        st_sort_field sf;
        pterm t;
        c.item = c.pos;
        memset(&sf, 0, sizeof(sf));
        rc = parse_term(&c, &t);
        st_free(t.source_name);
        if (rc < 0)
            break;
        sf.transform = t.transform;
        sf.source_id = t.source->id;
        if (accept_word(&c, "desc"))
            sf.descending = 1;
        else
            accept_word(&c, "asc");
        sf.nulls_first = !sf.descending;
        if (accept_word(&c, "nulls")) {
            if (accept_word(&c, "first"))
                sf.nulls_first = 1;
            else if (accept_word(&c, "last"))
                sf.nulls_first = 0;
            else {
                rc = perr(&c, "expected 'first' or 'last' after 'nulls'");
                break;
            }
        }
        if ((rc = field_end(&c)) < 0)
            break;
        more = rc;
        if (n == cap) {
            st_sort_field *grown;
            cap = cap ? cap * 2 : 4;
            if (!(grown = st_reallocarray(fields, (size_t)cap, sizeof(*fields)))) {
                rc = ST_ENOMEM;
                break;
            }
            fields = grown;
        }
        fields[n++] = sf;
        skip_ws(&c);
        if (more && c.pos >= c.len) {
            rc = perr(&c, "expected a field after ','");
            break;
        }
    }
    if (rc < 0) {
        st_free(fields);
        return rc;
    }
    out->order_id = n > 0 ? 1 : 0;
    out->fields = fields;
    out->n_fields = n;
    return 0;
}

/* ----------------------------------------------------------- printing */

/* "day(col)", "bucket(16, col)", "col" for identity, "#5" for a lost column. */
static int put_term(st_buf *out, const st_transform *t, int32_t source_id, const st_type *schema)
{
    st_buf col = ST_BUF_INIT;
    int repeated = 0, rc;
    const char *name;

    rc = path_of(schema, source_id, &col, 1, &repeated, 0);
    if (rc == 0)
        rc = st_buf_printf(&col, "#%d", (int)source_id);
    if (rc < 0)
        goto done;
    switch (t->kind) {
    case ST_TRANSFORM_IDENTITY: rc = st_buf_puts(out, st_buf_cstr(&col)); break;
    case ST_TRANSFORM_BUCKET:
    case ST_TRANSFORM_TRUNCATE:
        rc = st_buf_printf(out, "%s(%d, %s)", t->kind == ST_TRANSFORM_BUCKET ? "bucket" : "truncate",
                           (int)t->param, st_buf_cstr(&col));
        break;
    default:
        name = t->kind == ST_TRANSFORM_YEAR    ? "year"
               : t->kind == ST_TRANSFORM_MONTH ? "month"
               : t->kind == ST_TRANSFORM_DAY   ? "day"
               : t->kind == ST_TRANSFORM_HOUR  ? "hour"
               : t->kind == ST_TRANSFORM_VOID  ? "void"
                                               : t->text;
        rc = st_buf_printf(out, "%s(%s)", name, st_buf_cstr(&col));
        break;
    }
done:
    st_buf_dispose(&col);
    return rc;
}

int st_partition_spec_to_string(st_buf *out, const st_partition_spec *s, const st_type *schema)
{
    st_buf dflt = ST_BUF_INIT;
    int rc = 0, repeated = 0;

    for (int i = 0; i < s->n_fields && rc == 0; i++) {
        const st_partition_field *f = &s->fields[i];
        st_buf_clear(&dflt);
        if ((rc = i ? st_buf_puts(out, ", ") : 0) < 0 ||
            (rc = put_term(out, &f->transform, f->source_id, schema)) < 0 ||
            (rc = path_of(schema, f->source_id, &dflt, 0, &repeated, 0)) < 0 ||
            (rc = st_buf_puts(&dflt, default_suffix(f->transform.kind))) < 0)
            break;
        /* Only a name other than Java's default needs saying. */
        if (f->name && strcmp(f->name, st_buf_cstr(&dflt)) != 0 &&
            (rc = st_buf_puts(out, " as ")) == 0)
            rc = st_col_name_format(out, f->name);
    }
    st_buf_dispose(&dflt);
    return rc < 0 ? rc : 0;
}

int st_sort_order_to_string(st_buf *out, const st_sort_order *o, const st_type *schema)
{
    int rc = 0;
    for (int i = 0; i < o->n_fields && rc == 0; i++) {
        const st_sort_field *f = &o->fields[i];
        if ((rc = i ? st_buf_puts(out, ", ") : 0) < 0 ||
            (rc = put_term(out, &f->transform, f->source_id, schema)) < 0)
            break;
        if (f->descending && (rc = st_buf_puts(out, " desc")) < 0)
            break;
        if (f->nulls_first == f->descending)
            rc = st_buf_puts(out, f->nulls_first ? " nulls first" : " nulls last");
    }
    return rc;
}
