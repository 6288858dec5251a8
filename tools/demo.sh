#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# `make demo`: a short tour of what SuperTable does today, on the embedded default
# (a local ./warehouse directory). Generates a CSV, converts it to Parquet with
# inferred and explicit schemas, inspects the file and reads it back.
set -eu
BIN=${1:-build/supertable}
WH=${ST_DEMO_DIR:-warehouse/demo}
mkdir -p "$WH"

echo "== 1. a CSV of 100000 orders"
awk 'BEGIN {
  print "order_id,customer,amount,ordered_at,express";
  srand(7);
  for (i = 1; i <= 100000; i++)
    printf "%d,customer_%03d,%.2f,2024-%02d-%02dT%02d:%02d:00,%s\n", i, i % 500,
           (i * 37 % 100000) / 100.0, 1 + i % 12, 1 + i % 28, i % 24, i % 60,
           (i % 7 == 0) ? "true" : "false";
}' > "$WH/orders.csv"
head -3 "$WH/orders.csv"

echo
echo "== 2. convert to Parquet (zstd), schema given in Iceberg's type names"
"$BIN" parquet convert "$WH/orders.csv" "$WH/orders.parquet" \
  --schema 'order_id long not null, customer string, amount decimal(10,2), ordered_at timestamp, express boolean' \
  --row-group-rows 25000

echo
echo "== 3. inspect: schema with field ids, row groups, encodings, statistics"
"$BIN" parquet inspect "$WH/orders.parquet" | head -40

echo
echo "== 4. read it back: a projection, a filter that prunes row groups, 5 rows"
"$BIN" parquet cat "$WH/orders.parquet" --columns order_id,amount,express \
  --where 'order_id >= 75001' --limit 5

echo
echo "== 5. the same rows as JSON lines"
"$BIN" parquet cat "$WH/orders.parquet" --format jsonl --where 'order_id >= 75001' --limit 2

echo
echo "Done. Files are in $WH/. Next: 'make test' runs every test; 'make bench' compares with DuckDB."
