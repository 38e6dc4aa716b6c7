// S3 through the official SDK against a real S3 API server: s3proxy (test/real-spark/stores.mjs)
// over a local directory, SigV4 signed. The served logs are real ones (./logs.ts) in a bucket, under
// a nested prefix, beside a History Server zip; a proxy in front injects 503s, throttling and a
// connection dropped mid-object. Needs java and mvn; skipped with one line when they are absent.
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { generateLog } from '../../bench/generate.mjs';
import { fixture } from '../../helpers.js';
import { configureRemote } from '../../../src/sources/remote/config.js';
import { PUMP_MIN_BYTES, pumpRequests } from '../../../src/sources/remote/pump.js';
import { s3SdkLoaded, s3StoreAt } from '../../../src/sources/remote/s3.js';
import type { StoreEntry } from '../../../src/sources/remote/store.js';
import { listRemoteUnits } from '../../../src/sources/remote/index.js';
import { walkLogDir } from '../../../src/sources/walk.js';
import { decodedBytes, EXPANSION } from '../../../src/scan/decoded.js';
import { haveJavaAndMaven, startS3proxy } from '../../real-spark/stores.mjs';
import { rowsOf, runCliAsync } from './cli.js';
import { expectServedRows, SECOND_ATTEMPT, SERVED, servedDir } from './logs.js';
import { startProxy, type Proxy } from './proxy.js';

const HAVE: boolean = haveJavaAndMaven();
if (!HAVE) console.warn('skipping S3 source test: java and mvn are not both on PATH');

const ZIP = 'eventLogs-application_1700000000000_0005.zip';
const ALL = [...SERVED, SECOND_ATTEMPT];
/** Copies of SERVED[0] under one prefix: a scan of many small logs, four in flight. */
const MANY = Array.from({ length: 70 }, (_, i) => `app-20261129103205-${String(i).padStart(4, '0')}`);
/** The newest log's time in s3://newest/, in whole seconds (s3proxy lists no finer). */
const NEWEST = 1_796_000_000;
/**
 * Names of objects only listed (in the bucket "pages"): more than the 1,000 keys of one
 * ListObjectsV2 page, with characters XML escapes (&, <, >, quotes), spaces, UTF-8 and a `+`.
 */
const LISTED = Array.from({ length: 1_005 }, (_, i) => [`plain-${i}`, `a&b <${i}> "q" 'a'`, `spaced name ${i}+1`, `日本語-é-${i}`][i % 4]!);

/** Every file under `dir` with its size and modification time: what must not change. */
function snapshot(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const n of readdirSync(d)) {
      const p = path.join(d, n);
      const st = statSync(p);
      if (st.isDirectory()) walk(p);
      else out.push(`${path.relative(dir, p)} ${st.size} ${st.mtimeMs}`);
    }
  };
  walk(dir);
  return out.sort();
}

