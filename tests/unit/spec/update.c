/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The commit model: st_metadata_new and create changes, every update with its
 * refusals and no-op cases (Java TableMetadata.Builder semantics), the snapshot
 * and metadata logs, every requirement, and an allocation-failure sweep.
 */
#include "st_test.h"

#include <ctype.h>

#include <supertable/errors.h>
#include <supertable/sys/alloc.h>
#include <supertable/types.h>

#include "spec/metadata_int.h"
#include "util/alloc.h"
#include "util/buf.h"

#define UUID_A "9c12d441-03fe-4693-9a96-a0705ddf69c1"

/* ---- helpers ---------------------------------------------------------------- */

static st_schema mk_schema(const char *text)
{
    st_schema s;
    memset(&s, 0, sizeof(s));
    st_pass(st_schema_parse(&s.type, text));
    return s;
}

static st_table_metadata *new_table(int version)
{
    st_schema s = mk_schema("id long not null, name string, ts timestamptz");
    st_table_metadata *m = NULL;
    st_pass(st_metadata_new(&m, &s, NULL, NULL, "s3://b/t", NULL, version, 1000));
    st_schema_dispose(&s);
    return m;
}

/* Serializes and parses back: applied metadata is always valid metadata. */
static void check_valid(const st_table_metadata *m)
{
    char *json = NULL;
    st_table_metadata *back = NULL;
    st_pass(st_metadata_to_json(&json, m));
    st_pass(st_metadata_parse(&back, json, strlen(json), "applied"));
    st_assert_msg(st_metadata_equals(m, back), "applied metadata does not round trip:\n%s", json);
    st_metadata_free(back);
    st_free(json);
}

/* Applies the change to base, expects success; frees the change's contents. */
static st_table_metadata *apply_ok(const st_table_metadata *base, st_change *c, int64_t now,
                                   int expect_changed)
{
    st_table_metadata *out = NULL;
    int changed = -1;
    st_pass(st_updates_apply(&out, &changed, base, c->updates, c->n_updates, now));
    st_assert_eq_i64(changed, expect_changed);
    st_change_free(c);
    check_valid(out);
    return out;
}

static void apply_fails(const st_table_metadata *base, st_change *c, int code,
                        const char *needle)
{
    st_table_metadata *out = NULL;
    int changed = -1;
    int rc = st_updates_apply(&out, &changed, base, c->updates, c->n_updates, 5000);
    st_assert_msg(rc == code, "apply returned %d, expected %d (%s)", rc, code,
                  st_error_last()->message);
    st_assert(out == NULL && changed == 0);
    st_assert_contains(st_error_last()->message, needle);
    st_change_free(c);
}

static st_update *upd(st_change *c, st_update_kind kind)
{
    st_update *u = st_change_add_update(c, kind);
    st_assert(u != NULL);
    return u;
}

static void add_snapshot(st_change *c, int64_t id, int64_t parent, int64_t seq, int64_t ts)
{
    char path[64];
    st_update *u = upd(c, ST_UPD_ADD_SNAPSHOT);
    u->snapshot.snapshot_id = id;
    u->snapshot.parent_id = parent;
    u->snapshot.sequence_number = seq;
    u->snapshot.timestamp_ms = ts;
    snprintf(path, sizeof(path), "s3://b/t/metadata/snap-%lld.avro", (long long)id);
    u->snapshot.manifest_list = st_strdup(path);
    st_pass(st_props_set(&u->snapshot.summary, "operation", "append"));
    st_pass(st_props_set(&u->snapshot.summary, "added-records", "10"));
}

static st_update *set_ref(st_change *c, const char *name, int64_t id, int tag)
{
    st_update *u = upd(c, ST_UPD_SET_SNAPSHOT_REF);
    u->ref.name = st_strdup(name);
    u->ref.snapshot_id = id;
    u->ref.is_tag = tag;
    return u;
}

static void set_id(st_change *c, st_update_kind kind, int32_t id)
{
    upd(c, kind)->id = id;
}

/* A v2 table with snapshots 1 <- 2 (main at 2), committed at 2000 and 3000. */
static st_table_metadata *table_with_snapshots(void)
{
    st_table_metadata *m = new_table(2), *m2;
    st_change c;
    st_change_init(&c);
    add_snapshot(&c, 1, ST_NULL64, 1, 1900);
    set_ref(&c, "main", 1, 0);
    m2 = apply_ok(m, &c, 2000, 1);
    st_metadata_free(m);
    add_snapshot(&c, 2, 1, 2, 2900);
    set_ref(&c, "main", 2, 0);
    m = apply_ok(m2, &c, 3000, 1);
    st_metadata_free(m2);
    return m;
}

/* ---- creating tables -------------------------------------------------------- */

void test_spec_update__new_table(void)
{
    st_table_metadata *m = new_table(2);
    const st_schema *s = st_metadata_current_schema(m);
    st_assert_eq_i64(m->format_version, 2);
    st_assert_eq_i64(strlen(m->table_uuid), 36);
    st_assert_eq_i64(m->table_uuid[14], '4');
    st_assert_eq_str(m->location, "s3://b/t");
    st_assert_eq_i64(m->last_updated_ms, 1000);
    st_assert_eq_i64(m->last_sequence_number, 0);
    st_assert_eq_i64(m->n_schemas, 1);
    st_assert(s && s->schema_id == 0);
    st_assert_eq_i64(m->last_column_id, 3);
    st_assert_eq_i64(m->n_specs, 1);
    st_assert_eq_i64(m->default_spec_id, 0);
    st_assert_eq_i64(st_metadata_default_spec(m)->n_fields, 0);
    st_assert_eq_i64(m->last_partition_id, 999);
    st_assert_eq_i64(m->n_sort_orders, 1);
    st_assert_eq_i64(m->default_sort_order_id, 0);
    st_assert_eq_i64(m->sort_orders[0].n_fields, 0);
    st_assert_eq_i64(m->current_snapshot_id, -1);
    st_assert_eq_i64(m->n_refs + m->n_snapshots + m->n_metadata_log + m->n_snapshot_log, 0);
    st_assert_eq_i64(m->next_row_id, ST_NULL64);
    st_assert(m->metadata_location == NULL);
    st_metadata_free(m);

    m = new_table(3);
    st_assert_eq_i64(m->format_version, 3);
    st_assert_eq_i64(m->next_row_id, 0);
    st_metadata_free(m);
    m = new_table(0);
    st_assert_eq_i64(m->format_version, 2);
    st_metadata_free(m);

    st_schema bad = mk_schema("a int");
    st_fail_with(ST_EINVALID, st_metadata_new(&m, &bad, NULL, NULL, "x", NULL, 4, 1));
    st_assert_contains(st_error_last()->message, "format version 4 is not supported");
    st_fail_with(ST_EINVALID, st_metadata_new(&m, &bad, NULL, NULL, NULL, NULL, 2, 1));
    st_schema_dispose(&bad);
}

