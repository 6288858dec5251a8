/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Table metadata JSON: every fixture under tests/resources/iceberg-fixtures
 * (plain and gzip) parses, serializes and parses back to an equal model, and
 * Java-written files serialize back to the same keys in the same order; the
 * Java spec samples (valid and invalid); v1 quirks; v2 and v3 fields one by
 * one; schema JSON; malformed input (paths in messages, truncation at every
 * offset, allocation failures).
 */
#include "st_test.h"

#include <dirent.h>
#include <sys/stat.h>
#include <zlib.h>

#include <supertable/errors.h>
#include <supertable/sys/alloc.h>

#include "spec/metadata_int.h"

#define FX "iceberg-fixtures/"
#define SAMPLES FX "java-core-spec-samples/table-metadata/"

/* ---- helpers ---------------------------------------------------------------- */

static st_table_metadata *parse_str(const char *json)
{
    st_table_metadata *m = NULL;
    st_pass(st_metadata_parse(&m, json, strlen(json), "test.json"));
    return m;
}

static int parse_fails(const char *json, int code, const char *needle)
{
    st_table_metadata *m = NULL;
    int rc = st_metadata_parse(&m, json, strlen(json), "test.json");
    st_assert_msg(rc == code, "parse returned %d, expected %d (%s)", rc, code,
                  st_error_last()->message);
    st_assert(m == NULL);
    if (needle)
        st_assert_contains(st_error_last()->message, needle);
    return rc;
}

static char *to_json(const st_table_metadata *m)
{
    char *s = NULL;
    st_pass(st_metadata_to_json(&s, m));
    return s;
}

/* parse -> serialize -> parse gives an equal model, and serializing is stable. */
static void check_roundtrip(const st_table_metadata *m, const char *what)
{
    char *a = to_json(m), *b;
    st_table_metadata *back = NULL;
    int rc = st_metadata_parse(&back, a, strlen(a), what);
    st_assert_msg(rc == 0, "%s: reparse failed: %s\n%s", what, st_error_last()->message, a);
    st_assert_msg(st_metadata_equals(m, back), "%s: model differs after a round trip", what);
    b = to_json(back);
    st_assert_msg(strcmp(a, b) == 0, "%s: serialization not stable", what);
    st_table_metadata *clone = NULL;
    st_pass(st_metadata_clone(&clone, m));
    st_assert(st_metadata_equals(m, clone));
    st_metadata_free(clone);
    st_free(a);
    st_free(b);
    st_metadata_free(back);
}

/* The compact text of any JSON file, keys in the file's order. */
static char *compact_of(const uint8_t *data, size_t len)
{
    json_error_t err;
    json_t *j = json_loadb((const char *)data, len, 0, &err);
    char *s = NULL;
    st_assert_msg(j != NULL, "bad JSON: %s", err.text);
    st_pass(st_json_text(&s, j));
    json_decref(j);
    return s;
}

typedef void (*file_fn)(const char *path, void *payload);

static int walk(const char *dir, file_fn fn, void *payload)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int count = 0;
    st_assert_msg(d != NULL, "cannot open %s", dir);
    while ((e = readdir(d))) {
        char path[2048];
        struct stat st;
        if (e->d_name[0] == '.')
            continue;
        snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        if (stat(path, &st) != 0)
            continue;
        if (S_ISDIR(st.st_mode))
            count += walk(path, fn, payload);
        else if (strstr(e->d_name, ".metadata.json")) {
            fn(path, payload);
            count++;
        }
    }
    closedir(d);
    return count;
}

/* ---- fixtures --------------------------------------------------------------- */

static void roundtrip_file(const char *path, void *payload)
{
    st_table_metadata *m = NULL;
    (void)payload;
    st_pass(st_metadata_read_file(&m, path));
    st_assert_eq_str(m->metadata_location, path);
    st_assert(m->n_schemas >= 1 && st_metadata_current_schema(m));
    st_assert(st_metadata_default_spec(m) != NULL);
    st_assert(st_metadata_sort_order(m, m->default_sort_order_id) != NULL);
    if (m->current_snapshot_id >= 0) {
        const st_snapshot_ref *main_ref = st_metadata_ref(m, "main");
        st_assert(st_metadata_current_snapshot(m) != NULL);
        st_assert(main_ref && main_ref->snapshot_id == m->current_snapshot_id);
    }
    check_roundtrip(m, path);
    st_metadata_free(m);
}

void test_spec_metadata__fixtures_roundtrip(void)
{
    int n = walk(st_test_resource("iceberg-fixtures"), roundtrip_file, NULL);
    st_assert_msg(n >= 70, "only %d metadata files found", n);
}

/* Java (and Spark through Java) writes exactly our keys in our order. Only
 * files of writers recent enough to write partition-statistics qualify. */
static void same_as_java(const char *rel)
{
    size_t len;
    uint8_t *data = st_test_read_file(st_test_resource(rel), &len);
    st_table_metadata *m = NULL;
    char *ours, *theirs;
    st_pass(st_metadata_parse(&m, data, len, rel));
    ours = to_json(m);
    if (len >= 2 && data[0] == 0x1f) {
        /* gzip: compare with the inflated text */
        uLongf cap = 1 << 24;
        uint8_t *plain = malloc(cap);
        z_stream z = {0};
        st_assert(plain && inflateInit2(&z, 31) == Z_OK);
        z.next_in = data;
        z.avail_in = (uInt)len;
        z.next_out = plain;
        z.avail_out = (uInt)cap;
        st_assert(inflate(&z, Z_FINISH) == Z_STREAM_END);
        theirs = compact_of(plain, z.total_out);
        inflateEnd(&z);
        free(plain);
    } else {
        theirs = compact_of(data, len);
    }
    if (strcmp(ours, theirs) != 0) {
        size_t at = 0;
        while (ours[at] && ours[at] == theirs[at])
            at++;
        size_t from = at > 80 ? at - 80 : 0;
        st_assert_msg(0, "%s differs at byte %zu:\nours   ...%.200s\ntheirs ...%.200s", rel, at,
                      ours + from, theirs + from);
    }
    st_free(ours);
    st_free(theirs);
    st_metadata_free(m);
    free(data);
}

