import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
// The helper thread runs compiled code (dist/codecs/zstd-thread.js, built by `pretest`), so this
// suite drives the built module; the rest of the suite tests src/ directly.
import { decode } from '../../dist/codecs/index.js';
import { TruncatedInputError } from '../../dist/codecs/byte-reader.js';
import { zstdHelperSessions, zstdInputBuffers } from '../../dist/codecs/zstd.js';
import { InputError } from '../../dist/errors.js';
import { zstdFrameWindow } from '../../dist/codecs/zstd-frames.js';
import { chunksOf, collect, EVENTLOGS, fixture, hasShared } from '../helpers.js';

const source = readFileSync(fixture('codecs', 'source.jsonl'));
const frame = readFileSync(fixture('codecs', 'zstd'));
// 60 complete frames back to back (1.6 MB compressed, above the 1 MiB the helper is used from) that
// decode to 60 copies of the source (14.8 MB, more than the 8 MiB the helper may run ahead).
const COPIES = 60;
const big = Buffer.concat(Array.from({ length: COPIES }, () => frame));
const bigSource = Buffer.concat(Array.from({ length: COPIES }, () => source));

const onHelper = (bytes: Buffer, chunk = 1 << 16): AsyncIterable<Buffer> => decode('zstd', chunksOf(bytes, chunk), { helperThread: true });

async function failure(it: AsyncIterable<Buffer>): Promise<unknown> {
  try {
    await collect(it);
  } catch (e) {
    return e;
  }
  return undefined;
}

describe('zstd on the helper thread', () => {
  it('decodes a large stream byte-exact, on the helper', async () => {
    const before = zstdHelperSessions();
    const out = await collect(onHelper(big));
    expect(zstdHelperSessions()).toBe(before + 1);
    expect(out.length).toBe(bigSource.length);
    expect(out.equals(bigSource)).toBe(true);
  });

  it('moves the compressed chunks to the helper in a few buffers it hands back, whatever their sizes', async () => {
    // 1.2 MiB (more than a buffer holds), then 64 KiB chunks: ~7 of them, each copied to the helper.
    async function* uneven(): AsyncGenerator<Buffer> {
      const first = Math.floor(1.2 * (1 << 20));
      yield big.subarray(0, first);
      for (let at = first; at < big.length; at += 1 << 16) yield big.subarray(at, Math.min(big.length, at + (1 << 16)));
    }
    const before = zstdInputBuffers();
    const out = await collect(decode('zstd', uneven(), { helperThread: true }));
    expect(out.equals(bigSource)).toBe(true);
    // One per chunk in flight at once (2, INPUT_AHEAD), and one more when the first, too large, is not reused.
    expect(zstdInputBuffers() - before).toBeLessThanOrEqual(3);
  });

  it('keeps a small stream on this thread', async () => {
    const before = zstdHelperSessions();
    const out = await collect(onHelper(frame));
    expect(out.equals(source)).toBe(true);
    expect(zstdHelperSessions()).toBe(before);
  });

  it('reports a stream cut inside a frame as truncation', async () => {
    const cut = big.subarray(0, big.length - frame.length / 2);
    const e = await failure(onHelper(cut));
    expect(e).toBeInstanceOf(TruncatedInputError);
    expect(e instanceof InputError && e.problem).toEqual({ code: 'zstd-truncated', data: { at: cut.length } });
  });

  it('reports corruption with the byte offset', async () => {
    const bad = Buffer.from(big);
    const at = frame.length * 50 + 10_000;
    for (let i = at; i < at + 40; i++) bad[i] = 0xff;
    const e = await failure(onHelper(bad));
    expect(e).toBeInstanceOf(InputError);
    expect(e).not.toBeInstanceOf(TruncatedInputError);
    const p = e instanceof InputError ? e.problem : null;
    expect(p?.code).toBe('zstd-corrupt');
    expect(p?.code === 'zstd-corrupt' && p.data.at).toBeGreaterThanOrEqual(at - (1 << 16));
  });

  it('passes on an error of the source itself', async () => {
    async function* failing(): AsyncGenerator<Buffer> {
      yield* chunksOf(big.subarray(0, 1 << 21), 1 << 16);
      throw new Error('EIO: i/o error, read');
    }
    const e = await failure(decode('zstd', failing(), { helperThread: true }));
    expect((e as Error).message).toBe('EIO: i/o error, read');
  });

  it('stops cleanly when the reader stops early, and serves the next stream', async () => {
    let n = 0;
    for await (const piece of onHelper(big)) {
      n += piece.length;
      if (n > 3 << 20) break; // the helper is blocked, 8 MiB ahead: it must let go
    }
    expect(n).toBeGreaterThan(3 << 20);
    const out = await collect(onHelper(big));
    expect(out.equals(bigSource)).toBe(true);
  });

  it('serves two streams at once', async () => {
    const [a, b] = await Promise.all([collect(onHelper(big)), collect(onHelper(big, 4096))]);
    expect(a.equals(bigSource)).toBe(true);
    expect(b.equals(bigSource)).toBe(true);
  });
});