void test_spec_update__new_table_partitioned_sorted(void)
{
    st_schema s = mk_schema("id long not null, cat string, ts timestamptz");
    st_partition_field pf[2] = {
        {2, -1, "cat", {ST_TRANSFORM_IDENTITY, 0, "identity"}},
        {3, ST_NULL32, "ts_day", {ST_TRANSFORM_DAY, 0, "day"}},
    };
    st_partition_spec spec = {-1, pf, 2};
    st_sort_field sf = {{ST_TRANSFORM_IDENTITY, 0, "identity"}, 1, 1, 0};
    st_sort_order order = {-1, &sf, 1};
    st_props props = {0};
    st_table_metadata *m = NULL;

    st_pass(st_props_set(&props, "write.format.default", "parquet"));
    for (int v = 1; v <= 3; v++) {
        st_pass(st_metadata_new(&m, &s, &spec, &order, "s3://b/t", &props, v, 7));
        const st_partition_spec *d = st_metadata_default_spec(m);
        st_assert(d && d->spec_id == 0 && d->n_fields == 2);
        st_assert_eq_i64(d->fields[0].field_id, 1000);
        st_assert_eq_i64(d->fields[1].field_id, 1001);
        st_assert_eq_i64(m->last_partition_id, 1001);
        st_assert_eq_i64(m->n_sort_orders, 1);
        st_assert_eq_i64(m->default_sort_order_id, 1);
        st_assert(st_metadata_sort_order(m, 1)->fields[0].descending);
        st_assert_eq_str(st_props_get(&m->properties, "write.format.default"), "parquet");
        check_valid(m);
        st_metadata_free(m);
    }
    /* a spec over a column the schema lacks */
    pf[1].source_id = 9;
    st_fail_with(ST_EINVALID, st_metadata_new(&m, &s, &spec, NULL, "s3://b/t", NULL, 2, 7));
    st_assert_contains(st_error_last()->message, "add-spec");
    st_assert_contains(st_error_last()->message, "no column has source id 9");
    st_props_dispose(&props);
    st_schema_dispose(&s);
}

void test_spec_update__create_change(void)
{
    /* the REST create transaction, with an explicit uuid and format 1 */
    st_change c;
    st_update *u;
    st_table_metadata *m;
    st_change_init(&c);
    memcpy(upd(&c, ST_UPD_ASSIGN_UUID)->uuid, UUID_A, 37);
    upd(&c, ST_UPD_UPGRADE_FORMAT_VERSION)->format_version = 1;
    u = upd(&c, ST_UPD_ADD_SCHEMA);
    u->schema = mk_schema("a int, b string");
    u->schema.schema_id = 5; /* ignored: ids are assigned */
    set_id(&c, ST_UPD_SET_CURRENT_SCHEMA, -1);
    upd(&c, ST_UPD_ADD_SPEC);
    set_id(&c, ST_UPD_SET_DEFAULT_SPEC, -1);
    upd(&c, ST_UPD_ADD_SORT_ORDER);
    set_id(&c, ST_UPD_SET_DEFAULT_SORT_ORDER, -1);
    upd(&c, ST_UPD_SET_LOCATION)->location = st_strdup("file:///tmp/t");
    m = apply_ok(NULL, &c, 42, 1);
    st_assert_eq_i64(m->format_version, 1);
    st_assert_eq_str(m->table_uuid, UUID_A);
    st_assert_eq_i64(m->current_schema_id, 0);
    st_assert_eq_i64(m->last_updated_ms, 42);
    st_metadata_free(m);

    /* a create without a schema, spec, order or location is refused */
    st_change_init(&c);
    memcpy(upd(&c, ST_UPD_ASSIGN_UUID)->uuid, UUID_A, 37);
    apply_fails(NULL, &c, ST_EINVALID, "no current schema");
    st_change_init(&c);
    upd(&c, ST_UPD_ADD_SCHEMA)->schema = mk_schema("a int");
    set_id(&c, ST_UPD_SET_CURRENT_SCHEMA, -1);
    upd(&c, ST_UPD_ADD_SPEC);
    set_id(&c, ST_UPD_SET_DEFAULT_SPEC, -1);
    upd(&c, ST_UPD_ADD_SORT_ORDER);
    set_id(&c, ST_UPD_SET_DEFAULT_SORT_ORDER, -1);
    apply_fails(NULL, &c, ST_EINVALID, "no location");
    st_change_init(&c);
    apply_fails(NULL, &c, ST_EINVALID, "no current schema");
}

/* ---- identity and format ---------------------------------------------------- */

void test_spec_update__assign_uuid(void)
{
    st_table_metadata *m = new_table(2), *out;
    st_change c;
    char upper[40];

    st_change_init(&c);
    memcpy(upd(&c, ST_UPD_ASSIGN_UUID)->uuid, m->table_uuid, 37);
    out = apply_ok(m, &c, 2000, 0);
    st_assert(st_metadata_equals(out, m));
    st_metadata_free(out);
    /* the same uuid in capitals is the same uuid */
    for (int i = 0; i < 37; i++)
        upper[i] = (char)toupper((unsigned char)m->table_uuid[i]);
    memcpy(upd(&c, ST_UPD_ASSIGN_UUID)->uuid, upper, 37);
    st_metadata_free(apply_ok(m, &c, 2000, 0));

    memcpy(upd(&c, ST_UPD_ASSIGN_UUID)->uuid, UUID_A, 37);
    apply_fails(m, &c, ST_EINVALID, "update 0 (assign-uuid): the table already has uuid");
    memcpy(upd(&c, ST_UPD_ASSIGN_UUID)->uuid, "not-a-uuid", 11);
    apply_fails(m, &c, ST_EINVALID, "'not-a-uuid' is not a uuid");

    /* a v1 table without a uuid gets one */
    m->format_version = 1;
    m->table_uuid[0] = 0;
    memcpy(upd(&c, ST_UPD_ASSIGN_UUID)->uuid, UUID_A, 37);
    out = apply_ok(m, &c, 2000, 1);
    st_assert_eq_str(out->table_uuid, UUID_A);
    st_metadata_free(out);
    st_metadata_free(m);
}

void test_spec_update__upgrade_format_version(void)
{
    st_table_metadata *m = new_table(1), *v2, *v3;
    st_change c;
    st_change_init(&c);
    upd(&c, ST_UPD_UPGRADE_FORMAT_VERSION)->format_version = 2;
    v2 = apply_ok(m, &c, 2000, 1);
    st_assert_eq_i64(v2->format_version, 2);
    st_assert_eq_i64(v2->last_sequence_number, 0);
    st_assert_eq_i64(v2->next_row_id, ST_NULL64);
    upd(&c, ST_UPD_UPGRADE_FORMAT_VERSION)->format_version = 3;
    v3 = apply_ok(v2, &c, 3000, 1);
    st_assert_eq_i64(v3->format_version, 3);
    st_assert_eq_i64(v3->next_row_id, 0);
    upd(&c, ST_UPD_UPGRADE_FORMAT_VERSION)->format_version = 3;
    st_metadata_free(apply_ok(v3, &c, 3000, 0));
    upd(&c, ST_UPD_UPGRADE_FORMAT_VERSION)->format_version = 2;
    apply_fails(v3, &c, ST_EINVALID, "cannot downgrade a v3 table to v2");
    upd(&c, ST_UPD_UPGRADE_FORMAT_VERSION)->format_version = 4;
    apply_fails(v3, &c, ST_EINVALID, "format version 4 is not supported (max 3)");
    st_metadata_free(m);
    st_metadata_free(v2);
    st_metadata_free(v3);
}

/* ---- schemas ---------------------------------------------------------------- */

