/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Equality-delete sets: Spark's equality-delete files (keys [2], [1], [1,2])
 * applied to their table's data file, Java's Avro-named file, DuckDB files
 * without field ids through a name mapping (with int -> long promotion),
 * random batches of every primitive type against a brute-force reference
 * (nulls, NaN, -0.0, keys inside structs with null parents, multi-column
 * keys), a large set, type and column errors, and allocation failures.
 */
#include "st_test.h"

#include <math.h>

#include <supertable/errors.h>
#include <supertable/parquet.h>
#include <supertable/sys/alloc.h>

#include "../parquet/writer_helpers.h"
#include "scan/deletes.h"

#define EQ_DIR "iceberg-fixtures/spark-v2-equality-deletes/warehouse/mydb/mytable/data/"
#define EQ_DATA1 EQ_DIR "00000-9-8b7ad7ff-1bf1-4522-9b6b-da181d84a8d6-0-00001.parquet"
#define EQ_DATA2 EQ_DIR "00000-12-3ac0d3a9-e19f-4bef-a39a-30030476b8aa-0-00001.parquet"
#define EQ_DEL_NAME_B EQ_DIR "delete-93d19556-6cbf-4720-a9a3-3cd5004ad532.parquet"
#define EQ_DEL_ID_1 EQ_DIR "delete-242a4468-1e89-489f-aa1b-eafd83a379db.parquet"
#define EQ_DEL_3C EQ_DIR "delete-6b31fafe-0aa5-4197-b4e8-052dbc2afa98.parquet"
#define EQ_DEL_NAME_F EQ_DIR "delete-2ca427ee-335e-412b-85d9-cb2ffd9ecfde.parquet"

/* A key schema of (id, name, type) triples; ids as given. */
static st_type *keys(int n, const int32_t *ids, const char *const *names, st_type *const *types)
{
    st_field f[16];
    st_type *s;
    for (int i = 0; i < n; i++) {
        f[i].id = ids[i];
        f[i].name = names[i];
        f[i].required = 0;
        f[i].type = types[i];
        f[i].doc = NULL;
    }
    st_pass(st_type_struct_new(&s, f, n));
    return s;
}

#define PRIM(t) st_type_primitive(ST_TYPE_##t)

static st_batch *read_file(const char *rel)
{
    st_parquet_reader *r;
    st_batch *b;
    st_pass(st_parquet_reader_open(&r, st_test_resource(rel), NULL));
    st_assert_eq_i64(st_parquet_reader_num_row_groups(r), 1);
    st_pass(st_parquet_reader_read_row_group(&b, r, 0));
    st_parquet_reader_free(r);
    return b;
}

/* Applies `s` to a batch and compares the keep mask with `want` ("1011"). */
static void expect_keep(const st_eqset *s, const st_batch *b, const char *want)
{
    uint8_t keep[64];
    char got[65];
    st_assert_eq_i64(b->length, (int64_t)strlen(want));
    memset(keep, 1, sizeof(keep));
    st_pass(st_eqset_apply(s, b, keep));
    for (int64_t i = 0; i < b->length; i++)
        got[i] = keep[i] ? '1' : '0';
    got[b->length] = 0;
    st_assert_eq_str(got, want);
}

