/* SPDX-License-Identifier: Apache-2.0 */
/* Random identifiers and the wall clock: uuids for file names and tables,
 * snapshot ids, Avro sync markers. Thread-safe (getrandom has no state here). */
#ifndef ST_UTIL_RANDOM_H
#define ST_UTIL_RANDOM_H

#include <stddef.h>
#include <stdint.h>

/* n bytes from the kernel's CSPRNG (getrandom, retried on EINTR).
 * ST_EIO when the kernel cannot provide them. */
int st_random_bytes(void *buf, size_t n);
/* A random RFC 4122 version-4 uuid as 36 lowercase characters and a NUL. */
int st_uuid4(char out[37]);
/* A random positive int64 (Java's snapshot ids: XOR of a uuid's halves, masked). */
int st_random_id(int64_t *out);
/* Sleeps a random time in [us/2, 3us/2): the jittered wait of a retry loop, so
 * writers that collided spread out. */
void st_backoff_sleep(int64_t us);
/* Milliseconds since the epoch (CLOCK_REALTIME). */
int64_t st_now_ms(void);

#endif
