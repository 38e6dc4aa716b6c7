import { type MessagePort, parentPort, receiveMessageOnPort } from 'node:worker_threads';
import { problemOf, TruncatedInputError, type Problem } from '../errors.js';
import { OUT_SIZE, ZstdWasmStream } from './zstd-wasm.js';

/**
 * The zstd helper thread (see ./zstd.ts): decodes the streams the main thread opens, each on a
 * port of its own with one ZstdWasmStream, and moves each decoded piece over. It waits, on the
 * session's shared counter, while the main thread holds `ahead` bytes of piece buffers not yet
 * taken, so a log is never decoded much faster than it is read, and drops a stream at once when
 * the reader stops. Piece buffers come back (`recycle`) once read, so decoding 1 GiB does not map 1 GiB of
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

/** Piece buffers kept for reuse: as many as can be ahead of the reader, and a few more. */
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
  let busy = false;
  const post = (m: FromHelper, transfer: ArrayBuffer[] = []): void => port.postMessage(m, transfer);
  const stop = (): void => {
    z?.free();
    z = null;
    backlog.length = 0;
    port.close();
  };
  /**
   * Takes what the main thread sent while this one was busy in a message: buffers coming back are
   * kept (or dropped) at once, a close stops the stream, data waits its turn. Without this, a frame
   * that decodes for long inside one message (a 2 MB file that decodes to 20 GB) left every
   * recycled piece queued on the port, unread: 20 GiB of them.
   */
  const drain = (): void => {
    for (let r = receiveMessageOnPort(port); r !== undefined && z !== null; r = receiveMessageOnPort(port)) accept(r.message as ToHelper);
  };
  const accept = (m: ToHelper): void => {
    if (m.type === 'recycle') keep(m.ab);
    else if (m.type === 'close') stop();
    else backlog.push(m);
  };
  /**
   * Waits while the main thread holds `ahead` bytes of pieces not yet taken, then books `cost`.
   * A piece costs its whole buffer, however little of it is filled. False once the reader stopped.
   */
  const room = (cost: number): boolean => {
    for (;;) {
      drain();
      if (z === null || Atomics.load(ctl, 1) !== 0) return false;
      const held = Atomics.load(ctl, 0);
      if (held < ahead) break;
      Atomics.wait(ctl, 0, held, 1000);
    }
    Atomics.add(ctl, 0, cost);
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
  const handle = (m: ToHelper): void => {
    if (z === null) return; // stopped already
    try {
      switch (m.type) {
        case 'data':
          for (const piece of z.decode(new Uint8Array(m.chunk), alloc)) {
            const ab = piece.buffer as ArrayBuffer;
            if (!room(ab.byteLength)) return stop();
            post({ type: 'piece', ab, length: piece.length }, [ab]);
          }
          post({ type: 'taken' });
          return;
        case 'end':
          z.end();
          post({ type: 'done' });
          return stop();
        case 'close':
          return stop();
        case 'recycle':
          keep(m.ab);
          return;
      }
    } catch (e) {
      fail(e);
    }
  };

  port.on('message', (m: ToHelper) => {
    accept(m);
    if (busy) return;
    busy = true;
    try {
      for (let next = backlog.shift(); next !== undefined; next = backlog.shift()) handle(next);
    } finally {
      busy = false;
    }
  });
}

parentPort?.on('message', (m: HelperOpen) => serve(m));
