/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Deletion vectors (Iceberg v3): the "deletion-vector-v1" Puffin blob, decoded
 * into a position set.
 *
 * BLOB (all of it; Puffin stores DVs uncompressed)
 *   offset  size  field
 *   0       4     length of magic + vector, big-endian
 *   4       4     magic D1 D3 39 64
 *   8       L-4   vector: a portable 64-bit Roaring bitmap (below)
 *   4+L     4     CRC-32 (zlib) of magic + vector, big-endian
 *
 * PORTABLE 64-BIT ROARING (little-endian throughout)
 *   8 bytes  number of 32-bit bitmaps
 *   then per bitmap, keys strictly ascending:
 *     4 bytes  key: the high 32 bits of its positions (sign bit clear for DVs,
 *              as positions are < 2^63)
 *     a 32-bit Roaring bitmap (RoaringFormatSpec):
 *       cookie 12346: 4 more bytes of container count, no run containers,
 *                     then the offset header is always present;
 *       cookie 12347 in the low 16 bits: count - 1 in the high 16 bits, then a
 *                     bitset of (count + 7) / 8 bytes marking run containers;
 *                     the offset header only when count >= 4;
 *       descriptive header: per container its 16-bit key and cardinality - 1;
 *       offset header: 4 bytes per container (not needed to read in order);
 *       containers: run (16-bit run count, then (start, length - 1) pairs),
 *                   array (cardinality <= 4096: sorted uint16 values) or
 *                   bitmap (8192 bytes).
 * Everything read is bounds-checked and validated (sorted keys and values,
 * runs inside their container, cardinalities as declared), so a damaged blob
 * is ST_ECORRUPT, never a wrong set.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "parquet/compress.h"
#include "scan/deletes_int.h"
#include "supertable/errors.h"
#include "supertable/io.h"
#include "util/alloc.h"

#define COOKIE_NO_RUNS 12346u
#define COOKIE_RUNS 12347u

static const uint8_t dv_magic[4] = {0xD1, 0xD3, 0x39, 0x64};

static uint16_t le16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[3] | (uint32_t)p[2] << 8 | (uint32_t)p[1] << 16 | (uint32_t)p[0] << 24;
}

static int dv_corrupt(const char *name, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

static int dv_corrupt(const char *name, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    return st_error_set(ST_ECORRUPT, ST_ERROR_ICEBERG, "deletion vector '%s': %s",
                        name ? name : "(unnamed)", msg);
}

/* A bounded reader over the vector's bytes. */
typedef struct dv_in {
    const uint8_t *p;
    size_t len, at;
    const char *name;
} dv_in;

/* Takes n bytes; NULL (error set) when fewer are left. */
static const uint8_t *take(dv_in *in, size_t n, const char *what, int *rc)
{
    const uint8_t *p;
    if (in->len - in->at < n) {
        *rc = dv_corrupt(in->name, "%s at byte %zu needs %zu bytes, %zu left", what, in->at, n,
                         in->len - in->at);
        return NULL;
    }
    p = in->p + in->at;
    in->at += n;
    return p;
}

/* One container of bitmap `high`; validated, then loaded into `s`. */
static int read_container(st_posset *s, dv_in *in, uint32_t high, uint32_t key16,
                          uint32_t card, int is_run)
{
    uint64_t key = (uint64_t)high << 16 | key16;
    const uint8_t *p;
    int rc = 0;

    if (is_run) {
        uint32_t nruns, total = 0;
        int32_t prev_last = -1;
        if (!(p = take(in, 2, "run container", &rc)))
            return rc;
        nruns = le16(p);
        if (nruns == 0)
            return dv_corrupt(in->name, "bitmap %u container %u: run container without runs",
                              high, key16);
        if (!(p = take(in, (size_t)nruns * 4, "runs", &rc)))
            return rc;
        for (uint32_t i = 0; i < nruns; i++) {
            uint32_t start = le16(p + 4 * i), last = start + le16(p + 4 * i + 2);
            if (last > 65535)
                return dv_corrupt(in->name, "bitmap %u container %u: run %u passes the "
                                  "container end", high, key16, i);
            if ((int32_t)start <= prev_last)
                return dv_corrupt(in->name, "bitmap %u container %u: runs out of order",
                                  high, key16);
            prev_last = (int32_t)last;
            total += last - start + 1;
        }
        if (total != card)
            return dv_corrupt(in->name, "bitmap %u container %u: runs hold %u values, the "
                              "header says %u", high, key16, total, card);
        return st_posset_load_chunk(s, key, PS_RUNS, p, nruns);
    }
    if (card <= 4096) {
        if (!(p = take(in, (size_t)card * 2, "array container", &rc)))
            return rc;
        for (uint32_t i = 1; i < card; i++)
            if (le16(p + 2 * i) <= le16(p + 2 * (i - 1)))
                return dv_corrupt(in->name, "bitmap %u container %u: values out of order",
                                  high, key16);
        return st_posset_load_chunk(s, key, PS_ARRAY, p, card);
    }
    if (!(p = take(in, 8192, "bitmap container", &rc)))
        return rc;
    {
        uint32_t bits = 0;
        for (size_t i = 0; i < 8192; i++)
            bits += (uint32_t)__builtin_popcount(p[i]);
        if (bits != card)
            return dv_corrupt(in->name, "bitmap %u container %u: %u bits set, the header "
                              "says %u", high, key16, bits, card);
    }
    return st_posset_load_chunk(s, key, PS_BITMAP, p, 0);
}

/* One 32-bit Roaring bitmap whose positions have high bits `high`. */
static int read_bitmap32(st_posset *s, dv_in *in, uint32_t high)
{
    const uint8_t *p, *runflags = NULL, *desc;
    uint32_t cookie, n;
    int offsets, prev = -1, rc = 0;

    if (!(p = take(in, 4, "bitmap cookie", &rc)))
        return rc;
    cookie = le32(p);
    if (cookie == COOKIE_NO_RUNS) {
        if (!(p = take(in, 4, "container count", &rc)))
            return rc;
        n = le32(p);
        if (n > 65536)
            return dv_corrupt(in->name, "bitmap %u: %u containers (at most 65536)", high, n);
        offsets = 1;
    } else if ((cookie & 0xFFFF) == COOKIE_RUNS) {
        n = (cookie >> 16) + 1;
        if (!(runflags = take(in, (n + 7) / 8, "run-container bitset", &rc)))
            return rc;
        offsets = n >= 4;
    } else {
        return dv_corrupt(in->name, "bitmap %u: bad cookie %u at byte %zu", high, cookie,
                          in->at - 4);
    }
    if (!(desc = take(in, (size_t)n * 4, "descriptive header", &rc)))
        return rc;
    if (offsets && !take(in, (size_t)n * 4, "offset header", &rc))
        return rc;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t key16 = le16(desc + 4 * i), card = (uint32_t)le16(desc + 4 * i + 2) + 1;
        int is_run = runflags && ((runflags[i / 8] >> (i % 8)) & 1);
        if ((int)key16 <= prev)
            return dv_corrupt(in->name, "bitmap %u: container keys out of order (%u after %d)",
                              high, key16, prev);
        prev = (int)key16;
        if ((rc = read_container(s, in, high, key16, card, is_run)) < 0)
            return rc;
    }
    return 0;
}

