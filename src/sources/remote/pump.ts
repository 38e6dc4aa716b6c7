import { Worker } from 'node:worker_threads';
import { POOLED_SIZE, returnTo } from '../chunk-pool.js';

/**
 * Objects received on a thread of their own, so that the thread parsing logs does not also pay for
 * the HTTP. Node's HTTP client spends 1.3–1.8 s of CPU per GiB receiving on loopback (a bare
 * `http.get` with an empty 'data' handler) and ~0.4 ms per request (perf, 1,000 small objects from
 * s3proxy); on the parsing thread that adds up with the parsing: the 1 GiB bench log read from
 * s3proxy at 62–68% of the speed from disk, 1,000 small logs at 55–58% (`npm run bench:remote`).
 * Received here, the bytes cross over as ArrayBuffers transferred, not copied: a small body whole
 * in one message, a large one in 1 MiB chunks, which go back to the thread to be filled again once
 * the readers hand them back to the pool (../chunk-pool.ts).
 *
 * The thread only moves bytes: requests are signed, and every status and failure judged, by the
 * caller (./s3.ts), which resumes a cut body as it does any other (./store.ts).
 */

/**
 * Bodies from this size on are received on the thread even by a process that reads few objects.
 * Our choice: starting the thread costs ~30 ms of CPU (and ~90 ms before the first byte on a
 * loaded machine), what receiving ~20 MiB costs on the reading thread; a log this large takes
 * seconds to parse.
 */
export const PUMP_MIN_BYTES = 64 * 1024 * 1024;

/**
 * Requests made on the reading thread before the rest go to the receiving thread: one diagnosis of a
 * small log never starts it; a scan does, after a few. Our choice: the thread's start is repaid by
 * ~75 small objects (0.4 ms each), which a scan of a directory reads in well under a second.
 */
export const PUMP_AFTER_REQUESTS = 8;

/**
 * Chunks of one body the thread may have handed over that the reader has not taken yet. Our choice:
 * enough to keep the socket busy while the reader parses one; memory stays at a few MiB per body.
 */
const PUMP_CREDIT = 4;

/** Bytes of an error answer's body kept for its message. */
const ERROR_TEXT_BYTES = 4096;

