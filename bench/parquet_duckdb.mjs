#!/usr/bin/env node
// SPDX-License-Identifier: Apache-2.0
// DuckDB side of the Parquet benchmark (bench/README.md), with the same
// command-line interface as SuperTable's bench/bench_parquet:
//
//   node bench/parquet_duckdb.mjs write    --codec zstd|snappy --rows N --threads T --row-group-rows R --out FILE
//   node bench/parquet_duckdb.mjs read-all --threads T --out FILE
//   node bench/parquet_duckdb.mjs read-one --threads T --out FILE
//     -> one line: seconds=<float> bytes=<int> check=<...>
// read-all and read-one take --out several times to read several files as one
// table (read_parquet([...]); bytes is then their total): bench/planning.sh
// reads an Iceberg table's data files this way.
//
// and helpers for run.sh and planning.sh:
//   node bench/parquet_duckdb.mjs expect --rows N        expected check values (from the formulas, in JS)
//   node bench/parquet_duckdb.mjs version                "DuckDB v1.x.y (@duckdb/node-api, Node vN)"
//   node bench/parquet_duckdb.mjs report --tsv F --out F.md [--rows N --threads T --runs K --row-group-rows R
//                                        --st-version S --st-built 0|1]
//
// @duckdb/node-api is loaded from tests/interop/node_modules (tools/install-node-deps.sh).

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

const SRC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

async function loadDuckDB() {
  const req = createRequire(path.join(SRC, 'tests', 'interop', 'package.json'));
  return import(pathToFileURL(req.resolve('@duckdb/node-api')).href);
}

const q = (s) => `'${s.replace(/'/g, "''")}'`;

// The data, as DuckDB SQL (formulas documented once, in bench/README.md).
export function dataSql(rows) {
  return `SELECT
      range::BIGINT AS id,
      ((range * 7919) % 1000003 - 500000)::INTEGER AS a,
      ((range * 2654435761) % 4294967296)::DOUBLE / 4096.0::DOUBLE AS b,
      'value_' || lpad((range % 20)::VARCHAR, 2, '0') AS s,
      make_timestamp(1704067200000000 + range * 1000000) AS t
    FROM range(${Number(rows)})`;
}

// f: one file, or an array of files read as one table
const src = (f) => (Array.isArray(f) ? `read_parquet([${f.map(q).join(', ')}])` : `read_parquet(${q(f)})`);
const READ_ALL = (f) => `SELECT count(*), sum(id), sum(a), min(b), max(b), sum(length(s)), max(t) FROM ${src(f)}`;
const READ_ONE = (f) => `SELECT count(*), min(b), max(b), sum(b) FROM ${src(f)}`;

const num = (v) => (typeof v === 'object' && v !== null && 'micros' in v ? v.micros.toString() : String(v));

async function connect(threads) {
  const duckdb = await loadDuckDB();
  const inst = await duckdb.DuckDBInstance.create(':memory:', { threads: String(threads) });
  return { duckdb, conn: await inst.connect() };
}

async function opWrite(o) {
  const { conn } = await connect(o.threads);
  await conn.run(`CREATE TABLE bench AS ${dataSql(o.rows)}`); // not timed
  fs.rmSync(o.out, { force: true });
  const opts = ['FORMAT parquet', `COMPRESSION ${q(o.codec)}`, `ROW_GROUP_SIZE ${Number(o.rowGroupRows)}`];
  const t0 = process.hrtime.bigint();
  await conn.run(`COPY bench TO ${q(o.out)} (${opts.join(', ')})`);
  const t1 = process.hrtime.bigint();
  return { seconds: Number(t1 - t0) / 1e9, check: String(o.rows) };
}

async function opRead(o, all) {
  const { conn } = await connect(o.threads);
  const t0 = process.hrtime.bigint();
  const r = await conn.runAndReadAll(all ? READ_ALL(o.out) : READ_ONE(o.out));
  const row = r.getRows()[0];
  const t1 = process.hrtime.bigint();
  const vals = all ? row.map(num) : row.slice(0, 3).map(num);
  return { seconds: Number(t1 - t0) / 1e9, check: vals.join(':') };
}

