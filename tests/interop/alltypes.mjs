// SPDX-License-Identifier: Apache-2.0
// The "alltypes" table: a deterministic DuckDB SQL query over range(N) that
// produces every DuckDB type that maps onto an Iceberg type, nested combos,
// edge values and NULLs at varying density. Used by gen_duckdb_files.mjs.
//
// Determinism: every value is a pure function of the row number i, computed
// with integer arithmetic (HUGEINT where 64 bits could overflow) and string
// building; no random(), no hash() (whose result is not stable across DuckDB
// versions), no current_* functions. Run with threads=1 and TimeZone=UTC.
//
// Layout of each column: rows with (i % 250) < 16 carry that column's edge
// values (cycled), so every row group holds every edge value; other rows are
// NULL at a density specific to the column, else an ordinary value.

/** Null condition for column number k: density 1/d with a column-specific phase. */
function nullIf(k, d) {
  return `((i * ${2 * k + 1} + ${k * 7}) % ${d} = 0)`;
}

/**
 * Builds `CASE` for one column: edges first (if any), then NULLs, then the ordinary value.
 * `edges` are SQL expressions; they are cycled over the 16 edge rows of each 250-row block.
 */
function col(k, density, normal, edges = []) {
  const parts = ['CASE'];
  if (edges.length) {
    for (let e = 0; e < 16; e++) parts.push(`WHEN i % 250 = ${e} THEN ${edges[e % edges.length]}`);
  }
  if (density > 0) parts.push(`WHEN ${nullIf(k, density)} THEN NULL`);
  if (parts.length === 1) return normal;
  parts.push(`ELSE ${normal} END`);
  return parts.join(' ');
}

/** A deterministic pseudo-random non-negative integer in [0, mod) from row i and a salt (HUGEINT math). */
function rnd(salt, mod) {
  return `((i::HUGEINT * 6364136223846793005 + ${salt}::HUGEINT * 1442695040888963407 + 12345) % 18446744073709551557 % ${mod})`;
}

/** Exact decimal literal built as a string: sign, integer digits, fraction digits. */
function dec(p, s, intExpr, fracExpr, negExpr) {
  return `CAST((CASE WHEN ${negExpr} THEN '-' ELSE '' END) || (${intExpr})::VARCHAR || '.' || lpad((${fracExpr})::VARCHAR, ${s}, '0') AS DECIMAL(${p},${s}))`;
}

const q = (s) => `'${s.replace(/'/g, "''")}'`;

