// SPDX-License-Identifier: Apache-2.0
// Canonical JSONL form of table rows, shared by every interop check.
//
// `supertable parquet cat --format jsonl` prints rows in this form; the peers
// (DuckDB through @duckdb/node-api, hyparquet) return values in their own JS
// representations, which the functions below turn into the same form so the
// outputs can be compared line by line, value by value (compare.mjs).
//
// The canonical form (from the `parquet cat` spec):
//   row         one JSON object per line; keys = top-level column names in file order
//   integers    JSON numbers, exact digits (64-bit and unsigned 64-bit included)
//   float/double JSON numbers, shortest round-trip representation *of the
//               column's own width* (a FLOAT prints the shortest decimal that
//               reads back to the same float32: 0.1f is "0.1", not
//               "0.10000000149011612"); -0.0 prints as -0; NaN, Infinity,
//               -Infinity are the strings "NaN", "Infinity", "-Infinity"
//   boolean     true / false
//   null        null (at any nesting level)
//   decimal     string with exactly `scale` fraction digits: "12.30", "-0.01", "5" (scale 0)
//   date        "YYYY-MM-DD" (proleptic Gregorian; years outside 0000..9999 as
//               "-YYYY" / "+YYYYY", never produced by our test data)
//   time        "HH:MM:SS.ffffff" (time with nanosecond unit: 9 fraction digits)
//   timestamp   "YYYY-MM-DDTHH:MM:SS.ffffff"; timestamptz adds a trailing "Z";
//               nanosecond timestamps have 9 fraction digits
//   binary/fixed standard base64 (RFC 4648, with padding)
//   uuid        lowercase 8-4-4-4-12
//   string      JSON string
//   list        JSON array
//   struct      JSON object, fields in schema order
//   map         JSON object when the key type is string, entries in stored
//               order; otherwise an array of {"key": k, "value": v} objects
//
// In memory a canonical value is: null | boolean | bigint (every integer) |
// number (finite float/double, -0 kept) | string | Array | Map (every JSON
// object, so key order is kept exactly: plain JS objects would move
// integer-like keys such as "10" to the front).
//
// Types. Both peers' values are converted given a small peer-independent type
// (below, `CType`), derived from the DuckDB result type (typeFromDuckDB), from
// the Parquet schema (typeFromParquet), or from our schema syntax
// (parseSchema). The conversion *from* a peer uses the peer's decoded raw value
// (DuckDB's scaled decimal bigint, day number, micros; hyparquet's raw
// integers, see hyparquetReadOptions) and does the formatting here, so the
// formatting rules live in exactly one place.
//
// CType:
//   {t:'boolean'} {t:'int', bits:8|16|32|64|128, signed:bool} {t:'float'} {t:'double'}
//   {t:'decimal', precision, scale} {t:'date'} {t:'time', unit:'ms'|'us'|'ns'}
//   {t:'timestamp', unit:'ms'|'us'|'ns', tz:bool} {t:'string'} {t:'binary'}
//   {t:'fixed', length} {t:'uuid'} {t:'list', element:CType}
//   {t:'struct', fields:[{name, type:CType, required:bool}]} {t:'map', key:CType, value:CType}

// ---------------------------------------------------------------------------
// Scalars

/** Shortest decimal that reads back as the same double; -0 kept. */
export function canonDouble(x) {
  if (typeof x !== 'number') x = Number(x);
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return 'Infinity';
  if (x === -Infinity) return '-Infinity';
  return x; // JS Number#toString is already the shortest round-trip form
}

/**
 * Float32: the value is carried as the double nearest to the shortest decimal
 * that reads back (as float32) to the same float, so that printing it with
 * Number#toString yields that shortest decimal. Among several shortest
 * candidates the one closest to the exact value is chosen (as Ryu/Grisu do).
 */
export function canonFloat(x) {
  if (typeof x !== 'number') x = Number(x);
  x = Math.fround(x);
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return 'Infinity';
  if (x === -Infinity) return '-Infinity';
  if (x === 0) return x; // keeps -0
  for (let p = 1; p <= 9; p++) {
    const [mant, exp] = x.toExponential(p - 1).split('e');
    const m = BigInt(mant.replace('.', ''));
    const e = Number(exp) - (p - 1);
    let best = null;
    for (const cand of [m - 1n, m, m + 1n]) {
      const v = Number(`${cand}e${e}`);
      if (Math.fround(v) !== x) continue;
      if (best === null || Math.abs(v - x) < Math.abs(best - x)) best = v;
    }
    if (best !== null) return best;
  }
  return x;
}

/** Integer (number, bigint or digit string) to bigint, checked against the width. */
export function canonInt(v, type = { bits: 64, signed: true }) {
  let b;
  if (typeof v === 'bigint') b = v;
  else if (typeof v === 'number') {
    if (!Number.isInteger(v)) throw new Error(`not an integer: ${v}`);
    b = BigInt(v);
  } else if (typeof v === 'string' && /^-?\d+$/.test(v)) b = BigInt(v);
  else throw new Error(`not an integer: ${String(v)}`);
  // Peers may hand an unsigned value back in its signed bit pattern (hyparquet
  // does for nullable UINT_64 in some paths): reinterpret by width.
  return type.signed ? BigInt.asIntN(type.bits, b) : BigInt.asUintN(type.bits, b);
}