void test_spec_metadata__java_key_order(void)
{
    static const char *files[] = {
        FX "icebird-java-bunnies/metadata/v1.metadata.json",
        FX "icebird-java-bunnies/metadata/v2.metadata.json",
        FX "icebird-java-bunnies/metadata/v5.metadata.json",
        FX "icebird-java-bunnies/metadata/v3.metadata.json",
        FX "spark-v2-equality-deletes/warehouse/mydb/mytable_partitioned/metadata/v6.metadata.json",
        FX "spark-v2-equality-deletes/warehouse/mydb/mytable/metadata/v7.metadata.json",
    };
    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
        same_as_java(files[i]);
}

void test_spec_metadata__java_spec_samples(void)
{
    static const char *valid[] = {
        "TableMetadataV1Valid.json",          "TableMetadataV2Valid.json",
        "TableMetadataV2ValidMinimal.json",   "TableMetadataV3ValidMinimal.json",
        "TableMetadataStatisticsFiles.json",  "TableMetadataPartitionStatisticsFiles.json",
    };
    static const struct {
        const char *file;
        int code;
        const char *needle;
    } invalid[] = {
        {"TableMetadataUnsupportedVersion.json", ST_EUNSUPPORTED,
         "format version 42 is not supported (max 3)"},
        {"TableMetadataV1MissingSchemaType.json", ST_ECORRUPT, "schema.type: missing"},
        {"TableMetadataV2MissingSchemas.json", ST_ECORRUPT, "schemas: missing"},
        {"TableMetadataV2MissingPartitionSpecs.json", ST_ECORRUPT, "partition-specs: missing"},
        {"TableMetadataV2MissingLastPartitionId.json", ST_ECORRUPT,
         "last-partition-id: missing"},
        {"TableMetadataV2MissingSortOrder.json", ST_ECORRUPT, "sort-orders: missing"},
        {"TableMetadataV2CurrentSchemaNotFound.json", ST_ECORRUPT,
         "current-schema-id: no schema has id 2"},
    };
    char rel[256];
    for (size_t i = 0; i < sizeof(valid) / sizeof(valid[0]); i++) {
        st_table_metadata *m = NULL;
        snprintf(rel, sizeof(rel), SAMPLES "%s", valid[i]);
        st_pass(st_metadata_read_file(&m, st_test_resource(rel)));
        check_roundtrip(m, rel);
        st_metadata_free(m);
    }
    for (size_t i = 0; i < sizeof(invalid) / sizeof(invalid[0]); i++) {
        st_table_metadata *m = NULL;
        snprintf(rel, sizeof(rel), SAMPLES "%s", invalid[i].file);
        st_fail_with(invalid[i].code, st_metadata_read_file(&m, st_test_resource(rel)));
        st_assert(m == NULL);
        st_assert_contains(st_error_last()->message, invalid[i].needle);
        st_assert_contains(st_error_last()->message, invalid[i].file);
    }
}

/* ---- v1 --------------------------------------------------------------------- */

static const char V1_DOC[] =
    "{\"format-version\":1,\"table-uuid\":\"d20125c8-7284-442c-9aea-15fee620737c\","
    "\"location\":\"s3://b/t\",\"last-updated-ms\":1602638573874,\"last-column-id\":3,"
    "\"schema\":{\"type\":\"struct\",\"fields\":["
    "{\"id\":1,\"name\":\"x\",\"required\":true,\"type\":\"long\"},"
    "{\"id\":2,\"name\":\"y\",\"required\":false,\"type\":\"decimal(9,2)\",\"doc\":\"money\"},"
    "{\"id\":3,\"name\":\"z\",\"required\":false,\"type\":\"fixed[4]\"}]},"
    "\"partition-spec\":[{\"name\":\"x\",\"transform\":\"identity\",\"source-id\":1},"
    "{\"name\":\"y_b\",\"transform\":\"Bucket[16]\",\"source-id\":2}],"
    "\"properties\":{\"b\":\"2\",\"a\":\"1\"},\"current-snapshot-id\":-1,"
    "\"snapshots\":[{\"snapshot-id\":1,\"timestamp-ms\":10,"
    "\"manifests\":[\"m1.avro\",\"m2.avro\"]}]}";

