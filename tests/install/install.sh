#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# `make install` delivers a usable library: installs the build into a scratch
# prefix, builds a C program against it with pkg-config (shared and static), and
# runs both on a real Parquet file. Also checks the man page and the CLI land.
set -eu
BUILD=$(dirname "${ST_BIN:?}")
SRC=${ST_SRC:?}
TMP=${ST_TMP:?}
rm -rf "$TMP" && mkdir -p "$TMP"
cmake --install "$BUILD" --prefix "$TMP/prefix" >/dev/null
export PKG_CONFIG_PATH="$TMP/prefix/lib/pkgconfig"
CC=${ST_CC:-cc}
SAN=
[ "${ST_SANITIZE:-0}" = 1 ] && SAN="-fsanitize=address,undefined"
cat >"$TMP/use.c" <<'C'
#include <stdio.h>
#include <supertable/errors.h>
#include <supertable/parquet.h>
int main(int argc, char **argv)
{
    st_parquet_reader *r;
    if (argc < 2 || st_parquet_reader_open(&r, argv[1], NULL) < 0) {
        fprintf(stderr, "%s\n", st_error_last()->message);
        return 1;
    }
    printf("%lld rows\n", (long long)st_parquet_reader_num_rows(r));
    st_parquet_reader_free(r);
    return 0;
}
C
F="$SRC/tests/resources/parquet-testing/alltypes_plain.parquet"
# shellcheck disable=SC2046
"$CC" $SAN -std=c99 -Wall -Werror "$TMP/use.c" $(pkg-config --cflags --libs supertable) \
   -Wl,-rpath,"$TMP/prefix/lib" -o "$TMP/use_shared"
# shellcheck disable=SC2046
"$CC" $SAN -std=c99 -Wall -Werror "$TMP/use.c" $(pkg-config --cflags supertable) \
   "$TMP/prefix/lib/libsupertable.a" $(pkg-config --libs --static supertable | sed 's/-lsupertable//') \
   -o "$TMP/use_static"
[ "$("$TMP/use_shared" "$F")" = "8 rows" ] || { echo "FAIL: shared build"; exit 1; }
[ "$("$TMP/use_static" "$F")" = "8 rows" ] || { echo "FAIL: static build"; exit 1; }
"$TMP/prefix/bin/supertable" --version >/dev/null || { echo "FAIL: installed CLI"; exit 1; }
[ -f "$TMP/prefix/share/man/man1/supertable.1" ] || { echo "FAIL: man page not installed"; exit 1; }
echo "install: shared and static builds via pkg-config work"
