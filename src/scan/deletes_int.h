/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Internals shared by the delete-file sources (posset.c, dv.c) and their tests:
 * loading Roaring containers straight into a position set, and the bare
 * portable 64-bit Roaring decoder.
 */
#ifndef ST_SCAN_DELETES_INT_H
#define ST_SCAN_DELETES_INT_H

#include "scan/deletes.h"

/* The container kinds of a position set (and of Roaring). */
enum { PS_ARRAY = 0, PS_BITMAP = 1, PS_RUNS = 2 };

/*
 * Appends one 64K chunk to a set being built, decoded from its serialized
 * little-endian form: PS_ARRAY `n` uint16 values, strictly ascending;
 * PS_BITMAP 1024 uint64 words (n unused); PS_RUNS `n` (start, length - 1)
 * uint16 pairs, ascending, not overlapping, none past 65535. `key` is the
 * position's high 48 bits and must exceed every key loaded before. The caller
 * has validated all of this (dv.c does); the set is sealed afterwards as usual.
 * @return 0 or ST_ENOMEM.
 */
int st_posset_load_chunk(st_posset *s, uint64_t key, int kind, const uint8_t *le, uint32_t n);

/*
 * Decodes a bare portable 64-bit Roaring bitmap (no deletion-vector framing:
 * 8-byte little-endian bitmap count, then key + 32-bit bitmap each) that must
 * fill exactly `len` bytes, into a new sealed set. `name` names the bytes in
 * messages.
 * @return 0, ST_ECORRUPT, ST_ENOMEM.
 */
int st_dv_decode_portable(st_posset **out, const uint8_t *p, size_t len, const char *name);

/* Chunks in the set and the kind of chunk i (after st_posset_seal), for tests. */
int st_posset_chunk_count(const st_posset *s);
int st_posset_chunk_kind(const st_posset *s, int i);

#endif
