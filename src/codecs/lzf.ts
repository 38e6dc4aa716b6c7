import { InputError } from '../errors.js';
import { copyMatch } from './copy-match.js';
import { ByteReader } from './byte-reader.js';

/**
 * ning compress-lzf chunks, which Spark's LZFCompressionCodec writes through LZFOutputStream
 * with finishBlockOnFlush=true (core/src/main/scala/org/apache/spark/io/CompressionCodec.scala):
 *
 *   'Z' 'V' 0x00 | length (uint16 BE) | stored bytes
 *   'Z' 'V' 0x01 | compressed length (uint16 BE) | original length (uint16 BE) | LZF data
 *
 * Every length is 16 bits, so a chunk is at most 64 KiB (compress-lzf's LZFChunk.MAX_CHUNK_LEN
 * 0xFFFF) however damaged its header: nothing here can allocate more.
 */
export const LZF_MAGIC = Buffer.from('ZV', 'latin1');

export async function* decodeLzf(source: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  const r = new ByteReader(source[Symbol.asyncIterator]());
  while (!(await r.atEnd())) {
    const at = r.offset;
    const h = await r.read(5, 'lzf chunk header');
    if (h[0] !== 0x5a || h[1] !== 0x56) throw new InputError('lzf-bad-magic', { at });
    const type = h[2]!;
    if (type === 0) {
      const len = h.readUInt16BE(3);
      yield Buffer.from(await r.read(len, 'lzf chunk'));
    } else if (type === 1) {
      const compressedLen = h.readUInt16BE(3);
      const originalLen = (await r.read(2, 'lzf chunk header')).readUInt16BE(0);
      const data = await r.read(compressedLen, 'lzf chunk');
      const out = Buffer.allocUnsafe(originalLen);
      const n = lzfDecompress(data, out, at);
      if (n !== originalLen) throw new InputError('lzf-short-chunk', { at, decoded: n, expected: originalLen });
      yield out;
    } else {
      throw new InputError('lzf-bad-type', { at, type });
    }
  }
}

/** LZF (liblzf lzf_d.c): ctrl < 32 is a literal run of ctrl+1 bytes, else a back reference. */
function lzfDecompress(src: Uint8Array, dst: Uint8Array, at = 0): number {
  let s = 0;
  let d = 0;
  const bad = (): InputError => new InputError('lzf-corrupt-chunk', { at });
  while (s < src.length) {
    const ctrl = src[s++]!;
    if (ctrl < 32) {
      const len = ctrl + 1;
      if (s + len > src.length || d + len > dst.length) throw bad();
      dst.set(src.subarray(s, s + len), d);
      s += len;
      d += len;
      continue;
    }
    let len = ctrl >>> 5;
    if (len === 7) {
      if (s >= src.length) throw bad();
      len += src[s++]!;
    }
    if (s >= src.length) throw bad();
    const offset = ((ctrl & 0x1f) << 8) + 1 + src[s++]!;
    len += 2;
    if (offset > d || d + len > dst.length) throw bad();
    d = copyMatch(dst, d, offset, len);
  }
  return d;
}
