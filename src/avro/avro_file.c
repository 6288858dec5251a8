/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Avro object container files: our framing around avro-c's datum codec.
 *
 * WHY NOT avro-c's avro_file_reader / avro_file_writer (checked against
 * Debian's libavro-dev 1.11.1):
 *
 * 1. avro_schema_to_json() drops every attribute it does not model: field-id,
 *    element-id, key-id, value-id, logicalType (also "map" on arrays),
 *    adjust-to-utc, and doc/default. Parsing
 *      {"name":"a","type":["null",{"type":"array","items":"long",
 *       "element-id":133}],"field-id":5}
 *    and printing it back gives
 *      {"name":"a","type":[{"type":"null"},{"type":"array","items":{"type":"long"}}]}
 *    avro-c's file writer writes avro.schema with that function, so a manifest
 *    written through it would carry no field ids, which the Iceberg spec
 *    requires (readers resolve every field by id).
 * 2. The file reader and writer (avro/io.h) expose no user key-value metadata:
 *    there is no call to set or get keys besides avro.schema/avro.codec, yet
 *    an Iceberg manifest needs schema, partition-spec, partition-spec-id,
 *    format-version, content, and a manifest list snapshot-id and friends.
 *
 * So we write and parse the container ourselves (magic "Obj\1", metadata map,
 * 16-byte sync marker, blocks of count + size + data + sync). Writing uses
 * avro-c to encode datums with its generic value interface (avro_value_write
 * on a memory buffer). Reading hands out each block's decompressed bytes and
 * the record decoders read them directly (avro_decode.h): avro-c's generic
 * values cost an allocation-heavy tree walk per record, more than half the
 * time of reading a manifest.
 *
 * FORMAT
 *   "Obj" 0x01
 *   map<bytes>  metadata: blocks of (long count, [long size if count < 0],
 *               count x (string key, bytes value)), ended by count 0
 *   16 bytes    sync marker
 *   blocks:     long record count, long byte size, size bytes of (compressed)
 *               records, 16 bytes sync marker
 * Codecs: "null"; "deflate" = raw deflate (RFC 1951, zlib windowBits -15);
 * "snappy" = snappy block + CRC-32 (big-endian) of the uncompressed bytes;
 * "zstandard" (also "zstd") = one or more zstd frames.
 */
#include <errno.h>
#include <snappy-c.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>

#include "avro/avro_decode.h"
#include "avro/avro_file.h"
#include "avro/avro_int.h"
#include "util/alloc.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/random.h"

#define BLOCK_TARGET 64000               /* Java's default sync interval */
#define MAX_BLOCK_BYTES (512u << 20)     /* decompressed block size we accept */

enum { CODEC_NULL, CODEC_DEFLATE, CODEC_SNAPPY, CODEC_ZSTD };

int st_avro_error(int code, int rc, const char *name, const char *what)
{
    if (rc == ENOMEM)
        return st_error_set_oom();
    return st_error_set(code, ST_ERROR_AVRO, "'%s': %s: avro-c: %s", name, what, avro_strerror());
}

/* zlib through our allocator, so allocation failures can be injected */
static voidpf z_alloc(voidpf opaque, uInt items, uInt size)
{
    (void)opaque;
    return st_calloc(items, size);
}

/* inflate never reads what it did not write: its 32 KiB window need not be zeroed */
static voidpf z_alloc_raw(voidpf opaque, uInt items, uInt size)
{
    (void)opaque;
    return st_reallocarray(NULL, items, size);
}

static void z_free(voidpf opaque, voidpf p)
{
    (void)opaque;
    st_free(p);
}

/* ================================================================ reader */

struct st_avro_reader {
    st_arena arena;
    const char *name;
    const uint8_t *data;
    size_t len;
    size_t pos;                  /* next block */
    const char **keys;
    const char **values;
    size_t *value_lens;
    int n_meta;
    uint8_t sync[16];
    int codec;
    const st_avro_type *schema;
    const char *schema_json;
    st_buf block;                /* decompressed block, reused */
    const uint8_t *block_end;    /* end of the current block's records */
    size_t block_offset;
    z_stream z;                  /* deflate: one stream, reset per block */
    int z_init;
    ZSTD_DCtx *zd;               /* zstd: one context, reset per block */
};

