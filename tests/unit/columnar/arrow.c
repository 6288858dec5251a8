/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Tests for the Arrow C Data and Stream interfaces: schema export, zero-copy
 * round trips of every type, release discipline, hand-built foreign arrays
 * (narrow ints, large offsets, slices, dictionaries, time units), malformed
 * arrays, streams, and an allocation-failure sweep.
 */
#include "st_test.h"

#include <errno.h>
#include <math.h>

#include <supertable/arrow.h>
#include <supertable/errors.h>
#include <supertable/types.h>
#include <supertable/vector.h>
#include <supertable/sys/alloc.h>

/* ---------------------------------------------------------------- helpers */

static st_type *schema_of(const char *text)
{
    st_type *t = NULL;
    st_pass(st_schema_parse(&t, text));
    return t;
}

static st_vector *new_vec(st_type *t)
{
    st_vector *v = NULL;
    st_pass(st_vector_new(&v, t, 0));
    return v;
}

static void assert_equal(const st_vector *a, const st_vector *b)
{
    char *diff = NULL, msg[512];
    if (st_vector_equals(a, b, &diff))
        return;
    snprintf(msg, sizeof(msg), "%s", diff ? diff : "(no diff)");
    st_free(diff);
    st_assert_msg(0, "vectors differ: %s", msg);
}

/* Exports v with its type, imports it back; the result is validated. */
static st_vector *round_trip(st_vector *v)
{
    struct ArrowSchema s;
    struct ArrowArray a;
    st_vector *back = NULL;
    st_pass(st_arrow_export_type(&s, v->type, "col", 1, 99));
    st_pass(st_arrow_export_vector(&a, v));
    st_pass(st_arrow_import_vector(&back, &a, &s));
    st_assert(a.release == NULL); /* moved */
    s.release(&s);
    st_assert(s.release == NULL);
    st_pass(st_vector_validate(back));
    assert_equal(v, back);
    return back;
}

/* Reads a metadata value of an ArrowSchema into buf ("" when absent). */
static const char *md_get(const struct ArrowSchema *s, const char *key, char *buf)
{
    const char *p = s->metadata;
    int32_t n, kl, vl;
    buf[0] = 0;
    if (!p)
        return NULL;
    memcpy(&n, p, 4);
    p += 4;
    for (int i = 0; i < n; i++) {
        memcpy(&kl, p, 4);
        const char *k = p + 4;
        p += 4 + kl;
        memcpy(&vl, p, 4);
        if ((size_t)kl == strlen(key) && memcmp(k, key, (size_t)kl) == 0) {
            memcpy(buf, p + 4, (size_t)vl);
            buf[vl] = 0;
            return buf;
        }
        p += 4 + vl;
    }
    return NULL;
}

/* Hand-built "foreign" arrays with a counting release callback. */
typedef struct fake_array {
    struct ArrowArray a;
    const void *buffers[3];
    struct ArrowArray *children[2];
} fake_array;

static int g_releases;

static void fake_release(struct ArrowArray *a)
{
    for (int64_t i = 0; i < a->n_children; i++)
        if (a->children[i] && a->children[i]->release)
            a->children[i]->release(a->children[i]);
    if (a->dictionary && a->dictionary->release)
        a->dictionary->release(a->dictionary);
    g_releases++;
    a->release = NULL;
}

static void fake(fake_array *f, int64_t length, int64_t nulls, int64_t offset, int n_buffers,
                 const void *b0, const void *b1, const void *b2)
{
    memset(f, 0, sizeof(*f));
    f->buffers[0] = b0;
    f->buffers[1] = b1;
    f->buffers[2] = b2;
    f->a.length = length;
    f->a.null_count = nulls;
    f->a.offset = offset;
    f->a.n_buffers = n_buffers;
    f->a.buffers = f->buffers;
    f->a.children = f->children;
    f->a.release = fake_release;
}

static void add_child(fake_array *parent, fake_array *child)
{
    parent->children[parent->a.n_children++] = &child->a;
}

typedef struct fake_schema {
    struct ArrowSchema s;
    struct ArrowSchema *children[2];
} fake_schema;

static void fake_schema_release(struct ArrowSchema *s)
{
    s->release = NULL;
}

static void fschema(fake_schema *f, const char *format, const char *name, int nullable)
{
    memset(f, 0, sizeof(*f));
    f->s.format = format;
    f->s.name = name;
    f->s.flags = nullable ? ARROW_FLAG_NULLABLE : 0;
    f->s.children = f->children;
    f->s.release = fake_schema_release;
}

static void add_schema_child(fake_schema *parent, fake_schema *child)
{
    parent->children[parent->s.n_children++] = &child->s;
}

/* Imports a hand-built array; expects success and exactly-once release. */
static st_vector *import_fake(fake_array *fa, fake_schema *fs)
{
    st_vector *v = NULL;
    st_pass(st_arrow_import_vector(&v, &fa->a, &fs->s));
    st_assert(fa->a.release == NULL);
    st_pass(st_vector_validate(v));
    return v;
}

static void import_fails(fake_array *fa, fake_schema *fs, int code, const char *frag)
{
    st_vector *v = (st_vector *)1;
    int before = g_releases;
    st_fail_with(code, st_arrow_import_vector(&v, &fa->a, &fs->s));
    st_assert(v == NULL);
    st_assert_contains(st_error_last()->message, frag);
    /* Consumed on failure too. */
    st_assert(fa->a.release == NULL);
    st_assert(g_releases > before);
}

/* ------------------------------------------------------------ schema export */

