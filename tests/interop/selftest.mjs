#!/usr/bin/env node
// SPDX-License-Identifier: Apache-2.0
// Self-test of the canonicalisation code, so that a bug in canon.mjs (which
// both peers share) cannot hide a reader bug:
//   1. unit checks of every formatter against independent computations (JS Date
//      for calendars, exhaustive-style checks for float32 shortest output, ...)
//   2. with FILE (a DuckDB-written alltypes file): canon.mjs's output for every
//      scalar column is checked against DuckDB's *own* SQL formatting of the
//      same values (strftime, ::VARCHAR, base64, ...).
//
//   node selftest.mjs [ALLTYPES.parquet]

import assert from 'node:assert/strict';
import path from 'node:path';
import {
  JsonNumber, bigintFromBytesBE, canonDate, canonDecimal, canonDouble, canonFloat, canonFromInput, canonTime,
  canonTimestamp, canonUuid, civilFromDays, daysFromCivil, parseJson, parseSchema, stringify,
} from './canon.mjs';
import { firstDifference } from './compare.mjs';
import { parseCsv } from './canon_input.mjs';
import { duckdbRows } from './dump.mjs';

let checks = 0;
const eq = (a, b, msg) => { checks++; assert.deepEqual(a, b, msg); };

// --- float32 shortest representation
{
  const s = (x) => stringify(canonFloat(x));
  eq(s(0.1), '0.1');
  eq(s(1 / 3), '0.33333334');
  eq(s(16777217), '16777216');
  eq(s(3.4028234663852886e38), '3.4028235e+38');
  eq(s(2 ** -149), '1e-45');
  eq(s(2 ** -148), '3e-45');
  eq(s(1.1754942106924411e-38), '1.1754942e-38'); // largest subnormal
  eq(s(1.1754943508222875e-38), '1.1754944e-38'); // smallest normal
  eq(s(-0), '-0');
  eq(s(0), '0');
  eq(s(NaN), '"NaN"');
  eq(s(-Infinity), '"-Infinity"');
  eq(s(0.3), '0.3');
  eq(s(100), '100');
  eq(s(1e10), '10000000000');
  eq(s(33554432), '33554432');
  eq(s(2 ** 24 + 2), '16777218');
  // random float32 bit patterns: round-trips, and nothing shorter round-trips
  const f = new Float32Array(1);
  const u = new Uint32Array(f.buffer);
  let seed = 12345;
  for (let k = 0; k < 200000; k++) {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    u[0] = seed ^ (k << 7);
    const x = f[0];
    if (!Number.isFinite(x)) continue;
    const v = canonFloat(x);
    const txt = stringify(v);
    checks++;
    if (Math.fround(Number(txt)) !== x) throw new Error(`float ${x}: ${txt} does not round-trip`);
    const digits = txt.replace(/^-/, '').replace(/e.*$/, '').replace('.', '').replace(/^0+/, '').replace(/0+$/, '').length;
    if (digits > 1) {
      // every decimal with digits-1 significant digits near x must fail to round-trip
      const p = digits - 1;
      const [m, e] = x.toExponential(p - 1).split('e');
      const mm = BigInt(m.replace('.', ''));
      for (const c of [mm - 1n, mm, mm + 1n]) {
        const cand = Number(`${c}e${Number(e) - (p - 1)}`);
        if (Math.fround(cand) === x) throw new Error(`float ${x}: ${txt} is not shortest (${cand} also reads back)`);
      }
    }
  }
}

// --- doubles
eq(stringify(canonDouble(0.1)), '0.1');
eq(stringify(canonDouble(-0)), '-0');
eq(stringify(canonDouble(5e-324)), '5e-324');
eq(stringify(canonDouble(1e21)), '1e+21');
eq(stringify(canonDouble(Infinity)), '"Infinity"');

