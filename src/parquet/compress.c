/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Parquet page codecs on top of the system libraries (zlib, snappy, lz4, zstd,
 * brotli). Decoders are strict about size: a page must decompress to exactly the
 * size its header declares, because a mismatch means either a corrupt file or a
 * writer bug, and silently truncating or zero-filling would hide both.
 */

/* The custom-allocator entry points are "static linking only" in the headers, yet
 * exported by the shared libraries (checked against Debian's zstd 1.5.4 and lz4 1.9.4). */
#define ZSTD_STATIC_LINKING_ONLY
#define LZ4F_STATIC_LINKING_ONLY

#include <limits.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <brotli/decode.h>
#include <brotli/encode.h>
#include <lz4.h>
#include <lz4frame.h>
#include <lz4hc.h>
#include <snappy-c.h>
#include <zlib.h>
#include <zstd.h>
#include <zstd_errors.h>

#include "parquet/compress.h"
#include "util/alloc.h"

/*
 * Default levels, measured on 1 MiB and 64 KiB pages of typical column data
 * (PLAIN int64/double/strings, dictionary indices) and on real text:
 *   ZSTD 1: 44% of input at ~550 MB/s; level 3 is 3-10% smaller but only
 *   ~300 MB/s. Writes should be fast; a user who wants smaller files sets a level.
 *   BROTLI 3: the smallest output among qualities that still run above 100 MB/s;
 *   quality 2 is 0-2% bigger, 4 no smaller, 5 10% smaller at 2.5 times the cost.
 *   GZIP 6: zlib's own default; gzip is chosen for compatibility, not speed.
 */
#define ZSTD_DEFAULT_LEVEL 1
#define GZIP_DEFAULT_LEVEL 6
#define BROTLI_DEFAULT_LEVEL 3

/* A per-thread ZSTD compression context bigger than this (a high level on a big
 * page) is freed after use rather than pinned for the thread's lifetime. */
#define CCTX_KEEP_MAX ((size_t)16 << 20)

/* gzip's header and trailer (18 bytes) against zlib's (6), which compressBound assumes. */
#define GZIP_WRAPPER_EXTRA 12

/* Growth step for encoders that run out of room despite their bound. */
#define OUT_STEP ((size_t)64 << 10)

static const char *codec_label(pq_codec c)
{
    static const char *const names[] = {"UNCOMPRESSED", "SNAPPY", "GZIP", "LZO",
                                        "BROTLI",       "LZ4",    "ZSTD", "LZ4_RAW"};
    return (unsigned)c < sizeof(names) / sizeof(names[0]) ? names[c] : "unknown codec";
}

