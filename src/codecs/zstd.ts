import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { MessageChannel, type MessagePort, receiveMessageOnPort, Worker } from 'node:worker_threads';
import { InputError, TruncatedInputError, type Problem } from '../errors.js';
import { POOLED_SIZE, recycleChunk, returnTo, takeChunk } from '../sources/chunk-pool.js';
import { peek } from '../sources/peek.js';
import { HELD, HELPER_MARK, PARKED, type FromHelper, type HelperOpen, type ToHelper } from './zstd-protocol.js';
import { zstdFrameWindow } from './zstd-frames.js';
import { ZstdWasmStream } from './zstd-wasm.js';

/**
 * Zstandard as zstd-jni's ZstdOutputStream writes it for Spark's ZStdCompressionCodec: standard frames
 * (magic 28 b5 2f fd), flushed blocks inside a frame, possibly several frames in one file. Decoded by
 * zstd's own decoder compiled to WebAssembly (./zstd-wasm.ts).
 *
 * With `helperThread`, a stream of more than HELPER_MIN compressed bytes is decoded on a second
 * thread while this one parses: on two cores a zstd log then reads nearly as fast as a plain one
 * (measured by `npm run bench`). Small streams stay here: a thread's start would cost more than it
 * saves, and so do streams whose window is huge (LARGE_WINDOW).
 */
export const ZSTD_MAGIC = Buffer.from([0x28, 0xb5, 0x2f, 0xfd]);

export interface ZstdOptions {
  /** Decode large streams on a helper thread (the caller is not itself one of several workers). */
  helperThread?: boolean;
}

const HELPER_MIN = 1 << 20;
/**
 * Bytes of piece buffers the helper may have handed over and this thread not yet taken. Counted by
 * buffer, not by the bytes filled in it: what it pins is the buffer. Our choice: 8 pieces of 1 MiB
 * keep the helper busy while the parser works through one, and bound what a bomb can queue.
 */
const HELPER_AHEAD = 8 << 20;
/** Compressed chunks posted to the helper and not yet decoded. */
const INPUT_AHEAD = 2;
/**
 * The helper's young generation (MiB; V8 makes a third of it each semi-space). Its JavaScript is
 * a loop handing over buffers, yet left to V8 its young generation grew as the parser's does: on
 * the 1 GiB bench log as zstd, `diagnose` peaked at 200–238 MiB RSS, and at 202–212 MiB with this
 * limit, for the same CPU time (5 alternating runs, 2 cores, load ~10: medians 4.51 and 4.57 s;
 * 1 and 2 MiB measured no lower). Our choice: the smallest that measured no slower.
 */
const HELPER_YOUNG_MB = 3;
/**
 * A stream whose first frame needs this much history is decoded on this thread, however large: its
 * decoder's memory is the window, and a helper thread adds its own (its isolate, the pieces ahead
 * and its spare pieces). Measured on nds_q88_photon_db_13_3.zstd (../shared/eventlogs, a 128 MiB
 * window, 142 MB decoded) with `diagnose`: 238–252 MiB peak RSS on the helper, 214–222 MiB here, so ~29 MiB
 * for the helper, and 84 MiB for the same log uncompressed. Our choice: from 64 MiB, because with the
 * helper a window of 64–80 MiB still keeps such a log under the 200 MiB issue 17 bounds a process
 * at (84 + 29 + 80 = 193), and the next window zstd can state, 88 MiB, would not. The price is the
 * second core: decoding that log alone takes one thread ~0.35 s (142 MB; `npm run bench` has its row).
 */
const LARGE_WINDOW = 64 << 20;

export function decodeZstd(source: AsyncIterable<Buffer>, opts: ZstdOptions = {}): AsyncIterableIterator<Buffer> {
  if (!opts.helperThread || !helperUsable()) return decodeHere(source);
  const holder: SessionHolder = { session: null };
  const inner = decodeLarge(source, holder);
  const outer: AsyncIterableIterator<Buffer> = {
    next: () => inner.next(),
    return: () => inner.return(undefined),
    throw: (e: unknown) => inner.throw(e),
    [Symbol.asyncIterator]() {
      return this;
    },
  };
  abandoned.register(outer, holder);
  return outer;
}

async function* decodeLarge(source: AsyncIterable<Buffer>, holder: SessionHolder): AsyncGenerator<Buffer> {
  const { head, stream, ended } = await peek(source, HELPER_MIN);
  const here = ended || (zstdFrameWindow(head) ?? 0) >= LARGE_WINDOW;
  yield* here ? decodeHere(stream) : decodeOnHelper(stream, holder);
}

