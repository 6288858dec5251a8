/* SPDX-License-Identifier: Apache-2.0 */
/* gzip (RFC 1952) of whole in-memory documents: compressed metadata JSON. */
#ifndef ST_UTIL_GZIP_H
#define ST_UTIL_GZIP_H

#include <stddef.h>
#include <stdint.h>

/* Compresses `in` as one gzip member. @param[out] out st_free() it. */
int st_gzip_compress(uint8_t **out, size_t *out_len, const void *in, size_t len);

#endif
