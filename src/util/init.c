/* SPDX-License-Identifier: Apache-2.0 */
/* Library initialisation and version. */
#include <supertable/common.h>

int st_init(void)
{
    return 0;
}

const char *st_version(void)
{
    return ST_VERSION;
}