void test_spec_update__add_schema(void)
{
    st_table_metadata *m = new_table(2), *m2, *m3;
    st_change c;
    st_update *u;

    /* evolve: a new column gets schema id 1 and raises last-column-id */
    st_change_init(&c);
    upd(&c, ST_UPD_ADD_SCHEMA)->schema =
        mk_schema("id long not null, name string, ts timestamptz, extra int");
    set_id(&c, ST_UPD_SET_CURRENT_SCHEMA, -1);
    m2 = apply_ok(m, &c, 2000, 1);
    st_assert_eq_i64(m2->n_schemas, 2);
    st_assert_eq_i64(m2->current_schema_id, 1);
    st_assert_eq_i64(m2->last_column_id, 4);

    /* an identical schema reuses its id; as it was not added by this change,
     * "the last added" is unset (Java) */
    upd(&c, ST_UPD_ADD_SCHEMA)->schema = mk_schema("id long not null, name string, ts timestamptz");
    st_metadata_free(apply_ok(m2, &c, 2500, 0));
    upd(&c, ST_UPD_ADD_SCHEMA)->schema = mk_schema("id long not null, name string, ts timestamptz");
    set_id(&c, ST_UPD_SET_CURRENT_SCHEMA, -1);
    apply_fails(m2, &c, ST_EINVALID, "set-current-schema): no schema has been added");
    /* going back to schema 0 */
    set_id(&c, ST_UPD_SET_CURRENT_SCHEMA, 0);
    m3 = apply_ok(m2, &c, 2500, 1);
    st_assert_eq_i64(m3->current_schema_id, 0);
    st_assert_eq_i64(m3->last_column_id, 4); /* never lowered */
    st_metadata_free(m3);
    set_id(&c, ST_UPD_SET_CURRENT_SCHEMA, 1);
    st_metadata_free(apply_ok(m2, &c, 2500, 0));
    set_id(&c, ST_UPD_SET_CURRENT_SCHEMA, 7);
    apply_fails(m2, &c, ST_EINVALID, "unknown schema id 7");

    /* the same new schema twice in one change: one schema, and -1 finds it */
    upd(&c, ST_UPD_ADD_SCHEMA)->schema = mk_schema("a int, b int");
    upd(&c, ST_UPD_ADD_SCHEMA)->schema = mk_schema("a int, b int");
    set_id(&c, ST_UPD_SET_CURRENT_SCHEMA, -1);
    m3 = apply_ok(m2, &c, 2600, 1);
    st_assert_eq_i64(m3->n_schemas, 3);
    st_assert_eq_i64(m3->current_schema_id, 2);
    st_metadata_free(m3);

    /* the deprecated last-column-id raises last-column-id */
    u = upd(&c, ST_UPD_ADD_SCHEMA);
    u->schema = mk_schema("q int");
    u->last_column_id = 40;
    m3 = apply_ok(m2, &c, 2600, 1);
    st_assert_eq_i64(m3->last_column_id, 40);
    /* the docs of a field are part of the schema */
    st_metadata_free(m3);

    /* refusals */
    u = upd(&c, ST_UPD_ADD_SCHEMA);
    u->schema = mk_schema("a int, b struct<c: int>");
    ((st_field *)&u->schema.type->fields[1].type->fields[0])->id = 1;
    apply_fails(m2, &c, ST_EINVALID, "duplicate field id 1");
    upd(&c, ST_UPD_ADD_SCHEMA)->schema = mk_schema("a timestamp_ns");
    apply_fails(m2, &c, ST_EINVALID, "type timestamp_ns needs format version 3");
    u = upd(&c, ST_UPD_ADD_SCHEMA);
    u->schema = mk_schema("a int");
    u->schema.identifier_ids = st_malloc(sizeof(int32_t));
    u->schema.identifier_ids[0] = 9;
    u->schema.n_identifier_ids = 1;
    apply_fails(m2, &c, ST_EINVALID, "identifier field id 9");
    upd(&c, ST_UPD_ADD_SCHEMA);
    apply_fails(m2, &c, ST_EINVALID, "the schema is not a struct");
    u = upd(&c, ST_UPD_ADD_SCHEMA);
    u->schema = mk_schema("a int");
    u->schema.defaults = st_calloc(1, sizeof(st_field_default));
    u->schema.n_defaults = 1;
    u->schema.defaults[0].field_id = 1;
    u->schema.defaults[0].write_default = st_strdup("3");
    apply_fails(m2, &c, ST_EINVALID, "field defaults need format version 3");

    /* remove-schemas: never the current one */
    upd(&c, ST_UPD_REMOVE_SCHEMAS)->ids32 = st_malloc(2 * sizeof(int32_t));
    c.updates[0].ids32[0] = 0;
    c.updates[0].ids32[1] = 9;
    c.updates[0].n_ids = 2;
    m3 = apply_ok(m2, &c, 2700, 1);
    st_assert_eq_i64(m3->n_schemas, 1);
    st_assert(st_metadata_schema(m3, 0) == NULL);
    st_metadata_free(m3);
    upd(&c, ST_UPD_REMOVE_SCHEMAS)->ids32 = st_malloc(sizeof(int32_t));
    c.updates[0].ids32[0] = 1;
    c.updates[0].n_ids = 1;
    apply_fails(m2, &c, ST_EINVALID, "cannot remove the current schema 1");

    st_metadata_free(m);
    st_metadata_free(m2);
}

/* ---- specs and sort orders -------------------------------------------------- */

static void add_spec(st_change *c, int n, const int32_t *sources, const char *const *names,
                     const char *const *transforms, const int32_t *ids)
{
    st_update *u = upd(c, ST_UPD_ADD_SPEC);
    u->spec.spec_id = -1;
    u->spec.fields = st_calloc((size_t)n, sizeof(st_partition_field));
    u->spec.n_fields = n;
    for (int i = 0; i < n; i++) {
        st_partition_field *f = &u->spec.fields[i];
        f->source_id = sources[i];
        f->field_id = ids ? ids[i] : ST_NULL32;
        f->name = st_strdup(names[i]);
        f->transform.kind = strcmp(transforms[i], "void") == 0 ? ST_TRANSFORM_VOID
                                                                : ST_TRANSFORM_IDENTITY;
        snprintf(f->transform.text, sizeof(f->transform.text), "%s", transforms[i]);
    }
}

