import { Worker } from 'node:worker_threads';
import { POOLED_SIZE, returnTo } from '../chunk-pool.js';

/**
 * Our own HTTP/1.1 client for S3's GETs (./s3.ts), run on this thread for most objects and on a
 * thread of its own for large ones, so that the thread parsing a large log does not also pay for
 * receiving it: Node's HTTP client spends 1.3–1.8 s of CPU per GiB receiving on loopback (a bare
 * `http.get` with an empty 'data' handler) and ~0.4 ms per request (perf, 1,000 small objects from
 * s3proxy); on the parsing thread that added up with the parsing (the 1 GiB bench log read from
 * s3proxy at 62–68% of the speed from disk). On the thread, the bytes cross over as ArrayBuffers
 * transferred, not copied, in 1 MiB chunks, which go back to the thread to be filled again once the
 * readers hand them back to the pool (../chunk-pool.ts). A small object is received on this thread
 * by the same code: handing each over between threads cost two messages and two wake-ups per
 * object, more than receiving it (a scan of 1,000 small logs from s3proxy: 0.1–0.25 s less CPU of
 * our process, 2,700 context switches against 6,700; perf stat, alternating, load 4).
 *
 * The code only moves bytes: requests are signed, and every status and failure judged, by the
 * caller (./s3.ts), which resumes a cut body as it does any other (./store.ts).
 */

/**
 * Bodies from this size on are received on the thread. Our choice: starting the thread costs ~30 ms
 * of CPU (and ~90 ms before the first byte on a loaded machine), what receiving ~20 MiB costs on
 * the reading thread; a log this large takes seconds to parse.
 */
export const PUMP_MIN_BYTES = 64 * 1024 * 1024;

/**
 * Chunks of one body the thread may have handed over that the reader has not taken yet. Our choice:
 * enough to keep the socket busy while the reader parses one; memory stays at a few MiB per body.
 */
const PUMP_CREDIT = 4;

/** Bytes of an error answer's body kept for its message. */
const ERROR_TEXT_BYTES = 4096;

/**
 * The bytes read before a response's body (status line, headers), and a chunked body's framing,
 * go through a scratch buffer of this size. Our choice: S3's response heads are well under 2 KiB.
 */
const SCRATCH_BYTES = 16 * 1024;

/** A response head longer than this is no HTTP server's: the connection is dropped. Our choice (Node's own limit is 16 KiB). */
const MAX_HEAD_BYTES = 64 * 1024;

/**
 * Plain JavaScript text, run with `eval` on the thread (PUMP_CODE) and made a function on this one
 * (pumpHere), given `parentPort`, `w` (its settings), node:net and node:tls: the one-file build
 * needs no entry for it. HTTP/1.1 of its own rather than node:http, because a GET of S3 needs little of it (a
 * request line and headers out; a status, a few headers and a body framed by Content-Length in)
 * and node:http's request, response and stream objects cost more than the request itself: 1,000
 * small objects from s3proxy took 0.86 s of this thread's CPU through node:http, the 1 GiB log
 * 1.65 s, a third of that copying 64 KiB pieces into chunks (perf, `npm run bench:remote`).
 * Here the socket reads (`onread`) straight into the buffer the bytes go to — a small body's own,
 * a large one's 1 MiB chunk — never past the body's end; only a head, a chunked body's framing and an
 * error's text pass through the scratch buffer. Connections are kept open between requests (LIFO);
 * a request on a kept connection that the server closed meanwhile is sent once more on a new one.
 */
