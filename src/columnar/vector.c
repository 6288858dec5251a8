/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Vectors in Arrow's layout: creation, reference counting, amortised growth,
 * the lazily allocated validity bitmap, row-at-a-time appends and getters.
 *
 * Invariants kept by every function here: bits of the validity bitmap (and of
 * boolean values) past `length` are zero; offsets[0] == 0 and offsets has room
 * for capacity_ + 1 entries; children of a struct have the struct's length.
 */
#include "columnar/columnar_int.h"
#include "util/alloc.h"

static int readonly_error(void)
{
    return st_error_set(ST_EINVALID, ST_ERROR_COLUMNAR,
                        "vector is imported (its buffers are borrowed) and read-only");
}

static int append_type_error(const st_vector *v, const char *what)
{
    return st_error_set(ST_EINVALID, ST_ERROR_COLUMNAR, "cannot append %s to a %s vector", what,
                        st_type_id_name(v->type->id));
}

int64_t st_col_count_zeros(const uint8_t *bits, int64_t off, int64_t n)
{
    int64_t ones = 0, i = 0;
    const uint8_t *p;
    for (; i < n && ((off + i) & 7) != 0; i++)
        ones += st_col_bit(bits, off + i);
    p = bits + ((off + i) >> 3);
    for (; i + 64 <= n; i += 64, p += 8) {
        uint64_t w;
        memcpy(&w, p, sizeof(w));
        ones += __builtin_popcountll(w);
    }
    for (; i + 8 <= n; i += 8, p++)
        ones += __builtin_popcount(*p);
    for (; i < n; i++)
        ones += st_col_bit(bits, off + i);
    return n - ones;
}

void st_col_copy_bits(uint8_t *dst, const uint8_t *src, int64_t off, int64_t n)
{
    int64_t i = 0;
    memset(dst, 0, st_col_bitmap_bytes(n));
    if ((off & 7) == 0) {
        memcpy(dst, src + (off >> 3), (size_t)(n >> 3));
        i = n & ~(int64_t)7;
    }
    for (; i < n; i++)
        if (st_col_bit(src, off + i))
            st_col_set_bit(dst, i);
}

st_vector *st_col_vector_shell(st_type *type)
{
    st_vector *v = st_calloc(1, sizeof(*v));
    if (v) {
        v->type = st_type_ref(type);
        v->refs_ = 1;
    }
    return v;
}

static int new_children(st_vector *v, int64_t capacity)
{
    const st_type *t = v->type;
    int rc;
    if (t->id != ST_TYPE_STRUCT && t->id != ST_TYPE_LIST && t->id != ST_TYPE_MAP)
        return 0;
    if (t->n_fields == 0)
        return 0;
    if (!(v->children = st_calloc((size_t)t->n_fields, sizeof(st_vector *))))
        return ST_ENOMEM;
    v->n_children = t->n_fields;
    /* Struct children line up with the rows; list/map children grow on their own. */
    for (int i = 0; i < t->n_fields; i++)
        if ((rc = st_vector_new(&v->children[i], t->fields[i].type,
                                t->id == ST_TYPE_STRUCT ? capacity : 0)) < 0)
            return rc;
    return 0;
}

int st_vector_new(st_vector **out, st_type *type, int64_t capacity)
{
    st_vector *v;
    int rc;

    *out = NULL;
    if (!type || capacity < 0)
        return st_error_set(ST_EINVALID, ST_ERROR_COLUMNAR,
                            "st_vector_new: no type or negative capacity");
    if (!(v = st_col_vector_shell(type)))
        return ST_ENOMEM;
    /* offsets[0] == 0 must be readable even before the first row. */
    if (st_col_layout_of(type) == ST_COL_OFFSETS && !(v->values = st_calloc(1, sizeof(int32_t))))
        rc = ST_ENOMEM;
    else if ((rc = st_vector_reserve(v, capacity)) == 0)
        rc = new_children(v, capacity);
    if (rc < 0) {
        st_vector_free(v);
        return rc;
    }
    *out = v;
    return 0;
}