/** Decimal from its unscaled integer: "-12.30" for (-1230n, 2). */
export function canonDecimal(unscaled, scale) {
  const neg = unscaled < 0n;
  let digits = (neg ? -unscaled : unscaled).toString();
  if (scale > 0) {
    digits = digits.padStart(scale + 1, '0');
    digits = `${digits.slice(0, digits.length - scale)}.${digits.slice(digits.length - scale)}`;
  }
  return neg ? `-${digits}` : digits;
}

/** Big-endian two's complement bytes (Parquet FIXED_LEN_BYTE_ARRAY / BYTE_ARRAY decimal) to bigint. */
export function bigintFromBytesBE(bytes) {
  let v = 0n;
  for (const b of bytes) v = (v << 8n) | BigInt(b);
  const bits = BigInt(bytes.length * 8);
  if (bytes.length && bytes[0] & 0x80) v -= 1n << bits;
  return v;
}

const pad = (n, w) => String(n).padStart(w, '0');

/** floor division and modulo on bigint (JS `/` truncates toward zero). */
function floorDivMod(a, b) {
  let q = a / b;
  let r = a % b;
  if (r < 0n) { r += b; q -= 1n; }
  return [q, r];
}

/** Civil date from days since 1970-01-01 (proleptic Gregorian; H. Hinnant's algorithm). */
export function civilFromDays(days) {
  let z = Number(days) + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  return [y, m, d];
}

