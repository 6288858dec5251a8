/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Bit packing and unpacking (the hybrid's LSB-first order), bitmap copies, and
 * the deprecated MSB-first BIT_PACKED level decoder.
 *
 * FORMAT: value i of width w occupies bits [i*w, i*w + w), bit b being bit b % 8
 * of byte b / 8. A group of 32 values is exactly 4*w bytes.
 *
 * One routine per width is stamped out from a single always-inline template with
 * the width as a constant: every shift, mask and byte offset folds at compile time
 * and the 32 values become straight-line code with no branch. Each value is one
 * unaligned 64-bit load, a shift and a mask. Loads near the end of a group are
 * moved back so that they end exactly at the group's last byte: a routine never
 * reads past its 4*w bytes, so whole groups need no slack in the input.
 */
#include "parquet/encoding_int.h"

#define REP8(X, o) X((o) + 0) X((o) + 1) X((o) + 2) X((o) + 3) \
                   X((o) + 4) X((o) + 5) X((o) + 6) X((o) + 7)
#define REP32(X) REP8(X, 0) REP8(X, 8) REP8(X, 16) REP8(X, 24)

#define WIDTHS_1_32(X) \
    X(1) X(2) X(3) X(4) X(5) X(6) X(7) X(8) X(9) X(10) X(11) X(12) X(13) X(14) X(15) \
    X(16) X(17) X(18) X(19) X(20) X(21) X(22) X(23) X(24) X(25) X(26) X(27) X(28) \
    X(29) X(30) X(31) X(32)
#define WIDTHS_33_64(X) \
    X(33) X(34) X(35) X(36) X(37) X(38) X(39) X(40) X(41) X(42) X(43) X(44) X(45) \
    X(46) X(47) X(48) X(49) X(50) X(51) X(52) X(53) X(54) X(55) X(56) X(57) X(58) \
    X(59) X(60) X(61) X(62) X(63) X(64)

/* The first byte of the 8-byte window for the value starting at bit `bit`. */
#define WINDOW(bit, w) ((bit) / 8 < 4 * (w) - 8 ? (bit) / 8 : 4 * (w) - 8)

PQ_INLINE void unpack32_group(const uint8_t *restrict in, uint32_t *restrict out,
                              const unsigned w)
{
    const uint32_t mask = (uint32_t)((UINT64_C(1) << w) - 1);
    if (w == 1) {
        /* the group is only 4 bytes: an 8-byte window would overhang it */
        const uint32_t word = pq_ld32(in);
#define ONE_W1(i) out[i] = (word >> (i)) & 1u;
        REP32(ONE_W1)
#undef ONE_W1
        return;
    }
#define ONE(i) { \
        const unsigned bit_ = (unsigned)(i) * w, at_ = WINDOW(bit_, w); \
        out[i] = (uint32_t)(pq_ld64(in + at_) >> (bit_ - 8 * at_)) & mask; \
    }
    REP32(ONE)
#undef ONE
}

PQ_INLINE void unpack64_group(const uint8_t *restrict in, uint64_t *restrict out,
                              const unsigned w)
{
    const uint64_t mask = w == 64 ? ~UINT64_C(0) : (UINT64_C(1) << (w & 63)) - 1;
    if (w == 1) {
        const uint32_t word = pq_ld32(in);
#define ONE_W1(i) out[i] = (word >> (i)) & 1u;
        REP32(ONE_W1)
#undef ONE_W1
        return;
    }
    /* Above 57 bits a value can straddle 9 bytes; its top bits come from the byte
     * after the window, which the straddle proves is inside the group. */
#define ONE(i) { \
        const unsigned bit_ = (unsigned)(i) * w, at_ = WINDOW(bit_, w); \
        const unsigned sh_ = bit_ - 8 * at_; \
        uint64_t v_ = pq_ld64(in + at_) >> sh_; \
        if (sh_ + w > 64) \
            v_ |= (uint64_t)in[at_ + 8] << ((64 - sh_) & 63); \
        out[i] = v_ & mask; \
    }
    REP32(ONE)