st_vector *st_vector_ref(st_vector *v)
{
    if (v)
        __atomic_add_fetch(&v->refs_, 1, __ATOMIC_RELAXED);
    return v;
}

void st_vector_free(st_vector *v)
{
    if (!v || __atomic_sub_fetch(&v->refs_, 1, __ATOMIC_ACQ_REL) != 0)
        return;
    for (int i = 0; i < v->n_children; i++)
        st_vector_free(v->children[i]);
    st_free(v->children);
    if (!v->foreign_) {
        st_free(v->validity);
        st_free(v->values);
        st_free(v->data);
    }
    if (v->release_)
        v->release_(v->release_payload_);
    st_type_free(v->type);
    st_free(v);
}

/* Resizes a buffer from old_size to new_size bytes, zeroing the new bytes. */
static int resize_zeroed(uint8_t **buf, size_t old_size, size_t new_size)
{
    uint8_t *p = st_realloc(*buf, new_size);
    if (!p)
        return ST_ENOMEM;
    if (new_size > old_size)
        memset(p + old_size, 0, new_size - old_size);
    *buf = p;
    return 0;
}

/* Grows values (and validity, when present) to exactly `cap` rows. */
static int grow_rows(st_vector *v, int64_t cap)
{
    size_t old_size = 0, new_size = 0, width;
    int rc = 0;

    if (cap <= v->capacity_)
        return 0;
    if (v->foreign_)
        return readonly_error();
    switch (st_col_layout_of(v->type)) {
    case ST_COL_BITS:
        old_size = st_col_bitmap_bytes(v->capacity_);
        new_size = st_col_bitmap_bytes(cap);
        break;
    case ST_COL_FIXED:
        width = (size_t)st_type_value_width(v->type);
        old_size = (size_t)v->capacity_ * width;
        if (st_mul_overflow((size_t)cap, width, &new_size))
            return st_error_set_oom();
        break;
    case ST_COL_OFFSETS:
        old_size = ((size_t)v->capacity_ + 1) * sizeof(int32_t);
        if (st_mul_overflow((size_t)cap + 1, sizeof(int32_t), &new_size))
            return st_error_set_oom();
        break;
    case ST_COL_STRUCT: break;
    }
    if (new_size > 0 && (rc = resize_zeroed(&v->values, old_size, new_size)) < 0)
        return rc;
    if (v->validity &&
        (rc = resize_zeroed(&v->validity, st_col_bitmap_bytes(v->capacity_),
                            st_col_bitmap_bytes(cap))) < 0)
        return rc;
    v->capacity_ = cap;
    return 0;
}

int st_vector_reserve(st_vector *v, int64_t capacity)
{
    if (capacity < 0)
        return st_error_set(ST_EINVALID, ST_ERROR_COLUMNAR, "negative capacity %lld",
                            (long long)capacity);
    return grow_rows(v, capacity);
}

/* Room for one more row, doubling so that appends are amortised O(1). */
static int room_for_row(st_vector *v)
{
    int64_t cap;
    if (v->foreign_)
        return readonly_error();
    if (v->length < v->capacity_)
        return 0;
    if (v->capacity_ >= INT64_MAX / 2)
        return st_error_set_oom();
    cap = v->capacity_ * 2;
    return grow_rows(v, cap < 8 ? 8 : cap);
}

static int grow_data(st_vector *v, int64_t bytes)
{
    uint8_t *p;
    if (bytes <= v->data_cap_)
        return 0;
    if (v->foreign_)
        return readonly_error();
    if (bytes > ST_COL_MAX_OFFSET)
        return st_error_set(ST_EINVALID, ST_ERROR_COLUMNAR,
                            "%lld bytes of %s data do not fit int32 offsets", (long long)bytes,
                            st_type_id_name(v->type->id));
    if (!(p = st_realloc(v->data, (size_t)bytes)))
        return ST_ENOMEM;
    v->data = p;
    v->data_cap_ = bytes;
    return 0;
}

