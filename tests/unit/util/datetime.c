/* SPDX-License-Identifier: Apache-2.0 */
/* Tests for util/datetime: civil dates, ISO text both ways. */
#include "st_test.h"
#include "util/datetime.h"

void test_util_datetime__civil_roundtrip(void)
{
    st_assert_eq_i64(st_days_from_civil(1970, 1, 1), 0);
    st_assert_eq_i64(st_days_from_civil(2000, 3, 1), 11017);
    st_assert_eq_i64(st_days_from_civil(1969, 12, 31), -1);
    st_assert_eq_i64(st_days_from_civil(1, 1, 1), -719162);
    for (int64_t d = -800000; d < 3000000; d += 997) {
        int64_t y;
        int m, dd;
        st_civil_from_days(d, &y, &m, &dd);
        st_assert_eq_i64(st_days_from_civil(y, m, dd), d);
    }
}

void test_util_datetime__format(void)
{
    char buf[64];
    st_format_date(buf, 0);
    st_assert_eq_str(buf, "1970-01-01");
    st_format_date(buf, -1);
    st_assert_eq_str(buf, "1969-12-31");
    st_format_date(buf, 2932896);
    st_assert_eq_str(buf, "9999-12-31");
    st_format_date(buf, 2932897);
    st_assert_eq_str(buf, "+10000-01-01");
    st_format_time(buf, 3723000004LL);
    st_assert_eq_str(buf, "01:02:03.000004");
    st_format_timestamp(buf, -1, 6, 1);
    st_assert_eq_str(buf, "1969-12-31T23:59:59.999999Z");
    st_format_timestamp(buf, 1700000000123456LL, 6, 0);
    st_assert_eq_str(buf, "2023-11-14T22:13:20.123456");
    st_format_timestamp(buf, 1700000000123456789LL, 9, 0);
    st_assert_eq_str(buf, "2023-11-14T22:13:20.123456789");
}

void test_util_datetime__parse(void)
{
    int32_t d;
    int64_t v;
    int z;
    st_assert(st_parse_date("2024-02-29", 10, &d) == 0);
    st_assert_eq_i64(d, st_days_from_civil(2024, 2, 29));
    st_assert(st_parse_date("2023-02-29", 10, &d) < 0);
    st_assert(st_parse_date("2023-13-01", 10, &d) < 0);
    st_assert(st_parse_date("2023-01-01x", 11, &d) < 0);
    st_assert(st_parse_time("10:00", 5, &v) == 0 && v == 36000000000LL);
    st_assert(st_parse_time("10:00:01.5", 10, &v) == 0 && v == 36001500000LL);
    st_assert(st_parse_time("24:00", 5, &v) < 0);
    st_assert(st_parse_timestamp("2023-11-14T22:13:20.123456", 26, 6, &v, &z) == 0);
    st_assert_eq_i64(v, 1700000000123456LL);
    st_assert_eq_i64(z, 0);
    st_assert(st_parse_timestamp("2023-11-14 23:13:20.123456+01:00", 32, 6, &v, &z) == 0);
    st_assert_eq_i64(v, 1700000000123456LL);
    st_assert_eq_i64(z, 1);
    st_assert(st_parse_timestamp("2023-11-14T22:13:20Z", 20, 9, &v, &z) == 0);
    st_assert_eq_i64(v, 1700000000000000000LL);
    st_assert(st_parse_timestamp("2023-11-14", 10, 6, &v, NULL) == 0);
    st_assert(st_parse_timestamp("2023-11-14T22:13:20.1234567", 27, 6, &v, NULL) < 0);
    st_assert(st_parse_timestamp("2023-11-14T22:13:20.1234560", 27, 6, &v, NULL) == 0);
    st_assert(st_parse_timestamp("garbage", 7, 6, &v, NULL) < 0);
}

/* Nanosecond timestamps span 1677-09-21..2262-04-11: the whole int64 range,
 * including instants whose day alone would overflow. */
void test_util_datetime__ns_limits(void)
{
    static const char *const ok[] = {
        "1677-09-21T00:12:43.145224192", "1677-09-21T00:12:43.145224194",
        "2262-04-11T23:47:16.854775807", "1677-09-21T01:12:43.145224192+01:00",
        "2262-04-11T22:47:16.854775807-01:00",
    };
    static const int64_t want[] = {INT64_MIN, INT64_MIN + 2, INT64_MAX, INT64_MIN, INT64_MAX};
    int64_t v;
    char buf[48];
    for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
        st_assert_msg(st_parse_timestamp(ok[i], strlen(ok[i]), 9, &v, NULL) == 0, "%s", ok[i]);
        st_assert_eq_i64(v, want[i]);
    }
    st_format_timestamp(buf, INT64_MIN, 9, 0);
    st_assert_eq_str(buf, "1677-09-21T00:12:43.145224192");
    st_format_timestamp(buf, INT64_MAX, 9, 1);
    st_assert_eq_str(buf, "2262-04-11T23:47:16.854775807Z");
    st_assert(st_parse_timestamp("1677-09-21T00:12:43.145224191", 29, 9, &v, NULL) < 0);
    st_assert(st_parse_timestamp("2262-04-11T23:47:16.854775808", 29, 9, &v, NULL) < 0);
    st_assert(st_parse_timestamp("1677-09-20T00:00:00", 19, 9, &v, NULL) < 0);
    st_assert(st_parse_timestamp("+294247-01-10T04:00:54.775807", 29, 6, &v, NULL) == 0);
    st_assert_eq_i64(v, INT64_MAX);
    st_assert(st_parse_timestamp("+294247-01-10T04:00:54.775808", 29, 6, &v, NULL) < 0);
}
