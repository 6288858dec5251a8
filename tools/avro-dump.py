#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Dumps an Avro object container file (header and records) with the standard
library only: avro-tools is not available here. Codecs: null, deflate, snappy
(needs python-snappy, else the block is reported), zstd (not decoded).

usage: tools/avro-dump.py [--schema] [--meta] [--records] FILE...
"""
import io, json, struct, sys, zlib


def read_long(f):
    b = f.read(1)
    if not b:
        raise EOFError
    n = b[0]
    v = n & 0x7F
    shift = 7
    while n & 0x80:
        n = f.read(1)[0]
        v |= (n & 0x7F) << shift
        shift += 7
    return (v >> 1) ^ -(v & 1)


def read_bytes(f):
    n = read_long(f)
    return f.read(n)


def decode(schema, f, names):
    if isinstance(schema, str):
        if schema in names:
            return decode(names[schema], f, names)
        t = schema
        if t == 'null':
            return None
        if t == 'boolean':
            return f.read(1)[0] != 0
        if t in ('int', 'long'):
            return read_long(f)
        if t == 'float':
            return struct.unpack('<f', f.read(4))[0]
        if t == 'double':
            return struct.unpack('<d', f.read(8))[0]
        if t == 'bytes':
            return read_bytes(f).hex()
        if t == 'string':
            return read_bytes(f).decode('utf-8', 'replace')
        raise ValueError('type ' + t)
    if isinstance(schema, list):
        i = read_long(f)
        return decode(schema[i], f, names)
    t = schema['type']
    if t == 'record':
        names[schema['name']] = schema
        return {fl['name']: decode(fl['type'], f, names) for fl in schema['fields']}
    if t == 'array':
        out = []
        while True:
            n = read_long(f)
            if n == 0:
                break
            if n < 0:
                n = -n
                read_long(f)
            for _ in range(n):
                out.append(decode(schema['items'], f, names))
        return out
    if t == 'map':
        out = {}
        while True:
            n = read_long(f)
            if n == 0:
                break
            if n < 0:
                n = -n
                read_long(f)
            for _ in range(n):
                k = read_bytes(f).decode()
                out[k] = decode(schema['values'], f, names)
        return out
    if t == 'fixed':
        names[schema['name']] = schema
        return f.read(schema['size']).hex()
    if t == 'enum':
        return schema['symbols'][read_long(f)]
    return decode(t, f, names)


def dump(path, show_schema, show_meta, show_records):
    data = open(path, 'rb').read()
    f = io.BytesIO(data)
    assert f.read(4) == b'Obj\x01', 'bad magic'
    meta = decode({'type': 'map', 'values': 'bytes'}, f, {})
    meta = {k: bytes.fromhex(v).decode('utf-8', 'replace') for k, v in meta.items()}
    sync = f.read(16)
    schema = json.loads(meta['avro.schema'])
    print('==', path)
    if show_meta:
        for k, v in meta.items():
            if k != 'avro.schema':
                print('  meta', k, '=', v if len(v) < 3000 else v[:3000] + '...')
    if show_schema:
        print(json.dumps(schema, indent=1))
    codec = meta.get('avro.codec', 'null')
    nrec = 0
    while f.tell() < len(data):
        count = read_long(f)
        size = read_long(f)
        block = f.read(size)
        if codec == 'deflate':
            block = zlib.decompress(block, -15)
        elif codec != 'null':
            print('  block codec', codec, 'not decoded')
            f.read(16)
            continue
        assert f.read(16) == sync, 'bad sync'
        bf = io.BytesIO(block)
        for _ in range(count):
            r = decode(schema, bf, {})
            nrec += 1
            if show_records:
                print(' ', json.dumps(r))
    print('  records:', nrec, 'codec:', codec)


if __name__ == '__main__':
    args = [a for a in sys.argv[1:] if not a.startswith('--')]
    flags = set(a for a in sys.argv[1:] if a.startswith('--'))
    if not flags:
        flags = {'--meta', '--records'}
    for p in args:
        dump(p, '--schema' in flags, '--meta' in flags, '--records' in flags)
