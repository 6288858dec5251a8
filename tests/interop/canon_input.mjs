#!/usr/bin/env node
// SPDX-License-Identifier: Apache-2.0
// Independent canonicalisation of a `parquet convert` input: what SuperTable
// must store and print back for it, computed in JS from the input text and the
// declared schema (canon.mjs: parseSchema, canonFromInput).
//
//   node canon_input.mjs IN.jsonl|IN.csv (--schema 'SCHEMA' | --schema-file F) [--tstz-ns-micros]
//
// --tstz-ns-micros  truncates timestamptz_ns values toward zero to whole
//                   microseconds (printed with 9 digits, last 3 zero): what
//                   DuckDB returns for Parquet TIMESTAMP(NANOS, UTC), see dump.mjs.
// Exit 0 on success, 1 on an input that does not match the schema, 2 on usage.

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { JsonNumber, canonFromInput, canonTimestamp, daysFromCivil, parseJson, parseSchema, stringify } from './canon.mjs';
import { lineWriter } from './dump.mjs';

/** Parses RFC 4180 CSV text into rows of fields; a field is {text, quoted}. */
export function parseCsv(text) {
  const rows = [];
  let row = [];
  let i = 0;
  const n = text.length;
  let atFieldStart = true;
  while (i < n) {
    let field;
    if (text[i] === '"') {
      let s = '';
      i++;
      for (;;) {
        if (i >= n) throw new Error('CSV: unterminated quoted field');
        if (text[i] === '"') {
          if (text[i + 1] === '"') { s += '"'; i += 2; continue; }
          i++;
          break;
        }
        s += text[i++];
      }
      field = { text: s, quoted: true };
    } else {
      let j = i;
      while (j < n && text[j] !== ',' && text[j] !== '\n' && text[j] !== '\r') j++;
      field = { text: text.slice(i, j), quoted: false };
      i = j;
    }
    row.push(field);
    atFieldStart = false;
    if (i >= n) break;
    if (text[i] === ',') { i++; atFieldStart = true; if (i >= n) row.push({ text: '', quoted: false }); continue; }
    if (text[i] === '\r') i++;
    if (text[i] === '\n') i++;
    else if (i < n) throw new Error(`CSV: unexpected character after field at offset ${i}`);
    rows.push(row);
    row = [];
    atFieldStart = true;
  }
  if (row.length || !atFieldStart) rows.push(row);
  return rows;
}

/** CSV field -> the JSON-input model canonFromInput takes, by column type. */
function csvValue(f, type) {
  if (!f.quoted && f.text === '') return null;
  switch (type.t) {
    case 'boolean':
      if (f.text === 'true') return true;
      if (f.text === 'false') return false;
      return f.text; // rejected by canonFromInput
    case 'int': return new JsonNumber(f.text);
    case 'float': case 'double':
      return /^(NaN|-?Infinity)$/.test(f.text) ? f.text : new JsonNumber(f.text);
    case 'list': case 'struct': case 'map':
      throw new Error(`CSV: nested column type ${type.t} is not supported`);
    default: return f.text;
  }
}

/** Truncates every timestamptz_ns value of a canonical value toward zero to micros. */
function truncTstzNs(v, type) {
  if (v === null) return v;
  switch (type.t) {
    case 'timestamp': {
      if (!(type.tz && type.unit === 'ns')) return v;
      const m = /^(-?\d{4,})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\.(\d{9})Z$/.exec(v);
      const secs = BigInt(daysFromCivil(Number(m[1]), Number(m[2]), Number(m[3]))) * 86400n
        + BigInt(m[4]) * 3600n + BigInt(m[5]) * 60n + BigInt(m[6]);
      const ns = secs * 1000000000n + BigInt(m[7]);
      return canonTimestamp((ns / 1000n) * 1000n, 'ns', true); // BigInt '/' truncates toward zero
    }
    case 'list': return v.map((x) => truncTstzNs(x, type.element));
    case 'struct': return new Map(type.fields.map((f) => [f.name, truncTstzNs(v.get(f.name), f.type)]));
    case 'map':
      if (v instanceof Map) return new Map([...v].map(([k, x]) => [k, truncTstzNs(x, type.value)]));
      return v.map((e) => new Map([['key', truncTstzNs(e.get('key'), type.key)], ['value', truncTstzNs(e.get('value'), type.value)]]));
    default: return v;
  }
}

/** Yields canonical rows (Map) for an input file. */
export function* canonicalInputRows(file, schemaText, { tstzNsMicros = false } = {}) {
  const type = parseSchema(schemaText);
  const text = fs.readFileSync(file, 'utf8');
  const post = (row) => (tstzNsMicros ? truncTstzNs(row, type) : row);
  if (/\.csv$/i.test(file)) {
    const rows = parseCsv(text);
    if (!rows.length) throw new Error(`${file}: no header`);
    const header = rows[0].map((f) => f.text);
    for (const h of header) if (!type.fields.some((f) => f.name === h)) throw new Error(`${file}: column ${h} not in schema`);
    for (let r = 1; r < rows.length; r++) {
      if (rows[r].length !== header.length) throw new Error(`${file}:${r + 1}: ${rows[r].length} fields, header has ${header.length}`);
      const m = new Map();
      header.forEach((h, k) => m.set(h, csvValue(rows[r][k], type.fields.find((f) => f.name === h).type)));
      try {
        yield post(canonFromInput(m, type));
      } catch (e) {
        throw new Error(`${file}:${r + 1}: ${e.message}`);
      }
    }
    return;
  }
  const lines = text.split('\n');
  for (let k = 0; k < lines.length; k++) {
    if (lines[k].trim() === '') continue;
    try {
      yield post(canonFromInput(parseJson(lines[k]), type));
    } catch (e) {
      throw new Error(`${file}:${k + 1}: ${e.message}`);
    }
  }
}

function main(argv) {
  const usage = "usage: node canon_input.mjs IN.jsonl|IN.csv (--schema 'SCHEMA' | --schema-file F) [--tstz-ns-micros]";
  const pos = [];
  let schema = null;
  let tstzNsMicros = false;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--schema') schema = argv[++i];
    else if (argv[i] === '--schema-file') schema = fs.readFileSync(argv[++i], 'utf8').trim();
    else if (argv[i] === '--tstz-ns-micros') tstzNsMicros = true;
    else if (argv[i].startsWith('--')) { process.stderr.write(`${usage}\n`); return 2; }
    else pos.push(argv[i]);
  }
  if (pos.length !== 1 || !schema) { process.stderr.write(`${usage}\n`); return 2; }
  const w = lineWriter(1);
  try {
    for (const row of canonicalInputRows(pos[0], schema, { tstzNsMicros })) w.line(stringify(row));
  } catch (e) {
    w.flush();
    process.stderr.write(`canon_input.mjs: ${e.message}\n`);
    return 1;
  }
  w.flush();
  return 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = main(process.argv.slice(2));
}
