/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The CSV reader: an RFC 4180 tokenizer over the byte window of a text source,
 * type inference from a sample of records, and the batch reader that parses
 * each field into the column's vector.
 *
 * DESIGN
 * A record is tokenized from its first byte each time: when the window ends
 * inside a record (only possible for inputs read in chunks) the source slides
 * and extends the window and the record is tokenized again from its start. So
 * field positions are offsets into the window (or into `scratch` for quoted
 * fields whose doubled quotes had to be undone) and never dangle.
 * Errors stop the reader: next() repeats the first error.
 */
#include <stdio.h>

#include "formats/formats_int.h"
#include "util/alloc.h"

#define NEED_MORE 2 /* internal: the window ends inside the record */

typedef struct csv_field {
    size_t off;        /* start in the window, or in scratch when unescaped */
    size_t len;
    int quoted;
    int unescaped;     /* the bytes are in scratch */
    uint64_t line;     /* where the field starts, for messages */
    uint64_t column;
} csv_field;

typedef struct csv_reader {
    st_batch_reader base;
    st_fmt_source src;
    char delim, quote;
    int header;
    st_fmt_bytes bytes;    /* spelling of binary and fixed */
    char *null_string;     /* owned copy, or NULL */
    size_t null_len;
    int64_t batch_rows, infer_rows;
    st_type *schema;       /* the batches' schema */
    int *file_col;         /* per schema field: its column in the file, or -1 */
    int n_file_cols;       /* fields every record must have; -1 until known */
    size_t pos;            /* consumed bytes of the window */
    uint64_t line;         /* line number at pos */
    csv_field *fields;
    int n_fields, cap_fields;
    st_buf scratch;
    int done;
    int failed;            /* the first error, repeated by next() */
    st_error_saved error;
} csv_reader;

static const st_batch_reader_vtable csv_vtable;

/* --------------------------------------------------------------- tokenizer */

static int add_field(csv_reader *r, const csv_field *f)
{
    if (r->n_fields == r->cap_fields) {
        int cap = r->cap_fields ? r->cap_fields * 2 : 16;
        csv_field *nf;
        if (cap > (1 << 24))
            return st_error_set(ST_EINVALID, ST_ERROR_CSV, "%s:%llu: more than %d fields",
                                r->src.name, (unsigned long long)f->line, 1 << 24);
        if (!(nf = st_reallocarray(r->fields, (size_t)cap, sizeof(*nf))))
            return ST_ENOMEM;
        r->fields = nf;
        r->cap_fields = cap;
    }
    r->fields[r->n_fields++] = *f;
    return 0;
}

/* Undoes doubled quotes of a quoted field's content into scratch. */
static int unescape_into_scratch(csv_reader *r, csv_field *f, const uint8_t *p)
{
    size_t start = r->scratch.len;
    int rc;
    for (size_t k = 0; k < f->len; k++) {
        if ((rc = st_buf_putc(&r->scratch, (char)p[k])) < 0)
            return rc;
        if (p[k] == (uint8_t)r->quote)
            k++; /* the second of a doubled pair */
    }
    f->off = start;
    f->len = r->scratch.len - start;
    f->unescaped = 1;
    return 0;
}

/* State of one record being tokenized. */
typedef struct tok {
    const uint8_t *p;
    size_t n, i;
    size_t line_start;     /* window offset where the current line begins */
    uint64_t line;
    int eof;               /* the window reaches the end of the file */
} tok;

static int tok_error(csv_reader *r, uint64_t line, uint64_t col, const char *what)
{
    return st_error_set(ST_EINVALID, ST_ERROR_CSV, "%s:%llu:%llu: %s", r->src.name,
                        (unsigned long long)line, (unsigned long long)col, what);
}

/* A quoted field from the opening quote at t->i; fills f or asks for more. */
static int quoted_field(csv_reader *r, tok *t, csv_field *f)
{
    size_t start = ++t->i;
    int doubled = 0;
    for (;;) {
        if (t->i >= t->n) {
            if (!t->eof)
                return NEED_MORE;
            return tok_error(r, f->line, f->column, "unterminated quoted field");
        }
        if (t->p[t->i] == (uint8_t)r->quote) {
            if (t->i + 1 >= t->n && !t->eof)
                return NEED_MORE; /* cannot tell a closing quote from a doubled one */
            if (t->i + 1 < t->n && t->p[t->i + 1] == (uint8_t)r->quote) {
                doubled = 1;
                t->i += 2;
                continue;
            }
            break;
        }
        if (t->p[t->i] == '\n') {
            t->line++;
            t->line_start = t->i + 1;
        }
        t->i++;
    }
    f->off = start;
    f->len = t->i - start;
    f->quoted = 1;
    t->i++; /* the closing quote */
    if (t->i < t->n && t->p[t->i] != (uint8_t)r->delim && t->p[t->i] != '\n' &&
        t->p[t->i] != '\r')
        return tok_error(r, t->line, t->i - t->line_start + 1,
                         "unexpected character after a closing quote");
    return doubled ? unescape_into_scratch(r, f, t->p + start) : 0;
}

