#!/usr/bin/env node
// SPDX-License-Identifier: Apache-2.0
// Deterministic input files for `supertable parquet convert`, covering every
// Iceberg type, nested ones included, NULLs at varying density and edge values.
//
//   node gen_jsonl.mjs OUTPREFIX [--rows N] [--strict]
//
// Writes
//   OUTPREFIX.jsonl        rows, one JSON object per line
//   OUTPREFIX.schema       the matching --schema string (one line)
//   OUTPREFIX.csv          the flat (non-nested) columns as CSV, with a header
//   OUTPREFIX.csv.schema   the --schema string for the CSV
//
// Values are written in the canonical form (canon.mjs) except on some rows
// that use the leniencies canon.mjs's canonFromInput documents (keys out of
// order, missing keys for NULL, decimals with fewer fraction digits, timestamps
// and times with fewer fraction digits, upper-case UUIDs, floats with more
// digits than a float32 holds). --strict writes only the canonical form.
//
// CSV conventions (what `parquet convert` must accept): RFC 4180, ',' separator,
// '\n' line ends, a header row with the column names; a field is quoted when it
// holds ',', '"', CR or LF or is the empty string; an empty *unquoted* field is
// NULL and "" is the empty string; scalars are spelled as in canonical JSONL
// without JSON quoting (true, 12.30, 2024-01-02T03:04:05.000000Z, base64...).

import fs from 'node:fs';
import { JsonNumber, canonDate, canonTime, canonTimestamp, canonUuid, stringify } from './canon.mjs';

export const SCHEMA = [
  'id long not null',
  'b boolean',
  'i int',
  'l long',
  'f float',
  'd double',
  'dec_small decimal(9,2)',
  'dec_mid decimal(18,6)',
  'dec_big decimal(38,10)',
  'dt date',
  'tm time',
  'ts timestamp',
  'tstz timestamptz',
  'tsns timestamp_ns',
  'tstzns timestamptz_ns',
  's string',
  'u uuid',
  'fx fixed[16]',
  'bin binary',
  'tags list<string>',
  'longs list<long>',
  'addr struct<city: string, zip: int, geo: struct<lat: double, lon: double>>',
  'attrs map<string, int>',
  'imap map<int, string>',
  'nested list<struct<k: string, v: list<decimal(10,2)>>>',
  'mlist map<string, list<timestamptz>>',
  'req_s string not null',
  'req_struct struct<a: int not null, b: string>',
].join(', ');

export const CSV_SCHEMA = [
  'id long not null', 'b boolean', 'i int', 'l long', 'f float', 'd double', 'dec_mid decimal(18,6)',
  'dt date', 'tm time', 'ts timestamp', 'tstz timestamptz', 'tsns timestamp_ns', 's string', 'u uuid', 'bin binary',
].join(', ');
const CSV_COLUMNS = CSV_SCHEMA.split(', ').map((c) => c.split(' ')[0]);

// mulberry32: small, deterministic PRNG (same sequence on every platform).
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const N = (x) => new JsonNumber(typeof x === 'bigint' ? x.toString() : String(x));

