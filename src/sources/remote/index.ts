import { InputError } from '../../errors.js';
import type { ResolvedInput } from '../types.js';
import type { Unit } from '../walk.js';
import { listAttempts, parseHistoryUrl, resolveHistory } from './history-server.js';
import type * as AzureModule from './azure.js';
import type * as GcsModule from './gcs.js';
import type * as S3Module from './s3.js';
import { listWebHdfsUnits, resolveWebHdfs } from './webhdfs.js';

// Each store's module is imported when a URL of its kind comes: its SDK with it, never at start-up.
const s3 = (): Promise<typeof S3Module> => import('./s3.js');
const azure = (): Promise<typeof AzureModule> => import('./azure.js');
const gcs = (): Promise<typeof GcsModule> => import('./gcs.js');

/**
 * Inputs that live elsewhere, named by URL: a History Server (http, https) over its REST API,
 * object stores (s3, s3a; gs; abfss, wasbs) and HDFS (hdfs, webhdfs) through ./store.ts. Each
 * store's client is loaded only when a URL of its kind is given: a local run loads none.
 */

/** `scheme://…`: a URL, not a path (a local path never holds `://` after a bare scheme). */
export const isRemote = (p: string): boolean => /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//.test(p);

const schemeOf = (url: string): string => url.slice(0, url.indexOf(':')).toLowerCase();

const badUrl = (url: string, reason: InputError<'bad-url'>['data']['reason']): ResolvedInput => ({
  path: url,
  layout: 'single',
  apps: [],
  error: { code: 'bad-url', data: { reason } },
});

/** Every input a URL names (one per application attempt or log); a failure is an input with `error`. */
export async function* resolveRemote(url: string): AsyncGenerator<ResolvedInput> {
  switch (schemeOf(url)) {
    case 'http':
    case 'https':
      yield* resolveHistory(url);
      return;
    case 's3':
    case 's3a':
      yield* (await s3()).resolveS3(url);
      return;
    case 'hdfs':
    case 'webhdfs':
    case 'swebhdfs':
      yield* resolveWebHdfs(url);
      return;
    case 'abfs':
    case 'abfss':
    case 'wasb':
    case 'wasbs':
      yield* (await azure()).resolveAzure(url);
      return;
    case 'gs':
      yield* (await gcs()).resolveGcs(url);
      return;
    default:
      yield badUrl(url, 'scheme');
  }
}

/** What scan may filter on before opening anything. */
export interface ListFilter {
  /** Only logs updated since (ms); a server that can filter is asked to. */
  since: number | null;
}

/**
 * Scan's units under a URL, from listings alone (no log opened): each carries its URL (resolved
 * again by whoever reads it), its last modification and size when the listing says them, and its
 * application's name when the listing says it (History Server).
 */
export async function* listRemoteUnits(url: string, filter: ListFilter): AsyncGenerator<Unit> {
  const unreadable = (e: unknown, path = url): Unit => ({
    path,
    fsPath: path,
    mtime: 0,
    bytes: 0,
    group: null,
    groupPaths: null,
    error: e instanceof InputError ? e.problem : { code: 'internal', data: { detail: String(e) } },
  });
  switch (schemeOf(url)) {
    case 'http':
    case 'https': {
      const t = parseHistoryUrl(url);
      if (t instanceof InputError) {
        yield unreadable(t);
        return;
      }
      try {
        for await (const a of listAttempts(t, filter.since)) {
          yield { path: a.url, fsPath: a.url, mtime: a.lastUpdated, bytes: 0, group: null, groupPaths: null, appName: a.name };
        }
      } catch (e) {
        yield unreadable(e);
      }
      return;
    }
    case 's3':
    case 's3a':
      try {
        yield* (await s3()).listS3Units(url);
      } catch (e) {
        yield unreadable(e);
      }
      return;
    case 'hdfs':
    case 'webhdfs':
    case 'swebhdfs':
      try {
        yield* listWebHdfsUnits(url);
      } catch (e) {
        yield unreadable(e);
      }
      return;
    case 'abfs':
    case 'abfss':
    case 'wasb':
    case 'wasbs':
      try {
        yield* (await azure()).listAzureUnits(url);
      } catch (e) {
        yield unreadable(e);
      }
      return;
    case 'gs':
      try {
        yield* (await gcs()).listGcsUnits(url);
      } catch (e) {
        yield unreadable(e);
      }
      return;
    default:
      yield unreadable(new InputError('bad-url', { reason: 'scheme' }));
  }
}
