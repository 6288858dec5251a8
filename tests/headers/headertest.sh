#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Every public header compiles on its own as C99 with -pedantic and as C++:
# users embed libsupertable from C and C++ programs with strict flags.
set -eu
SRC=${ST_SRC:?}
TMP=${ST_TMP:?}
mkdir -p "$TMP"
CXX=${CXX:-$(command -v g++ || command -v clang++ || true)}
status=0
for h in "$SRC"/include/supertable/*.h "$SRC"/include/supertable/sys/*.h; do
    rel=${h#"$SRC"/include/}
    printf '#include <%s>\nint main(void) { return 0; }\n' "$rel" > "$TMP/t.c"
    if ! cc -std=c99 -pedantic -Wall -Wextra -Werror -I"$SRC/include" -c "$TMP/t.c" -o "$TMP/t.o"; then
        echo "FAIL (C99): $rel"; status=1
    fi
    if [ -n "$CXX" ]; then
        cp "$TMP/t.c" "$TMP/t.cpp"
        if ! "$CXX" -std=c++11 -Wall -Wextra -Werror -I"$SRC/include" -c "$TMP/t.cpp" -o "$TMP/t.o"; then
            echo "FAIL (C++): $rel"; status=1
        fi
    fi
done
[ $status -eq 0 ] && echo "all public headers compile alone (C99 -pedantic, C++11)"
exit $status
