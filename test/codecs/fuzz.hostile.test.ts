import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decode, type Codec } from '../../src/codecs/index.js';
import { InputError } from '../../src/errors.js';
import { CR_SNIFF_BYTES, LineSplitter } from '../../src/eventlog/lines.js';
import { readPart } from '../../src/input/part.js';
import { ReadStats } from '../../src/input/stats.js';
import { inputErrorText } from '../../src/render/words/input-errors.js';
import { AppState } from '../../src/state/app.js';
import { fixture } from '../helpers.js';

/**
 * Property tests over hostile bytes, seeded and bounded (runs, and a time limit per property that
 * ends the run early without failing it), so CI pays ~20 s in all. What must hold, whatever the
 * bytes: a decoder yields or throws an InputError with a code the renderers have words for, never
 * another exception, and never a piece past its format's block bound (what it must buffer); the line
 * splitter's lines do not depend on how the bytes are chunked; readPart reads or throws a coded error.
 */
// FUZZ_SEED and FUZZ_SCALE explore further locally (FUZZ_SCALE=20: twenty times the runs and the time).
const SEED = Number(process.env.FUZZ_SEED ?? 20241129);
const SCALE = Number(process.env.FUZZ_SCALE ?? 1);
const TIME_LIMIT_MS = 3000 * SCALE;
const settings = (numRuns: number): fc.Parameters<unknown> => ({
  seed: SEED,
  numRuns: numRuns * SCALE,
  interruptAfterTimeLimit: TIME_LIMIT_MS,
  markInterruptAsFailure: false,
});

const CODECS: Exclude<Codec, 'none'>[] = ['zstd', 'lz4', 'snappy', 'lzf', 'gzip'];
const VALID: Record<(typeof CODECS)[number], Buffer> = {
  zstd: readFileSync(fixture('codecs', 'zstd')),
  lz4: readFileSync(fixture('codecs', 'lz4')),
  snappy: readFileSync(fixture('codecs', 'snappy')),
  lzf: readFileSync(fixture('codecs', 'lzf')),
  gzip: readFileSync(fixture('codecs', 'gzip')),
};
/** The largest piece each decoder may hand over: its format's block bound (what it holds at once). */
const MAX_PIECE: Record<(typeof CODECS)[number], number> = {
  zstd: 1 << 20, // OUT_SIZE
  lz4: 1 << 25, // lz4-java's largest block
  snappy: 32 << 20, // SNAPPY_MAX_BLOCK
  lzf: 0xffff,
  gzip: 1 << 20,
};
/** Decoded bytes read per case at most: the rest is not needed to judge it. */
const OUTPUT_CAP = 64 << 20;

/** Mutations of a valid stream: flipped bytes, a cut, inserted or deleted runs, a length field set huge. */
const mutated = (valid: Buffer): fc.Arbitrary<Buffer> =>
  fc
    .array(
      fc.oneof(
        fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
        fc.record({ kind: fc.constant('cut' as const), at: fc.nat() }),
        fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ maxLength: 64 }) }),
        fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 64 }) }),
        fc.record({ kind: fc.constant('huge' as const), at: fc.nat() }),
      ),
      { minLength: 1, maxLength: 6 },
    )
    .map((ops) => {
      let b = Buffer.from(valid);
      for (const op of ops) {
        const at = b.length === 0 ? 0 : op.at % b.length;
        if (op.kind === 'flip') b[at] = op.value;
        else if (op.kind === 'cut') b = b.subarray(0, at);
        else if (op.kind === 'insert') b = Buffer.concat([b.subarray(0, at), Buffer.from(op.bytes), b.subarray(at)]);
        else if (op.kind === 'delete') b = Buffer.concat([b.subarray(0, at), b.subarray(at + op.length)]);
        else if (at + 4 <= b.length) b.writeUInt32LE(0x7fffffff, at);
      }
      return b;
    });

/** Random bytes after a codec's magic: frames made up from nothing. */
const randomFrame = (valid: Buffer): fc.Arbitrary<Buffer> =>
  fc.uint8Array({ maxLength: 4096 }).map((tail) => Buffer.concat([valid.subarray(0, 8), Buffer.from(tail)]));

async function* chunked(b: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let i = 0; i < b.length; i += size) yield b.subarray(i, i + size);
}

