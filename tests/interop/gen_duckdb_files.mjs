#!/usr/bin/env node
// SPDX-License-Identifier: Apache-2.0
// Writes the DuckDB-made Parquet files our reader is tested against.
//
//   node gen_duckdb_files.mjs OUTDIR [--rows N] [--quick]
//
// One deterministic "alltypes" table (alltypes.mjs; 3000 rows by default) is
// written with every COMPRESSION DuckDB supports for Parquet, with and without
// dictionary encoding, as PARQUET_VERSION V1 and V2, with several row groups of
// uneven size; plus a few special files (see EXTRA below). OUTDIR/manifest.json
// lists every file with its options and what DuckDB actually wrote (codecs,
// encodings, row groups, page types).
//
// --quick writes a reduced matrix (every codec once, each encoding variant once)
// for fast CI runs.
//
// What the installed DuckDB (1.5.x) supports, checked by trying:
//   COMPRESSION     uncompressed, snappy, gzip, zstd, brotli, lz4, lz4_raw
//                   ('lz4' and 'lz4_raw' both write codec LZ4_RAW; there is no
//                   way to make DuckDB write the deprecated Hadoop-framed LZ4)
//   PARQUET_VERSION V1 (default: PLAIN / PLAIN_DICTIONARY, data page v1) and
//                   V2 (RLE_DICTIONARY, DELTA_BINARY_PACKED,
//                   DELTA_LENGTH_BYTE_ARRAY, BYTE_STREAM_SPLIT ..., data page v2)
//   DICTIONARY_SIZE_LIMIT 0 turns dictionary encoding off for every column
//                   (DICTIONARY_COMPRESSION_RATIO_THRESHOLD is still accepted but
//                   no longer changes anything; there is no ENABLE_DICTIONARY)
//   ROW_GROUP_SIZE  is a minimum, applied at DuckDB chunk (2048-row) boundaries;
//                   to get several, uneven row groups from 3000 rows the rows are
//                   fed as a UNION ALL of slices, each slice its own chunk.

import fs from 'node:fs';
import path from 'node:path';
import { alltypesColumns, alltypesSelect } from './alltypes.mjs';

const CODECS = ['uncompressed', 'snappy', 'gzip', 'zstd', 'lz4_raw', 'brotli'];
const SLICES = [777, 423, 848, 552, 400]; // row group sizes, repeated over the table

const quoteStr = (s) => `'${s.replace(/'/g, "''")}'`;

function variants(quick) {
  const out = [];
  for (const codec of CODECS) {
    for (const version of ['V1', 'V2']) {
      for (const dictionary of [true, false]) {
        if (quick) {
          // every codec with V1+dictionary; V2 and no-dictionary on a subset
          const keep = (version === 'V1' && dictionary)
            || (codec === 'snappy' && (version === 'V2' || !dictionary))
            || (codec === 'zstd' && version === 'V2' && !dictionary);
          if (!keep) continue;
        }
        out.push({ codec, version, dictionary });
      }
    }
  }
  return out;
}

