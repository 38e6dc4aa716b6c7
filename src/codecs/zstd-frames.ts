/**
 * Follows the structure of a zstd stream without decoding it (RFC 8878 §3.1: frames, blocks,
 * checksums, skippable frames), so the decoder can be fed one unit at a time and an error it
 * reports can name the byte where the damaged unit starts.
 *
 * Why it is needed: ZSTD_decompressStream returns an error code without updating `input->pos`
 * (zstd_decompress.c writes the positions back only on success), so the decoder alone cannot say
 * where in a 1 MiB input slice it failed; fed a whole file it said "near byte 0" for every error.
 * Fed unit by unit, the failing call is the one holding the last bytes of the damaged unit.
 *
 * It also tells whether the input ended between frames, independently of the decoder's hint.
 */
import type { ZstdUnit } from '../errors.js';

const ZSTD_MAGIC = 0xfd2fb528;
/** Skippable frames: magic 0x184D2A50..0x184D2A5F (RFC 8878 §3.1.2). */
const SKIPPABLE_MASK = 0xfffffff0;
const SKIPPABLE_MAGIC = 0x184d2a50;

const enum S {
  /** Reading a frame's 4-byte magic (a new unit starts at its first byte). */
  Magic,
  /** Reading the frame header descriptor. */
  Descriptor,
  /** Reading the rest of the frame header (window, dictionary id, content size). */
  HeaderRest,
  /** Reading a block header (a new unit). */
  BlockHeader,
  /** Inside a block's content. */
  BlockBody,
  /** Reading the 4-byte content checksum (a new unit). */
  Checksum,
  /** Reading a skippable frame's 4-byte size. */
  SkipSize,
  /** Inside a skippable frame's content. */
  SkipBody,
  /** Not a zstd structure: the rest of the stream is one unit, and the decoder will say what is wrong. */
  Lost,
}

export class ZstdFrameWalker {
  /** Absolute offset of the next byte to walk. */
  pos = 0;
  /** Absolute offset where the unit holding the last walked byte starts. */
  unitStart = 0;
  unit: ZstdUnit = 'frame-header';
  private state = S.Magic;
  /** Bytes left in the current field or body. */
  private left = 4;
  /** The little-endian value being read (magic, block header, skippable size). */
  private value = 0;
  private shift = 0;
  private lastBlock = false;
  private checksum = false;

  /** True when the stream walked so far ends exactly between frames. */
  get atFrameBoundary(): boolean {
    return this.state === S.Magic && this.left === 4;
  }

  /**
   * Walks `chunk` from `off` to the end of the current unit, of the chunk, or `max` bytes, whichever
   * comes first; returns the number of bytes walked (at least 1 when the chunk has any left).
   */
  span(chunk: Uint8Array, off: number, max: number): number {
    const end = Math.min(chunk.length, off + max);
    let i = off;
    if (i < end && this.startsUnit()) {
      this.unitStart = this.pos;
      this.unit = this.state === S.BlockHeader ? 'block' : this.state === S.Checksum ? 'checksum' : 'frame-header';
    }
    while (i < end) {
      switch (this.state) {
        case S.Lost:
          i = end;
          continue;
        case S.BlockBody:
        case S.SkipBody: {
          const n = Math.min(this.left, end - i);
          i += n;
          this.left -= n;
          if (this.left === 0) this.afterBody();
          break;
        }
        default:
          this.byte(chunk[i++]!);
      }
      if (this.startsUnit()) break; // the unit just ended
    }
    this.pos += i - off;
    return i - off;
  }

  private startsUnit(): boolean {
    const s = this.state;
    return (s === S.Magic && this.left === 4) || (s === S.BlockHeader && this.left === 3) || (s === S.Checksum && this.left === 4);
  }

