#!/usr/bin/env node
// SPDX-License-Identifier: Apache-2.0
// Prints a Parquet file's rows in canonical JSONL (see canon.mjs) as read by a
// peer implementation:
//
//   node dump.mjs duckdb|hyparquet FILE [--columns a,b.c] [--limit N] [--out F]
//
// duckdb    reads with `SELECT ... FROM read_parquet(FILE)` through @duckdb/node-api
// hyparquet reads with parquetReadObjects + hyparquet-compressors (snappy, gzip,
//           brotli, zstd, lz4, lz4_raw), one row group at a time
//
// Exit status 0 on success, 1 on a read/convert error, 2 on bad usage.
//
// DuckDB limitation handled here: DuckDB reads Parquet TIMESTAMP(NANOS,
// isAdjustedToUTC=true) as TIMESTAMP WITH TIME ZONE in microseconds, dropping
// the last three digits. Such columns are printed with 9 fraction digits ending
// in "000" and a note goes to stderr; compare against an expectation made with
// canon_input.mjs --tstz-ns-micros (see interop.sh).

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  canonFromDuckDB, canonFromHyparquet, hyparquetParsers, parseColumns, projectType, projectValue,
  rawHyparquetMetadata, stringify, typeFromDuckDB, typeFromParquet,
} from './canon.mjs';

/** Buffered line writer to a fd (stdout by default). */
export function lineWriter(fd = 1) {
  let buf = [];
  let size = 0;
  const flush = () => {
    if (!buf.length) return;
    const data = buf.join('');
    buf = []; size = 0;
    let off = 0;
    const b = Buffer.from(data);
    while (off < b.length) {
      try {
        off += fs.writeSync(fd, b, off);
      } catch (e) {
        if (e.code === 'EAGAIN') continue;
        if (e.code === 'EPIPE') process.exit(0);
        throw e;
      }
    }
  };
  return {
    line(s) { buf.push(s, '\n'); size += s.length + 1; if (size > 1 << 20) flush(); },
    flush,
  };
}

const quoteIdent = (s) => `"${s.replace(/"/g, '""')}"`;
const quoteStr = (s) => `'${s.replace(/'/g, "''")}'`;

// ---------------------------------------------------------------------------
// DuckDB

let duckInstance = null;
export async function duckConnection() {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  // Rows must come back in file order: that is DuckDB's default
  // (preserve_insertion_order), set explicitly so nothing can change it.
  if (!duckInstance) duckInstance = await DuckDBInstance.create(':memory:', { preserve_insertion_order: 'true' });
  return duckInstance.connect();
}

/** The file's schema tree from DuckDB's parquet_schema() (flat, pre-order, num_children). */
async function duckParquetTree(conn, file) {
  const r = await conn.runAndReadAll(
    `SELECT name, type, num_children, logical_type, converted_type FROM parquet_schema(${quoteStr(file)})`);
  const rows = r.getRowObjects();
  let i = 0;
  const build = () => {
    const row = rows[i++];
    const node = { name: row.name, type: row.type, logical: row.logical_type, converted: row.converted_type, children: [] };
    const n = Number(row.num_children ?? 0);
    for (let k = 0; k < n; k++) node.children.push(build());
    return node;
  };
  return build();
}

/**
 * Walks DuckDB's CType alongside the Parquet tree and switches timestamptz
 * columns stored as TIMESTAMP(NANOS, UTC) to nanosecond printing (DuckDB has
 * already truncated them to micros). Returns the list of affected paths.
 */
function fixTstzNanos(type, node, pathStr, notes) {
  if (!node) return type;
  switch (type.t) {
    case 'timestamp':
      if (type.tz && /NANOS=NanoSeconds/.test(node.logical ?? '')) {
        notes.push(pathStr);
        return { ...type, unit: 'ns', nanosFromMicros: true };
      }
      return type;
    case 'list': {
      const rep = node.children[0];
      const el = rep && rep.children.length === 1 ? rep.children[0] : rep;
      return { ...type, element: fixTstzNanos(type.element, el, `${pathStr}[]`, notes) };
    }
    case 'map': {
      const kv = node.children[0];
      return {
        ...type,
        key: fixTstzNanos(type.key, kv?.children[0], `${pathStr}.key`, notes),
        value: fixTstzNanos(type.value, kv?.children[1], `${pathStr}.value`, notes),
      };
    }
    case 'struct':
      return {
        ...type,
        fields: type.fields.map((f) => ({
          ...f,
          type: fixTstzNanos(f.type, node.children.find((c) => c.name === f.name), pathStr ? `${pathStr}.${f.name}` : f.name, notes),
        })),
      };
    default: return type;
  }
}