#undef ONE
}

/* Packing accumulates into a 64-bit word and stores 32 bits whenever 32 are
 * ready: `fill` is a compile-time constant at every step once unrolled. */
PQ_INLINE void pack32_group(const uint32_t *restrict in, uint8_t *restrict out,
                            const unsigned w)
{
    const uint64_t mask = (UINT64_C(1) << w) - 1;
    uint64_t acc = 0;
    unsigned fill = 0;
#define ONE(i) { \
        acc |= ((uint64_t)in[i] & mask) << fill; \
        fill += w; \
        if (fill >= 32) { pq_st32(out, (uint32_t)acc); out += 4; acc >>= 32; fill -= 32; } \
    }
    REP32(ONE)
#undef ONE
}

PQ_INLINE void pack64_group(const uint64_t *restrict in, uint8_t *restrict out,
                            const unsigned w)
{
    const uint64_t mask = w == 64 ? ~UINT64_C(0) : (UINT64_C(1) << (w & 63)) - 1;
    uint64_t acc = 0;
    unsigned fill = 0;
    /* A value wider than 32 bits goes in as its low 32 bits, then the rest, so
     * the accumulator never holds more than 64 bits. */
#define ONE(i) { \
        const uint64_t v_ = in[i] & mask; \
        if (w > 32) { \
            acc |= (v_ & 0xffffffffu) << fill; \
            pq_st32(out, (uint32_t)acc); out += 4; acc >>= 32; \
            acc |= (v_ >> 32) << fill; \
            fill += w - 32; \
        } else { \
            acc |= v_ << fill; \
            fill += w; \
        } \
        if (fill >= 32) { pq_st32(out, (uint32_t)acc); out += 4; acc >>= 32; fill -= 32; } \
    }
    REP32(ONE)
#undef ONE
}

#define DEF_UNPACK32(w) \
    static void unpack32_w##w(const uint8_t *in, uint32_t *out, size_t groups) \
    { \
        for (size_t g = 0; g < groups; g++, in += 4 * (w), out += 32) \
            unpack32_group(in, out, (w)); \
    }
#define DEF_UNPACK64(w) \
    static void unpack64_w##w(const uint8_t *in, uint64_t *out, size_t groups) \
    { \
        for (size_t g = 0; g < groups; g++, in += 4 * (w), out += 32) \
            unpack64_group(in, out, (w)); \
    }
#define DEF_PACK32(w) \
    static void pack32_w##w(const uint32_t *in, uint8_t *out, size_t groups) \
    { \
        for (size_t g = 0; g < groups; g++, in += 32, out += 4 * (w)) \
            pack32_group(in, out, (w)); \
    }
#define DEF_PACK64(w) \
    static void pack64_w##w(const uint64_t *in, uint8_t *out, size_t groups) \
    { \
        for (size_t g = 0; g < groups; g++, in += 32, out += 4 * (w)) \
            pack64_group(in, out, (w)); \
    }

WIDTHS_1_32(DEF_UNPACK32)
WIDTHS_1_32(DEF_UNPACK64)
WIDTHS_33_64(DEF_UNPACK64)
WIDTHS_1_32(DEF_PACK32)
WIDTHS_1_32(DEF_PACK64)
WIDTHS_33_64(DEF_PACK64)

static void unpack32_w0(const uint8_t *in, uint32_t *out, size_t groups)
{
    (void)in;
    memset(out, 0, groups * 32 * sizeof(*out));
}
static void unpack64_w0(const uint8_t *in, uint64_t *out, size_t groups)
{
    (void)in;
    memset(out, 0, groups * 32 * sizeof(*out));
}

typedef void (*pack32_fn)(const uint32_t *in, uint8_t *out, size_t groups);
typedef void (*pack64_fn)(const uint64_t *in, uint8_t *out, size_t groups);