int st_vector_reserve_data(st_vector *v, int64_t bytes)
{
    if (!st_col_is_binary_like(v->type))
        return st_error_set(ST_EINVALID, ST_ERROR_COLUMNAR, "a %s vector has no data buffer",
                            st_type_id_name(v->type->id));
    if (bytes < 0)
        return st_error_set(ST_EINVALID, ST_ERROR_COLUMNAR, "negative data size");
    return grow_data(v, bytes);
}

/* Room for `more` data bytes, doubling up to the int32 offset limit. */
static int room_for_data(st_vector *v, size_t more)
{
    int64_t need, cap;
    if (more > (size_t)ST_COL_MAX_OFFSET || (int64_t)more > ST_COL_MAX_OFFSET - v->data_len)
        return st_error_set(ST_EINVALID, ST_ERROR_COLUMNAR,
                            "%s data would exceed %d bytes (int32 offsets)",
                            st_type_id_name(v->type->id), ST_COL_MAX_OFFSET);
    need = v->data_len + (int64_t)more;
    if (need <= v->data_cap_)
        return 0;
    cap = v->data_cap_ * 2;
    if (cap < 64)
        cap = 64;
    if (cap > ST_COL_MAX_OFFSET)
        cap = ST_COL_MAX_OFFSET;
    return grow_data(v, cap > need ? cap : need);
}

int st_vector_ensure_validity(st_vector *v)
{
    size_t bytes;
    if (v->validity)
        return 0;
    if (v->foreign_)
        return readonly_error();
    bytes = st_col_bitmap_bytes(v->capacity_ > v->length ? v->capacity_ : v->length);
    if (!(v->validity = st_calloc(bytes ? bytes : 1, 1)))
        return ST_ENOMEM;
    memset(v->validity, 0xff, (size_t)(v->length >> 3));
    if (v->length & 7)
        v->validity[v->length >> 3] = (uint8_t)((1u << (v->length & 7)) - 1);
    return 0;
}

void st_vector_reset(st_vector *v)
{
    if (!v)
        return;
    if (v->foreign_) {
        /* Borrowed buffers are never written: just forget the rows. */
        v->validity = NULL;
    } else if (v->validity) {
        memset(v->validity, 0, st_col_bitmap_bytes(v->capacity_));
    }
    if (!v->foreign_ && st_col_layout_of(v->type) == ST_COL_OFFSETS && v->values)
        ((int32_t *)(void *)v->values)[0] = 0;
    v->length = 0;
    v->null_count = 0;
    v->data_len = 0;
    for (int i = 0; i < v->n_children; i++)
        st_vector_reset(v->children[i]);
}

/* Marks the row about to be appended as valid and counts it. */
static void commit_valid(st_vector *v)
{
    if (v->validity)
        st_col_set_bit(v->validity, v->length);
    v->length++;
}

/* Reserves everything a null row needs, recursively through struct children, so
 * that the commit below cannot fail half-way. */
static int null_room(st_vector *v)
{
    int rc;
    if ((rc = room_for_row(v)) < 0 || (rc = st_vector_ensure_validity(v)) < 0)
        return rc;
    if (v->type->id == ST_TYPE_STRUCT)
        for (int i = 0; i < v->n_children; i++)
            if ((rc = null_room(v->children[i])) < 0)
                return rc;
    return 0;
}

static void null_commit(st_vector *v)
{
    int64_t i = v->length;
    st_col_clear_bit(v->validity, i);
    switch (st_col_layout_of(v->type)) {
    case ST_COL_BITS: st_col_clear_bit(v->values, i); break;
    case ST_COL_FIXED: {
        size_t w = (size_t)st_type_value_width(v->type);
        memset(v->values + (size_t)i * w, 0, w);
        break;
    }
    case ST_COL_OFFSETS: {
        int32_t *o = (int32_t *)(void *)v->values;
        o[i + 1] = o[i];
        break;
    }
    case ST_COL_STRUCT:
        for (int c = 0; c < v->n_children; c++)
            null_commit(v->children[c]);
        break;
    }
    v->length++;
    v->null_count++;
}