  /** One byte of a header field. */
  private byte(b: number): void {
    switch (this.state) {
      case S.Magic:
      case S.BlockHeader:
      case S.SkipSize:
        this.value += b * 2 ** this.shift;
        this.shift += 8;
        if (--this.left > 0) return;
        this.fieldDone();
        return;
      case S.Descriptor: {
        // Frame_Header_Descriptor: FCS flag (bits 7-6), single segment (5), reserved (3), checksum (2), dict id flag (1-0).
        const fcsFlag = b >>> 6;
        const single = (b & 0x20) !== 0;
        if ((b & 0x08) !== 0) return this.lose();
        this.checksum = (b & 0x04) !== 0;
        const dictBytes = [0, 1, 2, 4][b & 3]!;
        const fcsBytes = [single ? 1 : 0, 2, 4, 8][fcsFlag]!;
        this.left = (single ? 0 : 1) + dictBytes + fcsBytes;
        this.state = this.left > 0 ? S.HeaderRest : S.BlockHeader;
        if (this.state === S.BlockHeader) this.startField(3);
        return;
      }
      case S.HeaderRest:
        if (--this.left === 0) {
          this.state = S.BlockHeader;
          this.startField(3);
        }
        return;
      case S.Checksum:
        if (--this.left === 0) this.nextFrame();
        return;
      case S.BlockBody:
      case S.SkipBody:
      case S.Lost:
        return; // walked in span()
    }
  }

  private fieldDone(): void {
    const v = this.value;
    switch (this.state) {
      case S.Magic:
        if (v === ZSTD_MAGIC) {
          this.state = S.Descriptor;
          this.left = 1;
        } else if ((v & SKIPPABLE_MASK) >>> 0 === SKIPPABLE_MAGIC) {
          this.unit = 'skippable-frame';
          this.state = S.SkipSize;
          this.startField(4);
        } else this.lose();
        return;
      case S.SkipSize:
        this.state = S.SkipBody;
        this.left = v;
        if (v === 0) this.afterBody();
        return;
      case S.BlockHeader: {
        // Block_Header: last block (bit 0), type (bits 1-2: raw, RLE, compressed, reserved), size (bits 3-23).
        const type = (v >>> 1) & 3;
        if (type === 3) return this.lose();
        this.lastBlock = (v & 1) !== 0;
        this.state = S.BlockBody;
        this.left = type === 1 ? 1 : v >>> 3;
        if (this.left === 0) this.afterBody();
        return;
      }
      default:
        return;
    }
  }

  private afterBody(): void {
    if (this.state === S.SkipBody) return this.nextFrame();
    if (!this.lastBlock) {
      this.state = S.BlockHeader;
      this.startField(3);
    } else if (this.checksum) {
      this.state = S.Checksum;
      this.left = 4;
    } else this.nextFrame();
  }

  private nextFrame(): void {
    this.state = S.Magic;
    this.startField(4);
  }

  private startField(n: number): void {
    this.left = n;
    this.value = 0;
    this.shift = 0;
  }

  private lose(): void {
    if (this.state === S.Magic) this.unit = 'unknown-data';
    this.state = S.Lost;
    this.left = 0;
  }
}

/**
 * The bytes of history the decoder must keep for the frame that starts `head` (RFC 8878 §3.1.1.1.2
 * Window_Descriptor: 2^(10 + exponent) plus mantissa eighths of it; a single-segment frame's window
 * is its content size), or its content size when that is smaller (zstd_decompress.c
 * ZSTD_decodingBufferSize_min sizes the buffer by the lesser). Null when `head` does not start with
 * a whole zstd frame header up to its content size.
 */
export function zstdFrameWindow(head: Uint8Array): number | null {
  if (head.length < 6 || (head[0]! | (head[1]! << 8) | (head[2]! << 16) | (head[3]! << 24)) >>> 0 !== ZSTD_MAGIC) return null;
  const fhd = head[4]!;
  const single = (fhd & 0x20) !== 0;
  const fcsBytes = [single ? 1 : 0, 2, 4, 8][fhd >>> 6]!;
  const fcsAt = 5 + (single ? 0 : 1) + [0, 1, 2, 4][fhd & 3]!;
  if (head.length < fcsAt + fcsBytes) return null;
  let size = 0;
  for (let i = fcsBytes - 1; i >= 0; i--) size = size * 256 + head[fcsAt + i]!;
  const content = fcsBytes === 0 ? null : fcsBytes === 2 ? size + 256 : size;
  if (single) return content;
  const wd = head[5]!;
  const base = 2 ** (10 + (wd >>> 3));
  const window = base + (base / 8) * (wd & 7);
  return content === null ? window : Math.min(window, content);
}