async function* decodeHere(source: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  const z = new ZstdWasmStream();
  // Pieces come from the read-buffer pool and go back there when the line splitter is done.
  const alloc = (): Buffer => takeChunk();
  try {
    for await (const chunk of source) {
      yield* z.decode(chunk, alloc);
      recycleChunk(chunk);
    }
    z.end();
  } finally {
    z.free();
  }
}

// ---- the helper thread: one per process, started on first need, kept (unreferenced) for later logs.
//
// Neither the worker nor a session's port keeps the process alive, except while this thread waits
// on the port: a reader that abandons its stream without closing it (readPart, when the decoded
// bytes turn out not to be a log) once left the process running forever after its last output.

const HELPER_URL = new URL('./zstd-thread.js', import.meta.url);
let helperChecked: boolean | null = null;
const helperUsable = (): boolean => (helperChecked ??= availableParallelism() > 1 && existsSync(fileURLToPath(HELPER_URL)));

/** The session of one decoded stream, once open; shared with `abandoned`, which must not hold the stream itself. */
interface SessionHolder {
  session: Session | null;
}

/**
 * A stream its reader dropped without closing (readPart drops the decoded stream of a file that
 * turns out not to be a log) is closed once collected: the helper then frees its decoder. Until
 * then it only waits, parked, and never holds up another stream.
 */
const abandoned = new FinalizationRegistry<SessionHolder>((holder) => {
  if (holder.session !== null) helper?.close(holder.session);
});

class Helper {
  private readonly worker: Worker;
  private readonly sessions = new Set<Session>();

  constructor() {
    this.worker = new Worker(HELPER_URL, {
      workerData: { [HELPER_MARK]: true },
      resourceLimits: { maxYoungGenerationSizeMb: HELPER_YOUNG_MB },
    });
    this.worker.unref();
    const failAll = (why: string): void => {
      helper = null;
      for (const s of this.sessions) s.fail(new InputError('zstd-thread', { detail: why }));
      this.sessions.clear();
    };
    this.worker.on('error', (e) => failAll(`failed: ${e.message}`));
    this.worker.on('exit', (code) => failAll(`exited (code ${code})`));
  }

  open(): Session {
    const s = new Session();
    this.sessions.add(s);
    const open: HelperOpen = { port: s.remote, ctl: s.ctl.buffer, ahead: HELPER_AHEAD };
    this.worker.postMessage(open, [s.remote]);
    return s;
  }

  close(s: Session): void {
    if (!this.sessions.delete(s)) return;
    s.close();
  }
}

/**
 * One stream's conversation with the helper, on a port of its own. Pieces are taken from the port
 * synchronously (receiveMessageOnPort) while any are there, so the reader waits for the event loop
 * only when the helper really is behind.
 */
class Session {
  private readonly port: MessagePort;
  readonly remote: MessagePort;
  /** [HELD]: bytes of pieces handed over and not yet taken here; [PARKED]: 1 while the helper waits for room. */
  readonly ctl = new Int32Array(new SharedArrayBuffer(8));
  readonly pieces: Buffer[] = [];
  /** What each piece in `pieces` was booked at on the shared counter (its buffer's size). */
  readonly costs: number[] = [];
  done = false;
  error: Error | null = null;
  inputsInFlight = 0;
  /**
   * Buffers compressed chunks are copied into for the helper, back from it once decoded. A fresh one
   * per chunk (the 1 GiB bench log as zstd: ~110 of 1 MiB) left freed memory in this thread's heap:
   * ~31 MiB more of it at the peak than the plain log's read.
   */
  readonly spare: ArrayBuffer[] = [];
  private wakeReader: (() => void) | null = null;
  private wakeFeeder: (() => void) | null = null;
  private readonly giveBack = (ab: ArrayBuffer): void => {
    if (!this.stopped) this.port.postMessage({ type: 'recycle', ab } satisfies ToHelper, [ab]);
  };
  private stopped = false;

  constructor() {
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    this.remote = port2;
    port1.on('message', (m: FromHelper) => this.receive(m));
    port1.unref();
  }

  send(m: ToHelper, transfer: ArrayBuffer[] = []): void {
    this.port.postMessage(m, transfer);
  }