static int corrupt(const st_avro_reader *r, const char *fmt, size_t off)
{
    char what[256];
    snprintf(what, sizeof what, fmt, off);
    return st_error_set(ST_ECORRUPT, ST_ERROR_AVRO, "'%s': %s", r->name, what);
}

static int read_header_map(st_avro_reader *r, const uint8_t **pp, const uint8_t *end)
{
    int cap = 0;
    for (;;) {
        int64_t count, size;
        if (st_avro_get_long(pp, end, &count) < 0)
            return corrupt(r, "metadata map truncated at offset %zu", (size_t)(*pp - r->data));
        if (count == 0)
            return 0;
        if (count < 0) {
            if (count == INT64_MIN || st_avro_get_long(pp, end, &size) < 0)
                return corrupt(r, "bad metadata block at offset %zu", (size_t)(*pp - r->data));
            count = -count;
        }
        if ((uint64_t)count > (uint64_t)(end - *pp) / 2)
            return corrupt(r, "metadata block count larger than the file at offset %zu",
                           (size_t)(*pp - r->data));
        for (int64_t i = 0; i < count; i++) {
            int64_t kl, vl;
            const uint8_t *k, *v;
            if (st_avro_get_long(pp, end, &kl) < 0 || kl < 0 || kl > end - *pp)
                return corrupt(r, "metadata key truncated at offset %zu", (size_t)(*pp - r->data));
            k = *pp;
            *pp += kl;
            if (st_avro_get_long(pp, end, &vl) < 0 || vl < 0 || vl > end - *pp)
                return corrupt(r, "metadata value truncated at offset %zu",
                               (size_t)(*pp - r->data));
            v = *pp;
            *pp += vl;
            if (r->n_meta == cap) {
                int ncap = cap ? 2 * cap : 16;
                const char **nk = st_arena_alloc(&r->arena, (size_t)ncap * sizeof *nk);
                const char **nv = st_arena_alloc(&r->arena, (size_t)ncap * sizeof *nv);
                size_t *nl = st_arena_alloc(&r->arena, (size_t)ncap * sizeof *nl);
                if (!nk || !nv || !nl)
                    return ST_ENOMEM;
                if (cap) {
                    memcpy(nk, r->keys, (size_t)cap * sizeof *nk);
                    memcpy(nv, r->values, (size_t)cap * sizeof *nv);
                    memcpy(nl, r->value_lens, (size_t)cap * sizeof *nl);
                }
                r->keys = nk;
                r->values = nv;
                r->value_lens = nl;
                cap = ncap;
            }
            r->keys[r->n_meta] = st_arena_strndup(&r->arena, (const char *)k, (size_t)kl);
            r->values[r->n_meta] = st_arena_strndup(&r->arena, (const char *)v, (size_t)vl);
            if (!r->keys[r->n_meta] || !r->values[r->n_meta])
                return ST_ENOMEM;
            r->value_lens[r->n_meta] = (size_t)vl;
            r->n_meta++;
        }
    }
}

const char *st_avro_reader_meta(const st_avro_reader *r, const char *key, size_t *len_out)
{
    for (int i = r->n_meta - 1; i >= 0; i--)
        if (strcmp(r->keys[i], key) == 0) {
            if (len_out)
                *len_out = r->value_lens[i];
            return r->values[i];
        }
    return NULL;
}

int st_avro_reader_meta_count(const st_avro_reader *r) { return r->n_meta; }
const char *st_avro_reader_meta_key(const st_avro_reader *r, int i) { return r->keys[i]; }

static int setup_schema(st_avro_reader *r)
{
    size_t slen;
    const char *json = st_avro_reader_meta(r, "avro.schema", &slen);

    if (!json)
        return corrupt(r, "no avro.schema in the header%.0zu", 0);
    r->schema_json = json;
    return st_avro_schema_parse(&r->schema, NULL, &r->arena, json, slen, r->name);
}