static int decode_error(pq_codec c, size_t src_len, size_t dst_len, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

/* One message shape for every decoder failure, so a user can tell codec, page
 * size and declared size apart without knowing the codec's internals. */
static int decode_error(pq_codec c, size_t src_len, size_t dst_len, const char *fmt, ...)
{
    char why[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof(why), fmt, ap);
    va_end(ap);
    return st_error_set(ST_ECORRUPT, ST_ERROR_CODEC,
                        "%s page of %zu bytes declared to decompress to %zu bytes: %s",
                        codec_label(c), src_len, dst_len, why);
}

static int too_short(pq_codec c, size_t src_len, size_t dst_len, size_t got)
{
    return decode_error(c, src_len, dst_len, "it decompresses to only %zu bytes", got);
}

static int too_long(pq_codec c, size_t src_len, size_t dst_len)
{
    return decode_error(c, src_len, dst_len, "it decompresses to more bytes than declared");
}

/* zlib's stream fields are 32-bit; bigger buffers are fed in pieces. */
static uInt clamp_uint(size_t n)
{
    return n > UINT_MAX ? UINT_MAX : (uInt)n;
}

static uint32_t load_be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint32_t load_le32(const uint8_t *p)
{
    return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

/* ---- allocation shims: every library allocates through st_malloc ---- */

static void *lib_alloc(void *opaque, size_t n)
{
    return st_malloc(n);
}

static void lib_free(void *opaque, void *p)
{
    st_free(p);
}

static voidpf zlib_alloc(voidpf opaque, uInt items, uInt size)
{
    return st_mallocarray(items, size);
}

static void zlib_free(voidpf opaque, voidpf p)
{
    st_free(p);
}

static const ZSTD_customMem zstd_mem = {lib_alloc, lib_free, NULL};

/*
 * Brotli's encoder (1.0.x) calls exit() when an allocation fails, which a library
 * must never let happen. So each encoder run allocates through a tracker that
 * knows every live block: on failure the allocation hook longjmps back to the
 * run, which frees everything the encoder held instead of returning NULL to it.
 */
typedef union tracked_block {
    struct {
        union tracked_block *prev, *next;
    } link;
    max_align_t align; /* keeps the payload after the header suitably aligned */
} tracked_block;

typedef struct {
    tracked_block head; /* sentinel of a circular list */
    jmp_buf *escape;
} alloc_tracker;

static void tracker_init(alloc_tracker *t)
{
    t->head.link.prev = t->head.link.next = &t->head;
    t->escape = NULL;
}

static void *tracked_alloc(void *opaque, size_t n)
{
    alloc_tracker *t = opaque;
    tracked_block *b = NULL;
    if (n <= SIZE_MAX - sizeof(*b))
        b = st_malloc(sizeof(*b) + n);
    if (!b) {
        if (t->escape)
            longjmp(*t->escape, 1);
        return NULL;
    }
    b->link.prev = &t->head;
    b->link.next = t->head.link.next;
    t->head.link.next->link.prev = b;
    t->head.link.next = b;
    return b + 1;
}

static void tracked_free(void *opaque, void *p)
{
    tracked_block *b;
    if (!p)
        return;
    b = (tracked_block *)p - 1;
    b->link.prev->link.next = b->link.next;
    b->link.next->link.prev = b->link.prev;
    st_free(b);
}

static void tracker_free_all(alloc_tracker *t)
{
    while (t->head.link.next != &t->head)
        tracked_free(t, t->head.link.next + 1);
}

/* ---- per-thread ZSTD contexts ---- */

/*
 * Creating a ZSTD context costs more than decompressing a small page, so each
 * thread keeps one of each, created lazily. A pthread key's destructor frees them
 * when the thread exits; until that hook is registered nothing is cached, so a
 * context can never outlive its thread unnoticed.
 */
typedef struct {
    ZSTD_DCtx *dctx;
    ZSTD_CCtx *cctx;
    bool registered;
} thread_cache;

static _Thread_local thread_cache tls_cache;
static pthread_once_t cache_once = PTHREAD_ONCE_INIT;
static pthread_key_t cache_key;
static bool cache_key_ok;

static void cache_release(void *p)
{
    thread_cache *c = p;
    ZSTD_freeDCtx(c->dctx);
    ZSTD_freeCCtx(c->cctx);
    c->dctx = NULL;
    c->cctx = NULL;
    c->registered = false;
}

static void cache_key_create(void)
{
    cache_key_ok = pthread_key_create(&cache_key, cache_release) == 0;
}

static bool cache_register(void)
{
    if (!tls_cache.registered) {
        pthread_once(&cache_once, cache_key_create);
        tls_cache.registered = cache_key_ok && pthread_setspecific(cache_key, &tls_cache) == 0;
    }
    return tls_cache.registered;
}

static ZSTD_DCtx *dctx_acquire(void)
{
    ZSTD_DCtx *d = tls_cache.dctx;
    if (d)
        return d;
    d = ZSTD_createDCtx_advanced(zstd_mem);
    if (d && cache_register())
        tls_cache.dctx = d;
    return d;
}

static void dctx_release(ZSTD_DCtx *d)
{
    if (d != tls_cache.dctx)
        ZSTD_freeDCtx(d);
}

static ZSTD_CCtx *cctx_acquire(void)
{
    ZSTD_CCtx *c = tls_cache.cctx;
    if (c)
        return c;
    c = ZSTD_createCCtx_advanced(zstd_mem);
    if (c && cache_register())
        tls_cache.cctx = c;
    return c;
}

static void cctx_release(ZSTD_CCtx *c)
{
    if (c == tls_cache.cctx && ZSTD_sizeof_CCtx(c) <= CCTX_KEEP_MAX)
        return;
    if (c == tls_cache.cctx)
        tls_cache.cctx = NULL;
    ZSTD_freeCCtx(c);
}

/* ---- decoders ---- */

static int decode_snappy(const uint8_t *src, size_t src_len, uint8_t *dst, size_t dst_len)
{
    size_t declared, got = dst_len;
    if (snappy_uncompressed_length((const char *)src, src_len, &declared) != SNAPPY_OK)
        return decode_error(PQ_CODEC_SNAPPY, src_len, dst_len, "invalid snappy length prefix");
    if (declared != dst_len)
        return decode_error(PQ_CODEC_SNAPPY, src_len, dst_len,
                            "its snappy length prefix says %zu bytes", declared);
    if (snappy_uncompress((const char *)src, src_len, (char *)dst, &got) != SNAPPY_OK)
        return decode_error(PQ_CODEC_SNAPPY, src_len, dst_len, "malformed snappy data");
    if (got != dst_len)
        return too_short(PQ_CODEC_SNAPPY, src_len, dst_len, got);
    return 0;
}

static int decode_gzip(const uint8_t *src, size_t src_len, uint8_t *dst, size_t dst_len)
{
    z_stream zs;
    size_t ip = 0, op = 0;
    uint8_t spill_byte;
    int ret, rc = 0;

    memset(&zs, 0, sizeof(zs));
    zs.zalloc = zlib_alloc;
    zs.zfree = zlib_free;
    /* 15 + 32: the largest window, and detect a gzip or zlib header by itself. */
    ret = inflateInit2(&zs, 15 + 32);
    if (ret == Z_MEM_ERROR)
        return st_error_set_oom();
    if (ret != Z_OK)
        return st_error_set(ST_ERROR, ST_ERROR_CODEC, "zlib inflateInit2 failed (%d)", ret);

    for (;;) {
        uInt in_n = clamp_uint(src_len - ip), out_n;
        /* Once dst is full, one spare byte catches data that would run past it. */
        bool spill = op == dst_len;
        zs.next_in = (z_const Bytef *)(src + ip);
        zs.avail_in = in_n;
        zs.next_out = spill ? &spill_byte : dst + op;
        zs.avail_out = out_n = spill ? 1 : clamp_uint(dst_len - op);
        ret = inflate(&zs, Z_NO_FLUSH);
        ip += in_n - zs.avail_in;
        /* zlib promises progress with Z_OK; do not spin if that ever fails to hold. */
        if (ret == Z_OK && zs.avail_in == in_n && zs.avail_out == out_n)
            ret = Z_BUF_ERROR;
        if (spill && zs.avail_out == 0) {
            rc = too_long(PQ_CODEC_GZIP, src_len, dst_len);
            break;
        }
        if (!spill)
            op += out_n - zs.avail_out;
        if (ret == Z_STREAM_END) {
            if (ip == src_len)
                break;
            /* Another gzip member follows (concatenated members are one stream). */
            if (inflateReset(&zs) != Z_OK) {
                rc = st_error_set(ST_ERROR, ST_ERROR_CODEC, "zlib inflateReset failed");
                break;
            }
            continue;
        }
        if (ret == Z_OK)
            continue;
        if (ret == Z_MEM_ERROR)
            rc = st_error_set_oom();
        else if (ret == Z_BUF_ERROR)
            rc = decode_error(PQ_CODEC_GZIP, src_len, dst_len, "truncated deflate stream");
        else if (ret == Z_NEED_DICT)
            rc = decode_error(PQ_CODEC_GZIP, src_len, dst_len, "needs a preset dictionary");
        else
            rc = decode_error(PQ_CODEC_GZIP, src_len, dst_len, "%s",
                              zs.msg ? zs.msg : "malformed deflate stream");
        break;
    }
    inflateEnd(&zs);
    if (rc == 0 && op != dst_len)
        rc = too_short(PQ_CODEC_GZIP, src_len, dst_len, op);
    return rc;
}

/* One raw LZ4 block; the decoded length, or -1 when malformed or over `cap`. */
static long lz4_block(const uint8_t *src, size_t src_len, uint8_t *dst, size_t cap)
{
    if (src_len > INT_MAX)
        return -1;
    if (cap > INT_MAX)
        cap = INT_MAX;
    return LZ4_decompress_safe((const char *)src, (char *)dst, (int)src_len, (int)cap);
}

/*
 * Hadoop's block framing, as parquet-mr writes LZ4: blocks of [BE32 decompressed
 * size] followed by chunks of [BE32 compressed size][LZ4 block] until the block's
 * bytes are produced. True only when the sizes are consistent throughout and the
 * whole input yields exactly dst_len bytes.
 */
static bool lz4_hadoop(const uint8_t *src, size_t src_len, uint8_t *dst, size_t dst_len)
{
    size_t ip = 0, op = 0;
    if (src_len < 4)
        return false;
    while (ip < src_len) {
        size_t block, end;
        if (src_len - ip < 4)
            return false;
        block = load_be32(src + ip);
        ip += 4;
        if (block > dst_len - op)
            return false;
        end = op + block;
        /* Arrow's writer follows an empty block with an empty chunk (one zero byte);
         * Hadoop's writes no chunk at all. */
        if (block == 0 && src_len - ip >= 5 && load_be32(src + ip) == 1 && src[ip + 4] == 0)
            ip += 5;
        while (op < end) {
            size_t clen;
            long n;
            if (src_len - ip < 4)
                return false;
            clen = load_be32(src + ip);
            ip += 4;
            if (clen == 0 || clen > src_len - ip)
                return false;
            n = lz4_block(src + ip, clen, dst + op, end - op);
            if (n <= 0)
                return false;
            ip += clen;
            op += (size_t)n;
        }
    }
    return op == dst_len;
}

/* The LZ4 frame format (possibly several frames); 0, or an error already set. */
static int lz4_frames(const uint8_t *src, size_t src_len, uint8_t *dst, size_t dst_len)
{
    LZ4F_CustomMem mem = {lib_alloc, NULL, lib_free, NULL};
    LZ4F_dctx *d = LZ4F_createDecompressionContext_advanced(mem, LZ4F_VERSION);
    size_t ip = 0, op = 0;
    uint8_t spill_byte;
    int rc = 0;

    if (!d)
        return st_error_set_oom();
    for (;;) {
        bool spill = op == dst_len;
        size_t in_n = src_len - ip, out_n = spill ? 1 : dst_len - op;
        size_t hint = LZ4F_decompress(d, spill ? &spill_byte : dst + op, &out_n, src + ip,
                                      &in_n, NULL);
        if (LZ4F_isError(hint)) {
            if (LZ4F_getErrorCode(hint) == LZ4F_ERROR_allocation_failed)
                rc = st_error_set_oom();
            else
                rc = decode_error(PQ_CODEC_LZ4, src_len, dst_len, "LZ4 frame: %s",
                                  LZ4F_getErrorName(hint));
            break;
        }
        ip += in_n;
        if (spill && out_n) {
            rc = too_long(PQ_CODEC_LZ4, src_len, dst_len);
            break;
        }
        op += out_n;
        /* hint 0 with input left: another frame starts, the context is ready for it. */
        if (hint == 0 && ip == src_len)
            break;
        if (in_n == 0 && out_n == 0) {
            rc = decode_error(PQ_CODEC_LZ4, src_len, dst_len, "truncated LZ4 frame");
            break;
        }
    }
    LZ4F_freeDecompressionContext(d);
    if (rc == 0 && op != dst_len)
        rc = too_short(PQ_CODEC_LZ4, src_len, dst_len, op);
    return rc;
}

/*
 * Codec 5 means different things by writer: Hadoop framing (parquet-mr), a raw
 * block (older parquet-cpp), rarely the frame format. Hadoop goes first because
 * its size headers make an accidental match essentially impossible.
 */
static int decode_lz4(const uint8_t *src, size_t src_len, uint8_t *dst, size_t dst_len)
{
    uint32_t magic;
    long n;
    if (lz4_hadoop(src, src_len, dst, dst_len))
        return 0;
    n = lz4_block(src, src_len, dst, dst_len);
    if (n >= 0 && (size_t)n == dst_len && dst_len <= INT_MAX)
        return 0;
    magic = src_len >= 4 ? load_le32(src) : 0;
    if (magic == LZ4F_MAGICNUMBER || (magic & 0xFFFFFFF0u) == LZ4F_MAGIC_SKIPPABLE_START)
        return lz4_frames(src, src_len, dst, dst_len);
    return decode_error(PQ_CODEC_LZ4, src_len, dst_len,
                        "neither Hadoop-framed LZ4, a raw LZ4 block nor an LZ4 frame "
                        "of that size");
}

static int decode_lz4_raw(const uint8_t *src, size_t src_len, uint8_t *dst, size_t dst_len)
{
    long n = lz4_block(src, src_len, dst, dst_len);
    if (n < 0 || dst_len > INT_MAX)
        return decode_error(PQ_CODEC_LZ4_RAW, src_len, dst_len,
                            "malformed LZ4 block, or it decompresses to more bytes than declared");
    if ((size_t)n != dst_len)
        return too_short(PQ_CODEC_LZ4_RAW, src_len, dst_len, (size_t)n);
    return 0;
}

static int decode_zstd(const uint8_t *src, size_t src_len, uint8_t *dst, size_t dst_len)
{
    ZSTD_DCtx *d = dctx_acquire();
    size_t n;
    if (!d)
        return st_error_set_oom();
    /* Decodes every frame in src (skippable ones included) into dst, bounded by dst_len. */
    n = ZSTD_decompressDCtx(d, dst, dst_len, src, src_len);
    dctx_release(d);
    if (ZSTD_isError(n)) {
        switch (ZSTD_getErrorCode(n)) {
        case ZSTD_error_dstSize_tooSmall:
            return too_long(PQ_CODEC_ZSTD, src_len, dst_len);
        case ZSTD_error_memory_allocation:
            return st_error_set_oom();
        default:
            return decode_error(PQ_CODEC_ZSTD, src_len, dst_len, "malformed zstd data (%s)",
                                ZSTD_getErrorName(n));
        }
    }
    if (n != dst_len)
        return too_short(PQ_CODEC_ZSTD, src_len, dst_len, n);
    return 0;
}

static int decode_brotli(const uint8_t *src, size_t src_len, uint8_t *dst, size_t dst_len)
{
    BrotliDecoderState *s = BrotliDecoderCreateInstance(lib_alloc, lib_free, NULL);
    const uint8_t *next_in = src;
    size_t avail_in = src_len, op = 0;
    uint8_t spill_byte;
    int rc = 0;

    if (!s)
        return st_error_set_oom();
    for (;;) {
        bool spill = op == dst_len;
        size_t room = spill ? 1 : dst_len - op, avail_out = room, in_before = avail_in;
        uint8_t *next_out = spill ? &spill_byte : dst + op;
        BrotliDecoderResult r =
            BrotliDecoderDecompressStream(s, &avail_in, &next_in, &avail_out, &next_out, NULL);
        size_t wrote = room - avail_out;
        if (spill && wrote) {
            rc = too_long(PQ_CODEC_BROTLI, src_len, dst_len);
            break;
        }
        op += wrote;
        if (r == BROTLI_DECODER_RESULT_SUCCESS) {
            if (avail_in)
                rc = decode_error(PQ_CODEC_BROTLI, src_len, dst_len,
                                  "%zu bytes follow the end of the brotli stream", avail_in);
            break;
        }
        if (r == BROTLI_DECODER_RESULT_NEEDS_MORE_OUTPUT) {
            if (wrote == 0 && avail_in == in_before) {
                rc = too_long(PQ_CODEC_BROTLI, src_len, dst_len);
                break;
            }
            continue;
        }
        if (r == BROTLI_DECODER_RESULT_NEEDS_MORE_INPUT) {
            /* All input was offered at once, so wanting more means it was cut short. */
            rc = decode_error(PQ_CODEC_BROTLI, src_len, dst_len, "truncated brotli stream");
            break;
        }
        {
            BrotliDecoderErrorCode e = BrotliDecoderGetErrorCode(s);
            if (e <= BROTLI_DECODER_ERROR_ALLOC_CONTEXT_MODES &&
                e >= BROTLI_DECODER_ERROR_ALLOC_BLOCK_TYPE_TREES)
                rc = st_error_set_oom();
            else
                rc = decode_error(PQ_CODEC_BROTLI, src_len, dst_len, "malformed brotli data (%s)",
                                  BrotliDecoderErrorString(e));
        }
        break;
    }
    BrotliDecoderDestroyInstance(s);
    if (rc == 0 && op != dst_len)
        rc = too_short(PQ_CODEC_BROTLI, src_len, dst_len, op);
    return rc;
}

int pq_decompress(pq_codec codec, const uint8_t *src, size_t src_len, uint8_t *dst,
                  size_t dst_len)
{
    /* Libraries differ on NULL with length 0; give them a real address instead. */
    uint8_t dst_dummy;

    if ((unsigned)codec > PQ_CODEC_LZ4_RAW)
        return st_error_set(ST_EUNSUPPORTED, ST_ERROR_CODEC, "unknown compression codec %d",
                            (int)codec);
    if ((!src && src_len) || (!dst && dst_len))
        return st_error_set(ST_EINVALID, ST_ERROR_INVALID, "pq_decompress: NULL buffer");
    /* A v2 page holding only levels has no data section at all, whatever the codec. */
    if (src_len == 0) {
        if (dst_len == 0)
            return 0;
        return decode_error(codec, src_len, dst_len, "the page has no data");
    }
    if (!dst)
        dst = &dst_dummy;

    switch (codec) {
    case PQ_CODEC_UNCOMPRESSED:
        if (src_len != dst_len)
            return decode_error(codec, src_len, dst_len, "an uncompressed page's sizes differ");
        memcpy(dst, src, dst_len);
        return 0;
    case PQ_CODEC_SNAPPY:
        return decode_snappy(src, src_len, dst, dst_len);
    case PQ_CODEC_GZIP:
        return decode_gzip(src, src_len, dst, dst_len);
    case PQ_CODEC_LZO:
        return st_error_set(ST_EUNSUPPORTED, ST_ERROR_CODEC,
                            "LZO-compressed pages are not supported (page of %zu bytes)",
                            src_len);
    case PQ_CODEC_BROTLI:
        return decode_brotli(src, src_len, dst, dst_len);
    case PQ_CODEC_LZ4:
        return decode_lz4(src, src_len, dst, dst_len);
    case PQ_CODEC_ZSTD:
        return decode_zstd(src, src_len, dst, dst_len);
    case PQ_CODEC_LZ4_RAW:
        return decode_lz4_raw(src, src_len, dst, dst_len);
    }
    return st_error_set(ST_EUNSUPPORTED, ST_ERROR_CODEC, "unknown compression codec %d",
                        (int)codec);
}

/* ---- encoders ---- */

/* Room for at least `want` bytes after out->len, keeping st_buf's spare NUL byte. */
static int out_room(st_buf *out, size_t want, size_t *room)
{
    if (st_buf_grow(out, want) < 0)
        return ST_ENOMEM;
    *room = out->cap - out->len - 1;
    return 0;
}

static int level_error(pq_codec c, int level, int lo, int hi)
{
    return st_error_set(ST_EINVALID, ST_ERROR_CODEC,
                        "%s compression level %d is out of range (0 for the default, or %d..%d)",
                        codec_label(c), level, lo, hi);
}

static int too_large(pq_codec c, size_t n)
{
    return st_error_set(ST_EINVALID, ST_ERROR_CODEC, "%zu bytes are too many for one %s block",
                        n, codec_label(c));
}

static int encode_snappy(const uint8_t *src, size_t n, st_buf *out)
{
    size_t room, got;
    /* The format's length prefix is 32 bits. */
    if (n > UINT32_MAX)
        return too_large(PQ_CODEC_SNAPPY, n);
    if (out_room(out, snappy_max_compressed_length(n), &room) < 0)
        return ST_ENOMEM;
    got = room;
    if (snappy_compress((const char *)src, n, (char *)out->ptr + out->len, &got) != SNAPPY_OK)
        return st_error_set(ST_ERROR, ST_ERROR_CODEC, "snappy compression of %zu bytes failed", n);
    out->len += got;
    return 0;
}

static int encode_gzip(int level, const uint8_t *src, size_t n, st_buf *out)
{
    z_stream zs;
    size_t ip = 0, room, want;
    int ret, rc = 0;

    memset(&zs, 0, sizeof(zs));
    zs.zalloc = zlib_alloc;
    zs.zfree = zlib_free;
    /* 15 + 16: the largest window, with a gzip wrapper rather than zlib's. */
    ret = deflateInit2(&zs, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
    if (ret == Z_MEM_ERROR)
        return st_error_set_oom();
    if (ret != Z_OK)
        return st_error_set(ST_ERROR, ST_ERROR_CODEC, "zlib deflateInit2 failed (%d)", ret);
    want = deflateBound(&zs, (uLong)n);
    for (;;) {
        uInt in_n = clamp_uint(n - ip), out_n;
        if (out_room(out, want, &room) < 0) {
            rc = ST_ENOMEM;
            break;
        }
        zs.next_in = (z_const Bytef *)(src + ip);
        zs.avail_in = in_n;
        zs.next_out = out->ptr + out->len;
        zs.avail_out = out_n = clamp_uint(room);
        ret = deflate(&zs, n - ip == in_n ? Z_FINISH : Z_NO_FLUSH);
        ip += in_n - zs.avail_in;
        out->len += out_n - zs.avail_out;
        if (ret == Z_STREAM_END)
            break;
        if (ret != Z_OK && ret != Z_BUF_ERROR) {
            rc = st_error_set(ST_ERROR, ST_ERROR_CODEC, "zlib deflate failed (%d)", ret);
            break;
        }
        want = OUT_STEP;
    }
    deflateEnd(&zs);
    return rc;
}

static int encode_lz4_raw(int level, const uint8_t *src, size_t n, st_buf *out)
{
    size_t room;
    int bound, got;
    void *state;
    if (n > LZ4_MAX_INPUT_SIZE)
        return too_large(PQ_CODEC_LZ4_RAW, n);
    bound = LZ4_compressBound((int)n);
    if (out_room(out, (size_t)bound, &room) < 0)
        return ST_ENOMEM;
    if (level == 0) {
        got = LZ4_compress_default((const char *)src, (char *)out->ptr + out->len, (int)n,
                                   bound);
    } else {
        /* The HC state is large; its own allocation keeps it off the stack and in st_malloc. */
        state = st_malloc((size_t)LZ4_sizeofStateHC());
        if (!state)
            return ST_ENOMEM;
        got = LZ4_compress_HC_extStateHC(state, (const char *)src, (char *)out->ptr + out->len,
                                         (int)n, bound, level);
        st_free(state);
    }
    if (got <= 0)
        return st_error_set(ST_ERROR, ST_ERROR_CODEC, "LZ4 compression of %zu bytes failed", n);
    out->len += (size_t)got;
    return 0;
}

static int encode_zstd(int level, const uint8_t *src, size_t n, st_buf *out)
{
    size_t bound = ZSTD_compressBound(n), room, got;
    ZSTD_CCtx *c;
    if (ZSTD_isError(bound) || bound == 0)
        return too_large(PQ_CODEC_ZSTD, n);
    if (out_room(out, bound, &room) < 0)
        return ST_ENOMEM;
    c = cctx_acquire();
    if (!c)
        return st_error_set_oom();
    got = ZSTD_compressCCtx(c, out->ptr + out->len, room, src, n, level);
    cctx_release(c);
    if (ZSTD_isError(got)) {
        if (ZSTD_getErrorCode(got) == ZSTD_error_memory_allocation)
            return st_error_set_oom();
        return st_error_set(ST_ERROR, ST_ERROR_CODEC, "zstd compression of %zu bytes failed: %s",
                            n, ZSTD_getErrorName(got));
    }
    out->len += got;
    return 0;
}

/* The streaming loop of one brotli encoder run; allocation failure never returns here. */
static int brotli_stream(alloc_tracker *t, int quality, const uint8_t *src, size_t n,
                         st_buf *out)
{
    BrotliEncoderState *s = BrotliEncoderCreateInstance(tracked_alloc, tracked_free, t);
    const uint8_t *next_in = src;
    size_t avail_in = n, want = BrotliEncoderMaxCompressedSize(n), room;
    int rc = 0;

    if (!s)
        return st_error_set_oom();
    if (!BrotliEncoderSetParameter(s, BROTLI_PARAM_QUALITY, (uint32_t)quality) ||
        !BrotliEncoderSetParameter(s, BROTLI_PARAM_SIZE_HINT,
                                   n > (1u << 30) ? (1u << 30) : (uint32_t)n)) {
        BrotliEncoderDestroyInstance(s);
        return st_error_set(ST_ERROR, ST_ERROR_CODEC, "brotli rejected quality %d", quality);
    }
    if (want == 0)
        want = OUT_STEP;
    for (;;) {
        uint8_t *next_out;
        size_t avail_out;
        if (out_room(out, want, &room) < 0) {
            rc = ST_ENOMEM;
            break;
        }
        next_out = out->ptr + out->len;
        avail_out = room;
        if (!BrotliEncoderCompressStream(s, BROTLI_OPERATION_FINISH, &avail_in, &next_in,
                                         &avail_out, &next_out, NULL)) {
            rc = st_error_set(ST_ERROR, ST_ERROR_CODEC, "brotli compression of %zu bytes failed",
                              n);
            break;
        }
        out->len += room - avail_out;
        if (BrotliEncoderIsFinished(s))
            break;
        want = OUT_STEP;
    }
    BrotliEncoderDestroyInstance(s);
    return rc;
}

/* Kept apart from brotli_stream so that no local is live across the longjmp. */
static int brotli_run(alloc_tracker *t, int quality, const uint8_t *src, size_t n, st_buf *out)
{
    jmp_buf escape;
    if (setjmp(escape)) {
        t->escape = NULL;
        return st_error_set_oom();
    }
    t->escape = &escape;
    {
        int rc = brotli_stream(t, quality, src, n, out);
        t->escape = NULL;
        return rc;
    }
}

static int encode_brotli(int quality, const uint8_t *src, size_t n, st_buf *out)
{
    alloc_tracker t;
    int rc;
    tracker_init(&t);
    rc = brotli_run(&t, quality, src, n, out);
    /* After an escape the encoder's blocks are still listed; free them all. */
    tracker_free_all(&t);
    return rc;
}

int pq_compress(pq_codec codec, int level, const uint8_t *src, size_t src_len, st_buf *out)
{
    static const uint8_t src_dummy;
    size_t len0 = out->len;
    int rc;

    if (!src) {
        if (src_len)
            return st_error_set(ST_EINVALID, ST_ERROR_INVALID, "pq_compress: NULL input");
        src = &src_dummy;
    }
    switch (codec) {
    case PQ_CODEC_UNCOMPRESSED:
        rc = st_buf_put(out, src, src_len);
        break;
    case PQ_CODEC_SNAPPY:
        rc = encode_snappy(src, src_len, out);
        break;
    case PQ_CODEC_GZIP:
        if (level < 0 || level > 9)
            return level_error(codec, level, 1, 9);
        rc = encode_gzip(level ? level : GZIP_DEFAULT_LEVEL, src, src_len, out);
        break;
    case PQ_CODEC_BROTLI:
        if (level < 0 || level > BROTLI_MAX_QUALITY)
            return level_error(codec, level, 1, BROTLI_MAX_QUALITY);
        rc = encode_brotli(level ? level : BROTLI_DEFAULT_LEVEL, src, src_len, out);
        break;
    case PQ_CODEC_LZ4_RAW:
        if (level < 0 || level > LZ4HC_CLEVEL_MAX)
            return level_error(codec, level, 1, LZ4HC_CLEVEL_MAX);
        rc = encode_lz4_raw(level, src, src_len, out);
        break;
    case PQ_CODEC_ZSTD:
        if (level < ZSTD_minCLevel() || level > ZSTD_maxCLevel())
            return level_error(codec, level, ZSTD_minCLevel(), ZSTD_maxCLevel());
        rc = encode_zstd(level ? level : ZSTD_DEFAULT_LEVEL, src, src_len, out);
        break;
    case PQ_CODEC_LZ4:
        return st_error_set(ST_EUNSUPPORTED, ST_ERROR_CODEC,
                            "writing LZ4 (Hadoop-framed) pages is not supported: the codec is "
                            "deprecated, use LZ4_RAW");
    case PQ_CODEC_LZO:
        return st_error_set(ST_EUNSUPPORTED, ST_ERROR_CODEC,
                            "writing LZO-compressed pages is not supported");
    default:
        return st_error_set(ST_EUNSUPPORTED, ST_ERROR_CODEC, "unknown compression codec %d",
                            (int)codec);
    }
    if (rc < 0) {
        out->len = len0;
        if (out->ptr)
            out->ptr[len0] = 0;
        return rc;
    }
    out->ptr[out->len] = 0;
    return 0;
}

size_t pq_compress_bound(pq_codec codec, size_t src_len)
{
    size_t b;
    switch (codec) {
    case PQ_CODEC_UNCOMPRESSED:
        return src_len;
    case PQ_CODEC_SNAPPY:
        return src_len <= UINT32_MAX ? snappy_max_compressed_length(src_len) : SIZE_MAX;
    case PQ_CODEC_GZIP:
        if (src_len > SIZE_MAX / 2 || src_len > ULONG_MAX / 2)
            return SIZE_MAX;
        return (size_t)compressBound((uLong)src_len) + GZIP_WRAPPER_EXTRA;
    case PQ_CODEC_LZ4_RAW:
        return src_len <= LZ4_MAX_INPUT_SIZE ? (size_t)LZ4_compressBound((int)src_len) : SIZE_MAX;
    case PQ_CODEC_ZSTD:
        b = ZSTD_compressBound(src_len);
        return ZSTD_isError(b) || b == 0 ? SIZE_MAX : b;
    case PQ_CODEC_BROTLI:
        b = BrotliEncoderMaxCompressedSize(src_len);
        return b ? b : SIZE_MAX;
    default:
        return 0;
    }
}

/* ASCII-only, so the result does not depend on the C locale. */
static bool name_equal(const char *a, const char *b)
{
    for (;; a++, b++) {
        char ca = *a >= 'A' && *a <= 'Z' ? (char)(*a - 'A' + 'a') : *a;
        if (ca != *b)
            return false;
        if (!ca)
            return true;
    }
}

int pq_codec_from_name(const char *name, pq_codec *out)
{
    static const struct {
        const char *name;
        pq_codec codec;
    } names[] = {
        {"none", PQ_CODEC_UNCOMPRESSED}, {"uncompressed", PQ_CODEC_UNCOMPRESSED},
        {"snappy", PQ_CODEC_SNAPPY},     {"gzip", PQ_CODEC_GZIP},
        {"brotli", PQ_CODEC_BROTLI},     {"lz4", PQ_CODEC_LZ4},
        {"lz4_raw", PQ_CODEC_LZ4_RAW},   {"zstd", PQ_CODEC_ZSTD},
    };
    if (name) {
        for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
            if (name_equal(name, names[i].name)) {
                *out = names[i].codec;
                return 0;
            }
        }
    }
    return st_error_set(ST_EINVALID, ST_ERROR_CODEC,
                        "unknown compression codec \"%s\" (expected none, uncompressed, snappy, "
                        "gzip, brotli, lz4, lz4_raw or zstd)",
                        name ? name : "(null)");
}

uint32_t pq_crc32(uint32_t crc, const uint8_t *p, size_t n)
{
    /* zlib reads a NULL buffer as "give me the initial value", which would reset a
     * running CRC; an empty update must leave it alone. */
    if (n == 0)
        return crc;
    return (uint32_t)crc32_z(crc, p, n);
}
