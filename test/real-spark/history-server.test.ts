// Spark's own History Server started by a test (test/real-spark/history-server.mjs) over the real
// event logs of fixtures/real-spark (copied to a temporary directory: the server never sees the
// fixtures themselves). Needs java and mvn; skipped with one line when they are absent.
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture } from '../helpers.js';
import { haveJavaAndMaven, start } from './history-server.mjs';

const HAVE: boolean = haveJavaAndMaven();
if (!HAVE) console.warn('skipping History Server test: java and mvn are not both on PATH');

interface Manifest {
  case: string;
  appId: string;
  sparkVersion: string;
  files: { eventlog: string[] };
}

describe.skipIf(!HAVE)('Spark History Server over the real-Spark event logs', () => {
  let dir = '';
  let hs: { url: string; stop: () => Promise<void> } | null = null;
  const logs: Array<{ name: string; m: Manifest }> = [];

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'spark-triage-hs-'));
    const root = fixture('real-spark');
    for (const v of readdirSync(root)) {
      if (!statSync(path.join(root, v)).isDirectory()) continue;
      for (const c of readdirSync(path.join(root, v))) {
        const m = JSON.parse(readFileSync(path.join(root, v, c, 'manifest.json'), 'utf8')) as Manifest;
        const name = m.files.eventlog[0]!;
        cpSync(path.join(root, v, c, name), path.join(dir, name), { recursive: true });
        logs.push({ name, m });
      }
    }
    hs = await start({ logDir: dir });
  }, 600_000);

  afterAll(async () => {
    await hs?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('lists every application of the fixtures through /api/v1/applications', async () => {
    const want = logs.map(({ m }) => m.appId);
    let ids: string[] = [];
    // The server lists logs on its own schedule (update interval 1s): wait for all, bounded.
    for (let i = 0; i < 120; i++) {
      const r = await fetch(`${hs!.url}/api/v1/applications`);
      expect(r.status).toBe(200);
      ids = ((await r.json()) as Array<{ id: string }>).map((a) => a.id);
      if (want.every((w) => ids.includes(w))) break;
      await new Promise((res) => setTimeout(res, 500));
    }
    expect(
      want.filter((w) => !ids.includes(w)),
      'applications the History Server does not list',
    ).toEqual([]);
  }, 120_000);

  it('replays a failed application: its job is FAILED in /api/v1/applications/<id>/jobs', async () => {
    const failed = logs.find(({ m }) => m.case === 'max-result-size');
    expect(failed).toBeDefined();
    const id = failed!.m.appId;
    const r = await fetch(`${hs!.url}/api/v1/applications/${id}/jobs`);
    expect(r.status).toBe(200);
    const jobs = (await r.json()) as Array<{ status: string }>;
    expect(jobs.map((j) => j.status)).toContain('FAILED');
  }, 120_000);
});
