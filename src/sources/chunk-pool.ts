/**
 * Recycled 1 MiB read buffers. A fresh buffer per chunk costs the kernel a page fault per 4 KiB to
 * map and zero it; the 1 GiB bench log read 11% faster once its chunks were reused. Only the final
 * consumer knows when it is done with a chunk: the line splitter is (it copies the partial line it
 * keeps), so the event and text readers hand each chunk back after `push`. A buffer handed back
 * that no pool lent is ignored, so a chunk that went through a decoder or a peek is safe. Decoders
 * fill their output pieces from here too (takeChunk), and the zstd helper thread's pieces find
 * their way back to it (returnTo).
 */
export const POOLED_SIZE = 1 << 20;
const MAX_FREE = 4;
/**
 * Where a chunk's bytes start in its ArrayBuffer. The kernel copies a file's cached pages into a
 * buffer ~3× slower when the buffer starts 8 to 24 bytes past a 4 KiB page boundary (the pages
 * start on one: the copy's loads and stores alias; this machine, AMD EPYC, 1 MiB reads of a cached
 * file: ~750 µs against ~220 µs at any other offset tried, 0 to 4,080), and glibc gives an
 * allocation it maps (one of 1 MiB, until its threshold has grown) an address 16 bytes past a page:
 * the 1 GiB bench log spent 0.65–0.9 s of system time in `pread` instead of 0.3 s whenever its
 * chunks were such. 48 bytes in, such a buffer's data starts 64 bytes past the page; an address from
 * glibc's heap (any multiple of 16) lands in the slow window after this offset as rarely as before it.
 */
const CHUNK_OFFSET = 48;
const free: ArrayBuffer[] = [];
/** Buffers this pool lent out and not yet handed back (so only its own, and each once). */
const lent = new WeakSet<ArrayBuffer>();

export function takeChunk(): Buffer {
  const ab = free.pop() ?? Buffer.allocUnsafeSlow(CHUNK_OFFSET + POOLED_SIZE).buffer;
  lent.add(ab);
  return Buffer.from(ab, CHUNK_OFFSET, POOLED_SIZE);
}

/** Buffers another producer (the zstd helper thread) wants back, with how to give them back. */
const owners = new WeakMap<ArrayBuffer, (ab: ArrayBuffer) => void>();

/** `ab` goes to `giveBack` once a consumer recycles a chunk on it (at most once). */
export function returnTo(ab: ArrayBuffer, giveBack: (ab: ArrayBuffer) => void): void {
  owners.set(ab, giveBack);
}

/** Each chunk of `body` to `push`, then back to the pool: `push` keeps no view of it. */
export async function feedChunks(body: AsyncIterable<Buffer>, push: (chunk: Buffer) => void): Promise<void> {
  for await (const chunk of body) {
    push(chunk);
    recycleChunk(chunk);
  }
}

/** The consumer is done with `chunk` (and every view of it). */
export function recycleChunk(chunk: Uint8Array): void {
  const ab = chunk.buffer as ArrayBuffer;
  const giveBack = owners.get(ab);
  if (giveBack) {
    owners.delete(ab);
    giveBack(ab);
    return;
  }
  if (!lent.has(ab)) return;
  lent.delete(ab);
  if (free.length < MAX_FREE) free.push(ab);
}

/**
 * Pieces of any size (a network body's) copied into pooled chunks: each chunk filled is handed to
 * `full`; what is left at the end is `rest()`. One chunk is being filled at a time.
 */
export class ChunkGatherer {
  private out: Buffer | null = null;
  private filled = 0;

  get empty(): boolean {
    return this.filled === 0;
  }

  add(piece: Buffer, full: (chunk: Buffer) => void): void {
    while (piece.length > 0) {
      this.out ??= takeChunk();
      const n = piece.copy(this.out, this.filled);
      this.filled += n;
      piece = piece.subarray(n);
      if (this.filled === this.out.length) {
        const chunk = this.out;
        this.out = null;
        this.filled = 0;
        full(chunk);
      }
    }
  }

  /** The chunk being filled, as far as it is (null when empty); the gatherer is empty after. */
  rest(): Buffer | null {
    const r = this.filled > 0 ? this.out!.subarray(0, this.filled) : null;
    this.out = null;
    this.filled = 0;
    return r;
  }
}
