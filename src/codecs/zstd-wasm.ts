import { InputError } from '../errors.js';
import { TruncatedInputError } from './byte-reader.js';
import { ZSTD_WASM_BASE64 } from './vendor/zstd-wasm.js';
import { ZstdFrameWalker } from './zstd-frames.js';

/**
 * Zstandard's own streaming decoder (ZSTD_decompressStream), compiled to WebAssembly (the build
 * zstddec ships; see ./vendor/zstd-wasm.js), driven by this loop. Measured on this project's 1 GiB
 * bench log: ~1,190 MB/s against ~130 MB/s for the pure-JS fzstd it replaced.
 *
 * Synchronous and allocation-light: a stream borrows a wasm instance (WasmHeap, below) from a small
 * per-thread pool and gives it back when it ends, unless a large window grew its memory, which is
 * then let go with it.
 */

interface ZstdExports {
  memory: WebAssembly.Memory;
  malloc(n: number): number;
  free(p: number): void;
  ZSTD_createDCtx(): number;
  ZSTD_freeDCtx(dctx: number): number;
  /** size_t ZSTD_decompressStream(ZSTD_DCtx*, ZSTD_outBuffer*, ZSTD_inBuffer*) */
  ZSTD_decompressStream(dctx: number, out: number, inp: number): number;
}

let compiled: WebAssembly.Module | null = null;
const wasmModule = (): WebAssembly.Module => (compiled ??= new WebAssembly.Module(Buffer.from(ZSTD_WASM_BASE64, 'base64')));

/** Output buffer per ZSTD_decompressStream call: large pieces for the line splitter, few calls. */
export const OUT_SIZE = 1 << 20;
/** Compressed bytes copied into the wasm heap per call. */
const IN_SIZE = 1 << 20;

// zstd_errors.h: ZSTD_isError(code) is code > (size_t)-ZSTD_error_maxCode (120); size_t is 32 bits
// in wasm32. Names for the codes a damaged or unusual event log can produce.
const ERROR_MAX_CODE = 120;
const ERROR_NAMES: Record<number, string> = {
  1: 'error (generic)',
  10: 'unknown frame descriptor',
  12: 'version not supported',
  14: 'unsupported frame parameter',
  16: 'frame requires too much memory for decoding (window larger than 128 MiB)',
  20: 'data corruption detected',
  22: "restored data doesn't match checksum",
  24: "header of literals' block doesn't respect format specification",
  30: 'dictionary is corrupted',
  32: 'dictionary mismatch (the log was compressed with a dictionary)',
  64: 'allocation error: not enough memory',
};

/**
 * One wasm instance with its in/out buffers. Instances are pooled per thread: each has its own
 * linear memory (16 MiB to start), and a directory scan that made one per zstd log spent its time
 * in V8's full collections, which external memory of that size sets off.
 */
class WasmHeap {
  readonly ex: ZstdExports;
  /** ZSTD_inBuffer {src, size, pos} then ZSTD_outBuffer {dst, size, pos}: six u32 words. */
  readonly io: number;
  readonly inBuf: number;
  readonly outBuf: number;
  u8: Uint8Array;
  u32: Uint32Array;

  constructor() {
    const instance = new WebAssembly.Instance(wasmModule(), { env: { emscripten_notify_memory_growth: () => this.refresh() } });
    this.ex = instance.exports as unknown as ZstdExports;
    this.u8 = new Uint8Array(this.ex.memory.buffer);
    this.u32 = new Uint32Array(this.ex.memory.buffer);
    this.io = this.ex.malloc(24);
    this.inBuf = this.ex.malloc(IN_SIZE);
    this.outBuf = this.ex.malloc(OUT_SIZE);
    if (this.io === 0 || this.inBuf === 0 || this.outBuf === 0) throw new InputError('zstd-no-decoder');
    this.refresh();
  }

  refresh(): void {
    if (this.u8.buffer !== this.ex.memory.buffer) {
      this.u8 = new Uint8Array(this.ex.memory.buffer);
      this.u32 = new Uint32Array(this.ex.memory.buffer);
    }
  }
}

const idle: WasmHeap[] = [];
const MAX_IDLE = 2;
/** A heap whose memory grew past this (a log with a 128 MiB window) is let go rather than kept. */
const MAX_KEPT_MEMORY = 64 << 20;

