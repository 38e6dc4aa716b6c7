import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { readFileChunks } from '../../src/sources/file-chunks.js';
import { peek } from '../../src/sources/peek.js';
import { resolveInputs, resolveUnit, type ResolvedInput } from '../../src/sources/resolve.js';
import { TempSpool } from '../../src/sources/temp.js';
import { walkLogDir } from '../../src/sources/walk.js';
import { collect, FIXTURES } from '../helpers.js';

/** What reading an input depends on: its path, layout, error, and each log's parts and hints. */
const shape = (r: ResolvedInput): unknown => ({
  path: r.path,
  layout: r.layout,
  error: r.error ?? null,
  apps: r.apps.map((a) => ({ parts: a.parts.map((p) => [p.name, p.inProgress]), hints: a.hints })),
});

const all = async <T>(it: AsyncIterable<T>): Promise<T[]> => {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
};

describe('a unit of a walk resolves as its path would', () => {
  it('every unit under fixtures/ (files, zips, rolling and legacy directories, unreadable ones)', async () => {
    let units = 0;
    for await (const u of walkLogDir(FIXTURES)) {
      units++;
      const byUnit = await all(resolveUnit(u));
      const byPath =
        u.error === undefined ? await all(resolveInputs([u.path])) : [{ path: u.path, layout: 'single', apps: [], error: u.error }];
      expect(byUnit.map(shape), u.path).toEqual(byPath.map((r) => shape(r as ResolvedInput)));
    }
    expect(units).toBeGreaterThan(100);
  });
});

describe('peek', () => {
  async function* pieces(...bs: string[]): AsyncGenerator<Buffer> {
    for (const b of bs) yield Buffer.from(b);
  }

  it('takes the head across pieces, as a copy, and hands every piece on whole', async () => {
    const src = [Buffer.from('ab'), Buffer.from('cdef'), Buffer.from('gh')];
    async function* gen(): AsyncGenerator<Buffer> {
      yield* src;
    }
    const { head, stream, ended } = await peek(gen(), 5);
    expect(head.toString()).toBe('abcde');
    expect(ended).toBe(false);
    src[0]!.fill(0x78); // a reader recycling a piece does not change the head
    src[1]!.fill(0x78);
    expect(head.toString()).toBe('abcde');
    expect((await collect(stream)).toString()).toBe('xxxxxxgh');
  });

  it('a stream shorter than the head asked for', async () => {
    const { head, stream, ended } = await peek(pieces('abc'), 64);
    expect([head.toString(), ended]).toEqual(['abc', true]);
    expect((await collect(stream)).toString()).toBe('abc');
  });
});

describe('readFileChunks', () => {
  it('reads a file of any size whole, in order, around the 64 KiB first read', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'st-chunks-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    for (const size of [0, 1, 65535, 65536, 65537, 200_000, (1 << 20) - 1, 1 << 20, (1 << 20) + 1, 3 * (1 << 20) + 7]) {
      const data = Buffer.alloc(size);
      for (let i = 0; i < size; i++) data[i] = (i * 31 + (i >> 8)) & 0xff;
      const f = path.join(dir, `f${size}`);
      writeFileSync(f, data);
      const got = await collect(readFileChunks(f));
      expect(got.equals(data), `${size} bytes`).toBe(true);
    }
  });
});

describe('TempSpool', () => {
  it('gives back what was written, in order, written in batches', () => {
    const spool = new TempSpool('st-spool-test-', 'output');
    const rows = Array.from({ length: 500 }, (_, i) => `row ${i} ${'é'.repeat(i % 300)}\n`);
    for (const r of rows) spool.write(r);
    const lines: string[] = [];
    spool.drainLines((l) => lines.push(l));
    expect(lines).toEqual(rows.map((r) => r.slice(0, -1)));
  });
});