void test_spec_update__add_spec(void)
{
    st_table_metadata *m = new_table(2), *m2, *m3;
    st_change c;
    st_change_init(&c);

    add_spec(&c, 1, (int32_t[]){2}, (const char *[]){"name"}, (const char *[]){"identity"}, NULL);
    set_id(&c, ST_UPD_SET_DEFAULT_SPEC, -1);
    m2 = apply_ok(m, &c, 2000, 1);
    st_assert_eq_i64(m2->n_specs, 2);
    st_assert_eq_i64(m2->default_spec_id, 1);
    st_assert_eq_i64(st_metadata_default_spec(m2)->fields[0].field_id, 1000);
    st_assert_eq_i64(m2->last_partition_id, 1000);

    /* a compatible spec reuses the id: nothing changes */
    add_spec(&c, 1, (int32_t[]){2}, (const char *[]){"name"}, (const char *[]){"identity"}, NULL);
    set_id(&c, ST_UPD_SET_DEFAULT_SPEC, 1);
    st_metadata_free(apply_ok(m2, &c, 2500, 0));
    /* a second spec: the same field keeps 1000, the new one gets 1001 */
    add_spec(&c, 2, (int32_t[]){2, 1}, (const char *[]){"name", "id"},
             (const char *[]){"identity", "identity"}, NULL);
    set_id(&c, ST_UPD_SET_DEFAULT_SPEC, -1);
    m3 = apply_ok(m2, &c, 2500, 1);
    st_assert_eq_i64(m3->default_spec_id, 2);
    st_assert_eq_i64(st_metadata_default_spec(m3)->fields[0].field_id, 1000);
    st_assert_eq_i64(st_metadata_default_spec(m3)->fields[1].field_id, 1001);
    st_assert_eq_i64(m3->last_partition_id, 1001);
    /* remove-partition-specs: not the default */
    upd(&c, ST_UPD_REMOVE_PARTITION_SPECS)->ids32 = st_calloc(1, sizeof(int32_t));
    c.updates[0].n_ids = 1;
    c.updates[0].ids32[0] = 2;
    apply_fails(m3, &c, ST_EINVALID, "cannot remove the default partition spec 2");
    upd(&c, ST_UPD_REMOVE_PARTITION_SPECS)->ids32 = st_calloc(1, sizeof(int32_t));
    c.updates[0].n_ids = 1;
    c.updates[0].ids32[0] = 0;
    st_table_metadata *m4 = apply_ok(m3, &c, 2600, 1);
    st_assert_eq_i64(m4->n_specs, 2);
    st_assert(st_metadata_spec(m4, 0) == NULL);
    st_metadata_free(m4);
    st_metadata_free(m3);

    /* refusals */
    set_id(&c, ST_UPD_SET_DEFAULT_SPEC, 9);
    apply_fails(m2, &c, ST_EINVALID, "unknown partition spec id 9");
    set_id(&c, ST_UPD_SET_DEFAULT_SPEC, -1);
    apply_fails(m2, &c, ST_EINVALID, "no partition spec has been added");
    add_spec(&c, 2, (int32_t[]){2, 1}, (const char *[]){"x", "x"},
             (const char *[]){"identity", "identity"}, NULL);
    apply_fails(m2, &c, ST_EINVALID, "partition field name 'x' is used twice");
    add_spec(&c, 1, (int32_t[]){8}, (const char *[]){"x"}, (const char *[]){"identity"}, NULL);
    apply_fails(m2, &c, ST_EINVALID, "no column has source id 8");
    add_spec(&c, 2, (int32_t[]){2, 1}, (const char *[]){"x", "y"},
             (const char *[]){"identity", "identity"}, (int32_t[]){1005, 1005});
    apply_fails(m2, &c, ST_EINVALID, "partition field id 1005 is used twice");
    /* a void transform may outlive its source column */
    add_spec(&c, 1, (int32_t[]){8}, (const char *[]){"gone"}, (const char *[]){"void"}, NULL);
    st_metadata_free(apply_ok(m2, &c, 2600, 1));
    st_metadata_free(m2);
    st_metadata_free(m);

    /* v1: ids must be 1000, 1001, ... */
    m = new_table(1);
    add_spec(&c, 2, (int32_t[]){2, 1}, (const char *[]){"a", "b"},
             (const char *[]){"identity", "identity"}, (int32_t[]){1000, 1005});
    apply_fails(m, &c, ST_EINVALID, "format v1 needs sequential partition field ids");
    add_spec(&c, 2, (int32_t[]){2, 1}, (const char *[]){"a", "b"},
             (const char *[]){"identity", "identity"}, NULL);
    m2 = apply_ok(m, &c, 2000, 1);
    st_assert_eq_i64(m2->specs[1].fields[1].field_id, 1001);
    st_metadata_free(m2);
    st_metadata_free(m);
}

void test_spec_update__add_sort_order(void)
{
    st_table_metadata *m = new_table(2), *m2;
    st_change c;
    st_update *u;
    st_change_init(&c);

    u = upd(&c, ST_UPD_ADD_SORT_ORDER);
    u->sort_order.fields = st_calloc(1, sizeof(st_sort_field));
    u->sort_order.n_fields = 1;
    u->sort_order.fields[0].source_id = 1;
    u->sort_order.fields[0].transform.kind = ST_TRANSFORM_IDENTITY;
    strcpy(u->sort_order.fields[0].transform.text, "identity");
    st_sort_order copy;
    st_pass(st_sort_order_copy(&copy, &u->sort_order));
    set_id(&c, ST_UPD_SET_DEFAULT_SORT_ORDER, -1);
    m2 = apply_ok(m, &c, 2000, 1);
    st_assert_eq_i64(m2->default_sort_order_id, 1);
    st_assert_eq_i64(m2->n_sort_orders, 2);
    /* the same order again is reused; the unsorted order is 0 */
    st_pass(st_sort_order_copy(&upd(&c, ST_UPD_ADD_SORT_ORDER)->sort_order, &copy));
    st_metadata_free(apply_ok(m2, &c, 2500, 0));
    upd(&c, ST_UPD_ADD_SORT_ORDER);
    set_id(&c, ST_UPD_SET_DEFAULT_SORT_ORDER, 0);
    st_table_metadata *m3 = apply_ok(m2, &c, 2500, 1);
    st_assert_eq_i64(m3->default_sort_order_id, 0);
    st_assert_eq_i64(m3->n_sort_orders, 2);
    st_metadata_free(m3);
    set_id(&c, ST_UPD_SET_DEFAULT_SORT_ORDER, 5);
    apply_fails(m2, &c, ST_EINVALID, "unknown sort order id 5");
    set_id(&c, ST_UPD_SET_DEFAULT_SORT_ORDER, -1);
    apply_fails(m2, &c, ST_EINVALID, "no sort order has been added");
    copy.fields[0].source_id = 77;
    st_pass(st_sort_order_copy(&upd(&c, ST_UPD_ADD_SORT_ORDER)->sort_order, &copy));
    apply_fails(m2, &c, ST_EINVALID, "no column has source id 77");
    /* a different order gets id 2 */
    copy.fields[0].source_id = 2;
    st_pass(st_sort_order_copy(&upd(&c, ST_UPD_ADD_SORT_ORDER)->sort_order, &copy));
    set_id(&c, ST_UPD_SET_DEFAULT_SORT_ORDER, -1);
    m3 = apply_ok(m2, &c, 2600, 1);
    st_assert_eq_i64(m3->default_sort_order_id, 2);
    st_metadata_free(m3);
    st_sort_order_dispose(&copy);
    st_metadata_free(m2);
    st_metadata_free(m);
}

/* ---- snapshots and refs ----------------------------------------------------- */

