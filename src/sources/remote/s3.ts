import type * as S3Sdk from '@aws-sdk/client-s3';
import type { S3Client } from '@aws-sdk/client-s3';
import crypto, { createHash, createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { InputError } from '../../errors.js';
import { remoteConfig } from './config.js';
import { PUMP_MIN_BYTES, pumpGet, type PumpHead } from './pump.js';
import { backoff, DETAIL_BYTES, HEADERS_TIMEOUT_MS, MAX_ATTEMPTS, retriable, retryAfter } from './http.js';
import { parseListPage } from './s3-list.js';
import { onePiece, type Opened, type Store, type StoreAt, type StoreEntry } from './store.js';

/**
 * S3 and S3-compatible stores. Credentials and region come from the AWS SDK's default chain:
 * AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY/AWS_SESSION_TOKEN, AWS_PROFILE and ~/.aws/config
 * (SSO included), web identity, ECS and EC2 instance roles. `--endpoint`, AWS_ENDPOINT_URL_S3 or
 * AWS_ENDPOINT_URL name an S3-compatible store (MinIO, Ceph, s3proxy), addressed path-style.
 * The chain's first link is the environment's keys: when they are there (and nothing else that
 * the SDK would read first or that changes the endpoint), objects are listed and read with our
 * own signed requests and the SDK (@aws-sdk/client-s3) is never loaded (envDirect); otherwise it
 * is loaded for its credentials, endpoint rules and listings.
 */

type Sdk = typeof S3Sdk;

let sdk: Promise<Sdk> | null = null;
let client: { key: string; endpoint: string | null; client: S3Client; direct: Map<string, Promise<Direct | null>> } | null = null;

/** Whether this process has loaded the SDK (the tests tell by it which way a bucket was read). */
export const s3SdkLoaded = (): boolean => sdk !== null;

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

async function s3Client(): Promise<{ s3: Sdk; client: S3Client; endpoint: string | null; direct: Map<string, Promise<Direct | null>> }> {
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
      endpoint,
      direct: new Map(),
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
  return { s3, ...client };
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
      const plain = envDirect(loc.bucket);
      if (plain !== null) {
        yield* listDirect(plain, dir);
        return;
      }
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
      const plain = envDirect(loc.bucket);
      if (plain !== null) return directGet(plain, key, start, ifMatch);
      const c = await s3Client();
      let direct = c.direct.get(loc.bucket);
      if (direct === undefined) c.direct.set(loc.bucket, (direct = directFor(loc.bucket, c.client, c.endpoint)));
      const d = await direct;
      if (d !== null) return directGet(d, key, start, ifMatch);
      const { s3, client } = c;
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

/**
 * What a GET needs to bypass the SDK's request pipeline: the bucket's endpoint from the SDK's own
 * endpoint rules (path- or virtual-host-style, FIPS, dual-stack, a custom endpoint), the signing
 * name and region they give, credentials from the SDK's default chain, its clock skew correction;
 * signed by signGet below. Why: through GetObjectCommand the SDK's middleware stack cost
 * three times the CPU of the request itself — 1,034 small objects from s3proxy on loopback, four in
 * flight, CPU per object: 2.4 ms through the SDK against 0.8 ms signed by the same signer and sent
 * by node:http (load average 5; 3.5 against 1.0 ms at load 9; Node's fetch: 2.3 ms) — and a scan
 * of small logs pays it per log (`npm run bench:remote`).
 */
interface Direct {
  base: URL;
  signingRegion: string;
  signingService: string;
  credentials: () => Promise<Credentials>;
  /** What to add to the local clock to sign with the server's time (ms): the SDK's systemClockOffset. */
  clock: { offset: () => number; set: (ms: number) => void };
}

/**
 * The direct GET of `bucket`'s objects, or null where the SDK must do it: an endpoint the rules
 * give with extra headers or another signature (S3 Express sessions, SigV4a for multi-region
 * access points), or any failure to resolve (the SDK then says what is wrong).
 */
async function directFor(bucket: string, client: S3Client, endpoint: string | null): Promise<Direct | null> {
  const cfg = client.config;
  try {
    const ep = cfg.endpointProvider({
      Bucket: bucket,
      Region: await cfg.region(),
      UseFIPS: await cfg.useFipsEndpoint(),
      UseDualStack: await cfg.useDualstackEndpoint(),
      ...(endpoint !== null ? { Endpoint: endpoint } : {}),
      ForcePathStyle: cfg.forcePathStyle ?? false,
      Accelerate: false,
      UseGlobalEndpoint: false,
      UseArnRegion: false,
      DisableMultiRegionAccessPoints: false,
    });
    const auth = ep.properties?.authSchemes?.[0] as { name?: string; signingName?: string; signingRegion?: string } | undefined;
    if (auth?.name !== 'sigv4' || !auth.signingName || !auth.signingRegion) return null;
    if (Object.keys(ep.headers ?? {}).length > 0) return null;
    const base = new URL(ep.url.href);
    if (base.search !== '' || (base.protocol !== 'http:' && base.protocol !== 'https:')) return null;
    return {
      base,
      signingRegion: auth.signingRegion,
      signingService: auth.signingName,
      credentials: () => cfg.credentials(),
      clock: {
        offset: () => cfg.systemClockOffset ?? 0,
        set: (ms) => {
          cfg.systemClockOffset = ms; // the SDK's own listing then signs with it too
        },
      },
    };
  } catch {
    return null;
  }
}

/**
 * The environment variables of the SDK's default credential chain's first link, fromEnv
 * (@aws-sdk/credential-provider-env; @aws-sdk/credential-provider-node's defaultProvider skips it
 * when AWS_PROFILE is set, and so do we).
 */
const ENV_KEY = 'AWS_ACCESS_KEY_ID';
const ENV_SECRET = 'AWS_SECRET_ACCESS_KEY';
const ENV_SESSION = 'AWS_SESSION_TOKEN';

/**
 * Settings of the shared config file (AWS_CONFIG_FILE, else ~/.aws/config) that change the
 * endpoint the SDK's rules give (FIPS, dual-stack, a configured endpoint URL): where the file
 * holds one, the SDK decides.
 */
const CONFIG_ENDPOINT_SETTINGS = /use_fips_endpoint|use_dualstack_endpoint|endpoint_url|services/i;

/** A bucket name S3 serves virtual-host-style under its own domain without other rules (no dots, no `--` suffix of S3 Express or other bucket kinds). */
const PLAIN_BUCKET = /^[a-z0-9](?:[a-z0-9]|-(?!-)){1,61}[a-z0-9]$/;

/** A region of the commercial `aws` partition (amazonaws.com), not GovCloud, China or ISO. */
const COMMERCIAL_REGION = /^(?:us|eu|ap|sa|ca|me|af|il|mx)-[a-z]+-\d+$/;

/**
 * The bucket's endpoint as the SDK's endpoint rules give it (@aws-sdk/client-s3's ruleset; the
 * test checks the two agree), for the cases we take on ourselves, or null for the SDK to decide:
 * an S3-compatible endpoint addressed path-style (`{endpoint}/{bucket}`), else S3's own
 * virtual-host-style `https://{bucket}.s3.{region}.amazonaws.com/`.
 */
export function plainEndpoint(bucket: string, region: string, endpoint: string | null): string | null {
  if (endpoint !== null) {
    let u: URL;
    try {
      u = new URL(endpoint);
    } catch {
      return null;
    }
    if ((u.protocol !== 'http:' && u.protocol !== 'https:') || u.search !== '' || u.hash !== '' || u.username !== '' || u.password !== '')
      return null;
    if (!/^[A-Za-z0-9._-]+$/.test(bucket)) return null;
    return `${u.protocol}//${u.host}${u.pathname.endsWith('/') ? u.pathname : `${u.pathname}/`}${bucket}`;
  }
  return PLAIN_BUCKET.test(bucket) && COMMERCIAL_REGION.test(region) ? `https://${bucket}.s3.${region}.amazonaws.com/` : null;
}

/** envDirect's answers by what they depend on (the environment may change between calls in tests). */
const envDirects = new Map<string, Direct | null>();

/**
 * The bucket's Direct without the SDK, when the SDK's default chain would take the environment's
 * keys (its first link) and its endpoint rules give what plainEndpoint gives; else null (the SDK
 * then resolves credentials and endpoint). Why: loading the SDK and listing through it cost ~0.2 s
 * of CPU per run, a sixth of what a scan of 1,000 small logs from S3 cost beyond the same from
 * disk (`npm run bench:remote`).
 */
function envDirect(bucket: string): Direct | null {
  const env = process.env;
  const accessKeyId = env[ENV_KEY];
  const secretAccessKey = env[ENV_SECRET];
  if (!accessKeyId || !secretAccessKey || env.AWS_PROFILE) return null;
  const endpoint = remoteConfig().endpoint ?? env.AWS_ENDPOINT_URL_S3 ?? env.AWS_ENDPOINT_URL ?? null;
  const region = env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? DEFAULT_REGION;
  const sessionToken = env[ENV_SESSION];
  const id = [
    bucket,
    endpoint,
    region,
    accessKeyId,
    secretAccessKey,
    sessionToken,
    env.AWS_USE_FIPS_ENDPOINT,
    env.AWS_USE_DUALSTACK_ENDPOINT,
    env.AWS_CONFIG_FILE,
  ].join('\0');
  const known = envDirects.get(id);
  if (known !== undefined) return known;
  let d: Direct | null = null;
  const base = configChangesEndpoint(env) ? null : plainEndpoint(bucket, region, endpoint);
  if (base !== null) {
    const url = new URL(base);
    const creds: Credentials = { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) };
    let offset = 0;
    d = {
      base: url,
      signingRegion: region,
      signingService: 's3',
      credentials: () => Promise.resolve(creds),
      clock: { offset: () => offset, set: (ms) => (offset = ms) },
    };
  }
  envDirects.set(id, d);
  return d;
}

/** Whether FIPS or dual-stack endpoints are asked for, by the environment or the shared config file (the SDK reads both). */
function configChangesEndpoint(env: NodeJS.ProcessEnv): boolean {
  const on = (v: string | undefined): boolean => v !== undefined && v.toLowerCase() !== 'false';
  if (on(env.AWS_USE_FIPS_ENDPOINT) || on(env.AWS_USE_DUALSTACK_ENDPOINT)) return true;
  let text: string;
  try {
    text = readFileSync(env.AWS_CONFIG_FILE ?? path.join(homedir(), '.aws', 'config'), 'utf8');
  } catch {
    return false; // no file: nothing in it
  }
  return CONFIG_ENDPOINT_SETTINGS.test(text);
}

/**
 * A ListObjectsV2 page longer than this is refused. Our choice: a page holds at most 1,000 keys
 * (MaxKeys' default and S3's limit) of at most 1,024 bytes each, under 2 MiB of XML even with
 * every character escaped; 16 MiB leaves room for other stores' pages and bounds a hostile one.
 */
const MAX_LIST_PAGE_BYTES = 16 * 1024 * 1024;

/** A query value or name as SigV4 canonicalizes it (RFC 3986: everything but the unreserved characters percent-encoded). */
const uriEncode = (v: string): string => encodeURIComponent(v).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/**
 * The entries directly inside `dir`, by ListObjectsV2 pages (prefix `dir`, delimiter `/`) we
 * sign and read ourselves (./s3-list.ts), retried as a GET of an object is.
 */
async function* listDirect(d: Direct, dir: string): AsyncGenerator<StoreEntry> {
  const bucketPath = d.base.pathname === '' ? '/' : d.base.pathname;
  let token: string | null = null;
  for (;;) {
    // Sorted by name, as SigV4's canonical query string must be.
    const params: Array<[string, string]> = [];
    if (token !== null) params.push(['continuation-token', token]);
    params.push(['delimiter', '/'], ['list-type', '2']);
    if (dir !== '') params.push(['prefix', dir]);
    const query = params.map(([k, v]) => `${k}=${uriEncode(v)}`).join('&');
    const text = await signedText(d, bucketPath, query);
    const page = parseListPage(text);
    if (page === null) throw new InputError('remote-refused', { status: 200, detail: 'not a ListObjectsV2 answer' });
    for (const p of page.prefixes) {
      if (p.startsWith(dir) && p.length > dir.length + 1) yield { name: p.slice(dir.length, -1), dir: true, size: 0, mtime: 0 };
    }
    for (const o of page.objects) {
      // A "directory marker" (the prefix itself, as some tools write) is no file.
      if (o.key === dir || !o.key.startsWith(dir)) continue;
      yield { name: o.key.slice(dir.length), dir: false, size: o.size, mtime: o.mtime };
    }
    if (!page.truncated || page.token === null || page.token === '') return;
    // A server answering the same token again would list forever.
    if (page.token === token)
      throw new InputError('remote-refused', { status: 200, detail: 'the listing repeated its continuation token' });
    token = page.token;
  }
}

/** The text of a signed GET's answer (a listing), received on this thread: tried as signedGet tries. */
function signedText(d: Direct, path: string, query: string): Promise<string> {
  return signedGet(
    d,
    (creds) => signGet(d, creds, path, query, null, null),
    (headers) => answerPumped(d, query === '' ? path : `${path}?${query}`, headers, false),
    async (a) => {
      if (a.head.status === 200) {
        const pieces: Buffer[] = [];
        let got = 0;
        for await (const c of a.body()) {
          got += c.length;
          if (got > MAX_LIST_PAGE_BYTES) {
            a.drop();
            throw new InputError('remote-too-large', { limit: MAX_LIST_PAGE_BYTES });
          }
          pieces.push(Buffer.from(c));
        }
        return { done: Buffer.concat(pieces, got).toString('utf8') };
      }
      // NoSuchBucket: a listing's only 404.
      if (a.head.status === 404) throw new InputError('remote-not-found');
      return null;
    },
  );
}

/** What an answer came to for the caller of signedGet: its result, ask again at once (no failure), or null: judge the status there. */
type Judged<T> = { done: T } | 'again' | null;

/**
 * A GET signed by `sign` and sent by `send`, tried as the SDK's standard mode does: connection
 * failures (also while `judge` reads a body), 408, 429 (SlowDown) and 5xx again (MAX_ATTEMPTS,
 * backoff, Retry-After when given); a 401 or 403 for a skewed clock signed once more with the
 * server's time (correctClock); any other refusal one InputError. `judge` first takes each answer,
 * with the S3 error code of its body (null for none), and says what it comes to for its caller.
 */
async function signedGet<T>(
  d: Direct,
  sign: (creds: Credentials) => Record<string, string>,
  send: (headers: Record<string, string>) => Promise<Answer>,
  judge: (a: Answer, code: string | null) => Promise<Judged<T>> | Judged<T>,
): Promise<T> {
  let last: { status: number | null; detail: string } = { status: null, detail: '' };
  let failures = 0;
  let wait: number | null = null;
  /** Signed again once after correcting the clock (correctClock). */
  let skewed = false;
  for (;;) {
    if (wait !== null) await sleep(wait);
    wait = null;
    let headers;
    try {
      headers = sign(await d.credentials());
    } catch (e) {
      throw s3Error(e);
    }
    let judged: Judged<T> = null;
    let a: Answer | null = null;
    let error: { code: string | null; detail: string } = { code: null, detail: '' };
    try {
      const got = await send(headers);
      const { status } = got.head;
      if (status < 200 || status > 299) error = s3ErrorOf(got.head.text ?? '', got.head.statusText);
      judged = await judge(got, error.code);
      a = got;
    } catch (e) {
      if (e instanceof InputError) throw e;
      last = { status: null, detail: String((e as { code?: string }).code ?? (e as Error).message ?? e).split('\n')[0]! };
    }
    if (judged === 'again') continue;
    if (judged !== null) return judged.done;
    if (a !== null) {
      const { status } = a.head;
      const { code, detail } = error;
      if (status === 401 || status === 403) {
        if (!skewed && correctClock(d, a.head, code)) {
          skewed = true;
          continue;
        }
        throw new InputError('remote-denied', { status, detail });
      }
      if (!retriable(status)) throw new InputError('remote-refused', { status, detail });
      wait = retryAfter(a.head.retryAfter);
      last = { status, detail };
    }
    if (++failures >= MAX_ATTEMPTS) throw new InputError('remote-gave-up', { attempts: MAX_ATTEMPTS, ...last });
    wait ??= backoff(failures);
  }
}

/** SHA-256 of the empty payload (a GET's), hex: x-amz-content-sha256 (AWS SigV4, "Signature Calculations for S3"). */
const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

/** A key as a URI path: each segment percent-encoded as SigV4 asks (RFC 3986 unreserved kept), '/' kept. */
const encodeKey = (key: string): string =>
  key
    .split('/')
    .map((seg) => encodeURIComponent(seg).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`))
    .join('/');

/** What SigV4 signs with: the SDK's default chain resolves them (memoized, refreshed before they expire). */
interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** The SigV4 signing key of the last day, region, service and secret (AWS SigV4, "Derive a signing key"). */
let signingKey: { scope: string; secret: string; key: Buffer; pads: { inner: string; outer: Buffer } | null } | null = null;

const hmac = (key: Buffer | string, data: string): Buffer => createHmac('sha256', key).update(data).digest();

/**
 * SHA-256 of a string, hex: Node's one-shot crypto.hash where there is one (20.12 on), which makes
 * no Hash object (a third of what signing cost per object: perf, `npm run bench:remote`).
 */
const oneShot = (crypto as { hash?: (algorithm: string, data: string | Buffer, encoding?: 'hex' | 'buffer') => string | Buffer }).hash;
const sha256Hex = (s: string): string =>
  oneShot !== undefined ? (oneShot('sha256', s) as string) : createHash('sha256').update(s).digest('hex');

/** The HMAC block size of SHA-256, in bytes (RFC 2104 §2, FIPS 180-4). */
const SHA256_BLOCK = 64;

/**
 * HMAC-SHA256 of `data` under `key`, hex, as RFC 2104 §2 defines it, H((K ⊕ opad) ‖ H((K ⊕ ipad) ‖ m)),
 * from two one-shot hashes where Node has them: an Hmac object cost half of what signing did
 * (perf, `npm run bench:remote`). `pads`: the key's padded blocks, made once per signing key.
 */
function hmacHex(key: Buffer, pads: { inner: string; outer: Buffer } | null, data: string): string {
  if (oneShot === undefined || pads === null) return createHmac('sha256', key).update(data).digest('hex');
  const inner = oneShot('sha256', Buffer.from(pads.inner + data, 'latin1'), 'buffer') as Buffer;
  return oneShot('sha256', Buffer.concat([pads.outer, inner], SHA256_BLOCK + inner.length)) as string;
}

/** A signing key's padded blocks for hmacHex: the key (32 bytes, under the block) XOR ipad as Latin-1 text, XOR opad as bytes. */
function padsOf(key: Buffer): { inner: string; outer: Buffer } {
  const inner = Buffer.alloc(SHA256_BLOCK, 0x36);
  const outer = Buffer.alloc(SHA256_BLOCK, 0x5c);
  for (let i = 0; i < key.length; i++) {
    inner[i]! ^= key[i]!;
    outer[i]! ^= key[i]!;
  }
  return { inner: inner.toString('latin1'), outer };
}

/**
 * The headers of a signed GET (AWS Signature Version 4, "Create a signed AWS API request"; the
 * steps the SDK's own SignatureV4 takes for S3: path not encoded twice, the payload hash sent as
 * x-amz-content-sha256). Ours rather than the SDK's: its signer derived the signing key's cache key
 * with one more HMAC and hashed through its own wrappers, 0.15 ms of CPU per object, a tenth of
 * what a small log costs to read (`npm run bench:remote`, perf); this one costs two hashes. The
 * headers are the few a GET sends, written in the sorted order SigV4 signs them in.
 */
function signGet(
  d: Direct,
  creds: Credentials,
  path: string,
  query: string,
  range: string | null,
  ifMatch: string | null,
): Record<string, string> {
  const iso = new Date(Date.now() + d.clock.offset()).toISOString(); // 2026-11-29T21:14:21.123Z
  const day = `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}`;
  const amzDate = `${day}T${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`;
  const scope = `${day}/${d.signingRegion}/${d.signingService}/aws4_request`;
  if (signingKey?.scope !== scope || signingKey.secret !== creds.secretAccessKey) {
    const k = hmac(hmac(hmac(hmac(`AWS4${creds.secretAccessKey}`, day), d.signingRegion), d.signingService), 'aws4_request');
    signingKey = { scope, secret: creds.secretAccessKey, key: k, pads: k.length <= SHA256_BLOCK ? padsOf(k) : null };
  }
  const headers: Record<string, string> = { host: d.base.host };
  if (ifMatch !== null) headers['if-match'] = ifMatch.trim().replace(/\s+/g, ' ');
  if (range !== null) headers.range = range;
  headers['x-amz-content-sha256'] = EMPTY_SHA256;
  headers['x-amz-date'] = amzDate;
  if (creds.sessionToken) headers['x-amz-security-token'] = creds.sessionToken.trim();
  let canonical = `GET\n${path}\n${query}\n`;
  let signed = '';
  for (const n in headers) {
    canonical += `${n}:${headers[n]!}\n`;
    signed += signed === '' ? n : `;${n}`;
  }
  canonical += `\n${signed}\n${EMPTY_SHA256}`;
  const toSign = `AWS4-HMAC-SHA256\n${amzDate}\n${scope}\n${sha256Hex(canonical)}`;
  const signature = hmacHex(signingKey.key, signingKey.pads, toSign);
  headers.authorization = `AWS4-HMAC-SHA256 Credential=${creds.accessKeyId}/${scope}, SignedHeaders=${signed}, Signature=${signature}`;
  return headers;
}

/**
 * The error codes of a request signed at a time too far from the server's, after which the SDK
 * takes the server's time and signs again (@smithy/core retry/service-error-classification,
 * CLOCK_SKEW_ERROR_CODES). A server refuses a request dated 15 minutes off (S3; s3proxy: a day).
 */
const CLOCK_SKEW_CODES = new Set([
  'AccessDeniedException',
  'AuthFailure',
  'InvalidSignatureException',
  'RequestExpired',
  'RequestInTheFuture',
  'RequestTimeTooSkewed',
  'SignatureDoesNotMatch',
]);

/**
 * The least clock offset (ms) after which the SDK signs a refused request again
 * (@aws-sdk/core AwsSdkSigV4Signer.errorHandler: a correction of 240,000 ms or more that moved the offset).
 */
const SKEW_CORRECTED_MS = 240_000;

/**
 * After a refusal (401, 403) with one of CLOCK_SKEW_CODES: the server's time from its Date header,
 * kept as the offset to sign with (as the SDK's getUpdatedSystemClockOffset: server time − local
 * time when the answer came); whether to sign the request again — the offset moved, by
 * SKEW_CORRECTED_MS or more (a refusal for another reason, or by a server whose clock agrees, stays one).
 */
function correctClock(d: Direct, head: PumpHead, code: string | null): boolean {
  if (code === null || !CLOCK_SKEW_CODES.has(code) || head.date === null) return false;
  const server = Date.parse(head.date);
  if (Number.isNaN(server)) return false;
  const before = d.clock.offset();
  const offset = server - Date.now();
  d.clock.set(offset);
  return Math.abs(offset) >= SKEW_CORRECTED_MS && offset !== before;
}

/** `Code: Message` from the start of an S3 error response's XML body. */
function s3ErrorOf(text: string, statusText: string): { code: string | null; detail: string } {
  const code = /<Code>([^<]*)<\/Code>/.exec(text)?.[1] ?? null;
  const message = /<Message>([^<]*)<\/Message>/.exec(text)?.[1] ?? null;
  const detail = [code, message].filter((x) => x).join(': ') || statusText;
  return { code, detail: detail.split('\n')[0]!.slice(0, DETAIL_BYTES) };
}

/** An answer to a GET, received on this thread or on the receiving one (./pump.ts). */
interface Answer {
  head: PumpHead;
  /** The body (200, 206), read once. */
  body: () => AsyncGenerator<Buffer>;
  /** Leaves the body unread (the connection is closed). */
  drop: () => void;
  /** The whole body when it came with the head (a small one). */
  whole?: Buffer | null;
}

/** The answer received by our own HTTP/1.1 client (./pump.ts), on the receiving thread or on this one. */
async function answerPumped(d: Direct, path: string, headers: Record<string, string>, onThread: boolean): Promise<Answer> {
  const { head, body, drop, whole } = await pumpGet(
    {
      protocol: d.base.protocol,
      hostname: d.base.hostname.replace(/^\[(.*)\]$/, '$1'),
      port: d.base.port === '' ? undefined : Number(d.base.port),
      path,
      headers,
      timeout: HEADERS_TIMEOUT_MS,
    },
    onThread,
  );
  return { head, body: () => body, drop, whole };
}

/**
 * GET of one object (from `start`, pinned to `ifMatch`), signed by signGet and sent by our own
 * HTTP/1.1 client (./pump.ts) on this thread or, for a large object, on the receiving thread;
 * tried as signedGet tries; answers as Store.get says.
 */
function directGet(d: Direct, key: string, start: number, ifMatch: string | null): Promise<Opened | null> {
  const path = `${d.base.pathname.replace(/\/$/, '')}/${encodeKey(key)}`;
  let pin = ifMatch;
  let onThread = false;
  return signedGet<Opened | null>(
    d,
    (creds) => signGet(d, creds, path, '', start > 0 ? `bytes=${start}-` : null, pin),
    (headers) => answerPumped(d, path, headers, onThread),
    (a, code) => {
      const { status, etag, length } = a.head;
      if (status === 200 || status === 206) {
        if (!onThread && length !== null && length >= PUMP_MIN_BYTES) {
          // Large: asked again on the receiving thread (./pump.ts), pinned to the version just seen.
          a.drop();
          onThread = true;
          pin ??= etag;
          return 'again';
        }
        const whole = a.whole;
        if (whole) return { done: { body: onePiece(whole), version: etag ?? pin, chunked: true, whole } };
        return { done: { body: a.body(), version: etag ?? pin, chunked: true } };
      }
      // The object ended exactly where the connection dropped: nothing more to read.
      if (status === 416 && start > 0) return { done: { body: (async function* () {})(), version: pin } };
      if (status === 404) {
        // NoSuchKey: maybe a directory. A missing bucket is said as such.
        if (code === 'NoSuchBucket') throw new InputError('remote-not-found');
        return { done: null };
      }
      if (status === 412) throw new InputError('input-changed');
      return null;
    },
  );
}

/** The store and key an s3:// or s3a:// URL names, or why it names none. */
export function s3StoreAt(url: string): StoreAt {
  const loc = parseS3Url(url);
  return loc instanceof InputError ? loc : { store: s3Store(loc), key: loc.key };
}