static int setup_codec(st_avro_reader *r)
{
    const char *codec = st_avro_reader_meta(r, "avro.codec", NULL);
    if (!codec || !strcmp(codec, "null"))
        r->codec = CODEC_NULL;
    else if (!strcmp(codec, "deflate"))
        r->codec = CODEC_DEFLATE;
    else if (!strcmp(codec, "snappy"))
        r->codec = CODEC_SNAPPY;
    else if (!strcmp(codec, "zstandard") || !strcmp(codec, "zstd"))
        r->codec = CODEC_ZSTD;
    else
        return st_error_set(ST_EUNSUPPORTED, ST_ERROR_AVRO, "'%s': unsupported avro.codec '%.64s'",
                            r->name, codec);
    return 0;
}

int st_avro_reader_open(st_avro_reader **out, const uint8_t *data, size_t len, const char *name)
{
    st_avro_reader *r = st_calloc(1, sizeof *r);
    const uint8_t *p = data, *end = data + len;
    int rc;

    *out = NULL;
    if (!r)
        return ST_ENOMEM;
    r->data = data;
    r->len = len;
    if (!(r->name = st_arena_strdup(&r->arena, name ? name : "(avro)"))) {
        rc = ST_ENOMEM;
        goto fail;
    }
    if (len < 4 || memcmp(data, "Obj\1", 4) != 0) {
        rc = corrupt(r, "not an Avro container file (bad magic)%.0zu", 0);
        goto fail;
    }
    p += 4;
    if ((rc = read_header_map(r, &p, end)) < 0)
        goto fail;
    if ((size_t)(end - p) < 16) {
        rc = corrupt(r, "header truncated before the sync marker at offset %zu",
                     (size_t)(p - data));
        goto fail;
    }
    memcpy(r->sync, p, 16);
    p += 16;
    r->pos = (size_t)(p - data);
    if ((rc = setup_codec(r)) < 0 || (rc = setup_schema(r)) < 0)
        goto fail;
    *out = r;
    return 0;
fail:
    st_avro_reader_free(r);
    return rc;
}

const st_avro_type *st_avro_reader_schema(const st_avro_reader *r) { return r->schema; }
const char *st_avro_reader_schema_json(const st_avro_reader *r) { return r->schema_json; }
const char *st_avro_reader_name(const st_avro_reader *r) { return r->name; }

void st_avro_reader_free(st_avro_reader *r)
{
    if (!r)
        return;
    if (r->z_init)
        inflateEnd(&r->z);
    ZSTD_freeDCtx(r->zd);
    st_buf_dispose(&r->block);
    st_arena_dispose(&r->arena);
    st_free(r);
}

/*
 * Makes room for more decompressed bytes: at least 64 KiB (or as much again
 * as the block holds so far), never past MAX_BLOCK_BYTES in all. Returns the
 * room, 0 when the limit is reached, or ST_ENOMEM.
 */
static int64_t block_room(st_avro_reader *r)
{
    size_t room = r->block.cap > r->block.len + 1 ? r->block.cap - r->block.len - 1 : 0;
    if (room < 4096) {
        size_t want = r->block.len < 65536 ? 65536 : r->block.len;
        if (want > MAX_BLOCK_BYTES - r->block.len)
            want = MAX_BLOCK_BYTES - r->block.len;
        if (want == 0)
            return 0;
        if (st_buf_grow(&r->block, want) < 0)
            return ST_ENOMEM;
        room = r->block.cap - r->block.len - 1;
    }
    if (room > MAX_BLOCK_BYTES - r->block.len)
        room = MAX_BLOCK_BYTES - r->block.len;
    return (int64_t)room;
}