const PUMP_BODY = `
const free = [];
const live = new Map();
const idle = new Map();
const scratch = Buffer.allocUnsafeSlow(${SCRATCH_BYTES});
const post = (m, t) => parentPort.postMessage(m, t);
const take = () => { const ab = free.pop(); return ab ? Buffer.from(ab) : Buffer.allocUnsafeSlow(w.chunk); };
const originOf = (t) => t.protocol + '//' + t.hostname + ':' + (t.port || (t.protocol === 'https:' ? 443 : 80));

function connect(t) {
  const c = { sock: null, origin: originOf(t), s: null, reused: false };
  const onread = { buffer: () => into(c), callback: (n, buf) => onBytes(c, n, buf) };
  const port = t.port || (t.protocol === 'https:' ? 443 : 80);
  c.sock = t.protocol === 'https:'
    ? tls.connect({ host: t.hostname, port, servername: net.isIP(t.hostname) ? undefined : t.hostname, ALPNProtocols: ['http/1.1'], onread })
    : net.connect({ host: t.hostname, port, onread });
  c.sock.setNoDelay(true);
  c.sock.on('error', (e) => lost(c, String((e && (e.code || e.message)) || e)));
  c.sock.on('end', () => ended(c));
  c.sock.on('close', () => lost(c, null));
  c.sock.on('timeout', () => lost(c, c.s !== null ? 'no answer within ' + c.s.t.timeout / 1000 + ' s' : null));
  return c;
}

/** Where the next read goes: into the body's own buffer while its length is known, else the scratch buffer. */
function into(c) {
  const s = c.s;
  if (s === null || s.mode !== 'length' || !s.ok) return scratch;
  if (s.out === null) s.out = take();
  return s.out.subarray(s.filled, Math.min(s.out.length, s.filled + s.left));
}

function onBytes(c, n, buf) {
  const s = c.s;
  if (s === null || s.done) { if (s === null) drop(c); return false; }
  if (buf !== scratch) {
    s.filled += n;
    s.left -= n;
    if (s.filled === s.out.length && !s.small) flush(s, {});
    if (s.left === 0) complete(c);
    return reading(c, s);
  }
  let at = 0;
  s.got = true;
  if (s.head === null) {
    s.raw += scratch.latin1Slice(0, n);
    // Interim answers (1xx) first, each its own head; the bytes after the final head are the body's.
    while (s.head === null) {
      const e = s.raw.indexOf('\\r\\n\\r\\n');
      if (e < 0) { if (s.raw.length > ${MAX_HEAD_BYTES}) lost(c, 'response head too long'); return true; }
      const head = s.raw.slice(0, e);
      s.raw = s.raw.slice(e + 4);
      if (!parseHead(c, head)) return true;
      if (s.done || c.s !== s) return true;
    }
    at = n - s.raw.length;
  }
  body(c, scratch, at, n);
  return reading(c, s);
}

/** Whether the socket reads on: not while the reader owes credit, always once the answer is done (the connection is kept). */
const reading = (c, s) => c.s !== s || !s.paused;

function parseHead(c, text) {
  const s = c.s;
  const lines = text.split('\\r\\n');
  const m = /^HTTP\\/1\\.([01]) (\\d{3})(?: (.*))?$/.exec(lines[0]);
  if (!m) { lost(c, 'not an HTTP response'); return false; }
  const status = Number(m[2]);
  const h = {};
  for (let i = 1; i < lines.length; i++) {
    const k = lines[i].indexOf(':');
    if (k > 0) h[lines[i].slice(0, k).trim().toLowerCase()] = lines[i].slice(k + 1).trim();
  }
  if (status >= 100 && status < 200) return true; // an interim answer: the real one follows
  c.sock.setTimeout(0);
  const length = h['content-length'] !== undefined && /^\\d+$/.test(h['content-length']) ? Number(h['content-length']) : null;
  const conn = (h.connection || '').toLowerCase();
  s.keep = m[1] === '1' ? !conn.includes('close') : conn.includes('keep-alive');
  s.mode = /chunked/i.test(h['transfer-encoding'] || '') ? 'chunked' : length !== null ? 'length' : 'close';
  if (s.mode === 'close') s.keep = false;
  s.left = s.mode === 'length' ? length : Infinity;
  s.head = { status, etag: h.etag !== undefined ? h.etag : null, length: s.mode === 'length' ? length : null, retryAfter: h['retry-after'] !== undefined ? h['retry-after'] : null, date: h.date !== undefined ? h.date : null, statusText: m[3] || '' };
  s.ok = status === 200 || status === 206;
  if (!s.ok) s.text = '';
  else {
    // A small body goes over whole, with its head; a large one in chunks, its head first.
    s.small = s.mode === 'length' && length <= w.chunk;
    if (s.small) { s.first = s.head; s.out = Buffer.allocUnsafeSlow(length); }
    else post({ id: s.id, head: s.head });
  }
  if (s.left === 0) complete(c);
  return true;
}

/** Bytes of the body read into the scratch buffer (after a head, or a chunked body's). */
function body(c, buf, from, to) {
  const s = c.s;
  if (s.mode === 'chunked') return chunked(c, buf, from, to);
  const n = Math.min(to - from, s.left);
  give(s, buf, from, from + n);
  s.left -= n;
  if (s.left === 0) complete(c);
}

/** Transfer-Encoding: chunked (RFC 9112 §7.1): sizes in hex, each chunk's data then CRLF, a zero size, trailers, CRLF. */
function chunked(c, buf, from, to) {
  const s = c.s;
  let p = from;
  while (p < to && !s.done) {
    if (s.chunkLeft > 0) {
      const n = Math.min(to - p, s.chunkLeft);
      give(s, buf, p, p + n);
      s.chunkLeft -= n;
      p += n;
      if (s.chunkLeft === 0) s.line = null; // the CRLF after the data comes as an empty line
      continue;
    }
    const nl = buf.indexOf(10, p);
    const end = nl < 0 || nl >= to ? to : nl + 1;
    s.part += buf.latin1Slice(p, end);
    p = end;
    if (s.part.length > ${MAX_HEAD_BYTES}) return lost(c, 'bad chunked framing');
    if (!s.part.endsWith('\\n')) continue;
    const line = s.part.trim();
    s.part = '';
    if (s.line === null) { s.line = undefined; continue; }
    if (s.trailers) { if (line === '') { s.left = 0; return complete(c); } continue; }
    const size = parseInt(line, 16);
    if (!Number.isFinite(size) || size < 0) return lost(c, 'bad chunked framing');
    if (size === 0) s.trailers = true;
    else s.chunkLeft = size;
  }
}

/** Body bytes copied from the scratch buffer: into the body (200, 206) or an error answer's text. */
function give(s, buf, from, to) {
  if (!s.ok) { if (s.text.length < ${ERROR_TEXT_BYTES}) s.text += buf.toString('utf8', from, Math.min(to, from + ${ERROR_TEXT_BYTES})); return; }
  for (let p = from; p < to; ) {
    if (s.out === null) s.out = take();
    const n = buf.copy(s.out, s.filled, p, to);
    s.filled += n;
    p += n;
    if (s.filled === s.out.length && !s.small) flush(s, {});
    if (n === 0) break; // more than the length said: not ours to read
  }
}

function flush(s, extra) {
  const ab = s.out.buffer;
  const m = { id: s.id, ab, length: s.filled, ...extra };
  if (s.first !== null) { m.head = s.first; s.first = null; }
  s.out = null;
  s.filled = 0;
  if (extra.end || extra.error) finish(s, m, [ab]);
  else {
    post(m, [ab]);
    if (--s.credit <= 0) s.paused = true;
  }
}

function finish(s, m, transfer) {
  if (s.done) return;
  s.done = true;
  live.delete(s.id);
  post(m, transfer);
}

function end(s, extra) {
  if (s.done) return;
  if (s.filled > 0) flush(s, extra);
  else finish(s, s.first !== null ? { id: s.id, head: s.first, ...extra } : { id: s.id, ...extra });
}

/** The answer read to its end: handed over, and the connection kept for the next request. */
function complete(c) {
  const s = c.s;
  if (s.ok) end(s, { end: true });
  else finish(s, { id: s.id, head: { ...s.head, text: s.text }, end: true });
  c.s = null;
  if (!s.keep) return drop(c);
  c.reused = true;
  c.sock.unref();
  let list = idle.get(c.origin);
  if (list === undefined) idle.set(c.origin, (list = []));
  list.push(c);
}

function unpool(c) {
  const list = idle.get(c.origin);
  const i = list === undefined ? -1 : list.indexOf(c);
  if (i >= 0) list.splice(i, 1);
}

function drop(c) {
  unpool(c);
  c.s = null;
  c.sock.destroy();
}

/** The server ended the connection: the end of a body framed by it, else as a loss. */
function ended(c) {
  const s = c.s;
  if (s !== null && s.head !== null && s.mode === 'close' && !s.done) { s.left = 0; complete(c); return; }
  lost(c, null);
}

/** The connection failed or closed: the request on it (if any) fails, or is sent again on a new one. */
function lost(c, why) {
  const s = c.s;
  c.s = null;
  unpool(c);
  c.sock.destroy();
  if (s === null || s.done) return;
  if (!s.got && c.reused && !s.retried) {
    // A kept connection the server had closed: nothing of this request was answered, send it again.
    s.retried = true;
    return send(s, connect(s.t));
  }
  if (s.head === null) finish(s, { id: s.id, failed: why || 'connection closed before an answer' });
  // The bytes before a cut are handed over first: the reader resumes after them.
  else end(s, { error: why || 'connection closed before the end of the body' });
}

function send(s, c) {
  c.s = s;
  s.conn = c;
  c.sock.ref();
  c.sock.setTimeout(s.t.timeout);
  let req = 'GET ' + s.t.path + ' HTTP/1.1\\r\\n';
  const h = s.t.headers;
  if (h.host === undefined) req += 'host: ' + s.t.hostname + (s.t.port ? ':' + s.t.port : '') + '\\r\\n';
  for (const k in h) req += k + ': ' + h[k] + '\\r\\n';
  c.sock.write(req + '\\r\\n', 'latin1');
}

function start(id, t) {
  const s = { id, t, conn: null, head: null, raw: '', got: false, first: null, mode: null, ok: false, small: false, keep: false, left: 0, out: null, filled: 0, credit: w.credit, paused: false, done: false, text: '', part: '', line: undefined, chunkLeft: 0, trailers: false, retried: false };
  live.set(id, s);
  const list = idle.get(originOf(t));
  const c = list !== undefined && list.length > 0 ? list.pop() : connect(t);
  send(s, c);
}

parentPort.on('message', (m) => {
  if (m.ab) free.push(m.ab);
  if (m.target) return start(m.id, m.target);
  const s = live.get(m.id);
  if (!s) return;
  if (m.stop) {
    s.done = true;
    live.delete(m.id);
    if (s.conn !== null && s.conn.s === s) drop(s.conn);
    return;
  }
  if (m.credit) {
    s.credit += m.credit;
    if (s.paused && s.credit > 0) { s.paused = false; if (s.conn !== null && s.conn.s === s) s.conn.sock.resume(); }
  }
});
`;

