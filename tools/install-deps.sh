#!/bin/sh
# Installs the Debian packages SuperTable builds, tests and benchmarks with.
# Idempotent: only packages that are missing are installed, so a set-up machine
# pays one dpkg query per package. Runs apt-get through sudo when not root.
set -eu

PKGS="build-essential cmake pkg-config clang libclang-rt-14-dev
      zlib1g-dev libzstd-dev libsnappy-dev liblz4-dev libbrotli-dev
      libjansson-dev libavro-dev libsqlite3-dev libpq-dev postgresql sqlite3 python3"

missing=""
for p in $PKGS; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $p"
    fi
done

# Node.js is a test-only tool (DuckDB and hyparquet interop). Some machines carry
# NodeSource's nodejs, which bundles npm and conflicts with Debian's npm package:
# ask for Debian's packages only when the commands are absent.
command -v node >/dev/null 2>&1 || missing="$missing nodejs"
command -v npm >/dev/null 2>&1 || missing="$missing npm"

if [ -n "$missing" ]; then
    echo "install-deps: installing:$missing"
    SUDO=""
    [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get update -qq
    # shellcheck disable=SC2086
    $SUDO apt-get install -y -qq --no-install-recommends $missing
fi
