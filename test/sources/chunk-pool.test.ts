import { describe, expect, it } from 'vitest';
import { POOLED_SIZE, recycleChunk, returnTo, takeChunk } from '../../src/sources/chunk-pool.js';

describe('chunk pool', () => {
  it('lends a recycled buffer again, whatever view of it came back', () => {
    const a = takeChunk();
    expect(a.length).toBe(POOLED_SIZE);
    // Not at the start of its buffer: an address just past a page boundary reads ~3× slower (chunk-pool.ts).
    expect(a.byteOffset).toBeGreaterThan(0);
    expect(a.buffer.byteLength).toBe(a.byteOffset + POOLED_SIZE);
    recycleChunk(a.subarray(0, 10)); // a short last read is a view of the pooled buffer
    const b = takeChunk();
    expect(b.buffer).toBe(a.buffer);
  });

  it('takes a buffer back once, and never one it did not lend', () => {
    const a = takeChunk();
    recycleChunk(a);
    recycleChunk(a); // twice: must not be lent to two readers at once
    const b = takeChunk();
    const c = takeChunk();
    expect(b.buffer).toBe(a.buffer);
    expect(c.buffer).not.toBe(a.buffer);
    const foreign = Buffer.allocUnsafeSlow(POOLED_SIZE);
    recycleChunk(foreign);
    expect(takeChunk().buffer).not.toBe(foreign.buffer);
  });

  it('hands a buffer registered with returnTo to its owner', () => {
    const ab = new ArrayBuffer(16);
    const back: ArrayBuffer[] = [];
    returnTo(ab, (x) => back.push(x));
    recycleChunk(new Uint8Array(ab, 0, 4));
    recycleChunk(new Uint8Array(ab));
    expect(back).toEqual([ab]);
  });
});