/**
 * One zstd frame of raw (stored) blocks stating `windowLog` (RFC 8878 §3.1.1.1.2 Window_Descriptor,
 * exponent windowLog − 10, mantissa 0; §3.1.1.2 blocks of at most 128 KiB, type 0 = raw) and no
 * content size: the decoder must then keep the whole window, as it does for a Spark log.
 */
function rawFrame(content: Buffer, windowLog: number): Buffer {
  const parts: Buffer[] = [Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x00, (windowLog - 10) << 3])];
  const BLOCK = 128 << 10;
  for (let at = 0; at < content.length; at += BLOCK) {
    const body = content.subarray(at, at + BLOCK);
    const last = at + BLOCK >= content.length ? 1 : 0;
    const head = (body.length << 3) | last; // type 0 (raw) in bits 1-2
    parts.push(Buffer.from([head & 0xff, (head >>> 8) & 0xff, head >>> 16]), body);
  }
  return Buffer.concat(parts);
}

describe('zstd streams with a huge window', () => {
  // Incompressible, so the frame is above the 1 MiB from which the helper is used.
  const content = randomBytes(3 << 19);

  it('reads the window a frame header states', () => {
    expect(zstdFrameWindow(rawFrame(content, 27))).toBe(128 << 20);
    expect(zstdFrameWindow(rawFrame(content, 23))).toBe(8 << 20);
    // The buffer zstd sizes is the lesser of the window and the content size, when the frame states it.
    expect(zstdFrameWindow(Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x80, 0x88, 0x00, 0x00, 0x10, 0x00]))).toBe(1 << 20);
    // Single segment: the window is the content size (1 byte here).
    expect(zstdFrameWindow(Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x20, 0x2a]))).toBe(42);
    expect(zstdFrameWindow(Buffer.from('not a zstd frame'))).toBeNull();
    expect(zstdFrameWindow(Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x00]))).toBeNull();
  });

  it('decodes a 128 MiB-window stream on this thread, byte-exact, and an 8 MiB one on the helper', async () => {
    const before = zstdHelperSessions();
    const here = await collect(onHelper(rawFrame(content, 27)));
    expect(here.equals(content)).toBe(true);
    expect(zstdHelperSessions()).toBe(before);
    const there = await collect(onHelper(rawFrame(content, 23)));
    expect(there.equals(content)).toBe(true);
    expect(zstdHelperSessions()).toBe(before + 1);
  });

  it.skipIf(!hasShared)('decodes the real 128 MiB-window log on this thread, byte-exact', async () => {
    const file = path.join(EVENTLOGS, 'spark-rapids-tools/core/src/test/resources/spark-events-qualification/nds_q88_photon_db_13_3.zstd');
    const before = zstdHelperSessions();
    const hash = createHash('sha256');
    let n = 0;
    for await (const c of decode('zstd', createReadStream(file) as AsyncIterable<Buffer>, { helperThread: true })) {
      hash.update(c);
      n += c.length;
    }
    expect(zstdHelperSessions()).toBe(before);
    // As test/codecs/codecs.test.ts: the digest of `zstd -dc` output (zstd 1.5.4, the reference decoder).
    expect(n).toBe(142361502);
    expect(hash.digest('hex')).toBe('84c79abd5b6c62c36e542c7f0f720a57fa77fac14d3b528020fdaf9b1fcd274a');
  });
});
