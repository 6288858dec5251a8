/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target for the Thrift compact-protocol metadata decoders: the input is
 * decoded as a FileMetaData and as a PageHeader, each with a fresh arena. Whatever
 * decodes is re-encoded, and the encoding must decode again (else the target traps).
 * Seeds: fuzz/corpus/thrift/ (real footers and page headers).
 */
#include <stddef.h>
#include <stdint.h>

#include "parquet/metadata.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void footer(const uint8_t *data, size_t size)
{
    st_arena arena = ST_ARENA_INIT;
    st_buf out = ST_BUF_INIT;
    pq_file_metadata md;
    if (pq_decode_file_metadata(&md, &arena, data, size, NULL) == 0 &&
        pq_encode_file_metadata(&out, &md) == 0 &&
        pq_decode_file_metadata(&md, &arena, out.ptr, out.len, NULL) != 0)
        __builtin_trap();
    st_buf_dispose(&out);
    st_arena_dispose(&arena);
}

static void page_header(const uint8_t *data, size_t size)
{
    st_arena arena = ST_ARENA_INIT;
    st_buf out = ST_BUF_INIT;
    pq_page_header ph;
    if (pq_decode_page_header(&ph, &arena, data, size, NULL) == 0 &&
        pq_encode_page_header(&out, &ph) == 0 &&
        pq_decode_page_header(&ph, &arena, out.ptr, out.len, NULL) != 0)
        __builtin_trap();
    st_buf_dispose(&out);
    st_arena_dispose(&arena);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    footer(data, size);
    page_header(data, size);
    return 0;
}
