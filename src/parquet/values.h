/* SPDX-License-Identifier: Apache-2.0 */
/* Value conversions shared by the page decoder and the statistics code. */
#ifndef ST_PARQUET_VALUES_H
#define ST_PARQUET_VALUES_H

#include <stddef.h>
#include <stdint.h>

/* A big-endian two's-complement integer of 0..16 bytes (decimals in binary). */
static inline __int128 pq_be_to_i128(const uint8_t *p, size_t len)
{
    unsigned __int128 u = (len && (p[0] & 0x80)) ? ~(unsigned __int128)0 : 0;
    for (size_t i = 0; i < len; i++)
        u = (u << 8) | p[i];
    return (__int128)u;
}

#endif
