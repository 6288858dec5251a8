/* SPDX-License-Identifier: Apache-2.0 */
/*
 * File I/O: random-access inputs and sequential outputs. Local files and memory
 * buffers today; object stores plug in behind the same handles later.
 */
#ifndef SUPERTABLE_IO_H
#define SUPERTABLE_IO_H

#include "common.h"

ST_BEGIN_DECL

/** A read-only, random-access file. Thread-safe: reads may run concurrently. */
typedef struct st_input st_input;
/** A file being written front to back. Not thread-safe. */
typedef struct st_output st_output;

/**
 * Opens a local file for reading (memory-mapped when possible).
 * @param[out] out the input; free with st_input_free().
 * @return 0, ST_ENOTFOUND when the file does not exist, ST_EIO otherwise.
 */
ST_EXTERN(int) st_input_open_file(st_input **out, const char *path);

/**
 * Wraps a caller-owned buffer, which must outlive the input (no copy is made).
 * @param[out] out the input; free with st_input_free().
 */
ST_EXTERN(int) st_input_open_memory(st_input **out, const void *data, size_t len,
                                    const char *name);

/** Size in bytes. */
ST_EXTERN(uint64_t) st_input_size(const st_input *in);
/** The path or name given at open. Borrowed for the input's lifetime. */
ST_EXTERN(const char *) st_input_name(const st_input *in);
/**
 * Copies `len` bytes at `offset` into `dst`.
 * @return 0, ST_ECORRUPT when the range passes the end of the file, ST_EIO.
 */
ST_EXTERN(int) st_input_read_at(st_input *in, uint64_t offset, void *dst, size_t len);
/**
 * A read-only pointer to `len` bytes at `offset`, valid for the input's lifetime,
 * when the input is mapped or in memory; otherwise NULL (use st_input_read_at).
 * Fails (returns NULL, sets ST_ECORRUPT) for a range past the end of the file.
 */
ST_EXTERN(const uint8_t *) st_input_view(st_input *in, uint64_t offset, size_t len);
/**
 * Hints that [offset, offset + len) will be read soon. For a mapped file this maps
 * the whole range in one call instead of one page fault per 64 KiB. Never fails.
 */
ST_EXTERN(void) st_input_prefetch(st_input *in, uint64_t offset, size_t len);
/** Closes the input. NULL-safe. */
ST_EXTERN(void) st_input_free(st_input *in);

/** How an output file comes into being. */
typedef enum st_output_mode {
    /** Write to a temporary file, rename over `path` on close. */
    ST_OUTPUT_REPLACE = 0,
    /** Write to a temporary file, link it to `path` on close; fail if `path` exists. */
    ST_OUTPUT_CREATE_NEW = 1
} st_output_mode;

/**
 * Starts writing a local file. Nothing appears at `path` until st_output_close()
 * succeeds; st_output_abort() (or a failed close) leaves no trace.
 * @param[out] out the output; finish with st_output_close() or st_output_abort().
 */
ST_EXTERN(int) st_output_open_file(st_output **out, const char *path, st_output_mode mode);
/**
 * An output that collects the bytes in memory; take them with st_output_take_memory().
 */
ST_EXTERN(int) st_output_open_memory(st_output **out);
/**
 * An output that collects the bytes in memory and, when st_output_close()
 * succeeds, hands them over: *data (the caller st_free()s it) and *len. Use it
 * to write a Parquet file to memory through st_parquet_writer_open_output().
 * On failure or abort *data stays NULL.
 */
ST_EXTERN(int) st_output_open_buffer(st_output **out, uint8_t **data, size_t *len);
/** Appends bytes. @return 0 or ST_EIO/ST_ENOMEM (the output is then unusable). */
ST_EXTERN(int) st_output_write(st_output *o, const void *data, size_t len);
/** Bytes written so far. */
ST_EXTERN(uint64_t) st_output_tell(const st_output *o);
/**
 * Flushes, syncs and publishes the file (a buffer output: hands over its bytes),
 * then frees the output, also on failure.
 * @return 0, ST_EEXISTS (CREATE_NEW and the path exists), ST_EIO, ST_EINVALID (a
 *         plain memory output, which is finished with st_output_take_memory()).
 */
ST_EXTERN(int) st_output_close(st_output *o);
/** Discards what was written and frees the output. NULL-safe. */
ST_EXTERN(void) st_output_abort(st_output *o);
/**
 * For a memory output: frees the output and hands over its bytes (the caller
 * st_free()s *data).
 */
ST_EXTERN(int) st_output_take_memory(st_output *o, uint8_t **data, size_t *len);

ST_END_DECL

#endif