void test_columnar_arrow__export_schema_formats(void)
{
    static const char *formats[] = {
        "b", "i", "l", "f", "g", "d:10,2", "tdD", "ttu", "tsu:", "tsu:UTC", "tsn:",
        "tsn:UTC", "u", "w:16", "w:4", "z", "+s", "+l", "+m",
    };
    st_type *t = schema_of("b boolean, i int, l long not null, f float, d double, "
                           "dec decimal(10,2), dt date, t time, ts timestamp, tstz timestamptz, "
                           "tsn timestamp_ns, tsnz timestamptz_ns, s string, u uuid, "
                           "fx fixed[4], bin binary, st struct<x: int not null>, "
                           "li list<int not null>, m map<string, int>");
    st_type *back = NULL;
    struct ArrowSchema s;
    char buf[64];

    st_pass(st_arrow_export_schema(&s, t));
    st_assert_eq_str(s.format, "+s");
    st_assert_eq_str(s.name, "");
    st_assert_eq_i64(s.flags, 0);
    st_assert_eq_i64(s.n_children, 19);
    for (int i = 0; i < 19; i++) {
        const struct ArrowSchema *c = s.children[i];
        st_assert_eq_str(c->format, formats[i]);
        st_assert_eq_str(c->name, t->fields[i].name);
        st_assert_eq_i64(c->flags, i == 2 ? 0 : ARROW_FLAG_NULLABLE);
        snprintf(buf + 32, 32, "%d", i + 1);
        st_assert_eq_str(md_get(c, "PARQUET:field_id", buf), buf + 32);
        st_assert(c->release != NULL);
    }
    st_assert_eq_str(md_get(s.children[13], "ARROW:extension:name", buf), "arrow.uuid");
    st_assert_eq_str(md_get(s.children[13], "ARROW:extension:metadata", buf), "");
    st_assert(md_get(s.children[12], "ARROW:extension:name", buf) == NULL);
    /* struct<x: int not null>: id 20 */
    st_assert_eq_i64(s.children[16]->children[0]->flags, 0);
    st_assert_eq_str(md_get(s.children[16]->children[0], "PARQUET:field_id", buf), "20");
    /* list<int not null>: the element, id 21 */
    st_assert_eq_str(s.children[17]->children[0]->name, "element");
    st_assert_eq_i64(s.children[17]->children[0]->flags, 0);
    st_assert_eq_str(md_get(s.children[17]->children[0], "PARQUET:field_id", buf), "21");
    {
        /* map: a non-nullable entries struct of a non-nullable key and a value */
        const struct ArrowSchema *e = s.children[18]->children[0];
        st_assert_eq_i64(s.children[18]->n_children, 1);
        st_assert_eq_str(e->format, "+s");
        st_assert_eq_str(e->name, "entries");
        st_assert_eq_i64(e->flags, 0);
        st_assert(e->metadata == NULL);
        st_assert_eq_str(e->children[0]->name, "key");
        st_assert_eq_str(e->children[0]->format, "u");
        st_assert_eq_i64(e->children[0]->flags, 0);
        st_assert_eq_str(md_get(e->children[0], "PARQUET:field_id", buf), "22");
        st_assert_eq_str(e->children[1]->name, "value");
        st_assert_eq_i64(e->children[1]->flags, ARROW_FLAG_NULLABLE);
        st_assert_eq_str(md_get(e->children[1], "PARQUET:field_id", buf), "23");
    }
    st_pass(st_arrow_import_type(&back, &s));
    st_assert(st_type_equals(t, back));
    st_type_free(back);
    s.release(&s);
    st_assert(s.release == NULL);
    st_type_free(t);
}

void test_columnar_arrow__export_type_without_id_and_child_moved_out(void)
{
    st_type *t = schema_of("s struct<a: int, b: string>");
    struct ArrowSchema s, moved;
    st_pass(st_arrow_export_type(&s, t->fields[0].type, NULL, 0, ST_FIELD_ID_NONE));
    st_assert_eq_str(s.name, "");
    st_assert(s.metadata == NULL);
    st_assert_eq_i64(s.flags, 0);
    /* A consumer may move a child out and release it after its parent. */
    moved = *s.children[1];
    s.children[1]->release = NULL;
    s.release(&s);
    st_assert_eq_str(moved.format, "u");
    st_assert_eq_str(moved.name, "b");
    moved.release(&moved);
    st_fail_with(ST_EINVALID, st_arrow_export_schema(&s, st_type_primitive(ST_TYPE_INT)));
    st_assert(s.release == NULL);
    st_type_free(t);
}

/* ------------------------------------------------------------- round trips */

void test_columnar_arrow__round_trip_primitives_zero_copy(void)
{
    static const char *types[] = {
        "boolean", "int", "long", "float", "double", "decimal(38,10)", "date", "time",
        "timestamp", "timestamptz", "timestamp_ns", "timestamptz_ns", "string", "uuid",
        "fixed[3]", "binary",
    };
    for (size_t k = 0; k < sizeof(types) / sizeof(types[0]); k++) {
        char text[64];
        st_type *schema, *t;
        st_vector *v, *back;
        snprintf(text, sizeof(text), "c %s", types[k]);
        schema = schema_of(text);
        t = schema->fields[0].type;
        v = new_vec(t);
        for (int i = 0; i < 37; i++) {
            uint8_t bytes[16];
            if (i == 0 || i == 17 || i == 36) { /* nulls at start, middle and end */
                st_pass(st_vector_append_null(v));
                continue;
            }
            memset(bytes, i, sizeof(bytes));
            switch (t->id) {
            case ST_TYPE_BOOLEAN: st_pass(st_vector_append_bool(v, i % 3 == 0)); break;
            case ST_TYPE_INT:
            case ST_TYPE_DATE: st_pass(st_vector_append_i32(v, i * 1000 - 7)); break;
            case ST_TYPE_FLOAT: st_pass(st_vector_append_f32(v, (float)i / 3)); break;
            case ST_TYPE_DOUBLE: st_pass(st_vector_append_f64(v, i / 7.0)); break;
            case ST_TYPE_DECIMAL:
                st_pass(st_vector_append_decimal(v, (st_decimal128){(uint64_t)-i, -1}));
                break;
            case ST_TYPE_STRING:
            case ST_TYPE_BINARY: st_pass(st_vector_append_bytes(v, bytes, (size_t)i % 5)); break;
            case ST_TYPE_UUID: st_pass(st_vector_append_bytes(v, bytes, 16)); break;
            case ST_TYPE_FIXED: st_pass(st_vector_append_bytes(v, bytes, 3)); break;
            default: st_pass(st_vector_append_i64(v, (int64_t)i << 33)); break;
            }
        }
        back = round_trip(v);
        /* Nothing was copied: the buffers are the very same memory. */
        st_assert_msg(back->values == v->values, "%s values were copied", types[k]);
        st_assert_msg(back->validity == v->validity, "%s validity was copied", types[k]);
        st_assert(back->data == v->data);
        st_assert(back->foreign_);
        st_assert_eq_i64(v->refs_, 2); /* the import holds the export's reference */
        st_vector_free(back);
        st_assert_eq_i64(v->refs_, 1);
        st_vector_free(v);
        st_type_free(schema);
    }
}

/* c: list<struct<a: int, b: list<string>>>, with nulls at every level. */
static void fill_nested_list(st_vector *v, int rows)
{
    st_vector *s = v->children[0];
    st_vector *a = s->children[0], *b = s->children[1], *bs = b->children[0];
    for (int r = 0; r < rows; r++) {
        if (r % 4 == 1) {
            st_pass(st_vector_append_null(v));
            continue;
        }
        for (int e = 0; e < r % 3; e++) {
            if (e == 1 && r % 2) {
                st_pass(st_vector_append_null(s));
                continue;
            }
            if (r % 5 == 0)
                st_pass(st_vector_append_null(a));
            else
                st_pass(st_vector_append_i32(a, r * 10 + e));
            if (r % 7 == 3) {
                st_pass(st_vector_append_null(b));
            } else {
                for (int k = 0; k < (r + e) % 3; k++)
                    st_pass(st_vector_append_bytes(bs, "tag", 1 + (size_t)k));
                st_pass(st_vector_append_nested(b));
            }
            st_pass(st_vector_append_nested(s));
        }
        st_pass(st_vector_append_nested(v));
    }
}