/** Plain CommonJS run with `eval`: only node:http(s), so the one-file build needs no entry for it. */
const PUMP_CODE = `
const { parentPort, workerData: w } = require('node:worker_threads');
const http = require('node:http');
const https = require('node:https');
const agents = { 'http:': new http.Agent({ keepAlive: true }), 'https:': new https.Agent({ keepAlive: true }) };
const free = [];
const live = new Map();
const post = (m, t) => parentPort.postMessage(m, t);
const take = () => { const ab = free.pop(); return ab ? Buffer.from(ab) : Buffer.allocUnsafeSlow(w.chunk); };
function start(id, t) {
  const s = { res: null, credit: w.credit, paused: false, out: null, filled: 0, done: false, head: null, small: false };
  const finish = (m, transfer) => { if (s.done) return; s.done = true; live.delete(id); post(m, transfer); };
  const flush = (extra) => {
    const ab = s.out.buffer;
    const m = { id, ab, length: s.filled, ...extra };
    if (s.head !== null) { m.head = s.head; s.head = null; }
    s.out = null;
    s.filled = 0;
    if (extra.end || extra.error) finish(m, [ab]);
    else {
      post(m, [ab]);
      if (--s.credit <= 0 && !s.paused) { s.paused = true; s.res.pause(); }
    }
  };
  const end = (extra) => {
    if (s.done) return;
    if (s.filled > 0) flush(extra);
    else finish(s.head !== null ? { id, head: s.head, ...extra } : { id, ...extra });
  };
  const req = (t.protocol === 'https:' ? https : http).request(
    { method: 'GET', hostname: t.hostname, port: t.port, path: t.path, headers: t.headers, agent: agents[t.protocol] },
    (r) => {
      s.res = r;
      req.setTimeout(0);
      const h = r.headers;
      const length = h['content-length'] !== undefined ? Number(h['content-length']) : null;
      const head = { status: r.statusCode, etag: typeof h.etag === 'string' ? h.etag : null, length, retryAfter: h['retry-after'] ?? null, statusText: r.statusMessage || '' };
      if (r.statusCode !== 200 && r.statusCode !== 206) {
        let text = '';
        r.setEncoding('utf8');
        r.on('data', (c) => { if (text.length < ${ERROR_TEXT_BYTES}) text += c; });
        const answer = () => finish({ id, head: { ...head, text }, end: true });
        r.on('end', answer);
        r.on('error', answer);
        r.on('close', answer);
        return;
      }
      // A small body goes over whole, with its head; a large one in chunks, its head first.
      s.small = length !== null && length <= w.chunk;
      if (s.small) { s.head = head; s.out = Buffer.allocUnsafeSlow(length); }
      else post({ id, head });
      r.on('data', (piece) => {
        for (let p = 0; p < piece.length; ) {
          if (s.out === null) s.out = s.small ? Buffer.allocUnsafeSlow(piece.length - p) : take();
          const n = piece.copy(s.out, s.filled, p);
          if (n === 0) break; // more than the length said: not ours to read
          s.filled += n;
          p += n;
          if (s.filled === s.out.length && !s.small) flush({});
        }
      });
      r.on('end', () => end({ end: true }));
      // The bytes before a cut are handed over first: the reader resumes after them.
      r.on('error', (e) => end({ error: String((e && e.message) || e) }));
      r.on('close', () => end({ error: 'connection closed before the end of the body' }));
    },
  );
  s.req = req;
  live.set(id, s);
  req.setTimeout(t.timeout, () => req.destroy(new Error('no answer within ' + t.timeout / 1000 + ' s')));
  req.on('error', (e) => { if (s.res === null) finish({ id, failed: String((e && (e.code || e.message)) || e) }); });
  req.end();
}
parentPort.on('message', (m) => {
  if (m.ab) free.push(m.ab);
  if (m.target) return start(m.id, m.target);
  const s = live.get(m.id);
  if (!s) return;
  if (m.stop) { s.done = true; live.delete(m.id); s.req.destroy(); return; }
  if (m.credit) {
    s.credit += m.credit;
    if (s.paused && s.credit > 0) { s.paused = false; s.res.resume(); }
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

/** A response's status line and the headers the caller judges by. */
export interface PumpHead {
  status: number;
  etag: string | null;
  length: number | null;
  retryAfter: string | null;
  statusText: string;
  /** The start of an error answer's body. */
  text?: string;
}

interface FromPump {
  id: number;
  head?: PumpHead;
  ab?: ArrayBuffer;
  length?: number;
  end?: boolean;
  error?: string;
  /** The request failed before any answer (connection refused, timeout). */
  failed?: string;
}

interface Pending {
  onHead: ((m: FromPump) => void) | null;
  queue: FromPump[];
  wake: (() => void) | null;
}

let thread: { worker: Worker; pending: Map<number, Pending>; next: number } | null = null;
let requests = 0;

/** Whether this request goes to the thread: a process that has made a few already (a scan). */
export function pumpNext(): boolean {
  return ++requests > PUMP_AFTER_REQUESTS;
}

/**
 * The thread keeps the process up only while a request of ours waits on it (a scan's last log read,
 * the process ends; its keep-alive sockets would hold it otherwise).
 */
function track(t: NonNullable<typeof thread>, id: number, p: Pending): void {
  if (t.pending.size === 0) t.worker.ref();
  t.pending.set(id, p);
}

function untrack(t: NonNullable<typeof thread>, id: number): boolean {
  const had = t.pending.delete(id);
  if (had && t.pending.size === 0) t.worker.unref();
  return had;
}

function pumpThread(): NonNullable<typeof thread> {
  if (thread !== null) return thread;
  const worker = new Worker(PUMP_CODE, {
    eval: true,
    workerData: { chunk: POOLED_SIZE, credit: PUMP_CREDIT },
    // Its own small heap: it holds a few chunks and sockets.
    resourceLimits: { maxOldGenerationSizeMb: 64 },
  });
  const t = { worker, pending: new Map<number, Pending>(), next: 0 };
  const deliver = (p: Pending, m: FromPump): void => {
    if (p.onHead !== null) {
      const h = p.onHead;
      p.onHead = null;
      h(m);
      if (m.head === undefined || (m.ab === undefined && m.end === undefined && m.error === undefined)) return;
    }
    p.queue.push(m);
    const w = p.wake;
    p.wake = null;
    w?.();
  };
  worker.on('message', (m: FromPump) => {
    const p = t.pending.get(m.id);
    if (p === undefined) return;
    if (m.end || m.error !== undefined || m.failed !== undefined) untrack(t, m.id);
    deliver(p, m);
  });
  const gone = (why: string): void => {
    if (thread === t) thread = null;
    for (const [id, p] of t.pending) deliver(p, { id, failed: why, error: why });
    t.pending.clear();
  };
  worker.on('error', (e) => gone(`receiving thread: ${e.message}`));
  worker.on('exit', () => gone('receiving thread ended'));
  thread = t;
  return t;
}

/**
 * One GET sent and received on the thread: resolves at the response's head (a failure before any
 * answer rejects); the body (none unless 200 or 206) as it comes, a cut one throwing after the
 * bytes before the cut. A body left unread is dropped on the thread.
 */
export function pumpGet(target: PumpTarget): Promise<{ head: PumpHead; body: AsyncGenerator<Buffer>; drop: () => void }> {
  const t = pumpThread();
  const id = ++t.next;
  const p: Pending = { onHead: null, queue: [], wake: null };
  track(t, id, p);
  t.worker.postMessage({ id, target });
  const ok = (s: number): boolean => s === 200 || s === 206;
  return new Promise((resolve, reject) => {
    p.onHead = (m) => {
      if (m.head === undefined) {
        untrack(t, id);
        reject(new Error(m.failed ?? m.error ?? 'no answer'));
        return;
      }
      resolve({ head: m.head, body: ok(m.head.status) ? body() : (async function* () {})(), drop });
    };
  });

  /** The body left unread, even before its first chunk was asked for. */
  function drop(): void {
    if (untrack(t, id) && thread === t) t.worker.postMessage({ id, stop: true });
  }

  async function* body(): AsyncGenerator<Buffer> {
    let finished = false;
    try {
      for (;;) {
        const m = p.queue.shift();
        if (m === undefined) {
          await new Promise<void>((r) => (p.wake = r));
          continue;
        }
        if (m.ab !== undefined && m.length! > 0) {
          const last = m.end === true || m.error !== undefined;
          if (!last) {
            // A full chunk: back to the thread once the reader is done with it; taking it gives
            // the thread room for one more.
            returnTo(m.ab, (ab) => {
              if (thread === t) t.worker.postMessage({ ab }, [ab]);
            });
            t.worker.postMessage({ id, credit: 1 });
          }
          yield Buffer.from(m.ab, 0, m.length);
        }
        if (m.end) {
          finished = true;
          return;
        }
        if (m.error !== undefined) {
          finished = true;
          throw new Error(m.error);
        }
      }
    } finally {
      if (!finished) drop();
    }
  }
}
