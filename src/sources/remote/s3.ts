import type * as S3Sdk from '@aws-sdk/client-s3';
import type { S3Client } from '@aws-sdk/client-s3';
import { InputError } from '../../errors.js';
import type { ResolvedInput } from '../types.js';
import type { Unit } from '../walk.js';
import { remoteConfig } from './config.js';
import { MAX_ATTEMPTS } from './http.js';
import { resolveStore, walkStore, type Store, type StoreEntry } from './store.js';

/**
 * S3 and S3-compatible stores through the official AWS SDK (@aws-sdk/client-s3), loaded only when
 * an s3:// or s3a:// URL is given. Credentials and region come from the SDK's default chain:
 * AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY/AWS_SESSION_TOKEN, AWS_PROFILE and ~/.aws/config
 * (SSO included), web identity, ECS and EC2 instance roles. `--endpoint`, AWS_ENDPOINT_URL_S3 or
 * AWS_ENDPOINT_URL name an S3-compatible store (MinIO, Ceph, s3proxy), addressed path-style.
 */

type Sdk = typeof S3Sdk;

let sdk: Promise<Sdk> | null = null;
let client: { key: string; client: S3Client } | null = null;

async function loadSdk(): Promise<Sdk> {
  sdk ??= import('@aws-sdk/client-s3');
  try {
    return await sdk;
  } catch {
    sdk = null;
    throw new InputError('remote-client-missing', { module: '@aws-sdk/client-s3' });
  }
}

/** Region when neither the environment nor the profile says one: the SDK requires one, S3-compatible stores ignore it. */
const DEFAULT_REGION = 'us-east-1';

async function s3Client(): Promise<{ s3: Sdk; client: S3Client }> {
  const env = process.env;
  // The SDK warns on stderr that its releases after January 2027 need Node 22; this one runs on 20
  // (package.json pins it), and a warning among our one-line errors would only confuse.
  env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const s3 = await loadSdk();
  const endpoint = remoteConfig().endpoint ?? env.AWS_ENDPOINT_URL_S3 ?? env.AWS_ENDPOINT_URL ?? null;
  const key = endpoint ?? '';
  if (client?.key !== key) {
    client = {
      key,
      client: new s3.S3Client({
        ...(endpoint !== null ? { endpoint, forcePathStyle: true } : {}),
        region: env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? DEFAULT_REGION,
        maxAttempts: MAX_ATTEMPTS,
        // Checksums only where S3 requires them: the SDK's default asks for response checksums
        // (x-amz-checksum-mode), which S3-compatible stores refuse (501) and a ranged read cannot check.
        requestChecksumCalculation: 'WHEN_REQUIRED',
        responseChecksumValidation: 'WHEN_REQUIRED',
      }),
    };
  }
  return { s3, client: client.client };
}

/** The SDK's error as our coded one: the HTTP status and S3's error code decide. */
function s3Error(e: unknown): InputError {
  if (e instanceof InputError) return e as InputError;
  const err = e as { name?: string; message?: string; $metadata?: { httpStatusCode?: number }; Code?: string };
  const status = err.$metadata?.httpStatusCode ?? null;
  const detail =
    `${err.name ?? 'Error'}${err.message && err.message !== err.name && err.message !== 'UnknownError' ? `: ${err.message}` : ''}`
      .split('\n')[0]!
      .slice(0, 300);
  if (err.name === 'CredentialsProviderError')
    return new InputError('remote-no-credentials', { detail: (err.message ?? '').split('\n')[0]! });
  if (status === 404 || err.name === 'NoSuchKey' || err.name === 'NoSuchBucket' || err.name === 'NotFound')
    return new InputError('remote-not-found');
  if (status === 412) return new InputError('input-changed');
  if (status === 401 || status === 403) return new InputError('remote-denied', { status, detail });
  // 4xx but timeouts and throttling, and 501 (not implemented): answers, not trouble that passes.
  if (status !== null && ((status >= 400 && status < 500 && status !== 408 && status !== 429) || status === 501))
    return new InputError('remote-refused', { status, detail });
  return new InputError('remote-gave-up', { attempts: MAX_ATTEMPTS, status, detail });
}

export interface S3Location {
  bucket: string;
  key: string;
  scheme: string;
}

/** s3://bucket/key and s3a://bucket/key (Hadoop's name for the same objects). */
export function parseS3Url(url: string): S3Location | InputError<'bad-url'> {
  const m = /^(s3a?):\/\/([^/]*)\/?(.*)$/i.exec(url);
  if (!m) return new InputError('bad-url', { reason: 'syntax' });
  if (m[2] === '') return new InputError('bad-url', { reason: 'no-bucket' });
  return { scheme: m[1]!.toLowerCase(), bucket: m[2]!, key: m[3]! };
}

function s3Store(loc: S3Location): Store {
  return {
    url: (key) => `${loc.scheme}://${loc.bucket}/${key}`,
    async *list(dir): AsyncGenerator<StoreEntry> {
      const { s3, client } = await s3Client();
      let token: string | undefined;
      do {
        let page;
        try {
          page = await client.send(
            new s3.ListObjectsV2Command({ Bucket: loc.bucket, Prefix: dir, Delimiter: '/', ContinuationToken: token }),
          );
        } catch (e) {
          throw s3Error(e);
        }
        for (const p of page.CommonPrefixes ?? []) {
          if (p.Prefix) yield { name: p.Prefix.slice(dir.length, -1), dir: true, size: 0, mtime: 0 };
        }
        for (const o of page.Contents ?? []) {
          // A "directory marker" (the prefix itself, as some tools write) is no file.
          if (!o.Key || o.Key === dir) continue;
          yield { name: o.Key.slice(dir.length), dir: false, size: o.Size ?? 0, mtime: o.LastModified?.getTime() ?? 0 };
        }
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
    },
    async get(key, start, ifMatch) {
      const { s3, client } = await s3Client();
      try {
        const res = await client.send(
          new s3.GetObjectCommand({
            Bucket: loc.bucket,
            Key: key,
            ...(start > 0 ? { Range: `bytes=${start}-` } : {}),
            ...(ifMatch !== null ? { IfMatch: ifMatch } : {}),
          }),
        );
        return { body: res.Body as AsyncIterable<Uint8Array>, version: res.ETag ?? null };
      } catch (e) {
        const err = s3Error(e);
        // NoSuchKey: maybe a directory. A missing bucket is said as such by the listing after.
        if (err.code === 'remote-not-found' && (e as { name?: string }).name !== 'NoSuchBucket') return null;
        throw err;
      }
    },
  };
}

export async function* resolveS3(url: string): AsyncGenerator<ResolvedInput> {
  const loc = parseS3Url(url);
  if (loc instanceof InputError) {
    yield { path: url, layout: 'single', apps: [], error: loc.problem };
    return;
  }
  yield* resolveStore(s3Store(loc), loc.key);
}

export async function* listS3Units(url: string): AsyncGenerator<Unit> {
  const loc = parseS3Url(url);
  if (loc instanceof InputError) throw loc;
  yield* walkStore(s3Store(loc), loc.key);
}
