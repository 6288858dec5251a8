/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The byte window the CSV and JSON lines readers scan. Mapped and in-memory
 * inputs are scanned in place; other inputs (pipes, files that could not be
 * mapped) through a buffer that starts at 1 MiB and doubles when one record
 * does not fit, so records of any length work.
 */
#include "formats/formats_int.h"
#include "util/alloc.h"

#define CHUNK ((size_t)1 << 20)

size_t st_fmt_test_chunk;

int st_fmt_source_open(st_fmt_source *s, st_input *in)
{
    const uint8_t *view;

    memset(s, 0, sizeof(*s));
    s->in = in;
    s->name = st_input_name(in);
    s->size = st_input_size(in);
    if (s->size > (uint64_t)SIZE_MAX / 2)
        return st_error_set(ST_EINVALID, ST_ERROR_IO, "'%s' is too large", s->name);
    view = s->size > 0 && !st_fmt_test_chunk ? st_input_view(in, 0, (size_t)s->size) : NULL;
    if (view || s->size == 0) {
        s->whole = 1;
        s->p = view ? view : (const uint8_t *)"";
        s->len = (size_t)s->size;
        s->next = s->size;
        return 0;
    }
    st_error_clear(); /* a NULL view of a readable file is not a failure */
    return st_fmt_source_rewind(s);
}

void st_fmt_source_dispose(st_fmt_source *s)
{
    st_input_free(s->in);
    st_free(s->buf);
    memset(s, 0, sizeof(*s));
}

int st_fmt_source_rewind(st_fmt_source *s)
{
    int rc;
    if (s->whole)
        return 0; /* the window never moves */
    s->next = 0;
    s->len = 0;
    s->p = s->buf;
    rc = st_fmt_source_more(s, 0);
    return rc < 0 ? rc : 0;
}

int st_fmt_source_more(st_fmt_source *s, size_t consumed)
{
    size_t keep, want, chunk = st_fmt_test_chunk ? st_fmt_test_chunk : CHUNK;
    int rc;

    if (s->whole || s->next >= s->size)
        return 0;
    keep = s->len - consumed;
    if (keep > 0 && s->p + consumed != s->buf)
        memmove(s->buf, s->p + consumed, keep);
    /* Grow when what is kept fills most of the buffer: a long record. */
    if (s->cap - keep < chunk / 2 || s->cap == keep) {
        size_t cap = s->cap ? s->cap * 2 : chunk;
        uint8_t *nb;
        if (cap < s->cap)
            return st_error_set_oom();
        if (!(nb = st_realloc(s->buf, cap)))
            return ST_ENOMEM;
        s->buf = nb;
        s->cap = cap;
    }
    want = s->cap - keep;
    if (want > chunk)
        want = chunk;
    if ((uint64_t)want > s->size - s->next)
        want = (size_t)(s->size - s->next);
    if ((rc = st_input_read_at(s->in, s->next, s->buf + keep, want)) < 0)
        return rc;
    s->next += want;
    s->p = s->buf;
    s->len = keep + want;
    return 1;
}

int st_fmt_source_skip_bom(st_fmt_source *s, size_t *pos)
{
    int rc;
    while (s->len < 3 && !st_fmt_source_at_eof(s))
        if ((rc = st_fmt_source_more(s, 0)) < 0)
            return rc;
    *pos = s->len >= 3 && memcmp(s->p, "\xef\xbb\xbf", 3) == 0 ? 3 : 0;
    return 0;
}
