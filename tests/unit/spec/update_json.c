/* SPDX-License-Identifier: Apache-2.0 */
/*
 * REST commit JSON: every requirement type and update action parses into the
 * model and serializes back to the same text; bad bodies are refused with the
 * path of the bad value; truncation at every offset and allocation failures
 * fail cleanly; parsed changes apply (a staged create, then an append).
 */
#include "st_test.h"

#include <supertable/errors.h>
#include <supertable/sys/alloc.h>

#include "spec/metadata_int.h"
#include "util/alloc.h"

/* JSON written with single quotes, for legibility. */
static char *jq(const char *s)
{
    char *out = malloc(strlen(s) + 1);
    st_assert(out != NULL);
    for (size_t i = 0;; i++) {
        out[i] = s[i] == '\'' ? '"' : s[i];
        if (!s[i])
            break;
    }
    return out;
}

static const char ALL[] =
    "{'requirements':["
    "{'type':'assert-create'},"
    "{'type':'assert-table-uuid','uuid':'9c12d441-03fe-4693-9a96-a0705ddf69c1'},"
    "{'type':'assert-ref-snapshot-id','ref':'main','snapshot-id':3055729675574597004},"
    "{'type':'assert-ref-snapshot-id','ref':'dev','snapshot-id':null},"
    "{'type':'assert-last-assigned-field-id','last-assigned-field-id':3},"
    "{'type':'assert-current-schema-id','current-schema-id':1},"
    "{'type':'assert-last-assigned-partition-id','last-assigned-partition-id':1000},"
    "{'type':'assert-default-spec-id','default-spec-id':0},"
    "{'type':'assert-default-sort-order-id','default-sort-order-id':0}],"
    "'updates':["
    "{'action':'assign-uuid','uuid':'9c12d441-03fe-4693-9a96-a0705ddf69c1'},"
    "{'action':'upgrade-format-version','format-version':2},"
    "{'action':'add-schema','schema':{'type':'struct','schema-id':1,'fields':[{'id':1,"
    "'name':'x','required':true,'type':'long'}]},'last-column-id':1},"
    "{'action':'set-current-schema','schema-id':-1},"
    "{'action':'add-spec','spec':{'spec-id':-1,'fields':[{'name':'x','transform':'identity',"
    "'source-id':1}]}},"
    "{'action':'set-default-spec','spec-id':-1},"
    "{'action':'add-sort-order','sort-order':{'order-id':1,'fields':[{'transform':'bucket[4]',"
    "'source-id':1,'direction':'desc','null-order':'nulls-last'}]}},"
    "{'action':'set-default-sort-order','sort-order-id':-1},"
    "{'action':'add-snapshot','snapshot':{'sequence-number':1,"
    "'snapshot-id':3055729675574597004,'timestamp-ms':1555100955770,'summary':{"
    "'operation':'append','added-records':'3'},'manifest-list':'s3://a/b/2.avro',"
    "'schema-id':1}},"
    "{'action':'set-snapshot-ref','ref-name':'main','snapshot-id':3055729675574597004,"
    "'type':'branch','min-snapshots-to-keep':2,'max-snapshot-age-ms':100,"
    "'max-ref-age-ms':200},"
    "{'action':'remove-snapshots','snapshot-ids':[1,9223372036854775807]},"
    "{'action':'remove-snapshot-ref','ref-name':'dev'},"
    "{'action':'set-location','location':'s3://a/b'},"
    "{'action':'set-properties','updates':{'k':'v','a':'b'}},"
    "{'action':'remove-properties','removals':['x','y']},"
    "{'action':'set-statistics','statistics':{'snapshot-id':3,'statistics-path':"
    "'s3://s.puffin','file-size-in-bytes':10,'file-footer-size-in-bytes':2,'blob-metadata':["
    "{'type':'apache-datasketches-theta-v1','snapshot-id':3,'sequence-number':1,"
    "'fields':[1],'properties':{'ndv':'4'}}]}},"
    "{'action':'remove-statistics','snapshot-id':3},"
    "{'action':'set-partition-statistics','partition-statistics':{'snapshot-id':3,"
    "'statistics-path':'s3://p.parquet','file-size-in-bytes':5}},"
    "{'action':'remove-partition-statistics','snapshot-id':3},"
    "{'action':'remove-partition-specs','spec-ids':[1,2]},"
    "{'action':'remove-schemas','schema-ids':[0]}]}";