/* m: map<string, list<int>> */
static void fill_map(st_vector *v, int rows)
{
    st_vector *k = v->children[0], *val = v->children[1], *el = val->children[0];
    char key[16];
    for (int r = 0; r < rows; r++) {
        if (r % 3 == 2) {
            st_pass(st_vector_append_null(v));
            continue;
        }
        for (int e = 0; e < r % 4; e++) {
            snprintf(key, sizeof(key), "k%d", e);
            st_pass(st_vector_append_bytes(k, key, strlen(key)));
            if (e == 2) {
                st_pass(st_vector_append_null(val));
                continue;
            }
            for (int i = 0; i < e + 1; i++)
                st_pass(i == 1 ? st_vector_append_null(el) : st_vector_append_i32(el, r + i));
            st_pass(st_vector_append_nested(val));
        }
        st_pass(st_vector_append_nested(v));
    }
}

void test_columnar_arrow__round_trip_nested(void)
{
    st_type *schema = schema_of("c list<struct<a: int, b: list<string>>>, "
                                "m map<string, list<int>>");
    st_vector *l = new_vec(schema->fields[0].type), *m = new_vec(schema->fields[1].type);
    st_vector *back;
    fill_nested_list(l, 40);
    fill_map(m, 40);
    st_pass(st_vector_validate(l));
    st_pass(st_vector_validate(m));
    back = round_trip(l);
    st_assert(back->values == l->values);
    st_assert(back->children[0]->children[1]->children[0]->data ==
              l->children[0]->children[1]->children[0]->data);
    st_vector_free(back);
    back = round_trip(m);
    st_assert(back->children[1]->children[0]->values == m->children[1]->children[0]->values);
    st_vector_free(back);
    st_vector_free(l);
    st_vector_free(m);
    st_type_free(schema);
}

void test_columnar_arrow__round_trip_struct_and_batch(void)
{
    st_type *schema = schema_of("id long not null, s struct<u: uuid, d: decimal(9,2), "
                                "f: fixed[2] not null>, name string");
    st_batch *b = NULL, *back = NULL;
    struct ArrowSchema s;
    struct ArrowArray a;
    st_vector *sv;

    st_pass(st_batch_new(&b, schema, 2));
    sv = b->columns[1];
    for (int i = 0; i < 10; i++) {
        uint8_t u[16] = {(uint8_t)i};
        st_pass(st_vector_append_i64(b->columns[0], i));
        if (i % 4 == 3) {
            st_pass(st_vector_append_null(sv));
        } else {
            st_pass(st_vector_append_bytes(sv->children[0], u, 16));
            st_pass(st_vector_append_decimal(sv->children[1], (st_decimal128){(uint64_t)i, 0}));
            st_pass(st_vector_append_bytes(sv->children[2], "ab", 2));
            st_pass(st_vector_append_nested(sv));
        }
        st_pass(i % 2 ? st_vector_append_null(b->columns[2])
                      : st_vector_append_bytes(b->columns[2], "nm", 2));
    }
    st_pass(st_batch_seal(b));
    st_vector_free(round_trip(sv));

    st_pass(st_arrow_export_schema(&s, schema));
    st_pass(st_arrow_export_batch(&a, b));
    st_assert_eq_i64(a.length, 10);
    st_assert_eq_i64(a.n_buffers, 1);
    st_assert(a.buffers[0] == NULL);
    st_assert_eq_i64(a.n_children, 3);
    st_pass(st_arrow_import_batch(&back, &a, &s));
    st_assert(st_type_equals(back->schema, schema));
    st_assert_eq_i64(back->length, 10);
    for (int i = 0; i < 3; i++)
        assert_equal(b->columns[i], back->columns[i]);
    st_assert(back->columns[0]->values == b->columns[0]->values);
    st_batch_free(back);
    s.release(&s);
    st_batch_free(b);
    st_type_free(schema);
}

void test_columnar_arrow__export_layout(void)
{
    st_type *schema = schema_of("m map<string, list<int>>, s string");
    st_vector *m = new_vec(schema->fields[0].type), *s = new_vec(schema->fields[1].type);
    struct ArrowArray a;
    const struct ArrowArray *e;
    fill_map(m, 6); /* rows: 0, 1, null, 3 entries, 0, null */
    st_pass(st_arrow_export_vector(&a, m));
    st_assert_eq_i64(a.length, 6);
    st_assert_eq_i64(a.null_count, 2);
    st_assert_eq_i64(a.n_buffers, 2);
    st_assert(a.buffers[0] == m->validity);
    st_assert(a.buffers[1] == m->values);
    st_assert_eq_i64(a.n_children, 1);
    e = a.children[0];
    st_assert_eq_i64(e->length, 4);
    st_assert_eq_i64(e->null_count, 0);
    st_assert_eq_i64(e->n_buffers, 1);
    st_assert(e->buffers[0] == NULL);
    st_assert_eq_i64(e->n_children, 2);
    st_assert(e->children[0]->buffers[2] == m->children[0]->data);
    a.release(&a);
    st_assert(a.release == NULL);
    /* An empty string vector still exports non-NULL offsets and data. */
    st_pass(st_arrow_export_vector(&a, s));
    st_assert_eq_i64(a.n_buffers, 3);
    st_assert(a.buffers[0] == NULL);
    st_assert(a.buffers[1] != NULL && a.buffers[2] != NULL);
    st_assert_eq_i64(((const int32_t *)a.buffers[1])[0], 0);
    a.release(&a);
    st_vector_free(m);
    st_vector_free(s);
    st_type_free(schema);
}

void test_columnar_arrow__release_after_source_freed(void)
{
    st_type *schema = schema_of("c list<int>");
    st_vector *v = new_vec(st_type_primitive(ST_TYPE_INT)), *l = new_vec(schema->fields[0].type);
    struct ArrowArray a, child;
    for (int i = 0; i < 100; i++)
        st_pass(st_vector_append_i32(v, i + 1));
    st_pass(st_arrow_export_vector(&a, v));
    st_vector_free(v); /* the export's reference keeps the buffers alive */
    st_assert_eq_i64(((const int32_t *)a.buffers[1])[99], 100);
    a.release(&a);

    for (int i = 0; i < 10; i++)
        st_pass(st_vector_append_i32(l->children[0], i));
    st_pass(st_vector_append_nested(l));
    st_pass(st_arrow_export_vector(&a, l));
    /* Move the child out, release the parent, free the source: the child lives on. */
    child = *a.children[0];
    a.children[0]->release = NULL;
    a.release(&a);
    st_vector_free(l);
    st_assert_eq_i64(child.length, 10);
    st_assert_eq_i64(((const int32_t *)child.buffers[1])[9], 9);
    child.release(&child);
    st_type_free(schema);
}