int st_vector_append_null(st_vector *v)
{
    int rc = null_room(v);
    if (rc < 0)
        return rc;
    null_commit(v);
    return 0;
}

int st_vector_append_bool(st_vector *v, int value)
{
    int rc;
    if (v->type->id != ST_TYPE_BOOLEAN)
        return append_type_error(v, "a boolean");
    if ((rc = room_for_row(v)) < 0)
        return rc;
    if (value)
        st_col_set_bit(v->values, v->length);
    else
        st_col_clear_bit(v->values, v->length);
    commit_valid(v);
    return 0;
}

/* Appends one fixed-width value of `width` bytes after checking the type. */
static int append_fixed(st_vector *v, int ok, const void *value, size_t width, const char *what)
{
    int rc;
    if (!ok)
        return append_type_error(v, what);
    if ((rc = room_for_row(v)) < 0)
        return rc;
    memcpy(v->values + (size_t)v->length * width, value, width);
    commit_valid(v);
    return 0;
}

int st_vector_append_i32(st_vector *v, int32_t value)
{
    st_type_id id = v->type->id;
    return append_fixed(v, id == ST_TYPE_INT || id == ST_TYPE_DATE, &value, 4,
                        "a 32-bit integer");
}

int st_vector_append_i64(st_vector *v, int64_t value)
{
    st_type_id id = v->type->id;
    int ok = id == ST_TYPE_LONG || id == ST_TYPE_TIME || id == ST_TYPE_TIMESTAMP ||
             id == ST_TYPE_TIMESTAMPTZ || id == ST_TYPE_TIMESTAMP_NS ||
             id == ST_TYPE_TIMESTAMPTZ_NS;
    return append_fixed(v, ok, &value, 8, "a 64-bit integer");
}

int st_vector_append_f32(st_vector *v, float value)
{
    return append_fixed(v, v->type->id == ST_TYPE_FLOAT, &value, 4, "a float");
}

int st_vector_append_f64(st_vector *v, double value)
{
    return append_fixed(v, v->type->id == ST_TYPE_DOUBLE, &value, 8, "a double");
}

int st_vector_append_decimal(st_vector *v, st_decimal128 value)
{
    return append_fixed(v, v->type->id == ST_TYPE_DECIMAL, &value, 16, "a decimal");
}

int st_vector_append_bytes(st_vector *v, const void *data, size_t len)
{
    int32_t *o;
    int rc;

    if (v->type->id == ST_TYPE_UUID || v->type->id == ST_TYPE_FIXED) {
        if (len != (size_t)st_type_value_width(v->type))
            return st_error_set(ST_EINVALID, ST_ERROR_COLUMNAR,
                                "a %s value needs %d bytes, got %zu",
                                st_type_id_name(v->type->id), st_type_value_width(v->type), len);
        return append_fixed(v, 1, data, len, "bytes");
    }
    if (!st_col_is_binary_like(v->type))
        return append_type_error(v, "bytes");
    if ((rc = room_for_data(v, len)) < 0 || (rc = room_for_row(v)) < 0)
        return rc;
    if (len)
        memcpy(v->data + v->data_len, data, len);
    v->data_len += (int64_t)len;
    o = (int32_t *)(void *)v->values;
    o[v->length + 1] = (int32_t)v->data_len;
    commit_valid(v);
    return 0;
}

static int append_nested_list(st_vector *v)
{
    const st_vector *child = v->children[0];
    int32_t *o;
    int rc;

    if (v->type->id == ST_TYPE_MAP && v->children[1]->length != child->length)
        return st_error_set(ST_EINVALID, ST_ERROR_COLUMNAR,
                            "map row has %lld keys but %lld values", (long long)child->length,
                            (long long)v->children[1]->length);
    if (child->length > ST_COL_MAX_OFFSET)
        return st_error_set(ST_EINVALID, ST_ERROR_COLUMNAR,
                            "%s elements exceed the int32 offset range",
                            st_type_id_name(v->type->id));
    if ((rc = room_for_row(v)) < 0)
        return rc;
    o = (int32_t *)(void *)v->values;
    if (child->length < o[v->length])
        return st_error_set(ST_EINVALID, ST_ERROR_COLUMNAR, "%s child shrank since the last row",
                            st_type_id_name(v->type->id));
    o[v->length + 1] = (int32_t)child->length;
    commit_valid(v);
    return 0;
}

