import { type MessagePort, parentPort } from 'node:worker_threads';
import { problemOf, TruncatedInputError, type Problem } from '../errors.js';
import { OUT_SIZE, ZstdWasmStream } from './zstd-wasm.js';

/**
 * The zstd helper thread (see ./zstd.ts): decodes the streams the main thread opens, each on a
 * port of its own with one ZstdWasmStream, and moves each decoded piece over. It waits, on the
 * session's shared counter, while the main thread holds `ahead` decoded bytes not yet taken, so a
 * log is never decoded much faster than it is read, and drops a stream at once when the reader
 * stops. Piece buffers come back (`recycle`) once read, so decoding 1 GiB does not map 1 GiB of
 * fresh memory.
 */
export interface HelperOpen {
  port: MessagePort;
  ctl: SharedArrayBuffer;
  ahead: number;
}

export type ToHelper = { type: 'data'; chunk: ArrayBuffer } | { type: 'end' } | { type: 'close' } | { type: 'recycle'; ab: ArrayBuffer };

export type FromHelper =
  | { type: 'piece'; ab: ArrayBuffer; length: number }
  | { type: 'taken' }
  | { type: 'done' }
  | { type: 'error'; problem: Problem; truncated: boolean };

const MAX_FREE = 32;
const free: ArrayBuffer[] = [];
const alloc = (n: number): Uint8Array => new Uint8Array(free.pop() ?? new ArrayBuffer(OUT_SIZE), 0, n);

function serve({ port, ctl: shared, ahead }: HelperOpen): void {
  const ctl = new Int32Array(shared);
  let z: ZstdWasmStream | null = null;
  const post = (m: FromHelper, transfer: ArrayBuffer[] = []): void => port.postMessage(m, transfer);
  const stop = (): void => {
    z?.free();
    z = null;
    port.close();
  };
  /** False once the reader has stopped. */
  const room = (n: number): boolean => {
    for (;;) {
      if (Atomics.load(ctl, 1) !== 0) return false;
      const held = Atomics.load(ctl, 0);
      if (held < ahead) break;
      Atomics.wait(ctl, 0, held, 1000);
    }
    Atomics.add(ctl, 0, n);
    return true;
  };
  try {
    z = new ZstdWasmStream();
  } catch (e) {
    fail(e);
    return;
  }
  function fail(e: unknown): void {
    post({ type: 'error', problem: problemOf(e), truncated: e instanceof TruncatedInputError });
    stop();
  }

  port.on('message', (m: ToHelper) => {
    if (m.type === 'recycle') {
      if (free.length < MAX_FREE && m.ab.byteLength === OUT_SIZE) free.push(m.ab);
      return;
    }
    if (z === null) return; // stopped already
    try {
      switch (m.type) {
        case 'data':
          for (const piece of z.decode(new Uint8Array(m.chunk), alloc)) {
            if (!room(piece.length)) return stop();
            post({ type: 'piece', ab: piece.buffer as ArrayBuffer, length: piece.length }, [piece.buffer as ArrayBuffer]);
          }
          post({ type: 'taken' });
          return;
        case 'end':
          z.end();
          post({ type: 'done' });
          return stop();
        case 'close':
          return stop();
      }
    } catch (e) {
      fail(e);
    }
  });
}

parentPort?.on('message', (m: HelperOpen) => serve(m));
