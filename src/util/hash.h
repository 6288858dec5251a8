/* SPDX-License-Identifier: Apache-2.0 */
/* Hash functions: XXH64 (Parquet bloom filters use it) and a 64-bit integer mixer. */
#ifndef ST_UTIL_HASH_H
#define ST_UTIL_HASH_H

#include <stddef.h>
#include <stdint.h>

/* XXH64 of `len` bytes with `seed`, as specified by the xxHash format. Thread-safe. */
uint64_t st_xxh64(const void *data, size_t len, uint64_t seed);

/* A strong, cheap finaliser for 64-bit keys (the murmur3 fmix64 constants). */
static inline uint64_t st_hash_u64(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    x ^= x >> 33;
    return x;
}

#endif
