import type * as GcsSdk from '@google-cloud/storage';
import type { Bucket, Storage } from '@google-cloud/storage';
import { InputError } from '../../errors.js';
import { remoteConfig } from './config.js';
import { BACKOFF_MAX_MS, MAX_ATTEMPTS } from './http.js';
import type { Store, StoreAt, StoreEntry } from './store.js';

/**
 * Google Cloud Storage through the official @google-cloud/storage (its JSON API), loaded only when
 * a gs:// URL is given. Credentials from Google's application-default chain (google-auth-library):
 * GOOGLE_APPLICATION_CREDENTIALS (a service-account or external-account key file), the file
 * `gcloud auth application-default login` writes, and the metadata server on GCE, GKE (workload
 * identity), Cloud Run and Dataproc. STORAGE_EMULATOR_HOST, the client's own variable, names an
 * emulator and sends no credentials, as the client does; `--endpoint` names another endpoint of
 * the same API (Private Service Connect, a regional one) and still authenticates.
 */

type Sdk = typeof GcsSdk;
let sdk: Promise<Sdk> | null = null;
let client: { key: string; storage: Storage } | null = null;

async function loadSdk(): Promise<Sdk> {
  sdk ??= import('@google-cloud/storage');
  try {
    return await sdk;
  } catch {
    sdk = null;
    throw new InputError('remote-client-missing', { module: '@google-cloud/storage' });
  }
}

async function storageClient(): Promise<Storage> {
  const { Storage } = await loadSdk();
  const endpoint = remoteConfig().endpoint;
  const key = endpoint ?? '';
  if (client?.key !== key) {
    client = {
      key,
      storage: new Storage({
        ...(endpoint !== null ? { apiEndpoint: endpoint, useAuthWithCustomEndpoint: true } : {}),
        // The client's own retries (idempotent reads, exponential backoff) as many and as long as ours
        // (./http.ts); its default waits up to 64 s between attempts.
        retryOptions: { autoRetry: true, maxRetries: MAX_ATTEMPTS - 1, maxRetryDelay: BACKOFF_MAX_MS / 1000 },
      }),
    };
  }
  return client.storage;
}

/** The client's errors as our coded ones: the HTTP status decides (ApiError's `code`). */
function gcsError(e: unknown): InputError {
  if (e instanceof InputError) return e as InputError;
  const err = e as { code?: number | string; message?: string; name?: string };
  const message = (err.message ?? String(e)).split('\n')[0]!.slice(0, 300);
  // google-auth-library, finding no credentials: "Could not load the default credentials…",
  // or a key file named by GOOGLE_APPLICATION_CREDENTIALS that cannot be read.
  if (/default credentials|credentials file|GOOGLE_APPLICATION_CREDENTIALS|ENOENT/i.test(message))
    return new InputError('remote-no-credentials', { detail: message });
  const status = typeof err.code === 'number' ? err.code : null;
  if (status === 404) return new InputError('remote-not-found');
  if (status === 412) return new InputError('input-changed');
  if (status === 401 || status === 403) return new InputError('remote-denied', { status, detail: message });
  if (status !== null && status >= 400 && status < 500 && status !== 408 && status !== 429)
    return new InputError('remote-refused', { status, detail: message });
  return new InputError('remote-gave-up', { attempts: MAX_ATTEMPTS, status, detail: message });
}

interface GcsLocation {
  bucket: string;
  key: string;
}

/** gs://bucket/key, as Spark's GCS connector names objects. */
function parseGcsUrl(url: string): GcsLocation | InputError<'bad-url'> {
  const m = /^gs:\/\/([^/]*)\/?(.*)$/i.exec(url);
  if (!m) return new InputError('bad-url', { reason: 'syntax' });
  if (m[1] === '') return new InputError('bad-url', { reason: 'no-bucket' });
  return { bucket: m[1]!, key: m[2]! };
}

const toMs = (t: string | undefined): number => (t ? Date.parse(t) || 0 : 0);

function gcsStore(loc: GcsLocation): Store {
  let bucketOf: Promise<Bucket> | null = null;
  const bucket = (): Promise<Bucket> => (bucketOf ??= storageClient().then((s) => s.bucket(loc.bucket)));
  return {
    url: (key) => `gs://${loc.bucket}/${key}`,
    async *list(dir): AsyncGenerator<StoreEntry> {
      const b = await bucket();
      let pageToken: string | undefined;
      do {
        let page;
        try {
          page = await b.getFiles({ prefix: dir, delimiter: '/', autoPaginate: false, ...(pageToken ? { pageToken } : {}) });
        } catch (e) {
          throw gcsError(e);
        }
        const [files, next, response] = page as unknown as [
          GcsSdk.File[],
          { pageToken?: string } | null,
          { prefixes?: string[] } | undefined,
        ];
        for (const p of response?.prefixes ?? []) yield { name: p.slice(dir.length, -1), dir: true, size: 0, mtime: 0 };
        for (const f of files) {
          // A "directory marker" (the prefix itself, as the console writes for folders) is no file.
          if (f.name === dir) continue;
          yield { name: f.name.slice(dir.length), dir: false, size: Number(f.metadata.size ?? 0), mtime: toMs(f.metadata.updated) };
        }
        pageToken = next?.pageToken;
      } while (pageToken);
    },
    async get(key, start, ifMatch) {
      const b = await bucket();
      // Pinned to the generation first read: a resumed read of a replaced object fails, not mixes.
      const file = b.file(key, ifMatch !== null ? { generation: Number(ifMatch) } : {});
      const seen: { generation: string | null } = { generation: null };
      // Bytes as stored: a log uploaded with Content-Encoding gzip is told by its magic bytes like any
      // other. No checksum: a resumed (ranged) read cannot be checked, and TCP and TLS already are.
      const stream = file.createReadStream({ decompress: false, validation: false, ...(start > 0 ? { start } : {}) });
      stream.on('response', (res: { headers: Record<string, string | string[] | undefined> }) => {
        const g = res.headers['x-goog-generation'];
        seen.generation = typeof g === 'string' ? g : null;
      });
      // The request starts with the first read: its answer (an object, or none) is known from it.
      const it = stream[Symbol.asyncIterator]() as AsyncIterator<Uint8Array>;
      let first: IteratorResult<Uint8Array>;
      try {
        first = await it.next();
      } catch (e) {
        const err = gcsError(e);
        // No such object: maybe a directory. A missing bucket is said by the listing after.
        if (err.code === 'remote-not-found' && !/bucket/i.test((e as Error).message ?? '')) return null;
        throw err;
      }
      // A failure after this is a dropped connection, resumed by ./store.ts from the byte reached.
      async function* body(): AsyncGenerator<Uint8Array> {
        try {
          if (first.done) return;
          yield first.value;
          for (;;) {
            const r = await it.next();
            if (r.done) return;
            yield r.value;
          }
        } finally {
          await it.return?.();
        }
      }
      return { body: body(), version: seen.generation };
    },
  };
}

/** The store and key a gs:// URL names, or why it names none. */
export function gcsStoreAt(url: string): StoreAt {
  const loc = parseGcsUrl(url);
  return loc instanceof InputError ? loc : { store: gcsStore(loc), key: loc.key };
}
