import type * as BlobSdk from '@azure/storage-blob';
import type { ContainerClient } from '@azure/storage-blob';
import { InputError } from '../../errors.js';
import { remoteConfig } from './config.js';
import { MAX_ATTEMPTS } from './http.js';
import type { Store, StoreAt, StoreEntry } from './store.js';

/**
 * Azure Blob Storage (and ADLS Gen2 accounts, through their Blob endpoint) with the official
 * @azure/storage-blob, loaded only when an abfss://, abfs://, wasbs:// or wasb:// URL is given:
 * `abfss://<container>@<account>.dfs.core.windows.net/<path>` as Hadoop's ABFS names it.
 * Credentials, as the Azure CLI reads them from the environment: AZURE_STORAGE_CONNECTION_STRING,
 * else AZURE_STORAGE_KEY (with AZURE_STORAGE_ACCOUNT, or the account of the URL), else
 * AZURE_STORAGE_SAS_TOKEN, else none (a public container). Azure AD (DefaultAzureCredential) is
 * not supported yet: it needs @azure/identity, another large package.
 * `--endpoint` names the Blob service (Azurite: http://127.0.0.1:10000/devstoreaccount1).
 */

type Sdk = typeof BlobSdk;
let sdk: Promise<Sdk> | null = null;

async function loadSdk(): Promise<Sdk> {
  sdk ??= import('@azure/storage-blob');
  try {
    return await sdk;
  } catch {
    sdk = null;
    throw new InputError('remote-client-missing', { module: '@azure/storage-blob' });
  }
}

interface AzureLocation {
  scheme: string;
  container: string;
  /** account.dfs.core.windows.net, as written. */
  host: string;
  account: string;
  key: string;
}

function parseAzureUrl(url: string): AzureLocation | InputError<'bad-url'> {
  const m = /^(abfss?|wasbs?):\/\/([^@/]*)@([^/]+)\/?(.*)$/i.exec(url);
  if (!m)
    return new InputError('bad-url', { reason: /^(abfss?|wasbs?):\/\/[^@/]*\//i.test(url) || !url.includes('@') ? 'no-bucket' : 'syntax' });
  if (m[2] === '') return new InputError('bad-url', { reason: 'no-bucket' });
  return { scheme: m[1]!.toLowerCase(), container: m[2]!, host: m[3]!, account: m[3]!.split('.')[0]!, key: decodeURIComponent(m[4]!) };
}

async function containerClient(loc: AzureLocation): Promise<ContainerClient> {
  const blob = await loadSdk();
  const env = process.env;
  const options = { retryOptions: { maxTries: MAX_ATTEMPTS } };
  const endpoint = remoteConfig().endpoint ?? `https://${loc.account}.blob.core.windows.net`;
  let service: BlobSdk.BlobServiceClient;
  if (env.AZURE_STORAGE_CONNECTION_STRING) {
    service = blob.BlobServiceClient.fromConnectionString(env.AZURE_STORAGE_CONNECTION_STRING, options);
  } else if (env.AZURE_STORAGE_KEY) {
    const cred = new blob.StorageSharedKeyCredential(env.AZURE_STORAGE_ACCOUNT ?? loc.account, env.AZURE_STORAGE_KEY);
    service = new blob.BlobServiceClient(endpoint, cred, options);
  } else {
    const sas = env.AZURE_STORAGE_SAS_TOKEN?.replace(/^\?/, '');
    service = new blob.BlobServiceClient(sas ? `${endpoint}?${sas}` : endpoint, undefined, options);
  }
  return service.getContainerClient(loc.container);
}

/** The SDK's RestError as our coded one. */
function azureError(e: unknown): InputError {
  if (e instanceof InputError) return e as InputError;
  const err = e as { statusCode?: number; code?: string; message?: string; name?: string };
  const status = err.statusCode ?? null;
  const detail = `${err.code ?? err.name ?? 'Error'}`.slice(0, 300);
  if (status === 404) return new InputError('remote-not-found');
  if (status === 412) return new InputError('input-changed');
  if (status === 401 || status === 403) return new InputError('remote-denied', { status, detail });
  if (status !== null && status >= 400 && status < 500 && status !== 408 && status !== 429)
    return new InputError('remote-refused', { status, detail });
  return new InputError('remote-gave-up', {
    attempts: MAX_ATTEMPTS,
    status,
    detail: (err.message ?? detail).split('\n')[0]!.slice(0, 300),
  });
}

function azureStore(loc: AzureLocation): Store {
  let client: Promise<ContainerClient> | null = null;
  const container = (): Promise<ContainerClient> => (client ??= containerClient(loc));
  return {
    url: (key) => `${loc.scheme}://${loc.container}@${loc.host}/${key}`,
    async *list(dir): AsyncGenerator<StoreEntry> {
      const c = await container();
      try {
        for await (const item of c.listBlobsByHierarchy('/', { prefix: dir })) {
          if (item.kind === 'prefix') yield { name: item.name.slice(dir.length, -1), dir: true, size: 0, mtime: 0 };
          else if (item.name !== dir)
            yield {
              name: item.name.slice(dir.length),
              dir: false,
              size: item.properties.contentLength ?? 0,
              mtime: item.properties.lastModified.getTime(),
            };
        }
      } catch (e) {
        throw azureError(e);
      }
    },
    async get(key, start, ifMatch) {
      const c = await container();
      try {
        const res = await c.getBlobClient(key).download(start, undefined, ifMatch !== null ? { conditions: { ifMatch } } : {});
        return { body: res.readableStreamBody as AsyncIterable<Uint8Array>, version: res.etag ?? null };
      } catch (e) {
        const err = azureError(e);
        // BlobNotFound: maybe a directory; ContainerNotFound is said by the listing after.
        if (err.code === 'remote-not-found' && (e as { code?: string }).code !== 'ContainerNotFound') return null;
        throw err;
      }
    },
  };
}

/** The store and key an abfss://, abfs://, wasbs:// or wasb:// URL names, or why it names none. */
export function azureStoreAt(url: string): StoreAt {
  const loc = parseAzureUrl(url);
  return loc instanceof InputError ? loc : { store: azureStore(loc), key: loc.key };
}