void test_spec_update__snapshots_and_main(void)
{
    st_table_metadata *m = new_table(2), *m2, *m3;
    st_change c;
    st_update *u;
    st_change_init(&c);

    /* add-snapshot alone does not move main */
    add_snapshot(&c, 10, ST_NULL64, 1, 1500);
    m2 = apply_ok(m, &c, 2000, 1);
    st_assert_eq_i64(m2->n_snapshots, 1);
    st_assert_eq_i64(m2->last_sequence_number, 1);
    st_assert_eq_i64(m2->current_snapshot_id, -1);
    st_assert_eq_i64(m2->n_snapshot_log, 0);
    /* set-snapshot-ref main moves it; the log takes the commit time for an old snapshot */
    set_ref(&c, "main", 10, 0);
    m3 = apply_ok(m2, &c, 2500, 1);
    st_assert_eq_i64(m3->current_snapshot_id, 10);
    st_assert_eq_i64(m3->n_snapshot_log, 1);
    st_assert_eq_i64(m3->snapshot_log[0].timestamp_ms, 2500);
    st_assert_eq_i64(st_metadata_ref(m3, "main")->snapshot_id, 10);
    set_ref(&c, "main", 10, 0);
    st_metadata_free(apply_ok(m3, &c, 2600, 0));
    st_metadata_free(m3);
    st_metadata_free(m2);
    st_metadata_free(m);

    /* an append: the log takes the new snapshot's timestamp */
    m = table_with_snapshots();
    st_assert_eq_i64(m->current_snapshot_id, 2);
    st_assert_eq_i64(m->last_sequence_number, 2);
    st_assert_eq_i64(m->n_snapshot_log, 2);
    st_assert_eq_i64(m->snapshot_log[1].timestamp_ms, 2900);
    st_assert_eq_i64(m->last_updated_ms, 3000);

    /* stale sequence numbers conflict; duplicates and unknown snapshots are refused */
    add_snapshot(&c, 3, 2, 2, 3100);
    apply_fails(m, &c, ST_ECONFLICT, "sequence number 2 is not above the last sequence number 2");
    add_snapshot(&c, 2, 1, 3, 3100);
    apply_fails(m, &c, ST_EINVALID, "snapshot 2 already exists");
    set_ref(&c, "main", 99, 0);
    apply_fails(m, &c, ST_EINVALID, "cannot set main to unknown snapshot 99");
    set_ref(&c, "main", 1, 1);
    apply_fails(m, &c, ST_EINVALID, "main cannot be a tag");
    u = set_ref(&c, "t1", 1, 1);
    u->ref.min_snapshots_to_keep = 3;
    apply_fails(m, &c, ST_EINVALID, "tag t1 cannot have min-snapshots-to-keep");
    u = set_ref(&c, "b1", 1, 0);
    u->ref.max_ref_age_ms = 0;
    apply_fails(m, &c, ST_EINVALID, "retention settings of b1 must be positive");
    add_snapshot(&c, 4, ST_NULL64, 0, 3100);
    c.updates[0].snapshot.sequence_number = -1;
    apply_fails(m, &c, ST_EINVALID, "negative sequence number");
    add_snapshot(&c, 4, 2, 3, 3100);
    st_free(c.updates[0].snapshot.manifest_list);
    c.updates[0].snapshot.manifest_list = NULL;
    apply_fails(m, &c, ST_EINVALID, "has no manifest list");

    /* tags and branches with retention */
    set_ref(&c, "v1.0", 1, 1)->ref.max_ref_age_ms = 86400000;
    u = set_ref(&c, "audit", 2, 0);
    u->ref.min_snapshots_to_keep = 2;
    u->ref.max_snapshot_age_ms = 1000;
    m2 = apply_ok(m, &c, 4000, 1);
    st_assert(st_metadata_ref(m2, "v1.0")->is_tag);
    st_assert_eq_i64(st_metadata_ref(m2, "v1.0")->max_ref_age_ms, 86400000);
    st_assert_eq_i64(st_metadata_ref(m2, "audit")->min_snapshots_to_keep, 2);
    st_assert_eq_i64(m2->current_snapshot_id, 2);
    st_assert_eq_i64(m2->n_snapshot_log, 2);
    /* rollback main to 1: logged at the commit time */
    set_ref(&c, "main", 1, 0);
    m3 = apply_ok(m2, &c, 5000, 1);
    st_assert_eq_i64(m3->current_snapshot_id, 1);
    st_assert_eq_i64(m3->n_snapshot_log, 3);
    st_assert_eq_i64(m3->snapshot_log[2].snapshot_id, 1);
    st_assert_eq_i64(m3->snapshot_log[2].timestamp_ms, 5000);
    st_metadata_free(m3);

    /* remove-snapshot-ref: main clears the current snapshot; unknown refs change nothing */
    upd(&c, ST_UPD_REMOVE_SNAPSHOT_REF)->ref_name = st_strdup("main");
    m3 = apply_ok(m2, &c, 5000, 1);
    st_assert_eq_i64(m3->current_snapshot_id, -1);
    st_assert(st_metadata_ref(m3, "main") == NULL);
    st_metadata_free(m3);
    upd(&c, ST_UPD_REMOVE_SNAPSHOT_REF)->ref_name = st_strdup("nope");
    st_metadata_free(apply_ok(m2, &c, 5000, 0));
    upd(&c, ST_UPD_REMOVE_SNAPSHOT_REF)->ref_name = st_strdup("v1.0");
    m3 = apply_ok(m2, &c, 5000, 1);
    st_assert(st_metadata_ref(m3, "v1.0") == NULL);
    st_metadata_free(m3);
    st_metadata_free(m2);
    st_metadata_free(m);
}

void test_spec_update__intermediate_snapshots_leave_the_log(void)
{
    st_table_metadata *m = table_with_snapshots(), *m2;
    st_change c;
    st_change_init(&c);
    /* a transaction committing two appends: only the last stays in the log */
    add_snapshot(&c, 3, 2, 3, 3500);
    set_ref(&c, "main", 3, 0);
    add_snapshot(&c, 4, 3, 4, 3600);
    set_ref(&c, "main", 4, 0);
    m2 = apply_ok(m, &c, 4000, 1);
    st_assert_eq_i64(m2->current_snapshot_id, 4);
    st_assert_eq_i64(m2->n_snapshots, 4);
    st_assert_eq_i64(m2->n_snapshot_log, 3);
    st_assert_eq_i64(m2->snapshot_log[2].snapshot_id, 4);
    st_assert_eq_i64(m2->snapshot_log[2].timestamp_ms, 3600);
    st_assert_eq_i64(m2->last_sequence_number, 4);
    st_metadata_free(m2);
    st_metadata_free(m);
}

void test_spec_update__remove_snapshots(void)
{
    st_table_metadata *m = table_with_snapshots(), *m2, *m3;
    st_change c;
    st_update *u;
    st_change_init(&c);

    /* statistics and a tag on snapshot 1 */
    u = upd(&c, ST_UPD_SET_STATISTICS);
    u->stats.snapshot_id = 1;
    u->stats.statistics_path = st_strdup("s3://b/t/stats-1.puffin");
    u->stats.file_size_in_bytes = 100;
    u->stats.file_footer_size_in_bytes = 10;
    u->stats.blob_metadata_json = st_strdup("[]");
    u = upd(&c, ST_UPD_SET_PARTITION_STATISTICS);
    u->stats.snapshot_id = 1;
    u->stats.statistics_path = st_strdup("s3://b/t/pstats-1.parquet");
    u->stats.file_size_in_bytes = 50;
    set_ref(&c, "old", 1, 1);
    m2 = apply_ok(m, &c, 4000, 1);
    st_assert_eq_i64(m2->n_statistics, 1);
    st_assert_eq_i64(m2->n_partition_statistics, 1);

    /* removing 1 drops its statistics, its tag, and the log up to its entry */
    u = upd(&c, ST_UPD_REMOVE_SNAPSHOTS);
    u->ids = st_calloc(2, sizeof(int64_t));
    u->ids[0] = 1;
    u->ids[1] = 12345; /* unknown ids are ignored */
    u->n_ids = 2;
    m3 = apply_ok(m2, &c, 5000, 1);
    st_assert_eq_i64(m3->n_snapshots, 1);
    st_assert_eq_i64(m3->n_statistics + m3->n_partition_statistics, 0);
    st_assert(st_metadata_ref(m3, "old") == NULL);
    st_assert_eq_i64(m3->current_snapshot_id, 2);
    st_assert_eq_i64(m3->n_snapshot_log, 1);
    st_assert_eq_i64(m3->snapshot_log[0].snapshot_id, 2);
    st_metadata_free(m3);

    /* removing the current snapshot drops main */
    u = upd(&c, ST_UPD_REMOVE_SNAPSHOTS);
    u->ids = st_calloc(1, sizeof(int64_t));
    u->ids[0] = 2;
    u->n_ids = 1;
    m3 = apply_ok(m2, &c, 5000, 1);
    st_assert_eq_i64(m3->current_snapshot_id, -1);
    st_assert(st_metadata_ref(m3, "main") == NULL);
    st_assert_eq_i64(m3->n_snapshot_log, 0);
    st_metadata_free(m3);
    u = upd(&c, ST_UPD_REMOVE_SNAPSHOTS);
    u->ids = st_calloc(1, sizeof(int64_t));
    u->ids[0] = 77;
    u->n_ids = 1;
    st_metadata_free(apply_ok(m2, &c, 5000, 0));
    st_metadata_free(m2);
    st_metadata_free(m);
}

