// Azure Blob through @azure/storage-blob against Azure Storage's own emulator, Azurite (npm),
// started by the test on loopback; the real served logs (./logs.ts) are uploaded to a container.
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { BlobServiceClient, StorageSharedKeyCredential } from '@azure/storage-blob';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAzurite } from '../../real-spark/stores.mjs';
import { rowsOf, runCliAsync } from './cli.js';
import { expectServedRows, SECOND_ATTEMPT, SERVED, servedDir } from './logs.js';

const ALL = [...SERVED, SECOND_ATTEMPT];
const ROOT = 'abfss://logs@devstoreaccount1.dfs.core.windows.net/spark-events';

describe('reading logs from Azure Blob (Azurite)', () => {
  let dir = '';
  let az: { endpoint: string; account: string; key: string; stop: () => Promise<void> } | null = null;
  const env = (): Record<string, string | undefined> => ({
    AZURE_STORAGE_CONNECTION_STRING: undefined,
    AZURE_STORAGE_SAS_TOKEN: undefined,
    AZURE_STORAGE_ACCOUNT: az!.account,
    AZURE_STORAGE_KEY: az!.key,
  });

  beforeAll(async () => {
    dir = servedDir();
    az = await startAzurite();
    const service = new BlobServiceClient(az.endpoint, new StorageSharedKeyCredential(az.account, az.key));
    const container = service.getContainerClient('logs');
    await container.create();
    const upload = async (p: string, key: string): Promise<void> => {
      if (statSync(p).isDirectory()) {
        for (const n of readdirSync(p)) await upload(path.join(p, n), `${key}/${n}`);
      } else {
        const data = readFileSync(p);
        await container.getBlockBlobClient(key).upload(data, data.length);
      }
    };
    for (const n of readdirSync(dir)) await upload(path.join(dir, n), `spark-events/${n}`);
    await service.getContainerClient('locked').create();
  }, 120_000);

  afterAll(async () => {
    await az?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 30_000);

  it('scan of a directory: every layout, from the listing', async () => {
    const r = await runCliAsync(['scan', ROOT, '--endpoint', az!.endpoint, '-f', 'jsonl'], env());
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const rows = rowsOf(r.stdout);
    expect(rows.map((row) => row.path).sort()).toEqual(ALL.map((l) => `${ROOT}/${l.name}`).sort());
    expectServedRows(rows, ROOT);
  }, 120_000);

  it('diagnose one blob and inspect a rolling directory (wasbs:// too)', async () => {
    const r = await runCliAsync(['diagnose', '-f', 'json', '--endpoint', az!.endpoint, `${ROOT}/${SERVED[0]!.name}`], env());
    expect(r.status).toBe(1);
    expect((JSON.parse(r.stdout) as { applications: Array<{ verdict: { code: string } }> }).applications[0]!.verdict.code).toBe(
      'max-result-size',
    );
    const wasbs = `wasbs://logs@devstoreaccount1.blob.core.windows.net/spark-events/${SERVED[3]!.name}`;
    const i = await runCliAsync(['inspect', '-f', 'json', '--endpoint', az!.endpoint, wasbs], env());
    expect(i.status).toBe(0);
    expect((JSON.parse(i.stdout) as { inputs: Array<{ path: string; layout: string }> }).inputs.map((x) => [x.path, x.layout])).toEqual([
      [wasbs, 'rolling'],
    ]);
  }, 60_000);

  it('a missing blob, a missing container and a bad key: one line each naming the URL, exit 2; the rest is read', async () => {
    const missing = `${ROOT}/no-such-log`;
    const noContainer = 'abfss://nope@devstoreaccount1.dfs.core.windows.net/x';
    const good = `${ROOT}/${SERVED[4]!.name}`;
    const r = await runCliAsync(['diagnose', '-f', 'json', '--endpoint', az!.endpoint, missing, noContainer, good], env());
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([
      `spark-triage: ${missing}: not found (HTTP 404): no such object, directory, bucket or application`,
      `spark-triage: ${noContainer}: not found (HTTP 404): no such object, directory, bucket or application`,
    ]);
    expect((JSON.parse(r.stdout) as { applications: unknown[] }).applications).toHaveLength(1);
    const badKey = Buffer.from('not the key').toString('base64');
    const bad = await runCliAsync(['scan', ROOT, '--endpoint', az!.endpoint], { ...env(), AZURE_STORAGE_KEY: badKey });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(
      /^spark-triage: abfss:\/\/logs@devstoreaccount1\.dfs\.core\.windows\.net\/spark-events: access denied \(HTTP 403\)/,
    );
  }, 60_000);
});
