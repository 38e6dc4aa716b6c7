import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { detectCodec, type Codec } from '../codecs/index.js';
import { ZIP_MAGIC } from '../sources/zip.js';
import type { FsPath } from '../sources/names.js';
import { isRemote } from '../sources/remote/index.js';
import type { Unit } from '../sources/walk.js';

/**
 * What a log expands to when its size is not written in it, as a multiple of its size on disk:
 * fixtures/codecs/source.jsonl (a real event log, 247 KB) as Spark's own codec libraries wrote it
 * (test/codecs/gen/generate.sh): zstd-jni 9.3×, gzip 9.4×, lz4-java 6.7×, compress-lzf 4.5×,
 * snappy-java 4.2×; each rounded down, so a guess never starts a thread that the bytes do not
 * repay. The real zstd logs in ../shared/eventlogs state their size and run 5.5–41×.
 */
export const EXPANSION: Readonly<Record<Exclude<Codec, 'none'> | 'zip', number>> = {
  zstd: 9,
  gzip: 9,
  zip: 9, // deflate, as gzip
  lz4: 6,
  lzf: 4,
  snappy: 4,
};

/** Bytes that hold a zstd frame header up to its content size (RFC 8878 §3.1.1: magic 4, descriptor 1, window 1, dictionary ≤4, size ≤8). */
const HEAD_BYTES = 18;

/**
 * The content size a zstd frame header states (RFC 8878 §3.1.1.1.1 Frame_Header_Descriptor), or
 * null when the frame does not state it: Spark's zstd-jni streams never do; the zstd command line
 * does for a file it is given.
 */
export function zstdContentSize(head: Uint8Array): number | null {
  if (head.length < 6) return null;
  const fhd = head[4]!;
  const fcsFlag = fhd >> 6;
  const singleSegment = (fhd >> 5) & 1;
  const fcsBytes = [singleSegment, 2, 4, 8][fcsFlag]!;
  if (fcsBytes === 0) return null;
  const at = 5 + (singleSegment ? 0 : 1) + [0, 1, 2, 4][fhd & 3]!;
  if (head.length < at + fcsBytes) return null;
  let size = 0;
  for (let i = fcsBytes - 1; i >= 0; i--) size = size * 256 + head[at + i]!;
  return fcsBytes === 2 ? size + 256 : size;
}

/** The decoded size of one file of `size` bytes on disk, from its first bytes. */
export function decodedSize(head: Buffer, size: number): number {
  if (head.length >= ZIP_MAGIC.length && head.subarray(0, ZIP_MAGIC.length).equals(ZIP_MAGIC)) return size * EXPANSION.zip;
  const codec = detectCodec(head);
  if (codec === 'none') return size;
  if (codec === 'zstd') return Math.max(size, zstdContentSize(head) ?? size * EXPANSION.zstd);
  return size * EXPANSION[codec];
}

/** One file's decoded size (its size on disk when it cannot be read: scan reports it later). */
function fileDecoded(file: FsPath): number {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return 0;
  }
  try {
    const size = fstatSync(fd).size;
    const head = Buffer.alloc(HEAD_BYTES);
    return decodedSize(head.subarray(0, readSync(fd, head, 0, HEAD_BYTES, 0)), size);
  } catch {
    return 0;
  } finally {
    closeSync(fd);
  }
}

/**
 * The codec a log's name says (Spark names a compressed log `<app>[_<attempt>].<codec short name>`,
 * EventLogFileWriters.scala getLogPath; `.inprogress` after it while written), a Databricks rolled
 * part's `.gz` (../sources/layout.ts), and a zip by its extension (a History Server's download).
 */
const NAMED_CODEC = /\.(lz4|lzf|snappy|zstd|zip|gz)(?:\.inprogress)?$/i;

/** What a file named `name` expands to by the codec its name says (1: none said). */
function namedExpansion(name: string): number {
  const c = NAMED_CODEC.exec(name)?.[1]?.toLowerCase() as keyof typeof EXPANSION | 'gz' | undefined;
  return c === undefined ? 1 : EXPANSION[c === 'gz' ? 'gzip' : c];
}

/**
 * A remote log's decoded size from its listing alone (its bytes are not fetched twice): its size
 * times EXPANSION for the codec its name says; a rolling directory's, each file's so (a directory
 * of zstd parts weighed plain counted a ninth of what it decodes to).
 */
function listedDecoded(u: Unit): number {
  if (u.group === null) return u.bytes * namedExpansion(u.path);
  const sizes = u.groupBytes;
  if (sizes === undefined) return u.bytes;
  return u.group.files.reduce((sum, f, i) => sum + (sizes[i] ?? 0) * namedExpansion(f), 0);
}

/**
 * `units` by what they decode to, the largest first (a stable order: equal weights keep theirs),
 * weighed from the listing alone, as remote logs are (listedDecoded): no file is opened for it, the
 * codec is the one its name says.
 */
export function largestFirst(units: readonly Unit[]): Unit[] {
  return units
    .map((u, i) => ({ u, i, w: u.error !== undefined ? 0 : listedDecoded(u) }))
    .sort((a, b) => b.w - a.w || a.i - b.i)
    .map((x) => x.u);
}

/**
 * The bytes `units` decode to, counted until `enough` (no file is opened past it): each file opened
 * for its first 18 bytes; a plain one is its size, a compressed one the size its zstd frame header
 * states, or its size by EXPANSION. A file that cannot be read counts nothing. A remote log (a URL)
 * is weighed from its listing (listedDecoded).
 */
export function decodedBytes(units: readonly Unit[], enough: number): number {
  let sum = 0;
  for (const u of units) {
    if (u.error !== undefined) continue;
    if (typeof u.fsPath === 'string' && isRemote(u.fsPath)) {
      if (sum >= enough) return sum;
      sum += listedDecoded(u);
      continue;
    }
    for (const p of u.groupPaths ?? [u.fsPath]) {
      if (sum >= enough) return sum;
      sum += fileDecoded(p);
    }
  }
  return sum;
}