void test_spec_update__row_lineage_v3(void)
{
    st_table_metadata *m = new_table(3), *m2;
    st_change c;
    st_change_init(&c);
    add_snapshot(&c, 1, ST_NULL64, 1, 1500);
    c.updates[0].snapshot.first_row_id = 0;
    c.updates[0].snapshot.added_rows = 30;
    set_ref(&c, "main", 1, 0);
    m2 = apply_ok(m, &c, 2000, 1);
    st_assert_eq_i64(m2->next_row_id, 30);
    add_snapshot(&c, 2, 1, 2, 2500);
    c.updates[0].snapshot.first_row_id = 29;
    c.updates[0].snapshot.added_rows = 5;
    apply_fails(m2, &c, ST_ECONFLICT, "first-row-id 29 is behind the table's next-row-id 30");
    add_snapshot(&c, 2, 1, 2, 2500);
    apply_fails(m2, &c, ST_EINVALID, "lacks first-row-id or added-rows");
    add_snapshot(&c, 2, 1, 2, 2500);
    c.updates[0].snapshot.first_row_id = 40;
    c.updates[0].snapshot.added_rows = 5;
    st_table_metadata *m3 = apply_ok(m2, &c, 3000, 1);
    st_assert_eq_i64(m3->next_row_id, 35);
    st_metadata_free(m3);
    st_metadata_free(m2);
    st_metadata_free(m);

    /* v1 snapshots carry no sequence number */
    m = new_table(1);
    add_snapshot(&c, 1, ST_NULL64, 1, 1500);
    apply_fails(m, &c, ST_EINVALID, "sequence number 1 in a format v1 table");
    add_snapshot(&c, 1, ST_NULL64, 0, 1500);
    add_snapshot(&c, 2, 1, 0, 1600);
    set_ref(&c, "main", 2, 0);
    m2 = apply_ok(m, &c, 2000, 1);
    st_assert_eq_i64(m2->last_sequence_number, 0);
    st_metadata_free(m2);
    st_metadata_free(m);
}

/* ---- location, properties, statistics --------------------------------------- */

void test_spec_update__location_and_properties(void)
{
    st_table_metadata *m = new_table(2), *m2, *m3;
    st_change c;
    st_update *u;
    st_change_init(&c);

    upd(&c, ST_UPD_SET_LOCATION)->location = st_strdup("s3://b/t");
    st_metadata_free(apply_ok(m, &c, 2000, 0));
    upd(&c, ST_UPD_SET_LOCATION)->location = st_strdup("s3://b/moved");
    m2 = apply_ok(m, &c, 2000, 1);
    st_assert_eq_str(m2->location, "s3://b/moved");
    st_metadata_free(m2);
    upd(&c, ST_UPD_SET_LOCATION)->location = st_strdup("");
    apply_fails(m, &c, ST_EINVALID, "the location is empty");

    u = upd(&c, ST_UPD_SET_PROPERTIES);
    st_pass(st_props_set(&u->props, "a", "1"));
    st_pass(st_props_set(&u->props, "b", "2"));
    m2 = apply_ok(m, &c, 2000, 1);
    st_assert_eq_str(st_props_get(&m2->properties, "b"), "2");
    u = upd(&c, ST_UPD_SET_PROPERTIES);
    st_pass(st_props_set(&u->props, "a", "1"));
    st_metadata_free(apply_ok(m2, &c, 2500, 0));
    u = upd(&c, ST_UPD_REMOVE_PROPERTIES);
    u->keys = st_calloc(2, sizeof(char *));
    u->keys[0] = st_strdup("a");
    u->keys[1] = st_strdup("zz");
    u->n_keys = 2;
    m3 = apply_ok(m2, &c, 2500, 1);
    st_assert(st_props_get(&m3->properties, "a") == NULL);
    st_assert_eq_str(st_props_get(&m3->properties, "b"), "2");
    st_metadata_free(m3);
    u = upd(&c, ST_UPD_REMOVE_PROPERTIES);
    u->keys = st_calloc(1, sizeof(char *));
    u->keys[0] = st_strdup("zz");
    u->n_keys = 1;
    st_metadata_free(apply_ok(m2, &c, 2500, 0));
    st_metadata_free(m2);
    st_metadata_free(m);
}

void test_spec_update__statistics(void)
{
    st_table_metadata *m = table_with_snapshots(), *m2, *m3;
    st_change c;
    st_update *u;
    st_change_init(&c);

    u = upd(&c, ST_UPD_SET_STATISTICS);
    u->stats.snapshot_id = 2;
    u->stats.statistics_path = st_strdup("s3://b/t/a.puffin");
    u->stats.file_size_in_bytes = 100;
    u->stats.file_footer_size_in_bytes = 10;
    u->stats.blob_metadata_json = st_strdup("[{\"type\":\"ndv\",\"snapshot-id\":2,"
                                            "\"sequence-number\":2,\"fields\":[1]}]");
    st_statistics_file keep;
    st_pass(st_statistics_copy(&keep, &u->stats));
    m2 = apply_ok(m, &c, 4000, 1);
    st_assert_eq_i64(m2->n_statistics, 1);
    st_assert(st_statistics_equals(&m2->statistics[0], &keep));
    /* the same file again: nothing changes; another replaces it */
    st_pass(st_statistics_copy(&upd(&c, ST_UPD_SET_STATISTICS)->stats, &keep));
    st_metadata_free(apply_ok(m2, &c, 4500, 0));
    keep.file_size_in_bytes = 200;
    st_pass(st_statistics_copy(&upd(&c, ST_UPD_SET_STATISTICS)->stats, &keep));
    m3 = apply_ok(m2, &c, 4500, 1);
    st_assert_eq_i64(m3->n_statistics, 1);
    st_assert_eq_i64(m3->statistics[0].file_size_in_bytes, 200);
    st_metadata_free(m3);
    st_free(keep.statistics_path);
    keep.statistics_path = NULL;
    st_pass(st_statistics_copy(&upd(&c, ST_UPD_SET_STATISTICS)->stats, &keep));
    apply_fails(m2, &c, ST_EINVALID, "has no path");
    st_statistics_dispose(&keep);

    u = upd(&c, ST_UPD_REMOVE_STATISTICS);
    u->ids = st_calloc(1, sizeof(int64_t));
    u->ids[0] = 2;
    u->n_ids = 1;
    m3 = apply_ok(m2, &c, 4600, 1);
    st_assert_eq_i64(m3->n_statistics, 0);
    st_metadata_free(m3);
    u = upd(&c, ST_UPD_REMOVE_STATISTICS);
    u->ids = st_calloc(1, sizeof(int64_t));
    u->ids[0] = 1;
    u->n_ids = 1;
    st_metadata_free(apply_ok(m2, &c, 4600, 0));

    u = upd(&c, ST_UPD_SET_PARTITION_STATISTICS);
    u->stats.snapshot_id = 2;
    u->stats.statistics_path = st_strdup("s3://b/t/p.parquet");
    u->stats.file_size_in_bytes = 7;
    m3 = apply_ok(m2, &c, 4600, 1);
    st_assert_eq_i64(m3->n_partition_statistics, 1);
    st_assert_eq_i64(m3->partition_statistics[0].file_footer_size_in_bytes, ST_NULL64);
    u = upd(&c, ST_UPD_REMOVE_PARTITION_STATISTICS);
    u->ids = st_calloc(1, sizeof(int64_t));
    u->ids[0] = 2;
    u->n_ids = 1;
    st_table_metadata *m4 = apply_ok(m3, &c, 4700, 1);
    st_assert_eq_i64(m4->n_partition_statistics, 0);
    st_metadata_free(m4);
    st_metadata_free(m3);
    st_metadata_free(m2);
    st_metadata_free(m);
}

