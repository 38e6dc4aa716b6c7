import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decode, detectCodec } from '../../src/codecs/index.js';
import { decodedBytes, decodedSize, EXPANSION, largestFirst, zstdContentSize } from '../../src/scan/decoded.js';
import { walkLogDir, type Unit } from '../../src/sources/walk.js';
import { chunksOf, collect, EVENTLOGS, FIXTURES, hasShared } from '../helpers.js';

const CODECS = path.join(FIXTURES, 'codecs');
const decodedLength = async (file: string): Promise<number> => {
  const bytes = readFileSync(file);
  return (await collect(decode(detectCodec(bytes), chunksOf(bytes, 1 << 20)))).length;
};
const units = async (dir: string): Promise<Unit[]> => {
  const out: Unit[] = [];
  for await (const u of walkLogDir(dir)) out.push(u);
  return out;
};

describe("scan's weighing of logs by what they decode to", () => {
  it('holds each expansion factor under the ratio of the fixture Spark’s own codec library wrote', async () => {
    const source = statSync(path.join(CODECS, 'source.jsonl')).size;
    for (const codec of ['zstd', 'gzip', 'lz4', 'lzf', 'snappy'] as const) {
      const file = path.join(CODECS, codec);
      expect(await decodedLength(file)).toBe(source);
      const ratio = source / statSync(file).size;
      expect(EXPANSION[codec]).toBeLessThanOrEqual(ratio);
      expect(EXPANSION[codec]).toBeGreaterThan(ratio - 1.5); // not a guess far below what was measured
    }
  });

  it('reads no size from a zstd-jni frame (Spark writes none) and weighs it by the factor', () => {
    const head = readFileSync(path.join(CODECS, 'zstd')).subarray(0, 18);
    expect(zstdContentSize(head)).toBeNull();
    expect(decodedSize(head, 1000)).toBe(1000 * EXPANSION.zstd);
  });

  it('reads the content size of every field width (RFC 8878 §3.1.1.1.4), the 2-byte one offset by 256', () => {
    const magic = [0x28, 0xb5, 0x2f, 0xfd];
    // single segment, 1-byte size; window descriptor absent
    expect(zstdContentSize(Buffer.from([...magic, 0x20, 200]))).toBe(200);
    // 2-byte size with a window descriptor and a 1-byte dictionary id
    expect(zstdContentSize(Buffer.from([...magic, 0x41, 0x58, 7, 0x10, 0x00]))).toBe(0x0010 + 256);
    // 4-byte size, 8-byte size
    expect(zstdContentSize(Buffer.from([...magic, 0x80, 0x58, 0x78, 0x56, 0x34, 0x12]))).toBe(0x12345678);
    expect(zstdContentSize(Buffer.from([...magic, 0xe0, 1, 2, 3, 4, 5, 0, 0, 0]))).toBe(0x0504030201);
    expect(zstdContentSize(Buffer.from([...magic, 0x80, 0x58, 0x78]))).toBeNull(); // cut short
  });

  it('a plain file is its size, a zip its size by the deflate factor', () => {
    expect(decodedSize(Buffer.from('{"Event":"SparkListenerLogStart"}'), 123)).toBe(123);
    expect(decodedSize(Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 0]), 10)).toBe(10 * EXPANSION.zip);
  });

  it.skipIf(!hasShared)('finds the real corpus’s zstd logs at their exact decoded sizes, and stops weighing at enough', async () => {
    const all = await units(EVENTLOGS);
    const zstd = all.filter((u) => u.group === null && u.path.endsWith('.zstd') && u.bytes < 200_000).slice(0, 5);
    expect(zstd.length).toBe(5);
    for (const u of zstd) expect(decodedBytes([u], Infinity)).toBe(await decodedLength(u.path));
    const onDisk = all.reduce((s, u) => s + u.bytes, 0);
    const decoded = decodedBytes(all, Infinity);
    expect(decoded).toBeGreaterThan(10 * onDisk); // 25 MB on disk decode to ~370 MB
    const partial = decodedBytes(all, 1);
    expect(partial).toBeLessThan(decoded);
    expect(partial).toBeGreaterThanOrEqual(1);
  });

  it('orders logs for threads by what their listing says they decode to, largest first, stable on ties', () => {
    const unit = (p: string, bytes: number, extra: Partial<Unit> = {}): Unit => ({
      path: p,
      fsPath: p,
      mtime: 0,
      bytes,
      group: null,
      groupPaths: null,
      ...extra,
    });
    const order = largestFirst([
      unit('a', 100),
      unit('b.zstd', 20), // 20 × 9 = 180
      unit('c', 150),
      unit('d', 100),
      unit('e.lz4.inprogress', 30), // 30 × 6 = 180: ties with b, after it as listed
      unit('f', 10_000, { error: { code: 'empty-file', data: {} } }), // unreadable: weighs nothing
    ]).map((u) => u.path);
    expect(order).toEqual(['b.zstd', 'e.lz4.inprogress', 'c', 'a', 'd', 'f']);
  });

  it.skipIf(!hasShared)('puts the real corpus’s largest log (the 128 MiB-window zstd one, 142 MB decoded) first', async () => {
    const first = largestFirst(await units(EVENTLOGS))[0]!;
    expect(first.path.endsWith('nds_q88_photon_db_13_3.zstd')).toBe(true);
  });
});