void test_columnar_arrow__imported_vector_is_read_only(void)
{
    st_vector *v = new_vec(st_type_primitive(ST_TYPE_STRING)), *back;
    st_pass(st_vector_append_bytes(v, "abc", 3));
    back = round_trip(v);
    st_fail_with(ST_EINVALID, st_vector_append_bytes(back, "x", 1));
    st_assert_contains(st_error_last()->message, "read-only");
    st_fail_with(ST_EINVALID, st_vector_append_null(back));
    st_vector_reset(back);
    st_assert_eq_i64(back->length, 0);
    st_pass(st_vector_validate(back));
    st_vector_free(back);
    /* The source was not touched by the reset of its borrower. */
    st_assert_eq_i64(v->length, 1);
    st_vector_free(v);
}

/* ------------------------------------------------------- foreign arrays */

void test_columnar_arrow__import_int8_uint32_uint64(void)
{
    static const int8_t i8[5] = {1, -2, 3, -128, 127};
    static const uint8_t valid = 0x1d; /* row 1 null */
    static const uint32_t u32[2] = {0, UINT32_MAX};
    static const uint64_t u64[3] = {0, UINT64_MAX, 5};
    fake_array fa;
    fake_schema fs;
    st_vector *v;
    char buf[48];

    g_releases = 0;
    fake(&fa, 5, 1, 0, 2, &valid, i8, NULL);
    fschema(&fs, "c", "x", 1);
    v = import_fake(&fa, &fs);
    st_assert_eq_i64(v->type->id, ST_TYPE_INT);
    st_assert_eq_i64(v->null_count, 1);
    st_assert(!st_vector_is_valid(v, 1));
    st_assert_eq_i64(st_vector_get_i32(v, 3), -128);
    st_assert_eq_i64(st_vector_get_i32(v, 4), 127);
    st_assert_eq_i64(g_releases, 0); /* the validity is still borrowed */
    st_vector_free(v);
    st_assert_eq_i64(g_releases, 1);

    fake(&fa, 2, 0, 0, 2, NULL, u32, NULL);
    fschema(&fs, "I", "x", 1);
    v = import_fake(&fa, &fs);
    st_assert_eq_i64(v->type->id, ST_TYPE_LONG);
    st_assert_eq_i64(st_vector_get_i64(v, 1), UINT32_MAX);
    st_assert(!v->foreign_); /* fully copied: released at once */
    st_assert_eq_i64(g_releases, 2);
    st_pass(st_vector_append_i64(v, 7)); /* and an ordinary, growable vector */
    st_vector_free(v);

    fake(&fa, 3, 0, 0, 2, NULL, u64, NULL);
    fschema(&fs, "L", "x", 1);
    v = import_fake(&fa, &fs);
    st_assert_eq_i64(v->type->id, ST_TYPE_DECIMAL);
    st_assert_eq_i64(v->type->precision, 20);
    st_assert_eq_i64(v->type->scale, 0);
    st_decimal_format(buf, st_vector_get_decimal(v, 1), 0);
    st_assert_eq_str(buf, "18446744073709551615");
    st_vector_free(v);
}

void test_columnar_arrow__import_large_utf8_and_large_list(void)
{
    static const int64_t offs[4] = {0, 3, 3, 8};
    static const uint8_t valid = 0x5;
    static const int64_t loffs[3] = {0, 2, 3};
    static const int32_t items[3] = {1, 2, 3};
    fake_array fa, fc;
    fake_schema fs, fcs;
    st_vector *v;
    const uint8_t *p;
    size_t n;
    int64_t lo, hi;

    fake(&fa, 3, 1, 0, 3, &valid, offs, "abcdefgh");
    fschema(&fs, "U", "s", 1);
    v = import_fake(&fa, &fs);
    st_assert_eq_i64(v->type->id, ST_TYPE_STRING);
    p = st_vector_get_bytes(v, 0, &n);
    st_assert(n == 3 && memcmp(p, "abc", 3) == 0);
    st_assert(!st_vector_is_valid(v, 1));
    p = st_vector_get_bytes(v, 2, &n);
    st_assert(n == 5 && memcmp(p, "defgh", 5) == 0);
    st_vector_free(v);

    fake(&fa, 2, 0, 0, 2, NULL, loffs, NULL);
    fake(&fc, 3, 0, 0, 2, NULL, items, NULL);
    add_child(&fa, &fc);
    fschema(&fs, "+L", "l", 1);
    fschema(&fcs, "i", "item", 0);
    add_schema_child(&fs, &fcs);
    v = import_fake(&fa, &fs);
    st_assert_eq_i64(v->type->id, ST_TYPE_LIST);
    st_assert_eq_i64(v->type->fields[0].required, 1);
    st_assert_eq_str(v->type->fields[0].name, "item");
    st_vector_get_range(v, 1, &lo, &hi);
    st_assert(lo == 2 && hi == 3);
    st_assert(v->children[0]->values == (const void *)items); /* zero-copy child */
    st_vector_free(v);
}

