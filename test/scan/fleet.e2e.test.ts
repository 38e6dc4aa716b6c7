// Fleet scans through the built CLI: --state (incremental), --shard and merge, the 80-column table.
import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseShard } from '../../src/commands/scan.js';
import { shardOf } from '../../src/scan/index.js';
import { ScanRowSchema, type ScanAppRow, type ScanRow } from '../contract.js';
import { fixture, jsonLines, runCli, sortedLines } from '../helpers.js';
import { addTraps, generateLogDir } from './gen.mjs';

const rowsOf = (stdout: string): ScanRow[] => jsonLines(stdout).map((r) => ScanRowSchema.parse(r));
const isApp = (r: ScanRow): r is ScanAppRow => 'findings' in r;
/** The rows file a state's index names (its header's `rows`), beside it. */
const rowsFileOf = (index: string): string => (JSON.parse(readFileSync(index, 'utf8').split('\n')[0]!) as { rows: string }).rows;
const rowsPathOf = (index: string): string => path.join(path.dirname(index), rowsFileOf(index));

/** A whole second, so that setting it back is exact (utimes takes seconds as a float). */
const SECOND = Math.floor(Date.now() / 1000) - 3600;

/** Rewrites a file with other bytes of the same size and puts its time back: only a re-read can tell. */
function poison(file: string): void {
  writeFileSync(file, Buffer.alloc(statSync(file).size, 0x7a));
  utimesSync(file, SECOND, SECOND);
}

