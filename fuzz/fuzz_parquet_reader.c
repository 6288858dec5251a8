/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target: a whole Parquet file from memory. Opens it (footer, schema
 * mapping), reads every row group with every column, formats every chunk's
 * statistics, and checks each decoded vector's invariants: whatever the bytes,
 * the reader must fail cleanly, never crash, hang or leak.
 */
#include <stdlib.h>
#include <string.h>

#include <supertable/errors.h>
#include <supertable/parquet.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    st_parquet_read_options o = ST_PARQUET_READ_OPTIONS_INIT;
    st_parquet_reader *r;
    st_input *in;

    o.threads = 1;
    if (st_input_open_memory(&in, data, size, "fuzz") < 0)
        return 0;
    if (st_parquet_reader_open_input(&r, in, &o) < 0)
        return 0;
    for (int g = 0; g < st_parquet_reader_num_row_groups(r); g++) {
        st_batch *b;
        for (int c = 0; c < st_parquet_reader_num_columns(r); c++) {
            st_parquet_chunk_info ci;
            st_parquet_column_info col;
            st_parquet_reader_chunk_info(r, g, c, &ci);
            st_parquet_reader_column_info(r, c, &col);
        }
        if (st_parquet_reader_read_row_group(&b, r, g) == 0) {
            for (int c = 0; c < b->n_columns; c++)
                if (st_vector_validate(b->columns[c]) != 0)
                    abort(); /* the decoder produced an invalid vector */
            st_batch_free(b);
        }
    }
    st_parquet_reader_free(r);
    return 0;
}
