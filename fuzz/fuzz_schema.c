/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target for the schema syntax. The input is schema text. Whatever
 * parses must print back to text that parses to an equal type and prints the
 * same, and must survive an Arrow schema export and import unchanged. Errors
 * must be ST_EINVALID (or ST_ENOMEM) with a message.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <supertable/arrow.h>
#include <supertable/errors.h>
#include <supertable/types.h>
#include <supertable/sys/alloc.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_arrow(const st_type *t)
{
    struct ArrowSchema s;
    st_type *back = NULL;
    if (st_arrow_export_schema(&s, t) != 0)
        __builtin_trap();
    if (st_arrow_import_type(&back, &s) != 0 || !st_type_equals(t, back))
        __builtin_trap();
    st_type_free(back);
    s.release(&s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1), *printed = NULL, *printed2 = NULL;
    st_type *t = NULL, *again = NULL;
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = 0;
    if (st_schema_parse(&t, text) != 0) {
        if (st_error_last()->code != ST_EINVALID || !st_error_last()->message[0])
            __builtin_trap();
        free(text);
        return 0;
    }
    if (st_schema_to_string(&printed, t) != 0 || st_schema_parse(&again, printed) != 0 ||
        !st_type_equals(t, again) || st_schema_to_string(&printed2, again) != 0 ||
        strcmp(printed, printed2) != 0)
        __builtin_trap();
    check_arrow(t);
    st_free(printed);
    st_free(printed2);
    st_type_free(t);
    st_type_free(again);
    free(text);
    return 0;
}
