import { InputError, type BlockFault } from '../errors.js';
import { copyMatch } from './copy-match.js';
import { ByteReader } from './byte-reader.js';
import { xxhash32 } from './xxhash32.js';

/**
 * lz4-java's LZ4BlockOutputStream framing, which is what Spark's LZ4CompressionCodec writes
 * (core/src/main/scala/org/apache/spark/io/CompressionCodec.scala). It is not the LZ4 frame format:
 * the `lz4` command-line tool cannot read it.
 *
 *   "LZ4Block" | token | compressedLen (int32 LE) | originalLen (int32 LE) | checksum (int32 LE) | data
 *
 * token = method (0x10 raw, 0x20 lz4) | (compressionLevel - 10), where 1 << compressionLevel bounds the block.
 * checksum = XXH32(original bytes, seed 0x9747b28c) & 0x0fffffff (lz4-java LZ4BlockOutputStream).
 * A block with both lengths 0 ends a stream. Spark reads with stopOnEmptyBlock=false, so streams may be
 * concatenated: another magic may follow the end block.
 */
export const LZ4_MAGIC = Buffer.from('LZ4Block', 'latin1');
const HEADER = LZ4_MAGIC.length + 13;
const METHOD_RAW = 0x10;
const METHOD_LZ4 = 0x20;
const SEED = 0x9747b28c;
/**
 * The largest block lz4-java writes: its LZ4BlockOutputStream takes block sizes up to
 * 1 << (COMPRESSION_LEVEL_BASE 10 + 15) = 32 MiB, and the token's low nibble says the level, so
 * `originalLen > 1 << level` is already refused as LZ4BlockInputStream refuses it.
 */
const MAX_BLOCK = 1 << 25;
/**
 * LZ4_compressBound (lz4.h): the most an LZ4 block of n bytes can take compressed. lz4-java stores a
 * block raw when compressing does not shrink it, so a real block is smaller still; a length past
 * this bound is a damaged header, refused before anything is read or allocated for it.
 */
const lz4CompressBound = (n: number): number => n + Math.floor(n / 255) + 16;

export async function* decodeLz4Block(source: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  const r = new ByteReader(source[Symbol.asyncIterator]());
  while (!(await r.atEnd())) {
    const at = r.offset;
    const h = await r.read(HEADER, 'lz4 block header');
    if (!h.subarray(0, 8).equals(LZ4_MAGIC)) {
      throw new InputError('lz4-bad-magic', { at });
    }
    const token = h[8]!;
    const method = token & 0xf0;
    const level = 10 + (token & 0x0f);
    const compressedLen = h.readInt32LE(9);
    const originalLen = h.readInt32LE(13);
    const checksum = h.readInt32LE(17) >>> 0;
    if (
      originalLen < 0 ||
      compressedLen < 0 ||
      originalLen > 1 << level ||
      originalLen > MAX_BLOCK ||
      compressedLen > lz4CompressBound(originalLen) ||
      (method !== METHOD_RAW && method !== METHOD_LZ4) ||
      (originalLen === 0 && compressedLen !== 0) ||
      (method === METHOD_RAW && originalLen !== compressedLen)
    ) {
      throw new InputError('lz4-bad-header', { at });
    }
    if (originalLen === 0) {
      if (checksum !== 0) throw new InputError('lz4-bad-end', { at });
      continue;
    }
    const data = await r.read(compressedLen, 'lz4 block');
    let out: Buffer;
    if (method === METHOD_RAW) {
      out = Buffer.from(data);
    } else {
      out = Buffer.allocUnsafe(originalLen);
      let n: number;
      try {
        n = lz4DecompressBlock(data, out);
      } catch (e) {
        // The block decoder does not know where its block starts: say it here.
        if (e instanceof InputError && e.code === 'lz4-corrupt-block')
          throw new InputError('lz4-corrupt-block', { at, what: (e as InputError<'lz4-corrupt-block'>).data.what });
        throw e;
      }
      if (n !== originalLen) throw new InputError('lz4-short-block', { at, decoded: n, expected: originalLen });
    }
    if ((xxhash32(out, SEED) & 0x0fffffff) !== checksum) {
      throw new InputError('lz4-checksum', { at });
    }
    yield out;
  }
}

const blockFault = (what: BlockFault): InputError => new InputError('lz4-corrupt-block', { at: null, what });

/** Decodes one raw LZ4 block (https://github.com/lz4/lz4/blob/dev/doc/lz4_Block_format.md) into dst; returns bytes written. */
function lz4DecompressBlock(src: Uint8Array, dst: Uint8Array): number {
  let s = 0;
  let d = 0;
  const sEnd = src.length;
  const dEnd = dst.length;
  while (s < sEnd) {
    const token = src[s++]!;
    let lit = token >>> 4;
    if (lit === 15) {
      let b: number;
      do {
        if (s >= sEnd) throw blockFault('literal-length-past-block');
        b = src[s++]!;
        lit += b;
      } while (b === 255);
    }
    if (s + lit > sEnd || d + lit > dEnd) throw blockFault('literal-overrun');
    dst.set(src.subarray(s, s + lit), d);
    s += lit;
    d += lit;
    if (s >= sEnd) break; // the last sequence carries literals only
    if (s + 2 > sEnd) throw blockFault('truncated-offset');
    const offset = src[s]! | (src[s + 1]! << 8);
    s += 2;
    if (offset === 0 || offset > d) throw blockFault('offset-out-of-range');
    let len = (token & 0x0f) + 4;
    if (len === 19) {
      let b: number;
      do {
        if (s >= sEnd) throw blockFault('match-length-past-block');
        b = src[s++]!;
        len += b;
      } while (b === 255);
    }
    if (d + len > dEnd) throw blockFault('match-overrun');
    d = copyMatch(dst, d, offset, len);
  }
  return d;
}
