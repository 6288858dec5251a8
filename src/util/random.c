/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "supertable/errors.h"
#include "util/random.h"

int st_random_bytes(void *buf, size_t n)
{
    uint8_t *p = buf;
    size_t got = 0;
    while (got < n) {
        ssize_t k = getrandom(p + got, n - got, 0);
        if (k < 0) {
            if (errno == EINTR)
                continue;
            return st_error_set(ST_EIO, ST_ERROR_OS, "cannot get random bytes: %s",
                                strerror(errno));
        }
        got += (size_t)k;
    }
    return 0;
}

int st_uuid4(char out[37])
{
    static const char hex[] = "0123456789abcdef";
    uint8_t b[16];
    int rc = st_random_bytes(b, sizeof b);
    if (rc)
        return rc;
    b[6] = (uint8_t)((b[6] & 0x0f) | 0x40); /* version 4 */
    b[8] = (uint8_t)((b[8] & 0x3f) | 0x80); /* RFC 4122 variant */
    for (int i = 0, o = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            out[o++] = '-';
        out[o++] = hex[b[i] >> 4];
        out[o++] = hex[b[i] & 15];
    }
    out[36] = 0;
    return 0;
}

int st_random_id(int64_t *out)
{
    uint64_t v[2];
    do {
        int rc = st_random_bytes(v, sizeof v);
        if (rc)
            return rc;
        *out = (int64_t)((v[0] ^ v[1]) & 0x7fffffffffffffffull);
    } while (*out == 0);
    return 0;
}

void st_backoff_sleep(int64_t us)
{
    uint64_t r = 0;
    if (us <= 0)
        return;
    if (st_random_bytes(&r, sizeof r) < 0)
        r = (uint64_t)st_now_ms() * 0x9E3779B97F4A7C15ull;   /* any spread will do */
    int64_t wait = us / 2 + (int64_t)(r % (uint64_t)us);
    struct timespec ts = {(time_t)(wait / 1000000), (long)(wait % 1000000) * 1000};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

int64_t st_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
