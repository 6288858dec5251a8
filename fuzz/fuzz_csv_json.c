/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target for the CSV and JSON lines readers and the text writers.
 * The first byte picks the reader, its options and the read-chunk size (so that
 * records straddle chunk boundaries); the rest is the file. Failures must be
 * ST_EINVALID or ST_EUNSUPPORTED with a message. Every batch must validate and
 * be writable as CSV and JSON lines; with a fixed schema the writers' output
 * must read back to the same rows (JSON lines, and CSV for the flat schema).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <supertable/errors.h>
#include <supertable/formats.h>
#include <supertable/io.h>
#include <supertable/types.h>
#include <supertable/vector.h>
#include <supertable/sys/alloc.h>

#include "formats/formats_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char FLAT[] =
    "b boolean, i int, l long, f float, d double, dec decimal(20,4), dt date, t time, "
    "ts timestamp, tz timestamptz, tn timestamp_ns, s string, u uuid, fx fixed[2], bin binary";
static const char NESTED[] =
    "l long, d double, s string, dec decimal(9,3), ts timestamptz, bin binary, "
    "ls list<int>, st struct<a: string, b: list<double>>, m map<string, long>, "
    "mi map<int, string>, deep list<struct<x: map<date, list<boolean>>>>";

typedef struct mode {
    int json, csv_header, null_mode;
    char delim;
    int64_t infer_rows, batch_rows;
    st_csv_binary binary;
    st_type *schema;
} mode;

static void check_error(int rc)
{
    const st_error *e = st_error_last();
    if ((rc != ST_EINVALID && rc != ST_EUNSUPPORTED) || !e->message[0])
        __builtin_trap();
}

static int open_reader(st_batch_reader **r, const mode *m, const void *buf, size_t len)
{
    st_input *in = NULL;
    if (st_input_open_memory(&in, buf, len, "fuzz") != 0)
        __builtin_trap();
    if (m->json) {
        st_json_read_options o = ST_JSON_READ_OPTIONS_INIT;
        o.schema = m->schema;
        o.infer_rows = m->infer_rows;
        o.batch_rows = m->batch_rows;
        return st_json_reader_open_input(r, in, &o);
    } else {
        st_csv_read_options o = ST_CSV_READ_OPTIONS_INIT;
        o.schema = m->schema;
        o.infer_rows = m->infer_rows;
        o.batch_rows = m->batch_rows;
        o.delimiter = m->delim;
        o.header = m->csv_header;
        o.null_string = m->null_mode == 1 ? "\\N" : m->null_mode == 2 ? "" : NULL;
        o.binary = m->binary;
        return st_csv_reader_open_input(r, in, &o);
    }
}

/* Reads everything; writes it as JSON lines (and CSV) into the outputs. */
static int read_all(const mode *m, const void *buf, size_t len, st_output *jsonl, st_output *csv)
{
    st_batch_reader *r = NULL;
    st_text_writer *jw = NULL, *cw = NULL;
    st_csv_write_options co = ST_CSV_WRITE_OPTIONS_INIT;
    st_batch *b = NULL;
    int rc;

    co.null_string = "\\N";
    co.binary = m->binary;
    if ((rc = open_reader(&r, m, buf, len)) != 0)
        return rc;
    if (st_json_writer_new(&jw, jsonl, st_batch_reader_schema(r)) != 0 ||
        (csv && st_csv_writer_new(&cw, csv, st_batch_reader_schema(r), &co) != 0))
        __builtin_trap();
    while ((rc = st_batch_reader_next(r, &b)) == 0) {
        for (int c = 0; c < b->n_columns; c++)
            if (st_vector_validate(b->columns[c]) != 0 || b->columns[c]->length != b->length)
                __builtin_trap();
        if (st_text_writer_write(jw, b) != 0 || (cw && st_text_writer_write(cw, b) != 0))
            __builtin_trap();
        st_batch_free(b);
    }
    if (st_text_writer_finish(jw) != 0 || (cw && st_text_writer_finish(cw) != 0))
        __builtin_trap();
    st_text_writer_free(jw);
    st_text_writer_free(cw);
    st_batch_reader_free(r);
    return rc == ST_ITEROVER ? 0 : rc;
}

static void take(st_output *o, uint8_t **p, size_t *n)
{
    if (st_output_take_memory(o, p, n) != 0)
        __builtin_trap();
}

/*
 * Reads the canonical JSON lines (and the CSV, for the flat schema) back with
 * the same schema: the rows must come out unchanged.
 */
static void compare_trip(mode m, const uint8_t *jsonl, size_t jlen, const uint8_t *csv,
                         size_t clen)
{
    for (int k = 0; k < (csv ? 2 : 1); k++) {
        st_output *again = NULL;
        uint8_t *p = NULL;
        size_t n = 0;
        mode mm = m;
        if (st_output_open_memory(&again) != 0)
            __builtin_trap();
        mm.json = k == 0;
        mm.delim = ',';
        mm.csv_header = 1;
        mm.null_mode = 1;
        if (read_all(&mm, k == 0 ? jsonl : csv, k == 0 ? jlen : clen, again, NULL) != 0)
            __builtin_trap();
        take(again, &p, &n);
        if (n != jlen || (n && memcmp(p, jsonl, n) != 0))
            __builtin_trap();
        st_free(p);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char delims[] = {',', ';', '\t', '|'};
    st_output *jsonl = NULL, *csv = NULL;
    uint8_t *jp = NULL, *cp = NULL;
    size_t jn = 0, cn = 0;
    mode m;
    uint8_t sel;
    int rc;

    if (size < 1)
        return 0;
    sel = data[0];
    memset(&m, 0, sizeof(m));
    m.json = sel & 1;
    m.delim = delims[(sel >> 2) & 3];
    m.csv_header = !((sel >> 4) & 1);
    m.null_mode = (sel >> 5) & 3;
    m.infer_rows = (sel & 0x40) ? 2 : 0;
    m.batch_rows = (sel & 0x80) ? 3 : 0;
    m.binary = (sel >> 3) & 1 ? ST_CSV_BINARY_BASE64 : ST_CSV_BINARY_RAW;
    st_fmt_test_chunk = (sel & 0x20) ? (size_t)(sel % 13) : 0;
    if ((sel & 2) && st_schema_parse(&m.schema, m.json ? NESTED : FLAT) != 0)
        __builtin_trap();
    if (st_output_open_memory(&jsonl) != 0 || st_output_open_memory(&csv) != 0)
        __builtin_trap();
    rc = read_all(&m, data + 1, size - 1, jsonl, csv);
    take(jsonl, &jp, &jn);
    take(csv, &cp, &cn);
    if (rc != 0) {
        check_error(rc);
    } else if (m.schema) {
        st_fmt_test_chunk = 0;
        compare_trip(m, jp, jn, m.json ? NULL : cp, cn);
    }
    st_free(jp);
    st_free(cp);
    st_type_free(m.schema);
    st_fmt_test_chunk = 0;
    return 0;
}