void test_spec_update_json__every_kind_roundtrips(void)
{
    char *text = jq(ALL), *back = NULL, *again = NULL;
    st_change c, c2;
    const st_update *u;

    st_pass(st_change_from_json(&c, text, strlen(text)));
    st_assert_eq_i64(c.n_reqs, 9);
    st_assert_eq_i64(c.n_updates, 21);
    static const st_requirement_kind kinds[] = {
        ST_REQ_ASSERT_CREATE,
        ST_REQ_ASSERT_TABLE_UUID,
        ST_REQ_ASSERT_REF_SNAPSHOT_ID,
        ST_REQ_ASSERT_REF_SNAPSHOT_ID,
        ST_REQ_ASSERT_LAST_ASSIGNED_FIELD_ID,
        ST_REQ_ASSERT_CURRENT_SCHEMA_ID,
        ST_REQ_ASSERT_LAST_ASSIGNED_PARTITION_ID,
        ST_REQ_ASSERT_DEFAULT_SPEC_ID,
        ST_REQ_ASSERT_DEFAULT_SORT_ORDER_ID,
    };
    for (int i = 0; i < 9; i++)
        st_assert_eq_i64(c.reqs[i].kind, kinds[i]);
    st_assert_eq_str(c.reqs[1].uuid, "9c12d441-03fe-4693-9a96-a0705ddf69c1");
    st_assert_eq_str(c.reqs[2].ref, "main");
    st_assert_eq_i64(c.reqs[2].snapshot_id, 3055729675574597004LL);
    st_assert_eq_i64(c.reqs[3].snapshot_id, ST_NULL64);
    st_assert_eq_i64(c.reqs[6].id, 1000);
    for (int i = 0; i < 21; i++)
        st_assert_eq_i64(c.updates[i].kind, ST_UPD_ASSIGN_UUID + i);
    u = c.updates;
    st_assert_eq_i64(u[1].format_version, 2);
    st_assert_eq_i64(u[2].schema.schema_id, 1);
    st_assert_eq_i64(u[2].last_column_id, 1);
    st_assert_eq_i64(u[3].id, -1);
    st_assert_eq_i64(u[4].spec.spec_id, -1);
    st_assert_eq_i64(u[4].spec.fields[0].field_id, ST_NULL32);
    st_assert_eq_i64(u[6].sort_order.fields[0].transform.param, 4);
    st_assert_eq_i64(u[8].snapshot.snapshot_id, 3055729675574597004LL);
    st_assert_eq_i64(u[8].snapshot.parent_id, ST_NULL64);
    st_assert_eq_str(u[9].ref.name, "main");
    st_assert_eq_i64(u[9].ref.min_snapshots_to_keep, 2);
    st_assert_eq_i64(u[9].ref.max_ref_age_ms, 200);
    st_assert_eq_i64(u[10].n_ids, 2);
    st_assert_eq_i64(u[10].ids[1], INT64_MAX);
    st_assert_eq_str(u[11].ref_name, "dev");
    st_assert_eq_str(u[12].location, "s3://a/b");
    st_assert_eq_str(st_props_get(&u[13].props, "a"), "b");
    st_assert_eq_i64(u[14].n_keys, 2);
    st_assert_eq_str(u[14].keys[1], "y");
    st_assert_eq_i64(u[15].stats.file_footer_size_in_bytes, 2);
    st_assert_contains(u[15].stats.blob_metadata_json, "\"properties\":{\"ndv\":\"4\"}");
    st_assert_eq_i64(u[16].ids[0], 3);
    st_assert_eq_i64(u[17].stats.file_footer_size_in_bytes, ST_NULL64);
    st_assert_eq_i64(u[19].ids32[1], 2);
    st_assert_eq_i64(u[20].ids32[0], 0);

    st_pass(st_change_to_json(&back, &c));
    st_assert_eq_str(back, text);
    st_pass(st_change_from_json(&c2, back, strlen(back)));
    st_pass(st_change_to_json(&again, &c2));
    st_assert_eq_str(again, back);
    st_change_free(&c);
    st_change_free(&c2);
    st_free(back);
    st_free(again);
    free(text);
}