void test_scan_eqset__spark_fixture(void)
{
    st_batch *d1 = read_file(EQ_DATA1), *d2 = read_file(EQ_DATA2);
    st_type *k_name = keys(1, (int32_t[]){2}, (const char *[]){"name"}, (st_type *[]){PRIM(STRING)});
    st_type *k_id = keys(1, (int32_t[]){1}, (const char *[]){"id"}, (st_type *[]){PRIM(INT)});
    st_type *k_both = keys(2, (int32_t[]){1, 2}, (const char *[]){"id", "name"},
                           (st_type *[]){PRIM(INT), PRIM(STRING)});
    st_eqset *s;

    /* data file 1 holds (1,a) (2,b) (3,c) (4,d); file 2 (5,e) (6,f) */
    st_pass(st_eqset_new(&s, k_name));
    st_pass(st_eqset_add_file(s, st_test_resource(EQ_DEL_NAME_B), NULL));
    st_assert_eq_i64(st_eqset_count(s), 1);
    expect_keep(s, d1, "1011");
    expect_keep(s, d2, "11");
    st_pass(st_eqset_add_file(s, st_test_resource(EQ_DEL_NAME_F), NULL));
    st_pass(st_eqset_add_file(s, st_test_resource(EQ_DEL_NAME_B), NULL));   /* again: no dup */
    st_assert_eq_i64(st_eqset_count(s), 2);
    expect_keep(s, d1, "1011");
    expect_keep(s, d2, "10");
    /* a [1] file has no name column */
    st_fail_with(ST_ECORRUPT, st_eqset_add_file(s, st_test_resource(EQ_DEL_ID_1), NULL));
    st_assert_contains(st_error_last()->message, "delete-242a4468");
    st_assert_contains(st_error_last()->message, "'name' (field id 2)");
    st_eqset_free(s);

    st_pass(st_eqset_new(&s, k_id));
    st_pass(st_eqset_add_file(s, st_test_resource(EQ_DEL_ID_1), NULL));
    expect_keep(s, d1, "0111");
    st_eqset_free(s);

    st_pass(st_eqset_new(&s, k_both));
    st_pass(st_eqset_add_file(s, st_test_resource(EQ_DEL_3C), NULL));
    st_assert_eq_i64(st_eqset_count(s), 1);
    expect_keep(s, d1, "1101");
    st_eqset_free(s);

    /* the key order of the schema does not have to be the file's */
    st_type *k_rev = keys(2, (int32_t[]){2, 1}, (const char *[]){"name", "id"},
                          (st_type *[]){PRIM(STRING), PRIM(INT)});
    st_pass(st_eqset_new(&s, k_rev));
    st_pass(st_eqset_add_file(s, st_test_resource(EQ_DEL_3C), NULL));
    expect_keep(s, d1, "1101");
    st_eqset_free(s);

    st_type_free(k_rev);
    st_type_free(k_name);
    st_type_free(k_id);
    st_type_free(k_both);
    st_batch_free(d1);
    st_batch_free(d2);
}

void test_scan_eqset__promotion(void)
{
    st_batch *d1 = read_file(EQ_DATA1);
    st_type *k_long = keys(1, (int32_t[]){1}, (const char *[]){"id"}, (st_type *[]){PRIM(LONG)});
    st_type *schema = pwt_schema("id long, other string");
    st_batch *b;
    st_eqset *s;
    uint8_t keep[3] = {1, 1, 1};

    st_pass(st_eqset_new(&s, k_long));
    st_pass(st_eqset_add_file(s, st_test_resource(EQ_DEL_ID_1), NULL));   /* int -> long */
    /* the data batch must hold the key type: an int column is not a long */
    st_fail_with(ST_EINVALID, st_eqset_apply(s, d1, keep));
    st_assert_contains(st_error_last()->message, "'id' (field id 1) is int");
    st_pass(st_batch_new(&b, schema, 3));
    st_pass(st_vector_append_i64(b->columns[0], 1));
    st_pass(st_vector_append_i64(b->columns[0], 2));
    st_pass(st_vector_append_i64(b->columns[0], ((int64_t)1 << 32) + 1));   /* not 1 */
    for (int i = 0; i < 3; i++)
        st_pass(st_vector_append_null(b->columns[1]));
    st_pass(st_batch_seal(b));
    expect_keep(s, b, "011");
    /* add_batch promotes too */
    st_pass(st_eqset_add_batch(s, d1));
    st_assert_eq_i64(st_eqset_count(s), 4);
    expect_keep(s, b, "001");
    st_eqset_free(s);
    st_batch_free(b);
    st_type_free(schema);
    st_type_free(k_long);
    st_batch_free(d1);
}

void test_scan_eqset__java_fixture(void)
{
    st_batch *data = read_file("iceberg-fixtures/icebird-java-bunnies/data/bunnies-initial.parquet");
    st_type *k = keys(1, (int32_t[]){1}, (const char *[]){"Breed Name"},
                      (st_type *[]){PRIM(STRING)});
    st_eqset *s;
    uint8_t keep[21];
    st_pass(st_eqset_new(&s, k));
    st_pass(st_eqset_add_file(s, st_test_resource("iceberg-fixtures/icebird-java-bunnies/data/"
                                                  "bunnies-eq-delete-new-zealand.parquet"), NULL));
    st_assert_eq_i64(st_eqset_count(s), 1);
    st_assert_eq_i64(data->length, 21);
    memset(keep, 1, sizeof(keep));
    st_pass(st_eqset_apply(s, data, keep));
    for (int i = 0; i < 21; i++)
        st_assert_eq_i64(keep[i], i != 20);    /* New Zealand is the last row */
    st_eqset_free(s);
    st_type_free(k);
    st_batch_free(data);
}

