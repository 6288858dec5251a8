// SPDX-License-Identifier: Apache-2.0
// Reads an Iceberg table with icebird (hyparam's JavaScript reader) and prints
// what it sees as canonical JSON lines, for tests/interop/icebird.sh:
//   {"schema": [[id, name, type, required], ...]}
//   {"snapshots": [[snapshot-id, parent-id, operation], ...]}
//   one line per row: the row object, keys sorted, BigInt as decimal text,
//   dates as their ISO text.
// Usage: node icebird_read.mjs TABLE_LOCATION METADATA_FILE_NAME
// icebird fetches URLs; local tables have plain paths, so fetch is served from
// the file system here (whole files, status 200: hyparquet slices them).
import { readFile } from 'node:fs/promises'
import { icebergMetadata, icebergRead } from 'icebird'

const [tableUrl, metadataFileName] = process.argv.slice(2)
globalThis.fetch = async (url) => {
  const path = String(url).replace(/^file:\/\//, '')
  try {
    const data = await readFile(path)
    return new Response(data, { status: 200 })
  } catch (e) {
    return new Response(null, { status: 404, statusText: String(e) })
  }
}

function canon(v) {
  if (v === undefined) return null
  if (typeof v === 'bigint') return v.toString()
  if (v instanceof Date) return v.toISOString()
  if (v instanceof Uint8Array) return Buffer.from(v).toString('hex')
  if (Array.isArray(v)) return v.map(canon)
  if (v && typeof v === 'object') {
    const o = {}
    for (const k of Object.keys(v).sort()) o[k] = canon(v[k])
    return o
  }
  return v
}

const metadata = await icebergMetadata({ tableUrl, metadataFileName })
const schema = metadata.schemas.find(s => s['schema-id'] === metadata['current-schema-id'])
console.log(JSON.stringify({
  schema: schema.fields.map(f => [f.id, f.name, typeof f.type === 'string' ? f.type : f.type.type, f.required]),
}))
console.log(JSON.stringify({
  snapshots: (metadata.snapshots || []).map(s => [String(s['snapshot-id']),
    s['parent-snapshot-id'] === undefined ? null : String(s['parent-snapshot-id']),
    s.summary?.operation ?? null]),
}))
const rows = await icebergRead({ tableUrl, metadataFileName, metadata })
for (const r of rows) console.log(JSON.stringify(canon(r)))
