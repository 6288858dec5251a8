/* SPDX-License-Identifier: Apache-2.0 */
/*
 * MurmurHash3 x86_32 (Austin Appleby's public-domain design), the hash of
 * Iceberg's bucket transform: 4-byte little-endian blocks, a 1-3 byte tail,
 * the length and the final avalanche. The block and finalisation steps are
 * inline in spec_int.h so that the bucket loops hash a long without a call.
 */
#include <string.h>

#include "spec/spec.h"
#include "spec/spec_int.h"

uint32_t st_murmur3_32(const void *data, size_t len, uint32_t seed)
{
    const uint8_t *p = data;
    uint32_t h = seed, k;
    size_t i = 0;

    for (; i + 4 <= len; i += 4) {
        k = (uint32_t)p[i] | (uint32_t)p[i + 1] << 8 | (uint32_t)p[i + 2] << 16 |
            (uint32_t)p[i + 3] << 24;
        h = st_mm3_block(h, k);
    }
    k = 0;
    switch (len & 3) {
    case 3: k ^= (uint32_t)p[i + 2] << 16; /* fall through */
    case 2: k ^= (uint32_t)p[i + 1] << 8;  /* fall through */
    case 1:
        k ^= p[i];
        k *= 0xcc9e2d51u;
        k = st_mm3_rotl(k, 15);
        k *= 0x1b873593u;
        h ^= k;
        break;
    default: break;
    }
    return st_mm3_final(h, len);
}
