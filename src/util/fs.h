/* SPDX-License-Identifier: Apache-2.0 */
/* Small file-system helpers for local tables. Thread-safe (no shared state). */
#ifndef ST_UTIL_FS_H
#define ST_UTIL_FS_H

/* mkdir -p: creates `dir` and its missing parents (0755). ST_EIO with the path. */
int st_mkdirs(const char *dir);
/* Creates the parent folder of a file path. */
int st_mkdirs_parent(const char *path);
/* Removes a file; a missing file is not an error. */
int st_remove_file(const char *path);
/* 1 if a file or folder exists at path, else 0. */
int st_path_exists(const char *path);
/* 1 if path is a folder. */
int st_is_dir(const char *path);
/* An absolute, normalised version of `path` ("." and ".." folded; the file need
 * not exist). @param[out] out st_free() it. */
int st_abspath(char **out, const char *path);

#endif
