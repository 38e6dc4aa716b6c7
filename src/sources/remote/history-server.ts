import { createRequire } from 'node:module';
import { Readable } from 'node:stream';
import { InputError, problemOf } from '../../errors.js';
import type { ResolvedInput } from '../types.js';
import { resolveZip, spool } from '../zip-input.js';
import { remoteConfig } from './config.js';
import { httpRequest, httpStream, type Headers } from './http.js';

const require = createRequire(import.meta.url);
// stream-json 1.x is CommonJS: one application of the listing at a time, however long the listing.
// Loaded at the first listing, not at start-up (see containerlogs/kubectl-json.ts).
const streamArray = (): {
  withParser: () => NodeJS.ReadWriteStream & AsyncIterable<{ key: number; value: unknown }> & { destroy(e?: Error): void };
} => require('stream-json/streamers/StreamArray') as ReturnType<typeof streamArray>;

/**
 * Spark's History Server over its REST API (docs/monitoring.md, "REST API";
 * status/api/v1/ApplicationListResource.scala, OneApplicationResource.scala): the listing gives
 * each application's attempts with their times, and `/logs` streams an attempt's event log as a zip
 * (EventLogFileReader.zipEventLogFiles). The zip is spooled to a private temporary file (its
 * directory is at its end), bounded by REMOTE_ZIP_MAX, and removed once read.
 */

/**
 * The most of one attempt's zip spooled. Our choice, as for a zip on standard input
 * (../zip-input.ts STDIN_SPOOL_MAX): even a 40 GiB log zips to a few GiB.
 */
const REMOTE_ZIP_MAX = 4 * 1024 * 1024 * 1024;

/** Sub-resources of an application in the REST API (OneApplicationResource.scala): never an attempt id. */
const APP_ENDPOINTS = new Set([
  'jobs',
  'stages',
  'executors',
  'allexecutors',
  'storage',
  'environment',
  'logs',
  'streaming',
  'sql',
  'allmiscellaneousprocess',
]);

/** What a History Server URL names: its root (behind any proxy path), and maybe an application and attempt. */
export interface HistoryTarget {
  /** Root of the server as requested (userinfo removed), no trailing slash. */
  base: string;
  headers: Headers;
  appId: string | null;
  attemptId: string | null;
  /** Query parameters of a pasted listing URL (status, minDate, maxDate, minEndDate, maxEndDate, limit), passed on. */
  query: URLSearchParams;
}

/**
 * Reads the forms a user pastes: the root (`http://hs:18080`, or behind a proxy `…/gateway/sparkhistory`),
 * the UI's `/history/<appId>[/<attemptId>][/jobs/…]`, and the API's
 * `/api/v1/applications[/<appId>[/<attemptId>][/logs|/jobs…]]`. Credentials in the URL
 * (`user:password@`) become a Basic Authorization header (the environment is the better place).
 */
export function parseHistoryUrl(raw: string): HistoryTarget | InputError<'bad-url'> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return new InputError('bad-url', { reason: 'syntax' });
  }
  if (url.hostname === '') return new InputError('bad-url', { reason: 'no-host' });
  const headers: Array<[string, string]> = [...remoteConfig().headers];
  if (url.username !== '' || url.password !== '') {
    const user = decodeURIComponent(url.username);
    const pass = decodeURIComponent(url.password);
    headers.push(['Authorization', `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`]);
    url.username = '';
    url.password = '';
  }
  const segs = url.pathname.split('/').filter((s) => s !== '');
  let at = segs.indexOf('history');
  let appId: string | null = null;
  let attemptId: string | null = null;
  let baseSegs = segs;
  const api = segs.findIndex((s, i) => s === 'api' && segs[i + 1] === 'v1');
  if (api >= 0 && (at < 0 || api < at)) {
    baseSegs = segs.slice(0, api);
    if (segs[api + 2] !== undefined && segs[api + 2] !== 'applications') return new InputError('bad-url', { reason: 'history-path' });
    at = api + 2;
  } else if (at >= 0) {
    baseSegs = segs.slice(0, at);
  }
  if (at >= 0) {
    appId = segs[at + 1] !== undefined ? decodeURIComponent(segs[at + 1]!) : null;
    const next = segs[at + 2];
    if (appId !== null && next !== undefined && !APP_ENDPOINTS.has(next)) attemptId = decodeURIComponent(next);
  }
  const base = `${url.protocol}//${url.host}${baseSegs.length ? `/${baseSegs.join('/')}` : ''}`;
  return { base, headers, appId, attemptId, query: appId === null ? url.searchParams : new URLSearchParams() };
}

/** One attempt of an application, as the listing gives it. */
export interface HistoryAttempt {
  appId: string;
  attemptId: string | null;
  name: string | null;
  /** When its log last changed (ms): what --since and --limit compare, as a file's mtime on disk. */
  lastUpdated: number;
  completed: boolean;
  /** The URL naming exactly this attempt (given back to resolve it again). */
  url: string;
}