export function generate(rows, strict = false) {
  const rnd = prng(20240102);
  const int = (lo, hi) => lo + Math.floor(rnd() * (hi - lo + 1)); // inclusive, |range| < 2^53
  const big = (bits) => {
    let v = 0n;
    for (let k = 0; k < bits; k += 16) v = (v << 16n) | BigInt(int(0, 0xffff));
    return BigInt.asIntN(bits, v);
  };
  const pick = (arr) => arr[int(0, arr.length - 1)];
  const bytes = (n) => Buffer.from(Array.from({ length: n }, () => int(0, 255)));
  const out = [];
  for (let r = 0; r < rows; r++) {
    const edge = r < 24 ? r : -1; // first rows carry edge values
    const lenient = !strict && r % 17 === 5;
    const nul = (p) => edge < 0 && rnd() < p;
    const row = new Map();
    row.set('id', N(r));
    row.set('b', nul(0.1) ? null : edge >= 0 ? edge % 2 === 0 : rnd() < 0.5);
    row.set('i', nul(0.15) ? null : N(edge >= 0 ? [-2147483648, 2147483647, 0, -1][edge % 4] : int(-2147483648, 2147483647)));
    row.set('l', nul(0.2) ? null : N(edge >= 0
      ? ['-9223372036854775808', '9223372036854775807', '0', '-1', '9007199254740993', '-9007199254740993'][edge % 6]
      : big(64)));
    {
      const edges = ['NaN', 'Infinity', '-Infinity', N('-0'), N('3.4028235e38'), N('1.4e-45'), N('0.1'), N('16777217'), N('1e10'), N('-1.17549435e-38')];
      let v;
      if (edge >= 0) v = edges[edge % edges.length];
      else if (lenient) v = N((rnd() * 2e6 - 1e6).toString()); // more digits than float32 keeps
      else v = N(Math.fround(int(-1e6, 1e6) / 64).toString());
      row.set('f', nul(0.1) ? null : v);
    }
    {
      const edges = ['NaN', 'Infinity', '-Infinity', N('-0'), N('1.7976931348623157e308'), N('5e-324'),
        N('2.2250738585072014e-308'), N('0.1'), N('1e21'), N('1e-7'), N('123456789012345680000'), N('9007199254740993')];
      const v = edge >= 0 ? edges[edge % edges.length] : N(((rnd() - 0.5) * 10 ** int(-20, 20)).toString());
      row.set('d', nul(0.1) ? null : v);
    }
    const decimal = (p, s, edges) => {
      if (edge >= 0) return edges[edge % edges.length];
      const digits = Array.from({ length: int(1, p) }, () => int(0, 9)).join('').replace(/^0+(?=\d)/, '');
      const padded = digits.padStart(s + 1, '0');
      let txt = `${rnd() < 0.5 ? '-' : ''}${padded.slice(0, padded.length - s)}${s ? `.${padded.slice(padded.length - s)}` : ''}`;
      if (/^-0(\.0*)?$/.test(txt)) txt = txt.slice(1);
      if (lenient && s && txt.endsWith('0')) txt = txt.replace(/\.?0+$/, ''); // "1.50" -> "1.5", "2.00" -> "2"
      return txt;
    };
    row.set('dec_small', nul(0.1) ? null : decimal(9, 2, ['9999999.99', '-9999999.99', '0.00', '-0.01', '12.30']));
    row.set('dec_mid', nul(0.15) ? null : decimal(18, 6, ['999999999999.999999', '-999999999999.999999', '0.000001', '9007199254.740993']));
    row.set('dec_big', nul(0.2) ? null : decimal(38, 10, ['9999999999999999999999999999.9999999999', '-9999999999999999999999999999.9999999999', '0.0000000001', '-170141183460469231731.6873037158']));
    row.set('dt', nul(0.1) ? null : edge >= 0
      ? ['0001-01-01', '9999-12-31', '1969-12-31', '1970-01-01', '2000-02-29', '1582-10-10', '1900-03-01'][edge % 7]
      : canonDate(int(-60000, 60000)));
    {
      let v = edge >= 0 ? ['00:00:00.000000', '23:59:59.999999', '12:00:00.000001'][edge % 3] : canonTime(BigInt(int(0, 86399999999)));
      if (lenient) v = v.replace(/0+$/, '').replace(/\.$/, '');
      row.set('tm', nul(0.1) ? null : v);
    }
    const tsMicros = () => BigInt(int(-2208988800, 4102444800)) * 1000000n + BigInt(int(0, 999999));
    {
      let v = edge >= 0
        ? ['0001-01-01T00:00:00.000000', '9999-12-31T23:59:59.999999', '1969-12-31T23:59:59.999999', '1970-01-01T00:00:00.000000'][edge % 4]
        : canonTimestamp(tsMicros(), 'us', false);
      if (lenient) v = v.replace(/0+$/, '').replace(/\.$/, '');
      row.set('ts', nul(0.1) ? null : v);
    }
    {
      let v = edge >= 0
        ? ['0001-01-01T00:00:00.000000Z', '9999-12-31T23:59:59.999999Z', '1969-12-31T23:59:59.999999Z', '2024-01-02T03:04:05.000000Z'][edge % 4]
        : canonTimestamp(tsMicros(), 'us', true);
      if (lenient) v = v.replace(/\.?0+Z$/, 'Z');
      row.set('tstz', nul(0.1) ? null : v);
    }
    const tsNanos = () => BigInt(int(-9000000000, 9000000000)) * 1000000000n + BigInt(int(0, 999999999));
    row.set('tsns', nul(0.1) ? null : edge >= 0
      ? ['1970-01-01T00:00:00.000000001', '1969-12-31T23:59:59.999999999', '2262-04-11T23:47:16.854775806', '1677-09-21T00:12:43.145224194'][edge % 4]
      : canonTimestamp(tsNanos(), 'ns', false));
    row.set('tstzns', nul(0.1) ? null : edge >= 0
      ? ['1970-01-01T00:00:00.000000001Z', '1969-12-31T23:59:59.999999999Z', '2024-01-02T03:04:05.123456789Z'][edge % 3]
      : canonTimestamp(tsNanos(), 'ns', true));
    const strEdges = ['', 'héllo wörld', '日本語テキスト', '🦆🦆 duck', 'quote " backslash \\ slash /', 'ctl \u0001\u001f tab\t nl\n cr\r',
      'x'.repeat(1000), 'sep\u2028\u2029!', ' padded ', 'a,b', 'NaN', 'null', '"quoted"'];
    row.set('s', nul(0.1) ? null : edge >= 0 ? strEdges[edge % strEdges.length] : `s${int(0, 1e9)}${'ü'.repeat(int(0, 3))}`);
    {
      let v = edge >= 0
        ? ['00000000-0000-0000-0000-000000000000', 'ffffffff-ffff-ffff-ffff-ffffffffffff', '80000000-0000-0000-0000-000000000000'][edge % 3]
        : canonUuid(bytes(16));
      if (lenient) v = v.toUpperCase();
      row.set('u', nul(0.1) ? null : v);
    }
    row.set('fx', nul(0.1) ? null : (edge >= 0 ? [Buffer.alloc(16), Buffer.alloc(16, 0xff)][edge % 2] : bytes(16)).toString('base64'));
    row.set('bin', nul(0.1) ? null : (edge >= 0
      ? [Buffer.alloc(0), Buffer.from([0]), Buffer.from(Array.from({ length: 256 }, (_, k) => k))][edge % 3]
      : bytes(int(0, 40))).toString('base64'));
    row.set('tags', nul(0.1) ? null : edge >= 0
      ? [[], [null], ['', null, 'ü'], ['a']][edge % 4]
      : Array.from({ length: int(0, 4) }, () => (rnd() < 0.15 ? null : `t${int(0, 99)}`)));
    row.set('longs', nul(0.1) ? null : edge >= 0
      ? [[], [N('-9223372036854775808'), N('9223372036854775807')], [null, N(0)]][edge % 3]
      : Array.from({ length: int(0, 5) }, () => (rnd() < 0.1 ? null : N(big(64)))));
    {
      let v = null;
      if (!nul(0.15)) {
        if (edge >= 0 && edge % 3 === 0) v = new Map([['city', null], ['zip', null], ['geo', null]]);
        else if (edge >= 0 && edge % 3 === 1) v = new Map([['city', ''], ['zip', N(0)], ['geo', new Map([['lat', null], ['lon', null]])]]);
        else {
          v = new Map([
            ['city', rnd() < 0.1 ? null : pick(['Paris', 'Zürich', '東京', 'São Paulo'])],
            ['zip', rnd() < 0.1 ? null : N(int(0, 99999))],
            ['geo', rnd() < 0.2 ? null : new Map([['lat', N((rnd() * 180 - 90).toString())], ['lon', rnd() < 0.1 ? null : N((rnd() * 360 - 180).toString())]])],
          ]);
          if (lenient) {
            // keys out of order, a NULL field left out
            const geo = v.get('geo');
            v = new Map([['geo', geo], ['city', v.get('city')]]);
          }
        }
      }
      row.set('addr', v);
    }
    row.set('attrs', nul(0.15) ? null : edge >= 0
      ? [new Map(), new Map([['10', N(1)], ['2', N(2)], ['1', null]]), new Map([['', null]]), new Map([['z', N(26)], ['a', N(1)]])][edge % 4]
      : new Map(Array.from({ length: int(0, 3) }, (_, k) => [`k${k}_${int(0, 9)}`, rnd() < 0.2 ? null : N(int(-1000, 1000))])));
    row.set('imap', nul(0.15) ? null : edge >= 0
      ? [[], [[3, 'c'], [1, 'a'], [2, null]], [[-2147483648, 'min']]][edge % 3].map(([k, x]) => new Map([['key', N(k)], ['value', x]]))
      : Array.from({ length: int(0, 3) }, (_, k) => new Map([['key', N(k * 1000 + int(0, 999))], ['value', rnd() < 0.2 ? null : `v${k}`]])));
    row.set('nested', nul(0.15) ? null : edge >= 0
      ? [[], [null], [new Map([['k', null], ['v', null]])], [new Map([['k', 'a'], ['v', []]]), new Map([['k', 'b'], ['v', [null, '-0.01', '99999999.99']]])]][edge % 4]
      : Array.from({ length: int(0, 3) }, () => (rnd() < 0.1 ? null : new Map([
        ['k', `k${int(0, 9)}`],
        ['v', rnd() < 0.1 ? null : Array.from({ length: int(0, 3) }, () => (rnd() < 0.1 ? null : `${int(-99999, 99999)}.${String(int(0, 99)).padStart(2, '0')}`))],
      ]))));
    row.set('mlist', nul(0.15) ? null : edge >= 0
      ? [new Map(), new Map([['a', []], ['b', null], ['c', [null]]])][edge % 2]
      : new Map(Array.from({ length: int(0, 2) }, (_, k) => [`m${k}`, rnd() < 0.2 ? null : Array.from({ length: int(0, 2) }, () => canonTimestamp(tsMicros(), 'us', true))])));
    row.set('req_s', edge >= 0 ? ['', 'req'][edge % 2] : `r${r}`);
    row.set('req_struct', nul(0.2) ? null : new Map([['a', N(edge >= 0 ? -1 : int(-100, 100))], ['b', rnd() < 0.3 ? null : `b${r}`]]));

    if (lenient) {
      // NULL columns left out, remaining keys in reverse order
      const keys = [...row.keys()].reverse();
      const shuffled = new Map();
      for (const k of keys) if (row.get(k) !== null || k === 'id') shuffled.set(k, row.get(k));
      out.push(shuffled);
    } else out.push(row);
  }
  return out;
}

