/* SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>
#include <supertable/common.h>
int main(void) { printf("supertable %s\n", st_version()); return 0; }
