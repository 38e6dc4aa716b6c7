import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENTLOGS, fixture, hasShared, ROOT } from '../helpers.js';
import { addTraps, generateLogDir } from './gen.mjs';

const BIN = path.join(ROOT, 'bin', 'spark-triage.js');
const run = (args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', maxBuffer: 256 << 20, env: { ...process.env, NO_COLOR: '1', TZ: 'UTC' } });
const jsonl = (s: string): Array<Record<string, unknown>> => s.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
const isFailed = (r: Record<string, unknown>): boolean =>
  'error' in r || r.outcome === 'failed' || r.outcome === 'incomplete' || (r.findings as Array<{ severity: string }>).some((f) => f.severity === 'critical');

describe('spark-triage scan (built bin)', () => {
  let root = '';
  let expectedApps = 0;
  beforeAll(() => {
    root = mkdtempSync(path.join(tmpdir(), 'st-scan-'));
    expectedApps = generateLogDir(root, 1000).apps;
    addTraps(root);
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  for (const jobs of ['1', '2']) {
    it(`reads ≥ 1,000 applications with --jobs ${jobs}: every one a row, failed first, traps as error rows`, () => {
      const r = run(['scan', '--format', 'jsonl', '--jobs', jobs, root]);
      expect(r.status).toBe(0);
      const rows = jsonl(r.stdout);
      const apps = rows.filter((x) => !('error' in x));
      const errors = rows.filter((x) => 'error' in x);
      expect(apps.length).toBe(expectedApps);
      expect(expectedApps).toBeGreaterThanOrEqual(1000);
      expect(errors.map((e) => [path.basename(e.path as string), e.error])).toEqual(
        expect.arrayContaining([
          ['corrupt.lz4', expect.stringMatching(/^corrupt lz4 block header at byte 0|truncated lz4 block/)],
          ['dangling-link', 'no such file or directory'],
        ]),
      );
      expect(errors).toHaveLength(2);
      // Failed rows stream first; the rest follow.
      const firstOk = rows.findIndex((x) => !isFailed(x));
      expect(rows.slice(firstOk).every((x) => !isFailed(x))).toBe(true);
      // Each row is the diagnose applications[] object plus "path".
      expect(Object.keys(apps[0]!).sort()).toEqual(['appId', 'appName', 'clusterManager', 'findings', 'memory', 'outcome', 'path', 'sparkVersion', 'verdict']);
      // Sibling attempts inside a zip are each a row.
      expect(apps.filter((a) => a.appId === 'application_1700000000000_0005').length).toBeGreaterThanOrEqual(3);
    });
  }

  it('prints a table with totals per verdict and region, and a CSV with a header', () => {
    const t = run(['scan', root]);
    expect(t.status).toBe(0);
    expect(t.stdout.split('\n')[0]).toMatch(/^application\s+name\s+user\s+spark\s+manager\s+outcome\s+duration\s+verdict\s+role\/region\s+top fix$/);
    expect(t.stdout).toMatch(/\n\d+ rows, 2 unreadable\nby verdict: .*yarn-memory-exceeded \d+/);
    expect(t.stdout).toMatch(/\nby role\/region: .*executor\/overhead \d+/);
    const c = run(['scan', '--format', 'csv', '--limit', '5', root]);
    const lines = c.stdout.trim().split('\n');
    expect(lines[0]).toBe('path,appId,appName,user,sparkVersion,clusterManager,outcome,durationMs,verdict,role,region,confidence,fix,error');
    expect(lines.length).toBeGreaterThan(5);
  });

  it('filters: --since by modification time, --limit newest first, --app-name, --failed-only', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'st-filter-'));
    const log = (name: string, src: string, ageDays: number): void => {
      const p = path.join(dir, name);
      writeFileSync(p, src.replaceAll('"App Name":"fixture"', `"App Name":"${name}"`));
      const t = (Date.now() - ageDays * 86400e3) / 1000;
      utimesSync(p, t, t);
    };
    const failed = readFileSync(fixture('diagnose', 'heap-oom', 'spark35-storage-memorystore'), 'utf8');
    const healthy = readFileSync(fixture('diagnose', 'traps', 'maxresultsize-property'), 'utf8');
    log('old-failed', failed, 30);
    log('new-failed', failed, 1);
    log('new-healthy', healthy, 2);
    const names = (args: string[]): string[] => jsonl(run(['scan', '--format', 'jsonl', ...args, dir]).stdout).map((r) => r.appName as string).sort();
    expect(names(['--since', '7d'])).toEqual(['new-failed', 'new-healthy']);
    expect(names(['--limit', '1'])).toEqual(['new-failed']);
    expect(names(['--app-name', 'new-*'])).toEqual(['new-failed', 'new-healthy']);
    expect(names(['--failed-only'])).toEqual(['new-failed', 'old-failed']);
    rmSync(dir, { recursive: true, force: true });
  });

  it.skipIf(process.getuid?.() === 0)('reports an unreadable file as an error row and goes on', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'st-perm-'));
    writeFileSync(path.join(dir, 'secret'), '{"Event":"SparkListenerLogStart","Spark Version":"3.5.1"}\n');
    chmodSync(path.join(dir, 'secret'), 0o000);
    const rows = jsonl(run(['scan', '--format', 'jsonl', dir]).stdout);
    expect(rows).toEqual([{ path: path.join(dir, 'secret'), error: 'permission denied' }]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('stops cleanly on Ctrl-C: rows so far flushed, totals say so, exit 130', async () => {
    const child = spawn(process.execPath, [BIN, 'scan', '--jobs', '1', root], { env: { ...process.env, NO_COLOR: '1' } });
    let out = '';
    child.stdout.on('data', (c: Buffer) => {
      if (out === '') setTimeout(() => child.kill('SIGINT'), 50);
      out += c.toString();
    });
    const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(status).toBe(130);
    expect(out).toMatch(/\n\d+ rows(, \d+ unreadable)? \(interrupted after \d+ of \d+\)\n/);
  });

  it('refuses bad usage with exit 2', () => {
    expect(run(['scan', '/no/such/dir']).status).toBe(2);
    expect(run(['scan', fixture('codecs', 'lz4')]).status).toBe(2);
    expect(run(['scan', '--since', 'someday', root]).status).toBe(2);
    expect(run(['scan', '--jobs', '0', root]).status).toBe(2);
  });
});

describe.skipIf(!hasShared)('scan of ../shared/eventlogs as a whole', () => {
  it('finds every application, and every file that is not an event log is an error row', () => {
    const r = run(['scan', '--format', 'jsonl', EVENTLOGS]);
    expect(r.status).toBe(0);
    const rows = jsonl(r.stdout);
    // 113 inputs (eventlogs.test.ts), of which 5 are not event logs; each other input is one application.
    expect(rows.filter((x) => !('error' in x))).toHaveLength(108);
    expect(rows.filter((x) => 'error' in x).map((x) => path.basename(x.path as string)).sort()).toEqual(['MANIFEST.tsv', 'NOT_COLLECTED.tsv', 'driverlog', 'file_event_log_empty_test', 'invalid_log_file']);
    expect(rows.some((x) => 'findings' in x && (x.findings as Array<{ severity: string }>).some((f) => f.severity === 'critical'))).toBe(false);
  });
});