/** Yields canonical rows (Map) of FILE as read by DuckDB. */
export async function* duckdbRows(file, { columns = null, limit = null } = {}) {
  const conn = await duckConnection();
  const tree = parseColumns(columns);
  // Column order: DuckDB returns them in SELECT order; canonical is file order,
  // which is restored below from a zero-row `SELECT *`.
  const allTypes = await conn.runAndReadAll(`SELECT * FROM read_parquet(${quoteStr(file)}) LIMIT 0`);
  const names = allTypes.columnNames();
  const ptree = await duckParquetTree(conn, file);
  const notes = [];
  let rowType = {
    t: 'struct',
    fields: names.map((name, i) => ({ name, type: typeFromDuckDB(allTypes.columnTypes()[i]), required: false })),
  };
  rowType = fixTstzNanos(rowType, ptree, '', notes);
  if (notes.length) {
    process.stderr.write(`dump.mjs duckdb: note: DuckDB reads TIMESTAMP(NANOS, UTC) at microsecond precision: ${notes.join(', ')}\n`);
  }
  const outType = projectType(rowType, tree);
  const ordered = tree ? outType.fields.map((f) => f.name) : names;
  const sql = `SELECT ${tree ? ordered.map(quoteIdent).join(', ') : '*'} FROM read_parquet(${quoteStr(file)})${limit !== null ? ` LIMIT ${Number(limit)}` : ''}`;
  const fieldTypes = ordered.map((n) => rowType.fields.find((f) => f.name === n).type);
  const result = await conn.stream(sql);
  let rowNo = 0;
  for (;;) {
    const chunk = await result.fetchChunk();
    if (!chunk || chunk.rowCount === 0) break;
    for (const row of chunk.getRows()) {
      const out = new Map();
      for (let c = 0; c < ordered.length; c++) {
        try {
          out.set(ordered[c], canonFromDuckDB(row[c], fieldTypes[c]));
        } catch (e) {
          throw new Error(`row ${rowNo}, column ${ordered[c]}: ${e.message}`);
        }
      }
      rowNo++;
      yield projectValue(out, tree);
    }
  }
}

// ---------------------------------------------------------------------------
// hyparquet

/** Yields canonical rows (Map) of FILE as read by hyparquet. */
export async function* hyparquetRows(file, { columns = null, limit = null } = {}) {
  const { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects, parquetSchema } = await import('hyparquet');
  const { compressors } = await import('hyparquet-compressors');
  const buffer = await asyncBufferFromFile(file);
  const metadata = await parquetMetadataAsync(buffer);
  const schema = parquetSchema(metadata);
  const rowType = { t: 'struct', fields: schema.children.map((c) => ({ name: c.element.name, type: typeFromParquet(c), required: c.element.repetition_type === 'REQUIRED' })) };
  const tree = parseColumns(columns);
  const outType = projectType(rowType, tree);
  const names = outType.fields.map((f) => f.name);
  const raw = rawHyparquetMetadata(metadata);
  let rowStart = 0;
  let emitted = 0;
  for (const rg of metadata.row_groups) {
    const n = Number(rg.num_rows);
    if (limit !== null && emitted >= limit) break;
    const rowEnd = limit !== null ? Math.min(rowStart + n, rowStart + (limit - emitted)) : rowStart + n;
    if (n > 0 && names.length) {
      const rows = await parquetReadObjects({
        file: buffer, metadata: raw, columns: names, rowStart, rowEnd,
        compressors, utf8: false, parsers: hyparquetParsers,
      });
      if (rows.length !== rowEnd - rowStart) throw new Error(`hyparquet returned ${rows.length} rows for [${rowStart}, ${rowEnd})`);
      for (const r of rows) {
        const out = new Map();
        for (const f of outType.fields) {
          try {
            out.set(f.name, canonFromHyparquet(r[f.name], f.type));
          } catch (e) {
            throw new Error(`row ${emitted}, column ${f.name}: ${e.message}`);
          }
        }
        emitted++;
        yield out;
      }
    } else if (n > 0) {
      for (let k = rowStart; k < rowEnd; k++) { emitted++; yield new Map(); }
    }
    rowStart += n;
  }
}

export async function* peerRows(peer, file, opts) {
  if (peer === 'duckdb') yield* duckdbRows(file, opts);
  else if (peer === 'hyparquet') yield* hyparquetRows(file, opts);
  else throw new Error(`unknown peer ${peer}`);
}

/** Writes FILE's canonical JSONL as read by PEER to fd; returns the row count. */
export async function dump(peer, file, opts = {}, fd = 1) {
  const w = lineWriter(fd);
  let n = 0;
  for await (const row of peerRows(peer, file, opts)) { w.line(stringify(row)); n++; }
  w.flush();
  return n;
}

async function main(argv) {
  const usage = 'usage: node dump.mjs duckdb|hyparquet FILE [--columns a,b.c] [--limit N] [--out FILE]';
  const pos = [];
  const opts = { columns: null, limit: null };
  let out = null;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--columns') opts.columns = argv[++i];
    else if (a === '--limit') opts.limit = Number(argv[++i]);
    else if (a === '--out') out = argv[++i];
    else if (a.startsWith('--')) { process.stderr.write(`${usage}\n`); return 2; }
    else pos.push(a);
  }
  if (pos.length !== 2 || !['duckdb', 'hyparquet'].includes(pos[0]) || (opts.limit !== null && !(opts.limit >= 0))) {
    process.stderr.write(`${usage}\n`);
    return 2;
  }
  const fd = out ? fs.openSync(out, 'w') : 1;
  try {
    await dump(pos[0], path.resolve(pos[1]), opts, fd);
  } catch (e) {
    process.stderr.write(`dump.mjs ${pos[0]} ${pos[1]}: ${e.stack || e.message}\n`);
    return 1;
  } finally {
    if (out) fs.closeSync(fd);
  }
  return 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await main(process.argv.slice(2));
}