// --- calendar against JS Date (independent implementation), years 0000..9999
for (let d = -719528; d <= 2932896; d += 97) {
  const iso = new Date(d * 86400000).toISOString().slice(0, 10);
  checks++;
  if (canonDate(d) !== iso) throw new Error(`date ${d}: ${canonDate(d)} vs ${iso}`);
  const [y, m, dd] = civilFromDays(d);
  if (daysFromCivil(y, m, dd) !== d) throw new Error(`daysFromCivil(${y},${m},${dd}) != ${d}`);
}
eq(canonDate(-719162), '0001-01-01');
eq(canonDate(2932896), '9999-12-31');
eq(canonDate(-1), '1969-12-31');
for (let ms = -62135596800000; ms < 253402300799999; ms += 9876543210987) {
  const micros = BigInt(ms) * 1000n + 123n;
  const iso = new Date(ms).toISOString(); // YYYY-MM-DDTHH:MM:SS.mmmZ
  eq(canonTimestamp(micros, 'us', true), `${iso.slice(0, 23)}123Z`);
  eq(canonTimestamp(micros, 'us', false), `${iso.slice(0, 23)}123`);
}
eq(canonTimestamp(-1n, 'us'), '1969-12-31T23:59:59.999999');
eq(canonTimestamp(-1n, 'ns', true), '1969-12-31T23:59:59.999999999Z');
eq(canonTimestamp(1n, 'ms'), '1970-01-01T00:00:00.001000');
eq(canonTime(0n), '00:00:00.000000');
eq(canonTime(86399999999n), '23:59:59.999999');
eq(canonTime(1n, 'ns'), '00:00:00.000000001');
eq(canonTime(1500, 'ms'), '00:00:01.500000');

// --- decimals, two's complement, uuids
eq(canonDecimal(-1n, 2), '-0.01');
eq(canonDecimal(0n, 0), '0');
eq(canonDecimal(12300n, 3), '12.300');
eq(canonDecimal(-5n, 0), '-5');
eq(canonDecimal(10n ** 38n - 1n, 10), '9999999999999999999999999999.9999999999');
eq(bigintFromBytesBE(Uint8Array.of(0xff)), -1n);
eq(bigintFromBytesBE(Uint8Array.of(0x00, 0x80)), 128n);
eq(bigintFromBytesBE(Uint8Array.of(0x80, 0, 0, 0)), -(2n ** 31n));
eq(canonUuid(Uint8Array.from({ length: 16 }, (_, i) => i * 17)), '00112233-4455-6677-8899-aabbccddeeff');
eq(canonUuid(0xffn << 120n), 'ff000000-0000-0000-0000-000000000000');
eq(canonUuid('0123E567-E89B-12D3-A456-426614174000'), '0123e567-e89b-12d3-a456-426614174000');

// --- JSON text: exact integers, -0, key order, escapes
{
  const text = '{"10":1,"2":-9223372036854775808,"a":[1e21,-0,0.1,"x\\u0001\\n"],"b":{"":null}}';
  const v = parseJson(text);
  eq([...v.keys()], ['10', '2', 'a', 'b']);
  eq(v.get('2').text, '-9223372036854775808');
  eq(stringify(v), text);
  assert.throws(() => parseJson('{"a":1,"a":2}'));
  assert.throws(() => parseJson('{"a":1} x'));
  assert.throws(() => parseJson('"a\nb"'));
}

// --- compare rules
{
  const d = (a, b) => firstDifference(parseJson(a), parseJson(b));
  eq(d('1e21', '1000000000000000000000'), null);
  eq(d('0.1', '0.10'), null);
  assert.notEqual(d('0', '-0'), null);
  assert.notEqual(d('9007199254740993', '9007199254740992'), null);
  assert.notEqual(d('{"a":1,"b":2}', '{"b":2,"a":1}'), null);
  assert.notEqual(d('[1]', '[1,2]'), null);
  assert.notEqual(d('"1"', '1'), null);
  eq(d('{"a":[{"k":-0.0}]}', '{"a":[{"k":-0}]}'), null);
  assert.notEqual(d('9007199254740993', '9.007199254740992e15'), null);
  eq(d('9007199254740992', '9.007199254740992e15'), null);
  eq(d('5', '5.0'), null);
  assert.notEqual(d('-0', '0.0'), null);
  assert.notEqual(d('0', '-0.0'), null);
  eq(d('1e-7', '0.0000001'), null);
  checks += 9;
}