const csvField = (v) => {
  if (v === null || v === undefined) return '';
  const s = v instanceof JsonNumber ? v.text : typeof v === 'boolean' ? String(v) : String(v);
  if (s === '' || /[",\r\n]/.test(s)) return `"${s.replace(/"/g, '""')}"`;
  return s;
};

function main(argv) {
  const pos = [];
  let rows = 2000;
  let strict = false;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--rows') rows = Number(argv[++i]);
    else if (argv[i] === '--strict') strict = true;
    else pos.push(argv[i]);
  }
  if (pos.length !== 1 || !(rows > 0)) {
    process.stderr.write('usage: node gen_jsonl.mjs OUTPREFIX [--rows N] [--strict]\n');
    return 2;
  }
  const prefix = pos[0];
  const data = generate(rows, strict);
  fs.writeFileSync(`${prefix}.jsonl`, data.map((r) => `${stringify(r)}\n`).join(''));
  fs.writeFileSync(`${prefix}.schema`, `${SCHEMA}\n`);
  const csv = [CSV_COLUMNS.join(',')];
  for (const r of data) csv.push(CSV_COLUMNS.map((c) => csvField(r.get(c) ?? null)).join(','));
  fs.writeFileSync(`${prefix}.csv`, `${csv.join('\n')}\n`);
  fs.writeFileSync(`${prefix}.csv.schema`, `${CSV_SCHEMA}\n`);
  return 0;
}

if (process.argv[1] && process.argv[1].endsWith('gen_jsonl.mjs')) process.exitCode = main(process.argv.slice(2));