void test_spec_metadata__v1_quirks(void)
{
    st_table_metadata *m = parse_str(V1_DOC);
    const st_partition_spec *spec;
    const st_schema *schema;

    st_assert_eq_i64(m->format_version, 1);
    st_assert_eq_str(m->table_uuid, "d20125c8-7284-442c-9aea-15fee620737c");
    st_assert_eq_i64(m->last_sequence_number, 0);
    st_assert_eq_i64(m->next_row_id, ST_NULL64);
    st_assert_eq_i64(m->n_schemas, 1);
    schema = st_metadata_current_schema(m);
    st_assert(schema && schema->schema_id == 0);
    st_assert_eq_i64(schema->type->n_fields, 3);
    st_assert_eq_i64(schema->type->fields[1].type->id, ST_TYPE_DECIMAL);
    st_assert_eq_i64(schema->type->fields[1].type->precision, 9);
    st_assert_eq_str(schema->type->fields[1].doc, "money");
    st_assert_eq_i64(schema->type->fields[2].type->length, 4);
    /* the bare partition-spec list: spec 0, ids 1000, 1001 */
    spec = st_metadata_default_spec(m);
    st_assert(spec && spec->spec_id == 0 && spec->n_fields == 2);
    st_assert_eq_i64(spec->fields[0].field_id, 1000);
    st_assert_eq_i64(spec->fields[1].field_id, 1001);
    st_assert_eq_i64(spec->fields[1].transform.kind, ST_TRANSFORM_BUCKET);
    st_assert_eq_i64(spec->fields[1].transform.param, 16);
    st_assert_eq_str(spec->fields[1].transform.text, "bucket[16]");
    st_assert_eq_i64(m->last_partition_id, 1001);
    /* no sort orders in v1: the unsorted order 0 */
    st_assert_eq_i64(m->n_sort_orders, 1);
    st_assert_eq_i64(m->default_sort_order_id, 0);
    st_assert_eq_i64(m->sort_orders[0].n_fields, 0);
    st_assert_eq_i64(m->current_snapshot_id, -1);
    st_assert(st_metadata_current_snapshot(m) == NULL);
    st_assert_eq_i64(m->n_refs, 0);
    st_assert_eq_i64(m->snapshots[0].n_manifests, 2);
    st_assert(m->snapshots[0].manifest_list == NULL);
    st_assert_eq_str(m->snapshots[0].manifests[1], "m2.avro");
    st_assert_eq_i64(m->snapshots[0].parent_id, ST_NULL64);
    st_assert_eq_i64(m->snapshots[0].schema_id, ST_NULL32);
    st_assert_eq_str(st_props_get(&m->properties, "a"), "1");

    /* written as Java writes v1: both schema forms, both spec forms, no sequence numbers */
    char *json = to_json(m);
    st_assert_eq_str(
        json,
        "{\"format-version\":1,\"table-uuid\":\"d20125c8-7284-442c-9aea-15fee620737c\","
        "\"location\":\"s3://b/t\",\"last-updated-ms\":1602638573874,\"last-column-id\":3,"
        "\"schema\":{\"type\":\"struct\",\"schema-id\":0,\"fields\":["
        "{\"id\":1,\"name\":\"x\",\"required\":true,\"type\":\"long\"},"
        "{\"id\":2,\"name\":\"y\",\"required\":false,\"type\":\"decimal(9, 2)\",\"doc\":\"money\"},"
        "{\"id\":3,\"name\":\"z\",\"required\":false,\"type\":\"fixed[4]\"}]},"
        "\"current-schema-id\":0,\"schemas\":[{\"type\":\"struct\",\"schema-id\":0,\"fields\":["
        "{\"id\":1,\"name\":\"x\",\"required\":true,\"type\":\"long\"},"
        "{\"id\":2,\"name\":\"y\",\"required\":false,\"type\":\"decimal(9, 2)\",\"doc\":\"money\"},"
        "{\"id\":3,\"name\":\"z\",\"required\":false,\"type\":\"fixed[4]\"}]}],"
        "\"partition-spec\":[{\"name\":\"x\",\"transform\":\"identity\",\"source-id\":1,"
        "\"field-id\":1000},{\"name\":\"y_b\",\"transform\":\"bucket[16]\",\"source-id\":2,"
        "\"field-id\":1001}],\"default-spec-id\":0,\"partition-specs\":[{\"spec-id\":0,"
        "\"fields\":[{\"name\":\"x\",\"transform\":\"identity\",\"source-id\":1,"
        "\"field-id\":1000},{\"name\":\"y_b\",\"transform\":\"bucket[16]\",\"source-id\":2,"
        "\"field-id\":1001}]}],\"last-partition-id\":1001,\"default-sort-order-id\":0,"
        "\"sort-orders\":[{\"order-id\":0,\"fields\":[]}],\"properties\":{\"b\":\"2\","
        "\"a\":\"1\"},\"current-snapshot-id\":-1,\"refs\":{},\"snapshots\":[{\"snapshot-id\":1,"
        "\"timestamp-ms\":10,\"manifests\":[\"m1.avro\",\"m2.avro\"]}],\"statistics\":[],"
        "\"partition-statistics\":[],\"snapshot-log\":[],\"metadata-log\":[]}");
    st_free(json);
    check_roundtrip(m, "v1");
    st_metadata_free(m);
}

void test_spec_metadata__v1_minimal_without_uuid(void)
{
    /* no uuid, no current-snapshot-id, no refs: main is added for the current snapshot */
    st_table_metadata *m = parse_str(
        "{\"format-version\":1,\"location\":\"l\",\"last-updated-ms\":1,\"last-column-id\":1,"
        "\"schema\":{\"type\":\"struct\",\"fields\":[{\"id\":1,\"name\":\"a\","
        "\"required\":false,\"type\":\"int\"}]},\"partition-spec\":[],"
        "\"snapshots\":[{\"snapshot-id\":7,\"timestamp-ms\":5,\"manifest-list\":\"x\"}]}");
    st_assert_eq_str(m->table_uuid, "");
    st_assert_eq_i64(m->current_snapshot_id, -1);
    st_assert_eq_i64(m->last_partition_id, 999);
    st_assert_eq_i64(m->n_refs, 0);
    char *json = to_json(m);
    st_assert(strstr(json, "table-uuid") == NULL);
    st_free(json);
    check_roundtrip(m, "v1 minimal");
    st_metadata_free(m);

    m = parse_str(
        "{\"format-version\":1,\"location\":\"l\",\"last-updated-ms\":1,\"last-column-id\":1,"
        "\"schema\":{\"type\":\"struct\",\"fields\":[]},\"partition-spec\":[],"
        "\"current-snapshot-id\":7,"
        "\"snapshots\":[{\"snapshot-id\":7,\"timestamp-ms\":5,\"manifest-list\":\"x\"}]}");
    st_assert_eq_i64(m->n_refs, 1);
    st_assert_eq_str(m->refs[0].name, "main");
    st_assert_eq_i64(m->refs[0].snapshot_id, 7);
    st_assert(!m->refs[0].is_tag);
    st_assert_eq_i64(m->refs[0].min_snapshots_to_keep, ST_NULL32);
    check_roundtrip(m, "v1 main");
    st_metadata_free(m);

    /* refs present but without main: main is added too */
    m = parse_str(
        "{\"format-version\":2,\"table-uuid\":\"u\",\"location\":\"l\","
        "\"last-sequence-number\":1,\"last-updated-ms\":1,\"last-column-id\":0,"
        "\"current-schema-id\":0,\"schemas\":[{\"type\":\"struct\",\"fields\":[]}],"
        "\"default-spec-id\":0,\"partition-specs\":[{\"spec-id\":0,\"fields\":[]}],"
        "\"last-partition-id\":999,\"default-sort-order-id\":0,"
        "\"sort-orders\":[{\"order-id\":0,\"fields\":[]}],\"current-snapshot-id\":7,"
        "\"refs\":{\"t\":{\"snapshot-id\":7,\"type\":\"tag\",\"max-ref-age-ms\":5}},"
        "\"snapshots\":[{\"sequence-number\":1,\"snapshot-id\":7,\"timestamp-ms\":5,"
        "\"manifest-list\":\"x\",\"summary\":{\"operation\":\"append\"}}]}");
    st_assert_eq_i64(m->n_refs, 2);
    st_assert(st_metadata_ref(m, "main") != NULL);
    st_assert(st_metadata_ref(m, "t")->is_tag);
    st_assert_eq_i64(st_metadata_ref(m, "t")->max_ref_age_ms, 5);
    check_roundtrip(m, "v2 refs without main");
    st_metadata_free(m);
}

