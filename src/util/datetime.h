/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Calendar arithmetic and ISO-8601 text for Iceberg's date/time types: days
 * since 1970-01-01 (proleptic Gregorian), microseconds or nanoseconds since the
 * epoch or since midnight. Pure functions, thread-safe, no locale, no time zone
 * database: timestamptz text is always UTC.
 */
#ifndef ST_UTIL_DATETIME_H
#define ST_UTIL_DATETIME_H

#include <stddef.h>
#include <stdint.h>

/* Days since 1970-01-01 of a civil date (any year, month 1-12, day 1-31). */
int64_t st_days_from_civil(int64_t y, int m, int d);
/* The civil date of a day number. */
void st_civil_from_days(int64_t days, int64_t *y, int *m, int *d);

/* Formatting; each writes a NUL-terminated string into buf (>= 48 bytes) and
 * returns its length. Years outside 0..9999 print with a sign ("+12345-01-01"). */
int st_format_date(char *buf, int32_t days);
int st_format_time(char *buf, int64_t micros);               /* HH:MM:SS.ffffff */
/* unit_digits 6 (micros) or 9 (nanos); utc appends 'Z'. */
int st_format_timestamp(char *buf, int64_t value, int unit_digits, int utc);

/*
 * Parsing; each returns 0, or -1 when the text is not valid (the caller raises
 * the error with context). Accepted:
 *   date       YYYY-MM-DD (optionally signed year)
 *   time       HH:MM[:SS[.fraction]]
 *   timestamp  date[T| ]time[Z|+HH:MM|-HH:MM|+HHMM] ; a date alone is midnight.
 * Fractions beyond the unit are rejected unless zeros. An offset is converted to
 * UTC; *had_zone tells whether one was present (NULL allowed).
 */
int st_parse_date(const char *s, size_t len, int32_t *days);
int st_parse_time(const char *s, size_t len, int64_t *micros);
int st_parse_timestamp(const char *s, size_t len, int unit_digits, int64_t *value, int *had_zone);

#endif