static int plain_field(csv_reader *r, tok *t, csv_field *f)
{
    size_t start = t->i;
    while (t->i < t->n) {
        uint8_t c = t->p[t->i];
        if (c == (uint8_t)r->delim || c == '\n' || c == '\r')
            break;
        t->i++;
    }
    if (t->i >= t->n && !t->eof)
        return NEED_MORE;
    f->off = start;
    f->len = t->i - start;
    return 0;
}

/* Skips blank lines; 1 when a record starts at t->i, 0 at the end, or NEED_MORE. */
static int skip_blank_lines(tok *t)
{
    while (t->i < t->n && (t->p[t->i] == '\n' || t->p[t->i] == '\r')) {
        if (t->p[t->i] == '\r' && t->i + 1 >= t->n && !t->eof)
            return NEED_MORE;
        if (t->p[t->i] == '\r' && t->i + 1 < t->n && t->p[t->i + 1] == '\n')
            t->i++;
        t->i++;
        t->line++;
    }
    if (t->i < t->n)
        return 1;
    return t->eof ? 0 : NEED_MORE;
}

/*
 * Tokenizes the record at r->pos into r->fields. Returns 1 (a record; r->pos
 * and r->line move past it), 0 (end of input), NEED_MORE, or an error.
 */
static int tokenize(csv_reader *r)
{
    tok t;
    int rc;

    t.p = r->src.p;
    t.n = r->src.len;
    t.i = r->pos;
    t.line = r->line;
    t.eof = st_fmt_source_at_eof(&r->src);
    r->n_fields = 0;
    st_buf_clear(&r->scratch);
    if ((rc = skip_blank_lines(&t)) != 1)
        return rc;
    t.line_start = t.i;
    for (;;) {
        csv_field f = {0, 0, 0, 0, t.line, t.i - t.line_start + 1};
        if (r->quote && t.i < t.n && t.p[t.i] == (uint8_t)r->quote)
            rc = quoted_field(r, &t, &f);
        else
            rc = plain_field(r, &t, &f);
        if (rc != 0 || (rc = add_field(r, &f)) < 0)
            return rc;
        if (t.i < t.n && t.p[t.i] == (uint8_t)r->delim) {
            t.i++;
            continue;
        }
        if (t.i < t.n && t.p[t.i] == '\r') {
            if (t.i + 1 >= t.n && !t.eof)
                return NEED_MORE;
            t.i += t.i + 1 < t.n && t.p[t.i + 1] == '\n' ? 2 : 1;
            t.line++;
        } else if (t.i < t.n) {
            t.i++; /* '\n' */
            t.line++;
        }
        break;
    }
    r->pos = t.i;
    r->line = t.line;
    return 1;
}

/* The next record, sliding the window as needed: 1, 0 at the end, or an error. */
static int next_record(csv_reader *r)
{
    for (;;) {
        int rc = tokenize(r);
        if (rc != NEED_MORE)
            return rc;
        if ((rc = st_fmt_source_more(&r->src, r->pos)) < 0)
            return rc;
        r->pos = 0;
    }
}

static const char *field_ptr(const csv_reader *r, const csv_field *f)
{
    return (const char *)(f->unescaped ? r->scratch.ptr : r->src.p) + f->off;
}

/* Back to the first record (after the byte order mark). */
static int restart(csv_reader *r)
{
    int rc;
    if ((rc = st_fmt_source_rewind(&r->src)) < 0)
        return rc;
    r->line = 1;
    return st_fmt_source_skip_bom(&r->src, &r->pos);
}

/* ------------------------------------------------------------------ nulls */

/* Whether a field reads as null into a column of type t (see formats.h). */
static int is_null(const csv_reader *r, const csv_field *f, const st_type *t)
{
    const char *s = field_ptr(r, f);
    size_t len = f->len;
    if (!f->quoted && r->null_string && len == r->null_len && memcmp(s, r->null_string, len) == 0)
        return 1;
    if (t->id == ST_TYPE_STRING || t->id == ST_TYPE_BINARY)
        return 0;
    st_fmt_trim(&s, &len);
    return len == 0;
}