/** Expected check values from the formulas (independent of any engine). */
export function expected(rows) {
  let sumA = 0;
  let minB = Infinity;
  let maxB = -Infinity;
  for (let i = 0; i < rows; i++) {
    sumA += ((i * 7919) % 1000003) - 500000; // i * 7919 < 2^53 for rows < 1.1e12
    const k = Math.imul(i, 2654435761 | 0) >>> 0; // low 32 bits of i * 2654435761
    const b = k / 4096;
    if (b < minB) minB = b;
    if (b > maxB) maxB = b;
  }
  const n = BigInt(rows);
  return {
    write: `${rows}`,
    'read-all': [n, (n * (n - 1n)) / 2n, BigInt(sumA), minB, maxB, 8n * n, 1704067200000000n + (n - 1n) * 1000000n].join(':'),
    'read-one': [n, minB, maxB].join(':'),
  };
}

function checksEqual(got, want) {
  const g = String(got).split(':');
  const w = String(want).split(':');
  if (g.length !== w.length) return false;
  return g.every((x, k) => (/^-?\d+$/.test(x) && /^-?\d+$/.test(w[k]) ? BigInt(x) === BigInt(w[k]) : Number(x) === Number(w[k])));
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

function parseResultLine(line) {
  const out = {};
  for (const m of line.matchAll(/(\w+)=(\S+)/g)) out[m[1]] = m[2];
  return out;
}

async function report(o) {
  const lines = fs.existsSync(o.tsv) ? fs.readFileSync(o.tsv, 'utf8').split('\n').filter(Boolean) : [];
  // engine codec op source run line
  const groups = new Map();
  for (const l of lines) {
    const [engine, codec, op, source, , ...rest] = l.split('\t');
    const r = parseResultLine(rest.join('\t'));
    const key = `${engine}|${codec}|${op}|${source}`;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(r);
  }
  const get = (engine, codec, op, source) => {
    const g = groups.get(`${engine}|${codec}|${op}|${source}`);
    if (!g || !g.length) return null;
    return { seconds: median(g.map((r) => Number(r.seconds))), bytes: Number(g[0].bytes), checks: g.map((r) => r.check), n: g.length };
  };
  const want = expected(o.rows);
  const checkProblems = [];
  for (const [key, g] of groups) {
    const [engine, codec, op, source] = key.split('|');
    for (const r of g) {
      if (!checksEqual(r.check, want[op])) checkProblems.push(`${engine} ${op} (${codec}, ${source}'s file): check=${r.check}, expected ${want[op]}`);
    }
  }
  const fmtS = (x) => (x === null ? '—' : x.toFixed(3));
  const fmtMB = (x) => (x === null ? '—' : (x / 1e6).toFixed(2));
  const ratio = (duck, st) => (duck === null || st === null || st === 0 ? '—' : (duck / st).toFixed(2));
  const rows = [];
  const codecs = [...new Set(lines.map((l) => l.split('\t')[1]))];
  for (const codec of codecs) {
    const add = (label, st, duck, fmt = fmtS) => rows.push(`| ${codec}: ${label} | ${fmt(st)} | ${fmt(duck)} | ${ratio(duck, st)} |`);
    const wS = get('supertable', codec, 'write', 'supertable');
    const wD = get('duckdb', codec, 'write', 'duckdb');
    add('write (s)', wS?.seconds ?? null, wD?.seconds ?? null);
    add('file size (MB)', wS?.bytes ?? null, wD?.bytes ?? null, fmtMB);
    for (const [op, label] of [['read-all', 'read all columns'], ['read-one', 'read one column (b)']]) {
      add(`${label}, DuckDB's file (s)`, get('supertable', codec, op, 'duckdb')?.seconds ?? null, get('duckdb', codec, op, 'duckdb')?.seconds ?? null);
    }
    for (const [op, label] of [['read-all', 'read all columns'], ['read-one', 'read one column (b)']]) {
      const st = get('supertable', codec, op, 'supertable');
      const du = get('duckdb', codec, op, 'supertable');
      if (st || du) add(`${label}, SuperTable's file (s)`, st?.seconds ?? null, du?.seconds ?? null);
    }
  }
  const cpu = (() => {
    try {
      const m = /^model name\s*:\s*(.*)$/m.exec(fs.readFileSync('/proc/cpuinfo', 'utf8'));
      return m ? m[1].trim() : os.cpus()[0]?.model ?? 'unknown';
    } catch { return os.cpus()[0]?.model ?? 'unknown'; }
  })();
  const duckdb = await loadDuckDB();
  const md = [
    '# Parquet benchmark: SuperTable vs DuckDB',
    '',
    `Generated by \`bench/run.sh\` on ${new Date().toISOString().replace(/\.\d+Z$/, 'Z')}. Data, operations and method: \`bench/README.md\`.`,
    '',
    `- rows: ${o.rows.toLocaleString('en-US')} (id long, a int, b double, s string of 20 distinct values, t timestamp); row groups of ${o.rowGroupRows.toLocaleString('en-US')} rows`,
    `- threads: ${o.threads} for both engines (machine has ${os.cpus().length} logical CPUs)`,
    `- CPU: ${cpu}; RAM ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB; ${os.type()} ${os.release()}; load average when the report was written: ${os.loadavg().map((x) => x.toFixed(2)).join(', ')} (other work on the machine skews the figures)`,
    `- DuckDB ${duckdb.version()} (@duckdb/node-api, Node ${process.version})`,
    `- SuperTable: ${o.stBuilt ? o.stVersion || 'built' : 'SuperTable side not built yet (bench/bench_parquet missing)'}`,
    `- each figure: median of ${o.runs} runs, each run a fresh process; times are wall-clock seconds of the operation only`,
    '',
    '| metric | SuperTable | DuckDB | ratio DuckDB/SuperTable (>1 = we\'re faster/smaller) |',
    '|---|---:|---:|---:|',
    ...rows,
    '',
    checkProblems.length
      ? `**Result checks FAILED** (aggregates differ from the values computed from the formulas):\n\n${checkProblems.map((p) => `- ${p}`).join('\n')}`
      : 'Result checks: every run of every engine returned the aggregates computed independently from the formulas.',
    '',
  ].join('\n');
  fs.mkdirSync(path.dirname(o.outMd), { recursive: true });
  fs.writeFileSync(o.outMd, md);
  process.stdout.write(md);
  return checkProblems.length ? 1 : 0;
}

async function main(argv) {
  const cmd = argv[0];
  const o = { rows: 10000000, threads: os.cpus().length, rowGroupRows: 122880, runs: 3, codec: 'zstd', stBuilt: false, stVersion: '' };
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i];
    const v = () => argv[++i];
    if (a === '--rows') o.rows = Number(v());
    else if (a === '--threads') o.threads = Number(v());
    else if (a === '--row-group-rows') o.rowGroupRows = Number(v());
    else if (a === '--codec') o.codec = v();
    else if (a === '--out') { o.out = o.outMd = v(); (o.outs ??= []).push(o.out); }
    else if (a === '--tsv') o.tsv = v();
    else if (a === '--runs') o.runs = Number(v());
    else if (a === '--st-version') o.stVersion = v();
    else if (a === '--st-built') o.stBuilt = v() === '1';
    else { process.stderr.write(`parquet_duckdb.mjs: unknown option ${a}\n`); return 2; }
  }
  if (cmd === 'expect') { process.stdout.write(`${JSON.stringify(expected(o.rows))}\n`); return 0; }
  if (cmd === 'report') return report(o);
  if (cmd === 'version') {
    const duckdb = await loadDuckDB();
    process.stdout.write(`DuckDB ${duckdb.version()} (@duckdb/node-api, Node ${process.version})\n`);
    return 0;
  }
  if (!['write', 'read-all', 'read-one'].includes(cmd) || !o.out) {
    process.stderr.write('usage: node bench/parquet_duckdb.mjs write|read-all|read-one --out FILE [--codec C --rows N --threads T --row-group-rows R]\n');
    return 2;
  }
  let r;
  if (o.outs.length > 1 && cmd === 'write') {
    process.stderr.write('parquet_duckdb.mjs: write takes one --out\n');
    return 2;
  }
  if (cmd === 'write') r = await opWrite({ ...o, out: path.resolve(o.out) });
  else r = await opRead({ ...o, out: o.outs.length > 1 ? o.outs.map((f) => path.resolve(f)) : path.resolve(o.out) }, cmd === 'read-all');
  const bytes = o.outs.reduce((n, f) => n + fs.statSync(f).size, 0);
  process.stdout.write(`seconds=${r.seconds.toFixed(6)} bytes=${bytes} check=${r.check}\n`);
  return 0;
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (e) {
  process.stderr.write(`parquet_duckdb.mjs: ${e.stack || e.message}\n`);
  process.exitCode = 1;
}