void test_scan_eqset__name_mapping(void)
{
    const char *file = "iceberg-fixtures/v1-name-mapping/warehouse_1/mydb/t1/data/"
                       "data-6af1f294-06df-4b0e-b9d9-beb11bb7b164.parquet";
    const char *mapping = "[{\"field-id\":1,\"names\":[\"a\"]},{\"field-id\":2,\"names\":[\"b\"]}]";
    st_type *k_a = keys(1, (int32_t[]){1}, (const char *[]){"a"}, (st_type *[]){PRIM(LONG)});
    st_type *k_ab = keys(2, (int32_t[]){1, 2}, (const char *[]){"a", "b"},
                         (st_type *[]){PRIM(LONG), PRIM(LONG)});
    st_parquet_read_options o = ST_PARQUET_READ_OPTIONS_INIT;
    st_parquet_reader *r;
    st_batch *b;
    st_eqset *s;
    uint8_t *keep;

    st_pass(st_eqset_new(&s, k_a));
    st_fail_with(ST_ECORRUPT, st_eqset_add_file(s, st_test_resource(file), NULL));
    st_assert_contains(st_error_last()->message, "'a' (field id 1)");
    st_pass(st_eqset_add_file(s, st_test_resource(file), mapping));
    st_assert_eq_i64(st_eqset_count(s), 10000);     /* a is 0..9999 */
    st_eqset_free(s);

    /* (a, b): every row distinct; probing the file itself deletes every row */
    st_pass(st_eqset_new(&s, k_ab));
    st_pass(st_eqset_add_file(s, st_test_resource(file), mapping));
    st_assert_eq_i64(st_eqset_count(s), 10000);
    o.name_mapping = mapping;
    st_pass(st_parquet_reader_open(&r, st_test_resource(file), &o));
    st_pass(st_parquet_reader_read_row_group(&b, r, 0));
    keep = malloc((size_t)b->length);
    memset(keep, 1, (size_t)b->length);
    /* the file's a is int: a data batch must hold long */
    st_fail_with(ST_EINVALID, st_eqset_apply(s, b, keep));
    st_batch_free(b);
    st_parquet_reader_free(r);
    free(keep);
    st_eqset_free(s);
    st_type_free(k_a);
    st_type_free(k_ab);
}

/* ------------------------------------------------------------ random batches */

static int canon_eq_f64(double a, double b)
{
    if (isnan(a) || isnan(b))
        return isnan(a) && isnan(b);
    return memcmp(&a, &b, sizeof(double)) == 0;
}

/* The vector holding field `id` (top level or in a struct) and its parent. */
static const st_vector *find_vec(const st_batch *b, int32_t id, const st_vector **parent)
{
    *parent = NULL;
    for (int i = 0; i < b->n_columns; i++) {
        const st_type *t = b->schema->fields[i].type;
        if (b->schema->fields[i].id == id)
            return b->columns[i];
        if (t->id == ST_TYPE_STRUCT)
            for (int j = 0; j < t->n_fields; j++)
                if (t->fields[j].id == id) {
                    *parent = b->columns[i];
                    return b->columns[i]->children[j];
                }
    }
    return NULL;
}

