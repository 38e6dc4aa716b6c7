// Google Cloud Storage through the official @google-cloud/storage against Google's own emulator of
// its JSON API (firebase-tools' Cloud Storage emulator, test/real-spark/gcs/emulator.mjs), started
// by the test on loopback; the real served logs (./logs.ts) are uploaded to a bucket with the same
// client. A proxy in front injects a 503, throttling and connections cut mid-object.
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { Storage } from '@google-cloud/storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture } from '../../helpers.js';
import { startGcsEmulator } from '../../real-spark/stores.mjs';
import { rowsOf, runCliAsync } from './cli.js';
import { expectServedRows, SECOND_ATTEMPT, SERVED, servedDir } from './logs.js';
import { startProxy, type Proxy } from './proxy.js';

const ALL = [...SERVED, SECOND_ATTEMPT];
const ROOT = 'gs://logs/spark-events';
const ZIP = 'eventLogs-application_1700000000000_0005.zip';

describe('reading logs from Google Cloud Storage (its emulator)', () => {
  let dir = '';
  let gcs: { host: string; stop: () => Promise<void> } | null = null;
  /** What was uploaded, by object name, with its generation: what must not change. */
  let before: string[] = [];
  const env = (host = gcs!.host): Record<string, string | undefined> => ({
    STORAGE_EMULATOR_HOST: host,
    GOOGLE_APPLICATION_CREDENTIALS: undefined,
  });
  const objects = async (): Promise<string[]> => {
    const [files] = await new Storage({ apiEndpoint: gcs!.host }).bucket('logs').getFiles();
    return files.map((f) => `${f.name} ${String(f.metadata.size)} ${String(f.metadata.generation)}`).sort();
  };

  beforeAll(async () => {
    dir = servedDir();
    gcs = await startGcsEmulator();
    const bucket = new Storage({ apiEndpoint: gcs.host }).bucket('logs');
    const upload = async (p: string, key: string): Promise<void> => {
      if (statSync(p).isDirectory()) {
        for (const n of readdirSync(p)) await upload(path.join(p, n), `${key}/${n}`);
      } else {
        await bucket.file(key).save(readFileSync(p), { resumable: false });
      }
    };
    for (const n of readdirSync(dir)) await upload(path.join(dir, n), `spark-events/${n}`);
    await upload(fixture('layouts', 'zip-attempts', ZIP), `zips/${ZIP}`);
    before = await objects();
    // The first run installs the emulator (npm ci of 477 packages): minutes on a cold cache.
  }, 600_000);

  afterAll(async () => {
    await gcs?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 30_000);

  it('scan of a prefix: every layout, from the listing', async () => {
    const r = await runCliAsync(['scan', ROOT, '-f', 'jsonl'], env());
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const rows = rowsOf(r.stdout);
    expect(rows.map((row) => row.path).sort()).toEqual(ALL.map((l) => `${ROOT}/${l.name}`).sort());
    expectServedRows(rows, ROOT);
  }, 120_000);

  it('diagnose one object, inspect a rolling directory and a zip of three attempts', async () => {
    const r = await runCliAsync(['diagnose', '-f', 'json', `${ROOT}/${SERVED[0]!.name}`], env());
    expect(r.stderr).toBe('');
    expect(r.status).toBe(1);
    expect((JSON.parse(r.stdout) as { applications: Array<{ verdict: { code: string } }> }).applications[0]!.verdict.code).toBe(
      'max-result-size',
    );
    const rolling = `${ROOT}/${SERVED[3]!.name}`;
    const zip = `gs://logs/zips/${ZIP}`;
    const i = await runCliAsync(['inspect', '-f', 'json', rolling, zip], env());
    expect(i.stderr).toBe('');
    expect(i.status).toBe(0);
    const read = JSON.parse(i.stdout) as { inputs: Array<{ path: string; layout: string }>; applications: unknown[] };
    expect(read.inputs.map((x) => [x.path, x.layout])).toEqual([
      [rolling, 'rolling'],
      [zip, 'zip'],
    ]);
    // The rolling log's application and the zip's three attempts.
    expect(read.applications).toHaveLength(4);
  }, 60_000);

  it('a missing object: one line naming the URL, exit 2, the rest read; no credentials: one line naming the URL', async () => {
    const missing = `${ROOT}/no-such-log`;
    const good = `${ROOT}/${SERVED[4]!.name}`;
    const r = await runCliAsync(['diagnose', '-f', 'json', missing, good], env());
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([
      `spark-triage: ${missing}: not found (HTTP 404): no such object, directory, bucket or application`,
    ]);
    expect((JSON.parse(r.stdout) as { applications: unknown[] }).applications).toHaveLength(1);
    // --endpoint authenticates (it is not the emulator's variable): with no usable credentials, one line.
    const noCreds = await runCliAsync(['scan', ROOT, '--endpoint', gcs!.host], {
      STORAGE_EMULATOR_HOST: undefined,
      GOOGLE_APPLICATION_CREDENTIALS: path.join(dir, 'no-such-key.json'),
    });
    expect(noCreds.status).toBe(2);
    expect(noCreds.stderr.trim().split('\n')).toHaveLength(1);
    expect(noCreds.stderr).toMatch(/^spark-triage: gs:\/\/logs\/spark-events: no credentials found: /);
  }, 60_000);

  describe('through a 503, throttling and connections cut mid-object', () => {
    let proxy: Proxy | null = null;
    beforeAll(async () => {
      proxy = await startProxy({
        target: gcs!.host,
        faults: [
          { pathIncludes: '/o?', fault: 'status-503' },
          { pathIncludes: encodeURIComponent(SERVED[0]!.name), fault: 'status-429' },
          { pathIncludes: encodeURIComponent(SERVED[4]!.name), fault: 'drop-mid-body' },
          { pathIncludes: encodeURIComponent(SERVED[2]!.name), fault: 'drop-mid-body' },
        ],
      });
    });
    afterAll(async () => proxy?.close());

    it('every log once, nothing lost, no duplicate rows', async () => {
      const r = await runCliAsync(['scan', ROOT, '-f', 'jsonl'], env(proxy!.url));
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      const rows = rowsOf(r.stdout);
      expect(rows.map((row) => row.path).sort()).toEqual(ALL.map((l) => `${ROOT}/${l.name}`).sort());
      expect(rows.every((row) => row.error === undefined)).toBe(true);
      expect(rows.find((row) => row.path.endsWith(SERVED[4]!.name))!.verdict?.code).toBe('heap-oom');
      // The cut objects were read again from where they broke off.
      const gets = (name: string): string[] =>
        proxy!.seen.filter((s) => s.startsWith('GET ') && s.includes(encodeURIComponent(name)) && s.includes('alt=media'));
      expect(gets(SERVED[4]!.name).length).toBeGreaterThanOrEqual(2);
      expect(gets(SERVED[2]!.name).length).toBeGreaterThanOrEqual(2);
    }, 120_000);
  });

  it('nothing was written to the store', async () => {
    expect(await objects()).toEqual(before);
  });
});
