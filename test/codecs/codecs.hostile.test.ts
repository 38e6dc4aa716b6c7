import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
// The zstd helper thread runs compiled code (dist/codecs/zstd-thread.js, built by `pretest`): the
// codecs are driven through dist/ here, like test/codecs/zstd-thread.test.ts does.
import { decode } from '../../dist/codecs/index.js';
import { ByteReader } from '../../dist/codecs/byte-reader.js';
import { zstdHelperSessions } from '../../dist/codecs/zstd.js';
import { InputError, TruncatedInputError } from '../../dist/errors.js';
import { readAll, type InputRead } from '../../src/input/read.js';
import { chunksOf, collect, fixture, ROOT, RSS_LIMIT_MIB, runCliMeasured } from '../helpers.js';

const tmp = mkdtempSync(path.join(tmpdir(), 'spark-triage-hostile-codecs-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function failure(it: AsyncIterable<Buffer>): Promise<unknown> {
  try {
    await collect(it);
  } catch (e) {
    return e;
  }
  return undefined;
}

// ---- zstd frames built by hand (RFC 8878), to control every byte -----------------------------------

const ZSTD_MAGIC = Buffer.from([0x28, 0xb5, 0x2f, 0xfd]);
const blockHeader = (last: boolean, type: number, size: number): Buffer => {
  const v = (last ? 1 : 0) | (type << 1) | (size << 3);
  return Buffer.from([v & 255, (v >>> 8) & 255, (v >>> 16) & 255]);
};
type Block = { raw: Buffer } | { rle: number; size: number } | { compressed: Buffer };
/** A frame with a 1 MiB window, no content size; with `checksum`, 4 bytes of checksum (here deliberately wrong). */
function zstdFrame(blocks: Block[], checksum = false): Buffer {
  const parts: Buffer[] = [ZSTD_MAGIC, Buffer.from([checksum ? 0x04 : 0x00, 0x50])];
  blocks.forEach((b, i) => {
    const last = i === blocks.length - 1;
    if ('raw' in b) parts.push(blockHeader(last, 0, b.raw.length), b.raw);
    else if ('rle' in b) parts.push(blockHeader(last, 1, b.size), Buffer.from([b.rle]));
    else parts.push(blockHeader(last, 2, b.compressed.length), b.compressed);
  });
  if (checksum) parts.push(Buffer.alloc(4));
  return Buffer.concat(parts);
}
/** Raw blocks of at most 128 KiB (Block_Maximum_Size). */
const rawBlocks = (data: Buffer): Block[] => {
  const out: Block[] = [];
  for (let o = 0; o < data.length; o += 1 << 17) out.push({ raw: data.subarray(o, o + (1 << 17)) });
  return out;
};
/** About `bytes` of event lines no compressor shrinks, as raw-block frames: enough to send a stream to the helper thread. */
function noiseFrames(bytes: number): Buffer {
  let text = '';
  while (text.length < bytes) text += JSON.stringify({ Event: 'org.example.Noise', r: randomBytes(600).toString('base64') }) + '\n';
  return zstdFrame(rawBlocks(Buffer.from(text)));
}

describe('zstd', () => {
  const exact = JSON.parse(readFileSync(fixture('hostile-bytes', 'zstd-exact-mib', 'expect.json'), 'utf8')) as Record<
    string,
    { decodedBytes: number; lines: number; events: number }
  >;

  for (const [name, want] of Object.entries(exact)) {
    it(`a log decoding to exactly ${want.decodedBytes} bytes (a multiple of 1 MiB) is read whole, not "truncated"`, async () => {
      const bytes = readFileSync(fixture('hostile-bytes', 'zstd-exact-mib', name));
      expect((await collect(decode('zstd', chunksOf(bytes, 1 << 20)))).length).toBe(want.decodedBytes);
      const reads: InputRead[] = [];
      for await (const r of readAll([fixture('hostile-bytes', 'zstd-exact-mib', name)])) reads.push(r);
      expect(reads[0]!.failures).toEqual([]);
      expect(reads[0]!.apps[0]!.stats.truncated).toBe(false);
      expect(reads[0]!.apps[0]!.stats.events).toBe(want.events);
    });
  }

  it('names the block a damaged block starts at, not byte 0', async () => {
    const head = Buffer.from('{"Event":"SparkListenerLogStart","Spark Version":"3.5.1"}\n');
    const good = zstdFrame([{ raw: head }, { raw: head }, { raw: head }]);
    const frame1 = zstdFrame([{ raw: head }, { raw: head }]);
    // Frame 2: two good blocks, then a "compressed" block of garbage.
    const frame2 = zstdFrame([{ raw: head }, { raw: head }, { compressed: Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]) }]);
    const damagedAt = good.length + frame1.length + 6 + 2 * (3 + head.length);
    const e = await failure(decode('zstd', chunksOf(Buffer.concat([good, frame1, frame2]), 1 << 20)));
    expect(e).toBeInstanceOf(InputError);
    expect((e as InputError).problem).toMatchObject({ code: 'zstd-corrupt', data: { at: damagedAt, unit: 'block' } });
  });

  it('names a wrong checksum at the checksum', async () => {
    const f = zstdFrame([{ raw: Buffer.from('{"Event":"X"}\n') }], true);
    const e = await failure(decode('zstd', chunksOf(f, 4)));
    expect((e as InputError).problem).toMatchObject({ code: 'zstd-corrupt', data: { at: f.length - 4, unit: 'checksum' } });
  });

  it('names bytes that are no frame at all where they start', async () => {
    const f = zstdFrame([{ raw: Buffer.from('{"Event":"X"}\n') }]);
    const e = await failure(decode('zstd', chunksOf(Buffer.concat([f, Buffer.from('not a frame at all')]), 7)));
    expect((e as InputError).problem).toMatchObject({ code: 'zstd-corrupt', data: { at: f.length, unit: 'unknown-data' } });
  });

  it('tells a stream cut inside a frame from one cut between frames', async () => {
    const f = zstdFrame([{ raw: Buffer.from('{"Event":"X"}\n') }, { raw: Buffer.from('{"Event":"Y"}\n') }]);
    expect((await collect(decode('zstd', chunksOf(Buffer.concat([f, f]), 5)))).toString()).toBe('{"Event":"X"}\n{"Event":"Y"}\n'.repeat(2));
    const cut = Buffer.concat([f, f.subarray(0, f.length - 3)]);
    const e = await failure(decode('zstd', chunksOf(cut, 5)));
    expect(e).toBeInstanceOf(TruncatedInputError);
    expect((e as InputError).problem).toEqual({ code: 'zstd-truncated', data: { at: cut.length } });
  });

  it('a stream abandoned on the helper thread neither blocks the next one nor keeps the process alive', async () => {
    const binary = zstdFrame(rawBlocks(randomBytes(3 << 20)));
    const sessions = zstdHelperSessions();
    const it1 = decode('zstd', chunksOf(binary, 1 << 16), { helperThread: true })[Symbol.asyncIterator]();
    expect((await it1.next()).done).toBe(false); // then dropped without return(), as readPart drops a binary file
    const noise = noiseFrames(2 << 20);
    const out = await collect(decode('zstd', chunksOf(noise, 1 << 16), { helperThread: true }));
    expect(zstdHelperSessions()).toBe(sessions + 2);
    expect(out.toString().split('\n').length).toBeGreaterThan(2000);
    const file = path.join(tmp, 'binary.zstd');
    writeFileSync(file, binary);
    const r = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'spark-triage.cjs'), 'inspect', '--format', 'json', file], {
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(r.signal).toBeNull(); // not killed by the timeout: it exited by itself
    expect(r.status).toBe(2);
    expect(JSON.parse(r.stdout).inputs[0].error ?? r.stderr).toMatch(/binary/);
  });

  it('the helper module serves no other thread: scan on worker threads reads every log', () => {
    const dir = path.join(tmp, 'scan-workers');
    mkdirSync(dir, { recursive: true });
    for (const c of ['zstd', 'lz4', 'snappy', 'lzf', 'gzip']) copyFileSync(fixture('codecs', c), path.join(dir, `app.${c}`));
    const r = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'spark-triage.cjs'), 'scan', '--jobs', '2', '--format', 'csv', dir], {
      encoding: 'utf8',
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(
      r.stdout
        .trim()
        .split('\n')
        .slice(1)
        .filter((l) => l.includes('application_1700000000000_0001')),
    ).toHaveLength(5);
  });

  it('a 1.3 MB file that decodes to 2 GiB on the helper thread stays within the RSS bound', () => {
    // One line per MiB: a raw head, 8 RLE blocks of 128 KiB, a raw tail; 2,048 lines.
    const headRaw = Buffer.from('{"Event":"org.example.Bomb","pad":"');
    const line: Block[] = [
      { raw: headRaw },
      ...Array.from({ length: 8 }, () => ({ rle: 0x61, size: 1 << 17 })),
      { raw: Buffer.from('"}\n') },
    ];
    const bomb = zstdFrame(Array.from({ length: 2048 }, () => line).flat());
    const file = path.join(tmp, 'bomb.zstd');
    writeFileSync(file, Buffer.concat([noiseFrames(1200 << 10), bomb]));
    const r = runCliMeasured(['inspect', '--format', 'json', file]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).applications[0].events['org.example.Bomb']).toBe(2048);
    expect(r.rssMiB).toBeLessThan(RSS_LIMIT_MIB);
  });

  it('20,000 one-line frames (a piece each) stay within the RSS bound', () => {
    const line = Buffer.from('{"Event":"org.example.Tiny","i":"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"}\n');
    // Single segment, 1-byte content size, one raw block.
    const one = Buffer.concat([ZSTD_MAGIC, Buffer.from([0x20, line.length]), blockHeader(true, 0, line.length), line]);
    const file = path.join(tmp, 'tiny.zstd');
    writeFileSync(file, Buffer.concat(Array.from({ length: 20_000 }, () => one)));
    const r = runCliMeasured(['inspect', '--format', 'json', file]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).applications[0].events['org.example.Tiny']).toBe(20_000);
    expect(r.rssMiB).toBeLessThan(RSS_LIMIT_MIB);
  });
});

