#!/usr/bin/env node
// SPDX-License-Identifier: Apache-2.0
// Compares two canonical JSONL files value by value.
//
//   node compare.mjs A.jsonl B.jsonl [--label-a NAME] [--label-b NAME] [--max-diffs N]
//                    [--ignore-columns a,b] [--expect-rows N]
//
// Both files are parsed with canon.mjs's exact JSON reader (numbers keep their
// digits, objects keep key order). Rules:
//   - integers (both lexemes without '.'/exponent) compare exactly as bigints;
//     an integer lexeme against a non-integer one compares as exact decimals
//     ("1e21" equals "1000000000000000000000", "9.007199254740992e15" does not
//     equal "9007199254740993"); two non-integer lexemes compare by double
//     value ("0.1" equals "0.10"); -0 is distinct from 0 throughout
//   - objects: same keys in the same order, then values
//   - arrays: same length, then elements
//   - everything else: same JSON type and value
// --expect-rows N additionally requires both files to have N rows (guards
// against two empty outputs agreeing). --ignore-columns drops those top-level columns from both sides first (used
// only for documented peer bugs, see interop.sh).
// Exit 0 when equal, 1 on any difference (first differences printed with row,
// column, path and both values, plus a per-column count), 2 on usage/parse errors.

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { JsonNumber, parseJson, stringify } from './canon.mjs';

const INT_RE = /^-?\d+$/;

/** Exact decimal value of a JSON number lexeme: {neg, digits, exp} (digits without leading/trailing zeros). */
function exactDecimal(text) {
  const m = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/.exec(text);
  let digits = m[2] + (m[3] ?? '');
  let exp = Number(m[4] ?? 0) - (m[3] ?? '').length;
  digits = digits.replace(/^0+/, '');
  const t = digits.replace(/0+$/, '');
  exp += digits.length - t.length;
  return { neg: m[1] === '-', digits: t, exp: t ? exp : 0 };
}

function numbersEqual(a, b) {
  const ai = INT_RE.test(a.text);
  const bi = INT_RE.test(b.text);
  if (ai && bi && a.text !== '-0' && b.text !== '-0') return BigInt(a.text) === BigInt(b.text);
  if (ai !== bi || a.text === '-0' || b.text === '-0') {
    // integer lexeme vs anything else: exact decimal equality, so an integer
    // printed through a double ("9.007199254740992e15") cannot pass for
    // 9007199254740993; "-0" keeps its sign
    const x = exactDecimal(a.text);
    const y = exactDecimal(b.text);
    return x.neg === y.neg && x.digits === y.digits && x.exp === y.exp;
  }
  return Object.is(Number(a.text), Number(b.text));
}

const kind = (v) => {
  if (v === null) return 'null';
  if (v instanceof JsonNumber) return 'number';
  if (Array.isArray(v)) return 'array';
  if (v instanceof Map) return 'object';
  return typeof v;
};

const short = (v, n = 200) => {
  const s = v === undefined ? '(absent)' : stringify(v);
  return s.length > n ? `${s.slice(0, n)}...(${s.length} chars)` : s;
};

/** Returns null when equal, else {path, a, b, why}. */
export function firstDifference(a, b, p = '') {
  const ka = kind(a);
  const kb = kind(b);
  if (ka !== kb) return { path: p, a, b, why: `${ka} vs ${kb}` };
  switch (ka) {
    case 'number':
      return numbersEqual(a, b) ? null : { path: p, a, b, why: 'numbers differ' };
    case 'array': {
      for (let i = 0; i < Math.min(a.length, b.length); i++) {
        const d = firstDifference(a[i], b[i], `${p}[${i}]`);
        if (d) return d;
      }
      return a.length === b.length ? null : { path: p, a, b, why: `array length ${a.length} vs ${b.length}` };
    }
    case 'object': {
      const ka2 = [...a.keys()];
      const kb2 = [...b.keys()];
      const missing = ka2.filter((k) => !b.has(k));
      const extra = kb2.filter((k) => !a.has(k));
      if (missing.length || extra.length) {
        return {
          path: p, a, b,
          why: `keys differ: only in A [${missing.map((k) => JSON.stringify(k)).join(', ')}], only in B [${extra.map((k) => JSON.stringify(k)).join(', ')}]`,
        };
      }
      for (let i = 0; i < ka2.length; i++) {
        if (ka2[i] !== kb2[i]) {
          return { path: p, a, b, why: `key order differs at position ${i}: A has ${JSON.stringify(ka2[i])}, B has ${JSON.stringify(kb2[i])}` };
        }
      }
      for (const k of ka2) {
        const d = firstDifference(a.get(k), b.get(k), p ? `${p}.${k}` : k);
        if (d) return d;
      }
      return null;
    }
    default:
      return a === b ? null : { path: p, a, b, why: `${ka}s differ` };
  }
}

