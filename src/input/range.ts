import { closeSync, openSync, readSync } from 'node:fs';
import { setImmediate as turn } from 'node:timers/promises';
import { POOLED_SIZE, takeChunk } from '../sources/chunk-pool.js';

/**
 * Bytes `start`..`end` of a local file in 1 MiB chunks from the chunk pool (the reader hands them
 * back), as readFileChunks reads a whole file: a positioned read per chunk, no descriptor held
 * between chunks, a turn of the event loop every 64 MiB. Ends early, without error, if the file does.
 */
export async function* readRange(file: string, start: number, end: number): AsyncGenerator<Buffer> {
  let pos = start;
  for (let i = 1; pos < end; i++) {
    const want = Math.min(POOLED_SIZE, end - pos);
    const buf = want === POOLED_SIZE ? takeChunk() : Buffer.allocUnsafe(want);
    const fd = openSync(file, 'r');
    let n: number;
    try {
      n = readSync(fd, buf, 0, want, pos);
    } finally {
      closeSync(fd);
    }
    if (n === 0) return;
    pos += n;
    yield n === want ? buf : buf.subarray(0, n);
    if (i % 64 === 0) await turn();
  }
}