/** Decodes `bytes`; returns 'ok' or the coded problem; fails the property on anything else. */
async function judge(codec: (typeof CODECS)[number], bytes: Buffer, chunk: number): Promise<string> {
  let out = 0;
  try {
    for await (const piece of decode(codec, chunked(bytes, chunk))) {
      expect(piece.length).toBeLessThanOrEqual(MAX_PIECE[codec]);
      out += piece.length;
      if (out > OUTPUT_CAP) break;
    }
    return 'ok';
  } catch (e) {
    if (!(e instanceof InputError)) throw new Error(`${codec}: not an InputError: ${String(e)}`, { cause: e });
    expect(e.code).not.toBe('internal');
    expect(typeof inputErrorText(e.problem)).toBe('string');
    return e.code;
  }
}

describe('codecs on hostile bytes', () => {
  for (const codec of CODECS) {
    it(`${codec}: mutated streams decode or fail with a coded InputError`, async () => {
      await fc.assert(
        fc.asyncProperty(mutated(VALID[codec]), fc.integer({ min: 1, max: 70_000 }), async (bytes, chunk) => {
          await judge(codec, bytes, chunk);
        }),
        settings(150),
      );
    });

    it(`${codec}: made-up frames decode or fail with a coded InputError`, async () => {
      await fc.assert(
        fc.asyncProperty(randomFrame(VALID[codec]), fc.integer({ min: 1, max: 5000 }), async (bytes, chunk) => {
          await judge(codec, bytes, chunk);
        }),
        settings(150),
      );
    });
  }
});

describe('LineSplitter on hostile bytes', () => {
  /** The lines a file holds by the rules in lines.ts (inputs here are shorter than CR_SNIFF_BYTES). */
  function reference(text: string, max: number): { lines: string[]; long: number[]; tail: string | null } {
    const crOnly = !text.includes('\n') && text.includes('\r');
    const parts = crOnly ? text.split('\r') : text.split('\n');
    const last = parts.pop()!;
    const lines: string[] = [];
    const long: number[] = [];
    const take = (p: string): string | null => {
      if (p.length > max) {
        long.push(p.length);
        return null;
      }
      return crOnly ? p : p.replace(/\r$/, '');
    };
    for (const p of parts) {
      const l = take(p);
      if (l !== null) lines.push(l);
    }
    const tail = last === '' ? null : take(last);
    return { lines, long, tail };
  }

  it('lines, skipped lines and the tail do not depend on chunking, and match the rules', () => {
    const text = fc.stringMatching(/^[ab\n\r]{0,300}$/);
    fc.assert(
      fc.property(text, fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 50 }), (t, chunk, max) => {
        expect(t.length).toBeLessThan(CR_SNIFF_BYTES);
        const lines: string[] = [];
        const long: number[] = [];
        const s = new LineSplitter((l) => lines.push(l.toString('latin1')), { maxLineBytes: max, onLongLine: (_n, b) => long.push(b) });
        const bytes = Buffer.from(t, 'latin1');
        for (let i = 0; i < bytes.length; i += chunk) {
          const c = Buffer.from(bytes.subarray(i, i + chunk));
          s.push(c);
          c.fill(0x2a); // reused by its producer
        }
        const tail = s.end();
        const want = reference(t, max);
        expect(lines).toEqual(want.lines);
        expect(long).toEqual(want.long);
        expect(tail === null ? null : tail.line.toString('latin1')).toEqual(want.tail);
        expect(s.lines).toBe(want.lines.length + want.long.length + (want.tail !== null ? 1 : 0));
      }),
      settings(3000),
    );
  });
});

describe('readPart on hostile bytes', () => {
  const text = readFileSync(fixture('codecs', 'source.jsonl'));
  const inputs = fc.oneof(
    ...CODECS.map((c) => mutated(VALID[c])),
    mutated(text),
    fc.uint8Array({ maxLength: 2048 }).map((b) => Buffer.from(b)),
    fc.stringMatching(/^[{}":,[\]a-zA-Z0-9 \n\r]{0,400}$/).map((s) => Buffer.from(`{"Event":${s}`)),
  );

  it('reads, or throws an InputError with a code, for every kind it may take', async () => {
    await fc.assert(
      fc.asyncProperty(
        inputs,
        fc.integer({ min: 1, max: 70_000 }),
        fc.boolean(),
        fc.boolean(),
        async (bytes, chunk, acceptText, inProgress) => {
          try {
            await readPart(chunked(bytes, chunk), 'fuzz', new AppState(), new ReadStats(), { acceptText, inProgress });
          } catch (e) {
            if (!(e instanceof InputError)) throw new Error(`not an InputError: ${String(e)}`, { cause: e });
            expect(e.code).not.toBe('internal');
            expect(typeof inputErrorText(e.problem)).toBe('string');
          }
        },
      ),
      settings(400),
    );
  });
});