int st_vector_append_nested(st_vector *v)
{
    int rc;
    if (v->type->id == ST_TYPE_LIST || v->type->id == ST_TYPE_MAP)
        return append_nested_list(v);
    if (v->type->id != ST_TYPE_STRUCT)
        return append_type_error(v, "a nested row");
    for (int i = 0; i < v->n_children; i++)
        if (v->children[i]->length != v->length + 1)
            return st_error_set(ST_EINVALID, ST_ERROR_COLUMNAR,
                                "struct field '%s' has %lld rows, expected %lld",
                                v->type->fields[i].name, (long long)v->children[i]->length,
                                (long long)v->length + 1);
    if ((rc = room_for_row(v)) < 0)
        return rc;
    commit_valid(v);
    return 0;
}

const uint8_t *st_vector_get_bytes(const st_vector *v, int64_t i, size_t *len)
{
    if (st_col_is_binary_like(v->type)) {
        const int32_t *o = st_col_offsets(v);
        *len = (size_t)(o[i + 1] - o[i]);
        /* Empty data may be unallocated; never offset a null pointer. */
        return v->data ? v->data + o[i] : (const uint8_t *)"";
    }
    *len = (size_t)st_type_value_width(v->type);
    return v->values + (size_t)i * *len;
}

st_decimal128 st_vector_get_decimal(const st_vector *v, int64_t i)
{
    st_decimal128 d;
    memcpy(&d, v->values + (size_t)i * 16, sizeof(d));
    return d;
}

void st_vector_get_range(const st_vector *v, int64_t i, int64_t *begin, int64_t *end)
{
    const int32_t *o = st_col_offsets(v);
    *begin = o[i];
    *end = o[i + 1];
}

static int append_range_from(st_vector *dst, const st_vector *src, int64_t i)
{
    int64_t b, e;
    int rc;
    st_vector_get_range(src, i, &b, &e);
    for (int64_t k = b; k < e; k++)
        for (int c = 0; c < dst->n_children; c++)
            if ((rc = st_col_vector_append_from(dst->children[c], src->children[c], k)) < 0)
                return rc;
    return st_vector_append_nested(dst);
}

int st_col_vector_append_from(st_vector *dst, const st_vector *src, int64_t i)
{
    size_t len;
    const uint8_t *p;
    int rc;

    if (!st_vector_is_valid(src, i))
        return st_vector_append_null(dst);
    switch (src->type->id) {
    case ST_TYPE_BOOLEAN: return st_vector_append_bool(dst, st_vector_get_bool(src, i));
    case ST_TYPE_INT:
    case ST_TYPE_DATE: return st_vector_append_i32(dst, st_vector_get_i32(src, i));
    case ST_TYPE_FLOAT: return st_vector_append_f32(dst, st_vector_get_f32(src, i));
    case ST_TYPE_DOUBLE: return st_vector_append_f64(dst, st_vector_get_f64(src, i));
    case ST_TYPE_DECIMAL: return st_vector_append_decimal(dst, st_vector_get_decimal(src, i));
    case ST_TYPE_STRING:
    case ST_TYPE_BINARY:
    case ST_TYPE_UUID:
    case ST_TYPE_FIXED:
        p = st_vector_get_bytes(src, i, &len);
        return st_vector_append_bytes(dst, p, len);
    case ST_TYPE_LIST:
    case ST_TYPE_MAP: return append_range_from(dst, src, i);
    case ST_TYPE_STRUCT:
        for (int c = 0; c < dst->n_children; c++)
            if ((rc = st_col_vector_append_from(dst->children[c], src->children[c], i)) < 0)
                return rc;
        return st_vector_append_nested(dst);
    default: return st_vector_append_i64(dst, st_vector_get_i64(src, i));
    }
}