/* Brute-force: are row ra of a and row rb of b the same key tuple? */
static int ref_equal(const st_type *ks, const st_batch *a, int64_t ra, const st_batch *b,
                     int64_t rb)
{
    for (int k = 0; k < ks->n_fields; k++) {
        const st_vector *pa, *pb, *va = find_vec(a, ks->fields[k].id, &pa),
                                  *vb = find_vec(b, ks->fields[k].id, &pb);
        int oka = st_vector_is_valid(va, ra) && (!pa || st_vector_is_valid(pa, ra));
        int okb = st_vector_is_valid(vb, rb) && (!pb || st_vector_is_valid(pb, rb));
        if (oka != okb)
            return 0;
        if (!oka)
            continue;
        switch (va->type->id) {
        case ST_TYPE_BOOLEAN:
            if (st_vector_get_bool(va, ra) != st_vector_get_bool(vb, rb))
                return 0;
            break;
        case ST_TYPE_INT: case ST_TYPE_DATE:
            if (st_vector_get_i32(va, ra) != st_vector_get_i32(vb, rb))
                return 0;
            break;
        case ST_TYPE_FLOAT:
            if (!canon_eq_f64(st_vector_get_f32(va, ra), st_vector_get_f32(vb, rb)))
                return 0;
            break;
        case ST_TYPE_DOUBLE:
            if (!canon_eq_f64(st_vector_get_f64(va, ra), st_vector_get_f64(vb, rb)))
                return 0;
            break;
        case ST_TYPE_DECIMAL: {
            st_decimal128 x = st_vector_get_decimal(va, ra), y = st_vector_get_decimal(vb, rb);
            if (x.lo != y.lo || x.hi != y.hi)
                return 0;
            break;
        }
        case ST_TYPE_STRING: case ST_TYPE_BINARY: case ST_TYPE_FIXED: case ST_TYPE_UUID: {
            size_t la, lb;
            const uint8_t *x = st_vector_get_bytes(va, ra, &la), *y = st_vector_get_bytes(vb, rb, &lb);
            if (la != lb || (la && memcmp(x, y, la) != 0))
                return 0;
            break;
        }
        default:
            if (st_vector_get_i64(va, ra) != st_vector_get_i64(vb, rb))
                return 0;
            break;
        }
    }
    return 1;
}

/* Deletes rows of one random batch, probes another, compares with brute force. */
static void random_case(st_type *schema, const int *key_cols, int nk, uint64_t seed, int domain,
                        int del_rows)
{
    pwt_rng r1 = {seed}, r2 = {seed * 31 + 7};
    pwt_cfg cfg = {25, domain, 2, 1, 0};
    st_batch *del = pwt_random_batch(schema, del_rows, &r1, &cfg);
    st_batch *probe = pwt_random_batch(schema, 3000, &r2, &cfg);
    int32_t ids[16];
    const char *names[16];
    st_type *types[16], *ks;
    st_eqset *s;
    uint8_t *keep = malloc((size_t)probe->length);
    int64_t distinct = 0;

    for (int k = 0; k < nk; k++) {
        /* key_cols: top-level index, or 100 * (struct index + 1) + child index */
        const st_field *f = key_cols[k] < 100
            ? &schema->fields[key_cols[k]]
            : &schema->fields[key_cols[k] / 100 - 1].type->fields[key_cols[k] % 100];
        ids[k] = f->id;
        names[k] = f->name;
        types[k] = f->type;
    }
    ks = keys(nk, ids, names, types);
    st_pass(st_eqset_new(&s, ks));
    st_pass(st_eqset_add_batch(s, del));
    for (int64_t i = 0; i < del->length; i++) {
        int seen = 0;
        for (int64_t j = 0; j < i && !seen; j++)
            seen = ref_equal(ks, del, i, del, j);
        distinct += !seen;
    }
    st_assert_eq_i64(st_eqset_count(s), distinct);
    memset(keep, 1, (size_t)probe->length);
    keep[0] = 0;                            /* zeros stay zeros */
    st_pass(st_eqset_apply(s, probe, keep));
    int64_t deleted = 0;
    for (int64_t i = 0; i < probe->length; i++) {
        int hit = i == 0;
        for (int64_t j = 0; j < del->length && !hit; j++)
            hit = ref_equal(ks, probe, i, del, j);
        deleted += hit;
        if (keep[i] != !hit)
            st_assert_msg(0, "seed %llu row %lld: keep %d, reference %d",
                          (unsigned long long)seed, (long long)i, keep[i], !hit);
    }
    /* the case must mean something: some rows deleted, some kept */
    st_assert_msg(deleted > 1 && deleted < probe->length, "seed %llu: deleted %lld of %lld",
                  (unsigned long long)seed, (long long)deleted, (long long)probe->length);
    free(keep);
    st_eqset_free(s);
    st_type_free(ks);
    st_batch_free(del);
    st_batch_free(probe);
}

