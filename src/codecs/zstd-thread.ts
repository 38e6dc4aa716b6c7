import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import { problemOf, TruncatedInputError } from '../errors.js';
import { OUT_SIZE, ZstdWasmStream } from './zstd-wasm.js';
import { HELD, HELPER_MARK, PARKED, type FromHelper, type HelperOpen, type ToHelper } from './zstd-protocol.js';

/**
 * The zstd helper thread (see ./zstd.ts): decodes the streams the main thread opens, each on a
 * port of its own with one ZstdWasmStream, and moves each decoded piece over.
 *
 * Back-pressure: a stream's pieces are booked on its shared counter at their buffer's size; when
 * the main thread holds `ahead` bytes of them not yet taken, the stream parks (its decoding
 * suspended mid-chunk, nothing else done for it) until the main thread, having taken enough,
 * posts `room`. Nothing here ever blocks, so one stream waiting for its reader, or abandoned by
 * it, never holds up another. Piece buffers come back (`recycle`) once read, so decoding 1 GiB does
 * not map 1 GiB of fresh memory; they are taken off the port between pieces: left queued while one
 * chunk decoded (a 2 MB file decoding to 20 GB), they once held 20.6 GiB.
 */
/** Piece buffers kept for reuse: as many as can be ahead of the readers, and a few more. */
const MAX_FREE = 16;
const free: ArrayBuffer[] = [];
const alloc = (): Uint8Array => new Uint8Array(free.pop() ?? new ArrayBuffer(OUT_SIZE));
const keep = (ab: ArrayBuffer): void => {
  if (free.length < MAX_FREE && ab.byteLength === OUT_SIZE) free.push(ab);
};

function serve({ port, ctl: shared, ahead }: HelperOpen): void {
  const ctl = new Int32Array(shared);
  let z: ZstdWasmStream | null = null;
  /** Data and end messages not yet handled, in order. */
  const backlog: ToHelper[] = [];
  /** The chunk being decoded, and a piece decoded but not yet handed over for want of room. */
  let decoding: Generator<Uint8Array> | null = null;
  /** The buffer of the chunk being decoded, handed back once it is. */
  let input: ArrayBuffer | null = null;
  let held: Uint8Array | null = null;
  let running = false;
  const post = (m: FromHelper, transfer: ArrayBuffer[] = []): void => port.postMessage(m, transfer);
  const stop = (): void => {
    z?.free();
    z = null;
    decoding = null;
    input = null;
    held = null;
    backlog.length = 0;
    port.close();
  };
  const fail = (e: unknown): void => {
    post({ type: 'error', problem: problemOf(e), truncated: e instanceof TruncatedInputError });
    stop();
  };
  /** Takes one message: true when it may let the stream go on (room, data, end). */
  const accept = (m: ToHelper): boolean => {
    switch (m.type) {
      case 'recycle':
        keep(m.ab);
        return false;
      case 'close':
        stop();
        return false;
      case 'room':
        return true;
      case 'data':
      case 'end':
        backlog.push(m);
        return true;
    }
  };
  /** Messages that came while decoding, taken without waiting for this thread's event loop. */
  const drain = (): void => {
    for (let r = z !== null ? receiveMessageOnPort(port) : undefined; r !== undefined && z !== null; r = receiveMessageOnPort(port))
      accept(r.message as ToHelper);
  };
  /** Books `cost` if the reader holds less than `ahead`; else parks and says false (unless room came meanwhile). */
  const book = (cost: number): boolean => {
    for (;;) {
      if (Atomics.load(ctl, HELD) < ahead) {
        Atomics.add(ctl, HELD, cost);
        return true;
      }
      Atomics.store(ctl, PARKED, 1);
      // The reader may have taken pieces between the check and the flag: look again before parking.
      if (Atomics.load(ctl, HELD) >= ahead) return false;
      if (Atomics.compareExchange(ctl, PARKED, 1, 0) !== 1) return false; // the reader saw the flag: `room` is on its way
    }
  };
  /** Decodes and hands over what it can; parks when the reader is `ahead`; returns when out of work or room. */
  const run = (): void => {
    if (running) return;
    running = true;
    try {
      while (z !== null) {
        if (decoding !== null) {
          for (;;) {
            let piece = held;
            if (piece === null) {
              const r = decoding.next();
              if (r.done) break;
              piece = r.value;
            }
            const ab = piece.buffer as ArrayBuffer;
            drain();
            if (z === null) return; // closed meanwhile
            if (!book(ab.byteLength)) {
              held = piece;
              return;
            }
            held = null;
            post({ type: 'piece', ab, length: piece.length }, [ab]);
          }
          decoding = null;
          const ab = input!;
          input = null;
          post({ type: 'taken', ab }, [ab]);
          continue;
        }
        const m = backlog.shift();
        if (m === undefined) return;
        if (m.type === 'data') {
          input = m.chunk;
          decoding = z.decode(new Uint8Array(m.chunk, 0, m.length), alloc);
        } else if (m.type === 'end') {
          z.end();
          post({ type: 'done' });
          stop();
        }
      }
    } catch (e) {
      fail(e);
    } finally {
      running = false;
    }
  };

  try {
    z = new ZstdWasmStream();
  } catch (e) {
    fail(e);
    return;
  }
  port.on('message', (m: ToHelper) => {
    if (accept(m)) run();
  });
}

// Only as the helper: this module must never take over another thread's messages (a scan worker's).
if ((workerData as Record<string, unknown> | null)?.[HELPER_MARK] === true) parentPort?.on('message', (m: HelperOpen) => serve(m));
