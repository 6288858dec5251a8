#!/usr/bin/env node
// SPDX-License-Identifier: Apache-2.0
// Prints how a Parquet file is laid out, per leaf column: physical and logical
// type, repetition, codecs, and the pages actually present (page type and
// encoding, counted over all row groups). A debugging aid for the reader:
//
//   node inspect.mjs FILE [--json]
//
// Page headers are parsed with hyparquet's thrift reader (imported from its
// source file, which the package's export map does not list).

import fs from 'node:fs';
import path from 'node:path';
import { parquetMetadata } from 'hyparquet';

// hyparquet's entry point is src/node.js; column.js sits next to it.
const { parquetHeader } = await import(new URL('column.js', import.meta.resolve('hyparquet')).href);

export function inspect(file) {
  const buf = fs.readFileSync(file);
  const ab = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
  const md = parquetMetadata(ab);
  const leaves = new Map(); // path -> summary
  // schema elements by path
  const elems = new Map();
  {
    let i = 1;
    const walk = (prefix, n) => {
      for (let k = 0; k < n; k++) {
        const el = md.schema[i++];
        const p = [...prefix, el.name];
        elems.set(p.join('.'), el);
        if (el.num_children) walk(p, el.num_children);
      }
    };
    walk([], md.schema[0].num_children ?? 0);
  }
  for (const rg of md.row_groups) {
    for (const cc of rg.columns) {
      const meta = cc.meta_data;
      const key = meta.path_in_schema.join('.');
      let s = leaves.get(key);
      if (!s) {
        const el = elems.get(key) ?? {};
        s = {
          column: key,
          physical: meta.type + (el.type_length ? `(${el.type_length})` : ''),
          repetition: el.repetition_type,
          converted: el.converted_type ?? null,
          logical: el.logical_type ? JSON.stringify(el.logical_type) : null,
          codecs: new Set(),
          chunk_encodings: new Set(),
          pages: new Map(),
          bytes: 0,
        };
        leaves.set(key, s);
      }
      s.codecs.add(meta.codec);
      for (const e of meta.encodings) s.chunk_encodings.add(e);
      s.bytes += Number(meta.total_compressed_size);
      let off = Number(meta.dictionary_page_offset ?? meta.data_page_offset);
      if (meta.dictionary_page_offset !== undefined && Number(meta.dictionary_page_offset) === 0) off = Number(meta.data_page_offset);
      const end = off + Number(meta.total_compressed_size);
      while (off < end) {
        const reader = { view: new DataView(ab, off, Math.min(end - off + 64, ab.byteLength - off)), offset: 0 };
        const h = parquetHeader(reader);
        const enc = h.data_page_header?.encoding ?? h.data_page_header_v2?.encoding ?? h.dictionary_page_header?.encoding ?? '';
        const k = `${h.type}${enc ? `/${enc}` : ''}`;
        s.pages.set(k, (s.pages.get(k) ?? 0) + 1);
        off += reader.offset + h.compressed_page_size;
      }
      if (off !== end) throw new Error(`${key}: pages end at ${off}, chunk ends at ${end}`);
    }
  }
  return {
    file: path.basename(file),
    created_by: md.created_by,
    version: md.version,
    rows: Number(md.num_rows),
    row_groups: md.row_groups.map((rg) => Number(rg.num_rows)),
    columns: [...leaves.values()].map((s) => ({
      ...s,
      codecs: [...s.codecs],
      chunk_encodings: [...s.chunk_encodings],
      pages: Object.fromEntries(s.pages),
    })),
  };
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
  const args = process.argv.slice(2);
  const file = args.find((a) => !a.startsWith('--'));
  if (!file) {
    process.stderr.write('usage: node inspect.mjs FILE [--json]\n');
    process.exit(2);
  }
  const r = inspect(file);
  if (args.includes('--json')) process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
  else {
    process.stdout.write(`${r.file}: ${r.rows} rows, row groups ${JSON.stringify(r.row_groups)}, created_by ${r.created_by}, version ${r.version}\n`);
    for (const c of r.columns) {
      const pages = Object.entries(c.pages).map(([k, n]) => `${k} x${n}`).join(', ');
      process.stdout.write(`  ${c.column}: ${c.physical} ${c.repetition}${c.converted ? ` ${c.converted}` : ''}${c.logical ? ` ${c.logical}` : ''} | ${c.codecs.join(',')} | ${pages}\n`);
    }
  }
}