/* -------------------------------------------------------------- inference */

static int count_error(csv_reader *r, int found)
{
    return st_error_set(ST_EINVALID, ST_ERROR_CSV, "%s:%llu: expected %d fields, found %d",
                        r->src.name, (unsigned long long)r->fields[0].line, r->n_file_cols,
                        found);
}

/* Column names from the header record, or c1, c2, ... */
static int column_names(csv_reader *r, char ***names)
{
    char **v = st_calloc((size_t)r->n_file_cols, sizeof(char *));
    if (!v)
        return ST_ENOMEM;
    *names = v;
    for (int j = 0; j < r->n_file_cols; j++) {
        char tmp[32];
        if (r->header && r->fields[j].len > 0) {
            v[j] = st_strndup(field_ptr(r, &r->fields[j]), r->fields[j].len);
        } else {
            snprintf(tmp, sizeof(tmp), "c%d", j + 1);
            v[j] = st_strdup(tmp);
        }
        if (!v[j])
            return ST_ENOMEM;
    }
    return 0;
}

static void free_names(char **names, int n)
{
    for (int j = 0; names && j < n; j++)
        st_free(names[j]);
    st_free(names);
}

/* Narrows each column's candidate types with the sampled records. */
static int sample(csv_reader *r, unsigned *cands, int *seen)
{
    const st_type *any = st_type_primitive(ST_TYPE_LONG);
    int rc = 1;
    for (int64_t k = 0; k < r->infer_rows && (rc = next_record(r)) == 1; k++) {
        if (r->n_fields != r->n_file_cols)
            return count_error(r, r->n_fields);
        for (int j = 0; j < r->n_file_cols; j++) {
            const csv_field *f = &r->fields[j];
            /* Nulls (the null string, empty or blank fields) say nothing of the type. */
            if (is_null(r, f, any))
                continue;
            cands[j] &= st_fmt_classify(field_ptr(r, f), f->len);
            seen[j] = 1;
        }
    }
    return rc < 0 ? rc : 0;
}

static int build_inferred(csv_reader *r, char **names, const unsigned *cands, const int *seen)
{
    st_field *fields = st_calloc((size_t)r->n_file_cols + 1, sizeof(*fields));
    st_type *tmp = NULL;
    int32_t next_id = 1;
    int rc;
    if (!fields)
        return ST_ENOMEM;
    for (int j = 0; j < r->n_file_cols; j++) {
        fields[j].name = names[j];
        fields[j].id = ST_FIELD_ID_NONE;
        fields[j].type = st_type_primitive(seen[j] ? st_fmt_cand_type(cands[j]) : ST_TYPE_STRING);
    }
    rc = st_type_struct_new(&tmp, fields, r->n_file_cols);
    if (rc == ST_EINVALID)
        rc = st_error_set(ST_EINVALID, ST_ERROR_CSV, "%s:1: header: %s", r->src.name,
                          st_error_last()->message);
    if (rc == 0)
        rc = st_fmt_fresh_ids(&r->schema, tmp, &next_id);
    st_type_free(tmp);
    st_free(fields);
    return rc;
}

/* Reads the header (or first record) and, without a schema, infers one. */
static int read_layout(csv_reader *r, char ***names)
{
    unsigned *cands = NULL;
    int *seen = NULL, rc;

    if ((rc = next_record(r)) < 0)
        return rc;
    if (rc == 0) {
        if (r->schema) {
            r->n_file_cols = r->header ? 0 : r->schema->n_fields;
            return 0;
        }
        return st_error_set(ST_EINVALID, ST_ERROR_CSV,
                            "%s: the file is empty; no columns to infer a schema from",
                            r->src.name);
    }
    r->n_file_cols = r->n_fields;
    if ((rc = column_names(r, names)) < 0 || r->schema)
        return rc;
    cands = st_calloc((size_t)r->n_file_cols, sizeof(*cands));
    seen = st_calloc((size_t)r->n_file_cols, sizeof(*seen));
    if (!cands || !seen) {
        rc = ST_ENOMEM;
        goto done;
    }
    for (int j = 0; j < r->n_file_cols; j++)
        cands[j] = ST_FMT_CAND_ALL;
    if (!r->header) {
        /* The first record was data: sample it again below. */
        if ((rc = restart(r)) < 0)
            goto done;
    }
    if ((rc = sample(r, cands, seen)) == 0)
        rc = build_inferred(r, *names, cands, seen);
done:
    st_free(cands);
    st_free(seen);
    return rc;
}

/* --------------------------------------------------------- schema mapping */

