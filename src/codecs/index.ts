import { decodeGzip, GZIP_MAGIC } from './gzip.js';
import { decodeLz4Block, LZ4_MAGIC } from './lz4.js';
import { decodeLzf, LZF_MAGIC } from './lzf.js';
import { decodeXerialSnappy, SNAPPY_MAGIC } from './snappy.js';
import { decodeZstd, ZSTD_MAGIC, type ZstdOptions } from './zstd.js';

export type Codec = 'none' | 'zstd' | 'lz4' | 'snappy' | 'lzf' | 'gzip';

/** Bytes needed to recognise every codec by its magic. */
export const MAGIC_BYTES = 8;

const MAGICS: ReadonlyArray<readonly [Codec, Buffer]> = [
  ['zstd', ZSTD_MAGIC],
  ['lz4', LZ4_MAGIC],
  ['snappy', SNAPPY_MAGIC],
  ['gzip', GZIP_MAGIC],
  // 'ZV' + chunk type 0 or 1: two letters alone would also start a text file.
  ['lzf', LZF_MAGIC],
];

/** The codec whose magic starts `head`, or 'none'. Never looks at a file name. */
export function detectCodec(head: Buffer): Codec {
  for (const [codec, magic] of MAGICS) {
    if (head.length >= magic.length && head.subarray(0, magic.length).equals(magic)) {
      if (codec === 'lzf' && !(head.length > 2 && (head[2] === 0 || head[2] === 1))) continue;
      return codec;
    }
  }
  return 'none';
}

export type DecodeOptions = ZstdOptions;

export function decode(codec: Codec, source: AsyncIterable<Buffer>, opts: DecodeOptions = {}): AsyncIterable<Buffer> {
  switch (codec) {
    case 'none':
      return source;
    case 'zstd':
      return decodeZstd(source, opts);
    case 'lz4':
      return decodeLz4Block(source);
    case 'snappy':
      return decodeXerialSnappy(source);
    case 'lzf':
      return decodeLzf(source);
    case 'gzip':
      return decodeGzip(source);
  }
}
