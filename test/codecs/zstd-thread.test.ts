import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
// The helper thread runs compiled code (dist/codecs/zstd-thread.js, built by `pretest`), so this
// suite drives the built module; the rest of the suite tests src/ directly.
import { decode } from '../../dist/codecs/index.js';
import { TruncatedInputError } from '../../dist/codecs/byte-reader.js';
import { zstdHelperSessions } from '../../dist/codecs/zstd.js';
import { InputError } from '../../dist/errors.js';
import { chunksOf, collect, fixture } from '../helpers.js';

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