void test_spec_update_json__lenient_forms(void)
{
    /* identifier ignored; absent snapshot-id of assert-ref-snapshot-id is null; spec-id,
     * order-id and schema-id may be absent; the deprecated snapshot-id of set-statistics */
    char *text = jq("{'identifier':{'namespace':['a'],'name':'t'},"
                    "'requirements':[{'type':'assert-ref-snapshot-id','ref':'main'}],"
                    "'updates':[{'action':'add-spec','spec':{'fields':[]}},"
                    "{'action':'add-sort-order','sort-order':{'fields':[]}},"
                    "{'action':'add-schema','schema':{'type':'struct','fields':[]}},"
                    "{'action':'set-statistics','snapshot-id':3,'statistics':{'snapshot-id':3,"
                    "'statistics-path':'p','file-size-in-bytes':1,"
                    "'file-footer-size-in-bytes':1,'blob-metadata':[]}}]}");
    st_change c;
    st_pass(st_change_from_json(&c, text, strlen(text)));
    st_assert_eq_i64(c.reqs[0].snapshot_id, ST_NULL64);
    st_assert_eq_i64(c.updates[0].spec.spec_id, -1);
    st_assert_eq_i64(c.updates[1].sort_order.order_id, -1);
    st_assert_eq_i64(c.updates[2].schema.schema_id, -1);
    st_assert(c.updates[3].stats.blob_metadata_json == NULL);
    st_change_free(&c);
    free(text);
    /* an empty body is an empty change */
    st_pass(st_change_from_json(&c, "{}", 2));
    st_assert_eq_i64(c.n_reqs + c.n_updates, 0);
    st_change_free(&c);
}