/* ---- logs and no-op changes ------------------------------------------------- */

void test_spec_update__metadata_log(void)
{
    st_table_metadata *m = new_table(2), *cur;
    st_change c;
    st_change_init(&c);
    cur = m;
    /* three commits with previous-versions-max = 2 */
    for (int i = 0; i < 4; i++) {
        char loc[64], val[8];
        st_update *u = upd(&c, ST_UPD_SET_PROPERTIES);
        snprintf(val, sizeof(val), "%d", i);
        st_pass(st_props_set(&u->props, "write.metadata.previous-versions-max", "2"));
        st_pass(st_props_set(&u->props, "n", val));
        snprintf(loc, sizeof(loc), "s3://b/t/metadata/%05d.metadata.json", i);
        cur->metadata_location = st_strdup(loc);
        st_table_metadata *next = apply_ok(cur, &c, 2000 + i, 1);
        st_assert(next->metadata_location == NULL);
        st_assert_eq_i64(next->last_updated_ms, 2000 + i);
        st_assert_eq_str(next->metadata_log[next->n_metadata_log - 1].metadata_file, loc);
        st_assert_eq_i64(next->metadata_log[next->n_metadata_log - 1].timestamp_ms,
                         cur->last_updated_ms);
        st_metadata_free(cur);
        cur = next;
    }
    st_assert_eq_i64(cur->n_metadata_log, 2);
    st_assert_eq_str(cur->metadata_log[0].metadata_file, "s3://b/t/metadata/00002.metadata.json");

    /* nothing changes: *changed = 0 and the base comes back as it is */
    cur->metadata_location = st_strdup("s3://b/t/metadata/00004.metadata.json");
    st_update *u = upd(&c, ST_UPD_SET_PROPERTIES);
    st_pass(st_props_set(&u->props, "n", "3"));
    st_table_metadata *same = apply_ok(cur, &c, 9000, 0);
    st_assert(st_metadata_equals(same, cur));
    st_assert_eq_str(same->metadata_location, cur->metadata_location);
    st_assert_eq_i64(same->last_updated_ms, cur->last_updated_ms);
    st_metadata_free(same);
    same = apply_ok(cur, &c, 9000, 0); /* an empty change */
    st_metadata_free(same);
    st_metadata_free(cur);
}

/* ---- requirements ----------------------------------------------------------- */

static void req_fails(const st_table_metadata *base, st_change *c, const char *needle)
{
    st_fail_with(ST_ECONFLICT, st_requirements_check(base, c->reqs, c->n_reqs));
    st_assert_contains(st_error_last()->message, "requirement failed: ");
    st_assert_contains(st_error_last()->message, needle);
    st_change_free(c);
}

static void req_passes(const st_table_metadata *base, st_change *c)
{
    st_pass(st_requirements_check(base, c->reqs, c->n_reqs));
    st_change_free(c);
}

void test_spec_update__requirements(void)
{
    st_table_metadata *m = table_with_snapshots();
    st_requirement *q;
    st_change c;
    st_change_init(&c);

    st_change_add_req(&c, ST_REQ_ASSERT_CREATE);
    req_fails(m, &c, "table already exists");
    st_change_add_req(&c, ST_REQ_ASSERT_CREATE);
    st_change_add_req(&c, ST_REQ_ASSERT_LAST_ASSIGNED_FIELD_ID)->id = 77;
    st_change_add_req(&c, ST_REQ_ASSERT_LAST_ASSIGNED_PARTITION_ID)->id = 77;
    req_passes(NULL, &c);
    st_change_add_req(&c, ST_REQ_ASSERT_CURRENT_SCHEMA_ID)->id = 0;
    req_fails(NULL, &c, "table does not exist");

    memcpy(st_change_add_req(&c, ST_REQ_ASSERT_TABLE_UUID)->uuid, m->table_uuid, 37);
    req_passes(m, &c);
    memcpy(st_change_add_req(&c, ST_REQ_ASSERT_TABLE_UUID)->uuid, UUID_A, 37);
    req_fails(m, &c, "table uuid does not match: expected " UUID_A);

    q = st_change_add_req(&c, ST_REQ_ASSERT_REF_SNAPSHOT_ID);
    q->ref = st_strdup("main");
    q->snapshot_id = 2;
    req_passes(m, &c);
    q = st_change_add_req(&c, ST_REQ_ASSERT_REF_SNAPSHOT_ID);
    q->ref = st_strdup("main");
    q->snapshot_id = 1;
    req_fails(m, &c, "branch main has changed: expected snapshot 1, found 2");
    q = st_change_add_req(&c, ST_REQ_ASSERT_REF_SNAPSHOT_ID);
    q->ref = st_strdup("main");
    q->snapshot_id = ST_NULL64;
    req_fails(m, &c, "branch main was created concurrently");
    q = st_change_add_req(&c, ST_REQ_ASSERT_REF_SNAPSHOT_ID);
    q->ref = st_strdup("dev");
    q->snapshot_id = ST_NULL64;
    req_passes(m, &c);
    q = st_change_add_req(&c, ST_REQ_ASSERT_REF_SNAPSHOT_ID);
    q->ref = st_strdup("dev");
    q->snapshot_id = 5;
    req_fails(m, &c, "branch or tag dev is missing, expected snapshot 5");

    static const struct {
        st_requirement_kind kind;
        int64_t good, bad;
        const char *needle;
    } ids[] = {
        {ST_REQ_ASSERT_LAST_ASSIGNED_FIELD_ID, 3, 4,
         "last assigned field id changed: expected 4, found 3"},
        {ST_REQ_ASSERT_CURRENT_SCHEMA_ID, 0, 1, "current schema changed: expected id 1, found 0"},
        {ST_REQ_ASSERT_LAST_ASSIGNED_PARTITION_ID, 999, 1000,
         "last assigned partition id changed: expected 1000, found 999"},
        {ST_REQ_ASSERT_DEFAULT_SPEC_ID, 0, 1,
         "default partition spec changed: expected id 1, found 0"},
        {ST_REQ_ASSERT_DEFAULT_SORT_ORDER_ID, 0, 2,
         "default sort order changed: expected id 2, found 0"},
    };
    for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
        st_change_add_req(&c, ids[i].kind)->id = ids[i].good;
        req_passes(m, &c);
        st_change_add_req(&c, ids[i].kind)->id = ids[i].good;
        st_change_add_req(&c, ids[i].kind)->id = ids[i].bad;
        req_fails(m, &c, ids[i].needle);
    }
    /* the tag's type is named */
    set_ref(&c, "rel", 1, 1);
    st_table_metadata *m2 = apply_ok(m, &c, 4000, 1);
    q = st_change_add_req(&c, ST_REQ_ASSERT_REF_SNAPSHOT_ID);
    q->ref = st_strdup("rel");
    q->snapshot_id = 2;
    req_fails(m2, &c, "tag rel has changed");
    st_metadata_free(m2);
    st_metadata_free(m);
}