  /** Moves whatever the helper has posted into `pieces` without waiting for the event loop. */
  drain(): void {
    for (let r = receiveMessageOnPort(this.port); r !== undefined; r = receiveMessageOnPort(this.port))
      this.receive(r.message as FromHelper);
  }

  private receive(m: FromHelper): void {
    switch (m.type) {
      case 'piece': {
        const piece = Buffer.from(m.ab, 0, m.length);
        returnTo(m.ab, this.giveBack);
        this.pieces.push(piece);
        this.costs.push(m.ab.byteLength);
        break;
      }
      case 'taken':
        if (this.spare.length < INPUT_AHEAD) this.spare.push(m.ab);
        this.inputsInFlight--;
        this.wakeFeeder?.();
        return;
      case 'done':
        this.done = true;
        break;
      case 'error':
        this.fail(reviveError(m.problem, m.truncated));
        return;
    }
    this.wakeReader?.();
  }

  fail(e: Error): void {
    this.error ??= e;
    this.wakeReader?.();
    this.wakeFeeder?.();
  }

  /**
   * The reader waits for a piece: only then does the port keep the process alive. (The feeder's
   * waits do not: a feeder waiting while nobody reads belongs to an abandoned stream.)
   */
  async readerWaits(): Promise<void> {
    if (!this.stopped) this.port.ref();
    try {
      await new Promise<void>((r) => (this.wakeReader = r));
    } finally {
      if (!this.stopped) this.port.unref();
    }
  }

  feederWaits(): Promise<void> {
    return new Promise((r) => (this.wakeFeeder = r));
  }

  /** A piece was taken: the helper, parked for want of room, is told once half the room is free. */
  took(cost: number): void {
    const held = Atomics.sub(this.ctl, HELD, cost) - cost;
    if (held < HELPER_AHEAD / 2 && Atomics.load(this.ctl, PARKED) === 1 && Atomics.compareExchange(this.ctl, PARKED, 1, 0) === 1) {
      this.send({ type: 'room' });
    }
  }

  /** This side stops reading: the helper drops the stream. */
  close(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.send({ type: 'close' });
    this.port.close();
    this.wakeFeeder?.();
  }

  get closed(): boolean {
    return this.stopped;
  }
}

let helper: Helper | null = null;
let helperSessions = 0;

let inputBuffers = 0;

/** Streams decoded on the helper thread so far in this process (for tests and diagnostics). */
export const zstdHelperSessions = (): number => helperSessions;
/** Buffers made so far to move compressed chunks to the helper in (for tests: they are reused). */
export const zstdInputBuffers = (): number => inputBuffers;

async function* decodeOnHelper(source: AsyncIterable<Buffer>, holder: SessionHolder): AsyncGenerator<Buffer> {
  const h = (helper ??= new Helper());
  helperSessions++;
  const s = h.open();
  holder.session = s;
  const feed = (async () => {
    try {
      for await (const chunk of source) {
        while (s.inputsInFlight >= INPUT_AHEAD && !s.closed && s.error === null) await s.feederWaits();
        if (s.closed || s.error !== null) return;
        // Copied into a buffer moved to the helper (and back): the read buffer goes back to its pool.
        let ab = s.spare.pop();
        if (ab === undefined || ab.byteLength < chunk.length) {
          ab = new ArrayBuffer(Math.max(chunk.length, POOLED_SIZE));
          inputBuffers++;
        }
        new Uint8Array(ab).set(chunk);
        const length = chunk.length;
        recycleChunk(chunk);
        s.inputsInFlight++;
        s.send({ type: 'data', chunk: ab, length }, [ab]);
      }
      if (!s.closed) s.send({ type: 'end' });
    } catch (e) {
      s.fail(e instanceof Error ? e : new Error(String(e)));
    }
  })();
  try {
    for (;;) {
      if (s.pieces.length === 0) s.drain();
      const piece = s.pieces.shift();
      if (piece !== undefined) {
        s.took(s.costs.shift()!);
        yield piece;
        continue;
      }
      if (s.error) throw s.error;
      if (s.done) return;
      await s.readerWaits();
    }
  } finally {
    holder.session = null;
    h.close(s);
    await feed;
  }
}

/** An error the helper thread reported, rebuilt as the error the reader would have thrown itself. */
function reviveError(p: Problem, truncated: boolean): InputError {
  const Ctor = truncated ? TruncatedInputError : InputError;
  return new (Ctor as new (code: string, data: unknown) => InputError)(p.code, p.data);
}