void test_scan_eqset__random_every_type(void)
{
    st_type *schema = pwt_schema("b boolean, i int, l long, f float, d double, "
                                 "dec decimal(20,3), sdec decimal(5,2), dt date, t time, "
                                 "ts timestamp, tz timestamptz, tsn timestamp_ns, s string, "
                                 "bin binary, fx fixed[3], u uuid");
    /* the delete batch covers part of the values each key can take */
    random_case(schema, (int[]){0}, 1, 100, 0, 2);
    for (int c = 1; c < schema->n_fields; c++)   /* floats: specials and nulls collide */
        random_case(schema, (int[]){c}, 1, 100 + (uint64_t)c, c == 3 || c == 4 ? 0 : 200, 60);
    random_case(schema, (int[]){1, 12}, 2, 7, 6, 20);
    random_case(schema, (int[]){3, 4, 0}, 3, 8, 3, 20);
    random_case(schema, (int[]){12, 5, 14, 15}, 4, 9, 3, 60);
    random_case(schema, (int[]){0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}, 16, 10, 1,
                60);
    st_type_free(schema);
}

void test_scan_eqset__random_in_structs(void)
{
    /* k=1 s=2 p=3 (s.a=4 s.b=5 p.c=6) */
    st_type *schema = pwt_schema("k long, s struct<a: int, b: string>, p struct<c: double>");
    random_case(schema, (int[]){200}, 1, 21, 5, 3);
    random_case(schema, (int[]){201, 0}, 2, 22, 4, 10);
    random_case(schema, (int[]){300, 200, 201}, 3, 23, 3, 20);
    st_type_free(schema);
}

/* Keys inside a struct of a delete file: the reader projects the subtree. */
void test_scan_eqset__file_with_struct_keys(void)
{
    /* k=1 s=2 s.a=3 s.b=4 */
    st_type *schema = pwt_schema("k long, s struct<a: int, b: string>");
    st_type *k = keys(2, (int32_t[]){3, 4}, (const char *[]){"a", "b"},
                      (st_type *[]){PRIM(INT), PRIM(STRING)});
    pwt_rng rr = {99};
    pwt_cfg cfg = {30, 4, 0, 0, 0};
    st_batch *b = pwt_random_batch(schema, 500, &rr, &cfg);
    const char *path = st_test_path("eq.parquet");
    st_eqset *from_file, *from_batch;
    uint8_t keep1[500], keep2[500];
    pwt_write(path, schema, &b, 1, NULL, NULL);
    st_pass(st_eqset_new(&from_file, k));
    st_pass(st_eqset_new(&from_batch, k));
    st_pass(st_eqset_add_file(from_file, path, NULL));
    st_pass(st_eqset_add_batch(from_batch, b));
    st_assert_eq_i64(st_eqset_count(from_file), st_eqset_count(from_batch));
    st_assert(st_eqset_count(from_file) > 5);
    memset(keep1, 1, sizeof(keep1));
    memset(keep2, 1, sizeof(keep2));
    st_pass(st_eqset_apply(from_file, b, keep1));
    st_pass(st_eqset_apply(from_batch, b, keep2));
    st_assert_eq_mem(keep1, keep2, sizeof(keep1));
    for (int i = 0; i < 500; i++)
        st_assert(keep1[i] == 0);          /* every row of the file is a key */
    st_eqset_free(from_file);
    st_eqset_free(from_batch);
    st_batch_free(b);
    st_type_free(k);
    st_type_free(schema);
}