static int map_by_position(csv_reader *r)
{
    if (r->n_file_cols != r->schema->n_fields)
        return st_error_set(ST_EINVALID, ST_ERROR_CSV,
                            "%s:1: the file has %d columns, the schema %d", r->src.name,
                            r->n_file_cols, r->schema->n_fields);
    for (int i = 0; i < r->schema->n_fields; i++)
        r->file_col[i] = i;
    return 0;
}

/* Header names to schema fields: every file column must be a field. */
static int map_by_name(csv_reader *r, char **names)
{
    st_buf extra = ST_BUF_INIT;
    int rc = 0;
    for (int j = 0; j < r->n_file_cols; j++) {
        int i = st_type_field_index(r->schema, names[j]);
        if (i < 0) {
            if ((rc = st_buf_printf(&extra, "%s'%s'", extra.len ? ", " : "", names[j])) < 0)
                goto done;
            continue;
        }
        if (r->file_col[i] >= 0) {
            rc = st_error_set(ST_EINVALID, ST_ERROR_CSV, "%s:1: column '%s' appears twice",
                              r->src.name, names[j]);
            goto done;
        }
        r->file_col[i] = j;
    }
    if (extra.len) {
        rc = st_error_set(ST_EINVALID, ST_ERROR_CSV, "%s:1: columns not in the schema: %s",
                          r->src.name, st_buf_cstr(&extra));
        goto done;
    }
    /* An empty file (no header) has no rows: nothing required can be missing. */
    for (int i = 0; names && i < r->schema->n_fields; i++)
        if (r->file_col[i] < 0 && r->schema->fields[i].required) {
            rc = st_error_set(ST_EINVALID, ST_ERROR_CSV,
                              "%s:1: required column '%s' is missing from the file",
                              r->src.name, r->schema->fields[i].name);
            goto done;
        }
done:
    st_buf_dispose(&extra);
    return rc;
}

static int map_columns(csv_reader *r, char **names)
{
    int n = r->schema->n_fields;
    if (!(r->file_col = st_calloc(n > 0 ? (size_t)n : 1, sizeof(int))))
        return ST_ENOMEM;
    for (int i = 0; i < n; i++)
        r->file_col[i] = -1;
    return r->header ? map_by_name(r, names) : map_by_position(r);
}

/* ------------------------------------------------------------------ rows */

static int append_field(csv_reader *r, st_vector *v, const st_field *fd, const csv_field *f)
{
    int rc;
    if (!f || is_null(r, f, v->type)) {
        if (fd->required)
            return st_error_set(ST_EINVALID, ST_ERROR_CSV,
                                "%s:%llu:%llu: null in required column '%s'", r->src.name,
                                (unsigned long long)(f ? f->line : r->line),
                                (unsigned long long)(f ? f->column : 1), fd->name);
        return st_vector_append_null(v);
    }
    rc = st_fmt_append_text(v, field_ptr(r, f), f->len, r->bytes);
    if (rc < 0 && rc != ST_ENOMEM) {
        char msg[1024];
        snprintf(msg, sizeof(msg), "%s", st_error_last()->message);
        rc = st_error_set(rc, ST_ERROR_CSV, "%s:%llu:%llu: %s (column '%s')", r->src.name,
                          (unsigned long long)f->line, (unsigned long long)f->column, msg,
                          fd->name);
    }
    return rc;
}

static int append_row(csv_reader *r, st_batch *b)
{
    int rc;
    if (r->n_fields != r->n_file_cols)
        return count_error(r, r->n_fields);
    for (int i = 0; i < b->n_columns; i++) {
        int j = r->file_col[i];
        if ((rc = append_field(r, b->columns[i], &r->schema->fields[i],
                               j >= 0 ? &r->fields[j] : NULL)) < 0)
            return rc;
    }
    return 0;
}

static int fail(csv_reader *r, int rc)
{
    r->failed = rc;
    st_error_save(&r->error);
    return rc;
}

static int csv_next(st_batch_reader *base, st_batch **out)
{
    csv_reader *r = (csv_reader *)base;
    st_batch *b = NULL;
    int64_t rows = 0;
    int rc = 0;

    *out = NULL;
    if (r->failed)
        return st_error_restore(&r->error);
    if (r->done)
        return ST_ITEROVER;
    if ((rc = st_batch_new(&b, r->schema, r->batch_rows < 1024 ? r->batch_rows : 1024)) < 0)
        return fail(r, rc);
    while (rows < r->batch_rows) {
        if ((rc = next_record(r)) == 0) {
            r->done = 1;
            break;
        }
        if (rc < 0 || (rc = append_row(r, b)) < 0)
            break;
        rows++;
    }
    if (rc < 0 || (rc = st_batch_seal(b)) < 0) {
        st_batch_free(b);
        return fail(r, rc);
    }
    if (rows == 0) {
        st_batch_free(b);
        return ST_ITEROVER;
    }
    *out = b;
    return 0;
}