/** The receiving thread's code: the body above with what it uses required. */
const PUMP_CODE = `
const { parentPort, workerData: w } = require('node:worker_threads');
const net = require('node:net');
const tls = require('node:tls');
${PUMP_BODY}`;

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
  /** The server's time (RFC 9110 §6.6.1), for the clock skew correction of a signed request. */
  date: string | null;
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

/** Where requests are received: the thread, or this thread running the same code (PUMP_BODY). */
interface Receiver {
  post: (m: unknown, transfer?: ArrayBuffer[]) => void;
  /** Keeps the process up (the thread) while a request waits on it. */
  ref: () => void;
  unref: () => void;
  pending: Map<number, Pending>;
  next: number;
}

let thread: Receiver | null = null;
let here: Promise<Receiver> | null = null;
let sent = 0;

/** Requests this process has sent through the thread (the tests tell by it which objects it received). */
export const pumpRequests = (): number => sent;
/**
 * The thread keeps the process up only while a request of ours waits on it (a scan's last log read,
 * the process ends; its keep-alive sockets would hold it otherwise).
 */
function track(t: Receiver, id: number, p: Pending): void {
  if (t.pending.size === 0) t.ref();
  t.pending.set(id, p);
}

function untrack(t: Receiver, id: number): boolean {
  const had = t.pending.delete(id);
  if (had && t.pending.size === 0) t.unref();
  return had;
}

