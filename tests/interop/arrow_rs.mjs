#!/usr/bin/env node
// SPDX-License-Identifier: Apache-2.0
// A third reader for the writer's files: the Rust `parquet` crate of arrow-rs,
// through the parquet-wasm npm package, into Arrow JS tables.
//
//   ARROW_RS_DIR=DIR node arrow_rs.mjs FILE...
//
// DIR/node_modules holds parquet-wasm and apache-arrow (writer.sh installs them
// there). For each NAME.parquet, with NAME.expect.jsonl beside it: arrow-rs must decode
// every column, and the row count and each top-level column's null count must
// match the expectation. Values themselves are compared by dump.mjs for DuckDB
// and hyparquet; this checks that a strict third implementation accepts the
// files. Exit 0 when all pass, 1 otherwise.

import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const dir = process.env.ARROW_RS_DIR;
if (!dir) {
  process.stderr.write('arrow_rs.mjs: set ARROW_RS_DIR to the directory holding node_modules\n');
  process.exit(2);
}
const require = createRequire(path.join(dir, 'package.json'));
const pwPath = require.resolve('parquet-wasm/esm/parquet_wasm.js');
const pw = await import(pwPath);
const { tableFromIPC } = await import(require.resolve('apache-arrow'));
await pw.default({ module_or_path: fs.readFileSync(path.join(path.dirname(pwPath), 'parquet_wasm_bg.wasm')) });

let bad = 0;
for (const f of process.argv.slice(2)) {
  const problems = [];
  try {
    const table = tableFromIPC(pw.readParquet(new Uint8Array(fs.readFileSync(f))).intoIPCStream());
    const lines = fs.readFileSync(f.replace(/\.parquet$/, '.expect.jsonl'), 'utf8').split('\n').filter(Boolean);
    if (table.numRows !== lines.length) problems.push(`${table.numRows} rows, expected ${lines.length}`);
    const nulls = new Map();
    for (const line of lines) {
      // top-level nulls only: `"name":null` at depth 1
      const row = JSON.parse(line.replace(/:(-?\d{16,})/g, ':"$1"'));
      for (const [k, v] of Object.entries(row)) nulls.set(k, (nulls.get(k) ?? 0) + (v === null ? 1 : 0));
    }
    for (const field of table.schema.fields) {
      const got = table.getChild(field.name).nullCount;
      if (got !== nulls.get(field.name)) problems.push(`column ${field.name}: ${got} nulls, expected ${nulls.get(field.name)}`);
    }
  } catch (e) {
    problems.push(String(e?.message ?? e));
  }
  if (problems.length) {
    bad++;
    process.stderr.write(`arrow-rs: ${path.basename(f)}: ${problems.join('; ')}\n`);
  }
}
process.stdout.write(`arrow-rs read ${process.argv.length - 2} files, ${bad} with problems\n`);
process.exit(bad ? 1 : 0);
