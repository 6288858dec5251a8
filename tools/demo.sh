#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# `make demo`: a short tour of what SuperTable does today, on the embedded default
# (a local ./warehouse directory). Generates a CSV, converts it to Parquet with
# inferred and explicit schemas, inspects the file and reads it back; then makes
# an Iceberg table in ./warehouse (SQLite catalog ./warehouse/catalog.db),
# imports the CSV, adds a column, imports again and lists snapshots and files.
# Re-runnable: the demo table is dropped (with its files) first.
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
echo "== 6. an Iceberg table: namespace 'shop', table 'shop.orders' partitioned by month"
IW=${ST_DEMO_WAREHOUSE:-warehouse}
ST="$BIN --warehouse $IW"
$ST namespace create shop --if-not-exists
$ST table drop shop.orders --purge --if-exists
$ST table create shop.orders \
  --schema 'order_id long not null, customer string, amount decimal(10,2), ordered_at timestamp, express boolean' \
  --partition-by 'month(ordered_at)' --sort-by 'order_id'

echo
echo "== 7. import the CSV: one commit, values checked against the table's types"
$ST import shop.orders "$WH/orders.csv"

echo
echo "== 8. evolve the schema: add a column (no data rewritten), import rows that have it"
$ST table alter shop.orders --add-column 'note string' --after customer --doc 'free text'
awk 'BEGIN {
  print "order_id,customer,note,amount,ordered_at,express";
  for (i = 100001; i <= 101000; i++)
    printf "%d,customer_%03d,gift wrap %d,%.2f,2024-12-%02dT12:00:00,false\n", i, i % 500, i % 3,
           (i % 1000) / 10.0, 1 + i % 28;
}' > "$WH/orders-2.csv"
$ST import shop.orders "$WH/orders-2.csv"
$ST table describe shop.orders

echo
echo "== 9. the snapshots (one per import), and the partitions of the live files"
$ST table snapshots shop.orders
$ST table partitions shop.orders

echo
echo "== 10. scan the table: December's express orders; --explain shows what was pruned"
$ST scan shop.orders --filter "ordered_at >= '2024-12-01' AND express" \
  --columns order_id,customer,amount --limit 5
$ST scan shop.orders --filter "ordered_at >= '2024-12-01' AND express" --explain

echo
echo "== 11. time travel: the first snapshot has no 'note' column"
FIRST=$($ST table snapshots shop.orders --format csv | sed -n 2p | cut -d, -f2)
$ST scan shop.orders --snapshot "$FIRST" --filter 'order_id > 99998'

echo
echo "Done. Files are in $WH/ and $IW/shop/orders/. Next: 'make test' runs every test;"
echo "'make bench' compares with DuckDB."
