#!/usr/bin/env node
// SPDX-License-Identifier: Apache-2.0
// A stand-in for the `supertable` CLI, built from the peers, used only to run
// interop.sh end to end before the C CLI exists (and to check the harness
// itself):  ST_BIN=tests/interop/mock_cli.mjs sh tests/interop/interop.sh
//
// Implements the subset interop.sh uses, with the CLI's spelling:
//   parquet cat FILE --format jsonl [--columns a,b.c] [--limit N]
//     (read by DuckDB, or by hyparquet when the file has a TIMESTAMP(NANOS, UTC)
//     column, which DuckDB truncates to micros)
//   parquet convert IN.jsonl|IN.csv OUT.parquet --schema S [--codec C] [--row-group-rows N]
//     (input canonicalised by canon_input.mjs, written by DuckDB from SQL literals)
// Not a reference for behaviour: where DuckDB cannot write an Iceberg type
// exactly the mock bends it (fixed[L] is written as BLOB; timestamptz_ns is
// written as TIMESTAMP_NS and its footer flag patched to isAdjustedToUTC=true).

import fs from 'node:fs';
import path from 'node:path';
import { canonicalInputRows } from './canon_input.mjs';
import { daysFromCivil, parseSchema } from './canon.mjs';
import { dump } from './dump.mjs';

const q = (s) => `'${s.replace(/'/g, "''")}'`;

function duckType(t) {
  switch (t.t) {
    case 'boolean': return 'BOOLEAN';
    case 'int': return t.bits === 64 ? 'BIGINT' : 'INTEGER';
    case 'float': return 'FLOAT';
    case 'double': return 'DOUBLE';
    case 'decimal': return `DECIMAL(${t.precision},${t.scale})`;
    case 'date': return 'DATE';
    case 'time': return 'TIME';
    case 'timestamp': return t.unit === 'ns' ? 'TIMESTAMP_NS' : t.tz ? 'TIMESTAMPTZ' : 'TIMESTAMP';
    case 'string': return 'VARCHAR';
    case 'uuid': return 'UUID';
    case 'binary': case 'fixed': return 'BLOB';
    case 'list': return `${duckType(t.element)}[]`;
    case 'struct': return `STRUCT(${t.fields.map((f) => `"${f.name}" ${duckType(f.type)}`).join(', ')})`;
    case 'map': return `MAP(${duckType(t.key)}, ${duckType(t.value)})`;
    default: throw new Error(`mock: no DuckDB type for ${t.t}`);
  }
}

/** SQL literal for a canonical value. */
function lit(v, t) {
  if (v === null) return 'NULL';
  switch (t.t) {
    case 'boolean': return v ? 'true' : 'false';
    case 'int': return `${q(String(v))}::${duckType(t)}`;
    case 'float': case 'double': {
      const s = typeof v === 'string' ? v : Object.is(v, -0) ? '-0.0' : String(v);
      return `${q(s)}::${duckType(t)}`;
    }
    case 'binary': case 'fixed': return `from_base64(${q(v)})`;
    case 'timestamp': {
      if (t.unit !== 'ns') return `${q(v.replace(/Z$/, '+00'))}::${duckType(t)}`;
      // DuckDB cannot parse TIMESTAMP_NS text near the int64 limits: build from epoch ns
      const m = /^(-?\d+)-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)\.(\d{9})Z?$/.exec(v);
      const secs = BigInt(daysFromCivil(Number(m[1]), Number(m[2]), Number(m[3]))) * 86400n
        + BigInt(m[4]) * 3600n + BigInt(m[5]) * 60n + BigInt(m[6]);
      return `make_timestamp_ns(${secs * 1000000000n + BigInt(m[7])})`;
    }
    case 'list': return `[${v.map((x) => lit(x, t.element)).join(', ')}]::${duckType(t)}`;
    case 'struct': return `{${t.fields.map((f) => `${q(f.name)}: ${lit(v.get(f.name), f.type)}`).join(', ')}}::${duckType(t)}`;
    case 'map': {
      const entries = v instanceof Map ? [...v].map(([k, x]) => [k, x]) : v.map((e) => [e.get('key'), e.get('value')]);
      if (!entries.length) return `MAP {}::${duckType(t)}`;
      return `MAP {${entries.map(([k, x]) => `${lit(k, t.key)}: ${lit(x, t.value)}`).join(', ')}}::${duckType(t)}`;
    }
    default: return `${q(String(v))}::${duckType(t)}`;
  }
}

