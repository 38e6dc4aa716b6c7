export interface Peeked {
  /** The first n bytes (fewer when the stream is shorter). */
  head: Buffer;
  /** The whole stream again, from its first byte. */
  stream: AsyncIterable<Buffer>;
  /** The source ended within the first n bytes (without an error). */
  ended: boolean;
}

/**
 * Returns the first n bytes of a stream and a stream that still yields everything. An error met
 * while reading ahead is raised by the returned stream after the bytes before it, where the reader
 * would have met it (a truncated compressed tail stays a truncation, not a failure to start).
 */
export async function peek(source: AsyncIterable<Buffer>, n: number): Promise<Peeked> {
  const it = source[Symbol.asyncIterator]();
  const taken: Buffer[] = [];
  let len = 0;
  let ended = false;
  let failure: unknown = null;
  try {
    while (len < n) {
      const r = await it.next();
      if (r.done) {
        ended = true;
        break;
      }
      taken.push(r.value);
      len += r.value.length;
    }
  } catch (e) {
    failure = e;
    ended = true;
  }
  const head = Buffer.concat(taken, len).subarray(0, n);
  async function* stream(): AsyncGenerator<Buffer> {
    yield* taken;
    // Rethrown as caught: the error of the stream being peeked, whatever its type.
    // eslint-disable-next-line @typescript-eslint/only-throw-error
    if (failure !== null) throw failure;
    if (ended) return;
    for (;;) {
      const r = await it.next();
      if (r.done) return;
      yield r.value;
    }
  }
  return { head, stream: stream(), ended: ended && failure === null };
}