int st_dv_decode_portable(st_posset **out, const uint8_t *p, size_t len, const char *name)
{
    dv_in in = {p, len, 0, name};
    st_posset *s = NULL;
    uint64_t count = 0;
    int64_t prev = -1;
    int rc;

    *out = NULL;
    if (len < 8)
        return dv_corrupt(name, "%zu bytes, too short for a bitmap count", len);
    for (int b = 7; b >= 0; b--)
        count = count << 8 | p[b];
    in.at = 8;
    /* each bitmap takes at least 12 bytes (key, cookie, count) */
    if (count > (len - 8) / 12)
        return dv_corrupt(name, "%llu bitmaps cannot fit in %zu bytes", (unsigned long long)count,
                          len);
    if ((rc = st_posset_new(&s)) < 0)
        return rc;
    for (uint64_t i = 0; i < count; i++) {
        const uint8_t *k;
        uint32_t key;
        if (!(k = take(&in, 4, "bitmap key", &rc)))
            goto fail;
        key = le32(k);
        if (key & 0x80000000u) {
            rc = dv_corrupt(name, "bitmap key %u: positions of 2^63 and more", key);
            goto fail;
        }
        if ((int64_t)key <= prev) {
            rc = dv_corrupt(name, "bitmap keys out of order (%u after %lld)", key,
                            (long long)prev);
            goto fail;
        }
        prev = key;
        if ((rc = read_bitmap32(s, &in, key)) < 0)
            goto fail;
    }
    if (in.at != len) {
        rc = dv_corrupt(name, "%zu bytes after the bitmap", len - in.at);
        goto fail;
    }
    if ((rc = st_posset_seal(s)) < 0)
        goto fail;
    *out = s;
    return 0;
fail:
    st_posset_free(s);
    return rc;
}

int st_dv_decode(st_posset **out, const uint8_t *blob, size_t len, const char *name)
{
    uint32_t n, crc, want;
    *out = NULL;
    if (len < 20)
        return dv_corrupt(name, "blob of %zu bytes is too short", len);
    n = be32(blob);
    if ((size_t)n != len - 8)
        return dv_corrupt(name, "length field %u does not match the %zu-byte blob (expected %zu)",
                          n, len, len - 8);
    if (memcmp(blob + 4, dv_magic, 4) != 0)
        return dv_corrupt(name, "bad magic %02x %02x %02x %02x", blob[4], blob[5], blob[6],
                          blob[7]);
    want = be32(blob + 4 + n);
    crc = pq_crc32(0, blob + 4, n);
    if (crc != want)
        return dv_corrupt(name, "CRC-32 mismatch (stored %08x, computed %08x)", want, crc);
    return st_dv_decode_portable(out, blob + 8, n - 4, name);
}

int st_dv_read(st_posset **out, const char *local_path, int64_t offset, int64_t length)
{
    st_input *in = NULL;
    uint8_t *copy = NULL;
    const uint8_t *p;
    char name[1024];
    uint64_t size;
    int rc;

    *out = NULL;
    snprintf(name, sizeof(name), "%s@%lld", local_path, (long long)offset);
    if ((rc = st_input_open_file(&in, local_path)) < 0)
        return rc;
    size = st_input_size(in);
    if (offset < 0 || length < 0 || (uint64_t)offset > size ||
        (uint64_t)length > size - (uint64_t)offset || (uint64_t)length > SIZE_MAX) {
        rc = st_error_set(ST_ECORRUPT, ST_ERROR_ICEBERG,
                          "deletion vector '%s': %lld bytes at offset %lld pass the end of the "
                          "file (%llu bytes)", local_path, (long long)length, (long long)offset,
                          (unsigned long long)size);
        goto done;
    }
    if (!(p = st_input_view(in, (uint64_t)offset, (size_t)length))) {
        if (!(copy = st_malloc(length ? (size_t)length : 1))) {
            rc = st_error_set_oom();
            goto done;
        }
        if ((rc = st_input_read_at(in, (uint64_t)offset, copy, (size_t)length)) < 0)
            goto done;
        p = copy;
    }
    rc = st_dv_decode(out, p, (size_t)length, name);
done:
    st_free(copy);
    st_input_free(in);
    return rc;
}