#define ENTRY_UNPACK32(w) unpack32_w##w,
#define ENTRY_UNPACK64(w) unpack64_w##w,
#define ENTRY_PACK32(w) pack32_w##w,
#define ENTRY_PACK64(w) pack64_w##w,

const pq_unpack32_groups_fn pq_unpack32_groups[33] = {
    unpack32_w0, WIDTHS_1_32(ENTRY_UNPACK32)
};
const pq_unpack64_groups_fn pq_unpack64_groups[65] = {
    unpack64_w0, WIDTHS_1_32(ENTRY_UNPACK64) WIDTHS_33_64(ENTRY_UNPACK64)
};
static const pack32_fn pack32_groups[33] = {NULL, WIDTHS_1_32(ENTRY_PACK32)};
static const pack64_fn pack64_groups[65] = {
    NULL, WIDTHS_1_32(ENTRY_PACK64) WIDTHS_33_64(ENTRY_PACK64)
};

void pq_unpack32(const uint8_t *in, uint32_t *out, size_t n, unsigned w)
{
    size_t groups = n / 32, rest = n % 32;
    if (w == 0) {
        memset(out, 0, n * sizeof(*out));
        return;
    }
    if (groups)
        pq_unpack32_groups[w](in, out, groups);
    if (rest) {
        /* the tail has fewer than 4*w bytes: stage it so the group routine can't overread */
        uint8_t tmp[4 * 32] = {0};
        uint32_t vals[32];
        memcpy(tmp, in + groups * 4 * w, pq_group_bytes(rest, w));
        pq_unpack32_groups[w](tmp, vals, 1);
        memcpy(out + groups * 32, vals, rest * sizeof(*out));
    }
}

void pq_unpack64(const uint8_t *in, uint64_t *out, size_t n, unsigned w)
{
    size_t groups = n / 32, rest = n % 32;
    if (w == 0) {
        memset(out, 0, n * sizeof(*out));
        return;
    }
    if (groups)
        pq_unpack64_groups[w](in, out, groups);
    if (rest) {
        uint8_t tmp[4 * 64] = {0};
        uint64_t vals[32];
        memcpy(tmp, in + groups * 4 * w, pq_group_bytes(rest, w));
        pq_unpack64_groups[w](tmp, vals, 1);
        memcpy(out + groups * 32, vals, rest * sizeof(*out));
    }
}

void pq_pack32(const uint32_t *in, uint8_t *out, size_t n, unsigned w)
{
    size_t groups = n / 32, rest = n % 32;
    if (w == 0)
        return;
    if (groups)
        pack32_groups[w](in, out, groups);
    if (rest) {
        uint32_t vals[32] = {0};
        uint8_t tmp[4 * 32];
        memcpy(vals, in + groups * 32, rest * sizeof(*in));
        pack32_groups[w](vals, tmp, 1);
        memcpy(out + groups * 4 * w, tmp, pq_group_bytes(rest, w));
    }
}

void pq_pack64(const uint64_t *in, uint8_t *out, size_t n, unsigned w)
{
    size_t groups = n / 32, rest = n % 32;
    if (w == 0)
        return;
    if (groups)
        pack64_groups[w](in, out, groups);
    if (rest) {
        uint64_t vals[32] = {0};
        uint8_t tmp[4 * 64];
        memcpy(vals, in + groups * 32, rest * sizeof(*in));
        pack64_groups[w](vals, tmp, 1);
        memcpy(out + groups * 4 * w, tmp, pq_group_bytes(rest, w));
    }
}

/* ------------------------------------------------------------------- bitmaps */

void pq_bitmap_fill(uint8_t *dst, size_t off, size_t n, int value)
{
    uint8_t fill = value ? 0xff : 0;
    if (n == 0)
        return;
    while (n && (off & 7)) {
        dst[off >> 3] = (uint8_t)((dst[off >> 3] & ~(1u << (off & 7))) |
                                  ((fill & 1u) << (off & 7)));
        off++;
        n--;
    }
    memset(dst + (off >> 3), fill, n >> 3);
    off += n & ~(size_t)7;
    for (n &= 7; n; n--, off++)
        dst[off >> 3] = (uint8_t)((dst[off >> 3] & ~(1u << (off & 7))) |
                                  ((fill & 1u) << (off & 7)));
}

