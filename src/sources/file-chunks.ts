import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { setImmediate as turn } from 'node:timers/promises';
import { POOLED_SIZE, takeChunk } from './chunk-pool.js';
import type { FsPath } from './names.js';

const MAX_CHUNK = POOLED_SIZE;

/**
 * A file's bytes in chunks sized to the file (a 10 KB log is one 10 KB read, a 2 GB log 1 MiB
 * reads). Reads are synchronous: inputs are read one at a time per thread (scan's workers each hold
 * one), so thread-pool round trips would only add waiting, and a fixed 1 MiB stream buffer per small
 * file was most of the garbage a directory scan made. The event loop gets a turn per file and every
 * 64 MiB, so Ctrl-C and progress are never starved. Each chunk is a buffer of its own that nobody
 * else holds; full-size ones come from ./chunk-pool.ts and go back there when their reader is done.
 *
 * No descriptor is held while a chunk is out: the file is opened for each read (positioned) and
 * closed before the chunk is yielded. A reader that stops early and never closes this generator
 * (readPart, when a file turns out not to be a log) once leaked one descriptor per such file; at
 * `ulimit -n 1024`, a directory of stray files made every later log fail with EMFILE. An open and
 * a close per MiB cost nothing measurable.
 */
export async function* readFileChunks(file: FsPath): AsyncGenerator<Buffer> {
  await turn();
  let size = -1;
  let read = 0;
  let chunk = 0;
  for (let i = 1; ; i++) {
    const fd = openSync(file, 'r');
    let buf: Buffer;
    let n: number;
    try {
      if (size < 0) {
        size = fstatSync(fd).size;
        // One byte more than the file: a read that comes back short is the end, found without a
        // second open and read (a 200 KB log was three system calls more).
        chunk = Math.min(MAX_CHUNK, Math.max(size + 1, 64 * 1024));
      }
      buf = chunk === MAX_CHUNK ? takeChunk() : Buffer.allocUnsafe(chunk);
      n = readSync(fd, buf, 0, chunk, read);
    } finally {
      closeSync(fd);
    }
    if (n === 0) return;
    read += n;
    yield n === chunk ? buf : buf.subarray(0, n);
    // A short read at the size stat gave is the end; an .inprogress log that grew reads on.
    if (n < chunk && read >= size) return;
    chunk = MAX_CHUNK;
    if (i % 64 === 0) await turn();
  }
}

/**
 * `length` bytes of a file from `start` (a zip entry's data; a part of a log split across threads,
 * ../input/split.ts), in chunks of at most 1 MiB, holding no descriptor between chunks (as
 * readFileChunks), a turn of the event loop every 64 MiB. `pooled`: full chunks come from
 * ./chunk-pool.ts, for a reader that hands them back (the line splitter). Ends early, without
 * error, if the file does; the caller checks what it got.
 */
export async function* readFileRange(file: FsPath, start: number, length: number, pooled = false): AsyncGenerator<Buffer> {
  let pos = start;
  const end = start + length;
  for (let i = 1; pos < end; i++) {
    const want = Math.min(MAX_CHUNK, end - pos);
    const buf = pooled && want === MAX_CHUNK ? takeChunk() : Buffer.allocUnsafe(want);
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
