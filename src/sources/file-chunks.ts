import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { setImmediate as turn } from 'node:timers/promises';
import { POOLED_SIZE, takeChunk } from './chunk-pool.js';

const MAX_CHUNK = POOLED_SIZE;

/**
 * A file's bytes in chunks sized to the file (a 10 KB log is one 10 KB read, a 2 GB log 1 MiB
 * reads). Reads are synchronous: inputs are read one at a time per thread (scan's workers each hold
 * one), so thread-pool round trips would only add waiting, and a fixed 1 MiB stream buffer per small
 * file was most of the garbage a directory scan made. The event loop gets a turn per file and every
 * 64 MiB, so Ctrl-C and progress are never starved. Each chunk is a buffer of its own that nobody
 * else holds; full-size ones come from ./chunk-pool.ts and go back there when their reader is done.
 */
export async function* readFileChunks(file: string): AsyncGenerator<Buffer> {
  await turn();
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    let chunk = Math.min(MAX_CHUNK, Math.max(size, 64 * 1024));
    let read = 0;
    for (let i = 1; ; i++) {
      const buf = chunk === MAX_CHUNK ? takeChunk() : Buffer.allocUnsafe(chunk);
      const n = readSync(fd, buf, 0, chunk, null);
      if (n === 0) return;
      read += n;
      yield n === chunk ? buf : buf.subarray(0, n);
      // A short read at the size stat gave is the end; an .inprogress log that grew reads on.
      if (n < chunk && read >= size) return;
      chunk = MAX_CHUNK;
      if (i % 64 === 0) await turn();
    }
  } finally {
    closeSync(fd);
  }
}
