/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Thread-local last-error storage. The message lives in a fixed per-thread
 * buffer so that recording a failure never allocates (an out-of-memory failure
 * must be reportable) and nothing leaks when a thread exits.
 */
#include <stdio.h>
#include <string.h>

#include <supertable/errors.h>

typedef struct {
    st_error pub;
    char buf[1024];
} error_slot;

static _Thread_local error_slot tls_error = {{0, 0, 0, ""}, ""};

const st_error *st_error_last(void)
{
    if (!tls_error.pub.message)
        tls_error.pub.message = "";
    return &tls_error.pub;
}

void st_error_clear(void)
{
    tls_error.pub.code = 0;
    tls_error.pub.klass = 0;
    tls_error.pub.retryable = 0;
    tls_error.buf[0] = 0;
    tls_error.pub.message = tls_error.buf;
}

int st_error_vset(int code, int klass, const char *fmt, va_list ap)
{
    /* A message may be built from the previous one (wrapping); format into a copy. */
    char tmp[sizeof(tls_error.buf)];
    vsnprintf(tmp, sizeof(tmp), fmt, ap);
    memcpy(tls_error.buf, tmp, sizeof(tmp));
    tls_error.pub.code = code;
    tls_error.pub.klass = klass;
    tls_error.pub.retryable = code == ST_ECONFLICT;
    tls_error.pub.message = tls_error.buf;
    return code;
}

int st_error_set(int code, int klass, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    st_error_vset(code, klass, fmt, ap);
    va_end(ap);
    return code;
}

int st_error_set_oom(void)
{
    static const char oom[] = "out of memory";
    memcpy(tls_error.buf, oom, sizeof(oom));
    tls_error.pub.code = ST_ENOMEM;
    tls_error.pub.klass = ST_ERROR_NOMEMORY;
    tls_error.pub.retryable = 0;
    tls_error.pub.message = tls_error.buf;
    return ST_ENOMEM;
}

void st_error_save(st_error_saved *out)
{
    out->code = tls_error.pub.code;
    out->klass = tls_error.pub.klass;
    out->retryable = tls_error.pub.retryable;
    memcpy(out->message, tls_error.buf, sizeof(out->message));
}

int st_error_restore(const st_error_saved *saved)
{
    memcpy(tls_error.buf, saved->message, sizeof(tls_error.buf));
    tls_error.buf[sizeof(tls_error.buf) - 1] = 0;
    tls_error.pub.code = saved->code;
    tls_error.pub.klass = saved->klass;
    tls_error.pub.retryable = saved->retryable;
    tls_error.pub.message = tls_error.buf;
    return saved->code;
}

const char *st_error_code_name(int code)
{
    switch (code) {
    case ST_OK: return "ST_OK";
    case ST_ERROR: return "ST_ERROR";
    case ST_ENOTFOUND: return "ST_ENOTFOUND";
    case ST_EEXISTS: return "ST_EEXISTS";
    case ST_ECONFLICT: return "ST_ECONFLICT";
    case ST_EINVALID: return "ST_EINVALID";
    case ST_ECORRUPT: return "ST_ECORRUPT";
    case ST_EUNSUPPORTED: return "ST_EUNSUPPORTED";
    case ST_EIO: return "ST_EIO";
    case ST_ENOMEM: return "ST_ENOMEM";
    case ST_ECANCELED: return "ST_ECANCELED";
    case ST_EUNKNOWN: return "ST_EUNKNOWN";
    case ST_ENOTEMPTY: return "ST_ENOTEMPTY";
    case ST_ITEROVER: return "ST_ITEROVER";
    default: return "ST_ERROR";
    }
}
