/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The Arrow C Stream Interface: a batch reader exported as an ArrowArrayStream
 * and a foreign ArrowArrayStream wrapped as a batch reader.
 */
#include <errno.h>

#include <supertable/arrow.h>

#include "columnar/columnar_int.h"
#include "util/alloc.h"

/* ------------------------------------------------------------------ export */

typedef struct export_stream {
    st_batch_reader *reader;
    /* The message of the last failure, kept here because the consumer asks for
     * it later, possibly from another thread than the failing call's. */
    char error[1024];
} export_stream;

static int errno_of(int code)
{
    switch (code) {
    case ST_ENOMEM: return ENOMEM;
    case ST_EINVALID: return EINVAL;
    case ST_EUNSUPPORTED: return ENOSYS;
    default: return EIO;
    }
}

static int save_error(export_stream *es, int code)
{
    const char *msg = st_error_last()->message;
    size_t n = strlen(msg);
    if (n >= sizeof(es->error))
        n = sizeof(es->error) - 1;
    memcpy(es->error, msg, n);
    es->error[n] = 0;
    if (!es->error[0])
        strcpy(es->error, st_error_code_name(code));
    return errno_of(code);
}

static int es_get_schema(struct ArrowArrayStream *s, struct ArrowSchema *out)
{
    export_stream *es = s->private_data;
    st_type *schema = st_batch_reader_schema(es->reader);
    int rc;
    memset(out, 0, sizeof(*out));
    if (!schema)
        return save_error(es, st_error_set(ST_EINVALID, ST_ERROR_ARROW,
                                           "the batch reader has no schema"));
    if ((rc = st_arrow_export_schema(out, schema)) < 0)
        return save_error(es, rc);
    return 0;
}

static int es_get_next(struct ArrowArrayStream *s, struct ArrowArray *out)
{
    export_stream *es = s->private_data;
    st_batch *b = NULL;
    int rc;

    memset(out, 0, sizeof(*out));
    rc = st_batch_reader_next(es->reader, &b);
    if (rc == ST_ITEROVER)
        return 0; /* the end: `out` stays released */
    if (rc < 0)
        return save_error(es, rc);
    rc = st_arrow_export_batch(out, b);
    st_batch_free(b);
    return rc < 0 ? save_error(es, rc) : 0;
}

static const char *es_get_last_error(struct ArrowArrayStream *s)
{
    export_stream *es = s->private_data;
    return es->error[0] ? es->error : NULL;
}

static void es_release(struct ArrowArrayStream *s)
{
    export_stream *es = s->private_data;
    st_batch_reader_free(es->reader);
    st_free(es);
    s->release = NULL;
}

int st_arrow_export_stream(struct ArrowArrayStream *out, st_batch_reader *r)
{
    export_stream *es;

    memset(out, 0, sizeof(*out));
    if (!r)
        return st_error_set(ST_EINVALID, ST_ERROR_ARROW, "no batch reader to export");
    if (!(es = st_calloc(1, sizeof(*es)))) {
        st_batch_reader_free(r);
        return ST_ENOMEM;
    }
    es->reader = r;
    out->get_schema = es_get_schema;
    out->get_next = es_get_next;
    out->get_last_error = es_get_last_error;
    out->release = es_release;
    out->private_data = es;
    return 0;
}

/* ------------------------------------------------------------------ import */

typedef struct import_reader {
    st_batch_reader base;
    struct ArrowArrayStream stream; /* moved from the caller */
    struct ArrowSchema arrow_schema;
    st_type *schema;
} import_reader;

static int code_of(int err)
{
    switch (err) {
    case ENOMEM: return ST_ENOMEM;
    case EINVAL: return ST_EINVALID;
    case ENOSYS: return ST_EUNSUPPORTED;
    default: return ST_EIO;
    }
}

static int stream_error(struct ArrowArrayStream *s, int err, const char *during)
{
    const char *msg = s->get_last_error ? s->get_last_error(s) : NULL;
    return st_error_set(code_of(err), ST_ERROR_ARROW, "Arrow stream %s failed (errno %d): %s",
                        during, err, msg ? msg : "no message");
}

static int ir_next(st_batch_reader *base, st_batch **out)
{
    import_reader *r = (import_reader *)base;
    struct ArrowArray a;
    int err;

    *out = NULL;
    memset(&a, 0, sizeof(a));
    if ((err = r->stream.get_next(&r->stream, &a)) != 0)
        return stream_error(&r->stream, err, "get_next");
    if (!a.release)
        return ST_ITEROVER;
    return st_col_arrow_import_batch_typed(out, &a, &r->arrow_schema, r->schema);
}

static st_type *ir_schema(st_batch_reader *base)
{
    return ((import_reader *)base)->schema;
}

static void ir_free(st_batch_reader *base)
{
    import_reader *r = (import_reader *)base;
    st_type_free(r->schema);
    if (r->arrow_schema.release)
        r->arrow_schema.release(&r->arrow_schema);
    if (r->stream.release)
        r->stream.release(&r->stream);
    st_free(r);
}

static const st_batch_reader_vtable g_import_vt = {ir_next, ir_schema, ir_free};

int st_arrow_import_stream(st_batch_reader **out, struct ArrowArrayStream *stream)
{
    import_reader *r;
    int rc = 0, err;

    *out = NULL;
    if (!stream || !stream->release)
        return st_error_set(ST_EINVALID, ST_ERROR_ARROW,
                            "no ArrowArrayStream, or it is released");
    if (!(r = st_calloc(1, sizeof(*r)))) {
        stream->release(stream);
        return ST_ENOMEM;
    }
    r->base.vt = &g_import_vt;
    r->stream = *stream;
    stream->release = NULL;
    if ((err = r->stream.get_schema(&r->stream, &r->arrow_schema)) != 0)
        rc = stream_error(&r->stream, err, "get_schema");
    else if ((rc = st_arrow_import_type(&r->schema, &r->arrow_schema)) == 0 &&
             r->schema->id != ST_TYPE_STRUCT)
        rc = st_error_set(ST_EINVALID, ST_ERROR_ARROW,
                          "an Arrow stream's schema must be a struct, not '%.40s'",
                          r->arrow_schema.format);
    if (rc < 0) {
        ir_free(&r->base);
        return rc;
    }
    *out = &r->base;
    return 0;
}
