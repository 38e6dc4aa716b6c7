// Spark's own History Server (started by the real-Spark harness, test/real-spark/history-server.mjs)
// over real event logs: a failed application, one in progress, one with two attempts, a rolling log
// and a zstd one. The built CLI reads it as a user would paste its addresses. Needs java and mvn;
// skipped with one line when they are absent.
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { haveJavaAndMaven, start } from '../../real-spark/history-server.mjs';
import { rowsOf, runCliAsync } from './cli.js';
import { SECOND_ATTEMPT, SERVED, servedDir } from './logs.js';
import { startProxy, type Proxy } from './proxy.js';

const HAVE: boolean = haveJavaAndMaven();
if (!HAVE) console.warn('skipping History Server source test: java and mvn are not both on PATH');

const ALL = [...SERVED, SECOND_ATTEMPT];
const attemptUrl = (base: string, appId: string, attemptId: string | null): string =>
  `${base}/api/v1/applications/${appId}${attemptId !== null ? `/${attemptId}` : ''}`;

describe.skipIf(!HAVE)('reading logs from Spark’s History Server', () => {
  let dir = '';
  let hs: { url: string; stop: () => Promise<void> } | null = null;
  let url = '';

  beforeAll(async () => {
    dir = servedDir();
    hs = await start({ logDir: dir });
    url = hs.url;
    // The server lists logs on its own schedule (every second): wait until it lists them all, bounded.
    for (let i = 0; i < 120; i++) {
      const apps = (await (await fetch(`${url}/api/v1/applications`)).json()) as Array<{ attempts: unknown[] }>;
      if (apps.reduce((n, a) => n + a.attempts.length, 0) >= ALL.length) break;
      await new Promise((r) => setTimeout(r, 500));
    }
  }, 600_000);

  afterAll(async () => {
    await hs?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('scan lists every attempt and diagnoses each from its /logs zip: failed, in progress, two attempts', async () => {
    const r = await runCliAsync(['scan', url, '-f', 'jsonl']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const rows = rowsOf(r.stdout);
    expect(rows.map((row) => row.path).sort()).toEqual(ALL.map((l) => attemptUrl(url, l.appId, l.attemptId)).sort());
    const byPath = new Map(rows.map((row) => [row.path, row]));
    const row = (l: (typeof ALL)[number]): (typeof rows)[number] => byPath.get(attemptUrl(url, l.appId, l.attemptId))!;
    expect(row(SERVED[0]!).verdict?.code).toBe('max-result-size');
    expect(row(SERVED[1]!).outcome).toBe('incomplete');
    expect(row(SERVED[2]!).verdict?.code).toBe('yarn-memory-exceeded');
    expect(row(SECOND_ATTEMPT).verdict?.code).toBe('yarn-memory-exceeded');
    expect(row(SERVED[3]!).outcome).toBe('succeeded');
    expect(row(SERVED[4]!).verdict?.code).toBe('heap-oom');
  }, 120_000);

  it('scan applies --app-name, --limit and --since from the listing, before any log is fetched', async () => {
    const named = rowsOf((await runCliAsync(['scan', url, '-f', 'jsonl', '--app-name', '*heap-oom'])).stdout);
    expect(named.map((r) => r.appId)).toEqual([SERVED[4]!.appId]);
    const limited = rowsOf((await runCliAsync(['scan', url, '-f', 'jsonl', '--limit', '2'])).stdout);
    expect(limited).toHaveLength(2);
    // Every log was written when the server's directory was made: a future date keeps none.
    const none = await runCliAsync(['scan', url, '-f', 'jsonl', '--since', '2999-01-01']);
    expect(none.status).toBe(0);
    expect(rowsOf(none.stdout)).toEqual([]);
    const recent = rowsOf((await runCliAsync(['scan', url, '-f', 'jsonl', '--since', '1d'])).stdout);
    expect(recent).toHaveLength(ALL.length);
  }, 120_000);

  it('diagnose reads the addresses users paste: the UI page, the API application, an attempt, its /logs', async () => {
    const failed = SERVED[0]!.appId;
    for (const pasted of [
      `${url}/history/${failed}/jobs/`,
      `${url}/api/v1/applications/${failed}`,
      `${url}/api/v1/applications/${failed}/logs`,
    ]) {
      const r = await runCliAsync(['diagnose', '-f', 'json', pasted]);
      expect(r.status, pasted).toBe(1);
      const doc = JSON.parse(r.stdout) as { applications: Array<{ appId: string; verdict: { code: string } | null }> };
      expect(doc.applications.map((a) => [a.appId, a.verdict?.code])).toEqual([[failed, 'max-result-size']]);
    }
    const yarn = SERVED[2]!.appId;
    const one = await runCliAsync(['inspect', '-f', 'json', `${url}/history/${yarn}/2/jobs/`]);
    expect(one.status).toBe(0);
    const inputs = (JSON.parse(one.stdout) as { inputs: Array<{ path: string }> }).inputs;
    expect(inputs.map((i) => i.path)).toEqual([attemptUrl(url, yarn, '2')]);
    const both = await runCliAsync(['inspect', '-f', 'json', `${url}/api/v1/applications/${yarn}`]);
    expect((JSON.parse(both.stdout) as { inputs: Array<{ path: string }> }).inputs.map((i) => i.path).sort()).toEqual([
      attemptUrl(url, yarn, '1'),
      attemptUrl(url, yarn, '2'),
    ]);
  }, 120_000);

  it('a missing application, a bad scheme and a dead server are one line each naming the URL; the rest is read', async () => {
    const good = `${url}/api/v1/applications/${SERVED[0]!.appId}`;
    const missing = `${url}/history/app-20000101000000-9999`;
    const r = await runCliAsync(['diagnose', '-f', 'json', missing, 'ftp://example.invalid/x', good]);
    expect(r.status).toBe(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toBe(
      `spark-triage: ${url}/api/v1/applications/app-20000101000000-9999: not found (HTTP 404): no such object, directory, bucket or application`,
    );
    expect(lines[1]).toMatch(/^spark-triage: ftp:\/\/example\.invalid\/x: not a URL this tool reads/);
    const doc = JSON.parse(r.stdout) as { applications: Array<{ appId: string }> };
    expect(doc.applications.map((a) => a.appId)).toEqual([SERVED[0]!.appId]);
    // A scan of a server that is not there: one line naming it, exit 2 (nothing was scanned).
    const dead = await runCliAsync(['scan', 'http://127.0.0.1:9/']);
    expect(dead.status).toBe(2);
    expect(dead.stderr).toMatch(/^spark-triage: http:\/\/127\.0\.0\.1:9\/: gave up after \d+ attempts: connection failed/);
    expect(dead.stderr.trim().split('\n')).toHaveLength(1);
  }, 120_000);

  describe('behind a proxy path with a bearer token, through 503s, throttling and dropped connections', () => {
    let proxy: Proxy | null = null;
    const token = 'Bearer not-a-real-secret';
    beforeAll(async () => {
      proxy = await startProxy({
        target: url,
        prefix: '/gateway/sparkhistory',
        authorization: token,
        faults: [
          { pathIncludes: '/api/v1/applications', fault: 'status-503' },
          { pathIncludes: '/api/v1/applications', fault: 'status-429' },
          { pathIncludes: `${SERVED[2]!.appId}/1/logs`, fault: 'drop-mid-body' },
          { pathIncludes: `${SERVED[4]!.appId}/logs`, fault: 'drop-mid-body' },
        ],
      });
    });
    afterAll(async () => proxy?.close());

    it('without the token: one line naming the URL, 401, exit 2', async () => {
      const r = await runCliAsync(['scan', proxy!.url]);
      expect(r.status).toBe(2);
      expect(r.stderr).toBe(
        `spark-triage: ${proxy!.url}: credentials missing or refused (HTTP 401): Unauthorized: a bearer token is required\n`,
      );
    }, 60_000);

    it('with the token from SPARK_TRIAGE_HEADERS: every attempt once, faults and all', async () => {
      const r = await runCliAsync(['scan', `${proxy!.url}/`, '-f', 'jsonl'], { SPARK_TRIAGE_HEADERS: `Authorization: ${token}` });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      const paths = rowsOf(r.stdout).map((row) => row.path);
      expect(paths.sort()).toEqual(ALL.map((l) => attemptUrl(proxy!.url, l.appId, l.attemptId)).sort());
      expect(rowsOf(r.stdout).every((row) => row.error === undefined)).toBe(true);
      // The faults were met: retried after 503 and 429, and both cut downloads fetched again.
      const seen = proxy!.seen;
      expect(seen.filter((s) => s === 'GET /api/v1/applications').length).toBeGreaterThanOrEqual(3);
      expect(seen.filter((s) => s.includes(`${SERVED[2]!.appId}/1/logs`))).toHaveLength(2);
      expect(seen.filter((s) => s.includes(`${SERVED[4]!.appId}/logs`))).toHaveLength(2);
    }, 120_000);

    it('with the token from a header file (--header @file)', async () => {
      const { writeFileSync, mkdtempSync } = await import('node:fs');
      const { tmpdir } = await import('node:os');
      const d = mkdtempSync(`${tmpdir()}/spark-triage-h-`);
      writeFileSync(`${d}/headers`, `# for the gateway\nAuthorization: ${token}\n`, { mode: 0o600 });
      try {
        const r = await runCliAsync(['diagnose', '-f', 'json', '--header', `@${d}/headers`, `${proxy!.url}/history/${SERVED[4]!.appId}`]);
        expect(r.stderr).toBe('');
        expect(r.status).toBe(1);
        expect((JSON.parse(r.stdout) as { applications: Array<{ verdict: { code: string } }> }).applications[0]!.verdict.code).toBe(
          'heap-oom',
        );
      } finally {
        rmSync(d, { recursive: true, force: true });
      }
    }, 60_000);
  });
});