static int inflate_block(st_avro_reader *r, const uint8_t *src, size_t n)
{
    z_stream *z = &r->z;
    int zr;
    if (!r->z_init) {
        memset(z, 0, sizeof *z);
        z->zalloc = z_alloc_raw;
        z->zfree = z_free;
        if ((zr = inflateInit2(z, -15)) != Z_OK)
            return zr == Z_MEM_ERROR ? st_error_set_oom()
                                     : corrupt(r, "deflate: cannot start inflating%.0zu", 0);
        r->z_init = 1;
    } else if (inflateReset(z) != Z_OK) {
        return corrupt(r, "deflate: cannot start inflating%.0zu", 0);
    }
    z->next_in = (Bytef *)(uintptr_t)src;
    z->avail_in = (uInt)n;
    /* manifests deflate about 10:1 (blocks of ~64 KB): room for that at once
     * spares a regrowth */
    if (st_buf_reserve(&r->block, n < (1u << 16) ? 16 * n : 1u << 20) < 0)
        return ST_ENOMEM;
    for (;;) {
        int64_t room = block_room(r);
        if (room < 0)
            return (int)room;
        if (room == 0)
            return corrupt(r, "deflate block at offset %zu inflates past 512 MiB",
                           r->block_offset);
        z->next_out = r->block.ptr + r->block.len;
        z->avail_out = (uInt)room;
        zr = inflate(z, Z_NO_FLUSH);
        r->block.len += (size_t)room - z->avail_out;
        if (zr == Z_STREAM_END)
            return 0;
        if (zr == Z_MEM_ERROR)
            return st_error_set_oom();
        if (zr != Z_OK && zr != Z_BUF_ERROR)
            return corrupt(r, "bad deflate data in the block at offset %zu", r->block_offset);
        if (zr == Z_BUF_ERROR && z->avail_in == 0)
            return corrupt(r, "deflate data of the block at offset %zu is truncated",
                           r->block_offset);
    }
}

static int unsnappy_block(st_avro_reader *r, const uint8_t *src, size_t n)
{
    size_t ulen;
    if (n < 4 || snappy_uncompressed_length((const char *)src, n - 4, &ulen) != SNAPPY_OK ||
        ulen > MAX_BLOCK_BYTES)
        return corrupt(r, "bad snappy data in the block at offset %zu", r->block_offset);
    if (st_buf_grow(&r->block, ulen + 1) < 0)
        return ST_ENOMEM;
    if (snappy_uncompress((const char *)src, n - 4, (char *)r->block.ptr, &ulen) != SNAPPY_OK)
        return corrupt(r, "bad snappy data in the block at offset %zu", r->block_offset);
    r->block.len = ulen;
    uint32_t want = ((uint32_t)src[n - 4] << 24) | ((uint32_t)src[n - 3] << 16) |
                    ((uint32_t)src[n - 2] << 8) | src[n - 1];
    if ((uint32_t)crc32(0, r->block.ptr, (uInt)ulen) != want)
        return corrupt(r, "snappy block at offset %zu fails its CRC-32", r->block_offset);
    return 0;
}

static int unzstd_block(st_avro_reader *r, const uint8_t *src, size_t n)
{
    ZSTD_inBuffer in = {src, n, 0};
    if (!r->zd) {
        if (!(r->zd = ZSTD_createDCtx()))
            return st_error_set_oom();
    } else {
        ZSTD_DCtx_reset(r->zd, ZSTD_reset_session_only);
    }
    for (;;) {
        int64_t room = block_room(r);
        if (room < 0)
            return (int)room;
        if (room == 0)
            return corrupt(r, "zstd block at offset %zu decompresses past 512 MiB",
                           r->block_offset);
        ZSTD_outBuffer o = {r->block.ptr + r->block.len, (size_t)room, 0};
        size_t before = in.pos;
        size_t zr = ZSTD_decompressStream(r->zd, &o, &in);
        if (ZSTD_isError(zr))
            return corrupt(r, "bad zstd data in the block at offset %zu", r->block_offset);
        r->block.len += o.pos;
        if (zr == 0 && in.pos == in.size)
            return 0;
        if (o.pos == 0 && in.pos == before)
            return corrupt(r, "zstd data of the block at offset %zu is truncated",
                           r->block_offset);
    }
}