/* ---- v2, v3 ----------------------------------------------------------------- */

void test_spec_metadata__v2_fields(void)
{
    st_table_metadata *m = NULL;
    const st_sort_order *o;
    const st_schema *s;
    st_pass(st_metadata_read_file(&m, st_test_resource(SAMPLES "TableMetadataV2Valid.json")));
    st_assert_eq_i64(m->format_version, 2);
    st_assert_eq_str(m->table_uuid, "9c12d441-03fe-4693-9a96-a0705ddf69c1");
    st_assert_eq_str(m->location, "s3://bucket/test/location");
    st_assert_eq_i64(m->last_sequence_number, 34);
    st_assert_eq_i64(m->last_updated_ms, 1602638573590LL);
    st_assert_eq_i64(m->last_column_id, 3);
    st_assert_eq_i64(m->n_schemas, 2);
    st_assert_eq_i64(m->current_schema_id, 1);
    s = st_metadata_current_schema(m);
    st_assert_eq_i64(s->n_identifier_ids, 2);
    st_assert_eq_i64(s->identifier_ids[1], 2);
    st_assert_eq_str(s->type->fields[1].doc, "comment");
    st_assert(st_metadata_schema(m, 0) && !st_metadata_schema(m, 2));
    st_assert_eq_i64(m->default_spec_id, 0);
    st_assert_eq_i64(m->last_partition_id, 1000);
    st_assert_eq_i64(m->default_sort_order_id, 3);
    o = st_metadata_sort_order(m, 3);
    st_assert(o && o->n_fields == 2);
    st_assert(!o->fields[0].descending && o->fields[0].nulls_first);
    st_assert(o->fields[1].descending && !o->fields[1].nulls_first);
    st_assert_eq_i64(o->fields[1].transform.kind, ST_TRANSFORM_BUCKET);
    st_assert_eq_i64(o->fields[1].source_id, 3);
    st_assert_eq_i64(m->current_snapshot_id, 3055729675574597004LL);
    st_assert_eq_i64(st_metadata_current_snapshot(m)->parent_id, 3051729675574597004LL);
    st_assert_eq_i64(st_metadata_current_snapshot(m)->sequence_number, 1);
    st_assert_eq_i64(st_metadata_current_snapshot(m)->schema_id, 1);
    st_assert_eq_str(st_metadata_current_snapshot(m)->manifest_list, "s3://a/b/2.avro");
    st_assert_eq_str(st_props_get(&m->snapshots[0].summary, "operation"), "append");
    st_assert_eq_i64(m->n_snapshot_log, 2);
    st_assert_eq_i64(m->snapshot_log[0].timestamp_ms, 1515100955770LL);
    st_assert_eq_i64(m->n_metadata_log, 0);
    /* refs absent: main added */
    st_assert_eq_i64(st_metadata_ref(m, "main")->snapshot_id, 3055729675574597004LL);
    st_assert(st_metadata_ref(m, "nope") == NULL);
    st_assert(st_metadata_snapshot(m, 1) == NULL);
    char *json = to_json(m);
    st_assert_contains(json, "\"last-sequence-number\":34,");
    st_assert(strstr(json, "\"schema\":") == NULL && strstr(json, "\"partition-spec\":") == NULL);
    /* a root with sequence number 0 writes none */
    st_assert_contains(json, "\"snapshots\":[{\"snapshot-id\":3051729675574597004,");
    st_assert_contains(json, "\"identifier-field-ids\":[1,2],\"fields\"");
    st_free(json);
    st_metadata_free(m);

    st_pass(st_metadata_read_file(&m, st_test_resource(SAMPLES "TableMetadataStatisticsFiles.json")));
    st_assert_eq_i64(m->n_statistics, 1);
    st_assert_eq_i64(m->statistics[0].snapshot_id, 3055729675574597004LL);
    st_assert_eq_str(m->statistics[0].statistics_path, "s3://a/b/stats.puffin");
    st_assert_eq_i64(m->statistics[0].file_size_in_bytes, 413);
    st_assert_eq_i64(m->statistics[0].file_footer_size_in_bytes, 42);
    st_assert_eq_str(m->statistics[0].blob_metadata_json,
                     "[{\"type\":\"ndv\",\"snapshot-id\":3055729675574597004,"
                     "\"sequence-number\":1,\"fields\":[1]}]");
    st_metadata_free(m);

    st_pass(st_metadata_read_file(
        &m, st_test_resource(SAMPLES "TableMetadataPartitionStatisticsFiles.json")));
    st_assert_eq_i64(m->n_partition_statistics, 1);
    st_assert_eq_i64(m->partition_statistics[0].file_footer_size_in_bytes, ST_NULL64);
    st_assert(m->partition_statistics[0].blob_metadata_json == NULL);
    json = to_json(m);
    st_assert_contains(json, "\"partition-statistics\":[{\"snapshot-id\":");
    st_free(json);
    st_metadata_free(m);
}

