/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target for Avro container files as Iceberg metadata: the input is
 * read as a manifest (partition types from its own schema, then from a given
 * partition type), and as a manifest list, all from memory, through the
 * direct record decoder. Every failure must be a clean error code; what is
 * read is walked whole, so sanitizers see any bad pointer. Seeds:
 * fuzz/corpus/avro/ (manifests and lists written by Java, Spark and
 * PyIceberg, from tests/resources/iceberg-fixtures/, and some of them with
 * their blocks stored uncompressed, so mutations reach the records).
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "spec/spec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static volatile uint64_t sink;

static void touch(const void *p, size_t n)
{
    const uint8_t *b = p;
    for (size_t i = 0; i < n; i++)
        sink += b[i];
}

static void walk_manifest(const st_manifest *m)
{
    for (int i = 0; i < m->n_entries; i++) {
        const st_data_file *f = &m->entries[i].file;
        if (f->n_stats < 0 || !f->file_path || !f->file_format)
            __builtin_trap();
        touch(f->file_path, strlen(f->file_path));
        for (int k = 0; k < f->n_partition; k++)
            if (!f->partition[k].is_null && (f->partition[k].type == ST_TYPE_STRING ||
                                              f->partition[k].type == ST_TYPE_BINARY ||
                                              f->partition[k].type == ST_TYPE_FIXED ||
                                              f->partition[k].type == ST_TYPE_UUID))
                touch(f->partition[k].v.bytes.ptr, f->partition[k].v.bytes.len);
        for (int k = 0; k < f->n_stats; k++) {
            if (f->stats[k].lower)
                touch(f->stats[k].lower, f->stats[k].lower_len);
            if (f->stats[k].upper)
                touch(f->stats[k].upper, f->stats[k].upper_len);
        }
        touch(f->split_offsets, (size_t)f->n_split_offsets * sizeof *f->split_offsets);
        touch(f->equality_ids, (size_t)f->n_equality_ids * sizeof *f->equality_ids);
        if (f->key_metadata)
            touch(f->key_metadata, f->key_metadata_len);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static st_type *ptype;
    st_manifest *m = NULL;
    st_manifest_list *l = NULL;
    st_manifest_file mf = {0};
    mf.sequence_number = 3;
    mf.added_snapshot_id = 7;
    mf.first_row_id = 100;
    if (!ptype) {
        /* field ids the fixtures' partitions use (1000...), of types that
         * take every Avro kind a partition value may have */
        static st_type *dec;
        st_type_decimal_new(&dec, 10, 2);
        st_field f[5] = {{1000, "a", 0, st_type_primitive(ST_TYPE_INT), NULL},
                         {1001, "b", 0, st_type_primitive(ST_TYPE_DATE), NULL},
                         {1002, "c", 0, st_type_primitive(ST_TYPE_STRING), NULL},
                         {1003, "d", 0, st_type_primitive(ST_TYPE_UUID), NULL},
                         {1004, "e", 0, dec, NULL}};
        if (st_type_struct_new(&ptype, f, 5) != 0)
            __builtin_trap();
    }
    if (st_manifest_read_buffer(&m, data, size, "fuzz.avro", &mf, NULL) == 0) {
        walk_manifest(m);
        st_manifest_free(m);
    }
    if (st_manifest_read_buffer(&m, data, size, "fuzz.avro", NULL, ptype) == 0) {
        walk_manifest(m);
        st_manifest_free(m);
    }
    if (st_manifest_list_read_buffer(&l, data, size, "fuzz.avro") == 0) {
        for (int i = 0; i < l->n_files; i++) {
            touch(l->files[i].manifest_path, strlen(l->files[i].manifest_path));
            for (int k = 0; k < l->files[i].n_partitions; k++) {
                const st_field_summary *s = &l->files[i].partitions[k];
                if (s->lower)
                    touch(s->lower, s->lower_len);
                if (s->upper)
                    touch(s->upper, s->upper_len);
            }
        }
        st_manifest_list_free(l);
    }
    return 0;
}
