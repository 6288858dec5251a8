/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target for Avro container files as Iceberg metadata: the input is
 * read as a manifest (types from its own schema) and as a manifest list, both
 * from memory. Every failure must be a clean error code; sanitizers catch the
 * rest. Seeds: fuzz/corpus/avro/ (manifests and lists written by Java, Spark
 * and PyIceberg, from tests/resources/iceberg-fixtures/).
 */
#include <stddef.h>
#include <stdint.h>

#include "spec/spec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    st_manifest *m = NULL;
    st_manifest_list *l = NULL;
    st_manifest_file mf = {0};
    mf.sequence_number = 3;
    mf.added_snapshot_id = 7;
    mf.first_row_id = 100;
    if (st_manifest_read_buffer(&m, data, size, "fuzz.avro", &mf, NULL) == 0) {
        for (int i = 0; i < m->n_entries; i++)
            if (m->entries[i].file.n_stats < 0 || !m->entries[i].file.file_path)
                __builtin_trap();
        st_manifest_free(m);
    }
    if (st_manifest_list_read_buffer(&l, data, size, "fuzz.avro") == 0)
        st_manifest_list_free(l);
    return 0;
}
