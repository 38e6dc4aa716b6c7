import { InputError, type BlockFault } from '../errors.js';
import { copyMatch } from './copy-match.js';
import { ByteReader } from './byte-reader.js';

/**
 * xerial snappy-java's SnappyOutputStream, which Spark's SnappyCompressionCodec writes
 * (core/src/main/scala/org/apache/spark/io/CompressionCodec.scala). Not the snappy framing format:
 *
 *   header: 0x82 "SNAPPY" 0x00 | version (int32 BE) | compatible version (int32 BE)
 *   then blocks: length (int32 BE) | raw snappy block
 *
 * SnappyInputStream accepts a new header where a block length is expected (concatenated streams);
 * a length is never negative, so a leading 0x82 byte is unambiguous.
 */
export const SNAPPY_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]);
const HEADER = SNAPPY_MAGIC.length + 8;
/**
 * The largest block we decode. Spark writes SnappyOutputStream with its block size from
 * spark.io.compression.snappy.blockSize (default 32 KiB; CompressionCodec.scala), so every block
 * decodes to at most that. snappy-java's own reader accepts compressed chunks up to 512 MiB
 * (SnappyInputStream.MAX_CHUNK_SIZE) and the snappy format lengths up to 2^32 - 1, but buffering
 * such a block would break the 200 MiB memory bound. Our choice: 32 MiB, 1024 times Spark's
 * default and the same bound lz4-java's format puts on its blocks.
 */
const SNAPPY_MAX_BLOCK = 32 << 20;
/** snappy::MaxCompressedLength (snappy.cc): 32 + n + n / 6, the most a block of n bytes takes compressed. */
const maxCompressedLength = (n: number): number => 32 + n + Math.floor(n / 6);
/** The compressed chunk length we accept: what a SNAPPY_MAX_BLOCK block can take at most. */
const SNAPPY_MAX_CHUNK = maxCompressedLength(SNAPPY_MAX_BLOCK);
/**
 * The most one compressed byte can stand for: a 3-byte copy (tag 2) writes up to 64 bytes. A
 * declared length beyond this many times the block's size cannot be decoded from it.
 */
const MAX_EXPANSION = 64 / 3;

export async function* decodeXerialSnappy(source: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  const r = new ByteReader(source[Symbol.asyncIterator]());
  const header = await r.read(HEADER, 'snappy stream header');
  if (!header.subarray(0, 8).equals(SNAPPY_MAGIC)) throw new InputError('snappy-bad-magic', { at: 0 });
  while (!(await r.atEnd())) {
    const at = r.offset;
    if (r.available >= 1 && r.peek(1)[0] === 0x82) {
      const again = await r.read(HEADER, 'snappy stream header');
      if (!again.subarray(0, 8).equals(SNAPPY_MAGIC)) throw new InputError('snappy-bad-magic', { at });
      continue;
    }
    const len = (await r.read(4, 'snappy block length')).readInt32BE(0);
    if (len <= 0 || len > SNAPPY_MAX_CHUNK) throw new InputError('snappy-bad-block-length', { at, length: len });
    const block = await r.read(len, 'snappy block');
    yield snappyDecompress(block, at);
  }
}

/** Decodes one raw snappy block (https://github.com/google/snappy/blob/main/format_description.txt). */
function snappyDecompress(src: Uint8Array, at = 0): Buffer {
  let s = 0;
  let outLen = 0;
  for (let shift = 0; ; shift += 7) {
    if (s >= src.length || shift > 28) throw new InputError('snappy-corrupt-block', { at, what: 'bad-length' });
    const b = src[s++]!;
    outLen += (b & 0x7f) * 2 ** shift;
    if (b < 0x80) break;
  }
  // Checked before allocating: a damaged varint once asked Node for up to 32 GiB (ERR_OUT_OF_RANGE).
  if (outLen > SNAPPY_MAX_BLOCK || outLen > (src.length - s) * MAX_EXPANSION)
    throw new InputError('snappy-corrupt-block', { at, what: 'bad-length' });
  const dst = Buffer.allocUnsafe(outLen);
  let d = 0;
  const bad = (what: BlockFault): InputError => new InputError('snappy-corrupt-block', { at, what });
  while (s < src.length) {
    const tag = src[s++]!;
    const kind = tag & 3;
    if (kind === 0) {
      let len = tag >>> 2;
      if (len >= 60) {
        const n = len - 59;
        if (s + n > src.length) throw bad('truncated-literal-length');
        len = 0;
        for (let i = 0; i < n; i++) len += src[s + i]! * 2 ** (8 * i);
        s += n;
      }
      len += 1;
      if (s + len > src.length || d + len > outLen) throw bad('literal-overrun');
      dst.set(src.subarray(s, s + len), d);
      s += len;
      d += len;
      continue;
    }
    let len: number;
    let offset: number;
    if (kind === 1) {
      if (s + 1 > src.length) throw bad('truncated-copy');
      len = ((tag >>> 2) & 7) + 4;
      offset = ((tag >>> 5) << 8) | src[s++]!;
    } else if (kind === 2) {
      if (s + 2 > src.length) throw bad('truncated-copy');
      len = (tag >>> 2) + 1;
      offset = src[s]! | (src[s + 1]! << 8);
      s += 2;
    } else {
      if (s + 4 > src.length) throw bad('truncated-copy');
      len = (tag >>> 2) + 1;
      offset = (src[s]! | (src[s + 1]! << 8) | (src[s + 2]! << 16) | (src[s + 3]! << 24)) >>> 0;
      s += 4;
    }
    if (offset === 0 || offset > d || d + len > outLen) throw bad('copy-out-of-range');
    d = copyMatch(dst, d, offset, len);
  }
  if (d !== outLen) throw new InputError('snappy-short-block', { at, decoded: d, expected: outLen });
  return dst;
}
