import { Decompress } from './vendor/fzstd.js';
import { InputError } from '../errors.js';
import { TruncatedInputError } from './byte-reader.js';

/**
 * Zstandard as zstd-jni's ZstdOutputStream writes it for Spark's ZStdCompressionCodec: standard frames
 * (magic 28 b5 2f fd), flushed blocks inside a frame, possibly several frames in one file.
 * fzstd (vendored in ./vendor with a fix for long match offsets) is a pure-JS streaming decoder.
 */
export const ZSTD_MAGIC = Buffer.from([0x28, 0xb5, 0x2f, 0xfd]);

export async function* decodeZstd(source: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  let out: Buffer[] = [];
  const d = new Decompress((chunk) => {
    // fzstd hands out views of its window, which later blocks overwrite: copy.
    if (chunk.length > 0) out.push(Buffer.from(chunk));
  });
  let consumed = 0;
  const fail = (e: unknown): never => {
    const msg = e instanceof Error ? e.message : String(e);
    if (/unexpected EOF/i.test(msg)) throw new TruncatedInputError(`truncated zstd frame (input ends at byte ${consumed})`);
    throw new InputError(`corrupt zstd data near byte ${consumed}: ${msg}`);
  };
  for await (const chunk of source) {
    try {
      d.push(chunk, false);
    } catch (e) {
      fail(e);
    }
    consumed += chunk.length;
    if (out.length > 0) {
      const ready = out;
      out = [];
      yield* ready;
    }
  }
  try {
    d.push(new Uint8Array(0), true);
  } catch (e) {
    fail(e);
  }
  yield* out;
}