int st_avro_reader_next_block(st_avro_reader *r, const uint8_t **data, size_t *len,
                              int64_t *count_out)
{
    const uint8_t *p = r->data + r->pos, *end = r->data + r->len, *bp;
    int64_t count, size;
    size_t n;
    int rc;

    *data = NULL;
    *len = 0;
    *count_out = 0;
    if (p == end)
        return ST_ITEROVER;
    r->block_offset = r->pos;
    if (st_avro_get_long(&p, end, &count) < 0 || st_avro_get_long(&p, end, &size) < 0)
        return corrupt(r, "block header truncated at offset %zu", r->block_offset);
    if (count < 0 || size < 0)
        return corrupt(r, "negative record count or size in the block at offset %zu",
                       r->block_offset);
    if ((uint64_t)size > (uint64_t)(end - p) || (size_t)(end - p) - (size_t)size < 16)
        return corrupt(r, "block at offset %zu is truncated", r->block_offset);
    if (memcmp(p + size, r->sync, 16) != 0)
        return corrupt(r, "block at offset %zu does not end with the sync marker",
                       r->block_offset);
    r->pos = (size_t)(p - r->data) + (size_t)size + 16;

    if (r->codec == CODEC_NULL) {
        bp = p;
        n = (size_t)size;
    } else {
        st_buf_clear(&r->block);
        rc = r->codec == CODEC_DEFLATE  ? inflate_block(r, p, (size_t)size)
             : r->codec == CODEC_SNAPPY ? unsnappy_block(r, p, (size_t)size)
                                        : unzstd_block(r, p, (size_t)size);
        if (rc < 0)
            return rc;
        bp = r->block.ptr ? r->block.ptr : (const uint8_t *)"";
        n = r->block.len;
    }

    /* every record takes at least min_size bytes: a count past that is a lie */
    size_t min = r->schema->min_size;
    if (min ? (uint64_t)count > (uint64_t)n / min : count > (1 << 24))
        return corrupt(r, "block at offset %zu claims more records than it holds",
                       r->block_offset);
    r->block_end = bp + n;
    *data = bp;
    *len = n;
    *count_out = count;
    return 0;
}

int st_avro_reader_bad_record(const st_avro_reader *r, int64_t i)
{
    char what[160];
    snprintf(what, sizeof what, "record %lld of the block at offset %zu", (long long)i,
             r->block_offset);
    return st_error_set(ST_ECORRUPT, ST_ERROR_AVRO,
                        "'%s': %s is truncated or does not match the schema", r->name, what);
}

int st_avro_reader_block_end(const st_avro_reader *r, const uint8_t *p)
{
    if (p != r->block_end)
        return corrupt(r, "block at offset %zu holds bytes past its record count",
                       r->block_offset);
    return 0;
}

/* ================================================================ writer */

struct st_avro_writer {
    st_output *out;
    char *name;
    st_avro_codec codec;
    uint8_t sync[16];
    avro_schema_t aschema;
    avro_value_iface_t *iface;
    avro_value_t value;
    int has_value;
    avro_writer_t aw;
    st_buf block;
    int64_t block_count;
    st_buf zbuf;
    z_stream z;
    int z_init;
    uint64_t written;
    int failed;
};

static void put_long(st_buf *b, int64_t v)
{
    uint64_t u = ((uint64_t)v << 1) ^ (uint64_t)(v >> 63);
    uint8_t tmp[10];
    int n = 0;
    while (u >= 0x80) {
        tmp[n++] = (uint8_t)(u | 0x80);
        u >>= 7;
    }
    tmp[n++] = (uint8_t)u;
    st_buf_put(b, tmp, (size_t)n);
}

static int emit(st_avro_writer *w, const void *data, size_t n)
{
    int rc = st_output_write(w->out, data, n);
    if (rc < 0) {
        w->failed = 1;
        return rc;
    }
    w->written += n;
    return 0;
}


