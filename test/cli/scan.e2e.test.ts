import { spawn } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { ScanRowSchema, type ScanAppRow, type ScanRow } from '../contract.js';
import { BIN, EVENTLOGS, fixture, hasShared, jsonLines, runCli } from '../helpers.js';
import { addTraps, generateLogDir } from '../scan/gen.mjs';

const rowsOf = (stdout: string): ScanRow[] => jsonLines(stdout).map((r) => ScanRowSchema.parse(r));
const isApp = (r: ScanRow): r is ScanAppRow => 'findings' in r;
const isFailed = (r: ScanRow): boolean =>
  !isApp(r) || r.outcome === 'failed' || r.outcome === 'incomplete' || r.findings.some((f) => f.severity === 'critical');

/** "by verdict: a 3, b 1" → { a: 3, b: 1 } (the table's totals line). */
function totals(stdout: string, label: string): Record<string, number> {
  const lines = stdout.split('\n');
  const at = lines.findIndex((l) => l.startsWith(`${label}: `));
  if (at < 0) throw new Error(`no "${label}:" line`);
  // Folded to the table's width: the lines after the first are indented.
  let line = lines[at]!;
  for (let i = at + 1; lines[i]?.startsWith('  '); i++) line += ` ${lines[i]!.trim()}`;
  return Object.fromEntries(
    line
      .slice(label.length + 2)
      .split(', ')
      .map((kv) => {
        const at = kv.lastIndexOf(' ');
        return [kv.slice(0, at), Number(kv.slice(at + 1))];
      }),
  );
}
const count = (keys: string[]): Record<string, number> =>
  keys.reduce<Record<string, number>>((m, k) => ({ ...m, [k]: (m[k] ?? 0) + 1 }), {});

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
      const r = runCli(['scan', '--format', 'jsonl', '--jobs', jobs, root]);
      expect(r.status).toBe(0);
      const rows = rowsOf(r.stdout); // each row is the diagnose applications[] object plus "path" (contract.ts)
      const apps = rows.filter(isApp);
      const errors = rows.filter((x) => !isApp(x));
      expect(apps.length).toBe(expectedApps);
      expect(expectedApps).toBeGreaterThanOrEqual(1000);
      const problems = Object.fromEntries(errors.map((e) => [path.basename(e.path), 'errors' in e ? e.errors : []]));
      expect(problems).toEqual({
        'corrupt.lz4': [{ part: null, code: 'lz4-bad-header', data: { at: 0 } }],
        'dangling-link': [{ part: null, code: 'no-such-file', data: {} }],
      });
      // Failed rows stream first; the rest follow.
      const firstOk = rows.findIndex((x) => !isFailed(x));
      expect(rows.slice(firstOk).every((x) => !isFailed(x))).toBe(true);
      // Sibling attempts inside a zip are each a row.
      expect(apps.filter((a) => a.appId === 'application_1700000000000_0005').length).toBeGreaterThanOrEqual(3);
    });
  }

  it('prints a table whose totals per verdict and region count the rows, and a CSV with a header', () => {
    const t = runCli(['scan', root]);
    expect(t.status).toBe(0);
    expect(t.stdout).toMatch(/^sev\s+log\s+outcome\s+verdict\s+warn\n/);
    const rows = rowsOf(runCli(['scan', '--format', 'jsonl', root]).stdout);
    const apps = rows.filter(isApp);
    expect(t.stdout).toContain(`\n${rows.length} rows, ${rows.length - apps.length} unreadable\n`);
    expect(totals(t.stdout, 'by verdict')).toEqual(count(apps.map((a) => a.verdict?.code ?? 'no memory failure')));
    expect(totals(t.stdout, 'by role/region')).toEqual(
      count(apps.flatMap((a) => (a.verdict ? [`${a.verdict.role}/${a.verdict.region}`] : []))),
    );
    const c = runCli(['scan', '--format', 'csv', '--limit', '5', root]);
    expect(
      c.stdout.startsWith(
        'path,appId,appName,user,sparkVersion,clusterManager,outcome,durationMs,verdict,role,region,confidence,fix,error,warnings\n',
      ),
    ).toBe(true);
    expect(c.stdout.trim().split('\n').length).toBeGreaterThan(5);
  });

  it('filters: --since by modification time, --limit newest first, --app-name, --failed-only', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'st-filter-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
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
    const names = (args: string[]): Array<string | null> =>
      rowsOf(runCli(['scan', '--format', 'jsonl', ...args, dir]).stdout)
        .filter(isApp)
        .map((r) => r.appName)
        .sort();
    expect(names(['--since', '7d'])).toEqual(['new-failed', 'new-healthy']);
    expect(names(['--limit', '1'])).toEqual(['new-failed']);
    expect(names(['--app-name', 'new-*'])).toEqual(['new-failed', 'new-healthy']);
    expect(names(['--failed-only'])).toEqual(['new-failed', 'old-failed']);
    // The name first, then --limit: the newest log whose name matches (v1 took the newest log, then found no match).
    expect(names(['--app-name', 'old-*', '--limit', '1'])).toEqual(['old-failed']);
    expect(names(['--app-name', 'new-*', '--limit', '1'])).toEqual(['new-failed']);
  });

  it('--limit: logs of the same time are taken in path order, not the walk’s, each with all its rows', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'st-ties-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const log = fixture('diagnose', 'heap-oom', 'spark35-storage-memorystore');
    const zip = fixture('layouts', 'zip-attempts', 'eventLogs-application_1700000000000_0005.zip');
    // The walk takes a folder's logs before a sibling file whose name extends the folder's
    // ("cluster" < "cluster-b"); as paths, "cluster-b" < "cluster/…" ('-' before '/').
    mkdirSync(path.join(dir, 'cluster'));
    const placed = { 'cluster/app-a': log, 'cluster-b': log, 'cluster-c.zip': zip, older: log };
    for (const [name, src] of Object.entries(placed)) {
      copyFileSync(src, path.join(dir, name));
      // Whole seconds, as a store's listing gives them: all but one tie.
      const t = name === 'older' ? 1_700_000_000 : 1_800_000_000;
      utimesSync(path.join(dir, name), t, t);
    }
    const paths = (n: number): string[] =>
      rowsOf(runCli(['scan', '--format', 'jsonl', '--limit', String(n), dir]).stdout).map((r) => path.relative(dir, r.path));
    expect(paths(1)).toEqual(['cluster-b']);
    // The zip is one log: its three attempts are three rows, all written.
    expect(paths(2).sort()).toEqual(['cluster-b', 'cluster-c.zip', 'cluster-c.zip', 'cluster-c.zip']);
    expect(paths(3).sort()).toEqual(['cluster-b', 'cluster-c.zip', 'cluster-c.zip', 'cluster-c.zip', 'cluster/app-a']);
  });

  it.skipIf(process.getuid?.() === 0)('reports an unreadable file as an error row and goes on', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'st-perm-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(path.join(dir, 'secret'), '{"Event":"SparkListenerLogStart","Spark Version":"3.5.1"}\n');
    chmodSync(path.join(dir, 'secret'), 0o000);
    const rows = rowsOf(runCli(['scan', '--format', 'jsonl', dir]).stdout);
    expect(rows).toEqual([
      { path: path.join(dir, 'secret'), error: expect.any(String), errors: [{ part: null, code: 'permission-denied', data: {} }] },
    ]);
  });

  it('stops cleanly on Ctrl-C: rows so far flushed, totals say so, exit 130, its temporary file removed', async () => {
    const t = mkdtempSync(path.join(tmpdir(), 'st-scan-tmp-'));
    onTestFinished(() => rmSync(t, { recursive: true, force: true }));
    const child = spawn(process.execPath, [BIN, 'scan', '--jobs', '1', root], { env: { ...process.env, NO_COLOR: '1', TMPDIR: t } });
    let out = '';
    child.stdout.on('data', (c: Buffer) => {
      if (out === '') setTimeout(() => child.kill('SIGINT'), 50);
      out += c.toString();
    });
    const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(status).toBe(130);
    expect(out).toMatch(/\n\d+ rows(, \d+ unreadable)? \(interrupted after \d+ of \d+\)\n/);
    expect(readdirSync(t)).toEqual([]);
  });

  it('an unusable temporary directory is said before any log is read: one line naming it, exit 2, no rows', () => {
    const missing = path.join(root, 'no-such-tmp');
    const r = runCli(['scan', '--format', 'jsonl', root], { env: { TMPDIR: missing } });
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trimEnd().split('\n')).toEqual([
      `spark-triage: cannot keep scan rows in the temporary directory ${missing}: ENOENT: no such file or directory, mkdtemp '${missing}/spark-triage-scan-XXXXXX' (set TMPDIR to a writable directory)`,
    ]);
  });

  it('leaves nothing in the temporary directory after a whole scan', () => {
    const t = mkdtempSync(path.join(tmpdir(), 'st-scan-tmp-'));
    onTestFinished(() => rmSync(t, { recursive: true, force: true }));
    const r = runCli(['scan', '--jobs', '2', '--format', 'csv', root], { env: { TMPDIR: t } });
    expect(r.status).toBe(0);
    expect(r.stdout.split('\n').length).toBeGreaterThan(expectedApps);
    expect(readdirSync(t)).toEqual([]);
  });

  it('refuses bad usage with exit 2 and one line', () => {
    const missing = runCli(['scan', '/no/such/dir']);
    expect(missing.status).toBe(2);
    expect(missing.stderr.trimEnd().split('\n')).toEqual([expect.stringMatching(/^spark-triage: \/no\/such\/dir: \S/)]);
    expect(runCli(['scan', fixture('codecs', 'lz4')]).status).toBe(2);
    expect(runCli(['scan', '--since', 'someday', root]).status).toBe(2);
    expect(runCli(['scan', '--jobs', '0', root]).status).toBe(2);
  });
});

