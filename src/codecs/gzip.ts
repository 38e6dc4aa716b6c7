import { createGunzip } from 'node:zlib';
import { Readable } from 'node:stream';
import { InputError } from '../errors.js';
import { TruncatedInputError } from './byte-reader.js';

export const GZIP_MAGIC = Buffer.from([0x1f, 0x8b]);

/** gzip, including concatenated members (Node's gunzip reads them all). */
export async function* decodeGzip(source: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  const gunzip = createGunzip();
  const input = Readable.from(source, { objectMode: false });
  input.on('error', (e) => gunzip.destroy(e));
  input.pipe(gunzip);
  try {
    for await (const chunk of gunzip) yield chunk as Buffer;
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'Z_BUF_ERROR' || /unexpected end of file/i.test(err.message)) {
      throw new TruncatedInputError('gzip-truncated');
    }
    if (typeof err.code === 'string' && err.code.startsWith('Z_')) {
      throw new InputError('gzip-corrupt', { detail: err.message.split('\n')[0]! });
    }
    throw e;
  } finally {
    input.destroy();
  }
}