void test_columnar_arrow__import_with_offsets(void)
{
    static const int32_t ints[10] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
    static const uint8_t ivalid[2] = {0xef, 0x03}; /* row 4 null */
    static const uint8_t avalid[2] = {0xff, 0x02}; /* row 8 null */
    static const char sdata[] = "abbcccdddd";
    static const int32_t soffs[5] = {0, 1, 3, 6, 10};
    static const uint8_t bools = 0xa8; /* 1010 1000 */
    static const int32_t child[3] = {10, 20, 30};
    fake_array fa, fc;
    fake_schema fs, fcs;
    st_vector *v;
    const uint8_t *p;
    size_t n;

    /* int32 slice [3, 8): values borrowed at an offset, validity copied (unaligned) */
    fake(&fa, 5, 1, 3, 2, ivalid, ints, NULL);
    fschema(&fs, "i", "x", 1);
    v = import_fake(&fa, &fs);
    st_assert(v->values == (const void *)(ints + 3));
    st_assert_eq_i64(v->length, 5);
    st_assert_eq_i64(v->null_count, 1);
    st_assert(!st_vector_is_valid(v, 1));
    st_assert_eq_i64(st_vector_get_i32(v, 4), 7);
    st_vector_free(v);

    /* Byte-aligned offset: the validity is borrowed too (null_count -1: unknown). */
    fake(&fa, 2, -1, 8, 2, avalid, ints, NULL);
    v = import_fake(&fa, &fs);
    st_assert(v->validity == avalid + 1);
    st_assert(v->values == (const void *)(ints + 8));
    st_assert_eq_i64(v->null_count, 1);
    st_assert(!st_vector_is_valid(v, 0) && st_vector_is_valid(v, 1));
    st_vector_free(v);

    /* Strings from row 1: offsets rebased (copied), data borrowed from byte 1. */
    fake(&fa, 3, 0, 1, 3, NULL, soffs, sdata);
    fschema(&fs, "u", "s", 1);
    v = import_fake(&fa, &fs);
    p = st_vector_get_bytes(v, 0, &n);
    st_assert(n == 2 && memcmp(p, "bb", 2) == 0);
    p = st_vector_get_bytes(v, 2, &n);
    st_assert(n == 4 && memcmp(p, "dddd", 4) == 0);
    st_assert_eq_i64(v->data_len, 9);
    st_assert(v->data == (const uint8_t *)sdata + 1);
    st_assert(v->values != (const void *)soffs); /* rebased copy */
    st_vector_free(v);

    /* Booleans at offset 3 (copied bit by bit). */
    fake(&fa, 5, 0, 3, 2, NULL, &bools, NULL);
    fschema(&fs, "b", "b", 1);
    v = import_fake(&fa, &fs);
    st_assert(st_vector_get_bool(v, 0) && !st_vector_get_bool(v, 1) &&
              st_vector_get_bool(v, 2) && !st_vector_get_bool(v, 3) && st_vector_get_bool(v, 4));
    st_vector_free(v);

    /* A struct's offset applies to its children. */
    fake(&fa, 2, 0, 1, 1, NULL, NULL, NULL);
    fake(&fc, 3, 0, 0, 2, NULL, child, NULL);
    add_child(&fa, &fc);
    fschema(&fs, "+s", "st", 1);
    fschema(&fcs, "i", "a", 1);
    add_schema_child(&fs, &fcs);
    v = import_fake(&fa, &fs);
    st_assert_eq_i64(v->children[0]->length, 2);
    st_assert_eq_i64(st_vector_get_i32(v->children[0], 0), 20);
    st_assert_eq_i64(st_vector_get_i32(v->children[0], 1), 30);
    st_vector_free(v);
}

void test_columnar_arrow__import_dictionary_utf8(void)
{
    static const int8_t idx[4] = {1, 0, 1, 42};
    static const uint8_t valid = 0x07; /* row 3 null (its index is garbage) */
    static const int32_t doffs[3] = {0, 1, 3};
    fake_array fa, fd;
    fake_schema fs, fds;
    st_vector *v, *expect;
    int before;

    g_releases = 0;
    fake(&fa, 4, 1, 0, 2, &valid, idx, NULL);
    fake(&fd, 2, 0, 0, 3, NULL, doffs, "xyy");
    fa.a.dictionary = &fd.a;
    fschema(&fs, "c", "d", 1);
    fschema(&fds, "u", NULL, 1);
    fs.s.dictionary = &fds.s;
    v = import_fake(&fa, &fs);
    st_assert_eq_i64(v->type->id, ST_TYPE_STRING);
    st_assert(!v->foreign_); /* decoded into plain, owned values */
    expect = new_vec(st_type_primitive(ST_TYPE_STRING));
    st_pass(st_vector_append_bytes(expect, "yy", 2));
    st_pass(st_vector_append_bytes(expect, "x", 1));
    st_pass(st_vector_append_bytes(expect, "yy", 2));
    st_pass(st_vector_append_null(expect));
    assert_equal(expect, v);
    st_assert_eq_i64(g_releases, 2); /* indices and dictionary */
    st_vector_free(v);

    /* An index outside the dictionary in a valid row is corrupt. */
    fake(&fa, 4, 0, 0, 2, NULL, idx, NULL);
    fake(&fd, 2, 0, 0, 3, NULL, doffs, "xyy");
    fa.a.dictionary = &fd.a;
    before = g_releases;
    import_fails(&fa, &fs, ST_ECORRUPT, "dictionary index 42 at row 3");
    st_assert_eq_i64(g_releases, before + 2);
    /* Indices without a buffers array, or without a dictionary array. */
    fake(&fa, 4, 1, 0, 2, &valid, idx, NULL);
    fake(&fd, 2, 0, 0, 3, NULL, doffs, "xyy");
    fa.a.dictionary = &fd.a;
    fa.a.buffers = NULL;
    import_fails(&fa, &fs, ST_ECORRUPT, "buffers");
    fake(&fa, 4, 1, 0, 2, &valid, idx, NULL);
    import_fails(&fa, &fs, ST_ECORRUPT, "disagree on dictionary encoding");
    st_vector_free(expect);
}

void test_columnar_arrow__import_time_units(void)
{
    static const int64_t ms[3] = {1000, -1, 0};
    static const int64_t d64[2] = {86400000LL * 3, -1};
    static const int32_t t32[1] = {1500};
    static const int64_t t64[2] = {1500, 86399999999999LL};
    static const int64_t secs[1] = {INT64_MAX / 10};
    static const uint16_t halves[4] = {0x3c00, 0xc000, 0x7c00, 0x0001};
    fake_array fa;
    fake_schema fs;
    st_vector *v;

    fake(&fa, 3, 0, 0, 2, NULL, ms, NULL);
    fschema(&fs, "tsm:", "t", 1);
    v = import_fake(&fa, &fs);
    st_assert_eq_i64(v->type->id, ST_TYPE_TIMESTAMP);
    st_assert_eq_i64(st_vector_get_i64(v, 0), 1000000);
    st_assert_eq_i64(st_vector_get_i64(v, 1), -1000);
    st_vector_free(v);

    fake(&fa, 3, 0, 0, 2, NULL, ms, NULL);
    fschema(&fs, "tsn:Europe/Paris", "t", 1);
    v = import_fake(&fa, &fs);
    st_assert_eq_i64(v->type->id, ST_TYPE_TIMESTAMPTZ_NS);
    st_assert(v->values == (const void *)ms);
    st_vector_free(v);

    fake(&fa, 1, 0, 0, 2, NULL, secs, NULL);
    fschema(&fs, "tss:UTC", "t", 1);
    import_fails(&fa, &fs, ST_EINVALID, "out of range for timestamptz");

    fake(&fa, 2, 0, 0, 2, NULL, d64, NULL);
    fschema(&fs, "tdm", "d", 1);
    v = import_fake(&fa, &fs);
    st_assert_eq_i64(v->type->id, ST_TYPE_DATE);
    st_assert_eq_i64(st_vector_get_i32(v, 0), 3);
    st_assert_eq_i64(st_vector_get_i32(v, 1), -1); /* floor, not truncation */
    st_vector_free(v);

    fake(&fa, 1, 0, 0, 2, NULL, t32, NULL);
    fschema(&fs, "ttm", "t", 1);
    v = import_fake(&fa, &fs);
    st_assert_eq_i64(v->type->id, ST_TYPE_TIME);
    st_assert_eq_i64(st_vector_get_i64(v, 0), 1500000);
    st_vector_free(v);

    fake(&fa, 2, 0, 0, 2, NULL, t64, NULL);
    fschema(&fs, "ttn", "t", 1);
    v = import_fake(&fa, &fs);
    st_assert_eq_i64(st_vector_get_i64(v, 0), 1);
    st_assert_eq_i64(st_vector_get_i64(v, 1), 86399999999LL);
    st_vector_free(v);

    fake(&fa, 4, 0, 0, 2, NULL, halves, NULL);
    fschema(&fs, "e", "h", 1);
    v = import_fake(&fa, &fs);
    st_assert_eq_i64(v->type->id, ST_TYPE_FLOAT);
    st_assert_eq_dbl(st_vector_get_f32(v, 0), 1.0);
    st_assert_eq_dbl(st_vector_get_f32(v, 1), -2.0);
    st_assert(isinf(st_vector_get_f32(v, 2)));
    st_assert_eq_dbl(st_vector_get_f32(v, 3), ldexp(1.0, -24));
    st_vector_free(v);
}