void test_scan_eqset__nan_and_zero(void)
{
    st_type *schema = pwt_schema("d double, f float");
    st_type *kd = keys(1, (int32_t[]){1}, (const char *[]){"d"}, (st_type *[]){PRIM(DOUBLE)});
    st_type *kf = keys(1, (int32_t[]){2}, (const char *[]){"f"}, (st_type *[]){PRIM(FLOAT)});
    uint64_t nan_bits[3] = {0x7ff8000000000000ULL, 0x7ff0000000000001ULL, 0xfff8000000000000ULL};
    uint32_t fnan_bits[2] = {0x7fc00001u, 0xffc00000u};
    double dv[5];
    float fv[5];
    st_batch *del, *probe;
    st_eqset *s;

    memcpy(&dv[0], &nan_bits[0], 8);
    memcpy(&fv[0], &fnan_bits[0], 4);
    st_pass(st_batch_new(&del, schema, 2));
    st_pass(st_vector_append_f64(del->columns[0], dv[0]));     /* NaN */
    st_pass(st_vector_append_f64(del->columns[0], -0.0));
    st_pass(st_vector_append_f32(del->columns[1], fv[0]));     /* NaN */
    st_pass(st_vector_append_f32(del->columns[1], 0.0f));
    st_pass(st_batch_seal(del));

    memcpy(&dv[0], &nan_bits[1], 8);        /* other NaN payloads */
    memcpy(&dv[1], &nan_bits[2], 8);
    dv[2] = 0.0;
    dv[3] = -0.0;
    dv[4] = 1.0;
    memcpy(&fv[0], &fnan_bits[1], 4);
    fv[1] = NAN;
    fv[2] = 0.0f;
    fv[3] = -0.0f;
    fv[4] = 1.0f;
    st_pass(st_batch_new(&probe, schema, 5));
    for (int i = 0; i < 5; i++) {
        st_pass(st_vector_append_f64(probe->columns[0], dv[i]));
        st_pass(st_vector_append_f32(probe->columns[1], fv[i]));
    }
    st_pass(st_batch_seal(probe));

    st_pass(st_eqset_new(&s, kd));
    st_pass(st_eqset_add_batch(s, del));
    expect_keep(s, probe, "00101");          /* every NaN; -0.0 but not 0.0 */
    st_eqset_free(s);
    st_pass(st_eqset_new(&s, kf));
    st_pass(st_eqset_add_batch(s, del));
    expect_keep(s, probe, "00011");          /* every NaN; 0.0 but not -0.0 */
    st_eqset_free(s);
    st_batch_free(del);
    st_batch_free(probe);
    st_type_free(kd);
    st_type_free(kf);
    st_type_free(schema);
}

void test_scan_eqset__nulls(void)
{
    /* (a int, b string): (null, x), (1, null), (null, null) are keys */
    st_type *schema = pwt_schema("a int, b string");
    st_type *k = keys(2, (int32_t[]){1, 2}, (const char *[]){"a", "b"},
                      (st_type *[]){PRIM(INT), PRIM(STRING)});
    st_batch *del, *probe;
    st_eqset *s;
    st_pass(st_batch_new(&del, schema, 3));
    st_pass(st_vector_append_null(del->columns[0]));
    st_pass(st_vector_append_bytes(del->columns[1], "x", 1));
    st_pass(st_vector_append_i32(del->columns[0], 1));
    st_pass(st_vector_append_null(del->columns[1]));
    st_pass(st_vector_append_null(del->columns[0]));
    st_pass(st_vector_append_null(del->columns[1]));
    st_pass(st_batch_seal(del));
    st_pass(st_batch_new(&probe, schema, 6));
    /* (null,x) (null,y) (1,null) (1,"") (null,null) (0,x) */
    int32_t a[6] = {0, 0, 1, 1, 0, 0};
    int an[6] = {1, 1, 0, 0, 1, 0};
    const char *bs[6] = {"x", "y", NULL, "", NULL, "x"};
    for (int i = 0; i < 6; i++) {
        if (an[i])
            st_pass(st_vector_append_null(probe->columns[0]));
        else
            st_pass(st_vector_append_i32(probe->columns[0], a[i]));
        if (bs[i])
            st_pass(st_vector_append_bytes(probe->columns[1], bs[i], strlen(bs[i])));
        else
            st_pass(st_vector_append_null(probe->columns[1]));
    }
    st_pass(st_batch_seal(probe));
    st_pass(st_eqset_new(&s, k));
    st_pass(st_eqset_add_batch(s, del));
    st_pass(st_eqset_add_batch(s, del));
    st_assert_eq_i64(st_eqset_count(s), 3);
    expect_keep(s, probe, "010101");
    st_eqset_free(s);
    st_batch_free(del);
    st_batch_free(probe);
    st_type_free(k);
    st_type_free(schema);
}

