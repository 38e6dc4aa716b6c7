import { TruncatedInputError } from '../errors.js';

/**
 * Pulls exact byte counts out of a chunked async source, for the block-framed codecs
 * (lz4-java, xerial snappy, lzf). Holds at most one block plus one source chunk. Callers check a
 * block's declared size against their format's limit before asking for it: this reader gathers
 * whatever it is asked for.
 */
export class ByteReader {
  private buf: Buffer = Buffer.alloc(0);
  private pos = 0;
  private done = false;
  /** Absolute offset of the next unread byte, for error messages. */
  offset = 0;

  constructor(private readonly source: AsyncIterator<Buffer>) {}

  /** True when n bytes are buffered; false when the source ended first. */
  async ensure(n: number): Promise<boolean> {
    if (this.buf.length - this.pos >= n) return true;
    if (this.done) return false;
    // Chunks are gathered first and joined once: joining at each chunk copied a large block again
    // per chunk (quadratic: a 256 MiB block took 24 s).
    const parts: Buffer[] = [];
    let have = this.buf.length - this.pos;
    if (have > 0) parts.push(this.buf.subarray(this.pos));
    while (have < n) {
      const next = await this.source.next();
      if (next.done) {
        this.done = true;
        break;
      }
      parts.push(next.value);
      have += next.value.length;
    }
    this.buf = parts.length === 1 ? parts[0]! : Buffer.concat(parts, have);
    this.pos = 0;
    return have >= n;
  }

  /** Bytes buffered and not yet taken. */
  get available(): number {
    return this.buf.length - this.pos;
  }

  /** True when nothing is left, buffered or to come. */
  async atEnd(): Promise<boolean> {
    return !(await this.ensure(1));
  }

  /** Returns a view of the next n bytes; call ensure(n) first. The view is valid until the next ensure. */
  take(n: number): Buffer {
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    this.offset += n;
    return out;
  }

  peek(n: number): Buffer {
    return this.buf.subarray(this.pos, this.pos + n);
  }

  /** ensure + take, with a truncation error naming what was being read. */
  async read(n: number, what: string): Promise<Buffer> {
    if (!(await this.ensure(n))) {
      throw new TruncatedInputError('truncated', { what, at: this.offset + this.available, expected: n, found: this.available });
    }
    return this.take(n);
  }
}

export { TruncatedInputError };