static st_type *csv_schema(st_batch_reader *base)
{
    return ((csv_reader *)base)->schema;
}

static void csv_free(st_batch_reader *base)
{
    csv_reader *r = (csv_reader *)base;
    if (!r)
        return;
    st_fmt_source_dispose(&r->src);
    st_free(r->null_string);
    st_type_free(r->schema);
    st_free(r->file_col);
    st_free(r->fields);
    st_buf_dispose(&r->scratch);
    st_free(r);
}

static const st_batch_reader_vtable csv_vtable = {csv_next, csv_schema, csv_free};

/* ------------------------------------------------------------------- open */

static int check_options(const st_csv_read_options *o)
{
    if (o->version != ST_CSV_READ_OPTIONS_VERSION)
        return st_error_set(ST_EINVALID, ST_ERROR_CSV, "unknown CSV options version %u",
                            o->version);
    if (o->delimiter == 0 || o->delimiter == '\n' || o->delimiter == '\r' ||
        o->delimiter == o->quote || o->quote == '\n' || o->quote == '\r')
        return st_error_set(ST_EINVALID, ST_ERROR_CSV,
                            "the delimiter must be one character other than the quote and "
                            "line breaks");
    if (o->batch_rows < 0 || o->infer_rows < 0)
        return st_error_set(ST_EINVALID, ST_ERROR_CSV, "negative batch_rows or infer_rows");
    if (o->binary != ST_CSV_BINARY_RAW && o->binary != ST_CSV_BINARY_BASE64)
        return st_error_set(ST_EINVALID, ST_ERROR_CSV, "unknown binary spelling %d",
                            (int)o->binary);
    return o->schema ? st_fmt_check_flat(o->schema, "CSV") : 0;
}

static int setup(csv_reader *r, const st_csv_read_options *o)
{
    char **names = NULL;
    int rc;

    r->delim = o->delimiter;
    r->quote = o->quote;
    r->header = o->header != 0;
    r->bytes = o->binary == ST_CSV_BINARY_BASE64 ? ST_FMT_BYTES_BASE64 : ST_FMT_BYTES_CSV;
    r->batch_rows = o->batch_rows ? o->batch_rows : ST_FMT_DEFAULT_BATCH_ROWS;
    r->infer_rows = o->infer_rows ? o->infer_rows : ST_FMT_DEFAULT_INFER_ROWS;
    r->n_file_cols = -1;
    if (o->null_string) {
        if (!(r->null_string = st_strdup(o->null_string)))
            return ST_ENOMEM;
        r->null_len = strlen(o->null_string);
    }
    r->schema = st_type_ref(o->schema);
    if ((rc = restart(r)) < 0 || (rc = read_layout(r, &names)) < 0 ||
        (rc = map_columns(r, names)) < 0 || (rc = restart(r)) < 0)
        goto done;
    if (r->header && names && (rc = next_record(r)) > 0) /* skip the header */
        rc = 0;
done:
    free_names(names, r->n_file_cols);
    return rc;
}

int st_csv_reader_open_input(st_batch_reader **out, st_input *in,
                             const st_csv_read_options *opts)
{
    st_csv_read_options defaults = ST_CSV_READ_OPTIONS_INIT;
    csv_reader *r;
    int rc;

    *out = NULL;
    if (!in)
        return st_error_set(ST_EINVALID, ST_ERROR_CSV, "st_csv_reader_open_input: no input");
    if (!opts)
        opts = &defaults;
    if ((rc = check_options(opts)) < 0) {
        st_input_free(in);
        return rc;
    }
    if (!(r = st_calloc(1, sizeof(*r)))) {
        st_input_free(in);
        return ST_ENOMEM;
    }
    r->base.vt = &csv_vtable;
    if ((rc = st_fmt_source_open(&r->src, in)) < 0 || (rc = setup(r, opts)) < 0) {
        csv_free(&r->base);
        return rc;
    }
    *out = &r->base;
    return 0;
}

int st_csv_reader_open(st_batch_reader **out, const char *path, const st_csv_read_options *opts)
{
    st_input *in = NULL;
    int rc;
    *out = NULL;
    if ((rc = st_input_open_file(&in, path)) < 0)
        return rc;
    return st_csv_reader_open_input(out, in, opts);
}
