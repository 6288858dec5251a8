/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The error model (libgit2's): functions return an int, 0 on success or a negative
 * st_error_code. The detail of the last failure on the calling thread is kept in
 * a thread-local st_error, readable with st_error_last() until the next failure
 * or st_error_clear().
 */
#ifndef SUPERTABLE_ERRORS_H
#define SUPERTABLE_ERRORS_H

#include "common.h"
#include <stdarg.h>

ST_BEGIN_DECL

/** Return codes. Anything not named here is ST_ERROR (-1). */
typedef enum st_error_code {
    ST_OK = 0,
    ST_ERROR = -1,         /**< generic failure */
    ST_ENOTFOUND = -3,     /**< a table, file, column or key does not exist */
    ST_EEXISTS = -4,       /**< the object already exists */
    ST_ECONFLICT = -5,     /**< a concurrent change won; retryable */
    ST_EINVALID = -6,      /**< bad argument or bad user input */
    ST_ECORRUPT = -7,      /**< a file or message violates its format */
    ST_EUNSUPPORTED = -8,  /**< valid, but not supported by this build */
    ST_EIO = -9,           /**< an operating-system or network I/O failure */
    ST_ENOMEM = -10,       /**< out of memory */
    ST_ECANCELED = -11,    /**< the operation was cancelled */
    ST_EUNKNOWN = -12,     /**< a commit's outcome is unknown (the catalog did not answer):
                                the change may or may not have landed */
    ST_ENOTEMPTY = -13,    /**< a namespace still holds tables or namespaces */
    ST_ITEROVER = -31      /**< an iterator has no more items; not a failure */
} st_error_code;

/** Which subsystem found the failure. */
typedef enum st_error_class {
    ST_ERROR_NONE = 0,
    ST_ERROR_NOMEMORY,
    ST_ERROR_OS,
    ST_ERROR_INVALID,
    ST_ERROR_IO,
    ST_ERROR_THRIFT,
    ST_ERROR_PARQUET,
    ST_ERROR_CODEC,
    ST_ERROR_COLUMNAR,
    ST_ERROR_ARROW,
    ST_ERROR_SCHEMA,
    ST_ERROR_CSV,
    ST_ERROR_JSON,
    ST_ERROR_CLI,
    ST_ERROR_THREAD,
    ST_ERROR_AVRO,
    ST_ERROR_ICEBERG,
    ST_ERROR_CATALOG,
    ST_ERROR_TABLE
} st_error_class;

/** The detail of a failure. `message` is one line, without a trailing newline. */
typedef struct st_error {
    int code;               /**< an st_error_code */
    int klass;              /**< an st_error_class */
    unsigned retryable : 1; /**< set for ST_ECONFLICT and transient I/O */
    const char *message;    /**< never NULL; valid until the thread's next failure */
} st_error;

/**
 * The last failure on the calling thread, or an st_error with code ST_OK and an
 * empty message when there was none. Borrowed: valid until the next failure or
 * st_error_clear() on this thread. Thread-safety: thread-local, always safe.
 */
ST_EXTERN(const st_error *) st_error_last(void);

/** Forgets the calling thread's last failure. */
ST_EXTERN(void) st_error_clear(void);

/**
 * Records a failure on the calling thread and returns `code`, so a failing
 * function can `return st_error_set(ST_ECORRUPT, ST_ERROR_PARQUET, "...", ...)`.
 * The message is formatted without allocating and truncated to 1023 bytes.
 */
ST_EXTERN(int) st_error_set(int code, int klass, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/** va_list form of st_error_set(). */
ST_EXTERN(int) st_error_vset(int code, int klass, const char *fmt, va_list ap);

/** Records an out-of-memory failure without allocating; returns ST_ENOMEM. */
ST_EXTERN(int) st_error_set_oom(void);

/** A copy of an error that can cross threads (workers save, the caller restores). */
typedef struct st_error_saved {
    int code;
    int klass;
    unsigned retryable : 1;
    char message[1024];
} st_error_saved;

/** Copies the calling thread's last failure into `out`. */
ST_EXTERN(void) st_error_save(st_error_saved *out);

/** Makes `saved` the calling thread's last failure; returns its code. */
ST_EXTERN(int) st_error_restore(const st_error_saved *saved);

/** A short name for a code, e.g. "ST_ECORRUPT". Static storage. */
ST_EXTERN(const char *) st_error_code_name(int code);

ST_END_DECL

#endif