/* ---- allocation failures ---------------------------------------------------- */

static void build_big_change(st_change *c)
{
    st_update *u;
    st_change_init(c);
    upd(c, ST_UPD_UPGRADE_FORMAT_VERSION)->format_version = 3;
    upd(c, ST_UPD_ADD_SCHEMA)->schema = mk_schema("id long not null, name string, x int");
    set_id(c, ST_UPD_SET_CURRENT_SCHEMA, -1);
    add_spec(c, 1, (int32_t[]){2}, (const char *[]){"name"}, (const char *[]){"identity"}, NULL);
    set_id(c, ST_UPD_SET_DEFAULT_SPEC, -1);
    add_snapshot(c, 3, 2, 3, 3500);
    c->updates[c->n_updates - 1].snapshot.first_row_id = 0;
    c->updates[c->n_updates - 1].snapshot.added_rows = 10;
    set_ref(c, "main", 3, 0);
    set_ref(c, "tag", 1, 1);
    u = upd(c, ST_UPD_SET_PROPERTIES);
    st_pass(st_props_set(&u->props, "k", "v"));
    u = upd(c, ST_UPD_SET_STATISTICS);
    u->stats.snapshot_id = 3;
    u->stats.statistics_path = st_strdup("s");
    u = upd(c, ST_UPD_REMOVE_SNAPSHOTS);
    u->ids = st_calloc(1, sizeof(int64_t));
    u->ids[0] = 1;
    u->n_ids = 1;
    upd(c, ST_UPD_SET_LOCATION)->location = st_strdup("s3://b/t2");
}

void test_spec_update__allocation_failures(void)
{
    st_table_metadata *m = table_with_snapshots(), *ref = NULL;
    st_change c;
    int changed;
    long n, done;
    m->metadata_location = st_strdup("s3://b/t/metadata/00002.metadata.json");
    build_big_change(&c);
    st_pass(st_updates_apply(&ref, &changed, m, c.updates, c.n_updates, 9000));
    st_assert_eq_i64(ref->next_row_id, 10);
    for (n = 0;; n++) {
        st_table_metadata *out = NULL;
        st_alloc_fail_after(n);
        int rc = st_updates_apply(&out, &changed, m, c.updates, c.n_updates, 9000);
        done = st_alloc_fail_after(-1);
        st_assert_msg(rc == 0 || rc == ST_ENOMEM, "failing allocation %ld gave %d (%s)", n, rc,
                      st_error_last()->message);
        if (rc == 0) {
            st_assert(st_metadata_equals(out, ref));
            st_metadata_free(out);
            if (done <= n)
                break;
        } else {
            st_assert(out == NULL);
        }
    }
    st_assert(n > 50);
    st_metadata_free(ref);
    st_change_free(&c);

    /* st_metadata_new, and building changes */
    st_schema s = mk_schema("a int, b string");
    for (n = 0;; n++) {
        st_table_metadata *out = NULL;
        st_alloc_fail_after(n);
        int rc = st_metadata_new(&out, &s, NULL, NULL, "x", NULL, 2, 1);
        done = st_alloc_fail_after(-1);
        st_assert_msg(rc == 0 || rc == ST_ENOMEM, "failing allocation %ld gave %d (%s)", n, rc,
                      st_error_last()->message);
        st_metadata_free(out);
        if (rc == 0 && done <= n)
            break;
    }
    st_schema_dispose(&s);
    st_metadata_free(m);
}

/* Thousands of snapshots: parse, expire most of them in one change. */
void test_spec_update__many_snapshots(void)
{
    enum { N = 6000 };
    st_table_metadata *base = new_table(2), *m = NULL, *out = NULL;
    st_buf doc = ST_BUF_INIT;
    char *json = NULL, *cut;
    st_change c;
    st_update *u;
    int changed;

    /* splice snapshots and their log into a new table's JSON */
    st_pass(st_metadata_to_json(&json, base));
    char *lsn = strstr(json, "\"last-sequence-number\":0,");
    cut = strstr(json, "\"current-snapshot-id\":-1,\"refs\":{},\"snapshots\":[]");
    st_assert(cut != NULL && lsn != NULL && lsn < cut);
    /* last-sequence-number must cover the snapshots */
    st_pass(st_buf_put(&doc, json, (size_t)(lsn - json)));
    st_pass(st_buf_printf(&doc, "\"last-sequence-number\":%d,", N));
    lsn += strlen("\"last-sequence-number\":0,");
    st_pass(st_buf_put(&doc, lsn, (size_t)(cut - lsn)));
    st_pass(st_buf_printf(&doc, "\"current-snapshot-id\":%d,\"snapshots\":[", N));
    for (int i = 1; i <= N; i++)
        st_pass(st_buf_printf(&doc, "%s{\"sequence-number\":%d,\"snapshot-id\":%d,"
                              "\"timestamp-ms\":%d,\"manifest-list\":\"m%d\"}",
                              i > 1 ? "," : "", i, i, 1000 + i, i));
    st_pass(st_buf_puts(&doc, "],\"snapshot-log\":["));
    for (int i = 1; i <= N; i++)
        st_pass(st_buf_printf(&doc, "%s{\"timestamp-ms\":%d,\"snapshot-id\":%d}",
                              i > 1 ? "," : "", 1000 + i, i));
    st_pass(st_buf_puts(&doc, "]}"));
    st_pass(st_metadata_parse(&m, doc.ptr, doc.len, "many"));
    st_assert_eq_i64(m->n_snapshots, N);
    st_assert_eq_i64(st_metadata_ref(m, "main")->snapshot_id, N);

    st_change_init(&c);
    u = upd(&c, ST_UPD_REMOVE_SNAPSHOTS);
    u->ids = st_calloc(N - 10, sizeof(int64_t));
    for (int i = 0; i < N - 10; i++)
        u->ids[i] = N - 10 - i; /* 1 .. N-10, descending */
    u->n_ids = N - 10;
    st_pass(st_updates_apply(&out, &changed, m, c.updates, c.n_updates, 99999));
    st_assert_eq_i64(out->n_snapshots, 10);
    st_assert_eq_i64(out->snapshots[0].snapshot_id, N - 9);
    st_assert_eq_i64(out->n_snapshot_log, 10);
    st_assert_eq_i64(out->current_snapshot_id, N);
    check_valid(out);
    st_change_free(&c);
    st_metadata_free(out);
    st_metadata_free(m);
    st_metadata_free(base);
    st_buf_dispose(&doc);
    st_free(json);
}
