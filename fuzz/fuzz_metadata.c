/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target for Iceberg table metadata JSON and the REST commit JSON.
 * The input is tried as both:
 * - st_metadata_parse: failures must be ST_ECORRUPT/ST_EUNSUPPORTED with a
 *   message; what parses must serialize, parse back to an equal model and
 *   serialize to the same text;
 * - st_change_from_json: failures must be ST_EINVALID/ST_EUNSUPPORTED with a
 *   message; what parses must serialize and parse back to the same text, and
 *   is checked and applied to a fixed table and to no table: failures must be
 *   ST_EINVALID/ST_ECONFLICT with a message, results must be valid metadata
 *   (serialize and parse back to an equal model).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <supertable/errors.h>
#include <supertable/sys/alloc.h>

#include "spec/update.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char BASE[] =
    "{\"format-version\":2,\"table-uuid\":\"9c12d441-03fe-4693-9a96-a0705ddf69c1\","
    "\"location\":\"s3://b/t\",\"last-sequence-number\":2,\"last-updated-ms\":3000,"
    "\"last-column-id\":3,\"current-schema-id\":0,\"schemas\":[{\"type\":\"struct\","
    "\"schema-id\":0,\"fields\":[{\"id\":1,\"name\":\"id\",\"required\":true,\"type\":\"long\"},"
    "{\"id\":2,\"name\":\"cat\",\"required\":false,\"type\":\"string\"},{\"id\":3,\"name\":"
    "\"ts\",\"required\":false,\"type\":\"timestamptz\"}]}],\"default-spec-id\":0,"
    "\"partition-specs\":[{\"spec-id\":0,\"fields\":[{\"name\":\"cat\",\"transform\":"
    "\"identity\",\"source-id\":2,\"field-id\":1000}]}],\"last-partition-id\":1000,"
    "\"default-sort-order-id\":0,\"sort-orders\":[{\"order-id\":0,\"fields\":[]}],"
    "\"properties\":{\"a\":\"1\"},\"current-snapshot-id\":2,\"refs\":{\"main\":{"
    "\"snapshot-id\":2,\"type\":\"branch\"},\"t\":{\"snapshot-id\":1,\"type\":\"tag\"}},"
    "\"snapshots\":[{\"sequence-number\":1,\"snapshot-id\":1,\"timestamp-ms\":1000,"
    "\"summary\":{\"operation\":\"append\"},\"manifest-list\":\"m1\"},{\"sequence-number\":2,"
    "\"snapshot-id\":2,\"parent-snapshot-id\":1,\"timestamp-ms\":2000,\"summary\":{"
    "\"operation\":\"append\"},\"manifest-list\":\"m2\"}],\"statistics\":[{\"snapshot-id\":1,"
    "\"statistics-path\":\"s\",\"file-size-in-bytes\":1,\"file-footer-size-in-bytes\":1,"
    "\"blob-metadata\":[]}],\"snapshot-log\":[{\"timestamp-ms\":1000,\"snapshot-id\":1},"
    "{\"timestamp-ms\":2000,\"snapshot-id\":2}],\"metadata-log\":[]}";

static st_table_metadata *g_base;

static void check_error(int rc, int a, int b)
{
    const st_error *e = st_error_last();
    if (rc == ST_ENOMEM)
        return;
    if ((rc != a && rc != b) || e->code != rc || !e->message[0])
        __builtin_trap();
}

/* Serializes, parses back (equal model), serializes again (same text). */
static void check_metadata(const st_table_metadata *m)
{
    char *a = NULL, *b = NULL;
    st_table_metadata *back = NULL;
    if (st_metadata_to_json(&a, m) != 0)
        return;
    if (st_metadata_parse(&back, a, strlen(a), "fuzz") != 0 || !st_metadata_equals(m, back))
        __builtin_trap();
    if (st_metadata_to_json(&b, back) == 0 && strcmp(a, b) != 0)
        __builtin_trap();
    st_free(a);
    st_free(b);
    st_metadata_free(back);
}

static void apply_to(const st_table_metadata *base, const st_change *c)
{
    st_table_metadata *out = NULL;
    int changed;
    int rc = st_requirements_check(base, c->reqs, c->n_reqs);
    if (rc != 0)
        check_error(rc, ST_ECONFLICT, ST_EINVALID);
    rc = st_updates_apply(&out, &changed, base, c->updates, c->n_updates, 5000);
    if (rc != 0) {
        check_error(rc, ST_EINVALID, ST_ECONFLICT);
        if (out)
            __builtin_trap();
        return;
    }
    if (!changed && base && !st_metadata_equals(out, base))
        __builtin_trap();
    check_metadata(out);
    st_metadata_free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    st_table_metadata *m = NULL;
    st_change c;
    char *a = NULL, *b = NULL;
    int rc;

    if (!g_base) {
        if (st_metadata_parse(&g_base, BASE, strlen(BASE), "base") != 0)
            __builtin_trap();
        /* a location, so that commits append to the metadata log */
        static const char loc[] = "s3://b/t/metadata/00002.metadata.json";
        if (!(g_base->metadata_location = st_malloc(sizeof(loc))))
            __builtin_trap();
        memcpy(g_base->metadata_location, loc, sizeof(loc));
    }

    rc = st_metadata_parse(&m, data, size, "fuzz");
    if (rc != 0) {
        check_error(rc, ST_ECORRUPT, ST_EUNSUPPORTED);
    } else {
        check_metadata(m);
        st_metadata_free(m);
    }

    rc = st_change_from_json(&c, (const char *)data, size);
    if (rc != 0) {
        check_error(rc, ST_EINVALID, ST_EUNSUPPORTED);
        return 0;
    }
    if (st_change_to_json(&a, &c) != 0) {
        st_change_free(&c);
        return 0;
    }
    st_change c2;
    if (st_change_from_json(&c2, a, strlen(a)) != 0 || st_change_to_json(&b, &c2) != 0 ||
        strcmp(a, b) != 0)
        __builtin_trap();
    st_change_free(&c2);
    apply_to(g_base, &c);
    apply_to(NULL, &c);
    st_free(a);
    st_free(b);
    st_change_free(&c);
    return 0;
}