void test_spec_metadata__v3_fields(void)
{
    static const char doc[] =
        "{\"format-version\":3,\"table-uuid\":\"9c12d441-03fe-4693-9a96-a0705ddf69c1\","
        "\"location\":\"s3://x\",\"last-sequence-number\":2,\"last-updated-ms\":5,"
        "\"last-column-id\":2,\"next-row-id\":150,\"current-schema-id\":0,"
        "\"schemas\":[{\"type\":\"struct\",\"schema-id\":0,\"fields\":["
        "{\"id\":1,\"name\":\"x\",\"required\":true,\"type\":\"timestamp_ns\","
        "\"initial-default\":1,\"write-default\":\"a\\\"b\"},"
        "{\"id\":2,\"name\":\"s\",\"required\":false,\"type\":{\"type\":\"struct\",\"fields\":[]},"
        "\"initial-default\":{}}]}],"
        "\"default-spec-id\":0,\"partition-specs\":[{\"spec-id\":0,\"fields\":[]}],"
        "\"last-partition-id\":999,\"default-sort-order-id\":0,"
        "\"sort-orders\":[{\"order-id\":0,\"fields\":[]}],\"current-snapshot-id\":null,"
        "\"encryption-keys\":[{\"key-id\":\"k\",\"encrypted-key-metadata\":\"AAA=\","
        "\"properties\":{\"a\":\"b\"}}],"
        "\"snapshots\":[{\"sequence-number\":2,\"snapshot-id\":9223372036854775807,"
        "\"timestamp-ms\":4,\"summary\":{\"operation\":\"append\"},\"manifest-list\":\"l\","
        "\"first-row-id\":100,\"added-rows\":50,\"key-id\":\"k\"}]}";
    st_table_metadata *m = parse_str(doc);
    const st_schema *s = st_metadata_current_schema(m);
    const st_field_default *d;
    st_assert_eq_i64(m->next_row_id, 150);
    st_assert_eq_i64(m->current_snapshot_id, -1);
    st_assert_eq_i64(m->snapshots[0].snapshot_id, INT64_MAX);
    st_assert_eq_i64(m->snapshots[0].first_row_id, 100);
    st_assert_eq_i64(m->snapshots[0].added_rows, 50);
    st_assert_eq_str(m->snapshots[0].key_id, "k");
    st_assert_eq_str(m->encryption_keys_json,
                     "[{\"key-id\":\"k\",\"encrypted-key-metadata\":\"AAA=\","
                     "\"properties\":{\"a\":\"b\"}}]");
    st_assert_eq_i64(s->type->fields[0].type->id, ST_TYPE_TIMESTAMP_NS);
    st_assert_eq_i64(s->n_defaults, 2);
    d = st_schema_default(s, 1);
    st_assert_eq_str(d->initial_default, "1");
    st_assert_eq_str(d->write_default, "\"a\\\"b\"");
    st_assert_eq_str(st_schema_default(s, 2)->initial_default, "{}");
    st_assert(st_schema_default(s, 2)->write_default == NULL);
    char *json = to_json(m);
    st_assert_contains(json, "\"current-snapshot-id\":null,\"next-row-id\":150,"
                             "\"encryption-keys\":[{\"key-id\":\"k\"");
    st_assert_contains(json, "\"type\":\"timestamp_ns\",\"initial-default\":1,"
                             "\"write-default\":\"a\\\"b\"}");
    st_assert_contains(json, "\"first-row-id\":100,\"added-rows\":50,\"key-id\":\"k\"}");
    st_free(json);
    check_roundtrip(m, "v3");
    st_metadata_free(m);
}

void test_spec_metadata__gzip(void)
{
    st_table_metadata *a = NULL, *b = NULL;
    uint8_t packed[8192];
    uLongf packed_len = sizeof(packed);
    z_stream z = {0};

    st_pass(st_metadata_read_file(&a, st_test_resource(FX "spark-v1-gzip-metadata/metadata/"
                                                          "v1.gz.metadata.json")));
    st_assert_eq_i64(a->format_version, 1);
    st_metadata_free(a);

    /* our own gzip of a plain document parses to the same model */
    a = parse_str(V1_DOC);
    st_assert(deflateInit2(&z, 6, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY) == Z_OK);
    z.next_in = (Bytef *)V1_DOC;
    z.avail_in = (uInt)strlen(V1_DOC);
    z.next_out = packed;
    z.avail_out = (uInt)packed_len;
    st_assert(deflate(&z, Z_FINISH) == Z_STREAM_END);
    packed_len = z.total_out;
    deflateEnd(&z);
    st_pass(st_metadata_parse(&b, packed, packed_len, "v1.metadata.json.gz"));
    st_assert(st_metadata_equals(a, b));
    st_metadata_free(b);
    /* a truncated gzip stream or a corrupted one is ST_ECORRUPT */
    for (size_t cut = 2; cut < packed_len; cut += 7) {
        st_fail_with(ST_ECORRUPT, st_metadata_parse(&b, packed, cut, "cut.gz"));
        st_assert_contains(st_error_last()->message, "'cut.gz'");
    }
    packed[packed_len / 2] ^= 0x55;
    st_fail(st_metadata_parse(&b, packed, packed_len, "flip.gz"));
    st_assert(b == NULL);
    st_metadata_free(a);
}

/* ---- malformed -------------------------------------------------------------- */