async function convert(input, output, { schema, codec = 'zstd', rowGroupRows = null }) {
  const type = parseSchema(schema);
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const inst = await DuckDBInstance.create(':memory:', { threads: '1' });
  const conn = await inst.connect();
  await conn.run(`CREATE TABLE t (${type.fields.map((f) => `"${f.name}" ${duckType(f.type)}`).join(', ')})`);
  let batch = [];
  const flush = async () => {
    if (batch.length) await conn.run(`INSERT INTO t VALUES ${batch.join(',\n')}`);
    batch = [];
  };
  for (const row of canonicalInputRows(input, schema)) {
    batch.push(`(${type.fields.map((f) => lit(row.get(f.name), f.type)).join(', ')})`);
    if (batch.length >= 200) await flush();
  }
  await flush();
  const comp = codec === 'none' ? 'uncompressed' : codec;
  const opts = [`FORMAT parquet`, `COMPRESSION ${q(comp)}`];
  if (rowGroupRows) opts.push(`ROW_GROUP_SIZE ${Number(rowGroupRows)}`);
  await conn.run(`COPY t TO ${q(output)} (${opts.join(', ')})`);
  // timestamptz_ns: flip isAdjustedToUTC in the footer (see header comment)
  const tzNs = type.fields.filter((f) => f.type.t === 'timestamp' && f.type.unit === 'ns');
  if (tzNs.some((f) => f.type.tz)) {
    const buf = fs.readFileSync(output);
    const footerStart = buf.length - 8 - buf.readUInt32LE(buf.length - 8);
    const pat = Buffer.from([0x8c, 0x12, 0x1c, 0x3c, 0, 0, 0]); // TimestampType(false, NANOS)
    let idx = buf.indexOf(pat, footerStart);
    for (const f of tzNs) { // top-level ns columns appear in schema order
      if (idx < 0) throw new Error('mock: timestamp_ns schema element not found');
      if (f.type.tz) buf[idx + 1] = 0x11;
      idx = buf.indexOf(pat, idx + 1);
    }
    fs.writeFileSync(output, buf);
  }
}

async function main(argv) {
  if (argv[0] !== 'parquet') { process.stderr.write('mock supertable: only `parquet cat|convert`\n'); return 2; }
  const cmd = argv[1];
  const pos = [];
  const o = {};
  for (let i = 2; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--format') o.format = argv[++i];
    else if (a === '--columns') o.columns = argv[++i];
    else if (a === '--limit') o.limit = Number(argv[++i]);
    else if (a === '--schema') o.schema = argv[++i];
    else if (a === '--codec') o.codec = argv[++i];
    else if (a === '--row-group-rows') o.rowGroupRows = argv[++i];
    else pos.push(a);
  }
  if (cmd === 'cat' && pos.length === 1 && o.format === 'jsonl') {
    const file = path.resolve(pos[0]);
    const { asyncBufferFromFile, parquetMetadataAsync } = await import('hyparquet');
    const md = await parquetMetadataAsync(await asyncBufferFromFile(file));
    const tzNanos = md.schema.some((e) => e.logical_type?.type === 'TIMESTAMP' && e.logical_type.unit === 'NANOS' && e.logical_type.isAdjustedToUTC);
    await dump(tzNanos ? 'hyparquet' : 'duckdb', file, { columns: o.columns ?? null, limit: o.limit ?? null });
    return 0;
  }
  if (cmd === 'convert' && pos.length === 2 && o.schema) {
    await convert(path.resolve(pos[0]), path.resolve(pos[1]), o);
    return 0;
  }
  process.stderr.write(`mock supertable: unsupported: ${argv.join(' ')}\n`);
  return 2;
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (e) {
  process.stderr.write(`mock supertable: ${e.stack || e.message}\n`);
  process.exitCode = 1;
}