async function main(argv) {
  const pos = [];
  let rows = 3000;
  let quick = false;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--rows') rows = Number(argv[++i]);
    else if (argv[i] === '--quick') quick = true;
    else pos.push(argv[i]);
  }
  if (pos.length !== 1 || !(rows > 0)) {
    process.stderr.write('usage: node gen_duckdb_files.mjs OUTDIR [--rows N] [--quick]\n');
    return 2;
  }
  const outdir = path.resolve(pos[0]);
  fs.mkdirSync(outdir, { recursive: true });
  const duckdb = await import('@duckdb/node-api');
  // threads=1: deterministic output (row order, row groups, byte-identical files)
  const inst = await duckdb.DuckDBInstance.create(':memory:', { threads: '1' });
  const conn = await inst.connect();
  await conn.run(`CREATE TABLE alltypes AS ${alltypesSelect(0, rows)}`);

  // UNION ALL of slices so that ROW_GROUP_SIZE cuts where we want.
  const slices = [];
  for (let start = 0, k = 0; start < rows; k++) {
    const end = Math.min(rows, start + SLICES[k % SLICES.length]);
    slices.push(`SELECT * FROM alltypes WHERE id >= ${start} AND id < ${end}`);
    start = end;
  }
  const source = `(${slices.join(' UNION ALL ')})`;
  const minSlice = Math.min(...SLICES);

  const files = [];
  const write = async (name, query, options, meta) => {
    const file = path.join(outdir, name);
    const opts = ['FORMAT parquet', ...options].join(', ');
    await conn.run(`COPY ${query} TO ${quoteStr(file)} (${opts})`);
    // What DuckDB actually wrote, from its own metadata reader.
    const md = await conn.runAndReadAll(`
      SELECT count(DISTINCT row_group_id) AS row_groups,
             list(DISTINCT compression ORDER BY compression) AS codecs,
             list(DISTINCT e ORDER BY e) AS encodings
      FROM (SELECT row_group_id, compression, unnest(string_split(encodings, ', ')) AS e
            FROM parquet_metadata(${quoteStr(file)}))`);
    const m = md.getRowObjectsJson()[0] ?? {};
    const rg = await conn.runAndReadAll(`SELECT list(num_rows ORDER BY row_group_id) AS r FROM (SELECT DISTINCT row_group_id, row_group_num_rows AS num_rows FROM parquet_metadata(${quoteStr(file)}))`);
    const cnt = await conn.runAndReadAll(`SELECT count(*) AS n FROM read_parquet(${quoteStr(file)})`);
    files.push({
      file: name,
      table: 'alltypes',
      rows: Number(cnt.getRowObjectsJson()[0].n),
      copy_options: opts,
      ...meta,
      written: {
        row_groups: Number(m.row_groups ?? 0),
        row_group_rows: (rg.getRowObjectsJson()[0]?.r ?? []).map(Number),
        codecs: m.codecs ?? [],
        encodings: m.encodings ?? [],
      },
      size: fs.statSync(file).size,
    });
  };

  for (const v of variants(quick)) {
    const name = `alltypes_${v.codec}_${v.version.toLowerCase()}_${v.dictionary ? 'dict' : 'plain'}.parquet`;
    const options = [`COMPRESSION ${quoteStr(v.codec)}`, `PARQUET_VERSION ${v.version}`, `ROW_GROUP_SIZE ${minSlice}`];
    if (!v.dictionary) options.push('DICTIONARY_SIZE_LIMIT 0');
    await write(name, source, options, {
      compression: v.codec, parquet_version: v.version, dictionary: v.dictionary, row_group_size: minSlice,
    });
  }
  // EXTRA: DuckDB defaults (one row group, snappy, V1); zstd at a high level;
  // an empty file with the full schema; a single-row file.
  await write('alltypes_default.parquet', 'alltypes', [], {
    compression: 'snappy', parquet_version: 'V1', dictionary: true, row_group_size: null,
  });
  if (!quick) {
    await write('alltypes_zstd_level19.parquet', 'alltypes', ["COMPRESSION 'zstd'", 'COMPRESSION_LEVEL 19'], {
      compression: 'zstd', parquet_version: 'V1', dictionary: true, row_group_size: null,
    });
  }
  await write('alltypes_empty.parquet', '(SELECT * FROM alltypes LIMIT 0)', [], {
    compression: 'snappy', parquet_version: 'V1', dictionary: true, row_group_size: null,
  });
  await write('alltypes_one_row.parquet', '(SELECT * FROM alltypes WHERE id = 17)', ["COMPRESSION 'zstd'", 'PARQUET_VERSION V2'], {
    compression: 'zstd', parquet_version: 'V2', dictionary: true, row_group_size: null,
  });

  const manifest = {
    generator: 'tests/interop/gen_duckdb_files.mjs',
    duckdb_version: duckdb.version(),
    rows,
    columns: alltypesColumns().map(([name, type]) => ({ name, duckdb_type: type })),
    files,
  };
  fs.writeFileSync(path.join(outdir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  process.stdout.write(`gen_duckdb_files: ${files.length} files in ${outdir} (DuckDB ${manifest.duckdb_version})\n`);
  return 0;
}

process.exitCode = await main(process.argv.slice(2));