void test_spec_metadata__errors_name_the_path(void)
{
    char doc[4096];
    /* the Java V2 valid sample with one value spoiled at a time */
    static const struct {
        const char *from, *to, *needle;
    } cases[] = {
        {"\"timestamp-ms\":1555100955770", "\"timestamp-ms\":1.5",
         "'test.json': snapshots[1].timestamp-ms: expected an integer"},
        {"\"snapshot-id\":3051729675574597004,", "\"snapshot-id\":\"3\",",
         "snapshots[0].snapshot-id: expected an integer"},
        {"\"last-column-id\":3", "\"last-column-id\":3000000000",
         "last-column-id: expected a 32-bit integer"},
        {"\"required\":true,\"type\":\"long\",\"doc\"",
         "\"required\":1,\"type\":\"long\",\"doc\"",
         "schemas[1].fields[1].required: expected a boolean"},
        {"\"type\":\"long\",\"doc\"", "\"type\":\"variant\",\"doc\"",
         "schemas[1].fields[1].type: type 'variant' is not supported"},
        {"\"direction\":\"desc\"", "\"direction\":\"down\"",
         "sort-orders[0].fields[1].direction: expected 'asc' or 'desc', found 'down'"},
        {"\"transform\":\"bucket[4]\"", "\"transform\":\"bucket[0]\"",
         "sort-orders[0].fields[1].transform: malformed transform 'bucket[0]'"},
        {"\"current-snapshot-id\":3055729675574597004",
         "\"current-snapshot-id\":3055729675574597005",
         "current-snapshot-id: no snapshot has id 3055729675574597005"},
        {"\"default-spec-id\":0", "\"default-spec-id\":5",
         "default-spec-id: no partition spec has id 5"},
        {"\"default-sort-order-id\":3", "\"default-sort-order-id\":4",
         "default-sort-order-id: no sort order has id 4"},
        {"\"schema-id\":0", "\"schema-id\":1", "schemas[1]: duplicate schema id 1"},
        {"\"sequence-number\":1", "\"sequence-number\":35",
         "snapshots[1]: sequence number 35 is above last-sequence-number 34"},
        {"\"snapshot-id\":3055729675574597004,\"parent", "\"snapshot-id\":3051729675574597004,\"parent",
         "snapshots: duplicate snapshot id 3051729675574597004"},
        {"\"location\":\"s3://bucket/test/location\"", "\"location\":null",
         "location: missing required field"},
        {"\"metadata-log\":[]", "\"metadata-log\":{}", "metadata-log: expected an array"},
        {"\"properties\":{}", "\"properties\":{\"a\":1}", "properties.a: expected a string"},
        {"\"source-id\":1,\"field-id\":1000",
         "\"source-id\":1},{\"name\":\"y\",\"transform\":\"void\",\"source-id\":2,"
         "\"field-id\":1001",
         "partition-specs[0].fields: 1 of 2 partition fields have no field-id"},
    };
    size_t len;
    uint8_t *base = st_test_read_file(st_test_resource(SAMPLES "TableMetadataV2Valid.json"), &len);
    char *text = compact_of(base, len);
    free(base);
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *at = strstr(text, cases[i].from);
        st_assert_msg(at != NULL, "case %zu: '%s' not found", i, cases[i].from);
        snprintf(doc, sizeof(doc), "%.*s%s%s", (int)(at - text), text, cases[i].to,
                 at + strlen(cases[i].from));
        st_table_metadata *m = NULL;
        int rc = st_metadata_parse(&m, doc, strlen(doc), "test.json");
        st_assert_msg(rc != 0, "case %zu parsed", i);
        st_assert(m == NULL);
        st_assert_msg(strstr(st_error_last()->message, cases[i].needle) != NULL,
                      "case %zu: \"%s\" lacks \"%s\"", i, st_error_last()->message,
                      cases[i].needle);
    }
    st_free(text);
    parse_fails("[1,2]", ST_ECORRUPT, "'test.json': (document): expected an object");
    parse_fails("{\"format-version\":4}", ST_EUNSUPPORTED,
                "'test.json': format version 4 is not supported (max 3)");
    parse_fails("{\"format-version\":0}", ST_ECORRUPT, "unknown format version 0");
    parse_fails("{\"format-version\":2,", ST_ECORRUPT, "'test.json': invalid JSON");
    parse_fails("", ST_ECORRUPT, "invalid JSON");
    parse_fails("{\"format-version\":2,\"location\":\"x\"}", ST_ECORRUPT,
                "table-uuid: missing required field");
}

