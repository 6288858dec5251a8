/* SPDX-License-Identifier: Apache-2.0 */
/* Small file-system helpers for local tables. Thread-safe (no shared state). */
#ifndef ST_UTIL_FS_H
#define ST_UTIL_FS_H

#include <stddef.h>

#include "util/buf.h"

/* mkdir -p: creates `dir` and its missing parents; ST_EIO with the path when
 * one cannot be made or `dir` exists but is not a folder. */
int st_mkdirs(const char *dir);
/* Creates the parent folder of a file path. */
int st_mkdirs_parent(const char *path);
/* Removes a file; a missing file is not an error. */
int st_remove_file(const char *path);
/* 1 if a file or folder exists at path, else 0. */
int st_path_exists(const char *path);
/* 1 if path is a folder / a regular file (symbolic links followed). */
int st_is_dir(const char *path);
int st_is_file(const char *path);
/*
 * Reads a whole file of at most `max` bytes into `out` (cleared first) with
 * one read: for small files, cheaper than mapping them. 1 when the file is
 * larger than `max` or not a regular file (nothing read), 0, ST_ENOTFOUND,
 * ST_EIO, ST_ENOMEM.
 */
int st_read_file(st_buf *out, const char *path, size_t max);
/*
 * A location as a local path: "file:///a", "file://localhost/a" and "file:/a"
 * -> "/a"; plain paths as they are; other schemes (s3://...) ST_EUNSUPPORTED.
 * @param[out] out st_free() it.
 */
int st_local_path(const char *location, char **out);
/* An absolute, normalised version of a local path or file: URI ("." and ".."
 * folded, no trailing '/'; the file need not exist). @param[out] out st_free() it. */
int st_abspath(char **out, const char *path);

#endif
