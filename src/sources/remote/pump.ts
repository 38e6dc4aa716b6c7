import { Worker } from 'node:worker_threads';
import { POOLED_SIZE, returnTo } from '../chunk-pool.js';

/**
 * A large object's body received on a thread of its own. Node's HTTP client spends 1.3–1.8 s of
 * CPU per GiB receiving on loopback (a bare `http.get` with an empty 'data' handler), and on the
 * thread that also parses the log that time adds up with the parsing: the 1 GiB bench log read
 * from s3proxy at 62–68% of the speed from disk (`npm run bench:remote`). Received here, the
 * bytes cross over as 1 MiB chunks (ArrayBuffers transferred, not copied), and the chunks the
 * readers hand back to the pool (../chunk-pool.ts) go back to the thread to be filled again.
 *
 * The thread only moves bytes: the request is signed, and every status and failure judged, by the
 * caller (./s3.ts), which resumes a cut body as it does any other (./store.ts).
 */

/**
 * Bodies from this size on are received on their own thread. Our choice: starting the thread costs
 * ~30 ms of CPU (and ~90 ms before the first byte on a loaded machine), what receiving ~20 MiB
 * costs on the reading thread; a log this large takes seconds to parse.
 */
export const PUMP_MIN_BYTES = 64 * 1024 * 1024;

/**
 * Chunks the thread may have handed over that the reader has not taken yet. Our choice: enough to
 * keep the socket busy while the reader parses one; memory stays at a few MiB however large the object.
 */
const PUMP_CREDIT = 4;

/** Plain CommonJS run with `eval`: only node:http(s), so the one-file build needs no entry for it. */
const PUMP_CODE = `
const { parentPort, workerData: w } = require('node:worker_threads');
const lib = require(w.protocol === 'https:' ? 'node:https' : 'node:http');
let credit = w.credit;
const free = [];
let out = null;
let filled = 0;
let res = null;
let paused = false;
let ended = false;
const post = (m, t) => parentPort.postMessage(m, t);
const flush = () => {
  const ab = out.buffer;
  post({ t: 'chunk', ab, length: filled }, [ab]);
  out = null;
  filled = 0;
  if (--credit <= 0 && res && !paused) { paused = true; res.pause(); }
};
const req = lib.request(
  { method: 'GET', hostname: w.hostname, port: w.port, path: w.path, headers: w.headers },
  (r) => {
    res = r;
    req.setTimeout(0);
    const etag = r.headers.etag;
    post({ t: 'head', status: r.statusCode, etag: typeof etag === 'string' ? etag : null });
    if (r.statusCode !== 200 && r.statusCode !== 206) { r.resume(); r.on('end', () => post({ t: 'end' })); return; }
    r.on('data', (piece) => {
      for (let p = 0; p < piece.length; ) {
        if (out === null) { const ab = free.pop(); out = ab ? Buffer.from(ab) : Buffer.allocUnsafeSlow(w.chunk); }
        const n = piece.copy(out, filled, p);
        filled += n;
        p += n;
        if (filled === out.length) flush();
      }
    });
    r.on('end', () => { ended = true; if (filled > 0) flush(); post({ t: 'end' }); });
    // The bytes before a cut are handed over first: the reader resumes after them.
    let failed = false;
    const fail = (message) => { if (failed || ended) return; failed = true; if (filled > 0) flush(); post({ t: 'error', message }); };
    r.on('error', (e) => fail(String(e && e.message || e)));
    r.on('close', () => fail('connection closed before the end of the body'));
  },
);
req.setTimeout(w.timeout, () => req.destroy(new Error('no answer within ' + w.timeout / 1000 + ' s')));
req.on('error', (e) => post({ t: 'error', message: String(e && (e.code || e.message) || e) }));
req.end();
parentPort.on('message', (m) => {
  if (m.ab) free.push(m.ab);
  if (m.credit) {
    credit += m.credit;
    if (paused && credit > 0) { paused = false; res.resume(); }
  }
});
`;

export interface PumpTarget {
  protocol: string;
  hostname: string;
  port: number | undefined;
  path: string;
  headers: Record<string, string>;
  /** Time to the response's headers (ms). */
  timeout: number;
}

type FromPump =
  | { t: 'head'; status: number; etag: string | null }
  | { t: 'chunk'; ab: ArrayBuffer; length: number }
  | { t: 'end' }
  | { t: 'error'; message: string };

/**
 * One GET sent and received on its own thread: resolves at the response's status (a connection
 * failure rejects), its body the chunks as they come (none unless 200 or 206). A body cut short throws after the bytes
 * before the cut; leaving the body unread ends the thread.
 */
export function pumpGet(target: PumpTarget): Promise<{ status: number; etag: string | null; body: AsyncGenerator<Buffer> }> {
  const worker = new Worker(PUMP_CODE, {
    eval: true,
    workerData: { ...target, chunk: POOLED_SIZE, credit: PUMP_CREDIT },
    // Its own small heap: it holds a few chunks and a socket.
    resourceLimits: { maxOldGenerationSizeMb: 32 },
  });
  worker.unref();
  const queue: FromPump[] = [];
  let wake: (() => void) | null = null;
  let onHead: ((m: FromPump) => void) | null = null;
  let alive = true;
  const failed = (message: string): void => {
    alive = false;
    if (onHead !== null) {
      const h = onHead;
      onHead = null;
      h({ t: 'error', message });
      return;
    }
    queue.push({ t: 'error', message });
    const w = wake;
    wake = null;
    w?.();
  };
  worker.on('message', (m: FromPump) => {
    if (onHead !== null) {
      const h = onHead;
      onHead = null;
      h(m);
      return;
    }
    queue.push(m);
    const w = wake;
    wake = null;
    w?.();
  });
  worker.on('error', (e) => failed(`receiving thread: ${e.message}`));
  worker.on('exit', () => failed('receiving thread ended'));
  const stop = (): void => {
    alive = false;
    worker.removeAllListeners('exit');
    void worker.terminate();
  };
  return new Promise((resolve, reject) => {
    onHead = (m) => {
      if (m.t !== 'head') {
        stop();
        reject(new Error(m.t === 'error' ? m.message : 'no answer'));
        return;
      }
      if (m.status !== 200 && m.status !== 206) {
        stop();
        resolve({ status: m.status, etag: m.etag, body: (async function* () {})() });
        return;
      }
      resolve({ status: m.status, etag: m.etag, body: body() });
    };
  });

  async function* body(): AsyncGenerator<Buffer> {
    try {
      for (;;) {
        const m = queue.shift();
        if (m === undefined) {
          await new Promise<void>((r) => (wake = r));
          continue;
        }
        if (m.t === 'end') return;
        if (m.t === 'error') throw new Error(m.message);
        if (m.t !== 'chunk') continue;
        // Handed back to the thread to be filled again once the reader is done with it; taking a
        // chunk gives the thread room for one more.
        returnTo(m.ab, (ab) => {
          if (alive) worker.postMessage({ ab }, [ab]);
        });
        worker.postMessage({ credit: 1 });
        yield Buffer.from(m.ab, 0, m.length);
      }
    } finally {
      stop();
    }
  }
}