function readLines(file) {
  const text = fs.readFileSync(file, 'utf8');
  const lines = text.split('\n');
  if (lines.length && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** Compares two JSONL files; returns {equal, report: string}. */
export function compareFiles(fileA, fileB, { labelA = 'A', labelB = 'B', maxDiffs = 5, ignore = [], expectRows = null } = {}) {
  const out = [];
  const la = readLines(fileA);
  const lb = readLines(fileB);
  const parse = (line, file, n) => {
    try {
      const v = parseJson(line);
      if (ignore.length && v instanceof Map) for (const k of ignore) v.delete(k);
      return v;
    } catch (e) {
      throw new Error(`${file}:${n + 1}: ${e.message}: ${line.slice(0, 200)}`);
    }
  };
  let shown = 0;
  let rowsDiffering = 0;
  let firstRow = -1;
  const perColumn = new Map();
  const n = Math.min(la.length, lb.length);
  for (let i = 0; i < n; i++) {
    if (la[i] === lb[i]) continue; // fast path: identical text (one side always comes from stringify)
    const a = parse(la[i], fileA, i);
    const b = parse(lb[i], fileB, i);
    const d = firstDifference(a, b);
    if (!d) continue;
    rowsDiffering++;
    if (firstRow < 0) firstRow = i;
    // count every differing top-level column of this row
    if (a instanceof Map && b instanceof Map) {
      for (const k of new Set([...a.keys(), ...b.keys()])) {
        if (firstDifference(a.get(k) ?? null, b.get(k) ?? null) || a.has(k) !== b.has(k)) {
          perColumn.set(k, (perColumn.get(k) ?? 0) + 1);
        }
      }
    }
    if (shown < maxDiffs) {
      shown++;
      const col = d.path.split(/[.[]/)[0] || '(row)';
      out.push(`row ${i} (line ${i + 1}), column ${col}, at ${d.path || '(row)'}: ${d.why}`);
      out.push(`  ${labelA}: ${short(d.a)}`);
      out.push(`  ${labelB}: ${short(d.b)}`);
    }
  }
  if (la.length !== lb.length) {
    out.push(`row count differs: ${labelA} has ${la.length} rows, ${labelB} has ${lb.length}`);
    const longer = la.length > lb.length ? la : lb;
    out.push(`  first extra row (${la.length > lb.length ? labelA : labelB}, line ${n + 1}): ${longer[n].slice(0, 300)}`);
  }
  let countOk = true;
  if (expectRows !== null && (la.length !== expectRows || lb.length !== expectRows)) {
    countOk = false;
    out.push(`expected ${expectRows} rows: ${labelA} has ${la.length}, ${labelB} has ${lb.length}`);
  }
  const equal = rowsDiffering === 0 && la.length === lb.length && countOk;
  if (!equal) {
    if (rowsDiffering) {
      out.unshift(`MISMATCH ${labelA} (${fileA}) vs ${labelB} (${fileB}): ${rowsDiffering} of ${n} rows differ, first at row ${firstRow}`);
      const cols = [...perColumn].sort((x, y) => y[1] - x[1]).map(([k, c]) => `${k}(${c})`).join(', ');
      if (cols) out.push(`differing columns (rows): ${cols}`);
    } else {
      out.unshift(`MISMATCH ${labelA} (${fileA}) vs ${labelB} (${fileB})`);
    }
  }
  return { equal, report: out.join('\n'), rows: la.length };
}

async function main(argv) {
  const usage = 'usage: node compare.mjs A.jsonl B.jsonl [--label-a NAME] [--label-b NAME] [--max-diffs N] [--ignore-columns a,b] [--expect-rows N]';
  const pos = [];
  const opts = {};
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--label-a') opts.labelA = argv[++i];
    else if (argv[i] === '--label-b') opts.labelB = argv[++i];
    else if (argv[i] === '--max-diffs') opts.maxDiffs = Number(argv[++i]);
    else if (argv[i] === '--ignore-columns') opts.ignore = argv[++i].split(',').filter(Boolean);
    else if (argv[i] === '--expect-rows') opts.expectRows = Number(argv[++i]);
    else if (argv[i].startsWith('--')) { process.stderr.write(`${usage}\n`); return 2; }
    else pos.push(argv[i]);
  }
  if (pos.length !== 2) { process.stderr.write(`${usage}\n`); return 2; }
  let r;
  try {
    r = compareFiles(pos[0], pos[1], opts);
  } catch (e) {
    process.stderr.write(`compare.mjs: ${e.message}\n`);
    return 2;
  }
  if (!r.equal) { process.stderr.write(`${r.report}\n`); return 1; }
  return 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await main(process.argv.slice(2));
}