describe.skipIf(!HAVE)('reading logs from S3 (s3proxy, SigV4)', () => {
  let root = '';
  let logs = '';
  let s3: { endpoint: string; identity: string; credential: string; stop: () => Promise<void> } | null = null;
  let before: string[] = [];
  const env = (): Record<string, string | undefined> => ({
    AWS_ACCESS_KEY_ID: s3!.identity,
    AWS_SECRET_ACCESS_KEY: s3!.credential,
    AWS_SESSION_TOKEN: undefined,
    AWS_PROFILE: undefined,
    AWS_REGION: 'us-east-1',
    AWS_ENDPOINT_URL: undefined,
    AWS_ENDPOINT_URL_S3: s3!.endpoint,
    // No instance-metadata lookups from a test.
    AWS_EC2_METADATA_DISABLED: 'true',
  });

  beforeAll(async () => {
    root = mkdtempSync(path.join(tmpdir(), 'spark-triage-s3-'));
    logs = servedDir();
    const prefix = path.join(root, 'spark-logs', 'cluster-a', 'spark-events');
    mkdirSync(prefix, { recursive: true });
    cpSync(logs, prefix, { recursive: true });
    cpSync(fixture('layouts', 'zip-attempts', ZIP), path.join(root, 'spark-logs', 'cluster-a', ZIP));
    // Enough copies of one log that a scan's later objects are received on the thread (pump.ts).
    mkdirSync(path.join(root, 'spark-logs', 'many'));
    for (const name of MANY) cpSync(path.join(logs, SERVED[0]!.name), path.join(root, 'spark-logs', 'many', name));
    mkdirSync(path.join(root, 'empty-bucket'));
    mkdirSync(path.join(root, 'pages', 'dir', 'sub'), { recursive: true });
    LISTED.forEach((name, i) => writeFileSync(path.join(root, 'pages', 'dir', name), 'x'.repeat(i % 7)));
    writeFileSync(path.join(root, 'pages', 'dir', 'sub', 'inner'), 'y');
    // For --limit: the newest log, then a zip of three attempts tied (to the second) with an older log.
    mkdirSync(path.join(root, 'newest', 'spark-events'), { recursive: true });
    for (const [at, from, t] of [
      [`spark-events/${SERVED[4]!.name}`, path.join(logs, SERVED[4]!.name), NEWEST],
      [ZIP, fixture('layouts', 'zip-attempts', ZIP), NEWEST - 60],
      [`spark-events/${SERVED[0]!.name}`, path.join(logs, SERVED[0]!.name), NEWEST - 60],
    ] as const) {
      cpSync(from, path.join(root, 'newest', at));
      utimesSync(path.join(root, 'newest', at), t, t);
    }
    before = snapshot(root);
    s3 = await startS3proxy({ dir: root });
  }, 300_000);

  afterAll(async () => {
    await s3?.stop();
    for (const d of [root, logs]) if (d) rmSync(d, { recursive: true, force: true });
  });

  it('scan of a prefix: every layout (single, .inprogress, rolling, zstd, a zip of three attempts) from the listing', async () => {
    const r = await runCliAsync(['scan', 's3a://spark-logs/cluster-a', '-f', 'jsonl'], env());
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const rows = rowsOf(r.stdout);
    const events = (l: { name: string }): string => `s3a://spark-logs/cluster-a/spark-events/${l.name}`;
    expect([...new Set(rows.map((row) => row.path))].sort()).toEqual([...ALL.map(events), `s3a://spark-logs/cluster-a/${ZIP}`].sort());
    expectServedRows(rows, 's3a://spark-logs/cluster-a/spark-events');
    // The zip holds three attempts of one application: three rows.
    expect(rows.filter((row) => row.path.endsWith(ZIP))).toHaveLength(3);
  }, 120_000);

  it('--since and --limit from the listing; --endpoint on the command line', async () => {
    const e = { ...env(), AWS_ENDPOINT_URL_S3: undefined };
    const limited = await runCliAsync(['scan', 's3://spark-logs/', '--endpoint', s3!.endpoint, '-f', 'jsonl', '--limit', '2'], e);
    expect(limited.status).toBe(0);
    expect(new Set(rowsOf(limited.stdout).map((r) => r.path)).size).toBe(2);
    const none = await runCliAsync(['scan', 's3://spark-logs/', '--endpoint', s3!.endpoint, '-f', 'jsonl', '--since', '2999-01-01'], e);
    expect(rowsOf(none.stdout)).toEqual([]);
  }, 120_000);

  it('--limit keeps the newest logs whole, in their order, whichever is read first', async () => {
    const newest = `s3://newest/spark-events/${SERVED[4]!.name}`;
    const zip = `s3://newest/${ZIP}`;
    /** `args` through a proxy that answers the newest log three times 429 (Retry-After 1 s): the others are read before it. */
    const late = async (args: string[]): Promise<string[]> => {
      const fault = { pathIncludes: `/${SERVED[4]!.name}`, fault: 'status-429' as const };
      const proxy = await startProxy({ target: s3!.endpoint, faults: [fault, fault, fault] });
      try {
        const r = await runCliAsync(['scan', 's3://newest/', '-f', 'jsonl', ...args], { ...env(), AWS_ENDPOINT_URL_S3: proxy.url });
        expect(r.stderr).toBe('');
        expect(r.status).toBe(0);
        expect(proxy.seen.filter((s) => s.startsWith('GET ') && s.includes(`/${SERVED[4]!.name}`)).length).toBeGreaterThanOrEqual(4);
        return rowsOf(r.stdout).map((row) => row.path);
      } finally {
        await proxy.close();
      }
    };
    // The two newest logs: the late one first, then of the two a minute older the zip (by path), with its three attempts.
    expect(await late(['--limit', '2'])).toEqual([newest, zip, zip, zip]);
    // Read until one log matches: the newest, though it is read last.
    expect(await late(['--app-name', '*', '--limit', '1'])).toEqual([newest]);
  }, 120_000);

  it('diagnose and inspect name one object, a rolling directory, or a zip', async () => {
    const failed = await runCliAsync(['diagnose', '-f', 'json', `s3://spark-logs/cluster-a/spark-events/${SERVED[0]!.name}`], env());
    expect(failed.status).toBe(1);
    expect((JSON.parse(failed.stdout) as { applications: Array<{ verdict: { code: string } }> }).applications[0]!.verdict.code).toBe(
      'max-result-size',
    );
    const rolling = await runCliAsync(['inspect', '-f', 'json', `s3://spark-logs/cluster-a/spark-events/${SERVED[3]!.name}`], env());
    expect(rolling.status).toBe(0);
    const inputs = (JSON.parse(rolling.stdout) as { inputs: Array<{ layout: string; compression: string }> }).inputs;
    expect(inputs.map((i) => [i.layout, i.compression])).toEqual([['rolling', 'lz4']]);
    const zip = await runCliAsync(['inspect', '-f', 'json', `s3://spark-logs/cluster-a/${ZIP}`], env());
    expect(zip.status).toBe(0);
    expect((JSON.parse(zip.stdout) as { applications: unknown[] }).applications).toHaveLength(3);
  }, 120_000);

  it('a missing object, a missing bucket and bad credentials: one line each naming the URL, exit 2; the rest is read', async () => {
    const good = `s3://spark-logs/cluster-a/spark-events/${SERVED[4]!.name}`;
    const r = await runCliAsync(['diagnose', '-f', 'json', 's3://spark-logs/no/such/log', 's3://no-such-bucket/x', good], env());
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([
      'spark-triage: s3://spark-logs/no/such/log: not found (HTTP 404): no such object, directory, bucket or application',
      'spark-triage: s3://no-such-bucket/x: not found (HTTP 404): no such object, directory, bucket or application',
    ]);
    expect((JSON.parse(r.stdout) as { applications: unknown[] }).applications).toHaveLength(1);
    const bad = await runCliAsync(['diagnose', good], { ...env(), AWS_SECRET_ACCESS_KEY: 'wrong' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(
      /^spark-triage: s3:\/\/spark-logs\/cluster-a\/spark-events\/app-20261129101711-0000\.zstd: access denied \(HTTP 403\): SignatureDoesNotMatch/,
    );
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    const badScan = await runCliAsync(['scan', 's3://spark-logs/'], { ...env(), AWS_SECRET_ACCESS_KEY: 'wrong' });
    expect(badScan.status).toBe(2);
    expect(badScan.stderr).toMatch(/^spark-triage: s3:\/\/spark-logs\/: access denied \(HTTP 403\)/);
  }, 120_000);

  describe('through 500s, 503s, throttling (429, SlowDown) and connections dropped mid-object', () => {
    let proxy: Proxy | null = null;
    beforeAll(async () => {
      proxy = await startProxy({
        target: s3!.endpoint,
        faults: [
          { pathIncludes: 'list-type=2', fault: 'status-503' },
          { pathIncludes: `/${SERVED[0]!.name}`, fault: 'status-429' },
          { pathIncludes: `/${SERVED[1]!.name}`, fault: 'status-500' },
          { pathIncludes: `/${SERVED[3]!.name}`, fault: 's3-slow-down' },
          { pathIncludes: `/${SERVED[4]!.name}`, fault: 'drop-mid-body' },
          { pathIncludes: `/${SERVED[2]!.name}`, fault: 'drop-mid-body' },
        ],
      });
    });
    afterAll(async () => proxy?.close());

    it('every log once, nothing lost, no duplicate rows', async () => {
      const r = await runCliAsync(['scan', 's3://spark-logs/cluster-a/spark-events/', '-f', 'jsonl'], {
        ...env(),
        AWS_ENDPOINT_URL_S3: proxy!.url,
      });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      const rows = rowsOf(r.stdout);
      expect(rows.map((row) => row.path).sort()).toEqual(ALL.map((l) => `s3://spark-logs/cluster-a/spark-events/${l.name}`).sort());
      expect(rows.every((row) => row.error === undefined)).toBe(true);
      expect(rows.find((row) => row.path.endsWith(SERVED[4]!.name))!.verdict?.code).toBe('heap-oom');
      // The cut objects were read again from where they broke off.
      const gets = (name: string): string[] => proxy!.seen.filter((s) => s.startsWith('GET ') && s.includes(`/${name}`));
      expect(gets(SERVED[4]!.name).length).toBeGreaterThanOrEqual(2);
      expect(gets(SERVED[2]!.name).length).toBeGreaterThanOrEqual(2);
      // Each refused request was asked again.
      for (const l of [SERVED[0]!, SERVED[1]!, SERVED[3]!]) expect(gets(l.name).length).toBeGreaterThanOrEqual(2);
    }, 120_000);
  });

  /** `f` run in this process with the SDK's environment pointed at the server (and `extra`). */
  async function inProcess(f: () => Promise<void>, extra: Record<string, string | undefined> = {}): Promise<void> {
    const saved = { ...process.env };
    for (const [k, v] of Object.entries({ ...env(), ...extra })) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    try {
      await f();
    } finally {
      process.env = saved;
      configureRemote({ headers: [], endpoint: null });
    }
  }

  it('scan weighs each log from the listing as from disk: a rolling directory of lz4 parts, a zstd log, a zip, plain ones', async () => {
    await inProcess(async () => {
      const weights = new Map<string, number>();
      for await (const u of listRemoteUnits('s3://spark-logs/cluster-a', { since: null }))
        weights.set(u.path.slice('s3://spark-logs/cluster-a/'.length), decodedBytes([u], Infinity));
      const local = path.join(root, 'spark-logs', 'cluster-a');
      const fromDisk = new Map<string, number>();
      for await (const u of walkLogDir(local)) fromDisk.set(path.relative(local, u.path), decodedBytes([u], Infinity));
      expect(weights).toEqual(fromDisk);
      const rolling = fromDisk.get(`spark-events/${SERVED[3]!.name}`)!;
      const onDisk = readdirSync(path.join(local, 'spark-events', SERVED[3]!.name)).filter((n) => n.startsWith('events_'));
      expect(onDisk.every((n) => n.endsWith('.lz4'))).toBe(true);
      // Each part counted at lz4's factor, not at its size.
      expect(rolling).toBe(
        onDisk.reduce((sum, n) => sum + statSync(path.join(local, 'spark-events', SERVED[3]!.name, n)).size, 0) * EXPANSION.lz4,
      );
    });
  });

  /** The entries `store.list` gives for s3://pages/dir/, in order. */
  const listPages = async (): Promise<StoreEntry[]> => {
    const at = s3StoreAt('s3://pages/dir/');
    if ('code' in at) throw new Error(at.code);
    const out: StoreEntry[] = [];
    for await (const e of at.store.list(at.key)) out.push(e);
    return out;
  };

  it('keys from the environment: listed over several pages and read without loading the SDK; from a profile, through the SDK, the same', async () => {
    let ours: StoreEntry[] = [];
    const size = statSync(path.join(root, 'spark-logs', 'many', MANY[0]!)).size;
    const read = async (): Promise<Buffer> => {
      const at = s3StoreAt(`s3://spark-logs/many/${MANY[0]!}`);
      if ('code' in at) throw new Error(at.code);
      const opened = await at.store.get(at.key, 0, null);
      const parts: Buffer[] = [];
      for await (const c of opened!.body) parts.push(Buffer.from(c));
      return Buffer.concat(parts);
    };
    await inProcess(async () => {
      ours = await listPages();
      const threadBefore = pumpRequests();
      expect((await read()).length).toBe(size);
      // A small object is received on this thread, not handed over from the receiving one.
      expect(pumpRequests()).toBe(threadBefore);
      expect(s3SdkLoaded()).toBe(false);
    });
    expect(ours.filter((e) => e.dir)).toEqual([{ name: 'sub', dir: true, size: 0, mtime: 0 }]);
    const files = ours.filter((e) => !e.dir);
    expect(files.map((e) => e.name).sort()).toEqual([...new Set(LISTED)].sort());
    for (const e of files) expect(e.size).toBe(statSync(path.join(root, 'pages', 'dir', e.name)).size);
    // Through the SDK's default chain from a profile (AWS_PROFILE: the environment's keys are not its to take).
    const dir = mkdtempSync(path.join(tmpdir(), 'spark-triage-aws-'));
    try {
      writeFileSync(
        path.join(dir, 'credentials'),
        `[triage]\naws_access_key_id = ${s3!.identity}\naws_secret_access_key = ${s3!.credential}\n`,
      );
      writeFileSync(path.join(dir, 'config'), '[profile triage]\nregion = us-east-1\n');
      await inProcess(
        async () => {
          const theirs = await listPages();
          expect(s3SdkLoaded()).toBe(true);
          expect(theirs).toEqual(ours);
          expect(await read()).toEqual(readFileSync(path.join(root, 'spark-logs', 'many', MANY[0]!)));
        },
        {
          AWS_PROFILE: 'triage',
          AWS_ACCESS_KEY_ID: 'not-these',
          AWS_SECRET_ACCESS_KEY: 'not-these',
          AWS_SHARED_CREDENTIALS_FILE: path.join(dir, 'credentials'),
          AWS_CONFIG_FILE: path.join(dir, 'config'),
        },
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keys from the environment and a clock two days fast: refused as too skewed, signed again with the server’s time', async () => {
    // s3proxy refuses a request dated more than a day from its clock (RequestTimeTooSkewed, with its Date).
    const now = Date.now.bind(Date);
    const skewed = vi.spyOn(Date, 'now').mockImplementation(() => now() + 2 * 24 * 3_600_000);
    const file = path.join(root, 'spark-logs', 'many', MANY[0]!);
    try {
      // Each through a signer of its own (another region): a GET first, then a listing.
      await inProcess(
        async () => {
          const at = s3StoreAt(`s3://spark-logs/many/${MANY[0]!}`);
          if ('code' in at) throw new Error(at.code);
          const opened = await at.store.get(at.key, 0, null);
          const parts: Buffer[] = [];
          for await (const c of opened!.body) parts.push(Buffer.from(c));
          expect(Buffer.concat(parts)).toEqual(readFileSync(file));
        },
        { AWS_REGION: 'eu-west-1' },
      );
      await inProcess(async () => expect((await listPages()).length).toBe(new Set(LISTED).size + 1), { AWS_REGION: 'eu-west-2' });
    } finally {
      skewed.mockRestore();
    }
  });

  describe('the same faults in a scan of many small logs', () => {
    const late = MANY.slice(-5) as [string, string, string, string, string];
    let proxy: Proxy | null = null;
    beforeAll(async () => {
      proxy = await startProxy({
        target: s3!.endpoint,
        faults: [
          { pathIncludes: `/many/${late[0]}`, fault: 'status-429' },
          { pathIncludes: `/many/${late[1]}`, fault: 'status-500' },
          { pathIncludes: `/many/${late[2]}`, fault: 's3-slow-down' },
          { pathIncludes: `/many/${late[3]}`, fault: 'status-503' },
          { pathIncludes: `/many/${late[4]}`, fault: 'drop-mid-body' },
          // The listing's page cut while it is read: asked again, as an object's GET is.
          { pathIncludes: 'list-type=2', fault: 'drop-mid-body' },
        ],
      });
    });
    afterAll(async () => proxy?.close());

    it('every log once, nothing lost, no duplicate rows', async () => {
      const r = await runCliAsync(['scan', 's3://spark-logs/many/', '-f', 'jsonl'], { ...env(), AWS_ENDPOINT_URL_S3: proxy!.url });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      const rows = rowsOf(r.stdout);
      expect(rows.map((row) => row.path).sort()).toEqual(MANY.map((n) => `s3://spark-logs/many/${n}`));
      expect(rows.every((row) => row.error === undefined && row.verdict?.code === 'max-result-size')).toBe(true);
      // Each faulted object was asked again (or read again from where it was cut).
      for (const name of late)
        expect(proxy!.seen.filter((s) => s.startsWith('GET ') && s.includes(`/many/${name}`)).length).toBeGreaterThanOrEqual(2);
      expect(proxy!.seen.filter((s) => s.includes('list-type=2')).length).toBeGreaterThanOrEqual(2);
    }, 120_000);
  });

  describe('a log large enough to be received on a thread of its own', () => {
    const big = (): string => path.join(root, 'large', 'app-large.json');
    let proxy: Proxy | null = null;
    beforeAll(async () => {
      mkdirSync(path.dirname(big()));
      // Just over the size that goes to the receiving thread (src/sources/remote/pump.ts).
      await generateLog(big(), PUMP_MIN_BYTES + 4 * 1024 * 1024, { executors: 20, tasksPerStage: 200 });
      before = snapshot(root);
      // Three cuts: the first answer (asked again on the thread), the thread's own, and the resumed read's first answer.
      const cut = { pathIncludes: '/large/app-large.json', fault: 'drop-mid-body' as const };
      proxy = await startProxy({ target: s3!.endpoint, faults: [cut, cut, cut] });
    }, 120_000);
    afterAll(async () => proxy?.close());

    it('cut mid-body and read again: the same diagnosis as from disk', async () => {
      const local = await runCliAsync(['diagnose', '-f', 'json', big()]);
      const remote = await runCliAsync(['diagnose', '-f', 'json', 's3://large/app-large.json'], {
        ...env(),
        AWS_ENDPOINT_URL_S3: proxy!.url,
      });
      expect(remote.stderr).toBe('');
      expect(remote.status).toBe(local.status);
      expect(JSON.parse(remote.stdout.split('s3://large/app-large.json').join('LOG'))).toEqual(
        JSON.parse(local.stdout.split(JSON.stringify(big()).slice(1, -1)).join('LOG')),
      );
      const gets = (): number => proxy!.seen.filter((s) => s.startsWith('GET ') && s.includes('/large/app-large.json')).length;
      // Each cut took one request, and one more read the rest.
      expect(gets()).toBeGreaterThanOrEqual(4);
      // Uncut (the faults are spent), two: the first answer, left once its size is known, and the thread's.
      const before = gets();
      const again = await runCliAsync(['diagnose', '-f', 'json', 's3://large/app-large.json'], {
        ...env(),
        AWS_ENDPOINT_URL_S3: proxy!.url,
      });
      expect(again.stdout).toBe(remote.stdout);
      expect(gets() - before).toBe(2);
    }, 180_000);
  });

  it('nothing was written to the store', () => {
    expect(snapshot(root)).toEqual(before);
  });
});
