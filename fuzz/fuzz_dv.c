/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target for deletion vectors. Input: a portable 64-bit Roaring
 * bitmap (the DV blob without its length, magic and CRC, which would stop the
 * fuzzer at the CRC). A decoded set must agree with itself: its count equals
 * the positions st_posset_clear removes from the first 2^20 rows plus those
 * beyond, and contains() matches the cleared mask there.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <supertable/errors.h>
#include "scan/deletes_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define WINDOW (1 << 20)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static uint8_t keep[WINDOW];
    st_posset *s = NULL, *copy = NULL;
    int64_t cleared = 0;
    if (st_dv_decode_portable(&s, data, size, "fuzz") != 0) {
        if (st_error_last()->code != ST_ECORRUPT && st_error_last()->code != ST_ENOMEM)
            __builtin_trap();
        return 0;
    }
    memset(keep, 1, sizeof(keep));
    st_posset_clear(s, 0, WINDOW, keep);
    for (int64_t i = 0; i < WINDOW; i++) {
        cleared += !keep[i];
        if ((i & 255) == 0 && st_posset_contains(s, i) != !keep[i])
            __builtin_trap();
    }
    if (cleared > st_posset_count(s))
        __builtin_trap();
    /* a union into an empty set rebuilds the same set */
    if (st_posset_new(&copy) == 0 && st_posset_union(copy, s) == 0 &&
        st_posset_seal(copy) == 0 && st_posset_count(copy) != st_posset_count(s))
        __builtin_trap();
    st_posset_free(copy);
    st_posset_free(s);
    return 0;
}
