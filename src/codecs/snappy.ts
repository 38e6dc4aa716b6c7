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
    if (len <= 0) throw new InputError('snappy-bad-block-length', { at, length: len });
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