// ---- block sizes checked against the format before anything is read or allocated --------------------

/** A source that counts the chunks pulled from it: a rejected length must not pull the body. */
function counted(bytes: Buffer, chunk: number): { source: AsyncIterable<Buffer>; pulled: () => number } {
  let n = 0;
  async function* gen(): AsyncGenerator<Buffer> {
    for (let i = 0; i < bytes.length; i += chunk) {
      n++;
      yield bytes.subarray(i, i + chunk);
    }
  }
  return { source: gen(), pulled: () => n };
}

const lz4Header = (token: number, compressedLen: number, originalLen: number): Buffer => {
  const h = Buffer.alloc(21);
  h.write('LZ4Block', 'latin1');
  h[8] = token;
  h.writeInt32LE(compressedLen, 9);
  h.writeInt32LE(originalLen, 13);
  return h;
};
const SNAPPY_HEADER = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00, 0, 0, 0, 1, 0, 0, 0, 1]);

describe('lz4, snappy: a damaged length is refused before its body is read', () => {
  const body = Buffer.alloc(8 << 20);

  it('lz4: a 2 GiB compressed length for a 32 MiB block', async () => {
    const { source, pulled } = counted(Buffer.concat([lz4Header(0x2f, 0x7fffffff, 1 << 25), body]), 1 << 16);
    const e = await failure(decode('lz4', source));
    expect((e as InputError).problem).toEqual({ code: 'lz4-bad-header', data: { at: 0 } });
    expect(pulled()).toBe(1);
  });

  it('lz4: a compressed length past LZ4_compressBound of the block', async () => {
    // LZ4_compressBound(100) = 116.
    const e = await failure(decode('lz4', counted(Buffer.concat([lz4Header(0x20, 117, 100), body]), 1 << 16).source));
    expect((e as InputError).problem).toEqual({ code: 'lz4-bad-header', data: { at: 0 } });
  });

  it('snappy: a 2 GiB chunk length', async () => {
    const len = Buffer.alloc(4);
    len.writeInt32BE(0x7fffffff);
    const { source, pulled } = counted(Buffer.concat([SNAPPY_HEADER, len, body]), 1 << 16);
    const e = await failure(decode('snappy', source));
    expect((e as InputError).problem).toEqual({ code: 'snappy-bad-block-length', data: { at: 16, length: 0x7fffffff } });
    expect(pulled()).toBe(1);
  });

  it('snappy: a block whose varint claims 32 GiB is a coded error, not ERR_OUT_OF_RANGE', async () => {
    const block = Buffer.from([0xff, 0xff, 0xff, 0xff, 0x7f, 0x00, 0x61]);
    const len = Buffer.alloc(4);
    len.writeInt32BE(block.length);
    const e = await failure(decode('snappy', chunksOf(Buffer.concat([SNAPPY_HEADER, len, block]), 64)));
    expect((e as InputError).problem).toEqual({ code: 'snappy-corrupt-block', data: { at: 16, what: 'bad-length' } });
  });

  it('snappy: a block claiming more than its bytes can decode to', async () => {
    // 1 MiB claimed by 3 bytes of content: a copy of 3 bytes writes at most 64.
    const block = Buffer.from([0x80, 0x80, 0x40, 0x00, 0x61, 0x62]);
    const len = Buffer.alloc(4);
    len.writeInt32BE(block.length);
    const e = await failure(decode('snappy', chunksOf(Buffer.concat([SNAPPY_HEADER, len, block]), 64)));
    expect((e as InputError).problem).toEqual({ code: 'snappy-corrupt-block', data: { at: 16, what: 'bad-length' } });
  });

  it('a large block is gathered with one copy, however many chunks it comes in', async () => {
    const data = Buffer.alloc(8 << 20, 7);
    const r = new ByteReader(chunksOf(data, 1024)[Symbol.asyncIterator]());
    const concat = vi.spyOn(Buffer, 'concat');
    try {
      const got = await r.read(data.length, 'block');
      expect(got.equals(data)).toBe(true);
      expect(concat).toHaveBeenCalledTimes(1);
    } finally {
      concat.mockRestore();
    }
  });
});
