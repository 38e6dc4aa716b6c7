import { closeSync, openSync, readSync } from 'node:fs';

const LF = 10;
/** Bytes read at a time while looking for a line end. */
const SCAN_BYTES = 64 * 1024;

/**
 * A plain log cut into `count` blocks for two threads: block k starts at the first line that starts
 * at or after byte k × `bytes` (0 for the first), so each block is whole lines and, but for the last,
 * ends just after a LF. Both threads find a block's ends from the file itself, so they agree on them
 * without telling each other; a line longer than a block leaves the next block empty.
 */
export interface Blocks {
  bytes: number;
  count: number;
  size: number;
}

/** Where block k starts (`blocks.size` past the last): just after the first LF at or after byte k × bytes - 1. */
export function blockStart(fsPath: string, blocks: Blocks, k: number): number {
  if (k <= 0) return 0;
  let pos = k * blocks.bytes - 1;
  if (pos >= blocks.size) return blocks.size;
  const fd = openSync(fsPath, 'r');
  try {
    const buf = Buffer.allocUnsafe(SCAN_BYTES);
    while (pos < blocks.size) {
      const n = readSync(fd, buf, 0, Math.min(SCAN_BYTES, blocks.size - pos), pos);
      if (n === 0) return blocks.size;
      const lf = buf.subarray(0, n).indexOf(LF);
      if (lf >= 0) return pos + lf + 1;
      pos += n;
    }
    return blocks.size;
  } finally {
    closeSync(fd);
  }
}

/**
 * Which thread reads which block, shared between them (a SharedArrayBuffer): this thread takes blocks
 * from the first on, the helper from the last back, each claim one atomic step, until they meet. Neither
 * waits for the other, so neither idles while blocks are left: the helper, started late or slowed by
 * another process, simply reads fewer. The first block is this thread's from the start: only the
 * file's start decides its line ends and may hold a byte order mark (eventlog/lines.ts). Both ends in
 * one 32-bit word: 16 bits each (65,535 blocks).
 */
export class Claims {
  readonly word: Uint32Array;

  constructor(count: number, shared?: SharedArrayBuffer) {
    this.word = new Uint32Array(shared ?? new SharedArrayBuffer(4));
    if (!shared) Atomics.store(this.word, 0, ((count << 16) | 1) >>> 0);
  }

  get buffer(): SharedArrayBuffer {
    return this.word.buffer as SharedArrayBuffer;
  }

  /** The next block from the front (this thread; the first is its already), or -1 when the two have met. */
  front(): number {
    for (;;) {
      const v = Atomics.load(this.word, 0);
      const f = v & 0xffff;
      const b = v >>> 16;
      if (f >= b) return -1;
      if (Atomics.compareExchange(this.word, 0, v, ((b << 16) | (f + 1)) >>> 0) === v) return f;
    }
  }

  /** The next block from the back (the helper), or -1 when the two have met. */
  back(): number {
    for (;;) {
      const v = Atomics.load(this.word, 0);
      const f = v & 0xffff;
      const b = v >>> 16;
      if (f >= b) return -1;
      if (Atomics.compareExchange(this.word, 0, v, (((b - 1) << 16) | f) >>> 0) === v) return b - 1;
    }
  }

  /** The first block the helper claimed (the count of blocks when it claimed none). */
  get met(): number {
    return Atomics.load(this.word, 0) >>> 16;
  }
}
