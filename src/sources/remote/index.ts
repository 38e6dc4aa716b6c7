import { InputError } from '../../errors.js';
import type { ResolvedInput } from '../types.js';
import type { Unit } from '../walk.js';
import { listAttempts, parseHistoryUrl, resolveHistory } from './history-server.js';
import type * as AzureModule from './azure.js';
import type * as GcsModule from './gcs.js';
import type * as S3Module from './s3.js';
import { resolveStore, walkStore, type StoreAt } from './store.js';
import { webHdfsStoreAt } from './webhdfs.js';

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

/** The object stores and HDFS by URL scheme: how a URL of each names a store and a key in it. */
const STORES: Record<string, () => Promise<(url: string) => StoreAt>> = {
  s3: async () => (await s3()).s3StoreAt,
  s3a: async () => (await s3()).s3StoreAt,
  hdfs: () => Promise.resolve(webHdfsStoreAt),
  webhdfs: () => Promise.resolve(webHdfsStoreAt),
  swebhdfs: () => Promise.resolve(webHdfsStoreAt),
  abfs: async () => (await azure()).azureStoreAt,
  abfss: async () => (await azure()).azureStoreAt,
  wasb: async () => (await azure()).azureStoreAt,
  wasbs: async () => (await azure()).azureStoreAt,
  gs: async () => (await gcs()).gcsStoreAt,
};

/** The store a URL names, or why it names none (null: not a store's scheme). */
async function storeAt(url: string): Promise<StoreAt | null> {
  const scheme = schemeOf(url);
  return Object.hasOwn(STORES, scheme) ? (await STORES[scheme]!())(url) : null;
}

/** Every input a URL names (one per application attempt or log); a failure is an input with `error`. */
export async function* resolveRemote(url: string): AsyncGenerator<ResolvedInput> {
  const scheme = schemeOf(url);
  if (scheme === 'http' || scheme === 'https') {
    yield* resolveHistory(url);
    return;
  }
  const at = await storeAt(url);
  if (at === null) yield badUrl(url, 'scheme');
  else if (at instanceof InputError) yield { path: url, layout: 'single', apps: [], error: at.problem };
  else yield* resolveStore(at.store, at.key);
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
  const scheme = schemeOf(url);
  if (scheme === 'http' || scheme === 'https') {
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
  const at = await storeAt(url);
  if (at === null) yield unreadable(new InputError('bad-url', { reason: 'scheme' }));
  else if (at instanceof InputError) yield unreadable(at);
  else {
    try {
      yield* walkStore(at.store, at.key);
    } catch (e) {
      yield unreadable(e);
    }
  }
}
