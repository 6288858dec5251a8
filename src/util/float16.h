/* SPDX-License-Identifier: Apache-2.0 */
/* IEEE 754 binary16 to float: Arrow's float16 and Parquet's FLOAT16 both read as float. */
#ifndef ST_UTIL_FLOAT16_H
#define ST_UTIL_FLOAT16_H

#include <math.h>
#include <stdint.h>

static inline float st_half_to_float(uint16_t h)
{
    int e = (h >> 10) & 0x1f, m = h & 0x3ff;
    float v;
    if (e == 0)
        v = ldexpf((float)m, -24);
    else if (e == 31)
        v = m ? NAN : INFINITY;
    else
        v = ldexpf((float)(m | 0x400), e - 25);
    return (h & 0x8000) ? -v : v;
}

#endif
