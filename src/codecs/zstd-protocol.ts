import type { MessagePort } from 'node:worker_threads';
import type { Problem } from '../errors.js';

/**
 * What the main thread (./zstd.ts) and the zstd helper thread (./zstd-thread.ts) say to each other.
 * A module of its own: the helper's module starts serving when loaded, so nothing but the helper
 * may import it.
 */

/** workerData key the helper is started with. */
export const HELPER_MARK = 'sparkTriageZstdHelper';

export interface HelperOpen {
  port: MessagePort;
  /** [0]: bytes of pieces handed over and not yet taken; [1]: 1 while this stream is parked. */
  ctl: SharedArrayBuffer;
  ahead: number;
}

export type ToHelper =
  | { type: 'data'; chunk: ArrayBuffer; length: number }
  | { type: 'end' }
  | { type: 'close' }
  | { type: 'recycle'; ab: ArrayBuffer }
  | { type: 'room' };

export type FromHelper =
  | { type: 'piece'; ab: ArrayBuffer; length: number }
  /** A data message's bytes are decoded: its buffer comes back, for the next chunk. */
  | { type: 'taken'; ab: ArrayBuffer }
  | { type: 'done' }
  | { type: 'error'; problem: Problem; truncated: boolean };

/** Indexes into a stream's shared counter. */
export const HELD = 0;
export const PARKED = 1;
