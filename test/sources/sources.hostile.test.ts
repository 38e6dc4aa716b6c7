import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as zlib from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import type { Problem } from '../../src/errors.js';
import { readAll, type InputRead } from '../../src/input/read.js';
import { inputErrorText } from '../../src/render/words/input-errors.js';
import { readFileChunks } from '../../src/sources/file-chunks.js';
import { peek } from '../../src/sources/peek.js';
import { resolveInputs, spool } from '../../src/sources/resolve.js';
import { tableCrc32, ZIP_MIN_DECODED, zipDecodeLimit } from '../../src/sources/zip.js';
import { fixture, ROOT } from '../helpers.js';

const tmp = mkdtempSync(path.join(tmpdir(), 'spark-triage-hostile-sources-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const SOURCE = readFileSync(fixture('codecs', 'source.jsonl'));
const BIN = path.join(ROOT, 'bin', 'spark-triage.cjs');
let n = 0;
const fresh = (name: string): string => {
  const d = path.join(tmp, `${++n}-${name}`);
  mkdirSync(d, { recursive: true });
  return d;
};

async function readPaths(paths: (string | Buffer)[]): Promise<InputRead[]> {
  const out: InputRead[] = [];
  // readAll takes strings; a Buffer path goes through resolveInputs as scan's walk hands it over.
  if (paths.every((p) => typeof p === 'string')) {
    for await (const r of readAll(paths)) out.push(r);
    return out;
  }
  const { readInput } = await import('../../src/input/read.js');
  for await (const input of resolveInputs(paths)) out.push(await readInput(input));
  return out;
}
const problems = (reads: InputRead[]): Problem[] => reads.flatMap((r) => r.failures.map((f) => f.problem));

/** Descriptors this process has open (Linux). */
const openFds = (): number => readdirSync('/proc/self/fd').length;
const hasProc = existsSync('/proc/self/fd');

// ---- a zip writer, to build every malformation ------------------------------------------------------

interface ZipSpec {
  name: string;
  data?: Buffer;
  method?: number;
  flags?: number;
  crc?: number;
  /** Declared uncompressed size (default: the data's). */
  declared?: number;
  /** Raw entry body (default: the data, deflated for method 8). */
  body?: Buffer;
  /** Point this entry at the local header of entry i instead of writing its own. */
  sameAs?: number;
}
function makeZip(specs: ZipSpec[]): Buffer {
  const locals: Buffer[] = [];
  const cds: Buffer[] = [];
  const offsets: number[] = [];
  let off = 0;
  for (const e of specs) {
    const name = Buffer.from(e.name);
    const method = e.method ?? 8;
    const data = e.data ?? Buffer.alloc(0);
    const body = e.body ?? (method === 8 ? zlib.deflateRawSync(data) : data);
    const crc = e.crc ?? tableCrc32(data, 0);
    const size = e.declared ?? data.length;
    let lho = off;
    if (e.sameAs !== undefined) lho = offsets[e.sameAs]!;
    else {
      const lh = Buffer.alloc(30);
      lh.writeUInt32LE(0x04034b50, 0);
      lh.writeUInt16LE(20, 4);
      lh.writeUInt16LE(e.flags ?? 0, 6);
      lh.writeUInt16LE(method, 8);
      lh.writeUInt32LE(crc, 14);
      lh.writeUInt32LE(body.length, 18);
      lh.writeUInt32LE(size, 22);
      lh.writeUInt16LE(name.length, 26);
      locals.push(lh, name, body);
      off += 30 + name.length + body.length;
    }
    offsets.push(lho);
    const c = Buffer.alloc(46);
    c.writeUInt32LE(0x02014b50, 0);
    c.writeUInt16LE(20, 4);
    c.writeUInt16LE(20, 6);
    c.writeUInt16LE(e.flags ?? 0, 8);
    c.writeUInt16LE(method, 10);
    c.writeUInt32LE(crc, 16);
    c.writeUInt32LE(body.length, 20);
    c.writeUInt32LE(size, 24);
    c.writeUInt16LE(name.length, 28);
    c.writeUInt32LE(lho, 42);
    cds.push(c, name);
  }
  const cd = Buffer.concat(cds);
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(specs.length, 8);
  eocd.writeUInt16LE(specs.length, 10);
  eocd.writeUInt32LE(cd.length, 12);
  eocd.writeUInt32LE(off, 16);
  return Buffer.concat([...locals, cd, eocd]);
}
const writeZip = (name: string, specs: ZipSpec[]): string => {
  const file = path.join(fresh('zip'), name);
  writeFileSync(file, makeZip(specs));
  return file;
};

describe('zip', () => {
  it('reads stored and deflated entries, CRC-32 checked', async () => {
    const reads = await readPaths([
      writeZip('good.zip', [
        { name: 'a.log', data: SOURCE },
        { name: 'b.log', data: SOURCE, method: 0 },
      ]),
    ]);
    expect(problems(reads)).toEqual([]);
    expect(reads[0]!.apps.map((a) => a.stats.events)).toEqual([304, 304]);
  });

  it('rejects entries that overlap (4,000 entries on one stream), before decoding any', async () => {
    const big = Buffer.concat([SOURCE, Buffer.alloc(64 << 20, 0x20)]);
    const body = zlib.deflateRawSync(big);
    const crc = tableCrc32(big, 0);
    const specs: ZipSpec[] = [{ name: 'eventlog_v2_x/events_1_x', data: big, body, crc }];
    for (let i = 1; i < 4000; i++) specs.push({ name: `app-${i}.log`, data: big, body, crc, sameAs: 0 });
    const reads = await readPaths([writeZip('overlap.zip', specs)]);
    expect(problems(reads)).toEqual([{ code: 'zip-overlapping-entries', data: { entry: 'app-1.log', other: 'eventlog_v2_x/events_1_x' } }]);
    expect(reads[0]!.apps).toEqual([]);
  });

  it('bounds what a zip may decode to by its size, from the sizes its directory declares', async () => {
    const file = writeZip('declared.zip', [{ name: 'a.log', data: SOURCE, declared: ZIP_MIN_DECODED + 1 }]);
    const reads = await readPaths([file]);
    expect(problems(reads)).toEqual([{ code: 'zip-too-large', data: { declared: ZIP_MIN_DECODED + 1, limit: ZIP_MIN_DECODED } }]);
    expect(zipDecodeLimit(10 << 20)).toBe(1000 << 20); // 100 times its size past the floor
    expect(zipDecodeLimit(1e12)).toBe(64 * 1024 ** 3); // and no more than the ceiling
  });

  it('stops an entry that decodes to more than it declares', async () => {
    const data = Buffer.concat([SOURCE, Buffer.alloc(8 << 20, 0x20)]);
    const reads = await readPaths([writeZip('liar.zip', [{ name: 'a.log', data, declared: SOURCE.length }])]);
    expect(problems(reads)).toEqual([
      {
        code: 'zip-entry-size-mismatch',
        data: expect.objectContaining({ entry: 'a.log', declared: SOURCE.length, atLeast: true }) as unknown,
      },
    ]);
  });

  it('checks every entry against its CRC-32', async () => {
    const reads = await readPaths([writeZip('crc.zip', [{ name: 'a.log', data: SOURCE, crc: 0x12345678 }])]);
    expect(problems(reads)).toEqual([
      { code: 'zip-crc-mismatch', data: { entry: 'a.log', expected: 0x12345678, actual: zlib.crc32(SOURCE) } },
    ]);
  });

  it('names bzip2, LZMA, Zstandard and encrypted entries as such, not "empty file"', async () => {
    const junk = Buffer.from('BZh91AY&SY not really');
    const file = writeZip('methods.zip', [
      { name: 'a.log', data: SOURCE, method: 12, body: junk },
      { name: 'b.log', data: SOURCE, method: 14, body: junk },
      { name: 'c.log', data: SOURCE, method: 93, body: junk },
      { name: 'd.log', data: SOURCE, flags: 1 },
    ]);
    const got = problems(await readPaths([file]));
    expect(got).toEqual([
      { code: 'zip-unsupported-method', data: { entry: 'a.log', method: 12 } },
      { code: 'zip-unsupported-method', data: { entry: 'b.log', method: 14 } },
      { code: 'zip-unsupported-method', data: { entry: 'c.log', method: 93 } },
      { code: 'zip-encrypted-entry', data: { entry: 'd.log' } },
    ]);
    expect(got.map(inputErrorText).slice(0, 3).join('\n')).toMatch(/bzip2[\s\S]*LZMA[\s\S]*Zstandard/);
  });

  it('the table CRC-32 (for Node before 20.15) is zlib’s', () => {
    for (const b of [Buffer.alloc(0), Buffer.from('abc'), SOURCE]) expect(tableCrc32(b, 0)).toBe(zlib.crc32(b));
    expect(tableCrc32(SOURCE.subarray(100), tableCrc32(SOURCE.subarray(0, 100), 0))).toBe(zlib.crc32(SOURCE));
  });

  it.skipIf(!hasProc)('rejected entries and codec errors leak no descriptor', async () => {
    const specs: ZipSpec[] = [];
    for (let i = 0; i < 300; i++) specs.push({ name: `x${i}.log`, data: SOURCE, method: i % 2 === 0 ? 12 : 8, crc: i % 2 ? 1 : undefined });
    const file = writeZip('many.zip', specs);
    const before = openFds();
    const reads = await readPaths([file]);
    expect(problems(reads)).toHaveLength(300);
    expect(openFds()).toBe(before);
  });
});

describe('descriptors', () => {
  it('a file read only in part (its reader stops) holds no descriptor', async () => {
    const file = path.join(fresh('part'), 'big.bin');
    writeFileSync(file, Buffer.alloc(3 << 20, 1));
    const before = hasProc ? openFds() : 0;
    const its = Array.from({ length: 50 }, () => readFileChunks(file));
    for (const it of its) await it.next(); // then dropped without return()
    if (hasProc) expect(openFds()).toBe(before);
  });

  it('peek: an error before the first byte is thrown at once; return() closes the source even unread', async () => {
    async function* failing(): AsyncGenerator<Buffer> {
      yield* [];
      throw new Error('boom');
    }
    await expect(peek(failing(), 8)).rejects.toThrow('boom');
    let closed = false;
    async function* source(): AsyncGenerator<Buffer> {
      try {
        for (;;) yield Buffer.alloc(1024);
      } finally {
        closed = true;
      }
    }
    const p = await peek(source(), 8);
    await p.stream.return!();
    expect(closed).toBe(true);
  });

  it('1,100 stray files over 64 KiB do not starve a later log of descriptors (ulimit -n 256)', () => {
    const dir = fresh('stray');
    const junk = Buffer.alloc(200 * 1024);
    for (let i = 0; i < junk.length; i++) junk[i] = (i * 7919) & 0xff;
    for (let i = 0; i < 1100; i++) writeFileSync(path.join(dir, `bad-${String(i).padStart(4, '0')}.bin`), junk);
    writeFileSync(path.join(dir, 'zz-good.jsonl'), SOURCE);
    const r = spawnSync('bash', ['-c', `ulimit -n 256 && exec "${process.execPath}" "${BIN}" inspect --format json "${dir}"`], {
      encoding: 'utf8',
      maxBuffer: 1 << 26,
    });
    expect(r.stderr).not.toMatch(/EMFILE/);
    const out = JSON.parse(r.stdout);
    const good = out.inputs.find((i: { path: string }) => i.path.endsWith('zz-good.jsonl'));
    expect(good.error).toBeUndefined();
    expect(out.applications).toHaveLength(1);
    expect(out.applications[0].appId).toBe('application_1700000000000_0001');
  });
});

describe('file names that are not UTF-8', () => {
  it('are read by their bytes and shown with the bad bytes as \\xNN', async () => {
    const dir = fresh('names');
    const name = Buffer.concat([Buffer.from(dir + '/app-'), Buffer.from([0xff, 0xfe]), Buffer.from('-é.log')]);
    writeFileSync(name, SOURCE);
    const reads = await readPaths([dir]);
    expect(problems(reads)).toEqual([]);
    expect(reads[0]!.path).toBe(`${dir}/app-\\xff\\xfe-é.log`);
    expect(reads[0]!.apps[0]!.stats.events).toBe(304);
    // Named as bytes, as scan's walk hands it over.
    const direct = await readPaths([name]);
    expect(direct[0]!.path).toBe(`${dir}/app-\\xff\\xfe-é.log`);
    expect(problems(direct)).toEqual([]);
    const r = spawnSync(process.execPath, [BIN, 'inspect', '--format', 'json', dir], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).inputs[0].path).toBe(`${dir}/app-\\xff\\xfe-é.log`);
  });

  it('a shown path given back (by scan, or pasted) opens the file it shows', async () => {
    const dir = fresh('names');
    writeFileSync(Buffer.concat([Buffer.from(dir + '/app-'), Buffer.from([0xff]), Buffer.from('.log')]), SOURCE);
    const reads = await readPaths([`${dir}/app-\\xff.log`]);
    expect(problems(reads)).toEqual([]);
    expect(reads[0]!.path).toBe(`${dir}/app-\\xff.log`);
    const r = spawnSync(process.execPath, [BIN, 'scan', '--format', 'csv', dir], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`${dir}/app-\\xff.log,application_1700000000000_0001,codec-fixture`);
  });
});

describe('rolling logs with parts missing', () => {
  const rolling = (parts: string[], status = 'appstatus_app-20240101000000-0001'): string => {
    const dir = path.join(fresh('rolling'), 'eventlog_v2_app-20240101000000-0001');
    mkdirSync(dir);
    for (const p of parts) writeFileSync(path.join(dir, p), p.includes('_1_') || p.endsWith('.compact') ? SOURCE : '{"Event":"X"}\n');
    writeFileSync(path.join(dir, status), '');
    return dir;
  };
  const hints = async (dir: string): Promise<unknown> => (await readPaths([dir]))[0]!.apps[0]!.log.hints.missingParts;

  it('says which parts are missing: the first, or a gap', async () => {
    expect(await hints(rolling(['events_2_app-20240101000000-0001', 'events_3_app-20240101000000-0001']))).toEqual({
      indices: [1],
      total: 1,
    });
    expect(await hints(rolling(['events_1_app-20240101000000-0001', 'events_4_app-20240101000000-0001']))).toEqual({
      indices: [2, 3],
      total: 2,
    });
    expect(await hints(rolling(['events_1_app-20240101000000-0001', 'events_2_app-20240101000000-0001']))).toBeUndefined();
  });

  it('counts from the last compacted part, and reads from it', async () => {
    const dir = rolling([
      'events_1_app-20240101000000-0001',
      'events_5_app-20240101000000-0001.compact',
      'events_6_app-20240101000000-0001',
    ]);
    const reads = await readPaths([dir]);
    expect(reads[0]!.apps[0]!.log.hints.missingParts).toBeUndefined();
    expect(reads[0]!.apps[0]!.log.parts.map((p) => path.basename(p.name))).toEqual([
      'events_5_app-20240101000000-0001.compact',
      'events_6_app-20240101000000-0001',
    ]);
  });

  it('a million-wide gap is listed in part, counted in full', async () => {
    expect(await hints(rolling(['events_1_app-20240101000000-0001', 'events_1000000_app-20240101000000-0001']))).toEqual({
      indices: Array.from({ length: 20 }, (_, i) => i + 2),
      total: 999_998,
    });
  });
});

describe('a zip on standard input', () => {
  const zip = makeZip([{ name: 'a.log', data: SOURCE }]);

  it('is spooled to a private directory, read, and the copy removed', () => {
    const t = fresh('tmpdir');
    const r = spawnSync(process.execPath, [BIN, 'inspect', '--format', 'json', '-'], {
      input: zip,
      encoding: 'utf8',
      env: { ...process.env, TMPDIR: t },
    });
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).applications[0].appId).toBe('application_1700000000000_0001');
    expect(readdirSync(t)).toEqual([]);
  });

  for (const signal of ['SIGTERM', 'SIGHUP', 'SIGINT'] as const) {
    it(`the copy is removed on ${signal}, and the process still ends by it`, async () => {
      const t = fresh('tmpdir');
      const child = spawn(process.execPath, [BIN, 'inspect', '-'], {
        env: { ...process.env, TMPDIR: t },
        stdio: ['pipe', 'ignore', 'pipe'],
      });
      child.stdin.write(zip.subarray(0, 100)); // the rest never comes: the spool is open
      for (let i = 0; i < 200 && readdirSync(t).length === 0; i++) await new Promise((r) => setTimeout(r, 25));
      expect(readdirSync(t)).toHaveLength(1);
      const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, sig) => resolve(sig)));
      child.kill(signal);
      expect(await exited).toBe(signal);
      expect(readdirSync(t)).toEqual([]);
    });
  }

  it('an unusable temporary directory is one line naming it, exit 2', () => {
    const missing = path.join(tmp, 'no-such-dir');
    const r = spawnSync(process.execPath, [BIN, 'inspect', '-'], {
      input: zip,
      encoding: 'utf8',
      env: { ...process.env, TMPDIR: missing },
    });
    expect(r.status).toBe(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(missing);
    expect(lines[0]).toContain('ENOENT');
  });

  it('is bounded: past the limit it is refused and nothing is left', async () => {
    const t = fresh('tmpdir');
    const before = process.env.TMPDIR;
    process.env.TMPDIR = t;
    try {
      async function* source(): AsyncGenerator<Buffer> {
        for (let i = 0; i < 10; i++) yield Buffer.alloc(1024);
      }
      await expect(spool(source(), 4096)).rejects.toMatchObject({ code: 'stdin-too-large', data: { limit: 4096 } });
      expect(readdirSync(t)).toEqual([]);
    } finally {
      if (before === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = before;
    }
  });
});