void pq_bitmap_copy(uint8_t *dst, size_t dst_off, const uint8_t *src, size_t src_off,
                    size_t n)
{
    if (n == 0)
        return;
    /* align the destination to a byte, one bit at a time */
    while (n && (dst_off & 7)) {
        unsigned bit = (src[src_off >> 3] >> (src_off & 7)) & 1u;
        dst[dst_off >> 3] = (uint8_t)((dst[dst_off >> 3] & ~(1u << (dst_off & 7))) |
                                      (bit << (dst_off & 7)));
        src_off++;
        dst_off++;
        n--;
    }
    uint8_t *d = dst + (dst_off >> 3);
    const uint8_t *s = src + (src_off >> 3);
    size_t bytes = n >> 3;
    unsigned sh = src_off & 7;
    if (sh == 0) {
        memcpy(d, s, bytes);
    } else {
        /* output byte j takes bits from s[j] and s[j+1], both inside the range read */
        size_t j = 0;
        for (; j + 8 <= bytes; j += 8)
            pq_st64(d + j, (pq_ld64(s + j) >> sh) | ((uint64_t)s[j + 8] << (64 - sh)));
        for (; j < bytes; j++)
            d[j] = (uint8_t)((s[j] >> sh) | (s[j + 1] << (8 - sh)));
    }
    src_off += bytes * 8;
    dst_off += bytes * 8;
    for (n &= 7; n; n--, src_off++, dst_off++) {
        unsigned bit = (src[src_off >> 3] >> (src_off & 7)) & 1u;
        dst[dst_off >> 3] = (uint8_t)((dst[dst_off >> 3] & ~(1u << (dst_off & 7))) |
                                      (bit << (dst_off & 7)));
    }
}

/* ------------------------------------------------------ deprecated BIT_PACKED */

int pq_bitpacked_msb_get_levels(const uint8_t *p, size_t len, unsigned w, size_t first,
                                int16_t *out, size_t n, int max_level)
{
    if (w > 16)
        return PQ_CORRUPT("BIT_PACKED levels: bit width %u above 16", w);
    if (first > SIZE_MAX / 64 || n > SIZE_MAX / 64 - first ||
        pq_bitpack_bytes(first + n, w) > len)
        return PQ_CORRUPT("BIT_PACKED levels: %zu values of %u bits need %zu bytes, "
                          "the section has %zu", first + n, w,
                          pq_bitpack_bytes(first + n, w), len);
    if (w == 0) {
        memset(out, 0, n * sizeof(*out));
        return max_level < 0 ? PQ_CORRUPT("BIT_PACKED levels: negative max level") : 0;
    }
    uint64_t bit = (uint64_t)first * w;
    unsigned max = 0;
    /* levels are int16: a max level beyond that cannot make wider values valid */
    if (max_level > INT16_MAX)
        max_level = INT16_MAX;
    for (size_t i = 0; i < n; i++, bit += w) {
        /* a big-endian 24-bit window holds any value of <= 16 bits at any offset */
        size_t at = (size_t)(bit >> 3);
        uint32_t win = (uint32_t)p[at] << 16;
        if (at + 1 < len)
            win |= (uint32_t)p[at + 1] << 8;
        if (at + 2 < len)
            win |= p[at + 2];
        unsigned v = (win >> (24 - (bit & 7) - w)) & ((1u << w) - 1);
        max = v > max ? v : max;
        out[i] = (int16_t)v;
    }
    if ((int)max > max_level)
        return PQ_CORRUPT("BIT_PACKED levels: level %u above the max level %d", max, max_level);
    return 0;
}