const enc = encodeURIComponent;
const appUrl = (t: HistoryTarget, appId: string, attemptId: string | null): string =>
  `${t.base}/api/v1/applications/${enc(appId)}${attemptId !== null ? `/${enc(attemptId)}` : ''}`;

interface AppInfo {
  id?: unknown;
  name?: unknown;
  attempts?: Array<{ attemptId?: unknown; lastUpdatedEpoch?: unknown; endTimeEpoch?: unknown; completed?: unknown }>;
}

function attemptsOf(t: HistoryTarget, app: AppInfo): HistoryAttempt[] {
  if (typeof app.id !== 'string' || !Array.isArray(app.attempts)) return [];
  const id = app.id;
  return app.attempts.map((a) => {
    const attemptId = typeof a.attemptId === 'string' ? a.attemptId : null;
    const lastUpdated =
      typeof a.lastUpdatedEpoch === 'number' ? a.lastUpdatedEpoch : typeof a.endTimeEpoch === 'number' ? a.endTimeEpoch : 0;
    return {
      appId: id,
      attemptId,
      name: typeof app.name === 'string' ? app.name : null,
      lastUpdated,
      completed: a.completed === true,
      url: appUrl(t, id, attemptId),
    };
  });
}

/**
 * The attempts a target names: the one given, an application's all, or the whole listing (streamed,
 * one application held at a time). `since` (ms) keeps the attempts whose log changed since then
 * (lastUpdated, the log file's modification time, as --since means on disk). It is not sent as
 * minEndDate: that compares the end time Spark logged, which a copied or compacted log outlives.
 * A pasted listing URL's own filters (status, minDate, minEndDate, limit…) are sent as given.
 * Throws InputError.
 */
export async function* listAttempts(t: HistoryTarget, since: number | null = null): AsyncGenerator<HistoryAttempt> {
  const keep = (a: HistoryAttempt): boolean => since === null || a.lastUpdated >= since;
  if (t.appId !== null) {
    const res = await httpRequest(appUrl(t, t.appId, null), t.headers);
    const app = (await res.json().catch(() => null)) as AppInfo | null;
    if (app === null || typeof app !== 'object') throw new InputError('bad-url', { reason: 'not-history-server' });
    const all = attemptsOf(t, app);
    const chosen = t.attemptId === null ? all : all.filter((a) => a.attemptId === t.attemptId);
    if (chosen.length === 0) throw new InputError('remote-not-found');
    yield* chosen.filter(keep);
    return;
  }
  const q = t.query;
  const listUrl = `${t.base}/api/v1/applications${q.size > 0 ? `?${q.toString()}` : ''}`;
  const parser = streamArray().withParser();
  const body = Readable.from(httpStream(listUrl, t.headers));
  let failed: Error | null = null;
  body.on('error', (e) => {
    failed = e;
    parser.destroy(e);
  });
  body.pipe(parser);
  try {
    for await (const { value } of parser) {
      for (const a of attemptsOf(t, value as AppInfo)) if (keep(a)) yield a;
    }
  } catch (e) {
    if (failed !== null) throw failed as Error;
    // Not a JSON array: a web page, a proxy's login form, another server.
    const err = new InputError('bad-url', { reason: 'not-history-server' });
    err.cause = e;
    throw err;
  } finally {
    body.destroy();
  }
}

/** `/logs` of one attempt, spooled and laid out as any zip; the spool goes when the input is disposed of. */
async function resolveAttempt(t: HistoryTarget, a: HistoryAttempt): Promise<ResolvedInput> {
  const logs = `${a.url}/logs`;
  let spooled;
  try {
    spooled = await spool(httpStream(logs, t.headers), REMOTE_ZIP_MAX, 'remote-zip');
  } catch (e) {
    return { path: a.url, layout: 'zip', apps: [], error: problemOf(e) };
  }
  const input = resolveZip(spooled.file, a.url);
  if (input.error !== undefined) {
    spooled.remove();
    return input;
  }
  return { ...input, dispose: () => Promise.resolve(spooled.remove()) };
}

/** Every attempt a History Server URL names, each an input of its own (a zip of its log files). */
export async function* resolveHistory(raw: string): AsyncGenerator<ResolvedInput> {
  const t = parseHistoryUrl(raw);
  if (t instanceof InputError) {
    yield { path: raw, layout: 'zip', apps: [], error: t.problem };
    return;
  }
  const shown = t.appId !== null ? appUrl(t, t.appId, t.attemptId) : t.base;
  let any = false;
  try {
    for await (const a of listAttempts(t)) {
      any = true;
      yield await resolveAttempt(t, a);
    }
  } catch (e) {
    yield { path: shown, layout: 'zip', apps: [], error: problemOf(e) };
    return;
  }
  if (!any) yield { path: shown, layout: 'zip', apps: [], error: { code: 'no-log-in-directory', data: {} } };
}