void test_spec_update_json__refusals(void)
{
    static const struct {
        const char *body;
        int code;
        const char *needle;
    } bad[] = {
        {"{'updates':[{'action':'x'}]}", ST_EINVALID,
         "updates[0].action: unknown update action 'x'"},
        {"{'updates':[{'action':'set-location','location':'a'},{'action':'drop-table'}]}",
         ST_EINVALID, "updates[1].action: unknown update action 'drop-table'"},
        {"{'requirements':[{'type':'assert-nothing'}]}", ST_EINVALID,
         "requirements[0].type: unknown requirement type 'assert-nothing'"},
        {"{'updates':[{'action':'add-encryption-key','encryption-key':{}}]}", ST_EUNSUPPORTED,
         "update action 'add-encryption-key' is not supported"},
        {"{'updates':[{'uuid':'x'}]}", ST_EINVALID, "updates[0].action: missing required field"},
        {"{'updates':[{'action':'set-location'}]}", ST_EINVALID,
         "updates[0].location: missing required field"},
        {"{'updates':[{'action':'remove-snapshots','snapshot-ids':[1,'2']}]}", ST_EINVALID,
         "updates[0].snapshot-ids[1]: expected an integer"},
        {"{'updates':[{'action':'remove-schemas','schema-ids':[4294967296]}]}", ST_EINVALID,
         "updates[0].schema-ids[0]: expected a 32-bit integer"},
        {"{'updates':[{'action':'remove-properties','removals':[1]}]}", ST_EINVALID,
         "updates[0].removals[0]: expected a string"},
        {"{'updates':[{'action':'set-properties','updates':{'a':true}}]}", ST_EINVALID,
         "updates[0].updates.a: expected a string"},
        {"{'updates':[{'action':'add-schema','schema':{'type':'struct','fields':[{'id':1,"
         "'name':'a','required':true,'type':'variant'}]}}]}",
         ST_EUNSUPPORTED, "updates[0].schema.fields[0].type: type 'variant' is not supported"},
        {"{'updates':[{'action':'add-snapshot','snapshot':{'snapshot-id':1.5}}]}", ST_EINVALID,
         "updates[0].snapshot.snapshot-id: expected an integer"},
        {"{'updates':[{'action':'set-snapshot-ref','ref-name':'b','snapshot-id':1,"
         "'type':'leaf'}]}",
         ST_EINVALID, "updates[0].type: expected 'branch' or 'tag', found 'leaf'"},
        {"{'updates':[{'action':'assign-uuid','uuid':"
         "'0123456789012345678901234567890123456789'}]}",
         ST_EINVALID, "is not a uuid"},
        {"{'requirements':[{'type':'assert-current-schema-id'}]}", ST_EINVALID,
         "requirements[0].current-schema-id: missing required field"},
        {"{'requirements':{}}", ST_EINVALID, "requirements: expected an array"},
        {"[]", ST_EINVALID, "expected an object"},
        {"{'updates':[", ST_EINVALID, "invalid JSON"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char *text = jq(bad[i].body);
        st_change c;
        int rc = st_change_from_json(&c, text, strlen(text));
        st_assert_msg(rc == bad[i].code, "case %zu: %d (%s)", i, rc, st_error_last()->message);
        st_assert_msg(strstr(st_error_last()->message, bad[i].needle) != NULL,
                      "case %zu: \"%s\" lacks \"%s\"", i, st_error_last()->message,
                      bad[i].needle);
        st_assert(c.n_reqs == 0 && c.n_updates == 0 && !c.reqs && !c.updates);
        free(text);
    }
    /* unknown kinds cannot be written either */
    st_change c;
    char *out = NULL;
    st_change_init(&c);
    st_change_add_update(&c, (st_update_kind)99);
    st_fail_with(ST_EINVALID, st_change_to_json(&out, &c));
    st_assert(out == NULL);
    st_change_free(&c);
    st_change_add_req(&c, (st_requirement_kind)99);
    st_fail_with(ST_EINVALID, st_change_to_json(&out, &c));
    st_fail_with(ST_EINVALID, st_requirements_check(NULL, c.reqs, c.n_reqs));
    st_change_free(&c);
}

void test_spec_update_json__truncated_everywhere(void)
{
    char *text = jq(ALL);
    size_t len = strlen(text);
    for (size_t cut = 0; cut < len; cut++) {
        st_change c;
        char *copy = malloc(cut ? cut : 1);
        memcpy(copy, text, cut);
        int rc = st_change_from_json(&c, copy, cut);
        free(copy);
        st_assert_msg(rc == ST_EINVALID, "cut at %zu: %d", cut, rc);
        st_assert(c.n_updates == 0 && st_error_last()->message[0]);
    }
    free(text);
}

void test_spec_update_json__allocation_failures(void)
{
    char *text = jq(ALL);
    long n, done;
    for (n = 0;; n++) {
        st_change c;
        char *out = NULL;
        st_alloc_fail_after(n);
        int rc = st_change_from_json(&c, text, strlen(text));
        if (rc == 0)
            rc = st_change_to_json(&out, &c);
        done = st_alloc_fail_after(-1);
        st_assert_msg(rc == 0 || rc == ST_ENOMEM, "failing allocation %ld gave %d (%s)", n, rc,
                      st_error_last()->message);
        if (rc == 0)
            st_assert_eq_str(out, text);
        st_free(out);
        st_change_free(&c);
        if (rc == 0 && done <= n)
            break;
    }
    st_assert(n > 50);
    free(text);
}

/* A staged create then an append, as a REST client sends them. */
void test_spec_update_json__create_then_append(void)
{
    char *create = jq(
        "{'requirements':[{'type':'assert-create'}],'updates':["
        "{'action':'assign-uuid','uuid':'2cc52516-5e73-41f2-b139-545d41a4e151'},"
        "{'action':'upgrade-format-version','format-version':2},"
        "{'action':'add-schema','schema':{'type':'struct','schema-id':0,'fields':["
        "{'id':1,'name':'id','required':true,'type':'long'},"
        "{'id':2,'name':'day','required':false,'type':'date'}]},'last-column-id':2},"
        "{'action':'set-current-schema','schema-id':-1},"
        "{'action':'add-spec','spec':{'spec-id':0,'fields':[{'name':'day_month',"
        "'transform':'month','source-id':2,'field-id':1000}]}},"
        "{'action':'set-default-spec','spec-id':-1},"
        "{'action':'add-sort-order','sort-order':{'order-id':0,'fields':[]}},"
        "{'action':'set-default-sort-order','sort-order-id':-1},"
        "{'action':'set-location','location':'s3://w/ns/t'},"
        "{'action':'set-properties','updates':{'owner':'me'}}]}");
    char *append = jq(
        "{'requirements':[{'type':'assert-table-uuid','uuid':"
        "'2cc52516-5e73-41f2-b139-545d41a4e151'},"
        "{'type':'assert-ref-snapshot-id','ref':'main','snapshot-id':null}],"
        "'updates':[{'action':'add-snapshot','snapshot':{'sequence-number':1,"
        "'snapshot-id':8744736658442914487,'timestamp-ms':1700000000000,"
        "'summary':{'operation':'append'},'manifest-list':'s3://w/ns/t/metadata/snap.avro',"
        "'schema-id':0}},{'action':'set-snapshot-ref','ref-name':'main',"
        "'snapshot-id':8744736658442914487,'type':'branch'}]}");
    st_change c;
    st_table_metadata *m = NULL, *m2 = NULL;
    int changed;

    st_pass(st_change_from_json(&c, create, strlen(create)));
    st_pass(st_requirements_check(NULL, c.reqs, c.n_reqs));
    st_pass(st_updates_apply(&m, &changed, NULL, c.updates, c.n_updates, 1699999999000));
    st_change_free(&c);
    st_assert_eq_str(m->table_uuid, "2cc52516-5e73-41f2-b139-545d41a4e151");
    st_assert_eq_i64(st_metadata_default_spec(m)->fields[0].transform.kind, ST_TRANSFORM_MONTH);
    st_assert_eq_i64(m->last_partition_id, 1000);
    st_assert_eq_str(st_props_get(&m->properties, "owner"), "me");
    m->metadata_location = st_strdup("s3://w/ns/t/metadata/00000-a.metadata.json");

    st_pass(st_change_from_json(&c, append, strlen(append)));
    st_fail_with(ST_ECONFLICT, st_requirements_check(NULL, c.reqs, c.n_reqs));
    st_pass(st_requirements_check(m, c.reqs, c.n_reqs));
    st_pass(st_updates_apply(&m2, &changed, m, c.updates, c.n_updates, 1700000000500));
    st_assert_eq_i64(changed, 1);
    st_assert_eq_i64(m2->current_snapshot_id, 8744736658442914487LL);
    st_assert_eq_i64(m2->snapshot_log[0].timestamp_ms, 1700000000000LL);
    st_assert_eq_i64(m2->n_metadata_log, 1);
    st_assert_eq_i64(m2->metadata_log[0].timestamp_ms, 1699999999000LL);
    /* the same append again: main has moved */
    st_fail_with(ST_ECONFLICT, st_requirements_check(m2, c.reqs, c.n_reqs));
    st_assert_contains(st_error_last()->message, "branch main was created concurrently");
    st_change_free(&c);
    st_metadata_free(m);
    st_metadata_free(m2);
    free(create);
    free(append);
}
