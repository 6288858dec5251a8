/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Common definitions of the public API: export macros, library initialisation,
 * version. Every public header includes this one. Public headers are C99 and
 * C++-safe.
 */
#ifndef SUPERTABLE_COMMON_H
#define SUPERTABLE_COMMON_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
#define ST_BEGIN_DECL extern "C" {
#define ST_END_DECL }
#else
#define ST_BEGIN_DECL
#define ST_END_DECL
#endif

#if defined(__GNUC__)
#define ST_EXTERN(type) extern __attribute__((visibility("default"))) type
#else
#define ST_EXTERN(type) extern type
#endif

#define ST_VERSION "0.1.0"
#define ST_VERSION_MAJOR 0
#define ST_VERSION_MINOR 1
#define ST_VERSION_PATCH 0

ST_BEGIN_DECL

/**
 * Initialises global state (allocator defaults, CPU feature detection). Optional:
 * every entry point works without it, but call it once before starting threads
 * if you want the initialisation cost paid up front.
 *
 * Thread-safety: safe to call from any thread, any number of times.
 * @return 0.
 */
ST_EXTERN(int) st_init(void);

/** The library's version string, e.g. "0.1.0". Static storage. */
ST_EXTERN(const char *) st_version(void);

ST_END_DECL

#endif