static int write_header(st_avro_writer *w, const char *schema_json, const char *const *meta,
                        int n_meta)
{
    const char *codec = w->codec == ST_AVRO_CODEC_DEFLATE ? "deflate" : "null";
    int have_schema = 0, have_codec = 0, n = 0;
    st_buf h = ST_BUF_INIT;
    int rc;

    for (int i = 0; i < n_meta; i++) {
        if (!strcmp(meta[2 * i], "avro.schema"))
            have_schema = 1;
        else if (!strcmp(meta[2 * i], "avro.codec"))
            have_codec = 1;
    }
    n = n_meta + !have_schema + !have_codec;
    st_buf_put(&h, "Obj\1", 4);
    put_long(&h, n);
#define KV(k, v, vl)                                                                            \
    do {                                                                                        \
        put_long(&h, (int64_t)strlen(k));                                                       \
        st_buf_puts(&h, k);                                                                     \
        put_long(&h, (int64_t)(vl));                                                            \
        st_buf_put(&h, v, vl);                                                                  \
    } while (0)
    if (!have_schema)
        KV("avro.schema", schema_json, strlen(schema_json));
    if (!have_codec)
        KV("avro.codec", codec, strlen(codec));
    for (int i = 0; i < n_meta; i++) {
        const char *k = meta[2 * i], *v = meta[2 * i + 1];
        if (!strcmp(k, "avro.schema"))
            v = schema_json;
        else if (!strcmp(k, "avro.codec"))
            v = codec;
        if (!v)
            v = "";
        KV(k, v, strlen(v));
    }
#undef KV
    put_long(&h, 0);
    st_buf_put(&h, w->sync, 16);
    /* st_buf_put leaves the buffer short on OOM: check the final length */
    if (!h.ptr || h.len < 4 + 16 + 2) {
        st_buf_dispose(&h);
        return st_error_set_oom();
    }
    rc = emit(w, h.ptr, h.len);
    st_buf_dispose(&h);
    return rc;
}

int st_avro_writer_open(st_avro_writer **out, st_output *o, const char *schema_json,
                        const char *const *meta, int n_meta, st_avro_codec codec,
                        const char *name)
{
    st_avro_writer *w = st_calloc(1, sizeof *w);
    st_arena arena = ST_ARENA_INIT;
    const st_avro_type *t;
    char *clean = NULL;
    int rc;

    *out = NULL;
    if (!w)
        return ST_ENOMEM;
    w->out = o;
    w->codec = codec;
    if (!(w->name = st_strdup(name ? name : "(avro)"))) {
        rc = ST_ENOMEM;
        goto fail;
    }
    if ((rc = st_random_bytes(w->sync, sizeof w->sync)) < 0)
        goto fail;
    /* our own schema text: sanitize names for avro-c the same way as on read */
    rc = st_avro_schema_parse(&t, &clean, &arena, schema_json, strlen(schema_json), w->name);
    st_arena_dispose(&arena);
    if (rc < 0)
        goto fail;
    rc = avro_schema_from_json_length(clean, strlen(clean), &w->aschema);
    st_free(clean);
    if (rc != 0) {
        w->aschema = NULL;
        rc = st_avro_error(ST_EINVALID, rc, w->name, "schema");
        goto fail;
    }
    if (!(w->iface = avro_generic_class_from_schema(w->aschema))) {
        rc = st_avro_error(ST_EINVALID, EINVAL, w->name, "schema");
        goto fail;
    }
    if ((rc = avro_generic_value_new(w->iface, &w->value)) != 0) {
        rc = st_avro_error(ST_EINVALID, rc, w->name, "schema");
        goto fail;
    }
    w->has_value = 1;
    if (st_buf_reserve(&w->block, 2 * BLOCK_TARGET) < 0) {
        rc = ST_ENOMEM;
        goto fail;
    }
    if (!(w->aw = avro_writer_memory((const char *)w->block.ptr, (int64_t)w->block.cap))) {
        rc = st_error_set_oom();
        goto fail;
    }
    if ((rc = write_header(w, schema_json, meta, n_meta)) < 0)
        goto fail;
    *out = w;
    return 0;
fail:
    st_avro_writer_free(w);
    return rc;
}

avro_value_t *st_avro_writer_value(st_avro_writer *w) { return &w->value; }
uint64_t st_avro_writer_tell(const st_avro_writer *w) { return w->written; }

