#!/usr/bin/env node
// SPDX-License-Identifier: Apache-2.0
// Checks the page-level structures of a Parquet file against its pages, with
// hyparquet's thrift readers (our own reader ignores the page index):
//
//   node page_index.mjs FILE...
//
// For every column chunk: the pages tile the chunk exactly; every page's CRC-32
// matches its body; the OffsetIndex lists each data page (offset, size with
// header, first row index, which starts at 0 and follows the v2 pages' row
// counts); the ColumnIndex, when present, has one entry per page, empty bounds
// exactly on the null pages, and null counts that add up to the chunk's.
// Exit 0 when every file passes, 1 with the first problem otherwise.

import fs from 'node:fs';
import zlib from 'node:zlib';
import { parquetMetadata, readColumnIndex, readOffsetIndex } from 'hyparquet';

const { parquetHeader } = await import(new URL('column.js', import.meta.resolve('hyparquet')).href);

function fail(file, msg) {
  process.stderr.write(`page_index.mjs: ${file}: ${msg}\n`);
  process.exit(1);
}

/** The pages of a chunk: [{offset, size, header}] in order. */
function pages(ab, meta) {
  const start = Number(meta.dictionary_page_offset ?? meta.data_page_offset);
  const end = start + Number(meta.total_compressed_size);
  const out = [];
  for (let off = start; off < end;) {
    const reader = { view: new DataView(ab, off, Math.min(end - off + 64, ab.byteLength - off)), offset: 0 };
    const header = parquetHeader(reader);
    const size = reader.offset + header.compressed_page_size;
    out.push({ offset: off, hlen: reader.offset, size, header });
    off += size;
    if (off > end) throw new Error(`a page runs past the chunk end ${end}`);
  }
  return out;
}

function checkChunk(file, ab, rg, cc, schemaEl) {
  const meta = cc.meta_data;
  const col = meta.path_in_schema.join('.');
  const where = `row group ${rg}, column ${col}`;
  const ps = pages(ab, meta);
  for (const p of ps) {
    const body = new Uint8Array(ab, p.offset + p.hlen, p.header.compressed_page_size);
    if (p.header.crc === undefined) fail(file, `${where}: a page without CRC`);
    if ((zlib.crc32(body) | 0) !== (p.header.crc | 0)) fail(file, `${where}: CRC mismatch at ${p.offset}`);
  }
  const data = ps.filter((p) => p.header.type !== 'DICTIONARY_PAGE');
  if (cc.offset_index_offset === undefined) fail(file, `${where}: no offset index`);
  const oi = readOffsetIndex({
    view: new DataView(ab, Number(cc.offset_index_offset), cc.offset_index_length), offset: 0,
  });
  if (oi.page_locations.length !== data.length) {
    fail(file, `${where}: offset index lists ${oi.page_locations.length} pages, the chunk has ${data.length}`);
  }
  let row = 0n;
  oi.page_locations.forEach((loc, i) => {
    if (Number(loc.offset) !== data[i].offset) fail(file, `${where}: page ${i} at ${data[i].offset}, index says ${loc.offset}`);
    if (loc.compressed_page_size !== data[i].size) fail(file, `${where}: page ${i} size ${data[i].size}, index says ${loc.compressed_page_size}`);
    if (BigInt(loc.first_row_index) !== row && (i === 0 || data[i - 1].header.data_page_header_v2)) {
      fail(file, `${where}: page ${i} first row ${loc.first_row_index}, expected ${row}`);
    }
    row = BigInt(loc.first_row_index) + BigInt(data[i].header.data_page_header_v2?.num_rows ?? 0);
  });
  if (cc.column_index_offset === undefined) return;
  const ci = readColumnIndex({
    view: new DataView(ab, Number(cc.column_index_offset), cc.column_index_length), offset: 0,
  }, schemaEl);
  if (ci.null_pages.length !== data.length) fail(file, `${where}: column index has ${ci.null_pages.length} pages`);
  let nulls = 0n;
  ci.null_counts.forEach((n, i) => {
    nulls += BigInt(n);
    const v2 = data[i].header.data_page_header_v2;
    if (v2 && BigInt(v2.num_nulls) !== BigInt(n)) fail(file, `${where}: page ${i} null count ${n}, page says ${v2.num_nulls}`);
    const values = v2 ? v2.num_values - v2.num_nulls : null;
    if (values !== null && (values === 0) !== ci.null_pages[i]) fail(file, `${where}: page ${i} null_pages wrong`);
  });
  if (meta.statistics?.null_count !== undefined && BigInt(meta.statistics.null_count) !== nulls) {
    fail(file, `${where}: page null counts add up to ${nulls}, the chunk says ${meta.statistics.null_count}`);
  }
}

for (const file of process.argv.slice(2)) {
  const buf = fs.readFileSync(file);
  const ab = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
  const md = parquetMetadata(ab);
  // schema element of each leaf, by dotted path
  const leaves = new Map();
  let i = 1;
  const walk = (prefix, n) => {
    for (let k = 0; k < n; k++) {
      const el = md.schema[i++];
      const p = [...prefix, el.name];
      if (el.num_children) walk(p, el.num_children);
      else leaves.set(p.join('.'), el);
    }
  };
  walk([], md.schema[0].num_children ?? 0);
  md.row_groups.forEach((rg, g) => {
    for (const cc of rg.columns) {
      try {
        checkChunk(file, ab, g, cc, leaves.get(cc.meta_data.path_in_schema.join('.')));
      } catch (e) {
        fail(file, `row group ${g}: ${e.message}`);
      }
    }
  });
}