// --- schema syntax and input canonicalisation
{
  const t = parseSchema('id long not null, p decimal(10,2), tags list<string>, a struct<city: string, zip: int not null>, m map<string, int>, f fixed[4], ts timestamptz_ns');
  eq(t.fields.map((f) => f.name), ['id', 'p', 'tags', 'a', 'm', 'f', 'ts']);
  eq(t.fields[0].required, true);
  eq(t.fields[3].type.fields[1].required, true);
  eq(t.fields[5].type, { t: 'fixed', length: 4 });
  eq(t.fields[6].type, { t: 'timestamp', unit: 'ns', tz: true });
  const row = canonFromInput(parseJson('{"p":"1.5","id":7,"ts":"2024-01-02T03:04:05.1Z","f":"AAECAw==","m":{"10":1,"2":null}}'), t);
  eq(stringify(row), '{"id":7,"p":"1.50","tags":null,"a":null,"m":{"10":1,"2":null},"f":"AAECAw==","ts":"2024-01-02T03:04:05.100000000Z"}');
  assert.throws(() => canonFromInput(parseJson('{"id":1,"p":"1.555"}'), t), /fraction digits/);
  assert.throws(() => canonFromInput(parseJson('{"id":1,"a":{"city":"x"}}'), t), /required/);
  assert.throws(() => canonFromInput(parseJson('{"id":1,"f":"AAE="}'), t), /fixed/);
  eq(stringify(canonFromInput(parseJson('{"x":3.14159265358979}'), parseSchema('x float'))), '{"x":3.1415927}');
  eq(parseCsv('a,b\n"x,""y""",\n,""\n').map((r) => r.map((f) => [f.text, f.quoted])),
    [[['a', false], ['b', false]], [['x,"y"', true], ['', false]], [['', false], ['', true]]]);
}

// --- against DuckDB's own formatting
async function duckFormattingCheck(file) {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const inst = await DuckDBInstance.create(':memory:');
  const conn = await inst.connect();
  const f = `'${file.replace(/'/g, "''")}'`;
  // DuckDB spells NaN/inf differently; map to canonical names.
  const fl = (c) => `CASE WHEN isnan(${c}) THEN 'NaN' WHEN ${c} = 'inf'::DOUBLE THEN 'Infinity' WHEN ${c} = '-inf'::DOUBLE THEN '-Infinity' ELSE ${c}::VARCHAR END`;
  const exprs = {
    id: 'id::VARCHAR',
    c_bool: 'c_bool::VARCHAR',
    c_tinyint: 'c_tinyint::VARCHAR',
    c_bigint: 'c_bigint::VARCHAR',
    c_ubigint: 'c_ubigint::VARCHAR',
    c_uinteger: 'c_uinteger::VARCHAR',
    c_float: fl('c_float'),
    c_double: fl('c_double'),
    c_dec4_2: 'c_dec4_2::VARCHAR',
    c_dec18_6: 'c_dec18_6::VARCHAR',
    c_dec38_10: 'c_dec38_10::VARCHAR',
    c_date: "strftime(c_date, '%Y-%m-%d')",
    c_time: "strftime(DATE '2000-01-01' + c_time, '%H:%M:%S.%f')",
    c_ts: "strftime(c_ts, '%Y-%m-%dT%H:%M:%S.%f')",
    c_ts_ns: "strftime(c_ts_ns, '%Y-%m-%dT%H:%M:%S.%n')",
    c_tstz: "strftime(c_tstz::TIMESTAMP, '%Y-%m-%dT%H:%M:%S.%fZ')",
    c_varchar: 'c_varchar',
    c_blob: 'base64(c_blob)',
    c_uuid: 'c_uuid::VARCHAR',
  };
  const names = Object.keys(exprs);
  const r = await conn.runAndReadAll(`SELECT ${names.map((n) => `${exprs[n]} AS ${n}`).join(', ')} FROM read_parquet(${f})`);
  const duckRows = r.getRowObjects();
  let i = 0;
  for await (const row of duckdbRows(file, { columns: names.join(',') })) {
    const want = duckRows[i];
    for (const n of names) {
      const ours = row.get(n);
      const theirs = want[n];
      checks++;
      if (ours === null || theirs === null) {
        if (ours !== theirs) throw new Error(`row ${i} ${n}: ours ${stringify(ours)} vs DuckDB ${theirs}`);
        continue;
      }
      let ok;
      if (typeof ours === 'number') ok = Object.is(Number(theirs), ours) || (Object.is(ours, -0) && theirs === '-0.0');
      else if (typeof ours === 'bigint') ok = ours.toString() === theirs;
      else if (typeof ours === 'boolean') ok = String(ours) === theirs;
      else ok = ours === theirs;
      if (!ok) throw new Error(`row ${i} ${n}: ours ${stringify(ours)} vs DuckDB ${theirs}`);
    }
    i++;
  }
  if (i !== duckRows.length || i === 0) throw new Error(`row count ${i} vs ${duckRows.length}`);
  return i;
}

const file = process.argv[2];
let extra = '';
if (file) {
  const n = await duckFormattingCheck(path.resolve(file));
  extra = `; ${n} rows formatted identically to DuckDB's SQL formatting`;
}
process.stdout.write(`selftest: ${checks} checks passed${extra}\n`);
