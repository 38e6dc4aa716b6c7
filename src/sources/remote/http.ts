import { setTimeout as sleep } from 'node:timers/promises';
import { InputError } from '../../errors.js';

/**
 * Plain HTTP for the History Server and WebHDFS (Node's fetch): retries with backoff, a coded
 * one-line error for every way a request can fail, and a body stream that resumes where a dropped
 * connection left it. The object stores' SDKs have their own retries (./s3.ts, ./azure.ts) and
 * use only ./retry.ts's resume loop.
 */

/**
 * Attempts of one request before giving up. Our choice: the AWS SDKs' "standard" retry mode makes
 * 3 (AWS SDK docs, "Retry behavior"); a History Server replaying a large application answers 503s
 * for longer than that, so 6 attempts with backoff cover ~20 s of trouble.
 */
export const MAX_ATTEMPTS = 6;
/** First backoff; doubled each attempt, with full jitter (as the AWS SDKs do). Our choice. */
const BACKOFF_BASE_MS = 250;
/** Longest wait between attempts, Retry-After included. Our choice: a scan should not stall for minutes. */
export const BACKOFF_MAX_MS = 8_000;
/** Time to the response headers of one attempt. Our choice: a History Server may replay a large log before answering. */
export const HEADERS_TIMEOUT_MS = 120_000;
/** Bytes of an error response's body kept for its message. */
export const DETAIL_BYTES = 300;

export const backoff = (attempt: number): number => Math.random() * Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** attempt);

/** 408, 429 (throttled) and 5xx are worth another try; other statuses are answers. */
export const retriable = (status: number): boolean => status === 408 || status === 429 || status >= 500;

export type Headers = ReadonlyArray<readonly [string, string]>;

/** One line of an error response's body: WebHDFS's RemoteException, S3's XML `<Message>`, a server's text. */
async function detailOf(res: Response): Promise<string> {
  let text: string;
  try {
    text = (await res.text()).slice(0, 4096);
  } catch {
    return res.statusText;
  }
  let msg: string | null = null;
  try {
    const o = JSON.parse(text) as { RemoteException?: { message?: unknown }; message?: unknown };
    const m = o.RemoteException?.message ?? o.message;
    if (typeof m === 'string') msg = m;
  } catch {
    msg = /<Message>([^<]*)<\/Message>/.exec(text)?.[1] ?? null;
  }
  const line = (msg ?? text.replace(/<[^>]*>/g, ' ')).split('\n')[0]!.replace(/\s+/g, ' ').trim();
  return (line || res.statusText).slice(0, DETAIL_BYTES);
}

/** The coded error for a final (non-retried) status. */
async function statusError(res: Response): Promise<InputError> {
  if (res.status === 404) {
    await res.body?.cancel();
    return new InputError('remote-not-found');
  }
  const detail = await detailOf(res);
  if (res.status === 401 || res.status === 403) return new InputError('remote-denied', { status: res.status, detail });
  return new InputError('remote-refused', { status: res.status, detail });
}

/** How long the server asked us to wait (Retry-After: seconds or a date), bounded. */
export function retryAfter(v: string | null | undefined): number | null {
  if (v === null || v === undefined) return null;
  const secs = Number(v);
  const ms = Number.isFinite(secs) ? secs * 1000 : Date.parse(v) - Date.now();
  return Number.isFinite(ms) ? Math.min(BACKOFF_MAX_MS, Math.max(0, ms)) : null;
}

const networkDetail = (e: unknown): string => {
  const err = e as { cause?: { code?: string; message?: string }; message?: string };
  return (err.cause?.code ?? err.cause?.message ?? err.message ?? String(e)).split('\n')[0]!;
};

/**
 * A GET (or `method`) answered 2xx, after retrying connection failures, 408, 429 and 5xx with
 * backoff. Throws InputError: remote-not-found (404), remote-denied (401, 403), remote-refused
 * (another 4xx), remote-gave-up (retries spent).
 */
export async function httpRequest(url: string, headers: Headers, method = 'GET'): Promise<Response> {
  let last: { status: number | null; detail: string } = { status: null, detail: '' };
  let wait: number | null = null;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    if (attempt > 0) await sleep(wait ?? backoff(attempt));
    wait = null;
    let res: Response;
    try {
      res = await fetch(url, { method, headers: headers as Array<[string, string]>, signal: AbortSignal.timeout(HEADERS_TIMEOUT_MS) });
    } catch (e) {
      last = { status: null, detail: networkDetail(e) };
      continue;
    }
    if (res.ok) return res;
    if (!retriable(res.status)) throw await statusError(res);
    wait = retryAfter(res.headers.get('retry-after'));
    last = { status: res.status, detail: await detailOf(res) };
  }
  throw new InputError('remote-gave-up', { attempts: MAX_ATTEMPTS, ...last });
}

/**
 * The body of `url` as chunks. A connection that drops mid-body is resumed with a Range request
 * from the byte reached (a server that ignores Range sends it all again: the bytes already given
 * are skipped), so the caller sees every byte once. The attempts start again whenever bytes arrived
 * since the last failure: a long download on a flaky link goes on as long as it progresses.
 */
export async function* httpStream(url: string, headers: Headers): AsyncGenerator<Buffer> {
  let offset = 0;
  let failures = 0;
  let validator: string | null = null;
  for (;;) {
    const h: Array<[string, string]> = [...headers] as Array<[string, string]>;
    if (offset > 0) {
      h.push(['Range', `bytes=${offset}-`]);
      // The object must be the one we started on: If-Range falls back to a whole (200) answer otherwise.
      if (validator !== null) h.push(['If-Range', validator]);
    }
    const res = await httpRequest(url, h);
    if (offset === 0) validator = res.headers.get('etag') ?? res.headers.get('last-modified');
    let skip = 0;
    if (offset > 0 && res.status !== 206) {
      const now = res.headers.get('etag') ?? res.headers.get('last-modified');
      if (validator !== null && now !== null && now !== validator) {
        await res.body?.cancel();
        throw new InputError('input-changed');
      }
      skip = offset; // a whole answer: skip what was given
    }
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    let progressed = false;
    try {
      for (;;) {
        let r: Awaited<ReturnType<typeof reader.read>>;
        try {
          r = await reader.read();
        } catch (e) {
          if (progressed) failures = 0;
          if (++failures >= MAX_ATTEMPTS)
            throw new InputError('remote-gave-up', { attempts: failures, status: null, detail: networkDetail(e) });
          await sleep(backoff(failures));
          break;
        }
        if (r.done) return;
        let chunk = Buffer.from(r.value.buffer, r.value.byteOffset, r.value.byteLength);
        if (skip > 0) {
          const n = Math.min(skip, chunk.length);
          skip -= n;
          chunk = chunk.subarray(n);
          if (chunk.length === 0) continue;
        }
        offset += chunk.length;
        progressed = true;
        yield chunk;
      }
    } finally {
      // Ends the connection whether the body was read to its end, failed, or the reader stopped early.
      await reader.cancel().catch(() => undefined);
    }
  }
}
