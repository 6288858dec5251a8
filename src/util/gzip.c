/* SPDX-License-Identifier: Apache-2.0 */
#include <string.h>
#include <zlib.h>

#include "supertable/errors.h"
#include "util/alloc.h"
#include "util/gzip.h"

int st_gzip_compress(uint8_t **out, size_t *out_len, const void *in, size_t len)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    *out = NULL;
    /* windowBits 15 + 16: a gzip header and trailer instead of zlib's */
    if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return st_error_set(ST_ENOMEM, ST_ERROR_CODEC, "gzip: cannot start the compressor");
    uLong cap = deflateBound(&z, (uLong)len) + 32;
    uint8_t *buf = st_malloc(cap);
    if (!buf) {
        deflateEnd(&z);
        return st_error_set_oom();
    }
    z.next_in = (Bytef *)(uintptr_t)in;
    z.avail_in = (uInt)len;
    z.next_out = buf;
    z.avail_out = (uInt)cap;
    int zr = deflate(&z, Z_FINISH);
    size_t n = z.total_out;
    deflateEnd(&z);
    if (zr != Z_STREAM_END) {
        st_free(buf);
        return st_error_set(ST_ERROR, ST_ERROR_CODEC, "gzip: compression failed (%d)", zr);
    }
    *out = buf;
    *out_len = n;
    return 0;
}
