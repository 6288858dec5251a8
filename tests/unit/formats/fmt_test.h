/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Helpers of the text-format tests: read CSV or JSON lines text from memory
 * and render every row in the canonical JSON lines form, so that a test states
 * its input and expected rows as two strings.
 */
#ifndef ST_FMT_TEST_H
#define ST_FMT_TEST_H

#include "st_test.h"

#include <supertable/errors.h>
#include <supertable/formats.h>
#include <supertable/io.h>
#include <supertable/sys/alloc.h>
#include <supertable/types.h>
#include <supertable/vector.h>

/* Renders every batch of r as JSON lines; returns 0 or the reader's error. */
static inline int fmt_drain_jsonl(st_batch_reader *r, char **out)
{
    st_output *o = NULL;
    st_text_writer *w = NULL;
    st_batch *b = NULL;
    uint8_t *data = NULL;
    size_t len = 0;
    int rc;

    *out = NULL;
    if ((rc = st_output_open_memory(&o)) < 0)
        return rc;
    if ((rc = st_json_writer_new(&w, o, st_batch_reader_schema(r))) < 0)
        goto done;
    while ((rc = st_batch_reader_next(r, &b)) == 0) {
        rc = st_text_writer_write(w, b);
        st_batch_free(b);
        if (rc < 0)
            goto done;
    }
    if (rc != ST_ITEROVER || (rc = st_text_writer_finish(w)) < 0)
        goto done;
    rc = st_output_take_memory(o, &data, &len);
    o = NULL;
    if (rc == 0) {
        *out = st_malloc(len + 1);
        if (!*out) {
            rc = ST_ENOMEM;
        } else {
            memcpy(*out, data, len);
            (*out)[len] = 0;
        }
        st_free(data);
    }
done:
    st_text_writer_free(w);
    st_output_abort(o);
    return rc;
}

/* Reads CSV text; *schema_text gets the schema in the schema syntax when not NULL. */
static inline int fmt_csv(const char *text, const st_csv_read_options *opts, char **jsonl,
                          char **schema_text)
{
    st_input *in = NULL;
    st_batch_reader *r = NULL;
    int rc;

    *jsonl = NULL;
    if (schema_text)
        *schema_text = NULL;
    if ((rc = st_input_open_memory(&in, text, strlen(text), "t.csv")) < 0)
        return rc;
    if ((rc = st_csv_reader_open_input(&r, in, opts)) < 0)
        return rc;
    if (schema_text && (rc = st_schema_to_string(schema_text, st_batch_reader_schema(r))) < 0)
        goto done;
    rc = fmt_drain_jsonl(r, jsonl);
done:
    st_batch_reader_free(r);
    return rc;
}

static inline int fmt_json(const char *text, const st_json_read_options *opts, char **jsonl,
                           char **schema_text)
{
    st_input *in = NULL;
    st_batch_reader *r = NULL;
    int rc;

    *jsonl = NULL;
    if (schema_text)
        *schema_text = NULL;
    if ((rc = st_input_open_memory(&in, text, strlen(text), "t.jsonl")) < 0)
        return rc;
    if ((rc = st_json_reader_open_input(&r, in, opts)) < 0)
        return rc;
    if (schema_text && (rc = st_schema_to_string(schema_text, st_batch_reader_schema(r))) < 0)
        goto done;
    rc = fmt_drain_jsonl(r, jsonl);
done:
    st_batch_reader_free(r);
    return rc;
}

/* Checks rows (and the schema text when want_schema is not NULL); frees j and s. */
static inline void fmt_check(char *j, char *s, const char *want_jsonl, const char *want_schema,
                             const char *file, int line)
{
    char got[4096];
    if (want_schema && strcmp(s, want_schema) != 0) {
        snprintf(got, sizeof(got), "%s", s);
        st_free(j);
        st_free(s);
        st_test__fail(file, line, "schema \"%s\", expected \"%s\"", got, want_schema);
    }
    if (strcmp(j, want_jsonl) != 0) {
        snprintf(got, sizeof(got), "%s", j);
        st_free(j);
        st_free(s);
        st_test__fail(file, line, "rows:\n%s\nexpected:\n%s", got, want_jsonl);
    }
    st_free(j);
    st_free(s);
}

/* Asserts CSV text reads as the expected JSON lines (and schema, when not NULL). */
#define assert_csv(text, opts, want_jsonl, want_schema) do {                         \
        char *j__ = NULL, *s__ = NULL;                                              \
        st_pass(fmt_csv((text), (opts), &j__, &s__));                               \
        fmt_check(j__, s__, (want_jsonl), (want_schema), __FILE__, __LINE__);       \
    } while (0)

#define assert_json(text, opts, want_jsonl, want_schema) do {                        \
        char *j__ = NULL, *s__ = NULL;                                              \
        st_pass(fmt_json((text), (opts), &j__, &s__));                              \
        fmt_check(j__, s__, (want_jsonl), (want_schema), __FILE__, __LINE__);       \
    } while (0)

/* Asserts that reading fails with `code` and a message containing `needle`. */
#define assert_csv_fails(text, opts, code, needle) do {                              \
        char *j__ = NULL;                                                           \
        int rc__ = fmt_csv((text), (opts), &j__, NULL);                             \
        st_free(j__);                                                                \
        st_assert_msg(rc__ == (code), "rc %d, expected %d (%s)", rc__, (int)(code),  \
                      st_error_last()->message);                                     \
        st_assert_contains(st_error_last()->message, (needle));                      \
    } while (0)

#define assert_json_fails(text, opts, code, needle) do {                             \
        char *j__ = NULL;                                                           \
        int rc__ = fmt_json((text), (opts), &j__, NULL);                            \
        st_free(j__);                                                                \
        st_assert_msg(rc__ == (code), "rc %d, expected %d (%s)", rc__, (int)(code),  \
                      st_error_last()->message);                                     \
        st_assert_contains(st_error_last()->message, (needle));                      \
    } while (0)

static inline st_type *fmt_schema(const char *text)
{
    st_type *t = NULL;
    st_pass(st_schema_parse(&t, text));
    return t;
}

#endif