static int deflate_block(st_avro_writer *w)
{
    int zr;
    if (!w->z_init) {
        memset(&w->z, 0, sizeof w->z);
        w->z.zalloc = z_alloc;
        w->z.zfree = z_free;
        zr = deflateInit2(&w->z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY);
        if (zr != Z_OK)
            return zr == Z_MEM_ERROR ? st_error_set_oom()
                                     : st_error_set(ST_EIO, ST_ERROR_AVRO, "'%s': deflateInit2 failed",
                                                    w->name);
        w->z_init = 1;
    } else {
        deflateReset(&w->z);
    }
    size_t bound = deflateBound(&w->z, (uLong)w->block.len);
    st_buf_clear(&w->zbuf);
    if (st_buf_reserve(&w->zbuf, bound + 1) < 0)
        return ST_ENOMEM;
    w->z.next_in = w->block.ptr;
    w->z.avail_in = (uInt)w->block.len;
    w->z.next_out = w->zbuf.ptr;
    w->z.avail_out = (uInt)w->zbuf.cap;
    zr = deflate(&w->z, Z_FINISH);
    if (zr != Z_STREAM_END)
        return zr == Z_MEM_ERROR ? st_error_set_oom()
                                 : st_error_set(ST_EIO, ST_ERROR_AVRO, "'%s': deflate failed (%d)",
                                                w->name, zr);
    w->zbuf.len = w->zbuf.cap - w->z.avail_out;
    return 0;
}

static int flush_block(st_avro_writer *w)
{
    const uint8_t *data = w->block.ptr;
    size_t n = w->block.len;
    uint8_t head[32];
    st_buf hb = {head, 0, sizeof head};
    int rc;

    if (w->block_count == 0)
        return 0;
    if (w->codec == ST_AVRO_CODEC_DEFLATE) {
        if ((rc = deflate_block(w)) < 0)
            return rc;
        data = w->zbuf.ptr;
        n = w->zbuf.len;
    }
    /* head has room for two 10-byte varints: put_long never grows it */
    put_long(&hb, w->block_count);
    put_long(&hb, (int64_t)n);
    if ((rc = emit(w, head, hb.len)) < 0 || (rc = emit(w, data, n)) < 0 ||
        (rc = emit(w, w->sync, 16)) < 0)
        return rc;
    w->block.len = 0;
    w->block_count = 0;
    return 0;
}

int st_avro_writer_append(st_avro_writer *w)
{
    int rc;
    if (w->failed)
        return st_error_set(ST_EINVALID, ST_ERROR_AVRO, "'%s': the writer failed before", w->name);
    for (;;) {
        avro_writer_memory_set_dest(w->aw, (const char *)w->block.ptr + w->block.len,
                                    (int64_t)(w->block.cap - w->block.len));
        rc = avro_value_write(w->aw, &w->value);
        if (rc == 0)
            break;
        if (rc != ENOSPC) {
            w->failed = 1;
            return st_avro_error(ST_EINVALID, rc, w->name, "encoding a record");
        }
        if (w->block.cap > (size_t)1 << 31) {
            w->failed = 1;
            return st_error_set(ST_EINVALID, ST_ERROR_AVRO, "'%s': a record over 2 GiB", w->name);
        }
        if (st_buf_reserve(&w->block, w->block.cap * 2) < 0) {
            w->failed = 1;
            return ST_ENOMEM;
        }
    }
    w->block.len += (size_t)avro_writer_tell(w->aw);
    w->block_count++;
    if (w->block.len >= BLOCK_TARGET && (rc = flush_block(w)) < 0) {
        w->failed = 1;
        return rc;
    }
    return 0;
}

int st_avro_writer_finish(st_avro_writer *w)
{
    int rc;
    if (w->failed)
        return st_error_set(ST_EINVALID, ST_ERROR_AVRO, "'%s': the writer failed before", w->name);
    if ((rc = flush_block(w)) < 0)
        w->failed = 1;
    return rc;
}

void st_avro_writer_free(st_avro_writer *w)
{
    if (!w)
        return;
    if (w->has_value)
        avro_value_decref(&w->value);
    if (w->iface)
        avro_value_iface_decref(w->iface);
    if (w->aschema)
        avro_schema_decref(w->aschema);
    if (w->aw)
        avro_writer_free(w->aw);
    if (w->z_init)
        deflateEnd(&w->z);
    st_buf_dispose(&w->block);
    st_buf_dispose(&w->zbuf);
    st_free(w->name);
    st_free(w);
}