void test_columnar_arrow__import_type_mapping(void)
{
    static const struct {
        const char *format;
        const char *expected; /* schema syntax, or NULL for an error */
        int code;
    } cases[] = {
        {"b", "boolean", 0}, {"c", "int", 0}, {"C", "int", 0}, {"s", "int", 0},
        {"S", "int", 0}, {"i", "int", 0}, {"I", "long", 0}, {"l", "long", 0},
        {"L", "decimal(20,0)", 0}, {"e", "float", 0}, {"f", "float", 0}, {"g", "double", 0},
        {"u", "string", 0}, {"U", "string", 0}, {"z", "binary", 0}, {"Z", "binary", 0},
        {"d:38,10", "decimal(38,10)", 0}, {"d:5,2,128", "decimal(5,2)", 0},
        {"w:16", "fixed[16]", 0}, {"w:1", "fixed[1]", 0}, {"tdD", "date", 0},
        {"tdm", "date", 0}, {"tts", "time", 0}, {"ttu", "time", 0}, {"ttn", "time", 0},
        {"tss:", "timestamp", 0}, {"tsu:", "timestamp", 0}, {"tsu:UTC", "timestamptz", 0},
        {"tsn:", "timestamp_ns", 0}, {"tsn:+01:00", "timestamptz_ns", 0},
        {"n", NULL, ST_EUNSUPPORTED}, {"d:40,2", NULL, ST_EUNSUPPORTED},
        {"d:5,2,256", NULL, ST_EUNSUPPORTED}, {"d:x", NULL, ST_ECORRUPT},
        {"w:0", NULL, ST_EUNSUPPORTED}, {"tDs", NULL, ST_EUNSUPPORTED},
        {"tiM", NULL, ST_EUNSUPPORTED}, {"+ud:0,1", NULL, ST_EUNSUPPORTED},
        {"vu", NULL, ST_EUNSUPPORTED}, {"?", NULL, ST_EUNSUPPORTED},
        {"+l", NULL, ST_ECORRUPT}, /* a list without its child */
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        fake_schema fs;
        st_type *t = NULL;
        char *str = NULL;
        fschema(&fs, cases[i].format, "x", 1);
        if (!cases[i].expected) {
            int rc = st_arrow_import_type(&t, &fs.s);
            st_assert_msg(rc == cases[i].code, "format '%s': rc %d, expected %d",
                          cases[i].format, rc, cases[i].code);
            st_assert(t == NULL);
            continue;
        }
        st_pass(st_arrow_import_type(&t, &fs.s));
        st_pass(st_type_to_string(&str, t));
        st_assert_msg(strcmp(str, cases[i].expected) == 0, "format '%s' imported as %s",
                      cases[i].format, str);
        st_free(str);
        st_type_free(t);
    }
}

void test_columnar_arrow__import_field_ids_and_uuid(void)
{
    /* {"PARQUET:field_id": "42"}, {"ARROW:extension:name": "arrow.uuid"} */
    static const char md_id[] = "\x01\0\0\0" "\x10\0\0\0" "PARQUET:field_id" "\x02\0\0\0" "42";
    static const char md_uuid[] = "\x01\0\0\0" "\x14\0\0\0" "ARROW:extension:name"
                                  "\x0a\0\0\0" "arrow.uuid";
    fake_schema fs, a, b;
    st_type *t = NULL;
    fschema(&fs, "+s", "", 0);
    fschema(&a, "l", "id", 0);
    a.s.metadata = md_id;
    fschema(&b, "w:16", "u", 1);
    b.s.metadata = md_uuid;
    add_schema_child(&fs, &a);
    add_schema_child(&fs, &b);
    st_pass(st_arrow_import_type(&t, &fs.s));
    st_assert_eq_i64(t->fields[0].id, 42);
    st_assert_eq_i64(t->fields[0].required, 1);
    st_assert_eq_i64(t->fields[1].id, ST_FIELD_ID_NONE);
    st_assert_eq_i64(t->fields[1].type->id, ST_TYPE_UUID);
    st_assert_eq_i64(t->fields[1].required, 0);
    st_type_free(t);
    /* Duplicate names cannot form an Iceberg struct. */
    b.s.name = "id";
    st_fail_with(ST_EINVALID, st_arrow_import_type(&t, &fs.s));
    fs.s.release = NULL;
    st_fail_with(ST_EINVALID, st_arrow_import_type(&t, &fs.s));
}

