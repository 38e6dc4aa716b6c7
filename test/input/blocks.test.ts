import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { blockStart, Claims, type Blocks } from '../../src/input/blocks.js';

describe('blocks of a log shared by two threads', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'spark-triage-blocks-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('start at line starts: the first at 0, each after the first LF at or after its byte − 1, past the end at the size', () => {
    const text = `abc\n${'x'.repeat(20)}\ncd\nef`;
    const file = path.join(dir, 'log');
    writeFileSync(file, text);
    const blocks: Blocks = { bytes: 4, count: Math.ceil(text.length / 4), size: text.length };
    const starts = Array.from({ length: blocks.count + 1 }, (_, k) => blockStart(file, blocks, k));
    // Byte 3 is a LF: block 1 starts after it, at the long line; blocks 2-6 fall inside that line
    // (empty, all starting at the next line); block 7 starts after the LF at byte 27, the one past it at the end.
    expect(starts).toEqual([0, 4, 25, 25, 25, 25, 25, 28, 30]);
    for (let k = 1; k < starts.length; k++) if (starts[k]! < text.length) expect(text[starts[k]! - 1]).toBe('\n');
  });

  it('are claimed once each, the first by the first thread, however the two threads interleave', () => {
    for (const count of [1, 2, 3, 8, 65_535]) {
      for (const pattern of ['fb', 'ffb', 'fbbb', 'b']) {
        const claims = new Claims(count);
        const theirs = new Claims(count, claims.buffer); // the helper's view, as its thread gets it
        const front = [0];
        const back: number[] = [];
        for (let i = 0; ; i++) {
          const k = pattern[i % pattern.length] === 'f' ? claims.front() : theirs.back();
          if (k < 0) break;
          (pattern[i % pattern.length] === 'f' ? front : back).push(k);
        }
        expect(claims.front()).toBe(-1);
        expect(theirs.back()).toBe(-1);
        expect([...front, ...back.reverse()]).toEqual(Array.from({ length: count }, (_, k) => k));
        expect(claims.met).toBe(front.length);
      }
    }
  });
});
