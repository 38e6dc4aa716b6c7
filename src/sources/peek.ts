const EMPTY = Buffer.alloc(0);

export interface Peeked {
  /** The first n bytes (fewer when the stream is shorter). */
  head: Buffer;
  /** The whole stream again, from its first byte. Its return() closes the source, even if it was never read. */
  stream: AsyncIterableIterator<Buffer>;
  /** The source ended within the first n bytes (without an error). */
  ended: boolean;
}

/**
 * Returns the first n bytes of a stream and a stream that still yields everything. An error met
 * while reading ahead is raised by the returned stream after the bytes before it, where the reader
 * would have met it (a truncated compressed tail stays a truncation, not a failure to start); an
 * error before the first byte is thrown at once (there is nothing to hand over first: a zip entry
 * in an unsupported method once read as an "empty file").
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
    if (len === 0) throw e;
    failure = e;
    ended = true;
  }
  const head = headOf(taken, Math.min(n, len));
  let i = 0;
  let closed = false;
  const close = async (): Promise<IteratorReturnResult<undefined>> => {
    if (!closed) {
      closed = true;
      taken.length = 0;
      if (!ended) await it.return?.();
    }
    return { done: true, value: undefined };
  };
  const stream: AsyncIterableIterator<Buffer> = {
    async next(): Promise<IteratorResult<Buffer>> {
      if (closed) return { done: true, value: undefined };
      if (i < taken.length) {
        const value = taken[i]!;
        taken[i++] = EMPTY; // handed over: the reader may recycle it
        return { done: false, value };
      }
      if (failure !== null) {
        const e = failure;
        failure = null;
        closed = true;
        // Rethrown as caught: the error of the stream being peeked, whatever its type.
        // eslint-disable-next-line @typescript-eslint/only-throw-error
        throw e;
      }
      if (ended) return close();
      try {
        const r = await it.next();
        if (r.done) {
          ended = true;
          return close();
        }
        return r;
      } catch (e) {
        ended = true; // a source that threw is finished
        closed = true;
        throw e;
      }
    },
    return: close,
    [Symbol.asyncIterator]() {
      return this;
    },
  };
  return { head, stream, ended: ended && failure === null };
}

/**
 * A copy of the first `n` bytes of `pieces`: only those are copied (a small log is often one piece,
 * the whole file, of which a sniff wants 4 bytes or 64 KiB). A copy, not a view: the pieces are
 * handed on, and a reader may recycle them while the head is still in use.
 */
function headOf(pieces: readonly Buffer[], n: number): Buffer {
  const head = Buffer.allocUnsafe(n);
  let at = 0;
  for (const p of pieces) {
    if (at === n) break;
    at += p.copy(head, at, 0, Math.min(p.length, n - at));
  }
  return head;
}
