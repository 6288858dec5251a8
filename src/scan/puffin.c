/* SPDX-License-Identifier: Apache-2.0 */
/* Puffin files: the footer's blob list and the blobs, decompressed (see puffin.h). */
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <zstd.h>

#include "parquet/compress.h"
#include "scan/puffin.h"
#include "supertable/errors.h"
#include "supertable/io.h"
#include "util/alloc.h"

#define PUFFIN_MAGIC "PFA1"
/* A decompressed blob larger than this is taken for a damaged header. */
#define PUFFIN_MAX_BLOB ((uint64_t)1 << 31)

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static int bad_footer(const st_puffin *p, const char *what)
{
    return st_error_set(ST_ECORRUPT, ST_ERROR_ICEBERG, "Puffin file '%s': %s",
                        st_input_name(p->in), what);
}

static int bad_blob(const st_puffin *p, size_t i, const char *what)
{
    return st_error_set(ST_ECORRUPT, ST_ERROR_ICEBERG, "Puffin file '%s': blobs[%zu]: %s",
                        st_input_name(p->in), i, what);
}

/* A JSON object of strings into key/value pairs in the arena. */
static int read_props(st_puffin *p, json_t *obj, const char *const **out, int *n,
                      const char **err)
{
    const char *key;
    json_t *v;
    const char **kv;
    int k = 0;
    *out = NULL;
    *n = 0;
    if (!obj || json_is_null(obj))
        return 0;
    if (!json_is_object(obj)) {
        *err = "properties: expected an object";
        return ST_ECORRUPT;
    }
    if (!(kv = st_arena_calloc(&p->arena, json_object_size(obj) * 2 + 1, sizeof(char *))))
        return st_error_set_oom();
    json_object_foreach(obj, key, v) {
        if (!json_is_string(v)) {
            *err = "properties: expected string values";
            return ST_ECORRUPT;
        }
        if (!(kv[2 * k] = st_arena_strdup(&p->arena, key)) ||
            !(kv[2 * k + 1] = st_arena_strdup(&p->arena, json_string_value(v))))
            return st_error_set_oom();
        k++;
    }
    *out = kv;
    *n = k;
    return 0;
}

static int get_i64(json_t *o, const char *key, int64_t *out)
{
    json_t *v = json_object_get(o, key);
    if (!json_is_integer(v))
        return -1;
    *out = (int64_t)json_integer_value(v);
    return 0;
}

static int read_blob_meta(st_puffin *p, json_t *b, size_t i, uint64_t footer_start)
{
    st_puffin_blob *m = &p->blobs[i];
    json_t *t = json_object_get(b, "type"), *f = json_object_get(b, "fields");
    json_t *c = json_object_get(b, "compression-codec");
    const char *err = NULL;
    int32_t *fields;
    int rc;

    if (!json_is_object(b))
        return bad_blob(p, i, "expected an object");
    if (!json_is_string(t))
        return bad_blob(p, i, "type: expected a string");
    if (!json_is_array(f))
        return bad_blob(p, i, "fields: expected a list of field ids");
    if (get_i64(b, "snapshot-id", &m->snapshot_id) < 0 ||
        get_i64(b, "sequence-number", &m->sequence_number) < 0 ||
        get_i64(b, "offset", &m->offset) < 0 || get_i64(b, "length", &m->length) < 0)
        return bad_blob(p, i, "snapshot-id, sequence-number, offset and length must be "
                              "integers");
    if (m->offset < 0 || m->length < 0 || (uint64_t)m->offset > footer_start ||
        (uint64_t)m->length > footer_start - (uint64_t)m->offset)
        return bad_blob(p, i, "offset and length pass the start of the footer");
    if (c && !json_is_null(c) && !json_is_string(c))
        return bad_blob(p, i, "compression-codec: expected a string");
    if (!(m->type = st_arena_strdup(&p->arena, json_string_value(t))))
        return st_error_set_oom();
    if (c && json_is_string(c) && !(m->codec = st_arena_strdup(&p->arena, json_string_value(c))))
        return st_error_set_oom();
    if (!(fields = st_arena_calloc(&p->arena, json_array_size(f) + 1, sizeof(int32_t))))
        return st_error_set_oom();
    for (size_t k = 0; k < json_array_size(f); k++) {
        json_t *id = json_array_get(f, k);
        if (!json_is_integer(id) || json_integer_value(id) < INT32_MIN ||
            json_integer_value(id) > INT32_MAX)
            return bad_blob(p, i, "fields: expected field ids");
        fields[k] = (int32_t)json_integer_value(id);
    }
    m->fields = fields;
    m->n_fields = (int)json_array_size(f);
    if ((rc = read_props(p, json_object_get(b, "properties"), &m->props, &m->n_props, &err)) < 0)
        return err ? bad_blob(p, i, err) : rc;
    return 0;
}