void test_columnar_arrow__import_malformed(void)
{
    static const int32_t bad_offs[3] = {0, 3, 2};
    static const int32_t good_offs[3] = {0, 3, 5};
    static const int32_t neg_offs[2] = {-1, 2};
    static const int32_t list_offs[3] = {0, 2, 5};
    static const int32_t ints[3] = {1, 2, 3};
    static const uint8_t one_null = 0x6;
    fake_array fa, fc;
    fake_schema fs, fcs;
    st_vector *v = NULL;

    fschema(&fs, "u", "s", 1);
    fake(&fa, 2, 0, 0, 3, NULL, bad_offs, "abcde");
    import_fails(&fa, &fs, ST_ECORRUPT, "offsets decrease at row 1 (3 > 2)");
    fake(&fa, 1, 0, 0, 3, NULL, neg_offs, "abc");
    import_fails(&fa, &fs, ST_ECORRUPT, "negative offset");
    fake(&fa, 2, 0, 0, 3, NULL, good_offs, NULL);
    import_fails(&fa, &fs, ST_ECORRUPT, "no data buffer");
    fake(&fa, 2, 0, 0, 3, NULL, NULL, "abcde");
    import_fails(&fa, &fs, ST_ECORRUPT, "no offsets buffer");
    fake(&fa, 2, 0, 0, 2, NULL, good_offs, NULL);
    import_fails(&fa, &fs, ST_ECORRUPT, "has 2 buffers, expected 3");

    fschema(&fs, "i", "i", 1);
    fake(&fa, 3, 0, 0, 2, NULL, NULL, NULL);
    import_fails(&fa, &fs, ST_ECORRUPT, "no values buffer");
    fake(&fa, 3, 2, 0, 2, &one_null, ints, NULL);
    import_fails(&fa, &fs, ST_ECORRUPT, "null_count is 2 but the validity bitmap has 1");
    fake(&fa, 3, 1, 0, 2, NULL, ints, NULL);
    import_fails(&fa, &fs, ST_ECORRUPT, "validity buffer is missing");
    fake(&fa, -1, 0, 0, 2, NULL, ints, NULL);
    import_fails(&fa, &fs, ST_ECORRUPT, "length -1");
    fake(&fa, 3, 0, 0, 2, NULL, ints, NULL);
    fa.a.n_children = 1;
    fa.children[0] = NULL;
    import_fails(&fa, &fs, ST_ECORRUPT, "children");

    /* List offsets beyond the child's rows. */
    fake(&fa, 2, 0, 0, 2, NULL, list_offs, NULL);
    fake(&fc, 3, 0, 0, 2, NULL, ints, NULL);
    add_child(&fa, &fc);
    fschema(&fs, "+l", "l", 1);
    fschema(&fcs, "i", "item", 1);
    add_schema_child(&fs, &fcs);
    import_fails(&fa, &fs, ST_ECORRUPT, "ArrowArray of 3 rows cannot hold rows 0..5");

    /* A struct child shorter than the struct. */
    fake(&fa, 4, 0, 0, 1, NULL, NULL, NULL);
    fake(&fc, 3, 0, 0, 2, NULL, ints, NULL);
    add_child(&fa, &fc);
    fschema(&fs, "+s", "s", 1);
    fschema(&fcs, "i", "a", 1);
    add_schema_child(&fs, &fcs);
    import_fails(&fa, &fs, ST_ECORRUPT, "ArrowArray of 3 rows cannot hold rows 0..4");

    fschema(&fs, "n", "nothing", 1);
    fake(&fa, 3, 3, 0, 0, NULL, NULL, NULL);
    import_fails(&fa, &fs, ST_EUNSUPPORTED, "null type");

    fschema(&fs, "i", "i", 1);
    fake(&fa, 3, 0, 0, 2, NULL, ints, NULL);
    fa.a.release = NULL;
    st_fail_with(ST_EINVALID, st_arrow_import_vector(&v, &fa.a, &fs.s));
}

void test_columnar_arrow__import_batch_rejects_null_rows(void)
{
    static const uint8_t valid = 0x1;
    static const int32_t ints[2] = {1, 2};
    fake_array fa, fc;
    fake_schema fs, fcs;
    st_batch *b = NULL;
    fake(&fa, 2, 1, 0, 1, &valid, NULL, NULL);
    fake(&fc, 2, 0, 0, 2, NULL, ints, NULL);
    add_child(&fa, &fc);
    fschema(&fs, "+s", "", 0);
    fschema(&fcs, "i", "a", 1);
    add_schema_child(&fs, &fcs);
    st_fail_with(ST_EINVALID, st_arrow_import_batch(&b, &fa.a, &fs.s));
    st_assert_contains(st_error_last()->message, "null rows");
    st_assert(fa.a.release == NULL);
    fake(&fa, 2, 0, 0, 2, NULL, ints, NULL);
    fschema(&fs, "i", "", 0);
    st_fail_with(ST_EINVALID, st_arrow_import_batch(&b, &fa.a, &fs.s));
    st_assert(fa.a.release == NULL);
}

/* ----------------------------------------------------------------- streams */

typedef struct test_reader {
    st_batch_reader base;
    st_type *schema;
    st_batch *batches[3];
    int next, n, fail_at;
    int *freed;
} test_reader;

static int tr_next(st_batch_reader *r, st_batch **out)
{
    test_reader *t = (test_reader *)r;
    *out = NULL;
    if (t->next == t->fail_at)
        return st_error_set(ST_EIO, ST_ERROR_IO, "disk on fire at batch %d", t->next);
    if (t->next >= t->n)
        return ST_ITEROVER;
    return st_batch_from_vectors(out, t->schema, t->batches[t->next++]->columns);
}

static st_type *tr_schema(st_batch_reader *r)
{
    return ((test_reader *)r)->schema;
}

static void tr_free(st_batch_reader *r)
{
    test_reader *t = (test_reader *)r;
    for (int i = 0; i < t->n; i++)
        st_batch_free(t->batches[i]);
    st_type_free(t->schema);
    if (t->freed)
        (*t->freed)++;
    st_free(t);
}

static const st_batch_reader_vtable g_tr_vt = {tr_next, tr_schema, tr_free};

/* Three batches of (id long not null, name string, tags list<string>). */
static test_reader *make_reader(int fail_at, int *freed)
{
    test_reader *t = st_calloc(1, sizeof(*t));
    st_assert(t != NULL);
    t->base.vt = &g_tr_vt;
    t->schema = schema_of("id long not null, name string, tags list<string>");
    t->fail_at = fail_at;
    t->freed = freed;
    for (int b = 0; b < 3; b++) {
        st_batch *batch = NULL;
        st_pass(st_batch_new(&batch, t->schema, 4));
        for (int i = 0; i < 5 + b; i++) {
            st_vector *tags = batch->columns[2];
            st_pass(st_vector_append_i64(batch->columns[0], b * 100 + i));
            st_pass(i == 2 ? st_vector_append_null(batch->columns[1])
                           : st_vector_append_bytes(batch->columns[1], "name", 1 + (size_t)i % 4));
            for (int k = 0; k < i % 3; k++)
                st_pass(st_vector_append_bytes(tags->children[0], "t", 1));
            st_pass(st_vector_append_nested(tags));
        }
        st_pass(st_batch_seal(batch));
        t->batches[b] = batch;
        t->n++;
    }
    return t;
}

void test_columnar_arrow__stream_round_trip(void)
{
    int freed = 0;
    test_reader *src = make_reader(-1, &freed);
    test_reader *ref = make_reader(-1, NULL);
    struct ArrowArrayStream stream;
    st_batch_reader *r = NULL;
    st_batch *b;
    int n = 0, rc;

    st_pass(st_arrow_export_stream(&stream, &src->base));
    st_pass(st_arrow_import_stream(&r, &stream));
    st_assert(stream.release == NULL);
    st_assert(st_type_equals(st_batch_reader_schema(r), ref->schema));
    while ((rc = st_batch_reader_next(r, &b)) == 0) {
        st_assert(n < 3);
        st_assert(b->schema == st_batch_reader_schema(r));
        st_assert_eq_i64(b->length, ref->batches[n]->length);
        for (int c = 0; c < 3; c++)
            assert_equal(ref->batches[n]->columns[c], b->columns[c]);
        st_batch_free(b);
        n++;
    }
    st_assert_eq_i64(rc, ST_ITEROVER);
    st_assert_eq_i64(n, 3);
    st_assert_eq_i64(freed, 0);
    st_batch_reader_free(r);
    st_assert_eq_i64(freed, 1); /* releasing the stream freed the exported reader */
    tr_free(&ref->base);
}