void test_spec_metadata__schema_json(void)
{
    static const char text[] =
        "{\"type\":\"struct\",\"schema-id\":4,\"identifier-field-ids\":[1],\"fields\":["
        "{\"id\":1,\"name\":\"id\",\"required\":true,\"type\":\"long\"},"
        "{\"id\":2,\"name\":\"d\",\"required\":false,\"type\":\"decimal(38, 0)\"},"
        "{\"id\":3,\"name\":\"l\",\"required\":false,\"type\":{\"type\":\"list\","
        "\"element-id\":6,\"element\":\"string\",\"element-required\":true}},"
        "{\"id\":4,\"name\":\"m\",\"required\":false,\"type\":{\"type\":\"map\",\"key-id\":7,"
        "\"key\":\"uuid\",\"value-id\":8,\"value\":{\"type\":\"struct\",\"fields\":[{\"id\":9,"
        "\"name\":\"t\",\"required\":false,\"type\":\"timestamptz\",\"doc\":\"when\"}]},"
        "\"value-required\":false}},"
        "{\"id\":5,\"name\":\"f\",\"required\":false,\"type\":\"fixed[16]\"}]}";
    st_schema s, back;
    char *json = NULL;
    st_pass(st_schema_from_json(&s, text, strlen(text)));
    st_assert_eq_i64(s.schema_id, 4);
    st_assert_eq_i64(st_schema_max_id(s.type), 9);
    st_assert_eq_i64(s.type->fields[2].type->id, ST_TYPE_LIST);
    st_assert_eq_i64(s.type->fields[2].type->fields[0].id, 6);
    st_assert(s.type->fields[2].type->fields[0].required);
    const st_type *map = s.type->fields[3].type;
    st_assert_eq_i64(map->id, ST_TYPE_MAP);
    st_assert(map->fields[0].required && !map->fields[1].required);
    st_assert_eq_str(map->fields[1].type->fields[0].doc, "when");
    st_pass(st_schema_to_json(&json, &s));
    st_assert_eq_str(json, text);
    st_pass(st_schema_from_json(&back, json, strlen(json)));
    st_assert(st_schema_same(&s, &back));
    st_schema_dispose(&back);
    st_free(json);
    st_schema_dispose(&s);

    /* decimal with or without spaces, case-insensitive names */
    static const char *types[] = {"decimal(10,2)", "decimal( 10 , 2 )", "DECIMAL(10, 2)"};
    for (size_t i = 0; i < 3; i++) {
        char doc[256];
        snprintf(doc, sizeof(doc),
                 "{\"type\":\"struct\",\"fields\":[{\"id\":1,\"name\":\"a\",\"required\":true,"
                 "\"type\":\"%s\"}]}", types[i]);
        st_pass(st_schema_from_json(&s, doc, strlen(doc)));
        st_assert_eq_i64(s.type->fields[0].type->precision, 10);
        st_assert_eq_i64(s.type->fields[0].type->scale, 2);
        st_assert_eq_i64(s.schema_id, 0);
        st_schema_dispose(&s);
    }
    /* refusals */
    static const struct {
        const char *type;
        int code;
        const char *needle;
    } bad[] = {
        {"\"geometry(srid:4326)\"", ST_EUNSUPPORTED, "type 'geometry(srid:4326)' is not supported"},
        {"\"unknown\"", ST_EUNSUPPORTED, "type 'unknown' is not supported"},
        {"\"integer\"", ST_EUNSUPPORTED, "type 'integer' is not supported"},
        {"{\"type\":\"variant\"}", ST_EUNSUPPORTED, "type 'variant' is not supported"},
        {"\"decimal(10)\"", ST_ECORRUPT, "malformed type 'decimal(10)'"},
        {"\"decimal(40,2)\"", ST_ECORRUPT, "fields[0].type: decimal precision"},
        {"\"fixed[0]\"", ST_ECORRUPT, "fixed length must be at least 1"},
        {"\"fixed[x]\"", ST_ECORRUPT, "malformed type 'fixed[x]'"},
        {"7", ST_ECORRUPT, "fields[0].type: expected a type name or a type object"},
        {"{\"type\":\"list\",\"element-id\":2,\"element\":\"int\"}", ST_ECORRUPT,
         "fields[0].type.element-required: missing required field"},
        {"{\"type\":\"list\",\"element-id\":1,\"element\":\"int\",\"element-required\":true}",
         ST_ECORRUPT, "duplicate field id 1"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char doc[512];
        snprintf(doc, sizeof(doc),
                 "{\"type\":\"struct\",\"fields\":[{\"id\":1,\"name\":\"a\",\"required\":true,"
                 "\"type\":%s}]}", bad[i].type);
        st_fail_with(bad[i].code, st_schema_from_json(&s, doc, strlen(doc)));
        st_assert_contains(st_error_last()->message, bad[i].needle);
    }
    static const char dup_names[] =
        "{\"type\":\"struct\",\"fields\":[{\"id\":1,\"name\":\"a\",\"required\":true,"
        "\"type\":\"int\"},{\"id\":2,\"name\":\"a\",\"required\":true,\"type\":\"int\"}]}";
    st_fail_with(ST_ECORRUPT, st_schema_from_json(&s, dup_names, strlen(dup_names)));
    st_assert_contains(st_error_last()->message, "duplicate struct field name 'a'");
    static const char bad_ident[] =
        "{\"type\":\"struct\",\"identifier-field-ids\":[3],\"fields\":[]}";
    st_fail_with(ST_ECORRUPT, st_schema_from_json(&s, bad_ident, strlen(bad_ident)));
    st_assert_contains(st_error_last()->message, "identifier field id 3");
    st_fail_with(ST_ECORRUPT, st_schema_from_json(&s, "{\"type\":\"list\"}", 15));
    st_fail_with(ST_ECORRUPT, st_schema_from_json(&s, "{", 1));
}

void test_spec_metadata__parts_json(void)
{
    st_partition_field pf[2] = {
        {1, 1000, "a", {ST_TRANSFORM_IDENTITY, 0, "identity"}},
        {2, ST_NULL32, "b_trunc", {ST_TRANSFORM_TRUNCATE, 4, "truncate[4]"}},
    };
    st_partition_spec spec = {3, pf, 2};
    st_sort_field sf = {{ST_TRANSFORM_DAY, 0, "day"}, 5, 1, 1};
    st_sort_order order = {2, &sf, 1};
    char *json = NULL;
    st_pass(st_spec_to_json(&json, &spec));
    st_assert_eq_str(json, "{\"spec-id\":3,\"fields\":[{\"name\":\"a\",\"transform\":"
                           "\"identity\",\"source-id\":1,\"field-id\":1000},{\"name\":"
                           "\"b_trunc\",\"transform\":\"truncate[4]\",\"source-id\":2}]}");
    st_free(json);
    st_pass(st_sort_order_to_json(&json, &order));
    st_assert_eq_str(json, "{\"order-id\":2,\"fields\":[{\"transform\":\"day\",\"source-id\":5,"
                           "\"direction\":\"desc\",\"null-order\":\"nulls-first\"}]}");
    st_free(json);
}

void test_spec_metadata__unknown_transform_kept(void)
{
    st_table_metadata *m = parse_str(
        "{\"format-version\":2,\"table-uuid\":\"u\",\"location\":\"l\","
        "\"last-sequence-number\":0,\"last-updated-ms\":1,\"last-column-id\":1,"
        "\"current-schema-id\":0,\"schemas\":[{\"type\":\"struct\",\"fields\":[{\"id\":1,"
        "\"name\":\"a\",\"required\":false,\"type\":\"int\"}]}],"
        "\"default-spec-id\":0,\"partition-specs\":[{\"spec-id\":0,\"fields\":[{\"name\":\"z\","
        "\"transform\":\"zorder[3,4]\",\"source-ids\":[1],\"field-id\":1000}]}],"
        "\"last-partition-id\":1000,\"default-sort-order-id\":0,"
        "\"sort-orders\":[{\"order-id\":0,\"fields\":[]}]}");
    const st_partition_field *f = &st_metadata_default_spec(m)->fields[0];
    st_assert_eq_i64(f->transform.kind, ST_TRANSFORM_UNKNOWN);
    st_assert_eq_str(f->transform.text, "zorder[3,4]");
    st_assert_eq_i64(f->source_id, 1);
    check_roundtrip(m, "unknown transform");
    st_metadata_free(m);
    parse_fails("{\"format-version\":2,\"table-uuid\":\"u\",\"location\":\"l\","
                "\"last-sequence-number\":0,\"last-updated-ms\":1,\"last-column-id\":1,"
                "\"current-schema-id\":0,\"schemas\":[{\"type\":\"struct\",\"fields\":[]}],"
                "\"default-spec-id\":0,\"partition-specs\":[{\"spec-id\":0,\"fields\":[{"
                "\"name\":\"z\",\"transform\":\"x\",\"source-ids\":[1,2],\"field-id\":1000}]}]}",
                ST_EUNSUPPORTED, "transforms of 2 source columns are not supported");
}

/* Every prefix of a small document fails cleanly; nothing crashes or leaks. */
void test_spec_metadata__truncated_everywhere(void)
{
    size_t len;
    uint8_t *data = st_test_read_file(st_test_resource(SAMPLES "TableMetadataV2Valid.json"),
                                      &len);
    for (size_t cut = 0; cut < len; cut++) {
        st_table_metadata *m = NULL;
        uint8_t *copy = malloc(cut ? cut : 1);
        memcpy(copy, data, cut);
        int rc = st_metadata_parse(&m, copy, cut, "cut.json");
        free(copy);
        /* whitespace after the closing brace may be cut and still parse */
        if (rc == 0) {
            st_assert(cut >= len - 2);
            st_metadata_free(m);
            continue;
        }
        st_assert_msg(rc == ST_ECORRUPT, "cut at %zu: %d %s", cut, rc, st_error_last()->message);
        st_assert(m == NULL && st_error_last()->message[0]);
    }
    free(data);
}

/* Each allocation of parse, serialize and clone fails in turn: ST_ENOMEM, no leak. */
void test_spec_metadata__allocation_failures(void)
{
    size_t len;
    uint8_t *data = st_test_read_file(st_test_resource(FX "icebird-java-bunnies/metadata/"
                                                          "v5.metadata.json"), &len);
    st_table_metadata *ref = NULL;
    long n, done;
    st_pass(st_metadata_parse(&ref, data, len, "v5"));
    for (n = 0;; n++) {
        st_table_metadata *m = NULL;
        char *json = NULL;
        st_alloc_fail_after(n);
        int rc = st_metadata_parse(&m, data, len, "v5");
        if (rc == 0)
            rc = st_metadata_to_json(&json, m);
        st_table_metadata *c = NULL;
        if (rc == 0)
            rc = st_metadata_clone(&c, m);
        done = st_alloc_fail_after(-1);
        st_assert_msg(rc == 0 || rc == ST_ENOMEM, "failing allocation %ld gave %d (%s)", n, rc,
                      st_error_last()->message);
        if (rc == 0) {
            st_assert(st_metadata_equals(c, ref));
            st_metadata_free(c);
        }
        st_free(json);
        st_metadata_free(m);
        if (rc == 0 && done <= n)
            break;
    }
    st_assert(n > 100);
    /* gzip inflation too */
    st_metadata_free(ref);
    free(data);
    data = st_test_read_file(st_test_resource(FX "spark-v1-gzip-metadata/metadata/"
                                                 "v1.gz.metadata.json"), &len);
    for (n = 0;; n++) {
        st_table_metadata *m = NULL;
        st_alloc_fail_after(n);
        int rc = st_metadata_parse(&m, data, len, "v1.gz");
        done = st_alloc_fail_after(-1);
        st_assert_msg(rc == 0 || rc == ST_ENOMEM, "failing allocation %ld gave %d (%s)", n, rc,
                      st_error_last()->message);
        st_metadata_free(m);
        if (rc == 0 && done <= n)
            break;
    }
    free(data);
}

void test_spec_metadata__json_values_and_files(void)
{
    static const struct {
        const char *in, *out;
    } values[] = {
        {"0.1", "0.1"},       {"1e300", "1e+300"},  {"-0.0", "-0.0"},   {"2.5E-3", "0.0025"},
        {"10.0", "10.0"},     {"-7", "-7"},         {"\"\\u0001\\n\"", "\"\\u0001\\n\""},
        {"[true,null]", "[true,null]"}, {"{\"b\":1,\"a\":[]}", "{\"b\":1,\"a\":[]}"},
    };
    for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
        json_error_t err;
        json_t *j = json_loads(values[i].in, JSON_DECODE_ANY, &err);
        char *text = NULL;
        st_assert(j != NULL);
        st_pass(st_json_text(&text, j));
        st_assert_eq_str(text, values[i].out);
        st_free(text);
        json_decref(j);
    }
    st_table_metadata *m = NULL;
    st_fail_with(ST_ENOTFOUND, st_metadata_read_file(&m, st_test_path("missing.metadata.json")));
    st_assert(m == NULL);
}