void test_scan_eqset__errors(void)
{
    st_type *schema = pwt_schema("a int, b string, c decimal(10,2), l list<int>");
    st_type *nested = pwt_schema("x struct<y: int>");
    st_type *k_long = keys(1, (int32_t[]){1}, (const char *[]){"a"}, (st_type *[]){PRIM(LONG)});
    st_type *k_str = keys(1, (int32_t[]){1}, (const char *[]){"a"}, (st_type *[]){PRIM(STRING)});
    st_type *k_missing = keys(1, (int32_t[]){42}, (const char *[]){"zz"},
                              (st_type *[]){PRIM(INT)});
    st_type *k_elem = keys(1, (int32_t[]){5}, (const char *[]){"element"},
                           (st_type *[]){PRIM(INT)});
    st_type *dec12, *k_dec;
    st_batch *b;
    st_eqset *s;
    uint8_t keep[1] = {1};

    st_pass(st_type_decimal_new(&dec12, 12, 2));
    k_dec = keys(1, (int32_t[]){3}, (const char *[]){"c"}, (st_type *[]){dec12});
    st_pass(st_batch_new(&b, schema, 1));
    st_pass(st_vector_append_i32(b->columns[0], 1));
    st_pass(st_vector_append_bytes(b->columns[1], "x", 1));
    st_pass(st_vector_append_decimal(b->columns[2], (st_decimal128){5, 0}));
    st_pass(st_vector_append_nested(b->columns[3]));
    st_pass(st_batch_seal(b));

    st_fail_with(ST_EINVALID, st_eqset_new(&s, nested));     /* a struct key */
    st_fail_with(ST_EINVALID, st_eqset_new(&s, PRIM(INT)));

    st_pass(st_eqset_new(&s, k_str));
    st_fail_with(ST_EINVALID, st_eqset_add_batch(s, b));     /* int is no string */
    st_fail_with(ST_EINVALID, st_eqset_apply(s, b, keep));
    st_assert_contains(st_error_last()->message, "expected string");
    st_eqset_free(s);

    st_pass(st_eqset_new(&s, k_missing));
    st_fail_with(ST_ENOTFOUND, st_eqset_apply(s, b, keep));
    st_assert_contains(st_error_last()->message, "'zz' (field id 42)");
    st_fail_with(ST_ENOTFOUND, st_eqset_add_batch(s, b));
    st_eqset_free(s);

    st_pass(st_eqset_new(&s, k_elem));                       /* inside a list: not found */
    st_fail_with(ST_ENOTFOUND, st_eqset_apply(s, b, keep));
    st_eqset_free(s);

    /* decimal(10,2) widens to decimal(12,2) when adding, never when probing */
    st_pass(st_eqset_new(&s, k_dec));
    st_pass(st_eqset_add_batch(s, b));
    st_fail_with(ST_EINVALID, st_eqset_apply(s, b, keep));
    st_assert_contains(st_error_last()->message, "decimal(10,2)");
    st_eqset_free(s);

    /* long data cannot narrow into an int key */
    {
        st_type *ls = pwt_schema("a long");
        st_type *k_int = keys(1, (int32_t[]){1}, (const char *[]){"a"}, (st_type *[]){PRIM(INT)});
        st_batch *lb;
        st_pass(st_batch_new(&lb, ls, 1));
        st_pass(st_vector_append_i64(lb->columns[0], 1));
        st_pass(st_batch_seal(lb));
        st_pass(st_eqset_new(&s, k_int));
        st_fail_with(ST_EINVALID, st_eqset_add_batch(s, lb));
        st_eqset_free(s);
        st_batch_free(lb);
        st_type_free(ls);
        st_type_free(k_int);
    }

    /* files: missing, not Parquet */
    st_pass(st_eqset_new(&s, k_long));
    st_fail_with(ST_ENOTFOUND, st_eqset_add_file(s, st_test_path("missing.parquet"), NULL));
    st_eqset_free(s);
    st_eqset_free(NULL);

    st_batch_free(b);
    st_type_free(schema);
    st_type_free(nested);
    st_type_free(k_long);
    st_type_free(k_str);
    st_type_free(k_missing);
    st_type_free(k_elem);
    st_type_free(k_dec);
    st_type_free(dec12);
}