// Column list: [name, SQL type, expression]. Column number k drives the null phase.
export function alltypesColumns() {
  const cols = [];
  let k = 0;
  const add = (name, type, density, normal, edges) => {
    k++;
    cols.push([name, type, `(${col(k, density, normal, edges)})::${type}`]);
  };
  cols.push(['id', 'BIGINT', 'i::BIGINT']);
  add('c_bool', 'BOOLEAN', 7, `${rnd(1, 7)} < 3`, ['true', 'false']);
  add('c_tinyint', 'TINYINT', 5, `${rnd(2, 256)} - 128`, ['-128', '127', '0', '-1']);
  add('c_smallint', 'SMALLINT', 11, `${rnd(3, 65536)} - 32768`, ['-32768', '32767', '0', '-1']);
  add('c_int', 'INTEGER', 3, `${rnd(4, 4294967296)} - 2147483648`, ['-2147483648', '2147483647', '0', '-1']);
  add('c_bigint', 'BIGINT', 13,
    `${rnd(5, '18446744073709551616')} - 9223372036854775808`,
    ['-9223372036854775808', '9223372036854775807', '0', '-1', '9007199254740993', '-9007199254740993', '9007199254740992']);
  add('c_utinyint', 'UTINYINT', 17, rnd(6, 256), ['0', '255', '128']);
  add('c_usmallint', 'USMALLINT', 19, rnd(7, 65536), ['0', '65535', '32768']);
  add('c_uinteger', 'UINTEGER', 23, rnd(8, 4294967296), ['0', '4294967295', '2147483648']);
  add('c_ubigint', 'UBIGINT', 29, rnd(9, '18446744073709551616'),
    ['0', '18446744073709551615', '9223372036854775808', '9007199254740993']);
  // FLOAT: values with many digits so float32 shortest-repr matters.
  add('c_float', 'FLOAT', 9, `(${rnd(10, 2000001)} - 1000000) / 37.0`,
    ["'NaN'", "'Infinity'", "'-Infinity'", "'-0.0'", '3.4028235e38', '-3.4028235e38', '1.4e-45',
      '1.17549435e-38', '0.1', '16777217', '0.0', '1e10']);
  add('c_double', 'DOUBLE', 8, `(${rnd(11, 2000000001)} - 1000000000) / 7.0 * pow(10, ${rnd(12, 40)} - 20)`,
    ["'NaN'", "'Infinity'", "'-Infinity'", "'-0.0'", '1.7976931348623157e308', '-1.7976931348623157e308',
      '5e-324', '2.2250738585072014e-308', '0.1', '1e21', '1e-7', '123456789012345680000', '0.0',
      '9007199254740993', '1e-6', '1e20']);
  add('c_dec4_2', 'DECIMAL(4,2)', 6,
    dec(4, 2, rnd(13, 100), rnd(14, 100), `${rnd(15, 3)} = 0`),
    ['99.99', '-99.99', '0.00', '-0.01', '0.01', '-1.50']);
  add('c_dec9_3', 'DECIMAL(9,3)', 12,
    dec(9, 3, rnd(16, 1000000), rnd(17, 1000), `${rnd(18, 2)} = 0`),
    ['999999.999', '-999999.999', '0.000', '-0.001', '-12.300']);
  add('c_dec18_6', 'DECIMAL(18,6)', 15,
    dec(18, 6, rnd(19, 1000000000000), rnd(20, 1000000), `${rnd(21, 2)} = 0`),
    ['999999999999.999999', '-999999999999.999999', '0.000000', '-0.000001', "'9007199254.740993'"]);
  add('c_dec38_10', 'DECIMAL(38,10)', 10,
    dec(38, 10, `${rnd(22, 100000000000000)}::VARCHAR || lpad(${rnd(23, 100000000000000)}::VARCHAR, 14, '0')`,
      rnd(24, 10000000000), `${rnd(25, 2)} = 0`),
    ['9999999999999999999999999999.9999999999', '-9999999999999999999999999999.9999999999',
      '0.0000000000', '-0.0000000001', '170141183460469231731.6873037158', '-1.0000000000']);
  add('c_date', 'DATE', 14, `DATE '1970-01-01' + (${rnd(26, 80000)} - 40000)::INTEGER`,
    ["DATE '0001-01-01'", "DATE '9999-12-31'", "DATE '1969-12-31'", "DATE '1970-01-01'",
      "DATE '1900-02-28'", "DATE '2000-02-29'", "DATE '1582-10-10'", "DATE '2262-04-12'", "DATE '1600-03-01'"]);
  add('c_time', 'TIME', 16, `TIME '00:00:00' + to_microseconds(${rnd(27, 86400000000)}::BIGINT)`,
    ["TIME '00:00:00'", "TIME '23:59:59.999999'", "TIME '12:00:00.000001'", "TIME '00:00:00.5'"]);
  add('c_ts', 'TIMESTAMP', 5, `make_timestamp((${rnd(28, 6311433600000000)} - 2208988800000000)::BIGINT)`,
    ["TIMESTAMP '0001-01-01 00:00:00'", "TIMESTAMP '9999-12-31 23:59:59.999999'",
      "TIMESTAMP '1969-12-31 23:59:59.999999'", "TIMESTAMP '1970-01-01 00:00:00'",
      "TIMESTAMP '1900-01-01 00:00:00.000001'", "TIMESTAMP '2024-02-29 12:34:56.789012'"]);
  add('c_ts_ns', 'TIMESTAMP_NS', 7, `make_timestamp_ns((${rnd(29, '16000000000000000000')} - 8000000000000000000)::BIGINT)`,
    ["TIMESTAMP_NS '1970-01-01 00:00:00.000000001'", "TIMESTAMP_NS '1969-12-31 23:59:59.999999999'",
      "TIMESTAMP_NS '2262-01-01 00:00:00.123456789'", "TIMESTAMP_NS '1678-01-01 00:00:00.000000001'",
      "TIMESTAMP_NS '2024-01-02 03:04:05'"]);
  add('c_tstz', 'TIMESTAMPTZ', 9, `make_timestamp((${rnd(30, 6311433600000000)} - 2208988800000000)::BIGINT)::TIMESTAMPTZ`,
    ["TIMESTAMPTZ '0001-01-01 00:00:00+00'", "TIMESTAMPTZ '9999-12-31 23:59:59.999999+00'",
      "TIMESTAMPTZ '1969-12-31 23:59:59.999999+00'", "TIMESTAMPTZ '2024-01-02 03:04:05+00'"]);
  add('c_varchar', 'VARCHAR', 4, `'str_' || i::VARCHAR || repeat('x', (${rnd(31, 30)})::INTEGER)`,
    ["''", q('héllo wörld'), q('日本語テキスト'), q('🦆🦆 duck'), q('quote " backslash \\ slash /'),
      `'ctl ' || chr(1) || chr(31) || ' tab' || chr(9) || ' nl' || chr(10) || ' cr' || chr(13) || ' del' || chr(127)`,
      "repeat('long', 300)", `'sep' || chr(8232) || chr(8233) || '!'`, q(' leading and trailing '), q('NaN'), q('null')]);
  add('c_varchar_lowcard', 'VARCHAR', 20, `'cat_' || (i % 17)::VARCHAR`, ["''", q('cat_0')]);
  add('c_blob', 'BLOB', 6, `from_hex(lpad(printf('%x', ${rnd(32, 4294967296)}), 8, '0') || repeat('ab', (i % 7)::INTEGER))`,
    ["''::BLOB", "from_hex('00')", "from_hex('0000ff')", `from_hex('${Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0')).join('')}')`,
      "'hello'::BLOB"]);
  add('c_uuid', 'UUID', 8, `md5('uuid' || i::VARCHAR)::UUID`,
    ["'00000000-0000-0000-0000-000000000000'::UUID", "'ffffffff-ffff-ffff-ffff-ffffffffffff'::UUID",
      "'80000000-0000-0000-0000-000000000000'::UUID", "'7fffffff-ffff-ffff-ffff-ffffffffffff'::UUID",
      "'0123E567-E89B-12D3-A456-426614174000'::UUID"]);
  add('c_list_int', 'INTEGER[]', 9,
    `list_transform(range((i % 6)::BIGINT), x -> CASE WHEN (x + i) % 5 = 0 THEN NULL ELSE ((x * 7919 + i) % 2000 - 1000)::INTEGER END)`,
    ['[]', '[NULL]', '[NULL, NULL]', '[-2147483648, 2147483647]', '[0]']);
  add('c_list_str', 'VARCHAR[]', 11,
    `list_transform(range((i % 4)::BIGINT), x -> CASE WHEN (x * 3 + i) % 7 = 0 THEN NULL ELSE 'e' || (x * i)::VARCHAR END)`,
    ['[]', "['']", "[NULL, '', 'ü']", "['a', NULL]"]);
  add('c_struct', 'STRUCT(a INTEGER, b VARCHAR, c DOUBLE)', 7,
    `{'a': CASE WHEN i % 3 = 0 THEN NULL ELSE (i % 1000)::INTEGER END, 'b': CASE WHEN i % 4 = 0 THEN NULL ELSE 'b' || i::VARCHAR END, 'c': CASE WHEN i % 5 = 0 THEN NULL ELSE i / 8.0 END}`,
    ["{'a': NULL, 'b': NULL, 'c': NULL}", "{'a': -1, 'b': '', 'c': -0.0}", "{'a': 2147483647, 'b': 'x', 'c': 'NaN'::DOUBLE}"]);
  add('c_map_str_int', 'MAP(VARCHAR, INTEGER)', 10,
    `map_from_entries(list_transform(range((i % 4)::BIGINT), x -> {'key': 'k' || (x * 10 + i % 10)::VARCHAR, 'value': CASE WHEN (x + i) % 3 = 0 THEN NULL ELSE (x * i % 100000)::INTEGER END}))`,
    ['MAP {}', "MAP {'10': 1, '2': 2, '1': NULL}", "MAP {'': NULL}", "MAP {'z': 26, 'a': 1, 'ü': -1}"]);
  add('c_map_int_str', 'MAP(INTEGER, VARCHAR)', 12,
    `map_from_entries(list_transform(range((i % 3)::BIGINT), x -> {'key': (x * 1000 + i % 1000)::INTEGER, 'value': CASE WHEN (x + i) % 4 = 0 THEN NULL ELSE 'v' || x::VARCHAR END}))`,
    ['MAP {}', "MAP {3: 'c', 1: 'a', 2: NULL}", "MAP {-2147483648: 'min'}"]);
  add('c_list_struct', 'STRUCT(x INTEGER, y VARCHAR[])[]', 8,
    `list_transform(range((i % 3)::BIGINT), n -> CASE WHEN (n + i) % 5 = 0 THEN NULL ELSE {'x': CASE WHEN n = 1 THEN NULL ELSE (n * i % 777)::INTEGER END, 'y': CASE WHEN (n + i) % 4 = 0 THEN NULL ELSE list_transform(range(n), m -> 's' || m::VARCHAR) END} END)`,
    ['[]', '[NULL]', "[{'x': NULL, 'y': NULL}]", "[{'x': 1, 'y': []}, {'x': 2, 'y': [NULL, 'q']}]"]);
  add('c_struct_nested', 'STRUCT(p STRUCT(q BIGINT, r DATE), l DECIMAL(18,6)[], m MAP(VARCHAR, DOUBLE))', 6,
    `{'p': CASE WHEN i % 9 = 0 THEN NULL ELSE {'q': CASE WHEN i % 2 = 0 THEN NULL ELSE i * 1000000007 END, 'r': DATE '2000-01-01' + (i % 9000)::INTEGER} END, 'l': CASE WHEN i % 10 = 0 THEN NULL ELSE list_transform(range((i % 3)::BIGINT), x -> ((x * i % 1000000)::DECIMAL(18,6) / 1000)::DECIMAL(18,6)) END, 'm': CASE WHEN i % 11 = 0 THEN NULL ELSE MAP {'w': i / 3.0, 'v': NULL} END}`,
    ["{'p': NULL, 'l': NULL, 'm': NULL}", "{'p': {'q': NULL, 'r': NULL}, 'l': [], 'm': MAP {}}",
      "{'p': {'q': -9223372036854775808, 'r': DATE '1969-12-31'}, 'l': [NULL, -0.000001], 'm': MAP {'inf': 'Infinity'::DOUBLE}}"]);
  add('c_list_list', 'INTEGER[][]', 10,
    `list_transform(range((i % 4)::BIGINT), x -> CASE WHEN (x + i) % 6 = 0 THEN NULL ELSE list_transform(range(x), y -> CASE WHEN y = 2 THEN NULL ELSE (y * i % 100)::INTEGER END) END)`,
    ['[]', '[[]]', '[NULL]', '[[NULL]]', '[[1, 2], [], NULL, [NULL, 3]]']);
  add('c_map_list', 'MAP(VARCHAR, TIMESTAMP[])', 9,
    `map_from_entries(list_transform(range((i % 3)::BIGINT), x -> {'key': 'k' || x::VARCHAR, 'value': CASE WHEN (x + i) % 4 = 0 THEN NULL ELSE list_transform(range(x + 1), y -> make_timestamp((i * 1000003 + y * 86400000000)::BIGINT)) END}))`,
    ['MAP {}', "MAP {'a': [], 'b': NULL, 'c': [NULL]}"]);
  add('c_list_uuid_blob', 'STRUCT(u UUID, b BLOB, t TIME)[]', 25,
    `list_transform(range((i % 2)::BIGINT + 1), x -> {'u': md5('lu' || (i * 10 + x)::VARCHAR)::UUID, 'b': from_hex(lpad(printf('%x', x * i % 65536), 4, '0')), 't': TIME '01:02:03' + to_microseconds((x * i)::BIGINT)})`,
    ['[]', "[{'u': NULL, 'b': NULL, 't': NULL}]"]);
  // NULL in every row, and NULL in almost every row.
  k++;
  cols.push(['c_allnull', 'INTEGER', 'NULL::INTEGER']);
  add('c_mostlynull', 'VARCHAR', 0, `CASE WHEN i % 97 = 3 THEN 'present_' || i::VARCHAR ELSE NULL END`);
  return cols;
}

/** The SELECT producing rows [from, to) of the alltypes table. */
export function alltypesSelect(from, to) {
  const cols = alltypesColumns().map(([name, , expr]) => `${expr} AS ${name}`);
  return `SELECT ${cols.join(',\n  ')}\nFROM (SELECT range AS i FROM range(${from}, ${to}))`;
}