describe.skipIf(!hasShared)('scan of ../shared/eventlogs as a whole', () => {
  it('finds every application, and every file that is not an event log is an error row', () => {
    const r = runCli(['scan', '--format', 'jsonl', EVENTLOGS]);
    expect(r.status).toBe(0);
    const rows = rowsOf(r.stdout);
    // 113 inputs (eventlogs.test.ts), of which 5 are not event logs; each other input is one application.
    expect(rows.filter(isApp)).toHaveLength(108);
    expect(
      rows
        .filter((x) => !isApp(x))
        .map((x) => path.basename(x.path))
        .sort(),
    ).toEqual(['MANIFEST.tsv', 'NOT_COLLECTED.tsv', 'driverlog', 'file_event_log_empty_test', 'invalid_log_file']);
    // No memory failure in the corpus but the RAPIDS run's GPU OOM; failed applications are answered by findings of region 'none'.
    expect(
      rows
        .filter(isApp)
        .flatMap((x) =>
          x.findings.filter((f) => f.severity === 'critical' && f.region !== 'none').map((f) => `${path.basename(x.path)}: ${f.code}`),
        ),
    ).toEqual(['gpu_oom_eventlog.zstd: gpu-oom']);
  });
});

describe.skipIf(!hasShared)('scan of a real compressed log cut short', () => {
  const QUAL = path.join(EVENTLOGS, 'spark-rapids-tools', 'core', 'src', 'test', 'resources', 'spark-events-qualification');
  let dir = '';
  let cut = '';
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'st-cut-'));
    // Half of a real zstd log: its application is read up to where the bytes end.
    const whole = readFileSync(path.join(QUAL, 'dsAndDf_eventlog.zstd'));
    cut = path.join(dir, 'cut.zstd');
    writeFileSync(cut, whole.subarray(0, whole.length >> 1));
    writeFileSync(path.join(dir, 'whole.zstd'), whole);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is one row, its application, carrying the read error in every format; merge of shards keeps it so', () => {
    const r = runCli(['scan', '--format', 'jsonl', dir]);
    expect(r.status).toBe(0);
    const rows = rowsOf(r.stdout).filter((x) => x.path === cut);
    expect(rows).toHaveLength(1);
    const row = rows[0]!;
    if (!isApp(row) || row.appId === null) throw new Error('the cut log is not an application row');
    expect(row.errors).toEqual([{ part: null, code: 'cut-short', data: { cause: { code: 'zstd-truncated', data: expect.anything() } } }]);
    const why = row.error!;
    expect(why).toMatch(/truncated zstd frame/);

    const csv = runCli(['scan', '--format', 'csv', dir]).stdout.trim().split('\n');
    const cutLines = csv.filter((l) => l.startsWith(`${cut},`));
    expect(cutLines).toHaveLength(1);
    expect(cutLines[0]).toContain(`"${why}"`); // its error cell (quoted: the words hold a comma)
    expect(cutLines[0]).toContain(`,${row.appId},`);

    const table = runCli(['scan', dir]).stdout;
    expect(table.split('\n').filter((l) => /^\S+\s+cut\.zstd\b/.test(l))).toHaveLength(1);
    expect(table).toMatch(/\n {5}error: truncated zstd frame/);
    expect(table).toContain('\n2 rows, 1 read in part\n');
    expect(table).not.toContain('unreadable');

    const page = runCli(['scan', '--format', 'html', dir]).stdout;
    expect(page.match(/<div class="app readerror">/g)).toHaveLength(1);
    expect(page).not.toContain('class="row error"');
    expect(page).toContain('2 applications, 1 read in part');

    // Two shards, merged: the same one row, as a scan of the whole gives it.
    const shards = ['1/2', '2/2'].map((s, i) => {
      const f = path.join(dir, `..`, `${path.basename(dir)}-shard${i}.jsonl`);
      writeFileSync(f, runCli(['scan', '--format', 'jsonl', '--for-html', '--shard', s, dir]).stdout);
      onTestFinished(() => rmSync(f, { force: true }));
      return f;
    });
    const merged = runCli(['merge', '--root', dir, ...shards]);
    expect(merged.status).toBe(0);
    expect(merged.stdout).toBe(table);
    const mergedCsv = runCli(['merge', '--format', 'csv', ...shards])
      .stdout.trim()
      .split('\n');
    expect(mergedCsv.filter((l) => l.startsWith(`${cut},`))).toEqual(cutLines);
    const mergedPage = runCli(['merge', '--format', 'html', ...shards]).stdout;
    expect(mergedPage.match(/<div class="app readerror">/g)).toHaveLength(1);
  });
});
