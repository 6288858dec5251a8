/* SPDX-License-Identifier: Apache-2.0 */
/* Value constructors and small checks shared by the spec tests. */
#ifndef ST_SPEC_TEST_H
#define ST_SPEC_TEST_H

#include "st_test.h"

#include <supertable/errors.h>
#include <supertable/sys/alloc.h>

#include "spec/spec.h"

static inline st_value sv_int(st_type_id t, int32_t x)
{
    st_value v;
    memset(&v, 0, sizeof(v));
    v.type = t;
    v.v.i32 = x;
    return v;
}

static inline st_value sv_long(st_type_id t, int64_t x)
{
    st_value v;
    memset(&v, 0, sizeof(v));
    v.type = t;
    v.v.i64 = x;
    return v;
}

static inline st_value sv_bytes(st_type_id t, const void *p, size_t len)
{
    st_value v;
    memset(&v, 0, sizeof(v));
    v.type = t;
    v.v.bytes.ptr = p;
    v.v.bytes.len = len;
    return v;
}

static inline st_value sv_str(const char *s)
{
    return sv_bytes(ST_TYPE_STRING, s, strlen(s));
}

static inline st_decimal128 sv_dec128(int64_t x)
{
    st_decimal128 d = {(uint64_t)x, x < 0 ? -1 : 0};
    return d;
}

static inline st_value sv_dec(int64_t unscaled, int scale)
{
    st_value v;
    memset(&v, 0, sizeof(v));
    v.type = ST_TYPE_DECIMAL;
    v.scale = scale;
    v.v.dec = sv_dec128(unscaled);
    return v;
}

static inline st_value sv_null(st_type_id t)
{
    st_value v;
    memset(&v, 0, sizeof(v));
    v.type = t;
    v.is_null = 1;
    return v;
}

/* One type from the schema syntax ("decimal(9,2)"); release with st_type_free(). */
static inline st_type *sv_type(const char *text)
{
    st_type *s = NULL, *t;
    char buf[256];
    snprintf(buf, sizeof(buf), "x %s", text);
    st_pass(st_schema_parse(&s, buf));
    t = st_type_ref(s->fields[0].type);
    st_type_free(s);
    return t;
}

#endif