/**
 * One zstd stream (any number of frames, skippable frames included). `decode` yields decoded
 * bytes as they come, packed into buffers from `alloc` (each yielded full, except the last of a
 * `decode` call); `end` says whether the input stopped inside a frame.
 *
 * The input is fed to the decoder one unit at a time (a frame header, a block, a checksum: see
 * ./zstd-frames.ts), so a damaged unit is named by the byte where it starts.
 */
export class ZstdWasmStream {
  private readonly heap: WasmHeap;
  private readonly dctx: number;
  private readonly walker = new ZstdFrameWalker();
  /**
   * The decoder's hint after its last call that made progress: 0 exactly when the input so far
   * ends on a frame boundary. A call that made no progress does not count: called again after a
   * frame ended (as when the frame's output exactly filled the output buffer), zstd starts loading
   * the next frame's header and hints 9, which once made every log decoding to an exact multiple
   * of 1 MiB "truncated".
   */
  private pending = 0;
  private freed = false;

  constructor() {
    this.heap = idle.pop() ?? new WasmHeap();
    this.dctx = this.heap.ex.ZSTD_createDCtx();
    if (this.dctx === 0) throw new InputError('zstd-no-decoder');
  }

  /** Compressed bytes seen so far. */
  get consumed(): number {
    return this.walker.pos;
  }

  /**
   * Decodes `chunk` (the next bytes of the stream), yielding output as it is produced, packed into
   * buffers from `alloc` (any size from 1 byte; OUT_SIZE suits): each is yielded once full, and the
   * last, partly filled, at the end of the chunk. Pieces are thus few and large whatever the frames
   * look like, which bounds what a consumer holds per piece.
   */
  *decode<T extends Uint8Array>(chunk: Uint8Array, alloc: () => T): Generator<T> {
    const h = this.heap;
    const { ex, io } = h;
    const w = io >>> 2;
    let out: T | null = null;
    let outLen = 0;
    for (let off = 0; off < chunk.length;) {
      const n = this.walker.span(chunk, off, IN_SIZE);
      const { unitStart: at, unit } = this.walker;
      h.u8.set(chunk.subarray(off, off + n), h.inBuf);
      h.u32[w] = h.inBuf;
      h.u32[w + 1] = n;
      h.u32[w + 2] = 0;
      for (;;) {
        h.u32[w + 3] = h.outBuf;
        h.u32[w + 4] = OUT_SIZE;
        h.u32[w + 5] = 0;
        const before = h.u32[w + 2]!;
        const ret = ex.ZSTD_decompressStream(this.dctx, io + 12, io) >>> 0;
        h.refresh();
        if (ret > 0xffffffff - ERROR_MAX_CODE) {
          const code = 0x1_0000_0000 - ret;
          throw new InputError('zstd-corrupt', { at, unit, reason: ERROR_NAMES[code] ?? `zstd error ${code}` });
        }
        const produced = h.u32[w + 5]!;
        const taken = h.u32[w + 2]!;
        if (produced > 0 || taken > before) this.pending = ret;
        for (let p = 0; p < produced;) {
          if (out === null) {
            out = alloc();
            outLen = 0;
          }
          const k = Math.min(produced - p, out.length - outLen);
          out.set(h.u8.subarray(h.outBuf + p, h.outBuf + p + k), outLen);
          outLen += k;
          p += k;
          if (outLen === out.length) {
            yield out;
            out = null;
          }
        }
        // Done with this input once it is all taken and the output was not filled: a full output
        // buffer may mean the decoder still holds decoded bytes (zstd's documented contract).
        if (taken === n && produced < OUT_SIZE) break;
        // zstd makes progress or returns an error; never spin on a decoder that did neither.
        if (produced === 0 && taken === before) throw new InputError('zstd-no-progress', { at, unit });
      }
      off += n;
    }
    if (out !== null && outLen > 0) yield out.subarray(0, outLen) as T;
  }

  /** The stream ended: throws TruncatedInputError when it stopped inside a frame. Frees the decoder. */
  end(): void {
    this.free();
    if (this.pending !== 0 || !this.walker.atFrameBoundary) throw new TruncatedInputError('zstd-truncated', { at: this.walker.pos });
  }

  free(): void {
    if (this.freed) return;
    this.freed = true;
    this.heap.ex.ZSTD_freeDCtx(this.dctx);
    if (idle.length < MAX_IDLE && this.heap.ex.memory.buffer.byteLength <= MAX_KEPT_MEMORY) idle.push(this.heap);
  }
}