/** A message from the receiving code to the request it answers. */
function deliver(p: Pending, m: FromPump): void {
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
}

function received(t: Receiver, m: FromPump): void {
  const p = t.pending.get(m.id);
  if (p === undefined) return;
  if (m.end || m.error !== undefined || m.failed !== undefined) untrack(t, m.id);
  deliver(p, m);
}

function pumpThread(): Receiver {
  if (thread !== null) return thread;
  const worker = new Worker(PUMP_CODE, {
    eval: true,
    workerData: { chunk: POOLED_SIZE, credit: PUMP_CREDIT },
    // Its own small heap: it holds a few chunks and sockets.
    resourceLimits: { maxOldGenerationSizeMb: 64 },
  });
  const t: Receiver = {
    post: (m, transfer) => worker.postMessage(m, transfer),
    ref: () => worker.ref(),
    unref: () => worker.unref(),
    pending: new Map(),
    next: 0,
  };
  worker.on('message', (m: FromPump) => received(t, m));
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
 * PUMP_BODY run on this thread: the same HTTP/1.1 client, its messages handed over by calls, the
 * buffers by reference. For objects below PUMP_MIN_BYTES: a small object's receiving costs little
 * next to what handing it over between threads did (two messages and two wake-ups per object).
 */
function pumpHere(): Promise<Receiver> {
  here ??= (async () => {
    const [net, tls] = await Promise.all([import('node:net'), import('node:tls')]);
    let onMessage: ((m: unknown) => void) | null = null;
    const t: Receiver = {
      // Sockets in use keep the process up by themselves; idle ones are unref'd by the code.
      post: (m) => onMessage!(m),
      ref: () => {},
      unref: () => {},
      pending: new Map(),
      next: 0,
    };
    const port = {
      postMessage: (m: FromPump) => received(t, m),
      on: (_event: 'message', f: (m: unknown) => void) => (onMessage = f),
    };
    // The code is a string so that the thread can run it from the one-file build (PUMP_CODE); here
    // the same text is made a function once, given what the thread would require.
    // eslint-disable-next-line @typescript-eslint/no-implied-eval
    const run = new Function('parentPort', 'w', 'net', 'tls', PUMP_BODY) as (...a: unknown[]) => void;
    run(port, { chunk: POOLED_SIZE, credit: PUMP_CREDIT }, net.default, tls.default);
    return t;
  })();
  return here;
}

/**
 * One GET sent and received on the thread: resolves at the response's head (a failure before any
 * answer rejects); the body (none unless 200 or 206) as it comes, a cut one throwing after the
 * bytes before the cut — or, a small one, `whole` at once. A body left unread is dropped on the thread.
 */
export async function pumpGet(
  target: PumpTarget,
  onThread: boolean,
): Promise<{ head: PumpHead; body: AsyncGenerator<Buffer>; drop: () => void; whole: Buffer | null }> {
  const t = onThread ? pumpThread() : await pumpHere();
  const id = ++t.next;
  if (onThread) sent++;
  const p: Pending = { onHead: null, queue: [], wake: null };
  track(t, id, p);
  const ok = (s: number): boolean => s === 200 || s === 206;
  const answered = new Promise<Awaited<ReturnType<typeof pumpGet>>>((resolve, reject) => {
    p.onHead = (m) => {
      if (m.head === undefined) {
        untrack(t, id);
        reject(new Error(m.failed ?? m.error ?? 'no answer'));
        return;
      }
      if (ok(m.head.status) && m.end === true) {
        // A small body came whole with its head: handed over as it is, no stream to read.
        const whole = m.ab !== undefined ? Buffer.from(m.ab, 0, m.length) : Buffer.alloc(0);
        resolve({ head: m.head, body: (async function* () {})(), drop, whole });
        return;
      }
      resolve({ head: m.head, body: ok(m.head.status) ? body() : (async function* () {})(), drop, whole: null });
    };
  });
  // Sent once the answer has somewhere to go: on this thread, a failure may come back at once.
  try {
    t.post({ id, target });
  } catch (e) {
    untrack(t, id);
    throw e;
  }
  return answered;

  /** The body left unread, even before its first chunk was asked for. */
  function drop(): void {
    if (untrack(t, id) && (thread === t || !onThread)) t.post({ id, stop: true });
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
              if (thread === t || !onThread) t.post({ ab }, [ab]);
            });
            t.post({ id, credit: 1 });
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