static int parse_footer(st_puffin *p, const char *json, size_t len, uint64_t footer_start)
{
    json_error_t jerr;
    json_t *root = json_loadb(json, len, 0, &jerr), *blobs;
    const char *err = NULL;
    int rc = 0;

    if (!root)
        return st_error_set(ST_ECORRUPT, ST_ERROR_ICEBERG,
                            "Puffin file '%s': footer is not JSON: %s (line %d)",
                            st_input_name(p->in), jerr.text, jerr.line);
    blobs = json_object_get(root, "blobs");
    if (!json_is_object(root) || !json_is_array(blobs)) {
        rc = bad_footer(p, "footer: expected an object with a \"blobs\" list");
        goto done;
    }
    if (json_array_size(blobs) > (size_t)INT32_MAX) {
        rc = bad_footer(p, "footer: too many blobs");
        goto done;
    }
    if (!(p->blobs = st_arena_calloc(&p->arena, json_array_size(blobs) + 1,
                                     sizeof(st_puffin_blob)))) {
        rc = st_error_set_oom();
        goto done;
    }
    for (size_t i = 0; i < json_array_size(blobs); i++)
        if ((rc = read_blob_meta(p, json_array_get(blobs, i), i, footer_start)) < 0)
            goto done;
    p->n_blobs = (int)json_array_size(blobs);
    if ((rc = read_props(p, json_object_get(root, "properties"), &p->props, &p->n_props,
                         &err)) < 0 && err)
        rc = bad_footer(p, err);
done:
    json_decref(root);
    return rc;
}

int st_puffin_open(st_puffin **out, const char *path)
{
    st_puffin *p;
    uint8_t tail[12], head[4];
    uint64_t size, payload_len, footer_start;
    char *json = NULL;
    int rc;

    *out = NULL;
    if (!(p = st_calloc(1, sizeof(*p))))
        return st_error_set_oom();
    if ((rc = st_input_open_file(&p->in, path)) < 0) {
        st_free(p);
        return rc;
    }
    size = st_input_size(p->in);
    /* file magic, footer magic, payload size, flags, magic */
    if (size < 20) {
        rc = bad_footer(p, "too short for a Puffin file");
        goto fail;
    }
    if ((rc = st_input_read_at(p->in, 0, head, 4)) < 0 ||
        (rc = st_input_read_at(p->in, size - 12, tail, 12)) < 0)
        goto fail;
    if (memcmp(head, PUFFIN_MAGIC, 4) != 0 || memcmp(tail + 8, PUFFIN_MAGIC, 4) != 0) {
        rc = bad_footer(p, "missing PFA1 magic (not a Puffin file)");
        goto fail;
    }
    payload_len = le32(tail);
    if (payload_len > size - 20) {
        rc = bad_footer(p, "footer payload size passes the start of the file");
        goto fail;
    }
    footer_start = size - 12 - payload_len - 4;
    if (tail[4] & 1) {
        rc = st_error_set(ST_EUNSUPPORTED, ST_ERROR_ICEBERG,
                          "Puffin file '%s': LZ4-compressed footers are not supported", path);
        goto fail;
    }
    if (!(json = st_malloc(payload_len + 4))) {
        rc = st_error_set_oom();
        goto fail;
    }
    if ((rc = st_input_read_at(p->in, footer_start, json, payload_len + 4)) < 0)
        goto fail;
    if (memcmp(json, PUFFIN_MAGIC, 4) != 0) {
        rc = bad_footer(p, "missing PFA1 magic at the start of the footer");
        goto fail;
    }
    if ((rc = parse_footer(p, json + 4, payload_len, footer_start)) < 0)
        goto fail;
    st_free(json);
    *out = p;
    return 0;
fail:
    st_free(json);
    st_puffin_free(p);
    return rc;
}