static uint64_t xs(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

void test_scan_eqset__large(void)
{
    enum { NK = 100000, NP = 300000 };
    st_type *schema = pwt_schema("id long, name string");
    st_type *k = keys(2, (int32_t[]){1, 2}, (const char *[]){"id", "name"},
                      (st_type *[]){PRIM(LONG), PRIM(STRING)});
    int64_t *ref = malloc(sizeof(int64_t) * NK);
    uint8_t *keep = malloc(NP);
    uint64_t seed = 1;
    st_batch *del, *probe;
    st_eqset *s;
    char buf[32];

    st_pass(st_batch_new(&del, schema, NK));
    for (int i = 0; i < NK; i++) {
        int64_t v = (int64_t)(xs(&seed) % 1000000);
        ref[i] = v;
        int n = snprintf(buf, sizeof(buf), "n%lld", (long long)(v % 1000));
        st_pass(st_vector_append_i64(del->columns[0], v));
        st_pass(st_vector_append_bytes(del->columns[1], buf, (size_t)n));
    }
    st_pass(st_batch_seal(del));
    qsort(ref, NK, sizeof(int64_t), cmp_i64);
    int64_t distinct = 0;
    for (int i = 0; i < NK; i++)
        distinct += i == 0 || ref[i] != ref[i - 1];
    st_pass(st_batch_new(&probe, schema, NP));
    for (int i = 0; i < NP; i++) {
        int64_t v = (int64_t)(xs(&seed) % 1000000);
        /* a third of the rows differ only in the name */
        int n = snprintf(buf, sizeof(buf), "n%lld", (long long)(v % 1000 + (i % 3 == 0)));
        st_pass(st_vector_append_i64(probe->columns[0], v));
        st_pass(st_vector_append_bytes(probe->columns[1], buf, (size_t)n));
    }
    st_pass(st_batch_seal(probe));
    st_pass(st_eqset_new(&s, k));
    st_pass(st_eqset_add_batch(s, del));
    st_assert_eq_i64(st_eqset_count(s), distinct);
    memset(keep, 1, NP);
    st_pass(st_eqset_apply(s, probe, keep));
    for (int i = 0; i < NP; i++) {
        int64_t v = st_vector_get_i64(probe->columns[0], i);
        int in = i % 3 != 0 && bsearch(&v, ref, NK, sizeof(int64_t), cmp_i64) != NULL;
        if (keep[i] != !in)
            st_assert_msg(0, "row %d (%lld): keep %d", i, (long long)v, keep[i]);
    }
    st_eqset_free(s);
    st_batch_free(del);
    st_batch_free(probe);
    st_type_free(k);
    st_type_free(schema);
    free(ref);
    free(keep);
}

static int sweep_once(st_type *k, const char *file, const st_batch *probe, uint8_t *keep)
{
    st_eqset *s;
    int rc;
    if ((rc = st_eqset_new(&s, k)) < 0)
        return rc;
    if ((rc = st_eqset_add_file(s, file, NULL)) == 0) {
        memset(keep, 1, 4);
        rc = st_eqset_apply(s, probe, keep);
    }
    st_eqset_free(s);
    return rc;
}

void test_scan_eqset__alloc_failures(void)
{
    st_batch *d1 = read_file(EQ_DATA1);
    st_type *k = keys(2, (int32_t[]){1, 2}, (const char *[]){"id", "name"},
                      (st_type *[]){PRIM(INT), PRIM(STRING)});
    const char *file = st_test_resource(EQ_DEL_3C);
    uint8_t keep[4];
    long n;
    for (n = 0;; n++) {
        long done;
        int rc;
        st_assert_msg(n < 100000, "the allocation sweep does not end");
        st_alloc_fail_after(n);
        rc = sweep_once(k, file, d1, keep);
        done = st_alloc_fail_after(-1);
        if (rc == 0) {
            st_assert_eq_mem(keep, ((uint8_t[]){1, 1, 0, 1}), 4);
            if (done <= n)
                break;
            continue;
        }
        st_assert_msg(rc == ST_ENOMEM, "failing allocation %ld gave %d (%s)", n, rc,
                      st_error_last()->message);
    }
    st_assert(n > 10);
    st_type_free(k);
    st_batch_free(d1);
}