describe('scan --state: a second run reads only what changed', () => {
  let root = '';
  let state = '';
  beforeAll(() => {
    root = mkdtempSync(path.join(tmpdir(), 'st-fleet-'));
    generateLogDir(path.join(root, 'logs'), 120);
    addTraps(path.join(root, 'logs'));
    state = path.join(root, 'scan.state');
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const logs = (): string => path.join(root, 'logs');

  it('re-emits the stored rows of unchanged logs without reading them, and reads new and grown ones', () => {
    const victim = path.join(logs(), 'batch-000', 'application_1710000000000_00003');
    utimesSync(victim, SECOND, SECOND);
    const first = runCli(['scan', '--format', 'jsonl', '--state', state, logs()]);
    expect(first.status).toBe(0);
    // The index and the rows file it names; no temporary file left.
    expect(readdirSync(root).sort()).toEqual(['logs', 'scan.state', rowsFileOf(state)]);
    // Same size, same time, other bytes: a log that was read again would be an error row now.
    poison(victim);
    const second = runCli(['scan', '--format', 'jsonl', '--state', state, logs()]);
    expect(second.status).toBe(0);
    expect(sortedLines(second.stdout)).toEqual(sortedLines(first.stdout));
    for (const f of ['csv', 'table'])
      expect(sortedLines(runCli(['scan', '--format', f, '--state', state, logs()]).stdout)).toEqual(
        sortedLines(runCli(['scan', '--format', f, '--state', state, logs()]).stdout),
      );

    // A log that grows (still being written) and a new one are read; --new-only shows only those.
    const inprogress = readdirSync(path.join(logs(), 'batch-000')).find((f) => f.startsWith('eventlog_v2_'))!;
    const grown = path.join(logs(), 'batch-000', inprogress);
    const part = readdirSync(grown).find((f) => /^events_\d+_[^.]+$/.test(f))!; // the plain part
    appendFileSync(path.join(grown, part), '{"Event":"SparkListenerApplicationEnd","Timestamp":1700000999000}\n');
    writeFileSync(path.join(logs(), 'new-app'), readFileSync(fixture('diagnose', 'heap-oom', 'spark35-storage-memorystore')));
    const third = rowsOf(runCli(['scan', '--format', 'jsonl', '--new-only', '--state', state, logs()]).stdout);
    expect(third.map((r) => path.relative(logs(), r.path)).sort()).toEqual([`batch-000/${inprogress}`, 'new-app']);
    // The poisoned log, untouched since, is still not read.
    expect(rowsOf(runCli(['scan', '--format', 'jsonl', '--state', state, logs()]).stdout).filter((r) => !isApp(r)).length).toBe(
      rowsOf(first.stdout).filter((r) => !isApp(r)).length,
    );
    // Touched, it is read, and now it is an error row.
    const t = new Date();
    utimesSync(victim, t, t);
    const rows = rowsOf(runCli(['scan', '--format', 'jsonl', '--new-only', '--state', state, logs()]).stdout);
    expect(rows.map((r) => [path.relative(logs(), r.path), isApp(r)])).toEqual([['batch-000/application_1710000000000_00003', false]]);
  });

  it('append-only: an unchanged run writes nothing; a changed log is appended; a torn last entry is cut; garbage past half is compacted', () => {
    const dir = path.join(root, 'append');
    generateLogDir(dir, 40);
    const s = path.join(root, 'append.state');
    const scan = (...extra: string[]): ScanRow[] =>
      rowsOf(runCli(['scan', '--format', 'jsonl', '--jobs', '1', ...extra, '--state', s, dir]).stdout);
    const all = scan();
    const before = readFileSync(s);
    const beforeRows = readFileSync(rowsPathOf(s));
    expect(before.length * 10).toBeLessThan(beforeRows.length); // the index is a small part: a line per log
    // Unchanged: not a byte written.
    expect(scan('--new-only')).toEqual([]);
    expect(readFileSync(s).equals(before)).toBe(true);
    expect(readFileSync(rowsPathOf(s)).equals(beforeRows)).toBe(true);
    // A log changed: its new entry is appended after the others, the old one left as garbage.
    const changed = path.join(dir, 'batch-000', 'application_1710000000000_00001');
    writeFileSync(changed, readFileSync(fixture('diagnose', 'heap-oom', 'spark35-storage-memorystore')));
    expect(scan('--new-only').map((r) => r.path)).toEqual([changed]);
    const grown = readFileSync(s);
    const grownRows = readFileSync(rowsPathOf(s));
    expect(grown.subarray(0, before.length).equals(before)).toBe(true);
    expect(grownRows.subarray(0, beforeRows.length).equals(beforeRows)).toBe(true);
    expect(grown.length).toBeGreaterThan(before.length);
    // A run killed mid-write leaves a torn entry (its rows, and maybe part of its index line): the
    // next run ignores it, reads nothing, and cuts both files after the last whole entry.
    appendFileSync(rowsPathOf(s), '{"path":"x","rows":[{"failed":true}]}\n{"appId":');
    appendFileSync(s, `${grownRows.length} 4`);
    expect(scan('--new-only')).toEqual([]);
    expect(readFileSync(s).equals(grown)).toBe(true);
    expect(readFileSync(rowsPathOf(s)).equals(grownRows)).toBe(true);
    // An index line whose entry is not where the one before it ends (the rows file cut short or
    // edited) is not trusted, nor are the lines after it: those logs are read again.
    const lines = grown.toString('utf8').split('\n');
    const cut = lines.length - 5;
    lines[cut] = lines[cut]!.replace(/^\d+/, (n) => String(Number(n) + 1));
    writeFileSync(s, lines.join('\n'));
    const untrusted = lines.slice(cut, -1).map((l) => JSON.parse(l.slice(l.indexOf('"'))) as string);
    expect(untrusted).toHaveLength(4);
    expect([...new Set(scan('--new-only').map((r) => r.path))].sort()).toEqual(untrusted.sort());
    expect(
      sortedLines(
        scan()
          .map((r) => JSON.stringify(r))
          .join('\n'),
      ),
    ).toHaveLength(all.length);
    // Rows that do not read back as the entry they should be (same size, other bytes) are read
    // again from their logs; a --new-only run, which needs no stored row, does not even look.
    const rowsNow = readFileSync(rowsPathOf(s));
    writeFileSync(rowsPathOf(s), Buffer.alloc(rowsNow.length, 0x7a));
    expect(scan('--new-only')).toEqual([]);
    const fresh = (rows: ScanRow[]): string[] => rows.map((r) => JSON.stringify(r)).sort();
    expect(fresh(scan())).toEqual(fresh(rowsOf(runCli(['scan', '--format', 'jsonl', '--jobs', '1', dir]).stdout)));
    // Most logs gone: the entries no log needs pass half the rows, and the state is rewritten with
    // the rest: a new rows file, the old one removed (and any an interrupted rewrite left behind).
    const orphan = path.join(root, 'append.state.rows-0123456789abcdef');
    writeFileSync(orphan, 'left by a rewrite killed before its rename');
    for (const d of readdirSync(dir)) if (d !== 'batch-000') rmSync(path.join(dir, d), { recursive: true });
    for (const f of readdirSync(path.join(dir, 'batch-000')).slice(10)) rmSync(path.join(dir, 'batch-000', f), { recursive: true });
    const left = scan().length;
    expect(statSync(rowsPathOf(s)).size).toBeLessThan(grownRows.length / 2);
    expect(readdirSync(root).filter((f) => f.startsWith('append.state'))).toEqual(['append.state', rowsFileOf(s)]);
    expect(scan('--new-only')).toEqual([]);
    expect(scan().length).toBe(left);
    // Its rows file gone, the index is stale whole: every log is read again.
    rmSync(rowsPathOf(s));
    expect(scan('--new-only').length).toBe(left);
    expect(scan('--new-only')).toEqual([]);
  });

  it('another spark-triage (version or build) makes every stored result stale', () => {
    const s = path.join(root, 'other.state');
    const everything = rowsOf(runCli(['scan', '--format', 'jsonl', logs()]).stdout).length;
    runCli(['scan', '--format', 'jsonl', '--state', s, logs()]);
    const header = JSON.parse(readFileSync(s, 'utf8').split('\n')[0]!) as { sparkTriageScanState: number; tool: string; rows: string };
    for (const other of [
      () => ({ ...header, tool: '0.0.1+0000000000000000', rows: rowsFileOf(s) }), // another build
      () => ({ sparkTriageScanState: 2, tool: header.tool }), // an older format: one file, rows and all
    ]) {
      const lines = readFileSync(s, 'utf8').split('\n');
      const before = rowsFileOf(s);
      lines[0] = JSON.stringify(other());
      writeFileSync(s, lines.join('\n'));
      const rows = rowsOf(runCli(['scan', '--format', 'jsonl', '--new-only', '--state', s, logs()]).stdout);
      expect(rows.length).toBe(everything);
      // Rewritten: a new rows file, the stale one gone.
      expect(readdirSync(root).filter((f) => f.startsWith('other.state'))).toEqual(['other.state', rowsFileOf(s)]);
      expect(rowsFileOf(s)).not.toBe(before);
    }
  });

  it('a state file that cannot be written is one line naming it, exit 2, before any row', () => {
    const r = runCli(['scan', '--state', path.join(root, 'no-such-dir', 'x.state'), logs()]);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^spark-triage: --state .*no-such-dir\/x\.state: ENOENT: .*\n$/);
  });

  it('--new-only without --state is bad usage', () => {
    const r = runCli(['scan', '--new-only', logs()]);
    expect([r.status, r.stderr]).toEqual([2, 'spark-triage: --new-only: needs --state (the logs read before are known only from it)\n']);
  });
});

describe('scan --shard k/n and merge: n shards merged are one scan', () => {
  let root = '';
  beforeAll(() => {
    root = mkdtempSync(path.join(tmpdir(), 'st-shard-'));
    generateLogDir(root, 300);
    addTraps(root);
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('every log in exactly one shard; the merged table, CSV and JSONL equal a single scan (order aside)', () => {
    const n = 3;
    const files: string[] = [];
    const seen = new Map<string, number>();
    for (let k = 1; k <= n; k++) {
      const out = runCli(['scan', '--format', 'jsonl', '--jobs', String(1 + (k % 2)), '--shard', `${k}/${n}`, root]);
      expect(out.status).toBe(0);
      const f = path.join(tmpdir(), `st-shard-${process.pid}-${k}.jsonl`);
      writeFileSync(f, out.stdout);
      files.push(f);
      for (const r of rowsOf(out.stdout)) seen.set(r.path, (seen.get(r.path) ?? 0) + 1);
    }
    try {
      const single = rowsOf(runCli(['scan', '--format', 'jsonl', root]).stdout);
      expect([...seen.keys()].sort()).toEqual([...new Set(single.map((r) => r.path))].sort());
      for (const format of ['jsonl', 'csv', 'table']) {
        const merged = runCli(['merge', '--format', format, '--root', root, ...files]);
        expect(merged.status).toBe(0);
        expect(sortedLines(merged.stdout)).toEqual(sortedLines(runCli(['scan', '--format', format, root]).stdout));
      }
    } finally {
      for (const f of files) rmSync(f, { force: true });
    }
  });

  it('merge names a line that is not a scan row and goes on, exit 2', () => {
    const f = path.join(tmpdir(), `st-merge-${process.pid}.jsonl`);
    const good = runCli(['scan', '--format', 'jsonl', '--shard', '1/9', root]).stdout;
    writeFileSync(f, `${good}{"path":"x"}\nnot json\n`);
    try {
      const r = runCli(['merge', '--format', 'jsonl', f]);
      expect(r.status).toBe(2);
      const n = good.split('\n').length - 1;
      expect(r.stderr).toBe(
        `spark-triage: ${f}:${n + 1}: not a row of scan --format jsonl\nspark-triage: ${f}:${n + 2}: not a row of scan --format jsonl\n`,
      );
      expect(sortedLines(r.stdout)).toEqual(sortedLines(good));
    } finally {
      rmSync(f, { force: true });
    }
  });

  it('a table that fits 80 columns, with a header, severity, the log, outcome, verdict and warnings', () => {
    const t = runCli(['scan', root]).stdout.split('\n');
    expect(t[0]).toMatch(/^sev {2}log +outcome +verdict +warn$/);
    for (const line of t) expect(line.length, line).toBeLessThanOrEqual(80);
    expect(t.some((l) => /^crit /.test(l))).toBe(true);
    expect(t.some((l) => /^ {5}fix: --conf spark\./.test(l))).toBe(true);
    expect(t.some((l) => l.startsWith('warnings: '))).toBe(true);
  });
});

describe('--shard', () => {
  it('k/n as given, or n alone with k from a Kubernetes Indexed Job (JOB_COMPLETION_INDEX counts from 0)', () => {
    expect(parseShard('2/4', {})).toEqual({ k: 2, n: 4 });
    expect(parseShard('4', { JOB_COMPLETION_INDEX: '0' })).toEqual({ k: 1, n: 4 });
    expect(parseShard('4', { JOB_COMPLETION_INDEX: '3' })).toEqual({ k: 4, n: 4 });
    for (const bad of ['0/4', '5/4', '1/0', 'a/b', '1/4/2', '2/100000'])
      expect(() => parseShard(bad, {}), bad).toThrow(/not k\/n with 1 ≤ k ≤ n/);
    expect(() => parseShard('4', {})).toThrow('--shard 4: JOB_COMPLETION_INDEX is not set');
    expect(() => parseShard('4', { JOB_COMPLETION_INDEX: '4' })).toThrow('JOB_COMPLETION_INDEX is 4');
  });

  it('a log keeps its shard when others come and go: it depends on its own path only', () => {
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 4000; i++) counts[shardOf(`batch-${i % 40}/application_1710000000000_${i}`, 4) - 1]!++;
    for (const c of counts) expect(c).toBeGreaterThan(800); // spread evenly enough
    expect(shardOf('a/b', 7)).toBe(shardOf('a/b', 7));
  });
});