/** Days since 1970-01-01 from a civil date (inverse of civilFromDays). */
export function daysFromCivil(y, m, d) {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function fmtYear(y) {
  if (y >= 0 && y <= 9999) return pad(y, 4);
  return y < 0 ? `-${pad(-y, 4)}` : `+${y}`;
}

export function canonDate(days) {
  const [y, m, d] = civilFromDays(days);
  return `${fmtYear(y)}-${pad(m, 2)}-${pad(d, 2)}`;
}

const UNIT_PER_SEC = { ms: 1000n, us: 1000000n, ns: 1000000000n };
// Fraction digits printed per unit: millisecond values print 6 digits like
// microsecond ones (the spec has 6 digits for every non-nanosecond timestamp).
const FRAC_DIGITS = { ms: 6, us: 6, ns: 9 };

function fmtFrac(sub, unit) {
  // sub: sub-second part in `unit`; scaled to the printed digit count
  if (unit === 'ms') return pad(sub * 1000n, 6);
  return pad(sub, FRAC_DIGITS[unit]);
}

/** Time of day from a count of `unit` since midnight. */
export function canonTime(v, unit = 'us') {
  const per = UNIT_PER_SEC[unit];
  const [secs, sub] = floorDivMod(BigInt(v), per);
  const [mins, s] = floorDivMod(secs, 60n);
  const [h, m] = floorDivMod(mins, 60n);
  return `${pad(h, 2)}:${pad(m, 2)}:${pad(s, 2)}.${fmtFrac(sub, unit)}`;
}

/** Timestamp from a count of `unit` since the epoch; tz adds "Z". */
export function canonTimestamp(v, unit = 'us', tz = false) {
  const per = UNIT_PER_SEC[unit];
  const [secs, sub] = floorDivMod(BigInt(v), per);
  const [days, sod] = floorDivMod(secs, 86400n);
  const [y, mo, d] = civilFromDays(Number(days));
  const h = sod / 3600n;
  const mi = (sod % 3600n) / 60n;
  const s = sod % 60n;
  return `${fmtYear(y)}-${pad(mo, 2)}-${pad(d, 2)}T${pad(h, 2)}:${pad(mi, 2)}:${pad(s, 2)}.${fmtFrac(sub, unit)}${tz ? 'Z' : ''}`;
}

export function canonBinary(bytes) {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/** UUID from 16 bytes, an unsigned 128-bit bigint, or a string. */
export function canonUuid(v) {
  let hex;
  if (typeof v === 'bigint') hex = v.toString(16).padStart(32, '0');
  else if (typeof v === 'string') hex = v.replace(/[-{}]/g, '').toLowerCase();
  else hex = Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('hex');
  if (!/^[0-9a-f]{32}$/.test(hex)) throw new Error(`bad uuid: ${String(v)}`);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

// ---------------------------------------------------------------------------
// Nested values, generic over a "reader" that knows how a peer represents
// containers. Scalars are handed to reader.scalar(value, type) which returns
// the canonical scalar.

function canonValue(v, type, rd) {
  if (v === null || v === undefined) return null;
  switch (type.t) {
    case 'list': {
      const items = rd.listItems(v, type);
      return items.map((x) => canonValue(x, type.element, rd));
    }
    case 'struct': {
      if (rd.structIsNull && rd.structIsNull(v, type)) return null;
      const out = new Map();
      for (const f of type.fields) out.set(f.name, canonValue(rd.structField(v, f.name, type), f.type, rd));
      return out;
    }
    case 'map': {
      const entries = rd.mapEntries(v, type);
      if (type.key.t === 'string') {
        const out = new Map();
        for (const { key, value } of entries) {
          const k = canonValue(key, type.key, rd);
          if (k === null) throw new Error('map with a NULL key');
          if (out.has(k)) throw new Error(`map with duplicate key ${JSON.stringify(k)}`);
          out.set(k, canonValue(value, type.value, rd));
        }
        return out;
      }
      return entries.map(({ key, value }) => new Map([
        ['key', canonValue(key, type.key, rd)],
        ['value', canonValue(value, type.value, rd)],
      ]));
    }
    default:
      return rd.scalar(v, type);
  }
}

/** Canonical scalar from raw decoded values common to both peers. */
function scalarFromRaw(v, type) {
  switch (type.t) {
    case 'boolean':
      if (typeof v !== 'boolean') throw new Error(`not a boolean: ${String(v)}`);
      return v;
    case 'int': return canonInt(v, type);
    case 'float': return canonFloat(v);
    case 'double': return canonDouble(v);
    case 'date': return canonDate(v);
    case 'time': return canonTime(v, type.unit);
    case 'timestamp': return canonTimestamp(v, type.unit, type.tz);
    case 'string':
      if (typeof v !== 'string') throw new Error(`not a string: ${String(v)}`);
      return v;
    case 'binary': case 'fixed': return canonBinary(v);
    case 'uuid': return canonUuid(v);
    default: throw new Error(`unsupported type ${type.t}`);
  }
}

// ---------------------------------------------------------------------------
// DuckDB (@duckdb/node-api). Values come from result.getRows() (the default,
// lossless "DuckDBValue" form), types from result.columnTypes().
//
//  - integers: TINYINT..INTEGER, UTINYINT..UINTEGER are JS numbers; BIGINT,
//    UBIGINT, HUGEINT, UHUGEINT are bigints -> printed as digits, never via double.
//  - FLOAT/DOUBLE are JS numbers (FLOAT already widened): shortest repr per width.
//  - DECIMAL is a DuckDBDecimalValue {value: scaled bigint, scale} -> string with scale.
//  - DATE is a DuckDBDateValue {days}; TIME {micros}; TIME_NS {nanos};
//    TIMESTAMP {micros}; TIMESTAMP_MS {milliseconds}; TIMESTAMP_S {seconds};
//    TIMESTAMP_NS {nanoseconds}; TIMESTAMPTZ {micros, UTC} -> formatted here
//    (toString() would depend on the process timezone and trims zeros).
//    DuckDB's +/-infinity timestamps become the strings "infinity"/"-infinity"
//    (a DuckDB-only value; Parquet has no such thing).
//  - BLOB is a DuckDBBlobValue {bytes} -> base64.
//  - UUID is a DuckDBUUIDValue; toUint128() gives the unsigned 128-bit value
//    (DuckDB stores it with the top bit flipped; .hugeint is that stored form).
//  - LIST/ARRAY {items}; STRUCT {entries: object}, read in the type's field
//    order; MAP {entries: [{key, value}]} in stored order.
//  - VARCHAR (also ENUM, JSON alias) is a JS string.

const DT = {
  BOOLEAN: 1, TINYINT: 2, SMALLINT: 3, INTEGER: 4, BIGINT: 5, UTINYINT: 6, USMALLINT: 7,
  UINTEGER: 8, UBIGINT: 9, FLOAT: 10, DOUBLE: 11, TIMESTAMP: 12, DATE: 13, TIME: 14,
  INTERVAL: 15, HUGEINT: 16, UHUGEINT: 32, VARCHAR: 17, BLOB: 18, DECIMAL: 19,
  TIMESTAMP_S: 20, TIMESTAMP_MS: 21, TIMESTAMP_NS: 22, ENUM: 23, LIST: 24, STRUCT: 25,
  MAP: 26, ARRAY: 33, UUID: 27, TIMESTAMP_TZ: 31, TIME_NS: 39, SQLNULL: 36,
};

/** CType from a DuckDB node-api DuckDBType. */
export function typeFromDuckDB(dt) {
  const int = (bits, signed) => ({ t: 'int', bits, signed });
  switch (dt.typeId) {
    case DT.BOOLEAN: return { t: 'boolean' };
    case DT.TINYINT: return int(8, true);
    case DT.SMALLINT: return int(16, true);
    case DT.INTEGER: return int(32, true);
    case DT.BIGINT: return int(64, true);
    case DT.HUGEINT: return int(128, true);
    case DT.UTINYINT: return int(8, false);
    case DT.USMALLINT: return int(16, false);
    case DT.UINTEGER: return int(32, false);
    case DT.UBIGINT: return int(64, false);
    case DT.UHUGEINT: return int(128, false);
    case DT.FLOAT: return { t: 'float' };
    case DT.DOUBLE: return { t: 'double' };
    case DT.DECIMAL: return { t: 'decimal', precision: dt.width, scale: dt.scale };
    case DT.DATE: return { t: 'date' };
    case DT.TIME: return { t: 'time', unit: 'us' };
    case DT.TIME_NS: return { t: 'time', unit: 'ns' };
    case DT.TIMESTAMP: return { t: 'timestamp', unit: 'us', tz: false, duck: 'micros' };
    case DT.TIMESTAMP_S: return { t: 'timestamp', unit: 'us', tz: false, duck: 'seconds' };
    case DT.TIMESTAMP_MS: return { t: 'timestamp', unit: 'us', tz: false, duck: 'millis' };
    case DT.TIMESTAMP_NS: return { t: 'timestamp', unit: 'ns', tz: false, duck: 'nanos' };
    case DT.TIMESTAMP_TZ: return { t: 'timestamp', unit: 'us', tz: true, duck: 'micros' };
    case DT.VARCHAR: case DT.ENUM: return { t: 'string' };
    case DT.BLOB: return { t: 'binary' };
    case DT.UUID: return { t: 'uuid' };
    case DT.LIST: case DT.ARRAY: return { t: 'list', element: typeFromDuckDB(dt.valueType) };
    case DT.STRUCT:
      return {
        t: 'struct',
        fields: dt.entryNames.map((name, i) => ({ name, type: typeFromDuckDB(dt.entryTypes[i]), required: false })),
      };
    case DT.MAP: return { t: 'map', key: typeFromDuckDB(dt.keyType), value: typeFromDuckDB(dt.valueType) };
    case DT.SQLNULL: return { t: 'null' };
    default: throw new Error(`DuckDB type ${dt.toString()} has no canonical form`);
  }
}

const duckReader = {
  listItems: (v) => v.items,
  structField: (v, name) => v.entries[name],
  mapEntries: (v) => v.entries,
  scalar(v, type) {
    switch (type.t) {
      case 'decimal': return canonDecimal(v.value, type.scale);
      case 'date': return canonDate(v.days);
      case 'time': return canonTime(type.unit === 'ns' ? v.nanos : v.micros, type.unit);
      case 'timestamp': {
        if (v.isFinite === false) return v[type.duck] > 0n ? 'infinity' : '-infinity';
        // TIMESTAMP(NANOS, UTC) that DuckDB handed over in micros (see dump.mjs)
        if (type.nanosFromMicros) return canonTimestamp(v.micros * 1000n, 'ns', type.tz);
        const raw = v[type.duck];
        if (type.duck === 'seconds') return canonTimestamp(raw * 1000000n, 'us', type.tz);
        if (type.duck === 'millis') return canonTimestamp(raw * 1000n, 'us', type.tz);
        return canonTimestamp(raw, type.unit, type.tz);
      }
      case 'binary': case 'fixed': return canonBinary(v.bytes);
      case 'uuid': return canonUuid(v.toUint128());
      case 'null': return null;
      default: return scalarFromRaw(v, type);
    }
  },
};

/** Canonical value from a DuckDB node-api value of the given CType. */
export function canonFromDuckDB(v, type) {
  return canonValue(v, type, duckReader);
}

// ---------------------------------------------------------------------------
// Parquet schema (hyparquet's parsed SchemaElement tree) -> CType.
// Logical type wins over converted type; a converted-type-only TIMESTAMP_* is
// read as timezone-less (what DuckDB, Spark and our reader do; the old spec
// text says "UTC-adjusted" but writers never meant it).

export function typeFromParquet(node) {
  const el = node.element;
  const lt = el.logical_type;
  const ct = el.converted_type;
  if (node.children.length || el.num_children) {
    if (ct === 'LIST' || lt?.type === 'LIST') {
      const rep = node.children[0];
      let elemNode;
      if (!rep.children.length) elemNode = rep; // 2-level list of primitives
      else if (rep.children.length > 1 || rep.element.name === 'array' || rep.element.name === `${el.name}_tuple`) elemNode = rep;
      else elemNode = rep.children[0];
      const element = elemNode === rep && rep.children.length
        ? structType(rep)
        : typeFromParquet(elemNode);
      return { t: 'list', element, elementRequired: elemNode.element.repetition_type === 'REQUIRED' };
    }
    if (ct === 'MAP' || ct === 'MAP_KEY_VALUE' || lt?.type === 'MAP') {
      const kv = node.children[0];
      const keyNode = kv.children.find((c) => c.element.name === 'key') ?? kv.children[0];
      const valNode = kv.children.find((c) => c.element.name === 'value') ?? kv.children[1];
      return { t: 'map', key: typeFromParquet(keyNode), value: valNode ? typeFromParquet(valNode) : { t: 'null' } };
    }
    return structType(node);
  }
  const int = (bits, signed) => ({ t: 'int', bits, signed });
  const unitOf = (u) => ({ MILLIS: 'ms', MICROS: 'us', NANOS: 'ns' }[u]);
  if (lt) {
    switch (lt.type) {
      case 'STRING': case 'ENUM': case 'JSON': return { t: 'string' };
      case 'UUID': return { t: 'uuid' };
      case 'DECIMAL': return { t: 'decimal', precision: lt.precision, scale: lt.scale };
      case 'DATE': return { t: 'date' };
      case 'TIME': return { t: 'time', unit: unitOf(lt.unit) };
      case 'TIMESTAMP': return { t: 'timestamp', unit: unitOf(lt.unit), tz: !!lt.isAdjustedToUTC };
      case 'INTEGER': return int(lt.bitWidth, lt.isSigned);
      case 'FLOAT16': return { t: 'float' };
      default: break;
    }
  }
  switch (ct) {
    case 'UTF8': case 'ENUM': case 'JSON': return { t: 'string' };
    case 'DECIMAL': return { t: 'decimal', precision: el.precision, scale: el.scale ?? 0 };
    case 'DATE': return { t: 'date' };
    case 'TIME_MILLIS': return { t: 'time', unit: 'ms' };
    case 'TIME_MICROS': return { t: 'time', unit: 'us' };
    case 'TIMESTAMP_MILLIS': return { t: 'timestamp', unit: 'ms', tz: false };
    case 'TIMESTAMP_MICROS': return { t: 'timestamp', unit: 'us', tz: false };
    case 'INT_8': return int(8, true);
    case 'INT_16': return int(16, true);
    case 'INT_32': return int(32, true);
    case 'INT_64': return int(64, true);
    case 'UINT_8': return int(8, false);
    case 'UINT_16': return int(16, false);
    case 'UINT_32': return int(32, false);
    case 'UINT_64': return int(64, false);
    default: break;
  }
  switch (el.type) {
    case 'BOOLEAN': return { t: 'boolean' };
    case 'INT32': return int(32, true);
    case 'INT64': return int(64, true);
    case 'INT96': return { t: 'timestamp', unit: 'ns', tz: false, int96: true };
    case 'FLOAT': return { t: 'float' };
    case 'DOUBLE': return { t: 'double' };
    case 'BYTE_ARRAY': return { t: 'binary' };
    case 'FIXED_LEN_BYTE_ARRAY': return { t: 'fixed', length: el.type_length };
    default: throw new Error(`unknown parquet type for ${el.name}`);
  }
}

function structType(node) {
  return {
    t: 'struct',
    fields: node.children.map((c) => ({ name: c.element.name, type: typeFromParquet(c), required: c.element.repetition_type === 'REQUIRED' })),
  };
}

// ---------------------------------------------------------------------------
// hyparquet. hyparquet's own conversions are lossy or ambiguous in places, so
// dump.mjs reads with options that hand back raw values (hyparquetReadOptions)
// and the formatting happens here:
//  - DECIMAL: hyparquet multiplies by 10^-scale in floating point (loses digits
//    for precision > 15). We strip the DECIMAL annotation from a copy of the
//    metadata so it returns the unscaled INT32/INT64/bytes, and scale exactly.
//  - MAP: hyparquet assembles maps into plain JS objects, which reorders
//    integer-like keys and stringifies non-string keys. We strip the MAP
//    annotation so the map arrives as a struct {key_value: [{key, value}...]}
//    and build the entries in stored order here.
//  - TIMESTAMP/DATE/UUID: custom parsers return the raw bigint / day number /
//    bytes instead of JS Dates (millisecond precision) and strings.
//  - BYTE_ARRAY without a STRING annotation stays bytes (utf8: false).
//  - A NULL struct arrives as undefined; a present struct whose fields are all
//    NULL arrives as an object with undefined members. Both are handled.

export const hyparquetParsers = {
  timestampFromMilliseconds: (v) => v,
  timestampFromMicroseconds: (v) => v,
  timestampFromNanoseconds: (v) => v,
  dateFromDays: (v) => v,
  uuidFromBytes: (v) => v,
};

/** Returns a copy of hyparquet metadata with the annotations we decode ourselves removed. */
export function rawHyparquetMetadata(metadata) {
  const schema = metadata.schema.map((el) => {
    const e = { ...el };
    if (e.converted_type === 'DECIMAL' || e.logical_type?.type === 'DECIMAL') {
      delete e.converted_type; delete e.logical_type;
    }
    if (e.converted_type === 'MAP' || e.converted_type === 'MAP_KEY_VALUE' || e.logical_type?.type === 'MAP') {
      delete e.converted_type; delete e.logical_type;
    }
    return e;
  });
  return { ...metadata, schema };
}

const hypReader = {
  listItems: (v) => v,
  structIsNull: (v) => v === undefined || v === null,
  structField: (v, name) => v[name],
  mapEntries(v) {
    // stripped MAP: { key_value: [ {key, value}, ... ] } (or the repeated group's own name)
    const names = Object.keys(v);
    if (names.length !== 1) throw new Error(`unexpected hyparquet map shape: ${names.join(',')}`);
    return (v[names[0]] ?? []).map((kv) => ({ key: kv.key, value: kv.value }));
  },
  scalar(v, type) {
    switch (type.t) {
      case 'decimal': {
        let u;
        if (v instanceof Uint8Array) u = bigintFromBytesBE(v);
        else u = BigInt(v);
        return canonDecimal(u, type.scale);
      }
      case 'timestamp':
        if (type.int96) return canonTimestamp(BigInt(v) / 1000n, 'us', false);
        return canonTimestamp(v, type.unit, type.tz);
      default: return scalarFromRaw(v, type);
    }
  },
};

export function canonFromHyparquet(v, type) {
  return canonValue(v, type, hypReader);
}

// ---------------------------------------------------------------------------
// Our schema syntax, e.g.
//   'id long not null, name string, price decimal(10,2), tags list<string>,
//    addr struct<city: string, zip: int>, attrs map<string, int>, at timestamptz'
// Types: boolean int long float double decimal(p,s) date time timestamp
// timestamptz timestamp_ns timestamptz_ns string uuid binary fixed[L] (also
// fixed(L)), list<T>, struct<name: T [not null], ...>, map<K, V>.

export function parseSchema(text) {
  let pos = 0;
  const ws = () => { while (pos < text.length && /\s/.test(text[pos])) pos++; };
  const peek = () => { ws(); return text[pos]; };
  const expect = (ch) => {
    ws();
    if (text[pos] !== ch) throw new Error(`schema: expected '${ch}' at ${pos} in ${text}`);
    pos++;
  };
  const ident = () => {
    ws();
    const m = /^[A-Za-z_][A-Za-z0-9_]*|^"[^"]*"|^`[^`]*`/.exec(text.slice(pos));
    if (!m) throw new Error(`schema: expected a name at ${pos} in ${text}`);
    pos += m[0].length;
    return /^["`]/.test(m[0]) ? m[0].slice(1, -1) : m[0];
  };
  const number = () => {
    ws();
    const m = /^\d+/.exec(text.slice(pos));
    if (!m) throw new Error(`schema: expected a number at ${pos}`);
    pos += m[0].length;
    return Number(m[0]);
  };
  const notNull = () => {
    ws();
    const m = /^not\s+null\b/i.exec(text.slice(pos));
    if (m) { pos += m[0].length; return true; }
    return false;
  };
  const type = () => {
    const name = ident().toLowerCase();
    switch (name) {
      case 'boolean': case 'bool': return { t: 'boolean' };
      case 'int': case 'integer': return { t: 'int', bits: 32, signed: true };
      case 'long': case 'bigint': return { t: 'int', bits: 64, signed: true };
      case 'float': return { t: 'float' };
      case 'double': return { t: 'double' };
      case 'date': return { t: 'date' };
      case 'time': return { t: 'time', unit: 'us' };
      case 'timestamp': return { t: 'timestamp', unit: 'us', tz: false };
      case 'timestamptz': return { t: 'timestamp', unit: 'us', tz: true };
      case 'timestamp_ns': return { t: 'timestamp', unit: 'ns', tz: false };
      case 'timestamptz_ns': return { t: 'timestamp', unit: 'ns', tz: true };
      case 'string': return { t: 'string' };
      case 'uuid': return { t: 'uuid' };
      case 'binary': return { t: 'binary' };
      case 'decimal': {
        expect('('); const p = number(); expect(','); const s = number(); expect(')');
        return { t: 'decimal', precision: p, scale: s };
      }
      case 'fixed': {
        const open = peek();
        if (open !== '[' && open !== '(') throw new Error('schema: fixed needs a length');
        pos++; const len = number(); expect(open === '[' ? ']' : ')');
        return { t: 'fixed', length: len };
      }
      case 'list': {
        expect('<'); const element = type(); const req = notNull(); expect('>');
        return { t: 'list', element, elementRequired: req };
      }
      case 'map': {
        expect('<'); const key = type(); expect(','); const value = type(); const req = notNull(); expect('>');
        return { t: 'map', key, value, valueRequired: req };
      }
      case 'struct': {
        expect('<');
        const fields = [];
        if (peek() !== '>') {
          for (;;) {
            const fname = ident(); expect(':');
            const ftype = type();
            fields.push({ name: fname, type: ftype, required: notNull() });
            if (peek() === ',') { pos++; continue; }
            break;
          }
        }
        expect('>');
        return { t: 'struct', fields };
      }
      default: throw new Error(`schema: unknown type '${name}'`);
    }
  };
  const fields = [];
  for (;;) {
    const fname = ident();
    const ftype = type();
    fields.push({ name: fname, type: ftype, required: notNull() });
    ws();
    if (pos >= text.length) break;
    expect(',');
  }
  return { t: 'struct', fields };
}

// ---------------------------------------------------------------------------
// Canonicalising an input JSONL value (what `parquet convert` is fed) given the
// declared schema: what SuperTable must store and print back. Accepted input is
// the canonical form itself plus these leniencies (the CLI's JSONL reader must
// accept them too):
//   - object keys in any order; a missing key is NULL
//   - float columns: any JSON number, stored rounded to float32
//   - double columns: any JSON number; "NaN"/"Infinity"/"-Infinity" strings
//   - decimals: a string with at most `scale` fraction digits ("1.5" in a
//     scale-2 column is 1.50); also a JSON integer
//   - timestamps: 0..6 (0..9 for _ns) fraction digits, optional (tz: required) "Z"
//   - times: 0..6 fraction digits (HH:MM:SS or HH:MM:SS.f...)
//   - uuid: any case
//   - map with string keys as an object; otherwise array of {key, value}
// Input integers are parsed exactly (the JSON parser below keeps digits).

export function canonFromInput(v, type, path = '') {
  if (v === null || v === undefined) return null;
  const fail = (msg) => { throw new Error(`${path || '<row>'}: ${msg}: ${stringify(v)}`); };
  switch (type.t) {
    case 'boolean': if (typeof v !== 'boolean') fail('not a boolean'); return v;
    case 'int': {
      if (!(v instanceof JsonNumber) || !/^-?\d+$/.test(v.text)) fail('not an integer');
      const b = BigInt(v.text);
      const lim = 1n << BigInt(type.bits - 1);
      if (b < -lim || b >= lim) fail('integer out of range');
      return b;
    }
    case 'float': case 'double': {
      let x;
      if (v instanceof JsonNumber) x = Number(v.text);
      else if (v === 'NaN') x = NaN;
      else if (v === 'Infinity') x = Infinity;
      else if (v === '-Infinity') x = -Infinity;
      else fail('not a number');
      return type.t === 'float' ? canonFloat(x) : canonDouble(x);
    }
    case 'decimal': {
      const s = v instanceof JsonNumber ? v.text : v;
      const m = typeof s === 'string' && /^(-?)(\d+)(?:\.(\d*))?$/.exec(s);
      if (!m) fail('not a decimal');
      const frac = m[3] ?? '';
      if (frac.length > type.scale) fail(`more than ${type.scale} fraction digits`);
      const u = BigInt(m[2] + frac.padEnd(type.scale, '0')) * (m[1] ? -1n : 1n);
      if ((u < 0n ? -u : u).toString().length > type.precision && u !== 0n) fail(`more than ${type.precision} digits`);
      return canonDecimal(u, type.scale);
    }
    case 'date': {
      const m = typeof v === 'string' && /^(-?\d{4,})-(\d{2})-(\d{2})$/.exec(v);
      if (!m) fail('not a date');
      return canonDate(daysFromCivil(Number(m[1]), Number(m[2]), Number(m[3])));
    }
    case 'time': {
      const m = typeof v === 'string' && /^(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?$/.exec(v);
      if (!m) fail('not a time');
      const digits = type.unit === 'ns' ? 9 : 6;
      if ((m[4] ?? '').length > digits) fail('too many fraction digits');
      const sub = BigInt((m[4] ?? '').padEnd(digits, '0'));
      const per = type.unit === 'ns' ? 1000000000n : 1000000n;
      return canonTime((BigInt(m[1]) * 3600n + BigInt(m[2]) * 60n + BigInt(m[3])) * per + sub, type.unit);
    }
    case 'timestamp': {
      const m = typeof v === 'string' && /^(-?\d{4,})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]00:?00)?$/.exec(v);
      if (!m) fail('not a timestamp');
      if (m[8] && !type.tz) fail('timezone on a timestamp without time zone');
      const digits = type.unit === 'ns' ? 9 : 6;
      if ((m[7] ?? '').length > digits) fail('too many fraction digits');
      const per = type.unit === 'ns' ? 1000000000n : 1000000n;
      const days = BigInt(daysFromCivil(Number(m[1]), Number(m[2]), Number(m[3])));
      const secs = days * 86400n + BigInt(m[4]) * 3600n + BigInt(m[5]) * 60n + BigInt(m[6]);
      return canonTimestamp(secs * per + BigInt((m[7] ?? '').padEnd(digits, '0')), type.unit, type.tz);
    }
    case 'string': if (typeof v !== 'string') fail('not a string'); return v;
    case 'binary': case 'fixed': {
      if (typeof v !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(v) || v.length % 4) fail('not base64');
      const bytes = Buffer.from(v, 'base64');
      if (type.t === 'fixed' && bytes.length !== type.length) fail(`fixed[${type.length}] with ${bytes.length} bytes`);
      return canonBinary(bytes);
    }
    case 'uuid': if (typeof v !== 'string') fail('not a uuid'); return canonUuid(v);
    case 'list':
      if (!Array.isArray(v)) fail('not a list');
      return v.map((x, i) => canonFromInput(x, type.element, `${path}[${i}]`));
    case 'struct': {
      if (!(v instanceof Map)) fail('not an object');
      const names = new Set(type.fields.map((f) => f.name));
      for (const k of v.keys()) if (!names.has(k)) fail(`unknown field ${k}`);
      const out = new Map();
      for (const f of type.fields) {
        const x = canonFromInput(v.get(f.name), f.type, path ? `${path}.${f.name}` : f.name);
        if (x === null && f.required) fail(`required field ${f.name} is null`);
        out.set(f.name, x);
      }
      return out;
    }
    case 'map': {
      let entries;
      if (v instanceof Map) {
        if (type.key.t !== 'string') fail('object form needs string keys');
        entries = [...v].map(([key, value]) => ({ key, value }));
      } else if (Array.isArray(v)) {
        entries = v.map((e) => {
          if (!(e instanceof Map)) fail('map entry not an object');
          return { key: e.get('key'), value: e.get('value') };
        });
      } else fail('not a map');
      if (type.key.t === 'string') {
        const out = new Map();
        for (const { key, value } of entries) {
          const k = canonFromInput(key, type.key, `${path}.key`);
          if (k === null) fail('null map key');
          if (out.has(k)) fail(`duplicate map key ${k}`);
          out.set(k, canonFromInput(value, type.value, `${path}[${JSON.stringify(k)}]`));
        }
        return out;
      }
      return entries.map(({ key, value }) => {
        const k = canonFromInput(key, type.key, `${path}.key`);
        if (k === null) fail('null map key');
        return new Map([['key', k], ['value', canonFromInput(value, type.value, `${path}.value`)]]);
      });
    }
    default: throw new Error(`unsupported type ${type.t}`);
  }
}

// ---------------------------------------------------------------------------
// Column projection: `--columns a,b.c` keeps top-level column a whole, and of
// struct column b only its field c (still nested: {"b": {"c": ...}}); a NULL b
// stays null. Output keys stay in file (schema) order whatever the order in
// --columns. Paths go through structs only.

export function parseColumns(spec) {
  if (!spec) return null;
  const tree = new Map(); // name -> subtree (Map) or true (whole)
  for (const p of spec.split(',').map((s) => s.trim()).filter(Boolean)) {
    const parts = p.split('.');
    let node = tree;
    for (let i = 0; i < parts.length; i++) {
      const last = i === parts.length - 1;
      const cur = node.get(parts[i]);
      if (last) node.set(parts[i], true);
      else {
        if (cur === true) break; // already whole
        if (!cur) node.set(parts[i], new Map());
        node = node.get(parts[i]);
      }
    }
  }
  return tree;
}

/** Projects a struct CType by a parseColumns tree; throws on unknown names. */
export function projectType(type, tree) {
  if (!tree) return type;
  const fields = [];
  for (const f of type.fields) {
    const sel = tree.get(f.name);
    if (!sel) continue;
    if (sel === true) fields.push(f);
    else {
      if (f.type.t !== 'struct') throw new Error(`--columns: ${f.name} is not a struct`);
      fields.push({ ...f, type: projectType(f.type, sel) });
    }
  }
  for (const name of tree.keys()) {
    if (!type.fields.some((f) => f.name === name)) throw new Error(`--columns: no column ${name}`);
  }
  return { ...type, fields };
}

/** Projects a canonical row/struct value (Map) by a parseColumns tree. */
export function projectValue(v, tree) {
  if (!tree || v === null) return v;
  const out = new Map();
  for (const [k, x] of v) {
    const sel = tree.get(k);
    if (!sel) continue;
    out.set(k, sel === true ? x : projectValue(x, sel));
  }
  return out;
}

// ---------------------------------------------------------------------------
// JSON text. The writer prints bigints as digits and -0 as -0; the reader
// keeps number lexemes (JsonNumber) and object key order (Map), so nothing
// passes through a double by accident.

export function stringify(v) {
  if (v === null || v === undefined) return 'null';
  switch (typeof v) {
    case 'boolean': return v ? 'true' : 'false';
    case 'bigint': return v.toString();
    case 'number':
      if (!Number.isFinite(v)) throw new Error(`non-finite number ${v} in canonical value`);
      return Object.is(v, -0) ? '-0' : String(v);
    case 'string': return JSON.stringify(v);
    default: break;
  }
  if (v instanceof JsonNumber) return v.text;
  if (Array.isArray(v)) return `[${v.map(stringify).join(',')}]`;
  if (v instanceof Map) {
    const parts = [];
    for (const [k, x] of v) parts.push(`${JSON.stringify(k)}:${stringify(x)}`);
    return `{${parts.join(',')}}`;
  }
  throw new Error(`cannot serialise ${Object.prototype.toString.call(v)}`);
}

/** A JSON number kept as its source text. */
export class JsonNumber {
  constructor(text) { this.text = text; }
  get isInteger() { return /^-?\d+$/.test(this.text); }
  toString() { return this.text; }
}

/** Parses one JSON text; objects become Maps (duplicate keys are an error), numbers JsonNumbers. */
export function parseJson(text) {
  let i = 0;
  const err = (msg) => { throw new Error(`JSON: ${msg} at offset ${i}`); };
  const ws = () => { while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++; };
  const value = () => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      const m = new Map();
      ws();
      if (text[i] === '}') { i++; return m; }
      for (;;) {
        ws();
        if (text[i] !== '"') err('expected a key');
        const k = str();
        ws();
        if (text[i] !== ':') err("expected ':'");
        i++;
        if (m.has(k)) err(`duplicate key ${JSON.stringify(k)}`);
        m.set(k, value());
        ws();
        if (text[i] === ',') { i++; continue; }
        if (text[i] === '}') { i++; return m; }
        err("expected ',' or '}'");
      }
    }
    if (c === '[') {
      i++;
      const a = [];
      ws();
      if (text[i] === ']') { i++; return a; }
      for (;;) {
        a.push(value());
        ws();
        if (text[i] === ',') { i++; continue; }
        if (text[i] === ']') { i++; return a; }
        err("expected ',' or ']'");
      }
    }
    if (c === '"') return str();
    if (text.startsWith('true', i)) { i += 4; return true; }
    if (text.startsWith('false', i)) { i += 5; return false; }
    if (text.startsWith('null', i)) { i += 4; return null; }
    const m = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
    m.lastIndex = i;
    const r = m.exec(text);
    if (!r || !r[0]) err('unexpected character');
    i += r[0].length;
    return new JsonNumber(r[0]);
  };
  const str = () => {
    // reuse the built-in parser for one string literal (escapes, surrogates)
    const start = i;
    i++;
    while (i < text.length && text[i] !== '"') {
      if (text[i] === '\\') i++;
      else if (text.charCodeAt(i) < 0x20) err('control character in string');
      i++;
    }
    if (i >= text.length) err('unterminated string');
    i++;
    return JSON.parse(text.slice(start, i));
  };
  const v = value();
  ws();
  if (i !== text.length) err('trailing characters');
  return v;
}