void st_puffin_free(st_puffin *p)
{
    if (!p)
        return;
    st_input_free(p->in);
    st_arena_dispose(&p->arena);
    st_free(p);
}

const char *st_puffin_property(const st_puffin *p, const st_puffin_blob *blob, const char *key)
{
    const char *const *kv = blob ? blob->props : p->props;
    int n = blob ? blob->n_props : p->n_props;
    for (int i = 0; i < n; i++)
        if (strcmp(kv[2 * i], key) == 0)
            return kv[2 * i + 1];
    return NULL;
}

/* The content size an LZ4 frame declares, or -1. */
static int64_t lz4_content_size(const uint8_t *s, size_t n)
{
    uint64_t v = 0;
    if (n < 15 || le32(s) != 0x184D2204u || !(s[4] & 0x08))
        return -1;
    for (int b = 7; b >= 0; b--)
        v = v << 8 | s[6 + b];
    return v > PUFFIN_MAX_BLOB ? -1 : (int64_t)v;
}

int st_puffin_read_blob(const st_puffin *p, int i, uint8_t **out, size_t *len)
{
    const st_puffin_blob *b;
    const uint8_t *src;
    uint8_t *copy = NULL, *dst = NULL;
    int64_t dst_len;
    pq_codec codec;
    int rc;

    *out = NULL;
    *len = 0;
    if (i < 0 || i >= p->n_blobs)
        return st_error_set(ST_EINVALID, ST_ERROR_ICEBERG, "Puffin file '%s' has no blob %d",
                            st_input_name(p->in), i);
    b = &p->blobs[i];
    if (!(src = st_input_view(p->in, (uint64_t)b->offset, (size_t)b->length))) {
        if (!(copy = st_malloc(b->length ? (size_t)b->length : 1)))
            return st_error_set_oom();
        if ((rc = st_input_read_at(p->in, (uint64_t)b->offset, copy, (size_t)b->length)) < 0)
            goto done;
        src = copy;
    }
    if (!b->codec) {
        if (copy) {
            *out = copy;
            *len = (size_t)b->length;
            return 0;
        }
        if (!(*out = st_memdup(src, b->length ? (size_t)b->length : 1)))
            return st_error_set_oom();
        *len = (size_t)b->length;
        return 0;
    }
    if (strcmp(b->codec, "zstd") == 0) {
        unsigned long long n = ZSTD_getFrameContentSize(src, (size_t)b->length);
        codec = PQ_CODEC_ZSTD;
        dst_len = n == ZSTD_CONTENTSIZE_UNKNOWN || n == ZSTD_CONTENTSIZE_ERROR ||
                  n > PUFFIN_MAX_BLOB ? -1 : (int64_t)n;
    } else if (strcmp(b->codec, "lz4") == 0) {
        codec = PQ_CODEC_LZ4;
        dst_len = lz4_content_size(src, (size_t)b->length);
    } else {
        rc = st_error_set(ST_EUNSUPPORTED, ST_ERROR_ICEBERG,
                          "Puffin file '%s': blob %d has unknown compression codec '%s'",
                          st_input_name(p->in), i, b->codec);
        goto done;
    }
    if (dst_len < 0) {
        rc = st_error_set(ST_ECORRUPT, ST_ERROR_ICEBERG,
                          "Puffin file '%s': blob %d: the %s frame does not declare a usable "
                          "content size", st_input_name(p->in), i, b->codec);
        goto done;
    }
    if (!(dst = st_malloc(dst_len ? (size_t)dst_len : 1))) {
        rc = st_error_set_oom();
        goto done;
    }
    if ((rc = pq_decompress(codec, src, (size_t)b->length, dst, (size_t)dst_len)) < 0) {
        if (rc != ST_ENOMEM) {
            char msg[512];
            snprintf(msg, sizeof(msg), "%s", st_error_last()->message);
            rc = st_error_set(rc, ST_ERROR_ICEBERG, "Puffin file '%s': blob %d: %s",
                              st_input_name(p->in), i, msg);
        }
        goto done;
    }
    *out = dst;
    *len = (size_t)dst_len;
    dst = NULL;
done:
    st_free(dst);
    st_free(copy);
    return rc;
}