void test_columnar_arrow__stream_error_mid_stream(void)
{
    struct ArrowArrayStream stream;
    struct ArrowSchema s;
    struct ArrowArray a;
    st_batch_reader *r = NULL;
    st_batch *b = NULL;
    int freed = 0;

    /* The raw stream: errno-style code and the saved message. */
    st_pass(st_arrow_export_stream(&stream, &make_reader(1, &freed)->base));
    st_assert(stream.get_last_error(&stream) == NULL);
    st_assert_eq_i64(stream.get_schema(&stream, &s), 0);
    st_assert_eq_str(s.format, "+s");
    s.release(&s);
    st_assert_eq_i64(stream.get_next(&stream, &a), 0);
    st_assert(a.release != NULL);
    st_assert_eq_i64(a.length, 5);
    a.release(&a);
    st_assert_eq_i64(stream.get_next(&stream, &a), EIO);
    st_assert(a.release == NULL);
    st_error_clear(); /* the message must survive the thread's next error */
    st_assert_contains(stream.get_last_error(&stream), "disk on fire at batch 1");
    stream.release(&stream);
    st_assert(stream.release == NULL);
    st_assert_eq_i64(freed, 1);

    /* Through an imported reader: ST_EIO with the producer's message. */
    st_pass(st_arrow_export_stream(&stream, &make_reader(2, &freed)->base));
    st_pass(st_arrow_import_stream(&r, &stream));
    st_pass(st_batch_reader_next(r, &b));
    st_batch_free(b);
    st_pass(st_batch_reader_next(r, &b));
    st_batch_free(b);
    st_fail_with(ST_EIO, st_batch_reader_next(r, &b));
    st_assert(b == NULL);
    st_assert_contains(st_error_last()->message, "disk on fire at batch 2");
    st_assert_eq_i64(st_error_last()->klass, ST_ERROR_ARROW);
    st_batch_reader_free(r);
    st_assert_eq_i64(freed, 2);
}

void test_columnar_arrow__stream_bad_arguments(void)
{
    struct ArrowArrayStream stream;
    st_batch_reader *r = (st_batch_reader *)1;
    memset(&stream, 0, sizeof(stream));
    st_fail_with(ST_EINVALID, st_arrow_import_stream(&r, &stream));
    st_assert(r == NULL);
    st_fail_with(ST_EINVALID, st_arrow_export_stream(&stream, NULL));
    st_assert(stream.release == NULL);
}

/* ------------------------------------------------- allocation failures */

/* Builds nested vectors, exports and imports them; 0 or the first error. */
static int build_and_round_trip(st_type *schema)
{
    st_vector *l = NULL, *m = NULL, *back = NULL;
    struct ArrowSchema s;
    struct ArrowArray a;
    int rc;

    memset(&s, 0, sizeof(s));
    if ((rc = st_vector_new(&l, schema->fields[0].type, 0)) < 0 ||
        (rc = st_vector_new(&m, schema->fields[1].type, 0)) < 0)
        goto done;
    {
        st_vector *sv = l->children[0];
        for (int r = 0; r < 12 && rc == 0; r++) {
            if (r % 4 == 1) {
                rc = st_vector_append_null(l);
                if (rc == 0)
                    rc = st_vector_append_null(m);
                continue;
            }
            if ((rc = st_vector_append_i32(sv->children[0], r)) == 0 &&
                (rc = st_vector_append_bytes(sv->children[1]->children[0], "abc", 3)) == 0 &&
                (rc = st_vector_append_nested(sv->children[1])) == 0 &&
                (rc = st_vector_append_nested(sv)) == 0 &&
                (rc = st_vector_append_null(sv)) == 0 &&
                (rc = st_vector_append_nested(l)) == 0 &&
                (rc = st_vector_append_bytes(m->children[0], "key", 3)) == 0 &&
                (rc = st_vector_append_i32(m->children[1]->children[0], r)) == 0 &&
                (rc = st_vector_append_nested(m->children[1])) == 0)
                rc = st_vector_append_nested(m);
        }
    }
    for (int k = 0; k < 2 && rc == 0; k++) {
        st_vector *v = k ? m : l;
        if ((rc = st_arrow_export_type(&s, v->type, "c", 1, 5)) < 0)
            break;
        if ((rc = st_arrow_export_vector(&a, v)) == 0 &&
            (rc = st_arrow_import_vector(&back, &a, &s)) == 0) {
            if (!st_vector_equals(v, back, NULL))
                rc = ST_ERROR;
            st_vector_free(back);
            back = NULL;
        }
        s.release(&s);
    }
done:
    st_vector_free(l);
    st_vector_free(m);
    return rc;
}

void test_columnar_arrow__alloc_failure_sweep(void)
{
    st_type *schema = schema_of("c list<struct<a: int, b: list<string>>>, "
                                "m map<string, list<int>>");
    long n;
    for (n = 0;; n++) {
        int rc;
        st_alloc_fail_after(n);
        rc = build_and_round_trip(schema);
        st_alloc_fail_after(-1);
        if (rc == 0)
            break;
        st_assert_msg(rc == ST_ENOMEM, "failure %ld: rc %d (%s)", n, rc,
                      st_error_last()->message);
        st_assert(n < 5000);
    }
    st_assert(n > 20);
    st_type_free(schema);
}

void test_columnar_arrow__stream_alloc_failure_sweep(void)
{
    long n;
    for (n = 0;; n++) {
        test_reader *src = make_reader(-1, NULL);
        struct ArrowArrayStream stream;
        st_batch_reader *r = NULL;
        st_batch *b = NULL;
        int rc, got = 0;
        st_alloc_fail_after(n);
        rc = st_arrow_export_stream(&stream, &src->base);
        if (rc == 0)
            rc = st_arrow_import_stream(&r, &stream);
        while (rc == 0 && (rc = st_batch_reader_next(r, &b)) == 0) {
            st_batch_free(b);
            got++;
        }
        st_alloc_fail_after(-1);
        st_batch_reader_free(r);
        if (rc == ST_ITEROVER) {
            st_assert_eq_i64(got, 3);
            break;
        }
        st_assert_msg(rc == ST_ENOMEM, "failure %ld: rc %d (%s)", n, rc,
                      st_error_last()->message);
        st_assert(n < 5000);
    }
}
